"""What one HR file collapses (R-SYNC-2, issue 18): a staff number staged more than once from one
file is reported in the category ``hrDuplicateStaffNumbers`` with its lines and whether it differs."""

# A later copy still replaces the earlier one (R-SYNC-2); the report says it happened. Memory is
# 12 bytes per record of the file, and at most MAX_LINES lines per duplicated staff number.

from __future__ import annotations

import hashlib
import json
from array import array
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ...store.models.sync import SyncReportRow
from .bulk import insert_rows

CATEGORY = "hrDuplicateStaffNumbers"
MAX_LINES = 20  # lines listed per duplicated staff number (the count is always whole)
_R = SyncReportRow.__table__


def digest(record: Any) -> int:
    """A short fingerprint of a record's content, to tell copies that differ from true repeats."""
    if isinstance(record, bytes):
        text = record
    else:
        text = json.dumps(record, sort_keys=True, default=str).encode()
    return int.from_bytes(hashlib.blake2b(text, digest_size=7).digest())


class FileDuplicates:
    """The staff numbers of one file as its records are staged, in file order. A record's seq
    is the file's first seq plus its index, so the copy staged earlier is what the staging
    write found by its staff key (``staging.transfer``'s ``found``); only lines and
    fingerprints are kept here, in two arrays (12 bytes a record), never a dictionary of every
    staff number of the file."""

    def __init__(self, name: str):
        self.name = name
        self.lines = array("I")  # per record of the file, by index: its line (0: unknown)
        self.prints = array("Q")  # … and its fingerprint
        self.found: dict[str, dict[str, Any]] = {}
        self.first: dict[str, int] = {}  # duplicated staff key -> index of its first copy
        self.replaced = 0  # records replaced by a later copy in the same file

    def see_batch(
        self,
        seq0: int,
        base: int,
        batch: list[tuple[str | None, str | None, int | None, int]],
        staged: list[tuple[str, int]],
    ) -> None:
        """A batch just staged, its records from index ``base`` of the file (``seq0`` the
        file's first seq): (staff key or None when rejected, staff number, line, fingerprint)
        each; ``staged``: (staff number, seq) of those staged already when it was written."""
        earlier = {sn.strip().lower(): seq - seq0 for sn, seq in staged if seq >= seq0}
        for i, (key, sn, line, fingerprint) in enumerate(batch):
            self.lines.append(line or 0)
            self.prints.append(fingerprint)
            if key is None:
                continue
            before = earlier.get(key)
            earlier[key] = base + i
            if before is not None:
                self._again(key, sn or key, before, base + i)

    def _again(self, key: str, staff_number: str, before: int, index: int) -> None:
        self.replaced += 1
        row = self.found.get(key)
        if row is None:
            self.first[key] = before
            row = self.found[key] = {
                "staffNumber": staff_number,
                "file": self.name,
                "copies": 1,
                "lines": [self.lines[before] or None],
                "differ": False,
            }
        line = self.lines[index] or None
        row["copies"] += 1
        if len(row["lines"]) < MAX_LINES:
            row["lines"].append(line)
        row["keptLine"] = line  # the last copy is the one staged
        if self.prints[index] != self.prints[self.first[key]]:
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
