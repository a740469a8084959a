"""Mass-change guard (R-SYNC-9): when a commit would create or change more than
``massChangePercent`` of the Campus staff and at least ``massChangeMinimum`` staff members, it
waits for the district's confirmation (TUI, or ``bo-tui sync commit --force``)."""

from __future__ import annotations

from pydantic import BaseModel
from sqlalchemy.orm import Session

from ...store.models.sync import SyncRun
from ..errors import Conflict, FieldError
from ..preferences import get_preferences
from .states import VALIDATED, iso, require, utcnow


class GuardCounts(BaseModel):
    """The counts shown before anything is applied."""

    creates: int
    changes: int
    total: int
    campusStaff: int
    massChangePercent: int
    massChangeMinimum: int
    tripped: bool
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


def counts(session: Session, run: SyncRun) -> GuardCounts:
    prefs = get_preferences(session)
    total = (run.creates or 0) + (run.changes or 0)
    pct, minimum = prefs.massChangePercent, prefs.massChangeMinimum
    tripped = pct > 0 and total * 100 > pct * (run.campus_staff or 0) and total >= minimum
    return GuardCounts(
        creates=run.creates or 0,
        changes=run.changes or 0,
        total=total,
        campusStaff=run.campus_staff or 0,
        massChangePercent=pct,
        massChangeMinimum=minimum,
        tripped=tripped,
        confirmedBy=run.guard_confirmed_by,
        confirmedAt=iso(run.guard_confirmed_at),
    )


def guard_counts(session: Session) -> GuardCounts:
    """The guard's view of the open, validated sync."""
    return counts(session, require(session, "check the mass-change guard", VALIDATED, lock=False))


def confirm_guard(session: Session, by: str) -> GuardCounts:
    """The district's confirmation (TUI, or ``sync commit --force``), recorded on the sync."""
    run = require(session, "confirm the mass-change guard", VALIDATED)
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
