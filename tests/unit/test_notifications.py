"""Notifications and the Message Center (R-NOTE-1..3)."""

import pytest
from sqlalchemy import select

from bo_tui.core import notifications as notes
from bo_tui.core.errors import RuleViolation
from bo_tui.store.models.integration import Notification


def test_R_NOTE_2_only_employment_or_assignment_rights_are_recipients(ref_store):
    with ref_store.transaction() as s:
        names = {r.username for r in notes.eligible_recipients(s)}
        assert {"mpostma", "hrclerk", "assign"} <= names
        assert "teacher" not in names and "icsupport" not in names
        with pytest.raises(RuleViolation) as exc:
            notes.save_notification(s, notes.HR_STAFF, ["hrclerk", "teacher"])
    assert [e.field for e in exc.value.errors] == ["recipients[1]"]


def test_R_NOTE_1_types_are_hr_staff_and_hr_sync_commit(ref_store):
    with ref_store.transaction() as s, pytest.raises(RuleViolation) as exc:
        notes.save_notification(s, "Payroll", ["hrclerk"])
    assert exc.value.errors[0].field == "type"


def test_R_NOTE_3_removing_all_recipients_deletes_the_notification(ref_store):
    with ref_store.transaction() as s:
        n = notes.save_notification(s, notes.HR_STAFF, ["hrclerk", "assign"])
    with ref_store.transaction() as s:
        edited = notes.save_notification(s, notes.HR_SYNC_COMMIT, ["assign"], n.id)
        assert edited.type == notes.HR_SYNC_COMMIT and [r.username for r in edited.recipients] == [
            "assign"
        ]
    with ref_store.transaction() as s:
        assert notes.save_notification(s, notes.HR_SYNC_COMMIT, [], n.id) is None
        assert s.scalars(select(Notification)).all() == []


def test_R_NOTE_3_publish_lands_in_each_recipients_message_center(ref_store):
    with ref_store.transaction() as s:
        notes.save_notification(s, notes.HR_STAFF, ["hrclerk", "assign"])
        notes.save_notification(s, notes.HR_STAFF, ["assign"])  # assign gets it once
        notes.save_notification(s, notes.HR_SYNC_COMMIT, ["mpostma"])
    with ref_store.transaction() as s:
        assert notes.publish(s, notes.HR_STAFF, "Staff S1 created", "by the HR system") == 2
        assert notes.publish(s, notes.HR_SYNC_COMMIT, "Sync committed") == 1
    with ref_store.transaction() as s:
        assert notes.unread_count(s, "assign") == 1
        assert notes.unread_count(s, "teacher") == 0
        msgs = notes.page_messages(s, "hrclerk")
        assert [m.subject for m in msgs] == ["Staff S1 created"] and not msgs[0].read
        assert notes.mark_read(s, "hrclerk", [msgs[0].id]) == 1
        assert notes.mark_read(s, "assign", [msgs[0].id]) == 0  # not hers
    with ref_store.transaction() as s:
        assert notes.unread_count(s, "hrclerk") == 0 and notes.count_messages(s, "hrclerk") == 1
        notes.mark_read(s, "hrclerk", [msgs[0].id], read=False)
        assert notes.page_messages(s, "hrclerk", unread_only=True)[0].id == msgs[0].id
        assert notes.mark_all_read(s, "hrclerk") == 1


def test_R_NOTE_1_hr_staff_messages_from_the_staff_services(ref_store):
    from bo_tui.core import positions, staff
    from bo_tui.core.schemas import parse_position, parse_staff

    with ref_store.transaction() as s:
        notes.save_notification(s, notes.HR_STAFF, ["hrclerk"])
    with ref_store.transaction() as s:
        staff.create_staff(
            s, parse_staff({"staffNumber": "N1", "lastName": "Lee", "firstName": "Ann"})
        )
        staff.update_staff(s, "N1", parse_staff({"firstName": "Anne"}))
        staff.update_staff(s, "N1", parse_staff({"firstName": "Anne"}))  # no change, no message
        pos = {"schoolNumber": "010", "titleCode": "035E4EAB", "startDate": "2024-08-01"}
        positions.add_position(s, "N1", parse_position(pos))
        positions.update_positions(s, "N1", parse_position({**pos, "endDate": "2025-06-30"}))
    with ref_store.transaction() as s:
        subjects = [m.subject for m in notes.page_messages(s, "hrclerk")]
    assert sorted(subjects) == sorted(
        [
            "HR system: staff member N1 created",
            "HR system: staff member N1 updated",
            "HR system: staff member N1 district assignment added",
            "HR system: staff member N1 district assignments updated",
        ]
    )


def test_R_NOTE_1_bulk_callers_can_silence_per_staff_messages(ref_store):
    from bo_tui.core import staff
    from bo_tui.core.schemas import parse_staff

    with ref_store.transaction() as s:
        notes.save_notification(s, notes.HR_STAFF, ["hrclerk"])
    with ref_store.transaction() as s:
        s.info[notes.QUIET_STAFF_EVENTS] = True
        staff.create_staff(
            s, parse_staff({"staffNumber": "N2", "lastName": "Lee", "firstName": "Ann"})
        )
    with ref_store.transaction() as s:
        assert notes.count_messages(s, "hrclerk") == 0
