"""The column-at-a-time ledger reader gives exactly what the row-by-row reader gives.

Every test reads a ledger both ways — ``load_book`` with the size threshold at 0 (so the
columnar reader is tried) and the row-by-row reader — and compares the books and the
problems, so a difference in any figure, date, text or message fails.
"""

from __future__ import annotations

import csv
import io
import pickle
import shutil
from datetime import date
from pathlib import Path

import hypothesis.strategies as st
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings

import finance.book as fb
from finance.columnar import read_ledger_csv, read_table_csv
from finance.core.ledger import Ledger
from finance.core.model import LedgerEntry
from finance.core.parse import ReadTable, _read_table, _rows_of, parse_book
from tests.conftest import MKIP

HEADER = ["date", "year", "kind", "amount", "description", "reference"]


def both_ways(folder: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[object, object]:
    monkeypatch.setattr(fb, "COLUMNAR_MIN_BYTES", 0)
    fast = fb.load_book(folder)
    raw, sha, problems = fb.read_csv_folder(folder)
    slow = fb.parse_raw(raw, sha, problems)
    return fast, slow


def table_folder(tmp: Path, table: str, header: list[str], rows: list[list[str]],
                 encoding: str = "utf-8") -> Path:
    """The bundled book with one table replaced."""
    folder = tmp / "book"
    if folder.exists():
        shutil.rmtree(folder)
    shutil.copytree(MKIP, folder)
    buf = io.StringIO(newline="")
    w = csv.writer(buf)
    w.writerow(header)
    w.writerows(rows)
    (folder / f"{table}.csv").write_bytes(buf.getvalue().encode(encoding))
    return folder


def ledger_folder(tmp: Path, rows: list[list[str]], header: list[str] = HEADER,
                  encoding: str = "utf-8") -> Path:
    return table_folder(tmp, "ledger", header, rows, encoding)


def fast_ledger(folder: Path) -> Ledger | None:
    return read_ledger_csv((folder / "ledger.csv").read_bytes(), fb.MAX_ROWS)


def test_bundled_book_is_the_same_read_by_columns(monkeypatch: pytest.MonkeyPatch) -> None:
    (fast, fp), (slow, sp) = both_ways(MKIP, monkeypatch)
    assert fast is not None and fast == slow
    assert [str(p) for p in fp] == [str(p) for p in sp]
    assert isinstance(fast_ledger(MKIP), Ledger)  # the columnar reader took it
    # 18,500.00 + 32,400.00 + 21,750.50 + 4,200.00 spent; 12,000.00 committed by 15 March
    assert fast.ledger.totals("2025-26")["spend"] == 7685050
    assert fast.ledger.dated_before("2025-26", "commitment", date(2026, 3, 16)) == 1200000
    assert fast.ledger.dated_before("2025-26", "commitment", date(2026, 3, 15)) == 0


def test_generated_book_is_the_same_read_by_columns(tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    from benchmarks.generate import large_book

    folder = large_book(tmp_path / "b", 20, 100, 3000)
    assert isinstance(fast_ledger(folder), Ledger)
    (fast, _), (slow, _) = both_ways(folder, monkeypatch)
    assert fast is not None and fast == slow
    assert fast.ledger.entries() == slow.ledger.entries()  # type: ignore[union-attr]


def test_other_forms_of_amount_are_read_by_the_cell_reader(tmp_path: Path) -> None:
    rows = [["2025-05-01", "2025-26", "spend", "£1,234.50", "a", "r1"],
            ["01/06/2025", "2025-26", "income", "(12.00)", "", ""],
            ["2025-07-01", "2025-26", "spend", " 7 ", "  padded  ", "r3"],
            ["2025-08-01", "2025-26", "commitment", "-0.5", "=SUM(A1)", "r4"]]
    led = fast_ledger(ledger_folder(tmp_path, rows))
    assert led is not None
    assert led.amount.tolist() == [123450, -1200, 700, -50]
    assert list(led.description) == ["a", "", "padded", "=SUM(A1)"]
    assert led[1].date == date(2025, 6, 1)


def test_quoted_commas_newlines_and_latin_1_text(tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    rows = [["2025-05-01", "2025-26", "spend", "10.00", 'Fees, "legal"\nphase 2', "R,1"],
            ["", "2025-26", "spend", "5", "Café £", ""]]
    folder = ledger_folder(tmp_path, rows, encoding="cp1252")
    (fast, _), (slow, _) = both_ways(folder, monkeypatch)
    assert fast is not None and fast == slow
    assert [e.description for e in fast.ledger] == ['Fees, "legal"\nphase 2', "Café £"]
    assert fast.ledger[1].date is None


@pytest.mark.parametrize("case, rows, header", [
    ("blank amount", [["2025-05-01", "2025-26", "spend", "", "", ""]], HEADER),
    ("bad amount", [["2025-05-01", "2025-26", "spend", "12.345", "", ""]], HEADER),
    ("bad kind", [["2025-05-01", "2025-26", "spending", "1", "", ""]], HEADER),
    ("bad year", [["2025-05-01", "2025-27", "spend", "1", "", ""]], HEADER),
    ("bad date", [["31/02/2025", "2025-26", "spend", "1", "", ""]], HEADER),
    ("blank row", [["2025-05-01", "2025-26", "spend", "1", "", ""], [""] * 6], HEADER),
    ("ragged row", [["2025-05-01", "2025-26", "spend", "1"]], HEADER),
    ("unknown column", [["2025-05-01", "2025-26", "spend", "1", "", "", "x"]],
     [*HEADER, "notes"]),
    ("missing column", [["2025-05-01", "2025-26", "1"]], ["date", "year", "amount"]),
    ("column twice", [["2025-26", "spend", "1", "2"]], ["year", "kind", "amount", "Amount"]),
])
def test_unusual_ledgers_are_left_to_the_row_reader(
    case: str, rows: list[list[str]], header: list[str], tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    folder = ledger_folder(tmp_path, rows, header)
    assert fast_ledger(folder) is None, case
    (fast, fp), (slow, sp) = both_ways(folder, monkeypatch)
    assert fast == slow
    assert [str(p) for p in fp] == [str(p) for p in sp]


def test_a_date_outside_its_year_is_reported_with_its_row(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rows = [["2025-05-01", "2025-26", "spend", "1", "", ""],
            ["2026-04-01", "2025-26", "spend", "2", "", ""]]
    folder = ledger_folder(tmp_path, rows)
    assert fast_ledger(folder) is not None  # readable; the year check finds it
    (fast, fp), (slow, sp) = both_ways(folder, monkeypatch)
    assert fast is None and slow is None
    assert "ledger row 3, column date: 2026-04-01 is not in financial year 2025-26" in [
        str(p) for p in fp]
    assert [str(p) for p in fp] == [str(p) for p in sp]


def test_ledger_sums_are_exact_beyond_float_precision() -> None:
    big = 999_999_999_999_999  # pence: over 2**53, where a float would lose pennies
    led = Ledger.of([LedgerEntry("2025-26", "spend", big, row=2),
                     LedgerEntry("2025-26", "spend", 1, row=3)] +
                    [LedgerEntry("2025-26", "spend", big, row=4 + i) for i in range(20)])
    assert led.totals("2025-26")["spend"] == 21 * big + 1  # over the int64 range too
    # the most negative int64 has no int64 absolute value: still summed exactly
    low = Ledger.of([LedgerEntry("2025-26", "income", -(2**63), row=2),
                     LedgerEntry("2025-26", "income", -1, row=3)])
    assert low.totals("2025-26")["income"] == -(2**63) - 1


def test_ledger_pickles_for_batch_workers(tmp_path: Path) -> None:
    from benchmarks.generate import large_book

    led = fast_ledger(large_book(tmp_path / "b", 12, 10, 50))
    assert led is not None
    again = pickle.loads(pickle.dumps(led))
    assert again == led and isinstance(again.description, list)


def test_indexing_matches_the_records() -> None:
    es = [LedgerEntry("2024-25", "income", 5, date(2024, 4, 2), "d", "r", 2),
          LedgerEntry("2025-26", "spend", 7, None, "", "", 3)]
    led = Ledger.of(es)
    fresh = Ledger(led.years, led.year_code, led.kind_code, led.amount, led.day,
                   list(led.description), list(led.reference), led.row)
    assert [fresh[0], fresh[-1]] == es and fresh[:1] == tuple(es[:1])
    assert fresh == tuple(es) and hash(fresh) == hash(led)
    with pytest.raises(IndexError):
        fresh[2]
    assert fresh.misdated() == [] and not np.isnat(fresh.day[0])


# Cell text a spreadsheet can save as UTF-8 CSV: no lone surrogates (they cannot be
# encoded); carriage returns and NULs inside cells are covered by the fuzz tests.
TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",),
                                      blacklist_characters="\r\x00"), max_size=12)

CELL = {
    "date": st.sampled_from(["2025-05-01", "01/06/2025", "", "2026-03-31", "2026-04-01",
                             "45901", "x", " 2025-07-07 "]),
    "year": st.sampled_from(["2025-26", "2024-25", "2025/26", "", "26"]),
    "kind": st.sampled_from(["spend", "commitment", "Income", "external funding", "other",
                             ""]),
    "amount": st.one_of(
        st.integers(-10**12, 10**12).map(lambda p: f"{p / 100:.2f}"),
        st.sampled_from(["£1,234.50", "(5.00)", "1.234", "", "1e3", "+5", ".5", "5.",
                         "9999999999999.99", "99999999999999"])),
    "description": TEXT,
    "reference": st.sampled_from(["", "R-1", " R-2 ", "=1+1"]),
}


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(st.fixed_dictionaries(CELL), min_size=0, max_size=8))
def test_any_ledger_reads_the_same_either_way(rows: list[dict[str, str]], tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    texts = [[r[c] for c in HEADER] for r in rows]
    folder = ledger_folder(tmp_path, texts)
    (fast, fp), (slow, sp) = both_ways(folder, monkeypatch)
    assert fast == slow
    assert [str(p) for p in fp] == [str(p) for p in sp]


def test_parse_book_takes_a_ledger_read_elsewhere() -> None:
    raw, _, _ = fb.read_csv_folder(MKIP)
    led = fast_ledger(MKIP)
    assert led is not None
    book, problems = parse_book({**raw, "ledger": led})
    assert book is not None and book.ledger == led
    assert not [p for p in problems if p.is_error]


VALID = {
    "date": st.sampled_from(["2025-05-01", "01/06/2025", "", "2026-03-31", "45901",
                             " 2025-07-07 "]),
    "year": st.sampled_from(["2025-26", " 2025-26"]),
    "kind": st.sampled_from(["spend", "commitment", "Income", "external funding",
                             "admin_recharge"]),
    "amount": st.one_of(
        st.integers(-10**12, 10**12).map(lambda p: f"{p / 100:.2f}"),
        st.integers(-10**6, 10**6).map(str),
        st.sampled_from(["£1,234.50", "(5.00)", "-£3", "7.5", "9999999999999.99"])),
    "description": TEXT,
    "reference": st.sampled_from(["", "R-1", " R-2 ", "=1+1"]),
}


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(st.fixed_dictionaries(VALID), min_size=1, max_size=8))
def test_any_readable_ledger_is_read_by_columns_the_same(
    rows: list[dict[str, str]], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = ledger_folder(tmp_path, [[r[c] for c in HEADER] for r in rows])
    assert fast_ledger(folder) is not None  # the columnar reader took every one
    (fast, fp), (slow, sp) = both_ways(folder, monkeypatch)
    assert fast is not None and fast == slow
    assert [str(p) for p in fp] == [str(p) for p in sp]


# -- other tables read by columns (finance.columnar.read_table_csv) --------------------

SP_HEADER = ["service", "year", "party", "fixed_share", "standalone_cost", "joined"]


def test_every_table_of_a_large_book_is_read_by_columns(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(fb, "COLUMNAR_MIN_BYTES", 0)
    raw, _, _ = fb.read_csv_folder(MKIP, columnar=True)
    kinds = {name: type(t).__name__ for name, t in raw.items()}
    assert kinds.pop("ledger") == "Ledger"
    assert set(kinds.values()) == {"ReadTable"}, kinds
    sp = raw["service_parties"]
    assert isinstance(sp, ReadTable)
    slow = fb.read_csv_folder(MKIP)[0]["service_parties"]
    assert list(sp.rows) == [n for n, _ in slow.rows]  # type: ignore[union-attr]


def test_a_small_book_is_read_row_by_row() -> None:
    raw, _, _ = fb.read_csv_folder(MKIP, columnar=True)  # 1 MiB threshold: MKIP is small
    assert {type(t).__name__ for t in raw.values()} == {"RawTable"}


def test_money_columns_read_exactly_with_blanks_and_other_forms() -> None:
    text = ("service,year,party,fixed_share,standalone_cost,joined\n"
            "LEGAL,2025-26,MBC,,9999999999999.99,\n"
            "LEGAL,2025-26,SBC,35%,\"£1,234.50\",2025-10-01\n"
            "LEGAL,2025-26,TWBC,0.35,,01/06/2025\n").encode()
    t = read_table_csv("service_parties", text, fb.MAX_ROWS)
    assert t is not None and list(t.rows) == [2, 3, 4]
    assert t.values["standalone_cost"] == [999999999999999, 123450, None]
    assert all(type(p) is int for p in t.values["standalone_cost"][:2])
    assert t.values["fixed_share"][0] is None
    assert t.values["fixed_share"][1] == t.values["fixed_share"][2]
    assert t.values["joined"] == [None, date(2025, 10, 1), date(2025, 6, 1)]


@pytest.mark.parametrize("case, rows", [
    ("negative standalone cost", [["LEGAL", "2025-26", "MBC", "", "-1.00", ""]]),
    ("bad share", [["LEGAL", "2025-26", "MBC", "lots", "", ""]]),
    ("blank party", [["LEGAL", "2025-26", "", "", "", ""]]),
    ("blank row", [["LEGAL", "2025-26", "MBC", "", "", ""], [""] * 6]),
    ("ragged row", [["LEGAL", "2025-26", "MBC"]]),
    ("pence", [["LEGAL", "2025-26", "MBC", "", "1.001", ""]]),
])
def test_unusual_tables_are_left_to_the_row_reader(
    case: str, rows: list[list[str]], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = table_folder(tmp_path, "service_parties", SP_HEADER, rows)
    text = (folder / "service_parties.csv").read_bytes()
    assert read_table_csv("service_parties", text, fb.MAX_ROWS) is None, case
    (fast, fp), (slow, sp) = both_ways(folder, monkeypatch)
    assert fast == slow
    assert [str(p) for p in fp] == [str(p) for p in sp]
    assert any(p.table == "service_parties" and p.row for p in fp), case


SP_CELL = {
    "service": st.sampled_from(["LEGAL", "ICT", "HR", "NOPE", "", " legal "]),
    "year": st.sampled_from(["2025-26", "2024-25", "2025/26", ""]),
    "party": st.sampled_from(["MBC", "SBC", "TWBC", "XYZ", "", "mbc"]),
    "fixed_share": st.sampled_from(["", "35%", "0.35", "35", "1/3", "-5%", "x"]),
    "standalone_cost": st.one_of(
        st.integers(-10**6, 10**12).map(lambda p: f"{p / 100:.2f}"),
        st.sampled_from(["", "£1,234.50", "(5.00)", "1.234", " 7 ", "9999999999999.99",
                         "99999999999999", "-0"])),
    "joined": st.sampled_from(["", "2025-10-01", "01/06/2025", "45901", "31/02/2025"]),
}


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(st.fixed_dictionaries(SP_CELL), min_size=0, max_size=8))
def test_any_table_reads_the_same_either_way(rows: list[dict[str, str]], tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    folder = table_folder(tmp_path, "service_parties", SP_HEADER,
                          [[r[c] for c in SP_HEADER] for r in rows])
    (fast, fp), (slow, sp) = both_ways(folder, monkeypatch)
    assert fast == slow
    assert [str(p) for p in fp] == [str(p) for p in sp]


SP_VALID = {
    "service": st.sampled_from(["LEGAL", "ICT", " legal ", "Audit"]),
    "year": st.sampled_from(["2025-26", " 2024-25"]),
    "party": st.sampled_from(["MBC", "SBC", "twbc", "XYZ"]),
    "fixed_share": st.sampled_from(["", "35%", "0.35", "35", "0"]),
    "standalone_cost": st.one_of(
        st.integers(0, 10**12).map(lambda p: f"{p / 100:.2f}"),
        st.integers(0, 10**6).map(str),
        st.sampled_from(["", "£1,234.50", " 7 ", "9999999999999.99", "-0", "0012.5"])),
    "joined": st.sampled_from(["", "2025-10-01", "01/06/2025", "45901"]),
}


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(st.fixed_dictionaries(SP_VALID), min_size=1, max_size=8))
def test_any_readable_table_is_read_by_columns_to_the_same_rows(
    rows: list[dict[str, str]]
) -> None:
    cells = [[r[c] for c in SP_HEADER] for r in rows]
    buf = io.StringIO(newline="")
    csv.writer(buf).writerows([SP_HEADER, *cells])
    fast = read_table_csv("service_parties", buf.getvalue().encode(), fb.MAX_ROWS)
    assert fast is not None  # the columnar reader took every one
    problems: list[object] = []
    slow = _read_table("service_parties", fb.csv_table("service_parties",
                                                       buf.getvalue().encode()), problems)
    assert problems == [] and _rows_of(fast) == slow


@pytest.mark.parametrize("table", ["parties", "years"])
def test_a_missing_table_is_reported_once_either_way(table: str, tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "book"
    shutil.copytree(MKIP, folder)
    (folder / f"{table}.csv").unlink()
    (fast, fp), (slow, sp) = both_ways(folder, monkeypatch)
    assert fast is None and slow is None
    assert [str(p) for p in fp] == [str(p) for p in sp]
    assert [str(p) for p in fp if p.table == table] == [f"{table}: required table is missing"]


def test_no_tables_at_all_are_each_reported_missing_and_nothing_else_of_them() -> None:
    problems = [str(p) for p in parse_book({})[1]]
    assert "parties: required table is missing" in problems
    assert not any("no parties are listed" in p or "no years are listed" in p
                   for p in problems)
