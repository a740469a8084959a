"""The Support screen's contacts tab (R-SUP-1, R-SUP-4, R-SUP-7): the authorized contacts, kept
by a user administrator; a mixin of ``SupportScreen``."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from rich.text import Text
from textual.widgets import DataTable, Static

from bo_tui.core import support as sp
from bo_tui.store import Session

from ..widgets.support_forms import Field
from .support_base import _day


class ContactsTab:
    """The contacts tab's actions and rendering (mixed into ``SupportScreen``)."""

    # -- contacts -------------------------------------------------------------------------
    def show_contacts(self, warning: str | None) -> None:
        self.query_one("#contacts-warning", Static).update(f"⚠ {warning}" if warning else "")
        table = self.query_one("#contacts-table", DataTable)
        keep = table.cursor_row
        table.clear()
        for c in self.contacts:
            if c.deactivated:
                state = Text("Deactivated", style="red")
            elif c.flagged:
                state = Text(f"Flagged {c.inactiveDays}d", style="yellow")
            else:
                state = Text("Active", style="green")
            table.add_row(
                c.name,
                c.role.capitalize(),
                "✓" if c.introToSupport else Text("✗ req.", style="yellow"),
                "✓" if c.campusFundamentals else "—",
                _day(c.lastActivityAt),
                state,
                key=c.username,
            )
        if self.contacts:
            table.move_cursor(row=min(keep, len(self.contacts) - 1))
        self.show_contact_detail()

    def current_contact(self) -> sp.ContactOut | None:
        if not self.contacts or not self.is_mounted:
            return None
        row = self.query_one("#contacts-table", DataTable).cursor_row
        return self.contacts[row] if 0 <= row < len(self.contacts) else None

    def show_contact_detail(self) -> None:
        c = self.current_contact()
        text = ""
        if c is not None:
            text = f"{c.name} ({c.username})"
            if c.warnings:
                text += ": " + "; ".join(c.warnings)
        self.query_one("#contacts-detail", Static).update(text)

    def action_add_contact(self) -> None:
        admin = self.app.login

        def load(s: Session, _now):
            return sp.candidate_users(s)

        def ask(users: list[tuple[str, str]]) -> None:
            if not users:
                self.app.notify("Every active user is already an authorized contact.")
                return
            fields = [
                Field("username", "User", "select", tuple((f"{n} ({u})", u) for u, n in users)),
                Field(
                    "role",
                    "Role",
                    "select",
                    (("Support contact", "support"), ("Technical contact", "technical")),
                ),
                Field("intro", "Completed Introduction to Support (required)", "check"),
                Field("fundamentals", "Completed Campus Fundamentals (recommended)", "check"),
            ]

            def submit(s: Session, now: dt.datetime, v: dict):
                return sp.add_contact(
                    s,
                    v["username"],
                    v["role"],
                    now,
                    actor=admin,
                    intro_to_support=v["intro"],
                    campus_fundamentals=v["fundamentals"],
                )

            self.form("Add an authorized contact", fields, submit, self._changed, ok="Add")

        self.call_core(load, ask, group="support-candidates")

    def action_edit_contact(self) -> None:
        c = self.current_contact()
        if c is None:
            return
        admin = self.app.login
        fields = [
            Field(
                "role",
                "Role",
                "select",
                (("Support contact", "support"), ("Technical contact", "technical")),
                value=c.role,
            ),
            Field(
                "intro",
                "Completed Introduction to Support (required)",
                "check",
                value=c.introToSupport,
            ),
            Field(
                "fundamentals",
                "Completed Campus Fundamentals (recommended)",
                "check",
                value=c.campusFundamentals,
            ),
        ]

        def submit(s: Session, now: dt.datetime, v: dict):
            if v["role"] != c.role:
                sp.set_role(s, c.username, v["role"], now, actor=admin)
            return sp.set_training(
                s,
                c.username,
                now,
                actor=admin,
                intro_to_support=v["intro"],
                campus_fundamentals=v["fundamentals"],
            )

        self.form(f"Edit {c.name}", fields, submit, self._changed)

    def _confirm(
        self, title: str, text: str, ok: str, fn: Callable[[Session, dt.datetime], Any]
    ) -> None:
        self.form(
            title,
            [Field("confirm", text, "note")],
            lambda s, now, _v: fn(s, now),
            self._changed,
            ok=ok,
        )

    def action_remove_contact(self) -> None:
        c = self.current_contact()
        if c is None:
            return
        admin = self.app.login
        self._confirm(
            f"Remove {c.name}?",
            f"{c.name} will no longer be an authorized contact; the cases keep their history.",
            "Remove",
            lambda s, now: sp.remove_contact(s, c.username, now, actor=admin) or True,
        )

    def action_deactivate(self) -> None:
        c = self.current_contact()
        if c is None:
            return
        admin = self.app.login
        self._confirm(
            f"Deactivate {c.name}?",
            "A deactivated contact cannot submit, comment on, close or reopen cases.",
            "Deactivate",
            lambda s, now: sp.deactivate_contact(s, c.username, now, actor=admin),
        )

    def action_reactivate(self) -> None:
        c = self.current_contact()
        if c is None:
            return
        admin = self.app.login
        self.call_core(
            lambda s, now: sp.reactivate_contact(s, c.username, now, actor=admin), self._changed
        )

    def _changed(self, _result: Any = None) -> None:
        self.app.reload_user()
        self.action_refresh()
