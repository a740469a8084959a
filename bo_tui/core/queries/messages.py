"""A user's Message Center as a list (R-NOTE-3): newest first, all or only the unread, with
count, page and find; and the notifications (R-NOTE-1) with their recipients."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from .. import notifications
from ..notifications import MessageOut, NotificationOut
from .base import ListQuery


@dataclass(frozen=True)
class MessageQuery(ListQuery[MessageOut]):
    username: str
    unread_only: bool = False

    def count(self, session: Session) -> int:
        return notifications.count_messages(session, self.username, unread_only=self.unread_only)

    def unread(self, session: Session) -> int:
        """The unread count whatever the filter (the screen's title shows it)."""
        return notifications.unread_count(session, self.username)

    def page(
        self, session: Session, offset: int = 0, limit: int = 100, sort: str | None = None
    ) -> list[MessageOut]:
        return notifications.page_messages(
            session, self.username, offset, limit, unread_only=self.unread_only
        )

    def texts(self, item: MessageOut) -> tuple:
        return (item.type, item.subject, item.body)


@dataclass(frozen=True)
class NotificationQuery(ListQuery[NotificationOut]):
    """The district's notifications with their recipients (a short list)."""

    def _all(self, session: Session) -> list[NotificationOut]:
        return notifications.list_notifications(session)

    def count(self, session: Session) -> int:
        return len(self._all(session))

    def page(
        self, session: Session, offset: int = 0, limit: int = 100, sort: str | None = None
    ) -> list[NotificationOut]:
        return self._all(session)[max(offset, 0) : max(offset, 0) + max(limit, 0)]

    def texts(self, item: NotificationOut) -> tuple:
        return (
            item.type,
            *(r.username for r in item.recipients),
            *(r.name for r in item.recipients),
        )
