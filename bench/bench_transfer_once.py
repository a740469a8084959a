"""One HR file transfer, timed, with the code of a given checkout: for paired A/B runs of two
versions with farm-bench, since this machine's speed drifts too much for single runs.

    python bench/bench_transfer_once.py REPO STORE.db HR_FILE

REPO is a checkout (``git worktree add /tmp/old <commit>``) whose ``bo_tui`` is imported;
STORE.db a copy of bench_sync.py's store (an older checkout may need it at its own schema
revision). Restarts the open sync, transfers the file, prints records per second. Example:

    farm-bench -n 5 --vs "python bench/bench_transfer_once.py /tmp/old /tmp/old.db hr.json" \\
        -- python bench/bench_transfer_once.py . /tmp/new.db hr.json
"""

from __future__ import annotations

import base64
import os
import sys
import time
from pathlib import Path


def main() -> int:
    repo, db, path = sys.argv[1:4]
    repo = str(Path(repo).resolve())
    sys.path.insert(0, repo)
    os.environ.setdefault(
        "BO_TUI_KEY", base64.urlsafe_b64encode(b"bench-key-bench-key-bench-key-32").decode()
    )
    from bo_tui.core import sync
    from bo_tui.store import Store

    if not sync.__file__.startswith(repo):
        raise SystemExit(f"bo_tui came from {sync.__file__}, not from {repo}")
    store = Store(f"sqlite:///{db}")
    with store.transaction() as s:
        if sync.current(s).state in ("transferring", "transferred", "validated"):
            sync.restart(s)
        else:
            sync.start(s, "bench")
    t = time.perf_counter()
    res = sync.transfer_file(store, path)
    dt = time.perf_counter() - t
    print(f"{repo}: {res.accepted:,} records in {dt:.2f} s, {res.accepted / dt:,.0f} records/s")
    return 0


if __name__ == "__main__":  # worker processes may import this module again
    sys.exit(main())
