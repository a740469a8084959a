"""The validation report screen (R-SYNC-4, R-SYNC-10): snapshots of the summary and of every
category tab at 80x24, search, filter, detail, copy, export, and holds kept in the store."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from textual.widgets import TabbedContent

from bo_tui.core.sync.report import CATEGORIES
from bo_tui.store.models.sync import SyncHold
from bo_tui.tui.screens.report import ReportScreen
from bo_tui.tui.screens.report_modals import FieldFilterModal, ReportDetailModal
from bo_tui.tui.widgets.big_table import BigTable

from .conftest import make_app, settle
from .test_sync import open_sync, sync_store, work_email


async def open_report(pilot, tabs: int = 0) -> ReportScreen:
    await settle(pilot)
    await pilot.press("4")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, ReportScreen)
    if tabs == 1:
        await pilot.press("right_square_bracket")  # the key, once; further tabs directly
    elif tabs:
        screen.query_one(TabbedContent).active = f"tab-{CATEGORIES[tabs - 1]}"
    await settle(pilot)
    pilot.app.clear_notifications()
    await settle(pilot)
    return screen


async def table_read(pilot, table: BigTable) -> None:
    """Count, then pages: a chain of workers; settle until the table has read its rows."""
    for _ in range(20):
        await settle(pilot)
        if table.row_count is not None and not table.reading:
            return
    raise AssertionError("the table did not finish reading")


@pytest.mark.parametrize("tab", range(len(CATEGORIES) + 1), ids=["summary", *CATEGORIES])
def test_report_tab_snapshot(snap_compare, tab):
    app = make_app(sync_store(f"report-tab-{tab}", "validated"))

    async def run_before(pilot):
        await open_report(pilot, tab)

    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)


def test_report_demographics_snapshot_120x40(snap_compare):
    app = make_app(sync_store("report-wide", "validated"))

    async def run_before(pilot):
        await open_report(pilot, 1)

    assert snap_compare(app, terminal_size=(120, 40), run_before=run_before)


def test_report_detail_snapshot(snap_compare):
    app = make_app(sync_store("report-detail", "validated"))

    async def run_before(pilot):
        await open_report(pilot, 1)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(pilot.app.screen, ReportDetailModal)

    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)


def test_report_without_a_validation_snapshot(snap_compare):
    app = make_app(sync_store("report-none"))

    async def run_before(pilot):
        await open_report(pilot)

    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)


async def test_R_SYNC_4_every_category_is_a_tab_with_its_count_and_all_rows():
    app = make_app(sync_store("report-counts", "validated"))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_report(pilot)
        assert screen.counts["demographicDifferences"] == 4
        assert screen.counts["possibleDuplicates"] == 2
        # Each tab reads its rows when first shown: walk them all with the key, then look.
        await pilot.press(*["right_square_bracket"] * len(CATEGORIES))
        await settle(pilot)
        assert screen.category == CATEGORIES[-1]
        for cat in CATEGORIES:
            assert screen.table(cat).row_count == screen.counts[cat], cat
        await pilot.press("right_square_bracket")
        assert screen.category is None  # back on the summary


async def test_search_next_difference_detail_and_copy():
    app = make_app(sync_store("report-search", "validated"))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_report(pilot, 1)
        table = screen.active_table
        await pilot.press("slash", *"baker", "enter")
        await settle(pilot)
        assert table.current_row.key == "1002"
        assert app.focused is table
        await pilot.press("d")
        await settle(pilot)
        assert table.columns[table.cursor_column].key in table.current_row.changed
        await pilot.press("y")
        assert app.clipboard == "1002"
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ReportDetailModal)
        assert app.screen.data["staffNumber"] == "1002"
        await pilot.press("q")
        await settle(pilot)
        assert app.screen is screen
        await pilot.press("slash", *"nobody-like-this", "enter")
        await settle(pilot)
        assert table.current_row.key == "1002"


async def test_filter_by_changed_field():
    app = make_app(sync_store("report-filter", "validated"))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_report(pilot, 1)
        table = screen.active_table
        assert table.row_count == 4
        await pilot.press("f")
        await settle(pilot)
        assert isinstance(app.screen, FieldFilterModal)
        await pilot.press("down", "down", "down", "enter")  # all, SSN, Staff Number, Name
        await settle(pilot)
        assert screen.fields["demographicDifferences"] == "name"
        assert table.row_count == 1
        assert "name" in table.current_row.data["differences"]
        table.search("1002")  # search runs inside the filtered rows
        await settle(pilot)
        assert table.cursor_row == 0 and table.current_row.key == "1002"
        table.search("1003")  # 1003 differs in gender only: not in this filter
        await settle(pilot)
        assert table.current_row.key == "1002"
        await pilot.press("f", "enter")
        await settle(pilot)
        assert table.row_count == 4


async def test_export_of_the_whole_report_to_csv(tmp_path):
    out = tmp_path / "report.csv"
    app = make_app(sync_store("report-export", "validated"))
    async with app.run_test(size=(80, 24)) as pilot:
        await open_report(pilot, 1)
        await pilot.press("e")
        await settle(pilot)
        app.screen.query_one("#export-path").value = str(out)
        app.screen.query_one("#scope-all").value = True
        await pilot.press("enter")
        await settle(pilot)
    text = out.read_text()
    assert "demographicDifferences" in text and "1002" in text


async def test_possible_duplicates_open_combine_person():
    app = make_app(sync_store("report-combine", "validated"))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_report(pilot, CATEGORIES.index("possibleDuplicates") + 1)
        assert screen.check_action("combine", ()) is True
        await pilot.press("c")
        await settle(pilot)
        from bo_tui.tui.screens.staff_combine import CombinePersonModal

        assert isinstance(app.screen, CombinePersonModal)
        row = screen.active_table.current_row
        assert app.screen.other_id == row.data["campus"]["personId"]


async def test_R_SYNC_hold_back_a_staff_member_listed_in_the_result_and_not_applied():
    store = sync_store("report-hold", "validated")
    assert work_email(store, "1002") == "bbrown@k12.mo.us"
    app = make_app(store)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_report(pilot, 1)
        table: BigTable = screen.active_table
        await pilot.press("slash", *"1002", "enter")
        await settle(pilot)
        await pilot.press("space")
        await settle(pilot)
        assert "1002" in screen.holds
        assert "held [b]1[/b]" in str(screen.query_one("#report-head").render()) or screen.holds
        with store.session() as s:
            assert s.scalars(select(SyncHold.staff_number)).all() == ["1002"]
        # The hold shows on every tab that lists the staff member, and survives a reload.
        assert "1002" in screen.table("employmentDifferences").marks
        screen.load_report()
        await settle(pilot)
        assert "1002" in table.marks
        sync = await open_sync(pilot)
        assert sync.held == 1
        await pilot.press("m")
        await settle(pilot)
        assert app.screen.held == 1
        await pilot.press("y")
        await settle(pilot)
        assert sync.info.state == "committed"
        assert sync.result.held == ["1002"]
        assert "1002" not in sync.result.successes
        outcome = sync.query_one("#sync-outcome", BigTable)
        await table_read(pilot, outcome)
        assert any(outcome.row_at(i).key == "1002" for i in range(outcome.row_count))
    assert work_email(store, "1002") == "bbrown@k12.mo.us"  # not applied
    assert work_email(store, "1003") is not None


async def test_releasing_a_hold_removes_it_from_the_store():
    store = sync_store("report-release", "validated")
    app = make_app(store)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_report(pilot, 1)
        await pilot.press("space")
        await settle(pilot)
        key = next(iter(screen.holds))
        await pilot.press("k", "space")
        await settle(pilot)
        assert key not in screen.holds
    with store.session() as s:
        assert s.scalars(select(SyncHold.staff_number)).all() == []


async def test_quick_hold_toggles_reach_the_store_in_order():
    store = sync_store("report-toggles", "validated")
    app = make_app(store)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_report(pilot, 1)
        key = screen.active_table.current_row.key
        await pilot.press("space", "k", "space", "k", "space")  # held, released, held
        await settle(pilot)
        assert screen.holds == {key}
    with store.session() as s:
        assert s.scalars(select(SyncHold.staff_number)).all() == [key]


def _reviewed(screen: ReportScreen) -> tuple[int, int]:
    head = screen._lines["#report-head"]
    part = head.split("reviewed ")[1].split(" ·")[0].replace("[b]", "").replace("[/b]", "")
    done, total = part.split("/")
    return int(done.replace(",", "")), int(total.replace(",", ""))


async def test_R_SYNC_4_reviewed_counter_never_decreases_and_counts_only_rows_needing_review():
    store = sync_store("report-reviewed", "validated")
    app = make_app(store)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_report(pilot)
        # Campus's own lists (3 not in HR, 4 duplicates, 2 without a number) need no review.
        assert sum(screen.counts.values()) - 14 >= 9
        assert _reviewed(screen) == (0, 14)
        counts = []
        for cat in ("campusStaffNotInHr", "campusDuplicateStaffNumbers", "demographicDifferences"):
            screen.query_one(TabbedContent).active = f"tab-{cat}"
            await table_read(pilot, screen.table(cat))
            await app.workers.wait_for_complete()
            await settle(pilot)
            counts.append(_reviewed(screen)[0])
        assert counts == [0, 0, 4]
        # A filter, a new search, a reload: each re-reads the rows; none takes a review back.
        await pilot.press("f", "down", "enter")  # only where SSN differs
        await table_read(pilot, screen.active_table)
        await app.workers.wait_for_complete()
        await settle(pilot)
        counts.append(_reviewed(screen)[0])
        screen.load_report()
        await app.workers.wait_for_complete()
        await settle(pilot)
        counts.append(_reviewed(screen)[0])
        screen.query_one(TabbedContent).active = "tab-hrStaffNotInCampus"
        await table_read(pilot, screen.table("hrStaffNotInCampus"))
        await app.workers.wait_for_complete()
        await settle(pilot)
        counts.append(_reviewed(screen)[0])
        assert counts == [0, 0, 4, 4, 4, 7]
        assert _reviewed(screen)[1] == 14
        # A count read before the last write and answered after it does not take reviews back.
        older = screen.progress.model_copy(update={"reviewed": 1})
        screen._show_progress(older)
        screen.show_report(screen.info, set(screen.holds), {}, older)
        assert _reviewed(screen) == (7, 14)


async def test_R_SYNC_4_review_filters_held_back_and_not_reviewed_yet():
    store = sync_store("report-review-filters", "validated")
    app = make_app(store)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_report(pilot, CATEGORIES.index("addressDifferences") + 1)
        table = screen.active_table
        await table_read(pilot, table)
        await app.workers.wait_for_complete()
        assert table.row_count == 3
        await pilot.press("space")  # hold the first, the cursor moves on
        await app.workers.wait_for_complete()
        await settle(pilot)
        assert screen.check_action("filter", ()) is True
        await pilot.press("f")
        await settle(pilot)
        assert isinstance(app.screen, FieldFilterModal) and not app.screen.fields
        await pilot.press("down", "enter")  # every row, held back only
        await table_read(pilot, table)
        assert table.row_count == 1 and table.current_row.key in screen.holds
        assert "only held back (f)" in screen._lines["#status-addressDifferences"]
        await pilot.press("f", "down", "down", "enter")  # not reviewed yet: all three were shown
        await table_read(pilot, table)
        assert table.row_count == 0
        await pilot.press("f", "enter")
        await table_read(pilot, table)
        assert table.row_count == 3
        # Campus's own lists need no review: no filter there.
        screen.query_one(TabbedContent).active = "tab-campusStaffNotInHr"
        await settle(pilot)
        assert screen.check_action("filter", ()) is False
