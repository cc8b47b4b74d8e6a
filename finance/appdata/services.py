"""The Shared services tab (§18.1a): each service's net cost, its split between the parties,
the tolerance rule, and the chart.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import pandas as pd

from finance.appdata.charts import (
    altair_module,
    finish,
    money_x,
    party_scale,
    tips,
)
from finance.appdata.formats import gbp, pct_text, pounds
from finance.appdata.tables import (
    EXACT,
    INT,
    MONEY,
    PCT,
    TOTAL,
    Metric,
    Table,
    party_name,
)
from finance.core.rebase import step_text
from finance.core.run import Result
from finance.core.services import Rebase

if TYPE_CHECKING:
    import altair as alt


def services_metrics(r: Result) -> list[Metric]:
    net = sum(s.net_cost for s in r.services)
    savings = [v for s in r.services for x in s.lines if (v := s.saving(x)) is not None]
    out = [
        Metric("Shared services", f"{len(r.services)}", "Services with costs this year"),
        Metric("Gross cost", gbp(sum(s.gross_cost for s in r.services))),
        Metric("Net cost to share", gbp(net), "Gross cost less income (§18.1a)"),
    ]
    if savings:
        out.append(Metric("Saving against stand-alone", gbp(sum(savings)),
                          "What the parties would pay alone, less their shares"))
    return out


_BASIS = {"equal": "Equal shares", "fixed": "Agreed fixed shares",
          "population": "Population", "blend": "Blend"}


def basis_text(basis: str, components: Sequence[tuple[str, Decimal]] = ()) -> str:
    """``Activity: audit days``; ``Blend: 40% equal, 60% pcs``."""
    if basis.startswith("driver:"):
        return f"Activity: {basis[7:].replace('_', ' ')}"
    if basis == "blend" and components:
        return "Blend: " + ", ".join(
            f"{pct_text(w)} {c[7:].replace('_', ' ') if c.startswith('driver:') else c}"
            for c, w in components)
    return _BASIS.get(basis, basis)


def services_table(r: Result) -> Table:
    parties = sorted({x.party for s in r.services for x in s.lines})
    rows: list[dict[str, Any]] = []
    for s in r.services:
        sh = s.shares
        rows.append({"Service": s.name,
                     "Basis": basis_text(s.basis, s.components), "Gross cost": s.gross_cost,
                     "Income": s.income, "Net cost": s.net_cost,
                     **{p: sh.get(p) for p in parties}})
    if r.services:
        rows.append({"Service": TOTAL,
                     "Gross cost": sum(s.gross_cost for s in r.services),
                     "Income": sum(s.income for s in r.services),
                     "Net cost": sum(s.net_cost for s in r.services),
                     **{p: sum(s.shares.get(p, 0) for s in r.services) for p in parties}})
    money = ["Gross cost", "Income", "Net cost", *parties]
    return Table(rows, ["Service", "Basis", *money],
                 dict.fromkeys(money, MONEY),
                 {**{p: f"{party_name(r.book, p)}'s share (— : not in the service)"
                     for p in parties}, "Basis": "How the net cost is split (§18.1a)",
                  "Service": "The service's name; its code in the book and its host "
                             "are shown with the split of each service below"})


def tolerance_table(r: Result) -> Table:
    """Services under the tolerance rule (§18.1(a)): each party's computed share, its
    share in force, the movement, the tolerance, and whether the split was re-based."""
    rows: list[dict[str, Any]] = []
    for s in r.services:
        rb = s.rebase
        if rb is None:
            continue
        for i, (party, computed) in enumerate(rb.computed):
            held = rb.share_in_force(party)
            rows.append({"Service": s.service if i == 0 else "", "Party": party,
                         "Computed share": float(computed),
                         "Share in force": None if held is None else float(held),
                         "Movement": None if held is None else float(abs(computed - held)),
                         "Tolerance": float(rb.tolerance),
                         "Split": ("" if i else _verdict(rb)),
                         "Share applied": float(dict(rb.applied)[party])})
    return Table(rows, ["Service", "Party", "Computed share", "Share in force", "Movement",
                        "Tolerance", "Split", "Share applied"],
                 {"Computed share": PCT, "Share in force": PCT, "Movement": PCT,
                  "Tolerance": PCT, "Share applied": PCT})


def _verdict(rb: Rebase) -> str:
    """Kept or re-based, in a few words: ``kept (shares from the book)``,
    ``re-based``, ``re-based, rounded to 1%``."""
    if not rb.rebased:
        return f"kept (shares from the {rb.source})"
    if rb.rounded is not None and rb.step is not None:
        return f"re-based, rounded to {step_text(rb.step)}"
    return "re-based"


def service_detail_table(r: Result, service: str) -> Table:
    s = next(x for x in r.services if x.service == service)
    rows = [{"Party": x.party, "Council": party_name(r.book, x.party), "Months": x.months,
             "Weight": x.weight, "Exact share": x.detail.quota * (1 if x.share >= 0 else -1),
             "Extra penny": "yes" if x.detail.extra_penny else "", "Share": x.share,
             "Stand-alone cost": x.standalone_cost, "Saving": s.saving(x)} for x in s.lines]
    return Table(rows, ["Party", "Council", "Months", "Weight", "Exact share", "Extra penny",
                        "Share", "Stand-alone cost", "Saving"],
                 {"Months": INT, "Weight": PCT, "Exact share": EXACT, "Share": MONEY,
                  "Stand-alone cost": MONEY, "Saving": MONEY},
                 {"Exact share": "Before rounding; the largest remainders get the pennies "
                                 "left over",
                  "Extra penny": "Received one of the pennies left over (largest remainder)"})


def service_split_long(r: Result) -> pd.DataFrame:
    return pd.DataFrame(
        [{"Service": s.name, "Code": s.service, "Party": x.party,
          "Council": party_name(r.book, x.party), "Share": pounds(x.share),
          "Label": gbp(x.share), "Weight": float(x.weight), "Weight %": pct_text(x.weight)}
         for s in r.services for x in s.lines],
        columns=["Service", "Code", "Party", "Council", "Share", "Label", "Weight",
                 "Weight %"])


def services_chart(r: Result) -> alt.Chart:
    alt = altair_module()
    df = service_split_long(r)
    chart = alt.Chart(df).mark_bar().encode(
        y=alt.Y("Service:N", title=None, sort=alt.EncodingSortField("Share", op="sum",
                                                                    order="descending")),
        x=money_x("Share", "Share of net cost", stack=True),
        color=alt.Color("Party:N",
                        scale=party_scale(df["Party"], [p.code for p in r.book.parties])),
        order=alt.Order("Party:N"),
        tooltip=tips("Service:N", "Council:N", ("Label:N", "Share"), ("Weight %:N", "Weight")))
    return finish(chart, 34)
