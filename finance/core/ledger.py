"""The ledger as columns (the ``ledger`` table; built for large books).

A book's ledger can hold a hundred thousand lines or more, and the year end only ever
needs sums of them: by year and kind, and at most by date.  :class:`Ledger` keeps the
lines as parallel numpy columns — year and kind as small integer codes, amounts as int64
pence, dates as ``datetime64[D]`` (``NaT`` when undated) — and sums with column
operations.  It is still a sequence of :class:`~finance.core.entries.LedgerEntry` records
for code that wants lines one at a time (the report, the app), built on demand.

Sums are exact: int64 pence, with a fall-back to Python integers if a column could ever
exceed the int64 range.

>>> from datetime import date
>>> from finance.core.entries import LedgerEntry
>>> led = Ledger.of([LedgerEntry("2025-26", "spend", 1250, date(2025, 5, 1), row=2),
...                  LedgerEntry("2025-26", "spend", 750, None, row=3),
...                  LedgerEntry("2025-26", "commitment", 300, date(2025, 6, 1), row=4)])
>>> led.totals("2025-26")["spend"], led.totals("2025-26", until=date(2025, 5, 31))["spend"]
(2000, 1250)
>>> led[2].kind, len(led), led.lines_in("2025-26"), led.lines_in("2024-25")
('commitment', 3, 3, 0)
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from datetime import date
from typing import Any, overload

import numpy as np
import numpy.typing as npt

from finance.core.entries import LEDGER_KINDS, LedgerEntry
from finance.core.money import int64_sums_fit
from finance.core.years import year_end as last_day


def _day(d: date | None) -> np.datetime64:
    return np.datetime64("NaT", "D") if d is None else np.datetime64(d, "D")


def _sum(values: npt.NDArray[np.int64]) -> int:
    """Exact sum of int64 pence: numpy when it cannot overflow, else Python integers."""
    if values.size == 0:
        return 0
    if int64_sums_fit(int(values.min()), int(values.max()), values.size):
        return int(values.sum())
    return sum(int(v) for v in values)


class Ledger(Sequence[LedgerEntry]):
    """Ledger lines as columns; immutable, compares equal when the lines are equal."""

    __slots__ = ("_entries", "_hash", "amount", "day", "description", "kind_code",
                 "reference", "row", "year_code", "years")

    def __init__(self, years: Sequence[str], year_code: npt.NDArray[np.integer[Any]],
                 kind_code: npt.NDArray[np.integer[Any]], amount: npt.NDArray[np.int64],
                 day: npt.NDArray[np.datetime64], description: Sequence[str],
                 reference: Sequence[str], row: npt.NDArray[np.integer[Any]]) -> None:
        n = len(amount)
        if not (len(year_code) == len(kind_code) == len(day) == len(description)
                == len(reference) == len(row) == n):
            raise ValueError("ledger columns differ in length")
        self.years = tuple(years)
        self.year_code = np.asarray(year_code, dtype=np.int32)
        self.kind_code = np.asarray(kind_code, dtype=np.int8)
        self.amount = np.asarray(amount, dtype=np.int64)
        self.day = np.asarray(day, dtype="datetime64[D]")
        self.description = description
        self.reference = reference
        self.row = np.asarray(row, dtype=np.int64)
        for a in (self.year_code, self.kind_code, self.amount, self.day, self.row):
            a.setflags(write=False)
        self._entries: tuple[LedgerEntry, ...] | None = None
        self._hash: int | None = None

    # -- building -------------------------------------------------------------------
    @classmethod
    def of(cls, entries: Iterable[LedgerEntry]) -> Ledger:
        """A ledger from records (the row-by-row validator, tests, the app)."""
        if isinstance(entries, Ledger):
            return entries
        es = tuple(entries)
        years = sorted({e.year for e in es})
        yix = {y: i for i, y in enumerate(years)}
        kix = {k: i for i, k in enumerate(LEDGER_KINDS)}
        led = cls(
            years,
            np.fromiter((yix[e.year] for e in es), dtype=np.int32, count=len(es)),
            np.fromiter((kix[e.kind] for e in es), dtype=np.int8, count=len(es)),
            np.fromiter((e.amount for e in es), dtype=np.int64, count=len(es)),
            np.array([_day(e.date) for e in es], dtype="datetime64[D]").reshape(len(es)),
            tuple(e.description for e in es), tuple(e.reference for e in es),
            np.fromiter((e.row for e in es), dtype=np.int64, count=len(es)),
        )
        led._entries = es
        return led

    # -- a sequence of records ------------------------------------------------------
    def __len__(self) -> int:
        return len(self.amount)

    @overload
    def __getitem__(self, i: int) -> LedgerEntry: ...

    @overload
    def __getitem__(self, i: slice) -> tuple[LedgerEntry, ...]: ...

    def __getitem__(self, i: int | slice) -> LedgerEntry | tuple[LedgerEntry, ...]:
        if isinstance(i, slice) or self._entries is not None:
            return self.entries()[i]
        i = range(len(self))[i]  # IndexError and negative positions as for a tuple
        d = self.day[i]
        return LedgerEntry(self.years[int(self.year_code[i])], LEDGER_KINDS[self.kind_code[i]],
                           int(self.amount[i]), None if np.isnat(d) else d.astype(date),
                           self.description[i], self.reference[i], int(self.row[i]))

    def __iter__(self) -> Iterator[LedgerEntry]:
        return iter(self.entries())

    def entries(self) -> tuple[LedgerEntry, ...]:
        """Every line as a record, in input order (built once, on first use)."""
        if self._entries is None:
            years = self.years
            days = self.day.astype(object)  # datetime.date, or None for NaT
            self._entries = tuple(
                LedgerEntry(years[y], LEDGER_KINDS[k], a, d, desc, ref, r)
                for y, k, a, d, desc, ref, r in zip(
                    self.year_code.tolist(), self.kind_code.tolist(), self.amount.tolist(),
                    days.tolist(), self.description, self.reference, self.row.tolist(),
                    strict=True)
            )
        return self._entries

    def __eq__(self, other: object) -> bool:
        if isinstance(other, tuple | list):
            other = Ledger.of(other)
        if not isinstance(other, Ledger):
            return NotImplemented
        if len(self) != len(other):
            return False
        ys, yo = np.asarray(self.years, dtype=object), np.asarray(other.years, dtype=object)
        return bool(
            (ys[self.year_code] == yo[other.year_code]).all()
            and (self.kind_code == other.kind_code).all()
            and (self.amount == other.amount).all()
            and (self.row == other.row).all()
            and ((self.day == other.day) | (np.isnat(self.day) & np.isnat(other.day))).all()
            and list(self.description) == list(other.description)
            and list(self.reference) == list(other.reference)
        )

    def __hash__(self) -> int:
        if self._hash is None:
            self._hash = hash((len(self), self.amount.tobytes(), self.row.tobytes()))
        return self._hash

    def __repr__(self) -> str:
        return f"Ledger({len(self)} lines, years {', '.join(self.years) or 'none'})"

    # -- sums -----------------------------------------------------------------------
    def _year_mask(self, year: str) -> npt.NDArray[np.bool_]:
        if year not in self.years:
            return np.zeros(len(self), dtype=bool)
        return self.year_code == self.years.index(year)

    def lines_in(self, year: str) -> int:
        """How many lines ``year`` has (counted on the columns: no line is built)."""
        return int(np.count_nonzero(self._year_mask(year)))

    def totals(self, year: str, until: date | None = None) -> dict[str, int]:
        """Sum of amounts by kind for ``year``; with ``until``, only lines dated on or
        before it, an undated line counting as dated 31 March (the end of its year)."""
        mask = self._year_mask(year)
        if until is not None:
            close = np.datetime64(last_day(year), "D")
            day = np.where(np.isnat(self.day), close, self.day)
            mask &= day <= np.datetime64(until, "D")
        return {k: _sum(self.amount[mask & (self.kind_code == i)])
                for i, k in enumerate(LEDGER_KINDS)}

    def dated_before(self, year: str, kind: str, before: date) -> int:
        """Sum of ``kind`` lines of ``year`` dated strictly before ``before`` (undated
        lines are left out)."""
        mask = self._year_mask(year) & (self.kind_code == LEDGER_KINDS.index(kind))
        mask &= ~np.isnat(self.day) & (self.day < np.datetime64(before, "D"))
        return _sum(self.amount[mask])

    def negatives(self, year: str, kind: str) -> list[tuple[int, int]]:
        """(row, amount) of each ``kind`` line of ``year`` with a negative amount, in
        ledger order (a reversal of an earlier line, or a sign typed the wrong way)."""
        mask = (self._year_mask(year) & (self.kind_code == LEDGER_KINDS.index(kind))
                & (self.amount < 0))
        idx = np.flatnonzero(mask)
        return list(zip(self.row[idx].tolist(), self.amount[idx].tolist(), strict=True))

    def misdated(self) -> list[int]:
        """Positions of dated lines whose date is outside their financial year."""
        if not len(self):
            return []
        months = self.day.astype("datetime64[M]").astype(np.int64)  # NaT: int64 min
        fy = months // 12 + 1970 - (months % 12 < 3)  # April..March
        label_start = np.array([int(y[:4]) for y in self.years], dtype=np.int64)
        bad = ~np.isnat(self.day) & (fy != label_start[self.year_code])
        return np.flatnonzero(bad).tolist()
