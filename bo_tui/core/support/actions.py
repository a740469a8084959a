"""What a user may do now in the support area, and why not (R-SUP-1 … R-SUP-8, R-SYNC-13's
shape): contacts, the case list, one case, update requests. Screens and services draw on it."""

from __future__ import annotations

import datetime as dt

from ..actions import Action
from .clock import utc
from .schemas import (
    CANCELLED,
    CLOSED,
    COMPLETED,
    REQ_SCHEDULED,
    REQUESTED,
    AccessOut,
    CaseDetail,
    ContactOut,
    RequestOut,
)

# Which status an update request may move to from its status (R-SUP-6).
REQUEST_NEXT: dict[str, frozenset[str]] = {
    REQUESTED: frozenset({REQ_SCHEDULED, COMPLETED, CANCELLED}),
    REQ_SCHEDULED: frozenset({REQ_SCHEDULED, COMPLETED, CANCELLED}),
    COMPLETED: frozenset(),
    CANCELLED: frozenset(),
}
NOT_ADMIN = "managing authorized contacts needs the tool right 'User accounts and tool rights'"
NOT_TECHNICAL = "only the district's authorized technical contact requests updates"
NOT_SUPPORT = "only Campus Support does this"


def _act(id_: str, label: str, key: str, reason: str = "", rule: str = "", **kw) -> Action:
    return Action(id=id_, label=label, key=key, enabled=not reason, reason=reason, rule=rule, **kw)


def _first(*reasons: str) -> str:
    return next((r for r in reasons if r), "")


def contact_actions(who: AccessOut | None, contact: ContactOut | None) -> list[Action]:
    """R-SUP-1, R-SUP-4, R-SUP-7: the authorized contacts are managed by a user administrator."""
    admin = "" if who is not None and who.isUserAdmin else NOT_ADMIN
    none = "" if contact is not None else "no contact is selected"
    active = "" if contact is None or not contact.deactivated else f"{contact.name} is deactivated"
    can_reactivate = (
        ""
        if contact is None or contact.deactivated or contact.flagged
        else f"{contact.name} is active and not flagged"
    )
    return [
        _act("add_contact", "Add a contact", "a", admin, "R-SUP-1", forbidden=bool(admin)),
        _act("edit_contact", "Edit the contact", "e", _first(admin, none), "R-SUP-7"),
        _act("remove_contact", "Remove the contact", "d", _first(admin, none), "R-SUP-1"),
        _act(
            "deactivate",
            "Deactivate the contact",
            "x",
            _first(admin, none, active),
            "R-SUP-4",
            offered=contact is None or not contact.deactivated,
        ),
        _act(
            "reactivate",
            "Reactivate the contact",
            "v",
            _first(admin, none, can_reactivate),
            offered=contact is not None and (contact.deactivated or contact.flagged),
        ),
    ]


def _sees_cases(who: AccessOut | None) -> str:
    if who is None:
        return "not a Campus user"
    if who.canAct or who.isSupportStaff:
        return ""
    return who.reason or "only the district's authorized contacts see its cases"


def case_list_actions(who: AccessOut | None, *, has_cases: bool, filtered: bool) -> list[Action]:
    """R-SUP-2, R-SUP-3, R-SUP-5: the list of cases; anyone may open one on an exception."""
    sees = _sees_cases(who)
    return [
        _act("new_case", "New case", "n", "" if who is not None else "not a Campus user"),
        _act("open_case", "Open the case", "o", _first(sees, "" if has_cases else "no case")),
        _act("filter", "Filter cases", "f", sees),
        _act(
            "clear_filter",
            "Clear the filter",
            "c",
            _first(sees, "" if filtered else "no filter is set"),
        ),
        _act("open_only", "Only open cases", "p", sees),
        _act("sort", "Sort cases", "s", sees),
    ]


def case_actions(case: CaseDetail, who: AccessOut, now: dt.datetime) -> list[Action]:
    """R-SUP-2/3/5/8 on one case: contacts reply, close and reopen (within 60 days); Campus
    Support replies and sets the status; an exception case waits for its transition first."""
    row = case.row
    closed = row.status == CLOSED
    waiting = (
        f"case {row.number} was opened on an emergency exception: transition it to an "
        "authorized contact first"
        if row.awaitingTransition
        else ""
    )
    contact = "" if who.canAct else (who.reason or "only authorized contacts act on cases")
    support = "" if who.isSupportStaff else NOT_SUPPORT
    is_closed = f"case {row.number} is closed" if closed else ""
    reopen = ""
    if not closed:
        reopen = f"case {row.number} is not closed"
    elif case.reopenUntil is not None and utc(now) > utc(case.reopenUntil):
        reopen = (
            f"case {row.number} was closed on {row.closedAt:%Y-%m-%d}, more than 60 days ago: "
            "open a new case"
        )
    transition = (
        "" if row.awaitingTransition else f"case {row.number} is not waiting for a transition"
    )
    return [
        _act("reply", "Reply", "r", _first(waiting, contact, is_closed), "R-SUP-2"),
        _act(
            "support_reply",
            "Support reply",
            "a",
            _first(waiting, support, is_closed),
            offered=who.isSupportStaff,
        ),
        _act(
            "status",
            "Set the status",
            "s",
            _first(waiting, support),
            "R-SUP-5",
            offered=who.isSupportStaff,
        ),
        _act(
            "close_case",
            "Close the case",
            "c",
            _first(waiting, contact, is_closed),
            "R-SUP-8",
            offered=not closed,
        ),
        _act(
            "reopen",
            "Reopen the case",
            "o",
            _first(waiting, contact, reopen),
            "R-SUP-8",
            offered=closed,
        ),
        _act(
            "transition",
            "Transition to a contact",
            "t",
            _first(transition, "" if (who.canAct or who.isSupportStaff) else contact),
            "R-SUP-3",
            offered=row.awaitingTransition,
        ),
    ]


def request_actions(who: AccessOut | None, request: RequestOut | None) -> list[Action]:
    """R-SUP-6: the technical contact requests; Campus Support schedules and completes; either
    of them cancels an open request."""
    technical = "" if who is not None and who.isTechnical else NOT_TECHNICAL
    support = "" if who is not None and who.isSupportStaff else NOT_SUPPORT
    canceller = (
        ""
        if who is not None and (who.isTechnical or who.isSupportStaff)
        else "only the technical contact or Campus Support cancels an update request"
    )

    def moves(to: str) -> str:
        if request is None:
            return "no update request is selected"
        if to in REQUEST_NEXT.get(request.status, frozenset()):
            return ""
        return f"update request {request.id} is {request.status}"

    return [
        _act("new_request", "New update request", "n", technical, "R-SUP-6"),
        _act(
            "schedule_request",
            "Schedule the request",
            "h",
            _first(support, moves(REQ_SCHEDULED)),
            "R-SUP-6",
        ),
        _act(
            "complete_request",
            "Complete the request",
            "m",
            _first(support, moves(COMPLETED)),
            "R-SUP-6",
        ),
        _act(
            "cancel_request",
            "Cancel the request",
            "x",
            _first(canceller, moves(CANCELLED)),
            "R-SUP-6",
        ),
    ]
