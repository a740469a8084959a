"""Support screen (SPEC section 8): authorized contacts (R-SUP-1/4/7), the district's cases with
filters and a detail view (R-SUP-2/3/5/8), update requests (R-SUP-6) and reports; keyboard first."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from rich.table import Table
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import DataTable, Footer, Header, Static, TabbedContent, TabPane

from bo_tui.core import support as sp
from bo_tui.core.actions import Action, by_id
from bo_tui.store import Session

from ..widgets.support_forms import Field, SupportForm
from .base import BaseScreen

TABS = ("contacts", "cases", "requests", "reports")
PAGE = 100
FOLLOW_UP_EVERY = 600.0  # seconds between runs of the R-SUP-8 follow-ups while the app is open
SORTS = (
    ("-modified", "last modified"),
    ("-created", "newest"),
    ("number", "case number"),
    ("status", "status"),
)
# Which tab offers which of the core's actions (the others are hidden on that tab).
_TAB_ACTIONS = {
    "contacts": {a.id for a in sp.contact_actions(None, None)},
    "cases": {a.id for a in sp.case_list_actions(None, has_cases=False, filtered=False)},
    "requests": {a.id for a in sp.request_actions(None, None)},
    "reports": set(),
}


_PRI = {"Medium": "Med", "Critical": "Crit"}


def _day(t: dt.datetime | None) -> str:
    return f"{t:%Y-%m-%d}" if t else "—"


def _when(t: dt.datetime | None) -> str:
    return f"{t:%Y-%m-%d %H:%M}" if t else "—"


def _parse_date(text: str, field: str) -> dt.date | None:
    text = (text or "").strip()
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"{field}: use the form YYYY-MM-DD") from None


def _parse_datetime(text: str, field: str) -> dt.datetime:
    try:
        return dt.datetime.fromisoformat((text or "").strip())
    except ValueError:
        raise ValueError(f"{field}: use the form YYYY-MM-DD HH:MM") from None


class SupportBase(BaseScreen):
    """Shared by the Support screen and the case detail: one core call per worker."""

    def call_core(
        self,
        fn: Callable[[Session, dt.datetime], Any],
        then: Callable[[Any], None] | None = None,
        *,
        group: str = "support",
        exclusive: bool = False,
    ) -> None:
        app = self.app

        def job() -> None:
            with app.store.transaction() as session:
                result = fn(session, app.now())
            if then is not None:
                app.call_from_thread(then, result)

        self.run_worker(job, thread=True, group=group, exclusive=exclusive, exit_on_error=False)

    def form(self, title: str, fields: list[Field], submit, then=None, *, ok: str = "Save") -> None:
        def done(result: Any) -> None:
            if result is not None and then is not None:
                then(result)

        self.app.push_screen(SupportForm(title, fields, submit, ok=ok), done)


class SupportScreen(SupportBase):
    TITLE = "Support"
    BINDINGS = [
        Binding("t", "next_tab", "Next tab", id="support.next_tab"),
        Binding("T", "prev_tab", "Previous tab", id="support.prev_tab", show=False),
        Binding("f2", "tab('contacts')", "Contacts", id="support.tab_contacts", show=False),
        Binding("f3", "tab('cases')", "Cases", id="support.tab_cases", show=False),
        Binding("f4", "tab('requests')", "Requests", id="support.tab_requests", show=False),
        Binding("f5", "tab('reports')", "Reports", id="support.tab_reports", show=False),
        Binding("r", "refresh", "Refresh", id="support.refresh", show=False),
        # Contacts (R-SUP-1, R-SUP-4, R-SUP-7)
        Binding("a", "add_contact", "Add", id="support.contact_add"),
        Binding("e", "edit_contact", "Edit", id="support.contact_edit"),
        Binding("d", "remove_contact", "Remove", id="support.contact_remove"),
        Binding("x", "deactivate", "Deactivate", id="support.contact_deactivate"),
        Binding("v", "reactivate", "Reactivate", id="support.contact_reactivate"),
        # Cases (R-SUP-2, R-SUP-3, R-SUP-5)
        Binding("n", "new_case", "New case", id="support.case_new"),
        Binding("o", "open_case", "Open", id="support.case_open"),
        Binding("f", "filter", "Filter", id="support.case_filter"),
        Binding("c", "clear_filter", "Unfilter", id="support.case_clear_filter"),
        Binding("p", "open_only", "Open only", id="support.case_open_only"),
        Binding("s", "sort", "Sort", id="support.case_sort"),
        # Update requests (R-SUP-6)
        Binding("n", "new_request", "New request", id="support.request_new"),
        Binding("h", "schedule_request", "Schedule", id="support.request_schedule"),
        Binding("m", "complete_request", "Complete", id="support.request_complete"),
        Binding("x", "cancel_request", "Cancel req.", id="support.request_cancel"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.access: sp.AccessOut | None = None
        self.contacts: list[sp.ContactOut] = []
        self.cases: list[sp.CaseRow] = []
        self.case_total = 0
        self.requests: list[sp.RequestOut] = []
        self.conditions: tuple[sp.Condition, ...] = ()
        self.open_only = False
        self.sort_index = 0
        self.version_ok = False
        self._loading_page = False

    # -- layout ---------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        yield Header(icon="≡")
        with TabbedContent(initial="contacts", id="support-tabs"):
            with TabPane("Contacts", id="contacts"):
                yield Static("", id="contacts-warning", classes="support-warning")
                yield DataTable(id="contacts-table", cursor_type="row", zebra_stripes=True)
                yield Static("", id="contacts-detail", classes="muted")
            with TabPane("Cases", id="cases"):
                yield Static("", id="cases-status", classes="muted")
                yield Static("", id="cases-denied", classes="support-warning")
                yield DataTable(id="cases-table", cursor_type="row", zebra_stripes=True)
            with TabPane("Requests", id="requests"):
                yield Static("", id="requests-status", classes="muted")
                yield DataTable(id="requests-table", cursor_type="row", zebra_stripes=True)
                yield Static("", id="requests-detail", classes="muted")
            with (
                TabPane("Reports", id="reports"),
                VerticalScroll(id="reports-body"),
                Horizontal(id="reports-row"),
            ):
                yield Static("", id="report-status")
                with Vertical():
                    yield Static("", id="report-age")
                    yield Static("", id="report-contact")
        yield Footer()

    DEFAULT_CSS = """
    SupportScreen .support-warning { color: $warning; height: auto; }
    SupportScreen #cases-denied { display: none; padding: 1 1; }
    SupportScreen DataTable { height: 1fr; }
    SupportScreen TabPane { padding: 0 1; }
    SupportScreen #contacts-detail, SupportScreen #requests-detail { height: auto; max-height: 3; }
    SupportScreen #reports-row { height: auto; }
    SupportScreen #report-status { width: 1fr; }
    SupportScreen #reports-row > Vertical { width: 1fr; height: auto; }
    """

    def on_mount(self) -> None:
        super().on_mount()
        ct = self.query_one("#contacts-table", DataTable)
        for label, width in (
            ("Name", 22),
            ("Role", 9),
            ("Intro", 5),
            ("Fund.", 5),
            ("Last active", 11),
            ("State", 12),
        ):
            ct.add_column(label, width=width)
        cs = self.query_one("#cases-table", DataTable)
        for label, width in (
            ("Case", 8),
            ("Subject", 22),
            ("Status", 22),
            ("Pri.", 5),
            ("Modified", 10),
        ):
            cs.add_column(label, width=width)
        rq = self.query_one("#requests-table", DataTable)
        for label, width in (
            ("#", 2),
            ("Request", 21),
            ("Status", 9),
            ("Requested", 10),
            ("By", 14),
            ("Scheduled", 10),
        ):
            rq.add_column(label, width=width)
        self.start_up()
        # R-SUP-8: follow-ups keep running on a timer while the app stays open.
        self.set_interval(FOLLOW_UP_EVERY, self.run_follow_ups)
        self.query_one("#contacts-table").focus()

    def on_screen_resume(self) -> None:
        super().on_screen_resume()
        if self.access is not None:
            self.action_refresh()

    def start_up(self) -> None:
        """Opening the support screen is a login to the case portal (R-SUP-4), and the
        follow-ups that fell due while the app was closed are written first (R-SUP-8)."""
        login = self.app.login

        def job(s: Session, now: dt.datetime) -> None:
            sp.record_login(s, login, now)
            sp.apply_follow_ups(s, now)

        self.call_core(job, lambda _r: self.action_refresh(), group="support-start")

    def run_follow_ups(self) -> None:
        def done(result: sp.FollowUpResult) -> None:
            if result.followUps or result.closed:
                self.action_refresh()

        self.call_core(sp.apply_follow_ups, done, group="support-follow-ups")

    # -- tabs and bindings ----------------------------------------------------------------
    @property
    def tab(self) -> str:
        return self.query_one(TabbedContent).active or "contacts"

    def action_tab(self, tab: str) -> None:
        self.query_one(TabbedContent).active = tab

    def action_next_tab(self) -> None:
        self.action_tab(TABS[(TABS.index(self.tab) + 1) % len(TABS)])

    def action_prev_tab(self) -> None:
        self.action_tab(TABS[(TABS.index(self.tab) - 1) % len(TABS)])

    @on(TabbedContent.TabActivated)
    def _tab_changed(self, event: TabbedContent.TabActivated) -> None:
        table = {
            "contacts": "#contacts-table",
            "cases": "#cases-table",
            "requests": "#requests-table",
        }
        if sel := table.get(self.tab):
            self.query_one(sel).focus()
        self.sync_bindings()

    def sync_bindings(self) -> None:
        """Refresh the footer only when what it offers changed: a footer rebuild is costly
        over a slow link, and a cursor move usually changes nothing."""
        actions = sorted(set().union(*_TAB_ACTIONS.values()))
        state = tuple(self.check_action(a, ()) for a in actions) + (self.tab,)
        if state != self._binding_state:
            self._binding_state = state
            self.refresh_bindings()

    _binding_state: tuple = ()

    def tab_actions(self, tab: str | None = None) -> dict[str, Action]:
        """The core's actions of a tab (R-SUP-*), for the selected contact, case or request."""
        who = self.access
        tab = tab or self.tab
        if tab == "contacts":
            acts = sp.contact_actions(who, self.current_contact())
        elif tab == "cases":
            acts = sp.case_list_actions(
                who, has_cases=bool(self.cases), filtered=bool(self.conditions or self.open_only)
            )
        elif tab == "requests":
            acts = sp.request_actions(who, self.current_request())
        else:
            acts = []
        return by_id(acts)

    def check_action(self, action: str, parameters: tuple) -> bool | None:
        for tab, actions in _TAB_ACTIONS.items():
            if action in actions and tab != self.tab:
                return False
        act = self.tab_actions().get(action)
        return True if act is None or act.enabled else None

    def disabled_reason(self, action: str) -> str | None:
        act = self.tab_actions().get(action)
        return act.reason if act is not None and not act.enabled else None

    # -- loading --------------------------------------------------------------------------
    def action_refresh(self) -> None:
        login = self.app.login

        def job(s: Session, now: dt.datetime):
            return (
                sp.access(s, login),
                sp.list_contacts(s, now),
                sp.staffing_warning(s),
                sp.list_requests(s),
                sp.can_request_version_update(s),
                sp.report(s, now),
            )

        self.call_core(job, self._loaded, group="support-load", exclusive=True)
        self.load_cases()

    def _loaded(self, result) -> None:
        self.access, self.contacts, warning, self.requests, self.version_ok, report = result
        self.show_contacts(warning)
        self.show_requests()
        self.show_report(report)
        self.show_case_access()
        self.sync_bindings()

    def current_filter(self) -> sp.CaseFilter:
        return sp.CaseFilter(conditions=self.conditions, open_only=self.open_only)

    def load_cases(self, *, more: bool = False) -> None:
        flt, sort = self.current_filter(), SORTS[self.sort_index][0]
        offset = len(self.cases) if more else 0
        self._loading_page = True

        def job(s: Session, _now: dt.datetime):
            return offset, sp.count_cases(s, flt), sp.page_cases(s, offset, PAGE, flt, sort)

        self.call_core(job, self._cases_loaded, group="support-cases", exclusive=True)

    def _cases_loaded(self, result) -> None:
        offset, total, rows = result
        self._loading_page = False
        self.case_total = total
        table = self.query_one("#cases-table", DataTable)
        if offset == 0:
            keep = table.cursor_row
            table.clear()
            self.cases = []
        else:
            keep = None
        self.cases.extend(rows)
        for r in rows:
            subject = ("! " if r.emergency else "") + r.subject
            table.add_row(
                r.number,
                subject,
                r.status,
                _PRI.get(r.priority, r.priority),
                _day(r.modifiedAt),
                key=r.number,
            )
        if keep is not None and self.cases:
            table.move_cursor(row=min(keep, len(self.cases) - 1))
        self.show_case_status()
        self.sync_bindings()

    def show_case_status(self) -> None:
        flt = self.current_filter()
        shown = (
            f"{len(self.cases)} of {self.case_total}"
            if len(self.cases) < self.case_total
            else f"{self.case_total}"
        )
        self.query_one("#cases-status", Static).update(
            f"{shown} case{'s' if self.case_total != 1 else ''} · {flt.describe()} · "
            f"sorted by {SORTS[self.sort_index][1]}"
        )

    def show_case_access(self) -> None:
        who = self.access
        sees = who is not None and (who.canAct or who.isSupportStaff)
        denied = self.query_one("#cases-denied", Static)
        denied.display = not sees
        self.query_one("#cases-table").display = sees
        self.query_one("#cases-status").display = sees
        if not sees and who is not None:
            denied.update(
                f"{who.reason}\n\nIn an emergency you may still open a case on an exception "
                "basis (n): Campus Support then transitions it to an authorized contact."
            )

    @on(DataTable.RowHighlighted, "#cases-table")
    def _maybe_more(self, event: DataTable.RowHighlighted) -> None:
        near_end = event.cursor_row >= len(self.cases) - 10
        if near_end and len(self.cases) < self.case_total and not self._loading_page:
            self.load_cases(more=True)

    @on(DataTable.RowHighlighted)
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        if event.data_table.id == "contacts-table":
            self.show_contact_detail()
        elif event.data_table.id == "requests-table":
            self.show_request_detail()
        self.sync_bindings()

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
            "A deactivated contact cannot submit, comment on, close or reopen cases (R-SUP-4).",
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

    # -- cases ----------------------------------------------------------------------------
    def action_new_case(self) -> None:
        who = self.access
        if who is None:
            return
        login = self.app.login
        fields = []
        if not who.canAct:
            fields.append(Field("who", who.reason or "", "note"))
        fields += [
            Field("subject", "Subject", placeholder="What is wrong, in one line"),
            Field("productArea", "Product area", "select", tuple((a, a) for a in sp.PRODUCT_AREAS)),
            Field(
                "priority",
                "Priority",
                "select",
                tuple((p, p) for p in sp.PRIORITIES),
                value="Medium",
            ),
            Field("description", "Detailed description", "area", height=3),
            Field("replicationSteps", "Replication steps", "area", height=2),
            Field("emergency", "Emergency (the district cannot work)", "check"),
        ]
        if not who.canAct:
            fields.append(Field("exception", "Open on an emergency exception (R-SUP-3)", "check"))

        def submit(s: Session, now: dt.datetime, v: dict):
            exception = bool(v.pop("exception", False))
            return sp.open_case(s, v, now, actor=login, exception=exception)

        def opened(case: sp.CaseDetail) -> None:
            self.app.notify(f"Case {case.row.number} opened.", title="Support")
            self.action_refresh()
            self.app.push_screen(CaseDetailScreen(case.row.number))

        self.form("New support case", fields, submit, opened, ok="Submit")

    def current_case(self) -> sp.CaseRow | None:
        if not self.cases:
            return None
        row = self.query_one("#cases-table", DataTable).cursor_row
        return self.cases[row] if 0 <= row < len(self.cases) else None

    def action_open_case(self) -> None:
        if (c := self.current_case()) is not None:
            self.app.push_screen(CaseDetailScreen(c.number))

    @on(DataTable.RowSelected, "#cases-table")
    def _selected(self, _event: DataTable.RowSelected) -> None:
        if self.check_action("open_case", ()):
            self.action_open_case()

    def action_filter(self) -> None:
        fields = [
            Field(
                "field",
                "Field",
                "select",
                (("Subject", "subject"), ("Case number", "number"), ("Status", "status")),
            ),
            Field(
                "op",
                "Operator",
                "select",
                tuple((label, op) for op, label in sp.FILTER_OPS.items()),
                value="contains",
            ),
            Field("value", "Value", placeholder="e.g. commit, 0100, Pending"),
        ]

        def submit(_s: Session, _now: dt.datetime, v: dict):
            return sp.Condition(field=v["field"], op=v["op"], value=v["value"])

        def add(cond: sp.Condition) -> None:
            self.conditions = (*self.conditions, cond)
            self.load_cases()

        self.form("Filter cases (conditions add up)", fields, submit, add, ok="Add filter")

    def action_clear_filter(self) -> None:
        self.conditions = ()
        self.open_only = False
        self.load_cases()

    def action_open_only(self) -> None:
        self.open_only = not self.open_only
        self.load_cases()

    def action_sort(self) -> None:
        self.sort_index = (self.sort_index + 1) % len(SORTS)
        self.load_cases()

    # -- requests -------------------------------------------------------------------------
    def show_requests(self) -> None:
        who = self.access
        if who is not None and who.isTechnical:
            note = "You are the technical contact: n requests a sandbox refresh"
            note += (
                " or a Campus version update."
                if self.version_ok
                else " (version updates need Cloud Choice)."
            )
        else:
            note = "Only the district's authorized technical contact requests updates (R-SUP-6)."
        self.query_one("#requests-status", Static).update(note)
        table = self.query_one("#requests-table", DataTable)
        keep = table.cursor_row
        table.clear()
        for r in self.requests:
            table.add_row(
                str(r.id),
                r.kindLabel,
                r.status,
                _day(r.requestedAt),
                r.requestedBy,
                _day(r.scheduledFor),
                key=str(r.id),
            )
        if self.requests:
            table.move_cursor(row=min(keep, len(self.requests) - 1))
        self.show_request_detail()

    def current_request(self) -> sp.RequestOut | None:
        if not self.requests or not self.is_mounted:
            return None
        row = self.query_one("#requests-table", DataTable).cursor_row
        return self.requests[row] if 0 <= row < len(self.requests) else None

    def show_request_detail(self) -> None:
        r = self.current_request()
        text = ""
        if r is not None:
            parts = [r.details or "no details"]
            if r.targetVersion:
                parts.append(f"version {r.targetVersion}")
            if r.preferredDate:
                parts.append(f"preferred {r.preferredDate:%Y-%m-%d}")
            if r.completedAt:
                parts.append(f"completed {_when(r.completedAt)}")
            if r.cancelledAt:
                parts.append(f"cancelled {_when(r.cancelledAt)}")
            text = " · ".join(parts)
        self.query_one("#requests-detail", Static).update(text)

    def action_new_request(self) -> None:
        login = self.app.login
        kinds = [("Sandbox refresh", "sandbox_refresh")]
        if self.version_ok:
            kinds.append(("Campus version update", "version_update"))
        fields = [
            Field("kind", "Request", "select", tuple(kinds)),
            Field("targetVersion", "Version", placeholder="version updates: e.g. Campus.2535"),
            Field("preferredDate", "Preferred date", placeholder="YYYY-MM-DD"),
            Field("details", "Details", "area", height=3),
        ]

        def submit(s: Session, now: dt.datetime, v: dict):
            return sp.request_update(
                s,
                v["kind"],
                now,
                actor=login,
                details=v["details"],
                target_version=v["targetVersion"] if v["kind"] == "version_update" else None,
                preferred_date=_parse_date(v["preferredDate"], "Preferred date"),
            )

        self.form("New update request", fields, submit, self._changed, ok="Request")

    def action_schedule_request(self) -> None:
        r = self.current_request()
        if r is None:
            return
        login = self.app.login
        fields = [Field("when", "Scheduled for", placeholder="YYYY-MM-DD HH:MM")]

        def submit(s: Session, now: dt.datetime, v: dict):
            when = _parse_datetime(v["when"], "Scheduled for")
            return sp.set_request_status(s, r.id, "Scheduled", now, actor=login, scheduled_for=when)

        self.form(
            f"Schedule the {r.kindLabel.lower()}", fields, submit, self._changed, ok="Schedule"
        )

    def action_complete_request(self) -> None:
        r = self.current_request()
        if r is not None:
            login = self.app.login
            self.call_core(
                lambda s, now: sp.set_request_status(s, r.id, "Completed", now, actor=login),
                self._changed,
            )

    def action_cancel_request(self) -> None:
        r = self.current_request()
        if r is None:
            return
        login = self.app.login
        self._confirm(
            f"Cancel the {r.kindLabel.lower()}?",
            "The request stays in the list as Cancelled.",
            "Cancel request",
            lambda s, now: sp.set_request_status(s, r.id, "Cancelled", now, actor=login),
        )

    # -- reports --------------------------------------------------------------------------
    def show_report(self, rep: sp.SupportReport) -> None:
        def table(title: str, rows, *, with_open: bool = False) -> Table:
            t = Table(title=title, title_justify="left", box=None, expand=True, header_style="bold")
            t.add_column("", no_wrap=True, overflow="ellipsis", ratio=1)
            t.add_column("Cases", justify="right")
            if with_open:
                t.add_column("Open", justify="right")
            for r in rows:
                t.add_row(r.label, str(r.count), *([str(r.open)] if with_open else []))
            return t

        self.query_one("#report-status", Static).update(
            table(f"By status ({rep.total} cases)", rep.byStatus)
        )
        self.query_one("#report-age", Static).update(table("Open cases by age", rep.byAge))
        self.query_one("#report-contact", Static).update(
            table("By contact", rep.byContact, with_open=True)
        )


class CaseDetailScreen(SupportBase):
    """One case: its record, the conversation, and the actions R-SUP-2/3/5/8 allow."""

    TITLE = "Support case"
    BINDINGS = [
        Binding("r", "reply", "Reply", id="support.case.reply"),
        Binding("a", "support_reply", "Support reply", id="support.case.support_reply"),
        Binding("s", "status", "Status", id="support.case.status"),
        Binding("c", "close_case", "Close", id="support.case.close"),
        Binding("o", "reopen", "Reopen", id="support.case.reopen"),
        Binding("t", "transition", "Transition", id="support.case.transition"),
        Binding("escape", "back", "Back", id="support.case.back", show=False),
        Binding("q", "back", "Back", id="support.case.back_q"),
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
