"""Support area of SPEC section 8: one test (at least) per rule R-SUP-1 … R-SUP-8, on an
injected clock (no test sleeps)."""

from __future__ import annotations

import datetime as dt

import pytest

from bo_tui.core import support as sp
from bo_tui.core.demo import load_reference
from bo_tui.core.errors import Conflict, Forbidden, RuleViolation
from bo_tui.core.users import os_login
from bo_tui.store.models import District

LOGIN = os_login()
T0 = dt.datetime(2026, 3, 2, 9, 0)  # a Monday
CASE = {
    "subject": "Commit job stuck",
    "productArea": "Business Office Integration",
    "priority": "High",
    "description": "The commit job never finishes.",
    "replicationSteps": "1. Submit Commit Job",
}


@pytest.fixture
def district(ref_store):
    """The OS login as technical contact, mpostma and hrclerk as support contacts, at T0."""
    with ref_store.transaction() as s:
        sp.add_contact(s, LOGIN, "technical", T0, actor=LOGIN, intro_to_support=True)
        sp.add_contact(s, "mpostma", "support", T0, actor=LOGIN, intro_to_support=True)
        sp.add_contact(s, "hrclerk", "support", T0, actor=LOGIN, intro_to_support=True)
    return ref_store


def _open(store, actor=LOGIN, when=T0, **over):
    with store.transaction() as s:
        return sp.open_case(s, {**CASE, **over}, when, actor=actor).row.number


def test_R_SUP_1_at_most_one_technical_contact_and_staffing_warning(ref_store):
    with ref_store.transaction() as s:
        assert "no technical contact" in sp.staffing_warning(s)
        sp.add_contact(s, LOGIN, "technical", T0, actor=LOGIN)
        with pytest.raises(RuleViolation) as exc:
            sp.add_contact(s, "mpostma", "technical", T0, actor=LOGIN)
        assert exc.value.errors[0].field == "role"
        assert exc.value.errors[0].rule == "R-SUP-1"
        with pytest.raises(RuleViolation) as exc:
            sp.add_contact(s, "mpostma", "manager", T0, actor=LOGIN)
        assert exc.value.errors[0].field == "role"
        sp.add_contact(s, "mpostma", "support", T0, actor=LOGIN)
        with pytest.raises(RuleViolation) as exc:
            sp.set_role(s, "mpostma", "technical", T0, actor=LOGIN)
        assert exc.value.errors[0].field == "role"
        with pytest.raises(Conflict):
            sp.add_contact(s, "mpostma", "support", T0, actor=LOGIN)
        assert "1 active support contact" in sp.staffing_warning(s)
        sp.add_contact(s, "hrclerk", "support", T0, actor=LOGIN)
        assert sp.staffing_warning(s) is None
        # A deactivated contact does not count towards the recommended three.
        sp.deactivate_contact(s, "hrclerk", T0, actor=LOGIN)
        assert sp.staffing_warning(s) is not None
        # Managing contacts needs the user-administration right.
        with pytest.raises(Forbidden):
            sp.add_contact(s, "assign", "support", T0, actor="mpostma")
        sp.remove_contact(s, LOGIN, T0, actor=LOGIN)
        sp.add_contact(s, "assign", "technical", T0, actor=LOGIN)
        roles = {c.username: c.role for c in sp.list_contacts(s, T0)}
        assert roles == {"assign": "technical", "mpostma": "support", "hrclerk": "support"}


def test_R_SUP_2_only_active_authorized_contacts_act_others_see_who(district):
    with district.transaction() as s:
        with pytest.raises(Forbidden) as exc:
            sp.open_case(s, CASE, T0, actor="teacher")
        for name in ("Postma, Madison", "Ruiz, Dana", "mpostma", "hrclerk"):
            assert name in exc.value.message
        assert sp.access(s, "teacher").canAct is False
    number = _open(district)
    with district.transaction() as s:
        for act in (
            lambda: sp.add_message(s, number, "me too", T0, actor="teacher"),
            lambda: sp.close_case(s, number, T0, actor="teacher"),
            lambda: sp.get_case(s, number, viewer="teacher"),
        ):
            with pytest.raises(Forbidden) as exc:
                act()
            assert "Postma, Madison" in exc.value.message
        # Every authorized contact sees and works on every district case (R-SUP-5).
        assert sp.get_case(s, number, viewer="hrclerk").row.number == number
        sp.add_message(s, number, "Seen at Lakeside too.", T0, actor="mpostma")
        sp.close_case(s, number, T0, actor="hrclerk")
        with pytest.raises(Forbidden):
            sp.reopen_case(s, number, "still broken", T0, actor="teacher")


def test_R_SUP_3_emergency_exception_case_waits_for_a_transition(district):
    with district.transaction() as s:
        with pytest.raises(RuleViolation) as exc:
            sp.open_case(s, CASE, T0, actor="teacher", exception=True)
        assert exc.value.errors[0].field == "emergency"
        case = sp.open_case(s, {**CASE, "emergency": True}, T0, actor="teacher", exception=True)
    number = case.row.number
    assert case.row.exception and case.row.awaitingTransition and case.row.contact is None
    with district.transaction() as s:
        for act in (
            lambda: sp.add_message(s, number, "on it", T0, actor="mpostma"),
            lambda: sp.add_message(s, number, "hi", T0, actor="icsupport", as_support=True),
            lambda: sp.change_status(s, number, "Assigned", T0, actor="icsupport"),
            lambda: sp.close_case(s, number, T0, actor=LOGIN),
        ):
            with pytest.raises(Conflict) as exc:
                act()
            assert "transition" in exc.value.message
        with pytest.raises(RuleViolation) as exc:
            sp.transition_case(s, number, "teacher", T0, actor="icsupport")
        assert exc.value.errors[0].field == "contact"
        with pytest.raises(Forbidden):
            sp.transition_case(s, number, "mpostma", T0, actor="teacher")
        after = sp.transition_case(s, number, "mpostma", T0, actor="icsupport")
        assert after.row.contact == "Postma, Madison" and not after.row.awaitingTransition
        sp.add_message(s, number, "I have it now.", T0, actor="mpostma")
        with pytest.raises(Forbidden):
            sp.add_message(s, number, "and me?", T0, actor="teacher")
        with pytest.raises(Conflict):
            sp.transition_case(s, number, "hrclerk", T0, actor="icsupport")


def test_R_SUP_4_inactivity_flag_after_180_days_and_deactivated_cannot_act(district):
    day = dt.timedelta(days=1)
    with district.transaction() as s:
        assert not _contact(s, "hrclerk", T0 + 179 * day).flagged
        flagged = _contact(s, "hrclerk", T0 + 180 * day)
        assert flagged.flagged and flagged.inactiveDays == 180
        # A login restarts the clock …
        sp.record_login(s, "hrclerk", T0 + 100 * day)
        assert not _contact(s, "hrclerk", T0 + 279 * day).flagged
        assert _contact(s, "hrclerk", T0 + 280 * day).flagged
        assert sp.record_login(s, "teacher", T0) is None
    # … and so does case activity.
    number = _open(district, actor="mpostma", when=T0 + 150 * day)
    with district.transaction() as s:
        sp.add_message(s, number, "more", T0 + 170 * day, actor="mpostma")
        assert not _contact(s, "mpostma", T0 + 349 * day).flagged
        assert _contact(s, "mpostma", T0 + 350 * day).flagged
        sp.deactivate_contact(s, "hrclerk", T0 + 200 * day, actor=LOGIN)
        out = _contact(s, "hrclerk", T0 + 200 * day)
        assert out.deactivated and not out.flagged
        with pytest.raises(Forbidden) as exc:
            sp.add_message(s, number, "hello", T0 + 200 * day, actor="hrclerk")
        assert "deactivated" in exc.value.message
        with pytest.raises(Forbidden):
            sp.open_case(s, CASE, T0 + 200 * day, actor="hrclerk")
        sp.reactivate_contact(s, "hrclerk", T0 + 201 * day, actor=LOGIN)
        assert not _contact(s, "hrclerk", T0 + 201 * day).flagged
        sp.add_message(s, number, "back", T0 + 201 * day, actor="hrclerk")


def _contact(s, username, now):
    return next(c for c in sp.list_contacts(s, now) if c.username == username)


def test_R_SUP_5_case_record_statuses_and_conversation(district):
    number = _open(district, emergency=True)
    with district.transaction() as s:
        d = sp.get_case(s, number, viewer=LOGIN)
        assert (d.row.subject, d.row.productArea, d.row.priority, d.row.status) == (
            "Commit job stuck",
            "Business Office Integration",
            "High",
            "New",
        )
        assert d.description and d.replicationSteps and d.row.emergency and d.row.contact
        sp.add_message(s, number, "Please send the job id.", T0, actor="icsupport", as_support=True)
        with pytest.raises(Forbidden):  # mpostma has no Support Staff right
            sp.add_message(s, number, "I am support", T0, actor="mpostma", as_support=True)
        with pytest.raises(Forbidden):  # status changes are Campus Support's
            sp.change_status(s, number, "Scheduled", T0, actor="mpostma")
        with pytest.raises(RuleViolation) as exc:
            sp.change_status(s, number, "Pending", T0, actor="icsupport")
        assert exc.value.errors[0].field == "status"
        for status in sp.STATUSES[1:]:
            sp.change_status(s, number, status, T0, actor="icsupport")
        d = sp.get_case(s, number, viewer="mpostma")
        assert d.row.status == "Closed" and d.row.closedAt == T0
        sides = [m.side for m in d.messages]
        assert sides[0] == "support" and sides.count("system") == len(sp.STATUSES) - 1
        with pytest.raises(RuleViolation) as exc:
            sp.open_case(s, {**CASE, "priority": "Urgent", "subject": ""}, T0, actor=LOGIN)
        assert {e.field for e in exc.value.errors} == {"priority", "subject"}


def test_R_SUP_5_case_list_filters_with_six_operators_sorted_by_last_modified(district):
    subjects = ["Commit job stuck", "Address differences", "Token fails 100%", "Commit report PDF"]
    numbers = [
        _open(district, subject=t, when=T0 + dt.timedelta(hours=i)) for i, t in enumerate(subjects)
    ]
    with district.transaction() as s:
        sp.add_message(s, numbers[0], "bump", T0 + dt.timedelta(days=1), actor=LOGIN)
        sp.close_case(s, numbers[1], T0 + dt.timedelta(days=2), actor=LOGIN)
        assert [r.number for r in sp.page_cases(s, 0, 10)] == [numbers[i] for i in (1, 0, 3, 2)]
        assert [r.number for r in sp.page_cases(s, 1, 2)] == [numbers[0], numbers[3]]

        def f(field, op, value):
            flt = sp.CaseFilter(conditions=(sp.Condition(field=field, op=op, value=value),))
            got = {r.subject for r in sp.page_cases(s, 0, 50, flt)}
            assert sp.count_cases(s, flt) == len(got)
            return got

        assert f("subject", "equals", "commit job STUCK") == {"Commit job stuck"}
        assert f("subject", "not_equals", "Commit job stuck") == set(subjects) - {
            "Commit job stuck"
        }
        assert f("subject", "starts_with", "commit") == {"Commit job stuck", "Commit report PDF"}
        assert f("subject", "ends_with", "pdf") == {"Commit report PDF"}
        assert f("subject", "contains", "100%") == {"Token fails 100%"}
        assert f("subject", "contains", "%") == {"Token fails 100%"}  # literal, not a wildcard
        assert f("subject", "not_contains", "commit") == {"Address differences", "Token fails 100%"}
        assert f("status", "equals", "closed") == {"Address differences"}
        assert f("number", "ends_with", numbers[2][-2:]) == {"Token fails 100%"}
        both = sp.CaseFilter(
            conditions=(
                sp.Condition(field="subject", op="starts_with", value="commit"),
                sp.Condition(field="status", op="not_equals", value="New"),
            )
        )
        assert sp.count_cases(s, both) == 0
        sp.change_status(s, numbers[3], "Assigned", T0 + dt.timedelta(days=3), actor="icsupport")
        assert [r.number for r in sp.page_cases(s, 0, 9, both)] == [numbers[3]]
        assert sp.count_cases(s, sp.CaseFilter(open_only=True)) == 3
        assert [r.number for r in sp.page_cases(s, 0, 9, sort="number")] == numbers
        with pytest.raises(RuleViolation):
            sp.page_cases(s, 0, 9, sort="size")


def test_R_SUP_5_reports_by_status_age_and_contact(district):
    day = dt.timedelta(days=1)
    now = T0 + 100 * day
    for when, actor in (
        (now, LOGIN),
        (now - 8 * day, LOGIN),
        (now - 40 * day, "mpostma"),
        (T0, "mpostma"),
    ):
        _open(district, actor=actor, when=when)
    closed = _open(district, actor="mpostma", when=now - 2 * day)
    with district.transaction() as s:
        sp.close_case(s, closed, now, actor="mpostma")
        rep = sp.report(s, now)
    assert rep.total == 5
    assert {r.label: r.count for r in rep.byStatus if r.count} == {"New": 4, "Closed": 1}
    assert [(r.label, r.count) for r in rep.byAge] == [
        ("0-7 days", 1),
        ("8-30 days", 1),
        ("31-90 days", 1),
        ("91+ days", 1),
    ]
    by_contact = {r.label: (r.count, r.open) for r in rep.byContact}
    assert by_contact["Postma, Madison"] == (3, 2)
    assert sum(v[0] for v in by_contact.values()) == 5


def test_R_SUP_6_update_requests_by_the_technical_contact_only(district):
    with district.transaction() as s:
        for who in ("mpostma", "teacher"):
            with pytest.raises(Forbidden):
                sp.request_update(s, "sandbox_refresh", T0, actor=who)
        r = sp.request_update(s, "sandbox_refresh", T0, actor=LOGIN, details="before training")
        assert r.status == "Requested" and r.requestedAt == T0
        with pytest.raises(Conflict):  # one open request per kind
            sp.request_update(s, "sandbox_refresh", T0, actor=LOGIN)
        with pytest.raises(RuleViolation) as exc:
            sp.request_update(s, "reboot", T0, actor=LOGIN)
        assert exc.value.errors[0].field == "kind"
        with pytest.raises(Forbidden):
            sp.set_request_status(s, r.id, "Scheduled", T0, actor="mpostma")
        with pytest.raises(RuleViolation):
            sp.set_request_status(s, r.id, "Scheduled", T0, actor="icsupport")
        later = T0 + dt.timedelta(days=3)
        r = sp.set_request_status(s, r.id, "Scheduled", T0, actor="icsupport", scheduled_for=later)
        r = sp.set_request_status(s, r.id, "Completed", later, actor="icsupport")
        assert (r.status, r.scheduledFor, r.completedAt) == ("Completed", later, later)
        with pytest.raises(Conflict):
            sp.set_request_status(s, r.id, "Cancelled", later, actor=LOGIN)
        v = sp.request_update(s, "version_update", T0, actor=LOGIN, target_version="Campus.2535")
        v = sp.set_request_status(s, v.id, "Cancelled", T0, actor=LOGIN)
        assert v.status == "Cancelled" and v.cancelledAt == T0
        assert [x.kind for x in sp.list_requests(s)] == ["version_update", "sandbox_refresh"]
        # Version updates only for Campus Cloud Choice districts.
        s.query(District).update({District.cloud_choice: False})
        with pytest.raises(RuleViolation) as exc:
            sp.request_update(s, "version_update", T0, actor=LOGIN)
        assert exc.value.errors[0].field == "kind" and "Cloud Choice" in exc.value.message
        sp.request_update(s, "sandbox_refresh", T0, actor=LOGIN)


def test_R_SUP_7_training_tracked_per_contact(ref_store):
    with ref_store.transaction() as s:
        c = sp.add_contact(s, "mpostma", "support", T0, actor=LOGIN)
        assert not c.introToSupport and not c.campusFundamentals
        assert any("Introduction to Support" in w and "required" in w for w in c.warnings)
        c = sp.set_training(s, "mpostma", T0, actor=LOGIN, intro_to_support=True)
        assert c.introToSupport and not c.campusFundamentals
        assert [w for w in c.warnings if "recommended" in w]
        c = sp.set_training(s, "mpostma", T0, actor=LOGIN, campus_fundamentals=True)
        assert c.introToSupport and c.campusFundamentals and c.warnings == ()


def test_R_SUP_8_reopen_within_60_days_with_details_then_a_new_case(district):
    number = _open(district)
    day = dt.timedelta(days=1)
    with district.transaction() as s:
        closed = sp.close_case(s, number, T0, actor=LOGIN, note="Fixed by the patch.")
        assert closed.row.status == "Closed" and closed.reopenUntil == T0 + 60 * day
        with pytest.raises(Conflict):
            sp.add_message(s, number, "one more thing", T0, actor=LOGIN)
        with pytest.raises(RuleViolation) as exc:
            sp.reopen_case(s, number, "  ", T0 + day, actor=LOGIN)
        assert exc.value.errors[0].field == "details"
        again = sp.reopen_case(
            s, number, "It came back at Riverview.", T0 + 60 * day, actor="mpostma"
        )
        assert again.row.status != "Closed" and again.row.closedAt is None
        assert again.messages[-2].body == "It came back at Riverview."
        with pytest.raises(Conflict):
            sp.reopen_case(s, number, "again", T0 + 60 * day, actor=LOGIN)
        t1 = T0 + 61 * day
        sp.close_case(s, number, t1, actor=LOGIN)
        with pytest.raises(RuleViolation) as exc:
            sp.reopen_case(s, number, "Back again.", t1 + 61 * day, actor=LOGIN)
        assert "open a new case" in exc.value.message and exc.value.errors[0].rule == "R-SUP-8"


def test_R_SUP_8_three_follow_ups_over_ten_business_days_then_closed(district):
    number = _open(district)
    friday = dt.datetime(2026, 3, 6, 16, 0)
    with district.transaction() as s:
        sp.change_status(s, number, "Pending Customer Input", friday, actor="icsupport")
        dues, close_at = sp.follow_up_schedule(friday)
    # 3, 6, 9 and 10 business days after a Friday, weekends skipped.
    assert [d.date().isoformat() for d in dues] == ["2026-03-11", "2026-03-16", "2026-03-19"]
    assert close_at == dt.datetime(2026, 3, 20, 16, 0)
    with district.transaction() as s:
        assert sp.apply_follow_ups(s, dues[0] - dt.timedelta(minutes=1)).followUps == 0
        assert sp.apply_follow_ups(s, dues[1]).followUps == 2
        assert sp.apply_follow_ups(s, dues[1]).followUps == 0  # idempotent
        r = sp.apply_follow_ups(s, close_at + dt.timedelta(days=30))
        assert (r.followUps, r.closed) == (1, (number,))
        assert sp.apply_follow_ups(s, close_at + dt.timedelta(days=31)) == sp.FollowUpResult(
            followUps=0, closed=()
        )
        d = sp.get_case(s, number, viewer=LOGIN)
    assert d.row.status == "Closed" and d.row.closedAt == close_at
    assert [m.createdAt for m in d.messages if m.kind == "follow_up"] == dues


def test_R_SUP_8_a_reply_stops_the_follow_ups(district):
    number = _open(district)
    with district.transaction() as s:
        sp.change_status(s, number, "Pending Customer Input", T0, actor="icsupport")
        sp.apply_follow_ups(s, sp.add_business_days(T0, 4))
        d = sp.add_message(
            s, number, "Here is the job id.", sp.add_business_days(T0, 5), actor="hrclerk"
        )
        assert d.row.status == "Assigned" and d.followUpsSent == 0
        r = sp.apply_follow_ups(s, sp.add_business_days(T0, 30))
        assert r == sp.FollowUpResult(followUps=0, closed=())


def test_business_days_skip_weekends():
    sat = dt.datetime(2026, 3, 7, 12, 0)
    assert sp.add_business_days(sat, 1) == dt.datetime(2026, 3, 9, 12, 0)
    assert sp.add_business_days(T0, 5) == T0 + dt.timedelta(days=7)
    aware = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=-6)))
    assert sp.utc(aware) == dt.datetime(2026, 3, 2, 15, 0)


def test_seed_demo_makes_the_login_the_technical_contact(store):
    now = dt.datetime(2026, 11, 18, 14, 0)
    with store.transaction() as s:
        load_reference(s, login="dadmin")
        sp.seed_demo(s, "dadmin", now)
        sp.seed_demo(s, "dadmin", now)  # a second build leaves it alone
        roles = {c.username: c.role for c in sp.list_contacts(s, now)}
        assert roles == {"dadmin": "technical", "mpostma": "support", "hrclerk": "support"}
        assert sp.access(s, "dadmin").isTechnical
        statuses = {r.status for r in sp.page_cases(s, 0, 50)}
        assert {"New", "Closed", "Pending Customer Input"} <= statuses and len(statuses) >= 5
        assert sp.apply_follow_ups(s, now).followUps == 0
        assert len(sp.list_requests(s)) == 2


def test_support_services_run_on_postgresql_too(any_store):
    with any_store.transaction() as s:
        load_reference(s, login=LOGIN)
        sp.seed_demo(s, LOGIN, T0)
        flt = sp.CaseFilter(
            conditions=(sp.Condition(field="subject", op="contains", value="ADDRESS"),)
        )
        assert sp.count_cases(s, flt) == 2
        assert sp.report(s, T0).total == sp.count_cases(s)
