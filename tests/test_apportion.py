"""Largest-remainder apportionment (SPEC §2): one test per edge case, then properties."""

from decimal import Decimal
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from finance.core.apportion import ApportionError, apportion, apportion_detail, apportion_many


def test_the_extra_penny_goes_to_the_largest_remainder():
    # quotas 3798.84, 3418.43, 2782.73: floors leave 2 pennies for .84 and .73
    assert apportion(10000, {"MBC": 4284000, "SBC": 3855000, "TWBC": 3138000}) == {
        "MBC": 3799, "SBC": 3418, "TWBC": 2783}


def test_the_missing_penny_is_never_lost():
    # naive rounding of 100/3 gives 33+33+33 = 99: one penny missing
    shares = apportion(100, {"A": 1, "B": 1, "C": 1})
    assert sum(shares.values()) == 100
    assert shares == {"A": 34, "B": 33, "C": 33}


def test_naive_rounding_would_create_a_penny():
    # naive rounding of 0.5 + 0.5 gives 1 + 1 = 2 from a total of 1
    assert apportion(1, {"A": 1, "B": 1}) == {"A": 1, "B": 0}


def test_zero_ratio_gets_exactly_zero():
    assert apportion(1001, {"A": 0, "B": 3, "C": 0}) == {"A": 0, "B": 1001, "C": 0}


def test_zero_ratio_gets_no_penny_even_in_a_tie():
    assert apportion(2, {"A": 0, "B": 1, "C": 1, "D": 1}) == {"A": 0, "B": 1, "C": 1, "D": 0}


def test_all_zero_ratios_with_zero_total():
    assert apportion(0, {"A": 0, "B": 0}) == {"A": 0, "B": 0}


def test_all_zero_ratios_with_a_total_cannot_be_split():
    with pytest.raises(ApportionError, match="every weight is zero"):
        apportion(5, {"A": 0, "B": 0})


def test_negative_weight_is_refused():
    with pytest.raises(ApportionError, match="negative"):
        apportion(5, {"A": -1, "B": 2})


def test_negative_total_is_split_as_its_absolute_value_then_negated():
    assert apportion(-100, {"A": 1, "B": 1, "C": 1}) == {"A": -34, "B": -33, "C": -33}
    pos = apportion(7919, {"X": 5, "Y": 3, "Z": 11})
    assert apportion(-7919, {"X": 5, "Y": 3, "Z": 11}) == {k: -v for k, v in pos.items()}


def test_tie_in_remainder_goes_to_the_larger_weight():
    # 5 x 1/4 = 1.25 and 5 x 2/4... use weights 1 and 3 with a total where remainders tie:
    # total 2, weights 1,1,2: quotas .5 .5 1 -> floors 0 0 1, one penny left, A and B tie
    # on remainder and weight -> code order: A
    assert apportion(2, {"B": 1, "A": 1, "C": 2}) == {"A": 1, "B": 0, "C": 1}
    # remainders tie (.5 each) but weights differ: 3 x 1/6 = .5, 3 x 3/6 = 1.5
    assert apportion(3, {"A": 1, "B": 3, "C": 2}) == {"A": 0, "B": 2, "C": 1}


def test_tie_in_remainder_and_weight_goes_to_the_first_party_code():
    assert apportion(1, {"TWBC": 1, "MBC": 1, "SBC": 1}) == {"MBC": 1, "SBC": 0, "TWBC": 0}


def test_remainders_are_compared_exactly_not_as_floats():
    # weights whose float quotas tie to the last bit but whose exact remainders differ
    w = {"A": Fraction(1, 3), "B": Fraction(1, 3) + Fraction(1, 10**30), "C": Fraction(1, 3)}
    # exact: B has the largest quota, so it takes the extra penny (A wins on a float tie)
    assert apportion(1, w) == {"A": 0, "B": 1, "C": 0}


def test_decimal_and_fraction_weights_are_exact():
    assert apportion(100, {"A": Decimal("0.35"), "B": Decimal("0.35"),
                           "C": Decimal("0.30")}) == {"A": 35, "B": 35, "C": 30}


def test_detail_shows_the_audit_trail():
    rows = apportion_detail(100, {"A": 1, "B": 1, "C": 1})
    assert [(r.party, r.floor, r.rank, r.extra_penny) for r in rows] == [
        ("A", 33, 1, True), ("B", 33, 2, False), ("C", 33, 3, False)]
    assert rows[0].quota == Fraction(100, 3)


def test_vectorised_overflow_is_refused_not_wrapped():
    with pytest.raises(OverflowError):
        apportion_many([2**62], [[2**10, 1]], ["A", "B"])


# -- properties -----------------------------------------------------------------------

codes = st.lists(st.text("ABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=1, max_size=4),
                 min_size=1, max_size=8, unique=True)


@st.composite
def pools(draw):  # type: ignore[no-untyped-def]
    cs = draw(codes)
    ws = draw(st.lists(st.integers(0, 10**6), min_size=len(cs), max_size=len(cs)))
    assume(sum(ws) > 0)
    total = draw(st.integers(-(10**9), 10**9))
    return total, dict(zip(cs, ws, strict=True))


@given(pools())
def test_shares_always_sum_to_the_total(pool):
    total, w = pool
    assert sum(apportion(total, w).values()) == total


@given(pools(), st.randoms())
def test_permuting_the_parties_permutes_the_answer(pool, rnd):
    total, w = pool
    items = list(w.items())
    rnd.shuffle(items)
    assert apportion(total, dict(items)) == apportion(total, w)


@given(pools())
def test_a_larger_weight_never_gets_less(pool):
    total, w = pool
    s = apportion(abs(total), w)
    for a in w:
        for b in w:
            if w[a] > w[b]:
                assert s[a] >= s[b]


@given(pools())
def test_every_share_is_within_one_penny_of_its_exact_quota(pool):
    total, w = pool
    wsum = sum(w.values())
    for p, share in apportion(total, w).items():
        assert abs(Fraction(share) - Fraction(total * w[p], wsum)) < 1


@settings(max_examples=200)
@given(st.integers(1, 6).flatmap(lambda k: st.tuples(
    st.lists(st.lists(st.integers(0, 10**6), min_size=k, max_size=k), min_size=1, max_size=30),
    st.lists(st.integers(-(10**9), 10**9), min_size=30, max_size=30),
    st.permutations(["MBC", "SBC", "TWBC", "KCC", "A", "ZZ"][:k]))))
def test_vectorised_equals_one_pool_at_a_time(case):
    weights, totals, cs = case
    totals = totals[: len(weights)]
    rows = [(t, w) for t, w in zip(totals, weights, strict=True) if sum(w) > 0 or t == 0]
    assume(rows)
    t = np.array([r[0] for r in rows], dtype=np.int64)
    w = np.array([r[1] for r in rows], dtype=np.int64)
    got = apportion_many(t, w, cs)
    for i, (total, ws) in enumerate(rows):
        expect = apportion(total, dict(zip(cs, ws, strict=True)))
        assert got[i].tolist() == [expect[c] for c in cs]


@settings(max_examples=30)
@given(st.lists(st.lists(st.integers(0, 50), min_size=20, max_size=20), min_size=1,
                max_size=10), st.integers(-(10**6), 10**6))
def test_vectorised_large_pools_use_the_sort_path_and_agree(weights, total):
    cs = [f"P{i:02d}" for i in range(20)][::-1]
    rows = [w for w in weights if sum(w) > 0]
    assume(rows)
    got = apportion_many([total] * len(rows), rows, cs)
    for i, ws in enumerate(rows):
        expect = apportion(total, dict(zip(cs, ws, strict=True)))
        assert got[i].tolist() == [expect[c] for c in cs]
