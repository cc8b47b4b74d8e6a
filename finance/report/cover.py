"""The Cover sheet: partnership, year, officers, key figures, warnings, contents, and the
sign-off block (prepared by, status, approval, and the section 151 officer of the
accountable body, §13.3).  Printed portrait."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from finance import __version__
from finance.core.problems import Problem
from finance.report.common import SCORE
from finance.report.context import Context
from finance.report.grid import Sheet
from finance.report.plain import board_warning, where
from finance.xlsx import GREY, MONEY, NAVY

__all__ = ["NAME", "PURPOSE", "changed_line", "warning_rows", "write"]

NAME = "Cover"

PURPOSE = {
    "Contributions": "Per-head contributions for the year (§13.2)",
    "Year end": "Fund account, refund or carry-over, statement per party (§13.2-§13.3)",
    "Shared services": "Cost split of each shared service, largest remainder (§18.1, §13.4)",
    "Settlement": "What each party owes the others, netted to one payment per pair (§18.1)",
    "Investments": "Five-year investment cases and the partnership score (Annex A §5.2)",
    "Monitoring": "Savings delivered, quarterly budget and performance (Annex A §4.1, §5.1)",
    "Inputs": "Appendix: figures from the input book that the formulas use",
    "Workings": "Appendix: every largest-remainder split, step by step",
    "Checks": "Appendix: reconciliations and agreement with the calculation engine",
}

_LINE = ("thin", "000000")


def changed_line(n: int) -> str:
    """The cover's warning that the figures include changes not in the input book.

    >>> changed_line(2)
    'With 2 changes not in the input book: see "Changes made after the book was read".'
    """
    what = "1 change" if n == 1 else f"{n} changes"
    return (f'With {what} not in the input book: see "Changes made after the book was '
            'read".')


def warning_rows(sh: Sheet, row: int, w: Problem, names: Mapping[str, str]) -> int:
    """A warning at ``row``: the label and the board's sentence aligned at the top of
    the row, then where it is in the book on a smaller grey line; the next free row."""
    sh.text(row, 1, "Warning", color="9C5700", bold=True, align="left", wrap=True)
    sh.text(row, 2, board_warning(w, names), wrap=True)
    sh.text(row + 1, 2, where(w), italic=True, color=GREY, size=8)
    sh.heights[row + 1] = 11
    return row + 2


def write(ctx: Context, contents: Sequence[str]) -> None:
    r, s, gov = ctx.result, ctx.book.settings, ctx.result.governance
    sh = Sheet(ctx.book_, NAME, [34, 92])
    sh.freeze = None
    sh.repeat = None
    sh.landscape = False
    sh.text(1, 1, s.name, bold=True, size=18, color=NAVY)
    sh.text(2, 1, f"Board report: year end {r.year}", bold=True, size=14, color=NAVY)
    sh.heights[1] = 28
    sh.heights[2] = 22
    draft = ctx.status.upper() != "FINAL"
    sh.text(3, 1, f"Status: {ctx.status.upper()}", bold=True, size=12,
            color="C00000" if draft else "006100")
    if ctx.changes:
        sh.text(4, 1, changed_line(len(ctx.changes)), bold=True, color="C00000")
    row = sh.section(5, "About this report")
    facts: list[tuple[str, str]] = [
        ("Partnership", s.name),
        ("Financial year", f"{r.year} (1 April {r.year[:4]} to 31 March "
                           f"{int(r.year[:4]) + 1})"),
        ("Chair", ctx.party_name(gov.chair)),
        ("Vice-chair", ctx.party_name(gov.vice_chair)),
        ("Host authority", ctx.party_name(gov.host)),
        ("Accountable body", ctx.party_name(gov.accountable_body)),
        ("Generated", ctx.generated.strftime("%d %B %Y %H:%M %Z").strip()),
        ("Software", f"mkip-finance {__version__}"),
        ("SHA-256 of the input book", (ctx.source_sha256 or ctx.book.source_sha256
                                       or "not recorded")
         + (" (as read, before the changes below)" if ctx.changes else "")),
    ]
    for label, v in facts:
        sh.text(row, 1, label, bold=True)
        sh.text(row, 2, v)
        row += 1
    row += 1
    if ctx.changes:
        row = sh.section(row, "Changes made after the book was read",
                         "These figures are not those of the input book as given.")
        for i, change in enumerate(ctx.changes, 1):
            sh.text(row, 1, f"Change {i}", bold=True, color="C00000")
            sh.text(row, 2, change, wrap=True)
            row += 1
        row += 1
    row = sh.section(row, "Key figures")
    figures: list[tuple[str, str, str]] = [
        ("Contributions received", ctx.contributions_total, MONEY),
        ("Available funds", ctx.year_end["available"], MONEY),
        ("Uncommitted balance", ctx.year_end["uncommitted"], MONEY),
        ("Refund to the parties", ctx.year_end["refund"], MONEY),
        ("Carried over to next year", ctx.year_end["carry_over"], MONEY),
    ]
    if ctx.services.total is not None:
        figures.append(("Shared services net cost", ctx.services.total, MONEY))
    if ctx.portfolio_npv is not None and ctx.portfolio_score is not None:
        figures.append(("Investment portfolio NPV", ctx.portfolio_npv, MONEY))
        figures.append(("Overall partnership investment score", ctx.portfolio_score, SCORE))
    for label, ref, fmt in figures:
        sh.text(row, 1, label)
        sh.formula(row, 2, ref, fmt, bold=True, align="left")
        row += 1
    c, a = ctx.check_range, ctx.agree_range
    sh.text(row, 1, "Checks")
    sh.formula(row, 2, f'COUNTIF({c},TRUE)&" of "&ROWS({c})&" reconciliations hold; "&'
                       f'COUNTIF({a},TRUE)&" of "&ROWS({a})&" figures agree with the engine"',
               bold=True)
    row += 1
    if ctx.flags:
        sh.text(row, 1, "Performance flags", bold=True, color="9C0006")
        sh.text(row, 2, "; ".join(ctx.flags), color="9C0006", wrap=True)
        row += 1
    row += 1
    row = sh.section(row, "Warnings")
    if r.warnings:
        names = {p.code: p.name for p in ctx.book.parties}
        for w in r.warnings:
            row = warning_rows(sh, row, w, names)
    else:
        sh.text(row, 2, "None")
        row += 1
    row += 1
    row = sh.section(row, "Contents", "Board pages first; the appendix (Inputs, Workings, "
                     "Checks) holds the figures and workings behind them.")
    for name in contents:
        sh.link(row, 1, name, name)
        sh.text(row, 2, PURPOSE.get(name, f"{name.removeprefix('Statement ')}'s share of the "
                                          "fund, service charges, settlement and net cash"))
        row += 1
    row += 1
    row = sh.section(row, "How to read this workbook")
    for line in (
        "Blue figures on Inputs are copied from the input book; every other figure is a live "
        "formula that can be traced back to them.",
        "Money is in pounds, rounded to the penny half away from zero, once, where the rule "
        "says; splits between parties use the largest-remainder method so that shares add up "
        "to the total exactly.",
        "Largest remainder: each share is floored to the penny and the pennies left go to the "
        "largest remainders; ties go to the larger weight, then to the party code in "
        "alphabetical order.",
        "The Checks sheet shows every reconciliation and compares each key figure with the "
        "calculation engine's own.",
    ):
        sh.text(row, 2, line, wrap=True)
        sh.heights[row] = 28
        row += 1
    row += 1
    _sign_off(ctx, sh, row)


def _sign_off(ctx: Context, sh: Sheet, row: int) -> None:
    s = ctx.book.settings
    row = sh.section(row, "Sign-off")
    prepared = getattr(s, "prepared_by", None)
    sh.text(row, 1, "Prepared by", bold=True)
    if prepared:
        sh.text(row, 2, str(prepared))
    else:
        sh.text(row, 2, "")
        sh.cells[(row, 2)].style["bottom"] = _LINE
    row += 1
    sh.text(row, 1, "Status", bold=True)
    sh.text(row, 2, ctx.status.upper() + (" (not yet approved by the Board)"
                                          if ctx.status.upper() != "FINAL" else ""),
            bold=True, color="C00000" if ctx.status.upper() != "FINAL" else "006100")
    row += 1
    if ctx.approver:
        sh.text(row, 1, "Approved by", bold=True)
        sh.text(row, 2, ctx.approver)
        row += 1
    if ctx.minute:
        sh.text(row, 1, "Board minute reference", bold=True)
        sh.text(row, 2, ctx.minute)
        row += 1
    if ctx.approval:
        sh.text(row, 1, "Approved", bold=True)
        sh.text(row, 2, ctx.approval, wrap=True)
        if len(ctx.approval) > 85:  # two lines in the column's width
            sh.heights[row] = 28
        row += 1
    row += 1
    body = ctx.party_name(ctx.result.governance.accountable_body)
    sh.text(row, 1, "Section 151 officer of the accountable body", bold=True, wrap=True)
    sh.text(row, 2, body, wrap=True)
    row += 1
    sh.note(row, 2, "I confirm that these accounts of the partnership fund are, to the best "
            "of my knowledge, complete and correctly stated.")
    row += 2
    for label in ("Signature", "Name", "Date"):
        sh.text(row, 1, label)
        sh.text(row, 2, "")
        sh.cells[(row, 2)].style["bottom"] = _LINE
        sh.heights[row] = 26
        row += 1
