"""Start-up of a whole run: ``mkip run --json`` of the bundled book as a fresh process,
against a bare ``python -c pass`` in the same run.

Run in an empty temporary folder with ``MKIP_DATABASE_URL`` unset, so there is no history
database to read: the history's database layer (SQLAlchemy, Alembic) is then never
imported (``tests/test_startup.py`` checks that).  Target: under 1 s.

    .venv/bin/python -m benchmarks.bench_startup [RUNS]
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def _time(cmd: list[str], runs: int, cwd: Path, env: dict[str, str]) -> tuple[float, bytes]:
    out, last = [], b""
    for _ in range(runs):
        t0 = time.perf_counter()
        last = subprocess.run(cmd, check=True, capture_output=True, cwd=cwd, env=env).stdout
        out.append(time.perf_counter() - t0)
    return statistics.median(out), last


def main(runs: int = 7) -> dict[str, float]:
    env = {k: v for k, v in os.environ.items() if k != "MKIP_DATABASE_URL"}
    with tempfile.TemporaryDirectory() as tmp:
        cwd = Path(tmp)
        base, _ = _time([sys.executable, "-c", "pass"], runs, cwd, env)
        run, out = _time([sys.executable, "-m", "finance", "run", "--json"], runs, cwd, env)
    assert json.loads(out)["year"], "mkip run --json printed no result"
    print(f"python -c pass (baseline): {base:.3f} s; mkip run --json of the bundled book: "
          f"{run:.3f} s (median of {runs}); ratio {run / base:.1f}x; target < 1 s: "
          f"{'met' if run < 1 else 'NOT met'}")
    return {"baseline_s": base, "run_s": run, "ratio": run / base}


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 7)
