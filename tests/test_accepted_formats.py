"""What officers really type is accepted by a documented rule and gives the same figures
as the clean book (rules in docs/calculations.md and finance/core/cells.py)."""

from __future__ import annotations

import csv
import io
import json
import shutil
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path

import pytest

import finance.book
from finance.book import load_book, load_xlsx_bytes
from finance.core.jsonout import result_json
from finance.core.run import run_year
from tests.conftest import MKIP


def _json(book) -> dict:  # type: ignore[no-untyped-def]
    d = result_json(run_year(book))
    d.pop("input_sha256")
    return d


@pytest.fixture(scope="module")
def clean() -> dict:  # type: ignore[type-arg]
    book, _ = load_book(MKIP)
    return _json(book)


def _rows(name: str) -> list[list[str]]:
    with (MKIP / f"{name}.csv").open(newline="", encoding="utf-8") as f:
        return list(csv.reader(f))


def _write(folder: Path, name: str, rows: list[list[str]], encoding: str = "utf-8") -> None:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\r\n").writerows(rows)
    (folder / f"{name}.csv").write_bytes(buf.getvalue().encode(encoding))


def _messy_money(v: str) -> str:
    d = float(v)
    return f"£{d:,.2f}"


def money_with_pound_sign_and_commas(folder: Path) -> None:
    for name, cols in (("ledger", [3]), ("services", [4, 5]), ("service_parties", [4])):
        rows = _rows(name)
        for r in rows[1:]:
            for c in cols:
                if r[c]:
                    r[c] = _messy_money(r[c])
        _write(folder, name, rows)


def negative_in_brackets(folder: Path) -> None:
    rows = _rows("ledger")
    first_spend = next(r for r in rows[1:] if r[2] == "spend")
    first_spend[3] = "18600.00"
    rows.append(["2025-05-15", "2025-26", "spend", "(100.00)", "Credit note", "CN-1"])
    _write(folder, "ledger", rows)


def percentages_as_plain_numbers(folder: Path) -> None:
    rows = _rows("service_parties")
    for r in rows[1:]:
        if r[3]:
            r[3] = r[3].rstrip("%")  # 35% -> 35
    _write(folder, "service_parties", rows)
    yrs = _rows("years")
    yrs[1][4] = "0.5"
    _write(folder, "years", yrs)


def uk_dates(folder: Path) -> None:
    for name, col in (("ledger", 0), ("parties", 3), ("service_parties", 5)):
        rows = _rows(name)
        for r in rows[1:]:
            if r[col]:
                d = date.fromisoformat(r[col])
                r[col] = d.strftime("%d/%m/%Y")
        _write(folder, name, rows)


def byte_order_mark(folder: Path) -> None:
    for name in ("parties", "ledger", "services"):
        _write(folder, name, _rows(name), "utf-8-sig")


def latin1_with_pound_sign(folder: Path) -> None:
    rows = _rows("ledger")
    for r in rows[1:]:
        r[3] = _messy_money(r[3])
        r[4] = r[4] + " (café)"
    _write(folder, "ledger", rows, "latin-1")


def spaces_and_blank_trailing_rows_and_columns(folder: Path) -> None:
    for name in ("parties", "populations", "services", "ledger"):
        rows = [[f"  {c} " for c in r] + ["", ""] for r in _rows(name)]
        rows += [[""] * len(rows[0])] * 3
        _write(folder, name, rows)


CASES: dict[str, Callable[[Path], None]] = {
    f.__name__: f for f in (money_with_pound_sign_and_commas, negative_in_brackets,
                            percentages_as_plain_numbers, uk_dates, byte_order_mark,
                            latin1_with_pound_sign, spaces_and_blank_trailing_rows_and_columns)
}


@pytest.mark.parametrize("read", ["by rows", "by columns"])
@pytest.mark.parametrize("case", list(CASES))
def test_csv_forms_give_the_same_figures(case: str, read: str, tmp_path: Path,
                                         clean: dict,  # type: ignore[type-arg]
                                         monkeypatch: pytest.MonkeyPatch):
    """Either reader: a large book's tables are read a column at a time."""
    if read == "by columns":
        monkeypatch.setattr(finance.book, "COLUMNAR_MIN_BYTES", 0)
    folder = tmp_path / "book"
    shutil.copytree(MKIP, folder)
    CASES[case](folder)
    book, problems = load_book(folder)
    assert book is not None, [str(p) for p in problems]
    got = _json(book)
    if case == "negative_in_brackets":  # the credit note is a reversal, pointed out
        extra = [w for w in got["warnings"] if w not in clean["warnings"]]
        assert len(extra) == 1 and "a negative spend, -£100.00, lowers" in extra[0], extra
        got["warnings"] = [w for w in got["warnings"] if w in clean["warnings"]]
    assert got == clean


def _workbook(values: Callable[[str, int, str], object]) -> bytes:
    import openpyxl

    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for f in sorted(MKIP.glob("*.csv")):
        rows = _rows(f.stem)
        ws = wb.create_sheet(f.stem)
        ws.append(rows[0])
        for r in rows[1:]:
            ws.append([values(h, i, v) for i, (h, v) in enumerate(zip(rows[0], r,
                                                                        strict=True))])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _typed(header: str, _i: int, v: str) -> object:
    """As a spreadsheet holds them: numbers as numbers, dates as dates, % as fractions."""
    if v == "":
        return None
    if header in {"date", "joined", "notice_given", "left"}:
        return datetime.fromisoformat(v)
    if v.endswith("%") and v[:-1].replace(".", "").isdigit():
        return float(v[:-1]) / 100
    try:
        return int(v)
    except ValueError:
        pass
    try:
        return float(v)
    except ValueError:
        return v


def _serials(header: str, i: int, v: str) -> object:
    t = _typed(header, i, v)
    if isinstance(t, datetime):
        return (t - datetime(1899, 12, 30)).days  # a date serial, as pasted values
    return t


@pytest.mark.parametrize("form", ["typed", "text", "serials"])
def test_workbook_forms_give_the_same_figures(form: str, clean: dict):  # type: ignore[type-arg]
    conv = {"typed": _typed, "text": lambda h, i, v: v or None, "serials": _serials}[form]
    book, problems = load_xlsx_bytes(_workbook(conv), "book.xlsx")  # type: ignore[arg-type]
    assert book is not None, [str(p) for p in problems]
    assert _json(book) == clean


def test_json_is_deterministic_whatever_the_row_order(tmp_path: Path, clean: dict):  # type: ignore[type-arg]
    folder = tmp_path / "book"
    shutil.copytree(MKIP, folder)
    for f in folder.glob("*.csv"):
        rows = _rows(f.stem)
        _write(folder, f.stem, [rows[0], *reversed(rows[1:])])
    book, _ = load_book(folder)
    assert book is not None
    got = _json(book)
    # warnings cite the rows they come from, which moved; everything else is identical
    assert len(got.pop("warnings")) == len(clean["warnings"])
    assert json.dumps(got, sort_keys=True) == json.dumps(
        {k: v for k, v in clean.items() if k != "warnings"}, sort_keys=True)


def test_report_cells_are_the_same_whatever_the_row_order(tmp_path: Path):
    """The same book in another row order gives the same report cell values,
    apart from what must differ: the input's SHA-256 and the rows warnings point to."""
    import re
    from datetime import UTC

    import openpyxl

    from finance.book import require_book
    from finance.report import build_report

    folder = tmp_path / "book"
    shutil.copytree(MKIP, folder)
    for f in folder.glob("*.csv"):
        rows = _rows(f.stem)
        _write(folder, f.stem, [rows[0], *reversed(rows[1:])])
    when = datetime(2026, 1, 1, tzinfo=UTC)

    def cells(path: Path) -> dict[str, list[list[object]]]:
        data = build_report(run_year(require_book(path)), when)
        wb = openpyxl.load_workbook(io.BytesIO(data))
        out = {}
        for ws in wb.worksheets:
            rows = []
            for r in ws.iter_rows(values_only=True):
                vals = [re.sub(r" row \d+,", " row N,", v) if isinstance(v, str) else v
                        for v in r]
                if not (vals and vals[0] == "SHA-256 of the input book"):
                    rows.append(vals)
            out[ws.title] = rows
        return out

    a, b = cells(MKIP), cells(folder)
    assert a.keys() == b.keys()
    for sheet in a:
        key = (lambda r: str(r)) if sheet == "Cover" else None
        if key:  # warnings are listed in row order of the input; compare as a set
            assert sorted(a[sheet], key=key) == sorted(b[sheet], key=key), sheet
        else:
            assert a[sheet] == b[sheet], sheet
