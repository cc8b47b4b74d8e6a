"""A service's split has two engine paths, proven to give the same lines.

``finance.core.services`` splits most services in bulk (``_bulk``: every service of one
basis worked out column by column, all split in one vectorised call) and any service that
needs care one at a time (``_pool``: the plain statement of the weights, one service, one
split).  ``_needing_care`` chooses.  Here random books (every basis: equal, fixed shares,
population, drivers, blends; parties joining and leaving during the year; zero weights;
tied weights and tied remainders; negative and tiny net costs) are split both ways:

* as the code runs (bulk wherever it can), and
* with the bulk path switched off, so every service goes through ``_pool``;

and the two must give the same splits, line for line and field for field (shares, floors,
ranks, extra pennies, weights, months, stand-alone costs, and each basis's exact weights),
the same problems in the same order, or the same error.

``tests/test_services_fast.py`` holds both to the Fraction-by-Fraction rules as they were
first written; this file holds the fast path to the plain one directly, and checks each
split's :class:`~finance.core.services.BasisWeights` against the rules by hand.
"""

from __future__ import annotations

import copy
import pickle
from dataclasses import replace
from datetime import date
from decimal import Decimal
from fractions import Fraction
from math import gcd
from typing import Any
from unittest import mock

from hypothesis import event, given, settings
from hypothesis import strategies as st

from finance.core import services
from finance.core.contributions import year_facts
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
from finance.core.services import BasisWeights, ServiceSplit, split_services

Y = "2025-26"
CODES = ["A", "B", "C", "D", "E", "F", "G"]
JOINS = [None, None, None, date(2019, 4, 1), date(2025, 4, 1), date(2025, 9, 1),
         date(2026, 3, 31)]
LEAVES = [None, None, None, None, date(2025, 4, 1), date(2025, 9, 30), date(2026, 1, 15),
          date(2026, 3, 31), date(2026, 4, 1)]
# few distinct values, so that weights and remainders tie often
POPS = st.sampled_from([0, 1, 100, 100, 3, 142_800, 142_800]) | st.integers(0, 400_000)
SHARES = st.sampled_from([Decimal(0), Decimal("0.25"), Decimal("0.25"), Decimal("0.5"),
                          Decimal("0.3333"), Decimal("0.125"), Decimal(1)])
VALUES = st.sampled_from([Decimal(0), Decimal(1), Decimal(1), Decimal("2.5"),
                          Decimal("0.001")]) | st.decimals(0, 5000, places=2)
COSTS = st.sampled_from([0, 1, 2, 3, 7, 100, 100_000, 10**12]) | st.integers(0, 10**9)
BASES = ["equal", "fixed", "population", "driver:fte", "blend", "blend"]
COMPONENTS = ["equal", "fixed", "population", "driver:fte", "driver:pcs"]


@st.composite
def books(draw: st.DrawFn) -> Book:
    """A book of 1-8 services for ``Y`` on every basis, some of whose participants join or
    leave during the year."""
    codes = CODES[:draw(st.integers(2, len(CODES)))]
    parties = tuple(Party(c, c, draw(st.integers(0, 7)) > 0, draw(st.sampled_from(JOINS)),
                          left=draw(st.sampled_from(LEAVES))) for c in codes)
    pops = tuple(Population(c, Y, draw(POPS)) for c in codes)
    drivers = tuple(Driver(Y, name, c, draw(VALUES)) for name in ("fte", "pcs") for c in codes)
    svcs, rows, blends = [], [], []
    for s in range(draw(st.integers(1, 8))):
        code = f"S{s}"
        basis = draw(st.sampled_from(BASES))
        gross, income = draw(COSTS), draw(st.sampled_from([0, 0, 0, 1]) | COSTS)
        svcs.append(Service(code, code, Y, codes[0], gross, income, basis, row=s + 2))
        members = [] if not draw(st.integers(0, 7)) else draw(
            st.lists(st.sampled_from(codes), min_size=1, max_size=len(codes), unique=True))
        for p in members:  # none listed: every paying party takes part
            rows.append(ServiceParty(code, Y, p, draw(SHARES),
                                     draw(st.none() | st.integers(0, 10**8)),
                                     draw(st.sampled_from(JOINS))))
        if basis == "blend":
            for comp in draw(st.lists(st.sampled_from(COMPONENTS), max_size=3, unique=True)):
                blends.append(BlendComponent(code, Y, comp, draw(st.sampled_from(
                    [Decimal("0.5"), Decimal("0.3"), Decimal("0.2"), Decimal(0)]))))
    return Book(Settings("T", codes[0]), parties, pops, (YearRow(Y, Decimal(30)),),
                services=tuple(svcs), service_parties=tuple(rows), service_blend=tuple(blends),
                drivers=drivers)


def outcome(book: Book) -> tuple[Any, ...]:
    try:
        splits, problems = split_services(book, Y)
    except (ValueError, ArithmeticError) as exc:  # ApportionError is a ValueError
        return ("error", type(exc), str(exc))
    return ("ok", splits, problems)


def one_at_a_time(book: Book) -> tuple[Any, ...]:
    """:func:`outcome` with the bulk path switched off: every service through ``_pool``."""
    with mock.patch.object(services, "_bulk", lambda ix, svcs: {}):
        return outcome(book)


def in_bulk(book: Book) -> int:
    """How many of the book's services the bulk path splits."""
    ix = services._YearIndex.build(book, Y)
    return len(services._bulk(ix, sorted(book.services, key=lambda s: s.service)))


def assert_same_lines(fast: ServiceSplit, plain: ServiceSplit) -> None:
    """The same split, line for line and field for field (a message naming the field)."""
    assert len(fast.lines) == len(plain.lines), fast.service
    for a, b in zip(fast.lines, plain.lines, strict=True):
        for name in a._fields:
            assert getattr(a, name) == getattr(b, name), (fast.service, a.party, name)
    assert fast.basis_weights == plain.basis_weights, fast.service
    assert fast == plain


@settings(max_examples=400, deadline=None)
@given(books())
def test_the_bulk_path_equals_the_plain_path_line_for_line(book: Book) -> None:
    fast, plain = outcome(book), one_at_a_time(book)
    event(f"services split in bulk: {in_bulk(book) if fast[0] == 'ok' else 'error'}")
    assert fast[0] == plain[0]
    if fast[0] == "error":
        assert fast == plain
        return
    assert [s.service for s in fast[1]] == [s.service for s in plain[1]]
    for a, b in zip(fast[1], plain[1], strict=True):
        assert_same_lines(a, b)
    assert fast[2] == plain[2]  # the same problems, in the same order


@settings(max_examples=60, deadline=None)
@given(st.lists(books(), min_size=2, max_size=5))
def test_many_services_of_one_basis_split_together_equal_one_at_a_time(group: list[Book]
                                                                        ) -> None:
    """Several books' services in one book (renamed apart), so that each basis's group in
    the bulk path holds many services, some of which it must leave to ``_pool``."""
    first = group[0]
    svcs, rows, blends = [], [], []
    for i, b in enumerate(group):
        svcs += [replace(s, service=f"{i}{s.service}") for s in b.services]
        rows += [x._replace(service=f"{i}{x.service}") for x in b.service_parties]
        blends += [BlendComponent(f"{i}{x.service}", Y, x.component, x.weight)
                   for x in b.service_blend]
    book = Book(first.settings, first.parties, first.populations, first.years,
                services=tuple(svcs), service_parties=tuple(rows),
                service_blend=tuple(blends), drivers=first.drivers)
    fast, plain = outcome(book), one_at_a_time(book)
    assert fast[0] == plain[0]
    if fast[0] == "ok":
        for a, b in zip(fast[1], plain[1], strict=True):
            assert_same_lines(a, b)
    assert fast == plain


# -- each basis's weights, as the rules state them ------------------------------------


def expected_weights(book: Book, sp: ServiceSplit, basis: str) -> dict[str, Fraction]:
    """A basis's raw weight of each of the split's participants, by the rules
    (docs/calculations.md, section 6): months; agreed share; population x months; driver
    value x months."""
    months = {x.party: x.months for x in sp.lines}
    if basis == "equal":
        return {p: Fraction(m) for p, m in months.items()}
    if basis == "fixed":
        rows = {x.party: x.fixed_share for x in book.service_parties if x.service == sp.service}
        return {p: Fraction(rows.get(p) or 0) for p in months}  # none listed: no share
    if basis == "population":
        pops = {x.party: x.population for x in book.populations}
        return {p: Fraction(pops[p] * m) for p, m in months.items()}
    name = basis.removeprefix("driver:")
    values = {d.party: d.value for d in book.drivers if d.driver == name}
    return {p: Fraction(values[p]) * m for p, m in months.items()}


@settings(max_examples=300, deadline=None)
@given(books())
def test_each_basis_weight_is_the_rules_exact_fraction(book: Book) -> None:
    got = outcome(book)
    for sp in got[1] if got[0] == "ok" else ():
        parties = tuple(x.party for x in sp.lines)
        if sp.basis != "blend":
            (bw,) = sp.basis_weights
            assert (bw.basis, bw.component_weight, bw.parties) == (sp.basis, None, parties)
            assert dict(bw.weights) == expected_weights(book, sp, sp.basis)
            assert dict(bw.weights) == {x.party: x.raw_weight for x in sp.lines}
        else:
            assert [(bw.basis, bw.component_weight) for bw in sp.basis_weights] == list(
                sp.components)
            mixed = dict.fromkeys(parties, Fraction(0))
            for bw in sp.basis_weights:
                assert bw.parties == parties
                assert dict(bw.weights) == expected_weights(book, sp, bw.basis)
                total = sum(bw.nums)
                assert sum(dict(bw.shares).values()) == (1 if total else 0)
                assert bw.component_weight is not None
                for p, share in bw.shares:
                    mixed[p] += Fraction(bw.component_weight) * share
            # the blend's raw weight mixes the components' normalised shares (§18.1(a))
            assert mixed == {x.party: x.raw_weight for x in sp.lines}
        for bw in sp.basis_weights:  # the least common denominator: a canonical form
            assert bw.den >= 1 and gcd(bw.den, *bw.nums) == 1


def test_basis_weights_are_immutable_values_kept_through_the_tolerance_rule() -> None:
    book = Book(Settings("T", "A"), (Party("A", "A", True), Party("B", "B", True)),
                (Population("A", Y, 3), Population("B", Y, 1)), (YearRow(Y, Decimal(30)),),
                services=(Service("S", "S", Y, "A", 100, 0, "population",
                                  rebase_tolerance=Decimal("0.5")),),
                shares_in_force=())
    (sp,), _ = split_services(book, Y)
    assert sp.basis_weights == (BasisWeights("population", None, ("A", "B"), (36, 12), 1),)
    assert [(p, str(w)) for p, w in sp.basis_weights[0].shares] == [("A", "3/4"),
                                                                    ("B", "1/4")]
    assert pickle.loads(pickle.dumps(sp)) == sp and copy.deepcopy(sp) == sp
    assert sp.basis_weights[0] != tuple(sp.basis_weights[0])
    from finance.core.rebase import apply_rule
    kept = apply_rule(sp, Fraction(1, 2), {"A": Fraction(1, 2), "B": Fraction(1, 2)}, "book")
    assert kept.shares == {"A": 50, "B": 50} and kept.basis_weights == sp.basis_weights


def test_the_bulk_path_takes_every_plain_service_and_leaves_the_rest() -> None:
    """Services that need care (a party listed twice, no weight at all, a fixed share of a
    party gone before the year, no participants listed) go one at a time; the others in
    bulk; both ways the same splits."""
    parties = (Party("A", "A", True), Party("B", "B", True, left=date(2025, 4, 1)),
               Party("C", "C", True, joined=date(2025, 10, 1)))
    svcs = (Service("E", "E", Y, "A", 1000, 0, "equal"),
            Service("F", "F", Y, "A", 1000, 0, "fixed"),
            Service("G", "G", Y, "A", 1000, 0, "fixed"),
            Service("P", "P", Y, "A", 1000, 0, "population"),
            Service("Z", "Z", Y, "A", 0, 0, "population"),
            Service("D", "D", Y, "A", 999, 0, "equal"))
    rows = (ServiceParty("E", Y, "A"), ServiceParty("E", Y, "C"),
            ServiceParty("F", Y, "A", Decimal("0.5")), ServiceParty("F", Y, "C", Decimal("0.5")),
            ServiceParty("G", Y, "A", Decimal("0.5")), ServiceParty("G", Y, "B", Decimal("0.5")),
            ServiceParty("P", Y, "A"), ServiceParty("P", Y, "C"),
            ServiceParty("Z", Y, "B"))
    book = Book(Settings("T", "A"), parties,
                (Population("A", Y, 10), Population("B", Y, 0), Population("C", Y, 10)),
                (YearRow(Y, Decimal(30)),), services=svcs, service_parties=rows)
    ix = services._YearIndex.build(book, Y, year_facts(book, Y))
    done = services._bulk(ix, sorted(svcs, key=lambda s: s.service))
    order = sorted(s.service for s in svcs)
    assert sorted(order[i] for i in done) == ["E", "F", "P"]
    fast, plain = outcome(book), one_at_a_time(book)
    assert fast == plain
    by = {sp.service: sp for sp in fast[1]}
    # C joins on 1 October: 6 months; A: 12, so A bears two thirds of the equal split
    assert [(x.party, x.months, x.share) for x in by["E"].lines] == [("A", 12, 667),
                                                                    ("C", 6, 333)]
    assert [(x.party, x.share) for x in by["P"].lines] == [("A", 667), ("C", 333)]
    assert by["P"].basis_weights[0].nums == (120, 60)
    assert str(fast[2][0]).startswith("service_parties")  # G: B gone before the year
