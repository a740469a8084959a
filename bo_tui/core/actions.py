"""The capability side of the core (R-SYNC-13, STYLE "Core"): what may be done now, and why not.
Screens draw keys, footers and palette entries from it; the CLI and the API their refusals."""

from __future__ import annotations

from collections.abc import Iterable

from pydantic import BaseModel

from .errors import Conflict, FieldError, Forbidden


class Action(BaseModel):
    """One thing a user can ask for: ``enabled`` now, or not, with the ``reason`` in the user's
    words. ``key`` is the console key; ``rule`` the rule id a refusal cites."""

    id: str
    label: str
    key: str = ""
    verb: str = ""  # what a refusal says cannot be done ("end the transfer"); else the label
    enabled: bool = True
    reason: str = ""
    rule: str = ""
    # A refusal for want of a right (403) rather than for the state of things (409).
    forbidden: bool = False
    # False: not offered here at all (reopen on an open case): a screen hides its key.
    offered: bool = True

    def refusal(self) -> Conflict | Forbidden:
        """The error an adapter raises or prints when this action is asked for anyway."""
        msg = f"cannot {self.verb or self.label.lower()}: {self.reason}"
        err = FieldError("state" if not self.forbidden else "user", msg, self.rule or "R-SYNC-13")
        return Forbidden(msg, [err]) if self.forbidden else Conflict(msg, [err])


def by_id(actions: Iterable[Action]) -> dict[str, Action]:
    return {a.id: a for a in actions}


def require(actions: Iterable[Action], action_id: str) -> Action:
    """The action ``action_id``, or its refusal raised."""
    found = by_id(actions).get(action_id)
    if found is None:
        raise KeyError(action_id)
    if not found.enabled:
        raise found.refusal()
    return found
