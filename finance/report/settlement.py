"""The Settlement sheet: what each party owes the others, netted to one payment per pair
(§18.1).  Project set-up costs shared between participants are split on the Workings
sheet."""

from __future__ import annotations

from collections.abc import Mapping
from fractions import Fraction

from finance.core.apportion import apportion
from finance.report.common import label_width
from finance.report.context import Context, Pool, Weight
from finance.report.grid import Sheet
from finance.report.split import integer_ratio, pool, proportional
from finance.xlsx import MONEY, col_name, pounds

__all__ = ["NAME", "project_weights", "write"]

NAME = "Settlement"


def project_weights(ctx: Context, service: str | None, pw: Mapping[str, Fraction]
                    ) -> dict[str, Weight]:
    """Weights for a project split: the service block's cells when they match."""
    sv = ctx.services
    if service is not None and service in sv.weights:
        sw = sv.weights[service]
        if set(sw) == set(pw) and proportional({p: v for p, (_, v) in sw.items()}, pw):
            return {p: (sv.pools[service].weight[p], v) for p, (_, v) in sw.items()}
    if pw and len(set(pw.values())) == 1:
        return {p: (None, 1) for p in pw}
    return {p: (None, v) for p, v in integer_ratio(pw).items()}


def _project_pools(ctx: Context) -> dict[str, Pool]:
    y = ctx.year
    out: dict[str, Pool] = {}
    projects = [p for p in sorted(ctx.book.projects, key=lambda p: p.project)
                if (p.start_year or y) == y]
    wk = ctx.workings
    row = ctx.workings_row
    for pr in projects:
        cost = sum(c.amount for c in ctx.book.cashflows
                   if c.project == pr.project and c.year_index == 0 and c.kind == "one_off_cost")
        if cost == 0:
            continue
        if not out:
            row = wk.section(row, "Settlement: project set-up costs shared between the "
                             "participants (§18.1)")
        pw = ctx.result.project_weights[pr.project]
        out[pr.project] = pool(
            ctx, wk, row,
            f"{ctx.project_label(pr.project)}: year-0 set-up cost led by {pr.lead}",
            ctx.inputs.cashflow[(pr.project, "one_off_cost", 0)], sorted(pw),
            project_weights(ctx, pr.service, pw), engine=apportion(cost, pw))
        row = out[pr.project].end
    ctx.workings_row = row
    return out


def write(ctx: Context) -> None:
    r, st, y = ctx.result, ctx.result.settlement, ctx.year
    sources = [ctx.service_label(sp.service) for sp in r.services] + [
        ctx.project_label(p) for p in ctx.result.project_weights]
    sh = Sheet(ctx.book_, NAME, [label_width(sources), 16, 18, 18, 18, 22])
    sh.title(f"Settlement {y}",
             "The host pays a service's costs and a project's lead its set-up cost; each "
             "other participant owes the payer its share (§18.1). Netted to one payment per "
             "pair.")
    obls = st.obligations
    pairs = sorted({tuple(sorted((o.payer, o.payee))) for o in obls})
    parties = [n.party for n in st.net_positions]
    row = sh.section(4, "Net positions", "Positive: the party is owed money; negative: it "
                     "pays. They sum to zero.")
    net_hdr = row
    net_first = net_hdr + 1
    net_last = net_first + len(parties) - 1
    row = net_last + 3
    row = sh.section(row, "Payments: one net payment per pair of parties")
    pay_hdr = row
    pay_first = pay_hdr + 1
    pay_last = pay_first + len(pairs) - 1
    row = pay_last + 3
    # what prints ends with the payments; the obligations behind them are for the screen
    sh.print_area = (1, 1, row - 2, 6)
    row = sh.section(row, "Obligations before netting (not printed: each statement sheet "
                     "shows its party's payments)")
    ob_hdr = row
    ob_first = ob_hdr + 1
    ob_last = ob_first + len(obls) - 1
    sh.repeat = (1, 2)
    proj_pool = ctx.project_pools = _project_pools(ctx)
    sv = ctx.services
    sh.header(ob_hdr, ["Source", "Type", "Owes (payer)", "Is owed (payee)", "Amount (£)"])
    svc_codes = {sp.service for sp in r.services}
    for i, o in enumerate(obls):
        rr = ob_first + i
        is_svc = o.source in svc_codes and o.source in sv.pools
        sh.text(rr, 1, ctx.service_label(o.source) if is_svc else ctx.project_label(o.source),
                bold=True)
        sh.text(rr, 2, "service" if is_svc else "project")
        sh.text(rr, 3, o.payer)
        sh.text(rr, 4, o.payee)
        opool = sv.pools.get(o.source) if is_svc else proj_pool.get(o.source)
        if opool is not None and o.payer in opool.share:
            sh.formula(rr, 5, opool.share[o.payer], MONEY)
        else:
            sh.value(rr, 5, pounds(o.amount), MONEY, input_=False)
    if obls:
        sh.grid(ob_first, 1, ob_last, 5)
        tr = ob_last + 1
        sh.text(tr, 1, "Total", bold=True)
        sh.formula(tr, 5, f"ROUND(SUM(E{ob_first}:E{ob_last}),2)", MONEY)
        sh.total_row(tr, 1, 5)
    else:
        sh.note(ob_first, 1, "No obligations between the parties this year.")
    payer = f"$C${ob_first}:$C${max(ob_last, ob_first)}"
    payee = f"$D${ob_first}:$D${max(ob_last, ob_first)}"
    amt = f"$E${ob_first}:$E${max(ob_last, ob_first)}"
    sh.header(pay_hdr, ["Party A", "Party B", "A owes B, net (£)", "From", "To", "Payment (£)"])
    pay = {(p.payer, p.payee): p.amount for p in st.payments}
    for i, (a, b2) in enumerate(pairs):
        rr = pay_first + i
        sh.text(rr, 1, a)
        sh.text(rr, 2, b2)
        sh.formula(rr, 3, f"ROUND(SUMPRODUCT(EXACT({payer},A{rr})*EXACT({payee},B{rr})*{amt})"
                          f"-SUMPRODUCT(EXACT({payer},B{rr})*EXACT({payee},A{rr})*{amt}),2)",
                   MONEY)
        sh.formula(rr, 4, f'IF(C{rr}=0,"no payment",IF(C{rr}>0,A{rr},B{rr}))')
        sh.formula(rr, 5, f'IF(C{rr}=0,"-",IF(C{rr}>0,B{rr},A{rr}))')
        sh.formula(rr, 6, f"ABS(C{rr})", MONEY, bold=True)
        amount = pay.get((a, b2), 0) or pay.get((b2, a), 0)
        ctx.key(sh, rr, 6, ("payment", a, b2), f"Payment between {a} and {b2}", "money", amount)
        direction = a if (a, b2) in pay else b2 if (b2, a) in pay else "no payment"
        ctx.key(sh, rr, 4, ("payment_from", a, b2), f"Payer between {a} and {b2}", "text",
                direction)
    if pairs:
        sh.grid(pay_first, 1, pay_last, 6)
    else:
        sh.note(pay_first, 1, "No payments.")
    sh.header(net_hdr, ["Party", "Is owed (£)", "Owes (£)", "Net position (£)",
                        "Paid by net payments (£)"])
    pf = f"$D${pay_first}:$D${max(pay_last, pay_first)}"
    pt = f"$E${pay_first}:$E${max(pay_last, pay_first)}"
    pa = f"$F${pay_first}:$F${max(pay_last, pay_first)}"
    for i, npn in enumerate(st.net_positions):
        rr = net_first + i
        sh.text(rr, 1, npn.party, bold=True)
        if obls:
            sh.formula(rr, 2, f"ROUND(SUMPRODUCT(EXACT({payee},A{rr})*{amt}),2)", MONEY)
            sh.formula(rr, 3, f"ROUND(SUMPRODUCT(EXACT({payer},A{rr})*{amt}),2)", MONEY)
        else:
            sh.value(rr, 2, 0, MONEY, input_=False)
            sh.value(rr, 3, 0, MONEY, input_=False)
        sh.formula(rr, 4, f"ROUND(B{rr}-C{rr},2)", MONEY, bold=True)
        if pairs:
            sh.formula(rr, 5, f"ROUND(SUMPRODUCT(EXACT({pt},A{rr})*{pa})-SUMPRODUCT("
                              f"EXACT({pf},A{rr})*{pa}),2)", MONEY)
        else:
            sh.value(rr, 5, 0, MONEY, input_=False)
        ctx.key(sh, rr, 4, ("net_position", npn.party), f"Net position {npn.party}", "money",
                npn.amount)
        ctx.settlement_net[npn.party] = sh.ref(rr, 4)
        ctx.check(f"Settlement: net payments give {npn.party} its net position",
                  f"ROUND({sh.ref(rr, 5)},2)=ROUND({sh.ref(rr, 4)},2)")
    tr = net_last + 1
    sh.text(tr, 1, "Total", bold=True)
    if parties:
        for c in (2, 3, 4, 5):
            L = col_name(c)
            sh.formula(tr, c, f"ROUND(SUM({L}{net_first}:{L}{net_last}),2)", MONEY)
        sh.grid(net_first, 1, net_last, 5)
        ctx.check("Settlement: net positions sum to zero", f"ROUND({sh.ref(tr, 4)},2)=0")
    sh.total_row(tr, 1, 5)
