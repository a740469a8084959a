"""The app shell: the command palette lists every screen with its key and reaches it; screen
keys switch screens; q goes back to Home."""

from __future__ import annotations

from textual.command import CommandPalette

from bo_tui.tui.registry import SCREENS

from .conftest import fixed_store, make_app, settle


async def _palette_texts(pilot, query: str = "") -> list[str]:
    app = pilot.app
    await pilot.press("ctrl+p")
    await pilot.pause()
    assert isinstance(app.screen, CommandPalette)
    if query:
        await pilot.press(*query)
    await pilot.pause(0.3)
    from textual.command import CommandList

    options = app.screen.query_one(CommandList)
    return [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]


async def test_palette_lists_every_screen_with_its_key_and_opens_it():
    app = make_app(fixed_store("shell-palette", staff=0))
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        texts = await _palette_texts(pilot)
        for s in SCREENS:
            assert any(t.startswith(f"{s.title}  ({s.key})") for t in texts), s.title
        await pilot.press("escape")
        texts = await _palette_texts(pilot, "staff")
        assert texts[0].startswith("Staff  (9)")
        await pilot.press("enter")
        await settle(pilot)
        assert app.current_mode == "staff"


async def test_palette_shows_slash_keys_on_a_screen_that_binds_them():
    app = make_app(fixed_store("shell-slash", staff=20))
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        await pilot.press("9")
        await settle(pilot)
        texts = await _palette_texts(pilot, "search")
        assert any("(/)" in t for t in texts)


async def test_screen_keys_switch_and_q_returns_home():
    app = make_app(fixed_store("shell-keys", staff=0))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        for s in SCREENS:
            if s.id == "home":
                continue
            await pilot.press(s.key)
            await settle(pilot)
            assert app.current_mode == s.id, s.id
            app.set_focus(None)
            await pilot.press("q")
            await settle(pilot)
            assert app.current_mode == "home", s.id


async def test_every_binding_of_every_screen_is_in_the_palette_with_its_key():
    from bo_tui.tui.commands import entries, screen_bindings

    app = make_app(fixed_store("shell-every-action", staff=0))
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        texts = {e.text for e in entries(app)}
        missing = []
        for s in SCREENS:
            for b in screen_bindings(s.screen_class()):
                want = f"{s.title}: {b.description}  ({app.get_key_display(b).strip()})"
                if want not in texts:
                    missing.append(want)
        assert missing == []
        assert len(texts) > 100  # every screen's actions, not only the screens


async def test_R_SYNC_13_the_palette_runs_an_action_on_its_screen_or_says_why_not():
    from bo_tui.tui.screens.sync_modals import CommitConfirmModal

    from .test_sync import sync_store

    app = make_app(sync_store("shell-palette-commit", "validated"))
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        texts = await _palette_texts(pilot, "end transfer")  # found by its tooltip's words
        assert texts[0].startswith("Synchronization: End  (e)")
        help_lines = [str(app.screen.query_one("CommandList").get_option_at_index(0).prompt)]
        assert "not now" in " ".join(help_lines)  # a validated sync: ending is not possible
        await pilot.press("escape")
        await _palette_texts(pilot, "commit")
        await pilot.press("enter")
        await settle(pilot)
        assert app.current_mode == "sync"
        assert isinstance(app.screen, CommitConfirmModal)  # the action ran: its confirmation
