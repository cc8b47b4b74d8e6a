"""Fast rows for very long sheets: cell XML written straight into a workbook's sheet part.

openpyxl spends about ten microseconds on every cell it writes, which is too slow for a
listing of a hundred thousand ledger lines.  For such listings the report writes the
sheet with openpyxl as usual (title, column widths, frozen header, print set-up) and
ends it with one placeholder row; :func:`inject` then replaces that row, in the saved
package, with rows rendered here as plain SpreadsheetML.  Styles are the workbook's own:
their indices come from openpyxl (``cell.style_id``), so fonts, number formats and
borders are exactly those of the rest of the report.

Text is always written as an inline string (never a formula, whatever it starts with);
formulas carry their cached value so a reader that does not recalculate still sees it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import IO

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.utils import get_column_letter

SENTINEL = "@@mkip-stream-{}@@"
_EPOCH = date(1899, 12, 30)
_ESC = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;"})


@dataclass(frozen=True)
class Text:
    value: str
    style: int


@dataclass(frozen=True)
class Num:
    value: float | int | None
    style: int


@dataclass(frozen=True)
class Formula:
    formula: str  # without the leading "="
    cached: float | int | str | None
    style: int


@dataclass(frozen=True)
class Day:
    value: date
    style: int


Cell = Text | Num | Formula | Day | None


def _text(s: str) -> str:
    s = ILLEGAL_CHARACTERS_RE.sub("", s)[:32767].translate(_ESC)
    space = ' xml:space="preserve"' if s != s.strip() else ""
    return f"<is><t{space}>{s}</t></is>"


def _num(v: float | int) -> str:
    return repr(float(v)) if isinstance(v, float) else str(v)


def render_row(r: int, cells: Iterable[Cell]) -> str:
    """One ``<row>`` element of SpreadsheetML for row ``r`` (1-based)."""
    out = [f'<row r="{r}">']
    for i, c in enumerate(cells, start=1):
        if c is None:
            continue
        ref = f"{get_column_letter(i)}{r}"
        if isinstance(c, Text):
            out.append(f'<c r="{ref}" s="{c.style}" t="inlineStr">{_text(c.value)}</c>')
        elif isinstance(c, Num):
            if c.value is None:
                out.append(f'<c r="{ref}" s="{c.style}"/>')
            else:
                out.append(f'<c r="{ref}" s="{c.style}" t="n"><v>{_num(c.value)}</v></c>')
        elif isinstance(c, Day):
            serial = (c.value - _EPOCH).days
            out.append(f'<c r="{ref}" s="{c.style}" t="n"><v>{serial}</v></c>')
        else:
            f = c.formula.translate(_ESC)
            if c.cached is None:
                out.append(f'<c r="{ref}" s="{c.style}"><f>{f}</f></c>')
            elif isinstance(c.cached, str):
                out.append(f'<c r="{ref}" s="{c.style}" t="str"><f>{f}</f>'
                           f"<v>{c.cached.translate(_ESC)}</v></c>")
            else:
                out.append(f'<c r="{ref}" s="{c.style}"><f>{f}</f>'
                           f"<v>{_num(c.cached)}</v></c>")
    out.append("</row>")
    return "".join(out)


Rows = Callable[[int], Iterator[str]]  # first row number -> rendered rows


def inject(xml: bytes, streams: dict[str, Rows], dst: IO[bytes]) -> bool:
    """Write ``xml`` (a sheet part) to ``dst`` with any placeholder row replaced by its
    stream's rows; returns whether a placeholder was found."""
    for key, rows in streams.items():
        marker = SENTINEL.format(key).encode()
        at = xml.find(marker)
        if at < 0:
            continue
        start = xml.rfind(b"<row ", 0, at)
        end = xml.find(b"</row>", at) + len(b"</row>")
        m = re.match(rb'<row r="(\d+)"', xml[start:start + 32])
        if start < 0 or end < len(b"</row>") or m is None:
            raise ValueError(f"placeholder row for {key} is malformed")
        dst.write(xml[:start])
        chunk: list[str] = []
        for i, row in enumerate(rows(int(m.group(1)))):
            chunk.append(row)
            if i % 5000 == 4999:
                dst.write("".join(chunk).encode("utf-8"))
                chunk = []
        dst.write("".join(chunk).encode("utf-8"))
        dst.write(xml[end:])
        return True
    dst.write(xml)
    return False


__all__ = ["SENTINEL", "Day", "Formula", "Num", "Text", "inject", "render_row"]
