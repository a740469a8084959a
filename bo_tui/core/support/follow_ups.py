"""R-SUP-8 follow-ups: a case pending customer input gets up to three follow-ups over ten
business days and is closed when no one replies. Run at start-up and on a timer; idempotent."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from ...store.models.support import SupportCase, SupportCaseMessage
from .clock import add_business_days, utc
from .schemas import CLOSED, PENDING_INPUT, FollowUpResult

FOLLOW_UP_DAYS = (3, 6, 9)  # business days after the case entered Pending Customer Input
CLOSE_AFTER_DAYS = 10


def follow_up_schedule(pending_since: dt.datetime) -> tuple[list[dt.datetime], dt.datetime]:
    """When each follow-up is due, and when the case closes without a reply."""
    return (
        [add_business_days(pending_since, d) for d in FOLLOW_UP_DAYS],
        add_business_days(pending_since, CLOSE_AFTER_DAYS),
    )


def _system(case: SupportCase, when: dt.datetime, kind: str, body: str) -> None:
    case.messages.append(
        SupportCaseMessage(
            author_name="Campus Support", side="system", kind=kind, body=body, created_at=when
        )
    )
    case.modified_at = max(case.modified_at, when)


def apply_follow_ups(session: Session, now: dt.datetime) -> FollowUpResult:
    """Write the follow-ups that fell due and close the cases whose ten business days ran out.
    Each note carries the moment it was due, so a late run writes what an on-time run would
    have, and a second run writes nothing."""
    now = utc(now)
    cases = session.scalars(
        select(SupportCase).where(
            SupportCase.status == PENDING_INPUT,
            SupportCase.pending_since.is_not(None),
            SupportCase.awaiting_transition.is_(False),
        )
    )
    written, closed = 0, []
    for case in cases:
        dues, close_at = follow_up_schedule(case.pending_since)
        for i in range(case.follow_ups_sent, len(dues)):
            if dues[i] > now:
                break
            _system(
                case,
                dues[i],
                "follow_up",
                f"Follow-up {i + 1} of {len(dues)}: Campus Support is waiting for your input. "
                f"Without a reply the case closes on {close_at:%Y-%m-%d}.",
            )
            case.follow_ups_sent = i + 1
            written += 1
        if case.follow_ups_sent == len(dues) and close_at <= now:
            _system(
                case,
                close_at,
                "close",
                f"Closed: no reply after {len(dues)} follow-ups over {CLOSE_AFTER_DAYS} business days.",
            )
            case.status = CLOSED
            case.closed_at = close_at
            case.pending_since = None
            closed.append(case.number)
    session.flush()
    return FollowUpResult(followUps=written, closed=tuple(closed))
