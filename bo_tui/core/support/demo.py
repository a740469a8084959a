"""Support data of the demo district (SPEC section 9): the OS login as the authorized technical
contact, two support contacts (R-SUP-1), and cases in several statuses with conversations."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from ...store.models import User
from ...store.models.support import SupportCase, SupportContact
from . import cases, contacts, requests
from .clock import utc
from .schemas import (
    ASSIGNED,
    ASSIGNED_TO_DEVELOPMENT,
    COMPLETED,
    PENDING_INPUT,
    PENDING_VERIFICATION,
    REQ_SCHEDULED,
    SANDBOX_REFRESH,
    SCHEDULED,
    VERSION_UPDATE,
)

SUPPORT_USER = "icsupport"  # the reference data's Campus Support account

# (subject, area, priority, days ago opened, description, steps, [(days ago, side, text)], end status)
_CASES = [
    (
        "API token request fails with invalid_client after secret rotation",
        "Business Office Integration",
        "High",
        95,
        "After Generate New Secret our HR system gets invalid_client on every token request.",
        "1. Generate New Secret in BO API Credentials\n2. Update the HR system\n3. Request a token",
        [
            (
                94,
                "support",
                "The HR system still sends the old secret. Please update it and retry.",
            ),
            (93, "district", "Updated the secret in the HR system; tokens work again. Thank you."),
        ],
        "close:92",
    ),
    (
        "Add Varsity Football Coach as a title for coaching stipends",
        "Human Resources",
        "Low",
        20,
        "We need the title code AB12CD34 available for assignment.",
        "",
        [
            (
                18,
                "support",
                "The HR system may create unknown title codes itself (with titleDescription).",
            ),
            (12, "district", "Confirmed, the next sync created it."),
        ],
        "close:10",
    ),
    (
        "Duplicate staff numbers listed twice in Check Campus Data",
        "Business Office Integration",
        "Medium",
        14,
        "Check Campus Data lists staff number 004512 for two persons; one is a former student.",
        "1. Run Check Campus Data\n2. Look at 'Duplicate staff numbers'",
        [
            (
                13,
                "support",
                "One of the two persons is a student record; use Combine Person with the "
                "staff member as the base person.",
            ),
            (6, "district", "Combined them; verifying with the next sync."),
        ],
        PENDING_VERIFICATION,
    ),
    (
        "Staff household address overwritten on a shared student household",
        "Census",
        "High",
        9,
        "A staff update changed the address of a household that also holds two students.",
        "1. Commit the sync of 11/02\n2. Open household 'Garcia' in Census",
        [
            (
                8,
                "support",
                "Reproduced on the sandbox; this is a defect in the household matching.",
            ),
            (7, "district", "Thanks. Should we turn off household updates in the meantime?"),
            (
                7,
                "support",
                "Yes: set 'Allow household and address updates' off until the fix ships.",
            ),
        ],
        ASSIGNED_TO_DEVELOPMENT,
    ),
    (
        "Validation report shows address differences for identical addresses",
        "Business Office Integration",
        "Medium",
        5,
        "Addresses such as '4321 North Lexington Avenue' show as different from '4321 N Lexington Ave'.",
        "1. Transfer the HR file\n2. Validate\n3. Open Address Differences",
        [(4, "support", "Could you attach the HR export for two of the affected staff members?")],
        PENDING_INPUT,
    ),
    (
        "Coordinate the summer Campus version update window",
        "Technical / Server",
        "Medium",
        4,
        "We would like the update after the last day of school, before July 1.",
        "",
        [
            (
                3,
                "support",
                "Scheduled for June 14 at 6:00 PM; the site will be down about 30 minutes.",
            )
        ],
        SCHEDULED,
    ),
    (
        "HR sync commit job stays in 'committing' after a server restart",
        "Business Office Integration",
        "Critical",
        0,
        "The commit job did not finish after our server was restarted during the run.",
        "1. Submit Commit Job\n2. Restart the server while it runs\n3. Open the sync status",
        [],
        None,
    ),
]


def _business_days_ago(now: dt.datetime, days: int) -> dt.datetime:
    out = now
    for _ in range(days):
        out -= dt.timedelta(days=1)
        while out.weekday() >= 5:
            out -= dt.timedelta(days=1)
    return out


def seed_demo(session: Session, login: str, now: dt.datetime) -> None:
    """Make ``login`` the technical contact (training done), "mpostma" and "hrclerk" support
    contacts, and write a few realistic cases and update requests. A no-op when the support
    area already holds data, so a second demo build leaves it alone."""
    if session.scalar(select(SupportContact.id)) or session.scalar(select(SupportCase.id)):
        return
    now = utc(now)

    def ago(days: float, hours: float = 0) -> dt.datetime:
        return now - dt.timedelta(days=days, hours=hours)

    add = contacts.add_contact
    add(
        session,
        login,
        "technical",
        ago(400),
        actor=login,
        intro_to_support=True,
        campus_fundamentals=True,
    )
    add(
        session,
        "mpostma",
        "support",
        ago(400),
        actor=login,
        intro_to_support=True,
        campus_fundamentals=True,
    )
    add(session, "hrclerk", "support", ago(300), actor=login, intro_to_support=True)
    has_icsupport = session.scalar(select(User.id).where(User.username == SUPPORT_USER)) is not None
    replier = SUPPORT_USER if has_icsupport else login

    for i, (subject, area, prio, days, desc, steps, convo, end) in enumerate(_CASES):
        who = login if i % 2 == 0 else "mpostma"
        opened = ago(days, hours=3)
        data = {
            "subject": subject,
            "productArea": area,
            "priority": prio,
            "description": desc,
            "replicationSteps": steps,
            "emergency": prio == "Critical",
        }
        number = cases.open_case(session, data, opened, actor=who).row.number
        if convo:
            cases.change_status(
                session, number, ASSIGNED, opened + dt.timedelta(hours=1), actor=replier
            )
        for d, side, text in convo:
            if side == "support":
                cases.add_message(session, number, text, ago(d), actor=replier, as_support=True)
            else:
                cases.add_message(session, number, text, ago(d), actor=who)
        if end is None:
            continue
        if end.startswith("close:"):
            cases.close_case(session, number, ago(int(end.split(":")[1])), actor=who)
        elif end == PENDING_INPUT:
            # Two business days into the R-SUP-8 wait: the first follow-up is not due yet.
            cases.change_status(session, number, end, _business_days_ago(now, 2), actor=replier)
        else:
            latest = min(d for d, _s, _t in convo)
            cases.change_status(session, number, end, ago(latest, hours=-1), actor=replier)

    # Logins: hrclerk has been quiet for 200 days, so the screen shows the R-SUP-4 flag.
    for username, last_login in ((login, now), ("mpostma", ago(2)), ("hrclerk", ago(200))):
        c = contacts.contact_of(session, username)
        if c is not None:
            c.last_login_at = last_login

    done = requests.request_update(
        session,
        SANDBOX_REFRESH,
        ago(45),
        actor=login,
        details="Refresh the sandbox from production before summer training.",
    )
    requests.set_request_status(
        session, done.id, REQ_SCHEDULED, ago(44), actor=replier, scheduled_for=ago(40)
    )
    requests.set_request_status(session, done.id, COMPLETED, ago(40), actor=replier)
    if requests.can_request_version_update(session):
        requests.request_update(
            session,
            VERSION_UPDATE,
            ago(2),
            actor=login,
            target_version="Campus.2535",
            details="After the last day of school, please.",
            preferred_date=(now + dt.timedelta(days=20)).date(),
        )
    session.flush()
