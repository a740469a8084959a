"""Migrations (issue 9): a store from the first revision, with data in it, upgrades itself when
opened; a new store is created at the newest revision; the migrated schema equals the models."""

from __future__ import annotations

import datetime as dt

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import create_engine, insert, select, text

from bo_tui.store import Store, migrate
from bo_tui.store.models import Base, Identity, Person, School


def test_a_store_at_the_first_revision_upgrades_on_open_and_keeps_its_data(tmp_path):
    url = f"sqlite:///{tmp_path / 'old.db'}"
    engine = create_engine(url)
    migrate.upgrade(engine, "0001")
    with engine.begin() as conn:
        conn.execute(
            insert(School.__table__), [{"id": 1, "school_number": "010", "name": "Lakeside"}]
        )
        conn.execute(
            insert(Person.__table__),
            [
                {
                    "id": 1,
                    "staff_number": "10058",
                    "birth_date": dt.date(1979, 12, 26),
                    "hr_managed": False,
                }
            ],
        )
        conn.execute(
            insert(Identity.__table__),
            [{"person_id": 1, "last_name": "Brown", "first_name": "Allison", "is_current": True}],
        )
        assert (
            "sync_runs" not in conn.execute(text("select name from sqlite_master")).scalars().all()
        )
    engine.dispose()

    store = Store(url)  # opening it upgrades it
    assert store.schema_action == "upgraded"
    assert migrate.current(store.engine) == migrate.head()
    with store.session() as s:
        assert s.scalar(select(Identity.last_name).where(Identity.person_id == 1)) == "Brown"
        names = s.execute(text("select name from sqlite_master where type='index'")).scalars().all()
    assert "ix_persons_staff_key" in names
    from bo_tui.core import sync

    with store.transaction() as s:  # the new tables work
        sync.start(s, "dtc")


def test_a_new_store_is_created_at_head(tmp_path):
    store = Store(f"sqlite:///{tmp_path / 'new.db'}")
    assert store.schema_action == "created"
    assert migrate.current(store.engine) == migrate.head()
    assert Store(store.url).schema_action == "current"


def test_migrations_build_exactly_the_models(any_store, tmp_path):
    """Upgrading from nothing gives the schema create_all gives: no forgotten table or column."""
    engine = any_store.engine
    with engine.begin() as conn:
        Base.metadata.drop_all(conn)
        conn.execute(text("DROP TABLE IF EXISTS alembic_version"))
    migrate.upgrade(engine)
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    # expression indexes cannot be reflected for comparison; everything else must match
    assert [d for d in diff if "staff_key" not in repr(d)] == []
