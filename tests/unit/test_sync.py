"""The staff synchronization (SPEC section 6): one scenario per rule R-SYNC-1 … R-SYNC-10 on
the hand-built fixture of fixtures/sync, where every report category has a known count."""

from __future__ import annotations

import json
import sqlite3

import pytest
from sqlalchemy import func, select, text

from bo_tui.core import sync
from bo_tui.core.errors import Conflict, NotFound
from bo_tui.core.notifications import HR_SYNC_COMMIT, count_messages, save_notification
from bo_tui.core.preferences import set_preferences
from bo_tui.core.sync import export, hr_json, staging
from bo_tui.store.models import Base, Identity, Person
from bo_tui.store.models.integration import ErrorLogEntry
from bo_tui.store.models.sync import SyncStaged

from .test_sync_fixture import SYNC, TODAY, expected, load_campus


@pytest.fixture
def campus(store):
    load_campus(store)
    return store


def _transfer_file(store, name="hr.json"):
    with store.transaction() as s:
        sync.start(s, "tester")
    result = sync.transfer_file(store, SYNC / name)
    with store.transaction() as s:
        sync.end(s)
    return result


def _validated(store, name="hr.json"):
    _transfer_file(store, name)
    with store.transaction() as s:
        return sync.validate(s, today=TODAY)


def _person(s, staff_number):
    return s.execute(
        select(Person, Identity)
        .join(Identity, (Identity.person_id == Person.id) & Identity.is_current.is_(True))
        .where(Person.staff_number == staff_number)
    ).one()


# --- R-SYNC-1, R-SYNC-3 and restart ------------------------------------------------------------


def test_R_SYNC_1_one_open_sync_records_who_and_when(campus):
    with campus.transaction() as s:
        info = sync.start(s, "mpostma")
    assert info.state == "transferring" and info.startedBy == "mpostma" and info.startedAt
    with campus.transaction() as s, pytest.raises(Conflict) as exc:
        sync.start(s, "someone")
    assert "already open" in exc.value.message and "transfer" in exc.value.message
    with campus.transaction() as s, pytest.raises(Conflict) as exc:
        sync.validate(s)
    assert "end the transfer" in exc.value.message  # says what to do next


def test_R_SYNC_3_end_only_after_a_transfer_and_restart_discards(campus):
    with campus.transaction() as s:
        sync.start(s, "t")
    with campus.transaction() as s, pytest.raises(Conflict) as exc:
        sync.end(s)
    assert "at least one" in exc.value.message
    sync.transfer_file(campus, SYNC / "hr.json")
    with campus.transaction() as s:
        assert sync.end(s).transferred == 12
    with campus.transaction() as s:
        info = sync.restart(s)
    assert info.state == "transferring" and info.transferred == 0
    with campus.transaction() as s:
        assert s.scalar(select(func.count()).select_from(SyncStaged)) == 0


# --- R-SYNC-2 -----------------------------------------------------------------------------------


def test_R_SYNC_2_transfer_checks_rules_rejects_logs_and_replaces(campus):
    good = {"staffNumber": "7001", "lastName": "New", "firstName": "Nina", "ssn": "555-66-7777"}
    bad = {
        "staffNumber": "7002",
        "lastName": "Bad",
        "gender": "Q",
        "ssn": "555-66-8888",
        "positions": [{"schoolNumber": "999", "assignmentCode": "20", "startDate": "2020-01-01"}],
    }
    with campus.transaction() as s:
        sync.start(s, "t")
    with campus.transaction() as s:
        r = sync.transfer(s, [good, bad])
    assert r.accepted == 1
    [rej] = r.rejected
    fields = {e["field"] for e in rej.errors}
    assert (
        rej.staffNumber == "7002" and {"firstName", "gender", "positions[0].schoolNumber"} <= fields
    )
    with campus.transaction() as s:
        log = s.scalars(select(ErrorLogEntry)).all()
        assert len(log) == 1 and "7002" in log[0].message
        assert "555-66-8888" not in log[0].payload and "555668888" not in log[0].payload
    with campus.transaction() as s:  # a re-sent staff number replaces its staged record
        sync.transfer(s, [{**good, "firstName": "Nora"}])
        rows = s.scalars(select(SyncStaged)).all()
        assert len(rows) == 1 and rows[0].first_name == "Nora"
    with campus.transaction() as s:  # staff numbers compare case-insensitively
        sync.transfer(s, [{**good, "staffNumber": "k7001"}, {**good, "staffNumber": "K7001"}])
        assert [r.staff_number for r in s.scalars(select(SyncStaged))] == ["7001", "K7001"]
        assert json.loads(rows[0].payload)["ssn"].startswith("v1:")
    with campus.session() as s:  # the stored rows as the database holds them, any backend
        raw = s.execute(text("select * from sync_staged")).all()
    assert "555667777" not in repr(raw) and "555-66-7777" not in repr(raw)
    with campus.transaction() as s, pytest.raises(Exception) as exc:
        sync.transfer(s, [good] * 1001)
    assert "1000" in str(exc.value) or "1,000" in str(exc.value)


def test_R_SYNC_2_csv_bad_rows_carry_line_and_column(campus):
    with campus.transaction() as s:
        sync.start(s, "t")
    r = sync.transfer_file(campus, SYNC / "hr_bad.csv")
    assert (r.accepted, r.rejectedCount) == (2, 5)
    by = {(x.staffNumber, e["field"]): e for x in r.rejected for e in x.errors}
    assert by[("5002", "birthDate")]["line"] == 4 and by[("5002", "birthDate")]["column"] == 5
    assert by[("5003", "positions[0].schoolNumber")] | {} == {
        "field": "positions[0].schoolNumber",
        "message": "is not a Campus school number",
        "line": 5,
        "column": 7,
    }
    assert by[("5003", "positions[1].assignmentCode")]["line"] == 6
    assert by[("5003", "positions[1].assignmentCode")]["column"] == 8
    assert by[("5004", "file")]["message"] == "has 4 fields, the header has 10"
    assert by[("5004", "file")]["line"] == 7
    assert "consecutive" in by[("5001", "staffNumber")]["message"]
    assert by[("5001", "staffNumber")]["line"] == 9
    assert by[(None, "staffNumber")]["line"] == 10
    with campus.transaction() as s:  # two rows of 5001 gave one staff member with two positions
        row = s.scalar(select(SyncStaged).where(SyncStaged.staff_number == "5001"))
        assert len(json.loads(row.payload)["positions"]) == 2


def test_R_SYNC_2_json_is_streamed_in_chunks(tmp_path, monkeypatch):
    monkeypatch.setattr(hr_json, "CHUNK", 7)  # records straddle every chunk boundary
    records = [
        {"staffNumber": f"{i}", "lastName": "A\n\u00e9", "n": [1, 2.5, None]} for i in range(40)
    ]
    path = tmp_path / "hr.json"
    path.write_text(" \n[\n" + ",\n".join(json.dumps(r) for r in records) + "\n]\n")
    with open(path) as fh:
        got = list(hr_json.iter_json(fh, "hr.json"))
    assert [r for r, _o in got] == records
    assert got[3][1].path == "hr.json record 4 (line 6)"
    with open(path) as fh:  # as texts (validated later, straight from the text)
        texts = list(hr_json.iter_json(fh, "hr.json", texts=True))
    assert [json.loads(t) for t, _o in texts] == records
    assert all(isinstance(t, bytes) for t, _o in texts)
    assert texts[3][1].at == ("hr.json", 4, 6, 1)
    path.write_text('[{"staffNumber": "1"},\n {"staffNumber": 2,,}]')
    with open(path) as fh, pytest.raises(Exception) as exc:
        list(hr_json.iter_json(fh, "hr.json"))
    assert "line 2" in str(exc.value) and "record 2" in str(exc.value)


# --- R-SYNC-4 and R-SYNC-10 --------------------------------------------------------------------


@pytest.mark.parametrize("name", ["hr.json", "hr.csv"])
def test_R_SYNC_4_report_counts_are_exact(campus, name):
    def campus_rows(s):
        return [s.scalar(select(func.count()).select_from(t)) for t in (Person, Identity)]

    with campus.transaction() as s:
        before = campus_rows(s)
    rep = _validated(campus, name)
    exp = expected()
    assert rep.summary == exp["summary"]
    assert list(rep.summary) == list(exp["summary"])  # exactly the SPEC's keys
    assert len(rep.details["possibleDuplicates"]) == exp["possibleDuplicates"]
    for cat, rows in rep.details.items():
        n = (
            rep.summary[cat]["total"]
            if cat == "demographicDifferences"
            else rep.summary.get(cat, len(rows))
        )
        assert len(rows) == n, cat
    with campus.transaction() as s:
        assert campus_rows(s) == before  # validate never changes Campus
        info = sync.current(s)
        assert (info.creates, info.changes, info.campusStaff) == (
            exp["creates"],
            exp["changes"],
            exp["campusStaff"],
        )
        assert sync.count(s, "demographicDifferences") == 4
        assert sync.count(s, "demographicDifferences", "baker") == 1
        [row] = sync.page(s, "demographicDifferences", 0, 10, "Baker")
        assert row["campus"]["lastName"] == "Brown" and row["hr"]["lastName"] == "Baker"
        assert row["differences"] == ["name", "workEmail", "otherPhone"]
        assert (
            sync.page(s, "campusStaffNotInHr", 1, 1)
            == sync.page(s, "campusStaffNotInHr", 0, 3)[1:2]
        )
        [ssn_row] = sync.page(s, "demographicDifferences", 0, 10, "clark")
        assert ssn_row["hr"]["ssn"] == "***-**-1113" and ssn_row["campus"]["ssn"] == "***-**-1113"


def test_R_SYNC_4_validate_again_after_campus_changes(campus):
    _validated(campus)
    with campus.transaction() as s:
        person, ident = _person(s, "1002")
        ident.last_name = "Baker"
        person.work_email = "bob.baker@k12.mo.us"
        person.other_phone = "573-555-0202"
    with campus.transaction() as s:
        rep = sync.validate(s, details=False, today=TODAY)
    assert rep.summary["demographicDifferences"]["total"] == 3
    assert rep.summary["demographicDifferences"]["fields"]["name"] == 0


def test_R_SYNC_10_possible_duplicates(campus):
    rep = _validated(campus)
    rows = {r["staffNumber"]: r for r in rep.details["possibleDuplicates"]}
    assert (
        rows["2001"]["match"] == "name and birth date"
        and rows["2001"]["campus"]["lastName"] == "Irwin"
    )
    assert rows["2002"]["match"] == "SSN" and rows["2002"]["campus"]["firstName"] == "Pat"
    assert "2003" not in rows


# --- R-SYNC-5, 6, 7, 9 -------------------------------------------------------------------------


def test_R_SYNC_5_commit_applies_hr_and_reports_failures(campus):
    _validated(campus)
    res = sync.commit(campus, "tester", today=TODAY)
    assert [f.staffNumber for f in res.failures] == ["3001"]
    assert "duplicated in Campus" in res.failures[0].message
    assert res.applied == 10 and res.skipped == 1 and "1001" in res.successes
    with campus.transaction() as s:
        _p, ident = _person(s, "1002")
        assert ident.last_name == "Baker"
        assert _person(s, "2003")[0].work_email == "kking@k12.mo.us"
        assert _person(s, "1008")[1].last_name == "Hill"  # Campus staff not in HR: untouched
        entries = s.scalars(select(ErrorLogEntry).where(ErrorLogEntry.action == "JOB")).all()
        assert len(entries) == 1 and "3001" in entries[0].message
        assert sync.current(s).state == "committed"
    rep = _validated(campus)  # HR and Campus now agree
    assert rep.summary["demographicDifferences"]["total"] == 0
    assert rep.summary["employmentDifferences"] == rep.summary["assignmentDifferences"] == 0
    assert rep.summary["addressDifferences"] == 1  # the 3001 failure's address only
    assert rep.summary["hrStaffNotInCampus"] == 0
    with campus.transaction() as s:
        assert sync.current(s).changes == 0


def test_R_SYNC_5_injected_write_error_leaves_no_half_written_staff(campus, monkeypatch):
    from sqlalchemy.exc import OperationalError

    from bo_tui.core import staff

    real = staff.create_staff

    def failing(session, payload, **kw):
        result = real(session, payload, **kw)  # the person is written ...
        if payload.staffNumber == "2003":
            raise OperationalError("INSERT ...", {"ssn": "444444444"}, Exception("disk I/O error"))
        return result  # ... and the error must take all of it back

    monkeypatch.setattr(staff, "create_staff", failing)
    _validated(campus)
    res = sync.commit(campus, "tester", today=TODAY)
    fail = {f.staffNumber: f.message for f in res.failures}
    assert "nothing of this staff member was applied" in fail["2003"]
    assert "444" not in fail["2003"]
    with campus.transaction() as s:
        assert (
            s.scalar(select(func.count()).select_from(Person).where(Person.staff_number == "2003"))
            == 0
        )
        assert (
            s.scalar(select(func.count()).select_from(Person).where(Person.staff_number == "2001"))
            == 1
        )


def test_R_SYNC_6_background_job_status_and_notification(campus):
    with campus.transaction() as s:
        save_notification(s, HR_SYNC_COMMIT, ["hrclerk"])
    _validated(campus)
    job_id = sync.submit_commit_job(campus, "api", today=TODAY)
    assert sync.wait(job_id, 60)
    with campus.transaction() as s:
        st = sync.job_status(s)
        assert (st.jobId, st.status, st.processed, st.total, st.failures) == (
            job_id,
            "completed",
            11,
            11,
            1,
        )
        assert st.startedAt and st.finishedAt
        assert count_messages(s, "hrclerk") == 1  # one HR Sync Commit message, no per-staff ones
        assert sync.status(s).sync.state == "committed"


def test_R_SYNC_7_synced_staff_become_hr_managed(campus):
    with campus.transaction() as s:
        s.execute(Person.__table__.update().values(hr_managed=False))
    _validated(campus)
    sync.commit(campus, "tester", today=TODAY)
    with campus.transaction() as s:
        managed = dict(s.execute(select(Person.staff_number, Person.hr_managed)).all())
    assert managed["1001"] is True  # unchanged, still synced
    assert managed["2002"] is True and managed["X1009"] is True
    assert managed["1008"] is False and managed["PENDING"] is False


def test_R_SYNC_9_mass_change_guard(campus):
    with campus.transaction() as s:
        set_preferences(s, {"massChangeMinimum": 5})
    _validated(campus)
    with campus.transaction() as s:
        g = sync.guard_counts(s)
    assert (g.creates, g.changes, g.campusStaff, g.tripped) == (3, 7, 15, True)
    with pytest.raises(Conflict) as exc:
        sync.commit(campus, "api")
    assert "create 3 and change 7" in exc.value.message and "--force" in exc.value.message
    with campus.transaction() as s:
        assert sync.current(s).state == "validated"  # nothing applied
        assert _person(s, "1002")[1].last_name == "Brown"
        sync.confirm_guard(s, "mpostma")
    res = sync.commit(campus, "api", today=TODAY)
    assert res.applied == 10
    with campus.transaction() as s:
        set_preferences(s, {"massChangePercent": 0})
    _validated(campus)
    with campus.transaction() as s:
        assert sync.guard_counts(s).tripped is False


def test_review_hold_keeps_a_staff_member_out_of_the_commit(campus):
    _validated(campus)
    with campus.transaction() as s:
        assert sync.set_hold(s, "1002", True, by="reviewer") is True
        with pytest.raises(NotFound):
            sync.set_hold(s, "nope", True)
    res = sync.commit(campus, "tester", today=TODAY)
    assert res.held == ["1002"] and "1002" not in res.successes
    with campus.transaction() as s:
        assert _person(s, "1002")[1].last_name == "Brown"


# --- R-SYNC-8 ------------------------------------------------------------------------------------


def test_R_SYNC_8_check_campus_data(campus):
    with campus.transaction() as s:
        c = sync.check_campus(s)
    assert sorted((r.staffNumber, r.lastName) for r in c.duplicateStaffNumbers) == [
        (" pending", "Vovchenko"),
        ("3001", "Sawatzky"),
        ("3001", "Sawatzky"),
        ("PENDING", "Hurley"),
    ]
    assert c.duplicateNumbers == 2
    assert sorted(r.lastName for r in c.noStaffNumber) == ["Blank", "Nobody"]


# --- exports -----------------------------------------------------------------------------------


def test_R_SYNC_4_exports_json_csv_pdf_without_plain_ssn(campus, tmp_path):
    _validated(campus)
    with campus.transaction() as s:
        for ext in ("json", "csv", "pdf"):
            export.export(s, tmp_path / f"r.{ext}")
    doc = json.loads((tmp_path / "r.json").read_text())
    assert (
        doc["summary"] == expected()["summary"] and len(doc["details"]["hrStaffNotInCampus"]) == 3
    )
    text = (tmp_path / "r.csv").read_text()
    assert (
        "demographicDifferences,Campus,1002,Brown" in text
        and "demographicDifferences,HR,1002,Baker" in text
    )
    pdf = (tmp_path / "r.pdf").read_bytes()
    assert pdf.startswith(b"%PDF") and pdf.count(b"/Type /Page\n") + pdf.count(b"/Type /Page ") >= 2
    for blob in (doc, text):
        assert "111-11-1113" not in json.dumps(blob) and "111111113" not in json.dumps(blob)


def test_staging_keeps_ssn_only_encrypted(campus):
    with campus.transaction() as s:
        sync.start(s, "t")
        sync.transfer(
            s, [{"staffNumber": "9", "lastName": "A", "firstName": "B", "ssn": "123-45-6789"}]
        )
    if campus.dialect == "sqlite":
        dump = "\n".join(sqlite3.connect(campus.engine.url.database).iterdump())
    else:  # every row of every table, as the server stores it
        with campus.session() as s:
            dump = repr([s.execute(select(t)).all() for t in Base.metadata.sorted_tables])
    assert "123456789" not in dump and "123-45-6789" not in dump
    assert staging.BIT["ssn"]


# --- the same engine on PostgreSQL ---------------------------------------------------------------


def test_R_SYNC_4_and_5_on_postgresql(pg_store):
    load_campus(pg_store)
    rep = _validated(pg_store, "hr.csv")
    assert rep.summary == expected()["summary"]
    assert len(rep.details["possibleDuplicates"]) == 2
    res = sync.commit(pg_store, "tester", today=TODAY)
    assert res.applied == 10 and [f.staffNumber for f in res.failures] == ["3001"]
    rep = _validated(pg_store)
    assert rep.summary["demographicDifferences"]["total"] == 0
    assert rep.summary["assignmentDifferences"] == rep.summary["employmentDifferences"] == 0
