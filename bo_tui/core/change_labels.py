"""How the change log shows a value (R-HIST-1): school numbers for ids, an address's one line,
SSNs masked (never the ciphertext), a label for a row added or removed."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from ..store.crypto import mask_ssn, vault
from ..store.models import Address
from .reference import lookup

_A = Address.__table__
_ADDRESSES = select(_A).where(_A.c.id.in_(bindparam("ids", expanding=True)))
CHUNK = 500


class Labels:
    """Readable forms of ids and SSNs, read once per recording."""

    def __init__(self, session: Session):
        self.session = session
        self._addresses: dict[int, str] = {}

    def school(self, sid: int | None) -> str | None:
        if sid is None:
            return None
        return lookup(self.session).school_numbers([sid]).get(sid, str(sid))

    def load_addresses(self, ids: set[int]) -> None:
        missing = sorted(ids - self._addresses.keys())
        for chunk in (missing[i : i + CHUNK] for i in range(0, len(missing), CHUNK)):
            for r in self.session.connection().execute(_ADDRESSES, {"ids": chunk}).mappings():
                self._addresses[r["id"]] = address_label(r)

    def address(self, aid: int | None) -> str | None:
        return None if aid is None else self._addresses.get(aid, f"address {aid}")

    def value(self, col: str, value: Any) -> str | None:
        if value is None:
            return None
        if col == "ssn":
            try:
                return mask_ssn(vault().decrypt(value[0]))
            except Exception:  # a key that changed: say so, never the ciphertext
                return "***-**-????"
        if col == "school_id":
            return self.school(value)
        if col == "address_id":
            return self.address(value)
        if isinstance(value, bool):
            return "yes" if value else "no"
        if isinstance(value, dt.date):
            return value.isoformat()
        return str(value)


def address_label(r) -> str:
    if r["post_office_box"]:
        street = f"PO Box {r['number'] or ''}".strip()
    else:
        parts = (r["number"], r["prefix"], r["street"], r["tag"], r["direction"])
        street = " ".join(p for p in parts if p)
        if r["apt"]:
            street += f" #{r['apt']}"
    place = " ".join(p for p in (r["state"], r["zip"]) if p)
    return ", ".join(p for p in (street, r["city"], place) if p)


def row_label(labels: Labels, table: str, values: dict[str, Any]) -> str:
    """One line for an added or removed row."""
    v = labels.value
    if table == "persons":
        return f"staff member {values.get('staff_number') or '(no staff number)'}"
    if table == "identities":
        middle = f" {values['middle_name']}" if values.get("middle_name") else ""
        since = v("start_date", values.get("start_date")) or "—"
        return f"{values.get('last_name')}, {values.get('first_name')}{middle} (from {since})"
    if table == "employments":
        return (
            f"hire {v('hire_date', values.get('hire_date')) or '—'}, "
            f"termination {v('termination_date', values.get('termination_date')) or '—'}"
        )
    if table == "positions":
        codes = ", ".join(
            f"{k} {values[c]}"
            for k, c in (("title", "title_code"), ("assignment", "assignment_code"))
            if values.get(c)
        )
        return (
            f"school {labels.school(values.get('school_id'))}, {codes}, "
            f"{v('start_date', values.get('start_date')) or '—'}–"
            f"{v('end_date', values.get('end_date')) or ''}"
        )
    if table == "households":
        return f"household {values.get('name')}"
    if table == "household_members":
        return f"member of household {values.get('household_id')}"
    return f"{labels.address(values.get('address_id'))} (from {values.get('start_date') or '—'})"


__all__ = ["Labels", "address_label", "row_label"]
