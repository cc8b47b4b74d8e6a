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
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from xlsxwriter.worksheet import Worksheet

from finance.core import cells
from finance.core.cells import CellError
from finance.core.model import CASHFLOW_KINDS, CRITERIA, LEDGER_KINDS
from finance.core.parse import SCHEMA, SETTING_KEYS, norm
from finance.xlsx import HEAD, NAVY, MemoryBook, set_page, write_text

__all__ = ["COLUMNS", "EXAMPLE", "TABLES", "book_to_xlsx", "build_template"]

#: Rows that carry drop-downs and number formats (beyond the data already written).
TEMPLATE_ROWS = 1000


@dataclass(frozen=True)
class Column:
    """How one column is typed, formatted, validated and explained."""

    kind: str  # text | code | money | pct | date | year | whole | number | bool | choice
    help: str
    choices: tuple[str, ...] = ()
    strict: bool = True  # False: the list is a suggestion (e.g. driver:NAME is allowed too)
    width: float = 14


_YESNO = ("yes", "no")
_BASES = ("equal", "fixed", "population", "blend", "driver:NAME")
_COMPONENTS = ("equal", "population", "driver:NAME")

#: Every column of every table (SPEC §3), keyed like :data:`finance.core.parse.SCHEMA`.
COLUMNS: dict[str, dict[str, Column]] = {
    "settings": {
        "key": Column("choice", "Setting name: " + ", ".join(SETTING_KEYS) + ".",
                      SETTING_KEYS, width=20),
        "value": Column("text", "The setting's value. name: the partnership's name. "
                        "accountable_body: party code of the council holding the budget "
                        "(§13.3). rotation: party codes in chair order, comma separated "
                        "(§10.1). rotation_start: financial year of the first in the rotation. "
                        "discount_rate: default 3.5%. financial_weight: default 60%. "
                        "rag_green / rag_amber: savings thresholds, default 95% / 75%.",
                        width=40),
    },
    "parties": {
        "code": Column("code", "Short unique party code, e.g. MBC. Used in every other "
                       "table.", width=10),
        "name": Column("text", "The council's full name.", width=34),
        "voting": Column("bool", "yes for a voting party that pays contributions; no for an "
                         "observer (e.g. KCC, §6.2).", _YESNO, width=9),
        "joined": Column("date", "Date the party joined (optional). Joining after 1 April "
                         "pays for the whole months remaining.", width=12),
        "notice_given": Column("date", "Date notice to leave was given (optional; §16.2 needs "
                               "six months).", width=13),
        "left": Column("date", "Date the party left (optional).", width=12),
    },
    "populations": {
        "party": Column("code", "Party code.", width=10),
        "year": Column("year", "Financial year of the estimate, like 2025-26. The most "
                       "recent one not after the year run is used.", width=10),
        "population": Column("whole", "Population estimate (a whole number).", width=13),
        "source": Column("text", "Where the estimate comes from (optional).", width=40),
    },
    "years": {
        "year": Column("year", "Financial year, like 2025-26 (1 April to 31 March).",
                       width=10),
        "rate_pence": Column("number", "Contribution per head of population, in pence "
                             "(30 for 30p; 30.5 is allowed).", width=11),
        "opening_balance": Column("money", "Balance brought forward, £ (blank: last "
                                  "year's carry-over).", width=16),
        "opening_commitments": Column("money", "Commitments brought forward, £ (blank: "
                                      "last year's closing commitments).", width=16),
        "refund_share": Column("pct", "Share of the uncommitted balance the Board decides to "
                               "refund, e.g. 50%. Blank: carry everything over.", width=12),
    },
    "ledger": {
        "date": Column("date", "Date of the entry (optional; must fall in the year).",
                       width=12),
        "year": Column("year", "Financial year, like 2025-26.", width=10),
        "kind": Column("choice", "One of: " + ", ".join(LEDGER_KINDS) + ".", LEDGER_KINDS,
                       width=17),
        "amount": Column("money", "Amount in £, positive for its kind (a negative amount "
                         "reverses an entry).", width=14),
        "description": Column("text", "What it was for (optional).", width=44),
        "reference": Column("text", "Invoice or order reference (optional).", width=14),
    },
    "services": {
        "service": Column("code", "Short service code, e.g. LEGAL.", width=11),
        "name": Column("text", "Service name.", width=30),
        "year": Column("year", "Financial year, like 2025-26.", width=10),
        "host": Column("code", "Party code of the host council (it pays the costs).",
                       width=9),
        "gross_cost": Column("money", "Gross cost of the service for the year, £.", width=15),
        "income": Column("money", "Income of the service, £ (optional).", width=14),
        "basis": Column("choice", "How the net cost is split: equal, fixed (fixed_share in "
                        "service_parties), population, driver:NAME (a driver in the drivers "
                        "table, e.g. driver:caseload) or blend (service_blend).", _BASES,
                        strict=False, width=18),
    },
    "service_parties": {
        "service": Column("code", "Service code.", width=11),
        "year": Column("year", "Financial year.", width=10),
        "party": Column("code", "Party code of a participant (only participants share the "
                        "cost).", width=9),
        "fixed_share": Column("pct", "For basis fixed: this party's agreed share, e.g. 35%. "
                              "Shares must total exactly 100%.", width=12),
        "standalone_cost": Column("money", "What this party would pay on its own, £ "
                                  "(optional; gives its saving).", width=16),
        "joined": Column("date", "Date the party joined this service, if part-way through "
                         "the year (optional).", width=12),
    },
    "service_blend": {
        "service": Column("code", "Service code (its basis must be blend).", width=11),
        "year": Column("year", "Financial year.", width=10),
        "component": Column("choice", "equal, population or driver:NAME.", _COMPONENTS,
                            strict=False, width=18),
        "weight": Column("pct", "Weight of this component; a service's weights total "
                         "exactly 100%.", width=10),
    },
    "drivers": {
        "year": Column("year", "Financial year.", width=10),
        "driver": Column("code", "Activity driver name, e.g. caseload, fte, pcs, "
                         "audit_days.", width=14),
        "party": Column("code", "Party code.", width=9),
        "value": Column("number", "The party's count of the activity (not negative).",
                        width=12),
    },
    "projects": {
        "project": Column("code", "Short project code.", width=11),
        "name": Column("text", "Project name.", width=32),
        "service": Column("code", "Service the project belongs to (optional): its cost is "
                          "shared like that service's.", width=11),
        "lead": Column("code", "Party code of the lead council (it pays the set-up cost).",
                       width=9),
        "start_year": Column("year", "Financial year of year 0 (optional; default the year "
                             "run).", width=11),
        "optimism_bias": Column("pct", "Green Book optimism bias uplift on costs, e.g. 24% "
                                "(optional).", width=12),
        "discount_rate": Column("pct", "Discount rate for this project (optional; default "
                                "the settings discount_rate).", width=12),
        "approved": Column("bool", "yes or no (optional; blank is yes): only an approved "
                           "business case is settled between the councils (§18.1b).",
                           _YESNO, width=10),
    },
    "cashflows": {
        "project": Column("code", "Project code.", width=11),
        "year_index": Column("whole", "Year of the five-year profile, 0 to 5 (0: the start "
                             "year, undiscounted).", ("0", "1", "2", "3", "4", "5"), width=11),
        "kind": Column("choice", "One of: " + ", ".join(CASHFLOW_KINDS) + ".", CASHFLOW_KINDS,
                       width=16),
        "amount": Column("money", "Amount in £ (positive).", width=14),
    },
    "criteria": {
        "project": Column("code", "Project code.", width=11),
        "criterion": Column("choice", "Criterion a to j of §13.5.", CRITERIA, width=10),
        "score": Column("number", "Score from 0 to 5.", width=8),
        "weight": Column("number", "Relative weight (optional; blank for equal weights).",
                         width=9),
    },
    "savings": {
        "service": Column("code", "Service code.", width=11),
        "year": Column("year", "Financial year.", width=10),
        "predicted": Column("money", "Savings predicted for the year, £.", width=15),
        "actual": Column("money", "Savings delivered, £.", width=15),
    },
    "budget_monitor": {
        "year": Column("year", "Financial year.", width=10),
        "quarter": Column("whole", "Quarter 1 to 4.", ("1", "2", "3", "4"), width=9),
        "line": Column("text", "Budget line.", width=30),
        "budget": Column("money", "Budget for the year, £.", width=14),
        "actual_to_date": Column("money", "Spent to date, £.", width=14),
        "forecast_outturn": Column("money", "Forecast outturn for the year, £.", width=16),
    },
    "performance": {
        "service": Column("code", "Service code.", width=11),
        "year": Column("year", "Financial year.", width=10),
        "quarter": Column("whole", "Quarter 1 to 4.", ("1", "2", "3", "4"), width=9),
        "indicator": Column("text", "Indicator name.", width=32),
        "target": Column("number", "Target value.", width=10),
        "actual": Column("number", "Actual value.", width=10),
        "higher_is_better": Column("bool", "yes if a higher value is better (default yes).",
                                   _YESNO, width=14),
    },
}

#: What each table is for, and whether it must be there (SPEC §3).
TABLES: dict[str, tuple[bool, str]] = {
    "settings": (True, "The partnership's name, accountable body, chair rotation and rates."),
    "parties": (True, "The councils in the partnership."),
    "populations": (True, "Population estimates; several years may be given."),
    "years": (True, "Per-head rate, opening balances and the Board's refund decision per "
                    "year."),
    "ledger": (False, "Spend, commitments, external funding, income and admin recharges."),
    "services": (False, "Shared services: cost, income, host and split basis."),
    "service_parties": (False, "Who is in each service (default: every paying party)."),
    "service_blend": (False, "Components of a blend basis."),
    "drivers": (False, "Activity counts used by a driver:NAME basis."),
    "projects": (False, "Five-year investment cases."),
    "cashflows": (False, "Each project's costs and benefits for years 0 to 5."),
    "criteria": (False, "Non-financial benefit scores, criteria a to j of §13.5."),
    "savings": (False, "Savings predicted and delivered per service."),
    "budget_monitor": (False, "Quarterly monitoring of the MKIP budget."),
    "performance": (False, "Performance indicators per service and quarter."),
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


def _typed(col: Column, v: object) -> object:
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


def _put(mb: MemoryBook, ws: Worksheet, row: int, c: int, col: Column, v: object) -> None:
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


def _validation(col: Column, table: str, name: str) -> dict[str, Any] | None:
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
