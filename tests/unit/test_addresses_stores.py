"""R-ADDR-4 and R-ADDR-6 on both supported stores (SQLite, PostgreSQL when a server answers):
one row per distinct address, also when two writers create the same address at once."""

from __future__ import annotations

import threading

from sqlalchemy import func, select

from bo_tui.core.addresses import resolve, search
from bo_tui.core.schemas import AddressIn
from bo_tui.store.models import Address

PATH = "address"
JC = {"city": "Jefferson City", "state": "MO", "zip": "65101"}


def rows(store) -> int:
    with store.transaction() as s:
        return s.scalar(select(func.count()).select_from(Address))


def test_R_ADDR_4_one_row_for_every_spelling(any_store):
    spellings = [
        AddressIn(fullStreetAddress="4321 North Lexington Avenue", **JC),
        AddressIn(fullStreetAddress="4321 N. Lexington Ave.", **JC),
        AddressIn(fullStreetAddress="4321 N Lexington Ave, Jefferson City, Missouri 65101-1234"),
        AddressIn(number="4321", prefix="N", street="Lexington", tag="Ave.", **JC),
        AddressIn(street="4321 n lexington avenue", **JC),
    ]
    with any_store.transaction() as s:
        ids = {resolve(s, a, PATH).id for a in spellings}
    with any_store.transaction() as s:
        ids |= {resolve(s, a, PATH).id for a in spellings}
    assert len(ids) == 1 and rows(any_store) == 1


def test_R_ADDR_4_a_rolled_back_creation_leaves_nothing(any_store):
    addr = AddressIn(fullStreetAddress="9 Elm St", **JC)
    session = any_store.session()
    with session.begin():
        resolve(session, addr, PATH)
        session.rollback()
    session.close()
    assert rows(any_store) == 0
    with any_store.transaction() as s:  # the cache held no row: it is created again
        assert resolve(s, addr, PATH).street == "ELM"
    assert rows(any_store) == 1


def test_R_ADDR_4_two_writers_make_one_row(any_store):
    addr = AddressIn(fullStreetAddress="77 Oak St Apt 2", **JC)
    first = any_store.session()
    first.begin()
    mine = resolve(first, addr, PATH).id  # inserted, not yet committed
    theirs: dict[str, int] = {}

    def other_writer():
        with any_store.transaction() as s:
            theirs["id"] = resolve(s, addr, PATH).id

    thread = threading.Thread(target=other_writer)
    thread.start()
    thread.join(0.5)  # the other writer waits for this one's lock (or has not started yet)
    first.commit()
    first.close()
    thread.join(30)
    assert theirs == {"id": mine}
    assert rows(any_store) == 1


def test_R_ADDR_6_search_on_both_stores(any_store):
    with any_store.transaction() as s:
        resolve(s, AddressIn(fullStreetAddress="4321 N Lexington Ave", **JC), PATH)
        resolve(s, AddressIn(postOfficeBox=True, number="125", **JC), PATH)
    with any_store.transaction() as s:
        assert [r["number"] for r in search(s, street="LEXINGTON", prefix="north")] == ["4321"]
        assert [r["postOfficeBox"] for r in search(s, fullStreetAddress="P.O. Box 125")] == [True]
        assert search(s, fullStreetAddress="PO Box 126") == []
