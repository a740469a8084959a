"""Mass-change guard (R-SYNC-9): when a commit would create or change more than
``massChangePercent`` of the Campus staff and at least ``massChangeMinimum`` staff members, it
waits for the district's confirmation (TUI, or ``bo-tui sync commit --force``)."""

from __future__ import annotations

from pydantic import BaseModel
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ...store.models.sync import SyncHold, SyncRun, SyncWork
from ..errors import Conflict, FieldError
from ..preferences import get_preferences
from .states import iso, require, utcnow


class GuardCounts(BaseModel):
    """The counts shown before anything is applied."""

    creates: int
    changes: int
    total: int
    campusStaff: int
    massChangePercent: int
    massChangeMinimum: int
    tripped: bool
    held: int = 0
    confirmedBy: str | None = None
    confirmedAt: str | None = None

    @property
    def needs_confirmation(self) -> bool:
        return self.tripped and self.confirmedBy is None

    def describe(self) -> str:
        return (
            f"this commit would create {self.creates:,} and change {self.changes:,} staff members "
            f"({self.total:,} of {self.campusStaff:,} Campus staff), more than the mass-change "
            f"guard's {self.massChangePercent}% (and at least {self.massChangeMinimum})"
        )


def to_apply(session: Session, sync_id: int) -> tuple[int, int, int]:
    """(creates, changes, held) as the commit will apply them: the validation's work set less
    the staff members held back by the review, and less the numbers Campus duplicates (work
    with no differing area: the commit refuses them, R-SYNC-5)."""
    held = select(SyncHold.staff_number).where(SyncHold.sync_id == sync_id)
    applies = (SyncWork.action == "create") | SyncWork.areas.is_not(None)
    rows = session.execute(
        select(SyncWork.action, func.count())
        .where(SyncWork.sync_id == sync_id, SyncWork.staff_number.not_in(held), applies)
        .group_by(SyncWork.action)
    ).all()
    by_action = dict(rows)
    n_held = session.scalar(
        select(func.count()).select_from(SyncHold).where(SyncHold.sync_id == sync_id)
    )
    return by_action.get("create", 0), by_action.get("update", 0), n_held or 0


def counts(session: Session, run: SyncRun) -> GuardCounts:
    prefs = get_preferences(session)
    creates, changes, held = to_apply(session, run.id)
    total = creates + changes
    pct, minimum = prefs.massChangePercent, prefs.massChangeMinimum
    tripped = pct > 0 and total * 100 > pct * (run.campus_staff or 0) and total >= minimum
    return GuardCounts(
        creates=creates,
        changes=changes,
        total=total,
        held=held,
        campusStaff=run.campus_staff or 0,
        massChangePercent=pct,
        massChangeMinimum=minimum,
        tripped=tripped,
        confirmedBy=run.guard_confirmed_by,
        confirmedAt=iso(run.guard_confirmed_at),
    )


def guard_counts(session: Session) -> GuardCounts:
    """The guard's view of the open, validated sync."""
    return counts(session, require(session, "commit", lock=False))


def confirm_guard(session: Session, by: str) -> GuardCounts:
    """The district's confirmation (TUI, or ``sync commit --force``), recorded on the sync."""
    run = require(session, "commit")
    run.guard_confirmed_by = by or "unknown"
    run.guard_confirmed_at = utcnow()
    return counts(session, run)


def enforce(session: Session, run: SyncRun) -> GuardCounts:
    """Conflict (409 in the API) with the counts while the guard waits for confirmation."""
    c = counts(session, run)
    if c.needs_confirmation:
        msg = (
            c.describe()
            + "; confirm it in the TUI's Synchronization screen or with `bo-tui sync commit --force`"
        )
        raise Conflict(msg, [FieldError("massChange", msg, "R-SYNC-9")])
    return c
