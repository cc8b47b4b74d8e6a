"""The board report for a large book, streamed with openpyxl's write-only mode (issue 6).

A partnership with thousands of ledger lines and service participants would make the
full board report (:mod:`finance.report`, a block of workings per service) too slow to
build and too long to print.  Above :data:`LARGE_LEDGER_LINES` ledger lines or
:data:`LARGE_SERVICE_LINES` service participants, :func:`finance.report.build_report`
uses this compact layout instead: one row per ledger line and one row per service
participant, with the same audit trail in columns (weight, exact quota, floored share,
remainder rank, extra penny) and live formulas for the totals, the fund account, each
share and the checks.

Rows are written once, in order; every cell's style is copied from a template cell made
once per style, so the cost per cell stays small.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from copy import copy
from datetime import datetime
from decimal import Decimal
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.workbook.defined_name import DefinedName

from finance import __version__
from finance.core.run import Result
from finance.report import FONT, GREY, HEAD, INPUT_BLUE, MONEY, NAVY, _pounds, ledger_order
from finance.xlsx_stream import SENTINEL, Day, Formula, Num, Rows, Text, render_row

LARGE_LEDGER_LINES = 5_000
LARGE_SERVICE_LINES = 2_000



def is_large(result: Result) -> bool:
    """Whether ``result``'s book is big enough for the compact, streamed layout."""
    lines = sum(len(s.lines) for s in result.services)
    return len(result.book.ledger) > LARGE_LEDGER_LINES or lines > LARGE_SERVICE_LINES


_STYLES: dict[str, dict[str, Any]] = {
    "title": {"font": Font(name=FONT, size=16, bold=True, color=NAVY)},
    "subtitle": {"font": Font(name=FONT, size=10, italic=True, color=GREY)},
    "section": {"font": Font(name=FONT, size=12, bold=True, color=NAVY),
                "border": Border(bottom=Side(style="medium", color=NAVY))},
    "head": {"font": Font(name=FONT, size=10, bold=True, color="FFFFFF"),
             "fill": PatternFill("solid", fgColor=HEAD),
             "alignment": Alignment(wrap_text=True, horizontal="center", vertical="center")},
    "text": {"font": Font(name=FONT, size=10)},
    "label": {"font": Font(name=FONT, size=10, bold=True)},
    "input": {"font": Font(name=FONT, size=10, color=INPUT_BLUE)},
    "input_money": {"font": Font(name=FONT, size=10, color=INPUT_BLUE), "number_format": MONEY},
    "input_int": {"font": Font(name=FONT, size=10, color=INPUT_BLUE), "number_format": "#,##0"},
    "input_pct": {"font": Font(name=FONT, size=10, color=INPUT_BLUE), "number_format": "0.##%"},
    "input_ratio": {"font": Font(name=FONT, size=10, color=INPUT_BLUE),
                    "number_format": "0.000000000"},
    "input_pence": {"font": Font(name=FONT, size=10, color=INPUT_BLUE),
                    "number_format": "#,##0.000000"},
    "input_date": {"font": Font(name=FONT, size=10, color=INPUT_BLUE),
                   "number_format": "yyyy-mm-dd"},
    "money": {"font": Font(name=FONT, size=10), "number_format": MONEY},
    "ratio": {"font": Font(name=FONT, size=10), "number_format": "0.00%"},
    "num": {"font": Font(name=FONT, size=10), "number_format": "0.00"},
    "total_money": {"font": Font(name=FONT, size=10, bold=True), "number_format": MONEY,
                    "border": Border(top=Side(style="thin"), bottom=Side(style="double"))},
    "total_label": {"font": Font(name=FONT, size=10, bold=True),
                    "border": Border(top=Side(style="thin"), bottom=Side(style="double"))},
    "check": {"font": Font(name=FONT, size=10, bold=True)},
    "link": {"font": Font(name=FONT, size=10, color="0563C1", underline="single")},
}


class _Sheet:
    """A write-only sheet with a title, column widths, print set-up and styled cells."""

    def __init__(self, report: _LargeReport, title: str, widths: Sequence[float],
                 heading: str, note: str, freeze_row: int | None = None) -> None:
        self.r = report
        self.title = title
        ws = report.wb.create_sheet(title)
        self.ws = ws
        for i, w in enumerate(widths, start=1):
            ws.column_dimensions[get_column_letter(i)].width = w
        ws.page_setup.orientation = "landscape"
        ws.page_setup.paperSize = "9"  # A4
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        name = report.result.book.settings.name
        ws.oddHeader.left.text = name.replace("&", "&&")
        ws.oddHeader.right.text = f"Board report {report.result.year}: {title}"
        ws.oddFooter.center.text = "Page &P of &N"
        ws.oddFooter.right.text = f"mkip {__version__}"
        if freeze_row:
            ws.freeze_panes = f"A{freeze_row}"
            ws.print_title_rows = f"{freeze_row - 1}:{freeze_row - 1}"
        self.row_no = 0
        self.append([self.c(heading, "title")])
        self.append([self.c(note, "subtitle")])

    def c(self, value: object, style: str = "text") -> Any:
        cell: Any = WriteOnlyCell(self.ws, value=None)
        if isinstance(value, str) and not value.startswith("="):
            cell.value = ILLEGAL_CHARACTERS_RE.sub("", value)[:32767]
            cell.data_type = "s"  # text is data, never a formula
        else:
            cell.value = value
        cell._style = copy(self.r.style(style))
        return cell

    def text(self, value: object, style: str = "text") -> Any:
        """Always text, even when it starts with ``=``, ``+``, ``-`` or ``@``."""
        cell = self.c("", style)
        cell.value = ILLEGAL_CHARACTERS_RE.sub("", "" if value is None else str(value))[:32767]
        cell.data_type = "s"
        return cell

    def append(self, cells: Iterable[object]) -> int:
        self.ws.append(list(cells))
        self.row_no += 1
        return self.row_no

    def stream(self, key: str, count: int, render: Rows) -> int:
        """End the sheet with ``count`` rows rendered straight to XML; returns the last row."""
        self.append([self.text(SENTINEL.format(key))])
        self.r.streams[key] = render
        self.row_no += count - 1
        return self.row_no

    def blank(self) -> int:
        return self.append([])

    def header(self, labels: Sequence[str]) -> int:
        return self.append(self.c(x, "head") for x in labels)

    def ref(self, row: int, col: int, absolute: bool = True) -> str:
        c = get_column_letter(col)
        a = f"${c}${row}" if absolute else f"{c}{row}"
        return f"{quote_sheetname(self.title)}!{a}"


class _LargeReport:
    def __init__(self, result: Result, generated: datetime) -> None:
        self.result = result
        self.generated = generated
        self.wb = Workbook(write_only=True)
        self._templates: dict[str, Any] = {}
        self._scratch = self.wb.create_sheet("_styles")  # style templates only; removed
        self.checks: list[tuple[str, str]] = []
        self.streams: dict[str, Rows] = {}

    def style_id(self, name: str) -> int:
        """The workbook's cellXfs index of a named style (for streamed rows)."""
        cell: Any = WriteOnlyCell(self._scratch)
        cell._style = copy(self.style(name))
        return int(cell.style_id)

    def style(self, name: str) -> Any:
        got = self._templates.get(name)
        if got is None:
            cell: Any = WriteOnlyCell(self._scratch)
            for attr, v in _STYLES[name].items():
                setattr(cell, attr, v)
            got = self._templates[name] = copy(cell._style)
        return got

    # ---------------------------------------------------------------- sheets
    def cover(self) -> None:
        r = self.result
        g = r.governance.as_json()
        sh = _Sheet(self, "Cover", [34, 90], r.book.settings.name,
                    f"Board report: year end {r.year} (compact layout for a large book)")
        sh.blank()
        facts = [("Partnership", r.book.settings.name), ("Financial year", r.year),
                 ("Chair", g.get("chair")), ("Vice-chair", g.get("vice_chair")),
                 ("Host authority", g.get("host")),
                 ("Accountable body", g.get("accountable_body")),
                 ("Generated", self.generated.strftime("%d %B %Y %H:%M UTC")),
                 ("Software", f"mkip-finance {__version__}"),
                 ("SHA-256 of the input book", r.book.source_sha256)]
        for label, value in facts:
            sh.append([sh.c(label, "label"), sh.text(value or "-")])
        sh.blank()
        sh.append([sh.c("Contents", "section"), sh.c("", "section")])
        for name in ("Contributions", "Year end", "Ledger", "Shared services", "Settlement",
                     "Investments", "Monitoring", "Checks"):
            link = f'=HYPERLINK("#{quote_sheetname(name)}!A1","{name}")'
            sh.append([sh.c(link, "link")])
        if r.warnings:
            sh.blank()
            sh.append([sh.c("Warnings", "section"), sh.c("", "section")])
            for w in r.warnings[:200]:
                sh.append([sh.c("Warning", "label"), sh.text(str(w))])
            if len(r.warnings) > 200:
                sh.append([sh.c("", "label"), sh.text(f"... and {len(r.warnings) - 200} more "
                                                     "(all are in the JSON result)")])

    def contributions(self) -> tuple[str, str]:
        r = self.result
        c = r.contributions
        sh = _Sheet(self, "Contributions", [12, 36, 14, 12, 10, 12, 16, 12],
                    f"Contributions {r.year}",
                    "Each voting party pays rate x population x months / 12 pence, rounded "
                    "once, half away from zero (§13.2).", freeze_row=4)
        sh.header(["Party", "Name", "Population", "Estimate", "Months", "Rate (pence)",
                   "Contribution", "Share"])
        first = sh.row_no + 1
        last = first + len(c.lines) - 1
        for x in c.lines:
            n = sh.row_no + 1
            sh.append([sh.text(x.party), sh.text(x.name), sh.c(x.population, "input_int"),
                       sh.text(x.population_year, "input"), sh.c(x.months, "input_int"),
                       sh.c(float(c.rate_pence), "input"),
                       sh.c(f"=ROUND(ROUND(F{n}*C{n}*E{n}/12,6),0)/100", "money"),
                       sh.c(f"=IF($G${last + 1}=0,0,G{n}/$G${last + 1})", "ratio")])
        total = sh.append([sh.c("Total", "total_label"), sh.c("", "total_label"),
                           sh.c(f"=SUM(C{first}:C{last})", "total_label"),
                           *[sh.c("", "total_label")] * 3,
                           sh.c(f"=SUM(G{first}:G{last})", "total_money"),
                           sh.c(f"=SUM(H{first}:H{last})", "ratio")])
        self.wb.defined_names["RatePerHead"] = DefinedName(
            "RatePerHead", attr_text=sh.ref(first, 6))
        self.checks.append(("Contributions add up to the total",
                            f"=ABS(SUM(Contributions!G{first}:G{last})-{_pounds(c.total)})<0.005"))
        return sh.ref(total, 7), f"Contributions!$G${first}:$G${last}"

    def ledger(self) -> None:
        r = self.result
        rows = sorted((e for e in r.book.ledger if e.year == r.year), key=ledger_order)
        sh = _Sheet(self, "Ledger", [12, 18, 16, 60, 18], f"Ledger {r.year}",
                    f"{len(rows):,} lines of {r.year} from the input book; the fund account "
                    "sums them by kind.", freeze_row=4)
        sh.header(["Date", "Kind", "Amount", "Description", "Reference"])
        date_s, text_s, money_s = (self.style_id(x) for x in
                                   ("input_date", "input", "input_money"))

        def render(first: int) -> Iterator[str]:
            for i, e in enumerate(rows):
                yield render_row(first + i, (
                    Day(e.date, date_s) if e.date else None, Text(e.kind, text_s),
                    Num(_pounds(e.amount), money_s), Text(e.description, text_s),
                    Text(e.reference, text_s)))

        self.ledger_last = sh.stream("ledger", len(rows), render)

    def year_end(self, contrib_total: str) -> None:
        r = self.result
        ye = r.year_end
        sh = _Sheet(self, "Year end", [34, 18, 18, 18, 18, 18],
                    f"Year end {r.year}: refund or carry over",
                    "Fund account (§13.2-§13.3): ledger totals are SUMIF formulas over the "
                    "Ledger sheet.")
        sh.blank()
        last = self.ledger_last

        def sumif(kind: str) -> str:
            return f'=SUMIF(Ledger!$B$4:$B${last},"{kind}",Ledger!$C$4:$C${last})'

        lines: list[tuple[str, Any, str]] = [
            ("Opening balance", _pounds(ye.opening_balance), "input_money"),
            ("Opening commitments", _pounds(ye.opening_commitments), "input_money"),
            ("Contributions", f"={contrib_total}", "money"),
            ("External funding", sumif("external_funding"), "money"),
            ("Income", sumif("income"), "money"),
            ("Admin recharge", sumif("admin_recharge"), "money"),
        ]
        start = sh.row_no + 1
        for label, v, st in lines:
            sh.append([sh.c(label, "label"), sh.c(v, st)])
        b = start  # rows: b opening .. b+5 admin
        avail = sh.append([sh.c("Available", "total_label"),
                           sh.c(f"=B{b}+B{b + 1}+B{b + 2}+B{b + 3}+B{b + 4}-B{b + 5}",
                                "total_money")])
        spend = sh.append([sh.c("Spend", "label"), sh.c(sumif("spend"), "money")])
        com = sh.append([sh.c("Commitments at 31 March", "label"),
                         sh.c(sumif("commitment"), "money")])
        unc = sh.append([sh.c("Uncommitted", "total_label"),
                         sh.c(f"=B{avail}-B{spend}-B{com}", "total_money")])
        share = sh.append([sh.c("Refund share (board decision)", "label"),
                           sh.c(float(ye.refund_share), "input_pct")])
        self.wb.defined_names["RefundShare"] = DefinedName(
            "RefundShare", attr_text=sh.ref(share, 2))
        refund = sh.append([sh.c("Refund", "label"), sh.c(
            f"=IF(B{unc}>0,SIGN(B{unc})*ROUND(ROUND(ABS(B{unc})*100*B{share},6),0)/100,0)",
            "money")])
        carry = sh.append([sh.c("Carried over", "total_label"),
                           sh.c(f"=B{unc}-B{refund}", "total_money")])
        self.checks.append(("Uncommitted agrees with the engine",
                            f"=ABS('Year end'!B{unc}-{_pounds(ye.uncommitted)})<0.005"))
        self.checks.append(("Refund + carry-over = uncommitted",
                            f"=ABS('Year end'!B{refund}+'Year end'!B{carry}"
                            f"-'Year end'!B{unc})<0.005"))
        self.checks.append(("Refund agrees with the engine",
                            f"=ABS('Year end'!B{refund}-{_pounds(ye.refund)})<0.005"))
        sh.blank()
        sh.append([sh.c("Statement per party (largest remainder on contribution weights)",
                        "section")])
        sh.header(["Party", "Contribution", "Share of spend", "Refund", "Carried over",
                   "Supplementary"])
        first = sh.row_no + 1
        for p in ye.parties:
            sh.append([sh.text(p.party), sh.c(_pounds(p.contribution), "money"),
                       sh.c(_pounds(p.spend), "money"), sh.c(_pounds(p.refund), "money"),
                       sh.c(_pounds(p.carry_over), "money"),
                       sh.c(_pounds(p.supplementary), "money")])
        last_p = sh.row_no
        sh.append([sh.c("Total", "total_label"),
                   *[sh.c(f"=SUM({col}{first}:{col}{last_p})", "total_money")
                     for col in "BCDEF"]])
        if ye.parties:
            for label, col, row in (("Refund shares add up to the refund", "D", refund),
                                    ("Carry-over shares add up", "E", carry),
                                    ("Spend shares add up to spend", "C", spend)):
                self.checks.append((label, f"=ABS(SUM('Year end'!{col}{first}:{col}{last_p})"
                                           f"-'Year end'!B{row})<0.005"))

    def services(self) -> None:
        r = self.result
        sh = _Sheet(self, "Shared services",
                    [10, 26, 18, 8, 16, 8, 8, 14, 20, 16, 12, 8, 8, 16, 16, 16],
                    f"Shared services {r.year}",
                    "One row per participant.  Quota = |net cost| x weight in pence; floor it; "
                    "the pennies left go by remainder rank (ties: larger weight, then party "
                    "code); share = sign x (floor + extra penny) / 100 (§18.1a).",
                    freeze_row=4)
        sh.header(["Service", "Name", "Basis", "Host", "Net cost", "Party", "Months",
                   "Weight", "Quota (pence)", "Floor (pence)", "Remainder", "Rank",
                   "Extra penny", "Share", "Stand-alone cost", "Saving"])
        text_s, money_s, int_s, ratio_s, pence_s, out_s = (self.style_id(x) for x in (
            "input", "input_money", "input_int", "input_ratio", "input_pence", "money"))
        lines = [(svc, x) for svc in r.services for x in svc.lines]

        def render(first: int) -> Iterator[str]:
            for i, (svc, x) in enumerate(lines):
                n = first + i
                d = x.detail
                saving = (Formula(f"O{n}-N{n}", _pounds(x.saving), out_s)
                          if x.saving is not None else None)
                yield render_row(n, (
                    Text(svc.service, text_s), Text(svc.name, text_s), Text(svc.basis, text_s),
                    Text(svc.host, text_s), Num(_pounds(svc.net_cost), money_s),
                    Text(x.party, text_s), Num(x.months, int_s), Num(float(d.weight), ratio_s),
                    Num(float(d.quota), pence_s), Num(d.floor, int_s),
                    Num(float(d.remainder), ratio_s), Num(d.rank, int_s),
                    Num(int(d.extra_penny), int_s),
                    Formula(f"SIGN(E{n})*(J{n}+M{n})/100", _pounds(x.share), out_s),
                    Num(None if x.standalone_cost is None else _pounds(x.standalone_cost),
                        money_s),
                    saving))

        first = sh.row_no + 1
        last = max(sh.stream("services", len(lines), render), first)
        for svc in r.services:
            self.checks.append((
                f"{svc.service} shares add up to its net cost",
                f"=ABS(SUMIF('Shared services'!$A${first}:$A${last},\"{svc.service}\","
                f"'Shared services'!$N${first}:$N${last})-{_pounds(svc.net_cost)})<0.005"))

    def settlement(self) -> None:
        st = self.result.settlement
        sh = _Sheet(self, "Settlement", [12, 12, 18, 4, 12, 18],
                    f"Settlement {self.result.year}",
                    "One net payment per pair of parties across every service and business "
                    "case (§18.1b); net position = received - paid.", freeze_row=4)
        sh.header(["From", "To", "Amount", "", "Party", "Net position"])
        pays = list(st.payments)
        nets = list(st.net_positions)
        first = sh.row_no + 1
        last = first + max(len(pays), 1) - 1
        for i in range(max(len(pays), len(nets))):
            row: list[object] = []
            if i < len(pays):
                p = pays[i]
                row += [sh.text(p.payer), sh.text(p.payee), sh.c(_pounds(p.amount), "money")]
            else:
                row += [None, None, None]
            row.append(None)
            if i < len(nets):
                n = sh.row_no + 1
                row += [sh.text(nets[i].party),
                        sh.c(f"=SUMIF($B${first}:$B${last},E{n},$C${first}:$C${last})"
                             f"-SUMIF($A${first}:$A${last},E{n},$C${first}:$C${last})",
                             "money")]
            sh.append(row)
        nlast = first + len(nets) - 1
        self.checks.append(("Settlement net positions sum to zero",
                            f"=ABS(SUM(Settlement!F{first}:F{nlast}))<0.005"))
        for i, pos in enumerate(nets):
            self.checks.append((f"{pos.party} net position agrees with the engine",
                                f"=ABS(Settlement!F{first + i}-{_pounds(pos.amount)})<0.005"))

    def investments(self) -> None:
        r = self.result
        sh = _Sheet(self, "Investments", [12, 34, 16, 16, 16, 10, 10, 10, 10, 10],
                    f"Investments {r.year}",
                    "Five-year cases (Annex A §5.2): present values at the Green Book rate, "
                    "optimism bias on costs; scores 0-100.", freeze_row=4)
        sh.header(["Project", "Name", "PV costs", "PV benefits", "NPV", "BCR", "IRR",
                   "Payback (y)", "Score", "Basis"])
        for a in r.investments:
            j = a.as_json()
            sh.append([sh.text(a.project), sh.text(a.name), sh.c(_pounds(a.pv_costs), "money"),
                       sh.c(_pounds(a.pv_benefits), "money"), sh.c(_pounds(a.npv), "money"),
                       sh.c(j["bcr"], "num"), sh.c(j["irr"], "ratio"),
                       sh.c(j["payback_years"], "num"), sh.c(j["score"], "num"),
                       sh.text("financial only" if a.financial_only else "weighted")])
        pj = r.portfolio.as_json()
        sh.blank()
        sh.append([sh.c("Portfolio", "total_label"), sh.c("", "total_label"),
                   sh.c(None), sh.c(None), sh.c(float(Decimal(pj["npv"])), "total_money"),
                   sh.c(pj["bcr"], "num"), None, None, sh.c(pj["score"], "num")])
        sh.blank()
        sh.header(["Party", "", "PV costs", "PV benefits", "", "Return per £1"])
        for p in pj["parties"]:
            sh.append([sh.text(p["party"]), None, sh.c(float(Decimal(p["pv_costs"])), "money"),
                       sh.c(float(Decimal(p["pv_benefits"])), "money"), None,
                       sh.c(p["return_per_pound"], "num")])

    def monitoring(self) -> None:
        m = self.result.monitoring.as_json()
        sh = _Sheet(self, "Monitoring", [24, 10, 16, 16, 16, 12, 10],
                    f"Monitoring {self.result.year}",
                    "Savings delivered and the quarterly budget (Annex A §5.1); performance "
                    "flags (Annex A §4.1).")
        sh.append([sh.c("Savings", "section")])
        sh.header(["Service", "Year", "Predicted", "Actual", "Variance", "Delivered", "RAG"])
        for x in m["savings"]:
            sh.append([sh.text(x["service"]), sh.text(x["year"]),
                       sh.c(float(Decimal(x["predicted"])), "money"),
                       sh.c(float(Decimal(x["actual"])), "money"),
                       sh.c(float(Decimal(x["variance"])), "money"),
                       sh.c(x["pct_delivered"], "ratio"), sh.text(x["rag"])])
        sh.blank()
        sh.append([sh.c("Quarterly budget", "section")])
        sh.header(["Line", "Quarter", "Budget", "Actual to date", "Forecast outturn",
                   "Variance", "RAG"])
        for b in m["budget"]:
            sh.append([sh.text(b["line"]), sh.c(b["quarter"]),
                       sh.c(float(Decimal(b["budget"])), "money"),
                       sh.c(float(Decimal(b["actual_to_date"])), "money"),
                       sh.c(float(Decimal(b["forecast_outturn"])), "money"),
                       sh.c(float(Decimal(b["variance"])), "money"), sh.text(b["rag"])])
        sh.blank()
        sh.append([sh.c("Board flags: three missed quarters running", "section")])
        for f in m["flags"]:
            sh.append([sh.text(f["service"]), sh.text(
                f"{f['from_year']} Q{f['from_quarter']} to {f['to_year']} Q{f['to_quarter']}"
                f" ({f['quarters']} quarters)")])

    def checks_sheet(self) -> None:
        sh = _Sheet(self, "Checks", [70, 12], "Checks",
                    "Every reconciliation as a live TRUE/FALSE formula.", freeze_row=4)
        sh.header(["Check", "Holds"])
        for label, formula in self.checks:
            sh.append([sh.text(label), sh.c(formula, "check")])

    def build(self) -> Workbook:
        self.cover()
        total_ref, _ = self.contributions()
        self.ledger()
        self.year_end(total_ref)
        self.services()
        self.settlement()
        self.investments()
        self.monitoring()
        self.checks_sheet()
        # the template sheet is only a place to make styles; readers must not see it
        sheets: list[Any] = self.wb._sheets  # type: ignore[attr-defined]
        sheets.remove(self._scratch)
        # the year end refers to the ledger: put it back in reading order
        order = ["Cover", "Contributions", "Year end", "Ledger", "Shared services",
                 "Settlement", "Investments", "Monitoring", "Checks"]
        sheets.sort(key=lambda ws: order.index(ws.title))
        return self.wb


def large_report_workbook(result: Result, generated: datetime
                          ) -> tuple[Workbook, dict[str, Rows]]:
    """The compact board report as a write-only workbook and the rows of its long
    listings, for :func:`finance.report.workbook_bytes` to stream in."""
    rep = _LargeReport(result, generated)
    return rep.build(), rep.streams
