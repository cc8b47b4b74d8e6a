"""The Settlement tab (§18.1b): amounts owed, net positions, the payments that settle them,
and the chart.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from finance.appdata.charts import (
    AMBER,
    TEAL,
    altair_module,
    finish,
    money_x,
    tips,
)
from finance.appdata.formats import count_text, gbp, pounds
from finance.appdata.tables import (
    MONEY,
    Metric,
    Table,
    party_name,
)
from finance.core.run import Result

if TYPE_CHECKING:
    import altair as alt


def settlement_metrics(r: Result) -> list[Metric]:
    st = r.settlement
    gross = sum(o.amount for o in st.obligations)
    net = sum(p.amount for p in st.payments)
    return [
        Metric("Owed before netting", gbp(gross), f"{len(st.obligations)} amounts owed to "
               "hosts and project leads"),
        Metric("Net payments", gbp(net), f"{count_text(len(st.payments), 'payment')} "
               "settle everything"),
        Metric("Netted away", gbp(gross - net), "Cash that need not move"),
    ]


def payments_table(r: Result) -> Table:
    rows = [{"From": p.payer, "To": p.payee, "Amount": p.amount}
            for p in r.settlement.payments]
    return Table(rows, ["From", "To", "Amount"], {"Amount": MONEY},
                 {"From": "The party that pays (its code; the names are on Net position)",
                  "To": "The party paid"})


def net_positions_table(r: Result) -> Table:
    rows = [{"Party": n.party, "Council": party_name(r.book, n.party),
             "Receives": n.amount if n.amount > 0 else None,
             "Pays": -n.amount if n.amount < 0 else None}
            for n in r.settlement.net_positions]
    return Table(rows, ["Party", "Council", "Receives", "Pays"], {"Receives": MONEY, "Pays": MONEY},
                 {"Receives": "Net amount the party is owed", "Pays": "Net amount it owes"})


def obligations_table(r: Result) -> Table:
    rows = [{"For": o.source, "Owed by": o.payer, "Owed to": o.payee, "Amount": o.amount}
            for o in r.settlement.obligations]
    return Table(rows, ["For", "Owed by", "Owed to", "Amount"], {"Amount": MONEY})


def net_position_chart(r: Result) -> alt.Chart:
    alt = altair_module()
    df = pd.DataFrame([{"Party": n.party, "Council": party_name(r.book, n.party),
                        "Amount": pounds(n.amount), "Label": gbp(n.amount),
                        "Side": "Receives" if n.amount >= 0 else "Pays"}
                       for n in r.settlement.net_positions])
    chart = alt.Chart(df).mark_bar(cornerRadiusEnd=2).encode(
        y=alt.Y("Party:N", title=None),
        x=money_x("Amount", "Net position (positive: receives)"),
        color=alt.Color("Side:N", scale=alt.Scale(domain=["Receives", "Pays"],
                                                  range=[TEAL, AMBER])),
        tooltip=tips("Council:N", "Side:N", ("Label:N", "Net position")))
    return finish(chart, 34)
