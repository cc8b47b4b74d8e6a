"""Year end: refund or carry over (MKIP §13.2-§13.3, §16.2-§16.3).

§13.2: "Any funds that are not spent or committed at the year end will be returned based
on the proportions outlined above or carried over, as agreed by MKIP Board."

Fund account for year Y, all in pence::

    available    = opening_balance + opening_commitments + contributions
                   + external_funding + income - admin_recharge
    uncommitted  = available - spend - commitments
    refund       = round(uncommitted x refund_share)       (once, half away from zero)
    carry_over   = uncommitted - refund

Sign convention: ledger amounts are positive for their kind (a ``spend`` of 100 is money
out); a negative entry is a reversal.  ``refund_share`` is the board's decision; blank
means 0 (carry everything over).  The refund, the spend and the carry-over are each split
between parties by that year's contribution weights, largest remainder.

Deficit (uncommitted < 0): no refund; the deficit is carried (``carry_over`` is negative)
and each party's ``supplementary`` is its share of the deficit on the same weights, the
amount it would pay to clear it.

Openings: a blank ``opening_balance`` is last year's ``carry_over`` and a blank
``opening_commitments`` last year's closing commitments, when last year is in the book
(else 0).  A given opening that differs from last year's figures is a warning.

Leaving (§16.2-§16.3): a party whose ``left`` date falls in the year, or on the 1 April
after it, gets an exit settlement in that year: its weight-share of the uncommitted balance
at that date (ledger lines dated on or before it; an undated line counts as dated
31 March), and it stays liable for its share of commitments made before its notice (this
year's commitments dated before notice, plus the opening commitments if notice came this
year, or else those of last year's commitments dated before notice, at most the opening
commitments).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction

from finance.core.apportion import apportion
from finance.core.chain import ClosedOpening, opening_differences
from finance.core.contributions import (
    Contributions,
    YearFacts,
    check_contributions,
    contributions,
    year_facts,
)
from finance.core.ledger import Ledger
from finance.core.model import Book, LedgerEntry, YearRow
from finance.core.money import fmt_gbp, round_pence
from finance.core.problems import Problem
from finance.core.years import previous_year, year_start
from finance.core.years import year_end as last_day


@dataclass(frozen=True, slots=True)
class YearEndLine:
    """One paying party's part of the year end (§13.2), split on the year's
    contribution weights (largest remainder).

    Fields:
        party: the party code.
        contribution: its contribution for the year, pence; the weight each of the other
            figures is split on.
        spend: its share of the year's spend, pence.
        refund: its share of the refund, pence (0 in a deficit).
        carry_over: its share of the carry-over, pence (negative in a deficit).
        supplementary: its share of a deficit, pence: what it would pay to clear it (0
            unless the uncommitted balance is below zero).
    """

    party: str
    contribution: int
    spend: int
    refund: int
    carry_over: int
    supplementary: int


@dataclass(frozen=True, slots=True)
class ExitSettlement:
    """What a party leaving during the year, or on the 1 April after it, takes and owes
    (§16).

    Fields:
        party: the party code.
        notice_given: the date it gave notice (``None``: none recorded, so it is liable
            for no commitments).
        left: the date it left.
        balance_at_leaving: the partnership's uncommitted balance at that date, pence:
            the year's fund account with only the ledger lines dated on or before it (an
            undated line counts as dated 31 March).
        share: its share of that balance on the year's contribution weights, pence
            (negative when the balance is).
        commitments_before_notice: the commitments open in the year that were made
            before its notice, pence.
        commitment_liability: its share of those commitments on the same weights, pence:
            what it stays liable for.
    """

    party: str
    notice_given: date | None
    left: date
    balance_at_leaving: int
    share: int
    commitments_before_notice: int
    commitment_liability: int


@dataclass(frozen=True, slots=True)
class YearEnd:
    """The fund account and per-party statement of one financial year (§13.2, §13.3,
    §16; docs/calculations.md).

    Fields:
        year: the financial year, ``"2025-26"``.
        opening_balance: the balance brought forward, pence (as given, or last year's
            carry-over, or 0).
        opening_commitments: the commitments brought forward, pence (as given, or last
            year's closing commitments, or 0).
        contributions: the year's contributions in all, pence.
        external_funding: the ledger's ``external_funding`` for the year, pence.
        income: the ledger's ``income`` for the year, pence.
        admin_recharge: the ledger's ``admin_recharge`` for the year, pence (money out).
        spend: the ledger's ``spend`` for the year, pence.
        commitments: the year's closing commitments, pence: the sum of its ledger
            ``commitment`` lines (next year's opening commitments).
        refund_share: the share of the uncommitted balance refunded, a ``Decimal``
            fraction (0.5 for 50%; 0 when the year's ``refund_share`` is blank).
        refund: the refund, pence: the uncommitted balance x ``refund_share``, rounded
            once, half away from zero (0 unless the uncommitted balance is above 0).
        parties: one line per paying party, in party-code order.
        exits: the settlements of paying parties leaving in the year (or on the 1 April
            after it), in the order of the ``parties`` table.
        warnings: the year's warnings: the contributions', opening figures that differ
            from last year's, then those of the years it carries from.
    """

    year: str
    opening_balance: int
    opening_commitments: int
    contributions: int
    external_funding: int
    income: int
    admin_recharge: int
    spend: int
    commitments: int
    refund_share: Decimal
    refund: int
    parties: tuple[YearEndLine, ...]
    exits: tuple[ExitSettlement, ...]
    warnings: tuple[Problem, ...]

    @property
    def available(self) -> int:
        return (self.opening_balance + self.opening_commitments + self.contributions
                + self.external_funding + self.income - self.admin_recharge)

    @property
    def uncommitted(self) -> int:
        return self.available - self.spend - self.commitments

    @property
    def carry_over(self) -> int:
        return self.uncommitted - self.refund

    @property
    def deficit(self) -> bool:
        return self.uncommitted < 0


def ledger_totals(entries: Iterable[LedgerEntry], year: str,
                  until: date | None = None) -> dict[str, int]:
    """Sum of ledger amounts by kind for ``year``, optionally only lines dated on or before
    ``until`` (an undated line counts as dated 31 March, the end of its year).

    Column sums on a :class:`~finance.core.ledger.Ledger`; records are put into one.
    """
    return Ledger.of(entries).totals(year, until)


def _year_row(book: Book, year: str) -> YearRow | None:
    return next((y for y in book.years if y.year == year), None)


def _chained(opening: ClosedOpening | None, year: str) -> ClosedOpening | None:
    """The closed previous year's figures, if they are for the year before ``year``."""
    return opening if opening is not None and opening.year == previous_year(year) else None


def check_year_end(book: Book, year: str, opening: ClosedOpening | None = None,
                   facts: YearFacts | None = None) -> list[Problem]:
    """Problems that stop the year end for ``year`` (and any year it carries from).

    With the previous year closed in the history (``opening``), its figures open this
    year, so the book's copy of that year is not worked and not checked.  ``facts``: the
    year's (:func:`~finance.core.contributions.year_facts`), when worked out already."""
    yr = _year_row(book, year)
    if yr is None:
        return [Problem("years", None, "year", f"{year} is not in the years table")]
    out = check_contributions(book, year, facts)
    prev = previous_year(year)
    if (_chained(opening, year) is None
            and (yr.opening_balance is None or yr.opening_commitments is None)
            and _year_row(book, prev) is not None):
        out += check_year_end(book, prev)
    return out


def year_end(book: Book, year: str, contrib: Contributions | None = None,
             opening: ClosedOpening | None = None, *, facts: YearFacts | None = None
             ) -> YearEnd:
    """The fund account and per-party statement for ``year`` (see module docstring).

    ``contrib``: the year's contributions, or ``facts``: the year's facts
    (:func:`~finance.core.contributions.year_facts`), whose contributions are used, when
    worked out already (else they are worked out here).
    ``opening``: the previous year as closed in the history.  When given (for the year
    before ``year``), its carry-over and closing commitments fill a blank opening, and a
    given opening that differs is a warning naming both figures; the book's own copy of
    the previous year is then not used for the openings.
    """
    yr = _year_row(book, year)
    if yr is None:
        raise ValueError(f"{year} is not in the years table")
    c = contrib if contrib is not None else contributions(book, year, facts)
    warnings: list[Problem] = []
    closed = _chained(opening, year)
    if closed is not None:
        opening_balance = closed.balance if yr.opening_balance is None else yr.opening_balance
        opening_commitments = (closed.commitments if yr.opening_commitments is None
                               else yr.opening_commitments)
        warnings += opening_differences(yr, closed)
        prev = None
    else:
        opening_balance, opening_commitments, prev = _book_openings(book, yr, warnings)
    t = ledger_totals(book.ledger, year)
    warnings += negative_spend(book, year)
    share = yr.refund_share if yr.refund_share is not None else Decimal(0)
    weights = c.weights
    base = YearEnd(year, opening_balance, opening_commitments, c.total, t["external_funding"],
                   t["income"], t["admin_recharge"], t["spend"], t["commitment"], share, 0,
                   (), (), ())
    unc = base.uncommitted
    refund = round_pence(Fraction(unc) * Fraction(share)) if unc > 0 else 0
    carry = unc - refund
    if weights and sum(weights.values()) > 0:
        sp = apportion(t["spend"], weights)
        rf = apportion(refund, weights)
        co = apportion(carry, weights)
        sup = apportion(-unc, weights) if unc < 0 else dict.fromkeys(weights, 0)
    else:
        sp = rf = co = sup = {}
    lines = tuple(
        YearEndLine(p, weights[p], sp.get(p, 0), rf.get(p, 0), co.get(p, 0), sup.get(p, 0))
        for p in sorted(weights)
    )
    exits = tuple(_exits(book, year, base, weights))
    return YearEnd(year, opening_balance, opening_commitments, c.total,
                   t["external_funding"], t["income"], t["admin_recharge"], t["spend"],
                   t["commitment"], share, refund, lines, exits,
                   tuple(c.warnings) + tuple(warnings) + (prev.warnings if prev and (
                       yr.opening_balance is None or yr.opening_commitments is None)
                       else ()))  # last year's warnings matter when it gave an opening


def negative_spend(book: Book, year: str) -> list[Problem]:
    """A warning for each negative ``spend`` line of ``year``: it lowers the year's spend
    (and raises the refund), which is right for a reversal and wrong for a sign typed
    the wrong way, so a person should look at it.

    >>> from finance.core.entries import LedgerEntry
    >>> from finance.core.model import Settings
    >>> lines = [LedgerEntry("2025-26", "spend", -50000, None, "", "", 7),
    ...          LedgerEntry("2025-26", "income", -100, None, "", "", 8)]
    >>> b = Book(Settings("P", "A"), (), ledger=Ledger.of(lines))
    >>> [str(p) for p in negative_spend(b, "2025-26")]  # doctest: +NORMALIZE_WHITESPACE
    ["ledger row 7, column amount: a negative spend, -£500.00, lowers the year's spend and
      raises what is refunded or carried over: check it reverses an earlier line (warning)"]
    """
    return [Problem("ledger", row, "amount",
                    f"a negative spend, {fmt_gbp(amount)}, lowers the year's spend and raises "
                    "what is refunded or carried over: check it reverses an earlier line",
                    "warning")
            for row, amount in book.ledger.negatives(year, "spend")]


def _book_openings(book: Book, yr: YearRow, warnings: list[Problem]
                   ) -> tuple[int, int, YearEnd | None]:
    """Openings from the book: a blank one is last year's figure when last year is in
    the book (worked out in full), else 0; a given one that differs is warned about.
    Returns ``(opening balance, opening commitments, last year's year end or None)``."""
    prev_row = _year_row(book, previous_year(yr.year))
    prev = None
    if prev_row is not None:
        facts = year_facts(book, prev_row.year)  # last year's, checked and worked out once
        if (yr.opening_balance is None or yr.opening_commitments is None
                or not check_year_end(book, prev_row.year, facts=facts)):
            prev = year_end(book, prev_row.year, facts=facts)
    if prev is None:
        return (yr.opening_balance or 0, yr.opening_commitments or 0, None)
    derived_bal, derived_com = prev.carry_over, prev.commitments
    if yr.opening_balance is not None and yr.opening_balance != derived_bal:
        warnings.append(Problem("years", yr.row, "opening_balance",
                                f"{fmt_gbp(yr.opening_balance)} differs from the "
                                f"{fmt_gbp(derived_bal)} carried over from {prev.year}",
                                "warning"))
    if yr.opening_commitments is not None and yr.opening_commitments != derived_com:
        warnings.append(Problem("years", yr.row, "opening_commitments",
                                f"{fmt_gbp(yr.opening_commitments)} differs from the "
                                f"{fmt_gbp(derived_com)} committed at the end of {prev.year}",
                                "warning"))
    balance = derived_bal if yr.opening_balance is None else yr.opening_balance
    commitments = derived_com if yr.opening_commitments is None else yr.opening_commitments
    return balance, commitments, prev


def _exits(book: Book, year: str, ye: YearEnd, weights: dict[str, int]) -> list[ExitSettlement]:
    """Exit settlements of parties leaving during ``year`` or on the 1 April after it (the
    last year they paid for)."""
    out = []
    start, end = year_start(year), last_day(year)
    for p in book.parties:
        if p.left is None or not (start < p.left <= end + timedelta(days=1)):
            continue
        if p.code not in weights:
            continue
        t = ledger_totals(book.ledger, year, until=p.left)
        bal = (ye.opening_balance + ye.opening_commitments + ye.contributions
               + t["external_funding"] + t["income"] - t["admin_recharge"]
               - t["spend"] - t["commitment"])
        share = apportion(bal, weights)[p.code]
        committed = _committed_before(book, year, ye, p.notice_given)
        liability = apportion(committed, weights)[p.code]
        out.append(ExitSettlement(p.code, p.notice_given, p.left, bal, share, committed,
                                  liability))
    return out


def _committed_before(book: Book, year: str, ye: YearEnd, notice: date | None) -> int:
    """Commitments open in ``year`` that were made before ``notice`` (§16.3; the Kent
    Partnership's terms of reference, §3.24, in docs/agreement.md): this year's
    commitment lines dated before it, plus the opening commitments
    when notice came in this year, or else the part of them made before notice (last
    year's commitment lines dated before it, at most the opening commitments)."""
    if notice is None:
        return 0

    def dated_before(y: str) -> int:
        return book.ledger.dated_before(y, "commitment", notice)

    if notice >= year_start(year):
        carried = ye.opening_commitments
    else:
        carried = min(ye.opening_commitments, dated_before(previous_year(year)))
    return carried + dated_before(year)
