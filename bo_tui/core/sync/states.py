"""The sync's state machine (SPEC section 6): none → transferring → transferred → validated →
committing → committed, restart back to transferring; one open sync per district (R-SYNC-1),
end only after a transfer (R-SYNC-3), and review holds on staff members of the open sync."""

from __future__ import annotations

import datetime as dt
import json

from pydantic import BaseModel
from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ...store.models.sync import (
    SyncHold,
    SyncRejection,
    SyncReportRow,
    SyncRun,
    SyncStaged,
    SyncStagedAddress,
    SyncStagedEmployment,
    SyncStagedPosition,
    SyncWork,
)
from ..errors import Conflict, FieldError, NotFound

NONE = "none"
TRANSFERRING = "transferring"
TRANSFERRED = "transferred"
VALIDATED = "validated"
COMMITTING = "committing"
COMMITTED = "committed"
OPEN_STATES = (TRANSFERRING, TRANSFERRED, VALIDATED, COMMITTING)

# What to do next, by state: every wrong-state Conflict ends with this hint.
NEXT_STEP = {
    NONE: "start a sync first (POST /staffMembers/sync/start, or `bo-tui sync run FILE`)",
    TRANSFERRING: "transfer staff members, then end the transfer (sync/end)",
    TRANSFERRED: "validate the transfer (sync/validate)",
    VALIDATED: "review the report, then commit (sync/commit or sync/submitCommitJob), "
    "or restart the transfer",
    COMMITTING: "wait for the commit job to finish (sync/commitJobStatus, `bo-tui sync status`)",
    COMMITTED: "the last sync is committed; start a new sync",
}


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def iso(when: dt.datetime | None) -> str | None:
    return when.replace(microsecond=0).isoformat() + "Z" if when else None


class SyncInfo(BaseModel):
    """The sync as screens and ``sync status`` show it."""

    syncId: int | None = None
    state: str = NONE
    startedBy: str | None = None
    startedAt: str | None = None
    endedAt: str | None = None
    validatedAt: str | None = None
    committedAt: str | None = None
    transferred: int = 0
    rejected: int = 0
    creates: int = 0
    changes: int = 0
    campusStaff: int = 0
    guardConfirmedBy: str | None = None
    summary: dict | None = None


def info(run: SyncRun | None) -> SyncInfo:
    if run is None:
        return SyncInfo()
    return SyncInfo(
        syncId=run.id,
        state=run.state,
        startedBy=run.started_by,
        startedAt=iso(run.started_at),
        endedAt=iso(run.ended_at),
        validatedAt=iso(run.validated_at),
        committedAt=iso(run.committed_at),
        transferred=run.transferred,
        rejected=run.rejected,
        creates=run.creates,
        changes=run.changes,
        campusStaff=run.campus_staff,
        guardConfirmedBy=run.guard_confirmed_by,
        summary=json.loads(run.summary) if run.summary else None,
    )


def open_run(session: Session, *, lock: bool = False) -> SyncRun | None:
    """The open sync, or None."""
    stmt = select(SyncRun).where(SyncRun.open_slot == 1)
    if lock:
        stmt = stmt.with_for_update()
    return session.scalars(stmt).first()


def last_run(session: Session) -> SyncRun | None:
    """The open sync, else the most recent one (committed)."""
    return open_run(session) or session.scalars(select(SyncRun).order_by(SyncRun.id.desc())).first()


def wrong_state(action: str, state: str) -> Conflict:
    msg = f"cannot {action}: the sync is {state}; {NEXT_STEP[state]}"
    return Conflict(msg, [FieldError("state", msg, "R-SYNC-1")])


def require(session: Session, action: str, *states: str, lock: bool = True) -> SyncRun:
    """The open sync in one of ``states``, else Conflict saying what to do next."""
    run = open_run(session, lock=lock)
    state = run.state if run else NONE
    if run is None or state not in states:
        raise wrong_state(action, state)
    return run


def start(session: Session, started_by: str) -> SyncInfo:
    """R-SYNC-1: open a sync in state transferring, recording who and when."""
    run = open_run(session, lock=True)
    if run is not None:
        msg = (
            f"a sync is already open ({run.state}, started by {run.started_by}): "
            f"{NEXT_STEP[run.state]}"
            + ("" if run.state == VALIDATED else "; or restart it (`bo-tui sync restart`)")
        )
        raise Conflict(msg, [FieldError("state", msg, "R-SYNC-1")])
    run = SyncRun(
        state=TRANSFERRING, open_slot=1, started_by=started_by or "unknown", started_at=utcnow()
    )
    session.add(run)
    try:
        with session.begin_nested():
            session.flush()
    except IntegrityError:  # another process opened one between our read and our insert
        msg = "a sync was opened at the same moment by someone else; refresh and continue it"
        raise Conflict(msg, [FieldError("state", msg, "R-SYNC-1")]) from None
    return info(run)


def end(session: Session) -> SyncInfo:
    """R-SYNC-3: end the transfer, only when at least one record was transferred."""
    run = require(session, "end the transfer", TRANSFERRING)
    staged = session.scalar(
        select(func.count()).select_from(SyncStaged).where(SyncStaged.sync_id == run.id)
    )
    if not staged:
        msg = "cannot end the transfer: no staff member was transferred yet; transfer at least one"
        raise Conflict(msg, [FieldError("state", msg, "R-SYNC-3")])
    run.state = TRANSFERRED
    run.transferred = staged
    run.ended_at = utcnow()
    return info(run)


def discard_staged(session: Session, sync_id: int) -> None:
    for table in (
        SyncStagedEmployment,
        SyncStagedPosition,
        SyncStagedAddress,
        SyncStaged,
        SyncReportRow,
        SyncRejection,
        SyncHold,
        SyncWork,
    ):
        session.execute(delete(table).where(table.sync_id == sync_id))


def restart(session: Session) -> SyncInfo:
    """Back to transferring with the staged data, report and holds discarded."""
    run = require(session, "restart the transfer", TRANSFERRING, TRANSFERRED, VALIDATED)
    discard_staged(session, run.id)
    run.state = TRANSFERRING
    run.transferred = run.rejected = run.creates = run.changes = 0
    run.ended_at = run.validated_at = None
    run.summary = None
    run.guard_confirmed_by = run.guard_confirmed_at = None
    return info(run)


def current(session: Session) -> SyncInfo:
    """The open sync (or the last committed one), as a screen shows it."""
    return info(last_run(session))


def set_hold(session: Session, staff_number: str, held: bool, *, by: str | None = None) -> bool:
    """Hold a staff member of the open sync back from commit (or release it); commit skips
    held staff and reports them. Returns whether the staff member is now held."""
    run = require(session, "hold a staff member", TRANSFERRING, TRANSFERRED, VALIDATED)
    exists = session.scalar(
        select(SyncStaged.staff_number).where(
            SyncStaged.sync_id == run.id, SyncStaged.staff_number == staff_number
        )
    )
    if exists is None:
        raise NotFound(
            "this staff number is not staged in the open sync",
            [FieldError("staffNumber", "is not staged in the open sync", "R-SYNC-2")],
        )
    session.execute(
        delete(SyncHold).where(SyncHold.sync_id == run.id, SyncHold.staff_number == staff_number)
    )
    if held:
        session.add(
            SyncHold(sync_id=run.id, staff_number=staff_number, held_by=by, held_at=utcnow())
        )
        session.flush()
    return held


def held_staff(session: Session, sync_id: int) -> set[str]:
    return set(session.scalars(select(SyncHold.staff_number).where(SyncHold.sync_id == sync_id)))


def close(session: Session, run: SyncRun) -> None:
    """Committed: the sync is no longer open, so a new one may start."""
    session.execute(
        update(SyncRun)
        .where(SyncRun.id == run.id)
        .values(state=COMMITTED, open_slot=None, committed_at=utcnow())
    )
