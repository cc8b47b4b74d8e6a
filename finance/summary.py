"""Human-readable summary of a year end for the terminal (rich tables)."""

from __future__ import annotations

import sys

from rich.console import Console
from rich.table import Table

from finance.core.money import fmt_gbp, to_pence
from finance.core.run import Result


def _money_table(title: str, headers: list[str]) -> Table:
    t = Table(title=title, title_justify="left", title_style="bold")
    for i, h in enumerate(headers):
        t.add_column(h, justify="left" if i == 0 else "right")
    return t


def _g(pounds: str | None) -> str:
    """A JSON money string ("-1500.00") shown as pounds ("-£1,500.00"), exactly."""
    return "-" if pounds is None else fmt_gbp(to_pence(pounds))


def _f(x: float | None, fmt: str = "{:.2f}") -> str:
    return "-" if x is None else fmt.format(x)


def print_summary(r: Result, console: Console | None = None) -> None:
    con = console or Console(width=None if sys.stdout.isatty() else 120)
    g = r.governance.as_json()
    con.print(f"[bold]{r.book.settings.name}[/bold] — year end {r.year}")
    con.print(f"Chair {g.get('chair')}, vice-chair {g.get('vice_chair')}, host "
              f"{g.get('host')}, accountable body {g.get('accountable_body')}")
    for w in r.warnings:
        con.print(f"[yellow]warning:[/yellow] {w}")

    t = _money_table("Contributions (§13.2)", ["Party", "Population", "Estimate", "Months",
                                                "Amount"])
    for x in r.contributions.lines:
        t.add_row(x.party, f"{x.population:,}", x.population_year, str(x.months),
                  fmt_gbp(x.amount))
    t.add_row("Total", "", "", "", fmt_gbp(r.contributions.total), style="bold")
    con.print(t)

    ye = r.year_end
    t = _money_table("Fund account (§13.2-§13.3)", ["Line", "Amount"])
    for label, v in [("Opening balance", ye.opening_balance),
                     ("Opening commitments", ye.opening_commitments),
                     ("Contributions", ye.contributions),
                     ("External funding", ye.external_funding), ("Income", ye.income),
                     ("Admin recharge", -ye.admin_recharge), ("Available", ye.available),
                     ("Spend", -ye.spend), ("Commitments at 31 March", -ye.commitments),
                     ("Uncommitted" + (" (DEFICIT)" if ye.deficit else ""), ye.uncommitted),
                     (f"Refund ({float(ye.refund_share):.0%})", ye.refund),
                     ("Carried over", ye.carry_over)]:
        t.add_row(label, fmt_gbp(v))
    con.print(t)
    t = _money_table("Statement per party", ["Party", "Contribution", "Share of spend",
                                             "Refund", "Carried over", "Supplementary"])
    for p in ye.parties:
        t.add_row(p.party, fmt_gbp(p.contribution), fmt_gbp(p.spend), fmt_gbp(p.refund),
                  fmt_gbp(p.carry_over), fmt_gbp(p.supplementary))
    con.print(t)

    if r.services:
        parties = sorted({x.party for s in r.services for x in s.lines})
        t = _money_table("Shared services (§18.1a)", ["Service", "Basis", "Host", "Net cost",
                                                       *parties])
        for s in r.services:
            sh = s.shares
            t.add_row(s.service, s.basis, s.host, fmt_gbp(s.net_cost),
                      *[fmt_gbp(sh[p]) if p in sh else "-" for p in parties])
        con.print(t)
        t = _money_table("Settlement (§18.1b)", ["From", "To", "Amount"])
        for pay in r.settlement.payments:
            t.add_row(pay.payer, pay.payee, fmt_gbp(pay.amount))
        for n in r.settlement.net_positions:
            t.add_row(f"net {n.party}", "", fmt_gbp(n.amount), style="dim")
        con.print(t)

    if r.investments:
        t = _money_table("Investment scores (Annex A §5.2)",
                         ["Project", "PV costs", "PV benefits", "NPV", "BCR", "IRR",
                          "Payback", "Score"])
        for a in r.investments:
            j = a.as_json()
            t.add_row(a.project, fmt_gbp(a.pv_costs), fmt_gbp(a.pv_benefits), fmt_gbp(a.npv),
                      _f(j.get("bcr")), _f(j.get("irr"), "{:.1%}"),
                      _f(j.get("payback_years"), "{:.1f} y"), _f(j.get("score"), "{:.1f}"))
        pj = r.portfolio.as_json()
        t.add_row("Portfolio", "", "", _g(pj.get("npv")), _f(pj.get("bcr")), "", "",
                  _f(pj.get("score"), "{:.1f}"), style="bold")
        con.print(t)

    mon = r.monitoring.as_json()
    rag = {"green": "[green]green[/green]", "amber": "[yellow]amber[/yellow]",
           "red": "[red]red[/red]"}
    if mon["savings"]:
        t = _money_table("Savings delivered (Annex A §5.1)",
                         ["Service", "Predicted", "Actual", "Variance", "Delivered", "RAG"])
        rows = [*mon["savings"], *[dict(x, service="Total") for x in
                                   mon.get("savings_totals", [])[-1:]]]
        for x in rows:
            t.add_row(x["service"], _g(x["predicted"]), _g(x["actual"]), _g(x["variance"]),
                      _f(x["pct_delivered"], "{:.1%}"), rag.get(x["rag"], x["rag"]))
        con.print(t)
    if mon["budget"]:
        last_q = max(b["quarter"] for b in mon["budget"])
        t = _money_table(f"MKIP budget, quarter {last_q} forecast (Annex A §5.1)",
                         ["Line", "Budget", "Actual to date", "Forecast outturn", "Variance",
                          "RAG"])
        for b in (b for b in mon["budget"] if b["quarter"] == last_q):
            t.add_row(b["line"], _g(b["budget"]), _g(b["actual_to_date"]),
                      _g(b["forecast_outturn"]), _g(b["variance"]), rag.get(b["rag"], b["rag"]))
        con.print(t)
    for f in mon.get("flags", []):
        con.print(f"[red]Report to the board (Annex A §4.1):[/red] {f['service']} missed most "
                  f"of its indicators for {f['quarters']} quarters running, "
                  f"{f['from_year']} Q{f['from_quarter']} to {f['to_year']} Q{f['to_quarter']}")
    bad = [c for c in r.checks if not c.ok]
    con.print(f"Checks: {len(r.checks) - len(bad)} of {len(r.checks)} pass"
              + ("" if not bad else " — FAILED: " + "; ".join(c.check for c in bad)))
