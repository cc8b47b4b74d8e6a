"""Shared-service cost splits (MKIP §18.1(a), §13.4, §13.5, §11.4).

§18.1(a): "all of the costs attributable to the provision of any Shared or Joint Service
shall be apportioned between those of the Parties that are engaged in the service and in
such proportions as they shall agree (and if not otherwise then in equal shares)."

A service's net cost (``gross_cost - income``, pence; negative when income exceeds cost) is
split between its participants, and only them, in one largest-remainder step.
Raw weights per basis, each multiplied by the months the party takes part (§11.4: a party
joining later is weighted by the months it takes part):

* ``equal``      months (12 each for a full year)
* ``fixed``      the agreed ``fixed_share`` (already agreed for the year: not pro-rated)
* ``population`` latest population estimate x months
* ``driver:N``   the party's value of driver N for the year x months
* ``blend``      sum over components of component weight x (component raw weight /
  component total), exact fractions; money is rounded once, never per component.

Participants are the ``service_parties`` rows for the service and year; a service with none
listed is shared by every paying voting party (§18.1(a) "in equal shares" default).
Where a stand-alone cost is given (what the party would pay to run the service alone for
a whole year), ``saving = standalone_cost x months / 12 - share``: the stand-alone cost
for the months the party takes part, rounded once to the penny half away from zero,
against its share for those months (§11.4).  A full-year participant's saving is simply
``standalone_cost - share``.

How it is computed: every weight is kept as an exact integer over a denominator (Decimals
by their exact integer ratio, a blend over the common denominator of its terms), so no
``Fraction`` arithmetic or float is needed; the raw and normalised weights are still shown
as exact fractions.  Services whose figures need no problem reported are worked out in
bulk (column by column over all their participants) and split together by
:func:`~finance.core.apportion_fast.apportion_columns`; any other service goes through
:func:`_pool` one at a time, which reports its problems in service order (:func:`_needing_care`
chooses).  :func:`_pool` (with :func:`_weights`) is the plain statement of the rule; the
bulk path is held to it line for line by property tests (``tests/test_services_paths.py``)
and both to the Fraction-by-Fraction rules (``tests/test_services_fast.py``).  Each split
carries its basis's weights (each blend component's) per party, exact
(:class:`BasisWeights`), for a report to show without working them out again.

Worked example: £1,000.00 equal between three parties gives 333.34 / 333.33 / 333.33, the
extra penny to the first code alphabetically (all remainders and weights tie).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from fractions import Fraction
from itertools import accumulate, chain, compress, count, pairwise, repeat
from math import gcd, lcm
from operator import attrgetter, floordiv, is_not, mul, sub
from typing import Any, NamedTuple, TypeVar, cast

import numpy as np

from finance.core.apportion import SHARE_FIELDS, Share, apportion_detail
from finance.core.apportion_fast import ShareColumns, apportion_columns, ordered_within_pools
from finance.core.contributions import YearFacts, year_facts
from finance.core.model import Book, Service, ServiceParty, record_maker, value_record
from finance.core.money import round_pence
from finance.core.problems import BookError, Problem
from finance.core.years import months_before_leaving, months_taking_part

_party = attrgetter("party")
_joined = attrgetter("joined")
_fixed_share = attrgetter("fixed_share")
_standalone = attrgetter("standalone_cost")
_code_basis = attrgetter("service", "basis")
_SAFE = 2**62  # bound for summing a pool's integers in numpy int64
_T = TypeVar("_T")


@value_record
class ServiceLine(NamedTuple):
    """One participant's line of a service split (§18.1(a)).

    A named tuple, read by name (a large book has tens of thousands of lines, and a tuple
    is built several times faster than a frozen dataclass), that compares as a frozen
    dataclass does (:func:`~finance.core.model.value_record`).  Its first eight fields are
    its largest-remainder line's (:class:`~finance.core.apportion.Share`), in the same
    order; equal lines are equal tuples.

    Fields:
        party: the party code.
        floor: its quota of the net cost rounded down, whole pence.
        rank: its place in the queue for a left-over penny (1: first).
        extra_penny: ``True`` when it got one of the left-over pennies.
        share: its share of the net cost, signed pence.
        weight_num: the numerator of its normalised weight (``raw_weight`` over the
            participants' total), in lowest terms.
        weight_den: the denominator of that weight, in lowest terms.
        magnitude: ``|net cost|``, pence (0 for a zero weight).
        months: the months it takes part in the year, 0..12 (§11.4).
        raw_num: the numerator of its raw weight on the service's basis, in lowest terms.
        raw_den: the denominator of that raw weight, in lowest terms.
        standalone_cost: what it would pay for the service on its own, pence (``None``:
            not given).

    Worked out when read, exactly:

    * ``raw_weight``: ``raw_num / raw_den``, a ``Fraction``: its months (equal), its
      fixed share (fixed), population x months, driver value x months, or for a blend
      the sum over components of component weight x (this weight / the component's
      total);
    * ``weight``: ``weight_num / weight_den``, a ``Fraction``;
    * ``detail``: its largest-remainder line, a :class:`~finance.core.apportion.Share`
      (normalised weight, quota, floor, remainder, rank, extra penny and share);
    * ``saving``: ``standalone_cost x months / 12 - share`` in pence (``None`` without a
      stand-alone cost); :meth:`ServiceSplit.saving` is the saving on any basis.
    """

    party: str
    floor: int
    rank: int
    extra_penny: bool
    share: int
    weight_num: int
    weight_den: int
    magnitude: int
    months: int
    raw_num: int
    raw_den: int
    standalone_cost: int | None

    @property
    def detail(self) -> Share:
        return Share._make(self[:SHARE_FIELDS])

    @property
    def weight(self) -> Fraction:
        """Normalised weight: ``raw_weight`` over the participants' total."""
        return Fraction(self.weight_num, self.weight_den)

    @property
    def raw_weight(self) -> Fraction:
        return Fraction(self.raw_num, self.raw_den)

    @property
    def standalone_for_months(self) -> int | None:
        """The stand-alone cost for the months taken part, pence: ``standalone_cost x
        months / 12`` rounded once, half away from zero (:func:`standalone_for_months`).
        On the fixed basis the share is for the whole year, so use
        :meth:`ServiceSplit.standalone_for_share` there."""
        return standalone_for_months(self.standalone_cost, self.months)

    @property
    def saving(self) -> int | None:
        """``standalone_for_months - share``, pence (``None`` without a stand-alone cost);
        :meth:`ServiceSplit.saving` is the saving on any basis."""
        cost = standalone_for_months(self.standalone_cost, self.months)
        return None if cost is None else cost - self.share

    def __repr__(self) -> str:
        return (f"ServiceLine(party={self.party!r}, months={self.months!r}, "
                f"raw_weight={self.raw_weight!r}, detail={self.detail!r}, "
                f"standalone_cost={self.standalone_cost!r})")

    @classmethod
    def of(cls, share: Share, months: int, raw_weight: Fraction,
           standalone_cost: int | None) -> ServiceLine:
        """The line of ``share`` (its split's line) for a participant taking part
        ``months``, with its raw weight and stand-alone cost."""
        return cls(*share, months, raw_weight.numerator, raw_weight.denominator,
                   standalone_cost)


def standalone_for_months(cost: int | None, months: int) -> int | None:
    """A year's stand-alone cost (pence) pro rata for ``months`` taken part (§11.4):
    ``cost x months / 12``, rounded once to the penny, half away from zero.

    >>> standalone_for_months(48_000_000, 6), standalone_for_months(100, 7)
    (24000000, 58)
    >>> standalone_for_months(1_000, 12), standalone_for_months(None, 6) is None
    (1000, True)

    (100p x 7 / 12 = 58.33p -> 58p.)
    """
    return None if cost is None else pro_rata(cost, months)


def pro_rata(cost: int, months: int) -> int:
    """``cost x months / 12`` pence, rounded once half away from zero (:func:`round_pence`).

    >>> pro_rata(30, 5), pro_rata(-30, 5)
    (13, -13)
    """
    return cost if months == 12 else round_pence(Fraction(cost * months, 12))


def _service_lines(parties: list[str], shares: ShareColumns, months: list[int],
                   raw_num: list[int], raw_den: list[int],
                   standalone: Iterable[int | None]) -> list[ServiceLine]:
    return list(map(_new_line, zip(
        parties, *shares, months, raw_num, raw_den, standalone, strict=True)))


@dataclass(frozen=True, slots=True)
class Rebase:
    """How the tolerance rule treated one service this year.

    Fields:
        tolerance: the service's ``rebase_tolerance``, an exact fraction of a share
            (3 points is ``Fraction(3, 100)``).
        computed: each participant's computed share on the service's basis, party code to
            exact fraction, in code order.
        in_force: the shares in force, party code to exact fraction (``None``: none).
        source: where the shares in force come from: ``"book"`` (the shares_in_force
            table), ``"history"`` (the latest closed year), or ``""`` (none).
        rebased: ``True`` when the split is on the computed shares, ``False`` when it is
            kept on the shares in force.
        max_movement: the largest ``|computed - in force|`` over the participants, an exact
            fraction, measured on the computed shares (never the rounded ones) (``None``:
            no shares in force for the same participants).
        step: the service's ``rebase_step``, an exact fraction (1% is
            ``Fraction(1, 100)``); ``None``: a re-based split is not rounded.
        rounded: when the split is re-based with a step, the computed shares rounded to
            multiples of it (largest remainder, totalling exactly 1), party code to exact
            fraction, in code order: the shares applied; ``None`` otherwise.
    """

    tolerance: Fraction
    computed: tuple[tuple[str, Fraction], ...]
    in_force: tuple[tuple[str, Fraction], ...] | None
    source: str
    rebased: bool
    max_movement: Fraction | None
    step: Fraction | None = None
    rounded: tuple[tuple[str, Fraction], ...] | None = None

    def share_in_force(self, party: str) -> Fraction | None:
        """The party's share in force (``None``: none, or not a party in force)."""
        return None if self.in_force is None else dict(self.in_force).get(party)

    def computed_share(self, party: str) -> Fraction | None:
        return dict(self.computed).get(party)

    @property
    def applied(self) -> tuple[tuple[str, Fraction], ...]:
        """The shares the split was made on, in code order: the shares in force when
        kept, the rounded shares when re-based with a step, else the computed shares."""
        if not self.rebased and self.in_force is not None:
            return self.in_force
        return self.rounded if self.rounded is not None else self.computed


@value_record
class BasisWeights(NamedTuple):
    """Each participant's raw weight on one basis, exact, as the split worked it out: what
    a report shows beside a split without working it out again.  A named tuple (a large
    book has thousands of services) that compares as a frozen dataclass does.

    Fields:
        basis: ``"equal"``, ``"fixed"``, ``"population"`` or ``"driver:NAME"``: the
            service's basis or, on the blend basis, one of its components.
        component_weight: on the blend basis, the component's weight, a ``Decimal``
            fraction (0.4 for 40%); ``None`` for the service's own basis.
        parties: the participants' party codes, in code order (the order of the split's
            lines).
        nums: each participant's raw weight on this basis as a numerator over ``den``, in
            the order of ``parties``: its months (equal), its agreed share (fixed, not
            pro-rated), population x months, or driver value x months.
        den: their common denominator, the least there is (``nums`` and ``den`` have no
            common factor; 1 when every weight is a whole number).

    Read as exact fractions: :attr:`weights` (``nums[i] / den``) and :attr:`shares`
    (``nums[i] / sum(nums)``, the weights normalised to sum to 1: on a blend,
    the component's shares that are mixed with the component weights).

    >>> bw = BasisWeights("fixed", None, ("A", "B"), (7, 3), 20)
    >>> [(p, str(w)) for p, w in bw.weights], [(p, str(w)) for p, w in bw.shares]
    ([('A', '7/20'), ('B', '3/20')], [('A', '7/10'), ('B', '3/10')])
    """

    basis: str
    component_weight: Decimal | None
    parties: tuple[str, ...]
    nums: tuple[int, ...]
    den: int

    @property
    def weights(self) -> tuple[tuple[str, Fraction], ...]:
        """Each ``(party, raw weight)``, the weight an exact ``Fraction``, in code order."""
        return tuple((p, Fraction(n, self.den))
                     for p, n in zip(self.parties, self.nums, strict=True))

    @property
    def shares(self) -> tuple[tuple[str, Fraction], ...]:
        """Each ``(party, weight / the participants' total)``, exact, in code order
        (every share 0 when the total is 0)."""
        total = sum(self.nums)
        return tuple((p, Fraction(n, total) if total else Fraction(0))
                     for p, n in zip(self.parties, self.nums, strict=True))


_new_line = record_maker(ServiceLine)
_new_basis_weights = record_maker(BasisWeights)


def _basis_weights(basis: str, cw: Decimal | None, parties: tuple[str, ...],
                   nums: Sequence[int], den: int) -> BasisWeights:
    """:class:`BasisWeights` with ``nums / den`` brought to their least common denominator
    (so equal weights are equal records, however they were worked out)."""
    if den != 1:
        g = gcd(den, *nums)
        if g != 1:
            nums, den = [n // g for n in nums], den // g
    return BasisWeights(basis, cw, parties, tuple(nums), den)


@dataclass(frozen=True, slots=True)
class ServiceSplit:
    """One service's net cost for the year, split between its participants (§18.1(a)).

    Fields:
        service: the service code.
        name: the service's name.
        year: the financial year, ``"2025-26"``.
        host: the party code of the host council, which pays the costs (§18.1(b)).
        basis: ``"equal"``, ``"fixed"``, ``"population"``, ``"blend"`` or
            ``"driver:NAME"``.
        gross_cost: the gross cost, pence.
        income: the income, pence; ``net_cost = gross_cost - income`` is what is split
            (negative when income exceeds the cost).
        components: on the blend basis, each component's ``(basis, weight)``, the weight
            a ``Decimal`` fraction, sorted by component; ``()`` on any other basis.
        lines: one line per participant, in party-code order; their shares sum to the net
            cost exactly.
        rebase: how the tolerance rule treated the service (:mod:`finance.core.rebase`);
            ``None`` when the service has no ``rebase_tolerance``.
        basis_weights: each participant's raw weight on the service's basis, exact
            (:class:`BasisWeights`): one entry for its basis or, on the blend basis, one
            per component, in the order of ``components`` (``()`` for a blend with no
            components).  Kept as worked out on the basis, also when the tolerance rule
            splits the cost on the shares in force.
    """

    service: str
    name: str
    year: str
    host: str
    basis: str
    gross_cost: int
    income: int
    components: tuple[tuple[str, Decimal], ...]
    lines: tuple[ServiceLine, ...]
    rebase: Rebase | None = None
    basis_weights: tuple[BasisWeights, ...] = ()

    @property
    def net_cost(self) -> int:
        return self.gross_cost - self.income

    @property
    def shares(self) -> dict[str, int]:
        return {x.party: x.share for x in self.lines}

    def share_months(self, line: ServiceLine) -> int:
        """The months a line's share pays for: the months it takes part, except on the
        fixed basis, whose agreed shares are for the whole year (not pro-rated)."""
        return 12 if self.basis == "fixed" else line.months

    def standalone_for_share(self, line: ServiceLine) -> int | None:
        """The line's stand-alone cost for the months its share pays for, pence."""
        return standalone_for_months(line.standalone_cost, self.share_months(line))

    def saving(self, line: ServiceLine) -> int | None:
        """The line's saving against going it alone, pence: its stand-alone cost for the
        months its share pays for, less its share (``None`` without a stand-alone cost).

        >>> from finance.core.apportion import apportion_detail
        >>> [a, b] = [ServiceLine.of(x, m, Fraction(1, 2), 100_000) for x, m in zip(
        ...     apportion_detail(90_000, {"A": 1, "B": 1}), (12, 6))]
        >>> fixed = ServiceSplit("S", "S", "2025-26", "A", "fixed", 90_000, 0, (), (a, b))
        >>> equal = ServiceSplit("S", "S", "2025-26", "A", "equal", 90_000, 0, (), (a, b))
        >>> fixed.saving(b), equal.saving(b)  # a whole year's share, or six months'
        (55000, 5000)
        """
        cost = self.standalone_for_share(line)
        return None if cost is None else cost - line.share


_Blend = tuple[tuple[str, Decimal], ...]


@dataclass(frozen=True)
class _YearIndex:
    """Lookups for one book and year, built once so each service is a few dict hits."""

    book: Book
    year: str
    parts: dict[str, list[ServiceParty]]  # each service's rows, sorted by party
    default_parts: tuple[str, ...]
    joined: dict[str, date | None]
    left: dict[str, date | None]
    population: dict[str, int | None]
    drivers: dict[str, dict[str, Decimal]]
    blends: dict[str, _Blend]
    party_months: dict[str, int]  # months taken part, by the party's own joining and leaving
    # memo tables, filled as they are used
    _months: dict[tuple[date | None, date | None], int] = field(default_factory=dict)
    _ratios: dict[Decimal, tuple[int, int]] = field(default_factory=dict)
    _driver_ints: dict[str, tuple[dict[str, int], int]] = field(default_factory=dict)

    @classmethod
    def build(cls, book: Book, year: str, facts: YearFacts | None = None) -> _YearIndex:
        """The index of ``book``'s ``year``; ``facts``: the year's
        (:func:`~finance.core.contributions.year_facts`), when worked out already."""
        if facts is None:
            facts = year_facts(book, year, with_contributions=False)
        parts: dict[str, list[ServiceParty]] = defaultdict(list)
        for x in book.service_parties:
            if x.year == year:
                parts[x.service].append(x)
        for v in parts.values():
            v.sort(key=_party)
        drivers: dict[str, dict[str, Decimal]] = defaultdict(dict)
        for d in book.drivers:
            if d.year == year:
                drivers[d.driver][d.party] = d.value
        blends: dict[str, list[tuple[str, Decimal]]] = defaultdict(list)
        for b in book.service_blend:
            if b.year == year:
                blends[b.service].append((b.component, b.weight))
        joined = {p.code: p.joined for p in book.parties}
        left = {p.code: p.left for p in book.parties}
        months = dict(facts.months)
        return cls(
            book, year, dict(parts), tuple(p.code for p in facts.paying), joined, left,
            {code: (pop.population if pop else None) for code, pop in facts.populations.items()},
            dict(drivers), {k: tuple(sorted(v)) for k, v in blends.items()}, months,
            {(p.joined, p.left): months[p.code] for p in book.parties},
        )

    def participants(self, svc: Service) -> list[ServiceParty]:
        rows = self.parts.get(svc.service)
        if rows:
            return rows
        return [ServiceParty(svc.service, svc.year, p, joined=self.joined[p])
                for p in self.default_parts]

    def months(self, sp: ServiceParty) -> int:
        """Months taken part (§11.4): from the later of the row's and the party's joining
        to the month the party leaves, inclusive."""
        joined = sp.joined
        party_joined = self.joined.get(sp.party)
        if party_joined is not None and (joined is None or party_joined > joined):
            joined = party_joined
        return _months_memo(joined, self.left.get(sp.party), self.year, self._months)

    def left_before(self, party: str) -> date | None:
        """The party's leaving date when it left on or before 1 April of the year (so it
        takes no part in the year's services); ``None`` otherwise."""
        left = self.left.get(party)
        return left if left is not None and months_before_leaving(left, self.year) == 0 \
            else None

    def months_of(self, rows: list[ServiceParty], parties: list[str]) -> list[int]:
        """:meth:`months` of every row (``parties`` are the rows' parties)."""
        months = list(map(self.party_months.get, parties, repeat(12)))
        joined = list(map(_joined, rows))
        if joined.count(None) != len(joined):  # rows with their own joining date
            for i in compress(count(), map(is_not, joined, repeat(None))):
                months[i] = self.months(rows[i])
        return months

    def ratio(self, d: Decimal | None) -> tuple[int, int] | None:
        """``d`` as ``(numerator, denominator)`` in lowest terms (blank is 0); ``None`` for a
        value that is not a number (see :func:`_exact`)."""
        if d is None:
            return 0, 1
        r = self._ratios.get(d)
        if r is None:
            if not d.is_finite():
                return None
            r = self._ratios[d] = d.as_integer_ratio()
        return r

    def driver_ints(self, name: str) -> tuple[dict[str, int], int]:
        """Driver ``name``'s values for the year as integers over one common denominator
        (values that are not numbers left out)."""
        got = self._driver_ints.get(name)
        if got is None:
            ratios = {p: r for p, v in self.drivers.get(name, {}).items()
                      if (r := self.ratio(v)) is not None}
            den = lcm(*{d for _, d in ratios.values()})
            got = self._driver_ints[name] = ({p: n * (den // d) for p, (n, d) in
                                              ratios.items()}, den)
        return got


def _exact(ix: _YearIndex, d: Decimal | None) -> tuple[int, int]:
    """:meth:`_YearIndex.ratio`, raising for a value that is not a number (NaN, infinity)
    the error ``Fraction(d)`` raises."""
    r = ix.ratio(d)
    if r is None:
        assert d is not None
        return d.as_integer_ratio()  # ValueError or OverflowError, as from Fraction(d)
    return r


def _months_memo(joined: date | None, left: date | None, year: str,
                 memo: dict[tuple[date | None, date | None], int]) -> int:
    m = memo.get((joined, left))
    if m is None:
        m = memo[joined, left] = months_taking_part(joined, left, year)
    return m


# -- one service at a time: every case, problems in order ------------------------------------

# A pool's raw weights: integer numerators (one per participant) over one denominator.
_Ints = tuple[list[int], int]
_Ratios = list[tuple[int, int]]


def _component_weights(ix: _YearIndex, basis: str, parts: list[ServiceParty],
                       rows: list[ServiceParty], months: list[int], problems: list[Problem],
                       svc: Service) -> _Ints:
    """Raw weights of ``rows`` (one per party) on one basis, exactly, as ``(nums, den)``.

    A missing population or driver value counts as 0 and is reported for every row of
    ``parts`` that lacks one, in order.
    """
    year = ix.year
    if basis == "equal":
        return list(months), 1
    if basis == "fixed":
        if rows is not parts:  # a party listed twice: every row's share is still read
            for x in parts:
                _exact(ix, x.fixed_share)
        ratios = [_exact(ix, x.fixed_share) for x in rows]
        den = lcm(*(d for _, d in ratios))
        return [n * (den // d) for n, d in ratios], den
    if basis == "population":
        pops = [ix.population.get(x.party) for x in rows]
        if None in pops:
            for x in parts:
                if ix.population.get(x.party) is None:
                    problems.append(Problem("populations", None, "party",
                                            f"service '{svc.service}' {year}: no population "
                                            f"estimate for {x.party} in or before {year}"))
        return [0 if p is None else p * m for p, m in zip(pops, months, strict=True)], 1
    if basis.startswith("driver:"):
        name = basis[7:]
        given = ix.drivers.get(name, {})
        values, den = ix.driver_ints(name)
        got = [values.get(x.party) for x in rows]
        if None in got:
            for x in parts:
                if x.party not in given:
                    problems.append(Problem("drivers", None, "value",
                                            f"service '{svc.service}' {year}: no value of "
                                            f"driver '{name}' for {x.party}"))
            for x in parts:
                if x.party in given:
                    _exact(ix, given[x.party])  # refuses a value that is not a number
        return [0 if v is None else v * m for v, m in zip(got, months, strict=True)], den
    raise ValueError(f"unknown basis {basis}")


# Each basis's raw weights of a pool: (basis, component weight or None, nums, den).
_Layer = tuple[str, Decimal | None, list[int], int]


def _weights(ix: _YearIndex, svc: Service, parts: list[ServiceParty],
             problems: list[Problem]
             ) -> tuple[list[ServiceParty], list[int], _Ints, _Blend, list[_Layer]]:
    """Participants (one row per party, in code order), their months and raw weights, the
    blend's components, and the raw weights on each basis (the service's, or each
    component's).

    A party listed twice counts once, with its last row (its problems are reported per row).
    A blend's raw weight is ``sum(cw x w_c / sum(w_c))`` over its components,
    computed exactly over the common denominator of every ``cw`` and ``sum(w_c)``.
    """
    last = {x.party: x for x in parts}
    rows = parts if len(last) == len(parts) else list(last.values())
    months = [ix.months(x) for x in rows]
    if svc.basis != "blend":
        nums, den = _component_weights(ix, svc.basis, parts, rows, months, problems, svc)
        return rows, months, (nums, den), (), [(svc.basis, None, nums, den)]
    comps = ix.blends.get(svc.service, ())
    terms: list[tuple[list[int], int, int]] = []  # (weights, cw numerator, cw den x sum)
    layers: list[_Layer] = []
    for comp, cw in comps:
        w, wden = _component_weights(ix, comp, parts, rows, months, problems, svc)
        layers.append((comp, cw, w, wden))
        s = sum(w)
        if s == 0:
            if cw:
                problems.append(Problem("service_blend", None, "component",
                                        f"service '{svc.service}' {svc.year}: component "
                                        f"'{comp}' has zero weight for every participant"))
            continue
        n, d = _exact(ix, cw)
        terms.append((w, n, d * s))
    den = lcm(*(q for _, _, q in terms))
    total = [0] * len(rows)
    for w, n, q in terms:
        f = n * (den // q)
        total = [t + f * v for t, v in zip(total, w, strict=True)]
    return rows, months, (total, den), comps, layers


@dataclass(frozen=True, slots=True)
class _Pool:
    """A service ready to split: its participants and integer weights, in code order."""

    rows: list[ServiceParty]
    months: list[int]
    nums: list[int]
    den: int
    comps: _Blend
    bases: tuple[BasisWeights, ...]


def _pool(ix: _YearIndex, svc: Service, problems: list[Problem]) -> _Pool | None:
    """The service's weights, or ``None`` after reporting why it cannot be split."""
    parts = ix.participants(svc)
    before = len(problems)
    if svc.basis == "fixed":
        for x in parts:
            if (left := ix.left_before(x.party)) is not None:
                problems.append(Problem(
                    "service_parties", x.row or None, "party",
                    f"'{x.party}' left on {left.isoformat()}, before {svc.year}, so it takes "
                    f"no part in '{svc.service}': give the parties that remain new fixed "
                    "shares totalling 100%"))
    rows, months, (nums, den), comps, layers = _weights(ix, svc, parts, problems)
    if len(problems) > before:
        return None
    if sum(nums) == 0 and svc.net_cost != 0:
        problems.append(Problem("services", svc.row, "basis",
                                f"service '{svc.service}' {svc.year}: every participant has "
                                "zero weight, so its cost cannot be split"))
        return None
    if min(nums, default=0) < 0:  # refused, with apportion_detail's message
        apportion_detail(svc.net_cost, {x.party: Fraction(n, den)
                                        for x, n in zip(rows, nums, strict=True)})
    parties = tuple(x.party for x in rows)
    return _Pool(rows, months, nums, den, comps,
                 tuple(_basis_weights(b, cw, parties, w, d) for b, cw, w, d in layers))


def _pool_lines(svc: Service, pool: _Pool) -> tuple[ServiceLine, ...]:
    parties = [x.party for x in pool.rows]
    shares = apportion_columns([svc.net_cost], [len(parties)], parties, pool.nums)
    raw_num, raw_den = _lowest_terms(pool.nums, pool.den)
    return tuple(_service_lines(parties, shares, pool.months, raw_num, raw_den,
                                map(_standalone, pool.rows)))


def _lowest_terms(nums: list[int], dens: list[int] | int) -> tuple[list[int], list[int]]:
    """Each ``nums[i] / dens[i]`` (or over the one denominator ``dens``) in lowest terms,
    as numerators and denominators."""
    if isinstance(dens, int):
        if dens == 1:
            return nums, [1] * len(nums)
        dens = [dens] * len(nums)
    g = list(map(gcd, nums, dens))
    return list(map(floordiv, nums, g)), list(map(floordiv, dens, g))


# -- many services at once: column by column ------------------------------------------------
#
# The weight rules here restate those of _component_weights and _weights above for whole
# columns; tests/test_services_paths.py holds the two paths equal line for line (random
# books: every basis, joiners and leavers, zero and tied weights), and
# tests/test_services_fast.py both to the plain Fraction rules (with gaps and errors too).


def _missing(values: list[Any]) -> list[int]:
    """Indices of the ``None`` values."""
    return [i for i, v in enumerate(values) if v is None] if None in values else []


def _sums(values: list[int], bounds: list[int]) -> list[int]:
    """Sum of each pool's ``values`` (pools laid end to end, split at ``bounds``)."""
    k = max(map(sub, bounds[1:], bounds))
    if max(values) < _SAFE // k and min(values) > -_SAFE // k:
        sums: list[int] = np.add.reduceat(np.asarray(values, dtype=np.int64),
                                          bounds[:-1]).tolist()
        return sums
    return [sum(values[a:b]) for a, b in pairwise(bounds)]


def _bulk_basis(ix: _YearIndex, basis: str, rows: list[ServiceParty], parties: list[str],
                months: list[int]) -> tuple[list[int], int, list[int]] | None:
    """:func:`_component_weights` for many rows at once: ``(nums, den, rows lacking a
    value)``, the denominator shared by all rows; ``None`` for an unknown basis."""
    if basis == "equal":
        return months, 1, []
    if basis == "population":
        pops = list(map(ix.population.get, parties))
        bad = _missing(pops)
        return list(map(mul, [0 if p is None else p for p in pops] if bad else pops,
                        months)), 1, bad
    if basis.startswith("driver:"):
        values, den = ix.driver_ints(basis[7:])
        vals = list(map(values.get, parties))
        bad = _missing(vals)
        return list(map(mul, [0 if v is None else v for v in vals] if bad else vals,
                        months)), den, bad
    if basis == "fixed":
        got = list(map(ix.ratio, map(_fixed_share, rows)))
        bad = _missing(got)
        ratios = [(0, 1) if r is None else r for r in got] if bad else cast(_Ratios, got)
        den = lcm(*{d for _, d in ratios})
        return [n * (den // d) for n, d in ratios], den, bad
    return None


def _bulk_blend(ix: _YearIndex, comps: _Blend, rows: list[ServiceParty], parties: list[str],
                months: list[int], bounds: list[int]
                ) -> tuple[list[int], list[int], set[int], list[_Layer]] | None:
    """Blend weights of many services with the same components: ``(nums, dens, pools that
    need care, each component's raw weights)``, one denominator per row; ``None`` if a
    component basis is unknown.

    Per pool, with component sums ``s_c``: ``den = lcm(cw_den_c x s_c)`` and
    ``num = sum(cw_num_c x (den / (cw_den_c x s_c)) x w_c)`` (see :func:`_weights`).
    """
    sizes = list(map(sub, bounds[1:], bounds))
    bad_rows: list[int] = []
    bad: set[int] = set()
    layers = []
    raw: list[_Layer] = []
    for comp, cw in comps:
        got = _bulk_basis(ix, comp, rows, parties, months)
        if got is None:
            return None
        w, wden, missing = got
        raw.append((comp, cw, w, wden))
        bad_rows += missing
        sums = _sums(w, bounds)
        if cw and 0 in sums:
            bad.update(p for p, s in enumerate(sums) if s == 0)
        r = ix.ratio(cw)
        if r is None:  # not a number: every service of the group is left to _pool
            return None
        n, d = r
        layers.append((w, n, [d * s or 1 for s in sums]))  # s = 0 here only with cw = 0
    dens = list(map(lcm, *(q for _, _, q in layers))) if layers else [1] * len(sizes)
    nums = [0] * len(rows)
    for w, n, q in layers:
        factors = [n * (den // qd) for den, qd in zip(dens, q, strict=True)]  # one per pool
        nums = [t + f * v for t, f, v in zip(nums, _per_row(factors, sizes), w, strict=True)]
    if bad_rows:
        bad |= _pools_of(bounds, bad_rows)
    return nums, _per_row(dens, sizes), bad, raw


def _per_row(values: list[int], sizes: list[int]) -> list[int]:
    """Each pool's value repeated for each of its rows (pools laid end to end)."""
    return list(chain.from_iterable(map(repeat, values, sizes)))


def _pools_of(bounds: list[int], entries: Iterable[int]) -> set[int]:
    """The pools (laid end to end, split at ``bounds``) that hold these entries."""
    return set((np.searchsorted(bounds, list(entries), side="right") - 1).tolist())


def _needing_care(parties: list[str], nums: list[int], bounds: list[int]) -> set[int]:
    """Pools that list a party twice, or have a negative weight or no weight at all."""
    bad: set[int] = set()
    if len(parties) > 1:
        up = ordered_within_pools(parties, bounds)
        if not up.all():
            bad |= _pools_of(bounds, np.flatnonzero(~up).tolist())
    low = min(nums)
    if low < 0:
        bad |= _pools_of(bounds, (i for i, v in enumerate(nums) if v < 0))
    if low <= 0:  # some pool may have no weight at all
        sums = _sums(nums, bounds)
        bad.update(p for p, s in enumerate(sums) if s == 0)
    return bad


def _kept(values: list[_T], bounds: list[int], keep: list[int]) -> list[_T]:
    """The entries of the pools in ``keep`` (pools laid end to end, split at ``bounds``)."""
    return list(chain.from_iterable(values[bounds[p]:bounds[p + 1]] for p in keep))


def _bulk(ix: _YearIndex, svcs: list[Service]
          ) -> dict[int, tuple[tuple[ServiceLine, ...], tuple[BasisWeights, ...]]]:
    """Lines and basis weights of the services split in bulk, by index in ``svcs``.

    A service is done here when it lists its participants, each party once, and every
    figure it needs is present, of a known basis, and gives weights that are not negative
    and not all zero.  Services of one basis (or one set of blend components) are worked
    out together, column by column, then all are split in one
    :func:`apportion_columns`.  Any other service is left out, for :func:`_pool`,
    which reports its problems (or raises its error) in service order.
    """
    groups: dict[tuple[str, _Blend], tuple[list[int], list[list[ServiceParty]]]] = {}
    for i, (code, basis) in enumerate(map(_code_basis, svcs)):
        parts = ix.parts.get(code)
        if parts and not (basis == "fixed" and any(ix.left_before(x.party) for x in parts)):
            key = basis, ix.blends.get(code, ()) if basis == "blend" else ()
            group = groups.get(key)
            if group is None:
                group = groups[key] = [], []
            group[0].append(i)
            group[1].append(parts)
    ids: list[int] = []
    sizes: list[int] = []
    bases: list[tuple[BasisWeights, ...]] = []  # one per service of ids
    rows_all: list[ServiceParty] = []
    parties_all: list[str] = []
    cols: tuple[list[int], list[int], list[int], list[int]]
    cols = ([], [], [], [])  # months, weights, raw numerator, raw denominator
    for (basis, comps), (members, per) in groups.items():
        bounds = list(accumulate(map(len, per), initial=0))
        rows = list(chain.from_iterable(per))
        parties = list(map(_party, rows))
        months = ix.months_of(rows, parties)
        if basis == "blend":
            got = _bulk_blend(ix, comps, rows, parties, months, bounds) if comps else None
            if got is None:
                continue
            nums, dens, bad, layers = got
            raw_n, raw_d = _lowest_terms(nums, dens)
        else:
            one = _bulk_basis(ix, basis, rows, parties, months)
            if one is None:
                continue
            nums, den, missing = one
            bad = _pools_of(bounds, missing) if missing else set()
            raw_n, raw_d = _lowest_terms(nums, den)
            layers = [(basis, None, nums, den)]
        bad |= _needing_care(parties, nums, bounds)
        keep = [p for p in range(len(members)) if p not in bad]
        bases += _bulk_basis_weights(layers, parties, bounds, keep)
        if bad:  # those services are left to _pool
            members, per = [members[p] for p in keep], [per[p] for p in keep]
            rows, parties = _kept(rows, bounds, keep), _kept(parties, bounds, keep)
            months, nums, raw_n, raw_d = (_kept(v, bounds, keep)
                                          for v in (months, nums, raw_n, raw_d))
        ids += members
        sizes += map(len, per)
        rows_all += rows
        parties_all += parties
        for col, values in zip(cols, (months, nums, raw_n, raw_d), strict=True):
            col += values
    months, nums, raw_num, raw_den = cols
    shares = apportion_columns([svcs[i].net_cost for i in ids], sizes, parties_all, nums,
                               codes_checked=True)  # by _needing_care
    lines = _service_lines(parties_all, shares, months, raw_num, raw_den,
                           map(_standalone, rows_all))
    bounds = list(accumulate(sizes, initial=0))
    return dict(zip(ids, zip(map(tuple, map(lines.__getitem__, map(slice, bounds, bounds[1:]))),
                             bases, strict=True), strict=True))


def _bulk_basis_weights(layers: list[_Layer], parties: list[str], bounds: list[int],
                        keep: list[int]) -> list[tuple[BasisWeights, ...]]:
    """:func:`_basis_weights` of each pool in ``keep`` (pools laid end to end, split at
    ``bounds``), for each layer: the pool's slice of the layer's weights over its
    denominator, brought to their least common denominator."""
    cuts = [slice(bounds[p], bounds[p + 1]) for p in keep]
    codes = list(map(tuple, map(parties.__getitem__, cuts)))
    per_layer = []
    for name, cw, w, den in layers:
        nums = list(map(tuple, map(w.__getitem__, cuts)))
        if den == 1:  # whole numbers: in their least terms already
            per_layer.append(list(map(_new_basis_weights, zip(
                repeat(name), repeat(cw), codes, nums, repeat(1), strict=False))))
        else:
            per_layer.append([_basis_weights(name, cw, c, n, den)
                              for c, n in zip(codes, nums, strict=True)])
    return list(zip(*per_layer, strict=True)) if per_layer else [()] * len(keep)


def split_services(book: Book, year: str, facts: YearFacts | None = None
                   ) -> tuple[tuple[ServiceSplit, ...], list[Problem]]:
    """Every service's split for ``year`` (sorted by code) and the problems that stop any.

    Services are worked out in bulk where they can be (:func:`_bulk`), the rest one at a
    time (:func:`_pool`), in service order, so problems come in service order.
    ``facts``: the year's (:func:`~finance.core.contributions.year_facts`), when worked
    out already.
    """
    ix = _YearIndex.build(book, year, facts)
    svcs = sorted((s for s in book.services if s.year == year), key=lambda s: s.service)
    done = _bulk(ix, svcs)
    problems: list[Problem] = []
    out = []
    for i, svc in enumerate(svcs):
        got = done.get(i)
        if got is not None:
            lines, bases = got
            comps = ix.blends.get(svc.service, ()) if svc.basis == "blend" else ()
        else:
            pool = _pool(ix, svc, problems)
            if pool is None:
                continue
            lines, comps, bases = _pool_lines(svc, pool), pool.comps, pool.bases
        out.append(ServiceSplit(svc.service, svc.name, svc.year, svc.host, svc.basis,
                                svc.gross_cost, svc.income, comps, lines, None, bases))
    return tuple(out), problems


def check_services(book: Book, year: str, facts: YearFacts | None = None) -> list[Problem]:
    return split_services(book, year, facts)[1]


def service_splits(book: Book, year: str, facts: YearFacts | None = None
                   ) -> tuple[ServiceSplit, ...]:
    """Every service's split for ``year``; raises on problems (see :func:`split_services`)."""
    splits, problems = split_services(book, year, facts)
    if problems:
        raise BookError(problems)
    return splits


def participant_weights(book: Book, service: str | None, year: str,
                        facts: YearFacts | None = None) -> dict[str, Fraction]:
    """Weights a project's costs are shared on (the settlement rule of §18.1(b)).

    The project's service participants on that service's basis for ``year``; else every
    paying voting party in equal shares.  ``facts``: ``year``'s
    (:func:`~finance.core.contributions.year_facts`), when worked out already.
    """
    if facts is None or facts.year != year:
        facts = year_facts(book, year, with_contributions=False)
    return _participant_weights(book, service, facts, {})


def project_weights(book: Book, year: str, facts: YearFacts | None = None
                    ) -> dict[str, dict[str, Fraction]]:
    """Each project's sharing, by project code: :func:`participant_weights` of its service
    in its start year (``year`` when it gives none), exact ``Fraction`` s.  ``facts``:
    ``year``'s, when worked out already; any other start year's are worked out once."""
    facts_of: dict[str, YearFacts] = {} if facts is None else {facts.year: facts}
    index: dict[str, _YearIndex] = {}
    out = {}
    for pr in book.projects:
        y = pr.start_year or year
        f = facts_of.get(y)
        if f is None:
            f = facts_of[y] = year_facts(book, y, with_contributions=False)
        out[pr.project] = _participant_weights(book, pr.service, f, index)
    return out


def _participant_weights(book: Book, service: str | None, facts: YearFacts,
                         index: dict[str, _YearIndex]) -> dict[str, Fraction]:
    """:func:`participant_weights`; ``index`` keeps each year's :class:`_YearIndex` once
    built."""
    year = facts.year
    svc = None if service is None else next(
        (s for s in book.services if s.service == service and s.year == year), None)
    if svc is not None:
        ix = index.get(year)
        if ix is None:
            ix = index[year] = _YearIndex.build(book, year, facts)
        problems: list[Problem] = []
        rows, _, (nums, den), _, _ = _weights(ix, svc, ix.participants(svc), problems)
        if not problems and sum(nums) > 0:
            return {x.party: Fraction(n, den) for x, n in zip(rows, nums, strict=True)}
    return {p.code: Fraction(1) for p in facts.paying}
