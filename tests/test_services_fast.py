"""Shared-service splits (§18.1) computed in bulk with integers equal the exact-Fraction rule.

``reference_split_services`` below is ``finance.core.services.split_services`` as it was
before it was made fast: every weight a ``Fraction``, one service at a time, each split by
the exact Fraction rule (``tests.test_apportion.reference_detail``).  The fast code
must give the same figures, every field of every line, and the same problems in the same
order (or the same error).
"""

from __future__ import annotations

import copy
import pickle
from collections import defaultdict
from datetime import date
from decimal import Decimal
from fractions import Fraction
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from benchmarks.generate import large_book
from finance.book import load_book
from finance.core import services
from finance.core.apportion import ApportionError, Share
from finance.core.contributions import latest_populations, paying_parties
from finance.core.model import (
    BlendComponent,
    Book,
    Driver,
    Party,
    Population,
    Service,
    ServiceParty,
    Settings,
    YearRow,
)
from finance.core.problems import Problem
from finance.core.services import ServiceLine, participant_weights, split_services
from finance.core.years import months_remaining
from tests.test_apportion import reference_detail

Y = "2025-26"

# -- the reference: the Fraction implementation, as it was -------------------------------


class _RefIndex:
    def __init__(self, book: Book, year: str) -> None:
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
        self.year = year
        self.parts = dict(parts)
        self.default_parts = tuple(p.code for p in paying_parties(book, year))
        self.joined = {p.code: p.joined for p in book.parties}
        self.population = {code: (pop.population if pop else None)
                           for code, pop in latest.items()}
        self.drivers = dict(drivers)
        self.blends = {k: tuple(sorted(v)) for k, v in blends.items()}

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


def _ref_component(ix: _RefIndex, basis: str, parts: list[ServiceParty],
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


def _ref_weights(ix: _RefIndex, svc: Service, parts: list[ServiceParty],
                 problems: list[Problem]) -> tuple[dict[str, Fraction], dict[str, int], Any]:
    months = {x.party: ix.months(x) for x in parts}
    if svc.basis != "blend":
        return _ref_component(ix, svc.basis, parts, months, problems, svc), months, ()
    comps = ix.blends.get(svc.service, ())
    total: dict[str, Fraction] = defaultdict(Fraction)
    for comp, cw in comps:
        w = _ref_component(ix, comp, parts, months, problems, svc)
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


def reference_split_services(book: Book, year: str) -> tuple[list[Any], list[Problem]]:
    """Old ``split_services``, each split as a plain tuple of its fields (see :func:`plain`)."""
    ix = _RefIndex(book, year)
    problems: list[Problem] = []
    out = []
    for svc in sorted((s for s in book.services if s.year == year), key=lambda s: s.service):
        parts = ix.participants(svc)
        before = len(problems)
        weights, months, comps = _ref_weights(ix, svc, parts, problems)
        if len(problems) > before:
            continue
        if sum(weights.values(), Fraction(0)) == 0 and svc.net_cost != 0:
            problems.append(Problem("services", svc.row, "basis",
                                    f"service '{svc.service}' {svc.year}: every participant "
                                    "has zero weight, so its cost cannot be split"))
            continue
        standalone = {x.party: x.standalone_cost for x in parts}
        detail = reference_detail(svc.net_cost, weights)
        lines = tuple((d[0], months[d[0]], weights[d[0]], d, standalone[d[0]]) for d in detail)
        out.append((svc.service, svc.name, svc.year, svc.host, svc.basis, svc.gross_cost,
                    svc.income, comps, lines))
    return out, problems


def reference_participant_weights(book: Book, service: str | None,
                                  year: str) -> dict[str, Fraction]:
    if service is not None:
        svc = next((s for s in book.services if s.service == service and s.year == year), None)
        if svc is not None:
            problems: list[Problem] = []
            ix = _RefIndex(book, year)
            weights, _, _ = _ref_weights(ix, svc, ix.participants(svc), problems)
            if not problems and sum(weights.values(), Fraction(0)) > 0:
                return weights
    return {p.code: Fraction(1) for p in paying_parties(book, year)}


# -- comparing ----------------------------------------------------------------------------


def plain_share(s: Share) -> tuple[Any, ...]:
    out = (s.party, s.weight, s.quota, s.floor, s.remainder, s.rank, s.extra_penny, s.share)
    assert [type(x) for x in out] == [str, Fraction, Fraction, int, Fraction, int, bool, int]
    return out


def plain_line(x: ServiceLine) -> tuple[Any, ...]:
    assert type(x.raw_weight) is Fraction and type(x.months) is int
    assert x.share == x.detail.share and x.weight == x.detail.weight
    return (x.party, x.months, x.raw_weight, plain_share(x.detail), x.standalone_cost)


def plain(sp: services.ServiceSplit) -> tuple[Any, ...]:
    return (sp.service, sp.name, sp.year, sp.host, sp.basis, sp.gross_cost, sp.income,
            sp.components, tuple(plain_line(x) for x in sp.lines))


def outcome(fn: Any, *args: Any) -> tuple[Any, ...]:
    try:
        return ("ok", *fn(*args))
    except (ValueError, ArithmeticError) as exc:  # ApportionError is a ValueError
        return ("error", type(exc), str(exc))


def fast(book: Book, year: str) -> tuple[list[Any], list[Problem]]:
    splits, problems = split_services(book, year)
    assert type(splits) is tuple and type(problems) is list
    return [plain(s) for s in splits], problems


def assert_same(book: Book, year: str = Y) -> Any:
    expect = outcome(reference_split_services, book, year)
    assert outcome(fast, book, year) == expect
    return expect


def assert_same_splits(book: Book) -> tuple[list[Any], list[Problem]]:
    kind, splits, problems = assert_same(book)
    assert kind == "ok"
    return splits, problems


# -- a generated book of every basis ------------------------------------------------------


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Book:
    folder = large_book(tmp_path_factory.mktemp("svc") / "b", 30, 200, 1000)
    book, problems = load_book(folder)
    assert book is not None, problems
    return book


def test_generated_book_equals_the_fraction_implementation(generated: Book):
    kind, splits, problems = assert_same(generated)
    assert kind == "ok" and len(splits) == 200 and problems == []
    assert {s[4] for s in splits} == {"equal", "fixed", "population", "driver:caseload", "blend"}
    assert any(line[1] < 12 for s in splits for line in s[8])  # part-year participants


def test_generated_book_one_service_at_a_time_is_the_same(generated: Book,
                                                          monkeypatch: pytest.MonkeyPatch):
    ix = services._YearIndex.build(generated, Y)
    assert len(services._bulk(ix, sorted(generated.services, key=lambda s: s.service))) == 200
    bulk = split_services(generated, Y)
    monkeypatch.setattr(services, "_bulk", lambda ix, svcs: {})
    assert split_services(generated, Y) == bulk


def test_generated_book_participant_weights(generated: Book):
    for svc in generated.services[:25]:
        assert participant_weights(generated, svc.service, Y) == \
            reference_participant_weights(generated, svc.service, Y)


def test_lines_are_immutable_values(generated: Book):
    splits, _ = split_services(generated, Y)
    again, _ = split_services(generated, Y)
    assert splits == again and hash(splits) == hash(again)
    line = splits[0].lines[0]
    assert line != tuple(line) and line != line.detail
    assert repr(line).startswith(f"ServiceLine(party={line.party!r}, months={line.months}, "
                                 f"raw_weight=Fraction(")
    assert "detail=Share(party=" in repr(line)
    with pytest.raises(AttributeError):
        line.months = 3  # type: ignore[misc]
    assert pickle.loads(pickle.dumps(splits)) == splits and copy.deepcopy(splits) == splits


# -- random books: every basis, and every way a service can go wrong ----------------------

CODES = ["A", "B", "C", "D", "E", "F"]
JOINS = [None, None, None, date(2020, 4, 1), date(2025, 4, 1), date(2025, 9, 1),
         date(2026, 3, 31), date(2026, 5, 1)]
BASES = ["equal", "fixed", "population", "driver:fte", "driver:pcs", "blend", "blend",
         "blend"]


def _decimal(lo: int, hi: int, places: int) -> st.SearchStrategy[Decimal]:
    return st.decimals(min_value=lo, max_value=hi, places=places, allow_nan=False,
                       allow_infinity=False)


@st.composite
def books(draw: st.DrawFn, rare: bool = False) -> Book:
    n = draw(st.integers(2, 6))
    codes = CODES[:n]
    parties = tuple(Party(c, c, draw(st.booleans()) or not rare, draw(st.sampled_from(JOINS)))
                    for c in codes)
    pops = tuple(Population(c, Y, draw(st.sampled_from([0, 1, 2, 50_000, 142_800])
                                       | st.integers(0, 500_000)))
                 for c in codes if not rare or draw(st.integers(0, 9)))
    odd = [Decimal("NaN"), Decimal("Infinity"), Decimal("-Infinity")] if rare else []
    values = _decimal(-5 if rare else 0, 5000, 0) | _decimal(0, 50, 3) | st.sampled_from(
        [Decimal(0), Decimal(1), Decimal("2.5"), *odd])
    drivers = tuple(Driver(Y, name, c, draw(values)) for name in ("fte", "pcs") for c in codes
                    if not rare or draw(st.integers(0, 9)))
    svcs, sps, blends = [], [], []
    bases = BASES + (["bogus"] if rare else [])
    for s in range(draw(st.integers(1, 5))):
        code = f"S{s}"
        basis = draw(st.sampled_from(bases))
        gross = draw(st.sampled_from([0, 1, 2, 100, 100_000]) | st.integers(0, 10**9))
        income = draw(st.sampled_from([0, 0, gross, gross + 1]) | st.integers(0, 10**9))
        svcs.append(Service(code, f"Service {s}", Y, "A", gross, income, basis, row=s + 2))
        if not draw(st.integers(0, 5)):
            members: list[str] = []  # every paying voting party
        else:
            members = draw(st.lists(st.sampled_from(codes + (["Z"] if rare else [])),
                                    min_size=1, max_size=6, unique=not rare))
        share = _decimal(-1 if rare else 0, 1, 2) | st.sampled_from(
            [None, Decimal(0), Decimal("0.3333"), Decimal("0.125"), *odd])
        for p in members:
            sps.append(ServiceParty(code, Y, p, draw(share),
                                    draw(st.none() | st.integers(0, 10**8)),
                                    draw(st.sampled_from(JOINS))))
        if basis == "blend":
            comps = draw(st.lists(st.sampled_from(
                ["equal", "population", "driver:fte", "driver:pcs", "fixed"]
                + (["bogus"] if rare else [])), max_size=3, unique=True))
            for comp in comps:
                blends.append(BlendComponent(code, Y, comp, draw(
                    st.sampled_from([Decimal("0.3"), Decimal("0.4"), Decimal(0), Decimal(1),
                                     *odd[:1]])
                    | _decimal(-1 if rare else 0, 1, 2))))
    return Book(Settings("T", "A"), parties, pops, (YearRow(Y, Decimal(30)),),
                services=tuple(svcs), service_parties=tuple(sps),
                service_blend=tuple(blends), drivers=drivers)


@settings(max_examples=300)
@given(books())
def test_random_books_equal_the_fraction_implementation(book: Book):
    assert_same(book)
    for svc in book.services:
        assert participant_weights(book, svc.service, Y) == \
            reference_participant_weights(book, svc.service, Y)


@settings(max_examples=300)
@given(books(rare=True))
def test_random_books_with_gaps_and_errors_equal_the_fraction_implementation(book: Book):
    """Missing values, repeated parties, negative figures, values that are not numbers
    (NaN, infinity: the same error) and unknown bases too."""
    assert_same(book)


@settings(max_examples=100)
@given(st.lists(books(), min_size=2, max_size=6))
def test_many_services_split_together_equal_the_fraction_implementation(group: list[Book]):
    # one book holding every service of several random books, renamed apart
    first = group[0]
    svcs, sps, blends = [], [], []
    for i, b in enumerate(group):
        svcs += [Service(f"{i}{s.service}", s.name, Y, s.host, s.gross_cost, s.income, s.basis,
                         s.row) for s in b.services]
        sps += [ServiceParty(f"{i}{x.service}", Y, x.party, x.fixed_share, x.standalone_cost,
                             x.joined) for x in b.service_parties]
        blends += [BlendComponent(f"{i}{x.service}", Y, x.component, x.weight)
                   for x in b.service_blend]
    assert_same(Book(first.settings, first.parties, first.populations, first.years,
                     services=tuple(svcs), service_parties=tuple(sps),
                     service_blend=tuple(blends), drivers=first.drivers))


# -- named cases ----------------------------------------------------------------------------


def _book(basis: str, net: int, members: list[ServiceParty], **kw: Any) -> Book:
    parties = tuple(Party(c, c, True) for c in ("MBC", "SBC", "TWBC"))
    pops = (Population("MBC", Y, 142800), Population("SBC", Y, 128500),
            Population("TWBC", Y, 104600))
    return Book(Settings("T", "MBC"), parties, pops, (YearRow(Y, Decimal(30)),),
                services=(Service("S", "S", Y, "MBC", net, 0, basis, row=2),),
                service_parties=tuple(members), **kw)


def _sp(p: str, **kw: Any) -> ServiceParty:
    return ServiceParty("S", Y, p, **kw)


def test_blend_weights_are_exact_fractions():
    drivers = (Driver(Y, "pcs", "MBC", Decimal("1.5")), Driver(Y, "pcs", "SBC", Decimal(2)))
    blend = (BlendComponent("S", Y, "equal", Decimal("0.4")),
             BlendComponent("S", Y, "driver:pcs", Decimal("0.6")),
             BlendComponent("S", Y, "population", Decimal(0)))
    b = _book("blend", 100001, [_sp("MBC"), _sp("SBC", joined=date(2025, 10, 1))],
              drivers=drivers, service_blend=blend)
    (sp,), _ = assert_same_splits(b)
    # MBC: .4 x 12/18 + .6 x 18/(18 + 12) = 4/15 + 9/25; SBC: .4 x 6/18 + .6 x 12/30
    assert [line[2] for line in sp[8]] == [Fraction(4, 15) + Fraction(9, 25),
                                           Fraction(2, 15) + Fraction(6, 25)]


def test_problems_come_in_service_order_with_bulk_services_between():
    parties = tuple(Party(c, c, True) for c in ("MBC", "SBC"))
    svcs = (Service("S1", "S", Y, "MBC", 100, 0, "population", row=2),
            Service("S2", "S", Y, "MBC", 100, 0, "equal", row=3),
            Service("S3", "S", Y, "MBC", 100, 0, "driver:fte", row=4),
            Service("S4", "S", Y, "MBC", 100, 0, "fixed", row=5))
    sps = tuple(ServiceParty(s.service, Y, p) for s in svcs for p in ("MBC", "SBC"))
    b = Book(Settings("T", "MBC"), parties, (Population("MBC", Y, 10),),
             (YearRow(Y, Decimal(30)),), services=svcs, service_parties=sps)
    splits, problems = assert_same_splits(b)
    assert [s[0] for s in splits] == ["S2"]
    assert [p.message for p in problems] == [
        "service 'S1' 2025-26: no population estimate for SBC in or before 2025-26",
        "service 'S3' 2025-26: no value of driver 'fte' for MBC",
        "service 'S3' 2025-26: no value of driver 'fte' for SBC",
        "service 'S4' 2025-26: every participant has zero weight, so its cost cannot be split"]


def test_a_party_listed_twice_counts_once_with_its_last_row():
    members = [_sp("MBC", fixed_share=Decimal("0.5")), _sp("SBC", fixed_share=Decimal("0.2")),
               _sp("MBC", fixed_share=Decimal("0.8"), standalone_cost=5)]
    (sp,), _ = assert_same_splits(_book("fixed", 1000, members))
    assert [(x[0], x[2], x[4]) for x in sp[8]] == [("MBC", Fraction(4, 5), 5),
                                                   ("SBC", Fraction(1, 5), None)]


def test_negative_weight_is_the_same_error():
    members = [_sp("MBC", fixed_share=Decimal("-0.5")), _sp("SBC", fixed_share=Decimal(1))]
    assert assert_same(_book("fixed", 1000, members)) == (
        "error", ApportionError, "weight for MBC is negative (-1/2)")


def test_zero_cost_with_no_weight_splits_into_zeros():
    (sp,), _ = assert_same_splits(_book("fixed", 0, [_sp("MBC"), _sp("SBC")]))
    assert [x[3] for x in sp[8]] == [("MBC", 0, 0, 0, 0, 1, False, 0),
                                      ("SBC", 0, 0, 0, 0, 2, False, 0)]


def test_large_costs_and_weights_beyond_int64_are_exact():
    drivers = (Driver(Y, "x", "MBC", Decimal("12345678901234567890.123")),
               Driver(Y, "x", "SBC", Decimal("0.001")), Driver(Y, "x", "TWBC", Decimal(7)))
    b = _book("driver:x", 10**15 + 7, [_sp("MBC"), _sp("SBC"), _sp("TWBC")], drivers=drivers)
    (sp,), _ = assert_same_splits(b)
    assert sum(x[3][7] for x in sp[8]) == 10**15 + 7
