"""The create rules a transfer applies to each record without writing (R-SYNC-2), taken from
the staff service (``staff.validate_staff``: R-DEMO-1/2, R-POS-1..3, R-ADDR-1/2), plus the
memoized normalized address key (R-ADDR-3) that staging compares with Campus addresses."""

from __future__ import annotations

from functools import lru_cache

from sqlalchemy.orm import Session

from .. import addresses, staff
from ..errors import CoreError, FieldError
from ..reference import lookup
from ..schemas import AddressIn, StaffMemberIn

_ADDRESS_FIELDS = tuple(AddressIn.model_fields)


@lru_cache(maxsize=200_000)
def _address_key(values: tuple) -> str | None:
    """Memoized: HR files repeat addresses and a district re-syncs the same ones, and parsing
    a full street address is the costly part of a transfer."""
    addr = AddressIn.model_construct(**dict(zip(_ADDRESS_FIELDS, values, strict=True)))
    of = getattr(addresses, "normalized_key_of", None)
    if of is not None:
        try:
            return of(addr)
        except CoreError:
            return None
    return addresses.address_key(addresses.normalize_components(addr.model_dump()))


def address_key(addr: AddressIn) -> str | None:
    """The normalized key of an HR address, as ``addresses.norm_key`` holds it (or None)."""
    return _address_key(tuple(getattr(addr, f) for f in _ADDRESS_FIELDS))


class Checker:
    """Rule checks for one transaction; reference lists cached by the staff rules' lookup."""

    def __init__(self, session: Session):
        self.session = session
        self.ref = lookup(session)

    def gender(self, code: str) -> str | None:
        return self.ref.gender(code)

    def address_key(self, addr: AddressIn) -> str | None:
        return address_key(addr)

    def errors(self, m: StaffMemberIn) -> list[FieldError]:
        if m.household is not None and not hasattr(addresses, "check_payload"):
            # The address engine has not landed yet: check the rest of the payload.
            m = m.model_copy(update={"household": None})
        try:
            return staff.validate_staff(self.session, m)
        except CoreError as exc:
            return exc.errors or [FieldError("body", exc.message)]


def checker(session: Session) -> Checker:
    return Checker(session)
