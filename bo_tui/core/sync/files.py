"""Transfer from an HR file (R-SYNC-2, SPEC section 9): JSON (``hr_json``) or CSV (``hr_csv``),
streamed in batches, checked by worker processes (``workers``) and staged in file order."""

from __future__ import annotations

import io
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Any, TextIO

from pydantic import BaseModel

from ...store.db import Store
from ..errors import RuleViolation
from . import batch_sizes
from .hr_csv import iter_csv
from .hr_json import iter_json
from .staging import Origin, Rejected, transfer
from .states import TRANSFERRING, require
from .workers import INFLIGHT, check_batch, gc_paused, pool_workers, shutdown, start_pool


class FileTransferResult(BaseModel):
    accepted: int = 0
    rejectedCount: int = 0
    rejected: list[Rejected] = []  # the first ones (all are in the error log)
    records: int = 0


class _Counting(io.RawIOBase):
    """Counts the bytes read, for the progress line (text files cannot ``tell`` mid-CSV)."""

    def __init__(self, raw):
        self._raw = raw
        self.read_bytes = 0

    def readable(self) -> bool:
        return True

    def readinto(self, b) -> int:
        n = self._raw.readinto(b) or 0
        self.read_bytes += n
        return n

    def close(self) -> None:
        self._raw.close()
        super().close()


def detect_format(path: Path) -> str:
    """By the suffix; else a file whose first character is ``[`` is JSON."""
    suffix = path.suffix.lower()
    if suffix in (".csv", ".json"):
        return suffix[1:]
    with open(path, "rb") as fh:
        head = fh.read(4096).lstrip(b"\xef\xbb\xbf \t\r\n")
    return "json" if head.startswith(b"[") else "csv"


def iter_file(
    path: str | Path, fh: TextIO, fmt: str | None = None, *, texts: bool = False
) -> Iterator[tuple[Any, Origin]]:
    """The records of an HR file (``texts``: JSON objects as their text, see ``iter_json``)."""
    path = Path(path)
    fmt = fmt or detect_format(path)
    if fmt == "json":
        return iter_json(fh, path.name, texts=texts)
    return iter_csv(fh, path.name)


@gc_paused()
def transfer_file(
    store: Store,
    path: str | Path,
    *,
    fmt: str | None = None,
    progress: Callable[[int, int], None] | None = None,
    keep_rejected: int = 200,
    workers: bool = True,
) -> FileTransferResult:
    """Stream an HR file into the open sync in batches, one transaction per ~10,000 records,
    so memory stays flat and a huge file never holds one long write lock. Big files are
    checked by worker processes (``workers=False``: all in this process)."""
    path = Path(path)
    size = path.stat().st_size
    fmt = fmt or detect_format(path)
    with store.session() as session:
        sync_id = require(session, "transfer staff members", TRANSFERRING, lock=False).id
    processes = pool_workers() if workers else 0
    pool = start_pool(store, size, processes) if workers else None
    run = _FileTransfer(store, path, sync_id, size, pool, processes)
    run.progress, run.keep_rejected = progress, keep_rejected
    try:
        run.counting = _Counting(open(path, "rb"))  # noqa: SIM115 (closed through the wrapper)
        with io.TextIOWrapper(
            io.BufferedReader(run.counting), encoding="utf-8-sig", newline=""
        ) as fh:
            run.read(iter_file(path, fh, fmt, texts=True))
    finally:
        shutdown(run.pool)
    if progress:
        progress(size, size)
    return run.result


# A batch on its way: its records, their origins, and the worker's check (None: check here).
_Pending = tuple[list[Any], list[Origin], Future | None]
_Checked = tuple[list[Any], list[Origin], list | None]


class _FileTransfer:
    """The steps of one file's transfer: read batches in file order (``read``), hand each to a
    worker (``submit``), take the checks back in the same order (``drain_one``), and stage them
    in groups of about FILE_WRITE_RECORDS records, one transaction per group (``write_group``)."""

    def __init__(
        self,
        store: Store,
        path: Path,
        sync_id: int,
        size: int,
        pool: ProcessPoolExecutor | None,
        processes: int,
    ):
        self.store, self.path, self.sync_id, self.size = store, path, sync_id, size
        self.pool, self.processes = pool, processes
        self.progress: Callable[[int, int], None] | None = None
        self.keep_rejected = 200
        self.counting: _Counting | None = None
        self.result = FileTransferResult()
        self.pending: deque[_Pending] = deque()
        self.group: list[_Checked] = []

    def read(self, records: Iterator[tuple[Any, Origin]]) -> None:
        batch: list[Any] = []
        origins: list[Origin] = []
        size = batch_sizes.FILE_CHECK_RECORDS
        while True:
            try:
                rec, origin = next(records)
            except StopIteration:
                break
            except Exception:
                # A broken file: the batches read before the error are staged, as they are
                # without workers; then the error.
                self.finish()
                raise
            batch.append(rec)
            origins.append(origin)
            if len(batch) >= size:
                self.submit(batch, origins)
                batch, origins = [], []
        if batch:
            self.submit(batch, origins)
        self.finish()

    def finish(self) -> None:
        while self.pending:
            self.drain_one()
        self.write_group()

    def submit(self, batch: list[Any], origins: list[Origin]) -> None:
        future = None
        if self.pool is not None:
            try:
                future = self.pool.submit(check_batch, self.sync_id, batch)
            except (BrokenProcessPool, RuntimeError, OSError):
                self._lose_pool()
        self.pending.append((batch, origins, future))
        # INFLIGHT batches per worker: workers never wait, memory stays bounded.
        while len(self.pending) > (INFLIGHT * self.processes if self.pool is not None else 0):
            self.drain_one()

    def drain_one(self) -> None:
        batch, origins, future = self.pending.popleft()
        checked = None
        if future is not None:
            try:
                checked = future.result()
            except (BrokenProcessPool, OSError, EOFError):
                # A worker died (killed, out of memory): this batch and the rest here.
                self._lose_pool()
            except Exception:  # noqa: BLE001 - e.g. its store was busy: this batch is checked
                checked = None  # here, where a real error is raised again as it would be
        self.group.append((batch, origins, checked))
        if sum(len(b) for b, _o, _c in self.group) >= batch_sizes.FILE_WRITE_RECORDS:
            self.write_group()

    def _lose_pool(self) -> None:
        shutdown(self.pool)
        self.pool = None

    def write_group(self) -> None:
        items = self.group[:]
        self.group.clear()
        done: list = []
        try:
            self._stage(items, done)
        except RuleViolation:
            # A record that is not JSON rolled the group back: the batches before its own are
            # staged all the same (as when a file is written batch by batch); then the error.
            before = items[: len(done)]
            if before:
                self._counted(self._stage(before, []), before)
            raise
        self._counted(done, items)

    def _stage(self, items: list[_Checked], done: list) -> list:
        with self.store.transaction() as session:
            for batch, origins, checked in items:
                done.append(
                    transfer(
                        session,
                        batch,
                        origins=origins,
                        action="FILE",
                        path=self.path.name,
                        limit=None,
                        checked=checked,
                        checked_for=self.sync_id,
                    )
                )
        return done

    def _counted(self, done: list, items: list[_Checked]) -> None:
        result = self.result
        for r, (batch, _o, _c) in zip(done, items, strict=True):
            result.accepted += r.accepted
            result.rejectedCount += len(r.rejected)
            room = self.keep_rejected - len(result.rejected)
            if room > 0:
                result.rejected.extend(r.rejected[:room])
            result.records += len(batch)
        if self.progress:
            read = self.counting.read_bytes if self.counting else self.size
            self.progress(min(read, self.size), self.size)


__all__ = [
    "FileTransferResult",
    "detect_format",
    "iter_csv",
    "iter_file",
    "iter_json",
    "pool_workers",
    "transfer_file",
]
