"""Error Log screen (R-LOG-1): snapshots of a fixed log, paging, filters, the payload viewer
(pretty, redacted JSON) and the PDF export run in a worker."""

from __future__ import annotations

import datetime as dt
import json

from bo_tui.core import errorlog as log_core
from bo_tui.core.demo import build_demo
from bo_tui.store import Store
from bo_tui.tui.screens.errors import ErrorFilterModal
from bo_tui.tui.widgets.admin_modals import AdminConfirm, AdminPrompt, AdminTextView

from .conftest import LOGIN, fixed_store, make_app, settle


def private_store(tmp_path) -> Store:
    """Flow tests get a store of their own: the fixed paths are for snapshots, and two runs of
    the suite at once must never share (and unlink) one database file."""
    st = Store(f"sqlite:///{tmp_path / 'bo-tui.db'}")
    build_demo(st, staff=0, login=LOGIN)
    return st


T0 = dt.datetime(2026, 8, 20, 8, 0)


def log_store(st, n: int = 240):
    """``n`` fixed error-log entries, an hour apart from 2026-08-20 08:00."""
    entries = []
    for i in range(n):
        kind = i % 4
        when = T0 + dt.timedelta(hours=i)
        if kind == 0:
            entries.append(
                dict(
                    action="POST",
                    path="/campus/api/businessOfficeIntegration/staffMembers",
                    message=f"positions[0].schoolNumber: 9{i:03d} is not a Campus school",
                    payload={"staffNumber": f"E{i:05d}", "lastName": "Ortiz", "ssn": "123-45-6789"},
                    status=400,
                    when=when,
                )
            )
        elif kind == 1:
            entries.append(
                dict(
                    action="PUT",
                    path=f"/campus/api/businessOfficeIntegration/staffMembers/E{i:05d}",
                    message="gender: X is not a Campus gender code",
                    payload={"staffNumber": f"E{i:05d}", "gender": "X"},
                    status=400,
                    when=when,
                )
            )
        elif kind == 2:
            entries.append(
                dict(
                    action="FILE",
                    path="hr-export.csv",
                    message=f"row {i}: lastName is required",
                    payload={"staffNumber": f"E{i:05d}", "firstName": "Ann"},
                    when=when,
                )
            )
        else:
            entries.append(
                dict(
                    action="GET",
                    path="/campus/api/businessOfficeIntegration/staffMembers/NOPE",
                    message="no staff member NOPE",
                    status=404,
                    when=when,
                )
            )
    with st.transaction() as s:
        log_core.log_errors(s, entries)
    return st


async def open_errors(pilot) -> None:
    await settle(pilot)
    await pilot.press("6")
    await settle(pilot)


def test_R_LOG_1_error_log_snapshot_80x24(snap_compare):
    app = make_app(log_store(fixed_store("errors", staff=0)))
    assert snap_compare(app, terminal_size=(80, 24), run_before=open_errors)


def test_R_LOG_1_error_log_snapshot_120x40(snap_compare):
    app = make_app(log_store(fixed_store("errors-wide", staff=0)))
    assert snap_compare(app, terminal_size=(120, 40), run_before=open_errors)


async def test_R_LOG_1_pages_from_the_store(tmp_path):
    app = make_app(log_store(private_store(tmp_path)))
    async with app.run_test(size=(80, 24)) as pilot:
        await open_errors(pilot)
        table = app.screen.table
        assert table.total == 240 and len(table.rows) == 100
        assert table.rows[0].errorDate == T0 + dt.timedelta(hours=239)  # newest first
        await pilot.press("n", "n")
        await settle(pilot)
        assert table.start == 200 and len(table.rows) == 40
        await pilot.press("p")
        await settle(pilot)
        assert table.start == 100 and len(table.rows) == 100


async def test_R_LOG_1_filter_then_export_pdf(tmp_path):
    app = make_app(log_store(private_store(tmp_path)))
    async with app.run_test(size=(80, 24)) as pilot:
        await open_errors(pilot)
        await pilot.press("f")
        await pilot.pause()
        modal = app.screen
        assert isinstance(modal, ErrorFilterModal)
        modal.query_one("#flt-from").value = "2026-08-25"
        modal.query_one("#flt-to").value = "2026-08-26"
        modal.query_one("#flt-action").value = "PUT"
        modal.query_one("#flt-path").value = "staffMembers"
        await pilot.press("ctrl+s")
        await settle(pilot)
        table = app.screen.table
        # PUT is every 4th hour (i % 4 == 1) over the 48 hours of those two days.
        assert table.total == 12
        assert all(r.action == "PUT" and r.errorDate.day in (25, 26) for r in table.rows)
        await pilot.press("slash")
        await pilot.pause()
        app.screen.query_one("Input").value = "E00121"
        await pilot.press("enter")
        await settle(pilot)
        assert table.total == 1 and table.rows[0].path.endswith("E00121")
        assert app.screen.flt.action == "PUT"  # the text search keeps the other filters

        await pilot.press("e")
        await pilot.pause()
        assert isinstance(app.screen, AdminPrompt)
        out = tmp_path / "log.pdf"
        app.screen.query_one("Input").value = str(out)
        await pilot.press("enter")
        await settle(pilot)
    assert out.read_bytes().startswith(b"%PDF-")
    assert out.stat().st_size > 1000


async def test_R_LOG_1_bad_filter_date_is_refused_in_the_modal(tmp_path):
    app = make_app(log_store(private_store(tmp_path), n=8))
    async with app.run_test(size=(80, 24)) as pilot:
        await open_errors(pilot)
        await pilot.press("f")
        await pilot.pause()
        app.screen.query_one("#flt-from").value = "31/08/2026"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, ErrorFilterModal)
        assert "YYYY-MM-DD" in str(app.screen.query_one("#flt-error").content)


async def test_R_LOG_1_payload_viewer_shows_pretty_redacted_json(tmp_path):
    app = make_app(log_store(private_store(tmp_path), n=4))
    copied: list[str] = []
    app.copy_to_clipboard = copied.append
    async with app.run_test(size=(80, 24)) as pilot:
        await open_errors(pilot)
        await pilot.press("down", "down", "down", "enter")  # the oldest: the POST with an SSN
        await pilot.pause()
        view = app.screen
        assert isinstance(view, AdminTextView)
        await pilot.press("y")
        await pilot.press("q")
        await pilot.pause()
        assert not isinstance(app.screen, AdminTextView)
        await pilot.press("y")  # the same, straight from the list
        await pilot.pause()
    assert copied[0] == copied[1]
    shown = json.loads(copied[0])
    assert shown["staffNumber"] == "E00000"
    assert "123-45-6789" not in copied[0]
    assert copied[0].startswith("{\n  ")


async def test_R_LOG_1_sort_cycles_and_export_asks_before_replacing(tmp_path):
    app = make_app(log_store(private_store(tmp_path), n=12))
    out = tmp_path / "log.pdf"
    out.write_bytes(b"old")
    async with app.run_test(size=(80, 24)) as pilot:
        await open_errors(pilot)
        await pilot.press("s")
        await settle(pilot)
        assert app.screen.table.rows[0].errorDate == T0  # oldest first
        await pilot.press("s")
        await settle(pilot)
        assert [r.action for r in app.screen.table.rows] == sorted(
            r.action for r in app.screen.table.rows
        )
        await pilot.press("e")
        await pilot.pause()
        app.screen.query_one("Input").value = str(out)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, AdminConfirm)
        await pilot.press("enter")  # Cancel has the focus: the file stays
        await settle(pilot)
        assert out.read_bytes() == b"old"
        await pilot.press("e")
        await pilot.pause()
        app.screen.query_one("Input").value = str(out)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("tab", "enter")
        await settle(pilot)
    assert out.read_bytes().startswith(b"%PDF-")


async def test_R_LOG_1_arrows_cross_page_edges(tmp_path):
    app = make_app(log_store(private_store(tmp_path), n=150))
    async with app.run_test(size=(80, 24)) as pilot:
        await open_errors(pilot)
        table = app.screen.table
        await pilot.press("n", "p")  # back on page one, the cursor on its last row
        await settle(pilot)
        assert table.start == 0 and table.table.cursor_row == 99
        await pilot.press("down")
        await settle(pilot)
        assert table.start == 100 and table.table.cursor_row == 0
        await pilot.press("up")
        await settle(pilot)
        assert table.start == 0 and table.table.cursor_row == 99


async def test_every_export_starts_in_the_one_export_folder_shown_in_the_dialog():
    from textual.widgets import Input

    from bo_tui.tui.exports import export_folder
    from bo_tui.tui.widgets.admin_modals import AdminPrompt

    app = make_app(fixed_store("errors-export-folder", staff=0))
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("6")
        await settle(pilot)
        await pilot.press("e")
        await settle(pilot)
        prompt = app.screen
        assert isinstance(prompt, AdminPrompt)
        assert prompt.query_one(Input).value.startswith(str(export_folder()))
        assert str(export_folder()) in prompt.label
