"""re-key addresses to the R-ADDR-7 normal form: a unit's number decides, nested units in a fixed
order, route names and "Avenue X" read alike; rows that become one address are merged

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-06 18:20:00
"""

from __future__ import annotations

from alembic import op
from sqlalchemy.orm import Session

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # The engine's own re-key (idempotent): each stored address gets the key of its columns
    # today, and rows that now share a key keep the oldest, their household locations moved.
    from bo_tui.core.addresses.rekey import rekey

    session = Session(bind=op.get_bind())
    rekey(session)
    session.flush()


def downgrade() -> None:
    # Keys of the newer form stay: the older engine re-keys nothing and still finds exact rows
    # by their components (R-ADDR-4); merged rows are not split again.
    pass
