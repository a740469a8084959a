"""Who may do what with the history (R-HIST-3): reading it is a tool right of its own, reverting
needs the sync commit right; and what a sync's row offers now (R-HIST-2, R-SYNC-13's shape)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from .. import rights as R
from ..actions import Action
from ..errors import FieldError, Forbidden
from ..users import UserInfo, acting_user
from .queries import SyncSummary


def _lacks(user: UserInfo | None, right: str, login: str | None = None) -> str:
    if user is None:
        return f"{login or 'this login'} is not a Campus user: ask a user administrator"
    if not user.active:
        return f"{user.username}'s account is inactive"
    if not user.can(right):
        return f"{user.username} lacks the tool right '{R.ALL[right]}'"
    return ""


def can_read_history(user: UserInfo | None, login: str | None = None) -> Action:
    """The right to read the change history (R-HIST-3), as an action a screen can show."""
    reason = _lacks(user, R.HISTORY_READ, login)
    return Action(
        id="history",
        label="Sync History",
        verb="read the change history",
        enabled=not reason,
        reason=reason,
        rule="R-HIST-3",
        forbidden=bool(reason),
    )


def _revert_reason(summary: SyncSummary) -> str:
    if summary.revertedBy is not None:
        return f"already reverted (revert #{summary.revertedBy})"
    if summary.state != "committed":
        return f"it is {summary.state}, not committed: only a committed sync goes back"
    if not summary.changes:
        return "it changed nothing that is still in the history"
    return ""


def history_actions(summary: SyncSummary, user: UserInfo | None) -> list[Action]:
    """Show (Enter), export (e) and revert (v) for one row of Sync History and the acting
    user: reading needs the history right, reverting the sync commit right too (R-HIST-3)."""
    read = _lacks(user, R.HISTORY_READ)
    write = read or _lacks(user, R.BOI_ADMIN)
    state = _revert_reason(summary)
    what = "revert" if summary.kind == "revert" else "sync"
    return [
        Action(
            id="show",
            label="Show changes",
            key="enter",
            verb=f"show the changes of {what} #{summary.syncId}",
            enabled=not read,
            reason=read,
            rule="R-HIST-3",
            forbidden=bool(read),
        ),
        Action(
            id="export",
            label="Export changes",
            key="e",
            verb=f"export the changes of {what} #{summary.syncId}",
            enabled=not read,
            reason=read,
            rule="R-HIST-3",
            forbidden=bool(read),
        ),
        Action(
            id="revert",
            label="Revert",
            key="v",
            verb=f"revert {what} #{summary.syncId}",
            enabled=not (write or state),
            reason=write or state,
            rule="R-HIST-3" if write else "R-HIST-2",
            forbidden=bool(write),
            offered=summary.state == "committed",
        ),
    ]


def require_read(session: Session, login: str) -> UserInfo:
    """The acting user when they may read history, else Forbidden (R-HIST-3)."""
    user = acting_user(session, login)
    act = can_read_history(user, login)
    if not act.enabled:
        raise act.refusal()
    return user


def require_revert(session: Session, login: str) -> UserInfo:
    """The acting user when they may revert a sync (history and sync commit rights)."""
    user = acting_user(session, login)
    reason = _lacks(user, R.HISTORY_READ, login) or _lacks(user, R.BOI_ADMIN, login)
    if reason:
        msg = f"cannot revert a sync: {reason}"
        raise Forbidden(msg, [FieldError("user", msg, "R-HIST-3")])
    return user


__all__ = ["can_read_history", "history_actions", "require_read", "require_revert"]
