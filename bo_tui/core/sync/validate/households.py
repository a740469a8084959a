"""Validate's addresses and households (R-ADDR-3/4, R-HH-1..4): HR addresses a commit would add,
matched as the commit will, and matched staff whose household a commit would change."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from sqlalchemy import Integer, String, and_, exists, func, or_, select, type_coerce
from sqlalchemy.orm import Session

from ..bulk import existing, update_rows
from .common import _A, _H, _HL, _HM, _S, _SA, Diff, _rows, _search


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
