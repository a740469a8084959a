"""Forms of the Support screen (new case, reply, reopen, contact, filter, request, confirm): one
modal driven by a list of fields, whose submit runs one core call in a worker (SPEC section 8)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Button, Checkbox, Input, Label, Select, Static, TextArea

from bo_tui.core.errors import CoreError
from bo_tui.store import Session

from ..screens.base import BaseModal

Submit = Callable[[Session, dt.datetime, dict[str, Any]], Any]


@dataclass(frozen=True)
class Field:
    """One field of a form: ``text`` (one line), ``area`` (several), ``select``, ``check``,
    or ``note`` (read-only text, e.g. who the authorized contacts are)."""

    name: str
    label: str
    kind: str = "text"
    options: tuple[tuple[str, str], ...] = ()  # (shown, value) for select
    value: Any = None
    placeholder: str = ""
    height: int = 4


class SupportForm(BaseModal):
    """A modal form; ctrl+s saves, Escape cancels. A refused save shows the core's message
    (and the field it names) inside the form, keeping what was typed."""

    DEFAULT_CSS = """
    SupportForm { align: center middle; }
    SupportForm > Vertical {
        width: 76; max-width: 98%; height: auto; max-height: 100%;
        border: round $accent; background: $surface; padding: 0 1;
    }
    SupportForm .form-title { text-style: bold; color: $accent; height: 1; }
    SupportForm VerticalScroll { height: auto; max-height: 18; }
    SupportForm .form-row { height: auto; }
    SupportForm .form-label { width: 16; padding: 0 1 0 0; color: $text-muted; }
    SupportForm .form-area-label { width: 1fr; color: $text-muted; }
    SupportForm .form-row > Input, SupportForm .form-row > Select { width: 1fr; }
    SupportForm TextArea { width: 1fr; background: $boost; }
    SupportForm TextArea:focus { background: $primary 20%; }
    SupportForm .form-note { color: $warning; height: auto; }
    SupportForm #form-error { color: $error; height: auto; display: none; }
    SupportForm .form-buttons { height: auto; align-horizontal: right; }
    SupportForm .form-buttons Button { margin: 0 0 0 1; }
    """

    BINDINGS = [
        Binding("ctrl+s", "submit", "Save", id="support.form.submit", tooltip="Save"),
        Binding(
            "escape", "close", "Cancel", id="support.form.cancel", tooltip="Close without saving"
        ),
        # q on a checkbox or a list must not throw away a half-written case: Escape does that.
        Binding(
            "q",
            "close_if_blank",
            "Close",
            id="support.form.close_q",
            show=False,
            tooltip="Close, when nothing was typed",
        ),
    ]

    def __init__(
        self, title: str, fields: list[Field], submit: Submit, *, ok: str = "Save"
    ) -> None:
        super().__init__()
        self.form_title = title
        self.fields = fields
        self.submit = submit
        self.ok = ok
        self._busy = False

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(self.form_title, classes="form-title")
            with VerticalScroll():
                for f in self.fields:
                    yield from self._field(f)
            yield Static("", id="form-error")
            with Horizontal(classes="form-buttons"):
                yield Button(f"{self.ok} ^s", id="form-ok", variant="primary", compact=True)
                yield Button("Cancel esc", id="form-cancel", compact=True)

    def _field(self, f: Field) -> ComposeResult:
        wid = f"field-{f.name}"
        if f.kind == "note":
            yield Static(f.label, id=wid, classes="form-note")
        elif f.kind == "check":
            yield Checkbox(f.label, bool(f.value), id=wid, compact=True)
        elif f.kind == "area":
            yield Label(f.label, classes="form-area-label")
            area = TextArea(f.value or "", id=wid, compact=True, show_line_numbers=False)
            area.styles.height = f.height
            yield area
        else:
            with Horizontal(classes="form-row"):
                yield Label(f.label, classes="form-label")
                if f.kind == "select":
                    yield Select(
                        list(f.options),
                        value=f.value if f.value is not None else f.options[0][1],
                        allow_blank=False,
                        id=wid,
                        compact=True,
                    )
                else:
                    yield Input(f.value or "", placeholder=f.placeholder, id=wid, compact=True)

    def on_mount(self) -> None:
        for f in self.fields:
            if f.kind != "note":
                self.query_one(f"#field-{f.name}").focus()
                break

    def values(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for f in self.fields:
            if f.kind == "note":
                continue
            w = self.query_one(f"#field-{f.name}")
            if isinstance(w, TextArea):
                out[f.name] = w.text
            elif isinstance(w, Checkbox | Input | Select):
                out[f.name] = w.value
        return out

    def action_close_if_blank(self) -> None:
        values = self.values()
        if any(str(values[f.name]).strip() for f in self.fields if f.kind in ("text", "area")):
            self.notify("Escape cancels the form (what you typed is dropped).", timeout=4)
            return
        self.dismiss(None)

    @on(Button.Pressed, "#form-ok")
    def _ok(self) -> None:
        self.action_submit()

    @on(Button.Pressed, "#form-cancel")
    def _cancel(self) -> None:
        self.dismiss(None)

    def action_submit(self) -> None:
        if self._busy:
            return
        self._busy = True
        values = self.values()
        app = self.app
        submit = self.submit

        def job() -> None:
            try:
                with app.store.transaction() as session:
                    result = submit(session, app.now(), values)
            except CoreError as exc:
                app.call_from_thread(self.show_error, exc)
                return
            except ValueError as exc:  # a date the user typed that does not parse
                app.call_from_thread(self.show_error, CoreError(str(exc)))
                return
            app.call_from_thread(self.dismiss, result if result is not None else True)

        self.run_worker(job, thread=True, group="support-form", exit_on_error=False)

    def show_error(self, exc: CoreError) -> None:
        self._busy = False
        lines = [exc.message]
        lines += [f"{e.field}: {e.message}" for e in exc.errors if e.message != exc.message]
        error = self.query_one("#form-error", Static)
        error.update("\n".join(lines))
        error.display = True
        wanted = {e.field for e in exc.errors}
        for f in self.fields:
            if f.name in wanted and f.kind != "note":
                self.query_one(f"#field-{f.name}").focus()
                break

    def on_worker_state_changed(self, event) -> None:
        from textual.worker import WorkerState

        if event.state == WorkerState.ERROR:
            self._busy = False
