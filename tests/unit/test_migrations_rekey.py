"""Migration 0007 (R-ADDR-7): a store from before the new normal form is re-keyed when it is
opened; a suite and an apartment of the same number, stored as two rows, become one address."""

from __future__ import annotations

from sqlalchemy import create_engine, func, insert, select

from bo_tui.core.addresses import normalized_key_of
from bo_tui.store import Store, migrate
from bo_tui.store.models import Address, Household, HouseholdLocation


def test_R_ADDR_7_opening_an_older_store_rekeys_and_merges_its_addresses(tmp_path):
    url = f"sqlite:///{tmp_path / 'old.db'}"
    engine = create_engine(url)
    migrate.upgrade(engine, "0006")
    row = {"number": "12", "street": "ELM", "tag": "ST", "city": "JEFFERSON CITY", "state": "MO"}
    with engine.begin() as conn:
        # Keys as the engine wrote them before R-ADDR-7: the unit's designator in the key.
        conn.execute(
            insert(Address.__table__),
            [
                {"id": 1, **row, "apt": "STE 4", "norm_key": "old|12|ELM|ST|STE 4"},
                {"id": 2, **row, "apt": "APT 4", "norm_key": "old|12|ELM|ST|APT 4"},
            ],
        )
        conn.execute(
            insert(Household.__table__),
            [
                {"id": 1, "name": "A", "staff_household": True},
                {"id": 2, "name": "B", "staff_household": False},
            ],
        )
        conn.execute(
            insert(HouseholdLocation.__table__),
            [{"household_id": 1, "address_id": 1}, {"household_id": 2, "address_id": 2}],
        )
    engine.dispose()

    store = Store(url)  # opening it upgrades it
    assert migrate.current(store.engine) == migrate.head()
    with store.session() as s:
        assert s.scalar(select(func.count()).select_from(Address)) == 1
        kept = s.execute(select(Address.id, Address.norm_key)).one()
        assert kept.id == 1  # the oldest row stays
        assert kept.norm_key == normalized_key_of(
            {
                "number": "12",
                "street": "Elm",
                "tag": "St",
                "apt": "# 4",
                "city": "Jefferson City",
                "state": "MO",
            }
        )
        assert set(s.scalars(select(HouseholdLocation.address_id))) == {1}
