"""Data shaping for the web app (``app.py``): no Streamlit here, so all of it is testable.

Three jobs:

* **Sources and editing.**  A book's raw tables (the bundled MKIP example, an uploaded
  workbook, the blank template) become one pandas ``DataFrame`` of text per input table
  for ``st.data_editor``; edited frames go back to :class:`~finance.core.parse.RawTable`
  rows and through the *same* validator as the CLI (:func:`finance.core.parse.parse_book`),
  so a bad edit is reported exactly as a bad file would be.  A frame's index is the row
  number the user sees (the sheet row; header is row 1), so a problem's row matches the
  editor's row label.  An unedited source is parsed from its original cells, so its
  figures, its input SHA-256 and its report are exactly what the CLI gives.
* **Board decisions.**  The sidebar's rate per head, refund share, discount rate and
  financial weight override the book's values for the year being run:
  :func:`apply_decisions` returns a new :class:`~finance.core.model.Book` (the core stays
  pure).  An override equal to the book's value changes nothing.
* **Display.**  A :class:`~finance.core.run.Result` becomes display tables
  (:class:`Table`: a frame plus a format per column), headline figures and altair charts.
  Money is exact integer pence in the core; here it becomes pounds as a float *only for
  display* (two decimals, far inside float precision), or a preformatted string.
"""

from __future__ import annotations

import hashlib
import io
import json
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from finance.book import MAX_FILE_BYTES, bundled_book_path, read_csv_folder, read_xlsx_bytes
from finance.core.chain import Prior
from finance.core.model import Book
from finance.core.money import fmt_gbp, round_pence
from finance.core.parse import SCHEMA, RawTable, norm, parse_book
from finance.core.problems import Problem
from finance.core.run import Result
from finance.core.schema import KINDS
from finance.core.schema import TABLES as SCHEMA_TABLES
from finance.core.schema import column as schema_column
from finance.output import slug
from finance.pipeline import compute, render

if TYPE_CHECKING:
    import altair as alt
    from pandas.io.formats.style import Styler

#: The app's page icon, served from the package (nothing is fetched from the internet).
ICON = str(Path(__file__).resolve().parent / "assets" / "icon.png")

# --------------------------------------------------------------------------- tables

#: Input tables in the order the Data tab shows them, with the label a user reads
#: (from the column registry, :mod:`finance.core.schema`).
TABLE_LABELS: dict[str, str] = {name: t.label for name, t in SCHEMA_TABLES.items()}
TABLES: tuple[str, ...] = tuple(TABLE_LABELS)

#: What each input table holds, shown above its editor.
TABLE_NOTES: dict[str, str] = {name: t.help for name, t in SCHEMA_TABLES.items()}

#: The Data tab's groups of tables (so that no table hides behind an overflowing row of
#: tabs), each table in exactly one.
TABLE_GROUPS: dict[str, tuple[str, ...]] = {
    "Partnership": ("settings", "parties", "populations", "years"),
    "Ledger and budget": ("ledger", "budget_monitor", "savings"),
    "Shared services": ("services", "service_parties", "service_blend", "drivers",
                        "shares_in_force"),
    "Investments": ("projects", "cashflows", "criteria"),
    "Performance": ("performance",),
}
assert sorted(t for ts in TABLE_GROUPS.values() for t in ts) == sorted(TABLES), (
    "every table in one Data tab group")


def columns(table: str) -> tuple[str, ...]:
    """The validator's column names for ``table``, in order."""
    return tuple(c.name for c in SCHEMA[table])


def column_label(table: str, column: str) -> str:
    """The heading an editor shows over an input column (the registry's label).

    >>> column_label("years", "rate_pence"), column_label("ledger", "amount")
    ('Rate per head (p)', 'Amount')
    """
    return schema_column(table, column).label


def column_hint(table: str, column: str) -> str:
    """The help text shown for an input column: what it holds, its form, and whether
    it may be left blank (all from the column registry).

    >>> print(column_hint("years", "refund_share"))  # doctest: +NORMALIZE_WHITESPACE
    Share of the uncommitted balance the board decides to refund, e.g. 50% (§13.2).
    Blank: carry everything over. Form: a percentage, 35% or 0.35. May be left blank.
    """
    col = schema_column(table, column)
    blank = "" if col.required else " May be left blank."
    return f"{col.help} Form: {KINDS[col.kind]}.{blank}"


def choices(table: str, column: str, frame: pd.DataFrame) -> tuple[str, ...] | None:
    """Options for a drop-down column, keeping any value the book already holds.

    Only columns whose words are a closed list get a drop-down (a basis may also be
    ``driver:NAME``, so it stays free text).
    """
    col = schema_column(table, column)
    if not col.choices or not col.strict:
        return None
    opts = col.choices
    held = [v for v in frame[column].dropna().unique() if str(v) not in opts]
    return (*opts, *sorted(str(v) for v in held))


def cell_text(v: object) -> str | None:
    """A raw cell as the text a user would type (``None`` for blank).

    Spreadsheet floats keep the 15 significant digits a spreadsheet shows, so
    ``0.1 + 0.2`` is ``0.3``; whole floats lose ``.0``; midnight datetimes are dates.

    >>> [cell_text(v) for v in (None, " ", 142800.0, 0.1 + 0.2, "30p", True)]
    [None, None, '142800', '0.3', '30p', 'yes']
    >>> cell_text(datetime(2025, 9, 1)), cell_text(Decimal("0.35"))
    ('2025-09-01', '0.35')
    """
    if v is None or (isinstance(v, float) and v != v) or v is pd.NA:
        return None
    if isinstance(v, bool):
        return "yes" if v else "no"
    if isinstance(v, datetime):
        return v.date().isoformat() if v.time() == datetime.min.time() else v.isoformat()
    if isinstance(v, date):
        return v.isoformat()
    if isinstance(v, float):
        return str(int(v)) if v.is_integer() else format(v, ".15g")
    s = str(v)
    return s if s.strip() else None


def empty_frame(table: str) -> pd.DataFrame:
    cols = columns(table)
    return pd.DataFrame({c: pd.Series([], dtype="string") for c in cols},
                        index=pd.Index([], dtype="int64", name="row"))


def table_frame(table: str, raw: RawTable | None) -> pd.DataFrame:
    """One input table as an editable frame of text: the validator's columns (matched as
    the validator matches them; others dropped), indexed by the sheet row number."""
    if raw is None:
        return empty_frame(table)
    index: dict[str, int] = {}
    for i, c in enumerate(raw.columns):
        n = norm(c)
        if n and n not in index:
            index[n] = i
    cols = columns(table)
    data: dict[str, list[str | None]] = {c: [] for c in cols}
    rows: list[int] = []
    for rownum, values in raw.rows:
        texts = [cell_text(v) for v in values]
        if all(t is None for t in texts):
            continue  # blank rows are not data (the validator skips them too)
        rows.append(rownum)
        for c in cols:
            pos = index.get(c)
            data[c].append(texts[pos] if pos is not None and pos < len(texts) else None)
    idx = pd.Index(rows, dtype="int64", name="row")
    return pd.DataFrame({c: pd.Series(v, dtype="string", index=idx) for c, v in data.items()},
                        index=idx)


def frames_from_tables(tables: Mapping[str, RawTable]) -> dict[str, pd.DataFrame]:
    """Every input table as an editable frame (an absent table is an empty frame)."""
    by_name = {norm(k): v for k, v in tables.items()}
    return {t: table_frame(t, by_name.get(t)) for t in TABLES}


def _blank(v: object) -> bool:
    return v is None or v is pd.NA or (isinstance(v, float) and v != v) or (
        isinstance(v, str) and not v.strip())


def tables_from_frames(frames: Mapping[str, pd.DataFrame],
                       present: Iterable[str] = ()) -> dict[str, RawTable]:
    """Edited frames back to raw tables for the validator.

    A table is passed on when it has rows or was in the source (``present``), so a
    required table that is still empty is reported missing, not silently blank.  Row
    numbers are the frame's index (new rows get the next number); a row whose index is
    not a number is numbered by position.
    """
    keep = set(present)
    out: dict[str, RawTable] = {}
    for t in TABLES:
        df = frames.get(t)
        if df is None or (df.empty and t not in keep):
            continue
        cols = tuple(str(c) for c in df.columns)
        rows = []
        for pos, (idx, values) in enumerate(zip(df.index, df.itertuples(index=False),
                                                strict=True)):
            try:
                rownum = int(idx)
            except (TypeError, ValueError):
                rownum = pos + 2
            rows.append((rownum, tuple(None if _blank(v) else str(v) for v in values)))
        out[t] = RawTable(t, cols, tuple(rows))
    return out


def _cells(df: pd.DataFrame) -> dict[int, dict[str, str | None]]:
    out: dict[int, dict[str, str | None]] = {}
    for pos, (idx, values) in enumerate(zip(df.index, df.itertuples(index=False),
                                            strict=True)):
        try:
            rownum = int(idx)
        except (TypeError, ValueError):
            rownum = 10**6 + pos  # a new row, numbered after the others
        out[rownum] = {str(c): None if _blank(v) else str(v)
                       for c, v in zip(df.columns, values, strict=True)}
    return out


def changes_against(base: Mapping[str, pd.DataFrame], edited: Mapping[str, pd.DataFrame]
                    ) -> list[str]:
    """Every edit against the source, a sentence each, table by table in book order:
    a changed cell (old and new value), an added row, a deleted row.

    >>> b = {"years": pd.DataFrame({"rate_pence": ["30"]}, index=pd.Index([2]))}
    >>> e = {"years": pd.DataFrame({"rate_pence": ["35", "31"]}, index=pd.Index([2, 3]))}
    >>> changes_against(b, e)
    ['years row 2, rate_pence: 30 → 35', 'years row 3: added (rate_pence 31)']
    """
    out: list[str] = []
    for t in TABLES:
        if t not in base or t not in edited:
            continue
        old, new = _cells(base[t]), _cells(edited[t])
        for r in sorted(set(old) | set(new)):
            label = f"{t} row {r}" if r < 10**6 else f"{t} new row"
            if r not in new:
                out.append(f"{label}: deleted")
            elif r not in old:
                vals = ", ".join(f"{c} {v}" for c, v in new[r].items() if v is not None)
                out.append(f"{label}: added ({vals})")
            else:
                out += [f"{label}, {c}: {old[r].get(c) or '(blank)'} → {v or '(blank)'}"
                        for c, v in new[r].items() if v != old[r].get(c)]
    return out


def edited_book(frames: Mapping[str, pd.DataFrame]) -> bytes:
    """The edited tables as a workbook in the template's layout (it reads back to the
    same book: every cell as the text on screen)."""
    from finance.template import book_to_xlsx

    return book_to_xlsx({t: [{str(c): None if _blank(v) else str(v)
                              for c, v in zip(df.columns, values, strict=True)}
                             for values in df.itertuples(index=False)]
                         for t, df in frames.items() if not df.empty})


def frames_equal(a: Mapping[str, pd.DataFrame], b: Mapping[str, pd.DataFrame]) -> bool:
    """Whether two sets of frames hold the same cells (blank and missing alike)."""
    if set(a) != set(b):
        return False
    for t in a:
        x, y = a[t], b[t]
        if x.shape != y.shape or list(x.columns) != list(y.columns):
            return False
        if list(x.index) != list(y.index):
            return False
        xv = [[None if _blank(v) else str(v) for v in r] for r in x.itertuples(index=False)]
        yv = [[None if _blank(v) else str(v) for v in r] for r in y.itertuples(index=False)]
        if xv != yv:
            return False
    return True


def tables_digest(tables: Mapping[str, RawTable]) -> str:
    """SHA-256 of raw tables' content: the identity of an edited book."""
    h = hashlib.sha256()
    for name in sorted(tables):
        t = tables[name]
        h.update(json.dumps([name, list(t.columns),
                             [[n, [cell_text(v) for v in cells]] for n, cells in t.rows]],
                            ensure_ascii=False).encode())
        h.update(b"\0")
    return h.hexdigest()


# --------------------------------------------------------------------------- sources

BUNDLED, UPLOAD, TEMPLATE = "bundled", "upload", "template"
SOURCE_LABELS: dict[str, str] = {
    BUNDLED: "MKIP example (bundled)",
    UPLOAD: "Upload a workbook (.xlsx)",
    TEMPLATE: "Blank template",
}


@dataclass(frozen=True)
class Source:
    """Where a book came from, as read: raw tables, SHA-256 and file-level problems."""

    kind: str
    label: str
    tables: dict[str, RawTable]
    sha256: str
    problems: tuple[Problem, ...] = ()

    @property
    def present(self) -> frozenset[str]:
        return frozenset(norm(k) for k in self.tables)


def bundled_source() -> Source:
    tables, sha, problems = read_csv_folder(bundled_book_path())
    return Source(BUNDLED, "MKIP example (bundled)", tables, sha, tuple(problems))


def workbook_source(data: bytes, name: str, kind: str = UPLOAD) -> Source:
    """An uploaded (or generated) ``.xlsx`` workbook held in memory."""
    sha = hashlib.sha256(data).hexdigest()
    if len(data) > MAX_FILE_BYTES:
        return Source(kind, name, {}, sha, (Problem(
            name, None, None, f"file is {len(data):,} bytes, over the {MAX_FILE_BYTES:,} byte "
            "limit"),))
    tables, problems = read_xlsx_bytes(data, name)
    return Source(kind, name, tables, sha, tuple(problems))


def template_source(template: bytes) -> Source:
    return workbook_source(template, "Blank template", TEMPLATE)


# --------------------------------------------------------------------------- validating


@dataclass(frozen=True)
class Parsed:
    """A book read from a source or from edited frames: the book (``None`` when any
    problem is an error), every problem, and the SHA-256 that identifies the input."""

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
    book, problems = parse_book(src.tables, src.sha256)
    return Parsed(book, src.problems + tuple(problems), src.sha256, False)


def parse_edited(src: Source, tables: Mapping[str, RawTable]) -> Parsed:
    """Edited tables through the same validator; identified by their own digest."""
    sha = tables_digest(tables)
    book, problems = parse_book(tables, sha)
    return Parsed(book, tuple(problems), sha, True)


def next_version(version: int | None) -> int:
    """The next data version: editors keyed by it start again from the source."""
    return (version or 0) + 1


def problems_by_table(problems: Iterable[Problem]) -> dict[str, list[Problem]]:
    out: dict[str, list[Problem]] = {}
    for p in problems:
        out.setdefault(p.table, []).append(p)
    return out


def problem_lines(problems: Iterable[Problem], limit: int = 200) -> str:
    """Problems as a markdown bullet list (each located by table, row and column)."""
    ps = list(problems)
    lines = [f"- {md_escape(str(p))}" for p in ps[:limit]]
    if len(ps) > limit:
        lines.append(f"- … and {len(ps) - limit:,} more")
    return "\n".join(lines)


def md_escape(text: str) -> str:
    """Text safe to show as markdown (no formatting, links or HTML from the data)."""
    out = text
    for ch in "\\`*_[]<>#|$~":
        out = out.replace(ch, "\\" + ch)
    return out


def errors_of(parsed: Parsed | None, run_problems: Iterable[Problem]) -> tuple[Problem, ...]:
    """Every error that stops the figures: the validator's, then the year's."""
    return (parsed.errors if parsed else ()) + tuple(p for p in run_problems if p.is_error)


def warnings_of(parsed: Parsed | None, result: Result | None) -> tuple[Problem, ...]:
    """Warnings to show: the validator's and, with fresh figures, the year's."""
    return (parsed.warnings if parsed else ()) + (result.warnings if result else ())


#: Problems shown at once in the error box; the rest are behind an expander.
FIRST_PROBLEMS = 20
#: Sheets only the board report has: a workbook with these is a report, not a book.
REPORT_SHEETS = frozenset({"cover", "checks", "contributions", "year_end", "settlement"})


def errors_message(errors: Sequence[Problem], last_good: tuple[str, str] | None) -> str:
    """The error box: what happened, what to do, then the first problems, located and
    grouped by table (:func:`more_problems` gives the rest)."""
    head = (f"**The book has {count_text(len(errors), 'problem')}, so the figures were not "
            "recomputed.** Each is listed with its table, row and column; fix them on the "
            "Data tab or in the workbook.")
    if last_good:
        head += f" Showing the last good figures ({last_good[0]}, {last_good[1]})."
    shown = grouped(errors[:FIRST_PROBLEMS])
    if len(errors) > FIRST_PROBLEMS:
        shown += (f"\n\nThe first {FIRST_PROBLEMS} are shown; "
                  f"{count_text(len(errors) - FIRST_PROBLEMS, 'more problem')} below.")
    return head + "\n\n" + shown


def grouped(problems: Sequence[Problem]) -> str:
    """Problems as markdown, a bold heading per table with its count, in book order."""
    out = []
    for table, ps in problems_by_table(problems).items():
        out.append(f"**{md_escape(table)}** ({count_text(len(ps), 'problem')})")
        out.append(problem_lines(ps))
    return "\n\n".join(out)


def more_problems(errors: Sequence[Problem]) -> tuple[Problem, ...]:
    """The problems the error box leaves for its expander."""
    return tuple(errors[FIRST_PROBLEMS:])


def problems_csv(problems: Iterable[Problem]) -> bytes:
    """Every problem as CSV (table, row, column, severity, problem), for a spreadsheet."""
    import csv

    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["table", "row", "column", "severity", "problem"])
    for p in problems:
        w.writerow([p.table, "" if p.row is None else p.row, p.column or "", p.severity,
                    safe_csv_text(p.message)])
    return buf.getvalue().encode("utf-8-sig")


def safe_csv_text(text: str) -> str:
    """Text a spreadsheet will not run as a formula (a leading ``=+-@`` is quoted).

    >>> safe_csv_text("=SUM(A1) is not a number"), safe_csv_text("fine")
    ("'=SUM(A1) is not a number", 'fine')
    """
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


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


def notes_label(warnings: Sequence[Problem]) -> str:
    return f"{count_text(len(warnings), 'note')} on the book (warnings, shown in every output)"


def decisions_message(changes: Sequence[str]) -> str:
    return "Board decisions applied: " + "; ".join(changes) + "."


def count_text(n: int, one: str, many: str | None = None) -> str:
    """``1 problem``, ``3 problems``."""
    return f"{n:,} {one if n == 1 else (many or one + 's')}"


# --------------------------------------------------------------------------- decisions


@dataclass(frozen=True)
class Decisions:
    """The board's decisions and key rates for one year, as the sidebar holds them.

    ``rate_pence`` in pence per head; the others as fractions (35% is ``0.35``).
    """

    rate_pence: Decimal
    refund_share: Decimal
    discount_rate: Decimal
    financial_weight: Decimal


def book_decisions(book: Book, year: str) -> Decisions:
    """The book's own values for ``year`` (a blank refund share is 0%: carry all over)."""
    yr = next(y for y in book.years if y.year == year)
    return Decisions(yr.rate_pence, yr.refund_share or Decimal(0),
                     book.settings.discount_rate, book.settings.financial_weight)


def apply_decisions(book: Book, year: str, d: Decisions) -> Book:
    """A new book with the decisions for ``year``; the same book when nothing differs.

    >>> from finance.core.model import Settings, YearRow
    >>> b = Book(Settings("P", "A"), (), years=(YearRow("2025-26", Decimal(30)),))
    >>> apply_decisions(b, "2025-26", book_decisions(b, "2025-26")) is b
    True
    >>> nb = apply_decisions(b, "2025-26", Decisions(Decimal("30.5"), Decimal("0.5"),
    ...                      Decimal("0.035"), Decimal("0.6")))
    >>> nb.years[0].rate_pence, nb.years[0].refund_share
    (Decimal('30.5'), Decimal('0.5'))
    """
    now = book_decisions(book, year)
    if d == now:
        return book
    years = tuple(
        replace(y, rate_pence=d.rate_pence, refund_share=(
            d.refund_share if d.refund_share != now.refund_share else y.refund_share))
        if y.year == year else y
        for y in book.years
    )
    settings = replace(book.settings, discount_rate=d.discount_rate,
                       financial_weight=d.financial_weight)
    sha = hashlib.sha256(f"{book.source_sha256}|{d.rate_pence}|{d.refund_share}|"
                         f"{d.discount_rate}|{d.financial_weight}".encode()).hexdigest()
    return replace(book, years=years, settings=settings, source_sha256=sha)


def run_safely(book: Book, year: str, d: Decisions, prior: Prior | None = None
               ) -> tuple[Result | None, tuple[Problem, ...]]:
    """The year end with the board's decisions applied, opening from the previous year
    as closed in the history when there is one; problems instead of a crash."""
    try:
        result, problems = compute(apply_decisions(book, year, d), year, prior)
    except Exception as exc:  # a defect, not bad input: report it, keep the app up
        return None, (Problem("book", None, None,
                              f"internal error: {type(exc).__name__}: {exc}"),)
    return result, tuple(problems)


def json_bytes(result: Result) -> tuple[bytes, str]:
    """The JSON result, exactly as the CLI writes it, or why it could not be made."""
    try:
        js, _ = render(result, with_report=False)
    except Exception as exc:
        return b"", f"The JSON result could not be built ({type(exc).__name__}: {exc})."
    return js, ""


def report_bytes(result: Result, prior: Prior | None = None) -> bytes:
    """The board report, exactly as the CLI writes it (:func:`finance.pipeline.render`),
    DRAFT or FINAL and compared with last year as the history says.

    It takes a second or two for a full book, so the app builds it when the download is
    clicked, not on every edit.
    """
    _, report = render(result, prior=prior)
    return report


def changed_decisions(book: Book, year: str, d: Decisions) -> list[str]:
    """Plain sentences for each decision that differs from the book."""
    now = book_decisions(book, year)
    out = []
    if d.rate_pence != now.rate_pence:
        out.append(f"rate per head {pence_text(d.rate_pence)} (book: "
                   f"{pence_text(now.rate_pence)})")
    for label, new, old in (("refund share", d.refund_share, now.refund_share),
                            ("discount rate", d.discount_rate, now.discount_rate),
                            ("financial weight", d.financial_weight, now.financial_weight)):
        if new != old:
            out.append(f"{label} {pct_text(new)} (book: {pct_text(old)})")
    return out


def decisions_from_widgets(now: Decisions, rate: float, refund: float, discount: float,
                           weight: float) -> Decisions:
    """The decisions the sidebar's number widgets show, keeping the book's exact value
    wherever a widget still shows what it started at (a widget holds a float: a rate of
    30.12345p must not come back as 30.1234p and count as a change nobody made).

    >>> now = Decisions(Decimal("30.12345"), Decimal("0.5"), Decimal("0.035"),
    ...                 Decimal("0.6"))
    >>> decisions_from_widgets(now, 30.12345, 50.0, 3.5, 60.0) == now
    True
    >>> decisions_from_widgets(now, 31.0, 50.0, 3.5, 60.0).rate_pence
    Decimal('31')
    """
    def keep(typed: float, book: Decimal, shown: float, read: Any) -> Decimal:
        return book if typed == shown else read(typed)

    return Decisions(
        keep(rate, now.rate_pence, float(now.rate_pence), decimal_input),
        keep(refund, now.refund_share, pct_value(now.refund_share), pct_input),
        keep(discount, now.discount_rate, pct_value(now.discount_rate), pct_input),
        keep(weight, now.financial_weight, pct_value(now.financial_weight), pct_input))


def number_format(d: Decimal, least: int = 2) -> str:
    """A widget format that shows every decimal place of ``d`` (at least ``least``).

    >>> number_format(Decimal("30")), number_format(Decimal("30.12345"))
    ('%.2f', '%.5f')
    """
    places = max(least, -int(d.normalize().as_tuple().exponent))
    return f"%.{places}f"


def decimal_input(x: float, places: int = 4) -> Decimal:
    """A number typed in a widget (a float) as the exact decimal the user meant.

    >>> decimal_input(30.5), decimal_input(0.1 + 0.2), decimal_input(50.0)
    (Decimal('30.5'), Decimal('0.3'), Decimal('50'))
    """
    return _plain(Decimal(str(round(x, places))))


def _plain(d: Decimal) -> Decimal:
    """No trailing zeros and no exponent: ``50.0`` -> ``50``, ``0.350`` -> ``0.35``."""
    if d == d.to_integral_value():
        return d.quantize(Decimal(1))
    return d.normalize()


def pct_input(x: float) -> Decimal:
    """A percentage typed in a widget (``35.0``) as a fraction (``Decimal('0.35')``).

    >>> pct_input(35.0), pct_input(3.5), pct_input(100.0), pct_input(0.0)
    (Decimal('0.35'), Decimal('0.035'), Decimal('1'), Decimal('0'))
    """
    return _plain(decimal_input(x) / 100)


def pct_value(d: Decimal) -> float:
    """A fraction as the percentage a widget shows (``0.035`` -> ``3.5``)."""
    return float(d * 100)


def pence_text(d: Decimal | Fraction) -> str:
    """``30p``, ``30.5p``."""
    x = Decimal(d.numerator) / Decimal(d.denominator) if isinstance(d, Fraction) else d
    return f"{x.normalize():f}p"


def pct_text(d: Decimal | Fraction | float | None, places: int = 1) -> str:
    """``35%``, ``3.5%``, ``33.3%``; ``—`` for none."""
    if d is None:
        return "—"
    x = float(d) * 100
    s = f"{x:,.{places}f}".rstrip("0").rstrip(".") if places else f"{x:,.0f}"
    return s + "%"


def ratio_text(x: float | None, places: int = 2) -> str:
    return "—" if x is None else f"{x:,.{places}f}"


def gbp(pence: int) -> str:
    """``£42,840.00``; negatives in brackets, as finance reads them: ``(£1.50)``.

    >>> gbp(4_284_000), gbp(-150), gbp(0)
    ('£42,840.00', '(£1.50)', '£0.00')
    """
    return f"({fmt_gbp(-pence)})" if pence < 0 else fmt_gbp(pence)


def pounds(pence: int | None) -> float | None:
    """Pence as pounds for a display column (two decimals; display only)."""
    return None if pence is None else pence / 100


def file_stem(book: Book, year: str) -> str:
    """The CLI's output file name stem, ``mid-kent-improvement-partnership-2025-26``."""
    return f"{slug(book.settings.name)}-{year}"


# --------------------------------------------------------------------------- display


#: Display formats a :class:`Table` column may have.  Money is given in pence (``int`` or
#: an exact ``Fraction``) and shown with :func:`gbp`, so what is shown is exactly what
#: the core computed, never a float.
MONEY, EXACT, PCT, INT, RATIO, SCORE, YEARS, TEXT, RAG = (
    "money", "exact", "pct", "int", "ratio", "score", "years", "text", "rag")
#: Formats shown right-aligned, as figures.
FIGURES = frozenset({MONEY, EXACT, PCT, INT, RATIO, SCORE, YEARS})
TOTAL = "Total"
BOLD = "_bold"  # a row key: show this row in bold (a subtotal)


def show_value(kind: str, v: object) -> str:
    """One cell as the app shows it.

    >>> [show_value(MONEY, v) for v in (4284000, -150, Fraction(5, 2), None)]
    ['£42,840.00', '(£1.50)', '£0.03', '—']
    >>> show_value(PCT, 0.379888), show_value(PCT, 1), show_value(YEARS, None)
    ('37.99%', '100.00%', 'never')
    """
    if v is None or (isinstance(v, float) and v != v):
        return {YEARS: "never", TEXT: "", INT: "", RAG: ""}.get(kind, "—")
    if kind == MONEY:
        assert isinstance(v, int | Fraction)
        return gbp(round_pence(v))
    if kind == EXACT:
        assert isinstance(v, int | Fraction)
        d = Decimal(Fraction(v).numerator) / Decimal(Fraction(v).denominator) / 100
        return f"{'-' if d < 0 else ''}£{abs(d):,.4f}"
    if kind == PCT:  # fixed two places, so a column's figures line up
        return f"{float(v) * 100:,.2f}%"  # type: ignore[arg-type]
    if kind == INT:
        return f"{int(v):,}"  # type: ignore[call-overload]
    if kind == RATIO:
        return f"{float(v):,.2f}"  # type: ignore[arg-type]
    if kind == SCORE:
        return f"{float(v):.1f}"  # type: ignore[arg-type]
    if kind == YEARS:
        return f"{float(v):.1f} years"  # type: ignore[arg-type]
    if kind == RAG:
        return rag_label(str(v))
    return str(v)


@dataclass(frozen=True)
class Table:
    """A display table: rows of values, each column's format, and help per column.

    :attr:`frame` is what the app shows: every cell preformatted as text (money with a
    pound sign, thousands separators and pence), blanks as ``—``.
    """

    rows: list[dict[str, Any]]
    columns: list[str]
    formats: dict[str, str] = field(default_factory=dict)
    help: dict[str, str] = field(default_factory=dict)

    def kind(self, column: str) -> str:
        return self.formats.get(column, TEXT)

    @property
    def frame(self) -> pd.DataFrame:
        return pd.DataFrame(
            [[show_value(self.kind(c), row.get(c)) for c in self.columns] for row in self.rows],
            columns=self.columns)

    @property
    def height(self) -> int:
        """Pixels that show every row without a scroll bar (35 px a row and the header)."""
        return 35 * (len(self.rows) + 1) + 3

    @property
    def has_total(self) -> bool:
        return bool(self.rows) and self.rows[-1].get(self.columns[0]) == TOTAL

    @property
    def bold_rows(self) -> list[int]:
        """Positions of total and subtotal rows (shown in bold)."""
        return [i for i, row in enumerate(self.rows)
                if row.get(BOLD) or (i == len(self.rows) - 1 and self.has_total)]

    @property
    def rag_columns(self) -> list[str]:
        return [c for c in self.columns if self.kind(c) == RAG]

    def raw(self, column: str) -> list[Any]:
        """A column's values before formatting (tests and charts)."""
        return [row.get(column) for row in self.rows]


RAG_COLOURS = {"Green": "#d7eedd", "Amber": "#fde8b5", "Red": "#f6d0cd"}
RAG_TEXT = {"Green": "#1e5631", "Amber": "#7a4f01", "Red": "#8a1c13"}


def rag_label(rag: str) -> str:
    return rag.capitalize()


def styled(t: Table) -> Styler | pd.DataFrame:
    """The table's frame, with RAG cells coloured and a total row in bold."""
    df = t.frame
    cols: list[Hashable] = [c for c in t.rag_columns if c in df.columns]
    if not cols and not t.bold_rows:
        return df

    def colour(v: object) -> str:
        key = str(v)
        if key in RAG_COLOURS:
            return (f"background-color: {RAG_COLOURS[key]}; color: {RAG_TEXT[key]}; "
                    "font-weight: 600")
        return ""

    style = df.style
    if cols:
        style = style.map(colour, subset=cols)
    bold = set(t.bold_rows)
    if bold:
        style = style.apply(lambda row: ["font-weight: 700; background-color: #eef1f6"
                                         if row.name in bold else "" for _ in row], axis=1)
    return style


def party_name(book: Book, code: str) -> str:
    try:
        return book.party(code).name
    except KeyError:
        return code


def governance_line(r: Result) -> list[tuple[str, str]]:
    g = r.governance
    book = r.book
    return [
        ("Chair", party_name(book, g.chair) if g.chair else "not set"),
        ("Vice-chair", party_name(book, g.vice_chair) if g.vice_chair else "not set"),
        ("Host authority", party_name(book, g.host) if g.host else "not set"),
        ("Accountable body", party_name(book, g.accountable_body)),
    ]


@dataclass(frozen=True)
class Metric:
    label: str
    value: str
    help: str = ""


def checks_summary(r: Result) -> tuple[bool, str]:
    bad = [c.check for c in r.checks if not c.ok]
    if not bad:
        return True, f"All {len(r.checks)} arithmetic checks pass"
    return False, (f"{count_text(len(bad), 'check')} of {len(r.checks)} failed: "
                   + "; ".join(bad))


def checks_table(r: Result) -> Table:
    return Table([{"Check": c.check, "Result": "Pass" if c.ok else "FAIL"} for c in r.checks],
                 ["Check", "Result"])


# -- contributions (§13.2)


def contribution_metrics(r: Result) -> list[Metric]:
    c = r.contributions
    pop = sum(x.population for x in c.lines)
    return [
        Metric("Total contributions", gbp(c.total), "Due on 1 April (§13.2)"),
        Metric("Rate per head", pence_text(c.rate_pence), "Pence per head of population"),
        Metric("Population covered", f"{pop:,}", "Latest estimates not after the year"),
        Metric("Paying parties", f"{len(c.lines)}", "Voting parties that are members"),
    ]


def contributions_table(r: Result) -> Table:
    c = r.contributions
    rows: list[dict[str, Any]] = [
        {"Party": x.party, "Council": x.name, "Population": x.population,
         "Estimate": x.population_year + (" (old)" if x.population_year < r.year else ""),
         "Months": x.months, "Weight": x.weight, "Contribution": x.amount}
        for x in c.lines]
    if c.lines:
        rows.append({"Party": TOTAL, "Population": sum(x.population for x in c.lines),
                     "Weight": 1.0, "Contribution": c.total})
    return Table(rows, ["Party", "Council", "Population", "Estimate", "Months", "Weight",
                        "Contribution"],
                 {"Population": INT, "Months": INT, "Weight": PCT, "Contribution": MONEY},
                 {"Weight": "The party's share of contributions: its weight for the "
                            "year-end splits (§13.2)",
                  "Estimate": "Year of the population estimate used (the latest not after "
                              "the year); (old): older than the year run, so out of date",
                  "Months": "Whole months of membership in the year (§13.2)",
                  "Contribution": "Rate x population x months / 12, rounded once to the "
                                  "penny"})


def contribution_workings(r: Result) -> list[str]:
    """Each party's contribution worked through, as a finance officer would check it:
    ``Maidstone Borough Council: 30p x 142,800 = £42,840.00``."""
    c = r.contributions
    out = []
    for x in c.lines:
        months = "" if x.months == 12 else f" x {x.months}/12 months"
        out.append(f"{x.name}: {pence_text(c.rate_pence)} x {x.population:,} "
                   f"({x.population_year} estimate){months} = {gbp(x.amount)}")
    return out


# -- year end (§13.2, §13.3)


def year_end_metrics(r: Result) -> list[Metric]:
    ye = r.year_end
    unc_label = "Deficit" if ye.deficit else "Uncommitted at 31 March"
    return [
        Metric("Available", gbp(ye.available), "Openings, contributions, funding and "
               "income, less admin recharge"),
        Metric(unc_label, gbp(ye.uncommitted), "Available less spend and commitments"),
        Metric(f"Refund ({pct_text(ye.refund_share)})", gbp(ye.refund),
               "Returned to the parties in proportion to contributions (§13.2)"),
        Metric("Carried over", gbp(ye.carry_over), "Next year's opening balance"),
    ]


def fund_account_table(r: Result) -> Table:
    ye = r.year_end
    lines = [
        ("Opening balance", ye.opening_balance, False),
        ("Opening commitments", ye.opening_commitments, False),
        ("Contributions", ye.contributions, False),
        ("External funding", ye.external_funding, False),
        ("Income", ye.income, False),
        ("Less admin recharge", -ye.admin_recharge, False),
        ("Available", ye.available, True),
        ("Less spend", -ye.spend, False),
        ("Less commitments at 31 March", -ye.commitments, False),
        ("Deficit" if ye.deficit else "Uncommitted", ye.uncommitted, True),
        (f"Less refund to parties ({pct_text(ye.refund_share)})", -ye.refund, False),
        ("Carried over to next year", ye.carry_over, True),
    ]
    return Table([{"Line": a, "Amount": b, BOLD: bold} for a, b, bold in lines],
                 ["Line", "Amount"], {"Amount": MONEY})


def year_end_parties_table(r: Result) -> Table:
    ye = r.year_end
    names = {x.party: x.name for x in r.contributions.lines}
    fields = (("Contribution", "contribution"), ("Share of spend", "spend"),
              ("Refund due", "refund"), ("Share carried over", "carry_over"),
              ("Supplementary", "supplementary"))
    rows: list[dict[str, Any]] = [
        {"Party": x.party, "Council": names.get(x.party, x.party),
         **{k: getattr(x, a) for k, a in fields}} for x in ye.parties]
    if ye.parties:
        rows.append({"Party": TOTAL, **{k: sum(getattr(x, a) for x in ye.parties)
                                        for k, a in fields}})
    money = [k for k, _ in fields]
    return Table(rows, ["Party", "Council", *money], dict.fromkeys(money, MONEY),
                 {"Supplementary": "What the party would pay to clear a deficit",
                  "Share of spend": "Spend shared on the contribution weights"})


def exits_table(r: Result) -> Table:
    rows = [{"Party": e.party, "Notice given": e.notice_given.isoformat() if e.notice_given
             else "", "Left": e.left.isoformat(), "Balance at leaving": e.balance_at_leaving,
             "Exit settlement": e.share,
             "Commitments before notice": e.commitments_before_notice,
             "Liability for commitments": e.commitment_liability}
            for e in r.year_end.exits]
    money = ["Balance at leaving", "Exit settlement", "Commitments before notice",
             "Liability for commitments"]
    return Table(rows, ["Party", "Notice given", "Left", *money], dict.fromkeys(money, MONEY))


# -- services (§18.1a)


def services_metrics(r: Result) -> list[Metric]:
    net = sum(s.net_cost for s in r.services)
    savings = [v for s in r.services for x in s.lines if (v := s.saving(x)) is not None]
    out = [
        Metric("Shared services", f"{len(r.services)}", "Services with costs this year"),
        Metric("Gross cost", gbp(sum(s.gross_cost for s in r.services))),
        Metric("Net cost to share", gbp(net), "Gross cost less income (§18.1a)"),
    ]
    if savings:
        out.append(Metric("Saving against stand-alone", gbp(sum(savings)),
                          "What the parties would pay alone, less their shares"))
    return out


_BASIS = {"equal": "Equal shares", "fixed": "Agreed fixed shares",
          "population": "Population", "blend": "Blend"}


def basis_text(basis: str, components: Sequence[tuple[str, Decimal]] = ()) -> str:
    """``Activity: audit days``; ``Blend: 40% equal, 60% pcs``."""
    if basis.startswith("driver:"):
        return f"Activity: {basis[7:].replace('_', ' ')}"
    if basis == "blend" and components:
        return "Blend: " + ", ".join(
            f"{pct_text(w)} {c[7:].replace('_', ' ') if c.startswith('driver:') else c}"
            for c, w in components)
    return _BASIS.get(basis, basis)


def services_table(r: Result) -> Table:
    parties = sorted({x.party for s in r.services for x in s.lines})
    rows: list[dict[str, Any]] = []
    for s in r.services:
        sh = s.shares
        rows.append({"Service": s.name, "Host": s.host,
                     "Basis": basis_text(s.basis, s.components), "Gross cost": s.gross_cost,
                     "Income": s.income, "Net cost": s.net_cost,
                     **{p: sh.get(p) for p in parties}})
    if r.services:
        rows.append({"Service": TOTAL,
                     "Gross cost": sum(s.gross_cost for s in r.services),
                     "Income": sum(s.income for s in r.services),
                     "Net cost": sum(s.net_cost for s in r.services),
                     **{p: sum(s.shares.get(p, 0) for s in r.services) for p in parties}})
    money = ["Gross cost", "Income", "Net cost", *parties]
    return Table(rows, ["Service", "Host", "Basis", *money],
                 dict.fromkeys(money, MONEY),
                 {**{p: f"{party_name(r.book, p)}'s share (— : not in the service)"
                     for p in parties}, "Basis": "How the net cost is split (§18.1a)",
                  "Service": "The service's name; its code in the book is shown with the "
                             "split of each service below"})


def tolerance_table(r: Result) -> Table:
    """Services under the tolerance rule (§18.1(a)): each party's computed share, its
    share in force, the movement, the tolerance, and whether the split was re-based."""
    rows: list[dict[str, Any]] = []
    for s in r.services:
        rb = s.rebase
        if rb is None:
            continue
        for i, (party, computed) in enumerate(rb.computed):
            held = rb.share_in_force(party)
            rows.append({"Service": s.service if i == 0 else "", "Party": party,
                         "Computed share": float(computed),
                         "Share in force": None if held is None else float(held),
                         "Movement": None if held is None else float(abs(computed - held)),
                         "Tolerance": float(rb.tolerance),
                         "Split": ("" if i else "re-based" if rb.rebased
                                   else f"kept (shares from the {rb.source})")})
    return Table(rows, ["Service", "Party", "Computed share", "Share in force", "Movement",
                        "Tolerance", "Split"],
                 {"Computed share": PCT, "Share in force": PCT, "Movement": PCT,
                  "Tolerance": PCT})


def service_detail_table(r: Result, service: str) -> Table:
    s = next(x for x in r.services if x.service == service)
    rows = [{"Party": x.party, "Council": party_name(r.book, x.party), "Months": x.months,
             "Weight": x.weight, "Exact share": x.detail.quota * (1 if x.share >= 0 else -1),
             "Extra penny": "yes" if x.detail.extra_penny else "", "Share": x.share,
             "Stand-alone cost": x.standalone_cost, "Saving": s.saving(x)} for x in s.lines]
    return Table(rows, ["Party", "Council", "Months", "Weight", "Exact share", "Extra penny",
                        "Share", "Stand-alone cost", "Saving"],
                 {"Months": INT, "Weight": PCT, "Exact share": EXACT, "Share": MONEY,
                  "Stand-alone cost": MONEY, "Saving": MONEY},
                 {"Exact share": "Before rounding; the largest remainders get the pennies "
                                 "left over",
                  "Extra penny": "Received one of the pennies left over (largest remainder)"})


def service_split_long(r: Result) -> pd.DataFrame:
    return pd.DataFrame(
        [{"Service": s.name, "Code": s.service, "Party": x.party,
          "Council": party_name(r.book, x.party), "Share": pounds(x.share),
          "Label": gbp(x.share), "Weight": float(x.weight), "Weight %": pct_text(x.weight)}
         for s in r.services for x in s.lines],
        columns=["Service", "Code", "Party", "Council", "Share", "Label", "Weight",
                 "Weight %"])


# -- settlement (§18.1b)


def settlement_metrics(r: Result) -> list[Metric]:
    st = r.settlement
    gross = sum(o.amount for o in st.obligations)
    net = sum(p.amount for p in st.payments)
    return [
        Metric("Owed before netting", gbp(gross), f"{len(st.obligations)} amounts owed to "
               "hosts and project leads"),
        Metric("Net payments", gbp(net), f"{count_text(len(st.payments), 'payment')} "
               "settle everything"),
        Metric("Netted away", gbp(gross - net), "Cash that need not move"),
    ]


def payments_table(r: Result) -> Table:
    rows = [{"From": party_name(r.book, p.payer), "To": party_name(r.book, p.payee),
             "Amount": p.amount} for p in r.settlement.payments]
    return Table(rows, ["From", "To", "Amount"], {"Amount": MONEY})


def net_positions_table(r: Result) -> Table:
    rows = [{"Party": party_name(r.book, n.party),
             "Receives": n.amount if n.amount > 0 else None,
             "Pays": -n.amount if n.amount < 0 else None}
            for n in r.settlement.net_positions]
    return Table(rows, ["Party", "Receives", "Pays"], {"Receives": MONEY, "Pays": MONEY},
                 {"Receives": "Net amount the party is owed", "Pays": "Net amount it owes"})


def obligations_table(r: Result) -> Table:
    rows = [{"For": o.source, "Owed by": o.payer, "Owed to": o.payee, "Amount": o.amount}
            for o in r.settlement.obligations]
    return Table(rows, ["For", "Owed by", "Owed to", "Amount"], {"Amount": MONEY})


# -- investments (Annex A §5.2)


def investment_metrics(r: Result) -> list[Metric]:
    pf = r.portfolio
    return [
        Metric("Projects", f"{len(r.investments)}"),
        Metric("Portfolio NPV", gbp(pf.npv), "Present value of benefits less costs"),
        Metric("Benefit-cost ratio", ratio_text(pf.bcr), "PV benefits / PV costs"),
        Metric("Overall investment score", ratio_text(pf.score, 1) + (
            " / 100" if pf.score is not None else ""),
               "Project scores weighted by PV of costs (Annex A §5.2)"),
    ]


def investments_table(r: Result) -> Table:
    rows = [{"Project": a.name, "Lead": a.lead, "PV costs": a.pv_costs,
             "PV benefits": a.pv_benefits, "NPV": a.npv, "BCR": a.bcr, "IRR": a.irr,
             "Payback": a.payback_years, "Discounted payback": a.discounted_payback_years}
            for a in r.investments]
    return Table(rows, ["Project", "Lead", "PV costs", "PV benefits", "NPV", "BCR", "IRR",
                        "Payback", "Discounted payback"],
                 {"PV costs": MONEY, "PV benefits": MONEY, "NPV": MONEY, "BCR": RATIO,
                  "IRR": PCT, "Payback": YEARS, "Discounted payback": YEARS},
                 {"PV costs": "Costs uplifted for optimism bias, discounted (Green Book)",
                  "IRR": "— where no single rate solves the cash flows",
                  "BCR": "Benefit-cost ratio: PV benefits / PV costs"})


def scores_table(r: Result) -> Table:
    rows = [{"Project": a.name, "Financial": a.financial_score,
             "Non-financial": a.non_financial_score, "Investment score": a.score,
             "Basis": "financial score only (no criteria scored)" if a.financial_only
             else "weighted"} for a in r.investments]
    return Table(rows, ["Project", "Financial", "Non-financial", "Investment score",
                        "Basis"],
                 {"Financial": SCORE, "Non-financial": SCORE, "Investment score": SCORE},
                 {"Financial": "BCR mapped through the value-for-money bands (0 to 100)",
                  "Non-financial": "Weighted mean of criteria a to j (§13.5), x 20",
                  "Investment score": "Financial weight x financial + the rest x "
                                      "non-financial"})


def party_returns_table(r: Result) -> Table:
    rows = [{"Party": party_name(r.book, p.party), "PV costs": p.pv_costs,
             "PV benefits": p.pv_benefits, "NPV": p.npv,
             "Return per £1": p.return_per_pound} for p in r.portfolio.parties]
    return Table(rows, ["Party", "PV costs", "PV benefits", "NPV", "Return per £1"],
                 {"PV costs": MONEY, "PV benefits": MONEY, "NPV": MONEY,
                  "Return per £1": RATIO})


def sensitivity_table(r: Result) -> Table:
    cases = [c for c, _ in r.investments[0].sensitivity] if r.investments else []
    rows = [{"Project": a.name, **dict(a.sensitivity), "Switching value": a.switching_value}
            for a in r.investments]
    return Table(rows, ["Project", *cases, "Switching value"],
                 {**dict.fromkeys(cases, MONEY), "Switching value": PCT},
                 {"Switching value": "How far benefits can fall before NPV is zero"})


def cashflow_table(r: Result) -> Table:
    rows = [{"Project": a.name, "Year": t, "Costs with optimism bias": a.costs[t],
             "Benefits": a.benefits[t], "Net": a.net_flows[t],
             "Discount factor": a.discount_factors[t]}
            for a in r.investments for t in range(len(a.costs))]
    return Table(rows, ["Project", "Year", "Costs with optimism bias", "Benefits", "Net",
                        "Discount factor"],
                 {"Year": INT, "Costs with optimism bias": MONEY, "Benefits": MONEY,
                  "Net": MONEY, "Discount factor": RATIO})


# -- monitoring (Annex A §4.1, §5.1)


def monitoring_metrics(r: Result) -> list[Metric]:
    m = r.monitoring
    t = m.savings.total
    reds = sum(1 for b in m.budget if b.rag == "red")
    return [
        Metric("Savings delivered", gbp(t.actual), f"Predicted {gbp(t.predicted)}"),
        Metric("Delivered against predicted", pct_text(t.pct_delivered),
               f"RAG {rag_label(t.rag)}: green at 95% or more, amber at 75%"),
        Metric("Budget lines over tolerance", f"{reds}", "Red: forecast more than 5% over"),
        Metric("Services flagged to the Board", f"{len(m.performance.flags)}",
               "Majority of indicators missed for 3 quarters running (Annex A §4.1)"),
    ]


def savings_table(r: Result) -> Table:
    s = r.monitoring.savings
    rows: list[dict[str, Any]] = [
        {"Service": x.service, "Year": x.year, "Predicted": x.predicted, "Actual": x.actual,
         "Variance": x.variance, "Delivered": x.pct_delivered, "RAG": x.rag} for x in s.rows]
    if s.rows:
        t = s.total
        rows.append({"Service": TOTAL, "Predicted": t.predicted, "Actual": t.actual,
                     "Variance": t.variance, "Delivered": t.pct_delivered, "RAG": t.rag})
    return Table(rows, ["Service", "Year", "Predicted", "Actual", "Variance", "Delivered",
                        "RAG"],
                 {"Predicted": MONEY, "Actual": MONEY, "Variance": MONEY, "Delivered": PCT,
                  "RAG": RAG},
                 {"Variance": "Actual less predicted; negative is a shortfall",
                  "RAG": "Green at 95% delivered or more, amber at 75% or more, else red"})


def budget_table(r: Result) -> Table:
    rows = [{"Quarter": f"Q{b.quarter}", "Line": b.line, "Budget": b.budget,
             "Actual to date": b.actual_to_date, "Forecast outturn": b.forecast_outturn,
             "Variance": b.variance, "Variance %": b.variance_pct, "Spent": b.spent_pct,
             "RAG": b.rag} for b in r.monitoring.budget]
    return Table(rows, ["Quarter", "Line", "Budget", "Actual to date", "Forecast outturn",
                        "Variance", "Variance %", "Spent", "RAG"],
                 {"Budget": MONEY, "Actual to date": MONEY, "Forecast outturn": MONEY,
                  "Variance": MONEY, "Variance %": PCT, "Spent": PCT, "RAG": RAG},
                 {"Variance": "Forecast outturn less budget; positive is an overspend",
                  "RAG": "Green on or under budget, amber up to 5% over, red beyond"})


def performance_table(r: Result) -> Table:
    rows = [{"Service": q.service, "Year": q.year, "Quarter": f"Q{q.quarter}",
             "Indicators": q.indicators, "Missed": q.missed,
             "Result": "red" if q.missed_quarter else "green"}
            for q in r.monitoring.performance.quarters]
    return Table(rows, ["Service", "Year", "Quarter", "Indicators", "Missed", "Result"],
                 {"Indicators": INT, "Missed": INT, "Result": RAG},
                 {"Result": "Red when more than half the indicators were missed"})


def flag_sentences(r: Result) -> list[str]:
    return [f"{f.service}: majority of indicators missed for {f.quarters} consecutive "
            f"quarters, {f.start[0]} Q{f.start[1]} to {f.end[0]} Q{f.end[1]} — report to the "
            "partnership board (Annex A §4.1, Annex D f)"
            for f in r.monitoring.performance.flags]


# --------------------------------------------------------------------------- charts

NAVY, TEAL, AMBER, RED, GREEN, SLATE = (
    "#1d3f72", "#00797b", "#e0a100", "#b3261e", "#2e7d32", "#8a94a6")
PALETTE = ("#1d3f72", "#00797b", "#7b5ea7", "#c2571a", "#4f7cac", "#8a94a6", "#a3336b",
           "#5b8c3a")
#: Money on a chart axis, negatives in brackets: (£1,500), £1,500.
MONEY_AXIS = ("datum.value < 0 ? '(£' + format(abs(datum.value), ',.0f') + ')' : "
               "'£' + format(datum.value, ',.0f')")


def _tips(*fields: str | tuple[str, ...]) -> list[Any]:
    """Tooltip channels: ``"Field:N"``, or ``(field, title)`` / ``(field, title, format)``;
    a bare name is nominal.  Typed channel objects keep altair from re-parsing them."""
    alt = _alt()
    out = []
    for f in fields:
        name, *rest = (f,) if isinstance(f, str) else f
        shorthand = name if ":" in name else name + ":N"
        kw = dict(zip(("title", "format"), rest, strict=False))
        out.append(alt.Tooltip(shorthand, **kw))
    return out


def _alt() -> Any:
    import altair as alt

    return alt


def party_scale(parties: Iterable[str]) -> Any:
    alt = _alt()
    dom = sorted(set(parties))
    return alt.Scale(domain=dom, range=[PALETTE[i % len(PALETTE)] for i in range(len(dom))])


def _money_x(field_: str, title: str, stack: bool | None = None) -> Any:
    alt = _alt()
    kw: dict[str, Any] = {"title": title, "axis": alt.Axis(labelExpr=MONEY_AXIS)}
    if stack is not None:
        kw["stack"] = stack
    return alt.X(f"{field_}:Q", **kw)


def _finish(chart: Any, step: int) -> alt.Chart:
    """House style; ``step`` is the height of each category band in pixels."""
    return chart.properties(height={"step": step, "for": "position"}).configure_axis(
        labelFontSize=12, titleFontSize=12, labelLimit=280, grid=True, gridColor="#e6e9ef",
        domainColor="#b8c0cc").configure_view(strokeWidth=0).configure_legend(
        orient="bottom", title=None, labelFontSize=12)


def contributions_chart(r: Result) -> alt.Chart:
    alt = _alt()
    df = pd.DataFrame([{"Party": x.party, "Council": x.name, "Amount": pounds(x.amount),
                        "Label": gbp(x.amount)} for x in r.contributions.lines])
    base = alt.Chart(df).encode(
        y=alt.Y("Council:N", sort="-x", title=None),
        x=_money_x("Amount", "Contribution"),
        tooltip=_tips("Council:N", ("Label:N", "Contribution")))
    bars = base.mark_bar(cornerRadiusEnd=3).encode(
        color=alt.Color("Party:N", scale=party_scale(df["Party"]), legend=None))
    text = base.mark_text(align="left", dx=4, color="#333").encode(text=alt.Text("Label:N"))
    return _finish(bars + text, 40)


def refund_chart(r: Result) -> alt.Chart:
    alt = _alt()
    rows = []
    for x in r.year_end.parties:
        rows.append({"Party": x.party, "What": "Refund due", "Amount": pounds(x.refund),
                     "Label": gbp(x.refund)})
        rows.append({"Party": x.party, "What": "Share carried over",
                     "Amount": pounds(x.carry_over), "Label": gbp(x.carry_over)})
    df = pd.DataFrame(rows, columns=["Party", "What", "Amount", "Label"])
    chart = alt.Chart(df).mark_bar(cornerRadiusEnd=2).encode(
        y=alt.Y("Party:N", title=None),
        yOffset=alt.YOffset("What:N"),
        x=_money_x("Amount", "Amount"),
        color=alt.Color("What:N", scale=alt.Scale(domain=["Refund due", "Share carried over"],
                                                  range=[TEAL, NAVY])),
        tooltip=_tips("Party:N", "What:N", ("Label:N", "Amount")))
    return _finish(chart, 44)


def services_chart(r: Result) -> alt.Chart:
    alt = _alt()
    df = service_split_long(r)
    chart = alt.Chart(df).mark_bar().encode(
        y=alt.Y("Service:N", title=None, sort=alt.EncodingSortField("Share", op="sum",
                                                                    order="descending")),
        x=_money_x("Share", "Share of net cost", stack=True),
        color=alt.Color("Party:N", scale=party_scale(df["Party"])),
        order=alt.Order("Party:N"),
        tooltip=_tips("Service:N", "Council:N", ("Label:N", "Share"), ("Weight %:N", "Weight")))
    return _finish(chart, 34)


def net_position_chart(r: Result) -> alt.Chart:
    alt = _alt()
    df = pd.DataFrame([{"Party": n.party, "Council": party_name(r.book, n.party),
                        "Amount": pounds(n.amount), "Label": gbp(n.amount),
                        "Side": "Receives" if n.amount >= 0 else "Pays"}
                       for n in r.settlement.net_positions])
    chart = alt.Chart(df).mark_bar(cornerRadiusEnd=2).encode(
        y=alt.Y("Council:N", title=None),
        x=_money_x("Amount", "Net position (positive: receives)"),
        color=alt.Color("Side:N", scale=alt.Scale(domain=["Receives", "Pays"],
                                                  range=[TEAL, AMBER])),
        tooltip=_tips("Council:N", "Side:N", ("Label:N", "Net position")))
    return _finish(chart, 34)


def npv_chart(r: Result) -> alt.Chart:
    alt = _alt()
    df = pd.DataFrame([{"Project": a.name, "NPV": pounds(a.npv), "Label": gbp(a.npv),
                        "Sign": "Positive" if a.npv >= 0 else "Negative"}
                       for a in r.investments], columns=["Project", "NPV", "Label", "Sign"])
    base = alt.Chart(df).encode(y=alt.Y("Project:N", sort="-x", title=None),
                                x=_money_x("NPV", "Net present value"),
                                tooltip=_tips("Project:N", ("Label:N", "NPV")))
    bars = base.mark_bar(cornerRadiusEnd=3).encode(
        color=alt.Color("Sign:N", scale=alt.Scale(domain=["Positive", "Negative"],
                                                  range=[TEAL, RED]), legend=None))
    return _finish(bars, 40)


def score_chart(r: Result) -> alt.Chart:
    alt = _alt()
    rows = []
    for a in r.investments:
        rows.append({"Project": a.name, "Part": "Investment score", "Score": a.score})
        rows.append({"Project": a.name, "Part": "Financial", "Score": a.financial_score})
        if a.non_financial_score is not None:
            rows.append({"Project": a.name, "Part": "Non-financial",
                         "Score": a.non_financial_score})
    df = pd.DataFrame(rows, columns=["Project", "Part", "Score"])
    parts = ["Investment score", "Financial", "Non-financial"]
    chart = alt.Chart(df).mark_bar(cornerRadiusEnd=2).encode(
        y=alt.Y("Project:N", title=None),
        yOffset=alt.YOffset("Part:N", sort=parts),
        x=alt.X("Score:Q", scale=alt.Scale(domain=[0, 100]), title="Score (0 to 100)"),
        color=alt.Color("Part:N", scale=alt.Scale(domain=parts, range=[NAVY, TEAL, SLATE]),
                        # one above another: side by side they are wider than the bars
                        # beside long project names, and the last one was cut off
                        legend=alt.Legend(direction="vertical")),
        tooltip=_tips("Project:N", "Part:N", ("Score:Q", "Score", ".1f")))
    return _finish(chart, 54)


def savings_chart(r: Result) -> alt.Chart:
    alt = _alt()
    rows = []
    for x in r.monitoring.savings.rows:
        rows.append({"Service": x.service, "Measure": "Predicted",
                     "Amount": pounds(x.predicted), "Label": gbp(x.predicted),
                     "RAG": rag_label(x.rag)})
        rows.append({"Service": x.service, "Measure": "Delivered", "Amount": pounds(x.actual),
                     "Label": gbp(x.actual), "RAG": rag_label(x.rag)})
    df = pd.DataFrame(rows, columns=["Service", "Measure", "Amount", "Label", "RAG"])
    measures = ["Predicted", "Delivered"]
    chart = alt.Chart(df).mark_bar(cornerRadiusEnd=2).encode(
        y=alt.Y("Service:N", title=None),
        yOffset=alt.YOffset("Measure:N", sort=measures),
        x=_money_x("Amount", "Savings"),
        color=alt.Color("Measure:N", scale=alt.Scale(domain=measures, range=[SLATE, TEAL])),
        tooltip=_tips("Service:N", "Measure:N", ("Label:N", "Amount"), "RAG"))
    return _finish(chart, 38)


def performance_chart(r: Result) -> alt.Chart:
    """RAG grid: each service's quarters, red where most indicators were missed."""
    alt = _alt()
    flagged = {f.service for f in r.monitoring.performance.flags}
    rows = [{"Service": q.service + (" ⚑" if q.service in flagged else ""),
             "Quarter": f"{q.year} Q{q.quarter}",
             "Order": f"{q.year}-{q.quarter}",
             "Status": "Missed" if q.missed_quarter else "Met",
             "Label": f"{q.missed}/{q.indicators}"}
            for q in r.monitoring.performance.quarters]
    df = pd.DataFrame(rows, columns=["Service", "Quarter", "Order", "Status", "Label"])
    order = sorted(set(df["Order"]))
    qlabels = [df.loc[df["Order"] == o, "Quarter"].iloc[0] for o in order]
    base = alt.Chart(df).encode(
        x=alt.X("Quarter:N", sort=qlabels, title=None, axis=alt.Axis(labelAngle=0)),
        y=alt.Y("Service:N", title=None))
    cells = base.mark_rect(stroke="white", strokeWidth=2).encode(
        color=alt.Color("Status:N", scale=alt.Scale(domain=["Met", "Missed"],
                                                     range=[RAG_COLOURS["Green"],
                                                            RAG_COLOURS["Red"]])),
        tooltip=_tips("Service:N", "Quarter:N", "Status:N", ("Label:N", "Indicators missed")))
    text = base.mark_text(fontSize=12, color="#333").encode(text=alt.Text("Label:N"))
    return _finish(cells + text, 34)


#: Every chart the app shows: name -> (builder, whether the result has data for it).
CHARTS: dict[str, tuple[Any, Any]] = {
    "contributions": (contributions_chart, lambda r: r.contributions.lines),
    "refund": (refund_chart, lambda r: r.year_end.parties),
    "services": (services_chart, lambda r: r.services),
    "net_positions": (net_position_chart, lambda r: r.settlement.net_positions),
    "npv": (npv_chart, lambda r: r.investments),
    "scores": (score_chart, lambda r: r.investments),
    "savings": (savings_chart, lambda r: r.monitoring.savings.rows),
    "performance": (performance_chart, lambda r: r.monitoring.performance.quarters),
}


def chart_specs(r: Result) -> dict[str, dict[str, Any]]:
    """Vega-Lite specs of every chart that has data, built without altair's schema
    validation (the builders are fixed; validating them cost most of a page run)."""
    from altair.utils.schemapi import debug_mode

    out: dict[str, dict[str, Any]] = {}
    with debug_mode(False):
        for name, (make, has_data) in CHARTS.items():
            if has_data(r):
                out[name] = make(r).to_dict(validate=False)
    return out
