"""Immutable records of one partnership's book (SPEC §3).

Money is integer pence; percentages are ``Decimal`` fractions (35% is ``Decimal("0.35")``);
financial years are strings ``"2025-26"``.  Every record carries ``row``: the row number
the user sees in the sheet or CSV file (header is row 1, so the first data row is 2),
so that a problem found later can still be located.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any, NamedTuple, TypeVar

if TYPE_CHECKING:
    from finance.core.ledger import Ledger

_T = TypeVar("_T", bound=type)


def _record_eq(self: tuple[Any, ...], other: object) -> bool:
    if type(other) is type(self):
        return tuple.__eq__(self, other)
    return False if isinstance(other, tuple) else NotImplemented


def _record_ne(self: tuple[Any, ...], other: object) -> bool:
    if type(other) is type(self):
        return tuple.__ne__(self, other)
    return True if isinstance(other, tuple) else NotImplemented


def _unordered(self: tuple[Any, ...], other: object) -> bool:
    return NotImplemented


def value_record(cls: _T) -> _T:
    """Give a record stored as a tuple (a named tuple, or
    :class:`~finance.core.apportion.Record`) the comparisons of a frozen dataclass: equal
    only to a record of the same class with equal fields, hashable, not ordered.

    A tuple is built several times faster than a frozen dataclass, which matters for the
    tens of thousands of rows of a large book (issue 6); this keeps such records from
    comparing equal to, or sorting against, plain tuples and other records.
    """
    for name, method in (("__eq__", _record_eq), ("__ne__", _record_ne),
                         ("__hash__", tuple.__hash__), ("__lt__", _unordered),
                         ("__le__", _unordered), ("__gt__", _unordered),
                         ("__ge__", _unordered)):
        setattr(cls, name, method)
    return cls


LEDGER_KINDS = ("spend", "commitment", "external_funding", "income", "admin_recharge")
CASHFLOW_KINDS = ("one_off_cost", "recurring_cost", "saving", "income")
COST_KINDS = ("one_off_cost", "recurring_cost")
BENEFIT_KINDS = ("saving", "income")
BASES = ("equal", "fixed", "population", "blend")  # plus "driver:NAME"
CRITERIA = tuple("abcdefghij")  # §13.5 (a)..(j)


@dataclass(frozen=True, slots=True)
class Settings:
    name: str
    accountable_body: str
    rotation: tuple[str, ...] = ()
    rotation_start: str | None = None
    discount_rate: Decimal = Decimal("0.035")
    financial_weight: Decimal = Decimal("0.6")
    rag_green: Decimal = Decimal("0.95")
    rag_amber: Decimal = Decimal("0.75")
    prepared_by: str = ""  # who prepared the statements (shown on each), optional


@dataclass(frozen=True, slots=True)
class Party:
    code: str
    name: str
    voting: bool
    joined: date | None = None
    notice_given: date | None = None
    left: date | None = None
    row: int = 0


@dataclass(frozen=True, slots=True)
class Population:
    party: str
    year: str
    population: int
    source: str = ""
    row: int = 0


@dataclass(frozen=True, slots=True)
class YearRow:
    year: str
    rate_pence: Decimal
    opening_balance: int | None = None  # None: carried from the previous year's run
    opening_commitments: int | None = None
    refund_share: Decimal | None = None  # None: carry everything over
    row: int = 0


@dataclass(frozen=True, slots=True)
class LedgerEntry:
    year: str
    kind: str
    amount: int
    date: date | None = None
    description: str = ""
    reference: str = ""
    row: int = 0


@dataclass(frozen=True, slots=True)
class Service:
    service: str
    name: str
    year: str
    host: str
    gross_cost: int
    income: int
    basis: str  # equal | fixed | population | driver:NAME | blend
    row: int = 0

    @property
    def net_cost(self) -> int:
        return self.gross_cost - self.income


@value_record
class ServiceParty(NamedTuple):
    """One party's row of a service (SPEC §3 ``service_parties``).

    A named tuple rather than a frozen dataclass like the other records: a large book has
    tens of thousands of these, and a tuple is built about four times faster (issue 6).
    It compares as the dataclasses do (:func:`value_record`).
    """

    service: str
    year: str
    party: str
    fixed_share: Decimal | None = None
    standalone_cost: int | None = None
    joined: date | None = None
    row: int = 0


@dataclass(frozen=True, slots=True)
class BlendComponent:
    service: str
    year: str
    component: str  # equal | population | driver:NAME
    weight: Decimal
    row: int = 0


@dataclass(frozen=True, slots=True)
class Driver:
    year: str
    driver: str
    party: str
    value: Decimal
    row: int = 0


@dataclass(frozen=True, slots=True)
class Project:
    project: str
    name: str
    lead: str
    service: str | None = None
    start_year: str | None = None
    optimism_bias: Decimal | None = None
    discount_rate: Decimal | None = None
    row: int = 0
    approved: bool = True  # only an approved business case creates obligations (§18.1(b))


@dataclass(frozen=True, slots=True)
class Cashflow:
    project: str
    year_index: int  # 0..5
    kind: str  # one_off_cost | recurring_cost | saving | income
    amount: int  # pence, positive
    row: int = 0


@dataclass(frozen=True, slots=True)
class Criterion:
    project: str
    criterion: str  # a..j
    score: Decimal  # 0..5
    weight: Decimal | None = None
    row: int = 0


@dataclass(frozen=True, slots=True)
class SavingRow:
    service: str
    year: str
    predicted: int
    actual: int
    row: int = 0


@dataclass(frozen=True, slots=True)
class BudgetLine:
    year: str
    quarter: int  # 1..4
    line: str
    budget: int
    actual_to_date: int
    forecast_outturn: int
    row: int = 0


@dataclass(frozen=True, slots=True)
class Indicator:
    service: str
    year: str
    quarter: int
    indicator: str
    target: Decimal
    actual: Decimal
    higher_is_better: bool = True
    row: int = 0


@dataclass(frozen=True, slots=True)
class Book:
    """One partnership's validated figures."""

    settings: Settings
    parties: tuple[Party, ...]
    populations: tuple[Population, ...] = ()
    years: tuple[YearRow, ...] = ()
    ledger: Ledger = field(default_factory=lambda: _ledger(()))  # columns; see ledger.py
    services: tuple[Service, ...] = ()
    service_parties: tuple[ServiceParty, ...] = ()
    service_blend: tuple[BlendComponent, ...] = ()
    drivers: tuple[Driver, ...] = ()
    projects: tuple[Project, ...] = ()
    cashflows: tuple[Cashflow, ...] = ()
    criteria: tuple[Criterion, ...] = ()
    savings: tuple[SavingRow, ...] = ()
    budget_monitor: tuple[BudgetLine, ...] = ()
    performance: tuple[Indicator, ...] = ()
    source_sha256: str = field(default="", compare=False)

    def __post_init__(self) -> None:
        # Records (a tuple of LedgerEntry) are accepted and kept as columns.
        object.__setattr__(self, "ledger", _ledger(self.ledger))

    def party(self, code: str) -> Party:
        for p in self.parties:
            if p.code == code:
                return p
        raise KeyError(code)

    @property
    def voting_codes(self) -> tuple[str, ...]:
        return tuple(sorted(p.code for p in self.parties if p.voting))

    @property
    def year_labels(self) -> tuple[str, ...]:
        return tuple(sorted(y.year for y in self.years))


def _ledger(entries: object) -> Ledger:
    from finance.core.ledger import Ledger  # ledger.py builds on the records above

    return Ledger.of(entries)  # type: ignore[arg-type]
