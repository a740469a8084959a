"""One staff member in the Campus UI: demographics (SSN masked unless revealed with the right),
identity history, employments, positions, household and address; edits obey the locks
(R-PREF-1, R-SYNC-7, R-DEMO-4) and a locked area refuses with the reason."""

from __future__ import annotations

from rich.markup import escape
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Footer, Header, Static, TabbedContent, TabPane

from bo_tui.core import history, locks, rights
from bo_tui.core import persons as persons_core
from bo_tui.core.errors import CoreError
from bo_tui.core.persons import StaffDetail
from bo_tui.core.schemas import AddressIn, EmploymentIn, parse_position

from ..widgets.admin_paged_table import AdminPagedTable
from ..widgets.staff_picker import EditTable, HistoryTable, RowTable
from .base import BaseScreen
from .history_changes import HISTORY_COLUMNS, history_cells
from .staff_detail_view import (
    _demographic_fields,
    _parse,
    _v,
    demographics_table,
    household_table,
)
from .staff_edit import FormField, StaffForm

# tab id -> (title, the lock area it is edited under)
TABS: dict[str, tuple[str, str]] = {
    "demographics": ("Demographics", "demographics"),
    "identity": ("Identity", "identity"),
    "employment": ("Employment", "employment"),
    "positions": ("Positions", "positions"),
    "household": ("Household", "household"),
}
_ADDABLE = {"employment", "positions"}


class StaffDetailScreen(BaseScreen):
    """Pushed over the Staff search; q/Escape go back to it."""

    TITLE = "Staff"
    DEFAULT_CSS = """
    StaffDetailScreen #detail-title { height: 1; margin: 0 1; }
    StaffDetailScreen TabbedContent { height: 1fr; }
    StaffDetailScreen TabPane { padding: 0 1; }
    StaffDetailScreen .lock-line { height: auto; color: $text-muted; }
    StaffDetailScreen .lock-line.-locked { color: $warning; }
    StaffDetailScreen RowTable { height: 1fr; }
    StaffDetailScreen .detail-body { height: 1fr; }
    """
    BINDINGS = [
        Binding(
            "e",
            "edit",
            "Edit",
            id="staff_detail.edit",
            tooltip="Edit this area, when its lock allows",
        ),
        Binding(
            "a", "add", "Add", id="staff_detail.add", tooltip="Add an employment or a position"
        ),
        Binding(
            "s",
            "toggle_ssn",
            "SSN",
            id="staff_detail.ssn",
            tooltip="Show or mask the SSN (needs the Reveal SSNs right)",
        ),
        Binding(
            "c",
            "combine",
            "Combine",
            id="staff_detail.combine",
            tooltip="Combine Person: merge a duplicate into this staff member",
        ),
        Binding("n", "next_tab", "Next tab", id="staff_detail.next_tab", tooltip="The next tab"),
        Binding(
            "p",
            "prev_tab",
            "Prev tab",
            id="staff_detail.prev_tab",
            show=False,
            tooltip="The previous tab",
        ),
        Binding(
            "r",
            "refresh",
            "Refresh",
            id="staff_detail.refresh",
            show=False,
            tooltip="Read the staff member again",
        ),
    ]

    def __init__(self, person_id: int, *, tab: str = "demographics") -> None:
        super().__init__()
        self.person_id = person_id
        self.first_tab = tab
        self.detail: StaffDetail | None = None
        self.reveal = False

    def compose(self) -> ComposeResult:
        yield Header(icon="≡")
        yield Static("Loading…", id="detail-title")
        with TabbedContent(initial=f"tab-{self.first_tab}", id="detail-tabs"):
            for tab, (title, _area) in TABS.items():
                with TabPane(title, id=f"tab-{tab}"):
                    yield Static("", id=f"lock-{tab}", classes="lock-line")
                    if tab in ("demographics", "household"):
                        yield VerticalScroll(Static("", id=f"{tab}-body"), classes="detail-body")
                    elif tab == "identity":
                        yield HistoryTable(id=f"{tab}-table")
                    else:
                        yield EditTable(id=f"{tab}-table")
            with TabPane("History", id="tab-history"):
                yield Static("", id="history-note", classes="lock-line")
                yield AdminPagedTable(
                    HISTORY_COLUMNS,
                    self._history_query,
                    history_cells,
                    empty="No recorded change of this staff member.",
                    sort="newest",
                    id="history-table",
                )
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#identity-table", RowTable).add_columns(
            "Last name", "First name", "Middle", "Start", "End", "Current"
        )
        self.query_one("#employment-table", RowTable).add_columns(
            "Hire date", "Termination date", "Status"
        )
        self.query_one("#positions-table", RowTable).add_columns(
            "School", "Asgn", "Title", "Description", "Start", "End", "Linked"
        )
        self.query_one("#detail-tabs").loading = True
        self.load()

    # --- navigation -------------------------------------------------------------------------

    def action_back(self) -> None:
        self.app.pop_screen()

    @property
    def tab(self) -> str:
        return (self.query_one(TabbedContent).active or "tab-demographics").removeprefix("tab-")

    def _switch(self, step: int) -> None:
        ids = [*TABS, "history"]
        self.query_one(TabbedContent).active = f"tab-{ids[(ids.index(self.tab) + step) % len(ids)]}"

    def action_next_tab(self) -> None:
        self._switch(1)

    def action_prev_tab(self) -> None:
        self._switch(-1)

    def on_tabbed_content_tab_activated(self, event: TabbedContent.TabActivated) -> None:
        self.refresh_bindings()
        pane = event.pane
        if pane.id != self.query_one(TabbedContent).active:
            return  # a stale event (keys pressed quickly): focusing would switch back to it
        for widget in pane.query("RowTable, .detail-body"):
            widget.focus()
            break

    def on_data_table_row_selected(self, event) -> None:
        # Enter on an employment or position edits it (identity rows are history).
        if self.tab in _ADDABLE:
            self.action_edit()

    def check_action(self, action: str, parameters: tuple) -> bool | None:
        if action == "add":
            return self.tab in _ADDABLE
        if action == "edit":
            return self.tab in TABS  # the History tab is a record, not an edit
        return True

    # --- the History tab (R-HIST-1, R-HIST-3) ---------------------------------------------

    def _history_query(self):
        if self.detail is None or not self._may_read_history().enabled:
            return None
        return history.ChangeQuery(person_id=self.person_id)

    def _may_read_history(self):
        return history.can_read_history(self.app.user, self.app.login)

    def _show_history(self) -> None:
        may = self._may_read_history()
        self.query_one("#history-note", Static).update(
            "Every recorded change, newest first: when, from where, what it was and became."
            if may.enabled
            else f"[yellow]{escape(may.reason)}[/yellow]"
        )
        self.query_one("#history-table", AdminPagedTable).reload(first_page=True)

    # --- loading ----------------------------------------------------------------------------

    def action_refresh(self) -> None:
        self.load()

    def load(self) -> None:
        self.fetch(self.reveal)

    @work(thread=True, exclusive=True, exit_on_error=False, group="staff-detail")
    def fetch(self, reveal: bool) -> None:
        app = self.app
        try:
            with app.store.session() as s:
                detail = persons_core.staff_detail(
                    s, self.person_id, reveal=reveal, today=app.now().date()
                )
        except CoreError as exc:
            app.call_from_thread(self.show_missing, exc.message)
            return
        app.call_from_thread(self.show_detail, detail)

    def show_missing(self, message: str) -> None:
        self.query_one("#detail-tabs").loading = False
        self.query_one("#detail-title", Static).update(
            f"[red]{message}[/red] (person {self.person_id}; combined away?). q goes back."
        )

    def show_detail(self, d: StaffDetail) -> None:
        self.detail = d
        p = d.person
        number = (p.get("staffNumber") or "").strip()
        name = f"{p.get('lastName') or '?'}, {p.get('firstName') or '?'}"
        bits = [f"[b]{name}[/b]", f"staff {number}" if number else "no staff number"]
        if d.sharedStaffNumber > 1:  # dirty data that a sync cannot match (R-SYNC-8)
            bits[1] += f" [yellow](shared by {d.sharedStaffNumber})[/yellow]"
        bits.append("[yellow]HR-managed[/yellow]" if p.get("hrManaged") else "Campus-managed")
        bits.append(f"person {p['personId']}")
        self.query_one("#detail-title", Static).update(" · ".join(bits))
        self.query_one("#demographics-body", Static).update(demographics_table(p))
        self.query_one("#household-body", Static).update(household_table(d))

        ident = self.query_one("#identity-table", RowTable)
        ident.clear()
        for i in p["identities"]:
            ident.add_row(
                i["lastName"],
                i["firstName"],
                _v(i["middleName"]),
                _v(i["startDate"]),
                _v(i["endDate"]),
                "● current" if i["current"] else "",
            )
        emp = self.query_one("#employment-table", RowTable)
        emp.clear()
        for e in p["employments"]:
            emp.add_row(
                _v(e["hireDate"]),
                _v(e["terminationDate"]),
                "ended" if e["terminationDate"] else "active",
                key=str(e["employmentId"]),
            )
        pos = self.query_one("#positions-table", RowTable)
        pos.clear()
        for x in p["positions"]:
            desc = _v(x["titleDescription"])
            pos.add_row(
                x["schoolNumber"],
                _v(x["assignmentCode"]),
                _v(x["titleCode"]),
                desc if len(desc) <= 18 else desc[:17] + "…",
                _v(x["startDate"]),
                _v(x["endDate"]),
                "linked" if x["linked"] else "",
                key=str(x["positionId"]),
            )
        for tab, (_title, area) in TABS.items():
            self.show_lock(tab, *d.editable.get(area, (True, "")))
        self._show_history()
        self.query_one("#detail-tabs").loading = False
        if self.focused is None:
            pane = self.query_one(TabbedContent).active_pane
            if pane is not None:
                for widget in pane.query("RowTable, .detail-body"):
                    widget.focus()
                    break

    def show_lock(self, tab: str, ok: bool, reason: str) -> None:
        line = self.query_one(f"#lock-{tab}", Static)
        hr = bool(self.detail and self.detail.person.get("hrManaged"))
        line.set_class(not ok, "-locked")
        if not ok:
            line.update(f"[b]Locked.[/b] {reason}")
        elif hr:
            line.update(
                "Unlocked in Preferences: e edits it here; the next HR update overwrites it."
            )
        else:
            line.update("Campus-managed: e edits" + (", a adds." if tab in _ADDABLE else "."))

    # --- SSN and combine --------------------------------------------------------------------

    def action_toggle_ssn(self) -> None:
        if not self.reveal and not self.can(rights.REVEAL_SSN):
            self.notify(
                self.why_not(rights.REVEAL_SSN), title="SSN stays masked", severity="warning"
            )
            return
        self.reveal = not self.reveal
        self.load()

    def action_combine(self) -> None:
        if not self.can(rights.COMBINE_PERSON):
            self.notify(
                self.why_not(rights.COMBINE_PERSON), title="Combine Person", severity="warning"
            )
            return
        from .staff_combine import CombinePersonModal

        def done(result) -> None:
            if result is not None:
                self.load()

        self.app.push_screen(CombinePersonModal(self.person_id), done)

    # --- editing ----------------------------------------------------------------------------

    def action_edit(self) -> None:
        self.start_edit("edit")

    def action_add(self) -> None:
        if self.tab in _ADDABLE:
            self.start_edit("add")

    def start_edit(self, kind: str) -> None:
        if self.detail is None:
            return
        if not self.can(rights.STAFF_EDIT):
            self.notify(self.why_not(rights.STAFF_EDIT), title="Cannot edit", severity="warning")
            return
        tab = self.tab
        if kind == "edit" and tab in _ADDABLE and self.selected(tab) is None:
            kind = "add"
        self.check_locks(tab, kind)

    def selected(self, tab: str) -> dict | None:
        table = self.query_one(f"#{tab}-table", RowTable)
        items = self.detail.person["employments" if tab == "employment" else "positions"]
        if 0 <= table.cursor_row < len(items):
            return items[table.cursor_row]
        return None

    @work(thread=True, exclusive=True, exit_on_error=False, group="staff-locks")
    def check_locks(self, tab: str, kind: str) -> None:
        # Fresh answers: the preferences may have changed since the detail was read.
        app = self.app
        with app.store.session() as s:
            editable = locks.edit_rights(s, self.person_id)
        app.call_from_thread(self.open_form, tab, kind, editable)

    def open_form(self, tab: str, kind: str, editable: dict[str, tuple[bool, str]]) -> None:
        d = self.detail
        d.editable = editable
        for t, (_title, area) in TABS.items():
            self.show_lock(t, *editable.get(area, (True, "")))
        ok, reason = editable[TABS[tab][1]]
        if not ok:
            self.notify(reason, title="Locked", severity="warning", timeout=10)
            return
        form = self.build_form(tab, kind, editable)
        if form is not None:
            self.app.push_screen(form, self.saved)

    def saved(self, result) -> None:
        if result is None:
            return
        changes = ", ".join(getattr(result, "changes", []) or []) or "nothing"
        self.notify(f"Saved ({changes} changed).", title="Staff")
        self.load()

    def _names_form(self, tab: str, editable: dict, note: str, name: str, today) -> StaffForm:
        """Demographics (names and the rest) or the names alone (a new identity, R-DEMO-3)."""
        p, pid = self.detail.person, self.person_id
        fields = [
            FormField("lastName", "Last name", _v(p.get("lastName"))),
            FormField("firstName", "First name", _v(p.get("firstName"))),
            FormField("middleName", "Middle name", _v(p.get("middleName"))),
        ]
        if tab == "demographics":
            fields += _demographic_fields(p, self.detail.genders, editable)
        title = "Edit demographics" if tab == "demographics" else "Edit names"
        if tab == "identity":
            note = (note + " " if note else "") + "A changed name starts a new identity."

        def save(s, values):
            return persons_core.edit_demographics(s, pid, values, today=today)

        return StaffForm(f"{title}: {name}", fields, save, note=note)

    def build_form(self, tab: str, kind: str, editable: dict) -> StaffForm | None:
        d = self.detail
        p = d.person
        pid = self.person_id
        today = self.app.now().date()
        name = f"{p.get('lastName')}, {p.get('firstName')}"
        note = (
            "HR-managed: the next HR update overwrites what you change here."
            if p.get("hrManaged")
            else ""
        )
        if tab in ("demographics", "identity"):
            return self._names_form(tab, editable, note, name, today)
        if tab == "employment":
            fields = [
                FormField("hireDate", "Hire date", placeholder="YYYY-MM-DD"),
                FormField("terminationDate", "Termination date", placeholder="YYYY-MM-DD"),
            ]
            if kind == "add":

                def save(s, values):
                    return locks.campus_add_employment(s, pid, _parse(EmploymentIn, values))

                return StaffForm(f"Add employment: {name}", fields, save, note=note, send_all=True)
            row = self.selected(tab)
            fields[0].value = _v(row["hireDate"])
            fields[1].value = _v(row["terminationDate"])
            emp_id = row["employmentId"]

            def save(s, values):
                parsed = _parse(EmploymentIn, values)
                return locks.campus_edit_employment(
                    s, emp_id, **{k: getattr(parsed, k) for k in values}
                )

            return StaffForm(f"Edit employment: {name}", fields, save, note=note)
        if tab == "positions":
            if kind == "add":
                fields = [
                    FormField(
                        "schoolNumber",
                        "School",
                        choices=[
                            (f"{x['schoolNumber']} {x['name']}", x["schoolNumber"])
                            for x in d.schools
                        ],
                    ),
                    FormField(
                        "assignmentCode",
                        "Assignment code",
                        choices=[
                            (f"{x['code']} {x['name']}", x["code"]) for x in d.assignmentCodes
                        ],
                    ),
                    FormField("titleCode", "Title code", placeholder="district title code"),
                    FormField(
                        "titleDescription", "Title description", placeholder="for a new title"
                    ),
                    FormField("startDate", "Start date", today.isoformat(), "YYYY-MM-DD"),
                    FormField("endDate", "End date", placeholder="YYYY-MM-DD"),
                ]

                def save(s, values):
                    return locks.campus_add_position(s, pid, parse_position(values))

                return StaffForm(f"Add position: {name}", fields, save, note=note, send_all=True)
            row = self.selected(tab)
            pos_id = row["positionId"]
            what = " ".join(
                x for x in (row["schoolNumber"], row["assignmentCode"], row["titleCode"]) if x
            )
            fields = [FormField("endDate", "End date", _v(row["endDate"]), "YYYY-MM-DD")]

            def save(s, values):
                parsed = parse_position(values)
                return locks.campus_end_position(s, pos_id, parsed.endDate)

            return StaffForm(
                f"End position {what} (started {row['startDate']}): {name}",
                fields,
                save,
                note=(note + " " if note else "") + "An empty end date reopens it.",
            )
        if tab == "household":
            hh = p.get("household")
            cur = hh["householdLocations"][0]["address"] if hh and hh["householdLocations"] else {}
            fields = [
                FormField(
                    "fullStreetAddress",
                    "Street address",
                    _v(cur.get("line")),
                    "4321 N Lexington Ave Apt 45 / PO Box 125",
                ),
                FormField("city", "City", _v(cur.get("city"))),
                FormField("state", "State", _v(cur.get("state"))),
                FormField("zip", "Zip", _v(cur.get("zip"))),
                FormField("county", "County", _v(cur.get("county"))),
            ]
            if hh and hh["memberCount"] > 1:
                note = (note + " " if note else "") + (
                    f"Shared household: the address changes for all {hh['memberCount']} members."
                )

            def save(s, values):
                address = _parse(AddressIn, values)
                return locks.campus_set_household_address(s, pid, address, today=today)

            return StaffForm(f"Household address: {name}", fields, save, note=note, send_all=True)
        return None
