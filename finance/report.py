"""The Excel board report (SPEC §10): a workbook of live formulas an auditor can trace.

:func:`build_report` turns a :class:`~finance.core.run.Result` into ``.xlsx`` bytes, built
in memory with openpyxl.  Sheets, in order:

``Cover``            partnership, year, officers, generated time, software version, the
                     SHA-256 of the input book, warnings, key figures and a linked contents
``Inputs``           every figure from the book that a formula uses (blue), with defined
                     names for the key ones (``RatePerHead``, ``DiscountRate``, ``RefundShare`` ...)
``Contributions``    per-head contributions (SPEC §4)
``Year end``         the fund account, the per-party statement and the split workings (§5)
``Shared services``  a largest-remainder block per service (§6)
``Settlement``       obligations, one net payment per pair, net positions (§6)
``Investments``      five-year cash-flow profile, NPV, IRR, BCR, payback, scores,
                     sensitivity; portfolio and per-party returns (§7)
``Monitoring``       savings with RAG, quarterly budget, performance and board flags (§8)
``Checks``           every reconciliation as a TRUE/FALSE formula, then each key figure of
                     the workbook against the calculation engine's own

Live formulas
-------------
Totals and derived figures are formulas over the ``Inputs`` cells, so a spreadsheet
program recalculates them (the workbook asks for a full recalculation on load).  Money is
held on the sheets in pounds; every step that rounds works in whole pence, as the engine
does (``finance.core.money``):

* a single amount is ``ROUND(ROUND(x, 6), 0)`` pence: the inner ``ROUND(.., 6)`` removes
  binary noise (``30.15 x 10`` is ``301.49999999999997`` as a double) before the
  half-away-from-zero rounding that Excel's ``ROUND`` and the engine share.  Exact for
  rates and shares with up to four decimal places.
* the largest-remainder split is done in exact integer arithmetic.  Weights are whole
  numbers (pence, months, population x months, driver values and fixed shares scaled by a
  power of ten, blends as exact integer ratios).  With ``P`` pence to split and ``S`` the
  sum of the weights, ``Q = QUOTIENT(P, S)`` and ``R = MOD(P, S)``; a party with weight
  ``w`` gets ``floor = Q*w + (R*w - MOD(R*w, S))/S`` and its remainder numerator is
  ``MOD(R*w, S)``.  Every product stays below 2^53, so doubles hold them exactly and no
  remainder is compared as a rounded float.  The remainder rank is a ``SUMPRODUCT`` count
  with the engine's tie-break (remainder, then weight, then party code, through the
  party's alphabetical "code order" on ``Inputs``).  A negative total is split as its
  absolute value and negated (``SIGN``).  Where a pool is too large for exact doubles
  the split is written as the engine's figures and marked so (never silently wrong).
* present values use ``NPV`` plus the undiscounted year 0, rounded once to the penny.

Text from the book (names, descriptions) is always written as text, never as a formula,
even when it starts with ``=``, ``+``, ``-`` or ``@`` (:func:`text_cell`).
"""

from __future__ import annotations

import io
import os
import zipfile
from collections.abc import Callable, Mapping, Sequence
from copy import copy
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from fractions import Fraction
from math import gcd, lcm
from typing import Any, cast

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.chart import BarChart, Reference
from openpyxl.chart.label import DataLabelList
from openpyxl.formatting.rule import CellIsRule, Rule
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.styles.differential import DifferentialStyle
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.hyperlink import Hyperlink
from openpyxl.worksheet.page import PageMargins
from openpyxl.worksheet.pagebreak import Break
from openpyxl.worksheet.worksheet import Worksheet

from finance import __version__
from finance.core.apportion import apportion
from finance.core.contributions import latest_population
from finance.core.investments import OPTIMISM_BIAS_CASES, RATE_CASES, VFM_BANDS, Appraisal
from finance.core.model import CASHFLOW_KINDS, LEDGER_KINDS, LedgerEntry
from finance.core.run import Result
from finance.core.services import ServiceSplit
from finance.core.years import previous_year
from finance.xlsx_stream import Rows, inject

__all__ = ["KeyFigure", "build_report", "generated_time", "report_workbook", "text_cell",
           "workbook_bytes"]

# --------------------------------------------------------------------------- styles

FONT = "Arial"
MONEY = "£#,##0.00;[Red]-£#,##0.00"
MONEY0 = "£#,##0;[Red]-£#,##0"
PENCE = "#,##0;[Red]-#,##0"
QUOTA = "#,##0.000000"
FRAC = "0.000000"
WHOLE = "#,##0"
RATIO = "0.00"
SCORE = "0.0"
YEARS = '0.00 "yrs"'
PCT = "0.0%"
DATE = "dd/mm/yyyy"
NAVY = "1F3864"
HEAD = "1F4E79"
INPUT_BLUE = "0033CC"
GREY = "7F7F7F"

_THIN = Side(style="thin", color="BFBFBF")
_TOTAL_TOP = Side(style="thin", color="000000")
_TOTAL_BOTTOM = Side(style="double", color="000000")

EXACT_LIMIT = 2**53  # integers below this are exact in an IEEE double

# Printable area of an A4 landscape page with the report's margins, in points.
PRINT_WIDTH = 842 - 2 * 0.4 * 72
PRINT_HEIGHT = 595 - 2 * 0.7 * 72
ROW_HEIGHT = 12.8  # points: a row without a set height (Arial 10)

SHEETS = ("Cover", "Inputs", "Contributions", "Year end", "Shared services", "Settlement",
          "Investments", "Monitoring", "Checks")

SHEET_PURPOSE = {
    "Cover": "This page: partnership, officers, key figures and contents",
    "Inputs": "Figures from the input book that the formulas use",
    "Contributions": "Per-head contributions for the year (§13.2)",
    "Year end": "Fund account, refund or carry-over, statement per party (§13.2-13.3)",
    "Shared services": "Cost split of each shared service, largest remainder (§18.1, §13.4)",
    "Settlement": "What each party owes the others, netted to one payment per pair (§18.1b)",
    "Investments": "Five-year investment cases and the partnership score (Annex A §5.2)",
    "Monitoring": "Savings delivered, quarterly budget and performance (Annex A §4.1, §5.1)",
    "Checks": "Reconciliations and agreement with the calculation engine",
}


def text_cell(cell: Cell, value: object) -> Cell:
    """Write ``value`` as plain text: never a formula, whatever it starts with.

    openpyxl treats a string starting with ``=`` as a formula; forcing the data type
    back to ``s`` stores it as a string.  Characters a workbook cannot hold are dropped.
    """
    s = ILLEGAL_CHARACTERS_RE.sub("", "" if value is None else str(value))[:32767]
    cell.value = s
    cell.data_type = "s"
    return cell


def ledger_order(e: LedgerEntry) -> tuple[object, ...]:
    """Ledger lines in date order (undated last), then by their other fields, so the
    report is the same whatever the order of the input rows."""
    return (e.date is None, e.date or date.min, e.kind, e.reference, e.amount, e.description)


def _pounds(pence: int) -> float:
    return float(Decimal(pence) / 100)


def _pct_fmt(x: Decimal | Fraction | float | None) -> str:
    if x is None:
        return PCT
    d = Decimal(str(float(x))) * 100
    if d == d.to_integral_value():
        return "0%"
    places = max(1, min(6, -d.normalize().as_tuple().exponent))  # type: ignore[operator]
    return "0." + "0" * places + "%"


def _decimals(values: Sequence[Decimal | Fraction | int]) -> int:
    """Decimal places needed to write every value as a whole number (at most 9)."""
    k = 0
    for v in values:
        if isinstance(v, int):
            continue
        if isinstance(v, Fraction):
            if v.denominator == 1:
                continue
            v = Decimal(v.numerator) / Decimal(v.denominator)
        exp = v.normalize().as_tuple().exponent
        if isinstance(exp, int) and exp < 0:
            k = max(k, -exp)
    return min(k, 9)


def _scaled(v: Decimal | Fraction | int, k: int) -> int:
    x = Fraction(v) * 10**k
    if x.denominator != 1:
        raise ValueError(f"{v} has more than {k} decimal places")
    return int(x)


def _esc_hf(s: str) -> str:
    """Header/footer text: '&' is a control character there."""
    return ILLEGAL_CHARACTERS_RE.sub("", s).replace("&", "&&")[:100]


def _ratio_value(x: float | Fraction | None) -> float | None:
    return None if x is None else float(x)


# --------------------------------------------------------------------------- key figures


@dataclass(frozen=True)
class KeyFigure:
    """One figure of the report and the engine's own value for it.

    ``key`` names it (``("contribution", "MBC")``), ``sheet``/``cell`` locate it, ``kind``
    is ``money`` (``value`` in pence), ``ratio`` (a float, or ``None`` for "none") or
    ``text``.
    """

    key: tuple[str, ...]
    label: str
    sheet: str
    cell: str
    kind: str
    value: int | float | str | None

    @property
    def ref(self) -> str:
        return f"{quote_sheetname(self.sheet)}!{_absolute(self.cell)}"


def _absolute(cell: str) -> str:
    col = "".join(ch for ch in cell if ch.isalpha())
    row = "".join(ch for ch in cell if ch.isdigit())
    return f"${col}${row}"


# --------------------------------------------------------------------------- sheet writer


def _section_rule(c: Cell) -> None:
    c.border = Border(bottom=Side(style="medium", color=NAVY))


def _header_style(c: Cell) -> None:
    c.fill = PatternFill("solid", fgColor=HEAD)
    c.alignment = Alignment(wrap_text=True, horizontal="center", vertical="center")


def _grid_border(c: Cell) -> None:
    c.border = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)


def _total_style(c: Cell) -> None:
    c.font = Font(name=FONT, size=10, bold=True, color=c.font.color)
    c.border = Border(top=_TOTAL_TOP, bottom=_TOTAL_BOTTOM)


class Sheet:
    """A worksheet with the report's house style."""

    def __init__(self, ws: Worksheet, widths: Sequence[float]) -> None:
        self.ws = ws
        self.name = ws.title
        for i, w in enumerate(widths, start=1):
            ws.column_dimensions[get_column_letter(i)].width = w
        self.ncols = len(widths)
        self.starts: list[int] = []  # rows where a block to keep on one page begins

    # addresses
    def ref(self, row: int, col: int, absolute: bool = True, sheet: bool = True) -> str:
        c = get_column_letter(col)
        a = f"${c}${row}" if absolute else f"{c}{row}"
        return f"{quote_sheetname(self.name)}!{a}" if sheet else a

    def rng(self, r0: int, c0: int, r1: int, c1: int, sheet: bool = True) -> str:
        a = f"${get_column_letter(c0)}${r0}:${get_column_letter(c1)}${r1}"
        return f"{quote_sheetname(self.name)}!{a}" if sheet else a

    # styling: openpyxl hashes every style object on assignment, which dominated the
    # report's build time; each (current style, change) pair is worked out once per
    # workbook and then copied as the cell's index array.
    def restyle(self, cell: Cell, key: tuple[object, ...],
                apply: Callable[[Cell], None]) -> Cell:
        cache: dict[tuple[object, ...], Any] = self.ws.parent.__dict__.setdefault(
            "_mkip_style_cache", {})
        styled: Any = cell  # StyleableObject._style: the cell's array of style indices
        k = (tuple(styled._style) if styled._style is not None else (), key)
        hit = cache.get(k)
        if hit is None:
            apply(cell)
            cache[k] = copy(styled._style)
        else:
            styled._style = copy(hit)
        return cell

    # writing
    def cell(self, row: int, col: int) -> Cell:
        return cast(Cell, self.ws.cell(row=row, column=col))

    def _style(self, cell: Cell, fmt: str | None, bold: bool, color: str | None,
               italic: bool = False, size: float = 10, wrap: bool = False,
               align: str | None = None) -> Cell:
        def apply(c: Cell) -> None:
            c.font = Font(name=FONT, size=size, bold=bold, italic=italic, color=color)
            if fmt:
                c.number_format = fmt
            if wrap or align:
                c.alignment = Alignment(wrap_text=wrap, horizontal=align, vertical="top")

        return self.restyle(cell, ("style", fmt, bold, color, italic, size, wrap, align), apply)

    def text(self, row: int, col: int, s: object, *, bold: bool = False, color: str | None = None,
             italic: bool = False, size: float = 10, wrap: bool = False,
             align: str | None = None) -> Cell:
        c = self.cell(row, col)
        text_cell(c, s)
        if wrap and row > 2:
            chars = max(int(self.width(col) / 1.1), 1)
            lines = -(-len(str(c.value)) // chars)
            dim = self.ws.row_dimensions[row]
            dim.height = max(dim.height or 0, ROW_HEIGHT * max(lines, 1) + 2)
        return self._style(c, None, bold, color, italic, size, wrap, align)

    def value(self, row: int, col: int, v: int | float | datetime | None, fmt: str | None = None,
              *, bold: bool = False, input_: bool = True) -> Cell:
        c = self.cell(row, col)
        c.value = v
        return self._style(c, fmt, bold, INPUT_BLUE if input_ else None)

    def formula(self, row: int, col: int, f: str, fmt: str | None = None, *,
                bold: bool = False, color: str | None = None) -> Cell:
        c = self.cell(row, col)
        c.value = f if f.startswith("=") else "=" + f
        c.data_type = "f"
        return self._style(c, fmt, bold, color)

    def title(self, title: str, subtitle: str) -> int:
        self.text(1, 1, title, bold=True, size=16, color=NAVY)
        self.text(2, 1, subtitle, italic=True, color=GREY)
        self.ws.row_dimensions[1].height = 24
        return 4

    def section(self, row: int, s: str, note: str | None = None) -> int:
        self.starts.append(row)
        self.text(row, 1, s, bold=True, size=12, color=NAVY)
        for col in range(1, self.ncols + 1):
            self.restyle(self.cell(row, col), ("section-rule",), _section_rule)
        if note:
            self.text(row + 1, 1, note, italic=True, color=GREY)
            return row + 2
        return row + 1

    def header(self, row: int, labels: Sequence[str], col: int = 1) -> int:
        for i, lab in enumerate(labels):
            c = self.text(row, col + i, lab, bold=True, color="FFFFFF", wrap=True,
                          align="center")
            self.restyle(c, ("header",), _header_style)
        lines = max((-(-int(len(s) * 1.15 + 1) // max(int(self.width(col + i)), 1))
                     for i, s in enumerate(labels)), default=1)
        height = 13.0 * max(lines, 1) + 4
        dim = self.ws.row_dimensions[row]
        dim.height = max(dim.height or 0, height)
        return row + 1

    def grid(self, r0: int, c0: int, r1: int, c1: int) -> None:
        for r in range(r0, r1 + 1):
            for c in range(c0, c1 + 1):
                self.restyle(self.cell(r, c), ("grid",), _grid_border)

    def total_row(self, row: int, c0: int, c1: int) -> None:
        for c in range(c0, c1 + 1):
            self.restyle(self.cell(row, c), ("total",), _total_style)

    def note(self, row: int, col: int, s: str) -> Cell:
        return self.text(row, col, s, italic=True, color=GREY)

    def min_width(self, col: int, width: float) -> None:
        dim = self.ws.column_dimensions[get_column_letter(col)]
        if (dim.width or 0) < width:
            dim.width = width

    def width(self, col: int) -> float:
        return float(self.ws.column_dimensions[get_column_letter(col)].width or 9)

    def paginate(self) -> None:
        """Page breaks so that a block (a section, a split) is not cut across pages.

        The sheet prints fitted to the page width, so the scale is the printable width
        over the width of the used columns (a column of width w characters is about
        ``7w + 5`` pixels); a block that does not fit in what is left of the page starts
        a new one.  A block longer than a page is left to break where it must.
        """
        ws = self.ws
        last = ws.max_row
        px = sum(self.width(c) * 7 + 5 for c in range(1, ws.max_column + 1))
        scale = min(1.0, PRINT_WIDTH / (px * 0.75)) if px else 1.0

        def height(r: int) -> float:
            return float(ws.row_dimensions[r].height or ROW_HEIGHT)

        capacity = PRINT_HEIGHT / scale - height(1) - height(2)  # rows 1-2 repeat
        starts = sorted({r for r in self.starts if 3 < r <= last})
        # a heading with (almost) nothing under it stays with the block that follows
        kept: list[int] = []
        for r in starts:
            if not kept or r - kept[-1] > 3:
                kept.append(r)
        starts = kept
        used = sum(height(r) for r in range(3, starts[0])) if starts else 0.0
        for i, start in enumerate(starts):
            end = starts[i + 1] - 1 if i + 1 < len(starts) else last
            h = sum(height(r) for r in range(start, end + 1))
            if i > 0 and used > 0 and used + h > capacity:
                ws.row_breaks.append(Break(id=start - 1))
                used = 0.0
            used += h
            while used > capacity:
                used -= capacity


# --------------------------------------------------------------------------- split blocks


@dataclass
class Pool:
    """One largest-remainder split written to a sheet."""

    share: dict[str, str] = field(default_factory=dict)  # party -> ref of share (£)
    weight: dict[str, str] = field(default_factory=dict)
    share_cells: dict[str, str] = field(default_factory=dict)  # party -> local cell
    rows: dict[str, int] = field(default_factory=dict)  # party -> sheet row
    share_col: int = 0
    total: str = ""
    shares_range: str = ""
    end: int = 0


Weights = Mapping[str, tuple[str | None, int]]  # party -> (formula or None, integer value)


def _pool_safe(total_pence: int, ints: Sequence[int]) -> bool:
    s = sum(ints)
    return abs(total_pence) < EXACT_LIMIT and s * max(ints, default=0) < EXACT_LIMIT


# --------------------------------------------------------------------------- the builder


class _Report:
    def __init__(self, result: Result, generated: datetime) -> None:
        self.r = result
        self.book = result.book
        self.generated = generated
        self.wb = Workbook()
        self.wb.remove(self.wb.active)  # type: ignore[arg-type]
        self.ws: dict[str, Worksheet] = {n: self.wb.create_sheet(n) for n in SHEETS}
        self.sheets: dict[str, Sheet] = {}
        self.a: dict[tuple[str, ...], str] = {}  # registry of input/derived cell refs
        self.keys: list[KeyFigure] = []
        self.checks: list[tuple[str, str]] = []  # (description, formula)
        self.notes: list[str] = []
        codes = sorted(p.code for p in self.book.parties)
        self.order = {c: i + 1 for i, c in enumerate(codes)}

    # -- helpers --------------------------------------------------------------------
    def key(self, sh: Sheet, row: int, col: int, key: tuple[str, ...], label: str, kind: str,
            value: int | float | str | None) -> None:
        self.keys.append(KeyFigure(key, label, sh.name, f"{get_column_letter(col)}{row}", kind,
                                   value))

    def party_name(self, code: str | None) -> str:
        if code is None:
            return "not set (no rotation in settings)"
        try:
            return f"{self.book.party(code).name} ({code})"
        except KeyError:
            return code

    def setup(self, sh: Sheet, freeze: str | None = "A4") -> None:
        self.sheets[sh.name] = sh
        ws: Any = sh.ws  # the stubs type header/footer parts as optional
        ws.sheet_view.showGridLines = False
        if freeze:
            ws.freeze_panes = freeze
        ws.page_setup.orientation = "landscape"
        ws.page_setup.paperSize = ws.PAPERSIZE_A4
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        ws.page_margins = PageMargins(left=0.4, right=0.4, top=0.7, bottom=0.7,
                                      header=0.3, footer=0.3)
        ws.print_title_rows = "1:2"
        name = _esc_hf(self.book.settings.name)
        ws.oddHeader.left.text = name
        ws.oddHeader.left.size = 9
        ws.oddHeader.right.text = f"Board report {self.r.year}: &A"
        ws.oddHeader.right.size = 9
        ws.oddFooter.left.text = f"{name} {self.r.year}"
        ws.oddFooter.left.size = 8
        ws.oddFooter.center.text = "Page &P of &N"
        ws.oddFooter.center.size = 8
        ws.oddFooter.right.text = f"mkip {__version__}"
        ws.oddFooter.right.size = 8

    def rag_format(self, sh: Sheet, rng: str) -> None:
        for word, fill, font in (("green", "C6EFCE", "006100"), ("amber", "FFEB9C", "9C5700"),
                                 ("red", "FFC7CE", "9C0006")):
            first = rng.split(":")[0].replace("$", "")
            dxf = DifferentialStyle(fill=PatternFill(bgColor=fill, fill_type="solid"),
                                    font=Font(color=font, bold=True))
            rule = Rule(type="containsText", operator="containsText", text=word, dxf=dxf)
            rule.formula = [f'NOT(ISERROR(SEARCH("{word}",{first})))']
            sh.ws.conditional_formatting.add(rng, rule)

    def bool_format(self, sh: Sheet, rng: str) -> None:
        sh.ws.conditional_formatting.add(rng, CellIsRule(
            operator="equal", formula=["TRUE"], fill=PatternFill(bgColor="C6EFCE",
                                                                 fill_type="solid"),
            font=Font(color="006100", bold=True)))
        sh.ws.conditional_formatting.add(rng, CellIsRule(
            operator="equal", formula=["FALSE"], fill=PatternFill(bgColor="FFC7CE",
                                                                  fill_type="solid"),
            font=Font(color="9C0006", bold=True)))

    # -- the largest-remainder block --------------------------------------------------
    def pool(self, sh: Sheet, row: int, title: str, total: str, parties: Sequence[str],
             weights: Weights, *, engine: Mapping[str, int],
             pre: Sequence[tuple[str, str | None, Mapping[str, Any]]] = (),
             post: Sequence[tuple[str, str | None, Callable[[str, str], str | None]]] = (),
             weight_label: str = "Weight", own_page_block: bool = True) -> Pool:
        """Write a largest-remainder split of ``total`` (a formula in pounds).

        Layout: a title line, a line of pool figures (total, sign, pence to split, sum of
        weights, QUOTIENT, MOD, pennies left over), then one row per party: ``pre``
        columns, weight, weight %, code order, quota, floor, remainder, rank, extra penny,
        share, then ``post`` columns (given the party and its share cell).
        ``engine`` is the engine's shares in pence, used only when the pool is too large
        for exact spreadsheet arithmetic (then written as values and marked).
        """
        ws_cols = ["Total to split (£)", "Sign", "Pence to split", "Sum of weights",
                   "QUOTIENT(pence, sum)", "MOD(pence, sum)", "Pennies left over"]
        if own_page_block:
            sh.starts.append(row)
        sh.text(row, 1, title, bold=True, color=NAVY, size=11)
        row += 1
        sh.header(row, ws_cols)
        pr = row + 1
        npre = len(pre)
        c_party = 1
        c_w = 2 + npre
        c_pct, c_ord, c_quota, c_floor, c_rem, c_rank, c_extra, c_share = range(c_w + 1,
                                                                                c_w + 9)
        first = pr + 2
        n = len(parties)
        last = first + n - 1
        ints = [weights[p][1] for p in parties]
        # fall back to reduced integer weights, then to engine values, if too large
        g = 0
        for v in ints:
            g = gcd(g, v)
        mode = "formula"
        pence_hint = abs(sum(engine.values()))
        if not _pool_safe(pence_hint, ints):
            if g > 1 and _pool_safe(pence_hint, [v // g for v in ints]):
                mode = "reduced"
            else:
                mode = "values"
        L = get_column_letter
        tot = sh.ref(pr, 1, sheet=False)
        sign = sh.ref(pr, 2, sheet=False)
        pen = sh.ref(pr, 3, sheet=False)
        ssum = sh.ref(pr, 4, sheet=False)
        q = sh.ref(pr, 5, sheet=False)
        rr = sh.ref(pr, 6, sheet=False)
        left = sh.ref(pr, 7, sheet=False)
        wr = f"${L(c_w)}${first}:${L(c_w)}${last}"
        remr = f"${L(c_rem)}${first}:${L(c_rem)}${last}"
        ordr = f"${L(c_ord)}${first}:${L(c_ord)}${last}"
        floorr = f"${L(c_floor)}${first}:${L(c_floor)}${last}"
        for col_, wd in ((c_w, 14), (c_pct, 11), (c_ord, 10), (c_quota, 21), (c_floor, 15),
                         (c_rem, 12), (c_rank, 10), (c_extra, 10), (c_share, 16), (1, 15),
                         (3, 15), (4, 14), (5, 14), (6, 14)):
            sh.min_width(col_, wd)
        for j in range(len(post)):
            sh.min_width(c_share + 1 + j, 16)
        sh.formula(pr, 1, total, MONEY)
        sh.formula(pr, 2, f"SIGN(ROUND({tot}*100,0))", "0")
        sh.formula(pr, 3, f"ABS(ROUND({tot}*100,0))", PENCE)
        sh.formula(pr, 4, f"SUM({wr})", WHOLE)
        sh.formula(pr, 5, f"IF({ssum}=0,0,QUOTIENT({pen},{ssum}))", WHOLE)
        sh.formula(pr, 6, f"IF({ssum}=0,0,MOD({pen},{ssum}))", WHOLE)
        sh.formula(pr, 7, f"{pen}-SUM({floorr})", WHOLE)
        sh.grid(pr, 1, pr, 7)
        heads = (["Party"] + [h for h, _, _ in pre]
                 + [weight_label, "Weight %", "Code order (tie-break)", "Quota (pence)",
                    "Floor (pence)", "Remainder (pence)", "Remainder rank",
                    "Extra penny (1 = yes)", "Share (£)"]
                 + [h for h, _, _ in post])
        sh.header(first - 1, heads)
        out = Pool(total=sh.ref(pr, 1))
        for i, p in enumerate(parties):
            r = first + i
            sh.text(r, c_party, p, bold=True)
            for j, (_, fmt, vals) in enumerate(pre):
                val = vals.get(p)
                if isinstance(val, str) and val.startswith("="):
                    sh.formula(r, 2 + j, val, fmt)
                elif isinstance(val, str):
                    sh.text(r, 2 + j, val)
                elif val is not None:
                    sh.value(r, 2 + j, val, fmt)
            f, iv = weights[p]
            if mode == "formula" and f is not None:
                sh.formula(r, c_w, f, WHOLE)
            else:
                sh.value(r, c_w, iv // g if mode == "reduced" and g > 1 else iv, WHOLE)
            w = f"{L(c_w)}{r}"
            sh.formula(r, c_pct, f"IF({ssum}=0,0,{w}/{ssum})", "0.0000%")
            sh.formula(r, c_ord, self.a[("order", p)], "0")
            sh.formula(r, c_quota, f"IF({ssum}=0,0,{pen}*{w}/{ssum})", QUOTA)
            sh.formula(r, c_floor,
                       f"IF({ssum}=0,0,{q}*{w}+({rr}*{w}-MOD({rr}*{w},{ssum}))/{ssum})", PENCE)
            sh.formula(r, c_rem, f"IF({ssum}=0,0,MOD({rr}*{w},{ssum})/{ssum})", FRAC)
            rem = f"{L(c_rem)}{r}"
            o = f"{L(c_ord)}{r}"
            sh.formula(r, c_rank, f"1+SUMPRODUCT(({remr}>{rem})+({remr}={rem})*({wr}>{w})"
                                  f"+({remr}={rem})*({wr}={w})*({ordr}<{o}))", "0")
            sh.formula(r, c_extra, f"IF(AND({L(c_rank)}{r}<={left},{w}>0),1,0)", "0")
            if mode == "values":
                sh.value(r, c_share, _pounds(engine[p]), MONEY, bold=True)
            else:
                sh.formula(r, c_share, f"{sign}*({L(c_floor)}{r}+{L(c_extra)}{r})/100", MONEY,
                           bold=True)
            share_local = f"{L(c_share)}{r}"
            out.share[p] = sh.ref(r, c_share)
            out.share_cells[p] = share_local
            out.rows[p] = r
            out.share_col = c_share
            out.weight[p] = sh.ref(r, c_w)
            for j, (_, fmt, fn) in enumerate(post):
                pf = fn(p, share_local)
                if pf is not None:
                    sh.formula(r, c_share + 1 + j, pf, fmt)
        tr = last + 1
        sh.text(tr, 1, "Total", bold=True)
        for c in (c_w, c_quota, c_floor):
            sh.formula(tr, c, f"SUM({L(c)}{first}:{L(c)}{last})",
                       QUOTA if c == c_quota else WHOLE)
        sh.formula(tr, c_pct, f"SUM({L(c_pct)}{first}:{L(c_pct)}{last})", "0.0000%")
        sh.formula(tr, c_extra, f"SUM({L(c_extra)}{first}:{L(c_extra)}{last})", "0")
        sh.formula(tr, c_share, f"SUM({L(c_share)}{first}:{L(c_share)}{last})", MONEY)
        for j, (_, fmt, _fn) in enumerate(post):
            c = c_share + 1 + j
            if any(sh.ws.cell(row=r, column=c).value is not None for r in range(first, last + 1)):
                sh.formula(tr, c, f"SUM({L(c)}{first}:{L(c)}{last})", fmt)
        sh.grid(first, 1, last, c_share + len(post))
        sh.total_row(tr, 1, c_share + len(post))
        out.shares_range = sh.rng(first, c_share, last, c_share)
        if mode == "values":
            sh.note(tr + 1, 1, "This pool is too large for exact spreadsheet arithmetic: the "
                    "shares are the calculation engine's figures, not formulas.")
            tr += 1
        elif mode == "reduced":
            sh.note(tr + 1, 1, f"Weights divided by their common factor {g} so that the "
                    "arithmetic stays exact.")
            tr += 1
        self.checks.append((f"{title}: shares add up to the total",
                            f"ROUND(SUM({out.shares_range}),2)=ROUND({out.total},2)"))
        out.end = tr + 2
        return out

    # -- Inputs -----------------------------------------------------------------------
    def inputs(self) -> None:
        r, b, y = self.r, self.book, self.r.year
        sh = Sheet(self.ws["Inputs"], [18, 46, 15, 15, 15, 15, 15, 15, 15])
        self.sh_inputs = sh
        self.setup(sh, freeze="A3")
        row = sh.title("Inputs", "Figures from the input book that the formulas use. Blue: "
                       "copied from the book. Black: a formula.")
        s = b.settings
        ye = r.year_end
        yr = next(x for x in b.years if x.year == y)

        row = sh.section(row, f"Settings for {y}")

        def setting(label: str, name: str | None, v: Any, fmt: str | None, note: str = "",
                    formula: bool = False) -> None:
            nonlocal row
            sh.text(row, 1, label)
            if formula:
                sh.formula(row, 3, v, fmt)
            elif isinstance(v, str):
                sh.text(row, 3, v, color=INPUT_BLUE)
            else:
                sh.value(row, 3, v, fmt)
            if note:
                sh.note(row, 4, note)
            if name:
                self.wb.defined_names[name] = DefinedName(name, attr_text=sh.ref(row, 3))
                self.a[(name,)] = name
            row += 1

        setting("Partnership", None, s.name, None)
        setting("Financial year", None, y, None)
        setting("Rate per head (pence)", "RatePerHead", float(yr.rate_pence), "0.00##",
                "§13.2: per head of population, due on 1 April")
        ob_note = ("from the years table" if yr.opening_balance is not None
                   else f"carried over from the {previous_year(y)} year end"
                   if ye.opening_balance else "blank in the book: none")
        oc_note = ("from the years table" if yr.opening_commitments is not None
                   else f"committed at the end of {previous_year(y)}"
                   if ye.opening_commitments else "blank in the book: none")
        setting("Opening balance (£)", "OpeningBalance", _pounds(ye.opening_balance), MONEY,
                ob_note)
        setting("Opening commitments (£)", "OpeningCommitments",
                _pounds(ye.opening_commitments), MONEY, oc_note)
        setting("Refund share (board decision)", "RefundShare", float(ye.refund_share),
                _pct_fmt(ye.refund_share),
                "share of the uncommitted balance refunded; blank means carry it all over"
                if yr.refund_share is not None else "blank in the book: carry everything over")
        setting("Discount rate", "DiscountRate", float(s.discount_rate),
                _pct_fmt(s.discount_rate), "HM Treasury Green Book default 3.5%")
        setting("Financial weight of the investment score", "FinancialWeight",
                float(s.financial_weight), _pct_fmt(s.financial_weight))
        setting("Savings RAG: green at or above", "RagGreen", float(s.rag_green),
                _pct_fmt(s.rag_green))
        setting("Savings RAG: amber at or above", "RagAmber", float(s.rag_amber),
                _pct_fmt(s.rag_amber))
        setting("Budget RAG: amber up to overspend of", "BudgetAmber", "1-RagGreen",
                _pct_fmt(1 - s.rag_green), "formula: 1 - green threshold", formula=True)
        row += 1

        # parties
        row = sh.section(row, "Parties", "Code order is the alphabetical position of the "
                         "code; it breaks exact ties in a largest-remainder split.")
        row = sh.header(row, ["Code", "Name", "Voting", "Joined", "Notice given", "Left",
                              "Code order"])
        top = row
        for p in sorted(b.parties, key=lambda p: p.code):
            sh.text(row, 1, p.code, color=INPUT_BLUE)
            sh.text(row, 2, p.name, color=INPUT_BLUE)
            sh.text(row, 3, "yes" if p.voting else "no", color=INPUT_BLUE)
            for c, d in ((4, p.joined), (5, p.notice_given), (6, p.left)):
                if d is not None:
                    sh.value(row, c, datetime(d.year, d.month, d.day), DATE)
            sh.value(row, 7, self.order[p.code], "0")
            self.a[("order", p.code)] = sh.ref(row, 7)
            row += 1
        sh.grid(top, 1, row - 1, 7)
        row += 1

        # populations
        row = sh.section(row, f"Populations used for {y}",
                         "The most recent estimate not after the year (§13.2); months "
                         "paying: whole months from joining (§4).")
        row = sh.header(row, ["Party", "Source", "Population", "Estimate year",
                              "Months paying"])
        top = row
        months = {x.party: x.months for x in r.contributions.lines}
        for p in sorted(b.parties, key=lambda p: p.code):
            pop = latest_population(b.populations, p.code, y)
            if pop is None:
                continue
            sh.text(row, 1, p.code, color=INPUT_BLUE)
            sh.text(row, 2, pop.source, color=INPUT_BLUE, wrap=True)
            sh.value(row, 3, pop.population, WHOLE)
            sh.text(row, 4, pop.year, color=INPUT_BLUE)
            self.a[("pop", p.code)] = sh.ref(row, 3)
            self.a[("pop_year", p.code)] = sh.ref(row, 4)
            if p.code in months:
                sh.value(row, 5, months[p.code], "0")
                self.a[("months_pay", p.code)] = sh.ref(row, 5)
            else:
                sh.note(row, 5, "does not pay")
            row += 1
        sh.grid(top, 1, row - 1, 5)
        row += 1

        # ledger
        lines = sorted((e for e in b.ledger if e.year == y), key=ledger_order)
        row = sh.section(row, f"Ledger for {y}",
                         "Amounts are positive for their kind; a negative amount is a "
                         "reversal.")
        row = sh.header(row, ["Date", "Description", "Kind", "Amount (£)", "Reference"])
        top = row
        for e in lines:
            if e.date is not None:
                sh.value(row, 1, datetime(e.date.year, e.date.month, e.date.day), DATE)
            sh.text(row, 2, e.description, color=INPUT_BLUE)
            sh.text(row, 3, e.kind, color=INPUT_BLUE)
            sh.value(row, 4, _pounds(e.amount), MONEY)
            sh.text(row, 5, e.reference, color=INPUT_BLUE)
            row += 1
        if lines:
            sh.grid(top, 1, row - 1, 5)
        else:
            sh.note(row, 1, "No ledger lines for the year.")
            row += 1
        l_first, l_last = top, row - 1
        row += 1
        row = sh.header(row, ["Kind", "Total (£)"])
        top = row
        for k in LEDGER_KINDS:
            sh.text(row, 1, k)
            if lines:
                sh.formula(row, 2, f"ROUND(SUMIFS($D${l_first}:$D${l_last},"
                           f"$C${l_first}:$C${l_last},A{row}),2)", MONEY)
            else:
                sh.value(row, 2, 0, MONEY, input_=False)
            self.a[("ledger", k)] = sh.ref(row, 2)
            row += 1
        sh.grid(top, 1, row - 1, 2)
        row += 1

        # services and participants
        row = sh.section(row, f"Shared services in {y}",
                         "Net cost = gross cost - income; split on the basis shown (§6).")
        row = sh.header(row, ["Service", "Name", "Host", "Basis", "Gross cost (£)",
                              "Income (£)"])
        top = row
        for sp in r.services:
            sh.text(row, 1, sp.service, color=INPUT_BLUE)
            sh.text(row, 2, sp.name, color=INPUT_BLUE)
            sh.text(row, 3, sp.host, color=INPUT_BLUE)
            sh.text(row, 4, sp.basis, color=INPUT_BLUE)
            sh.value(row, 5, _pounds(sp.gross_cost), MONEY)
            sh.value(row, 6, _pounds(sp.income), MONEY)
            self.a[("svc_gross", sp.service)] = sh.ref(row, 5)
            self.a[("svc_income", sp.service)] = sh.ref(row, 6)
            row += 1
        if r.services:
            sh.grid(top, 1, row - 1, 6)
        else:
            sh.note(row, 1, "No shared services in the year.")
            row += 1
        row += 1
        row = sh.header(row, ["Service", "Party", "Months taking part", "Fixed share",
                              "Stand-alone cost (£)"])
        top = row
        fixed = {(x.service, x.party): x.fixed_share for x in b.service_parties if x.year == y}
        for sp in r.services:
            listed = any(x.service == sp.service and x.year == y for x in b.service_parties)
            for ln in sp.lines:
                sh.text(row, 1, sp.service, color=INPUT_BLUE)
                sh.text(row, 2, ln.party if listed else f"{ln.party}", color=INPUT_BLUE)
                sh.value(row, 3, ln.months, "0")
                fs = fixed.get((sp.service, ln.party))
                if fs is not None:
                    sh.value(row, 4, float(fs), _pct_fmt(fs))
                if ln.standalone_cost is not None:
                    sh.value(row, 5, _pounds(ln.standalone_cost), MONEY)
                    self.a[("sp_sa", sp.service, ln.party)] = sh.ref(row, 5)
                self.a[("sp_months", sp.service, ln.party)] = sh.ref(row, 3)
                self.a[("sp_fixed", sp.service, ln.party)] = sh.ref(row, 4)
                if not listed:
                    sh.note(row, 6, "no participants listed: every paying party")
                row += 1
        if r.services:
            sh.grid(top, 1, row - 1, 5)
        row += 1
        blends = [sp for sp in r.services if sp.basis == "blend"]
        if blends:
            row = sh.header(row, ["Service", "Blend component", "Component weight"])
            top = row
            for sp in blends:
                for comp, w in sp.components:
                    sh.text(row, 1, sp.service, color=INPUT_BLUE)
                    sh.text(row, 2, comp, color=INPUT_BLUE)
                    sh.value(row, 3, float(w), _pct_fmt(w))
                    self.a[("blend_w", sp.service, comp)] = sh.ref(row, 3)
                    row += 1
            sh.grid(top, 1, row - 1, 3)
            row += 1
        drivers = sorted((d for d in b.drivers if d.year == y), key=lambda d: (d.driver, d.party))
        if drivers:
            row = sh.header(row, ["Party", "Activity driver", "Value"])
            top = row
            for drv in drivers:
                sh.text(row, 1, drv.party, color=INPUT_BLUE)
                sh.text(row, 2, drv.driver, color=INPUT_BLUE)
                sh.value(row, 3, float(drv.value), "#,##0.####")
                self.a[("driver", drv.driver, drv.party)] = sh.ref(row, 3)
                row += 1
            sh.grid(top, 1, row - 1, 3)
            row += 1

        # projects
        if r.investments:
            row = sh.section(row, "Investment cases (five-year profiles)",
                             "Costs are uplifted by optimism bias; a blank discount rate is "
                             "the partnership's.")
            row = sh.header(row, ["Project", "Name", "Service", "Lead", "Start year",
                                  "Optimism bias", "Discount rate"])
            top = row
            projects = {p.project: p for p in b.projects}
            for a in r.investments:
                pr = projects[a.project]
                sh.text(row, 1, a.project, color=INPUT_BLUE)
                sh.text(row, 2, a.name, color=INPUT_BLUE)
                sh.text(row, 3, a.service or "", color=INPUT_BLUE)
                sh.text(row, 4, a.lead, color=INPUT_BLUE)
                sh.text(row, 5, pr.start_year or f"{y} (year run)", color=INPUT_BLUE)
                sh.value(row, 6, float(a.optimism_bias), _pct_fmt(a.optimism_bias))
                if pr.discount_rate is None:
                    sh.formula(row, 7, "DiscountRate", _pct_fmt(a.discount_rate))
                else:
                    sh.value(row, 7, float(pr.discount_rate), _pct_fmt(pr.discount_rate))
                self.a[("ob", a.project)] = sh.ref(row, 6)
                self.a[("rate", a.project)] = sh.ref(row, 7)
                row += 1
            sh.grid(top, 1, row - 1, 7)
            row += 1
            row = sh.header(row, ["Project", "Cash flow (£)", "Year 0", "Year 1", "Year 2",
                                  "Year 3", "Year 4", "Year 5"])
            top = row
            for a in r.investments:
                for kind in CASHFLOW_KINDS:
                    sh.text(row, 1, a.project, color=INPUT_BLUE)
                    sh.text(row, 2, kind.replace("_", " "), color=INPUT_BLUE)
                    for t in range(6):
                        amounts = [c.amount for c in b.cashflows
                                   if c.project == a.project and c.kind == kind
                                   and c.year_index == t]
                        if len(amounts) > 1:
                            sh.formula(row, 3 + t, "+".join(
                                str(Decimal(x) / 100) for x in amounts), MONEY0,
                                color=INPUT_BLUE)
                        else:
                            sh.value(row, 3 + t, _pounds(sum(amounts)), MONEY0)
                        self.a[("cf", a.project, kind, str(t))] = sh.ref(row, 3 + t)
                    row += 1
            sh.grid(top, 1, row - 1, 8)
            row += 1
            row = sh.header(row, ["Value for money", "Band points"])
            sh.text(row, 1, "BCR")
            sh.text(row + 1, 1, "Financial score")
            for i, (bcr, score) in enumerate(VFM_BANDS):
                sh.value(row, 3 + i, float(bcr), "0.0#")
                sh.value(row + 1, 3 + i, float(score), "0")
            end_c = 2 + len(VFM_BANDS)
            self.wb.defined_names["VfmBcr"] = DefinedName(
                "VfmBcr", attr_text=sh.rng(row, 3, row, end_c))
            self.wb.defined_names["VfmScore"] = DefinedName(
                "VfmScore", attr_text=sh.rng(row + 1, 3, row + 1, end_c))
            sh.note(row + 2, 1, "Financial score: straight lines between the band points "
                    "(SPEC §7); 100 at or above the last BCR.")
            sh.grid(row, 1, row + 1, end_c)
            row += 4
            crit = sorted(b.criteria, key=lambda c: (c.project, c.criterion))
            if crit:
                row = sh.header(row, ["Project", "Criterion (§13.5)", "Score (0-5)",
                                      "Weight (given)", "Weight used"])
                top = row
                for a in r.investments:
                    own = [c for c in crit if c.project == a.project]
                    start = row
                    for cr in own:
                        sh.text(row, 1, cr.project, color=INPUT_BLUE)
                        sh.text(row, 2, cr.criterion, color=INPUT_BLUE)
                        sh.value(row, 3, float(cr.score), "0.##")
                        if cr.weight is not None:
                            sh.value(row, 4, float(cr.weight), "0.####")
                        sh.formula(row, 5, f"IF(ISBLANK(D{row}),1,D{row})", "0.####")
                        row += 1
                    if own:
                        self.a[("crit_score", a.project)] = sh.rng(start, 3, row - 1, 3)
                        self.a[("crit_w", a.project)] = sh.rng(start, 5, row - 1, 5)
                sh.grid(top, 1, row - 1, 5)
                row += 1

        # monitoring inputs
        mon = r.monitoring
        if mon.savings.rows:
            row = sh.section(row, f"Savings predicted and delivered ({y})")
            row = sh.header(row, ["Service", "Year", "Predicted (£)", "Actual (£)"])
            top = row
            for i, x in enumerate(mon.savings.rows):
                sh.text(row, 1, x.service or "", color=INPUT_BLUE)
                sh.text(row, 2, x.year or "", color=INPUT_BLUE)
                sh.value(row, 3, _pounds(x.predicted), MONEY)
                sh.value(row, 4, _pounds(x.actual), MONEY)
                self.a[("sav", str(i))] = str(row)
                row += 1
            sh.grid(top, 1, row - 1, 4)
            row += 1
        if mon.budget:
            row = sh.section(row, f"Quarterly budget monitoring ({y})")
            row = sh.header(row, ["Year", "Line", "Quarter", "Budget (£)",
                                  "Actual to date (£)", "Forecast outturn (£)"])
            top = row
            for i, bl in enumerate(mon.budget):
                sh.text(row, 1, bl.year, color=INPUT_BLUE)
                sh.text(row, 2, bl.line, color=INPUT_BLUE)
                sh.value(row, 3, bl.quarter, "0")
                sh.value(row, 4, _pounds(bl.budget), MONEY)
                sh.value(row, 5, _pounds(bl.actual_to_date), MONEY)
                sh.value(row, 6, _pounds(bl.forecast_outturn), MONEY)
                self.a[("bud", str(i))] = str(row)
                row += 1
            sh.grid(top, 1, row - 1, 6)
            row += 1
        inds = mon.performance.indicators
        if inds:
            row = sh.section(row, f"Performance indicators (quarters up to the end of {y})")
            row = sh.header(row, ["Service", "Indicator", "Year", "Quarter", "Target",
                                  "Actual", "Higher is better"])
            top = row
            for i, ind in enumerate(inds):
                sh.text(row, 1, ind.service, color=INPUT_BLUE)
                sh.text(row, 2, ind.indicator, color=INPUT_BLUE)
                sh.text(row, 3, ind.year, color=INPUT_BLUE)
                sh.value(row, 4, ind.quarter, "0")
                sh.value(row, 5, float(ind.target), "#,##0.####")
                sh.value(row, 6, float(ind.actual), "#,##0.####")
                sh.text(row, 7, "yes" if ind.higher_is_better else "no", color=INPUT_BLUE)
                self.a[("ind", str(i))] = str(row)
                row += 1
            sh.grid(top, 1, row - 1, 7)
            row += 1

    # -- Contributions ------------------------------------------------------------------
    def contributions(self) -> None:
        r, c = self.r, self.r.contributions
        sh = Sheet(self.ws["Contributions"], [12, 40, 14, 14, 10, 12, 18, 14])
        self.setup(sh, freeze="A5")
        sh.title(f"Contributions {r.year}",
                 "Each voting party pays rate x population x months / 12, rounded once to "
                 "the penny, due on 1 April (§13.2).")
        row = sh.header(4, ["Party", "Name", "Population", "Estimate year", "Months",
                            "Rate (pence)", "Contribution (£)", "Share of total"])
        first = row
        last = first + len(c.lines) - 1
        for x in c.lines:
            sh.text(row, 1, x.party, bold=True)
            sh.text(row, 2, x.name)
            sh.formula(row, 3, self.a[("pop", x.party)], WHOLE)
            sh.formula(row, 4, self.a[("pop_year", x.party)])
            sh.formula(row, 5, self.a[("months_pay", x.party)], "0")
            sh.formula(row, 6, "RatePerHead", "0.00##")
            sh.formula(row, 7, f"ROUND(ROUND(F{row}*C{row}*E{row}/12,6),0)/100", MONEY)
            sh.formula(row, 8, f"IF($G${last + 1}=0,0,G{row}/$G${last + 1})", "0.00%")
            self.a[("contrib", x.party)] = sh.ref(row, 7)
            self.key(sh, row, 7, ("contribution", x.party), f"Contribution {x.party}", "money",
                     x.amount)
            row += 1
        tr = row
        sh.text(tr, 1, "Total", bold=True)
        if c.lines:
            sh.grid(first, 1, last, 8)
            sh.formula(tr, 3, f"SUM(C{first}:C{last})", WHOLE)
            sh.formula(tr, 7, f"SUM(G{first}:G{last})", MONEY)
            sh.formula(tr, 8, f"SUM(H{first}:H{last})", "0.00%")
        else:
            sh.value(tr, 7, 0, MONEY, input_=False)
        sh.total_row(tr, 1, 8)
        self.a[("contrib_total",)] = sh.ref(tr, 7)
        self.key(sh, tr, 7, ("contribution_total",), "Contributions total", "money", c.total)
        sh.note(tr + 1, 1, "Contribution (pence) = ROUND(ROUND(rate x population x months / "
                "12, 6), 0): the inner ROUND removes binary noise before rounding half away "
                "from zero.")
        if r.contributions.warnings:
            sh.note(tr + 2, 1, "Population estimates older than the year are used: see the "
                    "warnings on the Cover.")
        if c.lines:
            ch = BarChart()
            ch.type = "col"
            ch.title = f"Contributions by party, {r.year}"
            ch.y_axis.title = "£"
            ch.y_axis.numFmt = "£#,##0"
            ch.legend = None
            ch.add_data(Reference(sh.ws, min_col=7, min_row=first - 1, max_row=last),
                        titles_from_data=True)
            ch.set_categories(Reference(sh.ws, min_col=1, min_row=first, max_row=last))
            self._chart_style(ch, 16, 7.5)
            ch.dataLabels = DataLabelList()
            ch.dataLabels.showVal = True
            ch.dataLabels.showSerName = False
            ch.dataLabels.showCatName = False
            ch.dataLabels.showLegendKey = False
            ch.dataLabels.showPercent = False
            sh.ws.add_chart(ch, f"B{tr + 4}")

    @staticmethod
    def _chart_style(chart: BarChart, width: float, height: float) -> None:
        ch: Any = chart
        ch.width = width
        ch.height = height
        ch.x_axis.delete = False
        ch.y_axis.delete = False
        ch.style = 10

    # -- Year end -------------------------------------------------------------------------
    def year_end(self) -> None:
        r, ye = self.r, self.r.year_end
        sh = Sheet(self.ws["Year end"], [30, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16])
        self.setup(sh, freeze="A4")
        sh.title(f"Year end {r.year}: refund or carry over",
                 "Funds not spent or committed at the year end are returned in proportion to "
                 "contributions or carried over, as the Board agrees (§13.2).")
        row = sh.section(4, "Fund account")
        row = sh.header(row, ["", "£", "How it is worked out"])
        led = self.a

        def line(label: str, f: str, note: str, key: str | None = None,
                 value: int | None = None, total: bool = False) -> str:
            nonlocal row
            sh.text(row, 1, label, bold=total)
            sh.formula(row, 2, f, MONEY, bold=total)
            sh.note(row, 3, note)
            if total:
                sh.total_row(row, 1, 2)
            ref = sh.ref(row, 2)
            if key:
                self.a[("ye", key)] = ref
                self.key(sh, row, 2, ("year_end", key), label, "money", value)
            row += 1
            return sh.ref(row - 1, 2, sheet=False)

        ob = line("Opening balance", "OpeningBalance", "Inputs", "opening_balance",
                  ye.opening_balance)
        oc = line("Opening commitments", "OpeningCommitments", "Inputs", "opening_commitments",
                  ye.opening_commitments)
        co = line("Contributions", self.a[("contrib_total",)], "Contributions sheet",
                  "contributions", ye.contributions)
        ef = line("External funding", led[("ledger", "external_funding")], "ledger total",
                  "external_funding", ye.external_funding)
        inc = line("Income", led[("ledger", "income")], "ledger total", "income", ye.income)
        ar = line("Less: admin recharge", led[("ledger", "admin_recharge")],
                  "ledger total (deducted)", "admin_recharge", ye.admin_recharge)
        av = line("Available", f"ROUND({ob}+{oc}+{co}+{ef}+{inc}-{ar},2)",
                  "opening balance + opening commitments + contributions + external funding "
                  "+ income - admin recharge", "available", ye.available, total=True)
        sp = line("Less: spend", led[("ledger", "spend")], "ledger total", "spend", ye.spend)
        cm = line("Less: commitments at 31 March", led[("ledger", "commitment")],
                  "ledger total; carried forward as next year's opening commitments",
                  "commitments", ye.commitments)
        un = line("Uncommitted balance", f"ROUND({av}-{sp}-{cm},2)",
                  "available - spend - commitments (negative: a deficit)", "uncommitted",
                  ye.uncommitted, total=True)
        sh.text(row, 1, "Refund share (Board decision)")
        sh.formula(row, 2, "RefundShare", _pct_fmt(ye.refund_share))
        sh.note(row, 3, "Inputs")
        row += 1
        rf = line("Refund to the parties",
                  f"IF({un}>0,ROUND(ROUND(ROUND({un}*100,0)*RefundShare,6),0)/100,0)",
                  "uncommitted x refund share, rounded once to the penny (none in a deficit)",
                  "refund", ye.refund)
        line("Carried over to next year", f"ROUND({un}-{rf},2)",
             "uncommitted - refund; becomes next year's opening balance", "carry_over",
             ye.carry_over, total=True)
        sh.text(row, 1, "Position")
        sh.formula(row, 2, f'IF({un}<0,"deficit","surplus")')
        row += 2
        self.checks.append(("Refund + carry-over = uncommitted balance",
                            f"ROUND({self.a[('ye', 'refund')]}+{self.a[('ye', 'carry_over')]}"
                            f",2)=ROUND({self.a[('ye', 'uncommitted')]},2)"))
        self.checks.append(("Contributions on the fund account = contributions sheet total",
                            f"ROUND({self.a[('ye', 'contributions')]},2)=ROUND(SUM("
                            + ",".join(self.a[("contrib", x.party)]
                                       for x in r.contributions.lines) + "),2)"
                            if r.contributions.lines else
                            f"ROUND({self.a[('ye', 'contributions')]},2)=0"))

        parties = [x.party for x in ye.parties]
        stmt_row = row
        n = len(parties)
        # statement first (refers to the workings below)
        row = sh.section(row, "Statement per party",
                         "Spend, refund, carry-over and any supplementary contribution are "
                         "each split by the year's contribution weights, largest remainder.")
        hdr = row
        row = sh.header(row, ["Party", "Contribution (£)", "Share of spend (£)",
                              "Refund due (£)", "Share of balance carried (£)",
                              "Supplementary to clear a deficit (£)"])
        first = row
        row += n + 1
        row += 2
        pools: dict[str, Pool] = {}
        weights: dict[str, tuple[str | None, int]] = {
            p: (f"ROUND({self.a[('contrib', p)]}*100,0)", x.contribution)
            for p, x in zip(parties, ye.parties, strict=True)}
        pre = [("Contribution (£)", MONEY,
                {p: "=" + self.a[("contrib", p)] for p in parties})]
        if parties:
            row = sh.section(row, "Workings: largest-remainder splits by contribution")
            for key, label, total, eng in (
                ("spend", "Spend", self.a[("ye", "spend")],
                 {x.party: x.spend for x in ye.parties}),
                ("refund", "Refund", self.a[("ye", "refund")],
                 {x.party: x.refund for x in ye.parties}),
                ("carry_over", "Balance carried over", self.a[("ye", "carry_over")],
                 {x.party: x.carry_over for x in ye.parties}),
                ("supplementary", "Supplementary contributions (deficit only)",
                 f"IF({self.a[('ye', 'uncommitted')]}<0,-{self.a[('ye', 'uncommitted')]},0)",
                 {x.party: x.supplementary for x in ye.parties}),
            ):
                pools[key] = self.pool(sh, row, f"{label} split by contribution", total, parties,
                                       weights, engine=eng, pre=pre,
                                       weight_label="Weight (contribution, pence)")
                row = pools[key].end
        for i, x in enumerate(ye.parties):
            rr = first + i
            sh.text(rr, 1, x.party, bold=True)
            sh.formula(rr, 2, self.a[("contrib", x.party)], MONEY)
            for col, key in ((3, "spend"), (4, "refund"), (5, "carry_over"),
                             (6, "supplementary")):
                sh.formula(rr, col, pools[key].share[x.party], MONEY)
                self.key(sh, rr, col, (f"year_end_{key}", x.party),
                         f"{key.replace('_', '-')} share {x.party}", "money",
                         getattr(x, key))
        tr = first + n
        sh.text(tr, 1, "Total", bold=True)
        if n:
            for col in range(2, 7):
                L = get_column_letter(col)
                sh.formula(tr, col, f"SUM({L}{first}:{L}{tr - 1})", MONEY)
            sh.grid(first, 1, tr - 1, 6)
        sh.total_row(tr, 1, 6)
        for col, key in ((3, "spend"), (4, "refund"), (5, "carry_over")):
            L = get_column_letter(col)
            if n:
                self.checks.append((f"Statement: {key.replace('_', '-')} shares add up to the "
                                    f"{key.replace('_', '-')}",
                                    f"ROUND({sh.ref(tr, col)},2)=ROUND({self.a[('ye', key)]},2)"))
        if n:
            self.checks.append(("Statement: supplementary contributions clear the deficit",
                                f"ROUND({sh.ref(tr, 6)},2)=ROUND(MAX(-"
                                f"{self.a[('ye', 'uncommitted')]},0),2)"))
        self.a[("ye_stmt",)] = sh.rng(first, 1, tr - 1, 6)
        _ = (stmt_row, hdr)
        if ye.exits:
            row = sh.section(row, "Parties leaving in the year (§16.2-16.3)",
                             "Figures from the calculation engine: the balance at the date of "
                             "leaving uses ledger lines dated on or before it.")
            row = sh.header(row, ["Party", "Notice given", "Left",
                                  "Uncommitted at leaving (£)", "Exit share (£)",
                                  "Commitments before notice (£)", "Liability (£)"])
            top = row
            for e in ye.exits:
                sh.text(row, 1, e.party, bold=True)
                if e.notice_given:
                    sh.value(row, 2, datetime(e.notice_given.year, e.notice_given.month,
                                              e.notice_given.day), DATE)
                sh.value(row, 3, datetime(e.left.year, e.left.month, e.left.day), DATE)
                for col, v in ((4, e.balance_at_leaving), (5, e.share),
                               (6, e.commitments_before_notice), (7, e.commitment_liability)):
                    sh.value(row, col, _pounds(v), MONEY)
                row += 1
            sh.grid(top, 1, row - 1, 7)

    # -- Shared services -----------------------------------------------------------------
    def _service_weights(self, sp: ServiceSplit, sh: Sheet, row: int
                         ) -> tuple[dict[str, tuple[str | None, int]], dict[str, Any], int]:
        """Integer weight formulas for one service; returns (weights, basis column, row)."""
        b, y = self.book, self.r.year
        parts = [ln.party for ln in sp.lines]
        months = {ln.party: ln.months for ln in sp.lines}
        mref = {p: self.a[("sp_months", sp.service, p)] for p in parts}

        def component(basis: str) -> tuple[dict[str, str | None], dict[str, int],
                                           dict[str, str]]:
            """(weight formula, integer weight, basis-value formula) for one basis."""
            f: dict[str, str | None] = {}
            iv: dict[str, int] = {}
            bv: dict[str, str] = {}
            if basis == "equal":
                for p in parts:
                    f[p] = mref[p]
                    iv[p] = months[p]
                    bv[p] = "=" + mref[p]
            elif basis == "fixed":
                vals = {p: next((x.fixed_share for x in b.service_parties
                                 if x.service == sp.service and x.year == y and x.party == p),
                                None) or Decimal(0) for p in parts}
                k = _decimals(list(vals.values()))
                for p in parts:
                    ref = self.a[("sp_fixed", sp.service, p)]
                    f[p] = f"ROUND({ref}*{10**k},0)" if k else f"ROUND({ref},0)"
                    iv[p] = _scaled(vals[p], k)
                    bv[p] = "=" + ref
            elif basis == "population":
                for p in parts:
                    pop = latest_population(b.populations, p, y)
                    pref = self.a.get(("pop", p))
                    if pop is None or pref is None:
                        f[p] = None
                        iv[p] = 0
                        continue
                    f[p] = f"{pref}*{mref[p]}"
                    iv[p] = pop.population * months[p]
                    bv[p] = "=" + pref
            elif basis.startswith("driver:"):
                name = basis[7:]
                dv = {d.party: d.value for d in b.drivers if d.year == y and d.driver == name}
                k = _decimals(list(dv.values()))
                for p in parts:
                    dref = self.a.get(("driver", name, p))
                    if dref is None:
                        f[p] = "0"
                        iv[p] = 0
                        continue
                    f[p] = (f"ROUND({dref}*{10**k},0)*{mref[p]}" if k
                            else f"ROUND({dref},0)*{mref[p]}")
                    iv[p] = _scaled(dv[p], k) * months[p]
                    bv[p] = "=" + dref
            else:
                raise ValueError(f"unknown basis {basis}")
            return f, iv, bv

        if sp.basis != "blend":
            f, iv, bv = component(sp.basis)
            label = {"equal": "Months", "fixed": "Fixed share",
                     "population": "Population"}.get(sp.basis, f"Driver: {sp.basis[7:]}")
            fmt = "0.00##%" if sp.basis == "fixed" else "#,##0.####"
            return ({p: (f[p], iv[p]) for p in parts},
                    {"label": label, "fmt": fmt, "values": bv}, row)

        # blend: a component table, then exact integer weights
        comps = [(c, w) for c, w in sp.components]
        data = [(c, w, *component(c)) for c, w in comps]
        data = [d for d in data if sum(d[3].values()) > 0]
        kw = _decimals([w for _, w, *_ in data])
        sums = [sum(d[3].values()) for d in data]
        exact: dict[str, int] = {}
        for p in parts:
            tot = 0
            for i, (_c, w, _f, iv, _bv) in enumerate(data):
                prod = _scaled(w, kw) * iv[p]
                for j, s in enumerate(sums):
                    if j != i:
                        prod *= s
                tot += prod
            exact[p] = tot
        g = 0
        for v in exact.values():
            g = gcd(g, v)
        reduced = {p: v // (g or 1) for p, v in exact.items()}
        formula_ok = max(exact.values(), default=0) < EXACT_LIMIT
        # check against the engine (proportional to its exact weights)
        eng = {ln.party: ln.raw_weight for ln in sp.lines}
        if apportion(sp.net_cost, reduced) != sp.shares or not _proportional(reduced, eng):
            reduced = _integer_ratio(eng)
            formula_ok = False
        L = get_column_letter
        sh.text(row, 1, "Blend components: each component's weights are normalised to sum to "
                "1, then mixed with the component weights; the money is rounded once.",
                italic=True, color=GREY)
        row += 1
        heads = ["Party"]
        for c, _w, *_ in data:
            heads += [f"{c} (raw)", f"{c} (share)"]
        heads += ["Blended weight", "Exact integer weight"]
        row = sh.header(row, heads)
        first = row
        last = first + len(parts) - 1
        cw_row = last + 2
        for i, p in enumerate(parts):
            r = first + i
            sh.text(r, 1, p, bold=True)
            blend_terms = []
            int_terms = []
            for j, (_c, _w, f, _iv, _bv) in enumerate(data):
                rc, sc = 2 + 2 * j, 3 + 2 * j
                sh.formula(r, rc, f[p] or "0", WHOLE)
                sh.formula(r, sc, f"IF({L(rc)}${last + 1}=0,0,{L(rc)}{r}/{L(rc)}${last + 1})",
                           FRAC)
                blend_terms.append(f"{L(sc)}${cw_row}*{L(sc)}{r}")
                others = "".join(f"*{L(2 + 2 * k)}${last + 1}" for k in range(len(data))
                                 if k != j)
                int_terms.append(f"{L(rc)}${cw_row + 1}*{L(rc)}{r}{others}")
            cb = 2 + 2 * len(data)
            sh.formula(r, cb, "+".join(blend_terms) or "0", FRAC)
            if formula_ok:
                sh.formula(r, cb + 1, "+".join(int_terms) or "0", WHOLE)
            else:
                sh.value(r, cb + 1, reduced[p], WHOLE)
        tr = last + 1
        sh.text(tr, 1, "Total", bold=True)
        for cc in range(2, 2 + 2 * len(data) + 2):
            sh.formula(tr, cc, f"SUM({L(cc)}{first}:{L(cc)}{last})",
                       WHOLE if (cc % 2 == 0 and cc < 2 + 2 * len(data)) or cc == cb + 1
                       else FRAC)
        sh.total_row(tr, 1, cb + 1)
        sh.text(cw_row, 1, "Component weight")
        sh.text(cw_row + 1, 1, f"Component weight x {10**kw}")
        for j, (c, _w, *_rest) in enumerate(data):
            sc = 3 + 2 * j
            sh.formula(cw_row, sc, self.a[("blend_w", sp.service, c)], "0.00##%")
            sh.formula(cw_row + 1, 2 + 2 * j, f"ROUND({L(sc)}{cw_row}*{10**kw},0)", WHOLE)
        sh.grid(first, 1, last, cb + 1)
        sh.grid(cw_row, 1, cw_row + 1, cb - 1)
        gcd_rng = f"${L(cb + 1)}${first}:${L(cb + 1)}${last}"
        self.checks.append((f"{sp.service}: blended weights add up to 1",
                            f"ROUND({sh.ref(tr, cb)},9)=1"))
        weights: dict[str, tuple[str | None, int]] = {}
        blended: dict[str, str] = {}
        for i, p in enumerate(parts):
            r = first + i
            if formula_ok:
                weights[p] = (f"{L(cb + 1)}{r}/GCD({gcd_rng})", reduced[p])
            else:
                weights[p] = (None, reduced[p])
            blended[p] = f"={L(cb)}{r}"
            self.checks.append((f"{sp.service} {p}: exact integer weight matches the blended "
                                "weight",
                                f"ROUND({sh.ref(r, cb + 1)}/{sh.ref(tr, cb + 1)}-"
                                f"{sh.ref(r, cb)},9)=0"))
        note = ("Exact integer weight: the blend with every component's share written over a "
                "common denominator; divided by its greatest common divisor in the split.")
        if not formula_ok:
            note = ("Exact integer weights are the calculation engine's exact ratios (too "
                    "large to form by formula exactly).")
        sh.note(cw_row + 2, 1, note)
        return weights, {"label": "Blended weight", "fmt": FRAC, "values": blended}, cw_row + 4

    def services(self) -> None:
        r = self.r
        sh = Sheet(self.ws["Shared services"], [16, 14, 14, 14, 14, 12, 12, 18, 14, 14, 12, 12,
                                                16, 16])
        self.sh_services = sh
        self.setup(sh, freeze="A4")
        sh.title(f"Shared services {r.year}",
                 "Each service's net cost is split between the parties engaged in it, and only "
                 "them, in one largest-remainder step (§18.1a, §13.4).")
        parties = sorted({ln.party for sp in r.services for ln in sp.lines})
        n_s = len(r.services)
        row = sh.section(4, "Summary: each party's share of each service (£)")
        hdr = row
        sum_first = hdr + 1
        sum_last = sum_first + n_s - 1
        chart_row = sum_last + 4
        row = chart_row + (20 if n_s else 0)
        self.svc_pools: dict[str, Pool] = {}
        self.svc_weights: dict[str, dict[str, tuple[str | None, int]]] = {}
        for sp in r.services:
            row = sh.section(row, f"{sp.service}: {sp.name}")
            sh.text(row, 1, "Host")
            sh.text(row, 2, sp.host, bold=True)
            sh.text(row, 3, "Basis")
            sh.text(row, 4, sp.basis, bold=True)
            row += 1
            sh.text(row, 1, "Gross cost")
            sh.formula(row, 2, self.a[("svc_gross", sp.service)], MONEY)
            sh.text(row, 3, "Income")
            sh.formula(row, 4, self.a[("svc_income", sp.service)], MONEY)
            sh.text(row, 5, "Net cost", bold=True)
            sh.formula(row, 6, f"ROUND(B{row}-D{row},2)", MONEY, bold=True)
            net_ref = sh.ref(row, 6)
            self.a[("svc_net", sp.service)] = net_ref
            self.key(sh, row, 6, ("service_net", sp.service), f"{sp.service} net cost", "money",
                     sp.net_cost)
            row += 2
            weights, basis, row = self._service_weights(sp, sh, row)
            self.svc_weights[sp.service] = weights
            parts = [ln.party for ln in sp.lines]
            pre: list[tuple[str, str | None, Mapping[str, Any]]] = [
                ("Months", "0", {p: "=" + self.a[("sp_months", sp.service, p)] for p in parts}),
                (basis["label"], basis["fmt"], basis["values"]),
            ]
            sa = {ln.party: ln.standalone_cost for ln in sp.lines}

            def standalone(p: str, _share: str, svc: str = sp.service) -> str | None:
                ref = self.a.get(("sp_sa", svc, p))
                return ref

            def saving(p: str, share: str, svc: str = sp.service) -> str | None:
                ref = self.a.get(("sp_sa", svc, p))
                return None if ref is None else f"{ref}-{share}"

            post = [("Stand-alone cost (£)", MONEY, standalone), ("Saving (£)", MONEY, saving)]
            pool = self.pool(sh, row, f"{sp.service}: split of the net cost", net_ref, parts,
                             weights, engine=sp.shares, pre=pre, post=post,
                             own_page_block=False)
            self.svc_pools[sp.service] = pool
            for ln in sp.lines:
                rr, cc = pool.rows[ln.party], pool.share_col
                self.key(sh, rr, cc, ("service_share", sp.service, ln.party),
                         f"{sp.service} share {ln.party}", "money", ln.share)
                if sa[ln.party] is not None:
                    self.key(sh, rr, cc + 2, ("service_saving", sp.service, ln.party),
                             f"{sp.service} saving {ln.party}", "money", ln.saving)
            row = pool.end
        # summary matrix
        heads = ["Service", "Host", "Basis", *parties, "Net cost (£)"]
        sh.header(hdr, heads)
        for i, sp in enumerate(r.services):
            rr = sum_first + i
            sh.text(rr, 1, sp.service, bold=True)
            sh.text(rr, 2, sp.host)
            sh.text(rr, 3, sp.basis)
            for j, p in enumerate(parties):
                pool = self.svc_pools[sp.service]
                if p in pool.share:
                    sh.formula(rr, 4 + j, pool.share[p], MONEY)
                else:
                    sh.value(rr, 4 + j, 0, MONEY, input_=False)
            sh.formula(rr, 4 + len(parties), self.a[("svc_net", sp.service)], MONEY)
        tr = sum_last + 1
        sh.text(tr, 1, "Total", bold=True)
        if n_s:
            for c in range(4, 5 + len(parties)):
                L = get_column_letter(c)
                sh.formula(tr, c, f"SUM({L}{sum_first}:{L}{sum_last})", MONEY)
            sh.grid(sum_first, 1, sum_last, 4 + len(parties))
            self.a[("svc_total",)] = sh.ref(tr, 4 + len(parties))
        else:
            sh.note(sum_first, 1, "No shared services in the year.")
        sh.total_row(tr, 1, 4 + len(parties))
        if n_s:
            ch = BarChart()
            ch.type = "bar"
            ch.grouping = "stacked"
            ch.overlap = 100
            ch.gapWidth = 40
            ch.title = "Each service's net cost split between the parties"
            ch.x_axis.title = None
            ch.y_axis.numFmt = "£#,##0"
            ch.add_data(Reference(sh.ws, min_col=4, max_col=3 + len(parties), min_row=hdr,
                                  max_row=sum_last), titles_from_data=True)
            ch.set_categories(Reference(sh.ws, min_col=1, min_row=sum_first, max_row=sum_last))
            self._chart_style(ch, 24, 9.5)
            sh.ws.add_chart(ch, f"A{chart_row}")

    # -- Settlement -------------------------------------------------------------------------
    def settlement(self) -> None:
        r, st, y = self.r, self.r.settlement, self.r.year
        sh = Sheet(self.ws["Settlement"], [16, 14, 16, 16, 16, 16, 14, 12, 12, 18])
        self.setup(sh, freeze="A4")
        sh.title(f"Settlement {y}",
                 "The host pays a service's costs and a project's lead its set-up cost; each "
                 "other participant owes the payer its share (§18.1b). Netted to one payment "
                 "per pair.")
        obls = st.obligations
        pairs = sorted({tuple(sorted((o.payer, o.payee))) for o in obls})
        parties = [n.party for n in st.net_positions]
        # layout: obligations, payments, net positions, then project workings
        row = sh.section(4, "Net positions", "Positive: the party is owed money; negative: "
                         "it pays. They sum to zero.")
        net_hdr = row
        net_first = net_hdr + 1
        net_last = net_first + len(parties) - 1
        row = net_last + 3
        row = sh.section(row, "Payments: one net payment per pair of parties")
        pay_hdr = row
        pay_first = pay_hdr + 1
        pay_last = pay_first + len(pairs) - 1
        row = pay_last + 3
        row = sh.section(row, "Obligations before netting")
        ob_hdr = row
        ob_first = ob_hdr + 1
        ob_last = ob_first + len(obls) - 1
        row = ob_last + 3
        # project cost splits (workings)
        proj_pool: dict[str, Pool] = {}
        projects = [p for p in sorted(self.book.projects, key=lambda p: p.project)
                    if (p.start_year or y) == y]
        for pr in projects:
            cost = sum(c.amount for c in self.book.cashflows
                       if c.project == pr.project and c.year_index == 0
                       and c.kind == "one_off_cost")
            if cost == 0:
                continue
            if row == ob_last + 3:
                row = sh.section(row, "Workings: project set-up costs shared between the "
                                 "participants")
            pw = self.r.project_weights[pr.project]
            weights = self._weights_for(pr.service, pw)
            eng = apportion(cost, pw)
            pool = self.pool(sh, row, f"{pr.project}: year-0 set-up cost led by {pr.lead}",
                             self.a[("cf", pr.project, "one_off_cost", "0")], sorted(pw),
                             weights, engine=eng)
            proj_pool[pr.project] = pool
            row = pool.end
        # obligations
        sh.header(ob_hdr, ["Source", "Type", "Owes (payer)", "Is owed (payee)", "Amount (£)"])
        svc_codes = {sp.service for sp in r.services}
        for i, o in enumerate(obls):
            rr = ob_first + i
            sh.text(rr, 1, o.source, bold=True)
            is_svc = o.source in svc_codes and o.source in self.svc_pools
            sh.text(rr, 2, "service" if is_svc else "project")
            sh.text(rr, 3, o.payer)
            sh.text(rr, 4, o.payee)
            opool = self.svc_pools.get(o.source) if is_svc else proj_pool.get(o.source)
            if opool is not None and o.payer in opool.share:
                sh.formula(rr, 5, opool.share[o.payer], MONEY)
            else:
                sh.value(rr, 5, _pounds(o.amount), MONEY)
        if obls:
            sh.grid(ob_first, 1, ob_last, 5)
            tr = ob_last + 1
            sh.text(tr, 1, "Total", bold=True)
            sh.formula(tr, 5, f"SUM(E{ob_first}:E{ob_last})", MONEY)
            sh.total_row(tr, 1, 5)
        else:
            sh.note(ob_first, 1, "No obligations between the parties this year.")
        payer = f"$C${ob_first}:$C${max(ob_last, ob_first)}"
        payee = f"$D${ob_first}:$D${max(ob_last, ob_first)}"
        amt = f"$E${ob_first}:$E${max(ob_last, ob_first)}"
        # payments
        sh.header(pay_hdr, ["Party A", "Party B", "A owes B, net (£)", "From", "To",
                            "Payment (£)"])
        pay = {(p.payer, p.payee): p.amount for p in st.payments}
        for i, (a, b2) in enumerate(pairs):
            rr = pay_first + i
            sh.text(rr, 1, a)
            sh.text(rr, 2, b2)
            sh.formula(rr, 3, f"ROUND(SUMPRODUCT(EXACT({payer},A{rr})*EXACT({payee},B{rr})"
                              f"*{amt})-SUMPRODUCT(EXACT({payer},B{rr})*EXACT({payee},A{rr})"
                              f"*{amt}),2)", MONEY)
            sh.formula(rr, 4, f'IF(C{rr}=0,"no payment",IF(C{rr}>0,A{rr},B{rr}))')
            sh.formula(rr, 5, f'IF(C{rr}=0,"-",IF(C{rr}>0,B{rr},A{rr}))')
            sh.formula(rr, 6, f"ABS(C{rr})", MONEY, bold=True)
            amount = pay.get((a, b2), 0) or pay.get((b2, a), 0)
            self.key(sh, rr, 6, ("payment", a, b2), f"Payment between {a} and {b2}", "money",
                     amount)
            direction = a if (a, b2) in pay else b2 if (b2, a) in pay else "no payment"
            self.key(sh, rr, 4, ("payment_from", a, b2), f"Payer between {a} and {b2}", "text",
                     direction)
        if pairs:
            sh.grid(pay_first, 1, pay_last, 6)
        else:
            sh.note(pay_first, 1, "No payments.")
        # net positions
        sh.header(net_hdr, ["Party", "Is owed (£)", "Owes (£)", "Net position (£)",
                            "Paid by net payments (£)"])
        pf = f"$D${pay_first}:$D${max(pay_last, pay_first)}"
        pt = f"$E${pay_first}:$E${max(pay_last, pay_first)}"
        pa = f"$F${pay_first}:$F${max(pay_last, pay_first)}"
        for i, npn in enumerate(st.net_positions):
            rr = net_first + i
            sh.text(rr, 1, npn.party, bold=True)
            if obls:
                sh.formula(rr, 2, f"ROUND(SUMPRODUCT(EXACT({payee},A{rr})*{amt}),2)", MONEY)
                sh.formula(rr, 3, f"ROUND(SUMPRODUCT(EXACT({payer},A{rr})*{amt}),2)", MONEY)
            else:
                sh.value(rr, 2, 0, MONEY, input_=False)
                sh.value(rr, 3, 0, MONEY, input_=False)
            sh.formula(rr, 4, f"ROUND(B{rr}-C{rr},2)", MONEY, bold=True)
            if pairs:
                sh.formula(rr, 5, f"ROUND(SUMPRODUCT(EXACT({pt},A{rr})*{pa})-SUMPRODUCT("
                                  f"EXACT({pf},A{rr})*{pa}),2)", MONEY)
            else:
                sh.value(rr, 5, 0, MONEY, input_=False)
            self.key(sh, rr, 4, ("net_position", npn.party), f"Net position {npn.party}",
                     "money", npn.amount)
            self.checks.append((f"Settlement: net payments give {npn.party} its net position",
                                f"ROUND({sh.ref(rr, 5)},2)=ROUND({sh.ref(rr, 4)},2)"))
        tr = net_last + 1
        sh.text(tr, 1, "Total", bold=True)
        if parties:
            for c in (2, 3, 4, 5):
                L = get_column_letter(c)
                sh.formula(tr, c, f"ROUND(SUM({L}{net_first}:{L}{net_last}),2)", MONEY)
            sh.grid(net_first, 1, net_last, 5)
            self.checks.append(("Settlement: net positions sum to zero",
                                f"ROUND({sh.ref(tr, 4)},2)=0"))
        sh.total_row(tr, 1, 5)

    def _weights_for(self, service: str | None, pw: Mapping[str, Fraction]
                     ) -> dict[str, tuple[str | None, int]]:
        """Weights for a project split: the service block's cells when they match."""
        if service is not None and service in self.svc_weights:
            sw = self.svc_weights[service]
            if set(sw) == set(pw) and _proportional({p: v for p, (_, v) in sw.items()}, pw):
                return {p: (self.svc_pools[service].weight[p], v) for p, (_, v) in sw.items()}
        if pw and len(set(pw.values())) == 1:
            return {p: (None, 1) for p in pw}
        return {p: (None, v) for p, v in _integer_ratio(pw).items()}

    # -- Investments -------------------------------------------------------------------------
    def investments(self) -> None:
        r = self.r
        sh = Sheet(self.ws["Investments"], [44, 15, 15, 15, 15, 15, 15, 15, 15, 16])
        self.setup(sh, freeze="A4")
        sh.title(f"Investments: five-year appraisal, {r.year}",
                 "Costs uplifted by optimism bias, discounted at the discount rate with year 0 "
                 "undiscounted (HM Treasury Green Book); score per Annex A §5.2.")
        apps = r.investments
        pf = r.portfolio
        n = len(apps)
        parties = [p.party for p in pf.parties]
        row = sh.section(4, "Portfolio")
        sum_hdr = row
        sum_first = sum_hdr + 1
        sum_last = sum_first + n - 1
        row = sum_last + 3
        party_hdr = row + 1
        p_first = party_hdr + 1
        p_last = p_first + len(parties) - 1
        chart_row = p_last + 3
        row = chart_row + (20 if n else 0)
        res: dict[str, dict[str, str]] = {}
        for a in apps:
            res[a.project], row = self._project(sh, row, a)
        # portfolio splits (workings)
        split_pools: dict[tuple[str, str], Pool] = {}
        if apps and pf.parties:
            row = sh.section(row, "Workings: each project's present values shared between its "
                             "participants (largest remainder)")
            for a in apps:
                pw = r.project_weights[a.project]
                weights = self._weights_for(a.service, pw)
                for what, label in (("pv_costs", "PV of costs"),
                                    ("pv_benefits", "PV of benefits")):
                    eng = {s.party: getattr(s, what) for s in pf.shares
                           if s.project == a.project}
                    pool = self.pool(sh, row, f"{a.project}: {label}", res[a.project][what],
                                     sorted(pw), weights, engine=eng)
                    split_pools[(a.project, what)] = pool
                    row = pool.end
        # summary table
        sh.header(sum_hdr, ["Project", "Lead", "Service", "PV of costs (£)",
                            "PV of benefits (£)", "NPV (£)", "BCR", "IRR", "Score (0-100)"])
        for i, a in enumerate(apps):
            rr = sum_first + i
            sh.text(rr, 1, f"{a.project}: {a.name}", bold=True)
            sh.text(rr, 2, a.lead)
            sh.text(rr, 3, a.service or "")
            for c, k, fmt in ((4, "pv_costs", MONEY), (5, "pv_benefits", MONEY),
                              (6, "npv", MONEY), (7, "bcr", RATIO), (8, "irr", PCT),
                              (9, "score", SCORE)):
                cell = sh.formula(rr, c, res[a.project][k], fmt)
                cell.alignment = Alignment(horizontal="right")
        tr = sum_last + 1
        if n:
            sh.grid(sum_first, 1, sum_last, 9)
            sh.text(tr, 1, "Portfolio", bold=True)
            for c in (4, 5, 6):
                L = get_column_letter(c)
                sh.formula(tr, c, f"ROUND(SUM({L}{sum_first}:{L}{sum_last}),2)", MONEY)
            sh.formula(tr, 7, f'IF(D{tr}=0,"none",E{tr}/D{tr})', RATIO)
            sh.formula(tr, 9, f'IF(D{tr}=0,"none",SUMPRODUCT(I{sum_first}:I{sum_last},'
                              f'D{sum_first}:D{sum_last})/D{tr})', SCORE)
            sh.total_row(tr, 1, 9)
            self.key(sh, tr, 6, ("portfolio", "npv"), "Portfolio NPV", "money", pf.npv)
            self.key(sh, tr, 4, ("portfolio", "pv_costs"), "Portfolio PV of costs", "money",
                     pf.pv_costs)
            self.key(sh, tr, 5, ("portfolio", "pv_benefits"), "Portfolio PV of benefits",
                     "money", pf.pv_benefits)
            self.key(sh, tr, 7, ("portfolio", "bcr"), "Portfolio BCR", "ratio", pf.bcr)
            self.key(sh, tr, 9, ("portfolio", "score"), "Overall partnership score", "ratio",
                     pf.score)
            self.a[("portfolio_npv",)] = sh.ref(tr, 6)
            self.a[("portfolio_score",)] = sh.ref(tr, 9)
            sh.note(tr + 1, 1, "Overall partnership score: the mean of project scores weighted "
                    "by PV of costs.")
        else:
            sh.note(sum_first, 1, "No investment cases in the book.")
        # per-party returns
        sh.header(party_hdr, ["Party", "PV of costs (£)", "PV of benefits (£)", "NPV (£)",
                              "Return per £1"])
        for i, pr_ in enumerate(pf.parties):
            rr = p_first + i
            sh.text(rr, 1, pr_.party, bold=True)
            for c, what in ((2, "pv_costs"), (3, "pv_benefits")):
                cells = [split_pools[(a.project, what)].share[pr_.party] for a in apps
                         if pr_.party in split_pools[(a.project, what)].share]
                sh.formula(rr, c, f"ROUND({'+'.join(cells) or '0'},2)", MONEY)
            sh.formula(rr, 4, f"ROUND(C{rr}-B{rr},2)", MONEY)
            sh.formula(rr, 5, f'IF(B{rr}=0,"none",C{rr}/B{rr})', RATIO)
            self.key(sh, rr, 2, ("party_pv_costs", pr_.party), f"PV costs {pr_.party}", "money",
                     pr_.pv_costs)
            self.key(sh, rr, 3, ("party_pv_benefits", pr_.party), f"PV benefits {pr_.party}",
                     "money", pr_.pv_benefits)
            self.key(sh, rr, 5, ("party_return", pr_.party), f"Return per £1 {pr_.party}",
                     "ratio", pr_.return_per_pound)
        if pf.parties:
            tr2 = p_last + 1
            sh.grid(p_first, 1, p_last, 5)
            sh.text(tr2, 1, "Total", bold=True)
            for c in (2, 3, 4):
                L = get_column_letter(c)
                sh.formula(tr2, c, f"ROUND(SUM({L}{p_first}:{L}{p_last}),2)", MONEY)
            sh.total_row(tr2, 1, 5)
            sh.note(tr2 + 1, 1, "Each project's present values are shared between its "
                    "participants (largest remainder, workings below); a party's NPV is its "
                    "PV of benefits less its PV of costs, so the total can differ by a penny "
                    "from the portfolio NPV, which adds each project's NPV rounded once.")
            self.checks.append(("Portfolio: party shares add up to portfolio PV of costs",
                                f"ROUND({sh.ref(tr2, 2)},2)=ROUND({sh.ref(tr, 4)},2)"))
            self.checks.append(("Portfolio: party shares add up to portfolio PV of benefits",
                                f"ROUND({sh.ref(tr2, 3)},2)=ROUND({sh.ref(tr, 5)},2)"))
        if n:
            ch = BarChart()
            ch.type = "bar"
            ch.title = "Net present value by project"
            ch.y_axis.numFmt = "£#,##0"
            ch.x_axis.tickLblPos = "low"
            ch.gapWidth = 60
            ch.legend = None
            ch.add_data(Reference(sh.ws, min_col=6, min_row=sum_hdr, max_row=sum_last),
                        titles_from_data=True)
            ch.set_categories(Reference(sh.ws, min_col=1, min_row=sum_first, max_row=sum_last))
            self._chart_style(ch, 22, 8.5)
            sh.ws.add_chart(ch, f"A{chart_row}")

    def _project(self, sh: Sheet, row: int, a: Appraisal) -> tuple[dict[str, str], int]:
        L = get_column_letter
        row = sh.section(row, f"{a.project}: {a.name}")
        sh.text(row, 1, f"Lead {a.lead}; service {a.service or 'none'}; "
                f"year 0 is {a.start_year or self.r.year}")
        row += 1
        sh.text(row, 1, "Discount rate")
        sh.formula(row, 2, self.a[("rate", a.project)], _pct_fmt(a.discount_rate))
        sh.text(row, 3, "Optimism bias")
        sh.formula(row, 4, self.a[("ob", a.project)], _pct_fmt(a.optimism_bias))
        rate = f"$B${row}"
        ob = f"$D${row}"
        row += 1
        hdr = row
        sh.header(row, ["£", "Year 0", "Year 1", "Year 2", "Year 3", "Year 4", "Year 5",
                        "Total"])
        yrs = row + 1  # a row of year numbers for the formulas
        sh.text(yrs, 1, "Year number", italic=True, color=GREY)
        for t in range(6):
            sh.value(yrs, 2 + t, t, "0", input_=False)
        R: dict[str, int] = {}
        labels = [
            ("one_off", "One-off costs"), ("recurring", "Recurring costs"),
            ("raw", "Costs before optimism bias"), ("costs", "Costs with optimism bias"),
            ("saving", "Savings"), ("income", "Income"), ("benefits", "Benefits"),
            ("net", "Net flow (benefits - costs)"), ("df", "Discount factor"),
            ("dnet", "Discounted net flow"), ("cum", "Cumulative net flow"),
            ("dcum", "Cumulative discounted net flow"),
            ("neg", "Helper: year with cumulative below 0"),
            ("dneg", "Helper: year with discounted cumulative below 0"),
        ]
        rr = yrs + 1
        for k, lab in labels:
            R[k] = rr
            sh.text(rr, 1, lab, bold=k in ("costs", "benefits", "net"),
                    italic=k in ("neg", "dneg"), color=GREY if k in ("neg", "dneg") else None)
            rr += 1
        for t in range(6):
            c = 2 + t
            col = L(c)
            prev = L(c - 1)
            sh.formula(R["one_off"], c, self.a[("cf", a.project, "one_off_cost", str(t))], MONEY0)
            sh.formula(R["recurring"], c, self.a[("cf", a.project, "recurring_cost", str(t))],
                       MONEY0)
            sh.formula(R["raw"], c, f"{col}{R['one_off']}+{col}{R['recurring']}", MONEY0)
            sh.formula(R["costs"], c, f"{col}{R['raw']}*(1+{ob})", MONEY, bold=True)
            sh.formula(R["saving"], c, self.a[("cf", a.project, "saving", str(t))], MONEY0)
            sh.formula(R["income"], c, self.a[("cf", a.project, "income", str(t))], MONEY0)
            sh.formula(R["benefits"], c, f"{col}{R['saving']}+{col}{R['income']}", MONEY,
                       bold=True)
            sh.formula(R["net"], c, f"{col}{R['benefits']}-{col}{R['costs']}", MONEY, bold=True)
            sh.formula(R["df"], c, f"1/(1+{rate})^{col}${yrs}", "0.0000")
            sh.formula(R["dnet"], c, f"{col}{R['net']}*{col}{R['df']}", MONEY)
            if t == 0:
                sh.formula(R["cum"], c, f"{col}{R['net']}", MONEY)
                sh.formula(R["dcum"], c, f"{col}{R['dnet']}", MONEY)
            else:
                sh.formula(R["cum"], c, f"{prev}{R['cum']}+{col}{R['net']}", MONEY)
                sh.formula(R["dcum"], c, f"{prev}{R['dcum']}+{col}{R['dnet']}", MONEY)
            sh.formula(R["neg"], c, f"IF({col}{R['cum']}<0,{col}${yrs},-1)", "0", color=GREY)
            sh.formula(R["dneg"], c, f"IF({col}{R['dcum']}<0,{col}${yrs},-1)", "0", color=GREY)
        for k in ("one_off", "recurring", "raw", "costs", "saving", "income", "benefits", "net",
                  "dnet"):
            sh.formula(R[k], 8, f"SUM(B{R[k]}:G{R[k]})", MONEY)
        sh.grid(hdr + 1, 1, R["dneg"], 8)
        sh.total_row(R["net"], 1, 8)

        def pv(k: str) -> str:
            return f"(B{R[k]}+NPV({rate},C{R[k]}:G{R[k]}))"

        row = R["dneg"] + 2
        sh.starts.append(row)
        sh.header(row, ["Result", "Value", "How it is worked out"])
        row += 1
        out: dict[str, str] = {}

        def result(key: str, label: str, f: str | None, fmt: str, note: str,
                   kind: str, value: int | float | str | None, text: str | None = None) -> None:
            nonlocal row
            sh.text(row, 1, label, bold=key in ("npv", "score"))
            if f is None:
                sh.text(row, 2, text or "none", align="right")
            else:
                c = sh.formula(row, 2, f, fmt, bold=key in ("npv", "score"))
                c.alignment = Alignment(horizontal="right")
            sh.note(row, 3, note)
            out[key] = sh.ref(row, 2)
            self.key(sh, row, 2, ("project", a.project, key), f"{a.project} {label}", kind,
                     value)
            row += 1

        first = row
        result("pv_costs", "PV of costs", f"ROUND({pv('costs')},2)", MONEY,
               "year 0 + NPV(rate, years 1-5), rounded once to the penny", "money", a.pv_costs)
        result("pv_benefits", "PV of benefits", f"ROUND({pv('benefits')},2)", MONEY,
               "likewise for benefits", "money", a.pv_benefits)
        result("npv", "Net present value", f"ROUND({pv('net')},2)", MONEY,
               "PV(benefits) - PV(costs), from the unrounded present values", "money", a.npv)
        result("bcr", "Benefit-cost ratio", f'IF({pv("costs")}=0,"none",{pv("benefits")}/'
               f'{pv("costs")})', RATIO, "PV(benefits) / PV(costs)", "ratio", a.bcr)
        if a.irr is None:
            why = ("several rates solve it" if len(a.irr_rates) > 1 else "no rate solves it")
            result("irr", "Internal rate of return", None, PCT, f"none: {why}", "ratio", None)
        else:
            result("irr", "Internal rate of return", f"IRR(B{R['net']}:G{R['net']})", "0.00%",
                   "the rate at which NPV is zero", "ratio", a.irr)
        nz = f'COUNTIF(B{R["net"]}:G{R["net"]},"<>0")=0'
        for key, label, cum, neg, flow, v in (
            ("payback_years", "Payback (years)", "cum", "neg", "net", a.payback_years),
            ("discounted_payback_years", "Discounted payback (years)", "dcum", "dneg", "dnet",
             a.discounted_payback_years),
        ):
            last_neg = f"MAX(B{R[neg]}:G{R[neg]})"
            f = (f'IF({nz},"none",IF(G{R[cum]}<0,"never",IF({last_neg}<0,0,{last_neg}+'
                 f'(-INDEX(B{R[cum]}:G{R[cum]},{last_neg}+1))/INDEX(B{R[flow]}:G{R[flow]},'
                 f'{last_neg}+2))))')
            result(key, label, f, YEARS,
                   "last year the cumulative flow is below zero, plus the part of the next "
                   "year needed to recover it", "ratio", v)
        result("switching_value", "Switching value", f'IF({pv("benefits")}=0,"none",'
               f'{pv("net")}/{pv("benefits")})', PCT,
               "fall in benefits that brings NPV to zero, as a share of PV(benefits)", "ratio",
               a.switching_value)
        bcr = out["bcr"].split("!")[1]
        m = f"MATCH({bcr},VfmBcr,1)"
        interp = (f"INDEX(VfmScore,{m})+({bcr}-INDEX(VfmBcr,{m}))*(INDEX(VfmScore,{m}+1)-"
                  f"INDEX(VfmScore,{m}))/(INDEX(VfmBcr,{m}+1)-INDEX(VfmBcr,{m}))")
        result("financial_score", "Financial score (0-100)",
               f'IF({pv("costs")}=0,IF({pv("benefits")}>0,100,0),IF({bcr}<=0,0,'
               f'IF({bcr}>=INDEX(VfmBcr,COLUMNS(VfmBcr)),100,{interp})))', SCORE,
               "BCR through the value-for-money bands on Inputs", "ratio", a.financial_score)
        if ("crit_score", a.project) in self.a:
            sc, wu = self.a[("crit_score", a.project)], self.a[("crit_w", a.project)]
            result("non_financial_score", "Non-financial score (0-100)",
                   f"SUMPRODUCT({sc},{wu})/SUM({wu})*20", SCORE,
                   "weighted mean of the §13.5 criteria scores (0-5) x 20", "ratio",
                   a.non_financial_score)
        else:
            result("non_financial_score", "Non-financial score (0-100)", None, SCORE,
                   "no criteria scored", "ratio", None)
        fin = out["financial_score"].split("!")[1]
        nonfin = out["non_financial_score"].split("!")[1]
        result("score", "Investment score (0-100)",
               f"IF(ISNUMBER({nonfin}),FinancialWeight*{fin}+(1-FinancialWeight)*{nonfin},"
               f"{fin})", SCORE,
               "financial weight x financial + (1 - weight) x non-financial"
               + ("; financial only: no criteria scored" if a.financial_only else ""),
               "ratio", a.score)
        sh.grid(first, 1, row - 1, 2)
        row += 1
        # sensitivity
        sh.starts.append(row)
        sh.header(row, ["Sensitivity case", "Discount rate", "Optimism bias", "NPV (£)"])
        row += 1
        s_first = row
        cases: list[tuple[str, Decimal | None, Decimal | None]] = [
            (f"discount rate {_pct_label(x)}", x, None) for x in RATE_CASES]
        cases += [(f"optimism bias {_pct_label(x)}", None, x) for x in OPTIMISM_BIAS_CASES]
        eng = dict(a.sensitivity)
        for label, rate_case, ob_case in cases:
            sh.text(row, 1, label)
            if rate_case is not None:
                sh.value(row, 2, float(rate_case), _pct_fmt(rate_case))
            else:
                sh.formula(row, 2, rate, _pct_fmt(a.discount_rate))
            if ob_case is not None:
                sh.value(row, 3, float(ob_case), _pct_fmt(ob_case))
            else:
                sh.formula(row, 3, ob, _pct_fmt(a.optimism_bias))
            sh.formula(row, 4, f"ROUND(SUMPRODUCT(($B${R['benefits']}:$G${R['benefits']}-"
                               f"$B${R['raw']}:$G${R['raw']}*(1+C{row}))/(1+B{row})^"
                               f"$B${yrs}:$G${yrs}),2)", MONEY)
            if label in eng:
                self.key(sh, row, 4, ("sensitivity", a.project, label),
                         f"{a.project} NPV at {label}", "money", eng[label])
            row += 1
        sh.grid(s_first, 1, row - 1, 4)
        out["_rate"] = rate
        return out, row + 2

    # -- Monitoring ---------------------------------------------------------------------------
    def monitoring(self) -> None:
        r, mon = self.r, self.r.monitoring
        sh = Sheet(self.ws["Monitoring"], [16, 36, 12, 16, 16, 16, 14, 14, 14, 14])
        self.setup(sh, freeze="A4")
        sh.title(f"Monitoring {r.year}",
                 "Savings delivered against predicted, the quarterly MKIP budget (Annex A "
                 "§5.1) and shared-service performance (Annex A §4.1).")
        inp = self.sh_inputs
        I = quote_sheetname(inp.name)  # noqa: E741
        row = sh.section(4, "Savings: actual against predicted",
                         "RAG: green at the green threshold or more of the prediction, amber at "
                         "the amber threshold or more, red below (thresholds on Inputs).")
        rows = mon.savings.rows
        row = sh.header(row, ["Service", "Year", "Predicted (£)", "Actual (£)", "Variance (£)",
                              "Delivered", "RAG"])
        first = row
        rag_cells: list[str] = []
        for i, x in enumerate(rows):
            ir = self.a[("sav", str(i))]
            sh.formula(row, 1, f"{I}!$A${ir}")
            sh.formula(row, 2, f"{I}!$B${ir}")
            sh.formula(row, 3, f"{I}!$C${ir}", MONEY)
            sh.formula(row, 4, f"{I}!$D${ir}", MONEY)
            self._saving_formulas(sh, row)
            self.key(sh, row, 5, ("saving_variance", x.service or "", x.year or ""),
                     f"Savings variance {x.service}", "money", x.variance)
            self.key(sh, row, 7, ("saving_rag", x.service or "", x.year or ""),
                     f"Savings RAG {x.service}", "text", x.rag)
            row += 1
        last = row - 1
        if rows:
            sh.grid(first, 1, last, 7)
        totals = list(mon.savings.by_year) + [mon.savings.total]
        for t in totals:
            label = f"Partnership total {t.year}" if t.year else "Partnership total, all years"
            if t.year is None and len(mon.savings.by_year) <= 1:
                continue
            sh.text(row, 1, label, bold=True)
            if rows:
                yr_rows = [first + i for i, x in enumerate(rows) if t.year in (None, x.year)]
                a0, a1 = min(yr_rows), max(yr_rows)
                sh.formula(row, 3, f"ROUND(SUM(C{a0}:C{a1}),2)", MONEY)
                sh.formula(row, 4, f"ROUND(SUM(D{a0}:D{a1}),2)", MONEY)
            else:
                sh.value(row, 3, 0, MONEY, input_=False)
                sh.value(row, 4, 0, MONEY, input_=False)
            self._saving_formulas(sh, row)
            sh.total_row(row, 1, 7)
            self.key(sh, row, 5, ("saving_total_variance", t.year or "all"), label, "money",
                     t.variance)
            self.key(sh, row, 7, ("saving_total_rag", t.year or "all"), label + " RAG", "text",
                     t.rag)
            rag_cells.append(f"G{row}")
            row += 1
        if not rows:
            sh.note(row, 1, "No savings figures for the year.")
            row += 1
        self.rag_format(sh, f"G{first}:G{row - 1}")
        sav_first, sav_last = first, last
        chart_row = row + 1
        if rows:
            ch = BarChart()
            ch.type = "col"
            ch.grouping = "clustered"
            ch.title = "Savings predicted and delivered"
            ch.y_axis.numFmt = "£#,##0"
            ch.add_data(Reference(sh.ws, min_col=3, max_col=4, min_row=sav_first - 1,
                                  max_row=sav_last), titles_from_data=True)
            ch.set_categories(Reference(sh.ws, min_col=1, min_row=sav_first, max_row=sav_last))
            self._chart_style(ch, 20, 8)
            sh.ws.add_chart(ch, f"A{chart_row}")
            row = chart_row + 18

        # budget
        row = sh.section(row, "Quarterly budget monitoring",
                         "Variance = forecast outturn - budget (positive: overspend). RAG: "
                         "green on or under budget, amber up to the budget tolerance on "
                         "Inputs, red above.")
        row = sh.header(row, ["Quarter", "Line", "Year", "Budget (£)", "Actual to date (£)",
                              "Forecast outturn (£)", "Variance (£)", "Variance %", "Spent %",
                              "RAG"])
        first = row
        for i, bl in enumerate(mon.budget):
            ir = self.a[("bud", str(i))]
            sh.formula(row, 1, f'"Q"&{I}!$C${ir}')
            sh.formula(row, 2, f"{I}!$B${ir}")
            sh.formula(row, 3, f"{I}!$A${ir}")
            sh.formula(row, 4, f"{I}!$D${ir}", MONEY)
            sh.formula(row, 5, f"{I}!$E${ir}", MONEY)
            sh.formula(row, 6, f"{I}!$F${ir}", MONEY)
            sh.formula(row, 7, f"ROUND(F{row}-D{row},2)", MONEY)
            sh.formula(row, 8, f'IF(D{row}=0,"n/a",G{row}/D{row})', PCT)
            sh.formula(row, 9, f'IF(D{row}=0,"n/a",E{row}/D{row})', PCT)
            sh.formula(row, 10, f'IF(ROUND(G{row}*100,0)<=0,"green",IF(ROUND(G{row}*100,0)<='
                                f'ROUND(BudgetAmber*ABS(ROUND(D{row}*100,0)),6),"amber","red"))')
            self.key(sh, row, 7, ("budget_variance", bl.line, str(bl.quarter)),
                     f"Budget variance {bl.line} Q{bl.quarter}", "money", bl.variance)
            self.key(sh, row, 10, ("budget_rag", bl.line, str(bl.quarter)),
                     f"Budget RAG {bl.line} Q{bl.quarter}", "text", bl.rag)
            row += 1
        if mon.budget:
            sh.grid(first, 1, row - 1, 10)
            self.rag_format(sh, f"J{first}:J{row - 1}")
        else:
            sh.note(row, 1, "No budget monitoring figures for the year.")
            row += 1
        row += 1

        # performance
        perf = mon.performance
        row = sh.section(row, "Performance indicators",
                         "Missed: the actual is worse than target in its direction.")
        row = sh.header(row, ["Service", "Indicator", "Year", "Quarter", "Target", "Actual",
                              "Higher is better", "Missed"])
        ind_first = row
        for i, _ind in enumerate(perf.indicators):
            ir = self.a[("ind", str(i))]
            sh.formula(row, 1, f"{I}!$A${ir}")
            sh.formula(row, 2, f"{I}!$B${ir}")
            sh.formula(row, 3, f"{I}!$C${ir}")
            sh.formula(row, 4, f"{I}!$D${ir}", "0")
            sh.formula(row, 5, f"{I}!$E${ir}", "#,##0.####")
            sh.formula(row, 6, f"{I}!$F${ir}", "#,##0.####")
            sh.formula(row, 7, f"{I}!$G${ir}")
            sh.formula(row, 8, f'IF(IF(G{row}="no",F{row}>E{row},F{row}<E{row}),"missed","met")')
            row += 1
        ind_last = row - 1
        if perf.indicators:
            sh.grid(ind_first, 1, ind_last, 8)
            rule_dxf = DifferentialStyle(font=Font(color="9C0006", bold=True),
                                         fill=PatternFill(bgColor="FFC7CE", fill_type="solid"))
            rule = Rule(type="containsText", operator="containsText", text="missed",
                        dxf=rule_dxf)
            rule.formula = [f'NOT(ISERROR(SEARCH("missed",H{ind_first})))']
            sh.ws.conditional_formatting.add(f"H{ind_first}:H{ind_last}", rule)
        else:
            sh.note(row, 1, "No performance indicators reported.")
            row += 1
        row += 1
        row = sh.section(row, "Service quarters and board flags",
                         "A quarter is missed when more than half its indicators are missed; "
                         "three consecutive missed quarters (across year ends too) are reported "
                         "to the Board (Annex A §4.1, Annex D f).")
        row = sh.header(row, ["Service", "Quarter", "Year", "Quarter number", "Indicators",
                              "Missed", "Quarter missed", "Consecutive missed",
                              "Board flag"])
        first = row
        s_r = f"$A${ind_first}:$A${max(ind_last, ind_first)}"
        y_r = f"$C${ind_first}:$C${max(ind_last, ind_first)}"
        q_r = f"$D${ind_first}:$D${max(ind_last, ind_first)}"
        m_r = f"$H${ind_first}:$H${max(ind_last, ind_first)}"
        for sq in perf.quarters:
            sh.text(row, 1, sq.service, bold=True)
            sh.value(row, 2, sq.quarter, '"Q"0', input_=False)
            sh.text(row, 3, sq.year)
            sh.formula(row, 4, f"VALUE(LEFT(C{row},4))*4+B{row}-1", "0")
            sel = f"EXACT({s_r},A{row})*EXACT({y_r},C{row})*({q_r}=B{row})"
            sh.formula(row, 5, f"SUMPRODUCT({sel})", "0")
            sh.formula(row, 6, f'SUMPRODUCT({sel}*({m_r}="missed"))', "0")
            sh.formula(row, 7, f'IF(2*F{row}>E{row},"missed","met")')
            if row == first:
                sh.formula(row, 8, f'IF(G{row}="missed",1,0)', "0")
            else:
                p = row - 1
                sh.formula(row, 8, f'IF(G{row}="missed",IF(AND(EXACT(A{p},A{row}),D{p}=D{row}-1),'
                                   f'H{p}+1,1),0)', "0")
            sh.formula(row, 9, f'IF(H{row}>=3,"report to Board","no")', bold=True)
            self.key(sh, row, 7, ("quarter_missed", sq.service, sq.year, str(sq.quarter)),
                     f"{sq.service} {sq.year} Q{sq.quarter}", "text",
                     "missed" if sq.missed_quarter else "met")
            row += 1
        if perf.quarters:
            sh.grid(first, 1, row - 1, 9)
            rule_dxf = DifferentialStyle(font=Font(color="9C0006", bold=True),
                                         fill=PatternFill(bgColor="FFC7CE", fill_type="solid"))
            for col in ("G", "I"):
                word = "missed" if col == "G" else "report"
                rule = Rule(type="containsText", operator="containsText", text=word,
                            dxf=rule_dxf)
                rule.formula = [f'NOT(ISERROR(SEARCH("{word}",{col}{first})))']
                sh.ws.conditional_formatting.add(f"{col}{first}:{col}{row - 1}", rule)
        row += 1
        if perf.flags:
            sh.text(row, 1, "Flagged for report to the MKIP Board:", bold=True, color="9C0006")
            row += 1
            for fl in perf.flags:
                sh.text(row, 1, f"{fl.service}: {fl.quarters} consecutive missed quarters, "
                        f"{fl.start[0]} Q{fl.start[1]} to {fl.end[0]} Q{fl.end[1]}",
                        color="9C0006")
                row += 1
        else:
            sh.text(row, 1, "No service is flagged for report to the Board.")
        self.flags_text = [f"{fl.service}: {fl.quarters} missed quarters to {fl.end[0]} "
                           f"Q{fl.end[1]}" for fl in perf.flags]

    def _saving_formulas(self, sh: Sheet, row: int) -> None:
        sh.formula(row, 5, f"ROUND(D{row}-C{row},2)", MONEY)
        sh.formula(row, 6, f'IF(C{row}=0,"n/a",D{row}/C{row})', PCT)
        pred = f"ROUND(C{row}*100,0)"
        act = f"ROUND(D{row}*100,0)"
        sh.formula(row, 7, f'IF({pred}>0,IF({act}>=ROUND(RagGreen*{pred},6),"green",'
                           f'IF({act}>=ROUND(RagAmber*{pred},6),"amber","red")),'
                           f'IF({act}>={pred},"green","red"))')

    # -- Checks ---------------------------------------------------------------------------------
    def checks_sheet(self) -> None:
        sh = Sheet(self.ws["Checks"], [70, 18, 18, 12])
        self.setup(sh, freeze="A4")
        sh.title("Checks", "Every reconciliation is a live formula: TRUE when it holds. Then "
                 "each key figure of this workbook against the calculation engine's own.")
        row = sh.section(4, "Reconciliations")
        row = sh.header(row, ["Check", "Holds"])
        first = row
        for desc, f in self.checks:
            sh.text(row, 1, desc)
            sh.formula(row, 2, f)
            row += 1
        sh.grid(first, 1, row - 1, 2)
        self.bool_format(sh, f"B{first}:B{row - 1}")
        self.check_range = sh.rng(first, 2, row - 1, 2)
        row += 1
        row = sh.section(row, "Agreement with the calculation engine",
                         "Workbook: the live formula. Engine: the figure the calculation engine "
                         "wrote when the report was made. They differ only if inputs were "
                         "edited.")
        row = sh.header(row, ["Figure", "Workbook", "Engine", "Agree"])
        a_first = row
        for k in self.keys:
            sh.text(row, 1, k.label)
            if k.kind == "money":
                assert isinstance(k.value, int)
                sh.formula(row, 2, k.ref, MONEY)
                sh.value(row, 3, _pounds(k.value), MONEY, input_=False)
                sh.formula(row, 4, f"ROUND(B{row},2)=ROUND(C{row},2)")
            elif k.kind == "ratio":
                sh.formula(row, 2, k.ref, "0.0000")
                if k.value is None:
                    sh.text(row, 3, "none", align="right")
                    sh.formula(row, 4, f"NOT(ISNUMBER(B{row}))")
                else:
                    assert isinstance(k.value, float | int)
                    sh.value(row, 3, float(k.value), "0.0000", input_=False)
                    sh.formula(row, 4, f"IF(ISNUMBER(B{row}),ABS(B{row}-C{row})<=1E-9*MAX(1,"
                                       f"ABS(C{row})),FALSE)")
            else:
                sh.formula(row, 2, k.ref)
                sh.text(row, 3, "" if k.value is None else k.value, align="right")
                sh.formula(row, 4, f"EXACT(B{row},C{row})")
            row += 1
        if self.keys:
            sh.grid(a_first, 1, row - 1, 4)
            self.bool_format(sh, f"D{a_first}:D{row - 1}")
        self.agree_range = sh.rng(a_first, 4, max(row - 1, a_first), 4)

    # -- Cover ----------------------------------------------------------------------------------
    def cover(self) -> None:
        r, s, gov = self.r, self.book.settings, self.r.governance
        sh = Sheet(self.ws["Cover"], [34, 92])
        self.setup(sh, freeze=None)
        cast(Any, sh.ws).print_title_rows = None
        sh.text(1, 1, s.name, bold=True, size=18, color=NAVY)
        sh.text(2, 1, f"Board report: year end {r.year}", bold=True, size=14, color=NAVY)
        sh.ws.row_dimensions[1].height = 28
        sh.ws.row_dimensions[2].height = 22
        row = sh.section(4, "About this report")
        gen = self.generated
        facts: list[tuple[str, str]] = [
            ("Partnership", s.name),
            ("Financial year", f"{r.year} (1 April {r.year[:4]} to 31 March "
                               f"{int(r.year[:4]) + 1})"),
            ("Chair", self.party_name(gov.chair)),
            ("Vice-chair", self.party_name(gov.vice_chair)),
            ("Host authority", self.party_name(gov.host)),
            ("Accountable body", self.party_name(gov.accountable_body)),
            ("Generated", gen.strftime("%d %B %Y %H:%M %Z").strip()),
            ("Software", f"mkip-finance {__version__}"),
            ("SHA-256 of the input book", self.book.source_sha256 or "not recorded"),
        ]
        for label, v in facts:
            sh.text(row, 1, label, bold=True)
            sh.text(row, 2, v)
            row += 1
        row += 1
        row = sh.section(row, "Key figures")
        figures: list[tuple[str, str, str]] = [
            ("Contributions received", self.a[("contrib_total",)], MONEY),
            ("Available funds", self.a[("ye", "available")], MONEY),
            ("Uncommitted balance", self.a[("ye", "uncommitted")], MONEY),
            ("Refund to the parties", self.a[("ye", "refund")], MONEY),
            ("Carried over to next year", self.a[("ye", "carry_over")], MONEY),
        ]
        if ("svc_total",) in self.a:
            figures.append(("Shared services net cost", self.a[("svc_total",)], MONEY))
        if ("portfolio_npv",) in self.a:
            figures.append(("Investment portfolio NPV", self.a[("portfolio_npv",)], MONEY))
            figures.append(("Overall partnership investment score",
                            self.a[("portfolio_score",)], SCORE))
        for label, ref, fmt in figures:
            sh.text(row, 1, label)
            c = sh.formula(row, 2, ref, fmt, bold=True)
            c.alignment = Alignment(horizontal="left")
            row += 1
        sh.text(row, 1, "Checks")
        c = sh.formula(row, 2, f'COUNTIF({self.check_range},TRUE)&" of "&ROWS({self.check_range})'
                               f'&" reconciliations hold; "&COUNTIF({self.agree_range},TRUE)&" of "'
                               f'&ROWS({self.agree_range})&" figures agree with the engine"',
                       bold=True)
        row += 1
        if self.flags_text:
            sh.text(row, 1, "Performance flags", bold=True, color="9C0006")
            sh.text(row, 2, "; ".join(self.flags_text), color="9C0006", wrap=True)
            row += 1
        row += 1
        row = sh.section(row, "Warnings")
        if r.warnings:
            for w in r.warnings:
                sh.text(row, 1, "Warning", color="9C5700", bold=True)
                sh.text(row, 2, str(w), wrap=True)
                sh.ws.row_dimensions[row].height = 26
                row += 1
        else:
            sh.text(row, 2, "None")
            row += 1
        row += 1
        row = sh.section(row, "Contents")
        for name in SHEETS[1:]:
            c = sh.text(row, 1, name, color="0563C1")
            c.font = Font(name=FONT, size=10, color="0563C1", underline="single")
            c.hyperlink = Hyperlink(ref=c.coordinate, location=f"{quote_sheetname(name)}!A1",
                                    display=name)
            sh.text(row, 2, SHEET_PURPOSE[name])
            row += 1
        row += 1
        row = sh.section(row, "How to read this workbook")
        for line in (
            "Blue figures on Inputs are copied from the input book; every other figure is a "
            "live formula that can be traced back to them.",
            "Money is in pounds, rounded to the penny half away from zero, once, where the "
            "rule says; splits between parties use the largest-remainder method so that "
            "shares add up to the total exactly.",
            "Largest remainder: each share is floored to the penny and the pennies left go "
            "to the largest remainders; ties go to the larger weight, then to the party code "
            "in alphabetical order.",
            "The Checks sheet shows every reconciliation and compares each key figure with "
            "the calculation engine's own.",
        ):
            sh.text(row, 2, line, wrap=True)
            sh.ws.row_dimensions[row].height = 28
            row += 1
        sh.ws.page_setup.orientation = "portrait"

    # -- all -----------------------------------------------------------------------------------
    def paginate(self) -> None:
        for name in SHEETS[1:]:
            ws = self.ws[name]
            sh = self.sheets.get(name)
            if sh is not None and ws.max_row > 3:
                sh.paginate()

    def build(self) -> tuple[Workbook, list[KeyFigure]]:
        self.svc_pools = {}
        self.svc_weights = {}
        self.flags_text = []
        self.inputs()
        self.contributions()
        self.year_end()
        self.services()
        self.settlement()
        self.investments()
        self.monitoring()
        self.checks_sheet()
        self.cover()
        self.paginate()
        self.wb.active = 0
        self.wb.calculation.fullCalcOnLoad = True
        props = self.wb.properties
        props.title = f"{self.book.settings.name}: board report {self.r.year}"[:250]
        props.creator = f"mkip-finance {__version__}"
        gen = self.generated.astimezone(UTC).replace(tzinfo=None, microsecond=0)
        props.created = gen
        props.modified = gen
        return self.wb, self.keys



def _pct_label(rate: Decimal) -> str:
    return f"{(rate * 100).normalize():f}%"


def _proportional(ints: Mapping[str, int], exact: Mapping[str, Fraction]) -> bool:
    if set(ints) != set(exact):
        return False
    items = list(exact)
    if not items:
        return True
    si = sum(ints.values())
    se = sum(exact.values(), Fraction(0))
    if si == 0 or se == 0:
        return si == 0 and se == 0
    return all(Fraction(ints[p], si) == exact[p] / se for p in items)


def _integer_ratio(weights: Mapping[str, Fraction | int]) -> dict[str, int]:
    """Whole numbers in the same ratio as exact weights (common denominator, then gcd)."""
    fr = {p: Fraction(w) for p, w in weights.items()}
    den = 1
    for v in fr.values():
        den = lcm(den, v.denominator)
    ints = {p: int(v * den) for p, v in fr.items()}
    g = 0
    for n in ints.values():
        g = gcd(g, n)
    return {p: n // g for p, n in ints.items()} if g > 1 else ints


# --------------------------------------------------------------------------- entry points


def generated_time(generated: datetime | None = None) -> datetime:
    """When a report is stamped as generated: ``generated``, else ``SOURCE_DATE_EPOCH``
    (seconds since 1970, the reproducible-builds convention), else now; always aware."""
    if generated is None:
        epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
        generated = (datetime.fromtimestamp(int(epoch), UTC) if epoch.isdigit()
                     else datetime.now(UTC))
    return generated if generated.tzinfo is not None else generated.replace(tzinfo=UTC)


def workbook_bytes(wb: Workbook, when: datetime,
                   streams: dict[str, Rows] | None = None) -> bytes:
    """``wb`` as ``.xlsx`` bytes that depend only on its content and ``when``.

    openpyxl stamps the document properties and every zip entry with the current time;
    here both are ``when``, so the same workbook gives the same bytes (the CLI and the
    app hand out identical files).  ``streams`` fills placeholder rows of long listings
    (see :mod:`finance.xlsx_stream`).
    """
    from openpyxl.writer.excel import ExcelWriter

    naive = when.astimezone(UTC).replace(tzinfo=None, microsecond=0)
    wb.properties.created = naive
    wb.properties.modified = naive
    raw = io.BytesIO()
    # stored, not deflated: the parts are compressed once, below, with their fixed stamp
    archive = zipfile.ZipFile(raw, "w", zipfile.ZIP_STORED, allowZip64=True)
    ExcelWriter(wb, archive).save()  # closes the archive
    stamp = (max(naive.year, 1980), naive.month, naive.day, naive.hour, naive.minute,
             naive.second)
    out = io.BytesIO()
    with zipfile.ZipFile(raw) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED,
                                                      allowZip64=True) as dst:
        for info in src.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=stamp)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = info.external_attr
            if streams and info.filename.startswith("xl/worksheets/sheet"):
                with dst.open(entry, "w", force_zip64=True) as f:
                    inject(src.read(info.filename), streams, f)
            else:
                dst.writestr(entry, src.read(info.filename))
    return out.getvalue()


def report_workbook(result: Result, generated: datetime | None = None
                    ) -> tuple[Workbook, list[KeyFigure]]:
    """The board report as an openpyxl workbook, and where its key figures are."""
    return _Report(result, generated_time(generated)).build()


def build_report(result: Result, generated: datetime | None = None) -> bytes:
    """The Excel board report for ``result`` as ``.xlsx`` bytes, built in memory.

    ``generated`` is the time printed on the cover (default: ``SOURCE_DATE_EPOCH`` if set,
    else now).  The same result and time always give the same bytes.  A large book gets
    the compact, streamed layout of :mod:`finance.report_large`.
    """
    from finance.report_large import is_large, large_report_workbook

    when = generated_time(generated)
    if is_large(result):
        wb, streams = large_report_workbook(result, when)
        return workbook_bytes(wb, when, streams)
    wb, _ = report_workbook(result, when)
    return workbook_bytes(wb, when)
