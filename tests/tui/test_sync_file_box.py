"""The Synchronization file box under the bad files of issue 18 (R-SYNC-2): a file that stops
stages nothing and says what next, ``PATH --encoding NAME`` reads another encoding, collapses show."""

from __future__ import annotations

import json

from bo_tui.core import sync as sync_core
from bo_tui.tui.widgets.file_box import split_encoding

from ..unit.test_sync_fixture import SYNC
from .conftest import make_app
from .test_sync import open_sync, sync_store

RECORDS = json.loads((SYNC / "hr.json").read_text())


async def _send(pilot, screen, value: str) -> str:
    screen.query_one("#sync-path").value = value
    await pilot.press("f", "enter")  # f: the cursor in the box; Enter sends
    for _ in range(100):  # a failing worker: wait for its state, not ``settle``
        await pilot.pause(0.05)
        if screen.busy is None:
            break
    await pilot.pause()
    return str(screen.query_one("#sync-transfer-msg").render())


def test_R_SYNC_2_the_file_box_reads_an_encoding_after_the_path():
    assert split_encoding("/tmp/hr.csv --encoding cp1252") == ("/tmp/hr.csv", "cp1252")
    assert split_encoding("/tmp/my hr.csv --encoding=latin-1") == ("/tmp/my hr.csv", "latin-1")
    assert split_encoding("/tmp/my hr.csv") == ("/tmp/my hr.csv", None)


async def test_R_SYNC_2_a_broken_file_stages_nothing_and_the_box_sends_the_next(tmp_path):
    cut = tmp_path / "cut.json"
    text = (SYNC / "hr.json").read_text()
    cut.write_text(text[: len(text) // 2])
    latin = tmp_path / "latin.csv"
    latin.write_bytes((SYNC / "hr.csv").read_text().replace("Adams", "Adàms").encode("cp1252"))
    store = sync_store("sync-file-box")
    with store.transaction() as s:
        sync_core.start(s, "dtc")
    async with make_app(store).run_test(size=(100, 30)) as pilot:
        screen = await open_sync(pilot)
        msg = await _send(pilot, screen, str(cut))
        assert msg.startswith("Transfer stopped: cut.json: line")
        assert "nothing from this file was staged" in msg and "Next: fix the file" in msg
        assert screen.info.transferred == 0
        msg = await _send(pilot, screen, str(latin))
        assert "the file is not UTF-8" in msg and "--encoding cp1252" in msg
        assert screen.info.transferred == 0
        msg = await _send(pilot, screen, f"{latin} --encoding cp1252")
        assert "12 accepted" in msg, msg
        twice = tmp_path / "twice.json"
        twice.write_text(json.dumps([*RECORDS, {**RECORDS[1], "staffNumber": "1001"}]))
        msg = await _send(pilot, screen, str(twice))
        assert "1 records were replaced by a later copy" in msg
        assert screen.info.state == "transferring"
