"""Combine Person (R-SYNC-10): the base person (the staff member) keeps its identity and staff
number; the other's employments, positions, memberships and user link move; preview changes nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, insert, select

from bo_tui.core.combine import combine_persons, preview_combine
from bo_tui.core.errors import NotFound, RuleViolation
from bo_tui.core.schemas import parse_staff
from bo_tui.core.staff import create_staff, get_person
from bo_tui.store.models import Household, HouseholdMember, Identity, Person, User

TODAY = dt.date(2026, 9, 1)


@pytest.fixture
def pair(ref_store):
    """A new HR staff member and the same human as an existing parent with a household."""
    with ref_store.transaction() as s:
        base = create_staff(
            s,
            parse_staff(
                {
                    "staffNumber": "N1",
                    "lastName": "Bonquet",
                    "firstName": "Alicia",
                    "positions": [
                        {"schoolNumber": "010", "assignmentCode": "20", "startDate": "2026-08-15"}
                    ],
                }
            ),
            today=TODAY,
        ).personId
        other = s.execute(
            insert(Person.__table__).values(
                birth_date=dt.date(1980, 5, 5), cell_phone="555-0101", hr_managed=False
            )
        ).inserted_primary_key[0]
        s.execute(
            insert(Identity.__table__).values(
                person_id=other, last_name="Bonquet", first_name="Alicia", is_current=True
            )
        )
        hid = s.execute(
            insert(Household.__table__).values(name="Bonquet", staff_household=False)
        ).inserted_primary_key[0]
        s.execute(insert(HouseholdMember.__table__).values(household_id=hid, person_id=other))
        s.execute(
            insert(User.__table__).values(
                username="abonquet", name="Alicia", person_id=other, active=True
            )
        )
    return ref_store, base, other


def test_preview_combine_lists_what_moves_and_changes_nothing(pair):
    store, base, other = pair
    with store.transaction() as s:
        p = preview_combine(s, base, other)
    assert (p.householdMemberships, p.users, p.identitiesDropped, p.positions) == (1, 1, 1, 0)
    assert set(p.fieldsFilled) == {"birth_date", "cell_phone"}
    assert not p.applied
    with store.transaction() as s:
        assert s.get(Person, other) is not None


def test_combine_moves_everything_to_the_base_and_deletes_the_other(pair):
    store, base, other = pair
    with store.transaction() as s:
        summary = combine_persons(s, base, other)
    assert summary.applied
    with store.transaction() as s:
        assert s.get(Person, other) is None
        got = get_person(s, base, today=TODAY)
        assert s.scalar(select(User.person_id).where(User.username == "abonquet")) == base
        assert (
            s.scalar(select(func.count()).select_from(Identity).where(Identity.person_id == base))
            == 1
        )
    assert got["staffNumber"] == "N1" and got["lastName"] == "Bonquet"
    assert got["birthDate"] == "1980-05-05" and got["cellPhone"] == "555-0101"
    assert got["household"]["name"] == "Bonquet" and got["household"]["memberCount"] == 1
    assert len(got["positions"]) == 1


def test_combine_refuses_the_same_or_unknown_person(pair):
    store, base, _ = pair
    with store.transaction() as s:
        with pytest.raises(RuleViolation):
            combine_persons(s, base, base)
        with pytest.raises(NotFound):
            preview_combine(s, base, 99999)
