"""Schema migrations with Alembic: a new store is created at the newest revision; a store
from an earlier version of bo-tui upgrades itself when it is opened."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, inspect

from .models import Base

MIGRATIONS = Path(__file__).with_name("migrations")


def alembic_config(url: str | None = None) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    if url:
        cfg.set_main_option("sqlalchemy.url", url)
    return cfg


def head() -> str:
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def current(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def _run(engine: Engine, fn, *args) -> None:
    cfg = alembic_config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        fn(cfg, *args)


def upgrade(engine: Engine, revision: str = "head") -> None:
    _run(engine, command.upgrade, revision)


def stamp(engine: Engine, revision: str = "head") -> None:
    _run(engine, command.stamp, revision)


def ensure(engine: Engine) -> str:
    """Bring the store to the newest schema; returns what was done (for the log)."""
    tables = set(inspect(engine).get_table_names())
    if "alembic_version" in tables:
        if current(engine) != head():
            upgrade(engine)
            return "upgraded"
        return "current"
    if not tables:
        Base.metadata.create_all(engine)
        stamp(engine)
        return "created"
    # A store made before migrations existed: stamp what it has, then upgrade.
    if set(Base.metadata.tables) <= tables:
        stamp(engine)
        return "stamped"
    stamp(engine, base_revision())
    upgrade(engine)
    return "upgraded"


def base_revision() -> str:
    script = ScriptDirectory.from_config(alembic_config())
    return next(iter(script.get_bases()))
