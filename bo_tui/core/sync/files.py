"""HR files for a transfer (R-SYNC-2, SPEC section 9): a JSON array of staff members read by
an incremental decoder, and CSV where several rows of one staffNumber add employments and
positions; both streamed, never loaded whole. CSV errors carry their line and column."""

from __future__ import annotations

import csv
import gc
import io
import json
import multiprocessing
import os
import re
import threading
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

from pydantic import BaseModel
from sqlalchemy.engine import make_url

from ...store.db import Store
from ..errors import FieldError, RuleViolation
from .staging import Invalid, Origin, Rejected, check_records, not_json, transfer
from .states import TRANSFERRING, require

CSV_HEADER = (
    "staffNumber,lastName,firstName,middleName,gender,ssn,birthDate,workPhone,cellPhone,"
    "otherPhone,workEmail,personalEmail,hireDate,terminationDate,schoolNumber,assignmentCode,"
    "titleCode,titleDescription,startDate,endDate,fullStreetAddress,postOfficeBox,number,prefix,"
    "street,tag,direction,apt,city,state,zip,county"
).split(",")
DEMOGRAPHIC_COLUMNS = CSV_HEADER[1:12]
EMPLOYMENT_COLUMNS = ("hireDate", "terminationDate")
POSITION_COLUMNS = (
    "schoolNumber",
    "assignmentCode",
    "titleCode",
    "titleDescription",
    "startDate",
    "endDate",
)
ADDRESS_COLUMNS = tuple(CSV_HEADER[20:])
MAX_RECORD = 1 << 20  # one staff member's JSON never needs more than 1 MB
CHUNK = 1 << 16
BATCH = 2000


def _file_error(message: str) -> RuleViolation:
    return RuleViolation([FieldError("file", message, "R-SYNC-2")], message)


# --- JSON ------------------------------------------------------------------------------------


def iter_json(
    fh: TextIO, name: str = "file", *, texts: bool = False
) -> Iterator[tuple[Any, Origin]]:
    """Yield each element of a top-level JSON array with its origin (record number, line),
    chunk by chunk; memory stays at a chunk plus one record. ``texts``: an object element comes
    as its UTF-8 JSON text (bytes), found by a bracket-balancing pattern without decoding it,
    for ``staging.check_records`` to validate straight from the text (a text that is not valid
    JSON fails there, with this line and column); other elements come decoded."""
    dec = json.JSONDecoder()
    buf, pos, eof, line = "", 0, False, 1  # line = line number at ``pos``
    record = _RECORD.match

    def fill() -> bool:
        nonlocal buf, pos, eof
        if eof:
            return False
        data = fh.read(max(CHUNK, len(buf) - pos))
        if not data:
            eof = True
            return False
        buf = buf[pos:] + data
        pos = 0
        return True

    def skip_ws() -> str:
        nonlocal pos, line
        while True:
            m = _WS.match(buf, pos)
            end = m.end()
            line += buf.count("\n", pos, end)
            pos = end
            if pos < len(buf):
                return buf[pos]
            if not fill():
                return ""

    def where() -> str:
        col = pos - buf.rfind("\n", 0, pos)
        return f"{name}: line {line}, column {col}"

    def decoded(index: int) -> tuple[Any, int]:
        while True:
            try:
                value, end = dec.raw_decode(buf, pos)
                if end < len(buf) or eof or not fill():
                    return value, end
            except json.JSONDecodeError as exc:
                if eof or len(buf) - pos > MAX_RECORD or not fill():
                    col = exc.pos - buf.rfind("\n", 0, exc.pos)
                    at = line + buf.count("\n", pos, exc.pos)
                    raise _file_error(
                        f"{name}: line {at}, column {col}: record {index + 1} is not valid JSON "
                        f"({exc.msg})"
                    ) from None

    if skip_ws() != "[":
        raise _file_error(f"{where()}: a JSON file must hold an array of staff members ([...])")
    pos += 1
    index = 0
    ch = skip_ws()
    if ch == "]":
        return
    while True:
        if ch == "":
            raise _file_error(f"{where()}: the file ends inside the array (missing ])")
        m = record(buf, pos) if ch == "{" else None
        while m is None and ch == "{" and not eof and len(buf) - pos <= MAX_RECORD:
            # The object may run past the buffer: read on (a broken one is decoded below).
            fill()
            m = record(buf, pos)
        column = pos - buf.rfind("\n", 0, pos)
        if m is not None:
            end = m.end()
            value = buf[pos:end]
            value = value.encode() if texts else _loads(value, name, index, line, column)
        else:
            value, end = decoded(index)
        yield value, Origin("", None, (name, index + 1, line, column))
        index += 1
        sep = _NEXT.match(buf, end)
        if sep is not None and sep.end() < len(buf):  # the usual ", {" to the next record
            line += buf.count("\n", pos, sep.end())
            pos = sep.end()
            ch = buf[pos]
            continue
        line += buf.count("\n", pos, end)
        pos = end
        ch = skip_ws()
        if ch == ",":
            pos += 1
            ch = skip_ws()
            continue
        if ch == "]":
            return
        if ch == "":
            raise _file_error(f"{where()}: the file ends inside the array (missing ])")
        raise _file_error(f"{where()}: expected , or ] after record {index}")


def _loads(text: str, name: str, index: int, line: int, column: int) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise not_json((name, index + 1, line, column), exc.msg, exc.lineno, exc.colno) from None


# One JSON object whose brackets balance (strings skipped whole), nested at most 8 deep: the
# staff member payload nests 4. Possessive, so a record cut off by the buffer end fails fast.
_STR = r'"(?:[^"\\\n]++|\\.)*+"'
_OTHER = r"[^\"{}\[\]]++"
_inner = rf"(?:{_STR}|{_OTHER})*+"
for _ in range(8):
    _inner = rf"(?:{_STR}|{_OTHER}|[\[{{]{_inner}[\]}}])*+"
_RECORD = re.compile(r"\{" + _inner + r"\}")
_WS = re.compile(r"[ \t\r\n]*")
_NEXT = re.compile(r"[ \t\r\n]*+,[ \t\r\n]*+")


# --- CSV -------------------------------------------------------------------------------------


@dataclass(slots=True)
class _Group:
    staff_number: str
    first_line: int
    rows: list[tuple[int, list[str]]]


_PATH = re.compile(
    r"^(employments|positions|household\.householdLocations)\[(\d+)\](?:\.address)?\.?(\w*)"
)


def iter_csv(fh: TextIO, name: str = "file") -> Iterator[tuple[Any, Origin]]:
    """Yield one staff member payload per staffNumber (consecutive rows grouped) with an
    origin that maps each JSON path of an error to its line and column."""
    reader = csv.reader(fh)
    try:
        header = [h.strip() for h in next(reader)]
    except StopIteration:
        raise _file_error(
            f"{name}: the CSV file is empty (it needs the header of SPEC section 9)"
        ) from None
    except csv.Error as exc:
        raise _file_error(f"{name}: line 1: {exc}") from None
    unknown = [(i + 1, h) for i, h in enumerate(header) if h not in CSV_HEADER]
    if unknown:
        col, h = unknown[0]
        raise _file_error(
            f"{name}: line 1, column {col}: {h!r} is not a column of the HR CSV format "
            f"(valid: {', '.join(CSV_HEADER)})"
        )
    if "staffNumber" not in header:
        raise _file_error(f"{name}: line 1: the header has no staffNumber column")
    col_of = {h: i for i, h in enumerate(header)}
    seen: dict[str, int] = {}
    group: _Group | None = None

    def rows() -> Iterator[tuple[int, list[str]]]:
        while True:
            try:
                row = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                yield reader.line_num, [f"\0{exc}"]
                continue
            if not any(c.strip() for c in row):
                continue
            yield reader.line_num, row

    for line, row in rows():
        if len(row) == 1 and row[0].startswith("\0"):
            yield (
                Invalid(None, [FieldError("file", f"line {line}: {row[0][1:]}", "R-SYNC-2")]),
                Origin(f"{name} line {line}"),
            )
            continue
        if len(row) != len(header):
            err = FieldError(
                "file",
                f"has {len(row)} fields, the header has {len(header)}",
                "R-SYNC-2",
            )
            sn = row[col_of["staffNumber"]].strip() if len(row) > col_of["staffNumber"] else None
            yield Invalid(sn or None, [err]), Origin(f"{name} line {line}", _fixed(line, None))
            continue
        sn = row[col_of["staffNumber"]].strip()
        if group is not None and sn == group.staff_number and sn:
            group.rows.append((line, row))
            continue
        if group is not None:
            yield _assemble(group, header, col_of, name)
            group = None
        if sn and sn in seen:
            err = FieldError(
                "staffNumber",
                f"rows of one staff member must be consecutive (first seen on line {seen[sn]})",
                "R-SYNC-2",
            )
            yield (
                Invalid(sn, [err]),
                Origin(f"{name} line {line}", _fixed(line, col_of["staffNumber"] + 1)),
            )
            continue
        if sn:
            seen[sn] = line
        group = _Group(sn, line, [(line, row)])
    if group is not None:
        yield _assemble(group, header, col_of, name)


def _fixed(line: int, column: int | None) -> Callable[[str], dict[str, Any]]:
    def locate(_field: str) -> dict[str, Any]:
        return {"line": line, "column": column} if column else {"line": line}

    return locate


def _assemble(
    g: _Group, header: list[str], col_of: dict[str, int], name: str
) -> tuple[Any, Origin]:
    def cell(row: list[str], col: str) -> str | None:
        i = col_of.get(col)
        if i is None:
            return None
        v = row[i].strip()
        return v or None

    first_line, first = g.rows[0]
    rec: dict[str, Any] = {"staffNumber": g.staff_number or None}
    errors: list[FieldError] = []
    for col in DEMOGRAPHIC_COLUMNS:
        if col in col_of:
            rec[col] = cell(first, col)
    emp_lines: list[int] = []
    pos_lines: list[int] = []
    addr_lines: list[int] = []
    employments: list[dict] = []
    positions: list[dict] = []
    addresses: list[dict] = []
    conflict_at: dict[str, tuple[int, str]] = {}
    for line, row in g.rows:
        for col in DEMOGRAPHIC_COLUMNS:
            v = cell(row, col)
            if line != first_line and v is not None and v != rec.get(col):
                conflict_at.setdefault(col, (line, col))
        e = {c: cell(row, c) for c in EMPLOYMENT_COLUMNS if c in col_of}
        if any(e.values()):
            e = {k: v for k, v in e.items() if v is not None}
            if e not in employments:
                employments.append(e)
                emp_lines.append(line)
        p = {c: cell(row, c) for c in POSITION_COLUMNS if c in col_of}
        if any(p.values()):
            p = {k: v for k, v in p.items() if v is not None}
            if p not in positions:
                positions.append(p)
                pos_lines.append(line)
        a = {c: cell(row, c) for c in ADDRESS_COLUMNS if c in col_of}
        if any(a.values()):
            a = {k: v for k, v in a.items() if v is not None}
            if a not in addresses:
                addresses.append(a)
                addr_lines.append(line)
    for col in conflict_at:
        errors.append(
            FieldError(col, f"differs from line {first_line} for the same staff member", "R-SYNC-2")
        )
    if employments:
        rec["employments"] = employments
    if positions:
        rec["positions"] = positions
    if addresses:
        rec["household"] = {"householdLocations": [{"address": a} for a in addresses]}

    def locate(path: str) -> dict[str, Any]:
        m = _PATH.match(path)
        if m:
            kind, idx, fieldname = m.group(1), int(m.group(2)), m.group(3)
            lines = {"employments": emp_lines, "positions": pos_lines}.get(kind, addr_lines)
            line = lines[idx] if idx < len(lines) else first_line
        else:
            fieldname = path.split(".")[0].split("[")[0]
            line = conflict_at[fieldname][0] if fieldname in conflict_at else first_line
        col = col_of.get(fieldname)
        return {"line": line, "column": col + 1} if col is not None else {"line": line}

    origin = Origin(f"{name} line {first_line}", locate)
    if errors:
        return Invalid(g.staff_number or None, errors), origin
    return rec, origin


# --- transfer from a file --------------------------------------------------------------------


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


# Worker processes (R-SYNC-2 checks in parallel): each checks a batch of raw records with
# ``staging.check_records`` on its own connection and returns plain tuples; this process reads
# the file and writes, in file order, so errors keep their order and lines. Small files, an
# in-memory store or a platform without processes stay in this process.
POOL_MIN_BYTES = 4 << 20  # about 7,000 records: below that, starting workers costs more
WORKERS_ENV = "BO_TUI_WORKERS"
POOL_WORKERS: int | None = None  # None: BO_TUI_WORKERS, else one per CPU (``pool_workers``)
# This process writes every batch, about 49 µs of CPU a record against a worker's 126 (measured
# in session 4): past 3 workers it is the limit, and each worker keeps its own caches. A fourth
# only helps where other work shares the cores.
MAX_WORKERS = 4
INFLIGHT = 2
WRITE_RECORDS = 10_000  # records per write transaction
_worker_store: Store | None = None


def _init_worker(url: str) -> None:
    global _worker_store
    _worker_store = Store(url, create=False)
    # A worker lives for one transfer and builds no reference cycles: see ``_gc_paused``.
    gc.disable()


@contextmanager
def _gc_paused() -> Iterator[None]:
    """Python's cyclic garbage collector off while a file transfers. The records, rows and
    caches it builds hold no cycles, yet every full collection walks all of them, tens of
    thousands of cached address plans included: about a sixth of a transfer's CPU (measured
    with bench/bench_sync.py). Reference counting still frees everything as usual."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def _check_batch(sync_id: int, records: list[Any]) -> list:
    assert _worker_store is not None
    with _worker_store.session() as session:
        if session.get_bind().dialect.name == "sqlite":
            # End the read transaction at once: the reference reads then run one statement at a
            # time, so a worker never holds the shared lock that the writer's commit waits for.
            session.connection().exec_driver_sql("COMMIT")
        return check_records(session, sync_id, records)


def pool_workers() -> int:
    """How many worker processes check a big file: ``BO_TUI_WORKERS`` when set (0 or 1: none,
    to keep a shared server's other cores free), else one per CPU this process may run on, at
    most MAX_WORKERS. Fewer than 2 means none: the file is checked in this process."""
    if POOL_WORKERS is not None:
        return POOL_WORKERS
    value = os.environ.get(WORKERS_ENV, "").strip()
    if value:
        if not value.isdigit():
            message = f"{WORKERS_ENV} must be a whole number of worker processes (0 or 1: none)"
            raise RuleViolation([FieldError(WORKERS_ENV, message, "R-SYNC-2")], message)
        return min(int(value), MAX_WORKERS)
    try:
        cpus = len(os.sched_getaffinity(0))  # what a container or taskset allows
    except (AttributeError, OSError):
        cpus = os.cpu_count() or 1
    return min(cpus, MAX_WORKERS)


def _pool(store: Store, size: int, workers: int) -> ProcessPoolExecutor | None:
    if size < POOL_MIN_BYTES or workers < 2:
        return None
    url = make_url(store.url)
    if url.get_backend_name() == "sqlite" and (url.database or ":memory:") == ":memory:":
        return None  # another process would see another, empty database
    methods = multiprocessing.get_all_start_methods()
    # fork starts in milliseconds but is only safe in a single-threaded process (CLI, bench);
    # the TUI and the server have threads: forkserver (or spawn) there.
    if "fork" in methods and threading.active_count() == 1:
        method = "fork"
    else:
        method = "forkserver" if "forkserver" in methods else "spawn"
    try:
        return ProcessPoolExecutor(
            workers,
            mp_context=multiprocessing.get_context(method),
            initializer=_init_worker,
            initargs=(store.url,),
        )
    except (OSError, ImportError, NotImplementedError, ValueError):
        return None


@_gc_paused()
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
    result = FileTransferResult()
    path = Path(path)
    size = path.stat().st_size
    fmt = fmt or detect_format(path)
    with store.session() as session:
        sync_id = require(session, "transfer staff members", TRANSFERRING, lock=False).id
    processes = pool_workers() if workers else 0
    pool = _pool(store, size, processes) if workers else None
    pending: deque[tuple[list[Any], list[Origin], Future | None]] = deque()

    # Checked batches are written in groups of about WRITE_RECORDS records, one transaction
    # per group: fewer commits (each one syncs the disk) for the same work.
    group: list[tuple[list[Any], list[Origin], list | None]] = []

    def stage(items: list[tuple[list[Any], list[Origin], list | None]], done: list) -> list:
        with store.transaction() as session:
            for batch, origins, checked in items:
                done.append(
                    transfer(
                        session,
                        batch,
                        origins=origins,
                        action="FILE",
                        path=path.name,
                        limit=None,
                        checked=checked,
                        checked_for=sync_id,
                    )
                )
        return done

    def write(batch: list[Any], origins: list[Origin], checked: list | None) -> None:
        group.append((batch, origins, checked))
        if sum(len(b) for b, _o, _c in group) >= WRITE_RECORDS:
            write_group()

    def write_group() -> None:
        items = group[:]
        group.clear()
        done: list = []
        try:
            stage(items, done)
        except RuleViolation:
            # A record that is not JSON rolled the group back: the batches before its own are
            # staged all the same (as when a file is written batch by batch); then the error.
            before = items[: len(done)]
            if before:
                counted(stage(before, []), before)
            raise
        counted(done, items)

    def counted(done: list, items: list) -> None:
        for r, (batch, _o, _c) in zip(done, items, strict=True):
            result.accepted += r.accepted
            result.rejectedCount += len(r.rejected)
            room = keep_rejected - len(result.rejected)
            if room > 0:
                result.rejected.extend(r.rejected[:room])
            result.records += len(batch)
        if progress:
            progress(min(counting.read_bytes, size), size)

    def drain_one() -> None:
        nonlocal pool
        batch, origins, future = pending.popleft()
        checked = None
        if future is not None:
            try:
                checked = future.result()
            except (BrokenProcessPool, OSError, EOFError):
                # A worker died (killed, out of memory): this batch and the rest here.
                pool = _shutdown(pool)
            except Exception:  # noqa: BLE001 - e.g. its store was busy: this batch is checked
                checked = None  # here, where a real error is raised again as it would be
        write(batch, origins, checked)

    counting = _Counting(open(path, "rb"))  # noqa: SIM115 (closed through the wrapper)
    try:
        with io.TextIOWrapper(io.BufferedReader(counting), encoding="utf-8-sig", newline="") as fh:
            batch: list[Any] = []
            origins: list[Origin] = []

            def flush() -> None:
                nonlocal batch, origins, pool
                future = None
                if pool is not None:
                    try:
                        future = pool.submit(_check_batch, sync_id, batch)
                    except (BrokenProcessPool, RuntimeError, OSError):
                        pool = _shutdown(pool)
                pending.append((batch, origins, future))
                batch, origins = [], []
                # Two batches per worker in flight: workers never wait, memory stays bounded.
                while len(pending) > (INFLIGHT * processes if pool is not None else 0):
                    drain_one()

            records = iter_file(path, fh, fmt, texts=True)
            while True:
                try:
                    rec, origin = next(records)
                except StopIteration:
                    break
                except Exception:
                    # A broken file: the batches read before the error are staged, as they
                    # are without workers; then the error.
                    while pending:
                        drain_one()
                    write_group()
                    raise
                batch.append(rec)
                origins.append(origin)
                if len(batch) >= BATCH:
                    flush()
            if batch:
                flush()
            while pending:
                drain_one()
            write_group()
    finally:
        _shutdown(pool)
    if progress:
        progress(size, size)
    return result


def _shutdown(pool: ProcessPoolExecutor | None) -> None:
    if pool is not None:
        pool.shutdown(wait=True, cancel_futures=True)
