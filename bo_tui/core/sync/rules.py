"""The create rules a transfer applies to each record without writing (R-SYNC-2), taken from
the staff service (``staff.validate_staff``: R-DEMO-1/2, R-POS-1..3, R-ADDR-1/2), plus the
memoized normalized address key (R-ADDR-3) that staging compares with Campus addresses."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy.orm import Session

from .. import addresses, staff
from ..errors import CoreError, FieldError
from ..preferences import get_preferences
from ..reference import lookup
from ..schemas import AddressIn, StaffMemberIn


def address_keys(addr: AddressIn | Mapping[str, Any]) -> tuple[str | None, str | None]:
    """The normalized key of an HR address as ``addresses.norm_key`` holds it (R-ADDR-3), and
    the key a commit tries first (R-ADDR-4); (None, None) when it cannot be parsed (the rule
    check has rejected such a record already). The address engine memoizes its plans."""
    return addresses.staging_keys(addr)


class Checker:
    """Rule checks for one transaction; reference lists cached by the staff rules' lookup."""

    def __init__(self, session: Session):
        self.session = session
        self.ref = lookup(session)
        self.allow_household = get_preferences(session).allowHouseholdAddress

    def gender(self, code: str) -> str | None:
        return self.ref.gender(code)

    def address_keys(self, addr: AddressIn | Mapping[str, Any]) -> tuple[str | None, str | None]:
        return address_keys(addr)

    def errors(self, m: StaffMemberIn | dict) -> list[FieldError]:
        try:
            return staff.validate_staff(self.session, m, allow_household=self.allow_household)
        except CoreError as exc:
            return exc.errors or [FieldError("body", exc.message)]


def checker(session: Session) -> Checker:
    return Checker(session)
