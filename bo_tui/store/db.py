"""Engine and session helpers: default SQLite file under platformdirs, any URL via ``--db``
or ``BO_TUI_DB``; foreign keys enforced; schema created on first use."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import platformdirs
from sqlalchemy import Engine, create_engine, event, inspect
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError, OperationalError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from .models import Base

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


def _sqlite_pragmas(dbapi_conn, _record) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA busy_timeout=10000")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.close()


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
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


class Store:
    """One database: its engine, a session factory, and the schema ensured on first use."""

    def __init__(self, url: str | None = None, *, create: bool = True):
        self.url = resolve_url(url)
        self.engine = make_engine(self.url)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        if create:
            self.ensure_schema()

    @property
    def location(self) -> str:
        return describe(self.url)

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    def ensure_schema(self) -> None:
        try:
            Base.metadata.create_all(self.engine)
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
        """One unit of work: commit on success, roll back on any error."""
        with self._sessions() as session, session.begin():
            yield session

    def dispose(self) -> None:
        self.engine.dispose()
