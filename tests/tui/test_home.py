"""Home screen: snapshots at 80x24 (loaded and empty store) and the demo-load flow."""

from __future__ import annotations

from sqlalchemy import func, select

from bo_tui.store.models import Person

from .conftest import fixed_store, make_app, settle


def test_home_snapshot_80x24(snap_compare):
    app = make_app(fixed_store("home", staff=200))
    assert snap_compare(app, terminal_size=(80, 24), run_before=settle)


def test_home_empty_store_offers_the_demo_snapshot(snap_compare):
    app = make_app(fixed_store("home-empty"))
    assert snap_compare(app, terminal_size=(80, 24), run_before=settle)


def test_home_snapshot_120x40(snap_compare):
    app = make_app(fixed_store("home-wide", staff=200))
    assert snap_compare(app, terminal_size=(120, 40), run_before=settle)


async def test_empty_store_loads_the_demo_in_a_worker(tmp_path, data_dir):
    from bo_tui.store import Store

    store = Store(f"sqlite:///{tmp_path / 'e.db'}")
    app = make_app(store, data_dir=data_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert app.screen.query_one("#demo-offer").display
        assert app.user is None
        await pilot.press("d")
        await settle(pilot)
        assert not app.screen.query_one("#demo-offer").display
        assert "3,000" in str(app.screen.query_one("#home-counts").render())
        assert app.user is not None and app.user.username == "dtc"
    with store.session() as s:
        assert s.scalar(select(func.count()).select_from(Person)) > 3000


async def test_help_lists_active_bindings_with_ids_and_q_closes_it():
    app = make_app(fixed_store("home-help", staff=0))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        from bo_tui.tui.screens.help import HelpScreen

        assert isinstance(app.screen, HelpScreen)
        assert any(bid == "home.refresh" for _, _, bid in app.screen.rows)
        await pilot.press("q")
        await pilot.pause()
        assert not isinstance(app.screen, HelpScreen)


async def test_R_LOG_1_home_lists_the_last_days_errors_and_enter_opens_one(data_dir):
    from bo_tui.core import errorlog
    from bo_tui.tui.widgets.admin_modals import AdminTextView

    from .conftest import NOW

    store = fixed_store("home-errors", staff=0)
    with store.transaction() as s:
        errorlog.log_error(
            s,
            action="POST",
            path="/campus/api/businessOfficeIntegration/staffMembers",
            message="positions[0].schoolNumber: is not a Campus school\nsecond line",
            payload={"staffNumber": "77"},
            when=NOW,
        )
    app = make_app(store, data_dir=data_dir)
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        table = app.screen.query_one("#home-errors-table")
        assert table.row_count == 1
        row = [str(c) for c in table.get_row_at(0)]
        assert row == ["09:30", "POST", "positions[0].schoolNumber: is not a Campus school"]
        table.focus()
        await pilot.press("enter")
        await settle(pilot)
        assert app.current_mode == "errors"
        assert isinstance(app.screen, AdminTextView)  # the entry, with its payload
