"""One year's facts are worked out once (finance.core.contributions.year_facts).

Who pays, each party's months, the population estimates used and the contributions are
derived once per year run and handed to the checks, the year end, the service splits, the
settlement's project sharing and the budget.  The counts below are taken with a profile
hook on the functions of ``finance/core/contributions.py`` that derive them, by the year
each was asked for, so a caller that imports one of them by name is counted too.
"""

from __future__ import annotations

import sys
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import FrozenInstanceError, replace
from datetime import date
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest

from benchmarks.generate import large_book
from finance.book import load_book
from finance.core import contributions as cm
from finance.core.budget import budget, year_before_of_result
from finance.core.contributions import year_facts
from finance.core.model import (
    Book,
    Party,
    Population,
    Project,
    Service,
    ServiceParty,
    Settings,
    YearRow,
)
from finance.core.run import check_year, run_year
from finance.core.services import participant_weights, project_weights, split_services
from finance.core.yearend import year_end
from tests.conftest import ROOT

Y = "2025-26"

# the derivations: who pays, the estimates used and the ones before, and the money
DERIVED = {f.__code__: f.__name__ for f in (cm.paying_parties, cm.latest_populations,
                                            cm.previous_estimates, cm._contributions)}


@contextmanager
def derivations() -> Iterator[Counter[tuple[str, str | None]]]:
    """Counts each derivation's calls, by ``(function, year)`` (``previous_estimates``,
    which takes no year, by its caller's)."""
    calls: Counter[tuple[str, str | None]] = Counter()

    def hook(frame: Any, what: str, _arg: Any) -> None:
        name = DERIVED.get(frame.f_code) if what == "call" else None
        if name is not None:
            loc = frame.f_locals
            year = (loc.get("year") or getattr(loc.get("facts"), "year", None)
                    or frame.f_back.f_locals.get("year"))  # previous_estimates: the caller's
            calls[name, year] += 1

    old = sys.getprofile()
    sys.setprofile(hook)
    try:
        yield calls
    finally:
        sys.setprofile(old)


def of_year(calls: Counter[tuple[str, str | None]], year: str) -> dict[str, int]:
    return {name: n for (name, y), n in calls.items() if y == year}


ONCE = {"paying_parties": 1, "latest_populations": 1, "previous_estimates": 1,
        "_contributions": 1}


@pytest.fixture(scope="module")
def mkip() -> Book:
    book, problems = load_book(ROOT / "data" / "mkip")
    assert book is not None, problems
    return book


def test_one_years_run_derives_the_contributions_exactly_once(mkip: Book) -> None:
    """The bundled book: three projects, every basis of service, and 2024-25 in the book
    (its year end is worked out for the openings' warnings, once too)."""
    with derivations() as calls:
        r = run_year(mkip, Y)
    assert of_year(calls, Y) == ONCE
    assert of_year(calls, "2024-25") == ONCE  # the year before, for the opening warnings
    assert r.ok and len(r.project_weights) == 3


def test_a_large_books_run_derives_the_contributions_exactly_once(tmp_path: Path) -> None:
    book, problems = load_book(large_book(tmp_path / "b", 40, 120, 500))
    assert book is not None, problems
    with derivations() as calls:
        run_year(book, Y)
    assert of_year(calls, Y) == ONCE and set(calls) == {(k, Y) for k in ONCE}


def test_projects_starting_in_another_year_derive_that_years_facts_once(mkip: Book) -> None:
    later = tuple(replace(p, start_year="2024-25") for p in mkip.projects)
    book = replace(mkip, projects=later)
    with derivations() as calls:
        pw = project_weights(book, Y, year_facts(book, Y))
    # who pays and the estimates of 2024-25, once for the three projects; no money
    assert of_year(calls, "2024-25") == {"paying_parties": 1, "latest_populations": 1,
                                         "previous_estimates": 1}
    assert pw == {p.project: participant_weights(book, p.service, "2024-25")
                  for p in later}


def test_each_forecast_year_derives_its_facts_once(mkip: Book) -> None:
    before = year_before_of_result(run_year(mkip, Y))
    with derivations() as calls:
        bg = budget(mkip, "2026-27", before, years=4)
    for y in ("2026-27", "2027-28", "2028-29", "2029-30"):
        got = of_year(calls, y)
        # the budget's own look at the book's estimates (to grow them), then the year's facts
        assert got == {**ONCE, "latest_populations": 2}, (y, got)
    assert [by.year for by in bg.years] == ["2026-27", "2027-28", "2028-29", "2029-30"]


def test_the_facts_are_the_rules_answers_and_cannot_change(mkip: Book) -> None:
    f = year_facts(mkip, Y)
    assert [p.code for p in f.paying] == [p.code for p in cm.paying_parties(mkip, Y)]
    assert dict(f.populations) == cm.latest_populations(mkip, Y)
    assert f.contributions == cm.contributions(mkip, Y)
    assert f.months["KCC"] == 12 and f.problems == ()
    with pytest.raises(FrozenInstanceError):
        f.year = "2024-25"  # type: ignore[misc]
    with pytest.raises(TypeError):
        f.months["MBC"] = 3  # type: ignore[index]
    # handing the facts on changes nothing
    assert split_services(mkip, Y, f) == split_services(mkip, Y)
    assert year_end(mkip, Y, facts=f) == year_end(mkip, Y)
    assert check_year(mkip, Y) == []


def test_facts_with_a_missing_estimate_name_it_and_stop_the_run() -> None:
    b = Book(Settings("P", "A"), (Party("A", "A", True), Party("B", "B", True),
                                  Party("C", "C", True, left=date(2025, 4, 1))),
             (Population("A", Y, 10),), (YearRow(Y, Decimal(30)),),
             services=(Service("S", "S", Y, "A", 100, 0, "equal"),),
             service_parties=(ServiceParty("S", Y, "A"), ServiceParty("S", Y, "C")),
             projects=(Project("P", "P", "A", service="S"),))
    f = year_facts(b, Y)
    assert [p.code for p in f.paying] == ["A", "B"]  # C left on 1 April
    assert f.contributions is None and f.months["C"] == 0
    assert [p.message for p in f.problems] == [
        "no population estimate for B in or before 2025-26"]
    assert [p.message for p in check_year(b, Y)] == [
        "no population estimate for B in or before 2025-26"]
    with pytest.raises(ValueError, match="no population for B"):
        cm.contributions(b, Y)
    with pytest.raises(ValueError, match="no population for B"):
        f.at_rate(Fraction(30))
