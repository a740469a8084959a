"""Staff (the Campus UI): search Campus staff by staff number, last name, first name and birth
date (R-SRCH-1; R-POS-8: persons without a position are not staff here), paged from the store.

Enter opens the detail (``staff_detail.StaffDetailScreen``); ``c`` opens Combine Person
(``staff_combine.CombinePersonModal``), which other screens can push too.
"""

from __future__ import annotations

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import DataTable, Footer, Header, Input, Label, Static
from textual.worker import get_current_worker

from bo_tui.core import rights
from bo_tui.core.errors import CoreError
from bo_tui.core.fields import label
from bo_tui.core.queries import StaffQuery
from bo_tui.core.staff_models import StaffSummary

from ..messages import DataChanged
from ..widgets.staff_picker import RowTable
from .base import BaseScreen

# search box id -> the core's filter name
FILTERS = {
    "staff-q-number": "staffNumber",
    "staff-q-last": "lastName",
    "staff-q-first": "firstName",
    "staff-q-birth": "birthDate",
}


class StaffScreen(BaseScreen):
    """Search staff; Enter opens one. ``open_combine`` starts Combine Person from here."""

    TITLE = "Staff"
    PAGE = 100
    DEFAULT_CSS = """
    StaffScreen #staff-search { height: 1; margin: 1 1 0 1; }
    StaffScreen #staff-search Label { width: auto; padding: 0 1 0 0; color: $text-muted; }
    StaffScreen #staff-search Input { width: 1fr; margin: 0 1 0 0; }
    StaffScreen #staff-q-birth { max-width: 16; }
    StaffScreen #staff-q-number { max-width: 16; }
    StaffScreen #staff-status { height: 1; margin: 0 1; color: $text-muted; }
    StaffScreen #staff-status.-error { color: $error; }
    StaffScreen #staff-table { height: 1fr; margin: 0 1; }
    """
    BINDINGS = [
        # key_display " /": the palette reads "Search  [/]" as a markup closing tag and
        # crashes (commands.py does not escape its prompts; reported to its owner).
        Binding(
            "slash",
            "focus_search",
            "Search",
            id="staff.search",
            key_display=" /",
            tooltip="Search staff by number, name or birth date",
        ),
        Binding(
            "n", "next_page", "Next page", id="staff.next_page", tooltip="The next page of staff"
        ),
        Binding(
            "p",
            "prev_page",
            "Prev page",
            id="staff.prev_page",
            tooltip="The previous page of staff",
        ),
        Binding(
            "c",
            "combine",
            "Combine",
            id="staff.combine",
            tooltip="Combine Person: merge a duplicate into this staff member",
        ),
        Binding("r", "refresh", "Refresh", id="staff.refresh", show=False, tooltip="Search again"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.page_offset = 0
        self.total = 0
        self.rows: list[StaffSummary] = []

    def compose(self) -> ComposeResult:
        yield Header(icon="≡")
        with Horizontal(id="staff-search"):
            yield Label("Search")
            yield Input(placeholder="Staff number", id="staff-q-number", compact=True)
            yield Input(placeholder="Last name", id="staff-q-last", compact=True)
            yield Input(placeholder="First name", id="staff-q-first", compact=True)
            yield Input(placeholder="YYYY-MM-DD", id="staff-q-birth", compact=True)
        yield Static("Loading…", id="staff-status")
        table = RowTable(id="staff-table")
        table.add_columns(
            "Staff #", "Last name", "First name", "Mid", "Birth date", "G", "Pos", "HR"
        )
        yield table
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#staff-table").focus()
        self.load_page()

    # --- searching --------------------------------------------------------------------------

    def filters(self) -> dict[str, str]:
        out = {}
        for box_id, name in FILTERS.items():
            value = self.query_one(f"#{box_id}", Input).value.strip()
            if value:
                out[name] = value
        last = out.get("lastName", "")
        if "," in last and "firstName" not in out:
            # "Brooks, Al" typed in the last-name box: the way names are written in Campus.
            last, _, first = last.partition(",")
            out["lastName"] = last.strip()
            if first.strip():
                out["firstName"] = first.strip()
            if not out["lastName"]:
                del out["lastName"]
        return out

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id in FILTERS:
            self.page_offset = 0
            self.load_page()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id in FILTERS:
            self.query_one("#staff-table").focus()

    def action_focus_search(self) -> None:
        box = self.query_one("#staff-q-last", Input)
        box.focus()

    def action_back(self) -> None:
        # Escape in a search box goes to the results first; from the results, back to Home.
        if isinstance(self.focused, Input):
            self.query_one("#staff-table").focus()
        else:
            super().action_back()

    def action_refresh(self) -> None:
        self.load_page()

    def on_data_changed(self, message: DataChanged) -> None:
        self.load_page()

    def on_screen_resume(self) -> None:
        # Back from a detail or a combine: names, positions or whole persons may have changed.
        if self.is_mounted and self.rows:
            self.load_page()

    def action_next_page(self) -> None:
        if self.page_offset + self.PAGE < self.total:
            self.page_offset += self.PAGE
            self.load_page()

    def action_prev_page(self) -> None:
        if self.page_offset > 0:
            self.page_offset = max(0, self.page_offset - self.PAGE)
            self.load_page()

    def load_page(self) -> None:
        self.fetch_page(self.filters(), self.page_offset)

    @work(thread=True, exclusive=True, exit_on_error=False, group="staff-search")
    def fetch_page(self, filters: dict[str, str], offset: int) -> None:
        app = self.app
        try:
            # The Campus staff search: persons with a position, names by prefix (R-POS-8).
            query = StaffQuery(**filters, staff_only=True, name_prefix=True)
            with app.store.session() as s:
                total = query.count(s)
                rows = query.page(s, offset, self.PAGE)
        except CoreError as exc:
            if not get_current_worker().is_cancelled:
                app.call_from_thread(self.show_error, exc)
            return
        if not get_current_worker().is_cancelled:
            app.call_from_thread(self.show_page, rows, total, offset)

    def show_error(self, exc: CoreError) -> None:
        status = self.query_one("#staff-status", Static)
        parts = [f"{label(e.field)} {e.message}" for e in exc.errors] or [exc.message]
        status.update("; ".join(parts))
        status.add_class("-error")

    def show_page(self, rows: list[StaffSummary], total: int, offset: int) -> None:
        self.rows, self.total, self.page_offset = rows, total, offset
        table = self.query_one("#staff-table", RowTable)
        keep = table.cursor_row
        table.clear()
        for r in rows:
            table.add_row(
                (r.staffNumber or "").strip() or "—",
                r.lastName or "",
                r.firstName or "",
                (r.middleName or "")[:3],
                r.birthDate or "",
                r.gender or "",
                str(r.positionCount),
                "HR" if r.hrManaged else "",
                key=str(r.personId),
            )
        if rows:
            table.move_cursor(row=min(keep, len(rows) - 1))
        status = self.query_one("#staff-status", Static)
        status.remove_class("-error")
        if not total:
            status.update("No staff match. Persons without a position are not staff.")
            return
        pages = (total + self.PAGE - 1) // self.PAGE
        page = offset // self.PAGE + 1
        status.update(
            f"{total:,} staff · {offset + 1:,}–{offset + len(rows):,} · page {page} of {pages}"
            + ("  [dim]n/p: next/previous page[/dim]" if pages > 1 else "")
        )

    # --- opening ----------------------------------------------------------------------------

    def highlighted(self) -> StaffSummary | None:
        table = self.query_one("#staff-table", RowTable)
        if 0 <= table.cursor_row < len(self.rows):
            return self.rows[table.cursor_row]
        return None

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        if 0 <= event.cursor_row < len(self.rows):
            self.open_detail(self.rows[event.cursor_row].personId)

    def open_detail(self, person_id: int) -> None:
        from .staff_detail import StaffDetailScreen

        self.app.push_screen(StaffDetailScreen(person_id))

    def action_combine(self) -> None:
        row = self.highlighted()
        self.open_combine(base_person_id=row.personId if row else None)

    def open_combine(
        self,
        base_staff_number: str | None = None,
        other_person_id: int | None = None,
        *,
        base_person_id: int | None = None,
    ) -> None:
        """Combine Person with the base (the staff member) and the other person preset when
        known. Other screens can push ``CombinePersonModal`` directly (see its docstring)."""
        if not self.can(rights.COMBINE_PERSON):
            self.notify(
                self.why_not(rights.COMBINE_PERSON), title="Combine Person", severity="warning"
            )
            return
        from .staff_combine import CombinePersonModal

        def done(result) -> None:
            if result is not None:
                self.load_page()

        self.app.push_screen(
            CombinePersonModal(
                base_person_id,
                other_person_id,
                base_staff_number=base_staff_number,
            ),
            done,
        )
