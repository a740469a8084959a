"""Address engine figures (R-ADDR-3, R-ADDR-4, R-ADDR-7; SPEC section 11): normalize + key
cold and cached, full-text parsing (also of the written forms corpus), and resolve() against a
SQLite store holding 50,000 addresses.

Run: .venv/bin/python bench/bench_addresses.py [--n 50000] [--store 50000]
Targets: cold normalize+key >= 10,000/s; repeated (cached) >= 100,000/s.
"""

from __future__ import annotations

import argparse
import base64
import csv
import os
import random
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("BO_TUI_KEY", base64.urlsafe_b64encode(b"b" * 32).decode())
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import func, insert, select  # noqa: E402

from bo_tui.core import addresses as A  # noqa: E402
from bo_tui.core.schemas import AddressIn  # noqa: E402
from bo_tui.store import Store  # noqa: E402
from bo_tui.store.models import Address  # noqa: E402

ROUNDS = 3
STREETS = [
    "Lexington",
    "Main",
    "Oak",
    "Elm",
    "Maple",
    "Fifth",
    "109th",
    "Cedar Hill",
    "West End",
    "Washington",
    "Lincoln",
    "Jefferson",
    "Walnut",
    "Hickory",
    "Sycamore",
    "Twenty-First",
]
TAGS = ["Avenue", "Ave.", "St", "Street", "Blvd", "Dr", "Drive", "Ln", "Ct", "Cir", "Pkwy", "Ter"]
DIRS = ["", "", "N", "North", "S", "E.", "W", "NW", "North West", "SE"]
APTS = ["", "", "", "Apt 4", "#12", "Unit 3B", "Suite 200", "2"]
CITIES = ["Jefferson City", "Columbia", "Springfield", "St. Louis", "Kansas City"]
STATES = ["MO", "Missouri", "mo", "KS"]


def components(rng: random.Random, i: int) -> dict[str, str]:
    return {
        "number": str(100 + i),
        "prefix": rng.choice(DIRS),
        "street": rng.choice(STREETS),
        "tag": rng.choice(TAGS),
        "direction": rng.choice(DIRS[:4]),
        "apt": rng.choice(APTS),
        "city": rng.choice(CITIES),
        "state": rng.choice(STATES),
        "zip": rng.choice(["65101", "65109-1234", "63101", "66044"]),
    }


def measure(fn, items, *, rounds: int = 1, cold: bool = True) -> tuple[float, float]:
    """Best (wall, cpu) seconds of ``fn`` over ``items``; caches cleared first when ``cold``."""
    best = (float("inf"), float("inf"))
    for _ in range(rounds):
        if cold:
            A.cache_clear()
        w, c = time.perf_counter(), time.process_time()
        for item in items:
            fn(item)
        best = min(best, (time.perf_counter() - w, time.process_time() - c))
    return best


def rate(label: str, n: int, times: tuple[float, float], target: float | None = None) -> None:
    wall, cpu = times
    per_wall, per_cpu = n / wall, n / max(cpu, 1e-9)
    goal = ""
    if target:
        goal = f"  target {target:,.0f}/s: {'ok' if per_wall >= target else 'MISSED'}"
    print(f"{label:<48} {n:>7,}  {per_wall:>9,.0f}/s wall  {per_cpu:>9,.0f}/s cpu{goal}")


def bench_normalize(n: int) -> None:
    rng = random.Random(7)
    parts = [components(rng, i) for i in range(n)]

    def key(p):
        return A.address_key(A.normalize_components(p))

    rate(
        "normalize + key, cold (distinct addresses)", n, measure(key, parts, rounds=ROUNDS), 10_000
    )
    rate(
        "normalize + key, repeated (cache)",
        n,
        measure(key, parts, rounds=ROUNDS, cold=False),
        100_000,
    )

    models = [AddressIn(**p) for p in parts]
    rate("normalized_key_of(components), cold", n, measure(A.normalized_key_of, models))
    rate(
        "normalized_key_of(components), repeated",
        n,
        measure(A.normalized_key_of, models, rounds=ROUNDS, cold=False),
    )
    texts = [
        AddressIn(fullStreetAddress=A.street_line(A.normalize_components(p)).title(), city="X")
        for p in parts[:5000]
    ]
    rate(
        "normalized_key_of(fullStreetAddress), cold",
        len(texts),
        measure(A.normalized_key_of, texts),
    )
    written = forms_corpus_texts()
    rate(
        "normalized_key_of(R-ADDR-7 written forms), cold",
        len(written),
        measure(A.normalized_key_of, written),
    )


def forms_corpus_texts() -> list[dict[str, str]]:
    """The whole-line cells of fixtures/address_corpus.csv: addresses as people write them
    (commas anywhere or nowhere, '#' units, states with no city …; R-ADDR-7)."""
    path = Path(__file__).resolve().parents[1] / "fixtures" / "address_corpus.csv"
    with path.open(newline="", encoding="utf-8") as fh:
        cells = [cell for row in csv.DictReader(fh) for cell in (row["a"], row["b"])]
    return [{"fullStreetAddress": c} for c in dict.fromkeys(cells) if not c.startswith("json:")]


def bench_resolve(store_size: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        store = Store(f"sqlite:///{Path(tmp) / 'bench.db'}")
        rng = random.Random(11)
        stored, rows, seen = [], [], set()
        for i in range(store_size):
            parts = components(rng, i)
            norm = A.normalize_components(parts)
            key = A.address_key(norm)
            if key in seen:
                continue
            seen.add(key)
            stored.append(AddressIn(**parts))
            row = {A.COLUMNS[k]: (norm[k] or None) for k in A.NORM_FIELDS[1:]}
            rows.append({**row, "post_office_box": False, "norm_key": key})
        t = time.perf_counter()
        with store.transaction() as s:
            s.execute(insert(Address), rows)
        print(f"store: {len(rows):,} addresses bulk-loaded in {time.perf_counter() - t:.2f} s")

        existing = stored[:: max(1, len(stored) // 10_000)][:10_000]
        rng2 = random.Random(99)
        new = [AddressIn(**components(rng2, store_size + i)) for i in range(5_000)]
        messy = [
            AddressIn(
                street=" ".join(
                    x or "" for x in (p.number, p.prefix, p.street, p.tag, p.direction, p.apt)
                ),
                city=p.city,
                state=p.state,
                zip=p.zip,
            )
            for p in existing[:2_000]
        ]
        texts = [
            AddressIn(
                fullStreetAddress=A.street_line(A.normalize_components(p.model_dump())).title(),
                city=p.city,
                state=p.state,
                zip=p.zip,
            )
            for p in existing[:5_000]
        ]
        for label, batch, cold in (
            ("resolve, stored address (match), cold", existing, True),
            ("resolve, stored address (match), repeated", existing, False),
            ("resolve, stored address as text, cold", texts, True),
            ("resolve, misplaced components (re-parse)", messy, True),
            ("resolve, new address (create)", new, True),
        ):
            with store.transaction() as s:
                times = measure(lambda a, s=s: A.resolve(s, a, "address"), batch, cold=cold)
            rate(label, len(batch), times)
        with store.transaction() as s:
            total = s.scalar(select(func.count()).select_from(Address))
        # Every batch but the new one spells stored addresses: anything else is a duplicate.
        print(f"store after: {total:,} addresses, {total - len(rows):,} created (5,000 expected)")
        store.dispose()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=50_000, help="distinct addresses to normalize")
    ap.add_argument("--store", type=int, default=50_000, help="addresses in the SQLite store")
    args = ap.parse_args()
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs")
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"load average {load:.1f} (cpu rates are this process's CPU time)")
    bench_normalize(args.n)
    bench_resolve(args.store)


if __name__ == "__main__":
    main()
