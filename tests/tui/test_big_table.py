"""The virtualized big table (SPEC sections 10–11): paging over a backend, search with n/N,
next difference, marks (holds), Enter for detail; only a window of pages stays in memory."""

from __future__ import annotations

from textual.app import App, ComposeResult

from bo_tui.tui.widgets.big_table import BigTable, Column, Row, TableSource

COLUMNS = [
    Column("system", "System", 6),
    Column("staffNumber", "Staff Number", 12),
    Column("lastName", "Last Name", 12),
    Column("firstName", "First Name", 10),
    Column("workEmail", "Work Email", 26),
    Column("birthDate", "Birth Date", 10),
]
N = 5_000


def make_row(i: int) -> Row:
    sn = f"S{i:05d}"
    changed = set()
    if i % 10 == 3:
        changed |= {"lastName", "birthDate"}
    if i % 10 == 7:
        changed.add("workEmail")
    return Row(
        sn,
        (
            ("Campus", sn, f"Last{i}", "Ann", f"a{i}@x.org", "1980-01-01"),
            (
                "HR",
                sn,
                f"LAST{i}" if i % 10 == 3 else f"Last{i}",
                "Ann",
                f"b{i}@x.org",
                "1980-01-02",
            ),
        ),
        frozenset(changed),
    )


class Backend:
    """An in-memory backend that records what the table asked for."""

    def __init__(self, n: int = N, *, with_find: bool = True):
        self.n = n
        self.pages: list[int] = []
        self.with_find = with_find

    def source(self) -> TableSource:
        return TableSource(
            count=lambda: self.n,
            page=self.page,
            find=self.find if self.with_find else None,
        )

    def page(self, offset: int, limit: int) -> list[Row]:
        self.pages.append(offset)
        return [make_row(i) for i in range(offset, min(offset + limit, self.n))]

    def find(self, text: str, start: int, direction: int) -> int | None:
        i = start + direction
        while 0 <= i < self.n:
            if text.lower() in f"s{i:05d} last{i}":
                return i
            i += direction
        return None


class TableApp(App):
    def __init__(self, backend: Backend, **kw):
        super().__init__()
        self.backend = backend
        self.kw = kw
        self.messages: list = []
        self.seen: list[frozenset[str]] = []

    def compose(self) -> ComposeResult:
        yield BigTable(COLUMNS, row_height=2, fixed_columns=2, markable=True, **self.kw)

    def on_mount(self) -> None:
        table = self.query_one(BigTable)
        table.set_source(self.backend.source())
        self.call_after_refresh(table.focus)

    def on_big_table_mark_toggled(self, message: BigTable.MarkToggled) -> None:
        self.messages.append(("mark", message.key, message.marked))

    def on_big_table_row_selected(self, message: BigTable.RowSelected) -> None:
        self.messages.append(("select", message.index, message.row.key))

    def on_big_table_rows_seen(self, message: BigTable.RowsSeen) -> None:
        self.seen.append(message.keys)


async def settled(pilot) -> BigTable:
    for _ in range(3):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
    return pilot.app.query_one(BigTable)


async def test_first_page_is_read_from_the_backend_not_all_rows():
    backend = Backend()
    app = TableApp(backend)
    async with app.run_test(size=(80, 24)) as pilot:
        table = await settled(pilot)
        assert table.row_count == N
        assert table.row_at(0).key == "S00000"
        # Only the window around the viewport was read: a page or two, never all 50.
        assert len(set(backend.pages)) <= 2
        assert table.seen.total == table.rows_per_screen


async def test_paging_moves_a_screen_and_keeps_memory_to_a_window():
    backend = Backend()
    app = TableApp(backend, max_pages=4)
    async with app.run_test(size=(80, 24)) as pilot:
        table = await settled(pilot)
        per = table.rows_per_screen
        await pilot.press("pagedown")
        await settled(pilot)
        assert table.cursor_row == per
        await pilot.press("j", "j", "k")
        assert table.cursor_row == per + 1
        await pilot.press("G")
        await settled(pilot)
        assert table.cursor_row == N - 1
        assert table.current_row.key == f"S{N - 1:05d}"
        assert len(table._pages) <= 4
        await pilot.press("pageup")
        assert table.cursor_row == N - 1 - per
        await pilot.press("g")
        await settled(pilot)
        assert table.cursor_row == 0 and table.scroll_y == 0
        for _ in range(30):
            await pilot.press("pagedown")
        await settled(pilot)
        assert table.cursor_row == 30 * per
        assert len(table._pages) <= 4


async def test_search_with_n_and_N_through_the_backend_and_wraps():
    backend = Backend()
    app = TableApp(backend)
    async with app.run_test(size=(80, 24)) as pilot:
        table = await settled(pilot)
        table.search("s0420")
        table = await settled(pilot)
        assert table.cursor_row == 4200
        assert table.current_row.key == "S04200"
        await pilot.press("n")
        await settled(pilot)
        assert table.cursor_row == 4201
        await pilot.press("N", "N")
        await settled(pilot)
        assert table.cursor_row == 4209  # wrapped backwards past the first match
        table.search("S00001")
        await settled(pilot)
        assert table.cursor_row == 1


async def test_search_without_backend_find_scans_pages():
    backend = Backend(800, with_find=False)
    app = TableApp(backend)
    async with app.run_test(size=(80, 24)) as pilot:
        table = await settled(pilot)
        table.search("last777")
        await settled(pilot)
        assert table.cursor_row == 777


async def test_next_difference_walks_changed_cells_then_rows():
    app = TableApp(Backend())
    async with app.run_test(size=(80, 24)) as pilot:
        table = await settled(pilot)
        await pilot.press("d")
        await settled(pilot)
        assert (table.cursor_row, table.cursor_column) == (3, 2)  # lastName
        await pilot.press("d")
        assert (table.cursor_row, table.cursor_column) == (3, 5)  # birthDate
        await pilot.press("d")
        await settled(pilot)
        assert (table.cursor_row, table.cursor_column) == (7, 4)  # workEmail
        await pilot.press("D")
        await settled(pilot)
        assert (table.cursor_row, table.cursor_column) == (3, 5)
        table.move_cursor(4990)
        await settled(pilot)
        await pilot.press("d")
        await settled(pilot)
        assert table.cursor_row == 4993


async def test_space_marks_a_row_and_enter_asks_for_detail():
    app = TableApp(Backend())
    async with app.run_test(size=(80, 24)) as pilot:
        table = await settled(pilot)
        await pilot.press("j", "space")
        assert "S00001" in table.marks
        assert table.cursor_row == 2  # moves on, as a reviewer goes down the list
        await pilot.press("k", "space")
        assert "S00001" not in table.marks
        await pilot.press("enter")
        await pilot.pause()
        assert app.messages == [
            ("mark", "S00001", True),
            ("mark", "S00001", False),
            ("select", 2, "S00002"),
        ]


async def test_an_empty_backend_says_so():
    app = TableApp(Backend(0))
    async with app.run_test(size=(80, 24)) as pilot:
        table = await settled(pilot)
        assert table.row_count == 0
        await pilot.press("j", "space", "enter", "d")
        assert app.messages == []


async def test_R_SYNC_4_rows_seen_names_each_shown_row_once_per_source():
    backend = Backend()
    app = TableApp(backend)
    async with app.run_test(size=(80, 24)) as pilot:
        table = await settled(pilot)
        per = table.rows_per_screen

        def seen() -> list[str]:
            return sorted(k for keys in app.seen for k in keys)

        assert seen() == [f"S{i:05d}" for i in range(per)]
        await pilot.press("pagedown")
        await settled(pilot)
        shown = seen()
        assert len(shown) == len(set(shown))  # a row is named once
        assert f"S{2 * per - 1:05d}" in shown and f"S{2 * per:05d}" not in shown
        await pilot.press("pageup")  # rows shown before are not named again
        await settled(pilot)
        assert seen() == shown
        for _ in range(2 * per + 3):  # line by line past what was shown: each new row once
            await pilot.press("j")
            await settled(pilot)
        names = seen()
        assert len(names) == len(set(names)) == table.seen.total > len(shown)


def test_seen_adds_only_rows_not_shown_before():
    from bo_tui.tui.widgets.table_source import Seen

    seen = Seen()
    assert seen.add(10, 20) == [range(10, 20)]
    assert seen.add(15, 25) == [range(20, 25)]
    assert seen.add(0, 30) == [range(0, 10), range(25, 30)]
    assert seen.add(5, 30) == [] and seen.add(3, 3) == []
    assert seen.spans == [[0, 30]] and seen.total == 30
