"""The staff synchronization engine (SPEC section 6, R-SYNC-1 … R-SYNC-11): states, staging,
HR files, Check Campus Data, validation report, mass-change guard, commit jobs and exports."""

from .check import CampusCheck, check_campus
from .commit import (
    CommitResult,
    JobStatus,
    SyncStatus,
    commit,
    job_status,
    resume,
    resume_interrupted,
    status,
    submit_commit_job,
    wait,
)
from .files import FileTransferResult, transfer_file
from .guard import GuardCounts, confirm_guard, guard_counts
from .report import CATEGORIES, SUMMARY_KEYS, Report
from .report_query import (
    ReportQuery,
    ReviewProgress,
    count,
    mark_reviewed,
    page,
    report,
    review_progress,
)
from .staging import TransferResult, rejections, transfer
from .states import SyncInfo, current, end, restart, set_hold, start
from .validate import validate

__all__ = [
    "CATEGORIES",
    "SUMMARY_KEYS",
    "CampusCheck",
    "CommitResult",
    "FileTransferResult",
    "GuardCounts",
    "JobStatus",
    "Report",
    "ReportQuery",
    "ReviewProgress",
    "SyncInfo",
    "SyncStatus",
    "TransferResult",
    "check_campus",
    "commit",
    "confirm_guard",
    "count",
    "current",
    "end",
    "guard_counts",
    "job_status",
    "mark_reviewed",
    "page",
    "rejections",
    "report",
    "restart",
    "resume",
    "resume_interrupted",
    "review_progress",
    "set_hold",
    "start",
    "status",
    "submit_commit_job",
    "transfer",
    "transfer_file",
    "validate",
    "wait",
]
