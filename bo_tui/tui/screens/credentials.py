"""API Credentials (R-CRED-1, R-CRED-2): Client ID, the masked secret with Show Secret, Token,
Base and documentation URLs, the guide, copy via OSC 52, Generate New Secret, the API server."""

from __future__ import annotations

from rich.markup import escape
from rich.table import Table
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Footer, Header, LoadingIndicator, Static
from textual.worker import Worker, WorkerState

from bo_tui.core import credentials as cred_core
from bo_tui.core import rights

from ..widgets.admin_modals import AdminConfirm
from .base import BaseScreen

# The seed's warning, word for word where it speaks of Campus.
ROTATE_WARNING = (
    "[b]WARNING:[/b] This should [b]ONLY[/b] be used if you feel the current secret has been "
    "compromised. If you generate a new secret, this new secret must then be used by the HR "
    "system to generate a new token. Until that happens all API calls from the HR system will "
    "fail.\n\nThe current secret and every token issued with it stop working at once."
)


class CredentialsScreen(BaseScreen):
    TITLE = "API Credentials"
    DEFAULT_CSS = """
    CredentialsScreen #cred-body { padding: 0 1; }
    CredentialsScreen .cred-section { text-style: bold; color: $accent; padding: 1 0 0 0; }
    CredentialsScreen #cred-refused { padding: 1 0; color: $warning; }
    CredentialsScreen LoadingIndicator { height: 3; }
    """
    BINDINGS = [
        # The footer at 80 columns shows the first ones; ? and the palette list them all.
        Binding(
            "v",
            "toggle_secret",
            "Show secret",
            id="credentials.show_secret",
            tooltip="Show or mask the client secret (needs the Show Secret right)",
        ),
        Binding(
            "g",
            "new_secret",
            "New secret",
            id="credentials.new_secret",
            tooltip="Generate New Secret (rotate): the old secret and its tokens stop at once",
        ),
        Binding(
            "c",
            "copy('clientId')",
            "Copy ID",
            id="credentials.copy_client_id",
            tooltip="Copy the client ID to the clipboard (OSC 52)",
        ),
        Binding(
            "s",
            "copy('clientSecret')",
            "Copy secret",
            id="credentials.copy_secret",
            tooltip="Copy the client secret to the clipboard (OSC 52)",
        ),
        Binding(
            "t",
            "copy('tokenUrl')",
            "Copy token URL",
            id="credentials.copy_token_url",
            show=False,
            tooltip="Copy the Token URL to the clipboard",
        ),
        Binding(
            "b",
            "copy('baseUrl')",
            "Copy base URL",
            id="credentials.copy_base_url",
            show=False,
            tooltip="Copy the Base URL to the clipboard",
        ),
        Binding(
            "d",
            "copy('documentationUrl')",
            "Copy docs URL",
            id="credentials.copy_docs_url",
            show=False,
            tooltip="Copy the API documentation URL to the clipboard",
        ),
        Binding(
            "l",
            "copy('guideUrl')",
            "Copy guide link",
            id="credentials.copy_guide_url",
            show=False,
            tooltip="Copy the user guide link to the clipboard",
        ),
        Binding(
            "r",
            "refresh",
            "Refresh",
            id="credentials.refresh",
            show=False,
            tooltip="Read the credentials and the server state again",
        ),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.creds: cred_core.Credentials | None = None
        self._in_modal = False

    def compose(self) -> ComposeResult:
        yield Header(icon="≡")
        with VerticalScroll(id="cred-body"):
            yield Static("", id="cred-refused")
            yield LoadingIndicator()
            yield Static("API Credentials", classes="cred-section")
            yield Static("", id="cred-client")
            yield Static("API Information", classes="cred-section")
            yield Static("", id="cred-info")
            yield Static("API Server", classes="cred-section")
            yield Static("", id="cred-server")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#cred-refused").display = False
        for w in self.query(".cred-section"):
            w.display = False
        self.action_refresh()

    def on_screen_resume(self) -> None:
        # Back from another screen: refresh (serve may have started). Back from our own
        # modal: nothing changed that the modal's answer does not reload itself.
        if self._in_modal:
            self._in_modal = False
            return
        self.action_refresh()

    @property
    def revealed(self) -> bool:
        return bool(self.creds and self.creds.revealed)

    def check_action(self, action: str, parameters: tuple) -> bool | None:
        if action in ("toggle_secret", "new_secret", "copy"):
            return self.creds is not None
        return True

    # --- reading ----------------------------------------------------------------------

    def action_refresh(self) -> None:
        if not self.can(rights.CREDENTIALS):
            self._refuse(self.why_not(rights.CREDENTIALS))
            return
        self.load(reveal=self.revealed)

    def _refuse(self, reason: str) -> None:
        self.query_one(LoadingIndicator).display = False
        refused = self.query_one("#cred-refused", Static)
        refused.display = True
        refused.update(f"The API credentials are not shown: {escape(reason)}")

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        # The base screen notifies; here the spinner gives way to the reason (e.g. no district).
        if event.state == WorkerState.ERROR and event.worker.group == "credentials":
            error = event.worker.error
            self._refuse(getattr(error, "message", None) or "the store could not be read.")

    @work(thread=True, exclusive=True, exit_on_error=False, group="credentials")
    def load(self, reveal: bool = False) -> None:
        app = self.app
        # A transaction, not a read: the first look at the credentials makes the client.
        with app.store.transaction() as session:
            creds = cred_core.get_credentials(session, reveal=reveal)
            server = cred_core.server_info(session, now=app.now())
        creds.server = server
        app.call_from_thread(self.show, creds)

    def show(self, creds: cred_core.Credentials) -> None:
        self.creds = creds
        self.query_one(LoadingIndicator).display = False
        for w in self.query(".cred-section"):
            w.display = True

        def grid() -> Table:
            t = Table.grid(padding=(0, 1), expand=True)
            t.add_column(width=1, style="bold")
            t.add_column(width=14, style="bold")
            t.add_column(ratio=1, overflow="fold")
            return t

        client = grid()
        client.add_row("c", "Client ID", escape(creds.clientId))
        if creds.revealed:
            secret = f"{escape(creds.clientSecret)}"
        else:
            secret = f"{escape(creds.clientSecret)}  [dim](masked)[/dim]"
        client.add_row("s", "Client Secret", secret)
        if self.can(rights.SHOW_SECRET):
            state = "[b]ON[/b]" if creds.revealed else "OFF"
            client.add_row("v", "Show Secret", f"{state}  [dim]v toggles[/dim]")
        else:
            client.add_row(
                "v",
                "Show Secret",
                f"[dim]unavailable: {escape(self.why_not(rights.SHOW_SECRET))}[/dim]",
            )
        rotated = creds.rotatedAt.strftime("%Y-%m-%d %H:%M UTC") if creds.rotatedAt else "never"
        client.add_row("g", "New Secret", f"Generate New Secret  [dim](last: {rotated})[/dim]")
        self.query_one("#cred-client", Static).update(client)

        info = grid()
        info.add_row("t", "Token URL", escape(creds.tokenUrl))
        info.add_row("b", "Base URL", escape(creds.baseUrl))
        info.add_row("l", "User Guide", escape(creds.guideUrl))
        info.add_row("d", "API Docs", escape(creds.documentationUrl))
        self.query_one("#cred-info", Static).update(info)

        info = creds.server
        if info is None:
            server = "Not started on this store yet. Start it with [b]bo-tui serve[/b]."
        else:
            where = info.publicUrl or cred_core.listen_url(info.host, info.port)
            if info.running:
                server = f"[green]Running[/green] at {escape(where)}"
                if info.hostname:
                    server += f" on {escape(info.hostname)} (pid {info.pid})"
            else:
                server = (
                    f"[yellow]Not running[/yellow] (last at {escape(where)}). "
                    "Start it with [b]bo-tui serve[/b]."
                )
        self.query_one("#cred-server", Static).update(server)
        self.refresh_bindings()

    # --- Show Secret --------------------------------------------------------------------

    def action_toggle_secret(self) -> None:
        if not self.can(rights.SHOW_SECRET):
            self.notify(
                self.why_not(rights.SHOW_SECRET), title="Secret stays hidden", severity="warning"
            )
            return
        self.load(reveal=not self.revealed)

    # --- copy ---------------------------------------------------------------------------

    def action_copy(self, field: str) -> None:
        if self.creds is None:
            return
        labels = {
            "clientId": "Client ID",
            "clientSecret": "Client Secret",
            "tokenUrl": "Token URL",
            "baseUrl": "Base URL",
            "documentationUrl": "API documentation URL",
            "guideUrl": "User guide link",
        }
        if field == "clientSecret":
            if not self.can(rights.SHOW_SECRET):
                self.notify(
                    self.why_not(rights.SHOW_SECRET), title="Not copied", severity="warning"
                )
                return
            self.copy_secret()
            return
        self.app.copy_to_clipboard(getattr(self.creds, field))
        self.notify(f"{labels[field]} copied to the clipboard (OSC 52).")

    @work(thread=True, exclusive=True, exit_on_error=False, group="credentials-copy")
    def copy_secret(self) -> None:
        app = self.app
        with app.store.transaction() as session:
            secret = cred_core.get_credentials(session, reveal=True).clientSecret
        app.call_from_thread(app.copy_to_clipboard, secret)
        app.call_from_thread(self.notify, "Client Secret copied to the clipboard (OSC 52).")

    # --- Generate New Secret (R-CRED-2) -------------------------------------------------

    def action_new_secret(self) -> None:
        if not self.can(rights.CREDENTIALS):
            self.notify(self.why_not(rights.CREDENTIALS), title="Not allowed", severity="warning")
            return

        def answered(confirmed: bool | None) -> None:
            if confirmed:
                self.rotate(reveal=self.revealed)

        self._in_modal = True
        self.app.push_screen(
            AdminConfirm("Generate New Secret", ROTATE_WARNING, "Generate New Secret"), answered
        )

    @work(thread=True, exclusive=True, exit_on_error=False, group="credentials-rotate")
    def rotate(self, reveal: bool = False) -> None:
        app = self.app
        with app.store.transaction() as session:
            creds = cred_core.rotate_secret(session, reveal=reveal)
            creds.server = cred_core.server_info(session, now=app.now())
        app.call_from_thread(self.rotated, creds)

    def rotated(self, creds: cred_core.Credentials) -> None:
        self.show(creds)
        self.notify(
            "The old secret and its tokens no longer work. Give the new secret to the HR system.",
            title="New secret generated",
            severity="warning",
            timeout=8,
        )
