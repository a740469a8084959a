"""Commit (R-SYNC-5, R-SYNC-7): HR replaces Campus for every matched staff member, HR staff
not in Campus are created, Campus staff not in HR are left alone. Each staff member is applied
in its own SAVEPOINT, re-validated by the staff rules; a failure is reported and logged, the
others still commit; unchanged staff members are skipped (validate's set-based comparison)."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable

from pydantic import BaseModel
from sqlalchemy import and_, func, insert, select, update
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from ...store.crypto import vault
from ...store.db import Store
from ...store.models import Person
from ...store.models.sync import CommitJob, CommitJobItem, SyncHold, SyncRun, SyncStaged, SyncWork
from .. import errorlog, notifications, staff
from ..errors import CoreError
from ..identities import person_ids_for_staff_number
from ..schemas import parse_staff
from . import guard
from .bulk import insert_rows
from .check import ensure_staff_key_index
from .states import COMMITTING, VALIDATED, close, held_staff, require, utcnow

_S = SyncStaged.__table__
_J = CommitJob.__table__
_JI = CommitJobItem.__table__
_W = SyncWork.__table__
_P = Person.__table__
COMMIT_PATH = "/campus/api/businessOfficeIntegration/staffMembers/sync/commit"
SESSION_FLAG = "bo_tui.sync_commit"  # set on commit sessions: per-staff HR-Staff listeners may skip


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


def _payload(raw: str, v) -> dict:
    data = json.loads(raw)
    enc = data.get("ssn")
    if enc:
        data["ssn"] = v.decrypt(enc)
    return data


# Payload keys of the areas validate compares; every other key is demographic and always sent.
AREA_KEYS = {"employments": "employment", "positions": "positions", "household": "household"}


def only_areas(data: dict, areas: str | None) -> dict:
    """For an update, drop the areas validate found equal to Campus: applying them would change
    nothing (HR already equals Campus there) and costs most of an update's statements."""
    if not areas:
        return data
    wanted = set(areas.split(","))
    return {
        k: v
        for k, v in data.items()
        if AREA_KEYS.get(k, "demographics") in wanted or k not in AREA_KEYS
    }


def apply_one(
    session: Session,
    staff_number: str,
    data: dict,
    today: dt.date | None = None,
    action: str | None = None,
) -> str:
    """Apply one staged staff member (HR replaces Campus); returns ``created`` or ``updated``.
    Re-validated: the schema again, then every create/update rule of the staff service (a
    create whose staff number appeared in Campus since the job was prepared is a Conflict)."""
    payload = parse_staff(data)
    if action == "update" or (
        action is None and person_ids_for_staff_number(session, staff_number)
    ):
        staff.update_staff(session, staff_number, payload, today=today)
        return "updated"
    staff.create_staff(session, payload, today=today)
    return "created"


def failure_message(exc: BaseException) -> str:
    """A clear, PII-free line: a rule's own message, else what failed (a database error's text
    can quote the row's values, so only its kind is shown)."""
    if isinstance(exc, CoreError):
        detail = "; ".join(f"{e.field}: {e.message}" for e in exc.errors[:3])
        return (
            exc.message
            if not detail or detail.endswith(exc.message)
            else f"{exc.message} ({detail})"
        )
    if isinstance(exc, SQLAlchemyError):
        kind = type(getattr(exc, "orig", None) or exc).__name__
        return f"the store refused the write ({kind}); nothing of this staff member was applied"
    return f"internal error ({type(exc).__name__}); nothing of this staff member was applied"


def apply_batch(
    session: Session,
    job_id: int,
    sync_id: int,
    limit: int,
    *,
    today: dt.date | None = None,
    apply: Callable[..., str] | None = None,
) -> tuple[int, int, int]:
    """Apply up to ``limit`` pending items of a job inside the caller's transaction: each staff
    member in a SAVEPOINT, its item marked in the same transaction, so a crash loses both or
    neither. Returns (processed, failures, remaining-estimate > 0 ? 1 : 0)."""
    apply = apply or apply_one
    session.info[SESSION_FLAG] = job_id
    # One "HR Sync Commit" message at the end (R-SYNC-6), not one HR-Staff message per staff.
    session.info[notifications.QUIET_STAFF_EVENTS] = True
    items = session.execute(
        select(_JI.c.id, _JI.c.staff_number, _JI.c.action, _JI.c.areas)
        .where(_JI.c.job_id == job_id, _JI.c.status == "pending")
        .order_by(_JI.c.seq)
        .limit(limit)
        .with_for_update(skip_locked=True)
    ).all()
    if not items:
        return 0, 0, 0
    numbers = [item[1] for item in items]
    payloads = dict(
        session.execute(
            select(_S.c.staff_number, _S.c.payload).where(
                _S.c.sync_id == sync_id, _S.c.staff_number.in_(numbers)
            )
        ).all()
    )
    v = vault()
    now = utcnow()
    done, failed, log = [], [], []
    for item_id, sn, action, areas in items:
        try:
            data = only_areas(_payload(payloads[sn], v), areas)
            with session.begin_nested():
                apply(session, sn, data, today=today, action=action)
            done.append(item_id)
        except Exception as exc:  # noqa: BLE001 - every failure is reported, none stops the job
            msg = failure_message(exc)
            failed.append((item_id, msg))
            log.append(
                {
                    "action": "JOB",
                    "path": f"{COMMIT_PATH} (job {job_id})",
                    "message": f"staff member {sn} not committed: {msg}",
                    "payload": {
                        k: v_ for k, v_ in json.loads(payloads.get(sn, "{}")).items() if k != "ssn"
                    },
                    "status": getattr(exc, "status", None),
                }
            )
    if done:
        session.execute(update(_JI).where(_JI.c.id.in_(done)).values(status="done", done_at=now))
    for item_id, msg in failed:
        session.execute(
            update(_JI).where(_JI.c.id == item_id).values(status="failed", message=msg, done_at=now)
        )
    session.execute(
        update(_J)
        .where(_J.c.id == job_id)
        .values(
            processed=_J.c.processed + len(items),
            failures=_J.c.failures + len(failed),
            heartbeat_at=now,
        )
    )
    if log:
        errorlog.log_errors(session, log)
    return len(items), len(failed), 1


def finish(session: Session, job_id: int) -> None:
    """After the last item: synced staff become HR-managed (R-SYNC-7, unchanged ones too),
    the job is completed, the sync committed, and the HR Sync Commit notification goes out."""
    job = session.get(CommitJob, job_id)
    holds = select(SyncHold.staff_number).where(SyncHold.sync_id == job.sync_id)
    synced = select(_S.c.person_id).where(
        _S.c.sync_id == job.sync_id, _S.c.person_id.is_not(None), _S.c.staff_number.not_in(holds)
    )
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
    from . import jobs

    with store.transaction() as session:
        job_id = prepare(session, submitted_by, force=force, today=today)
    jobs.run_job(store, job_id, progress=progress, today=today)
    with store.transaction() as session:
        return result(session, job_id)


__all__ = ["COMMITTING", "CommitResult", "Failure", "apply_one", "commit", "prepare", "result"]
