"""The Investments sheet: five-year cash-flow profiles, NPV, IRR, BCR, payback, scores
and sensitivity, the portfolio and each party's returns (Annex A §5.2)."""

from __future__ import annotations

from decimal import Decimal

from finance.core.investments import OPTIMISM_BIAS_CASES, RATE_CASES, Appraisal
from finance.report import rules
from finance.report.common import RATIO, SCORE, YEARS, pct_fmt, pct_label
from finance.report.context import Context, Pool
from finance.report.grid import Chart, Sheet
from finance.report.settlement import project_weights
from finance.report.split import pool
from finance.xlsx import GREY, MONEY, MONEY0, PCT, col_name

__all__ = ["NAME", "write"]

NAME = "Investments"


def write(ctx: Context) -> None:
    r = ctx.result
    sh = Sheet(ctx.book_, NAME, [44, 15, 15, 15, 15, 15, 15, 15, 15])
    sh.title(f"Investments: five-year appraisal, {r.year}",
             "Costs uplifted by optimism bias, discounted at the discount rate with year 0 "
             "undiscounted (HM Treasury Green Book); score per Annex A §5.2.")
    apps = r.investments
    pf = r.portfolio
    n = len(apps)
    parties = [p.party for p in pf.parties]
    sum_hdr = sh.section(4, "Portfolio")
    sum_first = sum_hdr + 1
    sum_last = sum_first + n - 1
    row = sum_last + 3
    party_hdr = row + 1
    p_first = party_hdr + 1
    p_last = p_first + len(parties) - 1
    chart_row = p_last + 4
    row = chart_row + (20 if n else 0)
    res: dict[str, dict[str, str]] = {}
    for a in apps:
        res[a.project], row = _project(ctx, sh, row, a)
    split_pools: dict[tuple[str, str], Pool] = {}
    if apps and pf.parties:
        wk = ctx.workings
        wrow = wk.section(ctx.workings_row, "Investments: each project's present values "
                          "shared between its participants (Annex A §5.2)")
        for a in apps:
            pw = r.project_weights[a.project]
            weights = project_weights(ctx, a.service, pw)
            for what, label in (("pv_costs", "PV of costs"), ("pv_benefits", "PV of benefits")):
                eng = {s.party: getattr(s, what) for s in pf.shares if s.project == a.project}
                pl = pool(ctx, wk, wrow, f"{ctx.project_label(a.project)}: {label}",
                          res[a.project][what], sorted(pw), weights, engine=eng)
                split_pools[(a.project, what)] = pl
                wrow = pl.end
        ctx.workings_row = wrow
    sh.header(sum_hdr, ["Project", "Lead", "Service", "PV of costs (£)", "PV of benefits (£)",
                        "NPV (£)", "BCR", "IRR", "Score (0-100)"])
    sh.repeat = (1, 2)
    for i, a in enumerate(apps):
        rr = sum_first + i
        sh.text(rr, 1, ctx.project_label(a.project), bold=True, wrap=True)
        sh.text(rr, 2, a.lead)
        sh.text(rr, 3, ctx.service_label(a.service) if a.service else "", wrap=True)
        for c, k, fmt in ((4, "pv_costs", MONEY), (5, "pv_benefits", MONEY), (6, "npv", MONEY),
                          (7, "bcr", RATIO), (8, "irr", PCT), (9, "score", SCORE)):
            sh.formula(rr, c, res[a.project][k], fmt, align="right")
        for c in range(1, 10):  # the figures on the first line of a wrapped name
            sh.cells[(rr, c)].style["valign"] = "top"
    tr = sum_last + 1
    if n:
        sh.grid(sum_first, 1, sum_last, 9)
        sh.text(tr, 1, "Portfolio", bold=True)
        for c in (4, 5, 6):
            L = col_name(c)
            sh.formula(tr, c, f"ROUND(SUM({L}{sum_first}:{L}{sum_last}),2)", MONEY)
        sh.formula(tr, 7, f'IF(D{tr}=0,"none",E{tr}/D{tr})', RATIO)
        sh.formula(tr, 9, f'IF(D{tr}=0,"none",SUMPRODUCT(I{sum_first}:I{sum_last},'
                          f'D{sum_first}:D{sum_last})/D{tr})', SCORE)
        sh.total_row(tr, 1, 9)
        ctx.key(sh, tr, 6, ("portfolio", "npv"), "Portfolio NPV", "money", pf.npv)
        ctx.key(sh, tr, 4, ("portfolio", "pv_costs"), "Portfolio PV of costs", "money",
                pf.pv_costs)
        ctx.key(sh, tr, 5, ("portfolio", "pv_benefits"), "Portfolio PV of benefits", "money",
                pf.pv_benefits)
        ctx.key(sh, tr, 7, ("portfolio", "bcr"), "Portfolio BCR", "ratio", pf.bcr)
        ctx.key(sh, tr, 9, ("portfolio", "score"), "Overall partnership score", "ratio",
                pf.score)
        ctx.portfolio_npv = sh.ref(tr, 6)
        ctx.portfolio_score = sh.ref(tr, 9)
        sh.note(tr + 1, 1, "Overall partnership score: the mean of project scores weighted by "
                "PV of costs.")
    else:
        sh.note(sum_first, 1, "No investment cases in the book.")
    sh.header(party_hdr, ["Party", "PV of costs (£)", "PV of benefits (£)", "NPV (£)",
                          "Return per £1"])
    for i, pr_ in enumerate(pf.parties):
        rr = p_first + i
        sh.text(rr, 1, pr_.party, bold=True)
        for c, what in ((2, "pv_costs"), (3, "pv_benefits")):
            cells = [split_pools[(a.project, what)].share[pr_.party] for a in apps
                     if pr_.party in split_pools[(a.project, what)].share]
            sh.formula(rr, c, f"ROUND({'+'.join(cells) or '0'},2)", MONEY)
        sh.formula(rr, 4, f"ROUND(C{rr}-B{rr},2)", MONEY)
        sh.formula(rr, 5, f'IF(B{rr}=0,"none",C{rr}/B{rr})', RATIO)
        ctx.key(sh, rr, 2, ("party_pv_costs", pr_.party), f"PV costs {pr_.party}", "money",
                pr_.pv_costs)
        ctx.key(sh, rr, 3, ("party_pv_benefits", pr_.party), f"PV benefits {pr_.party}",
                "money", pr_.pv_benefits)
        ctx.key(sh, rr, 5, ("party_return", pr_.party), f"Return per £1 {pr_.party}", "ratio",
                pr_.return_per_pound)
    if pf.parties:
        tr2 = p_last + 1
        sh.grid(p_first, 1, p_last, 5)
        sh.text(tr2, 1, "Total", bold=True)
        for c in (2, 3, 4):
            L = col_name(c)
            sh.formula(tr2, c, f"ROUND(SUM({L}{p_first}:{L}{p_last}),2)", MONEY)
        sh.total_row(tr2, 1, 5)
        sh.note(tr2 + 1, 1, "Each project's present values are shared between its "
                "participants (largest remainder, workings in the appendix); a party's NPV is "
                "its PV of benefits less its PV of costs, so the parties' NPVs add up to the "
                "portfolio NPV.")
        ctx.check("Portfolio: party NPVs add up to portfolio NPV",
                  f"ROUND({sh.ref(tr2, 4)},2)=ROUND({sh.ref(tr, 6)},2)")
        ctx.check("Portfolio: party shares add up to portfolio PV of costs",
                  f"ROUND({sh.ref(tr2, 2)},2)=ROUND({sh.ref(tr, 4)},2)")
        ctx.check("Portfolio: party shares add up to portfolio PV of benefits",
                  f"ROUND({sh.ref(tr2, 3)},2)=ROUND({sh.ref(tr, 5)},2)")
    if n:
        sh.charts.append(Chart(
            options={"type": "bar"},
            series=[{"name": [NAME, sum_hdr - 1, 5],
                     "categories": [NAME, sum_first - 1, 0, sum_last - 1, 0],
                     "values": [NAME, sum_first - 1, 5, sum_last - 1, 5], "gap": 60,
                     "fill": {"color": "#1F4E79"}, "invert_if_negative": False}],
            anchor=(chart_row, 1), title="Net present value by project", size=(22, 8.5),
            x_axis={"num_format": "£#,##0"}, y_axis={"reverse": True, "label_position": "low"},
            legend=False))


def _project(ctx: Context, sh: Sheet, row: int, a: Appraisal) -> tuple[dict[str, str], int]:
    L = col_name
    refs = ctx.inputs
    row = sh.section(row, ctx.project_label(a.project))
    service = ctx.service_label(a.service) if a.service else "none"
    sh.text(row, 1, f"Lead {a.lead}; service {service}; year 0 is {a.start_year or ctx.year}")
    row += 1
    sh.text(row, 1, "Discount rate")
    sh.formula(row, 2, refs.rate[a.project], pct_fmt(a.discount_rate))
    sh.text(row, 3, "Optimism bias")
    sh.formula(row, 4, refs.optimism[a.project], pct_fmt(a.optimism_bias))
    rate = f"$B${row}"
    ob = f"$D${row}"
    row += 1
    hdr = row
    sh.header(row, ["£", "Year 0", "Year 1", "Year 2", "Year 3", "Year 4", "Year 5", "Total"])
    yrs = row + 1  # a row of year numbers for the formulas
    sh.text(yrs, 1, "Year number", italic=True, color=GREY)
    for t in range(6):
        sh.value(yrs, 2 + t, t, "0", input_=False)
    R: dict[str, int] = {}
    labels = [
        ("one_off", "One-off costs"), ("recurring", "Recurring costs"),
        ("raw", "Costs before optimism bias"), ("costs", "Costs with optimism bias"),
        ("saving", "Savings"), ("income", "Income"), ("benefits", "Benefits"),
        ("net", "Net flow (benefits - costs)"), ("df", "Discount factor"),
        ("dnet", "Discounted net flow"), ("cum", "Cumulative net flow"),
        ("dcum", "Cumulative discounted net flow"),
        ("neg", "Helper: year with cumulative below 0"),
        ("dneg", "Helper: year with discounted cumulative below 0"),
    ]
    rr = yrs + 1
    for k, lab in labels:
        R[k] = rr
        sh.text(rr, 1, lab, bold=k in ("costs", "benefits", "net"), italic=k in ("neg", "dneg"),
                color=GREY if k in ("neg", "dneg") else None)
        rr += 1
    cf = refs.cashflow
    for t in range(6):
        c = 2 + t
        col = L(c)
        prev = L(c - 1)
        sh.formula(R["one_off"], c, cf[(a.project, "one_off_cost", t)], MONEY0)
        sh.formula(R["recurring"], c, cf[(a.project, "recurring_cost", t)], MONEY0)
        sh.formula(R["raw"], c, f"{col}{R['one_off']}+{col}{R['recurring']}", MONEY0)
        sh.formula(R["costs"], c, f"{col}{R['raw']}*(1+{ob})", MONEY, bold=True)
        sh.formula(R["saving"], c, cf[(a.project, "saving", t)], MONEY0)
        sh.formula(R["income"], c, cf[(a.project, "income", t)], MONEY0)
        sh.formula(R["benefits"], c, f"{col}{R['saving']}+{col}{R['income']}", MONEY, bold=True)
        sh.formula(R["net"], c, f"{col}{R['benefits']}-{col}{R['costs']}", MONEY, bold=True)
        sh.formula(R["df"], c, f"1/(1+{rate})^{col}${yrs}", "0.0000")
        sh.formula(R["dnet"], c, f"{col}{R['net']}*{col}{R['df']}", MONEY)
        if t == 0:
            sh.formula(R["cum"], c, f"{col}{R['net']}", MONEY)
            sh.formula(R["dcum"], c, f"{col}{R['dnet']}", MONEY)
        else:
            sh.formula(R["cum"], c, f"{prev}{R['cum']}+{col}{R['net']}", MONEY)
            sh.formula(R["dcum"], c, f"{prev}{R['dcum']}+{col}{R['dnet']}", MONEY)
        sh.formula(R["neg"], c, f"IF({col}{R['cum']}<0,{col}${yrs},-1)", "0", color=GREY)
        sh.formula(R["dneg"], c, f"IF({col}{R['dcum']}<0,{col}${yrs},-1)", "0", color=GREY)
    for k in ("one_off", "recurring", "raw", "costs", "saving", "income", "benefits", "net",
              "dnet"):
        sh.formula(R[k], 8, f"SUM(B{R[k]}:G{R[k]})", MONEY)
    sh.grid(hdr + 1, 1, R["dneg"], 8)
    sh.total_row(R["net"], 1, 8)
    # the year numbers and the payback helpers are for the formulas: they do not print
    sh.hidden.update((yrs, R["neg"], R["dneg"]))

    def pv(k: str) -> str:
        return rules.present_value(rate, f"B{R[k]}", f"C{R[k]}:G{R[k]}")

    row = R["dneg"] + 2
    sh.header(row, ["Result", "Value", "How it is worked out"])
    row += 1
    out: dict[str, str] = {}

    def result(key: str, label: str, f: str | None, fmt: str, note: str, kind: str,
               value: int | float | str | None, text: str | None = None) -> None:
        nonlocal row
        sh.text(row, 1, label, bold=key in ("npv", "score"))
        if f is None:
            sh.text(row, 2, text or "none", align="right")
        else:
            sh.formula(row, 2, f, fmt, bold=key in ("npv", "score"), align="right")
        sh.note(row, 3, note)
        out[key] = sh.ref(row, 2)
        ctx.key(sh, row, 2, ("project", a.project, key),
                f"{ctx.project_label(a.project)}: {label}", kind, value)
        row += 1

    first = row
    result("pv_costs", "PV of costs", f"ROUND({pv('costs')},2)", MONEY,
           "year 0 + NPV(rate, years 1-5), rounded once to the penny", "money", a.pv_costs)
    result("pv_benefits", "PV of benefits", f"ROUND({pv('benefits')},2)", MONEY,
           "likewise for benefits", "money", a.pv_benefits)
    result("npv", "Net present value", f"ROUND(B{row - 1}-B{row - 2},2)", MONEY,
           "PV(benefits) - PV(costs) as shown, each rounded once: the NPV carries any "
           "penny of rounding", "money", a.npv)
    result("bcr", "Benefit-cost ratio", f'IF({pv("costs")}=0,"none",{pv("benefits")}/'
           f'{pv("costs")})', RATIO, "PV(benefits) / PV(costs)", "ratio", a.bcr)
    if a.irr is None:
        why = "several rates solve it" if len(a.irr_rates) > 1 else "no rate solves it"
        result("irr", "Internal rate of return", None, PCT, f"none: {why}", "ratio", None)
    else:
        result("irr", "Internal rate of return", f"IRR(B{R['net']}:G{R['net']})", "0.00%",
               "the rate at which NPV is zero", "ratio", a.irr)
    nz = f'COUNTIF(B{R["net"]}:G{R["net"]},"<>0")=0'
    for key, label, cum, neg, flow, v in (
        ("payback_years", "Payback (years)", "cum", "neg", "net", a.payback_years),
        ("discounted_payback_years", "Discounted payback (years)", "dcum", "dneg", "dnet",
         a.discounted_payback_years),
    ):
        last_neg = f"MAX(B{R[neg]}:G{R[neg]})"
        f = (f'IF({nz},"none",IF(G{R[cum]}<0,"never",IF({last_neg}<0,0,{last_neg}+'
             f'(-INDEX(B{R[cum]}:G{R[cum]},{last_neg}+1))/INDEX(B{R[flow]}:G{R[flow]},'
             f'{last_neg}+2))))')
        result(key, label, f, YEARS, "last year the cumulative flow is below zero, plus the "
               "part of the next year needed to recover it", "ratio", v)
    result("switching_value", "Switching value", f'IF({pv("benefits")}=0,"none",'
           f'{pv("net")}/{pv("benefits")})', PCT,
           "fall in benefits that brings NPV to zero, as a share of PV(benefits)", "ratio",
           a.switching_value)
    bcr = out["bcr"].split("!")[1]
    m = f"MATCH({bcr},VfmBcr,1)"
    interp = (f"INDEX(VfmScore,{m})+({bcr}-INDEX(VfmBcr,{m}))*(INDEX(VfmScore,{m}+1)-"
              f"INDEX(VfmScore,{m}))/(INDEX(VfmBcr,{m}+1)-INDEX(VfmBcr,{m}))")
    result("financial_score", "Financial score (0-100)",
           f'IF({pv("costs")}=0,IF({pv("benefits")}>0,100,0),IF({bcr}<=0,0,'
           f'IF({bcr}>=INDEX(VfmBcr,COLUMNS(VfmBcr)),100,{interp})))', SCORE,
           "BCR through the value-for-money bands on Inputs", "ratio", a.financial_score)
    if a.project in refs.criteria_score:
        sc, wu = refs.criteria_score[a.project], refs.criteria_weight[a.project]
        result("non_financial_score", "Non-financial score (0-100)",
               f"SUMPRODUCT({sc},{wu})/SUM({wu})*20", SCORE,
               "weighted mean of the §13.5 criteria scores (0-5) x 20", "ratio",
               a.non_financial_score)
    else:
        result("non_financial_score", "Non-financial score (0-100)", None, SCORE,
               "no criteria scored", "ratio", None)
    fin = out["financial_score"].split("!")[1]
    nonfin = out["non_financial_score"].split("!")[1]
    result("score", "Investment score (0-100)",
           f"IF(ISNUMBER({nonfin}),FinancialWeight*{fin}+(1-FinancialWeight)*{nonfin},{fin})",
           SCORE, "financial weight x financial + (1 - weight) x non-financial"
           + ("; financial only: no criteria scored" if a.financial_only else ""),
           "ratio", a.score)
    sh.grid(first, 1, row - 1, 2)
    row += 1
    sh.header(row, ["Sensitivity case", "Discount rate", "Optimism bias", "NPV (£)"])
    row += 1
    s_first = row
    cases: list[tuple[str, Decimal | None, Decimal | None]] = [
        (f"discount rate {pct_label(x)}", x, None) for x in RATE_CASES]
    cases += [(f"optimism bias {pct_label(x)}", None, x) for x in OPTIMISM_BIAS_CASES]
    eng = dict(a.sensitivity)
    for label, rate_case, ob_case in cases:
        sh.text(row, 1, label)
        if rate_case is not None:
            sh.value(row, 2, float(rate_case), pct_fmt(rate_case), input_=False)
        else:
            sh.formula(row, 2, rate, pct_fmt(a.discount_rate))
        if ob_case is not None:
            sh.value(row, 3, float(ob_case), pct_fmt(ob_case), input_=False)
        else:
            sh.formula(row, 3, ob, pct_fmt(a.optimism_bias))
        sh.formula(row, 4, f"ROUND(SUMPRODUCT(($B${R['benefits']}:$G${R['benefits']}-"
                           f"$B${R['raw']}:$G${R['raw']}*(1+C{row}))/(1+B{row})^"
                           f"$B${yrs}:$G${yrs}),2)", MONEY)
        if label in eng:
            ctx.key(sh, row, 4, ("sensitivity", a.project, label),
                    f"{ctx.project_label(a.project)}: NPV at {label}", "money", eng[label])
        row += 1
    sh.grid(s_first, 1, row - 1, 4)
    return out, row + 2
