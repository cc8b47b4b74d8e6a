"""The app's History tab: status, close from the screen, chaining, and who may close.

The gate is tested with stand-in users (signed in or not, on a local or a networked
app); the tab is driven with AppTest against a SQLite history in the test's folder."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from finance.appdata import history as ah
from finance.cli import app as cli_app
from finance.history import db as history_db
from tests.conftest import MKIP, open_tab
from tests.test_app import APP, assert_clean
from tests.test_history import rows


@pytest.fixture(autouse=True)
def _server_address() -> Iterator[None]:
    """Put Streamlit's server address back as it was after each test."""
    from streamlit import config

    was = config.get_option("server.address")
    yield
    config.set_option("server.address", was)


def start_local(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Any, str]:
    from streamlit import config
    from streamlit.testing.v1 import AppTest

    url = f"sqlite:///{tmp_path / 'app-history.db'}"
    monkeypatch.setenv(history_db.ENV, url)
    config.set_option("server.address", "127.0.0.1")  # one officer's machine
    at = AppTest.from_file(str(APP), default_timeout=60)
    at.run()
    assert_clean(at)
    return at, url


def history_tab(at: Any) -> Any:
    return open_tab(at, "History")


def texts(block: Any) -> str:
    return "\n".join(e.value for kind in ("success", "info", "warning", "error")
                     for e in getattr(block, kind))


def test_the_year_on_screen_is_a_draft_until_closed(tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    at, _url = start_local(tmp_path, monkeypatch)
    tab = history_tab(at)
    assert "2025-26 is open (DRAFT)." in texts(tab)
    # 2024-25, in the same book, is open: years close in order, as mkip close has them
    assert "Close 2024-25 first: years are closed in order" in texts(tab)
    assert not any(b.label == "Close 2025-26" for b in tab.button)
    assert not (tmp_path / "app-history.db").exists()  # looking creates nothing


def _close_2024_25(url: str) -> None:
    res = CliRunner().invoke(cli_app, ["close", str(MKIP), "--year", "2024-25",
                                       "--approved-by", "Cllr A Chair", "--minute",
                                       "MKIP/2025/07", "--meeting-date", "2025-06-12",
                                       "--db", url])
    assert res.exit_code == 0, res.output


def test_close_from_the_app_asks_for_confirmation_then_stores_the_year(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _close_2024_25(f"sqlite:///{tmp_path / 'app-history.db'}")
    at, url = start_local(tmp_path, monkeypatch)
    tab = history_tab(at)
    [met] = tab.date_input
    assert met.label == "Date of the board meeting (required)" and met.value is None
    tab.text_input[0].input("Cllr A Chair")
    tab.checkbox[0].check()
    next(b for b in tab.button if b.label == "Close 2025-26").click()
    at.run()
    # the minute and the meeting's date are required, even with the box ticked
    assert ("Give the board minute and the date of the board meeting that approved the year "
            "end.") in texts(history_tab(at))
    assert _closed(url) == ["2024-25"]  # nothing stored
    tab = history_tab(at)
    tab.text_input[1].input("MKIP/2026/14")
    tab.date_input[0].set_value(date(2026, 3, 12))
    tab.checkbox[0].uncheck()
    next(b for b in tab.button if b.label == "Close 2025-26").click()
    at.run()
    assert "Tick the box to confirm first." in texts(history_tab(at))
    assert _closed(url) == ["2024-25"]  # nothing stored unconfirmed
    tab = history_tab(at)
    tab.checkbox[0].check()
    next(b for b in tab.button if b.label == "Close 2025-26").click()
    at.run()
    assert_clean(at)
    tab = history_tab(at)
    assert "2025-26 is closed (FINAL): version 1, approved by Cllr A Chair at the board " \
           "meeting of 12 March 2026 (minute MKIP/2026/14), closed 20" in texts(tab)
    assert not any(b.label == "Close 2025-26" for b in tab.button)  # never twice
    assert rows(url, "SELECT year, version, approved_by, minute, meeting_date, input_kind "
                "FROM closed_years WHERE year = '2025-26'") == [
        ("2025-26", 1, "Cllr A Chair", "MKIP/2026/14", "2026-03-12", "csv-zip")]
    [stored] = [t.value for t in [*tab.table, *tab.dataframe]
                if "Board meeting" in t.value.columns]
    assert list(stored["Board meeting"]) == ["12 June 2025", "12 March 2026"]
    # the stored result is exactly the JSON the app offers for download
    [(result_json,)] = rows(url, "SELECT result_json FROM closed_years WHERE year = '2025-26'")
    assert json.loads(result_json) == json.loads(at.session_state["offered_downloads"]["json"])
    # FINAL outside the History tab too, and the board's decisions locked
    assert any("Year end **2025-26** (**FINAL**)" in m.value for m in at.markdown)
    decisions = [n for n in at.sidebar.number_input if n.label == "Refund share (%)"]
    assert decisions and all(n.disabled for n in decisions)
    assert any("2025-26 is closed (FINAL)" in c.value for c in at.sidebar.caption)


def _closed(url: str) -> list[str]:
    return [y for (y,) in rows(url, "SELECT year FROM closed_years ORDER BY year")]


def test_a_sidebar_override_blocks_closing(tmp_path: Path,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    at, _url = start_local(tmp_path, monkeypatch)
    refund = next(n for n in at.sidebar.number_input if n.label == "Refund share (%)")
    refund.set_value(80.0)
    at.run()
    tab = history_tab(at)
    assert "Board decisions were changed in the sidebar" in texts(tab)
    assert not any(b.label == "Close 2025-26" for b in tab.button)


def test_a_networked_app_shows_nothing_of_the_partnership_before_sign_in(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Served beyond this machine and nobody signed in: one sentence, no figure, no
    tab, no upload; and with no sign-in configured, nothing at all but the sentence."""
    from streamlit import config
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv(history_db.ENV, f"sqlite:///{tmp_path / 'h.db'}")
    config.set_option("server.address", "0.0.0.0")  # every interface: a network
    at = AppTest.from_file(str(APP), default_timeout=60)
    at.run()
    assert_clean(at)
    assert not at.metric and not at.tabs and not at.get("file_uploader")
    assert [i.value for i in at.info] == [
        "This app serves a network but no sign-in is configured, so nothing is shown: ask "
        "whoever looks after this server."]
    assert not any(b.label == "Close 2025-26" for b in at.button)


# ---------------------------------------------------------------- the gate, stand-in users


def test_gate_local_app_lets_the_officer_at_it_close() -> None:
    for address in ("127.0.0.1", "localhost", "::1"):
        assert ah.gate(address, False, None, ()) == ah.Gate(True)


def test_gate_network_app_wants_a_signed_in_user() -> None:
    g = ah.gate("0.0.0.0", False, None, ["cfo@maidstone.gov.uk"])
    assert (g.allowed, g.sign_in) == (False, True)
    assert ah.gate(None, False, None, ["cfo@maidstone.gov.uk"]).allowed is False  # all hosts


def test_gate_signed_in_approver_may_close_and_is_recorded_in_lower_case() -> None:
    g = ah.gate("0.0.0.0", True, " CFO@Maidstone.gov.uk ", ["cfo@maidstone.gov.uk"])
    assert g == ah.Gate(True, "cfo@maidstone.gov.uk")


def test_gate_signed_in_stranger_may_not() -> None:
    g = ah.gate("10.0.0.5", True, "intern@maidstone.gov.uk", ["cfo@maidstone.gov.uk"])
    assert not g.allowed and "is not one of the approvers" in g.reason


def test_a_book_naming_its_uploader_as_approver_grants_nothing() -> None:
    """Only the server's list counts: a book's approvers setting names no one."""
    assert ah.approvers({}, {}, ["me@upload.org"]) == ()
    g = ah.gate("0.0.0.0", True, "me@upload.org", ah.approvers({}, {}, ["me@upload.org"]))
    assert not g.allowed
    assert ah.approvers({"MKIP_APPROVERS": "cfo@x.gov.uk"}, {}, ["me@upload.org"]) == (
        "cfo@x.gov.uk",)


def test_gate_no_approvers_named_means_no_one_on_a_network() -> None:
    g = ah.gate("10.0.0.5", True, "cfo@maidstone.gov.uk", [])
    assert not g.allowed and "No approvers are named" in g.reason


def test_approvers_are_read_from_settings(book_copy) -> None:
    from finance.book import load_book

    book_copy.edit("settings", lambda rows: rows.append(
        {"key": "approvers", "value": "CFO@maidstone.gov.uk; s151@swale.gov.uk"}))
    book, problems = load_book(book_copy.path)
    assert book is not None, problems
    assert book.settings.approvers == ("cfo@maidstone.gov.uk", "s151@swale.gov.uk")
    book_copy.edit("settings", lambda rows: rows.__setitem__(-1, {"key": "approvers",
                                                                  "value": "not-an-email"}))
    book, problems = load_book(book_copy.path)
    assert book is None
    assert any("approvers: 'not-an-email' is not an e-mail address" in p.message
               for p in problems)


def test_the_history_chart_names_each_figure(tmp_path: Path) -> None:
    from finance.history import store

    url = f"sqlite:///{tmp_path / 'h.db'}"
    from typer.testing import CliRunner

    from finance.cli import app as cli_app
    from tests.conftest import MKIP

    assert CliRunner().invoke(cli_app, ["close", str(MKIP), "--approved-by", "A", "--minute",
                                        "M1", "--meeting-date", "2026-03-12", "--db",
                                        url]).exit_code == 0
    db = store.open_db(url, create=False)
    assert db is not None
    years = store.history(db)["Mid Kent Improvement Partnership"]
    db.dispose()
    rows = ah.party_rows(years)
    assert {r["Figure"] for r in rows} == {"Contribution", "Refund", "Carried over",
                                           "Net settlement"}
    mbc = {r["Figure"]: r["Label"] for r in rows if r["Party"] == "MBC"}
    assert mbc["Contribution"] == "£42,840.00" and mbc["Carried over"] == "£7,867.39"
