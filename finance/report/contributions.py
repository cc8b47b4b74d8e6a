"""The Contributions sheet: each voting party's per-head contribution (§13.2)."""

from __future__ import annotations

from finance.report import rules
from finance.report.context import Context
from finance.report.grid import Chart, Sheet
from finance.xlsx import MONEY, WHOLE

__all__ = ["NAME", "write"]

NAME = "Contributions"


def write(ctx: Context) -> None:
    r, c = ctx.result, ctx.result.contributions
    refs = ctx.inputs
    sh = Sheet(ctx.book_, NAME, [12, 40, 14, 14, 10, 12, 18, 14])
    sh.freeze = 5
    sh.repeat = (4, 4)
    sh.title(f"Contributions {r.year}",
             "Each voting party pays rate x population x months / 12, rounded once to the "
             "penny, due on 1 April (§13.2).")
    row = sh.header(4, ["Party", "Name", "Population", "Estimate year", "Months",
                        "Rate (pence)", "Contribution (£)", "Share of total"])
    first = row
    last = first + len(c.lines) - 1
    for x in c.lines:
        sh.text(row, 1, x.party, bold=True)
        sh.text(row, 2, x.name)
        sh.formula(row, 3, refs.population[x.party], WHOLE)
        sh.formula(row, 4, refs.population_year[x.party])
        sh.formula(row, 5, refs.months_paying[x.party], "0")
        sh.formula(row, 6, "RatePerHead", "0.00##")
        sh.formula(row, 7, rules.contribution(f"F{row}", f"C{row}", f"E{row}"), MONEY)
        sh.formula(row, 8, f"IF($G${last + 1}=0,0,G{row}/$G${last + 1})", "0.00%")
        ctx.contributions[x.party] = sh.ref(row, 7)
        ctx.key(sh, row, 7, ("contribution", x.party), f"Contribution {x.party}", "money",
                x.amount)
        row += 1
    tr = row
    sh.text(tr, 1, "Total", bold=True)
    if c.lines:
        sh.grid(first, 1, last, 8)
        sh.formula(tr, 3, f"SUM(C{first}:C{last})", WHOLE)
        sh.formula(tr, 7, f"ROUND(SUM(G{first}:G{last}),2)", MONEY)
        sh.formula(tr, 8, f"SUM(H{first}:H{last})", "0.00%")
    else:
        sh.value(tr, 7, 0, MONEY, input_=False)
    sh.total_row(tr, 1, 8)
    ctx.contributions_total = sh.ref(tr, 7)
    ctx.key(sh, tr, 7, ("contribution_total",), "Contributions total", "money", c.total)
    sh.note(tr + 1, 1, "Contribution (pence) = ROUND(ROUND(rate x population x months / 12, "
            "6), 0): the inner ROUND removes binary noise before rounding half away from "
            "zero.")
    if r.contributions.warnings:
        sh.note(tr + 2, 1, "Population estimates older than the year are used: see the "
                "warnings on the Cover.")
    if c.lines:
        sh.charts.append(Chart(
            options={"type": "column"},
            series=[{"name": [NAME, first - 2, 6], "categories": [NAME, first - 1, 0, last - 1, 0],
                     "values": [NAME, first - 1, 6, last - 1, 6],
                     "data_labels": {"value": True, "num_format": "£#,##0"},
                     "fill": {"color": "#1F4E79"}}],
            anchor=(tr + 4, 2), title=f"Contributions by party, {r.year}", size=(16, 7.5),
            y_axis={"name": "£", "num_format": "£#,##0",
                    "major_gridlines": {"visible": True, "line": {"color": "#D9D9D9"}}},
            legend=False))
