"""Home: the district, the store, counts, sync state and what to do next, unread messages,
errors of the last 24 hours; on an empty store, the offer to load the demo district."""

from __future__ import annotations

from rich.markup import escape
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Button, DataTable, Footer, Header, Label, ProgressBar, Static

from bo_tui.core import overview as ov_core

from ..messages import DataChanged, ProgressMade
from .base import BaseScreen

DEMO_STAFF = 3000
DEMO_HR_FILE = "demo-hr-export.json"  # in the app's data directory


def demo_hr_file(data_dir: str):
    """The demo district's HR export, when the console wrote one (Home shows it, and the
    Synchronization screen offers it in its file box)."""
    from pathlib import Path

    path = Path(data_dir) / DEMO_HR_FILE
    return path if path.is_file() else None


class HomeScreen(BaseScreen):
    TITLE = "Home"
    BINDINGS = [
        Binding("r", "refresh", "Refresh", id="home.refresh", tooltip="Read the counts again"),
        Binding(
            "d",
            "load_demo",
            "Load demo district",
            id="home.load_demo",
            tooltip="Load the demo district into this empty store",
        ),
        Binding("q", "app.quit", "Quit", id="home.quit", tooltip="Quit bo-tui"),
        Binding(
            "escape", "app.quit", "Quit", id="home.quit_escape", show=False, tooltip="Quit bo-tui"
        ),
    ]

    def compose(self) -> ComposeResult:
        yield Header(icon="≡")
        with VerticalScroll(id="home-body"):
            yield Static("Loading…", id="home-district", classes="panel-title")
            with Vertical(id="demo-offer"):
                yield Static(
                    "This store holds no district yet. Load the demo district to explore every "
                    f"screen: {DEMO_STAFF:,} Campus staff with realistic dirty data, and a matching "
                    "HR export file to synchronize.",
                    id="demo-text",
                )
                yield Button("Load demo district (d)", id="demo-load", variant="primary")
                yield ProgressBar(total=100, show_eta=False, id="demo-progress")
                yield Static("", id="demo-status")
            with Horizontal(id="home-cards"):
                with Vertical(classes="card", id="card-counts"):
                    yield Label("Campus", classes="card-title")
                    yield Static("", id="home-counts")
                with Vertical(classes="card", id="card-sync"):
                    yield Label("Synchronization", classes="card-title")
                    yield Static("", id="home-sync")
                with Vertical(classes="card", id="card-inbox"):
                    yield Label("Attention", classes="card-title")
                    yield Static("", id="home-attention")
            with Vertical(id="home-errors"):
                yield Label("Errors of the last 24 hours (Enter opens one)", classes="card-title")
                yield DataTable(id="home-errors-table", cursor_type="row", zebra_stripes=True)
            yield Static("", id="home-demo-file")
            yield Static(self._screen_keys(), id="home-keys")
        yield Footer()

    @staticmethod
    def _screen_keys() -> str:
        """Every screen with its key, so a newcomer sees where everything is."""
        from ..registry import SCREENS

        items = [f"[b]{s.key}[/b] {s.title}" for s in SCREENS if s.id != "home" and s.available()]
        half = (len(items) + 1) // 2
        rows = []
        for left, right in zip(items[:half], items[half:] + [""], strict=False):
            pad = 30 - len(left.replace("[b]", "").replace("[/b]", ""))
            rows.append(f"{left}{' ' * max(pad, 2)}{right}")
        return "[dim]Screens[/dim]  (ctrl+p finds every screen and action)\n" + "\n".join(rows)

    def on_mount(self) -> None:
        self.query_one("#demo-offer").display = False
        self.query_one("#demo-progress").display = False
        self.action_refresh()

    def on_screen_resume(self) -> None:
        self.action_refresh()

    def action_refresh(self) -> None:
        self.load_overview()

    @work(thread=True, exclusive=True, group="home-overview", exit_on_error=False)
    def load_overview(self) -> None:
        app = self.app
        with app.store.session() as session:
            ov = ov_core.home_overview(session, username=app.login, now=app.now())
        app.call_from_thread(self.show_overview, ov)

    def show_overview(self, ov: ov_core.Overview) -> None:
        app = self.app
        if ov.district:
            title = f"[b]{ov.district}[/b]  ({ov.state}, appName {ov.app_name})"
        else:
            title = "[b]No district loaded[/b]"
        self.query_one("#home-district", Static).update(
            f"{title}\n[dim]Store: {app.store.location}[/dim]"
        )
        self.query_one("#home-counts", Static).update(
            f"Persons    {ov.persons:>9,}\nStaff      {ov.staff:>9,}\n"
            f"Schools    {ov.schools:>9,}\nAddresses  {ov.addresses:>9,}"
        )
        sync = f"State: [b]{ov.sync_state}[/b]"
        if ov.sync_started_by:
            sync += f"\nby {escape(ov.sync_started_by)}, {ov.sync_transferred:,} staff"
        if ov.next_steps:
            sync += f"\n[dim]Next (3): {escape(' · '.join(ov.next_steps))}[/dim]"
        elif ov.sync_note:
            sync += f"\n[dim]{escape(ov.sync_note)}[/dim]"
        self.query_one("#home-sync", Static).update(sync)
        self._show_errors(ov.recent_errors)
        demo_file = demo_hr_file(app.data_dir)
        self.query_one("#home-demo-file", Static).update(
            f"[dim]Demo HR export:[/dim] {escape(str(demo_file))}\n[dim]  3, s starts a sync; the file is in its file box: f, Enter sends it[/dim]"
            if demo_file
            else ""
        )
        lines = []
        if ov.unread_messages is not None:
            lines.append(f"Unread     {ov.unread_messages:>5} [dim][8][/dim]")
        if ov.errors_24h is not None:
            lines.append(f"Errors 24h {ov.errors_24h:>5} [dim][6][/dim]")
        if app.user is None:
            lines.append(f"[yellow]Login {app.login} is not a Campus user.[/yellow]")
        self.query_one("#home-attention", Static).update(
            "\n".join(lines) or "[dim]Nothing needs you.[/dim]"
        )
        offer = self.query_one("#demo-offer")
        offer.display = ov.empty and not self._loading
        self.refresh_bindings()

    _loading = False

    def _show_errors(self, entries) -> None:
        """The last day's errors: time, action, the message's first line (SPEC section 10)."""
        self._errors = list(entries)
        box = self.query_one("#home-errors")
        box.display = bool(self._errors)
        table = self.query_one("#home-errors-table", DataTable)
        if not table.columns:
            table.add_columns("Time (UTC)", "Action", "Message")
        table.clear()
        for e in self._errors:
            first = (e.message or "").splitlines()[0] if e.message else ""
            table.add_row(f"{e.errorDate:%H:%M}", e.action, first[:90])

    _errors: list = []

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        if event.data_table.id != "home-errors-table" or not self._errors:
            return
        entry = self._errors[event.cursor_row]
        self.app.open_screen("errors")
        stack = self.app.get_screen_stack("errors")
        if stack:
            stack[0].call_after_refresh(stack[0].show_payload, entry)

    def check_action(self, action: str, parameters: tuple) -> bool | None:
        if action == "load_demo":
            offer = self.query("#demo-offer")
            return bool(offer) and offer.first().display and not self._loading
        return True

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "demo-load":
            self.action_load_demo()

    def action_load_demo(self) -> None:
        if self._loading:
            return
        self._loading = True
        self.query_one("#demo-load", Button).disabled = True
        bar = self.query_one("#demo-progress", ProgressBar)
        bar.display = True
        bar.update(total=DEMO_STAFF + 1, progress=0)
        self.query_one("#demo-status", Static).update("Loading the demo district…")
        self.load_demo()

    @work(thread=True, exclusive=True, group="demo", exit_on_error=False)
    def load_demo(self) -> None:
        from pathlib import Path

        from bo_tui.core.demo import build_demo

        app = self.app
        hr_out = Path(app.data_dir) / DEMO_HR_FILE
        hr_out.parent.mkdir(parents=True, exist_ok=True)
        result = build_demo(
            app.store,
            staff=DEMO_STAFF,
            hr_out=str(hr_out),
            login=app.login,
            progress=lambda done, total: self.post_message(ProgressMade("demo", done, total)),
        )
        app.call_from_thread(self.demo_loaded, result)

    def on_progress_made(self, message: ProgressMade) -> None:
        if message.group == "demo":
            self.query_one("#demo-progress", ProgressBar).update(
                total=message.total, progress=message.done
            )

    def demo_loaded(self, result) -> None:
        self._loading = False
        self.query_one("#demo-offer").display = False
        self.app.reload_user()
        self.app.notify(
            f"{result.staff:,} staff loaded in {result.seconds:.1f} s. HR export: {result.hr_out}",
            title="Demo district ready",
        )
        self.app.post_message(DataChanged("demo"))
        self.action_refresh()

    def on_worker_state_changed(self, event) -> None:
        from textual.worker import WorkerState

        if event.worker.group == "demo" and event.state == WorkerState.ERROR:
            self._loading = False
            self.query_one("#demo-load", Button).disabled = False
            self.query_one("#demo-status", Static).update(
                "[red]The demo could not be loaded.[/red]"
            )
