"""Recording every change to staff data (R-HIST-1): a snapshot of the persons a write touches,
taken before and after it in the same transaction, and their difference as change-log rows."""

# Why snapshots rather than a hook in every statement: each write path (the staff services, the
# console edits, Combine Person, the sync commit, a revert) is recorded by one wrapper, and the
# rows carry the table, row id and raw values a revert (R-HIST-2) needs. A sync commit takes one
# snapshot per batch of staff members (a handful of set-based reads), never one per person.

from __future__ import annotations

import datetime as dt
import functools
import json
from collections.abc import Callable, Iterable
from typing import Any

from sqlalchemy import Date, and_, bindparam, delete, func, insert, literal, select
from sqlalchemy.orm import Session

from ..store.models import (
    Employment,
    Household,
    HouseholdLocation,
    HouseholdMember,
    Identity,
    Person,
    Position,
)
from ..store.models.history import ChangeLog
from .change_labels import Labels, row_label

CL = ChangeLog.__table__
ACTIVE = "bo_tui.history.active"  # session.info: an outer recorder covers nested writes
BY = "bo_tui.history.by"  # session.info: who acts, when the adapter knows better than the default
API_CALL, CONSOLE_EDIT, COMBINE = "API call", "console edit", "Combine Person"
CHUNK = 500  # ids per IN list

# table -> (area, {column: field}); person_id/household_id link rows to their staff member.
TABLES: dict[str, tuple[str, dict[str, str]]] = {
    "persons": (
        "demographics",
        {
            "staff_number": "staffNumber",
            "student_number": "studentNumber",
            "ssn": "ssn",
            "birth_date": "birthDate",
            "gender": "gender",
            "work_phone": "workPhone",
            "cell_phone": "cellPhone",
            "other_phone": "otherPhone",
            "work_email": "workEmail",
            "personal_email": "personalEmail",
            "hr_managed": "hrManaged",
        },
    ),
    "households": ("household", {"name": "householdName", "staff_household": "staffHousehold"}),
    "identities": (
        "identity",
        {
            "person_id": "person",
            "last_name": "lastName",
            "first_name": "firstName",
            "middle_name": "middleName",
            "start_date": "startDate",
            "end_date": "endDate",
            "is_current": "current",
        },
    ),
    "employments": (
        "employment",
        {"person_id": "person", "hire_date": "hireDate", "termination_date": "terminationDate"},
    ),
    "positions": (
        "position",
        {
            "person_id": "person",
            "school_id": "school",
            "assignment_code": "assignmentCode",
            "title_code": "titleCode",
            "start_date": "startDate",
            "end_date": "endDate",
            "linked": "linked",
        },
    ),
    "household_members": (
        "household",
        {
            "household_id": "household",
            "person_id": "person",
            "start_date": "memberStart",
            "end_date": "memberEnd",
        },
    ),
    "household_locations": (
        "address",
        {
            "household_id": "household",
            "address_id": "address",
            "mailing": "mailing",
            "physical": "physical",
            "start_date": "addressStart",
            "end_date": "addressEnd",
        },
    ),
}
MODELS = {
    "persons": Person,
    "households": Household,
    "identities": Identity,
    "employments": Employment,
    "positions": Position,
    "household_members": HouseholdMember,
    "household_locations": HouseholdLocation,
}
ORDER = list(TABLES)  # parents first: the order rows are put back in, reversed to remove them
_RANK = {t: i for i, t in enumerate(ORDER)}
ALL_TABLES = frozenset(ORDER)
# The tables a sync update of each area may write (``sync.apply.only_areas``).
AREA_TABLES = {
    "demographics": frozenset({"persons", "identities"}),
    "employment": frozenset({"persons", "employments"}),
    "positions": frozenset({"persons", "positions"}),
    "household": frozenset({"persons", "households", "household_members", "household_locations"}),
}
_NONE = object()
_ADDED, _REMOVED = "added", "removed"


def enc(value: Any) -> str:
    """A stored value as the log keeps it (JSON; dates in ISO form)."""
    return json.dumps(value, default=lambda v: v.isoformat(), separators=(",", ":"))


def dec(table: str, col: str, raw: str | None) -> Any:
    """``enc``'s inverse, typed by the table's column (dates back to dates)."""
    value = None if raw is None else json.loads(raw)
    column = MODELS[table].__table__.c.get(col)
    if value is not None and column is not None and isinstance(column.type, Date):
        return dt.date.fromisoformat(value)
    return value


def dec_row(table: str, raw: str) -> dict[str, Any]:
    return {k: dec(table, k, enc(v)) for k, v in json.loads(raw).items()}


# --- snapshots ---------------------------------------------------------------------------------


class Snapshot:
    """The staff data of some persons: ``rows[(table, id)] = (person_id, {column: value})``.
    The SSN is one value, ``[ciphertext, hash]``, compared by its hash."""

    __slots__ = ("rows", "households", "tables")

    def __init__(self, tables: frozenset[str] = frozenset()):
        self.rows: dict[tuple[str, int], tuple[int, dict[str, Any]]] = {}
        self.households: dict[int, int] = {}  # household id -> the staff member it belongs to
        self.tables = tables or ALL_TABLES  # what was read: the same is read after the write


def _chunks(ids: Iterable[int]) -> Iterable[list[int]]:
    ids = sorted(set(ids))
    for i in range(0, len(ids), CHUNK):
        yield ids[i : i + CHUNK]


_STMTS: dict[tuple[str, str], Any] = {}
_INSERT = insert(CL)


def _stmt(table: str, where_col: str):
    """The snapshot's read of one table, built once (a batch or an API call runs several)."""
    stmt = _STMTS.get((table, where_col))
    if stmt is None:
        t = MODELS[table].__table__
        cols = [t.c.id] + [t.c[c] for c in TABLES[table][1] if c != "ssn"]
        if table == "persons":
            cols += [t.c.ssn_enc, t.c.ssn_hash]
        where = t.c[where_col].in_(bindparam("ids", expanding=True))
        stmt = _STMTS[(table, where_col)] = select(*cols).where(where)
    return stmt


def _read(session: Session, table: str, where_col: str, ids: list[int]):
    return session.connection().execute(_stmt(table, where_col), {"ids": ids}).all()


def snapshot(
    session: Session,
    person_ids: Iterable[int],
    households: Iterable[int] = (),
    tables: frozenset[str] = frozenset(),
) -> Snapshot:
    """What the persons hold now: person rows, identities, employments, positions, household
    memberships, and those households with their locations (plus ``households`` by id, so a
    membership ended or removed by the write still shows its household after it). ``tables``:
    only these (a write known to touch no other table, e.g. a sync update of names only)."""
    snap = Snapshot(tables)
    pids = sorted(set(person_ids))
    rows = snap.rows
    person_cols = [c for c in TABLES["persons"][1] if c != "ssn"]
    for chunk in _chunks(pids):
        for r in _read(session, "persons", "id", chunk):
            values = dict(zip(person_cols, r[1:-2], strict=True))
            values["ssn"] = [r[-2], r[-1]] if r[-1] else None
            rows[("persons", r[0])] = (r[0], values)
        for table in ("identities", "employments", "positions", "household_members"):
            if table not in snap.tables:
                continue
            cols = list(TABLES[table][1])
            for r in _read(session, table, "person_id", chunk):
                values = dict(zip(cols, r[1:], strict=True))
                rows[(table, r[0])] = (values["person_id"], values)
                if table == "household_members":
                    snap.households.setdefault(values["household_id"], values["person_id"])
    for hid, pid in dict(households).items():
        snap.households.setdefault(hid, pid)
    homes = snap.households
    if "households" not in snap.tables:
        return snap
    for chunk in _chunks(homes):
        for table in ("households", "household_locations"):
            cols = list(TABLES[table][1])
            where = "id" if table == "households" else "household_id"
            for r in _read(session, table, where, chunk):
                values = dict(zip(cols, r[1:], strict=True))
                home = r[0] if table == "households" else values["household_id"]
                rows[(table, r[0])] = (homes[home], values)
    return snap


# --- differences as change rows ----------------------------------------------------------------


def _same(col: str, a: Any, b: Any) -> bool:
    if col == "ssn":
        return (a[1] if a else None) == (b[1] if b else None)
    return a == b


def _raw_row(values: dict[str, Any]) -> str:
    return enc(values)


def _moved(old: dict[str, Any], new: dict[str, Any]) -> bool:
    return "person_id" in old and old["person_id"] != new.get("person_id")


def _base(numbers: dict, key: tuple[str, int], pid: int) -> dict[str, Any]:
    return {
        "person_id": pid,
        "staff_number": numbers.get(pid),
        "area": TABLES[key[0]][0],
        "tbl": key[0],
        "row_id": key[1],
    }


def _whole(labels: Labels, numbers: dict, key, row, *, added: bool) -> dict[str, Any]:
    """A row added or removed: one change, its label shown, the whole row kept as raw."""
    pid, values = row
    label = row_label(labels, key[0], values)
    return {
        **_base(numbers, key, pid),
        "field": _ADDED if added else _REMOVED,
        "before": None if added else label,
        "after": label if added else None,
        "op": "i" if added else "d",
        "col": None,
        "old_raw": None if added else _raw_row(values),
        "new_raw": _raw_row(values) if added else None,
    }


def _columns_changed(labels: Labels, numbers: dict, key, old, new) -> list[dict[str, Any]]:
    out = []
    base = _base(numbers, key, new[0])
    for col, field in TABLES[key[0]][1].items():
        a, b = old[1].get(col), new[1].get(col)
        if _same(col, a, b):
            continue
        out.append(
            {
                **base,
                "field": field,
                "before": labels.value(col, a),
                "after": labels.value(col, b),
                "op": "u",
                "col": col,
                "old_raw": enc(a),
                "new_raw": enc(b),
            }
        )
    return out


def diff(session: Session, before: Snapshot, after: Snapshot) -> list[dict[str, Any]]:
    """The change rows (without source, time and who) from ``before`` to ``after``."""
    # Most rows of a batch are unchanged: compare whole rows first, label only what changed.
    brows, arows = before.rows, after.rows
    changed = [k for k in brows.keys() | arows.keys() if brows.get(k, _NONE) != arows.get(k, _NONE)]
    labels = Labels(session)
    labels.load_addresses(
        {
            snap.rows[k][1].get("address_id")
            for snap in (before, after)
            for k in changed
            if k[0] == "household_locations" and k in snap.rows
        }
        - {None}
    )
    numbers = {
        pid: vals.get("staff_number")
        for snap in (before, after)
        for (t, _i), (pid, vals) in snap.rows.items()
        if t == "persons"
    }
    out: list[dict[str, Any]] = []
    for key in sorted(changed, key=lambda k: (_RANK[k[0]], k[1])):
        old, new = before.rows.get(key), after.rows.get(key)
        if old is not None and new is not None and _moved(old[1], new[1]):
            # SQLite reuses the id of a row removed in the same write (a position dropped by
            # R-POS-7, another staff member's added): two rows, so a removal and an addition.
            out.append(_whole(labels, numbers, key, old, added=False))
            out.append(_whole(labels, numbers, key, new, added=True))
        elif old is None or new is None:
            out.append(_whole(labels, numbers, key, new or old, added=old is None))
        else:
            out.extend(_columns_changed(labels, numbers, key, old, new))
    return out


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def write(
    session: Session,
    rows: list[dict[str, Any]],
    *,
    source: str,
    by: str | None,
    sync_id: int | None = None,
    revert_of: int | None = None,
) -> int:
    """Insert the change rows in the caller's transaction (R-HIST-1: with the change itself)."""
    if not rows:
        return 0
    at = now()
    common = {"at": at, "source": source, "by": by, "sync_id": sync_id, "revert_of": revert_of}
    session.connection().execute(_INSERT, [{**common, **r} for r in rows])
    return len(rows)


def record(
    session: Session,
    before: Snapshot,
    person_ids: Iterable[int],
    *,
    source: str,
    by: str | None,
    sync_id: int | None = None,
    revert_of: int | None = None,
) -> int:
    """Snapshot ``person_ids`` again and write what changed since ``before``."""
    after = snapshot(session, person_ids, before.households, before.tables)
    return write(
        session,
        diff(session, before, after),
        source=source,
        by=by,
        sync_id=sync_id,
        revert_of=revert_of,
    )


def acting(session: Session, default: str | None) -> str | None:
    return session.info.get(BY) or default


def _login() -> str:
    from .users import os_login

    return os_login()


def recorded(
    source: str,
    persons: Callable[..., Iterable[int]],
    *,
    result_person: bool = False,
) -> Callable:
    """Record a write service's changes (R-HIST-1). ``persons(session, *args, **kw)`` names the
    persons it may change; ``result_person``: also the result's ``personId`` (a create). Inside
    another recorder (a sync batch, an edit form made of two edits) it records nothing itself."""

    def wrap(fn: Callable) -> Callable:
        @functools.wraps(fn)
        def inner(session: Session, *args, **kw):
            if session.info.get(ACTIVE):
                return fn(session, *args, **kw)
            pids = set(persons(session, *args, **kw))
            before = snapshot(session, pids)
            session.info[ACTIVE] = True
            try:
                out = fn(session, *args, **kw)
            finally:
                session.info.pop(ACTIVE, None)
            if result_person and getattr(out, "personId", None) is not None:
                pids.add(out.personId)
            by = acting(session, "HR system (API)" if source == API_CALL else _login())
            record(session, before, pids, source=source, by=by)
            return out

        return inner

    return wrap


def by_staff_number(session: Session, staff_number: str, *_a, **_k) -> list[int]:
    from .identities import person_ids_for_staff_number

    return person_ids_for_staff_number(session, staff_number) if staff_number else []


def by_person(_session: Session, person_id: int, *_a, **_k) -> list[int]:
    return [person_id]


def by_row(table: str) -> Callable[..., list[int]]:
    t = MODELS[table].__table__

    def find(session: Session, row_id: int, *_a, **_k) -> list[int]:
        pid = session.scalar(select(t.c.person_id).where(t.c.id == row_id))
        return [] if pid is None else [pid]

    return find


def nobody(*_a, **_k) -> list[int]:
    return []


def record_flag(
    session: Session,
    person_ids,
    *,
    sync_id: int,
    by: str | None,
    value: bool = True,
    source: str | None = None,
    revert_of: int | None = None,
) -> None:
    """The commit's last step sets HR-managed on every synced staff member at once (R-SYNC-7):
    logged with one INSERT … SELECT, before that UPDATE runs (``person_ids`` a subquery)."""
    p = Person.__table__
    cols = [
        "at",
        "source",
        "sync_id",
        "revert_of",
        "person_id",
        "staff_number",
        "area",
        "field",
        "before",
        "after",
        "by",
        "tbl",
        "row_id",
        "op",
        "col",
        "old_raw",
        "new_raw",
    ]
    yes, no = ("yes", "no") if value else ("no", "yes")
    sel = select(
        literal(now()),
        literal(source or f"sync #{sync_id}"),
        literal(sync_id),
        literal(revert_of),
        p.c.id,
        p.c.staff_number,
        literal("demographics"),
        literal("hrManaged"),
        literal(no),
        literal(yes),
        literal(by),
        literal("persons"),
        p.c.id,
        literal("u"),
        literal("hr_managed"),
        literal(enc(not value)),
        literal(enc(value)),
    ).where(p.c.id.in_(person_ids), p.c.hr_managed.is_(not value))
    session.execute(insert(CL).from_select(cols, sel))


def prune(session: Session, days: int) -> int:
    """Forget change rows older than ``days`` (the ``historyDays`` preference, R-HIST-1)."""
    cutoff = now() - dt.timedelta(days=days)
    return session.execute(delete(CL).where(CL.c.at < cutoff)).rowcount or 0


def later_changes(session: Session, person_id: int, after_id: int, sync_id: int) -> int:
    """How many changes another source made to the person after the change ``after_id``."""
    return (
        session.scalar(
            select(func.count())
            .select_from(CL)
            .where(
                and_(
                    CL.c.person_id == person_id,
                    CL.c.id > after_id,
                    CL.c.sync_id.is_distinct_from(sync_id),
                )
            )
        )
        or 0
    )


__all__ = [
    "ACTIVE",
    "API_CALL",
    "BY",
    "COMBINE",
    "CONSOLE_EDIT",
    "Snapshot",
    "diff",
    "prune",
    "record",
    "record_flag",
    "recorded",
    "snapshot",
    "write",
]
