"""Shared-service cost splits (SPEC §6; MKIP §18.1(a), §13.4, §13.5, §11.4).

§18.1(a): "all of the costs attributable to the provision of any Shared or Joint Service
shall be apportioned between those of the Parties that are engaged in the service and in
such proportions as they shall agree (and if not otherwise then in equal shares)."

A service's net cost (``gross_cost - income``, pence; negative when income exceeds cost) is
split between its participants, and only them, in one largest-remainder step (SPEC §2).
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
``saving = standalone_cost - share`` where a stand-alone cost is given.

Worked example: £1,000.00 equal between three parties gives 333.34 / 333.33 / 333.33, the
extra penny to the first code alphabetically (all remainders and weights tie).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from fractions import Fraction

from finance.core.apportion import Share, apportion_detail
from finance.core.contributions import latest_populations, paying_parties
from finance.core.model import Book, Service, ServiceParty
from finance.core.problems import BookError, Problem
from finance.core.years import months_remaining


@dataclass(frozen=True, slots=True)
class ServiceLine:
    party: str
    months: int
    raw_weight: Fraction
    detail: Share  # weight (normalised), quota, floor, remainder, rank, extra penny, share
    standalone_cost: int | None

    @property
    def share(self) -> int:
        return self.detail.share

    @property
    def weight(self) -> Fraction:
        return self.detail.weight

    @property
    def saving(self) -> int | None:
        return None if self.standalone_cost is None else self.standalone_cost - self.share


@dataclass(frozen=True, slots=True)
class ServiceSplit:
    service: str
    name: str
    year: str
    host: str
    basis: str
    gross_cost: int
    income: int
    components: tuple[tuple[str, Decimal], ...]  # blend components and weights
    lines: tuple[ServiceLine, ...]

    @property
    def net_cost(self) -> int:
        return self.gross_cost - self.income

    @property
    def shares(self) -> dict[str, int]:
        return {x.party: x.share for x in self.lines}


@dataclass(frozen=True)
class _YearIndex:
    """Lookups for one book and year, built once so each service is a few dict hits."""

    book: Book
    year: str
    parts: dict[str, list[ServiceParty]]
    default_parts: tuple[str, ...]
    joined: dict[str, date | None]
    population: dict[str, int | None]
    drivers: dict[str, dict[str, Decimal]]
    blends: dict[str, tuple[tuple[str, Decimal], ...]]

    @classmethod
    def build(cls, book: Book, year: str) -> _YearIndex:
        parts: dict[str, list[ServiceParty]] = defaultdict(list)
        for x in book.service_parties:
            if x.year == year:
                parts[x.service].append(x)
        for v in parts.values():
            v.sort(key=lambda x: x.party)
        drivers: dict[str, dict[str, Decimal]] = defaultdict(dict)
        for d in book.drivers:
            if d.year == year:
                drivers[d.driver][d.party] = d.value
        blends: dict[str, list[tuple[str, Decimal]]] = defaultdict(list)
        for b in book.service_blend:
            if b.year == year:
                blends[b.service].append((b.component, b.weight))
        latest = latest_populations(book, year)
        return cls(
            book, year, dict(parts), tuple(p.code for p in paying_parties(book, year)),
            {p.code: p.joined for p in book.parties},
            {code: (pop.population if pop else None) for code, pop in latest.items()},
            dict(drivers), {k: tuple(sorted(v)) for k, v in blends.items()},
        )

    def participants(self, svc: Service) -> list[ServiceParty]:
        rows = self.parts.get(svc.service)
        if rows:
            return rows
        return [ServiceParty(svc.service, svc.year, p, joined=self.joined[p])
                for p in self.default_parts]

    def months(self, sp: ServiceParty) -> int:
        joined = sp.joined
        party_joined = self.joined.get(sp.party)
        if party_joined is not None and (joined is None or party_joined > joined):
            joined = party_joined
        return months_remaining(joined, self.year)


def _component_weights(ix: _YearIndex, basis: str, parts: list[ServiceParty],
                       months: dict[str, int], problems: list[Problem],
                       svc: Service) -> dict[str, Fraction]:
    year = ix.year
    out: dict[str, Fraction] = {}
    if basis == "equal":
        return {x.party: Fraction(months[x.party]) for x in parts}
    if basis == "fixed":
        return {x.party: Fraction(x.fixed_share or 0) for x in parts}
    if basis == "population":
        for x in parts:
            pop = ix.population.get(x.party)
            if pop is None:
                problems.append(Problem("populations", None, "party",
                                        f"service '{svc.service}' {year}: no population "
                                        f"estimate for {x.party} in or before {year}"))
                out[x.party] = Fraction(0)
            else:
                out[x.party] = Fraction(pop * months[x.party])
        return out
    if basis.startswith("driver:"):
        name = basis[7:]
        values = ix.drivers.get(name, {})
        for x in parts:
            if x.party not in values:
                problems.append(Problem("drivers", None, "value",
                                        f"service '{svc.service}' {year}: no value of driver "
                                        f"'{name}' for {x.party}"))
            out[x.party] = Fraction(values.get(x.party, Decimal(0))) * months[x.party]
        return out
    raise ValueError(f"unknown basis {basis}")


def _weights(ix: _YearIndex, svc: Service, parts: list[ServiceParty],
             problems: list[Problem]) -> tuple[dict[str, Fraction], dict[str, int],
                                               tuple[tuple[str, Decimal], ...]]:
    months = {x.party: ix.months(x) for x in parts}
    if svc.basis != "blend":
        return _component_weights(ix, svc.basis, parts, months, problems, svc), months, ()
    comps = ix.blends.get(svc.service, ())
    total: dict[str, Fraction] = defaultdict(Fraction)
    for comp, cw in comps:
        w = _component_weights(ix, comp, parts, months, problems, svc)
        s = sum(w.values(), Fraction(0))
        if s == 0:
            if cw:
                problems.append(Problem("service_blend", None, "component",
                                        f"service '{svc.service}' {svc.year}: component "
                                        f"'{comp}' has zero weight for every participant"))
            continue
        for p, v in w.items():
            total[p] += Fraction(cw) * v / s
    return {x.party: total[x.party] for x in parts}, months, comps


def _split(ix: _YearIndex, svc: Service, problems: list[Problem]) -> ServiceSplit | None:
    parts = ix.participants(svc)
    before = len(problems)
    weights, months, comps = _weights(ix, svc, parts, problems)
    if len(problems) > before:
        return None
    if sum(weights.values(), Fraction(0)) == 0 and svc.net_cost != 0:
        problems.append(Problem("services", svc.row, "basis",
                                f"service '{svc.service}' {svc.year}: every participant has "
                                "zero weight, so its cost cannot be split"))
        return None
    standalone = {x.party: x.standalone_cost for x in parts}
    detail = apportion_detail(svc.net_cost, weights)
    lines = tuple(ServiceLine(d.party, months[d.party], weights[d.party], d,
                              standalone[d.party]) for d in detail)
    return ServiceSplit(svc.service, svc.name, svc.year, svc.host, svc.basis, svc.gross_cost,
                        svc.income, comps, lines)


def split_services(book: Book, year: str) -> tuple[tuple[ServiceSplit, ...], list[Problem]]:
    """Every service's split for ``year`` (sorted by code) and the problems that stop any."""
    ix = _YearIndex.build(book, year)
    problems: list[Problem] = []
    out = []
    for svc in sorted((s for s in book.services if s.year == year), key=lambda s: s.service):
        sp = _split(ix, svc, problems)
        if sp is not None:
            out.append(sp)
    return tuple(out), problems


def check_services(book: Book, year: str) -> list[Problem]:
    return split_services(book, year)[1]


def service_splits(book: Book, year: str) -> tuple[ServiceSplit, ...]:
    """Every service's split for ``year``; raises on problems (see :func:`split_services`)."""
    splits, problems = split_services(book, year)
    if problems:
        raise BookError(problems)
    return splits


def participant_weights(book: Book, service: str | None, year: str) -> dict[str, Fraction]:
    """Weights a project's costs are shared on (SPEC §6 settlement rule).

    The project's service participants on that service's basis for ``year``; else every
    paying voting party in equal shares.
    """
    if service is not None:
        svc = next((s for s in book.services if s.service == service and s.year == year), None)
        if svc is not None:
            problems: list[Problem] = []
            ix = _YearIndex.build(book, year)
            weights, _, _ = _weights(ix, svc, ix.participants(svc), problems)
            if not problems and sum(weights.values(), Fraction(0)) > 0:
                return weights
    return {p.code: Fraction(1) for p in paying_parties(book, year)}
