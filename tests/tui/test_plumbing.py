"""The TUI's plumbing (STYLE.md, TUI; SPEC section 10): one handler in the App turns a failed
worker into one calm message without internal names; a key that cannot run says why."""

from __future__ import annotations

from bo_tui.core.errors import Conflict
from bo_tui.tui.screens.sync import SyncScreen

from ..unit.test_sync_fixture import load_campus
from .conftest import fixed_store, make_app, settle


async def test_a_failed_worker_is_reported_once_by_the_app_in_the_users_words():
    app = make_app(fixed_store("plumbing-failure", staff=0))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.clear_notifications()

        def boom() -> None:
            raise Conflict("the sync is busy elsewhere")

        worker = app.screen.run_worker(
            boom, thread=True, group="sync-transfer", exit_on_error=False
        )
        for _ in range(20):
            await pilot.pause(0.05)
            if worker.is_finished and app._notifications:
                break
        await pilot.pause()
        shown = [n for n in app._notifications if n.severity == "error"]
        assert [n.message for n in shown] == ["the sync is busy elsewhere"]
        assert shown[0].title == "Could not finish"  # not "(sync-transfer)"


async def test_R_SYNC_13_a_key_that_cannot_run_now_says_why():
    store = fixed_store("plumbing-why", staff=0)
    load_campus(store)
    app = make_app(store)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("3")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, SyncScreen)
        await pilot.press("s")  # Start Transfer
        await settle(pilot)
        assert screen.info.state == "transferring"
        await pilot.press("escape")  # out of the file box, which start focused
        app.clear_notifications()
        await pilot.press("e")  # End Transfer before any record arrived (R-SYNC-3)
        await settle(pilot)
        assert screen.check_action("end", ()) is None  # shown, not possible
        messages = [n.message for n in app._notifications]
        assert any("no staff member was transferred yet" in m for m in messages)
        assert screen.info.state == "transferring"
