"""The Data tab's editor columns: each kind shown as the grid shows it (as text, so what
is typed is kept as typed), and back to the text the validator reads, with the book's own
text kept wherever the user changed nothing."""

from __future__ import annotations

import pandas as pd
import pytest

from finance.appdata import editing
from finance.appdata.sources import bundled_source
from finance.appdata.typed import shown_frame, text_frame


def frame(table: str, rows: dict[int, dict[str, str | None]]) -> pd.DataFrame:
    cols = editing.columns(table)
    idx = pd.Index(list(rows), dtype="int64", name="row")
    return pd.DataFrame({c: pd.Series([r.get(c) for r in rows.values()], dtype="string",
                                      index=idx) for c in cols}, index=idx)


def cells(row: pd.Series) -> list[str | None]:
    return [None if pd.isna(v) else v for v in row.tolist()]


def back(table: str, base: pd.DataFrame, edit: dict[tuple[int, str], object] | None = None
         ) -> pd.DataFrame:
    shown = shown_frame(table, base)
    edited = shown.copy().astype(object)
    for (row, col), v in (edit or {}).items():
        edited.loc[row, col] = v
    return text_frame(table, edited, (base, shown), base)


def test_money_and_dates_are_shown_as_the_grid_shows_them() -> None:
    base = frame("ledger", {2: {"date": "2025-04-01", "year": "2025-26", "kind": "spend",
                                "amount": "1234.56"},
                            3: {"date": "01/05/2025", "amount": "-15000"}})
    shown = shown_frame("ledger", base)
    assert shown["amount"].tolist() == ["£1,234.56", "(£15,000.00)"]
    assert shown["date"].tolist() == ["01/04/2025", "01/05/2025"]  # day first
    assert shown.attrs["kinds"] == {"date": "date", "amount": "money"}


def test_percentages_numbers_and_whole_numbers_keep_every_digit_typed() -> None:
    base = frame("years", {2: {"year": "2025-26", "rate_pence": "30.12345",
                               "opening_balance": "1234567.5", "refund_share": "0.035"}})
    shown = shown_frame("years", base)
    assert cells(shown.loc[2]) == ["2025-26", "30.12345", "£1,234,567.50", None, "3.5%",
                                   None]
    drivers = frame("drivers", {2: {"value": "1234567.125"}})
    assert shown_frame("drivers", drivers).at[2, "value"] == "1,234,567.125"


def test_untouched_cells_keep_the_books_own_text() -> None:
    base = frame("years", {2: {"year": "2025-26", "rate_pence": "30.12345",
                               "opening_balance": "(£1,000.00)", "refund_share": "0.35"}})
    out = back("years", base)
    assert cells(out.loc[2]) == ["2025-26", "30.12345", "(£1,000.00)", None, "0.35",
                                 None]


def test_an_edited_cell_is_kept_as_typed() -> None:
    base = frame("years", {2: {"year": "2025-26", "rate_pence": "30", "refund_share": "0.35"}})
    assert shown_frame("years", base).at[2, "refund_share"] == "35%"
    out = back("years", base, {(2, "refund_share"): "40%", (2, "rate_pence"): "30.12345",
                               (2, "opening_balance"): "-1,000.50"})
    assert cells(out.loc[2]) == ["2025-26", "30.12345", "-1,000.50", None, "40%", None]


def test_a_value_typed_back_to_the_books_is_the_books_text_again() -> None:
    base = frame("populations", {2: {"party": "MBC", "year": "2025-26",
                                     "population": "142800"}})
    assert back("populations", base, {(2, "population"): "142,800"}).at[
        2, "population"] == "142800"
    assert back("populations", base, {(2, "population"): " 142800 "}).at[
        2, "population"] == "142800"


@pytest.mark.parametrize(("table", "column", "typed"), [
    ("parties", "joined", "31/02/2025"), ("populations", "population", "abc"),
    ("ledger", "amount", "12.345"), ("years", "refund_share", "150%"),
    ("parties", "left", "next spring")])
def test_a_cell_its_column_cannot_read_is_kept_as_typed_never_blank(
        table: str, column: str, typed: str) -> None:
    base = editing.frames_from_tables(bundled_source().tables)[table]
    row = int(base.index[0])
    out = back(table, base, {(row, column): typed})
    assert out.at[row, column] == typed
    shown = shown_frame(table, out)  # drawn again: shown as typed, where it is
    assert shown.at[row, column] == typed
    assert column in shown.attrs["kinds"]


def test_a_cell_of_the_book_its_column_cannot_read_is_shown_as_it_is() -> None:
    base = frame("populations", {2: {"party": "MBC", "year": "2025-26",
                                     "population": "142,800"},
                                 3: {"party": "SBC", "year": "2025-26", "population": "abc"}})
    shown = shown_frame("populations", base)
    assert shown["population"].tolist() == ["142,800", "abc"]
    assert back("populations", base)["population"].tolist() == ["142,800", "abc"]


def test_yes_no_and_blank() -> None:
    base = frame("parties", {2: {"code": "MBC", "name": "Maidstone", "voting": "Yes"},
                             3: {"code": "KCC", "name": "Kent", "voting": "no"}})
    shown = shown_frame("parties", base)
    assert shown["voting"].tolist() == [True, False]
    out = back("parties", base, {(3, "voting"): True, (2, "left"): "30/09/2025"})
    assert out["voting"].tolist() == ["Yes", "yes"]
    assert cells(out["left"]) == ["30/09/2025", None]


def test_an_emptied_cell_is_blank() -> None:
    base = frame("years", {2: {"year": "2025-26", "rate_pence": "30", "refund_share": "50%"}})
    for emptied in (None, "", "  "):
        assert pd.isna(back("years", base, {(2, "refund_share"): emptied})
                       .at[2, "refund_share"])


def test_a_new_row_is_written_out_as_typed() -> None:
    base = frame("populations", {2: {"party": "MBC", "year": "2025-26",
                                     "population": "142800"}})
    shown = shown_frame("populations", base)
    new = pd.concat([shown, pd.DataFrame({"party": ["SBC"], "year": ["2025-26"],
                                          "population": ["150,000"]}, index=[None])])
    out = text_frame("populations", new, (base, shown), base)
    assert out["population"].tolist() == ["142800", "150,000"]
    assert out.index.tolist() == [2, 3]


def test_the_bundled_book_goes_back_unchanged() -> None:
    base = editing.frames_from_tables(bundled_source().tables)
    shown_any = False
    for table, f in base.items():
        shown = shown_frame(table, f)
        shown_any = shown_any or bool(shown.attrs["kinds"])
        assert editing.frames_equal({table: text_frame(table, shown, (f, shown), f)},
                                    {table: f}), table
    assert shown_any


def test_a_cell_drawn_again_keeps_the_text_typed_when_left_as_shown() -> None:
    """A table drawn afresh after an edit (its tab opened again) shows the typed value
    in the grid's form; left so, the text typed is kept, not the form shown."""
    base = frame("populations", {2: {"party": "MBC", "year": "2025-26",
                                     "population": "142800"}})
    typed = base.copy()
    typed.loc[2, "population"] = "150000"
    shown = shown_frame("populations", typed)
    assert shown.at[2, "population"] == "150,000"
    out = text_frame("populations", shown, (typed, shown), base)
    assert out.at[2, "population"] == "150000"


@pytest.mark.parametrize("v", [0.1 + 0.2, 1e-7, 123456789012.34])
def test_a_number_pasted_is_written_with_the_digits_a_spreadsheet_shows(v: float) -> None:
    base = frame("drivers", {2: {"year": "2025-26", "driver": "fte", "party": "MBC",
                                 "value": "1"}})
    got = back("drivers", base, {(2, "value"): v}).at[2, "value"]
    assert got == format(v, ".15g")


def test_a_date_typed_in_the_app_and_the_blank_dates_beside_it() -> None:
    """A leaving date typed into the parties editor, day first, is kept as typed; the
    blank dates around it stay blank."""
    from tests.test_app import edit, start

    at = start()
    edit(at, "parties", 3, "left", "30/09/2025")
    at.run()
    parties = at.session_state["workspace"].frames["parties"]
    assert parties.at[5, "left"] == "30/09/2025"
    assert parties["notice_given"].isna().all()
    assert parties.loc[[2, 3, 4], "left"].isna().all()


def test_a_date_far_outside_the_years_is_a_problem_not_a_crash() -> None:
    """A year such as 2925 (beyond what pandas' datetimes hold) in a date column, in the
    book or typed into an editor, is reported against its row; the page still draws."""
    from tests.test_app import assert_clean, edit, errors_text, start

    at = start()
    edit(at, "ledger", 1, "date", "14/05/2925")
    at.run()
    assert_clean(at)
    assert "ledger row 3, column date: 2925-05-14 is not in financial year" in errors_text(at)
    at.session_state["topic"] = "Contributions"
    at.run()
    at.run()  # the Data tab closed, its editors no longer drawn: the edit kept ...
    assert_clean(at)
    assert at.session_state["workspace"].frames["ledger"].at[3, "date"] == "14/05/2925"
    at.session_state["topic"] = "Data"
    at.run()  # ... and the editor drawn afresh from it (once a crash)
    assert_clean(at)
    shown = at.session_state["workspace"].mounted_shown["ledger"]
    assert shown.at[3, "date"] == "14/05/2925"
