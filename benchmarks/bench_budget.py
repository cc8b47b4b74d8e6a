"""``mkip budget`` against ``mkip run`` of the same book, each a whole process.

Targets: the bundled book's budget with a five-year forecast and all its files (JSON,
workbook, a PDF per council) at most 1.5x ``mkip run`` of the same book with its files
(JSON and board report); the large generated book's budget to JSON with a ten-year
forecast at most 2x its ``mkip run --json``, peak memory under 1 GB.  Each figure is the
quickest of ``runs`` processes (peak memory the largest).

    .venv/bin/python -m benchmarks.bench_budget [RUNS]
"""

from __future__ import annotations

import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.generate import MKIP, large_book


def _best(args: list[str], runs: int) -> tuple[float, float]:
    """The quickest wall time of ``runs`` processes, and the largest peak RSS (MB) of any
    process run so far (the budget of the large book, run last, is the largest)."""
    best = float("inf")
    for _ in range(runs):
        t0 = time.perf_counter()
        subprocess.run([sys.executable, "-m", "finance", *args], check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        best = min(best, time.perf_counter() - t0)
    return best, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


def main(runs: int = 3, size: tuple[int, int, int] = (300, 3000, 100_000)) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as tmp:
        out = str(Path(tmp) / "out")
        run_s, _ = _best(["run", str(MKIP), "--out", out], runs)
        budget_s, _ = _best(["budget", str(MKIP), "--out", out], runs)
        large = large_book(Path(tmp) / "large", *size)
        large_run_s, _ = _best(["run", str(large), "--json"], runs)
        large_budget_s, peak = _best(["budget", str(large), "--json", "--years", "10"], runs)
    r = {"run_s": run_s, "budget_s": budget_s, "ratio": budget_s / run_s,
         "large_run_s": large_run_s, "large_budget_s": large_budget_s,
         "large_ratio": large_budget_s / large_run_s, "peak_mb": peak}
    print(f"bundled book: mkip run with its files {run_s:.2f} s; mkip budget (5 years, JSON, "
          f"workbook, PDFs) {budget_s:.2f} s: {r['ratio']:.2f}x (target <= 1.5x: "
          f"{'met' if r['ratio'] <= 1.5 else 'NOT met'})")
    print(f"large book ({size[0]} councils, {size[1]:,} services): mkip run --json "
          f"{large_run_s:.2f} s; mkip budget --json --years 10 {large_budget_s:.2f} s: "
          f"{r['large_ratio']:.2f}x (target <= 2x: "
          f"{'met' if r['large_ratio'] <= 2 else 'NOT met'}); peak {peak:.0f} MB "
          f"(target < 1024 MB)")
    return r


if __name__ == "__main__":
    main(*[int(a) for a in sys.argv[1:2]])
