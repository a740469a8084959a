"""Tables of the staff synchronization (SPEC section 6): the sync run and its states
(R-SYNC-1), staged HR records (R-SYNC-2), report rows (R-SYNC-4/10), commit jobs and their
per-staff items (R-SYNC-5/6/11) and review holds. SSNs are staged only encrypted."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base


class SyncRun(Base):
    """One synchronization: none → transferring → transferred → validated → committing →
    committed. ``open_slot`` is 1 while the sync is open and NULL once committed, so the unique
    constraint allows one open sync per district even with racing starts (R-SYNC-1)."""

    __tablename__ = "sync_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    state: Mapped[str] = mapped_column(String(20))
    open_slot: Mapped[int | None] = mapped_column(Integer, unique=True)
    started_by: Mapped[str] = mapped_column(String(80))
    started_at: Mapped[dt.datetime] = mapped_column(DateTime)
    ended_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    validated_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    committed_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    transferred: Mapped[int] = mapped_column(Integer, default=0)  # staged staff members
    rejected: Mapped[int] = mapped_column(Integer, default=0)
    # The last validation summary (JSON) and the guard's counts at that time (R-SYNC-9).
    summary: Mapped[str | None] = mapped_column(Text)
    creates: Mapped[int] = mapped_column(Integer, default=0)
    changes: Mapped[int] = mapped_column(Integer, default=0)
    campus_staff: Mapped[int] = mapped_column(Integer, default=0)
    guard_confirmed_by: Mapped[str | None] = mapped_column(String(80))
    guard_confirmed_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    # R-HIST-2: a revert is a run of its own (kind "revert", never open) taking back
    # ``revert_of``; ``source`` names the HR file(s) or "api" for Sync History.
    kind: Mapped[str] = mapped_column(String(10), default="sync", server_default="sync")
    revert_of: Mapped[int | None] = mapped_column(Integer)
    source: Mapped[str | None] = mapped_column(String(200))


class SyncStaged(Base):
    """One staged HR staff member per staff number. ``payload`` is the validated payload as
    JSON with ``ssn`` replaced by its ciphertext; the other columns serve set-based comparison.
    ``sent`` is a bit mask of the demographic keys present (absent = leave Campus as is)."""

    __tablename__ = "sync_staged"
    __table_args__ = (
        Index("ix_sync_staged_key", "sync_id", "staff_key"),
        Index("ix_sync_staged_name", "sync_id", "name_key", "birth_date"),
    )

    sync_id: Mapped[int] = mapped_column(
        ForeignKey("sync_runs.id", ondelete="CASCADE"), primary_key=True
    )
    staff_number: Mapped[str] = mapped_column(String(40), primary_key=True)
    staff_key: Mapped[str] = mapped_column(String(40))  # lower(trim(staffNumber))
    seq: Mapped[int] = mapped_column(Integer)
    payload: Mapped[str] = mapped_column(Text)
    sent: Mapped[int] = mapped_column(Integer, default=0)
    last_name: Mapped[str | None] = mapped_column(String(100))
    first_name: Mapped[str | None] = mapped_column(String(100))
    middle_name: Mapped[str | None] = mapped_column(String(100))
    name_key: Mapped[str | None] = mapped_column(String(210))  # lower(last)|lower(first)
    gender: Mapped[str | None] = mapped_column(String(4))
    ssn_hash: Mapped[str | None] = mapped_column(String(64))
    ssn_mask: Mapped[str | None] = mapped_column(String(11))  # ***-**-1234, what screens show
    birth_date: Mapped[dt.date | None] = mapped_column(Date)
    work_phone: Mapped[str | None] = mapped_column(String(40))
    cell_phone: Mapped[str | None] = mapped_column(String(40))
    other_phone: Mapped[str | None] = mapped_column(String(40))
    work_email: Mapped[str | None] = mapped_column(String(254))
    personal_email: Mapped[str | None] = mapped_column(String(254))
    has_employments: Mapped[bool] = mapped_column(Boolean, default=False)
    has_positions: Mapped[bool] = mapped_column(Boolean, default=False)
    has_household: Mapped[bool] = mapped_column(Boolean, default=False)
    household_name: Mapped[str | None] = mapped_column(String(120))
    # Filled by validate: the matched Campus person.
    person_id: Mapped[int | None] = mapped_column(Integer)


class SyncStagedEmployment(Base):
    __tablename__ = "sync_staged_employments"
    __table_args__ = (Index("ix_sync_staged_employments_staff", "sync_id", "staff_number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    sync_id: Mapped[int] = mapped_column(ForeignKey("sync_runs.id", ondelete="CASCADE"))
    staff_number: Mapped[str] = mapped_column(String(40))
    hire_date: Mapped[dt.date | None] = mapped_column(Date)
    termination_date: Mapped[dt.date | None] = mapped_column(Date)


class SyncStagedPosition(Base):
    __tablename__ = "sync_staged_positions"
    __table_args__ = (Index("ix_sync_staged_positions_staff", "sync_id", "staff_number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    sync_id: Mapped[int] = mapped_column(ForeignKey("sync_runs.id", ondelete="CASCADE"))
    staff_number: Mapped[str] = mapped_column(String(40))
    school_number: Mapped[str | None] = mapped_column(String(20))
    assignment_code: Mapped[str | None] = mapped_column(String(20))
    title_code: Mapped[str | None] = mapped_column(String(40))
    start_date: Mapped[dt.date | None] = mapped_column(Date)
    end_date: Mapped[dt.date | None] = mapped_column(Date)


class SyncStagedAddress(Base):
    """An HR household location's address with its normalized key (R-ADDR-3) for the join
    against ``addresses.norm_key`` (validate sets it to the key a commit would match, from
    ``match_keys``); ``label`` is its one-line form for the report."""

    __tablename__ = "sync_staged_addresses"
    __table_args__ = (Index("ix_sync_staged_addresses_staff", "sync_id", "staff_number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    sync_id: Mapped[int] = mapped_column(ForeignKey("sync_runs.id", ondelete="CASCADE"))
    staff_number: Mapped[str] = mapped_column(String(40))
    norm_key: Mapped[str | None] = mapped_column(String(400))
    mailing: Mapped[bool | None] = mapped_column(Boolean)
    physical: Mapped[bool | None] = mapped_column(Boolean)
    start_date: Mapped[dt.date | None] = mapped_column(Date)
    label: Mapped[str] = mapped_column(Text, default="")
    # R-ADDR-4's keys in ``addresses.resolve``'s order (one per line, the canonical last) when
    # they could match another Campus address than ``norm_key``'s; validate matches with them.
    match_keys: Mapped[str | None] = mapped_column(Text)


class SyncWork(Base):
    """The staged staff members the last validation found work for, with the differing areas
    (``*``: create, or a number Campus duplicates); the commit applies these, skips the rest."""

    __tablename__ = "sync_work"

    sync_id: Mapped[int] = mapped_column(
        ForeignKey("sync_runs.id", ondelete="CASCADE"), primary_key=True
    )
    staff_number: Mapped[str] = mapped_column(String(40), primary_key=True)
    action: Mapped[str] = mapped_column(String(10))  # create, update
    areas: Mapped[str | None] = mapped_column(String(80))


class SyncRejection(Base):
    """A rejected transfer record with its errors (R-SYNC-2), for the wizard and the CLI."""

    __tablename__ = "sync_rejections"

    id: Mapped[int] = mapped_column(primary_key=True)
    sync_id: Mapped[int] = mapped_column(ForeignKey("sync_runs.id", ondelete="CASCADE"), index=True)
    staff_number: Mapped[str | None] = mapped_column(String(40))
    source: Mapped[str] = mapped_column(String(200), default="")  # "API", a file and line
    errors: Mapped[str] = mapped_column(Text)  # JSON [{field, message, line?, column?}]


class SyncReportRow(Base):
    """One row of a validation report category (R-SYNC-4, R-SYNC-10): ``data`` is the JSON of
    the Campus and HR sides with the differing fields; ``search`` the text a search matches;
    ``fields`` a bit mask of the differing demographic fields (bit i: ``DEMOGRAPHIC_FIELDS[i]``),
    which the report's differing-field filter reads instead of the JSON."""

    __tablename__ = "sync_report_rows"
    __table_args__ = (
        # ``fields`` and ``staff_number`` ride along so a filtered page (a differing field, held,
        # reviewed) is decided in the index and reads only the rows it shows.
        Index("ix_sync_report_rows_cat", "sync_id", "category", "seq", "fields", "staff_number"),
        Index("ix_sync_report_rows_staff", "sync_id", "category", "staff_number"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    sync_id: Mapped[int] = mapped_column(ForeignKey("sync_runs.id", ondelete="CASCADE"))
    category: Mapped[str] = mapped_column(String(40))
    seq: Mapped[int] = mapped_column(Integer)
    staff_number: Mapped[str | None] = mapped_column(String(40))
    search: Mapped[str] = mapped_column(Text, default="")
    fields: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    data: Mapped[str] = mapped_column(Text)


class SyncReview(Base):
    """A report row (category and staff member) a reviewer has seen, so the "reviewed N/total"
    counter of the open sync is the store's and never goes back (R-SYNC-4)."""

    __tablename__ = "sync_reviews"

    sync_id: Mapped[int] = mapped_column(
        ForeignKey("sync_runs.id", ondelete="CASCADE"), primary_key=True
    )
    category: Mapped[str] = mapped_column(String(40), primary_key=True)
    staff_number: Mapped[str] = mapped_column(String(40), primary_key=True)
    reviewed_by: Mapped[str | None] = mapped_column(String(80))
    reviewed_at: Mapped[dt.datetime] = mapped_column(DateTime)


class SyncHold(Base):
    """A staff member a reviewer holds back from the open sync's commit."""

    __tablename__ = "sync_holds"

    sync_id: Mapped[int] = mapped_column(
        ForeignKey("sync_runs.id", ondelete="CASCADE"), primary_key=True
    )
    staff_number: Mapped[str] = mapped_column(String(40), primary_key=True)
    held_by: Mapped[str | None] = mapped_column(String(80))
    held_at: Mapped[dt.datetime] = mapped_column(DateTime)


class CommitJob(Base):
    """A commit of a sync (R-SYNC-5/6): status, progress, failures, and who runs it now
    (``runner_pid``/``runner_host``/``heartbeat_at``) so a dead runner's job resumes (R-SYNC-11)."""

    __tablename__ = "sync_jobs"

    id: Mapped[int] = mapped_column(primary_key=True)
    sync_id: Mapped[int] = mapped_column(ForeignKey("sync_runs.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(20))  # running, completed, failed, interrupted
    background: Mapped[bool] = mapped_column(Boolean, default=False)
    submitted_by: Mapped[str] = mapped_column(String(80))
    total: Mapped[int] = mapped_column(Integer, default=0)
    processed: Mapped[int] = mapped_column(Integer, default=0)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    skipped: Mapped[int] = mapped_column(Integer, default=0)  # unchanged staff members
    held: Mapped[int] = mapped_column(Integer, default=0)
    started_at: Mapped[dt.datetime] = mapped_column(DateTime)
    finished_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    heartbeat_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    runner_pid: Mapped[int | None] = mapped_column(Integer)
    runner_host: Mapped[str | None] = mapped_column(String(255))
    resumed: Mapped[int] = mapped_column(Integer, default=0)
    message: Mapped[str | None] = mapped_column(Text)


class CommitJobItem(Base):
    """One staff member of a job. Its state is written in the same transaction as the staff
    change, so after a crash each item is either applied and done or neither (exactly once)."""

    __tablename__ = "sync_job_items"
    __table_args__ = (
        UniqueConstraint("job_id", "staff_number", name="uq_sync_job_items_job_staff"),
        Index("ix_sync_job_items_pending", "job_id", "status", "seq"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    job_id: Mapped[int] = mapped_column(ForeignKey("sync_jobs.id", ondelete="CASCADE"))
    staff_number: Mapped[str] = mapped_column(String(40))
    seq: Mapped[int] = mapped_column(Integer)
    action: Mapped[str] = mapped_column(String(10))  # create, update
    # For an update, the areas validate found different (demographics, employment, positions,
    # household); the others are equal, so the commit leaves them out of the payload.
    areas: Mapped[str | None] = mapped_column(String(80))
    status: Mapped[str] = mapped_column(String(10), default="pending")  # pending, done, failed
    message: Mapped[str | None] = mapped_column(Text)
    done_at: Mapped[dt.datetime | None] = mapped_column(DateTime)


__all__ = [
    "CommitJob",
    "CommitJobItem",
    "SyncHold",
    "SyncRejection",
    "SyncReportRow",
    "SyncReview",
    "SyncRun",
    "SyncStaged",
    "SyncStagedAddress",
    "SyncStagedEmployment",
    "SyncStagedPosition",
    "SyncWork",
]
