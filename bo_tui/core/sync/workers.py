"""Worker processes that check an HR file's records in parallel (R-SYNC-2, SPEC section 11): each
checks a batch with ``staging.check_records`` on its own connection and returns plain tuples."""

# This process reads the file and writes, in file order, so errors keep their order and lines.
# Small files, an in-memory store or a platform without processes stay in this process.

from __future__ import annotations

import gc
import multiprocessing
import os
import threading
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from typing import Any

from sqlalchemy.engine import make_url

from ...store.db import Store
from ..errors import FieldError, RuleViolation
from .staging import check_records

POOL_MIN_BYTES = 4 << 20  # about 7,000 records: below that, starting workers costs more
WORKERS_ENV = "BO_TUI_WORKERS"
POOL_WORKERS: int | None = None  # None: BO_TUI_WORKERS, else one per CPU (``pool_workers``)
# This process writes every batch, about 49 µs of CPU a record against a worker's 126 (measured
# in session 4): past 3 workers it is the limit, and each worker keeps its own caches. A fourth
# only helps where other work shares the cores.
MAX_WORKERS = 4
INFLIGHT = 2  # batches per worker in flight: workers never wait, memory stays bounded
_worker_store: Store | None = None


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


def start_pool(store: Store, size: int, workers: int) -> ProcessPoolExecutor | None:
    """A pool of ``workers`` processes for a file of ``size`` bytes, or None where the file is
    better checked in this process (small, an in-memory store, no processes on this platform)."""
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


def shutdown(pool: ProcessPoolExecutor | None) -> None:
    if pool is not None:
        pool.shutdown(wait=True, cancel_futures=True)


def _init_worker(url: str) -> None:
    global _worker_store
    _worker_store = Store(url, create=False)
    # A worker lives for one transfer and builds no reference cycles: see ``gc_paused``.
    gc.disable()


def check_batch(sync_id: int, records: list[Any]) -> list:
    """In a worker: check one batch of raw records (``staging.check_records``)."""
    assert _worker_store is not None
    with _worker_store.session() as session:
        if session.get_bind().dialect.name == "sqlite":
            # End the read transaction at once: the reference reads then run one statement at a
            # time, so a worker never holds the shared lock that the writer's commit waits for.
            session.connection().exec_driver_sql("COMMIT")
        return check_records(session, sync_id, records)


@contextmanager
def gc_paused() -> Iterator[None]:
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
