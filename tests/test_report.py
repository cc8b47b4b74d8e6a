"""The Excel board report: live formulas that recalculate to the engine's figures.

The LibreOffice tests open the reports headless with recalculation on load forced, save
them again, and read the recalculated values back.  One LibreOffice run converts all the
reports of this module (CI has two cores).  Without ``soffice`` they are skipped, except
in CI (``CI=true``), where they fail.
"""

from __future__ import annotations

import csv
import io
import os
import shutil
import subprocess
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from finance.book import require_book
from finance.core.run import Result, run_year
from finance.report import SHEETS, KeyFigure, build_report, report_workbook, sheet_names
from finance.xlsx import BOOL

ROOT = Path(__file__).resolve().parent.parent
MKIP = ROOT / "data" / "mkip"
IN_CI = os.environ.get("CI") == "true"
GENERATED = datetime(2026, 4, 30, 9, 30, tzinfo=UTC)
INJECTIONS = ('=HYPERLINK("http://x")', "+1", "@SUM(A1)", "-2+3")
ERROR_MARKS = ("#VALUE!", "#REF!", "#NAME?", "#DIV/0!", "#N/A", "#NUM!", "#NULL!", "Err:")

XCU = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" \
xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" \
oor:op="fuse"><value>0</value></prop></item>
</oor:items>
"""


# --------------------------------------------------------------------------- books


def _edit_csv(folder: Path, table: str, fn: Callable[[list[dict[str, str]]], None]) -> None:
    path = folder / f"{table}.csv"
    with path.open(newline="", encoding="utf-8") as f:
        columns = next(csv.reader(f))
    with path.open(newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    fn(rows)
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=columns)
        w.writeheader()
        w.writerows(rows)


#: Rows of the year the edge-case book bends (the bundled book has 2024-25 too).
Y25 = {"year": "2025-26"}


def _set(table: str, match: dict[str, str], **values: str
         ) -> tuple[str, Callable[[list[dict[str, str]]], None]]:
    def fn(rows: list[dict[str, str]]) -> None:
        hit = [r for r in rows if all(r[k] == v for k, v in match.items())]
        assert hit, (table, match)
        for r in hit:
            r.update(values)

    return table, fn


def _append(table: str, *new: dict[str, str]
            ) -> tuple[str, Callable[[list[dict[str, str]]], None]]:
    return table, lambda rows: rows.extend(new)


def injection_book(folder: Path) -> Result:
    """MKIP with a party name and ledger texts that look like formulas."""
    shutil.copytree(MKIP, folder)
    for table, fn in (
        _set("parties", {"code": "KCC"}, name=INJECTIONS[0]),
        _set("ledger", {"reference": "EXT-001"}, description=INJECTIONS[1]),
        _set("ledger", {"reference": "INV-2025-014"}, description=INJECTIONS[2]),
        _set("ledger", {"reference": "INV-2025-022"}, description=INJECTIONS[3]),
    ):
        _edit_csv(folder, table, fn)
    return run_year(require_book(folder))


def edge_book(folder: Path) -> Result:
    """MKIP bent to reach the rarer paths: a deficit, a negative net cost, fractional rate,
    shares and drivers, a three-part blend, a mid-year joiner, a non-paying participant, a
    party leaving, a project in another year and one with no single IRR."""
    shutil.copytree(MKIP, folder)
    edits = [
        _set("years", {"year": "2025-26"}, rate_pence="30.15", refund_share="33.3333%"),
        _append("ledger", {"date": "2026-02-01", "year": "2025-26", "kind": "spend",
                           "amount": "150000.01", "description": "overspend", "reference": ""},
                {"date": "", "year": "2025-26", "kind": "admin_recharge", "amount": "1234.57",
                 "description": "", "reference": ""}),
        _set("parties", {"code": "SBC"}, joined="2025-10-01"),
        _set("parties", {"code": "TWBC"}, notice_given="2025-04-01", left="2026-01-15"),
        _set("services", {"service": "LEGAL", "year": "2025-26"}, income="1360000.01"),
        _set("services", {"service": "PLANNING", "year": "2025-26"}, gross_cost="905000.01"),
        _set("service_parties", {"service": "LEGAL", "party": "MBC", **Y25},
             fixed_share="33.3333%"),
        _set("service_parties", {"service": "LEGAL", "party": "SBC", **Y25},
             fixed_share="33.3333%"),
        _set("service_parties", {"service": "LEGAL", "party": "TWBC", **Y25},
             fixed_share="33.3334%"),
        _append("service_parties", {"service": "PLANNING", "year": "2025-26", "party": "KCC",
                                    "fixed_share": "", "standalone_cost": "",
                                    "joined": "2025-07-15"}),
        _set("drivers", {"driver": "fte", "party": "MBC", "year": "2025-26"}, value="410.5"),
        _set("drivers", {"driver": "fte", "party": "SBC", "year": "2025-26"}, value="365.25"),
        _set("service_blend", {"component": "equal", "year": "2025-26"}, weight="33.33%"),
        _set("service_blend", {"component": "driver:pcs", "year": "2025-26"}, weight="33.33%"),
        _append("service_blend", {"service": "ICT", "year": "2025-26",
                                  "component": "population", "weight": "33.34%"}),
        _set("projects", {"project": "CYBER"}, start_year="2024-25"),
        _set("projects", {"project": "PLANSYS"}, discount_rate="7%"),
        _append("cashflows", {"project": "PLANSYS", "year_index": "5", "kind": "one_off_cost",
                              "amount": "200000"}),
    ]
    for table, fn in edits:
        _edit_csv(folder, table, fn)
    return run_year(require_book(folder))


@pytest.fixture(scope="module")
def mkip() -> Result:
    return run_year(require_book(MKIP))


@pytest.fixture(scope="module")
def mkip_report(mkip: Result) -> tuple[bytes, list[KeyFigure]]:
    data, keys = report_workbook(mkip, GENERATED)
    assert data == build_report(mkip, GENERATED)
    return data, keys


@pytest.fixture(scope="module")
def injected(tmp_path_factory: pytest.TempPathFactory) -> Result:
    return injection_book(tmp_path_factory.mktemp("inject") / "book")


# --------------------------------------------------------------------------- no LibreOffice


def test_report_is_an_xlsx_with_the_sheets_in_order(mkip: Result,
                                                    mkip_report: tuple[bytes, list[Any]]
                                                    ) -> None:
    data, _ = mkip_report
    assert data[:2] == b"PK"
    wb = openpyxl.load_workbook(io.BytesIO(data))
    assert wb.sheetnames == sheet_names(mkip)
    assert [n for n in wb.sheetnames if not n.startswith("Statement ")] == list(SHEETS)
    assert wb.calculation.fullCalcOnLoad


def test_report_opens_without_warnings(mkip_report: tuple[bytes, list[Any]]) -> None:
    data, _ = mkip_report
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        openpyxl.load_workbook(io.BytesIO(data))
        openpyxl.load_workbook(io.BytesIO(data), data_only=True)
        openpyxl.load_workbook(io.BytesIO(data), read_only=True).close()


def test_same_result_and_time_give_the_same_bytes(mkip: Result,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    assert build_report(mkip, GENERATED) == build_report(mkip, GENERATED)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(int(GENERATED.timestamp())))
    assert build_report(mkip) == build_report(mkip, GENERATED)


def test_cover_states_the_facts(mkip: Result, mkip_report: tuple[bytes, list[Any]]) -> None:
    from finance import __version__

    ws = openpyxl.load_workbook(io.BytesIO(mkip_report[0]))["Cover"]
    text = "\n".join(str(c.value) for row in ws.iter_rows() for c in row if c.value is not None)
    for needle in ("Mid Kent Improvement Partnership", "2025-26", "Swale Borough Council (SBC)",
                   "Maidstone Borough Council (MBC)",
                   __version__, mkip.book.source_sha256, "30 April 2026 09:30",
                   "Maidstone's population is the 2008-09 estimate: 17 years old."):
        assert needle in text, needle
    links = {c.hyperlink.location for row in ws.iter_rows() for c in row if c.hyperlink}
    assert links == {f"'{s}'!A1" for s in sheet_names(mkip)[1:]}


def test_cover_warnings_are_in_board_words_beside_their_labels(
        mkip_report: tuple[bytes, list[Any]]) -> None:
    """Each warning on the cover is a plain sentence naming the council, on the row of
    its label and aligned with it; where it is in the book is on a smaller line below."""
    ws = openpyxl.load_workbook(io.BytesIO(mkip_report[0]))["Cover"]
    rows = {c.row: c for c in ws["A"] if c.value == "Warning"}
    assert len(rows) == 3
    said = []
    for row, label in rows.items():
        text = ws.cell(row, 2)
        said.append(text.value)
        assert label.alignment.vertical == text.alignment.vertical == "top"
        assert not str(text.value).startswith("populations")
        where = ws.cell(row + 1, 2)
        assert str(where.value).startswith("In the book: populations table, row ")
        assert where.font.sz < text.font.sz
    assert said == [f"{n}'s population is the 2008-09 estimate: 17 years old."
                    for n in ("Maidstone", "Swale", "Tunbridge Wells")]


def test_every_key_figure_is_a_live_formula(mkip_report: tuple[bytes, list[KeyFigure]]
                                            ) -> None:
    data, keys = mkip_report
    wb = openpyxl.load_workbook(io.BytesIO(data))
    values = [k for k in keys if wb[k.sheet][k.cell].data_type != "f"]
    # only an IRR or score that does not exist is written as text ("none")
    assert all(k.kind == "ratio" and k.value is None for k in values), values
    assert len(keys) > 150


def test_key_figures_are_the_engine_figures(mkip: Result,
                                            mkip_report: tuple[bytes, list[KeyFigure]]) -> None:
    """The map of key cells (used by the LibreOffice test) names the engine's figures."""
    got = {k.key: k.value for k in mkip_report[1]}
    for exp_key, value in expected_figures(mkip).items():
        assert got[exp_key] == value, exp_key


def expected_figures(r: Result) -> dict[tuple[str, ...], int]:
    """Money figures (pence) computed by the engine, by key, independent of the report."""
    ye = r.year_end
    out: dict[tuple[str, ...], int] = {("contribution", x.party): x.amount
                                       for x in r.contributions.lines}
    out[("contribution_total",)] = r.contributions.total
    for k in ("available", "uncommitted", "refund", "carry_over", "spend", "commitments"):
        out[("year_end", k)] = getattr(ye, k)
    for x in ye.parties:
        for k in ("spend", "refund", "carry_over", "supplementary"):
            out[(f"year_end_{k}", x.party)] = getattr(x, k)
    for sp in r.services:
        out[("service_net", sp.service)] = sp.net_cost
        for ln in sp.lines:
            out[("service_share", sp.service, ln.party)] = ln.share
    for n in r.settlement.net_positions:
        out[("net_position", n.party)] = n.amount
    for a in r.investments:
        out[("project", a.project, "npv")] = a.npv
        out[("project", a.project, "pv_costs")] = a.pv_costs
        out[("project", a.project, "pv_benefits")] = a.pv_benefits
    out[("portfolio", "npv")] = r.portfolio.npv
    return out


def test_board_paper_layout(mkip_report: tuple[bytes, list[Any]]) -> None:
    wb = openpyxl.load_workbook(io.BytesIO(mkip_report[0]))
    for ws in wb.worksheets:
        if ws.title.startswith("Statement "):
            # fitted to one page, as its PDF (fitToWidth and fitToHeight 1 are the file
            # format's defaults, which XlsxWriter leaves out)
            assert ws.page_setup.fitToWidth in (None, 1), ws.title
            assert ws.page_setup.fitToHeight in (None, 1), ws.title
            assert ws.sheet_properties.pageSetUpPr.fitToPage, ws.title
        else:
            # at the scale that fits its printed columns to the width, given, since its
            # page breaks are planned at that scale (test_report_print checks the width)
            setup = ws.sheet_properties.pageSetUpPr
            assert setup is None or not setup.fitToPage, ws.title
            assert 10 <= int(ws.page_setup.scale) <= 100, ws.title
        assert "Page &P of &N" in (ws.oddFooter.center.text or ""), ws.title
        assert "Mid Kent Improvement Partnership" in (ws.oddHeader.left.text or ""), ws.title
        assert ws["A1"].font.b and ws["A1"].value, ws.title
        if ws.title.startswith("Statement "):  # one portrait page per party
            assert ws.page_setup.orientation == "portrait", ws.title
        elif ws.title != "Cover":
            assert ws.page_setup.orientation == "landscape", ws.title
            assert ws.freeze_panes, ws.title
    money = "£#,##0.00;(£#,##0.00)"  # one convention: negative money in brackets
    assert wb["Contributions"]["G5"].number_format == money
    formats = {c.number_format for ws in wb.worksheets for row in ws.iter_rows()
               for c in row if "£" in c.number_format}
    assert formats <= {money, "£#,##0;(£#,##0)"}, formats
    total = wb["Contributions"]["G8"]
    assert total.font.b and total.border.top.style == "thin"
    assert {"RatePerHead", "DiscountRate", "RefundShare", "FinancialWeight"} <= set(
        wb.defined_names)
    charts = {ws.title: len(ws._charts) for ws in wb.worksheets}
    assert charts["Contributions"] >= 1 and charts["Shared services"] >= 1
    assert charts["Investments"] >= 1 and charts["Monitoring"] >= 1
    svc_chart = wb["Shared services"]._charts[0]
    assert svc_chart.grouping == "stacked"
    rules = [r for cf in wb["Monitoring"].conditional_formatting for r in cf.rules]
    assert {r.text for r in rules if r.type == "containsText"} >= {"green", "amber", "red"}


def test_largest_remainder_is_written_as_formulas(mkip_report: tuple[bytes, list[Any]]
                                                  ) -> None:
    # the splits are in the appendix, on the Workings sheet
    ws = openpyxl.load_workbook(io.BytesIO(mkip_report[0]))["Workings"]
    formulas = [c.value for row in ws.iter_rows() for c in row if c.data_type == "f"]
    joined = "\n".join(formulas)
    for needle in ("QUOTIENT(", "MOD(", "SUMPRODUCT(", "SIGN(ROUND(", "GCD("):
        assert needle in joined, needle


def test_text_that_looks_like_a_formula_stays_text(injected: Result) -> None:
    data = build_report(injected, GENERATED)
    wb = openpyxl.load_workbook(io.BytesIO(data))
    found: dict[str, list[str]] = {s: [] for s in INJECTIONS}
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for c in row:
                if c.data_type == "f":
                    assert "HYPERLINK" not in str(c.value) and "@SUM" not in str(c.value)
                if isinstance(c.value, str):
                    for s in INJECTIONS:
                        if c.value == s:
                            assert c.data_type == "s", (ws.title, c.coordinate)
                            found[s].append(f"{ws.title}!{c.coordinate}")
    assert all(found.values()), found


# --------------------------------------------------------------------------- LibreOffice


@dataclass
class Recalculated:
    result: Result
    keys: list[KeyFigure]
    original: Any  # openpyxl Workbook with formulas
    values: Any  # the same after LibreOffice recalculated it (data_only)


def _soffice() -> str:
    exe = shutil.which("soffice") or shutil.which("libreoffice")
    if exe is None:
        if IN_CI:
            pytest.fail("LibreOffice (soffice) is required in CI to check the board report")
        pytest.skip("LibreOffice (soffice) is not installed: cannot recalculate the report")
    return exe


@pytest.fixture(scope="module")
def recalculated(tmp_path_factory: pytest.TempPathFactory, mkip: Result,
                 injected: Result) -> dict[str, Recalculated]:
    exe = _soffice()
    base = tmp_path_factory.mktemp("libreoffice")
    profile = base / "profile"
    (profile / "user").mkdir(parents=True)
    (profile / "user" / "registrymodifications.xcu").write_text(XCU, encoding="utf-8")
    books = {"mkip": mkip, "edge": edge_book(base / "edge"), "inject": injected}
    src = base / "in"
    src.mkdir()
    made: dict[str, tuple[Result, list[KeyFigure]]] = {}
    for name, result in books.items():
        data, keys = report_workbook(result, GENERATED)
        (src / f"{name}.xlsx").write_bytes(data)
        made[name] = (result, keys)
    out = base / "out"
    proc = subprocess.run(
        [exe, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore",
         "--convert-to", "xlsx", "--outdir", str(out),
         *(str(src / f"{n}.xlsx") for n in books)],
        capture_output=True, text=True, timeout=240, check=False)
    res: dict[str, Recalculated] = {}
    for name, (result, keys) in made.items():
        converted = out / f"{name}.xlsx"
        # soffice exits 0 even when it converts nothing
        assert converted.is_file(), (f"LibreOffice did not write {converted}: rc="
                                     f"{proc.returncode} {proc.stdout} {proc.stderr}")
        res[name] = Recalculated(result, keys, openpyxl.load_workbook(src / f"{name}.xlsx"),
                                 openpyxl.load_workbook(converted, data_only=True))
    return res


def _formula_cells(wb: Any) -> list[tuple[str, str]]:
    return [(ws.title, c.coordinate) for ws in wb.worksheets for row in ws.iter_rows()
            for c in row if c.data_type == "f"]


def _is_error(v: object) -> bool:
    return v is None or (isinstance(v, str) and v.startswith(ERROR_MARKS))


def shows_true(cell: Any) -> bool:
    """Whether a cell of a workbook LibreOffice saved shows TRUE.  The report's TRUE/FALSE
    cells have a number format of their own (``finance.xlsx.BOOL``), and LibreOffice saves
    a formula's TRUE in such a cell as the number 1 in that format."""
    v = cell.value
    if isinstance(v, bool):
        return v
    return cell.number_format == BOOL and isinstance(v, int | float) and v == 1


@pytest.mark.libreoffice
@pytest.mark.parametrize("name", ["mkip", "edge", "inject"])
def test_no_formula_gives_an_error(recalculated: dict[str, Recalculated], name: str) -> None:
    rc = recalculated[name]
    cells = _formula_cells(rc.original)
    assert len(cells) > 1500
    bad = [(s, c, rc.original[s][c].value, rc.values[s][c].value) for s, c in cells
           if _is_error(rc.values[s][c].value)]
    assert not bad, f"{len(bad)} of {len(cells)} formula cells failed: {bad[:10]}"


def _pence(v: object) -> int:
    assert isinstance(v, int | float) and not isinstance(v, bool), v
    p = round(v * 100)
    assert abs(v * 100 - p) < 1e-6, v
    return p


@pytest.mark.libreoffice
def test_recalculated_money_equals_the_engine_to_the_penny(
        recalculated: dict[str, Recalculated]) -> None:
    rc = recalculated["mkip"]
    where = {k.key: k for k in rc.keys}
    expected = expected_figures(rc.result)
    assert len(expected) > 50
    for key, pence in expected.items():
        k = where[key]
        assert _pence(rc.values[k.sheet][k.cell].value) == pence, (key, k.sheet, k.cell)


@pytest.mark.libreoffice
@pytest.mark.parametrize("name", ["mkip", "edge", "inject"])
def test_every_key_figure_recalculates_to_the_engine(recalculated: dict[str, Recalculated],
                                                     name: str) -> None:
    rc = recalculated[name]
    wrong = []
    for k in rc.keys:
        v = rc.values[k.sheet][k.cell].value
        if k.kind == "money":
            ok = isinstance(k.value, int) and _pence(v) == k.value
        elif k.kind == "ratio":
            if k.value is None:
                ok = isinstance(v, str)
            else:
                assert isinstance(k.value, float | int)
                ok = isinstance(v, int | float) and abs(v - k.value) <= 1e-9 * max(
                    1.0, abs(k.value))
        else:
            ok = v == k.value
        if not ok:
            wrong.append((k.key, k.sheet, k.cell, v, k.value))
    assert not wrong, wrong


@pytest.mark.libreoffice
@pytest.mark.parametrize("name", ["mkip", "edge", "inject"])
def test_every_check_holds_after_recalculation(recalculated: dict[str, Recalculated],
                                               name: str) -> None:
    rc = recalculated[name]
    ws = rc.original["Checks"]
    checks = []  # reconciliations: column B; agreement with the engine: column D
    for r in range(5, ws.max_row + 1):
        if ws.cell(row=r, column=4).data_type == "f":
            checks.append(f"D{r}")
        elif ws.cell(row=r, column=2).data_type == "f" and ws.cell(row=r, column=3).value is None:
            checks.append(f"B{r}")
    assert len(checks) > 100
    failed = {c: (ws[f"A{c[1:]}"].value, rc.values["Checks"][c].value) for c in checks
              if not shows_true(rc.values["Checks"][c])}
    assert not failed, failed


@pytest.mark.libreoffice
def test_formula_like_text_displays_as_text_in_libreoffice(
        recalculated: dict[str, Recalculated]) -> None:
    rc = recalculated["inject"]
    seen = set()
    for ws in rc.original.worksheets:
        for row in ws.iter_rows():
            for c in row:
                if c.data_type == "s" and c.value in INJECTIONS:
                    assert rc.values[ws.title][c.coordinate].value == c.value
                    seen.add(c.value)
    assert seen == set(INJECTIONS)
