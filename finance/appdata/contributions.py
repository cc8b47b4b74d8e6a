"""The Contributions tab (§13.2): each party's per-head contribution, its workings, and the
chart.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pandas as pd

from finance.appdata.charts import (
    altair_module,
    finish,
    money_x,
    party_scale,
    tips,
)
from finance.appdata.formats import gbp, pence_text, pounds
from finance.appdata.tables import (
    INT,
    MONEY,
    PCT,
    TOTAL,
    Metric,
    Table,
)
from finance.core.run import Result

if TYPE_CHECKING:
    import altair as alt


def contribution_metrics(r: Result) -> list[Metric]:
    c = r.contributions
    pop = sum(x.population for x in c.lines)
    return [
        Metric("Total contributions", gbp(c.total), "Due on 1 April (§13.2)"),
        Metric("Rate per head", pence_text(c.rate_pence), "Pence per head of population"),
        Metric("Population covered", f"{pop:,}", "Latest estimates not after the year"),
        Metric("Paying parties", f"{len(c.lines)}", "Voting parties that are members"),
    ]


def contributions_table(r: Result) -> Table:
    c = r.contributions
    rows: list[dict[str, Any]] = [
        {"Party": x.party, "Council": x.name, "Population": x.population,
         "Estimate": x.population_year + (" (old)" if x.population_year < r.year else ""),
         "Months": x.months, "Weight": x.weight, "Contribution": x.amount}
        for x in c.lines]
    if c.lines:
        rows.append({"Party": TOTAL, "Population": sum(x.population for x in c.lines),
                     "Weight": 1.0, "Contribution": c.total})
    return Table(rows, ["Party", "Council", "Population", "Estimate", "Months", "Weight",
                        "Contribution"],
                 {"Population": INT, "Months": INT, "Weight": PCT, "Contribution": MONEY},
                 {"Weight": "The party's share of contributions: its weight for the "
                            "year-end splits (§13.2)",
                  "Estimate": "Year of the population estimate used (the latest not after "
                              "the year); (old): older than the year run, so out of date",
                  "Months": "Whole months of membership in the year (§13.2)",
                  "Contribution": "Rate x population x months / 12, rounded once to the "
                                  "penny"})


def contribution_workings(r: Result) -> list[str]:
    """Each party's contribution worked through, as a finance officer would check it:
    ``Maidstone Borough Council: 30p x 142,800 = £42,840.00``."""
    c = r.contributions
    out = []
    for x in c.lines:
        months = "" if x.months == 12 else f" x {x.months}/12 months"
        out.append(f"{x.name}: {pence_text(c.rate_pence)} x {x.population:,} "
                   f"({x.population_year} estimate){months} = {gbp(x.amount)}")
    return out


def contributions_chart(r: Result) -> alt.Chart:
    alt = altair_module()
    df = pd.DataFrame([{"Party": x.party, "Council": x.name, "Amount": pounds(x.amount),
                        "Label": gbp(x.amount)} for x in r.contributions.lines])
    base = alt.Chart(df).encode(
        y=alt.Y("Party:N", sort="-x", title=None),
        x=money_x("Amount", "Contribution"),
        tooltip=tips("Council:N", ("Label:N", "Contribution")))
    bars = base.mark_bar(cornerRadiusEnd=3).encode(
        color=alt.Color("Party:N", legend=None,
                        scale=party_scale(df["Party"], [p.code for p in r.book.parties])))
    text = base.mark_text(align="left", dx=4, color="#333").encode(text=alt.Text("Label:N"))
    return finish(bars + text, 40)
