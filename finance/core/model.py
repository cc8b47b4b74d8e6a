"""Immutable records of one partnership's book (docs/input-format.md).

Money is integer pence; percentages are ``Decimal`` fractions (35% is ``Decimal("0.35")``);
financial years are strings ``"2025-26"``.  Every record carries ``row``: the row number
the user sees in the sheet or CSV file (header is row 1, so the first data row is 2),
so that a problem found later can still be located.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import partial
from typing import Any, NamedTuple, TypeVar, cast

# The ledger's records live below the ledger's columns, which the book holds; they are
# named here too, with the book's other records.
from finance.core.entries import LEDGER_KINDS as LEDGER_KINDS
from finance.core.entries import LedgerEntry as LedgerEntry
from finance.core.ledger import Ledger

_T = TypeVar("_T", bound=type)
_R = TypeVar("_R", bound=tuple[Any, ...])


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
    """Give a record stored as a tuple (a named tuple) the comparisons of a frozen
    dataclass: equal only to a record of the same class with equal fields, hashable, not
    ordered.

    A tuple is built several times faster than a frozen dataclass, which matters for the
    tens of thousands of rows of a large book; this keeps such records from
    comparing equal to, or sorting against, plain tuples and other records.
    """
    for name, method in (("__eq__", _record_eq), ("__ne__", _record_ne),
                         ("__hash__", tuple.__hash__), ("__lt__", _unordered),
                         ("__le__", _unordered), ("__gt__", _unordered),
                         ("__ge__", _unordered)):
        setattr(cls, name, method)
    return cls


def record_maker(cls: type[_R]) -> Callable[[Iterable[Any]], _R]:
    """``cls._make`` for a named tuple record, at the speed of ``tuple`` itself: builds a
    record from an iterable of its fields, in order.  ``_make`` also counts the fields, in
    Python, one call per record; use this for many records made from
    ``zip(..., strict=True)``, which already sees that every field is there.

    >>> class Pair(NamedTuple):
    ...     a: int
    ...     b: int
    >>> record_maker(Pair)((1, 2))
    Pair(a=1, b=2)
    """
    return cast(Callable[[Iterable[Any]], _R], partial(tuple.__new__, cls))


CASHFLOW_KINDS = ("one_off_cost", "recurring_cost", "saving", "income")
COST_KINDS = ("one_off_cost", "recurring_cost")
BENEFIT_KINDS = ("saving", "income")
BASES = ("equal", "fixed", "population", "blend")  # plus "driver:NAME"
CRITERIA = tuple("abcdefghij")  # §13.5 (a)..(j)


@dataclass(frozen=True, slots=True)
class Settings:
    """The partnership's settings (the ``settings`` table, one value per key).

    Fields:
        name: the partnership's name, as typed (Mid Kent Improvement Partnership).
        accountable_body: the party code of the council that holds the budget (§13.3).
        rotation: party codes of voting parties in the order the chair rotates (§10.1);
            ``()``: no rotation set, so no chair, vice-chair or host is named.
        rotation_start: the financial year, ``"2025-26"``, in which the first party of
            ``rotation`` chairs (``None``: not set, so no chair is named).
        discount_rate: the discount rate for business cases, a ``Decimal`` fraction
            (0.035 for 3.5%, the default); a project's own rate overrides it (Annex A §5.2).
        financial_weight: the weight of the financial score in a project's investment
            score, a ``Decimal`` fraction (0.6 for 60%, the default); the non-financial
            score has the rest (Annex A §5.2).
        rag_green: savings delivered at or above this share of those predicted are green,
            a ``Decimal`` fraction (0.95 for 95%, the default); a budget line's forecast
            overspend of up to ``1 - rag_green`` of its budget is amber (Annex A §5.1).
        rag_amber: savings delivered at or above this share are amber (below it, red), a
            ``Decimal`` fraction (0.75 for 75%, the default); not above ``rag_green``.
        approvers: the e-mail addresses, lower case, of those who may close or reopen a
            year from an app that serves a network (``()``: none named).
        prepared_by: who prepared the year's papers, as typed; shown on the statements
            and the report's sign-off ("": a line left to write on).
        rate_step: the step the rate per head needed for a budget is rounded up to, and a
            forecast year's uplifted rate rounded to, in pence, a ``Decimal`` (0.01 for a
            hundredth of a penny, the default; 1 for whole pence).
        budget_rounding: ``"penny"`` (the default) or ``"pound"``: with ``"pound"`` each
            service's net budget is rounded to the pound and split in whole pounds, as
            council budget books are kept.
    """

    name: str
    accountable_body: str
    rotation: tuple[str, ...] = ()
    rotation_start: str | None = None
    discount_rate: Decimal = Decimal("0.035")
    financial_weight: Decimal = Decimal("0.6")
    rag_green: Decimal = Decimal("0.95")
    rag_amber: Decimal = Decimal("0.75")
    approvers: tuple[str, ...] = ()
    prepared_by: str = ""
    rate_step: Decimal = Decimal("0.01")
    budget_rounding: str = "penny"


@dataclass(frozen=True, slots=True)
class Party:
    """One council of the partnership (the ``parties`` table).

    Fields:
        code: the party code, short and unique (``"MBC"``), used in every other table.
        name: the council's full name, as typed.
        voting: ``True`` for a voting party, which pays contributions (§13.2) and, unless
            a service lists its participants, shares each service's cost; ``False`` for
            an observer, which pays no contribution (§6.2).
        joined: the date it joined (``None``: a member from before every year); joining
            after 1 April it pays for the whole months left in that year (§13.2).
        notice_given: the date it gave notice to leave, at least six months before
            ``left`` (§16.2); ``None``: no notice given.
        left: the date it left (§16): it settles in the year it leaves (leaving on
            1 April, in the year just ended) and pays nothing for a year that starts on or
            after it (``None``: still a member).
        row: the row number the user sees in the sheet or CSV file (0: not read from one).
        s151_officer: the name of its section 151 officer (``""``: not given); the
            accountable body's signs the statements and the board report (§13.3).
    """

    code: str
    name: str
    voting: bool
    joined: date | None = None
    notice_given: date | None = None
    left: date | None = None
    row: int = 0
    s151_officer: str = ""


@dataclass(frozen=True, slots=True)
class Population:
    """One population estimate of a party (the ``populations`` table, §13.2).

    Fields:
        party: the party code.
        year: the financial year of the estimate, ``"2025-26"``; a year's contributions
            use the latest estimate whose year is not after it.
        population: the number of residents, a whole number above zero.
        source: where the estimate comes from, as typed (``""``: not given).
        row: the row number the user sees in the sheet or CSV file (0: not read from one).
    """

    party: str
    year: str
    population: int
    source: str = ""
    row: int = 0


@dataclass(frozen=True, slots=True)
class YearRow:
    """The figures the board sets for one financial year (the ``years`` table).

    Fields:
        year: the financial year, ``"2025-26"``.
        rate_pence: the contribution per head of population, in pence, a ``Decimal`` that
            may carry fractions of a penny (30.5 for 30.5p) (§13.2).
        opening_balance: the balance brought forward, pence (``None``: last year's
            carry-over when last year is in the book, else 0).
        opening_commitments: the commitments brought forward, pence (``None``: last
            year's closing commitments when last year is in the book, else 0).
        refund_share: the share of the uncommitted balance the board decides to refund, a
            ``Decimal`` fraction (0.5 for 50%) (§13.2); ``None``: 0, carry everything over.
        row: the row number the user sees in the sheet or CSV file (0: not read from one).
        use_of_balances: the part of the balance carried into the year that the board
            plans to spend in it, pence (``None``: none); a budget's rate needed is worked
            out on the central budget less it (§13.1).
    """

    year: str
    rate_pence: Decimal
    opening_balance: int | None = None
    opening_commitments: int | None = None
    refund_share: Decimal | None = None
    row: int = 0
    use_of_balances: int | None = None


@dataclass(frozen=True, slots=True)
class Service:
    """One shared service in one year (the ``services`` table, §18.1).

    Fields:
        service: the service code (``"LEGAL"``).
        name: the service's name, as typed.
        year: the financial year, ``"2025-26"``.
        host: the party code of the host council, which pays the costs and is owed the
            other participants' shares (§18.1(b)).
        gross_cost: the service's gross cost for the year, pence.
        income: the service's income for the year, pence (0 when left blank).
        basis: how the net cost (``gross_cost - income``) is split (§18.1(a)):
            ``"equal"``, ``"fixed"``, ``"population"``, ``"blend"`` or ``"driver:NAME"``
            (lower case).
        rebase_tolerance: how far, in points of share, each participant's computed share
            may move from its share in force before the split is re-based, a ``Decimal``
            fraction (0.03 for 3 points); ``None``: no tolerance, always re-based (§18.1(a)
            "in such proportions as they shall agree").
        rebase_step: the step a re-based split is rounded to, a ``Decimal`` fraction
            (0.01 for 1%) that divides 1 into whole steps; the shares are rounded by
            largest remainder to total exactly 1 (:func:`finance.core.rebase.rounded_shares`);
            ``None``: a re-based split is on the computed shares, unrounded.  Used only
            with a ``rebase_tolerance``.
        row: the row number the user sees in the sheet or CSV file (0: not read from one).
    """

    service: str
    name: str
    year: str
    host: str
    gross_cost: int
    income: int
    basis: str
    rebase_tolerance: Decimal | None = None
    rebase_step: Decimal | None = None
    row: int = 0

    @property
    def net_cost(self) -> int:
        return self.gross_cost - self.income


@value_record
class ServiceParty(NamedTuple):
    """One party's row of a service (the ``service_parties`` table).

    A named tuple rather than a frozen dataclass like the other records: a large book has
    tens of thousands of these, and a tuple is built about four times faster.
    It compares as the dataclasses do (:func:`value_record`).

    Fields:
        service: the service code, as in ``services``.
        year: the financial year, ``"2025-26"``.
        party: the party code of a participant (only participants share the cost).
        fixed_share: on the fixed basis, this party's agreed share, a ``Decimal`` fraction
            (0.35 for 35%; a service's shares total exactly 1); ``None``: not given
            (it must be, on the fixed basis).
        standalone_cost: what the party would pay for the service on its own, pence, not
            negative; its saving is this less its share (``None``: not given).
        joined: the date the party joined the service part-way through the year; it takes
            part for the months from the later of this and its own ``joined`` (§11.4)
            (``None``: the whole year, or from the party's joining).
        row: the row number the user sees in the sheet or CSV file (0: not read from one).
    """

    service: str
    year: str
    party: str
    fixed_share: Decimal | None = None
    standalone_cost: int | None = None
    joined: date | None = None
    row: int = 0


@dataclass(frozen=True, slots=True)
class ShareInForce:
    """One party's agreed share of a service's cost, held until the measure drifts past
    the service's ``rebase_tolerance`` (the ``shares_in_force`` table).

    Fields:
        service: the service code.
        party: the party code.
        share: its share, a ``Decimal`` fraction (0.35 for 35%); a service's shares total
            exactly 1.
        row: the row number the user sees in the sheet or CSV file (0: not read from one).
    """

    service: str
    party: str
    share: Decimal
    row: int = 0


@dataclass(frozen=True, slots=True)
class BlendComponent:
    """One component of a service on the blend basis (the ``service_blend`` table).

    Fields:
        service: the service code; its basis in ``year`` is ``"blend"``.
        year: the financial year, ``"2025-26"``.
        component: the basis of this component: ``"equal"``, ``"population"`` or
            ``"driver:NAME"``.
        weight: the weight of this component, a ``Decimal`` fraction (0.4 for 40%); a
            service's weights total exactly 1.
        row: the row number the user sees in the sheet or CSV file (0: not read from one).
    """

    service: str
    year: str
    component: str
    weight: Decimal
    row: int = 0


@dataclass(frozen=True, slots=True)
class Driver:
    """One party's count of an activity in one year (the ``drivers`` table).

    Fields:
        year: the financial year, ``"2025-26"``.
        driver: the activity's name, lower case (``"caseload"``); a service on the basis
            ``driver:caseload`` is split by it.
        party: the party code.
        value: the party's count of the activity, a ``Decimal``, not negative, in the
            activity's own unit (cases, full-time staff, PCs, audit days).
        row: the row number the user sees in the sheet or CSV file (0: not read from one).
    """

    year: str
    driver: str
    party: str
    value: Decimal
    row: int = 0


@dataclass(frozen=True, slots=True)
class Project:
    """One five-year investment case (the ``projects`` table, Annex A §5.2).

    Fields:
        project: the project code.
        name: the project's name, as typed.
        lead: the party code of the lead council, which pays the year-0 set-up cost and
            is indemnified by the other participants (§18.1(b)).
        service: the code of the service whose participants share the project's costs, on
            that service's basis in the start year (``None``, or no such service that
            year: every paying voting party equally).
        start_year: the financial year of year 0, ``"2025-26"`` (``None``: the year run).
        optimism_bias: the uplift on costs, a ``Decimal`` fraction (0.24 for 24%)
            (``None``: 0).
        discount_rate: the project's discount rate, a ``Decimal`` fraction (0.035 for
            3.5%) (``None``: the settings' ``discount_rate``).
        row: the row number the user sees in the sheet or CSV file (0: not read from one).
        approved: the business case is approved (the ``approved`` column; yes when blank
            or absent): only an approved project's set-up cost creates settlement
            obligations (§18.1(b)); an unapproved one is still appraised and scored.
    """

    project: str
    name: str
    lead: str
    service: str | None = None
    start_year: str | None = None
    optimism_bias: Decimal | None = None
    discount_rate: Decimal | None = None
    row: int = 0
    approved: bool = True


@dataclass(frozen=True, slots=True)
class Cashflow:
    """One cost or benefit of a project in one year (the ``cashflows`` table).

    Fields:
        project: the project code.
        year_index: the year of the five-year profile, 0..5 (0: the start year,
            undiscounted).
        kind: one of :data:`CASHFLOW_KINDS`: ``"one_off_cost"``, ``"recurring_cost"``,
            ``"saving"`` or ``"income"``.
        amount: pence, not negative (costs and benefits alike).
        row: the row number the user sees in the sheet or CSV file (0: not read from one).
    """

    project: str
    year_index: int
    kind: str
    amount: int
    row: int = 0


@dataclass(frozen=True, slots=True)
class Criterion:
    """One non-financial score of a project (the ``criteria`` table, §13.5).

    Fields:
        project: the project code.
        criterion: the criterion of §13.5, a letter ``"a"`` .. ``"j"``.
        score: the score, a ``Decimal`` from 0 to 5.
        weight: the criterion's relative weight, a ``Decimal``, not negative; weights need
            not total 1 (``None``: every criterion of the project counts equally; a
            project gives every criterion a weight or none).
        row: the row number the user sees in the sheet or CSV file (0: not read from one).
    """

    project: str
    criterion: str
    score: Decimal
    weight: Decimal | None = None
    row: int = 0


@dataclass(frozen=True, slots=True)
class SavingRow:
    """Savings predicted and delivered by one service in one year (the ``savings``
    table, Annex A §5.1).

    Fields:
        service: the service code, as typed (not checked against ``services``).
        year: the financial year, ``"2025-26"``.
        predicted: the savings predicted for the year, pence.
        actual: the savings delivered, pence.
        row: the row number the user sees in the sheet or CSV file (0: not read from one).
    """

    service: str
    year: str
    predicted: int
    actual: int
    row: int = 0


@dataclass(frozen=True, slots=True)
class BudgetLine:
    """One budget line as reported in one quarter (the ``budget_monitor`` table,
    Annex A §5.1).

    Fields:
        year: the financial year, ``"2025-26"``.
        quarter: the quarter of the financial year, 1..4 (1: April to June).
        line: the budget line's name, as typed.
        budget: the budget for the whole year, pence.
        actual_to_date: spent so far in the year, as reported in this quarter, pence.
        forecast_outturn: the spend forecast for the whole year, pence.
        row: the row number the user sees in the sheet or CSV file (0: not read from one).
    """

    year: str
    quarter: int
    line: str
    budget: int
    actual_to_date: int
    forecast_outturn: int
    row: int = 0


@dataclass(frozen=True, slots=True)
class Indicator:
    """One performance indicator of a service in one quarter (the ``performance``
    table, Annex A §4.1).

    Fields:
        service: the service code, as typed (not checked against ``services``).
        year: the financial year, ``"2025-26"``.
        quarter: the quarter of the financial year, 1..4 (1: April to June).
        indicator: the indicator's name, as typed.
        target: the target, a ``Decimal`` in the indicator's own unit (days, %, cases).
        actual: the value achieved, a ``Decimal`` in the same unit.
        higher_is_better: ``True`` when a higher value is better (missed when ``actual <
            target``), ``False`` when lower is (missed when ``actual > target``); ``True``
            when left blank.
        row: the row number the user sees in the sheet or CSV file (0: not read from one).
    """

    service: str
    year: str
    quarter: int
    indicator: str
    target: Decimal
    actual: Decimal
    higher_is_better: bool = True
    row: int = 0


@dataclass(frozen=True, slots=True)
class CentralLine:
    """One line of the partnership's own budget for a year (the ``budget_lines`` table,
    §13.1: "a dedicated budget ... overseen by the Board").

    Fields:
        year: the financial year, ``"2026-27"``.
        line: the budget line's name, as typed (as in ``budget_monitor``).
        amount: the line's budget for the year, pence.
        description: what it pays for, as typed (``""``: not given).
        row: the row number the user sees in the sheet or CSV file (0: not read from one).
    """

    year: str
    line: str
    amount: int
    description: str = ""
    row: int = 0


#: The kinds of change that build a shared service's net budget from its base.
BUDGET_ITEM_KINDS = ("growth", "saving", "pay_award", "inflation", "other")
#: The assumptions a forecast takes, each from its year until a later row changes it.
ASSUMPTION_KEYS = ("inflation", "rate_uplift", "population_growth")


@dataclass(frozen=True, slots=True)
class BudgetItem:
    """One change to a shared service's net budget for a year (the ``service_budget``
    table; Annex D b: "items of savings and growth to go forward to each partner
    authority").

    Fields:
        service: the service code.
        year: the financial year the change applies to, ``"2026-27"``.
        item: a short name for the change, as typed.
        kind: one of :data:`BUDGET_ITEM_KINDS`.
        amount: the change in the service's net cost, pence: a growth adds, a saving
            (negative) takes away.
        description: what it is, as typed (``""``: not given).
        approved: ``True`` when the service's board has approved it (the default): only
            approved items count; the others are proposals, shown with their effect.
        row: the row number the user sees in the sheet or CSV file (0: not read from one).
    """

    service: str
    year: str
    item: str
    kind: str
    amount: int
    description: str = ""
    approved: bool = True
    row: int = 0


@dataclass(frozen=True, slots=True)
class Assumption:
    """One forecast assumption (the ``assumptions`` table): ``key`` holds ``value`` from
    ``year`` until a later row for the same key.

    Fields:
        year: the first financial year it holds for, ``"2027-28"``.
        key: one of :data:`ASSUMPTION_KEYS`.
        value: a ``Decimal`` fraction (0.025 for 2.5%), between -50% and +50%.
        row: the row number the user sees in the sheet or CSV file (0: not read from one).
    """

    year: str
    key: str
    value: Decimal
    row: int = 0


@dataclass(frozen=True, slots=True)
class Book:
    """One partnership's validated figures (docs/input-format.md).

    Fields:
        settings: the ``settings`` table, one :class:`Settings`.
        parties: the ``parties`` table, a :class:`Party` per row, in row order.
        populations: the ``populations`` table, a :class:`Population` per row.
        years: the ``years`` table, a :class:`YearRow` per row.
        ledger: the ``ledger`` table as columns (:class:`~finance.core.ledger.Ledger`,
            a sequence of :class:`LedgerEntry`); records given here are stored as columns.
        services: the ``services`` table, a :class:`Service` per row.
        service_parties: the ``service_parties`` table, a :class:`ServiceParty` per row.
        service_blend: the ``service_blend`` table, a :class:`BlendComponent` per row.
        drivers: the ``drivers`` table, a :class:`Driver` per row.
        projects: the ``projects`` table, a :class:`Project` per row.
        cashflows: the ``cashflows`` table, a :class:`Cashflow` per row.
        criteria: the ``criteria`` table, a :class:`Criterion` per row.
        savings: the ``savings`` table, a :class:`SavingRow` per row.
        budget_monitor: the ``budget_monitor`` table, a :class:`BudgetLine` per row.
        performance: the ``performance`` table, an :class:`Indicator` per row.
        shares_in_force: the ``shares_in_force`` table, a :class:`ShareInForce` per row.
        budget_lines: the ``budget_lines`` table, a :class:`CentralLine` per row.
        service_budget: the ``service_budget`` table, a :class:`BudgetItem` per row.
        assumptions: the ``assumptions`` table, an :class:`Assumption` per row.
        source_sha256: the SHA-256, in hex, that identifies the input the book was read
            from (the result's ``input_sha256``); ``""``: not given.  Not compared: two
            books with the same figures are equal.
    """

    settings: Settings
    parties: tuple[Party, ...]
    populations: tuple[Population, ...] = ()
    years: tuple[YearRow, ...] = ()
    ledger: Ledger = field(default_factory=lambda: _ledger(()))
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
    shares_in_force: tuple[ShareInForce, ...] = ()
    budget_lines: tuple[CentralLine, ...] = ()
    service_budget: tuple[BudgetItem, ...] = ()
    assumptions: tuple[Assumption, ...] = ()
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
    return Ledger.of(entries)  # type: ignore[arg-type]
