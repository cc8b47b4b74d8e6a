"""The Year end sheet: the fund account, refund or carry-over, and the statement per
party (§13.2-§13.3).  The largest-remainder splits behind the statement are on the
Workings sheet."""

from __future__ import annotations

from datetime import datetime

from finance.report import rules
from finance.report.common import DATE_ORDER, pct_fmt
from finance.report.context import Context, Pool, Weight
from finance.report.grid import Sheet
from finance.report.split import pool
from finance.xlsx import MONEY, col_name, pounds

__all__ = ["NAME", "write"]

NAME = "Year end"


def write(ctx: Context) -> None:
    r, ye = ctx.result, ctx.result.year_end
    led = ctx.inputs.ledger
    sh = Sheet(ctx.book_, NAME, [34, 16, 16, 16, 16, 18, 16])
    sh.title(f"Year end {r.year}: refund or carry over",
             "Funds not spent or committed at the year end are returned in proportion to "
             "contributions or carried over, as the Board agrees (§13.2-§13.3).")
    row = sh.section(4, "Fund account")
    row = sh.header(row, ["", "£", "How it is worked out"])
    sh.repeat = (row - 1, row - 1)

    def line(label: str, f: str, note: str, key: str | None = None, value: int | None = None,
             total: bool = False) -> str:
        nonlocal row
        sh.text(row, 1, label, bold=total)
        sh.formula(row, 2, f, MONEY, bold=total)
        sh.note(row, 3, note)
        if total:
            sh.total_row(row, 1, 2)
        if key:
            ctx.year_end[key] = sh.ref(row, 2)
            ctx.key(sh, row, 2, ("year_end", key), label, "money", value)
        row += 1
        return sh.ref(row - 1, 2, sheet=False)

    ob = line("Opening balance", "OpeningBalance", "Inputs", "opening_balance",
              ye.opening_balance)
    oc = line("Opening commitments", "OpeningCommitments", "Inputs", "opening_commitments",
              ye.opening_commitments)
    co = line("Contributions", ctx.contributions_total, "Contributions sheet", "contributions",
              ye.contributions)
    ef = line("External funding", led["external_funding"], "ledger total", "external_funding",
              ye.external_funding)
    inc = line("Income", led["income"], "ledger total", "income", ye.income)
    ar = line("Less: admin recharge", led["admin_recharge"], "ledger total (deducted)",
              "admin_recharge", ye.admin_recharge)
    av = line("Available", f"ROUND({ob}+{oc}+{co}+{ef}+{inc}-{ar},2)",
              "opening balance + opening commitments + contributions + external funding + "
              "income - admin recharge", "available", ye.available, total=True)
    sp = line("Less: spend", led["spend"], "ledger total", "spend", ye.spend)
    cm = line("Less: commitments at 31 March", led["commitment"],
              "ledger total; carried forward as next year's opening commitments",
              "commitments", ye.commitments)
    un = line("Uncommitted balance", f"ROUND({av}-{sp}-{cm},2)",
              "available - spend - commitments (negative: a deficit)", "uncommitted",
              ye.uncommitted, total=True)
    sh.text(row, 1, "Refund share (Board decision)")
    sh.formula(row, 2, "RefundShare", pct_fmt(ye.refund_share))
    sh.note(row, 3, "Inputs")
    row += 1
    rf = line("Refund to the parties", rules.refund(un, "RefundShare"),
              "uncommitted x refund share, rounded once to the penny (none in a deficit)",
              "refund", ye.refund)
    line("Carried over to next year", f"ROUND({un}-{rf},2)",
         "uncommitted - refund; becomes next year's opening balance", "carry_over",
         ye.carry_over, total=True)
    sh.text(row, 1, "Position")
    sh.formula(row, 2, f'IF({un}<0,"deficit","surplus")')
    row += 2
    y = ctx.year_end
    ctx.check("Refund + carry-over = uncommitted balance",
              f"ROUND({y['refund']}+{y['carry_over']},2)=ROUND({y['uncommitted']},2)")
    ctx.check("Contributions on the fund account = contributions sheet total",
              f"ROUND({y['contributions']},2)=ROUND(SUM("
              + ",".join(ctx.contributions[x.party] for x in r.contributions.lines) + "),2)"
              if r.contributions.lines else f"ROUND({y['contributions']},2)=0")

    parties = [x.party for x in ye.parties]
    n = len(parties)
    row = sh.section(row, "Statement per party",
                     "Spend, refund, carry-over and any supplementary contribution are each "
                     "split by the year's contribution weights, largest remainder (workings "
                     "in the appendix).")
    row = sh.header(row, ["Party", "Contribution (£)", "Share of spend (£)", "Refund due (£)",
                          "Share of balance carried (£)",
                          "Supplementary to clear a deficit (£)"])
    first = row
    pools = _splits(ctx, parties)
    ctx.year_end_shares = {k: dict(pl.share) for k, pl in pools.items()}
    for i, x in enumerate(ye.parties):
        rr = first + i
        sh.text(rr, 1, x.party, bold=True)
        sh.formula(rr, 2, ctx.contributions[x.party], MONEY)
        for col, key in ((3, "spend"), (4, "refund"), (5, "carry_over"), (6, "supplementary")):
            sh.formula(rr, col, pools[key].share[x.party], MONEY)
            ctx.key(sh, rr, col, (f"year_end_{key}", x.party),
                    f"{key.replace('_', '-')} share {x.party}", "money", getattr(x, key))
    tr = first + n
    sh.text(tr, 1, "Total", bold=True)
    if n:
        for col in range(2, 7):
            c = col_name(col)
            sh.formula(tr, col, f"ROUND(SUM({c}{first}:{c}{tr - 1}),2)", MONEY)
        sh.grid(first, 1, tr - 1, 6)
    sh.total_row(tr, 1, 6)
    if n:
        for col, key in ((3, "spend"), (4, "refund"), (5, "carry_over")):
            what = key.replace("_", "-")
            ctx.check(f"Statement: {what} shares add up to the {what}",
                      f"ROUND({sh.ref(tr, col)},2)=ROUND({y[key]},2)")
        ctx.check("Statement: supplementary contributions clear the deficit",
                  f"ROUND({sh.ref(tr, 6)},2)=ROUND(MAX(-{y['uncommitted']},0),2)")
    row = tr + 2
    if ye.exits:
        row = sh.section(row, "Parties leaving in the year (§16.2-§16.3)",
                         "Figures from the calculation engine: the balance at the date of "
                         "leaving uses ledger lines dated on or before it.")
        row = sh.header(row, ["Party", "Notice given", "Left", "Uncommitted at leaving (£)",
                              "Exit share (£)", "Commitments before notice (£)",
                              "Liability (£)"])
        top = row
        for e in ye.exits:
            sh.text(row, 1, e.party, bold=True)
            if e.notice_given:
                sh.value(row, 2, datetime(e.notice_given.year, e.notice_given.month,
                                          e.notice_given.day), DATE_ORDER)
            sh.value(row, 3, datetime(e.left.year, e.left.month, e.left.day), DATE_ORDER)
            for col, v in ((4, e.balance_at_leaving), (5, e.share),
                           (6, e.commitments_before_notice), (7, e.commitment_liability)):
                sh.value(row, col, pounds(v), MONEY, input_=False)
            row += 1
        sh.grid(top, 1, row - 1, 7)


def _splits(ctx: Context, parties: list[str]) -> dict[str, Pool]:
    """The four splits by contribution, on the Workings sheet."""
    ye = ctx.result.year_end
    pools: dict[str, Pool] = {}
    if not parties:
        return pools
    wk = ctx.workings
    weights: dict[str, Weight] = {
        p: (f"ROUND({ctx.contributions[p]}*100,0)", x.contribution)
        for p, x in zip(parties, ye.parties, strict=True)}
    pre = [("Contribution (£)", MONEY, {p: "=" + ctx.contributions[p] for p in parties})]
    row = wk.section(ctx.workings_row, "Year end: largest-remainder splits by contribution "
                     "(§13.2)")
    y = ctx.year_end
    for key, label, total, eng in (
        ("spend", "Spend", y["spend"], {x.party: x.spend for x in ye.parties}),
        ("refund", "Refund", y["refund"], {x.party: x.refund for x in ye.parties}),
        ("carry_over", "Balance carried over", y["carry_over"],
         {x.party: x.carry_over for x in ye.parties}),
        ("supplementary", "Supplementary contributions (deficit only)",
         f"IF({y['uncommitted']}<0,-{y['uncommitted']},0)",
         {x.party: x.supplementary for x in ye.parties}),
    ):
        pools[key] = pool(ctx, wk, row, f"{label} split by contribution", total, parties,
                          weights, engine=eng, pre=pre,
                          weight_label="Weight (pence)")
        row = pools[key].end
    ctx.workings_row = row
    return pools
