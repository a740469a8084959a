"""The report foretells the commit (R-SYNC-12): every HR record a commit refuses was listed in
``willNotCommit`` with its staff number and reason, in the report, its exports and the API."""

from __future__ import annotations

import csv
import io
import json

import pytest

from bo_tui.core import sync
from bo_tui.core.sync import export
from bo_tui.core.sync.report_query import ReportQuery
from bo_tui.core.sync.run import commit_now, run_file

from .test_sync_fixture import SYNC, load_campus


@pytest.fixture
def campus(store):
    load_campus(store)
    return store


@pytest.mark.parametrize("job", [False, True], ids=["commit", "job"])
def test_R_SYNC_12_every_record_a_commit_refuses_was_foretold(campus, job):
    out = run_file(campus, [SYNC / "hr.json"], by="cron")
    with campus.session() as s:
        foretold = list(ReportQuery("willNotCommit", out.syncId).iter_rows(s))
    assert out.report.summary["willNotCommit"] == len(foretold) >= 1
    assert all(row["staffNumber"] and row["reason"] for row in foretold)
    result = commit_now(campus, "cron", job=job, force=True)
    refused = {f.staffNumber: f.message for f in result.failures}
    assert refused  # the fixture district has a staff number several Campus persons share
    reasons = {row["staffNumber"]: row["reason"] for row in foretold}
    assert set(refused) <= set(reasons)  # every refusal was foretold …
    assert set(reasons) <= set(refused)  # … and nothing foretold was committed after all
    for sn, message in refused.items():
        assert reasons[sn] == message  # in the commit's own words


def test_R_SYNC_12_the_rows_are_in_json_csv_and_pdf_exports(campus, tmp_path):
    out = run_file(campus, [SYNC / "hr.json"], by="cron")
    with campus.session() as s:
        (row,) = ReportQuery("willNotCommit", out.syncId).iter_rows(s)
        doc = io.StringIO()
        export.export_json(s, doc)
        body = json.loads(doc.getvalue())
        sheet = io.StringIO()
        export.export_csv(s, sheet)
        export.export_pdf(s, tmp_path / "r.pdf")
        info = sync.current(s)
    assert info.state == "validated"
    assert body["summary"]["willNotCommit"] == 1
    assert body["details"]["willNotCommit"][0]["reason"] == row["reason"]
    lines = [
        r for r in csv.DictReader(io.StringIO(sheet.getvalue())) if r["category"] == "willNotCommit"
    ]
    assert [(r["staffNumber"], r["reason"]) for r in lines] == [(row["staffNumber"], row["reason"])]
    assert (tmp_path / "r.pdf").stat().st_size > 1000
