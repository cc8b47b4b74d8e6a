"""The compact board report for a large book, written row by row (XlsxWriter's
constant-memory mode).

A partnership with thousands of ledger lines and service participants would make the
full report (a block of workings per service) too slow to build and too long to print.
Above :data:`LARGE_LEDGER_LINES` ledger lines or :data:`LARGE_SERVICE_LINES` service
participants, :func:`finance.report.build_report` uses this layout instead: one row per
ledger line and one row per service participant, with the audit trail in columns
(weight, exact quota, floored share, remainder rank, extra penny) and live formulas for
the contributions, the totals, the fund account, each share and the checks.  The
formulas come from :mod:`finance.report.rules`, as in the full layout; each carries the
engine's value.

The largest-remainder step itself (floor, remainder rank, extra penny) is written as the
engine's figures here, not as formulas: a live rank is a ``SUMPRODUCT`` over the whole
service for every participant, work that grows with the square of the rows and would
make a spreadsheet program crawl on a book of this size.  The cover says so; the
Checks sheet adds the shares up to each service's net cost live.

What prints is what a board reads: a table that could run to hundreds of rows prints its
largest rows, then "... and N more (sheet X, rows A-B, every ...)" (:func:`rest_of`),
every row listed below the printed page; the long tables that do print whole
(contributions, the statement per party, the net positions) repeat their heading row on
every page.  Each sheet prints at a scale written into it, and a sheet of several short
tables starts a new page rather than cut one (:meth:`_Sheet.keep`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any

import numpy as np
from xlsxwriter.format import Format
from xlsxwriter.utility import quote_sheetname
from xlsxwriter.worksheet import Worksheet

from finance import __version__
from finance.core.ledger import Ledger
from finance.core.model import LEDGER_KINDS
from finance.core.run import Result
from finance.report import rules
from finance.report.context import named, names
from finance.report.cover import changed_line
from finance.report.grid import (
    HEADER_FOOTER,
    PAGE_LONG,
    PAGE_SHORT,
    PRINT_HEIGHT,
    PRINT_WIDTH,
    ROW_HEIGHT,
    column_points,
    print_scale,
    wrapped_lines,
)
from finance.report.plain import board_warning, where
from finance.xlsx import (
    GREY,
    HEAD,
    INPUT_BLUE,
    MONEY,
    NAVY,
    MemoryBook,
    clean_text,
    hf_text,
    pounds,
    set_page,
    write_text,
)

__all__ = ["LARGE_LEDGER_LINES", "LARGE_SERVICE_LINES", "is_large", "large_report"]

LARGE_LEDGER_LINES = 5_000
LARGE_SERVICE_LINES = 2_000

SHEETS = ("Cover", "Contributions", "Year end", "Ledger", "Shared services", "Settlement",
          "Investments", "Monitoring", "Checks")

#: what a table with no rows says
NONE = "None this year."
#: how many warnings the cover lists (all are in the JSON result)
COVER_WARNINGS = 40
#: how many of the largest services print
TOP_SERVICES = 20
#: how many of the largest settlement payments print
TOP_PAYMENTS = 20
#: how many of the largest projects, and of the parties with the largest costs, print
TOP_INVESTMENTS = 15
#: how many of the largest savings and budget variances, and of the flags, print
TOP_MONITORING = 15

NOT_LIVE = ("In this compact layout the largest-remainder step of each shared service "
            "(floor, remainder rank, extra penny) is written as the calculation engine's "
            "figures, not as formulas: a live rank compares every participant of a service "
            "with every other, work that grows with the square of the rows and would make a "
            "spreadsheet program crawl on a book this large. Each share is a live formula "
            "from those figures, and the Checks sheet adds the shares up to each service's "
            "net cost.")


def rest_of(rest: int, noun: tuple[str, str], every: str, sheet: str, first: int,
            last: int) -> str:
    """Where the rows a printed table leaves out are: "... and 2,980 more services
    (sheet Shared services, rows 27-15,066, every participant)", or where every row is
    when it leaves none out ("Every payment: sheet Settlement, rows 30-32")."""
    where = f"sheet {sheet}, rows {first:,}-{last:,}"
    if rest <= 0:
        return f"Every {every}: {where}"
    return f"... and {rest:,} more {noun[rest != 1]} ({where}, every {every})"


def _fast(ws: Worksheet) -> tuple[Callable[..., Any], Callable[..., Any], Callable[..., Any]]:
    """The worksheet's own string, number and date writers, without the public methods'
    argument handling (the long listings write hundreds of thousands of cells).  The
    string writer is only ever given text, so text stays text."""
    return (getattr(ws, "_write_string", ws.write_string),
            getattr(ws, "_write_number", ws.write_number),
            getattr(ws, "_write_datetime", ws.write_datetime))


def _ledger_rows(led: Ledger, year: str) -> tuple[list[int | None], list[str], list[float],
                                                  list[str], list[str]]:
    """The year's ledger lines, column by column, in the report's ledger order (undated
    last, then date, kind, reference, amount, description; see
    :func:`finance.report.common.ledger_order`): Excel date serials, kinds, amounts in
    pounds, descriptions and references.

    Pence / 100 is a correctly rounded division, so each amount is the double nearest the
    exact pounds figure, the same number as the 2-decimal text read back.
    """
    if year not in led.years:
        return [], [], [], [], []
    idx = np.flatnonzero(led.year_code == led.years.index(year))
    alpha = sorted(LEDGER_KINDS)
    rank = np.array([alpha.index(k) for k in LEDGER_KINDS], dtype=np.int8)[led.kind_code[idx]]
    day = led.day[idx]
    undated = np.isnat(day)
    days = np.where(undated, 0, day.astype("datetime64[D]").astype(np.int64))
    desc = [led.description[i] for i in idx.tolist()]
    ref = [led.reference[i] for i in idx.tolist()]
    amount = led.amount[idx]
    order = np.lexsort((np.array(desc, dtype=str), amount, np.array(ref, dtype=str), rank,
                        days, undated))
    serial = [None if u else d + 25569 for u, d in
              zip(undated[order].tolist(), days[order].tolist(), strict=True)]
    kinds = [LEDGER_KINDS[k] for k in led.kind_code[idx][order].tolist()]
    o = order.tolist()
    return (serial, kinds, (amount[order] / 100).tolist(), [desc[i] for i in o],
            [ref[i] for i in o])


def is_large(result: Result) -> bool:
    """Whether ``result``'s book is big enough for the compact layout."""
    lines = sum(len(s.lines) for s in result.services)
    return len(result.book.ledger) > LARGE_LEDGER_LINES or lines > LARGE_SERVICE_LINES


_STYLES: dict[str, dict[str, Any]] = {
    "title": {"size": 16, "bold": True, "color": NAVY},
    "subtitle": {"italic": True, "color": GREY, "wrap": True, "valign": "top"},
    "more": {"italic": True, "color": GREY, "wrap": True, "valign": "top"},
    "top_label": {"bold": True, "valign": "top"},
    "warn_label": {"bold": True, "color": "9C5700", "valign": "top"},
    "where": {"italic": True, "color": GREY, "size": 8},
    "section": {"size": 12, "bold": True, "color": NAVY, "bottom": ("medium", NAVY)},
    "head": {"bold": True, "color": "FFFFFF", "fill": HEAD, "wrap": True, "align": "center",
             "valign": "vcenter"},
    "text": {},
    "wrap": {"wrap": True, "valign": "top"},
    "text wrap": {"wrap": True, "valign": "top"},
    "input wrap": {"color": INPUT_BLUE, "wrap": True, "valign": "top"},
    "label": {"bold": True},
    "label wrap": {"bold": True, "wrap": True, "valign": "top"},
    "input": {"color": INPUT_BLUE},
    "input_money": {"color": INPUT_BLUE, "fmt": MONEY},
    "input_int": {"color": INPUT_BLUE, "fmt": "#,##0"},
    "input_pct": {"color": INPUT_BLUE, "fmt": "0.##%"},
    "input_rate": {"color": INPUT_BLUE, "fmt": "0.00##"},
    "input_date": {"color": INPUT_BLUE, "fmt": "yyyy-mm-dd"},
    "int": {"fmt": "#,##0"},
    "ratio": {"fmt": "0.000000000"},
    "pence": {"fmt": "#,##0.000000"},
    "money": {"fmt": MONEY},
    "share": {"fmt": "0.00%"},
    "num": {"fmt": "0.00"},
    "total_money": {"bold": True, "fmt": MONEY, "top": ("thin", "000000"),
                    "bottom": ("double", "000000")},
    "total_int": {"bold": True, "fmt": "#,##0", "top": ("thin", "000000"),
                  "bottom": ("double", "000000")},
    "total_label": {"bold": True, "top": ("thin", "000000"), "bottom": ("double", "000000")},
    "check": {"bold": True},
    "link": {"color": "0563C1", "underline": True},
    "status": {"bold": True, "size": 12, "color": "C00000"},
    "line": {"bottom": ("thin", "000000")},
}


class _Sheet:
    """One sheet written row by row, in order."""

    def __init__(self, rep: _Large, title: str, widths: Sequence[float], heading: str,
                 note: str, header_row: bool = False, note_cols: int | None = None,
                 print_cols: int | None = None, portrait: bool = False) -> None:
        self.rep = rep
        self.title = title
        self.widths = list(widths)
        self.ws: Worksheet = rep.mb.add_sheet(title)
        for i, w in enumerate(widths):
            self.ws.set_column(i, i, w)
        self.ws.set_default_row(ROW_HEIGHT)
        name = rep.result.book.settings.name
        self.ws.hide_gridlines(2)
        right = f"{rep.status} - Board report {rep.result.year}: {title}"
        set_page(self.ws, header=f"&L&9{hf_text(name)}&R&9{hf_text(right)}",
                 footer=f"&C&8Page &P of &N&R&8{hf_text(f'mkip {__version__}')}",
                 repeat=(3, 3) if header_row else None)
        # printed at the scale that fits the printed columns to the page width, given
        # rather than left to the spreadsheet (LibreOffice, fitting a sheet to the width
        # itself, may add an empty page at its end)
        across, down = ((PAGE_SHORT - 2 * 0.4 * 72, PAGE_LONG - 2 * 0.3 * 72) if portrait
                        else (PRINT_WIDTH, PRINT_HEIGHT))
        scale = print_scale(sum(column_points(w) for w in widths[:print_cols]), across)
        if portrait:
            self.ws.set_portrait()
        self.ws.set_print_scale(round(scale * 100))
        self.room = self.page = down / scale - HEADER_FOOTER
        if header_row:
            self.ws.freeze_panes(3, 0)
        self.row = 0  # rows written so far (the next row's 1-based number is row + 1)
        self.used = 0.0  # of the printed page, as it fills
        self.height = ROW_HEIGHT  # of the current row
        self.breaks: list[int] = []
        self.put(0, heading, "title")
        self.set_height(24)
        self.next()
        cols = note_cols or len(widths)
        self.note(note, cols, sum(widths[:cols]))
        self.next()

    def note(self, text: str, ncols: int, width: float, style: str = "subtitle") -> None:
        """A note across the sheet's ``ncols`` columns, wrapped, its row as tall as its
        lines (so it is never cut at the edge of the page)."""
        lines = max(1, -(-int(len(text) * 1.1) // max(int(width), 1)))
        fmt = self.f(style)
        if ncols > 1:
            self.ws.merge_range(self.row, 0, self.row, ncols - 1, clean_text(text), fmt)
        else:
            self.put(0, text, style)
        if lines > 1:
            self.set_height(ROW_HEIGHT * lines + 2)

    def more(self, text: str, ncols: int) -> None:
        """A row saying where the rest of a table is ("... and N more (sheet X, rows
        A-B)"), wrapped across the first ``ncols`` columns, so it is never cut."""
        self.note(text, ncols, sum(self.widths[:ncols]), "more")
        self.next()

    def span(self, col: int, ncols: int, value: str, style: str = "text") -> None:
        """Text across ``ncols`` columns of the current row, from ``col`` (merged)."""
        if ncols > 1:
            self.ws.merge_range(self.row, col, self.row, col + ncols - 1, clean_text(value),
                                self.f(style))
        else:
            self.put(col, value, style)

    def f(self, style: str, *, boolean: bool = False) -> Format:
        return self.rep.fmt(style, boolean=boolean)

    def put(self, col: int, value: object, style: str = "text") -> None:
        """A value in the current row (0-based column): text always as text."""
        fmt = self.f(style, boolean=isinstance(value, bool))
        if value is None:
            self.ws.write_blank(self.row, col, None, fmt)
        elif isinstance(value, str):
            write_text(self.ws, self.row, col, value, fmt)
        elif isinstance(value, bool):
            self.ws.write_boolean(self.row, col, value, fmt)
        elif isinstance(value, datetime):
            self.ws.write_datetime(self.row, col, value, fmt)
        else:
            self.ws.write_number(self.row, col, float(value), fmt)  # type: ignore[arg-type]

    def formula(self, col: int, formula: str, value: Any, style: str = "money") -> None:
        self.ws.write_formula(self.row, col, "=" + formula.removeprefix("="),
                              self.f(style, boolean=isinstance(value, bool)), value)

    def set_height(self, points: float) -> None:
        """The current row's height."""
        self.ws.set_row(self.row, points)
        self.height = points

    def next(self) -> int:
        """End the current row; returns its 1-based number."""
        if self.used > 0 and self.used + self.height > self.room:
            self.used, self.room = 0.0, self.page  # the row starts a new page
        self.used += self.height
        self.height = ROW_HEIGHT
        self.row += 1
        return self.row

    def blank(self) -> None:
        self.next()

    def keep(self, rows: int, extra: float = 0.0) -> None:
        """Start a new page here unless a block of ``rows`` rows (and ``extra`` points
        more) fits in what is left of this one: a table is never cut across two pages
        where it fits on one.  For a sheet without repeated rows."""
        h = rows * ROW_HEIGHT + extra
        if self.used > 0 and self.used + h > self.room and h <= self.page:
            self.breaks.append(self.row)
            self.ws.set_h_pagebreaks(self.breaks)
            self.used = 0.0

    def section(self, title: str) -> None:
        """A blank row, then a section heading across both columns (the cover's)."""
        self.blank()
        self.put(0, title, "section")
        self.put(1, "", "section")
        self.next()

    def header(self, labels: Sequence[str], first: int = 1) -> int:
        """A table's heading row: every cell labelled (the first label across ``first``
        columns); returns the next row's 1-based number."""
        self.span(0, first, labels[0], "head")
        for i, x in enumerate(labels[1:], start=first):
            self.put(i, x, "head")
        self.set_height(30)
        return self.next()

    def label(self, ncols: int, text: str, style: str = "text") -> None:
        """A name across the first ``ncols`` columns of the current row, wrapped, the row
        as tall as its lines (a long name is never cut)."""
        self.span(0, ncols, text, f"{style} wrap")
        lines = wrapped_lines(text, sum(self.widths[:ncols]))
        if lines > 1:
            self.set_height(max(self.height, ROW_HEIGHT * lines + 2))

    def heading(self, title: str, ncols: int) -> None:
        """A section heading, underlined across the first ``ncols`` columns."""
        self.put(0, title, "section")
        for c in range(1, ncols):
            self.put(c, "", "section")
        self.next()

    def ref(self, row: int, col: str) -> str:
        return f"{quote_sheetname(self.title)}!${col}${row}"


class _Large:
    def __init__(self, result: Result, generated: datetime, status: str,
                 approver: str | None, minute: str | None,
                 changes: Sequence[str] = (), source_sha256: str | None = None,
                 approval: str | None = None) -> None:
        self.result = result
        self.changes = tuple(changes)
        self.source_sha256 = source_sha256 or result.book.source_sha256
        self.generated = generated
        self.status = status
        self.approver = approver
        self.minute = minute
        self.approval = approval
        self.mb = MemoryBook(constant_memory=True)
        self.checks: list[tuple[str, str]] = []
        #: the cover's key figures: label, formula (or None: a figure) and value, £
        self.keys: list[tuple[str, str | None, float]] = []
        self._fmts: dict[str, Format] = {}
        self._names: tuple[dict[str, str], dict[str, str]] | None = None

    def service(self, code: str | None) -> str:
        """A shared service by its name with its code beside it (as the full report)."""
        if self._names is None:
            self._names = names(self.result.book, self.result.year)
        return named(self._names[0], code)

    def project(self, code: str | None) -> str:
        """A business case by its name with its code beside it."""
        if self._names is None:
            self._names = names(self.result.book, self.result.year)
        return named(self._names[1], code)

    def fmt(self, style: str, *, boolean: bool = False) -> Format:
        """The format of ``style``; for a TRUE/FALSE cell, with the boolean number format
        (never General: see :data:`finance.xlsx.BOOL`)."""
        key = f"{style} boolean" if boolean else style
        got = self._fmts.get(key)
        if got is None:
            formats = self.mb.formats
            got = self._fmts[key] = (formats.boolean(_STYLES[style]) if boolean
                                     else formats.get(_STYLES[style]))
        return got

    # ---------------------------------------------------------------- sheets
    def cover_sheet(self) -> _Sheet:
        r = self.result
        return _Sheet(self, "Cover", [34, 90], r.book.settings.name,
                      f"Board report: year end {r.year} (compact layout for a large book)",
                      portrait=True)

    def cover(self, sh: _Sheet, checks_last: int) -> None:
        """The cover's body, written last: it says whether every check holds."""
        r = self.result
        g = r.governance.as_json()
        sh.put(0, f"Status: {self.status}", "status")
        sh.next()
        if self.changes:
            sh.put(0, changed_line(len(self.changes)), "status")
            sh.next()
        sh.blank()
        facts = [("Partnership", r.book.settings.name), ("Financial year", r.year),
                 ("Chair", g.get("chair")), ("Vice-chair", g.get("vice_chair")),
                 ("Host authority", g.get("host")),
                 ("Accountable body", g.get("accountable_body")),
                 ("Generated", self.generated.strftime("%d %B %Y %H:%M UTC")),
                 ("Software", f"mkip-finance {__version__}"),
                 ("SHA-256 of the input book", self.source_sha256
                  + (" (as read, before the changes below)" if self.changes else ""))]
        for label, value in facts:
            sh.put(0, label, "label")
            sh.put(1, value or "-")
            sh.next()
        sh.put(0, "Checks", "label")
        rng = f"Checks!$B$4:$B${max(checks_last, 4)}"
        sh.formula(1, f'IF(AND({rng}),"all "&ROWS({rng})&" checks hold",'
                      f'"a check fails: see the Checks sheet")',
                   f"all {len(self.checks)} checks hold", "check")
        sh.next()
        sh.section("Key figures")
        for label, ref, value in self.keys:
            sh.put(0, label)
            if ref is None:
                sh.put(1, value, "money")
            else:
                sh.formula(1, ref, value)
            sh.next()
        if self.changes:
            sh.section("Changes made after the book was read")
            for i, change in enumerate(self.changes, 1):
                sh.put(0, f"Change {i}", "label")
                sh.put(1, change)
                sh.next()
        sh.section("About this layout")
        sh.put(1, NOT_LIVE, "wrap")
        sh.ws.set_row(sh.row, 80)
        sh.next()
        sh.section("Contents")
        for name in SHEETS[1:]:
            sh.ws.write_url(sh.row, 0, f"internal:'{name}'!A1", self.fmt("link"), string=name)
            sh.next()
        sh.section("Warnings")
        names = {p.code: p.name for p in r.book.parties}
        for w in r.warnings[:COVER_WARNINGS]:
            sh.put(0, "Warning", "warn_label")
            text = board_warning(w, names)
            sh.put(1, text, "wrap")
            sh.ws.set_row(sh.row, 12.75 * max(1, -(-int(len(text) * 1.1) // 90)) + 2)
            sh.next()
            sh.put(1, where(w), "where")
            sh.next()
        if len(r.warnings) > COVER_WARNINGS:
            sh.put(1, f"... and {len(r.warnings) - COVER_WARNINGS:,} more (all are in the "
                      "JSON result)", "more")
            sh.next()
        if not r.warnings:
            sh.put(1, NONE)
            sh.next()
        sh.section("Sign-off")
        prepared = getattr(r.book.settings, "prepared_by", None)
        rows: list[tuple[str, str | None]] = [("Prepared by", prepared),
                                              ("Status", self.status)]
        if self.approver:
            rows.append(("Approved by", self.approver))
        if self.minute:
            rows.append(("Board minute reference", self.minute))
        if self.approval:
            rows.append(("Approved", self.approval))
        rows.append(("Section 151 officer of the accountable body",
                     g.get("accountable_body") or "-"))
        rows += [("Signature", None), ("Name", None), ("Date", None)]
        for label, value in rows:
            sh.put(0, label, "label wrap")
            if wrapped_lines(label, 34, bold=True) > 1:
                sh.set_height(ROW_HEIGHT * wrapped_lines(label, 34, bold=True) + 2)
            sh.put(1, value if value else "", "text wrap" if value else "line")
            sh.next()

    def contributions(self) -> tuple[str, str]:
        r = self.result
        c = r.contributions
        sh = _Sheet(self, "Contributions", [12, 36, 14, 12, 10, 12, 16, 12],
                    f"Contributions {r.year}",
                    "Each voting party pays rate x population x months / 12 pence, rounded "
                    "once, half away from zero (§13.2).", header_row=True)
        sh.header(["Party", "Name", "Population", "Estimate", "Months", "Rate (pence)",
                   "Contribution", "Share"])
        first = sh.row + 1
        last = first + len(c.lines) - 1
        total = c.total
        for x in c.lines:
            n = sh.row + 1
            sh.put(0, x.party)
            sh.put(1, x.name)
            sh.put(2, x.population, "input_int")
            sh.put(3, x.population_year, "input")
            sh.put(4, x.months, "int")
            sh.put(5, float(c.rate_pence), "input_rate")
            sh.formula(6, rules.contribution(f"F{n}", f"C{n}", f"E{n}"), pounds(x.amount))
            sh.formula(7, f"IF($G${last + 1}=0,0,G{n}/$G${last + 1})",
                       x.amount / total if total else 0, "share")
            sh.next()
        sh.put(0, "Total", "total_label")
        sh.put(1, "", "total_label")
        sh.formula(2, f"SUM(C{first}:C{last})", sum(x.population for x in c.lines),
                   "total_int")
        for col in (3, 4, 5):
            sh.put(col, "", "total_label")
        sh.formula(6, f"ROUND(SUM(G{first}:G{last}),2)", pounds(total), "total_money")
        sh.formula(7, f"SUM(H{first}:H{last})",
                   sum(x.amount for x in c.lines) / total if total else 0, "share")
        total_row = sh.next()
        self.keys.append(("Contributions received", sh.ref(total_row, "G"), pounds(total)))
        if c.lines:
            self.mb.define_name("RatePerHead", sh.ref(first, "F"))
        self.checks.append(("Contributions add up to the total",
                            f"ABS(SUM(Contributions!G{first}:G{last})-{pounds(c.total)})"
                            "<0.005"))
        return sh.ref(total_row, "G"), f"Contributions!$G${first}:$G${last}"

    def year_end(self, contrib_total: str, ledger_last: int) -> None:
        r = self.result
        ye = r.year_end
        sh = _Sheet(self, "Year end", [34, 18, 18, 18, 18, 18],
                    f"Year end {r.year}: refund or carry over",
                    "Fund account (§13.2-§13.3): ledger totals are SUMIF formulas over the "
                    "Ledger sheet.")
        sh.blank()
        last = ledger_last

        def sumif(kind: str) -> str:
            return f'SUMIF(Ledger!$B$4:$B${last},"{kind}",Ledger!$C$4:$C${last})'

        b = sh.row + 1  # rows: b opening .. b+5 admin recharge
        lines: list[tuple[str, str | None, int, str]] = [
            ("Opening balance", None, ye.opening_balance, "input_money"),
            ("Opening commitments", None, ye.opening_commitments, "input_money"),
            ("Contributions", contrib_total, ye.contributions, "money"),
            ("External funding", sumif("external_funding"), ye.external_funding, "money"),
            ("Income", sumif("income"), ye.income, "money"),
            ("Admin recharge", sumif("admin_recharge"), ye.admin_recharge, "money"),
        ]
        for label, f, v, st in lines:
            sh.put(0, label, "label")
            if f is None:
                sh.put(1, pounds(v), st)
            else:
                sh.formula(1, f"ROUND({f},2)", pounds(v), st)
            sh.next()
        sh.put(0, "Available", "total_label")
        sh.formula(1, f"ROUND(B{b}+B{b + 1}+B{b + 2}+B{b + 3}+B{b + 4}-B{b + 5},2)",
                   pounds(ye.available), "total_money")
        avail = sh.next()
        sh.put(0, "Spend", "label")
        sh.formula(1, f"ROUND({sumif('spend')},2)", pounds(ye.spend))
        spend = sh.next()
        sh.put(0, "Commitments at 31 March", "label")
        sh.formula(1, f"ROUND({sumif('commitment')},2)", pounds(ye.commitments))
        com = sh.next()
        sh.put(0, "Uncommitted", "total_label")
        sh.formula(1, f"ROUND(B{avail}-B{spend}-B{com},2)", pounds(ye.uncommitted),
                   "total_money")
        unc = sh.next()
        sh.put(0, "Refund share (board decision)", "label")
        sh.put(1, float(ye.refund_share), "input_pct")
        share = sh.next()
        self.mb.define_name("RefundShare", sh.ref(share, "B"))
        sh.put(0, "Refund", "label")
        sh.formula(1, rules.refund(f"B{unc}", f"B{share}"), pounds(ye.refund))
        refund = sh.next()
        sh.put(0, "Carried over", "total_label")
        sh.formula(1, f"ROUND(B{unc}-B{refund},2)", pounds(ye.carry_over), "total_money")
        carry = sh.next()
        for label, row, v in (("Available funds", avail, ye.available),
                              ("Uncommitted balance", unc, ye.uncommitted),
                              ("Refund to the parties", refund, ye.refund),
                              ("Carried over to next year", carry, ye.carry_over)):
            self.keys.append((label, sh.ref(row, "B"), pounds(v)))
        self.checks.append(("Uncommitted agrees with the engine",
                            f"ABS('Year end'!B{unc}-{pounds(ye.uncommitted)})<0.005"))
        self.checks.append(("Refund + carry-over = uncommitted",
                            f"ABS('Year end'!B{refund}+'Year end'!B{carry}"
                            f"-'Year end'!B{unc})<0.005"))
        self.checks.append(("Refund agrees with the engine",
                            f"ABS('Year end'!B{refund}-{pounds(ye.refund)})<0.005"))
        sh.blank()
        sh.put(0, "Statement per party (largest remainder on contribution weights)", "section")
        sh.next()
        head = sh.header(["Party", "Contribution", "Share of spend", "Refund", "Carried over",
                          "Supplementary"])
        sh.ws.repeat_rows(head - 1)  # the statement runs over several pages
        first = sh.row + 1
        keys = ("contribution", "spend", "refund", "carry_over", "supplementary")
        for p in ye.parties:
            sh.put(0, p.party)
            for i, k in enumerate(keys, start=1):
                sh.put(i, pounds(getattr(p, k)), "money")
            sh.next()
        last_p = sh.row
        sh.put(0, "Total", "total_label")
        for i, (col, k) in enumerate(zip("BCDEF", keys, strict=True), start=1):
            sh.formula(i, f"ROUND(SUM({col}{first}:{col}{last_p}),2)",
                       pounds(sum(getattr(p, k) for p in ye.parties)), "total_money")
        sh.next()
        if ye.parties:
            for label, col, row in (("Refund shares add up to the refund", "D", refund),
                                    ("Carry-over shares add up", "E", carry),
                                    ("Spend shares add up to spend", "C", spend)):
                self.checks.append((label, f"ABS(SUM('Year end'!{col}{first}:{col}{last_p})"
                                           f"-'Year end'!B{row})<0.005"))

    def ledger(self) -> int:
        r = self.result
        serial, kinds, amounts, descs, refs = _ledger_rows(r.book.ledger, r.year)
        sh = _Sheet(self, "Ledger", [12, 18, 16, 60, 18], f"Ledger {r.year}",
                    f"{len(kinds):,} lines of {r.year} from the input book (sheet Ledger, rows "
                    f"4-{3 + len(kinds):,}); the fund account on the Year end sheet sums them "
                    "by kind and prints their totals, so the lines themselves are not printed."
                    if kinds else f"{NONE} No ledger lines for {r.year}.",
                    header_row=True)
        sh.header(["Date", "Kind", "Amount", "Description", "Reference"])
        sh.ws.print_area(0, 0, 1, 4)
        ws = sh.ws
        date_f, text_f, money_f = (self.fmt(x) for x in ("input_date", "input", "input_money"))
        # the listing is most of the workbook: cells go straight to the row writer (text
        # still only as text), and blank cells are left out
        put_s, put_n, _ = _fast(ws)
        row = sh.row
        for day, kind, amount, desc, ref in zip(serial, kinds, amounts, descs, refs,
                                                strict=True):
            if day is not None:
                put_n(row, 0, day, date_f)
            put_s(row, 1, kind, text_f)
            put_n(row, 2, amount, money_f)
            if desc:
                put_s(row, 3, clean_text(desc), text_f)
            if ref:
                put_s(row, 4, clean_text(ref), text_f)
            row += 1
        sh.row = row
        return max(row, 4)

    def services(self) -> None:
        r = self.result
        sh = _Sheet(self, "Shared services",
                    [10, 26, 18, 8, 16, 8, 8, 14, 20, 16, 12, 8, 8, 16, 16, 16],
                    f"Shared services {r.year}",
                    "One row per participant. Quota = |net cost| x weight in pence; floor it; "
                    "the pennies left go by remainder rank (ties: larger weight, then party "
                    "code); share = sign x (floor + extra penny) / 100 (§18.1, §13.4). Floor, "
                    "rank and extra penny are the engine's figures (see the Cover). The "
                    "largest services by net cost print; every participant is listed below "
                    "them.", header_row=True, note_cols=6, print_cols=6)
        lines = sum(len(svc.lines) for svc in r.services)
        top = sorted(r.services, key=lambda v: (-abs(v.net_cost), v.service))[:TOP_SERVICES]
        sh.header(["Service", "Basis", "Host", "Net cost", "Parties"], first=2)
        for svc in top:
            sh.label(2, self.service(svc.service), "input")
            sh.put(2, svc.basis, "input")
            sh.put(3, svc.host, "input")
            sh.put(4, pounds(svc.net_cost), "money")
            sh.put(5, len(svc.lines), "int")
            sh.next()
        if not top:
            sh.put(0, NONE)
            sh.next()
        listing = sh.row + 4  # after this line, a blank row, the section and its header
        rest = len(r.services) - len(top)
        if lines:
            sh.more(rest_of(rest, ("service", "services"), "participant", "Shared services",
                            listing, listing + lines - 1), 6)
        else:
            sh.next()
        sh.ws.print_area(0, 0, sh.row - 1, 5)
        self.keys.append(("Shared services net cost", None,
                          pounds(sum(svc.net_cost for svc in r.services))))
        sh.blank()
        sh.put(0, "Every participant", "section")
        sh.next()
        sh.header(["Service", "Name", "Basis", "Host", "Net cost", "Party", "Months",
                   "Weight", "Quota (pence)", "Floor (pence)", "Remainder", "Rank",
                   "Extra penny", "Share", "Stand-alone cost (a year)",
                   "Saving (months taken part)"])
        ws = sh.ws
        f = {k: self.fmt(k) for k in ("input", "input_money", "int", "ratio", "pence",
                                      "money")}
        first = sh.row + 1
        row = sh.row
        put_s, put_n, _ = _fast(ws)
        put_f = getattr(ws, "_write_formula", ws.write_formula)
        for svc in r.services:
            net = pounds(svc.net_cost)
            code = clean_text(svc.service)
            for k, x in enumerate(svc.lines):
                n = row + 1
                d = x.detail
                put_s(row, 0, code, f["input"])
                if k == 0:  # the service's name, basis and host on its first row
                    write_text(ws, row, 1, svc.name, f["input"])
                    write_text(ws, row, 2, svc.basis, f["input"])
                    write_text(ws, row, 3, svc.host, f["input"])
                put_n(row, 4, net, f["money"])
                put_s(row, 5, clean_text(x.party), f["input"])
                put_n(row, 6, x.months, f["int"])
                put_n(row, 7, float(d.weight), f["ratio"])
                put_n(row, 8, float(d.quota), f["pence"])
                put_n(row, 9, d.floor, f["int"])
                put_n(row, 10, float(d.remainder), f["ratio"])
                put_n(row, 11, d.rank, f["int"])
                put_n(row, 12, int(d.extra_penny), f["int"])
                put_f(row, 13, rules.share(f"SIGN(E{n})", f"J{n}", f"M{n}"), f["money"],
                      pounds(x.share))
                if x.standalone_cost is not None:
                    put_n(row, 14, pounds(x.standalone_cost), f["input_money"])
                saving = svc.saving(x)
                if saving is not None:  # a fixed share pays for the whole year
                    months = "12" if svc.basis == "fixed" else f"G{n}"
                    put_f(row, 15, rules.saving(f"O{n}", months, f"N{n}"), f["money"],
                          pounds(saving))
                row += 1
        sh.row = row
        last = max(row, first)
        for svc in r.services:
            self.checks.append((
                f"{svc.service} shares add up to its net cost",
                f"ABS(SUMIF('Shared services'!$A${first}:$A${last},\"{svc.service}\","
                f"'Shared services'!$N${first}:$N${last})-{pounds(svc.net_cost)})<0.005"))

    def settlement(self) -> None:
        """The largest payments (with where the rest are), then each party's net position
        as a formula over every payment, listed below the printed page."""
        st = self.result.settlement
        pays = list(st.payments)
        nets = list(st.net_positions)
        names_ = {p.code: p.name for p in self.result.book.parties}
        top = sorted(pays, key=lambda p: (-p.amount, p.payer, p.payee))[:TOP_PAYMENTS]
        sh = _Sheet(self, "Settlement", [14, 30, 18, 4, 14, 14, 18],
                    f"Settlement {self.result.year}",
                    "One net payment per pair of parties across every service and business "
                    "case (§18.1): the largest print, then each party's net position = "
                    "received - paid. Every payment is listed below the printed page.",
                    note_cols=3, print_cols=3)
        sh.blank()
        shown = f"The {len(top):,} largest payments" if len(top) < len(pays) else "Payments"
        sh.heading(shown, 3)
        sh.header(["From", "To", "Payment"])
        for p in top:
            sh.put(0, p.payer)
            sh.put(1, p.payee)
            sh.put(2, pounds(p.amount), "money")
            sh.next()
        if not pays:
            sh.put(0, NONE)
            sh.next()
        # after the "more" line, a blank row, the net positions' heading, header, rows and
        # total, a blank row, the listing's heading and header
        first = sh.row + 5
        nlast = first + len(nets) - 1
        p_first = max(nlast, first) + 5
        p_last = p_first + max(len(pays), 1) - 1
        rest = len(pays) - len(top)
        if pays:
            sh.more(rest_of(rest, ("payment", "payments"), "payment", "Settlement", p_first,
                            p_last), 3)
        else:
            sh.next()
        sh.blank()
        sh.heading("Net positions", 3)
        head = sh.header(["Party", "Name", "Net position"])
        sh.ws.repeat_rows(head - 1)  # the net positions run over several pages
        assert sh.row + 1 == first
        rng = f"${{}}${p_first}:${{}}${p_last}"
        paid_to, paid_by, amount = (rng.format(c, c) for c in "BAC")
        for pos in nets:
            n = sh.row + 1
            sh.put(0, pos.party)
            sh.put(1, names_.get(pos.party, ""))
            sh.formula(2, f"ROUND(SUMIF({paid_to},A{n},{amount})"
                          f"-SUMIF({paid_by},A{n},{amount}),2)", pounds(pos.amount))
            sh.next()
        if not nets:
            sh.put(0, NONE)
            sh.next()
        sh.put(0, "Total", "total_label")
        sh.put(1, "", "total_label")
        sh.formula(2, f"ROUND(SUM(C{first}:C{max(nlast, first)}),2)",
                   pounds(sum(x.amount for x in nets)), "total_money")
        total = sh.next()
        sh.ws.print_area(0, 0, total - 1, 2)
        sh.blank()
        sh.heading("Every payment", 3)
        sh.header(["From", "To", "Payment"])
        assert sh.row + 1 == p_first
        for p in pays:
            sh.put(0, p.payer)
            sh.put(1, p.payee)
            sh.put(2, pounds(p.amount), "money")
            sh.next()
        self.checks.append(("Settlement net positions sum to zero",
                            f"ABS(SUM(Settlement!C{first}:C{max(nlast, first)}))<0.005"))
        for i, pos in enumerate(nets):
            self.checks.append((f"{pos.party} net position agrees with the engine",
                                f"ABS(Settlement!C{first + i}-{pounds(pos.amount)})<0.005"))

    def investments(self) -> None:
        """The largest projects and the parties with the largest present value of costs,
        each with where the rest are; every project and party listed below the page."""
        r = self.result
        sh = _Sheet(self, "Investments", [12, 34, 16, 16, 16, 10, 10, 10, 10, 14],
                    f"Investments {r.year}",
                    "Five-year cases (Annex A §5.2): present values at the Green Book rate, "
                    "optimism bias on costs; scores 0-100. The largest print; every project "
                    "and party is listed below the printed page.")
        apps = sorted(r.investments, key=lambda a: (-abs(a.npv), a.project))
        pj = r.portfolio.as_json()
        parties = sorted(r.portfolio.parties, key=lambda p: (-p.pv_costs, p.party))
        names_ = {p.code: p.name for p in r.book.parties}
        # where the listings below the printed page start: after the projects (at most
        # TOP_INVESTMENTS and a "more" line), a blank row, the portfolio, a blank row, the
        # parties' header, rows and "more" line, then a blank row, a heading and a header
        top_a, top_p = apps[:TOP_INVESTMENTS], parties[:TOP_INVESTMENTS]
        every_a = sh.row + 1 + 1 + max(len(top_a), 1) + 1 + 4 + max(len(top_p), 1) + 1 + 3
        every_p = every_a + max(len(apps), 1) + 3

        def project(a: Any) -> None:
            j = a.as_json()
            sh.label(2, self.project(a.project))
            for col, v in ((2, a.pv_costs), (3, a.pv_benefits), (4, a.npv)):
                sh.put(col, pounds(v), "money")
            sh.put(5, j["bcr"], "num")
            sh.put(6, j["irr"], "share")
            sh.put(7, j["payback_years"], "num")
            sh.put(8, j["score"], "num")
            sh.put(9, "financial only" if a.financial_only else "weighted")
            sh.next()

        def party(p: Any) -> None:
            sh.put(0, p.party)
            sh.put(1, names_.get(p.party, ""))
            sh.put(2, pounds(p.pv_costs), "money")
            sh.put(3, pounds(p.pv_benefits), "money")
            sh.put(4, pounds(p.pv_benefits - p.pv_costs), "money")
            sh.put(5, p.return_per_pound, "num")
            sh.next()

        heads = ["Project", "PV costs", "PV benefits", "NPV", "BCR", "IRR", "Payback (y)",
                 "Score", "Basis"]
        party_heads = ["Party", "Name", "PV costs", "PV benefits", "NPV", "Return per £1"]
        sh.header(heads, first=2)
        for a in top_a:
            project(a)
        if not apps:
            sh.put(0, NONE)
            sh.next()
            return
        sh.more(rest_of(len(apps) - len(top_a), ("project", "projects"), "project",
                        "Investments", every_a, every_a + len(apps) - 1), 6)
        self.keys.append(("Investment portfolio NPV", None, pounds(r.portfolio.npv)))
        sh.blank()
        sh.put(0, "Portfolio", "total_label")
        sh.put(1, "", "total_label")
        sh.put(4, pounds(r.portfolio.npv), "total_money")
        sh.put(5, pj["bcr"], "num")
        sh.put(8, pj["score"], "num")
        sh.next()
        sh.blank()
        sh.header(party_heads)
        for p in top_p:
            party(p)
        if not parties:
            sh.put(0, NONE)
            sh.next()
        else:
            sh.more(rest_of(len(parties) - len(top_p), ("party", "parties"), "party",
                            "Investments", every_p, every_p + len(parties) - 1), 6)
        sh.ws.print_area(0, 0, sh.row - 1, 9)
        sh.blank()
        sh.heading("Every project", 2)
        sh.header(heads, first=2)
        assert sh.row + 1 == every_a, (sh.row, every_a)
        for a in sorted(r.investments, key=lambda a: a.project):
            project(a)
        sh.blank()
        sh.heading("Every party", 2)
        sh.header(party_heads)
        assert sh.row + 1 == every_p, (sh.row, every_p)
        for p in r.portfolio.parties:
            party(p)

    def monitoring(self) -> None:
        """Savings, the quarterly budget and the board flags: the largest of each print
        (by variance; the flags by their run of missed quarters), each table on one page,
        with where the rest are; every row listed below the printed page."""
        m = self.result.monitoring.as_json()

        def pence(text: str) -> int:
            return abs(int(Decimal(text) * 100))

        savings = sorted(m["savings"], key=lambda x: (-pence(x["variance"]), x["service"] or "",
                                                      x["year"] or ""))
        budget = sorted(m["budget"], key=lambda b: (-pence(b["variance"]), b["line"],
                                                    b["quarter"]))
        flags = sorted(m["flags"], key=lambda f: (-f["quarters"], f["service"]))
        sh = _Sheet(self, "Monitoring", [34, 10, 16, 16, 16, 12, 10],
                    f"Monitoring {self.result.year}",
                    "Savings delivered and the quarterly budget (Annex A §5.1); performance "
                    "flags (Annex A §4.1). The largest variances print; every line is listed "
                    "below the printed page.")

        def saving(x: Any) -> None:
            sh.put(0, self.service(x["service"]))
            sh.put(1, x["year"])
            for col, k in ((2, "predicted"), (3, "actual"), (4, "variance")):
                sh.put(col, float(Decimal(x[k])), "money")
            sh.put(5, x["pct_delivered"], "share")
            sh.put(6, x["rag"])
            sh.next()

        def line(b: Any) -> None:
            sh.put(0, b["line"])
            sh.put(1, b["quarter"])
            for col, k in ((2, "budget"), (3, "actual_to_date"), (4, "forecast_outturn"),
                           (5, "variance")):
                sh.put(col, float(Decimal(b[k])), "money")
            sh.put(6, b["rag"])
            sh.next()

        def flag(fl: Any) -> None:
            sh.put(0, self.service(fl["service"]))
            sh.span(1, 4, f"{fl['from_year']} Q{fl['from_quarter']} to {fl['to_year']} "
                          f"Q{fl['to_quarter']} ({fl['quarters']} quarters)")
            sh.next()

        tables: list[tuple[str, tuple[str, str], list[str], list[Any],
                           Callable[[Any], None]]] = [
            ("Savings", ("savings line", "savings lines"),
             ["Service", "Year", "Predicted", "Actual", "Variance", "Delivered", "RAG"],
             savings, saving),
            ("Quarterly budget", ("budget line", "budget lines"),
             ["Line", "Quarter", "Budget", "Actual to date", "Forecast outturn", "Variance",
              "RAG"], budget, line),
            ("Board flags: three missed quarters running", ("flag", "flags"),
             ["Service", "Missed quarters"], flags, flag)]
        # the listings start after the printed tables: each a heading, a header, its
        # largest rows (or "None this year.") and where the rest are, then a blank row
        listing = sh.row + 1 + sum(3 + min(len(rows), TOP_MONITORING) + 1
                                   for *_, rows, _w in tables)
        starts = []
        for _title, _what, _heads, rows, _w in tables:
            starts.append(listing + 2)  # after a heading and a header
            listing += 2 + max(len(rows), 1) + 1
        for i, (title, what, heads, rows, write) in enumerate(tables):
            top = rows[:TOP_MONITORING]
            sh.keep(2 + max(len(top), 1) + 1, 30 - ROW_HEIGHT)
            sh.heading(title, 7)
            sh.header(heads, 1)
            for x in top:
                write(x)
            if not rows:
                sh.put(0, NONE)
                sh.next()
            else:
                sh.more(rest_of(len(rows) - len(top), what, what[0], "Monitoring", starts[i],
                                starts[i] + len(rows) - 1), 7)
            sh.blank()
        sh.ws.print_area(0, 0, sh.row - 2, 6)
        for i, (_title, what, heads, rows, write) in enumerate(tables):
            sh.heading(f"Every {what[0]}", 7)
            sh.header(heads, 1)
            assert sh.row + 1 == starts[i], (sh.row, starts[i])
            for x in rows:
                write(x)
            if not rows:
                sh.put(0, NONE)
                sh.next()
            sh.blank()

    def checks_sheet(self) -> int:
        sh = _Sheet(self, "Checks", [70, 12], "Checks",
                    f"Every reconciliation as a live TRUE/FALSE formula: {len(self.checks):,} "
                    f"checks (sheet Checks, rows 4-{3 + len(self.checks):,}), not printed; the "
                    "Cover says whether they all hold.", header_row=True)
        sh.header(["Check", "Holds"])
        sh.ws.print_area(0, 0, 1, 1)
        for label, formula in self.checks:
            sh.put(0, label)
            sh.formula(1, formula, True, "check")
            sh.next()
        return sh.row

    def build(self) -> bytes:
        # sheets are made in reading order; each is written top to bottom (the cover's
        # body last, once the checks are known)
        cover = self.cover_sheet()
        total_ref, _ = self.contributions()
        n_ledger = sum(1 for e in self.result.book.ledger if e.year == self.result.year)
        self.year_end(total_ref, max(3 + n_ledger, 4))
        self.ledger()
        self.services()
        self.settlement()
        self.investments()
        self.monitoring()
        last = self.checks_sheet()
        self.cover(cover, last)
        r = self.result
        return self.mb.finish(self.generated,
                              title=f"{r.book.settings.name}: board report {r.year}",
                              creator=f"mkip-finance {__version__}")


def large_report(result: Result, generated: datetime, *, status: str = "DRAFT",
                 approver: str | None = None, minute: str | None = None,
                 changes: Sequence[str] = (), source_sha256: str | None = None,
                 approval: str | None = None) -> bytes:
    """The compact board report's ``.xlsx`` bytes."""
    return _Large(result, generated, status, approver, minute, changes,
                  source_sha256, approval).build()
