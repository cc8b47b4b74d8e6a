"""The column registry: every table and column of an input book, described once.

Each column is a :class:`Col`: the reader that turns a cell into typed data (or refuses it
with a sentence), whether a value is required, and what a person needs to fill it in:
its kind, the decimal places it takes, the words it accepts, a label and help text.  The
validator (:mod:`finance.core.parse`), the blank template (:mod:`finance.template`), the
app's table editors and ``docs/input-format.md`` are all built from :data:`SCHEMA` and
:data:`TABLES`, so they cannot disagree.

>>> rate = column("years", "rate_pence")
>>> rate.kind, rate.places, rate.required, rate.read("30.5")
('number', None, True, Decimal('30.5'))
>>> column("ledger", "amount").places, column("ledger", "kind").choices[:2]
(2, ('spend', 'commitment'))
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Any

from finance.core import cells
from finance.core.cells import CellError
from finance.core.model import (
    ASSUMPTION_KEYS,
    BASES,
    BUDGET_ITEM_KINDS,
    CASHFLOW_KINDS,
    CRITERIA,
    LEDGER_KINDS,
)

#: A cell reader: the raw cell in, typed data out, or :class:`~finance.core.cells.CellError`.
Reader = Callable[[object], Any]

#: The kinds of column, and what a cell of each holds once read.
KINDS: dict[str, str] = {
    "text": "text, kept as typed (never run as a formula)",
    "code": "a short code (no blanks), e.g. MBC",
    "choice": "one of a fixed list of words",
    "money": "pounds and pence, at most two decimal places",
    "pct": "a percentage, 35% or 0.35",
    "number": "a decimal number",
    "whole": "a whole number",
    "date": "a date, 2025-09-01 or 01/09/2025",
    "year": "a financial year, 2025-26",
    "bool": "yes or no",
}

#: The forms a cell of each kind may be typed in (what the readers of
#: :mod:`finance.core.cells` accept).
FORMS: dict[str, str] = {
    "text": "any text; it is kept as typed, spaces trimmed, and never run as a formula "
            "(=SUM(A1) stays text)",
    "code": "text without blanks at either end; codes are matched exactly (MBC is not mbc)",
    "choice": "one of the listed words, in any case (Spend is spend)",
    "money": "1234.56, £1,234.56, (1,234.56) or -1234.56 for a negative, or a spreadsheet "
             "number; at most two decimal places; a comma only between thousands",
    "pct": "35%, or the fraction 0.35, or a number above 1 and at most 100 read as a "
           "percentage (35 is 35%); 1 is 100%",
    "number": "1234.5 or 1,234.5 or a spreadsheet number; every decimal place typed is kept",
    "whole": "142800, 142,800 or 142800.0",
    "date": "2025-09-01, 01/09/2025 (day first), or a spreadsheet date",
    "year": "2025-26 (a financial year, 1 April 2025 to 31 March 2026)",
    "bool": "yes or no (also y, n, true, false, 1, 0)",
}


@dataclass(frozen=True)
class Col:
    """One column of an input table.

    Fields:
        name: the column's name in the book (matched ignoring case and spaces).
        read: the cell reader; it returns typed data or raises ``CellError``.
        kind: one of :data:`KINDS` (how the template formats it and the app edits it).
        help: what the column holds, for a person filling it in.
        label: a short human heading for the column (the app's editors).
        required: a value must be given on every row.
        present: the column must exist in the table (``False``: it may be left out).
        choices: the words the column takes (a drop-down in the template and the app).
        strict: ``False`` when ``choices`` is only a suggestion (a basis may also be
            ``driver:NAME``; a setting the tool does not use is a warning, not an error).
        places: decimal places the reader accepts (2 for money, 0 for whole numbers);
            ``None``: as many as are typed, kept exactly.
        width: a comfortable display width, in characters.
    """

    name: str
    read: Reader
    kind: str = "text"
    help: str = ""
    label: str = ""
    required: bool = True
    present: bool = True
    choices: tuple[str, ...] = ()
    strict: bool = True
    places: int | None = None
    width: float = 14


@dataclass(frozen=True)
class Table:
    """One table of an input book.

    Fields:
        name: the table's name (a sheet of a workbook, or ``NAME.csv`` in a folder).
        label: its name as a person reads it (the app's tab).
        required: the book must have the table.
        help: what the table holds.
        columns: its columns, in the order the template writes them.
    """

    name: str
    label: str
    required: bool
    help: str
    columns: tuple[Col, ...]


_PLACES = {"money": 2, "whole": 0}


def _col(name: str, read: Reader, kind: str, help: str, label: str = "", *,
         required: bool = True, present: bool = True, choices: Iterable[str] = (),
         strict: bool = True, places: int | None = None, width: float = 14) -> Col:
    if kind not in KINDS:
        raise ValueError(f"unknown column kind {kind!r}")
    return Col(name, read, kind, help, label or name.replace("_", " ").capitalize(),
               required, present, tuple(choices), strict,
               _PLACES.get(kind) if places is None else places, width)


def _opt(name: str, read: Reader, kind: str, help: str, label: str = "", **kw: Any) -> Col:
    """A column that may be left out of the table, or left blank."""
    return _col(name, read, kind, help, label, required=False, present=False, **kw)


def _blankable(name: str, read: Reader, kind: str, help: str, label: str = "",
               **kw: Any) -> Col:
    """A column that must be there, but whose cells may be blank."""
    return _col(name, read, kind, help, label, required=False, **kw)


# -- readers of one column each ---------------------------------------------------------

def _code(v: object) -> str:
    s = cells.read_text(v)
    if not s:
        raise CellError("is blank")
    return s


#: Readers that, given text, give it trimmed of spaces (:func:`_code` refusing a blank):
#: a column reader may apply ``str.strip`` to text cells of these columns itself.
TEXT_READERS: frozenset[Reader] = frozenset({cells.read_text, _code})


def _basis(v: object) -> str:
    s = cells.read_text(v).lower().replace(" ", "")
    if s in BASES or (s.startswith("driver:") and len(s) > len("driver:")):
        return s
    raise CellError(
        f"{cells.show(v)} is not a basis (equal, fixed, population, driver:NAME or blend)"
    )


def _component(v: object) -> str:
    s = _basis(v)
    if s in ("fixed", "blend"):
        raise CellError(f"{cells.show(v)} cannot be a blend component (equal, population "
                        "or driver:NAME)")
    return s


def _choice(options: Iterable[str], what: str) -> Reader:
    opts = tuple(options)

    def read(v: object) -> str:
        s = cells.read_text(v).lower().replace(" ", "_")
        if s not in opts:
            raise CellError(f"{cells.show(v)} is not a {what} ({', '.join(opts)})")
        return s

    return read


def nonneg_money(v: object) -> int:
    """Money (integer pence) that must not be negative."""
    p = cells.read_money(v)
    if p < 0:
        raise CellError(f"{cells.show(v)} must not be negative")
    return p


def rebase_step(v: object) -> Decimal:
    """A ``rebase_step``: a percentage above 0% and at most 100% that divides 100% into
    whole steps (1%, 2.5%, 5% ...), so that shares rounded to it can total exactly 100%.

    >>> rebase_step("1%"), rebase_step("2.5%")
    (Decimal('0.01'), Decimal('0.025'))
    >>> rebase_step("3%")
    Traceback (most recent call last):
    finance.core.cells.CellError: '3%' does not divide 100% into whole steps (e.g. 1%, 2.5%, 5%)
    """
    d = cells.read_pct(v)
    if d == 0:
        raise CellError(f"{cells.show(v)} must be above 0%")
    if (1 / Fraction(d)).denominator != 1:
        raise CellError(f"{cells.show(v)} does not divide 100% into whole steps (e.g. 1%, "
                        "2.5%, 5%)")
    return d


def assumption_value(v: object) -> Decimal:
    """A forecast assumption: a percentage that may be negative, within -50% and +50%
    (``-1.5%``, ``2.5%``, or the fraction ``0.025``).

    >>> assumption_value("2.5%"), assumption_value("-1.5%"), assumption_value(0.03)
    (Decimal('0.025'), Decimal('-0.015'), Decimal('0.03'))
    >>> assumption_value("60%")
    Traceback (most recent call last):
    finance.core.cells.CellError: '60%' is outside -50% to +50%
    """
    text = v.strip() if isinstance(v, str) else v
    negative = isinstance(text, str) and text.startswith("-")
    if isinstance(text, int | float | Decimal) and not isinstance(text, bool) and text < 0:
        negative, text = True, -text
    try:
        d = cells.read_pct(text[1:] if isinstance(text, str) and negative else text)
    except CellError as exc:
        raise CellError(f"{cells.show(v)} is not a percentage such as 2.5% or -1%") from exc
    if d > Decimal("0.5"):
        raise CellError(f"{cells.show(v)} is outside -50% to +50%")
    return -d if negative else d


def rate_step(v: object) -> Decimal:
    """The ``rate_step`` setting: pence above 0 and at most 100 (0.01 for a hundredth of
    a penny, 1 for whole pence).

    >>> rate_step("0.5"), rate_step("1")
    (Decimal('0.5'), Decimal('1'))
    """
    d = cells.read_decimal(v)
    if not 0 < d <= 100:
        raise CellError(f"{cells.show(v)} is not a step in pence above 0 and at most 100")
    return d


def _population(v: object) -> int:
    n = cells.read_whole(v)
    if n <= 0:
        raise CellError(f"{cells.show(v)} must be a population above zero")
    return n


def _nonneg(v: object) -> Decimal:
    d = cells.read_decimal(v)
    if d < 0:
        raise CellError(f"{cells.show(v)} must not be negative")
    return d


def _quarter(v: object) -> int:
    q = cells.read_whole(v)
    if not 1 <= q <= 4:
        raise CellError(f"{cells.show(v)} is not a quarter (1 to 4)")
    return q


def _year_index(v: object) -> int:
    i = cells.read_whole(v)
    if not 0 <= i <= 5:
        raise CellError(f"{cells.show(v)} is not a year of the five-year profile (0 to 5)")
    return i


def _score(v: object) -> Decimal:
    d = cells.read_decimal(v)
    if not 0 <= d <= 5:
        raise CellError(f"{cells.show(v)} is not a score from 0 to 5")
    return d


def _criterion(v: object) -> str:
    s = cells.read_text(v).lower().strip("() ")
    if s not in CRITERIA:
        raise CellError(f"{cells.show(v)} is not a §13.5 criterion (a to j)")
    return s


def _driver(v: object) -> str:
    return _code(v).lower()


# -- settings ----------------------------------------------------------------------------

#: The keys of the ``settings`` table, each with what its value holds.
SETTINGS: dict[str, str] = {
    "name": "The partnership's name, e.g. Mid Kent Improvement Partnership (required).",
    "accountable_body": "Party code of the council that holds the budget (§13.3; "
                        "required).",
    "rotation": "Party codes in the order the chair rotates, comma separated, e.g. "
                "TWBC,MBC,SBC (§10.1).",
    "rotation_start": "Financial year in which the first council of the rotation chairs.",
    "discount_rate": "Discount rate for business cases (default 3.5%, the HM Treasury Green "
                     "Book rate).",
    "financial_weight": "Weight of the financial score in a project's investment score "
                        "(default 60%).",
    "rag_green": "Savings delivered at or above this share are green (default 95%).",
    "rag_amber": "Savings delivered at or above this share are amber (default 75%).",
    "prepared_by": "Who prepared the year's papers (shown on the statements and the "
                   "report's sign-off).",
    "approvers": "E-mail addresses, comma separated, of those who may close or reopen a "
                 "year from an app that serves a network (signed in with their council "
                 "account).",
    "rate_step": "For a budget: the rate per head needed is rounded up to this step, in "
                 "pence (default 0.01, a hundredth of a penny; 1 for whole pence).",
    "budget_rounding": "For a budget: penny (the default) or pound, to round each "
                       "service's net budget to the pound and split it in whole pounds.",
}
SETTING_KEYS: tuple[str, ...] = tuple(SETTINGS)

_YESNO = ("yes", "no")
_BASIS_WORDS = ("equal", "fixed", "population", "blend", "driver:NAME")
_COMPONENT_WORDS = ("equal", "population", "driver:NAME")
_QUARTERS = ("1", "2", "3", "4")
_YEAR = "Financial year, like 2025-26 (1 April to 31 March)."

T = cells
#: Every table of an input book, in the order the template and the app show them.
TABLES: dict[str, Table] = {t.name: t for t in (
    Table("settings", "Settings", True, "The partnership's name, accountable body (§13.3), "
          "chair rotation (§10.1), discount rate and financial weight.", (
              _col("key", _code, "choice", "Setting name: " + ", ".join(SETTING_KEYS) + ".",
                   "Setting", choices=SETTING_KEYS, strict=False, width=20),
              _blankable("value", T.read_text, "text", "The setting's value: "
                         + " ".join(f"{k}: {h}" for k, h in SETTINGS.items()),
                         "Value", width=40),
          )),
    Table("parties", "Parties", True, "Each council: a short unique code, name, whether it "
          "votes (§6.2), the dates it joined, gave notice and left, and its section 151 "
          "officer.", (
        _col("code", _code, "code", "Short unique party code, e.g. MBC. Used in every other "
             "table.", "Code", width=10),
        _col("name", _code, "text", "The council's full name.", "Party", width=34),
        _col("voting", T.read_bool, "bool", "yes for a voting party that pays contributions; "
             "no for an observer (e.g. Kent County Council, §6.2).", "Voting",
             choices=_YESNO, width=9),
        _opt("joined", T.read_date, "date", "Date the party joined. Joining after 1 April "
             "pays for the whole months remaining.", "Joined", width=12),
        _opt("notice_given", T.read_date, "date", "Date notice to leave was given (§16.2 "
             "needs six months).", "Notice given", width=13),
        _opt("left", T.read_date, "date", "Date the party left.", "Left", width=12),
        _opt("s151_officer", T.read_text, "text", "Name of the council's section 151 "
             "officer (optional). The accountable body's officer is named where the "
             "statements and the board report are signed (§13.3).", "Section 151 officer",
             width=24),
    )),
    Table("populations", "Populations", True, "Population estimates; several years may be "
          "given, and the latest not after the year run is used (§13.2).", (
        _col("party", _code, "code", "Party code, as in parties.", "Party", width=10),
        _col("year", T.read_year, "year", "Financial year of the estimate, like 2025-26. The "
             "most recent one not after the year run is used (§13.2).", "Year", width=10),
        _col("population", _population, "whole", "Population estimate, a whole number above "
             "zero.", "Population", width=13),
        _opt("source", T.read_text, "text", "Where the estimate comes from; a projection "
             "for a future year says so (e.g. ONS 2022-based projection).", "Source",
             width=40),
    )),
    Table("years", "Years", True, "Per-head rate, opening balances and the board's refund "
          "decision, for each year.", (
              _col("year", T.read_year, "year", _YEAR, "Year", width=10),
              _col("rate_pence", _nonneg, "number", "Contribution per head of population, "
                   "in pence (30 for 30p; fractions of a penny such as 30.5 are kept "
                   "exactly).", "Rate per head (p)", width=11),
              _blankable("opening_balance", T.read_money, "money", "Balance brought "
                         "forward, £ (blank: last year's carry-over, or 0).",
                         "Opening balance", width=16),
              _blankable("opening_commitments", T.read_money, "money", "Commitments "
                         "brought forward, £ (blank: last year's closing commitments, or "
                         "0).", "Opening commitments", width=16),
              _blankable("refund_share", T.read_pct, "pct", "Share of the uncommitted "
                         "balance the board decides to refund, e.g. 50% (§13.2). Blank: "
                         "carry everything over.", "Refund share", width=12),
              _opt("use_of_balances", nonneg_money, "money", "For a budget year: the part of "
                   "the balance carried in that the board plans to spend in the year, £ "
                   "(blank: none).", "Use of balances", width=14),
          )),
    Table("ledger", "Ledger", False, "Spend, commitments, external funding, income and "
          "admin recharges of the partnership budget.", (
              _opt("date", T.read_date, "date", "Date of the entry; it must fall in the "
                   "year.", "Date", width=12),
              _col("year", T.read_year, "year", _YEAR, "Year", width=10),
              _col("kind", _choice(LEDGER_KINDS, "ledger kind"), "choice", "One of: "
                   + ", ".join(LEDGER_KINDS) + ".", "Kind", choices=LEDGER_KINDS, width=17),
              _col("amount", T.read_money, "money", "Amount in £, positive for its kind (a "
                   "negative amount reverses an entry).", "Amount", width=14),
              _opt("description", T.read_text, "text", "What it was for.", "Description",
                   width=44),
              _opt("reference", T.read_text, "text", "Invoice or order reference.",
                   "Reference", width=14),
          )),
    Table("services", "Services", False, "Shared services: host, gross cost, income and "
          "the basis of the split (§18.1a).", (
        _col("service", _code, "code", "Short service code, e.g. LEGAL.", "Service",
             width=11),
        _col("name", _code, "text", "Service name.", "Name", width=30),
        _col("year", T.read_year, "year", _YEAR, "Year", width=10),
        _col("host", _code, "code", "Party code of the host council (it pays the costs, "
             "§18.1b).", "Host", width=9),
        _col("gross_cost", T.read_money, "money", "Gross cost of the service for the year, "
             "£.", "Gross cost", width=15),
        _opt("income", T.read_money, "money", "Income of the service, £ (blank: none).",
             "Income", width=14),
        _col("basis", _basis, "choice", "How the net cost is split (§18.1a): equal, fixed "
             "(fixed_share in service_parties), population, driver:NAME (a driver in the "
             "drivers table, e.g. driver:caseload) or blend (service_blend).", "Basis",
             choices=_BASIS_WORDS, strict=False, width=18),
        _opt("rebase_tolerance", T.read_pct, "pct", "Points of share each council's "
             "computed share may move from its share in force before the split is re-based, "
             "e.g. 3% (blank: always split on the computed shares).", "Re-base tolerance",
             width=12),
        _opt("rebase_step", rebase_step, "pct", "With a rebase_tolerance: a re-based split "
             "is rounded to multiples of this step, totalling exactly 100% (largest "
             "remainder), e.g. 1% gives 71%/29% rather than 71.26%/28.74%; it must divide "
             "100% into whole steps (blank: not rounded).", "Re-base step", width=11),
    )),
    Table("service_parties", "Service parties", False, "Who takes part in each service, "
          "with fixed shares and stand-alone costs (default: every paying party).", (
              _col("service", _code, "code", "Service code, as in services.", "Service",
                   width=11),
              _col("year", T.read_year, "year", _YEAR, "Year", width=10),
              _col("party", _code, "code", "Party code of a participant (only participants "
                   "share the cost).", "Party", width=9),
              _opt("fixed_share", T.read_pct, "pct", "For basis fixed: this party's agreed "
                   "share, e.g. 35%. Shares must total exactly 100%.", "Fixed share",
                   width=12),
              _opt("standalone_cost", nonneg_money, "money", "What this party would pay on "
                   "its own, £ (gives its saving).", "Stand-alone cost", width=16),
              _opt("joined", T.read_date, "date", "Date the party joined this service, if "
                   "part-way through the year.", "Joined", width=12),
          )),
    Table("shares_in_force", "Shares in force", False, "The agreed split of a service "
          "that has a rebase_tolerance, held until the computed shares move past it "
          "(blank table: the shares stored with the latest closed year).", (
              _col("service", _code, "code", "Service code, as in services.", "Service",
                   width=11),
              _col("party", _code, "code", "Party code of a participant.", "Party", width=9),
              _col("share", T.read_pct, "pct", "Its agreed share, e.g. 35%; a service's "
                   "shares total exactly 100%.", "Share", width=10),
          )),
    Table("service_blend", "Service blend", False, "Components and weights for services on "
          "the blend basis.", (
        _col("service", _code, "code", "Service code (its basis must be blend).", "Service",
             width=11),
        _col("year", T.read_year, "year", _YEAR, "Year", width=10),
        _col("component", _component, "choice", "equal, population or driver:NAME.",
             "Component", choices=_COMPONENT_WORDS, strict=False, width=18),
        _opt("weight", T.read_pct, "pct", "Weight of this component; a service's weights "
             "total exactly 100%.", "Weight", width=10),
    )),
    Table("drivers", "Drivers", False, "Activity counts (caseload, FTE, PCs, audit days) "
          "for driver:NAME bases.", (
        _col("year", T.read_year, "year", _YEAR, "Year", width=10),
        _col("driver", _driver, "code", "Activity driver name, e.g. caseload, fte, pcs, "
             "audit_days.", "Driver", width=14),
        _col("party", _code, "code", "Party code.", "Party", width=9),
        _col("value", _nonneg, "number", "The party's count of the activity (not "
             "negative).", "Value", width=12),
    )),
    Table("projects", "Projects", False, "Five-year investment cases (Annex A §5.2).", (
        _col("project", _code, "code", "Short project code.", "Project", width=11),
        _col("name", _code, "text", "Project name.", "Name", width=32),
        _blankable("service", T.read_text, "code", "Service the project belongs to: its "
                   "cost is shared like that service's (blank: every voting party "
                   "equally).", "Service", width=11),
        _col("lead", _code, "code", "Party code of the lead council (it pays the set-up "
             "cost, §18.1b).", "Lead", width=9),
        _opt("start_year", T.read_year, "year", "Financial year of year 0 (default: the "
             "year run).", "Start year", width=11),
        _opt("optimism_bias", T.read_pct, "pct", "Green Book optimism bias uplift on "
             "costs, e.g. 24%.", "Optimism bias", width=12),
        _opt("discount_rate", T.read_pct, "pct", "Discount rate for this project (default: "
             "the settings discount_rate).", "Discount rate", width=12),
        _opt("approved", T.read_bool, "bool", "yes when the business case is approved "
             "(blank: yes). Only an approved project's set-up cost is shared between the "
             "councils (§18.1b); an unapproved one is still appraised and scored.",
             "Approved", choices=_YESNO, width=10),
    )),
    Table("cashflows", "Cash flows", False, "Each project's costs and benefits for years 0 "
          "to 5.", (
        _col("project", _code, "code", "Project code, as in projects.", "Project", width=11),
        _col("year_index", _year_index, "whole", "Year of the five-year profile, 0 to 5 (0: "
             "the start year, undiscounted).", "Year (0-5)",
             choices=("0", "1", "2", "3", "4", "5"), width=11),
        _col("kind", _choice(CASHFLOW_KINDS, "cash-flow kind"), "choice", "One of: "
             + ", ".join(CASHFLOW_KINDS) + ".", "Kind", choices=CASHFLOW_KINDS, width=16),
        _col("amount", nonneg_money, "money", "Amount in £ (not negative).", "Amount",
             width=14),
    )),
    Table("criteria", "Criteria", False, "Non-financial benefit scores 0 to 5 against "
          "criteria a to j (§13.5).", (
        _col("project", _code, "code", "Project code.", "Project", width=11),
        _col("criterion", _criterion, "choice", "Criterion a to j of §13.5.", "Criterion",
             choices=CRITERIA, width=10),
        _col("score", _score, "number", "Score from 0 to 5.", "Score", width=8),
        _opt("weight", _nonneg, "number", "Relative weight (blank: equal weights).",
             "Weight", width=9),
    )),
    Table("savings", "Savings", False, "Savings predicted and delivered per service "
          "(Annex A §5.1).", (
        _col("service", _code, "code", "Service code.", "Service", width=11),
        _col("year", T.read_year, "year", _YEAR, "Year", width=10),
        _col("predicted", T.read_money, "money", "Savings predicted for the year, £.",
             "Predicted", width=15),
        _col("actual", T.read_money, "money", "Savings delivered, £.", "Delivered",
             width=15),
    )),
    Table("budget_monitor", "Budget monitor", False, "Quarterly monitoring of the "
          "partnership budget (Annex A §5.1).", (
              _col("year", T.read_year, "year", _YEAR, "Year", width=10),
              _col("quarter", _quarter, "whole", "Quarter 1 to 4.", "Quarter",
                   choices=_QUARTERS, width=9),
              _col("line", _code, "text", "Budget line.", "Line", width=30),
              _col("budget", T.read_money, "money", "Budget for the year, £.", "Budget",
                   width=14),
              _col("actual_to_date", T.read_money, "money", "Spent to date, £.",
                   "Actual to date", width=14),
              _col("forecast_outturn", T.read_money, "money", "Forecast outturn for the "
                   "year, £.", "Forecast outturn", width=16),
          )),
    Table("performance", "Performance", False, "Quarterly performance indicators per "
          "service (Annex A §4.1).", (
              _col("service", _code, "code", "Service code.", "Service", width=11),
              _col("year", T.read_year, "year", _YEAR, "Year", width=10),
              _col("quarter", _quarter, "whole", "Quarter 1 to 4.", "Quarter",
                   choices=_QUARTERS, width=9),
              _col("indicator", _code, "text", "Indicator name.", "Indicator", width=32),
              _col("target", T.read_decimal, "number", "Target value.", "Target", width=10),
              _col("actual", T.read_decimal, "number", "Actual value.", "Actual", width=10),
              _opt("higher_is_better", T.read_bool, "bool", "yes if a higher value is better "
                   "(blank: yes).", "Higher is better", choices=_YESNO, width=14),
          )),
    Table("budget_lines", "Budget lines", False, "The partnership's own budget for a "
          "year, line by line (§13.1), paid for by the contributions.", (
              _col("year", T.read_year, "year", _YEAR, "Year", width=10),
              _col("line", _code, "text", "Budget line, as in budget_monitor.", "Line",
                   width=30),
              _col("amount", T.read_money, "money", "The line's budget for the year, £.",
                   "Amount", width=14),
              _opt("description", T.read_text, "text", "What it pays for.", "Description",
                   width=40),
          )),
    Table("service_budget", "Service budget", False, "Changes that build each shared "
          "service's net budget for a year from its base: growth, savings, pay award, "
          "inflation (Annex D b).", (
              _col("service", _code, "code", "Service code, as in services.", "Service",
                   width=11),
              _col("year", T.read_year, "year", "Financial year the change applies to.",
                   "Year", width=10),
              _col("item", _code, "text", "A short name for the change.", "Item", width=28),
              _col("kind", _choice(BUDGET_ITEM_KINDS, "kind of change"), "choice",
                   "One of: " + ", ".join(BUDGET_ITEM_KINDS) + ".", "Kind",
                   choices=BUDGET_ITEM_KINDS, width=12),
              _col("amount", T.read_money, "money", "Change in the service's net cost, £: "
                   "a saving is negative (-25000), growth positive.", "Amount", width=14),
              _opt("description", T.read_text, "text", "What the change is.", "Description",
                   width=40),
              _opt("approved", T.read_bool, "bool", "yes once the service's board has "
                   "approved it (blank: yes); a change not approved is a proposal, shown "
                   "with its effect but not in the totals.", "Approved", choices=_YESNO,
                   width=10),
          )),
    Table("assumptions", "Assumptions", False, "Forecast assumptions, each from its year "
          "until a later row changes it: inflation, rate_uplift, population_growth.", (
              _col("year", T.read_year, "year", "First financial year the value holds "
                   "for.", "Year", width=10),
              _col("key", _choice(ASSUMPTION_KEYS, "assumption"), "choice", "One of: "
                   + ", ".join(ASSUMPTION_KEYS) + ".", "Assumption",
                   choices=ASSUMPTION_KEYS, width=18),
              _col("value", assumption_value, "pct", "A percentage a year, -50% to +50%, "
                   "e.g. 2.5%.", "Value", width=10),
          )),
)}

#: Each table's columns, keyed by table name (the validator's view of :data:`TABLES`).
SCHEMA: dict[str, tuple[Col, ...]] = {name: t.columns for name, t in TABLES.items()}
#: The tables a book must have.
REQUIRED_TABLES: tuple[str, ...] = tuple(n for n, t in TABLES.items() if t.required)


def column(table: str, name: str) -> Col:
    """The registry's entry for ``table.name`` (``KeyError`` when there is none)."""
    for c in SCHEMA[table]:
        if c.name == name:
            return c
    raise KeyError(f"{table}.{name}")
