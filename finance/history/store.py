"""Close, reopen and list the years of a partnership in the history database.

Every write happens in one transaction, so a process killed part-way leaves the database
as it was.  Two ``close`` runs of the same year race to insert version N of it; the
unique key (partnership, year, version) lets exactly one win, and the other is told the
year is closed.  Nothing is ever updated or deleted: a year's status is the kind of its
latest event, and reopening adds an event.
"""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, and_, delete, func, insert, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from finance import __version__
from finance.core.chain import Approval, ClosedOpening, Prior, approval_problem, approval_words
from finance.core.money import fmt_gbp
from finance.core.run import Result
from finance.core.years import previous_year
from finance.history import digest, migrate, roles
from finance.history.db import (
    Database,
    HistoryError,
    exists,
    is_sqlite,
    reach,
    redact,
    sentence,
)
from finance.history.tables import (
    closed_years,
    events,
    members,
    partnerships,
    party_figures,
    saved_scenarios,
    service_shares,
)

#: A zip of a folder's CSV files carries this fixed time, so the same files give the
#: same bytes (and the same stored book) whenever they are closed.
ZIP_TIME = (2000, 1, 1, 0, 0, 0)


@dataclass(frozen=True, slots=True)
class StoredYear:
    """The current version of one stored year of a partnership.

    Fields:
        partnership: the partnership's name.
        year: the financial year, ``"2025-26"``.
        status: ``"closed"``, or ``"reopened"`` when its latest event is a reopening.
        version: the number of its latest closed version (1, 2, ...).
        approved_by: who approved that version (the board's approver).
        minute: the board minute reference ("" when none was recorded).
        closed_at: when that version was closed into the record, UTC.
        input_sha256: the SHA-256 of the input book as given.
        result: the result JSON as stored (a dict).
        reopened_by: who reopened it ("" unless ``status`` is ``"reopened"``).
        reopened_at: when (``None`` unless reopened).
        reason: why it was reopened ("" unless reopened).
        meeting_date: the date of the board meeting that approved that version, the
            approval's date (``None``: not recorded, a year closed before it was asked
            for).
    """

    partnership: str
    year: str
    status: str
    version: int
    approved_by: str
    minute: str
    closed_at: datetime
    input_sha256: str
    result: dict[str, Any]
    reopened_by: str = ""
    reopened_at: datetime | None = None
    reason: str = ""
    meeting_date: date | None = None

    @property
    def approval(self) -> str:
        """Where and when it was approved, and when closed, as every screen words it:
        ``at the board meeting of 12 March 2026 (minute MKIP/2026/14), closed 2026-03-14
        10:02 UTC`` (:func:`finance.core.chain.approval_words`)."""
        return approval_words(self.minute, self.meeting_date, _utc(self.closed_at))

    def as_json(self) -> dict[str, Any]:
        """The year as ``mkip history --json`` lists it."""
        out: dict[str, Any] = {
            "year": self.year, "status": self.status, "version": self.version,
            "approved_by": self.approved_by, "minute": self.minute,
            "meeting_date": None if self.meeting_date is None else self.meeting_date.isoformat(),
            "closed_at": _iso(self.closed_at), "input_sha256": self.input_sha256,
        }
        if self.status == "reopened":
            out["reopened_by"] = self.reopened_by
            out["reopened_at"] = _iso(self.reopened_at)
            out["reason"] = self.reason
        out["result"] = self.result
        return out


def _utc(t: datetime) -> datetime:
    """A stored time, timezone-aware: SQLite gives back naive times, stored as UTC."""
    return t.replace(tzinfo=UTC) if t.tzinfo is None else t.astimezone(UTC)


def _iso(t: datetime | None) -> str | None:
    if t is None:
        return None
    return _utc(t).isoformat(timespec="seconds").replace("+00:00", "Z")


def _date(v: Any) -> date | None:
    """A stored meeting date (the driver may give text on SQLite)."""
    if v is None or isinstance(v, date):
        return v
    return date.fromisoformat(str(v))


def book_bytes(path: Path) -> tuple[str, bytes]:
    """The input book as given: ``("xlsx", the workbook's bytes)``, or for a folder
    ``("csv-zip", a zip of its CSV files)`` with names sorted and times fixed."""
    if not path.is_dir():
        return "xlsx", path.read_bytes()
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for f in sorted(p for p in path.iterdir() if p.suffix.lower() == ".csv"):
            info = zipfile.ZipInfo(f.name, ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, f.read_bytes())
    return "csv-zip", buf.getvalue()


# ----------------------------------------------------------------------- opening


def open_db(url: str, *, create: bool) -> Database | None:
    """The database at ``url`` at the current schema, or ``None`` when there is no
    history to read (a SQLite file that does not exist, and ``create`` is false).

    A SQLite database is brought to the current schema on first use; a server database
    must have been upgraded with ``mkip db upgrade``.
    """
    if not create and not exists(url):
        return None
    db = reach(url)
    try:
        migrate.ensure_current(db, auto=is_sqlite(url))
    except HistoryError:
        db.dispose()
        raise
    except (SQLAlchemyError, OSError) as exc:
        db.dispose()
        raise HistoryError(sentence(url, exc), 1) from exc
    return db


@contextmanager
def existing(url: str) -> Iterator[Database]:
    """The history at ``url`` for one command, closed after it; :class:`HistoryError`
    (exit 2) when there is none."""
    db = open_db(url, create=False)
    if db is None:
        raise HistoryError(f"There is no history database at {redact(url)}.", 2)
    try:
        yield db
    finally:
        db.dispose()


# ----------------------------------------------------------------------- reading


def _partnership_id(conn: Connection, name: str) -> int | None:
    return conn.execute(select(partnerships.c.id).where(partnerships.c.name == name)
                        ).scalar_one_or_none()


def _ensure_partnership(conn: Connection, name: str, when: datetime) -> int:
    """The partnership's id, adding its row first if it has none.  Two writers adding the
    same partnership at once do not collide: on SQLite the transaction (``BEGIN
    IMMEDIATE``) has the database to itself, so the row is looked for first (an insert
    of a stored key is refused by a trigger there, even one that would do nothing); on
    PostgreSQL the insert does nothing when the name is there already (waiting for the
    other writer's transaction)."""
    if conn.dialect.name == "sqlite":
        pid = _partnership_id(conn, name)
        if pid is not None:
            return pid
        conn.execute(insert(partnerships).values(name=name, created_at=when))
    else:
        conn.execute(pg_insert(partnerships).values(name=name, created_at=when)
                     .on_conflict_do_nothing(index_elements=[partnerships.c.name]))
    pid = _partnership_id(conn, name)
    assert pid is not None
    return pid


def _latest_events(conn: Connection, pid: int, before: int | None = None
                   ) -> dict[str, Any]:
    """Each stored year's latest event row (of the events before event ``before``, when
    given: the history as it stood then); members' events are no year's."""
    q = select(events).where(events.c.partnership_id == pid,
                             events.c.kind.not_in(roles.MEMBER_KINDS))
    if before is not None:
        q = q.where(events.c.id < before)
    rows = conn.execute(q.order_by(events.c.id)).mappings().all()
    latest: dict[str, Any] = {}
    for r in rows:
        latest[r["year"]] = r
    return latest


def _stored(conn: Connection, name: str, pid: int, year: str, event: Any) -> StoredYear:
    cy = conn.execute(select(closed_years).where(and_(
        closed_years.c.partnership_id == pid, closed_years.c.year == year,
        closed_years.c.version == event["version"]))).mappings().one()
    reopened = event["kind"] == "reopened"
    return StoredYear(name, year, "reopened" if reopened else "closed", cy["version"],
                      cy["approved_by"], cy["minute"], cy["closed_at"], cy["input_sha256"],
                      json.loads(cy["result_json"]),
                      event["actor"] if reopened else "", event["at"] if reopened else None,
                      event["reason"] if reopened else "",
                      meeting_date=_date(cy["meeting_date"]))


def history(db: Database, partnership: str | None = None
            ) -> dict[str, list[StoredYear]]:
    """Every stored year of every partnership (or of one), oldest year first, each at
    its current version: ``{partnership: [StoredYear, ...]}``, partnerships by name."""
    with db.worded(), db.engine.connect() as conn:
        q = select(partnerships.c.id, partnerships.c.name).order_by(partnerships.c.name)
        if partnership is not None:
            q = q.where(partnerships.c.name == partnership)
        out: dict[str, list[StoredYear]] = {}
        for pid, name in conn.execute(q).all():
            latest = _latest_events(conn, pid)
            out[name] = [_stored(conn, name, pid, y, latest[y]) for y in sorted(latest)]
        return out


def year_record(db: Database, partnership: str, year: str) -> StoredYear | None:
    """The stored year (current version), or ``None`` when it was never closed."""
    with db.worded(), db.engine.connect() as conn:
        pid = _partnership_id(conn, partnership)
        if pid is None:
            return None
        latest = _latest_events(conn, pid)
        return _stored(conn, partnership, pid, year, latest[year]) if year in latest else None


def closed_opening(db: Database, partnership: str, year: str
                   ) -> ClosedOpening | None:
    """What the previous year, if it is closed, hands to ``year``."""
    with db.worded(), db.engine.connect() as conn:
        pid = _partnership_id(conn, partnership)
        if pid is None:
            return None
        return _opening(conn, pid, year, _latest_events(conn, pid))


def _opening(conn: Connection, pid: int, year: str, latest: Mapping[str, Any]
             ) -> ClosedOpening | None:
    """:func:`closed_opening`, given each year's latest event."""
    prev = previous_year(year)
    ev = latest.get(prev)
    if ev is None or ev["kind"] != "closed":
        return None
    cy = conn.execute(select(closed_years).where(and_(
        closed_years.c.partnership_id == pid, closed_years.c.year == prev,
        closed_years.c.version == ev["version"]))).mappings().one()
    return ClosedOpening(prev, cy["carry_over_pence"], cy["closing_commitments_pence"],
                         f"closed version {cy['version']}, approved by "
                         f"{cy['approved_by']}")


def prior_when_closed(conn: Connection, pid: int, year: str, event_id: int) -> Prior:
    """What the history handed to ``year``'s run when event ``event_id`` closed it: the
    openings and the shares in force as they stood just before that event."""
    latest = _latest_events(conn, pid, before=event_id)
    return Prior.of(_opening(conn, pid, year, latest), _shares(conn, pid, latest, year))


def prior(db: Database, partnership: str, year: str) -> Prior:
    """What the history holds for a run of ``year``: the previous year as closed (its
    openings and its result), the shares in force (those the latest closed year before
    ``year`` applied), and ``year``'s own approval when it is closed."""
    this = year_record(db, partnership, year)
    approval = None
    if this is not None and this.status == "closed":
        approval = Approval(this.version, this.approved_by, this.minute,
                            _utc(this.closed_at), this.input_sha256, this.meeting_date)
    before = year_record(db, partnership, previous_year(year))
    previous = (json.dumps(before.result) if before is not None
                and before.status == "closed" else None)
    return Prior.of(closed_opening(db, partnership, year),
                    stored_shares(db, partnership, before=year), approval,
                    previous)


def stored_shares(db: Database, partnership: str, before: str | None = None
                  ) -> dict[str, dict[str, Fraction]]:
    """Each service's shares as applied in the latest closed year that has it (before
    ``before``, when given): ``{service: {party: share}}``, exact fractions summing to 1."""
    with db.worded(), db.engine.connect() as conn:
        pid = _partnership_id(conn, partnership)
        if pid is None:
            return {}
        return _shares(conn, pid, _latest_events(conn, pid), before)


def _shares(conn: Connection, pid: int, latest: Mapping[str, Any], before: str | None
            ) -> dict[str, dict[str, Fraction]]:
    """:func:`stored_shares`, given each year's latest event (one query)."""
    wanted = {(y, ev["version"]) for y, ev in latest.items()
              if ev["kind"] == "closed" and (before is None or y < before)}
    out: dict[str, dict[str, Fraction]] = {}
    if not wanted:
        return out
    rows = conn.execute(
        select(closed_years.c.year, closed_years.c.version, service_shares.c.service,
               service_shares.c.party, service_shares.c.share_exact)
        .join(closed_years, closed_years.c.id == service_shares.c.closed_year_id)
        .where(closed_years.c.partnership_id == pid)).all()
    found: dict[str, dict[str, dict[str, Fraction]]] = {}
    for year, version, service, party, exact in rows:
        if (year, version) in wanted:
            found.setdefault(year, {}).setdefault(service, {})[party] = Fraction(exact)
    for year in sorted(found, reverse=True):
        for service, shares in found[year].items():
            out.setdefault(service, shares)  # the latest closed year's, not older
    return out


# ----------------------------------------------------------------------- writing


def _figures(result: Result) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Rows of ``party_figures`` and ``service_shares`` for a result."""
    ye = result.year_end
    parties: dict[str, dict[str, int]] = {}

    def row(p: str) -> dict[str, int]:
        return parties.setdefault(p, dict.fromkeys(
            ("contribution_pence", "refund_pence", "carry_over_pence", "supplementary_pence",
             "services_pence", "net_position_pence"), 0))

    for c in result.contributions.lines:
        row(c.party)["contribution_pence"] = c.amount
    for line in ye.parties:
        r = row(line.party)
        r["refund_pence"], r["carry_over_pence"] = line.refund, line.carry_over
        r["supplementary_pence"] = line.supplementary
    shares = []
    for sp in result.services:
        for sl in sp.lines:
            row(sl.party)["services_pence"] += sl.share
            w = sl.weight
            shares.append({"service": sp.service, "party": sl.party, "share_pence": sl.share,
                           "share_exact": f"{w.numerator}/{w.denominator}",
                           "share": Decimal(w.numerator) / Decimal(w.denominator)})
    for n in result.settlement.net_positions:
        row(n.party)["net_position_pence"] = n.amount
    return [{"party": p, **v} for p, v in sorted(parties.items())], shares


def close_year(db: Database, result: Result, result_json: bytes,
               book: tuple[str, bytes], approved_by: str, minute: str,
               meeting_date: date | None, now: datetime | None = None) -> StoredYear:
    """Store ``result`` as the next closed version of its (partnership, year),
    approved by ``approved_by`` at the board meeting of ``meeting_date`` (minute
    ``minute``), closed now.

    Refused (:class:`HistoryError`, exit 2, nothing stored) without the approver, the
    minute or the meeting's date, or with a meeting after the day of closing
    (:func:`finance.core.chain.approval_problem`); when the year is closed, when a later
    year is closed, or when an earlier stored year is reopened and not closed again.  The
    caller checks the book and its openings first.
    """
    name, year = result.book.settings.name, result.year
    when = now or datetime.now(UTC)
    problem = approval_problem(approved_by, minute, meeting_date, when)
    if problem:
        raise HistoryError(problem, 2)
    kind, data = book
    text = result_json.decode("utf-8")
    party_rows, share_rows = _figures(result)
    ye = result.year_end
    try:
        with db.worded(), db.engine.begin() as conn:
            pid = _ensure_partnership(conn, name, when)
            _lock(conn, pid)
            latest = _latest_events(conn, pid)
            _refuse_out_of_order(conn, name, pid, year, latest)
            _refuse_broken_chain(conn, pid, result, latest)
            version = (conn.execute(select(func.max(closed_years.c.version)).where(and_(
                closed_years.c.partnership_id == pid, closed_years.c.year == year))
                ).scalar_one_or_none() or 0) + 1
            cid = conn.execute(insert(closed_years).returning(closed_years.c.id).values(
                partnership_id=pid, year=year, version=version,
                input_sha256=result.book.source_sha256, input_kind=kind, input_book=data,
                result_json=text, software_version=__version__,
                book_sha256=digest.sha256(data), result_sha256=digest.sha256(text),
                approved_by=approved_by, minute=minute, closed_at=when,
                carry_over_pence=ye.carry_over, closing_commitments_pence=ye.commitments,
                meeting_date=meeting_date,
            )).scalar_one()
            if party_rows:
                conn.execute(insert(party_figures), [{"closed_year_id": cid, **r}
                                                     for r in party_rows])
            if share_rows:
                conn.execute(insert(service_shares), [{"closed_year_id": cid, **r}
                                                      for r in share_rows])
            _append_event(conn, partnership_id=pid, year=year, kind="closed",
                          version=version, actor=approved_by, minute=minute, at=when)
    except IntegrityError as exc:  # another close of the same year won the race
        raise _already_closed(db, name, year) from exc
    except HistoryError as exc:
        if exc.exit_code == 1 and "locked" in str(exc):
            raise _already_closed_or(db, name, year, exc) from exc
        raise
    stored = year_record(db, name, year)
    assert stored is not None
    return stored


def _append_event(conn: Connection, **values: Any) -> None:
    """Add an event at the end of the chain: it records the SHA-256 of the latest event
    (:mod:`finance.history.digest`).  On PostgreSQL the events table is locked against
    other writers until the transaction ends, so two events never follow the same one
    (SQLite's ``BEGIN IMMEDIATE`` already gives the writer the database to itself)."""
    if conn.dialect.name != "sqlite":
        conn.exec_driver_sql("LOCK TABLE events IN EXCLUSIVE MODE")
    last = conn.execute(select(events).order_by(events.c.id.desc()).limit(1)
                        ).mappings().first()
    conn.execute(insert(events).values(
        **values, prev_sha256=digest.GENESIS if last is None else event_sha256(conn, last)))


def event_sha256(conn: Connection, event: Mapping[Any, Any]) -> str:
    """The SHA-256 of a stored event's canonical form (:func:`digest.event_sha256`)."""
    name = conn.execute(select(partnerships.c.name).where(
        partnerships.c.id == event["partnership_id"])).scalar_one_or_none()
    closed = None
    if event["kind"] == "closed":
        row = conn.execute(select(closed_years.c.book_sha256, closed_years.c.result_sha256)
                           .where(and_(closed_years.c.partnership_id == event["partnership_id"],
                                       closed_years.c.year == event["year"],
                                       closed_years.c.version == event["version"]))).first()
        closed = None if row is None else (row[0], row[1])
    return digest.event_sha256(event, name or "", closed)


def _already_closed(db: Database, name: str, year: str) -> HistoryError:
    rec = year_record(db, name, year)
    if rec is not None and rec.status == "closed":
        return HistoryError(_closed_sentence(rec), 2)
    return HistoryError(f"{year} of {name} could not be closed: another change was made to "
                        "it at the same moment; try again.", 2)


def _already_closed_or(db: Database, name: str, year: str,
                       exc: HistoryError) -> HistoryError:
    try:
        rec = year_record(db, name, year)
    except HistoryError:
        return exc
    return HistoryError(_closed_sentence(rec), 2) if rec and rec.status == "closed" else exc


def _closed_sentence(rec: StoredYear) -> str:
    return (f"{rec.year} of {rec.partnership} is already closed (version {rec.version}, "
            f"approved by {rec.approved_by} {rec.approval}); reopen it first.")


def _lock(conn: Connection, pid: int) -> None:
    """Serialise writers of one partnership: on PostgreSQL, lock its row for the rest of
    the transaction, so that two closes (or a close and a reopen) of different years
    cannot both pass the order checks (SQLite's BEGIN IMMEDIATE already serialises)."""
    if conn.dialect.name != "sqlite":
        conn.execute(select(partnerships.c.id).where(partnerships.c.id == pid)
                     .with_for_update())


def _refuse_broken_chain(conn: Connection, pid: int, result: Result,
                         latest: Mapping[str, Any]) -> None:
    """Refuse a year whose openings differ from the previous year as closed (both
    figures named), whoever asks: the command line checks first, with rows and columns;
    this keeps the record whole for the app and for a change made in between."""
    prev = previous_year(result.year)
    ev = latest.get(prev)
    if ev is None or ev["kind"] != "closed":
        return
    cy = conn.execute(select(closed_years).where(and_(
        closed_years.c.partnership_id == pid, closed_years.c.year == prev,
        closed_years.c.version == ev["version"]))).mappings().one()
    ye = result.year_end
    for what, have, want in (("opening balance", ye.opening_balance, cy["carry_over_pence"]),
                             ("opening commitments", ye.opening_commitments,
                              cy["closing_commitments_pence"])):
        if have != want:
            raise HistoryError(
                f"{result.year} cannot be closed: its {what}, {fmt_gbp(have)}, differs from "
                f"the {fmt_gbp(want)} {prev} closed with (version {cy['version']}).", 2)


def _refuse_out_of_order(conn: Connection, name: str, pid: int, year: str,
                         latest: Mapping[str, Any]) -> None:
    ev = latest.get(year)
    if ev is not None and ev["kind"] == "closed":
        raise HistoryError(_closed_sentence(_stored(conn, name, pid, year, ev)), 2)
    later = sorted(y for y, e in latest.items() if y > year and e["kind"] == "closed")
    if later:
        raise HistoryError(f"{year} of {name} cannot be closed: a later year ({later[-1]}) "
                           "is already closed, and years close in order.", 2)
    open_earlier = sorted(y for y, e in latest.items() if y < year and e["kind"] != "closed")
    if open_earlier:
        raise HistoryError(f"{year} of {name} cannot be closed: {open_earlier[0]} was "
                           "reopened and is not closed again; years close in order.", 2)


def reopen_year(db: Database, year: str, reason: str, by: str,
                partnership: str | None = None, now: datetime | None = None) -> StoredYear:
    """Reopen the latest closed year of a partnership (an event; nothing is changed).

    ``partnership`` may be left out when the database holds only one.  Refused
    (exit 2) without a reason, for a year that is not closed, or for one that is not the
    partnership's latest closed year.
    """
    if not reason.strip():
        raise HistoryError("A reason is required to reopen a closed year.", 2)
    if not by.strip():
        raise HistoryError("Say who is reopening the year (--by NAME).", 2)
    when = now or datetime.now(UTC)
    try:
        with db.worded(), db.engine.begin() as conn:
            name, pid = _one_partnership(conn, partnership)
            _lock(conn, pid)
            latest = _latest_events(conn, pid)
            ev = latest.get(year)
            if ev is None or ev["kind"] != "closed":
                state = "is not stored" if ev is None else "is already reopened"
                raise HistoryError(f"{year} of {name} {state}: only a closed year can be "
                                   "reopened.", 2)
            later = sorted(y for y, e in latest.items() if y > year and e["kind"] == "closed")
            if later:
                raise HistoryError(f"{year} of {name} cannot be reopened: {later[-1]} is "
                                   "closed after it; only the latest closed year can be "
                                   "reopened.", 2)
            _append_event(conn, partnership_id=pid, year=year, kind="reopened",
                          version=ev["version"], actor=by, reason=reason, at=when)
            name_ = name
    except IntegrityError as exc:
        raise HistoryError(f"{year} was reopened by someone else at the same moment.",
                           2) from exc
    rec = year_record(db, name_, year)
    assert rec is not None
    return rec


@dataclass(frozen=True, slots=True)
class SavedScenarios:
    """A set of scenarios saved by name (the latest saving of that name and year).

    Fields:
        partnership: the partnership's name.
        year: the financial year they apply to, ``"2025-26"``.
        name: the name they were saved under.
        toml: the scenario file's text (``mkip compare --scenarios``).
        saved_by: who saved them.
        saved_at: when, UTC.
    """

    partnership: str
    year: str
    name: str
    toml: str
    saved_by: str
    saved_at: datetime


def save_scenarios(db: Database, partnership: str, year: str, name: str,
                   toml: str, by: str, now: datetime | None = None) -> SavedScenarios:
    """Save a scenario file's text by name for ``year``; saving the name again adds a
    newer row (nothing is overwritten).  Scenarios never touch a closed year's figures."""
    if not name.strip():
        raise HistoryError("Give the scenarios a name to save them under.", 2)
    when = now or datetime.now(UTC)
    try:
        with db.worded(), db.engine.begin() as conn:
            pid = _ensure_partnership(conn, partnership, when)
            conn.execute(insert(saved_scenarios).values(
                partnership_id=pid, year=year, name=name.strip(), scenarios_toml=toml,
                saved_by=by.strip() or "app", saved_at=when))
    except IntegrityError as exc:
        raise HistoryError("The scenarios could not be saved: another change was made "
                           "at the same moment; try again.", 2) from exc
    return SavedScenarios(partnership, year, name.strip(), toml, by.strip() or "app", when)


def list_scenarios(db: Database, partnership: str, year: str | None = None
                   ) -> list[SavedScenarios]:
    """The partnership's saved scenarios (the latest saving of each name and year), by
    year then name."""
    with db.worded(), db.engine.connect() as conn:
        pid = _partnership_id(conn, partnership)
        if pid is None:
            return []
        q = select(saved_scenarios).where(saved_scenarios.c.partnership_id == pid)
        if year is not None:
            q = q.where(saved_scenarios.c.year == year)
        latest: dict[tuple[str, str], Any] = {}
        for r in conn.execute(q.order_by(saved_scenarios.c.id)).mappings():
            latest[(r["year"], r["name"])] = r
        return [SavedScenarios(partnership, r["year"], r["name"], r["scenarios_toml"],
                               r["saved_by"], r["saved_at"]) for _k, r in sorted(latest.items())]


def _one_partnership(conn: Connection, partnership: str | None) -> tuple[str, int]:
    rows: Sequence[Any] = conn.execute(select(partnerships.c.name, partnerships.c.id)
                                       .order_by(partnerships.c.name)).all()
    if partnership is not None:
        for name, pid in rows:
            if name == partnership:
                return name, pid
        raise HistoryError(f"No partnership called {partnership!r} is in the history.", 2)
    if len(rows) == 1:
        return rows[0][0], rows[0][1]
    if not rows:
        raise HistoryError("The history holds no closed years yet.", 2)
    names = ", ".join(repr(r[0]) for r in rows)
    raise HistoryError(f"The history holds several partnerships ({names}): say which "
                       "with --partnership NAME.", 2)


# ----------------------------------------------------------------------- members


@dataclass(frozen=True, slots=True)
class Member:
    """A member of a partnership, as the ``members`` table holds it.

    Fields:
        partnership: the partnership's name.
        email: the member's e-mail address, lower case.
        role: ``viewer``, ``preparer``, ``approver`` or ``admin``.
    """

    partnership: str
    email: str
    role: str


@dataclass(frozen=True, slots=True)
class MemberChange:
    """What :func:`add_member` or :func:`remove_member` did.

    Fields:
        partnership: the partnership's name.
        email: the member's e-mail address, lower case.
        kind: the event recorded (``member_added``, ``member_role_changed``,
            ``member_removed``), or "" when nothing changed (the member had that role).
        role: the member's role after the change (for a removal, the role they had).
        previous: the role before the change ("" when they were not a member).
        by: who made the change.
        at: when, UTC.
    """

    partnership: str
    email: str
    kind: str
    role: str
    previous: str
    by: str
    at: datetime


def member_role(db: Database, partnership: str, email: str) -> str | None:
    """The role of ``email`` (any case) in ``partnership``; ``None`` when they are not a
    member (or the partnership is not in the database)."""
    with db.worded(), db.engine.connect() as conn:
        pid = _partnership_id(conn, partnership)
        if pid is None:
            return None
        return conn.execute(select(members.c.role).where(
            members.c.partnership_id == pid,
            members.c.email == roles.normal_email(email))).scalar_one_or_none()


def list_members(db: Database, partnership: str | None = None
                 ) -> dict[str, list[Member]]:
    """Every partnership's members (or one partnership's), partnerships by name, members
    by e-mail: ``{partnership: [Member, ...]}``; a partnership with none has ``[]``."""
    with db.worded(), db.engine.connect() as conn:
        q = select(partnerships.c.id, partnerships.c.name).order_by(partnerships.c.name)
        if partnership is not None:
            q = q.where(partnerships.c.name == partnership)
        names = dict(conn.execute(q).all())
        out: dict[str, list[Member]] = {names[pid]: [] for pid in names}
        for pid, email, role in conn.execute(
                select(members.c.partnership_id, members.c.email, members.c.role)
                .where(members.c.partnership_id.in_(list(names)))
                .order_by(members.c.email)).all():
            out[names[pid]].append(Member(names[pid], email, role))
        return out


def add_member(db: Database, email: str, role: str, by: str,
               partnership: str | None = None, default: str | None = None,
               now: datetime | None = None) -> MemberChange:
    """Make ``email`` a member of the partnership with ``role``: a ``member_added``
    event, or ``member_role_changed`` when they are a member with another role (nothing
    is recorded when they have that role already).

    ``partnership``: by name (added to the database if it is not there); left out, the
    only partnership of the database, else ``default`` when it holds none.  Refused
    (exit 2, one sentence) for an address that is no e-mail, a word that is no role,
    without ``by``, or without a partnership when the database holds several.
    """
    problem = (roles.email_problem(email) or roles.role_problem(role)
               or ("" if by.strip() else "Say who is making the change (--by NAME)."))
    if problem:
        raise HistoryError(problem, 2)
    email, role, by = roles.normal_email(email), role.strip().lower(), by.strip()
    when = now or datetime.now(UTC)
    try:
        with db.worded(), db.engine.begin() as conn:
            name = _member_partnership(conn, partnership, default)
            pid = _ensure_partnership(conn, name, when)
            _lock(conn, pid)
            had = _role(conn, pid, email)
            if had == role:
                return MemberChange(name, email, "", role, role, by, when)
            if had == "admin" and _admins(conn, pid) == 1:
                raise HistoryError(_LAST_ADMIN.format(email=email, name=name), 2)
            if had is None:
                conn.execute(insert(members).values(partnership_id=pid, email=email,
                                                    role=role))
                kind = roles.MEMBER_ADDED
            else:
                conn.execute(update(members).where(members.c.partnership_id == pid,
                                                   members.c.email == email)
                             .values(role=role))
                kind = roles.MEMBER_ROLE_CHANGED
            _member_event(conn, pid, kind, email, role, by, when)
    except IntegrityError as exc:
        raise HistoryError(f"{email} could not be made a member: another change was made "
                           "at the same moment; try again.", 2) from exc
    return MemberChange(name, email, kind, role, had or "", by, when)


def remove_member(db: Database, email: str, by: str,
                  partnership: str | None = None, default: str | None = None,
                  now: datetime | None = None) -> MemberChange:
    """Remove ``email`` from the partnership's members: a ``member_removed`` event.
    Refused (exit 2, one sentence) for someone who is not a member, or without ``by``;
    ``partnership`` as for :func:`add_member`."""
    problem = (roles.email_problem(email)
               or ("" if by.strip() else "Say who is making the change (--by NAME)."))
    if problem:
        raise HistoryError(problem, 2)
    email, by = roles.normal_email(email), by.strip()
    when = now or datetime.now(UTC)
    try:
        with db.worded(), db.engine.begin() as conn:
            name = _member_partnership(conn, partnership, default)
            pid = _partnership_id(conn, name)
            if pid is not None:
                _lock(conn, pid)
            had = None if pid is None else _role(conn, pid, email)
            if pid is None or had is None:
                raise HistoryError(f"{email} is not a member of {name}.", 2)
            if had == "admin" and _admins(conn, pid) == 1:
                raise HistoryError(_LAST_ADMIN.format(email=email, name=name), 2)
            conn.execute(delete(members).where(members.c.partnership_id == pid,
                                               members.c.email == email))
            _member_event(conn, pid, roles.MEMBER_REMOVED, email, had, by, when)
    except IntegrityError as exc:
        raise HistoryError(f"{email} could not be removed: another change was made at the "
                           "same moment; try again.", 2) from exc
    return MemberChange(name, email, roles.MEMBER_REMOVED, had, had, by, when)


#: Why the last admin is kept: without one, no one could manage the members.
_LAST_ADMIN = ("{email} is the last admin of {name}: make someone else admin first, so that "
               "someone can still manage the members.")


def _admins(conn: Connection, pid: int) -> int:
    """How many admins the partnership has."""
    return int(conn.execute(select(func.count()).select_from(members).where(
        members.c.partnership_id == pid, members.c.role == "admin")).scalar_one())


def _role(conn: Connection, pid: int, email: str) -> str | None:
    return conn.execute(select(members.c.role).where(
        members.c.partnership_id == pid, members.c.email == email)).scalar_one_or_none()


def _member_partnership(conn: Connection, given: str | None, default: str | None) -> str:
    """The partnership a change of members is for: the one named, else the database's
    only one, else ``default`` when it holds none."""
    if given is not None and given.strip():
        return given.strip()
    names = [r[0] for r in conn.execute(select(partnerships.c.name)
                                        .order_by(partnerships.c.name)).all()]
    if len(names) == 1:
        return str(names[0])
    if not names and default:
        return default
    if not names:
        raise HistoryError("The history holds no partnership yet: say which with "
                           "--partnership NAME.", 2)
    listed = ", ".join(repr(n) for n in names)
    raise HistoryError(f"The history holds several partnerships ({listed}): say which "
                       "with --partnership NAME.", 2)


def _member_event(conn: Connection, pid: int, kind: str, email: str, role: str, by: str,
                  when: datetime) -> None:
    """Record a change of a member at the end of the chain.  A member's event belongs to
    no year (``year`` is ""); its ``version`` numbers the partnership's member events,
    1, 2, ..., so the events' unique key holds for them too."""
    n = conn.execute(select(func.count()).select_from(events).where(
        events.c.partnership_id == pid, events.c.kind.in_(roles.MEMBER_KINDS))).scalar_one()
    _append_event(conn, partnership_id=pid, year="", kind=kind, version=int(n) + 1,
                  actor=by, member=email, role=role, at=when)


__all__ = [
    "Member",
    "MemberChange",
    "SavedScenarios",
    "StoredYear",
    "add_member",
    "book_bytes",
    "close_year",
    "closed_opening",
    "existing",
    "history",
    "list_members",
    "list_scenarios",
    "member_role",
    "open_db",
    "prior",
    "remove_member",
    "reopen_year",
    "save_scenarios",
    "stored_shares",
    "year_record",
]
