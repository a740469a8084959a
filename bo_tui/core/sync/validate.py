"""Validate (R-SYNC-4): compare the staged HR staff with Campus by staff number, without
changing Campus, as set-based joins in the store; the report's rows of every category, the
possible duplicates of R-SYNC-10, and the set of staff members a commit has work for."""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy import (
    Integer,
    String,
    and_,
    case,
    delete,
    exists,
    func,
    literal,
    literal_column,
    or_,
    select,
    type_coerce,
    update,
)
from sqlalchemy.orm import Session

from ...store.crypto import mask_ssn, vault
from ...store.models import (
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
from ...store.models.sync import (
    SyncReportRow,
    SyncRun,
    SyncStaged,
    SyncStagedAddress,
    SyncStagedEmployment,
    SyncStagedPosition,
    SyncWork,
)
from ..identities import STAFF_KEY
from ..preferences import get_preferences
from . import check
from .bulk import existing, insert_rows, update_rows
from .check import ensure_staff_key_index
from .report import DEMOGRAPHIC_FIELDS, Report, empty_summary
from .report_query import field_mask, report
from .staging import BIT
from .states import TRANSFERRED, VALIDATED, require, utcnow

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
CHUNK = 500


def _sent(key: str):
    return _S.c.sent.op("&")(BIT[key]) != 0


def _differs(key: str, hr_col, campus_col):
    return and_(_sent(key), hr_col.is_distinct_from(campus_col))


# The demographic comparisons of R-SYNC-4, per summary field. Only keys the HR system sent
# count: an absent key leaves Campus as it is (SPEC section 4), so it is no difference.
DEMOGRAPHIC_CONDITIONS = {
    "ssn": _differs("ssn", _S.c.ssn_hash, _P.c.ssn_hash),
    "staffNumber": _S.c.staff_number != _P.c.staff_number,
    "name": or_(
        _differs("lastName", _S.c.last_name, _I.c.last_name),
        _differs("firstName", _S.c.first_name, _I.c.first_name),
        _differs("middleName", _S.c.middle_name, _I.c.middle_name),
    ),
    "gender": _differs("gender", _S.c.gender, _P.c.gender),
    "personalEmail": _differs("personalEmail", _S.c.personal_email, _P.c.personal_email),
    "workEmail": _differs("workEmail", _S.c.work_email, _P.c.work_email),
    "cellPhone": _differs("cellPhone", _S.c.cell_phone, _P.c.cell_phone),
    "otherPhone": _differs("otherPhone", _S.c.other_phone, _P.c.other_phone),
    "workPhone": _differs("workPhone", _S.c.work_phone, _P.c.work_phone),
    "birthDate": _differs("birthDate", _S.c.birth_date, _P.c.birth_date),
}
assert tuple(DEMOGRAPHIC_CONDITIONS) == DEMOGRAPHIC_FIELDS


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


# --- matching --------------------------------------------------------------------------------


def match(session: Session, sync_id: int) -> set[str]:
    """Link each staged record to its Campus person by staff number (case-insensitive,
    trimmed; the expression index makes each link one seek); returns the staged numbers that
    several Campus persons share (left unlinked: R-SYNC-8 dirty data, a commit failure)."""
    ensure_staff_key_index(session)
    key = _S.c.staff_key
    if session.get_bind().dialect.name == "sqlite":
        # Unary + drops the column's affinity, without which SQLite will not use the
        # expression index for a correlated comparison (it would scan persons per row).
        key = literal_column(f"+{_S.name}.staff_key")
    session.execute(
        update(_S)
        .where(_S.c.sync_id == sync_id)
        .values(person_id=select(_P.c.id).where(key == STAFF_KEY).limit(1).scalar_subquery())
    )
    d = check.duplicate_keys()
    dup = list(
        session.scalars(
            select(_S.c.staff_number).where(
                _S.c.sync_id == sync_id, _S.c.staff_key.in_(select(d.c.k))
            )
        )
    )
    for chunk in _chunks(dup):
        session.execute(
            update(_S)
            .where(_S.c.sync_id == sync_id, _S.c.staff_number.in_(chunk))
            .values(person_id=None)
        )
    return set(dup)


# --- categories ------------------------------------------------------------------------------


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
_PERSON_KEYS = (
    "staffNumber",
    "lastName",
    "firstName",
    "middleName",
    "gender",
    "ssn",
    "birthDate",
    "workPhone",
    "cellPhone",
    "otherPhone",
    "workEmail",
    "personalEmail",
)


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


def demographics(session: Session, sync_id: int, diff: Diff) -> None:
    flags = [case((cond, 1), else_=0) for cond in DEMOGRAPHIC_CONDITIONS.values()]
    stmt = (
        select(*_HR_COLS, *_CAMPUS_COLS, *flags)
        .select_from(
            _S.join(_P, _P.c.id == _S.c.person_id).outerjoin(
                _I, and_(_I.c.person_id == _P.c.id, _I.c.is_current.is_(True))
            )
        )
        .where(
            _S.c.sync_id == sync_id,
            _S.c.person_id.is_not(None),
            or_(*DEMOGRAPHIC_CONDITIONS.values()),
        )
        .order_by(_S.c.seq)
    )
    rows = []
    v = vault()
    n_hr, n_campus = len(_HR_COLS), len(_CAMPUS_COLS)
    for r in _rows(session, stmt):
        marks = r[n_hr + n_campus :]
        differences = [f for f, m in zip(DEMOGRAPHIC_FIELDS, marks, strict=True) if m]
        for f in differences:
            diff.fields[f] += 1
        hr = hr_person(r)
        campus = campus_person(r, n_hr, v)
        rows.append(
            {
                "staffNumber": hr["staffNumber"],
                "campus": campus,
                "hr": hr,
                "differences": differences,
                "_search": _search(
                    hr["staffNumber"],
                    hr["lastName"],
                    hr["firstName"],
                    campus["lastName"],
                    campus["firstName"],
                ),
            }
        )
        diff.mark(hr["staffNumber"], "demographics")
    diff.rows["demographicDifferences"] = rows


def _listed(session: Session, stmt, keys: tuple[str, ...]) -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = defaultdict(list)
    for r in _rows(session, stmt):
        item = {k: _iso(v) for k, v in zip(keys, r[1:], strict=True)}
        if "linked" in item:
            item["linked"] = bool(item["linked"])
        out[r[0]].append(item)
    return out


def _side_by_side(
    session, sync_id, numbers: list[str], hr_stmt, campus_stmt, keys, category, diff, names
) -> None:
    hr_lists: dict[str, list[dict]] = {}
    campus_lists: dict[str, list[dict]] = {}
    for chunk in _chunks(numbers):
        hr_lists.update(_listed(session, hr_stmt(chunk), keys))
        campus_lists.update(
            _listed(
                session,
                campus_stmt(chunk),
                keys + (("linked",) if category == "assignmentDifferences" else ()),
            )
        )
    rows = []
    for sn in numbers:
        last, first = names.get(sn, (None, None))
        rows.append(
            {
                "staffNumber": sn,
                "lastName": last,
                "firstName": first,
                "campus": campus_lists.get(sn, []),
                "hr": hr_lists.get(sn, []),
                "_search": _search(sn, last, first),
            }
        )
        diff.mark(sn, "employment" if category == "employmentDifferences" else "positions")
    diff.rows[category] = rows


def _ordered_numbers(session: Session, sync_id: int, subq) -> list[str]:
    return list(
        session.scalars(
            select(_S.c.staff_number)
            .where(_S.c.sync_id == sync_id, _S.c.staff_number.in_(subq))
            .order_by(_S.c.seq)
        )
    )


def employments(session: Session, sync_id: int, diff: Diff, names) -> None:
    # An HR record with no identical Campus record is a change (R-EMP-2 adds it or sets its
    # terminationDate); Campus records the HR system does not send are kept, so no difference.
    missing = (
        select(_SE.c.staff_number)
        .select_from(
            _SE.join(
                _S, and_(_S.c.sync_id == _SE.c.sync_id, _S.c.staff_number == _SE.c.staff_number)
            )
        )
        .where(
            _SE.c.sync_id == sync_id,
            _S.c.person_id.is_not(None),
            ~exists().where(
                _E.c.person_id == _S.c.person_id,
                _E.c.hire_date.is_not_distinct_from(_SE.c.hire_date),
                _E.c.termination_date.is_not_distinct_from(_SE.c.termination_date),
            ),
        )
    )
    numbers = _ordered_numbers(session, sync_id, missing)
    keys = ("hireDate", "terminationDate")
    _side_by_side(
        session,
        sync_id,
        numbers,
        lambda chunk: (
            select(_SE.c.staff_number, _SE.c.hire_date, _SE.c.termination_date)
            .where(_SE.c.sync_id == sync_id, _SE.c.staff_number.in_(chunk))
            .order_by(_SE.c.id)
        ),
        lambda chunk: (
            select(_S.c.staff_number, _E.c.hire_date, _E.c.termination_date)
            .select_from(_E.join(_S, _S.c.person_id == _E.c.person_id))
            .where(_S.c.sync_id == sync_id, _S.c.staff_number.in_(chunk))
            .order_by(_E.c.hire_date, _E.c.id)
        ),
        keys,
        "employmentDifferences",
        diff,
        names,
    )


def _same_position(sp, cp, sch):
    return and_(
        sch.c.school_number == sp.c.school_number,
        cp.c.assignment_code.is_not_distinct_from(sp.c.assignment_code),
        cp.c.title_code.is_not_distinct_from(sp.c.title_code),
        cp.c.start_date.is_not_distinct_from(sp.c.start_date),
        cp.c.end_date.is_not_distinct_from(sp.c.end_date),
    )


def assignments(session: Session, sync_id: int, diff: Diff, names) -> None:
    # R-POS-7: the HR list is complete. A difference is an HR position with no identical Campus
    # one, or an unlinked Campus position the HR list lacks (linked ones are always kept).
    sch = _SCH
    hr_missing = (
        select(_SP.c.staff_number)
        .select_from(
            _SP.join(
                _S, and_(_S.c.sync_id == _SP.c.sync_id, _S.c.staff_number == _SP.c.staff_number)
            )
        )
        .where(
            _SP.c.sync_id == sync_id,
            _S.c.person_id.is_not(None),
            ~exists()
            .select_from(_POS.join(sch, sch.c.id == _POS.c.school_id))
            .where(_POS.c.person_id == _S.c.person_id, _same_position(_SP, _POS, sch)),
        )
    )
    campus_extra = (
        select(_S.c.staff_number)
        .select_from(
            _POS.join(_S, _S.c.person_id == _POS.c.person_id).join(
                sch, sch.c.id == _POS.c.school_id
            )
        )
        .where(
            _S.c.sync_id == sync_id,
            _S.c.has_positions.is_(True),
            _POS.c.linked.is_(False),
            ~exists().where(
                _SP.c.sync_id == sync_id,
                _SP.c.staff_number == _S.c.staff_number,
                _same_position(_SP, _POS, sch),
            ),
        )
    )
    numbers = _ordered_numbers(session, sync_id, hr_missing.union(campus_extra).subquery().select())
    keys = ("schoolNumber", "assignmentCode", "titleCode", "startDate", "endDate")
    _side_by_side(
        session,
        sync_id,
        numbers,
        lambda chunk: (
            select(
                _SP.c.staff_number,
                _SP.c.school_number,
                _SP.c.assignment_code,
                _SP.c.title_code,
                _SP.c.start_date,
                _SP.c.end_date,
            )
            .where(_SP.c.sync_id == sync_id, _SP.c.staff_number.in_(chunk))
            .order_by(_SP.c.id)
        ),
        lambda chunk: (
            select(
                _S.c.staff_number,
                sch.c.school_number,
                _POS.c.assignment_code,
                _POS.c.title_code,
                _POS.c.start_date,
                _POS.c.end_date,
                _POS.c.linked,
            )
            .select_from(
                _POS.join(_S, _S.c.person_id == _POS.c.person_id).join(
                    sch, sch.c.id == _POS.c.school_id
                )
            )
            .where(_S.c.sync_id == sync_id, _S.c.staff_number.in_(chunk))
            .order_by(_POS.c.start_date, _POS.c.id)
        ),
        keys,
        "assignmentDifferences",
        diff,
        names,
    )


def match_addresses(session: Session, sync_id: int) -> None:
    """R-ADDR-4 as a commit will apply it: a staged address with ``match_keys`` (staging's
    ``_match_keys``) is compared by the first of the keys a commit tries that is a Campus
    address now, else by the canonical key it creates with (the last). Few rows have them."""
    rows = _rows(
        session,
        select(_SA.c.id, _SA.c.norm_key, _SA.c.match_keys).where(
            _SA.c.sync_id == sync_id, _SA.c.match_keys.is_not(None)
        ),
    )
    if not rows:
        return
    wanted = sorted({k for _id, _key, keys in rows for k in keys.split("\n")})
    known = existing(session, _A, "norm_key", wanted)
    changes = []
    for row_id, key, keys in rows:
        order = keys.split("\n")
        chosen = next((k for k in order[:-1] if k in known), order[-1])
        if chosen != key:
            changes.append((chosen, row_id))
    update_rows(session, _SA, ("norm_key",), ("id",), changes)


def address_rows(session: Session, sync_id: int, diff: Diff, names, allowed: bool) -> None:
    """HR addresses with no normalized match among Campus addresses (R-ADDR-3/4): the ones a
    commit adds. With R-HH-4's preference off none is added, so none is listed."""
    rows = []
    if allowed:
        stmt = (
            select(_SA.c.staff_number, _SA.c.label, _SA.c.norm_key)
            .select_from(
                _SA.join(
                    _S, and_(_S.c.sync_id == _SA.c.sync_id, _S.c.staff_number == _SA.c.staff_number)
                )
            )
            .where(_SA.c.sync_id == sync_id, ~exists().where(_A.c.norm_key == _SA.c.norm_key))
            .order_by(_S.c.seq, _SA.c.id)
        )
        seen = set()
        for sn, label, key in _rows(session, stmt):
            if (sn, key or label) in seen:
                continue
            seen.add((sn, key or label))
            last, first = names.get(sn, (None, None))
            rows.append(
                {
                    "staffNumber": sn,
                    "lastName": last,
                    "firstName": first,
                    "hr": {"address": label, "normalized": key is not None},
                    "_search": _search(sn, last, first, label),
                }
            )
    diff.rows["addressDifferences"] = rows


def households(session: Session, sync_id: int, diff: Diff, today: dt.date) -> None:
    """Matched staff whose household a commit would create or change (R-HH-1/2); shared
    households are ignored by the commit (R-HH-3), so they are no work. Not a report
    category of its own: new addresses show under addressDifferences."""
    cur_m = or_(_HM.c.end_date.is_(None), _HM.c.end_date >= today)
    others = _HM.alias("others")
    members = (
        select(func.count())
        .select_from(others)
        .where(
            others.c.household_id == _H.c.id,
            or_(others.c.end_date.is_(None), others.c.end_date >= today),
        )
        .scalar_subquery()
    )

    # Raw values, no per-row type processing (dates stay as the store holds them: ISO text on
    # SQLite, dates on PostgreSQL); both sides come from the same store, so they compare.
    def raw(col, typ=String):
        return type_coerce(col, typ)

    today_raw = today.isoformat() if session.get_bind().dialect.name == "sqlite" else today
    homes: dict[str, list] = defaultdict(list)
    for sn, hid, name, staff_hh, n in _rows(
        session,
        select(_S.c.staff_number, _H.c.id, _H.c.name, raw(_H.c.staff_household, Integer), members)
        .select_from(
            _S.join(_HM, _HM.c.person_id == _S.c.person_id).join(_H, _H.c.id == _HM.c.household_id)
        )
        .where(_S.c.sync_id == sync_id, _S.c.has_household.is_(True), cur_m),
    ):
        homes[sn].append((hid, name, bool(staff_hh), n))
    locations: dict[int, list] = defaultdict(list)
    for r in _rows(
        session,
        select(
            _HL.c.household_id,
            _A.c.norm_key,
            raw(_HL.c.mailing, Integer),
            raw(_HL.c.physical, Integer),
            raw(_HL.c.start_date),
            raw(_HL.c.end_date),
        )
        .select_from(
            _HL.join(_A, _A.c.id == _HL.c.address_id)
            .join(_HM, _HM.c.household_id == _HL.c.household_id)
            .join(_S, _S.c.person_id == _HM.c.person_id)
        )
        .where(
            _S.c.sync_id == sync_id,
            _S.c.has_household.is_(True),
            cur_m,
            or_(_HL.c.end_date.is_(None), _HL.c.end_date >= today),
        )
        .order_by(_HL.c.id),
    ):
        locations[r[0]].append(tuple(r[1:]))
    hr_locs: dict[str, list] = defaultdict(list)
    for sn, key, mailing, physical, start in _rows(
        session,
        select(
            _SA.c.staff_number,
            _SA.c.norm_key,
            raw(_SA.c.mailing, Integer),
            raw(_SA.c.physical, Integer),
            raw(_SA.c.start_date),
        )
        .where(_SA.c.sync_id == sync_id)
        .order_by(_SA.c.id),
    ):
        hr_locs[sn].append((key, mailing, physical, start))
    for sn, name in _rows(
        session,
        select(_S.c.staff_number, _S.c.household_name).where(
            _S.c.sync_id == sync_id, _S.c.has_household.is_(True), _S.c.person_id.is_not(None)
        ),
    ):
        mine = homes.get(sn)
        if not mine:
            diff.mark(sn, "household")  # R-HH-1: a household is created
            continue
        if len(mine) != 1 or not mine[0][2] or mine[0][3] != 1:
            continue  # R-HH-3: ignored by the commit
        hid, hname = mine[0][0], mine[0][1]
        if name and name != hname:
            diff.mark(sn, "household")
            continue
        if not _same_locations(hr_locs.get(sn, ()), locations.get(hid, ()), today_raw):
            diff.mark(sn, "household")


def _same(hr: tuple, campus: tuple) -> bool:
    # An HR flag or start date left out keeps Campus's (apply_household_update).
    return (
        hr[0] == campus[0]
        and (hr[1] is None or hr[1] == campus[1])
        and (hr[2] is None or hr[2] == campus[2])
        and (hr[3] is None or hr[3] == campus[3])
    )


def _same_locations(hr: list | tuple, campus: list | tuple, today) -> bool:
    """Would R-HH-2's update leave these current locations as they are? Each HR location
    takes a Campus one with its address; a Campus location left over is ended today, which
    changes nothing only if it already ends today (a location is current through its end)."""
    if len(hr) == 1 and len(campus) == 1:  # the common case, without the pool
        return _same(hr[0], campus[0])
    pool: dict[str | None, list] = defaultdict(list)
    for loc in campus:
        pool[loc[0]].append(loc)
    for loc in hr:
        if not pool.get(loc[0]):
            return False
        if not _same(loc, pool[loc[0]].pop(0)):
            return False
    return all(loc[4] == today for locs in pool.values() for loc in locs)


def not_in_campus(session: Session, sync_id: int, dup: set[str], diff: Diff) -> list[str]:
    rows, numbers = [], []
    for r in _rows(
        session,
        select(*_HR_COLS)
        .where(_S.c.sync_id == sync_id, _S.c.person_id.is_(None))
        .order_by(_S.c.seq),
    ):
        if r[0] in dup:
            continue
        hr = hr_person(r)
        numbers.append(r[0])
        rows.append(
            {
                "staffNumber": r[0],
                "hr": hr,
                "_search": _search(r[0], hr["lastName"], hr["firstName"]),
            }
        )
    diff.rows["hrStaffNotInCampus"] = rows
    diff.creates = len(rows)
    return numbers


def not_in_hr(session: Session, sync_id: int, diff: Diff) -> None:
    staged = exists().where(_S.c.sync_id == sync_id, _S.c.staff_key == STAFF_KEY)
    rows = []
    for r in _rows(
        session,
        select(*_CAMPUS_COLS)
        .select_from(_person_from())
        .where(check.HAS_NUMBER, ~staged)
        .order_by(_P.c.staff_number, _P.c.id),
    ):
        c = campus_person(r)
        rows.append(
            {
                "staffNumber": c["staffNumber"],
                "campus": c,
                "_search": _search(c["staffNumber"], c["lastName"], c["firstName"]),
            }
        )
    diff.rows["campusStaffNotInHr"] = rows


def campus_lists(session: Session, diff: Diff) -> None:
    for cat, rows in (
        ("campusDuplicateStaffNumbers", check.duplicate_rows(session)),
        ("campusNoStaffNumber", check.no_number_rows(session)),
    ):
        diff.rows[cat] = [
            {
                "staffNumber": r.staffNumber,
                "campus": r.model_dump(),
                "_search": _search(r.staffNumber, r.lastName, r.firstName),
            }
            for r in rows
        ]


def possible_duplicates(session: Session, sync_id: int, dup: set[str], diff: Diff) -> None:
    """R-SYNC-10: an HR staff member not in Campus whose name and birth date, or SSN, match a
    Campus person (a student or parent hired by the district)."""
    name_expr = func.lower(_I.c.last_name) + literal("|") + func.lower(_I.c.first_name)
    found: dict[tuple[str, int], list[str]] = {}
    by_name = (
        select(_S.c.staff_number, _P.c.id)
        .select_from(
            _I.join(_P, _P.c.id == _I.c.person_id).join(
                _S,
                and_(
                    _S.c.sync_id == sync_id,
                    _S.c.name_key == name_expr,
                    _S.c.birth_date == _P.c.birth_date,
                ),
            )
        )
        .where(_I.c.is_current.is_(True), _S.c.person_id.is_(None))
    )
    by_ssn = (
        select(_S.c.staff_number, _P.c.id)
        .select_from(_S.join(_P, _P.c.ssn_hash == _S.c.ssn_hash))
        .where(_S.c.sync_id == sync_id, _S.c.person_id.is_(None), _S.c.ssn_hash.is_not(None))
    )
    for why, stmt in (("name and birth date", by_name), ("SSN", by_ssn)):
        for sn, pid in _rows(session, stmt):
            if sn not in dup:
                found.setdefault((sn, pid), []).append(why)
    if not found:
        diff.rows["possibleDuplicates"] = []
        return
    hr_rows = {}
    numbers = sorted({sn for sn, _ in found})
    for chunk in _chunks(numbers):
        for r in _rows(
            session,
            select(*_HR_COLS, _S.c.seq).where(
                _S.c.sync_id == sync_id, _S.c.staff_number.in_(chunk)
            ),
        ):
            hr_rows[r[0]] = (r[-1], hr_person(r))
    campus_rows = {}
    pids = sorted({pid for _, pid in found})
    v = vault()
    for chunk in _chunks(pids):
        for r in _rows(
            session,
            select(*_CAMPUS_COLS, _P.c.student_number)
            .select_from(_person_from())
            .where(_P.c.id.in_(chunk)),
        ):
            c = campus_person(r, 0, v)
            c["studentNumber"] = r[-1]
            campus_rows[r[0]] = c
    rows = []
    for (sn, pid), why in sorted(found.items(), key=lambda kv: (hr_rows[kv[0][0]][0], kv[0][1])):
        hr = hr_rows[sn][1]
        rows.append(
            {
                "staffNumber": sn,
                "hr": hr,
                "campus": campus_rows.get(pid),
                "match": " and ".join(why),
                "_search": _search(sn, hr["lastName"], hr["firstName"]),
            }
        )
    diff.rows["possibleDuplicates"] = rows


# --- the whole comparison --------------------------------------------------------------------


def compare(session: Session, run: SyncRun, *, today: dt.date | None = None) -> Diff:
    """Every category, and which staged staff members a commit has work for."""
    today = today or dt.date.today()
    prefs = get_preferences(session)
    dup = match(session, run.id)
    diff = Diff(duplicated=dup)
    names = {
        sn: (last, first)
        for sn, last, first in _rows(
            session,
            select(_S.c.staff_number, _S.c.last_name, _S.c.first_name).where(
                _S.c.sync_id == run.id, _S.c.person_id.is_not(None)
            ),
        )
    }
    demographics(session, run.id, diff)
    employments(session, run.id, diff, names)
    assignments(session, run.id, diff, names)
    names_all = dict(names)
    diff.new = set(not_in_campus(session, run.id, dup, diff))
    for row in diff.rows["hrStaffNotInCampus"]:
        names_all[row["staffNumber"]] = (row["hr"]["lastName"], row["hr"]["firstName"])
    match_addresses(session, run.id)
    address_rows(session, run.id, diff, names_all, prefs.allowHouseholdAddress)
    if prefs.allowHouseholdAddress:
        households(session, run.id, diff, today)
    not_in_hr(session, run.id, diff)
    campus_lists(session, diff)
    possible_duplicates(session, run.id, dup, diff)
    diff.campus_staff = (
        session.scalar(select(func.count()).select_from(_P).where(check.IS_STAFF)) or 0
    )
    return diff


def write_rows(session: Session, sync_id: int, diff: Diff) -> None:
    session.execute(delete(_R).where(_R.c.sync_id == sync_id))
    batch: list[dict] = []
    for cat, rows in diff.rows.items():
        for seq, row in enumerate(rows):
            search = row.pop("_search", "")
            batch.append(
                {
                    "sync_id": sync_id,
                    "category": cat,
                    "seq": seq,
                    "staff_number": row.get("staffNumber"),
                    "search": search,
                    "fields": field_mask(row.get("differences", ())),
                    "data": json.dumps(row, separators=(",", ":")),
                }
            )
            if len(batch) >= 10_000:
                insert_rows(session, _R, batch)
                batch = []
    if batch:
        insert_rows(session, _R, batch)


def write_work(session: Session, sync_id: int, diff: Diff) -> None:
    """Keep the work set for the commit (validate's answer stands until the next validate:
    after Campus data changes, validate again, as the seed says)."""
    session.execute(delete(_W).where(_W.c.sync_id == sync_id))
    rows = []
    for sn in diff.work:
        new = sn in diff.new
        rows.append(
            {
                "sync_id": sync_id,
                "staff_number": sn,
                # A number several Campus persons share is an update that fails visibly.
                "action": "create" if new else "update",
                "areas": ",".join(sorted(diff.areas[sn])) if sn in diff.areas else None,
            }
        )
    insert_rows(session, _W, rows)


def validate(session: Session, *, details: bool = True, today: dt.date | None = None) -> Report:
    """R-SYNC-4: compare, store the report, and return it. May run again after Campus
    data changes (the state stays validated); Campus is never changed here."""
    run = require(session, "validate", TRANSFERRED, VALIDATED)
    diff = compare(session, run, today=today)
    write_rows(session, run.id, diff)
    write_work(session, run.id, diff)
    run.state = VALIDATED
    run.validated_at = utcnow()
    run.summary = json.dumps(diff.summary())
    run.creates = diff.creates
    run.changes = len(diff.changed)
    run.campus_staff = diff.campus_staff
    session.flush()
    return report(session, sync_id=run.id, details=details)
