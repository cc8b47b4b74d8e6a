"""Reading one cell as typed data, by a documented rule (docs/input-format.md).

Each reader takes the raw cell (a ``str`` from CSV, or a ``str``/``int``/``float``/
``datetime`` from a workbook, or ``None``) and returns a typed value or raises
:class:`CellError` with a plain sentence.  Blank means ``None`` or text of only spaces.

Accepted forms (what officers really type):

* money (pounds): ``1234.5``, ``£1,234.50``, ``(1,234.50)`` for a negative, ``-12``,
  a spreadsheet number; at most two decimal places.
* percentages: ``35%``; a fraction ``0.35``; or a plain number above 1 and at most 100
  read as a percentage (``35`` is 35%).  ``1`` is 100%.
* dates: ISO ``2025-09-01``, UK order ``01/09/2025``, a workbook date, or a spreadsheet
  date serial (days since 1899-12-30).
* whole numbers: ``142800``, ``142,800``, ``142800.0``.
* yes/no: yes, no, y, n, true, false, 1, 0.

>>> read_money("£1,234.50"), read_money("(12.00)"), read_money(3.1)
(123450, -1200, 310)
>>> read_pct("35%"), read_pct("0.35"), read_pct("35"), read_pct(1)
(Decimal('0.35'), Decimal('0.35'), Decimal('0.35'), Decimal('1'))
>>> read_date("01/09/2025"), read_date("2025-09-01"), read_date(45901)
(datetime.date(2025, 9, 1), datetime.date(2025, 9, 1), datetime.date(2025, 9, 1))
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation

from finance.core.money import MoneyError, to_decimal, to_pence
from finance.core.years import YearError, parse_year, year_label

#: A population, count or amount beyond this is refused as absurd.
MAX_MONEY_PENCE = 10**15  # ten trillion pounds
MAX_WHOLE = 10**10


class CellError(ValueError):
    """A cell that cannot be read as its column's type."""


def is_blank(v: object) -> bool:
    return v is None or (isinstance(v, str) and v.strip() == "") or (
        isinstance(v, float) and v != v
    )


def show(v: object) -> str:
    """How a raw value is quoted in a message."""
    if isinstance(v, str):
        return f"'{v}'"
    if isinstance(v, float) and v.is_integer():
        return f"'{int(v)}'"
    return f"'{v}'"


def read_text(v: object) -> str:
    """Text as typed, spaces trimmed; never evaluated (``=1+1`` stays text)."""
    if v is None:
        return ""
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v).strip()


_NUM_CLEAN = re.compile(r"[£,\s]")


_GROUPED = re.compile(r"^-?£?\d{1,3}(,\d{3})+(\.\d*)?$")


def _number_text(v: object) -> tuple[str, bool]:
    """Strip currency, thousands separators and accounting brackets. Returns (text, negated).

    A comma must separate groups of three digits (``1,234.50``); any other comma, such as a
    decimal comma (``21750,50``), is refused rather than guessed at.

    >>> _number_text("(£1,234.50)")
    ('1234.50', True)
    >>> _number_text("21750,50")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    finance.core.cells.CellError: '21750,50' has a comma that is not a thousands separator...
    """
    s = str(v).strip()
    neg = False
    if s.startswith("(") and s.endswith(")"):
        s, neg = s[1:-1], True
    if "," in s and not _GROUPED.match(s.replace(" ", "")):
        raise CellError(f"{show(v)} has a comma that is not a thousands separator (write "
                        "1234.56, with a point for pence)")
    s = _NUM_CLEAN.sub("", s)
    if s.startswith("-£"):
        s = "-" + s[2:]
    return s, neg


#: Money in the plain form ``-1234.56`` (at most 13 digits and 2 decimals: exact in
#: ``decimal(17, 2)``); the columnar reader uses the same pattern.
PLAIN_MONEY = re.compile(r"^(-?)(\d{1,13})(?:\.(\d{1,2}))?$")


def read_money(v: object) -> int:
    """Pounds to integer pence."""
    if v.__class__ is str:
        m = PLAIN_MONEY.match(str(v))
        if m:  # the common case, without Decimal: 1234.5 -> 123450
            p = int(m.group(2)) * 100 + int((m.group(3) or "0").ljust(2, "0"))
            return -p if m.group(1) else p
    if isinstance(v, bool):
        raise CellError(f"{show(v)} is not an amount of money")
    try:
        if isinstance(v, int | float | Decimal):
            p = to_pence(v)
        else:
            s, neg = _number_text(v)
            p = to_pence(s)
            if neg:
                p = -p
    except MoneyError as exc:
        if "decimal places" in str(exc):
            raise CellError(f"{show(v)} has more than two decimal places (pence)") from exc
        raise CellError(f"{show(v)} is not an amount of money") from exc
    if abs(p) >= MAX_MONEY_PENCE:
        raise CellError(f"{show(v)} is too large to be a real amount")
    return p


def read_decimal(v: object) -> Decimal:
    if isinstance(v, bool):
        raise CellError(f"{show(v)} is not a number")
    try:
        if isinstance(v, int | float | Decimal):
            d = to_decimal(v)
        else:
            s, neg = _number_text(v)
            d = to_decimal(s)
            d = -d if neg else d
    except (MoneyError, InvalidOperation) as exc:
        raise CellError(f"{show(v)} is not a number") from exc
    if abs(d) >= MAX_MONEY_PENCE:
        raise CellError(f"{show(v)} is too large to be a real figure")
    return d


def read_whole(v: object) -> int:
    try:
        d = read_decimal(v)
    except CellError as exc:
        if "too large" in str(exc):
            raise CellError(f"{show(v)} is too large to be real") from exc
        raise CellError(f"{show(v)} is not a whole number") from exc
    if d != d.to_integral_value():
        raise CellError(f"{show(v)} is not a whole number")
    if abs(d) > MAX_WHOLE:
        raise CellError(f"{show(v)} is too large to be real")
    return int(d)


def read_pct(v: object) -> Decimal:
    """A percentage as a fraction (``Decimal('0.35')``); see the module rule."""
    if isinstance(v, str) and v.strip().endswith("%"):
        try:
            d = to_decimal(_number_text(v.strip()[:-1])[0]) / 100
        except MoneyError as exc:
            raise CellError(f"{show(v)} is not a percentage") from exc
    else:
        try:
            d = read_decimal(v)
        except CellError as exc:
            raise CellError(f"{show(v)} is not a percentage") from exc
        if 1 < d <= 100:
            d = d / 100
    if d < 0 or d > 1:
        raise CellError(f"{show(v)} is not a percentage between 0% and 100%")
    return d.normalize() if d != 0 else Decimal(0)


_UK = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]00:00(?::00)?)?$")
_EXCEL_EPOCH = date(1899, 12, 30)


def read_date(v: object) -> date:
    if isinstance(v, datetime):
        return v.date()
    if isinstance(v, date):
        return v
    if isinstance(v, int | float) and not isinstance(v, bool):
        if float(v).is_integer() and 1 <= v <= 2958465:
            return _EXCEL_EPOCH + timedelta(days=int(v))
        raise CellError(f"{show(v)} is not a date")
    s = str(v).strip()
    m = _ISO.match(s)
    try:
        if m:
            return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        m = _UK.match(s)
        if m:
            return date(int(m.group(3)), int(m.group(2)), int(m.group(1)))
        if s.isdigit():
            return read_date(int(s))
    except ValueError as exc:
        raise CellError(f"{show(v)} is not a real date") from exc
    raise CellError(f"{show(v)} is not a date (use 2025-09-01 or 01/09/2025)")


def read_year(v: object) -> str:
    """A financial year label, ``2025-26``; a workbook may turn it into a date."""
    s = read_text(v)
    try:
        return year_label(parse_year(s))
    except YearError as exc:
        raise CellError(f"{show(v)} is not a financial year like 2025-26") from exc


_YES = {"yes", "y", "true", "1", "t"}
_NO = {"no", "n", "false", "0", "f"}


def read_bool(v: object) -> bool:
    if isinstance(v, bool):
        return v
    s = read_text(v).lower()
    if s in _YES:
        return True
    if s in _NO:
        return False
    raise CellError(f"{show(v)} is not yes or no")
