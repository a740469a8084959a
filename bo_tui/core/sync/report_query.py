"""Reads of the validation report (R-SYNC-4, R-SYNC-10): a query per category with the review
filters (search, differing field, held, reviewed) offering count, page and find; and the review
progress of a sync: rows needing review (staged HR staff) and those a reviewer has seen."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from pydantic import BaseModel
from sqlalchemy import exists, func, insert, literal, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ...store.models.sync import SyncHold, SyncReportRow, SyncReview
from ..errors import FieldError, RuleViolation
from .batch_sizes import IN_LIST, REPORT_READ_ROWS
from .report import CATEGORIES, DEMOGRAPHIC_FIELDS, Report, _check_category, _run
from .states import iso, utcnow

# Categories whose rows are staged HR staff members: a reviewer may hold them back, and they
# are the rows that need review. Campus staff not in HR, Campus's duplicate or missing staff
# numbers are Campus's own lists: nothing of theirs is committed, so nothing to review.
HOLDABLE = frozenset(
    {
        "demographicDifferences",
        "employmentDifferences",
        "assignmentDifferences",
        "addressDifferences",
        "hrStaffNotInCampus",
        "possibleDuplicates",
    }
)
SORTS = ("report", "staffNumber")
_R = SyncReportRow


def field_bit(field: str) -> int:
    """The bit of a demographic field in ``sync_report_rows.fields`` (validate writes it)."""
    return 1 << DEMOGRAPHIC_FIELDS.index(field)


def field_mask(fields: Iterable[str]) -> int:
    return sum(field_bit(f) for f in set(fields))


def _needle(text: str | None) -> str:
    return (text or "").strip().lower()


@dataclass(frozen=True)
class ReportQuery:
    """The rows of one report category of sync ``sync_id`` (default: the open, else the last
    sync), narrowed by ``search`` (staff number, names, address), ``field`` (a demographic
    field that differs), ``held`` and ``reviewed``. Every method takes the session to read
    with, so one query serves a screen's worker threads, an API page and an export alike."""

    category: str
    sync_id: int | None = None
    search: str | None = None
    field: str | None = None
    held: bool | None = None
    reviewed: bool | None = None

    def __post_init__(self) -> None:
        _check_category(self.category)
        if self.field is not None and self.field not in DEMOGRAPHIC_FIELDS:
            raise RuleViolation(
                [FieldError("field", "must be one of " + ", ".join(DEMOGRAPHIC_FIELDS), "R-SYNC-4")]
            )
        if self.field is not None and self.category != "demographicDifferences":
            raise RuleViolation(
                [FieldError("field", "only demographic differences have fields", "R-SYNC-4")]
            )

    # --- the SQL -----------------------------------------------------------------------------

    @property
    def plain(self) -> bool:
        """No filter: the category's ``seq`` is dense, so a row's index is its ``seq``."""
        return (
            not _needle(self.search)
            and self.field is None
            and self.held is None
            and self.reviewed is None
        )

    def _where(self, sync_id: int) -> list:
        where = [_R.sync_id == sync_id, _R.category == self.category]
        needle = _needle(self.search)
        if needle:
            where.append(_R.search.contains(needle, autoescape=True))
        if self.field is not None:
            where.append(_R.fields.op("&")(field_bit(self.field)) != 0)
        if self.held is not None:
            held = exists().where(
                SyncHold.sync_id == _R.sync_id, SyncHold.staff_number == _R.staff_number
            )
            where.append(held if self.held else ~held)
        if self.reviewed is not None:
            seen = exists().where(
                SyncReview.sync_id == _R.sync_id,
                SyncReview.category == _R.category,
                SyncReview.staff_number == _R.staff_number,
            )
            where.append(seen if self.reviewed else ~seen)
        return where

    def _sync_id(self, session: Session) -> int:
        return _run(session, self.sync_id).id

    @staticmethod
    def _order(sort: str | None) -> list:
        key = (sort or "report").lstrip("-")
        if key not in SORTS:
            raise RuleViolation(
                [FieldError("sort", "must be one of " + ", ".join(SORTS), "R-SYNC-4")]
            )
        desc = (sort or "").startswith("-")
        cols = [_R.staff_number, _R.seq] if key == "staffNumber" else [_R.seq]
        return [c.desc() if desc else c.asc() for c in cols]

    # --- reads -------------------------------------------------------------------------------

    def count(self, session: Session) -> int:
        stmt = select(func.count()).select_from(_R).where(*self._where(self._sync_id(session)))
        return session.scalar(stmt) or 0

    def page(
        self, session: Session, offset: int = 0, limit: int = 100, sort: str | None = None
    ) -> list[dict]:
        """Rows ``offset`` … ``offset + limit`` in ``sort`` order (default: the report's). Without
        a filter and in report order a page is an index range, whatever the offset."""
        offset, limit = max(offset, 0), max(limit, 0)
        where = self._where(self._sync_id(session))
        stmt = select(_R.data).where(*where).order_by(*self._order(sort))
        if self.plain and sort in (None, "report"):
            stmt = stmt.where(_R.seq >= offset, _R.seq < offset + limit)
        else:
            stmt = stmt.offset(offset).limit(limit)
        return [json.loads(d) for d in session.scalars(stmt)]

    def find(
        self,
        session: Session,
        text: str,
        start: int = -1,
        direction: int = 1,
        sort: str | None = None,
    ) -> int | None:
        """The index (in this query's rows and ``sort`` order) of the next row matching ``text``
        strictly after ``start`` (``direction`` 1) or before it (-1); None when there is none."""
        needle = _needle(text)
        if not needle:
            return None
        sync_id = self._sync_id(session)
        where = self._where(sync_id)
        match = _R.search.contains(needle, autoescape=True)
        if sort not in (None, "report"):
            return self._find_sorted(session, where, match, start, direction, sort)
        seq = _R.seq
        start_seq = start if self.plain else self._seq_at(session, where, start)
        base = select(seq).where(*where, match)
        stmt = (
            base.where(seq > start_seq).order_by(seq.asc())
            if direction > 0
            else base.where(seq < start_seq).order_by(seq.desc())
        )
        found = session.scalar(stmt.limit(1))
        if found is None or self.plain:
            return found
        before = select(func.count()).select_from(_R).where(*where, seq < found)
        return session.scalar(before) or 0

    @staticmethod
    def _seq_at(session: Session, where: list, index: int) -> int:
        if index < 0:
            return -1
        found = session.scalar(select(_R.seq).where(*where).order_by(_R.seq).offset(index).limit(1))
        return found if found is not None else 1 << 62

    def _find_sorted(self, session, where, match, start, direction, sort) -> int | None:
        # Any other order: number the rows in the database, then pick the next match.
        numbered = (
            select(
                (func.row_number().over(order_by=self._order(sort)) - 1).label("i"),
                match.label("hit"),
            )
            .where(*where)
            .subquery()
        )
        i = numbered.c.i
        stmt = select(i).where(numbered.c.hit)
        stmt = (
            stmt.where(i > start).order_by(i.asc())
            if direction > 0
            else stmt.where(i < start).order_by(i.desc())
        )
        return session.scalar(stmt.limit(1))

    def iter_rows(self, session: Session, chunk: int = REPORT_READ_ROWS) -> Iterator[dict]:
        """Every row in report order, read a chunk at a time (exports stay flat in memory)."""
        where = self._where(self._sync_id(session))
        last = -1
        while True:
            rows = session.execute(
                select(_R.seq, _R.data).where(*where, _R.seq > last).order_by(_R.seq).limit(chunk)
            ).all()
            if not rows:
                return
            for _seq, data in rows:
                yield json.loads(data)
            last = rows[-1][0]


# --- the report as the API and the CLI read it ------------------------------------------------


def count(
    session: Session, category: str, text: str | None = None, *, sync_id: int | None = None
) -> int:
    """Rows of one category (matching ``text`` in staff number, names or address, when given)."""
    return ReportQuery(category, sync_id, search=text).count(session)


def page(
    session: Session,
    category: str,
    offset: int = 0,
    limit: int = 100,
    text: str | None = None,
    *,
    sync_id: int | None = None,
) -> list[dict]:
    """One page of a category's rows, in report order."""
    return ReportQuery(category, sync_id, search=text).page(session, offset, limit)


def iter_rows(session: Session, category: str, *, sync_id: int | None = None) -> Iterator[dict]:
    return ReportQuery(category, sync_id).iter_rows(session)


def report(session: Session, *, sync_id: int | None = None, details: bool = True) -> Report:
    """The last validation report of the open (or last) sync: the summary and every row."""
    run = _run(session, sync_id)
    out = Report(syncId=run.id, generatedAt=iso(run.validated_at), summary=json.loads(run.summary))
    if details:
        out.details = {c: list(iter_rows(session, c, sync_id=run.id)) for c in CATEGORIES}
    return out


# --- review progress -------------------------------------------------------------------------


class ReviewProgress(BaseModel):
    """Rows of the report that need review, and how many of them a reviewer has seen."""

    syncId: int
    reviewed: int
    total: int


def _needing_review(sync_id: int):
    return select(_R.category, _R.staff_number).where(
        _R.sync_id == sync_id, _R.category.in_(sorted(HOLDABLE)), _R.staff_number.is_not(None)
    )


def review_progress(session: Session, *, sync_id: int | None = None) -> ReviewProgress:
    """The "reviewed N/total" counter: distinct rows (category, staff member) of the staged HR
    staff's categories, and those among them a reviewer has seen. Reviews are only added, so
    for one report the count never goes down."""
    run = _run(session, sync_id)
    rows = _needing_review(run.id).distinct().subquery()
    total = session.scalar(select(func.count()).select_from(rows)) or 0
    reviewed = (
        session.scalar(
            select(func.count())
            .select_from(SyncReview)
            .where(
                SyncReview.sync_id == run.id,
                exists().where(
                    _R.sync_id == SyncReview.sync_id,
                    _R.category == SyncReview.category,
                    _R.staff_number == SyncReview.staff_number,
                ),
            )
        )
        or 0
    )
    return ReviewProgress(syncId=run.id, reviewed=reviewed, total=total)


def mark_reviewed(
    session: Session,
    category: str,
    staff_numbers: Iterable[str],
    *,
    sync_id: int | None = None,
    by: str | None = None,
) -> ReviewProgress:
    """Record that a reviewer has seen these rows of ``category``. Rows of categories that need
    no review, and staff numbers not in the category, are not counted; seen twice is once."""
    _check_category(category)
    run = _run(session, sync_id)
    numbers = sorted({n for n in staff_numbers if n})
    if category in HOLDABLE:
        for start in range(0, len(numbers), IN_LIST):
            chunk = numbers[start : start + IN_LIST]
            new = (
                select(
                    literal(run.id),
                    _R.category,
                    _R.staff_number,
                    literal(by),
                    literal(utcnow()),
                )
                .where(
                    _R.sync_id == run.id,
                    _R.category == category,
                    _R.staff_number.in_(chunk),
                    ~exists().where(
                        SyncReview.sync_id == run.id,
                        SyncReview.category == category,
                        SyncReview.staff_number == _R.staff_number,
                    ),
                )
                .distinct()
            )
            stmt = insert(SyncReview).from_select(
                ["sync_id", "category", "staff_number", "reviewed_by", "reviewed_at"], new
            )
            _insert_once(session, stmt)
    return review_progress(session, sync_id=run.id)


def _insert_once(session: Session, stmt) -> None:
    # Two reviewers may record the same row at once: the second try skips what the other wrote.
    for attempt in (1, 2):
        try:
            with session.begin_nested():
                session.execute(stmt)
            return
        except IntegrityError:
            if attempt == 2:
                raise


def category_counts(session: Session, *, sync_id: int | None = None) -> dict[str, int]:
    """Rows per category (the tabs' counts), counted in the database in one pass."""
    run = _run(session, sync_id)
    found = dict(
        session.execute(
            select(_R.category, func.count()).where(_R.sync_id == run.id).group_by(_R.category)
        ).all()
    )
    return {c: found.get(c, 0) for c in CATEGORIES}


__all__ = [
    "HOLDABLE",
    "ReportQuery",
    "ReviewProgress",
    "category_counts",
    "count",
    "field_bit",
    "field_mask",
    "iter_rows",
    "mark_reviewed",
    "page",
    "report",
    "review_progress",
]
