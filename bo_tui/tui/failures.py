"""Worker failures reach one place (STYLE.md, TUI): every screen, modal and widget that runs
workers forwards a failed one to the App as ``WorkerFailed``; the App reports it calmly."""

from __future__ import annotations

from textual.worker import Worker, WorkerState

from .messages import WorkerFailed


class ForwardsFailures:
    """Mixed into screens and widgets: Textual posts ``Worker.StateChanged`` only to the node
    that ran the worker (it does not bubble), so each forwards its failures to the App."""

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state == WorkerState.ERROR:
            self.app.post_message(WorkerFailed(event.worker.error, event.worker.group or ""))
