"""Money as exact integer pence, built and rounded through one set of helpers.

Every stored or reported amount is an ``int`` of pence.  Rates may carry fractions of a
penny, so intermediate products are ``Decimal`` or ``Fraction``; they become pence in
exactly one place, :func:`round_pence`, which rounds half away from zero (Excel ``ROUND``).

>>> to_pence("1234.56")
123456
>>> round_pence(Decimal("30.5") * 3)
92
>>> round_pence(Fraction(-5, 2))
-3
>>> fmt_pounds(-123456)
'-1234.56'
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from fractions import Fraction

__all__ = [
    "Decimal",
    "Fraction",
    "MoneyError",
    "fmt_gbp",
    "fmt_gbp_table",
    "fmt_pounds",
    "int64_sums_fit",
    "pence_to_decimal",
    "pounds_texts",
    "round_pence",
    "to_decimal",
    "to_pence",
]

PENNY = Decimal("0.01")


class MoneyError(ValueError):
    """A value that cannot be read as money."""


def to_decimal(value: object) -> Decimal:
    """Exact decimal from a string, int, Decimal or spreadsheet float.

    Floats go through ``str`` so ``0.1`` stays ``0.1``.

    >>> to_decimal(0.1)
    Decimal('0.1')
    >>> to_decimal(" 42 ")
    Decimal('42')
    """
    if isinstance(value, Decimal):
        return value
    if isinstance(value, bool):
        raise MoneyError(f"{value!r} is not a number")
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            raise MoneyError(f"{value!r} is not a number")
        return Decimal(str(value))
    if isinstance(value, Fraction):
        return Decimal(value.numerator) / Decimal(value.denominator)
    try:
        d = Decimal(str(value).strip())
    except InvalidOperation as exc:
        raise MoneyError(f"{value!r} is not a number") from exc
    if not d.is_finite():
        raise MoneyError(f"{value!r} is not a number")
    return d


def round_pence(amount: Decimal | Fraction | int) -> int:
    """Round an amount *in pence* to a whole penny, half away from zero.

    >>> round_pence(Decimal("2.5")), round_pence(Decimal("-2.5")), round_pence(Decimal("2.4999"))
    (3, -3, 2)
    >>> round_pence(Fraction(7, 2))
    4
    """
    if isinstance(amount, int):
        return amount
    if isinstance(amount, Fraction):
        num, den = amount.numerator, amount.denominator  # den > 0
        q, r = divmod(abs(num), den)
        if 2 * r >= den:
            q += 1
        return q if num >= 0 else -q
    return int(amount.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def to_pence(pounds: object) -> int:
    """Pounds (string, number or Decimal) to integer pence; more than 2 decimals is an error.

    >>> to_pence(0.1 + 0.2 - 0.3 + 12.34)
    1234
    >>> to_pence("12.345")
    Traceback (most recent call last):
    ...
    finance.core.money.MoneyError: '12.345' has more than two decimal places
    """
    if isinstance(pounds, float):
        # Spreadsheets hand us binary floats; anything within a millionth of a penny
        # of a whole penny is that penny.
        d = to_decimal(round(pounds, 6))
    else:
        d = to_decimal(pounds)
    p = d * 100
    if p != p.to_integral_value():
        raise MoneyError(f"{pounds!r} has more than two decimal places")
    return int(p)


def pence_to_decimal(pence: int) -> Decimal:
    """Integer pence to a two-decimal ``Decimal`` of pounds.

    >>> pence_to_decimal(4284000)
    Decimal('42840.00')
    """
    return (Decimal(pence) / 100).quantize(PENNY)


def fmt_pounds(pence: int) -> str:
    """Two-decimal string of pounds, as JSON money is written.

    Integer arithmetic only (the same text as ``str(pence_to_decimal(pence))``, about
    four times faster, which matters for the tens of thousands of amounts in a large
    book's JSON).

    >>> fmt_pounds(5), fmt_pounds(-5), fmt_pounds(0), fmt_pounds(-123456)
    ('0.05', '-0.05', '0.00', '-1234.56')
    """
    pounds, p = divmod(-pence if pence < 0 else pence, 100)
    return f"-{pounds}.{p:02d}" if pence < 0 else f"{pounds}.{p:02d}"


INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1


def int64_sums_fit(low: int, high: int, count: int) -> bool:
    """Whether every sum of up to ``count`` amounts between ``low`` and ``high`` stays
    within int64, so numpy can add them without wrapping round.

    >>> int64_sums_fit(-5, 2**62 - 1, 2), int64_sums_fit(0, 2**62, 2)
    (True, False)
    """
    bound = INT64_MAX // max(count, 1)
    return -bound <= low and high <= bound


#: From this many amounts on, :func:`pounds_texts` has pyarrow format them.
ARROW_MIN = 1000


def pounds_texts(pence: Sequence[int]) -> list[str]:
    """:func:`fmt_pounds` of every amount, formatted together.

    A long column of amounts that fit in int64 is formatted in one step by pyarrow (an
    amount of pence is the stored integer of a ``decimal128`` with two decimal places,
    and that decimal's text is the two-decimal string of pounds): about three times
    quicker than one call per amount, for the tens of thousands of service lines in a
    large book's JSON.  Any other column goes amount by amount; the texts are the same.

    >>> pounds_texts([5, -5, 0, -123456])
    ['0.05', '-0.05', '0.00', '-1234.56']
    """
    if len(pence) < ARROW_MIN or min(pence) < INT64_MIN or max(pence) > INT64_MAX:
        return list(map(fmt_pounds, pence))
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    low = np.asarray(pence, dtype="<i8")
    words = np.empty((len(low), 2), dtype="<i8")  # 128-bit two's complement, low word first
    words[:, 0], words[:, 1] = low, low >> 63
    dec = pa.Array.from_buffers(pa.decimal128(38, 2), len(low), [None, pa.py_buffer(words)])
    texts: list[str] = pc.cast(dec, pa.string()).to_pylist()
    return texts


def fmt_gbp(pence: int) -> str:
    """Human form with pound sign and thousands separators.

    >>> fmt_gbp(4284000), fmt_gbp(-150)
    ('£42,840.00', '-£1.50')
    """
    sign = "-" if pence < 0 else ""
    return f"{sign}£{pence_to_decimal(abs(pence)):,.2f}"


def fmt_gbp_table(pence: int) -> str:
    """:func:`fmt_gbp` as a table of figures shows it: a negative in brackets, as
    finance reads one (the workbook, the PDFs, the app and the terminal alike).

    >>> fmt_gbp_table(4284000), fmt_gbp_table(-150), fmt_gbp_table(0)
    ('£42,840.00', '(£1.50)', '£0.00')
    """
    return f"({fmt_gbp(-pence)})" if pence < 0 else fmt_gbp(pence)


def json_gbp(pounds: str | None) -> str:
    """A JSON money string shown in a table, exactly (``"-"`` for none), as the
    terminal summaries print it.

    >>> json_gbp("-1500.00"), json_gbp("42840.5"), json_gbp(None)
    ('(£1,500.00)', '£42,840.50', '-')
    """
    return "-" if pounds is None else fmt_gbp_table(to_pence(pounds))
