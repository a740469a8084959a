"""Households: R-HH-1 create with defaults, R-HH-2 update of a staff household of one, R-HH-3
shared household ignored with a warning (the student's address unchanged), R-HH-4 preference off."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, insert, select

from bo_tui.core import addresses
from bo_tui.core.errors import RuleViolation
from bo_tui.core.preferences import set_preferences
from bo_tui.core.schemas import AddressIn, parse_staff
from bo_tui.core.staff import create_staff, get_person, get_staff, update_staff
from bo_tui.store.models import (
    Address,
    Household,
    HouseholdLocation,
    HouseholdMember,
    Identity,
    Person,
)

DAY1 = dt.date(2026, 9, 1)
DAY2 = dt.date(2026, 10, 1)
LEXINGTON = {
    "fullStreetAddress": "4321 South Lexington Ave SE Apt 45",
    "city": "Blaine",
    "state": "MN",
    "zip": "55123",
}
LEXINGTON_PARTS = {
    "number": "4321",
    "prefix": "South",
    "street": "Lexington",
    "tag": "Avenue",
    "direction": "SE",
    "apt": "45",
    "city": "Blaine",
    "state": "MN",
    "zip": "55123",
}
PO_BOX = {"postOfficeBox": True, "number": "54", "city": "Blaine", "state": "MN", "zip": "55123"}


def _staff(number="H1", household=None, **extra) -> dict:
    data = {"staffNumber": number, "lastName": "Sanders", "firstName": "Cathy", **extra}
    if household is not None:
        data["household"] = household
    return data


def _create(store, data, today=DAY1):
    with store.transaction() as s:
        return create_staff(s, parse_staff(data), today=today)


def _update(store, number, data, today=DAY2):
    with store.transaction() as s:
        return update_staff(s, number, parse_staff(data), today=today)


def _view(store, number="H1", today=DAY2):
    with store.transaction() as s:
        return get_staff(s, number, today=today)["household"]


def _count(store, model) -> int:
    with store.transaction() as s:
        return s.scalar(select(func.count()).select_from(model))


def test_R_HH_1_create_makes_a_staff_household_with_defaults(ref_store):
    result = _create(ref_store, _staff(household={"householdLocations": [{"address": LEXINGTON}]}))
    assert "household" in result.changes
    hh = _view(ref_store)
    assert hh["name"] == "Sanders" and hh["staffHousehold"] is True and hh["memberCount"] == 1
    (loc,) = hh["householdLocations"]
    assert (loc["mailing"], loc["physical"], loc["startDate"], loc["endDate"]) == (
        True,
        True,
        "2026-09-01",
        None,
    )
    addr = loc["address"]
    assert addr["addressId"] and addr["number"] == "4321" and addr["city"]
    assert addr["apt"] and "45" in addr["apt"]


def test_R_HH_1_sent_household_fields_are_kept(ref_store):
    household = {
        "name": "Sanders Family",
        "householdLocations": [
            {"address": PO_BOX, "mailing": True, "physical": False, "startDate": "2020-01-01"},
        ],
    }
    _create(ref_store, _staff(household=household))
    hh = _view(ref_store)
    assert hh["name"] == "Sanders Family"
    (loc,) = hh["householdLocations"]
    assert (loc["mailing"], loc["physical"], loc["startDate"]) == (True, False, "2020-01-01")
    assert loc["address"]["postOfficeBox"] is True


def test_R_HH_1_address_matched_not_duplicated(ref_store):
    _create(ref_store, _staff("H1", household={"householdLocations": [{"address": LEXINGTON}]}))
    _create(
        ref_store, _staff("H2", household={"householdLocations": [{"address": LEXINGTON_PARTS}]})
    )
    assert _count(ref_store, Address) == 1
    assert _count(ref_store, Household) == 2  # one staff household each, one shared address
    assert (
        _view(ref_store, "H1")["householdLocations"][0]["address"]
        == _view(ref_store, "H2")["householdLocations"][0]["address"]
    )


def test_R_HH_1_bad_address_names_its_path_and_writes_nothing(ref_store):
    bad = {**LEXINGTON, "street": "Lexington"}  # R-ADDR-1: both forms
    data = _staff(household={"householdLocations": [{"address": LEXINGTON}, {"address": bad}]})
    with pytest.raises(RuleViolation) as exc:
        _create(ref_store, data)
    assert all(
        e.field.startswith("household.householdLocations[1].address") for e in exc.value.errors
    )
    for model in (Person, Household, Address):
        assert _count(ref_store, model) == 0


def test_R_HH_1_address_error_and_position_error_come_together(ref_store):
    data = _staff(
        household={"householdLocations": [{"address": {**PO_BOX, "street": "Main"}}]},
        positions=[{"schoolNumber": "999", "titleCode": "X", "startDate": "2024-01-01"}],
    )
    with pytest.raises(RuleViolation) as exc:
        _create(ref_store, data)
    fields = {e.field for e in exc.value.errors}
    assert "positions[0].schoolNumber" in fields
    assert any(f.startswith("household.householdLocations[0].address") for f in fields)


def test_R_HH_2_staff_household_of_one_is_updated(ref_store):
    _create(ref_store, _staff(household={"householdLocations": [{"address": LEXINGTON}]}))
    result = _update(
        ref_store,
        "H1",
        {"household": {"name": "New Name", "householdLocations": [{"address": PO_BOX}]}},
    )
    assert "household" in result.changes and result.warnings == []
    hh = _view(ref_store)
    assert hh["name"] == "New Name"
    current = [loc for loc in hh["householdLocations"] if loc["endDate"] is None]
    ended = [loc for loc in hh["householdLocations"] if loc["endDate"]]
    assert [loc["address"]["postOfficeBox"] for loc in current] == [True]
    assert [loc["endDate"] for loc in ended] == ["2026-10-01"]


def test_R_HH_2_same_address_in_another_spelling_changes_nothing(ref_store):
    _create(ref_store, _staff(household={"householdLocations": [{"address": LEXINGTON}]}))
    result = _update(
        ref_store, "H1", {"household": {"householdLocations": [{"address": LEXINGTON_PARTS}]}}
    )
    assert "household" not in result.changes
    assert len(_view(ref_store)["householdLocations"]) == 1


def test_R_HH_2_a_staff_member_without_household_gets_one_on_update(ref_store):
    _create(ref_store, _staff())
    result = _update(
        ref_store, "H1", {"household": {"householdLocations": [{"address": LEXINGTON}]}}
    )
    assert "household" in result.changes
    assert _view(ref_store)["staffHousehold"] is True


@pytest.fixture
def shared(ref_store):
    """Staff member H1 living in a (non-staff) household with a student at Lexington."""
    _create(ref_store, _staff())
    with ref_store.transaction() as s:
        addr = addresses.resolve(s, AddressIn(**LEXINGTON), "address")
        hid = s.execute(
            insert(Household.__table__).values(name="Sanders", staff_household=False)
        ).inserted_primary_key[0]
        kid = s.execute(
            insert(Person.__table__).values(student_number="ST1", hr_managed=False)
        ).inserted_primary_key[0]
        s.execute(
            insert(Identity.__table__).values(
                person_id=kid, last_name="Sanders", first_name="Kid", is_current=True
            )
        )
        staff_id = s.scalar(select(Person.id).where(Person.staff_number == "H1"))
        s.execute(
            insert(HouseholdMember.__table__),
            [{"household_id": hid, "person_id": p} for p in (staff_id, kid)],
        )
        s.execute(
            insert(HouseholdLocation.__table__).values(
                household_id=hid,
                address_id=addr.id,
                mailing=True,
                physical=True,
                start_date=dt.date(2015, 1, 1),
            )
        )
    return ref_store, kid


def test_R_HH_3_shared_household_is_ignored_with_a_warning(shared):
    store, kid = shared
    result = _update(
        store,
        "H1",
        {
            "workPhone": "573-555-0155",
            "household": {"name": "X", "householdLocations": [{"address": PO_BOX}]},
        },
    )
    assert result.changes == ["demographics"]
    assert [(w.field, w.rule) for w in result.warnings] == [("household", "R-HH-3")]
    with store.transaction() as s:
        kid_home = get_person(s, kid, today=DAY2)["household"]
    assert kid_home["name"] == "Sanders" and kid_home["memberCount"] == 2
    assert [loc["address"]["number"] for loc in kid_home["householdLocations"]] == ["4321"]
    assert all(loc["endDate"] is None for loc in kid_home["householdLocations"])
    assert _count(store, Address) == 1  # the ignored PO box was not even created


def test_R_HH_3_ignored_household_is_never_an_error_even_if_invalid(shared):
    store, _ = shared
    bad = {"householdLocations": [{"address": {**PO_BOX, "street": "Main"}}]}
    result = _update(store, "H1", {"household": bad})
    assert [w.rule for w in result.warnings] == ["R-HH-3"]


def test_R_HH_4_preference_off_ignores_household_on_create(ref_store):
    with ref_store.transaction() as s:
        set_preferences(s, {"allowHouseholdAddress": "off"})
    result = _create(ref_store, _staff(household={"householdLocations": [{"address": LEXINGTON}]}))
    assert [(w.field, w.rule) for w in result.warnings] == [("household", "R-HH-4")]
    assert "household" not in result.changes
    assert _count(ref_store, Household) == 0 and _count(ref_store, Address) == 0


def test_R_HH_4_preference_off_ignores_household_on_update(ref_store):
    _create(ref_store, _staff(household={"householdLocations": [{"address": LEXINGTON}]}))
    with ref_store.transaction() as s:
        set_preferences(s, {"allowHouseholdAddress": "off"})
    result = _update(
        ref_store,
        "H1",
        {"household": {"name": "Other", "householdLocations": [{"address": PO_BOX}]}},
    )
    assert [w.rule for w in result.warnings] == ["R-HH-4"]
    hh = _view(ref_store)
    assert hh["name"] == "Sanders" and len(hh["householdLocations"]) == 1


def test_campus_ui_household_address_edit_obeys_the_lock(shared):
    from bo_tui.core import locks
    from bo_tui.core.errors import Forbidden

    store, kid = shared
    with store.transaction() as s:
        staff_id = s.scalar(select(Person.id).where(Person.staff_number == "H1"))
        with pytest.raises(Forbidden):
            locks.campus_set_household_address(s, staff_id, AddressIn(**PO_BOX), today=DAY2)
        # the district may change a shared household in Campus (here through the student)
        result = locks.campus_set_household_address(s, kid, AddressIn(**PO_BOX), today=DAY2)
        assert result.changes == ["household"]
        home = get_person(s, staff_id, today=DAY2)["household"]
    current = [loc for loc in home["householdLocations"] if loc["endDate"] is None]
    assert [loc["address"]["postOfficeBox"] for loc in current] == [True]


def test_R_ADDR_5_unparseable_address_fails_before_anything_is_written(ref_store):
    bad = {"fullStreetAddress": "!!!", "city": "Blaine", "state": "MN", "zip": "55123"}
    data = _staff(household={"householdLocations": [{"address": LEXINGTON}, {"address": bad}]})
    with ref_store.transaction() as s:
        with pytest.raises(RuleViolation) as exc:
            create_staff(s, parse_staff(data), today=DAY1)
        # checked inside the same transaction: not even the first, valid address was created
        assert s.scalar(select(func.count()).select_from(Address)) == 0
    assert [e.field for e in exc.value.errors] == [
        "household.householdLocations[1].address.fullStreetAddress"
    ]


def test_R_HH_2_name_only_leaves_the_locations(ref_store):
    _create(ref_store, _staff(household={"householdLocations": [{"address": LEXINGTON}]}))
    result = _update(ref_store, "H1", {"household": {"name": "Renamed"}})
    assert result.changes == ["household"]
    hh = _view(ref_store)
    assert hh["name"] == "Renamed" and [loc["endDate"] for loc in hh["householdLocations"]] == [
        None
    ]


def test_R_HH_2_null_household_is_ignored_with_a_warning(ref_store):
    _create(ref_store, _staff(household={"householdLocations": [{"address": LEXINGTON}]}))
    result = _update(ref_store, "H1", {"household": None})
    assert result.changes == [] and [w.field for w in result.warnings] == ["household"]
    assert _view(ref_store)["memberCount"] == 1
