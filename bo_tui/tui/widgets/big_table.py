"""A virtualized table over a paged store backend (SPEC sections 10–11): it renders only the
visible lines (Textual's line API), keeps a small window of pages, and reads pages in workers."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Sequence
from typing import ClassVar

from textual import events
from textual.binding import BindingType
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.worker import Worker, WorkerState

from ..failures import ForwardsFailures
from .big_table_find import FindMixin
from .big_table_keys import BINDINGS as KEYS
from .big_table_render import GUTTER, MARK, RenderMixin
from .table_source import Column, Row, Seen, TableSource

__all__ = ["GUTTER", "MARK", "BigTable", "Column", "Row", "TableSource"]


class BigTable(ForwardsFailures, FindMixin, RenderMixin, ScrollView, can_focus=True):
    """Fixed-width columns (the first ``fixed_columns`` stay put when scrolling sideways), a
    cursor row and cell, changed cells highlighted, marks toggled with space, search with n/N
    through the backend and a key to jump to the next difference."""

    BINDINGS: ClassVar[list[BindingType]] = KEYS

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "big-table--header",
        "big-table--cursor",
        "big-table--cursor-cell",
        "big-table--changed",
        "big-table--even",
        "big-table--mark",
        "big-table--placeholder",
    }

    DEFAULT_CSS = """
    BigTable {
        background: $surface;
        color: $foreground;
        height: 1fr;
        & > .big-table--header { text-style: bold; background: $panel; color: $foreground; }
        & > .big-table--even { background: $foreground 4%; }
        & > .big-table--cursor { background: $foreground 18%; }
        &:focus > .big-table--cursor {
            background: $block-cursor-background;
            color: $block-cursor-foreground;
        }
        & > .big-table--cursor-cell { background: $accent; color: $text; text-style: bold; }
        & > .big-table--changed { color: $text-warning; background: $warning-muted; text-style: bold; }
        & > .big-table--mark { color: $text-error; text-style: bold; }
        & > .big-table--placeholder { color: $foreground 40%; }
    }
    """

    class Loaded(Message):
        """The row count is known (after ``set_source`` or ``reload``)."""

        def __init__(self, table: BigTable, count: int) -> None:
            super().__init__()
            self.table = table
            self.count = count

        @property
        def control(self) -> BigTable:
            return self.table

    class CursorMoved(Message):
        """The cursor moved (coalesced: only the newest waits in the queue)."""

        def __init__(self, table: BigTable, row: int) -> None:
            super().__init__()
            self.table = table
            self.row = row

        @property
        def control(self) -> BigTable:
            return self.table

        def can_replace(self, message: Message) -> bool:
            return isinstance(message, BigTable.CursorMoved) and message.table is self.table

    class RowSelected(Message):
        """Enter on a row: open its detail."""

        def __init__(self, table: BigTable, index: int, row: Row) -> None:
            super().__init__()
            self.table = table
            self.index = index
            self.row = row

        @property
        def control(self) -> BigTable:
            return self.table

    class MarkToggled(Message):
        """Space on a row: its key is now marked (or not); the screen persists it."""

        def __init__(self, table: BigTable, key: str, marked: bool, row: Row) -> None:
            super().__init__()
            self.table = table
            self.key = key
            self.marked = marked
            self.row = row

        @property
        def control(self) -> BigTable:
            return self.table

    class RowsSeen(Message):
        """Rows were shown on screen for the first time since ``set_source``: their keys, so
        the screen can record them as reviewed."""

        def __init__(self, table: BigTable, keys: frozenset[str]) -> None:
            super().__init__()
            self.table = table
            self.keys = keys

        @property
        def control(self) -> BigTable:
            return self.table

    class SearchFinished(Message):
        def __init__(self, table: BigTable, text: str, index: int | None, wrapped: bool) -> None:
            super().__init__()
            self.table = table
            self.text = text
            self.index = index
            self.wrapped = wrapped

        @property
        def control(self) -> BigTable:
            return self.table

    class _PageLoaded(Message):
        def __init__(self, generation: int, page: int, rows: Sequence[Row]) -> None:
            super().__init__()
            self.generation = generation
            self.page = page
            self.rows = rows

    class _Counted(Message):
        def __init__(self, generation: int, count: int) -> None:
            super().__init__()
            self.generation = generation
            self.count = count

    class _Jump(Message):
        def __init__(self, generation: int, index: int | None, column: str | None) -> None:
            super().__init__()
            self.generation = generation
            self.index = index
            self.column = column

    cursor_row: reactive[int] = reactive(0, init=False, always_update=True)

    def __init__(
        self,
        columns: Sequence[Column],
        *,
        row_height: int = 1,
        fixed_columns: int = 0,
        page_size: int = 100,
        max_pages: int = 8,
        markable: bool = False,
        empty_text: str = "No rows.",
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.columns = list(columns)
        self.row_height = max(1, row_height)
        self.fixed_columns = fixed_columns
        self.page_size = page_size
        self.max_pages = max(max_pages, 3)
        self.markable = markable
        self.empty_text = empty_text
        self.source: TableSource | None = None
        self.row_count: int | None = None  # None while counting
        self.error: str | None = None  # the backend failed: shown instead of the rows
        self.cursor_column: int | None = None
        self.marks: set[str] = set()
        self.search_text = ""
        self.seen = Seen()
        self._pages: OrderedDict[int, Sequence[Row]] = OrderedDict()
        self._generation = 0
        self._lock = threading.Lock()
        self._wanted: set[int] = set()
        self._fetching = False
        self._focus_page = 0
        self._span = 3
        self._inflight: int | None = None
        self._layout_widths()

    # --- geometry ----------------------------------------------------------------------------

    def _layout_widths(self) -> None:
        fixed = self.columns[: self.fixed_columns]
        rest = self.columns[self.fixed_columns :]
        self._left_width = GUTTER + sum(c.width + 1 for c in fixed)
        self._right_width = sum(c.width + 1 for c in rest)
        self._col_x = []  # x of each scrolling column inside the right part
        x = 0
        for c in rest:
            self._col_x.append(x)
            x += c.width + 1

    @property
    def header_height(self) -> int:
        return 1

    @property
    def data_height(self) -> int:
        """Lines available for rows."""
        return max(1, self.scrollable_content_region.height - self.header_height)

    @property
    def rows_per_screen(self) -> int:
        return max(1, self.data_height // self.row_height)

    def _update_virtual_size(self) -> None:
        n = self.row_count or 0
        self.virtual_size = Size(
            self._left_width + self._right_width, self.header_height + n * self.row_height
        )

    def _first_visible_row(self) -> int:
        return int(self.scroll_y) // self.row_height

    # --- the source ---------------------------------------------------------------------------

    def set_source(self, source: TableSource | None, *, keep_cursor: bool = False) -> None:
        """Show another backend (or the same one re-read): counts in a worker, then pages."""
        with self._lock:
            self._generation += 1
            self._wanted.clear()
        self.source = source
        self._pages.clear()
        self.seen = Seen()
        if not keep_cursor:
            self.cursor_row = 0
            self.cursor_column = None
            if self.is_mounted:
                self.scroll_to(0, 0, animate=False, force=True, immediate=True)
        self.row_count = None
        self.error = None
        self._update_virtual_size()
        self.refresh()
        if source is not None:
            self._count(self._generation, source)
        if self.is_mounted:
            self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple) -> bool | None:
        # The footer offers only what this list can do.
        if action == "toggle_mark":
            return self.markable
        if action in ("next_difference", "previous_difference"):
            return self.source is not None and self.source.has_changes
        return True

    def reload(self) -> None:
        """Re-read everything (the store changed), keeping the cursor where it was."""
        self.set_source(self.source, keep_cursor=True)

    def _count(self, generation: int, source: TableSource) -> None:
        def work() -> None:
            n = source.count()
            self.post_message(self._Counted(generation, n))

        self.run_worker(work, thread=True, group="big-table-count", exit_on_error=False)

    def on_big_table__counted(self, message: _Counted) -> None:
        message.stop()
        if message.generation != self._generation:
            return
        self.row_count = message.count
        self._update_virtual_size()
        self.cursor_row = min(self.cursor_row, max(0, message.count - 1))
        self._scroll_cursor_into_view()
        self._want_window()
        self.refresh()
        self.post_message(self.Loaded(self, message.count))

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        # ForwardsFailures reports it through the App; here the table says why it is empty.
        if event.state == WorkerState.ERROR and event.worker.group.startswith("big-table"):
            self.error = "Could not read the rows; press r to retry."
            self.refresh()

    def row_at(self, index: int) -> Row | None:
        """The row at ``index`` when its page is in memory (else None: it is being read)."""
        page = self._pages.get(index // self.page_size)
        if page is None:
            return None
        i = index % self.page_size
        return page[i] if i < len(page) else None

    @property
    def current_row(self) -> Row | None:
        return self.row_at(self.cursor_row)

    @property
    def reading(self) -> bool:
        """Counting or reading pages from the backend now."""
        return self.row_count is None or bool(self._wanted) or self._fetching

    def _want_window(self) -> None:
        """Ask for the pages on screen and one either side (read ahead for paging)."""
        if self.source is None or not self.row_count:
            return
        first = self._first_visible_row()
        last = min(self.row_count - 1, first + self.rows_per_screen)
        lo, hi = first // self.page_size, last // self.page_size
        self._focus_page = lo
        self._span = 2 + (hi - lo)
        wanted = [p for p in range(lo - 1, hi + 2) if 0 <= p * self.page_size < self.row_count]
        missing = [p for p in wanted if p not in self._pages]
        for p in wanted:
            if p in self._pages:
                self._pages.move_to_end(p)
        if missing:
            self._request(missing)

    def _request(self, pages: list[int]) -> None:
        start = False
        with self._lock:
            self._wanted.update(p for p in pages if p != self._inflight)
            if not self._fetching:
                self._fetching = start = True
        if start:
            self.run_worker(
                self._fetch_loop, thread=True, group="big-table-pages", exit_on_error=False
            )

    def _fetch_loop(self) -> None:
        """One reader thread at a time takes the wanted page nearest the viewport; pages far
        from it by the time their turn comes are dropped (the user has scrolled on)."""
        while True:
            with self._lock:
                focus, span = self._focus_page, self._span
                near = [p for p in self._wanted if abs(p - focus) <= span and p not in self._pages]
                if not near:
                    self._wanted.clear()
                    self._fetching = False
                    return
                page = min(near, key=lambda p: abs(p - focus))
                self._wanted = set(near) - {page}
                self._inflight = page
                generation, source = self._generation, self.source
            if source is None:
                continue
            try:
                rows = list(source.page(page * self.page_size, self.page_size))
            except Exception:
                with self._lock:
                    self._fetching = False
                    self._inflight = None
                    self._wanted.clear()
                raise
            self.post_message(self._PageLoaded(generation, page, rows))

    def on_big_table__page_loaded(self, message: _PageLoaded) -> None:
        message.stop()
        with self._lock:
            if self._inflight == message.page:
                self._inflight = None
        if message.generation != self._generation:
            return
        self._pages[message.page] = message.rows
        self._pages.move_to_end(message.page)
        while len(self._pages) > self.max_pages:
            self._pages.popitem(last=False)
        first = self._first_visible_row()
        lo, hi = message.page * self.page_size, (message.page + 1) * self.page_size
        if lo <= first + self.rows_per_screen and hi >= first:
            self.refresh()
            self._note_seen()
            if lo <= self.cursor_row < hi:
                self.post_message(self.CursorMoved(self, self.cursor_row))

    def _note_seen(self) -> None:
        if not self.row_count:
            return
        first = self._first_visible_row()
        last = min(self.row_count, first + self.rows_per_screen)
        lo = first
        # Only rows actually shown count as seen.
        while lo < last and self.row_at(lo) is None:
            lo += 1
        hi = lo
        while hi < last and self.row_at(hi) is not None:
            hi += 1
        new = self.seen.add(lo, hi)
        keys = frozenset(r.key for part in new for i in part if (r := self.row_at(i)) and r.key)
        if keys:
            self.post_message(self.RowsSeen(self, keys))

    # --- rendering ----------------------------------------------------------------------------

    def watch_scroll_y(self, old: float, new: float) -> None:
        super().watch_scroll_y(old, new)
        if round(old) != round(new):
            self._want_window()
            self._note_seen()

    def on_resize(self) -> None:
        self._scroll_cursor_into_view()
        self._want_window()

    # --- cursor -------------------------------------------------------------------------------

    def watch_cursor_row(self, old: int, new: int) -> None:
        # Only the two rows change (a scroll, if any, refreshes the rest).
        for row in {old, new}:
            self.refresh_lines(self.header_height + row * self.row_height, self.row_height)
        self.post_message(self.CursorMoved(self, new))

    def move_cursor(self, index: int, *, column: int | None = None, center: bool = False) -> None:
        """Put the cursor on row ``index`` (and cell ``column``); ``center``: a jump (search,
        difference) shows the row mid-screen when it was off screen."""
        if not self.row_count:
            return
        self.cursor_row = max(0, min(index, self.row_count - 1))
        if column is not None:
            self.cursor_column = column
            self._scroll_column_into_view(column)
        self._scroll_cursor_into_view(center=center)

    def _scroll_cursor_into_view(self, *, center: bool = False) -> None:
        height = self.scrollable_content_region.height - self.header_height
        if height <= 0:
            return  # not laid out yet (a hidden tab): nothing to scroll against
        top = self.cursor_row * self.row_height
        y = self.scroll_y
        off_screen = top < y or top + self.row_height > y + height
        if center and off_screen:
            y = max(0, top - (height - self.row_height) // 2)
        elif top < y or height < self.row_height:
            y = top
        elif top + self.row_height > y + height:
            y = top + self.row_height - height
        if y != self.scroll_y:
            self.scroll_to(y=y, animate=False, force=True, immediate=True)

    def _scroll_column_into_view(self, column: int) -> None:
        if column < self.fixed_columns:
            return
        i = column - self.fixed_columns
        x, w = self._col_x[i], self.columns[column].width
        view = max(1, self.scrollable_content_region.width - self._left_width)
        sx = self.scroll_x
        if x < sx:
            sx = x
        elif x + w > sx + view:
            sx = x + w - view
        if sx != self.scroll_x:
            self.scroll_to(x=sx, animate=False, force=True, immediate=True)

    def action_cursor_down(self) -> None:
        self.move_cursor(self.cursor_row + 1)

    def action_cursor_up(self) -> None:
        self.move_cursor(self.cursor_row - 1)

    def action_cursor_left(self) -> None:
        col = (self.cursor_column if self.cursor_column is not None else 1) - 1
        self.cursor_column = max(0, col)
        self._scroll_column_into_view(self.cursor_column)
        self.refresh()

    def action_cursor_right(self) -> None:
        col = (self.cursor_column if self.cursor_column is not None else -1) + 1
        self.cursor_column = min(len(self.columns) - 1, col)
        self._scroll_column_into_view(self.cursor_column)
        self.refresh()

    def action_first(self) -> None:
        self.move_cursor(0)

    def action_last(self) -> None:
        self.move_cursor((self.row_count or 1) - 1)

    def _page(self, direction: int) -> None:
        if not self.row_count:
            return
        step = self.rows_per_screen
        target = max(0, min(self.cursor_row + direction * step, self.row_count - 1))
        # Keep the cursor's place on screen, as a pager does.
        y = self.scroll_y + (target - self.cursor_row) * self.row_height
        self.scroll_to(y=max(0, y), animate=False, force=True, immediate=True)
        self.cursor_row = target
        self._scroll_cursor_into_view()

    def action_page_down(self) -> None:
        self._page(1)

    def action_page_up(self) -> None:
        self._page(-1)

    def on_click(self, event: events.Click) -> None:
        if event.y < self.header_height or not self.row_count:
            return
        index = (event.y - self.header_height + int(self.scroll_y)) // self.row_height
        if index < self.row_count:
            self.move_cursor(index)
            if event.chain == 2:
                self.action_select()

    def on_big_table__jump(self, message: _Jump) -> None:
        message.stop()
        if message.generation != self._generation or message.index is None:
            return
        self.move_cursor(message.index, center=True)
        if message.column:
            self._pending_column = message.column
            row = self.current_row
            if row is not None:
                self._apply_pending_column(row)

    def _apply_pending_column(self, row: Row) -> None:
        cols = self._changed_columns(row)
        if cols and self._pending_column:
            col = cols[0] if self._pending_column == "first" else cols[-1]
            self.cursor_column = col
            self._scroll_column_into_view(col)
            self.refresh()
        self._pending_column = None

    def on_big_table_cursor_moved(self, message: CursorMoved) -> None:
        # The row a difference jump landed on may arrive after the jump.
        if message.table is self and self._pending_column:
            row = self.current_row
            if row is not None:
                self._apply_pending_column(row)

    # --- marks and detail ---------------------------------------------------------------------

    def set_marks(self, keys) -> None:
        self.marks = set(keys)
        self.refresh()

    def set_mark(self, key: str, marked: bool) -> None:
        (self.marks.add if marked else self.marks.discard)(key)
        self.refresh()

    def action_toggle_mark(self) -> None:
        row = self.current_row
        if not self.markable or row is None or row.key is None:
            return
        marked = row.key not in self.marks
        self.set_mark(row.key, marked)
        self.post_message(self.MarkToggled(self, row.key, marked, row))
        self.move_cursor(self.cursor_row + 1)

    def action_select(self) -> None:
        row = self.current_row
        if row is not None:
            self.post_message(self.RowSelected(self, self.cursor_row, row))
