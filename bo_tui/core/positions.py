"""District assignments (positions): validation (R-POS-1..3), unknown titles created (R-POS-4),
add (R-POS-6), update by matching (R-POS-5), and the complete-list update of R-POS-7."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import and_, bindparam, delete, func, insert, select, update
from sqlalchemy.orm import Session

from ..store.models import Position, Title
from . import notifications
from .change_log import API_CALL, by_staff_number, recorded
from .errors import FieldError, NotFound, RuleViolation
from .identities import person_for_staff_number
from .reference import lookup
from .schemas import PositionIn, fields_of
from .staff_models import StaffResult

_T = Position.__table__
_INSERT = insert(_T)
_OF_PERSON = (
    select(
        _T.c.id,
        _T.c.school_id,
        _T.c.assignment_code,
        _T.c.title_code,
        _T.c.start_date,
        _T.c.end_date,
        _T.c.linked,
    )
    .where(_T.c.person_id == bindparam("pid"))
    .order_by(_T.c.id)
)
_SET_END = update(_T).where(_T.c.id == bindparam("_id")).values(end_date=bindparam("_end"))


@dataclass(slots=True)
class PositionRow:
    """A validated position, ready for the store."""

    school_id: int
    school_number: str
    assignment_code: str | None
    title_code: str | None
    title_description: str | None
    start_date: dt.date | None
    end_date: dt.date | None

    @property
    def key(self) -> tuple:
        return (
            self.school_id,
            self.assignment_code,
            self.title_code,
            self.start_date,
            self.end_date,
        )

    @property
    def start_key(self) -> tuple:
        return (self.school_id, self.assignment_code, self.title_code, self.start_date)

    def as_insert(self, person_id: int) -> dict:
        return {
            "person_id": person_id,
            "school_id": self.school_id,
            "assignment_code": self.assignment_code,
            "title_code": self.title_code,
            "start_date": self.start_date,
            "end_date": self.end_date,
            "linked": False,
        }


def _blank_to_none(value: str | None) -> str | None:
    return value if value else None


def _at(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name


def check_positions(
    session: Session,
    positions: Sequence[PositionIn | dict],
    prefix: str,
    errors: list[FieldError],
    *,
    creating: bool = True,
) -> list[PositionRow]:
    """R-POS-1..3 for a list of positions (models or their plain-dict form); every error goes
    to ``errors`` with its JSON path (``positions[0].schoolNumber``). ``creating``: startDate
    is required (R-POS-3)."""
    ref = lookup(session)
    sent = [fields_of(p) for p in positions]
    schools = ref.school_ids(p.get("schoolNumber") for p in sent if p.get("schoolNumber"))
    codes = ref.assignments_exist(_blank_to_none(p.get("assignmentCode")) for p in sent)
    rows: list[PositionRow] = []
    for i, p in enumerate(sent):
        path = f"{prefix}[{i}]" if prefix else ""
        before = len(errors)
        school_id = None
        school_number = p.get("schoolNumber")
        if not school_number:
            errors.append(FieldError(_at(path, "schoolNumber"), "is required", "R-POS-3"))
        else:
            school_id = schools.get(school_number)
            if school_id is None:
                errors.append(
                    FieldError(
                        _at(path, "schoolNumber"), "is not a Campus school number", "R-POS-1"
                    )
                )
        assignment = _blank_to_none(p.get("assignmentCode"))
        title = _blank_to_none(p.get("titleCode"))
        if assignment is not None and not codes.get(assignment):
            errors.append(
                FieldError(
                    _at(path, "assignmentCode"), "is not a Campus assignment code", "R-POS-2"
                )
            )
        if assignment is None and title is None:
            errors.append(
                FieldError(
                    _at(path, "titleCode"), "titleCode or assignmentCode is required", "R-POS-3"
                )
            )
        start = p.get("startDate")
        if creating and start is None:
            errors.append(FieldError(_at(path, "startDate"), "is required", "R-POS-3"))
        if len(errors) == before:
            rows.append(
                PositionRow(
                    school_id=school_id,  # type: ignore[arg-type]
                    school_number=school_number,  # type: ignore[arg-type]
                    assignment_code=assignment,
                    title_code=title,
                    title_description=_blank_to_none(p.get("titleDescription")),
                    start_date=start,
                    end_date=p.get("endDate"),
                )
            )
    return rows


def ensure_titles(session: Session, rows: Sequence[PositionRow]) -> list[str]:
    """R-POS-4: unknown title codes are created with their titleDescription."""
    wanted: dict[str, str | None] = {}
    for r in rows:
        if r.title_code is not None and not wanted.get(r.title_code):
            wanted[r.title_code] = r.title_description
    return lookup(session).ensure_titles(wanted) if wanted else []


def insert_positions(session: Session, person_id: int, rows: Sequence[PositionRow]) -> None:
    if rows:
        session.connection().execute(_INSERT, [r.as_insert(person_id) for r in rows])


def apply_position_list(
    session: Session,
    person_id: int,
    rows: Sequence[PositionRow],
    result: StaffResult,
    prefix: str = "positions",
) -> bool:
    """R-POS-7: ``rows`` is the complete list. Identical positions are kept as they are (never
    recreated, so their Campus links survive); a sent position that differs from a Campus one
    only in endDate updates that one in place (the seed's best practice: resend every position,
    with an end date on those no longer valid); the rest are added. Campus positions left over
    are removed, except linked ones, which are kept and reported as warnings."""
    existing = session.connection().execute(_OF_PERSON, {"pid": person_id}).all()
    by_key: dict[tuple, list] = {}
    for e in existing:
        by_key.setdefault(
            (e.school_id, e.assignment_code, e.title_code, e.start_date, e.end_date), []
        ).append(e)
    used: set[int] = set()
    pending: list[PositionRow] = []
    for r in rows:
        pool = by_key.get(r.key)
        if pool:
            used.add(pool.pop(0).id)
        else:
            pending.append(r)
    by_start: dict[tuple, list] = {}
    for e in existing:
        if e.id not in used:
            by_start.setdefault(
                (e.school_id, e.assignment_code, e.title_code, e.start_date), []
            ).append(e)
    end_updates: list[tuple[int, dt.date | None]] = []
    inserts: list[PositionRow] = []
    for r in pending:
        pool = by_start.get(r.start_key)
        if pool:
            e = pool.pop(0)
            used.add(e.id)
            end_updates.append((e.id, r.end_date))
        else:
            inserts.append(r)
    leftover = [e for e in existing if e.id not in used]
    remove = [e.id for e in leftover if not e.linked]
    kept = [e for e in leftover if e.linked]
    if end_updates:
        session.connection().execute(_SET_END, [{"_id": i, "_end": end} for i, end in end_updates])
    if remove:
        session.execute(delete(_T).where(_T.c.id.in_(remove)))
    insert_positions(session, person_id, inserts)
    if kept:
        numbers = lookup(session).school_numbers(e.school_id for e in kept)
        for e in kept:
            what = ", ".join(
                f"{k} {v}"
                for k, v in (
                    ("school", numbers.get(e.school_id)),
                    ("title", e.title_code),
                    ("assignment", e.assignment_code),
                    ("start", e.start_date.isoformat() if e.start_date else None),
                )
                if v
            )
            result.warn(
                prefix,
                f"position ({what}) is not in the list but is linked to other Campus activity, "
                "so it was kept",
                "R-POS-7",
            )
    return bool(end_updates or remove or inserts)


def list_positions(session: Session, person_id: int) -> list[dict]:
    """The person's positions in the API's shape, with ``linked`` and ``positionId``."""
    from ..store.models import School

    s = School.__table__
    t = Title.__table__
    rows = session.execute(
        select(
            _T.c.id,
            s.c.school_number,
            _T.c.assignment_code,
            _T.c.title_code,
            t.c.description,
            _T.c.start_date,
            _T.c.end_date,
            _T.c.linked,
        )
        .join(s, s.c.id == _T.c.school_id)
        .outerjoin(t, t.c.code == _T.c.title_code)
        .where(_T.c.person_id == person_id)
        .order_by(_T.c.start_date.is_(None), _T.c.start_date, _T.c.id)
    )
    return [
        {
            "positionId": r.id,
            "schoolNumber": r.school_number,
            "assignmentCode": r.assignment_code,
            "titleCode": r.title_code,
            "titleDescription": r.description,
            "startDate": r.start_date.isoformat() if r.start_date else None,
            "endDate": r.end_date.isoformat() if r.end_date else None,
            "linked": bool(r.linked),
        }
        for r in rows
    ]


def count_positions(session: Session, person_id: int) -> int:
    return (
        session.scalar(select(func.count()).select_from(_T).where(_T.c.person_id == person_id)) or 0
    )


# --- the position services of the API ---------------------------------------------------------


@recorded(API_CALL, by_staff_number)
def add_position(session: Session, staff_number: str, position: PositionIn) -> StaffResult:
    """POST …/position (201). Needs school, startDate and title or assignment (R-POS-3); never
    fails as a duplicate (R-POS-6: positions have no id, so an equal one is simply added)."""
    errors: list[FieldError] = []
    rows = check_positions(session, [position], "", errors, creating=True)
    if errors:
        raise RuleViolation(errors)
    person_id = person_for_staff_number(session, staff_number)
    result = StaffResult(staffNumber=staff_number, personId=person_id)
    result.titlesCreated = ensure_titles(session, rows)
    insert_positions(session, person_id, rows)
    result.mark("positions")
    notifications.staff_changed(session, notifications.POSITION_ADDED, result)
    return result


@recorded(API_CALL, by_staff_number)
def update_positions(session: Session, staff_number: str, position: PositionIn) -> int:
    """PUT …/position (R-POS-5): positions matching school + titleCode and/or assignmentCode +
    startDate get the sent endDate; when none do, those matching school + title/assignment +
    endDate get the sent startDate. Every match is updated. Returns how many; NotFound if none."""
    errors: list[FieldError] = []
    if not position.schoolNumber:
        errors.append(FieldError("schoolNumber", "is required to find the position", "R-POS-5"))
    assignment = _blank_to_none(position.assignmentCode)
    title = _blank_to_none(position.titleCode)
    if assignment is None and title is None:
        errors.append(FieldError("titleCode", "titleCode or assignmentCode is required", "R-POS-3"))
    if position.startDate is None:
        # Both passes need it: the first matches on it, the second sets it (never to null).
        errors.append(
            FieldError("startDate", "is required to find or set the position's dates", "R-POS-5")
        )
    school_id = None
    if position.schoolNumber:
        school_id = lookup(session).school_id(position.schoolNumber)
        if school_id is None:
            errors.append(FieldError("schoolNumber", "is not a Campus school number", "R-POS-1"))
    if assignment is not None and not lookup(session).assignments_exist([assignment])[assignment]:
        errors.append(FieldError("assignmentCode", "is not a Campus assignment code", "R-POS-2"))
    if errors:
        raise RuleViolation(errors)
    person_id = person_for_staff_number(session, staff_number)
    base = [_T.c.person_id == person_id, _T.c.school_id == school_id]
    if title is not None:
        base.append(_T.c.title_code == title)
    if assignment is not None:
        base.append(_T.c.assignment_code == assignment)
    n = session.execute(
        update(_T)
        .where(and_(*base, _T.c.start_date == position.startDate))
        .values(end_date=position.endDate)
    ).rowcount
    if not n:
        by_end = (
            _T.c.end_date.is_(None)
            if position.endDate is None
            else _T.c.end_date == position.endDate
        )
        n = session.execute(
            update(_T).where(and_(*base, by_end)).values(start_date=position.startDate)
        ).rowcount
    if not n:
        raise NotFound(
            "no position of this staff member matches the school, title/assignment code and "
            "start or end date sent",
            [
                FieldError(
                    "position",
                    "no matching position (school + title/assignment + start or end date)",
                    "R-POS-5",
                )
            ],
        )
    result = StaffResult(staffNumber=staff_number, personId=person_id, changes=["positions"])
    notifications.staff_changed(session, notifications.POSITIONS_UPDATED, result)
    return n


__all__ = [
    "PositionRow",
    "add_position",
    "apply_position_list",
    "check_positions",
    "count_positions",
    "ensure_titles",
    "insert_positions",
    "list_positions",
    "update_positions",
]
