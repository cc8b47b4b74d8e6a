"""The app's Budget tab (AppTest): the year ahead as mkip budget works it out, the
assumptions as what-ifs, and the downloads."""

from __future__ import annotations

import io
import json
import zipfile
from typing import Any

from finance.book import require_book
from finance.budget_run import make_budget
from finance.core.budgetjson import budget_json
from tests.conftest import MKIP, open_tab
from tests.test_app import assert_clean, start


def _metric(at: Any, label: str) -> str:
    return next(str(m.value) for m in at.metric if m.label == label)


def test_the_budget_tab_shows_the_bundled_budget() -> None:
    at = start()
    open_tab(at, "Budget")
    assert_clean(at)
    assert _metric(at, "Central budget") == "£94,300.00"
    assert _metric(at, "Rate needed") == "25.09p"
    assert _metric(at, "Rate per head") == "30p"
    assert _metric(at, "Due on 1 April 2026") == "£112,770.00"
    assert _metric(at, "Surplus at the rate") == "£18,470.00"
    headings = " ".join(str(m.value) for m in at.markdown)
    cells = " ".join(str(v) for t in at.table for row in t.value.values.tolist() for v in row)
    assert "Proposals not yet approved" in headings
    assert "Enforcement officer" in cells and "£16,000.00" in cells


def test_an_assumption_changed_changes_the_forecast_not_the_book() -> None:
    """Inflation typed as 10% from 2026-27: Planning Support (no approved item) grows by
    it, and so does the central budget of the years without lines."""
    at = start()
    open_tab(at, "Budget")
    before = at.session_state["offered_budget"]()["json"][1]
    at.number_input(key="budget_inflation").set_value(10.0).run()
    assert_clean(at)
    after = json.loads(at.session_state["offered_budget"]()["json"][1])
    planning = next(s for s in after["years"][0]["services"] if s["service"] == "PLANNING")
    assert planning["net_budget"] == "995500.00"  # £905,000.00 + 10%
    assert after["years"][1]["central_budget"] == "103730.00"  # £94,300.00 + 10%
    assert json.loads(before)["years"][1]["central_budget"] == "96186.00"  # 2% as booked


def test_the_downloads_are_what_mkip_budget_writes() -> None:
    at = start()
    open_tab(at, "Budget")
    files = at.session_state["offered_budget"]()
    bg, _ = make_budget(require_book(MKIP))
    assert bg is not None
    shown = json.loads(files["json"][1])
    expected = budget_json(bg, require_book(MKIP).source_sha256)
    assert shown == json.loads(json.dumps(expected))
    assert files["workbook"][0] == "mid-kent-improvement-partnership-2026-27-budget.xlsx"
    names = zipfile.ZipFile(io.BytesIO(files["pdfs"][1])).namelist()
    assert sorted(names) == [f"mid-kent-improvement-partnership-2026-27-budget-{c}.pdf"
                             for c in ("MBC", "SBC", "TWBC")]
