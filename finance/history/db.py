"""Where the history database is, how to reach it, and how its failures are worded.

The URL comes from ``--db``, else the environment variable ``MKIP_DATABASE_URL``, else
``sqlite:///mkip.db`` in the current folder.  A password in the URL never appears in a
message: every URL shown goes through :func:`redact`, and every database error through
:func:`sentence`, which also removes the password's text should a driver repeat it.

>>> redact("postgresql+psycopg://mkip:s3cret@db.example/mkip")
'postgresql+psycopg://mkip:***@db.example/mkip'
>>> resolve(None, {}) == DEFAULT_URL
True
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from finance.history.errors import HistoryError

if TYPE_CHECKING:
    from sqlalchemy import Engine

# SQLAlchemy is imported by the functions that need it, not here: a command that reads no
# database (``mkip run`` with no ``--db`` and no ``mkip.db``) never loads it.

__all__ = ["Database", "HistoryError", "connect", "exists", "reach", "redact", "resolve",
           "sentence"]

#: The environment variable naming the database.
ENV = "MKIP_DATABASE_URL"
#: The database used when none is named: a SQLite file in the current folder.
DEFAULT_URL = "sqlite:///mkip.db"
#: How long a SQLite writer waits for another to finish before giving up, in seconds.
SQLITE_BUSY_SECONDS = 10


def resolve(given: str | None, environ: Mapping[str, str] | None = None) -> str:
    """The database URL: the one given, else ``MKIP_DATABASE_URL``, else the default."""
    env = os.environ if environ is None else environ
    return given or env.get(ENV) or DEFAULT_URL


def redact(url: str) -> str:
    """The URL with any password replaced by ``***`` (for messages and logs), whether
    it is in the address or a ``password=`` query parameter.

    >>> redact("postgresql://u@db/mkip?password=s3cret&sslmode=require")
    'postgresql://u@db/mkip?password=***&sslmode=require'
    """
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        u = make_url(url)
        if any("password" in k.lower() for k in u.query):
            u = u.update_query_dict({k: "***" for k in u.query if "password" in k.lower()})
        return u.render_as_string(hide_password=True).replace("%2A%2A%2A", "***")
    except (ArgumentError, ValueError):
        return "(a database URL that cannot be read)"


def _password(url: str) -> list[str]:
    """Every secret in the URL: its password and any ``password=`` query value."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        u = make_url(url)
    except (ArgumentError, ValueError):
        return []
    found = [u.password] if u.password else []
    for k, v in u.query.items():
        if "password" in k.lower():
            found += [v] if isinstance(v, str) else list(v)
    return [str(x) for x in found if x]


def sentence(url: str, exc: BaseException) -> str:
    """One sentence saying why the database at ``url`` could not be used."""
    from sqlalchemy.exc import DBAPIError

    where = redact(url)
    if isinstance(exc, DBAPIError) and exc.orig is not None:
        detail = str(exc.orig).strip().splitlines()[0] if str(exc.orig).strip() else ""
    else:
        detail = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    low = detail.lower()
    if "locked" in low or "busy" in low:
        text = f"The history database {where} is locked by another program; try again."
    elif any(w in low for w in ("connect", "resolve", "refused", "no such host",
                                "unable to open", "authentication", "does not exist")):
        text = f"The history database {where} cannot be reached: {detail}."
    else:
        text = f"The history database {where} could not be used: {detail}."
    for secret in _password(url):
        text = text.replace(secret, "***")
    return text


def is_sqlite(url: str) -> bool:
    """Whether ``url`` names a SQLite database (:class:`HistoryError` if it is no URL)."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        return make_url(url).get_backend_name() == "sqlite"
    except (ArgumentError, ValueError) as exc:
        raise HistoryError(f"The history database address {redact(url)} is not a database "
                           "URL (for example sqlite:///mkip.db or "
                           "postgresql://user@host/mkip).", 1) from exc


def sqlite_path(url: str) -> Path | None:
    """The file of a SQLite URL (``None`` for an in-memory database)."""
    from sqlalchemy.engine import make_url

    if not is_sqlite(url):
        return None
    u = make_url(url)
    if u.get_backend_name() != "sqlite" or not u.database or u.database == ":memory:":
        return None
    return Path(u.database)


#: A plain SQLite file URL, whose file can be looked for without SQLAlchemy.
_PLAIN_SQLITE_FILE = re.compile(r"sqlite:///([^?#%]+)")


def exists(url: str) -> bool:
    """Whether there is a database to read: a SQLite file on disk, or any server URL.

    A plain ``sqlite:///FILE`` URL is checked without loading SQLAlchemy.

    >>> exists("sqlite:///no/such/folder/mkip.db"), exists("postgresql://u@db/mkip")
    (False, True)
    """
    plain = _PLAIN_SQLITE_FILE.fullmatch(url)
    if plain and plain.group(1) != ":memory:":
        return Path(plain.group(1)).exists()
    if not is_sqlite(url):
        return True
    path = sqlite_path(url)
    return path is not None and path.exists()


def connect(url: str) -> Engine:
    """An engine for ``url``; raises :class:`HistoryError` (exit 1) if it cannot be made.

    SQLite connections enforce foreign keys, wait :data:`SQLITE_BUSY_SECONDS` for a
    writer to finish, and begin each transaction with ``BEGIN IMMEDIATE`` so that two
    writers take turns instead of both reading then failing to write.
    """
    from sqlalchemy import create_engine
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError, SQLAlchemyError

    try:
        u = make_url(url)
        if u.get_backend_name() == "postgresql" and u.get_driver_name() in ("", "psycopg2"):
            u = u.set(drivername="postgresql+psycopg")
        if u.get_backend_name() == "sqlite":
            engine = create_engine(u, connect_args={"timeout": SQLITE_BUSY_SECONDS})
            _sqlite_transactions(engine)
        else:
            engine = create_engine(u, pool_pre_ping=True, connect_args={"connect_timeout": 10})
    except (ArgumentError, SQLAlchemyError, ImportError, ValueError) as exc:
        raise HistoryError(sentence(url, exc), 1) from exc
    return engine


def _sqlite_transactions(engine: Engine) -> None:
    from sqlalchemy import event

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: object, _record: object) -> None:
        conn: object = dbapi_conn
        conn.isolation_level = None  # type: ignore[attr-defined]  # we issue BEGIN ourselves
        cur = conn.cursor()  # type: ignore[attr-defined]
        cur.execute("PRAGMA foreign_keys = ON")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: object) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE")  # type: ignore[attr-defined]


@dataclass(frozen=True)
class Database:
    """A history database reached: its engine, and the URL it was reached by, kept to
    word its failures (through :func:`sentence` and :func:`redact`, so never with a
    password).  Every function of the history store takes one of these."""

    url: str
    engine: Engine

    @contextmanager
    def worded(self) -> Iterator[None]:
        """Database failures inside the block as one sentence (:class:`HistoryError`,
        exit 1), the password hidden; an ``IntegrityError`` (a lost race) is left to the
        caller to word."""
        from sqlalchemy.exc import IntegrityError, SQLAlchemyError

        try:
            yield
        except (HistoryError, IntegrityError):
            raise
        except SQLAlchemyError as exc:
            raise HistoryError(sentence(self.url, exc), 1) from exc

    @property
    def shown(self) -> str:
        """The URL as a message may show it (:func:`redact`)."""
        return redact(self.url)

    def dispose(self) -> None:
        """Close the engine's connections."""
        self.engine.dispose()


def reach(url: str) -> Database:
    """:func:`connect` to ``url``, kept with the URL as a :class:`Database`."""
    return Database(url, connect(url))
