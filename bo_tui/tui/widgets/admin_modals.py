"""Small modals of the administration screens: a confirmation with the default on Cancel
(Generate New Secret, R-CRED-2), a one-line prompt (export path, R-LOG-1) and a text viewer."""

from __future__ import annotations

from rich.console import RenderableType
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Button, Input, Label, Static

from ..screens.base import BaseModal

_BOX = """
    align: center middle;
    & > Vertical {
        width: 72; max-width: 96%; height: auto; max-height: 92%;
        border: round $accent; background: $surface; padding: 0 1;
    }
    .modal-title { text-style: bold; padding: 0 0 1 0; }
    .modal-buttons { height: auto; align-horizontal: right; padding: 1 0 0 0; }
    .modal-buttons Button { margin: 0 0 0 2; }
    .field-error { color: $error; height: auto; }
"""


class AdminConfirm(BaseModal):
    """Asks before something that cannot be undone; dismisses True only on the named button.
    The focus starts on Cancel, so a stray Enter never confirms."""

    DEFAULT_CSS = "AdminConfirm {" + _BOX + "& > Vertical { border: round $warning; } }"

    def __init__(self, title: str, text: RenderableType, confirm: str, *, danger: bool = True):
        super().__init__()
        self.title_text = title
        self.text = text
        self.confirm_label = confirm
        self.danger = danger

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(self.title_text, classes="modal-title")
            yield Static(self.text)
            with Horizontal(classes="modal-buttons"):
                yield Button("Cancel", id="cancel")
                yield Button(
                    self.confirm_label, id="confirm", variant="error" if self.danger else "primary"
                )

    def on_mount(self) -> None:
        self.query_one("#cancel", Button).focus()

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "confirm")

    def action_close(self) -> None:
        self.dismiss(False)


class AdminPrompt(BaseModal):
    """One line of text (a file path, a search text); Enter accepts, Escape cancels."""

    DEFAULT_CSS = "AdminPrompt {" + _BOX + "}"
    BINDINGS = [
        Binding(
            "escape",
            "close",
            "Cancel",
            id="prompt.cancel",
            show=False,
            tooltip="Close without changing anything",
        )
    ]

    def __init__(self, title: str, label: str, value: str = "", *, hint: str = "") -> None:
        super().__init__()
        self.title_text = title
        self.label = label
        self.value = value
        self.hint = hint

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(self.title_text, classes="modal-title")
            yield Label(self.label)
            yield Input(self.value, id="prompt-input")
            yield Static(self.hint, classes="muted")
            yield Static("", classes="field-error", id="prompt-error")
            with Horizontal(classes="modal-buttons"):
                yield Button("Cancel", id="cancel", compact=True)
                yield Button("OK", id="ok", variant="primary", compact=True)

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    def _accept(self) -> None:
        value = self.query_one(Input).value.strip()
        if not value:
            self.query_one("#prompt-error", Static).update("Enter a value, or Escape to cancel.")
            return
        self.dismiss(value)

    @on(Input.Submitted)
    def _submitted(self) -> None:
        self._accept()

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "ok":
            self._accept()
        else:
            self.dismiss(None)


class AdminTextView(BaseModal):
    """A scrollable read-only view (a payload, a message body); ``y`` copies ``copy_text``."""

    DEFAULT_CSS = (
        "AdminTextView {"
        + _BOX
        + "& > Vertical { width: 100; height: 90%; } #view-body { height: 1fr; } }"
    )
    BINDINGS = [
        Binding(
            "y", "copy", "Copy", id="view.copy", tooltip="Copy the text to the clipboard (OSC 52)"
        )
    ]

    def __init__(self, title: str, head: RenderableType, body: RenderableType, copy_text: str):
        super().__init__()
        self.title_text = title
        self.head = head
        self.body = body
        self.copy_text = copy_text

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(self.title_text, classes="modal-title")
            yield Static(self.head)
            with VerticalScroll(id="view-body"):
                yield Static(self.body)
            yield Static("[dim]y copy · Escape or q close[/dim]")

    def on_mount(self) -> None:
        self.query_one("#view-body").focus()

    def action_copy(self) -> None:
        self.app.copy_to_clipboard(self.copy_text)
        self.app.notify("Copied to the clipboard (OSC 52).")
