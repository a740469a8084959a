"""The validation report (R-SYNC-4, R-SYNC-10): the summary with the per-field counts, one tab
per category with Campus beside HR from paged store reads, search, filter, holds, export."""

from __future__ import annotations

import threading

from rich.console import Group
from rich.markup import escape
from rich.table import Table
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Footer, Header, Input, Static, TabbedContent, TabPane

from bo_tui.core import rights
from bo_tui.core import sync as sync_core
from bo_tui.core.fields import label
from bo_tui.core.sync import export as export_core
from bo_tui.core.sync import states
from bo_tui.core.sync.report import CATEGORIES, DEMOGRAPHIC_FIELDS, NOTES, TITLES
from bo_tui.core.sync.report_query import HOLDABLE, category_counts

from ..exports import export_folder
from ..widgets.big_table import BigTable
from ..widgets.report_table import SHORT_TITLES, VIEWS, report_source
from .base import BaseScreen
from .report_modals import ExportModal, FieldFilterModal, ReportDetailModal

BAR = 24  # cells of the longest bar in the per-field chart
FILTER_TEXT = {"__held__": "held back", "__unreviewed__": "rows not reviewed yet"}
OPEN = (states.TRANSFERRING, states.TRANSFERRED, states.VALIDATED)


def _count(summary: dict, category: str) -> int | None:
    value = summary.get(category)
    if isinstance(value, dict):
        return value.get("total", 0)
    return value


def summary_renderable(info: sync_core.SyncInfo, counts: dict[str, int]) -> Group:
    """The seed's summary: every category's count, and the per-field demographic counts with
    a bar each (what the commit would change, at a glance)."""
    s = info.summary or {}
    fields = (s.get("demographicDifferences") or {}).get("fields", {})
    top = max([1, *fields.values()])

    def table() -> Table:
        t = Table.grid(padding=(0, 1))
        t.add_column(no_wrap=True, width=42)
        t.add_column(justify="right", no_wrap=True, width=9)
        return t

    head = table()
    head.add_row("[b u]Staff Synchronization Summary[/b u]", "")
    head.add_row(
        f"[b]{TITLES['demographicDifferences']}[/b]",
        f"[b]{counts.get('demographicDifferences', 0):,}[/b]",
    )
    chart = Table.grid(padding=(0, 1))
    chart.add_column(no_wrap=True, width=18)
    chart.add_column(justify="right", no_wrap=True, width=8)
    chart.add_column(no_wrap=True)
    for f in DEMOGRAPHIC_FIELDS:
        v = fields.get(f, 0)
        bar = "█" * max(1 if v else 0, round(v * BAR / top))
        chart.add_row(f"    {label(f)}", f"{v:,}", f"[cyan]{bar}[/cyan]")
    rest = table()
    for cat in CATEGORIES[1:]:
        rest.add_row(f"[b]{TITLES[cat]}[/b]", f"[b]{counts.get(cat, 0):,}[/b]")
    return Group(head, chart, rest)


class ReportScreen(BaseScreen):
    TITLE = "Validation Report"
    DEFAULT_CSS = """
    ReportScreen #report-head { height: 1; padding: 0 1; background: $panel; }
    ReportScreen TabbedContent { height: 1fr; }
    ReportScreen TabPane { padding: 0; }
    ReportScreen .report-status { height: 1; padding: 0 1; color: $text-muted; }
    ReportScreen .report-note { height: 1; padding: 0 1; color: $text-muted; text-style: italic; }
    ReportScreen #report-summary-scroll { padding: 0 1; }
    ReportScreen #report-search {
        dock: bottom; height: 1; border: none; padding: 0 1; display: none;
        margin: 0 0 1 0; background: $boost;
    }
    ReportScreen #report-empty { padding: 1 2; height: auto; }
    """
    BINDINGS = [
        Binding(
            "slash",
            "search",
            "Search",
            id="report.search",
            tooltip="Find a staff number or name in this tab (n: next)",
        ),
        Binding(
            "f",
            "filter",
            "Filter",
            id="report.filter",
            tooltip="Only rows with a changed field, held back, or not reviewed yet",
        ),
        Binding(
            "y",
            "copy",
            "Copy",
            id="report.copy",
            tooltip="Copy the staff number to the clipboard (OSC 52)",
        ),
        Binding(
            "e",
            "export",
            "Export",
            id="report.export",
            tooltip="Export this tab or the whole report (PDF, CSV, JSON)",
        ),
        Binding(
            "c",
            "combine",
            "Combine person",
            id="report.combine",
            tooltip="Combine Person: the possible duplicate into the HR staff member",
        ),
        Binding(
            "right_square_bracket",
            "next_tab",
            "Next tab",
            id="report.next_tab",
            tooltip="The next category",
        ),
        Binding(
            "left_square_bracket",
            "previous_tab",
            "Previous tab",
            id="report.prev_tab",
            show=False,
            tooltip="The previous category",
        ),
        Binding(
            "r",
            "refresh",
            "Reload",
            id="report.refresh",
            show=False,
            tooltip="Read the report again",
        ),
    ]

    def __init__(self) -> None:
        super().__init__()
        self._lines = {}
        self._hold_lock = threading.Lock()
        self._hold_pending: dict[str, bool] = {}
        self._hold_writing = False
        self._seen_pending: dict[str, set[str]] = {}
        self._seen_writing = False
        self.progress: sync_core.ReviewProgress | None = None
        self.info: sync_core.SyncInfo | None = None
        self.counts: dict[str, int] = {}
        self.holds: set[str] = set()
        # category -> its filter: a changed field, "__held__" or "__unreviewed__" (the modal's ids)
        self.fields: dict[str, str | None] = {}

    def compose(self) -> ComposeResult:
        yield Header(icon="≡")
        yield Static("Loading…", id="report-head")
        with TabbedContent(id="report-tabs"):
            with TabPane("Summary", id="tab-summary"), VerticalScroll(id="report-summary-scroll"):
                yield Static("", id="report-summary")
            for cat in CATEGORIES:
                view = VIEWS[cat]
                with TabPane(SHORT_TITLES[cat], id=f"tab-{cat}"), Vertical():
                    yield Static(f"** {escape(NOTES[cat])} **", classes="report-note")
                    yield BigTable(
                        view.columns,
                        row_height=view.row_height,
                        fixed_columns=view.fixed,
                        empty_text="No staff members in this category.",
                        id=f"table-{cat}",
                    )
                    yield Static("", classes="report-status", id=f"status-{cat}")
        yield Input(placeholder="search staff number or name, Enter", id="report-search")
        yield Footer()

    def on_mount(self) -> None:
        for cat in CATEGORIES:
            self.table(cat).marks = self.holds  # one set: a hold shows on every tab
        self.load_report()

    def on_screen_resume(self) -> None:
        self.load_report()

    def table(self, category: str) -> BigTable:
        return self.query_one(f"#table-{category}", BigTable)

    @property
    def category(self) -> str | None:
        active = self.query_one(TabbedContent).active
        return active.removeprefix("tab-") if active and active != "tab-summary" else None

    @property
    def active_table(self) -> BigTable | None:
        cat = self.category
        return self.table(cat) if cat else None

    # --- loading ----------------------------------------------------------------------------

    def action_refresh(self) -> None:
        self.load_report()

    @work(thread=True, exclusive=True, group="report-load", exit_on_error=False)
    def load_report(self) -> None:
        app = self.app
        with app.store.session() as s:
            info = sync_core.current(s)
            held: set[str] = set()
            extra: dict[str, int] = {}
            progress = None
            if info.syncId and info.summary:
                held = states.held_staff(s, info.syncId)
                # Categories only in the details (possible duplicates) are counted here.
                counts = category_counts(s, sync_id=info.syncId)
                extra = {c: n for c, n in counts.items() if c not in info.summary}
                progress = sync_core.review_progress(s, sync_id=info.syncId)
        app.call_from_thread(self.show_report, info, held, extra, progress)

    def show_report(
        self,
        info: sync_core.SyncInfo,
        held: set[str],
        extra: dict[str, int] | None = None,
        progress: sync_core.ReviewProgress | None = None,
    ) -> None:
        same = (
            self.info is not None
            and self.info.syncId == info.syncId
            and self.info.validatedAt == info.validatedAt
        )
        self.info = info
        if not same or not self._stale(progress):
            self.progress = progress
        self.holds.clear()
        self.holds.update(held)
        summary = info.summary
        tabs = self.query_one(TabbedContent)
        if not summary:
            self._line(
                "#report-head",
                "No validation report yet: transfer and validate on the Synchronization screen (3).",
            )
            self.query_one("#report-summary", Static).update(
                "Run the synchronization wizard (key 3): Start Transfer, transfer the HR file, "
                "End Transfer, Validate. The report then shows here."
            )
            for cat in CATEGORIES:
                self.table(cat).set_source(None)
            return
        extra = extra or {}
        self.counts = {cat: _count(summary, cat) or extra.get(cat, 0) for cat in CATEGORIES}
        for cat in CATEGORIES:
            tabs.get_tab(f"tab-{cat}").label = f"{SHORT_TITLES[cat]} {self.counts[cat]:,}"
            table = self.table(cat)
            table.markable = VIEWS[cat].holdable and info.state in OPEN
            if not same:
                self.fields.pop(cat, None)
                table.set_source(None)
        self.query_one("#report-summary", Static).update(summary_renderable(info, self.counts))
        cat = self.category
        if cat:
            self._activate(cat)
        self._update_head()
        self.refresh_bindings()

    def _activate(self, cat: str) -> None:
        table = self.table(cat)
        if table.source is None and self.info and self.info.summary:
            table.set_source(self._source(cat))
        self.call_after_refresh(table.focus)

    @on(TabbedContent.TabActivated)
    def _tab_activated(self, event: TabbedContent.TabActivated) -> None:
        cat = self.category
        if cat:
            self._activate(cat)
        self.refresh_bindings()

    def action_next_tab(self) -> None:
        self._switch(1)

    def action_previous_tab(self) -> None:
        self._switch(-1)

    def _switch(self, step: int) -> None:
        ids = ["tab-summary", *(f"tab-{c}" for c in CATEGORIES)]
        tabs = self.query_one(TabbedContent)
        tabs.active = ids[(ids.index(tabs.active) + step) % len(ids)]

    # --- status lines -------------------------------------------------------------------------

    def _update_head(self) -> None:
        info = self.info
        if not info or not info.summary:
            return
        # The core counts the rows needing review (staged HR staff) and those seen by anyone.
        progress = self.progress
        reviewed, total = (progress.reviewed, progress.total) if progress else (0, 0)
        state = info.state.upper()
        when = (info.validatedAt or "")[:16].replace("T", " ")
        self._line(
            "#report-head",
            f"Sync {info.syncId} {state.lower()} {when} · reviewed [b]{reviewed:,}[/b]/{total:,}"
            f" · held [b]{len(self.holds):,}[/b]",
        )

    _lines: dict[str, str] = {}

    def _line(self, selector: str, text: str) -> None:
        # One-line bars change on every cursor move: no layout pass, and none when unchanged.
        if self._lines.get(selector) != text:
            self._lines[selector] = text
            self.query_one(selector, Static).update(text, layout=False)

    def _update_status(self, cat: str) -> None:
        table = self.table(cat)
        n = table.row_count
        parts = []
        if n is None:
            parts.append("Loading…")
        elif n:
            parts.append(f"row {table.cursor_row + 1:,} of {n:,}")
        field = self.fields.get(cat)
        if field:
            parts.append(f"only {FILTER_TEXT.get(field) or f'where {label(field)} differs'} (f)")
        if table.search_text:
            parts.append(f"/{table.search_text} (n/N)")
        if table.markable:
            parts.append("space holds back")
        self._line(f"#status-{cat}", escape(" · ".join(parts)))

    def _cat_of(self, table: BigTable) -> str | None:
        return (
            (table.id or "").removeprefix("table-")
            if (table.id or "").startswith("table-")
            else None
        )

    def on_big_table_loaded(self, message: BigTable.Loaded) -> None:
        cat = self._cat_of(message.table)
        if cat:
            self._update_status(cat)

    def on_big_table_cursor_moved(self, message: BigTable.CursorMoved) -> None:
        cat = self._cat_of(message.table)
        if cat:
            self._update_status(cat)
            self._update_head()

    def on_big_table_search_finished(self, message: BigTable.SearchFinished) -> None:
        if message.index is None:
            self.notify(f"No staff member matches {message.text!r} in this tab.", timeout=3)
        elif message.wrapped:
            self.notify("Search wrapped around.", timeout=2)

    # --- review: seen rows, holds and detail ---------------------------------------------------

    def on_big_table_rows_seen(self, message: BigTable.RowsSeen) -> None:
        cat = self._cat_of(message.table)
        info = self.info
        if not cat or cat not in HOLDABLE or not info or info.state not in OPEN:
            return
        start = False
        with self._hold_lock:
            self._seen_pending.setdefault(cat, set()).update(message.keys)
            if not self._seen_writing:
                self._seen_writing = start = True
        if start:
            self.save_reviews(info.syncId)

    @work(thread=True, group="report-reviewed", exit_on_error=False)
    def save_reviews(self, sync_id: int) -> None:
        """One writer records the rows shown since its last write, then shows the core's count."""
        app = self.app
        while True:
            with self._hold_lock:
                if not self._seen_pending:
                    self._seen_writing = False
                    return
                cat, keys = self._seen_pending.popitem()
            try:
                with app.store.transaction() as s:
                    progress = sync_core.mark_reviewed(s, cat, keys, sync_id=sync_id, by=app.login)
            except Exception:
                with self._hold_lock:
                    self._seen_writing = False
                raise
            app.call_from_thread(self._show_progress, progress)

    def _show_progress(self, progress: sync_core.ReviewProgress) -> None:
        if self.info and self.info.syncId == progress.syncId and not self._stale(progress):
            self.progress = progress
            self._update_head()

    def _stale(self, progress: sync_core.ReviewProgress | None) -> bool:
        """A read of the count that a later write has overtaken (the store's count only grows
        for a report): a reload and the review writer may answer out of order."""
        old = self.progress
        return bool(
            old
            and progress
            and old.syncId == progress.syncId
            and old.total == progress.total
            and old.reviewed > progress.reviewed
        )

    def on_big_table_mark_toggled(self, message: BigTable.MarkToggled) -> None:
        if not self.can(rights.BOI_ADMIN):
            self.holds.symmetric_difference_update({message.key})
            message.table.refresh()
            self.notify(self.why_not(rights.BOI_ADMIN), title="Not held", severity="warning")
            return
        self._update_head()
        start = False
        with self._hold_lock:
            self._hold_pending[message.key] = message.marked
            if not self._hold_writing:
                self._hold_writing = start = True
        if start:
            self.save_holds()

    @work(thread=True, group="report-hold", exit_on_error=False)
    def save_holds(self) -> None:
        """One writer drains the wanted holds, so quick toggles of one staff member reach the
        store in the order pressed (the last one wins)."""
        app = self.app
        while True:
            with self._hold_lock:
                if not self._hold_pending:
                    self._hold_writing = False
                    return
                staff_number, held = self._hold_pending.popitem()
            try:
                with app.store.transaction() as s:
                    sync_core.set_hold(s, staff_number, held, by=app.login)
            except Exception:
                with self._hold_lock:
                    self._hold_writing = False
                app.call_from_thread(self._hold_failed, staff_number, held)
                raise

    def _hold_failed(self, staff_number: str, held: bool) -> None:
        if self._hold_pending.get(staff_number, held) != held:
            return  # a newer toggle is on its way
        (self.holds.discard if held else self.holds.add)(staff_number)
        for cat in CATEGORIES:
            self.table(cat).refresh()
        self._update_head()

    def on_big_table_row_selected(self, message: BigTable.RowSelected) -> None:
        cat = self._cat_of(message.table)
        if cat and isinstance(message.row.data, dict):
            self.app.push_screen(ReportDetailModal(cat, message.row.data))

    # --- actions ------------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple) -> bool | None:
        cat = self.category
        if action in ("search", "copy"):
            return cat is not None
        if action == "filter":
            return cat in HOLDABLE
        if action == "combine":
            return cat == "possibleDuplicates"
        if action == "export":
            return bool(self.info and self.info.summary)
        return True

    def action_search(self) -> None:
        search = self.query_one("#report-search", Input)
        search.display = True
        table = self.active_table
        search.value = table.search_text if table else ""
        search.focus()

    @on(Input.Submitted, "#report-search")
    def _search_submitted(self, event: Input.Submitted) -> None:
        event.input.display = False
        table = self.active_table
        if table is not None:
            table.focus()
            if event.value.strip():
                table.search(event.value)
                self._update_status(self.category)

    def action_back(self) -> None:
        search = self.query_one("#report-search", Input)
        if search.display:
            search.display = False
            if self.active_table is not None:
                self.active_table.focus()
            return
        super().action_back()

    def action_copy(self) -> None:
        table = self.active_table
        row = table.current_row if table else None
        if row is None or not row.key:
            self.notify("This row has no staff number to copy.", timeout=3)
            return
        self.app.copy_to_clipboard(row.key)
        self.notify(f"Staff number {row.key} copied (OSC 52).", timeout=3)

    def action_filter(self) -> None:
        cat = self.category
        if cat not in HOLDABLE or not self.info:
            return
        demographic = cat == "demographicDifferences"
        counts = (self.info.summary or {}).get(cat, {}).get("fields", {}) if demographic else {}

        def picked(field: str | None) -> None:
            if field is None:
                return
            self.fields[cat] = None if field == "__all__" else field
            table = self.table(cat)
            table.set_source(self._source(cat))
            table.focus()
            self._update_status(cat)

        self.app.push_screen(
            FieldFilterModal(counts, self.fields.get(cat), fields=demographic), picked
        )

    def _narrow(self, cat: str) -> dict:
        """The tab's filter as the core's ReportQuery takes it."""
        flt = self.fields.get(cat)
        if flt == "__held__":
            return {"held": True}
        if flt == "__unreviewed__":
            return {"reviewed": False}
        return {"field": flt} if flt else {}

    def _source(self, cat: str):
        """The tab's rows as the core's report query reads them, under the tab's filter."""
        return report_source(self.app.store, cat, self.info.syncId, **self._narrow(cat))

    def action_combine(self) -> None:
        table = self.active_table
        row = table.current_row if table else None
        if self.category != "possibleDuplicates" or row is None:
            return
        try:
            from .staff_combine import CombinePersonModal
        except ImportError:
            self.notify("Combine Person is not part of this build yet.", severity="warning")
            return
        campus = (row.data or {}).get("campus") or {}
        self.app.push_screen(
            CombinePersonModal(None, campus.get("personId"), base_staff_number=row.key)
        )

    def action_export(self) -> None:
        if not self.info or not self.info.summary:
            return
        cat = self.category
        tab_ok = cat is not None

        def chosen(answer) -> None:
            if answer:
                scope, path = answer
                self.notify(f"Exporting to {path}…", timeout=2)
                self.run_export(scope, cat, path)

        self.app.push_screen(
            ExportModal(
                TITLES.get(cat) if cat else None, str(export_folder()), tab_supported=tab_ok
            ),
            chosen,
        )

    @work(thread=True, exclusive=True, group="report-export", exit_on_error=False)
    def run_export(self, scope: str, category: str | None, path: str) -> None:
        app = self.app
        sync_id = self.info.syncId if self.info else None
        kwargs = {}
        if scope == "tab" and category:
            # The tab as it is shown: its filter (changed field, held, not reviewed) too.
            kwargs = {"categories": [category], "narrow": self._narrow(category)}
        with app.store.session() as s:
            fmt = export_core.export(s, path, sync_id=sync_id, **kwargs)
        what = TITLES.get(category, "") if kwargs else "The whole report"
        app.call_from_thread(
            app.notify, f"{what} written as {fmt.upper()} to {path}.", title="Exported"
        )
