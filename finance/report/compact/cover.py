"""The compact layout's Cover: status, the facts of the report, whether every check
holds, the key figures, any changes made after the book was read, why the
largest-remainder step is not live here, contents, warnings and the sign-off block.
Printed portrait.  The sheet is made first (it comes first in the workbook) and its body
written last, once every other sheet has added its checks and key figures."""

from __future__ import annotations

from typing import Any

from finance import __version__
from finance.report.compact.sheet import NONE, SHEETS, Report, Sheet
from finance.report.cover import changed_line
from finance.report.grid import ROW_HEIGHT, wrapped_lines
from finance.report.plain import board_warning, where

__all__ = ["COVER_WARNINGS", "NOT_LIVE", "start", "write"]

#: how many warnings the cover lists (all are in the JSON result)
COVER_WARNINGS = 40

NOT_LIVE = ("In this compact layout the largest-remainder step of each shared service "
            "(floor, remainder rank, extra penny) is written as the calculation engine's "
            "figures, not as formulas: a live rank compares every participant of a service "
            "with every other, work that grows with the square of the rows and would make a "
            "spreadsheet program crawl on a book this large. Each share is a live formula "
            "from those figures, and the Checks sheet adds the shares up to each service's "
            "net cost.")


def start(rep: Report) -> Sheet:
    """The Cover sheet with its title and note; the body comes later (:func:`write`)."""
    r = rep.result
    return Sheet(rep, "Cover", [34, 90], r.book.settings.name,
                 f"Board report: year end {r.year} (compact layout for a large book)",
                 portrait=True)


def write(rep: Report, sh: Sheet, checks_last: int) -> None:
    """The cover's body, written last: it says whether every check holds (the checks
    are on rows 4 to ``checks_last`` of the Checks sheet)."""
    g = rep.result.governance.as_json()
    _facts(rep, sh, g, checks_last)
    _key_figures(rep, sh)
    _about(sh)
    _warnings(rep, sh)
    _sign_off(rep, sh, g)


def _facts(rep: Report, sh: Sheet, g: dict[str, Any], checks_last: int) -> None:
    """The status, the facts of the report and whether every check holds."""
    r = rep.result
    sh.put(0, f"Status: {rep.status}", "status")
    sh.next()
    if rep.changes:
        sh.put(0, changed_line(len(rep.changes)), "status")
        sh.next()
    sh.blank()
    facts = [("Partnership", r.book.settings.name), ("Financial year", r.year),
             ("Chair", g.get("chair")), ("Vice-chair", g.get("vice_chair")),
             ("Host authority", g.get("host")),
             ("Accountable body", g.get("accountable_body")),
             ("Generated", rep.generated.strftime("%d %B %Y %H:%M UTC")),
             ("Software", f"mkip-finance {__version__}"),
             ("SHA-256 of the input book", rep.source_sha256
              + (" (as read, before the changes below)" if rep.changes else ""))]
    for label, value in facts:
        sh.put(0, label, "label")
        sh.put(1, value or "-")
        sh.next()
    sh.put(0, "Checks", "label")
    rng = f"Checks!$B$4:$B${max(checks_last, 4)}"
    sh.formula(1, f'IF(AND({rng}),"all "&ROWS({rng})&" checks hold",'
                  f'"a check fails: see the Checks sheet")',
               f"all {len(rep.checks)} checks hold", "check")
    sh.next()


def _key_figures(rep: Report, sh: Sheet) -> None:
    """The key figures the other sheets gave (a formula where there is one), then the
    changes made after the book was read, if any."""
    sh.section("Key figures")
    for label, ref, value in rep.keys:
        sh.put(0, label)
        if ref is None:
            sh.put(1, value, "money")
        else:
            sh.formula(1, ref, value)
        sh.next()
    if rep.changes:
        sh.section("Changes made after the book was read")
        for i, change in enumerate(rep.changes, 1):
            sh.put(0, f"Change {i}", "label")
            sh.put(1, change)
            sh.next()


def _about(sh: Sheet) -> None:
    """Why the largest-remainder step is not live in this layout, and the contents."""
    sh.section("About this layout")
    sh.put(1, NOT_LIVE, "wrap")
    sh.ws.set_row(sh.row, 80)
    sh.next()
    sh.section("Contents")
    for name in SHEETS[1:]:
        sh.ws.write_url(sh.row, 0, f"internal:'{name}'!A1", sh.f("link"), string=name)
        sh.next()


def _warnings(rep: Report, sh: Sheet) -> None:
    """The first :data:`COVER_WARNINGS` warnings in board words, each with where it is
    in the book."""
    r = rep.result
    sh.section("Warnings")
    names = {p.code: p.name for p in r.book.parties}
    for w in r.warnings[:COVER_WARNINGS]:
        sh.put(0, "Warning", "warn_label")
        text = board_warning(w, names)
        sh.put(1, text, "wrap")
        sh.ws.set_row(sh.row, 12.75 * max(1, -(-int(len(text) * 1.1) // 90)) + 2)
        sh.next()
        sh.put(1, where(w), "where")
        sh.next()
    if len(r.warnings) > COVER_WARNINGS:
        sh.put(1, f"... and {len(r.warnings) - COVER_WARNINGS:,} more (all are in the "
                  "JSON result)", "more")
        sh.next()
    if not r.warnings:
        sh.put(1, NONE)
        sh.next()


def _sign_off(rep: Report, sh: Sheet, g: dict[str, Any]) -> None:
    """Prepared by, status, approval, the section 151 officer, and lines to sign."""
    sh.section("Sign-off")
    prepared = getattr(rep.result.book.settings, "prepared_by", None)
    rows: list[tuple[str, str | None]] = [("Prepared by", prepared),
                                          ("Status", rep.status)]
    if rep.approver:
        rows.append(("Approved by", rep.approver))
    if rep.minute:
        rows.append(("Board minute reference", rep.minute))
    if rep.approval:
        rows.append(("Approved", rep.approval))
    rows.append(("Section 151 officer of the accountable body",
                 g.get("accountable_body") or "-"))
    rows += [("Signature", None), ("Name", None), ("Date", None)]
    for label, value in rows:
        sh.put(0, label, "label wrap")
        if wrapped_lines(label, 34, bold=True) > 1:
            sh.set_height(ROW_HEIGHT * wrapped_lines(label, 34, bold=True) + 2)
        sh.put(1, value if value else "", "text wrap" if value else "line")
        sh.next()
