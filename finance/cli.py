"""Command line: ``mkip run``, ``validate``, ``statements``, ``template``; and the
history: ``close``, ``reopen``, ``history`` and ``db upgrade``, ``verify``, ``backup``
and ``restore``.

Exit codes: 0 success, 2 bad input (nothing written for that book), 1 anything else.
Heavy libraries (pandas, openpyxl, numpy-financial) are imported only when a command runs,
so ``mkip --help`` stays quick.
"""

from __future__ import annotations

import re
import sys
from datetime import date
from pathlib import Path
from typing import Annotated, Any

import typer

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="Partnership finance year end: contributions, refunds, shared-service splits, "
    "settlement, investment scores and monitoring (MKIP model).",
)

EXIT_OK, EXIT_ERROR, EXIT_INVALID = 0, 1, 2

DbOption = Annotated[str | None, typer.Option(
    "--db", help="History database URL (default: $MKIP_DATABASE_URL, else "
    "sqlite:///mkip.db in the current folder).")]


def _err(text: str) -> None:
    typer.echo(text, err=True)


def is_book_folder(path: Path) -> bool:
    return path.is_dir() and any(p.suffix.lower() == ".csv" for p in path.iterdir())


@app.command()
def run(
    book: Annotated[Path | None, typer.Argument(
        help="A book (.xlsx workbook or folder of CSV files) or a folder of books. "
        "Default: the bundled MKIP example.")] = None,
    year: Annotated[str | None, typer.Option(
        help="Financial year like 2025-26 (default: the latest year in the book).")] = None,
    out: Annotated[Path, typer.Option(help="Folder for the JSON result and board report.")]
    = Path("reports"),
    json_out: Annotated[bool, typer.Option(
        "--json", help="Print the JSON result to stdout instead of writing files.")] = False,
    workers: Annotated[int | None, typer.Option(
        help="Worker processes for a folder of books (default: number of cores).")] = None,
    report: Annotated[bool, typer.Option(help="Also write the Excel board report.")] = True,
    db: DbOption = None,
) -> None:
    """Run the year end on a book and write its JSON result and board report.

    With a history database (given, or the default file present), blank openings are
    taken from the previous year as closed there, and a given one that differs is
    warned about.
    """
    from finance.book import bundled_book_path

    path = book if book is not None else bundled_book_path()
    if not path.exists():
        _err(f"{path}: does not exist")
        raise typer.Exit(EXIT_INVALID)
    if path.is_dir() and not is_book_folder(path):
        from finance.batch import run_batch

        if db is not None:
            _err("--db applies to one book: a folder of books is run without the history "
                 "(run each book with --db to open it from its closed year).")
            raise typer.Exit(EXIT_INVALID)

        raise typer.Exit(run_batch(path, out, year=year, workers=workers, with_report=report))
    raise typer.Exit(_run_one(path, year, out, json_out, report, db))


def _run_one(path: Path, year: str | None, out: Path, json_out: bool, with_report: bool,
             db: str | None = None) -> int:
    from finance.history.errors import HistoryError
    from finance.pipeline import process, write_outcome

    try:
        chain = _history_chain(db)
    except HistoryError as exc:
        _err(str(exc))
        return exc.exit_code
    outcome = process(path, year, with_report=with_report and not json_out, chain=chain)
    if outcome.status == "invalid":
        _err(f"{path}: {len([p for p in outcome.problems if p.is_error])} problem(s); "
             "nothing was written.")
        for p in outcome.problems:
            _err(f"  {p}")
        return EXIT_INVALID
    if outcome.status != "ok":
        _err(f"{path}: failed: {outcome.error}")
        return EXIT_ERROR
    if json_out:
        sys.stdout.write(outcome.json.decode("utf-8"))
        return EXIT_OK
    written = write_outcome(outcome, out)
    from finance.summary import print_summary

    assert outcome.result is not None
    print_summary(outcome.result)
    for p in outcome.problems:
        if not p.is_error:
            _err(f"warning: {p}")
    for w in written:
        typer.echo(f"wrote {w}")
    return EXIT_OK


@app.command()
def validate(
    book: Annotated[Path, typer.Argument(help="A book: .xlsx workbook or folder of CSV files.")],
    year: Annotated[str | None, typer.Option(
        help="The year to check it can be run (default: the latest in the book).")] = None,
    db: DbOption = None,
) -> None:
    """List every problem in a book, errors and warnings, each with its table, row and
    column (exit 2 if there are errors).  The year is worked out as `mkip run` does, from
    the history when there is one, so its warnings are listed too: a stale or
    implausible population, a negative spend, an opening that differs from the year
    before as closed."""
    from finance.book import load_book
    from finance.pipeline import compute

    b, problems = load_book(_existing(book))
    if b is not None:
        history = _history_or_exit(db)
        prior = history.prior_for(b, year) if history else None
        result, more = compute(b, year, prior)
        problems = list(dict.fromkeys(
            problems + more + (list(result.warnings) if result is not None else [])))
    errors = [p for p in problems if p.is_error]
    for p in problems:
        typer.echo(str(p))
    if errors:
        typer.echo(f"{len(errors)} problem(s) found in {book}.")
        raise typer.Exit(EXIT_INVALID)
    warnings = len(problems)
    typer.echo(f"{book}: no errors found" + (f"; {warnings} warning(s) above." if warnings
                                             else "."))


@app.command()
def statements(
    book: Annotated[Path | None, typer.Argument(
        help="A book (.xlsx workbook or folder of CSV files). Default: the bundled MKIP "
        "example.")] = None,
    year: Annotated[str | None, typer.Option(
        help="Financial year like 2025-26 (default: the latest year in the book).")] = None,
    out: Annotated[Path, typer.Option(help="Folder for the statements.")] = Path("reports"),
    db: DbOption = None,
) -> None:
    """Write each paying council's statement for the year: one A4 PDF per council,
    <partnership>-<year>-<CODE>.pdf, DRAFT until the year is closed in the history, then
    FINAL with its approver, minute, board meeting and time of closing."""
    from finance.book import bundled_book_path, load_book
    from finance.output import atomic_write, slug
    from finance.pipeline import collector_paused, compute

    path = _existing(book if book is not None else bundled_book_path())
    history = _history_or_exit(db)
    try:
        with collector_paused():
            b, problems = load_book(path)
            result = None
            if b is not None:
                prior = history.prior_for(b, year) if history else None
                result, more = compute(b, year, prior)
                problems = problems + more
            if result is None:
                _err(f"{path}: {len([p for p in problems if p.is_error])} problem(s); "
                     "nothing was written.")
                for p in problems:
                    _err(f"  {p}")
                raise typer.Exit(EXIT_INVALID)
            from finance.statement_pdf import statement_pdfs

            approval, note = _approval(prior, result)
            pdfs = statement_pdfs(result, approval=approval)  # all built before any is written
    except typer.Exit:
        raise
    except Exception as exc:  # a defect, not bad input
        _err(f"{path}: failed: {type(exc).__name__}: {exc}")
        raise typer.Exit(EXIT_ERROR) from exc
    for p in problems:
        _err(f"warning: {p}")
    if note:
        _err(note)
    stem = f"{slug(result.book.settings.name)}-{result.year}"
    for party, data in pdfs.items():
        target = out / f"{stem}-{party}.pdf"
        atomic_write(target, data)
        typer.echo(f"wrote {target}")


@app.command()
def compare(
    book: Annotated[Path | None, typer.Argument(
        help="A book (.xlsx workbook or folder of CSV files). Default: the bundled MKIP "
        "example.")] = None,
    scenarios: Annotated[Path | None, typer.Option(
        help="The scenario file (TOML): named scenarios, each a list of changes.")] = None,
    year: Annotated[str | None, typer.Option(
        help="Financial year like 2025-26 (default: the latest year in the book).")] = None,
    out: Annotated[Path, typer.Option(help="Folder for the comparison.")] = Path("reports"),
    json_out: Annotated[bool, typer.Option(
        "--json", help="Print the comparison JSON to stdout instead of writing files.")]
    = False,
    save: Annotated[str | None, typer.Option(
        help="Also save the scenarios in the history database under this name.")] = None,
    by: Annotated[str, typer.Option(help="Who saves them (with --save).")] = "",
    budget: Annotated[bool, typer.Option(
        "--budget", help="Compare the budget for the year ahead (mkip budget) instead of "
        "the year end: <partnership>-<year>-budget-scenarios.json and .xlsx.")] = False,
    years: Annotated[int, typer.Option(help="With --budget: years of the forecast.")] = 5,
    db: DbOption = None,
) -> None:
    """Run the baseline and every scenario in full, and put their figures side by side:
    <partnership>-<year>-scenarios.json and .xlsx."""
    from finance.book import bundled_book_path
    from finance.history.errors import HistoryError
    from finance.output import atomic_write, json_bytes, slug
    from finance.pipeline import collector_paused
    from finance.scenarios import read_scenarios, run_comparison

    if scenarios is None:
        _err("Name the scenario file: --scenarios FILE.")
        raise typer.Exit(EXIT_INVALID)
    path = _existing(book if book is not None else bundled_book_path())
    _existing(scenarios)
    history = _history_or_exit(db)
    scs, problems = read_scenarios(scenarios)
    if budget:
        raise typer.Exit(_compare_budget(path, scenarios, scs, problems, year, years, out,
                                         json_out, history))
    with collector_paused():
        cmp = run_comparison(path, scs, year, history.prior if history else None)
    problems = problems + cmp.problems
    errors = [p for p in problems if p.is_error]
    if errors or not cmp.ok:
        _err(f"{path} with {scenarios.name}: {len(errors)} problem(s); nothing was written.")
        for p in errors:
            _err(f"  {p}")
        raise typer.Exit(EXIT_INVALID)
    assert cmp.baseline is not None
    if save is not None:
        from finance.history import store
        from finance.history.db import resolve

        url = resolve(db)
        try:
            hist = store.open_db(url, create=True)
            assert hist is not None
            saved = store.save_scenarios(hist, cmp.baseline.book.settings.name,
                                         cmp.baseline.year, save,
                                         scenarios.read_text(encoding="utf-8"), by)
        except HistoryError as exc:
            _err(str(exc))
            raise typer.Exit(exc.exit_code) from None
        _err(f"saved the scenarios as “{saved.name}” for {saved.year}")
    data = json_bytes(cmp.as_json())
    if json_out:
        sys.stdout.write(data.decode("utf-8"))
        return
    from finance.comparison import comparison_workbook

    stem = f"{slug(cmp.baseline.book.settings.name)}-{cmp.baseline.year}-scenarios"
    book_bytes = comparison_workbook(cmp)  # built before anything is written
    for target, payload in ((out / f"{stem}.json", data), (out / f"{stem}.xlsx", book_bytes)):
        atomic_write(target, payload)
        typer.echo(f"wrote {target}")


def _compare_budget(path: Path, file: Path, scs: list[Any], problems: list[Any],
                    year: str | None, years: int, out: Path, json_out: bool,
                    history: Any) -> int:
    """``mkip compare --budget``: the book's budget and each scenario's, side by side."""
    from finance.book import read_raw
    from finance.budget_compare import budget_comparison_workbook, compare_budget
    from finance.core.parse import RawTable
    from finance.output import atomic_write, json_bytes, slug
    from finance.pipeline import collector_paused

    raw, sha, read_problems = read_raw(path)
    problems = problems + read_problems
    cmp = None
    if not any(p.is_error for p in problems):
        tables = {k: v for k, v in raw.items() if isinstance(v, RawTable)}
        with collector_paused():
            cmp = compare_budget(tables, sha, scs, year, years,
                                 history.prior if history is not None else None)
        problems = problems + cmp.problems
    errors = [p for p in problems if p.is_error]
    if cmp is None or errors or not cmp.ok:
        _err(f"{path} with {file.name}: {len(errors)} problem(s); nothing was written.")
        for p in errors:
            _err(f"  {p}")
        return EXIT_INVALID
    assert cmp.baseline is not None
    data = json_bytes(cmp.as_json(sha))
    if json_out:
        sys.stdout.write(data.decode("utf-8"))
        return EXIT_OK
    stem = f"{slug(cmp.baseline.partnership)}-{cmp.baseline.year}-budget-scenarios"
    book_bytes = budget_comparison_workbook(cmp)  # built before anything is written
    for target, payload in ((out / f"{stem}.json", data), (out / f"{stem}.xlsx", book_bytes)):
        atomic_write(target, payload)
        typer.echo(f"wrote {target}")
    return EXIT_OK


@app.command()
def template(
    out: Annotated[Path, typer.Argument(help="Where to write the blank input workbook.")],
) -> None:
    """Write a blank input workbook with instructions and drop-down validation."""
    from finance.output import atomic_write
    from finance.template import build_template

    atomic_write(out, build_template())
    typer.echo(f"wrote {out}")


class _History:
    """The history database as ``run`` and ``statements`` read it."""

    def __init__(self, db: Any) -> None:
        self.db = db

    def prior(self, partnership: str, year: str) -> Any:
        from finance.history import store

        return store.prior(self.db, partnership, year)

    def prior_for(self, book: Any, year: str | None) -> Any:
        """:meth:`prior` for the year run: ``year``, else the book's latest (``None``
        for a book without years)."""
        if not book.year_labels:
            return None
        return self.prior(book.settings.name, year or book.year_labels[-1])


def _history(db: str | None) -> _History | None:
    """The history database, or ``None`` when there is none (none given, and the
    default file absent)."""
    from finance.history.db import exists, resolve

    url = resolve(db)
    if not exists(url):  # checked before the history's modules (and SQLAlchemy) load
        return None
    from finance.history import store

    hist = store.open_db(url, create=False)
    return None if hist is None else _History(hist)


def _existing(path: Path) -> Path:
    """``path``, or exit 2 saying it does not exist."""
    if not path.exists():
        _err(f"{path}: does not exist")
        raise typer.Exit(EXIT_INVALID)
    return path


def _history_or_exit(db: str | None) -> _History | None:
    """:func:`_history`, or exit with the database's one sentence."""
    from finance.history.errors import HistoryError

    try:
        return _history(db)
    except HistoryError as exc:
        _err(str(exc))
        raise typer.Exit(exc.exit_code) from None


def _history_chain(db: str | None) -> Any:
    """How ``run`` finds the previous closed year (``None`` without a history)."""
    history = _history(db)
    return None if history is None else history.prior


def _approval(prior: Any, result: Any) -> tuple[Any, str]:
    """FINAL, with its approver, minute, board meeting and time of closing, when the year
    is closed in the history from this same book; else DRAFT (with a note when it is
    closed from another book)."""
    from finance.statement_pdf import DRAFT, Approval

    if prior is None or prior.approval is None:
        return DRAFT, ""
    a = prior.approved(result.book.source_sha256)
    if a is None:
        return DRAFT, (f"note: {result.year} is closed (version {prior.approval.version}) "
                       "from a different book; these statements are marked DRAFT.")
    return Approval("FINAL", a.approved_by, a.minute, a.closed_at, a.meeting_date), ""


@app.command()
def close(
    book: Annotated[Path | None, typer.Argument(
        help="The book of the year to close (default: the bundled MKIP example).")] = None,
    year: Annotated[str | None, typer.Option(
        help="Financial year like 2025-26 (default: the latest year in the book).")] = None,
    approved_by: Annotated[str, typer.Option(
        "--approved-by", help="Who approved the year end (e.g. the chair of the board).")]
    = "",
    minute: Annotated[str, typer.Option(
        help="The board minute that records the approval (required).")] = "",
    meeting_date: Annotated[str, typer.Option(
        "--meeting-date", metavar="YYYY-MM-DD",
        help="The date of the board meeting that approved the year end (required).")] = "",
    db: DbOption = None,
) -> None:
    """Close a year the board has approved: store its book, result and approval (who,
    the minute, the meeting's date) in the history, for good."""
    from finance.book import bundled_book_path
    from finance.core.chain import approval_problem
    from finance.history.errors import HistoryError

    path = book if book is not None else bundled_book_path()
    met = _meeting_date(meeting_date)
    if met is None and meeting_date.strip():
        _err(f"The board meeting's date must be a real date written YYYY-MM-DD, e.g. "
             f"--meeting-date 2026-03-12, not {meeting_date.strip()!r}.")
        raise typer.Exit(EXIT_INVALID)
    problem = approval_problem(approved_by, minute, met)
    if problem:
        _err(problem)
        raise typer.Exit(EXIT_INVALID)
    assert met is not None
    try:
        raise typer.Exit(_close(path, year, approved_by.strip(), minute.strip(), met, db))
    except HistoryError as exc:
        _err(str(exc))
        raise typer.Exit(exc.exit_code) from None


def _meeting_date(text: str) -> date | None:
    """``YYYY-MM-DD`` as a date; ``None`` when blank or not a real date (2026-02-30).

    >>> _meeting_date("2026-03-12"), _meeting_date("2026-02-30"), _meeting_date("12/03/2026")
    (datetime.date(2026, 3, 12), None, None)
    """
    text = text.strip()
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


def _close(path: Path, year: str | None, approved_by: str, minute: str, meeting_date: date,
           db: str | None) -> int:
    from finance.history import store
    from finance.history.db import resolve
    from finance.pipeline import close_problems, process

    if not path.exists():
        _err(f"{path}: does not exist")
        return EXIT_INVALID
    url = resolve(db)
    hist = store.open_db(url, create=True)
    assert hist is not None

    def chain(partnership: str, y: str) -> Any:
        return store.prior(hist, partnership, y)

    outcome = process(path, year, with_report=False, chain=chain)
    problems = close_problems(outcome)
    if outcome.status != "ok" or problems:
        if outcome.status == "error":
            _err(f"{path}: failed: {outcome.error}")
            return EXIT_ERROR
        errors = [p for p in outcome.problems + problems if p.is_error]
        _err(f"{path}: {len(errors)} problem(s); nothing was stored.")
        for p in errors:
            _err(f"  {p}")
        return EXIT_INVALID
    assert outcome.result is not None
    rec = store.close_year(hist, outcome.result, outcome.json, store.book_bytes(path),
                           approved_by, minute, meeting_date)
    typer.echo(f"closed {rec.year} of {rec.partnership}: version {rec.version}, approved by "
               f"{rec.approved_by} {rec.approval}")
    return EXIT_OK


@app.command()
def reopen(
    year: Annotated[str, typer.Option(help="The closed year to reopen, like 2025-26.")],
    reason: Annotated[str, typer.Option(help="Why it is reopened (required).")] = "",
    by: Annotated[str, typer.Option(help="Who reopens it.")] = "",
    partnership: Annotated[str | None, typer.Option(
        help="The partnership's name (needed when the history holds several).")] = None,
    db: DbOption = None,
) -> None:
    """Reopen the latest closed year (recorded as an event; nothing is overwritten)."""
    from finance.history import store
    from finance.history.db import HistoryError, resolve

    url = resolve(db)
    try:
        with store.existing(url) as hist:
            rec = store.reopen_year(hist, year, reason, by, partnership)
    except HistoryError as exc:
        _err(str(exc))
        raise typer.Exit(exc.exit_code) from None
    typer.echo(f"reopened {rec.year} of {rec.partnership} (version {rec.version} stays "
               f"stored): {rec.reason}")


@app.command("history")
def history_cmd(
    partnership: Annotated[str | None, typer.Option(help="Only this partnership.")] = None,
    json_out: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    db: DbOption = None,
) -> None:
    """List every stored year: status, version, approver, minute, board meeting, time of
    closing and key figures."""
    from finance.history import store
    from finance.history.db import HistoryError, resolve

    url = resolve(db)
    try:
        hist = store.open_db(url, create=False)
        years = store.history(hist, partnership) if hist is not None else {}
    except HistoryError as exc:
        _err(str(exc))
        raise typer.Exit(exc.exit_code) from None
    if json_out:
        from finance.output import json_bytes

        doc = {"partnerships": [{"name": n, "years": [y.as_json() for y in ys]}
                                for n, ys in years.items()]}
        sys.stdout.write(json_bytes(doc).decode("utf-8"))
        return
    from finance.history.summary import print_history

    print_history(years)


db_app = typer.Typer(help="The history database.", no_args_is_help=True)
app.add_typer(db_app, name="db")


@db_app.command("upgrade")
def db_upgrade(db: DbOption = None) -> None:
    """Bring the history database to the current schema (creating it if need be)."""
    from finance.history import migrate
    from finance.history.db import HistoryError, reach, redact, resolve, sentence

    url = resolve(db)
    try:
        hist = reach(url)
        try:
            migrate.upgrade(hist)
        except HistoryError:
            raise
        except Exception as exc:  # a driver or migration failure, worded without secrets
            raise HistoryError(sentence(url, exc), EXIT_ERROR) from exc
        finally:
            hist.dispose()
    except HistoryError as exc:
        _err(str(exc))
        raise typer.Exit(exc.exit_code) from None
    typer.echo(f"{redact(url)} is at schema {migrate.head()}")


@db_app.command("verify")
def db_verify(db: DbOption = None) -> None:
    """Check every digest and link of the history, and run each stored book again with
    this version: exit 0 when the record is as written, 1 naming the first that is not."""
    raise typer.Exit(_verify(db))


def _verify(db: str | None) -> int:
    from finance.history.db import HistoryError, resolve

    url = resolve(db)
    try:
        from finance.history import store
        from finance.history.verify import verify

        with store.existing(url) as hist:
            found = verify(hist)
    except HistoryError as exc:
        _err(str(exc))
        return exc.exit_code
    if found.broken is not None:
        _err(f"NOT verified: {found.broken}")
        return EXIT_ERROR
    typer.echo(f"verified {found.events} events and {found.years} closed years; the latest "
               f"event's SHA-256 is {found.head}")
    if found.differences:
        typer.echo(f"note: this version of the software computes {len(found.differences)} "
                   "stored result(s) differently, a difference of versions, not a change to "
                   "the record: " + "; ".join(found.differences))
    return EXIT_OK


@db_app.command("backup")
def db_backup(
    file: Annotated[Path, typer.Argument(help="The backup file to write.")],
    db: DbOption = None,
) -> None:
    """Back up the history: SQLite's online backup, or pg_dump for PostgreSQL."""
    from finance.history.db import HistoryError, redact, resolve

    url = resolve(db)
    try:
        from finance.history.backup import backup

        backup(url, file)
    except HistoryError as exc:
        _err(str(exc))
        raise typer.Exit(exc.exit_code) from None
    typer.echo(f"backed up {redact(url)} to {file}")


@db_app.command("restore")
def db_restore(
    file: Annotated[Path, typer.Argument(help="A backup made by `mkip db backup`.")],
    db: Annotated[str, typer.Option("--db", help="The EMPTY database to restore into.")],
) -> None:
    """Restore a backup into an empty database, then verify it."""
    from finance.history.db import HistoryError, redact

    try:
        from finance.history.backup import restore

        restore(file, db)
    except HistoryError as exc:
        _err(str(exc))
        raise typer.Exit(exc.exit_code) from None
    typer.echo(f"restored {file} into {redact(db)}")
    raise typer.Exit(_verify(db))


users_app = typer.Typer(help="Members of a partnership and their roles, held by the "
                         "history database.", no_args_is_help=True)
app.add_typer(users_app, name="users")

UsersPartnership = Annotated[str | None, typer.Option(
    help="The partnership's name (default: the database's only one; the bundled "
    "example's when it holds none).")]
UsersBy = Annotated[str, typer.Option("--by", help="Who is making the change (required).")]


def _bundled_name() -> str | None:
    """The bundled example's partnership name, from its settings (no book is loaded)."""
    import csv

    from finance.book import bundled_book_path

    try:
        with (bundled_book_path() / "settings.csv").open(newline="", encoding="utf-8") as f:
            return next((r["value"].strip() for r in csv.DictReader(f)
                         if r.get("key", "").strip() == "name"), None)
    except (OSError, KeyError):
        return None


@users_app.command("add")
def users_add(
    email: Annotated[str, typer.Argument(help="The member's e-mail address.")],
    role: Annotated[str, typer.Option(help="viewer, preparer, approver or admin.")] = "",
    partnership: UsersPartnership = None,
    by: UsersBy = "",
    db: DbOption = None,
) -> None:
    """Make EMAIL a member with ROLE (or change the role of a member): recorded as an
    event of the history, with who made the change."""
    from finance.history import store
    from finance.history.db import HistoryError, resolve

    url = resolve(db)
    try:
        hist = store.open_db(url, create=True)
        assert hist is not None
        try:
            ch = store.add_member(hist, email, role, by, partnership, _bundled_name())
        finally:
            hist.dispose()
    except HistoryError as exc:
        _err(str(exc))
        raise typer.Exit(exc.exit_code) from None
    if not ch.kind:
        typer.echo(f"{ch.email} is already {ch.role} of {ch.partnership}; nothing was "
                   "recorded.")
    elif ch.previous:
        typer.echo(f"{ch.email} of {ch.partnership}: role changed from {ch.previous} to "
                   f"{ch.role} by {ch.by}")
    else:
        typer.echo(f"added {ch.email} to {ch.partnership} as {ch.role} by {ch.by}")


@users_app.command("remove")
def users_remove(
    email: Annotated[str, typer.Argument(help="The member's e-mail address.")],
    partnership: UsersPartnership = None,
    by: UsersBy = "",
    db: DbOption = None,
) -> None:
    """Remove EMAIL from the partnership's members: recorded as an event of the history,
    with who made the change."""
    from finance.history import store
    from finance.history.db import HistoryError, resolve

    url = resolve(db)
    try:
        with store.existing(url) as hist:
            ch = store.remove_member(hist, email, by, partnership, _bundled_name())
    except HistoryError as exc:
        _err(str(exc))
        raise typer.Exit(exc.exit_code) from None
    typer.echo(f"removed {ch.email} ({ch.role}) from {ch.partnership} by {ch.by}")


@users_app.command("list")
def users_list(
    partnership: Annotated[str | None, typer.Option(
        help="Only this partnership (default: every one).")] = None,
    json_out: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    db: DbOption = None,
) -> None:
    """List each partnership's members and their roles."""
    from finance.history import store
    from finance.history.db import HistoryError, resolve

    url = resolve(db)
    try:
        hist = store.open_db(url, create=False)
        found: dict[str, list[Any]] = {}
        if hist is not None:
            try:
                found = store.list_members(hist, partnership)
            finally:
                hist.dispose()
    except HistoryError as exc:
        _err(str(exc))
        raise typer.Exit(exc.exit_code) from None
    if json_out:
        from finance.output import json_bytes

        doc = {"partnerships": [{"name": n, "members": [{"email": m.email, "role": m.role}
                                                        for m in ms]}
                                for n, ms in found.items()]}
        sys.stdout.write(json_bytes(doc).decode("utf-8"))
        return
    if not any(found.values()):
        typer.echo("The history holds no members yet.")
        return
    for name, ms in found.items():
        typer.echo(f"{name}: {len(ms)} member(s)")
        width = max((len(m.email) for m in ms), default=0)
        for m in ms:
            typer.echo(f"  {m.email:<{width}}  {m.role}")


@app.command("budget")
def budget_cmd(
    book: Annotated[Path | None, typer.Argument(
        help="A book (.xlsx workbook or folder of CSV files). Default: the bundled MKIP "
        "example.")] = None,
    year: Annotated[str | None, typer.Option(
        help="The budget year, like 2026-27 (default: the year after the latest year with "
        "ledger lines).")] = None,
    years: Annotated[int, typer.Option(help="Years of the forecast, 1 to 10, the budget "
                                       "year first.")] = 5,
    out: Annotated[Path, typer.Option(help="Folder for the budget's files.")] = Path("reports"),
    json_out: Annotated[bool, typer.Option(
        "--json", help="Print the budget JSON to stdout instead of writing files.")] = False,
    db: DbOption = None,
) -> None:
    """The year ahead: the budget, the rate per head, each council's contribution due on
    1 April and its share of each service's budget, and a forecast:
    <partnership>-<year>-budget.json and .xlsx, and a one-page PDF per paying council,
    <partnership>-<year>-budget-<CODE>.pdf."""
    from finance.book import bundled_book_path, load_book
    from finance.budget_run import make_budget, summary_lines
    from finance.core.budgetjson import budget_json
    from finance.output import atomic_write, json_bytes, slug
    from finance.pipeline import collector_paused

    path = _existing(book if book is not None else bundled_book_path())
    history = _history_or_exit(db)
    try:
        with collector_paused():
            b, problems = load_book(path)
            bg = None
            if b is not None:
                prior_of = ((lambda y: history.prior(b.settings.name, y))
                            if history is not None else None)
                bg, more = make_budget(b, year, years, prior_of)
                problems = problems + more
            if bg is None or b is None:
                _err(f"{path}: {len([p for p in problems if p.is_error])} problem(s); "
                     "nothing was written.")
                for p in problems:
                    _err(f"  {p}")
                raise typer.Exit(EXIT_INVALID)
            data = json_bytes(budget_json(bg, b.source_sha256))
            files: dict[str, bytes] = {}
            if not json_out:
                from finance.budget_book import budget_workbook
                from finance.budget_pdf import budget_pdfs

                stem = f"{slug(bg.partnership)}-{bg.year}-budget"
                files[f"{stem}.json"] = data
                files[f"{stem}.xlsx"] = budget_workbook(bg)
                for code, pdf in budget_pdfs(bg).items():
                    files[f"{stem}-{code}.pdf"] = pdf
    except typer.Exit:
        raise
    except Exception as exc:  # a defect, not bad input
        _err(f"{path}: failed: {type(exc).__name__}: {exc}")
        raise typer.Exit(EXIT_ERROR) from exc
    if json_out:
        sys.stdout.write(data.decode("utf-8"))
        return
    for line in summary_lines(bg):
        typer.echo(line)
    for p in [*problems, *bg.warnings]:
        if not p.is_error:
            _err(f"warning: {p}")
    for name, content in files.items():
        atomic_write(out / name, content)
        typer.echo(f"wrote {out / name}")


def main() -> None:
    try:
        app()
    except KeyboardInterrupt:
        _err("interrupted")
        sys.exit(EXIT_ERROR)


if __name__ == "__main__":
    main()
