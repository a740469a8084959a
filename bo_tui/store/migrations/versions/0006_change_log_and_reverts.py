"""change log and reverts: one row per changed field of staff data (R-HIST-1), a revert as a
sync run of kind "revert" (R-HIST-2), the sync's source, and the right to read history (R-HIST-3)

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-06 18:10:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

HISTORY_READ = "boi_history"
SYNC_RIGHT = "boi_admin"


def _grant_history_to_sync_admins() -> None:
    # Who could commit a sync before this revision may read what it changed (R-HIST-3).
    conn = op.get_bind()
    rights = sa.table(
        "user_rights",
        sa.column("user_id", sa.Integer),
        sa.column("right", sa.String),
    )
    admins = set(
        conn.execute(sa.select(rights.c.user_id).where(rights.c.right == SYNC_RIGHT)).scalars()
    )
    have = set(
        conn.execute(sa.select(rights.c.user_id).where(rights.c.right == HISTORY_READ)).scalars()
    )
    rows = [{"user_id": u, "right": HISTORY_READ} for u in sorted(admins - have)]
    if rows:
        conn.execute(rights.insert(), rows)


def upgrade() -> None:
    op.create_table(
        "change_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("source", sa.String(length=40), nullable=False),
        sa.Column("sync_id", sa.Integer(), nullable=True),
        sa.Column("revert_of", sa.Integer(), nullable=True),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("staff_number", sa.String(length=40), nullable=True),
        sa.Column("area", sa.String(length=20), nullable=False),
        sa.Column("field", sa.String(length=40), nullable=False),
        sa.Column("before", sa.Text(), nullable=True),
        sa.Column("after", sa.Text(), nullable=True),
        sa.Column("by", sa.String(length=80), nullable=True),
        sa.Column("tbl", sa.String(length=30), nullable=False),
        sa.Column("row_id", sa.Integer(), nullable=False),
        sa.Column("op", sa.String(length=1), nullable=False),
        sa.Column("col", sa.String(length=40), nullable=True),
        sa.Column("old_raw", sa.Text(), nullable=True),
        sa.Column("new_raw", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_change_log")),
    )
    with op.batch_alter_table("change_log", schema=None) as batch_op:
        batch_op.create_index("ix_change_log_person", ["person_id", "id"], unique=False)
        batch_op.create_index("ix_change_log_sync", ["sync_id", "id"], unique=False)
        batch_op.create_index("ix_change_log_sync_person", ["sync_id", "person_id"], unique=False)
    with op.batch_alter_table("sync_runs", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("kind", sa.String(length=10), server_default="sync", nullable=False)
        )
        batch_op.add_column(sa.Column("revert_of", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("source", sa.String(length=200), nullable=True))
    _grant_history_to_sync_admins()


def downgrade() -> None:
    with op.batch_alter_table("sync_runs", schema=None) as batch_op:
        batch_op.drop_column("source")
        batch_op.drop_column("revert_of")
        batch_op.drop_column("kind")
    op.drop_table("change_log")
