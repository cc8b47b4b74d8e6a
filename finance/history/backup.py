"""``mkip db backup`` and ``mkip db restore``: a copy of the history, and back.

- SQLite: the backup is a SQLite file made with SQLite's online backup API, a
  consistent copy even while another program writes (a close in progress is either
  wholly in it or not at all); restoring copies it back the same way.
- PostgreSQL: the backup is ``pg_dump``'s custom format (one consistent snapshot);
  restoring runs ``pg_restore`` in one transaction.  Both need PostgreSQL's client
  programs on the ``PATH``.

A restore goes only into an empty database (no tables), and is followed by
``mkip db verify``.  The password of a URL is passed to ``pg_dump``/``pg_restore`` in
the environment (``PGPASSWORD``), never on their command line.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from sqlalchemy.engine import URL, make_url

from finance.history.db import HistoryError, is_sqlite, redact, sentence, sqlite_path

#: The first bytes of a SQLite file and of a pg_dump custom-format archive.
SQLITE_MAGIC = b"SQLite format 3\x00"
PGDUMP_MAGIC = b"PGDMP"


def _sqlite_file(url: str) -> Path:
    path = sqlite_path(url)
    if path is None:
        raise HistoryError(f"The history database {redact(url)} is not a SQLite file; "
                           "name one with sqlite:///FILE.", 2)
    return path


def _libpq(url: str) -> tuple[str, dict[str, str]]:
    """A libpq connection URL without its password, and the environment giving it."""
    u: URL = make_url(url)
    env = dict(os.environ)
    password = u.password or u.query.get("password")
    if password:
        env["PGPASSWORD"] = str(password)
    u = u.set(drivername="postgresql", password=None)
    u = u.difference_update_query(["password"])
    return u.render_as_string(hide_password=False), env


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise HistoryError(f"{name} is not installed (PostgreSQL's client programs are "
                           f"needed to back up or restore a PostgreSQL history: "
                           f"apt-get install postgresql-client).", 1)
    return found


def _run(args: list[str], env: dict[str, str], url: str, what: str) -> None:
    done = subprocess.run(args, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        lines = [x for x in done.stderr.strip().splitlines() if x.strip()]
        detail = lines[0] if lines else f"exit code {done.returncode}"
        for secret in (make_url(url).password, make_url(url).query.get("password")):
            if secret:
                detail = detail.replace(str(secret), "***")
        raise HistoryError(f"{what} of {redact(url)} failed: {detail}", 1)


def backup(url: str, dest: Path) -> None:
    """Copy the history at ``url`` to the file ``dest`` (replaced whole, or not at all)."""
    tmp = dest.with_name(dest.name + ".part")
    tmp.unlink(missing_ok=True)
    try:
        if is_sqlite(url):
            src = _sqlite_file(url)
            if not src.exists():
                raise HistoryError(f"There is no history database at {redact(url)}.", 2)
            _sqlite_copy(src, tmp, url)
        else:
            conninfo, env = _libpq(url)
            _run([_tool("pg_dump"), "--format=custom", "--no-owner", "--file", str(tmp),
                  "--dbname", conninfo], env, url, "pg_dump")
        os.replace(tmp, dest)
    finally:
        tmp.unlink(missing_ok=True)


def _empty(url: str) -> bool:
    from sqlalchemy import inspect

    from finance.history.db import connect

    engine = connect(url)
    try:
        return not inspect(engine).get_table_names()
    finally:
        engine.dispose()


def restore(source: Path, url: str) -> None:
    """Restore a backup made by :func:`backup` into the empty database at ``url``."""
    if not source.is_file():
        raise HistoryError(f"{source}: no such backup file.", 2)
    with source.open("rb") as f:
        magic = f.read(len(SQLITE_MAGIC))
    sqlite = is_sqlite(url)
    if not magic.startswith(SQLITE_MAGIC if sqlite else PGDUMP_MAGIC):
        kind = "SQLite" if sqlite else "PostgreSQL (pg_dump)"
        raise HistoryError(f"{source} is not a {kind} backup made by `mkip db backup`, so "
                           f"it cannot be restored into {redact(url)}.", 2)
    try:
        empty = _empty(url)
    except HistoryError:
        raise
    except Exception as exc:  # a driver failure, worded without secrets
        raise HistoryError(sentence(url, exc), 1) from exc
    if not empty:
        raise HistoryError(f"The database {redact(url)} is not empty; restore a backup only "
                           "into an empty database.", 2)
    if sqlite:
        _sqlite_copy(source, _sqlite_file(url), url)
        return
    conninfo, env = _libpq(url)
    _run([_tool("pg_restore"), "--no-owner", "--exit-on-error", "--single-transaction",
          "--dbname", conninfo, str(source)], env, url, "pg_restore")


def _sqlite_copy(source: str | os.PathLike[str], target: str | os.PathLike[str], url: str
                 ) -> None:
    """Copy the SQLite database file ``source`` (opened read-only) into ``target`` with
    SQLite's online backup API, safe while another connection writes (each side waits
    up to 10 s for a lock); a failure is one sentence about ``url``."""
    try:
        src = sqlite3.connect(f"file:{source}?mode=ro", uri=True, timeout=10)
        dest = sqlite3.connect(target, timeout=10)
        try:
            src.backup(dest)
        finally:
            dest.close()
            src.close()
    except sqlite3.Error as exc:
        raise HistoryError(sentence(url, exc), 1) from exc
