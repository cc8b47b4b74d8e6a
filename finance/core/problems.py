"""Problems found in a book: located, plain-sentence records.

User-data problems come back as a list of these, never as a crash.

>>> str(Problem("populations", 4, "population", "'abc' is not a whole number"))
"populations row 4, column population: 'abc' is not a whole number"
>>> str(Problem("services", None, None, "table is missing", "warning"))
'services: table is missing (warning)'
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True, slots=True, order=True)
class Problem:
    """One problem found in a book, located for the person who fixes it.

    Fields:
        table: the table (or, for a problem with a file, the file or sheet) it is in,
            by name: ``"populations"``.
        row: the row number the user sees in the sheet or CSV file (``None``: not one
            row, e.g. a missing column or a total).
        column: the column's name (``None``: the whole row or table).
        message: what is wrong, as a plain sentence for the user.
        severity: ``"error"``, which stops the run, or ``"warning"``, which is shown in
            every output and does not.
    """

    table: str
    row: int | None
    column: str | None
    message: str
    severity: str = "error"

    def __str__(self) -> str:
        where = self.table
        if self.row is not None:
            where += f" row {self.row}"
        if self.column:
            where += f", column {self.column}" if self.row is not None else f" column {self.column}"
        tail = " (warning)" if self.severity == "warning" else ""
        return f"{where}: {self.message}{tail}"

    @property
    def is_error(self) -> bool:
        return self.severity == "error"

    def as_json(self) -> dict[str, object]:
        return {
            "table": self.table,
            "row": self.row,
            "column": self.column,
            "message": self.message,
            "severity": self.severity,
        }


class BookError(Exception):
    """Raised where a caller wants an exception: carries every problem found."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = tuple(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


def errors_only(problems: Sequence[Problem]) -> list[Problem]:
    return [p for p in problems if p.is_error]


def warnings_only(problems: Sequence[Problem]) -> list[Problem]:
    return [p for p in problems if not p.is_error]
