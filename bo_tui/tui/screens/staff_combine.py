"""Combine Person (R-SYNC-10): pick the base person (the staff member, who stays), pick the other
person (any person: a student or guardian who became an employee), see what moves, confirm.

Other screens (the validation report's possible duplicates) push it directly::

    from bo_tui.tui.screens.staff_combine import CombinePersonModal
    self.app.push_screen(CombinePersonModal(base_person_id, other_person_id), callback)

Either id may be None (that person is then picked in the modal); ``base_staff_number=`` may
name the base instead of its id. The callback gets the applied ``CombinePreview`` or None.
The Combine Person tool right is checked by the core; without it the modal says why.
"""

from __future__ import annotations

from rich.table import Table
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Button, ContentSwitcher, Static
from textual.worker import Worker, WorkerState

from bo_tui.core import persons as persons_core
from bo_tui.core import rights
from bo_tui.core.errors import CoreError, NotFound
from bo_tui.core.persons import PersonSummary
from bo_tui.core.staff_models import CombinePreview

from ..widgets.staff_picker import PersonPicker, person_line
from .base import BaseModal

_FIELD_NAMES = {
    "staff_number": "staff number",
    "student_number": "student number",
    "ssn": "SSN",
    "birth_date": "birth date",
    "gender": "gender",
    "work_phone": "work phone",
    "cell_phone": "cell phone",
    "other_phone": "other phone",
    "work_email": "work email",
    "personal_email": "personal email",
}


def preview_table(p: CombinePreview) -> Table:
    """What the combine does, one line per kind of record (the confirmation's content)."""
    t = Table(box=None, show_header=False, padding=(0, 1), expand=True)
    t.add_column("What", style="bold", no_wrap=True, width=26)
    t.add_column("", ratio=1)

    def n(count: int, one: str, many: str) -> str:
        return f"{count} {one if count == 1 else many}"

    t.add_row(
        "Moves to the base person",
        ", ".join(
            [
                n(p.employments, "employment", "employments"),
                n(p.positions, "position", "positions"),
                n(p.householdMemberships, "household membership", "household memberships"),
                n(p.users, "user account", "user accounts"),
            ]
        ),
    )
    filled = ", ".join(_FIELD_NAMES.get(f, f) for f in p.fieldsFilled) or "nothing"
    t.add_row("Fills the base's blanks", filled)
    t.add_row(
        "Goes away",
        f"the other person (person {p.otherPersonId}) and "
        + n(p.identitiesDropped, "identity", "identities"),
    )
    kept = "names" if "staff_number" in p.fieldsFilled else "names and staff number"
    t.add_row("Stays", f"the base person (person {p.basePersonId}) with its {kept}")
    for w in p.warnings:
        t.add_row("[yellow]Note[/yellow]", f"[yellow]{w.message}[/yellow]")
    return t


class CombinePersonModal(BaseModal):
    """Combine Person: base (stays) ← other (removed); preview, then confirm with y or Enter."""

    DEFAULT_CSS = """
    CombinePersonModal { align: center middle; }
    CombinePersonModal > #combine-box {
        width: 78; max-width: 100%; height: 22; max-height: 100%;
        border: round $warning; background: $surface; padding: 0 1;
    }
    CombinePersonModal .combine-title { text-style: bold; height: 1; }
    CombinePersonModal .combine-who { height: 1; }
    CombinePersonModal .combine-step { height: 1; color: $accent; margin: 1 0 0 0; }
    CombinePersonModal ContentSwitcher { height: 1fr; }
    CombinePersonModal #combine-preview { height: 1fr; }
    CombinePersonModal #combine-keys { height: 1; color: $text-muted; }
    CombinePersonModal #combine-buttons { height: 1; align: right middle; }
    CombinePersonModal #combine-buttons Button { margin: 0 0 0 2; }
    """
    BINDINGS = [
        Binding(
            "y",
            "confirm",
            "Combine",
            id="combine.confirm",
            tooltip="Combine the two persons (no undo)",
        ),
        Binding(
            "b",
            "pick_base",
            "Change base",
            id="combine.base",
            tooltip="Pick another base person (the one who stays)",
        ),
        Binding(
            "o",
            "pick_other",
            "Change other",
            id="combine.other",
            tooltip="Pick another person to merge into the base",
        ),
    ]

    def __init__(
        self,
        base_person_id: int | None = None,
        other_person_id: int | None = None,
        *,
        base_staff_number: str | None = None,
    ) -> None:
        super().__init__()
        self.base_id = base_person_id
        self.other_id = other_person_id
        self.base_staff_number = base_staff_number
        self.base: PersonSummary | None = None
        self.other: PersonSummary | None = None
        self.preview: CombinePreview | None = None
        self.step = "loading"
        self.busy = False

    def compose(self) -> ComposeResult:
        with Vertical(id="combine-box"):
            yield Static("Combine Person  [dim]Esc cancels[/dim]", classes="combine-title")
            yield Static("", id="combine-base", classes="combine-who")
            yield Static("", id="combine-other", classes="combine-who")
            yield Static("", id="combine-step", classes="combine-step")
            with ContentSwitcher(initial="combine-message"):
                yield Static("Loading…", id="combine-message")
                yield PersonPicker(staff_only=True, id="pick-base")
                yield PersonPicker(id="pick-other")
                yield VerticalScroll(Static("", id="combine-preview-text"), id="combine-preview")
            with Horizontal(id="combine-buttons"):
                yield Button("Combine (y)", id="combine-yes", variant="error", compact=True)
                yield Button("Cancel (Esc)", id="combine-no", compact=True)

    def on_mount(self) -> None:
        self.query_one("#combine-buttons").display = False
        user = self.app.user
        if user is None or not user.can(rights.COMBINE_PERSON):
            self.refuse(self._why_not())
            return
        self.load_people(self.base_id, self.other_id, self.base_staff_number)

    def _why_not(self) -> str:
        login = self.app.login
        if self.app.user is None:
            return f"{login} is not a Campus user: ask a user administrator to add this login."
        return (
            f"{login} lacks the tool right '{rights.ALL[rights.COMBINE_PERSON]}': "
            "ask a user administrator for it."
        )

    def refuse(self, reason: str) -> None:
        self.step = "refused"
        self.query_one("#combine-message", Static).update(
            f"[b]Combine Person is not available.[/b]\n\n{reason}\n\n[dim]Esc closes.[/dim]"
        )
        self.query_one(ContentSwitcher).current = "combine-message"
        self.refresh_bindings()

    # --- steps ------------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple) -> bool | None:
        if action == "confirm":
            return self.step == "preview" and not self.busy
        if action in ("pick_base", "pick_other"):
            return self.step == "preview" and not self.busy
        return True

    def show_people(self) -> None:
        self.query_one("#combine-base", Static).update(
            "[b]Base (stays)[/b]    "
            + (person_line(self.base) if self.base else "[dim]to pick[/dim]")
        )
        self.query_one("#combine-other", Static).update(
            "[b]Other (removed)[/b] "
            + (person_line(self.other) if self.other else "[dim]to pick[/dim]")
        )

    def go(self, step: str) -> None:
        self.step = step
        self.preview = None if step != "preview" else self.preview
        self.show_people()
        switcher = self.query_one(ContentSwitcher)
        label = self.query_one("#combine-step", Static)
        self.query_one("#combine-buttons").display = step == "preview"
        if step == "base":
            label.update("1. Pick the base person: the staff member, who stays · Enter picks")
            switcher.current = "pick-base"
            self.query_one("#pick-base", PersonPicker).focus_box()
        elif step == "other":
            label.update("2. Pick the other person, merged into the base · Enter picks")
            picker = self.query_one("#pick-other", PersonPicker)
            picker.exclude = self.base.personId if self.base else None
            switcher.current = "pick-other"
            box = picker.query_one("Input")
            if not box.value and self.base and self.base.lastName:
                box.value = f"{self.base.lastName}, "
            else:
                picker.search(box.value)
            picker.focus_box()
        elif step == "preview":
            label.update("3. Check what moves · y combines (no undo) · b/o change a person")
            switcher.current = "combine-message"
            self.query_one("#combine-message", Static).update("Working out what moves…")
            self.load_preview(self.base.personId, self.other.personId)
        self.refresh_bindings()

    def on_person_picker_picked(self, event: PersonPicker.Picked) -> None:
        if event.picker.id == "pick-base":
            self.base = event.person
            if self.other and self.other.personId == self.base.personId:
                self.other = None
            self.go("other" if self.other is None else "preview")
        else:
            self.other = event.person
            self.go("preview")

    def action_pick_base(self) -> None:
        self.go("base")

    def action_pick_other(self) -> None:
        self.go("other")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "combine-yes":
            self.action_confirm()
        elif event.button.id == "combine-no":
            self.dismiss(None)

    def action_confirm(self) -> None:
        if self.step != "preview" or self.busy or self.preview is None:
            return
        self.busy = True
        self.query_one("#combine-yes", Button).disabled = True
        self.refresh_bindings()
        self.run_combine(self.base.personId, self.other.personId)

    def key_enter(self) -> None:
        if self.step == "preview":
            self.action_confirm()

    # --- workers ----------------------------------------------------------------------------

    @work(thread=True, exclusive=True, exit_on_error=False, group="combine-load")
    def load_people(self, base_id: int | None, other_id: int | None, number: str | None) -> None:
        app = self.app
        try:
            with app.store.session() as s:
                other = persons_core.person_summary(s, other_id) if other_id else None
                if base_id is None and number:
                    base = persons_core.person_by_staff_number(s, number)
                else:
                    base = persons_core.person_summary(s, base_id) if base_id else None
        except NotFound:
            # From the report before the commit: the HR staff member is not a Campus person yet.
            who = f" with {person_line(other)}" if other_id and other is not None else ""
            app.call_from_thread(
                self.refuse,
                f"Staff member {number} is not in Campus yet: the commit creates it. Commit "
                f"this sync first, then combine it{who} (Staff, 9; or this report's "
                "Possible duplicates tab, c).",
            )
            return
        except CoreError as exc:
            app.call_from_thread(self.refuse, exc.message)
            return
        app.call_from_thread(self.people_loaded, base, other)

    def people_loaded(self, base: PersonSummary | None, other: PersonSummary | None) -> None:
        self.base, self.other = base, other
        if base is None:
            self.go("base")
        elif other is None or other.personId == base.personId:
            self.other = None
            self.go("other")
        else:
            self.go("preview")

    @work(thread=True, exclusive=True, exit_on_error=False, group="combine-preview")
    def load_preview(self, base_id: int, other_id: int) -> None:
        app = self.app
        try:
            with app.store.session() as s:
                preview = persons_core.preview_combine_as(s, app.login, base_id, other_id)
        except CoreError as exc:
            app.call_from_thread(self.preview_failed, exc.message)
            return
        app.call_from_thread(self.show_preview, preview)

    def preview_failed(self, message: str) -> None:
        self.query_one("#combine-message", Static).update(
            f"[red]{message}[/red]\n\n[dim]b: change the base · o: change the other · Esc[/dim]"
        )
        self.query_one("#combine-buttons").display = False

    def show_preview(self, preview: CombinePreview) -> None:
        self.preview = preview
        self.query_one("#combine-preview-text", Static).update(preview_table(preview))
        self.query_one(ContentSwitcher).current = "combine-preview"
        self.query_one("#combine-buttons").display = True
        self.query_one("#combine-yes", Button).disabled = False
        self.query_one("#combine-yes", Button).focus()
        self.refresh_bindings()

    @work(thread=True, exclusive=True, exit_on_error=False, group="combine-apply")
    def run_combine(self, base_id: int, other_id: int) -> None:
        app = self.app
        try:
            with app.store.transaction() as s:
                result = persons_core.combine_as(s, app.login, base_id, other_id)
        except CoreError as exc:
            app.call_from_thread(self.combine_failed, exc.message)
            return
        app.call_from_thread(self.combined, result)

    def combine_failed(self, message: str) -> None:
        self.busy = False
        self.query_one("#combine-yes", Button).disabled = False
        self.notify(message, title="Combine Person refused", severity="error", timeout=8)
        self.refresh_bindings()

    def combined(self, result: CombinePreview) -> None:
        self.app.notify(
            f"{result.otherName} (person {result.otherPersonId}) was combined into "
            f"{result.baseName} (person {result.basePersonId}).",
            title="Combine Person",
        )
        self.dismiss(result)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state == WorkerState.ERROR:
            self.busy = False
