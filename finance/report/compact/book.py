"""The compact board report assembled: which books get it (:func:`is_large`), and the
workbook, its sheets made in reading order (:func:`large_report`)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from finance import __version__
from finance.core.run import Result
from finance.report.compact import (
    checks,
    contributions,
    cover,
    investments,
    ledger,
    monitoring,
    services,
    settlement,
    year_end,
)
from finance.report.compact.sheet import Report

__all__ = ["LARGE_LEDGER_LINES", "LARGE_SERVICE_LINES", "is_large", "large_report"]

#: above this many ledger lines a book gets the compact layout
LARGE_LEDGER_LINES = 5_000
#: above this many service participant lines a book gets the compact layout
LARGE_SERVICE_LINES = 2_000


def is_large(result: Result) -> bool:
    """Whether ``result``'s book is big enough for the compact layout."""
    lines = sum(len(s.lines) for s in result.services)
    return len(result.book.ledger) > LARGE_LEDGER_LINES or lines > LARGE_SERVICE_LINES


def large_report(result: Result, generated: datetime, *, status: str = "DRAFT",
                 approver: str | None = None, minute: str | None = None,
                 changes: Sequence[str] = (), source_sha256: str | None = None,
                 approval: str | None = None) -> bytes:
    """The compact board report's ``.xlsx`` bytes."""
    return _build(Report(result, generated, status, approver, minute, changes,
                         source_sha256, approval))


def _build(rep: Report) -> bytes:
    """Every sheet, then the workbook's bytes."""
    # sheets are made in reading order; each is written top to bottom (the cover's
    # body last, once the checks are known)
    r = rep.result
    cover_sheet = cover.start(rep)
    total_ref, _ = contributions.write(rep)
    year_end.write(rep, total_ref, max(3 + r.book.ledger.lines_in(r.year), 4))
    ledger.write(rep)
    services.write(rep)
    settlement.write(rep)
    investments.write(rep)
    monitoring.write(rep)
    last = checks.write(rep)
    cover.write(rep, cover_sheet, last)
    return rep.mb.finish(rep.generated,
                         title=f"{r.book.settings.name}: board report {r.year}",
                         creator=f"mkip-finance {__version__}")
