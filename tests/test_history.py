"""The history: closing years into a real database, chaining, locks, faults.

Every test runs twice, on SQLite and on a PostgreSQL server.  The PostgreSQL URL comes
from ``MKIP_TEST_POSTGRES_URL`` (a role that may create databases; each test gets a
fresh database, dropped afterwards).  Without it the PostgreSQL runs skip with the
reason, except under ``CI=true``, where ``.ci/run`` starts the server and they must run.
Locally:

    pg_ctlcluster 15 main start
    runuser -u postgres -- psql -c "CREATE ROLE mkip LOGIN PASSWORD 'pw' CREATEDB"
    runuser -u postgres -- psql -c "CREATE DATABASE mkip_test OWNER mkip"
    MKIP_TEST_POSTGRES_URL=postgresql://mkip:pw@127.0.0.1/mkip_test scripts/test
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import Table, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError
from typer.testing import CliRunner

from finance.cli import app
from finance.history import db as history_db
from finance.history import migrate, store, tables
from finance.history.tables import LOCKED
from tests.conftest import IN_CI, ROOT, BookCopy, scratch_postgres

PG_ENV = "MKIP_TEST_POSTGRES_URL"
#: The board's approval every close of these tests gives: the minute and the meeting's date.
BOARD = ("--minute", "MKIP/26/14", "--meeting-date", "2026-03-12")
SCENARIOS = ROOT / "data" / "scenarios" / "mkip-2025-26.toml"


def _pg_admin() -> str:
    url = os.environ.get(PG_ENV)
    if url:
        return url
    reason = f"{PG_ENV} is not set: no PostgreSQL server to test the history on"
    if IN_CI:
        pytest.fail(reason + " (required under CI=true; .ci/run starts one)")
    pytest.skip(reason)


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'history.db'}"
        return
    with scratch_postgres(_pg_admin(), "mkip_t_") as url:
        yield url


def mkip(*args: str) -> tuple[int, str]:
    """Run the command line in this process: (exit code, everything it printed)."""
    result = CliRunner().invoke(app, list(args))
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.output


def two_year_book(folder: Path) -> BookCopy:
    """The bundled book with 2024-25 before 2025-26 (whose openings are left blank)."""
    b = BookCopy(folder)
    b.edit("years", lambda rows: rows.__setitem__(slice(None), [
        {"year": "2024-25", "rate_pence": "30", "opening_balance": "0.00",
         "opening_commitments": "0.00", "refund_share": "50%"},
        {"year": "2025-26", "rate_pence": "30", "opening_balance": "",
         "opening_commitments": "", "refund_share": "50%"}]))
    b.edit("ledger", lambda rows: rows.__setitem__(slice(None), [
        r for r in rows if r["year"] != "2024-25"] + [
        {"date": "2024-06-03", "year": "2024-25", "kind": "spend", "amount": "40000.00",
         "description": "Programme support", "reference": "INV-2024-010"},
        {"date": "2025-02-11", "year": "2024-25", "kind": "commitment", "amount": "5000.00",
         "description": "Training ordered", "reference": "PO-2025-002"}]))
    return b


# 2024-25 of the two-year book: contributions £112,770.00 less £40,000.00 spend and
# £5,000.00 committed leave £67,770.00 uncommitted; half is refunded, half carried.
CARRY_2024 = "33885.00"
COMMITTED_2024 = "5000.00"


def rows(url: str, sql: str) -> list[tuple[object, ...]]:
    engine = history_db.connect(url)
    try:
        with engine.connect() as conn:
            return [tuple(r) for r in conn.execute(text(sql)).all()]
    finally:
        engine.dispose()


def history_json(url: str) -> dict:
    code, out = mkip("history", "--json", "--db", url)
    assert code == 0, out
    return json.loads(out)


# ------------------------------------------------------------------ close and history


def test_close_stores_the_year_and_history_lists_it(db_url: str, tmp_path: Path) -> None:
    book = BookCopy(tmp_path / "book")
    if not history_db.is_sqlite(db_url):
        assert mkip("db", "upgrade", "--db", db_url)[0] == 0
    code, out = mkip("close", str(book.path), "--approved-by", "Cllr A Chair",
                     "--minute", "MKIP/26/14", "--meeting-date", "2026-03-12", "--db", db_url)
    assert code == 0, out
    assert ("closed 2025-26 of Mid Kent Improvement Partnership: version 1, approved by Cllr "
            "A Chair at the board meeting of 12 March 2026 (minute MKIP/26/14), closed 20") \
        in out
    doc = history_json(db_url)
    [p] = doc["partnerships"]
    [y] = p["years"]
    assert (p["name"], y["year"], y["status"], y["version"], y["approved_by"], y["minute"],
            y["meeting_date"]) == ("Mid Kent Improvement Partnership", "2025-26", "closed", 1,
                                   "Cllr A Chair", "MKIP/26/14", "2026-03-12")
    assert list(y)[:7] == ["year", "status", "version", "approved_by", "minute",
                           "meeting_date", "closed_at"]
    [(met,)] = rows(db_url, "SELECT meeting_date FROM closed_years")
    assert str(met) == "2026-03-12"  # a DATE column (SQLite holds it as ISO text)
    assert mkip("run", str(book.path), "--json")[0] == 0
    _code, run_json = mkip("run", str(book.path), "--json")
    assert y["result"] == json.loads(run_json)  # the full result, as stored
    assert y["input_sha256"] == y["result"]["input_sha256"]
    # per-party figures are real columns an analyst can query
    assert rows(db_url, "SELECT party, contribution_pence, refund_pence FROM party_figures "
                "ORDER BY party") == [("KCC", 0, 0), ("MBC", 4284000, 786739),
                                      ("SBC", 3855000, 707955), ("TWBC", 3138000, 576281)]
    shares = rows(db_url, "SELECT party, share_pence, share_exact FROM service_shares "
                  "WHERE service = 'LEGAL' ORDER BY party")
    assert [s[2] for s in shares] == ["7/20", "7/20", "3/10"]  # the fixed 35%, 35%, 30%
    [(kind, blob)] = rows(db_url, "SELECT input_kind, input_book FROM closed_years")
    assert kind == "csv-zip" and bytes(blob)[:2] == b"PK"


def test_closing_a_closed_year_is_refused_naming_who_and_when(db_url: str,
                                                              tmp_path: Path) -> None:
    book = BookCopy(tmp_path / "book")
    mkip("db", "upgrade", "--db", db_url)
    assert mkip("close", str(book.path), "--approved-by", "A", *BOARD, "--db", db_url)[0] == 0
    code, out = mkip("close", str(book.path), "--approved-by", "B", *BOARD, "--db", db_url)
    assert code == 2
    assert "2025-26 of Mid Kent Improvement Partnership is already closed (version 1, " \
           "approved by A at the board meeting of 12 March 2026 (minute MKIP/26/14), " \
           "closed 20" in out
    assert rows(db_url, "SELECT count(*) FROM closed_years") == [(1,)]


def test_close_needs_an_approver_and_a_good_book(db_url: str, tmp_path: Path) -> None:
    book = BookCopy(tmp_path / "book")
    mkip("db", "upgrade", "--db", db_url)
    code, out = mkip("close", str(book.path), *BOARD, "--db", db_url)
    assert (code, out.strip()) == (2, "Say who approved the year end: --approved-by NAME.")
    code, out = mkip("close", str(book.path), "--db", db_url)
    assert (code, out.strip()) == (2, "Say who approved the year end, the board minute and the "
                                   "date of the board meeting: --approved-by NAME --minute "
                                   "REF --meeting-date YYYY-MM-DD.")
    book.set("populations", 0, "population", "abc")
    code, out = mkip("close", str(book.path), "--approved-by", "A", *BOARD, "--db", db_url)
    assert code == 2 and "nothing was stored" in out
    assert "populations row 2, column population: 'abc' is not a whole number" in out
    assert rows(db_url, "SELECT count(*) FROM closed_years") == [(0,)]


def test_close_needs_the_minute_and_the_board_meetings_date(db_url: str,
                                                            tmp_path: Path) -> None:
    """The approval is the board's: without its minute, or the date of the meeting (a real
    date, not after today), closing says so in one sentence, exits 2 and stores nothing."""
    book = BookCopy(tmp_path / "book")
    mkip("db", "upgrade", "--db", db_url)
    later = (datetime.now(UTC).date() + timedelta(days=2))
    for args, sentence in [
        (("--meeting-date", "2026-03-12"),
         "Say the board minute that approved the year end: --minute REF."),
        (("--minute", "  ", "--meeting-date", "2026-03-12"),
         "Say the board minute that approved the year end: --minute REF."),
        (("--minute", "MKIP/26/14"), "Say the date of the board meeting that approved the "
                                     "year end: --meeting-date YYYY-MM-DD."),
        ((), "Say the board minute and the date of the board meeting that approved the year "
             "end: --minute REF --meeting-date YYYY-MM-DD."),
        (("--minute", "MKIP/26/14", "--meeting-date", "2026-02-30"),
         "The board meeting's date must be a real date written YYYY-MM-DD, e.g. "
         "--meeting-date 2026-03-12, not '2026-02-30'."),
        (("--minute", "MKIP/26/14", "--meeting-date", "12/03/2026"),
         "The board meeting's date must be a real date written YYYY-MM-DD, e.g. "
         "--meeting-date 2026-03-12, not '12/03/2026'."),
        (("--minute", "MKIP/26/14", "--meeting-date", later.isoformat()),
         f"The board meeting of {later.day} {later:%B %Y} is after the day of closing"),
    ]:
        code, out = mkip("close", str(book.path), "--approved-by", "Cllr A Chair", *args,
                         "--db", db_url)
        assert code == 2, (args, out)
        assert out.strip().startswith(sentence), (args, out)
        assert len(out.strip().splitlines()) == 1 and "Traceback" not in out
    for table in ("partnerships", "closed_years", "events"):
        assert rows(db_url, f"SELECT count(*) FROM {table}") == [(0,)]


def test_reopen_needs_a_reason_then_closing_again_stores_version_2(db_url: str,
                                                                   tmp_path: Path) -> None:
    book = BookCopy(tmp_path / "book")
    mkip("db", "upgrade", "--db", db_url)
    mkip("close", str(book.path), "--approved-by", "A", "--minute", "M1", "--meeting-date",
         "2026-03-12", "--db", db_url)
    code, out = mkip("reopen", "--year", "2025-26", "--by", "S151", "--db", db_url)
    assert (code, out.strip()) == (2, "A reason is required to reopen a closed year.")
    code, out = mkip("reopen", "--year", "2025-26", "--by", "S151", "--reason",
                     "Late invoice from ICT", "--db", db_url)
    assert code == 0, out
    [y] = history_json(db_url)["partnerships"][0]["years"]
    assert (y["status"], y["version"], y["reopened_by"], y["reason"]) == (
        "reopened", 1, "S151", "Late invoice from ICT")
    code, out = mkip("reopen", "--year", "2025-26", "--by", "S151", "--reason", "again",
                     "--db", db_url)
    assert code == 2 and "is already reopened" in out
    assert mkip("close", str(book.path), "--approved-by", "B", "--minute", "M2",
                "--meeting-date", "2026-04-16", "--db", db_url)[0] == 0
    [y] = history_json(db_url)["partnerships"][0]["years"]
    assert (y["status"], y["version"], y["approved_by"], y["minute"], y["meeting_date"]) == (
        "closed", 2, "B", "M2", "2026-04-16")
    # nothing was overwritten: both versions and every event are still there
    assert rows(db_url, "SELECT version, approved_by FROM closed_years ORDER BY version") \
        == [(1, "A"), (2, "B")]
    assert rows(db_url, "SELECT kind, version FROM events ORDER BY id") == [
        ("closed", 1), ("reopened", 1), ("closed", 2)]


# ------------------------------------------------------------------ years in order, chaining


def test_the_next_year_opens_from_the_closed_one(db_url: str, tmp_path: Path) -> None:
    book = two_year_book(tmp_path / "book")
    mkip("db", "upgrade", "--db", db_url)
    assert mkip("close", str(book.path), "--year", "2024-25", "--approved-by", "A", *BOARD,
                "--db", db_url)[0] == 0
    [y] = history_json(db_url)["partnerships"][0]["years"]
    assert y["result"]["year_end"]["carry_over"] == CARRY_2024
    assert y["result"]["year_end"]["commitments"] == COMMITTED_2024
    # drop 2024-25 from the book: 2025-26's blank openings now come from the database
    book.edit("years", lambda rs: rs.pop(0))
    code, out = mkip("run", str(book.path), "--json", "--db", db_url)
    assert code == 0, out
    ye = json.loads(out)["year_end"]
    assert (ye["opening_balance"], ye["opening_commitments"]) == (CARRY_2024,
                                                                  COMMITTED_2024)
    assert mkip("close", str(book.path), "--approved-by", "A", *BOARD, "--db", db_url)[0] == 0
    years = history_json(db_url)["partnerships"][0]["years"]
    assert [(y["year"], y["status"]) for y in years] == [("2024-25", "closed"),
                                                          ("2025-26", "closed")]


def test_a_given_opening_that_differs_is_warned_by_run_and_refused_by_close(
        db_url: str, tmp_path: Path) -> None:
    book = two_year_book(tmp_path / "book")
    mkip("db", "upgrade", "--db", db_url)
    mkip("close", str(book.path), "--year", "2024-25", "--approved-by", "A", *BOARD, "--db", db_url)
    book.set("years", 1, "opening_balance", "30000.00")
    code, out = mkip("run", str(book.path), "--json", "--db", db_url)
    assert code == 0
    warnings = json.loads(out)["warnings"]
    assert any("£30,000.00 differs from the £33,885.00 carried over from 2024-25" in w
               for w in warnings), warnings
    code, out = mkip("close", str(book.path), "--approved-by", "A", *BOARD, "--db", db_url)
    assert code == 2 and "nothing was stored" in out
    assert "£30,000.00 differs from the £33,885.00 carried over from 2024-25" in out
    assert rows(db_url, "SELECT year FROM closed_years") == [("2024-25",)]


def test_years_close_in_order(db_url: str, tmp_path: Path) -> None:
    book = two_year_book(tmp_path / "book")
    mkip("db", "upgrade", "--db", db_url)
    assert mkip("close", str(book.path), "--approved-by", "A", *BOARD, "--db", db_url)[0] == 0
    code, out = mkip("close", str(book.path), "--year", "2024-25", "--approved-by", "A", *BOARD,
                     "--db", db_url)
    assert code == 2 and "a later year (2025-26) is already closed" in out


def test_only_the_latest_closed_year_reopens_and_a_reopened_year_blocks_later_ones(
        db_url: str, tmp_path: Path) -> None:
    book = two_year_book(tmp_path / "book")
    mkip("db", "upgrade", "--db", db_url)
    for year in ("2024-25", "2025-26"):
        assert mkip("close", str(book.path), "--year", year, "--approved-by", "A", *BOARD,
                    "--db", db_url)[0] == 0
    code, out = mkip("reopen", "--year", "2024-25", "--by", "S", "--reason", "r",
                     "--db", db_url)
    assert code == 2 and "only the latest closed year can be reopened" in out
    assert mkip("reopen", "--year", "2025-26", "--by", "S", "--reason", "r",
                "--db", db_url)[0] == 0
    assert mkip("reopen", "--year", "2024-25", "--by", "S", "--reason", "r",
                "--db", db_url)[0] == 0
    code, out = mkip("close", str(book.path), "--approved-by", "A", *BOARD, "--db", db_url)
    assert code == 2 and "2024-25 was reopened and is not closed again" in out


# ------------------------------------------------------------------ locks and migrations


def _locked_history(db_url: str, tmp_path: Path) -> dict[str, list[tuple[object, ...]]]:
    """A history with a row in every locked table (a closed year, saved scenarios), and
    the content of each table, in a fixed order."""
    mkip("db", "upgrade", "--db", db_url)
    book = BookCopy(tmp_path / "book")
    assert mkip("close", str(book.path), "--approved-by", "A", *BOARD, "--db", db_url)[0] == 0
    assert mkip("compare", str(book.path), "--scenarios", str(SCENARIOS), "--save", "Options",
                "--by", "A", "--json", "--db", db_url)[0] == 0
    content = {t: rows(db_url, f"SELECT * FROM {t} ORDER BY 1, 2") for t in LOCKED}
    assert all(content.values()), content
    return content


def _forbidden(db_url: str, table: Table) -> list[tuple[str, str]]:
    """Every change the locks must refuse on ``table``, with how the refusal is worded: an
    UPDATE of each of its columns (even one that writes the same value), a DELETE of one
    row and of every row, and on PostgreSQL each form of TRUNCATE (a table another
    references is truncated without CASCADE only if those are too: the foreign key
    refuses that first; with CASCADE, the triggers)."""
    names = [c.name for c in table.columns]
    one = f"{names[0]} = (SELECT min({names[0]}) FROM {table.name})"  # one row (or a few)
    sql = [f"UPDATE {table.name} SET {c} = {c}" for c in names]
    sql += [f"UPDATE {table.name} SET {names[-1]} = {names[-1]} WHERE {one}",
            f"DELETE FROM {table.name} WHERE {one}", f"DELETE FROM {table.name}"]
    locked = "append-only"
    out = [(x, locked) for x in sql]
    if not history_db.is_sqlite(db_url):
        either = f"{locked}|cannot truncate a table referenced in a foreign key constraint"
        out += [(f"TRUNCATE {table.name}", either),
                (f"TRUNCATE TABLE ONLY {table.name}", either),
                (f"TRUNCATE {table.name} CASCADE", locked),
                (f"TRUNCATE {table.name} RESTART IDENTITY CASCADE", locked)]
    return out


def _refused_and_unchanged(url: str, statements: list[tuple[str, str]],
                           before: dict[str, list[tuple[object, ...]]]) -> None:
    """Each ``(sql, refusal)`` run in a transaction of its own is refused with an error
    matching ``refusal``, and the locked tables hold exactly ``before``."""
    engine = history_db.connect(url)
    try:
        for sql, refusal in statements:
            with pytest.raises(DBAPIError, match=refusal), engine.begin() as conn:
                conn.execute(text(sql))
    finally:
        engine.dispose()
    assert {t: rows(url, f"SELECT * FROM {t} ORDER BY 1, 2") for t in LOCKED} == before


@pytest.mark.parametrize("table", LOCKED)
def test_every_forbidden_change_to_a_locked_table_is_refused(
        db_url: str, tmp_path: Path, table: str) -> None:
    """Each UPDATE, DELETE and (PostgreSQL) TRUNCATE of every locked table is refused by
    the database's triggers, and the stored rows are exactly as they were."""
    before = _locked_history(db_url, tmp_path)
    statements = _forbidden(db_url, tables.metadata.tables[table])
    assert len(statements) >= 4
    _refused_and_unchanged(db_url, statements, before)


def _upsert(table: Table) -> str:
    """An insert of one of ``table``'s own rows again, colliding with it on its key:
    ``INSERT ... ON CONFLICT (key) DO UPDATE`` (SQLite and PostgreSQL alike)."""
    names = [c.name for c in table.columns]
    key = ", ".join(c.name for c in table.primary_key.columns)
    first = names[0]
    row = f"SELECT * FROM {table.name} WHERE {first} = (SELECT min({first}) FROM {table.name})"
    return (f"INSERT INTO {table.name} {row} ON CONFLICT ({key}) DO UPDATE SET "
            f"{names[-1]} = excluded.{names[-1]}")


@pytest.mark.parametrize("table", LOCKED)
def test_an_insert_that_updates_a_stored_row_is_refused(
        db_url: str, tmp_path: Path, table: str) -> None:
    """``INSERT ... ON CONFLICT DO UPDATE`` on a stored row fires the UPDATE locks."""
    before = _locked_history(db_url, tmp_path)
    _refused_and_unchanged(db_url, [(_upsert(tables.metadata.tables[table]), "append-only")],
                           before)


@pytest.mark.parametrize("table", LOCKED)
def test_sqlite_insert_or_replace_of_a_stored_row_is_refused(tmp_path: Path,
                                                             table: str) -> None:
    """SQLite fires no DELETE trigger for the row ``INSERT OR REPLACE`` removes: a
    ``BEFORE INSERT`` trigger (schema 0004) refuses an insert whose key is stored, on
    every table, whether it writes the same values or others."""
    url = f"sqlite:///{tmp_path / 'history.db'}"
    before = _locked_history(url, tmp_path)
    t = tables.metadata.tables[table]
    first = t.c[0].name
    statements = [f"INSERT OR REPLACE INTO {table} SELECT * FROM {table} WHERE {first} = "
                  f"(SELECT min({first}) FROM {table})", f"REPLACE INTO {table} SELECT * FROM "
                  f"{table} WHERE {first} = (SELECT min({first}) FROM {table})"]
    if table == "events":
        statements.append("INSERT OR REPLACE INTO events SELECT id, partnership_id, year, "
                          "kind, version, 'someone else', minute, reason, at, prev_sha256, "
                          "member, role FROM events WHERE id = 1")
    _refused_and_unchanged(url, [(sql, "append-only") for sql in statements], before)


def test_the_insert_guards_cover_every_key_of_every_table() -> None:
    """``locks.KEYS`` names each table's primary key and every unique constraint or
    index, as the schema has them (an insert over any of them would replace a row)."""
    from sqlalchemy import UniqueConstraint

    from finance.history import locks

    assert set(locks.KEYS) == set(LOCKED)
    for name in LOCKED:
        t = tables.metadata.tables[name]
        keys = {tuple(c.name for c in t.primary_key.columns)}
        keys |= {tuple(c.name for c in u.columns) for u in t.constraints
                 if isinstance(u, UniqueConstraint)}
        keys |= {tuple(c.name for c in i.columns) for i in t.indexes if i.unique}
        keys |= {(c.name,) for c in t.columns if c.unique}
        assert keys == set(locks.KEYS[name]), name


def test_truncating_every_locked_table_at_once_is_refused(db_url: str, tmp_path: Path) -> None:
    """PostgreSQL: one TRUNCATE of all the history's tables together is refused too (on
    SQLite, which has no TRUNCATE, DELETE of every table in one transaction); on
    PostgreSQL with ``members``, which is not locked but references ``partnerships``."""
    before = _locked_history(db_url, tmp_path)
    every = (*LOCKED, "members")
    if history_db.is_sqlite(db_url):
        statements = [f"DELETE FROM {t}" for t in reversed(LOCKED)]
    else:
        statements = [f"TRUNCATE {', '.join(every)}",
                      f"TRUNCATE {', '.join(every)} RESTART IDENTITY CASCADE"]
    _refused_and_unchanged(db_url, [(sql, "append-only") for sql in statements], before)


def test_migrations_upgrade_from_empty_then_down_and_up_again(db_url: str) -> None:
    engine = history_db.connect(db_url)
    try:
        assert migrate.current(engine) is None
        migrate.upgrade(history_db.Database(db_url, engine))
        assert migrate.current(engine) == migrate.head() == "0005"
        migrate.downgrade(history_db.Database(db_url, engine), "base")
        assert migrate.current(engine) is None
        with engine.connect() as conn:
            names = set(engine.dialect.get_table_names(conn))
        assert not names & set(LOCKED)
        migrate.upgrade(history_db.Database(db_url, engine))
        assert migrate.current(engine) == "0005"
    finally:
        engine.dispose()


def _close_the_old_way(url: str, book: Path) -> None:
    """A year closed by the software before it asked for the board meeting's date: the
    rows it wrote, at schema 0002 (no ``meeting_date`` column)."""
    result = json.loads(mkip("run", str(book), "--json")[1])
    engine = history_db.connect(url)
    at = datetime(2026, 5, 20, 14, 2, 11, tzinfo=UTC)
    try:
        with engine.begin() as conn:
            conn.execute(text("INSERT INTO partnerships (name, created_at) VALUES (:n, :at)"),
                         {"n": result["partnership"], "at": at})
            conn.execute(text(
                "INSERT INTO closed_years (partnership_id, year, version, input_sha256, "
                "input_kind, input_book, result_json, software_version, approved_by, minute, "
                "closed_at, carry_over_pence, closing_commitments_pence) VALUES (1, :y, 1, "
                ":sha, 'csv-zip', :b, :js, '0.9', 'Cllr J Smith', 'MKIP/2026/14', :at, "
                ":carry, :comm)"),
                {"y": result["year"], "sha": result["input_sha256"], "b": b"PK",
                 "js": json.dumps(result), "at": at, "carry": 2_070_975, "comm": 1_200_000})
            conn.execute(text("INSERT INTO events (partnership_id, year, kind, version, "
                              "actor, minute, reason, at) VALUES (1, :y, 'closed', 1, "
                              "'Cllr J Smith', 'MKIP/2026/14', '', :at)"),
                         {"y": result["year"], "at": at})
    finally:
        engine.dispose()


def test_a_database_made_at_the_previous_schema_upgrades_and_old_years_say_not_recorded(
        db_url: str, tmp_path: Path) -> None:
    """A history made at schema 0002, a year closed in it, is upgraded in place: the new
    column is added (nothing stored changes, the locks stay), the old year's meeting date
    shows as "not recorded" everywhere it is shown, and the next close records one."""
    from finance.appdata import history as ah

    book = BookCopy(tmp_path / "book")
    engine = history_db.connect(db_url)
    try:
        # the previous head, as it made databases
        migrate.upgrade(history_db.Database(db_url, engine), "0002")
        assert migrate.current(engine) == "0002"
    finally:
        engine.dispose()
    _close_the_old_way(db_url, book.path)
    if history_db.is_sqlite(db_url):  # SQLite upgrades itself on first use
        code, out = mkip("history", "--db", db_url)
    else:
        assert mkip("history", "--db", db_url)[0] == 1  # a server needs `mkip db upgrade`
        assert mkip("db", "upgrade", "--db", db_url)[0] == 0
        code, out = mkip("history", "--db", db_url)
    assert code == 0, out
    engine = history_db.connect(db_url)
    try:
        assert migrate.current(engine) == migrate.head() == "0005"
    finally:
        engine.dispose()
    assert "│ 2025-26 │ closed │ 1       │ Cllr J Smith │ MKIP/2026/14 │ not recorded  │" in out
    [y] = history_json(db_url)["partnerships"][0]["years"]
    assert (y["approved_by"], y["minute"], y["meeting_date"], y["closed_at"]) == (
        "Cllr J Smith", "MKIP/2026/14", None, "2026-05-20T14:02:11Z")
    assert rows(db_url, "SELECT meeting_date FROM closed_years") == [(None,)]
    # the closed year is still locked, new column and all
    with pytest.raises(DBAPIError, match="append-only"):
        rows(db_url, "UPDATE closed_years SET meeting_date = '2026-03-12'")
    # the app, the statements and the report say "not recorded" too
    db = history_db.reach(db_url)
    try:
        [stored] = store.history(db).values()
    finally:
        db.dispose()
    assert ah.years_table(stored).rows[0]["Board meeting"] == "not recorded"
    assert ah.closed_line(stored[0]) == (
        "2025-26 is closed (FINAL): version 1, approved by Cllr J Smith at a board meeting "
        "whose date is not recorded (minute MKIP/2026/14), closed 2026-05-20 14:02 UTC. Its "
        "figures cannot be changed; it can only be reopened, with a reason, by an approver.")
    out_dir = tmp_path / "out"
    assert mkip("statements", str(book.path), "--out", str(out_dir), "--db", db_url)[0] == 0
    from tests.test_statement_pdf import STEM, _text

    final = " ".join(_text(out_dir / f"{STEM}-MBC.pdf").split())
    assert ("FINAL" in final and "Approved by Cllr J Smith at a board meeting whose date is "
            "not recorded (minute MKIP/2026/14), closed 2026-05-20 14:02 UTC.") in final
    assert mkip("run", str(book.path), "--out", str(out_dir), "--db", db_url)[0] == 0
    [report] = out_dir.glob("*.xlsx")
    cover = " ".join(str(c) for r in _report_cells(report, "Cover") for c in r if c)
    assert "Status: FINAL" in cover
    assert ("Approved at a board meeting whose date is not recorded (minute MKIP/2026/14), "
            "closed 2026-05-20 14:02 UTC") in cover


def test_a_database_from_a_newer_version_is_refused(db_url: str) -> None:
    mkip("db", "upgrade", "--db", db_url)
    engine = history_db.connect(db_url)
    with engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    engine.dispose()
    code, out = mkip("history", "--db", db_url)
    assert code == 1
    assert "was written by a newer version of this software (schema 9999)" in out


def test_a_server_database_must_be_upgraded_first_and_sqlite_upgrades_itself(
        db_url: str, tmp_path: Path) -> None:
    code, out = mkip("close", str(BookCopy(tmp_path / "book").path), "--approved-by", "A", *BOARD,
                     "--db", db_url)
    if history_db.is_sqlite(db_url):
        assert code == 0, out
    else:
        assert code == 1 and "run `mkip db upgrade --db URL` first" in out


# ------------------------------------------------------------------ security and faults


def test_a_password_never_appears_in_a_message(db_url: str, tmp_path: Path) -> None:
    if history_db.is_sqlite(db_url):
        url = "postgresql://mkip:S3cret-pw@127.0.0.1:1/nowhere"  # nothing listens on port 1
    else:
        url = make_url(db_url).set(password="S3cret-pw").render_as_string(hide_password=False)
    for args in (("history",), ("db", "upgrade"),
                 ("close", str(BookCopy(tmp_path / "book").path), "--approved-by", "A", *BOARD),
                 ("reopen", "--year", "2025-26", "--by", "x", "--reason", "y"),
                 ("run", str(tmp_path / "book"), "--json")):
        code, out = mkip(*args, "--db", url)
        assert code == 1, (args, out)
        assert "S3cret-pw" not in out and "***" in out, out
        assert "Traceback" not in out and len(out.strip().splitlines()) == 1, out


def test_an_unreachable_database_is_one_sentence_and_exit_1(db_url: str) -> None:
    url = "postgresql://mkip@127.0.0.1:1/nowhere"
    code, out = mkip("history", "--db", url)
    assert code == 1 and out.startswith("The history database postgresql://mkip@127.0.0.1:1/")
    assert "cannot be reached" in out and len(out.strip().splitlines()) == 1


def test_a_locked_sqlite_database_is_one_sentence_and_exit_1(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    url = f"sqlite:///{tmp_path / 'h.db'}"
    assert mkip("db", "upgrade", "--db", url)[0] == 0
    monkeypatch.setattr(history_db, "SQLITE_BUSY_SECONDS", 0.2)
    import sqlite3

    holder = sqlite3.connect(tmp_path / "h.db", isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        code, out = mkip("close", str(BookCopy(tmp_path / "book").path), "--approved-by",
                         "A", *BOARD, "--db", url)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert code == 1, out
    assert out.strip() == (f"The history database {url} is locked by another program; "
                           "try again.")


def _close_process(book: Path, url: str, extra: str = "") -> subprocess.Popen[str]:
    code = ("import sys\n" + extra + "from finance.cli import main\n"
            f"sys.argv = ['mkip', 'close', {str(book)!r}, '--approved-by', 'A', "
            f"'--minute', 'M1', '--meeting-date', '2026-03-12', '--db', {url!r}]\nmain()\n")
    return subprocess.Popen([sys.executable, "-c", code], cwd=ROOT, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)


@pytest.mark.slow
def test_a_partnership_added_by_another_writer_at_the_same_moment_is_used_not_refused(
        db_url: str, tmp_path: Path) -> None:
    """The first close of a partnership adds its row; another writer adding the same row
    in a transaction not yet committed makes the close wait, then use that row (it once
    failed with the unique key's own words, exit 1)."""
    book = BookCopy(tmp_path / "book")
    mkip("db", "upgrade", "--db", db_url)
    engine = history_db.connect(db_url)
    try:
        with engine.begin() as holder:
            holder.execute(text("INSERT INTO partnerships (name, created_at) VALUES "
                                "('Mid Kent Improvement Partnership', CURRENT_TIMESTAMP)"))
            proc = _close_process(book.path, db_url)
            time.sleep(1.5)  # the close is now waiting on the uncommitted row
            assert proc.poll() is None, proc.communicate()
        out, _ = proc.communicate(timeout=120)
    finally:
        engine.dispose()
    assert proc.returncode == 0, out
    assert out.startswith("closed 2025-26 of Mid Kent Improvement Partnership: version 1")
    assert rows(db_url, "SELECT count(*) FROM partnerships") == [(1,)]


@pytest.mark.slow
def test_two_closes_of_the_same_year_at_once_exactly_one_wins(db_url: str,
                                                              tmp_path: Path) -> None:
    book = BookCopy(tmp_path / "book")
    mkip("db", "upgrade", "--db", db_url)
    procs = [_close_process(book.path, db_url) for _ in range(2)]
    outs = [p.communicate(timeout=120) for p in procs]
    codes = sorted(p.returncode for p in procs)
    assert codes == [0, 2], outs
    loser = next(o for p, (o, _e) in zip(procs, outs, strict=True) if p.returncode == 2)
    assert "is already closed (version 1" in loser
    assert rows(db_url, "SELECT count(*) FROM closed_years") == [(1,)]
    assert rows(db_url, "SELECT count(*) FROM events") == [(1,)]


#: A close that stops inside its transaction, just before it writes its event, until
#: it is killed.
PAUSE = """import time
import finance.history.store as s
_insert = s.insert
def _slow(table):
    if getattr(table, "name", "") == "events":
        print("paused", flush=True)
        time.sleep(120)
    return _insert(table)
s.insert = _slow
"""


@pytest.mark.slow
def test_a_close_killed_mid_way_leaves_the_database_as_it_was(db_url: str,
                                                              tmp_path: Path) -> None:
    book = BookCopy(tmp_path / "book")
    mkip("db", "upgrade", "--db", db_url)
    before = {t: rows(db_url, f"SELECT count(*) FROM {t}") for t in LOCKED}
    proc = _close_process(book.path, db_url, PAUSE)
    assert proc.stdout is not None
    deadline = time.monotonic() + 120
    line = ""
    while time.monotonic() < deadline and "paused" not in line:
        line = proc.stdout.readline()
        if not line and proc.poll() is not None:
            break
    assert "paused" in line, line
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    proc.stdout.close()
    time.sleep(0.5)  # let the server see the connection go
    assert {t: rows(db_url, f"SELECT count(*) FROM {t}") for t in LOCKED} == before
    # and the database is usable: the year closes normally afterwards
    assert mkip("close", str(book.path), "--approved-by", "A", *BOARD, "--db", db_url)[0] == 0


def test_run_reads_no_database_unless_one_is_given_or_the_default_file_exists(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv(history_db.ENV, raising=False)
    code, _out = mkip("run", "--json")
    assert code == 0 and not (tmp_path / "mkip.db").exists()
    assert store.open_db(history_db.DEFAULT_URL, create=False) is None


def test_scenarios_are_saved_by_name_and_listed_again(db_url: str, tmp_path: Path) -> None:
    from finance.history import store

    mkip("db", "upgrade", "--db", db_url)
    book = BookCopy(tmp_path / "book")
    for who in ("A", "B"):  # saving a name again adds a newer row; the latest counts
        code, out = mkip("compare", str(book.path), "--scenarios", str(SCENARIOS), "--save",
                         "Board options", "--by", who, "--json", "--db", db_url)
        assert code == 0, out
    db = history_db.reach(db_url)
    try:
        saved = store.list_scenarios(db, "Mid Kent Improvement Partnership")
    finally:
        db.dispose()
    assert [(s.year, s.name, s.saved_by) for s in saved] == [("2025-26", "Board options", "B")]
    assert saved[0].toml == SCENARIOS.read_text(encoding="utf-8")
    assert rows(db_url, "SELECT count(*) FROM saved_scenarios") == [(2,)]
    assert rows(db_url, "SELECT count(*) FROM closed_years") == [(0,)]  # nothing closed


def _report_cells(path: Path, sheet: str) -> list[tuple[object, ...]]:
    import openpyxl

    wb = openpyxl.load_workbook(path, data_only=True, read_only=True)
    return [tuple(r) for r in wb[sheet].iter_rows(values_only=True)]


def test_the_report_compares_with_last_year_and_says_final_once_closed(
        tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'h.db'}"
    book = two_year_book(tmp_path / "book")
    assert mkip("close", str(book.path), "--year", "2024-25", "--approved-by", "Cllr A",
                "--minute", "MKIP/25/07", "--meeting-date", "2025-06-12", "--db", db)[0] == 0
    out = tmp_path / "out"
    assert mkip("run", str(book.path), "--out", str(out), "--db", db)[0] == 0
    [report] = out.glob("*.xlsx")
    rows = _report_cells(report, "Contributions")
    heading = next(r for r in rows if r[0] and "compared with 2024-25 as closed" in str(r[0]))
    assert heading
    mbc = [r for r in rows if r[0] == "MBC"]
    assert mbc[-1][2:5] == (42840.0, 42840.0, 0.0)  # 2024-25 as closed, 2025-26, change
    fund = _report_cells(report, "Year end")
    opening = [r for r in fund if r[0] == "Opening balance"]
    assert opening[-1][2:5] == (0.0, 33885.0, 33885.0)  # opened from the closed carry-over
    cover = " ".join(str(c) for r in _report_cells(report, "Cover") for c in r if c)
    assert "DRAFT" in cover
    assert mkip("close", str(book.path), "--approved-by", "Cllr B", "--minute", "MKIP/26/03",
                "--meeting-date", "2026-03-12", "--db", db)[0] == 0
    assert mkip("run", str(book.path), "--out", str(out), "--db", db)[0] == 0
    cover = " ".join(str(c) for r in _report_cells(report, "Cover") for c in r if c)
    assert "FINAL" in cover and "Cllr B" in cover and "MKIP/26/03" in cover
    assert "Approved at the board meeting of 12 March 2026 (minute MKIP/26/03), closed 20" \
        in cover


def test_a_closed_years_report_is_final_only_for_the_figures_approved(
        tmp_path: Path) -> None:
    """FINAL means the figures the board approved: an override in the app (other
    figures, so another digest) gives a DRAFT that lists the change and shows the digest
    of the book as read; the same figures with changes listed stay FINAL (a year closed
    from tables edited in the app)."""
    from finance.appdata.decisions import apply_decisions, book_decisions
    from finance.book import require_book
    from finance.core.run import run_year
    from finance.pipeline import render

    db = f"sqlite:///{tmp_path / 'h.db'}"
    book = BookCopy(tmp_path / "book")
    assert mkip("close", str(book.path), "--approved-by", "Cllr B", "--minute",
                "MKIP/26/03", "--meeting-date", "2026-03-12", "--db", db)[0] == 0
    as_read = require_book(book.path)
    result = run_year(as_read)
    prior = store.prior(history_db.reach(db), result.book.settings.name, result.year)

    def cover(r: object, changes: list[str]) -> str:
        _, data = render(r, prior=prior, changes=changes,  # type: ignore[arg-type]
                         source_sha256=as_read.source_sha256)
        path = tmp_path / "r.xlsx"
        path.write_bytes(data)
        return " ".join(str(c) for r in _report_cells(path, "Cover") for c in r if c)

    assert "Status: FINAL" in cover(result, []) and "MKIP/26/03" in cover(result, [])
    d = book_decisions(as_read, "2025-26")
    overridden = run_year(apply_decisions(as_read, "2025-26",
                                          replace(d, rate_pence=Decimal(31))), "2025-26")
    assert overridden.book.source_sha256 != as_read.source_sha256
    changed = cover(overridden, ["rate per head 31p (book: 30p)"])
    assert "Status: DRAFT" in changed and "MKIP/26/03" not in changed
    assert "rate per head 31p (book: 30p)" in changed
    assert f"{as_read.source_sha256} (as read, before the changes below)" in changed
    assert "Status: FINAL" in cover(result, ["Edited in the app: …"])


def test_the_store_itself_refuses_a_year_that_breaks_the_chain(db_url: str,
                                                               tmp_path: Path) -> None:
    """The app closes through the store, not the command line's check: the store refuses
    an opening that differs from the previous year as closed."""
    from finance.book import require_book
    from finance.core.run import run_year
    from finance.output import json_bytes

    book = two_year_book(tmp_path / "book")
    mkip("db", "upgrade", "--db", db_url)
    mkip("close", str(book.path), "--year", "2024-25", "--approved-by", "A", *BOARD, "--db", db_url)
    book.set("years", 1, "opening_balance", "0.00")  # 2024-25 carried £33,885.00
    result = run_year(require_book(book.path), "2025-26")  # the book's own (given) opening
    from finance.core.jsonout import result_json

    db = store.open_db(db_url, create=False)
    assert db is not None
    try:
        with pytest.raises(history_db.HistoryError, match=r"its opening balance, £0\.00, "
                           r"differs from the £33,885\.00 2024-25 closed with \(version 1\)"):
            store.close_year(db, result, json_bytes(result_json(result)),
                             store.book_bytes(book.path), "A", "M1", date(2026, 3, 12))
    finally:
        db.dispose()
    assert rows(db_url, "SELECT year FROM closed_years") == [("2024-25",)]


def test_a_password_in_the_query_and_an_unreadable_url_are_one_sentence() -> None:
    code, out = mkip("history", "--db", "postgresql://u@127.0.0.1:1/d?password=S3cret-pw")
    assert code == 1 and "S3cret-pw" not in out and "password=***" in out
    for bad in ("not a url", "postgresql://u:S3cret-pw@host:notaport/db"):
        code, out = mkip("history", "--db", bad)
        assert code == 1 and "S3cret-pw" not in out and "Traceback" not in out
        assert out.strip().endswith("is not a database URL (for example sqlite:///mkip.db "
                                    "or postgresql://user@host/mkip).")


def test_a_folder_of_books_with_db_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "books"
    BookCopy(folder / "mkip")
    code, out = mkip("run", str(folder), "--db", f"sqlite:///{tmp_path / 'h.db'}")
    assert code == 2 and "--db applies to one book" in out


# ------------------------------------------------------------------ the chain, verify, backups


@pytest.fixture
def empty_db(db_url: str, tmp_path: Path) -> Iterator[str]:
    """A second, empty database of the same kind as ``db_url`` (to restore into)."""
    if history_db.is_sqlite(db_url):
        yield f"sqlite:///{tmp_path / 'restored.db'}"
        return
    with scratch_postgres(_pg_admin(), "mkip_r_") as url:
        yield url


def _closed_reopened_closed(db_url: str, tmp_path: Path) -> BookCopy:
    """2024-25 closed; 2025-26 closed, reopened and closed again: four events."""
    book = two_year_book(tmp_path / "book")
    mkip("db", "upgrade", "--db", db_url)
    for args in (("close", str(book.path), "--year", "2024-25", "--approved-by", "Cllr A",
                  *BOARD),
                 ("close", str(book.path), "--approved-by", "Cllr A", *BOARD),
                 ("reopen", "--year", "2025-26", "--by", "S151", "--reason", "Late invoice"),
                 ("close", str(book.path), "--approved-by", "Cllr B", *BOARD)):
        code, out = mkip(*args, "--db", db_url)
        assert code == 0, (args, out)
    return book


def _unlocked(db_url: str, *tables_: str) -> list[str]:
    """The statements that lift the locks of ``tables_`` (as someone with the database's
    own rights could)."""
    from finance.history import locks

    dialect = "sqlite" if history_db.is_sqlite(db_url) else "postgresql"
    return [sql for t in tables_ for sql in locks.unlock(dialect, t) + locks.unguard(dialect, t)]


def _tamper(db_url: str, *sql: str, unlock: tuple[str, ...]) -> None:
    engine = history_db.connect(db_url)
    try:
        with engine.begin() as conn:
            for x in (*_unlocked(db_url, *unlock), *sql):
                conn.execute(text(x))
    finally:
        engine.dispose()


def test_every_event_records_who_and_the_sha256_of_the_one_before(db_url: str,
                                                                    tmp_path: Path) -> None:
    """The events form a hash chain of their canonical forms, and each closed version
    keeps the SHA-256 of its book and its result."""
    import hashlib

    from finance.history import digest

    _closed_reopened_closed(db_url, tmp_path)
    evs = rows(db_url, "SELECT id, kind, year, version, actor, prev_sha256 FROM events "
                       "ORDER BY id")
    assert [e[1:5] for e in evs] == [("closed", "2024-25", 1, "Cllr A"),
                                    ("closed", "2025-26", 1, "Cllr A"),
                                    ("reopened", "2025-26", 1, "S151"),
                                    ("closed", "2025-26", 2, "Cllr B")]
    engine = history_db.connect(db_url)
    try:
        with engine.connect() as conn:
            stored = conn.execute(tables.events.select().order_by(tables.events.c.id)
                                  ).mappings().all()
            hashes = [store.event_sha256(conn, e) for e in stored]
    finally:
        engine.dispose()
    assert [e[5] for e in evs] == [digest.GENESIS, *hashes[:-1]]
    assert len(set(hashes)) == 4
    for book, book_sha, js, js_sha in rows(db_url, "SELECT input_book, book_sha256, "
                                                   "result_json, result_sha256 FROM "
                                                   "closed_years"):
        assert hashlib.sha256(bytes(book)).hexdigest() == book_sha  # type: ignore[arg-type]
        assert hashlib.sha256(str(js).encode()).hexdigest() == js_sha
    code, out = mkip("db", "verify", "--db", db_url)
    assert code == 0, out
    assert out.startswith("verified 4 events and 3 closed years; the latest event's "
                          f"SHA-256 is {hashes[-1]}")
    assert "note:" not in out


def test_verify_names_a_result_changed_behind_the_locks(db_url: str, tmp_path: Path) -> None:
    _closed_reopened_closed(db_url, tmp_path)
    _tamper(db_url, "UPDATE closed_years SET result_json = replace(result_json, '33885.00', "
                    "'43885.00') WHERE year = '2024-25'", unlock=("closed_years",))
    code, out = mkip("db", "verify", "--db", db_url)
    assert code == 1, out
    assert out.startswith("NOT verified: closed_years: 2024-25 of Mid Kent Improvement "
                          "Partnership, version 1 (row 1): its result JSON does not match its "
                          "SHA-256: result_sha256 records "), out
    assert len(out.strip().splitlines()) == 1
    # changing the digest as well breaks the chain: the close event after it holds it
    _tamper(db_url, "UPDATE closed_years SET result_sha256 = '" + "ab" * 32 + "' WHERE "
                    "year = '2024-25'", unlock=())
    code, out = mkip("db", "verify", "--db", db_url)
    assert code == 1 and "result JSON does not match" in out


def test_verify_names_an_event_removed(db_url: str, tmp_path: Path) -> None:
    _closed_reopened_closed(db_url, tmp_path)
    _tamper(db_url, "DELETE FROM events WHERE kind = 'reopened'", unlock=("events",))
    code, out = mkip("db", "verify", "--db", db_url)
    assert code == 1, out
    assert out.startswith("NOT verified: events: event 4 (closed 2025-26 of Mid Kent "
                          "Improvement Partnership, version 2, by Cllr B) does not follow the "
                          "event before it: it records "), out
    assert "but event 2 before it hashes to " in out
    assert "(an event was changed, removed or reordered)" in out


def test_verify_names_events_reordered(db_url: str, tmp_path: Path) -> None:
    """The data of two events swapped (each keeping the other's id)."""
    _closed_reopened_closed(db_url, tmp_path)
    cols = "partnership_id, year, kind, version, actor, minute, reason, at, prev_sha256"
    engine = history_db.connect(db_url)
    try:
        with engine.begin() as conn:
            for x in _unlocked(db_url, "events"):
                conn.execute(text(x))
            one, two = (conn.execute(text(f"SELECT {cols} FROM events WHERE id = :i"),
                                     {"i": i}).mappings().one() for i in (2, 3))
            conn.execute(text("DELETE FROM events WHERE id IN (2, 3)"))
            names = ", ".join(f":{c.strip()}" for c in cols.split(","))
            for i, data in ((2, two), (3, one)):
                conn.execute(text(f"INSERT INTO events (id, {cols}) VALUES (:id, {names})"),
                             {"id": i, **data})
    finally:
        engine.dispose()
    assert [r[0] for r in rows(db_url, "SELECT kind FROM events ORDER BY id")] == [
        "closed", "reopened", "closed", "closed"]
    code, out = mkip("db", "verify", "--db", db_url)
    assert code == 1, out
    assert out.startswith("NOT verified: events: event 2 (reopened 2025-26 of Mid Kent "
                          "Improvement Partnership, version 1, by S151) does not follow"), out


def test_verify_names_a_close_event_removed_from_the_end(db_url: str, tmp_path: Path) -> None:
    _closed_reopened_closed(db_url, tmp_path)
    _tamper(db_url, "DELETE FROM events WHERE id = 4", unlock=("events",))
    code, out = mkip("db", "verify", "--db", db_url)
    assert code == 1
    assert out.strip() == ("NOT verified: closed_years: 2025-26 of Mid Kent Improvement "
                           "Partnership, version 2 (row 3) has no 'closed' event: that event "
                           "was removed.")


def test_verify_says_a_result_this_version_computes_differently_is_not_tampering(
        db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from finance.core import jsonout

    _closed_reopened_closed(db_url, tmp_path)
    real = jsonout.result_json

    def changed(result: object) -> dict:
        doc = real(result)  # type: ignore[arg-type]
        doc["year_end"]["carry_over"] = "1.00"
        return doc

    monkeypatch.setattr(jsonout, "result_json", changed)
    code, out = mkip("db", "verify", "--db", db_url)
    assert code == 0, out
    first, note = out.strip().splitlines()
    assert first.startswith("verified 4 events and 3 closed years")
    assert note.startswith("note: this version of the software computes 3 stored result(s) "
                           "differently, a difference of versions, not a change to the "
                           "record: 2024-25 of Mid Kent Improvement Partnership, version 1 "
                           "(closed with ")
    assert 'year_end.carry_over: "33885.00" as stored, "1.00" now' in note


def test_the_chain_is_filled_in_for_a_history_made_before_it(db_url: str,
                                                             tmp_path: Path) -> None:
    """A history at schema 0003 with a year closed and reopened in it is upgraded: the
    digests and the chain are filled in, it verifies, and the locks stay."""
    book = BookCopy(tmp_path / "book")
    engine = history_db.connect(db_url)
    try:
        migrate.upgrade(history_db.Database(db_url, engine), "0003")
    finally:
        engine.dispose()
    _close_the_old_way(db_url, book.path)
    engine = history_db.connect(db_url)
    try:
        with engine.begin() as conn:
            conn.execute(text("INSERT INTO events (partnership_id, year, kind, version, "
                              "actor, minute, reason, at) VALUES (1, '2025-26', 'reopened', "
                              "1, 'S151', '', 'Late invoice', :at)"),
                         {"at": datetime(2026, 6, 1, 9, 0, tzinfo=UTC)})
        migrate.upgrade(history_db.Database(db_url, engine))
    finally:
        engine.dispose()
    prevs = rows(db_url, "SELECT prev_sha256 FROM events ORDER BY id")
    assert prevs[0] == ("0" * 64,) and len(prevs[1][0]) == 64  # type: ignore[arg-type]
    assert all(r[0] and r[1] for r in rows(db_url, "SELECT book_sha256, result_sha256 "
                                                   "FROM closed_years"))
    code, out = mkip("db", "verify", "--db", db_url)
    assert code == 0 and out.startswith("verified 2 events and 1 closed years"), out
    # the old year's stored book here is a stand-in, which this version cannot read: a
    # difference of versions, not of the record
    assert "note: this version of the software computes 1 stored result(s) differently" \
        in out and "its stored book cannot be read by" in out
    for sql in ("UPDATE events SET actor = 'x'", "UPDATE closed_years SET result_sha256 = ''",
                "DELETE FROM events"):
        with pytest.raises(DBAPIError, match="append-only"):
            rows(db_url, sql)
    if history_db.is_sqlite(db_url):
        with pytest.raises(DBAPIError, match="append-only"):
            rows(db_url, "INSERT OR REPLACE INTO events SELECT * FROM events WHERE id = 1")
    # and a year closed now follows the filled-in chain
    assert mkip("reopen", "--year", "2025-26", "--by", "S", "--reason", "r", "--db",
                db_url)[0] == 2  # already reopened
    assert mkip("close", str(book.path), "--approved-by", "B", *BOARD, "--db", db_url)[0] == 0
    assert mkip("db", "verify", "--db", db_url)[0] == 0


def test_backup_then_restore_then_verify(db_url: str, empty_db: str, tmp_path: Path) -> None:
    _closed_reopened_closed(db_url, tmp_path)
    saved = tmp_path / "history.backup"
    code, out = mkip("db", "backup", str(saved), "--db", db_url)
    assert code == 0 and saved.stat().st_size > 0, out
    code, out = mkip("db", "restore", str(saved), "--db", empty_db)
    assert code == 0, out
    assert "restored" in out and "verified 4 events and 3 closed years" in out
    assert history_json(empty_db) == history_json(db_url)
    # the restored database is locked as the original was
    with pytest.raises(DBAPIError, match="append-only"):
        rows(empty_db, "UPDATE events SET actor = 'x'")
    # a database that is not empty is refused, in one sentence
    code, out = mkip("db", "restore", str(saved), "--db", empty_db)
    assert code == 2 and out.strip().endswith(
        "is not empty; restore a backup only into an empty database."), out
    assert len(out.strip().splitlines()) == 1


def test_backup_of_a_server_without_pg_dump_is_one_sentence(
        db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Without pg_dump a PostgreSQL backup is one sentence and writes nothing; SQLite
    backs up with its own backup API and needs no program at all."""
    from finance.history import backup

    mkip("db", "upgrade", "--db", db_url)
    monkeypatch.setattr(backup.shutil, "which", lambda _name: None)
    code, out = mkip("db", "backup", str(tmp_path / "b"), "--db", db_url)
    if history_db.is_sqlite(db_url):
        assert code == 0 and (tmp_path / "b").is_file(), out
        return
    assert code == 1
    assert out.strip().startswith("pg_dump is not installed")
    assert len(out.strip().splitlines()) == 1 and not (tmp_path / "b").exists()


@pytest.mark.slow
def test_a_backup_taken_while_a_year_closes_restores_to_a_consistent_history(
        db_url: str, empty_db: str, tmp_path: Path) -> None:
    """One thread closes, reopens and closes years while another backs up over and
    over: the last backup taken while they wrote restores, and verifies."""
    import threading

    from finance.history import backup

    book = two_year_book(tmp_path / "book")
    mkip("db", "upgrade", "--db", db_url)
    done = threading.Event()
    errors: list[BaseException] = []

    def writer() -> None:
        try:
            for args in (("close", str(book.path), "--year", "2024-25", "--approved-by",
                          "A", *BOARD),
                         ("close", str(book.path), "--approved-by", "A", *BOARD),
                         ("reopen", "--year", "2025-26", "--by", "S", "--reason", "r"),
                         ("close", str(book.path), "--approved-by", "B", *BOARD)):
                assert mkip(*args, "--db", db_url)[0] == 0
        except BaseException as exc:
            errors.append(exc)
        finally:
            done.set()

    taken = 0
    thread = threading.Thread(target=writer)
    thread.start()
    deadline = time.monotonic() + 120
    while not done.is_set() and time.monotonic() < deadline:
        backup.backup(db_url, tmp_path / f"b{taken % 2}")
        taken += 1
    thread.join(timeout=max(1.0, deadline - time.monotonic()))
    assert not thread.is_alive() and not errors, errors
    assert taken >= 1
    last = tmp_path / f"b{(taken - 1) % 2}"
    code, out = mkip("db", "restore", str(last), "--db", empty_db)
    assert code == 0, out
    assert "verified" in out
