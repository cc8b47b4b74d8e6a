"""``mkip compare --budget``: the budget and each scenario's budget, side by side.

Each scenario of a scenario file (docs/scenarios.md) changes a copy of the book's raw
tables, which go through the same validator and the same budget as the book; the
councils' totals for the budget year are put side by side, each change a live formula
in the workbook.  A scenario that breaks the book is reported with its problems located
(``scenario "NAME": table row N, column C: …``) and nothing is written.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from finance import __version__
from finance.budget_run import PriorOf, make_budget
from finance.core.budget import Budget
from finance.core.budgetjson import budget_json
from finance.core.chain import Prior
from finance.core.money import fmt_pounds
from finance.core.parse import RawTable, parse_book
from finance.core.problems import Problem
from finance.core.scenario import Scenario
from finance.scenarios import located, scenario_book


@dataclass
class BudgetComparison:
    """The book's budget and each scenario's.

    Fields:
        baseline: the book's own budget.
        scenarios: each scenario with its budget, in the order of the file.
        problems: every problem; an error among them means nothing is written.
    """

    baseline: Budget | None = None
    scenarios: list[tuple[Scenario, Budget]] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.baseline is not None and not any(p.is_error for p in self.problems)

    def totals(self) -> list[tuple[str, str, list[int]]]:
        """Per council (code order): ``(code, name, [baseline total, each scenario's
        total])`` for the budget year, pence (0 where it has none)."""
        assert self.baseline is not None
        budgets = [self.baseline, *(b for _, b in self.scenarios)]
        names: dict[str, str] = {}
        for b in budgets:
            names.update({c.party: c.name for c in b.first.councils})
        return [(code, names[code], [next((c.total for c in b.first.councils
                                          if c.party == code), 0) for b in budgets])
                for code in sorted(names)]

    def as_json(self, input_sha256: str = "") -> dict[str, Any]:
        """``{"partnership", "year", "baseline", "scenarios": [{"name", "changes",
        "budget", "councils": [{"party", "baseline", "scenario", "change"}]}]}``."""
        assert self.baseline is not None
        rows = self.totals()
        return {
            "partnership": self.baseline.partnership, "year": self.baseline.year,
            "software_version": __version__,
            "baseline": budget_json(self.baseline, input_sha256),
            "scenarios": [
                {"name": sc.name, "changes": [c.as_json() for c in sc.changes],
                 "budget": budget_json(b, input_sha256),
                 "councils": [{"party": code, "baseline": fmt_pounds(t[0]),
                               "scenario": fmt_pounds(t[i + 1]),
                               "change": fmt_pounds(t[i + 1] - t[0])}
                              for code, _, t in rows]}
                for i, (sc, b) in enumerate(self.scenarios)],
        }


def compare_budget(tables: Mapping[str, RawTable], sha: str, scenarios: Sequence[Scenario],
                   year: str | None = None, years: int = 5,
                   prior: Callable[[str, str], Prior | None] | None = None
                   ) -> BudgetComparison:
    """The budget of the book's raw ``tables`` and of each scenario's changed copy;
    ``prior(partnership, year)`` is the history's word on a year."""
    out = BudgetComparison()
    book, found = parse_book(tables, sha)
    out.problems = list(found)
    if book is None:
        return out
    name = book.settings.name
    prior_of: PriorOf | None = (
        (lambda y: prior(name, y)) if prior is not None else None)
    out.baseline, found = make_budget(book, year, years, prior_of)
    out.problems += found
    if out.baseline is None:
        return out
    for sc in scenarios:
        sb, found = scenario_book(tables, sha, sc)
        if sb is None:
            out.problems += found
            continue
        bg, found = make_budget(sb, out.baseline.year, years, prior_of)
        if bg is None:
            out.problems += located(sc.name, [p for p in found if p.is_error])
            continue
        out.scenarios.append((sc, bg))
    return out


def budget_comparison_workbook(cmp: BudgetComparison) -> bytes:
    """The comparison as a workbook: each council's total for the budget year under the
    book and each scenario, each change a formula (scenario - book) with its value."""
    from datetime import UTC, datetime

    from finance.budget_book import MONEY_BR
    from finance.xlsx import HEAD, NAVY, MemoryBook, cell_name, pounds, set_page, write_text

    assert cmp.baseline is not None
    book = MemoryBook()
    f = book.formats
    title, head = f.get(size=14, bold=True, color=NAVY), f.get(
        bold=True, color="FFFFFF", fill=HEAD, align="center", valign="vcenter", wrap=True)
    money, bold = f.get(fmt=MONEY_BR), f.get(bold=True)
    ws = book.add_sheet("Budget scenarios")
    set_page(ws, landscape=True, header=f"&L{cmp.baseline.partnership}: budget "
             f"{cmp.baseline.year}, scenarios&R&P of &N")
    write_text(ws, 0, 0, f"{cmp.baseline.partnership}: budget {cmp.baseline.year}, each "
               "council's total under each scenario", title)
    heads = ["Council", "Name", "Book"]
    for sc, _ in cmp.scenarios:
        heads += [sc.name, f"Change: {sc.name}"]
    ws.write_row(2, 0, heads, head)
    ws.set_column(0, 0, 10)
    ws.set_column(1, 1, 32)
    ws.set_column(2, len(heads), 18)
    r = 3
    code_names = [(code, name) for code, name, _ in cmp.totals()]
    for code, name, totals in cmp.totals():
        write_text(ws, r, 0, code, bold)
        write_text(ws, r, 1, name)
        ws.write_number(r, 2, pounds(totals[0]), money)
        for i, t in enumerate(totals[1:]):
            col = 3 + 2 * i
            ws.write_number(r, col, pounds(t), money)
            ws.write_formula(r, col + 1, f"={cell_name(r + 1, col + 1)}-{cell_name(r + 1, 3)}",
                             money, pounds(t - totals[0]))
        r += 1
    r += 1
    names = dict(code_names)
    for sc, _ in cmp.scenarios:
        write_text(ws, r, 0, sc.name, bold)
        write_text(ws, r, 1, "; ".join(c.words(names) for c in sc.changes))
        r += 1
    return book.finish(datetime(2025, 4, 1, tzinfo=UTC),
                       title=f"{cmp.baseline.partnership}: budget scenarios",
                       creator=f"mkip-finance {__version__}")
