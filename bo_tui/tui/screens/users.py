"""Users and their tool rights (SPEC section 10: tool rights decide what each screen offers,
R-NOTE-2 recipients); changing rights or activity needs the user-administration right."""

from __future__ import annotations

from rich.markup import escape
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Footer, Header, Label, SelectionList, Static

from bo_tui.core import rights
from bo_tui.core import users as users_core
from bo_tui.core.queries import UserQuery

from ..widgets.admin_modals import AdminConfirm, AdminPrompt
from ..widgets.admin_paged_table import AdminPagedTable, Column
from .base import BaseModal, BaseScreen


class RightsEditor(BaseModal):
    """Tick the tool rights of one user; dismisses with the new set, or None."""

    DEFAULT_CSS = """
    RightsEditor { align: center middle; }
    RightsEditor > Vertical {
        width: 64; max-width: 96%; height: auto; max-height: 96%;
        border: round $accent; background: $surface; padding: 0 1;
    }
    RightsEditor SelectionList { height: auto; max-height: 14; margin: 1 0; }
    RightsEditor .buttons { height: 1; align-horizontal: right; }
    RightsEditor .buttons Button { margin: 0 0 0 2; }
    """
    BINDINGS = [
        Binding(
            "ctrl+s", "save", "Save", id="rights_editor.save", tooltip="Save the user's tool rights"
        )
    ]

    def __init__(self, user: users_core.UserInfo) -> None:
        super().__init__()
        self.user = user

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(
                f"[b]Tool rights of {escape(self.user.name)}[/b] ({escape(self.user.username)})"
            )
            yield SelectionList[str](
                *[(label, name, name in self.user.rights) for name, label in rights.ALL.items()],
                compact=True,
            )
            yield Static("[dim]Space ticks or clears a right.[/dim]")
            with Horizontal(classes="buttons"):
                yield Button("Cancel", id="cancel", compact=True)
                yield Button("Save ^s", id="save", variant="primary", compact=True)

    def on_mount(self) -> None:
        self.query_one(SelectionList).focus()

    def action_save(self) -> None:
        self.dismiss(set(self.query_one(SelectionList).selected))

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "save":
            self.action_save()
        else:
            self.dismiss(None)


class UsersScreen(BaseScreen):
    TITLE = "Users"
    DEFAULT_CSS = """
    UsersScreen #users-head { height: auto; padding: 0 1; }
    UsersScreen #users-detail {
        height: 5; border-top: solid $primary 50%; padding: 0 1; overflow-y: auto;
    }
    """
    BINDINGS = [
        Binding(
            "e", "edit", "Edit rights", id="users.edit", tooltip="Change the user's tool rights"
        ),
        Binding(
            "a",
            "toggle_active",
            "Activate/deactivate",
            id="users.toggle_active",
            tooltip="Activate or deactivate the user",
        ),
        Binding(
            "slash", "search", "Search", id="users.search", tooltip="Find users by name or login"
        ),
        Binding(
            "x",
            "clear_search",
            "Clear search",
            id="users.clear_search",
            tooltip="Show every user again",
        ),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.text = ""
        self._in_modal = False

    def compose(self) -> ComposeResult:
        yield Header(icon="≡")
        yield Static("", id="users-head")
        yield AdminPagedTable(
            [
                Column("Username", 12),
                Column("Name", None, 14, weight=2),
                Column("Active", 6),
                Column("Tool rights", None, 20, weight=3),
            ],
            self._query,
            self._cells,
            page_size=100,
            empty="No users match.",
            id="users-table",
        )
        yield Static("", id="users-detail")
        yield Footer()

    @property
    def table(self) -> AdminPagedTable:
        return self.query_one(AdminPagedTable)

    def _query(self) -> UserQuery:
        return UserQuery(self.text)

    @staticmethod
    def _cells(u: users_core.UserInfo):
        active = Text("yes") if u.active else Text("no", style="yellow")
        if set(u.rights) >= set(rights.ALL):
            granted = f"all {len(rights.ALL)}"
        else:
            granted = ", ".join(u.rights) or "—"
        return (u.username, u.name, active, granted)

    def on_mount(self) -> None:
        self._head()
        self.table.reload()
        self.table.focus()

    def on_screen_resume(self) -> None:
        if self._in_modal:
            self._in_modal = False
        else:
            self.table.reload()

    def _head(self) -> None:
        search = f"Search: [b]{escape(self.text)}[/b]  ·  " if self.text else ""
        if self.can(rights.USER_ADMIN):
            how = "⏎ or e edits rights · a activates/deactivates · / search"
        else:
            how = f"[yellow]Read only: {escape(self.why_not(rights.USER_ADMIN))}[/yellow]"
        self.query_one("#users-head", Static).update(search + how)

    def check_action(self, action: str, parameters: tuple) -> bool | None:
        if action in ("edit", "toggle_active"):
            return self.can(rights.USER_ADMIN) and self.table.current is not None
        if action == "clear_search":
            return bool(self.text)
        return True

    def on_admin_paged_table_page_loaded(self) -> None:
        self._detail(self.table.current)
        self.refresh_bindings()

    def on_admin_paged_table_row_highlighted(self, event: AdminPagedTable.RowHighlighted) -> None:
        self._detail(event.row)

    def _detail(self, u: users_core.UserInfo | None) -> None:
        detail = self.query_one("#users-detail", Static)
        if u is None:
            detail.update("")
            return
        held = "; ".join(rights.ALL.get(r, r) for r in u.rights) or "no tool rights"
        state = "" if u.active else "  [yellow](inactive)[/yellow]"
        detail.update(f"[b]{escape(u.name)}[/b] ({escape(u.username)}){state}\n{escape(held)}")

    def on_admin_paged_table_row_chosen(self, event: AdminPagedTable.RowChosen) -> None:
        self.action_edit()

    # --- search -------------------------------------------------------------------------

    def action_search(self) -> None:
        def answered(text: str | None) -> None:
            if text is not None:
                self.text = text
                self._head()
                self.table.reload(first_page=True)

        self._in_modal = True
        self.app.push_screen(AdminPrompt("Search users", "Name or username", self.text), answered)

    def action_clear_search(self) -> None:
        self.text = ""
        self._head()
        self.table.reload(first_page=True)

    # --- rights and activity ------------------------------------------------------------

    def action_edit(self) -> None:
        user = self.table.current
        if user is None:
            return
        if not self.can(rights.USER_ADMIN):
            self.notify(self.why_not(rights.USER_ADMIN), title="Read only", severity="warning")
            return

        def answered(chosen: set[str] | None) -> None:
            if chosen is None or chosen == set(user.rights):
                return
            if user.username == self.app.login and rights.USER_ADMIN not in chosen:
                self._confirm_self_demotion(user.username, chosen)
            else:
                self.save_rights(user.username, chosen)

        self._in_modal = True
        self.app.push_screen(RightsEditor(user), answered)

    def _confirm_self_demotion(self, username: str, chosen: set[str]) -> None:
        def answered(ok: bool | None) -> None:
            if ok:
                self.save_rights(username, chosen)

        self._in_modal = True
        self.app.push_screen(
            AdminConfirm(
                "Give up your own user administration?",
                "Without the right 'User accounts and tool rights' you can no longer change "
                "anyone's tool rights, your own included; another user administrator would "
                "have to give it back.",
                "Give it up",
            ),
            answered,
        )

    def action_toggle_active(self) -> None:
        user = self.table.current
        if user is None or not self.can(rights.USER_ADMIN):
            return
        if user.username == self.app.login and user.active:
            # An inactive acting user holds no rights at all: nobody could undo it here.
            self.notify(
                "You cannot deactivate yourself; ask another user administrator.",
                title="Not deactivated",
                severity="warning",
            )
            return
        if not user.active:
            self.save_active(user.username, True)
            return

        def answered(ok: bool | None) -> None:
            if ok:
                self.save_active(user.username, False)

        self._in_modal = True
        self.app.push_screen(
            AdminConfirm(
                f"Deactivate {user.name}?",
                f"{user.username} keeps their tool rights but can no longer use them, and "
                "receives no notifications.",
                "Deactivate",
            ),
            answered,
        )

    @work(thread=True, exclusive=True, exit_on_error=False, group="users-write")
    def save_rights(self, username: str, chosen: set[str]) -> None:
        app = self.app
        with app.store.transaction() as session:
            info = users_core.set_rights(session, username, chosen)
        app.call_from_thread(self.saved, info, "Tool rights saved")

    @work(thread=True, exclusive=True, exit_on_error=False, group="users-write")
    def save_active(self, username: str, active: bool) -> None:
        app = self.app
        with app.store.transaction() as session:
            info = users_core.set_active(session, username, active)
        app.call_from_thread(self.saved, info, "Activated" if active else "Deactivated")

    def saved(self, info: users_core.UserInfo, what: str) -> None:
        self.notify(f"{what}: {info.name} ({info.username}).")
        if info.username == self.app.login:
            # The acting user's own rights changed: every screen must see it at once.
            self.app.reload_user()
            self._head()
        self.table.reload()
