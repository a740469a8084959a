"""TUI test helpers: apps over stores at fixed paths (the store location is on screen, so
snapshots need it stable), a fixed clock and a fixed login."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from bo_tui.core.demo import build_demo
from bo_tui.store import Store

SNAP_DIR = Path("/tmp/bo-tui-snapshots")
NOW = dt.datetime(2026, 9, 1, 9, 30)
LOGIN = "dtc"


def fixed_store(name: str, *, staff: int | None = None, seed: int = 1) -> Store:
    """A fresh store at /tmp/bo-tui-snapshots/<name>.db, optionally with a demo district."""
    SNAP_DIR.mkdir(parents=True, exist_ok=True)
    path = SNAP_DIR / f"{name}.db"
    path.unlink(missing_ok=True)
    st = Store(f"sqlite:///{path}")
    if staff is not None:
        build_demo(st, staff=staff, seed=seed, login=LOGIN, now=NOW)
    return st


def make_app(store: Store, *, data_dir: str | None = None):
    from bo_tui.tui.app import BoTuiApp

    return BoTuiApp(
        store, login=LOGIN, clock=lambda: NOW, data_dir=data_dir or str(SNAP_DIR / "data")
    )


async def settle(pilot) -> None:
    """Wait for workers and animations so the screen is final."""
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


@pytest.fixture
def data_dir(tmp_path):
    d = tmp_path / "data"
    yield str(d)
    shutil.rmtree(d, ignore_errors=True)
