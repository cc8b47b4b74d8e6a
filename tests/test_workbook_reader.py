"""A book given as an ``.xlsx`` workbook reads as the same book as its CSV files.

The workbook reader (finance/workbook.py) reads cells with calamine and hands them on as
openpyxl would; large sheets are read a column at a time (finance/columnar.py).  These
tests hold it to two references: the same book as CSV files (books, problems and the
JSON result equal, but the input's SHA-256), and openpyxl reading the same workbook
(every sheet sent down the openpyxl path), for cells of every kind a spreadsheet holds.
"""

from __future__ import annotations

import csv
import io
import shutil
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

import hypothesis.strategies as st
import pytest
import xlsxwriter
from hypothesis import HealthCheck, given, settings

import finance.workbook as fw
from benchmarks.generate import as_workbook, large_book
from finance.book import load_book, load_xlsx_bytes, parse_raw, read_raw
from finance.core.jsonout import result_json
from finance.core.run import run_year
from tests.conftest import MKIP, ROOT

LEDGER = ["date", "year", "kind", "amount", "description", "reference"]


def _same_book(a: Any, b: Any) -> bool:
    """Books equal but for where they came from (the input's SHA-256)."""
    from dataclasses import replace

    return replace(a, source_sha256="") == replace(b, source_sha256="")


def _problems(problems: list[Any]) -> list[str]:
    return [str(p) for p in problems]


def _by_openpyxl(data: bytes, label: str, monkeypatch: pytest.MonkeyPatch) -> Any:
    """The workbook as openpyxl reads it: every sheet down the openpyxl path."""
    with monkeypatch.context() as m:
        m.setattr(fw, "_has_empty_cells", lambda *_: True)
        m.setattr(fw._FormulaMarks, "in_sheet", lambda *_: True)
        tables, problems = fw.read_xlsx_bytes(data, label)
        return parse_raw(tables, "", problems)


def _by_calamine(data: bytes, label: str, columnar: bool) -> Any:
    with pytest.MonkeyPatch.context() as m:
        m.setattr(fw, "COLUMNAR_MIN_ROWS", 0 if columnar else 10**9)
        tables, problems = fw.read_xlsx_bytes(data, label, columnar)
    return parse_raw(tables, "", problems)


def _csv_folder(tmp: Path, table: str, header: list[str], rows: list[list[str]]) -> Path:
    """The bundled book with one table replaced."""
    folder = tmp / "book"
    if folder.exists():
        shutil.rmtree(folder)
    shutil.copytree(MKIP, folder)
    with (folder / f"{table}.csv").open("w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows([header, *rows])
    return folder


# -- the same book from CSV files and from a workbook ----------------------------------


def test_a_generated_book_is_the_same_from_csv_files_and_a_workbook(tmp_path: Path) -> None:
    """Numbers as numbers, dates as dates, percentages as percentages: the same book,
    the same problems and the same JSON to the byte but the input's SHA-256."""
    folder = large_book(tmp_path / "book", parties=20, services=60, ledger_rows=3000)
    xlsx = as_workbook(folder, tmp_path / "book.xlsx")
    from_csv, csv_problems = load_book(folder)
    from_xlsx, xlsx_problems = load_book(xlsx)
    assert from_csv is not None and from_xlsx is not None
    assert _same_book(from_csv, from_xlsx)
    assert _problems(csv_problems) == _problems(xlsx_problems)
    a = result_json(run_year(from_csv))
    b = result_json(run_year(from_xlsx))
    assert a.pop("input_sha256") != b.pop("input_sha256")
    assert a == b


def test_every_sheet_of_a_large_workbook_is_read_by_columns(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = large_book(tmp_path / "book", parties=20, services=60, ledger_rows=1500)
    data = as_workbook(folder, tmp_path / "b.xlsx").read_bytes()
    tables, problems = fw.read_xlsx_bytes(data, "b.xlsx", columnar=True)
    assert not problems
    kinds = {name: type(t).__name__ for name, t in tables.items()}
    assert kinds.pop("ledger") == "Ledger"  # (1,500 rows: past COLUMNAR_MIN_ROWS)
    assert set(kinds.values()) == {"RawTable"}  # smaller sheets are read row by row
    monkeypatch.setattr(fw, "COLUMNAR_MIN_ROWS", 0)
    tables, problems = fw.read_xlsx_bytes(data, "b.xlsx", columnar=True)
    kinds = {name: type(t).__name__ for name, t in tables.items()}
    assert kinds.pop("ledger") == "Ledger"
    assert set(kinds.values()) == {"ReadTable"}, kinds


def test_the_bundled_book_is_the_same_as_a_workbook_either_way(tmp_path: Path) -> None:
    xlsx = as_workbook(MKIP, tmp_path / "mkip.xlsx").read_bytes()
    from_csv, csv_problems = load_book(MKIP)
    for columnar in (False, True):
        book, problems = _by_calamine(xlsx, "mkip.xlsx", columnar)
        assert book is not None and _same_book(book, from_csv), columnar
        assert _problems(problems) == _problems(csv_problems)


def _as_text_workbook(folder: Path, out: Path) -> Path:
    """Every cell of the CSV files written as text, as typed."""
    wb = xlsxwriter.Workbook(str(out))
    for f in sorted(folder.glob("*.csv")):
        ws = wb.add_worksheet(f.stem)
        with f.open(newline="", encoding="utf-8-sig") as fh:
            for r, row in enumerate(csv.reader(fh)):
                for c, text in enumerate(row):
                    if text:
                        ws.write_string(r, c, text)
    wb.close()
    return out


BAD = ROOT / "tests" / "data" / "bad"
#: The corpus's CSV cases; a semicolon-separated file is a CSV matter only.
CORPUS = sorted(p for p in BAD.iterdir() if p.is_dir() and "semicolon" not in p.name)


@pytest.mark.parametrize("case", CORPUS, ids=[p.name for p in CORPUS])
def test_the_bad_corpus_gives_the_same_problems_from_a_workbook(case: Path, tmp_path: Path
                                                                ) -> None:
    """Each bad book, its cells written as text into a workbook: the same problems,
    located by the same table, row and column, read by rows and by columns."""
    _, csv_problems = load_book(case)
    data = _as_text_workbook(case, tmp_path / "bad.xlsx").read_bytes()
    for columnar in (False, True):
        _, problems = _by_calamine(data, "bad.xlsx", columnar)
        assert _problems(problems) == _problems(csv_problems), columnar


# -- ledgers of any cells, from CSV and from a workbook --------------------------------

TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",),
                                      blacklist_characters="\r\x00"), max_size=10)
CELL = {
    "date": st.sampled_from(["2025-05-01", "01/06/2025", "", "2026-03-31", "2026-04-01",
                             "45901", "x", " 2025-07-07 ", "2025-02-31"]),
    "year": st.sampled_from(["2025-26", "2024-25", "2025/26", "", "26"]),
    "kind": st.sampled_from(["spend", "commitment", "Income", "external funding", "other",
                             ""]),
    "amount": st.one_of(
        st.integers(-10**12, 10**12).map(lambda p: f"{p / 100:.2f}"),
        st.integers(-10**6, 10**6).map(str),
        st.sampled_from(["£1,234.50", "(5.00)", "1.234", "", "1e3", "+5", "7.5",
                         "9999999999999.99", "99999999999999", "0.1"])),
    "description": TEXT,
    "reference": st.sampled_from(["", "R-1", " R-2 ", "=1+1", "12"]),
}


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(st.fixed_dictionaries(CELL), min_size=0, max_size=8))
def test_any_ledger_reads_the_same_from_csv_and_a_typed_workbook(
    rows: list[dict[str, str]], tmp_path: Path
) -> None:
    """Written as a spreadsheet holds it (numbers, dates, text) and read by rows and by
    columns: the same book and the same problems as the CSV file."""
    folder = _csv_folder(tmp_path, "ledger", LEDGER, [[r[c] for c in LEDGER] for r in rows])
    from_csv, csv_problems = load_book(folder)
    data = as_workbook(folder, tmp_path / "book.xlsx").read_bytes()
    for columnar in (False, True):
        book, problems = _by_calamine(data, "book.xlsx", columnar)
        assert _problems(problems) == _problems(csv_problems), columnar
        assert (book is None) == (from_csv is None)
        if book is not None:
            assert _same_book(book, from_csv)


# -- calamine against openpyxl, cell by cell -------------------------------------------

def _workbook(write: Any, sheet: str = "populations") -> bytes:
    """The bundled book as a workbook, with ``write(worksheet, formats)`` writing the
    sheet named ``sheet`` in place of its CSV table."""
    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True})
    fmt = {"date": wb.add_format({"num_format": "dd/mm/yyyy"}),
           "pct": wb.add_format({"num_format": "0.0%"}),
           "time": wb.add_format({"num_format": "hh:mm"}),
           "bold": wb.add_format({"bold": True})}
    for f in sorted(MKIP.glob("*.csv")):
        if f.stem == sheet.strip().lower():
            write(wb.add_worksheet(sheet), fmt)
            continue
        ws = wb.add_worksheet(f.stem)
        with f.open(newline="", encoding="utf-8") as fh:
            for r, row in enumerate(csv.reader(fh)):
                ws.write_row(r, 0, row)
    wb.close()
    return buf.getvalue()


POP_HEADER = ["party", "year", "population", "source"]
POPULATION = st.one_of(
    st.integers(1, 10**6), st.floats(1, 10**6, allow_nan=False).map(lambda x: round(x, 2)),
    st.sampled_from(["142,800", "abc", "", " ", True, date(2025, 1, 1), time(12, 0),
                     -5, 0, 0.5, 1e17]))


@settings(max_examples=40, deadline=None)
@given(cells=st.lists(POPULATION, min_size=6, max_size=6))
def test_any_typed_cells_read_as_openpyxl_reads_them(cells: list[Any]) -> None:
    """Numbers whole and not, text, blanks and spaces, booleans, dates and times in a
    workbook: calamine's reading gives the book and the problems openpyxl's does."""
    with open(MKIP / "populations.csv", newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))[1:]

    def write(ws: Any, fmt: dict[str, Any]) -> None:
        ws.write_row(0, 0, POP_HEADER)
        for r, (row, v) in enumerate(zip(rows, cells * len(rows), strict=False), start=1):
            ws.write_row(r, 0, [row[0], row[1]])
            if isinstance(v, date):
                ws.write_datetime(r, 2, v, fmt["date"])
            elif isinstance(v, time):
                ws.write_datetime(r, 2, v, fmt["time"])
            elif v == "":
                ws.write_blank(r, 2, None)
            else:
                ws.write(r, 2, v)
            ws.write_string(r, 3, row[3])

    data = _workbook(write)
    with pytest.MonkeyPatch.context() as m:
        slow, slow_problems = _by_openpyxl(data, "b.xlsx", m)
    for columnar in (False, True):
        fast, fast_problems = _by_calamine(data, "b.xlsx", columnar)
        assert _problems(fast_problems) == _problems(slow_problems)
        assert fast == slow


def test_formulas_with_saved_values_merged_titles_and_sheet_names_in_other_case(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A sheet named ' Populations ', a merged title over a blank row, percentages and
    dates formatted, formulas with their saved values: read as openpyxl reads them."""
    def write(ws: Any, fmt: dict[str, Any]) -> None:
        ws.merge_range(0, 0, 0, 3, "Populations (ONS mid-year estimates)", fmt["bold"])
        ws.write_row(2, 0, POP_HEADER)
        with open(MKIP / "populations.csv", newline="", encoding="utf-8") as f:
            for r, row in enumerate(list(csv.reader(f))[1:], start=3):
                ws.write_row(r, 0, [row[0], row[1]])
                ws.write_formula(r, 2, f"={row[2]}+0", None, int(row[2]))
                ws.write_string(r, 3, row[3])

    data = _workbook(write, " Populations ")
    slow = _by_openpyxl(data, "b.xlsx", monkeypatch)
    for columnar in (False, True):
        fast = _by_calamine(data, "b.xlsx", columnar)
        assert _problems(fast[1]) == _problems(slow[1])
        assert fast[0] == slow[0]


def test_an_error_value_is_located_not_read_as_blank() -> None:
    """calamine reads ``#DIV/0!`` as an empty cell; the sheet goes to openpyxl, which
    names it."""
    def write(ws: Any, fmt: dict[str, Any]) -> None:
        ws.write_row(0, 0, POP_HEADER)
        with open(MKIP / "populations.csv", newline="", encoding="utf-8") as f:
            for r, row in enumerate(list(csv.reader(f))[1:], start=1):
                ws.write_row(r, 0, [row[0], row[1], int(row[2]), row[3]])
        ws.write_formula(1, 2, "=1/0", None, "#DIV/0!")

    _, problems = load_xlsx_bytes(_workbook(write), "b.xlsx")
    assert "populations row 2, column population: '#DIV/0!' is not a whole number" in \
        _problems(problems)


def test_a_formula_without_a_saved_value_is_located_in_a_large_sheet() -> None:
    """Read by columns too: the formula is named with its row, never read as blank."""
    def write(ws: Any, fmt: dict[str, Any]) -> None:
        ws.write_row(0, 0, LEDGER)
        for r in range(1, 1500):
            ws.write_row(r, 0, ["2025-05-01", "2025-26", "spend", 1.5, f"line {r}", ""])
        ws.write_formula(700, 3, "=2*3", None, "")  # XlsxWriter's way of "no value"

    data = _workbook(write, "ledger")
    _, problems = load_xlsx_bytes(data, "b.xlsx")
    assert "ledger row 701, column amount: holds the formula =2*3 with no saved value" in \
        " ".join(_problems(problems))


def test_an_empty_workbook_and_a_chart_sheet() -> None:
    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True})
    wb.add_worksheet("notes")
    wb.add_chartsheet("chart")
    wb.close()
    tables, problems = fw.read_xlsx_bytes(buf.getvalue(), "e.xlsx")
    assert tables == {}
    assert _problems(problems) == ["e.xlsx: workbook is empty: no sheet has a header row"]


def test_cells_are_given_as_openpyxl_gives_them() -> None:
    assert fw.cell("") is None
    assert fw.cell(5.0) == 5 and type(fw.cell(5.0)) is int
    assert type(fw.cell(5.5)) is float
    assert type(fw.cell(1e17)) is float  # past a double's whole numbers: kept as read
    assert fw.cell(date(2025, 4, 1)) == datetime(2025, 4, 1)
    assert fw.cell(True) is True and fw.cell(time(9, 30)) == time(9, 30)


def test_read_raw_reads_a_workbook_by_columns(tmp_path: Path) -> None:
    folder = large_book(tmp_path / "book", parties=10, services=20, ledger_rows=1200)
    tables, _, _ = read_raw(as_workbook(folder, tmp_path / "b.xlsx"), columnar=True)
    assert type(tables["ledger"]).__name__ == "Ledger"


# -- amounts held as numbers, in bulk against the cell reader --------------------------

AMOUNT = st.one_of(
    st.integers(-10**13, 10**13).map(lambda p: p / 100),  # the double nearest p pence
    st.floats(-1e12, 1e12, allow_nan=False),
    st.sampled_from([0.1 + 0.2, 1.234, -0.0, 1e-05, 99999999999.99, 1e11, 1e15, 2.675,
                     0.005, -1234.5, 12345678901.23]),
)


@settings(max_examples=300, deadline=None)
@given(amounts=st.lists(AMOUNT, min_size=1, max_size=20))
def test_amounts_in_bulk_are_what_the_cell_reader_gives(amounts: list[float]) -> None:
    """``rint(100 x)`` checked exact gives each number's pence as ``read_money`` does
    (``Decimal(str(x))``, at most two decimal places), and refuses what it refuses."""
    from finance.columnar import _LEDGER, _cell_money, _Unusual
    from finance.core.cells import CellError, read_money

    expected: list[int] | None = []
    for x in amounts:
        try:
            expected.append(read_money(fw.cell(x)))  # type: ignore[union-attr]
        except CellError:
            expected = None
            break
    try:
        got = _cell_money(amounts, _LEDGER["amount"], fw.cell)[0].tolist()
    except _Unusual:
        got = None
    assert got == expected


def test_an_uploaded_workbook_is_validated_from_its_columns(tmp_path: Path) -> None:
    """The app keeps the raw tables for its editors and validates the columns read from
    the same cells: the same book as validating the raw tables."""
    from finance.appdata.sources import parse_source, workbook_source
    from finance.core.parse import parse_book

    folder = large_book(tmp_path / "book", parties=10, services=30, ledger_rows=1500)
    data = as_workbook(folder, tmp_path / "b.xlsx").read_bytes()
    src = workbook_source(data, "b.xlsx")
    assert src.read is not None and type(src.read["ledger"]).__name__ == "Ledger"
    assert {n: type(t).__name__ for n, t in src.tables.items()} == dict.fromkeys(
        src.read, "RawTable")
    parsed = parse_source(src)
    book, problems = parse_book(src.tables, src.sha256)
    assert parsed.book is not None and parsed.book == book
    assert _problems(list(parsed.problems)) == _problems(problems)
