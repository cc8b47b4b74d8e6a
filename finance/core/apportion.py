"""Largest-remainder (Hamilton) apportionment of a money total between parties.

The rule (docs/calculations.md, "Largest remainder"):

* each party's exact quota is ``|total| x weight / sum(weights)``;
* each share is the quota floored to the penny;
* the pennies left over (``|total| - sum(floors)``) go one each to the largest exact
  remainders; ties go to the larger weight, then to the party code in alphabetical order,
  so the answer never depends on the order of input rows;
* a negative total (deficit, clawback) is apportioned as its absolute value, then negated;
* a zero weight gets exactly 0; remainders are compared exactly (integers or fractions).

Shares therefore always add up to the total exactly.

Worked example (§13.2 contribution weights, a £100.00 refund):

>>> apportion(10000, {"MBC": 4284000, "SBC": 3855000, "TWBC": 3138000})
{'MBC': 3799, 'SBC': 3418, 'TWBC': 2783}

Quotas are 3798.88, 3418.46 and 2782.65 pence; floors 3798 + 3418 + 2782 = 9998, so two
pennies go to the largest remainders, .88 (MBC) and .65 (TWBC).

How it is computed: every pool's weights are first brought to whole numbers over a common
denominator (rational weights ``n_i / d_i`` become ``n_i x (L / d_i)`` with ``L`` the
least common multiple of the ``d_i``; the split depends only on the weights' ratios, so
this changes nothing).  With integer weights ``w_i`` summing to ``W`` the quota is
``|total| x w_i / W``, and ``divmod(|total| x w_i, W)`` gives the floor and the remainder's
numerator; every remainder in a pool shares the denominator ``W``, so remainders are
compared exactly as integers.  No float and no ``Fraction`` enters the arithmetic.

The functions give identical answers: :func:`apportion` / :func:`apportion_detail` for
one pool of any rational weights; :func:`apportion_detail_many` (and
:func:`apportion_columns`, the same figures as columns) for many pools of integer weights,
laid end to end (the shared-service splits: numpy int64 where it cannot overflow, Python
integers otherwise); and :func:`apportion_many` for many pools of the same parties (numpy
int64, shares only).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from fractions import Fraction
from itertools import accumulate, repeat
from math import gcd, lcm
from operator import lt, mul
from typing import ClassVar, NamedTuple

import numpy as np
import numpy.typing as npt

from finance.core.model import value_record
from finance.core.money import INT64_MAX

Weight = int | Fraction | Decimal

__all__ = ["ApportionError", "Share", "ShareColumns", "apportion", "apportion_columns",
           "apportion_detail", "apportion_detail_many", "apportion_many"]


class ApportionError(ValueError):
    """Weights that cannot carry a total (negative, or all zero with a non-zero total)."""


@value_record
class Record(tuple):
    """Base of small immutable value records stored as a tuple (cheap to build in bulk).

    Behaves like a frozen dataclass (:func:`~finance.core.model.value_record`): equal when
    of the same class with equal fields, hashable, not ordered, and shown as
    ``Name(field=value, ...)`` for the public names in ``_show``.  Subclasses keep their
    fields in a canonical form (fractions in lowest terms), so comparing the stored tuples
    compares the values.  Build one from its stored fields in order, like a tuple:
    ``Cls((field, ...))``.
    """

    __slots__ = ()
    _show: ClassVar[tuple[str, ...]] = ()

    def __repr__(self) -> str:
        body = ", ".join(f"{name}={getattr(self, name)!r}" for name in self._show)
        return f"{type(self).__name__}({body})"


# Where a Share keeps each stored field (a ServiceLine starts with the same eight).
S_PARTY, S_FLOOR, S_RANK, S_EXTRA_PENNY, S_SHARE, S_WEIGHT_NUM, S_WEIGHT_DEN, S_MAGNITUDE = (
    range(8))
SHARE_FIELDS = 8


class SplitLine(Record):
    """The fields every line of a split starts with (:class:`Share`, and a service's
    :class:`~finance.core.services.ServiceLine`, which stores a Share's fields first).

    Fields:
        party: the party code.
        share: its share of the total, signed pence.
        weight: its normalised weight, an exact ``Fraction``: its weight over the sum of
            the pool's weights.
    """

    __slots__ = ()

    @property
    def party(self) -> str:
        return self[S_PARTY]

    @property
    def share(self) -> int:
        """Signed pence."""
        return self[S_SHARE]

    @property
    def weight(self) -> Fraction:
        """Normalised weight: this party's weight over the sum of the pool's weights."""
        return Fraction(self[S_WEIGHT_NUM], self[S_WEIGHT_DEN])


class Share(SplitLine):
    """One party's line of a largest-remainder split, kept for the audit trail.

    Fields:
        party: the party code.
        weight: its normalised weight ``w / W``, its weight over the sum of the pool's
            weights, an exact ``Fraction`` (0 for a zero weight).
        quota: its exact share of ``|total|``, pence, a ``Fraction`` (``|total| x
            weight``).
        floor: the quota rounded down, whole pence.
        remainder: ``quota - floor``, a ``Fraction`` of a penny in [0, 1).
        rank: its place in the queue for a left-over penny (1: first): larger remainder
            first, then larger weight, then party code.
        extra_penny: ``True`` when it got one of the left-over pennies.
        share: its share of the total, signed pence: ``floor`` plus the extra penny,
            negated when the total is negative.

    Stored as the tuple ``(party, floor, rank, extra_penny, share, weight numerator, weight
    denominator, |total|)``: the weight in lowest terms and ``|total|`` 0 when the weight
    is 0, so equal figures are equal tuples.  ``weight``, ``quota`` (``|total| x weight``)
    and ``remainder`` are exact ``Fraction`` s, built when read.

    >>> s = apportion_detail(100, {"A": 1, "B": 2})[0]
    >>> s.weight, s.quota, s.remainder, s.floor, s.rank, s.extra_penny, s.share
    (Fraction(1, 3), Fraction(100, 3), Fraction(1, 3), 33, 2, False, 33)
    """

    __slots__ = ()
    _show = ("party", "weight", "quota", "floor", "remainder", "rank", "extra_penny", "share")

    @property
    def floor(self) -> int:
        """Quota rounded down, pence."""
        return self[S_FLOOR]

    @property
    def rank(self) -> int:
        """Place in the queue for a left-over penny (1 = first)."""
        return self[S_RANK]

    @property
    def extra_penny(self) -> bool:
        return self[S_EXTRA_PENNY]

    @property
    def quota(self) -> Fraction:
        """Exact share of ``|total|`` in pence."""
        return Fraction(self[S_MAGNITUDE] * self[S_WEIGHT_NUM], self[S_WEIGHT_DEN])

    @property
    def remainder(self) -> Fraction:
        """``quota - floor``, in [0, 1)."""
        num, den = self[S_WEIGHT_NUM], self[S_WEIGHT_DEN]
        return Fraction(self[S_MAGNITUDE] * num - self[S_FLOOR] * den, den)


def _as_fraction(w: Weight) -> Fraction:
    return w if isinstance(w, Fraction) else Fraction(w)


def _split_ints(total: int, codes: Sequence[str], ws: Sequence[int]) -> tuple[Share, ...]:
    """Largest remainder on one pool of non-negative integer weights, in Python integers.

    ``codes`` are sorted and unique, so a party's index is its place in code order.
    """
    k = len(ws)
    wsum = sum(ws)
    if wsum == 0:
        if total:
            raise ApportionError(
                f"cannot split {total} pence: every weight is zero ({', '.join(codes)})"
            )
        return tuple(Share((p, 0, i + 1, False, 0, 0, 1, 0)) for i, p in enumerate(codes))
    sign = -1 if total < 0 else 1
    mag = total * sign
    qr = [divmod(mag * w, wsum) for w in ws]  # (floor, remainder x W) per party
    left = mag - sum([q for q, _ in qr])
    # Queue for the left-over pennies: larger remainder, then larger weight, then code.
    queue = sorted(zip([-r for _, r in qr], [-w for w in ws], range(k), strict=True))
    rank = [0] * k
    for place, (_, _, i) in enumerate(queue, 1):
        rank[i] = place
    out = []
    for p, w, (fl, _), rk in zip(codes, ws, qr, rank, strict=True):
        extra = rk <= left and w > 0
        g = gcd(w, wsum)
        out.append(Share((p, fl, rk, extra, sign * (fl + extra), w // g, wsum // g,
                           mag if w else 0)))
    return tuple(out)


def apportion_detail(total: int, weights: Mapping[str, Weight]) -> tuple[Share, ...]:
    """Split ``total`` pence by ``weights`` and return every intermediate figure.

    Rows come back sorted by party code.  Weights may be any non-negative rationals
    (``int``, ``Fraction``, ``Decimal``); they are brought to integers over their common
    denominator (see the module docstring), which leaves every figure unchanged.

    >>> [(s.party, s.floor, s.rank, s.extra_penny, s.share) for s in
    ...  apportion_detail(-100, {"B": 1, "A": 1, "C": 1})]
    [('A', 33, 1, True, -34), ('B', 33, 2, False, -33), ('C', 33, 3, False, -33)]
    """
    if not isinstance(total, int | np.integer):
        raise TypeError(f"total must be integer pence, not {type(total).__name__}")
    fw = {p: _as_fraction(w) for p, w in weights.items()}
    for p, w in fw.items():
        if w < 0:
            raise ApportionError(f"weight for {p} is negative ({w})")
    codes = sorted(fw)
    den = lcm(*(fw[p].denominator for p in codes))
    return _split_ints(int(total), codes,
                       [fw[p].numerator * (den // fw[p].denominator) for p in codes])


class ShareColumns(NamedTuple):
    """The figures of many shares, one list per stored field of :class:`Share`.

    Entry ``i``'s share is ``Share`` built from ``(party, floor[i], rank[i], ...,
    magnitude[i])``: the weight as ``weight_num / weight_den`` in lowest terms and
    ``magnitude`` the pool's ``|total|`` (0 for a zero weight).

    Fields:
        floor: each entry's quota rounded down, whole pence.
        rank: each entry's place in its pool's queue for a left-over penny (1: first).
        extra_penny: whether each entry got a left-over penny.
        share: each entry's share, signed pence.
        weight_num: the numerator of each entry's normalised weight, in lowest terms.
        weight_den: its denominator (1 for a zero weight).
        magnitude: the ``|total|`` of each entry's pool, pence (0 for a zero weight).
    """

    floor: list[int]
    rank: list[int]
    extra_penny: list[bool]
    share: list[int]
    weight_num: list[int]
    weight_den: list[int]
    magnitude: list[int]


def apportion_detail_many(totals: Sequence[int], sizes: Sequence[int], codes: Sequence[str],
                          weights: Sequence[int]) -> list[Share]:
    """:func:`apportion_detail` for many pools at once, laid end to end.

    Pool ``i`` splits ``totals[i]`` pence between the next ``sizes[i]`` entries of
    ``codes`` (sorted and unique within the pool) by the matching non-negative integer
    ``weights``.  Returns one :class:`Share` per entry, in the same order, each equal to
    what :func:`apportion_detail` gives for that pool.  See :func:`apportion_columns`.

    >>> [(s.party, s.share) for s in apportion_detail_many(
    ...     [100, -7], [3, 2], ["A", "B", "C", "X", "Y"], [1, 1, 1, 0, 2])]
    [('A', 34), ('B', 33), ('C', 33), ('X', 0), ('Y', -7)]
    """
    return list(map(Share, zip(codes, *apportion_columns(totals, sizes, codes, weights),
                               strict=True)))


def apportion_columns(totals: Sequence[int], sizes: Sequence[int], codes: Sequence[str],
                      weights: Sequence[int], *, codes_checked: bool = False) -> ShareColumns:
    """:func:`apportion_detail_many`, each field as one list (no ``Share`` objects built).

    Pools whose weights, weight sum and total fit numpy int64 are worked together in numpy
    (floors and remainders by ``divmod``, places in the queue for a left-over penny by
    comparing the parties of each pool pairwise); where ``|total| x weight`` could overflow
    int64, that pool's floors and remainders are computed with Python integers (the
    remainders, below the weight sum, still fit); a pool with a weight or sum beyond int64
    is split entirely with Python integers.  Exact throughout: no float enters.
    ``codes_checked=True`` skips checking that each pool's codes are sorted and unique, for
    a caller that has checked already.

    >>> apportion_columns([100, -7], [3, 2], ["A", "B", "C", "X", "Y"], [1, 1, 1, 0, 2]).share
    [34, 33, 33, 0, -7]
    """
    n = len(codes)
    if len(totals) != len(sizes) or sum(sizes) != n or len(weights) != n:
        raise ValueError("one size per total, and one code and weight per party, are needed")
    # numpy integers would wrap in the sums and magnitudes below: work with Python's
    totals, weights = _ints(totals), _ints(weights)
    if n == 0:
        for t in totals:
            _split_ints(int(t), [], [])  # refuses a non-zero total, like apportion_detail
        return ShareColumns([], [], [], [], [], [], [])
    bounds = list(accumulate(sizes, initial=0))
    if not codes_checked:
        _check_sorted(codes, bounds)
    size = np.asarray(sizes, dtype=np.int64)
    pool = np.repeat(np.arange(len(sizes)), size)  # pool of each entry
    w, mag, wsum, wmax, in_python = _int64_pools(totals, weights, codes, bounds, size, pool)
    mag_e, wsum_e = mag[pool], wsum[pool]
    floor, rem = _floors(w, mag, wmax, pool, mag_e, wsum_e)
    filled = size > 0  # the pennies each pool has left after its floors
    left = mag.copy()
    left[filled] -= np.add.reduceat(floor, np.asarray(bounds[:-1], dtype=np.int64)[filled])
    pos = _queue_places(pool, rem, w, int(size.max()))
    extra = (pos < left[pool]) & (w > 0)
    negative = np.fromiter(map(lt, totals, repeat(0)), dtype=bool, count=len(totals))
    share = floor + extra
    np.negative(share, out=share, where=negative[pool])
    g = np.gcd(w, wsum_e)
    cols = ShareColumns(floor.tolist(), (pos + 1).tolist(), extra.tolist(), share.tolist(),
                        (w // g).tolist(), (wsum_e // g).tolist(),
                        np.where(w > 0, mag_e, 0).tolist())
    for i in np.flatnonzero(in_python).tolist():
        a, b = bounds[i], bounds[i + 1]
        rows = _split_ints(int(totals[i]), codes[a:b], weights[a:b])
        for k in range(len(cols)):
            cols[k][a:b] = [r[k + 1] for r in rows]
    return cols


def _int64_pools(totals: Sequence[int], weights: Sequence[int], codes: Sequence[str],
                 bounds: list[int], size: npt.NDArray[np.int64], pool: npt.NDArray[np.int64]
                 ) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64], npt.NDArray[np.int64],
                            npt.NDArray[np.int64], npt.NDArray[np.bool_]]:
    """:func:`apportion_columns`'s pools as int64 columns, and which to split in Python.

    Returns the weights and ``|totals|`` as int64, each pool's weight sum and largest
    weight, and ``in_python``: the pools that cannot be worked in int64 — a weight, weight
    sum or total beyond it — or that have no weight at all (:func:`_split_ints` splits
    those, or refuses them).  Such pools get neutral figures here (weights 0, sum 1,
    total 0) and their results are overwritten.  A negative weight is refused with the
    error :func:`apportion_detail` gives for the first pool that has one.
    """
    n = len(weights)
    in_python = np.zeros(len(size), dtype=bool)
    try:
        w = np.asarray(weights, dtype=np.int64)
        below_zero = bool((w < 0).any())
    except OverflowError:  # a weight beyond int64: its pool is split in Python
        below_zero = min(weights) < 0
        if not below_zero:
            huge = np.fromiter(map(lt, repeat(INT64_MAX), weights), dtype=bool, count=n)
            w = np.asarray([0 if h else x for x, h in zip(weights, huge.tolist(), strict=True)],
                           dtype=np.int64)
            in_python[pool[huge]] = True
    if below_zero:  # refused with the first pool's error, as pool by pool
        for a, b, t in zip(bounds, bounds[1:], totals, strict=True):
            apportion_detail(int(t), dict(zip(codes[a:b], weights[a:b], strict=True)))
    starts = np.asarray(bounds[:-1], dtype=np.int64)
    filled = size > 0
    wsum = np.zeros(len(size), dtype=np.int64)
    wmax = np.zeros(len(size), dtype=np.int64)
    wsum[filled] = np.add.reduceat(w, starts[filled])
    wmax[filled] = np.maximum.reduceat(w, starts[filled])
    # a sum may have wrapped only when its pool's largest weight x size reaches int64
    wrapped = wmax > INT64_MAX // np.maximum(size, 1)
    for i in np.flatnonzero(wrapped & ~in_python).tolist():
        in_python[i] = sum(weights[bounds[i]:bounds[i + 1]]) > INT64_MAX
    mags = list(map(abs, totals))
    try:
        mag = np.asarray(mags, dtype=np.int64)
    except OverflowError:  # a total beyond int64: its pool is split in Python
        big = np.fromiter(map(lt, repeat(INT64_MAX), mags), dtype=bool, count=len(mags))
        in_python |= big
        mag = np.asarray([0 if b else m for m, b in zip(mags, big.tolist(), strict=True)],
                         dtype=np.int64)
    in_python |= wsum == 0  # nothing to share (or an error), done by _split_ints
    mag[in_python] = 0
    wsum[in_python] = 1
    return w, mag, wsum, wmax, in_python


def _floors(w: npt.NDArray[np.int64], mag: npt.NDArray[np.int64], wmax: npt.NDArray[np.int64],
            pool: npt.NDArray[np.int64], mag_e: npt.NDArray[np.int64],
            wsum_e: npt.NDArray[np.int64]) -> tuple[npt.NDArray[np.int64],
                                                    npt.NDArray[np.int64]]:
    """Each entry's floor and remainder: ``divmod(|total| x weight, weight sum)``.

    In int64 for a pool whose largest weight is at most ``int64 max // |total|`` (so the
    product cannot overflow); in Python integers entry by entry for any other (floor and
    remainder, below ``|total|`` and the weight sum, still fit int64).
    """
    exact = wmax <= INT64_MAX // np.maximum(mag, 1)
    floor, rem = np.divmod(w * np.where(exact, mag, 0)[pool], wsum_e)
    slow = np.flatnonzero(~exact[pool])
    if slow.size:
        floor[slow], rem[slow] = zip(*map(divmod, map(mul, mag_e[slow].tolist(),
                                                      w[slow].tolist()),
                                          wsum_e[slow].tolist()), strict=True)
    return floor, rem


def ordered_within_pools(codes: Sequence[str], bounds: Sequence[int]) -> npt.NDArray[np.bool_]:
    """For each pair of neighbouring entries, whether it keeps code order: ``True`` where
    ``codes[i] < codes[i + 1]`` or the two lie in different pools (pools laid end to end,
    pool ``p`` being entries ``bounds[p]`` to ``bounds[p + 1]``; empty pools allowed).

    >>> ordered_within_pools(["A", "C", "B", "B"], [0, 2, 2, 4]).tolist()
    [True, True, False]
    """
    n = len(codes)
    up = np.fromiter(map(lt, codes, codes[1:]), dtype=bool, count=max(n - 1, 0))
    b = np.asarray(bounds, dtype=np.int64)
    up[b[(b > 0) & (b < n)] - 1] = True  # pairs that straddle two pools
    return up


def _ints(values: Sequence[int]) -> Sequence[int]:
    """``values``, with numpy integers (which wrap on overflow) as Python integers."""
    if isinstance(values, np.ndarray) or any(issubclass(t, np.integer)
                                             for t in set(map(type, values))):
        return [int(v) for v in values]
    return values


def _check_sorted(codes: Sequence[str], bounds: list[int]) -> None:
    """Refuse a pool whose codes are not strictly increasing (ties are broken by code)."""
    up = ordered_within_pools(codes, bounds)
    if not up.all():
        j = int(np.flatnonzero(~up)[0])
        raise ValueError(f"party codes must be sorted and unique within a pool "
                         f"({codes[j]!r} comes before {codes[j + 1]!r})")


def _queue_places(pool: npt.NDArray[np.int64], rem: npt.NDArray[np.int64],
                  w: npt.NDArray[np.int64], k: int) -> npt.NDArray[np.int64]:
    """Each entry's place (0 = first) in its pool's queue for a left-over penny.

    The queue is by larger remainder, then larger weight, then earlier code (entries are in
    code order within a pool).  For pools of up to 16 parties each entry is compared with
    the entries ``d`` = 1 .. k-1 places after it in the same pool; larger pools are sorted.
    """
    n = len(pool)
    if k > 16:
        local = np.arange(n) - np.searchsorted(pool, pool)  # index within the pool
        order = np.lexsort((local, -w, -rem, pool))
        pos = np.empty(n, dtype=np.int64)
        pos[order] = local
        return pos
    pos = np.zeros(n, dtype=np.int64)
    for d in range(1, k):
        same = pool[:-d] == pool[d:]
        ra, rb, wa, wb = rem[:-d], rem[d:], w[:-d], w[d:]
        later_first = same & ((rb > ra) | ((rb == ra) & (wb > wa)))
        pos[:-d] += later_first
        pos[d:] += same & ~later_first
    return pos


def apportion(total: int, weights: Mapping[str, Weight]) -> dict[str, int]:
    """Split ``total`` pence by ``weights``; returns ``{party: pence}`` sorted by code.

    >>> apportion(100, {"A": 1, "B": 1, "C": 1})
    {'A': 34, 'B': 33, 'C': 33}
    >>> apportion(101, {"A": 0, "B": 1})
    {'A': 0, 'B': 101}
    """
    return {s.party: s.share for s in apportion_detail(total, weights)}


def apportion_many(
    totals: npt.ArrayLike, weights: npt.ArrayLike, codes: Sequence[str]
) -> npt.NDArray[np.int64]:
    """Vectorised largest remainder over many pools of the same parties.

    ``totals`` has shape ``(n,)`` (pence), ``weights`` shape ``(n, k)`` of non-negative
    integers, ``codes`` the ``k`` party codes of the columns (used for the final
    tie-break).  Returns an ``(n, k)`` int64 array of shares, identical to calling
    :func:`apportion` on each row.  Remainders are compared as exact integer
    numerators (``|total| x w mod sum(w)``), so no float enters.

    >>> apportion_many([100, -100], [[1, 1, 1], [1, 1, 1]], ["B", "A", "C"]).tolist()
    [[33, 34, 33], [-33, -34, -33]]
    """
    t = np.asarray(totals, dtype=np.int64)
    w = np.asarray(weights, dtype=np.int64)
    if w.ndim != 2 or t.ndim != 1 or w.shape[0] != t.shape[0] or w.shape[1] != len(codes):
        raise ValueError("totals must be (n,), weights (n, k) and codes k long")
    n, k = w.shape
    if n == 0 or k == 0:
        if k == 0 and t.any():
            bad = int(np.flatnonzero(t)[0])
            raise ApportionError(f"pool {bad}: cannot split a non-zero total between no parties")
        return np.zeros((n, k), dtype=np.int64)
    if (w < 0).any():
        raise ApportionError("weights must not be negative")
    # checked in Python integers, before any int64 sum or magnitude could wrap
    wmax, tmax = int(w.max()), max(-int(t.min()), int(t.max()))
    sums_may_wrap = wmax * k * 2 >= INT64_MAX
    if (sums_may_wrap and max(map(sum, w.tolist())) * 2 >= INT64_MAX) or (
            tmax * max(wmax, 1) >= INT64_MAX):
        raise OverflowError("pool too large for int64; use apportion() for this pool")
    mag = np.abs(t)
    wsum = w.sum(axis=1)
    zero = wsum == 0
    if (zero & (mag != 0)).any():
        bad = int(np.flatnonzero(zero & (mag != 0))[0])
        raise ApportionError(f"pool {bad}: cannot split a non-zero total when every weight is 0")
    safe = np.where(zero, 1, wsum)
    code_rank = np.argsort(np.argsort(np.asarray(codes, dtype=object))).astype(np.int64)
    out = np.empty((n, k), dtype=np.int64)
    # A slice of pools at a time: the working arrays stay small and are reused, where
    # whole-length ones would cost more in touching fresh memory than in arithmetic.
    for a in range(0, n, _CHUNK):
        b = min(a + _CHUNK, n)
        out[a:b] = _many_chunk(t[a:b], mag[a:b], w[a:b], safe[a:b], code_rank)
    return out


_CHUNK = 1 << 14  # pools worked at once by apportion_many


def _many_chunk(t: npt.NDArray[np.int64], mag: npt.NDArray[np.int64],
                w: npt.NDArray[np.int64], safe: npt.NDArray[np.int64],
                code_rank: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
    """:func:`apportion_many` on checked pools: totals, their magnitudes, weights ``(n, k)``,
    weight sums (1 where all are zero) and each party code's place in code order."""
    n, k = w.shape
    # Work party-major, (k, n): each party's column is contiguous, so the per-party
    # comparisons below stream through memory.
    wt = np.ascontiguousarray(w.T)
    floor, rem = np.divmod(wt * mag, safe)
    left = mag - floor.sum(axis=0)
    if k <= 16:
        # Small pools: each party's place in the queue for a left-over penny is the number
        # of parties ahead of it (larger remainder, then larger weight, then earlier code);
        # k x k column comparisons, no sort.
        pos = np.zeros((k, n), dtype=np.int64)
        for i in range(k):
            ri, wi = rem[i], wt[i]
            for j in range(k):
                if i == j:
                    continue
                rj, wj = rem[j], wt[j]
                if code_rank[j] < code_rank[i]:
                    ahead = (rj > ri) | ((rj == ri) & (wj >= wi))
                else:
                    ahead = (rj > ri) | ((rj == ri) & (wj > wi))
                pos[i] += ahead
    else:
        rows = np.repeat(np.arange(n), k)
        order = np.lexsort((np.tile(code_rank, n), -w.ravel(), -rem.T.ravel(), rows))
        flat = np.empty(n * k, dtype=np.int64)
        flat[order] = np.tile(np.arange(k), n)
        pos = flat.reshape(n, k).T
    floor += (pos < left) & (wt > 0)
    floor *= np.where(t < 0, -1, 1)
    return floor.T
