"""The workbook writer shared by the board report and the input template (XlsxWriter).

Everything here is about how a workbook is *written*: the house style (fonts, colours,
number formats), cell formats made once per workbook, text that always stays text, page
set-up for A4 printing, defined names, and workbook bytes that are the same from one
run to the next.  It imports nothing from the report, so the template can use it alone.

Reproducible bytes: XlsxWriter stamps every zip entry with a fixed 1980 time; the
document's created and modified times are set from the caller's ``when`` (the report's
generated time, the template's fixed stamp), so the same content and time always give
the same bytes.
"""

from __future__ import annotations

import io
import re
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

import xlsxwriter
from xlsxwriter.format import Format
from xlsxwriter.utility import quote_sheetname, xl_col_to_name
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

__all__ = [
    "BOOL",
    "DATE",
    "FONT",
    "GREY",
    "HEAD",
    "INPUT_BLUE",
    "MONEY",
    "MONEY0",
    "NAVY",
    "PCT",
    "PENCE",
    "WHOLE",
    "Formats",
    "MemoryBook",
    "Sheet",
    "absolute",
    "cell_name",
    "clean_text",
    "col_name",
    "hf_text",
    "pounds",
    "set_page",
    "write_text",
]

# --------------------------------------------------------------------------- house style

FONT = "Arial"
MONEY = "£#,##0.00;(£#,##0.00)"
MONEY0 = "£#,##0;(£#,##0)"
PENCE = "#,##0;(#,##0)"
WHOLE = "#,##0"
PCT = "0.0%"
DATE = "dd/mm/yyyy"
NAVY = "1F3864"
HEAD = "1F4E79"
INPUT_BLUE = "0033CC"  # figures copied from the book
GREY = "7F7F7F"
#: Number format of every TRUE/FALSE cell (a check, a formula that compares).  LibreOffice
#: does not take the TRUE/FALSE value stored with a formula, nor a TRUE/FALSE constant: it
#: works the cell out again when the cell is first shown and, if its number format is
#: General, gives the cell a boolean format then.  With LibreOffice's default of not
#: recalculating on load, that happens while a page is drawn, and LibreOffice 7.4 aborts
#: drawing a page where such a General TRUE/FALSE cell has a conditional format (as in a
#: conversion to PDF).  A cell that already has this format is left as it is: LibreOffice
#: shows TRUE and FALSE with it, and Excel ignores number formats on TRUE and FALSE.
BOOL = '"TRUE";"TRUE";"FALSE"'

#: Characters an XML worksheet cannot hold (control characters other than tab, LF, CR).
_ILLEGAL = re.compile(r"[\000-\010]|[\013-\014]|[\016-\037]")

_BORDER_STYLES = {"thin": 1, "medium": 2, "double": 6}


def clean_text(value: object) -> str:
    """``value`` as worksheet text: control characters dropped, at most 32,767 long."""
    s = "" if value is None else str(value)
    if not s.isprintable():  # rare: only then look for characters to drop
        s = _ILLEGAL.sub("", s)
    return s[:32767]


def hf_text(s: str) -> str:
    """Text for a page header or footer, where ``&`` starts a control code."""
    return _ILLEGAL.sub("", s).replace("&", "&&")[:100]


def pounds(pence: int) -> float:
    """Whole pence as a pounds cell number: the float of the exact 2-decimal value, so it
    reads back as the same figure (``810435`` gives ``8104.35``, never 8104.35000000001).
    """
    sign = "-" if pence < 0 else ""
    p = abs(pence)
    return float(f"{sign}{p // 100}.{p % 100:02d}")


def col_name(col: int) -> str:
    """Column letter of a 1-based column number."""
    return str(xl_col_to_name(col - 1))


def cell_name(row: int, col: int, absolute_: bool = False) -> str:
    """A1 reference of a 1-based row and column."""
    c = col_name(col)
    return f"${c}${row}" if absolute_ else f"{c}{row}"


def absolute(sheet: str, row: int, col: int) -> str:
    """``'Sheet name'!$C$4`` for a 1-based row and column."""
    return f"{quote_sheetname(sheet)}!{cell_name(row, col, True)}"


# --------------------------------------------------------------------------- formats


def _props(style: Mapping[str, Any]) -> dict[str, Any]:
    """XlsxWriter format properties for a style given as the report's keys."""
    out: dict[str, Any] = {"font_name": FONT, "font_size": style.get("size", 10)}
    if style.get("bold"):
        out["bold"] = True
    if style.get("italic"):
        out["italic"] = True
    if style.get("underline"):
        out["underline"] = 1
    if style.get("color"):
        out["font_color"] = "#" + str(style["color"])
    if style.get("fmt"):
        out["num_format"] = style["fmt"]
    if style.get("fill"):
        out["pattern"] = 1
        out["bg_color"] = "#" + str(style["fill"])
    if style.get("wrap"):
        out["text_wrap"] = True
    if style.get("align"):
        out["align"] = style["align"]
    if style.get("valign"):
        out["valign"] = style["valign"]
    for side in ("top", "bottom", "left", "right"):
        b = style.get(side)
        if b:
            kind, colour = b
            out[side] = _BORDER_STYLES[kind]
            out[f"{side}_color"] = "#" + colour
    return out


class Formats:
    """Cell formats of one workbook, made once per distinct style.

    A style is a mapping of: ``size``, ``bold``, ``italic``, ``underline``, ``color``
    (font colour, hex), ``fmt`` (number format), ``fill`` (hex), ``wrap``, ``align``,
    ``valign`` and borders ``top``/``bottom``/``left``/``right`` as ``(kind, hex)``.
    """

    def __init__(self, wb: Workbook) -> None:
        self.wb = wb
        self._made: dict[tuple[tuple[str, Any], ...], Format] = {}
        self._quick: dict[tuple[tuple[str, Any], ...], Format] = {}

    def get(self, style: Mapping[str, Any] | None = None, **more: Any) -> Format:
        merged = dict(style or {})
        merged.update(more)
        # the same style is usually built in the same order: look that up first
        quick = tuple(merged.items())
        fmt = self._quick.get(quick)
        if fmt is not None:
            return fmt
        key = tuple(sorted((k, v) for k, v in merged.items() if v not in (None, False, "")))
        fmt = self._made.get(key)
        if fmt is None:
            fmt = self._made[key] = self.wb.add_format(_props(dict(key)))
        self._quick[quick] = fmt
        return fmt

    def boolean(self, style: Mapping[str, Any] | None = None) -> Format:
        """The format of a TRUE/FALSE cell in ``style``: the style with :data:`BOOL` as
        its number format (never General: see :data:`BOOL`)."""
        return self.get(style, fmt=BOOL)


def write_text(ws: Worksheet, row: int, col: int, value: object,
               fmt: Format | None = None) -> None:
    """Write ``value`` as text at a 0-based ``row``, ``col``: never a formula, number or
    link, even when it starts with ``=``, ``+``, ``-`` or ``@``."""
    s = clean_text(value)
    if s:
        ws.write_string(row, col, s, fmt)
    else:
        ws.write_blank(row, col, None, fmt)


def set_page(ws: Worksheet, *, landscape: bool = True, header: str = "", footer: str = "",
             repeat: tuple[int, int] | None = None, tall: int = 0) -> None:
    """A4, fitted to the page width, with the report's margins, header and footer.

    ``repeat`` is a 1-based pair of rows printed at the top of every page; ``tall`` (if
    not 0) the number of pages the sheet is also fitted to down the page.
    """
    ws.set_paper(9)
    if landscape:
        ws.set_landscape()
    else:
        ws.set_portrait()
    ws.fit_to_pages(1, tall)
    ws.set_margins(left=0.4, right=0.4, top=0.7, bottom=0.7)
    if header:
        ws.set_header(header, {"margin": 0.3})
    if footer:
        ws.set_footer(footer, {"margin": 0.3})
    if repeat is not None:
        ws.repeat_rows(repeat[0] - 1, repeat[1] - 1)


#: Functions XlsxWriter rewrites with a ``_xlfn.`` prefix (newer Excel functions).
_NEWER = re.compile(r"\b(?:ANCHORARRAY|BYCOL|BYROW|CHOOSECOLS|CHOOSEROWS|DROP|EXPAND|FILTER|"
                    r"HSTACK|LAMBDA|MAKEARRAY|MAP|RANDARRAY|REDUCE|SCAN|SINGLE|SEQUENCE|SORT|"
                    r"SORTBY|SWITCH|TAKE|TEXTSPLIT|TOCOL|TOROW|UNIQUE|VSTACK|WRAPCOLS|WRAPROWS|"
                    r"XLOOKUP)\(")


class Sheet(Worksheet):
    """An XlsxWriter worksheet that skips XlsxWriter's search for newer Excel functions
    (some thirty text substitutions a formula) when a formula uses none of them, which
    is every formula the report writes; the written formulas are the same."""

    def _prepare_formula(self, formula: str, expand_future_functions: bool = False) -> str:
        if (_NEWER.search(formula) or self.use_future_functions or expand_future_functions
                or formula.startswith("{")):
            return str(super()._prepare_formula(formula, expand_future_functions))
        return formula.removeprefix("=")


class MemoryBook:
    """An XlsxWriter workbook whose ``.xlsx`` bytes are built in memory.

    ``constant_memory=True`` writes each sheet's rows in order to a temporary file (the
    compact layout of a large book); otherwise the whole workbook stays in memory.  Text
    is never turned into numbers, formulas or links behind the caller's back.
    """

    def __init__(self, *, constant_memory: bool = False) -> None:
        self.buffer = io.BytesIO()
        options: dict[str, Any] = {"strings_to_numbers": False, "strings_to_formulas": False,
                                   "strings_to_urls": False}
        if constant_memory:
            options["constant_memory"] = True
        else:
            options["in_memory"] = True
        self.wb: Workbook = xlsxwriter.Workbook(self.buffer, options)
        self.formats = Formats(self.wb)

    def add_sheet(self, name: str) -> Worksheet:
        """A new worksheet (see :class:`Sheet`)."""
        return self.wb.add_worksheet(name, worksheet_class=Sheet)

    def define_name(self, name: str, ref: str) -> None:
        """A workbook-level name for a cell or range (``ref`` without ``=``)."""
        self.wb.define_name(name, "=" + ref)

    def finish(self, when: datetime, *, title: str = "", creator: str = "") -> bytes:
        """Close the workbook and return its bytes; created and modified are ``when``."""
        naive = when.astimezone(UTC).replace(tzinfo=None, microsecond=0)
        props: dict[str, Any] = {"created": naive}
        if title:
            props["title"] = title[:250]
        if creator:
            props["author"] = creator
        self.wb.set_properties(props)
        self.wb.close()
        return self.buffer.getvalue()
