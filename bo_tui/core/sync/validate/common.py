"""What every step of validate (R-SYNC-4) shares: the tables it joins, the ``Diff`` it fills
(report rows per category and the commit's work), and fast reads straight from the cursor."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy import and_
from sqlalchemy.orm import Session

from ....store.crypto import mask_ssn
from ....store.models import (
    Address,
    Employment,
    Household,
    HouseholdLocation,
    HouseholdMember,
    Identity,
    Person,
    Position,
    School,
)
from ....store.models.sync import (
    SyncReportRow,
    SyncStaged,
    SyncStagedAddress,
    SyncStagedEmployment,
    SyncStagedPosition,
    SyncWork,
)
from ...person_fields import PERSON_KEYS
from ..batch_sizes import IN_LIST
from ..report import DEMOGRAPHIC_FIELDS, empty_summary

_S = SyncStaged.__table__
_SE = SyncStagedEmployment.__table__
_SP = SyncStagedPosition.__table__
_SA = SyncStagedAddress.__table__
_P = Person.__table__
_I = Identity.__table__
_E = Employment.__table__
_POS = Position.__table__
_SCH = School.__table__
_A = Address.__table__
_H = Household.__table__
_HM = HouseholdMember.__table__
_HL = HouseholdLocation.__table__
_R = SyncReportRow.__table__
_W = SyncWork.__table__
CHUNK = IN_LIST


@dataclass
class Diff:
    """What validate found: report rows per category and the commit's work."""

    rows: dict[str, list[dict]] = field(default_factory=dict)
    fields: dict[str, int] = field(default_factory=lambda: {f: 0 for f in DEMOGRAPHIC_FIELDS})
    changed: set[str] = field(default_factory=set)  # matched staff numbers with work to do
    areas: dict[str, set[str]] = field(default_factory=dict)  # ... and which areas differ
    duplicated: set[str] = field(default_factory=set)  # staged numbers shared by Campus persons
    new: set[str] = field(default_factory=set)  # HR staff not in Campus (created by the commit)

    def mark(self, staff_number: str, area: str) -> None:
        self.changed.add(staff_number)
        self.areas.setdefault(staff_number, set()).add(area)

    @property
    def work(self) -> set[str]:
        """Staged staff members a commit applies: the new, the changed, and the duplicated
        ones (they fail, visibly); the rest are unchanged and skipped."""
        return self.changed | self.new | self.duplicated

    creates: int = 0
    campus_staff: int = 0

    def summary(self) -> dict:
        out = empty_summary()
        for cat, rows in self.rows.items():
            if cat == "demographicDifferences":
                out[cat] = {"total": len(rows), "fields": dict(self.fields)}
            elif cat in out:
                out[cat] = len(rows)
        return out


def _iso(value) -> str | None:
    return value.isoformat() if isinstance(value, dt.date) else value


def _chunks(items: list, size: int = CHUNK) -> Iterable[list]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _rows(session: Session, stmt) -> list[tuple]:
    """All rows at once, straight from the driver's cursor: no per-row result objects or type
    processing, which is most of the cost at 50,000 staff. Values are as the driver gives them
    (SQLite: dates as ISO text, booleans as 0/1); ``_iso`` and ``bool`` normalize them."""
    conn = session.connection()
    compiled = stmt.compile(dialect=conn.dialect, compile_kwargs={"render_postcompile": True})
    params = compiled.construct_params()
    if compiled.positiontup is not None:
        args = tuple(params[k] for k in compiled.positiontup)
    else:
        args = params
    cursor = conn.connection.driver_connection.cursor()
    try:
        cursor.execute(str(compiled), args)
        return cursor.fetchall()
    finally:
        cursor.close()


def _search(*parts) -> str:
    return " ".join(str(p) for p in parts if p).lower()


_HR_COLS = (
    _S.c.staff_number,
    _S.c.last_name,
    _S.c.first_name,
    _S.c.middle_name,
    _S.c.gender,
    _S.c.ssn_mask,
    _S.c.birth_date,
    _S.c.work_phone,
    _S.c.cell_phone,
    _S.c.other_phone,
    _S.c.work_email,
    _S.c.personal_email,
    _S.c.sent,
)
_CAMPUS_COLS = (
    _P.c.id,
    _P.c.staff_number,
    _I.c.last_name,
    _I.c.first_name,
    _I.c.middle_name,
    _P.c.gender,
    _P.c.ssn_enc,
    _P.c.birth_date,
    _P.c.work_phone,
    _P.c.cell_phone,
    _P.c.other_phone,
    _P.c.work_email,
    _P.c.personal_email,
)
_PERSON_KEYS = PERSON_KEYS


def hr_person(r) -> dict:
    return {k: _iso(v) for k, v in zip(_PERSON_KEYS, r[:12], strict=True)}


def campus_person(r, offset: int = 0, v=None) -> dict:
    """A Campus person's report side; the SSN only masked, and decrypted only when ``v`` (the
    vault) is given: the categories that compare SSNs."""
    vals = list(r[offset : offset + 13])
    pid, enc = vals[0], vals[6]
    if enc and v is not None:
        try:
            vals[6] = mask_ssn(v.decrypt(enc))
        except Exception:  # a value under another key: still never shown in clear
            vals[6] = "***-**-****"
    elif enc:
        vals[6] = "***-**-****"
    out = {k: _iso(v) for k, v in zip(_PERSON_KEYS, vals[1:], strict=True)}
    out["personId"] = pid
    return out


def _person_from():
    return _P.outerjoin(_I, and_(_I.c.person_id == _P.c.id, _I.c.is_current.is_(True)))
