"""Support screen (SPEC section 8): snapshots of the contacts, cases, case detail and requests
views at 80x24, and Pilot flows on an injected clock (R-SUP-2, R-SUP-3, R-SUP-5, R-SUP-8)."""

from __future__ import annotations

import datetime as dt

from textual.widgets import Input, Select, Static, TextArea

from bo_tui.core import support as sp
from bo_tui.core.demo import load_reference
from bo_tui.tui.app import BoTuiApp
from bo_tui.tui.screens.support import CaseDetailScreen, SupportScreen
from bo_tui.tui.widgets.support_forms import SupportForm

from .conftest import LOGIN, NOW, SNAP_DIR, fixed_store, settle


def support_store(name: str):
    """Reference data and the support demo seeded at the fixed NOW (not the wall clock)."""
    store = fixed_store(name)
    with store.transaction() as s:
        load_reference(s, login=LOGIN)
        sp.seed_demo(s, LOGIN, NOW)
    return store


def support_app(store, *, login: str = LOGIN, clock=None):
    return BoTuiApp(
        store, login=login, clock=clock or (lambda: NOW), data_dir=str(SNAP_DIR / "data")
    )


def _keys(*keys: str):
    async def run(pilot) -> None:
        await settle(pilot)
        await pilot.press("0")
        await settle(pilot)
        for key in keys:
            await pilot.press(key)
            await settle(pilot)

    return run


def test_support_contacts_snapshot(snap_compare):
    app = support_app(support_store("support-contacts"))
    assert snap_compare(app, terminal_size=(80, 24), run_before=_keys("down", "down"))


def test_support_cases_snapshot(snap_compare):
    app = support_app(support_store("support-cases"))
    assert snap_compare(app, terminal_size=(80, 24), run_before=_keys("t"))


def test_support_case_detail_snapshot(snap_compare):
    app = support_app(support_store("support-detail"))
    # The fourth case by last modified: Pending Customer Verification, with a conversation.
    keys = ("t", "down", "down", "down", "enter")
    assert snap_compare(app, terminal_size=(80, 24), run_before=_keys(*keys))


def test_support_requests_snapshot(snap_compare):
    app = support_app(support_store("support-requests"))
    assert snap_compare(app, terminal_size=(80, 24), run_before=_keys("t", "t"))


async def _fill(pilot, **values) -> None:
    form = pilot.app.screen
    assert isinstance(form, SupportForm)
    for name, value in values.items():
        w = form.query_one(f"#field-{name}")
        if isinstance(w, TextArea):
            w.load_text(value)
        elif isinstance(w, Input | Select):
            w.value = value
        else:
            w.value = value
    await pilot.press("ctrl+s")
    await settle(pilot)


async def test_R_SUP_8_flow_open_reply_close_reopen_then_refused_after_61_days():
    clock = {"now": NOW}
    app = support_app(support_store("support-flow"), clock=lambda: clock["now"])
    async with app.run_test(size=(80, 24)) as pilot:
        await _keys("t")(pilot)
        support = app.screen
        assert isinstance(support, SupportScreen) and support.tab == "cases"
        before = support.case_total
        await pilot.press("n")
        await settle(pilot)
        await _fill(
            pilot,
            subject="Sync status shows the wrong district",
            description="bo-tui sync status names another appName.",
            replicationSteps="1. bo-tui sync status",
        )
        detail = app.screen
        assert isinstance(detail, CaseDetailScreen), "the new case opens in its detail view"
        number = detail.number
        assert detail.case.row.status == "New" and detail.case.row.contact

        # Campus Support replies (the login holds the Support Staff right).
        clock["now"] = NOW + dt.timedelta(hours=2)
        await pilot.press("a")
        await settle(pilot)
        await _fill(pilot, body="Please send the output of bo-tui sync status --json.")
        assert [m.side for m in detail.case.messages] == ["support"]

        clock["now"] = NOW + dt.timedelta(days=1)
        await pilot.press("c")
        await settle(pilot)
        await _fill(pilot, body="Fixed after the reference data reload.")
        assert detail.case.row.status == "Closed"

        clock["now"] = NOW + dt.timedelta(days=30)
        await pilot.press("o")
        await settle(pilot)
        await _fill(pilot, details="It is back after the last sync.")
        assert detail.case.row.status == "Assigned" and detail.case.row.closedAt is None

        closed_at = NOW + dt.timedelta(days=31)
        clock["now"] = closed_at
        await pilot.press("c")
        await settle(pilot)
        await _fill(pilot)
        assert detail.case.row.status == "Closed"

        clock["now"] = closed_at + dt.timedelta(days=61)
        await pilot.press("o")
        await settle(pilot)
        # Said before any text is typed: no form opens, the key tells why (R-SUP-8, SPEC 10).
        assert app.screen is detail and detail.case.row.status == "Closed"
        assert detail.check_action("reopen", ()) is None
        assert any("open a new case" in n.message for n in app._notifications)

        await pilot.press("q")
        await settle(pilot)
        assert app.screen is support and support.case_total == before + 1
        assert support.cases[0].number == number
    with app.store.session() as s:
        assert sp.get_case(s, number, viewer=LOGIN).row.status == "Closed"


async def test_R_SUP_2_unauthorized_user_sees_the_contacts_and_only_the_exception_form():
    app = support_app(support_store("support-teacher"), login="teacher")
    async with app.run_test(size=(80, 24)) as pilot:
        await _keys("t")(pilot)
        screen = app.screen
        denied = str(screen.query_one("#cases-denied", Static).render())
        assert "Postma, Madison" in denied and "authorized contacts" in denied
        assert not screen.query_one("#cases-table").display
        assert screen.check_action("new_request", ()) is False  # not on this tab
        await pilot.press("n")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, SupportForm)
        assert "Postma, Madison" in str(form.query_one("#field-who", Static).render())
        await _fill(pilot, subject="Nobody can log in", description="Login page errors out.")
        assert isinstance(app.screen, SupportForm)  # refused: not an exception
        assert "authorized contacts" in str(app.screen.query_one("#form-error", Static).render())
        await _fill(pilot, emergency=True, exception=True)
        detail = app.screen
        assert isinstance(detail, CaseDetailScreen)
        assert detail.case.row.awaitingTransition
        # Nothing but the transition is offered until an authorized contact owns the case (R-SUP-3).
        assert detail.check_action("reply", ()) is None
        # Offered, but not to this user: the key says why (R-SUP-3).
        assert detail.check_action("transition", ()) is None
        assert "authorized contacts" in detail.disabled_reason("transition")


async def test_R_SUP_5_filter_and_open_only_from_the_keyboard():
    app = support_app(support_store("support-filter"))
    async with app.run_test(size=(80, 24)) as pilot:
        await _keys("t")(pilot)
        screen = app.screen
        assert screen.case_total == 7
        await pilot.press("f")
        await settle(pilot)
        await _fill(pilot, field="subject", op="starts_with", value="staff")
        assert [c.subject for c in screen.cases] == [
            "Staff household address overwritten on a shared student household"
        ]
        assert "subject starts with 'staff'" in str(
            screen.query_one("#cases-status", Static).render()
        )
        await pilot.press("c")
        await settle(pilot)
        assert screen.case_total == 7
        await pilot.press("p")
        await settle(pilot)
        assert screen.case_total == 5 and all(c.status != "Closed" for c in screen.cases)
        # q on a checkbox keeps a half-written case; Escape drops it.
        await pilot.press("n")
        await settle(pilot)
        form = app.screen
        form.query_one("#field-subject", Input).value = "Half written"
        form.query_one("#field-emergency").focus()
        await pilot.press("q")
        await settle(pilot)
        assert app.screen is form
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is screen and screen.case_total == 5


async def test_R_SUP_1_contacts_add_and_staffing_warning():
    app = support_app(support_store("support-contacts-flow"))
    async with app.run_test(size=(80, 24)) as pilot:
        await _keys()(pilot)
        screen = app.screen
        assert str(screen.query_one("#contacts-warning", Static).render()).strip() == ""
        await pilot.press("d")  # remove the technical contact (first row)
        await settle(pilot)
        await _fill(pilot)
        assert "no technical contact" in str(screen.query_one("#contacts-warning", Static).render())
        await pilot.press("a")
        await settle(pilot)
        await _fill(pilot, username="assign", role="technical", intro=True)
        roles = {c.username: c.role for c in screen.contacts}
        assert roles["assign"] == "technical" and LOGIN not in roles
        await pilot.press("a")
        await settle(pilot)
        await _fill(pilot, username="teacher", role="technical")
        assert "only one" in str(app.screen.query_one("#form-error", Static).render())


async def test_R_SUP_1_adding_a_contact_without_the_right_says_why_instead_of_nothing():
    from bo_tui.core import rights
    from bo_tui.core.users import set_rights

    store = support_store("support-no-admin")
    with store.transaction() as s:
        set_rights(s, LOGIN, set(rights.ALL) - {rights.USER_ADMIN})
    app = support_app(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("0")
        await settle(pilot)
        support = app.screen
        assert isinstance(support, SupportScreen) and support.tab == "contacts"
        assert support.check_action("add_contact", ()) is None  # shown, not possible
        app.clear_notifications()
        await pilot.press("a")
        await settle(pilot)
        assert app.screen is support  # no form opened
        assert any("User accounts and tool rights" in n.message for n in app._notifications)
