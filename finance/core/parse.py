"""From raw tables to a validated :class:`~finance.core.model.Book` (docs/input-format.md).

Input is plain data: a mapping of table name to :class:`RawTable` (column names and the
rows' cells with the row numbers the user sees), or to a table a reader has already read
a column at a time (:class:`ReadTable`, or a :class:`~finance.core.ledger.Ledger`).
Output is ``(book, problems)``: every problem found, not just the first, each located by
table, row and column.  ``book`` is ``None`` when any problem is an error.  No I/O happens
here; reading files is :mod:`finance.book`'s job.
"""

from __future__ import annotations

import calendar
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence, Set
from dataclasses import dataclass, fields
from datetime import date
from decimal import Decimal
from operator import itemgetter
from typing import Any

from finance.core import cells
from finance.core.cells import CellError
from finance.core.ledger import Ledger
from finance.core.model import (
    Assumption,
    BlendComponent,
    Book,
    BudgetItem,
    BudgetLine,
    Cashflow,
    CentralLine,
    Criterion,
    Driver,
    Indicator,
    LedgerEntry,
    Party,
    Population,
    Project,
    SavingRow,
    Service,
    ServiceParty,
    Settings,
    ShareInForce,
    YearRow,
)
from finance.core.money import fmt_gbp
from finance.core.problems import Problem
from finance.core.schema import (
    REQUIRED_TABLES,
    SCHEMA,
    SETTING_KEYS,
    TEXT_READERS,
    Col,
    Reader,
    nonneg_money,
    rate_step,
)

# Names the readers of books import from here (the registry is their home).
__all__ = [
    "NOTES_SHEETS", "REQUIRED_TABLES", "SCHEMA", "SETTING_KEYS", "TEXT_READERS", "Col",
    "RawTable", "ReadTable", "Reader", "count_rows", "nonneg_money", "norm", "parse_book",
]


@dataclass(frozen=True)
class RawTable:
    """One sheet or CSV file as read: header names and ``(row_number, cells)`` pairs.

    Fields:
        name: the table's name as given: a sheet's name, or a CSV file's name without
            ``.csv`` (matched to a table ignoring case and spaces).
        columns: the header's cells as text, in the order of the columns (matched to
            column names ignoring case and spaces; ``""`` for a blank header cell).
        rows: each row below the header as ``(row number the user sees, its cells)``,
            the cells as read: text from a CSV file; text, numbers, dates or ``None``
            from a workbook.
    """

    name: str
    columns: tuple[str, ...]
    rows: tuple[tuple[int, tuple[object, ...]], ...]


@dataclass(frozen=True)
class ReadTable:
    """A table already read a column at a time (:mod:`finance.columnar`), every cell by
    its column's reader in :data:`SCHEMA`: the rows' numbers and, for each column the
    table has, each row's value (``None`` where blank).  Only a table in which every
    cell was read without a problem comes this way; any other is a :class:`RawTable`.

    Fields:
        name: the table's name as given (a CSV file's name without ``.csv``).
        rows: the row number the user sees of each row, in order (the first data row
            of a CSV file is 2).
        values: for each column the table has, by its name in :data:`SCHEMA`, each row's
            value as the column's reader gives it (pence for money, a ``Decimal``
            fraction for a percentage, ``"2025-26"`` for a year), ``None`` where blank.
    """

    name: str
    rows: Sequence[int]
    values: Mapping[str, Sequence[Any]]


#: Sheets of notes for people (the template's instructions), skipped without a warning.
NOTES_SHEETS = ("readme", "instructions", "notes")


def norm(name: object) -> str:
    """Table and column names match case-insensitively, surrounding spaces ignored."""
    return " ".join(str(name if name is not None else "").split()).lower().replace(" ", "_")


Row = dict[str, Any]


def _read_table(
    table: str, raw: RawTable, problems: list[Problem]
) -> list[tuple[int, Row]] | None:
    schema = SCHEMA[table]
    index: dict[str, int] = {}
    for i, c in enumerate(raw.columns):
        n = norm(c)
        if not n:
            continue
        if n in index:
            problems.append(Problem(table, None, n, "column appears twice"))
        index[n] = i
    known = {c.name for c in schema}
    for n in index:
        if n not in known:
            problems.append(
                Problem(table, None, n, "column is not used by this tool and was ignored",
                        "warning")
            )
    missing = [c.name for c in schema if c.present and c.name not in index]
    for m in missing:
        problems.append(Problem(table, None, m, "required column is missing"))
    if missing:
        return None
    data = [(n, v) for n, v in raw.rows if not _blank_row(v)]  # blank rows are not data
    rownums = [n for n, _ in data]
    columns: list[list[Any]] = []
    bad_rows: set[int] = set()
    for col in schema:
        ci = index.get(col.name)
        if ci is None:
            raw_col: list[object] = [None] * len(data)
        else:
            raw_col = [v[ci] if ci < len(v) else None for _, v in data]
        # Read each distinct raw value once (years, kinds, dates and codes repeat on most
        # rows of a large table), then map the column through the answers.
        # (keys: 1, 1.0 and True must not share an answer)
        keys = [v if v.__class__ is str else (v.__class__, v) for v in raw_col]
        answers = {k: _read_cell(_unkey(k), col.read) for k in set(keys)}
        got = [answers[k] for k in keys]
        if any(a.__class__ is CellError or (a is None and col.required)
               for a in answers.values()):
            for i, g in enumerate(got):
                if g is None:
                    if col.required:
                        problems.append(Problem(table, rownums[i], col.name, "is blank"))
                        got[i] = _BAD  # the row cannot be built: keep it from later checks
                        bad_rows.add(i)
                elif g.__class__ is CellError:
                    problems.append(Problem(table, rownums[i], col.name, str(g)))
                    got[i] = _BAD
                    bad_rows.add(i)
        columns.append(got)
    names = [c.name for c in schema]
    rows = [dict(zip(names, t, strict=True)) for t in zip(*columns, strict=True)]
    for i in bad_rows:
        rows[i][_HAS_BAD] = True
    return list(zip(rownums, rows, strict=True))


def _rows_of(t: ReadTable) -> list[tuple[int, Row]]:
    """A table read by columns as the rows :func:`_read_table` gives."""
    names = [c.name for c in SCHEMA[norm(t.name)]]
    blank = [None] * len(t.rows)
    columns = [t.values.get(n, blank) for n in names]
    return [(rn, dict(zip(names, cells, strict=True)))
            for rn, cells in zip(t.rows, zip(*columns, strict=True), strict=True)]


def _blank(v: object) -> bool:
    return v is None or (v.__class__ is str and not v.strip()) or (
        v.__class__ is float and v != v)


def _blank_row(values: tuple[object, ...]) -> bool:
    try:
        return not "".join(values).strip()  # type: ignore[arg-type]  # all text (CSV)
    except TypeError:
        return all(_blank(v) for v in values)


def _unkey(k: object) -> object:
    return k if k.__class__ is str else k[1]  # type: ignore[index]


def _read_cell(v: object, read: Reader) -> Any:
    """A cell's value, ``None`` when blank, or the :class:`CellError` saying why not."""
    if _blank(v):
        return None
    try:
        return read(v)
    except CellError as exc:
        return exc


_HAS_BAD = "\0bad"


class _Bad:
    def __repr__(self) -> str:
        return "<unreadable>"


_BAD: Any = _Bad()


def _ok(row: Row, *cols: str) -> bool:
    return _HAS_BAD not in row or all(row.get(c) is not _BAD for c in cols)


def _whole(row: Row) -> bool:
    """Every cell of the row was read (``_ok`` over all its columns)."""
    return _HAS_BAD not in row


def parse_book(raw: Mapping[str, RawTable | ReadTable | Ledger], source_sha256: str = ""
               ) -> tuple[Book | None, list[Problem]]:
    """Validate raw tables into a :class:`Book`; returns ``(book or None, problems)``.

    The ledger may come already read into columns (a :class:`Ledger`: the CSV reader
    does this for a ledger whose every cell is in a form the cell readers accept, see
    :mod:`finance.columnar`); its own checks (each date within its line's year) still
    run here.
    """
    problems: list[Problem] = []
    tables: dict[str, RawTable | ReadTable | Ledger] = {}
    for name, t in raw.items():
        n = norm(name)
        if n in SCHEMA:
            if n in tables:
                problems.append(Problem(n, None, None, "table appears twice"))
            tables[n] = t
        elif n not in NOTES_SHEETS:
            problems.append(Problem(str(name), None, None,
                                    "table is not used by this tool and was ignored", "warning"))
    for req in REQUIRED_TABLES:
        if req not in tables:
            problems.append(Problem(req, None, None, "required table is missing"))
    rows: dict[str, list[tuple[int, Row]]] = {}
    columns: dict[str, Ledger | ReadTable] = {}
    for tname, rt in tables.items():
        if isinstance(rt, Ledger | ReadTable):
            columns[tname] = rt  # rows made from it only if a check asks for them
            continue
        read = _read_table(tname, rt, problems)
        rows[tname] = read if read is not None else []
    builder = _Builder(rows, problems, columns)
    book = builder.build(source_sha256)
    problems.sort(key=lambda p: (not p.is_error, list(SCHEMA).index(p.table)
                                 if p.table in SCHEMA else 99, p.row or 0, p.column or ""))
    if any(p.is_error for p in problems):
        return None, problems
    return book, problems


_SERVICE_PARTY_KEY = itemgetter(0, 1, 2)  # service, year, party
_SERVICE_COLUMNS = tuple(f.name for f in fields(Service))[:-1]  # all but the row number


class _Builder:
    def __init__(self, rows: dict[str, list[tuple[int, Row]]], problems: list[Problem],
                 columns: dict[str, Ledger | ReadTable] | None = None):
        self.rows = rows  # tables read row by row
        self.p = problems
        self.columns = columns or {}  # tables read a column at a time

    def err(self, table: str, row: int | None, col: str | None, msg: str) -> None:
        self.p.append(Problem(table, row, col, msg))

    def warn(self, table: str, row: int | None, col: str | None, msg: str) -> None:
        self.p.append(Problem(table, row, col, msg, "warning"))

    def has(self, table: str) -> bool:
        return table in self.rows or table in self.columns

    def get(self, table: str) -> list[tuple[int, Row]]:
        """The table's rows, each read cell by name (``[]`` for a table not given)."""
        rows = self.rows.get(table)
        if rows is None:
            t = self.columns.get(table)
            if not isinstance(t, ReadTable):  # not given (kept out of self.rows: see has)
                return []
            rows = self.rows[table] = _rows_of(t)
        return rows

    def read_columns(self, table: str, names: Sequence[str]
                     ) -> tuple[Sequence[int], list[Sequence[Any]]]:
        """The table's whole rows (every cell read) as columns: ``(row numbers, one
        sequence per name)``; a blank column where the table lacks one."""
        t = self.columns.get(table)
        if isinstance(t, ReadTable):  # every cell was read
            blank = [None] * len(t.rows)
            return t.rows, [t.values.get(n, blank) for n in names]
        whole = [(rn, r) for rn, r in self.get(table) if _whole(r)]
        return [rn for rn, _ in whole], [[r[n] for _, r in whole] for n in names]

    # -- settings ---------------------------------------------------------------------
    def settings(self, codes: set[str]) -> Settings:
        values: dict[str, tuple[int, str]] = {}
        for rownum, r in self.get("settings"):
            if not _ok(r, "key"):
                continue
            key = norm(r["key"])
            if key in values:
                self.err("settings", rownum, "key", f"'{key}' is given twice")
            if key not in SETTING_KEYS:
                self.warn("settings", rownum, "key", f"'{key}' is not a setting this tool uses")
            values[key] = (rownum, r["value"] or "")
        kw: dict[str, Any] = {}
        for key in ("name", "accountable_body"):
            if key not in values or not values[key][1]:
                self.err("settings", values.get(key, (None,))[0], "value",
                         f"setting '{key}' is missing")
                kw[key] = ""
            else:
                kw[key] = values[key][1]
        if kw["accountable_body"] and codes and kw["accountable_body"] not in codes:
            self.err("settings", values["accountable_body"][0], "value",
                     f"accountable body '{kw['accountable_body']}' is not a party code")
        if "rotation" in values and values["rotation"][1]:
            rownum, text = values["rotation"]
            rot = tuple(c for c in text.replace(";", ",").replace(" ", ",").split(",") if c)
            for c in rot:
                if codes and c not in codes:
                    self.err("settings", rownum, "value", f"rotation party '{c}' is not a "
                             "party code")
                elif c in self.non_voting:
                    self.err("settings", rownum, "value", f"rotation party '{c}' is not a "
                             "voting party (§10.1: the chair rotates between the Parties)")
            if len(set(rot)) != len(rot):
                self.err("settings", rownum, "value", "rotation names a party twice")
            kw["rotation"] = rot
        if "rotation_start" in values and values["rotation_start"][1]:
            rownum, text = values["rotation_start"]
            try:
                kw["rotation_start"] = cells.read_year(text)
            except CellError as exc:
                self.err("settings", rownum, "value", str(exc))
        if "prepared_by" in values:
            kw["prepared_by"] = values["prepared_by"][1]
        for key in ("discount_rate", "financial_weight", "rag_green", "rag_amber"):
            if key in values and values[key][1]:
                rownum, text = values[key]
                try:
                    kw[key] = cells.read_pct(text)
                except CellError as exc:
                    self.err("settings", rownum, "value", f"{key}: {exc}")
        if "prepared_by" in values:
            kw["prepared_by"] = values["prepared_by"][1]
        if "rate_step" in values and values["rate_step"][1]:
            rownum, text = values["rate_step"]
            try:
                kw["rate_step"] = rate_step(text)
            except CellError as exc:
                self.err("settings", rownum, "value", f"rate_step: {exc}")
        if "budget_rounding" in values and values["budget_rounding"][1]:
            rownum, text = values["budget_rounding"]
            if norm(text) in ("penny", "pound"):
                kw["budget_rounding"] = norm(text)
            else:
                self.err("settings", rownum, "value",
                         f"budget_rounding: '{text}' is not penny or pound")
        if "approvers" in values and values["approvers"][1]:
            rownum, text = values["approvers"]
            emails = tuple(dict.fromkeys(
                e.lower() for e in text.replace(";", ",").replace(" ", ",").split(",") if e))
            for e in emails:
                if "@" not in e:
                    self.err("settings", rownum, "value", f"approvers: '{e}' is not an "
                             "e-mail address")
            kw["approvers"] = emails
        s = Settings(**kw)
        if s.rag_amber > s.rag_green:
            self.err("settings", values["rag_amber"][0] if "rag_amber" in values else None,
                     "value", "rag_amber must not be above rag_green")
        return s

    # -- parties ----------------------------------------------------------------------
    def parties(self) -> tuple[Party, ...]:
        out = []
        seen: dict[str, int] = {}
        self.unreadable_parties: set[str] = set()
        for rownum, r in self.get("parties"):
            if not _ok(r, "code"):
                continue
            code = r["code"]
            if code in seen:
                self.err("parties", rownum, "code",
                         f"party code '{code}' is already used on row {seen[code]}")
                continue
            seen[code] = rownum
            if not _ok(r, "name", "voting", "joined", "notice_given", "left", "s151_officer"):
                # still a known code, so other tables don't report it as unknown too
                self.unreadable_parties.add(code)
                continue
            p = Party(code, r["name"], r["voting"], r["joined"], r["notice_given"], r["left"],
                      rownum, r.get("s151_officer") or "")
            if p.left and not p.notice_given:
                self.err("parties", rownum, "notice_given",
                         "a party that has left must have given notice (§16.2)")
            if p.left and p.notice_given and p.left < _add_months(p.notice_given, 6):
                self.err("parties", rownum, "left",
                         f"{p.left.isoformat()} is less than six months after notice given on "
                         f"{p.notice_given.isoformat()} (§16.2 needs six months' notice)")
            if p.joined and p.left and p.left <= p.joined:
                self.err("parties", rownum, "left", "is not after the date the party joined")
            out.append(p)
        if not out and self.has("parties"):
            self.err("parties", None, None, "no parties are listed")
        return tuple(out)

    def ref(self, table: str, rownum: int, col: str, code: str | None, codes: set[str],
            what: str = "party code") -> bool:
        if code is None or code is _BAD:
            return False
        if code not in codes:
            self.err(table, rownum, col, f"'{code}' is not a known {what}")
            return False
        return True

    def dupes(self, table: str, keyed: Iterable[tuple[int, tuple[Any, ...]]],
              col: str, what: str) -> None:
        first: dict[tuple[Any, ...], int] = {}
        for rownum, key in keyed:
            if key in first:
                self.err(table, rownum, col, f"{what} repeats row {first[key]}")
            else:
                first[key] = rownum

    def build(self, sha: str) -> Book:
        """The book, table by table, in the order their checks depend on each other."""
        parties = self.parties()
        codes = {p.code for p in parties} | self.unreadable_parties
        self.non_voting = {p.code for p in parties if not p.voting}
        settings = self.settings(codes)
        pops = self.populations(codes)
        years = self.years()
        ledger = self.ledger()
        drivers = self.drivers(codes)
        driver_names = {(d.year, d.driver) for d in drivers}

        services = self.services(codes, driver_names)
        svc_by_key = {(s.service, s.year): s for s in services}
        svc_codes = {s.service for s in services}
        sps = self.service_parties(svc_by_key.keys(), codes)
        blends = self.blends(svc_by_key, driver_names)
        self._check_services(services, sps, blends)
        in_force = self.shares_in_force(svc_codes, codes)

        projects = self.projects(codes, svc_codes)
        proj_codes = {p.project for p in projects}
        cashflows = self.cashflows(proj_codes)
        criteria = self.criteria(proj_codes)
        savings = self.savings()
        budget = self.budget_monitor()
        perf = self.performance()
        central, items, assumptions = self.budget(svc_codes, budget)
        return Book(
            settings=settings, parties=parties, populations=tuple(pops), years=tuple(years),
            ledger=ledger, services=tuple(services), service_parties=tuple(sps),
            service_blend=tuple(blends), drivers=tuple(drivers), projects=tuple(projects),
            cashflows=tuple(cashflows), criteria=tuple(criteria), savings=tuple(savings),
            budget_monitor=tuple(budget), performance=tuple(perf),
            shares_in_force=tuple(in_force), budget_lines=central, service_budget=items,
            assumptions=assumptions, source_sha256=sha,
        )

    # -- one method a table -------------------------------------------------------------
    def populations(self, codes: set[str]) -> list[Population]:
        pops = []
        for rn, r in self.get("populations"):
            if _ok(r, "party", "year", "population", "source") and self.ref(
                "populations", rn, "party", r["party"], codes
            ):
                pops.append(Population(r["party"], r["year"], r["population"],
                                       r["source"] or "", rn))
        self.dupes("populations", ((p.row, (p.party, p.year)) for p in pops), "year",
                   "a second estimate for this party and year")
        return pops

    def years(self) -> list[YearRow]:
        years = []
        for rn, r in self.get("years"):
            if _whole(r):
                years.append(YearRow(r["year"], r["rate_pence"], r["opening_balance"],
                                     r["opening_commitments"], r["refund_share"], rn,
                                     r["use_of_balances"]))
        self.dupes("years", ((y.row, (y.year,)) for y in years), "year", "this year")
        if not years and self.has("years") and not any(
            p.table == "years" for p in self.p
        ):
            self.err("years", None, None, "no years are listed")
        return years

    def ledger(self) -> Ledger:
        """The ledger's columns (read a column at a time for a large book); misdated lines."""
        ledger = [
            LedgerEntry(r["year"], r["kind"], r["amount"], r["date"], r["description"] or "",
                        r["reference"] or "", rn)
            for rn, r in self.get("ledger")
            if _whole(r)
        ]
        read = self.columns.get("ledger")
        ledger_cols = read if isinstance(read, Ledger) else Ledger.of(ledger)
        for i in ledger_cols.misdated():
            e = ledger_cols[i]
            assert e.date is not None
            self.err("ledger", e.row, "date",
                     f"{e.date.isoformat()} is not in financial year {e.year}")
        return ledger_cols

    def drivers(self, codes: set[str]) -> list[Driver]:
        drivers = []
        for rn, r in self.get("drivers"):
            if _ok(r, "year", "driver", "party", "value") and self.ref(
                "drivers", rn, "party", r["party"], codes
            ):
                drivers.append(Driver(r["year"], r["driver"], r["party"], r["value"], rn))
        self.dupes("drivers", ((d.row, (d.year, d.driver, d.party)) for d in drivers), "party",
                   "this driver, year and party")
        return drivers

    def blends(self, svc_by_key: Mapping[tuple[str, str], Service],
               driver_names: set[tuple[str, str]]) -> list[BlendComponent]:
        blends = []
        for rn, r in self.get("service_blend"):
            if not _ok(r, "service", "year", "component", "weight"):
                continue
            bs = svc_by_key.get((r["service"], r["year"]))
            if bs is None:
                self.err("service_blend", rn, "service",
                         f"'{r['service']}' has no row in services for {r['year']}")
                continue
            if bs.basis != "blend":
                self.err("service_blend", rn, "service",
                         f"'{bs.service}' is not on the blend basis in {bs.year}")
                continue
            comp = r["component"]
            if comp.startswith("driver:") and (r["year"], comp[7:]) not in driver_names:
                self.err("service_blend", rn, "component",
                         f"driver '{comp[7:]}' has no values in drivers for {r['year']}")
            if r["weight"] is None:
                self.err("service_blend", rn, "weight", "is blank")
                continue
            blends.append(BlendComponent(r["service"], r["year"], comp, r["weight"], rn))
        self.dupes("service_blend", ((b.row, (b.service, b.year, b.component)) for b in blends),
                   "component", "this component")
        return blends

    def projects(self, codes: set[str], svc_codes: set[str]) -> list[Project]:
        projects = []
        for rn, r in self.get("projects"):
            if not _whole(r):
                continue
            self.ref("projects", rn, "lead", r["lead"], codes)
            svc = r["service"] or None
            if svc is not None:
                self.ref("projects", rn, "service", svc, svc_codes, "service")
            projects.append(Project(r["project"], r["name"], r["lead"], svc, r["start_year"],
                                    r["optimism_bias"], r["discount_rate"], rn,
                                    r["approved"] is not False))
        self.dupes("projects", ((p.row, (p.project,)) for p in projects), "project",
                   "this project code")
        return projects

    def cashflows(self, proj_codes: set[str]) -> list[Cashflow]:
        return [
            Cashflow(r["project"], r["year_index"], r["kind"], r["amount"], rn)
            for rn, r in self.get("cashflows")
            if _ok(r, "project", "year_index", "kind", "amount")
            and self.ref("cashflows", rn, "project", r["project"], proj_codes, "project")
        ]

    def criteria(self, proj_codes: set[str]) -> list[Criterion]:
        """Criteria rows; a project's weights are all given or all blank, and not all zero."""
        criteria = [
            Criterion(r["project"], r["criterion"], r["score"], r["weight"], rn)
            for rn, r in self.get("criteria")
            if _ok(r, "project", "criterion", "score", "weight")
            and self.ref("criteria", rn, "project", r["project"], proj_codes, "project")
        ]
        self.dupes("criteria", ((c.row, (c.project, c.criterion)) for c in criteria),
                   "criterion", "this criterion for this project")
        by_project: dict[str, list[Criterion]] = defaultdict(list)
        for c in criteria:
            by_project[c.project].append(c)
        for proj, cs in by_project.items():
            given = [c for c in cs if c.weight is not None]
            if given and len(given) != len(cs):
                blank = next(c for c in cs if c.weight is None)
                self.err("criteria", blank.row, "weight",
                         f"is blank, but other criteria of '{proj}' have weights: give every "
                         "criterion a weight or none")
            elif given and all(c.weight == 0 for c in given):
                self.err("criteria", given[0].row, "weight",
                         f"every criterion weight of '{proj}' is zero")
        return criteria

    def savings(self) -> list[SavingRow]:
        savings = [
            SavingRow(r["service"], r["year"], r["predicted"], r["actual"], rn)
            for rn, r in self.get("savings")
            if _ok(r, "service", "year", "predicted", "actual")
        ]
        self.dupes("savings", ((s.row, (s.service, s.year)) for s in savings), "service",
                   "this service and year")
        return savings

    def budget_monitor(self) -> list[BudgetLine]:
        budget = [
            BudgetLine(r["year"], r["quarter"], r["line"], r["budget"], r["actual_to_date"],
                       r["forecast_outturn"], rn)
            for rn, r in self.get("budget_monitor")
            if _whole(r)
        ]
        self.dupes("budget_monitor", ((b.row, (b.year, b.quarter, b.line)) for b in budget),
                   "line", "this line, year and quarter")
        return budget

    def performance(self) -> list[Indicator]:
        perf = [
            Indicator(r["service"], r["year"], r["quarter"], r["indicator"], r["target"],
                      r["actual"], True if r["higher_is_better"] is None
                      else r["higher_is_better"], rn)
            for rn, r in self.get("performance")
            if _whole(r)
        ]
        self.dupes("performance",
                   ((i.row, (i.service, i.year, i.quarter, i.indicator)) for i in perf),
                   "indicator", "this indicator, service, year and quarter")
        return perf

    # -- the year ahead ---------------------------------------------------------------
    def budget(self, svc_codes: set[str], monitored: list[BudgetLine]
               ) -> tuple[tuple[CentralLine, ...], tuple[BudgetItem, ...],
                          tuple[Assumption, ...]]:
        """The budget tables: central lines (a line that differs from its monitored
        budget is a warning naming both), service items (a saving entered as a positive
        amount is an error, growth entered negative a warning) and assumptions."""
        central = [CentralLine(r["year"], r["line"], r["amount"], r["description"] or "", rn)
                   for rn, r in self.get("budget_lines") if _whole(r)]
        self.dupes("budget_lines", ((c.row, (c.year, c.line)) for c in central), "line",
                   "this line and year")
        latest: dict[tuple[str, str], BudgetLine] = {}
        for b in sorted(monitored, key=lambda b: b.quarter):
            latest[(b.year, b.line)] = b
        for c in central:
            m = latest.get((c.year, c.line))
            if m is not None and m.budget != c.amount:
                self.warn("budget_lines", c.row, "amount",
                          f"{fmt_gbp(c.amount)} for '{c.line}' differs from its budget of "
                          f"{fmt_gbp(m.budget)} in budget_monitor (row {m.row})")
        items = []
        for rn, r in self.get("service_budget"):
            if not _whole(r) or not self.ref("service_budget", rn, "service", r["service"],
                                             svc_codes, "service"):
                continue
            if r["kind"] == "saving" and r["amount"] > 0:
                self.err("service_budget", rn, "amount",
                         f"a saving lowers the net cost: enter it as a negative amount "
                         f"({fmt_gbp(-r['amount'])})")
                continue
            if r["kind"] == "growth" and r["amount"] < 0:
                self.warn("service_budget", rn, "amount",
                          "growth entered as a negative amount lowers the net cost: if it is "
                          "a saving, give it the kind saving")
            items.append(BudgetItem(r["service"], r["year"], r["item"], r["kind"], r["amount"],
                                    r["description"] or "", r["approved"] is not False, rn))
        self.dupes("service_budget", ((i.row, (i.service, i.year, i.item)) for i in items),
                   "item", "this item for this service and year")
        assumptions = [Assumption(r["year"], r["key"], r["value"], rn)
                       for rn, r in self.get("assumptions") if _whole(r)]
        self.dupes("assumptions", ((a.row, (a.year, a.key)) for a in assumptions), "key",
                   "this assumption and year")
        return tuple(central), tuple(items), tuple(assumptions)

    def services(self, codes: set[str], driver_names: set[tuple[str, str]]) -> list[Service]:
        """Every whole row of ``services``, built from its columns; an unknown host, a
        driver basis without values for the year, and a repeated service and year are
        reported (looked for row by row only where the columns show one)."""
        rownums, cols = self.read_columns("services", _SERVICE_COLUMNS)
        service, _, year, host, _, income, basis, tolerance, step = cols
        if not codes.issuperset(host):
            for rn, h in zip(rownums, host, strict=True):
                self.ref("services", rn, "host", h, codes)
        for rn, y, b in zip(rownums, year, basis, strict=True):
            if b.startswith("driver:") and (y, b[7:]) not in driver_names:
                self.err("services", rn, "basis",
                         f"driver '{b[7:]}' has no values in drivers for {y}")
        for rn, t, st in zip(rownums, tolerance, step, strict=True):
            if st is not None and t is None:
                self.warn("services", rn, "rebase_step", "has no effect without a "
                          "rebase_tolerance (a split is rounded only when it is re-based)")
        cols[5] = [0 if i is None else i for i in income]
        out = list(map(Service, *cols, rownums))
        keys = list(zip(service, year, strict=True))
        if len(set(keys)) < len(keys):
            self.dupes("services", zip(rownums, keys, strict=True), "service",
                       "this service and year")
        return out

    def service_parties(self, services: Set[tuple[str, str]], codes: set[str]
                        ) -> list[ServiceParty]:
        """The rows whose service (for the year) and party are known; a large table is
        checked a column at a time, and row by row only to report what is wrong."""
        rownums, cols = self.read_columns("service_parties", ServiceParty._fields[:-1])
        svc, year, party = cols[:3]
        keys = list(zip(svc, year, strict=True))
        keep: Sequence[int] = range(len(rownums))
        if not set(keys).issubset(services) or not codes.issuperset(party):
            keep = [i for i, rn, key, p in zip(keep, rownums, keys, party, strict=True)
                    if self._service_known(rn, key, services)
                    and self.ref("service_parties", rn, "party", p, codes)]
        rows = list(zip(*cols, rownums, strict=True))
        if len(keep) < len(rows):
            rows = [rows[i] for i in keep]
        sps = list(map(ServiceParty._make, rows))
        if len(set(map(_SERVICE_PARTY_KEY, sps))) < len(sps):
            self.dupes("service_parties", ((x.row, x[:3]) for x in sps),
                       "party", "this party in this service and year")
        return sps

    def shares_in_force(self, services: set[str], codes: set[str]) -> list[ShareInForce]:
        """The agreed shares per service: a known service and party each, a party once
        per service, and each service's shares totalling exactly 100%."""
        out = []
        for rn, r in self.get("shares_in_force"):
            if not _ok(r, "service", "party", "share"):
                continue
            if self.ref("shares_in_force", rn, "service", r["service"], services, "service"
                        ) and self.ref("shares_in_force", rn, "party", r["party"], codes):
                out.append(ShareInForce(r["service"], r["party"], r["share"], rn))
        self.dupes("shares_in_force", ((x.row, (x.service, x.party)) for x in out), "party",
                   "this party in this service")
        totals: dict[str, list[ShareInForce]] = defaultdict(list)
        for x in out:
            totals[x.service].append(x)
        for svc, xs in totals.items():
            total = sum((x.share for x in xs), Decimal(0))
            if total != 1:
                self.err("shares_in_force", xs[-1].row, "share",
                         f"shares in force for '{svc}' total {_pct_text(total)}, not exactly "
                         "100%")
        return out

    def _service_known(self, rownum: int, key: tuple[str, str],
                       services: Set[tuple[str, str]]) -> bool:
        if key in services:
            return True
        self.err("service_parties", rownum, "service",
                 f"'{key[0]}' has no row in services for {key[1]}")
        return False

    def _check_services(self, services: list[Service], sps: list[ServiceParty],
                        blends: list[BlendComponent]) -> None:
        fixed = {(s.service, s.year) for s in services if s.basis == "fixed"}
        by_svc: dict[tuple[str, str], list[ServiceParty]] = defaultdict(list)
        for x in sps if fixed else ():  # only fixed services' participants are checked
            if (key := x[:2]) in fixed:
                by_svc[key].append(x)
        blend_by: dict[tuple[str, str], list[BlendComponent]] = defaultdict(list)
        for b in blends:
            blend_by[(b.service, b.year)].append(b)
        for s in services:
            parts = by_svc.get((s.service, s.year), [])
            if s.basis == "fixed":
                if not parts:
                    self.err("service_parties", None, "fixed_share",
                             f"service '{s.service}' {s.year} is on the fixed basis but has no "
                             "participants with fixed shares")
                    continue
                blank = [x for x in parts if x.fixed_share is None]
                for x in blank:
                    self.err("service_parties", x.row, "fixed_share",
                             f"is blank, but '{s.service}' is on the fixed basis")
                total = sum((x.fixed_share for x in parts if x.fixed_share is not None),
                            Decimal(0))
                if not blank and total != 1:
                    self.err("service_parties", parts[0].row, "fixed_share",
                             f"fixed shares for '{s.service}' {s.year} total "
                             f"{_pct_text(total)}, not exactly 100%")
            if s.basis == "blend":
                comps = blend_by.get((s.service, s.year), [])
                if not comps:
                    self.err("service_blend", None, None,
                             f"service '{s.service}' {s.year} is on the blend basis but has no "
                             "components in service_blend")
                    continue
                total = sum((b.weight for b in comps), Decimal(0))
                if total != 1:
                    self.err("service_blend", comps[0].row, "weight",
                             f"blend weights for '{s.service}' {s.year} total "
                             f"{_pct_text(total)}, not exactly 100%")


def _pct_text(d: Decimal) -> str:
    """A fraction as a percentage for messages: ``Decimal('0.99')`` -> ``'99.00%'``."""
    return f"{(d * 100).quantize(Decimal('0.01'))}%"


def _add_months(d: date, months: int) -> date:
    """Same day ``months`` later, clamped to the month's end (31 Aug + 6 = 28/29 Feb)."""
    m = d.month - 1 + months
    y, m = d.year + m // 12, m % 12 + 1
    return date(y, m, min(d.day, calendar.monthrange(y, m)[1]))


def count_rows(raw: Mapping[str, RawTable | ReadTable | Ledger]) -> Counter[str]:
    return Counter({norm(k): len(v) if isinstance(v, Ledger) else len(v.rows)
                    for k, v in raw.items()})
