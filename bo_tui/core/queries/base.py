"""The read side's common shape (STYLE.md "Core", SPEC section 10's lists): a query object per
list with ``count``, ``page`` and ``find``, each taking the session to read with."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Generic, TypeVar

from sqlalchemy.orm import Session

T = TypeVar("T")
SCAN = 500  # rows per read when ``find`` walks the pages of a list


class ListQuery(Generic[T]):
    """A list as a screen, the API or an export shows it, with the filters the screen offers
    as its fields. ``find`` walks ``page`` and tests ``texts``; a query over a big table
    overrides it with one database search."""

    def count(self, session: Session) -> int:
        raise NotImplementedError

    def page(
        self, session: Session, offset: int = 0, limit: int = 100, sort: str | None = None
    ) -> list[T]:
        raise NotImplementedError

    def texts(self, item: T) -> Sequence[Any]:
        """The values of an item that ``find`` looks in."""
        raise NotImplementedError

    def find(
        self,
        session: Session,
        text: str,
        start: int = -1,
        direction: int = 1,
        sort: str | None = None,
    ) -> int | None:
        """The index of the next item holding ``text`` (case-insensitive) strictly after
        ``start`` (``direction`` 1) or before it (-1), in ``sort`` order; None when none does."""
        needle = (text or "").strip().lower()
        if not needle:
            return None
        return scan(
            lambda o, n: self.page(session, o, n, sort),
            lambda item: any(needle in str(v).lower() for v in self.texts(item) if v is not None),
            start,
            direction,
            self.count(session),
        )


def scan(
    read: Callable[[int, int], Sequence[T]],
    hit: Callable[[T], bool],
    start: int,
    direction: int,
    total: int,
) -> int | None:
    """Walk the pages of ``read`` from ``start`` in ``direction`` to the first ``hit``."""
    index = start + (1 if direction > 0 else -1)
    while 0 <= index < total:
        base = (index // SCAN) * SCAN
        rows = read(base, SCAN)
        i = index - base
        while 0 <= i < len(rows):
            if hit(rows[i]):
                return base + i
            i += 1 if direction > 0 else -1
        if not rows:
            return None
        index = base + SCAN if direction > 0 else base - 1
    return None
