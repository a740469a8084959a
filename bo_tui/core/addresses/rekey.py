"""Re-keying stored addresses after the normal form changed (R-ADDR-4, R-ADDR-7): every row gets
the key its columns have today, and rows that now share a key become one, their uses moved."""

# Keys written before R-ADDR-7 hold a unit's designator ("…|STE 200|…"); today's key holds the
# number alone ("…|200|…"), so a stored suite would no longer be found and a second row would
# be created for it. ``rekey`` brings the stored keys up to date; it is idempotent (a second
# run changes nothing) and runs in the caller's transaction, for a migration or a CLI command.

from __future__ import annotations

from typing import Any, NamedTuple

from sqlalchemy import bindparam, delete, select, update
from sqlalchemy.orm import Session

from bo_tui.store.models import Address, HouseholdLocation

from .normalize import COLUMNS, NORM_FIELDS, address_key, normalize_components

_A = Address.__table__
_HL = HouseholdLocation.__table__
_FIELDS = ("postOfficeBox", *NORM_FIELDS[1:])
_READ = select(_A.c.id, _A.c.norm_key, *(_A.c[COLUMNS[k]] for k in _FIELDS)).order_by(_A.c.id)


class Rekeyed(NamedTuple):
    """What ``rekey`` did: rows whose key changed, and rows merged into an equal one."""

    changed: int
    merged: int


def _key_of_row(row: Any) -> str:
    parts = dict(zip(_FIELDS, row[2:], strict=True))
    return address_key(normalize_components(parts))


def rekey(session: Session) -> Rekeyed:
    """Give every stored address the key of its columns; where two rows now share a key, keep
    the oldest and point the household locations of the others at it."""
    keeper: dict[str, int] = {}
    new_keys: list[dict[str, Any]] = []
    merges: list[dict[str, int]] = []
    for row in session.execute(_READ):
        key = _key_of_row(row)
        kept = keeper.setdefault(key, row.id)
        if kept != row.id:
            merges.append({"old": row.id, "new": kept})
        elif key != row.norm_key:
            new_keys.append({"row_id": row.id, "key": key})
    if merges:
        session.execute(
            update(_HL)
            .where(_HL.c.address_id == bindparam("old"))
            .values(address_id=bindparam("new")),
            merges,
        )
        session.execute(delete(_A).where(_A.c.id == bindparam("old")), merges)
    if new_keys:
        # Through a unique placeholder first: a row may take the key another row gives up.
        by_id = update(_A).where(_A.c.id == bindparam("row_id"))
        session.execute(
            by_id.values(norm_key=bindparam("temp")),
            [{"row_id": r["row_id"], "temp": f"~rekey~{r['row_id']}"} for r in new_keys],
        )
        session.execute(by_id.values(norm_key=bindparam("key")), new_keys)
    return Rekeyed(len(new_keys), len(merges))
