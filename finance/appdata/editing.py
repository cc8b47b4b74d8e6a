"""The Data tab: a book's input tables as frames of text to edit, and edits read back.

A book's raw tables become one pandas ``DataFrame`` of text per input table for
``st.data_editor``; edited frames go back to :class:`~finance.core.parse.RawTable` rows
for the *same* validator as the CLI (:func:`finance.appdata.sources.parse_edited`), so a
bad edit is reported exactly as a bad file would be.  A frame's index is the row number
the user sees (the sheet row; header is row 1), so a problem's row matches the editor's
row label.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from datetime import date, datetime

import pandas as pd

from finance.core.parse import SCHEMA, RawTable, norm
from finance.core.schema import KINDS
from finance.core.schema import TABLES as SCHEMA_TABLES
from finance.core.schema import column as schema_column

#: Input tables in the order the Data tab shows them, with the label a user reads
#: (from the column registry, :mod:`finance.core.schema`).
TABLE_LABELS: dict[str, str] = {name: t.label for name, t in SCHEMA_TABLES.items()}

TABLES: tuple[str, ...] = tuple(TABLE_LABELS)

#: What each input table holds, shown above its editor.
TABLE_NOTES: dict[str, str] = {name: t.help for name, t in SCHEMA_TABLES.items()}

#: The Data tab's groups of tables (so that no table hides behind an overflowing row of
#: tabs), each table in exactly one.
TABLE_GROUPS: dict[str, tuple[str, ...]] = {
    "Partnership": ("settings", "parties", "populations", "years"),
    "Ledger and budget": ("ledger", "budget_monitor", "savings"),
    "Shared services": ("services", "service_parties", "service_blend", "drivers",
                        "shares_in_force"),
    "Investments": ("projects", "cashflows", "criteria"),
    "Performance": ("performance",),
    "Year ahead": ("budget_lines", "service_budget", "assumptions"),
}
assert sorted(t for ts in TABLE_GROUPS.values() for t in ts) == sorted(TABLES), (
    "every table in one Data tab group")


def columns(table: str) -> tuple[str, ...]:
    """The validator's column names for ``table``, in order."""
    return tuple(c.name for c in SCHEMA[table])


def column_label(table: str, column: str) -> str:
    """The heading an editor shows over an input column (the registry's label).

    >>> column_label("years", "rate_pence"), column_label("ledger", "amount")
    ('Rate per head (p)', 'Amount')
    """
    return schema_column(table, column).label


def column_hint(table: str, column: str) -> str:
    """The help text shown for an input column: what it holds, its form, and whether
    it may be left blank (all from the column registry).

    >>> print(column_hint("years", "refund_share"))  # doctest: +NORMALIZE_WHITESPACE
    Share of the uncommitted balance the board decides to refund, e.g. 50% (§13.2).
    Blank: carry everything over. Form: a percentage, 35% or 0.35. May be left blank.
    """
    col = schema_column(table, column)
    blank = "" if col.required else " May be left blank."
    return f"{col.help} Form: {KINDS[col.kind]}.{blank}"


def choices(table: str, column: str, frame: pd.DataFrame) -> tuple[str, ...] | None:
    """Options for a drop-down column, keeping any value the book already holds.

    Only columns whose words are a closed list get a drop-down (a basis may also be
    ``driver:NAME``, so it stays free text).
    """
    col = schema_column(table, column)
    if not col.choices or not col.strict:
        return None
    opts = col.choices
    held = [v for v in frame[column].dropna().unique() if str(v) not in opts]
    return (*opts, *sorted(str(v) for v in held))


def cell_text(v: object) -> str | None:
    """A raw cell as the text a user would type (``None`` for blank).

    Spreadsheet floats keep the 15 significant digits a spreadsheet shows, so
    ``0.1 + 0.2`` is ``0.3``; whole floats lose ``.0``; midnight datetimes are dates.

    >>> [cell_text(v) for v in (None, " ", 142800.0, 0.1 + 0.2, "30p", True)]
    [None, None, '142800', '0.3', '30p', 'yes']
    >>> from decimal import Decimal
    >>> cell_text(datetime(2025, 9, 1)), cell_text(Decimal("0.35"))
    ('2025-09-01', '0.35')
    """
    if v is None or (isinstance(v, float) and v != v) or v is pd.NA:
        return None
    if isinstance(v, bool):
        return "yes" if v else "no"
    if isinstance(v, datetime):
        return v.date().isoformat() if v.time() == datetime.min.time() else v.isoformat()
    if isinstance(v, date):
        return v.isoformat()
    if isinstance(v, float):
        return str(int(v)) if v.is_integer() else format(v, ".15g")
    s = str(v)
    return s if s.strip() else None


def empty_frame(table: str) -> pd.DataFrame:
    cols = columns(table)
    return pd.DataFrame({c: pd.Series([], dtype="string") for c in cols},
                        index=pd.Index([], dtype="int64", name="row"))


def table_frame(table: str, raw: RawTable | None) -> pd.DataFrame:
    """One input table as an editable frame of text: the validator's columns (matched as
    the validator matches them; others dropped), indexed by the sheet row number."""
    if raw is None:
        return empty_frame(table)
    index: dict[str, int] = {}
    for i, c in enumerate(raw.columns):
        n = norm(c)
        if n and n not in index:
            index[n] = i
    cols = columns(table)
    data: dict[str, list[str | None]] = {c: [] for c in cols}
    rows: list[int] = []
    for rownum, values in raw.rows:
        texts = [cell_text(v) for v in values]
        if all(t is None for t in texts):
            continue  # blank rows are not data (the validator skips them too)
        rows.append(rownum)
        for c in cols:
            pos = index.get(c)
            data[c].append(texts[pos] if pos is not None and pos < len(texts) else None)
    idx = pd.Index(rows, dtype="int64", name="row")
    return pd.DataFrame({c: pd.Series(v, dtype="string", index=idx) for c, v in data.items()},
                        index=idx)


def frames_from_tables(tables: Mapping[str, RawTable]) -> dict[str, pd.DataFrame]:
    """Every input table as an editable frame (an absent table is an empty frame)."""
    by_name = {norm(k): v for k, v in tables.items()}
    return {t: table_frame(t, by_name.get(t)) for t in TABLES}


def _blank(v: object) -> bool:
    return v is None or v is pd.NA or (isinstance(v, float) and v != v) or (
        isinstance(v, str) and not v.strip())


def tables_from_frames(frames: Mapping[str, pd.DataFrame],
                       present: Iterable[str] = ()) -> dict[str, RawTable]:
    """Edited frames back to raw tables for the validator.

    A table is passed on when it has rows or was in the source (``present``), so a
    required table that is still empty is reported missing, not silently blank.  Row
    numbers are the frame's index (new rows get the next number); a row whose index is
    not a number is numbered by position.
    """
    keep = set(present)
    out: dict[str, RawTable] = {}
    for t in TABLES:
        df = frames.get(t)
        if df is None or (df.empty and t not in keep):
            continue
        cols = tuple(str(c) for c in df.columns)
        rows = []
        for pos, (idx, values) in enumerate(zip(df.index, df.itertuples(index=False),
                                                strict=True)):
            try:
                rownum = int(idx)
            except (TypeError, ValueError):
                rownum = pos + 2
            rows.append((rownum, tuple(None if _blank(v) else str(v) for v in values)))
        out[t] = RawTable(t, cols, tuple(rows))
    return out


def row_cells(df: pd.DataFrame) -> dict[int, dict[str, str | None]]:
    """A frame of text as its cells by row number, blanks as ``None`` (a row with no
    number, a new one, numbered from a million after the others).

    >>> row_cells(pd.DataFrame({"population": ["142,800", " "]}, index=pd.Index([2, 3])))
    {2: {'population': '142,800'}, 3: {'population': None}}
    """
    out: dict[int, dict[str, str | None]] = {}
    for pos, (idx, values) in enumerate(zip(df.index, df.itertuples(index=False),
                                            strict=True)):
        try:
            rownum = int(idx)
        except (TypeError, ValueError):
            rownum = 10**6 + pos  # a new row, numbered after the others
        out[rownum] = {str(c): None if _blank(v) else str(v)
                       for c, v in zip(df.columns, values, strict=True)}
    return out


def changes_against(base: Mapping[str, pd.DataFrame], edited: Mapping[str, pd.DataFrame]
                    ) -> list[str]:
    """Every edit against the source, a sentence each, table by table in book order:
    a changed cell (old and new value), an added row, a deleted row.

    Tables and columns are named as the editors head them, and values written as the
    grid shows them (142,800; 01/09/2008; 50%; £1,234.50).

    >>> b = {"populations": pd.DataFrame({"population": ["142800"]}, index=pd.Index([2]))}
    >>> e = {"populations": pd.DataFrame({"population": ["150000", "9"]},
    ...                                  index=pd.Index([2, 3]))}
    >>> changes_against(b, e)
    ['Populations row 2, Population: 142,800 → 150,000', 'Populations row 3: added (Population 9)']
    """
    out: list[str] = []
    for t in TABLES:
        if t not in base or t not in edited or base[t] is edited[t]:
            continue
        old, new = row_cells(base[t]), row_cells(edited[t])
        name = TABLE_LABELS.get(t, t)
        for r in sorted(set(old) | set(new)):
            label = f"{name} row {r}" if r < 10**6 else f"{name} new row"
            if r not in new:
                out.append(f"{label}: deleted")
            elif r not in old:
                vals = ", ".join(f"{_heading(t, c)} {shown_value(t, c, v)}"
                                 for c, v in new[r].items() if v is not None)
                out.append(f"{label}: added ({vals})")
            else:
                out += [f"{label}, {_heading(t, c)}: {shown_value(t, c, old[r].get(c))} → "
                        f"{shown_value(t, c, v)}"
                        for c, v in new[r].items() if v != old[r].get(c)]
    return out


def changes_of(table: str, changes: Iterable[str]) -> list[str]:
    """The changes (:func:`changes_against`) made to one table.

    >>> changes_of("populations", ["Populations row 2: deleted", "Years row 3: deleted"])
    ['Populations row 2: deleted']
    """
    return [c for c in changes if c.startswith(f"{TABLE_LABELS[table]} ")]


def _heading(table: str, column: str) -> str:
    try:
        return column_label(table, column)
    except KeyError:
        return column


def shown_value(table: str, column: str, text: str | None) -> str:
    """A cell's text as the grid shows it: whole numbers with separators, dates day
    first, money in pounds, percentages with %, yes/no; a cell its column cannot read
    is quoted as typed.

    >>> shown_value("parties", "joined", "2008-09-01"), shown_value("years", "refund_share",
    ...                                                              "0.5")
    ('01/09/2008', '50%')
    >>> shown_value("ledger", "amount", "-1234.5"), shown_value("populations", "population",
    ...                                                         "abc")
    ('(£1,234.50)', "'abc'")
    """
    from finance.appdata.formats import gbp, pct_text
    from finance.core.cells import CellError, is_blank

    if text is None or is_blank(text):
        return "(blank)"
    try:
        col = schema_column(table, column)
        value = col.read(text)
    except KeyError:
        return str(text)
    except CellError:
        return f"'{text}'"
    if col.kind == "whole" and isinstance(value, int):
        return f"{value:,}"
    if col.kind == "money" and isinstance(value, int):
        return gbp(value)
    if col.kind == "pct":
        return pct_text(value, 4)
    if col.kind == "date" and isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    if col.kind == "bool":
        return "yes" if value else "no"
    return str(text)


def edited_book(frames: Mapping[str, pd.DataFrame]) -> bytes:
    """The edited tables as a workbook in the template's layout (it reads back to the
    same book: every cell as the text on screen; a cell the book cannot read, such as
    ``31/02/2025`` typed as a date, is kept as typed, and read back it is the same
    problem, in the same row)."""
    from finance.template import book_to_xlsx

    return book_to_xlsx({t: [{str(c): None if _blank(v) else str(v)
                              for c, v in zip(df.columns, values, strict=True)}
                             for values in df.itertuples(index=False)]
                         for t, df in frames.items() if not df.empty})


def frames_equal(a: Mapping[str, pd.DataFrame], b: Mapping[str, pd.DataFrame]) -> bool:
    """Whether two sets of frames hold the same cells (blank and missing alike)."""
    if set(a) != set(b):
        return False
    for t in a:
        x, y = a[t], b[t]
        if x is y:
            continue
        if x.shape != y.shape or list(x.columns) != list(y.columns):
            return False
        if list(x.index) != list(y.index):
            return False
        xv = [[None if _blank(v) else str(v) for v in r] for r in x.itertuples(index=False)]
        yv = [[None if _blank(v) else str(v) for v in r] for r in y.itertuples(index=False)]
        if xv != yv:
            return False
    return True


def tables_digest(tables: Mapping[str, RawTable]) -> str:
    """SHA-256 of raw tables' content: the identity of an edited book."""
    h = hashlib.sha256()
    for name in sorted(tables):
        t = tables[name]
        h.update(json.dumps([name, list(t.columns),
                             [[n, [cell_text(v) for v in cells]] for n, cells in t.rows]],
                            ensure_ascii=False).encode())
        h.update(b"\0")
    return h.hexdigest()


def next_version(version: int | None) -> int:
    """The next data version: editors keyed by it start again from the source."""
    return (version or 0) + 1
