"""The change log of R-HIST-1: one row per changed field of a staff member's data, with what a
revert (R-HIST-2) needs to put it back: the table, the row, the column and the raw values."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import DateTime, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base


class ChangeLog(Base):
    """``before``/``after`` are what a screen shows (SSNs masked); ``old_raw``/``new_raw`` the
    stored values as JSON (an SSN as its ciphertext and keyed hash, never in plain text).
    ``op``: ``u`` a column changed, ``i`` a row added, ``d`` a row removed (raw: the whole row).
    No foreign keys: the log outlives the persons and syncs it names (a revert removes both)."""

    __tablename__ = "change_log"
    __table_args__ = (
        Index("ix_change_log_sync", "sync_id", "id"),
        Index("ix_change_log_sync_person", "sync_id", "person_id"),
        Index("ix_change_log_person", "person_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime)
    source: Mapped[str] = mapped_column(String(40))  # "sync #12", "API call", "revert #13", …
    sync_id: Mapped[int | None] = mapped_column(Integer)  # the sync or revert that wrote it
    revert_of: Mapped[int | None] = mapped_column(Integer)
    person_id: Mapped[int] = mapped_column(Integer)
    staff_number: Mapped[str | None] = mapped_column(String(40))
    area: Mapped[str] = mapped_column(String(20))
    field: Mapped[str] = mapped_column(String(40))
    before: Mapped[str | None] = mapped_column(Text)
    after: Mapped[str | None] = mapped_column(Text)
    by: Mapped[str | None] = mapped_column(String(80))
    tbl: Mapped[str] = mapped_column(String(30))
    row_id: Mapped[int] = mapped_column(Integer)
    op: Mapped[str] = mapped_column(String(1))
    col: Mapped[str | None] = mapped_column(String(40))
    old_raw: Mapped[str | None] = mapped_column(Text)
    new_raw: Mapped[str | None] = mapped_column(Text)


__all__ = ["ChangeLog"]
