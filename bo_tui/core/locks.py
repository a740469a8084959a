"""What the Campus UI may edit (R-PREF-1, R-DEMO-4, R-SYNC-7): a locked area of an HR-managed
person is read-only, with the reason; and the Campus UI edits themselves, which obey the locks."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import exists, select, update
from sqlalchemy.orm import Session

from ..store.crypto import vault
from ..store.models import Employment, Person, Position
from . import addresses
from . import households as hh
from .change_log import CONSOLE_EDIT, by_person, by_row, recorded
from .employments import insert_employments
from .errors import FieldError, Forbidden, NotFound, RuleViolation
from .identities import change_names, current_identity, person_ids_for_staff_number, staff_key
from .person_fields import DEMOGRAPHICS, PLAIN
from .positions import check_positions, ensure_titles, insert_positions
from .preferences import get_preferences
from .reference import lookup
from .schemas import AddressIn, EmploymentIn, PositionIn, parse_staff
from .staff_models import StaffResult

_P = Person.__table__

# area -> (preference that locks it, label as the Business Office Preferences screen shows it)
AREAS: dict[str, tuple[str, str]] = {
    "creation": ("staffCreation", "Staff Creation"),
    "staffNumber": ("staffNumber", "Staff Number"),
    "demographics": ("staffDemographics", "Staff Demographics"),
    "identity": ("staffDemographics", "Staff Demographics"),
    "employment": ("staffEmployment", "Staff Employment"),
    "positions": ("staffEmploymentAssignments", "Staff Employment Assignments"),
    "household": ("staffHousehold", "Staff Household"),
}


def _person_row(session: Session, person: Any):
    person_id = person if isinstance(person, int) else person.id
    row = session.execute(
        select(_P.c.id, _P.c.staff_number, _P.c.hr_managed).where(_P.c.id == person_id)
    ).first()
    if row is None:
        raise NotFound("no such person", [FieldError("personId", "no such person", "")])
    return row


def hr_integrated(session: Session) -> bool:
    """Campus is integrated with an HR system once any person is HR-managed."""
    return bool(session.scalar(select(exists().where(_P.c.hr_managed.is_(True)))))


def can_edit(session: Session, person: Any, area: str) -> tuple[bool, str]:
    """May the Campus UI edit ``area`` of ``person`` (a Person, a person id, or None for
    ``creation``)? Returns (allowed, reason when not). Unlocked areas of HR-managed staff are
    editable, and the next HR update overwrites them (R-PREF-1)."""
    if area not in AREAS:
        raise ValueError(f"unknown area {area!r}; one of {', '.join(AREAS)}")
    pref, label = AREAS[area]
    locked = getattr(get_preferences(session), pref)
    if area == "creation":
        if locked and hr_integrated(session):
            return False, (
                f"{label} is locked: staff members are created by the HR system "
                "(Business Office Preferences)"
            )
        return True, ""
    row = _person_row(session, person)
    if locked and row.hr_managed:
        return False, (
            f"{label} is locked: this staff member is managed by the HR system, so change it "
            f"there (or unlock {label} in Business Office Preferences)"
        )
    return True, ""


def edit_rights(session: Session, person: Any) -> dict[str, tuple[bool, str]]:
    """Every area's answer for one person at once (the staff detail screen)."""
    return {area: can_edit(session, person, area) for area in AREAS if area != "creation"}


def require_edit(session: Session, person: Any, area: str) -> None:
    ok, reason = can_edit(session, person, area)
    if not ok:
        raise Forbidden(reason, [FieldError(area, reason, "R-PREF-1")])


def _result(session: Session, person_id: int, area: str, changed: bool) -> StaffResult:
    number = session.scalar(select(_P.c.staff_number).where(_P.c.id == person_id))
    result = StaffResult(staffNumber=number or "", personId=person_id)
    if changed:
        result.mark(area)
    return result


# --- Campus UI edits ---------------------------------------------------------------------------


@recorded(CONSOLE_EDIT, by_person)
def campus_edit_demographics(
    session: Session, person_id: int, changes: dict[str, Any]
) -> StaffResult:
    """Edit demographic fields and the staff number (payload names; null clears). Each area
    touched must be unlocked; a staff number already used by another person is refused."""
    names = set(changes)
    unknown = names - set(DEMOGRAPHICS) - {"staffNumber"}
    if unknown:
        raise RuleViolation(
            [
                FieldError(
                    n, "is not a demographic field (names are edited as identity)", "R-DEMO-4"
                )
                for n in sorted(unknown)
            ]
        )
    if names & set(DEMOGRAPHICS):
        require_edit(session, person_id, "demographics")
    if "staffNumber" in names:
        require_edit(session, person_id, "staffNumber")
    data = dict(changes)
    if data.get("staffNumber") in ("", None):
        data.pop("staffNumber", None)
    payload = parse_staff(data)
    values = _checked_values(session, person_id, payload, names)
    _person_row(session, person_id)
    if values:
        session.execute(update(_P).where(_P.c.id == person_id).values(**values))
    result = _result(session, person_id, "demographics", bool(values.keys() - {"staff_number"}))
    if "staff_number" in values:
        result.mark("staffNumber")
    return result


def _checked_values(
    session: Session, person_id: int, payload: Any, names: set[str]
) -> dict[str, Any]:
    """The persons columns of a Campus demographics edit, after its rules (R-DEMO-2 gender code,
    R-SYNC-8 staff number used by another person); all errors in one RuleViolation."""
    errors: list[FieldError] = []
    values: dict[str, Any] = {}
    if payload.gender:
        code = lookup(session).gender(payload.gender)
        if code is None:
            errors.append(FieldError("gender", "is not a Campus gender code", "R-DEMO-2"))
        values["gender"] = code
    elif "gender" in names:
        values["gender"] = None
    if "staffNumber" in names:
        number = payload.staffNumber
        if number and any(p != person_id for p in person_ids_for_staff_number(session, number)):
            errors.append(
                FieldError(
                    "staffNumber", "is already the staff number of another person", "R-SYNC-8"
                )
            )
        values["staff_number"] = number
    if errors:
        raise RuleViolation(errors)
    for name, col in PLAIN.items():
        if name in names:
            values[col] = getattr(payload, name)
    if "ssn" in names:
        if payload.ssn:
            v = vault()
            values.update(ssn_enc=v.encrypt(payload.ssn), ssn_hash=v.hash(payload.ssn))
        else:
            values.update(ssn_enc=None, ssn_hash=None)
    return values


@recorded(CONSOLE_EDIT, by_person)
def campus_edit_identity(
    session: Session,
    person_id: int,
    *,
    lastName: str,
    firstName: str,
    middleName: str | None = None,
    today: dt.date | None = None,
) -> StaffResult:
    """Rename in the Campus UI: like R-DEMO-3, a change of name starts a new current identity."""
    require_edit(session, person_id, "identity")
    errors = [
        FieldError(n, "is required", "R-DEMO-1")
        for n, v in (("lastName", lastName), ("firstName", firstName))
        if not (v and v.strip())
    ]
    if errors:
        raise RuleViolation(errors)
    cur = current_identity(session, person_id)
    changed = change_names(
        session,
        person_id,
        cur,
        lastName.strip(),
        firstName.strip(),
        (middleName or "").strip() or None,
        today or dt.date.today(),
    )
    return _result(session, person_id, "identity", changed)


@recorded(CONSOLE_EDIT, by_person)
def campus_add_position(session: Session, person_id: int, position: PositionIn) -> StaffResult:
    require_edit(session, person_id, "positions")
    errors: list[FieldError] = []
    rows = check_positions(session, [position], "", errors, creating=True)
    if errors:
        raise RuleViolation(errors)
    _person_row(session, person_id)
    ensure_titles(session, rows)
    insert_positions(session, person_id, rows)
    return _result(session, person_id, "positions", True)


@recorded(CONSOLE_EDIT, by_row("positions"))
def campus_end_position(
    session: Session, position_id: int, end_date: dt.date | None
) -> StaffResult:
    """Set (or clear, with None) the end date of one position."""
    pos = Position.__table__
    person_id = session.scalar(select(pos.c.person_id).where(pos.c.id == position_id))
    if person_id is None:
        raise NotFound("no such position", [FieldError("positionId", "no such position", "")])
    require_edit(session, person_id, "positions")
    n = session.execute(
        update(pos)
        .where(pos.c.id == position_id, pos.c.end_date.is_distinct_from(end_date))
        .values(end_date=end_date)
    ).rowcount
    return _result(session, person_id, "positions", bool(n))


@recorded(CONSOLE_EDIT, by_person)
def campus_add_employment(
    session: Session, person_id: int, employment: EmploymentIn
) -> StaffResult:
    require_edit(session, person_id, "employment")
    _person_row(session, person_id)
    insert_employments(session, person_id, [employment])
    return _result(session, person_id, "employment", True)


@recorded(CONSOLE_EDIT, by_row("employments"))
def campus_edit_employment(
    session: Session, employment_id: int, *, hireDate: Any = ..., terminationDate: Any = ...
) -> StaffResult:
    """Change the dates of one employment; a date left out (``...``) stays, None clears."""
    emp = Employment.__table__
    person_id = session.scalar(select(emp.c.person_id).where(emp.c.id == employment_id))
    if person_id is None:
        raise NotFound("no such employment", [FieldError("employmentId", "no such employment", "")])
    require_edit(session, person_id, "employment")
    values = {}
    if hireDate is not ...:
        values["hire_date"] = hireDate
    if terminationDate is not ...:
        values["termination_date"] = terminationDate
    n = 0
    if values:
        n = session.execute(update(emp).where(emp.c.id == employment_id).values(**values)).rowcount
    return _result(session, person_id, "employment", bool(n))


@recorded(CONSOLE_EDIT, by_person)
def campus_set_household_address(
    session: Session, person_id: int, address: AddressIn, *, today: dt.date | None = None
) -> StaffResult:
    """Set the address of the person's household in the Campus UI (shared households too: the
    district may change what the HR system may not, R-HH-3). A person without a household gets
    a new staff household."""
    require_edit(session, person_id, "household")
    today = today or dt.date.today()
    addresses.check_payload(address, "address")
    _person_row(session, person_id)
    row = addresses.resolve(session, address, "address")
    homes = hh.memberships(session, person_id, today)
    if homes:
        changed = hh.replace_address(session, homes[0].household_id, row.id, today)
    else:
        from .schemas import HouseholdIn, HouseholdLocationIn

        cur = current_identity(session, person_id)
        hh.create_staff_household(
            session,
            person_id,
            HouseholdIn(),
            [(HouseholdLocationIn(address=address), row.id)],
            cur.last_name if cur else "Household",
            today,
        )
        changed = True
    return _result(session, person_id, "household", changed)


def campus_staff_number_in_use(
    session: Session, staff_number: str, *, except_person: int | None = None
) -> bool:
    """For the edit form: would this staff number duplicate another person's (R-SYNC-8)?"""
    key = staff_key(staff_number)
    return bool(key) and any(
        p != except_person for p in person_ids_for_staff_number(session, staff_number)
    )


__all__ = [
    "AREAS",
    "campus_add_employment",
    "campus_add_position",
    "campus_edit_demographics",
    "campus_edit_employment",
    "campus_edit_identity",
    "campus_end_position",
    "campus_set_household_address",
    "campus_staff_number_in_use",
    "can_edit",
    "edit_rights",
    "hr_integrated",
    "require_edit",
]
