"""The Investments tab (Annex A §5.2): each project's appraisal and score, the return to
each party, cash flows, sensitivity, and the charts.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from finance.appdata.charts import (
    NAVY,
    RED,
    SLATE,
    TEAL,
    altair_module,
    finish,
    money_x,
    tips,
)
from finance.appdata.formats import gbp, pounds, ratio_text
from finance.appdata.tables import (
    INT,
    MONEY,
    PCT,
    RATIO,
    SCORE,
    YEARS,
    Metric,
    Table,
    party_name,
)
from finance.core.run import Result

if TYPE_CHECKING:
    import altair as alt


def investment_metrics(r: Result) -> list[Metric]:
    pf = r.portfolio
    return [
        Metric("Projects", f"{len(r.investments)}"),
        Metric("Portfolio NPV", gbp(pf.npv), "Present value of benefits less costs"),
        Metric("Benefit-cost ratio", ratio_text(pf.bcr), "PV benefits / PV costs"),
        Metric("Overall investment score", ratio_text(pf.score, 1) + (
            " / 100" if pf.score is not None else ""),
               "Project scores weighted by PV of costs (Annex A §5.2)"),
    ]


def investments_table(r: Result) -> Table:
    rows = [{"Project": a.name, "Lead": a.lead, "PV costs": a.pv_costs,
             "PV benefits": a.pv_benefits, "NPV": a.npv, "BCR": a.bcr, "IRR": a.irr,
             "Payback": a.payback_years, "Discounted payback": a.discounted_payback_years}
            for a in r.investments]
    return Table(rows, ["Project", "Lead", "PV costs", "PV benefits", "NPV", "BCR", "IRR",
                        "Payback", "Discounted payback"],
                 {"PV costs": MONEY, "PV benefits": MONEY, "NPV": MONEY, "BCR": RATIO,
                  "IRR": PCT, "Payback": YEARS, "Discounted payback": YEARS},
                 {"PV costs": "Costs uplifted for optimism bias, discounted (Green Book)",
                  "IRR": "— where no single rate solves the cash flows",
                  "BCR": "Benefit-cost ratio: PV benefits / PV costs"})


def scores_table(r: Result) -> Table:
    rows = [{"Project": a.name, "Financial": a.financial_score,
             "Non-financial": a.non_financial_score, "Investment score": a.score,
             "Basis": "financial score only (no criteria scored)" if a.financial_only
             else "weighted"} for a in r.investments]
    return Table(rows, ["Project", "Financial", "Non-financial", "Investment score",
                        "Basis"],
                 {"Financial": SCORE, "Non-financial": SCORE, "Investment score": SCORE},
                 {"Financial": "BCR mapped through the value-for-money bands (0 to 100)",
                  "Non-financial": "Weighted mean of criteria a to j (§13.5), x 20",
                  "Investment score": "Financial weight x financial + the rest x "
                                      "non-financial"})


def party_returns_table(r: Result) -> Table:
    rows = [{"Party": p.party, "Council": party_name(r.book, p.party),
             "PV costs": p.pv_costs, "PV benefits": p.pv_benefits, "NPV": p.npv,
             "Return per £1": p.return_per_pound} for p in r.portfolio.parties]
    return Table(rows, ["Party", "Council", "PV costs", "PV benefits", "NPV",
                        "Return per £1"],
                 {"PV costs": MONEY, "PV benefits": MONEY, "NPV": MONEY,
                  "Return per £1": RATIO})


def sensitivity_table(r: Result) -> Table:
    """Each project's NPV under each other case (a row per case, a column per project,
    headed by its code with its name on hover), so the table keeps its width however
    many cases there are."""
    cases = [c for c, _ in r.investments[0].sensitivity] if r.investments else []
    codes = [a.project for a in r.investments]
    npv = {a.project: dict(a.sensitivity) for a in r.investments}
    rows = [{"Case": case[:1].upper() + case[1:], **{p: npv[p].get(case) for p in codes}}
            for case in cases]
    return Table(rows, ["Case", *codes], dict.fromkeys(codes, MONEY),
                 {**{a.project: f"{a.name}: NPV in each case" for a in r.investments},
                  "Case": "The appraisal again with one input changed"})


def switching_table(r: Result) -> Table:
    """How far each project's benefits can fall before its NPV is zero."""
    rows = [{"Project": a.name, "Switching value": a.switching_value}
            for a in r.investments]
    return Table(rows, ["Project", "Switching value"], {"Switching value": PCT},
                 {"Switching value": "How far benefits can fall before NPV is zero (none: "
                                     "the NPV is not positive to start with)"})


def cashflow_table(r: Result) -> Table:
    rows = [{"Project": a.name, "Year": t, "Costs with optimism bias": a.costs[t],
             "Benefits": a.benefits[t], "Net": a.net_flows[t],
             "Discount factor": a.discount_factors[t]}
            for a in r.investments for t in range(len(a.costs))]
    return Table(rows, ["Project", "Year", "Costs with optimism bias", "Benefits", "Net",
                        "Discount factor"],
                 {"Year": INT, "Costs with optimism bias": MONEY, "Benefits": MONEY,
                  "Net": MONEY, "Discount factor": RATIO})


def npv_chart(r: Result) -> alt.Chart:
    alt = altair_module()
    df = pd.DataFrame([{"Project": a.name, "NPV": pounds(a.npv), "Label": gbp(a.npv),
                        "Sign": "Positive" if a.npv >= 0 else "Negative"}
                       for a in r.investments], columns=["Project", "NPV", "Label", "Sign"])
    base = alt.Chart(df).encode(y=alt.Y("Project:N", sort="-x", title=None),
                                x=money_x("NPV", "Net present value"),
                                tooltip=tips("Project:N", ("Label:N", "NPV")))
    bars = base.mark_bar(cornerRadiusEnd=3).encode(
        color=alt.Color("Sign:N", scale=alt.Scale(domain=["Positive", "Negative"],
                                                  range=[TEAL, RED]), legend=None))
    return finish(bars, 40)


def score_chart(r: Result) -> alt.Chart:
    alt = altair_module()
    rows = []
    for a in r.investments:
        rows.append({"Project": a.name, "Part": "Investment score", "Score": a.score})
        rows.append({"Project": a.name, "Part": "Financial", "Score": a.financial_score})
        if a.non_financial_score is not None:
            rows.append({"Project": a.name, "Part": "Non-financial",
                         "Score": a.non_financial_score})
    df = pd.DataFrame(rows, columns=["Project", "Part", "Score"])
    parts = ["Investment score", "Financial", "Non-financial"]
    chart = alt.Chart(df).mark_bar(cornerRadiusEnd=2).encode(
        y=alt.Y("Project:N", title=None),
        yOffset=alt.YOffset("Part:N", sort=parts),
        x=alt.X("Score:Q", scale=alt.Scale(domain=[0, 100]), title="Score (0 to 100)"),
        color=alt.Color("Part:N", scale=alt.Scale(domain=parts, range=[NAVY, TEAL, SLATE]),
                        # one above another: side by side they are wider than the bars
                        # beside long project names, and the last one was cut off
                        legend=alt.Legend(direction="vertical")),
        tooltip=tips("Project:N", "Part:N", ("Score:Q", "Score", ".1f")))
    return finish(chart, 54)
