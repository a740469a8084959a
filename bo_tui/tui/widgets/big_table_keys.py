"""The keys of the big table (VisiData's review keys, STYLE.md TUI): each with an id for the
keymap and a tooltip for help and the palette."""

from __future__ import annotations

from textual.binding import Binding, BindingType

BINDINGS: list[BindingType] = [
    Binding(
        "j,down", "cursor_down", "Down", id="big_table.down", show=False, tooltip="Down one row"
    ),
    Binding("k,up", "cursor_up", "Up", id="big_table.up", show=False, tooltip="Up one row"),
    Binding(
        "h,left", "cursor_left", "Left", id="big_table.left", show=False, tooltip="Scroll left"
    ),
    Binding(
        "l,right",
        "cursor_right",
        "Right",
        id="big_table.right",
        show=False,
        tooltip="Scroll right",
    ),
    Binding(
        "g,home",
        "first",
        "First row",
        id="big_table.first",
        show=False,
        tooltip="The first row",
    ),
    Binding("G,end", "last", "Last row", id="big_table.last", show=False, tooltip="The last row"),
    Binding(
        "pagedown,ctrl+f",
        "page_down",
        "Page down",
        id="big_table.page_down",
        show=False,
        tooltip="Down one page",
    ),
    Binding(
        "pageup,ctrl+b",
        "page_up",
        "Page up",
        id="big_table.page_up",
        show=False,
        tooltip="Up one page",
    ),
    Binding(
        "n",
        "search_next",
        "Next match",
        id="big_table.search_next",
        show=False,
        tooltip="The next match of the search",
    ),
    Binding(
        "N",
        "search_previous",
        "Previous match",
        id="big_table.search_prev",
        show=False,
        tooltip="The previous match of the search",
    ),
    Binding(
        "d",
        "next_difference",
        "Next diff",
        id="big_table.next_difference",
        tooltip="The next row with a difference",
    ),
    Binding(
        "D",
        "previous_difference",
        "Prev diff",
        id="big_table.prev_difference",
        show=False,
        tooltip="The previous row with a difference",
    ),
    Binding(
        "space",
        "toggle_mark",
        "Hold",
        id="big_table.toggle_mark",
        tooltip="Hold the staff member back from the commit (or release)",
    ),
    Binding("enter", "select", "Detail", id="big_table.select", tooltip="The row in detail"),
]
