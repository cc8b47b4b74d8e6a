"""The compact board report for a large book: the public names of
:mod:`finance.report.compact`, where the layout is written, one module per sheet
(see that package for which module holds which sheet)."""

from __future__ import annotations

from finance.report.compact.book import (
    LARGE_LEDGER_LINES,
    LARGE_SERVICE_LINES,
    is_large,
    large_report,
)
from finance.report.compact.cover import COVER_WARNINGS, NOT_LIVE
from finance.report.compact.investments import TOP_INVESTMENTS
from finance.report.compact.monitoring import TOP_MONITORING
from finance.report.compact.services import TOP_SERVICES
from finance.report.compact.settlement import TOP_PAYMENTS
from finance.report.compact.sheet import NONE, SHEETS, rest_of

__all__ = ["COVER_WARNINGS", "LARGE_LEDGER_LINES", "LARGE_SERVICE_LINES", "NONE", "NOT_LIVE",
           "SHEETS", "TOP_INVESTMENTS", "TOP_MONITORING", "TOP_PAYMENTS", "TOP_SERVICES",
           "is_large", "large_report", "rest_of"]
