"""A statement sheet per paying party (``Statement MBC`` ...): its share of the
partnership's fund account (§13.2-§13.3), its shared-service charges (§18.1), the
settlement it pays or receives, and its net cash for the year; one A4 portrait page.

The figures come from :func:`finance.core.statements.statements`.  The contribution,
the spend, refund, carry-over and supplementary shares and each service share link to
the cells that work them out (Contributions, Workings); the other lines of the fund
account are the engine's largest-remainder shares (the report does not split them
again), in the calculated style.  Totals are formulas, and each statement's
reconciliations are TRUE/FALSE cells, also listed on the Checks sheet.
"""

from __future__ import annotations

import re

from finance.core.statements import Statement, statements
from finance.report.context import Context
from finance.report.grid import Sheet
from finance.xlsx import MONEY, pounds

__all__ = ["sheet_name", "write"]

_UNSAFE = re.compile(r"[\[\]:*?/\\']")


def sheet_name(code: str) -> str:
    """The statement sheet of party ``code`` (a sheet name holds at most 31 characters)."""
    return ("Statement " + _UNSAFE.sub("_", code))[:31]


_LINES = (
    ("opening_balance", "Share of the opening balance", None),
    ("opening_commitments", "Share of the opening commitments", None),
    ("contribution", "Contribution (§13.2)", "contribution"),
    ("external_funding", "Share of external funding", None),
    ("income", "Share of income", None),
    ("admin_recharge", "Less: share of the admin recharge", None),
    ("spend", "Less: share of spend", "spend"),
    ("commitments", "Less: share of commitments at 31 March", None),
    ("rounding", "Rounding (under 9p)", None),
)


def write(ctx: Context) -> list[str]:
    """One sheet per paying party; returns their names, in code order."""
    names = []
    for st in statements(ctx.result):
        names.append(_statement(ctx, st))
    return names


def _statement(ctx: Context, st: Statement) -> str:
    name = sheet_name(st.party)
    sh = Sheet(ctx.book_, name, [40, 14, 14, 16, 18])
    sh.landscape = False
    sh.freeze = None
    sh.repeat = None
    sh.title(f"Statement {st.year}: {st.name} ({st.party})",
             "Its share of the partnership fund (§13.2-§13.3), its shared-service charges "
             "(§18.1), settlement and net cash. Pounds.")
    a = st.account
    shares = ctx.year_end_shares
    checks: list[tuple[str, str]] = []
    row = sh.section(4, "Fund account", "Each line is the party's share of the partnership's "
                     "line, split by contribution weight (largest remainder).")
    row = sh.header(row, ["", "£", "How it is worked out"])
    first = row
    values = dict(a.rows())
    for key, label, link in _LINES:
        sh.text(row, 1, label)
        if link == "contribution" and st.party in ctx.contributions:
            sh.formula(row, 2, ctx.contributions[st.party], MONEY)
            sh.note(row, 3, "Contributions sheet")
        elif link == "spend" and st.party in shares.get("spend", {}):
            sh.formula(row, 2, f"-{shares['spend'][st.party]}", MONEY)
            sh.note(row, 3, "spend split by contribution (Workings)")
        else:
            sh.value(row, 2, pounds(values[key]), MONEY, input_=False)
            sh.note(row, 3, "the calculation engine's share" if key != "rounding" else
                    "what brings the lines to the uncommitted share")
        row += 1
    last = row - 1
    unc = row
    sh.text(row, 1, "Uncommitted share", bold=True)
    sh.formula(row, 2, f"ROUND(SUM(B{first}:B{last}),2)", MONEY, bold=True)
    sh.total_row(row, 1, 2)
    row += 1
    for key, label in (("refund", "Refund due"), ("carry_over", "Carried over"),
                       ("supplementary", "Supplementary contribution to clear a deficit")):
        sh.text(row, 1, label)
        if st.party in shares.get(key, {}):
            sh.formula(row, 2, shares[key][st.party], MONEY)
            sh.note(row, 3, f"{label.lower()} split by contribution (Workings)")
        else:
            sh.value(row, 2, pounds(getattr(a, key)), MONEY, input_=False)
        row += 1
    refund, carry, supp = unc + 1, unc + 2, unc + 3
    sh.grid(first, 1, supp, 2)
    checks.append(("Refund + carried over = uncommitted share",
                   f"ROUND(B{refund}+B{carry},2)=ROUND(B{unc},2)"))
    checks.append(("Rounding is under 9p", f"ABS(B{last})<0.09"))
    row += 1

    row = sh.section(row, "Shared-service charges (§18.1)")
    row = sh.header(row, ["Service", "Months", "Host", "Net cost (£)", "Share (£)"])
    s_first = row
    for c in st.services:
        pl = ctx.services.pools.get(c.service)
        sh.text(row, 1, f"{c.service}: {c.name}")
        sh.value(row, 2, c.months, "0", input_=False)
        sh.text(row, 3, c.host)
        if pl is not None and st.party in pl.share:
            sh.formula(row, 4, ctx.services.net[c.service], MONEY)
            sh.formula(row, 5, pl.share[st.party], MONEY)
        else:
            sh.value(row, 4, pounds(c.net_cost), MONEY, input_=False)
            sh.value(row, 5, pounds(c.share), MONEY, input_=False)
        row += 1
    sh.text(row, 1, "Total", bold=True)
    if st.services:
        sh.grid(s_first, 1, row - 1, 5)
        sh.formula(row, 5, f"ROUND(SUM(E{s_first}:E{row - 1}),2)", MONEY)
        if st.party in ctx.services.party_total:
            checks.append(("Service charges = the party's column on Shared services",
                           f"ROUND(E{row},2)=ROUND({ctx.services.party_total[st.party]},2)"))
    else:
        sh.value(row, 5, 0, MONEY, input_=False)
    sh.total_row(row, 1, 5)
    row += 2

    row = sh.section(row, "Settlement (§18.1)", "Positive: the party receives it; negative: "
                     "it pays.")
    row = sh.header(row, ["With", "", "", "", "Amount (£)"])
    p_first = row
    for item in st.settlement:
        sh.text(row, 1, ctx.party_name(item.counterparty))
        sh.value(row, 5, pounds(item.amount), MONEY, input_=False)
        row += 1
    sh.text(row, 1, "Net position", bold=True)
    if st.settlement:
        sh.grid(p_first, 1, row - 1, 5)
        sh.formula(row, 5, f"ROUND(SUM(E{p_first}:E{row - 1}),2)", MONEY)
    else:
        sh.value(row, 5, 0, MONEY, input_=False)
    net_row = row
    if st.party in ctx.settlement_net:
        checks.append(("Settlement adds up to the net position on Settlement",
                       f"ROUND(E{row},2)=ROUND({ctx.settlement_net[st.party]},2)"))
    sh.total_row(row, 1, 5)
    row += 2

    row = sh.section(row, "Net cash for the year",
                     "Refund - contribution - supplementary + settlement net position "
                     "(positive: the party comes out ahead in cash).")
    sh.text(row, 1, "Net cash", bold=True)
    sh.formula(row, 5, f"ROUND(B{refund}-B{first + 2}-B{supp}+E{net_row},2)", MONEY, bold=True)
    sh.total_row(row, 1, 5)
    ctx.key(sh, row, 5, ("statement_net_cash", st.party), f"Net cash {st.party}", "money",
            st.net_cash)
    ctx.key(sh, unc, 2, ("statement_uncommitted", st.party), f"Uncommitted share {st.party}",
            "money", a.uncommitted)
    row += 2

    row = sh.section(row, "Checks")
    c_first = row
    for desc, f in checks:
        sh.text(row, 1, desc)
        sh.formula(row, 2, f, bold=True)
        ctx.check(f"Statement {st.party}: {desc}", f"{sh.ref(row, 2)}")
        row += 1
    sh.grid(c_first, 1, row - 1, 2)
    sh.booleans(f"B{c_first}:B{row - 1}")
    sh.print_area = (1, 1, row - 1, 5)
    return name
