"""The compact board report used for large books, written row by row.

It is checked the same way as the full report: LibreOffice recalculates it (forced on
load) and every formula must come back without an error, every check TRUE and the key
figures equal to the engine's, to the penny.  The bundled book is small, so the tests
call the large layout directly; a generated book checks the threshold.
"""

from __future__ import annotations

import io
import re
import subprocess
import warnings
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from finance.core.run import Result, run_year
from finance.report import LARGE_SERVICE_LINES, build_report, is_large
from finance.report.large import TOP_PAYMENTS, large_report
from tests.test_report import (
    GENERATED,
    INJECTIONS,
    XCU,
    _soffice,
    edge_book,
    injection_book,
    shows_true,
)


def large_bytes(result: Result) -> bytes:
    return large_report(result, GENERATED)


def participants_row(ws: Any) -> int:
    """The first row of the Shared services listing, under the largest services."""
    section = next(c.row for c in ws["A"] if c.value == "Every participant")
    return section + 2


def test_threshold_picks_the_layout(mkip_result: Result, tmp_path: Path) -> None:
    from benchmarks.generate import large_book
    from finance.book import require_book

    assert not is_large(mkip_result)
    big = run_year(require_book(large_book(tmp_path / "big", 40, 700, 200)))
    assert sum(len(s.lines) for s in big.services) > LARGE_SERVICE_LINES
    assert is_large(big)
    wb = openpyxl.load_workbook(io.BytesIO(build_report(big, GENERATED)), read_only=True)
    assert wb.sheetnames == ["Cover", "Contributions", "Year end", "Ledger", "Shared services",
                             "Settlement", "Investments", "Monitoring", "Checks"]


def test_streamed_rows_read_back_exactly(mkip_result: Result) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        wb = openpyxl.load_workbook(io.BytesIO(large_bytes(mkip_result)))
    led = wb["Ledger"]
    first = [c.value for c in led[4]]
    assert first[1:4] == ["external_funding", 15000.0,
                          "LGA improvement grant for shared service business cases"]
    assert led.freeze_panes == "A4"
    svc = wb["Shared services"]
    first = participants_row(svc)
    rows = [[c.value for c in r] for r in svc.iter_rows(min_row=first) if r[0].value]
    assert len(rows) == sum(len(s.lines) for s in mkip_result.services)
    assert rows[0][13] == f"=SIGN(E{first})*(J{first}+M{first})/100"
    assert svc[f"N{first}"].number_format.startswith("£")


def test_text_like_formulas_stays_text(tmp_path: Path) -> None:
    r = injection_book(tmp_path / "inject")
    wb = openpyxl.load_workbook(io.BytesIO(large_bytes(r)))
    texts = {c.value for row in wb["Ledger"].iter_rows(min_row=4) for c in row
             if isinstance(c.value, str)}
    for s in INJECTIONS[1:]:
        assert s in texts
    for row in wb["Ledger"].iter_rows(min_row=4):
        for c in row:
            if isinstance(c.value, str) and c.value in INJECTIONS:
                assert c.data_type == "s"


@pytest.fixture(scope="module")
def recalculated(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Result, Any]]:
    from finance.book import require_book
    from tests.conftest import MKIP

    exe = _soffice()
    base = tmp_path_factory.mktemp("lo-large")
    profile = base / "profile"
    (profile / "user").mkdir(parents=True)
    (profile / "user" / "registrymodifications.xcu").write_text(XCU, encoding="utf-8")
    books = {"mkip": run_year(require_book(MKIP)), "edge": edge_book(base / "edge")}
    src = base / "in"
    src.mkdir()
    for name, result in books.items():
        (src / f"{name}.xlsx").write_bytes(large_bytes(result))
    out = base / "out"
    proc = subprocess.run(
        [exe, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore",
         "--convert-to", "xlsx", "--outdir", str(out), *(str(src / f"{n}.xlsx") for n in books)],
        capture_output=True, text=True, timeout=240, check=False)
    res = {}
    for name, result in books.items():
        converted = out / f"{name}.xlsx"
        assert converted.is_file(), f"LibreOffice did not convert {name}: {proc.stderr}"
        res[name] = (result, openpyxl.load_workbook(converted, data_only=True))
    return res


@pytest.mark.libreoffice
@pytest.mark.parametrize("name", ["mkip", "edge"])
def test_large_layout_recalculates_to_the_engine(recalculated, name: str) -> None:
    result, wb = recalculated[name]
    checks = [(r[0].value, r[1]) for r in wb["Checks"].iter_rows(min_row=4) if r[0].value]
    assert len(checks) >= 10
    failed = [(label, c.value) for label, c in checks if not shows_true(c)]
    assert not failed, failed
    contrib = wb["Contributions"]
    got = {r[0].value: round(r[6].value * 100) for r in contrib.iter_rows(min_row=4)
           if r[0].value and r[0].value != "Total"}
    assert got == {x.party: x.amount for x in result.contributions.lines}
    svc = wb["Shared services"]
    shares = {(r[0].value, r[5].value): round(r[13].value * 100)
              for r in svc.iter_rows(min_row=participants_row(svc)) if r[0].value}
    assert shares == {(s.service, x.party): x.share for s in result.services for x in s.lines}
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for c in row:
                assert not (isinstance(c.value, str) and c.value.startswith(("#", "Err:"))), (
                    ws.title, c.coordinate, c.value)


@pytest.mark.libreoffice
@pytest.mark.slow
def test_the_compact_layout_prints_what_the_board_needs(tmp_path: Path, big: Result) -> None:
    """Printed, the compact report of a many-council book has the key figures and the
    warnings on its cover, the largest services and the largest payments with where the
    rest are ("... and N more (sheet X, rows A-B)"), "None this year." under a table with
    no rows, never a table heading with no rows under it, and notes that wrap rather than
    run off the page."""
    from tests.test_report_print import _convert, _pdfinfo

    pdf = _convert(tmp_path, {"big": large_bytes(big)}, ["big"], "pdf")["big"]
    info = subprocess.run([_pdfinfo(), str(pdf)], capture_output=True, text=True,
                          check=True).stdout
    pages = int(info.split("Pages:")[1].split()[0])
    assert pages <= 60
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True,
                          text=True, check=True).stdout
    cover = text.split("\f")[0]
    for needle in ("Key figures", "Contributions received", "Refund to the parties",
                   "Shared services net cost", "Warnings"):
        assert needle in cover, needle
    assert "None this year." in text
    flat = " ".join(text.split())
    assert re.search(r"\.\.\. and [\d,]+ more services \(sheet Shared services, rows "
                     r"[\d,]+-[\d,]+, every participant\)", flat), flat[:3000]
    rest = len(big.settlement.payments) - TOP_PAYMENTS
    assert re.search(rf"The {TOP_PAYMENTS} largest payments From To Payment( P\d+ P\d+ "
                     rf"£[\d,.]+){{{TOP_PAYMENTS}}} \.\.\. and {rest:,} more payments \(sheet "
                     r"Settlement, rows [\d,]+-[\d,]+, every payment\)", flat), flat
    for heading in ("Date Kind Amount Description", "Check Holds",
                    "Every payment From To Payment"):
        assert heading not in flat, heading
    # each printed line of a note ends on a whole word: the last words of the Settlement
    # note are on the page
    assert "Every payment is listed below the printed page." in flat


@pytest.fixture(scope="module")
def big(tmp_path_factory: pytest.TempPathFactory) -> Result:
    """A book of 40 councils and 700 services: the compact layout, with hundreds of
    payments."""
    from benchmarks.generate import large_book
    from finance.book import require_book

    return run_year(require_book(large_book(tmp_path_factory.mktemp("big"), 40, 700, 2000)))


def _rows(ws: Any) -> list[list[Any]]:
    return [[c.value for c in r] for r in ws.iter_rows()]


def test_the_largest_payments_print_with_where_the_rest_are(big: Result,
                                                            mkip_result: Result) -> None:
    """The compact Settlement prints the largest payments (largest first), then where
    every payment is ("... and N more payments (sheet Settlement, rows A-B, every
    payment)"), then each party's net position; the rows named hold every payment, which
    the net positions add up, and are outside the print area."""
    for result, top in ((big, TOP_PAYMENTS), (mkip_result, 0)):
        pays = result.settlement.payments
        wb = openpyxl.load_workbook(io.BytesIO(large_bytes(result)))
        ws = wb["Settlement"]
        rows = _rows(ws)
        col_a = [r[0] for r in rows]
        heading = f"The {top} largest payments" if top else "Payments"
        first = col_a.index(heading) + 2  # 0-based: the heading, then its header row
        assert rows[first - 1][:3] == ["From", "To", "Payment"]
        shown = top or len(pays)
        largest = sorted(pays, key=lambda p: (-p.amount, p.payer, p.payee))[:shown]
        assert [tuple(r[:3]) for r in rows[first:first + shown]] == [
            (p.payer, p.payee, p.amount / 100) for p in largest]
        more = str(col_a[first + shown])
        m = re.fullmatch(r"(?:\.\.\. and ([\d,]+) more payments \(|Every payment: )sheet "
                         r"Settlement, rows ([\d,]+)-([\d,]+)(?:, every payment\))?", more)
        assert m, more
        assert int((m.group(1) or "0").replace(",", "")) == len(pays) - shown
        a, b = (int(m.group(i).replace(",", "")) for i in (2, 3))
        listed = [tuple(r[:3]) for r in rows[a - 1:b]]
        assert sorted(listed) == sorted((p.payer, p.payee, p.amount / 100) for p in pays)
        assert rows[a - 2][:3] == ["From", "To", "Payment"]
        area = str(ws.print_area)
        assert int(area.rsplit("$", 1)[1]) < a - 2, area
        net = next(r for r in rows if r[0] == "Party" and r[2] == "Net position")
        n = rows.index(net) + 1
        assert ws.print_title_rows == f"${n}:${n}"
        formula = rows[rows.index(net) + 1][2]
        assert f"$B${a}:$B${b}" in formula and f"$C${a}:$C${b}" in formula, formula


def test_the_compact_layout_names_its_services(mkip_result: Result) -> None:
    """A service shows by its name with its code beside it, as in the full report."""
    wb = openpyxl.load_workbook(io.BytesIO(large_bytes(mkip_result)))
    svc = _rows(wb["Shared services"])
    assert ["Mid Kent ICT (ICT)", None, "blend", "MBC", 2385000, 3] in [r[:6] for r in svc]
    mon = [r[0] for r in _rows(wb["Monitoring"])]
    assert "Revenues and Benefits (REVBEN)" in mon and "REVBEN" not in mon
    inv = [r[0] for r in _rows(wb["Investments"])]
    assert "Joint debt recovery team (DEBTREC)" in inv


@pytest.mark.parametrize("which", ["big", "mkip"])
def test_printed_notes_wrap_and_headings_are_labelled(big: Result, mkip_result: Result,
                                                      which: str) -> None:
    """Every grey note and "... and N more" line that prints runs across the printed
    columns, wrapped, its row as tall as its lines (never cut at the edge of the page),
    and every heading cell that prints has a label."""
    from finance.report.grid import ROW_HEIGHT
    from finance.xlsx import GREY, HEAD
    from tests.test_report_print import _print_setup

    data = large_bytes(big if which == "big" else mkip_result)
    setup = _print_setup(data)
    wb = openpyxl.load_workbook(io.BytesIO(data))
    notes = 0
    for ws in wb.worksheets:
        last_row, last_col, _ = setup[ws.title]
        merged = {(m.min_row, m.min_col): m for m in ws.merged_cells.ranges}
        inside = {(m.min_row, c) for m in ws.merged_cells.ranges
                  for c in range(m.min_col + 1, m.max_col + 1)}
        for row in ws.iter_rows(max_row=min(last_row, ws.max_row), max_col=last_col or None):
            for c in row:
                if (c.row, c.column) in inside:
                    continue
                if c.fill is not None and str(c.fill.fgColor.rgb).endswith(HEAD):
                    assert c.value, (ws.title, c.coordinate)
                if not (isinstance(c.value, str) and c.font.i
                        and str(c.font.color.rgb).endswith(GREY)) or ws.title == "Cover":
                    continue
                notes += 1
                m = merged.get((c.row, c.column))
                assert m is not None and c.alignment.wrap_text, (ws.title, c.coordinate)
                width = sum(ws.column_dimensions[chr(64 + k)].width - 0.71
                            for k in range(m.min_col, m.max_col + 1))
                lines = -(-int(len(c.value) * 1.1) // int(width))
                height = ws.row_dimensions[c.row].height or ROW_HEIGHT
                assert height >= ROW_HEIGHT * lines, (ws.title, c.coordinate, c.value)
    assert notes >= 8
