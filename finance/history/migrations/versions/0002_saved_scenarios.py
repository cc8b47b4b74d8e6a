"""Saved scenarios: what-ifs kept by name with the year they apply to.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

MESSAGE = "the history is append-only: a stored row cannot be changed or deleted"


def upgrade() -> None:
    op.create_table(
        "saved_scenarios",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("partnership_id", sa.Integer, sa.ForeignKey("partnerships.id"),
                  nullable=False),
        sa.Column("year", sa.String(7), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("scenarios_toml", sa.Text, nullable=False),
        sa.Column("saved_by", sa.String(200), nullable=False),
        sa.Column("saved_at", sa.DateTime(timezone=True), nullable=False),
    )
    if op.get_bind().dialect.name == "sqlite":
        for action in ("UPDATE", "DELETE"):
            op.execute(f"CREATE TRIGGER saved_scenarios_no_{action.lower()} BEFORE {action} "
                       f"ON saved_scenarios BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END")
    else:
        op.execute("CREATE TRIGGER saved_scenarios_locked BEFORE UPDATE OR DELETE ON "
                   "saved_scenarios FOR EACH ROW EXECUTE FUNCTION mkip_refuse_change()")
        op.execute("CREATE TRIGGER saved_scenarios_no_truncate BEFORE TRUNCATE ON "
                   "saved_scenarios FOR EACH STATEMENT EXECUTE FUNCTION mkip_refuse_change()")


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TRIGGER IF EXISTS saved_scenarios_no_update")
        op.execute("DROP TRIGGER IF EXISTS saved_scenarios_no_delete")
    else:
        op.execute("DROP TRIGGER IF EXISTS saved_scenarios_locked ON saved_scenarios")
        op.execute("DROP TRIGGER IF EXISTS saved_scenarios_no_truncate ON saved_scenarios")
    op.drop_table("saved_scenarios")
