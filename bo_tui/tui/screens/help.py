"""``?``/F1 help: the keys of the active screen and the app, generated from the active
bindings with their ids (for keymap.toml)."""

from __future__ import annotations

from rich.table import Table
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

from ..keymap import keymap_path
from .base import BaseModal


class HelpScreen(BaseModal):
    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > VerticalScroll {
        width: 76; max-width: 95%; height: auto; max-height: 90%;
        border: round $accent; background: $surface; padding: 0 1;
    }
    """

    def __init__(self, rows: list[tuple[str, str, str]], title: str) -> None:
        super().__init__()
        self.rows = rows
        self.title_text = title

    def compose(self) -> ComposeResult:
        table = Table(box=None, expand=True, show_header=True, header_style="bold")
        table.add_column("Key", no_wrap=True)
        table.add_column("Action")
        table.add_column("Binding id", style="dim", no_wrap=True)
        for key, desc, bid in self.rows:
            table.add_row(key, desc, bid)
        with VerticalScroll():
            yield Static(f"[b]{self.title_text}[/b] — keys")
            yield Static(table)
            yield Static(
                f"[dim]Remap keys by binding id in {keymap_path()}; ctrl+p lists every screen "
                "and action. Escape or q closes this.[/dim]"
            )
