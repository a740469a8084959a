"""The Staff screen's core: a search over every person, students and guardians too, for Combine
Person (R-SYNC-10, behind its right); the staff detail with its locks (R-PREF-1, R-SYNC-7)."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from pydantic import BaseModel, Field
from sqlalchemy import and_, exists, func, or_, select
from sqlalchemy.orm import Session

from ..store.models import Employment, HouseholdMember, Identity, Person, Position
from . import addresses, locks
from . import rights as R
from .change_log import CONSOLE_EDIT, by_person, recorded
from .combine import combine_persons, preview_combine
from .errors import FieldError, Forbidden, RuleViolation
from .identities import STAFF_KEY, person_for_staff_number, staff_key
from .reference import list_assignment_codes, list_genders, list_schools
from .staff import get_person
from .staff_models import CombinePreview, RuleWarning, StaffResult
from .users import acting_user

_P = Person.__table__
_I = Identity.__table__
_POS = Position.__table__
_EMP = Employment.__table__
_M = HouseholdMember.__table__
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
PAGE_MAX = 1000
NAME_FIELDS = ("lastName", "firstName", "middleName")


class PersonSummary(BaseModel):
    """One row of the all-persons search: who, and what kind of person (staff by R-POS-8)."""

    personId: int
    staffNumber: str | None
    studentNumber: str | None
    lastName: str | None
    firstName: str | None
    middleName: str | None
    birthDate: str | None
    gender: str | None
    positionCount: int
    hrManaged: bool
    kind: str  # staff (has a position) | employee (staff number or employment) | student | person

    @property
    def name(self) -> str:
        if not self.lastName and not self.firstName:
            return f"person {self.personId}"
        return f"{self.lastName or ''}, {self.firstName or ''}".strip(", ")


class PersonPage(BaseModel):
    items: list[PersonSummary]
    offset: int
    limit: int


class HouseholdMemberRow(BaseModel):
    personId: int
    name: str
    staffNumber: str | None
    studentNumber: str | None
    startDate: str | None
    endDate: str | None


class StaffDetail(BaseModel):
    """Everything the staff detail screen shows for one person, read in one call."""

    person: dict[str, Any]
    editable: dict[str, tuple[bool, str]]
    members: list[HouseholdMemberRow] = Field(default_factory=list)
    genders: list[dict[str, str]] = Field(default_factory=list)
    schools: list[dict[str, str]] = Field(default_factory=list)
    assignmentCodes: list[dict[str, str]] = Field(default_factory=list)
    revealed: bool = False
    sharedStaffNumber: int = 0  # persons with this staff number (R-SYNC-8: over 1 is dirty data)


def _like_prefix(col, text: str):
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return func.lower(col).like(escaped.lower() + "%", escape="\\")


def _text_where(text: str | None) -> list:
    """One search box: ``YYYY-MM-DD`` is a birth date; ``Last, First`` two name prefixes;
    ``First Last`` either order; one word a name prefix, staff number or student number."""
    text = (text or "").strip()
    if not text:
        return []
    if _DATE.match(text):
        try:
            return [_P.c.birth_date == dt.date.fromisoformat(text)]
        except ValueError:
            raise RuleViolation(
                [FieldError("text", "is not a real calendar date (YYYY-MM-DD)", "R-SRCH-1")]
            ) from None
    if "," in text:
        last, _, first = text.partition(",")
        where = []
        if last.strip():
            where.append(_like_prefix(_I.c.last_name, last.strip()))
        if first.strip():
            where.append(_like_prefix(_I.c.first_name, first.strip()))
        return where
    words = text.split()
    if len(words) >= 2:
        a, b = words[0], " ".join(words[1:])
        return [
            or_(
                and_(_like_prefix(_I.c.first_name, a), _like_prefix(_I.c.last_name, b)),
                and_(_like_prefix(_I.c.last_name, a), _like_prefix(_I.c.first_name, b)),
            )
        ]
    word = words[0]
    return [
        or_(
            _like_prefix(_I.c.last_name, word),
            _like_prefix(_I.c.first_name, word),
            _like_prefix(func.trim(_P.c.staff_number), staff_key(word)),
            _like_prefix(_P.c.student_number, word),
        )
    ]


def _from():
    return _P.outerjoin(_I, and_(_I.c.person_id == _P.c.id, _I.c.is_current.is_(True)))


def _where(text: str | None, staff_only: bool, exclude: int | None) -> list:
    where = _text_where(text)
    if staff_only:
        where.append(exists().where(_POS.c.person_id == _P.c.id))
    if exclude is not None:
        where.append(_P.c.id != exclude)
    return where


def count_persons(
    session: Session,
    *,
    text: str | None = None,
    staff_only: bool = False,
    exclude: int | None = None,
) -> int:
    """How many persons the search box matches (every person unless ``staff_only``)."""
    where = _where(text, staff_only, exclude)
    return session.scalar(select(func.count()).select_from(_from()).where(*where)) or 0


def _select():
    n_pos = (
        select(func.count()).select_from(_POS).where(_POS.c.person_id == _P.c.id).scalar_subquery()
    )
    return select(
        _P.c.id,
        _P.c.staff_number,
        _P.c.student_number,
        _I.c.last_name,
        _I.c.first_name,
        _I.c.middle_name,
        _P.c.birth_date,
        _P.c.gender,
        _P.c.hr_managed,
        n_pos.label("n_pos"),
        exists().where(_EMP.c.person_id == _P.c.id).label("has_emp"),
    ).select_from(_from())


def _summary(r) -> PersonSummary:
    if r.n_pos:
        kind = "staff"
    elif (r.staff_number or "").strip() or r.has_emp:
        kind = "employee"
    elif r.student_number:
        kind = "student"
    else:
        kind = "person"
    return PersonSummary(
        personId=r.id,
        staffNumber=r.staff_number,
        studentNumber=r.student_number,
        lastName=r.last_name,
        firstName=r.first_name,
        middleName=r.middle_name,
        birthDate=r.birth_date.isoformat() if r.birth_date else None,
        gender=r.gender,
        positionCount=r.n_pos or 0,
        hrManaged=bool(r.hr_managed),
        kind=kind,
    )


def search_persons(
    session: Session,
    *,
    text: str | None = None,
    staff_only: bool = False,
    exclude: int | None = None,
    offset: int = 0,
    limit: int = 50,
) -> PersonPage:
    """A page of persons matching the search box, by name: students and guardians without a
    staff number too (the other person of Combine Person, R-SYNC-10)."""
    if not 1 <= limit <= PAGE_MAX or offset < 0:
        raise RuleViolation(
            [FieldError("limit", f"must be from 1 to {PAGE_MAX}, offset 0 or more", "R-SRCH-1")]
        )
    rows = session.execute(
        _select()
        .where(*_where(text, staff_only, exclude))
        .order_by(func.lower(_I.c.last_name), func.lower(_I.c.first_name), _P.c.id)
        .offset(offset)
        .limit(limit)
    ).all()
    return PersonPage(items=[_summary(r) for r in rows], offset=offset, limit=limit)


def person_summary(session: Session, person_id: int) -> PersonSummary | None:
    row = session.execute(_select().where(_P.c.id == person_id)).first()
    return _summary(row) if row else None


def person_by_staff_number(session: Session, staff_number: str) -> PersonSummary:
    """The one person with this staff number (NotFound / Conflict when none or several)."""
    return person_summary(session, person_for_staff_number(session, staff_number))


def household_members(
    session: Session, household_id: int, today: dt.date
) -> list[HouseholdMemberRow]:
    """The current members of a household, by name (the Household tab; R-HH-3 shared ones)."""
    current = or_(_M.c.end_date.is_(None), _M.c.end_date >= today)
    rows = session.execute(
        select(
            _P.c.id,
            _I.c.last_name,
            _I.c.first_name,
            _P.c.staff_number,
            _P.c.student_number,
            _M.c.start_date,
            _M.c.end_date,
        )
        .select_from(_M.join(_from(), _P.c.id == _M.c.person_id))
        .where(_M.c.household_id == household_id, current)
        .order_by(func.lower(_I.c.last_name), func.lower(_I.c.first_name), _P.c.id)
        .limit(200)
    ).all()
    return [
        HouseholdMemberRow(
            personId=r.id,
            name=f"{r.last_name or ''}, {r.first_name or ''}".strip(", ") or f"person {r.id}",
            staffNumber=r.staff_number,
            studentNumber=r.student_number,
            startDate=r.start_date.isoformat() if r.start_date else None,
            endDate=r.end_date.isoformat() if r.end_date else None,
        )
        for r in rows
    ]


def _count_staff_number(session: Session, staff_number: str) -> int:
    return (
        session.scalar(
            select(func.count()).select_from(_P).where(staff_key(staff_number) == STAFF_KEY)
        )
        or 0
    )


def staff_detail(
    session: Session, person_id: int, *, reveal: bool = False, today: dt.date | None = None
) -> StaffDetail:
    """The person (SSN masked unless ``reveal``), which areas the Campus UI may edit and why
    not (R-PREF-1, R-SYNC-7), household members, and the choices of the edit forms."""
    today = today or dt.date.today()
    person = get_person(session, person_id, reveal=reveal, today=today)
    household = person.get("household")
    for loc in household["householdLocations"] if household else ():
        loc["address"]["line"] = addresses.street_line(loc["address"])
    number = (person.get("staffNumber") or "").strip()
    members = household_members(session, household["householdId"], today) if household else []
    return StaffDetail(
        person=person,
        editable=locks.edit_rights(session, person_id),
        members=members,
        genders=list_genders(session),
        schools=list_schools(session),
        assignmentCodes=list_assignment_codes(session),
        revealed=reveal,
        sharedStaffNumber=_count_staff_number(session, number) if number else 0,
    )


@recorded(CONSOLE_EDIT, by_person)
def edit_demographics(
    session: Session, person_id: int, changes: dict[str, Any], *, today: dt.date | None = None
) -> StaffResult:
    """The Campus UI's demographics form as one unit: names (a change starts a new identity,
    R-DEMO-3) and demographic fields, each area within its lock (R-PREF-1). Every field error
    is reported at once and nothing is written when any field is wrong."""
    names = {k: changes[k] for k in NAME_FIELDS if k in changes}
    fields = {k: v for k, v in changes.items() if k not in NAME_FIELDS}
    errors: list[FieldError] = [
        FieldError(n, "is required", "R-DEMO-1")
        for n in ("lastName", "firstName")
        if n in names and not (names[n] or "").strip()
    ]
    if names:
        locks.require_edit(session, person_id, "identity")
    result: StaffResult | None = None
    try:
        if fields:
            result = locks.campus_edit_demographics(session, person_id, fields)
    except RuleViolation as exc:
        errors.extend(exc.errors)
    if errors:
        raise RuleViolation(errors)
    if names:
        cur = get_person(session, person_id, today=today)
        renamed = locks.campus_edit_identity(
            session,
            person_id,
            lastName=names.get("lastName", cur["lastName"]) or "",
            firstName=names.get("firstName", cur["firstName"]) or "",
            middleName=names.get("middleName", cur["middleName"]),
            today=today,
        )
        if result is None:
            result = renamed
        else:
            for area in renamed.changes:
                result.mark(area)
    if result is None:
        result = StaffResult(staffNumber="", personId=person_id)
    return result


def _require_right(session: Session, login: str, right: str) -> None:
    user = acting_user(session, login)
    if user is None or not user.can(right):
        who = f"{login} is not a Campus user" if user is None else f"{login} lacks"
        label = R.ALL.get(right, right)
        msg = (
            f"{who}: ask a user administrator for the tool right '{label}'"
            if user is None
            else f"{who} the tool right '{label}'"
        )
        raise Forbidden(msg, [FieldError("login", msg, "")])


def preview_combine_as(
    session: Session, login: str, base_person_id: int, other_person_id: int
) -> CombinePreview:
    """What Combine Person would move, for a user with the Combine Person right."""
    _require_right(session, login, R.COMBINE_PERSON)
    preview = preview_combine(session, base_person_id, other_person_id)
    _same_human_warnings(session, preview)
    return preview


def _same_human_warnings(session: Session, preview: CombinePreview) -> None:
    """R-SYNC-10 finds duplicates by name and birth date (or SSN): say when the two persons
    differ in those, so nobody combines a parent with their child by mistake."""
    base = person_summary(session, preview.basePersonId)
    other = person_summary(session, preview.otherPersonId)
    if base is None or other is None:
        return
    if base.birthDate and other.birthDate and base.birthDate != other.birthDate:
        preview.warnings.append(
            RuleWarning(
                field="otherPersonId",
                message="birth dates differ: make sure these are one human",
                rule="R-SYNC-10",
            )
        )

    def key(p: PersonSummary) -> tuple[str, str]:
        return ((p.lastName or "").strip().lower(), (p.firstName or "").strip().lower())

    if key(base) != key(other):
        preview.warnings.append(
            RuleWarning(
                field="otherPersonId",
                message="names differ: make sure these are one human (the base's names stay)",
                rule="R-SYNC-10",
            )
        )


def combine_as(
    session: Session, login: str, base_person_id: int, other_person_id: int
) -> CombinePreview:
    """Combine Person (R-SYNC-10) by a user with the Combine Person right: the base person
    (the staff member) stays, the other person's records move to it and the other is deleted."""
    _require_right(session, login, R.COMBINE_PERSON)
    return combine_persons(session, base_person_id, other_person_id)


__all__ = [
    "HouseholdMemberRow",
    "PersonPage",
    "PersonSummary",
    "StaffDetail",
    "combine_as",
    "count_persons",
    "edit_demographics",
    "household_members",
    "person_by_staff_number",
    "person_summary",
    "preview_combine_as",
    "search_persons",
    "staff_detail",
]
