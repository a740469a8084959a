"""A table that shows one page of a store list at a time through a core query object
(``count`` + ``page``), so the Error Log, Message Center and Users screens stay fast on a log
of any size (R-LOG-1)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import DataTable, Static
from textual.worker import Worker, WorkerState

from bo_tui.core.queries import ListQuery

from ..failures import ForwardsFailures

# The screen's current query (its filters as they are now), or None for an empty list.
QueryOf = Callable[[], ListQuery | None]


@dataclass(frozen=True)
class Column:
    """``width`` None = takes the room the other columns leave (at least ``min_width``)."""

    label: str
    width: int | None = None
    min_width: int = 10
    weight: int = 1  # share of the free room among the flexible columns


def clip(text: str, width: int) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= width else text[: max(width - 1, 0)] + "…"


class AdminPagedTable(ForwardsFailures, Vertical):
    """A DataTable over a core ``ListQuery`` (``query()`` gives the screen's current one): its
    ``count`` and one ``page``, read in a worker; ``extra(session)``, when given, reads what
    else the screen shows beside the page in the same session.

    ``cells(row)`` gives a row's cell texts (clipped to the column widths). The screen calls
    ``reload()`` after a filter or a write; ``n``/``p`` move a page.
    """

    DEFAULT_CSS = """
    AdminPagedTable { height: 1fr; }
    AdminPagedTable > DataTable { height: 1fr; }
    AdminPagedTable > .paged-status { height: 1; color: $text-muted; padding: 0 1; }
    """
    BINDINGS = [
        # Off the footer (the status line names them) so the screen's own keys lead it.
        Binding(
            "n", "next_page", "Next page", id="table.next_page", show=False, tooltip="The next page"
        ),
        Binding(
            "p",
            "prev_page",
            "Previous page",
            id="table.prev_page",
            show=False,
            tooltip="The previous page",
        ),
    ]

    class RowHighlighted(Message):
        def __init__(self, table: AdminPagedTable, row: Any) -> None:
            super().__init__()
            self.table = table
            self.row = row

    class RowChosen(Message):
        """Enter on a row."""

        def __init__(self, table: AdminPagedTable, row: Any) -> None:
            super().__init__()
            self.table = table
            self.row = row

    class PageLoaded(Message):
        def __init__(self, table: AdminPagedTable, total: int) -> None:
            super().__init__()
            self.table = table
            self.total = total

    def __init__(
        self,
        columns: Sequence[Column],
        query: QueryOf,
        cells: Callable[[Any], Sequence[str | Text]],
        *,
        extra: Callable[[Any], None] | None = None,
        page_size: int = 100,
        empty: str = "Nothing to show.",
        sort: str | None = None,
        id: str | None = None,
    ) -> None:
        super().__init__(id=id)
        self.sort = sort  # the query's page order (None: the query's own)
        self.columns = list(columns)
        self.query = query
        self.extra = extra
        self.cells = cells
        self.page_size = page_size
        self.empty = empty
        self.start = 0
        self.total = 0
        self.rows: list[Any] = []
        self.loaded = False
        self._widths: list[int] = []

    def compose(self) -> ComposeResult:
        yield DataTable(cursor_type="row", zebra_stripes=True)
        yield Static("Loading…", classes="paged-status")

    @property
    def table(self) -> DataTable:
        return self.query_one(DataTable)

    @property
    def current(self) -> Any | None:
        if not self.rows:
            return None
        row = self.table.cursor_row
        return self.rows[row] if 0 <= row < len(self.rows) else None

    def focus(self, scroll_visible: bool = True):  # the table takes the focus, not the box
        self.table.focus(scroll_visible)
        return self

    # --- loading ----------------------------------------------------------------------

    def go_to(self, index: int) -> None:
        """Show the page holding row ``index`` with the cursor on it (a find's answer)."""
        self.start = index // self.page_size * self.page_size
        self._load(self.start, index - self.start)

    def reload(self, *, first_page: bool = False) -> None:
        if first_page:
            self.start = 0
        self.query_one(".paged-status", Static).update("Loading…")
        self._load(self.start, self.table.cursor_row)

    @work(thread=True, exclusive=True, exit_on_error=False, group="paged-table")
    def _load(self, offset: int, cursor: int) -> None:
        app = self.app
        query = self.query()
        total, rows = 0, []
        with app.store.session() as session:
            if query is not None:
                total = query.count(session)
                rows = query.page(session, offset, self.page_size, sort=self.sort)
                if not rows and offset > 0 and total > 0:
                    # The page emptied under us (rows deleted, narrower filter): the last one.
                    offset = max((total - 1) // self.page_size * self.page_size, 0)
                    rows = query.page(session, offset, self.page_size, sort=self.sort)
            if self.extra is not None:
                self.extra(session)
        app.call_from_thread(self._show, offset, total, rows, cursor)

    def _show(self, offset: int, total: int, rows: list[Any], cursor: int) -> None:
        self.start, self.total, self.rows, self.loaded = offset, total, rows, True
        self._render_rows(cursor)
        self.post_message(self.PageLoaded(self, total))

    def _fit_widths(self) -> list[int]:
        # Cell padding (1 each side) and room for the vertical scrollbar.
        room = max(self.size.width, 40) - 2 * len(self.columns) - 2
        fixed = sum(c.width for c in self.columns if c.width)
        weights = sum(c.weight for c in self.columns if c.width is None) or 1
        free = max(room - fixed, 0)
        return [c.width or max(free * c.weight // weights, c.min_width) for c in self.columns]

    def _render_rows(self, cursor: int = 0) -> None:
        table = self.table
        self._widths = self._fit_widths()
        table.clear(columns=True)
        for col, width in zip(self.columns, self._widths, strict=True):
            table.add_column(col.label, width=width)
        for i, row in enumerate(self.rows):
            cells = []
            for value, width in zip(self.cells(row), self._widths, strict=True):
                if isinstance(value, Text):
                    value = value.copy()
                    value.truncate(width, overflow="ellipsis")
                    cells.append(value)
                else:
                    cells.append(clip(value, width))
            table.add_row(*cells, key=str(i))
        if self.rows:
            table.move_cursor(row=min(max(cursor, 0), len(self.rows) - 1))
        self._status()

    def _status(self) -> None:
        status = self.query_one(".paged-status", Static)
        if not self.total:
            status.update(self.empty)
            return
        first, last = self.start + 1, self.start + len(self.rows)
        more = []
        if self.start > 0:
            more.append("p: previous page")
        if last < self.total:
            more.append("n: next page")
        tail = f"  ·  {'  ·  '.join(more)}" if more else ""
        status.update(f"{first:,}–{last:,} of {self.total:,}{tail}")

    def on_resize(self) -> None:
        if self.loaded and self._fit_widths() != self._widths:
            self._render_rows(self.table.cursor_row)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        # ForwardsFailures reports it through the App; here only the stale "Loading…".
        if event.state == WorkerState.ERROR and event.worker.group == "paged-table":
            self.query_one(".paged-status", Static).update("Could not load this list.")

    # --- paging -----------------------------------------------------------------------

    def on_key(self, event) -> None:
        # Down past the last row or up past the first moves a page, so a keyboard user
        # scrolls the whole list; the event stops here, before the table's own bindings.
        row = self.table.cursor_row
        if (
            event.key == "down"
            and self.rows
            and row >= len(self.rows) - 1
            and self.start + len(self.rows) < self.total
        ):
            event.stop()
            event.prevent_default()
            self.action_next_page()
        elif event.key == "up" and self.rows and row == 0 and self.start > 0:
            event.stop()
            event.prevent_default()
            self.action_prev_page()

    def action_next_page(self) -> None:
        if self.start + self.page_size < self.total:
            self.start += self.page_size
            self._load(self.start, 0)

    def action_prev_page(self) -> None:
        if self.start > 0:
            self.start = max(self.start - self.page_size, 0)
            self._load(self.start, self.page_size - 1)

    # --- events -----------------------------------------------------------------------

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        event.stop()
        if 0 <= event.cursor_row < len(self.rows):
            self.post_message(self.RowHighlighted(self, self.rows[event.cursor_row]))

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        if 0 <= event.cursor_row < len(self.rows):
            self.post_message(self.RowChosen(self, self.rows[event.cursor_row]))
