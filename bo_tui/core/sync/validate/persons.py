"""Validate's person categories (R-SYNC-4, R-SYNC-8, R-SYNC-10): the staff-number match,
demographic differences, HR staff not in Campus and back, Campus's own lists, possible duplicates."""

from __future__ import annotations

from sqlalchemy import and_, case, exists, func, literal, literal_column, or_, select, update
from sqlalchemy.orm import Session

from ....store.crypto import vault
from ...identities import STAFF_KEY
from .. import check
from ..check import ensure_staff_key_index
from ..report import DEMOGRAPHIC_FIELDS
from ..staging import BIT
from .common import (
    _CAMPUS_COLS,
    _HR_COLS,
    _I,
    _P,
    _S,
    Diff,
    _chunks,
    _person_from,
    _rows,
    _search,
    campus_person,
    hr_person,
)


def _sent(key: str):
    return _S.c.sent.op("&")(BIT[key]) != 0


def _differs(key: str, hr_col, campus_col):
    return and_(_sent(key), hr_col.is_distinct_from(campus_col))


# The demographic comparisons of R-SYNC-4, per summary field. Only keys the HR system sent
# count: an absent key leaves Campus as it is (SPEC section 4), so it is no difference.
DEMOGRAPHIC_CONDITIONS = {
    "ssn": _differs("ssn", _S.c.ssn_hash, _P.c.ssn_hash),
    "staffNumber": _S.c.staff_number != _P.c.staff_number,
    "name": or_(
        _differs("lastName", _S.c.last_name, _I.c.last_name),
        _differs("firstName", _S.c.first_name, _I.c.first_name),
        _differs("middleName", _S.c.middle_name, _I.c.middle_name),
    ),
    "gender": _differs("gender", _S.c.gender, _P.c.gender),
    "personalEmail": _differs("personalEmail", _S.c.personal_email, _P.c.personal_email),
    "workEmail": _differs("workEmail", _S.c.work_email, _P.c.work_email),
    "cellPhone": _differs("cellPhone", _S.c.cell_phone, _P.c.cell_phone),
    "otherPhone": _differs("otherPhone", _S.c.other_phone, _P.c.other_phone),
    "workPhone": _differs("workPhone", _S.c.work_phone, _P.c.work_phone),
    "birthDate": _differs("birthDate", _S.c.birth_date, _P.c.birth_date),
}
assert tuple(DEMOGRAPHIC_CONDITIONS) == DEMOGRAPHIC_FIELDS


# --- matching --------------------------------------------------------------------------------


def match(session: Session, sync_id: int) -> set[str]:
    """Link each staged record to its Campus person by staff number (case-insensitive,
    trimmed; the expression index makes each link one seek); returns the staged numbers that
    several Campus persons share (left unlinked: R-SYNC-8 dirty data, a commit failure)."""
    ensure_staff_key_index(session)
    key = _S.c.staff_key
    if session.get_bind().dialect.name == "sqlite":
        # Unary + drops the column's affinity, without which SQLite will not use the
        # expression index for a correlated comparison (it would scan persons per row).
        key = literal_column(f"+{_S.name}.staff_key")
    session.execute(
        update(_S)
        .where(_S.c.sync_id == sync_id)
        .values(person_id=select(_P.c.id).where(key == STAFF_KEY).limit(1).scalar_subquery())
    )
    d = check.duplicate_keys()
    dup = list(
        session.scalars(
            select(_S.c.staff_number).where(
                _S.c.sync_id == sync_id, _S.c.staff_key.in_(select(d.c.k))
            )
        )
    )
    for chunk in _chunks(dup):
        session.execute(
            update(_S)
            .where(_S.c.sync_id == sync_id, _S.c.staff_number.in_(chunk))
            .values(person_id=None)
        )
    return set(dup)


# --- categories ------------------------------------------------------------------------------


def demographics(session: Session, sync_id: int, diff: Diff) -> None:
    flags = [case((cond, 1), else_=0) for cond in DEMOGRAPHIC_CONDITIONS.values()]
    stmt = (
        select(*_HR_COLS, *_CAMPUS_COLS, *flags)
        .select_from(
            _S.join(_P, _P.c.id == _S.c.person_id).outerjoin(
                _I, and_(_I.c.person_id == _P.c.id, _I.c.is_current.is_(True))
            )
        )
        .where(
            _S.c.sync_id == sync_id,
            _S.c.person_id.is_not(None),
            or_(*DEMOGRAPHIC_CONDITIONS.values()),
        )
        .order_by(_S.c.seq)
    )
    rows = []
    v = vault()
    n_hr, n_campus = len(_HR_COLS), len(_CAMPUS_COLS)
    for r in _rows(session, stmt):
        marks = r[n_hr + n_campus :]
        differences = [f for f, m in zip(DEMOGRAPHIC_FIELDS, marks, strict=True) if m]
        for f in differences:
            diff.fields[f] += 1
        hr = hr_person(r)
        campus = campus_person(r, n_hr, v)
        rows.append(
            {
                "staffNumber": hr["staffNumber"],
                "campus": campus,
                "hr": hr,
                "differences": differences,
                "_search": _search(
                    hr["staffNumber"],
                    hr["lastName"],
                    hr["firstName"],
                    campus["lastName"],
                    campus["firstName"],
                ),
            }
        )
        diff.mark(hr["staffNumber"], "demographics")
    diff.rows["demographicDifferences"] = rows


def not_in_campus(session: Session, sync_id: int, dup: set[str], diff: Diff) -> list[str]:
    rows, numbers = [], []
    for r in _rows(
        session,
        select(*_HR_COLS)
        .where(_S.c.sync_id == sync_id, _S.c.person_id.is_(None))
        .order_by(_S.c.seq),
    ):
        if r[0] in dup:
            continue
        hr = hr_person(r)
        numbers.append(r[0])
        rows.append(
            {
                "staffNumber": r[0],
                "hr": hr,
                "_search": _search(r[0], hr["lastName"], hr["firstName"]),
            }
        )
    diff.rows["hrStaffNotInCampus"] = rows
    diff.creates = len(rows)
    return numbers


def not_in_hr(session: Session, sync_id: int, diff: Diff) -> None:
    staged = exists().where(_S.c.sync_id == sync_id, _S.c.staff_key == STAFF_KEY)
    rows = []
    for r in _rows(
        session,
        select(*_CAMPUS_COLS)
        .select_from(_person_from())
        .where(check.HAS_NUMBER, ~staged)
        .order_by(_P.c.staff_number, _P.c.id),
    ):
        c = campus_person(r)
        rows.append(
            {
                "staffNumber": c["staffNumber"],
                "campus": c,
                "_search": _search(c["staffNumber"], c["lastName"], c["firstName"]),
            }
        )
    diff.rows["campusStaffNotInHr"] = rows


def campus_lists(session: Session, diff: Diff) -> None:
    for cat, rows in (
        ("campusDuplicateStaffNumbers", check.duplicate_rows(session)),
        ("campusNoStaffNumber", check.no_number_rows(session)),
    ):
        diff.rows[cat] = [
            {
                "staffNumber": r.staffNumber,
                "campus": r.model_dump(),
                "_search": _search(r.staffNumber, r.lastName, r.firstName),
            }
            for r in rows
        ]


def possible_duplicates(session: Session, sync_id: int, dup: set[str], diff: Diff) -> None:
    """R-SYNC-10: an HR staff member not in Campus whose name and birth date, or SSN, match a
    Campus person (a student or parent hired by the district)."""
    name_expr = func.lower(_I.c.last_name) + literal("|") + func.lower(_I.c.first_name)
    found: dict[tuple[str, int], list[str]] = {}
    by_name = (
        select(_S.c.staff_number, _P.c.id)
        .select_from(
            _I.join(_P, _P.c.id == _I.c.person_id).join(
                _S,
                and_(
                    _S.c.sync_id == sync_id,
                    _S.c.name_key == name_expr,
                    _S.c.birth_date == _P.c.birth_date,
                ),
            )
        )
        .where(_I.c.is_current.is_(True), _S.c.person_id.is_(None))
    )
    by_ssn = (
        select(_S.c.staff_number, _P.c.id)
        .select_from(_S.join(_P, _P.c.ssn_hash == _S.c.ssn_hash))
        .where(_S.c.sync_id == sync_id, _S.c.person_id.is_(None), _S.c.ssn_hash.is_not(None))
    )
    for why, stmt in (("name and birth date", by_name), ("SSN", by_ssn)):
        for sn, pid in _rows(session, stmt):
            if sn not in dup:
                found.setdefault((sn, pid), []).append(why)
    if not found:
        diff.rows["possibleDuplicates"] = []
        return
    hr_rows = {}
    numbers = sorted({sn for sn, _ in found})
    for chunk in _chunks(numbers):
        for r in _rows(
            session,
            select(*_HR_COLS, _S.c.seq).where(
                _S.c.sync_id == sync_id, _S.c.staff_number.in_(chunk)
            ),
        ):
            hr_rows[r[0]] = (r[-1], hr_person(r))
    campus_rows = {}
    pids = sorted({pid for _, pid in found})
    v = vault()
    for chunk in _chunks(pids):
        for r in _rows(
            session,
            select(*_CAMPUS_COLS, _P.c.student_number)
            .select_from(_person_from())
            .where(_P.c.id.in_(chunk)),
        ):
            c = campus_person(r, 0, v)
            c["studentNumber"] = r[-1]
            campus_rows[r[0]] = c
    rows = []
    for (sn, pid), why in sorted(found.items(), key=lambda kv: (hr_rows[kv[0][0]][0], kv[0][1])):
        hr = hr_rows[sn][1]
        rows.append(
            {
                "staffNumber": sn,
                "hr": hr,
                "campus": campus_rows.get(pid),
                "match": " and ".join(why),
                "_search": _search(sn, hr["lastName"], hr["firstName"]),
            }
        )
    diff.rows["possibleDuplicates"] = rows
