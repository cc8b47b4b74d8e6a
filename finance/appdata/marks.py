"""The Data tab's Check column: what is changed, or wrong, in each row of an editor.

Streamlit colours only the read-only columns of an editor, and resets an editor's edits
when the data it is given changes.  So each editor carries one read-only column, Check,
whose *data* is blank and never changes while the editor is drawn, and whose *shown text
and colour* (a pandas ``Styler``, which is not part of the editor's identity) say, row by
row, what differs from the source and what the checks found:

* red, ``✖ Joined: not a real date``: an error in the row, which stops the figures, in
  the column named, with why when it is a cell that cannot be read as its column's kind
  (``✖ row`` when it is the whole row's);
* yellow, ``✎ Population``: a cell changed against the source (``✎ 2 cells``, several;
  ``✎ new row``, a row added), with ``⚠`` after it when the row has a warning too;
* orange, ``⚠ Population``: a warning on a row not changed, which does not stop the
  figures.

The column is as wide as its marks when the editor is drawn, and narrow when it has
none (:mod:`finance.appdata.widths`): what each mark means in full (the problem's
message, the value the cell had) is in the lists above the table.
The same problems and changes are listed above each table too; a table longer than
:data:`MAX_MARKED_ROWS` rows has them listed there only (styling every row of a long
table would slow every edit).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pandas as pd

from finance.appdata.editing import column_label, row_cells
from finance.core.problems import Problem

if TYPE_CHECKING:
    from pandas.io.formats.style import Styler

__all__ = ["CHECK", "CHECK_HELP", "Mark", "marked", "reason", "row_marks", "with_check"]

#: The Check column's name in an editor's frame (no input table has a column so named).
CHECK = "_check"
CHECK_HELP = ("What is wrong or changed in this row, and in which column: ✖ (red) a "
              "problem to put right, which stops the figures, and why; ⚠ (orange) a "
              "warning; ✎ (yellow) a change against the source. The lists above the "
              "table say more.")
#: Longer tables have their changes and problems listed above them only.
MAX_MARKED_ROWS = 1_000
#: At most this many different texts are written into one editor's Check column; the
#: other marked rows show only their kind's symbol (the list above has the rest).
MAX_TEXTS = 100

COLOURS = {"error": "background-color: #fde2e1; color: #9b1c1c; font-weight: 600",
           "warning": "background-color: #ffedd5; color: #9a3412",
           "changed": "background-color: #fef6c7; color: #713f12"}
SYMBOLS = {"error": "✖", "warning": "⚠", "changed": "✎"}


@dataclass(frozen=True)
class Mark:
    """One row's mark in an editor's Check column.

    Fields:
        kind: ``error``, ``warning`` or ``changed`` (its colour).
        text: what the column shows: the kind's symbol and the column it is about.
    """

    kind: str
    text: str


def with_check(frame: pd.DataFrame) -> pd.DataFrame:
    """An editor's frame with the (blank) Check column first, its ``attrs`` kept.

    >>> f = pd.DataFrame({"population": [142800]}, index=pd.Index([2]))
    >>> f.attrs["kinds"] = {"population": "whole"}
    >>> g = with_check(f); list(g.columns), g.attrs
    (['_check', 'population'], {'kinds': {'population': 'whole'}})
    """
    out = frame.copy()
    out.insert(0, CHECK, pd.Series("", index=frame.index, dtype="string"))
    return out


#: A cell's problem as the book words it: the cell's text quoted, then what is wrong.
_CELL_PROBLEM = re.compile(r"^'[^']*' (?:is )?(?P<why>.+?)(?: \(.*\))?$")


def reason(message: str) -> str:
    """Why a cell is wrong, in short, from the book's message about it ("" when the
    message is not about the cell's own text).

    >>> reason("'31/02/2025' is not a real date"), reason("'abc' is not a whole number")
    ('not a real date', 'not a whole number')
    >>> reason("'1.234' has more than two decimal places (pence)")
    'has more than two decimal places'
    >>> reason("the party's notice comes after it left")
    ''
    """
    m = _CELL_PROBLEM.match(message)
    return m.group("why") if m else ""


def _error_text(table: str, p: Problem) -> str:
    """An error's mark: the column it is in and, for a cell that cannot be read, why.

    >>> _error_text("parties", Problem("parties", 3, "joined", "'31/02/2025' is not a real date"))
    '✖ Joined: not a real date'
    >>> _error_text("parties", Problem("parties", 3, None, "a duplicate row"))
    '✖ row'
    """
    where = _where(table, [p.column], "row")
    why = reason(p.message) if p.column else ""
    return f"✖ {where}: {why}" if why else f"✖ {where}"


def _where(table: str, columns: list[str | None], row: str) -> str:
    """The column a mark is about, by its label; ``row`` when it is about no one
    column; how many when several."""
    named = list(dict.fromkeys(c for c in columns if c))
    if not named:
        return row
    if len(named) == 1:
        return column_label(table, named[0])
    return f"{len(named)} cells"


def row_marks(table: str, rows: Iterable[int], base: pd.DataFrame,
              current: pd.DataFrame, problems: Iterable[Problem]) -> dict[int, Mark]:
    """Each marked row of an editor, by its row number (the sheet's): the column of the
    first error found in it (and why, for a cell that cannot be read); else the cells
    changed against the source (``base``), the user's own doing, with ``⚠`` after them
    if the row has a warning too; else the column of its first warning; rows with
    nothing to say are left out (all of them in a table longer than
    :data:`MAX_MARKED_ROWS`).  ``rows``: the editor's rows; ``current``: the
    table as edited, as text.

    >>> base = pd.DataFrame({"party": ["MBC", "SBC"], "population": ["142,800", "150,000"]},
    ...                     index=pd.Index([2, 3]))
    >>> now = base.copy(); now.loc[2, "population"] = "150000"; now.loc[3, "party"] = "X"
    >>> bad = Problem("populations", 3, "party", "'X' is not a party")
    >>> for row, m in row_marks("populations", [2, 3], base, now, [bad]).items():
    ...     print(row, m.kind, m.text)
    2 changed ✎ Population
    3 error ✖ Party: not a party
    """
    rows = list(rows)
    if len(rows) > MAX_MARKED_ROWS:  # not shown in the editor: listed above it only
        return {}
    errors: dict[int, list[Problem]] = {}
    warnings: dict[int, list[Problem]] = {}
    for p in problems:
        if p.table == table and p.row is not None:
            (errors if p.is_error else warnings).setdefault(p.row, []).append(p)
    old, new = row_cells(base), row_cells(current)
    out: dict[int, Mark] = {}
    for row in rows:
        warned = " ⚠" if row in warnings else ""
        changed = [] if row not in new or row not in old else [
            c for c, v in new[row].items() if v != old[row].get(c)]
        if row in errors:
            out[row] = Mark("error", _error_text(table, errors[row][0]))
        elif row in new and row not in old:
            out[row] = Mark("changed", "✎ new row" + warned)
        elif changed:
            out[row] = Mark("changed", "✎ " + _where(table, list(changed), "row") + warned)
        elif row in warnings:
            out[row] = Mark("warning", "⚠ " + _where(
                table, [warnings[row][0].column], "row"))
    return out


def _showing(text: str) -> Callable[[object], str]:
    """A cell formatter that shows ``text`` whatever the cell holds."""
    return lambda _v: text


def marked(shown: pd.DataFrame, marks: Mapping[int, Mark]) -> pd.DataFrame | Styler:
    """An editor's frame (with its Check column) as the editor is given it: styled, its
    Check column showing each row's mark, when a row is marked and the table is short
    enough (:data:`MAX_MARKED_ROWS`); else the frame itself.

    >>> f = with_check(pd.DataFrame({"population": [1, 2]}, index=pd.Index([2, 3])))
    >>> marked(f, {}) is f, marked(f, {3: Mark("changed", "✎ Population")}).data is f
    (True, True)
    """
    rows = [r for r in shown.index if r in marks]
    if not rows or len(shown) > MAX_MARKED_ROWS:
        return shown
    texts: dict[str, None] = {}  # the first MAX_TEXTS different texts, in row order
    by_text: dict[str, list[int]] = {}
    for r in rows:
        text = marks[r].text
        if text not in texts and len(texts) >= MAX_TEXTS:
            text = SYMBOLS[marks[r].kind]
        texts.setdefault(text, None)
        by_text.setdefault(text, []).append(r)
    styler = shown.style
    for text, group in by_text.items():
        styler = styler.format(_showing(text), subset=pd.IndexSlice[group, [CHECK]])
    colours = [COLOURS[marks[r].kind] if r in marks else "" for r in shown.index]

    def colour(_column: pd.Series) -> list[str]:
        return colours

    return styler.apply(colour, subset=[CHECK], axis=0)
