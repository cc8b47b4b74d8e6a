"""The date of the board meeting that approved a closed year.

A closed year's approval is dated by the board meeting that approved it; the time of
closing (``closed_at``) stays beside it.  Years closed before this revision have no
meeting date (null: "not recorded").  Adding a nullable column changes no stored row, so
the triggers that lock ``closed_years`` (0001) stay as they are and are not fired.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-27
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # a plain ALTER TABLE ... ADD COLUMN on both SQLite and PostgreSQL: no copy of the
    # table (which would drop its triggers on SQLite), no row rewritten
    op.add_column("closed_years", sa.Column("meeting_date", sa.Date, nullable=True))


def downgrade() -> None:
    # ALTER TABLE ... DROP COLUMN (SQLite 3.35 or later), again without copying the table
    op.execute("ALTER TABLE closed_years DROP COLUMN meeting_date")
