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
    CommitJob,
    SyncHold,
    SyncRejection,
    SyncReportRow,
    SyncReview,
    SyncRun,
    SyncStaged,
    SyncStagedAddress,
    SyncStagedEmployment,
    SyncStagedPosition,
    SyncWork,
)
from ..actions import Action, by_id
from ..errors import Conflict, FieldError, NotFound
from ..rights import ALL as RIGHT_NAMES
from ..rights import BOI_ADMIN
from ..users import UserInfo

NONE = "none"
TRANSFERRING = "transferring"
TRANSFERRED = "transferred"
VALIDATED = "validated"
COMMITTING = "committing"
COMMITTED = "committed"
OPEN_STATES = (TRANSFERRING, TRANSFERRED, VALIDATED, COMMITTING)


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

    @property
    def changes_by_itself(self) -> bool:
        """The HR system may be transferring, or a commit job applying: screens watch it."""
        return self.state in (TRANSFERRING, COMMITTING)

    @property
    def committing(self) -> bool:
        return self.state == COMMITTING

    @property
    def committed(self) -> bool:
        return self.state == COMMITTED


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


# id, label, console key, what a refusal says cannot be done, rule, whether it changes the
# sync (and needs the right) — in wizard order.
SPECS: tuple[tuple[str, str, str, str, str, bool], ...] = (
    ("check", "Check Campus data", "c", "check Campus data", "R-SYNC-8", False),
    ("start", "Start Transfer", "s", "start a sync", "R-SYNC-1", True),
    ("transfer", "Transfer staff members", "f", "transfer staff members", "R-SYNC-2", True),
    ("end", "End Transfer", "e", "end the transfer", "R-SYNC-3", True),
    ("validate", "Validate", "v", "validate", "R-SYNC-4", True),
    ("review", "Review the report", "o", "review the report", "R-SYNC-4", False),
    ("hold", "Hold back a staff member", "space", "hold a staff member", "R-SYNC-13", True),
    ("commit", "Commit", "m", "commit", "R-SYNC-5", True),
    ("submit_job", "Submit Commit Job", "b", "submit a commit job", "R-SYNC-6", True),
    ("restart", "Restart Transfer", "r", "restart the transfer", "R-SYNC-1", True),
    ("resume", "Resume the commit job", "x", "resume the commit job", "R-SYNC-11", True),
)
LABELS = {spec[0]: spec[1] for spec in SPECS}

# In which states each step is possible (the other conditions are in ``_rule_reason``).
POSSIBLE_IN: dict[str, frozenset[str]] = {
    "check": frozenset({NONE, TRANSFERRING, TRANSFERRED, VALIDATED, COMMITTING, COMMITTED}),
    "start": frozenset({NONE, COMMITTED}),
    "transfer": frozenset({TRANSFERRING}),
    "end": frozenset({TRANSFERRING}),
    "validate": frozenset({TRANSFERRED, VALIDATED}),
    "review": frozenset({VALIDATED, COMMITTING, COMMITTED}),
    "hold": frozenset({TRANSFERRING, TRANSFERRED, VALIDATED}),
    "commit": frozenset({VALIDATED}),
    "submit_job": frozenset({VALIDATED}),
    "restart": frozenset({TRANSFERRING, TRANSFERRED, VALIDATED}),
    "resume": frozenset({COMMITTING}),
}

# What to do next, by state: every refusal for the state ends with it.
NEXT_STEP = {
    NONE: "start a sync first (Start Transfer; API sync/start; `bo-tui sync start` or "
    "`bo-tui sync run FILE`)",
    TRANSFERRING: "transfer staff members, then end the transfer (API sync/end; `bo-tui sync end`)",
    TRANSFERRED: "validate the transfer (API sync/validate; `bo-tui sync validate`)",
    VALIDATED: "review the report, then commit (API sync/commit or sync/submitCommitJob; "
    "`bo-tui sync commit`), or restart the transfer (`bo-tui sync restart`)",
    COMMITTING: "wait for the commit job to finish (API sync/commitJobStatus; "
    "`bo-tui sync status`)",
    COMMITTED: "start a new sync (Start Transfer; API sync/start; `bo-tui sync start` or "
    "`bo-tui sync run FILE`)",
}
STOPPED_JOB = frozenset({"failed", "interrupted"})


# The wizard's steps (SPEC section 10), and the step each state is at: the ones before it are
# done, and a committed sync has done them all.
WIZARD_STEPS = ("check", "start", "transfer", "end", "validate", "review", "commit")
_STEP_OF_STATE = {
    NONE: "check",
    TRANSFERRING: "transfer",
    TRANSFERRED: "validate",
    VALIDATED: "review",
    COMMITTING: "commit",
    COMMITTED: "commit",
}


def wizard_step(info: SyncInfo) -> tuple[str, bool]:
    """(the step the sync is at, whether every step is done)."""
    state = info.state if info.syncId is not None else NONE
    return _STEP_OF_STATE[state], state == COMMITTED


def describe(info: SyncInfo) -> str:
    """The sync's state in the user's words."""
    if info.syncId is None or info.state == NONE:
        return "no sync is open"
    if info.state == COMMITTED:
        return f"the last sync (#{info.syncId}) is committed"
    return f"sync #{info.syncId} is {info.state}"


def _state_reason(action_id: str, info: SyncInfo) -> str:
    state = info.state if info.syncId is not None else NONE
    if action_id == "start":
        return f"a sync is already open ({describe(info)}, started by {info.startedBy}); " + (
            NEXT_STEP[state]
            if state in (VALIDATED, COMMITTING)
            else NEXT_STEP[state] + ", or restart it (`bo-tui sync restart`)"
        )
    return f"{describe(info)}; {NEXT_STEP[state]}"


def _rule_reason(action_id: str, info: SyncInfo, job_status: str | None) -> str:
    """Why a step the state allows is still not possible, or ''."""
    if action_id == "end" and not info.transferred:
        return "no staff member was transferred yet; transfer at least one"
    if action_id == "review" and not info.summary:
        return "there is no validation report yet; validate first"
    if action_id == "resume" and job_status not in STOPPED_JOB:
        return "the commit job is running, not stopped; wait for it to finish"
    return ""


def _rights_reason(user: UserInfo | None, login: str | None) -> str:
    if user is None:
        return f"{login} is not a Campus user: ask a user administrator to add this login"
    if not user.active:
        return f"{user.username}'s account is inactive"
    return f"{user.username} lacks the tool right '{RIGHT_NAMES[BOI_ADMIN]}'"


def sync_actions(
    info: SyncInfo,
    *,
    job_status: str | None = None,
    user: UserInfo | None = None,
    login: str | None = None,
) -> list[Action]:
    """Every sync action with whether it is possible now and why not. ``user``/``login``: the
    acting Campus user (a screen or the CLI); both None: the HR system through the API, whose
    client credentials stand for the right."""
    state = info.state if info.syncId is not None else NONE
    human = user is not None or login is not None
    may_write = not human or (user is not None and user.can(BOI_ADMIN))
    out = []
    for action_id, label, key, verb, rule, writes in SPECS:
        reason, forbidden = "", False
        if writes and not may_write:  # the right first: no point telling what to do next
            reason, forbidden, rule = _rights_reason(user, login), True, "R-SYNC-13"
        elif state not in POSSIBLE_IN[action_id]:
            reason = _state_reason(action_id, info)
        else:
            reason = _rule_reason(action_id, info, job_status)
        out.append(
            Action(
                id=action_id,
                label=label,
                key=key,
                verb=verb,
                enabled=not reason,
                offered=state in POSSIBLE_IN[action_id],
                reason=reason,
                rule=rule,
                forbidden=forbidden,
            )
        )
    return out


def action(info: SyncInfo, action_id: str, **kw) -> Action:
    return by_id(sync_actions(info, **kw))[action_id]


def actions(
    session: Session, *, user: UserInfo | None = None, login: str | None = None
) -> list[Action]:
    """R-SYNC-13: the sync actions for the sync as it is now and the acting user (both None:
    the HR system through the API)."""
    job_status = session.scalar(select(CommitJob.status).order_by(CommitJob.id.desc()).limit(1))
    return sync_actions(current(session), job_status=job_status, user=user, login=login)


def open_run(session: Session, *, lock: bool = False) -> SyncRun | None:
    """The open sync, or None."""
    stmt = select(SyncRun).where(SyncRun.open_slot == 1)
    if lock:
        stmt = stmt.with_for_update()
    return session.scalars(stmt).first()


def last_run(session: Session) -> SyncRun | None:
    """The open sync, else the most recent one (committed)."""
    # A revert (R-HIST-2) is a run too, but never the sync the wizard and the report show.
    last = select(SyncRun).where(SyncRun.kind == "sync").order_by(SyncRun.id.desc())
    return open_run(session) or session.scalars(last).first()


# The labels older call sites pass to ``require``, by the action they mean.
_LEGACY = {
    "transfer staff members": "transfer",
    "end the transfer": "end",
    "restart the transfer": "restart",
    "hold a staff member": "hold",
    "validate": "validate",
    "commit": "commit",
    "check the mass-change guard": "commit",
    "confirm the mass-change guard": "commit",
}


def shown_run(session: Session, *, lock: bool = False) -> SyncRun | None:
    """The open sync (locked when asked), else the last one: what a refusal describes."""
    return open_run(session, lock=lock) or last_run(session)


def require(session: Session, action_id: str, *_states: str, lock: bool = True) -> SyncRun:
    """The open sync when ``action_id`` is possible in its state, else the action's refusal
    (Conflict) saying what the state is and what to do next (R-SYNC-13)."""
    action_id = _LEGACY.get(action_id, action_id)
    run = open_run(session, lock=lock)
    shown = run if run is not None else last_run(session)
    act = action(info(shown), action_id)
    if not act.enabled or run is None:
        raise act.refusal()
    return run


def start(session: Session, started_by: str) -> SyncInfo:
    """R-SYNC-1: open a sync in state transferring, recording who and when."""
    act = action(info(shown_run(session, lock=True)), "start")
    if not act.enabled:
        raise act.refusal()
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
    run = require(session, "end")
    staged = session.scalar(
        select(func.count()).select_from(SyncStaged).where(SyncStaged.sync_id == run.id)
    )
    if not staged:  # the run's count and the staged rows always agree; the rows decide
        run.transferred = 0
        raise action(info(run), "end").refusal()
    run.state = TRANSFERRED
    run.transferred = staged
    run.ended_at = utcnow()
    return info(run)


def note_source(session: Session, sync_id: int, name: str) -> None:
    """Where the sync's data came from, for Sync History: its HR files, in order (the API's
    transfers leave it empty: "api")."""
    run = session.get(SyncRun, sync_id)
    if run is None:
        return
    names = [n for n in (run.source or "").split(", ") if n]
    if name not in names:
        names.append(name)
    text = ", ".join(names)
    run.source = text if len(text) <= 200 else text[:199] + "…"


def discard_staged(session: Session, sync_id: int) -> None:
    for table in (
        SyncStagedEmployment,
        SyncStagedPosition,
        SyncStagedAddress,
        SyncStaged,
        SyncReportRow,
        SyncRejection,
        SyncHold,
        SyncReview,
        SyncWork,
    ):
        session.execute(delete(table).where(table.sync_id == sync_id))


def restart(session: Session) -> SyncInfo:
    """Back to transferring with the staged data, report and holds discarded."""
    run = require(session, "restart")
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
    run = require(session, "hold")
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
