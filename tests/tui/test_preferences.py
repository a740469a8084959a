"""Preferences screen (R-PREF-1, R-PREF-2, R-SYNC-9): snapshots, saving a lock and the guard's
numbers, a bad value shown next to its field, read only without the right."""

from __future__ import annotations

from sqlalchemy import delete, select

from bo_tui.core import preferences as pref_core
from bo_tui.core import rights
from bo_tui.core.demo import build_demo
from bo_tui.store import Store
from bo_tui.store.models import User, UserRight

from .conftest import LOGIN, fixed_store, make_app, settle


def private_store(tmp_path) -> Store:
    """Flow tests get a store of their own: the fixed paths are for snapshots, and two runs of
    the suite at once must never share (and unlink) one database file."""
    st = Store(f"sqlite:///{tmp_path / 'bo-tui.db'}")
    build_demo(st, staff=0, login=LOGIN)
    return st


async def open_preferences(pilot) -> None:
    await settle(pilot)
    await pilot.press("5")
    await settle(pilot)


def test_R_PREF_1_preferences_snapshot_80x24(snap_compare):
    app = make_app(fixed_store("preferences", staff=0))
    assert snap_compare(app, terminal_size=(80, 24), run_before=open_preferences)


def test_R_PREF_1_preferences_snapshot_120x40(snap_compare):
    app = make_app(fixed_store("preferences-wide", staff=0))
    assert snap_compare(app, terminal_size=(120, 40), run_before=open_preferences)


def _prefs(st) -> pref_core.Preferences:
    with st.session() as s:
        return pref_core.get_preferences(s)


async def test_R_PREF_1_unlock_and_guard_numbers_are_saved(tmp_path):
    st = private_store(tmp_path)
    app = make_app(st)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_preferences(pilot)
        screen = app.screen
        screen.query_one("#pref-staffDemographics").focus()
        await pilot.press("space")
        screen.query_one("#pref-allowHouseholdAddress").focus()
        await pilot.press("space")
        screen.query_one("#pref-massChangeMinimum").value = "40"
        await pilot.pause()
        assert "Unsaved changes" in str(screen.query_one("#pref-status").content)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "Saved" in str(screen.query_one("#pref-status").content)
    prefs = _prefs(st)
    assert prefs.staffDemographics is False and prefs.allowHouseholdAddress is False
    assert prefs.massChangeMinimum == 40 and prefs.staffNumber is True


async def test_R_SYNC_9_bad_percent_is_shown_next_to_its_field_and_nothing_saved(tmp_path):
    st = private_store(tmp_path)
    app = make_app(st)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_preferences(pilot)
        screen = app.screen
        screen.query_one("#pref-massChangePercent").value = "250"
        screen.query_one("#pref-staffNumber").value = False
        await pilot.press("ctrl+s")
        await settle(pilot)
        err = screen.query_one("#err-massChangePercent")
        assert err.display and "0 to 100" in str(err.content)
        assert not screen.query_one("#err-massChangeMinimum").display
    assert _prefs(st) == pref_core.Preferences()  # one transaction: nothing saved


async def test_R_PREF_1_read_only_without_the_admin_right(tmp_path):
    st = private_store(tmp_path)
    with st.transaction() as s:
        uid = s.scalar(select(User.id).where(User.username == LOGIN))
        s.execute(
            delete(UserRight).where(UserRight.user_id == uid, UserRight.right == rights.BOI_ADMIN)
        )
    app = make_app(st)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_preferences(pilot)
        screen = app.screen
        assert "Read only" in str(screen.query_one("#pref-status").content)
        assert screen.query_one("#pref-staffCreation").disabled
        await pilot.press("ctrl+s")
        await settle(pilot)
    assert _prefs(st) == pref_core.Preferences()


async def test_R_PREF_1_a_box_says_its_state_and_leaving_unsaved_changes_asks_first():
    from textual.widgets import Checkbox, Static

    from bo_tui.tui.widgets.admin_modals import AdminConfirm

    app = make_app(fixed_store("prefs-ask", staff=0))
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        await pilot.press("5")
        await settle(pilot)
        screen = app.screen
        box = screen.query_one("#pref-staffNumber", Checkbox)
        why = screen.query_one("#why-staffNumber", Static)
        assert box.value and box.BUTTON_INNER == "✓"
        assert str(why.content).startswith("Locked:")
        box.value = False
        await settle(pilot)
        assert box.BUTTON_INNER == " " and str(why.content).startswith("Unlocked:")
        await pilot.press("q")
        await settle(pilot)
        assert isinstance(app.screen, AdminConfirm)  # unsaved: asks before leaving
        await pilot.press("escape")
        await settle(pilot)
        assert app.current_mode == "preferences" and not box.value  # still there, unsaved
        await pilot.press("q")
        await settle(pilot)
        app.screen.query_one("#confirm").press()
        await settle(pilot)
        assert app.current_mode == "home"
