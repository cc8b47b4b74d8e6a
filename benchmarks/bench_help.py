"""``mkip --help`` start-up time against a bare ``python -c pass`` in the same run.

Target: under 0.5 s (heavy libraries are imported lazily).

    .venv/bin/python -m benchmarks.bench_help
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time


def _time(cmd: list[str], runs: int) -> float:
    out = []
    for _ in range(runs):
        t0 = time.perf_counter()
        subprocess.run(cmd, check=True, capture_output=True)
        out.append(time.perf_counter() - t0)
    return statistics.median(out)


def main(runs: int = 7) -> dict[str, float]:
    base = _time([sys.executable, "-c", "pass"], runs)
    helps = _time([sys.executable, "-m", "finance", "--help"], runs)
    print(f"python -c pass (baseline): {base:.3f} s; mkip --help: {helps:.3f} s "
          f"(median of {runs}); ratio {helps / base:.1f}x; target < 0.5 s: "
          f"{'met' if helps < 0.5 else 'NOT met'}")
    return {"baseline_s": base, "help_s": helps, "ratio": helps / base}


if __name__ == "__main__":
    main()
