"""Staff search as a list (R-SRCH-1, R-POS-8): the API's four filters, or the Staff screen's
(staff only, names by prefix), with count, page (sorted) and find."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from .. import staff
from ..staff_models import StaffSummary
from .base import ListQuery


@dataclass(frozen=True)
class StaffQuery(ListQuery[StaffSummary]):
    staffNumber: str | None = None  # noqa: N815 - the API's names
    lastName: str | None = None  # noqa: N815
    firstName: str | None = None  # noqa: N815
    birthDate: Any = None  # noqa: N815
    staff_only: bool = False
    name_prefix: bool = False
    sort: str | None = None  # the order when ``page`` is given none (default: by name)

    def _filters(self) -> dict[str, Any]:
        return {
            "staffNumber": self.staffNumber,
            "lastName": self.lastName,
            "firstName": self.firstName,
            "birthDate": self.birthDate,
            "staff_only": self.staff_only,
            "name_prefix": self.name_prefix,
        }

    def count(self, session: Session) -> int:
        return staff.count_staff(session, **self._filters())

    def page(
        self, session: Session, offset: int = 0, limit: int = 100, sort: str | None = None
    ) -> list[StaffSummary]:
        return staff.search_staff(
            session, offset=offset, limit=limit, sort=sort or self.sort or "name", **self._filters()
        ).items

    def texts(self, item: StaffSummary) -> tuple:
        return (item.staffNumber, item.lastName, item.firstName, item.workEmail)
