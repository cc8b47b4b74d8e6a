"""The web app's recompute after an edit of the bundled MKIP book.

Target: a recompute after an edit (the edited tables back through the validator, then the
whole year end) in under 200 ms.  It is timed the way the app does it, through
:mod:`finance.appdata`: one population cell is changed in the editor frames, the frames go
back to raw tables, ``parse_book`` validates them and ``compute`` runs the year.  Each
repeat edits a different value, so nothing is served from a cache.

Baseline, measured in the same run: a plain ``parse_book`` of the unedited bundled book.
The ratio says how much more than a bare parse an edit costs.  Also reported, for
information: the display shaping that follows (tables and chart specs) and the board
report build (done only when its download is clicked).

    .venv/bin/python -m benchmarks.bench_app [REPEATS]
"""

from __future__ import annotations

import statistics
import sys
import time
from collections.abc import Callable
from typing import Any

from finance import appdata as ad
from finance.appdata import contributions, investments, monitoring, services, settlement, year_end
from finance.core.parse import parse_book

BUDGET_MS = 200.0


def timed(fn: Callable[[int], Any], repeats: int) -> list[float]:
    """Milliseconds of ``fn(i)`` for each repeat (one warm-up call first)."""
    fn(-1)
    out = []
    for i in range(repeats):
        t0 = time.perf_counter()
        fn(i)
        out.append((time.perf_counter() - t0) * 1000)
    return out


def summary(name: str, ms: list[float]) -> str:
    q = statistics.quantiles(ms, n=10) if len(ms) >= 2 else ms * 9
    return (f"{name:<44} median {statistics.median(ms):7.1f} ms   min {min(ms):7.1f}   "
            f"p90 {q[-1]:7.1f}   (n={len(ms)})")


def main(repeats: int = 30) -> dict[str, float]:
    src = ad.bundled_source()
    base = ad.frames_from_tables(src.tables)
    book = ad.parse_source(src).book
    assert book is not None, "the bundled book must be valid"
    year = book.year_labels[-1]
    decisions = ad.book_decisions(book, year)

    def plain_parse(_: int) -> None:
        parsed, problems = parse_book(src.tables, src.sha256)
        assert parsed is not None, problems

    def edit_and_recompute(i: int) -> None:
        frames = dict(base)
        pops = base["populations"].copy()
        pops.iloc[0, pops.columns.get_loc("population")] = str(150_000 + i)
        frames["populations"] = pops
        parsed = ad.parse_edited(src, ad.tables_from_frames(frames, src.present))
        assert parsed.book is not None, parsed.problems
        result, problems = ad.run_safely(parsed.book, year, decisions)
        assert result is not None, problems
        assert result.contributions.lines[0].population == 150_000 + i

    result, _ = ad.run_safely(book, year, decisions)
    assert result is not None

    def display(_: int) -> None:
        for make in (contributions.contributions_table, year_end.fund_account_table,
                     year_end.year_end_parties_table, services.services_table,
                     settlement.payments_table, settlement.net_positions_table,
                     investments.investments_table, investments.scores_table,
                     investments.party_returns_table, monitoring.savings_table,
                     monitoring.budget_table, monitoring.performance_table):
            make(result).frame  # noqa: B018 - building the frame is the work measured
        ad.chart_specs(result)

    baseline = timed(plain_parse, repeats)
    recompute = timed(edit_and_recompute, repeats)
    shaping = timed(display, max(repeats // 3, 3))
    report = timed(lambda _: ad.report_bytes(result), 3)

    med_base, med_edit = statistics.median(baseline), statistics.median(recompute)
    print("Bundled MKIP book, year", year)
    print(summary("baseline: parse_book of the bundled book", baseline))
    print(summary("edit: frames -> validate -> run the year end", recompute))
    print(f"{'ratio edit / baseline':<44} {med_edit / med_base:7.2f}x")
    print(f"{'target':<44} < {BUDGET_MS:.0f} ms: "
          f"{'met' if med_edit < BUDGET_MS else 'NOT met'}")
    print(summary("then: display tables and chart specs", shaping))
    print(summary("board report build (on download click)", report))
    return {"baseline_ms": med_base, "recompute_ms": med_edit,
            "ratio": med_edit / med_base, "display_ms": statistics.median(shaping),
            "report_ms": statistics.median(report)}


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 30)
