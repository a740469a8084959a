"""Every change on record and a committed sync taken back (R-HIST-1..3), on SQLite and PostgreSQL,
with the hand-built sync fixture of fixtures/sync."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select, update

from bo_tui.core import history, locks, sync
from bo_tui.core import rights as R
from bo_tui.core.errors import Conflict, Forbidden
from bo_tui.core.notifications import HR_SYNC_REVERTED, count_messages, save_notification
from bo_tui.core.positions import add_position
from bo_tui.core.preferences import set_preferences
from bo_tui.core.schemas import PositionIn, StaffMemberIn
from bo_tui.core.staff import get_person, update_staff
from bo_tui.core.users import UserInfo
from bo_tui.store.models import Person
from bo_tui.store.models.history import ChangeLog

from .test_sync_fixture import SYNC, TODAY, load_campus

PLAIN_SSNS = ("444444444", "444-44-4444", "111223333")


@pytest.fixture
def campus(store):
    load_campus(store)
    return store


def campus_state(store) -> dict:
    """Every person's staff data as the API reads it (SSN revealed, so a change shows)."""
    with store.session() as s:
        ids = s.scalars(select(Person.id).order_by(Person.id)).all()
        return {pid: get_person(s, pid, reveal=True, today=TODAY) for pid in ids}


def committed(store, name="hr.json") -> int:
    with store.transaction() as s:
        sync_id = sync.start(s, "tester").syncId
    sync.transfer_file(store, SYNC / name)
    with store.transaction() as s:
        sync.end(s)
        sync.validate(s, today=TODAY)
    sync.commit(store, "tester", today=TODAY)
    return sync_id


def changes(store, **kw) -> list[history.ChangeOut]:
    with store.session() as s:
        return history.ChangeQuery(**kw).page(s, 0, 10_000)


def test_R_HIST_1_a_commit_records_each_changed_field_with_ssns_masked(campus):
    sync_id = committed(campus)
    rows = changes(campus, sync_id=sync_id)
    assert rows and all(r.source == f"sync #{sync_id}" and r.by == "tester" for r in rows)
    areas = {r.area for r in rows}
    assert {"demographics", "identity", "employment", "position"} <= areas
    baker = [r for r in rows if r.staffNumber == "1002" and r.area == "identity"]
    assert any(r.field == "added" and "Baker" in (r.after or "") for r in baker)
    for r in rows:
        for text in (r.before or "", r.after or ""):
            assert not any(p in text for p in PLAIN_SSNS)
    ssn = [r for r in rows if r.field == "ssn"]
    assert all((v or "").startswith("***-**-") for r in ssn for v in (r.before, r.after) if v)
    with campus.session() as s:
        top = history.SyncHistoryQuery().page(s)[0]
        assert top.syncId == sync_id and top.kind == "sync" and top.state == "committed"
        assert top.changes == len(rows) and top.changed + top.created == 10 and top.failed == 1
        assert history.areas_and_fields(s, sync_id)["identity"]


def test_R_HIST_1_api_console_and_position_calls_are_recorded(campus):
    with campus.transaction() as s:
        update_staff(s, "1001", StaffMemberIn(workPhone="573-555-0199"), today=TODAY)
        add_position(
            s,
            "1001",
            PositionIn(schoolNumber="010", assignmentCode="20", startDate=dt.date(2026, 8, 1)),
        )
        pid = s.scalar(select(Person.id).where(Person.staff_number == "1001"))
        set_preferences(s, {"staffDemographics": False})
        locks.campus_edit_demographics(s, pid, {"cellPhone": "573-555-0100"})
    rows = changes(campus, staff_number="1001")
    got = {(r.source, r.area, r.field) for r in rows}
    assert ("API call", "demographics", "workPhone") in got
    assert ("API call", "position", "added") in got
    assert ("console edit", "demographics", "cellPhone") in got
    with campus.session() as s:
        newest = history.ChangeQuery(staff_number="1001").page(s, 0, 1, sort="newest")[0]
    assert newest.source == "console edit"


def test_R_HIST_2_revert_puts_campus_back_and_is_itself_revertible(campus):
    before = campus_state(campus)
    sync_id = committed(campus)
    after_commit = campus_state(campus)
    assert after_commit != before
    with campus.session() as s:
        preview = history.preview_revert(s, sync_id)
    assert preview.conflicts == [] and preview.removes >= 1 and preview.counts["identity"] >= 1
    assert campus_state(campus) == after_commit  # a preview changes nothing
    result = history.revert(campus, sync_id, "tester")
    assert result.conflicts == [] and result.failures == []
    assert campus_state(campus) == before
    with campus.session() as s:
        rows = history.SyncHistoryQuery().page(s)
        assert rows[0].kind == "revert" and rows[0].revertOf == sync_id
        assert rows[1].revertedBy == result.revertId
        assert history.refusal(s, sync_id).startswith(f"sync #{sync_id} is already reverted")
        assert sync.current(s).syncId == sync_id  # the wizard still shows the sync
    with pytest.raises(Conflict):
        history.revert(campus, sync_id, "tester")
    again = history.revert(campus, result.revertId, "tester")  # a revert of the revert
    assert again.conflicts == [] and again.failures == []
    assert campus_state(campus) == after_commit


def test_R_HIST_2_later_api_and_console_edits_are_conflicts_left_as_they_are(campus):
    sync_id = committed(campus)  # it wrote 1003's workPhone and 1004's cellPhone, created 2003
    with campus.transaction() as s:
        update_staff(s, "1004", StaffMemberIn(cellPhone="573-555-0444"), today=TODAY)
        update_staff(s, "2003", StaffMemberIn(workEmail="api@k12.mo.us"), today=TODAY)
        set_preferences(s, {"staffDemographics": False})
        p1003 = s.scalar(select(Person.id).where(Person.staff_number == "1003"))
        locks.campus_edit_demographics(s, p1003, {"workPhone": "573-555-0333"})
        p1002 = s.scalar(select(Person.id).where(Person.staff_number == "1002"))
        locks.campus_edit_demographics(s, p1002, {"cellPhone": "573-555-0111"})  # not synced
    with campus.session() as s:
        preview = history.preview_revert(s, sync_id)
    got = {(c.staffNumber, c.field) for c in preview.conflicts}
    assert got == {("1003", "workPhone"), ("1004", "cellPhone"), ("2003", "staff member")}
    result = history.revert(campus, sync_id, "tester")
    assert {(c.staffNumber, c.field) for c in result.conflicts} == got
    with campus.session() as s:

        def person(number):
            return s.scalars(select(Person).where(Person.staff_number == number)).one()

        assert person("2003").work_email == "api@k12.mo.us"  # created, edited since: kept
        assert person("1004").cell_phone == "573-555-0444"  # the API's edit kept
        assert person("1004").birth_date == dt.date(1970, 4, 4)  # the rest of 1004 went back
        assert person("1003").work_phone == "573-555-0333"  # the console's edit kept
        assert person("1003").gender == "F"
        assert person("1002").cell_phone == "573-555-0111"  # edited, but not by the sync
        assert get_person(s, p1002)["lastName"] != "Baker"  # 1002's name change went back


def test_R_HIST_2_a_created_staff_member_is_removed_with_their_household(campus):
    sync_id = committed(campus)
    with campus.session() as s:
        created = s.scalar(select(Person.id).where(Person.staff_number == "2003"))
        assert created is not None
    history.revert(campus, sync_id, "tester")
    with campus.session() as s:
        assert s.get(Person, created) is None
        gone = [r for r in history.ChangeQuery(staff_number="2003").page(s, 0, 100)]
        assert any(r.source.startswith("revert #") and r.field == "removed" for r in gone)


def test_R_HIST_1_a_name_change_keeps_its_identity_history(campus):
    with campus.session() as s:
        pid = s.scalar(select(Person.id).where(Person.staff_number == "1002"))
        old = get_person(s, pid)["identities"]
    sync_id = committed(campus)
    with campus.session() as s:
        idents = get_person(s, pid)["identities"]
    assert len(idents) == len(old) + 1
    rows = [r for r in changes(campus, sync_id=sync_id) if r.personId == pid]
    fields = {(r.area, r.field) for r in rows}
    assert ("identity", "added") in fields and ("identity", "current") in fields
    history.revert(campus, sync_id, "tester")
    with campus.session() as s:
        assert get_person(s, pid)["identities"] == old


def test_R_HIST_2_reverted_notification_goes_out(campus):
    with campus.transaction() as s:
        save_notification(s, HR_SYNC_REVERTED, ["hrclerk"])
    sync_id = committed(campus)
    history.revert(campus, sync_id, "tester")
    with campus.session() as s:
        assert count_messages(s, "hrclerk") >= 1


def _user(*rights: str) -> UserInfo:
    return UserInfo(id=1, username="u", name="U", active=True, rights=list(rights))


def test_R_HIST_3_who_may_read_and_who_may_revert(campus):
    sync_id = committed(campus)
    with campus.session() as s:
        summary = history.sync_summary(s, sync_id)

    def acts(*rights):
        return {a.id: a for a in history.history_actions(summary, _user(*rights))}

    assert not acts()["show"].enabled and acts()["show"].forbidden
    assert acts(R.HISTORY_READ)["show"].enabled
    revert = acts(R.HISTORY_READ)["revert"]
    assert not revert.enabled and revert.forbidden and R.ALL[R.BOI_ADMIN] in revert.reason
    assert acts(R.HISTORY_READ, R.BOI_ADMIN)["revert"].enabled
    assert not history.can_read_history(None, "nobody").enabled
    assert history.can_read_history(_user(R.HISTORY_READ)).enabled
    with campus.session() as s, pytest.raises(Forbidden):
        history.require_revert(s, "nobody-here")
    history.revert(campus, sync_id, "tester")
    with campus.session() as s:
        summary = history.sync_summary(s, sync_id)
    done = {a.id: a for a in history.history_actions(summary, _user(R.HISTORY_READ, R.BOI_ADMIN))}
    assert not done["revert"].enabled and "already reverted" in done["revert"].reason


def test_R_HIST_1_history_days_prunes_older_rows(campus):
    with campus.transaction() as s:
        s.execute(update(ChangeLog).values(at=dt.datetime(2020, 1, 1)))
        set_preferences(s, {"historyDays": 30})
    sync_id = committed(campus)  # the commit's end prunes
    with campus.session() as s:
        assert history.ChangeQuery(staff_number="1001").count(s) == len(
            [r for r in changes(campus, staff_number="1001") if r.syncId == sync_id]
        )
        assert all(r.at.year > 2020 for r in history.ChangeQuery().page(s, 0, 10_000))


def test_R_HIST_1_changes_export_to_csv_and_pdf_without_plain_ssns(campus, tmp_path):
    sync_id = committed(campus)
    with campus.session() as s:
        pid = s.scalar(select(Person.id).where(Person.staff_number == "1002"))
        mine = history.ChangeQuery(person_id=pid).count(s)
        assert mine == history.ChangeQuery(staff_number="1002").count(s) > 0
        n = history.export_changes(s, history.ChangeQuery(sync_id=sync_id), tmp_path / "c.csv")
        assert n == history.ChangeQuery(sync_id=sync_id).count(s)
        assert history.export_changes(s, history.ChangeQuery(person_id=pid), tmp_path / "c.pdf")
    text = (tmp_path / "c.csv").read_text()
    assert text.startswith("at,source,staffNumber,area,field,before,after,by")
    assert not any(p in text for p in PLAIN_SSNS)
    assert (tmp_path / "c.pdf").read_bytes().startswith(b"%PDF")
