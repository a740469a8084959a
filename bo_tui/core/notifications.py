"""Business Office Notifications and the Message Center (R-NOTE-1..3): subscriptions of a
type with recipients holding the District Employment or Assignments right; ``publish``."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

from pydantic import BaseModel
from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.orm import Session

from ..store.models import User, UserRight
from ..store.models.integration import Message, Notification, NotificationRecipient
from . import rights
from .errors import FieldError, NotFound, RuleViolation
from .staff_models import StaffResult

HR_STAFF = "HR-Staff"
HR_SYNC_COMMIT = "HR Sync Commit"
HR_SYNC_REVERTED = "HR Sync Reverted"  # a committed sync taken back (R-HIST-2)
TYPES = (HR_STAFF, HR_SYNC_COMMIT, HR_SYNC_REVERTED)
RECIPIENT_RIGHTS = (rights.DISTRICT_EMPLOYMENT, rights.DISTRICT_ASSIGNMENTS)


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


class Recipient(BaseModel):
    username: str
    name: str


class NotificationOut(BaseModel):
    id: int
    type: str
    recipients: list[Recipient]


class MessageOut(BaseModel):
    id: int
    type: str
    subject: str
    body: str
    createdAt: dt.datetime
    read: bool


def _eligible_stmt():
    return (
        select(User)
        .join(UserRight, UserRight.user_id == User.id)
        .where(UserRight.right.in_(RECIPIENT_RIGHTS), User.active.is_(True))
        .distinct()
    )


def eligible_recipients(session: Session) -> list[Recipient]:
    """Users who may receive notifications (R-NOTE-2), for the Recipients drop-down."""
    users = session.scalars(_eligible_stmt().order_by(User.name, User.username))
    return [Recipient(username=u.username, name=u.name) for u in users]


def _out(n: Notification, users: dict[int, User]) -> NotificationOut:
    return NotificationOut(
        id=n.id,
        type=n.type,
        recipients=[
            Recipient(username=users[r.user_id].username, name=users[r.user_id].name)
            for r in n.recipients
        ],
    )


def list_notifications(session: Session) -> list[NotificationOut]:
    notes = session.scalars(select(Notification).order_by(Notification.id)).all()
    ids = {r.user_id for n in notes for r in n.recipients}
    users = {u.id: u for u in session.scalars(select(User).where(User.id.in_(ids)))} if ids else {}
    return [_out(n, users) for n in notes]


def _check_type(type_: str) -> None:
    if type_ not in TYPES:
        raise RuleViolation([FieldError("type", f"must be one of: {', '.join(TYPES)}", "R-NOTE-1")])


def _resolve(session: Session, usernames: Sequence[str]) -> list[User]:
    wanted = list(dict.fromkeys(u.strip() for u in usernames if u and u.strip()))
    found = {
        u.username: u for u in session.scalars(_eligible_stmt().where(User.username.in_(wanted)))
    }
    errors = [
        FieldError(
            f"recipients[{i}]",
            "is not a user with the District Employment or District Assignments tool right",
            "R-NOTE-2",
        )
        for i, name in enumerate(wanted)
        if name not in found
    ]
    if errors:
        raise RuleViolation(errors)
    return [found[name] for name in wanted]


def save_notification(
    session: Session, type_: str, recipients: Iterable[str], notification_id: int | None = None
) -> NotificationOut | None:
    """Create or edit a notification (type and recipients by username). Saving one with no
    recipients deletes it and returns None (R-NOTE-3)."""
    _check_type(type_)
    users = _resolve(session, list(recipients))
    if notification_id is None:
        if not users:
            raise RuleViolation(
                [FieldError("recipients", "add at least one recipient", "R-NOTE-3")]
            )
        note = Notification(type=type_, created_at=_now())
        session.add(note)
    else:
        note = session.get(Notification, notification_id)
        if note is None:
            raise NotFound(f"no notification {notification_id}")
        if not users:
            session.delete(note)
            session.flush()
            return None
        note.type = type_
        note.recipients.clear()
        session.flush()
    note.recipients = [NotificationRecipient(user_id=u.id) for u in users]
    session.flush()
    return _out(note, {u.id: u for u in users})


def delete_notification(session: Session, notification_id: int) -> None:
    if (
        session.execute(delete(Notification).where(Notification.id == notification_id)).rowcount
        == 0
    ):
        raise NotFound(f"no notification {notification_id}")


def publish(session: Session, type_: str, subject: str, body: str = "") -> int:
    """Store one message per recipient of every notification of this type, each recipient
    once, only while they still hold the right (R-NOTE-2); returns how many were stored."""
    _check_type(type_)
    user_ids = session.scalars(
        select(NotificationRecipient.user_id)
        .join(Notification, Notification.id == NotificationRecipient.notification_id)
        .join(UserRight, UserRight.user_id == NotificationRecipient.user_id)
        .join(User, User.id == NotificationRecipient.user_id)
        .where(
            Notification.type == type_, UserRight.right.in_(RECIPIENT_RIGHTS), User.active.is_(True)
        )
        .distinct()
    ).all()
    if not user_ids:
        return 0
    now = _now()
    session.execute(
        insert(Message),
        [
            {
                "user_id": uid,
                "type": type_,
                "subject": subject[:200],
                "body": body,
                "created_at": now,
                "is_read": False,
            }
            for uid in user_ids
        ],
    )
    return len(user_ids)


# --- Message Center -------------------------------------------------------------------------


def _user_id(session: Session, username: str) -> int:
    uid = session.scalar(select(User.id).where(User.username == username))
    if uid is None:
        raise NotFound(f"no Campus user {username!r}")
    return uid


def count_messages(session: Session, username: str, *, unread_only: bool = False) -> int:
    stmt = select(func.count(Message.id)).where(Message.user_id == _user_id(session, username))
    if unread_only:
        stmt = stmt.where(Message.is_read.is_(False))
    return session.scalar(stmt) or 0


def unread_count(session: Session, username: str) -> int:
    return count_messages(session, username, unread_only=True)


def page_messages(
    session: Session, username: str, offset: int = 0, limit: int = 50, *, unread_only: bool = False
) -> list[MessageOut]:
    """The user's messages, newest first."""
    stmt = select(Message).where(Message.user_id == _user_id(session, username))
    if unread_only:
        stmt = stmt.where(Message.is_read.is_(False))
    stmt = (
        stmt.order_by(Message.created_at.desc(), Message.id.desc())
        .offset(max(offset, 0))
        .limit(max(limit, 0))
    )
    return [
        MessageOut(
            id=m.id,
            type=m.type,
            subject=m.subject,
            body=m.body,
            createdAt=m.created_at,
            read=m.is_read,
        )
        for m in session.scalars(stmt)
    ]


def mark_read(
    session: Session, username: str, message_ids: Iterable[int], read: bool = True
) -> int:
    """Mark the user's own messages read (or unread); returns how many changed."""
    ids = list(message_ids)
    if not ids:
        return 0
    result = session.execute(
        update(Message)
        .where(Message.user_id == _user_id(session, username), Message.id.in_(ids))
        .values(is_read=read, read_at=_now() if read else None)
    )
    return result.rowcount or 0


def mark_all_read(session: Session, username: str) -> int:
    result = session.execute(
        update(Message)
        .where(Message.user_id == _user_id(session, username), Message.is_read.is_(False))
        .values(is_read=True, read_at=_now())
    )
    return result.rowcount or 0


# --- HR-Staff messages from the staff services (R-NOTE-1) ----------------------------------
# The staff services call ``staff_changed`` after every change, inside the caller's transaction,
# so every adapter (API, CLI, TUI) sends them. A bulk caller (the sync commit, which sends one
# "HR Sync Commit" message at its end) sets ``session.info[QUIET_STAFF_EVENTS] = True`` on its
# own session to skip the per-staff messages.

QUIET_STAFF_EVENTS = "bo_tui.quiet_staff_events"
STAFF_CREATED = "staff_created"
STAFF_UPDATED = "staff_updated"
POSITION_ADDED = "position_added"
POSITIONS_UPDATED = "positions_updated"
_EVENT_TEXT = {
    STAFF_CREATED: "created",
    STAFF_UPDATED: "updated",
    POSITION_ADDED: "district assignment added",
    POSITIONS_UPDATED: "district assignments updated",
}


def staff_changed(session: Session, event: str, result: StaffResult) -> None:
    """Tell the HR-Staff recipients what a staff service just did (``event``, one of the four
    above; its ``result`` names the staff member, the areas changed and the warnings)."""
    if event not in _EVENT_TEXT:
        raise ValueError(f"unknown staff event {event!r}")
    if session.info.get(QUIET_STAFF_EVENTS):
        return
    if event == STAFF_UPDATED and not result.changes:
        return  # an update that changed nothing is no news
    what = _EVENT_TEXT[event]
    subject = f"HR system: staff member {result.staffNumber} {what}"
    areas = ", ".join(result.changes) if result.changes else "-"
    lines = [f"Staff number: {result.staffNumber}", f"Changed: {areas}"]
    lines += [f"Warning: {w.field}: {w.message}" for w in result.warnings[:10]]
    publish(session, HR_STAFF, subject, "\n".join(lines))
