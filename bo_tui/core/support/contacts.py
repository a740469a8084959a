"""Authorized support contacts: support contacts and at most one technical contact (R-SUP-1),
training (R-SUP-7), the 180-day inactivity flag and deactivation (R-SUP-4), who may act (R-SUP-2)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ...store.models import User
from ...store.models.support import SupportContact
from .. import rights
from ..errors import Conflict, FieldError, Forbidden, NotFound, RuleViolation
from .clock import utc
from .schemas import ROLES, AccessOut, ContactOut

INACTIVITY_DAYS = 180  # R-SUP-4
RECOMMENDED_SUPPORT = 2  # R-SUP-1: two support contacts …
RECOMMENDED_TECHNICAL = 1  # … and one technical contact


def get_user(session: Session, username: str) -> User:
    user = session.scalar(select(User).where(User.username == username))
    if user is None:
        raise NotFound(f"no user named {username!r}")
    return user


def is_support_staff(user: User | None) -> bool:
    return user is not None and rights.SUPPORT_STAFF in user.right_names


def contact_of(session: Session, username: str) -> SupportContact | None:
    return session.scalar(
        select(SupportContact)
        .join(User, SupportContact.user_id == User.id)
        .where(User.username == username)
    )


def last_activity(c: SupportContact) -> dt.datetime:
    """The latest login, case activity, reactivation or creation: the R-SUP-4 clock starts here."""
    times = [c.created_at, c.last_login_at, c.last_case_activity_at, c.reactivated_at]
    return max(t for t in times if t is not None)


def contact_out(c: SupportContact, now: dt.datetime) -> ContactOut:
    now = utc(now)
    last = last_activity(c)
    idle = max(0, (now - last).days)
    warnings = []
    if c.intro_to_support_on is None:
        warnings.append("Introduction to Support not completed (required)")
    if c.campus_fundamentals_on is None:
        warnings.append("Campus Fundamentals not completed (recommended)")
    flagged = not c.deactivated and idle >= INACTIVITY_DAYS
    if flagged:
        warnings.append(f"no login or case activity for {idle} days: flagged for deactivation")
    return ContactOut(
        username=c.user.username,
        name=c.user.name,
        role=c.role,
        introToSupport=c.intro_to_support_on is not None,
        campusFundamentals=c.campus_fundamentals_on is not None,
        createdAt=c.created_at,
        lastLoginAt=c.last_login_at,
        lastActivityAt=last,
        inactiveDays=idle,
        flagged=flagged,
        deactivated=c.deactivated,
        warnings=tuple(warnings),
    )


def list_contacts(session: Session, now: dt.datetime) -> list[ContactOut]:
    """Every contact, the technical contact first, then by name."""
    rows = session.scalars(
        select(SupportContact)
        .join(User, SupportContact.user_id == User.id)
        .order_by((SupportContact.role != "technical"), User.name)
    )
    return [contact_out(c, now) for c in rows]


def active_contacts(session: Session) -> list[tuple[str, str, str]]:
    """(name, username, role) of every active authorized contact."""
    rows = session.execute(
        select(User.name, User.username, SupportContact.role)
        .join(SupportContact, SupportContact.user_id == User.id)
        .where(SupportContact.deactivated.is_(False))
        .order_by((SupportContact.role != "technical"), User.name)
    )
    return [tuple(r) for r in rows]


def candidate_users(session: Session) -> list[tuple[str, str]]:
    """(username, name) of the active users who are not authorized contacts yet."""
    taken = select(SupportContact.user_id)
    rows = session.execute(
        select(User.username, User.name)
        .where(User.active.is_(True), User.id.not_in(taken))
        .order_by(User.name)
    )
    return [(u, n) for u, n in rows]


def contacts_line(session: Session) -> str:
    """Who the district's authorized contacts are, for anyone who is not one (R-SUP-2)."""
    people = active_contacts(session)
    if not people:
        return "The district has no authorized contacts yet; ask your Campus administrator."
    names = "; ".join(f"{n} ({u}, {r})" for n, u, r in people)
    return f"Your district's authorized contacts: {names}."


def staffing_warning(session: Session) -> str | None:
    """R-SUP-1: a warning while the district has fewer than 2 active support + 1 technical."""
    counts = dict(
        session.execute(
            select(SupportContact.role, func.count())
            .where(SupportContact.deactivated.is_(False))
            .group_by(SupportContact.role)
        ).all()
    )
    support, technical = counts.get("support", 0), counts.get("technical", 0)
    if support >= RECOMMENDED_SUPPORT and technical >= RECOMMENDED_TECHNICAL:
        return None
    have = f"{support} active support contact{'s' if support != 1 else ''}"
    have += " and a technical contact" if technical else " and no technical contact"
    return (
        f"The district has {have}; Infinite Campus recommends three authorized contacts: "
        "two support contacts and one technical contact."
    )


def access(session: Session, username: str) -> AccessOut:
    """What ``username`` may do here: act as a contact, reply as Campus Support, or neither."""
    user = session.scalar(select(User).where(User.username == username))
    c = contact_of(session, username) if user is not None else None
    can_act = c is not None and not c.deactivated and user is not None and user.active
    reason = None
    if not can_act:
        if c is not None and c.deactivated:
            why = "Your authorized contact account is deactivated (no activity for 180 days)."
        else:
            why = "Only the district's authorized contacts can submit, comment on, close or reopen cases."
        reason = f"{why} {contacts_line(session)}"
    return AccessOut(
        username=username,
        name=user.name if user is not None else username,
        isContact=c is not None,
        role=c.role if c is not None else None,
        canAct=can_act,
        isTechnical=can_act and c.role == "technical",
        isSupportStaff=is_support_staff(user),
        reason=reason,
        isUserAdmin=user is not None and user.active and rights.USER_ADMIN in user.right_names,
        contacts=tuple(f"{n} ({u}, {r})" for n, u, r in active_contacts(session)),
    )


def require_contact(session: Session, username: str) -> tuple[User, SupportContact]:
    """R-SUP-2 / R-SUP-4: the active authorized contact ``username``, or Forbidden naming the
    district's authorized contacts."""
    who = access(session, username)
    if not who.canAct:
        raise Forbidden(who.reason or "not an authorized contact")
    c = contact_of(session, username)
    assert c is not None
    return c.user, c


def touch(c: SupportContact | None, now: dt.datetime) -> None:
    """Case activity of a contact: restarts its R-SUP-4 inactivity clock."""
    if c is not None:
        now = utc(now)
        last = c.last_case_activity_at
        c.last_case_activity_at = now if last is None or now > last else last


def record_login(session: Session, username: str, now: dt.datetime) -> ContactOut | None:
    """A login (the TUI starting as this user) restarts the R-SUP-4 clock; None for non-contacts."""
    c = contact_of(session, username)
    if c is None:
        return None
    c.last_login_at = utc(now)
    session.flush()
    return contact_out(c, now)


def _require_admin(session: Session, actor: str) -> None:
    user = get_user(session, actor)
    if rights.USER_ADMIN not in user.right_names:
        raise Forbidden(
            "managing authorized contacts needs the User accounts and tool rights right"
        )


def _check_role(session: Session, role: str, *, keep: SupportContact | None = None) -> None:
    if role not in ROLES:
        raise RuleViolation([FieldError("role", "must be support or technical", "R-SUP-1")])
    if role == "technical":
        other = session.scalar(select(SupportContact).where(SupportContact.role == "technical"))
        if other is not None and other is not keep:
            raise RuleViolation(
                [
                    FieldError(
                        "role",
                        f"the district already has a technical contact ({other.user.name}); "
                        "a district may designate only one",
                        "R-SUP-1",
                    )
                ]
            )


def _contact(session: Session, username: str) -> SupportContact:
    c = contact_of(session, username)
    if c is None:
        raise NotFound(f"{username!r} is not an authorized contact")
    return c


def add_contact(
    session: Session,
    username: str,
    role: str,
    now: dt.datetime,
    *,
    actor: str,
    intro_to_support: bool = False,
    campus_fundamentals: bool = False,
) -> ContactOut:
    """Name ``username`` an authorized contact (R-SUP-1) with its training so far (R-SUP-7)."""
    _require_admin(session, actor)
    user = get_user(session, username)
    if not user.active:
        raise RuleViolation([FieldError("username", "the user account is not active", "R-SUP-1")])
    if contact_of(session, username) is not None:
        raise Conflict(f"{user.name} is already an authorized contact")
    _check_role(session, role)
    now = utc(now)
    c = SupportContact(
        user=user,
        role=role,
        created_at=now,
        intro_to_support_on=now if intro_to_support else None,
        campus_fundamentals_on=now if campus_fundamentals else None,
        deactivated=False,
    )
    session.add(c)
    session.flush()
    return contact_out(c, now)


def remove_contact(session: Session, username: str, now: dt.datetime, *, actor: str) -> None:
    """The user stops being an authorized contact; its cases keep their history."""
    _require_admin(session, actor)
    session.delete(_contact(session, username))
    session.flush()


def set_role(
    session: Session, username: str, role: str, now: dt.datetime, *, actor: str
) -> ContactOut:
    _require_admin(session, actor)
    c = _contact(session, username)
    _check_role(session, role, keep=c)
    c.role = role
    session.flush()
    return contact_out(c, now)


def set_training(
    session: Session,
    username: str,
    now: dt.datetime,
    *,
    actor: str,
    intro_to_support: bool | None = None,
    campus_fundamentals: bool | None = None,
) -> ContactOut:
    """R-SUP-7: record (True) or clear (False) a training; None leaves it as it is."""
    _require_admin(session, actor)
    c = _contact(session, username)
    when = utc(now)
    if intro_to_support is not None:
        c.intro_to_support_on = (c.intro_to_support_on or when) if intro_to_support else None
    if campus_fundamentals is not None:
        c.campus_fundamentals_on = (
            (c.campus_fundamentals_on or when) if campus_fundamentals else None
        )
    session.flush()
    return contact_out(c, now)


def deactivate_contact(
    session: Session, username: str, now: dt.datetime, *, actor: str
) -> ContactOut:
    """R-SUP-4: a deactivated contact cannot act until reactivated."""
    _require_admin(session, actor)
    c = _contact(session, username)
    if not c.deactivated:
        c.deactivated = True
        c.deactivated_at = utc(now)
    session.flush()
    return contact_out(c, now)


def reactivate_contact(
    session: Session, username: str, now: dt.datetime, *, actor: str
) -> ContactOut:
    """Lift a deactivation or an inactivity flag; the 180-day clock restarts now."""
    _require_admin(session, actor)
    c = _contact(session, username)
    c.deactivated = False
    c.deactivated_at = None
    c.reactivated_at = utc(now)
    session.flush()
    return contact_out(c, now)
