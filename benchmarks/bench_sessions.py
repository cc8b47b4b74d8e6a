"""Ten signed-in sessions at once, each changing a board decision, through nginx.

Everything as deployed, on loopback: ``scripts/serve`` on 127.0.0.2 with sign-in
(``[auth]`` pointing at the test OpenID Connect provider, ``tests/oidc``, on 127.0.0.1)
and a history database whose members are the sessions' people; nginx with
``deploy/nginx/mkip.conf`` in front of it over HTTPS (a self-signed certificate for
127.0.0.1, Debian's worker settings).  One headless Chromium, a browser context per
session: each signs in at the provider's own pages as its own member (preparers and
viewers in turn: both may change the sidebar's board decisions), opens the Year end tab,
then changes the refund share ``CHANGES`` times, alternating two values of its own.
Each change is timed, here, from the Enter that sends it to the Year end tab's refund
figure showing the new share and amount (the page's elements watched in the browser as
they change, by a MutationObserver; no fixed pause anywhere).

Every session's two values differ from every other session's, so a session that was
shown another's figures would show a refund no decision of its own gives: the amount
each value should give is worked out in this process first, and after each change the
page is read for any other session's refund.  Errors: any exception while driving a
page (a wait that timed out included), any Streamlit error element or exception shown,
and any script error in a page.

Target: the 95th percentile of the changes under 1.5 s.  Baselines, same run: the same
changes made by one session while the others sit idle, and the same recompute
in-process (``finance.appdata.run_safely``).  Printed too: the processor time that
Streamlit, Chromium, nginx and everything else on the machine used during the changes,
and what that means for ten changes at once on this machine's cores.

The history database: a fresh PostgreSQL database made with the server URL in
``MKIP_TEST_POSTGRES_URL`` (a role that may create databases; dropped afterwards), else
SQLite in a temporary folder.  Every process started (provider, app, nginx, Chromium) is
stopped by its process id, failing or not.

    MKIP_TEST_POSTGRES_URL=postgresql://USER:PASSWORD@127.0.0.1/postgres \\
        .venv/bin/python -m benchmarks.bench_sessions [SESSIONS] [CHANGES]
"""

from __future__ import annotations

import asyncio
import math
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

PARTNERSHIP = "Mid Kent Improvement Partnership"
CLIENT_ID, CLIENT_SECRET = "mkip-bench", "a-client-secret-for-benchmarks-only"
HEADLINE = "£112,770.00"  # the bundled book's total contributions, on the first tab
SIGN_IN = "Sign in with your council account"
TARGET_S = 1.5
WAIT_MS = 120_000  # for a page to open or sign in
CHANGE_MS = 30_000  # for a change's figure: longer counts as an error
GIVE_UP = 3  # a session stops after this many errors in a row
SIGNING_IN = 3  # sessions signing in at the same time (sign-in is not timed)
PG_ENV = "MKIP_TEST_POSTGRES_URL"
#: A Streamlit error box or exception on the page.
ERRORS = '[data-testid="stException"], [data-testid="stAlertContentError"]'
#: The refund metric of the Year end tab as the page shows it: [label, value], or null.
#: (``textContent``, not ``innerText``: reading it lays nothing out.)
REFUND_SHOWN = """() => {
  for (const m of document.querySelectorAll('[data-testid="stMetric"]')) {
    const l = m.querySelector('[data-testid="stMetricLabel"]');
    const v = m.querySelector('[data-testid="stMetricValue"]');
    if (l && v && l.textContent.trim().startsWith('Refund (')) {
      return [l.textContent.trim(), v.textContent.trim()];
    }
  }
  return null;
}"""
#: Resolves as soon as the refund metric shows [label, value]: checked at once, then on
#: every change to the page's elements (a MutationObserver; no polling, no pause).
REFUND_BECOMES = f"""([label, value, timeoutMs]) => new Promise((resolve, reject) => {{
  const shown = {REFUND_SHOWN};
  const done = () => {{ const s = shown(); return s !== null && s[0] === label
                                                 && s[1] === value; }};
  if (done()) {{ resolve(true); return; }}
  const seen = new MutationObserver(() => {{
    if (done()) {{ seen.disconnect(); clearTimeout(timer); resolve(true); }}
  }});
  seen.observe(document.body, {{subtree: true, childList: true, characterData: true}});
  const timer = setTimeout(() => {{
    seen.disconnect();
    reject(new Error(`the refund figure did not become ${{label}} ${{value}} in ` +
                     `${{timeoutMs}} ms; shown: ${{JSON.stringify(shown())}}`));
  }}, timeoutMs);
}})"""


@dataclass(frozen=True)
class Figure:
    """A refund share typed in the sidebar and what the Year end tab shows for it."""

    share: int  # percent, as typed
    label: str  # "Refund (35%)"
    value: str  # "£14,496.83"


@dataclass
class Session:
    """One browser context signed in as ``email``, changing between ``mine``."""

    email: str
    role: str
    mine: tuple[Figure, Figure]
    page: Any = None
    current: int | None = None  # the share on screen (None: the book's)
    times: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    foreign: list[str] = field(default_factory=list)  # other sessions' figures seen
    failed_in_a_row: int = 0


def figures(sessions: int) -> tuple[list[tuple[Figure, Figure]], float]:
    """Two refund shares for each session, all different and none the book's own, with
    the label and amount the Year end tab shows for each (worked out here, as the app
    works them out); and the median time of that recompute in this process (s)."""
    from finance import appdata as ad

    book = ad.parse_source(ad.bundled_source()).book
    assert book is not None
    year = book.year_labels[-1]  # the app opens on the latest year
    now = ad.book_decisions(book, year)
    pool = [s for s in range(5, 100) if ad.pct_input(s) != now.refund_share]
    if 2 * sessions > len(pool):
        raise ValueError(f"at most {len(pool) // 2} sessions")
    step = len(pool) // (2 * sessions)
    shares = pool[::step][:2 * sessions]
    made, times = [], []
    for s in shares:
        d = ad.Decisions(now.rate_pence, ad.pct_input(s), now.discount_rate,
                         now.financial_weight)
        t0 = time.perf_counter()
        result, _ = ad.run_safely(book, year, d)
        times.append(time.perf_counter() - t0)
        assert result is not None
        made.append(Figure(s, f"Refund ({ad.pct_text(result.year_end.refund_share)})",
                           ad.gbp(result.year_end.refund)))
    assert len({f.value for f in made}) == len(made), "two shares give the same refund"
    return [(made[2 * i], made[2 * i + 1]) for i in range(sessions)], statistics.median(times)


def members(sessions: int) -> dict[str, str]:
    """The sessions' people: preparers and viewers in turn."""
    return {f"member{i + 1:02d}@mbc.gov.uk": ("preparer", "viewer")[i % 2]
            for i in range(sessions)}


def percentile(xs: list[float], p: float) -> float:
    """The ``p``-th percentile by nearest rank (the 95th of 100: the 95th quickest)."""
    ordered = sorted(xs)
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


def cpu_by_program(server_pid: int) -> dict[str, float]:
    """CPU time (user and system, s) used so far by this process's descendants, by
    program: ``streamlit`` (the app, ``server_pid``), ``chromium``, ``nginx`` and
    ``other`` (the provider, Playwright's driver); and ``machine``, every process's
    (``/proc/stat``: all the time its cores were not idle)."""
    tick = os.sysconf("SC_CLK_TCK")
    stats: dict[int, tuple[int, str, float]] = {}
    for d in Path("/proc").iterdir():
        if d.name.isdigit():
            try:
                text = (d / "stat").read_text()
            except OSError:
                continue  # gone meanwhile
            name, rest = text[text.index("(") + 1:text.rindex(")")], text.rsplit(")", 1)[1]
            f = rest.split()
            stats[int(d.name)] = (int(f[1]), name, (int(f[11]) + int(f[12])) / tick)
    me, out = os.getpid(), dict.fromkeys(("streamlit", "chromium", "nginx", "other"), 0.0)
    for pid, (parent, name, cpu) in stats.items():
        up, seen = parent, 0
        while up not in (me, 0, 1) and up in stats and seen < 64:  # up to this process
            up, seen = stats[up][0], seen + 1
        if up != me:
            continue
        kind = ("streamlit" if pid == server_pid else "chromium" if name.startswith("chrom")
                else "nginx" if name.startswith("nginx") else "other")
        out[kind] += cpu
    busy = Path("/proc/stat").read_text().splitlines()[0].split()[1:]
    out["machine"] = (sum(int(x) for x in busy) - int(busy[3]) - int(busy[4])) / tick
    return out


@contextmanager
def history_database(folder: Path) -> Iterator[str]:
    """A fresh history database: on the PostgreSQL server of ``MKIP_TEST_POSTGRES_URL``
    (its tables made by ``mkip db upgrade``; dropped afterwards), else SQLite in
    ``folder``."""
    admin_url = os.environ.get(PG_ENV)
    if not admin_url:
        yield f"sqlite:///{folder / 'mkip.db'}"
        return
    from tests.conftest import scratch_postgres
    from tests.servers import MKIP

    with scratch_postgres(admin_url, "mkip_bench_") as url:
        done = subprocess.run([str(MKIP), "db", "upgrade", "--db", url],
                              capture_output=True, text=True, timeout=120)
        if done.returncode != 0:
            raise RuntimeError(f"mkip db upgrade failed: {done.stderr.strip()}")
        yield url


def missing() -> str | None:
    """What this machine lacks to run the benchmark (None: nothing)."""
    from tests.servers import oidc_missing, program
    from tests.test_browser import CHROMIUM

    for name in ("nginx", "openssl"):
        if program(name) is None:
            return f"{name} is missing: install Debian's {name} (apt-get install {name})"
    if not CHROMIUM.exists():
        return f"{CHROMIUM} is missing: install Debian's chromium (apt-get install chromium)"
    return oidc_missing()


# --------------------------------------------------------------------------- the browser


async def sign_in(s: Session, browser: Any, app: str, issuer: str) -> None:
    """A new browser context signed in as ``s.email`` at the provider's own pages, back
    at the app with its figures, on the Year end tab."""
    context = await browser.new_context(ignore_https_errors=True,
                                        viewport={"width": 1280, "height": 900})
    page = await context.new_page()
    page.set_default_timeout(WAIT_MS)
    page.on("pageerror", lambda e: s.errors.append(f"script error in the page: {e}"))
    s.page = page
    await page.goto(app)
    await page.get_by_text(SIGN_IN).first.wait_for(state="visible")
    await page.get_by_role("button", name="Sign in").click()
    await page.wait_for_url(f"{issuer}/interaction/**")
    await page.locator('input[name="login"]').fill(s.email)
    await page.locator('input[name="password"]').fill("any password at all")
    await page.get_by_role("button", name="Sign-in").click()
    await page.wait_for_url(f"{issuer}/interaction/**")  # the consent page
    await page.get_by_role("button", name="Continue").click()
    await page.wait_for_url(f"{app}/**")
    await page.get_by_text(HEADLINE).first.wait_for(state="visible")
    await page.get_by_role("tab", name="Year end", exact=True).first.click()
    await page.wait_for_function(REFUND_SHOWN)
    await idle(page)


async def idle(page: Any) -> None:
    """Until Streamlit's running indicator is gone (the script run finished)."""
    await page.locator('[data-testid="stStatusWidget"]').wait_for(state="hidden")


async def change(s: Session, others: dict[str, Figure]) -> None:
    """One change of ``s``'s refund share, to whichever of its two values is not on
    screen, timed from the Enter to the new figure; then the page checked for errors
    and for any other session's figure."""
    page = s.page
    new = s.mine[0] if s.current != s.mine[0].share else s.mine[1]
    box = page.locator('[data-testid="stSidebar"]').get_by_role(
        "spinbutton", name="Refund share (%)")
    try:
        await box.fill(str(new.share))
        t0 = time.perf_counter()
        await box.press("Enter")
        await page.evaluate(REFUND_BECOMES, [new.label, new.value, CHANGE_MS])
        s.times.append(time.perf_counter() - t0)
        s.current = new.share
        await idle(page)
    except Exception as exc:  # a timed-out wait included: counted, and the run goes on
        s.errors.append(f"{type(exc).__name__}: {str(exc).splitlines()[0]}")
    try:
        shown = await page.evaluate(REFUND_SHOWN)
        text = await page.evaluate("() => document.body.textContent")
        boxes = await page.locator(ERRORS).count()
    except Exception as exc:
        s.errors.append(f"{type(exc).__name__}: {str(exc).splitlines()[0]}")
        return
    if boxes:
        s.errors.append(f"{boxes} Streamlit error element(s) after {new.share}%")
    if s.current == new.share and (shown != [new.label, new.value] or new.label not in text
                                   or new.value not in text):
        s.errors.append(f"its own {new.share}% ({new.value}) was no longer shown")
    for whose, f in others.items():
        if (shown and shown[1] == f.value) or f.label in text or f.value in text:
            s.foreign.append(f"{whose}'s {f.share}% ({f.value})")


async def run(s: Session, changes: int, others: dict[str, Figure]) -> None:
    """``changes`` changes by ``s`` one after the other, each once the last one's run
    has finished; given up after ``GIVE_UP`` errors in a row."""
    for _ in range(changes):
        before = len(s.errors)
        await change(s, others)
        s.failed_in_a_row = s.failed_in_a_row + 1 if len(s.errors) > before else 0
        if s.failed_in_a_row >= GIVE_UP:
            s.errors.append(f"gave up after {GIVE_UP} errors in a row")
            return


async def drive(sessions: list[Session], app: str, issuer: str, changes: int,
                server_pid: int) -> dict[str, Any]:
    """Every session signed in; then the first one's changes alone (the baseline), then
    every session's at once, with the processor time used meanwhile."""
    from playwright.async_api import async_playwright

    from tests.test_browser import CHROMIUM, CHROMIUM_ARGS

    def others_of(me: Session) -> dict[str, Figure]:
        return {f"{o.email} ({o.role})": f for o in sessions if o is not me for f in o.mine}

    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            t0 = time.perf_counter()
            gate = asyncio.Semaphore(SIGNING_IN)

            async def signed_in(s: Session) -> None:
                async with gate:
                    await sign_in(s, browser, app, issuer)

            await asyncio.gather(*(signed_in(s) for s in sessions))
            signed_in_s = time.perf_counter() - t0

            # Baseline: the first session alone, the others signed in and idle.
            alone = sessions[0]
            await run(alone, changes, others_of(alone))
            alone_times, alone_errors = alone.times, alone.errors
            alone.times, alone.errors, alone.failed_in_a_row = [], [], 0

            cpu0, t0 = cpu_by_program(server_pid), time.perf_counter()
            await asyncio.gather(*(run(s, changes, others_of(s)) for s in sessions))
            wall_s, cpu1 = time.perf_counter() - t0, cpu_by_program(server_pid)
        finally:
            await browser.close()
    return {"signed_in_s": signed_in_s, "alone": alone_times,
            "alone_errors": alone_errors, "wall_s": wall_s,
            "cpu_s": {k: cpu1[k] - cpu0[k] for k in cpu0}}


# --------------------------------------------------------------------------- main


def main(sessions: int = 10, changes: int = 10) -> dict[str, Any]:
    from tests.servers import (
        NO_PROXY,
        add_members,
        auth_toml,
        nginx_proxy,
        oidc_provider,
        program,
        serve_env,
        served_app,
        sign_in_settings,
    )
    from tests.test_browser import free_port

    reason = missing()
    if reason is not None:
        raise RuntimeError(reason)
    nginx, openssl = program("nginx"), program("openssl")
    assert nginx is not None and openssl is not None
    pairs, compute_s = figures(sessions)
    people = members(sessions)
    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory(prefix="mkip-bench-sessions-") as tmp:
        work = Path(tmp)
        provider_port, app_port = free_port(), free_port()
        app_at = f"127.0.0.2:{app_port}"
        with history_database(work) as db, \
                nginx_proxy(work, app_at, nginx, openssl, workers="auto",
                            connections=768) as proxy:
            auth = sign_in_settings(proxy.url, f"http://127.0.0.1:{provider_port}",
                                    CLIENT_ID, CLIENT_SECRET)
            env = serve_env(work, auth_toml(auth), MKIP_ADDRESS="127.0.0.2",
                            MKIP_PORT=str(app_port), MKIP_DATABASE_URL=db,
                            MKIP_PARTNERSHIP=PARTNERSHIP)
            env["NO_PROXY"] = env["no_proxy"] = NO_PROXY
            add_members(env, people, PARTNERSHIP)
            with oidc_provider(work, provider_port, CLIENT_ID, CLIENT_SECRET,
                               auth["redirect_uri"]) as issuer, \
                    served_app(work, env, f"http://{app_at}") as served:
                ss = [Session(email, role, pair)
                      for (email, role), pair in zip(people.items(), pairs, strict=True)]
                try:
                    got = asyncio.run(drive(ss, proxy.url, issuer, changes, served.pid))
                except Exception:
                    print(served.log.read_text(errors="replace")[-4000:], file=sys.stderr)
                    raise
                app_log = served.log.read_text(errors="replace")
    load_after = os.getloadavg()
    times = [t for s in ss for t in s.times]
    errors = [f"{s.email}: {e}" for s in ss for e in s.errors]
    foreign = [f"{s.email} saw {f}" for s in ss for f in s.foreign]
    logged = [line for line in app_log.splitlines() if line.startswith("app: ")]
    alone = got["alone"]
    r: dict[str, Any] = {
        "sessions": sessions, "changes": len(times), "asked": sessions * changes,
        "p95_s": percentile(times, 95) if times else math.inf,
        "median_s": statistics.median(times) if times else math.inf,
        "max_s": max(times, default=math.inf),
        "alone_median_s": statistics.median(alone) if alone else math.inf,
        "alone_p95_s": percentile(alone, 95) if alone else math.inf,
        "compute_s": compute_s, "errors": errors + logged, "foreign": foreign,
        "alone_errors": got["alone_errors"], "times": times, "alone_times": alone,
        "wall_s": got["wall_s"], "cpu_s": got["cpu_s"],
        "signed_in_s": got["signed_in_s"], "database": db.split(":", 1)[0],
        "load_before": load_before, "load_after": load_after}
    print(f"{sessions} sessions signed in through nginx (HTTPS), {SIGNING_IN} at a time, "
          f"in {r['signed_in_s']:.1f} s; history database: {r['database']}; roles: "
          + ", ".join(f"{n} {role}s" for role in ("preparer", "viewer")
                      if (n := sum(1 for v in people.values() if v == role))))
    print(f"a refund share changed to the new refund figure, {r['changes']} changes of "
          f"{r['asked']} ({changes} per session, all at once): 95th percentile "
          f"{r['p95_s']:.2f} s, median {r['median_s']:.2f} s, slowest {r['max_s']:.2f} s; "
          f"target p95 < {TARGET_S} s: {'met' if r['p95_s'] < TARGET_S else 'NOT met'}")
    print(f"errors: {len(r['errors'])}" + "".join(f"\n  {e}" for e in r["errors"][:20]))
    print(f"another session's figures seen: {len(foreign)}"
          + "".join(f"\n  {f}" for f in foreign[:20])
          + ("" if foreign else " (each session showed only its own refund after "
             "each change)"))
    print(f"baseline, one session alone (the others idle), {len(alone)} changes: median "
          f"{r['alone_median_s']:.2f} s, 95th percentile {r['alone_p95_s']:.2f} s "
          f"(all at once: {r['median_s'] / r['alone_median_s']:.1f}x the median); "
          f"errors: {len(r['alone_errors'])}"
          + "".join(f"\n  {e}" for e in r["alone_errors"][:5]))
    print(f"baseline, the same recompute in-process: {compute_s * 1000:.0f} ms")
    cpu, n = r["cpu_s"], max(1, r["changes"])
    ours = sum(v for k, v in cpu.items() if k != "machine")
    print(f"the {r['changes']} changes at once took {r['wall_s']:.1f} s, in which the "
          f"machine's {os.cpu_count()} cores were busy {cpu['machine']:.1f} s: Streamlit "
          f"{cpu['streamlit']:.1f} s ({cpu['streamlit'] / n * 1000:.0f} ms a change), "
          f"Chromium {cpu['chromium']:.1f} s ({cpu['chromium'] / n * 1000:.0f} ms a change), "
          f"nginx {cpu['nginx']:.1f} s, the provider and Playwright {cpu['other']:.1f} s, "
          f"everything else on the machine {cpu['machine'] - ours:.1f} s")
    server_floor = sessions * cpu["streamlit"] / n
    floor = sessions * (cpu["streamlit"] + cpu["chromium"]) / n / (os.cpu_count() or 1)
    print(f"so {sessions} changes at once need at least {server_floor:.2f} s of Streamlit's "
          f"time (one Python process: one core at a time) and, with the browsers' work on "
          f"the same cores, at least {floor:.2f} s of the whole machine's, before anything "
          f"else runs")
    print("load average (1, 5, 15 min): before "
          + " ".join(f"{x:.2f}" for x in load_before) + ", after "
          + " ".join(f"{x:.2f}" for x in load_after) + f"; {os.cpu_count()} cores")
    return r


if __name__ == "__main__":
    # Stopped from outside: end as an exception does, so every server is stopped.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    t0 = time.perf_counter()
    main(*[int(a) for a in sys.argv[1:3]])
    print(f"(benchmark took {time.perf_counter() - t0:.0f} s)")
