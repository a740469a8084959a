"""Command palette (ctrl+p): every screen and every action of the active screen by name,
with its key beside it in parentheses (SPEC section 10)."""

from __future__ import annotations

from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.content import Content
from textual.markup import escape

from .registry import SCREENS


class ScreensProvider(Provider):
    """Home, API Credentials, Synchronization, … each with its direct key."""

    def _items(self):
        app = self.app
        for s in SCREENS:
            if s.available():
                yield f"{s.title}  ({s.key})", partial(app.open_screen, s.id), s.help
        screen = self.screen
        seen = set()
        for active in screen.active_bindings.values():
            b = active.binding
            if not b.show or not b.description or b.action in seen:
                continue
            seen.add(b.action)
            yield (
                f"{b.description}  ({app.get_key_display(b).strip()})",
                partial(app.run_action, b.action, active.node),
                b.tooltip or f"on {getattr(screen, 'TITLE', None) or 'this screen'}",
            )

    async def discover(self) -> Hits:
        for text, command, help_text in self._items():
            # Content, not markup: "(/)" or "(e)" must show as typed.
            yield DiscoveryHit(Content(text), command, text=text, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for text, command, help_text in self._items():
            score = matcher.match(text)
            if score > 0:
                yield Hit(
                    score, matcher.highlight(escape(text)), command, text=text, help=help_text
                )
