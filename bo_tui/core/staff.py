"""Staff members as the HR system sends them: create (R-DEMO-1/2, R-EMP-1, R-POS-1..4, R-HH-1),
update (R-DEMO-3, R-EMP-2, R-POS-7, R-HH-2..4), read one, search (R-SRCH-1, R-POS-8), combine."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import and_, bindparam, exists, func, insert, or_, select, update
from sqlalchemy.orm import Session

from ..store.crypto import mask_ssn, vault
from ..store.models import Employment, Identity, Person, Position
from . import households as hh
from . import notifications
from .change_log import API_CALL, by_staff_number, nobody, recorded
from .employments import apply_employments, insert_employments, list_employments
from .errors import Conflict, FieldError, NotFound, RuleViolation
from .identities import (
    STAFF_KEY,
    change_names,
    create_identity,
    current_identity,
    history,
    person_for_staff_number,
    person_ids_for_staff_number,
    staff_key,
)
from .person_fields import NAMES, PLAIN
from .positions import (
    PositionRow,
    apply_position_list,
    check_positions,
    ensure_titles,
    insert_positions,
    list_positions,
)
from .preferences import get_preferences
from .reference import lookup
from .schemas import StaffMemberIn, fields_of
from .staff_models import StaffPage, StaffResult, StaffSummary

_P = Person.__table__
_I = Identity.__table__

SEARCH_MAX = 1000
# Statements built once (per-call overhead matters: a sync commit runs thousands of these).
_INSERT_PERSON = insert(_P)
_PERSON = select(_P).where(_P.c.id == bindparam("pid"))
_UPDATE_PERSON = update(_P).where(_P.c.id == bindparam("_pid"))


class _Plan:
    """What a create or update will write, decided while validating: the steps below apply it."""

    __slots__ = ("gender", "positions", "household", "household_mode", "household_id", "locations")

    def __init__(self):
        self.gender: str | None = None
        self.positions: list[PositionRow] | None = None
        self.household = None
        self.household_mode = "none"  # none | create | update | ignore
        self.household_id: int | None = None
        self.locations: list = []  # the household's (location, address id) pairs, resolved


def _today(today: dt.date | None) -> dt.date:
    return today or dt.date.today()


def _check_common(
    session: Session, payload: StaffMemberIn | dict, errors: list[FieldError], plan: _Plan
) -> None:
    f = fields_of(payload)
    gender = f.get("gender")
    if gender:
        code = lookup(session).gender(gender)
        if code is None:
            errors.append(FieldError("gender", "is not a Campus gender code", "R-DEMO-2"))
        plan.gender = code
    positions = f.get("positions")
    if positions is not None:
        plan.positions = check_positions(session, positions, "positions", errors, creating=True)


def _household_warning_off(result: StaffResult) -> None:
    result.warn(
        "household",
        "household and address data ignored: the preference 'Allow household and address "
        "creations/updates from the HR system' is off",
        "R-HH-4",
    )


def validate_staff(
    session: Session, payload: StaffMemberIn | dict, *, allow_household: bool | None = None
) -> list[FieldError]:
    """The create rules (R-DEMO-1/2, R-POS-1..3, R-ADDR-1/2) without writing and without the
    staffNumber conflict check: what a sync transfer checks for each record (R-SYNC-2). The
    payload is a model or its plain-dict form (``schemas.parse_staff_record``)."""
    errors: list[FieldError] = []
    if allow_household is None:
        allow_household = get_preferences(session).allowHouseholdAddress
    _check_create(session, payload, errors, _Plan(), allow_household=allow_household)
    return errors


def _check_create(
    session: Session,
    payload: StaffMemberIn | dict,
    errors: list[FieldError],
    plan: _Plan,
    *,
    allow_household: bool,
) -> None:
    f = fields_of(payload)
    for name in ("staffNumber", "lastName", "firstName"):
        if not f.get(name):
            errors.append(FieldError(name, "is required", "R-DEMO-1"))
    _check_common(session, payload, errors, plan)
    household = f.get("household")
    if household is not None and allow_household:
        hh.check_household(household, "household", errors)


# Every service validates the whole payload before it writes anything (all field errors in one
# RuleViolation), then writes with a handful of prebuilt statements; the caller commits. Staff
# numbers compare case-insensitively and trimmed (identities.staff_key).


@recorded(API_CALL, nobody, result_person=True)
def create_staff(
    session: Session, payload: StaffMemberIn, *, today: dt.date | None = None
) -> StaffResult:
    """POST /staffMembers: a new HR-managed person with identity, employments, positions and
    (R-HH-1) a staff household. Conflict (409) when the staff number is already in Campus."""
    today = _today(today)
    prefs = get_preferences(session)
    plan = _Plan()
    errors: list[FieldError] = []
    use_household = payload.household is not None and prefs.allowHouseholdAddress
    _check_create(session, payload, errors, plan, allow_household=use_household)
    if errors:
        raise RuleViolation(errors)
    staff_number = payload.staffNumber
    if person_ids_for_staff_number(session, staff_number):
        msg = "a staff member with this staff number already exists (update it instead)"
        raise Conflict(msg, [FieldError("staffNumber", msg, "R-DEMO-1")])

    # Addresses first: the only step that can still refuse the payload (R-ADDR-5).
    if use_household:
        plan.household_mode = "create"
        plan.locations = hh.resolve_locations(session, payload.household, "household")
    ssn = payload.ssn
    v = vault() if ssn else None
    row = {col: getattr(payload, key) for key, col in PLAIN.items()}
    row.update(
        staff_number=staff_number,
        ssn_enc=v.encrypt(ssn) if v else None,
        ssn_hash=v.hash(ssn) if v else None,
        gender=plan.gender,
        hr_managed=True,
    )
    person_id = session.connection().execute(_INSERT_PERSON, row).inserted_primary_key[0]
    result = StaffResult(
        staffNumber=staff_number,
        personId=person_id,
        created=True,
        changes=["demographics", "identity"],
    )
    create_identity(
        session, person_id, payload.lastName, payload.firstName, payload.middleName or None, today
    )
    if payload.employments:
        insert_employments(session, person_id, payload.employments)
        result.mark("employment")
    if plan.positions:
        result.titlesCreated = ensure_titles(session, plan.positions)
        insert_positions(session, person_id, plan.positions)
        result.mark("positions")
    if payload.household is not None and not use_household:
        _household_warning_off(result)
    _apply_household(session, person_id, payload, plan, result, today, payload.lastName)
    notifications.staff_changed(session, notifications.STAFF_CREATED, result)
    return result


@recorded(API_CALL, by_staff_number)
def update_staff(
    session: Session, staff_number: str, payload: StaffMemberIn, *, today: dt.date | None = None
) -> StaffResult:
    """PUT /staffMembers/{staffNumber} with the SPEC's update semantics: an absent key leaves the
    value, null clears it (not lastName/firstName). ``employments`` by R-EMP-2 (null: nothing
    to do, records not sent are kept); ``positions`` by R-POS-7 (null: the empty list);
    ``household`` by R-HH-2..4 (null: ignored with a warning, a household is never removed)."""
    today = _today(today)
    person_id = person_for_staff_number(session, staff_number)
    result = StaffResult(staffNumber=staff_number, personId=person_id)
    plan = _plan_update(session, staff_number, person_id, payload, result, today)
    sent = payload.model_fields_set
    _apply_person(session, person_id, staff_number, payload, plan, result)
    _apply_names(session, person_id, payload, result, today)
    if payload.employments and apply_employments(session, person_id, payload.employments):
        result.mark("employment")
    if "positions" in sent:
        rows = plan.positions or []
        result.titlesCreated = ensure_titles(session, rows)
        if apply_position_list(session, person_id, rows, result):
            result.mark("positions")
    if plan.household_mode == "create":
        cur = current_identity(session, person_id)
        last = cur.last_name if cur else "Staff"
        _apply_household(session, person_id, payload, plan, result, today, last)
    else:
        _apply_household(session, person_id, payload, plan, result, today)
    notifications.staff_changed(session, notifications.STAFF_UPDATED, result)
    return result


def _plan_update(
    session: Session,
    staff_number: str,
    person_id: int,
    payload: StaffMemberIn,
    result: StaffResult,
    today: dt.date,
) -> _Plan:
    """Every update rule checked before anything is written (all errors in one RuleViolation),
    then the household's addresses resolved: the only step that can still refuse (R-ADDR-5)."""
    plan = _Plan()
    errors: list[FieldError] = []
    sent = payload.model_fields_set
    if "staffNumber" in sent:
        if not payload.staffNumber:
            errors.append(FieldError("staffNumber", "cannot be cleared", "R-DEMO-1"))
        elif staff_key(payload.staffNumber) != staff_key(staff_number):
            errors.append(
                FieldError(
                    "staffNumber", "must be the staff number of the path being updated", "R-DEMO-1"
                )
            )
    for name in ("lastName", "firstName"):
        if name in sent and not getattr(payload, name):
            errors.append(FieldError(name, "cannot be cleared", "R-DEMO-1"))
    _check_common(session, payload, errors, plan)
    if "household" in sent:
        _plan_household(session, person_id, payload, plan, result, errors, today)
    if errors:
        raise RuleViolation(errors)
    if plan.household_mode in ("create", "update"):
        plan.locations = hh.resolve_locations(session, payload.household, "household")
    return plan


def _plan_household(
    session: Session,
    person_id: int,
    payload: StaffMemberIn,
    plan: _Plan,
    result: StaffResult,
    errors: list[FieldError],
    today: dt.date,
) -> None:
    if payload.household is None:
        result.warn(
            "household",
            "null household ignored: a household is never removed by the HR system",
            "R-HH-2",
        )
    elif not get_preferences(session).allowHouseholdAddress:
        _household_warning_off(result)
    else:
        plan.household_mode, plan.household_id = hh.plan_household_update(
            session, person_id, payload.household, "household", today, result, errors
        )


def _demographic_changes(payload: StaffMemberIn, plan: _Plan, person) -> dict[str, Any]:
    """The persons columns an update changes: sent fields whose value differs (SPEC: an absent
    key leaves the value, null clears it); the SSN compared by its hash, re-encrypted if new."""
    sent = payload.model_fields_set
    values: dict[str, Any] = {}
    for name, col in PLAIN.items():
        if name in sent and getattr(payload, name) != getattr(person, col):
            values[col] = getattr(payload, name)
    if "gender" in sent and plan.gender != person.gender:
        values["gender"] = plan.gender
    if "ssn" not in sent:
        return values
    if payload.ssn is None:
        if person.ssn_enc is not None:
            values.update(ssn_enc=None, ssn_hash=None)
    else:
        v = vault()
        digest = v.hash(payload.ssn)
        if digest != person.ssn_hash:
            values.update(ssn_enc=v.encrypt(payload.ssn), ssn_hash=digest)
    return values


def _apply_person(
    session: Session,
    person_id: int,
    staff_number: str,
    payload: StaffMemberIn,
    plan: _Plan,
    result: StaffResult,
) -> None:
    """The person row: demographics, the staff number's spelling, and HR-managed from now on."""
    person = session.connection().execute(_PERSON, {"pid": person_id}).one()
    values = _demographic_changes(payload, plan, person)
    if values:
        result.mark("demographics")
    if "staffNumber" in payload.model_fields_set and payload.staffNumber != person.staff_number:
        # Same number up to case and spaces: the HR system's spelling wins (HR replaces Campus).
        values["staff_number"] = payload.staffNumber
        result.mark("staffNumber")
    result.staffNumber = values.get("staff_number", person.staff_number) or staff_number
    if not person.hr_managed:
        values["hr_managed"] = True
    if values:
        session.connection().execute(_UPDATE_PERSON, {"_pid": person_id, **values})


def _apply_names(
    session: Session, person_id: int, payload: StaffMemberIn, result: StaffResult, today: dt.date
) -> None:
    """A changed name starts a new current identity (R-DEMO-3); names not sent stay."""
    sent = payload.model_fields_set
    if not sent & NAMES.keys():
        return
    cur = current_identity(session, person_id)
    last = payload.lastName if "lastName" in sent else (cur.last_name if cur else None)
    first = payload.firstName if "firstName" in sent else (cur.first_name if cur else None)
    middle = (
        (payload.middleName or None) if "middleName" in sent else (cur.middle_name if cur else None)
    )
    if last and first and change_names(session, person_id, cur, last, first, middle, today):
        result.mark("identity")


def _apply_household(
    session: Session,
    person_id: int,
    payload: StaffMemberIn,
    plan: _Plan,
    result: StaffResult,
    today: dt.date,
    last_name: str | None = None,
) -> None:
    """A new staff household (R-HH-1, named after the staff member) or the planned update of
    the person's own (R-HH-2..4)."""
    if plan.household_mode == "create":
        hh.create_staff_household(
            session, person_id, payload.household, plan.locations, last_name, today
        )
        result.mark("household")
    elif plan.household_mode == "update" and hh.apply_household_update(
        session, person_id, plan.household_id, payload.household, plan.locations, today
    ):
        result.mark("household")


# --- read one ----------------------------------------------------------------------------------


def _iso(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None


def get_person(
    session: Session, person_id: int, *, reveal: bool = False, today: dt.date | None = None
) -> dict:
    """One person in the staff member payload's shape plus ``identities`` (history), positions
    with ``linked``, the household with ``memberCount`` and ``addressId`` on addresses. The SSN
    is masked (``***-**-1234``) unless ``reveal``."""
    today = _today(today)
    person = session.execute(select(_P).where(_P.c.id == person_id)).first()
    if person is None:
        raise NotFound("no such person", [FieldError("personId", "no such person", "")])
    idents = history(session, person_id)
    cur = next((i for i in idents if i["current"]), None)
    ssn = None
    if person.ssn_enc:
        try:
            plain = vault().decrypt(person.ssn_enc)
            ssn = plain if reveal else mask_ssn(plain)
        except Exception:  # a key that changed: say so without a crash or the ciphertext
            ssn = "***-**-????"
    employments = list_employments(session, person_id)
    return {
        "personId": person.id,
        "staffNumber": person.staff_number,
        "lastName": cur["lastName"] if cur else None,
        "firstName": cur["firstName"] if cur else None,
        "middleName": cur["middleName"] if cur else None,
        "gender": person.gender,
        "ssn": ssn,
        "birthDate": _iso(person.birth_date),
        "workPhone": person.work_phone,
        "cellPhone": person.cell_phone,
        "otherPhone": person.other_phone,
        "workEmail": person.work_email,
        "personalEmail": person.personal_email,
        "hrManaged": bool(person.hr_managed),
        "studentNumber": person.student_number,
        "employments": employments,
        "positions": list_positions(session, person_id),
        "household": hh.household_view(session, person_id, today),
        "identities": idents,
    }


def get_staff(
    session: Session, staff_number: str, *, reveal: bool = False, today: dt.date | None = None
) -> dict:
    """GET /staffMembers/{staffNumber}: NotFound when unknown, Conflict when duplicated."""
    return get_person(
        session, person_for_staff_number(session, staff_number), reveal=reveal, today=today
    )


# --- search (R-SRCH-1, R-POS-8) ----------------------------------------------------------------

_SORTS = {
    "name": lambda: (
        func.lower(_I.c.last_name),
        func.lower(_I.c.first_name),
        _P.c.staff_number,
        _P.c.id,
    ),
    "staffNumber": lambda: (_P.c.staff_number, _P.c.id),
    "birthDate": lambda: (_P.c.birth_date, _P.c.id),
    "personId": lambda: (_P.c.id,),
}


def _search_where(
    staffNumber: str | None,
    lastName: str | None,
    firstName: str | None,
    birthDate: Any,
    staff_only: bool,
    name_prefix: bool,
) -> list:
    errors: list[FieldError] = []
    pos = Position.__table__
    has_position = exists().where(pos.c.person_id == _P.c.id)
    if staff_only:
        where = [has_position]
    else:
        # The API finds staff members: persons with a staff number, a position or an employment,
        # not students and guardians (R-POS-8: the API search finds staff without positions).
        emp = Employment.__table__
        where = [
            or_(
                func.length(func.trim(_P.c.staff_number)) > 0,
                has_position,
                exists().where(emp.c.person_id == _P.c.id),
            )
        ]
    if staffNumber is not None and staffNumber.strip():
        where.append(staff_key(staffNumber) == STAFF_KEY)
    for value, col in ((lastName, _I.c.last_name), (firstName, _I.c.first_name)):
        if value is not None and value.strip():
            text = value.strip().lower()
            if name_prefix:
                escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
                where.append(func.lower(col).like(escaped + "%", escape="\\"))
            else:
                where.append(func.lower(col) == text)
    if birthDate not in (None, ""):
        if isinstance(birthDate, str):
            try:
                birthDate = dt.date.fromisoformat(birthDate)
            except ValueError:
                errors.append(
                    FieldError("birthDate", "must be a date in the form YYYY-MM-DD", "R-SRCH-1")
                )
        if isinstance(birthDate, dt.date):
            where.append(_P.c.birth_date == birthDate)
    if errors:
        raise RuleViolation(errors)
    return where


def _base_from():
    return _P.outerjoin(_I, and_(_I.c.person_id == _P.c.id, _I.c.is_current.is_(True)))


def count_staff(
    session: Session,
    *,
    staffNumber: str | None = None,
    lastName: str | None = None,
    firstName: str | None = None,
    birthDate: Any = None,
    staff_only: bool = False,
    name_prefix: bool = False,
) -> int:
    where = _search_where(staffNumber, lastName, firstName, birthDate, staff_only, name_prefix)
    return session.scalar(select(func.count()).select_from(_base_from()).where(*where)) or 0


def search_staff(
    session: Session,
    *,
    staffNumber: str | None = None,
    lastName: str | None = None,
    firstName: str | None = None,
    birthDate: Any = None,
    limit: int = 100,
    offset: int = 0,
    staff_only: bool = False,
    name_prefix: bool = False,
    sort: str = "name",
) -> StaffPage:
    """GET /staffMembers (R-SRCH-1): any subset of the four filters, names case-insensitive on
    the current identity; ``staff_only`` is the Campus staff search (R-POS-8: persons with a
    position); ``name_prefix`` matches names by prefix (the TUI's search box)."""
    errors = []
    if not isinstance(limit, int) or not 1 <= limit <= SEARCH_MAX:
        errors.append(FieldError("limit", f"must be from 1 to {SEARCH_MAX}", "R-SRCH-1"))
    if not isinstance(offset, int) or offset < 0:
        errors.append(FieldError("offset", "must be 0 or more", "R-SRCH-1"))
    desc = sort.startswith("-")
    key = sort.lstrip("-")
    if key not in _SORTS:
        errors.append(FieldError("sort", "must be one of " + ", ".join(_SORTS), "R-SRCH-1"))
    if errors:
        raise RuleViolation(errors)
    where = _search_where(staffNumber, lastName, firstName, birthDate, staff_only, name_prefix)
    pos = Position.__table__
    n_pos = (
        select(func.count()).select_from(pos).where(pos.c.person_id == _P.c.id).scalar_subquery()
    )
    order = [c.desc() if desc else c for c in _SORTS[key]()]
    rows = session.execute(
        select(
            _P.c.id,
            _P.c.staff_number,
            _I.c.last_name,
            _I.c.first_name,
            _I.c.middle_name,
            _P.c.gender,
            _P.c.birth_date,
            _P.c.work_email,
            _P.c.hr_managed,
            n_pos,
        )
        .select_from(_base_from())
        .where(*where)
        .order_by(*order)
        .limit(limit)
        .offset(offset)
    ).all()
    items = [
        StaffSummary(
            personId=r[0],
            staffNumber=r[1],
            lastName=r[2],
            firstName=r[3],
            middleName=r[4],
            gender=r[5],
            birthDate=_iso(r[6]),
            workEmail=r[7],
            hrManaged=bool(r[8]),
            positionCount=r[9],
        )
        for r in rows
    ]
    return StaffPage(items=items, offset=offset, limit=limit)


__all__ = [
    "SEARCH_MAX",
    "count_staff",
    "create_staff",
    "get_person",
    "get_staff",
    "search_staff",
    "update_staff",
    "validate_staff",
]
