"""What every sheet of the compact layout shares: the report being written
(:class:`Report`), a sheet written row by row, in order (:class:`Sheet`), the styles,
where the rows a printed table leaves out are (:func:`rest_of`) and the worksheet's own
cell writers for the long listings (:func:`fast_writers`)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from xlsxwriter.format import Format
from xlsxwriter.utility import quote_sheetname
from xlsxwriter.worksheet import Worksheet

from finance import __version__
from finance.core.run import Result
from finance.report.context import named, names
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
from finance.xlsx import (
    GREY,
    HEAD,
    INPUT_BLUE,
    MONEY,
    NAVY,
    MemoryBook,
    clean_text,
    hf_text,
    set_page,
    write_text,
)

__all__ = ["NONE", "SHEETS", "STYLES", "Report", "Sheet", "fast_writers", "rest_of"]

#: the compact layout's sheets, in order
SHEETS = ("Cover", "Contributions", "Year end", "Ledger", "Shared services", "Settlement",
          "Investments", "Monitoring", "Checks")

#: what a table with no rows says
NONE = "None this year."


def rest_of(rest: int, noun: tuple[str, str], every: str, sheet: str, first: int,
            last: int) -> str:
    """Where the rows a printed table leaves out are: "... and 2,980 more services
    (sheet Shared services, rows 27-15,066, every participant)", or where every row is
    when it leaves none out ("Every payment: sheet Settlement, rows 30-32")."""
    where = f"sheet {sheet}, rows {first:,}-{last:,}"
    if rest <= 0:
        return f"Every {every}: {where}"
    return f"... and {rest:,} more {noun[rest != 1]} ({where}, every {every})"


def fast_writers(ws: Worksheet
                 ) -> tuple[Callable[..., Any], Callable[..., Any], Callable[..., Any]]:
    """The worksheet's own string, number and date writers, without the public methods'
    argument handling (the long listings write hundreds of thousands of cells).  The
    string writer is only ever given text, so text stays text."""
    return (getattr(ws, "_write_string", ws.write_string),
            getattr(ws, "_write_number", ws.write_number),
            getattr(ws, "_write_datetime", ws.write_datetime))


STYLES: dict[str, dict[str, Any]] = {
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


class Report:
    """One compact report being written: the result and the cover's options, the
    workbook, its formats, and what the sheets add as they are written (the checks, for
    the Checks sheet, and the key figures, for the cover)."""

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
        #: label and formula of each check, for the Checks sheet
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
            got = self._fmts[key] = (formats.boolean(STYLES[style]) if boolean
                                     else formats.get(STYLES[style]))
        return got


class Sheet:
    """One sheet written row by row, in order."""

    def __init__(self, rep: Report, title: str, widths: Sequence[float], heading: str,
                 note: str, header_row: bool = False, note_cols: int | None = None,
                 print_cols: int | None = None, portrait: bool = False) -> None:
        self.rep = rep
        self.title = title
        self.widths = list(widths)
        self.ws: Worksheet = rep.mb.add_sheet(title)
        for i, w in enumerate(widths):
            self.ws.set_column(i, i, w)
        self.ws.set_default_row(ROW_HEIGHT)
        self._page_setup(header_row, print_cols, portrait)
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

    def _page_setup(self, header_row: bool, print_cols: int | None, portrait: bool) -> None:
        """Header, footer, repeated heading row, orientation and print scale; sets the
        printed height of a page (:attr:`page`) and of the first (:attr:`room`)."""
        rep = self.rep
        name = rep.result.book.settings.name
        self.ws.hide_gridlines(2)
        right = f"{rep.status} - Board report {rep.result.year}: {self.title}"
        set_page(self.ws, header=f"&L&9{hf_text(name)}&R&9{hf_text(right)}",
                 footer=f"&C&8Page &P of &N&R&8{hf_text(f'mkip {__version__}')}",
                 repeat=(3, 3) if header_row else None)
        # printed at the scale that fits the printed columns to the page width, given
        # rather than left to the spreadsheet (LibreOffice, fitting a sheet to the width
        # itself, may add an empty page at its end)
        across, down = ((PAGE_SHORT - 2 * 0.4 * 72, PAGE_LONG - 2 * 0.3 * 72) if portrait
                        else (PRINT_WIDTH, PRINT_HEIGHT))
        scale = print_scale(sum(column_points(w) for w in self.widths[:print_cols]), across)
        if portrait:
            self.ws.set_portrait()
        self.ws.set_print_scale(round(scale * 100))
        self.room = self.page = down / scale - HEADER_FOOTER

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
