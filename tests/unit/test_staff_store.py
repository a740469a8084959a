"""Store round trips of the staff services on SQLite and PostgreSQL (``any_store``): the
expression index on staff numbers, the one-current-identity index, Core inserts and updates."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import insert, update

from bo_tui.core.demo import load_reference
from bo_tui.core.errors import Conflict
from bo_tui.core.positions import add_position, update_positions
from bo_tui.core.preferences import get_preferences, set_preferences
from bo_tui.core.schemas import parse_position, parse_staff
from bo_tui.core.staff import count_staff, create_staff, get_staff, search_staff, update_staff
from bo_tui.store.models import Person, Position

DAY1 = dt.date(2026, 9, 1)
DAY2 = dt.date(2026, 10, 1)


@pytest.fixture
def db(any_store):
    with any_store.transaction() as s:
        load_reference(s, login="tester")
    return any_store


def test_staff_round_trip(db):
    data = {
        "staffNumber": "RT1",
        "lastName": "Harrison",
        "firstName": "Lanita",
        "gender": "F",
        "ssn": "111-22-3333",
        "birthDate": "1978-01-15",
        "employments": [{"hireDate": "2010-08-01"}],
        "household": {
            "householdLocations": [
                {
                    "address": {
                        "fullStreetAddress": "4321 W 109th Ave NW",
                        "city": "Blaine",
                        "state": "MN",
                        "zip": "55434",
                    }
                }
            ]
        },
        "positions": [
            {
                "schoolNumber": "010",
                "assignmentCode": "20",
                "titleCode": "NEWT",
                "startDate": "2010-08-01",
            },
            {"schoolNumber": "106", "assignmentCode": "12", "startDate": "2015-08-01"},
        ],
    }
    with db.transaction() as s:
        create_staff(s, parse_staff(data), today=DAY1)
    with db.transaction() as s, pytest.raises(Conflict):
        create_staff(s, parse_staff({**data, "staffNumber": "rt1"}), today=DAY1)
    with db.transaction() as s:
        s.execute(update(Position).where(Position.assignment_code == "12").values(linked=True))  # noqa: E711
        result = update_staff(
            s,
            "rt1",
            parse_staff(
                {
                    "lastName": "Brown",
                    "cellPhone": "573-555-0155",
                    "employments": [{"hireDate": "2010-08-01", "terminationDate": "2020-06-30"}],
                    "positions": [],
                }
            ),
            today=DAY2,
        )
    assert set(result.changes) == {"demographics", "identity", "employment", "positions"}
    assert [w.rule for w in result.warnings] == ["R-POS-7"]
    with db.transaction() as s:
        add_position(
            s,
            "RT1",
            parse_position({"schoolNumber": "020", "titleCode": "NEWT", "startDate": "2021-01-01"}),
        )
        n = update_positions(
            s,
            "RT1",
            parse_position(
                {
                    "schoolNumber": "020",
                    "titleCode": "NEWT",
                    "startDate": "2021-01-01",
                    "endDate": "2022-01-01",
                }
            ),
        )
        assert n == 1
    with db.transaction() as s:
        got = get_staff(s, " rt1 ", today=DAY2)
        assert count_staff(s, lastName="BROWN") == 1
        assert [
            i.staffNumber for i in search_staff(s, lastName="brown", staff_only=True).items
        ] == ["RT1"]
    assert [(i["lastName"], i["current"]) for i in got["identities"]] == [
        ("Harrison", False),
        ("Brown", True),
    ]
    assert got["ssn"] == "***-**-3333" and got["cellPhone"] == "573-555-0155"
    (loc,) = got["household"]["householdLocations"]
    assert loc["address"]["addressId"] and loc["address"]["number"] == "4321"
    assert got["household"]["memberCount"] == 1
    assert got["employments"][0]["terminationDate"] == "2020-06-30"
    assert sorted((p["schoolNumber"], p["linked"], p["endDate"]) for p in got["positions"]) == [
        ("020", False, "2022-01-01"),
        ("106", True, None),
    ]


def test_duplicated_staff_number_on_the_server(db):
    with db.transaction() as s:
        s.execute(
            insert(Person.__table__),
            [
                {"staff_number": "PENDING", "hr_managed": False},
                {"staff_number": " pending", "hr_managed": False},
            ],
        )
    with db.transaction() as s, pytest.raises(Conflict):
        update_staff(s, "Pending", parse_staff({"workPhone": "573-555-0101"}), today=DAY1)


def test_preferences_round_trip(db):
    with db.transaction() as s:
        set_preferences(s, {"allowHouseholdAddress": "off", "massChangePercent": 5})
    with db.transaction() as s:
        prefs = get_preferences(s)
    assert prefs.allowHouseholdAddress is False and prefs.massChangePercent == 5
