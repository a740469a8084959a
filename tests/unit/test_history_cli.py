"""The history commands of SPEC section 9 (R-HIST-1..3): `sync history`, `sync show`,
`sync revert` (dry run, then for real) and `history STAFF_NUMBER`, with SPEC 9's JSON shapes."""

from __future__ import annotations

import json

import pytest

from bo_tui.cli import main
from bo_tui.core import users

SUMMARY_KEYS = {
    "syncId",
    "kind",
    "revertOf",
    "state",
    "by",
    "source",
    "startedAt",
    "committedAt",
    "transferred",
    "rejected",
    "created",
    "changed",
    "unchanged",
    "failed",
    "held",
}


@pytest.fixture
def district(tmp_path, capsys):
    db = f"sqlite:///{tmp_path / 'x.db'}"
    hr = tmp_path / "hr.json"
    assert main(["--db", db, "demo", "--staff", "40", "--hr-out", str(hr)]) == 0
    assert main(["--db", db, "sync", "run", str(hr), "--commit", "--force"]) in (0, 1)
    capsys.readouterr()
    return db


def _json(capsys, argv, code=0):
    assert main(argv) == code
    return json.loads(capsys.readouterr().out)


def test_R_HIST_1_sync_history_show_and_staff_history_in_spec_shapes(district, capsys):
    rows = _json(capsys, ["--db", district, "sync", "history", "--json", "--limit", "5"])
    assert rows and set(rows[0]) >= SUMMARY_KEYS and rows[0]["kind"] == "sync"
    sync_id = rows[0]["syncId"]
    changes = _json(capsys, ["--db", district, "sync", "show", str(sync_id), "--json"])
    assert changes and all(
        set(c) == {"staffNumber", "area", "field", "before", "after"} for c in changes
    )
    sn = changes[0]["staffNumber"]
    mine = _json(capsys, ["--db", district, "sync", "show", str(sync_id), "--staff", sn, "--json"])
    assert mine and {c["staffNumber"] for c in mine} == {sn}
    hist = _json(capsys, ["--db", district, "history", sn, "--json"])
    assert hist and hist[0]["source"] == f"sync #{sync_id}"
    assert main(["--db", district, "sync", "show", "999"]) == 2


def test_R_HIST_2_revert_dry_run_changes_nothing_then_reverts(district, capsys):
    sync_id = _json(capsys, ["--db", district, "sync", "history", "--json"])[0]["syncId"]
    before = _json(capsys, ["--db", district, "sync", "show", str(sync_id), "--json"])
    preview = _json(
        capsys, ["--db", district, "sync", "revert", str(sync_id), "--dry-run", "--json"]
    )
    assert set(preview) >= {"syncId", "counts", "conflicts", "removes"} and preview["counts"]
    assert len(_json(capsys, ["--db", district, "sync", "history", "--json"])) == 1
    # Without --yes and no terminal to ask on, nothing happens.
    assert main(["--db", district, "sync", "revert", str(sync_id)]) == 2
    capsys.readouterr()
    done = _json(capsys, ["--db", district, "sync", "revert", str(sync_id), "--yes", "--json"])
    assert done["revertOf"] == sync_id and done["failures"] == [] and done["reverted"] > 0
    rows = _json(capsys, ["--db", district, "sync", "history", "--json"])
    assert rows[0]["kind"] == "revert" and rows[0]["revertOf"] == sync_id
    back = _json(capsys, ["--db", district, "sync", "show", str(done["revertId"]), "--json"])
    assert len(back) >= len([c for c in before if c["field"] != "hrManaged"])
    again = _json(
        capsys, ["--db", district, "sync", "revert", str(sync_id), "--yes", "--json"], code=1
    )
    assert "already reverted" in again["error"]


def test_R_HIST_3_a_login_without_the_rights_is_refused(district, capsys, monkeypatch):
    monkeypatch.setattr(users, "os_login", lambda: "stranger")
    assert main(["--db", district, "sync", "history"]) == 1
    assert "not a Campus user" in capsys.readouterr().err
    assert main(["--db", district, "sync", "revert", "1", "--yes"]) == 1
