"""The full board report: the sheets in order, laid out, evaluated and written.

Board pages come first (cover, contributions, year end, shared services, settlement,
investments, monitoring), then the appendix (Inputs, Workings, Checks).  Sheets are
laid out in the order their formulas need (Inputs first, the Cover last, since it
quotes the others), then written in reading order.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from finance import __version__
from finance.core.run import Result
from finance.report import (
    checks,
    contributions,
    cover,
    inputs,
    investments,
    last_year,
    monitoring,
    services,
    settlement,
    statement,
    year_end,
)
from finance.report.context import Context, KeyFigure
from finance.report.grid import ReportBook, Sheet
from finance.xlsx import MemoryBook, hf_text

__all__ = ["SHEETS", "WORKINGS", "full_report", "sheet_names"]

WORKINGS = "Workings"

#: The sheets every full report has, in order; a statement sheet per paying party
#: follows the Year end (:func:`sheet_names`).
SHEETS = (cover.NAME, contributions.NAME, year_end.NAME, services.NAME, settlement.NAME,
          investments.NAME, monitoring.NAME, inputs.NAME, WORKINGS, checks.NAME)


def sheet_names(result: Result) -> list[str]:
    """The full report's sheets in order, statements included."""
    from finance.core.statements import statements

    after = SHEETS.index(year_end.NAME) + 1
    return [*SHEETS[:after], *(statement.sheet_name(s.party) for s in statements(result)),
            *SHEETS[after:]]


def full_report(result: Result, when: datetime, *, status: str = "DRAFT",
                approver: str | None = None, minute: str | None = None,
                previous: dict[str, Any] | None = None, changes: Sequence[str] = (),
                source_sha256: str | None = None, approval: str | None = None
                ) -> tuple[bytes, list[KeyFigure]]:
    """The board report's bytes and where its key figures are; ``previous`` (last year's
    result as closed) adds last year's figures and the change to the Contributions, Year
    end and Shared services sheets."""
    name = result.book.settings.name
    # the status on every printed page of every sheet, not only on the cover
    rb = ReportBook(hf_text(name), hf_text(f"{status} - Board report {result.year}: "),
                    hf_text(f"{name} {result.year}"), hf_text(f"mkip {__version__}"))
    ctx = Context(result, when, rb, status=status, approver=approver, minute=minute,
                  approval=approval, previous=previous, changes=tuple(changes),
                  source_sha256=source_sha256 or result.book.source_sha256)
    wk = Sheet(rb, WORKINGS, [16] + [14] * 13)
    wk.title("Workings: largest-remainder splits",
             "Every split between the parties, step by step in whole pence: floor, "
             "remainder, rank by remainder, then weight, then code order (the parties' "
             "alphabetical order, on Inputs); extra penny 1 = yes (§13.4).")
    wk.repeat = (1, 2)
    inputs.write(ctx)
    contributions.write(ctx)
    year_end.write(ctx)
    services.write(ctx)
    settlement.write(ctx)
    investments.write(ctx)
    monitoring.write(ctx)
    last_year.write(ctx)
    names = statement.write(ctx)
    checks.write(ctx)
    after = SHEETS.index(year_end.NAME) + 1
    order = [*SHEETS[:after], *names, *SHEETS[after:]]
    cover.write(ctx, order[1:])
    for sh in rb.sheets:
        sh.wrap_notes()  # row heights first: they decide where pages break
        if sh.name != cover.NAME and sh.max_row > 3 and not sh.tall:
            sh.paginate()
    mb = MemoryBook()
    rb.write(mb, order)
    data = mb.finish(when, title=f"{name}: board report {result.year}",
                     creator=f"mkip-finance {__version__}")
    return data, ctx.keys
