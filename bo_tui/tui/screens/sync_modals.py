"""Modals of the synchronization wizard: the Check Campus Data report (R-SYNC-8), the commit
confirmation with the mass-change guard's counts (R-SYNC-9), and a path suggester for files."""

from __future__ import annotations

import os
from pathlib import Path

from rich.table import Table
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.suggester import Suggester
from textual.widgets import Button, Label, Static, TabbedContent, TabPane

from bo_tui.core.sync import CampusCheck

from ..widgets.big_table import BigTable, Column, Row, TableSource
from .base import BaseModal

_BOX = """
    align: center middle;
    & > Vertical {
        width: 78; max-width: 100%; height: auto; max-height: 100%;
        border: round $accent; background: $surface; padding: 0 1;
    }
    .modal-title { text-style: bold; height: 1; }
    .modal-buttons { height: auto; align-horizontal: right; padding: 1 0 0 0; }
    .modal-buttons Button { margin: 0 0 0 2; }
"""


def list_source(rows: list[Row]) -> TableSource:
    """A ``TableSource`` over rows already in memory (small lists: checks, commit outcomes)."""

    def find(text: str, start: int, direction: int) -> int | None:
        needle = text.lower()
        i = start + direction
        while 0 <= i < len(rows):
            if any(needle in str(c).lower() for line in rows[i].lines for c in line):
                return i
            i += direction
        return None

    return TableSource(
        count=lambda: len(rows),
        page=lambda offset, limit: rows[offset : offset + limit],
        find=find,
        has_changes=False,
    )


CHECK_COLUMNS = [
    Column("staffNumber", "Staff Number", 12),
    Column("lastName", "Last Name", 14),
    Column("firstName", "First Name", 12),
    Column("middleName", "Middle", 8),
    Column("gender", "G", 1),
    Column("workPhone", "Work Phone", 14),
    Column("birthDate", "Birth Date", 10),
    Column("workEmail", "Work Email", 26),
]


def check_rows(rows) -> list[Row]:
    return [
        Row(
            r.staffNumber,
            (
                tuple(
                    "" if getattr(r, c.key) is None else str(getattr(r, c.key))
                    for c in CHECK_COLUMNS
                ),
            ),
            frozenset(),
            r,
        )
        for r in rows
    ]


class CheckCampusModal(BaseModal):
    """Check Campus Data (R-SYNC-8): Campus staff whose staff number is shared or missing."""

    DEFAULT_CSS = (
        "CheckCampusModal {"
        + _BOX
        + """
        & > Vertical { height: 100%; }
        TabbedContent { height: 1fr; }
        #check-summary { height: auto; padding: 0 0 1 0; }
    }"""
    )

    BINDINGS = [
        Binding(
            "right_square_bracket",
            "tab(1)",
            "Next tab",
            id="sync.check_next_tab",
            tooltip="The next list",
        ),
        Binding(
            "left_square_bracket",
            "tab(-1)",
            "Previous tab",
            id="sync.check_prev_tab",
            tooltip="The previous list",
        ),
    ]

    def __init__(self, check: CampusCheck) -> None:
        super().__init__()
        self.check = check

    def action_tab(self, step: int) -> None:
        tabs = self.query_one(TabbedContent)
        ids = ["check-dup", "check-none"]
        tabs.active = ids[(ids.index(tabs.active) + step) % len(ids)]
        pane = "#check-dup-table" if tabs.active == "check-dup" else "#check-none-table"
        self.query_one(pane).focus()

    def compose(self) -> ComposeResult:
        c = self.check
        with Vertical():
            yield Label(
                "Check Campus Data  [dim]] next tab · Esc/q closes[/dim]", classes="modal-title"
            )
            if c.ok:
                text = "[green]Every Campus staff member has a unique staff number.[/green]"
            else:
                text = (
                    f"[b]{len(c.duplicateStaffNumbers):,}[/b] staff share "
                    f"[b]{c.duplicateNumbers:,}[/b] staff numbers; [b]{len(c.noStaffNumber):,}[/b] "
                    "have none. Fix them in Campus (Staff, key 9) and check again: staff numbers "
                    "must be unique for the sync to match HR staff."
                )
            yield Static(text, id="check-summary")
            with TabbedContent():
                with TabPane(
                    f"Duplicate staff numbers ({len(c.duplicateStaffNumbers):,})", id="check-dup"
                ):
                    yield BigTable(
                        CHECK_COLUMNS, fixed_columns=1, empty_text="None.", id="check-dup-table"
                    )
                with TabPane(f"No staff number ({len(c.noStaffNumber):,})", id="check-none"):
                    yield BigTable(
                        CHECK_COLUMNS, fixed_columns=1, empty_text="None.", id="check-none-table"
                    )

    def on_mount(self) -> None:
        self.query_one("#check-dup-table", BigTable).set_source(
            list_source(check_rows(self.check.duplicateStaffNumbers))
        )
        self.query_one("#check-none-table", BigTable).set_source(
            list_source(check_rows(self.check.noStaffNumber))
        )
        self.call_after_refresh(self.query_one("#check-dup-table").focus)


def guard_table(counts, held: int) -> Table:
    t = Table.grid(padding=(0, 2))
    t.add_column(style="bold")
    t.add_column(justify="right")
    t.add_row("Staff members created", f"{counts.creates:,}")
    t.add_row("Staff members changed", f"{counts.changes:,}")
    t.add_row("Held back by the review", f"{held:,}")
    t.add_row("Campus staff now", f"{counts.campusStaff:,}")
    share = (counts.total * 100 / counts.campusStaff) if counts.campusStaff else 100.0
    t.add_row("Share of Campus staff", f"{share:.1f}%")
    guard = (
        "off"
        if counts.massChangePercent == 0
        else f"{counts.massChangePercent}% and at least {counts.massChangeMinimum:,}"
    )
    t.add_row("Mass-change guard", guard)
    return t


class CommitConfirmModal(BaseModal):
    """Counts first, then an explicit yes (R-SYNC-9); the focus starts on Cancel. Dismisses
    True to commit (with the guard's confirmation when it tripped), else False."""

    DEFAULT_CSS = (
        "CommitConfirmModal {"
        + _BOX
        + """
        & > Vertical { border: round $warning; }
        #commit-guard { color: $text-warning; padding: 1 0 0 0; height: auto; }
        #commit-warning { padding: 1 0 0 0; height: auto; }
        #commit-advice { padding: 1 0 0 0; height: auto; color: $text-warning; }
    }"""
    )
    BINDINGS = [Binding("y", "confirm", "Commit", id="sync.commit_confirm", tooltip="Commit now")]

    def __init__(self, counts, held: int, *, background: bool, advice: str = "") -> None:
        super().__init__()
        self.counts = counts
        self.held = held
        self.background = background
        self.advice = advice

    def compose(self) -> ComposeResult:
        c = self.counts
        how = "as a background commit job" if self.background else "now"
        with Vertical():
            yield Label(f"Commit the synchronization {how}?", classes="modal-title")
            yield Static(guard_table(c, self.held))
            if c.tripped:
                yield Static(
                    f"[b]Mass change[/b] past the guard: {c.total:,} of {c.campusStaff:,} Campus "
                    f"staff. Confirming records {self.app.login} as the one who allowed it.",
                    id="commit-guard",
                )
            if self.advice:
                yield Static(self.advice, id="commit-advice")
            yield Static(
                "[b]WARNING:[/b] once committed, synced data is read-only in Campus; only "
                "another sync changes it.",
                id="commit-warning",
            )
            with Horizontal(classes="modal-buttons"):
                yield Button("Cancel", id="cancel", compact=True)
                label = "Confirm mass change and commit (y)" if c.tripped else "Commit (y)"
                yield Button(
                    label, id="confirm", variant="error" if c.tripped else "primary", compact=True
                )

    def on_mount(self) -> None:
        self.query_one("#cancel", Button).focus()

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "confirm")

    def action_confirm(self) -> None:
        self.dismiss(True)

    def action_close(self) -> None:
        self.dismiss(False)


class PathSuggester(Suggester):
    """Completes file system paths as the user types (the rest shows dimmed; → accepts)."""

    def __init__(self) -> None:
        super().__init__(use_cache=False, case_sensitive=True)

    async def get_suggestion(self, value: str) -> str | None:
        if not value:
            return None
        path = Path(os.path.expanduser(value))
        folder, stem = (path, "") if value.endswith(os.sep) else (path.parent, path.name)
        try:
            names = sorted(
                e.name + (os.sep if e.is_dir() else "")
                for e in os.scandir(folder)
                if e.name.startswith(stem) and (stem.startswith(".") or not e.name.startswith("."))
            )
        except OSError:
            return None
        names = [n for n in names if n != stem]
        return value + names[0][len(stem) :] if names else None
