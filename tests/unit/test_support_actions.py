"""What a user may do in the support area now, and why not (R-SUP-1 … R-SUP-8 in R-SYNC-13's
shape): the core's actions for a case in each situation, update requests in each status, and
the authorized contacts, for contacts, Campus Support and others."""

from __future__ import annotations

import datetime as dt

import pytest

from bo_tui.core.support import (
    case_actions,
    case_list_actions,
    contact_actions,
    request_actions,
)
from bo_tui.core.support.schemas import (
    AccessOut,
    CaseDetail,
    CaseRow,
    ContactOut,
    RequestOut,
)

NOW = dt.datetime(2026, 9, 1, 9, 30)


def who(*, contact=False, technical=False, support=False, admin=False) -> AccessOut:
    return AccessOut(
        username="u",
        name="U",
        isContact=contact,
        role="technical" if technical else ("support" if contact else None),
        canAct=contact,
        isTechnical=technical,
        isSupportStaff=support,
        reason=None if contact else "Only the district's authorized contacts act on cases.",
        contacts=("Postma, Madison (mpostma, support)",),
        isUserAdmin=admin,
    )


def case(status="Assigned", *, closed_days=None, waiting=False) -> CaseDetail:
    closed_at = NOW - dt.timedelta(days=closed_days) if closed_days is not None else None
    row = CaseRow(
        number="01000001",
        subject="s",
        status=status,
        priority="Medium",
        productArea="Business Office",
        contact="M",
        emergency=waiting,
        exception=waiting,
        awaitingTransition=waiting,
        createdAt=NOW - dt.timedelta(days=100),
        modifiedAt=NOW,
        closedAt=closed_at,
    )
    until = closed_at + dt.timedelta(days=60) if closed_at else None
    return CaseDetail(
        row=row,
        description="d",
        replicationSteps="",
        openedBy="M",
        followUpsSent=0,
        pendingSince=None,
        reopenUntil=until,
        messages=(),
    )


def enabled(actions) -> set[str]:
    return {a.id for a in actions if a.enabled}


def test_R_SUP_2_a_contact_replies_and_closes_an_open_case():
    acts = case_actions(case(), who(contact=True), NOW)
    assert enabled(acts) == {"reply", "close_case"}
    offered = {a.id for a in acts if a.offered}
    assert "reopen" not in offered and "support_reply" not in offered


def test_R_SUP_2_someone_else_is_told_who_the_contacts_are():
    acts = {a.id: a for a in case_actions(case(), who(), NOW)}
    assert not acts["reply"].enabled and "authorized contacts" in acts["reply"].reason


def test_R_SUP_5_campus_support_replies_and_sets_the_status():
    acts = case_actions(case(), who(support=True), NOW)
    assert enabled(acts) == {"support_reply", "status"}


@pytest.mark.parametrize(("days", "may"), [(30, True), (61, False)])
def test_R_SUP_8_a_closed_case_reopens_within_60_days_and_says_so_before(days, may):
    acts = {a.id: a for a in case_actions(case("Closed", closed_days=days), who(contact=True), NOW)}
    assert acts["reopen"].offered and acts["reopen"].enabled is may
    assert not acts["close_case"].offered and not acts["reply"].enabled
    if not may:
        assert "more than 60 days ago: open a new case" in acts["reopen"].reason


def test_R_SUP_3_an_exception_case_waits_for_its_transition():
    acts = {a.id: a for a in case_actions(case(waiting=True), who(contact=True), NOW)}
    assert acts["transition"].offered and acts["transition"].enabled
    for other in ("reply", "close_case"):
        assert not acts[other].enabled and "transition it" in acts[other].reason


@pytest.mark.parametrize(
    ("status", "support_may", "technical_may"),
    [
        (
            "Requested",
            {"schedule_request", "complete_request", "cancel_request"},
            {"cancel_request"},
        ),
        (
            "Scheduled",
            {"schedule_request", "complete_request", "cancel_request"},
            {"cancel_request"},
        ),
        ("Completed", set(), set()),
        ("Cancelled", set(), set()),
    ],
)
def test_R_SUP_6_requests_by_status_and_role(status, support_may, technical_may):
    r = RequestOut(
        id=7,
        kind="sandbox_refresh",
        kindLabel="Sandbox refresh",
        status=status,
        requestedBy="T",
        details="",
        targetVersion=None,
        preferredDate=None,
        scheduledFor=None,
        requestedAt=NOW,
        updatedAt=NOW,
        completedAt=None,
        cancelledAt=None,
    )
    assert enabled(request_actions(who(support=True), r)) - {"new_request"} == support_may
    tech = enabled(request_actions(who(contact=True, technical=True), r))
    assert tech == technical_may | {"new_request"}  # only the technical contact requests


def test_R_SUP_1_contacts_are_managed_by_a_user_administrator():
    c = ContactOut(
        username="m",
        name="M",
        role="support",
        introToSupport=True,
        campusFundamentals=False,
        createdAt=NOW,
        lastLoginAt=None,
        lastActivityAt=NOW,
        inactiveDays=0,
        flagged=False,
        deactivated=False,
    )
    refused = {a.id: a for a in contact_actions(who(contact=True), c)}
    assert not any(a.enabled for a in refused.values())
    assert "User accounts and tool rights" in refused["add_contact"].reason
    allowed = {a.id: a for a in contact_actions(who(admin=True), c)}
    assert enabled(allowed.values()) == {
        "add_contact",
        "edit_contact",
        "remove_contact",
        "deactivate",
    }
    assert not allowed["reactivate"].offered  # active and not flagged: nothing to reactivate


def test_R_SUP_2_the_case_list_for_contacts_and_for_others():
    assert enabled(case_list_actions(who(contact=True), has_cases=True, filtered=False)) == {
        "new_case",
        "open_case",
        "filter",
        "open_only",
        "sort",
    }
    # Anyone may open a case on an emergency exception (R-SUP-3), nothing else.
    assert enabled(case_list_actions(who(), has_cases=True, filtered=True)) == {"new_case"}
