"""Smoke runs of every benchmark at a tiny size: they still run and still agree with the
engine.  Not timed: the figures live in docs/performance.md."""

from __future__ import annotations

import pytest


def test_bench_apportion_smoke(capsys):
    from benchmarks import bench_apportion

    r = bench_apportion.main(pools=2_000, sample=500, repeats=2)
    assert r["pools"] == 2_000 and r["speedup"] > 0
    assert "ratio:" in capsys.readouterr().out


def test_bench_help_smoke():
    from benchmarks import bench_help

    assert bench_help.main(runs=1)["help_s"] > 0


def test_bench_startup_smoke():
    from benchmarks import bench_startup

    r = bench_startup.main(runs=1)
    assert r["run_s"] > r["baseline_s"] > 0 and r["ratio"] > 1


def test_bench_large_book_smoke():
    from benchmarks import bench_large_book

    r = bench_large_book.main(parties=12, services=40, ledger_rows=300, runs_of_each=1)
    assert r["checks_ok"] is True


def test_bench_floor_smoke():
    """The floor sketch still runs, and builds one JSON object per service line."""
    from benchmarks import bench_floor

    r = bench_floor.main(parties=12, services=40, ledger_rows=300, runs=1)
    assert r["ratio"] > 0 and r["lines"] >= 2 * 40 and r["owed"] > 0


@pytest.mark.slow
def test_bench_batch_smoke():
    from benchmarks import bench_batch

    assert bench_batch.main(books=3, workers=2)["books_per_s"] > 0


def test_bench_report_smoke():
    from benchmarks import bench_report

    assert bench_report.main(parties=12, services=40, ledger_rows=300)["report_s"] > 0


def test_bench_app_smoke():
    from benchmarks import bench_app

    assert bench_app.main(repeats=2)


@pytest.mark.slow
def test_bench_history_smoke():
    """Closing two years in order and listing them: both are listed as closed."""
    from benchmarks import bench_history

    r = bench_history.main(runs=1, years=2)
    assert r["years_listed"] == 2 and r["close_s"] > 0 and r["history_s"] > 0


@pytest.mark.slow
def test_bench_compare_smoke():
    from benchmarks import bench_compare

    r = bench_compare.main(runs=1)
    assert r["compare_s"] > 0 and r["tab_s"] > 0


@pytest.mark.slow
@pytest.mark.browser
def test_bench_browser_smoke():
    from benchmarks import bench_browser
    from tests.test_browser import need_chromium

    need_chromium()
    r = bench_browser.main(runs=1, large=(12, 40, 1500))
    assert r["cold_s"] > 0 and r["change_s"] > 0 and r["upload_s"] > 0
    assert 0 < r["edit_sent_s"] < r["edit_s"]  # the grid's send was seen, after the Enter


def test_bench_workbook_smoke():
    from benchmarks import bench_workbook

    r = bench_workbook.main(parties=12, services=40, ledger_rows=1500, runs=1)
    assert r["xlsx_s"] > 0 and r["small_s"] > 0


def test_bench_budget_smoke():
    from benchmarks import bench_budget

    r = bench_budget.main(runs=1, size=(12, 40, 300))
    assert r["budget_s"] > 0 and r["large_budget_s"] > 0


@pytest.mark.slow
def test_bench_verify_smoke():
    """Two closed years verify, with no difference of versions."""
    from benchmarks import bench_verify

    r = bench_verify.main(runs=1, years=2)
    assert r["said"].startswith("verified 2 events and 2 closed years")
    assert "note:" not in r["said"] and r["verify_s"] > 0


@pytest.mark.slow
@pytest.mark.browser
def test_bench_sessions_smoke():
    """Two signed-in sessions through nginx, two changes each: every change shown, no
    error, and neither session shown the other's figures."""
    import os

    from benchmarks import bench_sessions

    reason = bench_sessions.missing()
    if reason is not None:
        if os.environ.get("CI") == "true":
            pytest.fail(reason + " — required under CI=true")
        pytest.skip(reason)
    r = bench_sessions.main(sessions=2, changes=2)
    assert r["changes"] == r["asked"] == 4 and len(r["alone_times"]) == 2
    assert r["errors"] == [] and r["alone_errors"] == [] and r["foreign"] == []
    assert 0 < r["median_s"] <= r["p95_s"]
