"""One book through the whole year end: read, validate, compute, render outputs.

Used by the CLI (single book and batch) and by the app, so all of them produce the same
bytes for the same book.  Nothing is written here except by :func:`write_outcome`, which
writes each output whole (temporary file, then rename) and only when the book is good.
"""

from __future__ import annotations

import gc
import json
import time
import traceback
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from finance.book import load_book
from finance.core.chain import Prior, opening_differences
from finance.core.model import Book
from finance.core.problems import BookError, Problem
from finance.core.run import Result, default_year, run_year
from finance.history.errors import HistoryError
from finance.output import atomic_write, json_bytes, slug


@dataclass
class Outcome:
    source: str
    status: str  # "ok" | "invalid" | "error"
    problems: list[Problem] = field(default_factory=list)
    result: Result | None = None
    json: bytes = b""
    report: bytes = b""
    partnership: str = ""
    year: str = ""
    seconds: float = 0.0
    written: list[Path] = field(default_factory=list)
    error: str = ""
    prior: Prior | None = None  # what the history holds before the year

    @property
    def exit_code(self) -> int:
        return {"ok": 0, "invalid": 2}.get(self.status, 1)

    @property
    def stem(self) -> str:
        return f"{slug(self.partnership)}-{self.year}"


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while one book is worked, then restore it.

    Working a book builds hundreds of thousands of small objects that live until it is
    done; each automatic collection on the way walks all of them again (a quarter of a
    large book's run in a fresh process: 0.92-1.10 s against 0.67-0.78 s, five runs of
    each).  Reference counting still frees what is dropped at once; the few reference
    cycles wait for the collector's next run after the book.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


#: How a run reads the history: ``(partnership, year)`` to what the history holds before
#: that year (the previous year as closed, the shares in force).
Chain = Callable[[str, str], Prior]


def compute(book: Book, year: str | None, prior: Prior | None = None
            ) -> tuple[Result | None, list[Problem]]:
    """Result for a validated book, or the problems that stop it."""
    if year is not None and year not in book.year_labels:
        return None, [Problem("years", None, "year", f"{year} is not in the years table")]
    try:
        return run_year(book, year or default_year(book), prior), []
    except BookError as exc:
        return None, list(exc.problems)


def report_options(result: Result, prior: Prior | None) -> dict[str, Any]:
    """What the history says on the board report: FINAL with the approver, minute and
    board meeting (and the time of closing) when the year is closed from this same book
    (DRAFT otherwise), and last year's result as closed, for the comparison with last
    year."""
    approval = prior.approved(result.book.source_sha256) if prior is not None else None
    previous = (json.loads(prior.previous_json)
                if prior is not None and prior.previous_json else None)
    if approval is None:
        return {"status": "DRAFT", "previous": previous}
    return {"status": "FINAL", "approver": approval.approved_by,
            "minute": approval.minute or None, "approval": approval.words(),
            "previous": previous}


def render(result: Result, with_report: bool = True, generated: datetime | None = None,
           prior: Prior | None = None, changes: Sequence[str] = (),
           source_sha256: str | None = None) -> tuple[bytes, bytes]:
    """The JSON result and the board report, as bytes (the report DRAFT or FINAL, and
    compared with last year, as the history says: :func:`report_options`).  ``changes``
    made after the book was read are listed on its cover, with ``source_sha256``, the
    digest of the book as read.  FINAL needs the figures' own digest to be the one the
    board approved: a board decision overridden gives other figures, so a DRAFT; a year
    closed from edited tables is FINAL for those tables, its edits still listed."""
    from finance.core.jsonout import result_json

    js = json_bytes(result_json(result))
    report = b""
    if with_report:
        from finance.report import build_report

        report = build_report(result, generated=generated, changes=changes,
                              source_sha256=source_sha256, **report_options(result, prior))
    return js, report


def process(path: Path, year: str | None = None, with_report: bool = True,
            generated: datetime | None = None, chain: Chain | None = None) -> Outcome:
    """Read, validate, compute and render one book; never raises (except for a history
    database that cannot be read, :class:`finance.history.db.HistoryError`)."""
    t0 = time.perf_counter()
    out = Outcome(source=str(path), status="error")
    try:
        with collector_paused():
            _work(out, path, year, with_report, generated, chain)
    except HistoryError:  # the history database: the caller words it
        raise
    except Exception as exc:  # a defect, not bad input: report it, keep the batch going
        out.status = "error"
        out.error = f"{type(exc).__name__}: {exc}"
        out.problems.append(Problem(Path(path).name, None, None,
                                    "internal error: " + out.error))
        out.error += "\n" + traceback.format_exc()
    finally:
        out.seconds = time.perf_counter() - t0
    return out


def _work(out: Outcome, path: Path, year: str | None, with_report: bool,
          generated: datetime | None, chain: Chain | None = None) -> None:
    """:func:`process`'s steps, filling ``out``; raises only on a defect."""
    book, problems = load_book(path)
    out.problems = problems
    if book is None:
        out.status = "invalid"
        return
    out.partnership = book.settings.name
    if chain is not None and book.years and (year is None or year in book.year_labels):
        out.prior = chain(book.settings.name, year or default_year(book))
    result, more = compute(book, year, out.prior)
    if result is None:
        out.problems = problems + more
        out.status = "invalid"
        return
    out.result = result
    out.year = result.year
    out.json, out.report = render(result, with_report, generated, out.prior)
    out.status = "ok"


def close_problems(out: Outcome) -> list[Problem]:
    """What stops a good outcome from being closed: an opening the book gives that
    differs from the previous year as closed in the history (both figures named)."""
    if out.result is None or out.prior is None or out.prior.opening is None:
        return []
    row = next(y for y in out.result.book.years if y.year == out.result.year)
    return opening_differences(row, out.prior.opening, "error")


def write_outcome(out: Outcome, out_dir: Path) -> list[Path]:
    """Write a good outcome's JSON and report under ``out_dir``; nothing for a bad one."""
    if out.status != "ok":
        return []
    paths = []
    jp = out_dir / f"{out.stem}.json"
    atomic_write(jp, out.json)
    paths.append(jp)
    if out.report:
        rp = out_dir / f"{out.stem}.xlsx"
        atomic_write(rp, out.report)
        paths.append(rp)
    out.written = paths
    return paths
