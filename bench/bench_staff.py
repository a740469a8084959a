"""Staff create/update through the core on SQLite (SPEC section 11; issue 3: create >= 1,000/s).

    .venv/bin/python bench/bench_staff.py [--staff 5000] [--db sqlite:///path.db]

Prints staff/s for: create (one transaction for all, as a commit job batch), create (one
transaction each, as the API does), update with the same payload (no change), and update with
a rename, a new end date and a new address. Payloads carry an employment, 1-2 positions and a
household address drawn from a pool of variants, so address matching is part of the figure.
"""

from __future__ import annotations

import argparse
import base64
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("BO_TUI_KEY", base64.urlsafe_b64encode(b"b" * 32).decode())

from bo_tui.core import notifications  # noqa: E402
from bo_tui.core.demo import load_reference  # noqa: E402
from bo_tui.core.schemas import parse_staff  # noqa: E402
from bo_tui.core.staff import create_staff, update_staff  # noqa: E402
from bo_tui.store import Store  # noqa: E402

STREETS = [
    "Lexington",
    "Maple",
    "Oak",
    "Cedar",
    "Elm",
    "Washington",
    "Lake",
    "Hill",
    "Park",
    "Pine",
]
TAGS = [("Ave", "Avenue"), ("St", "Street"), ("Dr", "Drive"), ("Rd", "Road")]
DIRS = [("N", "North"), ("S", "South"), ("", "")]
SCHOOLS = ["010", "020", "030", "040", "050", "060", "070", "106", "107", "900"]
CODES = ["10", "12", "20", "21", "30", "40"]
TITLES = ["4A61E262", "035E4EAB", "337C8989", "1B2C3D4E"]


def payloads(n: int, seed: int = 7) -> list[dict]:
    r = random.Random(seed)
    out = []
    for i in range(n):
        d = r.choice(DIRS)
        t = r.choice(TAGS)
        number = str(100 + r.randrange(3000))
        street = r.choice(STREETS)
        if r.random() < 0.5:
            address = {
                "fullStreetAddress": f"{number} {d[1]} {street} {t[1]}".replace("  ", " "),
                "city": "Jefferson City",
                "state": "MO",
                "zip": "65101",
            }
        else:
            address = {
                "number": number,
                "prefix": d[0] or None,
                "street": street,
                "tag": t[0],
                "city": "Jefferson City",
                "state": "MO",
                "zip": "65101",
            }
        positions = [
            {
                "schoolNumber": r.choice(SCHOOLS),
                "assignmentCode": r.choice(CODES),
                "titleCode": r.choice(TITLES) if r.random() < 0.9 else f"T{r.randrange(50):04d}",
                "titleDescription": "Generated title",
                "startDate": f"20{r.randrange(10, 25)}-08-{r.randrange(1, 28):02d}",
            }
            for _ in range(1 + (r.random() < 0.3))
        ]
        out.append(
            {
                "staffNumber": f"B{i:06d}",
                "lastName": r.choice(["Smith", "Young", "Brown", "Crosby", "Sanders"]),
                "firstName": r.choice(["Pat", "John", "Elaine", "Tom", "Cathy"]),
                "middleName": r.choice([None, "L", "R"]),
                "gender": r.choice("FM"),
                "ssn": f"{r.randrange(100, 899)}-{r.randrange(10, 99)}-{r.randrange(1000, 9999)}",
                "birthDate": f"19{r.randrange(55, 99)}-{r.randrange(1, 12):02d}-{r.randrange(1, 28):02d}",
                "workEmail": f"staff{i}@school.k12.mo.us",
                "workPhone": f"573-555-{r.randrange(10000):04d}",
                "employments": [{"hireDate": positions[0]["startDate"]}],
                "positions": positions,
                "household": {"householdLocations": [{"address": address}]},
            }
        )
    return out


class Timer:
    """Wall and CPU time of a block: on a shared machine the CPU figure is the stable one."""

    def __enter__(self):
        self.wall, self.cpu = time.perf_counter(), time.process_time()
        return self

    def __exit__(self, *exc):
        self.wall = time.perf_counter() - self.wall
        self.cpu = time.process_time() - self.cpu

    def rate(self, n: int) -> str:
        return (
            f"{n / self.wall:8,.0f} staff/s wall ({self.wall * 1000 / n:.2f} ms each), "
            f"{n / self.cpu:8,.0f} staff/s CPU"
        )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--staff", type=int, default=5000)
    ap.add_argument(
        "--db", default=None, help="a SQLAlchemy URL (default: a temporary SQLite file)"
    )
    args = ap.parse_args()
    n = args.staff
    tmp = tempfile.mkdtemp(prefix="bo-bench-")

    def quiet(session):
        # As the sync commit runs: no per-staff HR-Staff message (measured on its own below).
        session.info[notifications.QUIET_STAFF_EVENTS] = True
        return session

    def fresh(name: str) -> Store:
        store = Store(args.db or f"sqlite:///{tmp}/{name}.db")
        with store.transaction() as s:
            load_reference(s, login="bench")
        return store

    raw = payloads(n)
    with Timer() as t:
        parsed = [parse_staff(p) for p in raw]
    print(f"parse payloads                    {t.rate(n)}")
    bare = [p.model_copy(update={"household": None}) for p in parsed]

    store = fresh("bare")
    with Timer() as t, store.transaction() as s:
        quiet(s)
        for p in bare:
            create_staff(s, p)
    print(f"create, no household, one tx      {t.rate(n)}")

    store = fresh("noted")
    with Timer() as t, store.transaction() as s:
        for p in bare:
            create_staff(s, p)
    print(f"  the same with HR-Staff messages {t.rate(n)}")

    store = fresh("batch")
    with Timer() as t, store.transaction() as s:
        quiet(s)
        for p in parsed:
            create_staff(s, p)
    print(f"create, with address, one tx      {t.rate(n)}")

    if not args.db:
        each = fresh("each")
        laps = []
        with Timer() as t:
            for p in bare:
                t1 = time.perf_counter()
                with each.transaction() as s:
                    create_staff(quiet(s), p)
                laps.append(time.perf_counter() - t1)
        p50 = statistics.median(laps) * 1000
        print(f"create, no household, tx each     {t.rate(n)}; p50 {p50:.2f} ms")

    with Timer() as t, store.transaction() as s:
        quiet(s)
        for p in parsed:
            update_staff(s, p.staffNumber, p)
    print(f"update, same payload (no change)  {t.rate(n)}")

    changed = []
    for i, p in enumerate(raw):
        q = dict(p)
        q["lastName"] = p["lastName"] + "-Renamed"
        q["positions"] = [dict(x, endDate="2026-06-30") for x in p["positions"]]
        q["household"] = {
            "householdLocations": [
                {
                    "address": {
                        "number": str(5000 + i),
                        "street": "Capitol",
                        "tag": "Ave",
                        "city": "Jefferson City",
                        "state": "MO",
                        "zip": "65101",
                    }
                }
            ]
        }
        changed.append(parse_staff(q))
    with Timer() as t, store.transaction() as s:
        quiet(s)
        for p in changed:
            update_staff(s, p.staffNumber, p)
    print(f"update, rename+end dates+address  {t.rate(n)}")


if __name__ == "__main__":
    main()
