"""R-ADDR-7 re-key (``addresses.rekey``): stored keys written before the unit number alone
decided get today's key, and rows that become one are merged with their household uses moved."""

from __future__ import annotations

from sqlalchemy import func, insert, select

from bo_tui.core.addresses import normalized_key_of, rekey, resolve
from bo_tui.core.schemas import AddressIn
from bo_tui.store.models import Address, Household, HouseholdLocation

JC = {"city": "JEFFERSON CITY", "state": "MO", "zip": "65101"}
ROW = {"post_office_box": False, "number": "100", "street": "MAIN", "tag": "ST", **JC}


def test_R_ADDR_7_rekey_gives_old_keys_the_unit_number_and_merges(store):
    with store.transaction() as s:
        s.execute(
            insert(Address),
            [
                # As written before R-ADDR-7: the suite's designator in its key.
                {
                    **ROW,
                    "apt": "STE 200",
                    "norm_key": "|100||MAIN|ST||STE 200|JEFFERSON CITY|MO|65101",
                },
                # Created since, from "100 Main St #200": today's key of the same address.
                {**ROW, "apt": "200", "norm_key": "|100||MAIN|ST||200|JEFFERSON CITY|MO|65101"},
                {
                    **ROW,
                    "number": "101",
                    "apt": "LOT 7",
                    "norm_key": "|101||MAIN|ST||LOT 7|JEFFERSON CITY|MO|65101",
                },
                {
                    **ROW,
                    "number": "102",
                    "apt": None,
                    "norm_key": "|102||MAIN|ST|||JEFFERSON CITY|MO|65101",
                },
            ],
        )
        s.add(Household(id=1, name="H", staff_household=True))
        s.flush()
        s.add(HouseholdLocation(household_id=1, address_id=2))
    with store.transaction() as s:
        assert tuple(rekey(s)) == (2, 1)
    with store.transaction() as s:
        assert tuple(rekey(s)) == (0, 0)  # idempotent
        keys = dict(s.execute(select(Address.id, Address.norm_key)).all())
        assert set(keys) == {1, 3, 4}
        assert keys[1] == normalized_key_of({"fullStreetAddress": "100 Main St Ste 200", **JC})
        assert keys[3] == normalized_key_of({"fullStreetAddress": "101 Main St # 7", **JC})
        assert s.scalar(select(HouseholdLocation.address_id)) == 1
        # The stored suite is found again by every spelling of it.
        assert resolve(s, AddressIn(fullStreetAddress="100 Main St #200", **JC), "a").id == 1
        assert s.scalar(select(func.count()).select_from(Address)) == 3
