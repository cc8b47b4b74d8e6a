"""The largest remainder for many pools at once, vectorised with numpy: the kernel behind
the shared-service splits (:mod:`finance.core.services`).

It gives exactly the figures of the reference, :func:`finance.core.apportion.apportion_detail`
(the rule as docs/calculations.md states it), pool by pool; ``tests/test_apportion.py``
holds the two together with property tests (pools of 1 to 64 parties, forced ties, zero
and negative totals, zero weights), on both ways of ordering the queue for the left-over
pennies below.

Pools are laid end to end: pool ``i`` splits ``totals[i]`` between the next ``sizes[i]``
entries of ``codes`` (sorted and unique within the pool) by the matching non-negative
integer ``weights``.

>>> apportion_columns([100, -7], [3, 2], ["A", "B", "C", "X", "Y"], [1, 1, 1, 0, 2]).share
[34, 33, 33, 0, -7]
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from itertools import repeat
from operator import lt, mul
from typing import NamedTuple

import numpy as np
import numpy.typing as npt

from finance.core.apportion import Share, _split_ints, apportion_detail
from finance.core.money import INT64_MAX

Ints = Sequence[int] | npt.NDArray[np.int64]

__all__ = ["PAIRWISE_MAX", "ShareColumns", "apportion_columns", "apportion_detail_many",
           "apportion_shares", "ordered_within_pools"]

#: Pools of up to this many parties are queued by comparing parties pairwise; larger pools
#: are sorted (:func:`_queue_places`).
PAIRWISE_MAX = 16


class ShareColumns(NamedTuple):
    """The figures of many shares, one list per stored field of :class:`Share`.

    Entry ``i``'s share is ``Share(party, floor[i], rank[i], ..., magnitude[i])`` (each
    list is named as the :class:`Share` field it holds): the weight as ``weight_num /
    weight_den`` in lowest terms and ``magnitude`` the pool's ``|total|`` (0 for a zero
    weight).

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


def apportion_detail_many(totals: Ints, sizes: Sequence[int], codes: Sequence[str],
                          weights: Ints) -> list[Share]:
    """:func:`apportion_detail` for many pools at once, laid end to end.

    Pool ``i`` splits ``totals[i]`` pence between the next ``sizes[i]`` entries of
    ``codes`` (sorted and unique within the pool) by the matching non-negative integer
    ``weights``.  Returns one :class:`Share` per entry, in the same order, each equal to
    what :func:`apportion_detail` gives for that pool.  See :func:`apportion_columns`.

    >>> [(s.party, s.share) for s in apportion_detail_many(
    ...     [100, -7], [3, 2], ["A", "B", "C", "X", "Y"], [1, 1, 1, 0, 2])]
    [('A', 34), ('B', 33), ('C', 33), ('X', 0), ('Y', -7)]
    """
    return list(map(Share._make, zip(codes, *apportion_columns(totals, sizes, codes, weights),
                                     strict=True)))


def apportion_columns(totals: Ints, sizes: Sequence[int], codes: Sequence[str],
                      weights: Ints, *, codes_checked: bool = False) -> ShareColumns:
    """:func:`apportion_detail_many`, each field as one list (no ``Share`` objects built).

    Pools whose weights, weight sum and total fit numpy int64 are worked together in numpy
    (floors and remainders by ``divmod``, places in the queue for a left-over penny by
    :func:`_queue_places`); where ``|total| x weight`` could overflow int64, that pool's
    floors and remainders are computed with Python integers (the remainders, below the
    weight sum, still fit); a pool with a weight or sum beyond int64, or with no weight at
    all, is split by the reference itself.  Exact throughout: no float enters.
    ``codes_checked=True`` skips checking that each pool's codes are sorted and unique, for
    a caller that has checked already.

    >>> apportion_columns([100, -7], [3, 2], ["A", "B", "C", "X", "Y"], [1, 1, 1, 0, 2]).rank
    [1, 2, 3, 2, 1]
    """
    wk = _work(totals, sizes, codes, weights, codes_checked)
    if wk is None:
        return ShareColumns([], [], [], [], [], [], [])
    g = np.gcd(wk.w, wk.wsum_e)
    cols = ShareColumns(wk.floor.tolist(), (wk.pos + 1).tolist(), wk.extra.tolist(),
                        wk.share.tolist(), (wk.w // g).tolist(), (wk.wsum_e // g).tolist(),
                        np.where(wk.w > 0, wk.mag_e, 0).tolist())
    for a, b, rows in _by_reference(wk, codes):
        for name in ShareColumns._fields:  # the same names as Share's fields
            getattr(cols, name)[a:b] = [getattr(r, name) for r in rows]
    return cols


def apportion_shares(totals: Ints, sizes: Sequence[int], codes: Sequence[str],
                     weights: Ints, *, codes_checked: bool = False
                     ) -> npt.NDArray[np.int64]:
    """:func:`apportion_columns`'s shares alone, as one int64 array: the same kernel, with
    no list built (a share beyond int64 is refused with ``OverflowError``).  Worked
    :data:`_CHUNK` pools at a time, so that the working arrays stay small and are reused
    (touching fresh memory for arrays a million long costs more than the arithmetic).

    >>> apportion_shares([100, -7], [3, 2], ["A", "B", "C", "X", "Y"], [1, 1, 1, 0, 2]).tolist()
    [34, 33, 33, 0, -7]
    """
    ends = np.cumsum(np.asarray(sizes, dtype=np.int64)).tolist()
    n = ends[-1] if ends else 0
    if len(totals) != len(sizes) or len(codes) != n or len(weights) != n:
        raise ValueError("one size per total, and one code and weight per party, are needed")
    out = np.zeros(n, dtype=np.int64)
    for p in range(0, max(len(sizes), 1), _CHUNK):
        q = min(p + _CHUNK, len(sizes))
        a, b = ends[p - 1] if p else 0, ends[q - 1] if q else 0
        wk = _work(totals[p:q], sizes[p:q], codes[a:b], weights[a:b], codes_checked)
        if wk is not None:
            for c, d, rows in _by_reference(wk, codes[a:b]):
                wk.share[c:d] = [r.share for r in rows]
            out[a:b] = wk.share
    return out


_CHUNK = 1 << 14  # pools worked at once by apportion_shares


class _Worked(NamedTuple):
    """Pools worked in numpy by :func:`_work`: the inputs as Python integers, the pools'
    bounds, which pools are left to the reference, and per entry its figures."""

    totals: Ints
    weights: Ints
    bounds: list[int]
    in_python: npt.NDArray[np.bool_]
    w: npt.NDArray[np.int64]
    wsum_e: npt.NDArray[np.int64]
    mag_e: npt.NDArray[np.int64]
    floor: npt.NDArray[np.int64]
    pos: npt.NDArray[np.int64]
    extra: npt.NDArray[np.bool_]
    share: npt.NDArray[np.int64]


def _work(totals: Ints, sizes: Sequence[int], codes: Sequence[str],
          weights: Ints, codes_checked: bool) -> _Worked | None:
    """Check the pools and work every one that fits int64 (None when there are no
    entries: then each total must be 0)."""
    n = len(codes)
    size = np.asarray(sizes, dtype=np.int64)
    ends = np.cumsum(size)
    bounds = [0, *ends.tolist()]
    if len(totals) != len(sizes) or bounds[-1] != n or len(weights) != n:
        raise ValueError("one size per total, and one code and weight per party, are needed")
    # numpy integers would wrap in the sums and magnitudes below: work with Python's (or
    # int64 arrays, whose sums and magnitudes are checked before they could wrap)
    totals, weights = _ints(totals), _ints(weights)
    if n == 0:
        for t in _py(totals):
            _split_ints(t, [], [])  # refuses a non-zero total, like apportion_detail
        return None
    if not codes_checked:
        _check_sorted(codes, bounds)
    starts = ends - size
    pool = np.repeat(np.arange(len(sizes)), size)  # pool of each entry
    w, mag, wsum, wmax, in_python = _int64_pools(totals, weights, codes, bounds, starts, size, pool)
    mag_e, wsum_e = mag[pool], wsum[pool]
    floor, rem = _floors(w, mag, wmax, pool, mag_e, wsum_e)
    filled = size > 0  # the pennies each pool has left after its floors
    left = mag.copy()
    left[filled] -= np.add.reduceat(floor, starts[filled])
    pos = _queue_places(pool, rem, w, int(size.max()))
    extra = (pos < left[pool]) & (w > 0)
    negative = (totals < 0 if isinstance(totals, np.ndarray) else
                np.fromiter(map(lt, totals, repeat(0)), dtype=bool, count=len(totals)))
    share = floor + extra
    np.negative(share, out=share, where=negative[pool])
    return _Worked(totals, weights, bounds, in_python, w, wsum_e, mag_e, floor, pos, extra,
                   share)


def _by_reference(wk: _Worked, codes: Sequence[str]
                  ) -> Iterator[tuple[int, int, tuple[Share, ...]]]:
    """Each pool :func:`_work` left to the reference: its bounds and its shares."""
    for i in np.flatnonzero(wk.in_python).tolist():
        a, b = wk.bounds[i], wk.bounds[i + 1]
        yield a, b, _split_ints(int(wk.totals[i]), codes[a:b], _py(wk.weights[a:b]))


def _int64_pools(totals: Ints, weights: Ints, codes: Sequence[str],
                 bounds: list[int], starts: npt.NDArray[np.int64], size: npt.NDArray[np.int64],
                 pool: npt.NDArray[np.int64]
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
            apportion_detail(int(t), dict(zip(codes[a:b], _py(weights[a:b]), strict=True)))
    filled = size > 0
    wsum = np.zeros(len(size), dtype=np.int64)
    wmax = np.zeros(len(size), dtype=np.int64)
    wsum[filled] = np.add.reduceat(w, starts[filled])
    wmax[filled] = np.maximum.reduceat(w, starts[filled])
    # a sum may have wrapped only when its pool's largest weight x size reaches int64
    wrapped = wmax > INT64_MAX // np.maximum(size, 1)
    for i in np.flatnonzero(wrapped & ~in_python).tolist():
        in_python[i] = sum(_py(weights[bounds[i]:bounds[i + 1]])) > INT64_MAX
    if isinstance(totals, np.ndarray):
        mag = np.abs(totals)
        in_python |= mag < 0  # the least int64, whose magnitude wraps: split in Python
    else:
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


def _ints(values: Ints) -> Ints:
    """``values`` as Python integers, or as an int64 array when they are one already
    (numpy integers wrap on overflow: the callers check an int64 array's sums and
    magnitudes before they could)."""
    if isinstance(values, np.ndarray):
        return values if values.dtype == np.int64 else list(values.tolist())
    if any(issubclass(t, np.integer) for t in set(map(type, values))):
        return [int(v) for v in values]
    return values


def _py(values: Ints) -> Sequence[int]:
    """``values`` as Python integers (a slice of an int64 array as a list)."""
    return values.tolist() if isinstance(values, np.ndarray) else values


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
    code order within a pool), as in the reference.  ``k`` is the largest pool's size:
    up to :data:`PAIRWISE_MAX` parties, :func:`_places_pairwise`, else
    :func:`_places_sorted` (both give the same places).

    >>> _queue_places(np.array([0, 0, 0, 1, 1]), np.array([1, 1, 0, 0, 0]),
    ...               np.array([1, 3, 2, 1, 1]), 3).tolist()
    [1, 0, 2, 0, 1]
    """
    if k > PAIRWISE_MAX:
        return _places_sorted(pool, rem, w)
    return _places_pairwise(pool, rem, w, k)


def _places_sorted(pool: npt.NDArray[np.int64], rem: npt.NDArray[np.int64],
                   w: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
    """:func:`_queue_places` by one sort of every entry: by pool, then larger remainder,
    then larger weight, then place in the pool (code order)."""
    n = len(pool)
    local = np.arange(n) - np.searchsorted(pool, pool)  # index within the pool
    order = np.lexsort((local, -w, -rem, pool))  # the last key sorts first
    pos = np.empty(n, dtype=np.int64)
    pos[order] = local
    return pos


def _places_pairwise(pool: npt.NDArray[np.int64], rem: npt.NDArray[np.int64],
                     w: npt.NDArray[np.int64], k: int) -> npt.NDArray[np.int64]:
    """:func:`_queue_places` with no sort, for pools of at most ``k`` parties: each entry
    is compared with the entries ``d`` = 1 .. k-1 places after it in the same pool (so
    later in code order), and whichever goes first in the queue pushes the other back."""
    pos = np.zeros(len(pool), dtype=np.int64)
    for d in range(1, k):
        same = pool[:-d] == pool[d:]
        ra, rb, wa, wb = rem[:-d], rem[d:], w[:-d], w[d:]
        later_first = same & ((rb > ra) | ((rb == ra) & (wb > wa)))
        pos[:-d] += later_first
        pos[d:] += same & ~later_first
    return pos
