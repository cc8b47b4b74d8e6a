"""The Monitoring sheet: savings delivered against predicted, the quarterly budget
(Annex A §5.1) and shared-service performance with board flags (Annex A §4.1)."""

from __future__ import annotations

from xlsxwriter.utility import quote_sheetname

from finance.report import inputs
from finance.report.common import label_width
from finance.report.context import Context
from finance.report.grid import ROW_HEIGHT, Chart, Sheet
from finance.xlsx import GREY, MONEY, PCT, col_name

__all__ = ["NAME", "write"]

NAME = "Monitoring"
#: the columns of the service codes and the quarter numbers the run-of-missed-quarters
#: formulas read, beside the printed columns
SC, QN = 11, 12
RAG = (("green", "C6EFCE", "006100"), ("amber", "FFEB9C", "9C5700"), ("red", "FFC7CE", "9C0006"))
MISSED = "FFC7CE", "9C0006"


def _saving_formulas(sh: Sheet, row: int) -> None:
    sh.formula(row, 5, f"ROUND(D{row}-C{row},2)", MONEY)
    sh.formula(row, 6, f'IF(C{row}=0,"n/a",D{row}/C{row})', PCT)
    pred = f"ROUND(C{row}*100,0)"
    act = f"ROUND(D{row}*100,0)"
    sh.formula(row, 7, f'IF({pred}>0,IF({act}>=ROUND(RagGreen*{pred},6),"green",'
                       f'IF({act}>=ROUND(RagAmber*{pred},6),"amber","red")),'
                       f'IF({act}>={pred},"green","red"))')


def write(ctx: Context) -> None:
    r, mon = ctx.result, ctx.result.monitoring
    labels = [ctx.service_label(x.service) for x in mon.savings.rows]
    labels += [ctx.service_label(q.service) for q in mon.performance.quarters]
    sh = Sheet(ctx.book_, NAME, [label_width(labels), 36, 12, 16, 16, 16, 14, 16, 16, 16])
    sh.title(f"Monitoring {r.year}",
             "Savings delivered against predicted, the quarterly MKIP budget (Annex A §5.1) "
             "and shared-service performance (Annex A §4.1).")
    I = quote_sheetname(inputs.NAME)  # noqa: E741
    row = sh.section(4, "Savings: actual against predicted",
                     "RAG: green at the green threshold or more of the prediction, amber at "
                     "the amber threshold or more, red below (thresholds on Inputs).")
    rows = mon.savings.rows
    row = sh.header(row, ["Service", "Year", "Predicted (£)", "Actual (£)", "Variance (£)",
                          "Delivered", "RAG"])
    first = row
    for x, ir in zip(rows, ctx.inputs.savings_rows, strict=True):
        sh.text(row, 1, ctx.service_label(x.service), wrap=True)
        sh.formula(row, 2, f"{I}!$B${ir}")
        sh.formula(row, 3, f"{I}!$C${ir}", MONEY)
        sh.formula(row, 4, f"{I}!$D${ir}", MONEY)
        _saving_formulas(sh, row)
        ctx.key(sh, row, 5, ("saving_variance", x.service or "", x.year or ""),
                f"Savings variance {ctx.service_label(x.service)}", "money", x.variance)
        ctx.key(sh, row, 7, ("saving_rag", x.service or "", x.year or ""),
                f"Savings RAG {ctx.service_label(x.service)}", "text", x.rag)
        row += 1
    last = row - 1
    if rows:
        sh.grid(first, 1, last, 7)
    for t in [*mon.savings.by_year, mon.savings.total]:
        label = f"Partnership total {t.year}" if t.year else "Partnership total, all years"
        if t.year is None and len(mon.savings.by_year) <= 1:
            continue
        sh.text(row, 1, label, bold=True)
        if rows:
            yr_rows = [first + i for i, x in enumerate(rows) if t.year in (None, x.year)]
            a0, a1 = min(yr_rows), max(yr_rows)
            sh.formula(row, 3, f"ROUND(SUM(C{a0}:C{a1}),2)", MONEY)
            sh.formula(row, 4, f"ROUND(SUM(D{a0}:D{a1}),2)", MONEY)
        else:
            sh.value(row, 3, 0, MONEY, input_=False)
            sh.value(row, 4, 0, MONEY, input_=False)
        _saving_formulas(sh, row)
        sh.total_row(row, 1, 7)
        ctx.key(sh, row, 5, ("saving_total_variance", t.year or "all"), label, "money",
                t.variance)
        ctx.key(sh, row, 7, ("saving_total_rag", t.year or "all"), label + " RAG", "text",
                t.rag)
        row += 1
    if not rows:
        sh.note(row, 1, "No savings figures for the year.")
        row += 1
    sh.rag(f"G{first}:G{row - 1}", RAG)
    if rows:
        # beside the table, so that the budget follows on the same page
        height = max(5.5, (row - first + 1) * 0.45)  # cm
        sh.charts.append(Chart(
            options={"type": "bar"},  # the services' names read across
            series=[{"name": [NAME, first - 2, c], "categories": [NAME, first - 1, 0, last - 1, 0],
                     "values": [NAME, first - 1, c, last - 1, c],
                     "fill": {"color": colour}}
                    for c, colour in ((2, "#8EA9DB"), (3, "#1F4E79"))],
            anchor=(first - 1, 8), title="Savings predicted and delivered",
            # within the printed columns H to J
            size=(sum(sh.width(c) * 7 + 5 for c in (8, 9, 10)) / 37.8 - 0.1, height),
            x_axis={"num_format": "£#,##0",
                    "major_gridlines": {"visible": True, "line": {"color": "#D9D9D9"}}},
            y_axis={"reverse": True}))
        row = max(row, first - 1 + int(height * 28.35 / ROW_HEIGHT) + 1)
    row = _budget(ctx, sh, row)
    _performance(ctx, sh, row)


def _budget(ctx: Context, sh: Sheet, row: int) -> int:
    mon = ctx.result.monitoring
    I = quote_sheetname(inputs.NAME)  # noqa: E741
    row = sh.section(row, "Quarterly budget monitoring",
                     "Variance = forecast outturn - budget (positive: overspend). RAG: green "
                     "on or under budget, amber up to the budget tolerance on Inputs, red "
                     "above.")
    row = sh.header(row, ["Quarter", "Line", "Year", "Budget (£)", "Actual to date (£)",
                          "Forecast outturn (£)", "Variance (£)", "Variance %", "Spent %",
                          "RAG"])
    first = row
    for bl, ir in zip(mon.budget, ctx.inputs.budget_rows, strict=True):
        sh.formula(row, 1, f'"Q"&{I}!$C${ir}')
        sh.formula(row, 2, f"{I}!$B${ir}")
        sh.formula(row, 3, f"{I}!$A${ir}")
        sh.formula(row, 4, f"{I}!$D${ir}", MONEY)
        sh.formula(row, 5, f"{I}!$E${ir}", MONEY)
        sh.formula(row, 6, f"{I}!$F${ir}", MONEY)
        sh.formula(row, 7, f"ROUND(F{row}-D{row},2)", MONEY)
        sh.formula(row, 8, f'IF(D{row}=0,"n/a",G{row}/D{row})', PCT)
        sh.formula(row, 9, f'IF(D{row}=0,"n/a",E{row}/D{row})', PCT)
        sh.formula(row, 10, f'IF(ROUND(G{row}*100,0)<=0,"green",IF(ROUND(G{row}*100,0)<='
                            f'ROUND(BudgetAmber*ABS(ROUND(D{row}*100,0)),6),"amber","red"))')
        ctx.key(sh, row, 7, ("budget_variance", bl.line, str(bl.quarter)),
                f"Budget variance {bl.line} Q{bl.quarter}", "money", bl.variance)
        ctx.key(sh, row, 10, ("budget_rag", bl.line, str(bl.quarter)),
                f"Budget RAG {bl.line} Q{bl.quarter}", "text", bl.rag)
        row += 1
    if mon.budget:
        sh.grid(first, 1, row - 1, 10)
        sh.rag(f"J{first}:J{row - 1}", RAG)
    else:
        sh.note(row, 1, "No budget monitoring figures for the year.")
        row += 1
    return row + 1


def _performance(ctx: Context, sh: Sheet, row: int) -> None:
    """Service quarters and board flags (printed), then the indicators they count (below
    the print area: a listing of the inputs with whether each was missed)."""
    perf = ctx.result.monitoring.performance
    I = quote_sheetname(inputs.NAME)  # noqa: E741
    row = sh.section(row, "Service quarters and board flags",
                     "A quarter is missed when more than half its indicators are missed; three "
                     "consecutive missed quarters (across year ends too) are reported to the "
                     "Board (Annex A §4.1). The indicators are listed below the printed page.")
    row = sh.header(row, ["Service", "Quarter", "Year", "Indicators", "Missed",
                          "Quarter missed", "Consecutive missed", "Board flag"])
    # the quarters counted from year 0 (to tell consecutive quarters) are for the formulas:
    # outside the print area, beside the table
    sh.min_width(SC, 14)
    sh.min_width(QN, 14)
    sh.header(row - 1, ["Service code", "Quarter number"], col=SC)
    first = row
    q_last = first + len(perf.quarters) - 1
    flags_row = max(q_last, first) + 2
    printed_end = flags_row + max(len(perf.flags), 0) + (1 if perf.flags else 0)
    ind_section = printed_end + 2
    ind_first = ind_section + 3  # section, note, header
    ind_last = ind_first + len(ctx.inputs.indicator_rows) - 1
    end = max(ind_last, ind_first)
    s_r, y_r, q_r, m_r = (f"${c}${ind_first}:${c}${end}" for c in "ACDH")
    for sq in perf.quarters:
        sh.text(row, 1, ctx.service_label(sq.service), bold=True, wrap=True)
        sh.text(row, SC, sq.service, color=GREY)
        sh.value(row, 2, sq.quarter, '"Q"0', input_=False)
        sh.text(row, 3, sq.year)
        K = col_name(QN)
        sh.formula(row, QN, f"VALUE(LEFT(C{row},4))*4+B{row}-1", "0", color=GREY)
        S = col_name(SC)
        sel = f"EXACT({s_r},{S}{row})*EXACT({y_r},C{row})*({q_r}=B{row})"
        sh.formula(row, 4, f"SUMPRODUCT({sel})", "0")
        sh.formula(row, 5, f'SUMPRODUCT({sel}*({m_r}="missed"))', "0")
        sh.formula(row, 6, f'IF(2*E{row}>D{row},"missed","met")')
        if row == first:
            sh.formula(row, 7, f'IF(F{row}="missed",1,0)', "0")
        else:
            p = row - 1
            sh.formula(row, 7, f'IF(F{row}="missed",IF(AND(EXACT({S}{p},{S}{row}),'
                               f'{K}{p}={K}{row}-1),G{p}+1,1),0)', "0")
        sh.formula(row, 8, f'IF(G{row}>=3,"report to Board","no")', bold=True)
        ctx.key(sh, row, 6, ("quarter_missed", sq.service, sq.year, str(sq.quarter)),
                f"{ctx.service_label(sq.service)} {sq.year} Q{sq.quarter}", "text",
                "missed" if sq.missed_quarter else "met")
        row += 1
    if perf.quarters:
        sh.grid(first, 1, row - 1, 8)
        sh.grid(first, SC, row - 1, QN)
        sh.rag(f"F{first}:F{row - 1}", [("missed", *MISSED)])
        sh.rag(f"H{first}:H{row - 1}", [("report", *MISSED)])
    row = flags_row
    if perf.flags:
        sh.text(row, 1, "Flagged for report to the MKIP Board:", bold=True, color="9C0006")
        row += 1
        for fl in perf.flags:
            sh.text(row, 1, f"{ctx.service_label(fl.service)}: {fl.quarters} consecutive "
                    "missed quarters, "
                    f"{fl.start[0]} Q{fl.start[1]} to {fl.end[0]} Q{fl.end[1]}", color="9C0006")
            row += 1
    else:
        sh.text(row, 1, "No service is flagged for report to the Board.")
    ctx.flags = [f"{ctx.service_label(fl.service)}: {fl.quarters} missed quarters to "
                 f"{fl.end[0]} Q{fl.end[1]}" for fl in perf.flags]
    sh.print_area = (1, 1, printed_end, 10)
    row = sh.section(ind_section, "Performance indicators",
                     "Missed: the actual is worse than target in its direction.")
    row = sh.header(row, ["Service", "Indicator", "Year", "Quarter", "Target", "Actual",
                          "Higher is better", "Missed"])
    assert row == ind_first
    for ir in ctx.inputs.indicator_rows:
        sh.formula(row, 1, f"{I}!$A${ir}")
        sh.formula(row, 2, f"{I}!$B${ir}")
        sh.formula(row, 3, f"{I}!$C${ir}")
        sh.formula(row, 4, f"{I}!$D${ir}", "0")
        sh.formula(row, 5, f"{I}!$E${ir}", "#,##0.####")
        sh.formula(row, 6, f"{I}!$F${ir}", "#,##0.####")
        sh.formula(row, 7, f"{I}!$G${ir}")
        sh.formula(row, 8, f'IF(IF(G{row}="no",F{row}>E{row},F{row}<E{row}),"missed","met")')
        row += 1
    if perf.indicators:
        sh.grid(ind_first, 1, ind_last, 8)
        sh.rag(f"H{ind_first}:H{ind_last}", [("missed", *MISSED)])
    else:
        sh.note(row, 1, "No performance indicators reported.")
