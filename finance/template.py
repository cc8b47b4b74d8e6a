"""The blank input workbook (docs/input-format.md): one sheet per table, instructions,
drop-downs.

:func:`build_template` gives the workbook the app and ``mkip template`` hand out: a
``README`` sheet of instructions, then a sheet per table of :data:`finance.core.parse.SCHEMA`
with the column names in row 1 (each with a comment explaining it), drop-down lists where a
column takes one of a few words, number formats, and example rows.  The example rows are a
small, consistent, valid book (one party, one service, one project), so the template
loads and runs as it is; replace them with the partnership's own figures.

:func:`book_to_xlsx` writes any book's tables (for example the bundled ``data/mkip`` CSV
files) in the same layout.  Header in row 1 and data from row 2, as in a CSV file, so a
problem is reported on the same row number either way.  Cells are typed by column
(money and percentages as numbers, dates as dates, financial years as text); a value
that cannot be read is written unchanged, as text, for the validator to report.

The ``README`` sheet is not a table: the reader skips sheets of notes
(:data:`finance.core.parse.NOTES_SHEETS`) without a warning.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from xlsxwriter.worksheet import Worksheet

from finance.core import cells
from finance.core.cells import CellError
from finance.core.parse import SCHEMA, norm
from finance.core.schema import TABLES as SCHEMA_TABLES
from finance.core.schema import Col
from finance.xlsx import HEAD, NAVY, MemoryBook, set_page, write_text

__all__ = ["COLUMNS", "EXAMPLE", "TABLES", "book_to_xlsx", "build_template"]

#: Rows that carry drop-downs and number formats (beyond the data already written).
TEMPLATE_ROWS = 1000


#: Every column of every table, keyed by table then column: the registry's entries
#: (:data:`finance.core.schema.TABLES`), which carry each column's kind, help text,
#: drop-down words and width.
COLUMNS: dict[str, dict[str, Col]] = {
    name: {c.name: c for c in t.columns} for name, t in SCHEMA_TABLES.items()
}

#: What each table is for, and whether it must be there: ``{table: (required, help)}``.
TABLES: dict[str, tuple[bool, str]] = {
    name: (t.required, t.help) for name, t in SCHEMA_TABLES.items()
}

#: A small consistent book: the template's example rows (it loads and runs as it is).
EXAMPLE: dict[str, list[dict[str, object]]] = {
    "settings": [
        {"key": "name", "value": "Example Partnership"},
        {"key": "accountable_body", "value": "EXA"},
        {"key": "rotation", "value": "EXA"},
        {"key": "rotation_start", "value": "2025-26"},
        {"key": "discount_rate", "value": "3.5%"},
        {"key": "financial_weight", "value": "60%"},
        {"key": "rag_green", "value": "95%"},
        {"key": "rag_amber", "value": "75%"},
    ],
    "parties": [{"code": "EXA", "name": "Example Borough Council", "voting": "yes",
                 "joined": "2025-04-01"}],
    "populations": [{"party": "EXA", "year": "2025-26", "population": "100000",
                     "source": "ONS mid-year estimate"}],
    "years": [{"year": "2025-26", "rate_pence": "30", "opening_balance": "0.00",
               "opening_commitments": "0.00", "refund_share": "50%"}],
    "ledger": [{"date": "2025-05-01", "year": "2025-26", "kind": "spend", "amount": "1250.00",
                "description": "External advice", "reference": "INV-001"}],
    "services": [{"service": "EXSVC", "name": "Example shared service", "year": "2025-26",
                  "host": "EXA", "gross_cost": "100000.00", "income": "5000.00",
                  "basis": "blend"}],
    "service_parties": [{"service": "EXSVC", "year": "2025-26", "party": "EXA",
                         "standalone_cost": "120000.00"}],
    "shares_in_force": [{"service": "EXSVC", "party": "EXA", "share": "100%"}],
    "service_blend": [{"service": "EXSVC", "year": "2025-26", "component": "equal",
                       "weight": "100%"}],
    "drivers": [{"year": "2025-26", "driver": "caseload", "party": "EXA", "value": "120"}],
    "projects": [{"project": "EXPRJ", "name": "Example investment case", "service": "EXSVC",
                  "lead": "EXA", "start_year": "2025-26", "optimism_bias": "10%"}],
    "cashflows": [{"project": "EXPRJ", "year_index": "0", "kind": "one_off_cost",
                   "amount": "10000.00"}],
    "criteria": [{"project": "EXPRJ", "criterion": "a", "score": "3"}],
    "savings": [{"service": "EXSVC", "year": "2025-26", "predicted": "5000.00",
                 "actual": "4800.00"}],
    "budget_monitor": [{"year": "2025-26", "quarter": "1", "line": "Example budget line",
                        "budget": "10000.00", "actual_to_date": "2500.00",
                        "forecast_outturn": "9800.00"}],
    "performance": [{"service": "EXSVC", "year": "2025-26", "quarter": "1",
                     "indicator": "Example indicator %", "target": "90", "actual": "92",
                     "higher_is_better": "yes"}],
    "budget_lines": [{"year": "2026-27", "line": "Example budget line", "amount": "10000.00",
                      "description": "What the line pays for"}],
    "service_budget": [{"service": "EXSVC", "year": "2026-27", "item": "Pay award",
                        "kind": "pay_award", "amount": "1500.00",
                        "description": "Assumed 3% pay award", "approved": "yes"}],
    "assumptions": [{"year": "2026-27", "key": "inflation", "value": "2.5%"}],
}

_FORMATS = {"money": "#,##0.00", "pct": "0.0#%", "date": "yyyy-mm-dd", "year": "@",
            "whole": "0", "number": "General", "code": "@", "text": "@", "bool": "@",
            "choice": "@"}


def _typed(col: Col, v: object) -> object:
    """A cell value of the column's type; unreadable values are returned unchanged."""
    if v is None or cells.is_blank(v):
        return None
    try:
        if col.kind == "money":
            return float(Decimal(cells.read_money(v)) / 100)
        if col.kind == "pct":
            return float(cells.read_pct(v))
        if col.kind == "date":
            return cells.read_date(v)
        if col.kind == "year":
            return cells.read_year(v)
        if col.kind == "whole":
            return cells.read_whole(v)
        if col.kind == "number":
            d = cells.read_decimal(v)
            return int(d) if d == d.to_integral_value() else float(d)
        if col.kind == "bool":
            return "yes" if cells.read_bool(v) else "no"
    except CellError:
        return v if isinstance(v, str) else str(v)
    return cells.read_text(v) if not isinstance(v, str) else v.strip()


def _put(mb: MemoryBook, ws: Worksheet, row: int, c: int, col: Col, v: object) -> None:
    """One value at a 1-based ``row``, ``c``: typed by its column, text always as text."""
    value: Any = _typed(col, v)
    if value is None:
        return
    if isinstance(value, str):
        write_text(ws, row - 1, c - 1, value, mb.formats.get(fmt="@"))
        return
    fmt = mb.formats.get(fmt=_FORMATS[col.kind])
    if isinstance(value, datetime | date):
        ws.write_datetime(row - 1, c - 1, datetime(value.year, value.month, value.day), fmt)
    elif isinstance(value, bool):
        ws.write_boolean(row - 1, c - 1, value, fmt)
    else:
        ws.write_number(row - 1, c - 1, value, fmt)


def _validation(col: Col, table: str, name: str) -> dict[str, Any] | None:
    """The drop-down list or input prompt of a column, as XlsxWriter options."""
    prompt = {"input_title": name[:32], "input_message": col.help[:255]}
    if col.choices:
        return {"validate": "list", "source": list(col.choices), "ignore_blank": True,
                "error_title": f"{table}.{name}"[:32], "error_message": col.help[:255],
                "error_type": "stop" if col.strict else "information", **prompt}
    if col.kind in ("money", "pct", "number", "whole", "date"):
        return {"validate": "any", "ignore_blank": True, "show_error": False, **prompt}
    return None


def _table_sheet(mb: MemoryBook, table: str, rows: Sequence[Mapping[str, object]]) -> None:
    ws = mb.wb.add_worksheet(table)
    cols = COLUMNS[table]
    names = [c.name for c in SCHEMA[table]]
    required, _what = TABLES[table]
    head = mb.formats.get(bold=True, color="FFFFFF", fill=HEAD, align="center",
                          valign="vcenter")
    for i, name in enumerate(names):
        col = cols[name]
        write_text(ws, 0, i, name, head)
        schema_col = next(c for c in SCHEMA[table] if c.name == name)
        need = "required" if schema_col.required else "optional: may be left blank"
        if not schema_col.present:
            need = "optional: the column may be left out or blank"
        ws.write_comment(0, i, f"{name} ({need})\n{col.help}",
                         {"author": "mkip", "x_scale": 2.7, "y_scale": 1.9})
        ws.set_column(i, i, max(col.width, len(name) + 3),
                      mb.formats.get(fmt=_FORMATS[col.kind]))
        options = _validation(col, table, name)
        if options is not None:
            ws.data_validation(1, i, TEMPLATE_ROWS, i, options)
    known = {norm(n) for n in names}
    for r, row in enumerate(rows, start=2):
        given = {norm(k): v for k, v in row.items() if norm(k) in known}
        for i, name in enumerate(names, start=1):
            _put(mb, ws, r, i, cols[name], given.get(name))
    ws.freeze_panes(1, 0)
    ws.set_row(0, 18)
    ws.set_tab_color("#" + (NAVY if required else "8EA9DB"))
    set_page(ws, footer="&C&A, page &P of &N", repeat=(1, 1))


def _readme(mb: MemoryBook, ws: Worksheet, examples: bool) -> None:
    ws.set_column(0, 0, 22)
    ws.set_column(1, 1, 16)
    ws.set_column(2, 2, 100)
    row = 0

    def line(text: str, *, bold: bool = False, size: float = 10, col: int = 0,
             color: str | None = None) -> None:
        nonlocal row
        write_text(ws, row, col, text, mb.formats.get(size=size, bold=bold, color=color))
        row += 1

    line("Partnership finance: input workbook", bold=True, size=16, color=NAVY)
    line("One partnership's figures for the year-end calculator (mkip).", size=11)
    row += 1
    line("How to fill it in", bold=True, size=12, color=NAVY)
    for t in (
        "Each sheet is one table. Row 1 holds the column names: keep them. Put one record "
        "per row from row 2; do not leave gaps or add totals.",
        "Hover over a column name for what it means. Columns with a fixed set of words have "
        "a drop-down list.",
        "Money in pounds (1234.56; at most two decimals). Percentages as 35% or 0.35. Dates "
        "as 2025-09-01 or 01/09/2025. Financial years as 2025-26. yes/no for flags.",
        "Party codes (MBC, SBC ...) must be listed in parties before they are used anywhere "
        "else. Fixed shares and blend weights must total exactly 100%.",
        "Optional tables may be left empty or deleted; optional columns may be left blank.",
        ("The example rows make a small valid book (one party, one service, one project): "
         "replace them with your own figures." if examples else
         "This workbook was written from an existing book."),
        "Text is always data: a value starting with =, +, - or @ is never run as a formula.",
        "Then: mkip validate WORKBOOK.xlsx lists every problem with its sheet, row and "
        "column; mkip run WORKBOOK.xlsx writes the board report.",
    ):
        line("- " + t)
    row += 1
    line("Tables", bold=True, size=12, color=NAVY)
    head = mb.formats.get(bold=True, color="FFFFFF", fill=HEAD)
    for i, h in enumerate(("Sheet", "Required?", "What it holds")):
        write_text(ws, row, i, h, head)
    row += 1
    for table, (required, what) in TABLES.items():
        for i, v in enumerate((table, "required" if required else "optional", what)):
            write_text(ws, row, i, v, mb.formats.get(bold=i == 0))
        row += 1
    row += 1
    line("Columns", bold=True, size=12, color=NAVY)
    small = mb.formats.get(size=9)
    wrapped = mb.formats.get(size=9, wrap=True, valign="top")
    for table in SCHEMA:
        for col in SCHEMA[table]:
            help_ = COLUMNS[table][col.name].help
            write_text(ws, row, 0, table, small)
            write_text(ws, row, 1, col.name, small)
            write_text(ws, row, 2, help_, wrapped)
            lines = -(-len(help_) // 105)  # column C holds about 105 characters a line
            if lines > 1:
                ws.set_row(row, 12.5 * lines)
            row += 1
    ws.hide_gridlines(2)
    set_page(ws, footer="&C&A, page &P of &N")


def _workbook(tables: Mapping[str, Sequence[Mapping[str, object]]], examples: bool) -> bytes:
    mb = MemoryBook()
    readme = mb.wb.add_worksheet("README")
    given = {norm(k): v for k, v in tables.items()}
    for table in SCHEMA:
        _table_sheet(mb, table, given.get(table, ()))
    _readme(mb, readme, examples)
    readme.activate()
    return mb.finish(STAMP, title="Partnership finance input workbook", creator="mkip-finance")


#: The template carries no date of its own: a fixed stamp makes its bytes reproducible.
STAMP = datetime(2025, 4, 1, tzinfo=UTC)


def build_template(examples: bool = True) -> bytes:
    """The blank input workbook with instructions, drop-downs and example rows.

    ``examples=False`` leaves every sheet with its header row only (an empty book, which
    does not validate until it is filled in).
    """
    return _workbook(EXAMPLE if examples else {}, examples=examples)


def book_to_xlsx(tables: Mapping[str, Sequence[Mapping[str, Any]]]) -> bytes:
    """A book's tables (``{table: [{column: value}]}``) written in the template layout.

    Tables and columns are matched as the reader matches them (case and spaces ignored);
    tables and columns the tool does not use are left out.  Values may be text (as read
    from CSV) or typed.
    """
    return _workbook(tables, examples=False)
