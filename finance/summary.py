"""Human-readable summary of a year end for the terminal (rich tables).

A table shows at most :data:`MAX_ROWS` rows (its total line counted among them), then a
line "… and N more"; the JSON result and the board report carry every line.  A large
book's summary is therefore a few hundred lines, not tens of thousands.  The shared
services table has a column per party up to :data:`MAX_PARTY_COLUMNS` parties, and a
count of participants beyond that.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from fractions import Fraction
from typing import Any, TypeVar

from rich.console import Console
from rich.table import Table

from finance.core.money import fmt_gbp_table, json_gbp
from finance.core.rebase import step_text
from finance.core.run import Result

MAX_ROWS = 20
MAX_PARTY_COLUMNS = 8
_T = TypeVar("_T")


def _fill(con: Console, t: Table, rows: Sequence[_T], add: Callable[[_T], Any],
          totals: int = 0, limit: int = MAX_ROWS) -> Callable[[], None]:
    """Add at most ``limit - totals`` of ``rows`` to ``t`` with ``add`` (``totals``: the
    total lines the caller adds after them); returns what prints the table and, when rows
    were left out, the line "… and N more" after it."""
    room = max(limit - totals, 1)
    shown = rows if len(rows) <= room else rows[:room]
    for x in shown:
        add(x)
    left = len(rows) - len(shown)

    def show() -> None:
        con.print(t)
        if left:
            con.print(f"… and {left:,} more")

    return show


def _money_table(title: str, headers: list[str]) -> Table:
    t = Table(title=title, title_justify="left", title_style="bold")
    for i, h in enumerate(headers):
        t.add_column(h, justify="left" if i == 0 else "right")
    return t


def _f(x: float | None, fmt: str = "{:.2f}") -> str:
    return "-" if x is None else fmt.format(x)


def _points(x: Fraction) -> str:
    return f"{float(x) * 100:.2f} points"


def rebase_lines(r: Result) -> list[str]:
    """A sentence for each service under the tolerance rule (§18.1(a)): kept on its
    shares in force, or re-based, with the largest movement against the tolerance."""
    out = []
    for s in r.services:
        rb = s.rebase
        if rb is None:
            continue
        if rb.max_movement is None:
            why = ("no shares in force" if rb.in_force is None
                   else "its participants changed")
            out.append(f"{s.service}: re-based on the computed shares ({why}; tolerance "
                       f"{_points(rb.tolerance)})")
        else:
            verdict = "re-based on the computed shares" if rb.rebased else (
                f"kept on the shares in force (from the {rb.source})")
            out.append(f"{s.service}: {verdict}; largest movement {_points(rb.max_movement)}"
                       f", tolerance {_points(rb.tolerance)}")
        if rb.rounded is not None and rb.step is not None:
            shares = ", ".join(f"{p} {step_text(x)}" for p, x in rb.rounded)
            out[-1] += f"; rounded to {step_text(rb.step)}: {shares}"
    return out


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
    show = _fill(con, t, r.contributions.lines, lambda x: t.add_row(
        x.party, f"{x.population:,}", x.population_year, str(x.months), fmt_gbp_table(x.amount)),
        totals=1)
    t.add_row("Total", "", "", "", fmt_gbp_table(r.contributions.total), style="bold")
    show()

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
        t.add_row(label, fmt_gbp_table(v))
    con.print(t)
    t = _money_table("Statement per party", ["Party", "Contribution", "Share of spend",
                                             "Refund", "Carried over", "Supplementary"])
    _fill(con, t, ye.parties, lambda p: t.add_row(
        p.party, fmt_gbp_table(p.contribution), fmt_gbp_table(p.spend), fmt_gbp_table(p.refund),
        fmt_gbp_table(p.carry_over), fmt_gbp_table(p.supplementary)))()

    if r.services:
        parties = sorted({x.party for s in r.services for x in s.lines})
        if len(parties) <= MAX_PARTY_COLUMNS:
            t = _money_table("Shared services (§18.1a)", ["Service", "Basis", "Host",
                                                           "Net cost", *parties])

            def service_row(s: Any) -> None:
                sh = s.shares
                t.add_row(s.service, s.basis, s.host, fmt_gbp_table(s.net_cost),
                          *[fmt_gbp_table(sh[p]) if p in sh else "-" for p in parties])
        else:
            t = _money_table("Shared services (§18.1a)", ["Service", "Basis", "Host",
                                                           "Net cost", "Participants"])

            def service_row(s: Any) -> None:
                t.add_row(s.service, s.basis, s.host, fmt_gbp_table(s.net_cost), str(len(s.lines)))
        _fill(con, t, r.services, service_row)()
        for line in rebase_lines(r):
            con.print(line)
        t = _money_table("Settlement (§18.1b)", ["From", "To", "Amount"])
        rows: list[tuple[str, str, int, str | None]] = [
            (pay.payer, pay.payee, pay.amount, None) for pay in r.settlement.payments]
        rows += [(f"net {n.party}", "", n.amount, "dim") for n in r.settlement.net_positions]
        _fill(con, t, rows, lambda x: t.add_row(x[0], x[1], fmt_gbp_table(x[2]), style=x[3]))()

    if r.investments:
        t = _money_table("Investment scores (Annex A §5.2)",
                         ["Project", "PV costs", "PV benefits", "NPV", "BCR", "IRR",
                          "Payback", "Score"])

        def investment_row(a: Any) -> None:
            j = a.as_json()
            t.add_row(a.project, fmt_gbp_table(a.pv_costs), fmt_gbp_table(a.pv_benefits),
                      fmt_gbp_table(a.npv),
                      _f(j.get("bcr")), _f(j.get("irr"), "{:.1%}"),
                      _f(j.get("payback_years"), "{:.1f} y"), _f(j.get("score"), "{:.1f}"))
        show = _fill(con, t, r.investments, investment_row, totals=1)
        pj = r.portfolio.as_json()
        t.add_row("Portfolio", "", "", json_gbp(pj.get("npv")), _f(pj.get("bcr")), "", "",
                  _f(pj.get("score"), "{:.1f}"), style="bold")
        show()

    mon = r.monitoring.as_json()
    rag = {"green": "[green]green[/green]", "amber": "[yellow]amber[/yellow]",
           "red": "[red]red[/red]"}
    if mon["savings"]:
        t = _money_table("Savings delivered (Annex A §5.1)",
                         ["Service", "Predicted", "Actual", "Variance", "Delivered", "RAG"])

        def saving_row(t: Table, x: dict[str, Any]) -> None:
            t.add_row(x["service"], json_gbp(x["predicted"]), json_gbp(x["actual"]),
                      json_gbp(x["variance"]),
                      _f(x["pct_delivered"], "{:.1%}"), rag.get(x["rag"], x["rag"]))
        totals = [dict(x, service="Total") for x in mon.get("savings_totals", [])[-1:]]
        show = _fill(con, t, mon["savings"], lambda x: saving_row(t, x), totals=len(totals))
        for x in totals:
            saving_row(t, x)
        show()
    if mon["budget"]:
        last_q = max(b["quarter"] for b in mon["budget"])
        t = _money_table(f"MKIP budget, quarter {last_q} forecast (Annex A §5.1)",
                         ["Line", "Budget", "Actual to date", "Forecast outturn", "Variance",
                          "RAG"])
        _fill(con, t, [b for b in mon["budget"] if b["quarter"] == last_q], lambda b: t.add_row(
            b["line"], json_gbp(b["budget"]), json_gbp(b["actual_to_date"]),
            json_gbp(b["forecast_outturn"]),
            json_gbp(b["variance"]), rag.get(b["rag"], b["rag"])))()
    for f in mon.get("flags", []):
        con.print(f"[red]Report to the board (Annex A §4.1):[/red] {f['service']} missed most "
                  f"of its indicators for {f['quarters']} quarters running, "
                  f"{f['from_year']} Q{f['from_quarter']} to {f['to_year']} Q{f['to_quarter']}")
    bad = [c for c in r.checks if not c.ok]
    con.print(f"Checks: {len(r.checks) - len(bad)} of {len(r.checks)} pass"
              + ("" if not bad else " — FAILED: " + "; ".join(c.check for c in bad)))
