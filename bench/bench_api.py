"""API figures (SPEC section 11: single staff create p50 <= 10 ms): ``bo-tui serve`` (uvicorn on
loopback) in a subprocess over a SQLite demo district; an httpx client with keep-alive.

Run: .venv/bin/python bench/bench_api.py [--staff 3000] [--n 300] [--port 8791] [--db URL]
Prints p50/p95/p99 of POST /staffMembers (a typical payload: employment, position, household
with an address) and of GET /staffMembers/{staffNumber}.
"""

from __future__ import annotations

import argparse
import base64
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("BO_TUI_KEY", base64.urlsafe_b64encode(os.urandom(32)).decode())
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402

from bo_tui.core import credentials as cred  # noqa: E402
from bo_tui.core.demo import build_demo  # noqa: E402
from bo_tui.store import Store  # noqa: E402

BASE = cred.BASE_PATH


def payload(i: int) -> dict:
    return {
        "staffNumber": f"B{i:07d}",
        "lastName": "Benchmark",
        "firstName": f"Pat{i}",
        "gender": "F",
        "ssn": f"{100 + i % 800:03d}-{10 + i % 89:02d}-{1000 + i % 8999:04d}",
        "birthDate": "1984-03-09",
        "workEmail": f"pat{i}@example.org",
        "employments": [{"hireDate": "2021-08-01"}],
        "positions": [
            {
                "schoolNumber": "010",
                "assignmentCode": "20",
                "titleCode": "035E4EAB",
                "startDate": "2021-08-01",
            }
        ],
        "household": {
            "householdLocations": [
                {
                    "address": {
                        "fullStreetAddress": f"{100 + i} North Lexington Avenue",
                        "city": "Jefferson City",
                        "state": "MO",
                        "zip": "65101",
                    },
                    "mailing": True,
                    "physical": True,
                }
            ]
        },
    }


def wait_port(port: int, timeout: float = 20.0) -> None:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise SystemExit(f"the server did not listen on port {port}")


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--staff", type=int, default=3000, help="Campus staff in the demo district")
    ap.add_argument("--n", type=int, default=300, help="creates to time")
    ap.add_argument("--port", type=int, default=8791)
    ap.add_argument("--db", help="store URL (default: a fresh SQLite file)")
    args = ap.parse_args()

    tmp = tempfile.mkdtemp(prefix="bo-tui-bench-")
    url = args.db or f"sqlite:///{tmp}/bench.db"
    store = Store(url)
    t0 = time.perf_counter()
    build_demo(store, staff=args.staff, seed=1, login="bench")
    with store.transaction() as s:
        c = cred.get_credentials(s, reveal=True)
    print(
        f"demo district with {args.staff:,} staff in {time.perf_counter() - t0:.1f} s ({store.location})"
    )
    store.dispose()

    env = {**os.environ, "XDG_DATA_HOME": tmp, "XDG_CONFIG_HOME": tmp}
    cmd = [sys.executable, "-m", "bo_tui.cli", "--db", url, "serve", "--port", str(args.port)]
    server = subprocess.Popen(
        cmd, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        wait_port(args.port)
        origin = f"http://127.0.0.1:{args.port}"
        with httpx.Client(base_url=origin, timeout=30) as http:
            r = http.post(
                f"/campus/oauth2/token?appName={c.appName}",
                data={
                    "grant_type": "client_credentials",
                    "client_id": c.clientId,
                    "client_secret": c.clientSecret,
                },
            )
            r.raise_for_status()
            http.headers["Authorization"] = f"Bearer {r.json()['access_token']}"
            for i in range(30):  # warm-up: imports, caches, connection pool
                http.post(BASE + "/staffMembers", json=payload(900_000 + i)).raise_for_status()
            creates, reads = [], []
            for i in range(args.n):
                body = payload(i)
                t = time.perf_counter()
                r = http.post(BASE + "/staffMembers", json=body)
                creates.append((time.perf_counter() - t) * 1000)
                if r.status_code != 201:
                    raise SystemExit(f"create answered {r.status_code}: {r.text[:200]}")
                t = time.perf_counter()
                http.get(f"{BASE}/staffMembers/{body['staffNumber']}").raise_for_status()
                reads.append((time.perf_counter() - t) * 1000)
    finally:
        server.terminate()
        server.wait(10)

    print(f"command: {' '.join(['.venv/bin/python', 'bench/bench_api.py', *sys.argv[1:]])}")
    for name, values in (("POST /staffMembers", creates), ("GET /staffMembers/{n}", reads)):
        print(
            f"{name:<22} n={len(values)}  p50 {statistics.median(values):6.2f} ms  "
            f"p95 {pct(values, 95):6.2f} ms  p99 {pct(values, 99):6.2f} ms"
        )
    p50 = statistics.median(creates)
    print(
        f"target: single staff create p50 <= 10 ms: {'met' if p50 <= 10 else 'NOT met'} ({p50:.2f} ms)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
