"""One support case (SPEC section 8, R-SUP-2/3/5/8): its record, the conversation, and the
actions the core allows now for the acting user."""

from __future__ import annotations

import datetime as dt
from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Footer, Header, Static

from bo_tui.core import support as sp
from bo_tui.core.actions import Action, by_id
from bo_tui.store import Session

from ..widgets.support_forms import Field
from .support_base import SupportBase, _day, _when


class CaseDetailScreen(SupportBase):
    """One case: its record, the conversation, and the actions R-SUP-2/3/5/8 allow."""

    TITLE = "Support case"
    BINDINGS = [
        Binding(
            "r",
            "reply",
            "Reply",
            id="support.case.reply",
            tooltip="Write to Campus Support on this case",
        ),
        Binding(
            "a",
            "support_reply",
            "Support reply",
            id="support.case.support_reply",
            tooltip="Reply as Campus Support",
        ),
        Binding(
            "s",
            "status",
            "Status",
            id="support.case.status",
            tooltip="Set the case's status (Campus Support)",
        ),
        Binding(
            "c",
            "close_case",
            "Close",
            id="support.case.close",
            tooltip="Close the resolved case (reopen within 60 days)",
        ),
        Binding(
            "o",
            "reopen",
            "Reopen",
            id="support.case.reopen",
            tooltip="Reopen the case with what is still wrong",
        ),
        Binding(
            "t",
            "transition",
            "Transition",
            id="support.case.transition",
            tooltip="Hand an exception case to an authorized contact",
        ),
        Binding(
            "escape",
            "back",
            "Back",
            id="support.case.back",
            show=False,
            tooltip="Back to the cases",
        ),
        Binding("q", "back", "Back", id="support.case.back_q", tooltip="Back to the cases"),
    ]
    DEFAULT_CSS = """
    CaseDetailScreen #case-body { padding: 0 1; }
    CaseDetailScreen #case-head { height: auto; }
    CaseDetailScreen .case-msg { height: auto; margin: 1 0 0 0; padding: 0 1; }
    CaseDetailScreen .side-district { border-left: thick $primary; }
    CaseDetailScreen .side-support { border-left: thick $success; }
    CaseDetailScreen .side-system { color: $text-muted; }
    """

    def __init__(self, number: str) -> None:
        super().__init__()
        self.number = number
        self.case: sp.CaseDetail | None = None
        self.access: sp.AccessOut | None = None

    def compose(self) -> ComposeResult:
        yield Header(icon="≡")
        with VerticalScroll(id="case-body"):
            yield Static("Loading…", id="case-head")
            yield Vertical(id="case-messages")
        yield Footer()

    def on_mount(self) -> None:
        super().on_mount()
        self.load()

    def set_titles(self) -> None:
        self.title = f"Case {self.number}"
        self.sub_title = self.app.header_text

    def action_back(self) -> None:
        self.app.pop_screen()

    def load(self) -> None:
        login, number = self.app.login, self.number

        def job(s: Session, _now: dt.datetime):
            return sp.access(s, login), sp.get_case(s, number, viewer=login)

        self.call_core(job, self.show, group="support-case", exclusive=True)

    def show(self, result) -> None:
        self.access, self.case = result
        d = self.case
        r = d.row
        flags = []
        if r.emergency:
            flags.append("[b red]EMERGENCY[/]")
        if r.awaitingTransition:
            flags.append("[b yellow]exception: awaiting transition to an authorized contact[/]")
        head = [
            f"[b]{r.number}[/b]  {r.subject}",
            f"[b]{r.status}[/b] · {r.priority} · {r.productArea} " + " ".join(flags),
            f"Contact: {r.contact or '—'} · opened {_when(r.createdAt)} by {d.openedBy or '—'} · "
            f"modified {_when(r.modifiedAt)}",
        ]
        if r.closedAt:
            head.append(
                f"Closed {_when(r.closedAt)}; reopen with details until {_day(d.reopenUntil)}"
            )
        if r.status == "Pending Customer Input" and d.pendingSince:
            head.append(
                f"Waiting for your input since {_day(d.pendingSince)} · follow-ups sent: {d.followUpsSent}/3"
            )
        head.append(f"\n[b]Description[/b]\n{d.description}")
        if d.replicationSteps:
            head.append(f"\n[b]Replication steps[/b]\n{d.replicationSteps}")
        head.append(
            f"\n[b]Conversation[/b] ({sum(m.side != 'system' for m in d.messages)} messages)"
        )
        self.query_one("#case-head", Static).update(Text.from_markup("\n".join(head)))
        box = self.query_one("#case-messages", Vertical)
        box.remove_children()
        widgets = []
        for m in d.messages:
            who = {"district": "District", "support": "Campus Support", "system": "·"}[m.side]
            if m.side == "system":
                text = f"{_when(m.createdAt)}  {m.body}"
            else:
                text = f"[b]{who}[/b] — {m.author} · {_when(m.createdAt)}\n{m.body}"
            widgets.append(
                Static(
                    Text.from_markup(text) if m.side != "system" else Text(text),
                    classes=f"case-msg side-{m.side}",
                )
            )
        if widgets:
            box.mount_all(widgets)
        self.refresh_bindings()

    def case_actions(self) -> dict[str, Action]:
        if self.case is None or self.access is None:
            return {}
        return by_id(sp.case_actions(self.case, self.access, self.app.now()))

    def check_action(self, action: str, parameters: tuple) -> bool | None:
        if action not in self._case_actions:
            return True
        act = self.case_actions().get(action)
        if act is None:  # still loading
            return None
        if not act.offered:
            return False
        return True if act.enabled else None

    def disabled_reason(self, action: str) -> str | None:
        act = self.case_actions().get(action)
        return act.reason if act is not None and not act.enabled else None

    _case_actions = frozenset(
        {"reply", "support_reply", "status", "close_case", "reopen", "transition"}
    )

    def _done(self, _result: Any = None) -> None:
        self.load()

    def action_reply(self) -> None:
        login, number = self.app.login, self.number
        self.form(
            f"Reply on case {number}",
            [Field("body", "Message to Campus Support", "area", height=6)],
            lambda s, now, v: sp.add_message(s, number, v["body"], now, actor=login),
            self._done,
            ok="Send",
        )

    def action_support_reply(self) -> None:
        login, number = self.app.login, self.number
        self.form(
            f"Campus Support reply on case {number}",
            [Field("body", "Reply as Campus Support", "area", height=6)],
            lambda s, now, v: sp.add_message(
                s, number, v["body"], now, actor=login, as_support=True
            ),
            self._done,
            ok="Send",
        )

    def action_status(self) -> None:
        if self.case is None:
            return
        login, number = self.app.login, self.number
        self.form(
            f"Status of case {number}",
            [
                Field(
                    "status",
                    "Status",
                    "select",
                    tuple((s, s) for s in sp.STATUSES),
                    value=self.case.row.status,
                )
            ],
            lambda s, now, v: sp.change_status(s, number, v["status"], now, actor=login),
            self._done,
            ok="Set status",
        )

    def action_close_case(self) -> None:
        login, number = self.app.login, self.number
        self.form(
            f"Close case {number}",
            [
                Field(
                    "note",
                    "The case is resolved. You can reopen it with details within 60 days.",
                    "note",
                ),
                Field("body", "Closing note (optional)", "area", height=3),
            ],
            lambda s, now, v: sp.close_case(s, number, now, actor=login, note=v["body"]),
            self._done,
            ok="Close case",
        )

    def action_reopen(self) -> None:
        login, number = self.app.login, self.number
        self.form(
            f"Reopen case {number}",
            [Field("details", "What is still wrong (required)", "area", height=5)],
            lambda s, now, v: sp.reopen_case(s, number, v["details"], now, actor=login),
            self._done,
            ok="Reopen",
        )

    def action_transition(self) -> None:
        login, number = self.app.login, self.number

        def load(s: Session, now: dt.datetime):
            return [c for c in sp.list_contacts(s, now) if not c.deactivated]

        def ask(contacts: list[sp.ContactOut]) -> None:
            if not contacts:
                self.app.notify(
                    "The district has no active authorized contact.", severity="warning"
                )
                return
            self.form(
                f"Transition case {number} to an authorized contact",
                [
                    Field(
                        "to",
                        "Contact",
                        "select",
                        tuple((f"{c.name} ({c.role})", c.username) for c in contacts),
                    )
                ],
                lambda s, now, v: sp.transition_case(s, number, v["to"], now, actor=login),
                self._done,
                ok="Transition",
            )

        self.call_core(load, ask, group="support-contacts")
