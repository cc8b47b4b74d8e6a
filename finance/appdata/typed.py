"""Typed columns for the Data tab's editors: money in pounds, percentages, whole numbers,
dates and yes/no, built from the column registry, and back to the text the validator reads.

The editors show a column typed when every cell the book holds in it can be read as its
kind; a column holding a value that cannot (``'abc'`` in a population) stays text, so the
value is seen and put right where it is.  Going back, a cell whose typed value is
unchanged keeps the book's own text exactly (``£1,234.56`` stays ``£1,234.56``, a rate of
``30.12345`` stays ``30.12345``), so only what the user changed is a change.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import numpy as np
import pandas as pd

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

__all__ = ["TYPED_KINDS", "editor_kind", "text_frame", "typed_frame", "untouched"]

#: The registry's kinds an editor shows typed, and how a cell's text becomes the typed
#: value (money in pounds, a percentage as 35 for 35%).
TYPED_KINDS: dict[str, Callable[[object], object]] = {
    "money": lambda v: float(Decimal(read_money(v)) / 100),
    "number": lambda v: float(read_decimal(v)),
    "whole": read_whole,
    "pct": lambda v: float(read_pct(v) * 100),
    "date": read_date,
    "bool": read_bool,
}


def editor_kind(table: str, col: str) -> str:
    """The registry's kind of an input column (``text`` for one it does not type).

    >>> editor_kind("populations", "population"), editor_kind("parties", "name")
    ('whole', 'text')
    """
    kind = schema_column(table, col).kind
    return kind if kind in TYPED_KINDS else "text"


def _typed_column(kind: str, texts: pd.Series) -> pd.Series | None:
    """The column typed, or ``None`` when a cell cannot be read as ``kind``."""
    read = TYPED_KINDS[kind]
    out: list[Any] = []
    try:
        for v in texts:
            out.append(None if v is None or v is pd.NA or is_blank(v) else read(v))
    except CellError:
        return None
    if kind == "whole":
        return pd.Series(out, index=texts.index, dtype="Int64")
    if kind == "bool":
        return pd.Series(out, index=texts.index, dtype="boolean")
    if kind in ("money", "number", "pct"):
        return pd.Series([math.nan if v is None else v for v in out], index=texts.index,
                         dtype="float64")
    return pd.Series(out, index=texts.index, dtype="object")


def typed_frame(table: str, frame: pd.DataFrame) -> pd.DataFrame:
    """An input table's frame of text with each column it can type typed; the typed
    columns' kinds are in ``attrs["kinds"]`` (column -> kind).

    >>> f = pd.DataFrame({"party": ["MBC", "SBC"], "year": ["2025-26"] * 2,
    ...                   "population": ["142,800", "abc"]})
    >>> typed_frame("populations", f)["population"].tolist()  # 'abc' keeps it text
    ['142,800', 'abc']
    >>> typed_frame("populations", f.iloc[:1])["population"].tolist()
    [142800]
    """
    out = frame.copy()
    kinds: dict[str, str] = {}
    for col in frame.columns:
        kind = editor_kind(table, str(col))
        if kind != "text":
            typed = _typed_column(kind, frame[col])
            if typed is not None:
                out[col] = typed
                kinds[str(col)] = kind
    out.attrs["kinds"] = kinds
    return out


def _text(kind: str, v: object) -> str | None:
    """A typed editor value as the text the validator reads.

    >>> [_text("money", 1234.5), _text("pct", 12.5), _text("whole", 142800),
    ...  _text("bool", False), _text("date", date(2025, 9, 30)), _text("money", None),
    ...  _text("date", pd.NaT), _text("date", "2025-09-30T00:00:00.000")]
    ['1234.5', '12.5%', '142800', 'no', '2025-09-30', None, None, '2025-09-30']
    """
    if v is None or v is pd.NA or v is pd.NaT or (isinstance(v, float) and math.isnan(v)):
        return None
    if isinstance(v, str):
        v = _date_text(v) if kind == "date" else v  # the grid's ISO text with a time
        return v if isinstance(v, str) and v.strip() else None
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


def text_frame(table: str, edited: pd.DataFrame, base_text: pd.DataFrame,
               base_typed: pd.DataFrame) -> pd.DataFrame:
    """The edited (typed) frame back as text for the validator: a cell whose value is
    as the book gave it (``base_text`` and ``base_typed``: the source's tables, whatever
    was edited since) keeps the book's own text, so an edit undone is no change; any
    other cell is written out in the plain form of its kind.

    >>> base = pd.DataFrame({"party": ["MBC"], "year": ["2025-26"],
    ...                      "population": ["142,800"]}, index=pd.Index([2]))
    >>> typed = typed_frame("populations", base)
    >>> text_frame("populations", typed, base, typed)["population"].tolist()
    ['142,800']
    >>> edited = typed.copy(); edited.loc[2, "population"] = 150000
    >>> text_frame("populations", edited, base, typed)["population"].tolist()
    ['150000']
    """
    cols: dict[str, list[str | None]] = {}
    for col in edited.columns:
        kind = editor_kind(table, str(col))
        values: list[str | None] = []
        for idx, v in zip(edited.index, edited[col], strict=True):
            if (col in base_typed.columns and idx in base_typed.index
                    and _same(kind, base_typed.at[idx, col], v)):
                original = base_text.at[idx, col]
                values.append(None if original is None or original is pd.NA
                              else str(original))
            else:
                values.append(_text(kind, v))
        cols[str(col)] = values
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


def _same(kind: str, a: object, b: object) -> bool:
    """Whether two cells of a ``kind`` column hold the same value, as its reader reads
    them (``'142,800'`` and ``142800`` are the same whole number; ``35.0`` and
    ``'0.35'`` the same percentage once each is read).

    >>> _same("whole", "142,800", 142800), _same("money", 15000.0, "15000.00")
    (True, True)
    >>> _same("text", "MBC", "mbc"), _same("pct", None, float("nan"))
    (False, True)
    """
    ta, tb = _text(kind, a), _text(kind, b)
    if ta is None or tb is None:
        return ta is None and tb is None
    if ta == tb:
        return True
    read = TYPED_KINDS.get(kind)
    if read is None:
        return False
    try:
        return bool(_read_cell(kind, read, a) == _read_cell(kind, read, b))
    except CellError:
        return False


def _read_cell(kind: str, read: Callable[[object], object], v: object) -> object:
    """A typed cell or a cell of text, read as ``kind`` (a typed percentage is 35 for
    35%; its text may be ``35%`` or ``0.35``)."""
    if kind == "pct" and not isinstance(v, str):
        return read(f"{_text(kind, v)}")
    if isinstance(v, bool | np.bool_):
        return bool(v)
    return read(v)


def apply_edits(typed: pd.DataFrame, state: object) -> pd.DataFrame:
    """A typed table with an editor's pending edits applied (Streamlit's state: cells
    edited by row position, rows added, rows deleted by position), for an editor that is
    not drawn in this run, whose edits would otherwise be lost.

    >>> f = pd.DataFrame({"population": pd.Series([1, 2], dtype="Int64")},
    ...                  index=pd.Index([2, 3], name="row"))
    >>> out = apply_edits(f, {"edited_rows": {"1": {"population": 5}},
    ...                       "added_rows": [{"population": 7}], "deleted_rows": [0]})
    >>> out["population"].tolist(), out.index.tolist()
    ([5, 7], [3, 4])
    >>> apply_edits(f, {"deleted_rows": [1], "added_rows": [{"population": 9}]}).index.tolist()
    [2, 3]
    """
    if not isinstance(state, dict):
        return typed
    out = typed.astype(object)  # a cell may come back as text (a test, a paste)
    cols = list(out.columns)
    for pos, cells in (state.get("edited_rows") or {}).items():
        i = int(pos)
        if 0 <= i < len(out):
            for col, v in cells.items():
                if col in cols:
                    out.iloc[i, cols.index(col)] = _date_text(v)  # type: ignore[call-overload]
    added = [{c: _date_text(v) for c, v in row.items() if c in cols}
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


def _date_text(v: object) -> object:
    """A date the grid sent as ISO text with a time (``2025-09-30T00:00:00.000``), as the
    date alone; anything else as sent."""
    if isinstance(v, str) and len(v) > 10 and v[4] == "-" and v[10] == "T":
        return v[:10]
    return v


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
