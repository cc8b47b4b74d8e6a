"""Bring a history database to the current schema with Alembic, or refuse one that is
ahead of this software.

The migration scripts live beside this module (``migrations/``); they run on a
connection opened here, so no ``alembic.ini`` or URL in a file is involved.  A SQLite
database is brought up to date on first use; a server database needs ``mkip db
upgrade`` (run by whoever administers it), and is refused until then.
"""

from __future__ import annotations

import functools
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine

from finance.history.db import Database, HistoryError

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def _config(connection: Connection | None = None) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    if connection is not None:
        cfg.attributes["connection"] = connection
    return cfg


@functools.cache
def _revisions() -> tuple[str, frozenset[str]]:
    """The head and every revision of the migration scripts, read from disk once a
    process (they do not change while it runs)."""
    scripts = ScriptDirectory.from_config(_config())
    rev = scripts.get_current_head()
    assert rev is not None
    return rev, frozenset(s.revision for s in scripts.walk_revisions())


def head() -> str:
    """The revision this software writes."""
    return _revisions()[0]


def known() -> set[str]:
    """Every revision this software knows."""
    return set(_revisions()[1])


def current(engine: Engine) -> str | None:
    """The database's revision (``None`` for a database with no history yet)."""
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def check_not_newer(db: Database) -> str | None:
    """The database's revision; :class:`HistoryError` (exit 1) if this software does not
    know it (a newer version of the software wrote it)."""
    rev = current(db.engine)
    if rev is not None and rev not in known():
        raise HistoryError(
            f"The history database {db.shown} was written by a newer version of this "
            f"software (schema {rev}); upgrade the software to use it.", 1)
    return rev


def upgrade(db: Database, revision: str = "head") -> None:
    """Migrate the database to ``revision`` (default: the newest)."""
    check_not_newer(db)
    with db.engine.begin() as conn:
        command.upgrade(_config(conn), revision)


def downgrade(db: Database, revision: str) -> None:
    """Migrate the database back to ``revision`` (``"base"``: no history tables)."""
    check_not_newer(db)
    with db.engine.begin() as conn:
        command.downgrade(_config(conn), revision)


def ensure_current(db: Database, *, auto: bool) -> None:
    """Make sure the database has the current schema before it is used.

    ``auto``: upgrade it if it is behind (SQLite, on first use); otherwise a database
    that is behind is refused with the command that upgrades it.
    """
    rev = check_not_newer(db)
    if rev == head():
        return
    if auto:
        upgrade(db)
        return
    raise HistoryError(f"The history database {db.shown} is not at the current schema; "
                       f"run `mkip db upgrade --db URL` first.", 1)
