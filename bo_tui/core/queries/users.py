"""The Users screen's list (SPEC section 10: who acts, with which tool rights): users whose
login or name holds the search text, by name, with count, page and find."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from .. import users
from ..users import UserInfo
from .base import ListQuery


@dataclass(frozen=True)
class UserQuery(ListQuery[UserInfo]):
    text: str = ""

    def count(self, session: Session) -> int:
        return users.count_users(session, self.text.strip())

    def page(
        self, session: Session, offset: int = 0, limit: int = 100, sort: str | None = None
    ) -> list[UserInfo]:
        return users.list_users(session, self.text.strip(), offset, limit)

    def texts(self, item: UserInfo) -> tuple:
        return (item.username, item.name)
