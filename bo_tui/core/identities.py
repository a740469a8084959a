"""Who a person is: the staff number lookup of R-DEMO-1 (case-insensitive, trimmed) and names
over time (R-DEMO-3: a name change ends the current Identity and starts a new current one)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import bindparam, func, insert, select, update
from sqlalchemy.orm import Session

from ..store.models import Identity, Person
from .errors import Conflict, FieldError, NotFound

_T = Identity.__table__
_P = Person.__table__

# Staff numbers compare case-insensitively and trimmed (R-SYNC-8: "PENDING" and "pending" are
# one number), so every lookup is on this expression; ix_persons_staff_key (store/models/campus.py)
# makes it an index seek on SQLite and PostgreSQL.
STAFF_KEY = func.lower(func.trim(_P.c.staff_number))


# Statements built once: the sync commit runs these thousands of times (SPEC section 11).
_FIND = select(_P.c.id).where(func.lower(func.trim(_P.c.staff_number)) == bindparam("k")).limit(5)
_CURRENT = select(_T.c.id, _T.c.last_name, _T.c.first_name, _T.c.middle_name).where(
    _T.c.person_id == bindparam("pid"), _T.c.is_current.is_(True)
)
_INSERT = insert(_T)
_END = (
    update(_T)
    .where(_T.c.id == bindparam("_id"))
    .values(end_date=bindparam("_end"), is_current=False)
)


def staff_key(staff_number: str) -> str:
    return staff_number.strip().lower()


def person_ids_for_staff_number(session: Session, staff_number: str) -> list[int]:
    """Every person whose Local Staff Number equals ``staff_number`` (case-insensitive, trimmed)."""
    conn = session.connection()
    return list(conn.execute(_FIND, {"k": staff_key(staff_number)}).scalars())


def person_for_staff_number(session: Session, staff_number: str) -> int:
    """The one person with this staff number: NotFound (404) when none; Conflict when the number
    is duplicated in Campus (dirty data, R-SYNC-8), which a sync commit reports as a failure."""
    ids = person_ids_for_staff_number(session, staff_number)
    if not ids:
        raise NotFound(
            "no staff member has this staff number",
            [FieldError("staffNumber", "no staff member has this staff number", "R-DEMO-1")],
        )
    if len(ids) > 1:
        msg = (
            "this staff number is duplicated in Campus (several persons have it); "
            "fix the Local Staff Numbers in Campus (Check Campus Data) and send it again"
        )
        raise Conflict(msg, [FieldError("staffNumber", msg, "R-SYNC-8")])
    return ids[0]


def current_identity(session: Session, person_id: int):
    """The current identity row (id, last_name, first_name, middle_name) or None."""
    return session.connection().execute(_CURRENT, {"pid": person_id}).first()


def create_identity(
    session: Session, person_id: int, last: str, first: str, middle: str | None, start: dt.date
) -> None:
    session.connection().execute(
        _INSERT,
        {
            "person_id": person_id,
            "last_name": last,
            "first_name": first,
            "middle_name": middle,
            "start_date": start,
            "end_date": None,
            "is_current": True,
        },
    )


def names_differ(current, last: str, first: str, middle: str | None) -> bool:
    if current is None:
        return True
    return (current.last_name, current.first_name, current.middle_name or None) != (
        last,
        first,
        middle or None,
    )


def change_names(
    session: Session,
    person_id: int,
    current,
    last: str,
    first: str,
    middle: str | None,
    today: dt.date,
) -> bool:
    """R-DEMO-3: apply the names; returns whether a new identity was started."""
    if not names_differ(current, last, first, middle):
        return False
    if current is not None:
        # Ended before the new one is inserted: the one-current index would refuse two.
        session.connection().execute(_END, {"_id": current.id, "_end": today})
    create_identity(session, person_id, last, first, middle, today)
    return True


def history(session: Session, person_id: int) -> list[dict]:
    """Every identity of the person, oldest first, in the API's shape."""
    rows = session.execute(
        select(
            _T.c.last_name,
            _T.c.first_name,
            _T.c.middle_name,
            _T.c.start_date,
            _T.c.end_date,
            _T.c.is_current,
        )
        .where(_T.c.person_id == person_id)
        .order_by(_T.c.start_date.is_(None).desc(), _T.c.start_date, _T.c.id)
    )
    return [
        {
            "lastName": r.last_name,
            "firstName": r.first_name,
            "middleName": r.middle_name,
            "startDate": r.start_date.isoformat() if r.start_date else None,
            "endDate": r.end_date.isoformat() if r.end_date else None,
            "current": bool(r.is_current),
        }
        for r in rows
    ]


__all__ = [
    "STAFF_KEY",
    "change_names",
    "create_identity",
    "current_identity",
    "history",
    "names_differ",
    "person_for_staff_number",
    "person_ids_for_staff_number",
    "staff_key",
]
