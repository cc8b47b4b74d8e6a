"""Two people at once: two browser contexts (two sessions, as two people's browsers
would be) on one app server.  What one types on the Data tab, or decides in the sidebar,
changes that session's figures and no one else's.

Needs Debian's chromium, as ``tests/test_browser.py`` does (whose fixtures start the app
and the browser).  Every wait is on a condition, none a fixed time.
"""

from __future__ import annotations

import re
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.test_browser import (  # noqa: F401  (chromium and server: fixtures)
    WAIT_MS,
    active_panel,
    chromium,
    open_app,
    open_topic,
    populations_grid,
    rerun_by,
    server,
    type_population,
    wait_idle,
)

pytestmark = [pytest.mark.browser, pytest.mark.slow]

YEAR = "2025-26"
REFUND = "Refund share (%)"
MAIDSTONE = "142800"  # Maidstone's population in the book (populations row 2)
BOOK_SHARE = 50  # the book's refund share for the year, per cent


@dataclass(frozen=True)
class Figures:
    """What a session should show: Maidstone's population and the refund share typed
    (``None``: the book's), and the figures the core works out from them."""

    population: str
    share: int  # per cent
    total: str  # total contributions, as shown
    refund: str  # the year end's refund, as shown


def figures(folder: Path, population: str | None, share: int | None) -> Figures:
    """The bundled book's figures with Maidstone's population and the refund share as
    given, worked out by the core (not by the app) from a copy of the book in
    ``folder``."""
    from finance.appdata import Decisions, book_decisions, gbp, pct_input, run_safely
    from finance.book import bundled_book_path, load_book

    shutil.copytree(bundled_book_path(), folder)
    if population is not None:
        rows = (folder / "populations.csv").read_text(encoding="utf-8").splitlines()
        head, first = rows[0].split(","), rows[1].split(",")
        assert first[:3] == ["MBC", "2008-09", MAIDSTONE], first
        first[head.index("population")] = population
        rows[1] = ",".join(first)
        (folder / "populations.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    book, problems = load_book(folder)
    assert book is not None, problems
    now = book_decisions(book, YEAR)
    decided = now if share is None else Decisions(
        now.rate_pence, pct_input(share), now.discount_rate, now.financial_weight)
    result, found = run_safely(book, YEAR, decided)
    assert result is not None, found
    return Figures(population or MAIDSTONE, int(decided.refund_share * 100),
                   gbp(result.contributions.total), gbp(result.year_end.refund))


def refund_box(page: Any) -> Any:
    return page.get_by_role("spinbutton", name=REFUND).first


def decide_refund(page: Any, share: int) -> None:
    """Type the refund share in the sidebar and send it (Enter): the page reruns."""
    box = refund_box(page)
    box.fill(str(share))
    rerun_by(page, lambda: box.press("Enter"), "the refund share typed")


def shows(page: Any, f: Figures, edited: bool) -> None:
    """Assert that ``page`` shows ``f``: the refund share in the sidebar, the total
    contributions, the refund (and its share) on the Year end tab, Maidstone's
    population in the Data tab's editor, and the list of changes (``edited``: one change
    there; else none, and no board decision applied)."""
    from playwright.sync_api import expect

    def visible(locator: Any) -> None:
        expect(locator).to_be_visible(timeout=WAIT_MS)

    wait_idle(page)
    assert float(refund_box(page).input_value()) == f.share
    open_topic(page, "Contributions")
    visible(active_panel(page).get_by_text(f.total, exact=True).first)
    open_topic(page, "Year end")
    panel = active_panel(page)
    visible(panel.get_by_text(f"Refund ({f.share}%)", exact=True).first)
    visible(panel.get_by_text(f.refund, exact=True).first)
    decided = page.get_by_text("Board decisions applied:")
    if f.share == BOOK_SHARE:
        expect(decided).to_have_count(0, timeout=WAIT_MS)
    else:
        expect(decided.first).to_have_text(
            f"Board decisions applied: refund share {f.share}% (book: {BOOK_SHARE}%).",
            timeout=WAIT_MS)
    open_topic(page, "Data")
    # (the book's figure is shown with its thousands separated, a typed one as typed)
    shown = re.compile("^" + f"{int(f.population):,}".replace(",", ",?") + "$")
    expect(populations_grid(page).locator("#glide-cell-5-0")).to_have_text(
        shown, timeout=WAIT_MS)
    changes = page.get_by_text("change against", exact=False)
    if edited:
        expect(changes.first).to_contain_text("1 change against", timeout=WAIT_MS)
        visible(page.get_by_text(f"Changed here: Populations row 2, Population: "
                                 f"{int(MAIDSTONE):,} → {int(f.population):,}"))
    else:
        expect(changes).to_have_count(0, timeout=WAIT_MS)


def test_two_sessions_keep_their_own_edits_and_decisions(
        server: str, chromium: Any, tmp_path: Path) -> None:  # noqa: F811
    """In context A a population is edited on the Data tab and the refund share decided
    in the sidebar: A's figures follow.  Context B, reloaded after, shows the book's own
    figures and decisions; then B's own edit and decision change B's figures, and A,
    run again and then reloaded, never shows B's."""
    book = figures(tmp_path / "book", None, None)
    in_a = figures(tmp_path / "a", "150000", 70)
    in_b = figures(tmp_path / "b", "120000", 30)
    assert (book.total, book.refund, book.share) == ("£112,770.00", "£20,709.75", BOOK_SHARE)
    assert len({book.total, in_a.total, in_b.total}) == 3  # each can be told apart
    assert len({book.refund, in_a.refund, in_b.refund}) == 3

    view = {"viewport": {"width": 1440, "height": 2200}}
    a = open_app(chromium, server, **view)
    b = open_app(chromium, server, **view)
    assert a.context is not b.context  # two contexts: their own cookies and sessions
    for page in (a, b):
        page.get_by_text(book.total).first.wait_for(state="visible")
        shows(page, book, edited=False)

    # A edits a population and overrides a board decision.
    type_population(a, in_a.population)
    decide_refund(a, in_a.share)
    shows(a, in_a, edited=True)

    # B, reloaded and looked at after: the book's figures and decisions.
    b.reload()
    b.get_by_text(book.total).first.wait_for(state="visible")
    shows(b, book, edited=False)

    # The other way round: B's edit and decision, not seen in A.
    type_population(b, in_b.population)
    decide_refund(b, in_b.share)
    shows(b, in_b, edited=True)
    shows(a, in_a, edited=True)  # A's run again (each tab opened): still its own
    a.reload()
    a.get_by_text(book.total).first.wait_for(state="visible")
    shows(a, book, edited=False)  # a new session of A: the book's, not B's
    shows(b, in_b, edited=True)
