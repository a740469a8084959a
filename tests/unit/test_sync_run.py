"""The core's ``run_file`` use case and the CLI's step commands (SPEC section 9, R-SYNC-1 …
R-SYNC-13): one file through start → validate, no dead end after a failure, the steps alone."""

from __future__ import annotations

import json

import pytest

from bo_tui.cli import main
from bo_tui.core import sync
from bo_tui.core.errors import Conflict, RuleViolation
from bo_tui.core.sync.run import run_file

from .test_sync_fixture import SYNC, load_campus


@pytest.fixture
def campus(store):
    load_campus(store)
    return store


def _state(store) -> str:
    with store.session() as s:
        return sync.current(s).state


def test_R_SYNC_1_run_file_takes_a_file_to_validated_and_commits_on_request(campus):
    out = run_file(campus, [SYNC / "hr.json"], by="cron")
    assert out.transfer.accepted == 12 and out.report.summary["hrStaffNotInCampus"] >= 1
    assert _state(campus) == "validated"
    with pytest.raises(Conflict) as exc:  # validated: a second run is told what to do
        run_file(campus, [SYNC / "hr.json"], by="cron")
    assert "review the report, then commit" in exc.value.message


def test_R_SYNC_2_a_file_that_breaks_leaves_no_sync_behind_and_the_run_can_be_repeated(
    campus, tmp_path
):
    broken = tmp_path / "cut.json"
    text = (SYNC / "hr.json").read_text()
    broken.write_text(text[: len(text) // 2])  # an export cut off halfway
    with pytest.raises(RuleViolation):
        run_file(campus, [broken], by="cron")
    assert _state(campus) == "none"  # nothing half-filled is left open
    out = run_file(campus, [SYNC / "hr.json"], by="cron")
    assert out.transfer.accepted == 12 and _state(campus) == "validated"


def test_R_SYNC_1_after_restart_a_run_fills_the_restarted_sync(campus):
    run_file(campus, [SYNC / "hr.json"], by="cron")
    with campus.transaction() as s:
        restarted = sync.restart(s)
    out = run_file(campus, [SYNC / "hr.json"], by="cron")
    assert out.syncId == restarted.syncId and _state(campus) == "validated"


def test_R_SYNC_9_run_file_commits_as_a_job(campus):
    out = run_file(campus, [SYNC / "hr.json"], by="cron", commit=True, job=True)
    assert out.commit is not None and out.commit.applied > 0
    assert _state(campus) == "committed"


def test_cli_sync_steps_one_by_one_as_the_api_has_them(campus, capsys, tmp_path):
    db = ["--db", str(campus.engine.url)]
    assert main([*db, "sync", "end"]) == 1
    assert "no sync is open" in capsys.readouterr().err
    assert main([*db, "sync", "start"]) == 0
    assert main([*db, "sync", "end"]) == 1
    assert "no staff member was transferred yet" in capsys.readouterr().err
    assert main([*db, "sync", "transfer", str(SYNC / "hr.json"), str(SYNC / "hr.csv")]) == 0
    assert main([*db, "sync", "end"]) == 0
    capsys.readouterr()
    report = tmp_path / "r.json"
    assert main([*db, "sync", "validate", "--json", "--report", str(report)]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["summary"] == json.loads(report.read_text())["summary"]
    assert main([*db, "sync", "commit", "--job"]) == 1  # 3001 is duplicated in Campus: refused
    assert "3001: this staff number is duplicated" in capsys.readouterr().out
    assert _state(campus) == "committed"
    # After a commit a transfer names the committed sync and the next step, not "none".
    assert main([*db, "sync", "transfer", str(SYNC / "hr.json")]) == 1
    err = capsys.readouterr().err
    assert "is committed" in err and "start a new sync" in err


def test_cli_sync_run_after_a_failed_run_works_again(campus, capsys, tmp_path):
    db = ["--db", str(campus.engine.url)]
    broken = tmp_path / "cut.json"
    broken.write_text((SYNC / "hr.json").read_text()[:300])
    assert main([*db, "sync", "run", str(broken)]) == 1
    assert main([*db, "sync", "run", str(SYNC / "hr.json")]) == 0
    assert main([*db, "sync", "restart"]) == 0
    assert main([*db, "sync", "run", str(SYNC / "hr.json")]) == 0


def test_R_SYNC_9_with_json_a_refused_commit_is_a_json_document(campus, capsys):
    from bo_tui.core.preferences import set_preferences

    with campus.transaction() as s:
        set_preferences(s, {"massChangeMinimum": 5})
    run_file(campus, [SYNC / "hr.json"], by="cron")
    capsys.readouterr()
    assert main(["--db", str(campus.engine.url), "sync", "commit", "--json"]) == 1
    out = capsys.readouterr()
    doc = json.loads(out.out)
    assert "mass-change guard" in doc["error"] and doc["errors"][0]["field"] == "massChange"
    assert out.err == ""


def test_R_PREF_1_several_preferences_after_one_set(campus, capsys):
    db = ["--db", str(campus.engine.url)]
    assert main([*db, "preferences", "--set", "staffHousehold=off", "massChangePercent=15"]) == 0
    capsys.readouterr()
    assert main([*db, "preferences", "--json"]) == 0
    prefs = json.loads(capsys.readouterr().out)
    assert prefs["staffHousehold"] is False and prefs["massChangePercent"] == 15


def test_R_LOG_1_a_rejected_file_record_names_its_file_once(campus):
    from bo_tui.core import errorlog

    run_file(campus, [SYNC / "hr_bad.csv"], by="cron")
    with campus.session() as s:
        paths = [e.path for e in errorlog.page(s, 0, 50)]
    assert paths and all(p.startswith("hr_bad.csv line ") for p in paths), paths


def test_R_SYNC_11_a_missing_data_key_stops_the_job_resumably_instead_of_failing_everyone(
    campus, monkeypatch
):
    import base64
    import os

    from bo_tui.core.errors import CoreError
    from bo_tui.core.sync.run import commit_now

    run_file(campus, [SYNC / "hr.json"], by="cron")
    good = os.environ["BO_TUI_KEY"]
    monkeypatch.setenv("BO_TUI_KEY", base64.urlsafe_b64encode(b"z" * 32).decode())
    with pytest.raises(CoreError) as exc:
        commit_now(campus, "cron", job=True)
    assert "data key that is not configured" in exc.value.message
    with campus.session() as s:
        st = sync.status(s)
    assert st.sync.state == "committing" and st.job.status == "failed" and st.job.failures == 0
    monkeypatch.setenv("BO_TUI_KEY", good)
    assert sync.resume(campus)  # with the key back, the job finishes: nobody failed for good
    with campus.session() as s:
        st = sync.status(s)
    assert st.sync.state == "committed" and st.job.status == "completed"


def test_R_HIST_1_a_syncs_source_names_its_hr_files(campus):
    from bo_tui.core import history

    run_file(campus, [SYNC / "hr.json", SYNC / "hr.csv"], by="cron")
    with campus.session() as s:
        info = sync.current(s)
    from bo_tui.core.sync.run import commit_now

    commit_now(campus, "cron")
    with campus.session() as s:
        summary = history.sync_summary(s, info.syncId)
    assert summary.source == "hr.json, hr.csv"
