"""Shared fixtures: a fresh store per test (SQLite file in tmp_path; PostgreSQL with the
``pg_store`` fixture, skipped cleanly when no server answers) and a fixed data key."""

from __future__ import annotations

import base64
import itertools
import os

import pytest

# A fixed test key: tests never touch the user's real key file or config dir.
os.environ.setdefault("BO_TUI_KEY", base64.urlsafe_b64encode(b"k" * 32).decode())

from bo_tui.store import Store  # noqa: E402

PG_URL = os.environ.get("BO_TUI_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


@pytest.fixture(autouse=True)
def _isolated_dirs(tmp_path_factory, monkeypatch):
    home = tmp_path_factory.mktemp("xdg")
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / "config"))
    monkeypatch.delenv("BO_TUI_DB", raising=False)


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request, tmp_path):
    """Every store-touching test runs on SQLite and on PostgreSQL (issue 9); the PostgreSQL
    run is skipped cleanly where no server answers."""
    if request.param == "postgresql":
        yield request.getfixturevalue("pg_store")
        return
    s = Store(f"sqlite:///{tmp_path / 'bo-tui.db'}")
    yield s
    s.dispose()


@pytest.fixture
def ref_store(store):
    """A store with the reference data of fixtures/reference.json and no people."""
    from bo_tui.core.demo import load_reference

    with store.transaction() as session:
        load_reference(session)
    return store


def _pg_available() -> bool:
    try:
        import psycopg

        with psycopg.connect(PG_URL.replace("+psycopg", ""), connect_timeout=2):
            return True
    except Exception:
        return False


_pg_counter = itertools.count()


@pytest.fixture
def pg_store():
    """A store in a fresh PostgreSQL schema of its own (parallel test runs never collide)."""
    if not _pg_available():
        pytest.skip("no PostgreSQL server answers at " + PG_URL.split("@")[-1])
    import psycopg

    schema = f"bo_tui_t{os.getpid()}_{next(_pg_counter)}"
    plain = PG_URL.replace("+psycopg", "")
    with psycopg.connect(plain, autocommit=True) as conn:
        conn.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
        conn.execute(f"CREATE SCHEMA {schema}")
    sep = "&" if "?" in PG_URL else "?"
    s = Store(f"{PG_URL}{sep}options=-csearch_path%3D{schema}")
    yield s
    s.dispose()
    with psycopg.connect(plain, autocommit=True) as conn:
        conn.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")


@pytest.fixture(params=["sqlite", "postgresql"])
def any_store(request, tmp_path):
    """Runs a test on SQLite and on PostgreSQL (skipped where no server answers)."""
    if request.param == "sqlite":
        s = Store(f"sqlite:///{tmp_path / 'bo-tui.db'}")
        yield s
        s.dispose()
    else:
        yield request.getfixturevalue("pg_store")
