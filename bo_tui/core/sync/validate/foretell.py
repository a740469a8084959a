"""The report foretells the commit (R-SYNC-12): ``willNotCommit`` lists each staged HR record the
commit would refuse, with its reason, by the checks only the commit makes (R-SYNC-5, R-SYNC-8)."""

# The commit re-validates each record with the staff service (apply.apply_one). What the
# transfer did not already check is: the staff number several Campus persons share (the update
# cannot pick one), and an HR address the engine cannot key (R-ADDR-5 refuses it on resolve).

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from ...errors import CoreError
from ...identities import person_for_staff_number
from ...preferences import get_preferences
from ..apply import failure_message
from .common import _S, _SA, Diff, _rows, _search

CATEGORY = "willNotCommit"


def _duplicated_reason(session: Session, staff_number: str) -> str:
    """The commit's own message for a shared staff number (the same words, R-SYNC-8)."""
    try:
        person_for_staff_number(session, staff_number)
    except CoreError as exc:
        return failure_message(exc)
    return "this staff number is duplicated in Campus (several persons have it)"


def will_not_commit(session: Session, sync_id: int, diff: Diff) -> None:
    rows: list[dict] = []
    work = diff.work  # a union of three sets: made once, not once per staged record
    names = dict(
        (sn, (last, first))
        for sn, last, first in _rows(
            session,
            select(_S.c.staff_number, _S.c.last_name, _S.c.first_name).where(
                _S.c.sync_id == sync_id
            ),
        )
        if sn in work
    )
    reason = None
    for sn in sorted(diff.duplicated):
        reason = reason or _duplicated_reason(session, sn)
        rows.append(_row(sn, names.get(sn), reason, "staffNumber"))
    if get_preferences(session).allowHouseholdAddress:
        unkeyed = {
            sn
            for (sn,) in _rows(
                session,
                select(_SA.c.staff_number).where(
                    _SA.c.sync_id == sync_id, _SA.c.norm_key.is_(None)
                ),
            )
        }
        for sn in sorted(unkeyed & work - diff.duplicated):
            rows.append(
                _row(
                    sn,
                    names.get(sn),
                    "an HR address cannot be read as an address, so the commit refuses the "
                    "household; correct it in the HR system",
                    "household",
                )
            )
    diff.rows[CATEGORY] = rows


def _row(sn: str, name: tuple | None, reason: str, field: str) -> dict:
    last, first = name or (None, None)
    return {
        "staffNumber": sn,
        "lastName": last,
        "firstName": first,
        "field": field,
        "reason": reason,
        "_search": _search(sn, last, first, reason),
    }
