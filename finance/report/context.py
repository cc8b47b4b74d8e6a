"""What one sheet of the board report needs from another, written down as it is made.

Each sheet module writes its sheet and records here the cells others refer to: where
the key inputs are (:class:`InputRefs`), the figures a later sheet builds on (the
contributions, the fund account, each service's split), the key figures compared with
the engine (:class:`KeyFigure`) and the reconciliations for the Checks sheet
(:class:`Check`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from xlsxwriter.utility import quote_sheetname

from finance.core.model import Book
from finance.core.run import Result
from finance.report.grid import ReportBook, Sheet

__all__ = ["Check", "Context", "InputRefs", "KeyFigure", "Pool", "ServiceRefs", "named",
           "names"]


def names(book: Book, year: str) -> tuple[dict[str, str], dict[str, str]]:
    """Each shared service's and each business case's name by its code: the name the
    book gives it for ``year``, else for its latest year."""
    services: dict[str, str] = {}
    for sv in sorted(book.services, key=lambda x: (x.year == year, x.year)):
        if sv.name:
            services[sv.service] = sv.name
    projects = {p.project: p.name for p in book.projects if p.name}
    return services, projects


def named(by_code: dict[str, str], code: str | None) -> str:
    """``code`` as a reader sees it: the name with the code beside it, "Revenues and
    Benefits (REVBEN)"; the code alone where there is no name (or it is the code)."""
    if not code:
        return ""
    name = by_code.get(code, "").strip()
    return f"{name} ({code})" if name and name != code else code


@dataclass(frozen=True)
class KeyFigure:
    """One figure of the report and the engine's own value for it.

    ``key`` names it (``("contribution", "MBC")``), ``sheet``/``cell`` locate it, ``kind``
    is ``money`` (``value`` in pence), ``ratio`` (a float, or ``None`` for "none") or
    ``text``.
    """

    key: tuple[str, ...]
    label: str
    sheet: str
    cell: str
    kind: str
    value: int | float | str | None

    @property
    def ref(self) -> str:
        col = "".join(ch for ch in self.cell if ch.isalpha())
        row = "".join(ch for ch in self.cell if ch.isdigit())
        return f"{quote_sheetname(self.sheet)}!${col}${row}"


@dataclass(frozen=True)
class Check:
    """A reconciliation: a formula that is TRUE when it holds."""

    description: str
    formula: str


@dataclass
class Pool:
    """One largest-remainder split written to a sheet."""

    share: dict[str, str] = field(default_factory=dict)  # party -> ref of share (£)
    weight: dict[str, str] = field(default_factory=dict)
    share_cells: dict[str, str] = field(default_factory=dict)  # party -> local cell
    rows: dict[str, int] = field(default_factory=dict)  # party -> sheet row
    sheet: str = ""
    share_col: int = 0
    total: str = ""
    shares_range: str = ""
    end: int = 0


#: A party's weight in a split: the formula that gives it (or ``None``: written as the
#: value) and its exact integer value.
Weight = tuple[str | None, int]


@dataclass
class InputRefs:
    """Cells of the Inputs sheet that other sheets' formulas use."""

    order: dict[str, str] = field(default_factory=dict)  # party -> code order
    population: dict[str, str] = field(default_factory=dict)
    population_year: dict[str, str] = field(default_factory=dict)
    months_paying: dict[str, str] = field(default_factory=dict)
    ledger: dict[str, str] = field(default_factory=dict)  # kind -> total
    gross: dict[str, str] = field(default_factory=dict)  # service -> gross cost
    income: dict[str, str] = field(default_factory=dict)  # service -> income
    months: dict[tuple[str, str], str] = field(default_factory=dict)  # (service, party)
    fixed: dict[tuple[str, str], str] = field(default_factory=dict)
    standalone: dict[tuple[str, str], str] = field(default_factory=dict)
    blend: dict[tuple[str, str], str] = field(default_factory=dict)  # (service, component)
    driver: dict[tuple[str, str], str] = field(default_factory=dict)  # (driver, party)
    optimism: dict[str, str] = field(default_factory=dict)  # project -> optimism bias
    rate: dict[str, str] = field(default_factory=dict)  # project -> discount rate
    cashflow: dict[tuple[str, str, int], str] = field(default_factory=dict)
    criteria_score: dict[str, str] = field(default_factory=dict)  # project -> range
    criteria_weight: dict[str, str] = field(default_factory=dict)
    savings_rows: list[int] = field(default_factory=list)
    budget_rows: list[int] = field(default_factory=list)
    indicator_rows: list[int] = field(default_factory=list)


@dataclass
class ServiceRefs:
    """Each shared service's net cost and split, for settlement and investments."""

    net: dict[str, str] = field(default_factory=dict)
    pools: dict[str, Pool] = field(default_factory=dict)
    weights: dict[str, dict[str, Weight]] = field(default_factory=dict)
    total: str | None = None
    party_total: dict[str, str] = field(default_factory=dict)  # party -> its column total


@dataclass
class Context:
    """The report being built: the result, its sheets and what they share."""

    result: Result
    generated: datetime
    book_: ReportBook
    status: str = "DRAFT"
    approver: str | None = None
    minute: str | None = None
    #: where and when the Board approved the year, and when it was closed ("at the board
    #: meeting of 12 March 2026 (minute MKIP/2026/14), closed 2026-03-14 10:02 UTC")
    approval: str | None = None
    #: the previous year's result as closed in the history (``None``: not closed)
    previous: dict[str, Any] | None = None
    #: changes made to the input book's figures after it was read (board decisions
    #: overridden, cells edited in the app), one sentence each; the cover lists them
    changes: tuple[str, ...] = ()
    #: the digest of the input book as read (before ``changes``), for the cover
    source_sha256: str = ""
    inputs: InputRefs = field(default_factory=InputRefs)
    contributions: dict[str, str] = field(default_factory=dict)  # party -> contribution
    contributions_total: str = ""
    year_end: dict[str, str] = field(default_factory=dict)  # fund-account line -> cell
    #: the year end's splits by contribution: line (spend, refund, carry_over,
    #: supplementary) -> party -> the party's share
    year_end_shares: dict[str, dict[str, str]] = field(default_factory=dict)
    settlement_net: dict[str, str] = field(default_factory=dict)  # party -> net position
    #: each business case's set-up cost split on Workings (project -> its block)
    project_pools: dict[str, Pool] = field(default_factory=dict)
    services: ServiceRefs = field(default_factory=ServiceRefs)
    portfolio_npv: str | None = None
    portfolio_score: str | None = None
    keys: list[KeyFigure] = field(default_factory=list)
    checks: list[Check] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)
    check_range: str = ""
    agree_range: str = ""
    workings_row: int = 4
    #: the services' and projects' names by code (:func:`names`), made when first asked
    names_: tuple[dict[str, str], dict[str, str]] | None = None

    @property
    def book(self) -> Book:
        return self.result.book

    @property
    def year(self) -> str:
        return self.result.year

    def key(self, sh: Sheet, row: int, col: int, key: tuple[str, ...], label: str,
            kind: str, value: int | float | str | None) -> None:
        from finance.xlsx import cell_name

        self.keys.append(KeyFigure(key, label, sh.name, cell_name(row, col), kind, value))

    def check(self, description: str, formula: str) -> None:
        self.checks.append(Check(description, formula))

    def service_label(self, code: str | None) -> str:
        """A shared service as the report names it: its name with its code beside it,
        "Revenues and Benefits (REVBEN)" (:func:`named`)."""
        return named(self._names()[0], code)

    def project_label(self, code: str | None) -> str:
        """A business case as the report names it: "Joint debt recovery team
        (DEBTREC)" (:func:`named`)."""
        return named(self._names()[1], code)

    def _names(self) -> tuple[dict[str, str], dict[str, str]]:
        if self.names_ is None:
            self.names_ = names(self.book, self.year)
        return self.names_

    def party_name(self, code: str | None) -> str:
        if code is None:
            return "not set (no rotation in settings)"
        try:
            return f"{self.book.party(code).name} ({code})"
        except KeyError:
            return code

    @property
    def workings(self) -> Sheet:
        return self.book_.sheet("Workings")
