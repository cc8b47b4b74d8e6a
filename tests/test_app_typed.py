"""What is typed on the Data tab is never bent: a cell its column cannot read keeps the
text typed and is reported as the book reports it, in its row's Check mark and in the
lists of problems; the figures are never worked out from it as if it were blank.

Through AppTest, typing into the editors as the grid sends a cell (text), and through the
editing functions themselves.
"""

from __future__ import annotations

import io
from datetime import date
from typing import Any

import openpyxl
import pyarrow as pa

from finance import appdata as ad
from finance.appdata.marks import CHECK
from tests.conftest import open_tab
from tests.test_app import assert_clean, edit, editors, errors_text, metric, plain, start

#: The bundled book's total contributions for 2025-26, with every party a member all
#: year (Maidstone joined in 2008); with Maidstone joining on 1 October 2025 it pays for
#: six months: 30p x 142,800 x 6/12 = £21,420.00 less.
WHOLE_YEAR = "£112,770.00"
FROM_OCTOBER = "£91,350.00"


def check_marks(at: Any, table: str) -> dict[int, str]:
    """The Check column's shown text in ``table``'s editor, by row (marked rows only)."""
    d = next(e for e in at.data_editor if f".{table}." in e.key)
    values = d.proto.arrow_data.styler.display_values
    shown = pa.ipc.open_stream(values).read_all().to_pandas() if values else None
    return {} if shown is None else {int(r): str(v) for r, v in shown[CHECK].items() if v}


def problems_above(at: Any, table: str) -> str:
    """The problem boxes on the Data tab (above the editors)."""
    return "\n".join(plain(e.value) for e in open_tab(at, "Data").error)


def away(at: Any) -> None:
    """Leave the Data tab for two runs (its editors are then no longer drawn: drawn
    again, they start from the tables as edited)."""
    open_tab(at, "Contributions")
    open_tab(at, "Year end")


def joined(at: Any, value: str) -> None:
    """Type ``value`` into Maidstone's Joined cell (Parties, row 2), and run."""
    edit(at, "parties", 0, "joined", value)
    at.run()
    assert_clean(at)


def test_a_date_that_is_not_real_is_kept_reported_and_never_read_as_a_blank() -> None:
    at = start()
    joined(at, "01/10/2025")  # a real date, day first: Maidstone pays for six months
    assert metric(at, "Total contributions") == FROM_OCTOBER
    joined(at, "31/02/2025")
    # the text typed is kept, in the table as edited and in the editor
    assert at.session_state["workspace"].frames["parties"].at[2, "joined"] == "31/02/2025"
    problem = "parties row 2, column joined: '31/02/2025' is not a real date"
    assert problem in errors_text(at)  # the header's list of problems
    assert problem in problems_above(at, "parties")  # and above the table
    # its row's Check mark: as much as the column, narrow when the editor was drawn with
    # nothing to mark, shows whole; drawn afresh, the column is as wide as the marks
    assert check_marks(at, "parties")[2] == "✖"
    away(at)
    open_tab(at, "Data")
    assert check_marks(at, "parties")[2] == "✖ Joined: not a real date"
    # the figures are not worked out from it: the last good ones stay, greyed and said so
    assert at.session_state["last_good"]["book"].party("MBC").joined == date(2025, 10, 1)
    assert metric(at, "Total contributions") == FROM_OCTOBER
    assert any("Not the current inputs" in w.value for w in at.warning)
    # ... where a blank (a member from the start) would have changed them
    joined(at, "")
    assert metric(at, "Total contributions") == WHOLE_YEAR


def test_letters_in_a_population_are_kept_and_are_not_a_whole_number() -> None:
    at = start()
    edit(at, "populations", 0, "population", "abc")
    at.run()
    assert_clean(at)
    assert at.session_state["workspace"].frames["populations"].at[2, "population"] == "abc"
    problem = "populations row 2, column population: 'abc' is not a whole number"
    assert problem in errors_text(at)
    assert problem in problems_above(at, "populations")
    assert "is blank" not in errors_text(at)
    assert check_marks(at, "populations")[2] == "✖ Population"  # the column's room
    away(at)
    open_tab(at, "Data")
    assert check_marks(at, "populations")[2] == "✖ Population: not a whole number"
    assert metric(at, "Total contributions") == WHOLE_YEAR  # the last good figures
    assert any("Not the current inputs" in w.value for w in at.warning)
    away(at)  # the editor drawn afresh later shows what was typed
    assert editors(at)["populations"].value["population"].tolist()[0] == "abc"


def test_a_day_first_date_goes_round_and_back() -> None:
    at = start()
    joined(at, "01/10/2025")
    assert at.session_state["last_good"]["book"].party("MBC").joined == date(2025, 10, 1)
    assert "Parties row 2, Joined: 01/09/2008 → 01/10/2025" in at.session_state[
        "last_good"]["changes"][0]
    away(at)  # drawn again: as typed, day first
    assert editors(at)["parties"].value["joined"].tolist()[:3] == [
        "01/10/2025", "01/09/2008", "01/09/2008"]
    joined(at, "2025-10-01")  # the same date typed the ISO way: the same figures
    assert metric(at, "Total contributions") == FROM_OCTOBER
    away(at)
    assert editors(at)["parties"].value["joined"].tolist()[0] == "01/10/2025"
    joined(at, "01/09/2008")  # the book's date typed back: no change at all
    assert at.session_state["last_good"]["changes"] == []
    assert at.session_state["workspace"].frames["parties"].at[2, "joined"] == "2008-09-01"


def test_the_edited_book_keeps_the_text_typed_and_reads_back_to_the_same_problem() -> None:
    """The Data tab's "Edited book" download keeps a cell the book cannot read as typed
    (it is a working copy, to put right later): read back, it is the same problem in the
    same row, and nothing else changed."""
    at = start()
    joined(at, "31/02/2025")
    data = at.session_state["offered_edited_book"]()
    sheet = openpyxl.load_workbook(io.BytesIO(data))["parties"]
    assert [c.value for c in sheet[2]][:4] == ["MBC", "Maidstone Borough Council", "yes",
                                              "31/02/2025"]
    parsed = ad.parse_source(ad.workbook_source(data, "edited.xlsx"))
    assert parsed.book is None
    assert [str(p) for p in parsed.problems if p.is_error] == [
        "parties row 2, column joined: '31/02/2025' is not a real date"]


def test_an_amount_with_thousands_separators_and_pounds_is_read_as_typed() -> None:
    """A figure typed the way the grid shows figures (£, thousands separators) is read
    and kept as typed; the book's own cells keep their text."""
    at = start()
    edit(at, "ledger", 0, "amount", "£16,000.00")  # £15,000.00 of external funding
    at.run()
    assert_clean(at)
    frames = at.session_state["workspace"].frames["ledger"]
    assert frames.iloc[0]["amount"] == "£16,000.00"
    assert frames.iloc[1]["amount"] == ad.frames_from_tables(
        ad.bundled_source().tables)["ledger"].iloc[1]["amount"]
    assert at.session_state["last_good"]["changes"][0].endswith(
        "Amount: £15,000.00 → £16,000.00")
    assert metric(at, "Uncommitted at 31 March") == "£42,419.50"
