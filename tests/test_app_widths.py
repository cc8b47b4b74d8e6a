"""The Data tab's column widths, from what each column holds (pure functions of
:mod:`finance.appdata.widths`; the app keeps them while an editor is drawn)."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from finance.appdata.editing import column_label, columns, frames_from_tables
from finance.appdata.marks import CHECK, Mark
from finance.appdata.sources import bundled_source
from finance.appdata.typed import shown_frame
from finance.appdata.widths import (
    CHECK_MAX,
    PAD,
    ROOM,
    TEXT_COMFORT,
    TEXT_FLOOR,
    WIDER,
    Content,
    editor_widths,
    fit_mark,
    fit_widths,
    fitted_marks,
    text_px,
)
from finance.core.schema import column as schema_column

BOOK = frames_from_tables(bundled_source().tables)
#: What the editors have at 1280 px beside the sidebar, their row selection aside.
AT_1280 = ROOM + 50


def shown(table: str) -> pd.DataFrame:
    return shown_frame(table, BOOK[table])


def value_px(text: str) -> int:
    return math.ceil(text_px(text) + PAD)


def test_text_is_measured_in_the_grids_font() -> None:
    # as Chromium measures Source Sans at 14 px: 193.8 px
    assert abs(text_px("Tunbridge Wells Borough Council") - 193.8) < 2
    assert text_px("iiii") < text_px("1234") < text_px("MMMM")


def test_party_names_are_whole_and_the_empty_check_column_narrow() -> None:
    w = editor_widths("parties", shown("parties"), [])
    assert w["name"] >= value_px("Tunbridge Wells Borough Council")
    assert w[CHECK] <= 60  # "Check": nothing marked
    assert w["joined"] >= value_px("01/09/2008")
    assert sum(w.values()) <= AT_1280  # no sideways scroll at 1280 px
    # the empty columns' headings give way first (read whole on their help)
    assert w["s151_officer"] < Content(column_label("parties", "s151_officer")).want_px


def test_the_populations_source_is_whole_at_1280() -> None:
    w = editor_widths("populations", shown("populations"), ["⚠ Year"] * 3)
    source = "MKIP governance arrangements §13.2 (current population estimates)"
    assert w["source"] >= value_px(source)
    assert w[CHECK] >= value_px("⚠ Year")
    assert sum(w.values()) <= AT_1280


def test_the_check_column_is_as_wide_as_its_marks_when_drawn() -> None:
    empty = editor_widths("parties", shown("parties"), [])[CHECK]
    marked = editor_widths("parties", shown("parties"), ["✖ Joined: not a real date"])
    assert empty < marked[CHECK]
    assert marked[CHECK] >= value_px("✖ Joined: not a real date")
    # in a crowded table the headings give way, then the names a little
    assert sum(marked.values()) <= AT_1280
    assert marked["name"] >= 0.85 * value_px("Tunbridge Wells Borough Council")
    very_long = editor_widths("parties", shown("parties"), ["✖ " + "x" * 200])
    assert very_long[CHECK] == CHECK_MAX


def test_room_left_at_1280_goes_to_the_check_column_for_the_marks_an_edit_brings() -> None:
    w = editor_widths("drivers", shown("drivers"), [])
    assert w[CHECK] == value_px("✎ Driver ⚠")  # the longest label: Driver
    w = editor_widths("populations", shown("populations"), [])
    assert w[CHECK] == value_px("✎ Population ⚠")


def test_a_mark_that_comes_later_shows_what_fits_of_it_whole() -> None:
    mark = Mark("error", "✖ Population: not a whole number")
    assert fitted_marks({2: mark}, value_px(mark.text)) == {2: mark}
    assert fitted_marks({2: mark}, 120) == {2: Mark("error", "✖ Population")}
    assert fitted_marks({2: mark}, 55) == {2: Mark("error", "✖")}
    assert fit_mark("✎ Population ⚠", value_px("✎ Population")) == "✎ Population"


@pytest.mark.parametrize("table", list(BOOK))
def test_every_bundled_table_shows_its_values_whole_when_it_can(table: str) -> None:
    """Figures, dates, codes and years are never cut; free text only when the table
    cannot fit at 1280 px otherwise, and never below the floor; only the services table
    (nine columns) scrolls sideways at 1280 px, and it fits at 1440 px."""
    frame = shown(table)
    w = editor_widths(table, frame, [])
    total = sum(w.values())
    assert (total > AT_1280) == (table == "services"), (table, total)
    assert total <= AT_1280 + WIDER  # and at 1440 px every table fits
    for c in columns(table):
        texts = [str(v) for v in frame[c] if not pd.isna(v)]
        need = max([value_px(t) for t in texts], default=0)
        if schema_column(table, c).kind == "text":
            assert w[c] >= min(need, TEXT_FLOOR), (table, c)
            if need > w[c]:
                assert need > TEXT_COMFORT or total >= AT_1280 - 1, (table, c, w[c])
        else:
            assert w[c] >= need, (table, c, w[c], need)


def test_fitting_cuts_headings_before_names_and_long_text_before_headings() -> None:
    names = Content("Party", "Tunbridge Wells Borough Council", cut=True)
    heading = Content("Section 151 officer")
    description = Content("Description", "x" * 80, cut=True)
    # headings give way to names
    room = names.want_px + heading.want_px - 40
    assert fit_widths([names, heading], room) == [names.want_px, heading.want_px - 40]
    # a long description gives way, to its comfortable width, before any heading
    room = description.want_px + heading.want_px - 100
    got = fit_widths([description, heading], room)
    assert got == [description.want_px - 100, heading.want_px]
    # and never below its floor: past that the table scrolls
    assert fit_widths([description, heading], 100) == [TEXT_FLOOR, heading.need_px]


def test_what_fits_is_given_what_it_wants() -> None:
    cols = [Content("Year", "2025-26"), Content("Amount", "£15,000.00")]
    assert fit_widths(cols, 1000) == [c.want_px for c in cols]
    assert all(w >= 50 for w in fit_widths([Content("A", icon=False)], 1000))
