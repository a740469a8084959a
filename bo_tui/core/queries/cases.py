"""The Support screen's cases as a list (R-SUP-5): under the screen's conditions (number,
subject, status; open only), last modified first by default, with count, page and find."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from ..support import cases
from ..support.schemas import CaseFilter, CaseRow
from .base import ListQuery

DEFAULT_SORT = "-modified"


@dataclass(frozen=True)
class CaseQuery(ListQuery[CaseRow]):
    filter: CaseFilter | None = None
    sort: str | None = None  # the order when ``page`` is given none (default: last modified)

    def count(self, session: Session) -> int:
        return cases.count_cases(session, self.filter)

    def page(
        self, session: Session, offset: int = 0, limit: int = 50, sort: str | None = None
    ) -> list[CaseRow]:
        return cases.page_cases(
            session, offset, limit, self.filter, sort or self.sort or DEFAULT_SORT
        )

    def texts(self, item: CaseRow) -> tuple:
        return (item.number, item.subject, item.status, item.contact)
