"""The Data tab's typed columns: each kind shown typed, and back to the text the
validator reads, with the book's own text kept wherever the user changed nothing."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from finance.appdata import editing
from finance.appdata.sources import bundled_source
from finance.appdata.typed import text_frame, typed_frame


def frame(table: str, rows: dict[int, dict[str, str | None]]) -> pd.DataFrame:
    cols = editing.columns(table)
    idx = pd.Index(list(rows), dtype="int64", name="row")
    return pd.DataFrame({c: pd.Series([r.get(c) for r in rows.values()], dtype="string",
                                      index=idx) for c in cols}, index=idx)


def cells(row: pd.Series) -> list[str | None]:
    return [None if pd.isna(v) else v for v in row.tolist()]


def back(table: str, base: pd.DataFrame, edit: dict[tuple[int, str], object] | None = None
         ) -> pd.DataFrame:
    typed = typed_frame(table, base)
    edited = typed.copy()
    for (row, col), v in (edit or {}).items():
        edited.loc[row, col] = v
    return text_frame(table, edited, base, typed)


def test_money_is_typed_in_pounds() -> None:
    base = frame("ledger", {2: {"date": "2025-04-01", "year": "2025-26", "kind": "spend",
                                "amount": "£1,234.56"}})
    typed = typed_frame("ledger", base)
    assert typed.at[2, "amount"] == 1234.56
    assert typed.attrs["kinds"]["amount"] == "money"
    assert typed.at[2, "date"] == date(2025, 4, 1)


def test_untouched_cells_keep_the_books_own_text() -> None:
    base = frame("years", {2: {"year": "2025-26", "rate_pence": "30.12345",
                               "opening_balance": "(£1,000.00)", "refund_share": "0.35"}})
    out = back("years", base)
    assert cells(out.loc[2]) == ["2025-26", "30.12345", "(£1,000.00)", None, "0.35",
                                None]


def test_an_edited_cell_is_written_in_its_plain_form() -> None:
    base = frame("years", {2: {"year": "2025-26", "rate_pence": "30", "refund_share": "0.35"}})
    assert typed_frame("years", base).at[2, "refund_share"] == 35.0  # shown as 35%
    out = back("years", base, {(2, "refund_share"): 40.0, (2, "rate_pence"): 30.12345,
                               (2, "opening_balance"): -1000.5})
    assert cells(out.loc[2]) == ["2025-26", "30.12345", "-1000.5", None, "40%", None]


def test_a_column_with_a_bad_cell_stays_text_so_the_value_shows() -> None:
    base = frame("populations", {2: {"party": "MBC", "year": "2025-26",
                                     "population": "142,800"},
                                 3: {"party": "SBC", "year": "2025-26", "population": "abc"}})
    typed = typed_frame("populations", base)
    assert typed["population"].tolist() == ["142,800", "abc"]
    assert "population" not in typed.attrs["kinds"]


def test_yes_no_and_blank() -> None:
    base = frame("parties", {2: {"code": "MBC", "name": "Maidstone", "voting": "Yes"},
                             3: {"code": "KCC", "name": "Kent", "voting": "no"}})
    typed = typed_frame("parties", base)
    assert typed["voting"].tolist() == [True, False]
    out = back("parties", base, {(3, "voting"): True, (2, "left"): date(2025, 9, 30)})
    assert out["voting"].tolist() == ["Yes", "yes"]
    assert cells(out["left"]) == ["2025-09-30", None]


def test_an_emptied_cell_is_blank() -> None:
    base = frame("years", {2: {"year": "2025-26", "rate_pence": "30", "refund_share": "50%"}})
    assert pd.isna(back("years", base, {(2, "refund_share"): float("nan")})
                   .at[2, "refund_share"])


def test_a_new_row_is_written_out() -> None:
    base = frame("populations", {2: {"party": "MBC", "year": "2025-26",
                                     "population": "142800"}})
    typed = typed_frame("populations", base)
    new = pd.concat([typed, pd.DataFrame({"party": ["SBC"], "year": ["2025-26"],
                                          "population": [150_000]}, index=[None])])
    out = text_frame("populations", new, base, typed)
    assert out["population"].tolist() == ["142800", "150000"]


def test_the_bundled_book_goes_back_unchanged() -> None:
    base = editing.frames_from_tables(bundled_source().tables)
    typed_any = False
    for table, f in base.items():
        typed = typed_frame(table, f)
        typed_any = typed_any or bool(typed.attrs["kinds"])
        assert editing.frames_equal({table: text_frame(table, typed, f, typed)},
                                    {table: f}), table
    assert typed_any


@pytest.mark.parametrize("v", [0.1 + 0.2, 1e-7, 123456789012.34])
def test_a_typed_number_is_written_with_the_digits_a_spreadsheet_shows(v: float) -> None:
    base = frame("drivers", {2: {"year": "2025-26", "driver": "fte", "party": "MBC",
                                 "value": "1"}})
    got = back("drivers", base, {(2, "value"): v}).at[2, "value"]
    assert got == format(v, ".15g")


def test_a_date_typed_in_the_app_and_the_blank_dates_beside_it() -> None:
    """A leaving date typed into the parties editor (the grid sends it as ISO text with a
    time) is the date alone; the blank dates around it stay blank."""
    from tests.test_app import edit, start

    at = start()
    edit(at, "parties", 3, "left", "2025-09-30T00:00:00.000")
    at.run()
    parties = at.session_state["workspace"].frames["parties"]
    assert parties.at[5, "left"] == "2025-09-30"
    assert parties["notice_given"].isna().all()
    assert parties.loc[[2, 3, 4], "left"].isna().all()


def test_a_date_far_outside_the_years_is_a_problem_not_a_crash() -> None:
    """A year such as 2925 (beyond what pandas' datetimes hold) in a date column, in the
    book or typed into an editor, is reported against its row; the page still draws."""
    from tests.test_app import assert_clean, edit, errors_text, start

    at = start()
    edit(at, "ledger", 1, "date", "2925-05-14T00:00:00.000")
    at.run()
    assert_clean(at)
    assert "ledger row 3, column date: 2925-05-14 is not in financial year" in errors_text(at)
    at.session_state["topic"] = "Contributions"
    at.run()
    at.run()  # the Data tab closed, its editors no longer drawn: the edit kept ...
    assert_clean(at)
    assert at.session_state["workspace"].frames["ledger"].at[3, "date"] == "2925-05-14"
    at.session_state["topic"] = "Data"
    at.run()  # ... and the editor drawn afresh from it (once a crash)
    assert_clean(at)
    typed = at.session_state["workspace"].mounted_typed["ledger"]
    assert str(typed.at[3, "date"]) == "2925-05-14"
