"""The Business Office Error Log (R-LOG-1): redacted payloads, filters, pages, PDF export."""

import datetime as dt
import json
import re

from sqlalchemy import select

from bo_tui.core import errorlog
from bo_tui.core.errorlog import ErrorFilter
from bo_tui.store.models.integration import ErrorLogEntry


def _fill(store):
    base = dt.datetime(2026, 1, 10, 12, 0)
    with store.transaction() as s:
        errorlog.log_error(
            s,
            action="post",
            path="/x/staffMembers",
            message="staffNumber: is required",
            payload={"ssn": "123-45-6789", "lastName": "Ng"},
            status=400,
            when=base,
        )
        errorlog.log_error(
            s,
            action="PUT",
            path="/x/staffMembers/S1",
            message="unknown staff number",
            payload=b'{"firstName": "Al"}',
            status=404,
            when=base + dt.timedelta(days=1),
        )
        errorlog.log_errors(
            s,
            [
                {
                    "action": "FILE",
                    "path": "hr.csv",
                    "message": "row 3: gender is not a Campus gender",
                    "payload": "S9,Lee,Ann,,Q,987-65-4321",
                    "when": base + dt.timedelta(days=2),
                },
                {
                    "action": "JOB",
                    "path": "commit",
                    "message": "staffNumber duplicated in Campus",
                    "when": base + dt.timedelta(days=3),
                },
            ],
        )


def test_R_LOG_1_entries_stored_redacted_newest_first(store):
    _fill(store)
    with store.session() as s:
        rows = errorlog.page(s)
        raw = " ".join(r.payload for r in s.scalars(select(ErrorLogEntry)))
    assert [r.action for r in rows] == ["JOB", "FILE", "PUT", "POST"]
    assert "123-45-6789" not in raw and "987-65-4321" not in raw
    assert json.loads(rows[3].payload) == {"ssn": "[REDACTED]", "lastName": "Ng"}
    assert set(rows[0].as_json()) == {"errorDate", "action", "path", "message", "payload"}
    assert rows[0].as_json()["errorDate"] == "2026-01-13T12:00:00Z"


def test_R_LOG_1_filters_by_date_action_path_text(store):
    _fill(store)
    with store.session() as s:
        assert errorlog.count(s) == 4
        assert (
            errorlog.count(
                s, ErrorFilter(date_from=dt.date(2026, 1, 11), date_to=dt.date(2026, 1, 12))
            )
            == 2
        )
        assert errorlog.count(s, ErrorFilter(action="put")) == 1
        assert errorlog.count(s, ErrorFilter(path="staffMembers")) == 2
        assert errorlog.count(s, ErrorFilter(text="GENDER")) == 1
        assert errorlog.count(s, ErrorFilter(text="Al")) >= 1  # payload text
        assert errorlog.count(s, ErrorFilter(text="%")) == 0  # wildcards are literal
        assert [e.action for e in errorlog.page(s, 1, 2)] == ["FILE", "PUT"]
        assert [e.action for e in errorlog.page(s, sort="errorDate")][0] == "POST"


def test_R_LOG_1_pdf_export_is_a_paged_table(store, tmp_path):
    with store.transaction() as s:
        errorlog.log_errors(
            s,
            [
                {
                    "action": "POST",
                    "path": "/p",
                    "message": f"error {i} – ünïcode",
                    "payload": {"n": i, "x": "y" * 2000},
                }
                for i in range(60)
            ],
        )
    out = tmp_path / "log.pdf"
    with store.session() as s:
        assert errorlog.export_pdf(s, out) == 60
    data = out.read_bytes()
    assert data.startswith(b"%PDF")
    assert len(re.findall(rb"/Type\s*/Page(?!s)", data)) >= 3  # one table over several pages
