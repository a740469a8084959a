"""Notifications screen (R-NOTE-1..3): snapshots, adding recipients by type-ahead (eligible
users only), removing one, and removing all, which deletes the notification."""

from __future__ import annotations

from bo_tui.core import notifications as note_core
from bo_tui.core.demo import build_demo
from bo_tui.store import Store
from bo_tui.tui.screens.notifications import NotificationEditor
from bo_tui.tui.widgets.admin_modals import AdminConfirm

from .conftest import LOGIN, fixed_store, make_app, settle


def private_store(tmp_path) -> Store:
    """Flow tests get a store of their own: the fixed paths are for snapshots, and two runs of
    the suite at once must never share (and unlink) one database file."""
    st = Store(f"sqlite:///{tmp_path / 'bo-tui.db'}")
    build_demo(st, staff=0, login=LOGIN)
    return st


def notes_store(st):
    with st.transaction() as s:
        note_core.save_notification(s, note_core.HR_STAFF, ["hrclerk", "assign"])
        note_core.save_notification(s, note_core.HR_SYNC_COMMIT, ["mpostma"])
    return st


async def open_notifications(pilot) -> None:
    await settle(pilot)
    await pilot.press("7")
    await settle(pilot)


def test_R_NOTE_1_notifications_snapshot_80x24(snap_compare):
    app = make_app(notes_store(fixed_store("notifications", staff=0)))
    assert snap_compare(app, terminal_size=(80, 24), run_before=open_notifications)


def test_R_NOTE_1_notifications_snapshot_120x40(snap_compare):
    app = make_app(notes_store(fixed_store("notifications-wide", staff=0)))
    assert snap_compare(app, terminal_size=(120, 40), run_before=open_notifications)


def test_R_NOTE_2_editor_snapshot_80x24(snap_compare):
    async def run_before(pilot):
        await open_notifications(pilot)
        await pilot.press("enter")
        await settle(pilot)

    app = make_app(notes_store(fixed_store("notifications-editor", staff=0)))
    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)


def _notes(st):
    with st.session() as s:
        return note_core.list_notifications(s)


async def test_R_NOTE_2_add_then_remove_recipients_and_removing_all_deletes(tmp_path):
    st = private_store(tmp_path)
    app = make_app(st)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_notifications(pilot)
        await pilot.press("n")
        await settle(pilot)
        editor = app.screen
        assert isinstance(editor, NotificationEditor)
        assert {r.username for r in editor.eligible} == {"dtc", "mpostma", "hrclerk", "assign"}
        await pilot.press(*"ruiz", "enter")
        await pilot.press(*"okaf", "enter")
        await pilot.press(*"lind", "enter")  # Lind has neither right: not offered
        await pilot.pause()
        assert [r.username for r in editor.chosen] == ["hrclerk", "assign"]
        assert "No eligible user" in str(editor.query_one("#ne-error").content)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert not isinstance(app.screen, NotificationEditor)
        (note,) = _notes(st)
        assert note.type == "HR-Staff"
        assert [r.username for r in note.recipients] == ["hrclerk", "assign"]

        await pilot.press("enter")  # edit it: remove Ruiz
        await settle(pilot)
        editor = app.screen
        editor.query_one("#ne-recipients").focus()
        await pilot.press("delete")
        await pilot.press("ctrl+s")
        await settle(pilot)
        (note,) = _notes(st)
        assert [r.username for r in note.recipients] == ["assign"]

        await pilot.press("enter")  # remove the last one: saving deletes it (R-NOTE-3)
        await settle(pilot)
        editor = app.screen
        editor.query_one("#ne-recipients").focus()
        await pilot.press("x")
        assert "deletes this notification" in str(editor.query_one("#ne-recipients-help").content)
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, AdminConfirm)
        await pilot.press("tab", "enter")
        await settle(pilot)
        assert not isinstance(app.screen, NotificationEditor | AdminConfirm)
        assert app.screen.notes == []
    assert _notes(st) == []


async def test_R_NOTE_3_a_new_notification_needs_a_recipient(tmp_path):
    st = private_store(tmp_path)
    app = make_app(st)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_notifications(pilot)
        await pilot.press("n")
        await settle(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
        editor = app.screen
        assert isinstance(editor, NotificationEditor)
        assert "at least one recipient" in str(editor.query_one("#ne-error").content)
    assert _notes(st) == []
