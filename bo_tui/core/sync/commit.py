"""Commit (R-SYNC-5..7, R-SYNC-11): HR replaces Campus for every staff member validate found work
for, as a job: synchronous (``commit``) or in a background thread (``submit_commit_job``)."""

# The job runs in batches, each one transaction in which every staff member's change and its
# job item are written together (``apply``), so a job killed at any point resumes (``resume``
# at serve/TUI start, ``bo-tui sync resume``) without applying anything twice. Unchanged staff
# members are skipped (validate's set-based comparison); Campus staff not in HR are left alone.

from __future__ import annotations

import datetime as dt
import os
import socket
import threading
from collections.abc import Callable

from pydantic import BaseModel
from sqlalchemy import and_, func, insert, select, update
from sqlalchemy.orm import Session

from ...store.db import Store
from ...store.models import Person
from ...store.models.sync import CommitJob, CommitJobItem, SyncHold, SyncRun, SyncStaged, SyncWork
from .. import change_log, notifications
from ..preferences import get_preferences
from . import guard
from .apply import apply_batch, failure_message
from .batch_sizes import COMMIT_STAFF
from .bulk import insert_rows
from .check import ensure_staff_key_index
from .states import (
    COMMITTING,
    VALIDATED,
    SyncInfo,
    close,
    current,
    held_staff,
    iso,
    require,
    utcnow,
)

_S = SyncStaged.__table__
_J = CommitJob.__table__
_JI = CommitJobItem.__table__
_W = SyncWork.__table__
_P = Person.__table__
STALE_AFTER = dt.timedelta(minutes=2)  # a runner on another host silent this long is dead

_threads: dict[int, threading.Thread] = {}
_lock = threading.Lock()


class Failure(BaseModel):
    staffNumber: str
    message: str


class CommitResult(BaseModel):
    """``{successes: [staffNumber…], failures: [{staffNumber, message}]}`` of SPEC section 4,
    plus the counts: applied, skipped (unchanged), held (by a reviewer)."""

    jobId: int
    successes: list[str] = []
    failures: list[Failure] = []
    applied: int = 0
    skipped: int = 0
    held: list[str] = []

    def as_dict(self) -> dict:
        return self.model_dump()


class JobStatus(BaseModel):
    """commitJobStatus: jobId, status, processed, total, failures, startedAt, finishedAt."""

    jobId: int
    status: str
    processed: int
    total: int
    failures: int
    startedAt: str | None
    finishedAt: str | None
    skipped: int = 0
    held: int = 0
    submittedBy: str | None = None
    message: str | None = None


class SyncStatus(BaseModel):
    """``bo-tui sync status``: ``{"sync": {...}, "job": {...}}``."""

    sync: SyncInfo
    job: JobStatus | None = None

    def as_dict(self) -> dict:
        return self.model_dump()


# --- the use cases ------------------------------------------------------------------------------


def commit(
    store: Store,
    submitted_by: str,
    *,
    force: bool = False,
    progress: Callable[[int, int], None] | None = None,
    today: dt.date | None = None,
) -> CommitResult:
    """The synchronous commit (R-SYNC-5; meant for fewer than 500 staff, R-SYNC-6): the same
    job as ``submitCommitJob``, run to its end in this thread, then its result."""
    with store.transaction() as session:
        job_id = prepare(session, submitted_by, force=force, today=today)
    run_job(store, job_id, progress=progress, today=today)
    with store.transaction() as session:
        return result(session, job_id)


def submit_commit_job(
    store: Store,
    submitted_by: str,
    *,
    force: bool = False,
    today: dt.date | None = None,
) -> int:
    """submitCommitJob (R-SYNC-6): prepare the job (guard checked, counts fixed), then run it in
    a background thread of this process; returns the job id at once."""
    with store.transaction() as session:
        job_id = prepare(session, submitted_by, force=force, background=True, today=today)
    _start_thread(store, job_id, today=today)
    return job_id


def resume(
    store: Store,
    *,
    background: bool = False,
    progress: Callable[[int, int], None] | None = None,
    today: dt.date | None = None,
    batch: int = COMMIT_STAFF,
) -> list[int]:
    """R-SYNC-11: continue every commit job whose runner died (kill -9, a crash, a reboot) or
    that stopped on an error. Items already done are never applied again. Returns the job ids
    taken over (``background``: each in a thread, as ``serve`` and the TUI do at start)."""
    with store.transaction() as session:
        candidates = [(j, session.get(CommitJob, j).runner_pid) for j in resumable(session)]
    taken = []
    for job_id, old_pid in candidates:
        if not _claim(store, job_id, old_pid, resumed=True):
            continue  # someone else took it over first
        taken.append(job_id)
        if background:
            _start_thread(store, job_id, today=today, claim=False)
        else:
            run_job(store, job_id, progress=progress, today=today, claim=False, batch=batch)
    return taken


def resume_interrupted(store: Store, *, today: dt.date | None = None) -> list[int]:
    """At ``serve`` and TUI start (R-SYNC-11): resume interrupted jobs in background threads."""
    return resume(store, background=True, today=today)


def job_status(session: Session, job_id: int | None = None) -> JobStatus | None:
    """The given job, or the last one submitted (None when there never was one)."""
    if job_id is not None:
        job = session.get(CommitJob, job_id)
    else:
        job = session.scalars(select(CommitJob).order_by(CommitJob.id.desc())).first()
    return _status(job) if job else None


def status(session: Session) -> SyncStatus:
    return SyncStatus(sync=current(session), job=job_status(session))


def wait(job_id: int, timeout: float | None = None) -> bool:
    """Wait for a background job of this process; True when it is no longer running here."""
    t = _threads.get(job_id)
    if t is None:
        return True
    t.join(timeout)
    return not t.is_alive()


# --- the job's steps: prepare, run batch by batch, finish, answer --------------------------------


def prepare(
    session: Session,
    submitted_by: str,
    *,
    force: bool = False,
    background: bool = False,
    today: dt.date | None = None,
) -> int:
    """Check the guard (R-SYNC-9) and write the job: one pending item per staff member the
    validation found work for (new, changed, or a number Campus duplicates); the sync is then
    committing. Returns the job id. Nothing of Campus is changed here; each item is
    re-validated by the staff rules when it is applied."""
    run = require(session, "commit", VALIDATED)
    ensure_staff_key_index(session)
    if force:
        guard.confirm_guard(session, submitted_by)
    guard.enforce(session, run)
    holds = held_staff(session, run.id)
    work = {
        sn: (action, areas)
        for sn, action, areas in session.execute(
            select(_W.c.staff_number, _W.c.action, _W.c.areas).where(_W.c.sync_id == run.id)
        )
    }
    rows = session.execute(
        select(_S.c.staff_number, _S.c.seq).where(_S.c.sync_id == run.id).order_by(_S.c.seq)
    ).all()
    items = [
        {
            "staff_number": sn,
            "seq": seq,
            "action": work[sn][0],
            "areas": work[sn][1],
            "status": "pending",
        }
        for sn, seq in rows
        if sn in work and sn not in holds
    ]
    skipped = sum(1 for sn, _s in rows if sn not in work and sn not in holds)
    now = utcnow()
    job_id = session.execute(
        insert(_J).values(
            sync_id=run.id,
            status="running",
            background=background,
            submitted_by=submitted_by or "unknown",
            total=len(items),
            processed=0,
            failures=0,
            skipped=skipped,
            held=len(holds),
            started_at=now,
            heartbeat_at=now,
            resumed=0,
        )
    ).inserted_primary_key[0]
    for item in items:
        item["job_id"] = job_id
    insert_rows(session, _JI, items)
    run.state = COMMITTING
    return job_id


def run_job(
    store: Store,
    job_id: int,
    *,
    progress: Callable[[int, int], None] | None = None,
    batch: int = COMMIT_STAFF,
    today: dt.date | None = None,
    apply=None,
    claim: bool = True,
) -> JobStatus:
    """Apply the job's pending items batch by batch, then finish it. A failing batch (the
    store itself refused, e.g. disk full) stops the job as ``failed``: it stays resumable."""
    if claim:
        _claim(store, job_id, None)
    with store.transaction() as session:
        job = session.get(CommitJob, job_id)
        sync_id, total, done = job.sync_id, job.total, job.processed
        if job.status == "completed":
            return _status(job)
        kind = session.scalar(select(SyncRun.kind).where(SyncRun.id == sync_id))
    batch_fn, finish_fn = apply_batch, finish
    if kind == "revert":  # R-HIST-2: a revert runs on this machinery, resumable alike
        from ..history.steps import apply_revert_batch, finish_revert

        batch_fn, finish_fn = apply_revert_batch, finish_revert
    if progress:
        progress(done, total)
    try:
        while True:
            with store.transaction() as session:
                n = batch_fn(session, job_id, sync_id, batch, today=today, apply=apply)
            if not n:
                break
            done += n
            if progress:
                progress(min(done, total), total)
        with store.transaction() as session:
            finish_fn(session, job_id)
    except Exception as exc:
        with store.transaction() as session:
            session.execute(
                update(_J)
                .where(_J.c.id == job_id)
                .values(
                    status="failed",
                    message=f"the job stopped: {failure_message(exc)}; "
                    "run `bo-tui sync resume` to continue it",
                )
            )
        raise
    with store.transaction() as session:
        return _status(session.get(CommitJob, job_id))


def finish(session: Session, job_id: int) -> None:
    """After the last item: synced staff become HR-managed (R-SYNC-7, unchanged ones too),
    the job is completed, the sync committed, and the HR Sync Commit notification goes out."""
    job = session.get(CommitJob, job_id)
    holds = select(SyncHold.staff_number).where(SyncHold.sync_id == job.sync_id)
    synced = select(_S.c.person_id).where(
        _S.c.sync_id == job.sync_id, _S.c.person_id.is_not(None), _S.c.staff_number.not_in(holds)
    )
    change_log.record_flag(session, synced, sync_id=job.sync_id, by=job.submitted_by)
    change_log.prune(session, get_preferences(session).historyDays)
    session.execute(
        update(_P).where(_P.c.id.in_(synced), _P.c.hr_managed.is_(False)).values(hr_managed=True)
    )
    counts = dict(
        session.execute(
            select(_JI.c.status, func.count()).where(_JI.c.job_id == job_id).group_by(_JI.c.status)
        ).all()
    )
    job.processed = counts.get("done", 0) + counts.get("failed", 0)
    job.failures = counts.get("failed", 0)
    job.status = "completed"
    job.finished_at = utcnow()
    job.message = (
        f"{counts.get('done', 0):,} applied, {job.failures:,} failed, {job.skipped:,} unchanged"
        + (f", {job.held:,} held" if job.held else "")
    )
    close(session, session.get(SyncRun, job.sync_id))
    notifications.publish(
        session,
        notifications.HR_SYNC_COMMIT,
        f"HR Sync Commit finished: {job.message}",
        f"Sync {job.sync_id}, job {job_id}, submitted by {job.submitted_by}: {job.message}.",
    )


def result(session: Session, job_id: int) -> CommitResult:
    """The commit's answer: every staff member that is in sync now, and the failures."""
    job = session.get(CommitJob, job_id)
    failures = [
        Failure(staffNumber=sn, message=msg or "")
        for sn, msg in session.execute(
            select(_JI.c.staff_number, _JI.c.message)
            .where(_JI.c.job_id == job_id, _JI.c.status == "failed")
            .order_by(_JI.c.seq)
        )
    ]
    failed = {f.staffNumber for f in failures}
    holds = held_staff(session, job.sync_id)
    successes = [
        sn
        for (sn,) in session.execute(
            select(_S.c.staff_number).where(_S.c.sync_id == job.sync_id).order_by(_S.c.seq)
        )
        if sn not in failed and sn not in holds
    ]
    applied = session.scalar(
        select(func.count())
        .select_from(_JI)
        .where(and_(_JI.c.job_id == job_id, _JI.c.status == "done"))
    )
    return CommitResult(
        jobId=job_id,
        successes=successes,
        failures=failures,
        applied=applied or 0,
        skipped=job.skipped,
        held=sorted(holds),
    )


# --- who runs a job: one runner at a time, a dead runner's job resumable ------------------------


def _status(job: CommitJob) -> JobStatus:
    return JobStatus(
        jobId=job.id,
        status=job.status,
        processed=job.processed,
        total=job.total,
        failures=job.failures,
        startedAt=iso(job.started_at),
        finishedAt=iso(job.finished_at),
        skipped=job.skipped,
        held=job.held,
        submittedBy=job.submitted_by,
        message=job.message,
    )


def _me() -> tuple[int, str]:
    return os.getpid(), socket.gethostname()


def _claim(store: Store, job_id: int, expect_pid: int | None, *, resumed: bool = False) -> bool:
    """Take the job over (compare-and-set on its runner), so two processes never run it."""
    pid, host = _me()
    values: dict = {"runner_pid": pid, "runner_host": host, "heartbeat_at": utcnow()}
    values["status"] = "running"
    if resumed:
        values.update(resumed=_J.c.resumed + 1, message=None)
    with store.transaction() as session:
        n = session.execute(
            update(_J)
            .where(
                _J.c.id == job_id,
                _J.c.runner_pid.is_(None) if expect_pid is None else _J.c.runner_pid == expect_pid,
            )
            .values(**values)
        ).rowcount
    return n == 1


def _start_thread(
    store: Store, job_id: int, *, today: dt.date | None = None, claim: bool = True
) -> None:
    def target() -> None:
        try:
            run_job(store, job_id, today=today, claim=claim)
        except Exception:  # noqa: BLE001 - recorded on the job by run_job
            pass

    t = threading.Thread(target=target, name=f"bo-tui-commit-job-{job_id}", daemon=True)
    with _lock:
        _threads[job_id] = t
    t.start()


def _runner_dead(job: CommitJob) -> bool:
    pid, host = _me()
    if job.runner_pid is None:
        return True
    if job.runner_host == host:
        if job.runner_pid == pid:
            t = _threads.get(job.id)
            return t is None or not t.is_alive()
        try:
            os.kill(job.runner_pid, 0)
        except ProcessLookupError:
            return True
        except PermissionError:
            return False
        return False
    return job.heartbeat_at is None or utcnow() - job.heartbeat_at > STALE_AFTER


def resumable(session: Session) -> list[int]:
    jobs = session.scalars(
        select(CommitJob).where(CommitJob.status.in_(("running", "failed", "interrupted")))
    ).all()
    return [j.id for j in jobs if j.status != "running" or _runner_dead(j)]


__all__ = [
    "CommitResult",
    "Failure",
    "JobStatus",
    "SyncStatus",
    "commit",
    "job_status",
    "prepare",
    "result",
    "resume",
    "resume_interrupted",
    "status",
    "submit_commit_job",
    "wait",
]
