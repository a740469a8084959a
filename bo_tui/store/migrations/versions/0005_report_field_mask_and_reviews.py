"""report field mask and reviews: the differing demographic fields of a report row as a bit mask
column (the report's field filter reads it, not the row's JSON), kept with the staff number in
the category index, an index by staff number, and the rows a reviewer has seen, so the
"reviewed" counter is the store's (R-SYNC-4)

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-06 17:40:00
"""

from __future__ import annotations

import json

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

# The report's demographic fields in bit order, as they were at this revision.
_FIELDS = (
    "ssn",
    "staffNumber",
    "name",
    "gender",
    "personalEmail",
    "workEmail",
    "cellPhone",
    "otherPhone",
    "workPhone",
    "birthDate",
)


def _backfill() -> None:
    # Reports validated before this revision keep working with the field filter.
    conn = op.get_bind()
    rows = sa.table(
        "sync_report_rows",
        sa.column("id", sa.Integer),
        sa.column("category", sa.String),
        sa.column("fields", sa.Integer),
        sa.column("data", sa.Text),
    )
    found = conn.execute(
        sa.select(rows.c.id, rows.c.data).where(rows.c.category == "demographicDifferences")
    ).all()
    changes = []
    for row_id, data in found:
        diffs = json.loads(data).get("differences") or ()
        mask = sum(1 << i for i, f in enumerate(_FIELDS) if f in diffs)
        if mask:
            changes.append({"row_id": row_id, "mask": mask})
    if changes:
        conn.execute(
            rows.update()
            .where(rows.c.id == sa.bindparam("row_id"))
            .values(fields=sa.bindparam("mask")),
            changes,
        )


def upgrade() -> None:
    op.add_column(
        "sync_report_rows",
        sa.Column("fields", sa.Integer(), server_default="0", nullable=False),
    )
    with op.batch_alter_table("sync_report_rows", schema=None) as batch_op:
        # The mask and the staff number in the category index: a filtered page is decided there.
        batch_op.drop_index("ix_sync_report_rows_cat")
        batch_op.create_index(
            "ix_sync_report_rows_cat",
            ["sync_id", "category", "seq", "fields", "staff_number"],
            unique=False,
        )
        batch_op.create_index(
            "ix_sync_report_rows_staff", ["sync_id", "category", "staff_number"], unique=False
        )
    _backfill()
    op.create_table(
        "sync_reviews",
        sa.Column("sync_id", sa.Integer(), nullable=False),
        sa.Column("category", sa.String(length=40), nullable=False),
        sa.Column("staff_number", sa.String(length=40), nullable=False),
        sa.Column("reviewed_by", sa.String(length=80), nullable=True),
        sa.Column("reviewed_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["sync_id"],
            ["sync_runs.id"],
            name=op.f("fk_sync_reviews_sync_id_sync_runs"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "sync_id", "category", "staff_number", name=op.f("pk_sync_reviews")
        ),
    )


def downgrade() -> None:
    op.drop_table("sync_reviews")
    with op.batch_alter_table("sync_report_rows", schema=None) as batch_op:
        batch_op.drop_index("ix_sync_report_rows_staff")
        batch_op.drop_index("ix_sync_report_rows_cat")
        batch_op.create_index(
            "ix_sync_report_rows_cat", ["sync_id", "category", "seq"], unique=False
        )
        batch_op.drop_column("fields")
