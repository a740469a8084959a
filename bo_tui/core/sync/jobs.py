"""Commit jobs (R-SYNC-6, R-SYNC-11): the commit runs in batches, each one transaction in which
every staff member's change and its job item are written together, so a job killed at any
point resumes (``resume`` at serve/TUI start, ``bo-tui sync resume``) without applying anything
twice; a background thread for the API and TUI; ``job_status`` for commitJobStatus."""

from __future__ import annotations

import datetime as dt
import os
import socket
import threading
from collections.abc import Callable

from pydantic import BaseModel
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from ...store.db import Store
from ...store.models.sync import CommitJob
from .commit import apply_batch, failure_message, finish, prepare
from .states import SyncInfo, current, iso, utcnow

_J = CommitJob.__table__
BATCH = 200  # staff members per transaction: short write locks, cheap commits
STALE_AFTER = dt.timedelta(minutes=2)  # a runner on another host silent this long is dead

_threads: dict[int, threading.Thread] = {}
_lock = threading.Lock()


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


def job_status(session: Session, job_id: int | None = None) -> JobStatus | None:
    """The given job, or the last one submitted (None when there never was one)."""
    if job_id is not None:
        job = session.get(CommitJob, job_id)
    else:
        job = session.scalars(select(CommitJob).order_by(CommitJob.id.desc())).first()
    return _status(job) if job else None


def status(session: Session) -> SyncStatus:
    return SyncStatus(sync=current(session), job=job_status(session))


def _me() -> tuple[int, str]:
    return os.getpid(), socket.gethostname()


def _claim(store: Store, job_id: int, expect_pid: int | None) -> bool:
    """Take the job over (compare-and-set on its runner), so two processes never run it."""
    pid, host = _me()
    with store.transaction() as session:
        n = session.execute(
            update(_J)
            .where(
                _J.c.id == job_id,
                _J.c.runner_pid.is_(None) if expect_pid is None else _J.c.runner_pid == expect_pid,
            )
            .values(runner_pid=pid, runner_host=host, heartbeat_at=utcnow(), status="running")
        ).rowcount
    return n == 1


def run_job(
    store: Store,
    job_id: int,
    *,
    progress: Callable[[int, int], None] | None = None,
    batch: int = BATCH,
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
    if progress:
        progress(done, total)
    try:
        while True:
            with store.transaction() as session:
                n, _failed, _more = apply_batch(
                    session, job_id, sync_id, batch, today=today, apply=apply
                )
            if not n:
                break
            done += n
            if progress:
                progress(min(done, total), total)
        with store.transaction() as session:
            finish(session, job_id)
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


def wait(job_id: int, timeout: float | None = None) -> bool:
    """Wait for a background job of this process; True when it is no longer running here."""
    t = _threads.get(job_id)
    if t is None:
        return True
    t.join(timeout)
    return not t.is_alive()


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


def resume(
    store: Store,
    *,
    background: bool = False,
    progress: Callable[[int, int], None] | None = None,
    today: dt.date | None = None,
    batch: int = BATCH,
) -> list[int]:
    """R-SYNC-11: continue every commit job whose runner died (kill -9, a crash, a reboot) or
    that stopped on an error. Items already done are never applied again. Returns the job ids
    taken over (``background``: each in a thread, as ``serve`` and the TUI do at start)."""
    with store.transaction() as session:
        candidates = [(j, session.get(CommitJob, j).runner_pid) for j in resumable(session)]
    taken = []
    for job_id, old_pid in candidates:
        pid, host = _me()
        with store.transaction() as session:
            n = session.execute(
                update(_J)
                .where(
                    _J.c.id == job_id,
                    _J.c.runner_pid.is_(None) if old_pid is None else _J.c.runner_pid == old_pid,
                )
                .values(
                    runner_pid=pid,
                    runner_host=host,
                    heartbeat_at=utcnow(),
                    status="running",
                    resumed=_J.c.resumed + 1,
                    message=None,
                )
            ).rowcount
        if n != 1:
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
