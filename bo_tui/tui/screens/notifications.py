"""Business Office Notifications (R-NOTE-1..3): the list; new and edit with a type and
recipients typed ahead over eligible users; removing every recipient deletes the notification."""

from __future__ import annotations

from rich.markup import escape
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import (
    Button,
    DataTable,
    Footer,
    Header,
    Input,
    Label,
    OptionList,
    Select,
    Static,
)
from textual.widgets.option_list import Option

from bo_tui.core import notifications as note_core
from bo_tui.core import rights
from bo_tui.core.errors import CoreError, RuleViolation
from bo_tui.core.queries import NotificationQuery

from ..widgets.admin_modals import AdminConfirm
from .base import BaseModal, BaseScreen

TYPE_HELP = {
    note_core.HR_STAFF: "the HR system creates or updates staff or their assignments",
    note_core.HR_SYNC_COMMIT: "a staff synchronization commit finishes",
}
MATCHES_SHOWN = 6


def _who(r: note_core.Recipient) -> str:
    return f"{r.name} ({r.username})"


class NotificationEditor(BaseModal):
    """New or edit: type, recipients (type-ahead over ``eligible``), Save in a worker.
    Dismisses with ``("saved", NotificationOut)``, ``("deleted", id)`` or None."""

    DEFAULT_CSS = """
    NotificationEditor { align: center middle; }
    NotificationEditor > Vertical {
        width: 76; max-width: 98%; height: auto; max-height: 98%;
        border: round $accent; background: $surface; padding: 0 1;
    }
    NotificationEditor .ne-row { height: 1; margin: 1 0 0 0; }
    NotificationEditor .ne-label { width: 6; text-style: bold; }
    NotificationEditor .ne-row Select, NotificationEditor .ne-row Input { width: 1fr; }
    NotificationEditor .ne-head { text-style: bold; margin: 1 0 0 0; height: auto; }
    NotificationEditor .ne-help { color: $text-muted; height: auto; }
    NotificationEditor OptionList { height: auto; max-height: 5; margin: 0 0 0 6; }
    NotificationEditor #ne-recipients { min-height: 1; }
    NotificationEditor .ne-error { color: $error; height: auto; }
    NotificationEditor .ne-buttons { height: 1; align-horizontal: right; margin: 1 0 0 0; }
    NotificationEditor .ne-buttons Button { margin: 0 0 0 2; }
    """
    BINDINGS = [
        Binding(
            "ctrl+s",
            "save",
            "Save",
            id="notification_editor.save",
            tooltip="Save the notification and its recipients",
        ),
        Binding(
            "delete,x",
            "remove",
            "Remove recipient",
            id="notification_editor.remove",
            tooltip="Remove the selected recipient",
        ),
    ]

    def __init__(
        self, note: note_core.NotificationOut | None, eligible: list[note_core.Recipient]
    ) -> None:
        super().__init__()
        self.note = note
        self.eligible = eligible
        self.chosen: list[note_core.Recipient] = list(note.recipients) if note else []
        self.matches: list[note_core.Recipient] = []

    def compose(self) -> ComposeResult:
        title = f"Notification {self.note.id}" if self.note else "New notification"
        with Vertical():
            yield Label(f"[b]{title}[/b]")
            with Horizontal(classes="ne-row"):
                yield Label("Type", classes="ne-label")
                yield Select(
                    [(t, t) for t in note_core.TYPES],
                    value=self.note.type if self.note else note_core.HR_STAFF,
                    allow_blank=False,
                    compact=True,
                    id="ne-type",
                )
            yield Static("", id="ne-type-help", classes="ne-help")
            yield Static("", id="ne-recipients-help", classes="ne-head")
            yield OptionList(id="ne-recipients", compact=True)
            yield Static("", id="ne-error", classes="ne-error")
            with Horizontal(classes="ne-row"):
                yield Label("Add", classes="ne-label")
                yield Input(
                    placeholder="a name or username; Enter adds the first match",
                    compact=True,
                    id="ne-add",
                )
            yield OptionList(id="ne-matches", compact=True)
            yield Static(
                "Only users with the District Employment or District Assignments right.",
                classes="ne-help",
            )
            with Horizontal(classes="ne-buttons"):
                yield Button("Cancel", id="ne-cancel", compact=True)
                yield Button("Save ^s", id="ne-save", variant="primary", compact=True)

    def on_mount(self) -> None:
        self._type_help()
        self._show_chosen()
        self._match("")
        self.query_one("#ne-add", Input).focus()

    # --- type ---------------------------------------------------------------------------

    @on(Select.Changed, "#ne-type")
    def _type_help(self) -> None:
        t = self.query_one("#ne-type", Select).value
        self.query_one("#ne-type-help", Static).update(f"Sent when {TYPE_HELP.get(t, '')}.")

    # --- recipients ---------------------------------------------------------------------

    def _show_chosen(self, highlight: int | None = None) -> None:
        lst = self.query_one("#ne-recipients", OptionList)
        lst.clear_options()
        lst.add_options([Option(escape(_who(r)), id=r.username) for r in self.chosen])
        if self.chosen:
            lst.highlighted = min(highlight or 0, len(self.chosen) - 1)
        help_ = self.query_one("#ne-recipients-help", Static)
        if not self.chosen:
            help_.update(
                "Recipients: [yellow]none; saving deletes this notification.[/yellow]"
                if self.note
                else "Recipients: none yet; add at least one."
            )
        else:
            help_.update(
                f"Recipients ({len(self.chosen)})  [dim]on the list, Delete or x removes one[/dim]"
            )

    @on(Input.Changed, "#ne-add")
    def _typed(self, event: Input.Changed) -> None:
        self._match(event.value)

    def _match(self, text: str) -> None:
        text = text.strip().lower()
        taken = {r.username for r in self.chosen}
        self.matches = [
            r
            for r in self.eligible
            if r.username not in taken
            and (not text or text in r.name.lower() or text in r.username.lower())
        ][:MATCHES_SHOWN]
        opts = self.query_one("#ne-matches", OptionList)
        opts.clear_options()
        opts.add_options([Option(escape(_who(r)), id=r.username) for r in self.matches])
        if self.matches:
            opts.highlighted = 0
        opts.display = bool(self.matches)

    def add(self, r: note_core.Recipient) -> None:
        if all(c.username != r.username for c in self.chosen):
            self.chosen.append(r)
        self.query_one("#ne-error", Static).update("")
        self._show_chosen(len(self.chosen) - 1)
        add = self.query_one("#ne-add", Input)
        add.value = ""
        self._match("")

    @on(Input.Submitted, "#ne-add")
    def _add_typed(self, event: Input.Submitted) -> None:
        if not event.value.strip():
            return
        if self.matches:
            self.add(self.matches[0])
        else:
            self.query_one("#ne-error", Static).update(
                f"No eligible user matches {escape(event.value.strip())!r}."
            )

    @on(OptionList.OptionSelected, "#ne-matches")
    def _add_picked(self, event: OptionList.OptionSelected) -> None:
        self.add(self.matches[event.option_index])
        self.query_one("#ne-add", Input).focus()

    def on_key(self, event) -> None:
        # Down from the type-ahead goes to its matches, as in a drop-down.
        add = self.query_one("#ne-add", Input)
        if event.key == "down" and self.focused is add and self.matches:
            self.query_one("#ne-matches", OptionList).focus()
            event.stop()

    def check_action(self, action: str, parameters: tuple) -> bool | None:
        if action == "remove":
            return self.focused is self.query_one("#ne-recipients", OptionList)
        return True

    def action_remove(self) -> None:
        lst = self.query_one("#ne-recipients", OptionList)
        i = lst.highlighted
        if i is None or not (0 <= i < len(self.chosen)):
            return
        del self.chosen[i]
        self._show_chosen(i)
        self._match(self.query_one("#ne-add", Input).value)
        if not self.chosen:
            self.query_one("#ne-add", Input).focus()

    # --- save ---------------------------------------------------------------------------

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "ne-save":
            self.action_save()
        else:
            self.dismiss(None)

    def action_save(self) -> None:
        type_ = str(self.query_one("#ne-type", Select).value)
        names = [r.username for r in self.chosen]
        if self.note and not names:

            def answered(ok: bool | None) -> None:
                if ok:
                    self.save(type_, names)

            self.app.push_screen(
                AdminConfirm(
                    "Delete this notification?",
                    "Every recipient was removed. Saving a notification without recipients "
                    "deletes it: nobody will be told any more.",
                    "Delete notification",
                ),
                answered,
            )
            return
        self.save(type_, names)

    @work(thread=True, exclusive=True, exit_on_error=False, group="notification-save")
    def save(self, type_: str, names: list[str]) -> None:
        app = self.app
        note_id = self.note.id if self.note else None
        try:
            with app.store.transaction() as session:
                out = note_core.save_notification(session, type_, names, note_id)
        except CoreError as exc:
            app.call_from_thread(self.show_error, exc)
            return
        app.call_from_thread(self.dismiss, ("saved", out) if out else ("deleted", note_id))

    def show_error(self, exc: CoreError) -> None:
        if isinstance(exc, RuleViolation):
            text = "\n".join(f"{e.field}: {e.message}" for e in exc.errors)
        else:
            text = exc.message
        self.query_one("#ne-error", Static).update(escape(text))


class NotificationsScreen(BaseScreen):
    TITLE = "Notifications"
    DEFAULT_CSS = """
    NotificationsScreen #notes-intro { padding: 0 1; height: auto; color: $text-muted; }
    NotificationsScreen #notes-table { height: 1fr; }
    NotificationsScreen #notes-status { padding: 0 1; height: auto; }
    """
    BINDINGS = [
        Binding(
            "n",
            "new",
            "New",
            id="notifications.new",
            tooltip="A new notification with its recipients",
        ),
        Binding(
            "e",
            "edit",
            "Edit",
            id="notifications.edit",
            tooltip="Change the notification's recipients",
        ),
        Binding(
            "d",
            "delete",
            "Delete",
            id="notifications.delete",
            tooltip="Delete the notification (asks first)",
        ),
        Binding(
            "r",
            "refresh",
            "Refresh",
            id="notifications.refresh",
            tooltip="Read the notifications again",
        ),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.notes: list[note_core.NotificationOut] = []
        self.eligible: list[note_core.Recipient] = []
        self._in_modal = False

    def compose(self) -> ComposeResult:
        yield Header(icon="≡")
        yield Static(
            "HR-Staff: the HR system created or updated staff or assignments. HR Sync Commit: "
            "a sync commit finished. Messages land in each recipient's Message Center.",
            id="notes-intro",
        )
        yield DataTable(cursor_type="row", id="notes-table")
        yield Static("Loading…", id="notes-status")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_column("#", width=4)
        table.add_column("Type", width=15)
        table.add_column("Recipients")
        table.focus()
        self.load()

    def on_screen_resume(self) -> None:
        if self._in_modal:
            self._in_modal = False
        else:
            self.load()

    def action_refresh(self) -> None:
        self.load()

    @work(thread=True, exclusive=True, exit_on_error=False, group="notifications")
    def load(self, select_id: int | None = None) -> None:
        app = self.app
        with app.store.session() as session:
            notes = NotificationQuery().page(session)
            eligible = note_core.eligible_recipients(session)
        app.call_from_thread(self.show, notes, eligible, select_id)

    def show(self, notes, eligible, select_id: int | None = None) -> None:
        self.notes, self.eligible = notes, eligible
        table = self.query_one(DataTable)
        cursor = table.cursor_row
        table.clear()
        for n in notes:
            names = ", ".join(r.name for r in n.recipients)
            table.add_row(str(n.id), n.type, names, key=str(n.id))
        if select_id is not None:
            cursor = next((i for i, n in enumerate(notes) if n.id == select_id), cursor)
        if notes:
            table.move_cursor(row=min(max(cursor, 0), len(notes) - 1))
        if not self.can(rights.BOI_ADMIN):
            status = f"[yellow]Read only: {escape(self.why_not(rights.BOI_ADMIN))}[/yellow]"
        elif not notes:
            status = "No notifications yet. n adds one."
        else:
            status = f"{len(notes)} notification(s).  ⏎ or e edits, n adds, d deletes."
        if not eligible:
            status += (
                "\n[yellow]No user holds District Employment or District Assignments.[/yellow]"
            )
        self.query_one("#notes-status", Static).update(status)

    @property
    def current(self) -> note_core.NotificationOut | None:
        row = self.query_one(DataTable).cursor_row
        return self.notes[row] if self.notes and 0 <= row < len(self.notes) else None

    def check_action(self, action: str, parameters: tuple) -> bool | None:
        if action in ("edit", "delete"):
            return self.can(rights.BOI_ADMIN) and self.current is not None
        if action == "new":
            return self.can(rights.BOI_ADMIN)
        return True

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        self.action_edit()

    def on_data_table_row_highlighted(self) -> None:
        self.refresh_bindings()

    def _edit(self, note: note_core.NotificationOut | None) -> None:
        if not self.can(rights.BOI_ADMIN):
            self.notify(self.why_not(rights.BOI_ADMIN), title="Read only", severity="warning")
            return
        self._in_modal = True
        self.app.push_screen(NotificationEditor(note, self.eligible), self.edited)

    def action_new(self) -> None:
        self._edit(None)

    def action_edit(self) -> None:
        if self.current is not None:
            self._edit(self.current)

    def edited(self, result) -> None:
        if not result:
            return
        what, value = result
        if what == "deleted":
            self.notify(f"Notification {value} deleted: it had no recipients left.")
            self.load()
        else:
            self.notify(f"Notification {value.id} saved ({len(value.recipients)} recipient(s)).")
            self.load(select_id=value.id)

    def action_delete(self) -> None:
        note = self.current
        if note is None or not self.can(rights.BOI_ADMIN):
            return

        def answered(ok: bool | None) -> None:
            if ok:
                self.delete(note.id)

        self._in_modal = True
        self.app.push_screen(
            AdminConfirm(
                f"Delete notification {note.id}?",
                f"{note.type}: {len(note.recipients)} recipient(s) will no longer be told.",
                "Delete",
            ),
            answered,
        )

    @work(thread=True, exclusive=True, exit_on_error=False, group="notifications-write")
    def delete(self, note_id: int) -> None:
        app = self.app
        with app.store.transaction() as session:
            note_core.delete_notification(session, note_id)
        app.call_from_thread(self.notify, f"Notification {note_id} deleted.")
        app.call_from_thread(self.load)
