"""The validation report (R-SYNC-4, R-SYNC-10): the summary with exactly the SPEC's keys, and
the rows of every category kept in the store and offered as ``count`` + ``page`` (all rows,
never only the first 100), plus the whole report as JSON for the API."""

from __future__ import annotations

import json
from collections.abc import Iterator

from pydantic import BaseModel
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ...store.models.sync import SyncReportRow, SyncRun
from ..errors import FieldError, NotFound
from .states import iso, last_run

DEMOGRAPHIC_FIELDS = (
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
# Summary keys of SPEC section 6, in the seed's order; then the categories only in details.
SUMMARY_KEYS = (
    "demographicDifferences",
    "employmentDifferences",
    "assignmentDifferences",
    "addressDifferences",
    "hrStaffNotInCampus",
    "campusStaffNotInHr",
    "campusDuplicateStaffNumbers",
    "campusNoStaffNumber",
)
CATEGORIES = (*SUMMARY_KEYS, "possibleDuplicates")
TITLES = {
    "demographicDifferences": "Demographic Differences",
    "employmentDifferences": "District Employment Differences",
    "assignmentDifferences": "District Assignment Differences",
    "addressDifferences": "Addresses in HR NOT in Campus",
    "hrStaffNotInCampus": "HR staff NOT in Campus",
    "campusStaffNotInHr": "Campus staff NOT in HR",
    "campusDuplicateStaffNumbers": "Campus staff with duplicate staff numbers",
    "campusNoStaffNumber": "Campus staff with no staff number",
    "possibleDuplicates": "Possible duplicate persons (use Combine Person)",
}
NOTES = {
    "demographicDifferences": "Campus System data will be replaced with the HR System data",
    "employmentDifferences": "Campus System data will be replaced with the HR System data",
    "assignmentDifferences": "Campus System data will be replaced with the HR System data",
    "addressDifferences": "HR System data will be added to the Campus System data",
    "hrStaffNotInCampus": "These staff members will be created in Campus",
    "campusStaffNotInHr": "These staff members are left untouched",
    "campusDuplicateStaffNumbers": "Staff Numbers must be unique",
    "campusNoStaffNumber": "Staff without a staff number cannot be synced",
    "possibleDuplicates": "Combine Person with the staff member as the base person",
}


class Report(BaseModel):
    """The validation report as the API returns it."""

    syncId: int
    generatedAt: str | None
    summary: dict
    details: dict[str, list[dict]] | None = None

    def as_dict(self) -> dict:
        out = {"syncId": self.syncId, "generatedAt": self.generatedAt, "summary": self.summary}
        if self.details is not None:
            out["details"] = self.details
        return out


def empty_summary() -> dict:
    out: dict = {k: 0 for k in SUMMARY_KEYS}
    out["demographicDifferences"] = {"total": 0, "fields": {f: 0 for f in DEMOGRAPHIC_FIELDS}}
    return out


def _run(session: Session, sync_id: int | None) -> SyncRun:
    run = session.get(SyncRun, sync_id) if sync_id else last_run(session)
    if run is None or run.summary is None:
        raise NotFound(
            "no validation report yet: validate the sync first",
            [FieldError("state", "no validation report yet", "R-SYNC-4")],
        )
    return run


def _check_category(category: str) -> None:
    if category not in CATEGORIES:
        raise NotFound(
            f"unknown report category; valid: {', '.join(CATEGORIES)}",
            [FieldError("category", "is not a report category", "R-SYNC-4")],
        )


def _where(stmt, sync_id: int, category: str, text: str | None):
    stmt = stmt.where(SyncReportRow.sync_id == sync_id, SyncReportRow.category == category)
    if text and text.strip():
        stmt = stmt.where(SyncReportRow.search.contains(text.strip().lower(), autoescape=True))
    return stmt


def count(
    session: Session, category: str, text: str | None = None, *, sync_id: int | None = None
) -> int:
    """Rows of one category (matching ``text`` in staff number or names, when given)."""
    _check_category(category)
    run = _run(session, sync_id)
    return (
        session.scalar(
            _where(select(func.count()).select_from(SyncReportRow), run.id, category, text)
        )
        or 0
    )


def page(
    session: Session,
    category: str,
    offset: int = 0,
    limit: int = 100,
    text: str | None = None,
    *,
    sync_id: int | None = None,
) -> list[dict]:
    """One page of a category's rows, in report order: an index seek, whatever the offset
    (``seq`` is dense per category, so an unfiltered page is a range, not an OFFSET scan)."""
    _check_category(category)
    run = _run(session, sync_id)
    stmt = _where(select(SyncReportRow.data), run.id, category, text)
    if text and text.strip():
        stmt = stmt.order_by(SyncReportRow.seq).offset(max(offset, 0)).limit(max(limit, 0))
    else:
        stmt = stmt.where(
            SyncReportRow.seq >= max(offset, 0), SyncReportRow.seq < max(offset, 0) + max(limit, 0)
        )
        stmt = stmt.order_by(SyncReportRow.seq)
    return [json.loads(d) for d in session.scalars(stmt)]


def iter_rows(
    session: Session, category: str, *, sync_id: int | None = None, chunk: int = 2000
) -> Iterator[dict]:
    """Every row of a category, read a page at a time (exports stay flat in memory)."""
    run = _run(session, sync_id)
    seq = 0
    while True:
        rows = session.scalars(
            select(SyncReportRow.data)
            .where(
                SyncReportRow.sync_id == run.id,
                SyncReportRow.category == category,
                SyncReportRow.seq >= seq,
                SyncReportRow.seq < seq + chunk,
            )
            .order_by(SyncReportRow.seq)
        ).all()
        if not rows:
            return
        for d in rows:
            yield json.loads(d)
        seq += chunk


def summary(session: Session, *, sync_id: int | None = None) -> dict:
    return json.loads(_run(session, sync_id).summary)


def report(session: Session, *, sync_id: int | None = None, details: bool = True) -> Report:
    """The last validation report of the open (or last) sync."""
    run = _run(session, sync_id)
    out = Report(syncId=run.id, generatedAt=iso(run.validated_at), summary=json.loads(run.summary))
    if details:
        out.details = {c: list(iter_rows(session, c, sync_id=run.id)) for c in CATEGORIES}
    return out
