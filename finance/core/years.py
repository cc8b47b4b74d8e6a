"""Financial years: 1 April to 31 March, written ``2025-26``.

>>> parse_year("2025-26")
2025
>>> year_label(2008)
'2008-09'
>>> months_remaining(date(2025, 9, 1), "2025-26")
7
>>> next_year("1999-00")
'2000-01'
"""

from __future__ import annotations

import re
from datetime import date
from functools import lru_cache

_YEAR = re.compile(r"^(\d{4})-(\d{2})$")


class YearError(ValueError):
    """A financial year not written like ``2025-26``."""


@lru_cache(maxsize=4096)  # a few labels read many times (every row of a large book)
def parse_year(label: str) -> int:
    """Start calendar year of a financial year label; strict ``YYYY-YY`` with YY = YYYY+1."""
    m = _YEAR.match(label.strip())
    if not m:
        raise YearError(f"'{label}' is not a financial year like 2025-26")
    start = int(m.group(1))
    if (start + 1) % 100 != int(m.group(2)):
        raise YearError(f"'{label}' is not a financial year: {start} is followed by "
                        f"{(start + 1) % 100:02d}, not {m.group(2)}")
    return start


def year_label(start: int) -> str:
    return f"{start}-{(start + 1) % 100:02d}"


def next_year(label: str) -> str:
    return year_label(parse_year(label) + 1)


def previous_year(label: str) -> str:
    return year_label(parse_year(label) - 1)


def year_start(label: str) -> date:
    return date(parse_year(label), 4, 1)


def year_end(label: str) -> date:
    return date(parse_year(label) + 1, 3, 31)


def year_of(d: date) -> str:
    """Financial year that contains a date.

    >>> year_of(date(2026, 3, 31)), year_of(date(2026, 4, 1))
    ('2025-26', '2026-27')
    """
    return year_label(d.year if d.month >= 4 else d.year - 1)


def months_remaining(joined: date | None, label: str) -> int:
    """Whole months a party takes part in year ``label`` when it joins on ``joined``.

    §13.2: a party joining after 1 April pays for the whole months remaining from the
    month it joins (joining on 1 September: September..March, 7 of 12).  Joined on or
    before 1 April: 12; joined after the year: 0.

    >>> months_remaining(None, "2025-26"), months_remaining(date(2026, 3, 31), "2025-26")
    (12, 1)
    >>> months_remaining(date(2026, 4, 1), "2025-26")
    0
    """
    if joined is None or joined <= year_start(label):
        return 12
    if joined > year_end(label):
        return 0
    month_index = (joined.month - 4) % 12  # April = 0
    return 12 - month_index


def months_before_leaving(left: date | None, label: str) -> int:
    """Whole months of year ``label`` before a party leaves on ``left``: April to the
    month it leaves, inclusive.  Left on or before 1 April: 0; not left, or left after
    the year: 12.

    >>> months_before_leaving(date(2025, 9, 30), "2025-26"), months_before_leaving(None, "2025-26")
    (6, 12)
    >>> months_before_leaving(date(2025, 4, 1), "2025-26")
    0
    """
    if left is None or left > year_end(label):
        return 12
    if left <= year_start(label):
        return 0
    return (left.month - 4) % 12 + 1


def months_taking_part(joined: date | None, left: date | None, label: str) -> int:
    """Whole months a party takes part in year ``label``: from the month it joins
    (:func:`months_remaining`) to the month it leaves, inclusive
    (:func:`months_before_leaving`).

    >>> months_taking_part(date(2025, 9, 1), date(2025, 12, 15), "2025-26")  # Sep..Dec
    4
    >>> months_taking_part(None, date(2025, 9, 30), "2025-26"), months_taking_part(
    ...     date(2026, 1, 1), date(2025, 12, 1), "2025-26")
    (6, 0)
    """
    return max(0, months_remaining(joined, label) - (12 - months_before_leaving(left, label)))
