"""Update requests of the technical contact (R-SUP-6): sandbox refresh, and Campus version
update for Campus Cloud Choice districts only, tracked Requested → Scheduled → Completed."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from ...store.models import District
from ...store.models.support import SupportUpdateRequest
from ..errors import Conflict, FieldError, Forbidden, NotFound, RuleViolation
from . import contacts
from .actions import REQUEST_NEXT
from .clock import utc
from .schemas import (
    CANCELLED,
    COMPLETED,
    REQ_SCHEDULED,
    REQUEST_KINDS,
    REQUEST_STATUSES,
    REQUESTED,
    VERSION_UPDATE,
    RequestOut,
)


def _out(r: SupportUpdateRequest) -> RequestOut:
    return RequestOut(
        id=r.id,
        kind=r.kind,
        kindLabel=REQUEST_KINDS.get(r.kind, r.kind),
        status=r.status,
        requestedBy=r.requested_by_name,
        details=r.details,
        targetVersion=r.target_version,
        preferredDate=r.preferred_date,
        scheduledFor=r.scheduled_for,
        requestedAt=r.requested_at,
        updatedAt=r.updated_at,
        completedAt=r.completed_at,
        cancelledAt=r.cancelled_at,
    )


def can_request_version_update(session: Session) -> bool:
    return bool(session.scalar(select(District.cloud_choice)))


def request_update(
    session: Session,
    kind: str,
    now: dt.datetime,
    *,
    actor: str,
    details: str = "",
    target_version: str | None = None,
    preferred_date: dt.date | None = None,
) -> RequestOut:
    """R-SUP-6: only the district's active technical contact requests; one open request per kind,
    so the district never sends duplicates."""
    if kind not in REQUEST_KINDS:
        raise RuleViolation(
            [FieldError("kind", "must be one of: " + ", ".join(REQUEST_KINDS), "R-SUP-6")]
        )
    user, contact = contacts.require_contact(session, actor)
    if contact.role != "technical":
        raise Forbidden(
            f"only the district's authorized technical contact may request a {REQUEST_KINDS[kind].lower()}"
        )
    if kind == VERSION_UPDATE and not can_request_version_update(session):
        raise RuleViolation(
            [
                FieldError(
                    "kind",
                    "Campus version updates can be requested only by Campus Cloud Choice districts",
                    "R-SUP-6",
                )
            ]
        )
    open_one = session.scalar(
        select(SupportUpdateRequest.id).where(
            SupportUpdateRequest.kind == kind,
            SupportUpdateRequest.status.in_((REQUESTED, REQ_SCHEDULED)),
        )
    )
    if open_one is not None:
        raise Conflict(f"a {REQUEST_KINDS[kind].lower()} is already open (request {open_one})")
    now = utc(now)
    contacts.touch(contact, now)
    r = SupportUpdateRequest(
        kind=kind,
        status=REQUESTED,
        requested_by_user_id=user.id,
        requested_by_name=user.name,
        details=(details or "").strip(),
        target_version=(target_version or "").strip() or None,
        preferred_date=preferred_date,
        requested_at=now,
        updated_at=now,
    )
    session.add(r)
    session.flush()
    return _out(r)


def set_request_status(
    session: Session,
    request_id: int,
    status: str,
    now: dt.datetime,
    *,
    actor: str,
    scheduled_for: dt.datetime | None = None,
) -> RequestOut:
    """Campus Managed Services (Support Staff right) schedules and completes a request; the
    technical contact or Campus Support cancels one that is still open."""
    if status not in REQUEST_STATUSES:
        raise RuleViolation(
            [FieldError("status", "must be one of: " + ", ".join(REQUEST_STATUSES), "R-SUP-6")]
        )
    r = session.get(SupportUpdateRequest, request_id)
    if r is None:
        raise NotFound(f"no update request {request_id}")
    who = contacts.access(session, actor)
    if status == CANCELLED:
        if not (who.isTechnical or who.isSupportStaff):
            raise Forbidden(
                "only the technical contact or Campus Support cancels an update request"
            )
    elif not who.isSupportStaff:
        raise Forbidden("only Campus Support schedules or completes an update request")
    if status not in REQUEST_NEXT[r.status]:
        raise Conflict(f"update request {request_id} is {r.status}: it cannot become {status}")
    if status == REQ_SCHEDULED and scheduled_for is None:
        raise RuleViolation(
            [FieldError("scheduledFor", "a scheduled request needs a date and time", "R-SUP-6")]
        )
    now = utc(now)
    r.status = status
    r.updated_at = now
    if status == REQ_SCHEDULED:
        r.scheduled_for = utc(scheduled_for)
    elif status == COMPLETED:
        r.completed_at = now
    elif status == CANCELLED:
        r.cancelled_at = now
    if who.isTechnical:
        contacts.touch(contacts.contact_of(session, actor), now)
    session.flush()
    return _out(r)


def list_requests(session: Session) -> list[RequestOut]:
    """Every update request, newest first (a district makes a handful a year)."""
    rows = session.scalars(
        select(SupportUpdateRequest).order_by(
            SupportUpdateRequest.requested_at.desc(), SupportUpdateRequest.id.desc()
        )
    )
    return [_out(r) for r in rows]
