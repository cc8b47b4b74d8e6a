"""A statement sheet per paying party (``Statement MBC`` ...): its share of the
partnership's fund account (§13.2-§13.3), every shared service (§18.1(a)) and business
case set-up cost (§18.1(b)) that makes up its settlement, the settlement payments it
makes or receives, its net cash for the year and who signs it; one A4 portrait page.

The figures come from :func:`finance.core.statements.statements`.  The contribution,
the spend, refund, carry-over and supplementary shares, each service share and net
cost and each set-up share and cost link to the cells that work them out
(Contributions, Workings); the other lines of the fund account are the engine's
largest-remainder shares (the report does not split them again), in the calculated
style.  Totals are formulas, and each statement's reconciliations are TRUE/FALSE cells,
also listed on the Checks sheet.
"""

from __future__ import annotations

import re

from finance.core.statements import NET_CASH, ROUNDING, Statement, statements
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
    ("rounding", ROUNDING, None),
)


def write(ctx: Context) -> list[str]:
    """One sheet per paying party; returns their names, in code order."""
    names = []
    for st in statements(ctx.result):
        names.append(_statement(ctx, st))
    return names


def _statement(ctx: Context, st: Statement) -> str:
    name = sheet_name(st.party)
    sh = Sheet(ctx.book_, name, [38, 9, 15, 15, 15, 16])
    sh.landscape = False
    sh.freeze = None
    sh.repeat = None
    sh.tall = 1  # one page, as the PDF statement
    sh.title(f"Statement {st.year}: {st.name} ({st.party})",
             "Its share of the partnership fund (§13.2-§13.3), the services and business "
             "cases that make up its settlement (§18.1), settlement and net cash. Pounds.")
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
                    "what brings the lines to the uncommitted share (under 9p)")
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

    row = sh.section(row, "Shared services and business cases: what makes up the "
                     "settlement (§18.1)", "Paid: the net cost a host paid, the set-up cost "
                     "a lead paid. Settlement = paid - share (positive: owed to the "
                     "council).")
    row = sh.header(row, ["Service or business case", "Host", "Cost (£)", "Paid (£)",
                          f"{st.party} share (£)", "Settlement (£)"])
    s_first = row
    svc_rows = []
    for c in st.services:
        pl = ctx.services.pools.get(c.service)
        label = f"{c.name} ({c.service})"
        sh.text(row, 1, label, wrap=len(label) > 40)
        sh.text(row, 2, c.host)
        if c.service in ctx.services.net:
            sh.formula(row, 3, ctx.services.net[c.service], MONEY)
        else:
            sh.value(row, 3, pounds(c.net_cost), MONEY, input_=False)
        _paid(sh, row, c.paid)
        if pl is not None and st.party in pl.share:
            sh.formula(row, 5, pl.share[st.party], MONEY)
        else:
            sh.value(row, 5, pounds(c.share), MONEY, input_=False)
        sh.formula(row, 6, f"ROUND(D{row}-E{row},2)", MONEY)
        svc_rows.append(row)
        row += 1
    if st.setups:
        sh.note(row, 1, "Business case set-up costs (§18.1(b)); host: the business case's "
                "lead")
        row += 1
    for b in st.setups:
        pl = ctx.project_pools.get(b.project)
        label = f"{b.name} ({b.project})"
        sh.text(row, 1, label, wrap=len(label) > 40)
        sh.text(row, 2, b.lead)
        if pl is not None:
            sh.formula(row, 3, pl.total, MONEY)
        else:
            sh.value(row, 3, pounds(b.cost), MONEY, input_=False)
        _paid(sh, row, b.paid)
        if pl is not None and st.party in pl.share:
            sh.formula(row, 5, pl.share[st.party], MONEY)
        else:
            sh.value(row, 5, pounds(b.share), MONEY, input_=False)
        sh.formula(row, 6, f"ROUND(D{row}-E{row},2)", MONEY)
        row += 1
    s_total = row
    sh.text(row, 1, "Total", bold=True)
    if st.services or st.setups:
        sh.grid(s_first, 1, row - 1, 6)
        for col in (4, 5, 6):
            L = "DEF"[col - 4]
            sh.formula(row, col, f"ROUND(SUM({L}{s_first}:{L}{row - 1}),2)", MONEY)
        if svc_rows and st.party in ctx.services.party_total:
            svc = "+".join(f"E{r}" for r in svc_rows) if len(svc_rows) < 30 else (
                f"SUM(E{svc_rows[0]}:E{svc_rows[-1]})")
            checks.append(("Service shares = the party's column on Shared services",
                           f"ROUND({svc},2)=ROUND({ctx.services.party_total[st.party]},2)"))
    else:
        for col in (4, 5, 6):
            sh.value(row, col, 0, MONEY, input_=False)
    sh.total_row(row, 1, 6)
    if st.party in ctx.settlement_net:
        checks.append(("Paid - share over the lines = the net position on Settlement",
                       f"ROUND(F{s_total},2)=ROUND({ctx.settlement_net[st.party]},2)"))
    row += 2

    row = sh.section(row, "Settlement payments (§18.1(b))", "Positive: the party receives "
                     "it; negative: it pays.")
    row = sh.header(row, ["With", "", "", "", "", "Amount (£)"])
    p_first = row
    for item in st.settlement:
        sh.text(row, 1, ctx.party_name(item.counterparty))
        sh.value(row, 6, pounds(item.amount), MONEY, input_=False)
        row += 1
    sh.text(row, 1, "Net settlement position", bold=True)
    if st.settlement:
        sh.grid(p_first, 1, row - 1, 6)
        sh.formula(row, 6, f"ROUND(SUM(F{p_first}:F{row - 1}),2)", MONEY)
    else:
        sh.value(row, 6, 0, MONEY, input_=False)
    net_row = row
    checks.append(("Settlement payments = paid - share over the lines",
                   f"ROUND(F{row},2)=ROUND(F{s_total},2)"))
    sh.total_row(row, 1, 6)
    row += 2

    row = sh.section(row, "Net cash for the year", NET_CASH)
    n_first = row
    for label, f in (("Refund due", f"B{refund}"), ("Less: contribution", f"-B{first + 2}"),
                     ("Less: supplementary contribution", f"-B{supp}"),
                     ("Less: paid for the partnership as host or lead", f"-D{s_total}"),
                     ("Net settlement position", f"F{net_row}")):
        sh.text(row, 1, label)
        sh.formula(row, 6, f, MONEY)
        row += 1
    sh.grid(n_first, 1, row - 1, 6)
    sh.text(row, 1, "Net cash", bold=True)
    sh.formula(row, 6, f"ROUND(SUM(F{n_first}:F{row - 1}),2)", MONEY, bold=True)
    sh.total_row(row, 1, 6)
    checks.append(("Net cash = refund - contribution - supplementary - own shares",
                   f"ROUND(F{row},2)=ROUND(B{refund}-B{first + 2}-B{supp}-E{s_total},2)"))
    ctx.key(sh, row, 6, ("statement_net_cash", st.party), f"Net cash {st.party}", "money",
            st.net_cash)
    ctx.key(sh, unc, 2, ("statement_uncommitted", st.party), f"Uncommitted share {st.party}",
            "money", a.uncommitted)
    row += 2

    row = sh.section(row, "Checks")
    c_first = row
    for desc, f in checks:
        sh.text(row, 1, desc)
        sh.formula(row, 6, f, bold=True)
        ctx.check(f"Statement {st.party}: {desc}", f"{sh.ref(row, 6)}")
        row += 1
    sh.grid(c_first, 1, row - 1, 6)
    sh.booleans(f"F{c_first}:F{row - 1}")
    row += 1
    body = ctx.book.settings.accountable_body
    officer = next((p.s151_officer for p in ctx.book.parties if p.code == body), "")
    row = sh.section(row, "Certification", f"To be signed by the section 151 officer of "
                     f"{ctx.party_name(body)}, the accountable body (§13.3).")
    for label, text in (("Signed (section 151 officer)", ""), ("Name", officer),
                        ("Date", "")):
        sh.text(row, 1, label)
        if text:
            sh.text(row, 3, text, bold=True)
        sh.signature_line(row, 3, 6)
        row += 2
    sh.print_area = (1, 1, row - 2, 6)
    return name


def _paid(sh: Sheet, row: int, paid: int) -> None:
    """What the party paid for a line as host or lead: the line's cost (a formula on its
    cost cell) when it paid it, else 0."""
    if paid:
        sh.formula(row, 4, f"C{row}", MONEY)
    else:
        sh.value(row, 4, 0, MONEY, input_=False)
