"""``mkip db verify``: is the record as it was written?

Four things are checked, and the first that fails is named (which table, which year,
event or member, what differs):

1. each closed year's stored book and result JSON against its SHA-256
   (``book_sha256``, ``result_sha256``);
2. the chain of events, in the order of their ``id``: each event's ``prev_sha256``
   against the SHA-256 of the event before it (:mod:`finance.history.digest`; the first
   records 64 zeros), and each closed version against its ``closed`` event and back;
3. the ``members`` table against the replay of the members' events
   (:func:`finance.history.roles.replay`): a member added, changed or removed behind the
   log is named;
4. each stored book, run again with this version of the software, with the openings and
   shares the history held when it was closed.  A result this version computes
   differently is a difference between versions of the software, not a change to the
   record: it is reported as such, and does not fail the check.
"""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, select

from finance import __version__
from finance.history import digest, roles
from finance.history.db import Database
from finance.history.store import prior_when_closed
from finance.history.tables import closed_years, events, members, partnerships

if TYPE_CHECKING:
    from finance.core.model import Book

#: Fields of a result that say how it was made, not what it is: left out when a
#: stored result is compared with this version's.
NOT_COMPARED = ("software_version", "input_sha256")


@dataclass
class Verification:
    """What :func:`verify` found.

    Fields:
        events: how many events were checked.
        years: how many closed versions of years were checked.
        members: how many members were checked against their events.
        head: the SHA-256 of the latest event (what the next event will record; kept
            outside the database, it shows that no event was removed from the end).
        broken: the first digest or link that does not hold, in words (``None``: all do).
        differences: each closed version this version of the software computes
            differently, in words (not a fault of the record).
    """

    events: int = 0
    years: int = 0
    members: int = 0
    head: str = digest.GENESIS
    broken: str | None = None
    differences: list[str] = field(default_factory=list)


def _short(h: str | None) -> str:
    return "nothing" if not h else h[:12] + "…"


def _year_name(r: Mapping[Any, Any], names: Mapping[int, str]) -> str:
    return (f"{r['year']} of {names.get(r['partnership_id'], '(no partnership)')}, "
            f"version {r['version']}")


def _event_name(r: Mapping[Any, Any], names: Mapping[int, str]) -> str:
    """An event in words: ``closed 2024-25 of P, version 1``, or for a member's event
    ``member_added ann@x.gov.uk (viewer) of P``."""
    if r["kind"] in roles.MEMBER_KINDS:
        return (f"{r['kind']} {r['member']} ({r['role']}) of "
                f"{names.get(r['partnership_id'], '(no partnership)')}")
    return f"{r['kind']} {_year_name(r, names)}"


def verify(db: Database, rerun: bool = True) -> Verification:
    """Check every digest and link of the history, and (``rerun``) run each stored book
    again with this version."""
    with db.worded(), db.engine.connect() as conn:
        return _verify(conn, rerun)


def _verify(conn: Connection, rerun: bool) -> Verification:
    out = Verification()
    names: dict[int, str] = {pid: name for pid, name in conn.execute(
        select(partnerships.c.id, partnerships.c.name)).all()}
    stored: dict[tuple[int, str, int], Any] = {}
    for r in conn.execute(select(closed_years).order_by(closed_years.c.id)).mappings():
        out.years += 1
        key = (r["partnership_id"], r["year"], r["version"])
        stored[key] = {"id": r["id"], "book_sha256": r["book_sha256"],
                       "result_sha256": r["result_sha256"],
                       "kind": r["input_kind"], "software_version": r["software_version"]}
        for what, column, have in (("stored book", "book_sha256",
                                    digest.sha256(bytes(r["input_book"]))),
                                   ("result JSON", "result_sha256",
                                    digest.sha256(r["result_json"]))):
            if out.broken is None and r[column] != have:
                out.broken = (f"closed_years: {_year_name(r, names)} (row {r['id']}): its "
                              f"{what} does not match its SHA-256: {column} records "
                              f"{_short(r[column])}, the {what} as stored hashes to "
                              f"{_short(have)}.")
    closes: set[tuple[int, str, int]] = set()
    prev_row: Any = None
    replayed: list[Any] = []
    for r in conn.execute(select(events).order_by(events.c.id)).mappings():
        out.events += 1
        replayed.append(r)
        key = (r["partnership_id"], r["year"], r["version"])
        pair = None
        if r["kind"] == "closed":
            closes.add(key)
            cy = stored.get(key)
            pair = None if cy is None else (cy["book_sha256"], cy["result_sha256"])
            if cy is None and out.broken is None:
                out.broken = (f"events: event {r['id']} (closed {_year_name(r, names)}) has "
                              "no closed version in closed_years: that row was removed.")
        want = out.head
        if out.broken is None and r["prev_sha256"] != want:
            before = ("the first event, so it should record 64 zeros" if prev_row is None
                      else f"event {prev_row['id']} before it hashes to {_short(want)}")
            out.broken = (f"events: event {r['id']} ({_event_name(r, names)}, by "
                          f"{r['actor']}) does not follow the event before it: it records "
                          f"{_short(r['prev_sha256'])}, but {before} (an event was changed, "
                          "removed or reordered).")
        out.head = digest.event_sha256(r, names.get(r["partnership_id"], ""), pair)
        prev_row = r
    for key, cy in stored.items():
        if key not in closes and out.broken is None:
            out.broken = (f"closed_years: {key[1]} of {names.get(key[0], '?')}, version "
                          f"{key[2]} (row {cy['id']}) has no 'closed' event: that event was "
                          "removed.")
    out.members, problem = _members(conn, names, replayed)
    if out.broken is None:
        out.broken = problem
    if rerun and out.broken is None:
        out.differences = _rerun(conn, names)
    return out


def _members(conn: Connection, names: Mapping[int, str], evs: list[Any]
             ) -> tuple[int, str | None]:
    """How many members are stored, and the first whose row is not what the members'
    events give (``None``: every row is)."""
    want = roles.replay(evs)
    seen: set[tuple[int, str]] = set()
    problem = None
    rows = conn.execute(select(members).order_by(members.c.id)).mappings().all()
    for r in rows:
        key = (r["partnership_id"], r["email"])
        seen.add(key)
        who = (f"members: {r['email']} of {names.get(r['partnership_id'], '?')} "
               f"(row {r['id']})")
        if key not in want:
            problem = problem or (f"{who} is a member with role {r['role']}, but no event "
                                  "makes them one: the row was added behind the log.")
        elif want[key][0] != r["role"]:
            role, ev = want[key]
            problem = problem or (f"{who} has role {r['role']}, but its events give "
                                  f"{role} (event {ev['id']}, {ev['kind']} by "
                                  f"{ev['actor']}): the role was changed behind the log.")
    for key, (role, ev) in want.items():
        if key not in seen:
            problem = problem or (f"members: {key[1]} of {names.get(key[0], '?')} is a "
                                  f"member with role {role} by its events (event "
                                  f"{ev['id']}, {ev['kind']} by {ev['actor']}), but has no "
                                  "row: the row was removed behind the log.")
    return len(rows), problem


def _rerun(conn: Connection, names: Mapping[int, str]) -> list[str]:
    """Each closed version whose stored book this version computes differently."""
    from finance.core.jsonout import result_json
    from finance.output import json_bytes
    from finance.pipeline import compute

    found = []
    close_ids = {(r[0], r[1], r[2]): r[3] for r in conn.execute(
        select(events.c.partnership_id, events.c.year, events.c.version, events.c.id)
        .where(events.c.kind == "closed"))}
    rows = conn.execute(select(closed_years.c.partnership_id, closed_years.c.year,
                               closed_years.c.version, closed_years.c.input_kind,
                               closed_years.c.input_book, closed_years.c.result_json,
                               closed_years.c.software_version)
                        .order_by(closed_years.c.id)).mappings().all()
    for r in rows:
        where = _year_name(r, names)
        prior = prior_when_closed(conn, r["partnership_id"], r["year"],
                                  close_ids[(r["partnership_id"], r["year"], r["version"])])
        try:
            book = _book(r["input_kind"], bytes(r["input_book"]))
            result = None if book is None else compute(book, r["year"], prior)[0]
        except (OSError, ValueError, zipfile.BadZipFile) as exc:
            found.append(f"{where} (closed with {r['software_version']}): its stored "
                         f"book cannot be read by {__version__} ({exc})")
            continue
        if result is None:
            found.append(f"{where} (closed with {r['software_version']}): its book is "
                         f"refused by {__version__}")
            continue
        now = json.loads(json_bytes(result_json(result)))
        was = json.loads(r["result_json"])
        diff = _first_difference(_comparable(was), _comparable(now))
        if diff:
            found.append(f"{where} (closed with {r['software_version']}): {diff}")
    return found


def _book(kind: str, data: bytes) -> Book | None:
    """The stored book read in memory, as ``mkip run`` reads the workbook or the folder
    of CSV files it was (``None``: it has an error)."""
    from finance.book import csv_table, load_xlsx_bytes, parse_raw

    if kind != "csv-zip":
        return load_xlsx_bytes(data)[0]
    tables: dict[str, Any] = {}
    sha = hashlib.sha256()
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        for name in sorted(z.namelist()):
            if "/" not in name and name.lower().endswith(".csv"):
                member = z.read(name)
                sha.update(name.encode() + b"\0" + member + b"\0")
                tables[name[:-4]] = csv_table(name[:-4], member)
    return parse_raw(tables, sha.hexdigest(), [])[0]


def _comparable(doc: Any) -> Any:
    return {k: v for k, v in doc.items() if k not in NOT_COMPARED} if isinstance(
        doc, dict) else doc


def _first_difference(was: Any, now: Any, path: str = "") -> str | None:
    """Where two JSON values first differ: ``year_end.carry_over: 33885.00 as stored,
    33886.00 now``; ``None`` when they are equal."""
    if isinstance(was, dict) and isinstance(now, dict):
        for k in sorted(set(was) | set(now)):
            sub = f"{path}.{k}" if path else str(k)
            if k not in was or k not in now:
                return f"{sub} is {'new' if k not in was else 'gone'} now"
            d = _first_difference(was[k], now[k], sub)
            if d:
                return d
        return None
    if isinstance(was, list) and isinstance(now, list):
        for i, (a, b) in enumerate(zip(was, now, strict=False)):
            d = _first_difference(a, b, f"{path}[{i}]")
            if d:
                return d
        if len(was) != len(now):
            return f"{path} has {len(now)} entries now, {len(was)} as stored"
        return None
    if was != now:
        return f"{path or 'the result'}: {json.dumps(was)} as stored, {json.dumps(now)} now"
    return None
