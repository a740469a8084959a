"""Time helpers of the support area: every service takes an injected ``now`` (tests never
sleep); rows hold naive UTC; business days skip Saturday and Sunday (R-SUP-8 follow-ups)."""

from __future__ import annotations

import datetime as dt


def utc(now: dt.datetime) -> dt.datetime:
    """``now`` as naive UTC, the form every support row stores."""
    if now.tzinfo is not None:
        return now.astimezone(dt.UTC).replace(tzinfo=None)
    return now


def system_now() -> dt.datetime:
    """The default clock of the adapters; the core itself never reads the wall clock."""
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def add_business_days(start: dt.datetime, days: int) -> dt.datetime:
    """``start`` moved forward ``days`` business days (Mon–Fri), keeping the time of day."""
    out = start
    for _ in range(days):
        out += dt.timedelta(days=1)
        while out.weekday() >= 5:
            out += dt.timedelta(days=1)
    return out
