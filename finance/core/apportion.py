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

How it is computed: the weights are first brought to whole numbers over a common
denominator (rational weights ``n_i / d_i`` become ``n_i x (L / d_i)`` with ``L`` the
least common multiple of the ``d_i``; the split depends only on the weights' ratios, so
this changes nothing).  With integer weights ``w_i`` summing to ``W`` the quota is
``|total| x w_i / W``, and ``divmod(|total| x w_i, W)`` gives the floor and the remainder's
numerator; every remainder in a pool shares the denominator ``W``, so remainders are
compared exactly as integers.  No float and no ``Fraction`` enters the arithmetic.

This module holds the one reference statement of the rule, :func:`_split_ints`, behind
:func:`apportion` and :func:`apportion_detail` (one pool of any rational weights).  The
vectorised kernel that splits many pools at once (the shared services) is
:mod:`finance.core.apportion_fast`; property tests hold it to this reference.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from fractions import Fraction
from math import gcd, lcm
from typing import NamedTuple

import numpy as np

from finance.core.model import value_record

Weight = int | Fraction | Decimal

__all__ = ["ApportionError", "Share", "apportion", "apportion_detail"]


class ApportionError(ValueError):
    """Weights that cannot carry a total (negative, or all zero with a non-zero total)."""


@value_record
class Share(NamedTuple):
    """One party's line of a largest-remainder split, kept for the audit trail.

    A named tuple (a large book's services have tens of thousands of lines, and a tuple
    is built several times faster than a frozen dataclass) that compares as a frozen
    dataclass does (:func:`~finance.core.model.value_record`); read its fields by name.

    Fields:
        party: the party code.
        floor: its quota rounded down, whole pence.
        rank: its place in the queue for a left-over penny (1: first): larger remainder
            first, then larger weight, then party code.
        extra_penny: ``True`` when it got one of the left-over pennies.
        share: its share of the total, signed pence: ``floor`` plus the extra penny,
            negated when the total is negative.
        weight_num: the numerator of its normalised weight ``w / W`` (its weight over the
            sum of the pool's weights), in lowest terms (0 for a zero weight).
        weight_den: the denominator of that weight, in lowest terms (1 for a zero weight).
        magnitude: ``|total|``, pence, the amount split (0 for a zero weight, so that
            equal figures are equal tuples).

    Worked out when read, exactly:

    * ``weight``: ``weight_num / weight_den``, a ``Fraction``;
    * ``quota``: its exact share of ``|total|``, pence: ``magnitude x weight``;
    * ``remainder``: ``quota - floor``, a ``Fraction`` of a penny in [0, 1).

    >>> s = apportion_detail(100, {"A": 1, "B": 2})[0]
    >>> s.weight, s.quota, s.remainder, s.floor, s.rank, s.extra_penny, s.share
    (Fraction(1, 3), Fraction(100, 3), Fraction(1, 3), 33, 2, False, 33)
    """

    party: str
    floor: int
    rank: int
    extra_penny: bool
    share: int
    weight_num: int
    weight_den: int
    magnitude: int

    @property
    def weight(self) -> Fraction:
        """Normalised weight: this party's weight over the sum of the pool's weights."""
        return Fraction(self.weight_num, self.weight_den)

    @property
    def quota(self) -> Fraction:
        """Exact share of ``|total|`` in pence."""
        return Fraction(self.magnitude * self.weight_num, self.weight_den)

    @property
    def remainder(self) -> Fraction:
        """``quota - floor``, in [0, 1)."""
        den = self.weight_den
        return Fraction(self.magnitude * self.weight_num - self.floor * den, den)

    def __repr__(self) -> str:
        return (f"Share(party={self.party!r}, weight={self.weight!r}, quota={self.quota!r}, "
                f"floor={self.floor!r}, remainder={self.remainder!r}, rank={self.rank!r}, "
                f"extra_penny={self.extra_penny!r}, share={self.share!r})")


#: How many fields a :class:`Share` has; a service's line
#: (:class:`~finance.core.services.ServiceLine`) starts with the same ones, in the same
#: order, so ``Share._make(line[:SHARE_FIELDS])`` is its split's line.
SHARE_FIELDS = len(Share._fields)


def _as_fraction(w: Weight) -> Fraction:
    return w if isinstance(w, Fraction) else Fraction(w)


def _split_ints(total: int, codes: Sequence[str], ws: Sequence[int]) -> tuple[Share, ...]:
    """The rule itself, on one pool of non-negative integer weights ``ws`` (Python integers).

    ``codes`` are the parties' codes, sorted and unique, ``ws`` their weights in the same
    order.  This is the reference: every other way of working out a split
    (:mod:`finance.core.apportion_fast`) is tested against it.

    >>> [(s.party, s.floor, s.rank, s.share) for s in _split_ints(3, ["A", "B", "C"], [1, 3, 2])]
    [('A', 0, 2, 0), ('B', 1, 1, 2), ('C', 1, 3, 1)]

    (Quotas 0.5, 1.5 and 1: A and B tie on remainder 0.5, B has the larger weight.)
    """
    k = len(ws)
    wsum = sum(ws)
    if wsum == 0:
        if total:
            raise ApportionError(
                f"cannot split {total} pence: every weight is zero ({', '.join(codes)})"
            )
        return tuple(Share(p, 0, i + 1, False, 0, 0, 1, 0) for i, p in enumerate(codes))
    sign = -1 if total < 0 else 1
    mag = total * sign
    floors = [mag * w // wsum for w in ws]
    rems = [mag * w % wsum for w in ws]  # each remainder x W: compared as integers
    left = mag - sum(floors)  # the pennies left over
    # The queue for them: larger remainder, then larger weight, then earlier code.
    queue = sorted(range(k), key=lambda i: (-rems[i], -ws[i], codes[i]))
    rank = [0] * k
    for place, i in enumerate(queue, 1):
        rank[i] = place
    out = []
    for p, w, fl, rk in zip(codes, ws, floors, rank, strict=True):
        extra = rk <= left and w > 0
        g = gcd(w, wsum)
        out.append(Share(p, fl, rk, extra, sign * (fl + extra), w // g, wsum // g,
                         mag if w else 0))
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


def apportion(total: int, weights: Mapping[str, Weight]) -> dict[str, int]:
    """Split ``total`` pence by ``weights``; returns ``{party: pence}`` sorted by code.

    >>> apportion(100, {"A": 1, "B": 1, "C": 1})
    {'A': 34, 'B': 33, 'C': 33}
    >>> apportion(101, {"A": 0, "B": 1})
    {'A': 0, 'B': 101}
    """
    return {s.party: s.share for s in apportion_detail(total, weights)}
