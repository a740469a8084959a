"""Business Office Error Log (R-LOG-1): Error Date, Action, Path, Error Message and Payload,
paged from the store; filters, the redacted payload as pretty JSON, export to PDF."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from rich.markup import escape
from rich.syntax import Syntax
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Footer, Header, Input, Label, Select, Static

from bo_tui.core import credentials as cred_core
from bo_tui.core import errorlog as log_core
from bo_tui.core import rights
from bo_tui.core.queries import ErrorLogQuery

from ..exports import ask_export_path
from ..widgets.admin_modals import AdminPrompt, AdminTextView
from ..widgets.admin_paged_table import AdminPagedTable, Column
from .base import BaseModal, BaseScreen

ACTIONS = ("GET", "POST", "PUT", "DELETE", "FILE", "JOB")
# ``s`` cycles through these (the core's sort keys); the first is the seed's newest-first.
SORTS = (
    ("-errorDate", "newest first"),
    ("errorDate", "oldest first"),
    ("action", "by action"),
    ("path", "by path"),
    ("message", "by message"),
)


def _date(value: str, field: str) -> tuple[dt.date | None, str | None]:
    value = value.strip()
    if not value:
        return None, None
    try:
        return dt.date.fromisoformat(value), None
    except ValueError:
        return None, f"{field}: a date as YYYY-MM-DD"


class ErrorFilterModal(BaseModal):
    """Date range, action, path and text; Apply or Clear (R-LOG-1: filterable)."""

    DEFAULT_CSS = """
    ErrorFilterModal { align: center middle; }
    ErrorFilterModal > Vertical {
        width: 64; max-width: 96%; height: auto; max-height: 96%;
        border: round $accent; background: $surface; padding: 0 1;
    }
    ErrorFilterModal .row { height: 1; margin: 1 0 0 0; }
    ErrorFilterModal .row Label { width: 14; }
    ErrorFilterModal .row Input, ErrorFilterModal .row Select { width: 1fr; }
    ErrorFilterModal #flt-error { color: $error; height: auto; }
    ErrorFilterModal .buttons { height: 1; align-horizontal: right; margin: 1 0 0 0; }
    ErrorFilterModal .buttons Button { margin: 0 0 0 2; }
    """
    BINDINGS = [
        Binding("ctrl+s", "apply", "Apply", id="errors_filter.apply", tooltip="Apply the filter")
    ]

    def __init__(self, flt: log_core.ErrorFilter) -> None:
        super().__init__()
        self.flt = flt

    def compose(self) -> ComposeResult:
        f = self.flt
        with Vertical():
            yield Label("[b]Filter the error log[/b]")
            with Horizontal(classes="row"):
                yield Label("From date")
                yield Input(
                    str(f.date_from or ""), placeholder="YYYY-MM-DD", compact=True, id="flt-from"
                )
            with Horizontal(classes="row"):
                yield Label("To date")
                yield Input(
                    str(f.date_to or ""), placeholder="YYYY-MM-DD", compact=True, id="flt-to"
                )
            with Horizontal(classes="row"):
                yield Label("Action")
                yield Select(
                    [(a, a) for a in ACTIONS],
                    prompt="Any action",
                    value=f.action if f.action in ACTIONS else Select.NULL,
                    compact=True,
                    id="flt-action",
                )
            with Horizontal(classes="row"):
                yield Label("Path contains")
                yield Input(f.path or "", compact=True, id="flt-path")
            with Horizontal(classes="row"):
                yield Label("Text contains")
                yield Input(
                    f.text or "",
                    placeholder="in the message or payload",
                    compact=True,
                    id="flt-text",
                )
            yield Static("", id="flt-error")
            with Horizontal(classes="buttons"):
                yield Button("Clear", id="flt-clear", compact=True)
                yield Button("Cancel", id="flt-cancel", compact=True)
                yield Button("Apply ^s", id="flt-apply", variant="primary", compact=True)

    def on_mount(self) -> None:
        self.query_one("#flt-from", Input).focus()

    def action_apply(self) -> None:
        date_from, e1 = _date(self.query_one("#flt-from", Input).value, "From date")
        date_to, e2 = _date(self.query_one("#flt-to", Input).value, "To date")
        problems = [e for e in (e1, e2) if e]
        if date_from and date_to and date_from > date_to:
            problems.append("From date must not be after To date")
        if problems:
            self.query_one("#flt-error", Static).update("; ".join(problems))
            return
        action = self.query_one("#flt-action", Select).value
        self.dismiss(
            log_core.ErrorFilter(
                date_from=date_from,
                date_to=date_to,
                action=None if action is Select.NULL else str(action),
                path=self.query_one("#flt-path", Input).value.strip() or None,
                text=self.query_one("#flt-text", Input).value.strip() or None,
            )
        )

    @on(Input.Submitted)
    def _submitted(self) -> None:
        self.action_apply()

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "flt-apply":
            self.action_apply()
        elif event.button.id == "flt-clear":
            self.dismiss(log_core.ErrorFilter())
        else:
            self.dismiss(None)


def pretty_payload(payload: str) -> tuple[Syntax | Text, str]:
    """(what to show, what to copy): JSON indented when it parses, else the text as stored."""
    if not payload:
        return Text("(no payload)", style="dim"), ""
    try:
        pretty = json.dumps(json.loads(payload), indent=2, ensure_ascii=False)
    except ValueError:
        return Text(payload), payload
    return Syntax(pretty, "json", theme="ansi_dark", word_wrap=True), pretty


class ErrorLogScreen(BaseScreen):
    TITLE = "Error Log"
    DEFAULT_CSS = """
    ErrorLogScreen #errors-filter { height: 1; padding: 0 1; color: $text-muted; }
    """
    BINDINGS = [
        Binding(
            "enter",
            "payload",
            "Payload",
            id="errors.payload",
            show=False,
            tooltip="The entry's request body (SSNs and secrets redacted)",
        ),
        Binding(
            "f",
            "filter",
            "Filter",
            id="errors.filter",
            tooltip="Filter by date, action, path or text",
        ),
        Binding(
            "slash",
            "search",
            "Search text",
            id="errors.search",
            tooltip="Only entries holding a text",
        ),
        Binding(
            "x",
            "clear_filter",
            "Clear filter",
            id="errors.clear_filter",
            tooltip="Show every entry again",
        ),
        Binding("s", "sort", "Sort", id="errors.sort", tooltip="Sort by another column (cycles)"),
        Binding(
            "y",
            "copy_payload",
            "Copy payload",
            id="errors.copy_payload",
            tooltip="Copy the payload to the clipboard (OSC 52)",
        ),
        Binding(
            "e",
            "export",
            "Export PDF",
            id="errors.export",
            tooltip="Export the entries shown to a PDF file",
        ),
        Binding("r", "refresh", "Refresh", id="errors.refresh", tooltip="Read the error log again"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.flt = log_core.ErrorFilter()
        self.sort = 0
        self._in_modal = False

    def compose(self) -> ComposeResult:
        yield Header(icon="≡")
        yield Static("", id="errors-filter")
        yield AdminPagedTable(
            [
                Column("Error Date", 16),
                Column("Action", 6),
                Column("Path", None, 12, weight=2),
                Column("Error Message", None, 16, weight=3),
                Column("Payload", 9),
            ],
            self._query,
            self._cells,
            page_size=100,
            empty="No errors logged" + " for this filter.",
            id="errors-table",
        )
        yield Footer()

    def _query(self) -> ErrorLogQuery:
        return ErrorLogQuery(self.flt, sort=SORTS[self.sort][0])

    @staticmethod
    def _cells(e: log_core.ErrorEntry):
        size = len(e.payload.encode())
        if not size:
            payload = Text("—", style="dim")
        elif size < 1000:
            payload = Text(f"⏎ {size} B")
        else:
            payload = Text(f"⏎ {size / 1000:.1f} kB")
        # The API's common prefix says nothing in a narrow column; the viewer shows it whole.
        path = e.path.removeprefix(cred_core.BASE_PATH) or e.path
        return (e.errorDate.strftime("%Y-%m-%d %H:%M"), e.action, path, e.message, payload)

    @property
    def table(self) -> AdminPagedTable:
        return self.query_one(AdminPagedTable)

    def on_mount(self) -> None:
        self._show_filter()
        if not self.can(rights.BOI_ADMIN):
            self.query_one("#errors-filter", Static).update(
                f"[yellow]The error log is not shown: {escape(self.why_not(rights.BOI_ADMIN))}"
                "[/yellow]"
            )
            self.table.display = False
            return
        self.table.reload()
        self.table.focus()

    def on_admin_paged_table_page_loaded(self) -> None:
        self.refresh_bindings()

    def on_screen_resume(self) -> None:
        if self._in_modal:
            self._in_modal = False
        elif self.can(rights.BOI_ADMIN):
            self.table.reload()

    def check_action(self, action: str, parameters: tuple) -> bool | None:
        if action in ("payload", "copy_payload"):
            return self.can(rights.BOI_ADMIN) and self.table.current is not None
        if action in ("filter", "search", "clear_filter", "export", "refresh", "sort"):
            return self.can(rights.BOI_ADMIN)
        return True

    def _show_filter(self) -> None:
        what = self.flt.describe()
        self.query_one("#errors-filter", Static).update(
            f"Filter: [b]{escape(what)}[/b], {SORTS[self.sort][1]}  "
            "[dim]f filter · / text · x clear · s sort · ⏎ payload[/dim]"
        )

    def apply(self, flt: log_core.ErrorFilter | None) -> None:
        if flt is None:
            return
        self.flt = flt
        self._show_filter()
        self.table.reload(first_page=True)

    def _push(self, screen, callback) -> None:
        self._in_modal = True
        self.app.push_screen(screen, callback)

    def action_refresh(self) -> None:
        self.table.reload()

    def action_filter(self) -> None:
        self._push(ErrorFilterModal(self.flt), self.apply)

    def action_search(self) -> None:
        def answered(text: str | None) -> None:
            if text is not None:
                self.apply(self.flt.model_copy(update={"text": text}))

        self._push(
            AdminPrompt(
                "Search the error log", "Text in the message or payload", self.flt.text or ""
            ),
            answered,
        )

    def action_sort(self) -> None:
        self.sort = (self.sort + 1) % len(SORTS)
        self._show_filter()
        self.table.reload(first_page=True)

    def action_clear_filter(self) -> None:
        self.apply(log_core.ErrorFilter())

    # --- payload viewer -------------------------------------------------------------------

    def on_admin_paged_table_row_chosen(self, event: AdminPagedTable.RowChosen) -> None:
        self.show_payload(event.row)

    def action_payload(self) -> None:
        if self.table.current is not None:
            self.show_payload(self.table.current)

    def action_copy_payload(self) -> None:
        e = self.table.current
        if e is not None:
            self.app.copy_to_clipboard(pretty_payload(e.payload)[1])
            self.notify("Payload copied to the clipboard (OSC 52).")

    def show_payload(self, e: log_core.ErrorEntry) -> None:
        body, copy_text = pretty_payload(e.payload)
        status = f"  ·  HTTP {e.status}" if e.status else ""
        head = (
            f"[b]{e.errorDate:%Y-%m-%d %H:%M:%S}[/b]  {escape(e.action)}  {escape(e.path)}{status}\n"
            f"[red]{escape(e.message)}[/red]\n[dim]Payload as stored (SSNs and secrets redacted):[/dim]"
        )
        self._push(AdminTextView("Payload", head, body, copy_text), None)

    # --- export -----------------------------------------------------------------------

    def action_export(self) -> None:
        self._in_modal = True
        ask_export_path(
            self,
            "Export the error log to PDF",
            f"bo-tui-error-log-{self.app.now():%Y-%m-%d}.pdf",
            f"Entries: {self.flt.describe()}, newest first.",
            self._start_export,
        )

    def _start_export(self, target: Path) -> None:
        self.notify(f"Exporting to {target}…")
        self.export(target, self.flt)

    @work(thread=True, exclusive=True, exit_on_error=False, group="errors-export")
    def export(self, target: Path, flt: log_core.ErrorFilter) -> None:
        app = self.app
        with app.store.session() as session:
            n = log_core.export_pdf(session, target, flt)
        app.call_from_thread(
            self.notify, f"{n:,} entries written to {target}", title="Error log exported"
        )
