"""Small helpers shared by the sheet modules: number formats, ledger order, titles."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from fractions import Fraction

from finance.core.model import LedgerEntry

__all__ = ["DATE_ORDER", "RATIO", "SCORE", "YEARS", "decimals", "label_width", "ledger_order",
           "pct_fmt", "pct_label", "scaled"]

RATIO = "0.00"
SCORE = "0.0"
YEARS = '0.00 "yrs"'
DATE_ORDER = "dd/mm/yyyy"


def label_width(labels: Iterable[str], least: float = 16, most: float = 40) -> float:
    """A column width (characters) that holds each of ``labels`` on one line, as a wrapped
    cell reckons its lines (about 1.1 characters a character of width), between ``least``
    and ``most``; a longer label wraps."""
    return min(max([least, *(int(len(s) * 1.1) + 2 for s in labels)]), most)


def ledger_order(e: LedgerEntry) -> tuple[object, ...]:
    """Ledger lines in date order (undated last), then by their other fields, so the
    report is the same whatever the order of the input rows."""
    from datetime import date

    return (e.date is None, e.date or date.min, e.kind, e.reference, e.amount, e.description)


def pct_fmt(x: Decimal | Fraction | float | None) -> str:
    """A percentage format with as many decimals as ``x`` needs (at most six)."""
    if x is None:
        return "0.0%"
    d = Decimal(str(float(x))) * 100
    if d == d.to_integral_value():
        return "0%"
    places = max(1, min(6, -d.normalize().as_tuple().exponent))  # type: ignore[operator]
    return "0." + "0" * places + "%"


def pct_label(rate: Decimal) -> str:
    return f"{(rate * 100).normalize():f}%"


def decimals(values: list[Decimal | Fraction | int]) -> int:
    """Decimal places needed to write every value as a whole number (at most 9)."""
    k = 0
    for v in values:
        if isinstance(v, int):
            continue
        if isinstance(v, Fraction):
            if v.denominator == 1:
                continue
            v = Decimal(v.numerator) / Decimal(v.denominator)
        exp = v.normalize().as_tuple().exponent
        if isinstance(exp, int) and exp < 0:
            k = max(k, -exp)
    return min(k, 9)


def scaled(v: Decimal | Fraction | int, k: int) -> int:
    x = Fraction(v) * 10**k
    if x.denominator != 1:
        raise ValueError(f"{v} has more than {k} decimal places")
    return int(x)
