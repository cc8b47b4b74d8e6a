"""Last year beside this year: when the previous year is closed in the history, the
Contributions, Year end and Shared services sheets end with its approved figures, this
year's (linked to the sheet's own cells) and the change, a formula.

Last year's figures come from the result stored when it was closed, so they are what the
board approved, not a recalculation; they are written in the input style (copied, not
worked out here).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from finance.core.money import to_pence
from finance.report import contributions, services, year_end
from finance.report.context import Context
from finance.report.grid import Sheet
from finance.xlsx import MONEY, pounds

__all__ = ["write"]

#: The fund-account lines compared, in the Year end sheet's order.
FUND_LINES = (("opening_balance", "Opening balance"),
              ("opening_commitments", "Opening commitments"),
              ("contributions", "Contributions"), ("external_funding", "External funding"),
              ("income", "Income"), ("admin_recharge", "Admin recharge"),
              ("spend", "Spend"), ("commitments", "Commitments at 31 March"),
              ("uncommitted", "Uncommitted"), ("refund", "Refund"),
              ("carry_over", "Carried over"))


def _pence(text: str | None) -> int:
    return 0 if text is None else to_pence(text)


def _block(ctx: Context, sh: Sheet, title: str, rows: list[tuple[str, str, int, str | None]]
           ) -> None:
    """A section at the foot of ``sh``: label, detail, last year's value, this year's
    formula (or 0) and the change."""
    prev = ctx.previous
    assert prev is not None
    row = sh.last_row() + 3
    row = sh.section(row, f"{title}: compared with {prev['year']} as closed",
                     f"{prev['year']} is shown as the board approved it (stored in the "
                     "history); the change is this year less last year.")
    row = sh.header(row, ["", "", f"{prev['year']} (£)", f"{ctx.year} (£)", "Change (£)"])
    first = row
    for label, detail, last, this in rows:
        sh.text(row, 1, label, bold=not detail)
        sh.text(row, 2, detail)
        sh.value(row, 3, pounds(last), MONEY)
        sh.formula(row, 4, this if this else "0", MONEY)
        sh.formula(row, 5, f"ROUND(D{row}-C{row},2)", MONEY)
        row += 1
    sh.grid(first, 1, row - 1, 5)


def write(ctx: Context) -> None:
    """The comparison blocks (nothing without a previous closed year)."""
    prev = ctx.previous
    if prev is None:
        return
    last_c = {p["party"]: _pence(p["amount"]) for p in prev["contributions"]["parties"]}
    parties = sorted(set(last_c) | set(ctx.contributions))
    _block(ctx, ctx.book_.sheet(contributions.NAME), "Contributions",
           [(p, "", last_c.get(p, 0), ctx.contributions.get(p)) for p in parties]
           + [("Total", "", _pence(prev["contributions"]["total"]),
               ctx.contributions_total or None)])
    ye: Mapping[str, Any] = prev["year_end"]
    _block(ctx, ctx.book_.sheet(year_end.NAME), "Fund account",
           [(label, "", _pence(ye.get(key)), ctx.year_end.get(key))
            for key, label in FUND_LINES])
    last_s = {s["service"]: s for s in prev["services"]}
    codes = sorted(set(last_s) | set(ctx.services.net))
    rows: list[tuple[str, str, int, str | None]] = []
    for svc in codes:
        before = last_s.get(svc)
        rows.append((ctx.service_label(svc), "", _pence(before["net_cost"]) if before else 0,
                     ctx.services.net.get(svc)))
        shares = {x["party"]: _pence(x["share"]) for x in before["parties"]} if before else {}
        pool = ctx.services.pools.get(svc)
        now = pool.share if pool else {}
        for p in sorted(set(shares) | set(now)):
            rows.append(("", p, shares.get(p, 0), now.get(p)))
    if rows:
        _block(ctx, ctx.book_.sheet(services.NAME), "Net cost and shares", rows)
