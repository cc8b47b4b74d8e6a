"""A book's budget worked out end to end, for the command line and the app: the year
checked, the year before found (as closed in the history, else as the book has it),
then :func:`finance.core.budget.budget`.

The history is asked through ``prior_of(year)``, which gives the
:class:`~finance.core.chain.Prior` a run of that year would get (``None`` without a
history).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from finance.core.budget import (
    MAX_YEARS,
    Budget,
    YearBefore,
    budget,
    year_before_of_json,
    year_before_of_result,
)
from finance.core.chain import Prior
from finance.core.model import Book
from finance.core.money import fmt_gbp
from finance.core.problems import Problem
from finance.core.years import next_year, parse_year, previous_year, year_start

PriorOf = Callable[[str], Prior | None]


def ledger_years(book: Book) -> list[str]:
    """The years with ledger lines, in order."""
    return sorted(set(book.ledger.years[int(i)] for i in set(book.ledger.year_code.tolist()))
                  ) if len(book.ledger) else []


def default_budget_year(book: Book) -> str | None:
    """The year after the latest year with ledger lines (else after the latest year in
    ``years``; ``None`` for a book without years)."""
    years = ledger_years(book) or list(book.year_labels)
    return next_year(years[-1]) if years else None


def check_budget(book: Book, year: str | None, years: int) -> tuple[str | None, list[Problem]]:
    """The budget year (given or the default) and what stops its budget: a forecast of
    other than 1 to 10 years, a year not after the book's last year with ledger lines,
    or a year before it that the book does not give."""
    problems: list[Problem] = []
    if not 1 <= years <= MAX_YEARS:
        problems.append(Problem("budget", None, None,
                                f"a forecast runs 1 to {MAX_YEARS} years, not {years}"))
    b = year or default_budget_year(book)
    if b is None:
        return None, [*problems, Problem("years", None, None, "the book has no years")]
    done = ledger_years(book)
    if done and parse_year(b) <= parse_year(done[-1]):
        problems.append(Problem("budget", None, None,
                                f"{b} is not a year ahead: the ledger has lines for "
                                f"{done[-1]}, so a budget is for {next_year(done[-1])} or later"))
    before = previous_year(b)
    if before not in book.year_labels:
        problems.append(Problem("years", None, "year",
                                f"the budget for {b} starts from {before}, which has no row in "
                                "years"))
    return b, problems


def make_budget(book: Book, year: str | None = None, years: int = 5,
                prior_of: PriorOf | None = None) -> tuple[Budget | None, list[Problem]]:
    """The budget, or ``None`` and the problems that stop it (each located)."""
    from finance.pipeline import compute

    b, problems = check_budget(book, year, years)
    if b is None or any(p.is_error for p in problems):
        return None, problems
    before_label = previous_year(b)
    ahead = prior_of(b) if prior_of is not None else None
    stored = ahead.stored_shares() if ahead is not None else None
    before: YearBefore
    if ahead is not None and ahead.previous_json is not None and ahead.opening is not None:
        before = year_before_of_json(json.loads(ahead.previous_json), ahead.opening.source,
                                     book)
    else:
        prior = prior_of(before_label) if prior_of is not None else None
        result, more = compute(book, before_label, prior)
        if result is None:
            return None, problems + more
        before = year_before_of_result(result)
    try:
        return budget(book, b, before, years, stored), problems
    except ValueError as exc:  # a service that cannot be split in a forecast year
        return None, [*problems, Problem("services", None, None, str(exc))]


def summary_lines(bg: Budget) -> list[str]:
    """What ``mkip budget`` prints: the year's rate and demand, each council's total and
    change, the forecast's fund, the proposals."""
    y = bg.first
    out = [f"{bg.partnership}: budget {bg.year} (from {bg.before.year}, {bg.before.source}), "
           f"forecast to {bg.years[-1].year}",
           f"  central budget {fmt_gbp(y.central)}; use of balances "
           f"{fmt_gbp(y.use_of_balances)}; rate needed {_p(y.rate_needed)}, rate "
           f"{_p(y.rate)}: {'surplus' if y.surplus >= 0 else 'gap'} {fmt_gbp(abs(y.surplus))}",
           f"  due on 1 April {year_start(bg.year).year}: {fmt_gbp(y.contributions_total)}"]
    for line in y.contributions.lines:
        out.append(f"    {line.party:<6} {line.population:>10,} x {_p(y.rate)}"
                   f"{'' if line.months == 12 else f' x {line.months}/12'} = "
                   f"{fmt_gbp(line.amount)}")
    out.append("  each council's budget for the partnership (contribution and services):")
    for c in y.councils:
        change = "" if c.change is None else (
            f", {_signed(c.change)} on {bg.before.year}"
            + ("" if c.change_ratio is None else f" ({float(c.change_ratio) * 100:+.1f}%)"))
        out.append(f"    {c.party:<6} {fmt_gbp(c.total)}{change}")
    out.append("  central fund: " + "; ".join(
        f"{x.year} {fmt_gbp(x.fund_closing)}" for x in bg.years))
    for p in bg.proposals:
        out.append(f"  proposal (not in the totals): {p.item.service} {p.item.item} "
                   f"{fmt_gbp(p.item.amount)} in {p.item.year}: " + ", ".join(
                       f"{c} {fmt_gbp(v)}" for c, v in p.effect))
    return out


def _signed(pence: int) -> str:
    """A change: ``+£1,234.56``, or in brackets when it falls, ``(£1,234.56)``."""
    return f"+{fmt_gbp(pence)}" if pence >= 0 else f"({fmt_gbp(-pence)})"


def _p(rate: Any) -> str:
    from finance.core.jsonout import rate_text

    return f"{rate_text(rate)}p"
