"""Benchmark of the staff synchronization (SPEC section 11, issue 5) on a SQLite store.

    .venv/bin/python bench/bench_sync.py [--staff 50000] [--dir DIR]

Builds the demo district with ``bo-tui demo --staff N --hr-out hr.json`` (a subprocess), then
times: file transfer (target >= 20,000 records/s), validate (<= 3 s), Check Campus Data
(<= 1 s), report pages, and a commit job (<= 20 s) on an HR file in which exactly 20 % of the
Campus staff differ (the bench writes it from the store: in sync, then 20 % changed); then the
history reads of that commit and its revert job (<= 20 s, R-HIST-2). ``--no-history`` runs the
commit without R-HIST-1's recording, the A/B of its cost.
Prints each figure, the peak memory (RSS) and the command line.
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import random
import resource
import shlex
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault(
    "BO_TUI_KEY", base64.urlsafe_b64encode(b"bench-key-bench-key-bench-key-32").decode()
)

from sqlalchemy import select  # noqa: E402

from bo_tui.core import sync  # noqa: E402
from bo_tui.core import sync as jobs  # noqa: E402
from bo_tui.store import Store  # noqa: E402
from bo_tui.store.crypto import vault  # noqa: E402
from bo_tui.store.models import (  # noqa: E402
    Address,
    Employment,
    HouseholdLocation,
    HouseholdMember,
    Identity,
    Person,
    Position,
    School,
)


def rss_mb() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024


def line(label: str, value: str, target: str = "") -> None:
    print(
        f"  {label:<42} {value:>14}   {target}  (CPU {CPU[0] + CPU[1]:.2f} s = this process "
        f"{CPU[0]:.2f} + workers {CPU[1]:.2f}, load {os.getloadavg()[0]:.1f}, "
        f"peak RSS {rss_mb()} MB)",
        flush=True,
    )


CPU = [0.0, 0.0]  # CPU seconds of the last ``timed`` call: this process, reaped workers


def _cpu() -> tuple[float, float]:
    me, kids = (
        resource.getrusage(resource.RUSAGE_SELF),
        resource.getrusage(resource.RUSAGE_CHILDREN),
    )
    return me.ru_utime + me.ru_stime, kids.ru_utime + kids.ru_stime


def timed(fn):
    t, c = time.perf_counter(), _cpu()
    out = fn()
    c2 = _cpu()
    CPU[:] = [c2[0] - c[0], c2[1] - c[1]]
    return out, time.perf_counter() - t


def run_sync(store: Store, path: Path, label: str) -> None:
    with store.transaction() as s:
        if sync.current(s).state in ("transferring", "transferred", "validated"):
            sync.restart(s)
        else:
            sync.start(s, "bench")
    res, dt = timed(lambda: sync.transfer_file(store, path))
    line(
        f"{label}: transfer {res.accepted:,} records",
        f"{res.accepted / dt:,.0f} rec/s",
        f">= 20,000 rec/s ({dt:.2f} s)",
    )
    with store.transaction() as s:
        sync.end(s)

    def validate():
        with store.transaction() as s:
            return sync.validate(s, details=False)

    rep, dt = timed(validate)
    line(f"{label}: validate", f"{dt:.2f} s", "<= 3 s")
    rows = sum(v["total"] if isinstance(v, dict) else v for v in rep.summary.values())
    print(f"    report rows: {rows:,}; summary: {json.dumps(rep.summary)}")


def in_sync_export(store: Store, path: Path, changed: float, seed: int = 7) -> int:
    """An HR file equal to Campus for every staff member with a clean number, then ``changed``
    of them altered (work e-mail, last name or cell phone), written as a JSON array."""
    r = random.Random(seed)
    v = vault()
    with store.transaction() as s:
        people = s.execute(
            select(
                Person.id,
                Person.staff_number,
                Identity.last_name,
                Identity.first_name,
                Identity.middle_name,
                Person.gender,
                Person.ssn_enc,
                Person.birth_date,
                Person.work_phone,
                Person.cell_phone,
                Person.other_phone,
                Person.work_email,
                Person.personal_email,
            )
            .join(Identity, (Identity.person_id == Person.id) & Identity.is_current.is_(True))
            .where(Person.staff_number.is_not(None))
        ).all()
        emps: dict[int, list] = {}
        for pid, hire, term in s.execute(
            select(Employment.person_id, Employment.hire_date, Employment.termination_date)
        ):
            emps.setdefault(pid, []).append(
                {
                    "hireDate": hire.isoformat() if hire else None,
                    "terminationDate": term.isoformat() if term else None,
                }
            )
        poss: dict[int, list] = {}
        for pid, school, code, title, start, end in s.execute(
            select(
                Position.person_id,
                School.school_number,
                Position.assignment_code,
                Position.title_code,
                Position.start_date,
                Position.end_date,
            ).join(School, School.id == Position.school_id)
        ):
            item = {"schoolNumber": school, "startDate": start.isoformat() if start else None}
            if code:
                item["assignmentCode"] = code
            if title:
                item["titleCode"] = title
            if end:
                item["endDate"] = end.isoformat()
            poss.setdefault(pid, []).append(item)
        addr: dict[int, dict] = {}
        for pid, *parts in s.execute(
            select(
                HouseholdMember.person_id,
                Address.number,
                Address.prefix,
                Address.street,
                Address.tag,
                Address.direction,
                Address.apt,
                Address.city,
                Address.state,
                Address.zip,
            )
            .join(HouseholdLocation, HouseholdLocation.household_id == HouseholdMember.household_id)
            .join(Address, Address.id == HouseholdLocation.address_id)
            .where(HouseholdLocation.end_date.is_(None))
        ):
            keys = ("number", "prefix", "street", "tag", "direction", "apt", "city", "state", "zip")
            addr[pid] = {k: val for k, val in zip(keys, parts, strict=True) if val}
    count = 0
    with open(path, "w") as out:
        out.write("[\n")
        for row in people:
            pid, sn = row[0], (row[1] or "").strip()
            if not sn.isdigit() or len(sn) != 5:
                continue
            rec = {"staffNumber": sn, "lastName": row[2], "firstName": row[3]}
            if row[4]:
                rec["middleName"] = row[4]
            for key, val in zip(("gender",), (row[5],), strict=True):
                if val:
                    rec[key] = val
            if row[6]:
                rec["ssn"] = v.decrypt(row[6])
            if row[7]:
                rec["birthDate"] = row[7].isoformat()
            for key, val in zip(
                ("workPhone", "cellPhone", "otherPhone", "workEmail", "personalEmail"),
                row[8:13],
                strict=True,
            ):
                if val:
                    rec[key] = val
            rec["employments"] = [{k: x for k, x in e.items() if x} for e in emps.get(pid, [])]
            rec["positions"] = poss.get(pid, [])
            if pid in addr:
                rec["household"] = {"householdLocations": [{"address": addr[pid]}]}
            roll = r.random()
            if roll < changed / 2:
                rec["workEmail"] = f"changed.{sn}@colecounty.k12.mo.us"
            elif roll < changed * 3 / 4:
                rec["lastName"] = rec["lastName"] + "-Smith"
            elif roll < changed:
                rec["cellPhone"] = f"573-555-{r.randrange(10000):04d}"
            out.write(("" if not count else ",\n") + json.dumps(rec))
            count += 1
        out.write("\n]\n")
    return count


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--staff", type=int, default=50_000)
    ap.add_argument("--dir", help="work directory (default: a temporary one)")
    ap.add_argument(
        "--no-history",
        action="store_true",
        help="commit without R-HIST-1's recording (the A/B of its cost); no revert then",
    )
    args = ap.parse_args()
    if args.no_history:
        _recording_off()
    work = Path(args.dir or tempfile.mkdtemp(prefix="bench-sync-"))
    work.mkdir(parents=True, exist_ok=True)
    db = f"sqlite:///{work / 'bench.db'}"
    hr = work / "hr.json"
    for f in work.glob("bench.db*"):
        f.unlink()
    print("command: " + " ".join(shlex.quote(a) for a in [sys.executable, *sys.argv]))
    print(f"store: {db}; {os.cpu_count()} CPUs; load average {os.getloadavg()[0]:.1f}")
    demo = [
        sys.executable,
        "-m",
        "bo_tui.cli",
        "--db",
        db,
        "demo",
        "--staff",
        str(args.staff),
        "--hr-out",
        str(hr),
    ]
    print("demo:    " + " ".join(shlex.quote(a) for a in demo[2:]).replace("bo_tui.cli", "bo-tui"))
    _, dt = timed(lambda: subprocess.run(demo, check=True, cwd=ROOT, stdout=subprocess.DEVNULL))
    print(f"  demo district built in {dt:.1f} s")
    store = Store(db)

    print("1. the demo's HR export (drift, new hires, address spellings)")
    run_sync(store, hr, "demo HR file")

    def check():
        with store.transaction() as s:
            return sync.check_campus(s)

    c, dt = timed(check)
    line(
        f"check campus data ({len(c.duplicateStaffNumbers)} dup, {len(c.noStaffNumber)} none)",
        f"{dt:.2f} s",
        "<= 1 s",
    )
    with store.transaction() as s:
        n = sync.count(s, "campusStaffNotInHr")
        _, t_first = timed(lambda: sync.page(s, "demographicDifferences", 0, 100))
        _, t_deep = timed(lambda: sync.page(s, "campusStaffNotInHr", max(n - 100, 0), 100))
    line("report page (first 100 rows)", f"{t_first * 1000:.1f} ms", "")
    line("report page (last 100 rows)", f"{t_deep * 1000:.1f} ms", "")

    print("2. an HR file equal to Campus with 20 % of the staff changed")
    hr20 = work / "hr20.json"
    with store.transaction() as s:
        sync.restart(s)
    total = in_sync_export(store, hr20, 0.20)
    print(f"  wrote {total:,} records to {hr20}")
    run_sync(store, hr20, "20 % file")
    with store.transaction() as s:
        g = sync.guard_counts(s)
    print(f"    guard: {g.creates:,} creates, {g.changes:,} changes of {g.campusStaff:,} staff")

    def commit_job():
        job_id = jobs.submit_commit_job(store, "bench", force=True)
        jobs.wait(job_id)
        with store.transaction() as s:
            return jobs.job_status(s, job_id)

    st, dt = timed(commit_job)
    line(
        f"commit job: {st.processed:,} applied, {st.skipped:,} unchanged", f"{dt:.2f} s", "<= 20 s"
    )
    print(f"    job {st.status}; failures {st.failures}")
    if not args.no_history:
        bench_history(store)
    store.dispose()
    return 0


def _recording_off() -> None:
    """For the A/B only: the commit as it was before R-HIST-1 (nothing logged)."""
    from bo_tui.core import change_log

    change_log.snapshot = lambda *a, **k: change_log.Snapshot()
    change_log.record = lambda *a, **k: 0
    change_log.record_flag = lambda *a, **k: None
    print("recording: OFF (R-HIST-1 disabled for this A/B run)")


def bench_history(store: Store) -> None:
    """3. Sync History's reads on the commit just made, then its revert as a job (R-HIST-2)."""
    from bo_tui.core import history

    print("3. the history of that commit, and its revert")
    with store.session() as s:
        top, t_hist = timed(lambda: history.SyncHistoryQuery().page(s, 0, 100))
        sync_id = top[0].syncId
        q = history.ChangeQuery(sync_id=sync_id)
        n, t_count = timed(lambda: q.count(s))
        _, t_first = timed(lambda: q.page(s, 0, 100))
        _, t_deep = timed(lambda: q.page(s, max(n - 100, 0), 100))
        _, t_filter = timed(lambda: history.ChangeQuery(sync_id=sync_id, area="identity").page(s))
    print(f"    sync #{sync_id}: {top[0].changes:,} changed fields recorded")
    line("sync history page (100 syncs)", f"{t_hist * 1000:.1f} ms", "<= 500 ms")
    line(f"changes: count ({n:,})", f"{t_count * 1000:.1f} ms", "")
    line("changes: first page (100)", f"{t_first * 1000:.1f} ms", "<= 500 ms")
    line("changes: last page (100)", f"{t_deep * 1000:.1f} ms", "")
    line("changes: identity area, first page", f"{t_filter * 1000:.1f} ms", "")
    with store.session() as s:
        p, t_prev = timed(lambda: history.preview_revert(s, sync_id))
    line(
        f"revert preview: {sum(p.counts.values()):,} back, {len(p.conflicts):,} conflicts",
        f"{t_prev:.2f} s",
        "",
    )

    def revert_job():
        job_id = history.submit_revert_job(store, sync_id, "bench")
        jobs.wait(job_id)
        with store.transaction() as s:
            return jobs.job_status(s, job_id), history.revert_result(s, job_id)

    (st, res), dt = timed(revert_job)
    line(f"revert job: {res.reverted:,} staff members back", f"{dt:.2f} s", "<= 20 s")
    print(f"    job {st.status}; {len(res.conflicts):,} conflicts, {len(res.failures):,} failures")


if __name__ == "__main__":
    sys.exit(main())
