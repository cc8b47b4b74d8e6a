"""Figures that are allowed but implausible are warned about, never refused: a
population that moved by more than a fifth from the party's previous estimate, and a
negative spend line.  The figures are worked out as given."""

from __future__ import annotations

from pathlib import Path

from finance.book import require_book
from finance.core.run import run_year
from tests.conftest import BookCopy


def warnings(folder: Path) -> list[str]:
    return [str(w) for w in run_year(require_book(folder), "2025-26").warnings]


def with_estimate(tmp_path: Path, population: str) -> BookCopy:
    book = BookCopy(tmp_path / "book")
    book.edit("populations", lambda rows: rows.append(
        {"party": "MBC", "year": "2025-26", "population": population,
         "source": "ONS mid-2024"}))
    return book


def test_a_population_up_by_more_than_a_fifth_is_warned_about(tmp_path: Path) -> None:
    book = with_estimate(tmp_path, "180000")  # 142,800 in 2008-09: 26% more
    assert ("populations row 5, column population: MBC: 180,000 is 26% more than its "
            "2008-09 estimate (142,800): check the figure (warning)") in warnings(book.path)


def test_a_population_down_by_more_than_a_fifth_is_warned_about(tmp_path: Path) -> None:
    book = with_estimate(tmp_path, "14280")  # a digit dropped
    assert ("populations row 5, column population: MBC: 14,280 is 90% less than its "
            "2008-09 estimate (142,800): check the figure (warning)") in warnings(book.path)


def test_a_move_of_exactly_a_fifth_is_not_warned_about(tmp_path: Path) -> None:
    book = with_estimate(tmp_path, "171360")  # 142,800 x 1.2
    assert not [w for w in warnings(book.path) if "check the figure" in w]


def test_a_negative_spend_is_warned_about_and_still_counted(tmp_path: Path) -> None:
    book = BookCopy(tmp_path / "book")
    before = run_year(require_book(book.path), "2025-26").year_end.spend
    book.edit("ledger", lambda rows: rows.append(
        {"date": "2025-06-01", "year": "2025-26", "kind": "spend", "amount": "-500.00",
         "description": "Credit note", "reference": "CN-1"}))
    r = run_year(require_book(book.path), "2025-26")
    assert r.year_end.spend == before - 50_000
    [w] = [str(w) for w in r.warnings if "negative spend" in str(w)]
    assert w.startswith("ledger row ") and "a negative spend, -£500.00, lowers the year's " \
        "spend" in w


def test_the_bundled_book_has_no_such_warning() -> None:
    from tests.conftest import MKIP

    assert not [w for w in warnings(MKIP) if "check the figure" in w or "negative" in w]
