"""The Validation Report's `/` search (SPEC 10): the text being typed is on screen, above the
footer, and Enter finds it."""

from __future__ import annotations

from textual.widgets import Footer, Input

from .conftest import make_app, settle
from .test_report import open_report
from .test_sync import sync_store


async def test_R_SYNC_4_the_search_text_is_shown_while_it_is_typed():
    app = make_app(sync_store("report-search-shown", "validated"))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_report(pilot, 1)
        await pilot.press("slash", *"100")
        await settle(pilot)
        box = screen.query_one("#report-search", Input)
        footer = screen.query_one(Footer)
        assert box.display and box.value == "100"
        assert box.region.height == 1 and box.region.y < footer.region.y  # not under the footer
        await pilot.press("enter")
        await settle(pilot)
        assert not box.display and screen.active_table.search_text == "100"
