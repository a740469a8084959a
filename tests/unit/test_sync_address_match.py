"""Validate matches HR addresses the way a commit will (R-ADDR-4 through R-SYNC-4): an address
whose canonical key misses but whose later key (the street line re-parsed, a spelled-out prefix
read as part of the name) is a Campus address is no address difference and no household
change, and the commit that follows keeps that Campus address."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from bo_tui.core import staff, sync
from bo_tui.core.schemas import parse_staff
from bo_tui.store.models import Address, HouseholdLocation

TODAY = dt.date(2026, 8, 20)
JC = {"city": "Jefferson City", "state": "MO", "zip": "65101"}


def _member(address: dict) -> dict:
    return {
        "staffNumber": "7001",
        "lastName": "Stone",
        "firstName": "Ada",
        "household": {
            "householdLocations": [{"address": address, "mailing": True, "physical": True}]
        },
    }


@pytest.mark.xfail(
    strict=True,
    reason="known gap: the transfer stages only the canonical key; trying the later keys of "
    "the missed addresses in validate measured 0.22 s for the demo's 1,436 (about 150 us each, "
    "so seconds on an initial load)",
)
def test_R_ADDR_4_validate_and_commit_agree_on_a_later_key_match(store):
    with store.transaction() as s:
        # Campus: a street *named* West End, sent as components.
        staff.create_staff(
            s, parse_staff(_member({"number": "100", "street": "West End", "tag": "Ave", **JC}))
        )
        sync.start(s, "tester")
    with store.transaction() as s:
        # HR: the same home as one line, whose canonical reading is prefix W + street END.
        res = sync.transfer(s, [_member({"fullStreetAddress": "100 West End Avenue", **JC})])
        assert res.accepted == 1
        sync.end(s)
    with store.transaction() as s:
        rep = sync.validate(s, today=TODAY)
        assert rep.summary["addressDifferences"] == 0
        assert sync.current(s).changes == 0  # the household needs no change either
    sync.commit(store, "tester", today=TODAY)
    with store.session() as s:
        assert s.scalar(select(func.count()).select_from(Address)) == 1
        assert s.scalar(select(func.count()).select_from(HouseholdLocation)) == 1


def test_R_ADDR_4_an_address_no_key_matches_is_still_a_difference(store):
    with store.transaction() as s:
        staff.create_staff(
            s, parse_staff(_member({"number": "100", "street": "West End", "tag": "Ave", **JC}))
        )
        sync.start(s, "tester")
    with store.transaction() as s:
        sync.transfer(s, [_member({"fullStreetAddress": "102 West End Avenue", **JC})])
        sync.end(s)
    with store.transaction() as s:
        rep = sync.validate(s, today=TODAY)
    assert rep.summary["addressDifferences"] == 1
