"""Person search as a list (R-SRCH-1, R-SYNC-10): persons whose number or name matches the
search box (students and guardians too, for Combine Person), by name, with count, page, find."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from .. import persons
from ..persons import PersonSummary
from .base import ListQuery


@dataclass(frozen=True)
class PersonQuery(ListQuery[PersonSummary]):
    text: str | None = None
    staff_only: bool = False
    exclude: int | None = None  # a person left out (the other side of a combine)

    def _filters(self) -> dict:
        return {"text": self.text, "staff_only": self.staff_only, "exclude": self.exclude}

    def count(self, session: Session) -> int:
        return persons.count_persons(session, **self._filters())

    def page(
        self, session: Session, offset: int = 0, limit: int = 50, sort: str | None = None
    ) -> list[PersonSummary]:
        return persons.search_persons(session, offset=offset, limit=limit, **self._filters()).items

    def texts(self, item: PersonSummary) -> tuple:
        return (item.staffNumber, item.studentNumber, item.lastName, item.firstName)
