"""Revert a committed sync (R-HIST-2), one use case for the TUI and the CLI: a preview (counts
by area, conflicts, staff to remove), then the revert as a job on the commit job's machinery."""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from collections.abc import Callable

from pydantic import BaseModel
from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from ...store.db import Store
from ...store.models.sync import CommitJob, CommitJobItem, SyncRun
from .. import change_log as log
from ..errors import Conflict, FieldError, NotFound
from ..sync.commit import _start_thread as start_job_thread
from ..sync.commit import run_job
from .steps import changes_of, persons_of, plan_person

_JI = CommitJobItem.__table__
_J = CommitJob.__table__


class RevertConflict(BaseModel):
    """A change left as it is because Campus changed since (or a created staff member is
    referred to since)."""

    staffNumber: str
    area: str
    field: str
    reason: str


class RevertFailure(BaseModel):
    staffNumber: str
    message: str


class RevertPreview(BaseModel):
    syncId: int
    counts: dict[str, int]  # by area: the changes that would go back
    conflicts: list[RevertConflict]
    removes: int  # staff members the sync created that would be removed
    staff: int = 0  # staff members with changes to take back


class RevertResult(BaseModel):
    revertId: int
    revertOf: int
    jobId: int
    reverted: int
    conflicts: list[RevertConflict]
    failures: list[RevertFailure]

    def as_dict(self) -> dict:
        return self.model_dump()


def reverted_by(session: Session, sync_id: int) -> int | None:
    """The revert that took ``sync_id`` back (or is doing so now), if any."""
    return session.scalar(
        select(SyncRun.id)
        .where(SyncRun.kind == "revert", SyncRun.revert_of == sync_id)
        .order_by(SyncRun.id.desc())
        .limit(1)
    )


def refusal(session: Session, sync_id: int) -> str:
    """Why ``sync_id`` cannot be reverted now, or "" (R-HIST-2)."""
    run = session.get(SyncRun, sync_id)
    if run is None:
        return f"there is no sync #{sync_id}"
    if run.state != "committed":
        return f"sync #{sync_id} is {run.state}, not committed: only a committed sync goes back"
    taken = reverted_by(session, sync_id)
    if taken is not None:
        if session.get(SyncRun, taken).state != "committed":
            return (
                f"sync #{sync_id} is being reverted (revert #{taken}); if that job stopped, "
                "continue it with `bo-tui sync resume`"
            )
        return f"sync #{sync_id} is already reverted (revert #{taken})"
    has_changes = session.scalar(
        select(func.count()).select_from(log.CL).where(log.CL.c.sync_id == sync_id).limit(1)
    )
    if not has_changes:
        return f"sync #{sync_id} changed nothing that is still in the history"
    return ""


def _require(session: Session, sync_id: int) -> SyncRun:
    reason = refusal(session, sync_id)
    if reason:
        cls = NotFound if session.get(SyncRun, sync_id) is None else Conflict
        raise cls(f"cannot revert: {reason}", [FieldError("syncId", reason, "R-HIST-2")])
    return session.get(SyncRun, sync_id)


def preview_revert(session: Session, sync_id: int) -> RevertPreview:
    """What reverting ``sync_id`` would do now, without changing anything (``--dry-run``)."""
    _require(session, sync_id)
    counts: Counter = Counter()
    conflicts: list[RevertConflict] = []
    removes = staff = 0
    pids = persons_of(session, sync_id)
    for i in range(0, len(pids), log.CHUNK):
        chunk = pids[i : i + log.CHUNK]
        rows = changes_of(session, sync_id, chunk)
        current = log.snapshot(session, chunk)
        for pid in chunk:
            plan = plan_person(session, pid, rows.get(pid, []), current, sync_id)
            counts.update(plan.counts)
            conflicts.extend(RevertConflict(**c) for c in plan.conflicts)
            removes += plan.removes
            staff += bool(plan.counts)
    counts.pop("staff removed", None)
    return RevertPreview(
        syncId=sync_id, counts=dict(counts), conflicts=conflicts, removes=removes, staff=staff
    )


def prepare_revert(session: Session, sync_id: int, by: str, *, background: bool = False) -> int:
    """The revert's run (kind "revert") and its job, one item per staff member; the job id."""
    target = _require(session, sync_id)
    now = log.now()
    run = SyncRun(
        state="committing",
        kind="revert",
        revert_of=target.id,
        started_by=by or "unknown",
        started_at=now,
        source=f"revert of sync #{target.id}",
    )
    session.add(run)
    session.flush()
    pids = persons_of(session, sync_id)
    run.transferred = len(pids)
    job_id = session.execute(
        insert(_J).values(
            sync_id=run.id,
            status="running",
            background=background,
            submitted_by=by or "unknown",
            total=len(pids),
            processed=0,
            failures=0,
            skipped=0,
            held=0,
            started_at=now,
            heartbeat_at=now,
            resumed=0,
        )
    ).inserted_primary_key[0]
    if pids:
        session.execute(
            insert(_JI),
            [
                {
                    "job_id": job_id,
                    "staff_number": str(pid),
                    "seq": seq,
                    "action": "revert",
                    "status": "pending",
                }
                for seq, pid in enumerate(pids)
            ],
        )
    return job_id


def revert(
    store: Store,
    sync_id: int,
    by: str,
    *,
    progress: Callable[[int, int], None] | None = None,
    today: dt.date | None = None,
) -> RevertResult:
    """Revert ``sync_id`` now, in this thread (the CLI, a small sync in the TUI)."""
    with store.transaction() as session:
        job_id = prepare_revert(session, sync_id, by)
    run_job(store, job_id, progress=progress, today=today)
    with store.transaction() as session:
        return revert_result(session, job_id)


def submit_revert_job(store: Store, sync_id: int, by: str) -> int:
    """Revert ``sync_id`` as a background job of this process (resumable like a commit job,
    R-SYNC-11); the job id at once. ``sync.wait(job_id)`` and ``sync.job_status`` follow it."""
    with store.transaction() as session:
        job_id = prepare_revert(session, sync_id, by, background=True)
    start_job_thread(store, job_id)
    return job_id


def revert_result(session: Session, job_id: int) -> RevertResult:
    """The revert's answer from its job: staff reverted, conflicts, failures."""
    job = session.get(CommitJob, job_id)
    run = session.get(SyncRun, job.sync_id)
    conflicts: list[RevertConflict] = []
    failures: list[RevertFailure] = []
    reverted = 0
    for status, message in session.execute(
        select(_JI.c.status, _JI.c.message).where(_JI.c.job_id == job_id).order_by(_JI.c.seq)
    ):
        if status == "failed":
            number, _sep, text = (message or "").partition(": ")
            failures.append(RevertFailure(staffNumber=number, message=text))
        elif status == "done":
            reverted += 1
            conflicts.extend(RevertConflict(**c) for c in json.loads(message or "[]"))
    return RevertResult(
        revertId=run.id,
        revertOf=run.revert_of,
        jobId=job_id,
        reverted=reverted,
        conflicts=conflicts,
        failures=failures,
    )


__all__ = [
    "RevertConflict",
    "RevertFailure",
    "RevertPreview",
    "RevertResult",
    "preview_revert",
    "refusal",
    "revert",
    "revert_result",
    "reverted_by",
    "submit_revert_job",
]
