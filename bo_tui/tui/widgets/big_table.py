"""A virtualized table over a paged store backend (SPEC sections 10–11): it renders only the
visible lines (Textual's line API), keeps a small window of pages, and reads pages in workers."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding, BindingType
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.worker import Worker, WorkerState

GUTTER = 2  # the mark column: "● " when a row is marked (held)
MARK = "●"


@dataclass(frozen=True, slots=True)
class Column:
    key: str
    label: str
    width: int


@dataclass(frozen=True, slots=True)
class Row:
    """One row of the table: ``lines`` holds one tuple of cell texts per display line (a report
    entry shows its Campus line above its HR line); ``changed`` the keys of differing columns."""

    key: str | None
    lines: tuple[tuple[str, ...], ...]
    changed: frozenset[str] = frozenset()
    data: Any = None


@dataclass
class TableSource:
    """The backend: ``count()`` and ``page(offset, limit)`` over the store (called in worker
    threads, each opening its own session); ``find(text, start, direction)`` returns the index of
    the next matching row strictly after (direction 1) or before (-1) ``start``, or None;
    ``find_changed(start, direction)`` likewise for rows with a changed cell."""

    count: Callable[[], int]
    page: Callable[[int, int], Sequence[Row]]
    find: Callable[[str, int, int], int | None] | None = None
    find_changed: Callable[[int, int], int | None] | None = None
    has_changes: bool = True


@dataclass
class _Seen:
    """Rows shown on screen, as merged intervals: flat in memory however many rows."""

    spans: list[list[int]] = field(default_factory=list)

    def add(self, lo: int, hi: int) -> bool:
        if hi <= lo:
            return False
        before = self.total
        spans = [*self.spans, [lo, hi]]
        spans.sort()
        merged: list[list[int]] = []
        for a, b in spans:
            if merged and a <= merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], b)
            else:
                merged.append([a, b])
        self.spans = merged
        return self.total != before

    @property
    def total(self) -> int:
        return sum(b - a for a, b in self.spans)


class BigTable(ScrollView, can_focus=True):
    """Fixed-width columns (the first ``fixed_columns`` stay put when scrolling sideways), a
    cursor row and cell, changed cells highlighted, marks toggled with space, search with n/N
    through the backend and a key to jump to the next difference."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j,down", "cursor_down", "Down", id="big_table.down", show=False),
        Binding("k,up", "cursor_up", "Up", id="big_table.up", show=False),
        Binding("h,left", "cursor_left", "Left", id="big_table.left", show=False),
        Binding("l,right", "cursor_right", "Right", id="big_table.right", show=False),
        Binding("g,home", "first", "First row", id="big_table.first", show=False),
        Binding("G,end", "last", "Last row", id="big_table.last", show=False),
        Binding("pagedown,ctrl+f", "page_down", "Page down", id="big_table.page_down", show=False),
        Binding("pageup,ctrl+b", "page_up", "Page up", id="big_table.page_up", show=False),
        Binding("n", "search_next", "Next match", id="big_table.search_next", show=False),
        Binding("N", "search_previous", "Previous match", id="big_table.search_prev", show=False),
        Binding("d", "next_difference", "Next diff", id="big_table.next_difference"),
        Binding(
            "D", "previous_difference", "Prev diff", id="big_table.prev_difference", show=False
        ),
        Binding("space", "toggle_mark", "Hold", id="big_table.toggle_mark"),
        Binding("enter", "select", "Detail", id="big_table.select"),
    ]

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
        self.seen = _Seen()
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
        self.seen = _Seen()
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
        # Not stopped: the screen's handler also reports the failure.
        if event.state == WorkerState.ERROR and event.worker.group.startswith("big-table"):
            self.error = "Could not read the rows; press r to retry."
            if event.worker.group == "big-table-pages" and self.row_count:
                self.notify(self.error, severity="error", timeout=5)
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
        self.seen.add(lo, hi)

    # --- rendering ----------------------------------------------------------------------------

    def watch_scroll_y(self, old: float, new: float) -> None:
        super().watch_scroll_y(old, new)
        if round(old) != round(new):
            self._want_window()
            self._note_seen()

    def on_resize(self) -> None:
        self._scroll_cursor_into_view()
        self._want_window()

    def _style(self, name: str) -> Style:
        return self.get_component_rich_style(name)

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        base = self.rich_style
        scroll_x, scroll_y = self.scroll_offset
        if y < self.header_height:
            style = base + self._style("big-table--header")
            cells = [c.label for c in self.columns]
            return self._line(cells, style, None, scroll_x, width, header=True)
        if self.row_count is None:
            text = (self.error or "Loading…") if y == self.header_height else ""
            return Strip([Segment(set_cell_size(" " + text, width), base)])
        if self.row_count == 0:
            text = self.empty_text if y == self.header_height else ""
            return Strip([Segment(set_cell_size(" " + text, width), base)])
        line = y - self.header_height + scroll_y
        index, sub = divmod(line, self.row_height)
        if index >= self.row_count:
            return Strip.blank(width, base)
        row = self.row_at(index)
        style = base
        if index % 2:
            style += self._style("big-table--even")
        cursor = index == self.cursor_row
        if cursor:
            style += self._style("big-table--cursor")
        if row is None:
            self._request([index // self.page_size])
            style += self._style("big-table--placeholder")
            cells = ["…" if sub == 0 and i == 0 else "" for i in range(len(self.columns))]
            return self._line(cells, style, None, scroll_x, width)
        cells = row.lines[sub] if sub < len(row.lines) else ()
        return self._line(
            cells,
            style,
            row,
            scroll_x,
            width,
            marked=sub == 0 and row.key is not None and row.key in self.marks,
            cursor=cursor,
        )

    def _line(
        self,
        cells: Sequence[str],
        style: Style,
        row: Row | None,
        scroll_x: int,
        width: int,
        *,
        header: bool = False,
        marked: bool = False,
        cursor: bool = False,
    ) -> Strip:
        changed_style = self._style("big-table--changed")
        cell_cursor = self._style("big-table--cursor-cell")
        left: list[Segment] = [
            Segment(MARK + " ", style + self._style("big-table--mark"))
            if marked
            else Segment(" " * GUTTER, style)
        ]
        right: list[Segment] = []
        for i, col in enumerate(self.columns):
            text = cells[i] if i < len(cells) else ""
            text = "" if text is None else str(text)
            if cell_len(text) > col.width:
                text = set_cell_size(text, col.width - 1) + "…"
            else:
                text = set_cell_size(text, col.width)
            s = style
            if row is not None and col.key in row.changed:
                s += changed_style
            if cursor and i == self.cursor_column:
                s += cell_cursor
            target = left if i < self.fixed_columns else right
            target.append(Segment(text, s))
            target.append(Segment(" ", style))
        # One Strip per line: Textual's Strips are costly to make, so crop segments instead.
        view = max(0, width - self._left_width)
        if view and right:
            cuts = [scroll_x, scroll_x + view]
            shown = (
                list(Segment.divide(right, cuts))[1]
                if scroll_x
                else list(Segment.divide(right, cuts[1:]))[0]
            )
        else:
            shown = []
        segments = left + shown
        used = self._left_width + sum(seg.cell_length for seg in shown)
        if used < width:
            segments.append(Segment(" " * (width - used), style))
        elif used > width:
            segments = list(Segment.divide(segments, [width]))[0]
        return Strip(segments, width)

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

    # --- search and next difference ----------------------------------------------------------

    def search(self, text: str, direction: int = 1, *, from_cursor: bool = True) -> None:
        """Find ``text`` from the cursor (the cursor row included on a new search), wrapping."""
        self.search_text = text.strip()
        if not self.search_text or not self.row_count or self.source is None:
            return
        start = self.cursor_row - direction if from_cursor else self.cursor_row
        self._run_find(self.search_text, start, direction)

    def action_search_next(self) -> None:
        if self.search_text:
            self.search(self.search_text, 1, from_cursor=False)

    def action_search_previous(self) -> None:
        if self.search_text:
            self.search(self.search_text, -1, from_cursor=False)

    def _run_find(self, text: str, start: int, direction: int) -> None:
        generation, source, count = self._generation, self.source, self.row_count or 0
        find = source.find or (lambda t, s, d: self._scan(source, count, s, d, _matches(t)))

        def work() -> None:
            index = find(text, start, direction)
            wrapped = False
            if index is None:
                index = find(text, -1 if direction > 0 else count, direction)
                wrapped = index is not None
            self.post_message(self.SearchFinished(self, text, index, wrapped))
            self.post_message(self._Jump(generation, index, None))

        self.run_worker(
            work, thread=True, exclusive=True, group="big-table-find", exit_on_error=False
        )

    def action_next_difference(self) -> None:
        self._difference(1)

    def action_previous_difference(self) -> None:
        self._difference(-1)

    def _changed_columns(self, row: Row) -> list[int]:
        return [i for i, c in enumerate(self.columns) if c.key in row.changed]

    def _difference(self, direction: int) -> None:
        """The next changed cell of this row, else the first changed cell of the next row that
        has one (looked up in the pages in memory first, then by the backend)."""
        if not self.row_count or self.source is None or not self.source.has_changes:
            if self.source is not None and not self.source.has_changes:
                self.notify("No differences in this list.", timeout=3)
            return
        row = self.current_row
        if row is not None:
            cols = self._changed_columns(row)
            here = (
                self.cursor_column
                if self.cursor_column is not None
                else (-1 if direction > 0 else len(self.columns))
            )
            after = [c for c in cols if (c > here if direction > 0 else c < here)]
            if after:
                col = after[0] if direction > 0 else after[-1]
                self.move_cursor(self.cursor_row, column=col)
                self.refresh()
                return
        index = self.cursor_row + direction
        while 0 <= index < self.row_count:
            r = self.row_at(index)
            if r is None:
                break
            if r.changed:
                self._land_on_difference(index, r, direction)
                return
            index += direction
        if not 0 <= index < self.row_count:
            self.notify("No more differences.", timeout=3)
            return
        generation, source, count = self._generation, self.source, self.row_count
        find = source.find_changed or (
            lambda s, d: self._scan(source, count, s, d, lambda r: bool(r.changed))
        )
        start = index - direction

        def work() -> None:
            found = find(start, direction)
            if found is None:
                self.app.call_from_thread(self.notify, "No more differences.", timeout=3)
            self.post_message(self._Jump(generation, found, "first" if direction > 0 else "last"))

        self.run_worker(
            work, thread=True, exclusive=True, group="big-table-find", exit_on_error=False
        )

    def _land_on_difference(self, index: int, row: Row, direction: int) -> None:
        cols = self._changed_columns(row)
        col = (cols[0] if direction > 0 else cols[-1]) if cols else None
        self.move_cursor(index, column=col)

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

    _pending_column: str | None = None

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

    def _scan(
        self, source: TableSource, count: int, start: int, direction: int, pred
    ) -> int | None:
        """Fallback search through ``page`` when the backend has no ``find``: a page at a
        time, in the worker, stopping when the table is given another source."""
        generation = self._generation
        size = self.page_size
        index = start + direction
        while 0 <= index < count:
            if generation != self._generation:
                return None
            base = (index // size) * size
            rows = source.page(base, size)
            i = index - base
            while 0 <= i < len(rows):
                if pred(rows[i]):
                    return base + i
                i += direction
            index = base + size if direction > 0 else base - 1
        return None


def _matches(text: str):
    needle = text.lower()

    def pred(row: Row) -> bool:
        return any(needle in str(cell or "").lower() for line in row.lines for cell in line)

    return pred
