"""The partnership's rounding rules restated as Excel formulas, in one place.

Both layouts of the board report (the full one and the compact one for large books)
build their formulas from these functions, so each rule is written once:

* a contribution (§13.2) is ``ROUND(ROUND(rate x population x months / 12, 6), 0)``
  pence: the inner ``ROUND(.., 6)`` removes binary noise (``30.15 x 10`` is
  ``301.49999999999997`` as a double) before rounding half away from zero, as the
  engine does (``finance.core.money``);
* a refund (§13.2) is the uncommitted balance in pence times the refund share, rounded
  the same way, once;
* a largest-remainder share (§13.4, §18.1) is ``sign x (floor + extra penny) / 100``,
  with the floor and remainder worked out in exact integer arithmetic
  (:func:`floor_pence`, :func:`remainder`, :func:`rank`);
* a present value (Annex A §5.2) is the undiscounted year 0 plus ``NPV`` of years 1-5,
  rounded once to the penny;
* a saving against going it alone (§11.4) is the stand-alone cost for the months taken
  part (a year's cost x months / 12, rounded once) less the party's share.
"""

from __future__ import annotations

__all__ = ["contribution", "floor_pence", "present_value", "rank", "refund", "remainder",
           "rounded_pence", "saving", "share", "standalone_for_months"]


def rounded_pence(x: str) -> str:
    """Whole pence from an amount in pence: noise removed, then half away from zero."""
    return f"ROUND(ROUND({x},6),0)"


def contribution(rate: str, population: str, months: str) -> str:
    """A party's contribution in pounds: rate (pence) x population x months / 12."""
    return f"{rounded_pence(f'{rate}*{population}*{months}/12')}/100"


def refund(uncommitted: str, share: str) -> str:
    """The refund in pounds: none in a deficit, else the uncommitted pence x share."""
    return (f"IF({uncommitted}>0,"
            f"{rounded_pence(f'ROUND({uncommitted}*100,0)*{share}')}/100,0)")


def floor_pence(q: str, r: str, w: str, s: str) -> str:
    """``floor(P x w / S)`` exactly, from ``Q = QUOTIENT(P, S)`` and ``R = MOD(P, S)``."""
    return f"IF({s}=0,0,{q}*{w}+({r}*{w}-MOD({r}*{w},{s}))/{s})"


def remainder(r: str, w: str, s: str) -> str:
    """The fraction of a penny a party's floor left behind (``MOD(R x w, S) / S``)."""
    return f"IF({s}=0,0,MOD({r}*{w},{s})/{s})"


def rank(remainders: str, rem: str, weights: str, w: str, orders: str, order: str) -> str:
    """Position of a remainder: larger first, then the larger weight, then code order."""
    return (f"1+SUMPRODUCT(({remainders}>{rem})+({remainders}={rem})*({weights}>{w})"
            f"+({remainders}={rem})*({weights}={w})*({orders}<{order}))")


def share(sign: str, floor: str, extra: str) -> str:
    """A party's share in pounds: its floor plus any extra penny, with the total's sign."""
    return f"{sign}*({floor}+{extra})/100"


def present_value(rate: str, year0: str, years: str) -> str:
    """Year 0 undiscounted plus the later years discounted at ``rate`` (unrounded)."""
    return f"({year0}+NPV({rate},{years}))"


def standalone_for_months(cost: str, months: str) -> str:
    """A year's stand-alone cost (pounds) for the months taken part, in pounds, rounded
    once to the penny."""
    return f"{rounded_pence(f'ROUND({cost}*100,0)*{months}/12')}/100"


def saving(cost: str, months: str, share: str) -> str:
    """The saving against going it alone: the stand-alone cost for the months taken part
    less the share, to the penny."""
    return f"ROUND({standalone_for_months(cost, months)}-{share},2)"
