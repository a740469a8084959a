"""How a ``BigTable`` paints a line (Textual's line API): fixed columns, the part of the others
that the horizontal scroll shows, the cursor, changed cells and marks (SPEC section 11)."""

from __future__ import annotations

from collections.abc import Sequence

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from textual.strip import Strip

from .table_source import Row

GUTTER = 2  # the mark column: "● " when a row is marked (held)
MARK = "●"


class RenderMixin:
    """``render_line`` of a ``BigTable``: only the visible lines are ever made."""

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
