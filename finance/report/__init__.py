"""The Excel board report (docs/report.md): a workbook of live formulas an auditor can
trace, written with XlsxWriter.

:func:`build_report` turns a :class:`~finance.core.run.Result` into ``.xlsx`` bytes,
built in memory.  Board pages first, then the appendix:

``Cover``            partnership, year, officers, status and sign-off, generated time,
                     software version, the SHA-256 of the input book, warnings, key
                     figures and a linked contents
``Contributions``    per-head contributions (§13.2)
``Year end``         the fund account and the statement per party (§13.2-§13.3)
``Statement CODE``   one per paying party: its share of the fund, service charges,
                     settlement and net cash, one portrait page
``Shared services``  each service's net cost split between its parties (§18.1)
``Settlement``       obligations, one net payment per pair, net positions (§18.1)
``Investments``      five-year cash-flow profile, NPV, IRR, BCR, payback, scores,
                     sensitivity; portfolio and per-party returns (Annex A §5.2)
``Monitoring``       savings with RAG, quarterly budget, performance and board flags
                     (Annex A §4.1, §5.1)
``Inputs``           every figure from the book that a formula uses (blue), with defined
                     names for the key ones (``RatePerHead``, ``DiscountRate`` ...)
``Workings``         every largest-remainder split, step by step (§13.4)
``Checks``           every reconciliation as a TRUE/FALSE formula, then each key figure
                     against the calculation engine's own

Every formula cell carries its value (:mod:`finance.report.evaluate`), so a reader that
does not recalculate sees the figures; the workbook still asks for a full recalculation
on load.  The rules restated as formulas are in :mod:`finance.report.rules`.  A large
book gets the compact layout of :mod:`finance.report.large`.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from finance.core.run import Result
from finance.report.build import SHEETS, full_report, sheet_names
from finance.report.context import KeyFigure
from finance.report.large import LARGE_LEDGER_LINES, LARGE_SERVICE_LINES, is_large, large_report

__all__ = ["LARGE_LEDGER_LINES", "LARGE_SERVICE_LINES", "SHEETS", "STATUSES", "KeyFigure",
           "build_report", "generated_time", "is_large", "report_workbook", "sheet_names"]

#: What the cover may say of the report: a draft until the Board approves it.
STATUSES = ("DRAFT", "FINAL")


def generated_time(generated: datetime | None = None) -> datetime:
    """When a report is stamped as generated: ``generated``, else ``SOURCE_DATE_EPOCH``
    (seconds since 1970, the reproducible-builds convention), else now; always aware."""
    if generated is None:
        epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
        generated = (datetime.fromtimestamp(int(epoch), UTC) if epoch.isdigit()
                     else datetime.now(UTC))
    return generated if generated.tzinfo is not None else generated.replace(tzinfo=UTC)


def _status(status: str) -> str:
    s = status.strip().upper()
    if s not in STATUSES:
        raise ValueError(f"status must be one of {', '.join(STATUSES)}, not {status!r}")
    return s


def report_workbook(result: Result, generated: datetime | None = None, *,
                    status: str = "DRAFT", approver: str | None = None,
                    minute: str | None = None, previous: dict[str, Any] | None = None,
                    changes: Sequence[str] = (), approval: str | None = None
                    ) -> tuple[bytes, list[KeyFigure]]:
    """The full board report's ``.xlsx`` bytes and where its key figures are (whatever
    the size of the book)."""
    return full_report(result, generated_time(generated), status=_status(status),
                       approver=approver, minute=minute, previous=previous, changes=changes,
                       approval=approval)


def build_report(result: Result, generated: datetime | None = None, *, status: str = "DRAFT",
                 approver: str | None = None, minute: str | None = None,
                 previous: dict[str, Any] | None = None, changes: Sequence[str] = (),
                 source_sha256: str | None = None, approval: str | None = None) -> bytes:
    """The Excel board report for ``result`` as ``.xlsx`` bytes, built in memory.

    ``generated`` is the time printed on the cover (default: ``SOURCE_DATE_EPOCH`` if set,
    else now).  ``status`` is ``DRAFT`` (the default) or ``FINAL``; ``approver`` and
    ``minute`` (the Board minute reference) are shown on the cover when given, and
    ``approval``, where and when the Board approved the year and when it was closed
    (:func:`finance.core.chain.approval_words`).
    ``previous``, last year's result as closed in the history, adds last year's figures
    and the change to the Contributions, Year end and Shared services sheets.
    ``changes`` (one sentence each: a board decision overridden, a cell edited in the
    app) are listed on the cover, which then says the figures are not those of the input
    book as given and shows ``source_sha256``, the digest of that book as read (default:
    the result's).  The same
    result, time and status always give the same bytes.  A large book gets the compact
    layout of :mod:`finance.report.large` (without last year's comparison).
    """
    when = generated_time(generated)
    if is_large(result):
        return large_report(result, when, status=_status(status), approver=approver,
                            minute=minute, changes=changes, source_sha256=source_sha256,
                            approval=approval)
    data, _ = full_report(result, when, status=_status(status), approver=approver,
                          minute=minute, previous=previous, changes=changes,
                          source_sha256=source_sha256, approval=approval)
    return data
