"""A revert job under faults (R-HIST-2 on R-SYNC-11's machinery): killed with kill -9 at random
points, then resumed, it takes every staff member back exactly once and logs each change once."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys

from sqlalchemy import func, select

from bo_tui.core import history, sync
from bo_tui.core.demo import load_reference
from bo_tui.core.history.revert import prepare_revert
from bo_tui.store.models import Identity, Person
from bo_tui.store.models.history import ChangeLog
from bo_tui.store.models.sync import CommitJob, CommitJobItem

from .test_sync_jobs import CHILD


def _hr(n: int, last: str, phone: str) -> list[dict]:
    return [
        {
            "staffNumber": f"K{i:04d}",
            "lastName": f"{last}{i}",
            "firstName": "First",
            "workPhone": phone,
            "employments": [{"hireDate": "2026-08-15"}],
            "positions": [
                {"schoolNumber": "010", "assignmentCode": "20", "startDate": "2026-08-15"}
            ],
        }
        for i in range(n)
    ]


def _sync(store, records) -> int:
    with store.transaction() as s:
        sync_id = sync.start(s, "t").syncId
        sync.transfer(s, records)
        sync.end(s)
    with store.transaction() as s:
        sync.validate(s, details=False)
    sync.commit(store, "t", force=True)
    return sync_id


def test_R_HIST_2_revert_job_killed_at_random_points_resumes_exactly_once(store):
    n = 60
    with store.transaction() as s:
        load_reference(s)
    _sync(store, _hr(n, "Old", "573-555-0100"))
    renamed = _sync(store, _hr(n, "New", "573-555-0199"))
    with store.transaction() as s:
        job_id = prepare_revert(s, renamed, "t")
    url = str(store.engine.url)
    store.dispose()
    rnd = random.Random(7)
    kills = 0
    for _ in range(3):
        proc = subprocess.Popen(
            [sys.executable, "-c", CHILD, url], stdout=subprocess.PIPE, text=True
        )
        wanted = rnd.randint(1, 5)
        for seen, line in enumerate(proc.stdout, start=1):
            if line.startswith("finished"):
                break
            if seen >= wanted:
                os.kill(proc.pid, signal.SIGKILL)
                kills += 1
                break
        proc.wait()
    assert kills >= 1
    with store.transaction() as s:
        done = s.scalar(
            select(func.count())
            .select_from(CommitJobItem)
            .where(CommitJobItem.job_id == job_id, CommitJobItem.status == "done")
        )
    assert done < n  # the kills really interrupted the revert
    assert sync.resume(store) == [job_id]
    with store.transaction() as s:
        job = s.get(CommitJob, job_id)
        assert (job.status, job.processed, job.failures) == ("completed", n, 0)
        names = (
            s.execute(select(Identity.last_name).where(Identity.is_current.is_(True)))
            .scalars()
            .all()
        )
        assert sorted(names) == sorted(f"Old{i}" for i in range(n))
        assert s.scalar(select(func.count()).select_from(Identity)) == n  # New ones removed
        phones = set(s.scalars(select(Person.work_phone)))
        assert phones == {"573-555-0100"}
        revert_id = s.scalar(select(CommitJob.sync_id).where(CommitJob.id == job_id))
        per_person = s.execute(
            select(ChangeLog.person_id, func.count())
            .where(
                ChangeLog.sync_id == revert_id,
                ChangeLog.tbl == "identities",
                ChangeLog.op == "d",
            )
            .group_by(ChangeLog.person_id)
        ).all()
        assert len(per_person) == n and {c for _p, c in per_person} == {1}  # logged once each
        result = history.revert_result(s, job_id)
        assert result.reverted == n and result.conflicts == [] and result.failures == []
    assert sync.resume(store) == []
