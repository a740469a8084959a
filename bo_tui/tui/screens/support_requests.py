"""The Support screen's update requests tab (R-SUP-6): sandbox refreshes and version updates;
a mixin of ``SupportScreen``."""

from __future__ import annotations

import datetime as dt

from textual.widgets import DataTable, Static

from bo_tui.core import support as sp
from bo_tui.store import Session

from ..widgets.support_forms import Field
from .support_base import _day, _parse_date, _parse_datetime, _when


class RequestsTab:
    """The requests tab's actions and rendering (mixed into ``SupportScreen``)."""

    # -- requests -------------------------------------------------------------------------
    def show_requests(self) -> None:
        who = self.access
        if who is not None and who.isTechnical:
            note = "You are the technical contact: n requests a sandbox refresh"
            note += (
                " or a Campus version update."
                if self.version_ok
                else " (version updates need Cloud Choice)."
            )
        else:
            note = "Only the district's authorized technical contact requests updates."
        self.query_one("#requests-status", Static).update(note)
        table = self.query_one("#requests-table", DataTable)
        keep = table.cursor_row
        table.clear()
        for r in self.requests:
            table.add_row(
                str(r.id),
                r.kindLabel,
                r.status,
                _day(r.requestedAt),
                r.requestedBy,
                _day(r.scheduledFor),
                key=str(r.id),
            )
        if self.requests:
            table.move_cursor(row=min(keep, len(self.requests) - 1))
        self.show_request_detail()

    def current_request(self) -> sp.RequestOut | None:
        if not self.requests or not self.is_mounted:
            return None
        row = self.query_one("#requests-table", DataTable).cursor_row
        return self.requests[row] if 0 <= row < len(self.requests) else None

    def show_request_detail(self) -> None:
        r = self.current_request()
        text = ""
        if r is not None:
            parts = [r.details or "no details"]
            if r.targetVersion:
                parts.append(f"version {r.targetVersion}")
            if r.preferredDate:
                parts.append(f"preferred {r.preferredDate:%Y-%m-%d}")
            if r.completedAt:
                parts.append(f"completed {_when(r.completedAt)}")
            if r.cancelledAt:
                parts.append(f"cancelled {_when(r.cancelledAt)}")
            text = " · ".join(parts)
        self.query_one("#requests-detail", Static).update(text)

    def action_new_request(self) -> None:
        login = self.app.login
        kinds = [("Sandbox refresh", "sandbox_refresh")]
        if self.version_ok:
            kinds.append(("Campus version update", "version_update"))
        fields = [
            Field("kind", "Request", "select", tuple(kinds)),
            Field("targetVersion", "Version", placeholder="version updates: e.g. Campus.2535"),
            Field("preferredDate", "Preferred date", placeholder="YYYY-MM-DD"),
            Field("details", "Details", "area", height=3),
        ]

        def submit(s: Session, now: dt.datetime, v: dict):
            return sp.request_update(
                s,
                v["kind"],
                now,
                actor=login,
                details=v["details"],
                target_version=v["targetVersion"] if v["kind"] == "version_update" else None,
                preferred_date=_parse_date(v["preferredDate"], "Preferred date"),
            )

        self.form("New update request", fields, submit, self._changed, ok="Request")

    def action_schedule_request(self) -> None:
        r = self.current_request()
        if r is None:
            return
        login = self.app.login
        fields = [Field("when", "Scheduled for", placeholder="YYYY-MM-DD HH:MM")]

        def submit(s: Session, now: dt.datetime, v: dict):
            when = _parse_datetime(v["when"], "Scheduled for")
            return sp.set_request_status(s, r.id, "Scheduled", now, actor=login, scheduled_for=when)

        self.form(
            f"Schedule the {r.kindLabel.lower()}", fields, submit, self._changed, ok="Schedule"
        )

    def action_complete_request(self) -> None:
        r = self.current_request()
        if r is not None:
            login = self.app.login
            self.call_core(
                lambda s, now: sp.set_request_status(s, r.id, "Completed", now, actor=login),
                self._changed,
            )

    def action_cancel_request(self) -> None:
        r = self.current_request()
        if r is None:
            return
        login = self.app.login
        self._confirm(
            f"Cancel the {r.kindLabel.lower()}?",
            "The request stays in the list as Cancelled.",
            "Cancel request",
            lambda s, now: sp.set_request_status(s, r.id, "Cancelled", now, actor=login),
        )
