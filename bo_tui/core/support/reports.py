"""Case reports of R-SUP-5: cases by status, open cases by age bucket, cases by contact;
each one GROUP BY in the database."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from ...store.models import User
from ...store.models.support import SupportCase
from .clock import utc
from .schemas import CLOSED, STATUSES, CountRow, SupportReport

# (label, lowest age in days, highest age in days or None)
AGE_BUCKETS = (
    ("0-7 days", 0, 7),
    ("8-30 days", 8, 30),
    ("31-90 days", 31, 90),
    ("91+ days", 91, None),
)


def report(session: Session, now: dt.datetime) -> SupportReport:
    now = utc(now)
    is_open = case((SupportCase.status != CLOSED, 1), else_=0)
    by_status = dict(
        session.execute(select(SupportCase.status, func.count()).group_by(SupportCase.status)).all()
    )
    status_rows = [
        CountRow(label=s, count=by_status.get(s, 0), open=0 if s == CLOSED else by_status.get(s, 0))
        for s in STATUSES
    ]
    # Age in whole days: created after (now - (hi+1) days) means age <= hi.
    whens = [
        (SupportCase.created_at > now - dt.timedelta(days=hi + 1), label)
        for label, _lo, hi in AGE_BUCKETS
        if hi is not None
    ]
    bucket = case(*whens, else_=AGE_BUCKETS[-1][0])
    by_age = dict(
        session.execute(
            select(bucket, func.count()).where(SupportCase.status != CLOSED).group_by(bucket)
        ).all()
    )
    age_rows = [
        CountRow(label=label, count=by_age.get(label, 0), open=by_age.get(label, 0))
        for label, _l, _h in AGE_BUCKETS
    ]
    contact_rows = [
        CountRow(label=name or "(awaiting transition)", count=total, open=int(open_ or 0))
        for name, total, open_ in session.execute(
            select(User.name, func.count(SupportCase.id), func.sum(is_open))
            .select_from(SupportCase)
            .outerjoin(User, SupportCase.contact_user_id == User.id)
            .group_by(User.id, User.name)
            .order_by(func.count(SupportCase.id).desc(), User.name)
        )
    ]
    return SupportReport(
        asOf=now,
        total=sum(by_status.values()),
        byStatus=tuple(status_rows),
        byAge=tuple(age_rows),
        byContact=tuple(contact_rows),
    )
