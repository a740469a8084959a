"""Huge HR files as they really arrive (issue 18, R-SYNC-2): max RSS and time of `bo-tui sync
transfer` of a 150 MB file that is good, cut off at its end, and one record 200,000 times.

    python bench/bench_hr_files.py [--mb 150] [--dir /tmp/bo-tui-hr-bench]

Builds a demo district (``bo-tui demo --staff 2000 --hr-out``), grows its HR export to the size
asked with new staff numbers, then runs each case in a fresh copy of the store under
``/usr/bin/time -v`` (``sync start``, then ``sync transfer FILE`` measured) and prints the exit
code, the maximum resident set size (the largest process: this one or a worker) and the wall time.
The cut-off case stages every group of the file before the break, then undoes them all.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CLI = [sys.executable, "-m", "bo_tui.cli"]


def grow(src: Path, dst: Path, mb: int) -> int:
    """The demo's records again and again, each copy with new staff numbers, to ``mb`` MB."""
    records = json.loads(src.read_text())
    target = mb << 20
    n = 0
    with dst.open("w") as out:
        out.write("[\n")
        size = 2
        while size < target:
            for r in records:
                text = json.dumps({**r, "staffNumber": f"B{n:07d}"})
                out.write(("" if n == 0 else ",\n") + text)
                size += len(text) + 2
                n += 1
                if size >= target:
                    break
        out.write("\n]\n")
    return n


def repeated(src: Path, dst: Path, times: int) -> None:
    record = json.dumps(json.loads(src.read_text())[0])
    with dst.open("w") as out:
        out.write("[\n" + ",\n".join([record] * times) + "\n]\n")


def measure(label: str, db: Path, template: Path, hr: Path, env: dict) -> None:
    shutil.copyfile(template, db)
    url = f"sqlite:///{db}"
    subprocess.run([*CLI, "--db", url, "sync", "start"], cwd=ROOT, env=env, check=True)
    # The file's transfer alone: validate holds the report's rows, which is another figure.
    cmd = ["/usr/bin/time", "-v", *CLI, "--db", url, "sync", "transfer", str(hr)]
    p = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True)
    rss = re.search(r"Maximum resident set size \(kbytes\): (\d+)", p.stderr)
    wall = re.search(r"Elapsed \(wall clock\) time.*: (\S+)", p.stderr)
    said = [ln for ln in p.stderr.splitlines() if "nothing from this file" in ln][:1]
    size = hr.stat().st_size / (1 << 20)
    print(
        f"{label:<28} {size:7.1f} MB  rc {p.returncode}  max RSS "
        f"{int(rss.group(1)) / 1024 if rss else 0:7.1f} MB  wall {wall.group(1) if wall else '?'}"
    )
    for ln in said:
        print(f"    {ln[:160]}")
    out = [ln for ln in p.stdout.splitlines() if ln.startswith(("Transfer", "  "))][:2]
    for ln in out:
        print(f"    {ln[:160]}")


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--mb", type=int, default=150)
    ap.add_argument("--dir", default="/tmp/bo-tui-hr-bench")
    args = ap.parse_args()
    work = Path(args.dir)
    work.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "BO_TUI_KEY": os.environ.get("BO_TUI_KEY", "A" * 43 + "=")}
    template = work / "template.db"
    demo_hr = work / "demo-hr.json"
    if not template.exists():
        template.unlink(missing_ok=True)
        subprocess.run(
            [
                *CLI,
                "--db",
                f"sqlite:///{template}",
                "demo",
                "--staff",
                "2000",
                "--hr-out",
                str(demo_hr),
            ],
            cwd=ROOT,
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
        )
    big = work / "big.json"
    n = grow(demo_hr, big, args.mb)
    print(f"{big.name}: {n:,} records")
    cut = work / "cut.json"
    with big.open("rb") as src, cut.open("wb") as dst:
        shutil.copyfileobj(src, dst)
        dst.truncate(big.stat().st_size - 300)  # the export stopped inside its last record
    rep = work / "repeated.json"
    repeated(demo_hr, rep, 200_000)
    db = work / "run.db"
    measure("good file", db, template, big, env)
    measure("cut off at the end", db, template, cut, env)
    measure("one record 200,000 times", db, template, rep, env)
    return 0


if __name__ == "__main__":
    sys.exit(main())
