"""The Checks sheet: every reconciliation as a live TRUE/FALSE formula, then each key
figure of the workbook against the calculation engine's own.  The summary at the top
(whether every check holds, how many) prints; the lists below it are outside the print
area, for reading on screen."""

from __future__ import annotations

from finance.report.context import Context
from finance.report.grid import Sheet
from finance.xlsx import MONEY, pounds

__all__ = ["NAME", "write"]

NAME = "Checks"


def write(ctx: Context) -> None:
    sh = Sheet(ctx.book_, NAME, [70, 18, 18, 12])
    sh.title("Checks", "Every reconciliation is a live formula: TRUE when it holds. Then each "
             "key figure of this workbook against the calculation engine's own.")
    row = sh.section(4, "Summary")
    summary = row
    row += 3
    row = sh.section(row, "Reconciliations")
    row = sh.header(row, ["Check", "Holds"])
    first = row
    for chk in ctx.checks:
        sh.text(row, 1, chk.description)
        sh.formula(row, 2, chk.formula)
        row += 1
    last = max(row - 1, first)
    sh.grid(first, 1, row - 1, 2)
    sh.booleans(f"B{first}:B{last}")
    ctx.check_range = sh.rng(first, 2, last, 2)
    sh.repeat = None
    row += 1
    row = sh.section(row, "Agreement with the calculation engine",
                     "Workbook: the live formula. Engine: the figure the calculation engine "
                     "wrote when the report was made. They differ only if inputs were edited.")
    row = sh.header(row, ["Figure", "Workbook", "Engine", "Agree"])
    a_first = row
    for k in ctx.keys:
        sh.text(row, 1, k.label)
        if k.kind == "money":
            assert isinstance(k.value, int)
            sh.formula(row, 2, k.ref, MONEY)
            sh.value(row, 3, pounds(k.value), MONEY, input_=False)
            sh.formula(row, 4, f"ROUND(B{row},2)=ROUND(C{row},2)")
        elif k.kind == "ratio":
            sh.formula(row, 2, k.ref, "0.0000")
            if k.value is None:
                sh.text(row, 3, "none", align="right")
                sh.formula(row, 4, f"NOT(ISNUMBER(B{row}))")
            else:
                assert isinstance(k.value, float | int)
                sh.value(row, 3, float(k.value), "0.0000", input_=False)
                sh.formula(row, 4, f"IF(ISNUMBER(B{row}),ABS(B{row}-C{row})<=1E-9*MAX(1,"
                                   f"ABS(C{row})),FALSE)")
        else:
            sh.formula(row, 2, k.ref)
            sh.text(row, 3, "" if k.value is None else k.value, align="right")
            sh.formula(row, 4, f"EXACT(B{row},C{row})")
        row += 1
    if ctx.keys:
        sh.grid(a_first, 1, row - 1, 4)
        sh.booleans(f"D{a_first}:D{row - 1}")
    ctx.agree_range = sh.rng(a_first, 4, max(row - 1, a_first), 4)
    c, a = ctx.check_range, ctx.agree_range
    sh.text(summary, 1, "Every reconciliation holds")
    sh.formula(summary, 2, f"AND({c})", bold=True)
    sh.formula(summary, 3, f'COUNTIF({c},TRUE)&" of "&ROWS({c})', align="right")
    sh.text(summary + 1, 1, "Every key figure agrees with the calculation engine (listed "
            "below the printed page)")
    sh.formula(summary + 1, 2, f"AND({a})", bold=True)
    sh.formula(summary + 1, 3, f'COUNTIF({a},TRUE)&" of "&ROWS({a})', align="right")
    sh.booleans(f"B{summary}:B{summary + 1}")
    # the summary prints; the lists below it are for reading on screen
    sh.print_area = (1, 1, summary + 1, 4)
