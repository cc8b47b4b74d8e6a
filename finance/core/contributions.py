"""Per-head contributions (MKIP §13.2).

§13.2: "Each Party will make a per-head-of-population contribution to MKIP ... The payment
will be made on (1 April) of each year.  The initial contribution will be 30p per head of
population per annum using the most up to date population estimates".

For year Y each voting party pays ``rate_pence x population x months / 12`` pence,
rounded once to the penny half away from zero.  ``population`` is the most recent estimate
whose year is not after Y; an older one than Y is a stale-estimate warning.  ``months`` is
12, or the whole months left from the month a party joins.  A non-voting party (KCC, §6.2)
pays nothing; a party that left before 1 April of Y pays nothing.

MKIP 2008-09, hand-worked: 30p x 142,800 = £42,840.00 (MBC), 30p x 128,500 = £38,550.00
(SBC), 30p x 104,600 = £31,380.00 (TWBC): £112,770.00 in all.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date
from fractions import Fraction
from types import MappingProxyType

from finance.core.model import Book, Party, Population
from finance.core.money import round_pence
from finance.core.problems import Problem
from finance.core.years import months_remaining, months_taking_part, parse_year, year_start


@dataclass(frozen=True, slots=True)
class ContributionLine:
    """One paying party's contribution for the year (§13.2).

    Fields:
        party: the party code.
        name: the council's full name.
        population: the population estimate used, a whole number of residents.
        population_year: the financial year of that estimate, ``"2025-26"``: the latest
            not after the year (an older one is warned about).
        months: the months it pays for, 1..12 (12 unless it joined after 1 April).
        amount: its contribution, pence: ``rate_pence x population x months / 12``,
            rounded once to the penny, half away from zero.
        weight: its share of the year's total contributions, an exact ``Fraction``
            (``amount / total``; 0 when the total is 0).
    """

    party: str
    name: str
    population: int
    population_year: str
    months: int
    amount: int
    weight: Fraction


@dataclass(frozen=True, slots=True)
class Contributions:
    """The year's per-head contributions (§13.2).

    Fields:
        year: the financial year, ``"2025-26"``.
        rate_pence: the contribution per head, in pence, an exact ``Fraction`` of the
            year's ``rate_pence`` (fractions of a penny kept: 61/2 for 30.5p).
        lines: one line per paying party (voting, and a member for part of the year at
            least), in party-code order.
        warnings: the estimates older than the year, as warnings.
    """

    year: str
    rate_pence: Fraction
    lines: tuple[ContributionLine, ...]
    warnings: tuple[Problem, ...]

    @property
    def total(self) -> int:
        return sum(x.amount for x in self.lines)

    @property
    def weights(self) -> dict[str, int]:
        """The year-end split weights: each party's contribution in pence (§13.2)."""
        return {x.party: x.amount for x in self.lines}


def latest_population(pops: list[Population] | tuple[Population, ...], party: str,
                      year: str) -> Population | None:
    """Most recent estimate for ``party`` whose year is not after ``year``."""
    y = parse_year(year)
    best: Population | None = None
    for p in pops:
        if p.party == party and parse_year(p.year) <= y and (
            best is None or parse_year(p.year) > parse_year(best.year)
        ):
            best = p
    return best


def latest_populations(book: Book, year: str) -> dict[str, Population | None]:
    """:func:`latest_population` for every party at once (one pass over the estimates)."""
    y = parse_year(year)
    best: dict[str, Population | None] = {p.code: None for p in book.parties}
    rank: dict[str, int] = {}
    for p in book.populations:
        py = parse_year(p.year)
        if py <= y and py > rank.get(p.party, -1):
            best[p.party], rank[p.party] = p, py
    return best


#: A population estimate that moves by more than this share from the party's previous
#: estimate is warned about (a digit typed wrong looks like a town that grew by half).
POPULATION_MOVE = Fraction(1, 5)


def population_move(pop: Population, prev: Population | None) -> Problem | None:
    """A warning when ``pop`` differs from ``prev``, the party's previous estimate (the
    latest of an earlier year), by more than :data:`POPULATION_MOVE` of it.

    >>> old = Population("A", "2024-25", 142800, row=2)
    >>> print(population_move(Population("A", "2025-26", 182800, row=3), old))
    ... # doctest: +NORMALIZE_WHITESPACE
    populations row 3, column population: A: 182,800 is 28% more than its 2024-25
    estimate (142,800): check the figure (warning)
    >>> population_move(Population("A", "2025-26", 171360), old) is None  # 20% exactly
    True
    """
    if prev is None:
        return None
    move = Fraction(pop.population - prev.population, prev.population)
    if abs(move) <= POPULATION_MOVE:
        return None
    pct = round_pence(abs(move) * 100)  # whole per cent, half away from zero
    return Problem("populations", pop.row, "population",
                   f"{pop.party}: {pop.population:,} is {pct}% "
                   f"{'more' if move > 0 else 'less'} than its {prev.year} estimate "
                   f"({prev.population:,}): check the figure", "warning")


def previous_estimates(book: Book, latest: dict[str, Population | None]
                       ) -> dict[str, Population]:
    """Each party's estimate before the one it uses (``latest``, from
    :func:`latest_populations`): the latest of an earlier year, in one pass over the
    estimates."""
    before: dict[str, tuple[int, Population]] = {}
    for p in book.populations:
        used = latest.get(p.party)
        if used is None:
            continue
        py = parse_year(p.year)
        if py < parse_year(used.year) and py > before.get(p.party, (-1, p))[0]:
            before[p.party] = (py, p)
    return {party: p for party, (_y, p) in before.items()}


def paying_parties(book: Book, year: str) -> list[Party]:
    """Voting parties that are members on 1 April (or join during) the year."""
    start = year_start(year)
    out = []
    for p in book.parties:
        if not p.voting:
            continue
        if p.left is not None and p.left <= start:
            continue
        if months_remaining(p.joined, year) == 0:
            continue
        out.append(p)
    return sorted(out, key=lambda p: p.code)


@dataclass(frozen=True, slots=True)
class YearFacts:
    """What every rule of one book's year starts from, worked out once
    (:func:`year_facts`) and handed to the checks, the contributions, the year end, the
    service splits, the settlement's project sharing and the budget.

    Fields:
        year: the financial year, ``"2025-26"``.
        paying: the paying parties (voting, and a member on 1 April or joining during the
            year), in party-code order (:func:`paying_parties`).
        months: each party's months taking part in the year, 0..12, by party code (every
            party of the book): from the month it joins to the month it leaves,
            inclusive (§11.4; :func:`~finance.core.years.months_taking_part`).  A
            party's contribution is for its months from joining only
            (``ContributionLine.months``): one leaving during the year has paid in full.
        populations: each party's estimate used for the year, by party code (every party
            of the book): the latest whose year is not after it (``None``: none)
            (:func:`latest_populations`).
        previous: each party's estimate before the one it uses (the latest of an earlier
            year), by party code, for the warning on an estimate that moved by more than
            :data:`POPULATION_MOVE` (:func:`previous_estimates`).
        contributions: the year's per-head contributions (§13.2, :func:`contributions`);
            ``None`` when not worked out: not asked for, the year has no ``years`` row, or
            a paying party has no estimate (then ``problems`` says which).
        problems: what stops the contributions being worked out: each paying party with
            no estimate in or before the year (:func:`check_contributions`).

    The mappings are read-only views.
    """

    year: str
    paying: tuple[Party, ...]
    months: Mapping[str, int]
    populations: Mapping[str, Population | None]
    previous: Mapping[str, Population]
    contributions: Contributions | None
    problems: tuple[Problem, ...]

    def at_rate(self, rate_pence: Fraction) -> YearFacts:
        """These facts with the contributions worked out at ``rate_pence`` (pence per head,
        exact) rather than at the book's rate for the year: the budget's rate for a year
        ahead.  Each paying party's is ``round(rate_pence x population x months / 12)``,
        rounded once, half away from zero (:func:`contributions`).  Raises
        ``ValueError`` when a paying party has no estimate."""
        return replace(self, contributions=_contributions(self, rate_pence))


def year_facts(book: Book, year: str, *, with_contributions: bool = True) -> YearFacts:
    """The facts of ``year`` for ``book`` (see :class:`YearFacts`), each derived once: the
    paying parties, every party's months taking part, the estimates used and the ones
    before them, and (``with_contributions``, when the year has a ``years`` row and every
    paying party an estimate) the contributions at the year's rate::

        paying         = voting parties, not gone by 1 April, joined by 31 March
        months_i       = the month party i joins (or April) to the month it leaves (or
                         March), inclusive, 0..12
        population_i   = the latest estimate of party i whose year is not after ``year``
        contribution_i = round(rate_pence x population_i x months from joining_i / 12)

    >>> from decimal import Decimal
    >>> from finance.core.model import Settings, YearRow
    >>> b = Book(Settings("P", "A"), (Party("A", "A", True), Party("K", "K", False)),
    ...          (Population("A", "2025-26", 1000),), (YearRow("2025-26", Decimal(30)),))
    >>> f = year_facts(b, "2025-26")
    >>> [p.code for p in f.paying], dict(f.months), f.contributions.total, f.problems
    (['A'], {'A': 12, 'K': 12}, 30000, ())
    """
    paying = tuple(paying_parties(book, year))
    latest = latest_populations(book, year)
    months: dict[tuple[date | None, date | None], int] = {}
    for p in book.parties:
        if (p.joined, p.left) not in months:
            months[p.joined, p.left] = months_taking_part(p.joined, p.left, year)
    problems = tuple(
        Problem("populations", None, "party",
                f"no population estimate for {p.code} in or before {year}")
        for p in paying if latest.get(p.code) is None)
    facts = YearFacts(year, paying,
                      MappingProxyType({p.code: months[p.joined, p.left] for p in book.parties}),
                      MappingProxyType(latest),
                      MappingProxyType(previous_estimates(book, latest)), None, problems)
    row = next((y for y in book.years if y.year == year), None)
    if not with_contributions or row is None or problems:
        return facts
    return facts.at_rate(Fraction(row.rate_pence))


def check_contributions(book: Book, year: str, facts: YearFacts | None = None
                        ) -> list[Problem]:
    """Problems that stop the contributions for ``year`` being worked out: a paying party
    with no estimate in or before the year (``facts``: the year's, when worked out)."""
    if facts is None:
        facts = year_facts(book, year, with_contributions=False)
    return list(facts.problems)


def contributions(book: Book, year: str, facts: YearFacts | None = None) -> Contributions:
    """Each paying party's contribution for ``year``; see the module docstring.
    ``facts``: the year's (:func:`year_facts`), when worked out already: their
    contributions are the answer, not worked out again.

    >>> from decimal import Decimal
    >>> from finance.core.model import Settings, YearRow
    >>> b = Book(Settings("P", "A"), (Party("A", "A", True), Party("B", "B", True)),
    ...          (Population("A", "2025-26", 1001), Population("B", "2024-25", 3)),
    ...          (YearRow("2025-26", Decimal("30.5")),))
    >>> c = contributions(b, "2025-26")
    >>> [(x.party, x.amount) for x in c.lines], c.total
    ([('A', 30531), ('B', 92)], 30623)
    >>> c.warnings[0].message
    'B: the latest estimate is for 2024-25, older than 2025-26'
    """
    if facts is None:
        facts = year_facts(book, year)
    if facts.contributions is not None:
        return facts.contributions
    row = next((y for y in book.years if y.year == year), None)
    if row is None:
        raise ValueError(f"{year} is not in the years table")
    return _contributions(facts, Fraction(row.rate_pence))  # refuses a missing estimate


def _contributions(facts: YearFacts, rate: Fraction) -> Contributions:
    """The contributions of ``facts``' paying parties at ``rate`` pence per head:
    ``rate x population x months / 12`` each, rounded once to the penny, half away from
    zero, with the stale and moved estimates as warnings."""
    year = facts.year
    raw: list[tuple[Party, Population, int, int]] = []
    warnings: list[Problem] = []
    for p in facts.paying:
        pop = facts.populations.get(p.code)
        if pop is None:
            raise ValueError(f"no population for {p.code} in {year}; run check_year first")
        months = months_remaining(p.joined, year)
        amount = round_pence(rate * pop.population * months / 12)
        moved = population_move(pop, facts.previous.get(p.code))
        if moved is not None:
            warnings.append(moved)
        if pop.year != year:
            warnings.append(Problem(
                "populations", pop.row, "year",
                f"{p.code}: the latest estimate is for {pop.year}, older than {year}",
                "warning"))
        raw.append((p, pop, months, amount))
    total = sum(a for *_, a in raw)
    lines = tuple(
        ContributionLine(p.code, p.name, pop.population, pop.year, months, amount,
                         Fraction(amount, total) if total else Fraction(0))
        for p, pop, months, amount in raw
    )
    return Contributions(year, rate, lines, tuple(warnings))
