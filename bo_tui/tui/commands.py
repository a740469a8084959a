"""Command palette (ctrl+p): every screen, and every action of every screen with its key; an
action that is not possible now is listed with the core's reason (SPEC section 10, R-SYNC-13)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import partial

from textual.binding import Binding
from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.content import Content
from textual.markup import escape

from .registry import SCREENS, ScreenSpec

# Bindings every screen shares (back, help): not actions of a screen.
SHARED_IDS = frozenset({"screen.back", "screen.back_q"})


@dataclass(frozen=True)
class Entry:
    text: str  # shown: "Synchronization: Commit  (m)"
    words: str  # matched: the text and the binding's tooltip
    help: str
    command: Callable[[], object]
    here: bool = False  # an action of the screen the user is on: found first


def screen_bindings(screen_cls) -> list[Binding]:
    """A screen class's own bindings (its bases' too), first of each action, in order."""
    seen: set[str] = set()
    out: list[Binding] = []
    for cls in reversed(screen_cls.__mro__):
        for b in cls.__dict__.get("BINDINGS", ()):
            if not isinstance(b, Binding) or not b.description or b.id in SHARED_IDS:
                continue
            if b.action in seen:
                continue
            seen.add(b.action)
            out.append(b)
    return out


def _existing(app, spec: ScreenSpec):
    """The screen instance of a mode the user opened already, else None."""
    stack = app._screen_stacks.get(spec.id) or []
    return stack[0] if stack else None


def _why_not(app, spec: ScreenSpec, cls, action: str) -> str | None:
    name = action.split("(", 1)[0]
    screen = _existing(app, spec)
    if screen is not None and screen.is_mounted:
        if screen.check_action(name, ()) is True:
            return None
        return screen.disabled_reason(name)
    reasons = cls.palette_reasons(app)
    return reasons.get(name)


def entries(app) -> Iterator[Entry]:
    """Every screen with its key, then every action of every screen."""
    for s in SCREENS:
        if s.available():
            text = f"{s.title}  ({s.key})"
            yield Entry(text, text, s.help, partial(app.open_screen, s.id))
    here = app.current_mode
    for s in sorted(SCREENS, key=lambda spec: spec.id != here):
        if not s.available():
            continue
        cls = s.screen_class()
        for b in screen_bindings(cls):
            key = app.get_key_display(b).strip()
            text = f"{s.title}: {b.description}  ({key})"
            why = _why_not(app, s, cls, b.action)
            help_text = f"not now: {why}" if why else (b.tooltip or f"on {s.title}")
            yield Entry(
                text,
                f"{text} {b.tooltip}",
                help_text,
                partial(app.run_screen_action, s.id, b.action),
                here=s.id == here,
            )


class ScreensProvider(Provider):
    """Home, API Credentials, Synchronization, … and each screen's actions, with their keys."""

    async def discover(self) -> Hits:
        for e in entries(self.app):
            # Content, not markup: "(/)" or "(e)" must show as typed.
            yield DiscoveryHit(Content(e.text), e.command, text=e.text, help=e.help)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for e in entries(self.app):
            score = max(matcher.match(e.text), matcher.match(e.words) * 0.8)
            if score > 0:
                # The screen the user is on first, then the rest, each by how well it matches.
                score = 0.5 + score / 2 if e.here else score / 2
                yield Hit(
                    score, matcher.highlight(escape(e.text)), e.command, text=e.text, help=e.help
                )
