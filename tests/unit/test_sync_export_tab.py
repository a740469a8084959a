"""Export of one report tab (issue 7): the summary and only the chosen category."""

from __future__ import annotations

import csv
import json

import pytest

from bo_tui.core import sync
from bo_tui.core.errors import RuleViolation
from bo_tui.core.sync import export


@pytest.fixture
def validated(ref_store):
    with ref_store.transaction() as s:
        sync.start(s, "dtc")
    with ref_store.transaction() as s:
        sync.transfer(s, [{"staffNumber": "N1", "lastName": "New", "firstName": "Hire"}])
        sync.end(s)
    with ref_store.transaction() as s:
        sync.validate(s)
    return ref_store


def test_R_SYNC_4_export_one_category(validated, tmp_path):
    with validated.session() as s:
        export.export(s, tmp_path / "tab.json", categories=["hrStaffNotInCampus"])
        export.export(s, tmp_path / "tab.csv", categories=["hrStaffNotInCampus"])
        export.export(s, tmp_path / "tab.pdf", categories=["hrStaffNotInCampus"])
        with pytest.raises(RuleViolation, match="unknown report category"):
            export.export(s, tmp_path / "x.csv", categories=["nope"])
    doc = json.loads((tmp_path / "tab.json").read_text())
    assert list(doc["details"]) == ["hrStaffNotInCampus"]
    assert doc["details"]["hrStaffNotInCampus"][0]["staffNumber"] == "N1"
    cats = {r["category"] for r in csv.DictReader((tmp_path / "tab.csv").open())}
    assert cats == {"summary", "hrStaffNotInCampus"}
    assert (tmp_path / "tab.pdf").read_bytes().startswith(b"%PDF")
