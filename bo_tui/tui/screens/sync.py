"""The synchronization wizard (SPEC sections 6 and 10, R-SYNC-1 … R-SYNC-11): Check Campus Data,
start, transfer via file or API with a live count, end, validate, review, commit or commit job."""

from __future__ import annotations

from pathlib import Path

from rich.console import Group
from rich.markup import escape
from rich.table import Table
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Footer, Header, Input, Label, ProgressBar, Static
from textual.worker import Worker, WorkerState

from bo_tui.core import sync as sync_core
from bo_tui.core.actions import Action, by_id
from bo_tui.core.errors import CoreError
from bo_tui.core.sync import states

from ..messages import DataChanged, ProgressMade
from ..widgets.admin_modals import AdminConfirm
from ..widgets.big_table import BigTable, Column
from ..widgets.file_box import TRANSFER_NEXT, split_encoding
from .base import BaseScreen
from .sync_commit import REASON_LINES, REASON_WIDTH, CommitSteps, _when
from .sync_modals import CheckCampusModal, PathSuggester

# The wizard's steps as the bar shows them (the core says which one the sync is at).
STEP_TITLES = {
    "check": "Check",
    "start": "Start",
    "transfer": "Transfer",
    "end": "End",
    "validate": "Validate",
    "review": "Review",
    "commit": "Commit",
}
OUTCOME_COLUMNS = [
    Column("staffNumber", "Staff Number", 12),
    Column("outcome", "Outcome", 8),
    Column("message", "Reason", REASON_WIDTH),
]
# This screen's actions by the core's action ids (R-SYNC-13); the rest are always possible.
CORE_ACTION = {
    "check": "check",
    "start": "start",
    "transfer_file": "transfer",
    "end": "end",
    "validate": "validate",
    "review": "review",
    "commit": "commit",
    "submit_job": "submit_job",
    "restart": "restart",
    "resume": "resume",
}
# How the "what now" line names a step the core offers (reads first, then writes).
WHAT_NOW = {
    "check": "Check Campus data",
    "transfer": "the HR file (JSON or CSV) in the box below, Enter sends it; or let the HR "
    "system call the API",
    "end": "End Transfer once the data arrived",
    "validate": "Validate: compare the HR staff with Campus",
    "review": "Review the report",
    "commit": "Commit",
    "submit_job": "Submit Commit Job",
    "restart": "Restart Transfer",
    "resume": "Resume the stopped commit job (nothing is applied twice)",
    "start": "Start Transfer",
}


class SyncScreen(CommitSteps, BaseScreen):
    TITLE = "Synchronization"
    DEFAULT_CSS = """
    SyncScreen #sync-body { padding: 0 1; }
    SyncScreen #sync-steps { height: 1; margin: 1 0 0 0; }
    SyncScreen #sync-status { height: auto; margin: 1 0 0 0; }
    SyncScreen #sync-next { height: auto; margin: 1 0 0 0; color: $text-muted; }
    SyncScreen #sync-refused { height: auto; color: $warning; }
    SyncScreen .sync-panel { height: auto; margin: 1 0 0 0; }
    SyncScreen #sync-path-row { height: 1; }
    SyncScreen #sync-path-row Label { width: auto; padding: 0 1 0 0; }
    SyncScreen #sync-path { width: 1fr; border: none; height: 1; padding: 0; }
    SyncScreen #sync-path:focus { background: $boost; }
    SyncScreen ProgressBar { height: 1; margin: 1 0 0 0; }
    SyncScreen #sync-outcome { height: 8; margin: 1 0 0 0; border: round $primary 40%; }
    SyncScreen #sync-busy { height: auto; color: $accent; }
    """
    BINDINGS = [
        # Short words for the footer at 80 columns; the tooltip says it whole (help, palette).
        Binding(
            "c",
            "check",
            "Check",
            id="sync.check",
            tooltip="Check Campus data: staff with duplicate or missing staff numbers",
        ),
        Binding("s", "start", "Start", id="sync.start", tooltip="Start Transfer: open a sync"),
        Binding(
            "f",
            "transfer_file",
            "File",
            id="sync.transfer_file",
            tooltip="Transfer an HR file: the cursor goes to the file box, Enter sends",
        ),
        Binding("e", "end", "End", id="sync.end", tooltip="End Transfer once the staff arrived"),
        Binding(
            "v",
            "validate",
            "Validate",
            id="sync.validate",
            tooltip="Validate: compare the HR staff with Campus",
        ),
        Binding("o", "review", "Review", id="sync.review", tooltip="Review the Validation Report"),
        Binding("m", "commit", "Commit", id="sync.commit", tooltip="Commit the sync now"),
        Binding(
            "b",
            "submit_job",
            "Job",
            id="sync.submit_job",
            tooltip="Submit Commit Job: commit in the background, with progress",
        ),
        Binding(
            "r",
            "restart",
            "Restart",
            id="sync.restart",
            tooltip="Restart Transfer: discard the staged data (asks first)",
        ),
        Binding("x", "resume", "Resume", id="sync.resume", tooltip="Resume a stopped commit job"),
        Binding(
            "l",
            "error_log",
            "Error log",
            id="sync.error_log",
            show=False,
            tooltip="Open the Error Log",
        ),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.info: sync_core.SyncInfo | None = None
        self.job: sync_core.JobStatus | None = None
        self.held = 0
        self.actions: dict[str, Action] = {}
        self.busy: str | None = None  # what runs now ("transfer", "validate", …)
        self.job_id: int | None = None
        self.result: sync_core.CommitResult | None = None
        self._rate: tuple[float, int] | None = None  # (start time, processed at start)

    def compose(self) -> ComposeResult:
        yield Header(icon="≡")
        with VerticalScroll(id="sync-body"):
            yield Static("", id="sync-refused")
            yield Static("", id="sync-steps")
            yield Static("Loading…", id="sync-status")
            yield Static("", id="sync-next")
            with Vertical(id="sync-transfer", classes="sync-panel"):
                with Horizontal(id="sync-path-row"):
                    yield Label("HR file:")
                    yield Input(
                        placeholder="JSON or CSV file (→ completes; Enter sends; add --encoding cp1252 if not UTF-8)",
                        suggester=PathSuggester(),
                        select_on_focus=False,
                        id="sync-path",
                    )
                yield ProgressBar(total=100, show_eta=False, id="sync-transfer-bar")
                yield Static("", id="sync-transfer-msg")
            yield Static("", id="sync-busy")
            with Vertical(id="sync-job", classes="sync-panel"):
                yield ProgressBar(total=100, show_eta=False, id="sync-job-bar")
                yield Static("", id="sync-job-msg")
            yield Static("", id="sync-result", classes="sync-panel")
            yield BigTable(
                OUTCOME_COLUMNS,
                fixed_columns=1,
                row_height=REASON_LINES,
                empty_text="No failures.",
                id="sync-outcome",
            )
        yield Footer()

    def on_mount(self) -> None:
        for w in ("#sync-transfer", "#sync-transfer-bar", "#sync-job", "#sync-outcome"):
            self.query_one(w).display = False
        self._poll_timer = self.set_interval(1.0, self._poll, pause=True)
        self._offer_demo_file()
        self.load_state()

    def _offer_demo_file(self) -> None:
        """The demo district's HR export, offered in the empty file box (Enter sends it)."""
        from .home import demo_hr_file

        demo = demo_hr_file(self.app.data_dir)
        box = self.query_one("#sync-path", Input)
        if demo is not None and not box.value:
            box.value = str(demo)

    def on_screen_resume(self) -> None:
        self.load_state()

    # --- state ---------------------------------------------------------------------------------

    def _poll(self) -> None:
        # While the API (or a file) is filling the sync, or a job runs: a live count.
        if self.info and self.info.changes_by_itself:
            self.load_state()

    @work(thread=True, exclusive=True, group="sync-state", exit_on_error=False)
    def load_state(self) -> None:
        app = self.app
        with app.store.session() as s:
            st = sync_core.status(s)
            acts = states.actions(s, user=app.user, login=app.login)
            # What the commit would apply now: the counts its confirmation and job use.
            counts = sync_core.guard_counts(s) if by_id(acts)["commit"].offered else None
        app.call_from_thread(self.show_state, st, acts, counts)

    def show_state(
        self,
        st: sync_core.SyncStatus,
        acts: list[Action],
        counts: sync_core.GuardCounts | None = None,
    ) -> None:
        self.info, self.job, self.actions = st.sync, st.job, by_id(acts)
        self.held = counts.held if counts else 0
        info = self.info
        self._show_steps(info)
        t = Table.grid(padding=(0, 2))
        for _ in range(5):
            t.add_column()
        t.add_row(
            "[b]Date Started (UTC)[/b]",
            "[b]Started By[/b]",
            "[b]Staff Transferred[/b]",
            "[b]Rejected[/b]",
            "[b]State[/b]",
        )
        t.add_row(
            _when(info.startedAt) if info.syncId else "—",
            escape(info.startedBy or "—"),
            f"{info.transferred:,}",
            f"{info.rejected:,}",
            f"[b]{info.state.upper()}[/b]",
        )
        out = t
        if counts is not None:
            v = Table.grid(padding=(0, 2))
            for _ in range(5):
                v.add_column()
            v.add_row(
                "[b]To create[/b]",
                "[b]To change[/b]",
                "[b]Held back[/b]",
                "[b]Campus staff[/b]",
                "[b]Validated (UTC)[/b]",
            )
            v.add_row(
                f"{counts.creates:,}",
                f"{counts.changes:,}",
                f"{counts.held:,}",
                f"{counts.campusStaff:,}",
                _when(info.validatedAt),
            )
            out = Group(t, "", v)
        self.query_one("#sync-status", Static).update(out)
        self.query_one("#sync-next", Static).update(self._what_now())
        blocked = next((a for a in acts if a.forbidden), None)
        self.query_one("#sync-refused", Static).update(
            escape(f"Read only: {blocked.reason}.") if blocked else ""
        )
        self.query_one("#sync-transfer").display = self.actions["transfer"].offered
        committing = info.committing or (
            self.busy == "commit" or (self.job_id is not None and self.result is None)
        )
        self.query_one("#sync-job").display = committing
        if info.committing and self.job is not None:
            self.job_id = self.job.jobId
            self._show_job(self.job)
        if info.committed and self.job_id is not None and self.result is None:
            self.load_result(self.job_id)
        elif info.committed and self.result is None and self.job is not None:
            self.query_one("#sync-result", Static).update(
                f"Last commit job {self.job.jobId}: {escape(self.job.message or self.job.status)} "
                f"(finished {_when(self.job.finishedAt)}). Failures are in the error log [b]l[/b]."
            )
        if info.changes_by_itself:
            self._poll_timer.resume()
        else:
            self._poll_timer.pause()
        self.refresh_bindings()
        self.mark_ready()

    def _what_now(self) -> str:
        """The steps the core offers now, with their keys (R-SYNC-13); or why none."""
        offered = [
            a for a in self.actions.values() if a.enabled and a.id in WHAT_NOW and a.id != "check"
        ]
        if not offered:
            if self.info and self.info.committing:
                return "The commit job is running; progress below."
            return ""
        steps = [f"[b]{a.key}[/b] {WHAT_NOW[a.id]}" for a in offered]
        return "Now: " + " · ".join(steps)

    def _show_steps(self, info: sync_core.SyncInfo) -> None:
        at, all_done = states.wizard_step(info)
        names = list(STEP_TITLES)
        parts = []
        for key, label in STEP_TITLES.items():
            if all_done or names.index(key) < names.index(at):
                parts.append(f"[green]✓ {label}[/green]")
            elif key == at:
                parts.append(f"[reverse b] {label} [/reverse b]")
            else:
                parts.append(f"[dim]{label}[/dim]")
        self.query_one("#sync-steps", Static).update(" › ".join(parts))

    READY_ON_MOUNT = False  # the palette's action waits for the core's actions

    @classmethod
    def palette_reasons(cls, app) -> dict[str, str]:
        with app.store.session() as s:
            acts = by_id(states.actions(s, user=app.user, login=app.login))
        return {
            name: acts[core_id].reason
            for name, core_id in CORE_ACTION.items()
            if not acts[core_id].enabled
        }

    def _core_action(self, action: str) -> Action | None:
        core_id = CORE_ACTION.get(action)
        return self.actions.get(core_id) if core_id else None

    def check_action(self, action: str, parameters: tuple) -> bool | None:
        if action not in CORE_ACTION:
            return True
        act = self._core_action(action)
        if act is None:  # the state is still loading
            return action == "check"
        if not act.offered:
            return False
        if not act.enabled:
            return None  # shown, and a press says why (R-SYNC-13)
        if self.busy and action not in ("review", "check"):
            return None
        return True

    def disabled_reason(self, action: str) -> str | None:
        act = self._core_action(action)
        if act is not None and not act.enabled:
            return act.reason
        if self.busy:
            return f"wait until the {self.busy} has finished"
        return None

    def _may(self, core_id: str) -> bool:
        """Whether the core allows the step now; if not, the user is told why (R-SYNC-13)."""
        act = self.actions.get(core_id)
        if act is None or act.enabled:
            return True
        self.notify(act.reason, title=f"{act.label}: not now", severity="warning")
        return False

    def _wait_busy(self) -> bool:
        """One wizard step at a time: ending a transfer while a file still streams in would
        cut it short."""
        if self.busy:
            self.notify(f"Wait until the {self.busy} has finished.", severity="warning", timeout=3)
        return bool(self.busy)

    _busy_text = ""

    def _begin(self, what: str, text: str) -> None:
        self.busy = what
        self._busy_text = text
        self.query_one("#sync-busy", Static).update(text)
        self.refresh_bindings()

    def _done(self) -> None:
        self.busy = None
        self.query_one("#sync-busy", Static).update("")
        self.refresh_bindings()

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        # The base screen reports the failure; here the wizard only leaves its busy state.
        if event.state in (WorkerState.ERROR, WorkerState.CANCELLED) and event.worker.group in (
            "sync-step",
            "sync-transfer",
            "sync-commit",
        ):
            self._done()
            self.query_one("#sync-transfer-bar").display = False
            if event.worker.group == "sync-transfer":
                # Not "Reading …" forever: the line says the file stopped, why, and the next
                # step (a file is atomic: nothing of it was staged, issue 18).
                error = event.worker.error
                why = f": {error.message}" if isinstance(error, CoreError) else ""
                self.query_one("#sync-transfer-msg", Static).update(
                    f"[red]Transfer stopped{escape(why)}[/red]\n{TRANSFER_NEXT}"
                )
            self.load_state()

    # --- Check Campus Data ---------------------------------------------------------------------

    def action_check(self) -> None:
        # A read: it may run beside a transfer or a commit, so it does not make the wizard busy.
        self.query_one("#sync-busy", Static).update("Checking Campus data…")
        self.run_check()

    @work(thread=True, exclusive=True, group="sync-check", exit_on_error=False)
    def run_check(self) -> None:
        app = self.app
        with app.store.session() as s:
            check = sync_core.check_campus(s)
        app.call_from_thread(self._checked, check)

    def _checked(self, check) -> None:
        self.query_one("#sync-busy", Static).update(self._busy_text if self.busy else "")
        self.app.push_screen(CheckCampusModal(check))

    # --- start, end, restart, validate ---------------------------------------------------------

    def _step(self, what: str, text: str, fn) -> None:
        if not self._may(what) or self._wait_busy():
            return
        self._begin(what, text)
        self.run_step(what, fn)

    @work(thread=True, exclusive=True, group="sync-step", exit_on_error=False)
    def run_step(self, what: str, fn) -> None:
        app = self.app
        with app.store.transaction() as s:
            out = fn(s)
        app.call_from_thread(self._stepped, what, out)

    def _stepped(self, what: str, out) -> None:
        self._done()
        if what == "start":
            self.result = self.job_id = None
            self.query_one("#sync-outcome").display = False
            self.query_one("#sync-result", Static).update("")
            self.query_one("#sync-transfer-msg", Static).update("")
            self.notify("Transfer started: send the HR staff now.", title="Start Transfer")
            self.call_after_refresh(self.query_one("#sync-path").focus)
        elif what == "end":
            self.notify(f"{out.transferred:,} staff members transferred.", title="Transfer ended")
        elif what == "restart":
            self.query_one("#sync-transfer-msg", Static).update("")
            self.notify("Staged data discarded; transfer again.", title="Transfer restarted")
            self.call_after_refresh(self.query_one("#sync-path").focus)
        elif what == "validate":
            s = out.summary
            self.notify(
                f"{s['demographicDifferences']['total']:,} demographic differences, "
                f"{s['hrStaffNotInCampus']:,} HR staff not in Campus. Review with o.",
                title="Validated",
            )
            self.app.post_message(DataChanged("sync-validated"))
        self.load_state()

    def action_start(self) -> None:
        login = self.app.login
        self._step("start", "Starting…", lambda s: sync_core.start(s, login))

    def action_end(self) -> None:
        self._step("end", "Ending the transfer…", sync_core.end)

    def action_restart(self) -> None:
        # Discarding staged work asks first (SPEC section 10).
        if not self._may("restart") or self._wait_busy():
            return
        n = self.info.transferred if self.info else 0
        held = f" and {self.held:,} review hold(s)" if self.held else ""

        def answered(ok: bool | None) -> None:
            if ok:
                self._step("restart", "Restarting…", sync_core.restart)

        self.app.push_screen(
            AdminConfirm(
                "Restart the transfer?",
                f"The {n:,} staged staff member(s), the validation report{held} are discarded; "
                "the sync goes back to transferring and the HR data is sent again.",
                "Discard and restart",
            ),
            answered,
        )

    def action_validate(self) -> None:
        self._step(
            "validate",
            "Validating: comparing HR staff with Campus…",
            lambda s: sync_core.validate(s, details=False),
        )

    def action_review(self) -> None:
        self.app.open_screen("report")

    def action_error_log(self) -> None:
        self.app.open_screen("errors")

    # --- transfer via file --------------------------------------------------------------------

    def action_transfer_file(self) -> None:
        # f puts the cursor in the file box and sends nothing: Enter sends (SPEC section 10).
        path_input = self.query_one("#sync-path", Input)
        path_input.focus()
        path_input.cursor_position = len(path_input.value)

    @on(Input.Submitted, "#sync-path")
    def _path_submitted(self, event: Input.Submitted) -> None:
        value = event.value.strip()
        # Enter takes the completion shown, as a shell's Tab would.
        suggestion = getattr(event.input, "_suggestion", "")
        if value and not Path(value).expanduser().exists() and suggestion.startswith(value):
            value = suggestion
            event.input.value = value
        if value:
            self._transfer(value)

    def action_back(self) -> None:
        # Escape in the path field leaves the field, not the screen.
        if isinstance(self.focused, Input):
            self.set_focus(None)
            return
        super().action_back()

    def _transfer(self, raw: str) -> None:
        if not self._may("transfer") or self._wait_busy():
            return
        raw, encoding = split_encoding(raw)
        path = Path(raw).expanduser()
        if not path.is_file():
            self.query_one("#sync-transfer-msg", Static).update(
                f"[red]No such file: {escape(str(path))}[/red]"
            )
            return
        bar = self.query_one("#sync-transfer-bar", ProgressBar)
        bar.display = True
        bar.update(total=max(1, path.stat().st_size), progress=0)
        self.query_one("#sync-transfer-msg", Static).update(f"Reading {escape(path.name)}…")
        self.set_focus(None)  # the wizard's keys, not the path field, while the file streams
        self._begin("transfer", "")
        self._poll_timer.resume()
        self.run_transfer(str(path), encoding)

    @work(thread=True, exclusive=True, group="sync-transfer", exit_on_error=False)
    def run_transfer(self, path: str, encoding: str | None = None) -> None:
        def progress(done: int, total: int) -> None:
            self.post_message(ProgressMade("transfer", done, total))

        result = sync_core.transfer_file(self.app.store, path, progress=progress, encoding=encoding)
        self.app.call_from_thread(self._transferred, Path(path).name, result)

    def _transferred(self, name: str, r) -> None:
        self._done()
        self.set_focus(None)  # the wizard's keys again (e: End Transfer)
        self.query_one("#sync-transfer-bar").display = False
        lines = [
            f"{escape(name)}: [b]{r.accepted:,}[/b] accepted, [b]{r.rejectedCount:,}[/b] rejected "
            f"of {r.records:,} records."
        ]
        for rej in r.rejected[:5]:
            first = rej.errors[0] if rej.errors else {}
            where = escape(str(first.get("field", "")))
            if first.get("line"):
                col = f":{first['column']}" if first.get("column") else ""
                where = f"line {first['line']}{col} {where}"
            more = f" (+{len(rej.errors) - 1} more)" if len(rej.errors) > 1 else ""
            lines.append(
                f"  [red]✗[/red] {escape(str(rej.staffNumber or '?'))}: {where} "
                f"{escape(str(first.get('message', '')))}{more}"
            )
        if r.replaced:
            lines.append(
                f"  [yellow]{r.replaced:,} records were replaced by a later copy of their staff "
                f"number[/yellow] ({r.duplicateStaffNumbers:,} staff numbers more than once: "
                "the report's HR duplicates tab)"
            )
        if r.rejectedCount:
            lines.append("  [dim]Every rejected record is in the error log (l).[/dim]")
        self.query_one("#sync-transfer-msg", Static).update("\n".join(lines))
        self.load_state()
