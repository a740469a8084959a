"""Modals of the validation report (R-SYNC-4, R-SYNC-10): a staff member's full record with
Campus beside HR, the changed-field filter, and the export of a tab or the whole report."""

from __future__ import annotations

from pathlib import Path

from rich.console import Group
from rich.markup import escape
from rich.table import Table
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Button, Input, Label, OptionList, RadioButton, RadioSet, Static
from textual.widgets.option_list import Option

from bo_tui.core.fields import label, short_label
from bo_tui.core.sync.report import DEMOGRAPHIC_FIELDS, FIELD_COLUMNS, NOTES, TITLES

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
    .field-error { color: $error; height: auto; }
"""

PERSON_FIELDS = tuple(
    (key, label(key))
    for key in (
        "staffNumber",
        "lastName",
        "firstName",
        "middleName",
        "gender",
        "ssn",
        "birthDate",
        "workEmail",
        "personalEmail",
        "workPhone",
        "cellPhone",
        "otherPhone",
        "studentNumber",
        "personId",
    )
)
LIST_FIELDS = {
    "employmentDifferences": tuple((k, label(k)) for k in ("hireDate", "terminationDate")),
    "assignmentDifferences": tuple(
        (k, short_label(k))
        for k in ("schoolNumber", "titleCode", "assignmentCode", "startDate", "endDate", "linked")
    ),
}


def _s(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    return escape(str(value))


def person_table(campus: dict | None, hr: dict | None, differences: list[str]) -> Table:
    """Field | Campus | HR, differing fields marked (the report's marking, R-SYNC-4)."""
    marked = {c for f in differences for c in FIELD_COLUMNS.get(f, (f,))}
    t = Table(expand=True, show_edge=False, pad_edge=False)
    t.add_column("Field", style="bold", no_wrap=True)
    if campus is not None:
        t.add_column("Campus", overflow="fold")
    if hr is not None:
        t.add_column("HR", overflow="fold")
    for key, name in PERSON_FIELDS:
        values = [side.get(key) for side in (campus, hr) if side is not None]
        if all(v is None for v in values) and key not in ("staffNumber", "lastName", "firstName"):
            continue
        diff = key in marked
        if (
            diff
            and len(values) == 2
            and key in FIELD_COLUMNS["name"]
            and _s(values[0]) == _s(values[1])
        ):
            diff = False  # "name" differs, but not in this part of it
        cells = [(f"[b yellow]{_s(v)}[/b yellow]" if diff else _s(v)) for v in values]
        t.add_row(("▶ " if diff else "  ") + name, *cells)
    return t


def list_table(title: str, items: list[dict], fields) -> Table:
    t = Table(title=title, title_justify="left", expand=True, show_edge=False, pad_edge=False)
    for _key, header in fields:
        t.add_column(header)
    for item in items:
        t.add_row(*(_s(item.get(k)) for k, _ in fields))
    if not items:
        t.add_row("[dim](none)[/dim]", *([""] * (len(fields) - 1)))
    return t


def detail_renderable(category: str, data: dict):
    head = f"[b]{TITLES.get(category, category)}[/b]\n[dim]** {NOTES.get(category, '')} **[/dim]\n"
    if category in LIST_FIELDS:
        name = ", ".join(p for p in (data.get("lastName"), data.get("firstName")) if p)
        return Group(
            head + f"Staff number [b]{_s(data.get('staffNumber'))}[/b]  {escape(name)}\n",
            list_table("Campus", data.get("campus") or [], LIST_FIELDS[category]),
            "",
            list_table("HR (replaces Campus)", data.get("hr") or [], LIST_FIELDS[category]),
        )
    if category == "addressDifferences":
        hr = data.get("hr") or {}
        return Group(
            head,
            f"Staff number [b]{_s(data.get('staffNumber'))}[/b]  "
            f"{escape(', '.join(p for p in (data.get('lastName'), data.get('firstName')) if p))}",
            f"HR address: [b]{_s(hr.get('address'))}[/b]",
            "Parsed into components: " + ("yes" if hr.get("normalized") else "[red]no[/red]"),
        )
    extra = f"Matched on: [b]{_s(data.get('match'))}[/b]\n" if data.get("match") else ""
    campus = data.get("campus")
    hr = data.get("hr")
    if category in ("campusStaffNotInHr", "campusDuplicateStaffNumbers", "campusNoStaffNumber"):
        hr = None
    if category == "hrStaffNotInCampus":
        campus = None
    return Group(head + extra, person_table(campus, hr, data.get("differences") or []))


class ReportDetailModal(BaseModal):
    """The full record of one report row, Campus beside HR; ``y`` copies the staff number."""

    DEFAULT_CSS = (
        "ReportDetailModal {"
        + _BOX
        + "& > Vertical { height: 100%; } #detail-body { height: 1fr; } #detail-keys { height: 1; color: $text-muted; } }"
    )
    BINDINGS = [
        Binding(
            "y",
            "copy",
            "Copy staff number",
            id="report.detail_copy",
            tooltip="Copy the staff number to the clipboard (OSC 52)",
        )
    ]

    def __init__(self, category: str, data: dict) -> None:
        super().__init__()
        self.category = category
        self.data = data

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(
                f"Staff member {_s(self.data.get('staffNumber')) or '(no staff number)'}",
                classes="modal-title",
            )
            with VerticalScroll(id="detail-body"):
                yield Static(detail_renderable(self.category, self.data), id="detail-text")
            yield Static("y copy staff number · Escape/q close", id="detail-keys")

    def on_mount(self) -> None:
        self.query_one("#detail-body").focus()

    def action_copy(self) -> None:
        sn = self.data.get("staffNumber")
        if sn:
            self.app.copy_to_clipboard(sn)
            self.app.notify(f"Staff number {sn} copied (OSC 52).", timeout=3)


class FieldFilterModal(BaseModal):
    """Pick which rows of a tab to list: the demographic field that differs (``fields``), the
    staff members held back, or the rows nobody has reviewed yet; or every row."""

    DEFAULT_CSS = (
        "FieldFilterModal {"
        + _BOX
        + "& > Vertical { width: 44; } OptionList { height: auto; max-height: 16; } }"
    )
    # The review filters, after the fields (ids the screen reads back).
    REVIEW = (("__held__", "held back only"), ("__unreviewed__", "not reviewed yet"))

    def __init__(self, counts: dict[str, int], current: str | None, *, fields: bool = True) -> None:
        super().__init__()
        self.counts = counts
        self.current = current
        self.fields = fields

    def compose(self) -> ComposeResult:
        total = "every changed field" if self.fields else "every row"
        title = "Show staff whose … differs" if self.fields else "Show only …"
        with Vertical():
            yield Label(title, classes="modal-title")
            options = [Option(f"{'●' if self.current is None else ' '} {total}", id="__all__")]
            for field in DEMOGRAPHIC_FIELDS if self.fields else ():
                n = self.counts.get(field, 0)
                mark = "●" if field == self.current else " "
                options.append(
                    Option(f"{mark} {label(field):<15} {n:>9,}", id=field, disabled=n == 0)
                )
            for key, text in self.REVIEW:
                options.append(Option(f"{'●' if key == self.current else ' '} {text}", id=key))
            yield OptionList(*options, id="filter-options")

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()

    @on(OptionList.OptionSelected)
    def _picked(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)


class ExportModal(BaseModal):
    """Export the current tab or the whole report; the file name's suffix picks CSV or PDF.
    Dismisses ``(scope, path)`` with scope ``tab`` or ``all``, or None."""

    DEFAULT_CSS = "ExportModal {" + _BOX + "RadioSet { height: auto; width: 100%; } }"
    BINDINGS = [
        Binding(
            "escape",
            "close",
            "Cancel",
            id="report.export_cancel",
            show=False,
            tooltip="Close without exporting",
        )
    ]

    def __init__(
        self, tab_title: str | None, default_dir: str, *, tab_supported: bool = True
    ) -> None:
        super().__init__()
        self.tab_title = tab_title
        self.default_dir = default_dir
        self.tab_supported = tab_supported

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label("Export the validation report", classes="modal-title")
            with RadioSet(id="export-scope"):
                yield RadioButton(
                    f"This tab: {self.tab_title}" if self.tab_title else "This tab",
                    value=bool(self.tab_title) and self.tab_supported,
                    disabled=not (self.tab_title and self.tab_supported),
                    id="scope-tab",
                )
                yield RadioButton(
                    "The whole report (summary and every category, all rows)",
                    value=not (self.tab_title and self.tab_supported),
                    id="scope-all",
                )
            yield Label("File (.csv or .pdf):")
            yield Input(str(Path(self.default_dir) / "validation-report.csv"), id="export-path")
            yield Static("", classes="field-error", id="export-error")
            with Horizontal(classes="modal-buttons"):
                yield Button("Cancel", id="cancel", compact=True)
                yield Button("Export", id="ok", variant="primary", compact=True)

    def on_mount(self) -> None:
        self.query_one("#export-path", Input).focus()

    def _accept(self) -> None:
        path = self.query_one("#export-path", Input).value.strip()
        if Path(path).suffix.lower() not in (".csv", ".pdf"):
            self.query_one("#export-error", Static).update(
                "The file name must end in .csv or .pdf."
            )
            return
        scope = "tab" if self.query_one("#scope-tab", RadioButton).value else "all"
        self.dismiss((scope, str(Path(path).expanduser())))

    @on(Input.Submitted)
    def _submitted(self) -> None:
        self._accept()

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "ok":
            self._accept()
        else:
            self.dismiss(None)
