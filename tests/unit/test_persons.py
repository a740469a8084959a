"""The Staff screen's core (bo_tui/core/persons.py): the all-persons search of Combine Person
(R-SYNC-10), staff-only search (R-POS-8), the detail bundle with locks (R-PREF-1) and the
demographics form as one unit (R-DEMO-3, R-DEMO-4)."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import insert, select

from bo_tui.core import persons
from bo_tui.core.errors import Forbidden, RuleViolation
from bo_tui.core.preferences import set_preferences
from bo_tui.core.schemas import parse_staff
from bo_tui.core.staff import create_staff
from bo_tui.store.models import Household, HouseholdMember, Identity, Person

TODAY = dt.date(2026, 9, 1)


@pytest.fixture
def people(ref_store):
    """Two HR staff members (one with a position), and a student sharing the first's household."""
    with ref_store.transaction() as s:
        staff = create_staff(
            s,
            parse_staff(
                {
                    "staffNumber": "A100",
                    "lastName": "Brown",
                    "firstName": "Allison",
                    "birthDate": "1979-12-26",
                    "positions": [
                        {"schoolNumber": "010", "assignmentCode": "20", "startDate": "2026-08-15"}
                    ],
                    "household": {
                        "householdLocations": [
                            {
                                "address": {
                                    "fullStreetAddress": "4321 North Lexington Avenue",
                                    "city": "Blaine",
                                    "state": "MN",
                                    "zip": "55123",
                                }
                            }
                        ]
                    },
                }
            ),
            today=TODAY,
        ).personId
        no_position = create_staff(
            s, parse_staff({"staffNumber": "B200", "lastName": "Browning", "firstName": "Sam"})
        ).personId
        student = s.execute(
            insert(Person.__table__).values(student_number="S9001", hr_managed=False)
        ).inserted_primary_key[0]
        s.execute(
            insert(Identity.__table__).values(
                person_id=student, last_name="Brown", first_name="Casey", is_current=True
            )
        )
        home = s.scalar(
            select(HouseholdMember.household_id).where(HouseholdMember.person_id == staff)
        )
        s.execute(insert(HouseholdMember.__table__).values(household_id=home, person_id=student))
        s.execute(insert(Household.__table__).values(name="Unused", staff_household=False))
    return ref_store, staff, no_position, student


def ids(page):
    return [p.personId for p in page.items]


def test_R_SYNC_10_person_search_finds_students_without_a_staff_number(people):
    store, staff, no_position, student = people
    with store.session() as s:
        page = persons.search_persons(s, text="brown")
        assert set(ids(page)) == {staff, no_position, student}
        assert persons.count_persons(s, text="brown") == 3
        kinds = {p.personId: p.kind for p in page.items}
        assert kinds == {staff: "staff", no_position: "employee", student: "student"}
        assert ids(persons.search_persons(s, text="Brown, Ca")) == [student]
        assert ids(persons.search_persons(s, text="casey brown")) == [student]
        assert ids(persons.search_persons(s, text="s900")) == [student]
        assert ids(persons.search_persons(s, text="a100")) == [staff]
        assert ids(persons.search_persons(s, text="1979-12-26")) == [staff]
        excluded = persons.search_persons(s, text="brown", exclude=staff)
        assert set(ids(excluded)) == {no_position, student}


def test_R_POS_8_staff_only_search_lists_persons_with_a_position(people):
    store, staff, _no_position, _student = people
    with store.session() as s:
        assert ids(persons.search_persons(s, text="brown", staff_only=True)) == [staff]
        assert persons.count_persons(s, text="brown", staff_only=True) == 1


def test_person_search_refuses_a_bad_date_naming_the_field(people):
    store, *_ = people
    with store.session() as s, pytest.raises(RuleViolation) as err:
        persons.search_persons(s, text="1979-02-30")
    assert err.value.errors[0].field == "text"


def test_R_PREF_1_staff_detail_has_locks_members_and_normalized_address(people):
    store, staff, _no_position, student = people
    with store.session() as s:
        d = persons.staff_detail(s, staff, today=TODAY)
    assert d.person["ssn"] is None
    ok, reason = d.editable["demographics"]
    assert not ok and "Staff Demographics" in reason and "HR system" in reason
    assert {m.personId for m in d.members} == {staff, student}
    assert d.person["household"]["memberCount"] == 2
    assert d.person["household"]["householdLocations"][0]["address"]["line"] == (
        "4321 N LEXINGTON AVE"
    )
    assert d.genders and d.schools and d.assignmentCodes


def test_R_PREF_1_edit_demographics_is_refused_while_locked(people):
    store, staff, *_ = people
    with store.transaction() as s, pytest.raises(Forbidden) as err:
        persons.edit_demographics(s, staff, {"workPhone": "573-555-0100"}, today=TODAY)
    assert "locked" in err.value.message


def test_R_DEMO_4_edit_demographics_reports_every_field_error_and_writes_nothing(people):
    store, staff, *_ = people
    with store.transaction() as s:
        set_preferences(s, {"staffDemographics": "off"})
    with pytest.raises(RuleViolation) as err, store.transaction() as s:
        persons.edit_demographics(
            s,
            staff,
            {"lastName": "", "birthDate": "12/26/1979", "workPhone": "573-555-0100"},
            today=TODAY,
        )
    assert {e.field for e in err.value.errors} == {"lastName", "birthDate"}
    with store.session() as s:
        assert s.scalar(select(Person.work_phone).where(Person.id == staff)) is None


def test_R_DEMO_3_edit_demographics_rename_starts_a_new_identity(people):
    store, staff, *_ = people
    with store.transaction() as s:
        set_preferences(s, {"staffDemographics": "off"})
    with store.transaction() as s:
        result = persons.edit_demographics(
            s, staff, {"lastName": "Simpson", "workPhone": "573-555-0100"}, today=TODAY
        )
    assert set(result.changes) >= {"demographics", "identity"}
    with store.session() as s:
        d = persons.staff_detail(s, staff, today=TODAY)
    assert d.person["lastName"] == "Simpson" and d.person["workPhone"] == "573-555-0100"
    assert [i["lastName"] for i in d.person["identities"]] == ["Brown", "Simpson"]


def test_R_SYNC_10_combine_needs_the_combine_person_right(people):
    store, staff, _no_position, student = people
    with store.transaction() as s, pytest.raises(Forbidden) as err:
        persons.combine_as(s, "hrclerk", staff, student)
    assert "Combine Person" in err.value.message
    with store.transaction() as s, pytest.raises(Forbidden):
        persons.preview_combine_as(s, "nobody", staff, student)
    with store.transaction() as s:
        done = persons.combine_as(s, "mpostma", staff, student)
    assert done.applied
    with store.session() as s:
        assert persons.person_summary(s, student) is None
        assert persons.person_by_staff_number(s, "a100").personId == staff


def test_R_SYNC_10_preview_warns_when_names_or_birth_dates_differ(people):
    store, staff, _no_position, student = people
    with store.transaction() as s:
        preview = persons.preview_combine_as(s, "mpostma", staff, student)
    messages = [w.message for w in preview.warnings]
    assert any(m.startswith("names differ") for m in messages)
    assert not any(m.startswith("birth dates differ") for m in messages)  # the student has none
    with store.transaction() as s:
        s.execute(
            Person.__table__.update()
            .where(Person.id == student)
            .values(birth_date=dt.date(2010, 1, 1))
        )
        s.execute(
            Identity.__table__.update()
            .where(Identity.person_id == student)
            .values(first_name="ALLISON ")
        )
        preview = persons.preview_combine_as(s, "mpostma", staff, student)
    messages = [w.message for w in preview.warnings]
    assert messages == ["birth dates differ: make sure these are one human"]
