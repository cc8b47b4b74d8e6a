"""``mkip compare`` with ten scenarios of the bundled book, against one ``mkip run --json``
of it, measured in the same run.

Target: at most 3x.  Each command runs in a fresh process (as an officer runs it), five
times; the quickest of each is kept.  Also times the app's Scenarios tab's compute for a
changed control: the ten scenarios worked out again in-process (target under 200 ms).

    .venv/bin/python -m benchmarks.bench_compare [RUNS]
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MKIP = ROOT / "data" / "mkip"
CMD = [sys.executable, "-m", "finance"]


def ten_scenarios() -> list:
    from finance.appdata import scenarios as asc
    from finance.core.scenario import Scenario

    return [
        Scenario("35p per head", asc.rate("2025-26", "35")),
        Scenario("32p per head", asc.rate("2025-26", "32")),
        Scenario("Refund everything", asc.refund("2025-26", "100%")),
        Scenario("Carry everything over", asc.refund("2025-26", "0%")),
        Scenario("Swale leaves", asc.leave("SBC", date(2025, 9, 30))),
        Scenario("Tunbridge Wells leaves", asc.leave("TWBC", date(2025, 12, 31))),
        Scenario("Ashford joins", asc.join("ABC", "Ashford", 132_000, date(2025, 10, 1),
                                           "2025-26")),
        Scenario("Planning on population", asc.basis("PLANNING", "2025-26", "population")),
        Scenario("Audit shared equally", asc.basis("AUDIT", "2025-26", "equal")),
        Scenario("Planning without TWBC", asc.drop("PLANNING", "2025-26", "TWBC")),
    ]


def timed(args: list[str], cwd: Path) -> float:
    t0 = time.perf_counter()
    subprocess.run(CMD + args, cwd=cwd, check=True, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)
    return time.perf_counter() - t0


def main(runs: int = 5) -> dict:
    from finance import appdata as ad
    from finance.appdata import scenarios as asc

    scenarios = ten_scenarios()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        toml = work / "ten.toml"
        toml.write_text(asc.to_toml(scenarios), encoding="utf-8")
        run_s = min(timed(["run", str(MKIP), "--json"], work) for _ in range(runs))
        compare_s = min(timed(["compare", str(MKIP), "--scenarios", str(toml), "--out",
                               str(work / "out")], work) for _ in range(runs))
        json_s = min(timed(["compare", str(MKIP), "--scenarios", str(toml), "--json"], work)
                      for _ in range(runs))
    src = ad.bundled_source()
    asc.run(src.tables, src.sha256, scenarios, "2025-26", None)  # warm, as the app is
    times = []
    for _ in range(max(runs, 5)):
        t0 = time.perf_counter()
        cmp = asc.run(src.tables, src.sha256, scenarios, "2025-26", None)
        asc.side_by_side(cmp)
        times.append(time.perf_counter() - t0)
    tab_s = sorted(times)[len(times) // 2]
    ratio = compare_s / run_s
    print(f"mkip run --json of the bundled book (quickest of {runs}): {run_s:.2f} s")
    print(f"mkip compare, 10 scenarios, JSON and workbook: {compare_s:.2f} s = {ratio:.2f}x; "
          f"target <= 3x: {'met' if ratio <= 3 else 'NOT met'}")
    print(f"mkip compare --json, 10 scenarios: {json_s:.2f} s = {json_s / run_s:.2f}x")
    print(f"Scenarios tab compute, 10 scenarios (median): {tab_s * 1000:.0f} ms; "
          f"target < 200 ms: {'met' if tab_s < 0.2 else 'NOT met'}")
    return {"run_s": run_s, "compare_s": compare_s, "compare_json_s": json_s,
            "ratio": ratio, "tab_s": tab_s}


if __name__ == "__main__":
    main(*[int(a) for a in sys.argv[1:2]])
