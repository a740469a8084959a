"""The 15 bad HR files of issue 18 through the CLI (R-SYNC-2, R-SYNC-3, SPEC section 9): the exit
code and the message, nothing staged from a broken file, and the next step named works."""

from __future__ import annotations

import json

import pytest

from bo_tui.cli import main
from bo_tui.core import sync
from bo_tui.core.sync.report_query import ReportQuery
from bo_tui.store import Store

from .test_sync_fixture import SYNC, load_campus

RECORDS = json.loads((SYNC / "hr.json").read_text())
JSON_TEXT = (SYNC / "hr.json").read_text()
CSV_TEXT = (SYNC / "hr.csv").read_text()


def _deep(n: int) -> str:
    return "[" * n + "]" * n


def _wide_csv() -> str:
    lines = CSV_TEXT.splitlines()
    cells = lines[1].split(",")
    cells[1] = "x" * 200_000
    lines[1] = ",".join(cells)
    return "\n".join(lines) + "\n"


def _array(records) -> str:
    return "[\n" + ",\n".join(json.dumps(r) for r in records) + "\n]\n"


TWICE = [*RECORDS, {**RECORDS[1], "staffNumber": "1001", "ssn": "222-22-2222"}]

# (name, bytes, exit code, what the message says, extra args the next step needs)
BAD_FILES = [
    ("cut.json", JSON_TEXT[: len(JSON_TEXT) // 2].encode(), 1, "the file ends inside record", []),
    ("utf16.json", JSON_TEXT.encode("utf-16"), 0, None, []),
    ("utf16.csv", CSV_TEXT.encode("utf-16"), 0, None, []),
    (
        "latin.json",
        JSON_TEXT.replace("Adams", "Adàms").encode("cp1252"),
        1,
        "the file is not UTF-8",
        ["--encoding", "cp1252"],
    ),
    (
        "latin.csv",
        CSV_TEXT.replace("Adams", "Adàms").encode("cp1252"),
        1,
        "the file is not UTF-8",
        ["--encoding", "cp1252"],
    ),
    ("deep.json", ("[" + _deep(10_000) + "]").encode(), 1, "nested deeper than the limit", []),
    (
        "deep-positions.json",
        ('[{"staffNumber": "9", "positions": ' + _deep(10_000) + "}]").encode(),
        1,
        "record 1 is nested deeper than the limit of 16 levels",
        [],
    ),
    (
        "huge.json",
        ('[{"staffNumber": "9", "lastName": "' + "x" * (3 << 20) + '"}]').encode(),
        1,
        "record 1 is larger than the limit of 1,048,576 characters",
        [],
    ),
    (
        "wide.csv",
        _wide_csv().encode(),
        1,
        "line 2: a field is larger than the limit of 131,072",
        [],
    ),
    ("twice.json", _array(TWICE).encode(), 0, "1 records were replaced by a later copy", []),
    ("repeat.json", _array([RECORDS[0]] * 2000).encode(), 0, "1,999 records were replaced", []),
    ("empty.json", b"", 1, "a JSON file must hold an array", []),
    ("object.json", json.dumps(RECORDS[0]).encode(), 1, "a JSON file must hold an array", []),
    (
        "header.csv",
        CSV_TEXT.replace("staffNumber,", "staff_no,", 1).encode(),
        1,
        "'staff_no' is not a column of the HR CSV format",
        [],
    ),
    ("rejected.json", b'[{"staffNumber": "X1"}]', 1, "every record was rejected (1)", []),
]


@pytest.fixture
def db(tmp_path):
    url = f"sqlite:///{tmp_path / 'bo-tui.db'}"
    store = Store(url)
    load_campus(store)
    store.dispose()
    return ["--db", url]


def _state(db) -> tuple:
    store = Store(db[1])
    try:
        with store.session() as s:
            info = sync.current(s)
            return info.state, info.transferred, info.rejected
    finally:
        store.dispose()


@pytest.mark.parametrize(
    ("name", "data", "code", "says", "fix"), BAD_FILES, ids=[b[0] for b in BAD_FILES]
)
def test_R_SYNC_2_each_bad_file_through_sync_run(db, tmp_path, capsys, name, data, code, says, fix):
    path = tmp_path / name
    path.write_bytes(data)
    assert main([*db, "sync", "run", str(path)]) == code
    out, err = capsys.readouterr()
    if code:
        assert says in err and "unexpected" not in err
        assert "nothing from this file was staged" in err or "every record" in err
        assert "run `bo-tui sync run FILE…` again" in err  # the next step, named
        assert _state(db) == ("none", 0, 0)  # nothing staged, no sync left open
        if fix:  # the step the message suggests
            assert "--encoding cp1252" in err
            assert main([*db, "sync", "run", str(path), *fix]) == 0
            assert _state(db)[0] == "validated"
            return
        assert main([*db, "sync", "run", str(SYNC / "hr.json")]) == 0  # a good file
        assert _state(db)[0] == "validated"
        return
    assert _state(db)[0] == "validated"
    if says:
        assert says in out


def test_R_SYNC_2_a_failed_run_into_a_restarted_sync_leaves_it_empty_and_run_works(
    db, tmp_path, capsys
):
    assert main([*db, "sync", "run", str(SYNC / "hr.json")]) == 0
    assert main([*db, "sync", "restart"]) == 0
    cut = tmp_path / "cut.json"
    cut.write_text(JSON_TEXT[:300])
    assert main([*db, "sync", "run", str(cut)]) == 1
    assert _state(db) == ("transferring", 0, 0)
    assert main([*db, "sync", "run", str(SYNC / "hr.json")]) == 0
    assert _state(db)[0] == "validated"


def test_R_SYNC_2_sync_transfer_of_a_bad_file_leaves_the_open_sync_as_it_was(db, tmp_path, capsys):
    assert main([*db, "sync", "start"]) == 0
    assert main([*db, "sync", "transfer", str(SYNC / "hr.csv")]) == 0
    before = _state(db)
    cut = tmp_path / "cut.json"
    cut.write_text(_array([{**r, "lastName": "Later"} for r in RECORDS])[:-40])
    capsys.readouterr()
    assert main([*db, "sync", "transfer", str(cut)]) == 1
    err = capsys.readouterr().err
    assert "the open sync is as it was before" in err and "bo-tui sync transfer FILE" in err
    assert _state(db) == before
    latin = tmp_path / "latin.csv"
    latin.write_bytes(CSV_TEXT.replace("Adams", "Adàms").encode("cp1252"))
    assert main([*db, "sync", "transfer", str(latin)]) == 1
    assert "--encoding cp1252" in capsys.readouterr().err
    assert main([*db, "sync", "transfer", "--encoding", "cp1252", str(latin)]) == 0
    assert main([*db, "sync", "end"]) == 0
    assert main([*db, "sync", "validate"]) == 0
    assert _state(db)[0] == "validated"


def test_R_SYNC_2_sync_run_json_reports_the_files_duplicates(db, tmp_path, capsys):
    path = tmp_path / "twice.json"
    path.write_text(_array(TWICE))
    capsys.readouterr()
    assert main([*db, "sync", "run", "--json", str(path)]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["transfer"]["replaced"] == 1
    assert doc["summary"]["hrDuplicateStaffNumbers"] == 1
    (row,) = doc["details"]["hrDuplicateStaffNumbers"]
    assert (row["staffNumber"], row["lines"], row["differ"]) == ("1001", [2, 14], True)
    store = Store(db[1])
    with store.session() as s:
        assert ReportQuery("hrDuplicateStaffNumbers").count(s) == 1
    store.dispose()
