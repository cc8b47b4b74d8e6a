"""The Data tab's editor columns: each cell shown as the grid shows it, and edited as
text, so what is typed is never bent.

Money, percentages, numbers and dates are shown as text in the grid's own forms
(``£1,234.50``, ``35%``, ``142,800``, dates day first, ``01/09/2008``, whatever the
browser's language), and what is typed into them goes to the book's validator as typed:
``31/02/2025`` in a date column stays ``31/02/2025`` and is reported as the book reports
it (``'31/02/2025' is not a real date``), never turned into a blank (a blank has a
meaning of its own: a member from the start).  Yes/no columns are ticked boxes.

Going back (:func:`text_frame`), a cell left as it was shown keeps the text it had
(``£1,234.56`` in the book stays ``£1,234.56``, a rate of ``30.12345`` stays
``30.12345``), and a cell typed back to the book's value (``142800`` for ``142,800``)
takes the book's text again, so only what the user changed is a change.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import date, datetime
from typing import Any, Literal

import numpy as np
import pandas as pd

from finance.appdata.formats import gbp
from finance.core.cells import (
    CellError,
    is_blank,
    read_bool,
    read_date,
    read_decimal,
    read_money,
    read_pct,
    read_whole,
)
from finance.core.schema import column as schema_column

__all__ = ["READERS", "apply_edits", "editor_alignment", "editor_kind", "shown_frame",
           "shown_text", "text_frame", "untouched"]

#: The registry's kinds an editor shows in a form of their own, and how a cell's text
#: is read as one (the book's own readers).
READERS: dict[str, Callable[[object], object]] = {
    "money": read_money,
    "number": read_decimal,
    "whole": read_whole,
    "pct": read_pct,
    "date": read_date,
    "bool": read_bool,
}

#: How a value read is shown in the grid, by kind.
_SHOWN: dict[str, Callable[[Any], str]] = {
    "money": gbp,
    "number": lambda d: format(d, ",f"),
    "whole": lambda n: f"{n:,}",
    "pct": lambda d: f"{(d * 100).normalize():f}%",
    "date": lambda d: d.strftime("%d/%m/%Y"),
    "bool": lambda b: "yes" if b else "no",
}


def editor_kind(table: str, col: str) -> str:
    """The registry's kind of an input column (``text`` for one shown as it is).

    >>> editor_kind("populations", "population"), editor_kind("parties", "name")
    ('whole', 'text')
    """
    kind = schema_column(table, col).kind
    return kind if kind in READERS else "text"


def editor_alignment(kind: str) -> Literal["left", "right"]:
    """How an editor column of a kind lines up: figures right, the rest left.

    >>> editor_alignment("money"), editor_alignment("date")
    ('right', 'left')
    """
    return "right" if kind in ("money", "number", "whole", "pct") else "left"


def shown_text(kind: str, text: object) -> str | None:
    """A cell's text as the grid shows it (``None`` for a blank); a cell its kind cannot
    read is shown as it is, for the problem to be seen where it is.

    >>> [shown_text("whole", "142800"), shown_text("money", "-1234.5"),
    ...  shown_text("pct", "0.035"), shown_text("date", "2008-09-01"),
    ...  shown_text("number", "1234.50"), shown_text("date", "31/02/2025"),
    ...  shown_text("whole", " ")]
    ['142,800', '(£1,234.50)', '3.5%', '01/09/2008', '1,234.50', '31/02/2025', None]
    """
    if text is None or text is pd.NA or is_blank(text):
        return None
    try:
        return _SHOWN[kind](READERS[kind](text))
    except CellError:
        return str(text)


def _bool_column(texts: pd.Series) -> pd.Series | None:
    """A yes/no column as ticked boxes, or ``None`` when a cell is not yes or no (it is
    then shown as text, as it is)."""
    try:
        out = [None if v is None or v is pd.NA or is_blank(v) else read_bool(v)
               for v in texts]
    except CellError:
        return None
    return pd.Series(out, index=texts.index, dtype="boolean")


def shown_frame(table: str, frame: pd.DataFrame) -> pd.DataFrame:
    """An input table's frame of text as its editor shows it: money, percentages,
    numbers and dates in the grid's forms (as text), yes/no as ticked boxes; each
    column so shown has its kind in ``attrs["kinds"]`` (column -> kind).

    >>> f = pd.DataFrame({"party": ["MBC", "SBC"], "year": ["2025-26"] * 2,
    ...                   "population": ["142800", "abc"]})
    >>> g = shown_frame("populations", f); g["population"].tolist(), g.attrs["kinds"]
    (['142,800', 'abc'], {'population': 'whole'})
    """
    out = frame.copy()
    kinds: dict[str, str] = {}
    for col in frame.columns:
        kind = editor_kind(table, str(col))
        if kind == "bool":
            ticks = _bool_column(frame[col])
            if ticks is None:
                continue
            out[col] = ticks
        elif kind != "text":
            values = frame[col].tolist()
            each = {v: shown_text(kind, v) for v in set(values)}  # dates repeat
            out[col] = pd.Series([each[v] for v in values], index=frame.index,
                                 dtype="string")
        else:
            continue
        kinds[str(col)] = kind
    out.attrs["kinds"] = kinds
    return out


def _text(kind: str, v: object) -> str | None:
    """An editor cell as text: text exactly as typed (``None`` for a blank); a number
    (a test, a paste) in its plain form, a percentage's with ``%``; a tick as yes/no; a
    date as an ISO date.

    >>> [_text("money", 1234.5), _text("pct", 12.5), _text("whole", 142800),
    ...  _text("bool", False), _text("date", date(2025, 9, 30)), _text("money", None),
    ...  _text("date", pd.NaT), _text("date", "31/02/2025"), _text("whole", " ")]
    ['1234.5', '12.5%', '142800', 'no', '2025-09-30', None, None, '31/02/2025', None]
    """
    if v is None or v is pd.NA or v is pd.NaT or (isinstance(v, float) and math.isnan(v)):
        return None
    if isinstance(v, str):
        return v if v.strip() else None
    if isinstance(v, bool | np.bool_):
        return "yes" if v else "no"
    if isinstance(v, datetime | pd.Timestamp):
        return v.date().isoformat()
    if isinstance(v, date):
        return v.isoformat()
    if isinstance(v, float):
        s = str(int(v)) if v.is_integer() else format(v, ".15g")
    else:
        s = str(v)
    return s + "%" if kind == "pct" else s


def _reads_as(kind: str, a: object, b: object) -> bool:
    """Whether two cells of a ``kind`` column hold the same, as its reader reads them
    (``'142,800'`` and ``'142800'`` the same whole number; two blanks the same).

    >>> _reads_as("whole", "142,800", 142800), _reads_as("money", "£15,000", "15000.00")
    (True, True)
    >>> _reads_as("text", "MBC", "mbc"), _reads_as("pct", None, float("nan"))
    (False, True)
    >>> _reads_as("date", "31/02/2025", None), _reads_as("pct", "0.5", 50)
    (False, True)
    """
    ta, tb = _text(kind, a), _text(kind, b)
    if ta is None or tb is None or ta == tb:
        return ta == tb
    read = READERS.get(kind)
    if read is None:
        return False
    try:
        return bool(read(ta) == read(tb))
    except CellError:
        return False


def _cell_text(kind: str, v: object, was: tuple[object, object] | None,
               book: object) -> str | None:
    """One edited cell as text: the text it had when its editor was drawn (``was``:
    that text and how it was shown) if it is as shown; the book's text (``book``, a
    ``None`` for a new row) if it reads as the book's; else as typed."""
    if was is not None:
        text, shown = was
        same = v is shown or (isinstance(v, str) and isinstance(shown, str) and v == shown)
        if same or _text(kind, v) == _text(kind, shown):
            return None if text is None or text is pd.NA else str(text)
    if book is not None and _reads_as(kind, book, v):
        return None if book is pd.NA else str(book)
    return _text(kind, v)


def text_frame(table: str, edited: pd.DataFrame, drawn: tuple[pd.DataFrame, pd.DataFrame],
               base: pd.DataFrame) -> pd.DataFrame:
    """An edited frame (as its editor shows it) back as text for the validator:
    ``drawn`` is the table as text and as shown when its editor was drawn; ``base`` the
    source's table as text (:func:`_cell_text` says which text each cell takes).

    >>> base = pd.DataFrame({"party": ["MBC"], "year": ["2025-26"],
    ...                      "population": ["142800"]}, index=pd.Index([2]))
    >>> shown = shown_frame("populations", base)
    >>> text_frame("populations", shown, (base, shown), base)["population"].tolist()
    ['142800']
    >>> edited = shown.copy(); edited.loc[2, "population"] = "31/02/2025"
    >>> text_frame("populations", edited, (base, shown), base)["population"].tolist()
    ['31/02/2025']
    >>> edited.loc[2, "population"] = "142,800"  # the book's value, typed another way
    >>> text_frame("populations", edited, (base, shown), base)["population"].tolist()
    ['142800']
    """
    text, shown = drawn
    cols: dict[str, list[str | None]] = {}
    for col in edited.columns:
        kind = editor_kind(table, str(col))
        was = ({} if col not in shown.columns else dict(zip(
            shown.index, zip(text[col].tolist(), shown[col].tolist(), strict=True),
            strict=True)))
        book = {} if col not in base.columns else dict(zip(base.index, base[col].tolist(),
                                                           strict=True))
        cols[str(col)] = [_cell_text(kind, v, was.get(idx), book.get(idx))
                          for idx, v in zip(edited.index, edited[col].tolist(), strict=True)]
    index = sheet_rows(edited.index)
    return pd.DataFrame({c: pd.Series(v, dtype="string", index=index)
                         for c, v in cols.items()}, index=index)


def sheet_rows(index: pd.Index) -> pd.Index:
    """Row numbers as the sheet has them (the header is row 1): a row added to an empty
    table, which the editor numbers 0, becomes row 2, and so on after the others.

    >>> sheet_rows(pd.Index([0, 1])).tolist(), sheet_rows(pd.Index([2, 3, 4])).tolist()
    ([2, 3], [2, 3, 4])
    >>> sheet_rows(pd.Index([2, 0])).tolist()  # not expected, but never a clash
    [2, 3]
    """
    numbers = [int(i) if isinstance(i, int | np.integer) else -1 for i in index]
    kept = [n for n in numbers if n >= 2]
    nxt = max(kept, default=1) + 1
    out = []
    for n in numbers:
        if n >= 2:
            out.append(n)
        else:
            out.append(nxt)
            nxt += 1
    return pd.Index(out, dtype="int64", name=index.name)


def apply_edits(shown: pd.DataFrame, state: object) -> pd.DataFrame:
    """A table as its editor shows it with an editor's pending edits applied
    (Streamlit's state: cells edited by row position, rows added, rows deleted by
    position), for an editor that is not drawn in this run, whose edits would otherwise
    be lost.

    >>> f = pd.DataFrame({"population": ["1", "2"]}, index=pd.Index([2, 3], name="row"))
    >>> out = apply_edits(f, {"edited_rows": {"1": {"population": "5"}},
    ...                       "added_rows": [{"population": "7"}], "deleted_rows": [0]})
    >>> out["population"].tolist(), out.index.tolist()
    (['5', '7'], [3, 4])
    >>> apply_edits(f, {"deleted_rows": [1], "added_rows": [{"population": 9}]}).index.tolist()
    [2, 3]
    """
    if not isinstance(state, dict):
        return shown
    out = shown.astype(object)  # a cell may come back as a number (a test, a paste)
    cols = list(out.columns)
    for pos, cells in (state.get("edited_rows") or {}).items():
        i = int(pos)
        if 0 <= i < len(out):
            for col, v in cells.items():
                if col in cols:
                    out.iloc[i, cols.index(col)] = v
    added = [{c: v for c, v in row.items() if c in cols}
             for row in state.get("added_rows") or []]
    drop = {int(p) for p in state.get("deleted_rows") or []}
    out = out.iloc[[i for i in range(len(out)) if i not in drop]]
    if added:  # numbered as Streamlit numbers them: after the rows left, from 0 if none
        start = max((int(i) for i in out.index), default=-1) + 1
        extra = pd.DataFrame(added, columns=out.columns,
                             index=pd.Index(range(start, start + len(added)),
                                            name=out.index.name))
        out = pd.concat([out, extra.astype(object)])
    return out


def untouched(state: object) -> bool:
    """Whether an editor's state (Streamlit's ``edited_rows``, ``added_rows`` and
    ``deleted_rows``) holds no edit, so its table is the source's as it was.

    >>> untouched(None), untouched({"edited_rows": {}, "added_rows": [], "deleted_rows": []})
    (True, True)
    >>> untouched({"edited_rows": {0: {"population": 1}}})
    False
    """
    if not isinstance(state, dict):
        return True
    return not any(state.get(k) for k in ("edited_rows", "added_rows", "deleted_rows"))
