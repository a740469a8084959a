"""The base of every top-level screen: ``q`` and Escape go back to Home (Home: quit), the
acting user's rights, and a helper that runs store reads in workers so no screen blocks."""

from __future__ import annotations

from textual import events
from textual.binding import Binding
from textual.screen import ModalScreen, Screen
from textual.widgets import Footer

from ..failures import ForwardsFailures


class BaseScreen(ForwardsFailures, Screen):
    """A top-level screen (a mode of the app)."""

    TITLE = ""
    BINDINGS = [
        Binding("escape", "back", "Back", id="screen.back", show=False, tooltip="Back to Home"),
        Binding("q", "back", "Back", id="screen.back_q", tooltip="Back to Home"),
    ]

    @property
    def store(self):
        return self.app.store

    @property
    def user(self):
        return self.app.user

    def can(self, right: str) -> bool:
        return self.app.user is not None and self.app.user.can(right)

    def why_not(self, right: str) -> str:
        from bo_tui.core import rights

        who = self.app.login if self.app.user is None else self.app.user.username
        if self.app.user is None:
            return f"{who} is not a Campus user: ask a user administrator to add this login."
        return f"{who} lacks the tool right '{rights.ALL.get(right, right)}'."

    def on_mount(self) -> None:
        self.set_titles()
        for footer in self.query(Footer):
            footer.compact = True  # one space between keys: more of them fit at 80 columns
        if self.READY_ON_MOUNT:
            self.call_after_refresh(self.mark_ready)

    def on_screen_resume(self) -> None:
        self.set_titles()

    def set_titles(self) -> None:
        """Header: ``Screen — district · acting user``."""
        self.title = self.TITLE or "bo-tui"
        self.sub_title = self.app.header_text

    def action_back(self) -> None:
        self.app.open_screen("home")

    # -- the palette runs a screen's action once the screen shows its state -----------------
    _ready = False
    _pending: str | None = None
    READY_ON_MOUNT = True  # False: the screen calls ``mark_ready`` once its state is loaded

    @classmethod
    def palette_reasons(cls, app) -> dict[str, str]:
        """Why actions of this screen are not possible now, before the screen was ever opened
        (the palette lists them with the reason); a screen whose state is the core's says."""
        return {}

    def run_when_ready(self, action: str) -> None:
        self._pending = action
        if self._ready:
            self.call_later(self._run_pending)

    def mark_ready(self) -> None:
        self._ready = True
        if self._pending:
            self.call_later(self._run_pending)

    async def _run_pending(self) -> None:
        action, self._pending = self._pending, None
        if not action:
            return
        if not await self.app.run_action(action, self):
            name = action.split("(", 1)[0]
            why = self.disabled_reason(name) or "it is not possible on this screen now"
            self.notify(why, title="Not now", severity="warning", timeout=6)

    def disabled_reason(self, action: str) -> str | None:
        """Why ``action`` is shown but not possible now (a screen asks the core's actions)."""
        return None

    def on_key(self, event: events.Key) -> None:
        # A key whose action is not possible now says why, never nothing (SPEC section 10):
        # Textual skips a disabled binding and lets the key bubble up to here.
        for binding in self._bindings.key_to_bindings.get(event.key, ()):
            name = binding.action.split("(", 1)[0]
            if self.check_action(name, ()) is not None:
                continue
            reason = self.disabled_reason(name)
            if reason:
                event.stop()
                self.notify(
                    reason, title=f"{binding.description}: not now", severity="warning", timeout=5
                )
                return


class BaseModal(ForwardsFailures, ModalScreen):
    """A modal: Escape and ``q`` close it (``q`` only when no text field has focus)."""

    BINDINGS = [
        Binding(
            "escape",
            "close",
            "Close",
            id="modal.close",
            show=False,
            tooltip="Close without changing anything",
        ),
        Binding(
            "q",
            "close",
            "Close",
            id="modal.close_q",
            show=False,
            tooltip="Close without changing anything",
        ),
    ]

    def action_close(self) -> None:
        self.dismiss(None)
