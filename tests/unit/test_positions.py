"""Positions: R-POS-5 update by matching, R-POS-6 duplicates allowed, R-POS-7 complete list with
linked positions kept, R-POS-8 Campus staff search lists only persons with a position."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select, update

from bo_tui.core.errors import NotFound, RuleViolation
from bo_tui.core.positions import add_position, update_positions
from bo_tui.core.schemas import parse_position, parse_staff
from bo_tui.core.staff import count_staff, create_staff, get_staff, search_staff, update_staff
from bo_tui.store.models import Position

TODAY = dt.date(2026, 9, 1)


def _pos(**over) -> dict:
    p = {
        "schoolNumber": "010",
        "assignmentCode": "20",
        "titleCode": "4A61E262",
        "startDate": "2023-10-01",
    }
    p.update(over)
    return {k: v for k, v in p.items() if v is not ...}


def _create(store, positions=None, number="P1"):
    data = {"staffNumber": number, "lastName": "Young", "firstName": "John"}
    if positions is not None:
        data["positions"] = positions
    with store.transaction() as s:
        return create_staff(s, parse_staff(data), today=TODAY)


def _positions(store, number="P1"):
    with store.transaction() as s:
        return get_staff(s, number)["positions"]


def _add(store, pos, number="P1"):
    with store.transaction() as s:
        return add_position(s, number, parse_position(pos))


def _update_pos(store, pos, number="P1"):
    with store.transaction() as s:
        return update_positions(s, number, parse_position(pos))


def _update_list(store, positions, number="P1"):
    with store.transaction() as s:
        return update_staff(s, number, parse_staff({"positions": positions}), today=TODAY)


def test_R_POS_6_adding_the_same_position_twice_never_fails(ref_store):
    _create(ref_store)
    r1 = _add(ref_store, _pos())
    r2 = _add(ref_store, _pos())
    assert r1.changes == ["positions"] and r2.changes == ["positions"]
    assert len(_positions(ref_store)) == 2


def test_R_POS_3_add_position_needs_school_start_and_title_or_assignment(ref_store):
    _create(ref_store)
    with pytest.raises(RuleViolation) as exc:
        _add(ref_store, {"schoolNumber": "010"})
    assert {e.field for e in exc.value.errors} == {"titleCode", "startDate"}
    with pytest.raises(RuleViolation) as exc:
        _add(ref_store, {"titleCode": "4A61E262", "startDate": "2024-01-01"})
    assert {e.field for e in exc.value.errors} == {"schoolNumber"}
    assert _positions(ref_store) == []


def test_R_POS_1_add_position_at_an_unknown_school(ref_store):
    _create(ref_store)
    with pytest.raises(RuleViolation) as exc:
        _add(ref_store, _pos(schoolNumber="999"))
    assert [(e.field, e.rule) for e in exc.value.errors] == [("schoolNumber", "R-POS-1")]


def test_add_position_to_an_unknown_staff_number_is_404(ref_store):
    with pytest.raises(NotFound):
        _add(ref_store, _pos(), number="NOBODY")


def test_R_POS_5_start_date_match_sets_the_end_date_of_every_match(ref_store):
    _create(ref_store, [_pos(), _pos(), _pos(titleCode="035E4EAB")])
    n = _update_pos(
        ref_store,
        {
            "schoolNumber": "010",
            "titleCode": "4A61E262",
            "startDate": "2023-10-01",
            "endDate": "2024-03-01",
        },
    )
    assert n == 2
    ends = sorted((p["titleCode"], p["endDate"]) for p in _positions(ref_store))
    assert ends == [("035E4EAB", None), ("4A61E262", "2024-03-01"), ("4A61E262", "2024-03-01")]


def test_R_POS_5_matches_on_assignment_code_alone(ref_store):
    _create(ref_store, [_pos(titleCode=...), _pos(assignmentCode="30", titleCode=...)])
    n = _update_pos(
        ref_store,
        {
            "schoolNumber": "010",
            "assignmentCode": "20",
            "startDate": "2023-10-01",
            "endDate": "2024-01-01",
        },
    )
    assert n == 1


def test_R_POS_5_end_date_match_sets_the_start_date(ref_store):
    _create(ref_store, [_pos(endDate="2024-06-30"), _pos(endDate="2024-06-30")])
    n = _update_pos(ref_store, _pos(startDate="2023-09-01", endDate="2024-06-30"))
    assert n == 2
    assert {p["startDate"] for p in _positions(ref_store)} == {"2023-09-01"}


def test_R_POS_5_no_match_is_404_with_a_clear_message(ref_store):
    _create(ref_store, [_pos()])
    with pytest.raises(NotFound) as exc:
        _update_pos(ref_store, _pos(schoolNumber="020", endDate="2024-01-01"))
    assert exc.value.status == 404 and "no position" in exc.value.message


def test_R_POS_5_school_must_be_a_campus_school(ref_store):
    _create(ref_store, [_pos()])
    with pytest.raises(RuleViolation) as exc:
        _update_pos(ref_store, _pos(schoolNumber="999"))
    assert exc.value.errors[0].rule == "R-POS-1"


def test_R_POS_7_positions_not_in_the_list_are_removed(ref_store):
    _create(ref_store, [_pos(), _pos(schoolNumber="106")])
    result = _update_list(ref_store, [_pos(schoolNumber="106"), _pos(schoolNumber="020")])
    assert "positions" in result.changes and result.warnings == []
    assert sorted(p["schoolNumber"] for p in _positions(ref_store)) == ["020", "106"]


def test_R_POS_7_identical_positions_are_kept_not_recreated(ref_store):
    _create(ref_store, [_pos(), _pos(schoolNumber="106")])
    ids = sorted(p["positionId"] for p in _positions(ref_store))
    result = _update_list(ref_store, [_pos(schoolNumber="106"), _pos()])
    assert "positions" not in result.changes
    assert sorted(p["positionId"] for p in _positions(ref_store)) == ids


def test_R_POS_7_a_new_end_date_updates_the_position_in_place(ref_store):
    _create(ref_store, [_pos()])
    (before,) = _positions(ref_store)
    _update_list(ref_store, [_pos(endDate="2025-06-30")])
    (after,) = _positions(ref_store)
    assert after["positionId"] == before["positionId"] and after["endDate"] == "2025-06-30"


def test_R_POS_7_linked_positions_are_kept_with_a_warning(ref_store):
    _create(ref_store, [_pos(), _pos(schoolNumber="106", titleCode="035E4EAB")])
    with ref_store.transaction() as s:
        s.execute(update(Position).where(Position.title_code == "035E4EAB").values(linked=True))
    result = _update_list(ref_store, [])
    assert [(w.field, w.rule) for w in result.warnings] == [("positions", "R-POS-7")]
    assert "106" in result.warnings[0].message and "035E4EAB" in result.warnings[0].message
    remaining = _positions(ref_store)
    assert [(p["schoolNumber"], p["linked"]) for p in remaining] == [("106", True)]


def test_R_POS_7_positions_key_absent_leaves_them_alone(ref_store):
    _create(ref_store, [_pos(), _pos(schoolNumber="106")])
    with ref_store.transaction() as s:
        result = update_staff(s, "P1", parse_staff({"workPhone": "573-555-0101"}), today=TODAY)
    assert "positions" not in result.changes
    assert len(_positions(ref_store)) == 2


def test_R_POS_7_invalid_position_in_the_list_changes_nothing(ref_store):
    _create(ref_store, [_pos()])
    with pytest.raises(RuleViolation) as exc:
        _update_list(ref_store, [_pos(schoolNumber="106"), _pos(assignmentCode="77")])
    assert exc.value.errors[0].field == "positions[1].assignmentCode"
    assert [p["schoolNumber"] for p in _positions(ref_store)] == ["010"]


def test_R_POS_8_campus_staff_search_lists_only_persons_with_a_position(ref_store):
    _create(ref_store, [_pos()], number="WITH")
    _create(ref_store, None, number="WITHOUT")
    with ref_store.transaction() as s:
        campus = search_staff(s, lastName="young", staff_only=True)
        api = search_staff(s, staffNumber="without")
        assert count_staff(s, lastName="Young", staff_only=True) == 1
        assert count_staff(s, lastName="Young") == 2
    assert [i.staffNumber for i in campus.items] == ["WITH"]
    assert [(i.staffNumber, i.positionCount) for i in api.items] == [("WITHOUT", 0)]


def test_R_POS_4_title_created_by_add_position(ref_store):
    _create(ref_store)
    result = _add(ref_store, _pos(titleCode="ZZ99", titleDescription="Bus Driver"))
    assert result.titlesCreated == ["ZZ99"]
    assert _positions(ref_store)[0]["titleDescription"] == "Bus Driver"
    with ref_store.transaction() as s:
        assert s.scalar(select(Position.title_code)) == "ZZ99"
