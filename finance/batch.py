"""Year end in batch: every book in a folder, spread over worker processes.

Each book is read, validated, computed and written (JSON result and board report) by a
worker; one bad book never stops the others.  Progress is a bar on a terminal and plain
lines otherwise; at the end a summary table and the failures with their first problems.
Exit code: 1 if any book failed for a reason other than bad input, else 2 if any book
failed validation, else 0.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path

from rich.console import Console
from rich.table import Table

from finance.output import atomic_write, clean_leftovers

FIRST_PROBLEMS = 5


@dataclass(frozen=True)
class BookRun:
    book: str
    status: str  # ok | invalid | error
    partnership: str = ""
    year: str = ""
    seconds: float = 0.0
    written: tuple[str, ...] = ()
    problems: tuple[str, ...] = field(default_factory=tuple)
    error_count: int = 0


def find_books(folder: Path) -> list[Path]:
    """Books in ``folder``: ``.xlsx`` workbooks and sub-folders holding ``.csv`` files."""
    books = []
    for p in sorted(folder.iterdir()):
        if p.name.startswith("."):
            continue
        if p.is_file() and p.suffix.lower() in (".xlsx", ".xls", ".xlsm"):
            books.append(p)
        elif p.is_dir() and any(q.suffix.lower() == ".csv" for q in p.iterdir()):
            books.append(p)
    return books


def run_one(path: Path, year: str | None, with_report: bool,
            generated: datetime | None) -> tuple[BookRun, str, bytes, bytes]:
    """Worker: read, validate, compute and render one book; never raises.

    Returns the run record, the output stem and the JSON and report bytes; the parent
    process writes them, so two books of the same partnership and year are caught there.
    """
    from finance.pipeline import process

    o = process(path, year, with_report=with_report, generated=generated)
    errors = [p for p in o.problems if p.is_error]
    run = BookRun(
        book=path.name, status=o.status, partnership=o.partnership, year=o.year,
        seconds=o.seconds,
        problems=tuple(str(p) for p in (errors or o.problems)[:FIRST_PROBLEMS]),
        error_count=len(errors),
    )
    return run, (o.stem if o.status == "ok" else ""), o.json, o.report


def _write(run: BookRun, stem: str, js: bytes, report: bytes, out_dir: Path,
           stems: dict[str, str]) -> BookRun:
    if run.status != "ok":
        return run
    if stem in stems:
        return replace(run, status="invalid", problems=(
            f"{run.book}: same partnership and year as {stems[stem]}; its outputs would "
            f"overwrite that book's ({stem}.json)",), error_count=1)
    stems[stem] = run.book
    written = []
    try:
        for suffix, data in ((".json", js), (".xlsx", report)):
            if data:
                atomic_write(out_dir / f"{stem}{suffix}", data)
                written.append(str(out_dir / f"{stem}{suffix}"))
    except OSError as exc:
        return replace(run, status="error", problems=(f"could not write outputs: {exc}",))
    return replace(run, written=tuple(written))


Done = tuple[BookRun, str, bytes, bytes]


def _runs(books: list[Path], year: str | None, with_report: bool,
          workers: int, generated: datetime) -> Iterator[Done]:
    if workers <= 1 or len(books) <= 1:
        for b in books:
            yield run_one(b, year, with_report, generated)
        return
    with ProcessPoolExecutor(max_workers=workers) as pool:
        futs = {pool.submit(run_one, b, year, with_report, generated): b for b in books}
        for f in as_completed(futs):
            try:
                yield f.result()
            except Exception as exc:  # a worker that died
                yield BookRun(futs[f].name, "error",
                              problems=(f"worker failed: {exc}",)), "", b"", b""


def run_batch(folder: Path, out_dir: Path, *, year: str | None = None,
              workers: int | None = None, with_report: bool = True,
              console: Console | None = None) -> int:
    con = console or Console(width=None if sys.stdout.isatty() else 120)
    books = find_books(folder)
    if not books:
        Console(stderr=True).print(f"{folder}: no books found (.xlsx workbooks or folders "
                                   "of .csv files)")
        return 2
    out_dir.mkdir(parents=True, exist_ok=True)
    left = clean_leftovers(out_dir)
    if left:
        con.print(f"removed {left} temporary file(s) left by an interrupted run")
    n = workers if workers and workers > 0 else (os.cpu_count() or 1)
    generated = datetime.now(UTC).replace(microsecond=0)
    results: list[BookRun] = []
    stems: dict[str, str] = {}
    if con.is_terminal:
        from rich.progress import Progress

        with Progress(console=con, transient=True) as prog:
            task = prog.add_task(f"{len(books)} books", total=len(books))
            for done in _runs(books, year, with_report, n, generated):
                results.append(_write(*done, out_dir, stems))
                prog.advance(task)
    else:
        for i, done in enumerate(_runs(books, year, with_report, n, generated), 1):
            r = _write(*done, out_dir, stems)
            results.append(r)
            con.print(f"[{i}/{len(books)}] {r.book}: {r.status} ({r.seconds:.2f} s)",
                      highlight=False)
    results.sort(key=lambda r: r.book)
    _summary(con, results)
    if any(r.status == "error" for r in results):
        return 1
    if any(r.status == "invalid" for r in results):
        return 2
    return 0


def _summary(con: Console, results: list[BookRun]) -> None:
    t = Table(title="Year-end batch", title_justify="left")
    for h in ("Book", "Partnership", "Year", "Status", "Time"):
        t.add_column(h, justify="right" if h == "Time" else "left")
    for r in results:
        style = {"ok": "green", "invalid": "yellow"}.get(r.status, "red")
        t.add_row(r.book, r.partnership, r.year, f"[{style}]{r.status}[/{style}]",
                  f"{r.seconds:.2f} s")
    con.print(t)
    ok = sum(r.status == "ok" for r in results)
    con.print(f"{ok} of {len(results)} books done.")
    failed = [r for r in results if r.status != "ok"]
    if failed:
        con.print("[bold]Failed books[/bold] (nothing was written for them):")
        for r in failed:
            more = f" ({r.error_count} problems in all)" if r.error_count > len(r.problems) else ""
            con.print(f"  {r.book}: {r.status}{more}", highlight=False)
            for p in r.problems:
                con.print(f"    {p}", highlight=False, markup=False)


__all__ = ["BookRun", "find_books", "run_batch", "run_one"]
