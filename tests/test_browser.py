"""The web app in a real browser (chromium through Playwright): load, switch tabs, edit a
cell, download the board report, with screenshots saved under the test's tmp folder.

Needs Debian's chromium at /usr/bin/chromium (``apt-get install chromium``).  Without it
the test is skipped, except under ``CI=true``, where it fails: CI must run it.

Nothing here waits a fixed time: every step waits for what it needs (a run of the app
finished, a text shown, a grid drawn and measured, a cell selected), each with a
generous time limit, so that a busy machine makes the tests slower, not flaky.  A run
is followed through the page's WebSocket (:data:`WATCH_RUNS`), since the app's own
"running" mark shows only once the server has started the run a click asked for.
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
from collections.abc import Callable, Iterator
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
#: How long any one wait may take (ms): long, for a machine busy with other work.
WAIT_MS = 60_000

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def need_chromium() -> None:
    if CHROMIUM.exists():
        return
    reason = f"{CHROMIUM} is missing: install Debian's chromium (apt-get install chromium)"
    if os.environ.get("CI") == "true":
        pytest.fail(reason + " — required under CI=true")
    pytest.skip(reason)


@contextmanager
def launched() -> Iterator[Any]:
    """Debian's Chromium, headless, started by Playwright (its ``Browser``) and closed
    when the block ends, failing or not: for the tests, the benchmarks and the README's
    pictures."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_healthy(url: str, proc: subprocess.Popen[bytes], log: Path, timeout: float = 90) -> None:
    """Poll the server's health endpoint until it answers ``ok`` (or the server exits, or
    ``timeout`` seconds pass: an error with its log)."""
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
        time.sleep(0.1)  # the interval between two polls of the condition
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


# --------------------------------------------------------------------------- waiting

#: Run in each page before the app's own scripts (:func:`watch_runs`), it follows the
#: app's runs on the page's WebSocket.  ``sent``: the runs the page has asked for (each
#: BackMsg ``rerun_script``, field 11, whose first byte is 0x5a); ``started``: how many of
#: those the run in progress has seen (set when a ``new_session`` arrives, ForwardMsg
#: field 4: the server starts a run only after it has read every request before it);
#: ``settled``: the same for the last run that finished (``script_finished``, field 6,
#: unless it was cut short for another run, status 2).  The app is idle once
#: ``settled`` has caught up with ``sent`` and it shows no run going.
WATCH_RUNS = r"""() => {
  if (window.__runs) return;
  const runs = window.__runs = {sent: 0, started: 0, settled: 0, finished: 0, watching: false};
  const bytes = d => d instanceof ArrayBuffer ? new Uint8Array(d)
    : ArrayBuffer.isView(d) ? new Uint8Array(d.buffer, d.byteOffset, d.byteLength) : null;
  const send = WebSocket.prototype.send;
  WebSocket.prototype.send = function (data) {
    const b = bytes(data);
    if (b && b[0] === 0x5a) runs.sent += 1;
    return send.call(this, data);
  };
  const kind = b => {  // the message's type, from its top-level fields
    let i = 0;
    const varint = () => {
      let v = 0, m = 1, x;
      do { x = b[i++]; v += (x & 127) * m; m *= 128; } while (x & 128 && i < b.length);
      return v;
    };
    while (i < b.length) {
      const tag = varint(), field = Math.floor(tag / 8), wire = tag % 8;
      if (wire === 0) {
        const v = varint();
        if (field === 6) return v === 2 ? 'cut short' : 'finished';
      } else if (wire === 2) {
        if (field === 4) return 'started';
        const n = varint();  // (not i += varint(): that adds to i as it was before)
        i += n;
      } else if (wire === 1) i += 8;
      else if (wire === 5) i += 4;
      else return '';
    }
    return '';
  };
  const Native = window.WebSocket;
  window.WebSocket = class extends Native {
    constructor(...args) {
      super(...args);
      runs.watching = true;
      this.addEventListener('message', e => {
        const b = bytes(e.data), k = b ? kind(b) : '';
        if (k === 'started') runs.started = runs.sent;
        else if (k === 'finished') { runs.settled = runs.started; runs.finished += 1; }
      });
    }
  };
}"""

#: Whether the app has finished every run asked for, and shows so (the app's root
#: element's ``data-test-script-state``: ``initial`` before the first run, then
#: ``running`` or ``notRunning``).  A page not watched from its opening has only the
#: latter to go by.
IDLE = """() => {
  const app = document.querySelector('[data-testid="stApp"]');
  const runs = window.__runs;
  return !!app && app.getAttribute('data-test-script-state') === 'notRunning'
    && (!runs || !runs.watching || runs.settled >= runs.sent);
}"""

#: Resolves once the browser has drawn two more frames (what a finished run changed is
#: on screen).
NEXT_FRAMES = "() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))"


def watch_runs(target: Any) -> None:
    """Have ``target`` (a Playwright browser context or page, before it opens the app)
    follow the app's runs on every page it opens, for :func:`wait_idle`."""
    target.add_init_script(script=f"({WATCH_RUNS})()")


def open_app(browser: Any, url: str, **context: Any) -> Any:
    """A page of a new browser context (``context``: its options) that follows the app's
    runs, opened at ``url``."""
    ctx = browser.new_context(**context)
    watch_runs(ctx)
    page = ctx.new_page()
    page.set_default_timeout(WAIT_MS)
    page.goto(url)
    return page


def runs_asked(page: Any) -> int:
    """How many runs the page has asked the app for so far."""
    return int(page.evaluate("() => window.__runs ? window.__runs.sent : 0"))


def wait_idle(page: Any, timeout_ms: float = WAIT_MS) -> None:
    """Wait until the app has finished every run the page has asked for, and the browser
    has drawn it.  A page watched from its opening (:func:`open_app`, :func:`watch_runs`)
    is followed on its WebSocket; any other page, from now on, and until then by the
    app's own mark alone."""
    page.evaluate(WATCH_RUNS)
    page.wait_for_function(IDLE, timeout=timeout_ms)
    page.evaluate(NEXT_FRAMES)


def rerun_by(page: Any, action: Callable[[], Any], what: str = "the action") -> None:
    """Do ``action``, which asks the app for a run (a click, an Enter), then wait until
    the page has sent that request and the app has finished it."""
    page.evaluate(WATCH_RUNS)
    before = runs_asked(page)
    action()
    try:
        page.wait_for_function("n => window.__runs.sent > n", arg=before, timeout=WAIT_MS)
    except Exception as exc:
        raise AssertionError(f"{what} asked the app for no run") from exc
    wait_idle(page)


def main_tab(page: Any, name: str) -> Any:
    """The app's top-level tab called ``name`` (the first tab list on the page)."""
    return page.get_by_role("tab", name=name, exact=True).first


def active_panel(page: Any) -> Any:
    return page.locator('[role="tabpanel"]:visible').first


def select_tab(page: Any, tab: Any) -> None:
    """Open ``tab`` (a locator) and wait for the run that draws it (none if it is open
    already: the app draws only the open tab, and a click on it asks for nothing)."""
    wait_idle(page)
    if tab.get_attribute("aria-selected") == "true":
        return
    rerun_by(page, tab.click, "opening a tab")


def open_topic(page: Any, name: str) -> None:
    """Open the app's topic tab ``name`` and wait until it is drawn."""
    select_tab(page, main_tab(page, name))


def wait_for_text(page: Any, text: str) -> None:
    page.get_by_text(text, exact=False).first.wait_for(state="visible")


#: A description of what the open tab shows (its tables and charts, each with its size),
#: or ``null`` while any of it is not drawn yet: an element still loading (Streamlit
#: shows a skeleton while an element's code loads), left over from the run before, a
#: grid with no canvas or no measured scroller, a page table not laid out, a chart with
#: no marks drawn.
DRAWN = """() => {
  const panels = [...document.querySelectorAll('[role="tabpanel"]')]
    .filter(p => p.offsetParent !== null);
  const shown = sel => [...new Set(panels.flatMap(p => [...p.querySelectorAll(sel)]))]
    .filter(e => e.offsetParent !== null);
  if (shown('[data-testid="stSkeleton"], [data-testid="stSkeletonElement"], '
            + '[data-stale="true"]').length) return null;
  const parts = [];
  for (const e of shown('[data-testid="stDataFrame"]')) {
    const s = e.querySelector('.dvn-scroller'), c = e.querySelector('canvas');
    if (!s || !c || !s.clientWidth || !s.scrollWidth || !c.width) return null;
    parts.push('grid ' + s.scrollWidth + '/' + s.clientWidth);
  }
  for (const e of shown('[data-testid="stTable"]')) {
    const t = e.querySelector('table');
    if (!t || !t.rows.length || !e.clientWidth) return null;
    parts.push('table ' + t.scrollWidth + '/' + e.clientWidth);
  }
  for (const e of shown('[data-testid="stVegaLiteChart"]')) {
    const m = e.querySelector('.marks');
    if (!m || !m.getBoundingClientRect().width) return null;
    parts.push('chart ' + Math.round(m.getBoundingClientRect().width));
  }
  return parts.join('; ');
}"""

#: True once :data:`DRAWN` has given the same answer (not ``null``) ``arg`` frames running.
DRAWN_STEADY = f"""(need) => {{
  const now = ({DRAWN})();
  const w = window.__drawn || (window.__drawn = {{last: null, same: 0}});
  if (now === null || now !== w.last) {{ w.last = now; w.same = 0; return false; }}
  w.same += 1;
  return w.same >= need ? (now || 'nothing') : false;
}}"""


def wait_drawn(page: Any, frames: int = 3) -> str:
    """Wait until the open tab's run has finished and every table, grid and chart it
    shows is drawn and measured, the same for ``frames`` frames running; what it shows
    (a line per element)."""
    wait_idle(page)
    page.evaluate("() => { window.__drawn = null; }")
    return str(page.wait_for_function(DRAWN_STEADY, arg=frames, polling="raf",
                                      timeout=WAIT_MS).json_value())


def open_expanders(page: Any) -> int:
    """Open every closed expander of the open tab; how many there are."""
    summaries = active_panel(page).locator('[data-testid="stExpander"] summary')
    for summary in summaries.all():
        details = summary.locator("xpath=..")
        if details.get_attribute("open") is None:
            summary.click()
    count = summaries.count()
    page.wait_for_function(
        """n => [...document.querySelectorAll('[role="tabpanel"]')]
                .filter(p => p.offsetParent !== null)
                .flatMap(p => [...p.querySelectorAll('[data-testid="stExpander"] details')])
                .filter(d => d.offsetParent !== null && d.open).length >= n""",
        arg=count, timeout=WAIT_MS)
    return count


# --------------------------------------------------------------------------- the grid


def populations_grid(page: Any) -> Any:
    """The Populations editor (Data tab, Partnership group: settings, parties,
    populations, years)."""
    grid = active_panel(page).locator('[role="tabpanel"]:visible [data-testid="stDataFrame"]')
    return grid.nth(2)


def wait_grid_drawn(page: Any, grid: Any) -> None:
    """Wait until ``grid`` is drawn: its canvas sized and its cells listed (the grid keeps
    an accessible table of its cells beside the canvas it paints)."""
    grid.wait_for(state="visible")
    handle = grid.element_handle()
    page.wait_for_function(
        """e => { const s = e.querySelector('.dvn-scroller'), c = e.querySelector('canvas');
                  return !!s && !!c && c.width > 0 && s.clientWidth > 0
                         && e.querySelectorAll('[role="gridcell"]').length > 0; }""",
        arg=handle, timeout=WAIT_MS)


def selected_cell(grid: Any, column: int, row: int = 0) -> Any:
    """The grid's cell at ``column`` (1: its first column after the row selector) and
    ``row`` (0: the first), once the grid marks it selected."""
    return grid.locator(f'#glide-cell-{column}-{row}[aria-selected="true"]')


#: The grid's cell editor, once open (it is drawn over the grid, outside it).
CELL_EDITOR = "#portal .gdg-input"


def type_population(page: Any, value: str, right: int = 2, commit_timer: bool = False
                    ) -> float:
    """Type ``value`` into Maidstone's population cell (Data tab, Populations table), or
    the cell ``right`` columns from its party (1: the year).  With ``commit_timer`` it
    returns at once when the Enter that commits the cell is pressed (its time, for a
    benchmark); else it waits until the grid has sent the edit and the app's run has
    finished."""
    from playwright.sync_api import expect

    open_topic(page, "Data")  # each tab is drawn when it opens: let the run finish first
    select_tab(page, active_panel(page).get_by_role("tab", name="Partnership", exact=True))
    grid = populations_grid(page)
    grid.scroll_into_view_if_needed()
    wait_grid_drawn(page, grid)
    box = grid.bounding_box()
    assert box is not None
    # Columns: row selector, Row, Check, party, year, population.  Click the first data
    # row's Check cell, then move right to its party and on to its population.  The grid
    # only takes a click that follows a pointer move, so come in from outside it.
    x, y = box["x"] + 130, box["y"] + 35 + 17
    page.mouse.move(x + 200, box["y"] - 40)
    page.mouse.move(x, y, steps=5)
    page.mouse.click(x, y)
    selected_cell(grid, 2).wait_for(state="attached")  # the Check cell
    for _ in range(right + 1):
        page.keyboard.press("ArrowRight")
    selected_cell(grid, 3 + right).wait_for(state="attached")
    page.keyboard.press("Enter")  # open the cell editor
    editor = page.locator(CELL_EDITOR)
    editor.wait_for(state="visible")
    page.wait_for_function("() => document.activeElement?.classList.contains('gdg-input')")
    page.evaluate(NEXT_FRAMES)  # the editor set up (it selects its text once drawn)
    page.keyboard.press("Control+a")
    page.keyboard.type(value)
    page.wait_for_function("v => document.activeElement?.value === v", arg=value)
    # The editor takes in what was typed after the frame that draws it: an Enter pressed
    # before then commits the cell's old value.
    page.evaluate(NEXT_FRAMES)
    asked = runs_asked(page)
    page.keyboard.press("Enter")  # commit: the grid sends the edit, the app reruns
    committed = time.perf_counter()
    if not commit_timer:
        editor.wait_for(state="detached")
        # the grid shows the value at once (and sends it 150 ms later)
        expect(grid.locator(f"#glide-cell-{3 + right}-0")).to_have_text(
            value, timeout=WAIT_MS)
        try:
            page.wait_for_function("n => window.__runs.sent > n", arg=asked, timeout=WAIT_MS)
        except Exception as exc:
            raise AssertionError(f"the grid sent no edit after {value!r}") from exc
        wait_idle(page)
    return committed


# --------------------------------------------------------------------------- fixtures


@pytest.fixture
def server(tmp_path: Path) -> Iterator[str]:
    """The app served on 127.0.0.1 for the test (stopped by its process id after): its
    URL."""
    need_chromium()
    with serve_app(tmp_path / "streamlit.log") as url:
        yield url


@pytest.fixture
def chromium() -> Iterator[Any]:
    """Headless Chromium (Playwright's ``Browser``), closed after the test."""
    need_chromium()
    with launched() as browser:
        yield browser


@pytest.fixture
def page(server: str, chromium: Any) -> Any:
    """The app open in a page 1440 px wide that follows the app's runs."""
    return open_app(chromium, server, viewport={"width": 1440, "height": 2200},
                    accept_downloads=True)


# --------------------------------------------------------------------------- tests


def test_browser_tabs_edit_and_download(page: Any, tmp_path: Path) -> None:
    shots = tmp_path / "screenshots"
    shots.mkdir()
    wait_for_text(page, "Total contributions")
    wait_drawn(page)
    assert "Mid Kent Improvement Partnership" in page.locator("h1").first.inner_text()
    page.screenshot(path=str(shots / "01-contributions.png"), full_page=True)

    # Every topic tab shows its figures.
    expected = {"Year end": "£20,709.75", "Shared services": "Net cost to share",
                "Settlement": "Payments to make", "Investments": "Portfolio NPV",
                "Monitoring": "Savings delivered"}
    for i, (tab, text) in enumerate(expected.items(), start=2):
        open_topic(page, tab)
        active_panel(page).get_by_text(text).first.wait_for(state="visible")
        wait_drawn(page)  # its charts and tables drawn before the picture
        page.screenshot(path=str(shots / f"0{i}-{tab.lower().replace(' ', '-')}.png"),
                        full_page=True)

    # Edit a cell: Maidstone's population 142,800 -> 150,000 on the Data tab.
    type_population(page, "150000")
    page.screenshot(path=str(shots / "07-data-edited.png"), full_page=True)

    open_topic(page, "Contributions")
    wait_for_text(page, "£114,930.00")
    open_topic(page, "Year end")
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
    wait_idle(page)
    assert report.name == "mid-kent-improvement-partnership-2025-26-with-changes.xlsx"
    import openpyxl

    wb = openpyxl.load_workbook(report)
    assert len(wb.sheetnames) > 3
    cover = [str(c.value) for row in wb["Cover"].iter_rows() for c in row if c.value]
    assert "Edited in the app: Populations row 2, Population: 142,800 → 150,000" in cover
    page.screenshot(path=str(shots / "09-after-download.png"), full_page=True)

    # Letters typed into a number column are kept as typed, and located as a problem;
    # the last good figures stay on screen.
    type_population(page, "abc")
    wait_for_text(page, "populations row 2, column population: 'abc' is not a whole number")
    open_topic(page, "Contributions")
    wait_for_text(page, "£114,930.00")
    assert "Traceback" not in page.locator("body").inner_text()
    # Put right, then another bad edit: every problem located, the last good figures
    # kept, no traceback.
    type_population(page, "150000")
    assert "is not a whole number" not in page.locator("body").inner_text()
    type_population(page, "2025", right=1)
    wait_for_text(page, "populations row 2, column year: '2025' is not a financial year")
    page.screenshot(path=str(shots / "10-bad-edit-data.png"), full_page=True)
    open_topic(page, "Contributions")
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
    wait_idle(page)  # every run asked for, the grid's late send's too, has finished
    assert main_tab(page, "Contributions").get_attribute("aria-selected") == "true"
    assert page.get_by_text("£114,930.00").first.is_visible()
    open_topic(page, "Data")
    wait_for_text(page, "Changed here: Populations row 2, Population: 142,800 → 150,000")


def populations_row(page: Any, expect: str, cells: list[str]
                    ) -> tuple[tuple[int, int, int], list[str]]:
    """Maidstone's row in the Populations editor (Data tab, Partnership group): the
    colour its Check cell is painted (the grid draws on a canvas: the commonest pixel of
    the cell) and its cells' values after the row number and Check (from the grid's
    accessible table), once they are the CSS background ``expect`` and ``cells``, or as
    they are after 30 s of waiting (the grid paints a moment after the run that changed
    it, later under load)."""
    from PIL import Image

    grid = populations_grid(page)
    page.mouse.move(5, 5)  # no hover on the grid
    wait_grid_drawn(page, grid)
    deadline = time.monotonic() + 30
    while True:  # each poll takes a screenshot: no pause is needed between them
        box = grid.bounding_box()
        assert box is not None
        png = page.screenshot(clip={"x": box["x"] + 140, "y": box["y"] + 35 + 10,
                                    "width": 50, "height": 14})
        colours = Image.open(io.BytesIO(png)).convert("RGB").getcolors(10_000) or []
        best: Any = max(colours)[1]  # (count, (r, g, b))
        colour = (int(best[0]), int(best[1]), int(best[2]))
        shown = grid.locator('[role="gridcell"]').all_inner_texts()[2:5]
        if (near(colour, expect) and shown == cells) or time.monotonic() > deadline:
            return colour, shown


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
    colour, cells = populations_row(page, COLOURS["changed"], ["MBC", "2008-09", "150000"])
    assert near(colour, COLOURS["changed"]), colour
    assert cells == ["MBC", "2008-09", "150000"]
    type_population(page, "2025-6", right=1)  # not a financial year
    colour, cells = populations_row(page, COLOURS["error"], ["MBC", "2025-6", "150000"])
    assert near(colour, COLOURS["error"]), colour
    assert cells == ["MBC", "2025-6", "150000"]  # the first edit kept
    type_population(page, "2008-09", right=1)
    colour, cells = populations_row(page, COLOURS["changed"], ["MBC", "2008-09", "150000"])
    assert near(colour, COLOURS["changed"]), colour
    assert cells == ["MBC", "2008-09", "150000"]


def test_browser_scenario_leaver_and_its_toml(page: Any, tmp_path: Path) -> None:
    """Build a leaver scenario with the controls (Maidstone leaves on 30 September, the
    defaults), see the change, download the TOML, and run it with ``mkip compare``: the
    same figures."""
    wait_for_text(page, "Total contributions")
    open_topic(page, "Scenarios")
    panel = active_panel(page)
    panel.get_by_text("Add a scenario on the left").first.wait_for(state="visible")
    rerun_by(page, panel.get_by_role("button", name="Add scenario").click, "Add scenario")
    name = "Maidstone Borough Council leaves on 30 September 2025"
    panel.get_by_text(name).first.wait_for(state="visible")  # in the list of scenarios
    wait_drawn(page)  # the tables drawn (a grid's cells are in the DOM as well)
    assert panel.locator("th", has_text="S1 change").count() > 0
    page.screenshot(path=str(tmp_path / "scenarios.png"), full_page=True)
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
    wait_idle(page)
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


def too_wide(tables: list[dict[str, Any]]) -> list[str]:
    """Those of ``tables`` (``TABLE_WIDTHS``) whose columns do not fit their box (they
    would scroll sideways and cut the last column)."""
    return [f"{t['title'] or '(untitled)'}: {t['content']} px in {t['shown']} px"
            for t in tables if t["content"] > t["shown"] + 1]


def tables_too_wide(page: Any) -> list[str]:
    """The visible tables whose columns do not fit their box."""
    return too_wide(page.evaluate(TABLE_WIDTHS))



def measured_tables(page: Any) -> list[dict[str, Any]]:
    """Every table the open tab shows (``TABLE_WIDTHS``), once each is drawn and
    measured: as many as the tab has drawn (a table still loading is not skipped)."""
    drawn = wait_drawn(page)
    tables = page.evaluate(TABLE_WIDTHS)
    expected = sum(part.startswith(("grid ", "table ")) for part in drawn.split("; "))
    assert len(tables) == expected, (drawn, tables)
    assert all(t["shown"] > 0 and t["content"] > 0 for t in tables), tables
    return list(tables)


@pytest.mark.parametrize("width", [1280, 1440])
def test_every_table_fits_its_box(server: str, chromium: Any, width: int,
                                  tmp_path: Path) -> None:
    """At 1280 and 1440 px, sidebar open, every table of every tab (expanders opened, and
    a scenario added) and every input table on the Data tab shows all its columns
    without scrolling sideways (but one editor at 1280 px, named below), and in every
    table shown whole on the page each heading lines up as its cells do (over figures,
    right)."""
    page = open_app(chromium, server, viewport={"width": width, "height": 1400})
    wait_for_text(page, "Total contributions")
    open_topic(page, "Scenarios")
    rerun_by(page, active_panel(page).get_by_role("button", name="Add scenario").click,
             "Add scenario")
    counts: dict[str, int] = {}
    wide: list[str] = []
    figures, askew = 0, []
    for tab in TOPICS:
        open_topic(page, tab)  # the tab is drawn when it opens
        open_expanders(page)
        tables = measured_tables(page)
        counts[tab] = len(tables)
        wide += [f"{tab}: {t}" for t in too_wide(tables)]
        aligned = page.evaluate(HEADINGS_ALIGNED)
        figures += sum(t["right"] for t in aligned)
        askew += [f"{tab}: {o}" for t in aligned for o in t["off"]]
        if tab in ("Shared services", "Investments", "Scenarios"):
            page.screenshot(path=str(tmp_path / f"{width}-{tab}.png"), full_page=True)
    for group in TABLE_GROUPS:  # the Data tab's input tables, group by group
        select_tab(page, active_panel(page).get_by_role("tab", name=group, exact=True))
        tables = measured_tables(page)
        counts[f"Data, {group}"] = len(tables)
        wide += [f"Data, {group}: {t}" for t in too_wide(tables)]
    # the tables were there to measure: every tab shows some (History none, with no year
    # closed), every group its editors
    assert [tab for tab, n in counts.items() if n == 0] == ["History"], counts
    assert sum(counts.values()) >= 40, counts
    # Beside the sidebar at 1280 px, the services input table (nine columns) scrolls
    # sideways in its editor (its Row and Check columns stay in view); at 1440 px every
    # table fits.
    scrolls = [TABLE_NOTES["services"][:30]] if width < 1440 else []
    assert [w for w in wide if not any(n in w for n in scrolls)] == []
    assert len(wide) == len(scrolls), wide
    assert figures >= 40, figures  # right-aligned figure columns in page tables
    assert askew == []  # every heading lines up as its figures do


def test_browser_budget_tab_at_1280(server: str, chromium: Any, tmp_path: Path) -> None:
    """The Budget tab at 1280 px: the year ahead's figures, an assumption typed (the
    2027-28 central budget follows it) and the councils' notices downloaded."""
    import zipfile

    pg = open_app(chromium, server, viewport={"width": 1280, "height": 2000},
                  accept_downloads=True)
    wait_for_text(pg, "£112,770.00")
    open_topic(pg, "Budget")
    wait_for_text(pg, "Central fund")
    assert pg.get_by_text("£18,470.00").first.is_visible()  # the surplus at 30p
    box = pg.get_by_role("spinbutton", name="Inflation from 2026-27 (%)").first
    box.fill("10")
    rerun_by(pg, lambda: box.press("Enter"), "the inflation typed")
    wait_for_text(pg, "£103,730.00")  # £94,300.00 + 10% in 2027-28
    with pg.expect_download() as got:
        pg.get_by_role("button", name="Each council's notice (PDFs, zip)").click()
    target = tmp_path / got.value.suggested_filename
    got.value.save_as(target)
    assert target.name == "mid-kent-improvement-partnership-2026-27-budget-councils.zip"
    assert len(zipfile.ZipFile(target).namelist()) == 3
