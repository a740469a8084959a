"""A tab's export is the tab as shown (issue: PDF export honours the filter and holds): the
ReportQuery filters narrow every format; a wide demographic row wraps into a second band."""

from __future__ import annotations

import csv
import json

import pytest

from bo_tui.core import sync
from bo_tui.core.sync import export

from .test_sync_fixture import SYNC, TODAY, load_campus


@pytest.fixture
def validated(store):
    load_campus(store)
    with store.transaction() as s:
        sync.start(s, "t")
    sync.transfer_file(store, SYNC / "hr.json")
    with store.transaction() as s:
        sync.end(s)
    with store.transaction() as s:
        sync.validate(s, today=TODAY)
        sync.set_hold(s, "1002", True, by="t")
    return store


def test_R_SYNC_4_a_tab_export_holds_only_the_rows_its_filter_shows(validated, tmp_path):
    cat = "demographicDifferences"
    with validated.session() as s:
        all_rows = sync.ReportQuery(cat).count(s)
        out = tmp_path / "held.json"
        export.export(s, out, categories=[cat], narrow={"held": True})
        held = json.loads(out.read_text())["details"][cat]
        assert all_rows > 1 and [r["staffNumber"] for r in held] == ["1002"]
        out = tmp_path / "held.csv"
        export.export(s, out, categories=[cat], narrow={"held": True})
        numbers = {r["staffNumber"] for r in csv.DictReader(out.open()) if r.get("staffNumber")}
        assert numbers == {"1002"}


def test_R_SYNC_4_the_pdf_wraps_wide_rows_instead_of_a_second_page_set(validated, tmp_path):
    import shutil
    import subprocess

    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    out = tmp_path / "demo.pdf"
    with validated.session() as s:
        export.export(s, out, categories=["demographicDifferences"], narrow={"held": True})
    text = subprocess.run(["pdftotext", str(out), "-"], capture_output=True, text=True).stdout
    assert "Demographic Differences (only: held back)" in text  # the tab's filter, named
    assert "continued" not in text  # no second page set of the other columns
    assert "Personal Email" in text and "1002" in text  # the wide columns, in the one section
