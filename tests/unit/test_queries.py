"""The read side's query objects (STYLE.md "Core"): every list a screen, the API or an export
shows offers count, page and find under the screen's filters, on SQLite and PostgreSQL:
error log (R-LOG-1), messages and notifications (R-NOTE-1/3), users, cases (R-SUP-5), staff
search (R-SRCH-1) and address search (R-ADDR-6)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import insert

from bo_tui.core import errorlog
from bo_tui.core import notifications as notes
from bo_tui.core import support as sp
from bo_tui.core.addresses import resolve
from bo_tui.core.errorlog import ErrorFilter
from bo_tui.core.queries import (
    AddressQuery,
    CaseQuery,
    ErrorLogQuery,
    MessageQuery,
    NotificationQuery,
    PersonQuery,
    StaffQuery,
    UserQuery,
)
from bo_tui.core.queries.base import scan
from bo_tui.core.schemas import AddressIn, parse_staff
from bo_tui.core.staff import create_staff
from bo_tui.core.support.schemas import CaseFilter, Condition
from bo_tui.core.users import os_login
from bo_tui.store.models import Identity, Person

T0 = dt.datetime(2026, 3, 2, 9, 0)


def test_scan_walks_pages_both_ways_and_stops_at_the_ends():
    items = list(range(1234))

    def read(offset, limit):
        return items[offset : offset + limit]

    assert scan(read, lambda i: i % 600 == 0, -1, 1, len(items)) == 0
    assert scan(read, lambda i: i % 600 == 0, 0, 1, len(items)) == 600
    assert scan(read, lambda i: i % 600 == 0, 1200, 1, len(items)) is None
    assert scan(read, lambda i: i % 600 == 0, 1234, -1, len(items)) == 1200
    assert scan(read, lambda i: i % 600 == 0, 600, -1, len(items)) == 0
    assert scan(read, lambda i: False, -1, 1, len(items)) is None


def _log(store):
    with store.transaction() as s:
        for day, (action, path, message) in enumerate(
            [
                ("POST", "/x/staffMembers", "staffNumber: is required"),
                ("PUT", "/x/staffMembers/S1", "unknown staff number"),
                ("FILE", "hr.csv", "line 3: birthDate is not a date"),
                ("POST", "/x/staffMembers", "gender: unknown code"),
            ]
        ):
            errorlog.log_error(
                s,
                action=action,
                path=path,
                message=message,
                payload={"lastName": f"Name{day}"},
                status=400,
                when=T0 + dt.timedelta(days=day),
            )


def test_R_LOG_1_error_log_query_counts_pages_and_finds_under_its_filter(store):
    _log(store)
    with store.session() as s:
        q = ErrorLogQuery()
        assert q.count(s) == 4
        assert [e.message[:6] for e in q.page(s, 0, 2)] == ["gender", "line 3"]  # newest first
        posts = ErrorLogQuery(ErrorFilter(action="post"))
        assert posts.count(s) == 2
        assert [e.action for e in posts.page(s, 0, 10)] == ["POST", "POST"]
        assert q.find(s, "STAFF NUMBER") == 2
        assert q.find(s, "name0") == 3  # the payload is searched too
        assert q.find(s, "staffnumber", 0, 1) == 3
        assert q.find(s, "staffmembers", 0, 1) == 2  # the path is searched too
        assert q.find(s, "staffmembers", 2, -1) == 0
        assert q.find(s, "  ") is None
        assert q.find(s, "hr.csv", 1, 1) is None
        assert q.find(s, "hr.csv", 4, -1) == 1
        assert posts.find(s, "required") == 1  # the index within the filtered rows
        oldest = ErrorLogQuery(sort="errorDate")
        assert oldest.find(s, "required") == 0
        assert [e.action for e in oldest.page(s, 0, 1)] == ["POST"]
        assert oldest.find(s, "required", sort="-errorDate") == 3


def test_R_NOTE_3_message_query_all_or_unread_and_find(ref_store):
    with ref_store.transaction() as s:
        notes.save_notification(s, notes.HR_STAFF, ["hrclerk"])
        for i in range(3):
            notes.publish(s, notes.HR_STAFF, f"Staff member {i} changed", f"body {i}")
    with ref_store.transaction() as s:
        q = MessageQuery("hrclerk")
        assert q.count(s) == 3 and q.unread(s) == 3
        newest = q.page(s, 0, 10)
        notes.mark_read(s, "hrclerk", [newest[0].id])
    with ref_store.session() as s:
        unread = MessageQuery("hrclerk", unread_only=True)
        assert unread.count(s) == 2
        assert all(not m.read for m in unread.page(s, 0, 10))
        assert MessageQuery("hrclerk").find(s, "member 0") == 2
        assert unread.find(s, "member 0") == 1
        assert unread.find(s, "member 2") is None  # read, so not in this list
        assert MessageQuery("assign").count(s) == 0


def test_R_NOTE_1_notification_query_lists_types_with_recipients(ref_store):
    with ref_store.transaction() as s:
        notes.save_notification(s, notes.HR_STAFF, ["hrclerk", "assign"])
        notes.save_notification(s, notes.HR_SYNC_COMMIT, ["mpostma"])
    with ref_store.session() as s:
        q = NotificationQuery()
        assert q.count(s) == 2
        assert [n.type for n in q.page(s, 1, 5)] == [notes.HR_SYNC_COMMIT]
        assert q.find(s, "mpostma") == 1


def test_users_query_filters_by_login_or_name_and_finds(ref_store):
    with ref_store.session() as s:
        everyone = UserQuery()
        total = everyone.count(s)
        assert total >= 3 and len(everyone.page(s, 0, 1000)) == total
        names = [u.name for u in everyone.page(s, 0, 1000)]
        assert names == sorted(names)
        clerk = UserQuery("HRCLERK")
        assert [u.username for u in clerk.page(s, 0, 10)] == ["hrclerk"]
        assert clerk.count(s) == 1
        assert names[everyone.find(s, "hrclerk")] == clerk.page(s, 0, 1)[0].name
        assert UserQuery("no such user").count(s) == 0


def test_R_SUP_5_case_query_under_conditions_and_open_only(ref_store):
    login = os_login()
    with ref_store.transaction() as s:
        sp.add_contact(s, login, "technical", T0, actor=login, intro_to_support=True)
    case = {
        "productArea": "Business Office Integration",
        "priority": "High",
        "description": "d",
        "replicationSteps": "r",
    }
    numbers = []
    for i, subject in enumerate(["Commit job stuck", "Report export fails", "Commit slow"]):
        with ref_store.transaction() as s:
            when = T0 + dt.timedelta(hours=i)
            numbers.append(sp.open_case(s, {**case, "subject": subject}, when, actor=login))
    with ref_store.transaction() as s:
        sp.close_case(s, numbers[0].row.number, T0 + dt.timedelta(hours=5), actor=login)
    with ref_store.session() as s:
        q = CaseQuery()
        assert q.count(s) == 3
        commits = CaseQuery(
            CaseFilter(conditions=(Condition(field="subject", op="starts_with", value="commit"),))
        )
        assert commits.count(s) == 2
        open_commits = CaseQuery(commits.filter.model_copy(update={"open_only": True}))
        assert [c.subject for c in open_commits.page(s, 0, 10)] == ["Commit slow"]
        # Last modified first: the closed case (modified last) leads.
        assert [c.subject for c in q.page(s, 0, 10)][0] == "Commit job stuck"
        assert q.find(s, "export") == 2
        assert CaseQuery(sort="created").find(s, "export") == 1


def test_R_SRCH_1_staff_query_filters_paging_and_find(ref_store):
    people = [
        ("10058", "Simpson", "Pat", "1979-12-26"),
        ("10060", "Young", "John", "1977-08-25"),
        ("10062", "Young", "Lanita", "1978-01-15"),
    ]
    with ref_store.transaction() as s:
        for number, last, first, birth in people:
            data = {"staffNumber": number, "lastName": last, "firstName": first, "birthDate": birth}
            create_staff(s, parse_staff(data), today=dt.date(2026, 9, 1))
    with ref_store.session() as s:
        young = StaffQuery(lastName="young")
        assert young.count(s) == 2
        assert [p.staffNumber for p in young.page(s, 0, 10)] == ["10060", "10062"]
        assert [p.staffNumber for p in young.page(s, 1, 1)] == ["10062"]
        assert StaffQuery(lastName="you", name_prefix=True).count(s) == 2
        assert StaffQuery(birthDate="1979-12-26").count(s) == 1
        by_number = StaffQuery(sort="-staffNumber")
        assert [p.staffNumber for p in by_number.page(s, 0, 3)] == ["10062", "10060", "10058"]
        assert by_number.find(s, "simpson") == 2
        assert young.find(s, "lanita") == 1


def test_R_SYNC_10_person_query_finds_students_too_and_leaves_one_out(ref_store):
    with ref_store.transaction() as s:
        position = {"schoolNumber": "010", "assignmentCode": "20", "startDate": "2024-08-01"}
        for number, last, first in (("10060", "Young", "John"), ("10062", "Young", "Lanita")):
            data = {"staffNumber": number, "lastName": last, "firstName": first}
            if first == "John":
                data["positions"] = [position]  # the Campus staff search: persons with one
            create_staff(s, parse_staff(data), today=dt.date(2026, 9, 1))
        pid = s.execute(insert(Person.__table__).values(student_number="S1", hr_managed=False))
        kid = pid.inserted_primary_key[0]
        s.execute(
            insert(Identity.__table__).values(
                person_id=kid, last_name="Young", first_name="Kid", is_current=True
            )
        )
    with ref_store.session() as s:
        young = PersonQuery(text="young")
        assert young.count(s) == 3
        assert [p.firstName for p in young.page(s, 0, 10)] == ["John", "Kid", "Lanita"]
        assert [p.firstName for p in PersonQuery(text="young", staff_only=True).page(s)] == ["John"]
        assert PersonQuery(text="young", exclude=kid).count(s) == 2
        assert young.find(s, "s1") == 1  # the student number is searched too
        assert young.find(s, "lanita", 2) is None


def test_R_ADDR_6_address_query_counts_pages_and_finds(any_store):
    jc = {"city": "Jefferson City", "state": "MO", "zip": "65101"}
    with any_store.transaction() as s:
        for line in ("4321 N Lexington Ave", "4321 N Lexington Ave Apt 2", "12 Elm St"):
            resolve(s, AddressIn(fullStreetAddress=line, **jc), "address")
    with any_store.session() as s:
        lexington = AddressQuery(street="LEXINGTON", prefix="north", number="4321")
        assert lexington.count(s) == 2  # a component not given is not a filter: both units
        assert [r["apt"] for r in lexington.page(s, 1, 5)] == ["2"]
        assert lexington.find(s, "2", 0) == 1
        assert (
            AddressQuery(street="LEXINGTON", prefix="north", number="4321", apt="2").count(s) == 1
        )
        city = AddressQuery(city="jefferson city")
        assert city.count(s) == 3  # any subset of the components
        assert len(city.page(s, 0, 2)) == 2
        elm = AddressQuery(fullStreetAddress="12 Elm Street")
        assert elm.count(s) == 1
        assert elm.find(s, "elm") == 0
        assert elm.find(s, "elm", 0) is None
