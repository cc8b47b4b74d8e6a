"""Every workbook the software writes opens in LibreOffice as installed, with its defaults.

LibreOffice's default for Excel 2007+ files is never to recalculate on load: it shows
the values stored with the formulas.  The other LibreOffice tests force recalculation to
compare the figures; these convert each workbook to PDF in a brand new profile (so with
the defaults) and read the PDF back: the board report of the bundled book and of the
edge-case book, the compact layout of a generated large book, the comparison workbook
and the input template.  LibreOffice must exit cleanly and print the figures.

TRUE/FALSE cells always have a number format of their own (``finance.xlsx.BOOL``):
LibreOffice works such a cell out again as it draws it, gives a General one a boolean
format then, and LibreOffice 7.4 aborts drawing a page where that cell has a conditional
format.  The first test checks that without LibreOffice.

Without ``soffice`` or poppler-utils the LibreOffice test is skipped, except in CI
(``CI=true``), where it fails.
"""

from __future__ import annotations

import io
import shutil
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import openpyxl
import pytest

from finance.book import require_book
from finance.core.run import Result, run_year
from finance.xlsx import BOOL
from tests.conftest import IN_CI, MKIP
from tests.test_report import ERROR_MARKS, GENERATED, _soffice, edge_book


@dataclass
class Written:
    data: bytes
    expected: list[str]  # text the printed workbook shows
    checks: bool  # its checks print as TRUE, and no FALSE is printed


def _money(pence: int) -> str:
    """Whole pence as the reports print money (``£#,##0.00;(£#,##0.00)``)."""
    p = abs(pence)
    text = f"£{p // 100:,}.{p % 100:02d}"
    return f"({text})" if pence < 0 else text


def _net_positions(result: Result) -> list[str]:
    return [_money(pos.amount) for pos in result.settlement.net_positions]


def _report(tmp: Path) -> Written:
    from finance.report import build_report

    result = run_year(require_book(MKIP))
    return Written(build_report(result, GENERATED), _net_positions(result), True)


def _edge(tmp: Path) -> Written:
    from finance.report import build_report

    result = edge_book(tmp / "edge")
    return Written(build_report(result, GENERATED), _net_positions(result), True)


def _large(tmp: Path) -> Written:
    from benchmarks.generate import large_book
    from finance.report import build_report, is_large

    result = run_year(require_book(large_book(tmp / "big", 40, 700, 200)))
    assert is_large(result)  # the compact layout
    return Written(build_report(result, GENERATED), _net_positions(result), False)


def _comparison(tmp: Path) -> Written:
    from finance.comparison import comparison_workbook
    from finance.scenarios import read_scenarios, run_comparison
    from tests.test_scenarios import EXAMPLE

    scenarios, problems = read_scenarios(EXAMPLE)
    assert problems == []
    cmp = run_comparison(MKIP, scenarios)
    assert cmp.baseline is not None
    return Written(comparison_workbook(cmp), _net_positions(cmp.baseline), False)


def _template(tmp: Path) -> Written:
    from finance.template import EXAMPLE, build_template

    return Written(build_template(), ["Partnership finance: input workbook",
                                      str(EXAMPLE["parties"][0]["name"])], False)


WORKBOOKS: dict[str, Callable[[Path], Written]] = {
    "report": _report, "edge": _edge, "large": _large, "comparison": _comparison,
    "template": _template}


@pytest.fixture(scope="module", params=list(WORKBOOKS))
def written(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
            ) -> tuple[str, Written]:
    name = str(request.param)
    return name, WORKBOOKS[name](tmp_path_factory.mktemp(f"book-{name}"))


def test_true_false_cells_have_a_number_format_of_their_own(
        written: tuple[str, Written]) -> None:
    name, w = written
    wb = openpyxl.load_workbook(io.BytesIO(w.data), data_only=True)
    general = []
    count = 0
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for c in row:
                if isinstance(c.value, bool):
                    count += 1
                    if c.number_format != BOOL:
                        general.append((ws.title, c.coordinate, c.number_format))
    assert not general, f"{name}: {len(general)} of {count} TRUE/FALSE cells: {general[:10]}"
    if name in ("report", "edge", "large"):
        assert count > 10, (name, count)  # the checks


def _poppler(name: str) -> str:
    exe = shutil.which(name)
    if exe is None:
        if IN_CI:
            pytest.fail(f"{name} (poppler-utils) is required in CI to read the printed workbooks")
        pytest.skip(f"{name} (poppler-utils) is not installed: cannot read the PDF back")
    return exe


@pytest.mark.libreoffice
def test_opens_and_prints_in_libreoffice_with_its_default_settings(
        written: tuple[str, Written], tmp_path: Path) -> None:
    name, w = written
    exe = _soffice()
    pdftotext, pdfinfo = _poppler("pdftotext"), _poppler("pdfinfo")
    src = tmp_path / f"{name}.xlsx"
    src.write_bytes(w.data)
    profile = tmp_path / "profile"  # made by LibreOffice: its defaults, nothing set
    out = tmp_path / "out"
    proc = subprocess.run(
        [exe, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore",
         "--convert-to", "pdf", "--outdir", str(out), str(src)],
        capture_output=True, text=True, timeout=300, check=False)
    pdf = out / f"{name}.pdf"
    assert proc.returncode == 0 and pdf.is_file(), (
        f"LibreOffice failed on {name}: rc={proc.returncode} {proc.stdout} "
        f"{proc.stderr[-2000:]}")
    info = subprocess.run([pdfinfo, str(pdf)], capture_output=True, text=True, check=True,
                          timeout=60).stdout
    pages = int(next(x for x in info.splitlines() if x.startswith("Pages:")).split()[1])
    assert pages >= 1
    text = subprocess.run([pdftotext, "-layout", str(pdf), "-"], capture_output=True,
                          text=True, check=True, timeout=60).stdout
    missing = [s for s in w.expected if s not in text]
    assert w.expected and not missing, (name, missing)
    assert not [m for m in ERROR_MARKS if m in text], name
    if w.checks:
        assert "TRUE" in text and "FALSE" not in text, name
