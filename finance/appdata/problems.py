"""A book's problems as the app shows them: the error box, the notes, and a CSV of all.

Each problem is located by table, row and column, as the validator reports it; the
error box shows the first :data:`FIRST_PROBLEMS`, grouped by table, and the rest behind
an expander.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence

from finance.appdata.formats import count_text, md_escape
from finance.appdata.sources import Parsed
from finance.core.problems import Problem
from finance.core.run import Result


def problems_by_table(problems: Iterable[Problem]) -> dict[str, list[Problem]]:
    out: dict[str, list[Problem]] = {}
    for p in problems:
        out.setdefault(p.table, []).append(p)
    return out


def problem_lines(problems: Iterable[Problem], limit: int = 200) -> str:
    """Problems as a markdown bullet list (each located by table, row and column)."""
    ps = list(problems)
    lines = [f"- {md_escape(str(p))}" for p in ps[:limit]]
    if len(ps) > limit:
        lines.append(f"- … and {len(ps) - limit:,} more")
    return "\n".join(lines)


def errors_of(parsed: Parsed | None, run_problems: Iterable[Problem]) -> tuple[Problem, ...]:
    """Every error that stops the figures: the validator's, then the year's."""
    return (parsed.errors if parsed else ()) + tuple(p for p in run_problems if p.is_error)


def warnings_of(parsed: Parsed | None, result: Result | None) -> tuple[Problem, ...]:
    """Warnings to show: the validator's and, with fresh figures, the year's."""
    return (parsed.warnings if parsed else ()) + (result.warnings if result else ())


#: The warnings shown beside the figures they affect, by topic tab: (table, column).
BESIDE: dict[str, tuple[tuple[str, str], ...]] = {
    "Contributions": (("populations", "population"),),
    "Year end": (("ledger", "amount"), ("years", "opening_balance"),
                 ("years", "opening_commitments")),
}


def warnings_beside(result: Result, tab: str) -> list[str]:
    """The year's warnings about the inputs behind ``tab``'s figures (an implausible
    population, a negative spend, an opening that differs from last year's close), a
    sentence each, to show beside those figures as well as in the list of notes."""
    where = set(BESIDE.get(tab, ()))
    return [str(p).removesuffix(" (warning)") for p in result.warnings
            if (p.table, p.column) in where]


#: Problems shown at once in the error box; the rest are behind an expander.
FIRST_PROBLEMS = 20


def errors_message(errors: Sequence[Problem], last_good: tuple[str, str] | None) -> str:
    """The error box: what happened, what to do, then the first problems, located and
    grouped by table (:func:`more_problems` gives the rest)."""
    head = (f"**The book has {count_text(len(errors), 'problem')}, so the figures were not "
            "recomputed.** Each is listed with its table, row and column; fix them on the "
            "Data tab or in the workbook.")
    if last_good:
        head += f" Showing the last good figures ({last_good[0]}, {last_good[1]})."
    shown = grouped(errors[:FIRST_PROBLEMS])
    if len(errors) > FIRST_PROBLEMS:
        shown += (f"\n\nThe first {FIRST_PROBLEMS} are shown; "
                  f"{count_text(len(errors) - FIRST_PROBLEMS, 'more problem')} below.")
    return head + "\n\n" + shown


def grouped(problems: Sequence[Problem]) -> str:
    """Problems as markdown, a bold heading per table with its count, in book order."""
    out = []
    for table, ps in problems_by_table(problems).items():
        out.append(f"**{md_escape(table)}** ({count_text(len(ps), 'problem')})")
        out.append(problem_lines(ps))
    return "\n\n".join(out)


def more_problems(errors: Sequence[Problem]) -> tuple[Problem, ...]:
    """The problems the error box leaves for its expander."""
    return tuple(errors[FIRST_PROBLEMS:])


def problems_csv(problems: Iterable[Problem]) -> bytes:
    """Every problem as CSV (table, row, column, severity, problem), for a spreadsheet."""
    import csv

    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["table", "row", "column", "severity", "problem"])
    for p in problems:
        w.writerow([p.table, "" if p.row is None else p.row, p.column or "", p.severity,
                    safe_csv_text(p.message)])
    return buf.getvalue().encode("utf-8-sig")


def safe_csv_text(text: str) -> str:
    """Text a spreadsheet will not run as a formula (a leading ``=+-@`` is quoted).

    >>> safe_csv_text("=SUM(A1) is not a number"), safe_csv_text("fine")
    ("'=SUM(A1) is not a number", 'fine')
    """
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


def notes_label(warnings: Sequence[Problem]) -> str:
    return f"{count_text(len(warnings), 'note')} on the book (warnings, shown in every output)"
