"""A ledger line, the record below :mod:`finance.core.ledger` and :mod:`finance.core.model`.

The ledger holds its lines as columns and gives them back as :class:`LedgerEntry`
records; the book (:class:`finance.core.model.Book`) holds a ledger.  The record lives
here, below both, so that neither has to import the other's module back.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

#: The kinds of ledger line (the ``kind`` column), in the order the fund account uses them.
LEDGER_KINDS = ("spend", "commitment", "external_funding", "income", "admin_recharge")


@dataclass(frozen=True, slots=True)
class LedgerEntry:
    """One line of the ledger.

    Fields:
        year: the financial year it belongs to, ``"2025-26"``.
        kind: one of :data:`LEDGER_KINDS`.
        amount: pence; positive for its kind, negative to reverse an earlier line.
        date: the date of the entry, within the year (``None``: undated, counted as
            31 March for a leaving party's settlement).
        description: what it was for, as typed.
        reference: an invoice or order reference, as typed.
        row: the row number the user sees in the ledger sheet or CSV file (the header
            is row 1).
    """

    year: str
    kind: str
    amount: int
    date: date | None = None
    description: str = ""
    reference: str = ""
    row: int = 0
