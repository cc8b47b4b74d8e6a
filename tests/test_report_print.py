"""The board report as written and as printed.

Every formula cell carries a value (a reader that does not recalculate shows it), and
that value is what LibreOffice works out when it recalculates the workbook, to the
penny: for the bundled book, the edge-case book of ``test_report`` and a large generated
book (compact layout).  Printed with LibreOffice, the bundled report takes at most 20 A4
pages (24 FINAL, with last year beside it) and the large book's at most 60; long sheets
repeat their heading rows on every page, and no page carries a table on without its
heading; services and business cases print by name with their codes beside.  The same
result and time give the same bytes.

The LibreOffice and pdfinfo tests are skipped when the programs are missing, except in CI
(``CI=true``), where they fail.
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from finance.book import require_book
from finance.core.run import Result, run_year
from finance.report import build_report, is_large
from tests.test_report import GENERATED, IN_CI, MKIP, XCU, _soffice, edge_book

PAGE_LIMITS = {"mkip": 20, "final": 24, "large": 60}

_CELL = re.compile(rb"<c [^>]*>(.*?)</c>", re.S)


@pytest.fixture(scope="module")
def books(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Result]:
    from benchmarks.generate import large_book

    base = tmp_path_factory.mktemp("print-books")
    return {"mkip": run_year(require_book(MKIP)), "edge": edge_book(base / "edge"),
            "large": run_year(require_book(large_book(base / "large")))}


@pytest.fixture(scope="module")
def reports(books: dict[str, Result]) -> dict[str, bytes]:
    out = {name: build_report(r, GENERATED) for name, r in books.items()}
    out["final"] = final_report(books["mkip"])
    return out


def final_report(mkip: Result) -> bytes:
    """The bundled book's FINAL report with 2024-25 closed: last year's figures beside
    this year's on the Contributions, Year end and Shared services sheets."""
    from finance.core.jsonout import result_json

    previous = result_json(run_year(require_book(MKIP), "2024-25"))
    return build_report(mkip, GENERATED, status="FINAL", approver="Cllr J Smith",
                        minute="MKIP/2026/14", previous=previous)


def test_the_large_book_gets_the_compact_layout(books: dict[str, Result]) -> None:
    assert is_large(books["large"]) and not is_large(books["mkip"])


@pytest.mark.parametrize("name", ["mkip", "edge", "large"])
def test_every_formula_cell_has_a_value(reports: dict[str, bytes], name: str) -> None:
    with zipfile.ZipFile(io.BytesIO(reports[name])) as z:
        sheets = [n for n in z.namelist() if n.startswith("xl/worksheets/sheet")]
        formulas = 0
        for part in sheets:
            for m in _CELL.finditer(z.read(part)):
                body = m.group(1)
                if b"<f>" in body or b"<f " in body:
                    formulas += 1
                    assert b"<v>" in body and b"<v></v>" not in body, (part, body[:200])
    assert formulas > 100


@pytest.mark.parametrize("name", ["mkip", "large"])
def test_rebuilding_gives_the_same_bytes(books: dict[str, Result], reports: dict[str, bytes],
                                         name: str) -> None:
    assert build_report(books[name], GENERATED) == reports[name]


def test_template_bytes_are_reproducible() -> None:
    from finance.template import build_template

    assert build_template() == build_template()


def test_long_sheets_repeat_their_heading_rows(reports: dict[str, bytes]) -> None:
    wb = openpyxl.load_workbook(io.BytesIO(reports["mkip"]))
    for title in ("Contributions", "Year end", "Shared services", "Settlement", "Investments",
                  "Monitoring", "Inputs", "Workings"):
        assert wb[title].print_title_rows, title
    with zipfile.ZipFile(io.BytesIO(reports["mkip"])) as z:
        names = z.read("xl/workbook.xml").decode()
    assert "_xlnm.Print_Titles" in names and "_xlnm.Print_Area" in names
    large = openpyxl.load_workbook(io.BytesIO(reports["large"]))
    for title in ("Contributions", "Year end", "Ledger", "Shared services", "Settlement",
                  "Checks"):
        assert large[title].print_title_rows, title


def test_listings_are_outside_the_print_area(reports: dict[str, bytes]) -> None:
    wb = openpyxl.load_workbook(io.BytesIO(reports["mkip"]))
    inputs = wb["Inputs"]
    ledger_row = next(c.row for c in inputs["A"] if str(c.value).startswith("Ledger for"))
    area = inputs.print_area
    assert area and int(str(area).rsplit("$", 1)[1]) < ledger_row
    large = openpyxl.load_workbook(io.BytesIO(reports["large"]))
    for title in ("Ledger", "Checks"):  # the title and the note saying where they are
        assert str(large[title].print_area).endswith("$2"), title
    svc = large["Shared services"]
    listing = next(c.row for c in svc["A"] if c.value == "Every participant")
    assert int(str(svc.print_area).rsplit("$", 1)[1]) < listing


def test_cover_has_a_sign_off_block(books: dict[str, Result]) -> None:
    data = build_report(books["mkip"], GENERATED, status="final", approver="MKIP Board",
                        minute="MKIP/2026/14")
    ws = openpyxl.load_workbook(io.BytesIO(data))["Cover"]
    text = [str(c.value) for row in ws.iter_rows() for c in row if c.value is not None]
    for needle in ("Sign-off", "Prepared by", "Status: FINAL", "MKIP Board", "MKIP/2026/14",
                   "Section 151 officer of the accountable body", "Signature", "Name", "Date"):
        assert any(needle in t for t in text), needle
    draft = openpyxl.load_workbook(io.BytesIO(build_report(books["mkip"], GENERATED)))
    assert any("DRAFT" in str(c.value) for row in draft["Cover"].iter_rows() for c in row)
    with pytest.raises(ValueError):
        build_report(books["mkip"], GENERATED, status="approved")


@pytest.mark.parametrize("name", ["mkip", "large"])
def test_changes_made_after_reading_are_on_the_cover(books: dict[str, Result],
                                                     name: str) -> None:
    """A board decision overridden or a cell edited in the app: the cover says the
    figures are not the book's as given, and lists each change."""
    changes = ["rate per head 31p (book: 30p)", "Populations row 3, population: "
               "171,800 (was 171,900)"]
    data = build_report(books[name], GENERATED, changes=changes)
    text = [str(c.value) for row in openpyxl.load_workbook(io.BytesIO(data))["Cover"]
            .iter_rows() for c in row if c.value is not None]
    assert 'With 2 changes not in the input book: see "Changes made after the book was ' \
           'read".' in text
    assert "Changes made after the book was read" in text
    assert [text[text.index(f"Change {i}") + 1] for i in (1, 2)] == changes
    sha = books[name].book.source_sha256
    assert f"{sha} (as read, before the changes below)" in text
    plain = [str(c.value) for row in openpyxl.load_workbook(io.BytesIO(build_report(
        books[name], GENERATED)))["Cover"].iter_rows() for c in row if c.value is not None]
    assert sha in plain and not any("not in the input book" in t or t.startswith("Change ")
                                    for t in plain)


def test_savings_are_whole_pence(reports: dict[str, bytes]) -> None:
    """Money written as a value, or cached for a formula, is an exact 2-decimal figure
    (the five-year appraisal's discounted flows are left unrounded on purpose: only its
    present values are rounded, once)."""
    wb = openpyxl.load_workbook(io.BytesIO(reports["mkip"]), data_only=True)
    assert wb["Shared services"]["E17"].value == 8104.35  # AUDIT, MBC: once 8104.35000000001
    for ws in wb.worksheets:
        if ws.title == "Investments":
            continue
        for row in ws.iter_rows():
            for c in row:
                if (isinstance(c.value, float) and c.number_format.startswith("£")
                        and "0.00" in c.number_format):
                    assert c.value == round(c.value, 2), (ws.title, c.coordinate, c.value)


# --------------------------------------------------------------------------- LibreOffice


def _pdfinfo() -> str:
    exe = shutil.which("pdfinfo")
    if exe is None:
        if IN_CI:
            pytest.fail("pdfinfo (poppler-utils) is required in CI to count printed pages")
        pytest.skip("pdfinfo (poppler-utils) is not installed: cannot count printed pages")
    return exe


def _convert(tmp: Path, reports: dict[str, bytes], names: list[str], to: str) -> dict[str, Path]:
    exe = _soffice()
    profile = tmp / "profile"
    (profile / "user").mkdir(parents=True, exist_ok=True)
    (profile / "user" / "registrymodifications.xcu").write_text(XCU, encoding="utf-8")
    src = tmp / "in"
    src.mkdir(exist_ok=True)
    for n in names:
        (src / f"{n}.xlsx").write_bytes(reports[n])
    out = tmp / f"out-{to}"
    proc = subprocess.run(
        [exe, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore",
         "--convert-to", to, "--outdir", str(out), *(str(src / f"{n}.xlsx") for n in names)],
        capture_output=True, text=True, timeout=600, check=False)
    got = {n: out / f"{n}.{to}" for n in names}
    for n, p in got.items():
        assert p.is_file(), f"LibreOffice did not convert {n}: {proc.stdout} {proc.stderr}"
    return got


@pytest.fixture(scope="module")
def recalculated(tmp_path_factory: pytest.TempPathFactory, reports: dict[str, bytes]
                 ) -> dict[str, Any]:
    paths = _convert(tmp_path_factory.mktemp("lo-values"), reports, ["mkip", "edge", "large"],
                     "xlsx")
    return {n: openpyxl.load_workbook(p, data_only=True, read_only=True)
            for n, p in paths.items()}


def _same(mine: object, theirs: object) -> bool:
    if isinstance(mine, bool) or isinstance(theirs, bool):
        return mine == theirs
    if isinstance(mine, int | float) and isinstance(theirs, int | float):
        if abs(theirs) >= 1:  # money and counts: to the penny
            return abs(mine - theirs) < 0.005 or abs(mine - theirs) <= 1e-9 * abs(theirs)
        return abs(mine - theirs) <= 1e-9  # ratios, rates and fractions of a penny
    if mine in ("", None) and theirs in ("", None):
        return True
    return mine == theirs


@pytest.mark.libreoffice
@pytest.mark.parametrize("name", ["mkip", "edge", "large"])
def test_cached_values_are_what_libreoffice_calculates(reports: dict[str, bytes],
                                                       recalculated: dict[str, Any],
                                                       name: str) -> None:
    formulas = openpyxl.load_workbook(io.BytesIO(reports[name]), read_only=True)
    cached = openpyxl.load_workbook(io.BytesIO(reports[name]), read_only=True, data_only=True)
    theirs = recalculated[name]
    wrong = []
    count = 0
    for ws in formulas.worksheets:
        mine_rows = cached[ws.title].iter_rows(values_only=True)
        lo_rows = theirs[ws.title].iter_rows(values_only=True)
        for r, (frow, mrow, lrow) in enumerate(zip(ws.iter_rows(values_only=True), mine_rows,
                                                   lo_rows, strict=False), start=1):
            for c, f in enumerate(frow):
                if isinstance(f, str) and f.startswith("="):
                    count += 1
                    mine = mrow[c] if c < len(mrow) else None
                    lo = lrow[c] if c < len(lrow) else None
                    if not _same(mine, lo):
                        wrong.append((ws.title, r, c + 1, f[:60], mine, lo))
    assert count > 100
    assert not wrong, f"{len(wrong)} of {count} cached values differ: {wrong[:10]}"


@pytest.fixture(scope="module")
def printed(tmp_path_factory: pytest.TempPathFactory, reports: dict[str, bytes]
            ) -> dict[str, int]:
    pdfinfo = _pdfinfo()
    paths = _convert(tmp_path_factory.mktemp("lo-pdf"), reports, ["mkip", "final", "large"],
                     "pdf")
    pages = {}
    for n, p in paths.items():
        info = subprocess.run([pdfinfo, str(p)], capture_output=True, text=True, check=True)
        pages[n] = int(re.search(r"Pages:\s+(\d+)", info.stdout).group(1))  # type: ignore[union-attr]
        pdftotext = shutil.which("pdftotext")
        if pdftotext:
            _PRINTED_TEXT[n] = subprocess.run([pdftotext, "-layout", str(p), "-"],
                                              capture_output=True, text=True, check=True).stdout
            _PRINTED_RAW[n] = subprocess.run([pdftotext, "-raw", str(p), "-"],
                                             capture_output=True, text=True, check=True).stdout
    return pages


#: the printed text of each report the ``printed`` fixture converts, by book, laid out as
#: on the page, and in the order it is drawn (a cell's wrapped lines one after another)
_PRINTED_TEXT: dict[str, str] = {}
_PRINTED_RAW: dict[str, str] = {}


@pytest.mark.libreoffice
@pytest.mark.slow
@pytest.mark.parametrize("name", ["mkip", "final", "large"])
def test_printed_page_count(printed: dict[str, int], name: str) -> None:
    assert 1 < printed[name] <= PAGE_LIMITS[name], printed


def test_a_statement_sheet_per_paying_party(books: dict[str, Result],
                                            reports: dict[str, bytes]) -> None:
    from finance.core.statements import statements

    wb = openpyxl.load_workbook(io.BytesIO(reports["mkip"]))
    parties = [s.party for s in statements(books["mkip"])]
    assert parties == ["MBC", "SBC", "TWBC"]
    names = [n for n in wb.sheetnames if n.startswith("Statement ")]
    assert names == [f"Statement {p}" for p in parties]
    assert wb.sheetnames.index(names[0]) == wb.sheetnames.index("Year end") + 1
    for n in names:
        ws = wb[n]
        assert ws.page_setup.orientation == "portrait"
        checks = [c for row in ws.iter_rows() for c in row
                  if c.data_type == "f" and ("=ROUND(" in str(c.value) or "=ABS(" in str(c.value))
                  and ("=" in str(c.value)[1:] or "<" in str(c.value))]
        assert len(checks) >= 3, n
    cached = openpyxl.load_workbook(io.BytesIO(reports["mkip"]), data_only=True)
    for s in statements(books["mkip"]):
        ws = cached[f"Statement {s.party}"]
        values = [c.value for row in ws.iter_rows() for c in row]
        assert round(s.net_cash / 100, 2) in values
        assert sum(v is True for v in values) >= 3 and not any(v is False for v in values)


def test_each_statement_sheet_reconciles_its_settlement_and_net_cash_on_the_page(
        books: dict[str, Result], reports: dict[str, bytes]) -> None:
    """Every service and business case set-up share that makes up a council's settlement
    is on its statement sheet (§18.1(a), §18.1(b)): paid - share on each line, the lines
    adding up to its net settlement position; then net cash from figures on the same page
    (the same definition as the PDF's), and the rounding line named as in the PDF."""
    from finance.core.statements import ROUNDING, statements

    cached = openpyxl.load_workbook(io.BytesIO(reports["mkip"]), data_only=True)
    for s in statements(books["mkip"]):
        ws = cached[f"Statement {s.party}"]
        rows = [[c.value for c in r] + [None] * 6 for r in ws.iter_rows()]
        col_a = [r[0] for r in rows]
        assert ROUNDING in col_a
        head = col_a.index("Service or business case")
        total = next(i for i in range(head, len(rows)) if col_a[i] == "Total")
        lines = [r for r in rows[head + 1:total] if isinstance(r[5], (int, float))]
        assert len(lines) == len(s.services) + len(s.setups) and len(s.setups) == 3
        for r in lines:
            assert round(r[3] - r[4], 2) == round(r[5], 2), r
        assert round(sum(r[5] for r in lines), 2) == rows[total][5] == s.settlement_net / 100
        for b in s.setups:
            row = next(r for r in lines if str(r[0]).endswith(f"({b.project})"))
            assert (row[1], row[4]) == (b.lead, b.share / 100)
        cash = col_a.index("Net cash")
        parts = [r[5] for r in rows[cash - 5:cash]]
        assert col_a[cash - 5] == "Refund due" and col_a[cash - 2].startswith("Less: paid")
        assert round(sum(parts), 2) == rows[cash][5] == s.net_cash / 100
        words = " ".join(str(v) for v in col_a if v)
        assert "section 151 officer of Maidstone Borough Council (MBC)" in words


def test_investments_figures_add_up_on_the_page(books: dict[str, Result],
                                                reports: dict[str, bytes]) -> None:
    """Where a total and its parts are both shown, the shown parts add up to it: each
    project's NPV is its PV of benefits less its PV of costs as shown (DEBTREC: £153,195.92
    - £108,307.72 = £44,888.20), the portfolio's NPV is the sum of the projects' and of the
    parties' NPVs."""
    ws = openpyxl.load_workbook(io.BytesIO(reports["mkip"]), data_only=True)["Investments"]
    rows = [[c.value for c in r] for r in ws.iter_rows()]
    by_label: dict[str, list[Any]] = {}
    for r in rows:
        if isinstance(r[0], str):
            by_label.setdefault(r[0], []).append(r)
    costs, benefits, npvs = (by_label[k] for k in ("PV of costs", "PV of benefits",
                                                   "Net present value"))
    assert len(npvs) == len(books["mkip"].investments) == 3
    for c, b, n in zip(costs, benefits, npvs, strict=True):
        assert round(b[1] - c[1], 2) == n[1]
    assert 44888.2 in [n[1] for n in npvs]
    portfolio = next(r for r in by_label["Portfolio"] if isinstance(r[3], float))
    assert round(portfolio[4] - portfolio[3], 2) == portfolio[5]
    party_total = next(r for r in by_label["Total"] if isinstance(r[3], float))
    assert round(party_total[3], 2) == round(portfolio[5], 2)


@pytest.mark.libreoffice
@pytest.mark.slow
@pytest.mark.parametrize("name", ["mkip", "final", "large"])
def test_the_status_is_on_every_printed_page(printed: dict[str, int], name: str) -> None:
    """DRAFT (or FINAL) in the header of every printed page of every sheet, so no page
    of a draft can pass for an approved one."""
    if name not in _PRINTED_TEXT:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    pages = _PRINTED_TEXT[name].split("\f")[:printed[name]]
    assert len(pages) == printed[name]
    missing = [i + 1 for i, page in enumerate(pages)
               if not re.search(r"(DRAFT|FINAL) - Board report 2\d{3}-\d\d", page)]
    assert ("FINAL - " in pages[0]) == (name == "final")
    assert not missing, missing


@pytest.mark.libreoffice
@pytest.mark.slow
def test_printed_cover_warnings_sit_on_their_labels_line(printed: dict[str, int]) -> None:
    """The label "Warning" and its sentence print on the same line of the cover."""
    if "mkip" not in _PRINTED_TEXT:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    cover = _PRINTED_TEXT["mkip"].split("\f")[0].splitlines()
    lines = [ln for ln in cover if "population is the 2008-09 estimate" in ln]
    assert len(lines) == 3, cover
    assert all(ln.split()[0] == "Warning" for ln in lines), lines


def _print_setup(data: bytes) -> dict[str, tuple[int, int, tuple[int, int] | None]]:
    """Each sheet's last printed row and column (10**6 and 0 without a print area) and the
    rows it repeats at the top of every page (``None``: none), from the workbook's defined
    names."""
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        book = z.read("xl/workbook.xml").decode()
    sheets = [n.replace("&apos;", "'").replace("&amp;", "&")
              for n in re.findall(r'<sheet name="([^"]+)"', book)]
    out: dict[str, tuple[int, int, tuple[int, int] | None]] = {}
    for i, name in enumerate(sheets):
        area = re.search(rf'name="_xlnm.Print_Area" localSheetId="{i}">[^<]*?'
                         r"\$([A-Z]+)\$(\d+)<", book)
        titles = re.search(rf'name="_xlnm.Print_Titles" localSheetId="{i}">[^<]*?'
                           r"\$(\d+):\$(\d+)<", book)
        col = 0
        for ch in area.group(1) if area else "":
            col = col * 26 + ord(ch) - 64
        out[name] = (int(area.group(2)) if area else 10**6, col,
                     (int(titles.group(1)), int(titles.group(2))) if titles else None)
    return out


def _tables(data: bytes, title: str, setup: tuple[int, int, tuple[int, int] | None]
            ) -> tuple[list[set[str]], list[set[str]], set[str], bool]:
    """The words of each printed table heading row and title of a sheet (a title: a bold
    cell of 11 points or more; a heading row: a cell with the heading fill), the words of
    the rows it repeats at the top of every page, and whether those hold a heading row."""
    from finance.xlsx import HEAD

    wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
    last_row, last_col, repeat = setup
    heads: list[set[str]] = []
    titles: list[set[str]] = []
    repeated: set[str] = set()
    repeats_head = False
    ws = wb[title]
    for r, row in enumerate(ws.iter_rows(max_row=min(last_row, ws.max_row or last_row),
                                         max_col=last_col or None), start=1):
        cells = [c for c in row if getattr(c, "value", None) is not None]
        words = {w for c in cells for w in str(c.value).split()}
        head = any(str(c.fill.fgColor.rgb).endswith(HEAD) for c in cells if c.fill)
        if words and head:
            heads.append(words)
        elif words and any(c.font.b and (c.font.sz or 0) >= 11 for c in cells if c.font):
            titles.append(words)
        if repeat is not None and repeat[0] <= r <= repeat[1]:
            repeated |= words
            repeats_head = repeats_head or head
    wb.close()
    return heads, titles, repeated, repeats_head


def _opens_with(lines: list[list[str]], rows: list[set[str]]) -> bool:
    """Whether the first lines of a page are the whole of one of ``rows`` (a heading row
    or title: its wrapped lines, each of its words and no other)."""
    for words in rows:
        got: set[str] = set()
        for ln in lines:
            if not set(ln) <= words:
                break
            got |= set(ln)
        if got and got == words:
            return True
    return False


def headless_pages(data: bytes, text: str, pages: int) -> list[tuple[int, str, str]]:
    """Each printed page that carries a sheet on from the page before without a heading:
    its first text (below the rows repeated at the top) must be a table's heading row or a
    new table's title; where a table's heading row is repeated at the top, the page must
    carry that table on (not start another table under it)."""
    setup = _print_setup(data)
    sheets: dict[str, tuple[list[set[str]], list[set[str]], set[str], bool]] = {}
    wrong = []
    previous = None
    for n, page in enumerate(text.split("\f")[:pages], start=1):
        lines = [ln.split() for ln in page.splitlines() if ln.strip()]
        found = re.search(r"Board report 2\d{3}-\d\d: (.+)$", " ".join(lines[0]))
        assert found, page[:200]
        title = found.group(1).strip()
        if title == previous:
            if title not in sheets:
                sheets[title] = _tables(data, title, setup[title])
            heads, titles, repeated, repeats_head = sheets[title]
            body = lines[1:]
            while body and repeated and set(body[0]) <= repeated:
                body = body[1:]  # the repeated rows
            starts_table = _opens_with(body, heads + titles)
            if repeats_head and starts_table:
                wrong.append((n, title, "repeated heading over " + " ".join(body[0])))
            elif not repeats_head and not starts_table:
                wrong.append((n, title, " ".join(body[0]) if body else ""))
        previous = title
    return wrong


@pytest.mark.libreoffice
@pytest.mark.slow
@pytest.mark.parametrize("name", ["mkip", "final", "large"])
def test_no_table_runs_on_to_a_page_without_its_heading(printed: dict[str, int],
                                                        reports: dict[str, bytes],
                                                        name: str) -> None:
    """A board page that carries a sheet on from the page before starts with a table's
    heading row or a new table's title, never in the middle of a table (the Workings
    appendix's splits included: each starts a page rather than be cut); and a table's
    heading row repeated at the top of the page stands over its own table, never over
    another table's title (the FINAL Year end's last-year comparison)."""
    if name not in _PRINTED_TEXT:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    assert not headless_pages(reports[name], _PRINTED_TEXT[name], printed[name])


def test_a_page_that_starts_mid_table_is_found() -> None:
    """The check above finds a page that carries a table on without its heading, and
    takes a page that starts with a heading row (wrapped over two lines) or a title."""
    from finance.xlsx import MemoryBook

    mb = MemoryBook()
    ws = mb.add_sheet("Workings")
    head = mb.formats.get({"bold": True, "fill": "1F4E79", "wrap": True})
    title = mb.formats.get({"bold": True, "size": 12})
    ws.write_string(0, 0, "Workings", title)
    ws.write_string(3, 0, "Spend split", title)
    ws.write_string(4, 0, "Party", head)
    ws.write_string(4, 1, "Share (pounds)", head)
    for r, p in enumerate(("MBC", "SBC"), start=5):
        ws.write_string(r, 0, p)
    ws.print_area(0, 0, 6, 1)
    ws.repeat_rows(0, 1)
    data = mb.finish(GENERATED)
    top = "Partnership DRAFT - Board report 2025-26: Workings\nWorkings\n"
    pages = [top + "Spend split\n", top + "Party Share\n(pounds)\nMBC 1\n", top + "SBC 2\n"]
    assert headless_pages(data, "\f".join(pages), 3) == [(3, "Workings", "SBC 2")]


@pytest.mark.parametrize("name", ["mkip", "large"])
def test_each_sheet_prints_at_the_scale_that_fits_its_columns(reports: dict[str, bytes],
                                                               name: str) -> None:
    """Every sheet but a statement (fitted to one page) prints at a scale written into the
    workbook, the one LibreOffice would fit its printed columns to the page width at (a
    whole percentage, rounded down): the page breaks are planned at that scale."""
    from finance.report.grid import PAGE_SHORT, PRINT_WIDTH, column_points, print_scale

    setup = _print_setup(reports[name])
    with zipfile.ZipFile(io.BytesIO(reports[name])) as z:
        book = z.read("xl/workbook.xml").decode()
        sheets = re.findall(r'<sheet name="([^"]+)" sheetId="\d+" r:id="rId(\d+)"', book)
        for title, rid in sheets:
            xml = z.read(f"xl/worksheets/sheet{rid}.xml").decode()
            page = re.search(r"<pageSetup [^>]*>", xml)
            assert page, title
            if title.startswith("Statement "):
                assert 'fitToPage="1"' in xml and "scale=" not in page.group(0), title
                continue
            assert 'fitToPage="1"' not in xml, title
            widths: dict[int, float] = {}
            for lo, hi, w in re.findall(r'<col min="(\d+)" max="(\d+)" width="([\d.]+)"', xml):
                for c in range(int(lo), int(hi) + 1):
                    widths[c] = float(w) - 0.71  # XlsxWriter writes the width + padding
            # the printed columns (without a print area, those given a width)
            last_col = setup[title.replace("&apos;", "'")][1] or max(widths)
            points = sum(column_points(widths.get(c, 8.43)) for c in range(1, last_col + 1))
            across = PRINT_WIDTH if 'orientation="landscape"' in page.group(0) else (
                PAGE_SHORT - 0.8 * 72)
            given = re.search(r'scale="(\d+)"', page.group(0))
            scale = int(given.group(1)) if given else 100  # 100: left out
            assert scale == round(print_scale(points, across) * 100), title
            assert points * scale / 100 <= across, title


def bare_codes(text: str, names: dict[str, str]) -> list[tuple[str, str]]:
    """Each code in ``text`` that is not beside its name: a service or business case is
    "Revenues and Benefits (REVBEN)" or its name alone, never "REVBEN" by itself.  Returns
    (code, the words around it)."""
    flat = " ".join(text.split())
    out = []
    for code, name in names.items():
        rest = flat.replace(f"{name} ({code})", " ").replace(name, " ")
        for m in re.finditer(rf"(?<![\w-]){re.escape(code)}(?![\w-])", rest):
            out.append((code, rest[max(0, m.start() - 40):m.end() + 40]))
    return out


def test_a_bare_code_is_found() -> None:
    names = {"REVBEN": "Revenues and Benefits", "ICT": "Mid Kent ICT"}
    assert not bare_codes("Mid Kent ICT (ICT): 3 missed quarters; Revenues and\nBenefits "
                          "(REVBEN) £1.00; Mid Kent ICT", names)
    assert [c for c, _ in bare_codes("REVBEN MBC population; ICT: split", names)] == [
        "REVBEN", "ICT"]


@pytest.mark.libreoffice
@pytest.mark.slow
@pytest.mark.parametrize("name", ["mkip", "final", "large"])
def test_services_are_named_with_their_codes_beside(books: dict[str, Result],
                                                    printed: dict[str, int],
                                                    name: str) -> None:
    """Wherever the printed pack shows a shared service or a business case, it is by its
    name, with its code beside it ("Revenues and Benefits (REVBEN)"): the summary, the
    savings, the settlement sources, the investments, the monitoring and the Workings."""
    from finance.report.context import names

    if name not in _PRINTED_RAW:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    result = books["mkip" if name == "final" else name]
    services, projects = names(result.book, result.year)
    assert services and (projects or name == "large")
    assert not bare_codes(_PRINTED_RAW[name], {**services, **projects})


@pytest.mark.libreoffice
@pytest.mark.slow
def test_helper_rows_and_columns_do_not_print(printed: dict[str, int]) -> None:
    """The year numbers and payback helpers of an appraisal and the quarter numbers of
    the service quarters are for the formulas only."""
    if "mkip" not in _PRINTED_TEXT:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    text = _PRINTED_TEXT["mkip"]
    for label in ("Helper", "Year number", "Quarter number", "below 0"):
        assert label not in text, label


def _charts_and_print_areas(data: bytes) -> list[tuple[str, int, int]]:
    """(sheet, last column under a chart, last printed column), 0-based, for every chart."""
    out = []
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        book = z.read("xl/workbook.xml").decode()
        names = re.findall(r'<sheet name="([^"]+)" sheetId="\d+" r:id="rId(\d+)"', book)
        areas = {int(i): a for i, a in re.findall(
            r'<definedName name="_xlnm.Print_Area" localSheetId="(\d+)">([^<]+)<', book)}
        for i, (name, rid) in enumerate(names):
            rels = f"xl/worksheets/_rels/sheet{rid}.xml.rels"
            if rels not in z.namelist():
                continue
            for target in re.findall(r'Target="../drawings/(drawing\d+\.xml)"', z.read(rels)
                                     .decode()):
                drawing = z.read(f"xl/drawings/{target}").decode()
                m = re.search(r":\$?([A-Z]+)\$?\d+$", areas[i])
                assert m, areas[i]
                last = 0
                for ch in m.group(1):
                    last = last * 26 + ord(ch) - 64
                for col, off in re.findall(r"<xdr:to><xdr:col>(\d+)</xdr:col><xdr:colOff>"
                                           r"(\d+)</xdr:colOff>", drawing):
                    out.append((name, int(col) - (int(off) == 0), last - 1))
    return out


@pytest.mark.parametrize("name", ["mkip", "large"])
def test_charts_lie_inside_the_print_area(reports: dict[str, bytes], name: str) -> None:
    charts = _charts_and_print_areas(reports[name])
    assert charts or name == "large"
    outside = [(s, c, a) for s, c, a in charts if c > a]
    assert not outside, outside
