"""The report's read side (R-SYNC-4, R-SYNC-10): ``ReportQuery`` counts, pages and finds rows of
a category with its filters (search, differing field, held, reviewed), on SQLite and PostgreSQL;
the "reviewed" counter never decreases and counts only the rows that need review."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bo_tui.core import sync
from bo_tui.core.errors import NotFound, RuleViolation
from bo_tui.core.sync.report_query import HOLDABLE, ReportQuery, category_counts, field_bit
from bo_tui.store.models.sync import SyncReportRow

from .test_sync_fixture import SYNC, TODAY, load_campus

DEMO = "demographicDifferences"


@pytest.fixture
def validated(store):
    load_campus(store)
    with store.transaction() as s:
        sync.start(s, "tester")
    sync.transfer_file(store, SYNC / "hr.json")
    with store.transaction() as s:
        sync.end(s)
    with store.transaction() as s:
        sync.validate(s, today=TODAY)
    return store


def numbers(rows: list[dict]) -> list[str]:
    return [r["staffNumber"] for r in rows]


def test_R_SYNC_4_report_query_counts_and_pages_every_category_in_report_order(validated):
    with validated.session() as s:
        assert ReportQuery(DEMO).count(s) == 4
        assert numbers(ReportQuery(DEMO).page(s, 0, 10)) == ["1002", "1003", "1004", "X1009"]
        assert numbers(ReportQuery(DEMO).page(s, 1, 2)) == ["1003", "1004"]
        assert ReportQuery(DEMO).page(s, 4, 10) == []
        assert numbers(ReportQuery(DEMO).page(s, 0, 10, sort="-staffNumber")) == [
            "X1009",
            "1004",
            "1003",
            "1002",
        ]
        assert ReportQuery("campusNoStaffNumber").count(s) == 2
        counts = category_counts(s)
        assert counts == {c: ReportQuery(c).count(s) for c in sync.CATEGORIES}
        assert counts["possibleDuplicates"] == 2
        assert numbers(list(ReportQuery("hrStaffNotInCampus").iter_rows(s, chunk=2))) == [
            "2001",
            "2002",
            "2003",
        ]
        with pytest.raises(NotFound):
            ReportQuery("nope")
        with pytest.raises(RuleViolation):
            ReportQuery(DEMO).page(s, 0, 10, sort="ssn")


def test_R_SYNC_4_field_filter_reads_the_mask_validate_writes(validated):
    with validated.session() as s:
        masks = dict(
            s.execute(
                select(SyncReportRow.staff_number, SyncReportRow.fields).where(
                    SyncReportRow.category == DEMO
                )
            ).all()
        )
        assert masks["1002"] == field_bit("name") | field_bit("workEmail") | field_bit("otherPhone")
        assert masks["X1009"] == field_bit("staffNumber")
        only_ssn = ReportQuery(DEMO, field="ssn")
        assert only_ssn.count(s) == 1
        assert numbers(only_ssn.page(s, 0, 10)) == ["1003"]
        assert numbers(ReportQuery(DEMO, field="name").page(s, 0, 10)) == ["1002"]
        # The filter reads the column, not the row's JSON: a mask without the JSON still counts.
        s.execute(
            SyncReportRow.__table__.update()
            .where(SyncReportRow.staff_number == "1004", SyncReportRow.category == DEMO)
            .values(fields=field_bit("ssn"))
        )
        assert numbers(only_ssn.page(s, 0, 10)) == ["1003", "1004"]
        with pytest.raises(RuleViolation):
            ReportQuery(DEMO, field="shoeSize")
        with pytest.raises(RuleViolation):
            ReportQuery("hrStaffNotInCampus", field="ssn")


def test_R_SYNC_4_search_and_find_give_indexes_in_the_query_order(validated):
    with validated.session() as s:
        q = ReportQuery(DEMO)
        assert ReportQuery(DEMO, search="1003").count(s) == 1
        assert ReportQuery(DEMO, search=" 100 ").count(s) == 4  # X1009 holds 100 too
        assert numbers(ReportQuery(DEMO, search="X10").page(s, 0, 10)) == ["X1009"]
        assert ReportQuery(DEMO, search="%").count(s) == 0  # a wildcard is only a character
        assert q.find(s, "100", -1, 1) == 0
        assert q.find(s, "100", 0, 1) == 1
        assert q.find(s, "100", 3, 1) is None
        assert q.find(s, "100", 4, -1) == 3
        assert q.find(s, "1003", 1, -1) is None
        assert q.find(s, "x1009") == 3
        assert q.find(s, "  ") is None
        # Within a filter, the index counts the filtered rows only.
        three = ReportQuery(DEMO, field="cellPhone")
        assert numbers(three.page(s, 0, 10)) == ["1004"]
        assert three.find(s, "1004") == 0
        assert three.find(s, "1002") is None
        # In another order, the index is that order's.
        assert q.find(s, "x1009", sort="-staffNumber") == 0
        assert q.find(s, "1002", sort="-staffNumber") == 3
        assert q.find(s, "1002", 3, -1, sort="-staffNumber") is None


def test_R_SYNC_4_held_and_reviewed_filters(validated):
    with validated.transaction() as s:
        sync.set_hold(s, "1003", True, by="tester")
        sync.mark_reviewed(s, DEMO, ["1002", "1004"], by="tester")
    with validated.session() as s:
        assert numbers(ReportQuery(DEMO, held=True).page(s, 0, 10)) == ["1003"]
        assert numbers(ReportQuery(DEMO, held=False).page(s, 0, 10)) == ["1002", "1004", "X1009"]
        assert numbers(ReportQuery(DEMO, reviewed=True).page(s, 0, 10)) == ["1002", "1004"]
        assert ReportQuery(DEMO, reviewed=False, held=False).count(s) == 1
        assert ReportQuery("employmentDifferences", reviewed=True).count(s) == 0


def test_R_SYNC_4_reviewed_counter_never_decreases_and_counts_only_rows_needing_review(validated):
    with validated.session() as s:
        start = sync.review_progress(s)
        holdable = sum(ReportQuery(c).count(s) for c in HOLDABLE)
        everything = sum(ReportQuery(c).count(s) for c in sync.CATEGORIES)
    # 4 demographic, 1 employment, 1 assignment, 3 address, 3 new, 2 possible duplicates; the
    # Campus-only lists (not in HR 3, duplicates 4, no number 2) need no review.
    assert (start.reviewed, start.total) == (0, 14) == (0, holdable)
    assert everything - holdable >= 3 + 4 + 2
    seen = [
        ("campusStaffNotInHr", ["1008", "PENDING"]),  # needs no review: not counted
        ("campusDuplicateStaffNumbers", ["3001"]),
        (DEMO, ["1002", "1003"]),
        (DEMO, ["1003", "1002"]),  # seen again: once
        (DEMO, ["nobody"]),  # not a row of the category
        ("addressDifferences", ["1007", "2003", "3001"]),
        ("hrStaffNotInCampus", ["2003"]),  # the same staff member in another category: a row
        (DEMO, []),
    ]
    counts = []
    for category, staff in seen:
        with validated.transaction() as s:
            counts.append(sync.mark_reviewed(s, category, staff, by="tester").reviewed)
    assert counts == [0, 0, 2, 2, 2, 5, 6, 6]
    assert counts == sorted(counts)  # never decreases
    with validated.transaction() as s:  # releasing a hold or holding changes no count
        sync.set_hold(s, "1002", True, by="tester")
        assert sync.review_progress(s).reviewed == 6
    with validated.transaction() as s:  # validating again keeps what was reviewed
        sync.validate(s, today=TODAY)
    with validated.session() as s:
        again = sync.review_progress(s)
    assert (again.reviewed, again.total) == (6, 14)


def test_R_SYNC_4_restart_discards_what_was_reviewed_with_the_staged_data(validated):
    with validated.transaction() as s:
        assert sync.mark_reviewed(s, DEMO, ["1002", "1003"], by="tester").reviewed == 2
    with validated.transaction() as s:
        sync.restart(s)
    sync.transfer_file(validated, SYNC / "hr.json")
    with validated.transaction() as s:
        sync.end(s)
    with validated.transaction() as s:
        sync.validate(s, today=TODAY)
    with validated.session() as s:
        again = sync.review_progress(s)
    assert (again.reviewed, again.total) == (0, 14)  # new HR data: to be reviewed afresh
