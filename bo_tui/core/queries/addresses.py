"""Address search as a list (R-ADDR-6): Campus addresses whose normalized components (or whose
parsed ``fullStreetAddress``) equal the given ones, by addressId; a wrapper of the engine's
``search`` (the engine itself is ``core/addresses``)."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from sqlalchemy.orm import Session

from .. import addresses
from .base import ListQuery


@dataclass(frozen=True)
class AddressQuery(ListQuery[dict]):
    number: str | None = None
    prefix: str | None = None
    street: str | None = None
    tag: str | None = None
    direction: str | None = None
    apt: str | None = None
    city: str | None = None
    state: str | None = None
    zip: str | None = None
    fullStreetAddress: str | None = None  # noqa: N815 - the payload's name

    def _given(self) -> dict[str, Any]:
        return asdict(self)

    def page(
        self, session: Session, offset: int = 0, limit: int = 100, sort: str | None = None
    ) -> list[dict]:
        return addresses.search(session, limit=limit, offset=offset, **self._given())

    def count(self, session: Session) -> int:
        # Matches of equal components are few: counted by reading them a page at a time.
        total, offset = 0, 0
        while True:
            n = len(self.page(session, offset, addresses.MAX_SEARCH))
            total += n
            if n < addresses.MAX_SEARCH:
                return total
            offset += n

    def texts(self, item: dict) -> tuple:
        return tuple(v for k, v in item.items() if k != "addressId")
