"""lighter staging: two indexes of the sync staging tables that validate never needed

Every staged row paid for them on transfer (R-SYNC-2); validate (R-SYNC-4) reads staged rows by
person through the persons key and addresses through ``addresses.norm_key``, and measured the
same or faster without them (bench/bench_sync.py).

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22 11:30:00
"""

from __future__ import annotations

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_index("ix_sync_staged_person", table_name="sync_staged")
    op.drop_index("ix_sync_staged_addresses_key", table_name="sync_staged_addresses")


def downgrade() -> None:
    op.create_index("ix_sync_staged_person", "sync_staged", ["sync_id", "person_id"])
    op.create_index(
        "ix_sync_staged_addresses_key", "sync_staged_addresses", ["sync_id", "norm_key"]
    )
