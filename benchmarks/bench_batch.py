"""A batch of three-council books with board reports, books per second on this machine.

Target: 100 books with reports at 4 or more books per second on 2 cores.
Baseline in the same run: one book processed in this process (read, compute, JSON,
report), giving the single-core rate the workers are compared with.

    .venv/bin/python -m benchmarks.bench_batch [BOOKS] [WORKERS]
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.generate import MKIP, small_books


def main(books: int = 100, workers: int | None = None) -> dict[str, float]:
    w = workers or os.cpu_count() or 1
    from finance.pipeline import process

    process(MKIP)  # warm imports
    t0 = time.perf_counter()
    for _ in range(3):
        o = process(MKIP)
    single = (time.perf_counter() - t0) / 3
    assert o.status == "ok" and o.report
    with tempfile.TemporaryDirectory() as tmp:
        folder = small_books(Path(tmp) / "books", books)
        out = Path(tmp) / "out"
        t0 = time.perf_counter()
        p = subprocess.run([sys.executable, "-m", "finance", "run", str(folder), "--out",
                            str(out), "--workers", str(w)], capture_output=True, text=True)
        wall = time.perf_counter() - t0
        written = len(list(out.glob("*.xlsx")))
    assert p.returncode == 0, p.stdout[-2000:] + p.stderr[-2000:]
    assert written == books
    rate = books / wall
    print(f"one book in-process (baseline): {single:.3f} s -> {1 / single:.1f} books/s on "
          "one core")
    print(f"batch of {books} books with reports, {w} workers: {wall:.2f} s wall -> "
          f"{rate:.1f} books/s (target >= 4); {rate * single:.2f}x the one-core rate")
    return {"single_s": single, "wall_s": wall, "books_per_s": rate}


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 100,
         int(sys.argv[2]) if len(sys.argv) > 2 else None)
