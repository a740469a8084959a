"""The steps of a revert (R-HIST-2) that the commit job's machinery runs batch by batch: each
staff member's changes planned against Campus as it is now, applied in a SAVEPOINT, logged."""

# A change goes back only where Campus still holds what the sync wrote; anything edited since is
# a conflict, listed and left alone. Names (identity) and the household's address move as a
# whole: their rows depend on one another (one current identity, one current location).

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import and_, delete, func, insert, select, update
from sqlalchemy.orm import Session

from ...store.models import HouseholdMember, Person, User
from ...store.models.history import ChangeLog
from ...store.models.sync import CommitJob, CommitJobItem, SyncRun
from .. import change_log as log
from .. import notifications
from ..preferences import get_preferences
from ..sync.apply import failure_message, pending_items

CL = ChangeLog.__table__
_J = CommitJob.__table__
_JI = CommitJobItem.__table__
_P = Person.__table__
_M = HouseholdMember.__table__
WHOLE_AREAS = {"identity", "household", "address"}
FLAG = ("persons", "hr_managed")  # reverted in one statement at the end (see finish_revert)


@dataclass
class PersonPlan:
    """What reverting one staff member's changes does: ``ops`` to run, ``conflicts`` left."""

    person_id: int
    staff_number: str | None
    deletes: list[tuple[str, int]] = field(default_factory=list)
    updates: dict[tuple[str, int], dict[str, Any]] = field(default_factory=dict)
    inserts: list[tuple[str, int, dict[str, Any]]] = field(default_factory=list)
    conflicts: list[dict[str, Any]] = field(default_factory=list)
    counts: Counter = field(default_factory=Counter)
    removes: bool = False

    def conflict(self, area: str, fld: str, reason: str) -> None:
        self.conflicts.append(
            {"staffNumber": self.staff_number or "", "area": area, "field": fld, "reason": reason}
        )


def changes_of(session: Session, sync_id: int, person_ids: Iterable[int]) -> dict[int, list]:
    """The change rows a sync (or revert) wrote, by person, oldest first, HR-managed aside."""
    out: dict[int, list] = {}
    for chunk in log._chunks(person_ids):
        rows = session.execute(
            select(CL).where(CL.c.sync_id == sync_id, CL.c.person_id.in_(chunk)).order_by(CL.c.id)
        ).all()
        for r in rows:
            if (r.tbl, r.col) != FLAG:
                out.setdefault(r.person_id, []).append(r)
    return out


def persons_of(session: Session, sync_id: int) -> list[int]:
    """Every person the sync changed beyond the HR-managed flag, in the order it changed them."""
    rows = session.execute(
        select(CL.c.person_id, func.min(CL.c.id))
        .where(CL.c.sync_id == sync_id, CL.c.col.is_distinct_from("hr_managed"))
        .group_by(CL.c.person_id)
        .order_by(func.min(CL.c.id))
    ).all()
    return [r[0] for r in rows]


def _matches(col: str, current: Any, raw: str | None) -> bool:
    wrote = json.loads(raw) if raw is not None else None
    if col == "ssn":
        return (current[1] if current else None) == (wrote[1] if wrote else None)
    return log.enc(current) == log.enc(wrote)


def _removal_blockers(session: Session, plan: PersonPlan, rows: list, sync_id: int) -> str:
    """Why a staff member the sync created cannot be removed: something refers to them since."""
    pid = plan.person_id
    later = log.later_changes(session, pid, max(r.id for r in rows), sync_id)
    if later:
        return f"changed since the sync ({later} later change(s)); left in Campus"
    if session.scalar(select(func.count()).where(User.__table__.c.person_id == pid)):
        return "is a Campus user's person; left in Campus"
    homes = select(_M.c.household_id).where(_M.c.person_id == pid)
    others = session.scalar(
        select(func.count()).where(_M.c.household_id.in_(homes), _M.c.person_id != pid)
    )
    if others:
        return "shares a household with other persons since; left in Campus"
    return ""


def _plan_removal(
    session: Session, plan: PersonPlan, rows: list, current: log.Snapshot, sync_id: int
) -> None:
    reason = _removal_blockers(session, plan, rows, sync_id)
    if reason:
        plan.conflict("demographics", "staff member", f"created by the sync, {reason}")
        return
    created_homes = {r.row_id for r in rows if r.tbl == "households" and r.op == "i"}
    mine = [
        (t, i)
        for (t, i), (pid, vals) in current.rows.items()
        if pid == plan.person_id
        and (t not in ("households", "household_locations") or _home(t, i, vals) in created_homes)
    ]
    plan.deletes.extend(sorted(mine, key=lambda k: -log.ORDER.index(k[0])))
    plan.removes = True
    plan.counts["staff removed"] += 1


def _home(table: str, row_id: int, values: dict[str, Any]) -> int:
    return row_id if table == "households" else values.get("household_id")


def _plan_row(plan: PersonPlan, r, current: log.Snapshot) -> str:
    """Plan one change row back; returns a conflict reason, or "" when it goes back."""
    key = (r.tbl, r.row_id)
    now = current.rows.get(key)
    if r.op == "u":
        if now is None:
            return "removed since"
        if not _matches(r.col, now[1].get(r.col), r.new_raw):
            return "changed since"
        plan.updates.setdefault(key, {})[r.col] = log.dec(r.tbl, r.col, r.old_raw)
    elif r.op == "i":
        if now is None:
            return ""  # already gone: nothing to take back
        if json.loads(log.enc(now[1])) != json.loads(r.new_raw):
            return "changed since"
        plan.deletes.append(key)
    else:
        raw = json.loads(r.old_raw)
        if now is not None and json.loads(log.enc(now[1])) == raw:
            return ""  # back already
        # Put back under its own id when that is free, else under a new one (``execute``).
        plan.inserts.append((r.tbl, r.row_id, raw))
    return ""


def plan_person(
    session: Session, person_id: int, rows: list, current: log.Snapshot, sync_id: int
) -> PersonPlan:
    """Plan taking back ``rows`` (one person's changes by ``sync_id``) against ``current``."""
    number = None
    now_person = current.rows.get(("persons", person_id))
    if now_person is not None:
        number = now_person[1].get("staff_number")
    plan = PersonPlan(person_id, number or (rows[0].staff_number if rows else None))
    if any(r.tbl == "persons" and r.op == "i" for r in rows):
        _plan_removal(session, plan, rows, current, sync_id)
        return plan
    by_area: dict[str, list] = {}
    for r in rows:
        by_area.setdefault(r.area, []).append(r)
    for area, area_rows in by_area.items():
        trial = PersonPlan(person_id, plan.staff_number)
        for r in area_rows:
            reason = _plan_row(trial, r, current)
            if reason:
                trial.conflict(area, r.field, reason)
        if trial.conflicts and area in WHOLE_AREAS:
            # One current identity / location: part of the rows back would break that rule.
            for r in area_rows:
                plan.conflict(area, r.field, "changed since (this area goes back as a whole)")
            continue
        plan.conflicts.extend(trial.conflicts)
        plan.deletes.extend(trial.deletes)
        plan.inserts.extend(trial.inserts)
        for key, values in trial.updates.items():
            plan.updates.setdefault(key, {}).update(values)
        plan.counts[area] += len(area_rows) - len(trial.conflicts)
    plan.deletes.sort(key=lambda k: -log.ORDER.index(k[0]))
    plan.inserts.sort(key=lambda k: log.ORDER.index(k[0]))
    return plan


def execute(session: Session, plan: PersonPlan) -> None:
    """Deletes (children first), then updates, then inserts (parents first, with their ids)."""
    conn = session.connection()
    for table, row_id in plan.deletes:
        t = log.MODELS[table].__table__
        conn.execute(delete(t).where(t.c.id == row_id))
    for (table, row_id), values in plan.updates.items():
        t = log.MODELS[table].__table__
        conn.execute(update(t).where(t.c.id == row_id).values(**_columns(table, values)))
    for table, row_id, raw in plan.inserts:
        t = log.MODELS[table].__table__
        values = _columns(table, {k: log.dec(table, k, log.enc(v)) for k, v in raw.items()})
        # A removed row's id may serve another row since (SQLite reuses the highest ids).
        taken = conn.execute(select(t.c.id).where(t.c.id == row_id)).first()
        conn.execute(insert(t).values(**values) if taken else insert(t).values(id=row_id, **values))


def _columns(table: str, values: dict[str, Any]) -> dict[str, Any]:
    out = dict(values)
    if table == "persons" and "ssn" in out:
        ssn = out.pop("ssn")
        out["ssn_enc"], out["ssn_hash"] = (ssn[0], ssn[1]) if ssn else (None, None)
    return out


# --- the job's batch and its end ---------------------------------------------------------------


def apply_revert_batch(
    session: Session,
    job_id: int,
    revert_id: int,
    limit: int,
    *,
    today: dt.date | None = None,
    apply=None,
) -> int:
    """Revert up to ``limit`` pending staff members of the job in the caller's transaction:
    each in a SAVEPOINT, its item marked and its change rows written in the same transaction
    (a kill -9 loses both or neither). Returns how many items were processed."""
    run = session.get(SyncRun, revert_id)
    items = pending_items(session, job_id, limit)
    if not items:
        return 0
    pids = [int(sn) for _i, sn in items]
    rows = changes_of(session, run.revert_of, pids)
    before = log.snapshot(session, pids, tables=_tables(rows))
    marks = []
    for item_id, sn in items:
        pid = int(sn)
        plan = plan_person(session, pid, rows.get(pid, []), before, run.revert_of)
        try:
            with session.begin_nested():
                if apply is not None:
                    apply(session, plan)
                execute(session, plan)
            marks.append((item_id, "done", json.dumps(plan.conflicts) if plan.conflicts else None))
        except Exception as exc:  # noqa: BLE001 - every failure is reported, none stops the job
            marks.append((item_id, "failed", f"{plan.staff_number}: {failure_message(exc)}"))
    log.record(
        session,
        before,
        pids,
        source=f"revert #{revert_id}",
        by=run.started_by,
        sync_id=revert_id,
        revert_of=run.revert_of,
    )
    _mark(session, job_id, marks)
    return len(items)


HOME_TABLES = frozenset({"households", "household_members", "household_locations"})


def _tables(rows: dict[int, list]) -> frozenset[str]:
    """The tables a batch's revert can write: those its change rows name (a household's three
    together), all of them when it removes or puts back a whole staff member."""
    named = {r.tbl for rs in rows.values() for r in rs}
    if any(r.tbl == "persons" and r.op != "u" for rs in rows.values() for r in rs):
        return log.ALL_TABLES
    if named & HOME_TABLES:
        named |= HOME_TABLES
    return frozenset(named | {"persons"})


def _mark(session: Session, job_id: int, marks: list[tuple[int, str, str | None]]) -> None:
    now = log.now()
    for item_id, status, message in marks:
        session.execute(
            update(_JI)
            .where(_JI.c.id == item_id)
            .values(status=status, message=message, done_at=now)
        )
    failed = sum(1 for m in marks if m[1] == "failed")
    session.execute(
        update(_J)
        .where(_J.c.id == job_id)
        .values(
            processed=_J.c.processed + len(marks), failures=_J.c.failures + failed, heartbeat_at=now
        )
    )


def revert_flags(session: Session, run: SyncRun) -> None:
    """The HR-managed flag the sync set (or cleared) goes back in one statement per value,
    logged first; staff members edited since keep it (they are HR-managed by then anyway)."""
    for value in (True, False):
        ids = select(CL.c.person_id).where(
            CL.c.sync_id == run.revert_of,
            CL.c.tbl == "persons",
            CL.c.col == "hr_managed",
            CL.c.new_raw == log.enc(value),
        )
        log.record_flag(
            session,
            ids,
            sync_id=run.id,
            by=run.started_by,
            value=not value,
            source=f"revert #{run.id}",
            revert_of=run.revert_of,
        )
        session.execute(
            update(_P)
            .where(and_(_P.c.id.in_(ids), _P.c.hr_managed.is_(value)))
            .values(hr_managed=not value)
        )


def finish_revert(session: Session, job_id: int) -> None:
    """After the last staff member: the flags, the counts, the revert committed, the
    "HR Sync Reverted" notification, and history past ``historyDays`` pruned."""
    job = session.get(CommitJob, job_id)
    run = session.get(SyncRun, job.sync_id)
    revert_flags(session, run)
    counts = dict(
        session.execute(
            select(_JI.c.status, func.count()).where(_JI.c.job_id == job_id).group_by(_JI.c.status)
        ).all()
    )
    conflicted = session.scalar(
        select(func.count()).where(_JI.c.job_id == job_id, _JI.c.message.is_not(None))
    )
    done, failed = counts.get("done", 0), counts.get("failed", 0)
    job.processed, job.failures = done + failed, failed
    job.status = "completed"
    job.finished_at = log.now()
    job.message = f"{done:,} staff members reverted, {conflicted - failed:,} with conflicts, {failed:,} failed"
    run.state = "committed"
    run.committed_at = job.finished_at
    run.changes = done
    log.prune(session, get_preferences(session).historyDays)
    notifications.publish(
        session,
        notifications.HR_SYNC_REVERTED,
        f"HR Sync {run.revert_of} reverted: {job.message}",
        f"Revert {run.id} of sync {run.revert_of}, by {run.started_by}: {job.message}.",
    )


__all__ = [
    "PersonPlan",
    "apply_revert_batch",
    "changes_of",
    "execute",
    "finish_revert",
    "persons_of",
    "plan_person",
]
