"""Validate (R-SYNC-4): compare the staged HR staff with Campus by staff number, without
changing Campus; store the report's rows (with their differing-field masks) and the commit's work."""

from __future__ import annotations

import datetime as dt
import json

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from ....store.models.sync import SyncRun
from ...preferences import get_preferences
from .. import check
from ..batch_sizes import INSERT_ROWS
from ..bulk import insert_rows
from ..hr_duplicates import CATEGORY as FILE_DUPLICATES
from ..report import Report
from ..report_query import field_mask, report
from ..states import TRANSFERRED, VALIDATED, require, utcnow
from .common import _P, _R, _S, _W, Diff, _rows
from .foretell import will_not_commit
from .households import address_rows, households, match_addresses
from .lists import assignments, employments
from .persons import (
    campus_lists,
    demographics,
    match,
    not_in_campus,
    not_in_hr,
    possible_duplicates,
)


def compare(session: Session, run: SyncRun, *, today: dt.date | None = None) -> Diff:
    """Every category, and which staged staff members a commit has work for."""
    today = today or dt.date.today()
    prefs = get_preferences(session)
    dup = match(session, run.id)
    diff = Diff(duplicated=dup)
    names = {
        sn: (last, first)
        for sn, last, first in _rows(
            session,
            select(_S.c.staff_number, _S.c.last_name, _S.c.first_name).where(
                _S.c.sync_id == run.id, _S.c.person_id.is_not(None)
            ),
        )
    }
    demographics(session, run.id, diff)
    employments(session, run.id, diff, names)
    assignments(session, run.id, diff, names)
    names_all = dict(names)
    diff.new = set(not_in_campus(session, run.id, dup, diff))
    for row in diff.rows["hrStaffNotInCampus"]:
        names_all[row["staffNumber"]] = (row["hr"]["lastName"], row["hr"]["firstName"])
    match_addresses(session, run.id)
    address_rows(session, run.id, diff, names_all, prefs.allowHouseholdAddress)
    if prefs.allowHouseholdAddress:
        households(session, run.id, diff, today)
    not_in_hr(session, run.id, diff)
    campus_lists(session, diff)
    possible_duplicates(session, run.id, dup, diff)
    will_not_commit(session, run.id, diff)
    diff.campus_staff = (
        session.scalar(select(func.count()).select_from(_P).where(check.IS_STAFF)) or 0
    )
    return diff


def write_rows(session: Session, sync_id: int, diff: Diff) -> None:
    # The files' duplicates were written by the transfer (issue 18): they stay.
    session.execute(delete(_R).where(_R.c.sync_id == sync_id, _R.c.category != FILE_DUPLICATES))
    batch: list[dict] = []
    for cat, rows in diff.rows.items():
        for seq, row in enumerate(rows):
            search = row.pop("_search", "")
            batch.append(
                {
                    "sync_id": sync_id,
                    "category": cat,
                    "seq": seq,
                    "staff_number": row.get("staffNumber"),
                    "search": search,
                    "fields": field_mask(row.get("differences", ())),
                    "data": json.dumps(row, separators=(",", ":")),
                }
            )
            if len(batch) >= INSERT_ROWS:
                insert_rows(session, _R, batch)
                batch = []
    if batch:
        insert_rows(session, _R, batch)


def write_work(session: Session, sync_id: int, diff: Diff) -> None:
    """Keep the work set for the commit (validate's answer stands until the next validate:
    after Campus data changes, validate again, as the seed says)."""
    session.execute(delete(_W).where(_W.c.sync_id == sync_id))
    rows = []
    for sn in diff.work:
        new = sn in diff.new
        rows.append(
            {
                "sync_id": sync_id,
                "staff_number": sn,
                # A number several Campus persons share is an update that fails visibly.
                "action": "create" if new else "update",
                "areas": ",".join(sorted(diff.areas[sn])) if sn in diff.areas else None,
            }
        )
    insert_rows(session, _W, rows)


def validate(session: Session, *, details: bool = True, today: dt.date | None = None) -> Report:
    """R-SYNC-4: compare, store the report, and return it. May run again after Campus
    data changes (the state stays validated); Campus is never changed here."""
    run = require(session, "validate", TRANSFERRED, VALIDATED)
    diff = compare(session, run, today=today)
    write_rows(session, run.id, diff)
    write_work(session, run.id, diff)
    run.state = VALIDATED
    run.validated_at = utcnow()
    summary = diff.summary()
    summary[FILE_DUPLICATES] = (
        session.scalar(
            select(func.count()).where(_R.c.sync_id == run.id, _R.c.category == FILE_DUPLICATES)
        )
        or 0
    )
    run.summary = json.dumps(summary)
    run.creates = diff.creates
    run.changes = len(diff.changed)
    run.campus_staff = diff.campus_staff
    session.flush()
    return report(session, sync_id=run.id, details=details)
