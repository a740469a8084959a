"""How the staff detail shows a person (SPEC section 10, Staff): demographics with the SSN
masked, the household and its addresses, and the fields of the demographics form (R-PREF-1)."""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError
from rich.console import Group
from rich.table import Table
from rich.text import Text

from bo_tui.core.errors import RuleViolation
from bo_tui.core.persons import StaffDetail
from bo_tui.core.schemas import validation_errors

from .staff_edit import FormField


def _parse(model, values: dict[str, Any]):
    """Form text → a core payload model; bad input becomes field errors (never a crash)."""
    try:
        return model.model_validate(values)
    except ValidationError as exc:
        raise RuleViolation(validation_errors(exc)) from None


def _v(value: Any) -> str:
    return "" if value is None else str(value)


def _ssn(value: str | None) -> str:
    if not value:
        return "(none)"
    if value.isdigit() and len(value) == 9:  # revealed: shown the way people write it
        return f"{value[:3]}-{value[3:5]}-{value[5:]}"
    return value


def _masked(value: str | None) -> str:
    # The form never repeats a revealed SSN: the detail shows it, only while toggled.
    return f"***-**-{value[-4:]}" if value else "none"


def demographics_table(p: dict[str, Any]) -> Group:
    """Identity fields side by side; phones and emails (long) one per line below."""
    top = Table(box=None, show_header=False, padding=(0, 1), expand=True)
    for _ in range(2):
        top.add_column(style="dim", no_wrap=True, width=14)
        top.add_column(ratio=1, no_wrap=True, overflow="ellipsis")
    number = (p.get("staffNumber") or "").strip()
    for a, b, c, d in (
        ("Last name", p.get("lastName"), "Staff number", number or "(none)"),
        ("First name", p.get("firstName"), "Gender", p.get("gender")),
        ("Middle name", p.get("middleName"), "Birth date", p.get("birthDate")),
        ("SSN", _ssn(p.get("ssn")), "Student #", p.get("studentNumber")),
    ):
        top.add_row(a, _v(b), c, _v(d))
    contact = Table(box=None, show_header=False, padding=(0, 1), expand=True)
    contact.add_column(style="dim", no_wrap=True, width=14)
    contact.add_column(ratio=1, overflow="fold")
    for label, key in (
        ("Work phone", "workPhone"),
        ("Cell phone", "cellPhone"),
        ("Other phone", "otherPhone"),
        ("Work email", "workEmail"),
        ("Personal email", "personalEmail"),
    ):
        contact.add_row(label, _v(p.get(key)))
    return Group(top, Text(""), contact)


def household_table(d: StaffDetail) -> Table | Text:
    hh = d.person.get("household")
    if not hh:
        return Text("No current household. Edit (e) sets an address, creating a staff household.")
    t = Table(box=None, show_header=False, padding=(0, 1), expand=True)
    t.add_column(style="dim", no_wrap=True, width=10)
    t.add_column(ratio=1)
    n = hh["memberCount"]
    kind = "staff household" if hh["staffHousehold"] else "household"
    members = f"{n} member" + ("" if n == 1 else "s")
    if n > 1:
        head = (
            f"[b]{hh['name']}[/b] · [yellow]shared {kind}, {members}[/yellow]: "
            "the HR system may not change it"
        )
    else:
        head = f"[b]{hh['name']}[/b] · {kind} · {members}"
    t.add_row("Household", head)
    for i, loc in enumerate(hh["householdLocations"]):
        a = loc["address"]
        city = ", ".join(x for x in (a.get("city"), a.get("state")) if x)
        place = " ".join(x for x in (city, a.get("zip")) if x)
        flags = "/".join(
            x
            for x in ("mailing" if loc["mailing"] else "", "physical" if loc["physical"] else "")
            if x
        )
        when = (
            f"ended {loc['endDate']}"
            if loc.get("endDate")
            else f"since {loc.get('startDate') or '?'}"
        )
        line = f"{a.get('line') or '?'}, {place}" + (f" ({a['county']})" if a.get("county") else "")
        style = "dim" if loc.get("endDate") else ""
        t.add_row(
            "Address" if i == 0 else "",
            Text.assemble((line, style), ("  " + ", ".join(x for x in (flags, when) if x), "dim")),
        )
    for i, m in enumerate(d.members):
        who = []
        if (m.staffNumber or "").strip():
            who.append(f"staff {m.staffNumber.strip()}")
        if m.studentNumber:
            who.append(f"student {m.studentNumber}")
        me = " (this person)" if m.personId == d.person["personId"] else ""
        t.add_row("Members" if i == 0 else "", f"{m.name}{me}  [dim]{' · '.join(who)}[/dim]")
    return t


def _demographic_fields(p: dict, genders: list[dict], editable: dict) -> list[FormField]:
    """The demographics form beyond the names: the staff number when unlocked, then the rest."""
    fields = []
    if editable.get("staffNumber", (False, ""))[0]:
        fields.append(FormField("staffNumber", "Staff number", _v(p.get("staffNumber")).strip()))
    choices = [(f"{g['code']} {g['name']}", g["code"]) for g in genders]
    return fields + [
        FormField("gender", "Gender", _v(p.get("gender")), choices=choices),
        FormField(
            "ssn",
            "SSN",
            "",
            placeholder=f"unchanged ({_masked(p.get('ssn'))}); type 9 digits to set",
        ),
        FormField("birthDate", "Birth date", _v(p.get("birthDate")), "YYYY-MM-DD"),
        FormField("workPhone", "Work phone", _v(p.get("workPhone"))),
        FormField("cellPhone", "Cell phone", _v(p.get("cellPhone"))),
        FormField("otherPhone", "Other phone", _v(p.get("otherPhone"))),
        FormField("workEmail", "Work email", _v(p.get("workEmail"))),
        FormField("personalEmail", "Personal email", _v(p.get("personalEmail"))),
    ]
