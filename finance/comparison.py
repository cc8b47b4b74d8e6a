"""The comparison workbook of ``mkip compare``: scenarios side by side, for the board.

Sheets:

``Summary``   per council and figure (contribution, refund, supplementary, services, net
              settlement position): the baseline, each scenario, and each change as a live
              formula (scenario − baseline) holding its value; totals as formulas too
``Chart``     the change in each council's net settlement position, per scenario
``Changes``   each scenario's changes, in words

Money is in pounds, exact from the engine's pence; every formula carries its value, so a
preview or a program that does not recalculate shows the figures.  Written in memory on
the shared workbook writer (:mod:`finance.xlsx`).
"""

from __future__ import annotations

from datetime import UTC, datetime

from finance import __version__
from finance.core.money import to_pence
from finance.core.scenario import FIGURES
from finance.scenarios import Comparison
from finance.xlsx import (
    FONT,
    HEAD,
    MONEY,
    NAVY,
    MemoryBook,
    cell_name,
    pounds,
    set_page,
    write_text,
)

#: Row labels of the figures.
LABELS = {"contribution": "Contribution", "refund": "Refund",
          "supplementary": "Supplementary", "services": "Shared services",
          "net_position": "Net settlement position"}
#: The workbook carries no time of its own: a fixed stamp keeps its bytes reproducible.
STAMP = datetime(2025, 4, 1, tzinfo=UTC)


def comparison_workbook(cmp: Comparison) -> bytes:
    """The ``.xlsx`` bytes of the comparison (same content, same bytes)."""
    doc = cmp.as_json()
    book = MemoryBook()
    f = book.formats
    title = f.get(size=14, bold=True, color=NAVY)
    sub = f.get(color="595959", italic=True)
    head = f.get(bold=True, color="FFFFFF", fill=HEAD, align="center", valign="vcenter",
                 wrap=True)
    head_left = f.get(bold=True, color="FFFFFF", fill=HEAD, valign="vcenter")
    label = f.get()
    money = f.get(fmt=MONEY)
    change = f.get(fmt=MONEY, fill="F2F2F2")
    group = f.get(bold=True, top=("thin", "7F7F7F"))
    total = f.get(fmt=MONEY, bold=True, top=("thin", "000000"))
    total_change = f.get(fmt=MONEY, bold=True, fill="F2F2F2", top=("thin", "000000"))

    scenarios = doc["scenarios"]
    ws = book.add_sheet("Summary")
    write_text(ws, 0, 0, f"{doc['partnership']}: scenarios for {doc['year']}", title)
    write_text(ws, 1, 0, "Each change is the scenario less the baseline (a formula). "
               "Positive contribution, services or supplementary: the council pays more; "
               "positive refund or net settlement: it receives more.", sub)
    # columns: party | figure | baseline | (scenario, change) per scenario
    ws.set_column(0, 0, 9)
    ws.set_column(1, 1, 24)
    ws.set_column(2, 2 + 2 * len(scenarios), 15)
    top = 3
    write_text(ws, top, 0, "Council", head_left)
    write_text(ws, top, 1, "Figure", head_left)
    write_text(ws, top, 2, "Baseline", head)
    for i, s in enumerate(scenarios):
        write_text(ws, top, 3 + 2 * i, s["name"], head)
        write_text(ws, top, 4 + 2 * i, "Change", head)
    ws.set_row(top, 30)
    parties = sorted({p["party"] for s in scenarios for p in s["parties"]})
    zero = {"baseline": "0.00", "scenario": "0.00", "change": "0.00"}
    by_scenario = [{p: next((x for x in s["parties"] if x["party"] == p),
                            {"party": p, **dict.fromkeys(FIGURES, zero)}) for p in parties}
                   for s in scenarios]
    row = top + 1
    first_data = row
    net_rows: dict[str, int] = {}
    for party in parties:
        for k, fig in enumerate(FIGURES):
            write_text(ws, row, 0, party, group if k == 0 else label)
            write_text(ws, row, 1, LABELS[fig], label)
            base = to_pence(by_scenario[0][party][fig]["baseline"])
            ws.write_number(row, 2, pounds(base), money)
            for i, parts in enumerate(by_scenario):
                scen = to_pence(parts[party][fig]["scenario"])
                ws.write_number(row, 3 + 2 * i, pounds(scen), money)
                ws.write_formula(row, 4 + 2 * i,
                                 f"=ROUND({cell_name(row + 1, 4 + 2 * i)}-"
                                 f"{cell_name(row + 1, 3)},2)",
                                 change, pounds(scen - base))
            if fig == "net_position":
                net_rows[party] = row
            row += 1
    last_data = row - 1
    # totals per figure, as SUMIF formulas over the figure column
    write_text(ws, row, 0, "Total", f.get(bold=True, top=("thin", "000000")))
    row += 1
    labels = f"$B${first_data + 1}:$B${last_data + 1}"
    for fig in FIGURES:
        write_text(ws, row, 1, LABELS[fig], f.get(bold=True))
        columns: list[tuple[list[int], bool]] = [
            ([to_pence(by_scenario[0][p][fig]["baseline"]) for p in parties], False)]
        for parts in by_scenario:
            columns.append(([to_pence(parts[p][fig]["scenario"]) for p in parties], False))
            columns.append(([to_pence(parts[p][fig]["change"]) for p in parties], True))
        for col, (values, is_change) in enumerate(columns, start=2):
            letter = cell_name(1, col + 1)[:-1]
            ws.write_formula(row, col, f'=SUMIF({labels},"{LABELS[fig]}",'
                             f"{letter}{first_data + 1}:{letter}{last_data + 1})",
                             total_change if is_change else total, pounds(sum(values)))
        row += 1
    ws.freeze_panes(top + 1, 2)
    set_page(ws, landscape=True, repeat=(top + 1, top + 1),
             footer=f"&L{doc['partnership']} {doc['year']}: scenarios&RPage &P of &N")
    ws.print_area(0, 0, row - 1, 2 + 2 * len(scenarios))

    if scenarios and net_rows:  # the change in each council's net position, per scenario
        chart = book.wb.add_chart({"type": "bar"})
        for i, s in enumerate(scenarios):
            col = 4 + 2 * i
            chart.add_series({
                "name": s["name"],
                "categories": "=(" + ",".join(f"Summary!$A${r + 1}"
                                             for r in net_rows.values()) + ")",
                "values": "=(" + ",".join(f"Summary!${cell_name(1, col + 1)[:-1]}${r + 1}"
                                         for r in net_rows.values()) + ")",
            })
        chart.set_title({"name": "Change in each council's net settlement position",
                         "name_font": {"name": FONT, "size": 12}})
        chart.set_x_axis({"num_format": "£#,##0;(£#,##0)", "num_font": {"name": FONT,
                                                                     "size": 9},
                          "major_gridlines": {"visible": True,
                                              "line": {"color": "#D9D9D9"}}})
        chart.set_y_axis({"num_font": {"name": FONT, "size": 10}, "reverse": True,
                          "label_position": "low"})
        chart.set_legend({"position": "bottom", "font": {"name": FONT, "size": 9}})
        sheet = book.wb.add_chartsheet("Chart")
        sheet.set_chart(chart)
        sheet.set_paper(9)
        sheet.set_landscape()

    cs = book.add_sheet("Changes")
    write_text(cs, 0, 0, "What each scenario changes", title)
    write_text(cs, 2, 0, "Scenario", head_left)
    write_text(cs, 2, 1, "Change", head_left)
    write_text(cs, 2, 2, "In words", head_left)
    cs.set_column(0, 0, 34)
    cs.set_column(1, 1, 8)
    cs.set_column(2, 2, 90)
    r = 3
    assert cmp.baseline is not None
    names = {p.code: p.name for p in cmp.baseline.book.parties}
    for sc, (scenario, _result) in zip(scenarios, cmp.scenarios, strict=True):
        for n, ch in enumerate(scenario.changes, start=1):
            write_text(cs, r, 0, sc["name"] if n == 1 else "", f.get(bold=n == 1))
            cs.write_number(r, 1, n, f.get(align="center"))
            write_text(cs, r, 2, ch.words(names), f.get(wrap=True))
            r += 1
    set_page(cs, landscape=True, repeat=(3, 3))
    return book.finish(STAMP, title=f"{doc['partnership']} {doc['year']} scenarios",
                       creator=f"mkip-finance {__version__}")


__all__ = ["comparison_workbook"]
