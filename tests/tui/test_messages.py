"""Message Center (R-NOTE-3): snapshots of a fixed inbox, read/unread, opening a message
marks it read, unread only, all read; another user's messages never show."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import insert, select

from bo_tui.core import notifications as note_core
from bo_tui.core.demo import build_demo
from bo_tui.store import Store
from bo_tui.store.models import User
from bo_tui.store.models.integration import Message
from bo_tui.tui.widgets.admin_modals import AdminTextView

from .conftest import LOGIN, fixed_store, make_app, settle


def private_store(tmp_path) -> Store:
    """Flow tests get a store of their own: the fixed paths are for snapshots, and two runs of
    the suite at once must never share (and unlink) one database file."""
    st = Store(f"sqlite:///{tmp_path / 'bo-tui.db'}")
    build_demo(st, staff=0, login=LOGIN)
    return st


T0 = dt.datetime(2026, 8, 28, 7, 15)


def inbox_store(st):
    with st.transaction() as s:
        me = s.scalar(select(User.id).where(User.username == LOGIN))
        other = s.scalar(select(User.id).where(User.username == "hrclerk"))
        rows = []
        for i in range(6):
            commit = i % 2 == 0
            rows.append(
                {
                    "user_id": me,
                    "type": note_core.HR_SYNC_COMMIT if commit else note_core.HR_STAFF,
                    "subject": f"Sync commit finished: {120 + i} committed, {i} failed"
                    if commit
                    else f"HR updated staff member E{1000 + i}",
                    "body": f"Message {i}: the HR system changed district assignments.",
                    "created_at": T0 + dt.timedelta(hours=5 * i),
                    "is_read": i < 3,
                }
            )
        rows.append(
            {
                "user_id": other,
                "type": note_core.HR_STAFF,
                "subject": "not yours",
                "body": "",
                "created_at": T0,
                "is_read": False,
            }
        )
        s.execute(insert(Message), rows)
    return st


async def open_messages(pilot) -> None:
    await settle(pilot)
    await pilot.press("8")
    await settle(pilot)


def test_R_NOTE_3_message_center_snapshot_80x24(snap_compare):
    app = make_app(inbox_store(fixed_store("messages", staff=0)))
    assert snap_compare(app, terminal_size=(80, 24), run_before=open_messages)


def test_R_NOTE_3_message_center_snapshot_120x40(snap_compare):
    app = make_app(inbox_store(fixed_store("messages-wide", staff=0)))
    assert snap_compare(app, terminal_size=(120, 40), run_before=open_messages)


def _unread(st, login=LOGIN) -> int:
    with st.session() as s:
        return note_core.unread_count(s, login)


async def test_R_NOTE_3_mark_read_and_unread(tmp_path):
    st = inbox_store(private_store(tmp_path))
    app = make_app(st)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_messages(pilot)
        screen = app.screen
        table = screen.table
        assert table.total == 6 and screen.unread == 3
        assert all(m.subject != "not yours" for m in table.rows)
        newest = table.current
        assert not newest.read
        await pilot.press("m")
        await settle(pilot)
        assert table.rows[0].read and screen.unread == 2
        await pilot.press("m")
        await settle(pilot)
        assert not table.rows[0].read and screen.unread == 3
        assert "3 unread" in str(screen.query_one("#msg-head").content)

        await pilot.press("enter")  # opening a message marks it read
        await settle(pilot)
        assert isinstance(app.screen, AdminTextView)
        await pilot.press("escape")
        await settle(pilot)
        assert screen.unread == 2

        await pilot.press("f")  # unread only
        await settle(pilot)
        assert table.total == 2 and all(not m.read for m in table.rows)
        await pilot.press("a")
        await settle(pilot)
        assert table.total == 0 and screen.unread == 0
    assert _unread(st) == 0
    assert _unread(st, "hrclerk") == 1
