"""The compact layout's Contributions sheet: each voting party's per-head contribution as
a live formula (§13.2), with the total; ``RatePerHead`` names the rate."""

from __future__ import annotations

from finance.report import rules
from finance.report.compact.sheet import Report, Sheet
from finance.xlsx import pounds

__all__ = ["write"]


def write(rep: Report) -> tuple[str, str]:
    """The sheet; returns where the total contribution is and the range of the
    contributions."""
    r = rep.result
    c = r.contributions
    sh = Sheet(rep, "Contributions", [12, 36, 14, 12, 10, 12, 16, 12],
               f"Contributions {r.year}",
               "Each voting party pays rate x population x months / 12 pence, rounded "
               "once, half away from zero (§13.2).", header_row=True)
    sh.header(["Party", "Name", "Population", "Estimate", "Months", "Rate (pence)",
               "Contribution", "Share"])
    first = sh.row + 1
    last = first + len(c.lines) - 1
    total = c.total
    for x in c.lines:
        n = sh.row + 1
        sh.put(0, x.party)
        sh.put(1, x.name)
        sh.put(2, x.population, "input_int")
        sh.put(3, x.population_year, "input")
        sh.put(4, x.months, "int")
        sh.put(5, float(c.rate_pence), "input_rate")
        sh.formula(6, rules.contribution(f"F{n}", f"C{n}", f"E{n}"), pounds(x.amount))
        sh.formula(7, f"IF($G${last + 1}=0,0,G{n}/$G${last + 1})",
                   x.amount / total if total else 0, "share")
        sh.next()
    sh.put(0, "Total", "total_label")
    sh.put(1, "", "total_label")
    sh.formula(2, f"SUM(C{first}:C{last})", sum(x.population for x in c.lines),
               "total_int")
    for col in (3, 4, 5):
        sh.put(col, "", "total_label")
    sh.formula(6, f"ROUND(SUM(G{first}:G{last}),2)", pounds(total), "total_money")
    sh.formula(7, f"SUM(H{first}:H{last})",
               sum(x.amount for x in c.lines) / total if total else 0, "share")
    total_row = sh.next()
    rep.keys.append(("Contributions received", sh.ref(total_row, "G"), pounds(total)))
    if c.lines:
        rep.mb.define_name("RatePerHead", sh.ref(first, "F"))
    rep.checks.append(("Contributions add up to the total",
                       f"ABS(SUM(Contributions!G{first}:G{last})-{pounds(c.total)})"
                       "<0.005"))
    return sh.ref(total_row, "G"), f"Contributions!$G${first}:$G${last}"
