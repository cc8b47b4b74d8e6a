"""Where a book comes from, and the book read from it.

A source is the bundled MKIP example, an uploaded workbook or the blank template
(:class:`Source`: its raw tables, SHA-256 and file-level problems).  An unedited source
is parsed from its original cells (:func:`parse_source`), so its figures, its input
SHA-256 and its report are exactly what the CLI gives; edited tables go through the same
validator (:func:`parse_edited`, :func:`finance.core.parse.parse_book`).  :data:`ICON`
is the app's page icon.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType

from finance.appdata.editing import tables_digest
from finance.book import MAX_FILE_BYTES, bundled_book_path, read_csv_folder
from finance.core.ledger import Ledger
from finance.core.model import Book
from finance.core.parse import SCHEMA, RawTable, ReadTable, norm, parse_book
from finance.core.problems import Problem
from finance.workbook import read_xlsx_both

#: The app's page icon, served from the package (nothing is fetched from the internet).
ICON = str(Path(__file__).resolve().parent.parent / "assets" / "icon.png")

BUNDLED, UPLOAD, TEMPLATE = "bundled", "upload", "template"

SOURCE_LABELS: dict[str, str] = {
    BUNDLED: "MKIP example (bundled)",
    UPLOAD: "Upload a workbook (.xlsx)",
    TEMPLATE: "Blank template",
}


@dataclass(frozen=True)
class Source:
    """Where a book came from, as read: raw tables, SHA-256 and file-level problems.

    Fields:
        kind: :data:`BUNDLED`, :data:`UPLOAD` or :data:`TEMPLATE`.
        label: what the app calls it: the bundled example's name or the file's name.
        tables: the raw tables as read, by sheet or file name.
        sha256: SHA-256 of the workbook (or of the bundled folder's files), hex.
        problems: what was wrong with the file itself (too large, unreadable).
        read: the same tables as the validator is given them, large sheets already read
            by columns (``None``: the raw tables themselves).
    """

    kind: str
    label: str
    tables: Mapping[str, RawTable]
    sha256: str
    problems: tuple[Problem, ...] = ()
    read: Mapping[str, RawTable | ReadTable | Ledger] | None = None

    def __post_init__(self) -> None:
        # shared by every session of the server (cached): read-only, so no session
        # can change another's source in place
        object.__setattr__(self, "tables", MappingProxyType(dict(self.tables)))
        if self.read is not None:
            object.__setattr__(self, "read", MappingProxyType(dict(self.read)))

    @property
    def present(self) -> frozenset[str]:
        return frozenset(norm(k) for k in self.tables)


def source_key(src: Source | None) -> str:
    """A source's key for what is kept per source (its kind and the start of its
    digest; "" for none).

    >>> source_key(None), source_key(Source(UPLOAD, "a.xlsx", {}, "ab" * 32))
    ('', 'upload:abababababababab')
    """
    return "" if src is None else f"{src.kind}:{src.sha256[:16]}"


def bundled_source() -> Source:
    tables, sha, problems = read_csv_folder(bundled_book_path())
    return Source(BUNDLED, "MKIP example (bundled)", tables, sha, tuple(problems))


def workbook_source(data: bytes, name: str, kind: str = UPLOAD) -> Source:
    """An uploaded (or generated) ``.xlsx`` workbook held in memory."""
    sha = hashlib.sha256(data).hexdigest()
    if not data:
        return Source(kind, name, {}, sha, (Problem(
            name, None, None, "is empty (0 bytes): the upload may have failed, or the file "
            "was never saved; upload the workbook again"),))
    if name.lower().endswith((".csv", ".txt")):
        return Source(kind, name, {}, sha, (Problem(
            name, None, None, "is a single CSV file: a book is a workbook (.xlsx) with one "
            "sheet per table; open the blank template, paste each table into its sheet and "
            "upload the workbook"),))
    if len(data) > MAX_FILE_BYTES:
        return Source(kind, name, {}, sha, (Problem(
            name, None, None, f"file is {len(data):,} bytes, over the {MAX_FILE_BYTES:,} byte "
            "limit"),))
    tables, read, problems = read_xlsx_both(data, name)
    return Source(kind, name, tables, sha, tuple(problems), read)


def template_source(template: bytes) -> Source:
    return workbook_source(template, "Blank template", TEMPLATE)


@dataclass(frozen=True)
class Parsed:
    """A book read from a source or from edited frames: the book (``None`` when any
    problem is an error), every problem, and the SHA-256 that identifies the input.

    Fields:
        book: the validated book, ``None`` when any problem is an error.
        problems: every problem, the source's and the validator's, errors and warnings.
        sha256: the source's SHA-256, or the edited tables' digest, hex.
        edited: read from edited frames, not from the source as given.
    """

    book: Book | None
    problems: tuple[Problem, ...]
    sha256: str
    edited: bool

    @property
    def errors(self) -> tuple[Problem, ...]:
        return tuple(p for p in self.problems if p.is_error)

    @property
    def warnings(self) -> tuple[Problem, ...]:
        return tuple(p for p in self.problems if not p.is_error)


def parse_source(src: Source) -> Parsed:
    """The source exactly as the CLI reads it."""
    if any(p.is_error for p in src.problems):
        return Parsed(None, src.problems, src.sha256, False)
    book, problems = parse_book(src.tables if src.read is None else src.read, src.sha256)
    return Parsed(book, src.problems + tuple(problems), src.sha256, False)


def parse_edited(src: Source, tables: Mapping[str, RawTable]) -> Parsed:
    """Edited tables through the same validator; identified by their own digest."""
    sha = tables_digest(tables)
    book, problems = parse_book(tables, sha)
    return Parsed(book, tuple(problems), sha, True)


#: Sheets only the board report has: a workbook with these is a report, not a book.
REPORT_SHEETS = frozenset({"cover", "checks", "contributions", "year_end", "settlement"})


def file_problem(src: Source) -> str:
    """One sentence when an uploaded file could not be read as a workbook at all (empty,
    a CSV file, not a workbook, damaged, an old .xls or password-protected, too large),
    saying what to upload instead; "" otherwise."""
    if src.kind != UPLOAD:
        return ""
    for p in src.problems:
        if p.is_error and p.row is None and p.table == src.label:
            return f"“{src.label}” {p.message}."
    return ""


def what_file(src: Source) -> str:
    """One sentence when an uploaded workbook is plainly not an input book (a board
    report, a workbook with none of the tables, the blank template with nothing in
    it), saying what it is and what to upload instead; "" otherwise."""
    names = {norm(n) for n in src.tables}
    known = names & set(SCHEMA)
    name = src.label
    if names & REPORT_SHEETS and not known & {"settings", "parties", "populations"}:
        return (f"“{name}” is a board report written by this tool, not an input book: "
                "upload the workbook of figures it was made from (sheets settings, parties, "
                "populations, years …), or start from the blank template.")
    if names and not known:
        return (f"“{name}” has none of the input tables (settings, parties, populations, "
                "years …), so it is not an input book: download the blank template to "
                "see the layout, fill it in and upload it.")
    required = ("settings", "parties", "populations", "years")
    if known and all(not src.tables[t].rows for t in src.tables if norm(t) in required):
        return (f"“{name}” has the input tables but no figures in them yet: fill in at "
                "least settings, parties, populations and years, then upload it again.")
    return ""
