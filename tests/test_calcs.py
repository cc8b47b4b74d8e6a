"""Hand-worked examples of the year-end rules, each citing its clause."""

from datetime import date
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from finance.core.contributions import contributions
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
    YearRow,
)
from finance.core.services import participant_weights, service_splits
from finance.core.settlement import Obligation, Payment, settle, settlement
from finance.core.yearend import year_end

Y = "2025-26"
MKIP_PARTIES = (
    Party("MBC", "Maidstone", True),
    Party("SBC", "Swale", True),
    Party("TWBC", "Tunbridge Wells", True),
    Party("KCC", "Kent County Council", False),
)
MKIP_POPS = (
    Population("MBC", "2008-09", 142800),
    Population("SBC", "2008-09", 128500),
    Population("TWBC", "2008-09", 104600),
)


def book(**kw) -> Book:  # type: ignore[no-untyped-def]
    base = dict(settings=Settings("MKIP", "MBC", ("TWBC", "MBC", "SBC"), "2008-09"),
                parties=MKIP_PARTIES, populations=MKIP_POPS,
                years=(YearRow(Y, Decimal(30), 0, 0, None),))
    base.update(kw)
    return Book(**base)  # type: ignore[arg-type]


# -- §13.2 contributions ----------------------------------------------------------------

def test_mkip_initial_contributions_13_2():
    """§13.2: 30p per head x Maidstone 142,800, Swale 128,500, Tunbridge Wells 104,600."""
    c = contributions(book(), Y)
    assert [(x.party, x.amount) for x in c.lines] == [
        ("MBC", 4284000), ("SBC", 3855000), ("TWBC", 3138000)]
    assert c.total == 11277000


def test_non_voting_party_pays_nothing_6_2():
    c = contributions(book(), Y)
    assert "KCC" not in c.weights


def test_stale_population_estimate_is_a_warning_4():
    c = contributions(book(), Y)
    assert len(c.warnings) == 3
    assert "older than 2025-26" in c.warnings[0].message
    c2 = contributions(book(populations=MKIP_POPS + (Population("MBC", Y, 150000),)), Y)
    assert [w.message.split(":")[0] for w in c2.warnings] == ["SBC", "TWBC"]
    assert c2.weights["MBC"] == 4500000


def test_most_recent_estimate_not_after_the_year_is_used():
    pops = MKIP_POPS + (Population("MBC", "2026-27", 999999), Population("MBC", "2020-21", 150000))
    assert contributions(book(populations=pops), Y).weights["MBC"] == 4500000


def test_part_year_joiner_pays_whole_months_remaining_4():
    """Joining on 1 September pays September..March, 7 of 12, rounded once."""
    parties = MKIP_PARTIES + (Party("ABC", "Ashford", True, joined=date(2025, 9, 1)),)
    pops = MKIP_POPS + (Population("ABC", Y, 132001),)
    c = contributions(book(parties=parties, populations=pops), Y)
    abc = next(x for x in c.lines if x.party == "ABC")
    assert abc.months == 7
    # 30 x 132,001 x 7 / 12 = 2,310,017.5 pence -> rounded half away from zero, once
    assert abc.amount == 2310018


def test_fractional_penny_rate_is_rounded_once():
    c = contributions(book(years=(YearRow(Y, Decimal("30.5")),)), Y)
    # 30.5 x 104,600 = 3,190,300 exactly; 30.5 x 128,500 = 3,919,250
    assert c.weights == {"MBC": 4355400, "SBC": 3919250, "TWBC": 3190300}


def test_party_that_left_before_the_year_pays_nothing():
    parties = (Party("MBC", "M", True), Party("SBC", "S", True),
               Party("TWBC", "T", True, notice_given=date(2024, 6, 1), left=date(2025, 3, 31)))
    assert "TWBC" not in contributions(book(parties=parties), Y).weights


# -- §13.2 / §13.3 year end --------------------------------------------------------------

def ledger(*entries: tuple[str, int]) -> tuple[LedgerEntry, ...]:
    return tuple(LedgerEntry(Y, k, a) for k, a in entries)


def test_fund_account_refund_and_carry_over_13_2():
    b = book(years=(YearRow(Y, Decimal(30), 100000, 50000, Decimal("0.5")),),
             ledger=ledger(("spend", 6000000), ("commitment", 1000000),
                           ("external_funding", 500000), ("income", 25000),
                           ("admin_recharge", 10000)))
    ye = year_end(b, Y)
    # 1,000.00 + 500.00 + 112,770.00 + 5,000.00 + 250.00 - 100.00 = 119,420.00
    assert ye.available == 11942000
    assert ye.uncommitted == 11942000 - 6000000 - 1000000 == 4942000
    assert ye.refund == 2471000 and ye.carry_over == 2471000
    refunds = {x.party: x.refund for x in ye.parties}
    # split by contribution weights 42,840 : 38,550 : 31,380: quotas 938,703.91,
    # 844,702.05, 687,594.04 pence; floors leave one penny, to the .91 (MBC)
    assert refunds == {"MBC": 938704, "SBC": 844702, "TWBC": 687594}
    assert sum(refunds.values()) == ye.refund
    assert sum(x.spend for x in ye.parties) == 6000000


def test_refund_share_blank_carries_everything_over():
    ye = year_end(book(ledger=ledger(("spend", 1000))), Y)
    assert ye.refund == 0 and ye.carry_over == 11277000 - 1000


def test_refund_is_rounded_once_half_away_from_zero():
    b = book(years=(YearRow(Y, Decimal(30), 1, 0, Decimal("0.5")),))
    ye = year_end(b, Y)
    assert ye.uncommitted == 11277001
    assert ye.refund == 5638501  # 5,638,500.5 rounds up
    assert ye.carry_over == 5638500


def test_deficit_shows_supplementary_contributions_5():
    b = book(years=(YearRow(Y, Decimal(30), 0, 0, Decimal(1)),),
             ledger=ledger(("spend", 11277100)))
    ye = year_end(b, Y)
    assert ye.deficit and ye.uncommitted == -100
    assert ye.refund == 0 and ye.carry_over == -100
    assert {x.party: x.supplementary for x in ye.parties} == {"MBC": 38, "SBC": 34, "TWBC": 28}


def test_blank_opening_balance_is_last_years_carry_over():
    years = (YearRow("2024-25", Decimal(30), 0, 0, Decimal("0.25")),
             YearRow(Y, Decimal(30), None, None, None))
    b = book(years=years, ledger=(LedgerEntry("2024-25", "commitment", 77700),))
    ye = year_end(b, Y)
    # 2024-25: uncommitted 11,277,000 - 77,700 = 11,199,300; refund 25% = 2,799,825
    assert ye.opening_balance == 11199300 - 2799825
    assert ye.opening_commitments == 77700


def test_given_opening_balance_that_differs_is_a_warning():
    years = (YearRow("2024-25", Decimal(30), 0, 0, Decimal(1)),
             YearRow(Y, Decimal(30), 12345, 0, None))
    ye = year_end(book(years=years), Y)
    assert ye.opening_balance == 12345
    assert any(w.column == "opening_balance" for w in ye.warnings)


def test_leaving_party_exit_settlement_16_2():
    parties = (Party("MBC", "M", True), Party("SBC", "S", True),
               Party("TWBC", "T", True, notice_given=date(2025, 4, 10), left=date(2025, 10, 31)))
    led = (LedgerEntry(Y, "spend", 1000000, date(2025, 5, 1)),
           LedgerEntry(Y, "commitment", 300000, date(2025, 4, 5)),
           LedgerEntry(Y, "commitment", 200000, date(2025, 6, 1)),
           LedgerEntry(Y, "spend", 5000000, date(2026, 2, 1)))
    ye = year_end(book(parties=parties, ledger=led), Y)
    (ex,) = ye.exits
    assert ex.party == "TWBC"
    # balance at 31 Oct: 11,277,000 - 1,000,000 - 300,000 - 200,000 = 9,777,000
    assert ex.balance_at_leaving == 9777000
    # TWBC weight 3,138,000 / 11,277,000 of 9,777,000: quota 2,720,601.76 -> 2,720,602
    # (its .76 takes one of the left-over pennies)
    assert ex.share == 2720602
    assert ex.commitments_before_notice == 300000
    # 300,000 x 3,138 / 11,277 = 83,479.65 -> 83,480
    assert ex.commitment_liability == 83480


# -- §18.1(a) shared services ------------------------------------------------------------

def svc(basis: str, net: int = 100000, host: str = "MBC") -> Service:
    return Service("S", "Service", Y, host, net, 0, basis)


def part(p: str, **kw) -> ServiceParty:  # type: ignore[no-untyped-def]
    return ServiceParty("S", Y, p, **kw)


def test_equal_shares_by_default_18_1a():
    (s,) = service_splits(book(services=(svc("equal", 100000),)), Y)
    assert s.shares == {"MBC": 33334, "SBC": 33333, "TWBC": 33333}


def test_fixed_shares_as_agreed():
    parts = (part("MBC", fixed_share=Decimal("0.35")), part("SBC", fixed_share=Decimal("0.35")),
             part("TWBC", fixed_share=Decimal("0.3")))
    (s,) = service_splits(book(services=(svc("fixed", 100001),), service_parties=parts), Y)
    # quotas 35,000.35 / 35,000.35 / 30,000.30: one penny left; remainders tie at .35,
    # weights tie -> code order MBC
    assert s.shares == {"MBC": 35001, "SBC": 35000, "TWBC": 30000}


def test_population_basis_only_participants_pay():
    parts = (part("MBC"), part("TWBC"))
    (s,) = service_splits(book(services=(svc("population", 1000000),), service_parties=parts), Y)
    # 142,800 : 104,600 of 10,000.00 -> 5,772.029... and 4,227.97...
    assert s.shares == {"MBC": 577203, "TWBC": 422797}


def test_driver_basis():
    drivers = (Driver(Y, "fte", "MBC", Decimal(3)), Driver(Y, "fte", "SBC", Decimal(1)))
    (s,) = service_splits(book(services=(svc("driver:fte", 1000),),
                               service_parties=(part("MBC"), part("SBC")), drivers=drivers), Y)
    assert s.shares == {"MBC": 750, "SBC": 250}


def test_part_year_participant_is_weighted_by_months_11_4():
    parts = (part("MBC"), part("SBC", joined=date(2025, 10, 1)))
    (s,) = service_splits(book(services=(svc("equal", 18000),), service_parties=parts), Y)
    # 12 : 6 months
    assert s.shares == {"MBC": 12000, "SBC": 6000}
    assert {x.party: x.months for x in s.lines} == {"MBC": 12, "SBC": 6}


def test_blend_combines_normalised_components_exactly_and_rounds_once():
    drivers = (Driver(Y, "pcs", "MBC", Decimal(1)), Driver(Y, "pcs", "SBC", Decimal(2)))
    blend = (BlendComponent("S", Y, "equal", Decimal("0.4")),
             BlendComponent("S", Y, "driver:pcs", Decimal("0.6")))
    (s,) = service_splits(book(services=(svc("blend", 100000),),
                               service_parties=(part("MBC"), part("SBC")),
                               drivers=drivers, service_blend=blend), Y)
    # MBC: .4 x 1/2 + .6 x 1/3 = 0.4 exactly; SBC 0.6
    assert {x.party: x.weight for x in s.lines} == {"MBC": Fraction(2, 5), "SBC": Fraction(3, 5)}
    assert s.shares == {"MBC": 40000, "SBC": 60000}


def test_negative_net_cost_is_a_surplus_shared_out():
    s_ = Service("S", "Service", Y, "MBC", 1000, 1100, "equal")
    (s,) = service_splits(book(services=(s_,)), Y)
    assert s.shares == {"MBC": -34, "SBC": -33, "TWBC": -33}


def test_saving_against_standalone_cost():
    parts = (part("MBC", standalone_cost=60000), part("SBC", standalone_cost=40000))
    (s,) = service_splits(book(services=(svc("equal", 100000),), service_parties=parts), Y)
    assert [(x.party, x.saving) for x in s.lines] == [("MBC", 10000), ("SBC", -10000)]


def test_part_year_saving_is_against_the_standalone_cost_for_those_months_11_4():
    """SBC joins on 1 October: it pays for 6 months (12 : 6 of £18,000.00 equal: £6,000.00)
    and is measured against 6/12 of its whole-year stand-alone cost of £14,000.01, that is
    £7,000.005, rounded once, half away from zero, to £7,000.01: a saving of £1,000.01
    (not £14,000.01 - £6,000.00 = £8,000.01 against a full year's cost)."""
    parts = (part("MBC", standalone_cost=1500000),
             part("SBC", standalone_cost=1400001, joined=date(2025, 10, 1)))
    (s,) = service_splits(book(services=(svc("equal", 1800000),), service_parties=parts), Y)
    mbc, sbc = s.lines
    assert (sbc.months, sbc.share, sbc.standalone_cost) == (6, 600000, 1400001)
    assert sbc.standalone_for_months == 700001
    assert sbc.saving == 100001
    assert mbc.standalone_for_months == 1500000 and mbc.saving == 1500000 - 1200000


def test_every_saving_is_whole_pence(mkip_result):  # type: ignore[no-untyped-def]
    """Savings against stand-alone costs are integer pence (rounded once), as are the
    savings monitored (Annex A §5.1)."""
    got = [x.saving for sp in mkip_result.services for x in sp.lines if x.saving is not None]
    got += [x.variance for x in mkip_result.monitoring.savings.rows]
    assert got and all(type(v) is int for v in got)


# -- §18.1(b) settlement ----------------------------------------------------------------

def test_settlement_nets_each_pair_to_one_payment():
    s = settle([Obligation("A", "SBC", "MBC", 700), Obligation("B", "MBC", "SBC", 200),
                Obligation("C", "TWBC", "MBC", 100), Obligation("D", "MBC", "TWBC", 100)])
    assert [(p.payer, p.payee, p.amount) for p in s.payments] == [("SBC", "MBC", 500)]
    assert {n.party: n.amount for n in s.net_positions} == {"MBC": 500, "SBC": -500, "TWBC": 0}


OBLIGATIONS = st.lists(st.builds(Obligation, st.sampled_from("ST"), st.sampled_from(
    ["MBC", "SBC", "TWBC"]), st.sampled_from(["MBC", "SBC", "TWBC"]),
    st.integers(-10**9, 10**9) | st.integers(-2**70, 2**70)), max_size=12)  # beyond int64 too


@given(obls=OBLIGATIONS, seed=st.randoms())
def test_settlement_pays_each_pair_its_net_debt_whatever_the_order(obls, seed):
    """Against netting by hand, with amounts small and beyond int64 (summed exactly)."""
    s = settle(obls)
    owes: dict[tuple[str, str], int] = {}  # straightforward: net every ordered pair by hand
    for o in obls:
        if o.payer != o.payee:
            owes[(o.payer, o.payee)] = owes.get((o.payer, o.payee), 0) + o.amount
    for p in s.payments:
        assert p.amount > 0 and p.payer != p.payee
        assert p.amount == owes.get((p.payer, p.payee), 0) - owes.get((p.payee, p.payer), 0)
    paid = {(p.payer, p.payee) for p in s.payments}
    for (a, b), x in owes.items():
        if x != owes.get((b, a), 0) and (a, b) not in paid:
            assert (b, a) in paid
    assert sum(n.amount for n in s.net_positions) == 0
    assert {n.party for n in s.net_positions} == {o.payer for o in obls} | {
        o.payee for o in obls}
    shuffled = list(obls)
    seed.shuffle(shuffled)
    assert settle(shuffled).payments == s.payments
    assert settle(shuffled).net_positions == s.net_positions


def test_host_is_owed_the_other_participants_shares_and_lead_is_indemnified_18_1b():
    services = (svc("equal", 90000, host="SBC"),)
    projects = (Project("P", "Case", "TWBC", service=None),)
    cash = (Cashflow("P", 0, "one_off_cost", 30000), Cashflow("P", 1, "one_off_cost", 999))
    b = book(services=services, projects=projects, cashflows=cash)
    st = settlement(b, Y, service_splits(b, Y))
    owed = {(o.source, o.payer, o.payee): o.amount for o in st.obligations}
    assert owed == {("S", "MBC", "SBC"): 30000, ("S", "TWBC", "SBC"): 30000,
                    ("P", "MBC", "TWBC"): 10000, ("P", "SBC", "TWBC"): 10000}
    assert sum(n.amount for n in st.net_positions) == 0
    pos = {n.party: n.amount for n in st.net_positions}
    assert pos == {"KCC": 0, "MBC": -40000, "SBC": 50000, "TWBC": -10000}


def test_project_shares_follow_its_service_basis():
    parts = (part("MBC", fixed_share=Decimal("0.75")), part("SBC", fixed_share=Decimal("0.25")))
    b = book(services=(svc("fixed"),), service_parties=parts)
    assert participant_weights(b, "S", Y) == {"MBC": Fraction(3, 4), "SBC": Fraction(1, 4)}
    assert participant_weights(b, None, Y) == {"MBC": 1, "SBC": 1, "TWBC": 1}


@pytest.mark.parametrize("order", [1, -1])
def test_row_order_never_changes_a_result(order):
    parts = (part("MBC"), part("SBC"), part("TWBC"))[::order]
    b = book(services=(svc("population", 100001),), service_parties=parts,
             parties=MKIP_PARTIES[::order], populations=MKIP_POPS[::order])
    (s,) = service_splits(b, Y)
    # quotas 37,989.21 / 34,184.97 / 27,826.83: two pennies left, to .97 (SBC), .83 (TWBC)
    assert s.shares == {"MBC": 37989, "SBC": 34185, "TWBC": 27827}


@pytest.mark.parametrize("record", [
    ServiceParty("LEGAL", Y, "MBC", Decimal("0.4"), 1000, None, 7),
    Obligation("LEGAL", "SBC", "MBC", 500),
    Payment("SBC", "MBC", 500),
], ids=lambda r: type(r).__name__)
def test_tuple_records_compare_as_dataclasses_do(record):
    """Stored as named tuples for speed, but equal only to the same kind of record."""
    import copy
    import pickle

    same = type(record)._make(record)
    assert record == same and hash(record) == hash(same)
    assert (record != same) is False  # __ne__ too, not only __eq__
    assert record != tuple(record) and tuple(record) != record
    with pytest.raises(TypeError):
        _ = record < same
    with pytest.raises(AttributeError):
        setattr(record, record._fields[0], "changed")
    assert pickle.loads(pickle.dumps(record)) == record and copy.deepcopy(record) == record
