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
