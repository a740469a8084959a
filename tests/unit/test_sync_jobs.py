"""Commit jobs under faults (R-SYNC-6, R-SYNC-11): a job killed with kill -9 at random points
resumes and applies every staff member exactly once, the store intact; and the headless CLI."""

from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import subprocess
import sys

from sqlalchemy import func, select

from bo_tui.cli import main
from bo_tui.core import sync
from bo_tui.core.demo import load_reference
from bo_tui.core.sync.commit import prepare
from bo_tui.store.models import Identity, Person
from bo_tui.store.models.sync import CommitJob, CommitJobItem

from .test_sync_fixture import SYNC, load_campus

CHILD = """
import sys
from bo_tui.store import Store
from bo_tui.core import sync
store = Store(sys.argv[1])
sync.resume(store, batch=4, progress=lambda done, total: print(done, total, flush=True))
print("finished", flush=True)
"""


def _hr(n: int) -> list[dict]:
    return [
        {
            "staffNumber": f"K{i:04d}",
            "lastName": f"Last{i}",
            "firstName": "First",
            "ssn": f"{100000000 + i}",
            "employments": [{"hireDate": "2026-08-15"}],
            "positions": [
                {"schoolNumber": "010", "assignmentCode": "20", "startDate": "2026-08-15"}
            ],
        }
        for i in range(n)
    ]


def test_R_SYNC_11_job_killed_at_random_points_resumes_exactly_once(store):
    n = 90
    with store.transaction() as s:
        load_reference(s)
    with store.transaction() as s:
        sync.start(s, "t")
        sync.transfer(s, _hr(n))
        sync.end(s)
    with store.transaction() as s:
        sync.validate(s, details=False)
        job_id = prepare(s, "t", force=True)
    url = str(store.engine.url)
    store.dispose()
    rnd = random.Random(5)
    kills = 0
    for _ in range(3):
        proc = subprocess.Popen(
            [sys.executable, "-c", CHILD, url], stdout=subprocess.PIPE, text=True
        )
        wanted = rnd.randint(1, 6)
        for seen, line in enumerate(proc.stdout, start=1):
            if line.startswith("finished"):
                break
            if seen >= wanted:
                os.kill(proc.pid, signal.SIGKILL)  # mid-batch, most of the time
                kills += 1
                break
        proc.wait()  # reaped: a zombie would still look alive to resume()
    assert kills >= 1
    with store.transaction() as s:
        done = s.scalar(
            select(func.count()).select_from(CommitJobItem).where(CommitJobItem.status == "done")
        )
    assert done < n  # the kills really interrupted the job
    assert sync.resume(store) == [job_id]
    with store.transaction() as s:
        per_number = dict(
            s.execute(select(Person.staff_number, func.count()).group_by(Person.staff_number)).all()
        )
        assert len(per_number) == n and set(per_number.values()) == {1}  # each created once
        assert s.scalar(select(func.count()).select_from(Identity)) == n
        items = dict(
            s.execute(
                select(CommitJobItem.status, func.count()).group_by(CommitJobItem.status)
            ).all()
        )
        assert items == {"done": n}
        job = s.get(CommitJob, job_id)
        assert (job.status, job.processed, job.total, job.failures) == ("completed", n, n, 0)
        assert job.resumed >= 2
        assert sync.current(s).state == "committed"
    assert sync.resume(store) == []  # nothing left to resume
    if store.dialect == "sqlite":
        check = (
            sqlite3.connect(store.engine.url.database).execute("PRAGMA integrity_check").fetchone()
        )
        assert check == ("ok",)


def test_R_SYNC_11_resume_skips_a_job_whose_runner_is_alive(store):
    with store.transaction() as s:
        load_reference(s)
        sync.start(s, "t")
        sync.transfer(s, _hr(3))
        sync.end(s)
    with store.transaction() as s:
        sync.validate(s, details=False)
        job_id = prepare(s, "t", force=True)
        s.get(CommitJob, job_id).runner_pid = os.getppid()  # a live process on this host
        s.get(CommitJob, job_id).runner_host = __import__("socket").gethostname()
    assert sync.resume(store) == []


def test_cli_check_and_sync_run_commit_status(store, tmp_path, capsys):
    load_campus(store)
    db = ["--db", str(store.engine.url)]
    assert main([*db, "check", "--json"]) == 1  # dirty data reported
    doc = json.loads(capsys.readouterr().out)
    assert doc["summary"]["campusDuplicateStaffNumbers"] == 4
    out = tmp_path / "report.pdf"
    assert main([*db, "sync", "run", str(SYNC / "hr.csv"), "--report", str(out)]) == 0
    assert out.read_bytes().startswith(b"%PDF")
    assert "Demographic differences: 4" in capsys.readouterr().out
    assert main([*db, "sync", "status", "--json"]) == 0
    st = json.loads(capsys.readouterr().out)
    assert st["sync"]["state"] == "validated" and st["job"] is None
    assert main([*db, "sync", "commit", "--job", "--json"]) == 1  # 3001 fails
    res = json.loads(capsys.readouterr().out)
    assert res["applied"] == 10 and res["failures"][0]["staffNumber"] == "3001"
    assert main([*db, "sync", "restart"]) == 1  # committed: nothing open to restart
    assert "start a new sync" in capsys.readouterr().err
    assert main([*db, "sync", "run", str(SYNC / "hr.json"), "--job"]) == 2  # --job needs --commit
    assert main([*db, "sync", "run", str(tmp_path / "missing.json")]) == 2
    assert main([*db, "sync", "resume"]) == 0
    assert "No interrupted" in capsys.readouterr().out


def test_R_SYNC_2_cli_sync_run_with_a_bad_BO_TUI_WORKERS_starts_no_sync(store, monkeypatch, capsys):
    load_campus(store)
    db = ["--db", str(store.engine.url)]
    monkeypatch.setenv("BO_TUI_WORKERS", "all")
    assert main([*db, "sync", "run", str(SYNC / "hr.json")]) == 2
    err = capsys.readouterr().err
    assert err == (
        "bo-tui: error: BO_TUI_WORKERS must be a whole number of worker processes (0 or 1: none)\n"
    )
    monkeypatch.setenv("BO_TUI_WORKERS", "1")
    assert main([*db, "sync", "run", str(SYNC / "hr.json")]) == 0  # nothing was left open
