"""The changes of one sync (or one staff member), field by field (R-HIST-1): searchable,
filterable by area and by field through the core's ChangeQuery, exportable to CSV and PDF."""

from __future__ import annotations

from pathlib import Path

from rich.markup import escape
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Footer, Header, Static

from bo_tui.core import history

from ..exports import ask_export_path
from ..widgets.admin_modals import AdminPrompt
from ..widgets.admin_paged_table import AdminPagedTable, Column
from .base import BaseScreen

CHANGE_COLUMNS = [
    Column("Staff Number", 12),
    Column("Area", 12),
    Column("Field", 16),
    Column("Before", None, 10),
    Column("After", None, 10),
]


# A staff member's History tab (staff detail): every change, newest first, with its source.
HISTORY_COLUMNS = [
    Column("When (UTC)", 16),
    Column("Source", 12),
    Column("Area", 12),
    Column("Field", 14),
    Column("Before", None, 8),
    Column("After", None, 8),
]


def history_cells(c: history.ChangeOut):
    return (
        f"{c.at:%Y-%m-%d %H:%M}",
        c.source,
        c.area,
        c.field,
        "—" if c.before is None else c.before,
        "—" if c.after is None else c.after,
    )


def change_cells(c: history.ChangeOut):
    return (
        c.staffNumber or "—",
        c.area,
        c.field,
        "—" if c.before is None else c.before,
        "—" if c.after is None else c.after,
    )


class SyncChangesScreen(BaseScreen):
    """Pushed over Sync History: q or Escape goes back to it."""

    TITLE = "Sync changes"
    DEFAULT_CSS = """
    SyncChangesScreen #changes-filter { height: auto; padding: 0 1; color: $text-muted; }
    """
    BINDINGS = [
        Binding("slash", "search", "Search", id="changes.search", tooltip="Find a text"),
        Binding(
            "n",
            "find_next",
            "Next match",
            id="changes.next",
            show=False,
            tooltip="The next change holding the search text",
        ),
        Binding("a", "area", "Area", id="changes.area", tooltip="Only one area (cycles)"),
        Binding("f", "field", "Field", id="changes.field", tooltip="Only one field (cycles)"),
        Binding("x", "clear", "Clear", id="changes.clear", tooltip="Clear the area/field filter"),
        Binding("e", "export", "Export", id="changes.export", tooltip="Export to CSV or PDF"),
    ]

    def __init__(self, sync_id: int) -> None:
        super().__init__()
        self.sync_id = sync_id
        self.area: str | None = None
        self.field: str | None = None
        self.fields: dict[str, list[str]] = {}
        self.needle = ""

    def set_titles(self) -> None:
        self.title = f"Sync #{self.sync_id}: changes"
        self.sub_title = self.app.header_text

    def compose(self) -> ComposeResult:
        yield Header(icon="≡")
        yield Static("", id="changes-filter")
        yield AdminPagedTable(
            CHANGE_COLUMNS,
            self.change_query,
            change_cells,
            extra=self._read_fields,
            empty="No change for this filter.",
            id="changes-table",
        )
        yield Footer()

    def on_mount(self) -> None:
        self._show_filter()
        self.table.reload()
        self.table.focus()

    @property
    def table(self) -> AdminPagedTable:
        return self.query_one(AdminPagedTable)

    def change_query(self) -> history.ChangeQuery:
        return history.ChangeQuery(sync_id=self.sync_id, area=self.area, field=self.field)

    def _read_fields(self, session) -> None:
        if not self.fields:
            self.fields = history.areas_and_fields(session, self.sync_id)

    def _show_filter(self) -> None:
        parts = [
            f"area [b]{escape(self.area or 'all')}[/b]",
            f"field [b]{escape(self.field or 'all')}[/b]",
        ]
        if self.needle:
            parts.append(f"search [b]{escape(self.needle)}[/b] (n: next)")
        self.query_one("#changes-filter", Static).update(
            "Showing "
            + ", ".join(parts)
            + "  [dim]a area · f field · / search · x clear · e export[/dim]"
        )

    def action_back(self) -> None:
        self.app.pop_screen()

    def _apply(self) -> None:
        self._show_filter()
        self.table.reload(first_page=True)

    def action_area(self) -> None:
        areas = sorted(self.fields)
        if not areas:
            return
        at = areas.index(self.area) + 1 if self.area in areas else 0
        self.area = areas[at] if at < len(areas) else None
        self.field = None
        self._apply()

    def action_field(self) -> None:
        pool = (
            self.fields.get(self.area, [])
            if self.area
            else sorted({f for fs in self.fields.values() for f in fs})
        )
        if not pool:
            return
        at = pool.index(self.field) + 1 if self.field in pool else 0
        self.field = pool[at] if at < len(pool) else None
        self._apply()

    def action_clear(self) -> None:
        self.area = self.field = None
        self.needle = ""
        self._apply()

    # -- search: the core finds the next match; the table moves to its page ------------------
    def action_search(self) -> None:
        def answered(text: str | None) -> None:
            if text:
                self.needle = text
                self._show_filter()
                self._find(self.table.start + max(self.table.table.cursor_row, 0) - 1)

        self.app.push_screen(
            AdminPrompt(
                "Search the changes", "Text in a staff number, field or value", self.needle
            ),
            answered,
        )

    def action_find_next(self) -> None:
        if self.needle:
            self._find(self.table.start + max(self.table.table.cursor_row, 0))

    @work(thread=True, exclusive=True, group="changes-find", exit_on_error=False)
    def _find(self, start: int) -> None:
        app = self.app
        with app.store.session() as session:
            found = self.change_query().find(session, self.needle, start)
        app.call_from_thread(self._found, found)

    def _found(self, index: int | None) -> None:
        if index is None:
            self.notify(f"No more changes holding “{self.needle}”.", timeout=4)
            return
        self.table.go_to(index)

    # -- export -----------------------------------------------------------------------------
    def action_export(self) -> None:
        ask_export_path(
            self,
            f"Export the changes of sync #{self.sync_id}",
            f"bo-tui-sync-{self.sync_id}-changes.csv",
            "CSV or PDF by the file's suffix; the filter as shown.",
            self._export,
        )

    @work(thread=True, exclusive=True, group="changes-export", exit_on_error=False)
    def _export(self, target: Path) -> None:
        app = self.app
        with app.store.session() as session:
            n = history.export_changes(session, self.change_query(), target)
        app.call_from_thread(self.notify, f"{n:,} changes written to {target}", title="Exported")
