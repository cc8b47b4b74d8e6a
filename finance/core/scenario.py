"""Scenarios: what-ifs as changes to a book's tables, and their figures side by side.

A scenario is a name and a list of changes; each change names a table and does one of:

* ``set``: values for every row matching ``where`` (a ``where`` that matches no row is a
  problem);
* ``add``: a new row;
* ``remove``: the rows matching (none matching is a problem).

Values are text, read later by the same cell readers as the book, so ``"35%"``,
``"2025-09-30"`` and ``"£1,234.50"`` mean what they mean in a workbook.  A ``where``
matches a cell when both read as the same value by the column's reader (``"SBC"`` matches
``" SBC"``; ``"0.35"`` matches ``"35%"``), or, for a cell the reader refuses, when the
texts are equal.  Every problem is located: ``scenario "NAME" change N: …``.

Nothing here reads a file: :func:`scenarios_from` takes the parsed TOML (plain dicts and
lists), :func:`apply_changes` the raw tables, and :func:`compare` two result JSONs.

>>> from finance.core.parse import RawTable
>>> t = {"years": RawTable("years", ("year", "rate_pence"), ((2, ("2025-26", "30")),))}
>>> [s], problems = scenarios_from({"scenario": [{"name": "35p", "change": [
...     {"table": "years", "where": {"year": "2025-26"}, "set": {"rate_pence": "35"}}]}]})
>>> new, problems = apply_changes(t, s)
>>> new["years"].rows, problems
(((2, ('2025-26', '35')),), [])
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from finance.core.cells import CellError, is_blank
from finance.core.money import fmt_pounds
from finance.core.parse import RawTable, norm
from finance.core.problems import Problem
from finance.core.schema import SCHEMA, Col

#: The kinds of change, each the key that holds its values.
KINDS = ("set", "add", "remove")
#: What a comparison shows per party, and where each figure is in a result JSON.
FIGURES = ("contribution", "refund", "supplementary", "services", "net_position")


@dataclass(frozen=True, slots=True)
class Change:
    """One change of a scenario, as given.

    Fields:
        table: the table it changes (normalised name, ``"service_parties"``).
        kind: ``"set"``, ``"add"`` or ``"remove"``.
        where: for ``set``, the column values a row must match (``()``: every row).
        values: for ``set`` the new values, for ``add`` the new row, for ``remove`` the
            values a row must match; ``(column, text)`` pairs in the order given.
    """

    table: str
    kind: str
    where: tuple[tuple[str, str], ...]
    values: tuple[tuple[str, str], ...]

    def as_json(self) -> dict[str, Any]:
        """The change as the scenario file gives it."""
        out: dict[str, Any] = {"table": self.table}
        if self.kind == "set":
            out["where"] = dict(self.where)
        out[self.kind] = dict(self.values)
        return out

    def words(self, names: Mapping[str, str] | None = None) -> str:
        """The change in a sentence a board member reads, councils by name (``names``:
        party code to name) and dates written out; an unusual change in general words.

        >>> leave = Change("parties", "set", (("code", "TWBC"),),
        ...                (("notice_given", "2025-03-31"), ("left", "2025-09-30")))
        >>> leave.words({"TWBC": "Tunbridge Wells"})
        'Tunbridge Wells gives notice on 31 March 2025 and leaves on 30 September 2025'
        >>> Change("years", "set", (("year", "2025-26"),), (("rate_pence", "35"),)).words()
        'the rate per head for 2025-26 is 35p'
        >>> Change("service_parties", "remove", (),
        ...        (("service", "PLANNING"), ("party", "TWBC"))).words()
        'TWBC no longer takes part in PLANNING'
        """
        named = dict(names or {})
        where, vals = dict(self.where), dict(self.values)
        if self.table == "parties" and self.kind == "set" and set(where) == {"code"}:
            who = named.get(where["code"], where["code"])
            acts = [_PARTY_ACTS[c].format(_day(v)) for c, v in self.values if c in _PARTY_ACTS]
            if len(acts) == len(vals):
                return f"{who} " + " and ".join(acts)
        if self.table == "years" and self.kind == "set" and set(where) == {"year"}:
            said = [_YEAR_SET[c].format(year=where["year"], v=v) for c, v in self.values
                    if c in _YEAR_SET]
            if len(said) == len(vals):
                return "; ".join(said)
        if self.table == "service_parties" and {"service", "party"} <= set(vals):
            who = named.get(vals["party"], vals["party"])
            if self.kind == "remove":
                return f"{who} no longer takes part in {vals['service']}"
            if self.kind == "add":
                since = f" from {_day(vals['joined'])}" if vals.get("joined") else ""
                return f"{who} takes part in {vals['service']}{since}"
        if self.table == "parties" and self.kind == "add" and "code" in vals:
            since = f" on {_day(vals['joined'])}" if vals.get("joined") else ""
            return f"{vals.get('name', vals['code'])} ({vals['code']}) joins{since}"
        text = ", ".join(f"{c} = {v}" for c, v in self.values)
        if self.kind == "add":
            return f"add a row to {self.table}: {text}"
        if self.kind == "remove":
            return f"remove the rows of {self.table} where {text}"
        rows = " and ".join(f"{c} is {v}" for c, v in self.where) or "every row"
        return f"in {self.table} where {rows}, set {text}"


#: What setting a party's column says, with its date.
_PARTY_ACTS = {"notice_given": "gives notice on {}", "left": "leaves on {}",
               "joined": "joins on {}"}
#: What setting a year's column says.
_YEAR_SET = {"rate_pence": "the rate per head for {year} is {v}p",
             "refund_share": "the board refunds {v} of the uncommitted balance in {year}",
             "use_of_balances": "£{v} of the balance is used in {year}"}


def _day(text: str) -> str:
    """An ISO date as a board paper writes it (any other text as it is)."""
    try:
        d = date.fromisoformat(text.strip())
    except ValueError:
        return text
    return f"{d.day} {d:%B %Y}"


@dataclass(frozen=True, slots=True)
class Scenario:
    """A named what-if.

    Fields:
        name: the scenario's name, as given.
        changes: its changes, in the order given.
    """

    name: str
    changes: tuple[Change, ...]


def _where(name: str, n: int) -> str:
    return f'scenario "{name}" change {n}'


def _text(v: object) -> str | None:
    """A value from the scenario file as the text a cell would hold (a TOML date, written
    without quotes, as ``2025-09-30``)."""
    if isinstance(v, bool):
        return "yes" if v else "no"
    if isinstance(v, date) and not isinstance(v, datetime):
        return v.isoformat()
    if isinstance(v, str | int | float):
        return str(v)
    return None


def _pairs(v: object, what: str, loc: str, problems: list[Problem]
           ) -> tuple[tuple[str, str], ...] | None:
    if not isinstance(v, Mapping) or not v:
        problems.append(Problem("scenarios", None, None,
                                f"{loc}: {what} must be a table of column = value"))
        return None
    out = []
    for k, val in v.items():
        t = _text(val)
        if t is None:
            problems.append(Problem("scenarios", None, None,
                                    f"{loc}: {what}.{k} must be text or a number"))
            return None
        out.append((norm(k), t))
    return tuple(out)


def scenarios_from(doc: Mapping[str, Any]) -> tuple[list[Scenario], list[Problem]]:
    """The scenarios of a parsed scenario file, in order, and every problem in it."""
    problems: list[Problem] = []
    raw = doc.get("scenario")
    if not isinstance(raw, list) or not raw:
        return [], [Problem("scenarios", None, None,
                            "the file has no [[scenario]] entries")]
    out: list[Scenario] = []
    seen: set[str] = set()
    for i, sc in enumerate(raw, start=1):
        name = sc.get("name") if isinstance(sc, Mapping) else None
        if not isinstance(name, str) or not name.strip():
            problems.append(Problem("scenarios", None, None, f"scenario {i} has no name"))
            continue
        name = name.strip()
        if name in seen:
            problems.append(Problem("scenarios", None, None,
                                    f'scenario "{name}" is named twice'))
        seen.add(name)
        changes = []
        for n, ch in enumerate(sc.get("change") or [], start=1):
            loc = _where(name, n)
            if not isinstance(ch, Mapping) or not isinstance(ch.get("table"), str):
                problems.append(Problem("scenarios", None, None, f"{loc}: no table named"))
                continue
            table = norm(ch["table"])
            kinds = [k for k in KINDS if k in ch]
            if len(kinds) != 1:
                problems.append(Problem("scenarios", None, None,
                                        f"{loc}: give exactly one of set, add or remove"))
                continue
            kind = kinds[0]
            values = _pairs(ch[kind], kind, loc, problems)
            where: tuple[tuple[str, str], ...] | None = ()
            if kind == "set" and "where" in ch:
                where = _pairs(ch["where"], "where", loc, problems)
            elif kind != "set" and "where" in ch:
                problems.append(Problem("scenarios", None, None,
                                        f"{loc}: where goes with set only"))
            if values is not None and where is not None:
                changes.append(Change(table, kind, where, values))
        if not changes and not any(name in p.message for p in problems):
            problems.append(Problem("scenarios", None, None,
                                    f'scenario "{name}" has no changes'))
        out.append(Scenario(name, tuple(changes)))
    return out, problems


def _matches(cells: Mapping[str, object], cols: Mapping[str, Col],
             want: Sequence[tuple[str, str]]) -> bool:
    for col, text in want:
        have = cells.get(col)
        col_def = cols.get(col)
        if col_def is not None:
            try:
                if col_def.read(have) == col_def.read(text):
                    continue
            except CellError:
                pass
        if str(have if have is not None else "").strip() != text.strip():
            return False
    return True


def apply_changes(tables: Mapping[str, RawTable], scenario: Scenario
                  ) -> tuple[dict[str, RawTable], list[Problem]]:
    """The book's raw tables with the scenario's changes made, in order, and the problems
    (each located by scenario and change).  The book's tables are not altered."""
    out = {norm(k): v for k, v in tables.items()}
    problems: list[Problem] = []
    for n, ch in enumerate(scenario.changes, start=1):
        loc = _where(scenario.name, n)
        if ch.table not in SCHEMA:
            problems.append(Problem("scenarios", None, None,
                                    f"{loc}: '{ch.table}' is not a table of the book"))
            continue
        cols = {c.name: c for c in SCHEMA[ch.table]}
        unknown = [c for c, _ in (*ch.where, *ch.values) if c not in cols]
        if unknown:
            problems.append(Problem("scenarios", None, None,
                                    f"{loc}: {ch.table} has no column '{unknown[0]}'"))
            continue
        t = out.get(ch.table) or RawTable(ch.table, tuple(cols), ())
        names = [norm(c) for c in t.columns]
        for c, _ in ch.values:  # a column the change needs, added at the end
            if c not in names:
                names.append(c)
        rows = [(rn, dict(zip(names, cells, strict=False))) for rn, cells in t.rows]
        if ch.kind == "add":
            last = max((rn for rn, _ in rows), default=1)
            rows.append((last + 1, dict(ch.values)))
            problems += _refused(loc, ch.table, cols, [last + 1], ch.values)
        else:
            want = ch.where if ch.kind == "set" else ch.values
            hit = [i for i, (_, cells) in enumerate(rows) if _matches(cells, cols, want)]
            if not hit:
                what = (" and ".join(f"{c} = '{v}'" for c, v in want) or "anything")
                problems.append(Problem("scenarios", None, None,
                                        f"{loc}: no row of {ch.table} has {what}"))
                continue
            if ch.kind == "remove":
                rows = [r for i, r in enumerate(rows) if i not in set(hit)]
            else:
                for i in hit:
                    rows[i][1].update(ch.values)
                problems += _refused(loc, ch.table, cols, [rows[i][0] for i in hit],
                                     ch.values)
        out[ch.table] = RawTable(t.name, tuple(names),
                                 tuple((rn, tuple(cells.get(c) for c in names))
                                       for rn, cells in rows))
    return out, problems


def _refused(loc: str, table: str, cols: Mapping[str, Any], rownums: list[int],
             values: tuple[tuple[str, str], ...]) -> list[Problem]:
    """Each value a change writes that its column's reader refuses, located by the change
    and by the row and column it lands in (the first row it lands in)."""
    out = []
    for c, v in values:
        if is_blank(v):
            continue
        try:
            cols[c].read(v)
        except CellError as exc:
            out.append(Problem("scenarios", None, None,
                               f"{loc}: {table} row {rownums[0]}, column {c}: {exc}"))
    return out


def _party_figures(result: Mapping[str, Any]) -> dict[str, dict[str, int]]:
    """Per party, in pence: contribution, refund, supplementary, the sum of its shares
    of every service, and its settlement net position."""
    def pence(text: str) -> int:
        sign = -1 if text.startswith("-") else 1
        whole, _, frac = text.lstrip("-").partition(".")
        return sign * (int(whole) * 100 + int((frac or "0").ljust(2, "0")))

    out: dict[str, dict[str, int]] = {}

    def row(p: str) -> dict[str, int]:
        return out.setdefault(p, dict.fromkeys(FIGURES, 0))

    for c in result["contributions"]["parties"]:
        row(c["party"])["contribution"] = pence(c["amount"])
    for y in result["year_end"]["parties"]:
        row(y["party"])["refund"] = pence(y["refund"])
        row(y["party"])["supplementary"] = pence(y["supplementary"])
    for s in result["services"]:
        for x in s["parties"]:
            row(x["party"])["services"] += pence(x["share"])
    for n in result["settlement"]["net_positions"]:
        row(n["party"])["net_position"] = pence(n["amount"])
    return out


def compare(baseline: Mapping[str, Any], scenario: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Per party (code order), each figure of :data:`FIGURES` on both sides and the
    change, as two-decimal strings; a party absent from one side counts 0.00 there, and a
    party with every figure 0.00 on both sides (an observer) is left out.

    >>> base = {"contributions": {"parties": [{"party": "A", "amount": "10.00"}]},
    ...         "year_end": {"parties": []}, "services": [],
    ...         "settlement": {"net_positions": []}}
    >>> other = {**base, "contributions": {"parties": [{"party": "A", "amount": "12.50"}]}}
    >>> compare(base, other)[0]["contribution"]
    {'baseline': '10.00', 'scenario': '12.50', 'change': '2.50'}
    """
    a, b = _party_figures(baseline), _party_figures(scenario)
    zero = dict.fromkeys(FIGURES, 0)
    return [{"party": p, **{f: {"baseline": fmt_pounds(a.get(p, zero)[f]),
                               "scenario": fmt_pounds(b.get(p, zero)[f]),
                               "change": fmt_pounds(b.get(p, zero)[f] - a.get(p, zero)[f])}
                            for f in FIGURES}}
            for p in sorted(set(a) | set(b))
            if any(a.get(p, zero)[f] or b.get(p, zero)[f] for f in FIGURES)]
