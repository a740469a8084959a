"""HR files as they really arrive (issue 18; R-SYNC-2, R-SYNC-3): a file is atomic, encodings are
read or named, limits have their own words, what a file collapses is reported, no dead end."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from bo_tui.core import sync
from bo_tui.core.errors import RuleViolation
from bo_tui.core.sync import batch_sizes, files, hr_json
from bo_tui.core.sync.report_query import ReportQuery
from bo_tui.core.sync.run import _forget
from bo_tui.store import Store
from bo_tui.store.models.sync import SyncRejection, SyncStaged

from .test_sync_fixture import SYNC, load_campus

RECORDS = json.loads((SYNC / "hr.json").read_text())
CSV_TEXT = (SYNC / "hr.csv").read_text()


@pytest.fixture
def campus(tmp_path):
    store = Store(f"sqlite:///{tmp_path / 'bo-tui.db'}")
    load_campus(store)
    yield store
    store.dispose()


def _open(store) -> None:
    with store.transaction() as s:
        sync.start(s, "tester")


def _staged(store) -> list[tuple]:
    with store.session() as s:
        rows = s.execute(
            select(SyncStaged.staff_number, SyncStaged.seq, SyncStaged.last_name).order_by(
                SyncStaged.staff_number
            )
        ).all()
        rejected = s.scalars(select(SyncRejection.id)).all()
        info = sync.current(s)
        return (
            [tuple(r) for r in rows]
            + [("rejections", len(rejected))]
            + [("counts", info.transferred, info.rejected, info.state)]
        )


def _write_json(path, records, tail: str = "\n]\n") -> None:
    path.write_text("[\n" + ",\n".join(json.dumps(r) for r in records) + tail)


def test_R_SYNC_2_a_file_cut_off_after_many_groups_stages_nothing_and_earlier_files_stay(
    campus, tmp_path, monkeypatch
):
    """Several write groups of the broken file were committed, some replaced records of an
    earlier file: after the failure the sync is exactly as it was before the file."""
    monkeypatch.setattr(batch_sizes, "FILE_CHECK_RECORDS", 2)
    monkeypatch.setattr(batch_sizes, "FILE_WRITE_RECORDS", 2)
    _open(campus)
    first = tmp_path / "first.json"
    _write_json(first, [*RECORDS[:6], {"staffNumber": "BAD1"}])  # one rejected record
    files.transfer_file(campus, first, workers=False)
    before = _staged(campus)
    second = [{**r, "lastName": "Replaced"} for r in RECORDS[:3]] + RECORDS[6:]
    cut = tmp_path / "cut.json"
    _write_json(cut, [{"staffNumber": "BAD2"}, *second], tail="")
    text = cut.read_text()
    cut.write_text(text[: len(text) - 40])  # the export stopped inside the last record
    with pytest.raises(RuleViolation) as exc:
        files.transfer_file(campus, cut, workers=False)
    assert "the file ends inside record" in exc.value.message
    assert exc.value.message.endswith(files.NOT_STAGED)
    assert _staged(campus) == before
    # The next step works: the whole file again, or the next one.
    again = tmp_path / "whole.json"
    _write_json(again, second)
    r = files.transfer_file(campus, again, workers=False)
    assert r.accepted == len(second)


def test_R_SYNC_2_an_interrupted_file_is_undone_too(campus, tmp_path, monkeypatch):
    monkeypatch.setattr(batch_sizes, "FILE_CHECK_RECORDS", 2)
    monkeypatch.setattr(batch_sizes, "FILE_WRITE_RECORDS", 2)
    _open(campus)
    path = tmp_path / "hr.json"
    _write_json(path, RECORDS)
    before = _staged(campus)
    calls = []

    def progress(done, total):
        calls.append(done)
        if len(calls) == 2:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        files.transfer_file(campus, path, workers=False, progress=progress)
    assert _staged(campus) == before


# --- encodings -------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["json", "csv"])
def test_R_SYNC_2_utf16_with_a_bom_and_utf8_with_a_bom_are_read(campus, tmp_path, kind):
    text = (SYNC / f"hr.{kind}").read_text()
    for enc, name in (("utf-16", "u16"), ("utf-8-sig", "bom")):
        _open(campus)
        path = tmp_path / f"{name}.{kind}"
        path.write_bytes(text.encode(enc))
        r = files.transfer_file(campus, path, workers=False)
        assert r.accepted == 12, enc
        with campus.session() as s:
            sid = sync.current(s).syncId
        _forget(campus, sid)


@pytest.mark.parametrize("kind", ["json", "csv"])
def test_R_SYNC_2_cp1252_bytes_name_line_byte_and_encoding_and_encoding_reads_them(
    campus, tmp_path, kind
):
    text = (SYNC / f"hr.{kind}").read_text().replace("Adams", "Adàms")
    path = tmp_path / f"latin.{kind}"
    path.write_bytes(text.encode("cp1252"))
    offset = text.encode("cp1252").index("à".encode("cp1252"))
    line = text[: text.index("à")].count("\n") + 1
    _open(campus)
    with pytest.raises(RuleViolation) as exc:
        files.transfer_file(campus, path, workers=False)
    msg = exc.value.message
    assert f"line {line}, byte {offset:,}: the file is not UTF-8" in msg
    assert "--encoding cp1252" in msg and files.NOT_STAGED in msg
    assert _staged(campus)[-1] == ("counts", 0, 0, "transferring")
    r = files.transfer_file(campus, path, workers=False, encoding="cp1252")
    assert r.accepted == 12
    with campus.session() as s:
        names = s.scalars(select(SyncStaged.last_name).where(SyncStaged.staff_number == "1001"))
        assert list(names) == ["Adàms"]


def test_R_SYNC_2_an_unknown_encoding_is_named(campus, tmp_path):
    _open(campus)
    with pytest.raises(RuleViolation) as exc:
        files.transfer_file(campus, SYNC / "hr.json", encoding="klingon")
    assert "'klingon' is not an encoding" in exc.value.message


# --- limits ----------------------------------------------------------------------------------


def _deep(n: int) -> str:
    return "[" * n + "]" * n


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (lambda: "[" + _deep(10_000) + "]", "record 1 is nested deeper than the limit of 16"),
        (
            lambda: (
                "["
                + json.dumps(RECORDS[0])
                + ',\n{"staffNumber": "9", "positions": '
                + _deep(10_000)
                + "}]"
            ),
            "line 2, column 1: record 2 is nested deeper than the limit of 16 levels",
        ),
        (
            lambda: '[{"staffNumber": "9", "lastName": "' + "x" * (2 << 20) + '"}]',
            f"record 1 is larger than the limit of {hr_json.MAX_RECORD:,} characters",
        ),
        (
            lambda: '["' + "x" * (2 << 20) + '"]',
            f"record 1 is larger than the limit of {hr_json.MAX_RECORD:,} characters",
        ),
    ],
    ids=["deep-top", "deep-positions", "huge-record", "huge-string"],
)
def test_R_SYNC_2_json_limits_have_their_own_words(campus, tmp_path, body, expected):
    path = tmp_path / "limits.json"
    path.write_text(body())
    _open(campus)
    with pytest.raises(RuleViolation) as exc:
        files.transfer_file(campus, path, workers=False)
    assert expected in exc.value.message
    assert "unexpected" not in exc.value.message and "Unterminated" not in exc.value.message
    assert _staged(campus)[-1] == ("counts", 0, 0, "transferring")


def test_R_SYNC_2_a_csv_field_over_the_limit_names_its_line_and_the_limit(campus, tmp_path):
    lines = CSV_TEXT.splitlines()
    cells = lines[2].split(",")
    cells[1] = "x" * 200_000
    lines[2] = ",".join(cells)
    path = tmp_path / "wide.csv"
    path.write_text("\n".join(lines) + "\n")
    _open(campus)
    with pytest.raises(RuleViolation) as exc:
        files.transfer_file(campus, path, workers=False)
    assert "wide.csv: line 3: a field is larger than the limit of 131,072 characters" in (
        exc.value.message
    )
    assert _staged(campus)[-1] == ("counts", 0, 0, "transferring")


# --- what a file collapses -------------------------------------------------------------------


def test_R_SYNC_2_a_staff_number_twice_in_a_file_is_reported_with_lines_and_difference(
    campus, tmp_path
):
    other = {**RECORDS[1], "staffNumber": "1001", "lastName": "Other", "ssn": "222-22-2222"}
    path = tmp_path / "twice.json"
    _write_json(path, [*RECORDS, other, RECORDS[2]])
    _open(campus)
    r = files.transfer_file(campus, path, workers=False)
    assert (r.accepted, r.replaced, r.duplicateStaffNumbers) == (14, 2, 2)
    with campus.transaction() as s:
        sync.end(s)
        rep = sync.validate(s)
        rows = list(ReportQuery("hrDuplicateStaffNumbers", rep.syncId).iter_rows(s))
    assert rep.summary["hrDuplicateStaffNumbers"] == 2
    by_sn = {row["staffNumber"]: row for row in rows}
    assert by_sn["1001"]["lines"] == [2, 14] and by_sn["1001"]["differ"] is True
    assert by_sn["1003"]["lines"] == [4, 15] and by_sn["1003"]["differ"] is False
    assert by_sn["1001"]["keptLine"] == 14 and by_sn["1001"]["file"] == "twice.json"


def test_R_SYNC_2_one_record_repeated_many_times_is_reported_not_silent(campus, tmp_path):
    path = tmp_path / "repeat.json"
    _write_json(path, [RECORDS[0]] * 3000)
    _open(campus)
    r = files.transfer_file(campus, path, workers=False)
    assert (r.replaced, r.duplicateStaffNumbers) == (2999, 1)
    with campus.transaction() as s:
        sync.end(s)
        rep = sync.validate(s)
        (row,) = ReportQuery("hrDuplicateStaffNumbers", rep.syncId).iter_rows(s)
    assert row["copies"] == 3000 and len(row["lines"]) == 20 and row["differ"] is False


def test_R_SYNC_2_a_header_field_over_the_limit_names_line_1_and_the_limit(campus, tmp_path):
    path = tmp_path / "wide-header.csv"
    path.write_text("staffNumber," + "x" * 200_000 + "\n1,2\n")
    _open(campus)
    with pytest.raises(RuleViolation) as exc:
        files.transfer_file(campus, path, workers=False)
    assert "line 1: a field is larger than the limit of 131,072 characters" in exc.value.message
