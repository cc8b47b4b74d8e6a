"""Largest-remainder (Hamilton) apportionment of a money total between parties (SPEC §2).

Rule, as SPEC §2 states it:

* each party's exact quota is ``|total| x weight / sum(weights)``;
* each share is the quota floored to the penny;
* the pennies left over (``|total| - sum(floors)``) go one each to the largest exact
  remainders; ties go to the larger weight, then to the party code in alphabetical order,
  so the answer never depends on the order of input rows;
* a negative total (deficit, clawback) is apportioned as its absolute value, then negated;
* a zero weight gets exactly 0; remainders are compared exactly (integers or fractions).

Shares therefore always add up to the total exactly.

Worked example (SPEC §4 contribution weights, a £100.00 refund):

>>> apportion(10000, {"MBC": 4284000, "SBC": 3855000, "TWBC": 3138000})
{'MBC': 3799, 'SBC': 3418, 'TWBC': 2783}

Quotas are 3798.84, 3418.43 and 2782.73 pence; floors 3798 + 3418 + 2782 = 9998, so two
pennies go to the largest remainders, .84 (MBC) and .73 (TWBC).

Two functions give identical answers: :func:`apportion` for one pool (exact, any
rational weights) and :func:`apportion_many` for many pools at once (numpy int64).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

import numpy as np
import numpy.typing as npt

Weight = int | Fraction | Decimal

__all__ = ["ApportionError", "Share", "apportion", "apportion_detail", "apportion_many"]


class ApportionError(ValueError):
    """Weights that cannot carry a total (negative, or all zero with a non-zero total)."""


@dataclass(frozen=True, slots=True)
class Share:
    """One party's line of a largest-remainder split, kept for the audit trail."""

    party: str
    weight: Fraction
    quota: Fraction  # exact share of |total| in pence
    floor: int  # quota rounded down, pence
    remainder: Fraction  # quota - floor, in [0, 1)
    rank: int  # 1 = first in line for a left-over penny
    extra_penny: bool
    share: int  # signed pence


def _as_fraction(w: Weight) -> Fraction:
    return w if isinstance(w, Fraction) else Fraction(w)


def apportion_detail(total: int, weights: Mapping[str, Weight]) -> tuple[Share, ...]:
    """Split ``total`` pence by ``weights`` and return every intermediate figure.

    Rows come back sorted by party code.

    >>> [(s.party, s.floor, s.rank, s.extra_penny, s.share) for s in
    ...  apportion_detail(-100, {"B": 1, "A": 1, "C": 1})]
    [('A', 33, 1, True, -34), ('B', 33, 2, False, -33), ('C', 33, 3, False, -33)]
    """
    if not isinstance(total, int | np.integer):
        raise TypeError(f"total must be integer pence, not {type(total).__name__}")
    total = int(total)
    fw = {p: _as_fraction(w) for p, w in weights.items()}
    for p, w in fw.items():
        if w < 0:
            raise ApportionError(f"weight for {p} is negative ({w})")
    wsum = sum(fw.values(), Fraction(0))
    codes = sorted(fw)
    if wsum == 0:
        if total != 0:
            raise ApportionError(
                f"cannot split {total} pence: every weight is zero ({', '.join(codes)})"
            )
        return tuple(
            Share(p, Fraction(0), Fraction(0), 0, Fraction(0), i + 1, False, 0)
            for i, p in enumerate(codes)
        )
    sign = -1 if total < 0 else 1
    mag = abs(total)
    quota = {p: mag * fw[p] / wsum for p in codes}
    floor = {p: quota[p].numerator // quota[p].denominator for p in codes}
    rem = {p: quota[p] - floor[p] for p in codes}
    left = mag - sum(floor.values())
    order = sorted(codes, key=lambda p: (-rem[p], -fw[p], p))
    rank = {p: i + 1 for i, p in enumerate(order)}
    extra = {p: rank[p] <= left and fw[p] > 0 for p in codes}
    return tuple(
        Share(
            party=p,
            weight=fw[p] / wsum,
            quota=quota[p],
            floor=floor[p],
            remainder=rem[p],
            rank=rank[p],
            extra_penny=extra[p],
            share=sign * (floor[p] + int(extra[p])),
        )
        for p in codes
    )


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
    if n == 0:
        return np.zeros((0, k), dtype=np.int64)
    if (w < 0).any():
        raise ApportionError("weights must not be negative")
    mag = np.abs(t)
    wsum = w.sum(axis=1)
    limit = np.iinfo(np.int64).max
    if int(mag.max()) * max(int(w.max()), 1) >= limit or int(wsum.max()) * 2 >= limit:
        raise OverflowError("pool too large for int64; use apportion() for this pool")
    zero = wsum == 0
    if (zero & (mag != 0)).any():
        bad = int(np.flatnonzero(zero & (mag != 0))[0])
        raise ApportionError(f"pool {bad}: cannot split a non-zero total when every weight is 0")
    safe = np.where(zero, 1, wsum)
    # Work party-major, (k, n): each party's column is contiguous, so the per-party
    # comparisons below stream through memory.
    wt = np.ascontiguousarray(w.T)
    floor, rem = np.divmod(wt * mag, safe)
    left = mag - floor.sum(axis=0)
    code_rank = np.argsort(np.argsort(np.asarray(codes, dtype=object))).astype(np.int64)
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
    return np.ascontiguousarray(floor.T)
