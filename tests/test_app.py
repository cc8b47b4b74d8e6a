"""The web app driven headless with Streamlit's AppTest.

Each test starts ``app.py`` as a user would see it, acts through widgets (the data editor's
edit state, the file uploader, the sidebar inputs) and asserts on what the app displays:
metrics, tables, error boxes and the bytes behind the download buttons.
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from finance.core.schema import SCHEMA
from tests.conftest import MKIP, find_in_tabs, open_tab

ROOT = Path(__file__).resolve().parent.parent
APP = ROOT / "app.py"
TOPICS = ["Contributions", "Year end", "Shared services", "Settlement", "Investments",
          "Monitoring", "Budget", "Scenarios", "History", "Data"]


def start() -> Any:
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(APP), default_timeout=60)
    at.run()
    assert_clean(at)
    return at


def assert_clean(at: Any) -> None:
    """No exception element, and no internal-error box."""
    assert not at.exception, [e.value for e in at.exception]
    internal = [e.value for e in at.error if "internal error" in e.value]
    assert not internal, internal


def metric(at: Any, label: str) -> str:
    """The headline figure ``label``, on whichever tab shows it."""
    found = find_in_tabs(at, lambda a: [m.value for m in a.metric if m.label == label])
    assert found, f"no metric {label!r}"
    return str(found[0])


def plain(text: str) -> str:
    """A markdown body as the user reads it (escapes removed)."""
    return text.replace("\\", "")


def errors_text(at: Any) -> str:
    return "\n".join(plain(e.value) for e in at.error) + "\n" + "\n".join(
        plain(e.value) for e in at.info)


def open_group(at: Any, group: str) -> None:
    """Open the Data tab and its group of tables ``group`` (only that group's editors
    are drawn)."""
    open_tab(at, "Data")
    if at.session_state["data_group"] != group:
        at.session_state["data_group"] = group
        at.run()


def edit(at: Any, table: str, row: int, column: str, value: object) -> None:
    """Type ``value`` into one cell of an input table's editor (row = position), on the
    Data tab (its group opened first)."""
    from finance.appdata import TABLE_GROUPS

    open_group(at, next(g for g, ts in TABLE_GROUPS.items() if table in ts))
    at.session_state[at.session_state["workspace"].key(table)] = {
        "edited_rows": {row: {column: value}}, "added_rows": [], "deleted_rows": []}


def editors(at: Any) -> dict[str, Any]:
    """Each input table's editor on the Data tab, by table (each group opened in turn)."""
    from finance.appdata import TABLE_GROUPS

    out = {}
    for group in TABLE_GROUPS:
        open_group(at, group)
        out.update({d.key.split(".")[1]: d for d in at.data_editor})
    return out


def frame(at: Any, first_column: str, first_value: str) -> Any:
    """The displayed table whose first column holds ``first_value``, on whichever tab
    shows it."""
    def look(a: Any) -> list[Any]:
        return [df.value for df in [*a.dataframe, *a.table] if len(df.value.columns)
                and df.value.columns[0] == first_column
                and first_value in set(df.value.iloc[:, 0].astype(str))]

    found = find_in_tabs(at, look)
    assert found, f"no table starting {first_column}={first_value}"
    return found[0]


def workbook(sheets: dict[str, list[list[object]]]) -> bytes:
    import openpyxl

    wb = openpyxl.Workbook()
    assert wb.active is not None
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for r in rows:
            ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


# --------------------------------------------------------------------------- rendering


def test_every_tab_renders_on_the_bundled_book() -> None:
    at = start()
    labels = [t.label for t in at.tabs]
    assert labels[:len(TOPICS)] == TOPICS
    for label, heading in zip(TOPICS[:6], ["Per-head contributions", "Year end",
                                           "Shared-service cost splits", "Settlement",
                                           "Five-year investment cases", "Monitoring"],
                              strict=True):
        tab = open_tab(at, label)
        subheaders = [h.value for h in tab.subheader]
        assert any(s.startswith(heading) for s in subheaders), (tab.label, subheaders)
        assert tab.caption, f"{tab.label} cites no governance clause"
        assert tab.metric, f"{tab.label} shows no headline figures"
    # Headline figures of §13.2 and §13.3 for the bundled MKIP book (2025-26).
    assert metric(at, "Total contributions") == "£112,770.00"
    assert metric(at, "Rate per head") == "30p"
    assert metric(at, "Uncommitted at 31 March") == "£41,419.50"
    assert metric(at, "Refund (50%)") == "£20,709.75"
    # One editor per input table, all editable with rows to add and delete.
    assert len(editors(at)) == len(SCHEMA) == 19
    assert {d.editing_mode for d in editors(at).values()} == {"dynamic"}
    # Money is shown in pounds, no Fraction or Decimal reprs anywhere.
    shown = " ".join(str(m.value) for m in at.metric)
    assert "Fraction(" not in shown and "Decimal(" not in shown
    contributions = frame(at, "Party", "MBC")
    mbc = contributions.loc[contributions["Party"] == "MBC"].iloc[0]
    assert (mbc["Population"], mbc["Contribution"]) == ("142,800", "£42,840.00")
    assert "All" in at.success[0].value and "checks pass" in at.success[0].value
    # The three downloads are offered.
    assert {b.label for b in at.download_button} == {
        "Board report (Excel)", "Result (JSON)", "Blank template (Excel)"}


def test_charts_for_every_topic() -> None:
    at = start()
    charts = [c for label in TOPICS[:6] for c in open_tab(at, label).get("vega_lite_chart")]
    assert len(charts) >= 8


# --------------------------------------------------------------------------- editing


def test_editing_a_population_changes_the_contribution_and_the_refund() -> None:
    at = start()
    edit(at, "populations", 0, "population", "150000")  # Maidstone: 142,800 -> 150,000
    at.run()
    assert_clean(at)
    # 30p x 150,000 = £45,000.00; total 45,000 + 38,550 + 31,380.
    assert metric(at, "Total contributions") == "£114,930.00"
    contributions = frame(at, "Party", "MBC")
    mbc = contributions.loc[contributions["Party"] == "MBC"].iloc[0]
    assert (mbc["Population"], mbc["Contribution"]) == ("150,000", "£45,000.00")
    # Uncommitted rises by the extra £2,160.00; half of it is refunded (§13.2).
    assert metric(at, "Uncommitted at 31 March") == "£43,579.50"
    assert metric(at, "Refund (50%)") == "£21,789.75"
    # The edit survives further reruns.
    at.run()
    assert metric(at, "Total contributions") == "£114,930.00"


def test_edits_survive_leaving_the_data_tab_and_add_up_on_return() -> None:
    """The app draws only the open tab; the edits are kept while the Data tab is closed,
    its editors show them when it opens again, and later edits add to them."""
    at = start()
    edit(at, "populations", 0, "population", "150000")
    at.run()
    assert metric(at, "Total contributions") == "£114,930.00"  # on Contributions
    assert at.session_state["topic"] != "Data"
    open_tab(at, "Year end")  # a second run away: the editors are no longer drawn
    assert "populations" not in at.session_state["workspace"].mounted
    shown = editors(at)["populations"].value  # the Data tab again: the edit is there
    assert shown["population"].tolist()[0] == "150,000"  # as the grid shows figures
    edit(at, "populations", 1, "population", "130000")
    at.run()
    changes = [x for x in open_tab(at, "Data").expander if "change" in x.label]
    assert changes[0].label == "2 changes against MKIP example (bundled)"
    # 30p x (150,000 + 130,000 + 104,600)
    assert metric(at, "Total contributions") == "£115,380.00"


def test_an_edit_pending_when_another_tab_is_clicked_is_kept() -> None:
    """A value typed, then another tab clicked at once: the run that draws the other tab
    still has the editor's edit, and keeps it (it was once lost)."""
    for other in ("topic", "data_group"):
        at = start()
        open_group(at, "Partnership")
        at.session_state[at.session_state["workspace"].key("populations")] = {
            "edited_rows": {0: {"population": 150000}}, "added_rows": [], "deleted_rows": []}
        at.session_state[other] = "Contributions" if other == "topic" else "Ledger and budget"
        at.run()
        assert_clean(at)
        assert metric(at, "Total contributions") == "£114,930.00", other
        assert at.session_state["last_good"]["changes"] == [
            "Edited in the app: Populations row 2, Population: 142,800 → 150,000"]


def test_an_edit_arriving_just_after_the_click_on_another_tab_is_kept() -> None:
    """In the browser the click's run comes first and the typed value after it (the grid
    sends edits a moment late): the editor is still drawn, out of sight, in the click's
    run, so the value that follows is taken."""
    for other, value in (("topic", "Contributions"), ("data_group", "Ledger and budget")):
        at = start()
        open_group(at, "Partnership")
        key = at.session_state["workspace"].key("populations")
        at.session_state[other] = value
        at.run()  # the click
        at.session_state[key] = {"edited_rows": {0: {"population": 150000}},
                                 "added_rows": [], "deleted_rows": []}
        at.run()  # the value, a moment later
        at.run()  # and on: the editor is no longer drawn, the edit stays
        assert_clean(at)
        assert "populations" not in at.session_state["workspace"].mounted
        assert metric(at, "Total contributions") == "£114,930.00", other


TWBC_ROW = {"party": "TWBC", "year": "2008-09", "population": 104600,
            "source": "MKIP governance arrangements §13.2 (current population estimates)"}


def test_a_row_deleted_and_added_back_keeps_its_number_when_the_group_closes() -> None:
    """Rows added are numbered as the editor numbers them, drawn or not, so closing a
    group never changes the book (its digest, its changes)."""
    at = start()
    open_group(at, "Partnership")
    at.session_state[at.session_state["workspace"].key("populations")] = {
        "edited_rows": {}, "deleted_rows": [2], "added_rows": [TWBC_ROW]}
    at.run()
    drawn = at.session_state["last_good"]["key"]
    assert at.session_state["last_good"]["changes"] == []
    for group in ("Ledger and budget", "Investments"):
        open_group(at, group)
    assert at.session_state["workspace"].frames["populations"].index.tolist() == [2, 3, 4]
    assert at.session_state["last_good"]["key"] == drawn
    assert at.session_state["last_good"]["changes"] == []


def test_a_row_added_to_an_empty_table_is_sheet_row_2_drawn_or_not() -> None:
    at = start()
    open_group(at, "Shared services")
    at.session_state[at.session_state["workspace"].key("shares_in_force")] = {
        "edited_rows": {}, "deleted_rows": [], "added_rows": [{"service": "ZZ"}]}
    at.run()
    assert "shares_in_force row 2" in errors_text(at)
    assert "row 0" not in errors_text(at)
    for group in ("Performance", "Investments", "Shared services"):
        open_group(at, group)
    assert at.session_state["workspace"].frames["shares_in_force"].index.tolist() == [2]
    assert "shares_in_force row 2" in errors_text(at)


def test_edits_survive_choosing_upload_without_a_file_and_coming_back() -> None:
    at = start()
    edit(at, "populations", 0, "population", 150000)
    at.run()
    open_group(at, "Ledger and budget")
    edit(at, "ledger", 0, "amount", 16000.0)  # the open group's editor
    at.run()
    assert len(at.session_state["last_good"]["changes"]) == 2
    at.sidebar.radio(key="source").set_value("upload").run()
    at.sidebar.radio(key="source").set_value("bundled").run()
    assert_clean(at)
    assert len(at.session_state["last_good"]["changes"]) == 2
    assert metric(at, "Total contributions") == "£114,930.00"


def test_the_data_tab_opens_again_on_the_group_it_was_left_on() -> None:
    at = start()
    open_group(at, "Investments")
    open_tab(at, "Contributions")
    open_tab(at, "Data")
    assert at.session_state["data_group"] == "Investments"
    assert {d.key.split(".")[1] for d in at.data_editor} >= {"projects", "cashflows"}


def test_an_undo_arriving_just_after_the_click_on_another_tab_is_kept() -> None:
    """The editor's state emptied (an edit undone) just after the click: the table goes
    back to the book's, not to the edit."""
    at = start()
    edit(at, "populations", 0, "population", 150000)
    at.run()
    key = at.session_state["workspace"].key("populations")
    at.session_state["topic"] = "Contributions"
    at.run()  # the click: the editor lingers out of sight
    at.session_state[key] = {"edited_rows": {}, "added_rows": [], "deleted_rows": []}
    at.run()  # the undo, a moment later
    at.run()
    assert at.session_state["last_good"]["changes"] == []
    assert metric(at, "Total contributions") == "£112,770.00"


def test_an_edit_undone_after_leaving_the_tab_is_no_change() -> None:
    at = start()
    edit(at, "ledger", 0, "amount", 16000.0)  # £15,000.00 of external funding
    at.run()
    assert metric(at, "Total contributions") == "£112,770.00"  # on another tab now
    assert len(at.session_state["last_good"]["changes"]) == 1
    edit(at, "ledger", 0, "amount", 15000.0)  # back to the book's figure
    at.run()
    assert_clean(at)
    assert at.session_state["last_good"]["changes"] == []
    assert not at.session_state["last_good"]["stem"].endswith("-with-changes")


def test_the_editors_show_each_kind_of_column_in_the_grids_forms() -> None:
    """Money, percentages, numbers and dates are shown as the grid shows them (as text,
    so what is typed is kept as typed), yes/no as ticks."""
    at = start()
    shown = {t: d.value for t, d in editors(at).items()}
    years, parties = shown["years"], shown["parties"]
    row = years.loc[years["year"] == "2025-26"].iloc[0]
    assert (row["rate_pence"], row["opening_balance"], row["refund_share"]) == (
        "30", "£0.00", "50%")
    assert parties["voting"].tolist() == [True, True, True, False]
    assert parties["joined"].tolist()[:3] == ["01/09/2008"] * 3  # day first, always
    assert shown["populations"]["population"].tolist() == ["142,800", "128,500", "104,600"]
    position = list(years["year"]).index("2025-26")
    edit(at, "years", position, "refund_share", "100%")  # typed, as the grid sends it
    at.run()
    assert_clean(at)
    assert metric(at, "Refund (100%)") == "£41,419.50"
    listed = " ".join(plain(m.value) for x in open_tab(at, "Data").expander
                      if "against" in x.label for m in x.markdown)
    assert f"Years row {years.index[position]}, Refund share: 50% → 100%" in listed, listed


def test_implausible_inputs_are_warned_about_beside_the_figures_they_affect() -> None:
    at = start()
    open_group(at, "Partnership")
    at.session_state[at.session_state["workspace"].key("populations")] = {
        "edited_rows": {}, "deleted_rows": [],
        "added_rows": [{"party": "MBC", "year": "2025-26", "population": 180000}]}
    at.run()
    assert_clean(at)
    beside = [w.value for w in open_tab(at, "Contributions").warning]
    assert any("MBC: 180,000 is 26% more than its 2008-09 estimate (142,800): check the "
               "figure" in plain(w) for w in beside), beside
    # worked out as given: 30p x (180,000 + 128,500 + 104,600)
    assert metric(at, "Total contributions") == "£123,930.00"
    spend = [w.value for w in open_tab(at, "Year end").warning]
    assert not [w for w in spend if "negative spend" in w]
    edit(at, "ledger", 1, "amount", -18500.0)  # the first spend, £18,500.00, as a credit
    at.run()
    assert_clean(at)
    beside = [plain(w.value) for w in open_tab(at, "Year end").warning]
    assert any("a negative spend, -£18,500.00, lowers the year's spend" in w
               for w in beside), beside


def test_a_bad_edit_is_located_and_the_last_good_figures_stay() -> None:
    at = start()
    edit(at, "populations", 1, "year", "2025")  # a number column takes no letters at all
    at.run()
    assert_clean(at)
    text = errors_text(at)
    assert "populations row 3, column year: '2025' is not a financial year like 2025-26" \
        in text
    assert "last good figures" in text
    assert metric(at, "Total contributions") == "£112,770.00"


def test_reset_to_source_discards_edits() -> None:
    at = start()
    edit(at, "years", 0, "rate_pence", "40")
    at.run()
    assert metric(at, "Total contributions") == "£150,360.00"
    [reset] = [b for b in open_tab(at, "Data").button if b.label == "Reset to source"]
    reset.click().run()
    assert_clean(at)
    assert metric(at, "Total contributions") == "£112,770.00"


def test_board_decisions_override_the_book() -> None:
    at = start()
    [refund] = [n for n in at.sidebar.number_input if n.label == "Refund share (%)"]
    refund.set_value(100.0).run()
    assert_clean(at)
    assert metric(at, "Refund (100%)") == "£41,419.50"
    assert metric(at, "Carried over") == "£0.00"
    [rate] = [n for n in at.sidebar.number_input if n.label == "Rate per head (pence)"]
    rate.set_value(30.5).run()
    assert metric(at, "Rate per head") == "30.5p"
    # 30.5p x 142,800 = £43,554.00; x 128,500 = £39,192.50; x 104,600 = £31,903.00.
    assert metric(at, "Total contributions") == "£114,649.50"
    assert any("Board decisions applied" in i.value for i in at.info)


def test_downloads_after_an_override_are_named_and_the_cover_lists_it() -> None:
    at = start()
    assert at.session_state["last_good"]["stem"] == "mid-kent-improvement-partnership-2025-26"
    [refund] = [n for n in at.sidebar.number_input if n.label == "Refund share (%)"]
    refund.set_value(100.0).run()
    assert_clean(at)
    shown = at.session_state["last_good"]
    assert shown["stem"] == "mid-kent-improvement-partnership-2025-26-with-changes"
    assert shown["changes"] == ["Board decision overridden in the app: refund share 100% "
                                "(book: 50%)"]
    report = at.session_state["offered_downloads"]["report"]()
    cover = [str(c.value) for row in openpyxl.load_workbook(io.BytesIO(report))["Cover"]
             .iter_rows() for c in row if c.value is not None]
    assert "Status: DRAFT" in cover
    assert shown["changes"][0] in cover
    assert 'With 1 change not in the input book: see "Changes made after the book was ' \
           'read".' in cover
    from finance import appdata as ad

    as_read = ad.bundled_source().sha256  # not the digest of the overridden figures
    assert f"{as_read} (as read, before the changes below)" in cover


# --------------------------------------------------------------------------- uploads


def upload(at: Any, name: str, data: bytes) -> None:
    at.sidebar.radio(key="source").set_value("upload").run()
    at.file_uploader(key="upload").set_value(
        (name, data, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))
    at.run()


def test_a_bad_workbook_shows_every_problem_located() -> None:
    at = start()
    bad = workbook({
        "settings": [["key", "value"], ["name", "Test partnership"],
                     ["accountable_body", "AAA"]],
        "parties": [["code", "name", "voting"], ["AAA", "Council A", "yes"],
                    ["BBB", "Council B", "maybe"]],
        "populations": [["party", "year", "population"], ["AAA", "2025-26", 1000],
                        ["BBB", "2025-26", "abc"], ["ZZZ", "2025-26", 5]],
        "years": [["year", "rate_pence"], ["2025-26", 30]],
    })
    upload(at, "bad.xlsx", bad)
    assert_clean(at)
    text = errors_text(at)
    for expected in ("parties row 3, column voting: 'maybe' is not yes or no",
                     "populations row 3, column population: 'abc' is not a whole number",
                     "populations row 4, column party: 'ZZZ' is not a known party code"):
        assert expected in text, text
    # The bundled book's figures are not shown for this upload: it has none of its own yet.
    assert not at.metric
    assert "No figures yet: the book has problems (see above)." in " ".join(
        i.value for i in at.info)
    # The same problems sit above the table they belong to on the Data tab.
    data_tab = open_tab(at, "Data")
    assert any("'abc' is not a whole number" in plain(e.value) for e in data_tab.error)


def test_a_file_that_is_not_a_workbook_is_refused_plainly() -> None:
    at = start()
    upload(at, "notes.xlsx", b"this is not a spreadsheet")
    assert_clean(at)
    assert "“notes.xlsx” is not an Excel .xlsx workbook." in errors_text(at)
    assert not at.metric  # never another source's figures


@pytest.mark.parametrize(("name", "data", "sentence"), [
    ("book.csv", b"code,name,voting\nMBC,Maidstone,yes\n",
     "“book.csv” is a single CSV file: a book is a workbook (.xlsx) with one sheet per "
     "table; open the blank template, paste each table into its sheet and upload the "
     "workbook."),
    ("empty.xlsx", b"", "“empty.xlsx” is empty (0 bytes): the upload may have failed, or "
     "the file was never saved; upload the workbook again."),
    ("old.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(100),
     "“old.xls” is an old .xls workbook or a password-protected one; save it as .xlsx "
     "without a password."),
])
def test_a_wrong_upload_gets_one_sentence_in_the_main_area(name: str, data: bytes,
                                                          sentence: str) -> None:
    """A CSV, an empty file or an old workbook: one sentence saying what to upload
    instead, in place of "Start here", with no list of table problems to download."""
    at = start()
    upload(at, name, data)
    assert_clean(at)
    assert [plain(e.value) for e in at.main.error] == [sentence]
    assert "Start here" not in " ".join(i.value for i in at.info)
    assert not [b for b in at.get("download_button") if "problem" in str(b.proto.label)]
    assert not at.metric


def test_a_good_workbook_upload_is_computed() -> None:
    at = start()
    good = workbook({
        "settings": [["key", "value"], ["name", "Two Councils"], ["accountable_body", "AAA"]],
        "parties": [["code", "name", "voting"], ["AAA", "Council A", "yes"],
                    ["BBB", "Council B", "yes"]],
        "populations": [["party", "year", "population"], ["AAA", "2025-26", 1001],
                        ["BBB", "2025-26", 3]],
        "years": [["year", "rate_pence", "opening_balance", "opening_commitments",
                   "refund_share"], ["2025-26", 30.5, None, None, "100%"]],
    })
    upload(at, "good.xlsx", good)
    assert_clean(at)
    assert at.title[0].value == "Two Councils"
    assert metric(at, "Total contributions") == "£306.23"  # 30531p + 92p, each rounded once
    assert not [e for e in at.error if "problem" in e.value]


# --------------------------------------------------------------------------- downloads


def cli_outputs(tmp_path: Path, env: dict[str, str]) -> tuple[bytes, bytes]:
    out = tmp_path / "out"
    proc = subprocess.run([sys.executable, "-m", "finance", "run", "--out", str(out)],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    [js] = sorted(out.glob("*.json"))
    [xlsx] = sorted(out.glob("*.xlsx"))
    return js.read_bytes(), xlsx.read_bytes()


def test_downloads_equal_what_the_cli_writes(tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    # The report records when it was generated; both sides get the same instant
    # (SOURCE_DATE_EPOCH, the reproducible-builds convention the report honours).
    epoch = "1767225600"  # 2026-01-01 00:00:00 UTC
    monkeypatch.setenv("SOURCE_DATE_EPOCH", epoch)
    cli_json, cli_report = cli_outputs(tmp_path, {**os.environ, "SOURCE_DATE_EPOCH": epoch})
    at = start()
    offered = at.session_state["offered_downloads"]
    assert offered["json"] == cli_json
    report = offered["report"]()  # what the button runs when clicked
    assert report[:2] == b"PK"
    assert report == cli_report
    from finance.template import build_template

    assert offered["template"] == build_template()


def test_blank_template_source_is_blank_and_says_where_to_start() -> None:
    at = start()
    at.sidebar.radio(key="source").set_value("template").run()
    assert_clean(at)
    assert any(i.value.startswith("**Start here:** this is the blank template")
               for i in at.info)
    assert not at.metric and not at.error  # no figures, and no list of what is missing yet
    assert len(editors(at)["parties"].value) == 0


def test_the_bundled_book_uploaded_as_a_workbook_gives_the_same_figures() -> None:
    from finance.book import bundled_book_path, read_csv_folder
    from finance.template import book_to_xlsx

    raw, _, _ = read_csv_folder(bundled_book_path())
    tables = {name: [dict(zip(t.columns, cells, strict=False)) for _, cells in t.rows]
              for name, t in raw.items()}
    at = start()
    upload(at, "mkip.xlsx", book_to_xlsx(tables))
    assert_clean(at)
    assert any("figures from **mkip.xlsx**" in m.value for m in at.markdown)
    assert metric(at, "Total contributions") == "£112,770.00"
    assert metric(at, "Refund (50%)") == "£20,709.75"


# --------------------------------------------------------------------------- helpers


def test_round_trip_through_the_editor_frames_is_exact() -> None:
    from finance import appdata as ad

    src = ad.bundled_source()
    frames = ad.frames_from_tables(src.tables)
    again = ad.parse_edited(src, ad.tables_from_frames(frames, src.present))
    assert again.book == ad.parse_source(src).book
    assert not again.problems


def test_decisions_that_match_the_book_leave_it_alone() -> None:
    from decimal import Decimal

    from finance import appdata as ad

    book = ad.parse_source(ad.bundled_source()).book
    assert book is not None
    same = ad.book_decisions(book, "2025-26")
    assert ad.apply_decisions(book, "2025-26", same) is book
    new = ad.apply_decisions(book, "2025-26", ad.Decisions(
        Decimal("31"), same.refund_share, same.discount_rate, same.financial_weight))
    assert new.years[0].rate_pence == Decimal("31")
    assert new.source_sha256 != book.source_sha256


def test_board_decisions_survive_a_bad_edit() -> None:
    at = start()
    [refund] = [n for n in at.sidebar.number_input if n.label == "Refund share (%)"]
    refund.set_value(100.0).run()
    edit(at, "populations", 0, "population", "abc")
    at.run()
    assert_clean(at)
    # While the book has a problem the decisions are shown, greyed out, as they were.
    [refund] = [n for n in at.sidebar.number_input if n.label == "Refund share (%)"]
    assert refund.disabled and refund.value == 100.0
    edit(at, "populations", 0, "population", "150000")
    at.run()
    assert_clean(at)
    assert metric(at, "Refund (100%)") == "£43,579.50"


def test_a_rate_with_five_decimal_places_survives_untouched_into_the_json(
        tmp_path: Path) -> None:
    """A book rate of 30.12345p is the book's, not a board override: the sidebar shows
    all five places, nothing is listed as changed, and the JSON download equals
    ``mkip run --json`` of the same workbook."""
    from finance.book import bundled_book_path, read_csv_folder
    from finance.template import book_to_xlsx

    raw, _, _ = read_csv_folder(bundled_book_path())
    tables = {name: [dict(zip(t.columns, cells, strict=False)) for _, cells in t.rows]
              for name, t in raw.items()}
    tables["years"][0]["rate_pence"] = "30.12345"
    data = book_to_xlsx(tables)
    path = tmp_path / "rate.xlsx"
    path.write_bytes(data)
    cli = subprocess.run([sys.executable, "-m", "finance", "run", str(path), "--json"],
                         capture_output=True, cwd=ROOT, check=True).stdout
    at = start()
    upload(at, "rate.xlsx", data)
    assert_clean(at)
    rate = next(n for n in at.sidebar.number_input if n.label == "Rate per head (pence)")
    assert rate.format == "%.5f"
    assert not [i.value for i in at.info if "override" in i.value.lower()]
    assert at.session_state["offered_downloads"]["json"] == cli
    assert b'"rate_pence": "30.12345"' in cli


def test_a_board_report_uploaded_as_the_book_is_named_for_what_it_is(tmp_path: Path) -> None:
    _json, report = cli_outputs(tmp_path, dict(os.environ))
    at = start()
    upload(at, "mid-kent-improvement-partnership-2025-26.xlsx", report)
    assert_clean(at)
    assert header_errors(at) == [
        "“mid-kent-improvement-partnership-2025-26.xlsx” is a board report "
                      "written by this tool, not an input book: upload the workbook of "
                      "figures it was made from (sheets settings, parties, populations, "
                      "years …), or start from the blank template."]


def header_errors(at: Any) -> list[str]:
    """The error boxes above the tabs (what the file is, or the list of problems)."""
    return [e.value for e in at.error if e.value.startswith("“") or "problem" in e.value]


def test_a_workbook_of_something_else_and_an_empty_template_get_one_sentence() -> None:
    at = start()
    upload(at, "budget.xlsx", workbook({"Budget": [["Line", "Amount"], ["Staff", 10]]}))
    assert header_errors(at) == [
        "“budget.xlsx” has none of the input tables (settings, parties, populations, years "
        "…), so it is not an input book: download the blank template to see the layout, fill "
        "it in and upload it."]
    from finance.template import build_template

    upload(at, "blank.xlsx", build_template(examples=False))
    assert header_errors(at) == [
        "“blank.xlsx” has the input tables but no figures in them yet: fill in at least "
        "settings, parties, populations and years, then upload it again."]


def test_a_long_problem_list_shows_twenty_grouped_and_the_rest_behind_an_expander() -> None:
    rows = [["party", "year", "population"]] + [["MBC", "2025-26", f"bad{i}"]
                                                 for i in range(30)]
    bad = workbook({"settings": [["key", "value"], ["name", "P"], ["accountable_body", "MBC"]],
                    "parties": [["code", "name", "voting"], ["MBC", "Maidstone", "yes"]],
                    "populations": rows,
                    "years": [["year", "rate_pence", "opening_balance",
                               "opening_commitments", "refund_share"],
                              ["2025-26", "30", "0", "0", "50%"]]})
    at = start()
    upload(at, "bad.xlsx", bad)
    assert_clean(at)
    [box] = [e.value for e in at.error if "problem" in e.value]
    assert "**The book has 30 problems" in box and "**populations** (20 problems)" in box
    assert plain(box).count("populations row") == 20
    assert "The first 20 are shown; 10 more problems below." in box
    [more] = [x for x in at.expander if x.label == "The other 10 problems"]
    assert plain(more.markdown[0].value).count("populations row") == 10
    csv_bytes = at.session_state["offered_downloads"]  # the page still offers downloads
    assert csv_bytes is not None
    from finance import appdata as ad

    book_problems = [p for p in ad.parse_source(ad.workbook_source(bad, "bad.xlsx")).problems
                     if p.is_error]
    text = ad.problems_csv(book_problems).decode("utf-8-sig").splitlines()
    assert text[0] == "table,row,column,severity,problem" and len(text) == 31
    assert text[1].startswith("populations,2,population,error,'bad0' is not")


def test_stale_figures_are_marked_greyed_and_not_offered_for_download() -> None:
    at = start()
    assert at.session_state["offered_downloads"].keys() >= {"json", "report"}
    edit(at, "populations", 1, "year", "2025")
    at.run()
    assert_clean(at)
    contributions = open_tab(at, "Contributions")
    [warning] = [w.value for w in contributions.warning]
    assert warning.startswith("Not the current inputs: these are the last good figures "
                              "(MKIP example (bundled), 2025-26), greyed out.")
    buttons = {b.label: b for b in at.download_button}
    assert buttons["Board report (Excel)"].disabled and buttons["Result (JSON)"].disabled
    assert not buttons["Blank template (Excel)"].disabled
    assert set(at.session_state["offered_downloads"]) == {"template"}
    # put it right: the figures are current again, and downloadable
    edit(at, "populations", 1, "year", "2008-09")
    at.run()
    assert not [w for w in open_tab(at, "Contributions").warning
                if w.value.startswith("Not the current inputs")]
    assert at.session_state["offered_downloads"].keys() >= {"json", "report"}


def test_upload_chosen_without_a_file_shows_a_start_here_panel_not_old_figures() -> None:
    at = start()
    at.sidebar.radio(key="source").set_value("upload").run()
    assert_clean(at)
    assert any(i.value.startswith("**Start here:**") for i in at.info)
    assert not at.metric  # no figures from the bundled book
    assert {b.label for b in at.download_button} == {"Blank template (Excel)"}


def test_edits_are_listed_and_the_edited_book_reads_back_to_the_same_figures(
        tmp_path: Path) -> None:
    at = start()
    edit(at, "populations", 0, "population", "150000")
    at.run()
    assert_clean(at)
    data = open_tab(at, "Data")
    [changes] = [x for x in data.expander if "change" in x.label]
    assert changes.label == "1 change against MKIP example (bundled)"
    # and above the table itself
    assert any("Changed here: Populations row 2, Population: 142,800 → 150,000"
               in plain(c.value) for c in data.caption)
    assert "Populations row 2, Population: 142,800 → 150,000" in plain(changes.markdown[0].value)
    assert metric(at, "Total contributions") == "£114,930.00"
    # the edited book, downloaded, gives the same figures from the command line
    from finance import appdata as ad

    src = ad.bundled_source()
    frames = ad.frames_from_tables(src.tables)
    frames["populations"].loc[2, "population"] = "150000"
    path = tmp_path / "edited.xlsx"
    path.write_bytes(ad.edited_book(frames))
    proc = subprocess.run([sys.executable, "-m", "finance", "run", str(path), "--json"],
                          capture_output=True, text=True, cwd=ROOT, check=True)
    import json

    cli = json.loads(proc.stdout)
    shown = json.loads(at.session_state["offered_downloads"]["json"])
    for doc in (cli, shown):  # the sources differ: the file's digest, the tables'
        doc.pop("input_sha256")
    assert cli == shown and cli["contributions"]["total"] == "114930.00"


def test_text_from_the_book_is_shown_as_typed_in_a_page_table() -> None:
    """A figure table shown whole on the page reads its cells as markdown: a service
    named like a list item with stars and an emoji code is escaped, so the page shows
    the name as typed (not a numbered list, italics or a smiley)."""
    at = start()
    edit(at, "services", 0, "name", "1. Mid Kent *Audit* :smile:")
    at.run()
    assert_clean(at)
    services = frame(at, "Service", "1\\. Mid Kent \\*Audit\\* \\:smile\\:")
    assert services.columns[0] == "Service"


def test_the_monitoring_headline_counts_the_latest_quarter() -> None:
    """The bundled book's External advice is red in quarter 3 (£31,200.00 forecast on
    £30,000.00) but green at the year end: the headline counts quarter 4's lines."""
    from finance.appdata.monitoring import monitoring_metrics
    from finance.book import require_book
    from finance.core.run import run_year

    r = run_year(require_book(MKIP))
    assert any(b.rag == "red" and b.quarter < 4 for b in r.monitoring.budget)
    [m] = [m for m in monitoring_metrics(r) if m.label == "Budget lines over tolerance"]
    assert m.value == "0" and "(quarter 4)" in m.help


def test_edits_are_kept_per_source_across_the_blank_template_and_back() -> None:
    at = start()
    edit(at, "populations", 0, "population", 150000)
    at.run()
    assert metric(at, "Total contributions") == "£114,930.00"
    at.sidebar.radio(key="source").set_value("template").run()
    assert_clean(at)
    at.sidebar.radio(key="source").set_value("bundled").run()
    assert_clean(at)
    assert metric(at, "Total contributions") == "£114,930.00"  # the edit is still there
    assert len(at.session_state["last_good"]["changes"]) == 1


def test_restore_the_books_values_puts_the_board_decisions_back() -> None:
    at = start()
    refund = next(n for n in at.sidebar.number_input if n.label == "Refund share (%)")
    restore = next(b for b in at.sidebar.button if b.label == "Restore the book's values")
    assert restore.disabled  # nothing to restore yet
    refund.set_value(80.0).run()
    assert metric(at, "Refund (80%)")
    next(b for b in at.sidebar.button if b.label == "Restore the book's values").click().run()
    assert_clean(at)
    assert metric(at, "Refund (50%)") == "£20,709.75"
    refund = next(n for n in at.sidebar.number_input if n.label == "Refund share (%)")
    assert refund.value == 50.0


def test_one_persons_edits_and_decisions_are_never_seen_by_another() -> None:
    """Two sessions of one server (the cached sources, books and results shared between
    them): an edit and a board decision in one change nothing in the other."""
    first, second = start(), start()
    edit(first, "populations", 0, "population", 150000)
    first.run()
    refund = next(n for n in first.sidebar.number_input if n.label == "Refund share (%)")
    refund.set_value(80.0).run()
    assert metric(first, "Total contributions") == "£114,930.00"
    second.run()
    assert_clean(second)
    assert metric(second, "Total contributions") == "£112,770.00"
    assert metric(second, "Refund (50%)") == "£20,709.75"
    assert not second.session_state["last_good"]["changes"]


def test_a_cached_source_cannot_be_changed_in_place() -> None:
    """What the server caches for every session is read-only."""
    import dataclasses

    from finance.appdata import bundled_source

    src = bundled_source()
    with pytest.raises(dataclasses.FrozenInstanceError):
        src.label = "changed"  # type: ignore[misc]
    with pytest.raises(TypeError):
        src.tables["parties"] = src.tables["parties"]  # type: ignore[index]


def test_a_page_table_colours_its_rag_cells_and_bolds_its_total_by_place() -> None:
    """A page table's look is CSS rules over its own block's rows and columns: the RAG
    cells coloured where they are (row, then column, counted from 1), the total row in
    bold, the figure column and its heading right-aligned, a code kept on one line."""
    from finance.appdata.tables import BOLD_ROW, MONEY, RAG, TOTAL, Table, page_table, rag_style

    t = Table([{"Service": "AUDIT", "Variance": 150, "RAG": "Red"},
               {"Service": "ICT", "Variance": -2500, "RAG": "Green"},
               {"Service": TOTAL, "Variance": -2350, "RAG": ""}],
              ["Service", "Variance", "RAG"], {"Variance": MONEY, "RAG": RAG})
    shown = page_table(t, "Savings")
    scope = f".st-key-{shown.key}"
    assert shown.key.startswith("table-") and shown.key == page_table(t, "Savings").key
    assert page_table(t, "Other title").key != shown.key
    assert shown.frame["RAG"].tolist() == ["Red", "Green", ""]
    assert set(shown.rules) == {
        f"{scope} td:nth-child(1), {scope} td:nth-child(1) * {{white-space: nowrap !important}}",
        f"{scope} th:nth-child(2), {scope} td:nth-child(2) {{text-align: right !important; "
        "font-variant-numeric: tabular-nums; white-space: nowrap !important}",
        f"{scope} th:nth-child(3), {scope} td:nth-child(3) {{text-align: center !important; "
        "white-space: nowrap !important}",
        f"{scope} tbody tr:nth-child(3) td {{{BOLD_ROW}}}",
        f"{scope} tbody tr:nth-child(1) td:nth-child(3) {{{rag_style('Red')}}}",
        f"{scope} tbody tr:nth-child(2) td:nth-child(3) {{{rag_style('Green')}}}"}
