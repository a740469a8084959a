"""Widgets of the Staff screen: a row table whose Enter opens the row, and a person picker (one
search box over every person, paged from the store) used by Combine Person (R-SYNC-10)."""

from __future__ import annotations

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import DataTable, Input, Label, Static
from textual.worker import get_current_worker

from bo_tui.core import persons as persons_core
from bo_tui.core.errors import CoreError

from ..failures import ForwardsFailures


class RowTable(DataTable):
    """A row-cursor table: Enter opens the row (shown in the footer), j/k move like VisiData."""

    BINDINGS = [
        Binding(
            "enter", "select_cursor", "Open", id="staff_table.open", tooltip="Open the staff member"
        ),
        Binding(
            "j", "cursor_down", "Down", id="staff_table.down", show=False, tooltip="Down one row"
        ),
        Binding("k", "cursor_up", "Up", id="staff_table.up", show=False, tooltip="Up one row"),
        Binding(
            "g", "scroll_top", "Top", id="staff_table.top", show=False, tooltip="The first row"
        ),
        Binding(
            "G",
            "scroll_bottom",
            "Bottom",
            id="staff_table.bottom",
            show=False,
            tooltip="The last row",
        ),
    ]

    def __init__(self, **kwargs) -> None:
        super().__init__(cursor_type="row", zebra_stripes=True, **kwargs)


class EditTable(RowTable):
    """Rows that Enter edits (employments, positions)."""

    BINDINGS = [
        Binding(
            "enter",
            "select_cursor",
            "Edit",
            id="staff_table.edit",
            show=False,
            tooltip="Edit the row",
        )
    ]


class HistoryTable(RowTable):
    """Rows to read only (identity history): Enter does nothing, so the footer offers nothing."""

    BINDINGS = [
        Binding(
            "enter",
            "select_cursor",
            "Open",
            id="staff_table.open",
            show=False,
            tooltip="Open the staff member",
        )
    ]


KIND_LABEL = {"staff": "staff", "employee": "no position", "student": "student", "person": "person"}


def person_line(p: persons_core.PersonSummary) -> str:
    """``Brown, Allison · staff 10058 · 1979-12-26 · person 12`` (a picked person, one line)."""
    parts = [p.name]
    if (p.staffNumber or "").strip():
        parts.append(f"staff {p.staffNumber.strip()}")
    if p.studentNumber:
        parts.append(f"student {p.studentNumber}")
    if p.birthDate:
        parts.append(p.birthDate)
    if p.kind == "employee":
        parts.append("no position")
    return " · ".join(x for x in parts if x) + f" · person {p.personId}"


class PersonPicker(ForwardsFailures, Vertical):
    """Type a name (``Last, First``), a staff or student number, or a birth date; Enter in the
    box moves to the list, Enter on a row picks it (``PersonPicker.Picked``)."""

    DEFAULT_CSS = """
    PersonPicker { height: 1fr; }
    PersonPicker > .picker-box { height: 1; }
    PersonPicker > .picker-box > Label { width: auto; color: $text-muted; }
    PersonPicker > .picker-box > Input { width: 1fr; }
    PersonPicker > .picker-status { height: 1; color: $text-muted; }
    PersonPicker > RowTable { height: 1fr; }
    """
    LIMIT = 50

    class Picked(Message):
        def __init__(self, picker: PersonPicker, person: persons_core.PersonSummary) -> None:
            super().__init__()
            self.picker = picker
            self.person = person

        @property
        def control(self) -> PersonPicker:
            return self.picker

    def __init__(
        self,
        *,
        staff_only: bool = False,
        exclude: int | None = None,
        text: str = "",
        id: str | None = None,
    ) -> None:
        super().__init__(id=id)
        self.staff_only = staff_only
        self.exclude = exclude
        self.initial = text
        self.rows: list[persons_core.PersonSummary] = []

    def compose(self) -> ComposeResult:
        with Horizontal(classes="picker-box"):
            yield Label("Find ")
            yield Input(
                self.initial,
                placeholder="Last, First · staff or student number · YYYY-MM-DD",
                compact=True,
            )
        yield Static("Searching…", classes="picker-status")
        table = RowTable()
        table.add_columns("Name", "Staff #", "Student #", "Birth date", "Kind")
        yield table

    def on_mount(self) -> None:
        self.search(self.initial)

    def focus_box(self) -> None:
        self.query_one(Input).focus()

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        self.search(event.value)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if self.rows:
            self.query_one(RowTable).focus()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        index = event.cursor_row
        if 0 <= index < len(self.rows):
            self.post_message(self.Picked(self, self.rows[index]))

    @work(thread=True, exclusive=True, exit_on_error=False, group="staff-picker")
    def search(self, text: str) -> None:
        app = self.app
        try:
            with app.store.session() as s:
                total = persons_core.count_persons(
                    s, text=text, staff_only=self.staff_only, exclude=self.exclude
                )
                page = persons_core.search_persons(
                    s, text=text, staff_only=self.staff_only, exclude=self.exclude, limit=self.LIMIT
                )
        except CoreError as exc:
            if not get_current_worker().is_cancelled:
                app.call_from_thread(self.show_error, exc.message)
            return
        if not get_current_worker().is_cancelled:
            app.call_from_thread(self.show_rows, page.items, total)

    def show_error(self, message: str) -> None:
        self.query_one(".picker-status", Static).update(f"[red]{message}[/red]")

    def show_rows(self, rows: list[persons_core.PersonSummary], total: int) -> None:
        self.rows = rows
        table = self.query_one(RowTable)
        table.clear()
        for p in rows:
            table.add_row(
                p.name,
                (p.staffNumber or "").strip(),
                p.studentNumber or "",
                p.birthDate or "",
                KIND_LABEL.get(p.kind, p.kind),
                key=str(p.personId),
            )
        who = "staff members" if self.staff_only else "persons"
        if total > len(rows):
            text = f"{total:,} {who} match; the first {len(rows)} are listed: type to narrow"
        else:
            text = f"{total:,} {who} match" + ("" if total else ": try fewer letters")
        self.query_one(".picker-status", Static).update(text)
