"""Numbers and words as the app shows them, and numbers typed in its widgets read back.

Money is exact integer pence in the core; here it becomes text (:func:`gbp`), or pounds
as a float *only for display* (:func:`pounds`: two decimals, far inside float precision).
A number typed in a widget is a float; :func:`decimal_input` and :func:`pct_input` read
it back as the exact decimal the user meant.  Text from the data is made safe for
markdown with :func:`md_escape`.
"""

from __future__ import annotations

import re
from decimal import Decimal
from fractions import Fraction

from finance.core.model import Book
from finance.core.money import fmt_gbp_table
from finance.output import slug


def gbp(pence: int) -> str:
    """``£42,840.00``; negatives in brackets, as finance reads them: ``(£1.50)``.

    >>> gbp(4_284_000), gbp(-150), gbp(0)
    ('£42,840.00', '(£1.50)', '£0.00')
    """
    return fmt_gbp_table(pence)


def pounds(pence: int | None) -> float | None:
    """Pence as pounds for a display column (two decimals; display only)."""
    return None if pence is None else pence / 100


def pence_text(d: Decimal | Fraction) -> str:
    """``30p``, ``30.5p``."""
    x = Decimal(d.numerator) / Decimal(d.denominator) if isinstance(d, Fraction) else d
    return f"{x.normalize():f}p"


def pct_text(d: Decimal | Fraction | float | None, places: int = 1) -> str:
    """``35%``, ``3.5%``, ``33.3%``; ``—`` for none."""
    if d is None:
        return "—"
    x = float(d) * 100
    s = f"{x:,.{places}f}".rstrip("0").rstrip(".") if places else f"{x:,.0f}"
    return s + "%"


def ratio_text(x: float | None, places: int = 2) -> str:
    return "—" if x is None else f"{x:,.{places}f}"


def count_text(n: int, one: str, many: str | None = None) -> str:
    """``1 problem``, ``3 problems``."""
    return f"{n:,} {one if n == 1 else (many or one + 's')}"


def md_escape(text: str) -> str:
    """Text safe to show as markdown (no formatting, lists, emoji, colours or HTML from
    the data): the marks markdown reads escaped, a list's marker at a line's start
    too, and the colon that starts an emoji or a colour (``:smile:``, ``:red[…]``).

    >>> print(md_escape("a*b_ <i>"), md_escape("1. Audit"), md_escape("- ICT"))
    a\\*b\\_ \\<i\\> 1\\. Audit \\- ICT
    >>> print(md_escape(":smile: 2:1"))
    \\:smile\\: 2\\:1
    """
    out = text
    for ch in "\\`*_[]<>#|$~:":
        out = out.replace(ch, "\\" + ch)
    return _LIST_MARK.sub(lambda m: m.group(1) + "\\" + m.group(2), out)


#: A list's marker at the start of a line: ``- ``, ``+ ``, ``1. `` or ``1) ``.
_LIST_MARK = re.compile(r"(?m)^(\s*\d*)([-+.)])(?=\s)")


def number_format(d: Decimal, least: int = 2) -> str:
    """A widget format that shows every decimal place of ``d`` (at least ``least``).

    >>> number_format(Decimal("30")), number_format(Decimal("30.12345"))
    ('%.2f', '%.5f')
    """
    places = max(least, -int(d.normalize().as_tuple().exponent))
    return f"%.{places}f"


def decimal_input(x: float, places: int = 4) -> Decimal:
    """A number typed in a widget (a float) as the exact decimal the user meant.

    >>> decimal_input(30.5), decimal_input(0.1 + 0.2), decimal_input(50.0)
    (Decimal('30.5'), Decimal('0.3'), Decimal('50'))
    """
    return _plain(Decimal(str(round(x, places))))


def _plain(d: Decimal) -> Decimal:
    """No trailing zeros and no exponent: ``50.0`` -> ``50``, ``0.350`` -> ``0.35``."""
    if d == d.to_integral_value():
        return d.quantize(Decimal(1))
    return d.normalize()


def pct_input(x: float) -> Decimal:
    """A percentage typed in a widget (``35.0``) as a fraction (``Decimal('0.35')``).

    >>> pct_input(35.0), pct_input(3.5), pct_input(100.0), pct_input(0.0)
    (Decimal('0.35'), Decimal('0.035'), Decimal('1'), Decimal('0'))
    """
    return _plain(decimal_input(x) / 100)


def pct_value(d: Decimal) -> float:
    """A fraction as the percentage a widget shows (``0.035`` -> ``3.5``)."""
    return float(d * 100)


def file_stem(book: Book, year: str) -> str:
    """The CLI's output file name stem, ``mid-kent-improvement-partnership-2025-26``."""
    return f"{slug(book.settings.name)}-{year}"
