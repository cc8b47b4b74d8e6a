"""Members and their roles; their changes are events of the chain.

- ``members``: one row per partnership and e-mail (lower case), with the member's role
  (``viewer``, ``preparer``, ``approver`` or ``admin``).  Members come and go, so this
  table is not locked; every change of it is an event instead.
- ``events.member`` and ``events.role``: a member's event holds the member's e-mail and
  the role (null for every other event, so the events stored before hash as they did);
  on PostgreSQL ``events.kind`` is widened to 30 characters for ``member_role_changed``
  (a wider ``VARCHAR`` rewrites no row; SQLite does not enforce the length).

Plain ``ALTER TABLE ... ADD COLUMN``: the locked tables are not copied, no stored row is
rewritten, and their triggers stay as they are.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

MEMBER_KINDS = ("member_added", "member_role_changed", "member_removed")


def upgrade() -> None:
    op.create_table(
        "members",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("partnership_id", sa.Integer, sa.ForeignKey("partnerships.id"),
                  nullable=False),
        sa.Column("email", sa.String(320), nullable=False),
        sa.Column("role", sa.String(20), nullable=False),
        sa.UniqueConstraint("partnership_id", "email", name="uq_member"),
        sa.CheckConstraint("role IN ('viewer', 'preparer', 'approver', 'admin')",
                           name="ck_member_role"),
        sa.CheckConstraint("email = lower(email)", name="ck_member_email_lower"),
    )
    op.add_column("events", sa.Column("member", sa.String(320), nullable=True))
    op.add_column("events", sa.Column("role", sa.String(20), nullable=True))
    if op.get_bind().dialect.name != "sqlite":
        op.execute("ALTER TABLE events ALTER COLUMN kind TYPE VARCHAR(30)")


def downgrade() -> None:
    bind = op.get_bind()
    kinds = ", ".join(f"'{k}'" for k in MEMBER_KINDS)
    found = bind.execute(sa.text(f"SELECT count(*) FROM events WHERE kind IN ({kinds})")
                         ).scalar_one()
    if found:
        raise RuntimeError(f"The history holds {found} change(s) of members, which schema "
                           "0004 cannot keep; it is not downgraded.")
    op.drop_table("members")
    # ALTER TABLE ... DROP COLUMN (SQLite 3.35 or later): no copy, the locks stay
    op.execute("ALTER TABLE events DROP COLUMN role")
    op.execute("ALTER TABLE events DROP COLUMN member")
    if bind.dialect.name != "sqlite":
        op.execute("ALTER TABLE events ALTER COLUMN kind TYPE VARCHAR(10)")
