"""The year ahead: the budget, the rate per head, each council's 1 April demand and a
medium-term forecast (MKIP §13.1, §13.2, Annex D b, Annex A §5.1).

§13.1: MKIP has "a dedicated budget ... overseen by the Board"; §13.2: it is paid for by
per-head contributions due on 1 April, from the latest population estimates; Annex D (b):
each shared service board approves "items of savings and growth to go forward to each
partner authority to form part of their annual budgeting process".

For the budget year ``B`` and each forecast year ``y`` of ``B .. B+N-1`` (each figure
rounded once, to the penny half away from zero, where it is made):

* **central budget**: the sum of the year's ``budget_lines``; a year with none is the
  year before's grown by ``inflation``.  The year before ``B`` with no lines of its own
  takes its monitored budget (``budget_monitor``, each line's latest quarter).
* **rate needed** ``= (central - use_of_balances) / paying population``, in pence,
  rounded **up** to ``rate_step``; the paying population counts a part-year joiner's
  population x months / 12.  **Rate**: ``B``'s ``years`` row when the book gives one,
  else the rate in force (``B-1``'s); from the year after ``B``, the year's own row, else
  the year before's grown by ``rate_uplift`` and rounded half up to ``rate_step``.  The
  **surplus** (a gap when negative) is the contributions at that rate less the central
  budget net of the use of balances.
* **contributions due 1 April**: §13.2 as for a year end (:func:`contributions`): the
  latest estimate or projection not after the year, a joiner's months, nothing from a
  party gone by 1 April.  From the year after ``B``, a party with no estimate or
  projection for the year has the year before's population grown by
  ``population_growth``, rounded half up to a whole person.
* **each service's net budget**: its base is its net cost in ``B-1`` (the year before as
  closed in the history when it is, else as the book has it), or its own ``services``
  row for the year; the year's approved items are added; a year with no items of its
  own is the year before's grown by ``inflation``.  With ``budget_rounding = pound`` it
  is rounded to the pound.  It is split once, by the service's basis on the year's
  populations and drivers (the latest given, carried forward) and participants (the last
  given, less the parties gone by 1 April), under the tolerance rule with the shares in
  force (a forecast year's in force are the year before's applied), largest remainder,
  in whole pounds with ``pound``.
* **each council**: its contribution plus its share of each service, the total, and the
  change on the year before in money and per cent.  Unapproved items are proposals: each
  is split as its service is, shown per council and left out of every total.
* **central fund**: opening (``B``'s is ``B-1``'s carry-over; then the year before's
  closing) + contributions - central budget = closing; a warning for each year it would
  close below zero.

Worked example (the bundled MKIP book, 2026-27): a central budget of £94,300.00 and no
use of balances over a paying population of 375,900 (142,800 + 128,500 + 104,600) needs
25.09p a head (25.0864... rounded up to a hundredth of a penny); the rate in force, 30p,
raises £112,770.00: a surplus of £18,470.00.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from fractions import Fraction
from functools import lru_cache
from typing import Any

from finance.core.apportion import apportion
from finance.core.contributions import (
    Contributions,
    YearFacts,
    latest_populations,
    year_facts,
)
from finance.core.model import (
    BlendComponent,
    Book,
    BudgetItem,
    Driver,
    Population,
    Service,
    ServiceParty,
    YearRow,
)
from finance.core.money import fmt_gbp, round_pence, to_pence
from finance.core.problems import Problem
from finance.core.rebase import apply_tolerances
from finance.core.services import split_services
from finance.core.years import (
    months_remaining,
    next_year,
    parse_year,
    previous_year,
    year_start,
)

#: How many forecast years a budget may run to.
MAX_YEARS = 10


@dataclass(frozen=True, slots=True)
class YearBefore:
    """The year before the budget, as it stands: what the budget starts from.

    Fields:
        year: ``B-1``, ``"2025-26"``.
        source: where its figures come from, in words ("the book", "closed 2025-26,
            version 1").
        rate_pence: its rate per head, pence, exact.
        carry_over: its carry-over, pence: the central fund's opening in ``B``.
        central: its central budget, pence (its ``budget_lines``, else its monitored
            budget, else ``None``).
        services: each service's ``(code, name, net cost)`` in the year, pence.
        totals: each paying party's ``(code, contribution, services)``: what it paid in
            the year, pence.
    """

    year: str
    source: str
    rate_pence: Fraction
    carry_over: int
    central: int | None
    services: tuple[tuple[str, str, int], ...]
    totals: tuple[tuple[str, int, int], ...]

    def total(self, party: str) -> int | None:
        for code, c, s in self.totals:
            if code == party:
                return c + s
        return None


@dataclass(frozen=True, slots=True)
class ServiceBudget:
    """One shared service's net budget for a year, and its split.

    Fields:
        service: the service code.
        name: the service's name.
        host: the host council's code (§18.1(b)).
        basis: the basis of the split, as in ``services``.
        base: the year before's net budget (for ``B``, its net cost in ``B-1``), pence.
        base_source: where the base comes from, in words.
        items: the year's approved items, in row order.
        inflation: the inflation applied, a ``Decimal`` fraction (``None``: the year has
            items or a row of its own, so none is applied).
        net: the net budget, pence (whole pounds with ``budget_rounding = pound``).
        shares: each participant's ``(code, share)``, pence, in code order; they add to
            ``net`` exactly.
        rebased: under the tolerance rule, ``True`` re-based, ``False`` kept on the
            shares in force; ``None``: no tolerance.
        weights: each participant's ``(code, weight)`` the split was made on, exact
            fractions summing to 1, kept where a proposal for the service that year is
            split on them (``()`` otherwise).
    """

    service: str
    name: str
    host: str
    basis: str
    base: int
    base_source: str
    items: tuple[BudgetItem, ...]
    inflation: Decimal | None
    net: int
    shares: tuple[tuple[str, int], ...]
    rebased: bool | None
    weights: tuple[tuple[str, Fraction], ...] = ()

    def share(self, party: str) -> int:
        return dict(self.shares).get(party, 0)


@dataclass(frozen=True, slots=True)
class CouncilBudget:
    """What one council budgets for the partnership in a year.

    Fields:
        party: the party code.
        name: the council's name.
        contribution: its contribution due on 1 April, pence (0 when it pays none).
        population: the population it pays on (0 when it pays none).
        population_source: the estimate's year and source in words ("2025-26 ONS
            mid-year estimate"; "2027-28, 2026-27's grown by 0.5%").
        months: the months it pays for.
        services: its share of each service, ``(code, pence)``, in service order.
        total: contribution plus services, pence.
        previous: its total the year before, pence (``None``: it paid nothing then).
    """

    party: str
    name: str
    contribution: int
    population: int
    population_source: str
    months: int
    services: tuple[tuple[str, int], ...]
    total: int
    previous: int | None

    @property
    def change(self) -> int | None:
        return None if self.previous is None else self.total - self.previous

    @property
    def change_ratio(self) -> Fraction | None:
        """The change as a fraction of the year before (``None``: nothing before)."""
        if self.previous is None or self.previous == 0:
            return None
        return Fraction(self.total - self.previous, self.previous)


@dataclass(frozen=True, slots=True)
class BudgetYear:
    """One year of the budget and forecast.

    Fields:
        year: the financial year.
        central: the central budget, pence.
        central_source: how it was found: ``"lines"`` (the year's budget lines) or
            ``"grown"`` (the year before's grown by inflation).
        use_of_balances: the balance the board plans to spend in the year, pence.
        paying_population: the population the rate is needed over, exact (a part-year
            joiner's x months / 12).
        rate_needed: the rate that pays for the central budget less the use of balances,
            pence, rounded up to ``rate_step``.
        rate_set: the rate in the book's ``years`` row for the year (``None``: none).
        rate: the rate contributions are due at, pence.
        contributions: the contributions due on 1 April (§13.2).
        services: each service's net budget and split, in service order.
        councils: each council's budget, in party-code order.
        fund_opening: the central fund at 1 April, pence.
        assumptions: the year's ``(key, value)`` in force, values ``Decimal`` fractions.
    """

    year: str
    central: int
    central_source: str
    use_of_balances: int
    paying_population: Fraction
    rate_needed: Fraction
    rate_set: Fraction | None
    rate: Fraction
    contributions: Contributions
    services: tuple[ServiceBudget, ...]
    councils: tuple[CouncilBudget, ...]
    fund_opening: int
    assumptions: tuple[tuple[str, Decimal], ...]

    @property
    def contributions_total(self) -> int:
        return self.contributions.total

    @property
    def surplus(self) -> int:
        """Contributions less the central budget net of the use of balances (a gap when
        negative), pence."""
        return self.contributions.total - (self.central - self.use_of_balances)

    @property
    def fund_closing(self) -> int:
        return self.fund_opening + self.contributions.total - self.central

    @property
    def services_total(self) -> int:
        return sum(s.net for s in self.services)

    @property
    def total(self) -> int:
        return self.contributions.total + self.services_total


@dataclass(frozen=True, slots=True)
class Proposal:
    """An item not (yet) approved, with its effect per council; in no total.

    Fields:
        item: the ``service_budget`` row.
        effect: each participant's ``(code, pence)`` of the item's amount, split as its
            service is that year (whole pounds with ``pound``).
    """

    item: BudgetItem
    effect: tuple[tuple[str, int], ...]


@dataclass(frozen=True, slots=True)
class Budget:
    """The budget for ``year`` and its forecast.

    Fields:
        partnership: the partnership's name.
        year: the budget year ``B``.
        before: the year before (:class:`YearBefore`).
        years: ``B`` and each forecast year after it.
        proposals: the unapproved items of every year, with their effect.
        rate_step: the step rates are rounded to, pence.
        rounding: ``"penny"`` or ``"pound"``.
        warnings: the fund going below zero, figures carried forward, stale estimates.
    """

    partnership: str
    year: str
    before: YearBefore
    years: tuple[BudgetYear, ...]
    proposals: tuple[Proposal, ...]
    rate_step: Fraction
    rounding: str
    warnings: tuple[Problem, ...]

    @property
    def first(self) -> BudgetYear:
        return self.years[0]


# -- rounding ------------------------------------------------------------------------


def round_up_to_step(x: Fraction, step: Fraction) -> Fraction:
    """``x`` rounded up to a multiple of ``step`` (a rate needed is never short).

    >>> round_up_to_step(Fraction("25.0801"), Fraction("0.01")) == Fraction("25.09")
    True
    >>> round_up_to_step(Fraction("25.09"), Fraction("0.01"))  # on a step: kept
    Fraction(2509, 100)
    >>> round_up_to_step(Fraction("25.0001"), Fraction(1))  # whole pence: 26p
    Fraction(26, 1)
    """
    return math.ceil(x / step) * step


def round_half_up_to_step(x: Fraction, step: Fraction) -> Fraction:
    """``x`` rounded to the nearest multiple of ``step``, a half going up.

    >>> round_half_up_to_step(Fraction("30.075"), Fraction("0.01"))  # 30.075p: up
    Fraction(752, 25)
    >>> round_half_up_to_step(Fraction("30.7"), Fraction("0.5"))  # to half pence
    Fraction(61, 2)
    """
    return math.floor(x / step + Fraction(1, 2)) * step


def grown(amount: int, rate: Decimal) -> int:
    """``amount`` grown by ``rate``, rounded once to the penny (or person), half away
    from zero.

    >>> grown(100_000, Decimal("0.025")), grown(-1_001, Decimal("0.5"))
    (102500, -1502)
    >>> grown(1, Decimal("0.5")), grown(-1, Decimal("0.5"))  # 1.5 and -1.5: away from 0
    (2, -2)
    """
    num, den = _factor(rate)
    exact = amount * num  # over den
    whole = (2 * abs(exact) + den) // (2 * den)
    return whole if exact >= 0 else -whole


@lru_cache(maxsize=256)
def _factor(rate: Decimal) -> tuple[int, int]:
    """``1 + rate`` as an exact ratio of integers."""
    return (1 + Fraction(rate)).as_integer_ratio()


# -- inputs by year ------------------------------------------------------------------


def assumption(book: Book, key: str, year: str) -> Decimal:
    """The value of ``key`` in force in ``year``: the latest row not after it (0 when
    none)."""
    y = parse_year(year)
    rows = [a for a in book.assumptions if a.key == key and parse_year(a.year) <= y]
    return max(rows, key=lambda a: parse_year(a.year)).value if rows else Decimal(0)


def year_before_of_result(r: Any, source: str = "the book") -> YearBefore:
    """The year before as a year-end result (:class:`~finance.core.run.Result`) has it."""
    from finance.core.run import Result

    assert isinstance(r, Result)
    shares: dict[str, int] = {}
    for sp in r.services:
        for line in sp.lines:
            shares[line.party] = shares.get(line.party, 0) + line.share
    paid = {x.party: x.amount for x in r.contributions.lines}
    codes = sorted(set(paid) | set(shares))
    return YearBefore(
        r.year, source, r.contributions.rate_pence, r.year_end.carry_over,
        central_of(r.book, r.year),
        tuple((s.service, s.name, s.net_cost) for s in r.services),
        tuple((c, paid.get(c, 0), shares.get(c, 0)) for c in codes))


def year_before_of_json(data: Mapping[str, Any], source: str, book: Book) -> YearBefore:
    """The year before as a stored result (the JSON of a closed year) has it; its central
    budget from ``book`` (:func:`central_of`)."""
    shares: dict[str, int] = {}
    services = []
    for s in data["services"]:
        services.append((s["service"], s.get("name", s["service"]), to_pence(s["net_cost"])))
        for line in s["parties"]:
            shares[line["party"]] = shares.get(line["party"], 0) + to_pence(line["share"])
    paid = {x["party"]: to_pence(x["amount"]) for x in data["contributions"]["parties"]}
    codes = sorted(set(paid) | set(shares))
    rate = Fraction(Decimal(str(data["contributions"]["rate_pence"])))
    return YearBefore(
        data["year"], source, rate, to_pence(data["year_end"]["carry_over"]),
        central_of(book, data["year"]), tuple(services),
        tuple((c, paid.get(c, 0), shares.get(c, 0)) for c in codes))


def central_of(book: Book, year: str) -> int | None:
    """A year's central budget as the book gives it: its lines, else its monitored
    budget (each line's latest quarter), else ``None``."""
    lines = [c.amount for c in book.budget_lines if c.year == year]
    if lines:
        return sum(lines)
    latest: dict[str, tuple[int, int]] = {}
    for b in book.budget_monitor:
        if b.year == year and b.quarter >= latest.get(b.line, (0, 0))[0]:
            latest[b.line] = (b.quarter, b.budget)
    return sum(v for _, v in latest.values()) if latest else None


# -- the budget ----------------------------------------------------------------------


def budget(book: Book, year: str, before: YearBefore, years: int = 5,
           stored_shares: Mapping[str, Mapping[str, Fraction]] | None = None) -> Budget:
    """The budget for ``year`` and ``years - 1`` forecast years after it; see the module
    docstring.  ``before`` is the year before as it stands (closed, or as the book has
    it); ``stored_shares`` the shares the latest closed year applied to each service."""
    if not 1 <= years <= MAX_YEARS:
        raise ValueError(f"a forecast runs 1 to {MAX_YEARS} years, not {years}")
    step = Fraction(book.settings.rate_step)
    pound = book.settings.budget_rounding == "pound"
    warnings: list[Problem] = []
    out: list[BudgetYear] = []
    proposals: list[Proposal] = []
    central = before.central
    if central is None:
        central = 0
        warnings.append(Problem("budget_lines", None, None,
                                f"no budget lines or monitored budget for {before.year}: its "
                                "central budget is taken as £0.00", "warning"))
    rate = before.rate_pence
    prev_nets = {code: (name, net) for code, name, net in before.services}
    prev_totals = {code: c + s for code, c, s in before.totals}
    pops: dict[str, Population] = {}
    in_force = {k: dict(v) for k, v in (stored_shares or {}).items()}
    last_split: dict[str, Any] = {}  # the year before's split and what it was made from
    opening = before.carry_over
    y = year
    for i in range(years):
        first = i == 0
        infl = assumption(book, "inflation", y)
        lines = [c.amount for c in book.budget_lines if c.year == y]
        central, source = (sum(lines), "lines") if lines else (grown(central, infl), "grown")
        row = next((r for r in book.years if r.year == y), None)
        use = (row.use_of_balances or 0) if row is not None else 0
        pops = _populations(book, y, pops, first)
        # who pays, months and estimates, once a year; the contributions once the rate is set
        facts = year_facts(_year_book(book, y, pops), y, with_contributions=False)
        paying = Fraction(sum(pops[p.code].population * months_remaining(p.joined, y)
                              for p in facts.paying if p.code in pops), 12)
        needed = (round_up_to_step(Fraction(max(central - use, 0)) / paying, step)
                  if paying else Fraction(0))
        rate_set = Fraction(row.rate_pence) if row is not None else None
        if rate_set is not None:
            rate = rate_set
        elif not first:
            rate = round_half_up_to_step(
                rate * (1 + Fraction(assumption(book, "rate_uplift", y))), step)
        facts = facts.at_rate(rate)
        due = facts.contributions
        assert due is not None
        services, applied = _services(book, y, prev_nets, before, first, infl, pops, rate,
                                      in_force, pound, warnings, last_split, facts)
        for sb in services:
            prev_nets[sb.service] = (sb.name, sb.net)
        in_force.update(applied)
        councils = _councils(book, due, services, prev_totals, pops)
        prev_totals = {c.party: c.total for c in councils}
        proposals += [Proposal(it, _effect(it.amount, services, it.service, pound))
                      for it in book.service_budget if it.year == y and not it.approved]
        by = BudgetYear(y, central, source, use, paying, needed, rate_set, rate, due,
                        services, councils, opening,
                        tuple((k, assumption(book, k, y))
                              for k in ("inflation", "rate_uplift", "population_growth")))
        if by.fund_closing < 0:
            warnings.append(Problem("budget", None, None,
                                    f"{y}: the central fund would close at "
                                    f"{fmt_gbp(by.fund_closing)}, below zero", "warning"))
        warnings += [w for w in due.warnings if first]
        out.append(by)
        opening = by.fund_closing
        y = next_year(y)
    return Budget(book.settings.name, year, before, tuple(out), tuple(proposals), step,
                  book.settings.budget_rounding, tuple(warnings))


def _populations(book: Book, year: str, before: Mapping[str, Population], first: bool
                 ) -> dict[str, Population]:
    """Each party's population for ``year``: the latest estimate or projection not after
    it; after the budget year, one older than the year is the year before's grown by
    ``population_growth`` (rounded half up to a whole person)."""
    latest = latest_populations(book, year)
    growth = Fraction(assumption(book, "population_growth", year))
    out: dict[str, Population] = {}
    for code, pop in latest.items():
        if pop is None:
            continue
        if first or pop.year == year or code not in before:
            out[code] = pop
            continue
        prev = before[code]
        n = math.floor(prev.population * (1 + growth) + Fraction(1, 2))
        out[code] = Population(code, year, n, f"{prev.year}'s {prev.population:,} grown by "
                               f"{_pct(growth)}", 0)
    return out


def _pct(x: Fraction | Decimal) -> str:
    d = Decimal(x.numerator) / Decimal(x.denominator) if isinstance(x, Fraction) else x
    return f"{(d * 100).normalize():f}%"


def _year_book(book: Book, year: str, pops: Mapping[str, Population],
               rate: Fraction | None = None) -> Book:
    """The book as it will stand in ``year``: its populations, and (given ``rate``) a
    ``years`` row at that rate."""
    given = tuple(p for p in book.populations if parse_year(p.year) > parse_year(year))
    if rate is None:
        return replace(book, populations=tuple(pops.values()) + given)
    rate_dec = Decimal(rate.numerator) / Decimal(rate.denominator)
    rows = tuple(r for r in book.years if r.year != year) + (YearRow(year, rate_dec),)
    return replace(book, years=rows, populations=tuple(pops.values()) + given)


def _services(book: Book, year: str, prev_nets: Mapping[str, tuple[str, int]],
              before: YearBefore, first: bool, infl: Decimal,
              pops: Mapping[str, Population], rate: Fraction,
              in_force: Mapping[str, Mapping[str, Fraction]], pound: bool,
              warnings: list[Problem], last_split: dict[str, Any], facts: YearFacts
              ) -> tuple[tuple[ServiceBudget, ...], dict[str, dict[str, Fraction]]]:
    """Each service's net budget for ``year`` and its split; the shares each applied.
    ``facts``: the year's, of the book as it will stand in the year (the parties and
    ``pops``).

    A year whose split is made from exactly what the year before's was (the same
    services and net budgets, participants, blends, drivers, populations and shares in
    force) takes the year before's split rather than working it out again: a forecast
    with no change in it splits once."""
    start = year_start(year)
    gone = {p.code for p in book.parties if p.left is not None and p.left <= start}
    proposed = {it.service for it in book.service_budget if it.year == year and not it.approved}
    svc_rows: list[Service] = []
    plan: list[tuple[Service, int, str, tuple[BudgetItem, ...], Decimal | None]] = []
    rows: dict[str, list[Service]] = {}
    for sv in book.services:
        rows.setdefault(sv.service, []).append(sv)
    approved: dict[str, list[BudgetItem]] = {}
    for it in book.service_budget:
        if it.year == year and it.approved:
            approved.setdefault(it.service, []).append(it)
    new = {s.service: (s.name, s.net_cost) for s in book.services
           if s.year == year and s.service not in prev_nets}
    before_words = (f"net cost in {before.year} ({before.source})" if first
                    else f"net budget for {previous_year(year)}")
    for code, (name, prev_net) in sorted({**prev_nets, **new}.items()):
        own = next((s for s in rows.get(code, ()) if s.year == year), None)
        last = own or _latest(rows.get(code, ()), year)
        if last is None:
            continue
        items = tuple(approved.get(code, ()))
        if own is not None:
            base, base_source = own.net_cost, f"its services row for {year}"
        else:
            base, base_source = prev_net, before_words
        applied_infl = None
        if own is not None or items:
            net = base + sum(it.amount for it in items)
        else:
            net, applied_infl = grown(base, infl), infl
        if pound:
            net = round_pence(Fraction(net, 100)) * 100
        svc = Service(code, name, year, last.host, net // 100 if pound else net, 0, last.basis,
                      last.rebase_tolerance, last.rebase_step)
        svc_rows.append(svc)
        plan.append((svc, base, base_source, items, applied_infl))
    carried = (_carried(book.service_parties, year), _carried(book.service_blend, year),
               _carried(book.drivers, year, "driver"))
    made_from = (
        tuple((s.service, s.host, s.gross_cost, s.basis, s.rebase_tolerance, s.rebase_step)
              for s in svc_rows),
        tuple(map(id, carried)), frozenset(gone),  # (the lists are kept below, so an
        # identity seen again is the same list)
        tuple(sorted((c, p.population) for c, p in pops.items())),
        tuple(sorted((k, tuple(sorted(v.items()))) for k, v in in_force.items())))
    if last_split.get("made_from") == made_from:
        splits = last_split["splits"]
    else:
        ybook = replace(_year_book(book, year, pops, rate), services=tuple(svc_rows),
                        service_parties=_carried_parties(book, year, gone,
                                                         {s.service for s in svc_rows}),
                        service_blend=tuple(
                            BlendComponent(b.service, year, b.component, b.weight, b.row)
                            for b in _carried(book.service_blend, year)),
                        drivers=_carried_drivers(book.drivers, year))
        splits, problems = split_services(ybook, year, facts)
        warnings += [p for p in problems if not p.is_error]
        if any(p.is_error for p in problems):
            raise ValueError("; ".join(str(p) for p in problems if p.is_error))
        splits = apply_tolerances(ybook, year, splits, in_force)
        last_split.update(made_from=made_from, splits=splits, carried=carried)
    by_code = {sp.service: sp for sp in splits}
    out = []
    applied: dict[str, dict[str, Fraction]] = {}
    for svc, base, base_source, items, applied_infl in plan:
        sp = by_code[svc.service]
        mult = 100 if pound else 1
        shares = tuple((x.party, x.share * mult) for x in sp.lines)
        out.append(ServiceBudget(svc.service, svc.name, svc.host, svc.basis, base,
                                 base_source, items, applied_infl, svc.gross_cost * mult,
                                 shares, None if sp.rebase is None else sp.rebase.rebased,
                                 tuple((x.party, x.weight) for x in sp.lines)
                                 if svc.service in proposed else ()))
        if sp.rebase is not None:
            applied[svc.service] = dict(sp.rebase.applied)
    return tuple(out), applied


def _latest(rows: Sequence[Service], year: str) -> Service | None:
    """The latest of one service's rows not after ``year``."""
    y = parse_year(year)
    given = [s for s in rows if parse_year(s.year) <= y]
    return max(given, key=lambda s: parse_year(s.year)) if given else None


def _carried(rows: Sequence[Any], year: str, key: str = "service") -> list[Any]:
    """Each service's (or, with ``key``, each driver's) rows of the latest year not after
    ``year`` that has any.  The answer only changes at a year the rows give, so it is
    worked out once for each such year (a forecast's later years reuse it)."""
    y = parse_year(year)
    given = _years_given(rows)
    upto = max((g for g in given if g <= y), default=None)
    memo_key = (id(rows), key, upto)
    hit = _CARRIED.get(memo_key)
    if hit is not None and hit[0] is rows:
        return hit[1]
    best: dict[str, int] = {}
    for r in rows:
        ry = parse_year(r.year)
        if ry <= y and ry > best.get(getattr(r, key), -1):
            best[getattr(r, key)] = ry
    out = [r for r in rows if parse_year(r.year) == best.get(getattr(r, key))]
    if len(_CARRIED) > 64:
        _CARRIED.clear()
    _CARRIED[memo_key] = (rows, out)
    return out


def _years_given(rows: Sequence[Any]) -> frozenset[int]:
    hit = _YEARS.get(id(rows))
    if hit is not None and hit[0] is rows:
        return hit[1]
    years = frozenset(parse_year(y) for y in {r.year for r in rows})
    if len(_YEARS) > 64:
        _YEARS.clear()
    _YEARS[id(rows)] = (rows, years)
    return years


#: Answers of :func:`_carried` and :func:`_years_given`, by the rows' identity (each
#: entry keeps its rows, so an identity is never mistaken for another object's).
_CARRIED: dict[tuple[int, str, int | None], tuple[Sequence[Any], list[Any]]] = {}
_YEARS: dict[int, tuple[Sequence[Any], frozenset[int]]] = {}


def _carried_parties(book: Book, year: str, gone: set[str], services: set[str]
                     ) -> tuple[ServiceParty, ...]:
    """Each service's participants in ``year``: its rows for the year, else those of the
    latest year before, less the parties gone by 1 April."""
    out = []
    for sp in _carried(book.service_parties, year):
        if sp.service not in services:
            continue
        if sp.year != year and sp.party in gone:
            continue
        out.append(ServiceParty(sp.service, year, *sp[2:]))
    return tuple(out)


def _carried_drivers(drivers: Sequence[Driver], year: str) -> tuple[Driver, ...]:
    """Each driver's values for ``year``: its own, else those of the latest year before
    that has the driver."""
    return tuple(Driver(year, d.driver, d.party, d.value, d.row)
                 for d in _carried(drivers, year, "driver"))


def _councils(book: Book, due: Contributions, services: Sequence[ServiceBudget],
              prev_totals: Mapping[str, int], pops: Mapping[str, Population]
              ) -> tuple[CouncilBudget, ...]:
    paid = {x.party: x for x in due.lines}
    theirs: dict[str, list[tuple[str, int]]] = {}
    for s in services:
        for p, v in s.shares:
            theirs.setdefault(p, []).append((s.service, v))
    codes = sorted(set(paid) | set(theirs))
    names = {p.code: p.name for p in book.parties}
    out = []
    for code in codes:
        line = paid.get(code)
        svc = tuple(theirs.get(code, ()))
        contribution = line.amount if line is not None else 0
        pop = pops.get(code)
        where = ("" if line is None or pop is None else
                 f"{pop.year} {pop.source}".strip())
        out.append(CouncilBudget(
            code, names.get(code, code), contribution, line.population if line else 0,
            where, line.months if line else 0, svc,
            contribution + sum(v for _, v in svc), prev_totals.get(code)))
    return tuple(out)


def _effect(amount: int, services: Sequence[ServiceBudget], code: str, pound: bool
            ) -> tuple[tuple[str, int], ...]:
    """An item's amount split as its service is split in the year."""
    sb = next((s for s in services if s.service == code), None)
    if sb is None or not sb.weights:
        return ()
    weights = dict(sb.weights)
    if pound:
        pounds = round_pence(Fraction(amount, 100))
        return tuple((p, v * 100) for p, v in sorted(apportion(pounds, weights).items()))
    return tuple(sorted(apportion(amount, weights).items()))
