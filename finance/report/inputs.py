"""The Inputs sheet: every figure from the book that a formula uses (docs/report.md).

Figures copied from the book are in the input style (blue); what the report works out
from them (code order, months taking part, the budget tolerance) in the calculated
style.  The key inputs get defined names (``RatePerHead``, ``DiscountRate``,
``RefundShare`` ...).  The settings, parties and populations print; the listings below
them (ledger, services, projects, monitoring) are outside the print area.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from finance.core.contributions import latest_population
from finance.core.investments import VFM_BANDS
from finance.core.model import CASHFLOW_KINDS, LEDGER_KINDS
from finance.core.years import previous_year
from finance.report.common import DATE_ORDER, ledger_order, pct_fmt
from finance.report.context import Context
from finance.report.grid import Sheet
from finance.xlsx import INPUT_BLUE, MONEY, MONEY0, WHOLE, pounds

__all__ = ["NAME", "write"]

NAME = "Inputs"


def write(ctx: Context) -> None:
    r, b, y = ctx.result, ctx.book, ctx.year
    refs = ctx.inputs
    sh = Sheet(ctx.book_, NAME, [18, 46, 15, 15, 15, 15, 15, 15, 15])
    sh.freeze = 3
    row = sh.title("Inputs", "Figures from the input book that the formulas use. Blue: "
                   "copied from the book. Black: worked out by the report.")
    s = b.settings
    ye = r.year_end
    yr = next(x for x in b.years if x.year == y)

    row = sh.section(row, f"Settings for {y}")

    def setting(label: str, name: str | None, v: Any, fmt: str | None, note: str = "",
                formula: bool = False) -> None:
        nonlocal row
        sh.text(row, 1, label)
        if formula:
            sh.formula(row, 3, v, fmt)
        elif isinstance(v, str):
            sh.text(row, 3, v, color=INPUT_BLUE)
        else:
            sh.value(row, 3, v, fmt)
        if note:
            sh.note(row, 4, note)
        if name:
            ctx.book_.define(name, sh.ref(row, 3))
        row += 1

    setting("Partnership", None, s.name, None)
    setting("Financial year", None, y, None)
    setting("Rate per head (pence)", "RatePerHead", float(yr.rate_pence), "0.00##",
            "§13.2: per head of population, due on 1 April")
    ob_note = ("from the years table" if yr.opening_balance is not None
               else f"carried over from the {previous_year(y)} year end"
               if ye.opening_balance else "blank in the book: none")
    oc_note = ("from the years table" if yr.opening_commitments is not None
               else f"committed at the end of {previous_year(y)}"
               if ye.opening_commitments else "blank in the book: none")
    setting("Opening balance (£)", "OpeningBalance", pounds(ye.opening_balance), MONEY,
            ob_note)
    setting("Opening commitments (£)", "OpeningCommitments", pounds(ye.opening_commitments),
            MONEY, oc_note)
    setting("Refund share (board decision)", "RefundShare", float(ye.refund_share),
            pct_fmt(ye.refund_share),
            "share of the uncommitted balance refunded; blank means carry it all over"
            if yr.refund_share is not None else "blank in the book: carry everything over")
    setting("Discount rate", "DiscountRate", float(s.discount_rate), pct_fmt(s.discount_rate),
            "HM Treasury Green Book default 3.5%")
    setting("Financial weight of the investment score", "FinancialWeight",
            float(s.financial_weight), pct_fmt(s.financial_weight))
    setting("Savings RAG: green at or above", "RagGreen", float(s.rag_green),
            pct_fmt(s.rag_green))
    setting("Savings RAG: amber at or above", "RagAmber", float(s.rag_amber),
            pct_fmt(s.rag_amber))
    setting("Budget RAG: amber up to overspend of", "BudgetAmber", "1-RagGreen",
            pct_fmt(1 - s.rag_green), "formula: 1 - green threshold", formula=True)
    row += 1

    row = sh.section(row, "Parties", "Code order is the alphabetical position of the code; "
                     "it breaks exact ties in a largest-remainder split.")
    row = sh.header(row, ["Code", "Name", "Voting", "Joined", "Notice given", "Left",
                          "Code order"])
    top = row
    codes = sorted(p.code for p in b.parties)
    for p in sorted(b.parties, key=lambda p: p.code):
        sh.text(row, 1, p.code, color=INPUT_BLUE)
        sh.text(row, 2, p.name, color=INPUT_BLUE)
        sh.text(row, 3, "yes" if p.voting else "no", color=INPUT_BLUE)
        for c, d in ((4, p.joined), (5, p.notice_given), (6, p.left)):
            if d is not None:
                sh.value(row, c, datetime(d.year, d.month, d.day), DATE_ORDER)
        sh.value(row, 7, codes.index(p.code) + 1, "0", input_=False)
        refs.order[p.code] = sh.ref(row, 7)
        row += 1
    sh.grid(top, 1, row - 1, 7)
    row += 1

    row = sh.section(row, f"Populations used for {y}",
                     "The most recent estimate not after the year (§13.2); months paying: "
                     "whole months from joining (§13.2).")
    row = sh.header(row, ["Party", "Source", "Population", "Estimate year", "Months paying"])
    top = row
    months = {x.party: x.months for x in r.contributions.lines}
    for p in sorted(b.parties, key=lambda p: p.code):
        pop = latest_population(b.populations, p.code, y)
        if pop is None:
            continue
        sh.text(row, 1, p.code, color=INPUT_BLUE)
        sh.text(row, 2, pop.source, color=INPUT_BLUE, wrap=True)
        sh.value(row, 3, pop.population, WHOLE)
        sh.text(row, 4, pop.year, color=INPUT_BLUE)
        refs.population[p.code] = sh.ref(row, 3)
        refs.population_year[p.code] = sh.ref(row, 4)
        if p.code in months:
            sh.value(row, 5, months[p.code], "0", input_=False)
            refs.months_paying[p.code] = sh.ref(row, 5)
        else:
            sh.note(row, 5, "does not pay")
        row += 1
    sh.grid(top, 1, row - 1, 5)
    row += 1
    # what prints ends here: the listings below are for tracing figures on screen
    sh.print_area = (1, 1, row - 1, 7)

    lines = sorted((e for e in b.ledger if e.year == y), key=ledger_order)
    row = sh.section(row, f"Ledger for {y}",
                     "Amounts are positive for their kind; a negative amount is a reversal.")
    row = sh.header(row, ["Date", "Description", "Kind", "Amount (£)", "Reference"])
    top = row
    for e in lines:
        if e.date is not None:
            sh.value(row, 1, datetime(e.date.year, e.date.month, e.date.day), DATE_ORDER)
        sh.text(row, 2, e.description, color=INPUT_BLUE)
        sh.text(row, 3, e.kind, color=INPUT_BLUE)
        sh.value(row, 4, pounds(e.amount), MONEY)
        sh.text(row, 5, e.reference, color=INPUT_BLUE)
        row += 1
    if lines:
        sh.grid(top, 1, row - 1, 5)
    else:
        sh.note(row, 1, "No ledger lines for the year.")
        row += 1
    l_first, l_last = top, row - 1
    row += 1
    row = sh.header(row, ["Kind", "Total (£)"])
    top = row
    for k in LEDGER_KINDS:
        sh.text(row, 1, k)
        if lines:
            sh.formula(row, 2, f"ROUND(SUMIFS($D${l_first}:$D${l_last},"
                               f"$C${l_first}:$C${l_last},A{row}),2)", MONEY)
        else:
            sh.value(row, 2, 0, MONEY, input_=False)
        refs.ledger[k] = sh.ref(row, 2)
        row += 1
    sh.grid(top, 1, row - 1, 2)
    row += 1
    row = _services(ctx, sh, row)
    row = _projects(ctx, sh, row)
    _monitoring(ctx, sh, row)


def _services(ctx: Context, sh: Sheet, row: int) -> int:
    r, b, y, refs = ctx.result, ctx.book, ctx.year, ctx.inputs
    row = sh.section(row, f"Shared services in {y}",
                     "Net cost = gross cost - income; split on the basis shown (§18.1).")
    row = sh.header(row, ["Service", "Name", "Host", "Basis", "Gross cost (£)", "Income (£)"])
    top = row
    for sp in r.services:
        sh.text(row, 1, sp.service, color=INPUT_BLUE)
        sh.text(row, 2, sp.name, color=INPUT_BLUE)
        sh.text(row, 3, sp.host, color=INPUT_BLUE)
        sh.text(row, 4, sp.basis, color=INPUT_BLUE)
        sh.value(row, 5, pounds(sp.gross_cost), MONEY)
        sh.value(row, 6, pounds(sp.income), MONEY)
        refs.gross[sp.service] = sh.ref(row, 5)
        refs.income[sp.service] = sh.ref(row, 6)
        row += 1
    if r.services:
        sh.grid(top, 1, row - 1, 6)
    else:
        sh.note(row, 1, "No shared services in the year.")
        row += 1
    row += 1
    row = sh.header(row, ["Service", "Party", "Months taking part", "Fixed share",
                          "Stand-alone cost (£)"])
    top = row
    fixed = {(x.service, x.party): x.fixed_share for x in b.service_parties if x.year == y}
    for sp in r.services:
        listed = any(x.service == sp.service and x.year == y for x in b.service_parties)
        for ln in sp.lines:
            sh.text(row, 1, sp.service, color=INPUT_BLUE)
            sh.text(row, 2, ln.party, color=INPUT_BLUE)
            # months taking part are worked out from the dates, not copied
            sh.value(row, 3, ln.months, "0", input_=False)
            fs = fixed.get((sp.service, ln.party))
            if fs is not None:
                sh.value(row, 4, float(fs), pct_fmt(fs))
            if ln.standalone_cost is not None:
                sh.value(row, 5, pounds(ln.standalone_cost), MONEY)
                refs.standalone[(sp.service, ln.party)] = sh.ref(row, 5)
            refs.months[(sp.service, ln.party)] = sh.ref(row, 3)
            refs.fixed[(sp.service, ln.party)] = sh.ref(row, 4)
            if not listed:
                sh.note(row, 6, "no participants listed: every paying party")
            row += 1
    if r.services:
        sh.grid(top, 1, row - 1, 5)
    row += 1
    blends = [sp for sp in r.services if sp.basis == "blend"]
    if blends:
        row = sh.header(row, ["Service", "Blend component", "Component weight"])
        top = row
        for sp in blends:
            for comp, w in sp.components:
                sh.text(row, 1, sp.service, color=INPUT_BLUE)
                sh.text(row, 2, comp, color=INPUT_BLUE)
                sh.value(row, 3, float(w), pct_fmt(w))
                refs.blend[(sp.service, comp)] = sh.ref(row, 3)
                row += 1
        sh.grid(top, 1, row - 1, 3)
        row += 1
    drivers = sorted((d for d in b.drivers if d.year == y), key=lambda d: (d.driver, d.party))
    if drivers:
        row = sh.header(row, ["Party", "Activity driver", "Value"])
        top = row
        for drv in drivers:
            sh.text(row, 1, drv.party, color=INPUT_BLUE)
            sh.text(row, 2, drv.driver, color=INPUT_BLUE)
            sh.value(row, 3, float(drv.value), "#,##0.####")
            refs.driver[(drv.driver, drv.party)] = sh.ref(row, 3)
            row += 1
        sh.grid(top, 1, row - 1, 3)
        row += 1
    return row


def _projects(ctx: Context, sh: Sheet, row: int) -> int:
    r, b, y, refs = ctx.result, ctx.book, ctx.year, ctx.inputs
    if not r.investments:
        return row
    row = sh.section(row, "Investment cases (five-year profiles)",
                     "Costs are uplifted by optimism bias; a blank discount rate is the "
                     "partnership's.")
    row = sh.header(row, ["Project", "Name", "Service", "Lead", "Start year", "Optimism bias",
                          "Discount rate"])
    top = row
    projects = {p.project: p for p in b.projects}
    for a in r.investments:
        pr = projects[a.project]
        sh.text(row, 1, a.project, color=INPUT_BLUE)
        sh.text(row, 2, a.name, color=INPUT_BLUE)
        sh.text(row, 3, a.service or "", color=INPUT_BLUE)
        sh.text(row, 4, a.lead, color=INPUT_BLUE)
        sh.text(row, 5, pr.start_year or f"{y} (year run)", color=INPUT_BLUE)
        sh.value(row, 6, float(a.optimism_bias), pct_fmt(a.optimism_bias))
        if pr.discount_rate is None:
            sh.formula(row, 7, "DiscountRate", pct_fmt(a.discount_rate))
        else:
            sh.value(row, 7, float(pr.discount_rate), pct_fmt(pr.discount_rate))
        refs.optimism[a.project] = sh.ref(row, 6)
        refs.rate[a.project] = sh.ref(row, 7)
        row += 1
    sh.grid(top, 1, row - 1, 7)
    row += 1
    row = sh.header(row, ["Project", "Cash flow (£)", "Year 0", "Year 1", "Year 2", "Year 3",
                          "Year 4", "Year 5"])
    top = row
    for a in r.investments:
        for kind in CASHFLOW_KINDS:
            sh.text(row, 1, a.project, color=INPUT_BLUE)
            sh.text(row, 2, kind.replace("_", " "), color=INPUT_BLUE)
            for t in range(6):
                amounts = [c.amount for c in b.cashflows
                           if c.project == a.project and c.kind == kind and c.year_index == t]
                if len(amounts) > 1:
                    sh.formula(row, 3 + t, "+".join(str(Decimal(x) / 100) for x in amounts),
                               MONEY0, color=INPUT_BLUE)
                else:
                    sh.value(row, 3 + t, pounds(sum(amounts)), MONEY0)
                refs.cashflow[(a.project, kind, t)] = sh.ref(row, 3 + t)
            row += 1
    sh.grid(top, 1, row - 1, 8)
    row += 1
    row = sh.header(row, ["Value for money", "Band points"])
    sh.text(row, 1, "BCR")
    sh.text(row + 1, 1, "Financial score")
    for i, (bcr, score) in enumerate(VFM_BANDS):
        sh.value(row, 3 + i, float(bcr), "0.0#", input_=False)
        sh.value(row + 1, 3 + i, float(score), "0", input_=False)
    end_c = 2 + len(VFM_BANDS)
    ctx.book_.define("VfmBcr", sh.rng(row, 3, row, end_c))
    ctx.book_.define("VfmScore", sh.rng(row + 1, 3, row + 1, end_c))
    sh.note(row + 2, 1, "Financial score: straight lines between the band points (Annex A "
            "§5.2); 100 at or above the last BCR.")
    sh.grid(row, 1, row + 1, end_c)
    row += 4
    crit = sorted(b.criteria, key=lambda c: (c.project, c.criterion))
    if crit:
        row = sh.header(row, ["Project", "Criterion (§13.5)", "Score (0-5)", "Weight (given)",
                              "Weight used"])
        top = row
        for a in r.investments:
            own = [c for c in crit if c.project == a.project]
            start = row
            for cr in own:
                sh.text(row, 1, cr.project, color=INPUT_BLUE)
                sh.text(row, 2, cr.criterion, color=INPUT_BLUE)
                sh.value(row, 3, float(cr.score), "0.##")
                if cr.weight is not None:
                    sh.value(row, 4, float(cr.weight), "0.####")
                sh.formula(row, 5, f"IF(ISBLANK(D{row}),1,D{row})", "0.####")
                row += 1
            if own:
                refs.criteria_score[a.project] = sh.rng(start, 3, row - 1, 3)
                refs.criteria_weight[a.project] = sh.rng(start, 5, row - 1, 5)
        sh.grid(top, 1, row - 1, 5)
        row += 1
    return row


def _monitoring(ctx: Context, sh: Sheet, row: int) -> None:
    mon, y, refs = ctx.result.monitoring, ctx.year, ctx.inputs
    if mon.savings.rows:
        row = sh.section(row, f"Savings predicted and delivered ({y})")
        row = sh.header(row, ["Service", "Year", "Predicted (£)", "Actual (£)"])
        top = row
        for x in mon.savings.rows:
            sh.text(row, 1, x.service or "", color=INPUT_BLUE)
            sh.text(row, 2, x.year or "", color=INPUT_BLUE)
            sh.value(row, 3, pounds(x.predicted), MONEY)
            sh.value(row, 4, pounds(x.actual), MONEY)
            refs.savings_rows.append(row)
            row += 1
        sh.grid(top, 1, row - 1, 4)
        row += 1
    if mon.budget:
        row = sh.section(row, f"Quarterly budget monitoring ({y})")
        row = sh.header(row, ["Year", "Line", "Quarter", "Budget (£)", "Actual to date (£)",
                              "Forecast outturn (£)"])
        top = row
        for bl in mon.budget:
            sh.text(row, 1, bl.year, color=INPUT_BLUE)
            sh.text(row, 2, bl.line, color=INPUT_BLUE)
            sh.value(row, 3, bl.quarter, "0")
            sh.value(row, 4, pounds(bl.budget), MONEY)
            sh.value(row, 5, pounds(bl.actual_to_date), MONEY)
            sh.value(row, 6, pounds(bl.forecast_outturn), MONEY)
            refs.budget_rows.append(row)
            row += 1
        sh.grid(top, 1, row - 1, 6)
        row += 1
    inds = mon.performance.indicators
    if inds:
        row = sh.section(row, f"Performance indicators (quarters up to the end of {y})")
        row = sh.header(row, ["Service", "Indicator", "Year", "Quarter", "Target", "Actual",
                              "Higher is better"])
        top = row
        for ind in inds:
            sh.text(row, 1, ind.service, color=INPUT_BLUE)
            sh.text(row, 2, ind.indicator, color=INPUT_BLUE)
            sh.text(row, 3, ind.year, color=INPUT_BLUE)
            sh.value(row, 4, ind.quarter, "0")
            sh.value(row, 5, float(ind.target), "#,##0.####")
            sh.value(row, 6, float(ind.actual), "#,##0.####")
            sh.text(row, 7, "yes" if ind.higher_is_better else "no", color=INPUT_BLUE)
            refs.indicator_rows.append(row)
            row += 1
        sh.grid(top, 1, row - 1, 7)
