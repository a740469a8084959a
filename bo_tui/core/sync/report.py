"""The validation report (R-SYNC-4, R-SYNC-10): the summary with exactly the SPEC's keys, the
categories with their titles and notes, and the report of a sync (its rows are read through
``report_query``: all rows, never only the first 100)."""

from __future__ import annotations

import json

from pydantic import BaseModel
from sqlalchemy.orm import Session

from ...store.models.sync import SyncRun
from ..errors import FieldError, NotFound
from .states import last_run

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
# The columns (payload keys) that show each demographic field: a name is three of them.
FIELD_COLUMNS = {f: (f,) for f in DEMOGRAPHIC_FIELDS} | {
    "name": ("lastName", "firstName", "middleName")
}
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
    "willNotCommit",  # R-SYNC-12
    "hrDuplicateStaffNumbers",  # issue 18: what the HR file collapsed
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
    "willNotCommit": "HR records the commit will refuse",
    "hrDuplicateStaffNumbers": "Staff numbers more than once in one HR file",
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
    "willNotCommit": "Fix these in Campus or in HR before the commit, or they fail",
    "hrDuplicateStaffNumbers": "The last copy in the file was staged; the earlier ones were replaced",
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


def summary(session: Session, *, sync_id: int | None = None) -> dict:
    return json.loads(_run(session, sync_id).summary)
