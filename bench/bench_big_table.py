"""Benchmark of the validation review's big table (SPEC section 11): a store-backed tab of
100,000 report rows; time to first paint, time to move a page, far jumps, search, memory.

    .venv/bin/python bench/bench_big_table.py [--rows 100000] [--moves 200] [--db URL]

Headless (``App.run_test``); times are from the key's action to the paint of the new rows.
Without --db it builds (once) a store at /tmp/bo-tui-bench-big-table-<rows>.db holding a
validated sync whose demographic category has --rows rows (the shape ``validate`` writes).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import statistics
import sys
import time
from pathlib import Path

from sqlalchemy import func, insert, select

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bo_tui.core.sync.report import DEMOGRAPHIC_FIELDS, empty_summary  # noqa: E402
from bo_tui.core.sync.report_query import field_mask  # noqa: E402
from bo_tui.store import Store  # noqa: E402
from bo_tui.store.models.sync import SyncReportRow, SyncRun  # noqa: E402
from bo_tui.tui.widgets.big_table import BigTable  # noqa: E402
from bo_tui.tui.widgets.report_table import VIEWS, report_source  # noqa: E402

CATEGORY = "demographicDifferences"
LAST = ["Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis", "Lopez"]
FIRST = ["Mary", "James", "Linda", "Robert", "Ana", "John", "Aisha", "Wei", "Pat"]


def rss_mb() -> float:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def build(store: Store, rows: int) -> int:
    """A validated sync whose demographic category has ``rows`` rows; returns its id."""
    with store.session() as s:
        run = s.scalar(select(SyncRun).order_by(SyncRun.id.desc()))
        if run is not None:
            n = s.scalar(
                select(func.count())
                .select_from(SyncReportRow)
                .where(SyncReportRow.sync_id == run.id, SyncReportRow.category == CATEGORY)
            )
            if n == rows:
                return run.id
    rnd = random.Random(7)
    t0 = time.perf_counter()
    summary = empty_summary()
    summary[CATEGORY] = {"total": rows, "fields": {f: 0 for f in DEMOGRAPHIC_FIELDS}}
    with store.transaction() as s:
        import datetime as dt

        run = SyncRun(
            state="validated",
            started_by="bench",
            started_at=dt.datetime(2026, 9, 1),
            validated_at=dt.datetime(2026, 9, 1),
            summary=json.dumps(summary),
            transferred=rows,
        )
        s.add(run)
        s.flush()
        sync_id = run.id
        batch = []
        for i in range(rows):
            sn = f"E{i:07d}"
            last, first = rnd.choice(LAST), rnd.choice(FIRST)
            campus = {
                "staffNumber": sn,
                "lastName": last,
                "firstName": first,
                "middleName": None,
                "gender": "F",
                "ssn": "***-**-1234",
                "birthDate": "1980-01-01",
                "workPhone": "555-0100",
                "cellPhone": None,
                "otherPhone": None,
                "workEmail": f"{first.lower()}.{last.lower()}{i}@school.k12.mo.us",
                "personalEmail": None,
                "personId": i + 1,
            }
            hr = dict(campus)
            hr.pop("personId")
            diffs = []
            if i % 3 == 0:
                hr["lastName"] = last.upper()
                diffs.append("name")
            if i % 5 == 0:
                hr["workEmail"] = f"{first[0].lower()}{last.lower()}{i}@school.k12.mo.us"
                diffs.append("workEmail")
            if i % 7 == 0 or not diffs:
                hr["birthDate"] = "1980-01-02"
                diffs.append("birthDate")
            for f in diffs:
                summary[CATEGORY]["fields"][f] += 1
            data = {"staffNumber": sn, "campus": campus, "hr": hr, "differences": diffs}
            batch.append(
                {
                    "sync_id": sync_id,
                    "category": CATEGORY,
                    "seq": i,
                    "staff_number": sn,
                    "search": f"{sn} {last} {first}".lower(),
                    "fields": field_mask(diffs),
                    "data": json.dumps(data, separators=(",", ":")),
                }
            )
            if len(batch) >= 5000:
                s.execute(insert(SyncReportRow), batch)
                batch = []
        if batch:
            s.execute(insert(SyncReportRow), batch)
        run.summary = json.dumps(summary)
    print(f"built {rows:,} report rows in {time.perf_counter() - t0:.1f} s")
    return sync_id


class TimedTable(BigTable):
    """Records when each row was last painted with its data (not a placeholder)."""

    def __init__(self, *a, **kw):
        super().__init__(*a, **kw)
        self.painted: dict[int, float] = {}
        self.first_paint: float | None = None

    def render_line(self, y: int):
        strip = super().render_line(y)
        if self.row_count and y >= self.header_height:
            index = (y - self.header_height + int(self.scroll_y)) // self.row_height
            if index < self.row_count and self.row_at(index) is not None:
                now = time.perf_counter()
                self.painted[index] = now
                if self.first_paint is None:
                    self.first_paint = now
        return strip


async def run(store: Store, sync_id: int, moves: int) -> dict:
    from textual.app import App
    from textual.widgets import Footer, Header

    view = VIEWS[CATEGORY]
    out: dict = {}

    class BenchApp(App):
        def compose(self):
            yield Header()
            yield TimedTable(
                view.columns, row_height=view.row_height, fixed_columns=view.fixed, markable=True
            )
            yield Footer()

        def on_mount(self):
            self.t_source = time.perf_counter()
            self.query_one(TimedTable).set_source(report_source(store, CATEGORY, sync_id))

    t_launch = time.perf_counter()
    app = BenchApp()
    async with app.run_test(size=(80, 24)) as pilot:
        table = app.query_one(TimedTable)
        table.focus()
        while table.first_paint is None:
            if time.perf_counter() - t_launch > 30:
                raise SystemExit(f"no first paint within 30 s ({table.error or 'no error'})")
            await asyncio.sleep(0.001)
        out["rows"] = table.row_count
        out["first_paint_from_launch_s"] = table.first_paint - t_launch
        out["first_paint_from_source_s"] = table.first_paint - app.t_source
        out["rss_after_first_paint_mb"] = rss_mb()

        async def timed(action) -> float:
            t0 = time.perf_counter()
            action()
            target = table.cursor_row
            while table.painted.get(target, 0) < t0:
                if time.perf_counter() - t0 > 10:
                    raise SystemExit(f"row {target} was not painted within 10 s")
                await asyncio.sleep(0.0005)
            return (table.painted[target] - t0) * 1000

        await pilot.pause()
        page_ms = [await timed(table.action_page_down) for _ in range(moves)]
        back_ms = [await timed(table.action_page_up) for _ in range(min(moves, 50))]
        rnd = random.Random(3)
        jump_ms = [
            await timed(lambda: table.move_cursor(rnd.randrange(table.row_count)))
            for _ in range(30)
        ]
        end_ms = await timed(table.action_last)
        home_ms = await timed(table.action_first)
        out["page_down_ms"] = page_ms
        out["page_up_ms"] = back_ms
        out["far_jump_ms"] = jump_ms
        out["end_ms"], out["home_ms"] = end_ms, home_ms

        t0 = time.perf_counter()
        table.search(f"E{table.row_count - 5:07d}")
        await app.workers.wait_for_complete()
        while table.painted.get(table.cursor_row, 0) < t0:
            await asyncio.sleep(0.0005)
        out["search_ms"] = (table.painted[table.cursor_row] - t0) * 1000
        out["search_found"] = table.cursor_row
        # Page through long stretches: memory must not grow with the rows visited.
        for stretch in ("rss_after_1000_more_pages_mb", "rss_after_2000_more_pages_mb"):
            for i in range(1000):
                table.action_page_down()
                if i % 50 == 0:
                    await pilot.pause()
            await app.workers.wait_for_complete()
            await pilot.pause()
            table.painted.clear()  # the bench's own record, not the table's
            out[stretch] = rss_mb()
        out["pages_in_memory"] = len(table._pages)
        out["rows_reviewed"] = table.seen.total
    return out


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rows", type=int, default=100_000)
    ap.add_argument("--moves", type=int, default=200)
    ap.add_argument("--db", help="a store URL (default: a bench store under /tmp)")
    args = ap.parse_args()
    url = args.db or f"sqlite:////tmp/bo-tui-bench-big-table-{args.rows}.db"
    store = Store(url)
    sync_id = build(store, args.rows)
    rss0 = rss_mb()
    r = asyncio.run(run(store, sync_id, args.moves))
    pd = r["page_down_ms"]
    print(f"command: {' '.join([Path(sys.executable).name, *sys.argv])}")
    print(f"store: {store.location}; rows in the tab: {r['rows']:,}; cpus: {os.cpu_count()}")
    print(
        f"first paint: {r['first_paint_from_launch_s'] * 1000:.0f} ms from app launch, "
        f"{r['first_paint_from_source_s'] * 1000:.0f} ms from set_source (target <= 500 ms)"
    )
    print(
        f"page down x{len(pd)}: median {statistics.median(pd):.1f} ms, p95 {pct(pd, 95):.1f} ms, "
        f"p99 {pct(pd, 99):.1f} ms, max {max(pd):.1f} ms (target <= 50 ms)"
    )
    pu = r["page_up_ms"]
    print(f"page up x{len(pu)}: median {statistics.median(pu):.1f} ms, max {max(pu):.1f} ms")
    fj = r["far_jump_ms"]
    print(
        f"far jump (uncached page) x{len(fj)}: median {statistics.median(fj):.1f} ms, "
        f"max {max(fj):.1f} ms; G {r['end_ms']:.1f} ms, g {r['home_ms']:.1f} ms"
    )
    print(f"search near the end: {r['search_ms']:.1f} ms (row {r['search_found']:,})")
    print(
        f"memory (RSS): {rss0:.0f} MB before the app, {r['rss_after_first_paint_mb']:.0f} MB at "
        f"first paint, {r['rss_after_1000_more_pages_mb']:.0f} MB after 1,000 more pages, "
        f"{r['rss_after_2000_more_pages_mb']:.0f} MB after 2,000; "
        f"pages in memory: {r['pages_in_memory']}; rows reviewed: {r['rows_reviewed']:,}"
    )


if __name__ == "__main__":
    main()
