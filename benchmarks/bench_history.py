"""The history's two targets, each measured against ``mkip run`` in the same run.

- ``mkip close`` of the bundled year: at most 1.5x ``mkip run`` of the same book.
- ``mkip history --json`` with 30 closed years of the bundled book: at most the time of
  one ``mkip run``.

Every command runs in a fresh process (as a finance officer runs it), five times; the
quickest of each is kept.  Each ``close`` writes to a new SQLite file.  The 30 years are
the bundled book moved forward a year at a time (2025-26 to 2054-55), each closed in
order with its opening chained from the year before.

    .venv/bin/python -m benchmarks.bench_history [RUNS]
"""

from __future__ import annotations

import csv
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MKIP = ROOT / "data" / "mkip"
MKIP_CMD = [sys.executable, "-m", "finance"]
YEARS = 30
#: The board's approval each close records: the minute and the meeting's date.
BOARD = ["--minute", "MKIP/BENCH/1", "--meeting-date", "2026-03-12"]
#: Columns holding a financial year, and those holding a date within it, per table
#: (populations and parties keep theirs: the estimates and membership do not move).
YEAR_COLUMNS = {"years": ["year"], "ledger": ["year"], "services": ["year"],
                "service_parties": ["year"], "service_blend": ["year"], "drivers": ["year"],
                "savings": ["year"], "budget_monitor": ["year"], "performance": ["year"],
                "projects": ["start_year"]}
DATE_COLUMNS = {"ledger": ["date"], "service_parties": ["joined"]}


def _label(start: int) -> str:
    return f"{start}-{(start + 1) % 100:02d}"


def shifted_book(dest: Path, years: int) -> Path:
    """The bundled book moved ``years`` years on; its openings blank (chained)."""
    shutil.copytree(MKIP, dest)
    for table in set(YEAR_COLUMNS) | set(DATE_COLUMNS):
        path = dest / f"{table}.csv"
        if not path.exists():
            continue
        with path.open(newline="", encoding="utf-8") as f:
            rows = list(csv.DictReader(f))
            cols = list(rows[0]) if rows else []
        for r in rows:
            for c in YEAR_COLUMNS.get(table, []):
                if r.get(c):
                    r[c] = _label(int(r[c][:4]) + years)
            for c in DATE_COLUMNS.get(table, []):
                if r.get(c):
                    r[c] = str(int(r[c][:4]) + years) + r[c][4:]
            if table == "years" and years:
                r["opening_balance"] = r["opening_commitments"] = ""
        with path.open("w", newline="", encoding="utf-8") as f:
            w = csv.DictWriter(f, fieldnames=cols)
            w.writeheader()
            w.writerows(rows)
    return dest


def timed(args: list[str], cwd: Path) -> float:
    t0 = time.perf_counter()
    subprocess.run(MKIP_CMD + args, cwd=cwd, check=True, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)
    return time.perf_counter() - t0


def main(runs: int = 5, years: int = YEARS) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        run_s = min(timed(["run", str(MKIP), "--out", str(work / "out")], work)
                    for _ in range(runs))
        close_s = min(timed(["close", str(MKIP), "--approved-by", "Bench", *BOARD, "--db",
                             f"sqlite:///{work / f'close{i}.db'}"], work)
                      for i in range(runs))
        db = f"sqlite:///{work / 'thirty.db'}"
        t0 = time.perf_counter()
        for k in range(years):
            book = shifted_book(work / f"book{k}", k)
            subprocess.run(MKIP_CMD + ["close", str(book), "--approved-by", "Bench", *BOARD,
                                       "--db", db], cwd=work, check=True,
                           stdout=subprocess.DEVNULL)
        fill_s = time.perf_counter() - t0
        hist_s = min(timed(["history", "--json", "--db", db], work) for _ in range(runs))
        listed = subprocess.run(MKIP_CMD + ["history", "--json", "--db", db], cwd=work,
                                check=True, capture_output=True, text=True).stdout
    close_ratio, hist_ratio = close_s / run_s, hist_s / run_s
    print(f"mkip run of the bundled book (quickest of {runs}): {run_s:.2f} s")
    print(f"mkip close of the same book: {close_s:.2f} s = {close_ratio:.2f}x run; "
          f"target <= 1.5x: {'met' if close_ratio <= 1.5 else 'NOT met'}")
    print(f"{years} years closed in order in {fill_s:.1f} s")
    print(f"mkip history --json with {years} closed years: {hist_s:.2f} s = "
          f"{hist_ratio:.2f}x run; target <= 1x: {'met' if hist_ratio <= 1 else 'NOT met'}")
    return {"run_s": run_s, "close_s": close_s, "history_s": hist_s,
            "years_listed": listed.count('"status": "closed"'),
            "close_ratio": close_ratio, "history_ratio": hist_ratio}


if __name__ == "__main__":
    main(*[int(a) for a in sys.argv[1:2]])
