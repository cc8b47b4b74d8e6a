"""The web app in a real browser (chromium through Playwright): load, switch tabs, edit a
cell, download the board report, with screenshots saved under the test's tmp folder.

Needs Debian's chromium at /usr/bin/chromium (``apt-get install chromium``).  Without it
the test is skipped, except under ``CI=true``, where it fails: CI must run it.
"""

from __future__ import annotations

import io
import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from finance.appdata.editing import TABLE_GROUPS, TABLE_NOTES

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu",
                 "--disable-background-networking", "--disable-dev-shm-usage"]
TOPICS = ["Contributions", "Year end", "Shared services", "Settlement", "Investments",
          "Monitoring", "Budget", "Scenarios", "History", "Data"]

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def need_chromium() -> None:
    if CHROMIUM.exists():
        return
    reason = f"{CHROMIUM} is missing: install Debian's chromium (apt-get install chromium)"
    if os.environ.get("CI") == "true":
        pytest.fail(reason + " — required under CI=true")
    pytest.skip(reason)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_healthy(url: str, proc: subprocess.Popen[bytes], log: Path, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"streamlit exited with {proc.returncode}:\n{log.read_text()}")
        try:
            with urllib.request.urlopen(url + "/_stcore/health", timeout=2) as r:
                if r.read().strip() == b"ok":
                    return
        except OSError:
            pass
        time.sleep(0.3)
    raise AssertionError(f"streamlit did not become healthy in {timeout}s:\n{log.read_text()}")


def stop(proc: subprocess.Popen[bytes]) -> None:
    """Stop the server we started, by its process id: terminate, then kill."""
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)


@contextmanager
def serve_app(log: Path) -> Iterator[str]:
    """``app.py`` served on 127.0.0.1 at a free port while the block runs (its output in
    ``log``), then stopped by its process id: the URL."""
    port = free_port()
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", "app.py",
             "--server.headless", "true", "--server.address", "127.0.0.1",
             "--server.port", str(port), "--browser.gatherUsageStats", "false"],
            cwd=ROOT, stdout=out, stderr=subprocess.STDOUT, env=env)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_healthy(url, proc, log)
        yield url
    finally:
        stop(proc)


@pytest.fixture
def server(tmp_path: Path) -> Iterator[str]:
    need_chromium()
    with serve_app(tmp_path / "streamlit.log") as url:
        yield url


@pytest.fixture
def page(server: str) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(viewport={"width": 1440, "height": 2200},
                                          accept_downloads=True)
            pg = context.new_page()
            pg.set_default_timeout(60_000)
            pg.goto(server)
            yield pg
        finally:
            browser.close()


def main_tab(page: Any, name: str) -> Any:
    """The app's top-level tab called ``name`` (the first tab list on the page)."""
    return page.get_by_role("tab", name=name, exact=True).first


def active_panel(page: Any) -> Any:
    return page.locator('[role="tabpanel"]:visible').first


def wait_for_text(page: Any, text: str) -> None:
    page.get_by_text(text, exact=False).first.wait_for(state="visible")


def wait_idle(page: Any) -> None:
    """Wait until Streamlit has finished the current script run."""
    page.wait_for_timeout(300)
    page.locator('[data-testid="stStatusWidget"]').wait_for(state="hidden", timeout=60_000)


def type_population(page: Any, value: str, right: int = 2, commit_timer: bool = False
                    ) -> float:
    """Type ``value`` into Maidstone's population cell (Data tab, Populations table), or
    the cell ``right`` columns from its party (1: the year).  With ``commit_timer`` it
    returns at once when the Enter that commits the cell is pressed (its time, for a
    benchmark); else it waits for the app's run to finish."""
    main_tab(page, "Data").click()
    wait_idle(page)  # each tab is drawn when it opens: let the run finish first
    page.get_by_role("tab", name="Partnership", exact=True).click()
    wait_idle(page)
    # the Partnership group's editors: settings, parties, populations, years
    grid = active_panel(page).locator('[role="tabpanel"]:visible [data-testid="stDataFrame"]')
    grid = grid.nth(2)
    grid.scroll_into_view_if_needed()
    grid.wait_for(state="visible")
    page.wait_for_timeout(500)
    box = grid.bounding_box()
    assert box is not None
    # Columns: row selector, Row, Check, party, year, population.  Click the first data
    # row's Check cell, then move right to its party and on to its population.  The grid
    # only takes a click that follows a pointer move, so come in from outside it.
    x, y = box["x"] + 130, box["y"] + 35 + 17
    page.mouse.move(x + 200, box["y"] - 40)
    page.mouse.move(x, y, steps=5)
    page.mouse.click(x, y)
    page.wait_for_timeout(300)
    for _ in range(right + 1):
        page.keyboard.press("ArrowRight")
    page.keyboard.press("Enter")  # open the cell editor
    page.wait_for_timeout(500)
    page.keyboard.press("Control+a")
    page.keyboard.type(value)
    page.wait_for_timeout(300)
    page.keyboard.press("Enter")  # commit: the app reruns
    committed = time.perf_counter()
    if not commit_timer:
        wait_idle(page)
    return committed


def test_browser_tabs_edit_and_download(page: Any, tmp_path: Path) -> None:
    shots = tmp_path / "screenshots"
    shots.mkdir()
    wait_for_text(page, "Total contributions")
    wait_idle(page)
    assert "Mid Kent Improvement Partnership" in page.locator("h1").first.inner_text()
    page.screenshot(path=str(shots / "01-contributions.png"), full_page=True)

    # Every topic tab shows its figures.
    expected = {"Year end": "£20,709.75", "Shared services": "Net cost to share",
                "Settlement": "Payments to make", "Investments": "Portfolio NPV",
                "Monitoring": "Savings delivered"}
    for i, (tab, text) in enumerate(expected.items(), start=2):
        main_tab(page, tab).click()
        active_panel(page).get_by_text(text).first.wait_for(state="visible")
        page.wait_for_timeout(400)  # charts draw after the tab shows
        page.screenshot(path=str(shots / f"0{i}-{tab.lower().replace(' ', '-')}.png"),
                        full_page=True)

    # Edit a cell: Maidstone's population 142,800 -> 150,000 on the Data tab.
    type_population(page, "150000")
    page.screenshot(path=str(shots / "07-data-edited.png"), full_page=True)

    main_tab(page, "Contributions").click()
    wait_for_text(page, "£114,930.00")
    main_tab(page, "Year end").click()
    wait_for_text(page, "£21,789.75")  # the refund follows the edit
    page.screenshot(path=str(shots / "08-year-end-after-edit.png"), full_page=True)

    # Download the board report and the JSON result of the edited book.  A tab drawn
    # on opening, and a download, each run the page: a click during a run can be lost.
    wait_idle(page)
    with page.expect_download() as dl:
        page.get_by_role("button", name="Result (JSON)").click()
    result = json.loads(Path(dl.value.path()).read_text(encoding="utf-8"))
    assert result["contributions"]["total"] == "114930.00"
    wait_idle(page)
    page.mouse.move(5, 5)  # the JSON button's help, shown on hover, can cover the next
    page.locator("#stFloatingOverlayPortal [role=tooltip]").wait_for(state="hidden")
    with page.expect_download() as dl:
        page.get_by_role("button", name="Board report (Excel)").click()
    report = tmp_path / dl.value.suggested_filename
    dl.value.save_as(report)
    assert report.name == "mid-kent-improvement-partnership-2025-26-with-changes.xlsx"
    import openpyxl

    wb = openpyxl.load_workbook(report)
    assert len(wb.sheetnames) > 3
    cover = [str(c.value) for row in wb["Cover"].iter_rows() for c in row if c.value]
    assert "Edited in the app: Populations row 2, Population: 142,800 → 150,000" in cover
    page.screenshot(path=str(shots / "09-after-download.png"), full_page=True)

    # Letters cannot be typed into a number column: the population stays 150,000.
    type_population(page, "abc")
    assert "is not a whole number" not in page.locator("body").inner_text()
    main_tab(page, "Contributions").click()
    wait_for_text(page, "£114,930.00")
    # A bad edit: every problem located, the last good figures kept, no traceback.
    type_population(page, "2025", right=1)
    wait_for_text(page, "populations row 2, column year: '2025' is not a financial year")
    page.screenshot(path=str(shots / "10-bad-edit-data.png"), full_page=True)
    main_tab(page, "Contributions").click()
    wait_for_text(page, "£114,930.00")  # the last good figures stay on screen
    assert "Traceback" not in page.locator("body").inner_text()
    page.screenshot(path=str(shots / "11-bad-edit-figures.png"), full_page=True)
    for png in sorted(shots.glob("*.png")):
        assert png.stat().st_size > 10_000, f"{png.name} looks blank"


def test_browser_a_value_typed_then_another_tab_clicked_is_kept(page: Any) -> None:
    """Type a population and click another tab at once (no waiting for the run): the
    figures include it (it was once lost, the editor not being drawn in that run)."""
    wait_for_text(page, "Total contributions")
    wait_idle(page)
    type_population(page, "150000", commit_timer=True)  # Enter pressed, no waiting
    main_tab(page, "Contributions").click()
    wait_for_text(page, "£114,930.00")
    wait_idle(page)
    assert page.get_by_text("£114,930.00").first.is_visible()


def populations_row(page: Any, expect: str) -> tuple[tuple[int, int, int], list[str]]:
    """Maidstone's row in the Populations editor (Data tab, Partnership group): the
    colour its Check cell is painted (the grid draws on a canvas: the commonest pixel of
    the cell), waiting up to 10 s for the CSS background ``expect`` (the browser may be
    slow to paint under load), and its cells' values (from the grid's accessible table)."""
    from PIL import Image

    grid = active_panel(page).locator('[role="tabpanel"]:visible [data-testid="stDataFrame"]')
    grid = grid.nth(2)
    page.mouse.move(5, 5)  # no hover on the grid
    colour = (0, 0, 0)
    for _ in range(40):
        page.wait_for_timeout(250)
        box = grid.bounding_box()
        assert box is not None
        png = page.screenshot(clip={"x": box["x"] + 140, "y": box["y"] + 35 + 10,
                                    "width": 50, "height": 14})
        colours = Image.open(io.BytesIO(png)).convert("RGB").getcolors(10_000) or []
        colour = max(colours)[1]
        if near(colour, expect):
            break
    return colour, grid.locator('[role="gridcell"]').all_inner_texts()[:5]


def near(colour: tuple[int, int, int], css: str) -> bool:
    """Whether a painted colour is the CSS ``background-color`` given (within 6 a
    channel: the canvas blends)."""
    hexa = css.split("background-color: #")[1][:6]
    want = tuple(int(hexa[i:i + 2], 16) for i in (0, 2, 4))
    return all(abs(a - b) <= 6 for a, b in zip(colour, want, strict=True))


def test_browser_the_check_column_marks_each_edit_and_keeps_the_edits(page: Any) -> None:
    """In Chromium: an edited population paints its row's Check cell yellow, a bad year
    then paints it red and the population edit stays, and the year put right brings the
    yellow back (the marks change without the editor starting again)."""
    from finance.appdata.marks import COLOURS

    wait_for_text(page, "Total contributions")
    wait_idle(page)
    type_population(page, "150000")
    colour, cells = populations_row(page, COLOURS["changed"])
    assert near(colour, COLOURS["changed"]), colour
    assert cells[2:] == ["MBC", "2008-09", "150000"]
    type_population(page, "2025-6", right=1)  # not a financial year
    colour, cells = populations_row(page, COLOURS["error"])
    assert near(colour, COLOURS["error"]), colour
    assert cells[2:] == ["MBC", "2025-6", "150000"]  # the first edit kept
    type_population(page, "2008-09", right=1)
    colour, cells = populations_row(page, COLOURS["changed"])
    assert near(colour, COLOURS["changed"]), colour
    assert cells[2:] == ["MBC", "2008-09", "150000"]


def test_browser_scenario_leaver_and_its_toml(page: Any, tmp_path: Path) -> None:
    """Build a leaver scenario with the controls (Maidstone leaves on 30 September, the
    defaults), see the change, download the TOML, and run it with ``mkip compare``: the
    same figures."""
    wait_for_text(page, "Total contributions")
    wait_idle(page)
    main_tab(page, "Scenarios").click()
    panel = active_panel(page)
    panel.get_by_text("Add a scenario on the left").first.wait_for(state="visible")
    panel.get_by_role("button", name="Add scenario").click()
    wait_idle(page)
    name = "Maidstone Borough Council leaves on 30 September 2025"
    panel.get_by_text(name).first.wait_for(state="visible")  # in the list of scenarios
    page.wait_for_timeout(800)  # the table draws (a canvas; its cells are in the DOM too)
    assert panel.locator("th", has_text="S1 change").count() > 0
    page.screenshot(path=str(tmp_path / "scenarios.png"), full_page=True)
    wait_idle(page)
    with page.expect_download() as dl:
        panel.get_by_role("button", name="Scenarios (.toml)").click()
    toml = tmp_path / "scenarios.toml"
    dl.value.save_as(toml)
    proc = subprocess.run([sys.executable, "-m", "finance", "compare", "--scenarios",
                           str(toml), "--json"], cwd=ROOT, capture_output=True, text=True,
                          timeout=120)
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)
    assert [s["name"] for s in doc["scenarios"]] == [name]
    mbc = next(p for p in doc["scenarios"][0]["parties"] if p["party"] == "MBC")
    change = mbc["services"]["change"]  # shown on screen in brackets, as finance reads it
    shown = f"(£{float(change.lstrip('-')):,.2f})" if change.startswith("-") else \
        f"£{float(change):,.2f}"
    assert panel.locator("td", has_text=shown).count() > 0, shown


#: Each visible table's name (the bold title above it) and its widths: the grid's (or the
#: page table's) content and the box it has on screen.
TABLE_WIDTHS = """() => [...new Set([...document.querySelectorAll('[role="tabpanel"]')]
  .filter(p => p.offsetParent !== null)
  .flatMap(p => [...p.querySelectorAll('[data-testid="stDataFrame"], [data-testid="stTable"]')]))]
  .filter(e => e.offsetParent !== null)
  .map(e => {
    const grid = e.querySelector('.dvn-scroller') || e.querySelector('table');
    const box = e.closest('[data-testid="stElementContainer"]');
    let title = '';
    for (let s = box && box.previousElementSibling; s && !title; s = s.previousElementSibling)
      title = (s.innerText || '').trim().split('\\n')[0];
    const shown = grid && grid.tagName === 'TABLE' ? e.clientWidth : grid && grid.clientWidth;
    return {title, content: grid ? grid.scrollWidth : 0, shown: shown || 0};
  })"""


#: Each visible page table's columns whose heading does not line up as its cells do (a
#: heading left-aligned over right-aligned figures), and how many figure columns it has.
HEADINGS_ALIGNED = """() => [...document.querySelectorAll('[role="tabpanel"]')]
  .filter(p => p.offsetParent !== null)
  .flatMap(p => [...p.querySelectorAll('[data-testid="stTable"] table')])
  .filter(t => t.offsetParent !== null)
  .map(t => {
    const heads = [...t.querySelectorAll('thead th')];
    const row = t.querySelector('tbody tr');
    const cells = row ? [...row.querySelectorAll('td')] : [];
    const align = e => getComputedStyle(e).textAlign;
    return {
      right: cells.filter(c => align(c) === 'right').length,
      off: heads.map((h, i) => cells[i] && align(cells[i]) !== align(h)
                     ? h.innerText + ': ' + align(h) + ' over ' + align(cells[i]) : '')
                .filter(x => x)};
  })"""


def tables_too_wide(page: Any) -> list[str]:
    """The visible tables whose columns do not fit their box (they would scroll sideways
    and cut the last column)."""
    return [f"{t['title'] or '(untitled)'}: {t['content']} px in {t['shown']} px"
            for t in page.evaluate(TABLE_WIDTHS) if t["content"] > t["shown"] + 1]


@pytest.mark.parametrize("width", [1280, 1440])
def test_every_table_fits_its_box(server: str, width: int, tmp_path: Path) -> None:
    """At 1280 and 1440 px, sidebar open, every table of every tab (expanders opened, and
    a scenario added) and every input table on the Data tab shows all its columns
    without scrolling sideways (but two editors at 1280 px, named below), and in every
    table shown whole on the page each heading lines up as its cells do (over figures,
    right)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": width, "height": 1400})
            page.set_default_timeout(60_000)
            page.goto(server)
            wait_for_text(page, "Total contributions")
            wait_idle(page)
            main_tab(page, "Scenarios").click()
            active_panel(page).get_by_role("button", name="Add scenario").click()
            wait_idle(page)
            seen, wide, figures, askew = 0, [], 0, []
            for tab in TOPICS:
                main_tab(page, tab).click()
                wait_idle(page)  # the tab is drawn when it opens
                for summary in active_panel(page).locator(
                        '[data-testid="stExpander"] summary').all():
                    summary.click()
                page.wait_for_timeout(800)  # the grids measure their columns once drawn
                seen += len(page.evaluate(TABLE_WIDTHS))
                wide += [f"{tab}: {t}" for t in tables_too_wide(page)]
                aligned = page.evaluate(HEADINGS_ALIGNED)
                figures += sum(t["right"] for t in aligned)
                askew += [f"{tab}: {o}" for t in aligned for o in t["off"]]
                if tab in ("Shared services", "Investments", "Scenarios"):
                    page.screenshot(path=str(tmp_path / f"{width}-{tab}.png"), full_page=True)
            for group in TABLE_GROUPS:  # the Data tab's input tables, group by group
                active_panel(page).get_by_role("tab", name=group, exact=True).click()
                wait_idle(page)
                page.wait_for_timeout(800)
                seen += len(page.evaluate(TABLE_WIDTHS))
                wide += [f"Data, {group}: {t}" for t in tables_too_wide(page)]
        finally:
            browser.close()
    assert seen >= 40, seen  # the tables were there to measure
    # Beside the sidebar at 1280 px, the two input tables of eight columns scroll
    # sideways in their editors (their Row and Check columns stay in view); at 1440 px
    # every table fits.
    scrolls = [TABLE_NOTES[t][:30] for t in ("services", "projects")] if width < 1440 else []
    assert [w for w in wide if not any(n in w for n in scrolls)] == []
    assert len(wide) == len(scrolls), wide
    assert figures >= 40, figures  # right-aligned figure columns in page tables
    assert askew == []  # every heading lines up as its figures do


def test_browser_budget_tab_at_1280(server: str, tmp_path: Path) -> None:
    """The Budget tab at 1280 px: the year ahead's figures, an assumption typed (the
    2027-28 central budget follows it) and the councils' notices downloaded."""
    import zipfile

    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            pg = browser.new_context(viewport={"width": 1280, "height": 2000},
                                     accept_downloads=True).new_page()
            pg.set_default_timeout(60_000)
            pg.goto(server)
            wait_for_text(pg, "£112,770.00")
            main_tab(pg, "Budget").click()
            wait_for_text(pg, "Central fund")
            wait_idle(pg)
            assert pg.get_by_text("£18,470.00").first.is_visible()  # the surplus at 30p
            box = pg.get_by_role("spinbutton", name="Inflation from 2026-27 (%)").first
            box.fill("10")
            box.press("Enter")
            wait_for_text(pg, "£103,730.00")  # £94,300.00 + 10% in 2027-28
            wait_idle(pg)
            with pg.expect_download() as got:
                pg.get_by_role("button", name="Each council's notice (PDFs, zip)").click()
            target = tmp_path / got.value.suggested_filename
            got.value.save_as(target)
            assert target.name == "mid-kent-improvement-partnership-2026-27-budget-councils.zip"
            assert len(zipfile.ZipFile(target).namelist()) == 3
        finally:
            browser.close()
