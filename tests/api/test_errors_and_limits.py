"""Every 4xx in the SPEC body shape, never FastAPI's 422; body and batch limits (413); no 5xx
for any input; every failed call in the error log with its payload redacted (R-LOG-1)."""

import json
import logging

import pytest

from bo_tui.api import body as body_mod
from bo_tui.core import errorlog
from bo_tui.core import staff as staff_core

from .conftest import BASE, staff_payload


def _shape(r):
    doc = r.json()
    assert set(doc) == {"message", "errors"}, doc
    assert all(set(e) == {"field", "message"} for e in doc["errors"])
    return doc


@pytest.mark.parametrize(
    "raw, field",
    [
        (b"{not json", "body"),
        (b"", "body"),
        (b"[1, 2]", "body"),
        (b'"text"', "body"),
        (b"\xff\xfe\x00", "body"),
        (b"[" * 100_000, "[0]"),  # its first element is nested too deep (issue 18)
        (b'{"staffNumber": 12, "lastName": "A", "firstName": "B"}', "staffNumber"),
        (
            b'{"staffNumber": "S1", "lastName": "A", "firstName": "B", "birthDate": "1980-02-30"}',
            "birthDate",
        ),
        (
            b'{"staffNumber": "S1", "lastName": "A", "firstName": "B", "birthDate": 19800101}',
            "birthDate",
        ),
        (b'{"staffNumber": "S1", "lastName": "A", "firstName": "B", "positions": {}}', "positions"),
        (
            b'{"staffNumber": "S1", "lastName": "A", "firstName": "B", "positions": [{"startDate": "x"}]}',
            "positions[0].startDate",
        ),
        (b'{"staffNumber": "S1", "lastName": "A\\u0000", "firstName": "B"}', "lastName"),
        (b'{"staffNumber": "S1", "lastName": "\\ud800", "firstName": "B"}', "lastName"),
        (b'{"staffNumber": "S1", "lastName": "A", "firstName": "B", "nope": 1}', "nope"),
    ],
)
def test_bad_bodies_are_400_naming_the_field(client, auth, raw, field):
    r = client.post(
        BASE + "/staffMembers", content=raw, headers={**auth, "Content-Type": "application/json"}
    )
    assert r.status_code == 400, r.text
    doc = _shape(r)
    assert field in [e["field"] for e in doc["errors"]]


def test_413_by_content_length_and_by_counted_bytes(client, auth, monkeypatch):
    big = b'{"staffNumber": "S1", "lastName": "' + b"x" * (10 * 1024 * 1024) + b'"}'
    r = client.post(
        BASE + "/staffMembers", content=big, headers={**auth, "Content-Type": "application/json"}
    )
    assert r.status_code == 413 and _shape(r)

    def chunks():  # no Content-Length: the bytes are counted as they stream in
        for _ in range(11):
            yield b" " * (1024 * 1024)

    r = client.post(
        BASE + "/staffMembers",
        content=chunks(),
        headers={**auth, "Content-Type": "application/json"},
    )
    assert r.status_code == 413 and _shape(r)


def test_404_and_405_in_the_error_shape(client, auth):
    r = client.get("/campus/api/businessOfficeIntegration/nothing", headers=auth)
    assert r.status_code == 404 and _shape(r)
    r = client.delete(BASE + "/schools", headers=auth)
    assert r.status_code == 405 and _shape(r) and "GET" in r.headers["allow"]


def test_a_true_bug_is_a_bare_500_logged_redacted(client, auth, ref_store, monkeypatch, caplog):
    def boom(session, payload, **kw):
        raise RuntimeError(f"secret detail {payload.ssn}")

    monkeypatch.setattr(staff_core, "create_staff", boom)
    with caplog.at_level(logging.ERROR, logger="bo_tui.api"):
        r = client.post(BASE + "/staffMembers", json=staff_payload(ssn="078-05-1120"), headers=auth)
    assert r.status_code == 500
    assert r.json() == {"message": "internal error: the request was not applied", "errors": []}
    assert "RuntimeError" in caplog.text
    assert "078051120" not in caplog.text and "078-05-1120" not in caplog.text
    with ref_store.session() as s:
        entry = errorlog.page(s)[0]
    assert entry.status == 500 and "078-05-1120" not in entry.payload


def test_R_LOG_1_failed_calls_are_logged_with_redacted_payload(client, auth, ref_store):
    bad = staff_payload(ssn="219-09-9999", gender="Q")
    client.post(BASE + "/staffMembers", json=bad, headers=auth)
    client.get(BASE + "/staffMembers/NOPE", headers=auth)
    client.post(
        "/campus/oauth2/token?appName=7634-MO",
        data={
            "grant_type": "client_credentials",
            "client_id": "x",
            "client_secret": "hunter2-secret",
        },
    )
    client.get(BASE + "/schools", headers=auth)  # a success is not logged
    with ref_store.session() as s:
        rows = errorlog.page(s)
    assert [(e.action, e.path, e.status) for e in rows] == [
        ("POST", "/campus/oauth2/token", 401),
        ("GET", BASE + "/staffMembers/NOPE", 404),
        ("POST", BASE + "/staffMembers", 400),
    ]
    assert "gender" in rows[2].message
    logged = json.loads(rows[2].payload)
    assert logged["ssn"] == "[REDACTED]" and logged["staffNumber"] == "S100"
    assert "hunter2-secret" not in rows[0].payload and "client_secret=[REDACTED]" in rows[0].payload


def test_error_bodies_never_echo_input(client, auth):
    marker = "Zq9xMarker"
    r = client.post(
        BASE + "/staffMembers",
        json=staff_payload(gender=marker[:4], lastName=marker * 20),
        headers=auth,
    )
    assert r.status_code == 400 and marker not in r.text
    r = client.get(BASE + "/staffMembers", params={"limit": marker}, headers=auth)
    assert r.status_code == 400 and marker not in r.text


def test_unstorable_query_text_is_400(client, auth):
    r = client.get(BASE + "/staffMembers", params={"lastName": "a\x00b"}, headers=auth)
    assert r.status_code == 400 and r.json()["errors"][0]["field"] == "lastName"
    assert body_mod.MAX_BODY == 10 * 1024 * 1024


def test_a_busy_store_is_503_with_retry_after(client, auth, monkeypatch):
    from sqlalchemy.exc import OperationalError

    def busy(session, payload, **kw):
        raise OperationalError("INSERT …", {}, Exception("database is locked"))

    monkeypatch.setattr(staff_core, "create_staff", busy)
    r = client.post(BASE + "/staffMembers", json=staff_payload(), headers=auth)
    assert r.status_code == 503 and r.headers["retry-after"] == "1" and _shape(r)


def test_R_LOG_1_unauthenticated_floods_are_capped_in_the_log(client, auth, ref_store, monkeypatch):
    from bo_tui.api import boundary

    monkeypatch.setattr(boundary, "_CAP_PER_WINDOW", 5)
    for _ in range(12):
        client.get(BASE + "/schools")  # 401 without a token
    for _ in range(7):
        client.post(
            BASE + "/staffMembers", json={"lastName": "X"}, headers=auth
        )  # 400: always kept
    with ref_store.session() as s:
        assert errorlog.count(s, errorlog.ErrorFilter(path="/schools")) == 5
        assert errorlog.count(s, errorlog.ErrorFilter(action="POST")) == 7
