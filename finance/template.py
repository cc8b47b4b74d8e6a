"""The blank input workbook : one sheet per table, instructions, drop-downs.

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
from typing import Any, cast

from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from finance.core import cells
from finance.core.cells import CellError
from finance.core.parse import SCHEMA, norm
from finance.core.schema import TABLES as SCHEMA_TABLES
from finance.core.schema import Col
from finance.report import FONT, HEAD, NAVY, text_cell, workbook_bytes

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


def _put(ws: Worksheet, row: int, c: int, col: Col, v: object) -> None:
    value: Any = _typed(col, v)
    cell = cast(Cell, ws.cell(row=row, column=c))
    if value is None:
        return
    if isinstance(value, str):
        text_cell(cell, value)
    elif isinstance(value, date) and not isinstance(value, datetime):
        cell.value = datetime(value.year, value.month, value.day)
    else:
        cell.value = value
    cell.number_format = _FORMATS[col.kind] if not isinstance(value, str) else "@"
    cell.font = Font(name=FONT, size=10)


def _table_sheet(wb: Workbook, table: str, rows: Sequence[Mapping[str, object]]) -> None:
    ws = wb.create_sheet(table)
    cols = COLUMNS[table]
    names = [c.name for c in SCHEMA[table]]
    required, _what = TABLES[table]
    for i, name in enumerate(names, start=1):
        col = cols[name]
        letter = get_column_letter(i)
        cell = ws.cell(row=1, column=i)
        text_cell(cell, name)
        cell.font = Font(name=FONT, size=10, bold=True, color="FFFFFF")
        cell.fill = PatternFill("solid", fgColor=HEAD)
        cell.alignment = Alignment(horizontal="center", vertical="center")
        schema_col = next(c for c in SCHEMA[table] if c.name == name)
        need = "required" if schema_col.required else "optional: may be left blank"
        if not schema_col.present:
            need = "optional: the column may be left out or blank"
        cm = Comment(f"{name} ({need})\n{col.help}", "mkip")
        cm.width = 260
        cm.height = 110
        cell.comment = cm
        dim = ws.column_dimensions[letter]
        dim.width = max(col.width, len(name) + 3)
        dim.number_format = _FORMATS[col.kind]
        rng = f"{letter}2:{letter}{TEMPLATE_ROWS + 1}"
        if col.choices:
            dv = DataValidation(type="list", formula1='"' + ",".join(col.choices) + '"',
                                allow_blank=True, showDropDown=False)
            dv.errorTitle = f"{table}.{name}"
            dv.error = col.help
            dv.errorStyle = "stop" if col.strict else "information"
            dv.promptTitle = name
            dv.prompt = col.help[:255]
            dv.showInputMessage = True
            dv.showErrorMessage = True
            dv.add(rng)
            ws.add_data_validation(dv)
        elif col.kind in ("money", "pct", "number", "whole", "date"):
            dv = DataValidation(allow_blank=True)
            dv.promptTitle = name
            dv.prompt = col.help[:255]
            dv.showInputMessage = True
            dv.showErrorMessage = False
            dv.add(rng)
            ws.add_data_validation(dv)
    known = {norm(n) for n in names}
    for r, row in enumerate(rows, start=2):
        given = {norm(k): v for k, v in row.items() if norm(k) in known}
        for i, name in enumerate(names, start=1):
            _put(ws, r, i, cols[name], given.get(name))
    ws.freeze_panes = "A2"
    ws.row_dimensions[1].height = 18
    ws.sheet_properties.tabColor = NAVY if required else "8EA9DB"


def _readme(wb: Workbook, examples: bool) -> None:
    ws = wb.create_sheet("README", 0)
    ws.column_dimensions["A"].width = 22
    ws.column_dimensions["B"].width = 16
    ws.column_dimensions["C"].width = 100
    row = 1

    def line(text: str, *, bold: bool = False, size: float = 10, col: int = 1,
             color: str | None = None) -> None:
        nonlocal row
        c = ws.cell(row=row, column=col)
        text_cell(c, text)
        c.font = Font(name=FONT, size=size, bold=bold, color=color)
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
    for i, h in enumerate(("Sheet", "Required?", "What it holds"), start=1):
        c = ws.cell(row=row, column=i)
        text_cell(c, h)
        c.font = Font(name=FONT, size=10, bold=True, color="FFFFFF")
        c.fill = PatternFill("solid", fgColor=HEAD)
    row += 1
    for table, (required, what) in TABLES.items():
        for i, v in enumerate((table, "required" if required else "optional", what), start=1):
            c = ws.cell(row=row, column=i)
            text_cell(c, v)
            c.font = Font(name=FONT, size=10, bold=i == 1)
        row += 1
    row += 1
    line("Columns", bold=True, size=12, color=NAVY)
    for table in SCHEMA:
        for col in SCHEMA[table]:
            for i, v in enumerate((table, col.name, COLUMNS[table][col.name].help), start=1):
                c = ws.cell(row=row, column=i)
                text_cell(c, v)
                c.font = Font(name=FONT, size=9)
                if i == 3:
                    c.alignment = Alignment(wrap_text=True, vertical="top")
                    lines = -(-len(v) // 105)  # column C holds about 105 characters a line
                    if lines > 1:
                        ws.row_dimensions[row].height = 12.5 * lines
            row += 1
    ws.sheet_view.showGridLines = False


def _workbook(tables: Mapping[str, Sequence[Mapping[str, object]]], examples: bool) -> Workbook:
    wb = Workbook()
    wb.remove(wb.active)  # type: ignore[arg-type]
    given = {norm(k): v for k, v in tables.items()}
    for table in SCHEMA:
        _table_sheet(wb, table, given.get(table, ()))
    _readme(wb, examples)
    for sheet in wb.worksheets:  # printable: landscape, every column on the page width
        ws: Any = sheet
        ws.page_setup.orientation = "landscape"
        ws.page_setup.paperSize = ws.PAPERSIZE_A4
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        ws.print_title_rows = "1:1" if ws.title != "README" else None
        ws.oddFooter.center.text = "&A, page &P of &N"
    wb.active = 0
    wb.properties.title = "Partnership finance input workbook"
    wb.properties.creator = "mkip-finance"
    return wb


#: The template carries no date of its own: a fixed stamp makes its bytes reproducible.
STAMP = datetime(2025, 4, 1, tzinfo=UTC)


def _save(wb: Workbook) -> bytes:
    return workbook_bytes(wb, STAMP)


def build_template(examples: bool = True) -> bytes:
    """The blank input workbook with instructions, drop-downs and example rows.

    ``examples=False`` leaves every sheet with its header row only (an empty book, which
    does not validate until it is filled in).
    """
    return _save(_workbook(EXAMPLE if examples else {}, examples=examples))


def book_to_xlsx(tables: Mapping[str, Sequence[Mapping[str, Any]]]) -> bytes:
    """A book's tables (``{table: [{column: value}]}``) written in the template layout.

    Tables and columns are matched as the reader matches them (case and spaces ignored);
    tables and columns the tool does not use are left out.  Values may be text (as read
    from CSV) or typed.
    """
    return _save(_workbook(tables, examples=False))
