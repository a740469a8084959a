"""Users screen: snapshots, changing a user's tool rights (and the acting user's own, which
the app reloads), deactivating, search; read only without the user-administration right."""

from __future__ import annotations

from sqlalchemy import delete, select

from bo_tui.core import rights
from bo_tui.core import users as users_core
from bo_tui.core.demo import build_demo
from bo_tui.store import Store
from bo_tui.store.models import User, UserRight
from bo_tui.tui.screens.users import RightsEditor
from bo_tui.tui.widgets.admin_modals import AdminConfirm

from .conftest import LOGIN, fixed_store, make_app, settle


def private_store(tmp_path) -> Store:
    """Flow tests get a store of their own: the fixed paths are for snapshots, and two runs of
    the suite at once must never share (and unlink) one database file."""
    st = Store(f"sqlite:///{tmp_path / 'bo-tui.db'}")
    build_demo(st, staff=0, login=LOGIN)
    return st


async def open_users(pilot) -> None:
    await settle(pilot)
    await pilot.press("u")
    await settle(pilot)


def test_users_snapshot_80x24(snap_compare):
    app = make_app(fixed_store("users", staff=0))
    assert snap_compare(app, terminal_size=(80, 24), run_before=open_users)


def test_users_snapshot_120x40(snap_compare):
    app = make_app(fixed_store("users-wide", staff=0))
    assert snap_compare(app, terminal_size=(120, 40), run_before=open_users)


def _user(st, username: str) -> users_core.UserInfo:
    with st.session() as s:
        return users_core.acting_user(s, username)


async def _go_to(pilot, username: str) -> None:
    table = pilot.app.screen.table
    for _ in range(len(table.rows)):
        if table.current.username == username:
            return
        await pilot.press("down")
    raise AssertionError(username)


async def test_users_change_a_users_rights(tmp_path):
    st = private_store(tmp_path)
    app = make_app(st)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_users(pilot)
        assert app.screen.table.total == 6
        await _go_to(pilot, "hrclerk")
        await pilot.press("enter")
        await pilot.pause()
        editor = app.screen
        assert isinstance(editor, RightsEditor)
        sel = editor.query_one("SelectionList")
        assert set(sel.selected) == {rights.DISTRICT_EMPLOYMENT}
        sel.select(rights.DISTRICT_ASSIGNMENTS)
        sel.deselect(rights.DISTRICT_EMPLOYMENT)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen.table.current.rights == [rights.DISTRICT_ASSIGNMENTS]
    assert _user(st, "hrclerk").rights == [rights.DISTRICT_ASSIGNMENTS]


async def test_users_own_rights_change_reaches_the_app_and_deactivate_asks(tmp_path):
    st = private_store(tmp_path)
    app = make_app(st)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_users(pilot)
        await _go_to(pilot, LOGIN)
        await pilot.press("e")
        await pilot.pause()
        app.screen.query_one("SelectionList").deselect(rights.SHOW_SECRET)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert not app.user.can(rights.SHOW_SECRET) and app.user.can(rights.USER_ADMIN)

        await _go_to(pilot, "teacher")
        await pilot.press("a")
        await pilot.pause()
        assert isinstance(app.screen, AdminConfirm)
        await pilot.press("tab", "enter")
        await settle(pilot)
        assert app.screen.table.current.active is False
        await pilot.press("a")  # reactivating needs no confirmation
        await settle(pilot)
        assert app.screen.table.current.active is True

        await pilot.press("slash")
        await pilot.pause()
        app.screen.query_one("Input").value = "okafor"
        await pilot.press("enter")
        await settle(pilot)
        assert [u.username for u in app.screen.table.rows] == ["assign"]
    assert not _user(st, LOGIN).can(rights.SHOW_SECRET)


async def test_users_read_only_without_user_admin(tmp_path):
    st = private_store(tmp_path)
    with st.transaction() as s:
        uid = s.scalar(select(User.id).where(User.username == LOGIN))
        s.execute(
            delete(UserRight).where(UserRight.user_id == uid, UserRight.right == rights.USER_ADMIN)
        )
    app = make_app(st)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_users(pilot)
        assert "Read only" in str(app.screen.query_one("#users-head").content)
        await _go_to(pilot, "hrclerk")
        await pilot.press("enter", "e", "a")
        await settle(pilot)
        assert not isinstance(app.screen, RightsEditor | AdminConfirm)
    assert _user(st, "hrclerk").rights == [rights.DISTRICT_EMPLOYMENT]


async def test_users_cannot_deactivate_themselves_and_giving_up_user_admin_asks(tmp_path):
    st = private_store(tmp_path)
    app = make_app(st)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_users(pilot)
        await _go_to(pilot, LOGIN)
        await pilot.press("a")
        await settle(pilot)
        assert not isinstance(app.screen, AdminConfirm)
        assert app.screen.table.current.active
        await pilot.press("e")
        await pilot.pause()
        app.screen.query_one("SelectionList").deselect(rights.USER_ADMIN)
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, AdminConfirm)
        await pilot.press("enter")  # Cancel has the focus
        await settle(pilot)
    me = _user(st, LOGIN)
    assert me.active and me.can(rights.USER_ADMIN)
