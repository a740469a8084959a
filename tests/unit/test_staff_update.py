"""update_staff: SPEC update semantics (absent vs null), R-DEMO-3 identity history, R-EMP-2,
404 for unknown and a clear failure for duplicated staff numbers (R-SYNC-5/8)."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import insert, select

from bo_tui.core import notifications
from bo_tui.core.errors import Conflict, NotFound, RuleViolation
from bo_tui.core.schemas import parse_staff
from bo_tui.core.staff import create_staff, get_staff, update_staff
from bo_tui.store.crypto import vault
from bo_tui.store.models import Employment, Identity, Person

DAY1 = dt.date(2026, 9, 1)
DAY2 = dt.date(2026, 9, 15)

FULL = {
    "staffNumber": "S200",
    "lastName": "Crosby",
    "firstName": "Elaine",
    "middleName": "L",
    "gender": "F",
    "ssn": "123-45-6789",
    "birthDate": "1979-11-24",
    "workPhone": "320-555-0100",
    "cellPhone": "320-555-0101",
    "workEmail": "ecrosby@school.k12.mo.us",
    "personalEmail": "elaine@mail.example.com",
    "employments": [{"hireDate": "2015-08-01"}],
}


@pytest.fixture
def staff_store(ref_store):
    with ref_store.transaction() as s:
        create_staff(s, parse_staff(FULL), today=DAY1)
    return ref_store


def _update(store, data, number="S200", today=DAY2):
    with store.transaction() as s:
        return update_staff(s, number, parse_staff(data), today=today)


def _get(store, number="S200"):
    with store.transaction() as s:
        return get_staff(s, number, reveal=True, today=DAY2)


def test_update_absent_keys_leave_values_as_they_are(staff_store):
    before = _get(staff_store)
    result = _update(staff_store, {"workPhone": "320-555-0199"})
    after = _get(staff_store)
    assert result.changes == ["demographics"]
    assert after["workPhone"] == "320-555-0199"
    for key in (
        "cellPhone",
        "workEmail",
        "personalEmail",
        "gender",
        "ssn",
        "birthDate",
        "lastName",
    ):
        assert after[key] == before[key]
    assert after["employments"] == before["employments"]


def test_update_null_clears_the_value(staff_store):
    _update(staff_store, {"cellPhone": None, "ssn": None, "gender": None, "birthDate": None})
    after = _get(staff_store)
    assert after["cellPhone"] is None and after["ssn"] is None
    assert after["gender"] is None and after["birthDate"] is None
    with staff_store.transaction() as s:
        assert s.scalar(select(Person.ssn_hash)) is None


def test_R_DEMO_1_update_cannot_clear_last_or_first_name(staff_store):
    with pytest.raises(RuleViolation) as exc:
        _update(staff_store, {"lastName": None, "firstName": None, "workPhone": "573-555-0101"})
    assert {(e.field, e.rule) for e in exc.value.errors} == {
        ("lastName", "R-DEMO-1"),
        ("firstName", "R-DEMO-1"),
    }
    assert _get(staff_store)["workPhone"] == "320-555-0100"  # nothing written


def test_R_DEMO_1_body_staff_number_must_match_the_path(staff_store):
    with pytest.raises(RuleViolation) as exc:
        _update(staff_store, {"staffNumber": "OTHER"})
    assert exc.value.errors[0].field == "staffNumber"


def test_R_DEMO_3_rename_ends_identity_and_starts_a_new_current_one(staff_store):
    result = _update(staff_store, {"lastName": "Sanders"})
    assert "identity" in result.changes
    idents = _get(staff_store)["identities"]
    assert idents == [
        {
            "lastName": "Crosby",
            "firstName": "Elaine",
            "middleName": "L",
            "startDate": "2026-09-01",
            "endDate": "2026-09-15",
            "current": False,
        },
        {
            "lastName": "Sanders",
            "firstName": "Elaine",
            "middleName": "L",
            "startDate": "2026-09-15",
            "endDate": None,
            "current": True,
        },
    ]


def test_R_DEMO_3_middle_name_cleared_is_a_name_change(staff_store):
    _update(staff_store, {"middleName": None})
    idents = _get(staff_store)["identities"]
    assert len(idents) == 2 and idents[-1]["middleName"] is None and idents[-1]["current"]


def test_R_DEMO_3_unchanged_names_keep_the_identity(staff_store):
    result = _update(staff_store, {"lastName": "Crosby", "firstName": "Elaine", "middleName": "L"})
    assert "identity" not in result.changes
    with staff_store.transaction() as s:
        assert len(s.scalars(select(Identity)).all()) == 1


def test_resending_the_same_payload_changes_nothing(staff_store):
    result = _update(staff_store, FULL)
    assert result.changes == [] and result.warnings == []


def test_R_EMP_2_employments_match_by_hire_date(staff_store):
    result = _update(
        staff_store,
        {
            "employments": [
                {"hireDate": "2015-08-01", "terminationDate": "2020-06-30"},
                {"hireDate": "2022-08-01"},
            ]
        },
    )
    assert "employment" in result.changes
    got = [(e["hireDate"], e["terminationDate"]) for e in _get(staff_store)["employments"]]
    assert got == [("2015-08-01", "2020-06-30"), ("2022-08-01", None)]


def test_R_EMP_2_records_not_sent_are_kept(staff_store):
    _update(staff_store, {"employments": [{"hireDate": "2022-08-01"}]})
    assert len(_get(staff_store)["employments"]) == 2
    _update(staff_store, {"employments": None})  # nothing to apply, nothing removed
    assert len(_get(staff_store)["employments"]) == 2


def test_update_of_an_unknown_staff_number_is_404(staff_store):
    with pytest.raises(NotFound) as exc:
        _update(staff_store, {"workPhone": "573-555-0101"}, number="NOPE")
    assert exc.value.status == 404


def test_update_of_a_duplicated_staff_number_fails_clearly(ref_store):
    with ref_store.transaction() as s:
        for number in ("PENDING", "pending "):
            pid = s.execute(insert(Person.__table__).values(staff_number=number, hr_managed=False))
            s.execute(
                insert(Identity.__table__).values(
                    person_id=pid.inserted_primary_key[0],
                    last_name="Hurley",
                    first_name="B",
                    is_current=True,
                )
            )
    with pytest.raises(Conflict) as exc:
        _update(ref_store, {"workPhone": "573-555-0101"}, number="Pending")
    assert "duplicated in Campus" in exc.value.message
    assert exc.value.errors[0].field == "staffNumber"
    with ref_store.transaction() as s:
        assert s.scalars(select(Person.work_phone)).all() == [None, None]


def test_update_makes_a_campus_person_hr_managed(ref_store):
    with ref_store.transaction() as s:
        pid = s.execute(insert(Person.__table__).values(staff_number="C1", hr_managed=False))
        s.execute(
            insert(Identity.__table__).values(
                person_id=pid.inserted_primary_key[0],
                last_name="Wood",
                first_name="A",
                is_current=True,
            )
        )
    result = _update(ref_store, {"lastName": "Wood", "firstName": "A"}, number="c1")
    assert result.staffNumber == "C1"
    with ref_store.transaction() as s:
        assert s.scalar(select(Person.hr_managed)) is True


def test_update_ssn_is_re_encrypted_only_when_it_changes(staff_store):
    with staff_store.transaction() as s:
        before = s.scalar(select(Person.ssn_enc))
    assert _update(staff_store, {"ssn": "123456789"}).changes == []
    _update(staff_store, {"ssn": "987-65-4321"})
    with staff_store.transaction() as s:
        row = s.execute(select(Person.ssn_enc, Person.ssn_hash)).one()
    assert row.ssn_enc != before and vault().decrypt(row.ssn_enc) == "987654321"
    assert row.ssn_hash == vault().hash("987654321")


def test_R_NOTE_1_update_tells_the_notifications_which_areas_changed(staff_store, monkeypatch):
    seen = []
    monkeypatch.setattr(
        notifications,
        "staff_changed",
        lambda session, event, result: seen.append((event, result.staffNumber, result.changes)),
    )
    _update(staff_store, {"workEmail": "new@school.k12.mo.us"})
    assert seen == [(notifications.STAFF_UPDATED, "S200", ["demographics"])]


def test_update_employment_rows_are_not_duplicated_on_resend(staff_store):
    for _ in range(3):
        _update(staff_store, {"employments": [{"hireDate": "2015-08-01"}]})
    with staff_store.transaction() as s:
        assert len(s.scalars(select(Employment)).all()) == 1


def test_R_DEMO_1_staff_number_spelling_from_the_hr_system_wins(ref_store):
    with ref_store.transaction() as s:
        create_staff(
            s, parse_staff({"staffNumber": "abc1", "lastName": "A", "firstName": "B"}), today=DAY1
        )
    result = _update(ref_store, {"staffNumber": "ABC1"}, number="abc1")
    assert result.changes == ["staffNumber"] and result.staffNumber == "ABC1"
    assert _get(ref_store, "abc1")["staffNumber"] == "ABC1"
