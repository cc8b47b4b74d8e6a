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
from datetime import UTC, date, datetime
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
        minute: the board minute reference ("" when none was recorded).
        closed_at: when it was closed into the record, UTC.
        input_sha256: the SHA-256 of the book it was closed from (the approval is this
            year's only for the same book).
        meeting_date: the date of the board meeting that approved it, the approval's date
            (``None``: not recorded, a year closed before the software asked for it).
    """

    version: int
    approved_by: str
    minute: str
    closed_at: datetime
    input_sha256: str
    meeting_date: date | None = None

    def words(self) -> str:
        """Where and when it was approved, and when closed (:func:`approval_words`)."""
        return approval_words(self.minute, self.meeting_date, self.closed_at)


def long_date(d: date) -> str:
    """A date as a board paper writes it.

    >>> long_date(date(2026, 3, 2))
    '2 March 2026'
    """
    return f"{d.day} {d:%B %Y}"


def approval_words(minute: str, meeting_date: date | None, closed_at: datetime) -> str:
    """Where and when a closed year was approved, then when it was closed into the
    record: the approval's date is the board meeting's, the time of closing beside it
    (a time without a zone is UTC, as the history stores it).

    >>> at = datetime(2026, 3, 14, 10, 2, tzinfo=UTC)
    >>> approval_words("MKIP/2026/14", date(2026, 3, 12), at)
    'at the board meeting of 12 March 2026 (minute MKIP/2026/14), closed 2026-03-14 10:02 UTC'

    A year closed before the meeting's date was asked for:

    >>> print(approval_words("MKIP/2025/07", None, at))  # doctest: +NORMALIZE_WHITESPACE
    at a board meeting whose date is not recorded (minute MKIP/2025/07), closed
    2026-03-14 10:02 UTC
    """
    if closed_at.tzinfo is not None:
        closed_at = closed_at.astimezone(UTC)
    meeting = (f"at the board meeting of {long_date(meeting_date)}" if meeting_date
               else "at a board meeting whose date is not recorded")
    ref = f"minute {minute}" if minute else "minute not recorded"
    return f"{meeting} ({ref}), closed {closed_at:%Y-%m-%d %H:%M} UTC"


def approval_problem(approved_by: str, minute: str, meeting_date: date | None,
                     closing: datetime | None = None) -> str | None:
    """Why a year cannot be closed with this approval, in one sentence (``None``: it
    can).  Closing needs who approved the year end, the board minute and the date of the
    board meeting; the meeting cannot be after the day of closing (``closing``, UTC).

    >>> approval_problem("Cllr J Smith", "MKIP/2026/14", date(2026, 3, 12)) is None
    True
    >>> print(approval_problem("Cllr J Smith", "", None))  # doctest: +NORMALIZE_WHITESPACE
    Say the board minute and the date of the board meeting that approved the year end:
    --minute REF --meeting-date YYYY-MM-DD.
    >>> print(approval_problem("Cllr J Smith", "M", date(2026, 3, 15),
    ...                        datetime(2026, 3, 14, 10, 2, tzinfo=UTC)))
    ... # doctest: +NORMALIZE_WHITESPACE
    The board meeting of 15 March 2026 is after the day of closing (14 March 2026, UTC):
    close a year once the board has approved it.
    """
    missing = [(what, flag) for what, flag, given in (
        ("who approved the year end", "--approved-by NAME", approved_by.strip()),
        ("the board minute", "--minute REF", minute.strip()),
        ("the date of the board meeting", "--meeting-date YYYY-MM-DD", meeting_date))
        if not given]
    if missing:
        whats = [w for w, _f in missing]
        what = whats[0] if len(whats) == 1 else ", ".join(whats[:-1]) + " and " + whats[-1]
        if whats[0] != "who approved the year end":
            what += " that approved the year end"
        return f"Say {what}: {' '.join(f for _w, f in missing)}."
    if closing is not None and meeting_date is not None:
        day = (closing.astimezone(UTC) if closing.tzinfo else closing).date()
        if meeting_date > day:
            return (f"The board meeting of {long_date(meeting_date)} is after the day of "
                    f"closing ({long_date(day)}, UTC): close a year once the board has "
                    "approved it.")
    return None


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
