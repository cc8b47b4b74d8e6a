"""The Monitoring tab (Annex A §4.1, §5.1): savings against predicted, the quarterly budget,
performance and its flags, and the charts.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pandas as pd

from finance.appdata.charts import (
    SLATE,
    TEAL,
    altair_module,
    finish,
    money_x,
    tips,
)
from finance.appdata.formats import gbp, pct_text, pounds
from finance.appdata.tables import (
    INT,
    MONEY,
    PCT,
    RAG,
    RAG_COLOURS,
    TOTAL,
    Metric,
    Table,
    rag_label,
)
from finance.core.run import Result

if TYPE_CHECKING:
    import altair as alt


def monitoring_metrics(r: Result) -> list[Metric]:
    m = r.monitoring
    t = m.savings.total
    latest = max((b.quarter for b in m.budget if b.year == r.year), default=None)
    reds = sum(1 for b in m.budget if b.year == r.year and b.quarter == latest
               and b.rag == "red")
    return [
        Metric("Savings delivered", gbp(t.actual), f"Predicted {gbp(t.predicted)}"),
        Metric("Delivered against predicted", pct_text(t.pct_delivered),
               f"RAG {rag_label(t.rag)}: green at 95% or more, amber at 75%"),
        Metric("Budget lines over tolerance", f"{reds}",
               "Red: forecast more than 5% over, in the latest quarter reported"
               + ("" if latest is None else f" (quarter {latest})")),
        Metric("Services flagged to the Board", f"{len(m.performance.flags)}",
               "Majority of indicators missed for 3 quarters running (Annex A §4.1)"),
    ]


def savings_table(r: Result) -> Table:
    s = r.monitoring.savings
    rows: list[dict[str, Any]] = [
        {"Service": x.service, "Year": x.year, "Predicted": x.predicted, "Actual": x.actual,
         "Variance": x.variance, "Delivered": x.pct_delivered, "RAG": x.rag} for x in s.rows]
    if s.rows:
        t = s.total
        rows.append({"Service": TOTAL, "Predicted": t.predicted, "Actual": t.actual,
                     "Variance": t.variance, "Delivered": t.pct_delivered, "RAG": t.rag})
    return Table(rows, ["Service", "Year", "Predicted", "Actual", "Variance", "Delivered",
                        "RAG"],
                 {"Predicted": MONEY, "Actual": MONEY, "Variance": MONEY, "Delivered": PCT,
                  "RAG": RAG},
                 {"Variance": "Actual less predicted; negative is a shortfall",
                  "RAG": "Green at 95% delivered or more, amber at 75% or more, else red"})


def budget_table(r: Result) -> Table:
    rows = [{"Quarter": f"Q{b.quarter}", "Line": b.line, "Budget": b.budget,
             "Actual to date": b.actual_to_date, "Forecast outturn": b.forecast_outturn,
             "Variance": b.variance, "Variance %": b.variance_pct, "Spent": b.spent_pct,
             "RAG": b.rag} for b in r.monitoring.budget]
    return Table(rows, ["Quarter", "Line", "Budget", "Actual to date", "Forecast outturn",
                        "Variance", "Variance %", "Spent", "RAG"],
                 {"Budget": MONEY, "Actual to date": MONEY, "Forecast outturn": MONEY,
                  "Variance": MONEY, "Variance %": PCT, "Spent": PCT, "RAG": RAG},
                 {"Variance": "Forecast outturn less budget; positive is an overspend",
                  "RAG": "Green on or under budget, amber up to 5% over, red beyond"})


def performance_table(r: Result) -> Table:
    rows = [{"Service": q.service, "Year": q.year, "Quarter": f"Q{q.quarter}",
             "Indicators": q.indicators, "Missed": q.missed,
             "Result": "red" if q.missed_quarter else "green"}
            for q in r.monitoring.performance.quarters]
    return Table(rows, ["Service", "Year", "Quarter", "Indicators", "Missed", "Result"],
                 {"Indicators": INT, "Missed": INT, "Result": RAG},
                 {"Result": "Red when more than half the indicators were missed"})


def flag_sentences(r: Result) -> list[str]:
    return [f"{f.service}: majority of indicators missed for {f.quarters} consecutive "
            f"quarters, {f.start[0]} Q{f.start[1]} to {f.end[0]} Q{f.end[1]} — report to the "
            "partnership board (Annex A §4.1, Annex D f)"
            for f in r.monitoring.performance.flags]


def savings_chart(r: Result) -> alt.Chart:
    alt = altair_module()
    rows = []
    for x in r.monitoring.savings.rows:
        rows.append({"Service": x.service, "Measure": "Predicted",
                     "Amount": pounds(x.predicted), "Label": gbp(x.predicted),
                     "RAG": rag_label(x.rag)})
        rows.append({"Service": x.service, "Measure": "Delivered", "Amount": pounds(x.actual),
                     "Label": gbp(x.actual), "RAG": rag_label(x.rag)})
    df = pd.DataFrame(rows, columns=["Service", "Measure", "Amount", "Label", "RAG"])
    measures = ["Predicted", "Delivered"]
    chart = alt.Chart(df).mark_bar(cornerRadiusEnd=2).encode(
        y=alt.Y("Service:N", title=None),
        yOffset=alt.YOffset("Measure:N", sort=measures),
        x=money_x("Amount", "Savings"),
        color=alt.Color("Measure:N", scale=alt.Scale(domain=measures, range=[SLATE, TEAL])),
        tooltip=tips("Service:N", "Measure:N", ("Label:N", "Amount"), "RAG"))
    return finish(chart, 38)


def performance_chart(r: Result) -> alt.Chart:
    """RAG grid: each service's quarters, red where most indicators were missed."""
    alt = altair_module()
    flagged = {f.service for f in r.monitoring.performance.flags}
    rows = [{"Service": q.service + (" ⚑" if q.service in flagged else ""),
             "Quarter": f"{q.year} Q{q.quarter}",
             "Order": f"{q.year}-{q.quarter}",
             "Status": "Missed" if q.missed_quarter else "Met",
             "Label": f"{q.missed}/{q.indicators}"}
            for q in r.monitoring.performance.quarters]
    df = pd.DataFrame(rows, columns=["Service", "Quarter", "Order", "Status", "Label"])
    order = sorted(set(df["Order"]))
    qlabels = [df.loc[df["Order"] == o, "Quarter"].iloc[0] for o in order]
    base = alt.Chart(df).encode(
        x=alt.X("Quarter:N", sort=qlabels, title=None, axis=alt.Axis(labelAngle=0)),
        y=alt.Y("Service:N", title=None))
    cells = base.mark_rect(stroke="white", strokeWidth=2).encode(
        color=alt.Color("Status:N", scale=alt.Scale(domain=["Met", "Missed"],
                                                     range=[RAG_COLOURS["Green"],
                                                            RAG_COLOURS["Red"]])),
        tooltip=tips("Service:N", "Quarter:N", "Status:N", ("Label:N", "Indicators missed")))
    text = base.mark_text(fontSize=12, color="#333").encode(text=alt.Text("Label:N"))
    return finish(cells + text, 34)
