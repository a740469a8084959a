"""The Home overview: district, counts, sync state with the next step, unread messages and
recent errors, gathered in one read-only call (SPEC section 10, Home)."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel
from sqlalchemy import exists, func, select
from sqlalchemy.orm import Session

from ..store.models import Address, District, Person, Position, School, User
from ..store.models.integration import ErrorLogEntry, Message
from . import errorlog, sync
from .errorlog import ErrorEntry, ErrorFilter
from .sync import states as sync_states
from .users import acting_user

RECENT_ERRORS = 5  # Home lists the last day's errors, newest first (SPEC section 10)
# The sync steps Home names as "next" (reads and holds are the screens' business).
NEXT_STEP_IDS = ("start", "transfer", "end", "validate", "commit", "submit_job", "resume")


class Overview(BaseModel):
    district: str | None = None
    state: str | None = None
    app_name: str | None = None
    persons: int = 0
    staff: int = 0
    schools: int = 0
    addresses: int = 0
    sync_state: str = "none"
    sync_started_by: str | None = None
    sync_transferred: int = 0
    unread_messages: int | None = None
    errors_24h: int | None = None
    # The sync steps the acting user can take now (R-SYNC-13), and the last day's errors.
    next_steps: list[str] = []
    sync_note: str = ""
    recent_errors: list[ErrorEntry] = []

    @property
    def empty(self) -> bool:
        return self.persons == 0


def home_overview(session: Session, *, username: str | None, now: dt.datetime) -> Overview:
    d = session.scalar(select(District).limit(1))
    ov = Overview(
        district=d.name if d else None,
        state=d.state if d else None,
        app_name=d.app_name if d else None,
        persons=session.scalar(select(func.count()).select_from(Person)) or 0,
        # Staff are persons with a position (R-POS-8).
        staff=session.scalar(
            select(func.count())
            .select_from(Person)
            .where(exists().where(Position.person_id == Person.id))
        )
        or 0,
        schools=session.scalar(select(func.count()).select_from(School)) or 0,
        addresses=session.scalar(select(func.count()).select_from(Address)) or 0,
    )
    run = sync.current(session)
    ov.sync_state, ov.sync_started_by, ov.sync_transferred = (
        run.state,
        run.startedBy,
        run.transferred,
    )
    if username:
        ov.unread_messages = (
            session.scalar(
                select(func.count())
                .select_from(Message)
                .join(User, User.id == Message.user_id)
                .where(User.username == username, Message.is_read.is_(False))
            )
            or 0
        )
    since = now - dt.timedelta(hours=24)
    ov.errors_24h = (
        session.scalar(
            select(func.count()).select_from(ErrorLogEntry).where(ErrorLogEntry.error_date >= since)
        )
        or 0
    )
    ov.recent_errors = errorlog.page(session, 0, RECENT_ERRORS, ErrorFilter(date_from=since.date()))
    ov.recent_errors = [e for e in ov.recent_errors if e.errorDate >= since]
    user = acting_user(session, username) if username else None
    acts = sync_states.actions(session, user=user, login=username)
    ov.next_steps = [a.label for a in acts if a.enabled and a.id in NEXT_STEP_IDS]
    if not ov.next_steps:
        blocked = next((a for a in acts if a.forbidden), None)
        ov.sync_note = blocked.reason if blocked else sync_states.describe(run)
    return ov
