"""Combine Person from the report's Possible duplicates (R-SYNC-10): before the commit the HR
staff member is not a Campus person yet, and the dialog says so; the duplicate is preselected."""

from __future__ import annotations

from textual.widgets import Static

from bo_tui.core.sync import CATEGORIES
from bo_tui.tui.screens.staff_combine import CombinePersonModal

from .conftest import make_app, settle
from .test_report import open_report
from .test_sync import sync_store


async def test_R_SYNC_10_before_the_commit_combine_says_commit_first():
    app = make_app(sync_store("report-combine-before", "validated"))
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_report(pilot, CATEGORIES.index("possibleDuplicates") + 1)
        row = screen.active_table.current_row
        await pilot.press("c")
        await settle(pilot)
        modal = app.screen
        assert isinstance(modal, CombinePersonModal)
        assert modal.other_id == row.data["campus"]["personId"]  # the duplicate, preselected
        text = str(modal.query_one("#combine-message", Static).content)
        assert modal.step == "refused"
        assert f"Staff member {row.key} is not in Campus yet" in text
        assert "Commit this sync first" in text
