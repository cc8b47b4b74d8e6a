"""A report sheet laid out in memory, then written once with XlsxWriter.

The report's sheets refer to each other and style cells in layers (a value, then the
grid, then a total rule), so each sheet is first laid out as a grid of cells here.  When
every sheet is laid out, :meth:`ReportBook.write` works out the value of every formula
(:mod:`finance.report.evaluate`) and writes each cell once with its format and, for a
formula, its value.

Styles: figures copied from the book use the *input* style (blue); every figure the
report works out, a formula or a derived value such as a code order, uses the
*calculated* style (black).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from math import floor
from typing import Any

from xlsxwriter.utility import quote_sheetname
from xlsxwriter.worksheet import Worksheet

from finance.report.evaluate import Evaluator, FormulaError
from finance.xlsx import GREY, HEAD, INPUT_BLUE, NAVY, MemoryBook, clean_text, col_name

__all__ = ["HEADER_FOOTER", "PAGE_LONG", "PAGE_SHORT", "PRINT_HEIGHT", "PRINT_WIDTH",
           "ROW_HEIGHT", "ReportBook", "Sheet", "column_points", "print_scale", "wrapped_lines"]

# The printed page as LibreOffice lays it out, in points (measured on A4 with the report's
# margins: 0.4 in at the sides, the header and footer 0.3 in from the edges).
PAGE_LONG, PAGE_SHORT = 841.89, 595.28
#: the width across an A4 landscape page between the side margins
PRINT_WIDTH = PAGE_LONG - 2 * 0.4 * 72
#: the height down an A4 landscape page between the header and footer margins
PRINT_HEIGHT = PAGE_SHORT - 2 * 0.3 * 72
#: the header and footer with their spacing, in points of the sheet: LibreOffice scales
#: them with the sheet when it fits a sheet to the page width (measured: 63.5 to 64.7
#: points, at scales from 46% to 100%; two points more for safety)
HEADER_FOOTER = 66.0
#: the width of a column given none (XlsxWriter's and Excel's default), in characters
DEFAULT_WIDTH = 8.43
#: every row without a height of its own (the sheets' default row height): Excel's
#: height for Arial 10, which LibreOffice keeps too (without it, LibreOffice prints such
#: a row 15 points high, the height XlsxWriter declares by default)
ROW_HEIGHT = 12.75

_THIN = ("thin", "BFBFBF")
_FONT_KEYS = ("size", "bold", "italic", "color", "underline")


@dataclass
class _Cell:
    kind: str  # text | number | date | bool | formula | blank
    value: Any
    style: dict[str, Any] = field(default_factory=dict)
    url: str | None = None
    note: bool = False  # a note may run across the empty cells to its right


@dataclass
class Chart:
    """A chart to place on a sheet (XlsxWriter chart options, series as 1-based ranges)."""

    options: dict[str, Any]
    series: list[dict[str, Any]]
    anchor: tuple[int, int]
    title: str
    size: tuple[float, float]  # cm
    x_axis: dict[str, Any] = field(default_factory=dict)
    y_axis: dict[str, Any] = field(default_factory=dict)
    legend: bool = True


def column_points(width: float) -> float:
    """The printed width, in points before scaling, of a column ``width`` characters wide
    (XlsxWriter's ``7 w + 5`` pixels, which LibreOffice prints as as many points)."""
    return float(int(width * 7 + 0.5) + 5) if width >= 1 else float(int(width * 12 + 0.5))


def print_scale(points: float, across: float) -> float:
    """The scale at which LibreOffice prints a sheet ``points`` wide fitted to a page
    ``across`` points wide: a whole percentage, rounded down, at most 100%."""
    if points <= 0:
        return 1.0
    return max(10, min(100, floor(100 * across / points + 1e-9))) / 100


def wrapped_lines(text: str, width: float, *, bold: bool = False) -> int:
    """The lines ``text`` takes wrapped in a column ``width`` characters wide, at about
    1.2 characters of Arial 10 a character of width (1.1 bold), broken between words."""
    per = max(int(width * (1.1 if bold else 1.2)), 1)
    lines, used = 1, 0
    for word in text.split():
        n = len(word)
        if used and used + 1 + n > per:
            lines, used = lines + 1, 0
        used = n if not used else used + 1 + n
        while used > per:  # a word longer than a line breaks where it must
            lines, used = lines + 1, used - per
    return lines


class Sheet:
    """One sheet of the report in the house style, 1-based rows and columns."""

    def __init__(self, book: ReportBook, name: str, widths: Sequence[float]) -> None:
        self.book = book
        self.name = name
        self.widths: dict[int, float] = {i: float(w) for i, w in enumerate(widths, start=1)}
        self.ncols = len(widths)
        self.cells: dict[tuple[int, int], _Cell] = {}
        self.heights: dict[int, float] = {}
        #: rows that do not print nor show (helper rows the formulas use)
        self.hidden: set[int] = set()
        self.starts: list[int] = []  # rows where a block to keep on one page begins
        self.notes: list[tuple[int, int]] = []
        self.breaks: list[int] = []
        self.charts: list[Chart] = []
        self.conditional: list[tuple[str, dict[str, Any]]] = []
        self.freeze: int | None = 4  # first row below the frozen panes
        self.repeat: tuple[int, int] | None = (1, 2)
        self.print_area: tuple[int, int, int, int] | None = None
        #: fit the printed sheet to this many pages down as well (0: width only)
        self.tall = 0
        self.landscape = True
        self.max_row = 0
        book.sheets.append(self)

    # addresses
    def ref(self, row: int, col: int, absolute: bool = True, sheet: bool = True) -> str:
        c = col_name(col)
        a = f"${c}${row}" if absolute else f"{c}{row}"
        return f"{quote_sheetname(self.name)}!{a}" if sheet else a

    def rng(self, r0: int, c0: int, r1: int, c1: int, sheet: bool = True) -> str:
        a = f"${col_name(c0)}${r0}:${col_name(c1)}${r1}"
        return f"{quote_sheetname(self.name)}!{a}" if sheet else a

    # cells
    def _put(self, row: int, col: int, kind: str, value: Any) -> _Cell:
        c = self.cells.get((row, col))
        if c is None:
            c = self.cells[(row, col)] = _Cell(kind, value)
        else:
            c.kind, c.value, c.note = kind, value, False
        if row > self.max_row:
            self.max_row = row
        return c

    def _restyle(self, row: int, col: int, **style: Any) -> _Cell:
        c = self.cells.get((row, col))
        if c is None:
            c = self._put(row, col, "blank", None)
        c.style.update(style)
        return c

    @staticmethod
    def _font(c: _Cell, fmt: str | None, bold: bool, color: str | None, italic: bool = False,
              size: float = 10, wrap: bool = False, align: str | None = None) -> _Cell:
        for k in _FONT_KEYS:
            c.style.pop(k, None)
        c.style.update(size=size, bold=bold, italic=italic, color=color)
        if fmt:
            c.style["fmt"] = fmt
        if wrap or align:
            c.style.update(wrap=wrap, align=align, valign="top")
        return c

    def text(self, row: int, col: int, s: object, *, bold: bool = False,
             color: str | None = None, italic: bool = False, size: float = 10,
             wrap: bool = False, align: str | None = None) -> _Cell:
        """Text, always as text (never a formula, whatever it starts with)."""
        value = clean_text(s)
        c = self._put(row, col, "text", value)
        if wrap and row > 2:
            lines = wrapped_lines(value, self.width(col), bold=bold)
            if lines > 1:
                self.heights[row] = max(self.heights.get(row, 0), ROW_HEIGHT * lines + 2)
        return self._font(c, None, bold, color, italic, size, wrap, align)

    def value(self, row: int, col: int, v: int | float | datetime | None,
              fmt: str | None = None, *, bold: bool = False, input_: bool = True) -> _Cell:
        """A figure written as a value: ``input_`` for one copied from the book (blue),
        otherwise a figure the report worked out (black)."""
        kind = "blank" if v is None else "date" if isinstance(v, datetime) else "number"
        c = self._put(row, col, kind, v)
        return self._font(c, fmt, bold, INPUT_BLUE if input_ else None)

    def formula(self, row: int, col: int, f: str, fmt: str | None = None, *,
                bold: bool = False, color: str | None = None, align: str | None = None
                ) -> _Cell:
        c = self._put(row, col, "formula", f.removeprefix("="))
        c = self._font(c, fmt, bold, color)
        if align:
            c.style["align"] = align
        return c

    def link(self, row: int, col: int, target: str, label: str) -> None:
        """A link to cell A1 of the sheet ``target``."""
        c = self._put(row, col, "text", clean_text(label))
        c.url = f"internal:'{target}'!A1"
        c.style.update(color="0563C1", underline=True, size=10)

    def is_set(self, row: int, col: int) -> bool:
        c = self.cells.get((row, col))
        return c is not None and c.kind != "blank"

    # layout
    def title(self, title: str, subtitle: str) -> int:
        self.text(1, 1, title, bold=True, size=16, color=NAVY)
        self.text(2, 1, subtitle, italic=True, color=GREY)
        self.heights[1] = 24
        return 4

    def section(self, row: int, s: str, note: str | None = None) -> int:
        self.starts.append(row)
        self.text(row, 1, s, bold=True, size=12, color=NAVY)
        for col in range(1, self.ncols + 1):
            self._restyle(row, col, bottom=("medium", NAVY))
        if note:
            self.note(row + 1, 1, note)
            return row + 2
        return row + 1

    def header(self, row: int, labels: Sequence[str], col: int = 1) -> int:
        for i, lab in enumerate(labels):
            self.text(row, col + i, lab, bold=True, color="FFFFFF", wrap=True, align="center")
            self._restyle(row, col + i, fill=HEAD, valign="vcenter")
        lines = max((-(-int(len(s) * 1.15 + 1) // max(int(self.width(col + i)), 1))
                     for i, s in enumerate(labels)), default=1)
        height = 13.0 * max(lines, 1) + 4
        self.heights[row] = max(self.heights.get(row, 0), height)
        return row + 1

    def grid(self, r0: int, c0: int, r1: int, c1: int) -> None:
        for r in range(r0, r1 + 1):
            for c in range(c0, c1 + 1):
                self._restyle(r, c, left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)

    def total_row(self, row: int, c0: int, c1: int) -> None:
        for c in range(c0, c1 + 1):
            self._restyle(row, c, bold=True, size=10, italic=False, top=("thin", "000000"),
                          bottom=("double", "000000"))

    def signature_line(self, row: int, c0: int, c1: int) -> None:
        """A line to sign or write on, under the cells ``c0`` to ``c1`` of ``row``."""
        for c in range(c0, c1 + 1):
            self._restyle(row, c, bottom=("thin", "000000"))

    def note(self, row: int, col: int, s: str) -> _Cell:
        c = self.text(row, col, s, italic=True, color=GREY)
        c.note = True
        self.notes.append((row, col))
        return c

    def last_col(self) -> int:
        """The last column with a width or a cell, or under a chart."""
        last = max([*self.widths, *(c for _, c in self.cells)], default=1)
        for ch in self.charts:
            col, px = ch.anchor[1], ch.size[0] * 37.8
            while px > 0:
                px -= self.width(col) * 7 + 5
                col += 1
            last = max(last, col - 1)
        return last

    def last_row(self) -> int:
        """The last row with a cell or under a chart."""
        bottom = self.max_row
        for ch in self.charts:
            bottom = max(bottom, ch.anchor[0] + int(ch.size[1] * 28.35 / ROW_HEIGHT) + 1)
        return bottom

    def wrap_notes(self) -> list[tuple[int, int, int]]:
        """Notes too long for their row run over the empty cells to their right (merged,
        wrapped, the row made taller), so nothing spills past the printed columns.
        Returns the merged ranges as (row, first column, last column)."""
        merges: list[tuple[int, int, int]] = []
        end = self.print_area[3] if self.print_area else self.last_col()
        for row, col in self.notes:
            c = self.cells[(row, col)]
            if not c.note or c.kind != "text":
                continue
            last = col
            while last < end and not self.is_set(row, last + 1):
                last += 1
            width = sum(self.width(k) for k in range(col, last + 1))
            if len(str(c.value)) * 1.05 <= self.width(col) or last == col:
                continue
            lines = -(-int(len(str(c.value)) * 1.05) // max(int(width), 1))
            merges.append((row, col, last))
            c.style.update(wrap=True, valign="top")
            if lines > 1:
                self.heights[row] = max(self.heights.get(row, 0), ROW_HEIGHT * lines + 2)
        return merges

    def min_width(self, col: int, width: float) -> None:
        if self.widths.get(col, 0) < width:
            self.widths[col] = width

    def width(self, col: int) -> float:
        return self.widths.get(col, DEFAULT_WIDTH)

    def rag(self, rng: str, words: Sequence[tuple[str, str, str]]) -> None:
        """Colour cells containing each word: ``(word, fill, font colour)``."""
        for word, fill, font in words:
            self.conditional.append((rng, {"type": "text", "criteria": "containing",
                                           "value": word,
                                           "style": {"fill": fill, "color": font,
                                                     "bold": True}}))

    def booleans(self, rng: str) -> None:
        """TRUE green, FALSE red."""
        for word, fill, font in (("TRUE", "C6EFCE", "006100"), ("FALSE", "FFC7CE", "9C0006")):
            self.conditional.append((rng, {"type": "cell", "criteria": "==", "value": word,
                                           "style": {"fill": fill, "color": font,
                                                     "bold": True}}))

    def paginate(self) -> None:
        """Page breaks so that a block (a section, a split) is not cut across pages.

        The sheet prints at :meth:`scale`, its rows as high as :meth:`_row_height` says,
        so where each page ends is known (:meth:`_geometry`); a block that does not fit
        in what is left of the page starts a new one.  A block longer than a page is left
        to break where it must.

        A table's heading row repeated at the top of each page must stand over its own
        table: when a page would begin below the end of that table (another table, a
        comparison with last year), the sheet repeats its title rows instead.
        """
        self._paginate()
        if self.repeat and self.repeat[0] > 2:
            end = min((r for r in self.starts if r > self.repeat[1]), default=None)
            if end is not None and any(r >= end for r in self._page_starts()):
                self.repeat = (1, 2)
                self.breaks.clear()
                self._paginate()

    def _row_height(self, r: int) -> float:
        return 0.0 if r in self.hidden else self.heights.get(r, ROW_HEIGHT)

    def _geometry(self) -> tuple[int, float, float]:
        """The last printed row, the height the first page holds and the height each
        later page holds below the repeated rows, in the sheet's points before scaling.

        The sheet prints at :meth:`scale`; the header and footer take their share of
        each page.
        """
        last = self.print_area[2] if self.print_area else self.last_row()
        down = PRINT_HEIGHT if self.landscape else PAGE_LONG - 2 * 0.3 * 72
        page = down / self.scale() - HEADER_FOOTER
        top = 0.0
        if self.repeat:
            top = sum(self._row_height(r) for r in range(self.repeat[0], self.repeat[1] + 1))
        return last, page, page - top

    def scale(self) -> float:
        """The scale the sheet prints at: its printed columns fitted to the page width
        (:func:`print_scale`)."""
        ncol = self.print_area[3] if self.print_area else self.last_col()
        across = PRINT_WIDTH if self.landscape else PAGE_SHORT - 2 * 0.4 * 72
        return print_scale(sum(column_points(self.width(c)) for c in range(1, ncol + 1)),
                           across)

    def _page_starts(self) -> list[int]:
        """The first row of each printed page after the first, as :meth:`paginate` plans
        them (its breaks, and where a page runs full)."""
        last, first, later = self._geometry()
        breaks = set(self.breaks)
        starts: list[int] = []
        used, room = 0.0, first
        for r in range(1, last + 1):
            h = self._row_height(r)
            if r - 1 in breaks or (used > 0 and used + h > room):
                starts.append(r)
                used, room = 0.0, later
            used += h
        return starts

    def blocks(self) -> list[tuple[int, int]]:
        """The printed blocks to keep on one page, as (first row, last row): from each
        start (a section, a table's title) to the row before the next; a heading with
        (almost) nothing under it goes with what follows."""
        last = self._geometry()[0]
        kept: list[int] = []
        for r in sorted({r for r in self.starts if 3 < r <= last}):
            if not kept or r - kept[-1] > 3:
                kept.append(r)
        return [(r, kept[i + 1] - 1 if i + 1 < len(kept) else last)
                for i, r in enumerate(kept)]

    def _paginate(self) -> None:
        last, first, later = self._geometry()
        height = self._row_height
        blocks = self.blocks()
        used, room = 0.0, first

        def place(a: int, b: int) -> None:
            nonlocal used, room
            for r in range(a, b + 1):  # as the page fills, row by row
                h = height(r)
                if used > 0 and used + h > room:
                    used, room = 0.0, later
                used += h

        place(1, blocks[0][0] - 1 if blocks else last)
        for i, (start, end) in enumerate(blocks):
            h = sum(height(r) for r in range(start, end + 1))
            # a block that fits on a page starts a new one rather than be cut; a longer
            # block carries on where it is, since it is cut anyway
            if i > 0 and used > 0 and used + h > room and h <= later:
                self.breaks.append(start - 1)
                used, room = 0.0, later
            place(start, end)


class ReportBook:
    """The report's sheets, defined names and page set-up, written in one go."""

    def __init__(self, header_left: str, header_right: str, footer_left: str,
                 footer_right: str) -> None:
        self.sheets: list[Sheet] = []
        self.names: dict[str, str] = {}
        self.header = (header_left, header_right)
        self.footer = (footer_left, footer_right)
        self._by_name: dict[str, Sheet] = {}

    def sheet(self, name: str) -> Sheet:
        if name not in self._by_name:  # sheets are added as the report is laid out
            self._by_name = {s.name: s for s in self.sheets}
        return self._by_name[name]

    def define(self, name: str, ref: str) -> None:
        self.names[name] = ref

    def _lookup(self, sheet: str, row: int, col: int) -> tuple[Any, str | None]:
        c = self.sheet(sheet).cells.get((row, col))
        if c is None or c.kind == "blank":
            return None, None
        if c.kind == "formula":
            return None, str(c.value)
        if c.kind == "text":
            return (c.value if c.value != "" else None), None
        if c.kind == "date":
            base = datetime(1899, 12, 30)
            return (c.value - base).total_seconds() / 86400, None
        return c.value, None

    def evaluator(self) -> Evaluator:
        self._by_name = {s.name: s for s in self.sheets}
        return Evaluator(self._lookup, self.names)

    def write(self, mb: MemoryBook, order: Sequence[str]) -> None:
        """Write every sheet, in ``order``, into ``mb``, formulas with their values."""
        ev = self.evaluator()
        fm = mb.formats
        for name in order:
            sh = self.sheet(name)
            ws: Worksheet = mb.add_sheet(name)
            if sh.print_area is None:
                sh.print_area = (1, 1, sh.last_row(), sh.last_col())
            merged = {(r, c0): c1 for r, c0, c1 in sh.wrap_notes()}
            self._page(ws, sh)
            for col, w in sorted(sh.widths.items()):
                ws.set_column(col - 1, col - 1, w)
            for row in sorted(set(sh.heights) | sh.hidden):
                ws.set_row(row - 1, sh.heights.get(row), None,
                           {"hidden": True} if row in sh.hidden else None)
            # XlsxWriter's own cell writers, without the public methods' argument
            # handling; the cells' order does not matter to the file written
            put_f = getattr(ws, "_write_formula", ws.write_formula)
            put_s = getattr(ws, "_write_string", ws.write_string)
            put_n = getattr(ws, "_write_number", ws.write_number)
            put_b = getattr(ws, "_write_blank", ws.write_blank)
            for (row, col), c in sh.cells.items():
                fmt = fm.get(c.style) if c.style else None
                r, k = row - 1, col - 1
                kind = c.kind
                if kind == "formula":
                    v = ev.value(sh.name, row, col)
                    if isinstance(v, FormulaError):
                        # as a spreadsheet would show it (the tests see that none does)
                        v = v.code
                    elif isinstance(v, bool):
                        fmt = fm.boolean(c.style)  # never General (see finance.xlsx.BOOL)
                    put_f(r, k, c.value, fmt, 0 if v is None else v)
                elif (row, col) in merged:
                    ws.merge_range(r, k, r, merged[(row, col)] - 1, str(c.value), fmt)
                elif c.url is not None:
                    ws.write_url(r, k, c.url, fmt, string=str(c.value))
                elif kind == "text":
                    if c.value:
                        put_s(r, k, c.value, fmt)
                    else:
                        put_b(r, k, None, fmt)
                elif kind == "number":
                    put_n(r, k, c.value, fmt)
                elif kind == "date":
                    ws.write_datetime(r, k, c.value, fmt)
                else:
                    put_b(r, k, None, fmt)
            for rng, opts in sh.conditional:
                o = dict(opts)
                o["format"] = mb.wb.add_format(_dxf(o.pop("style")))
                ws.conditional_format(rng, o)
            for ch in sh.charts:
                self._chart(mb, ws, sh, ch)
        for name, ref in self.names.items():
            mb.define_name(name, ref)

    def _page(self, ws: Worksheet, sh: Sheet) -> None:
        from finance.xlsx import set_page

        hl, hr = self.header
        fl, fr = self.footer
        set_page(ws, landscape=sh.landscape,
                 header=f"&L&9{hl}&R&9{hr}&A",
                 footer=f"&L&8{fl}&C&8Page &P of &N&R&8{fr}",
                 repeat=sh.repeat, tall=sh.tall)
        if not sh.tall:
            # the scale that fits the printed columns to the width, given rather than left
            # to the spreadsheet: the page breaks are planned at it (LibreOffice, fitting
            # a sheet to the width itself, may also add an empty page at its end)
            ws.set_print_scale(round(sh.scale() * 100))
        ws.hide_gridlines(2)
        if sh.freeze:
            ws.freeze_panes(sh.freeze - 1, 0)
        if sh.print_area:
            r0, c0, r1, c1 = sh.print_area
            ws.print_area(r0 - 1, c0 - 1, r1 - 1, c1 - 1)
        if sh.breaks:
            ws.set_h_pagebreaks(sorted(set(sh.breaks)))
        ws.set_default_row(ROW_HEIGHT)

    @staticmethod
    def _chart(mb: MemoryBook, ws: Worksheet, sh: Sheet, ch: Chart) -> None:
        chart = mb.wb.add_chart(ch.options)
        assert chart is not None
        for s in ch.series:
            chart.add_series(s)
        chart.set_title({"name": ch.title, "name_font": {"size": 12, "bold": True}})
        chart.set_x_axis(ch.x_axis)
        chart.set_y_axis(ch.y_axis)
        if not ch.legend:
            chart.set_legend({"none": True})
        else:
            chart.set_legend({"position": "bottom"})
        chart.set_size({"width": ch.size[0] * 37.8, "height": ch.size[1] * 37.8})
        ws.insert_chart(ch.anchor[0] - 1, ch.anchor[1] - 1, chart)


def _dxf(style: dict[str, Any]) -> dict[str, Any]:
    return {"bg_color": "#" + style["fill"], "font_color": "#" + style["color"],
            "bold": bool(style.get("bold"))}
