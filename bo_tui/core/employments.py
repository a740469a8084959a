"""District employment records (R-EMP-1: several per person, dates never validated; R-EMP-2:
on update matched by hireDate: a match gets the sent terminationDate, a new hireDate is added)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.orm import Session

from ..store.models import Employment
from .schemas import EmploymentIn

_T = Employment.__table__
_INSERT = insert(_T)
_OF_PERSON = (
    select(_T.c.id, _T.c.hire_date, _T.c.termination_date)
    .where(_T.c.person_id == bindparam("pid"))
    .order_by(_T.c.id)
)
_SET_END = update(_T).where(_T.c.id == bindparam("_id")).values(termination_date=bindparam("_term"))


def insert_employments(session: Session, person_id: int, items: Sequence[EmploymentIn]) -> None:
    if items:
        session.connection().execute(
            _INSERT,
            [
                {
                    "person_id": person_id,
                    "hire_date": e.hireDate,
                    "termination_date": e.terminationDate,
                }
                for e in items
            ],
        )


def apply_employments(session: Session, person_id: int, items: Sequence[EmploymentIn]) -> bool:
    """R-EMP-2. A list item is a whole record: its terminationDate (null when left out) replaces
    the matched one's. Several records with one hireDate match one to one, in id order.
    Records not sent are kept. Returns whether anything changed."""
    existing = session.connection().execute(_OF_PERSON, {"pid": person_id}).all()
    free: dict = {}
    for row in existing:
        free.setdefault(row.hire_date, []).append(row)
    updates, inserts = [], []
    for item in items:
        pool = free.get(item.hireDate)
        if pool:
            row = pool.pop(0)
            if row.termination_date != item.terminationDate:
                updates.append({"_id": row.id, "_term": item.terminationDate})
        else:
            inserts.append(item)
    if updates:
        session.connection().execute(_SET_END, updates)
    insert_employments(session, person_id, inserts)
    return bool(updates or inserts)


def list_employments(session: Session, person_id: int) -> list[dict]:
    rows = session.execute(
        select(_T.c.id, _T.c.hire_date, _T.c.termination_date)
        .where(_T.c.person_id == person_id)
        .order_by(_T.c.hire_date.is_(None), _T.c.hire_date, _T.c.id)
    )
    return [
        {
            "employmentId": r.id,
            "hireDate": r.hire_date.isoformat() if r.hire_date else None,
            "terminationDate": r.termination_date.isoformat() if r.termination_date else None,
        }
        for r in rows
    ]


__all__ = ["apply_employments", "insert_employments", "list_employments"]
