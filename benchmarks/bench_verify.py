"""``mkip db verify`` of a history with 30 closed years, against one ``mkip run`` of the
bundled book (target: at most 2x).

The 30 years are made as ``benchmarks/bench_history.py`` makes them: the bundled book
moved forward a year at a time, each closed in order.  Every command runs in a fresh
process, ``RUNS`` times; the quickest of each is kept.  Verifying checks every digest and
link and runs each of the 30 stored books again.

    .venv/bin/python -m benchmarks.bench_verify [RUNS]
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.bench_history import BOARD, MKIP, MKIP_CMD, YEARS, shifted_book, timed


def main(runs: int = 5, years: int = YEARS) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        db = f"sqlite:///{work / 'thirty.db'}"
        for k in range(years):
            book = shifted_book(work / f"book{k}", k)
            subprocess.run(MKIP_CMD + ["close", str(book), "--approved-by", "Bench", *BOARD,
                                       "--db", db], cwd=work, check=True,
                           stdout=subprocess.DEVNULL)
        run_s = min(timed(["run", str(MKIP), "--out", str(work / "out")], work)
                    for _ in range(runs))
        verify_s = min(timed(["db", "verify", "--db", db], work) for _ in range(runs))
        said = subprocess.run(MKIP_CMD + ["db", "verify", "--db", db], cwd=work, check=True,
                              capture_output=True, text=True).stdout
    ratio = verify_s / run_s
    print(f"mkip run of the bundled book (quickest of {runs}): {run_s:.2f} s")
    print(f"mkip db verify with {years} closed years: {verify_s:.2f} s = {ratio:.2f}x run; "
          f"target <= 2x: {'met' if ratio <= 2 else 'NOT met'}")
    return {"run_s": run_s, "verify_s": verify_s, "ratio": ratio, "said": said}


if __name__ == "__main__":
    t0 = time.perf_counter()
    main(*[int(a) for a in sys.argv[1:2]])
    print(f"(benchmark took {time.perf_counter() - t0:.0f} s)")
