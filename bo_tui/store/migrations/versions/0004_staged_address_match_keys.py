"""staged address match keys: R-ADDR-4's later keys of an HR address, so validate matches an
address the way a commit will (its re-parsed street line, a spelled-out prefix read as part of
the street name), not by its canonical key alone

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-22 14:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("sync_staged_addresses", sa.Column("match_keys", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("sync_staged_addresses") as batch:
        batch.drop_column("match_keys")
