"""Warnings in the words a board member reads.

The engine's warnings (:class:`~finance.core.problems.Problem`) are written for the
person who fixes the book: a table, a row, a column and a message that starts with a
party's code.  The cover of the board report says the same in plain words, the council
by its name, with where it is in the book on a smaller line under it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from finance.core.problems import Problem

__all__ = ["board_warning", "short_name", "where"]

_SUFFIXES = (" Borough Council", " District Council", " County Council", " City Council",
             " Council")
_STALE = re.compile(r"^(?P<code>[^:\s]+): the latest estimate is for "
                    r"(?P<est>\d{4})-\d\d, older than (?P<year>\d{4})-\d\d$")
_MOVED = re.compile(r"^(?P<code>[^:\s]+): (?P<pop>[\d,]+) is (?P<rest>.+)$")
_CODE = re.compile(r"^(?P<code>[A-Z][A-Z0-9_-]*): (?P<rest>.+)$")


def short_name(code: str, names: Mapping[str, str]) -> str:
    """A council's name as said aloud: without "Borough Council" and the like; its code
    when the book does not name it.

    >>> short_name("MBC", {"MBC": "Maidstone Borough Council"})
    'Maidstone'
    >>> short_name("KCC", {"KCC": "Kent County Council"})
    'Kent'
    >>> short_name("XYZ", {})
    'XYZ'
    """
    name = names.get(code, "").strip()
    for suffix in _SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix):
            return name[: -len(suffix)]
    return name or code


def where(p: Problem) -> str:
    """Where a warning is in the input book, for whoever checks it.

    >>> where(Problem("populations", 2, "year", "x", "warning"))
    'In the book: populations table, row 2, column year'
    >>> where(Problem("budget", None, None, "x", "warning"))
    'In the book: budget table'
    """
    parts = [f"{p.table} table"]
    if p.row is not None:
        parts.append(f"row {p.row}")
    if p.column:
        parts.append(f"column {p.column}")
    return "In the book: " + ", ".join(parts)


def _sentence(s: str) -> str:
    s = s.strip()
    if not s:
        return s
    s = s[0].upper() + s[1:]
    return s if s.endswith((".", "!", "?")) else s + "."


def board_warning(p: Problem, names: Mapping[str, str]) -> str:
    """A warning as a sentence for the board: the council by name, no table, row or
    column (see :func:`where` for those); a warning of a kind not written out here keeps
    the engine's message, its leading party code replaced by the council's name.

    >>> names = {"MBC": "Maidstone Borough Council", "SBC": "Swale Borough Council"}
    >>> board_warning(Problem("populations", 2, "year", "MBC: the latest estimate is "
    ...                       "for 2008-09, older than 2025-26", "warning"), names)
    "Maidstone's population is the 2008-09 estimate: 17 years old."
    >>> board_warning(Problem("populations", 3, "year", "SBC: the latest estimate is "
    ...                       "for 2024-25, older than 2025-26", "warning"), names)
    "Swale's population is the 2024-25 estimate: 1 year old."
    >>> board_warning(Problem("populations", 4, "population", "SBC: 150,000 is 21% more "
    ...                       "than its 2024-25 estimate (124,000)", "warning"), names)
    "Swale's population, 150,000, is 21% more than its 2024-25 estimate (124,000)."
    >>> board_warning(Problem("ledger", 7, "amount", "a negative spend, -£500.00, lowers "
    ...                       "the year's spend", "warning"), names)
    "A negative spend, -£500.00, lowers the year's spend."
    >>> board_warning(Problem("services", 2, "host", "MBC: hosts nothing", "warning"), names)
    'Maidstone: hosts nothing.'
    >>> board_warning(Problem("years", 3, "opening_balance", "£5.00 differs from the £0.00 "
    ...                       "carried over from 2024-25", "warning"), names)
    'The opening balance given, £5.00, differs from the £0.00 carried over from 2024-25.'
    """
    msg = p.message.strip()
    if p.table == "populations":
        m = _STALE.match(msg)
        if m:
            age = int(m["year"]) - int(m["est"])
            est = msg.split("for ", 1)[1].split(",", 1)[0]
            return (f"{short_name(m['code'], names)}'s population is the {est} estimate: "
                    f"{age} year{'s' if age != 1 else ''} old.")
        m = _MOVED.match(msg)
        if m:
            return _sentence(f"{short_name(m['code'], names)}'s population, {m['pop']}, is "
                             f"{m['rest']}")
    if p.table == "years" and p.column in ("opening_balance", "opening_commitments"):
        what = p.column.replace("_", " ")
        first, _, rest = msg.partition(" ")
        if first.startswith(("£", "-£", "(£")) and rest:
            return _sentence(f"the {what} given, {first}, {rest}")
    m = _CODE.match(msg)
    if m and m["code"] in names:
        return _sentence(f"{short_name(m['code'], names)}: {m['rest']}")
    return _sentence(msg)
