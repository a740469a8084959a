"""One HR file's transfer is atomic (R-SYNC-2, issue 18): the sync as it was before the file is
marked, earlier files' records the file replaces are kept aside, and a file that fails is undone."""

# The file is staged batch by batch (a 150 MB file never sits in memory or in one transaction);
# what makes it undoable is its own seq range, and a spill file on disk of the staged rows of
# earlier files it replaced, so those come back as they were.

from __future__ import annotations

import os
import pickle
import tempfile
from typing import Any

from sqlalchemy import delete, func, insert, select
from sqlalchemy.orm import Session

from ...store.db import Store
from ...store.models.sync import (
    SyncRejection,
    SyncRun,
    SyncStaged,
    SyncStagedAddress,
    SyncStagedEmployment,
    SyncStagedPosition,
)
from .batch_sizes import IN_LIST

_STAGED = SyncStaged.__table__
_CHILDREN = (
    SyncStagedEmployment.__table__,
    SyncStagedPosition.__table__,
    SyncStagedAddress.__table__,
)
_REJ = SyncRejection.__table__


class FileMark:
    """The sync before one file: its counters, the first seq the file stages with, the last
    rejection row; ``keep`` spills replaced rows of earlier files, ``undo`` puts it all back."""

    def __init__(self, session: Session, sync_id: int):
        run = session.get(SyncRun, sync_id)
        self.sync_id = sync_id
        self.transferred = run.transferred or 0
        self.rejected = run.rejected or 0
        top = session.scalar(select(func.max(_STAGED.c.seq)).where(_STAGED.c.sync_id == sync_id))
        self.seq0 = 0 if top is None else top + 1
        self.rejection0 = (
            session.scalar(select(func.max(_REJ.c.id)).where(_REJ.c.sync_id == sync_id)) or 0
        )
        self._spill: Any = None

    def keep(self, session: Session, staff_numbers: list[str]) -> None:
        """Before an earlier file's staged records are replaced: their rows go to the spill."""
        if self._spill is None:
            fd, name = tempfile.mkstemp(prefix="bo-tui-undo-", suffix=".pickle")
            os.unlink(name)  # gone with the process, whatever happens
            self._spill = os.fdopen(fd, "w+b")
        for start in range(0, len(staff_numbers), IN_LIST):
            part = staff_numbers[start : start + IN_LIST]
            for table in (_STAGED, *_CHILDREN):
                cols = [c for c in table.c if c.name != "id"]
                rows = session.execute(
                    select(*cols).where(
                        table.c.sync_id == self.sync_id, table.c.staff_number.in_(part)
                    )
                ).all()
                if rows:
                    names = [c.name for c in cols]
                    pickle.dump(
                        (table.name, [dict(zip(names, r, strict=True)) for r in rows]), self._spill
                    )

    def undo(self, store: Store) -> None:
        """Drop what the file staged and rejected, bring back what it replaced, and the counts."""
        with store.transaction() as session:
            run = session.get(SyncRun, self.sync_id, with_for_update=True)
            if run is None:
                return
            mine = select(_STAGED.c.staff_number).where(
                _STAGED.c.sync_id == self.sync_id, _STAGED.c.seq >= self.seq0
            )
            for table in _CHILDREN:
                session.execute(
                    delete(table).where(
                        table.c.sync_id == self.sync_id, table.c.staff_number.in_(mine)
                    )
                )
            session.execute(
                delete(_STAGED).where(_STAGED.c.sync_id == self.sync_id, _STAGED.c.seq >= self.seq0)
            )
            session.execute(
                delete(_REJ).where(_REJ.c.sync_id == self.sync_id, _REJ.c.id > self.rejection0)
            )
            self._restore(session)
            run.transferred, run.rejected = self.transferred, self.rejected

    def _restore(self, session: Session) -> None:
        if self._spill is None:
            return
        self._spill.seek(0)
        tables = {t.name: t for t in (_STAGED, *_CHILDREN)}
        back: set[str] = set()  # staff numbers restored (a replace rolled back left its rows)
        while True:
            try:
                name, rows = pickle.load(self._spill)
            except EOFError:
                break
            table = tables[name]
            if table is _STAGED:
                present = set(
                    session.scalars(
                        select(_STAGED.c.staff_number).where(
                            _STAGED.c.sync_id == self.sync_id,
                            _STAGED.c.staff_number.in_([r["staff_number"] for r in rows]),
                        )
                    )
                )
                rows = [r for r in rows if r["staff_number"] not in present]
                back.update(r["staff_number"] for r in rows)
            else:
                rows = [r for r in rows if r["staff_number"] in back]
            if rows:
                session.execute(insert(table), rows)

    def close(self) -> None:
        if self._spill is not None:
            self._spill.close()
            self._spill = None
