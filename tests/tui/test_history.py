"""Sync History (SPEC 10; R-HIST-1 … R-HIST-3): syncs and reverts with their counts, a sync's
changes (filter, search), revert with its preview, progress and result; the staff History tab;
who may read and who may revert."""

from __future__ import annotations

from sqlalchemy import select, update
from textual.widgets import Static

from bo_tui.core import rights
from bo_tui.core import sync as sync_core
from bo_tui.core.users import set_rights
from bo_tui.store.models import Person
from bo_tui.store.models.history import ChangeLog
from bo_tui.tui.screens.history import RevertPreviewModal, SyncHistoryScreen
from bo_tui.tui.screens.history_changes import SyncChangesScreen

from ..unit.test_sync_fixture import TODAY
from .conftest import LOGIN, NOW, make_app, settle
from .test_sync import fix_times, sync_store, work_email


def committed_store(name: str):
    """The fixture district with its sync committed (1002's work e-mail changed by it)."""
    store = sync_store(name, "validated")
    sync_core.commit(store, LOGIN, force=True, today=TODAY)
    fix_times(store)
    with store.transaction() as s:
        s.execute(update(ChangeLog).values(at=NOW))
    return store


async def open_history(pilot) -> SyncHistoryScreen:
    await settle(pilot)
    await pilot.press("h")
    await settle(pilot)
    assert isinstance(pilot.app.screen, SyncHistoryScreen)
    return pilot.app.screen


def test_R_HIST_1_sync_history_snapshot(snap_compare):
    app = make_app(committed_store("history-list"))

    async def run_before(pilot):
        await open_history(pilot)

    assert snap_compare(app, terminal_size=(100, 30), run_before=run_before)


def test_R_HIST_1_sync_changes_snapshot(snap_compare):
    app = make_app(committed_store("history-changes"))

    async def run_before(pilot):
        await open_history(pilot)
        await pilot.press("enter")
        await settle(pilot)

    assert snap_compare(app, terminal_size=(100, 30), run_before=run_before)


async def test_R_HIST_1_a_syncs_changes_filter_by_area_and_find_a_staff_member():
    app = make_app(committed_store("history-filter"))
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_history(pilot)
        assert screen.table.total == 1 and screen.table.current.kind == "sync"
        await pilot.press("enter")
        await settle(pilot)
        changes = app.screen
        assert isinstance(changes, SyncChangesScreen)
        everything = changes.table.total
        assert everything > 0
        await pilot.press("a")  # the first area only
        await settle(pilot)
        assert changes.area is not None and 0 < changes.table.total < everything
        assert {r.area for r in changes.table.rows} == {changes.area}
        await pilot.press("x")
        await settle(pilot)
        await pilot.press("slash", *"1002", "enter")
        await settle(pilot)
        assert changes.table.current.staffNumber == "1002"  # the cursor on the first match
        await pilot.press("q")
        await settle(pilot)
        assert app.screen is screen


async def test_R_HIST_2_revert_previews_asks_then_puts_campus_back():
    store = committed_store("history-revert")
    assert work_email(store, "1002") == "bob.baker@k12.mo.us"  # the sync's value
    app = make_app(store)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_history(pilot)
        await pilot.press("v")
        await settle(pilot)
        modal = app.screen
        assert isinstance(modal, RevertPreviewModal)
        assert modal.preview.counts and not modal.preview.conflicts
        await pilot.press("escape")  # cancelled: nothing changes
        await settle(pilot)
        assert work_email(store, "1002") == "bob.baker@k12.mo.us"
        await pilot.press("v")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        assert "reverted" in str(screen.query_one("#history-note", Static).content)
        assert screen.table.total == 2  # the revert is in the history too
        kinds = [r.kind for r in screen.table.rows]
        assert kinds == ["revert", "sync"]
        # A reverted sync cannot be reverted twice: the key says why.
        screen.table.table.move_cursor(row=1)
        await settle(pilot)
        assert screen.check_action("revert", ()) is None
        assert screen.disabled_reason("revert")
    assert work_email(store, "1002") == "bbrown@k12.mo.us"  # back to Campus's value


async def test_R_HIST_3_without_the_right_the_history_says_why():
    store = committed_store("history-rights")
    with store.transaction() as s:
        set_rights(s, LOGIN, {rights.BOI_ADMIN})  # may sync, may not read history
    app = make_app(store)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_history(pilot)
        note = str(screen.query_one("#history-note", Static).content)
        assert "Read the change history" in note
        assert not screen.table.display
    with store.transaction() as s:
        set_rights(s, LOGIN, {rights.HISTORY_READ})  # may read, may not revert
    app = make_app(store)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_history(pilot)
        assert screen.table.total == 1
        assert screen.check_action("open", ()) is True
        assert screen.check_action("revert", ()) is None
        assert "Business Office Integration administration" in screen.disabled_reason("revert")


async def test_R_HIST_1_the_staff_detail_has_a_history_tab():
    from bo_tui.tui.widgets.admin_paged_table import AdminPagedTable

    store = committed_store("history-staff-tab")
    with store.session() as s:
        pid = s.scalar(select(Person.id).where(Person.staff_number == "1002"))
    app = make_app(store)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("9")
        await settle(pilot)
        app.screen.open_detail(pid)
        await settle(pilot)
        detail = app.screen
        for _ in range(5):
            await pilot.press("n")
        await settle(pilot)
        assert detail.tab == "history"
        table = detail.query_one("#history-table", AdminPagedTable)
        fields = {(r.area, r.field) for r in table.rows}
        assert ("demographics", "workEmail") in fields
        assert any(r.source == "sync #1" and r.field == "workEmail" for r in table.rows)
        assert detail.check_action("edit", ()) is False  # a record, not an edit
