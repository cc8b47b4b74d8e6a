"""Members and roles, held by the history database: ``mkip users``, their events in the
hash chain, ``mkip db verify`` over them, and the app's ``role_of`` and ``allowed``.

Every database test runs on SQLite and on PostgreSQL (the ``db_url`` fixture of
``tests/test_history.py``; PostgreSQL from ``MKIP_TEST_POSTGRES_URL``).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy.exc import DBAPIError

from finance.appdata.history import ACTIONS, allowed, role_of
from finance.history import db as history_db
from finance.history import digest, migrate, store, tables
from finance.history.roles import ROLES
from tests.conftest import BookCopy
from tests.test_history import BOARD, _tamper, db_url, mkip, rows

__all__ = ["db_url"]  # the fixture, imported to run these tests on both databases

MKIP_NAME = "Mid Kent Improvement Partnership"


@pytest.fixture
def url(db_url: str) -> str:
    """``db_url`` at the current schema (a PostgreSQL database is upgraded by whoever
    administers it; SQLite upgrades itself)."""
    code, out = mkip("db", "upgrade", "--db", db_url)
    assert code == 0, out
    return db_url


def members_json(url: str, *extra: str) -> dict:
    code, out = mkip("users", "list", "--json", *extra, "--db", url)
    assert code == 0, out
    return json.loads(out)


def member_events(url: str) -> list[tuple[object, ...]]:
    return rows(url, "SELECT kind, actor, member, role, year, version FROM events "
                     "WHERE kind LIKE 'member%' ORDER BY id")


def test_add_list_remove_round_trip(url: str) -> None:
    assert mkip("users", "add", "Ann@Council.gov.uk", "--role", "viewer", "--by", "S151",
                "--db", url) == (0, f"added ann@council.gov.uk to {MKIP_NAME} as viewer "
                                       "by S151\n")
    assert mkip("users", "add", "bob@council.gov.uk", "--role", "ADMIN", "--by", "S151",
                "--db", url)[0] == 0
    assert members_json(url) == {"partnerships": [{"name": MKIP_NAME, "members": [
        {"email": "ann@council.gov.uk", "role": "viewer"},
        {"email": "bob@council.gov.uk", "role": "admin"}]}]}
    code, out = mkip("users", "list", "--db", url)
    assert code == 0 and "ann@council.gov.uk  viewer" in out and "2 member(s)" in out
    code, out = mkip("users", "remove", "ANN@council.gov.uk", "--by", "bob@council.gov.uk",
                     "--db", url)
    assert (code, out) == (0, f"removed ann@council.gov.uk (viewer) from {MKIP_NAME} by "
                              "bob@council.gov.uk\n")
    assert members_json(url, "--partnership", MKIP_NAME) == {"partnerships": [
        {"name": MKIP_NAME, "members": [{"email": "bob@council.gov.uk", "role": "admin"}]}]}
    db = store.open_db(url, create=False)
    assert db is not None
    try:
        assert store.member_role(db, MKIP_NAME, " BOB@council.gov.uk") == "admin"
        assert store.member_role(db, MKIP_NAME, "ann@council.gov.uk") is None
        assert store.member_role(db, "Nowhere", "bob@council.gov.uk") is None
    finally:
        db.dispose()


def test_adding_a_member_again_changes_the_role_and_the_same_role_records_nothing(
        url: str) -> None:
    assert mkip("users", "add", "ann@x.gov.uk", "--role", "viewer", "--by", "A",
                "--db", url)[0] == 0
    code, out = mkip("users", "add", "ann@x.gov.uk", "--role", "approver", "--by", "B",
                     "--db", url)
    assert (code, out) == (0, f"ann@x.gov.uk of {MKIP_NAME}: role changed from viewer to "
                              "approver by B\n")
    code, out = mkip("users", "add", "ann@x.gov.uk", "--role", "approver", "--by", "C",
                     "--db", url)
    assert code == 0 and "nothing was recorded" in out
    assert members_json(url)["partnerships"][0]["members"] == [
        {"email": "ann@x.gov.uk", "role": "approver"}]
    assert member_events(url) == [("member_added", "A", "ann@x.gov.uk", "viewer", "", 1),
                                     ("member_role_changed", "B", "ann@x.gov.uk", "approver",
                                      "", 2)]


def test_each_change_is_an_event_of_the_chain_with_who_and_verify_passes(
        url: str, tmp_path: Path) -> None:
    """Member events interleave with closes and reopens in one chain; the years are read
    as before, and the whole history verifies."""
    book = BookCopy(tmp_path / "book")
    steps = [("users", "add", "ann@x.gov.uk", "--role", "preparer", "--by", "S151"),
             ("close", str(book.path), "--approved-by", "Cllr A", *BOARD),
             ("users", "add", "ann@x.gov.uk", "--role", "approver", "--by", "S151"),
             ("reopen", "--year", "2025-26", "--by", "ann@x.gov.uk", "--reason", "Late"),
             ("users", "add", "bob@x.gov.uk", "--role", "viewer", "--by", "ann@x.gov.uk"),
             ("users", "remove", "bob@x.gov.uk", "--by", "ann@x.gov.uk")]
    for args in steps:
        code, out = mkip(*args, "--db", url)
        assert code == 0, (args, out)
    evs = rows(url, "SELECT kind, actor, member, role, prev_sha256 FROM events "
                       "ORDER BY id")
    assert [e[:4] for e in evs] == [
        ("member_added", "S151", "ann@x.gov.uk", "preparer"),
        ("closed", "Cllr A", None, None),
        ("member_role_changed", "S151", "ann@x.gov.uk", "approver"),
        ("reopened", "ann@x.gov.uk", None, None),
        ("member_added", "ann@x.gov.uk", "bob@x.gov.uk", "viewer"),
        ("member_removed", "ann@x.gov.uk", "bob@x.gov.uk", "viewer")]
    engine = history_db.connect(url)
    try:
        with engine.connect() as conn:
            stored = conn.execute(tables.events.select().order_by(tables.events.c.id)
                                  ).mappings().all()
            hashes = [store.event_sha256(conn, e) for e in stored]
    finally:
        engine.dispose()
    assert [e[4] for e in evs] == [digest.GENESIS, *hashes[:-1]]
    # a member's canonical form holds the member and the role: changing either breaks it
    doc = digest.event_document(stored[0], MKIP_NAME, None)
    assert (doc["member"], doc["role"], doc["actor"]) == ("ann@x.gov.uk", "preparer", "S151")
    year = [y for y in json.loads(mkip("history", "--json", "--db", url)[1])
            ["partnerships"][0]["years"]]
    assert [(y["year"], y["status"], y["reopened_by"]) for y in year] == [
        ("2025-26", "reopened", "ann@x.gov.uk")]
    code, out = mkip("db", "verify", "--db", url)
    assert code == 0, out
    assert out.startswith(f"verified 6 events and 1 closed years; the latest event's SHA-256 "
                          f"is {hashes[-1]}")


def test_verify_names_a_member_whose_row_disagrees_with_its_events(url: str) -> None:
    for args in (("ann@x.gov.uk", "--role", "viewer"), ("ann@x.gov.uk", "--role", "preparer"),
                 ("bob@x.gov.uk", "--role", "viewer")):
        assert mkip("users", "add", *args, "--by", "S151", "--db", url)[0] == 0
    assert mkip("db", "verify", "--db", url)[0] == 0
    _tamper(url, "UPDATE members SET role = 'admin' WHERE email = 'ann@x.gov.uk'",
            unlock=())
    code, out = mkip("db", "verify", "--db", url)
    assert code == 1
    assert out.strip() == (f"NOT verified: members: ann@x.gov.uk of {MKIP_NAME} (row 1) has "
                           "role admin, but its events give preparer (event 2, "
                           "member_role_changed by S151): the role was changed behind the "
                           "log.")
    _tamper(url, "UPDATE members SET role = 'preparer' WHERE email = 'ann@x.gov.uk'",
            "DELETE FROM members WHERE email = 'bob@x.gov.uk'", unlock=())
    code, out = mkip("db", "verify", "--db", url)
    assert code == 1 and out.startswith(
        f"NOT verified: members: bob@x.gov.uk of {MKIP_NAME} is a member with role viewer by "
        "its events (event 3, member_added by S151), but has no row: the row was removed "
        "behind the log."), out
    _tamper(url, "INSERT INTO members (partnership_id, email, role) VALUES "
                    "(1, 'bob@x.gov.uk', 'viewer'), (1, 'eve@x.gov.uk', 'admin')", unlock=())
    code, out = mkip("db", "verify", "--db", url)
    assert code == 1 and "eve@x.gov.uk" in out and "added behind the log" in out, out
    # an event's member changed (behind the events' locks) breaks the chain after it
    _tamper(url, "DELETE FROM members WHERE email = 'eve@x.gov.uk'",
            "UPDATE events SET role = 'admin' WHERE id = 1", unlock=("events",))
    code, out = mkip("db", "verify", "--db", url)
    assert code == 1 and out.startswith(
        f"NOT verified: events: event 2 (member_role_changed ann@x.gov.uk (preparer) of "
        f"{MKIP_NAME}, by S151) does not follow the event before it"), out


@pytest.mark.parametrize("args,sentence", [
    (("add", "ann@x.gov.uk", "--role", "owner", "--by", "S151"),
     "'owner' is not a role: give one of viewer, preparer, approver, admin."),
    (("add", "ann@x.gov.uk", "--by", "S151"),
     "Give the member's role: --role one of viewer, preparer, approver, admin."),
    (("add", "ann@x.gov.uk", "--role", "viewer"), "Say who is making the change (--by NAME)."),
    (("add", "ann", "--role", "viewer", "--by", "S151"),
     "'ann' is not an e-mail address (name@example.gov.uk)."),
    (("remove", "carl@x.gov.uk", "--by", "S151"),
     f"carl@x.gov.uk is not a member of {MKIP_NAME}."),
    (("remove", "bob@x.gov.uk"), "Say who is making the change (--by NAME)."),
])
def test_a_bad_request_is_one_sentence_exit_2_and_records_nothing(
        url: str, args: tuple[str, ...], sentence: str) -> None:
    assert mkip("users", "add", "bob@x.gov.uk", "--role", "viewer", "--by", "S151",
                "--db", url)[0] == 0
    code, out = mkip("users", *args, "--db", url)
    assert (code, out) == (2, sentence + "\n")
    assert member_events(url) == [("member_added", "S151", "bob@x.gov.uk", "viewer", "", 1)]
    assert members_json(url)["partnerships"][0]["members"] == [
        {"email": "bob@x.gov.uk", "role": "viewer"}]


def test_the_partnership_is_the_only_one_else_the_bundled_examples_else_asked_for(
        url: str, tmp_path: Path) -> None:
    assert mkip("users", "list", "--json", "--db", url)[1].strip().startswith("{")
    assert mkip("users", "add", "ann@x.gov.uk", "--role", "viewer", "--by", "S",
                "--partnership", "Kent Partnership", "--db", url)[0] == 0
    # the only one in the database, whatever the bundled example's name
    assert mkip("users", "add", "bob@x.gov.uk", "--role", "viewer", "--by", "S",
                "--db", url)[0] == 0
    assert members_json(url)["partnerships"] == [{"name": "Kent Partnership", "members": [
        {"email": "ann@x.gov.uk", "role": "viewer"},
        {"email": "bob@x.gov.uk", "role": "viewer"}]}]
    assert mkip("close", str(BookCopy(tmp_path / "book").path), "--approved-by", "A", *BOARD,
                "--db", url)[0] == 0
    for args in (("add", "carl@x.gov.uk", "--role", "viewer", "--by", "S"),
                 ("remove", "ann@x.gov.uk", "--by", "S")):
        code, out = mkip("users", *args, "--db", url)
        assert (code, out) == (2, "The history holds several partnerships ('Kent "
                                  f"Partnership', '{MKIP_NAME}'): say which with "
                                  "--partnership NAME.\n")
    assert mkip("users", "remove", "ann@x.gov.uk", "--by", "S", "--partnership",
                "Kent Partnership", "--db", url)[0] == 0
    assert members_json(url, "--partnership", MKIP_NAME)["partnerships"] == [
        {"name": MKIP_NAME, "members": []}]


def test_remove_and_list_without_a_database(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'none.db'}"
    assert mkip("users", "list", "--db", url) == (0, "The history holds no members yet.\n")
    code, out = mkip("users", "remove", "ann@x.gov.uk", "--by", "S", "--db", url)
    assert code == 2 and "There is no history database" in out
    assert not (tmp_path / "none.db").exists()


def test_an_unusable_database_is_one_sentence_and_exit_1() -> None:
    for cmd in (("add", "ann@x.gov.uk", "--role", "viewer", "--by", "S"), ("list",)):
        code, out = mkip("users", *cmd, "--db", "postgresql://mkip:s3cret@127.0.0.1:1/none")
        assert code == 1 and len(out.strip().splitlines()) == 1, out
        assert "cannot be reached" in out and "s3cret" not in out


def test_the_members_table_changes_but_a_row_that_breaks_the_rules_is_refused(
        url: str) -> None:
    """Members are not locked (members come and go), but the database refuses a role
    that is none and an e-mail not in lower case."""
    assert "members" not in tables.LOCKED
    assert mkip("users", "add", "ann@x.gov.uk", "--role", "viewer", "--by", "S",
                "--db", url)[0] == 0
    for sql in ("UPDATE members SET role = 'owner'", "UPDATE members SET email = 'Ann@x.gov.uk'",
                "INSERT INTO members (partnership_id, email, role) VALUES "
                "(1, 'ann@x.gov.uk', 'admin')"):
        with pytest.raises(DBAPIError):
            rows(url, sql)
    # the events recording them stay locked
    with pytest.raises(DBAPIError, match="append-only"):
        rows(url, "UPDATE events SET role = 'admin'")


def test_a_history_with_member_changes_is_not_downgraded_past_them(db_url: str) -> None:
    engine = history_db.connect(db_url)
    try:
        migrate.upgrade(history_db.Database(db_url, engine))
        # down to before members: fine, there are none yet
        migrate.downgrade(history_db.Database(db_url, engine), "0004")
        assert migrate.current(engine) == "0004"
        migrate.upgrade(history_db.Database(db_url, engine))
    finally:
        engine.dispose()
    assert mkip("users", "add", "ann@x.gov.uk", "--role", "viewer", "--by", "S",
                "--db", db_url)[0] == 0
    engine = history_db.connect(db_url)
    try:
        with pytest.raises(RuntimeError, match="1 change"):
            migrate.downgrade(history_db.Database(db_url, engine), "0004")
        assert migrate.current(engine) == "0005"
    finally:
        engine.dispose()


# ------------------------------------------------------------------ the app's API


def test_allowed_truth_table() -> None:
    table = {None: "----", "viewer": "v---", "preparer": "vp--", "approver": "vpc-",
             "admin": "vpca", "owner": "----"}
    for role, marks in table.items():
        got = "".join(a[0] if allowed(role, a) else "-" for a in ACTIONS)
        assert got == marks, role
    assert list(ACTIONS) == ["view", "prepare", "close", "admin"]
    assert set(ACTIONS.values()) == set(ROLES)
    with pytest.raises(ValueError, match="'upload' is not an action"):
        allowed("admin", "upload")


def test_role_of_reads_the_database_and_gives_none_otherwise(
        url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert role_of(url, MKIP_NAME, "ann@x.gov.uk") is None  # no member (nor partnership)
    assert mkip("users", "add", "ann@x.gov.uk", "--role", "approver", "--by", "S",
                "--db", url)[0] == 0
    assert role_of(url, MKIP_NAME, "Ann@X.gov.uk") == "approver"
    assert role_of(url, "Another Partnership", "ann@x.gov.uk") is None
    assert role_of(url, MKIP_NAME, None) is None
    assert role_of(url, MKIP_NAME, "  ") is None
    assert role_of(f"sqlite:///{tmp_path / 'absent.db'}", MKIP_NAME, "ann@x.gov.uk") is None
    assert not (tmp_path / "absent.db").exists()
    capsys.readouterr()
    for bad in ("postgresql://mkip:s3cret@127.0.0.1:1/none", "not a url", "nosuch://x/y"):
        assert role_of(bad, MKIP_NAME, "ann@x.gov.uk") is None
        err = capsys.readouterr().err
        assert err.startswith("mkip: no role for the signed-in user: The history database")
        assert "s3cret" not in err


def test_the_last_admin_cannot_be_removed_or_demoted(url: str) -> None:
    """Someone must be able to manage the members: the last admin stays until another
    is made admin."""
    assert mkip("users", "add", "boss@council.gov.uk", "--role", "admin", "--by", "S151",
                "--db", url)[0] == 0
    for args in (("remove", "boss@council.gov.uk"),
                 ("add", "boss@council.gov.uk", "--role", "viewer")):
        code, out = mkip("users", *args, "--by", "S151", "--db", url)
        assert code == 2
        assert out.strip().endswith(
            "boss@council.gov.uk is the last admin of Mid Kent Improvement Partnership: make "
            "someone else admin first, so that someone can still manage the members."), out
    assert mkip("users", "add", "deputy@council.gov.uk", "--role", "admin", "--by", "S151",
                "--db", url)[0] == 0
    assert mkip("users", "add", "boss@council.gov.uk", "--role", "viewer", "--by", "S151",
                "--db", url)[0] == 0
    roles = {m["email"]: m["role"] for m in members_json(url)["partnerships"][0]["members"]}
    assert roles == {"boss@council.gov.uk": "viewer", "deputy@council.gov.uk": "admin"}


def test_a_server_database_is_reached_once_a_process_and_a_sqlite_file_at_each_read(
        url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """The role is read on every page run: a server database's engine is kept (no new
    connection pool, no schema check again); a SQLite file is opened each time, so a
    file put in its place is read anew.  Both give the same answers."""
    import finance.appdata.history as ah

    assert mkip("users", "add", "ann@x.gov.uk", "--role", "preparer", "--by", "S",
                "--db", url)[0] == 0
    opened: list[str] = []
    real = store.open_db

    def counting(u: str, *, create: bool) -> object:
        opened.append(u)
        return real(u, create=create)

    monkeypatch.setattr(store, "open_db", counting)
    monkeypatch.setattr(ah, "_SERVERS", {})
    for _ in range(3):
        assert role_of(url, MKIP_NAME, "ann@x.gov.uk") == "preparer"
        assert ah.prior_for(url, MKIP_NAME, "2025-26") is not None
    assert len(opened) == (6 if url.startswith("sqlite") else 1)
    # a change made elsewhere is seen through the kept engine
    assert mkip("users", "add", "ann@x.gov.uk", "--role", "approver", "--by", "S",
                "--db", url)[0] == 0
    assert role_of(url, MKIP_NAME, "ann@x.gov.uk") == "approver"
    for kept in ah._SERVERS.values():
        kept.dispose()
