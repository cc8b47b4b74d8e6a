"""The app served to a partnership (AppTest): what each role may do, the roles held by
the server's database (`mkip users`), never by a book.  The sign-in itself is Streamlit's
(`st.login`); here the signed-in user is a stand-in."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import streamlit
from typer.testing import CliRunner

from finance.cli import app as cli_app
from finance.history import db as history_db
from tests.conftest import open_tab
from tests.test_app import APP, assert_clean

PARTNERSHIP = "Mid Kent Improvement Partnership"


@pytest.fixture
def served(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A networked app whose history database names four members."""
    from streamlit import config

    url = f"sqlite:///{tmp_path / 'served.db'}"
    for email, role in (("viewer@mbc.gov.uk", "viewer"), ("prep@mbc.gov.uk", "preparer"),
                        ("s151@mbc.gov.uk", "approver")):
        res = CliRunner().invoke(cli_app, ["users", "add", email, "--role", role,
                                           "--partnership", PARTNERSHIP, "--by", "admin",
                                           "--db", url])
        assert res.exit_code == 0, res.output
    monkeypatch.setenv(history_db.ENV, url)
    was = config.get_option("server.address")
    config.set_option("server.address", "0.0.0.0")
    try:
        yield url
    finally:
        config.set_option("server.address", was)


def signed_in_as(monkeypatch: pytest.MonkeyPatch, email: str) -> Any:
    from streamlit.testing.v1 import AppTest

    monkeypatch.setattr(streamlit, "user", {"is_logged_in": True, "email": email})
    at = AppTest.from_file(str(APP), default_timeout=60)
    at.run()
    assert_clean(at)
    return at


def infos(block: Any) -> str:
    return "\n".join(i.value for i in block.info)


def test_a_viewer_sees_figures_but_no_upload_edit_scenario_budget_pack_or_close(
        served: str, monkeypatch: pytest.MonkeyPatch) -> None:
    at = signed_in_as(monkeypatch, "Viewer@MBC.gov.uk")
    assert any(m.label == "Total contributions" for m in at.metric)
    assert at.sidebar.radio(key="source").options == ["MKIP example (bundled)"]
    report = next(b for b in at.get("download_button") if "Board report" in str(b.proto.label))
    assert report.proto.disabled
    for tab, what in (("Data", "edits the tables"), ("Budget", "works out budgets"),
                      ("Scenarios", "runs scenarios")):
        assert "Your role (viewer) lets you see the figures" in infos(open_tab(at, tab))
        assert what in infos(open_tab(at, tab))
    history = open_tab(at, "History")
    assert not any(b.label.startswith("Close") for b in history.button)


def test_a_preparer_uploads_and_works_out_budgets_but_cannot_close(
        served: str, monkeypatch: pytest.MonkeyPatch) -> None:
    at = signed_in_as(monkeypatch, "prep@mbc.gov.uk")
    assert "Upload a workbook (.xlsx)" in at.sidebar.radio(key="source").options
    budget = open_tab(at, "Budget")
    assert any(m.label == "Rate needed" for m in budget.metric)
    history = open_tab(at, "History")
    assert not any(b.label.startswith("Close") for b in history.button)
    assert ("Your role (preparer) does not include closing or reopening a year"
            in "\n".join(w.value for w in history.warning))


def test_an_approver_may_close(served: str, monkeypatch: pytest.MonkeyPatch) -> None:
    at = signed_in_as(monkeypatch, "s151@mbc.gov.uk")
    history = open_tab(at, "History")
    # the close panel is offered (2024-25, the earliest open year, must be closed first)
    assert "Close 2024-25 first" in "\n".join(w.value for w in history.warning)


def test_a_signed_in_stranger_sees_one_sentence(served: str,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    at = signed_in_as(monkeypatch, "someone@elsewhere.org")
    assert not at.metric and not at.tabs
    assert infos(at) == ("You are signed in as someone@elsewhere.org, but you are not a "
                         f"member of {PARTNERSHIP}: ask its administrator to add you.")
