"""Preferences (R-PREF-1/2, R-SYNC-9 numbers) and the Campus UI locks built on them (R-PREF-1,
R-DEMO-4, R-SYNC-7)."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import insert, select

from bo_tui.core import locks
from bo_tui.core.errors import Forbidden, RuleViolation
from bo_tui.core.preferences import Preferences, get_preferences, set_preferences, valid_names
from bo_tui.core.schemas import EmploymentIn, PositionIn, parse_staff
from bo_tui.core.staff import create_staff, get_person
from bo_tui.store.models import Identity, Person, Preference

TODAY = dt.date(2026, 9, 1)


def test_R_PREF_1_defaults_all_locked_and_household_allowed(store):
    with store.transaction() as s:
        prefs = get_preferences(s)
    assert prefs == Preferences()
    assert all(
        getattr(prefs, n)
        for n in (
            "staffCreation",
            "staffNumber",
            "staffDemographics",
            "staffEmployment",
            "staffEmploymentAssignments",
            "staffHousehold",
            "allowHouseholdAddress",
        )
    )
    assert (prefs.massChangePercent, prefs.massChangeMinimum) == (10, 25)


def test_R_PREF_1_set_accepts_on_off_true_false_and_persists(store):
    with store.transaction() as s:
        set_preferences(
            s,
            {"staffDemographics": "off", "staffHousehold": "false", "allowHouseholdAddress": False},
        )
    with store.transaction() as s:
        prefs = get_preferences(s)
        assert (prefs.staffDemographics, prefs.staffHousehold, prefs.allowHouseholdAddress) == (
            False,
            False,
            False,
        )
        set_preferences(s, {"staffDemographics": "ON", "staffHousehold": "true"})
        # the same transaction sees its own change (no stale cache)
        assert get_preferences(s).staffDemographics is True
    with store.transaction() as s:
        rows = dict(s.execute(select(Preference.name, Preference.value)).all())
    assert rows["staffDemographics"] == "on" and rows["allowHouseholdAddress"] == "off"


def test_R_SYNC_9_guard_numbers(store):
    with store.transaction() as s:
        prefs = set_preferences(s, {"massChangePercent": "0", "massChangeMinimum": 100})
    assert (prefs.massChangePercent, prefs.massChangeMinimum) == (0, 100)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"staffLunch": "on"}, "staffLunch"),
        ({"staffCreation": "maybe"}, "staffCreation"),
        ({"massChangePercent": "101"}, "massChangePercent"),
        ({"massChangePercent": "ten"}, "massChangePercent"),
        ({"massChangeMinimum": "-1"}, "massChangeMinimum"),
    ],
)
def test_R_PREF_1_unknown_name_or_bad_value_is_refused(store, changes, field):
    with store.transaction() as s, pytest.raises(RuleViolation) as exc:
        set_preferences(s, {"staffNumber": "off", **changes})
    assert [e.field for e in exc.value.errors] == [field]
    with store.transaction() as s:
        assert get_preferences(s).staffNumber is True  # nothing saved


def test_unknown_name_error_lists_the_valid_ones(store):
    with store.transaction() as s, pytest.raises(RuleViolation) as exc:
        set_preferences(s, {"nope": 1})
    assert all(n in exc.value.errors[0].message for n in valid_names())


def test_bad_stored_value_falls_back_to_the_default(store):
    with store.transaction() as s:
        s.execute(insert(Preference.__table__).values(name="massChangePercent", value="garbage"))
    with store.transaction() as s:
        assert get_preferences(s).massChangePercent == 10


# --- locks ------------------------------------------------------------------------------------


@pytest.fixture
def hr_person(ref_store) -> int:
    data = {"staffNumber": "L1", "lastName": "Pye", "firstName": "Alma", "gender": "F"}
    with ref_store.transaction() as s:
        return create_staff(s, parse_staff(data), today=TODAY).personId


@pytest.fixture
def campus_person(ref_store) -> int:
    with ref_store.transaction() as s:
        pid = s.execute(
            insert(Person.__table__).values(staff_number="C9", hr_managed=False)
        ).inserted_primary_key[0]
        s.execute(
            insert(Identity.__table__).values(
                person_id=pid, last_name="Wood", first_name="Ari", is_current=True
            )
        )
    return pid


@pytest.mark.parametrize(
    "area", ["demographics", "identity", "staffNumber", "employment", "positions", "household"]
)
def test_R_PREF_1_locked_areas_of_hr_managed_staff_are_read_only(ref_store, hr_person, area):
    with ref_store.transaction() as s:
        ok, reason = locks.can_edit(s, hr_person, area)
    assert not ok and "locked" in reason and "HR system" in reason


def test_R_PREF_1_unlocked_area_is_editable(ref_store, hr_person):
    with ref_store.transaction() as s:
        set_preferences(s, {"staffDemographics": "off"})
        assert locks.can_edit(s, hr_person, "demographics") == (True, "")
        assert locks.can_edit(s, hr_person, "positions")[0] is False


def test_R_DEMO_4_campus_persons_not_managed_by_hr_are_editable(ref_store, campus_person):
    with ref_store.transaction() as s:
        assert all(ok for ok, _ in locks.edit_rights(s, campus_person).values())


def test_R_PREF_1_staff_creation_locked_once_integrated(ref_store, campus_person):
    with ref_store.transaction() as s:
        assert locks.can_edit(s, None, "creation") == (True, "")
    with ref_store.transaction() as s:
        create_staff(
            s, parse_staff({"staffNumber": "H1", "lastName": "A", "firstName": "B"}), today=TODAY
        )
    with ref_store.transaction() as s:
        assert locks.can_edit(s, None, "creation")[0] is False
        set_preferences(s, {"staffCreation": "off"})
        assert locks.can_edit(s, None, "creation")[0] is True


def test_R_SYNC_7_campus_edits_of_hr_staff_are_forbidden_with_the_reason(ref_store, hr_person):
    with ref_store.transaction() as s:
        with pytest.raises(Forbidden) as exc:
            locks.campus_edit_demographics(s, hr_person, {"workPhone": "1"})
        assert "Staff Demographics" in exc.value.message
        with pytest.raises(Forbidden):
            locks.campus_edit_identity(s, hr_person, lastName="X", firstName="Y")
        with pytest.raises(Forbidden):
            locks.campus_add_position(
                s,
                hr_person,
                PositionIn(schoolNumber="010", titleCode="4A61E262", startDate="2024-01-01"),
            )
        with pytest.raises(Forbidden):
            locks.campus_add_employment(s, hr_person, EmploymentIn(hireDate="2024-01-01"))
        assert get_person(s, hr_person)["workPhone"] is None


def test_campus_edits_when_unlocked(ref_store, campus_person):
    with ref_store.transaction() as s:
        r = locks.campus_edit_demographics(
            s, campus_person, {"workPhone": "573-555-0155", "gender": "m"}
        )
        assert r.changes == ["demographics"]
        locks.campus_edit_identity(s, campus_person, lastName="Woods", firstName="Ari", today=TODAY)
        locks.campus_add_position(
            s,
            campus_person,
            PositionIn(schoolNumber="010", titleCode="4A61E262", startDate="2024-01-01"),
        )
        locks.campus_add_employment(s, campus_person, EmploymentIn(hireDate="2024-01-01"))
        got = get_person(s, campus_person, today=TODAY)
        locks.campus_end_position(s, got["positions"][0]["positionId"], dt.date(2024, 6, 30))
        locks.campus_edit_employment(
            s, got["employments"][0]["employmentId"], terminationDate=dt.date(2024, 6, 30)
        )
        got = get_person(s, campus_person, today=TODAY)
    assert (got["workPhone"], got["gender"], got["lastName"]) == ("573-555-0155", "M", "Woods")
    assert got["positions"][0]["endDate"] == "2024-06-30"
    assert got["employments"][0] == {
        "employmentId": got["employments"][0]["employmentId"],
        "hireDate": "2024-01-01",
        "terminationDate": "2024-06-30",
    }
    assert len(got["identities"]) == 2


def test_campus_staff_number_edit_refuses_a_duplicate(ref_store, hr_person, campus_person):
    with ref_store.transaction() as s:
        with pytest.raises(RuleViolation) as exc:
            locks.campus_edit_demographics(s, campus_person, {"staffNumber": "l1"})
        assert exc.value.errors[0].field == "staffNumber"
        r = locks.campus_edit_demographics(s, campus_person, {"staffNumber": "C10"})
        assert r.changes == ["staffNumber"] and r.staffNumber == "C10"
