"""R-SRCH-1 search by any subset of staffNumber, lastName, firstName, birthDate (names
case-insensitive, on the current identity), paging with count, and get_staff's shape."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import insert

from bo_tui.core.errors import NotFound, RuleViolation
from bo_tui.core.schemas import parse_staff
from bo_tui.core.staff import count_staff, create_staff, get_staff, search_staff, update_staff
from bo_tui.store.models import Identity, Person

TODAY = dt.date(2026, 9, 1)
PEOPLE = [
    ("10058", "Simpson", "Pat", "1979-12-26"),
    ("10060", "Young", "John", "1977-08-25"),
    ("10062", "Young", "Lanita", "1978-01-15"),
    ("10072", "Crosby", "Elaine", "1979-12-26"),
    ("10075", "Smith", "Tom", "1992-11-28"),
]


@pytest.fixture
def people(ref_store):
    with ref_store.transaction() as s:
        for number, last, first, birth in PEOPLE:
            data = {"staffNumber": number, "lastName": last, "firstName": first, "birthDate": birth}
            create_staff(s, parse_staff(data), today=TODAY)
        # a student: no staff number, no employment, no position: never a staff search hit
        pid = s.execute(insert(Person.__table__).values(student_number="S1", hr_managed=False))
        s.execute(
            insert(Identity.__table__).values(
                person_id=pid.inserted_primary_key[0],
                last_name="Young",
                first_name="Kid",
                is_current=True,
            )
        )
    return ref_store


def _numbers(store, **filters):
    with store.transaction() as s:
        return [i.staffNumber for i in search_staff(s, sort="staffNumber", **filters).items]


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({}, ["10058", "10060", "10062", "10072", "10075"]),
        ({"staffNumber": "10060"}, ["10060"]),
        ({"lastName": "YOUNG"}, ["10060", "10062"]),
        ({"lastName": "young", "firstName": "lanita"}, ["10062"]),
        ({"birthDate": "1979-12-26"}, ["10058", "10072"]),
        ({"birthDate": dt.date(1979, 12, 26), "lastName": "crosby"}, ["10072"]),
        ({"staffNumber": "10060", "firstName": "Lanita"}, []),
        (
            {
                "firstName": "tom",
                "lastName": "smith",
                "birthDate": "1992-11-28",
                "staffNumber": "10075",
            },
            ["10075"],
        ),
    ],
)
def test_R_SRCH_1_any_subset_of_the_filters(people, filters, expected):
    assert _numbers(people, **filters) == expected


def test_R_SRCH_1_names_match_the_current_identity_only(people):
    with people.transaction() as s:
        update_staff(s, "10058", parse_staff({"lastName": "Brown"}), today=TODAY)
    assert _numbers(people, lastName="simpson") == []
    assert _numbers(people, lastName="brown") == ["10058"]


def test_R_SRCH_1_staff_number_is_case_insensitive_and_trimmed(ref_store):
    with ref_store.transaction() as s:
        create_staff(
            s,
            parse_staff({"staffNumber": "FFF666", "lastName": "F", "firstName": "F"}),
            today=TODAY,
        )
    assert _numbers(ref_store, staffNumber=" fff666 ") == ["FFF666"]


def test_R_SRCH_1_paging_and_count(people):
    with people.transaction() as s:
        assert count_staff(s) == 5
        first = search_staff(s, limit=2, offset=0).items
        second = search_staff(s, limit=2, offset=2).items
        third = search_staff(s, limit=2, offset=4).items
    names = [(i.lastName, i.firstName) for i in first + second + third]
    assert names == sorted(names, key=lambda n: (n[0].lower(), n[1].lower())) and len(names) == 5


@pytest.mark.parametrize("limit", [0, 1001, -5])
def test_R_SRCH_1_limit_is_at_most_1000(people, limit):
    with people.transaction() as s, pytest.raises(RuleViolation) as exc:
        search_staff(s, limit=limit)
    assert exc.value.errors[0].field == "limit"


def test_R_SRCH_1_bad_birth_date_is_a_field_error(people):
    with people.transaction() as s, pytest.raises(RuleViolation) as exc:
        search_staff(s, birthDate="12/26/1979")
    assert exc.value.errors[0].field == "birthDate"


def test_name_prefix_search_for_the_tui(people):
    assert _numbers(people, lastName="you", name_prefix=True) == ["10060", "10062"]
    assert _numbers(people, lastName="y%", name_prefix=True) == []


def test_get_staff_shape(ref_store):
    data = {
        "staffNumber": "G1",
        "lastName": "Sanders",
        "firstName": "Cathy",
        "gender": "F",
        "employments": [{"hireDate": "2020-07-25"}],
        "positions": [{"schoolNumber": "106", "titleCode": "337C8989", "startDate": "2020-07-25"}],
    }
    with ref_store.transaction() as s:
        create_staff(s, parse_staff(data), today=TODAY)
        got = get_staff(s, "g1", today=TODAY)
    assert got["staffNumber"] == "G1" and got["hrManaged"] is True
    assert got["positions"][0] | {"positionId": 0} == {
        "positionId": 0,
        "schoolNumber": "106",
        "assignmentCode": None,
        "titleCode": "337C8989",
        "titleDescription": "Science Teacher",
        "startDate": "2020-07-25",
        "endDate": None,
        "linked": False,
    }
    assert got["identities"][0]["current"] is True
    assert got["household"] is None and got["ssn"] is None


def test_get_staff_unknown_is_404(ref_store):
    with ref_store.transaction() as s, pytest.raises(NotFound):
        get_staff(s, "NOPE")
