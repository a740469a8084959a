"""Search (``/`` with n/N) and the jump to the next difference of a ``BigTable`` (SPEC section
10's review keys): asked of the backend in a worker, or found in the pages in memory."""

from __future__ import annotations

from .table_source import Row, TableSource, matches


class FindMixin:
    """The ``BigTable`` methods that move the cursor to a match or a changed cell."""

    _pending_column: str | None = None

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
        find = source.find or (lambda t, s, d: self._scan(source, count, s, d, matches(t)))

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
