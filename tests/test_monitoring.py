"""Savings, budget and performance monitoring (SPEC §8; Annex A §4.1, §5.1; Annex D f)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from finance.core.model import Book, BudgetLine, Indicator, SavingRow, Settings
from finance.core.monitoring import (
    budget_monitor,
    delivery_rag,
    monitor,
    overspend_rag,
    performance_monitor,
    savings_monitor,
)

GREEN, AMBER = Decimal("0.95"), Decimal("0.75")


# ----------------------------------------------------------------- savings


@pytest.mark.parametrize(
    ("predicted", "actual", "rag"),
    [
        (100_000, 95_000, "green"),  # exactly 95%
        (100_000, 94_999, "amber"),  # a penny short of 95%
        (100_000, 75_000, "amber"),  # exactly 75%
        (100_000, 74_999, "red"),
        (100_000, 120_000, "green"),  # over-delivered
        (100_000, 0, "red"),
        (100_000, -5_000, "red"),
        (3, 2, "red"),  # 66.7%
        (20, 19, "green"),  # 95% exactly, small numbers
        (4, 3, "amber"),  # 75% exactly
    ],
)
def test_savings_rag_boundaries(predicted, actual, rag):
    assert delivery_rag(predicted, actual, GREEN, AMBER) == rag


def test_boundary_compared_exactly_not_as_float():
    # 0.95 is not exact in binary; 19/20 must still be green, and a threshold given to
    # more places is honoured exactly
    assert delivery_rag(1_000_000_000_000, 950_000_000_000, GREEN, AMBER) == "green"
    assert delivery_rag(1_000_000_000_000, 949_999_999_999, GREEN, AMBER) == "amber"
    assert delivery_rag(3, 2, Decimal("0.6666666666666667"), AMBER) == "red"


def test_savings_nothing_predicted():
    assert delivery_rag(0, 0, GREEN, AMBER) == "green"
    assert delivery_rag(0, 100, GREEN, AMBER) == "green"
    assert delivery_rag(0, -100, GREEN, AMBER) == "red"
    r = savings_monitor([SavingRow("A", "2025-26", 0, 0)], GREEN, AMBER)
    assert r.rows[0].pct_delivered is None and r.rows[0].variance == 0


def test_savings_lines_and_partnership_totals():
    rows = [
        SavingRow("LEGAL", "2025-26", 100_000_00, 80_000_00),
        SavingRow("AUDIT", "2024-25", 50_000_00, 50_000_00),
        SavingRow("HR", "2025-26", 60_000_00, 40_000_00),
        SavingRow("AUDIT", "2025-26", 40_000_00, 44_000_00),
    ]
    r = savings_monitor(rows, GREEN, AMBER)
    assert [(x.year, x.service) for x in r.rows] == [
        ("2024-25", "AUDIT"), ("2025-26", "AUDIT"), ("2025-26", "HR"), ("2025-26", "LEGAL"),
    ]
    legal = r.rows[3]
    assert (legal.variance, legal.pct_delivered, legal.rag) == (-20_000_00, 0.8, "amber")
    hr = r.rows[2]
    assert hr.rag == "red" and hr.pct_delivered == pytest.approx(2 / 3)
    assert [(t.year, t.predicted, t.actual, t.rag) for t in r.by_year] == [
        ("2024-25", 50_000_00, 50_000_00, "green"),
        ("2025-26", 200_000_00, 164_000_00, "amber"),  # 82%
    ]
    assert r.by_year[1].variance == -36_000_00
    assert (r.total.service, r.total.year) == (None, None)
    assert (r.total.predicted, r.total.actual) == (250_000_00, 214_000_00)
    assert r.total.pct_delivered == pytest.approx(0.856)
    assert r.total.rag == "amber"


@given(st.lists(st.tuples(st.sampled_from(["A", "B", "C"]),
                          st.sampled_from(["2024-25", "2025-26"]),
                          st.integers(0, 10**9), st.integers(-10**9, 10**9)), max_size=8))
def test_savings_totals_add_up_and_order_does_not_matter(data):
    rows = [SavingRow(s, y, p, a) for s, y, p, a in data]
    r = savings_monitor(rows, GREEN, AMBER)
    assert r.total.variance == sum(x.variance for x in r.rows)
    assert r.total.predicted == sum(t.predicted for t in r.by_year)
    reversed_report = savings_monitor(list(reversed(rows)), GREEN, AMBER)
    assert reversed_report.by_year == r.by_year and reversed_report.total == r.total
    assert [(x.service, x.year, x.rag) for x in reversed_report.rows] == [
        (x.service, x.year, x.rag) for x in r.rows]


# ----------------------------------------------------------------- budget


def test_budget_variance_and_rag():
    rows = [
        BudgetLine("2025-26", 2, "External advice", 20_000_00, 9_000_00, 21_000_00),
        BudgetLine("2025-26", 1, "External advice", 20_000_00, 4_000_00, 20_000_00),
        BudgetLine("2025-26", 2, "Programme manager", 50_000_00, 25_000_00, 53_000_00),
        BudgetLine("2025-26", 2, "Training", 10_000_00, 2_000_00, 8_000_00),
    ]
    out = budget_monitor(rows)
    assert [(b.quarter, b.line) for b in out] == [
        (1, "External advice"), (2, "External advice"), (2, "Programme manager"), (2, "Training"),
    ]
    q1, advice, pm, training = out
    assert (q1.variance, q1.variance_pct, q1.rag) == (0, 0.0, "green")
    assert (advice.variance, advice.variance_pct, advice.rag) == (1_000_00, 0.05, "amber")
    assert (pm.variance, pm.variance_pct, pm.rag) == (3_000_00, 0.06, "red")
    assert (training.variance, training.variance_pct, training.rag) == (-2_000_00, -0.2, "green")
    assert advice.spent_pct == 0.45
    assert advice.as_json() == {
        "year": "2025-26", "quarter": 2, "line": "External advice", "budget": "20000.00",
        "actual_to_date": "9000.00", "forecast_outturn": "21000.00", "variance": "1000.00",
        "variance_pct": 0.05, "spent_pct": 0.45, "rag": "amber",
    }


def test_budget_rag_thresholds_are_parameters():
    assert overspend_rag(10_000, 10_000) == "green"
    assert overspend_rag(10_000, 10_001) == "amber"
    assert overspend_rag(10_000, 10_500) == "amber"  # exactly 5%
    assert overspend_rag(10_000, 10_501) == "red"
    assert overspend_rag(10_000, 10_200, Decimal("0.02"), Decimal("0.10")) == "green"
    assert overspend_rag(10_000, 11_000, Decimal("0.02"), Decimal("0.10")) == "amber"
    assert overspend_rag(0, 0) == "green"
    assert overspend_rag(0, 1) == "red"
    line = budget_monitor([BudgetLine("2025-26", 1, "X", 0, 0, 0)])[0]
    assert line.variance_pct is None and line.spent_pct is None


def test_budget_bad_quarter():
    with pytest.raises(ValueError, match="quarter 5"):
        budget_monitor([BudgetLine("2025-26", 5, "X", 1, 1, 1)])


# ----------------------------------------------------------------- performance


def ind(service, year, quarter, name, target, actual, higher=True):
    return Indicator(service, year, quarter, name, Decimal(target), Decimal(actual), higher)


def quarter_rows(service, year, quarter, missed, met):
    """``missed`` missed and ``met`` met higher-is-better indicators in one quarter."""
    rows = [ind(service, year, quarter, f"m{i}", 90, 80) for i in range(missed)]
    rows += [ind(service, year, quarter, f"k{i}", 90, 95) for i in range(met)]
    return rows


def test_indicator_direction():
    rows = [
        ind("S", "2025-26", 1, "satisfaction", 90, 89),  # higher is better: missed
        ind("S", "2025-26", 1, "processed", 90, 90),  # on target: met
        ind("S", "2025-26", 1, "days to pay", 10, 11, higher=False),  # lower is better: missed
        ind("S", "2025-26", 1, "complaints", 10, 9, higher=False),  # met
    ]
    report = performance_monitor(rows)
    assert {x.indicator: x.missed for x in report.indicators} == {
        "satisfaction": True, "processed": False, "days to pay": True, "complaints": False}
    (sq,) = report.quarters
    assert (sq.indicators, sq.missed) == (4, 2)
    assert sq.missed_quarter is False  # exactly half is not a majority


def test_majority_is_more_than_half():
    assert performance_monitor(quarter_rows("S", "2025-26", 1, 2, 1)).quarters[0].missed_quarter
    assert not performance_monitor(quarter_rows("S", "2025-26", 1, 1, 1)).quarters[0].missed_quarter
    assert performance_monitor(quarter_rows("S", "2025-26", 1, 1, 0)).quarters[0].missed_quarter
    assert not performance_monitor(quarter_rows("S", "2025-26", 1, 3, 3)).quarters[0].missed_quarter
    assert performance_monitor(quarter_rows("S", "2025-26", 1, 4, 3)).quarters[0].missed_quarter


def test_three_consecutive_missed_quarters_flag():
    rows = []
    for q in (1, 2, 3):
        rows += quarter_rows("HR", "2025-26", q, 2, 1)
    (flag,) = performance_monitor(rows).flags
    assert (flag.service, flag.start, flag.end, flag.quarters) == (
        "HR", ("2025-26", 1), ("2025-26", 3), 3)


def test_three_quarters_with_exactly_half_missed_do_not_flag():
    rows = []
    for q in (1, 2, 3):
        rows += quarter_rows("HR", "2025-26", q, 2, 2)
    assert performance_monitor(rows).flags == ()


def test_two_missed_then_a_good_quarter_does_not_flag():
    rows = quarter_rows("HR", "2025-26", 1, 3, 0) + quarter_rows("HR", "2025-26", 2, 3, 0)
    rows += quarter_rows("HR", "2025-26", 3, 0, 3) + quarter_rows("HR", "2025-26", 4, 3, 0)
    report = performance_monitor(rows)
    assert [q.missed_quarter for q in report.quarters] == [True, True, False, True]
    assert report.flags == ()


def test_run_across_31_march_counts():
    rows = (quarter_rows("REV", "2024-25", 3, 2, 1) + quarter_rows("REV", "2024-25", 4, 2, 1)
            + quarter_rows("REV", "2025-26", 1, 2, 1))
    (flag,) = performance_monitor(rows).flags
    assert (flag.start, flag.end, flag.quarters) == (("2024-25", 3), ("2025-26", 1), 3)
    assert flag.as_json() == {"service": "REV", "from_year": "2024-25", "from_quarter": 3,
                              "to_year": "2025-26", "to_quarter": 1, "quarters": 3}


def test_gap_in_quarters_breaks_the_run():
    # Q3, Q4 of 2024-25 then Q2 of 2025-26: Q1 is missing from the record
    rows = (quarter_rows("REV", "2024-25", 3, 2, 1) + quarter_rows("REV", "2024-25", 4, 2, 1)
            + quarter_rows("REV", "2025-26", 2, 2, 1))
    assert performance_monitor(rows).flags == ()
    # the same quarter number a year later is not consecutive either
    rows = (quarter_rows("REV", "2024-25", 1, 2, 1) + quarter_rows("REV", "2024-25", 2, 2, 1)
            + quarter_rows("REV", "2025-26", 3, 2, 1))
    assert performance_monitor(rows).flags == ()


def test_long_run_is_one_flag_and_services_are_separate():
    rows = []
    for y, q in (("2024-25", 2), ("2024-25", 3), ("2024-25", 4), ("2025-26", 1), ("2025-26", 2)):
        rows += quarter_rows("ICT", y, q, 1, 0)
    # two services that each missed only part of the time must not combine into a run
    rows += quarter_rows("A", "2025-26", 1, 1, 0) + quarter_rows("A", "2025-26", 2, 1, 0)
    rows += quarter_rows("B", "2025-26", 3, 1, 0)
    flags = performance_monitor(list(reversed(rows))).flags
    assert [(f.service, f.start, f.end, f.quarters) for f in flags] == [
        ("ICT", ("2024-25", 2), ("2025-26", 2), 5)]


def test_two_separate_runs_give_two_flags():
    rows = []
    for q in (1, 2, 3):
        rows += quarter_rows("S", "2024-25", q, 1, 0)
    rows += quarter_rows("S", "2024-25", 4, 0, 1)
    for q in (1, 2, 3):
        rows += quarter_rows("S", "2025-26", q, 1, 0)
    assert [(f.start, f.end) for f in performance_monitor(rows).flags] == [
        (("2024-25", 1), ("2024-25", 3)), (("2025-26", 1), ("2025-26", 3))]


def test_performance_bad_quarter():
    with pytest.raises(ValueError, match="quarter 0"):
        performance_monitor([ind("S", "2025-26", 0, "x", 1, 1)])


# ----------------------------------------------------------------- the bundle


def book_with_monitoring() -> Book:
    perf = (quarter_rows("REV", "2024-25", 3, 2, 1) + quarter_rows("REV", "2024-25", 4, 2, 1)
            + quarter_rows("REV", "2025-26", 1, 2, 1) + quarter_rows("REV", "2026-27", 1, 2, 1))
    return Book(
        settings=Settings("MKIP", "MBC"),
        parties=(),
        savings=(SavingRow("LEGAL", "2024-25", 100_00, 100_00),
                 SavingRow("LEGAL", "2025-26", 100_00, 95_00)),
        budget_monitor=(BudgetLine("2024-25", 4, "Advice", 100_00, 100_00, 100_00),
                        BudgetLine("2025-26", 1, "Advice", 100_00, 20_00, 105_00)),
        performance=tuple(perf),
    )


def test_monitor_for_a_year():
    m = monitor(book_with_monitoring(), "2025-26")
    j = m.as_json()
    assert list(j) == ["savings", "budget", "performance", "flags", "savings_totals"]
    assert j["savings"] == [{"service": "LEGAL", "year": "2025-26", "predicted": "100.00",
                             "actual": "95.00", "variance": "-5.00", "pct_delivered": 0.95,
                             "rag": "green"}]
    assert [b["rag"] for b in j["budget"]] == ["amber"]  # 5% over: amber with rag_green 95%
    # history before the year is kept (the run crosses 31 March); later quarters are not
    assert [(p["year"], p["quarter"]) for p in j["performance"]] == [
        ("2024-25", 3), ("2024-25", 4), ("2025-26", 1)]
    assert j["performance"][0] == {"service": "REV", "year": "2024-25", "quarter": 3,
                                   "indicators": 3, "missed": 2, "missed_quarter": True}
    assert len(j["flags"]) == 1 and j["flags"][0]["quarters"] == 3
    assert j["savings_totals"][-1]["year"] is None


def test_monitor_every_year():
    m = monitor(book_with_monitoring(), None)
    assert len(m.savings.rows) == 2 and len(m.budget) == 2
    assert m.performance.flags[0].quarters == 3  # 2026-27 Q1 is not consecutive with 2025-26 Q1
    assert monitor(Book(Settings("P", "MBC"), ()), None).as_json() == {
        "savings": [], "budget": [], "performance": [], "flags": [],
        "savings_totals": [{"service": None, "year": None, "predicted": "0.00",
                            "actual": "0.00", "variance": "0.00", "pct_delivered": None,
                            "rag": "green"}],
    }


def test_monitor_uses_the_books_thresholds():
    book = book_with_monitoring()
    strict = Book(settings=Settings("MKIP", "MBC", rag_green=Decimal("0.96"),
                                    rag_amber=Decimal("0.5")),
                  parties=(), savings=book.savings, budget_monitor=book.budget_monitor)
    m = monitor(strict, "2025-26")
    assert m.savings.rows[0].rag == "amber"  # 95% < 96%
    assert m.budget[0].rag == "red"  # 5% over, tolerance now 4%


# ----------------------------------------------------------------- budget against ledger


def test_bundled_budget_agrees_with_its_ledger(mkip_result) -> None:  # type: ignore[no-untyped-def]
    """data/mkip: quarter 4's actuals to date, 18,500.00 + 32,400.00 + 21,750.50 +
    4,200.00 = £76,850.50, are the ledger's spend for 2025-26."""
    q4 = [b for b in mkip_result.book.budget_monitor if b.quarter == 4]
    assert sum(b.actual_to_date for b in q4) == mkip_result.year_end.spend == 7685050
    assert not [w for w in mkip_result.warnings if w.table == "budget_monitor"]


def test_budget_that_disagrees_with_the_ledger_is_a_warning_naming_both(
        book_copy, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Annex A §5.1: the quarterly budget is monitoring, the ledger the account; a last
    quarter that does not add up to the ledger's spend is shown, not refused."""
    from typer.testing import CliRunner

    from finance.book import require_book
    from finance.cli import app
    from finance.core.jsonout import result_json
    from finance.core.run import run_year

    book_copy.set("budget_monitor", 3, "actual_to_date", "28900.00")  # Q4 External advice
    r = run_year(require_book(book_copy.path))
    (w,) = [w for w in r.warnings if w.table == "budget_monitor"]
    assert not w.is_error and w.row == 5 and w.column == "actual_to_date"
    assert w.message == ("quarter 4 actual to date £87,250.50 (4 lines) does not agree with "
                         "the ledger's spend for 2025-26, £76,850.50")
    assert str(w) in result_json(r)["warnings"]
    res = CliRunner().invoke(app, ["run", str(book_copy.path), "--out", str(tmp_path),
                                   "--no-report"])
    assert res.exit_code == 0 and "£87,250.50" in res.output and "£76,850.50" in res.output


def test_budget_check_uses_the_latest_quarter_of_the_year_only() -> None:
    from finance.core.model import BudgetLine
    from finance.core.monitoring import budget_against_ledger

    rows = [BudgetLine("2025-26", 2, "A", 100, 70, 100),
            BudgetLine("2025-26", 3, "A", 100, 80, 100),
            BudgetLine("2024-25", 4, "A", 100, 999, 100)]
    assert budget_against_ledger(rows, "2025-26", 80) is None
    assert budget_against_ledger(rows, "2025-26", 70) is not None
    assert budget_against_ledger(rows, "2023-24", 5) is None  # no lines for the year
