"""Message Center (R-NOTE-3): the acting user's inbox of notifications, newest first, paged
from the store; unread count, read/unread, the message body."""

from __future__ import annotations

from rich.markup import escape
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Footer, Header, Static

from bo_tui.core import notifications as note_core
from bo_tui.core.queries import MessageQuery

from ..widgets.admin_modals import AdminTextView
from ..widgets.admin_paged_table import AdminPagedTable, Column
from .base import BaseScreen


class MessageCenterScreen(BaseScreen):
    TITLE = "Message Center"
    DEFAULT_CSS = """
    MessageCenterScreen #msg-head { height: 1; padding: 0 1; }
    MessageCenterScreen #msg-preview {
        height: 7; border-top: solid $primary 50%; padding: 0 1;
    }
    """
    BINDINGS = [
        Binding(
            "m",
            "toggle_read",
            "Read/unread",
            id="messages.toggle_read",
            tooltip="Mark the message read or unread",
        ),
        Binding(
            "a", "all_read", "All read", id="messages.all_read", tooltip="Mark every message read"
        ),
        Binding(
            "f",
            "unread_only",
            "Unread only",
            id="messages.unread_only",
            tooltip="Only unread messages (toggles)",
        ),
        Binding(
            "r", "refresh", "Refresh", id="messages.refresh", tooltip="Read the messages again"
        ),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.unread_only = False
        self.unread = 0
        self._in_modal = False

    def compose(self) -> ComposeResult:
        yield Header(icon="≡")
        yield Static("", id="msg-head")
        yield AdminPagedTable(
            [Column("", 1), Column("Received", 16), Column("Type", 14), Column("Subject", None)],
            self._query,
            self._cells,
            extra=self._unread,
            page_size=100,
            empty="No messages.",
            id="msg-table",
        )
        with VerticalScroll(id="msg-preview"):
            yield Static("", id="msg-body")
        yield Footer()

    @property
    def table(self) -> AdminPagedTable:
        return self.query_one(AdminPagedTable)

    def _query(self) -> MessageQuery | None:
        # The login may not be a Campus user: an empty inbox, said so in the head line.
        if self.app.user is None:
            return None
        return MessageQuery(self.app.login, unread_only=self.unread_only)

    def _unread(self, session) -> None:
        if self.app.user is not None:
            self.unread = MessageQuery(self.app.login).unread(session)

    @staticmethod
    def _cells(m: note_core.MessageOut):
        dot = Text("●", style="bold") if not m.read else Text(" ")
        subject = Text(m.subject, style="" if m.read else "bold")
        return (dot, m.createdAt.strftime("%Y-%m-%d %H:%M"), m.type, subject)

    def on_mount(self) -> None:
        self.table.reload()
        self.table.focus()

    def on_screen_resume(self) -> None:
        if self._in_modal:
            self._in_modal = False
        else:
            self.table.reload()

    def on_admin_paged_table_page_loaded(self, event: AdminPagedTable.PageLoaded) -> None:
        if self.app.user is None:
            head = f"[yellow]{escape(self.app.login)} is not a Campus user: no inbox.[/yellow]"
        else:
            which = "unread only" if self.unread_only else "all messages"
            head = f"[b]{self.unread:,} unread[/b]  ·  showing {which}"
        self.query_one("#msg-head", Static).update(head)
        self._preview(self.table.current)
        self.refresh_bindings()

    def on_admin_paged_table_row_highlighted(self, event: AdminPagedTable.RowHighlighted) -> None:
        self._preview(event.row)

    def _preview(self, m: note_core.MessageOut | None) -> None:
        body = self.query_one("#msg-body", Static)
        if m is None:
            body.update("[dim]No message selected.[/dim]")
            return
        body.update(
            f"[b]{escape(m.subject)}[/b]\n{escape(m.body) or '[dim](no text)[/dim]'}\n"
            "[dim]⏎ opens and marks read · m read/unread[/dim]"
        )

    def check_action(self, action: str, parameters: tuple) -> bool | None:
        if action == "toggle_read":
            return self.table.current is not None
        if action == "all_read":
            return self.unread > 0
        return True

    # --- actions ------------------------------------------------------------------------

    def action_refresh(self) -> None:
        self.table.reload()

    def action_unread_only(self) -> None:
        self.unread_only = not self.unread_only
        self.table.reload(first_page=True)

    def action_toggle_read(self) -> None:
        m = self.table.current
        if m is not None:
            self.mark(m.id, not m.read)

    def action_all_read(self) -> None:
        self.mark_all()

    def on_admin_paged_table_row_chosen(self, event: AdminPagedTable.RowChosen) -> None:
        m = event.row
        head = f"{m.createdAt:%Y-%m-%d %H:%M}  ·  {escape(m.type)}\n[b]{escape(m.subject)}[/b]"
        self._in_modal = True
        self.app.push_screen(AdminTextView("Message", head, Text(m.body), m.body))
        if not m.read:
            self.mark(m.id, True)

    @work(thread=True, exclusive=True, exit_on_error=False, group="messages-write")
    def mark(self, message_id: int, read: bool) -> None:
        app = self.app
        with app.store.transaction() as session:
            note_core.mark_read(session, app.login, [message_id], read)
        app.call_from_thread(self.table.reload)

    @work(thread=True, exclusive=True, exit_on_error=False, group="messages-write")
    def mark_all(self) -> None:
        app = self.app
        with app.store.transaction() as session:
            n = note_core.mark_all_read(session, app.login)
        app.call_from_thread(self.notify, f"{n:,} message(s) marked read.")
        app.call_from_thread(self.table.reload)
