"""Check Campus Data (R-SYNC-8): Campus staff with duplicate staff numbers (compared
case-insensitively and trimmed) and Campus staff with no staff number, by GROUP BY in the store."""

from __future__ import annotations

from pydantic import BaseModel
from sqlalchemy import and_, exists, func, or_, select
from sqlalchemy.orm import Session
from sqlalchemy.schema import CreateIndex

from ...store.crypto import mask_ssn
from ...store.models import Employment, Identity, Person, Position
from ..identities import STAFF_KEY

_P = Person.__table__
_I = Identity.__table__
_E = Employment.__table__
_POS = Position.__table__

HAS_NUMBER = and_(_P.c.staff_number.is_not(None), func.trim(_P.c.staff_number) != "")
NO_NUMBER = or_(_P.c.staff_number.is_(None), func.trim(_P.c.staff_number) == "")
# A Campus staff member: a person with a staff number, an employment or a position. Students
# and guardians have none of these (SPEC section 3).
IS_EMPLOYED = or_(
    exists().where(_E.c.person_id == _P.c.id),
    exists().where(_POS.c.person_id == _P.c.id),
)
IS_STAFF = or_(HAS_NUMBER, IS_EMPLOYED)


def ensure_staff_key_index(session: Session) -> None:
    """Every staff-number lookup is on lower(trim(staff_number)); a store created before that
    index was declared (identities.py) lacks it, and each lookup would scan all persons.
    Idempotent; IF NOT EXISTS because reflection cannot see expression indexes on SQLite."""
    for ix in _P.indexes:
        if ix.name == "ix_persons_staff_key":
            session.execute(CreateIndex(ix, if_not_exists=True))


class CampusRow(BaseModel):
    """A Campus person as the report shows it (the seed's columns)."""

    personId: int
    staffNumber: str | None = None
    lastName: str | None = None
    firstName: str | None = None
    middleName: str | None = None
    gender: str | None = None
    workEmail: str | None = None
    workPhone: str | None = None
    birthDate: str | None = None


class CampusCheck(BaseModel):
    duplicateStaffNumbers: list[CampusRow]
    noStaffNumber: list[CampusRow]
    duplicateNumbers: int  # distinct duplicated numbers

    @property
    def ok(self) -> bool:
        return not self.duplicateStaffNumbers and not self.noStaffNumber

    def as_dict(self) -> dict:
        return {
            "summary": {
                "campusDuplicateStaffNumbers": len(self.duplicateStaffNumbers),
                "campusNoStaffNumber": len(self.noStaffNumber),
                "duplicatedNumbers": self.duplicateNumbers,
            },
            "duplicateStaffNumbers": [r.model_dump() for r in self.duplicateStaffNumbers],
            "noStaffNumber": [r.model_dump() for r in self.noStaffNumber],
        }


def person_columns():
    return (
        _P.c.id,
        _P.c.staff_number,
        _I.c.last_name,
        _I.c.first_name,
        _I.c.middle_name,
        _P.c.gender,
        _P.c.work_email,
        _P.c.work_phone,
        _P.c.birth_date,
    )


def person_from():
    return _P.outerjoin(_I, and_(_I.c.person_id == _P.c.id, _I.c.is_current.is_(True)))


def campus_row(r) -> CampusRow:
    return CampusRow(
        personId=r[0],
        staffNumber=r[1],
        lastName=r[2],
        firstName=r[3],
        middleName=r[4],
        gender=r[5],
        workEmail=r[6],
        workPhone=r[7],
        birthDate=r[8].isoformat() if r[8] else None,
    )


def duplicate_keys():
    """Subquery of the duplicated staff keys."""
    return (
        select(STAFF_KEY.label("k"))
        .where(HAS_NUMBER)
        .group_by(STAFF_KEY)
        .having(func.count() > 1)
        .subquery()
    )


def duplicate_rows(session: Session) -> list[CampusRow]:
    d = duplicate_keys()
    rows = session.execute(
        select(*person_columns())
        .select_from(person_from().join(d, d.c.k == STAFF_KEY))
        .order_by(d.c.k, _I.c.last_name, _I.c.first_name, _P.c.id)
    )
    return [campus_row(r) for r in rows]


def no_number_rows(session: Session) -> list[CampusRow]:
    rows = session.execute(
        select(*person_columns())
        .select_from(person_from())
        .where(NO_NUMBER, IS_EMPLOYED)
        .order_by(_I.c.last_name, _I.c.first_name, _P.c.id)
    )
    return [campus_row(r) for r in rows]


def check_campus(session: Session) -> CampusCheck:
    """R-SYNC-8, before a sync: every Campus staff member whose staff number is shared with
    another person, and every one with none."""
    dups = duplicate_rows(session)
    return CampusCheck(
        duplicateStaffNumbers=dups,
        noStaffNumber=no_number_rows(session),
        duplicateNumbers=len({(r.staffNumber or "").strip().lower() for r in dups}),
    )


__all__ = ["CampusCheck", "CampusRow", "check_campus", "mask_ssn"]
