"""The Synchronization screen's commit steps (R-SYNC-5, R-SYNC-6, R-SYNC-9, R-SYNC-11): the
guard's confirmation, the commit or its job with progress, resume, and the result; a mixin."""

from __future__ import annotations

import textwrap
import time

from rich.markup import escape
from textual import work
from textual.widgets import ProgressBar, Static

from bo_tui.core import sync as sync_core
from bo_tui.core.sync.commit import result as commit_result

from ..messages import DataChanged, ProgressMade
from ..widgets.big_table import BigTable, Row
from .sync_modals import CommitConfirmModal, list_source

SYNC_COMMIT_LIMIT = 500  # R-SYNC-6: above this, the commit job is the better way
# The result's Reason column wraps into this many lines of this width (fits 80 columns);
# Enter on a row shows the whole reason.
REASON_WIDTH, REASON_LINES = 54, 2


def outcome_row(staff_number: str, outcome: str, reason: str) -> Row:
    parts = textwrap.wrap(reason, REASON_WIDTH) or [""]
    if len(parts) > REASON_LINES:
        parts = [
            *parts[: REASON_LINES - 1],
            textwrap.shorten(" ".join(parts[REASON_LINES - 1 :]), REASON_WIDTH, placeholder=" …"),
        ]
    lines = [(staff_number, outcome, parts[0])]
    lines += [("", "", p) for p in parts[1:]]
    lines += [("", "", "")] * (REASON_LINES - len(lines))
    return Row(staff_number, tuple(lines), frozenset(), reason)


def _when(iso: str | None) -> str:
    return iso.replace("T", " ").removesuffix("Z")[:16] if iso else "—"


def _eta(seconds: float) -> str:
    seconds = int(max(0, seconds))
    return f"{seconds // 60}:{seconds % 60:02d}"


class CommitSteps:
    """Commit, commit job, resume and the result (mixed into ``SyncScreen``)."""

    # --- commit --------------------------------------------------------------------------------

    def action_commit(self) -> None:
        self._ask_commit(background=False)

    def action_submit_job(self) -> None:
        self._ask_commit(background=True)

    def _ask_commit(self, *, background: bool) -> None:
        if not self._may("submit_job" if background else "commit") or self._wait_busy():
            return
        self._begin("guard", "Counting what the commit would change…")
        self.load_guard(background)

    @work(thread=True, exclusive=True, group="sync-step", exit_on_error=False)
    def load_guard(self, background: bool) -> None:
        app = self.app
        with app.store.session() as s:
            counts = sync_core.guard_counts(s)
        app.call_from_thread(self._confirm_commit, counts, background)

    def _confirm_commit(self, counts, background: bool) -> None:
        self._done()
        advice = ""
        if not background and counts.total >= SYNC_COMMIT_LIMIT:
            # In the dialog, not a toast: a toast would cover the dialog's buttons.
            advice = (
                f"{counts.total:,} staff members to commit: a commit job (b) shows progress "
                "and survives a restart."
            )

        def answered(ok: bool | None) -> None:
            if ok:
                self._run_commit(background, force=counts.needs_confirmation)

        self.app.clear_notifications()
        self.app.push_screen(
            CommitConfirmModal(counts, self.held, background=background, advice=advice), answered
        )

    def _run_commit(self, background: bool, *, force: bool) -> None:
        self.result = None
        self.query_one("#sync-result", Static).update("")
        self.query_one("#sync-outcome").display = False
        self.query_one("#sync-job").display = True
        self.query_one("#sync-job-bar", ProgressBar).update(total=None, progress=0)
        self.query_one("#sync-job-msg", Static).update(
            "Preparing the commit: comparing with Campus as it is now…"
        )
        self._rate = None
        self._begin("commit", "")
        if background:
            self.run_submit(force)
        else:
            self.run_commit(force)

    @work(thread=True, exclusive=True, group="sync-commit", exit_on_error=False)
    def run_commit(self, force: bool) -> None:
        def progress(done: int, total: int) -> None:
            self.post_message(ProgressMade("commit", done, total))

        result = sync_core.commit(self.app.store, self.app.login, force=force, progress=progress)
        self.app.call_from_thread(self._committed, result)

    @work(thread=True, exclusive=True, group="sync-commit", exit_on_error=False)
    def run_submit(self, force: bool) -> None:
        job_id = sync_core.submit_commit_job(self.app.store, self.app.login, force=force)
        self.app.call_from_thread(self._submitted, job_id)

    def _submitted(self, job_id: int) -> None:
        self.job_id = job_id
        self.notify(
            f"Commit job {job_id} submitted; it runs in the background.", title="Commit job"
        )
        self._poll_timer.resume()
        self.load_state()

    def on_progress_made(self, message: ProgressMade) -> None:
        if message.group == "transfer":
            self.query_one("#sync-transfer-bar", ProgressBar).update(
                total=max(1, message.total), progress=message.done
            )
        elif message.group == "commit":
            self._show_progress(message.done, message.total)

    def _show_job(self, job: sync_core.JobStatus) -> None:
        self._show_progress(job.processed, job.total, failures=job.failures)
        if job.status in ("failed", "interrupted"):
            # R-SYNC-11: a stopped job keeps what it applied; resuming never applies twice.
            self.query_one("#sync-job-msg", Static).update(
                f"[red]Commit job {job.jobId} {job.status}[/red]: {escape(job.message or '')}\n"
                "Resume it with [b]x[/b] (nothing is applied twice)."
            )

    def action_resume(self) -> None:
        if not self._may("resume") or self._wait_busy():
            return
        self._rate = None
        self._begin("commit", "")
        self.run_resume()

    @work(thread=True, exclusive=True, group="sync-commit", exit_on_error=False)
    def run_resume(self) -> None:
        taken = sync_core.resume(self.app.store, background=True)
        self.app.call_from_thread(self._resumed, taken)

    def _resumed(self, taken: list[int]) -> None:
        self._done()
        if taken:
            self.job_id = taken[-1]
            self.notify(f"Commit job {taken[-1]} resumed.", title="Commit job")
        else:
            self.notify("No commit job needed resuming.", timeout=4)
        self._poll_timer.resume()
        self.load_state()

    def _show_progress(self, done: int, total: int, *, failures: int | None = None) -> None:
        self.query_one("#sync-job").display = True
        self.query_one("#sync-job-bar", ProgressBar).update(total=max(1, total), progress=done)
        now = time.monotonic()
        if self._rate is None:
            self._rate = (now, done)
        t0, d0 = self._rate
        rate = (done - d0) / (now - t0) if now > t0 and done > d0 else 0.0
        eta = f"ETA {_eta((total - done) / rate)}" if rate > 0 else "ETA —"
        fails = f" · {failures:,} failed" if failures else ""
        self.query_one("#sync-job-msg", Static).update(
            f"{done:,} of {total:,} staff members{fails} · {rate:,.0f}/s · {eta}"
        )

    def _committed(self, result: sync_core.CommitResult) -> None:
        self._done()
        self.job_id = result.jobId
        self.show_result(result)
        self.load_state()

    @work(thread=True, exclusive=True, group="sync-result", exit_on_error=False)
    def load_result(self, job_id: int) -> None:
        app = self.app
        with app.store.session() as s:
            result = commit_result(s, job_id)
        app.call_from_thread(self._job_finished, result)

    def _job_finished(self, result: sync_core.CommitResult) -> None:
        self._done()
        self.show_result(result)

    def on_big_table_row_selected(self, message: BigTable.RowSelected) -> None:
        # Enter on a failure: its whole reason (the table cuts long ones).
        sn, outcome, _first = message.row.lines[0]
        self.notify(message.row.data or _first, title=f"{sn}: {outcome}", timeout=10)

    def show_result(self, r: sync_core.CommitResult) -> None:
        self.result = r
        self.query_one("#sync-job").display = False
        self.query_one("#sync-result", Static).update(
            f"[b]Committed[/b] (job {r.jobId}): [green]{len(r.successes):,} in sync[/green] "
            f"({r.applied:,} applied, {r.skipped:,} unchanged) · "
            f"[red]{len(r.failures):,} failed[/red] · [yellow]{len(r.held):,} held back[/yellow]. "
            "Failures and their reasons are also in the error log [b]l[/b]."
        )
        rows = [outcome_row(f.staffNumber, "failed", f.message) for f in r.failures]
        rows += [outcome_row(sn, "held", "held back by the review; not applied") for sn in r.held]
        table = self.query_one("#sync-outcome", BigTable)
        table.display = bool(rows)
        table.set_source(list_source(rows))
        self.notify(
            f"{r.applied:,} applied, {len(r.failures):,} failed, {len(r.held):,} held.",
            title="HR Sync Commit",
        )
        self.app.post_message(DataChanged("sync-committed"))
