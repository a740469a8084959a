"""What one HR file collapses (R-SYNC-2, issue 18): a staff number staged more than once from one
file is reported in the category ``hrDuplicateStaffNumbers`` with its lines and whether it differs."""

# A later copy still replaces the earlier one (R-SYNC-2); the report says it happened. Memory is
# one small entry per staff number of the file, and at most MAX_LINES lines per duplicate.

from __future__ import annotations

import hashlib
import json
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ...store.models.sync import SyncReportRow
from .bulk import insert_rows

CATEGORY = "hrDuplicateStaffNumbers"
MAX_LINES = 20  # lines listed per duplicated staff number (the count is always whole)
_R = SyncReportRow.__table__


def digest(record: Any) -> bytes:
    """A short fingerprint of a record's content, to tell copies that differ from true repeats."""
    if isinstance(record, bytes):
        text = record
    else:
        text = json.dumps(record, sort_keys=True, default=str).encode()
    return hashlib.blake2b(text, digest_size=8).digest()


class FileDuplicates:
    """The staff numbers of one file as its records are staged, in file order."""

    def __init__(self, name: str):
        self.name = name
        self._first: dict[str, tuple[int | None, bytes]] = {}
        self.found: dict[str, dict[str, Any]] = {}
        self.replaced = 0  # records replaced by a later copy in the same file

    def see(self, key: str, staff_number: str, line: int | None, fingerprint: bytes) -> None:
        first = self._first.get(key)
        if first is None:
            self._first[key] = (line, fingerprint)
            return
        self.replaced += 1
        row = self.found.get(key)
        if row is None:
            row = self.found[key] = {
                "staffNumber": staff_number,
                "file": self.name,
                "copies": 1,
                "lines": [first[0]],
                "differ": False,
            }
        row["copies"] += 1
        if len(row["lines"]) < MAX_LINES:
            row["lines"].append(line)
        row["keptLine"] = line  # the last copy is the one staged
        if fingerprint != first[1]:
            row["differ"] = True

    def write(self, session: Session, sync_id: int) -> None:
        """The report rows of this file's duplicates, after those of earlier files."""
        if not self.found:
            return
        seq0 = session.scalar(
            select(func.count()).where(_R.c.sync_id == sync_id, _R.c.category == CATEGORY)
        )
        rows = []
        for i, row in enumerate(self.found.values()):
            rows.append(
                {
                    "sync_id": sync_id,
                    "category": CATEGORY,
                    "seq": (seq0 or 0) + i,
                    "staff_number": row["staffNumber"],
                    "search": f"{row['staffNumber']} {self.name}".lower(),
                    "fields": 0,
                    "data": json.dumps(row, separators=(",", ":")),
                }
            )
        insert_rows(session, _R, rows)
