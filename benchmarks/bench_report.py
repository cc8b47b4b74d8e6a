"""The board report: the bundled book's (full layout) and a large book's (compact layout).

Targets: the large book's report (300 parties, 3,000 services, 100,000 ledger lines; one
row per service participant and per ledger line) in under 4 s; the bundled book's no
slower than before the report moved to XlsxWriter.  Baseline for the large book, same
run: openpyxl's write-only mode writing the same ledger and service rows as bare values
(no styles, no formulas, no other sheets).

``--against REV`` also times the bundled report of an earlier commit (its ``finance``
package taken from git into a temporary folder and run in a child process), so old and
new are measured in the same run on the same machine.

    .venv/bin/python -m benchmarks.bench_report [PARTIES SERVICES LEDGER_ROWS] [--against REV]
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.generate import large_book

ROOT = Path(__file__).resolve().parent.parent

_BUNDLED = """
import time, sys
from datetime import datetime, UTC
from finance.book import require_book
from finance.core.run import run_year
from finance.report import build_report
r = run_year(require_book(sys.argv[1]))
when = datetime(2026, 4, 30, tzinfo=UTC)
build_report(r, when)
times = []
for _ in range(int(sys.argv[2])):
    t = time.perf_counter()
    build_report(r, when)
    times.append(time.perf_counter() - t)
print(min(times))
"""


def bundled(runs: int = 7, src: Path | None = None) -> float:
    """Quickest of ``runs`` builds of the bundled book's report, in a child process
    (``src``: a folder holding another ``finance`` package to time instead)."""
    env = dict(os.environ)
    if src is not None:
        env["PYTHONPATH"] = str(src)
    out = subprocess.run([sys.executable, "-c", _BUNDLED, str(ROOT / "data" / "mkip"),
                          str(runs)], capture_output=True, text=True, check=True, env=env,
                         cwd=tempfile.gettempdir())
    return float(out.stdout.strip().splitlines()[-1])


def against(rev: str, runs: int = 7) -> float:
    """The bundled report's time at commit ``rev``."""
    with tempfile.TemporaryDirectory() as tmp:
        archive = subprocess.run(["git", "-C", str(ROOT), "archive", rev, "finance"],
                                 capture_output=True, check=True).stdout
        subprocess.run(["tar", "-x", "-C", tmp], input=archive, check=True)
        return bundled(runs, Path(tmp))


def main(parties: int = 300, services: int = 3000, ledger_rows: int = 100_000,
         rev: str | None = None, runs: int = 7) -> dict:
    from openpyxl import Workbook

    from finance.book import require_book
    from finance.core.run import run_year
    from finance.report import build_report

    now = bundled(runs)
    print(f"bundled book, full layout: {now:.3f} s (quickest of {runs})")
    out: dict = {"bundled_s": now}
    if rev:
        old = against(rev, runs)
        print(f"bundled book at {rev}: {old:.3f} s; now / then = {now / old:.2f}")
        out["bundled_before_s"] = old
    with tempfile.TemporaryDirectory() as tmp:
        result = run_year(require_book(large_book(Path(tmp) / "b", parties, services,
                                                  ledger_rows)))
    t0 = time.perf_counter()
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Ledger")
    for e in result.book.ledger:
        ws.append([e.date, e.kind, e.amount / 100, e.description, e.reference])
    ws = wb.create_sheet("Services")
    for s in result.services:
        for x in s.lines:
            d = x.detail
            ws.append([s.service, s.name, s.basis, s.host, s.net_cost / 100, x.party, x.months,
                       float(d.weight), float(d.quota), d.floor, float(d.remainder), d.rank,
                       int(d.extra_penny), x.share / 100, x.standalone_cost, x.saving])
    wb.save(io.BytesIO())
    base = time.perf_counter() - t0
    times = []
    for _ in range(2):
        t0 = time.perf_counter()
        c0 = time.process_time()
        data = build_report(result)
        times.append((time.perf_counter() - t0, time.process_time() - c0))
    took, cpu = min(times)
    lines = sum(len(s.lines) for s in result.services)
    print(f"large book: {len(result.book.ledger):,} ledger lines, {lines:,} service lines")
    print(f"baseline, openpyxl write-only dump of the same rows: {base:.2f} s")
    print(f"board report: {took:.2f} s ({cpu:.2f} s CPU, {len(data):,} bytes), "
          f"{took / base:.2f}x the baseline; target < 4 s: "
          f"{'met' if took < 4 else 'NOT met'}")
    out.update({"baseline_s": base, "report_s": took, "report_cpu_s": cpu,
                "ratio": took / base})
    return out


if __name__ == "__main__":
    args = sys.argv[1:]
    rev = None
    if "--against" in args:
        i = args.index("--against")
        rev = args[i + 1]
        del args[i:i + 2]
    main(*[int(a) for a in args[:3]], rev=rev)
