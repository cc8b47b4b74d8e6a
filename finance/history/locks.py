"""The triggers that lock the history's tables, written once.

Every table is append-only: ``UPDATE`` and ``DELETE`` are refused (on PostgreSQL
``TRUNCATE`` too), and on SQLite an insert whose key is already stored is refused, so
that ``INSERT OR REPLACE`` (which removes the stored row without firing a ``DELETE``
trigger) cannot change a stored row either.

Migrations 0004 onwards build their triggers from here.  0001 and 0002 are frozen with
their own copies of the same SQL; should this text change, copy the old text into each
migration that uses it first, so that a migration always does what it did.
"""

from __future__ import annotations

#: The message every lock refuses a change with.
MESSAGE = "the history is append-only: a stored row cannot be changed or deleted"

#: Each table's keys (its primary key and every unique constraint): an insert that
#: matches a stored row on any of them is refused on SQLite.
KEYS: dict[str, tuple[tuple[str, ...], ...]] = {
    "partnerships": (("id",), ("name",)),
    "closed_years": (("id",), ("partnership_id", "year", "version")),
    "party_figures": (("closed_year_id", "party"),),
    "service_shares": (("closed_year_id", "service", "party"),),
    "events": (("id",), ("partnership_id", "year", "version", "kind"), ("prev_sha256",)),
    "saved_scenarios": (("id",),),
}


def lock(dialect: str, table: str) -> list[str]:
    """The statements that refuse ``UPDATE`` and ``DELETE`` on ``table`` (and on
    PostgreSQL ``TRUNCATE``; its function ``mkip_refuse_change`` comes from 0001)."""
    if dialect == "sqlite":
        return [f"CREATE TRIGGER {table}_no_{a.lower()} BEFORE {a} ON {table} "
                f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END" for a in ("UPDATE", "DELETE")]
    return [f"CREATE TRIGGER {table}_locked BEFORE UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION mkip_refuse_change()",
            f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
            "FOR EACH STATEMENT EXECUTE FUNCTION mkip_refuse_change()"]


def unlock(dialect: str, table: str) -> list[str]:
    """The statements that remove :func:`lock`'s triggers (for a migration that must
    rewrite rows, which locks the table again in the same transaction)."""
    if dialect == "sqlite":
        return [f"DROP TRIGGER IF EXISTS {table}_no_update",
                f"DROP TRIGGER IF EXISTS {table}_no_delete"]
    return [f"DROP TRIGGER IF EXISTS {table}_locked ON {table}",
            f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}"]


def guard(dialect: str, table: str) -> list[str]:
    """SQLite: a trigger refusing an insert whose key (:data:`KEYS`) is stored already
    (nothing on PostgreSQL, where every such insert fails or fires the UPDATE lock)."""
    if dialect != "sqlite":
        return []
    clash = " OR ".join(
        f"EXISTS (SELECT 1 FROM {table} WHERE "
        + " AND ".join(f"{c} = NEW.{c}" for c in key) + ")" for key in KEYS[table])
    return [f"CREATE TRIGGER {table}_no_replace BEFORE INSERT ON {table} WHEN {clash} "
            f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END"]


def unguard(dialect: str, table: str) -> list[str]:
    """The statements that remove :func:`guard`'s trigger."""
    return [f"DROP TRIGGER IF EXISTS {table}_no_replace"] if dialect == "sqlite" else []
