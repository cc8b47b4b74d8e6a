"""The history: partnerships, closed years, their figures, and the event log, locked.

Revision ID: 0001
Revises:
Create Date: 2026-11-27
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

LOCKED = ("partnerships", "closed_years", "party_figures", "service_shares", "events")
MESSAGE = "the history is append-only: a stored row cannot be changed or deleted"


def upgrade() -> None:
    op.create_table(
        "partnerships",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(200), nullable=False, unique=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "closed_years",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("partnership_id", sa.Integer, sa.ForeignKey("partnerships.id"),
                  nullable=False),
        sa.Column("year", sa.String(7), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("input_sha256", sa.String(64), nullable=False),
        sa.Column("input_kind", sa.String(10), nullable=False),
        sa.Column("input_book", sa.LargeBinary, nullable=False),
        sa.Column("result_json", sa.Text, nullable=False),
        sa.Column("software_version", sa.String(40), nullable=False),
        sa.Column("approved_by", sa.String(200), nullable=False),
        sa.Column("minute", sa.String(200), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("carry_over_pence", sa.BigInteger, nullable=False),
        sa.Column("closing_commitments_pence", sa.BigInteger, nullable=False),
        sa.UniqueConstraint("partnership_id", "year", "version",
                            name="uq_closed_year_version"),
    )
    op.create_table(
        "party_figures",
        sa.Column("closed_year_id", sa.Integer, sa.ForeignKey("closed_years.id"),
                  primary_key=True),
        sa.Column("party", sa.String(40), primary_key=True),
        sa.Column("contribution_pence", sa.BigInteger, nullable=False),
        sa.Column("refund_pence", sa.BigInteger, nullable=False),
        sa.Column("carry_over_pence", sa.BigInteger, nullable=False),
        sa.Column("supplementary_pence", sa.BigInteger, nullable=False),
        sa.Column("services_pence", sa.BigInteger, nullable=False),
        sa.Column("net_position_pence", sa.BigInteger, nullable=False),
    )
    op.create_table(
        "service_shares",
        sa.Column("closed_year_id", sa.Integer, sa.ForeignKey("closed_years.id"),
                  primary_key=True),
        sa.Column("service", sa.String(40), primary_key=True),
        sa.Column("party", sa.String(40), primary_key=True),
        sa.Column("share_pence", sa.BigInteger, nullable=False),
        sa.Column("share_exact", sa.String(200), nullable=False),
        sa.Column("share", sa.Numeric(12, 10), nullable=False),
    )
    op.create_table(
        "events",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("partnership_id", sa.Integer, sa.ForeignKey("partnerships.id"),
                  nullable=False),
        sa.Column("year", sa.String(7), nullable=False),
        sa.Column("kind", sa.String(10), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("actor", sa.String(200), nullable=False),
        sa.Column("minute", sa.String(200), nullable=False, server_default=""),
        sa.Column("reason", sa.Text, nullable=False, server_default=""),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("partnership_id", "year", "version", "kind", name="uq_event"),
    )
    _lock()


def _lock() -> None:
    """Triggers that refuse UPDATE and DELETE (and, on PostgreSQL, TRUNCATE)."""
    if op.get_bind().dialect.name == "sqlite":
        for t in LOCKED:
            for action in ("UPDATE", "DELETE"):
                op.execute(f"CREATE TRIGGER {t}_no_{action.lower()} BEFORE {action} ON {t} "
                           f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END")
        return
    op.execute("CREATE FUNCTION mkip_refuse_change() RETURNS trigger LANGUAGE plpgsql AS "
               f"$$ BEGIN RAISE EXCEPTION '{MESSAGE} (table %)', TG_TABLE_NAME; END $$")
    for t in LOCKED:
        op.execute(f"CREATE TRIGGER {t}_locked BEFORE UPDATE OR DELETE ON {t} "
                   "FOR EACH ROW EXECUTE FUNCTION mkip_refuse_change()")
        op.execute(f"CREATE TRIGGER {t}_no_truncate BEFORE TRUNCATE ON {t} "
                   "FOR EACH STATEMENT EXECUTE FUNCTION mkip_refuse_change()")


def downgrade() -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    for t in LOCKED:
        if sqlite:
            op.execute(f"DROP TRIGGER IF EXISTS {t}_no_update")
            op.execute(f"DROP TRIGGER IF EXISTS {t}_no_delete")
        else:
            op.execute(f"DROP TRIGGER IF EXISTS {t}_locked ON {t}")
            op.execute(f"DROP TRIGGER IF EXISTS {t}_no_truncate ON {t}")
    if not sqlite:
        op.execute("DROP FUNCTION IF EXISTS mkip_refuse_change()")
    for t in reversed(LOCKED):
        op.drop_table(t)
