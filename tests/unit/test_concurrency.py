"""One SQLite file, several processes writing at once (the TUI, ``serve`` and the CLI): writers
queue on BEGIN IMMEDIATE + busy_timeout, so nobody sees "database is locked" (issue 9)."""

from __future__ import annotations

import subprocess
import sys
import textwrap

from sqlalchemy import func, select, text

from bo_tui.core.demo import load_reference
from bo_tui.store import Store
from bo_tui.store.models import Person

WRITER = textwrap.dedent(
    """
    import sys
    from sqlalchemy import select
    from bo_tui.core import staff
    from bo_tui.core.schemas import parse_staff
    from bo_tui.store import Store
    url, who, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
    store = Store(url)
    for i in range(n):
        with store.transaction() as s:
            staff.create_staff(s, parse_staff({
                "staffNumber": f"{who}{i}", "lastName": "Writer", "firstName": who,
                "positions": [{"schoolNumber": "010", "assignmentCode": "20", "startDate": "2024-08-01"}],
                "household": {"householdLocations": [{"address": {
                    "fullStreetAddress": f"{100 + i} North Lexington Avenue", "city": "Jefferson City",
                    "state": "MO", "zip": "65101"}}]},
            }))
        with store.session() as s:  # a reader between writes, as the TUI does
            s.execute(select(1)).all()
    print("ok")
    """
)


def test_four_processes_write_one_sqlite_file_without_locked_errors(tmp_path):
    url = f"sqlite:///{tmp_path / 'shared.db'}"
    store = Store(url)
    with store.transaction() as s:
        load_reference(s, login="dtc")
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, url, who, "40"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for who in ("T", "S", "C", "J")
    ]
    results = [p.communicate(timeout=300) for p in procs]
    for p, (out, err) in zip(procs, results, strict=True):
        assert p.returncode == 0 and out.strip() == "ok", err[-2000:]
        assert "locked" not in err
    with store.session() as s:
        assert s.scalar(select(func.count()).select_from(Person)) == 160
        # the four writers shared addresses: each of the 40 street numbers exists once
        assert s.scalar(text("select count(*) from addresses")) == 40
        assert s.execute(text("PRAGMA integrity_check")).scalar() == "ok"
