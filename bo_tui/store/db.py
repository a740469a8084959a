"""Engine and session helpers: default SQLite file under platformdirs, any URL via ``--db``
or ``BO_TUI_DB``; foreign keys enforced; schema created on first use."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import platformdirs
from sqlalchemy import Engine, create_engine, event, inspect
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError, OperationalError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

DB_ENV = "BO_TUI_DB"


class StoreError(Exception):
    """The store cannot be opened: a bad URL, an unreachable server, an unwritable file."""


def default_url() -> str:
    path = Path(platformdirs.user_data_dir("bo-tui")) / "bo-tui.db"
    return f"sqlite:///{path}"


def resolve_url(db: str | None = None) -> str:
    """``--db`` wins, then ``BO_TUI_DB``, then the default SQLite file."""
    return db or os.environ.get(DB_ENV) or default_url()


def describe(url: str) -> str:
    """The store's location for the screen, without any password."""
    u = make_url(url)
    if u.get_backend_name() == "sqlite":
        return u.database or ":memory:"
    return u.render_as_string(hide_password=True)


# WAL lets readers and a writer work at once, but SQLite before 3.51.3 (backports: 3.44.6,
# 3.50.7) can corrupt a WAL database when several connections write concurrently; older
# libraries keep the rollback journal, where BEGIN IMMEDIATE and busy_timeout serialize writers.
WAL_SAFE = ((3, 51, 3), (3, 50, 7), (3, 44, 6))
BUSY_TIMEOUT_MS = 15000


def wal_is_safe(version: tuple[int, ...] = sqlite3.sqlite_version_info) -> bool:
    major_minor = version[:2]
    for fixed in WAL_SAFE:
        if major_minor == fixed[:2]:
            return version >= fixed
    return version >= WAL_SAFE[0]


def _sqlite_connect(dbapi_conn, _record) -> None:
    # Let SQLAlchemy, not pysqlite, emit BEGIN: pysqlite's implicit transactions break
    # SAVEPOINT and would start writers with a deferred BEGIN (see _sqlite_begin).
    dbapi_conn.isolation_level = None
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    if wal_is_safe():
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA synchronous=NORMAL")
    else:
        # As durable as DELETE, without unlinking the journal on every commit (1.2 → 0.8 ms
        # per small commit here), which is what a single API create waits for.
        cur.execute("PRAGMA journal_mode=TRUNCATE")
    cur.close()


def _sqlite_begin(conn) -> None:
    # Writers take the write lock up front (BEGIN IMMEDIATE), so two processes (TUI, serve,
    # CLI) never deadlock upgrading a read lock: the second one waits up to busy_timeout.
    if conn.get_execution_options().get("sqlite_immediate"):
        conn.exec_driver_sql("BEGIN IMMEDIATE")
    else:
        conn.exec_driver_sql("BEGIN")


def make_engine(url: str) -> Engine:
    try:
        u = make_url(url)
    except ArgumentError as exc:
        raise StoreError(
            f"--db: {url!r} is not a database URL (e.g. sqlite:///path/bo-tui.db)"
        ) from exc
    if u.get_backend_name() == "postgresql" and u.drivername == "postgresql":
        u = u.set(drivername="postgresql+psycopg")
    kwargs: dict = {}
    if u.get_backend_name() == "sqlite" and u.database and u.database != ":memory:":
        parent = Path(u.database).expanduser().parent
        try:
            parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(f"--db: cannot create the directory {parent}: {exc.strerror}") from exc
    try:
        engine = create_engine(u, **kwargs)
    except (ArgumentError, NoSuchModuleError) as exc:
        raise StoreError(f"--db: unsupported database URL {describe(url)!r}: {exc}") from exc
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_connect)
        event.listen(engine, "begin", _sqlite_begin)
    return engine


class Store:
    """One database: its engine, a session factory, and the schema ensured on first use."""

    def __init__(self, url: str | None = None, *, create: bool = True):
        self.url = resolve_url(url)
        self.engine = make_engine(self.url)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        # Writer sessions: on SQLite they BEGIN IMMEDIATE; elsewhere the same engine.
        self.writer_engine = self.engine.execution_options(sqlite_immediate=True)
        self._writers = sessionmaker(self.writer_engine, expire_on_commit=False)
        if create:
            self.ensure_schema()

    @property
    def location(self) -> str:
        return describe(self.url)

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    def ensure_schema(self) -> None:
        """Create a new store at the newest schema, or upgrade one from an earlier version."""
        from . import migrate

        try:
            self.schema_action = migrate.ensure(self.engine)
        except OperationalError as exc:
            raise StoreError(f"cannot open the store at {self.location}: {exc.orig}") from exc
        except SQLAlchemyError as exc:
            raise StoreError(f"cannot prepare the store at {self.location}: {exc}") from exc

    def has_table(self, name: str) -> bool:
        return inspect(self.engine).has_table(name)

    def session(self) -> Session:
        return self._sessions()

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """One unit of work that writes: commit on success, roll back on any error."""
        with self._writers() as session, session.begin():
            yield session

    def writer_session(self) -> Session:
        """A session whose transactions take the write lock at BEGIN (SQLite)."""
        return self._writers()

    def dispose(self) -> None:
        self.engine.dispose()
