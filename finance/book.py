"""Reading a book from disk: an ``.xlsx`` workbook or a folder of ``NAME.csv`` files
(docs/input-format.md).

This is the only module that opens input files.  It turns files into
:class:`~finance.core.parse.RawTable` values and hands them to the pure validator.
Cells are kept as typed: CSV cells are text, workbook cells whatever the workbook holds.
Formulas are never evaluated: a workbook is opened with cached values only, and text
starting with ``=``, ``+``, ``-`` or ``@`` in a CSV stays text.
"""

from __future__ import annotations

import csv
import hashlib
import io
import zipfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal, overload

from finance.core.ledger import Ledger
from finance.core.model import Book
from finance.core.parse import SCHEMA, RawTable, ReadTable, norm, parse_book
from finance.core.problems import BookError, Problem

#: Limits that keep a hostile file from exhausting memory.
MAX_FILE_BYTES = 50 * 1024 * 1024
MAX_UNCOMPRESSED_BYTES = 200 * 1024 * 1024
MAX_ROWS = 1_000_000

ENCODINGS = ("utf-8-sig", "cp1252", "latin-1")

#: A book whose CSV files come to at least this many bytes has its tables read a column
#: at a time (pyarrow); a smaller one is read row by row, which is quicker than importing
#: pyarrow for it.
COLUMNAR_MIN_BYTES = 1024 * 1024


def _decode(data: bytes) -> str:
    for enc in ENCODINGS:
        try:
            return data.decode(enc)
        except UnicodeDecodeError:
            continue
    raise AssertionError("latin-1 decodes every byte")


def csv_table(name: str, data: bytes) -> RawTable:
    """One CSV file's bytes as a raw table (row 1 is the header)."""
    text = _decode(data)
    rows = list(csv.reader(io.StringIO(text, newline="")))
    if not rows:
        return RawTable(name, (), ())
    header = tuple(rows[0])
    body = tuple((i + 2, tuple(r)) for i, r in enumerate(rows[1:]))
    return RawTable(name, header, body)


@overload
def read_csv_folder(folder: Path, columnar: Literal[False] = False
                    ) -> tuple[dict[str, RawTable], str, list[Problem]]: ...


@overload
def read_csv_folder(folder: Path, columnar: bool
                    ) -> tuple[dict[str, RawTable | ReadTable | Ledger], str, list[Problem]]: ...


def read_csv_folder(folder: Path, columnar: bool = False
                    ) -> tuple[dict[str, Any], str, list[Problem]]:
    """A folder's CSV files as raw tables.

    With ``columnar``, when the folder's CSV files come to at least
    ``COLUMNAR_MIN_BYTES``, each well-formed table comes back already read into columns
    (the ledger by :func:`finance.columnar.read_ledger_csv`, any other table by
    :func:`finance.columnar.read_table_csv`: the same values in a fraction of the time);
    a table with anything unusual in it is read row by row, which reports each problem.
    """
    tables: dict[str, RawTable | ReadTable | Ledger] = {}
    problems: list[Problem] = []
    digest = hashlib.sha256()
    files = sorted(p for p in folder.iterdir() if p.is_file() and p.suffix.lower() == ".csv")
    if not files:
        problems.append(Problem(folder.name, None, None, "folder holds no .csv tables"))
    sizes = {f: f.stat().st_size for f in files}
    columnar = columnar and sum(sizes.values()) >= COLUMNAR_MIN_BYTES
    for f in files:
        size = sizes[f]
        if size > MAX_FILE_BYTES:
            problems.append(Problem(f.stem, None, None,
                                    f"file is {size:,} bytes, over the {MAX_FILE_BYTES:,} "
                                    "byte limit"))
            continue
        data = f.read_bytes()
        digest.update(f.name.encode() + b"\0" + data + b"\0")
        if columnar and norm(f.stem) in SCHEMA:
            from finance.columnar import read_ledger_csv, read_table_csv

            utf8 = data.removeprefix(b"\xef\xbb\xbf")
            read = (read_ledger_csv(utf8, MAX_ROWS) if norm(f.stem) == "ledger"
                    else read_table_csv(f.stem, utf8, MAX_ROWS))
            if read is not None:
                tables[f.stem] = read
                continue
        t = csv_table(f.stem, data)
        if len(t.rows) > MAX_ROWS:
            problems.append(Problem(f.stem, None, None,
                                    f"has {len(t.rows):,} rows, over the {MAX_ROWS:,} limit"))
            continue
        if len(t.columns) == 1 and ";" in (t.columns[0] or ""):
            problems.append(Problem(f.stem, 1, None,
                                    "columns are separated by ';' — save the file as CSV "
                                    "with commas"))
            continue
        tables[f.stem] = t
    return tables, digest.hexdigest(), problems


def read_xlsx_bytes(data: bytes, label: str = "workbook") -> tuple[dict[str, RawTable],
                                                                  list[Problem]]:
    """A workbook's sheets as raw tables (header in the first non-blank row)."""
    import openpyxl  # heavy: imported only when a workbook is read

    problems: list[Problem] = []
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        return {}, [Problem(label, None, None,
                            "is an old .xls workbook or a password-protected one; save it as "
                            ".xlsx without a password")]
    if not zipfile.is_zipfile(io.BytesIO(data)):
        return {}, [Problem(label, None, None, "is not an Excel .xlsx workbook")]
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            total = sum(i.file_size for i in z.infolist())
    except zipfile.BadZipFile:
        return {}, [Problem(label, None, None, "is not an Excel .xlsx workbook (damaged)")]
    if total > MAX_UNCOMPRESSED_BYTES:
        return {}, [Problem(label, None, None,
                            f"unpacks to {total:,} bytes, over the {MAX_UNCOMPRESSED_BYTES:,} "
                            "byte limit")]
    try:
        wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        formulas = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception as exc:  # openpyxl raises many types for damaged files
        return {}, [Problem(label, None, None, f"could not be opened as a workbook ({exc})")]
    tables: dict[str, RawTable] = {}
    try:
        for ws, fs in zip(wb.worksheets, formulas.worksheets, strict=True):
            header: tuple[object, ...] | None = None
            body: list[tuple[int, tuple[object, ...]]] = []
            for i, (r, f) in enumerate(zip(ws.iter_rows(values_only=True),
                                           fs.iter_rows(values_only=True), strict=False),
                                       start=1):
                if header is None:
                    if any(v is not None and str(v).strip() for v in r):
                        header = tuple("" if v is None else str(v) for v in r)
                    continue
                for j, (v, fv) in enumerate(zip(r, f, strict=False)):
                    if v is None and isinstance(fv, str) and fv.startswith("="):
                        col = header[j] if j < len(header) else f"column {j + 1}"
                        problems.append(Problem(
                            ws.title, i, str(col),
                            f"holds the formula {fv} with no saved value: open and save "
                            "the workbook in a spreadsheet program, or type the value"))
                body.append((i, tuple(r)))
                if len(body) > MAX_ROWS:
                    problems.append(Problem(ws.title, None, None,
                                            f"has over {MAX_ROWS:,} rows"))
                    break
            if header is not None:
                tables[ws.title] = RawTable(ws.title, tuple(str(h) for h in header),
                                            tuple(body))
    except Exception as exc:  # damage found while reading sheets lazily (bad XML, zlib)
        return {}, [Problem(label, None, None,
                            f"could not be read: the workbook is damaged ({type(exc).__name__})")]
    finally:
        wb.close()
        formulas.close()
    if not tables and not problems:
        problems.append(Problem(label, None, None, "workbook is empty: no sheet has a header row"))
    return tables, problems


def read_raw(path: Path, columnar: bool = False
             ) -> tuple[Mapping[str, RawTable | ReadTable | Ledger], str, list[Problem]]:
    """Raw tables, SHA-256 of the input and file-level problems for a book path."""
    if path.is_dir():
        return read_csv_folder(path, columnar)
    if not path.exists():
        return {}, "", [Problem(path.name, None, None, "does not exist")]
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        return {}, "", [Problem(path.name, None, None,
                                f"file is {size:,} bytes, over the {MAX_FILE_BYTES:,} limit")]
    data = path.read_bytes()
    sha = hashlib.sha256(data).hexdigest()
    if path.suffix.lower() == ".csv":
        return {}, sha, [Problem(path.name, None, None,
                                 "a book is a folder of CSV files or an .xlsx workbook, "
                                 "not a single CSV file")]
    tables, problems = read_xlsx_bytes(data, path.name)
    return tables, sha, problems


def parse_raw(tables: Mapping[str, RawTable | ReadTable | Ledger], sha: str,
              problems: list[Problem]) -> tuple[Book | None, list[Problem]]:
    if any(p.is_error for p in problems):
        return None, problems
    book, more = parse_book(tables, sha)
    return book, problems + more


def load_book(path: Path | str) -> tuple[Book | None, list[Problem]]:
    """Read and validate a book; ``(book or None, every problem)``."""
    tables, sha, problems = read_raw(Path(path), columnar=True)
    return parse_raw(tables, sha, problems)


def load_xlsx_bytes(data: bytes, label: str = "workbook") -> tuple[Book | None, list[Problem]]:
    """Validate an uploaded workbook held in memory (the app's upload)."""
    tables, problems = read_xlsx_bytes(data, label)
    return parse_raw(tables, hashlib.sha256(data).hexdigest(), problems)


def require_book(path: Path | str) -> Book:
    book, problems = load_book(path)
    if book is None:
        raise BookError([p for p in problems if p.is_error])
    return book


def bundled_book_path() -> Path:
    """The bundled MKIP example book (``data/mkip``)."""
    here = Path(__file__).resolve().parent
    for cand in (here.parent / "data" / "mkip", here / "data" / "mkip"):
        if cand.is_dir():
            return cand
    raise FileNotFoundError("bundled example data/mkip not found")
