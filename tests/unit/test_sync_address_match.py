"""Validate matches HR addresses the way a commit will (R-ADDR-4 through R-SYNC-4): an address
whose canonical key misses but whose later key (the street line re-parsed, a spelled-out prefix
read as part of the name) is a Campus address is no address difference and no household
change, and the commit that follows keeps that Campus address."""

from __future__ import annotations

import datetime as dt

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


def _staged(store, campus: list[dict], hr: list[dict]) -> None:
    """Campus staff created, a sync started, ``hr`` transferred and the transfer ended."""
    with store.transaction() as s:
        for member in campus:
            staff.create_staff(s, parse_staff(member))
        sync.start(s, "tester")
    with store.transaction() as s:
        assert sync.transfer(s, hr).accepted == len(hr)
        sync.end(s)


def test_R_ADDR_4_validate_and_commit_agree_on_a_later_key_match(store):
    # Campus: a street *named* West End, sent as components; HR: the same home as one line,
    # whose canonical reading is prefix W + street END.
    _staged(
        store,
        [_member({"number": "100", "street": "West End", "tag": "Ave", **JC})],
        [_member({"fullStreetAddress": "100 West End Avenue", **JC})],
    )
    with store.transaction() as s:
        rep = sync.validate(s, today=TODAY)
        assert rep.summary["addressDifferences"] == 0
        assert sync.current(s).changes == 0  # the household needs no change either
    sync.commit(store, "tester", today=TODAY)
    with store.session() as s:
        assert s.scalar(select(func.count()).select_from(Address)) == 1
        assert s.scalar(select(func.count()).select_from(HouseholdLocation)) == 1


def test_R_ADDR_4_an_address_no_key_matches_is_still_a_difference(store):
    _staged(
        store,
        [_member({"number": "100", "street": "West End", "tag": "Ave", **JC})],
        [_member({"fullStreetAddress": "102 West End Avenue", **JC})],
    )
    with store.transaction() as s:
        rep = sync.validate(s, today=TODAY)
    assert rep.summary["addressDifferences"] == 1


def _other(address: dict) -> dict:
    return {**_member(address), "staffNumber": "7002", "lastName": "Reed", "firstName": "Bo"}


def test_R_ADDR_4_components_matched_by_their_reparsed_line_are_no_difference(store):
    # Campus: the home entered as one line, read as prefix W + street END; HR: the same home
    # as components, the street *named* West End.
    _staged(
        store,
        [_member({"fullStreetAddress": "100 West End Ave", **JC})],
        [_member({"number": "100", "street": "West End", "tag": "Ave", **JC})],
    )
    with store.transaction() as s:
        rep = sync.validate(s, today=TODAY)
        assert rep.summary["addressDifferences"] == 0
        assert sync.current(s).changes == 0
    sync.commit(store, "tester", today=TODAY)
    with store.session() as s:
        assert s.scalar(select(func.count()).select_from(Address)) == 1


def test_R_ADDR_4_validate_again_matches_a_campus_address_added_after_the_transfer(store):
    # Campus has an address in the same city, not this one.
    _staged(
        store,
        [_other({"fullStreetAddress": "9 Oak St", **JC})],
        [_member({"fullStreetAddress": "100 West End Avenue", **JC})],
    )
    with store.transaction() as s:
        assert sync.validate(s, today=TODAY).summary["addressDifferences"] == 1
    with store.transaction() as s:
        # Someone enters the home in Campus (as the street named West End), then validates again.
        staff.create_staff(
            s,
            parse_staff(
                {
                    **_other({"number": "100", "street": "West End", "tag": "Ave", **JC}),
                    "staffNumber": "7003",
                }
            ),
        )
    with store.transaction() as s:
        assert sync.validate(s, today=TODAY).summary["addressDifferences"] == 0
