"""Chaining a year from the previous one closed in the history (§13.2: unspent funds are
carried over; commitments carry forward).

When the previous year is closed, its carry-over is this year's opening balance and its
closing commitments this year's opening commitments.  A blank opening in the book takes
the closed figure; a given one that differs is a warning for ``mkip run`` and a refusal
for ``mkip close`` (a closed year must open from what the board approved before it).

>>> prior = ClosedOpening("2024-25", 1_250_000, 300_000, "closed 2024-25, version 1")
>>> from finance.core.model import YearRow
>>> from decimal import Decimal
>>> row = YearRow("2025-26", Decimal(30), opening_balance=1_250_000, row=3)
>>> [p.message for p in opening_differences(row, prior)]
[]
>>> row = YearRow("2025-26", Decimal(30), opening_balance=1_000_000,
...               opening_commitments=300_000, row=3)
>>> print(opening_differences(row, prior)[0])  # doctest: +NORMALIZE_WHITESPACE
years row 3, column opening_balance: £10,000.00 differs from the £12,500.00 carried over
from 2024-25 (closed 2024-25, version 1) (warning)
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from fractions import Fraction

from finance.core.model import YearRow
from finance.core.money import fmt_gbp
from finance.core.problems import Problem


@dataclass(frozen=True, slots=True)
class ClosedOpening:
    """What the previous year, as closed in the history, hands to the next.

    Fields:
        year: the previous financial year, ``"2024-25"``.
        balance: its carry-over, pence: the next year's opening balance.
        commitments: its closing commitments, pence: the next year's opening commitments.
        source: where the figures come from, in words (``"closed 2024-25, version 1,
            approved by …"``), quoted in messages.
    """

    year: str
    balance: int
    commitments: int
    source: str


@dataclass(frozen=True, slots=True)
class Approval:
    """The year's current version as closed in the history: the board's approval.

    Fields:
        version: the closed version, 1, 2, ...
        approved_by: who approved it.
        minute: the board minute reference ("" when none was given).
        closed_at: when it was closed, UTC.
        input_sha256: the SHA-256 of the book it was closed from (the approval is this
            year's only for the same book).
    """

    version: int
    approved_by: str
    minute: str
    closed_at: datetime
    input_sha256: str


@dataclass(frozen=True, slots=True)
class Prior:
    """What the history hands to a year's run.

    Fields:
        opening: the previous year as closed (``None``: it is not closed).
        shares: each service's shares as applied by the latest closed year that had it,
            ``(service, ((party, share), ...))`` in code order, shares exact fractions
            summing to 1 (the shares in force for the tolerance rule, §18.1(a)).
        approval: the year itself, when it is closed (``None``: it is open).
        previous_json: the previous year's result as stored when it was closed, JSON text
            (``None``: not closed); the report shows its figures beside this year's.
    """

    opening: ClosedOpening | None = None
    shares: tuple[tuple[str, tuple[tuple[str, Fraction], ...]], ...] = ()
    approval: Approval | None = None
    previous_json: str | None = None

    @classmethod
    def of(cls, opening: ClosedOpening | None,
           shares: Mapping[str, Mapping[str, Fraction]], approval: Approval | None = None,
           previous_json: str | None = None) -> Prior:
        return cls(opening, tuple((svc, tuple(sorted(ps.items())))
                                  for svc, ps in sorted(shares.items())),
                   approval, previous_json)

    def approved(self, input_sha256: str) -> Approval | None:
        """The year's approval, if it was closed from the book with this SHA-256."""
        a = self.approval
        return a if a is not None and a.input_sha256 == input_sha256 else None

    def stored_shares(self) -> dict[str, dict[str, Fraction]]:
        """``{service: {party: share}}``."""
        return {svc: dict(ps) for svc, ps in self.shares}


def opening_differences(row: YearRow, prior: ClosedOpening, severity: str = "warning"
                        ) -> list[Problem]:
    """Each opening the book gives that differs from the closed previous year, naming
    both figures (``severity``: ``"warning"`` for a run, ``"error"`` for closing)."""
    out = []
    if row.opening_balance is not None and row.opening_balance != prior.balance:
        out.append(Problem("years", row.row, "opening_balance",
                           f"{fmt_gbp(row.opening_balance)} differs from the "
                           f"{fmt_gbp(prior.balance)} carried over from {prior.year} "
                           f"({prior.source})", severity))
    if row.opening_commitments is not None and row.opening_commitments != prior.commitments:
        out.append(Problem("years", row.row, "opening_commitments",
                           f"{fmt_gbp(row.opening_commitments)} differs from the "
                           f"{fmt_gbp(prior.commitments)} committed at the end of "
                           f"{prior.year} ({prior.source})", severity))
    return out
