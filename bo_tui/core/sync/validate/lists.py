"""Validate's list categories (R-SYNC-4, R-EMP-2, R-POS-7): district employments and
assignments of matched staff, HR beside Campus, where they differ."""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import and_, exists, select
from sqlalchemy.orm import Session

from .common import _E, _POS, _S, _SCH, _SE, _SP, Diff, _chunks, _iso, _rows, _search


def _listed(session: Session, stmt, keys: tuple[str, ...]) -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = defaultdict(list)
    for r in _rows(session, stmt):
        item = {k: _iso(v) for k, v in zip(keys, r[1:], strict=True)}
        if "linked" in item:
            item["linked"] = bool(item["linked"])
        out[r[0]].append(item)
    return out


def _side_by_side(
    session, sync_id, numbers: list[str], hr_stmt, campus_stmt, keys, category, diff, names
) -> None:
    hr_lists: dict[str, list[dict]] = {}
    campus_lists: dict[str, list[dict]] = {}
    for chunk in _chunks(numbers):
        hr_lists.update(_listed(session, hr_stmt(chunk), keys))
        campus_lists.update(
            _listed(
                session,
                campus_stmt(chunk),
                keys + (("linked",) if category == "assignmentDifferences" else ()),
            )
        )
    rows = []
    for sn in numbers:
        last, first = names.get(sn, (None, None))
        rows.append(
            {
                "staffNumber": sn,
                "lastName": last,
                "firstName": first,
                "campus": campus_lists.get(sn, []),
                "hr": hr_lists.get(sn, []),
                "_search": _search(sn, last, first),
            }
        )
        diff.mark(sn, "employment" if category == "employmentDifferences" else "positions")
    diff.rows[category] = rows


def _ordered_numbers(session: Session, sync_id: int, subq) -> list[str]:
    return list(
        session.scalars(
            select(_S.c.staff_number)
            .where(_S.c.sync_id == sync_id, _S.c.staff_number.in_(subq))
            .order_by(_S.c.seq)
        )
    )


def employments(session: Session, sync_id: int, diff: Diff, names) -> None:
    # An HR record with no identical Campus record is a change (R-EMP-2 adds it or sets its
    # terminationDate); Campus records the HR system does not send are kept, so no difference.
    missing = (
        select(_SE.c.staff_number)
        .select_from(
            _SE.join(
                _S, and_(_S.c.sync_id == _SE.c.sync_id, _S.c.staff_number == _SE.c.staff_number)
            )
        )
        .where(
            _SE.c.sync_id == sync_id,
            _S.c.person_id.is_not(None),
            ~exists().where(
                _E.c.person_id == _S.c.person_id,
                _E.c.hire_date.is_not_distinct_from(_SE.c.hire_date),
                _E.c.termination_date.is_not_distinct_from(_SE.c.termination_date),
            ),
        )
    )
    numbers = _ordered_numbers(session, sync_id, missing)
    keys = ("hireDate", "terminationDate")
    _side_by_side(
        session,
        sync_id,
        numbers,
        lambda chunk: (
            select(_SE.c.staff_number, _SE.c.hire_date, _SE.c.termination_date)
            .where(_SE.c.sync_id == sync_id, _SE.c.staff_number.in_(chunk))
            .order_by(_SE.c.id)
        ),
        lambda chunk: (
            select(_S.c.staff_number, _E.c.hire_date, _E.c.termination_date)
            .select_from(_E.join(_S, _S.c.person_id == _E.c.person_id))
            .where(_S.c.sync_id == sync_id, _S.c.staff_number.in_(chunk))
            .order_by(_E.c.hire_date, _E.c.id)
        ),
        keys,
        "employmentDifferences",
        diff,
        names,
    )


def _same_position(sp, cp, sch):
    return and_(
        sch.c.school_number == sp.c.school_number,
        cp.c.assignment_code.is_not_distinct_from(sp.c.assignment_code),
        cp.c.title_code.is_not_distinct_from(sp.c.title_code),
        cp.c.start_date.is_not_distinct_from(sp.c.start_date),
        cp.c.end_date.is_not_distinct_from(sp.c.end_date),
    )


def assignments(session: Session, sync_id: int, diff: Diff, names) -> None:
    # R-POS-7: the HR list is complete. A difference is an HR position with no identical Campus
    # one, or an unlinked Campus position the HR list lacks (linked ones are always kept).
    sch = _SCH
    hr_missing = (
        select(_SP.c.staff_number)
        .select_from(
            _SP.join(
                _S, and_(_S.c.sync_id == _SP.c.sync_id, _S.c.staff_number == _SP.c.staff_number)
            )
        )
        .where(
            _SP.c.sync_id == sync_id,
            _S.c.person_id.is_not(None),
            ~exists()
            .select_from(_POS.join(sch, sch.c.id == _POS.c.school_id))
            .where(_POS.c.person_id == _S.c.person_id, _same_position(_SP, _POS, sch)),
        )
    )
    campus_extra = (
        select(_S.c.staff_number)
        .select_from(
            _POS.join(_S, _S.c.person_id == _POS.c.person_id).join(
                sch, sch.c.id == _POS.c.school_id
            )
        )
        .where(
            _S.c.sync_id == sync_id,
            _S.c.has_positions.is_(True),
            _POS.c.linked.is_(False),
            ~exists().where(
                _SP.c.sync_id == sync_id,
                _SP.c.staff_number == _S.c.staff_number,
                _same_position(_SP, _POS, sch),
            ),
        )
    )
    numbers = _ordered_numbers(session, sync_id, hr_missing.union(campus_extra).subquery().select())
    keys = ("schoolNumber", "assignmentCode", "titleCode", "startDate", "endDate")
    _side_by_side(
        session,
        sync_id,
        numbers,
        lambda chunk: (
            select(
                _SP.c.staff_number,
                _SP.c.school_number,
                _SP.c.assignment_code,
                _SP.c.title_code,
                _SP.c.start_date,
                _SP.c.end_date,
            )
            .where(_SP.c.sync_id == sync_id, _SP.c.staff_number.in_(chunk))
            .order_by(_SP.c.id)
        ),
        lambda chunk: (
            select(
                _S.c.staff_number,
                sch.c.school_number,
                _POS.c.assignment_code,
                _POS.c.title_code,
                _POS.c.start_date,
                _POS.c.end_date,
                _POS.c.linked,
            )
            .select_from(
                _POS.join(_S, _S.c.person_id == _POS.c.person_id).join(
                    sch, sch.c.id == _POS.c.school_id
                )
            )
            .where(_S.c.sync_id == sync_id, _S.c.staff_number.in_(chunk))
            .order_by(_POS.c.start_date, _POS.c.id)
        ),
        keys,
        "assignmentDifferences",
        diff,
        names,
    )
