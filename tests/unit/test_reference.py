"""R-REF-1 reference lists reflect the store; the per-transaction lookup cache never outlives
its transaction (a title created in a rolled-back savepoint is not believed to exist)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import insert, select

from bo_tui.core import reference
from bo_tui.core.schemas import parse_staff
from bo_tui.core.staff import create_staff
from bo_tui.store.models import School, Title


def test_R_REF_1_lists_in_the_api_shape(ref_store):
    with ref_store.transaction() as s:
        schools = reference.list_schools(s)
        genders = reference.list_genders(s)
        codes = reference.list_assignment_codes(s)
        titles = reference.list_titles(s)
    assert {"schoolNumber": "010", "name": "Lakeside Elementary"} in schools
    assert [g["code"] for g in genders] == ["F", "M", "X"]
    assert {"code": "20", "name": "Teacher"} in codes
    assert {"code": "4A61E262", "name": "Varsity Basketball"} in titles
    assert all(set(x) == {"code", "name"} for x in genders + codes + titles)


def test_R_REF_1_lists_reflect_the_store(ref_store):
    with ref_store.transaction() as s:
        s.execute(insert(School.__table__).values(school_number="777", name="New School"))
        data = {
            "staffNumber": "R1",
            "lastName": "A",
            "firstName": "B",
            "positions": [
                {
                    "schoolNumber": "777",
                    "titleCode": "T777",
                    "titleDescription": "New Title",
                    "startDate": "2024-01-01",
                }
            ],
        }
        create_staff(s, parse_staff(data), today=dt.date(2026, 9, 1))
    with ref_store.transaction() as s:
        assert {"schoolNumber": "777", "name": "New School"} in reference.list_schools(s)
        assert {"code": "T777", "name": "New Title"} in reference.list_titles(s)


def test_lookup_is_cached_for_the_transaction_only(ref_store):
    with ref_store.transaction() as s:
        ref = reference.lookup(s)
        assert reference.lookup(s) is ref
        assert ref.school_id("010") is not None and ref.school_id("nope") is None
    with ref_store.transaction() as s:
        s.execute(insert(School.__table__).values(school_number="nope", name="Now here"))
    with ref_store.transaction() as s:
        assert reference.lookup(s) is not ref
        assert reference.lookup(s).school_id("nope") is not None


def test_title_created_in_a_rolled_back_savepoint_is_forgotten(ref_store):
    with ref_store.transaction() as s:
        s.execute(select(1))
        try:
            with s.begin_nested():
                reference.lookup(s).ensure_titles({"GONE": "x"})
                raise RuntimeError
        except RuntimeError:
            pass
        assert reference.lookup(s).titles_exist(["GONE"]) == {"GONE": False}
        assert reference.lookup(s).ensure_titles({"GONE": "again"}) == ["GONE"]
        assert s.get(Title, "GONE").description == "again"


def test_gender_lookup_is_case_insensitive(ref_store):
    with ref_store.transaction() as s:
        assert reference.lookup(s).gender(" m ") == "M"
        assert reference.lookup(s).gender("Q") is None
