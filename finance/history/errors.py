"""The history's one exception, importable without loading a database driver."""

from __future__ import annotations


class HistoryError(Exception):
    """A history operation that cannot go ahead, worded for the person who asked.

    ``exit_code`` is 2 when the request itself is refused (the year is already closed,
    an earlier year is open, ...) and 1 when the database cannot be used (unreachable,
    locked, written by a newer version).
    """

    def __init__(self, message: str, exit_code: int = 2) -> None:
        super().__init__(message)
        self.exit_code = exit_code
