"""Digests and the chain of events; SQLite refuses an insert over a stored row.

- ``closed_years.book_sha256`` and ``closed_years.result_sha256``: the SHA-256 of the
  stored book's bytes and of the stored result JSON (UTF-8);
- ``events.prev_sha256``: the SHA-256 of the event before it (``finance.history.digest``;
  the first event records 64 zeros), unique, so the events form one chain.

Existing rows are filled in, events in the order of their ``id``: the locks of the two
tables are lifted for that, inside this migration's transaction, and put back before it
commits.  On SQLite every table also gets a ``BEFORE INSERT`` trigger refusing an insert
whose key is stored already, which closes ``INSERT OR REPLACE``.  The trigger SQL comes
from ``finance.history.locks``.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-28
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from finance.history import digest, locks

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

LOCKED = ("partnerships", "closed_years", "party_figures", "service_shares", "events",
          "saved_scenarios")

_partnerships = sa.table("partnerships", sa.column("id", sa.Integer),
                         sa.column("name", sa.String))
_closed = sa.table("closed_years", sa.column("id", sa.Integer),
                   sa.column("partnership_id", sa.Integer), sa.column("year", sa.String),
                   sa.column("version", sa.Integer), sa.column("input_book", sa.LargeBinary),
                   sa.column("result_json", sa.Text), sa.column("book_sha256", sa.String),
                   sa.column("result_sha256", sa.String))
_events = sa.table("events", *(sa.column(c, t) for c, t in (
    ("id", sa.Integer), ("partnership_id", sa.Integer), ("year", sa.String),
    ("kind", sa.String), ("version", sa.Integer), ("actor", sa.String),
    ("minute", sa.String), ("reason", sa.Text), ("at", sa.DateTime(timezone=True)),
    ("prev_sha256", sa.String))))


def _run(statements: list[str]) -> None:
    for sql in statements:
        op.execute(sql)


def upgrade() -> None:
    bind = op.get_bind()
    dialect = bind.dialect.name
    # plain ALTER TABLE ... ADD COLUMN: the tables are not copied, their triggers stay
    op.add_column("closed_years", sa.Column("book_sha256", sa.String(64), nullable=True))
    op.add_column("closed_years", sa.Column("result_sha256", sa.String(64), nullable=True))
    op.add_column("events", sa.Column("prev_sha256", sa.String(64), nullable=True))
    for t in ("closed_years", "events"):
        _run(locks.unlock(dialect, t))
    names = dict(bind.execute(sa.select(_partnerships.c.id, _partnerships.c.name)).all())
    digests: dict[tuple[int, str, int], tuple[str, str]] = {}
    for r in bind.execute(sa.select(_closed).order_by(_closed.c.id)).mappings().all():
        pair = (digest.sha256(bytes(r["input_book"])), digest.sha256(r["result_json"]))
        digests[(r["partnership_id"], r["year"], r["version"])] = pair
        bind.execute(sa.update(_closed).where(_closed.c.id == r["id"]).values(
            book_sha256=pair[0], result_sha256=pair[1]))
    prev = digest.GENESIS
    for r in bind.execute(sa.select(_events).order_by(_events.c.id)).mappings().all():
        row = {**r, "prev_sha256": prev}
        bind.execute(sa.update(_events).where(_events.c.id == r["id"])
                     .values(prev_sha256=prev))
        closed = digests.get((r["partnership_id"], r["year"], r["version"]))
        prev = digest.event_sha256(row, names.get(r["partnership_id"], ""), closed)
    op.create_index("uq_event_prev_sha256", "events", ["prev_sha256"], unique=True)
    for t in ("closed_years", "events"):
        _run(locks.lock(dialect, t))
    for t in LOCKED:
        _run(locks.guard(dialect, t))


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    for t in LOCKED:
        _run(locks.unguard(dialect, t))
    op.drop_index("uq_event_prev_sha256", "events")
    # ALTER TABLE ... DROP COLUMN (SQLite 3.35 or later): no copy, the locks stay
    op.execute("ALTER TABLE events DROP COLUMN prev_sha256")
    op.execute("ALTER TABLE closed_years DROP COLUMN result_sha256")
    op.execute("ALTER TABLE closed_years DROP COLUMN book_sha256")
