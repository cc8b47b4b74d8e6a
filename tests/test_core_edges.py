"""Hand-worked edge cases of the calculation core (finance/core: services, settlement,
rebase, contributions and year end), each pinning one rule at the point where a small slip
in the code (a ``<`` for a ``<=``, a dropped argument, a changed message) would change the
answer.  Written while mutation testing the core (docs/testing.md): each test names the
edge it pins."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from fractions import Fraction
from typing import Any

import pytest

from finance.core.apportion import apportion_detail
from finance.core.chain import ClosedOpening
from finance.core.contributions import (
    contributions,
    latest_population,
    latest_populations,
    paying_parties,
    population_move,
    previous_estimates,
    year_facts,
)
from finance.core.model import (
    BlendComponent,
    Book,
    Cashflow,
    Driver,
    LedgerEntry,
    Party,
    Population,
    Project,
    Service,
    ServiceParty,
    Settings,
    ShareInForce,
    YearRow,
)
from finance.core.problems import BookError, Problem
from finance.core.rebase import apply_rule, rounded_shares, shares_in_force
from finance.core.services import (
    BasisWeights,
    ServiceLine,
    ServiceSplit,
    check_services,
    participant_weights,
    service_splits,
)
from finance.core.settlement import Obligation, settle, settlement, setup_costs
from finance.core.yearend import check_year_end, negative_spend, year_end

Y = "2025-26"
PARTIES = (Party("MBC", "Maidstone", True), Party("SBC", "Swale", True),
           Party("TWBC", "Tunbridge Wells", True), Party("KCC", "Kent", False))
POPS = (Population("MBC", Y, 142800), Population("SBC", Y, 128500),
        Population("TWBC", Y, 104600))


def book(**kw: Any) -> Book:
    base: dict[str, Any] = dict(settings=Settings("MKIP", "MBC"), parties=PARTIES,
                                populations=POPS, years=(YearRow(Y, Decimal(30), 0, 0),))
    base.update(kw)
    return Book(**base)


def no_second_working(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make working out a year's facts (or a project's sharing) again an error."""
    def refused(*_a: object, **_k: object) -> None:
        raise AssertionError("worked out again, though the caller gave it")

    monkeypatch.setattr("finance.core.services.year_facts", refused)
    monkeypatch.setattr("finance.core.settlement.projects_sharing", refused)


# -- settlement ----------------------------------------------------------------------------

def test_an_obligation_to_oneself_moves_nothing() -> None:
    s = settle([Obligation("S", "A", "A", 500)], ["B"])
    assert s.payments == ()
    assert [(n.party, n.amount) for n in s.net_positions] == [("A", 0), ("B", 0)]


def test_a_net_debt_of_one_penny_is_still_a_payment() -> None:
    s = settle([Obligation("S", "A", "B", 1)])
    assert [(p.payer, p.payee, p.amount) for p in s.payments] == [("A", "B", 1)]
    s = settle([Obligation("S", "B", "A", 1)])
    assert [(p.payer, p.payee, p.amount) for p in s.payments] == [("B", "A", 1)]


def test_one_penny_shares_are_owed_and_zero_shares_are_not() -> None:
    """£0.02 equal between three (1p, 1p, 0p, the pennies in code order) hosted by MBC:
    SBC owes its penny, TWBC's 0 is no obligation; a project of £0.01 led by TWBC:
    MBC owes the penny, SBC's 0 is none."""
    b = book(services=(Service("S", "Service", Y, "MBC", 2, 0, "equal"),),
             projects=(Project("P", "Case", "TWBC"),),
             cashflows=(Cashflow("P", 0, "one_off_cost", 1),))
    st = settlement(b, Y, service_splits(b, Y))
    assert [tuple(o) for o in st.obligations] == [("S", "SBC", "MBC", 1),
                                                    ("P", "MBC", "TWBC", 1)]


def test_a_project_costing_nothing_in_year_0_shares_nothing_and_the_next_still_counts(
) -> None:
    """Projects in code order: A costs £0.00 in year 0 (skipped), B £0.01, C £3.00."""
    b = book(projects=(Project("A", "Nothing", "MBC"), Project("B", "Penny", "SBC"),
                       Project("C", "Three pounds", "TWBC")),
             cashflows=(Cashflow("A", 0, "one_off_cost", 0), Cashflow("A", 1, "one_off_cost", 5),
                        Cashflow("B", 0, "one_off_cost", 1), Cashflow("C", 0, "one_off_cost", 300)))
    got = setup_costs(b, Y)
    assert [(c.project, c.name, c.lead, c.cost, c.shares) for c in got] == [
        ("B", "Penny", "SBC", 1, (("MBC", 1), ("SBC", 0), ("TWBC", 0))),
        ("C", "Three pounds", "TWBC", 300, (("MBC", 100), ("SBC", 100), ("TWBC", 100)))]


def test_the_settlement_uses_the_facts_and_project_sharing_it_is_given(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The year's facts and each project's sharing, when the caller has them, are used as
    given, not worked out again (a project shared 1 : 3 by the caller, rather than equally
    as the book would)."""
    b = book(services=(Service("S", "Service", Y, "MBC", 300, 0, "equal"),),
             projects=(Project("P", "Case", "TWBC", service="S"),),
             cashflows=(Cashflow("P", 0, "one_off_cost", 400),))
    facts = year_facts(b, Y)
    splits = service_splits(b, Y, facts)
    no_second_working(monkeypatch)
    sharing = {"P": {"SBC": Fraction(1), "TWBC": Fraction(3)}}
    st = settlement(b, Y, splits, sharing, facts)
    assert [tuple(o) for o in st.obligations] == [
        ("S", "SBC", "MBC", 100), ("S", "TWBC", "MBC", 100), ("P", "SBC", "TWBC", 100)]
    monkeypatch.undo()
    # without the sharing, the facts given still serve: P shared as its service S,
    # equally (every paying party, S listing none), £4.00 in thirds
    # (133.33p each: 134p, 133p, 133p, the penny left over to MBC, first in code order)
    monkeypatch.setattr("finance.core.services.year_facts", lambda *_a, **_k: pytest.fail(
        "the year's facts worked out again"))
    st = settlement(b, Y, splits, None, facts)
    assert [tuple(o)[1:] for o in st.obligations if o.source == "P"] == [
        ("MBC", "TWBC", 134), ("SBC", "TWBC", 133)]


# -- contributions: the estimate used --------------------------------------------------------

ESTIMATES = (Population("A", "2023-24", 100, row=2), Population("B", "2026-27", 900, row=3),
             Population("A", Y, 200, row=4), Population("B", Y, 300, row=5),
             Population("A", Y, 250, row=6), Population("A", "2024-25", 150, row=7),
             Population("C", "2024-25", 50, row=8))


def test_the_estimate_used_is_the_partys_own_latest_not_after_the_year() -> None:
    """A's estimates: 2023-24, 2025-26 (twice: the first row counts) and 2024-25; B's
    2026-27 is after the year and never used; C has only an older one."""
    got = {p: latest_population(ESTIMATES, p, Y) for p in "ABC"}
    assert {p: (e.row if e else None) for p, e in got.items()} == {"A": 4, "B": 5, "C": 8}
    assert latest_population(ESTIMATES, "A", "2024-25").row == 7  # the year's own, exactly
    assert latest_population(ESTIMATES, "B", "2024-25") is None
    assert latest_population(ESTIMATES, "D", Y) is None
    # the one-pass version for every party agrees, duplicate row included
    b = book(parties=tuple(Party(c, c, True) for c in "ABCD"), populations=ESTIMATES)
    assert {p: (e.row if e else None) for p, e in latest_populations(b, Y).items()} == {
        "A": 4, "B": 5, "C": 8, "D": None}


# -- rebase: steps, sources and the lines of a kept split -----------------------------------

@pytest.mark.parametrize("step", [Fraction(0), Fraction(-1, 100), Fraction(3, 100),
                                  Fraction(2, 5)], ids=["0", "-1%", "3%", "40%"])
def test_a_step_that_does_not_divide_100_percent_into_whole_steps_is_refused(
        step: Fraction) -> None:
    """0 and a negative step are refused before dividing by them; 3% (33.3 steps) and 40%
    (2.5 steps) do not make whole steps."""
    with pytest.raises(ValueError) as e:
        rounded_shares({"A": Fraction(1, 2), "B": Fraction(1, 2)}, step)
    assert str(e.value) == f"a step of {step} does not divide 100% into whole steps"


def test_shares_in_force_name_their_source_and_the_book_beats_the_history() -> None:
    b = book(shares_in_force=(ShareInForce("S", "A", Decimal("0.6")),
                              ShareInForce("S", "B", Decimal("0.4"))))
    stored = {"S": {"A": Fraction(1, 2), "B": Fraction(1, 2)},
              "T": {"A": Fraction(1, 4), "B": Fraction(3, 4)}}
    assert shares_in_force(b, stored) == {
        "S": ({"A": Fraction(3, 5), "B": Fraction(2, 5)}, "book"),
        "T": ({"A": Fraction(1, 4), "B": Fraction(3, 4)}, "history")}


def test_a_kept_split_keeps_each_lines_months_and_stand_alone_cost() -> None:
    """Kept on 50% / 50% (computed 52% / 48%, tolerance 3 points): the stand-alone costs
    £600.00 and none stay on their lines, so the saving is still against them."""
    lines = tuple(ServiceLine.of(s, m, s.weight, c) for s, m, c in zip(
        apportion_detail(100_000, {"A": 52, "B": 48}), (12, 12), (60_000, None), strict=True))
    sp = ServiceSplit("S", "S", Y, "A", "population", 100_000, 0, (), lines)
    kept = apply_rule(sp, Fraction(3, 100), {"A": Fraction(1, 2), "B": Fraction(1, 2)}, "book")
    assert [(x.party, x.share, x.months, x.standalone_cost, x.saving) for x in kept.lines] == [
        ("A", 50_000, 12, 60_000, 10_000), ("B", 50_000, 12, None, None)]
    # each line's weight, raw and normalised, is the share applied
    assert [(x.raw_weight, x.weight) for x in kept.lines] == [(Fraction(1, 2),) * 2] * 2


def test_a_rule_with_no_shares_in_force_names_no_source() -> None:
    lines = tuple(ServiceLine.of(s, 12, s.weight, None)
                  for s in apportion_detail(1_000, {"A": 1, "B": 3}))
    sp = ServiceSplit("S", "S", Y, "A", "population", 1_000, 0, (), lines)
    out = apply_rule(sp, Fraction(3, 100), None, "book")
    assert out.rebase is not None
    assert (out.rebase.source, out.rebase.in_force, out.rebase.rebased) == ("", None, True)
    assert out.rebase.computed_share("B") == Fraction(3, 4)
    assert out.rebase.computed_share("C") is None


# -- services --------------------------------------------------------------------------------

def test_the_splits_use_the_facts_they_are_given(monkeypatch: pytest.MonkeyPatch) -> None:
    """Splits and checks given the year's facts do not work them out again: the answer
    is the facts' (here the facts of a book where SBC has no estimate, so the population
    basis cannot split, whatever the book says)."""
    b = book(services=(Service("S", "Service", Y, "MBC", 90_000, 0, "population"),))
    facts = year_facts(book(populations=POPS[::2]), Y)  # MBC and TWBC only
    monkeypatch.setattr("finance.core.services.year_facts", lambda *_a, **_k: pytest.fail(
        "the year's facts worked out again"))
    [problem] = check_services(b, Y, facts)
    assert problem.message == ("service 'S' 2025-26: no population estimate for SBC in or "
                               "before 2025-26")
    with pytest.raises(BookError) as e:
        service_splits(b, Y, facts)
    assert e.value.problems == (problem,)


def test_project_weights_come_from_the_years_own_facts() -> None:
    """Facts of another year are not used for the year asked: ABC joins in 2026-27, so it
    shares a project of 2025-26 only when 2026-27's facts are (wrongly) used."""
    b = book(parties=PARTIES + (Party("ABC", "Ashford", True, joined=date(2026, 4, 1)),),
             years=(YearRow(Y, Decimal(30)), YearRow("2026-27", Decimal(30))))
    later = year_facts(b, "2026-27", with_contributions=False)
    assert [p.code for p in later.paying] == ["ABC", "MBC", "SBC", "TWBC"]
    assert participant_weights(b, None, Y, later) == {
        "MBC": Fraction(1), "SBC": Fraction(1), "TWBC": Fraction(1)}


def test_a_project_of_a_service_not_run_in_the_year_or_with_one_party_is_shared_right() -> None:
    """A project names service X, not run in 2025-26: every paying party shares equally.
    A project of LEGAL, fixed 100% to MBC alone (a weight of 1 in all): MBC bears it."""
    b = book(services=(Service("LEGAL", "Legal", Y, "MBC", 100, 0, "fixed"),),
             service_parties=(ServiceParty("LEGAL", Y, "MBC", fixed_share=Decimal(1)),))
    assert participant_weights(b, "X", Y) == dict.fromkeys(("MBC", "SBC", "TWBC"), Fraction(1))
    assert participant_weights(b, "LEGAL", Y) == {"MBC": Fraction(1)}


def test_a_part_year_line_without_a_stand_alone_cost_has_no_saving() -> None:
    """SBC joins on 1 October (6 months) and gives no stand-alone cost: no figure to
    compare, on any basis (and a fixed split's saving is for the whole year)."""
    parts = (ServiceParty("S", Y, "MBC", standalone_cost=70_000),
             ServiceParty("S", Y, "SBC", joined=date(2025, 10, 1)))
    (sp,) = service_splits(book(services=(Service("S", "S", Y, "MBC", 90_000, 0, "equal"),),
                                service_parties=parts), Y)
    mbc, sbc = sp.lines
    assert (sbc.months, sbc.share, sbc.standalone_for_months, sbc.saving) == (
        6, 30_000, None, None)
    assert (sp.standalone_for_share(sbc), sp.saving(sbc)) == (None, None)
    assert (mbc.months, mbc.share, mbc.saving, sp.saving(mbc)) == (12, 60_000, 10_000, 10_000)


# -- year end: leavers -----------------------------------------------------------------------

def test_notice_on_1_april_leaves_the_leaver_liable_for_all_the_opening_commitments() -> None:
    """TWBC gives notice on 1 April 2025, the first day of the year, and leaves on
    31 October: notice came in this year, so every opening commitment (£500.00) was made
    before it; this year's £300.00 commitment of 1 May was not.  Its share on the
    contribution weights 42,840 : 38,550 : 31,380 of £500.00 is 13,913.27p, rounded down
    (the one penny left goes to MBC's larger remainder, .41).  SBC leaves on
    31 December with no notice recorded: it is liable for nothing."""
    parties = (Party("MBC", "M", True),
               Party("SBC", "S", True, left=date(2025, 12, 31)),
               Party("TWBC", "T", True, notice_given=date(2025, 4, 1), left=date(2025, 10, 31)))
    ye = year_end(book(parties=parties, years=(YearRow(Y, Decimal(30), 0, 50_000),),
                       ledger=(LedgerEntry(Y, "commitment", 30_000, date(2025, 5, 1)),)), Y)
    assert [(x.party, x.notice_given, x.commitments_before_notice, x.commitment_liability)
            for x in ye.exits] == [("SBC", None, 0, 0),
                                   ("TWBC", date(2025, 4, 1), 50_000, 13_913)]


# -- year end: the checks and the openings ---------------------------------------------------

PREV = "2024-25"


def gap_book(years: tuple[YearRow, ...]) -> Book:
    """ABC (joined before either year) has no estimate at all, SBC none in or before
    2024-25: a problem in both years, and one more in 2024-25."""
    return book(parties=PARTIES + (Party("ABC", "Ashford", True),), years=years,
                populations=(Population("MBC", PREV, 142800), Population("TWBC", PREV, 104600),
                             Population("SBC", Y, 128500)))


def missing(party: str, year: str) -> Problem:
    return Problem("populations", None, "party",
                   f"no population estimate for {party} in or before {year}")


def test_a_year_not_in_the_book_is_one_located_problem() -> None:
    assert check_year_end(book(), "2030-31") == [
        Problem("years", None, "year", "2030-31 is not in the years table")]
    with pytest.raises(ValueError, match=r"^2030-31 is not in the years table$"):
        year_end(book(), "2030-31")


def test_last_year_is_checked_only_when_it_gives_an_opening() -> None:
    """A blank opening (either one) is last year's figure, so last year's problems stop this
    year too, after this year's own; with both openings given, or last year closed in the
    history, or no last year in the book, only this year's count."""
    def problems(balance: int | None, commitments: int | None, *, with_prev: bool = True,
                 closed: ClosedOpening | None = None) -> list[Problem]:
        this = YearRow(Y, Decimal(30), balance, commitments)
        years = (YearRow(PREV, Decimal(30), 0, 0), this) if with_prev else (this,)
        return check_year_end(gap_book(years), Y, closed)

    own = [missing("ABC", Y)]
    both = own + [missing("ABC", PREV), missing("SBC", PREV)]
    assert problems(None, 0) == both
    assert problems(0, None) == both
    assert problems(None, None) == both
    assert problems(0, 0) == own
    assert problems(None, None, with_prev=False) == own
    assert problems(None, None, closed=ClosedOpening(PREV, 5, 0, "closed")) == own
    assert problems(None, None, closed=ClosedOpening("2023-24", 5, 0, "closed")) == both


def test_the_year_end_checks_use_the_facts_they_are_given(
        monkeypatch: pytest.MonkeyPatch) -> None:
    b = gap_book((YearRow(Y, Decimal(30), 0, 0),))
    facts = year_facts(b, Y, with_contributions=False)
    monkeypatch.setattr("finance.core.contributions.year_facts", lambda *_a, **_k: pytest.fail(
        "the year's facts worked out again"))
    assert check_year_end(b, Y, facts=facts) == [missing("ABC", Y)]


def test_the_year_end_uses_the_contributions_or_facts_it_is_given() -> None:
    """At 40p a head rather than the book's 30p: £150,360.00 in all (57,120.00 + 51,400.00 +
    41,840.00), whether given as contributions or as facts at that rate."""
    b = book()
    facts = year_facts(b, Y).at_rate(Fraction(40))
    assert facts.contributions is not None
    assert year_end(b, Y, facts=facts).contributions == 15_036_000
    assert year_end(b, Y, facts.contributions).contributions == 15_036_000
    assert [(x.party, x.contribution) for x in year_end(b, Y, facts.contributions).parties] == [
        ("MBC", 5_712_000), ("SBC", 5_140_000), ("TWBC", 4_184_000)]
    assert year_end(b, Y).contributions == 11_277_000


def test_a_year_closed_in_the_history_opens_a_blank_opening_and_a_given_one_stands() -> None:
    """Last year closed with £12.34 carried over and £5.00 committed: a blank opening takes
    them; a given one stands, with a warning naming both figures."""
    closed = ClosedOpening(PREV, 1_234, 500, "closed 2024-25")
    blank = year_end(book(years=(YearRow(Y, Decimal(30)),)), Y, opening=closed)
    assert (blank.opening_balance, blank.opening_commitments, blank.warnings) == (
        1_234, 500, ())
    given = year_end(book(years=(YearRow(Y, Decimal(30), 1_000, 700, row=2),)), Y,
                     opening=closed)
    assert (given.opening_balance, given.opening_commitments) == (1_000, 700)
    assert [w.column for w in given.warnings if w.table == "years"] == [
        "opening_balance", "opening_commitments"]


def test_a_negative_spend_in_the_year_is_warned_about_in_the_year_end() -> None:
    ye = year_end(book(ledger=(LedgerEntry(Y, "spend", -2_500, row=9),
                               LedgerEntry(PREV, "spend", -1, row=10))), Y)
    assert [(w.table, w.row, w.column) for w in ye.warnings if w.table == "ledger"] == [
        ("ledger", 9, "amount")]


def test_one_penny_uncommitted_is_refunded_at_a_full_refund_share() -> None:
    """Uncommitted £0.01 (opening balance 1p, contributions spent in full), refund share
    100%: the penny is refunded (to MBC, the largest weight); at 50% the 0.5p refund
    rounds half away from zero to 1p too."""
    for share in (Decimal(1), Decimal("0.5")):
        ye = year_end(book(years=(YearRow(Y, Decimal(30), 1, 0, share),),
                           ledger=(LedgerEntry(Y, "spend", 11_277_000),)), Y)
        assert (ye.year, ye.uncommitted, ye.refund, ye.carry_over) == (Y, 1, 1, 0)
        assert [(x.party, x.refund) for x in ye.parties] == [("MBC", 1), ("SBC", 0),
                                                             ("TWBC", 0)]


def test_a_year_with_no_contributions_splits_nothing_between_the_parties() -> None:
    """A rate of 0p: every weight is 0, so the £1.00 spent (a deficit of £1.00) is not split:
    each party's line is all zeros (its share of no contribution)."""
    ye = year_end(book(years=(YearRow(Y, Decimal(0), 0, 0),),
                       ledger=(LedgerEntry(Y, "spend", 100),)), Y)
    assert (ye.contributions, ye.uncommitted, ye.refund, ye.carry_over) == (0, -100, 0, -100)
    assert [tuple(vars_of(x)) for x in ye.parties] == [
        ("MBC", 0, 0, 0, 0, 0), ("SBC", 0, 0, 0, 0, 0), ("TWBC", 0, 0, 0, 0, 0)]


def test_contributions_of_one_penny_in_all_still_carry_the_year_end() -> None:
    """One party, one resident, 1p a head: contributions £0.01 in all, a weight of 1; the
    £5.00 spent is all its own, and so is the deficit."""
    ye = year_end(book(parties=(Party("A", "A", True),), populations=(Population("A", Y, 1),),
                       years=(YearRow(Y, Decimal(1), 0, 0),),
                       ledger=(LedgerEntry(Y, "spend", 500),)), Y)
    assert [tuple(vars_of(x)) for x in ye.parties] == [("A", 1, 500, 0, -499, 499)]


def vars_of(line: object) -> tuple[object, ...]:
    return tuple(getattr(line, f) for f in ("party", "contribution", "spend", "refund",
                                            "carry_over", "supplementary"))


def test_last_years_warnings_come_with_a_blank_opening_only() -> None:
    """Last year (in the book) has a negative spend, a warning of its year; this year takes
    one opening from it (either one blank), so the warning is repeated, after this year's;
    with both openings given it is not."""
    def ledger_warnings(balance: int | None, commitments: int | None) -> list[int | None]:
        ye = year_end(book(years=(YearRow(PREV, Decimal(30), 0, 0),
                                  YearRow(Y, Decimal(30), balance, commitments)),
                           populations=POPS + tuple(Population(p.party, PREV, p.population)
                                                    for p in POPS),
                           ledger=(LedgerEntry(PREV, "spend", -7, row=4),)), Y)
        return [w.row for w in ye.warnings if w.table == "ledger"]

    assert ledger_warnings(None, 0) == [4]
    assert ledger_warnings(0, None) == [4]
    assert ledger_warnings(0, 0) == []


def two_years(balance: int | None, commitments: int | None, **kw: Any) -> Book:
    """2024-25 and 2025-26 at 30p a head (£112,770.00 each year); 2024-25 commits £25.00
    and refunds nothing, so it carries £112,745.00 over and £25.00 committed."""
    base: dict[str, Any] = dict(
        years=(YearRow(PREV, Decimal(30), 0, 0), YearRow(Y, Decimal(30), balance, commitments,
                                                         row=3)),
        populations=POPS + tuple(Population(p.party, PREV, p.population) for p in POPS),
        ledger=(LedgerEntry(PREV, "commitment", 2_500),))
    base.update(kw)
    return book(**base)


def test_given_openings_that_differ_from_last_year_are_warned_about_in_full() -> None:
    ye = year_end(two_years(100_000, 2_500), Y)
    assert (ye.opening_balance, ye.opening_commitments) == (100_000, 2_500)
    assert ye.warnings == (Problem(
        "years", 3, "opening_balance",
        "£1,000.00 differs from the £112,745.00 carried over from 2024-25", "warning"),)
    ye = year_end(two_years(11_274_500, 3_000), Y)
    assert (ye.opening_balance, ye.opening_commitments) == (11_274_500, 3_000)
    assert ye.warnings == (Problem(
        "years", 3, "opening_commitments",
        "£30.00 differs from the £25.00 committed at the end of 2024-25", "warning"),)
    ye = year_end(two_years(None, None), Y)
    assert (ye.opening_balance, ye.opening_commitments, ye.warnings) == (11_274_500, 2_500, ())


def test_a_blank_opening_needs_last_year_worked_out_and_given_ones_do_not() -> None:
    """Last year cannot be worked out (SBC has no estimate in or before 2024-25): a blank
    opening (either) cannot be filled, so the year end refuses; with both given, last year
    is neither worked out nor compared, and the year end stands on its own."""
    pops = POPS + (Population("MBC", PREV, 142800), Population("TWBC", PREV, 104600))
    for balance, commitments in ((None, 0), (0, None)):
        with pytest.raises(ValueError, match="no population for SBC in 2024-25"):
            year_end(two_years(balance, commitments, populations=pops), Y)
    ye = year_end(two_years(7, 5, populations=pops), Y)
    assert (ye.opening_balance, ye.opening_commitments, ye.warnings) == (7, 5, ())


def test_last_years_facts_are_worked_out_once_for_the_openings(
        monkeypatch: pytest.MonkeyPatch) -> None:
    import finance.core.contributions as contributions_module
    import finance.core.yearend as yearend_module

    asked: list[str] = []

    def counted(book: Book, year: str, **kw: Any) -> Any:
        asked.append(year)
        return year_facts(book, year, **kw)

    monkeypatch.setattr(yearend_module, "year_facts", counted)
    monkeypatch.setattr(contributions_module, "year_facts", counted)
    ye = year_end(two_years(None, 2_500), Y)  # a blank opening: last year worked out
    assert ye.opening_balance == 11_274_500
    assert asked.count(PREV) == 1
    asked.clear()
    ye = year_end(two_years(100_000, 2_500), Y)  # both given: last year checked, compared
    assert len(ye.warnings) == 1
    assert asked.count(PREV) == 1


def test_a_negative_spend_warning_says_what_it_does_in_full() -> None:
    b = book(ledger=(LedgerEntry(Y, "spend", -50_000, row=7),
                     LedgerEntry(Y, "income", -100, row=8)))
    assert negative_spend(b, Y) == [Problem(
        "ledger", 7, "amount", "a negative spend, -£500.00, lowers the year's spend and raises "
        "what is refunded or carried over: check it reverses an earlier line", "warning")]
    assert negative_spend(b, PREV) == []


def test_a_leavers_balance_counts_every_line_to_its_leaving_date_with_its_sign() -> None:
    """Opening balance £10.00 and commitments £20.00; by TWBC's leaving on 31 October:
    external funding 7p, income £3.00, admin recharge 50p, spend £1.00 and a commitment of
    20p; the income of 1 December comes after.  Balance 1,000 + 2,000 + 11,277,000 + 7 +
    300 - 50 - 100 - 20 = 11,280,137p; TWBC's quota of it 3,138,872.92p (the two pennies
    left go to its .92 and MBC's .71): 3,138,873p.  Notice on 1 May, in the year: the
    opening £20.00 was committed before it, the September commitment was not; its share
    556.53p, rounded down (the pennies go to MBC's .78 and SBC's .69).

    KCC (not paying) leaving first in the table is no exit and does not stop the others;
    SBC leaving on 2 April 2026 leaves in the next year, not this one."""
    parties = (Party("KCC", "Kent", False, left=date(2025, 6, 30)),
               Party("MBC", "M", True),
               Party("SBC", "S", True, left=date(2026, 4, 2)),
               Party("TWBC", "T", True, notice_given=date(2025, 5, 1), left=date(2025, 10, 31)))
    led = (LedgerEntry(Y, "external_funding", 7, date(2025, 5, 1)),
           LedgerEntry(Y, "income", 300, date(2025, 6, 1)),
           LedgerEntry(Y, "admin_recharge", 50, date(2025, 7, 1)),
           LedgerEntry(Y, "spend", 100, date(2025, 8, 1)),
           LedgerEntry(Y, "commitment", 20, date(2025, 9, 1)),
           LedgerEntry(Y, "income", 999, date(2025, 12, 1)))
    ye = year_end(book(parties=parties, years=(YearRow(Y, Decimal(30), 1_000, 2_000),),
                       ledger=led), Y)
    assert [(x.party, x.balance_at_leaving, x.share, x.commitments_before_notice,
             x.commitment_liability) for x in ye.exits] == [
        ("TWBC", 11_280_137, 3_138_873, 2_000, 556)]


# -- contributions: the figures and their warnings -------------------------------------------

def moved_book() -> Book:
    """MBC's estimate rose 28.01% (142,800 to 182,800), SBC's fell 25.29% (128,500 to
    96,000), TWBC's rose exactly 20% (104,600 to 125,520: not warned about); ABC has only
    last year's estimate.  Last year's rate 25p, this year's 30p."""
    return book(parties=(Party("ABC", "Ashford", True),) + PARTIES,
                years=(YearRow(PREV, Decimal(25)), YearRow(Y, Decimal(30))),
                populations=(Population("MBC", PREV, 142_800, row=2),
                             Population("MBC", Y, 182_800, row=3),
                             Population("SBC", PREV, 128_500, row=4),
                             Population("SBC", Y, 96_000, row=5),
                             Population("TWBC", PREV, 104_600, row=6),
                             Population("TWBC", Y, 125_520, row=7),
                             Population("ABC", PREV, 50_000, row=8)))


def test_contributions_warn_of_a_stale_estimate_and_of_one_that_moved_past_20_percent() -> None:
    c = contributions(moved_book(), Y)
    assert c.year == Y
    assert [(x.party, x.name, x.population, x.population_year, x.months, x.amount)
            for x in c.lines] == [
        ("ABC", "Ashford", 50_000, PREV, 12, 1_500_000),
        ("MBC", "Maidstone", 182_800, Y, 12, 5_484_000),
        ("SBC", "Swale", 96_000, Y, 12, 2_880_000),
        ("TWBC", "Tunbridge Wells", 125_520, Y, 12, 3_765_600)]
    assert list(c.warnings) == [
        Problem("populations", 8, "year",
                "ABC: the latest estimate is for 2024-25, older than 2025-26", "warning"),
        Problem("populations", 3, "population", "MBC: 182,800 is 28% more than its 2024-25 "
                "estimate (142,800): check the figure", "warning"),
        Problem("populations", 5, "population", "SBC: 96,000 is 25% less than its 2024-25 "
                "estimate (128,500): check the figure", "warning")]


def test_a_move_of_exactly_20_percent_either_way_is_not_warned_about() -> None:
    old = Population("A", PREV, 100_000)
    assert population_move(Population("A", Y, 120_000), old) is None
    assert population_move(Population("A", Y, 80_000), old) is None
    assert population_move(Population("A", Y, 80_000), None) is None
    up = population_move(Population("A", Y, 120_001, row=4), old)
    assert up is not None and up.message == (
        "A: 120,001 is 20% more than its 2024-25 estimate (100,000): check the figure")


def test_contributions_given_facts_are_theirs_or_worked_out_at_the_years_own_rate() -> None:
    """Facts carrying contributions (at 40p) are the answer; facts without them are worked
    out at the year's rate, 30p (not last year's 25p); a year without a row, or a paying
    party without an estimate, is refused."""
    b = moved_book()
    assert year_facts(b, Y).contributions == contributions(b, Y)  # worked out by default
    assert year_facts(b, "2030-31").contributions is None  # no row for the year: none
    at_40 = year_facts(b, Y).at_rate(Fraction(40))
    assert contributions(b, Y, at_40).total == 18_172_800 == 13_629_600 * 40 // 30
    bare = year_facts(b, Y, with_contributions=False)
    assert bare.contributions is None
    assert contributions(b, Y, bare).total == 13_629_600
    with pytest.raises(ValueError, match=r"^2030-31 is not in the years table$"):
        contributions(b, "2030-31", year_facts(b, "2030-31", with_contributions=False))
    gap = year_facts(book(populations=POPS[::2]), Y, with_contributions=False)
    with pytest.raises(ValueError, match=r"^no population for SBC in 2025-26; run check_year "
                                         r"first$"):
        gap.at_rate(Fraction(30))


def test_at_a_rate_of_0p_every_weight_is_0() -> None:
    c = contributions(book(years=(YearRow(Y, Decimal(0)),)), Y)
    assert [(x.party, x.amount, x.weight) for x in c.lines] == [
        ("MBC", 0, Fraction(0)), ("SBC", 0, Fraction(0)), ("TWBC", 0, Fraction(0))]


def test_a_driver_value_that_is_not_a_number_is_refused_even_beside_a_missing_one() -> None:
    """Driver fte: MBC's value is NaN, SBC's 1, TWBC has none.  TWBC's gap is a problem,
    but MBC's NaN is an error in the figures themselves, refused as ``Fraction`` refuses
    it (not passed over as 0)."""
    b = book(services=(Service("S", "S", Y, "MBC", 100, 0, "driver:fte"),),
             service_parties=tuple(ServiceParty("S", Y, p) for p in ("MBC", "SBC", "TWBC")),
             drivers=(Driver(Y, "fte", "MBC", Decimal("NaN")), Driver(Y, "fte", "SBC", Decimal(1))))
    with pytest.raises(ValueError, match="NaN"):
        check_services(b, Y)


def test_blends_split_together_still_report_a_zero_component_beside_a_missing_value() -> None:
    """Two services of the same blend (equal 50%, driver fte 50%), worked out together: in
    A, fte is 0 for both participants (a component with weight but no one to share it);
    in B, KCC's is 5 and TWBC has none.  Both are problems, each of its own service."""
    blend = tuple(BlendComponent(svc, Y, comp, Decimal("0.5")) for svc in "AB"
                  for comp in ("equal", "driver:fte"))
    b = book(services=(Service("A", "A", Y, "MBC", 100, 0, "blend"),
                       Service("B", "B", Y, "MBC", 100, 0, "blend")),
             service_parties=(ServiceParty("A", Y, "MBC"), ServiceParty("A", Y, "SBC"),
                              ServiceParty("B", Y, "KCC"), ServiceParty("B", Y, "TWBC")),
             service_blend=blend,
             drivers=(Driver(Y, "fte", "MBC", Decimal(0)), Driver(Y, "fte", "SBC", Decimal(0)),
                      Driver(Y, "fte", "KCC", Decimal(5))))
    assert [(p.table, p.message) for p in check_services(b, Y)] == [
        ("service_blend", "service 'A' 2025-26: component 'driver:fte' has zero weight for "
                          "every participant"),
        ("drivers", "service 'B' 2025-26: no value of driver 'fte' for TWBC")]


def test_a_driver_of_half_units_is_stored_in_least_terms() -> None:
    """fte 0.5 each, 12 months: raw weights 6 and 6 (12/2 each), not 12/2 and 12/2."""
    b = book(services=(Service("S", "S", Y, "MBC", 100, 0, "driver:fte"),),
             service_parties=(ServiceParty("S", Y, "MBC"), ServiceParty("S", Y, "SBC")),
             drivers=(Driver(Y, "fte", "MBC", Decimal("0.5")),
                      Driver(Y, "fte", "SBC", Decimal("0.5"))))
    (sp,) = service_splits(b, Y)
    assert sp.basis_weights == (BasisWeights("driver:fte", None, ("MBC", "SBC"), (6, 6), 1),)
    assert sp.shares == {"MBC": 50, "SBC": 50}


def test_a_blend_of_driver_values_beyond_64_bits_is_summed_exactly() -> None:
    """Driver values given to nine decimal places of a pound in the tens of billions are
    integers beyond 2**63 over their denominator 10**9: summed exactly (not in 64-bit
    arithmetic).  Blend 50% equal, 50% on the driver: MBC 0.5 x 1/2 + 0.5 x 1/9 (its
    value is a ninth of the total) = 11/36 of £36.00, SBC the rest."""
    blend = (BlendComponent("S", Y, "equal", Decimal("0.5")),
             BlendComponent("S", Y, "driver:spend", Decimal("0.5")))
    b = book(services=(Service("S", "S", Y, "MBC", 3_600, 0, "blend"),),
             service_parties=(ServiceParty("S", Y, "MBC"), ServiceParty("S", Y, "SBC")),
             service_blend=blend,
             drivers=(Driver(Y, "spend", "MBC", Decimal("12345678901.123456789")),
                      Driver(Y, "spend", "SBC", Decimal("98765431208.987654312"))))
    (sp,) = service_splits(b, Y)
    assert [x.weight for x in sp.lines] == [Fraction(11, 36), Fraction(25, 36)]
    assert sp.shares == {"MBC": 1_100, "SBC": 2_500}


def test_stray_blend_rows_of_a_service_that_is_not_a_blend_are_not_its_components() -> None:
    """LEGAL is split equally; a service_blend row naming it is not part of its split."""
    b = book(services=(Service("LEGAL", "Legal", Y, "MBC", 100, 0, "equal"),),
             service_parties=(ServiceParty("LEGAL", Y, "MBC"), ServiceParty("LEGAL", Y, "SBC")),
             service_blend=(BlendComponent("LEGAL", Y, "equal", Decimal(1)),))
    (sp,) = service_splits(b, Y)
    assert (sp.components, sp.shares) == ((), {"MBC": 50, "SBC": 50})


def test_paying_parties_pass_over_a_non_voting_party_a_leaver_and_a_later_joiner() -> None:
    """Whatever their place in the table: KCC does not vote, OLD left on 31 March 2025
    (before the year), NEW joins on 1 April 2026 (after it)."""
    parties = (Party("KCC", "Kent", False), Party("OLD", "Old", True, left=date(2025, 3, 31)),
               Party("NEW", "New", True, joined=date(2026, 4, 1)),
               Party("MBC", "M", True), Party("SBC", "S", True))
    assert [p.code for p in paying_parties(book(parties=parties), Y)] == ["MBC", "SBC"]


def test_the_estimate_before_is_the_first_row_of_the_latest_earlier_year() -> None:
    """A's estimates in table order: 2023-24, 2024-25 (100, then a second row of 130), and
    2025-26 (the one used): the one before it is 2024-25's first row.  B's only estimate is
    for 2026-27 (none used): it is passed over, and C, after it, is still found."""
    pops = (Population("B", "2026-27", 9, row=2), Population("A", "2023-24", 70, row=3),
            Population("A", PREV, 100, row=4), Population("A", PREV, 130, row=5),
            Population("A", Y, 120, row=6), Population("C", PREV, 10, row=7),
            Population("C", Y, 11, row=8), Population("A", "2022-23", 60, row=9))
    b = book(parties=tuple(Party(c, c, True) for c in "ABC"), populations=pops)
    before = previous_estimates(b, latest_populations(b, Y))
    assert {p: e.row for p, e in before.items()} == {"A": 4, "C": 7}


def test_a_row_joining_after_its_party_still_ends_when_the_party_leaves() -> None:
    """SBC's row for the service joins on 1 July; SBC leaves on 31 December: it takes part
    July to December, 6 months (not to March), so £180.00 equal goes 12 : 6."""
    parties = (Party("MBC", "M", True), Party("SBC", "S", True, left=date(2025, 12, 31)))
    b = book(parties=parties,
             services=(Service("S", "S", Y, "MBC", 18_000, 0, "equal"),),
             service_parties=(ServiceParty("S", Y, "MBC"),
                              ServiceParty("S", Y, "SBC", joined=date(2025, 7, 1))))
    (sp,) = service_splits(b, Y)
    assert [(x.party, x.months, x.share) for x in sp.lines] == [("MBC", 12, 12_000),
                                                                ("SBC", 6, 6_000)]
