"""Staff households (R-HH-1 create with defaults, R-HH-2 update a staff household of one,
R-HH-3 ignore a shared household with a warning, R-HH-4 ignore all when the preference is off)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import and_, bindparam, func, insert, or_, select, update
from sqlalchemy.orm import Session

from ..store.models import Address, Household, HouseholdLocation, HouseholdMember
from . import addresses
from .errors import FieldError, RuleViolation
from .schemas import HouseholdIn, HouseholdLocationIn, fields_of
from .staff_models import StaffResult

_H = Household.__table__
_M = HouseholdMember.__table__
_L = HouseholdLocation.__table__
_A = Address.__table__
_INSERT_H = insert(_H)
_INSERT_M = insert(_M)
_INSERT_L = insert(_L)
_ADDRESS_IDS = select(_A.c.norm_key, _A.c.id).where(
    _A.c.norm_key.in_(bindparam("keys", expanding=True))
)


@dataclass(slots=True)
class Membership:
    household_id: int
    name: str
    staff_household: bool
    member_count: int


def _loc_path(prefix: str, i: int) -> str:
    return f"{prefix}.householdLocations[{i}]"


def _under(path: str, err: FieldError) -> FieldError:
    field = path if err.field in ("", "address") else f"{path}.{err.field}"
    return FieldError(field, err.message, err.rule)


def check_household(household: HouseholdIn | dict, prefix: str, errors: list[FieldError]) -> None:
    """R-ADDR-1/2/5 (by the address engine) for every location; errors go to ``errors``. The
    household is a model or its plain-dict form (``schemas.parse_staff_record``)."""
    for i, loc in enumerate(fields_of(household).get("householdLocations") or ()):
        path = _loc_path(prefix, i) + ".address"
        address = fields_of(loc).get("address")
        if address is None:
            errors.append(FieldError(path, "is required", "R-HH-1"))
            continue
        try:
            # Every address rule, R-ADDR-5 included: an unparseable fullStreetAddress fails the
            # call before anything is written (the parse is cached for resolve).
            addresses.check_payload(address, path)
        except RuleViolation as exc:
            errors.extend(exc.errors)


def resolve_locations(
    session: Session, household: HouseholdIn, prefix: str
) -> list[tuple[HouseholdLocationIn, int]]:
    """Match or create each location's address (R-ADDR-4). Runs before the person's own rows are
    written: an address the engine cannot parse (R-ADDR-5) fails the call early.

    The engine's ``candidate_keys`` (its matching order) are looked up in one query; only an
    address none of whose keys exists goes through ``addresses.resolve`` (which creates it)."""
    locs = household.householdLocations
    candidates = [addresses.candidate_keys(loc.address) for loc in locs]
    wanted = sorted({k for keys in candidates for k in keys})
    found = (
        dict(session.connection().execute(_ADDRESS_IDS, {"keys": wanted}).all()) if wanted else {}
    )
    out = []
    errors: list[FieldError] = []
    for i, (loc, keys) in enumerate(zip(locs, candidates, strict=True)):
        address_id = next((found[k] for k in keys if k in found), None)
        if address_id is None:
            try:
                address_id = addresses.resolve(
                    session, loc.address, _loc_path(prefix, i) + ".address"
                ).id
            except RuleViolation as exc:
                errors.extend(exc.errors)
                continue
        out.append((loc, address_id))
    if errors:
        raise RuleViolation(errors)
    return out


def _location_row(
    household_id: int, loc: HouseholdLocationIn, address_id: int, today: dt.date
) -> dict:
    return {
        "household_id": household_id,
        "address_id": address_id,
        "mailing": True if loc.mailing is None else loc.mailing,
        "physical": True if loc.physical is None else loc.physical,
        "start_date": loc.startDate or today,
        "end_date": None,
    }


def create_staff_household(
    session: Session,
    person_id: int,
    household: HouseholdIn,
    locations: Sequence[tuple[HouseholdLocationIn, int]],
    last_name: str,
    today: dt.date,
) -> int:
    """R-HH-1: a new staff household, this person its only member, defaults for what is not
    sent (name from the last name, mailing and physical on, start dates today)."""
    conn = session.connection()
    hid = conn.execute(
        _INSERT_H, {"name": (household.name or last_name)[:120], "staff_household": True}
    ).inserted_primary_key[0]
    conn.execute(
        _INSERT_M,
        {"household_id": hid, "person_id": person_id, "start_date": today, "end_date": None},
    )
    if locations:
        conn.execute(_INSERT_L, [_location_row(hid, loc, aid, today) for loc, aid in locations])
    return hid


def _current(col, today):
    return or_(col.is_(None), col >= today)


_RENAME = (
    update(_H)
    .where(_H.c.id == bindparam("_hid"), _H.c.name != bindparam("_name"))
    .values(name=bindparam("_name"))
)
_LOCATIONS = (
    select(_L.c.id, _L.c.address_id, _L.c.mailing, _L.c.physical, _L.c.start_date)
    .where(_L.c.household_id == bindparam("hid"), _current(_L.c.end_date, bindparam("today")))
    .order_by(_L.c.id)
)
_END_LOCATIONS = (
    update(_L)
    .where(_L.c.id.in_(bindparam("ids", expanding=True)))
    .values(end_date=bindparam("_end"))
)


def _memberships_stmt():
    others = _M.alias("others")
    today = bindparam("today")
    count = (
        select(func.count())
        .select_from(others)
        .where(others.c.household_id == _H.c.id, _current(others.c.end_date, today))
        .scalar_subquery()
    )
    return (
        select(_H.c.id, _H.c.name, _H.c.staff_household, count)
        .join(_M, _M.c.household_id == _H.c.id)
        .where(_M.c.person_id == bindparam("pid"), _current(_M.c.end_date, today))
        .order_by(_H.c.staff_household.desc(), _H.c.id)
    )


_MEMBERSHIPS = _memberships_stmt()


def memberships(session: Session, person_id: int, today: dt.date) -> list[Membership]:
    """The person's current households, each with its count of current members."""
    rows = session.connection().execute(_MEMBERSHIPS, {"pid": person_id, "today": today}).all()
    return [Membership(r[0], r[1], bool(r[2]), r[3]) for r in rows]


def plan_household_update(
    session: Session,
    person_id: int,
    household: HouseholdIn,
    prefix: str,
    today: dt.date,
    result: StaffResult,
    errors: list[FieldError],
) -> tuple[str, int | None]:
    """R-HH-2/R-HH-3, decided (and the payload checked) before anything is written:
    ``("create", None)`` when the person has no household, ``("update", id)`` for a staff
    household of one, ``("ignore", None)`` with a warning otherwise (never an error)."""
    homes = memberships(session, person_id, today)
    if not homes:
        check_household(household, prefix, errors)
        return ("create", None)
    if len(homes) == 1 and homes[0].staff_household and homes[0].member_count == 1:
        check_household(household, prefix, errors)
        return ("update", homes[0].household_id)
    home = homes[0]
    if len(homes) > 1:
        why = "the staff member belongs to several households"
    elif home.member_count > 1:
        why = "the household is shared with other members (such as students)"
    else:
        why = "the household is not a staff household"
    result.warn(
        prefix,
        f"household data ignored: {why}, so the HR system may not change it "
        "(the district can edit it in Campus)",
        "R-HH-3",
    )
    return ("ignore", None)


def apply_household_update(
    session: Session,
    person_id: int,
    household_id: int,
    household: HouseholdIn,
    locations: Sequence[tuple[HouseholdLocationIn, int]],
    today: dt.date,
) -> bool:
    """R-HH-2: the staff household of one is updated: its name when sent; when
    householdLocations is sent it is the household's current list (an address already there is
    kept and its flags updated; a new one is added; a current one not sent is ended today)."""
    changed = False
    conn = session.connection()
    if household.sent("name") and household.name:
        n = conn.execute(_RENAME, {"_hid": household_id, "_name": household.name[:120]}).rowcount
        changed |= bool(n)
    if not household.sent("householdLocations"):
        return changed
    current = conn.execute(_LOCATIONS, {"hid": household_id, "today": today}).all()
    by_address: dict[int, list] = {}
    for row in current:
        by_address.setdefault(row.address_id, []).append(row)
    kept: set[int] = set()
    new_rows = []
    for loc, aid in locations:
        pool = by_address.get(aid)
        if pool:
            row = pool.pop(0)
            kept.add(row.id)
            values = {}
            if loc.mailing is not None and loc.mailing != row.mailing:
                values["mailing"] = loc.mailing
            if loc.physical is not None and loc.physical != row.physical:
                values["physical"] = loc.physical
            if loc.startDate is not None and loc.startDate != row.start_date:
                values["start_date"] = loc.startDate
            if values:
                conn.execute(update(_L).where(_L.c.id == row.id).values(**values))
                changed = True
        else:
            new_rows.append(_location_row(household_id, loc, aid, today))
    ended = [row.id for row in current if row.id not in kept]
    if ended:
        conn.execute(_END_LOCATIONS, {"ids": ended, "_end": today})
        changed = True
    if new_rows:
        conn.execute(_INSERT_L, new_rows)
        changed = True
    return changed


def replace_address(session: Session, household_id: int, address_id: int, today: dt.date) -> bool:
    """Campus UI edit: the household's current address becomes ``address_id`` (mailing and
    physical); other current locations end today. No change when it is already the only one."""
    current = session.execute(
        select(_L.c.id, _L.c.address_id).where(
            _L.c.household_id == household_id, _current(_L.c.end_date, today)
        )
    ).all()
    if len(current) == 1 and current[0].address_id == address_id:
        return False
    others = [r.id for r in current if r.address_id != address_id]
    if others:
        session.execute(update(_L).where(_L.c.id.in_(others)).values(end_date=today))
    if not any(r.address_id == address_id for r in current):
        session.execute(
            insert(_L).values(
                household_id=household_id,
                address_id=address_id,
                mailing=True,
                physical=True,
                start_date=today,
                end_date=None,
            )
        )
    return True


def household_view(session: Session, person_id: int, today: dt.date) -> dict | None:
    """The person's current household in the API's shape plus ``memberCount``, ``staffHousehold``
    and ``addressId`` on each address; current locations first."""
    homes = memberships(session, person_id, today)
    if not homes:
        return None
    home = homes[0]
    rows = session.execute(
        select(_L.c.mailing, _L.c.physical, _L.c.start_date, _L.c.end_date, Address)
        .join(Address, Address.id == _L.c.address_id)
        .where(_L.c.household_id == home.household_id)
        .order_by(_L.c.end_date.is_not(None), _L.c.start_date.desc(), _L.c.id)
    ).all()
    return {
        "householdId": home.household_id,
        "name": home.name,
        "staffHousehold": home.staff_household,
        "memberCount": home.member_count,
        "householdLocations": [
            {
                "address": addresses.to_payload(r.Address),
                "mailing": bool(r.mailing),
                "physical": bool(r.physical),
                "startDate": r.start_date.isoformat() if r.start_date else None,
                "endDate": r.end_date.isoformat() if r.end_date else None,
            }
            for r in rows
        ],
    }


def move_memberships(session: Session, from_person: int, to_person: int) -> int:
    """Combine Person: the other person's memberships move to the base person; one already
    shared with the base person is dropped rather than doubled."""
    base_homes = select(_M.c.household_id).where(_M.c.person_id == to_person).scalar_subquery()
    session.execute(
        _M.delete().where(and_(_M.c.person_id == from_person, _M.c.household_id.in_(base_homes)))
    )
    return session.execute(
        update(_M).where(_M.c.person_id == from_person).values(person_id=to_person)
    ).rowcount


__all__ = [
    "Membership",
    "apply_household_update",
    "check_household",
    "create_staff_household",
    "household_view",
    "memberships",
    "move_memberships",
    "replace_address",
    "resolve_locations",
    "plan_household_update",
]
