"""Messages the app's workers post back to screens: past-tense dataclasses; progress
messages coalesce (``can_replace``)."""

from __future__ import annotations

from textual.message import Message


class ProgressMade(Message):
    """Progress of long work (demo load, transfer, commit job); newer replaces older."""

    def __init__(self, group: str, done: int, total: int, label: str = "") -> None:
        super().__init__()
        self.group = group
        self.done = done
        self.total = total
        self.label = label

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, ProgressMade) and message.group == self.group


class DataChanged(Message):
    """Something in the store changed (demo loaded, commit done): screens refresh."""

    def __init__(self, what: str = "") -> None:
        super().__init__()
        self.what = what


class WorkerFailed(Message):
    """A worker of a screen or widget failed: the App's one handler reports it."""

    def __init__(self, error: BaseException | None, what: str = "") -> None:
        super().__init__()
        self.error = error
        self.what = what
