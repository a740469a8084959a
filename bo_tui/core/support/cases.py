"""Support cases: opening (R-SUP-2, with the emergency exception of R-SUP-3), the conversation
and status changes (R-SUP-5), closing and reopening within 60 days (R-SUP-8), and the case list."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session, aliased

from ...store.models import User
from ...store.models.support import SupportCase, SupportCaseMessage
from ..errors import Conflict, FieldError, Forbidden, NotFound, RuleViolation
from . import contacts
from .clock import utc
from .schemas import (
    ASSIGNED,
    CLOSED,
    NEW,
    PENDING_INPUT,
    SORTS,
    STATUSES,
    CaseDetail,
    CaseFilter,
    CaseIn,
    CaseRow,
    MessageOut,
    parse_case,
)

REOPEN_DAYS = 60  # R-SUP-8
_FIRST_NUMBER = 1_000_000


def _case(session: Session, number: str) -> SupportCase:
    case = session.scalar(select(SupportCase).where(SupportCase.number == number))
    if case is None:
        raise NotFound(f"no support case {number}")
    return case


def _guard_exception(case: SupportCase) -> None:
    """R-SUP-3: nothing happens on an exception case until an authorized contact owns it."""
    if case.awaiting_transition:
        raise Conflict(
            f"case {case.number} was opened on an emergency exception by a user who is not an "
            "authorized contact: transition it to an authorized contact before any further work"
        )


def _note(
    case: SupportCase, now: dt.datetime, body: str, *, author: User | None, side: str, kind: str
) -> None:
    case.messages.append(
        SupportCaseMessage(
            author_user_id=author.id if author is not None else None,
            author_name=author.name if author is not None else "Campus Support",
            side=side,
            kind=kind,
            body=body,
            created_at=now,
        )
    )
    case.modified_at = now


def _next_number(session: Session) -> str:
    top = session.scalar(select(func.max(SupportCase.id))) or 0
    return f"{_FIRST_NUMBER + top + 1:08d}"


def reopen_until(case: SupportCase) -> dt.datetime | None:
    return case.closed_at + dt.timedelta(days=REOPEN_DAYS) if case.closed_at else None


def _row(case: SupportCase) -> CaseRow:
    return CaseRow(
        number=case.number,
        subject=case.subject,
        status=case.status,
        priority=case.priority,
        productArea=case.product_area,
        contact=case.contact.name if case.contact is not None else None,
        emergency=case.emergency,
        exception=case.exception,
        awaitingTransition=case.awaiting_transition,
        createdAt=case.created_at,
        modifiedAt=case.modified_at,
        closedAt=case.closed_at,
    )


def detail(case: SupportCase) -> CaseDetail:
    return CaseDetail(
        row=_row(case),
        description=case.description,
        replicationSteps=case.replication_steps,
        openedBy=case.opened_by.name if case.opened_by is not None else None,
        followUpsSent=case.follow_ups_sent,
        pendingSince=case.pending_since,
        reopenUntil=reopen_until(case),
        messages=tuple(
            MessageOut(
                author=m.author_name, side=m.side, kind=m.kind, body=m.body, createdAt=m.created_at
            )
            for m in case.messages
        ),
    )


def open_case(
    session: Session, data: CaseIn | dict, now: dt.datetime, *, actor: str, exception: bool = False
) -> CaseDetail:
    """R-SUP-2: an active authorized contact opens a case. R-SUP-3: anyone else only on an
    emergency exception, and the case then waits for an authorized contact to take it over."""
    payload = parse_case(data)
    now = utc(now)
    who = contacts.access(session, actor)
    if who.canAct:
        user, contact = contacts.require_contact(session, actor)
        contacts.touch(contact, now)
        exception = False
    elif exception:
        user = contacts.get_user(session, actor)
        if not payload.emergency:
            raise RuleViolation(
                [
                    FieldError(
                        "emergency",
                        "only an emergency may be opened on an exception basis",
                        "R-SUP-3",
                    )
                ]
            )
    else:
        raise Forbidden(who.reason or "not an authorized contact")
    case = SupportCase(
        number=_next_number(session),
        subject=payload.subject,
        product_area=payload.productArea,
        priority=payload.priority,
        description=payload.description,
        replication_steps=payload.replicationSteps,
        emergency=payload.emergency,
        exception=exception,
        awaiting_transition=exception,
        status=NEW,
        contact=None if exception else user,
        opened_by=user,
        created_at=now,
        modified_at=now,
        follow_ups_sent=0,
    )
    session.add(case)
    if exception:
        _note(
            case,
            now,
            f"Opened on an emergency exception by {user.name}, who is not an authorized contact; "
            "the case must be transitioned to an authorized contact before any further work.",
            author=user,
            side="system",
            kind="exception",
        )
    session.flush()
    return detail(case)


def add_message(
    session: Session,
    number: str,
    body: str,
    now: dt.datetime,
    *,
    actor: str,
    as_support: bool = False,
) -> CaseDetail:
    """A district message from an authorized contact, or (``as_support``) a Campus Support reply
    from a user with the Support Staff right. A district reply ends a wait for customer input."""
    case = _case(session, number)
    _guard_exception(case)
    now = utc(now)
    if as_support:
        user = contacts.get_user(session, actor)
        if not contacts.is_support_staff(user):
            raise Forbidden("only Campus Support staff reply as Campus Support")
        contact = None
    else:
        user, contact = contacts.require_contact(session, actor)
    text = (body or "").strip()
    if not text:
        raise RuleViolation([FieldError("body", "must not be empty", "R-SUP-5")])
    if case.status == CLOSED:
        raise Conflict(f"case {number} is closed: reopen it with added details, or open a new case")
    contacts.touch(contact, now)
    _note(
        case, now, text, author=user, side="support" if as_support else "district", kind="message"
    )
    if not as_support and case.status == PENDING_INPUT:
        # The customer answered: the ball is back with Campus Support, follow-ups stop (R-SUP-8).
        case.status = ASSIGNED
        case.pending_since = None
        case.follow_ups_sent = 0
    session.flush()
    return detail(case)


def change_status(
    session: Session, number: str, status: str, now: dt.datetime, *, actor: str
) -> CaseDetail:
    """Campus Support moves a case through the statuses of R-SUP-5. Entering Pending Customer
    Input starts the follow-up clock of R-SUP-8."""
    if status not in STATUSES:
        raise RuleViolation(
            [FieldError("status", "must be one of: " + ", ".join(STATUSES), "R-SUP-5")]
        )
    case = _case(session, number)
    _guard_exception(case)
    user = contacts.get_user(session, actor)
    if not contacts.is_support_staff(user):
        raise Forbidden(
            "only Campus Support changes a case's status; an authorized contact closes or reopens it"
        )
    if case.status == CLOSED and status != CLOSED:
        raise Conflict(
            f"case {number} is closed: an authorized contact reopens it with added details"
        )
    if status == case.status:
        return detail(case)
    now = utc(now)
    old = case.status
    case.status = status
    case.pending_since = now if status == PENDING_INPUT else None
    case.follow_ups_sent = 0
    if status == CLOSED:
        case.closed_at = now
    _note(
        case,
        now,
        f"Status changed from {old} to {status}.",
        author=user,
        side="system",
        kind="status",
    )
    session.flush()
    return detail(case)


def close_case(
    session: Session, number: str, now: dt.datetime, *, actor: str, note: str = ""
) -> CaseDetail:
    """R-SUP-8: the contact closes a resolved case (R-SUP-2: contacts only)."""
    case = _case(session, number)
    _guard_exception(case)
    user, contact = contacts.require_contact(session, actor)
    if case.status == CLOSED:
        raise Conflict(f"case {number} is already closed")
    now = utc(now)
    contacts.touch(contact, now)
    if note.strip():
        _note(case, now, note.strip(), author=user, side="district", kind="message")
    old = case.status
    case.status = CLOSED
    case.closed_at = now
    case.pending_since = None
    case.follow_ups_sent = 0
    _note(
        case, now, f"Closed by {user.name} (was {old}).", author=user, side="system", kind="close"
    )
    session.flush()
    return detail(case)


def reopen_case(
    session: Session, number: str, details: str, now: dt.datetime, *, actor: str
) -> CaseDetail:
    """R-SUP-8: a closed case reopens within 60 days of closing, with added details; later, a
    new case must be opened."""
    case = _case(session, number)
    _guard_exception(case)
    user, contact = contacts.require_contact(session, actor)
    if case.status != CLOSED or case.closed_at is None:
        raise Conflict(f"case {number} is not closed")
    text = (details or "").strip()
    if not text:
        raise RuleViolation(
            [FieldError("details", "say what is still wrong to reopen the case", "R-SUP-8")]
        )
    now = utc(now)
    until = reopen_until(case)
    if until is not None and now > until:
        raise RuleViolation(
            [
                FieldError(
                    "closedAt",
                    f"case {number} was closed on {case.closed_at:%Y-%m-%d}, more than {REOPEN_DAYS} "
                    "days ago: open a new case",
                    "R-SUP-8",
                )
            ]
        )
    contacts.touch(contact, now)
    case.status = ASSIGNED
    case.closed_at = None
    _note(case, now, text, author=user, side="district", kind="reopen")
    _note(case, now, f"Reopened by {user.name}.", author=user, side="system", kind="status")
    session.flush()
    return detail(case)


def transition_case(
    session: Session, number: str, to_username: str, now: dt.datetime, *, actor: str
) -> CaseDetail:
    """R-SUP-3: hand an emergency exception case to an authorized contact, after which the
    ordinary rules apply. Campus Support or an authorized contact does it."""
    case = _case(session, number)
    if not case.awaiting_transition:
        raise Conflict(f"case {number} is not waiting for a transition")
    who = contacts.access(session, actor)
    if not (who.canAct or who.isSupportStaff):
        raise Forbidden(who.reason or "not an authorized contact")
    target = contacts.access(session, to_username)
    if not target.canAct:
        raise RuleViolation(
            [
                FieldError(
                    "contact",
                    f"must be an active authorized contact. {contacts.contacts_line(session)}",
                    "R-SUP-3",
                )
            ]
        )
    now = utc(now)
    new_user, new_contact = contacts.require_contact(session, to_username)
    case.contact = new_user
    case.awaiting_transition = False
    if who.canAct:
        contacts.touch(contacts.contact_of(session, actor), now)
    _note(
        case,
        now,
        f"Transitioned to the authorized contact {new_user.name}.",
        author=contacts.get_user(session, actor),
        side="system",
        kind="transition",
    )
    session.flush()
    return detail(case)


def get_case(session: Session, number: str, *, viewer: str) -> CaseDetail:
    """R-SUP-5: every authorized contact sees every district case; so does Campus Support,
    and the opener of an exception case sees it."""
    case = _case(session, number)
    who = contacts.access(session, viewer)
    opener = case.opened_by is not None and case.opened_by.username == viewer
    if not (who.canAct or who.isSupportStaff or (case.exception and opener)):
        raise Forbidden(who.reason or "not an authorized contact")
    return detail(case)


def _condition(col: ColumnElement[str], op: str, value: str) -> ColumnElement[bool]:
    """One case-insensitive condition; LIKE wildcards in ``value`` match literally."""
    col, value = func.lower(col), value.strip().lower()
    if op == "equals":
        return col == value
    if op == "not_equals":
        return col != value
    if op == "starts_with":
        return col.startswith(value, autoescape=True)
    if op == "ends_with":
        return col.endswith(value, autoescape=True)
    if op == "contains":
        return col.contains(value, autoescape=True)
    return ~col.contains(value, autoescape=True)  # not_contains


def _conditions(flt: CaseFilter | None) -> list[ColumnElement[bool]]:
    if flt is None:
        return []
    cols = {
        "number": SupportCase.number,
        "subject": SupportCase.subject,
        "status": SupportCase.status,
    }
    out = [_condition(cols[c.field], c.op, c.value) for c in flt.conditions]
    if flt.open_only:
        out.append(SupportCase.status != CLOSED)
    return out


def count_cases(session: Session, flt: CaseFilter | None = None) -> int:
    return (
        session.scalar(select(func.count()).select_from(SupportCase).where(*_conditions(flt))) or 0
    )


def page_cases(
    session: Session,
    offset: int = 0,
    limit: int = 50,
    flt: CaseFilter | None = None,
    sort: str = "-modified",
) -> list[CaseRow]:
    """One page of the district's cases, last modified first by default (R-SUP-5)."""
    if sort not in SORTS:
        raise RuleViolation([FieldError("sort", "must be one of: " + ", ".join(SORTS), "R-SUP-5")])
    key = {
        "modified": SupportCase.modified_at,
        "created": SupportCase.created_at,
        "number": SupportCase.number,
        "status": SupportCase.status,
        "subject": func.lower(SupportCase.subject),
    }[sort.lstrip("-")]
    order = [key.desc() if sort.startswith("-") else key.asc(), SupportCase.id.desc()]
    contact = aliased(User)
    rows = session.execute(
        select(
            SupportCase.number,
            SupportCase.subject,
            SupportCase.status,
            SupportCase.priority,
            SupportCase.product_area,
            contact.name,
            SupportCase.emergency,
            SupportCase.exception,
            SupportCase.awaiting_transition,
            SupportCase.created_at,
            SupportCase.modified_at,
            SupportCase.closed_at,
        )
        .outerjoin(contact, SupportCase.contact_user_id == contact.id)
        .where(*_conditions(flt))
        .order_by(*order)
        .offset(max(0, offset))
        .limit(max(0, limit))
    )
    return [
        CaseRow(
            number=r[0],
            subject=r[1],
            status=r[2],
            priority=r[3],
            productArea=r[4],
            contact=r[5],
            emergency=r[6],
            exception=r[7],
            awaitingTransition=r[8],
            createdAt=r[9],
            modifiedAt=r[10],
            closedAt=r[11],
        )
        for r in rows
    ]
