"""The blank input workbook: every table, instructions, drop-downs, round trip."""

from __future__ import annotations

import csv
import io
import warnings
from pathlib import Path

import openpyxl
import pytest

from finance.book import load_xlsx_bytes, require_book
from finance.core.jsonout import result_json
from finance.core.parse import SCHEMA
from finance.core.run import run_year
from finance.template import COLUMNS, EXAMPLE, TABLES, book_to_xlsx, build_template

ROOT = Path(__file__).resolve().parent.parent
MKIP = ROOT / "data" / "mkip"


def mkip_tables() -> dict[str, list[dict[str, str]]]:
    out = {}
    for f in sorted(MKIP.glob("*.csv")):
        with f.open(newline="", encoding="utf-8") as fh:
            out[f.stem] = list(csv.DictReader(fh))
    return out


@pytest.fixture(scope="module")
def template() -> bytes:
    return build_template()


def test_columns_describe_every_schema_column() -> None:
    assert set(COLUMNS) == set(SCHEMA) == set(TABLES) == set(EXAMPLE)
    for table, cols in SCHEMA.items():
        assert list(COLUMNS[table]) == [c.name for c in cols], table


def test_template_has_a_sheet_per_table_and_instructions(template: bytes) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        wb = openpyxl.load_workbook(io.BytesIO(template))
    assert wb.sheetnames == ["README", *SCHEMA]
    readme = "\n".join(str(c.value) for row in wb["README"].iter_rows() for c in row
                       if c.value is not None)
    assert "How to fill it in" in readme and "example rows" in readme
    for table, cols in SCHEMA.items():
        ws = wb[table]
        assert [c.value for c in ws[1]] == [c.name for c in cols], table
        assert all(c.comment is not None and c.comment.text for c in ws[1]), table
        assert ws.freeze_panes == "A2"
        assert ws.max_row >= 2, f"{table} has no example row"


def _validations(ws: openpyxl.worksheet.worksheet.Worksheet) -> dict[str, str]:
    """Column letter -> list formula of the drop-downs on that column."""
    out = {}
    for dv in ws.data_validations.dataValidation:
        if dv.type == "list":
            for rng in dv.sqref.ranges:
                out[rng.coord.split(":")[0].rstrip("0123456789")] = dv.formula1
    return out


def test_template_has_drop_downs(template: bytes) -> None:
    wb = openpyxl.load_workbook(io.BytesIO(template))

    def options(table: str, column: str) -> list[str]:
        letter = openpyxl.utils.get_column_letter(
            [c.name for c in SCHEMA[table]].index(column) + 1)
        formula = _validations(wb[table])[letter]
        return formula.strip('"').split(",")

    assert options("services", "basis")[:4] == ["equal", "fixed", "population", "blend"]
    assert options("ledger", "kind") == ["spend", "commitment", "external_funding", "income",
                                         "admin_recharge"]
    assert options("parties", "voting") == ["yes", "no"]
    assert options("performance", "higher_is_better") == ["yes", "no"]
    assert options("cashflows", "kind") == ["one_off_cost", "recurring_cost", "saving",
                                            "income"]
    assert options("budget_monitor", "quarter") == ["1", "2", "3", "4"]
    assert options("performance", "quarter") == ["1", "2", "3", "4"]
    assert options("service_blend", "component") == ["equal", "population", "driver:NAME"]
    # driver:NAME is a pattern, so the basis list warns instead of refusing
    basis = next(dv for dv in wb["services"].data_validations.dataValidation
                 if dv.formula1 and "population" in dv.formula1)
    assert basis.errorStyle == "information"


def test_template_number_formats(template: bytes) -> None:
    wb = openpyxl.load_workbook(io.BytesIO(template))
    ledger = wb["ledger"]
    assert ledger["D2"].number_format == "#,##0.00" and ledger["D2"].value == 1250.0
    assert ledger["A2"].is_date
    assert ledger["B2"].value == "2025-26" and ledger["B2"].number_format == "@"
    assert wb["years"]["E2"].value == 0.5 and "%" in wb["years"]["E2"].number_format


def test_template_example_rows_are_a_valid_book(template: bytes) -> None:
    book, problems = load_xlsx_bytes(template)
    assert book is not None, [str(p) for p in problems]
    assert [str(p) for p in problems] == []  # the README sheet is skipped silently
    result = run_year(book)
    assert result.ok
    assert result.contributions.total == 3_000_000
    from finance.report import build_report

    assert build_report(result)[:2] == b"PK"


def test_template_without_examples_is_an_empty_book() -> None:
    data = build_template(examples=False)
    wb = openpyxl.load_workbook(io.BytesIO(data))
    assert all(wb[t].max_row == 1 for t in SCHEMA)
    book, problems = load_xlsx_bytes(data)
    assert book is None
    assert any("setting 'name' is missing" in str(p) for p in problems)


def test_template_bytes_are_reproducible() -> None:
    assert build_template() == build_template()


def test_mkip_round_trips_through_the_template_layout() -> None:
    data = book_to_xlsx(mkip_tables())
    book, problems = load_xlsx_bytes(data)
    assert book is not None, [str(p) for p in problems]
    assert [str(p) for p in problems] == []  # the README sheet is skipped silently
    got = result_json(run_year(book))
    want = result_json(run_year(require_book(MKIP)))
    assert got.pop("input_sha256") != want.pop("input_sha256")
    assert got == want


def test_book_to_xlsx_types_cells_by_column() -> None:
    wb = openpyxl.load_workbook(io.BytesIO(book_to_xlsx(mkip_tables())))
    assert wb["parties"]["D2"].is_date  # joined
    assert wb["parties"]["C2"].value == "yes"
    assert wb["years"]["B2"].value == 30
    assert wb["service_parties"]["D8"].value == 0.35  # LEGAL MBC fixed share
    assert wb["performance"]["E2"].value == 99.5
    assert wb["ledger"]["D5"].value == 21750.5
    assert wb["settings"]["B4"].value == "TWBC,MBC,SBC"


def test_formula_like_text_is_written_as_text() -> None:
    tables = mkip_tables()
    tables["parties"][3]["name"] = '=HYPERLINK("http://x")'
    tables["ledger"][0]["description"] = "+1"
    tables["ledger"][1]["description"] = "@SUM(A1)"
    tables["ledger"][2]["description"] = "-2+3"
    data = book_to_xlsx(tables)
    wb = openpyxl.load_workbook(io.BytesIO(data))
    assert wb["parties"]["B5"].value == '=HYPERLINK("http://x")'
    assert wb["parties"]["B5"].data_type == "s"
    assert [wb["ledger"][f"E{r}"].value for r in (2, 3, 4)] == ["+1", "@SUM(A1)", "-2+3"]
    assert all(wb["ledger"][f"E{r}"].data_type == "s" for r in (2, 3, 4))
    book, _ = load_xlsx_bytes(data)
    assert book is not None
    assert book.party("KCC").name == '=HYPERLINK("http://x")'
    assert [e.description for e in book.ledger[:3]] == ["+1", "@SUM(A1)", "-2+3"]


def test_unreadable_values_are_kept_for_the_validator() -> None:
    tables = mkip_tables()
    tables["populations"][1]["population"] = "abc"
    book, problems = load_xlsx_bytes(book_to_xlsx(tables))
    assert book is None
    assert any(p.table == "populations" and p.row == 3 and p.column == "population"
               for p in problems)
