"""Transfer from an HR file (R-SYNC-2, SPEC section 9): JSON (``hr_json``) or CSV (``hr_csv``),
streamed in batches, checked by worker processes (``workers``) and staged in file order."""

from __future__ import annotations

import codecs
import io
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Any, TextIO

from pydantic import BaseModel

from ...store.db import Store
from ..errors import FieldError, RuleViolation
from . import batch_sizes
from .file_undo import FileMark
from .hr_csv import iter_csv
from .hr_duplicates import FileDuplicates, digest
from .hr_json import file_error, iter_json
from .staging import Origin, Rejected, check_records, transfer
from .states import TRANSFERRING, note_source, require
from .workers import INFLIGHT, check_batch, gc_paused, pool_workers, shutdown, start_pool


class FileTransferResult(BaseModel):
    accepted: int = 0
    rejectedCount: int = 0
    rejected: list[Rejected] = []  # the first ones (all are in the error log)
    records: int = 0
    # Records replaced by a later copy of their staff number in the same file, and how many
    # staff numbers that was (report category hrDuplicateStaffNumbers).
    replaced: int = 0
    duplicateStaffNumbers: int = 0


# Byte order marks and what they say (UTF-16 is what Windows tools save as "Unicode").
_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_UTF8 = {"utf-8", "utf8", "utf_8", "utf-8-sig", "utf_8_sig"}


def file_encoding(path: Path, encoding: str | None = None) -> str:
    """The encoding to read an HR file with: ``encoding`` when given (a UTF-8 one tolerates a
    BOM), else what its byte order mark says, else UTF-8."""
    if encoding:
        try:
            name = codecs.lookup(encoding).name
        except LookupError:
            message = f"{encoding!r} is not an encoding this system knows (e.g. cp1252, latin-1)"
            raise RuleViolation([FieldError("encoding", message, "R-SYNC-2")], message) from None
        return "utf-8-sig" if name in _UTF8 else name
    with open(path, "rb") as fh:
        head = fh.read(4)
    for bom, name in _BOMS:
        if head.startswith(bom):
            return name
    return "utf-8"


def _encoding_error(path: Path, encoding: str) -> RuleViolation:
    """Where the file stops being ``encoding``: its line and byte offset, found by reading it
    again in pieces (only on this error path), and what to do about it."""
    dec = codecs.getincrementaldecoder(encoding)("strict")
    offset, line, bad = 0, 1, None
    with open(path, "rb") as fh:
        while bad is None:
            piece = fh.read(1 << 16)
            try:
                line += dec.decode(piece, final=not piece).count("\n")
            except UnicodeDecodeError as exc:
                before = exc.object[: exc.start]
                line += before.decode(encoding, errors="replace").count("\n")
                bad = (offset - (len(exc.object) - len(piece)) + exc.start, exc.object[exc.start])
            if not piece:
                break
            offset += len(piece)
    at, byte = bad if bad is not None else (offset, 0)
    what = "UTF-8" if encoding in _UTF8 else encoding
    message = (
        f"{path.name}: line {line}, byte {at:,}: the file is not {what} (byte 0x{byte:02x} "
        "cannot be read); say which encoding it was saved in, e.g. --encoding cp1252 "
        "(Windows, Latin-1)"
    )
    return RuleViolation([FieldError("encoding", message, "R-SYNC-2")], message)


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


def detect_format(path: Path, encoding: str = "utf-8") -> str:
    """By the suffix; else a file whose first character is ``[`` is JSON."""
    suffix = path.suffix.lower()
    if suffix in (".csv", ".json"):
        return suffix[1:]
    with open(path, "rb") as fh:
        head = fh.read(4096).decode(encoding, errors="ignore")
    return "json" if head.lstrip("\ufeff \t\r\n").startswith("[") else "csv"


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
    encoding: str | None = None,
    progress: Callable[[int, int], None] | None = None,
    keep_rejected: int = 200,
    workers: bool = True,
) -> FileTransferResult:
    """Stream an HR file into the open sync in batches, one transaction per ~10,000 records,
    so memory stays flat and a huge file never holds one long write lock. Big files are
    checked by worker processes (``workers=False``: all in this process). The file is atomic:
    one that cannot be read to its end is undone, the sync left as it was before it."""
    path = Path(path)
    size = path.stat().st_size
    enc = file_encoding(path, encoding)
    fmt = fmt or detect_format(path, enc)
    with store.session() as session:
        sync_id = require(session, "transfer staff members", TRANSFERRING, lock=False).id
        mark = FileMark(session, sync_id)
    processes = pool_workers() if workers else 0
    pool = start_pool(store, size, processes) if workers else None
    run = _FileTransfer(store, path, sync_id, size, pool, processes)
    run.progress, run.keep_rejected, run.mark = progress, keep_rejected, mark
    try:
        run.counting = _Counting(open(path, "rb"))  # noqa: SIM115 (closed through the wrapper)
        with io.TextIOWrapper(io.BufferedReader(run.counting), encoding=enc, newline="") as fh:
            run.read(iter_file(path, fh, fmt, texts=True))
        with store.transaction() as session:
            run.duplicates.write(session, sync_id)
            note_source(session, sync_id, path.name)
    except BaseException as exc:
        shutdown(run.pool)
        run.pool = None
        mark.undo(store)
        raise _not_staged(path, exc, enc) from None
    finally:
        shutdown(run.pool)
        mark.close()
    if progress:
        progress(size, size)
    run.result.replaced = run.duplicates.replaced
    run.result.duplicateStaffNumbers = len(run.duplicates.found)
    return run.result


NOT_STAGED = "nothing from this file was staged: the sync is as it was before it"


def _not_staged(path: Path, exc: BaseException, encoding: str) -> BaseException:
    """The error of a file that was undone, saying so; a file that cannot be decoded names its
    line and byte. Errors that are not the file's (the store, an interrupt) pass unchanged."""
    if isinstance(exc, UnicodeDecodeError):
        exc = _encoding_error(path, encoding)
    elif isinstance(exc, RecursionError | MemoryError):  # a limit the readers did not foresee
        exc = file_error(f"{path.name}: a record is too large or too deeply nested to read")
    if not isinstance(exc, RuleViolation):
        return exc
    message = f"{exc.message}; {NOT_STAGED}"
    return RuleViolation(exc.errors, message)


# A batch on its way: its records, their origins, and the worker's check (None: check here).
_Pending = tuple[list[Any], list[Origin], Future | None]
_Checked = tuple[list[Any], list[Origin], list | None]


def _line(origin: Origin) -> int | None:
    if origin.at is not None:
        return origin.at[2]
    tail = origin.path.rpartition(" line ")[2]
    return int(tail) if tail.isdigit() else None


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
        self.mark: FileMark | None = None
        self.seq = 0  # the file's records are staged with seq from mark.seq0 on, in file order
        self.duplicates = FileDuplicates(path.name)

    def read(self, records: Iterator[tuple[Any, Origin]]) -> None:
        batch: list[Any] = []
        origins: list[Origin] = []
        size = batch_sizes.FILE_CHECK_RECORDS
        for rec, origin in records:
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
        with self.store.transaction() as session:
            for batch, origins, checked in items:
                if checked is None:
                    checked = check_records(session, self.sync_id, batch)
                done.append(self._stage(session, batch, origins, checked))
        self._counted(done, items)

    def _stage(self, session, batch: list[Any], origins: list[Origin], checked: list):
        mark = self.mark
        floor = mark.seq0 if mark else 0
        seq0 = floor + self.seq
        base = self.seq
        self.seq += len(batch)
        staged: list = []
        r = transfer(
            session,
            batch,
            origins=origins,
            action="FILE",
            path=self.path.name,
            limit=None,
            checked=checked,
            checked_for=self.sync_id,
            seq0=seq0,
            keep=mark.keep if mark else None,
            floor=floor,
            found=staged,
        )
        self.duplicates.see_batch(
            floor,
            base,
            [
                (c[0], c[1][1], _line(o), digest(rec))
                if c is not None and c[0] is not None
                # A rejected record takes its place in the arrays but is never a copy.
                else (None, None, None, 0)
                for rec, o, c in zip(batch, origins, checked, strict=True)
            ],
            staged,
        )
        return r

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
    "NOT_STAGED",
    "FileTransferResult",
    "file_encoding",
    "detect_format",
    "iter_csv",
    "iter_file",
    "iter_json",
    "pool_workers",
    "transfer_file",
]
