"""The synchronization wizard (SPEC sections 6 and 10): snapshots of every step at 80x24 on the
hand-built district of fixtures/sync, the whole wizard driven by keys, R-SYNC-3 and R-SYNC-9."""

from __future__ import annotations

import shutil
from pathlib import Path

from rich.console import Console
from sqlalchemy import select, update
from textual.widgets import Static

from bo_tui.core import sync as sync_core
from bo_tui.core.preferences import set_preferences
from bo_tui.store import Store
from bo_tui.store.models import Person
from bo_tui.store.models.sync import CommitJob, SyncRun
from bo_tui.tui.screens.sync import SyncScreen
from bo_tui.tui.screens.sync_modals import CheckCampusModal, CommitConfirmModal

from ..unit.test_sync_fixture import SYNC, TODAY, load_campus
from .conftest import NOW, SNAP_DIR, fixed_store, make_app, settle

# At a fixed path: the wizard shows the file's path, and snapshots must not depend on the checkout.
HR = SNAP_DIR / "sync-fixture-hr.json"
STEPS = ("none", "transferring", "transferred", "validated")


def fix_times(store: Store) -> None:
    """The store's own clock stamps the sync; snapshots need the fixed test clock."""
    with store.transaction() as s:
        s.execute(
            update(SyncRun).values(started_at=NOW, ended_at=NOW, validated_at=NOW, committed_at=NOW)
        )
        s.execute(update(CommitJob).values(started_at=NOW, finished_at=NOW, heartbeat_at=NOW))


_TEMPLATES: dict[str, Path] = {}


def _build(name: str, upto: str) -> Store:
    SNAP_DIR.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(SYNC / "hr.json", HR)
    st = fixed_store(name, staff=0)
    load_campus(st)
    at = STEPS.index(upto)
    if at >= 1:
        with st.transaction() as s:
            sync_core.start(s, "dtc")
        sync_core.transfer_file(st, HR)
    if at >= 2:
        with st.transaction() as s:
            sync_core.end(s)
    if at >= 3:
        with st.transaction() as s:
            sync_core.validate(s, details=False, today=TODAY)
    fix_times(st)
    return st


def sync_store(name: str, upto: str = "none") -> Store:
    """The fixture district (fixtures/sync/campus.json) with its sync taken to ``upto``: built
    once per step, then each test gets its own copy of the file."""
    if upto not in _TEMPLATES:
        tpl = _build(f"sync-template-{upto}", upto)
        tpl.dispose()
        _TEMPLATES[upto] = SNAP_DIR / f"sync-template-{upto}.db"
    dst = SNAP_DIR / f"{name}.db"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{dst}{suffix}").unlink(missing_ok=True)
        src = Path(f"{_TEMPLATES[upto]}{suffix}")
        if src.exists():
            shutil.copyfile(src, f"{dst}{suffix}")
    return Store(f"sqlite:///{dst}")


def work_email(store: Store, staff_number: str) -> str | None:
    with store.session() as s:
        return s.scalar(select(Person.work_email).where(Person.staff_number == staff_number))


async def open_sync(pilot) -> SyncScreen:
    await settle(pilot)
    await pilot.press("3")
    await settle(pilot)
    assert isinstance(pilot.app.screen, SyncScreen)
    return pilot.app.screen


async def reload(pilot) -> None:
    """Re-read the sync after the test fixed its timestamps, then a quiet screen."""
    fix_times(pilot.app.store)
    screen = pilot.app.screen
    assert isinstance(screen, SyncScreen)
    screen.load_state()
    await settle(pilot)
    pilot.app.clear_notifications()
    await settle(pilot)


# --- snapshots of every step ------------------------------------------------------------------


def test_sync_step_none_snapshot(snap_compare):
    app = make_app(sync_store("sync-none"))

    async def run_before(pilot):
        await open_sync(pilot)
        await reload(pilot)

    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)


def test_sync_check_campus_data_snapshot(snap_compare):
    app = make_app(sync_store("sync-check"))

    async def run_before(pilot):
        await open_sync(pilot)
        await pilot.press("c")
        await settle(pilot)
        assert isinstance(pilot.app.screen, CheckCampusModal)

    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)


def test_sync_transfer_via_file_snapshot(snap_compare):
    store = sync_store("sync-transfer")
    with store.transaction() as s:
        sync_core.start(s, "dtc")
    app = make_app(store)

    async def run_before(pilot):
        screen = await open_sync(pilot)
        screen.query_one("#sync-path").value = str(HR)
        screen.query_one("#sync-path").focus()
        await pilot.press("enter")
        await settle(pilot)
        await reload(pilot)

    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)


def test_sync_transferred_snapshot(snap_compare):
    app = make_app(sync_store("sync-transferred", "transferred"))

    async def run_before(pilot):
        await open_sync(pilot)
        await reload(pilot)

    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)


def test_sync_validated_snapshot(snap_compare):
    app = make_app(sync_store("sync-validated", "validated"))

    async def run_before(pilot):
        await open_sync(pilot)
        await reload(pilot)

    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)


def test_sync_validated_snapshot_120x40(snap_compare):
    app = make_app(sync_store("sync-validated-wide", "validated"))

    async def run_before(pilot):
        await open_sync(pilot)
        await reload(pilot)

    assert snap_compare(app, terminal_size=(120, 40), run_before=run_before)


def test_sync_commit_confirmation_snapshot(snap_compare):
    app = make_app(sync_store("sync-confirm", "validated"))

    async def run_before(pilot):
        await open_sync(pilot)
        await pilot.press("m")
        await settle(pilot)
        pilot.app.clear_notifications()
        await settle(pilot)
        assert isinstance(pilot.app.screen, CommitConfirmModal)

    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)


def test_sync_commit_result_snapshot(snap_compare):
    app = make_app(sync_store("sync-result", "validated"))

    async def run_before(pilot):
        await open_sync(pilot)
        await pilot.press("m")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        await reload(pilot)

    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)


# --- flows ------------------------------------------------------------------------------------


async def test_R_SYNC_wizard_runs_end_to_end_from_the_keyboard_and_commits():
    store = sync_store("sync-flow")
    assert work_email(store, "1002") == "bbrown@k12.mo.us"
    app = make_app(store)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_sync(pilot)
        assert screen.info.state == "none"
        await pilot.press("c")
        await settle(pilot)
        assert isinstance(app.screen, CheckCampusModal)
        assert len(app.screen.check.duplicateStaffNumbers) == 4
        await pilot.press("escape")
        await pilot.press("s")
        await settle(pilot)
        assert screen.info.state == "transferring"
        assert screen.info.startedBy == "dtc"
        assert app.focused is screen.query_one("#sync-path")
        await pilot.press(*str(HR))
        await pilot.press("enter")
        await settle(pilot)
        assert screen.info.transferred == 12
        assert "12 accepted" in str(screen.query_one("#sync-transfer-msg").render())
        assert app.focused is None  # the wizard's keys work again
        await pilot.press("e")
        await settle(pilot)
        assert screen.info.state == "transferred"
        await pilot.press("v")
        await settle(pilot)
        assert screen.info.state == "validated"
        assert screen.info.summary["hrStaffNotInCampus"] == 3
        await pilot.press("m")
        await settle(pilot)
        assert isinstance(app.screen, CommitConfirmModal)
        assert app.screen.counts.creates == 3
        await pilot.press("y")
        await settle(pilot)
        assert screen.info.state == "committed"
        result = screen.result
        assert result is not None and not result.held
        assert {f.staffNumber for f in result.failures} <= {"3001"}
        assert "failed" in str(screen.query_one("#sync-result").render())
    assert work_email(store, "1002") == "bob.baker@k12.mo.us"


async def test_R_SYNC_3_end_transfer_is_offered_only_once_data_arrived():
    store = sync_store("sync-end")
    with store.transaction() as s:
        sync_core.start(s, "dtc")
    app = make_app(store)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_sync(pilot)
        assert screen.check_action("end", ()) is None  # shown disabled
        await pilot.press("e")
        await settle(pilot)
        assert screen.info.state == "transferring"
        sync_core.transfer_file(store, HR)
        screen.load_state()
        await settle(pilot)
        assert screen.check_action("end", ()) is True
        await pilot.press("e")
        await settle(pilot)
        assert screen.info.state == "transferred"


async def test_R_SYNC_9_guard_shows_the_counts_and_cancel_applies_nothing():
    store = sync_store("sync-guard", "validated")
    with store.transaction() as s:
        set_preferences(s, {"massChangePercent": 10, "massChangeMinimum": 5})
    app = make_app(store)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_sync(pilot)
        await pilot.press("b")
        await settle(pilot)
        modal = app.screen
        assert isinstance(modal, CommitConfirmModal)
        assert modal.counts.tripped and modal.counts.total == 10
        assert "Mass change" in str(modal.query_one("#commit-guard").render())
        await pilot.press("escape")
        await settle(pilot)
        assert screen.info.state == "validated"
        assert work_email(store, "1002") == "bbrown@k12.mo.us"
        await pilot.press("b")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        assert sync_core.wait(screen.job_id, timeout=30)
        screen.load_state()
        await settle(pilot)
        screen.load_state()
        await settle(pilot)
        assert screen.info.state == "committed"
        assert screen.result is not None and screen.result.applied > 0
    with store.session() as s:
        assert s.scalar(select(SyncRun.guard_confirmed_by)) == "dtc"
    assert work_email(store, "1002") == "bob.baker@k12.mo.us"


async def test_R_SYNC_9_the_counts_shown_are_what_the_commit_applies_with_a_held_staff_member():
    store = sync_store("sync-held-counts", "validated")
    with store.transaction() as s:
        sync_core.set_hold(s, "1002", True, by="dtc")  # a changed staff member, held back
    app = make_app(store)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_sync(pilot)
        console = Console(width=100, record=True)
        console.print(screen.query_one("#sync-status", Static).content)
        shown = console.export_text()
        assert "To create" in shown and "Held back" in shown
        await pilot.press("b")
        await settle(pilot)
        modal = app.screen
        assert isinstance(modal, CommitConfirmModal)
        counts = modal.counts
        assert counts.held == 1
        # The status table shows the same "to create / to change / held back" as the dialog.
        values = shown.splitlines()[-1].split()  # to create, to change, held back, Campus, …
        assert values[:3] == [str(counts.creates), str(counts.changes), "1"]
        await pilot.press("y")
        await settle(pilot)
        assert sync_core.wait(screen.job_id, timeout=30)
        screen.load_state()
        await settle(pilot)
        screen.load_state()
        await settle(pilot)
        result = screen.result
        assert result is not None
        assert result.applied == counts.creates + counts.changes  # 9, not 10: one was held
        assert result.held == ["1002"]
    assert work_email(store, "1002") == "bbrown@k12.mo.us"  # held: not applied


async def test_R_SYNC_restart_asks_first_then_discards_the_transfer():
    from bo_tui.tui.widgets.admin_modals import AdminConfirm

    store = sync_store("sync-restart", "validated")
    app = make_app(store)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_sync(pilot)
        await pilot.press("r")
        await settle(pilot)
        assert isinstance(app.screen, AdminConfirm)  # discarding work asks first
        await pilot.press("enter")  # the focus starts on Cancel: a stray Enter keeps the data
        await settle(pilot)
        assert screen.info.state == "validated"
        await pilot.press("r")
        await settle(pilot)
        app.screen.query_one("#confirm").press()
        await settle(pilot)
        assert screen.info.state == "transferring"
        assert screen.info.transferred == 0


async def test_f_puts_the_cursor_in_the_file_box_and_sends_nothing():
    store = sync_store("sync-f-key", "transferring")
    app = make_app(store)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_sync(pilot)
        box = screen.query_one("#sync-path")
        box.value = str(HR)
        screen.set_focus(None)
        await pilot.press("f")
        await settle(pilot)
        assert app.focused is box and screen.busy is None  # nothing was sent
        before = screen.info.transferred
        await pilot.press("e", "s")  # typed into the box, not End Transfer / Start
        await settle(pilot)
        assert box.value == f"{HR}es" and screen.info.state == "transferring"
        assert screen.info.transferred == before


async def test_path_field_completes_file_names(tmp_path):
    from bo_tui.tui.screens.sync_modals import PathSuggester

    (tmp_path / "hr-export.json").write_text("[]")
    (tmp_path / "other").mkdir()
    s = PathSuggester()
    assert await s.get_suggestion(str(tmp_path / "hr-")) == str(tmp_path / "hr-export.json")
    assert await s.get_suggestion(str(tmp_path / "ot")) == str(tmp_path / "other") + "/"
    assert await s.get_suggestion(str(tmp_path / "zz")) is None


async def test_R_SYNC_11_a_stopped_commit_job_resumes_from_the_wizard():
    from bo_tui.core.sync.commit import prepare

    store = sync_store("sync-resume", "validated")
    app = make_app(store)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_sync(pilot)
        # A job that stopped while the TUI runs (the start-up resume has already run).
        with store.transaction() as s:
            job_id = prepare(s, "dtc", force=True, background=True, today=TODAY)
            s.execute(update(CommitJob).where(CommitJob.id == job_id).values(status="failed"))
        screen.load_state()
        await settle(pilot)
        assert screen.info.state == "committing"
        assert screen.check_action("resume", ()) is True
        assert "Resume it with" in str(screen.query_one("#sync-job-msg").render())
        await pilot.press("x")
        await settle(pilot)
        assert sync_core.wait(job_id, timeout=30)
        screen.load_state()
        await settle(pilot)
        screen.load_state()
        await settle(pilot)
        assert screen.info.state == "committed"
        assert screen.result is not None and screen.result.jobId == job_id
    assert work_email(store, "1002") == "bob.baker@k12.mo.us"


async def test_R_SYNC_3_end_transfer_waits_for_the_file_being_transferred():
    store = sync_store("sync-busy")
    with store.transaction() as s:
        sync_core.start(s, "dtc")
    sync_core.transfer_file(store, HR)
    app = make_app(store)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_sync(pilot)
        screen.busy = "transfer"  # a file is still streaming in
        await pilot.press("c")  # a read beside it is fine …
        await settle(pilot)
        assert isinstance(app.screen, CheckCampusModal)
        await pilot.press("escape")
        assert screen.busy == "transfer"  # … and does not end the wait
        screen.action_end()
        await settle(pilot)
        assert screen.info.state == "transferring"


async def test_R_SYNC_2_rejected_records_show_with_their_line_and_reason():
    bad = SNAP_DIR / "sync-fixture-hr-bad.csv"
    shutil.copyfile(SYNC / "hr_bad.csv", bad)
    store = sync_store("sync-rejects")
    with store.transaction() as s:
        sync_core.start(s, "dtc")
    app = make_app(store)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_sync(pilot)
        screen.query_one("#sync-path").value = str(bad)
        await pilot.press("f", "enter")  # f: the cursor in the box; Enter sends
        await settle(pilot)
        text = str(screen.query_one("#sync-transfer-msg").render())
        assert "2 accepted" in text and "5 rejected" in text
        assert "line 4:5 birthDate" in text
        assert "error log" in text
        assert screen.info.rejected == 5


async def test_R_SYNC_2_a_file_that_stops_says_so_and_why(monkeypatch):
    monkeypatch.setenv("BO_TUI_WORKERS", "two")
    store = sync_store("sync-stopped")
    with store.transaction() as s:
        sync_core.start(s, "dtc")
    app = make_app(store)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_sync(pilot)
        screen.query_one("#sync-path").value = str(HR)
        await pilot.press("f", "enter")  # f: the cursor in the box; Enter sends
        for _ in range(50):  # ``settle`` would raise the worker's error: wait for its state
            await pilot.pause(0.05)
            if screen.busy is None:
                break
        await pilot.pause()
        text = str(screen.query_one("#sync-transfer-msg").render())
        assert "Reading" not in text
        assert text.startswith("Transfer stopped: BO_TUI_WORKERS must be a whole number")
        assert screen.busy is None and screen.info.transferred == 0
