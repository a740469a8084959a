"""Applying staged staff members to Campus, the step a commit job repeats (R-SYNC-5): each one
re-validated by the staff rules in its own SAVEPOINT, its job item marked in the same transaction."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable

from sqlalchemy import select, update
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from ...store.crypto import KeyError_, vault
from ...store.models import Person
from ...store.models.sync import CommitJob, CommitJobItem, SyncStaged
from .. import change_log, errorlog, notifications, staff
from ..errors import CoreError
from ..identities import STAFF_KEY, person_ids_for_staff_number, staff_key
from ..schemas import parse_staff
from .states import utcnow

_S = SyncStaged.__table__
_J = CommitJob.__table__
_JI = CommitJobItem.__table__
_P = Person.__table__
COMMIT_PATH = "/campus/api/businessOfficeIntegration/staffMembers/sync/commit"

# Payload keys of the areas validate compares; every other key is demographic and always sent.
AREA_KEYS = {"employments": "employment", "positions": "positions", "household": "household"}


def _payload(raw: str, v) -> dict:
    data = json.loads(raw)
    enc = data.get("ssn")
    if enc:
        data["ssn"] = v.decrypt(enc)
    return data


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


def pending_items(session: Session, job_id: int, limit: int, *columns) -> list:
    """Up to ``limit`` pending items of a job in their order, locked for this runner: (id,
    staff_number, *columns). A commit job and a revert job take their batches alike."""
    return session.execute(
        select(_JI.c.id, _JI.c.staff_number, *columns)
        .where(_JI.c.job_id == job_id, _JI.c.status == "pending")
        .order_by(_JI.c.seq)
        .limit(limit)
        .with_for_update(skip_locked=True)
    ).all()


def apply_batch(
    session: Session,
    job_id: int,
    sync_id: int,
    limit: int,
    *,
    today: dt.date | None = None,
    apply: Callable[..., str] | None = None,
) -> int:
    """Apply up to ``limit`` pending items of a job inside the caller's transaction: each staff
    member in a SAVEPOINT, its item marked in the same transaction, so a crash loses both or
    neither. Returns how many items were processed (0: none was pending)."""
    apply = apply or apply_one
    # One "HR Sync Commit" message at the end (R-SYNC-6), not one HR-Staff message per staff.
    session.info[notifications.QUIET_STAFF_EVENTS] = True
    items = pending_items(session, job_id, limit, _JI.c.action, _JI.c.areas)
    if not items:
        return 0
    numbers = [item[1] for item in items]
    payloads = dict(
        session.execute(
            select(_S.c.staff_number, _S.c.payload).where(
                _S.c.sync_id == sync_id, _S.c.staff_number.in_(numbers)
            )
        ).all()
    )
    v = vault()
    done, failed, log = [], [], []
    # R-HIST-1: the batch's staff data before and after, its difference logged in this
    # transaction; the staff services inside record nothing themselves (ACTIVE).
    tables = _tables(items)
    before = change_log.snapshot(session, _person_ids(session, numbers), tables=tables)
    session.info[change_log.ACTIVE] = True
    try:
        for item_id, sn, action, areas in items:
            try:
                data = only_areas(_payload(payloads[sn], v), areas)
                with session.begin_nested():
                    apply(session, sn, data, today=today, action=action)
                done.append(item_id)
            except KeyError_ as exc:
                # The data key is no staff member's fault: the job stops (resumable), rather than
                # every staff member failing for good.
                raise CoreError(
                    "the staged SSNs were encrypted with a data key that is not configured here "
                    "(BO_TUI_KEY, or data.key in the user's config folder): nothing of this "
                    "batch was applied; configure that key"
                ) from exc
            except Exception as exc:  # noqa: BLE001 - every failure is reported, none stops it
                msg = failure_message(exc)
                failed.append((item_id, msg))
                log.append(_log_entry(job_id, sn, payloads.get(sn), msg, exc))
    finally:
        session.info.pop(change_log.ACTIVE, None)
    by = session.scalar(select(_J.c.submitted_by).where(_J.c.id == job_id))
    change_log.record(
        session,
        before,
        _person_ids(session, numbers),
        source=f"sync #{sync_id}",
        by=by,
        sync_id=sync_id,
    )
    _mark(session, job_id, len(items), done, failed)
    if log:
        errorlog.log_errors(session, log)
    return len(items)


def _tables(items) -> frozenset[str]:
    """What the batch may write: a create anything; an update only its differing areas'
    tables (only_areas leaves the others out of the payload), so the history reads no more."""
    # Demographic keys (names too) are always sent, so persons and identities are always read.
    wanted: set[str] = {"persons", "identities"}
    for _id, _sn, action, areas in items:
        parts = (areas or "").split(",") if action == "update" and areas not in (None, "*") else []
        if not parts or any(a not in change_log.AREA_TABLES for a in parts):
            return change_log.ALL_TABLES
        for area in parts:
            wanted |= change_log.AREA_TABLES[area]
    return frozenset(wanted)


def _person_ids(session: Session, numbers: list[str]) -> list[int]:
    """The Campus persons with these staff numbers (case-insensitive, trimmed), one read."""
    keys = {staff_key(n) for n in numbers}
    return list(session.scalars(select(_P.c.id).where(STAFF_KEY.in_(keys))))


def _log_entry(job_id: int, sn: str, raw: str | None, msg: str, exc: Exception) -> dict:
    """The error log's line for a staff member the commit refused (R-LOG-1), without its SSN."""
    return {
        "action": "JOB",
        "path": f"{COMMIT_PATH} (job {job_id})",
        "message": f"staff member {sn} not committed: {msg}",
        "payload": {k: v for k, v in json.loads(raw or "{}").items() if k != "ssn"},
        "status": getattr(exc, "status", None),
    }


def _mark(
    session: Session, job_id: int, processed: int, done: list, failed: list[tuple[int, str]]
) -> None:
    now = utcnow()
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
            processed=_J.c.processed + processed,
            failures=_J.c.failures + len(failed),
            heartbeat_at=now,
        )
    )
