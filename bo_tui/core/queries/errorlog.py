"""The Error Log as a list (R-LOG-1): entries under the screen's filters (dates, action, path,
text), newest first, with count, page and a find done by the database (a log of any size)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from ...store.models.integration import ErrorLogEntry
from .. import errorlog
from ..errorlog import ErrorEntry, ErrorFilter
from .base import ListQuery

DEFAULT_SORT = "-errorDate"


@dataclass(frozen=True)
class ErrorLogQuery(ListQuery[ErrorEntry]):
    filter: ErrorFilter | None = None
    sort: str | None = None  # the order when ``page`` is given none (default: newest first)

    def count(self, session: Session) -> int:
        return errorlog.count(session, self.filter)

    def page(
        self, session: Session, offset: int = 0, limit: int = 100, sort: str | None = None
    ) -> list[ErrorEntry]:
        return errorlog.page(session, offset, limit, self.filter, sort or self.sort or DEFAULT_SORT)

    def texts(self, item: ErrorEntry) -> tuple:
        return (item.action, item.path, item.message, item.payload)

    def find(
        self,
        session: Session,
        text: str,
        start: int = -1,
        direction: int = 1,
        sort: str | None = None,
    ) -> int | None:
        """Rows numbered in the database in the page order; the next one holding ``text``."""
        needle = (text or "").strip()
        if not needle:
            return None
        e = ErrorLogEntry
        hit = or_(
            *(
                c.icontains(needle, autoescape=True)
                for c in (e.action, e.path, e.message, e.payload)
            )
        )
        order = errorlog._order(sort or self.sort or DEFAULT_SORT)
        numbered = errorlog._filtered(
            select((func.row_number().over(order_by=order) - 1).label("i"), hit.label("hit")),
            self.filter,
        ).subquery()
        i = numbered.c.i
        stmt = select(i).where(numbered.c.hit)
        stmt = (
            stmt.where(i > start).order_by(i.asc())
            if direction > 0
            else stmt.where(i < start).order_by(i.desc())
        )
        return session.scalar(stmt.limit(1))
