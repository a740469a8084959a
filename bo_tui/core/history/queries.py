"""The read side of the history (R-HIST-1, SPEC 9's JSON shapes): Sync History (syncs and
reverts, newest first, with their counts) and the change rows of a sync or a staff member."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from pydantic import BaseModel
from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from ...store.models.sync import CommitJob, CommitJobItem, SyncRun
from .. import change_log as log
from ..identities import person_ids_for_staff_number
from ..queries.base import ListQuery
from ..sync.states import iso

CL = log.CL
_R = SyncRun.__table__
_J = CommitJob.__table__
_JI = CommitJobItem.__table__


class ChangeOut(BaseModel):
    """One changed field (R-HIST-1); SSNs masked."""

    id: int
    at: dt.datetime
    source: str
    syncId: int | None
    revertOf: int | None
    staffNumber: str | None
    personId: int
    area: str
    field: str
    before: str | None
    after: str | None
    by: str | None

    def as_row(self) -> dict:
        """SPEC 9's ``sync show`` shape, plus when, where from and who."""
        return {
            "staffNumber": self.staffNumber,
            "area": self.area,
            "field": self.field,
            "before": self.before,
            "after": self.after,
            "at": iso(self.at),
            "source": self.source,
            "by": self.by,
        }


class SyncSummary(BaseModel):
    """A row of Sync History (SPEC 9's ``sync history`` JSON)."""

    syncId: int
    kind: str  # sync | revert
    revertOf: int | None
    state: str
    by: str | None
    source: str | None
    startedAt: dt.datetime | None
    committedAt: dt.datetime | None
    transferred: int = 0
    rejected: int = 0
    created: int = 0
    changed: int = 0
    unchanged: int = 0
    failed: int = 0
    held: int = 0
    changes: int = 0  # change rows (the sparkline)
    revertedBy: int | None = None  # the revert that took this one back

    def as_dict(self) -> dict:
        # Times as every other CLI document has them (UTC, seconds, "Z").
        out = self.model_dump(mode="json")
        out["startedAt"], out["committedAt"] = iso(self.startedAt), iso(self.committedAt)
        return out


def _counts(session: Session, ids: list[int]) -> dict[int, dict[str, int]]:
    """Per sync: its last job's outcome and its change rows, in three grouped reads."""
    out: dict[int, dict[str, int]] = {i: {} for i in ids}
    last = (
        select(_J.c.sync_id, func.max(_J.c.id).label("job_id"))
        .where(_J.c.sync_id.in_(ids))
        .group_by(_J.c.sync_id)
        .subquery()
    )
    jobs = session.execute(
        select(_J.c.sync_id, _J.c.id, _J.c.skipped, _J.c.held, _J.c.failures).join(
            last, last.c.job_id == _J.c.id
        )
    ).all()
    by_job = {}
    for sync_id, job_id, skipped, held, failures in jobs:
        out[sync_id].update(unchanged=skipped or 0, held=held or 0, failed=failures or 0)
        by_job[job_id] = sync_id
    if by_job:
        for job_id, action, n in session.execute(
            select(_JI.c.job_id, _JI.c.action, func.count())
            .where(_JI.c.job_id.in_(list(by_job)), _JI.c.status == "done")
            .group_by(_JI.c.job_id, _JI.c.action)
        ):
            key = "created" if action == "create" else "changed"
            out[by_job[job_id]][key] = out[by_job[job_id]].get(key, 0) + n
    for sync_id, n in session.execute(
        select(CL.c.sync_id, func.count()).where(CL.c.sync_id.in_(ids)).group_by(CL.c.sync_id)
    ):
        out[sync_id]["changes"] = n
    return out


def _summary(run, counts: dict[str, int], reverted: int | None) -> SyncSummary:
    return SyncSummary(
        syncId=run.id,
        kind=run.kind or "sync",
        revertOf=run.revert_of,
        state=run.state,
        by=run.started_by,
        source=run.source or ("api" if run.kind != "revert" else None),
        startedAt=run.started_at,
        committedAt=run.committed_at,
        transferred=run.transferred or 0,
        rejected=run.rejected or 0,
        revertedBy=reverted,
        **counts,
    )


@dataclass(frozen=True)
class SyncHistoryQuery(ListQuery[SyncSummary]):
    """Syncs and reverts, newest first (``kind``: only "sync" or only "revert")."""

    kind: str | None = None

    def _where(self) -> list:
        return [_R.c.kind == self.kind] if self.kind else []

    def count(self, session: Session) -> int:
        return session.scalar(select(func.count()).select_from(_R).where(*self._where())) or 0

    def page(
        self, session: Session, offset: int = 0, limit: int = 100, sort: str | None = None
    ) -> list[SyncSummary]:
        order = _R.c.id.asc() if sort == "oldest" else _R.c.id.desc()
        runs = session.execute(
            select(_R).where(*self._where()).order_by(order).offset(offset).limit(limit)
        ).all()
        ids = [r.id for r in runs]
        if not ids:
            return []
        counts = _counts(session, ids)
        reverts = dict(
            session.execute(
                select(_R.c.revert_of, func.max(_R.c.id))
                .where(_R.c.kind == "revert", _R.c.revert_of.in_(ids))
                .group_by(_R.c.revert_of)
            ).all()
        )
        return [_summary(r, counts[r.id], reverts.get(r.id)) for r in runs]

    def texts(self, item: SyncSummary):
        return (item.syncId, item.kind, item.state, item.by, item.source)


def sync_summary(session: Session, sync_id: int) -> SyncSummary | None:
    run = session.execute(select(_R).where(_R.c.id == sync_id)).first()
    if run is None:
        return None
    reverted = session.scalar(
        select(func.max(_R.c.id)).where(_R.c.kind == "revert", _R.c.revert_of == sync_id)
    )
    return _summary(run, _counts(session, [sync_id])[sync_id], reverted)


def _out(r) -> ChangeOut:
    return ChangeOut(
        id=r.id,
        at=r.at,
        source=r.source,
        syncId=r.sync_id,
        revertOf=r.revert_of,
        staffNumber=r.staff_number,
        personId=r.person_id,
        area=r.area,
        field=r.field,
        before=r.before,
        after=r.after,
        by=r.by,
    )


_SHOWN = (
    CL.c.id,
    CL.c.at,
    CL.c.source,
    CL.c.sync_id,
    CL.c.revert_of,
    CL.c.staff_number,
    CL.c.person_id,
    CL.c.area,
    CL.c.field,
    CL.c.before,
    CL.c.after,
    CL.c.by,
)


@dataclass(frozen=True)
class ChangeQuery(ListQuery[ChangeOut]):
    """Change rows of a sync (or revert), of a staff member, or both; by area and field.
    In the order they were made; ``sort="newest"`` the other way (a staff member's history)."""

    sync_id: int | None = None
    staff_number: str | None = None
    area: str | None = None
    field: str | None = None
    person_id: int | None = None  # the staff detail's History tab (a person with no number too)

    def _where(self, session: Session) -> list:
        where = []
        if self.sync_id is not None:
            where.append(CL.c.sync_id == self.sync_id)
        if self.person_id is not None:
            where.append(CL.c.person_id == self.person_id)
        if self.staff_number:
            pids = person_ids_for_staff_number(session, self.staff_number)
            key = self.staff_number.strip().lower()
            # A staff member a revert removed has no person any more: their rows by number.
            by_number = func.lower(func.trim(CL.c.staff_number)) == key
            where.append(or_(CL.c.person_id.in_(pids), by_number) if pids else by_number)
        if self.area:
            where.append(CL.c.area == self.area)
        if self.field:
            where.append(CL.c.field == self.field)
        return where

    def count(self, session: Session) -> int:
        where = self._where(session)
        return session.scalar(select(func.count()).select_from(CL).where(*where)) or 0

    def page(
        self, session: Session, offset: int = 0, limit: int = 100, sort: str | None = None
    ) -> list[ChangeOut]:
        order = CL.c.id.desc() if sort == "newest" else CL.c.id.asc()
        rows = session.execute(
            select(*_SHOWN).where(*self._where(session)).order_by(order).offset(offset).limit(limit)
        ).all()
        return [_out(r) for r in rows]

    def texts(self, item: ChangeOut):
        return (item.staffNumber, item.area, item.field, item.before, item.after, item.source)


def areas_and_fields(session: Session, sync_id: int | None) -> dict[str, list[str]]:
    """The areas of a sync's changes and the fields of each, for the screen's filters."""
    stmt = select(CL.c.area, CL.c.field).distinct()
    if sync_id is not None:
        stmt = stmt.where(CL.c.sync_id == sync_id)
    out: dict[str, list[str]] = {}
    for area, fld in session.execute(stmt.order_by(CL.c.area, CL.c.field)):
        out.setdefault(area, []).append(fld)
    return out


__all__ = [
    "ChangeOut",
    "ChangeQuery",
    "SyncHistoryQuery",
    "SyncSummary",
    "areas_and_fields",
    "sync_summary",
]
