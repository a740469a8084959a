"""The CLI: one clear error line and exit 2 for usage errors, never a traceback."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from bo_tui.cli import main


def test_bad_db_url_is_one_line_exit_2(capsys):
    assert main(["--db", "nonsense://", "demo", "--staff", "0"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("bo-tui: error: --db") and "Traceback" not in err and err.count("\n") == 1


def test_unwritable_hr_out_is_a_usage_error(tmp_path, capsys):
    db = f"sqlite:///{tmp_path / 'x.db'}"
    assert main(["--db", db, "demo", "--staff", "0", "--hr-out", "/nonexistent/dir/hr.json"]) == 2
    assert "--hr-out" in capsys.readouterr().err


def test_unknown_command_is_exit_2(capsys):
    assert main(["frobnicate"]) == 2


def test_demo_json_counts(tmp_path, capsys):
    db = f"sqlite:///{tmp_path / 'x.db'}"
    hr = tmp_path / "hr.json"
    assert main(["--db", db, "demo", "--staff", "30", "--hr-out", str(hr), "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["staff"] == 30 and doc["hr_records"] == len(json.loads(hr.read_text()))


def test_demo_twice_is_a_data_error_exit_1(tmp_path, capsys):
    db = f"sqlite:///{tmp_path / 'x.db'}"
    assert main(["--db", db, "demo", "--staff", "3"]) == 0
    assert main(["--db", db, "demo", "--staff", "3"]) == 1
    assert "already holds people" in capsys.readouterr().err


def test_version_and_console_script(tmp_path):
    out = subprocess.run(
        [sys.executable, "-m", "bo_tui.cli", "--version"],
        capture_output=True,
        text=True,
        env=os.environ,
    )
    assert out.returncode == 0 and out.stdout.startswith("bo-tui ")
