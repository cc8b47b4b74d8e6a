"""The Data tab's Check column: each editor row's change or problem, shown in the editor.

Pure tests of :mod:`finance.appdata.marks` (one per case: a changed cell, several, a row
added, a problem over a change, a warning, a problem elsewhere, a long table), then the
app through AppTest: the marks follow the edits while the editor keeps its identity (so
its edits are not reset).
"""

from __future__ import annotations

import re
from typing import Any

import pandas as pd
import pyarrow as pa

from finance.appdata.marks import (
    CHECK,
    COLOURS,
    MAX_MARKED_ROWS,
    MAX_TEXTS,
    Mark,
    marked,
    row_marks,
    with_check,
)
from finance.core.problems import Problem
from tests.test_app import edit, open_group, start

BASE = pd.DataFrame({"party": ["MBC", "SBC", "TWBC"], "year": ["2025-26"] * 3,
                     "population": ["142,800", "150,000", "118,000"]},
                    index=pd.Index([2, 3, 4]))


def now(**cells: tuple[int, str]) -> pd.DataFrame:
    out = BASE.copy()
    for col, (row, value) in cells.items():
        out.loc[row, col] = value
    return out


def test_one_changed_cell_names_its_column() -> None:
    marks = row_marks("populations", [2, 3, 4], BASE, now(population=(3, "151000")), [])
    assert marks == {3: Mark("changed", "✎ Population")}


def test_a_cell_emptied_or_a_blank_filled_is_a_change() -> None:
    assert row_marks("populations", [2], BASE, now(population=(2, "")), [])[2] == Mark(
        "changed", "✎ Population")
    base = now(population=(2, ""))
    assert row_marks("populations", [2], base, BASE, [])[2].text == "✎ Population"


def test_several_changed_cells_are_counted() -> None:
    edited = now(population=(2, "1"), year=(2, "2024-25"))
    assert row_marks("populations", [2], BASE, edited, [])[2].text == "✎ 2 cells"


def test_a_row_not_in_the_source_is_marked_new() -> None:
    edited = pd.concat([BASE, pd.DataFrame({"party": ["X"], "year": ["2025-26"],
                                            "population": ["1"]}, index=pd.Index([5]))])
    assert row_marks("populations", [5], BASE, edited, [])[5] == Mark("changed",
                                                                      "✎ new row")


def test_an_unchanged_row_has_no_mark() -> None:
    assert row_marks("populations", [2, 3, 4], BASE, BASE.copy(), []) == {}


def test_a_problem_outranks_a_change_and_names_the_first_problems_column() -> None:
    ps = [Problem("populations", 2, "population", "'-5' must not be negative"),
          Problem("populations", 2, "party", "'ZZ' is not a party")]
    marks = row_marks("populations", [2], BASE, now(population=(2, "-5")), ps)
    assert marks[2] == Mark("error", "✖ Population: must not be negative")


def test_a_warning_is_its_own_kind_and_an_error_of_the_whole_row_outranks_it() -> None:
    warn = Problem("populations", 4, "population", "moved by more than a fifth",
                   severity="warning")
    assert row_marks("populations", [4], BASE, BASE, [warn])[4] == Mark(
        "warning", "⚠ Population")
    err = Problem("populations", 4, None, "repeated row")
    assert row_marks("populations", [4], BASE, BASE, [warn, err])[4] == Mark(
        "error", "✖ row")


def test_a_change_shows_over_a_warning_with_the_warning_sign_after_it() -> None:
    warn = Problem("populations", 4, "year", "older than 2025-26", severity="warning")
    marks = row_marks("populations", [4], BASE, now(population=(4, "1")), [warn])
    assert marks[4] == Mark("changed", "✎ Population ⚠")


def test_problems_of_another_table_or_of_no_row_are_not_marked_here() -> None:
    ps = [Problem("years", 2, "rate_pence", "bad"), Problem("populations", None, None,
                                                            "no rows")]
    assert row_marks("populations", [2, 3, 4], BASE, BASE, ps) == {}


def test_the_check_column_comes_first_blank_and_the_frame_is_not_changed() -> None:
    shown = with_check(BASE)
    assert list(shown.columns) == [CHECK, *BASE.columns]
    assert shown[CHECK].tolist() == ["", "", ""]
    assert CHECK not in BASE.columns


def styled_cells(styler: Any) -> dict[int, tuple[str, str]]:
    """Each row's Check text and style, as Streamlit sends them to the editor."""
    from streamlit.elements.lib.pandas_styler_utils import marshall_styler
    from streamlit.proto.ArrowData_pb2 import ArrowData

    proto = ArrowData()
    styler.set_uuid("t")  # as the editor sets it
    marshall_styler(proto, styler, "t")
    texts = pa.ipc.open_stream(proto.styler.display_values).read_all().to_pandas()
    css = dict(re.findall(r"#T_t_row(\d+)_col(?:\d+) \{ (.*?) \}", proto.styler.styles))
    cols = set(re.findall(r"_col(\d+) ", proto.styler.styles))
    assert cols <= {"0"}, cols  # the Check column only
    return {int(r): (str(texts.iloc[pos][CHECK]), css.get(str(pos), ""))
            for pos, r in enumerate(styler.data.index)}


def test_marked_shows_each_rows_text_and_colour_in_the_check_column_only() -> None:
    shown = with_check(BASE)
    marks = {2: Mark("changed", "✎ Population"), 4: Mark("error", "✖ Population")}
    styler = marked(shown, marks)
    assert styler is not shown and styler.data is shown  # the data itself unchanged
    cells = styled_cells(styler)
    assert cells[2] == ("✎ Population", COLOURS["changed"])
    assert cells[3] == ("", "")
    assert cells[4] == ("✖ Population", COLOURS["error"])


def test_no_mark_gives_the_frame_itself() -> None:
    shown = with_check(BASE)
    assert marked(shown, {}) is shown


def test_a_long_table_is_not_styled() -> None:
    n = MAX_MARKED_ROWS + 1
    long = with_check(pd.DataFrame({"population": ["1"] * n},
                                   index=pd.Index(range(2, n + 2))))
    assert marked(long, {2: Mark("changed", "✎ Population")}) is long


def test_many_different_texts_fall_back_to_the_symbol_after_the_first_hundred() -> None:
    n = MAX_TEXTS + 5
    shown = with_check(pd.DataFrame({"population": ["1"] * n},
                                    index=pd.Index(range(2, n + 2))))
    marks = {r: Mark("error", f"✖ column {r}") for r in shown.index}
    cells = styled_cells(marked(shown, marks))
    assert cells[2][0] == "✖ column 2"
    assert cells[n + 1][0] == "✖"
    assert cells[n + 1][1] == COLOURS["error"]


# --------------------------------------------------------------------------- in the app


def check_column(at: Any, table: str) -> tuple[str, dict[int, str]]:
    """The editor of ``table``: its element id and its Check column's shown text by row
    (only rows with a mark)."""
    d = next(e for e in at.data_editor if f".{table}." in e.key)
    values = d.proto.arrow_data.styler.display_values
    if not values:
        return d.proto.id, {}
    shown = pa.ipc.open_stream(values).read_all().to_pandas()
    return d.proto.id, {int(r): str(v) for r, v in shown[CHECK].items() if v}


def test_the_app_marks_a_changed_row_and_a_bad_row_in_the_editor() -> None:
    at = start()
    open_group(at, "Partnership")
    before, marks = check_column(at, "populations")
    stale = "⚠ Year"  # the bundled book's populations are 2008-09's: a warning, shown
    assert marks == {2: stale, 3: stale, 4: stale}
    key = at.session_state["workspace"].key("populations")
    at.session_state[key] = {"edited_rows": {0: {"population": "150000"},
                                             1: {"population": "-5"},
                                             2: {"population": "abc"}},
                             "added_rows": [], "deleted_rows": []}
    at.run()
    after, marks = check_column(at, "populations")
    # an error stops the year being worked out, so its warnings are not known: the
    # book's own checks' marks only, as much of each as the Check column (as wide as
    # when the editor was drawn) shows whole; the reasons are in the list above
    assert marks == {2: "✎ Population", 3: "✖ Population", 4: "✖ Population"}
    # the same editor (its identity kept): Streamlit keeps its edits as the marks change
    assert after == before
    assert at.session_state["workspace"].key("populations") == key
    # drawn afresh (the group left for two runs, then opened again), the Check column
    # is as wide as its marks
    open_group(at, "Performance")
    open_group(at, "Investments")
    open_group(at, "Partnership")
    assert check_column(at, "populations")[1] == {
        2: "✎ Population", 3: "✖ Population",  # longer than the column at its widest
        4: "✖ Population: not a whole number"}


def test_an_edit_put_back_clears_its_mark() -> None:
    at = start()
    edit(at, "populations", 0, "population", 150000)
    at.run()
    stale = "⚠ Year"
    assert check_column(at, "populations")[1] == {2: "✎ Population ⚠", 3: stale, 4: stale}
    edit(at, "populations", 0, "population", 142800)
    at.run()
    assert check_column(at, "populations")[1] == {2: stale, 3: stale, 4: stale}


def test_a_problem_found_when_the_year_is_worked_out_is_marked_on_its_row() -> None:
    """Swale given notice and gone before the year: the figures cannot be worked out,
    and the service lines that still count it are marked in red where they are."""
    at = start()
    edit(at, "parties", 1, "notice_given", "2023-06-30")
    key = at.session_state["workspace"].key("parties")
    at.session_state[key] = {"edited_rows": {1: {"notice_given": "2023-06-30",
                                                 "left": "2024-06-30"}},
                             "added_rows": [], "deleted_rows": []}
    at.run()
    open_group(at, "Shared services")
    marks = check_column(at, "service_parties")[1]
    errors = {r: m for r, m in marks.items() if "✖" in m}
    assert errors, marks
    frames = at.session_state["workspace"].frames["service_parties"]
    assert {frames.at[r, "party"] for r in errors} == {"SBC"}


def test_a_long_table_gets_no_marks_worked_out() -> None:
    n = MAX_MARKED_ROWS + 1
    base = pd.DataFrame({"population": ["1"] * n}, index=pd.Index(range(2, n + 2)))
    edited = base.copy()
    edited.iloc[0, 0] = "2"
    assert row_marks("populations", base.index, base, edited, []) == {}


def test_an_edit_state_applied_before_drawing_is_not_worked_out_again() -> None:
    """The editor's state is applied before the editor is drawn (to mark its rows); the
    editor's own result for the same state is then not turned back into text a second
    time (a 100,000-row ledger took seconds each time)."""
    from finance.appdata import typed
    from finance.appdata.workspace import Workspace

    ws = Workspace.for_source(None, "bundled:ab", 0, {"populations": BASE})
    ws.open("populations")
    state = {"edited_rows": {0: {"population": 150000}}, "added_rows": [],
             "deleted_rows": []}
    ws.pending("populations", state)
    assert ws.frames["populations"].at[2, "population"] == "150000"
    calls = []
    real = typed.text_frame

    def counting(*args: Any) -> Any:
        calls.append(1)
        return real(*args)

    import finance.appdata.workspace as workspace_module
    workspace_module.text_frame = counting  # type: ignore[assignment]
    try:
        shown = ws.mounted_shown["populations"]  # whatever the editor returned
        ws.edited("populations", shown, dict(state))
        assert calls == []
        assert ws.frames["populations"].at[2, "population"] == "150000"
        other = {**state, "edited_rows": {0: {"population": 150001}}}
        ws.edited("populations", shown, other)  # another state: worked out
        assert calls == [1]
    finally:
        workspace_module.text_frame = real  # type: ignore[assignment]
