"""Savings, quarterly budget and performance monitoring (SPEC §8).

Governance basis:

* Annex A §5.1: *"MKIP finance performance will be measured with actual savings
  delivered versus predicted savings ... Additionally the MKIP budget will be monitored
  and reported to the Board on a quarterly basis."*
* Annex A §4.1: *"Continuous poor performance (over 3 quarters with majority of
  performance indicators being missed) will be reported to the MKIP Board by the shared
  service board as a matter of course."*
* Annex D (f): a shared service board reports to the MKIP Board *"when the service
  underperforms (i.e. fails to meet the majority of targets over 3 quarters)"*.

Units: money is integer pence (``int``); percentages are floats for display only, and
every RAG decision is made on exact fractions, never on floats.  RAG ratings are the
strings ``"green"``, ``"amber"`` and ``"red"``.

>>> from decimal import Decimal
>>> from finance.core.model import SavingRow
>>> r = savings_monitor([SavingRow("LEGAL", "2025-26", 100_000, 95_000)],
...                     Decimal("0.95"), Decimal("0.75"))
>>> r.rows[0].variance, r.rows[0].pct_delivered, r.rows[0].rag
(-5000, 0.95, 'green')
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Any

from finance.core.model import Book, BudgetLine, Indicator, SavingRow
from finance.core.money import fmt_gbp, fmt_pounds
from finance.core.problems import Problem
from finance.core.years import parse_year

__all__ = [
    "FLAG_QUARTERS",
    "BudgetVariance",
    "IndicatorResult",
    "Monitoring",
    "PerformanceFlag",
    "PerformanceReport",
    "SavingLine",
    "SavingsReport",
    "ServiceQuarter",
    "budget_against_ledger",
    "budget_monitor",
    "delivery_rag",
    "indicator_missed",
    "monitor",
    "overspend_rag",
    "performance_monitor",
    "savings_monitor",
]

#: Consecutive missed quarters that make "continuous poor performance" (Annex A §4.1).
FLAG_QUARTERS = 3


def _ratio(num: int, den: int) -> float | None:
    return None if den == 0 else float(Fraction(num, den))


def _round6(x: float | None) -> float | None:
    return None if x is None else round(x, 6)


# --------------------------------------------------------------------------- savings


def delivery_rag(predicted: int, actual: int, green: Decimal, amber: Decimal) -> str:
    """RAG for savings delivered against savings predicted (SPEC §8).

    With a positive prediction the rating is on ``delivered = actual / predicted``,
    compared exactly: ``green`` when ``delivered >= green`` (95%), ``amber`` when
    ``delivered >= amber`` (75%), else ``red``.  Where no positive saving was predicted
    (0, or a negative "saving", i.e. growth) a percentage means nothing; the rating is
    then ``green`` when at least the prediction was delivered (``actual >= predicted``),
    else ``red``.

    >>> g, a = Decimal("0.95"), Decimal("0.75")
    >>> [delivery_rag(100, x, g, a) for x in (95, 94, 75, 74)]
    ['green', 'amber', 'amber', 'red']
    >>> delivery_rag(0, 0, g, a), delivery_rag(0, -1, g, a)
    ('green', 'red')
    """
    if predicted > 0:
        delivered = Fraction(actual, predicted)
        if delivered >= Fraction(green):
            return "green"
        if delivered >= Fraction(amber):
            return "amber"
        return "red"
    return "green" if actual >= predicted else "red"


@dataclass(frozen=True, slots=True)
class SavingLine:
    """Savings delivered for one service and year, or a total (``service`` None).

    Pence: ``predicted``, ``actual``, ``variance = actual - predicted`` (negative =
    shortfall).  ``pct_delivered = actual / predicted`` as a float (1.0 = 100%), ``None``
    when nothing was predicted.  A yearly total has ``service`` None; the overall total
    has ``service`` and ``year`` None.
    """

    service: str | None
    year: str | None
    predicted: int
    actual: int
    variance: int
    pct_delivered: float | None
    rag: str

    def as_json(self) -> dict[str, Any]:
        return {
            "service": self.service,
            "year": self.year,
            "predicted": fmt_pounds(self.predicted),
            "actual": fmt_pounds(self.actual),
            "variance": fmt_pounds(self.variance),
            "pct_delivered": _round6(self.pct_delivered),
            "rag": self.rag,
        }


def _saving_line(
    service: str | None, year: str | None, predicted: int, actual: int,
    green: Decimal, amber: Decimal,
) -> SavingLine:
    return SavingLine(
        service=service,
        year=year,
        predicted=predicted,
        actual=actual,
        variance=actual - predicted,
        pct_delivered=_ratio(actual, predicted),
        rag=delivery_rag(predicted, actual, green, amber),
    )


@dataclass(frozen=True, slots=True)
class SavingsReport:
    """Savings monitoring: one line per row, partnership totals per year, and overall."""

    rows: tuple[SavingLine, ...]
    by_year: tuple[SavingLine, ...]
    total: SavingLine


def savings_monitor(rows: Sequence[SavingRow], green: Decimal, amber: Decimal) -> SavingsReport:
    """Actual against predicted savings per service and year, with partnership totals.

    Per row (pence): ``variance = actual - predicted``; ``pct_delivered = actual /
    predicted``; RAG by :func:`delivery_rag` (green at ``green`` or more, amber at
    ``amber`` or more, else red; compared exactly).  Partnership totals sum predicted and
    actual over services for each year (``by_year``) and over everything (``total``), and
    are rated by the same rule on their own sums (not an average of the rows' RAGs).
    Lines are sorted by year, then service, so the order of input rows never matters.

    >>> from finance.core.model import SavingRow
    >>> r = savings_monitor([SavingRow("A", "2025-26", 100_00, 80_00),
    ...                      SavingRow("B", "2025-26", 100_00, 110_00)],
    ...                     Decimal("0.95"), Decimal("0.75"))
    >>> [x.rag for x in r.rows], r.total.variance, r.total.pct_delivered, r.total.rag
    (['amber', 'green'], -1000, 0.95, 'green')
    """
    ordered = sorted(
        rows, key=lambda r: (parse_year(r.year), r.service, r.row, r.predicted, r.actual)
    )
    lines = tuple(
        _saving_line(r.service, r.year, r.predicted, r.actual, green, amber) for r in ordered
    )
    per_year: dict[str, list[int]] = {}
    for r in ordered:
        t = per_year.setdefault(r.year, [0, 0])
        t[0] += r.predicted
        t[1] += r.actual
    by_year = tuple(
        _saving_line(None, y, p, a, green, amber) for y, (p, a) in per_year.items()
    )
    total = _saving_line(
        None, None, sum(r.predicted for r in rows), sum(r.actual for r in rows), green, amber
    )
    return SavingsReport(rows=lines, by_year=by_year, total=total)


# --------------------------------------------------------------------------- budget


def overspend_rag(
    budget: int, forecast: int, green_over: Decimal = Decimal(0),
    amber_over: Decimal = Decimal("0.05"),
) -> str:
    """RAG for a budget line's forecast outturn against its budget.

    The rule a council finance officer expects from quarterly budget monitoring:
    ``overspend = forecast - budget``; ``green`` when the overspend is at most
    ``green_over x |budget|`` (by default: on or under budget), ``amber`` when it is at
    most ``amber_over x |budget|`` (by default: an overspend of up to 5%), ``red`` above.
    Underspends are green.  A zero budget is green only if nothing is forecast to be
    spent.  Compared exactly in pence.

    >>> [overspend_rag(10_000, f) for f in (9_000, 10_000, 10_500, 10_501)]
    ['green', 'green', 'amber', 'red']
    """
    over = forecast - budget
    if over <= Fraction(green_over) * abs(budget):
        return "green"
    if over <= Fraction(amber_over) * abs(budget):
        return "amber"
    return "red"


@dataclass(frozen=True, slots=True)
class BudgetVariance:
    """One budget line in one quarter.

    Pence: ``budget``, ``actual_to_date``, ``forecast_outturn``, ``variance =
    forecast_outturn - budget`` (positive = overspend, negative = underspend).  Floats:
    ``variance_pct = variance / budget`` and ``spent_pct = actual_to_date / budget``
    (``None`` when the budget is 0).  ``rag`` by :func:`overspend_rag`.
    """

    year: str
    quarter: int
    line: str
    budget: int
    actual_to_date: int
    forecast_outturn: int
    variance: int
    variance_pct: float | None
    spent_pct: float | None
    rag: str

    def as_json(self) -> dict[str, Any]:
        return {
            "year": self.year,
            "quarter": self.quarter,
            "line": self.line,
            "budget": fmt_pounds(self.budget),
            "actual_to_date": fmt_pounds(self.actual_to_date),
            "forecast_outturn": fmt_pounds(self.forecast_outturn),
            "variance": fmt_pounds(self.variance),
            "variance_pct": _round6(self.variance_pct),
            "spent_pct": _round6(self.spent_pct),
            "rag": self.rag,
        }


def budget_monitor(
    rows: Sequence[BudgetLine], *, green_over: Decimal = Decimal(0),
    amber_over: Decimal = Decimal("0.05"),
) -> tuple[BudgetVariance, ...]:
    """Quarterly budget monitoring (Annex A §5.1): variance of forecast outturn against budget.

    Per line and quarter (pence): ``variance = forecast_outturn - budget`` (positive =
    overspend), ``variance_pct = variance / budget``; RAG by :func:`overspend_rag` with the
    tolerances ``green_over`` (default 0: green means on or under budget) and
    ``amber_over`` (default 5% overspend).  :func:`monitor` derives ``amber_over`` from
    the book's savings threshold as ``1 - rag_green`` (5% with the default 95%).
    Sorted by year, quarter, line.

    >>> from finance.core.model import BudgetLine
    >>> [b.rag for b in budget_monitor([BudgetLine("2025-26", 1, "Advice", 100_00, 20_00, 104_00),
    ...                                 BudgetLine("2025-26", 1, "Audit", 100_00, 30_00, 90_00)])]
    ['amber', 'green']
    """
    out = []
    for r in sorted(rows, key=lambda r: (parse_year(r.year), r.quarter, r.line, r.row, r.budget,
                                        r.forecast_outturn, r.actual_to_date)):
        if r.quarter not in (1, 2, 3, 4):
            raise ValueError(f"budget line {r.line!r}: quarter {r.quarter} is not 1 to 4")
        variance = r.forecast_outturn - r.budget
        out.append(
            BudgetVariance(
                year=r.year,
                quarter=r.quarter,
                line=r.line,
                budget=r.budget,
                actual_to_date=r.actual_to_date,
                forecast_outturn=r.forecast_outturn,
                variance=variance,
                variance_pct=_ratio(variance, r.budget),
                spent_pct=_ratio(r.actual_to_date, r.budget),
                rag=overspend_rag(r.budget, r.forecast_outturn, green_over, amber_over),
            )
        )
    return tuple(out)


def budget_against_ledger(rows: Sequence[BudgetLine], year: str, ledger_spend: int
                          ) -> Problem | None:
    """A warning when the budget's actuals disagree with the ledger (Annex A §5.1).

    The last quarter reported for ``year`` carries the year's actual spend to date on each
    budget line; summed over the lines (pence) it should be the ledger's spend for the
    year.  When it is not, the warning names both figures; ``None`` when they agree or no
    budget line is reported for the year.  A warning, not an error: the budget is
    monitoring, the ledger is the account.

    >>> from finance.core.model import BudgetLine
    >>> rows = [BudgetLine("2025-26", 3, "Advice", 100_00, 80_00, 100_00),
    ...         BudgetLine("2025-26", 4, "Advice", 100_00, 90_00, 90_00, row=3),
    ...         BudgetLine("2025-26", 4, "Audit", 50_00, 50_00, 50_00, row=4)]
    >>> budget_against_ledger(rows, "2025-26", 140_00) is None
    True
    >>> print(budget_against_ledger(rows, "2025-26", 150_00))  # doctest: +NORMALIZE_WHITESPACE
    budget_monitor row 3, column actual_to_date: quarter 4 actual to date £140.00 (2
    lines) does not agree with the ledger's spend for 2025-26, £150.00 (warning)
    """
    own = [r for r in rows if r.year == year]
    if not own:
        return None
    last = max(r.quarter for r in own)
    lines = sorted((r for r in own if r.quarter == last), key=lambda r: r.row)
    actual = sum(r.actual_to_date for r in lines)
    if actual == ledger_spend:
        return None
    return Problem("budget_monitor", lines[0].row, "actual_to_date",
                   f"quarter {last} actual to date {fmt_gbp(actual)} ({len(lines)} "
                   f"line{'s' if len(lines) != 1 else ''}) does not agree with the ledger's "
                   f"spend for {year}, {fmt_gbp(ledger_spend)}", "warning")


# --------------------------------------------------------------------------- performance


def indicator_missed(target: Decimal, actual: Decimal, higher_is_better: bool) -> bool:
    """An indicator is missed when its actual is worse than target in its direction.

    Higher is better: missed when ``actual < target``; lower is better: missed when
    ``actual > target``.  Hitting the target exactly is not a miss.

    >>> indicator_missed(Decimal(90), Decimal(89), True)
    True
    >>> indicator_missed(Decimal(5), Decimal(5), False)
    False
    """
    return actual < target if higher_is_better else actual > target


@dataclass(frozen=True, slots=True)
class IndicatorResult:
    """One indicator in one quarter and whether it was missed."""

    service: str
    year: str
    quarter: int
    indicator: str
    target: Decimal
    actual: Decimal
    higher_is_better: bool
    missed: bool


@dataclass(frozen=True, slots=True)
class ServiceQuarter:
    """One service in one quarter: how many indicators, how many missed, and whether the
    quarter was missed (``missed > indicators / 2``: a strict majority)."""

    service: str
    year: str
    quarter: int
    indicators: int
    missed: int
    missed_quarter: bool

    def as_json(self) -> dict[str, Any]:
        return {
            "service": self.service,
            "year": self.year,
            "quarter": self.quarter,
            "indicators": self.indicators,
            "missed": self.missed,
            "missed_quarter": self.missed_quarter,
        }


@dataclass(frozen=True, slots=True)
class PerformanceFlag:
    """A run of ``quarters`` (3 or more) consecutive missed quarters of one service, from
    ``start`` to ``end`` (each ``(year, quarter)``): to be reported to the MKIP Board."""

    service: str
    start: tuple[str, int]
    end: tuple[str, int]
    quarters: int

    def as_json(self) -> dict[str, Any]:
        return {
            "service": self.service,
            "from_year": self.start[0],
            "from_quarter": self.start[1],
            "to_year": self.end[0],
            "to_quarter": self.end[1],
            "quarters": self.quarters,
        }


@dataclass(frozen=True, slots=True)
class PerformanceReport:
    """Indicator results, per-service-quarter results and board flags (sorted by service,
    then time)."""

    indicators: tuple[IndicatorResult, ...]
    quarters: tuple[ServiceQuarter, ...]
    flags: tuple[PerformanceFlag, ...]


def _quarter_index(year: str, quarter: int) -> int:
    """Quarters counted from a fixed origin, so consecutive quarters differ by 1 across
    31 March (2024-25 Q4 -> 2025-26 Q1)."""
    return 4 * parse_year(year) + (quarter - 1)


def performance_monitor(rows: Sequence[Indicator]) -> PerformanceReport:
    """Missed indicators, missed quarters and continuous poor performance (Annex A §4.1).

    * indicator missed: :func:`indicator_missed`;
    * a service misses a quarter when **more than half** of its indicators that quarter
      are missed (``2 x missed > indicators``; exactly half is not a majority);
    * ``FLAG_QUARTERS`` (3) or more consecutive missed quarters of a service flag it for
      report to the MKIP Board (Annex D f).  Quarters are ordered by financial year and
      quarter, and run on across year ends (2024-25 Q4 is followed by 2025-26 Q1).  A
      quarter that was met, or a quarter with no indicators reported (a gap), ends a
      run.  A run longer than three quarters gives one flag covering all of it.

    >>> from finance.core.model import Indicator
    >>> rows = [Indicator("HR", y, q, "sickness", Decimal(5), Decimal(9), False)
    ...         for y, q in (("2024-25", 3), ("2024-25", 4), ("2025-26", 1))]
    >>> [f.as_json() for f in performance_monitor(rows).flags]  # doctest: +NORMALIZE_WHITESPACE
    [{'service': 'HR', 'from_year': '2024-25', 'from_quarter': 3, 'to_year': '2025-26',
      'to_quarter': 1, 'quarters': 3}]
    """
    results: list[IndicatorResult] = []
    for r in rows:
        if r.quarter not in (1, 2, 3, 4):
            raise ValueError(f"indicator {r.indicator!r} of {r.service}: "
                             f"quarter {r.quarter} is not 1 to 4")
        results.append(
            IndicatorResult(r.service, r.year, r.quarter, r.indicator, r.target, r.actual,
                            r.higher_is_better,
                            indicator_missed(r.target, r.actual, r.higher_is_better))
        )
    results.sort(key=lambda x: (x.service, _quarter_index(x.year, x.quarter), x.indicator,
                                x.target, x.actual, x.higher_is_better))

    groups: dict[tuple[str, int], list[IndicatorResult]] = defaultdict(list)
    for x in results:
        groups[(x.service, _quarter_index(x.year, x.quarter))].append(x)
    quarters = []
    for (service, _), items in sorted(groups.items()):
        missed = sum(1 for x in items if x.missed)
        quarters.append(
            ServiceQuarter(service, items[0].year, items[0].quarter, len(items), missed,
                           2 * missed > len(items))
        )

    flags: list[PerformanceFlag] = []
    run: list[ServiceQuarter] = []

    def close() -> None:
        if len(run) >= FLAG_QUARTERS:
            flags.append(PerformanceFlag(run[0].service, (run[0].year, run[0].quarter),
                                         (run[-1].year, run[-1].quarter), len(run)))
        run.clear()

    for sq in quarters:
        if run and (
            sq.service != run[-1].service
            or _quarter_index(sq.year, sq.quarter)
            != _quarter_index(run[-1].year, run[-1].quarter) + 1
        ):
            close()
        if sq.missed_quarter:
            run.append(sq)
        else:
            close()
    close()
    return PerformanceReport(tuple(results), tuple(quarters), tuple(flags))


# --------------------------------------------------------------------------- bundle


@dataclass(frozen=True, slots=True)
class Monitoring:
    """Savings, budget and performance monitoring for one run (SPEC §8)."""

    year: str | None
    savings: SavingsReport
    budget: tuple[BudgetVariance, ...]
    performance: PerformanceReport

    def as_json(self) -> dict[str, Any]:
        """``{"savings", "budget", "performance", "flags"}`` as in SPEC §10, plus
        ``"savings_totals"``: the partnership totals per year, then the overall total
        (``year`` null)."""
        return {
            "savings": [x.as_json() for x in self.savings.rows],
            "budget": [x.as_json() for x in self.budget],
            "performance": [x.as_json() for x in self.performance.quarters],
            "flags": [x.as_json() for x in self.performance.flags],
            "savings_totals": [x.as_json() for x in self.savings.by_year]
            + [self.savings.total.as_json()],
        }


def monitor(book: Book, year: str | None = None) -> Monitoring:
    """All monitoring for a book, as reported for ``year`` (SPEC §8).

    * savings and budget: the rows of ``year`` only (the board report for that year);
      every year when ``year`` is None;
    * performance: every quarter up to the end of ``year`` (history matters: a run of
      missed quarters crosses year ends), ignoring any quarter after it; everything when
      ``year`` is None.

    Thresholds come from the book's settings: savings green at ``rag_green`` (95%),
    amber at ``rag_amber`` (75%); a budget line is green on or under budget, amber up to
    ``1 - rag_green`` overspend (5%), red above.

    >>> from finance.core.model import Book, Settings
    >>> monitor(Book(Settings("P", "MBC"), ()), "2025-26").as_json()["flags"]
    []
    """
    s = book.settings
    if year is None:
        savings_rows: Sequence[SavingRow] = book.savings
        budget_rows: Sequence[BudgetLine] = book.budget_monitor
        perf_rows: Sequence[Indicator] = book.performance
    else:
        last = parse_year(year)
        savings_rows = [r for r in book.savings if r.year == year]
        budget_rows = [r for r in book.budget_monitor if r.year == year]
        perf_rows = [r for r in book.performance if parse_year(r.year) <= last]
    return Monitoring(
        year=year,
        savings=savings_monitor(savings_rows, s.rag_green, s.rag_amber),
        budget=budget_monitor(budget_rows, amber_over=1 - s.rag_green),
        performance=performance_monitor(perf_rows),
    )
