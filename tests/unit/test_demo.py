"""The demo district: every dirty-data category present, deterministic per seed, counts."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from bo_tui.core.demo import build_demo
from bo_tui.core.errors import Conflict
from bo_tui.store import Store
from bo_tui.store.models import (
    Address,
    District,
    Household,
    HouseholdMember,
    Identity,
    Person,
    Position,
    School,
    User,
)


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    d = tmp_path_factory.mktemp("demo")
    st = Store(f"sqlite:///{d / 'demo.db'}")
    result = build_demo(st, staff=600, seed=7, hr_out=str(d / "hr.json"), login="dtc")
    yield st, result, json.loads((d / "hr.json").read_text())
    st.dispose()


def _staff_numbers(session):
    return list(
        session.scalars(
            select(Person.staff_number).where(Person.id.in_(select(Position.person_id)))
        )
    )


def test_demo_counts(demo):
    st, result, hr = demo
    with st.session() as s:
        assert s.scalar(select(func.count()).select_from(School)) == 10
        staff = s.scalar(select(func.count(func.distinct(Position.person_id))))
        assert staff == result.staff == 600
        assert s.scalar(select(func.count()).select_from(Person)) == result.persons > 600
        assert s.scalar(select(func.count()).select_from(Address)) == result.addresses
        # every person has exactly one current identity
        assert (
            s.scalar(select(func.count()).select_from(Identity).where(Identity.is_current))
            == result.persons
        )
    assert len(hr) == result.hr_records


def test_R_SYNC_8_demo_has_duplicate_and_missing_staff_numbers(demo):
    st, _, _ = demo
    with st.session() as s:
        numbers = _staff_numbers(s)
    norm = [n.strip().upper() for n in numbers if n and n.strip()]
    assert norm.count("PENDING") >= 2
    assert any(norm.count(n) > 1 for n in set(norm) if n != "PENDING")
    assert sum(1 for n in numbers if not n or not n.strip()) >= 2


def test_R_HH_3_demo_has_staff_sharing_a_household_with_students(demo):
    st, _, _ = demo
    with st.session() as s:
        shared = s.scalar(
            select(func.count())
            .select_from(Household)
            .where(~Household.staff_household)
            .where(
                select(func.count())
                .select_from(HouseholdMember)
                .where(HouseholdMember.household_id == Household.id)
                .scalar_subquery()
                > 1
            )
        )
    assert shared > 0


def test_R_SYNC_10_demo_has_a_person_sharing_name_and_birth_date_with_an_hr_hire(demo):
    st, _, hr = demo
    with st.session() as s:
        campus = {
            (r.last_name.upper(), r.first_name.upper(), r.birth_date.isoformat())
            for r in s.execute(
                select(Identity.last_name, Identity.first_name, Person.birth_date)
                .join(Person, Person.id == Identity.person_id)
                .where(
                    Identity.is_current,
                    Person.staff_number.is_(None),
                    Person.birth_date.is_not(None),
                )
            )
        }
    hires = {
        (h["lastName"].upper(), h["firstName"].upper(), h["birthDate"])
        for h in hr
        if "birthDate" in h
    }
    assert campus & hires


def test_hr_export_differs_realistically_from_campus(demo):
    st, _, hr = demo
    with st.session() as s:
        campus = {
            n: (last, email)
            for n, last, email in s.execute(
                select(Person.staff_number, Identity.last_name, Person.work_email)
                .join(Identity, Identity.person_id == Person.id)
                .where(Identity.is_current)
            )
        }
    renamed = sum(
        1 for h in hr if h["staffNumber"] in campus and campus[h["staffNumber"]][0] != h["lastName"]
    )
    new = sum(1 for h in hr if h["staffNumber"] not in campus)
    variants = sum(
        1 for h in hr if "fullStreetAddress" in h["household"]["householdLocations"][0]["address"]
    )
    assert renamed > 0 and new > 0 and variants > 0
    assert all("ssn" in h for h in hr)


def test_demo_is_deterministic_per_seed(tmp_path):
    outs = []
    for name in ("a", "b"):
        st = Store(f"sqlite:///{tmp_path / (name + '.db')}")
        build_demo(st, staff=50, seed=3, hr_out=str(tmp_path / f"{name}.json"), login="dtc")
        with st.session() as s:
            rows = s.execute(
                select(Person.staff_number, Person.birth_date, Person.work_email).order_by(
                    Person.id
                )
            ).all()
        outs.append((rows, (tmp_path / f"{name}.json").read_text()))
        st.dispose()
    assert outs[0] == outs[1]


def test_demo_staff_zero_loads_reference_data_only(store):
    result = build_demo(store, staff=0, login="dtc")
    with store.session() as s:
        assert s.scalar(select(func.count()).select_from(Person)) == 0
        assert s.scalar(select(func.count()).select_from(School)) == 10
        assert s.scalar(select(District.app_name)) == "7634-MO"
        dtc = s.scalar(select(User).where(User.username == "dtc"))
        assert len(dtc.right_names) >= 8
    assert result.staff == 0


def test_demo_refuses_a_store_that_already_holds_people(store):
    build_demo(store, staff=5, login="dtc")
    with pytest.raises(Conflict, match="already holds people"):
        build_demo(store, staff=5, login="dtc")
