"""create_staff: R-DEMO-1/2, R-EMP-1, R-POS-1..4, atomicity, SSN storage, change summary."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, insert, select

from bo_tui.core.errors import Conflict, RuleViolation
from bo_tui.core.schemas import parse_staff
from bo_tui.core.staff import create_staff, get_staff, validate_staff
from bo_tui.store.crypto import vault
from bo_tui.store.models import Employment, Identity, Person, Position, Title

TODAY = dt.date(2026, 9, 1)


def _payload(**over) -> dict:
    data = {"staffNumber": "S100", "lastName": "Simpson", "firstName": "Pat"}
    data.update(over)
    return {k: v for k, v in data.items() if v is not ...}


def _create(store, data):
    with store.transaction() as s:
        return create_staff(s, parse_staff(data), today=TODAY)


def _count(store, model) -> int:
    with store.transaction() as s:
        return s.scalar(select(func.count()).select_from(model))


def _fields(exc) -> set[str]:
    return {e.field for e in exc.value.errors}


def test_R_DEMO_1_create_requires_staff_number_last_and_first_name(ref_store):
    with pytest.raises(RuleViolation) as exc:
        _create(ref_store, {"middleName": "Q"})
    assert _fields(exc) == {"staffNumber", "lastName", "firstName"}
    assert {e.rule for e in exc.value.errors} == {"R-DEMO-1"}
    assert _count(ref_store, Person) == 0


def test_R_DEMO_1_create_with_only_the_required_fields(ref_store):
    result = _create(ref_store, _payload())
    assert result.created and result.staffNumber == "S100"
    assert result.changes == ["demographics", "identity"]
    with ref_store.transaction() as s:
        person = s.get(Person, result.personId)
        assert person.staff_number == "S100" and person.hr_managed
        ident = s.scalars(select(Identity)).one()
        assert (ident.last_name, ident.first_name, ident.is_current) == ("Simpson", "Pat", True)
        assert ident.start_date == TODAY and ident.end_date is None


@pytest.mark.parametrize("again", ["S100", "s100", "  s100 "])
def test_R_DEMO_1_create_of_an_existing_staff_number_conflicts(ref_store, again):
    _create(ref_store, _payload())
    with pytest.raises(Conflict) as exc:
        _create(ref_store, _payload(staffNumber=again, lastName="Other"))
    assert exc.value.status == 409
    assert exc.value.errors[0].field == "staffNumber"
    assert _count(ref_store, Person) == 1


def test_R_DEMO_1_conflict_also_with_dirty_campus_spelling(ref_store):
    with ref_store.transaction() as s:
        s.execute(insert(Person.__table__).values(staff_number=" Pending", hr_managed=False))
    with pytest.raises(Conflict):
        _create(ref_store, _payload(staffNumber="PENDING"))


def test_R_DEMO_2_unknown_gender_is_refused(ref_store):
    with pytest.raises(RuleViolation) as exc:
        _create(ref_store, _payload(gender="Q"))
    assert [(e.field, e.rule) for e in exc.value.errors] == [("gender", "R-DEMO-2")]
    assert _count(ref_store, Person) == 0


def test_R_DEMO_2_gender_code_in_any_case_is_stored_as_campus_has_it(ref_store):
    result = _create(ref_store, _payload(gender="f"))
    with ref_store.transaction() as s:
        assert s.get(Person, result.personId).gender == "F"


def test_R_EMP_1_several_employments_without_date_validation(ref_store):
    emps = [
        {"hireDate": "2010-08-01", "terminationDate": "2009-01-01"},  # ends before it starts
        {"hireDate": "2008-01-01", "terminationDate": "2012-01-01"},  # overlaps
        {"hireDate": "2015-08-01"},
    ]
    result = _create(ref_store, _payload(employments=emps))
    assert "employment" in result.changes
    with ref_store.transaction() as s:
        rows = s.execute(select(Employment.hire_date, Employment.termination_date)).all()
    assert sorted(rows) == sorted(
        [
            (dt.date(2010, 8, 1), dt.date(2009, 1, 1)),
            (dt.date(2008, 1, 1), dt.date(2012, 1, 1)),
            (dt.date(2015, 8, 1), None),
        ]
    )


def _pos(**over) -> dict:
    p = {
        "schoolNumber": "010",
        "assignmentCode": "20",
        "titleCode": "4A61E262",
        "startDate": "2023-10-01",
    }
    p.update(over)
    return {k: v for k, v in p.items() if v is not ...}


def test_R_POS_1_unknown_school_names_the_field(ref_store):
    with pytest.raises(RuleViolation) as exc:
        _create(ref_store, _payload(positions=[_pos(), _pos(schoolNumber="999")]))
    assert [(e.field, e.rule) for e in exc.value.errors] == [
        ("positions[1].schoolNumber", "R-POS-1")
    ]


def test_R_POS_2_unknown_assignment_code_is_an_error(ref_store):
    with pytest.raises(RuleViolation) as exc:
        _create(ref_store, _payload(positions=[_pos(assignmentCode="77")]))
    assert [(e.field, e.rule) for e in exc.value.errors] == [
        ("positions[0].assignmentCode", "R-POS-2")
    ]


def test_R_POS_3_title_or_assignment_and_school_and_start_required(ref_store):
    bad = [
        _pos(assignmentCode=..., titleCode=...),
        _pos(schoolNumber=...),
        _pos(startDate=...),
    ]
    with pytest.raises(RuleViolation) as exc:
        _create(ref_store, _payload(positions=bad))
    got = {(e.field, e.rule) for e in exc.value.errors}
    assert got == {
        ("positions[0].titleCode", "R-POS-3"),
        ("positions[1].schoolNumber", "R-POS-3"),
        ("positions[2].startDate", "R-POS-3"),
    }


def test_R_POS_3_title_only_or_assignment_only_is_enough(ref_store):
    result = _create(
        ref_store,
        _payload(positions=[_pos(assignmentCode=...), _pos(titleCode=..., schoolNumber="106")]),
    )
    assert "positions" in result.changes
    assert _count(ref_store, Position) == 2


def test_R_POS_4_unknown_title_is_created_with_its_description(ref_store):
    result = _create(
        ref_store,
        _payload(positions=[_pos(titleCode="NEW00001", titleDescription="Robotics Coach")]),
    )
    assert result.titlesCreated == ["NEW00001"]
    with ref_store.transaction() as s:
        assert s.get(Title, "NEW00001").description == "Robotics Coach"
        # a known title keeps its district description
        assert s.get(Title, "4A61E262").description == "Varsity Basketball"


def test_atomicity_one_bad_position_writes_nothing(ref_store):
    titles = _count(ref_store, Title)
    data = _payload(
        ssn="123-45-6789",
        employments=[{"hireDate": "2020-01-01"}],
        positions=[_pos(titleCode="BRANDNEW", titleDescription="x"), _pos(schoolNumber="555")],
    )
    with pytest.raises(RuleViolation):
        _create(ref_store, data)
    for model in (Person, Identity, Employment, Position):
        assert _count(ref_store, model) == 0
    assert _count(ref_store, Title) == titles


def test_every_field_error_of_a_payload_comes_in_one_violation(ref_store):
    data = {
        "lastName": "X",
        "gender": "Q",
        "positions": [_pos(schoolNumber="555", assignmentCode="77")],
    }
    with pytest.raises(RuleViolation) as exc:
        _create(ref_store, data)
    assert _fields(exc) == {
        "staffNumber",
        "firstName",
        "gender",
        "positions[0].schoolNumber",
        "positions[0].assignmentCode",
    }


def test_ssn_is_stored_encrypted_with_its_hash_and_read_masked(ref_store):
    result = _create(ref_store, _payload(ssn="123-45-6789"))
    with ref_store.transaction() as s:
        person = s.get(Person, result.personId)
        assert "6789" not in person.ssn_enc
        assert vault().decrypt(person.ssn_enc) == "123456789"
        assert person.ssn_hash == vault().hash("123456789")
        assert get_staff(s, "S100")["ssn"] == "***-**-6789"
        assert get_staff(s, "S100", reveal=True)["ssn"] == "123456789"


def test_validate_staff_checks_without_writing_or_conflict(ref_store):
    _create(ref_store, _payload())
    with ref_store.transaction() as s:
        assert validate_staff(s, parse_staff(_payload())) == []
        errs = validate_staff(
            s, parse_staff(_payload(gender="Q", positions=[_pos(schoolNumber="1")]))
        )
    assert {e.field for e in errs} == {"gender", "positions[0].schoolNumber"}
    assert _count(ref_store, Person) == 1
