"""The compact layout's Checks sheet: every reconciliation the other sheets added, as a
live TRUE/FALSE formula (not printed; the cover says whether they all hold)."""

from __future__ import annotations

from finance.report.compact.sheet import Report, Sheet

__all__ = ["write"]


def write(rep: Report) -> int:
    """The sheet; returns its last row."""
    sh = Sheet(rep, "Checks", [70, 12], "Checks",
               f"Every reconciliation as a live TRUE/FALSE formula: {len(rep.checks):,} "
               f"checks (sheet Checks, rows 4-{3 + len(rep.checks):,}), not printed; the "
               "Cover says whether they all hold.", header_row=True)
    sh.header(["Check", "Holds"])
    sh.ws.print_area(0, 0, 1, 1)
    for label, formula in rep.checks:
        sh.put(0, label)
        sh.formula(1, formula, True, "check")
        sh.next()
    return sh.row
