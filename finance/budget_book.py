"""The budget workbook of ``mkip budget``: the year ahead for the board and for each
council's finance team.

Sheets:

``Budget``       the budget year: central budget, use of balances, paying population,
                 the rate needed beside the rate, the surplus or gap; each council's
                 contribution, services, total and change on the year before; the forecast
                 of each council's total and of the central fund, and a chart of each
                 council's total over the forecast
``Services``     each service's base, approved items, inflation and net budget, and each
                 council's share, for every year of the forecast
``<CODE>``       one per council, laid out to lift into its own budget book: its
                 contribution (population x rate) and its share of each service, per year
``Assumptions``  the assumptions in force each year, the rate step and the rounding
``Proposals``    items not approved, with their cost to each council (in no total)

Money is in pounds, exact from the engine's pence.  Totals, changes and the fund are live
formulas holding their values (contributions too: ``ROUND(population x rate x months /
12 / 100, 2)``); a service's split is the engine's largest remainder, so its shares are
figures.  Written in memory on the shared workbook writer (:mod:`finance.xlsx`).
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from fractions import Fraction
from typing import Any

from finance import __version__
from finance.core.budget import Budget
from finance.core.jsonout import rate_text
from finance.xlsx import (
    HEAD,
    NAVY,
    WHOLE,
    MemoryBook,
    cell_name,
    hf_text,
    pounds,
    set_page,
    write_text,
)

#: The workbook carries no time of its own: a fixed stamp keeps its bytes reproducible.
STAMP = datetime(2025, 4, 1, tzinfo=UTC)
#: Negative money in brackets, as finance reads it.
MONEY_BR = "£#,##0.00;(£#,##0.00)"
PCT_BR = "0.0%;(0.0%)"
RATE = '0.00##"p"'
#: One colour per council, by its order in the book (the app's charts use the same).
COLOURS = ("1F4E79", "C55A11", "548235", "7030A0", "BF9000", "2E75B6", "A5A5A5", "843C0C")


class _Styles:
    def __init__(self, book: MemoryBook) -> None:
        f = book.formats
        self.title = f.get(size=14, bold=True, color=NAVY)
        self.sub = f.get(color="595959", italic=True)
        self.section = f.get(size=11, bold=True, color=NAVY)
        self.head = f.get(bold=True, color="FFFFFF", fill=HEAD, align="center",
                          valign="vcenter", wrap=True)
        self.head_left = f.get(bold=True, color="FFFFFF", fill=HEAD, valign="vcenter")
        self.text = f.get()
        self.bold = f.get(bold=True)
        self.money = f.get(fmt=MONEY_BR)
        self.money_total = f.get(fmt=MONEY_BR, bold=True, top=("thin", "000000"))
        self.whole = f.get(fmt=WHOLE)
        self.pct = f.get(fmt=PCT_BR)
        self.rate = f.get(fmt=RATE)
        self.note = f.get(color="595959", italic=True, wrap=True, valign="top")


def budget_workbook(bg: Budget) -> bytes:
    """The ``.xlsx`` bytes of the budget (same content, same bytes)."""
    book = MemoryBook()
    st = _Styles(book)
    header = hf_text(f"{bg.partnership}: budget {bg.year}")
    _summary(book, st, bg, header)
    _services(book, st, bg, header)
    for code in [c.party for c in bg.first.councils]:
        _council(book, st, bg, code, header)
    _assumptions(book, st, bg, header)
    _proposals(book, st, bg, header)
    return book.finish(STAMP, title=f"{bg.partnership}: budget {bg.year}",
                       creator=f"mkip-finance {__version__}")


def _f(value: Fraction | Decimal) -> float:
    return float(value)


def _summary(book: MemoryBook, st: _Styles, bg: Budget, header: str) -> None:
    """The Budget sheet."""
    ws = book.add_sheet("Budget")
    set_page(ws, landscape=True, header=f"&L{header}&R&P of &N",
             footer=f"&Lmkip-finance {__version__}")
    ws.set_column(0, 0, 30)
    ws.set_column(1, 1, 30)
    ws.set_column(2, 12, 15)
    y = bg.first
    write_text(ws, 0, 0, f"{bg.partnership}: budget {bg.year}", st.title)
    write_text(ws, 1, 0, f"Starts from {bg.before.year} ({bg.before.source}); forecast to "
               f"{bg.years[-1].year}. Contributions are due on 1 April (§13.2).", st.sub)
    write_text(ws, 3, 0, "The year's budget", st.section)
    r = 4
    facts: list[tuple[str, Any, Any]] = [
        ("Central budget (§13.1)", pounds(y.central), st.money),
        ("Use of balances", pounds(y.use_of_balances), st.money),
        ("Paying population", _f(y.paying_population), st.whole),
        ("Rate needed, rounded up", _f(y.rate_needed), st.rate),
        ("Rate per head", _f(y.rate), st.rate),
    ]
    for label, value, fmt in facts:
        write_text(ws, r, 0, label, st.text)
        ws.write_number(r, 1, value, fmt)
        r += 1
    central, use = cell_name(5, 2), cell_name(6, 2)
    write_text(ws, r, 0, "Contributions due 1 April", st.text)
    first_council = r + 5  # 1-based row of the first council line, below
    last_council = first_council + len(y.councils) - 1
    ws.write_formula(r, 1, f"=SUM(C{first_council}:C{last_council})", st.money,
                     pounds(y.contributions_total))
    contrib = cell_name(r + 1, 2)
    r += 1
    write_text(ws, r, 0, "Surplus (gap in brackets) at the rate", st.bold)
    ws.write_formula(r, 1, f"={contrib}-({central}-{use})", st.money, pounds(y.surplus))
    r += 2
    heads = ["Council", "Name", "Contribution", "Shared services", "Total",
             f"Total {bg.before.year}", "Change", "Change %"]
    ws.write_row(r, 0, heads, st.head)
    r += 1
    for c in y.councils:
        row = r + 1
        write_text(ws, r, 0, c.party, st.bold)
        write_text(ws, r, 1, c.name, st.text)
        ws.write_number(r, 2, pounds(c.contribution), st.money)
        services = sum(v for _, v in c.services)
        ws.write_number(r, 3, pounds(services), st.money)
        ws.write_formula(r, 4, f"=C{row}+D{row}", st.money, pounds(c.total))
        if c.previous is not None:
            ws.write_number(r, 5, pounds(c.previous), st.money)
            ws.write_formula(r, 6, f"=E{row}-F{row}", st.money, pounds(c.total - c.previous))
            if c.change_ratio is not None:
                ws.write_formula(r, 7, f"=IF(F{row}=0,\"\",G{row}/F{row})", st.pct,
                                 _f(c.change_ratio))
        r += 1
    write_text(ws, r, 0, "Total", st.bold)
    for col, value in ((2, y.contributions_total), (3, y.services_total), (4, y.total)):
        letter = "CDE"[col - 2]
        ws.write_formula(r, col, f"=SUM({letter}{first_council}:{letter}{last_council})",
                         st.money_total, pounds(value))
    r += 2
    r = _forecast(book, ws, st, bg, r)
    ws.print_area(0, 0, r, 8)


def _forecast(book: MemoryBook, ws: Any, st: _Styles, bg: Budget, r: int) -> int:
    """The forecast: each council's total and the central fund, year by year; the
    chart of the totals.  Returns the row after it."""
    write_text(ws, r, 0, "Medium-term forecast", st.section)
    r += 1
    years = bg.years
    ws.write_string(r, 0, "Council", st.head_left)
    ws.write_string(r, 1, "", st.head)
    for i, y in enumerate(years):
        ws.write_string(r, 2 + i, y.year, st.head)
    head_row = r
    r += 1
    codes = [c.party for c in years[0].councils]
    first = r
    for code in codes:
        write_text(ws, r, 0, code, st.bold)
        write_text(ws, r, 1, next(c.name for c in years[0].councils if c.party == code),
                   st.text)
        for i, y in enumerate(years):
            total = next((c.total for c in y.councils if c.party == code), 0)
            ws.write_number(r, 2 + i, pounds(total), st.money)
        r += 1
    write_text(ws, r, 0, "Total", st.bold)
    for i, y in enumerate(years):
        col = cell_name(1, 3 + i)[:-1]
        ws.write_formula(r, 2 + i, f"=SUM({col}{first + 1}:{col}{r})", st.money_total,
                         pounds(sum(c.total for c in y.councils)))
    r += 2
    write_text(ws, r, 0, "Central fund", st.section)
    r += 1
    rows = {"opening": r, "contributions": r + 1, "central": r + 2, "closing": r + 3}
    labels = {"opening": "Opening balance (1 April)", "contributions": "Contributions",
              "central": "Central budget (less)", "closing": "Closing balance (31 March)"}
    for key, row in rows.items():
        write_text(ws, row, 0, labels[key], st.bold if key == "closing" else st.text)
    for i, y in enumerate(years):
        col = cell_name(1, 3 + i)[:-1]
        prev = cell_name(1, 2 + i)[:-1]
        if i == 0:
            ws.write_number(rows["opening"], 2, pounds(y.fund_opening), st.money)
        else:
            ws.write_formula(rows["opening"], 2 + i, f"={prev}{rows['closing'] + 1}",
                             st.money, pounds(y.fund_opening))
        ws.write_number(rows["contributions"], 2 + i, pounds(y.contributions_total), st.money)
        ws.write_number(rows["central"], 2 + i, pounds(y.central), st.money)
        ws.write_formula(rows["closing"], 2 + i,
                         f"={col}{rows['opening'] + 1}+{col}{rows['contributions'] + 1}"
                         f"-{col}{rows['central'] + 1}", st.money_total,
                         pounds(y.fund_closing))
    r = rows["closing"] + 2
    low = [y.year for y in years if y.fund_closing < 0]
    write_text(ws, r, 0, ("The fund would fall below zero in " + ", ".join(low) + ".") if low
               else "The fund stays above zero in every year of the forecast.", st.note)
    r += 2
    chart = book.wb.add_chart({"type": "line"})
    for j in range(len(codes)):
        chart.add_series({
            "name": ["Budget", first + j, 0],
            "categories": ["Budget", head_row, 2, head_row, 1 + len(years)],
            "values": ["Budget", first + j, 2, first + j, 1 + len(years)],
            "line": {"color": "#" + COLOURS[j % len(COLOURS)], "width": 2.25},
            "marker": {"type": "circle", "size": 5,
                       "fill": {"color": "#" + COLOURS[j % len(COLOURS)]},
                       "border": {"color": "#" + COLOURS[j % len(COLOURS)]}},
        })
    chart.set_title({"name": "Each council's budget for the partnership",
                     "name_font": {"size": 11}})
    chart.set_y_axis({"num_format": "£#,##0", "major_gridlines": {"visible": True}})
    chart.set_legend({"position": "bottom"})
    chart.set_size({"width": 760, "height": 300})
    ws.insert_chart(r, 0, chart)
    return r + 16


def _services(book: MemoryBook, st: _Styles, bg: Budget, header: str) -> None:
    ws = book.add_sheet("Services")
    set_page(ws, landscape=True, header=f"&L{header}&R&P of &N",
             footer=f"&Lmkip-finance {__version__}")
    codes = [c.party for c in bg.first.councils]
    ws.set_column(0, 0, 12)
    ws.set_column(1, 1, 34)
    ws.set_column(2, 4 + len(codes), 15)
    write_text(ws, 0, 0, f"{bg.partnership}: each shared service's net budget", st.title)
    write_text(ws, 1, 0, "Base (the year before), approved items (Annex D b), inflation where "
               "a year has no items of its own, the net budget and each council's share "
               "(largest remainder on the service's basis, §18.1(a)).", st.sub)
    r = 3
    heads = ["Service", "Name / item", "Base", "Items", "Net budget", *codes]
    ws.write_row(r, 0, heads, st.head)
    ws.repeat_rows(r)
    r += 1
    for y in bg.years:
        write_text(ws, r, 0, y.year, st.section)
        r += 1
        for s in y.services:
            row = r + 1
            write_text(ws, r, 0, s.service, st.bold)
            write_text(ws, r, 1, s.name, st.bold)
            ws.write_number(r, 2, pounds(s.base), st.money)
            items = sum(i.amount for i in s.items)
            if s.inflation is not None:
                ws.write_formula(r, 3, f"=ROUND(C{row}*{s.inflation},2)", st.money,
                                 pounds(s.net - s.base))
            else:
                ws.write_number(r, 3, pounds(items), st.money)
            ws.write_formula(r, 4, f"=C{row}+D{row}", st.money_total, pounds(s.net))
            for j, code in enumerate(codes):
                if code in dict(s.shares):
                    ws.write_number(r, 5 + j, pounds(s.share(code)), st.money)
            r += 1
            for it in s.items:
                write_text(ws, r, 1, f"{it.item} ({it.kind.replace('_', ' ')})", st.note)
                ws.write_number(r, 3, pounds(it.amount), st.money)
                r += 1
            if s.inflation is not None:
                write_text(ws, r, 1, f"Inflation {_pct(s.inflation)} on the base", st.note)
                r += 1
        write_text(ws, r, 1, f"Total {y.year}", st.bold)
        ws.write_number(r, 4, pounds(y.services_total), st.money_total)
        r += 2


def _council(book: MemoryBook, st: _Styles, bg: Budget, code: str, header: str) -> None:
    first = next(c for c in bg.first.councils if c.party == code)
    ws = book.add_sheet(code[:31])
    set_page(ws, landscape=True, header=f"&L{header}&R{hf_text(first.name)}",
             footer="&LFor the council's own budget book&R&P of &N")
    ws.set_column(0, 0, 40)
    ws.set_column(1, len(bg.years), 15)
    write_text(ws, 0, 0, f"{first.name}: its budget for {bg.partnership}", st.title)
    write_text(ws, 1, 0, "To lift into the council's own budget: its contribution due on 1 "
               "April (§13.2) and its share of each shared service's net budget, each year "
               "of the forecast.", st.sub)
    r = 3
    ws.write_string(r, 0, "£", st.head_left)
    for i, y in enumerate(bg.years):
        ws.write_string(r, 1 + i, y.year, st.head)
    r += 1
    mine = [next((x for x in y.councils if x.party == code), None) for y in bg.years]
    pop_row, rate_row, months_row = r + 1, r + 2, r + 3
    for label, values, fmt in (
            ("Population", [c.population if c else 0 for c in mine], st.whole),
            ("Rate per head", [_f(y.rate) for y in bg.years], st.rate),
            ("Months", [c.months if c else 0 for c in mine], st.whole)):
        write_text(ws, r, 0, label, st.text)
        for i, value in enumerate(values):
            ws.write_number(r, 1 + i, value, fmt)
        r += 1
    write_text(ws, r, 0, "Contribution due 1 April", st.bold)
    top = r + 1
    for i, y in enumerate(bg.years):
        c = next((x for x in y.councils if x.party == code), None)
        col = cell_name(1, 2 + i)[:-1]
        ws.write_formula(r, 1 + i, f"=ROUND({col}{pop_row}*{col}{rate_row}*{col}{months_row}"
                         "/12/100,2)", st.money, pounds(c.contribution if c else 0))
    r += 1
    services = [(s.service, s.name) for s in bg.first.services]
    for scode, name in services:
        write_text(ws, r, 0, f"{name} ({scode})", st.text)
        for i, y in enumerate(bg.years):
            s = next((x for x in y.services if x.service == scode), None)
            if s is not None and code in dict(s.shares):
                ws.write_number(r, 1 + i, pounds(s.share(code)), st.money)
        r += 1
    write_text(ws, r, 0, "Total", st.bold)
    for i, y in enumerate(bg.years):
        c = next((x for x in y.councils if x.party == code), None)
        col = cell_name(1, 2 + i)[:-1]
        ws.write_formula(r, 1 + i, f"=SUM({col}{top}:{col}{r})", st.money_total,
                         pounds(c.total if c else 0))
    r += 2
    write_text(ws, r, 0, f"Population: {first.population_source}." if first.population_source
               else "", st.note)


def _assumptions(book: MemoryBook, st: _Styles, bg: Budget, header: str) -> None:
    ws = book.add_sheet("Assumptions")
    set_page(ws, landscape=False, header=f"&L{header}&R&P of &N")
    ws.set_column(0, 0, 30)
    ws.set_column(1, len(bg.years), 12)
    write_text(ws, 0, 0, "Assumptions", st.title)
    unit = "whole pounds" if bg.rounding == "pound" else "pence"
    write_text(ws, 1, 0, f"Rates rounded to {rate_text(bg.rate_step)}p (rate needed: up; "
               f"an uplifted rate: half up); service budgets in {unit}.", st.sub)
    ws.write_string(3, 0, "Assumption", st.head_left)
    for i, y in enumerate(bg.years):
        ws.write_string(3, 1 + i, y.year, st.head)
    labels = {"inflation": "Inflation (a year without items of its own)",
              "rate_uplift": "Rate uplift (from the year after the budget)",
              "population_growth": "Population growth (a year without an estimate)"}
    for j, key in enumerate(labels):
        write_text(ws, 4 + j, 0, labels[key], st.text)
        for i, y in enumerate(bg.years):
            ws.write_number(4 + j, 1 + i, _f(dict(y.assumptions)[key]), st.pct)


def _proposals(book: MemoryBook, st: _Styles, bg: Budget, header: str) -> None:
    ws = book.add_sheet("Proposals")
    set_page(ws, landscape=True, header=f"&L{header}&R&P of &N")
    codes = [c.party for c in bg.first.councils]
    ws.set_column(0, 1, 12)
    ws.set_column(2, 2, 34)
    ws.set_column(3, 4 + len(codes), 14)
    write_text(ws, 0, 0, "Proposals: items not yet approved (in no total)", st.title)
    ws.write_row(2, 0, ["Year", "Service", "Item", "Kind", "Amount", *codes], st.head)
    r = 3
    for p in bg.proposals:
        it = p.item
        write_text(ws, r, 0, it.year, st.text)
        write_text(ws, r, 1, it.service, st.text)
        write_text(ws, r, 2, it.item, st.text)
        write_text(ws, r, 3, it.kind.replace("_", " "), st.text)
        ws.write_number(r, 4, pounds(it.amount), st.money)
        for j, code in enumerate(codes):
            if code in dict(p.effect):
                ws.write_number(r, 5 + j, pounds(dict(p.effect)[code]), st.money)
        r += 1
    if not bg.proposals:
        write_text(ws, r, 0, "None.", st.note)


def _pct(d: Decimal) -> str:
    return f"{(d * 100).normalize():f}%"
