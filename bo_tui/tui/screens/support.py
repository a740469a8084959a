"""Support screen (SPEC section 8): authorized contacts (R-SUP-1/4/7), the district's cases with
filters and a detail view (R-SUP-2/3/5/8), update requests (R-SUP-6) and reports; keyboard first."""

from __future__ import annotations

import datetime as dt

from rich.table import Table
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import DataTable, Footer, Header, Static, TabbedContent, TabPane

from bo_tui.core import support as sp
from bo_tui.core.actions import Action, by_id
from bo_tui.core.queries import CaseQuery
from bo_tui.store import Session

from ..widgets.support_forms import Field
from .support_base import SupportBase, _day
from .support_case import CaseDetailScreen
from .support_contacts import ContactsTab
from .support_requests import RequestsTab

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


class SupportScreen(ContactsTab, RequestsTab, SupportBase):
    TITLE = "Support"
    BINDINGS = [
        Binding("t", "next_tab", "Tab", id="support.next_tab", tooltip="The next tab"),
        Binding(
            "T",
            "prev_tab",
            "Previous tab",
            id="support.prev_tab",
            show=False,
            tooltip="The previous tab",
        ),
        Binding(
            "f2",
            "tab('contacts')",
            "Contacts",
            id="support.tab_contacts",
            show=False,
            tooltip="The authorized contacts",
        ),
        Binding(
            "f3",
            "tab('cases')",
            "Cases",
            id="support.tab_cases",
            show=False,
            tooltip="The district's cases",
        ),
        Binding(
            "f4",
            "tab('requests')",
            "Requests",
            id="support.tab_requests",
            show=False,
            tooltip="Sandbox refresh and version update requests",
        ),
        Binding(
            "f5",
            "tab('reports')",
            "Reports",
            id="support.tab_reports",
            show=False,
            tooltip="Cases by status, age and contact",
        ),
        Binding(
            "r",
            "refresh",
            "Refresh",
            id="support.refresh",
            show=False,
            tooltip="Read everything again",
        ),
        # Contacts (R-SUP-1, R-SUP-4, R-SUP-7)
        Binding(
            "a",
            "add_contact",
            "Add",
            id="support.contact_add",
            tooltip="Add an authorized contact (user administrators)",
        ),
        Binding(
            "e",
            "edit_contact",
            "Edit",
            id="support.contact_edit",
            tooltip="Change the contact's role and training",
        ),
        Binding(
            "d",
            "remove_contact",
            "Remove",
            id="support.contact_remove",
            tooltip="Remove the authorized contact (asks first)",
        ),
        Binding(
            "x",
            "deactivate",
            "Deactivate",
            id="support.contact_deactivate",
            tooltip="Deactivate the contact: it can no longer act on cases",
        ),
        Binding(
            "v",
            "reactivate",
            "Reactivate",
            id="support.contact_reactivate",
            tooltip="Reactivate a deactivated or flagged contact",
        ),
        # Cases (R-SUP-2, R-SUP-3, R-SUP-5)
        Binding(
            "n", "new_case", "New case", id="support.case_new", tooltip="Open a new support case"
        ),
        Binding(
            "o",
            "open_case",
            "Open",
            id="support.case_open",
            tooltip="Open the case: its record and conversation",
        ),
        Binding(
            "f",
            "filter",
            "Filter",
            id="support.case_filter",
            tooltip="Add a condition on subject, number or status",
        ),
        Binding(
            "c",
            "clear_filter",
            "Unfilter",
            id="support.case_clear_filter",
            tooltip="Show every case again",
        ),
        Binding(
            "p",
            "open_only",
            "Open only",
            id="support.case_open_only",
            tooltip="Only cases that are not closed (toggles)",
        ),
        Binding(
            "s", "sort", "Sort", id="support.case_sort", tooltip="Sort by another column (cycles)"
        ),
        # Update requests (R-SUP-6)
        Binding(
            "n",
            "new_request",
            "New request",
            id="support.request_new",
            tooltip="Request a sandbox refresh or a version update",
        ),
        Binding(
            "h",
            "schedule_request",
            "Schedule",
            id="support.request_schedule",
            tooltip="Schedule the request (Campus Support)",
        ),
        Binding(
            "m",
            "complete_request",
            "Complete",
            id="support.request_complete",
            tooltip="Mark the request done (Campus Support)",
        ),
        Binding(
            "x",
            "cancel_request",
            "Cancel req.",
            id="support.request_cancel",
            tooltip="Cancel an open request",
        ),
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
        if act is not None and not act.offered:
            return False
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
            query = CaseQuery(flt, sort)  # the core's read side of the case list
            return offset, query.count(s), query.page(s, offset, PAGE)

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
            fields.append(Field("exception", "Open on an emergency exception", "check"))

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
