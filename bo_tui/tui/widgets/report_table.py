"""How each category of the validation report (R-SYNC-4, R-SYNC-10) shows in a ``BigTable``:
its columns, Campus line above HR line, the changed cells, and its store-backed source."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import func, select

from bo_tui.core import sync as sync_core
from bo_tui.store.models.sync import SyncReportRow

from .big_table import Column, Row, TableSource

# The report's demographic summary fields, as the columns that show them.
FIELD_COLUMNS = {
    "ssn": ("ssn",),
    "staffNumber": ("staffNumber",),
    "name": ("lastName", "firstName", "middleName"),
    "gender": ("gender",),
    "personalEmail": ("personalEmail",),
    "workEmail": ("workEmail",),
    "cellPhone": ("cellPhone",),
    "otherPhone": ("otherPhone",),
    "workPhone": ("workPhone",),
    "birthDate": ("birthDate",),
}
FIELD_LABELS = {
    "ssn": "SSN",
    "staffNumber": "Staff Number",
    "name": "Name",
    "gender": "Gender",
    "personalEmail": "Personal Email",
    "workEmail": "Work Email",
    "cellPhone": "Cell Phone",
    "otherPhone": "Other Phone",
    "workPhone": "Work Phone",
    "birthDate": "Birth Date",
}
SHORT_TITLES = {
    "demographicDifferences": "Demographics",
    "employmentDifferences": "Employment",
    "assignmentDifferences": "Assignments",
    "addressDifferences": "Addresses",
    "hrStaffNotInCampus": "HR not in Campus",
    "campusStaffNotInHr": "Campus not in HR",
    "campusDuplicateStaffNumbers": "Duplicate numbers",
    "campusNoStaffNumber": "No staff number",
    "possibleDuplicates": "Possible duplicates",
}
# Categories whose rows are staged HR staff members, so a reviewer can hold them back.
HOLDABLE = {
    "demographicDifferences",
    "employmentDifferences",
    "assignmentDifferences",
    "addressDifferences",
    "hrStaffNotInCampus",
    "possibleDuplicates",
}

SYSTEM = Column("system", "System", 6)
STAFF = Column("staffNumber", "Staff Number", 12)
PERSON = [
    Column("lastName", "Last Name", 12),
    Column("firstName", "First Name", 10),
    Column("middleName", "Middle", 7),
    Column("gender", "G", 1),
    Column("ssn", "SSN", 11),
    Column("birthDate", "Birth Date", 10),
    Column("workEmail", "Work Email", 26),
    Column("workPhone", "Work Phone", 14),
    Column("cellPhone", "Cell Phone", 14),
    Column("otherPhone", "Other Phone", 14),
    Column("personalEmail", "Personal Email", 26),
]
CAMPUS_ONLY = [c for c in PERSON if c.key in ("lastName", "firstName", "middleName", "gender")] + [
    Column("workEmail", "Work Email", 26),
    Column("workPhone", "Work Phone", 14),
    Column("birthDate", "Birth Date", 10),
    Column("personId", "Person ID", 9),
]


def _s(value) -> str:
    return "" if value is None else str(value)


def _person_line(system: str | None, p: dict | None, cols: list[Column]) -> tuple[str, ...]:
    p = p or {}
    head = (system,) if system is not None else ()
    return (*head, _s(p.get("staffNumber")), *(_s(p.get(c.key)) for c in cols))


def _joined(items: list[dict], key: str) -> str:
    return ", ".join(_s(i.get(key)) or "—" for i in items)


@dataclass(frozen=True)
class CategoryView:
    category: str
    columns: list[Column]
    row_height: int
    fixed: int
    to_row: Callable[[dict], Row]
    has_changes: bool = True

    @property
    def holdable(self) -> bool:
        return self.category in HOLDABLE


def _demographic(d: dict) -> Row:
    campus, hr = d.get("campus") or {}, d.get("hr") or {}
    changed: set[str] = set()
    for f in d.get("differences", ()):
        cols = FIELD_COLUMNS.get(f, (f,))
        if f == "name":
            differing = [c for c in cols if _s(campus.get(c)) != _s(hr.get(c))]
            cols = differing or cols
        changed.update(cols)
    return Row(
        d.get("staffNumber"),
        (_person_line("Campus", campus, PERSON), _person_line("HR", hr, PERSON)),
        frozenset(changed),
        d,
    )


EMPLOYMENT_COLS = [
    SYSTEM,
    STAFF,
    Column("name", "Name", 20),
    Column("hireDate", "Hire/Start Date", 24),
    Column("terminationDate", "Termination/End Date", 24),
]


def _name(d: dict) -> str:
    return ", ".join(p for p in (_s(d.get("lastName")), _s(d.get("firstName"))) if p)


def _lists_row(d: dict, keys: tuple[str, ...]) -> Row:
    campus, hr = d.get("campus") or [], d.get("hr") or []
    changed = {
        k for k in keys if sorted(_s(i.get(k)) for i in campus) != sorted(_s(i.get(k)) for i in hr)
    }
    sn = d.get("staffNumber")
    return Row(
        sn,
        (
            ("Campus", _s(sn), _name(d), *(_joined(campus, k) for k in keys)),
            ("HR", _s(sn), "", *(_joined(hr, k) for k in keys)),
        ),
        frozenset(changed or keys),
        d,
    )


ASSIGNMENT_KEYS = ("titleCode", "assignmentCode", "schoolNumber", "startDate", "endDate")
ASSIGNMENT_COLS = [
    SYSTEM,
    STAFF,
    Column("name", "Name", 18),
    Column("titleCode", "Title Code", 12),
    Column("assignmentCode", "Assignment", 10),
    Column("schoolNumber", "School", 8),
    Column("startDate", "Start Date", 22),
    Column("endDate", "End Date", 22),
]
ADDRESS_COLS = [
    STAFF,
    Column("lastName", "Last Name", 12),
    Column("firstName", "First Name", 10),
    Column("address", "HR address (added to Campus)", 56),
    Column("normalized", "Parsed", 6),
]


def _address(d: dict) -> Row:
    hr = d.get("hr") or {}
    return Row(
        d.get("staffNumber"),
        (
            (
                _s(d.get("staffNumber")),
                _s(d.get("lastName")),
                _s(d.get("firstName")),
                _s(hr.get("address")),
                "yes" if hr.get("normalized") else "no",
            ),
        ),
        frozenset({"address"}),
        d,
    )


def _single(side: str, cols: list[Column]) -> Callable[[dict], Row]:
    def to_row(d: dict) -> Row:
        return Row(d.get("staffNumber"), (_person_line(None, d.get(side), cols),), frozenset(), d)

    return to_row


DUPLICATE_COLS = [
    SYSTEM,
    STAFF,
    *PERSON[:6],
    Column("studentNumber", "Student #", 10),
    Column("match", "Matched on", 20),
]


def _possible_duplicate(d: dict) -> Row:
    hr, campus = d.get("hr") or {}, d.get("campus") or {}
    cols = DUPLICATE_COLS[2:-2]
    return Row(
        d.get("staffNumber"),
        (
            (*_person_line("HR", hr, cols), "", _s(d.get("match"))),
            (*_person_line("Campus", campus, cols), _s(campus.get("studentNumber")), ""),
        ),
        frozenset(),
        d,
    )


VIEWS: dict[str, CategoryView] = {
    v.category: v
    for v in (
        CategoryView("demographicDifferences", [SYSTEM, STAFF, *PERSON], 2, 2, _demographic),
        CategoryView(
            "employmentDifferences",
            EMPLOYMENT_COLS,
            2,
            2,
            lambda d: _lists_row(d, ("hireDate", "terminationDate")),
        ),
        CategoryView(
            "assignmentDifferences",
            ASSIGNMENT_COLS,
            2,
            2,
            lambda d: _lists_row(d, ASSIGNMENT_KEYS),
        ),
        CategoryView("addressDifferences", ADDRESS_COLS, 1, 1, _address),
        CategoryView(
            "hrStaffNotInCampus", [STAFF, *PERSON], 1, 1, _single("hr", PERSON), has_changes=False
        ),
        CategoryView(
            "campusStaffNotInHr",
            [STAFF, *PERSON],
            1,
            1,
            _single("campus", PERSON),
            has_changes=False,
        ),
        CategoryView(
            "campusDuplicateStaffNumbers",
            [STAFF, *CAMPUS_ONLY],
            1,
            1,
            _single("campus", CAMPUS_ONLY),
            has_changes=False,
        ),
        CategoryView(
            "campusNoStaffNumber",
            [STAFF, *CAMPUS_ONLY],
            1,
            1,
            _single("campus", CAMPUS_ONLY),
            has_changes=False,
        ),
        CategoryView(
            "possibleDuplicates", DUPLICATE_COLS, 2, 2, _possible_duplicate, has_changes=False
        ),
    )
}


# --- the store-backed source -----------------------------------------------------------------
# count/page are the core's (report.count/page). Two reads the core does not offer yet are
# done here, read-only: the index of the next match (n/N) and the changed-field filter (f).


def _field_clause(field: str):
    # ``differences`` is the last key of a demographic row's JSON, so a match after its opening
    # bracket is a listed field, never another key.
    return SyncReportRow.data.like(f'%"differences":[%"{field}"%', escape="\\")


def _filtered(stmt, sync_id: int, category: str, field: str | None):
    stmt = stmt.where(SyncReportRow.sync_id == sync_id, SyncReportRow.category == category)
    if field:
        stmt = stmt.where(_field_clause(field))
    return stmt


def report_source(store, category: str, sync_id: int, *, field: str | None = None) -> TableSource:
    """A ``TableSource`` over one category of the report of sync ``sync_id`` (optionally only
    demographic rows where ``field`` differs)."""
    view = VIEWS[category]

    def count() -> int:
        with store.session() as s:
            if field is None:
                return sync_core.count(s, category, sync_id=sync_id)
            stmt = _filtered(
                select(func.count()).select_from(SyncReportRow), sync_id, category, field
            )
            return s.scalar(stmt) or 0

    def page(offset: int, limit: int) -> list[Row]:
        with store.session() as s:
            if field is None:
                data = sync_core.page(s, category, offset, limit, sync_id=sync_id)
            else:
                stmt = (
                    _filtered(select(SyncReportRow.data), sync_id, category, field)
                    .order_by(SyncReportRow.seq)
                    .offset(offset)
                    .limit(limit)
                )
                data = [json.loads(d) for d in s.scalars(stmt)]
        return [view.to_row(d) for d in data]

    def find(text: str, start: int, direction: int) -> int | None:
        needle = text.strip().lower()
        if not needle:
            return None
        with store.session() as s:
            seq = SyncReportRow.seq
            base = _filtered(select(seq), sync_id, category, field).where(
                SyncReportRow.search.contains(needle, autoescape=True)
            )
            if field is None:
                # Unfiltered, the row index is the category's dense ``seq``.
                stmt = (
                    base.where(seq > start).order_by(seq.asc())
                    if direction > 0
                    else base.where(seq < start).order_by(seq.desc())
                )
                return s.scalar(stmt.limit(1))
            # Filtered, the index is the number of filtered rows before the match.
            start_seq = _seq_at(s, sync_id, category, field, start)
            stmt = (
                base.where(seq > start_seq).order_by(seq.asc())
                if direction > 0
                else base.where(seq < start_seq).order_by(seq.desc())
            )
            found = s.scalar(stmt.limit(1))
            if found is None:
                return None
            before = _filtered(
                select(func.count()).select_from(SyncReportRow), sync_id, category, field
            )
            return s.scalar(before.where(seq < found)) or 0

    return TableSource(count=count, page=page, find=find, has_changes=view.has_changes)


def _seq_at(s, sync_id: int, category: str, field: str, index: int) -> int:
    if index < 0:
        return -1
    stmt = (
        _filtered(select(SyncReportRow.seq), sync_id, category, field)
        .order_by(SyncReportRow.seq)
        .offset(index)
        .limit(1)
    )
    found = s.scalar(stmt)
    return found if found is not None else 1 << 62
