"""What a ``BigTable`` shows and reads (SPEC sections 10–11): its columns, rows of one or more
lines with changed cells, the paged backend it reads through, and the rows a user has seen."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True, slots=True)
class Column:
    key: str
    label: str
    width: int


@dataclass(frozen=True, slots=True)
class Row:
    """One row of the table: ``lines`` holds one tuple of cell texts per display line (a report
    entry shows its Campus line above its HR line); ``changed`` the keys of differing columns."""

    key: str | None
    lines: tuple[tuple[str, ...], ...]
    changed: frozenset[str] = frozenset()
    data: Any = None


@dataclass
class TableSource:
    """The backend: ``count()`` and ``page(offset, limit)`` over the store (called in worker
    threads, each opening its own session); ``find(text, start, direction)`` returns the index of
    the next matching row strictly after (direction 1) or before (-1) ``start``, or None;
    ``find_changed(start, direction)`` likewise for rows with a changed cell."""

    count: Callable[[], int]
    page: Callable[[int, int], Sequence[Row]]
    find: Callable[[str, int, int], int | None] | None = None
    find_changed: Callable[[int, int], int | None] | None = None
    has_changes: bool = True


@dataclass
class Seen:
    """Rows shown on screen, as merged intervals: flat in memory however many rows."""

    spans: list[list[int]] = field(default_factory=list)

    def add(self, lo: int, hi: int) -> list[range]:
        """Note rows ``lo`` … ``hi - 1`` as shown; returns the parts not shown before."""
        if hi <= lo:
            return []
        new, at = [], lo
        for a, b in self.spans:
            if b <= at or a >= hi:
                continue
            if a > at:
                new.append(range(at, a))
            at = max(at, b)
        if at < hi:
            new.append(range(at, hi))
        spans = sorted([*self.spans, [lo, hi]])
        merged: list[list[int]] = []
        for a, b in spans:
            if merged and a <= merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], b)
            else:
                merged.append([a, b])
        self.spans = merged
        return new

    @property
    def total(self) -> int:
        return sum(b - a for a, b in self.spans)


def matches(text: str) -> Callable[[Row], bool]:
    """A row holds ``text`` in one of its cells (case-insensitive): the fallback search."""
    needle = text.lower()

    def pred(row: Row) -> bool:
        return any(needle in str(cell or "").lower() for line in row.lines for cell in line)

    return pred
