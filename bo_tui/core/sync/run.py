"""One HR file through the whole sync (SPEC section 9's ``sync run``; R-SYNC-1 … R-SYNC-6):
start, transfer, end, validate and optionally commit, shared by the CLI and the TUI."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from pydantic import BaseModel
from sqlalchemy import delete

from ...store.db import Store
from ...store.models.sync import SyncRun
from ..errors import CoreError, FieldError, RuleViolation
from . import export, files
from .commit import CommitResult, job_status, submit_commit_job, wait
from .commit import commit as commit_sync
from .commit import result as result_of
from .files import FileTransferResult
from .report import Report
from .states import action, current, discard_staged, end, open_run, start
from .validate import validate

Progress = Callable[[int, int], None]


class RunOutcome(BaseModel):
    """What ``run_file`` did: the files' transfer, the validation report (summary), and the
    commit's result when one was asked for."""

    syncId: int
    transfer: FileTransferResult
    report: Report
    commit: CommitResult | None = None


def _open_for_run(store: Store, by: str) -> tuple[int, bool]:
    """The sync this run fills: a new one, or the open one when it is transferring and still
    empty (as ``sync restart`` leaves it). Returns (sync id, whether this run started it)."""
    with store.transaction() as session:
        info = current(session)
        restarted = action(info, "transfer").enabled and not info.transferred
        if info.syncId is not None and not action(info, "start").enabled and restarted:
            return info.syncId, False
        return start(session, by).syncId, True


def _forget(store: Store, sync_id: int) -> None:
    """A run that fails before its sync is validated leaves the store as it found it: the
    sync it opened is gone (the error log keeps what was rejected, R-LOG-1)."""
    with store.transaction() as session:
        run = open_run(session, lock=True)
        if run is not None and run.id == sync_id:
            discard_staged(session, sync_id)
            session.execute(delete(SyncRun).where(SyncRun.id == sync_id))


def _empty_again(store: Store, sync_id: int) -> None:
    """A run into a sync it did not open leaves that sync transferring and empty, as it was."""
    with store.transaction() as session:
        run = open_run(session, lock=True)
        if run is not None and run.id == sync_id:
            discard_staged(session, sync_id)
            run.transferred = run.rejected = 0


def _added(a: FileTransferResult, b: FileTransferResult) -> FileTransferResult:
    """Several files add up into one sync (SPEC section 9)."""
    return FileTransferResult(
        accepted=a.accepted + b.accepted,
        rejectedCount=a.rejectedCount + b.rejectedCount,
        rejected=[*a.rejected, *b.rejected][:200],
        records=a.records + b.records,
        replaced=a.replaced + b.replaced,
        duplicateStaffNumbers=a.duplicateStaffNumbers + b.duplicateStaffNumbers,
    )


def _all_rejected(moved: FileTransferResult) -> RuleViolation:
    """Every record was rejected: say so with the first one's line, not only "nothing to end"."""
    first = moved.rejected[0].errors[0] if moved.rejected and moved.rejected[0].errors else {}
    where = f"line {first['line']}: " if first.get("line") else ""
    what = f"{first.get('field', '')}: {first.get('message', '')}".strip(": ")
    message = (
        f"every record was rejected ({moved.rejectedCount:,}); the first: {where}{what} "
        "(all of them are in the error log: `bo-tui errors`)"
    )
    return RuleViolation([FieldError("file", message, "R-SYNC-2")], message)


def check_paths(
    paths: Sequence[str | Path], report_to: str | None, encoding: str | None = None
) -> None:
    """Usage checks before anything is started: a missing file, a bad report name, an unknown
    encoding, a bad worker count (CoreError naming the file or the setting)."""
    if encoding:
        files.file_encoding(Path("."), encoding)
    for p in paths:
        if not Path(p).is_file():
            raise RuleViolation([FieldError("file", f"{p}: no such file", "R-SYNC-2")])
    if report_to:
        try:
            export.format_of(report_to)
        except ValueError as exc:
            raise RuleViolation([FieldError("report", str(exc), "R-SYNC-4")]) from None
    files.pool_workers()


def commit_now(
    store: Store,
    by: str,
    *,
    job: bool = False,
    force: bool = False,
    progress: Progress | None = None,
    poll: float = 0.25,
) -> CommitResult:
    """Commit the validated sync (R-SYNC-5), or as a background job waited for (R-SYNC-6),
    reporting progress; a job that stops is a CoreError naming its state."""
    if not job:
        return commit_sync(store, by, force=force, progress=progress)
    job_id = submit_commit_job(store, by, force=force)
    while not wait(job_id, poll):
        with store.session() as session:
            st = job_status(session, job_id)
        if progress and st is not None:
            progress(st.processed, st.total)
    with store.session() as session:
        st = job_status(session, job_id)
        if st is None or st.status != "completed":
            state = st.status if st else "lost"
            raise CoreError(
                f"commit job {job_id} {state}: {(st.message if st else '') or ''}".strip()
            )
        if progress:
            progress(st.total, st.total)
        return result_of(session, job_id)


def run_file(
    store: Store,
    paths: Sequence[str | Path],
    *,
    by: str,
    commit: bool = False,
    job: bool = False,
    force: bool = False,
    report_to: str | None = None,
    progress: Progress | None = None,
    commit_progress: Progress | None = None,
    encoding: str | None = None,
) -> RunOutcome:
    """Start (or continue an empty, restarted sync), transfer every file, end, validate, write
    the report file, and commit when asked. A failure before validation leaves no half-filled
    sync behind, so the same command can simply be run again (issue: no dead end)."""
    check_paths(paths, report_to)
    sync_id, started = _open_for_run(store, by)
    moved = FileTransferResult()
    try:
        for p in paths:
            moved = _added(
                moved, files.transfer_file(store, p, progress=progress, encoding=encoding)
            )
        if moved.rejectedCount and not moved.accepted:
            raise _all_rejected(moved)
        with store.transaction() as session:
            end(session)
    except BaseException:
        (_forget if started else _empty_again)(store, sync_id)
        raise
    with store.transaction() as session:
        rep = validate(session, details=False)
        if report_to:
            export.export(session, report_to)
    result = (
        commit_now(store, by, job=job, force=force, progress=commit_progress) if commit else None
    )
    return RunOutcome(syncId=sync_id, transfer=moved, report=rep, commit=result)
