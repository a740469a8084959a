"""Business Office Preferences (R-PREF-1, R-PREF-2, R-SYNC-9): the six Campus UI locks, the
household/address switch and the mass-change guard's numbers, each with its consequence."""

from __future__ import annotations

from rich.markup import escape
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Button, Checkbox, Footer, Header, Input, Label, Static

from bo_tui.core import preferences as pref_core
from bo_tui.core import rights
from bo_tui.core.errors import RuleViolation

from ..widgets.admin_modals import AdminConfirm
from .base import BaseScreen

LOCKS = (
    "staffCreation",
    "staffNumber",
    "staffDemographics",
    "staffEmployment",
    "staffEmploymentAssignments",
    "staffHousehold",
)
# One line each, for the box as it is now: what it means for the Campus UI (R-PREF-1) or for
# the HR data (R-PREF-2). (checked, unchecked)
CONSEQUENCES = {
    "staffCreation": (
        "Locked: staff are created only by the HR system, not in the Campus UI.",
        "Unlocked: staff can also be created in the Campus UI.",
    ),
    "staffNumber": (
        "Locked: the Local Staff Number of HR-managed staff is read-only in Campus.",
        "Unlocked: Campus may edit it; the next HR update overwrites it.",
    ),
    "staffDemographics": (
        "Locked: names, SSN, birth date, gender, phones, emails are read-only.",
        "Unlocked: Campus may edit them; the next HR update overwrites them.",
    ),
    "staffEmployment": (
        "Locked: hire and termination dates of HR-managed staff are read-only.",
        "Unlocked: Campus may edit them; the next HR update overwrites them.",
    ),
    "staffEmploymentAssignments": (
        "Locked: positions (district assignments) are read-only.",
        "Unlocked: Campus may edit positions; the next HR update overwrites them.",
    ),
    "staffHousehold": (
        "Locked: the staff household and its address are read-only in Campus.",
        "Unlocked: Campus may edit them; the next HR update overwrites them.",
    ),
    "allowHouseholdAddress": (
        "Allowed: households and addresses sent by the HR system are applied.",
        "Not allowed: every household and address sent by the HR system is ignored.",
    ),
}
NUMBER_HELP = {
    "massChangePercent": "Commits changing over this % of Campus staff need confirming (0: off).",
    "massChangeMinimum": "…and only when it changes at least this many staff members.",
    "historyDays": "Days each recorded change of staff data is kept (older ones are pruned).",
}
NUMBER_LABELS = {
    "massChangePercent": "Percent",
    "massChangeMinimum": "Minimum",
    "historyDays": "Days",
}


class PrefBox(Checkbox):
    """A box whose mark says its state, not only its color: ✓ checked, blank unchecked."""

    @property
    def BUTTON_INNER(self) -> str:  # noqa: N802 - Textual's name for the mark
        return "✓" if self.value else " "


def _label(name: str) -> str:
    return pref_core.SWITCHES[name].split(" (")[0]


class PreferencesScreen(BaseScreen):
    TITLE = "Preferences"
    DEFAULT_CSS = """
    PreferencesScreen #pref-body { padding: 0 1; }
    PreferencesScreen .pref-section { text-style: bold; color: $accent; padding: 1 0 0 0; }
    PreferencesScreen .pref-intro { color: $text-muted; }
    PreferencesScreen Checkbox { width: 100%; }
    PreferencesScreen .pref-why { color: $text-muted; padding: 0 0 0 4; height: auto; }
    PreferencesScreen .pref-error { color: $error; padding: 0 0 0 4; height: auto; }
    PreferencesScreen .pref-number { height: 1; margin: 1 0 0 0; }
    PreferencesScreen .pref-number Label { width: 10; padding: 0 0 0 1; }
    PreferencesScreen .pref-number Input { width: 10; }
    PreferencesScreen #pref-status { padding: 1 0 0 0; height: auto; }
    PreferencesScreen #pref-actions { height: auto; padding: 1 0; }
    PreferencesScreen #pref-actions Button { margin: 0 2 0 0; }
    """
    BINDINGS = [
        Binding(
            "ctrl+s", "save", "Save", id="preferences.save", tooltip="Save the changed preferences"
        ),
        Binding(
            "ctrl+r",
            "revert",
            "Revert",
            id="preferences.revert",
            tooltip="Back to the saved preferences",
        ),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.saved: pref_core.Preferences | None = None

    def compose(self) -> ComposeResult:
        yield Header(icon="≡")
        with VerticalScroll(id="pref-body"):
            yield Static("Loading…", id="pref-status")
            yield Static("Integration: lock in the Campus UI", classes="pref-section")
            yield Static(
                "Unchecked areas can be edited in Campus; the next HR update overwrites them.",
                classes="pref-intro",
            )
            for name in LOCKS:
                yield from self._switch(name)
            yield Static("Household/Address", classes="pref-section")
            yield from self._switch("allowHouseholdAddress")
            yield Static("Mass-change guard (sync commit)", classes="pref-section")
            for name in ("massChangePercent", "massChangeMinimum"):
                yield from self._number(name)
            yield Static("Change history", classes="pref-section")
            yield from self._number("historyDays")
            with Horizontal(id="pref-actions"):
                yield Button("Save  ^s", id="pref-save", variant="primary")
                yield Button("Revert  ^r", id="pref-revert")
        yield Footer()

    def _number(self, name: str) -> ComposeResult:
        with Horizontal(classes="pref-number"):
            yield Label(NUMBER_LABELS[name])
            yield Input(id=f"pref-{name}", type="integer", compact=True, max_length=7)
        yield Static(NUMBER_HELP[name], classes="pref-why")
        yield Static("", id=f"err-{name}", classes="pref-error")

    def _switch(self, name: str) -> ComposeResult:
        yield PrefBox(_label(name), id=f"pref-{name}", compact=True)
        yield Static(CONSEQUENCES[name][0], id=f"why-{name}", classes="pref-why")
        yield Static("", id=f"err-{name}", classes="pref-error")

    def on_mount(self) -> None:
        for err in self.query(".pref-error"):
            err.display = False
        self.query_one("#pref-body").disabled = True
        self.load()

    # --- reading and showing ------------------------------------------------------------

    @work(thread=True, exclusive=True, exit_on_error=False, group="preferences")
    def load(self) -> None:
        app = self.app
        with app.store.session() as session:
            prefs = pref_core.get_preferences(session)
        app.call_from_thread(self.show, prefs)

    def show(self, prefs: pref_core.Preferences) -> None:
        self.saved = prefs
        for name in pref_core.SWITCHES:
            value = getattr(prefs, name)
            self.query_one(f"#pref-{name}", Checkbox).value = value
            self.query_one(f"#why-{name}", Static).update(CONSEQUENCES[name][0 if value else 1])
        for name in pref_core.NUMBERS:
            self.query_one(f"#pref-{name}", Input).value = str(getattr(prefs, name))
        self._clear_errors()
        body = self.query_one("#pref-body")
        body.disabled = False
        if not self.can(rights.BOI_ADMIN):
            for w in self.query("Checkbox, Input, #pref-actions Button"):
                w.disabled = True
        self._status()

    def form(self) -> dict[str, object]:
        values: dict[str, object] = {
            n: self.query_one(f"#pref-{n}", Checkbox).value for n in pref_core.SWITCHES
        }
        values.update({n: self.query_one(f"#pref-{n}", Input).value for n in pref_core.NUMBERS})
        return values

    def changes(self) -> dict[str, object]:
        if self.saved is None:
            return {}
        saved = self.saved.model_dump()
        return {n: v for n, v in self.form().items() if str(v) != str(saved[n])}

    def _status(self, note: str = "") -> None:
        status = self.query_one("#pref-status", Static)
        if not self.can(rights.BOI_ADMIN):
            status.update(f"[yellow]Read only: {escape(self.why_not(rights.BOI_ADMIN))}[/yellow]")
        elif note:
            status.update(note)
        elif self.changes():
            status.update("[b]Unsaved changes[/b]  ·  ctrl+s saves, ctrl+r reverts")
        else:
            status.update("Saved preferences of the district.  Space toggles a box.")

    @on(Checkbox.Changed)
    def _toggled(self, event: Checkbox.Changed) -> None:
        name = (event.checkbox.id or "").removeprefix("pref-")
        if name in CONSEQUENCES:
            on_text, off_text = CONSEQUENCES[name]
            self.query_one(f"#why-{name}", Static).update(on_text if event.value else off_text)
        self._edited()

    @on(Input.Changed)
    def _edited(self) -> None:
        if self.saved is not None:
            self._status()

    def action_back(self) -> None:
        # Leaving with unsaved changes asks first (SPEC section 10).
        changes = self.changes()
        if not changes:
            super().action_back()
            return
        names = ", ".join(_field_label(n) for n in sorted(changes))

        def answered(leave: bool | None) -> None:
            if leave:
                if self.saved is not None:
                    self.show(self.saved)
                super(PreferencesScreen, self).action_back()

        self.app.push_screen(
            AdminConfirm(
                "Leave without saving?",
                f"Unsaved changes: {names}. Save them with ctrl+s, or discard them.",
                "Discard changes",
            ),
            answered,
        )

    def _clear_errors(self) -> None:
        for err in self.query(".pref-error"):
            err.display = False

    # --- saving -------------------------------------------------------------------------

    @on(Button.Pressed, "#pref-save")
    def action_save(self) -> None:
        if not self.can(rights.BOI_ADMIN):
            self.notify(self.why_not(rights.BOI_ADMIN), title="Not saved", severity="warning")
            return
        changes = self.changes()
        if not changes:
            self._status("Nothing to save: the preferences are as stored.")
            return
        self._clear_errors()
        self.save(changes)

    @on(Button.Pressed, "#pref-revert")
    def action_revert(self) -> None:
        if self.saved is not None:
            self.show(self.saved)

    @work(thread=True, exclusive=True, exit_on_error=False, group="preferences-save")
    def save(self, changes: dict[str, object]) -> None:
        app = self.app
        try:
            with app.store.transaction() as session:
                prefs = pref_core.set_preferences(session, changes)
        except RuleViolation as exc:
            app.call_from_thread(self.show_errors, exc)
            return
        app.call_from_thread(self.saved_ok, prefs, sorted(changes))

    def saved_ok(self, prefs: pref_core.Preferences, names: list[str]) -> None:
        self.show(prefs)
        self._status(f"[green]Saved[/green]: {len(names)} preference(s) changed.")
        self.notify("Preferences saved.")

    def show_errors(self, exc: RuleViolation) -> None:
        unplaced = []
        for e in exc.errors:
            found = self.query(f"#err-{e.field}")
            if found:
                found.first().update(f"{_field_label(e.field)} {escape(e.message)}")
                found.first().display = True
            else:
                unplaced.append(f"{e.field}: {e.message}")
        self._status("[red]Not saved: fix the fields marked below.[/red]")
        if unplaced:
            self.notify("\n".join(unplaced), title="Not saved", severity="error")


def _field_label(name: str) -> str:
    return NUMBER_LABELS.get(name) or _label(name)
