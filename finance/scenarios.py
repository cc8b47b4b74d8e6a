"""``mkip compare``: a book's baseline and each scenario, run in full, side by side.

The book is read once; each scenario's changes are made to a copy of its raw tables
(:mod:`finance.core.scenario`), which then go through the same validator and the same year
end as any book.  A scenario that breaks the book is reported with every problem located
(``scenario "NAME": table row N, column C: …``) and nothing is written.
"""

from __future__ import annotations

import hashlib
import json
import tomllib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from finance.book import read_raw
from finance.core.chain import Prior
from finance.core.jsonout import result_json
from finance.core.model import Book
from finance.core.parse import RawTable, parse_book
from finance.core.problems import Problem
from finance.core.run import Result
from finance.core.scenario import Scenario, apply_changes, compare, scenarios_from
from finance.pipeline import compute


@dataclass
class Comparison:
    """The baseline and every scenario of one book and year.

    Fields:
        baseline: the book's own result.
        scenarios: each scenario with its result, in the order of the file.
        problems: every problem (the book's, the file's, each scenario's); an error among
            them means nothing is written.
    """

    baseline: Result | None = None
    scenarios: list[tuple[Scenario, Result]] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.baseline is not None and not any(p.is_error for p in self.problems)

    def as_json(self) -> dict[str, Any]:
        """``{"partnership", "year", "baseline", "scenarios": [{"name", "changes",
        "result", "parties"}]}`` (docs/scenarios.md)."""
        assert self.baseline is not None
        base = result_json(self.baseline)
        return {
            "partnership": self.baseline.book.settings.name,
            "year": self.baseline.year,
            "baseline": base,
            "scenarios": [{"name": s.name, "changes": [c.as_json() for c in s.changes],
                           "result": (res := result_json(r)),
                           "parties": compare(base, res)}
                          for s, r in self.scenarios],
        }


def read_scenarios(path: Path) -> tuple[list[Scenario], list[Problem]]:
    """The scenarios of a TOML file, or the problem that stops reading it."""
    try:
        doc = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        return [], [Problem(path.name, None, None, f"cannot be read ({exc})")]
    except tomllib.TOMLDecodeError as exc:
        return [], [Problem(path.name, None, None, f"is not a valid scenario file ({exc})")]
    return scenarios_from(doc)


def located(name: str, problems: list[Problem]) -> list[Problem]:
    return [Problem(f'scenario "{name}": {p.table}', p.row, p.column, p.message, p.severity)
            for p in problems]


def scenario_book(tables: Mapping[str, RawTable], sha: str, sc: Scenario
                  ) -> tuple[Book | None, list[Problem]]:
    """The book with a scenario's changes made, read by the same validator as any book
    (identified by the book's SHA-256 and the changes), or ``None`` and its problems,
    each located by the scenario (and the change, where one is refused)."""
    changed, found = apply_changes(tables, sc)
    if found:
        return None, found
    digest = hashlib.sha256((sha + json.dumps([c.as_json() for c in sc.changes],
                                              sort_keys=True)).encode()).hexdigest()
    sb, found = parse_book(changed, digest)
    if sb is None:
        return None, located(sc.name, [p for p in found if p.is_error])
    return sb, []


def run_comparison(book: Path, scenarios: list[Scenario], year: str | None = None,
                   prior: Callable[[str, str], Prior | None] | None = None) -> Comparison:
    """Run the baseline and every scenario of the book at ``book`` through the same
    validator and year end (the book is read once)."""
    raw, sha, problems = read_raw(book)
    if any(p.is_error for p in problems):
        return Comparison(problems=problems)
    tables = {k: v for k, v in raw.items() if isinstance(v, RawTable)}
    out = compare_tables(tables, sha, scenarios, year, prior)
    out.problems = problems + out.problems
    return out


def compare_tables(tables: Mapping[str, RawTable], sha: str, scenarios: Sequence[Scenario],
                   year: str | None = None,
                   prior: Callable[[str, str], Prior | None] | None = None) -> Comparison:
    """:func:`run_comparison` for a book's raw tables held in memory (the app's)."""
    out = Comparison()
    b, more = parse_book(tables, sha)
    out.problems = list(more)
    if b is None:
        return out
    y = year or (b.year_labels[-1] if b.year_labels else None)
    pr = prior(b.settings.name, y) if prior is not None and y else None
    out.baseline, run_problems = compute(b, year, pr)
    out.problems += run_problems
    if out.baseline is None:
        return out
    for sc in scenarios:
        sb, found = scenario_book(tables, sha, sc)
        if sb is None:
            out.problems += found
            continue
        result, found = compute(sb, out.baseline.year, pr)
        if result is None:
            out.problems += located(sc.name, found)
            continue
        out.scenarios.append((sc, result))
    return out
