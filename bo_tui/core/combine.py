"""Combine Person (R-SYNC-10): a staff member (the base person) takes over another person of the
same human, a student or guardian who became an employee; preview first, then apply."""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from ..store.models import Employment, HouseholdMember, Identity, Person, Position, User
from . import households as hh
from .change_log import COMBINE, recorded
from .errors import FieldError, NotFound, RuleViolation
from .identities import current_identity, staff_key
from .person_fields import PLAIN
from .staff_models import CombinePreview, RuleWarning

_P = Person.__table__
_I = Identity.__table__
# The persons columns a base person's blank takes from the other person (in the preview's
# order: numbers, SSN, birth date, gender, then the other plain fields).
_FILLABLE = (
    "staff_number",
    "student_number",
    "ssn_enc",
    "birth_date",
    "gender",
    *(col for col in PLAIN.values() if col != "birth_date"),
)


def _name_of(session: Session, person_id: int) -> str:
    cur = current_identity(session, person_id)
    return f"{cur.last_name}, {cur.first_name}" if cur else f"person {person_id}"


def preview_combine(session: Session, base_person_id: int, other_person_id: int) -> CombinePreview:
    """What Combine Person would do, changing nothing: the base person (the staff member, per
    the seed) keeps its identity and staff number; the other person's employments, positions,
    household memberships and user link move to it; blanks of the base are filled from the other."""
    if base_person_id == other_person_id:
        raise RuleViolation(
            [
                FieldError(
                    "otherPersonId", "must be a different person than the base person", "R-SYNC-10"
                )
            ]
        )
    rows = {
        r.id: r
        for r in session.execute(select(_P).where(_P.c.id.in_([base_person_id, other_person_id])))
    }
    missing = [
        FieldError(name, "no such person", "R-SYNC-10")
        for name, pid in (("basePersonId", base_person_id), ("otherPersonId", other_person_id))
        if pid not in rows
    ]
    if missing:
        raise NotFound("no such person", missing)
    base, other = rows[base_person_id], rows[other_person_id]

    def count(table, col="person_id"):
        return (
            session.scalar(
                select(func.count()).select_from(table).where(table.c[col] == other_person_id)
            )
            or 0
        )

    preview = CombinePreview(
        basePersonId=base_person_id,
        otherPersonId=other_person_id,
        baseName=_name_of(session, base_person_id),
        otherName=_name_of(session, other_person_id),
        employments=count(Employment.__table__),
        positions=count(Position.__table__),
        householdMemberships=count(HouseholdMember.__table__),
        users=count(User.__table__),
        identitiesDropped=count(_I),
    )
    for col in _FILLABLE:
        if getattr(base, col) in (None, "") and getattr(other, col) not in (None, ""):
            preview.fieldsFilled.append(col.replace("_enc", ""))
    if (
        other.staff_number
        and base.staff_number
        and staff_key(other.staff_number) != staff_key(base.staff_number)
    ):
        preview.warnings.append(
            RuleWarning(
                field="otherPersonId",
                message="the other person's staff number goes away with it; the base person's is kept",
                rule="R-SYNC-10",
            )
        )
    return preview


@recorded(COMBINE, lambda _s, base, other, *_a, **_k: [base, other])
def combine_persons(session: Session, base_person_id: int, other_person_id: int) -> CombinePreview:
    """Combine Person: apply what ``preview_combine`` lists, then delete the other person."""
    preview = preview_combine(session, base_person_id, other_person_id)
    other = session.execute(select(_P).where(_P.c.id == other_person_id)).one()
    base = session.execute(select(_P).where(_P.c.id == base_person_id)).one()
    for table in (Employment.__table__, Position.__table__):
        session.execute(
            update(table)
            .where(table.c.person_id == other_person_id)
            .values(person_id=base_person_id)
        )
    hh.move_memberships(session, other_person_id, base_person_id)
    users = User.__table__
    session.execute(
        update(users).where(users.c.person_id == other_person_id).values(person_id=base_person_id)
    )
    values: dict[str, Any] = {}
    for col in _FILLABLE:
        if getattr(base, col) in (None, "") and getattr(other, col) not in (None, ""):
            values[col] = getattr(other, col)
            if col == "ssn_enc":
                values["ssn_hash"] = other.ssn_hash
    if other.hr_managed and not base.hr_managed:
        values["hr_managed"] = True
    session.execute(delete(_I).where(_I.c.person_id == other_person_id))
    session.execute(delete(_P).where(_P.c.id == other_person_id))
    if values:
        session.execute(update(_P).where(_P.c.id == base_person_id).values(**values))
    preview.applied = True
    return preview


__all__ = ["combine_persons", "preview_combine"]
