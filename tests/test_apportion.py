"""Largest-remainder apportionment: one test per edge case, then properties."""

from collections.abc import Mapping
from decimal import Decimal
from fractions import Fraction
from typing import Any
from unittest import mock

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from finance.core import apportion_fast
from finance.core.apportion import ApportionError, Share, apportion, apportion_detail
from finance.core.apportion_fast import apportion_detail_many, apportion_shares


def test_the_extra_penny_goes_to_the_largest_remainder():
    # quotas 3798.88, 3418.46, 2782.65: floors leave 2 pennies for .88 and .65
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


def test_refusals_say_why_in_full():
    with pytest.raises(ApportionError) as exc:
        apportion(5, {"B": 0, "A": 0})
    assert str(exc.value) == "cannot split 5 pence: every weight is zero (A, B)"
    with pytest.raises(TypeError) as err:
        apportion(1.5, {"A": 1})  # type: ignore[arg-type]
    assert str(err.value) == "total must be integer pence, not float"


def test_a_zero_weight_is_stored_the_same_way_whether_or_not_the_pool_has_weight():
    # B: weight 0, rank 2, no penny, share 0; stored as weight 0/1 and |total| 0 either way
    nothing = apportion_detail(0, {"A": 0, "B": 0})[1]
    beside = apportion_detail(7, {"A": 1, "B": 0})[1]
    assert nothing == beside
    assert tuple(beside) == ("B", 0, 2, False, 0, 0, 1, 0)


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


# -- the integer kernel against the exact-Fraction rule -----------------------------------
#
# ``reference_detail`` is the rule as it was first written, with ``Fraction`` for every
# figure; the integer kernels must give the same figures, field by field.

Ref = tuple[str, Fraction, Fraction, int, Fraction, int, bool, int]


def reference_detail(total: int, weights: Mapping[str, Any]) -> list[Ref]:
    fw = {p: w if isinstance(w, Fraction) else Fraction(w) for p, w in weights.items()}
    for p, w in fw.items():
        if w < 0:
            raise ApportionError(f"weight for {p} is negative ({w})")
    wsum = sum(fw.values(), Fraction(0))
    codes = sorted(fw)
    if wsum == 0:
        if total != 0:
            raise ApportionError(
                f"cannot split {total} pence: every weight is zero ({', '.join(codes)})")
        return [(p, Fraction(0), Fraction(0), 0, Fraction(0), i + 1, False, 0)
                for i, p in enumerate(codes)]
    sign = -1 if total < 0 else 1
    mag = abs(total)
    quota = {p: mag * fw[p] / wsum for p in codes}
    floor = {p: quota[p].numerator // quota[p].denominator for p in codes}
    rem = {p: quota[p] - floor[p] for p in codes}
    left = mag - sum(floor.values())
    order = sorted(codes, key=lambda p: (-rem[p], -fw[p], p))
    rank = {p: i + 1 for i, p in enumerate(order)}
    extra = {p: rank[p] <= left and fw[p] > 0 for p in codes}
    return [(p, fw[p] / wsum, quota[p], floor[p], rem[p], rank[p], extra[p],
             sign * (floor[p] + int(extra[p]))) for p in codes]


def fields(s: Share) -> Ref:
    """Every public figure of a share, with its type checked."""
    out = (s.party, s.weight, s.quota, s.floor, s.remainder, s.rank, s.extra_penny, s.share)
    assert [type(x) for x in out] == [str, Fraction, Fraction, int, Fraction, int, bool, int]
    return out


def many(pools: list[tuple[int, dict[str, int]]]) -> list[list[Ref]]:
    """``apportion_detail_many`` on ``pools``, cut back into one list per pool."""
    codes = [sorted(w) for _, w in pools]
    got = apportion_detail_many([t for t, _ in pools], [len(c) for c in codes],
                                [c for cs in codes for c in cs],
                                [w[c] for (_, w), cs in zip(pools, codes, strict=True) for c in cs])
    out, i = [], 0
    for cs in codes:
        out.append([fields(s) for s in got[i:i + len(cs)]])
        i += len(cs)
    assert i == len(got)
    return out


def test_detail_many_extra_penny_goes_to_the_largest_remainders():
    # quotas 3798.88, 3418.46, 2782.65: two pennies left, to MBC (.88) and TWBC (.65)
    pools = [(10000, {"MBC": 4284000, "SBC": 3855000, "TWBC": 3138000})]
    (got,) = many(pools)
    assert [(r[0], r[3], r[4], r[5], r[6], r[7]) for r in got] == [
        ("MBC", 3798, Fraction(158, 179), 1, True, 3799),
        ("SBC", 3418, Fraction(1738, 3759), 3, False, 3418),
        ("TWBC", 2782, Fraction(2462, 3759), 2, True, 2783)]
    assert got == reference_detail(*pools[0])


def test_detail_many_missing_penny_and_negative_total():
    got = many([(100, {"A": 1, "B": 1, "C": 1}), (-100, {"C": 1, "B": 1, "A": 1})])
    assert [r[7] for r in got[0]] == [34, 33, 33]
    assert [r[7] for r in got[1]] == [-34, -33, -33]
    assert [r[5] for r in got[1]] == [1, 2, 3] and got[1][0][6] is True
    assert got[0][0][2] == Fraction(100, 3) and got[1][0][2] == Fraction(100, 3)


def test_detail_many_zero_ratio_gets_zero_and_no_penny_even_in_a_tie():
    (got,) = many([(2, {"A": 0, "B": 1, "C": 1, "D": 1})])
    assert [(r[0], r[1], r[6], r[7]) for r in got] == [
        ("A", 0, False, 0), ("B", Fraction(1, 3), True, 1), ("C", Fraction(1, 3), True, 1),
        ("D", Fraction(1, 3), False, 0)]
    assert got == reference_detail(2, {"A": 0, "B": 1, "C": 1, "D": 1})


def test_detail_many_all_zero_weights():
    (got,) = many([(0, {"B": 0, "A": 0})])
    assert got == [("A", 0, 0, 0, 0, 1, False, 0), ("B", 0, 0, 0, 0, 2, False, 0)]
    with pytest.raises(ApportionError, match="every weight is zero"):
        many([(1, {"A": 1}), (5, {"A": 0, "B": 0})])


def test_detail_many_ties_go_to_the_larger_weight_then_the_code():
    # total 3, weights 1, 3, 2: remainders .5 .5 0 -> B (weight 3) before A (weight 1)
    # total 1, equal weights: every remainder and weight ties -> code order
    got = many([(3, {"A": 1, "B": 3, "C": 2}), (1, {"TWBC": 1, "MBC": 1, "SBC": 1})])
    assert [(r[0], r[5], r[7]) for r in got[0]] == [("A", 2, 0), ("B", 1, 2), ("C", 3, 1)]
    assert [(r[0], r[5], r[7]) for r in got[1]] == [("MBC", 1, 1), ("SBC", 2, 0),
                                                     ("TWBC", 3, 0)]


def test_detail_many_int64_overflow_falls_back_to_python_integers():
    big = 2**62 + 12345
    pools = [
        (10**9, {"A": big, "B": big // 3, "C": 7}),  # |total| x weight overflows int64
        (7, {"A": 2**70, "B": 2**70 + 1, "C": 1}),  # weights beyond int64
        (2**64 + 1, {"A": 1, "B": 2}),  # a total beyond int64
        (-(10**9), {"A": 2**61, "B": 2**61, "C": 2**61}),  # sum beyond int64
        (100, {"A": 1, "B": 1, "C": 1}),  # and an ordinary pool beside them
    ]
    got = many(pools)
    for (t, w), g in zip(pools, got, strict=True):
        assert g == reference_detail(t, w)
        assert sum(r[7] for r in g) == t


def test_detail_many_refuses_unsorted_codes_and_negative_weights():
    with pytest.raises(ValueError, match="sorted and unique"):
        apportion_detail_many([1], [2], ["B", "A"], [1, 1])
    with pytest.raises(ValueError, match="sorted and unique"):
        apportion_detail_many([1], [2], ["A", "A"], [1, 1])
    assert [s.share for s in apportion_detail_many([1, 1], [1, 1], ["B", "A"], [1, 1])] == [1, 1]
    with pytest.raises(ApportionError, match="weight for B is negative"):
        apportion_detail_many([1], [2], ["A", "B"], [1, -1])
    assert apportion_detail_many([0], [0], [], []) == []
    with pytest.raises(ApportionError):
        apportion_detail_many([1], [0], [], [])


def test_detail_many_empty_pool_beside_others():
    assert [s.share for s in apportion_detail_many([5, 0], [1, 0], ["A"], [1])] == [5]
    assert [s.share for s in apportion_detail_many([0, 7], [0, 2], ["A", "B"], [1, 1])] == [4, 3]
    # an empty pool between two must not hide codes out of order in the pool after it
    with pytest.raises(ValueError, match="sorted and unique"):
        apportion_detail_many([0, 1], [0, 2], ["B", "A"], [1, 1])
    with pytest.raises(ApportionError, match="every weight is zero"):
        apportion_detail_many([0, 3], [1, 0], ["A"], [1])


def test_detail_many_reports_the_first_pools_error_first():
    # pool 0 has no weight, pool 1 a negative one: pool by pool, pool 0's error comes first
    with pytest.raises(ApportionError, match=r"every weight is zero \(A\)"):
        apportion_detail_many([5, 5], [1, 1], ["A", "B"], [0, -1])
    with pytest.raises(ApportionError, match="weight for B is negative"):
        apportion_detail_many([5, 5], [1, 1], ["A", "B"], [1, -1])


def test_detail_many_numpy_integers_do_not_wrap():
    w = np.array([2**62] * 3)
    assert [s.share for s in apportion_detail_many([10], [3], ["A", "B", "C"], w)] == [4, 3, 3]
    got = apportion_detail_many(np.array([-(2**63)]), [2], ["A", "B"], [1, 1])
    assert [s.share for s in got] == [-(2**62), -(2**62)]
    listed = [1, np.int64(2**62), np.int64(2**62)]  # a list holding numpy integers
    assert [s.share for s in apportion_detail_many([10], [3], ["A", "B", "C"], listed)] == [
        0, 5, 5]


def test_shares_alone_beyond_int64_fall_back_or_are_refused_not_wrapped():
    # a weight sum beyond int64 is split by the reference; the shares still fit
    assert apportion_shares([1], [2], ["A", "B"], [2**62, 2**62]).tolist() == [1, 0]
    assert apportion_shares([-(2**63)], [2], ["A", "B"], [1, 1]).tolist() == [-(2**62)] * 2
    with pytest.raises(OverflowError):  # a share that does not fit int64
        apportion_shares([2**64], [2], ["A", "B"], [1, 0])


def test_shares_alone_of_pools_of_no_parties():
    assert apportion_shares([0, 0], [0, 0], [], []).shape == (0,)
    with pytest.raises(ApportionError):
        apportion_shares([0, 3], [0, 0], [], [])


def test_large_pools_use_the_sort_path():
    w = {f"P{i:02d}": (i * 7919) % 13 for i in range(40)}
    (got,) = many([(123457, w)])
    assert got == reference_detail(123457, w)


def test_share_is_an_immutable_value():
    a = apportion_detail(100, {"A": 1, "B": 2})
    b = apportion_detail(100, {"A": Fraction(1, 2), "B": Decimal(1)})
    assert a == b and hash(a) == hash(b)
    assert a != apportion_detail(101, {"A": 1, "B": 2})
    assert a[0] != tuple(a[0]) and tuple(a[0]) != a[0]
    assert repr(a[0]) == ("Share(party='A', weight=Fraction(1, 3), quota=Fraction(100, 3), "
                          "floor=33, remainder=Fraction(1, 3), rank=2, extra_penny=False, "
                          "share=33)")
    with pytest.raises(AttributeError):
        a[0].share = 5
    with pytest.raises(TypeError):
        _ = a[0] < a[1]
    import copy
    import pickle

    assert pickle.loads(pickle.dumps(a)) == a and copy.deepcopy(a) == a
    # a zero weight's share is the same value whatever the total was
    assert apportion_detail(0, {"A": 0, "B": 1})[0] == apportion_detail(9, {"A": 0, "B": 1})[0]


rational = st.one_of(
    st.integers(0, 10**6),
    st.fractions(min_value=0, max_value=10**4, max_denominator=10**4),
    st.decimals(min_value=0, max_value=10**4, places=3, allow_nan=False, allow_infinity=False),
)


@settings(max_examples=300)
@given(st.lists(st.text("ABCDEFGH", min_size=1, max_size=2), min_size=2, max_size=8,
                unique=True).flatmap(lambda cs: st.tuples(
                    st.just(cs), st.lists(rational, min_size=len(cs), max_size=len(cs)))),
       st.one_of(st.integers(-(10**9), 10**9), st.sampled_from([0, 1, -1, 2, 99, -99])))
def test_detail_equals_the_fraction_rule(pool, total):
    cs, ws = pool
    w = dict(zip(cs, ws, strict=True))
    try:
        expect = reference_detail(total, w)
    except ApportionError as exc:
        with pytest.raises(ApportionError, match=str(exc).replace("(", r"\(").replace(")", r"\)")):
            apportion_detail(total, w)
        return
    assert [fields(s) for s in apportion_detail(total, w)] == expect


# small weights make ties in remainder and in weight common
small_pool = st.integers(2, 8).flatmap(lambda k: st.tuples(
    st.one_of(st.integers(-300, 300), st.integers(-(10**12), 10**12)),
    st.lists(st.one_of(st.integers(0, 4), st.integers(0, 10**6), st.integers(0, 2**64)),
             min_size=k, max_size=k),
    st.permutations(["MBC", "SBC", "TWBC", "KCC", "A", "ZZ", "P001", "P010"][:k])))


@settings(max_examples=300)
@given(st.lists(small_pool, min_size=1, max_size=12))
def test_detail_many_equals_the_fraction_rule_pool_by_pool(pools):
    cases = [(t, dict(zip(cs, ws, strict=True))) for t, ws, cs in pools]
    cases = [(t, w) for t, w in cases if sum(w.values()) > 0 or t == 0]
    assume(cases)
    got = many(cases)
    for (t, w), g in zip(cases, got, strict=True):
        assert g == reference_detail(t, w)


# -- the vectorised kernel (finance.core.apportion_fast) against the reference --------------
#
# ``apportion_detail`` (``apportion._split_ints``) is the one statement of the rule; the
# kernel must give its figures, field by field, for any pools.  Run three times: as
# production runs it (pools of up to PAIRWISE_MAX parties queued pairwise, larger ones
# sorted), with every pool sorted, and with every pool queued pairwise.

CODES64 = [f"{c}{i:02d}" for i, c in enumerate("MSTKABCDEFGHJLNPQRUVWXYZ" * 3)][:64]


@st.composite
def kernel_pool(draw: st.DrawFn) -> tuple[int, list[str], list[int]]:
    """A pool of 1 to 64 parties whose remainders and weights often tie."""
    k = draw(st.integers(1, 64))
    codes = sorted(draw(st.permutations(CODES64))[:k])
    kind = draw(st.sampled_from(["equal", "small", "zeros", "wide"]))
    if kind == "equal":  # every weight and every remainder ties: code order decides
        ws = [draw(st.integers(0, 10**6))] * k
    elif kind == "small":  # few distinct weights: ties in remainder, in weight, in both
        ws = draw(st.lists(st.integers(0, 4), min_size=k, max_size=k))
    elif kind == "zeros":  # mostly zero weights, which never take a penny
        ws = draw(st.lists(st.sampled_from([0, 0, 0, 1, 2]), min_size=k, max_size=k))
    else:
        ws = draw(st.lists(st.one_of(st.integers(0, 10**6), st.integers(0, 2**40)),
                           min_size=k, max_size=k))
    total = draw(st.one_of(st.just(0), st.integers(-3 * k, 3 * k),
                           st.integers(-(10**12), 10**12)))
    return total, codes, ws


def _reference_or_error(total: int, codes: list[str], ws: list[int]) -> list[Ref] | None:
    try:
        return [fields(s) for s in apportion_detail(total, dict(zip(codes, ws, strict=True)))]
    except ApportionError:
        return None


@pytest.mark.parametrize("pairwise_max", [apportion_fast.PAIRWISE_MAX, 0, 64],
                         ids=["as-run", "all-sorted", "all-pairwise"])
@settings(max_examples=150, deadline=None)
@given(st.lists(kernel_pool(), min_size=1, max_size=6))
def test_the_vectorised_kernel_equals_the_reference(pairwise_max, pools):
    expect = [_reference_or_error(*p) for p in pools]
    args = ([t for t, _, _ in pools], [len(c) for _, c, _ in pools],
            [c for _, cs, _ in pools for c in cs], [w for _, _, ws in pools for w in ws])
    with mock.patch.object(apportion_fast, "PAIRWISE_MAX", pairwise_max):
        if None in expect:  # some pool cannot be split: the kernel refuses the call too
            with pytest.raises(ApportionError):
                apportion_detail_many(*args)
            return
        got = [fields(s) for s in apportion_detail_many(*args)]
        shares = apportion_shares(*args).tolist()
        with mock.patch.object(apportion_fast, "_CHUNK", 2):  # two pools at a time
            chunked = apportion_shares(*args).tolist()
    assert got == [r for e in expect for r in e]
    assert shares == chunked == [r[7] for r in got]
    i = 0
    for (t, _, _), e in zip(pools, expect, strict=True):
        assert sum(r[7] for r in got[i:i + len(e)]) == t
        i += len(e)


@pytest.mark.parametrize("pairwise_max", [0, 64])
def test_both_queues_break_a_tie_by_weight_then_code(pairwise_max):
    # total 3, weights 1, 3, 2: remainders .5 .5 0 -> B (weight 3) before A (weight 1);
    # 20 equal parties and 7 pennies left: the first seven codes
    codes = [f"P{i:02d}" for i in range(20)]
    with mock.patch.object(apportion_fast, "PAIRWISE_MAX", pairwise_max):
        assert apportion_shares([3, 7], [3, 20], ["A", "B", "C", *codes],
                                [1, 3, 2, *[1] * 20]).tolist() == [0, 2, 1, *[1] * 7, *[0] * 13]
