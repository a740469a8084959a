"""Business Office Preferences: the Campus UI locks of R-PREF-1, the household/address switch of
R-PREF-2 / R-HH-4, and the mass-change guard numbers of R-SYNC-9, stored as name/value rows."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel
from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from ..store.models import Preference
from .errors import FieldError, RuleViolation
from .reference import tx_cache

SWITCHES: dict[str, str] = {
    "staffCreation": "Staff Creation (lock in the Campus UI)",
    "staffNumber": "Staff Number (lock in the Campus UI)",
    "staffDemographics": "Staff Demographics (lock in the Campus UI)",
    "staffEmployment": "Staff Employment (lock in the Campus UI)",
    "staffEmploymentAssignments": "Staff Employment Assignments (lock in the Campus UI)",
    "staffHousehold": "Staff Household (lock in the Campus UI)",
    "allowHouseholdAddress": "Allow household and address creations/updates from the HR system",
}
NUMBERS: dict[str, str] = {
    "massChangePercent": "Mass-change guard: percent of Campus staff (0 turns the guard off)",
    "massChangeMinimum": "Mass-change guard: minimum number of staff members",
    "historyDays": "Days the change history of staff data is kept (R-HIST-1)",
}
_TRUE = {"on", "true", "yes", "1", "y"}
_FALSE = {"off", "false", "no", "0", "n"}


class Preferences(BaseModel):
    staffCreation: bool = True
    staffNumber: bool = True
    staffDemographics: bool = True
    staffEmployment: bool = True
    staffEmploymentAssignments: bool = True
    staffHousehold: bool = True
    allowHouseholdAddress: bool = True
    massChangePercent: int = 10
    massChangeMinimum: int = 25
    historyDays: int = 730


_DEFAULTS = Preferences()
_PT = Preference.__table__
_ALL = select(_PT.c.name, _PT.c.value)


def valid_names() -> list[str]:
    return [*SWITCHES, *NUMBERS]


def _parse(name: str, value: Any) -> bool | int:
    """One preference value from the CLI, the TUI or the store; ValueError says what is valid."""
    if name in SWITCHES:
        if isinstance(value, bool):
            return value
        text = str(value).strip().lower()
        if text in _TRUE:
            return True
        if text in _FALSE:
            return False
        raise ValueError("must be on or off (also true/false)")
    if isinstance(value, bool):
        raise ValueError("must be a whole number")
    try:
        number = int(str(value).strip())
    except ValueError:
        raise ValueError("must be a whole number") from None
    if number < 0:
        raise ValueError("must not be negative")
    if name == "massChangePercent" and number > 100:
        raise ValueError("must be a percent from 0 to 100")
    if name == "historyDays" and number < 1:
        raise ValueError("must be at least 1 day")
    return number


def get_preferences(session: Session) -> Preferences:
    """The district's preferences (defaults for rows never saved); cached for this transaction."""
    cache = tx_cache(session)
    prefs = cache.get("prefs")
    if prefs is None:
        values = _DEFAULTS.model_dump()
        for name, raw in session.connection().execute(_ALL):
            if name in values:
                try:
                    values[name] = _parse(name, raw)
                except ValueError:
                    pass  # a hand-edited bad row falls back to the default, never a crash
        prefs = cache["prefs"] = Preferences(**values)
    return prefs


def set_preferences(session: Session, changes: Mapping[str, Any]) -> Preferences:
    """Validate every name and value first (RuleViolation listing the valid ones), then save."""
    errors: list[FieldError] = []
    parsed: dict[str, bool | int] = {}
    for name, value in changes.items():
        if name not in SWITCHES and name not in NUMBERS:
            errors.append(
                FieldError(
                    name, "is not a preference; valid: " + ", ".join(valid_names()), "R-PREF-1"
                )
            )
            continue
        try:
            parsed[name] = _parse(name, value)
        except ValueError as exc:
            rule = (
                "R-HIST-1"
                if name == "historyDays"
                else "R-SYNC-9"
                if name in NUMBERS
                else ("R-PREF-2" if name == "allowHouseholdAddress" else "R-PREF-1")
            )
            errors.append(FieldError(name, str(exc), rule))
    if errors:
        raise RuleViolation(errors)
    if parsed:
        session.execute(delete(Preference.__table__).where(Preference.name.in_(list(parsed))))
        session.execute(
            insert(Preference.__table__),
            [
                {"name": n, "value": ("on" if v else "off") if isinstance(v, bool) else str(v)}
                for n, v in parsed.items()
            ],
        )
        tx_cache(session).pop("prefs", None)
    return get_preferences(session)


def describe() -> list[dict[str, str]]:
    """Name, kind and label of each preference, for help texts and the Preferences screen."""
    out = [{"name": n, "kind": "switch", "label": label} for n, label in SWITCHES.items()]
    out += [{"name": n, "kind": "number", "label": label} for n, label in NUMBERS.items()]
    return out


__all__ = ["Preferences", "describe", "get_preferences", "set_preferences", "valid_names"]
