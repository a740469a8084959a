"""Sync History (SPEC section 10; R-HIST-1 … R-HIST-3): past syncs and reverts with their
counts and a sparkline of changes per sync; Enter opens a sync's changes; v reverts one."""

from __future__ import annotations

from rich.markup import escape
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Footer, Header, Label, ProgressBar, Sparkline, Static

from bo_tui.core import history
from bo_tui.core.actions import Action, by_id

from ..exports import ask_export_path
from ..messages import ProgressMade
from ..widgets.admin_paged_table import AdminPagedTable, Column
from .base import BaseModal, BaseScreen
from .history_changes import SyncChangesScreen

SPARK_SYNCS = 30  # the sparkline shows the changes of this many syncs, oldest left


def _when(value) -> str:
    return f"{value:%Y-%m-%d %H:%M}" if value else "—"


class RevertPreviewModal(BaseModal):
    """R-HIST-2: the counts and the conflicts first, then an explicit yes."""

    DEFAULT_CSS = """
    RevertPreviewModal { align: center middle; }
    RevertPreviewModal > Vertical {
        width: 76; height: auto; max-height: 90%; border: round $warning; padding: 0 1;
        background: $surface;
    }
    RevertPreviewModal #revert-body { height: auto; max-height: 16; }
    RevertPreviewModal .modal-buttons { height: auto; align-horizontal: right; margin: 1 0 0 0; }
    """
    BINDINGS = [
        Binding(
            "y", "confirm", "Revert", id="history.revert_confirm", tooltip="Revert the sync now"
        )
    ]

    def __init__(self, preview: history.RevertPreview) -> None:
        super().__init__()
        self.preview = preview

    def compose(self) -> ComposeResult:
        p = self.preview
        lines = [f"[b]What goes back[/b] (sync #{p.syncId}):"]
        lines += [f"  {area:<14} {n:>8,}" for area, n in sorted(p.counts.items())]
        if p.removes:
            lines.append(f"  {'staff removed':<14} {p.removes:>8,}  (created by the sync)")
        if p.conflicts:
            lines.append(
                f"\n[b]{len(p.conflicts):,} conflicts[/b]: changed since the sync, left as they are:"
            )
            for c in p.conflicts[:8]:
                lines.append(
                    f"  {escape(str(c.staffNumber))} {c.area}.{c.field}: {escape(c.reason)}"
                )
            if len(p.conflicts) > 8:
                lines.append(f"  … and {len(p.conflicts) - 8:,} more (listed in the result)")
        else:
            lines.append("\nNo conflicts: nothing was changed since the sync.")
        with Vertical():
            yield Label(f"Revert sync #{p.syncId}?", classes="modal-title")
            yield Static("\n".join(lines), id="revert-body")
            with Horizontal(classes="modal-buttons"):
                yield Button("Cancel", id="cancel", compact=True)
                yield Button("Revert (y)", id="confirm", variant="error", compact=True)

    def on_mount(self) -> None:
        self.query_one("#cancel", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "confirm")

    def action_confirm(self) -> None:
        self.dismiss(True)

    def action_close(self) -> None:
        self.dismiss(False)


class SyncHistoryScreen(BaseScreen):
    TITLE = "Sync History"
    DEFAULT_CSS = """
    SyncHistoryScreen #history-spark-row { height: 3; padding: 0 1; }
    SyncHistoryScreen #history-spark-label { width: auto; padding: 1 1 0 0; color: $text-muted; }
    SyncHistoryScreen Sparkline { height: 3; width: 1fr; }
    SyncHistoryScreen #history-note { height: auto; padding: 0 1; }
    SyncHistoryScreen ProgressBar { height: 1; padding: 0 1; }
    """
    BINDINGS = [
        Binding(
            "enter", "open", "Changes", id="history.open", tooltip="The changes this sync made"
        ),
        Binding(
            "v",
            "revert",
            "Revert",
            id="history.revert",
            tooltip="Revert the sync: preview, confirm, then each staff member back",
        ),
        Binding(
            "e",
            "export",
            "Export",
            id="history.export",
            tooltip="Export the changes of the sync to CSV or PDF",
        ),
        Binding(
            "r",
            "refresh",
            "Refresh",
            id="history.refresh",
            show=False,
            tooltip="Read the history again",
        ),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.readable: Action | None = None
        self.busy = False

    def compose(self) -> ComposeResult:
        yield Header(icon="≡")
        with Horizontal(id="history-spark-row"):
            yield Label("Changes per sync", id="history-spark-label")
            yield Sparkline([], id="history-spark")
        yield Static("", id="history-note")
        yield ProgressBar(total=100, show_eta=False, id="history-progress")
        yield AdminPagedTable(
            [
                Column("Sync", 5),
                Column("Kind", 10),
                Column("State", 10),
                Column("By", None, 6),
                Column("Source", None, 8),
                Column("Committed", 16),
                Column("New/chg/fail", 13),
                Column("Changes", 7),
            ],
            self._query,
            self._cells,
            extra=self._spark,
            empty="No sync was committed yet.",
            id="history-table",
        )
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#history-progress").display = False
        self.readable = history.can_read_history(self.app.user, self.app.login)
        if not self.readable.enabled:
            self.query_one("#history-note", Static).update(
                f"[yellow]{escape(self.readable.reason)}[/yellow]"
            )
            self.table.display = False
            return
        self.table.reload()
        self.table.focus()

    def on_screen_resume(self) -> None:
        if self.readable is not None and self.readable.enabled and not self.busy:
            self.table.reload()

    @property
    def table(self) -> AdminPagedTable:
        return self.query_one(AdminPagedTable)

    def _query(self):
        return history.SyncHistoryQuery() if self.readable and self.readable.enabled else None

    @staticmethod
    def _cells(s: history.SyncSummary):
        kind = f"revert #{s.revertOf}" if s.kind == "revert" and s.revertOf else s.kind
        return (
            f"#{s.syncId}",
            kind,
            s.state,
            s.by or "—",
            s.source or "—",
            _when(s.committedAt),
            f"{s.created:,}/{s.changed:,}/{s.failed:,}",
            f"{s.changes:,}",
        )

    def _spark(self, session) -> None:
        page = history.SyncHistoryQuery().page(session, 0, SPARK_SYNCS)
        data = [float(s.changes) for s in reversed(page)]
        self.app.call_from_thread(self._show_spark, data)

    def _show_spark(self, data: list[float]) -> None:
        # From zero: one sync alone would fill the line as if it were the scale's minimum.
        self.query_one("#history-spark", Sparkline).data = [0.0, *data]

    # -- the capability side: what may be done with the selected sync ----------------------
    def _actions(self) -> dict[str, Action]:
        s = self.table.current
        return by_id(history.history_actions(s, self.app.user)) if s is not None else {}

    # This screen's actions by the core's ids (R-HIST-3).
    CORE_ACTION = {"open": "show", "export": "export", "revert": "revert"}

    def check_action(self, action: str, parameters: tuple) -> bool | None:
        if action not in self.CORE_ACTION:
            return True
        if self.readable is None or not self.readable.enabled or self.table.current is None:
            return None
        act = self._actions().get(self.CORE_ACTION[action])
        if act is not None and not act.offered:
            return False
        if act is None or act.enabled:
            return None if self.busy and action == "revert" else True
        return None

    def disabled_reason(self, action: str) -> str | None:
        if self.readable is not None and not self.readable.enabled:
            return self.readable.reason
        if self.busy:
            return "a revert is running; wait for it to finish"
        if self.table.current is None:
            return "no sync is selected"
        act = self._actions().get(self.CORE_ACTION.get(action, action))
        return act.reason if act is not None and not act.enabled else None

    def action_export(self) -> None:
        s = self.table.current
        if s is None:
            return
        query = history.ChangeQuery(sync_id=s.syncId)

        def write(target) -> None:
            self.notify(f"Exporting to {target}…", timeout=2)
            self.run_export(query, target)

        ask_export_path(
            self,
            f"Export the changes of sync #{s.syncId}",
            f"bo-tui-sync-{s.syncId}-changes.csv",
            "CSV or PDF by the file's suffix.",
            write,
        )

    @work(thread=True, exclusive=True, group="history-export", exit_on_error=False)
    def run_export(self, query, target) -> None:
        app = self.app
        with app.store.session() as session:
            n = history.export_changes(session, query, target)
        app.call_from_thread(app.notify, f"{n:,} changes written to {target}", title="Exported")

    def on_admin_paged_table_row_highlighted(self, _event) -> None:
        self.refresh_bindings()

    def on_admin_paged_table_page_loaded(self, _event) -> None:
        self.refresh_bindings()

    def on_admin_paged_table_row_chosen(self, event: AdminPagedTable.RowChosen) -> None:
        if self.check_action("open", ()):
            self.app.push_screen(SyncChangesScreen(event.row.syncId))

    def action_open(self) -> None:
        if (s := self.table.current) is not None:
            self.app.push_screen(SyncChangesScreen(s.syncId))

    def action_refresh(self) -> None:
        self.table.reload()

    # -- revert: preview, confirm, progress, result (R-HIST-2) -----------------------------
    def action_revert(self) -> None:
        s = self.table.current
        if s is None:
            return
        self.query_one("#history-note", Static).update(f"Counting what sync #{s.syncId} changed…")
        self.load_preview(s.syncId)

    @work(thread=True, exclusive=True, group="history-preview", exit_on_error=False)
    def load_preview(self, sync_id: int) -> None:
        app = self.app
        with app.store.session() as session:
            preview = history.preview_revert(session, sync_id)
        app.call_from_thread(self._ask, preview)

    def _ask(self, preview: history.RevertPreview) -> None:
        self.query_one("#history-note", Static).update("")

        def answered(ok: bool | None) -> None:
            if ok:
                self._start_revert(preview.syncId)

        self.app.push_screen(RevertPreviewModal(preview), answered)

    def _start_revert(self, sync_id: int) -> None:
        self.busy = True
        bar = self.query_one("#history-progress", ProgressBar)
        bar.display = True
        bar.update(total=None, progress=0)
        self.query_one("#history-note", Static).update(f"Reverting sync #{sync_id}…")
        self.refresh_bindings()
        self.run_revert(sync_id)

    @work(thread=True, exclusive=True, group="history-revert", exit_on_error=False)
    def run_revert(self, sync_id: int) -> None:
        def progress(done: int, total: int) -> None:
            self.post_message(ProgressMade("revert", done, total))

        result = history.revert(self.app.store, sync_id, self.app.login, progress=progress)
        self.app.call_from_thread(self._reverted, sync_id, result)

    def on_progress_made(self, message: ProgressMade) -> None:
        if message.group == "revert":
            self.query_one("#history-progress", ProgressBar).update(
                total=max(1, message.total), progress=message.done
            )

    def _reverted(self, sync_id: int, r: history.RevertResult) -> None:
        self.busy = False
        self.query_one("#history-progress").display = False
        lines = [
            f"[b]Sync #{sync_id} reverted[/b] (revert #{r.revertId}): {r.reverted:,} staff "
            f"members back · [yellow]{len(r.conflicts):,} conflicts[/yellow] left as they are · "
            f"[red]{len(r.failures):,} failed[/red]."
        ]
        for c in r.conflicts[:3]:
            lines.append(f"  {escape(str(c.staffNumber))} {c.area}.{c.field}: {escape(c.reason)}")
        self.query_one("#history-note", Static).update("\n".join(lines))
        self.notify(
            f"{r.reverted:,} back, {len(r.conflicts):,} conflicts.", title="HR Sync Reverted"
        )
        self.table.reload()

    def on_worker_state_changed(self, event) -> None:
        # The App reports the failure; here the screen leaves its busy state.
        from textual.worker import WorkerState

        if event.state == WorkerState.ERROR and event.worker.group == "history-revert":
            self.busy = False
            self.query_one("#history-progress").display = False
            self.query_one("#history-note", Static).update(
                "[red]The revert stopped[/red]: what was reverted stays reverted; revert again "
                "to finish (nothing is applied twice)."
            )
            self.refresh_bindings()
