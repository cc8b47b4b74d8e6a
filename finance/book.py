"""Reading a book from disk: an ``.xlsx`` workbook or a folder of ``NAME.csv`` files
(docs/input-format.md).

This module and :mod:`finance.workbook` (a workbook's sheets) are the only ones that open
input files.  They turn files into :class:`~finance.core.parse.RawTable` values (or, for
large tables, columns already read: :mod:`finance.columnar`) and hand them to the pure
validator.
Cells are kept as typed: CSV cells are text, workbook cells whatever the workbook holds.
Formulas are never evaluated: a workbook is opened with cached values only, and text
starting with ``=``, ``+``, ``-`` or ``@`` in a CSV stays text.
"""

from __future__ import annotations

import csv
import hashlib
import io
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal, overload

from finance.core.ledger import Ledger
from finance.core.model import Book
from finance.core.parse import SCHEMA, RawTable, ReadTable, norm, parse_book
from finance.core.problems import BookError, Problem
from finance.workbook import MAX_ROWS, MAX_UNCOMPRESSED_BYTES, read_xlsx_bytes

__all__ = ["MAX_FILE_BYTES", "MAX_ROWS", "MAX_UNCOMPRESSED_BYTES", "bundled_book_path",
           "csv_table", "load_book", "load_xlsx_bytes", "parse_raw", "read_csv_folder",
           "read_raw", "read_xlsx_bytes", "require_book"]

#: Limits that keep a hostile file from exhausting memory.
MAX_FILE_BYTES = 50 * 1024 * 1024

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
    tables, problems = read_xlsx_bytes(data, path.name, columnar)
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
    tables, problems = read_xlsx_bytes(data, label, columnar=True)
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
