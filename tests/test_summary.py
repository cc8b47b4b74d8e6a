"""The terminal summary of ``mkip run``: every table cut to 20 rows, then "… and N more"."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from rich.console import Console

from benchmarks.generate import large_book
from finance.book import require_book
from finance.core.run import Result, run_year
from finance.summary import MAX_ROWS, print_summary


def _summary(r: Result) -> str:
    out = io.StringIO()
    print_summary(r, Console(file=out, width=120, color_system=None))
    return out.getvalue()


def _table_rows(text: str) -> list[int]:
    """Rows of each table (lines between the header rule and the bottom rule)."""
    counts, n, inside = [], 0, False
    for line in text.splitlines():
        if line.startswith("┡"):
            inside, n = True, 0
        elif line.startswith("└") and inside:
            counts.append(n)
            inside = False
        elif inside and line.startswith("│"):
            n += 1
    return counts


@pytest.fixture(scope="module")
def large(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Result]:
    """The generator's large book (300 councils, 3,000 services), with a shorter ledger:
    the summary's tables do not depend on its length."""
    folder = large_book(tmp_path_factory.mktemp("large") / "book", parties=300,
                        services=3000, ledger_rows=2000)
    return folder, run_year(require_book(folder))


def test_large_book_tables_stop_at_20_rows_then_say_how_many_more(
        large: tuple[Path, Result]) -> None:
    r = large[1]
    text = _summary(r)
    rows = _table_rows(text)
    assert len(rows) >= 5 and max(rows) == MAX_ROWS == 20
    more = [int(m.replace(",", "")) for m in re.findall(r"^… and ([\d,]+) more$", text, re.M)]
    settlement = len(r.settlement.payments) + len(r.settlement.net_positions)
    # contributions (19 shown + the total line), statement per party, services, settlement
    assert more == [len(r.contributions.lines) - 19, len(r.year_end.parties) - 20,
                    len(r.services) - 20, settlement - 20]
    assert len(text.splitlines()) < 200  # was over 14,000 lines for the large book
    assert "Participants" in text  # 300 parties: a count, not 300 columns


def test_small_book_summary_is_whole(mkip_result: Result) -> None:
    text = _summary(mkip_result)
    assert "… and" not in text
    assert "£112,770.00" in text and "REVBEN" in text and "net TWBC" in text
    assert max(_table_rows(text)) < MAX_ROWS


def test_mkip_run_of_a_large_book_prints_a_short_summary(large: tuple[Path, Result],
                                                          tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from finance.cli import app

    res = CliRunner().invoke(app, ["run", str(large[0]), "--out", str(tmp_path),
                                   "--no-report"])
    assert res.exit_code == 0, res.output
    assert len(res.stdout.splitlines()) < 200
    assert "… and 2,980 more" in res.stdout


def test_negatives_are_in_brackets_as_in_every_other_output(mkip_result: Result) -> None:
    """The terminal shows a negative figure as the workbook, the PDFs and the app do:
    the bundled book's External advice line is £11,500.00 under budget."""
    text = _summary(mkip_result)
    assert re.search(r"│ External advice +│ £30,000\.00 │ +£18,500\.00 │ +£18,500\.00 │ "
                     r"+\(£11,500\.00\) │ green │", text), text
    assert "-£" not in text
