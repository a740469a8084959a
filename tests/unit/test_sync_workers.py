"""A file transfer checked by worker processes (R-SYNC-2) stages, rejects and logs exactly what
the in-process transfer does, in file order with the same lines; it falls back cleanly."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from bo_tui.core import sync
from bo_tui.core.errors import RuleViolation
from bo_tui.core.sync import batch_sizes, files, workers
from bo_tui.store import Store
from bo_tui.store.crypto import vault
from bo_tui.store.models.integration import ErrorLogEntry
from bo_tui.store.models.sync import (
    SyncRejection,
    SyncStaged,
    SyncStagedAddress,
    SyncStagedEmployment,
    SyncStagedPosition,
)

from .test_sync_fixture import SYNC, load_campus


def _store(tmp_path, name):
    store = Store(f"sqlite:///{tmp_path / name}")
    load_campus(store)
    with store.transaction() as s:
        sync.start(s, "tester")
    return store


def _state(store):
    """Everything a transfer leaves behind, with the random SSN ciphertext decrypted."""
    out = {}
    with store.session() as s:
        for model in (SyncStagedEmployment, SyncStagedPosition, SyncStagedAddress):
            t = model.__table__
            cols = [c for c in t.c if c.name != "id"]
            out[t.name] = sorted(map(tuple, s.execute(select(*cols)).all()), key=repr)
        t = SyncStaged.__table__
        staged = []
        for row in s.execute(select(t).order_by(t.c.seq)).mappings():
            row = dict(row)
            payload = json.loads(row.pop("payload"))
            if payload.get("ssn"):
                payload["ssn"] = vault().decrypt(payload["ssn"])
            staged.append((row, payload))
        out["staged"] = staged
        out["rejections"] = [
            (r.staff_number, r.source, r.errors)
            for r in s.scalars(select(SyncRejection).order_by(SyncRejection.id))
        ]
        out["log"] = [
            (e.message, e.payload)
            for e in s.scalars(select(ErrorLogEntry).order_by(ErrorLogEntry.id))
        ]
    return out


@pytest.mark.parametrize(
    ("name", "n_workers"), [("hr.json", 2), ("hr.csv", 2), ("hr_bad.csv", 2), ("hr_bad.csv", 3)]
)
def test_R_SYNC_2_workers_stage_exactly_like_in_process(tmp_path, monkeypatch, name, n_workers):
    monkeypatch.setattr(
        batch_sizes, "FILE_CHECK_RECORDS", 3
    )  # many batches in flight: order must hold
    monkeypatch.setattr(workers, "POOL_WORKERS", n_workers)
    alone = _store(tmp_path, "alone.db")
    expect = files.transfer_file(alone, SYNC / name, workers=False)
    monkeypatch.setattr(workers, "POOL_MIN_BYTES", 0)
    used = []
    real_pool = workers.start_pool
    monkeypatch.setattr(files, "start_pool", lambda *a: used.append(real_pool(*a)) or used[-1])
    pooled = _store(tmp_path, "pooled.db")
    got = files.transfer_file(pooled, SYNC / name)
    assert used and used[0] is not None  # the workers did check the records
    assert got.model_dump() == expect.model_dump()
    assert _state(pooled) == _state(alone)


def test_R_SYNC_2_without_processes_the_transfer_runs_in_process(tmp_path, monkeypatch):
    def no_processes(*_a, **_k):
        raise OSError("no processes here")

    monkeypatch.setattr(workers, "POOL_MIN_BYTES", 0)
    monkeypatch.setattr(workers, "ProcessPoolExecutor", no_processes)
    store = _store(tmp_path, "one.db")
    r = files.transfer_file(store, SYNC / "hr_bad.csv")
    assert (r.accepted, r.rejectedCount) == (2, 5)


def test_R_SYNC_2_in_memory_store_never_uses_workers(monkeypatch):
    monkeypatch.setattr(workers, "POOL_MIN_BYTES", 0)
    assert workers.start_pool(Store("sqlite://"), 1 << 30, 2) is None


def test_R_SYNC_2_workers_on_postgresql(pg_store, tmp_path, monkeypatch):
    monkeypatch.setattr(batch_sizes, "FILE_CHECK_RECORDS", 3)
    alone = _store(tmp_path, "alone.db")
    expect = files.transfer_file(alone, SYNC / "hr_bad.csv", workers=False)
    load_campus(pg_store)
    with pg_store.transaction() as s:
        sync.start(s, "tester")
    monkeypatch.setattr(workers, "POOL_MIN_BYTES", 0)
    got = files.transfer_file(pg_store, SYNC / "hr_bad.csv")
    assert got.model_dump() == expect.model_dump()
    assert _state(pg_store) == _state(alone)


def _failing_check(*_args, **_kwargs):
    raise RuntimeError("the worker's store is busy")


def test_R_SYNC_2_a_failed_worker_batch_is_checked_in_process(tmp_path, monkeypatch):
    monkeypatch.setattr(batch_sizes, "FILE_CHECK_RECORDS", 3)
    monkeypatch.setattr(workers, "POOL_MIN_BYTES", 0)
    monkeypatch.setattr(files, "check_batch", _failing_check)
    store = _store(tmp_path, "one.db")
    r = files.transfer_file(store, SYNC / "hr_bad.csv")
    assert (r.accepted, r.rejectedCount) == (2, 5)


@pytest.mark.parametrize("pooled", [False, True])
def test_R_SYNC_2_a_record_that_is_not_json_stops_the_file_at_its_line(
    tmp_path, monkeypatch, pooled
):
    """A record whose brackets balance but whose text is not JSON is found where it is
    validated (a worker, or this process): the file fails there with its line and column, and
    nothing of the file stays staged, not even the batches before it (issue 18)."""
    monkeypatch.setattr(batch_sizes, "FILE_CHECK_RECORDS", 2)
    if pooled:
        monkeypatch.setattr(workers, "POOL_MIN_BYTES", 0)
    records = json.loads((SYNC / "hr.json").read_text())[:5]
    lines = [json.dumps(r) for r in records]
    lines[3] = '{"staffNumber": "9999",\n  "lastName": tru}'
    path = tmp_path / "broken.json"
    path.write_text("[\n" + ",\n".join(lines) + "\n]\n")
    store = _store(tmp_path, "broken.db")
    with pytest.raises(RuleViolation) as exc:
        files.transfer_file(store, path, workers=pooled)
    assert exc.value.message == (
        "broken.json: line 6, column 18: record 4 is not valid JSON (expected ident); "
        + files.NOT_STAGED
    )
    with store.session() as s:
        staged = s.scalars(select(SyncStaged.staff_number).order_by(SyncStaged.seq)).all()
    assert staged == []


@pytest.mark.parametrize(("cpus", "expected"), [(1, 1), (2, 2), (3, 3), (64, workers.MAX_WORKERS)])
def test_R_SYNC_2_one_worker_per_cpu_the_process_may_use(monkeypatch, cpus, expected):
    monkeypatch.delenv(workers.WORKERS_ENV, raising=False)
    monkeypatch.setattr(workers.os, "sched_getaffinity", lambda _pid: set(range(cpus)))
    assert workers.pool_workers() == expected


def test_R_SYNC_2_BO_TUI_WORKERS_1_checks_the_file_in_process(tmp_path, monkeypatch):
    monkeypatch.setenv(workers.WORKERS_ENV, "1")
    monkeypatch.setattr(workers, "POOL_MIN_BYTES", 0)
    started = []
    monkeypatch.setattr(workers, "ProcessPoolExecutor", lambda *a, **k: started.append(a))
    store = _store(tmp_path, "one.db")
    r = files.transfer_file(store, SYNC / "hr_bad.csv")
    assert (r.accepted, r.rejectedCount) == (2, 5)
    assert started == []  # no worker process was started


def test_R_SYNC_2_a_bad_BO_TUI_WORKERS_is_named_and_nothing_is_staged(tmp_path, monkeypatch):
    monkeypatch.setenv(workers.WORKERS_ENV, "two")
    store = _store(tmp_path, "one.db")
    with pytest.raises(RuleViolation) as exc:
        files.transfer_file(store, SYNC / "hr.json")
    assert exc.value.message == (
        "BO_TUI_WORKERS must be a whole number of worker processes (0 or 1: none)"
    )
    assert exc.value.errors[0].field == "BO_TUI_WORKERS"
    with store.session() as s:
        assert s.scalars(select(SyncStaged.staff_number)).all() == []
