"""The import-linter contracts of pyproject.toml hold: the core and the store reach neither the
TUI, the API nor any UI or web framework; the adapters reach neither SQLAlchemy nor the ORM models."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest


def test_import_linter_contract_is_kept():
    exe = Path(sys.executable).with_name("lint-imports")
    if not exe.exists() and not shutil.which("lint-imports"):
        pytest.skip("import-linter is not installed")
    root = Path(__file__).resolve().parents[2]
    out = subprocess.run(
        [str(exe if exe.exists() else "lint-imports")], cwd=root, capture_output=True, text=True
    )
    assert out.returncode == 0, out.stdout[-2000:]
    assert "2 kept, 0 broken" in out.stdout
