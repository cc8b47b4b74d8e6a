"""The Year end tab (§13.2, §13.3): the fund account, each party's refund or carry-over,
exit settlements, and the chart.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pandas as pd

from finance.appdata.charts import (
    NAVY,
    TEAL,
    altair_module,
    finish,
    money_x,
    tips,
)
from finance.appdata.formats import gbp, pct_text, pounds
from finance.appdata.tables import (
    BOLD,
    MONEY,
    TOTAL,
    Metric,
    Table,
    party_name,
)
from finance.core.run import Result

if TYPE_CHECKING:
    import altair as alt


def year_end_metrics(r: Result) -> list[Metric]:
    ye = r.year_end
    unc_label = "Deficit" if ye.deficit else "Uncommitted at 31 March"
    return [
        Metric("Available", gbp(ye.available), "Openings, contributions, funding and "
               "income, less admin recharge"),
        Metric(unc_label, gbp(ye.uncommitted), "Available less spend and commitments"),
        Metric(f"Refund ({pct_text(ye.refund_share)})", gbp(ye.refund),
               "Returned to the parties in proportion to contributions (§13.2)"),
        Metric("Carried over", gbp(ye.carry_over), "Next year's opening balance"),
    ]


def fund_account_table(r: Result) -> Table:
    ye = r.year_end
    lines = [
        ("Opening balance", ye.opening_balance, False),
        ("Opening commitments", ye.opening_commitments, False),
        ("Contributions", ye.contributions, False),
        ("External funding", ye.external_funding, False),
        ("Income", ye.income, False),
        ("Less admin recharge", -ye.admin_recharge, False),
        ("Available", ye.available, True),
        ("Less spend", -ye.spend, False),
        ("Less commitments at 31 March", -ye.commitments, False),
        ("Deficit" if ye.deficit else "Uncommitted", ye.uncommitted, True),
        (f"Less refund to parties ({pct_text(ye.refund_share)})", -ye.refund, False),
        ("Carried over to next year", ye.carry_over, True),
    ]
    return Table([{"Line": a, "Amount": b, BOLD: bold} for a, b, bold in lines],
                 ["Line", "Amount"], {"Amount": MONEY})


def year_end_parties_table(r: Result) -> Table:
    ye = r.year_end
    names = {x.party: x.name for x in r.contributions.lines}
    fields = (("Contribution", "contribution"), ("Share of spend", "spend"),
              ("Refund due", "refund"), ("Share carried over", "carry_over"),
              ("Supplementary", "supplementary"))
    rows: list[dict[str, Any]] = [
        {"Party": x.party, "Council": names.get(x.party, x.party),
         **{k: getattr(x, a) for k, a in fields}} for x in ye.parties]
    if ye.parties:
        rows.append({"Party": TOTAL, **{k: sum(getattr(x, a) for x in ye.parties)
                                        for k, a in fields}})
    money = [k for k, _ in fields]
    return Table(rows, ["Party", "Council", *money], dict.fromkeys(money, MONEY),
                 {"Supplementary": "What the party would pay to clear a deficit",
                  "Share of spend": "Spend shared on the contribution weights"})


def exits_table(r: Result) -> Table:
    rows = [{"Party": e.party, "Notice given": e.notice_given.isoformat() if e.notice_given
             else "", "Left": e.left.isoformat(), "Balance at leaving": e.balance_at_leaving,
             "Exit settlement": e.share,
             "Commitments before notice": e.commitments_before_notice,
             "Liability for commitments": e.commitment_liability}
            for e in r.year_end.exits]
    money = ["Balance at leaving", "Exit settlement", "Commitments before notice",
             "Liability for commitments"]
    return Table(rows, ["Party", "Notice given", "Left", *money], dict.fromkeys(money, MONEY))


def refund_chart(r: Result) -> alt.Chart:
    alt = altair_module()
    rows = []
    for x in r.year_end.parties:
        name = party_name(r.book, x.party)
        rows.append({"Party": x.party, "Council": name, "What": "Refund due",
                     "Amount": pounds(x.refund), "Label": gbp(x.refund)})
        rows.append({"Party": x.party, "Council": name, "What": "Share carried over",
                     "Amount": pounds(x.carry_over), "Label": gbp(x.carry_over)})
    df = pd.DataFrame(rows, columns=["Party", "Council", "What", "Amount", "Label"])
    chart = alt.Chart(df).mark_bar(cornerRadiusEnd=2).encode(
        y=alt.Y("Party:N", title=None),
        yOffset=alt.YOffset("What:N"),
        x=money_x("Amount", "Amount"),
        color=alt.Color("What:N", scale=alt.Scale(domain=["Refund due", "Share carried over"],
                                                  range=[TEAL, NAVY])),
        tooltip=tips("Council:N", "What:N", ("Label:N", "Amount")))
    return finish(chart, 44)
