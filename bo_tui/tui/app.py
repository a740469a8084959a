"""The bo-tui Textual app: screens as modes (see ``registry``), global keys, the command
palette, help, keymap, the acting user, and a clean exit when the terminal goes away."""

from __future__ import annotations

import asyncio
import datetime as dt
import signal
from collections.abc import Callable

import platformdirs
from textual.app import App
from textual.binding import Binding

from bo_tui.core import reference
from bo_tui.core import users as users_core
from bo_tui.core.users import os_login
from bo_tui.store import Store

from .commands import ScreensProvider
from .keymap import load_keymap
from .messages import WorkerFailed
from .registry import SCREENS, spec
from .screens.base import BaseScreen
from .screens.help import HelpScreen


def _screen_bindings() -> list[Binding]:
    return [
        Binding(
            s.key,
            f"open_screen('{s.id}')",
            s.title,
            id=f"screen.{s.id}",
            show=False,
            tooltip=f"Open {s.title}: {s.help}",
        )
        for s in SCREENS
        if s.available()
    ]


class BoTuiApp(App):
    """The district's console. ``clock`` and ``login`` are injectable for tests."""

    TITLE = "bo-tui"
    CSS_PATH = "app.tcss"
    COMMANDS = App.COMMANDS | {ScreensProvider}
    MODES = {s.id: s.make for s in SCREENS if s.available()}
    DEFAULT_MODE = "home"
    BINDINGS = [
        Binding(
            "question_mark,f1",
            "help",
            "Help",
            id="app.help",
            tooltip="The keys of this screen, with what each does",
        ),
        Binding(
            "ctrl+p",
            "command_palette",
            "Palette",
            id="app.palette",
            show=False,
            tooltip="Find any screen or action by name",
        ),
        Binding("ctrl+q", "quit", "Quit", id="app.quit", show=False, tooltip="Quit bo-tui"),
        *_screen_bindings(),
    ]

    def __init__(
        self,
        store: Store,
        *,
        login: str | None = None,
        clock: Callable[[], dt.datetime] | None = None,
        data_dir: str | None = None,
    ) -> None:
        super().__init__()
        self.store = store
        self.login = login or os_login()
        self._clock = clock
        self.data_dir = data_dir or platformdirs.user_data_dir("bo-tui")
        self.user: users_core.UserInfo | None = None
        self.header_text = ""
        self.reload_user()

    def now(self) -> dt.datetime:
        return self._clock() if self._clock else dt.datetime.now(dt.UTC).replace(tzinfo=None)

    def reload_user(self) -> None:
        with self.store.session() as session:
            self.user = users_core.acting_user(session, self.login)
            district = reference.district_name(session)
        # The login, not the full name: the title and the district fit 80 columns with it.
        who = self.login if self.user else f"{self.login} (not a Campus user)"
        self.header_text = f"{district} · {who}" if district else who
        if self.is_running and isinstance(self.screen, BaseScreen):
            self.screen.set_titles()

    def on_mount(self) -> None:
        keymap, problem = load_keymap()
        if keymap:
            self.set_keymap(keymap)
        if problem:
            self.notify(problem, title="keymap.toml ignored", severity="warning")
        try:
            # The SSH session went away: leave cleanly instead of writing to a dead terminal.
            asyncio.get_running_loop().add_signal_handler(signal.SIGHUP, self.exit)
        except (NotImplementedError, RuntimeError, ValueError):
            pass

        self.run_worker(self._startup, thread=True, group="startup", exit_on_error=False)

    def _startup(self) -> None:
        """Start-up duties of the core: a login restarts this contact's inactivity clock
        (R-SUP-4); follow-ups that fell due are written (R-SUP-8); a commit job interrupted by
        a crash resumes in the background (R-SYNC-11)."""
        from bo_tui.core import support
        from bo_tui.core import sync as jobs

        now = self.now()
        with self.store.transaction() as session:
            support.record_login(session, self.login, now)
            support.apply_follow_ups(session, now)
        resumed = jobs.resume_interrupted(self.store)
        if resumed:
            self.call_from_thread(
                self.notify,
                f"An interrupted commit job ({', '.join(map(str, resumed))}) resumes in the background.",
                title="Synchronization",
            )

    def on_worker_state_changed(self, event) -> None:
        # The App's own workers (start-up); screens and widgets forward theirs as WorkerFailed.
        from textual.worker import WorkerState

        if event.state == WorkerState.ERROR:
            self.report_failure(event.worker.error, what=event.worker.group or "")

    def on_worker_failed(self, message: WorkerFailed) -> None:
        """The one place a failed worker becomes a visible, calm error (STYLE.md, TUI)."""
        self.report_failure(message.error, what=message.what)

    def open_screen(self, screen_id: str) -> None:
        s = spec(screen_id)
        if not s.available():
            self.notify(f"{s.title} is not part of this build yet.", severity="warning")
            return
        if self.current_mode != screen_id:
            self.switch_mode(screen_id)

    def run_screen_action(self, screen_id: str, action: str) -> None:
        """The palette's choice: go to the screen, then run the action there (or say why not)
        once the screen shows its state."""
        self.open_screen(screen_id)
        screen = self.get_screen_stack(screen_id)[0] if self.get_screen_stack(screen_id) else None
        if screen is not None and isinstance(screen, BaseScreen):
            screen.run_when_ready(action)

    def action_open_screen(self, screen_id: str) -> None:
        self.open_screen(screen_id)

    def report_failure(self, error: BaseException | None, *, what: str = "") -> None:
        """A worker failed: say so in one calm line (CoreError messages are safe to show;
        anything else is named by type only, so no SSN or secret reaches the screen)."""
        from bo_tui.core.errors import CoreError
        from bo_tui.store import StoreError

        if isinstance(error, CoreError | StoreError):
            text = getattr(error, "message", None) or str(error)
        else:
            text = f"unexpected {type(error).__name__}; see the error log"
            self.log.error(f"worker {what} failed: {type(error).__name__}")
        self.notify(text, title="Could not finish", severity="error", timeout=8)

    def action_help(self) -> None:
        rows, seen = [], set()
        for active in self.active_bindings.values():
            b = active.binding
            if not b.id or not b.description or (b.action, b.description) in seen:
                continue
            seen.add((b.action, b.description))
            rows.append((self.get_key_display(b), b.tooltip or b.description, b.id or ""))
        self.push_screen(HelpScreen(rows, getattr(self.screen, "TITLE", "") or "bo-tui"))


def run_app(store: Store) -> int:
    BoTuiApp(store).run()
    return 0
