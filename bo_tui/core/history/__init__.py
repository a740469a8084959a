"""Every change on record and a committed sync taken back (R-HIST-1..3): the read side (Sync
History, change rows), revert with its preview and job, the rights, and the exports."""

from .actions import can_read_history, history_actions, require_read, require_revert
from .export import export_changes
from .queries import (
    ChangeOut,
    ChangeQuery,
    SyncHistoryQuery,
    SyncSummary,
    areas_and_fields,
    sync_summary,
)
from .revert import (
    RevertConflict,
    RevertFailure,
    RevertPreview,
    RevertResult,
    preview_revert,
    refusal,
    revert,
    revert_result,
    submit_revert_job,
)

__all__ = [
    "ChangeOut",
    "ChangeQuery",
    "RevertConflict",
    "RevertFailure",
    "RevertPreview",
    "RevertResult",
    "SyncHistoryQuery",
    "SyncSummary",
    "areas_and_fields",
    "can_read_history",
    "export_changes",
    "history_actions",
    "preview_revert",
    "refusal",
    "require_read",
    "require_revert",
    "revert",
    "revert_result",
    "submit_revert_job",
    "sync_summary",
]
