"""Reading an ``.xlsx`` workbook's sheets as raw tables (docs/input-format.md).

Cell values are read by calamine (``python-calamine``, a Rust reader): every cell of a
workbook of a hundred thousand ledger lines in well under a second, where openpyxl takes
seconds.  Each cell is handed on as openpyxl would give it, so the validator reads the
same book either way:

* a number is an ``int`` when it is whole (``142800``), else a ``float``;
* a date is a ``datetime`` at midnight, a time a ``time``;
* a blank cell (or an empty text) is ``None``; ``True``/``False`` stay booleans.

calamine shows a formula's saved value but cannot tell a formula with *no* saved value
from a blank cell, and reads an error value (``#DIV/0!``) as blank.  So a sheet whose XML
holds any formula or error value is read by openpyxl instead, which names each formula
left without a value (a problem located by sheet, row and column).  Percentages need no
number format: ``35%`` is stored as ``0.35``, which the percentage reader takes as 35%.

The refusals stay in front of either reader: an old ``.xls`` or a password-protected
workbook, a file that is not a zip or is damaged, a zip that unpacks past the limit
(a zip bomb), and an empty workbook.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable, Iterator
from datetime import date, datetime
from typing import Any, Literal, overload
from xml.etree import ElementTree

from finance.core.ledger import Ledger
from finance.core.parse import SCHEMA, RawTable, ReadTable, norm
from finance.core.problems import Problem

#: Limits that keep a hostile file from exhausting memory.
MAX_UNCOMPRESSED_BYTES = 200 * 1024 * 1024
MAX_ROWS = 1_000_000
#: A sheet of at least this many rows is read by columns when the caller asks for it.
COLUMNAR_MIN_ROWS = 1000

_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # an old .xls, or an encrypted workbook
#: What marks a formula (``<f>``, with or without a namespace prefix) or an error value
#: (``t="e"``) in a sheet's XML; plain searches, as a regular expression over megabytes
#: of XML costs more than reading the sheet.  (A false alarm only costs time: the sheet
#: is read by openpyxl.)
_NEEDS_OPENPYXL = (b"<f>", b"<f ", b"<f/", b":f>", b":f ", b":f/", b't="e"', b"t='e'")
_NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
       "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
       "p": "http://schemas.openxmlformats.org/package/2006/relationships"}


@overload
def read_xlsx_bytes(data: bytes, label: str = "workbook", columnar: Literal[False] = False
                    ) -> tuple[dict[str, RawTable], list[Problem]]: ...


@overload
def read_xlsx_bytes(data: bytes, label: str, columnar: bool
                    ) -> tuple[dict[str, RawTable | ReadTable | Ledger], list[Problem]]: ...


def read_xlsx_bytes(data: bytes, label: str = "workbook", columnar: bool = False
                    ) -> tuple[dict[str, Any], list[Problem]]:
    """A workbook's sheets as raw tables (header in the first non-blank row), and the
    problems of the file itself, each located by sheet, row and column where it has one.

    With ``columnar``, a sheet of a table the tool knows, of at least
    :data:`COLUMNAR_MIN_ROWS` rows, comes back already read into columns when every cell
    in it reads cleanly (:func:`finance.columnar.read_table_cells`, the ledger by
    :func:`~finance.columnar.read_ledger_cells`): the same values in a fraction of the
    time.  A sheet with anything unusual in it is read row by row, which locates each
    problem.

    >>> read_xlsx_bytes(b"name,code", "book.xlsx")[1][0].message
    'is not an Excel .xlsx workbook'
    """
    _, tables, problems = _read(data, label, columnar, raw_too=False)
    return tables, problems


def read_xlsx_both(data: bytes, label: str = "workbook"
                   ) -> tuple[dict[str, RawTable], dict[str, RawTable | ReadTable | Ledger],
                              list[Problem]]:
    """The workbook's sheets as raw tables (for a person to see and edit), as
    :func:`read_xlsx_bytes` reads them by columns (for the validator: the same book,
    sooner), and the file's problems; each sheet is read from the file once."""
    return _read(data, label, columnar=True, raw_too=True)


def _read(data: bytes, label: str, columnar: bool, raw_too: bool
          ) -> tuple[dict[str, RawTable], dict[str, RawTable | ReadTable | Ledger],
                     list[Problem]]:
    refused = _refusal(data, label)
    if refused is not None:
        return {}, {}, [refused]
    raw: dict[str, RawTable] = {}
    tables: dict[str, RawTable | ReadTable | Ledger] = {}
    problems: list[Problem] = []
    try:
        for name, rows, read, more in _read_sheets(data, columnar):
            problems += more
            table = _table(name, rows, problems) if read is None or raw_too else None
            if table is not None and raw_too:
                raw[name] = table
            chosen: RawTable | ReadTable | Ledger | None = read if read is not None else table
            if chosen is not None:
                tables[name] = chosen
    except _Unreadable as exc:
        return {}, {}, [Problem(label, None, None, str(exc))]
    except Exception as exc:  # damage found while reading sheets (bad XML, zlib)
        return {}, {}, [Problem(label, None, None, "could not be read: the workbook is "
                                f"damaged ({type(exc).__name__})")]
    if not tables and not problems:
        problems.append(Problem(label, None, None, "workbook is empty: no sheet has a header row"))
    return raw, tables, problems


class _Unreadable(Exception):
    """The workbook cannot be opened at all (the message is the problem's)."""


def _refusal(data: bytes, label: str) -> Problem | None:
    """The problem that stops a file before any reader sees it, or ``None``."""
    if data[:8] == _OLE:
        return Problem(label, None, None,
                       "is an old .xls workbook or a password-protected one; save it as "
                       ".xlsx without a password")
    if not zipfile.is_zipfile(io.BytesIO(data)):
        return Problem(label, None, None, "is not an Excel .xlsx workbook")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            total = sum(i.file_size for i in z.infolist())
    except zipfile.BadZipFile:
        return Problem(label, None, None, "is not an Excel .xlsx workbook (damaged)")
    if total > MAX_UNCOMPRESSED_BYTES:
        return Problem(label, None, None,
                       f"unpacks to {total:,} bytes, over the {MAX_UNCOMPRESSED_BYTES:,} "
                       "byte limit")
    return None


Rows = Iterable[tuple[int, tuple[Any, ...]]]


def _read_sheets(data: bytes, columnar: bool
                 ) -> Iterator[tuple[str, Rows, ReadTable | Ledger | None, list[Problem]]]:
    """Each worksheet's name, its numbered rows of cells (as openpyxl gives them, made
    as they are asked for), its table read by columns (with ``columnar``, when it could
    be) and the problems found reading it, in the workbook's order."""
    from python_calamine import CalamineWorkbook, SheetTypeEnum

    try:
        wb = CalamineWorkbook.from_filelike(io.BytesIO(data))
    except Exception as exc:  # calamine raises its own types for damaged files
        raise _Unreadable(f"could not be opened as a workbook ({exc})") from exc
    marks = _FormulaMarks(data)
    openpyxl_book: Any = None
    try:
        for meta in wb.sheets_metadata:
            if meta.typ != SheetTypeEnum.WorkSheet:
                continue  # a chart sheet holds no table
            sheet = wb.get_sheet_by_name(meta.name)
            if sheet.total_height > MAX_ROWS + 1:
                yield meta.name, (), None, [Problem(meta.name, None, None,
                                                    f"has over {MAX_ROWS:,} rows")]
                continue
            cells = sheet.to_python(skip_empty_area=False)
            if _has_empty_cells(cells, sheet.start) and marks.in_sheet(meta.name):
                if openpyxl_book is None:
                    openpyxl_book = _open_openpyxl(data)
                problems: list[Problem] = []
                rows = list(_openpyxl_rows(openpyxl_book, meta.name, problems))
                yield meta.name, rows, None, problems
                continue
            read = (_by_columns(meta.name, cells)
                    if columnar and len(cells) >= COLUMNAR_MIN_ROWS and norm(meta.name) in SCHEMA
                    else None)
            yield meta.name, _calamine_rows(cells), read, []
    finally:
        wb.close()
        if openpyxl_book is not None:
            for b in openpyxl_book:
                b.close()


def cell(v: Any) -> Any:
    """A calamine cell as openpyxl gives it (see the module docstring)."""
    cls = v.__class__
    if cls is str:
        return v if v else None
    if cls is float:
        return int(v) if v.is_integer() and -2**53 < v < 2**53 else v
    if cls is date:
        return datetime(v.year, v.month, v.day)
    return v


def _by_columns(name: str, cells: list[list[Any]]) -> ReadTable | Ledger | None:
    """A sheet of a known table read by columns, or ``None`` to read it row by row."""
    from finance.columnar import read_ledger_cells, read_table_cells

    h = next((i for i, r in enumerate(cells) if any(not _blank(v) for v in r)), None)
    if h is None:
        return None
    header = tuple("" if v is None else str(v) for v in map(cell, cells[h]))
    body = cells[h + 1:]
    if norm(name) == "ledger":
        return read_ledger_cells(header, body, h + 2, cell)
    return read_table_cells(name, header, body, h + 2, cell)


def _blank(v: Any) -> bool:
    return v is None or (v.__class__ is str and not v.strip())


def _calamine_rows(rows: list[list[Any]]) -> Rows:
    return ((i, tuple(map(cell, r))) for i, r in enumerate(rows, start=1))


def _table(name: str, rows: Rows, problems: list[Problem]) -> RawTable | None:
    """The sheet's table: the first non-blank row is the header, the rest its body."""
    header: tuple[object, ...] | None = None
    body: list[tuple[int, tuple[object, ...]]] = []
    for i, r in rows:
        if header is None:
            if any(v is not None and str(v).strip() for v in r):
                header = tuple("" if v is None else str(v) for v in r)
            continue
        body.append((i, r))
        if len(body) > MAX_ROWS:
            problems.append(Problem(name, None, None, f"has over {MAX_ROWS:,} rows"))
            break
    if header is None:
        return None
    return RawTable(name, tuple(str(h) for h in header), tuple(body))


def _has_empty_cells(cells: list[list[Any]], start: tuple[int, int] | None) -> bool:
    """Whether the sheet's used area has an empty cell: only there can calamine have
    hidden a formula with no saved value or an error value."""
    if start is None:
        return False
    top, left = start
    return any("" in r[left:] for r in cells[top:])


class _FormulaMarks:
    """Which sheets' XML holds a formula or an error value (see the module docstring)."""

    def __init__(self, data: bytes) -> None:
        self._data = data
        self._parts: dict[str, str] | None = None
        self._read = False

    def in_sheet(self, name: str) -> bool:
        """Whether the sheet may hold one (yes, when its XML cannot be found)."""
        try:
            with zipfile.ZipFile(io.BytesIO(self._data)) as z:
                if not self._read:
                    self._parts, self._read = _sheet_parts(z), True
                part = (self._parts or {}).get(name)
                if part is None:
                    return True
                xml = z.read(part)
        except (KeyError, zipfile.BadZipFile, OSError):
            return True
        return any(mark in xml for mark in _NEEDS_OPENPYXL)


def _sheet_parts(z: zipfile.ZipFile) -> dict[str, str] | None:
    """Each sheet's name and the part of the zip holding its XML, or ``None`` when the
    workbook's parts cannot be matched to its sheets."""
    try:
        book = ElementTree.fromstring(z.read("xl/workbook.xml"))
        rels = ElementTree.fromstring(z.read("xl/_rels/workbook.xml.rels"))
    except (KeyError, ElementTree.ParseError):
        return None
    targets = {r.get("Id"): r.get("Target", "") for r in rels.findall("p:Relationship", _NS)}
    names = set(z.namelist())
    parts = {}
    for s in book.iterfind("m:sheets/m:sheet", _NS):
        target = targets.get(s.get(f"{{{_NS['r']}}}id"), "")
        part = target.lstrip("/") if target.startswith("/") else "xl/" + target
        if part in names:
            parts[s.get("name", "")] = part
    return parts


def _open_openpyxl(data: bytes) -> tuple[Any, Any]:
    """The workbook opened twice by openpyxl: saved values, and formulas."""
    import openpyxl  # heavy: imported only for a sheet that needs it

    try:
        return (openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True),
                openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False))
    except Exception as exc:  # openpyxl raises many types for damaged files
        raise _Unreadable(f"could not be opened as a workbook ({exc})") from exc


def _openpyxl_rows(book: tuple[Any, Any], name: str, problems: list[Problem]) -> Rows:
    """A sheet's rows of saved values, each formula without a saved value a problem."""
    values, formulas = book
    ws, fs = values[name], formulas[name]
    header: tuple[object, ...] | None = None
    for i, (r, f) in enumerate(zip(ws.iter_rows(values_only=True),
                                   fs.iter_rows(values_only=True), strict=False), start=1):
        if header is None and any(v is not None and str(v).strip() for v in r):
            header = tuple(r)
        elif header is not None:
            for j, (v, fv) in enumerate(zip(r, f, strict=False)):
                if v is None and isinstance(fv, str) and fv.startswith("="):
                    col = header[j] if j < len(header) and header[j] is not None \
                        else f"column {j + 1}"
                    problems.append(Problem(
                        name, i, str(col),
                        f"holds the formula {fv} with no saved value: open and save "
                        "the workbook in a spreadsheet program, or type the value"))
        yield i, tuple(r)
