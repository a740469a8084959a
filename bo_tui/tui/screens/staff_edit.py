"""Edit forms of the Staff screen (the Campus UI, R-DEMO-4, R-PREF-1): each Save is one core
call in one transaction; its field errors appear under the fields, a lock refusal on top."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Button, Input, Label, Select, Static
from textual.worker import Worker, WorkerState

from bo_tui.core.errors import CoreError, Forbidden

from .base import BaseModal


@dataclass
class FormField:
    name: str
    label: str
    value: str = ""
    placeholder: str = ""
    choices: list[tuple[str, str]] | None = None  # (label, value): a Select instead of an Input


def error_target(path: str) -> str:
    """``[0].schoolNumber`` / ``address.city`` → the form field's name."""
    last = path.rsplit(".", 1)[-1]
    return last.split("[", 1)[0] or path


class FormFields(VerticalScroll):
    """The fields' scroller: up/down move between fields (not scroll), as in a paper form."""

    BINDINGS = [
        Binding(
            "down",
            "app.focus_next",
            "Next field",
            id="staff_form.next",
            show=False,
            tooltip="The next field",
        ),
        Binding(
            "up",
            "app.focus_previous",
            "Previous field",
            id="staff_form.previous",
            show=False,
            tooltip="The previous field",
        ),
    ]


class StaffForm(BaseModal):
    """Fields, Save (ctrl+s, or Enter in the last field) and Cancel (Esc). ``save(session,
    values)`` gets the changed fields only (all of them with ``send_all``), as text or None."""

    DEFAULT_CSS = """
    StaffForm { align: center middle; }
    StaffForm > #form-box {
        width: 72; max-width: 100%; height: auto; max-height: 100%;
        border: round $accent; background: $surface; padding: 0 1;
    }
    StaffForm .form-title { text-style: bold; height: 1; }
    StaffForm .form-note { color: $text-muted; height: auto; }
    StaffForm #form-error { color: $error; height: auto; }
    StaffForm #form-fields { height: auto; max-height: 16; margin: 1 0 0 0; }
    StaffForm .form-row { height: 1; }
    StaffForm .form-row Label { width: 18; color: $text-muted; }
    StaffForm .form-row Input, StaffForm .form-row Select { width: 1fr; }
    StaffForm .field-error { color: $error; height: auto; padding: 0 0 0 18; }
    StaffForm #form-buttons { height: 1; align: right middle; margin: 1 0 0 0; }
    StaffForm #form-buttons Button { margin: 0 0 0 2; }
    """
    BINDINGS = [Binding("ctrl+s", "save", "Save", id="staff_form.save", tooltip="Save the changes")]

    def __init__(
        self,
        title: str,
        fields: list[FormField],
        save: Callable[[Any, dict[str, Any]], Any],
        *,
        note: str = "",
        send_all: bool = False,
    ) -> None:
        super().__init__()
        self.form_title = title
        self.fields = fields
        self.save = save
        self.note = note
        self.send_all = send_all
        self.busy = False

    def compose(self) -> ComposeResult:
        with Vertical(id="form-box"):
            yield Static(self.form_title, classes="form-title")
            if self.note:
                yield Static(self.note, classes="form-note")
            yield Static("", id="form-error")
            with FormFields(id="form-fields"):
                for f in self.fields:
                    with Horizontal(classes="form-row"):
                        yield Label(f.label)
                        if f.choices is not None:
                            yield Select(
                                f.choices,
                                value=f.value if f.value else Select.NULL,
                                id=f"field-{f.name}",
                                compact=True,
                                prompt="(none)",
                            )
                        else:
                            yield Input(
                                f.value,
                                placeholder=f.placeholder,
                                id=f"field-{f.name}",
                                compact=True,
                            )
                    yield Static("", id=f"error-{f.name}", classes="field-error")
            with Horizontal(id="form-buttons"):
                yield Button("Save (ctrl+s)", id="form-save", variant="primary", compact=True)
                yield Button("Cancel (Esc)", id="form-cancel", compact=True)

    def on_mount(self) -> None:
        for f in self.fields:
            self.query_one(f"#error-{f.name}").display = False
        self.query_one("#form-error").display = False
        if self.fields:
            self.query_one(f"#field-{self.fields[0].name}").focus()

    def value_of(self, f: FormField) -> str | None:
        widget = self.query_one(f"#field-{f.name}")
        if isinstance(widget, Select):
            value = widget.value
            return None if value is Select.NULL or value is None else str(value)
        text = widget.value.strip()
        return text or None

    def values(self) -> dict[str, Any]:
        out = {}
        for f in self.fields:
            value = self.value_of(f)
            if self.send_all or value != (f.value or None):
                out[f.name] = value
        return out

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        ids = [f"field-{f.name}" for f in self.fields]
        if event.input.id in ids and ids.index(event.input.id) < len(ids) - 1:
            self.focus_next()
        else:
            self.action_save()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "form-save":
            self.action_save()
        elif event.button.id == "form-cancel":
            self.dismiss(None)

    def action_save(self) -> None:
        if self.busy:
            return
        values = self.values()
        if not values:
            self.notify("Nothing changed.", title=self.form_title)
            self.dismiss(None)
            return
        self.busy = True
        self.clear_errors()
        self.run_save(values)

    @work(thread=True, exclusive=True, exit_on_error=False, group="staff-save")
    def run_save(self, values: dict[str, Any]) -> None:
        app = self.app
        try:
            with app.store.transaction() as s:
                result = self.save(s, values)
        except CoreError as exc:
            app.call_from_thread(self.show_errors, exc)
            return
        app.call_from_thread(self.dismiss, result)

    def clear_errors(self) -> None:
        for f in self.fields:
            self.query_one(f"#error-{f.name}").display = False
        self.query_one("#form-error").display = False

    def show_errors(self, exc: CoreError) -> None:
        """Each field's message under it; a lock refusal or an unplaced error on top."""
        self.busy = False
        names = {f.name for f in self.fields}
        general = []
        first = None
        for err in exc.errors:
            target = error_target(err.field)
            if target in names and not isinstance(exc, Forbidden):
                box = self.query_one(f"#error-{target}", Static)
                box.update(f"↑ {err.message}")
                box.display = True
                first = first or target
            elif err.message not in general:
                general.append(err.message)
        if not exc.errors or isinstance(exc, Forbidden):
            general = [exc.message]
        top = self.query_one("#form-error", Static)
        if general:
            top.update("\n".join(general))
            top.display = True
        if first:
            self.query_one(f"#field-{first}").focus()

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state == WorkerState.ERROR:
            self.busy = False
