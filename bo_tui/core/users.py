"""Users and their tool rights: the acting user (the OS login mapped to a User, SPEC section 10)
and the Users screen's list. Rights names live in ``core.rights``."""

from __future__ import annotations

import getpass

from pydantic import BaseModel
from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from ..store.models import User, UserRight
from . import rights as R
from .errors import FieldError, NotFound, RuleViolation


class UserInfo(BaseModel):
    id: int
    username: str
    name: str
    active: bool
    rights: list[str]

    def can(self, right: str) -> bool:
        return self.active and right in self.rights


def _info(u: User) -> UserInfo:
    return UserInfo(
        id=u.id, username=u.username, name=u.name, active=u.active, rights=sorted(u.right_names)
    )


def os_login() -> str:
    """The login name of the person at the terminal (SPEC section 10: it names the User)."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no login name in a bare container
        return "admin"


def acting_user(session: Session, login: str) -> UserInfo | None:
    """The User for an OS login (``os_login()``), or None when the login is not a Campus user."""
    u = session.scalar(
        select(User).options(selectinload(User.rights)).where(User.username == login)
    )
    return _info(u) if u else None


def count_users(session: Session, text: str = "") -> int:
    q = select(func.count()).select_from(User)
    if text:
        q = q.where(User.username.ilike(f"%{text}%") | User.name.ilike(f"%{text}%"))
    return session.scalar(q) or 0


def list_users(
    session: Session, text: str = "", offset: int = 0, limit: int = 200
) -> list[UserInfo]:
    q = select(User).options(selectinload(User.rights)).order_by(User.name)
    if text:
        q = q.where(User.username.ilike(f"%{text}%") | User.name.ilike(f"%{text}%"))
    return [_info(u) for u in session.scalars(q.offset(offset).limit(limit))]


def users_with_any_right(session: Session, rights: set[str], text: str = "") -> list[UserInfo]:
    """Users holding at least one of ``rights`` (e.g. notification recipients, R-NOTE-2)."""
    q = (
        select(User)
        .options(selectinload(User.rights))
        .where(
            User.active, User.id.in_(select(UserRight.user_id).where(UserRight.right.in_(rights)))
        )
        .order_by(User.name)
    )
    if text:
        q = q.where(User.username.ilike(f"%{text}%") | User.name.ilike(f"%{text}%"))
    return [_info(u) for u in session.scalars(q)]


def set_rights(session: Session, username: str, rights: set[str]) -> UserInfo:
    unknown = sorted(set(rights) - set(R.ALL))
    if unknown:
        raise RuleViolation(
            [
                FieldError(
                    "rights", f"unknown tool right; valid: {', '.join(sorted(R.ALL))}", "users"
                )
            ]
        )
    u = session.scalar(
        select(User).options(selectinload(User.rights)).where(User.username == username)
    )
    if u is None:
        raise NotFound(f"no user named {username!r}")
    have = {r.right: r for r in u.rights}
    for name in set(have) - rights:
        u.rights.remove(have[name])
    for name in rights - set(have):
        u.rights.append(UserRight(right=name))
    session.flush()
    return _info(u)


def set_active(session: Session, username: str, active: bool) -> UserInfo:
    u = session.scalar(
        select(User).options(selectinload(User.rights)).where(User.username == username)
    )
    if u is None:
        raise NotFound(f"no user named {username!r}")
    u.active = active
    session.flush()
    return _info(u)
