"""The transfer route under the bad inputs of issue 18 (R-SYNC-2, SPEC section 4): deep nesting,
an oversize record or body and bad bytes are a 400 or 413 naming the field and the limit."""

from __future__ import annotations

import pytest

from bo_tui.core import sync
from bo_tui.core.sync.hr_json import MAX_DEPTH

from .conftest import BASE

TRANSFER = BASE + "/staffMembers/sync/transfer"
DEEP = "[" * 10_000 + "]" * 10_000


@pytest.mark.parametrize(
    ("body", "status", "field", "says"),
    [
        (f"[{DEEP}]".encode(), 400, "[0]", f"nested deeper than the limit of {MAX_DEPTH} levels"),
        (
            f'[{{"staffNumber": "9", "lastName": "A", "firstName": "B"}}, '
            f'{{"staffNumber": "8", "positions": {DEEP}}}]'.encode(),
            400,
            "[1]",
            f"nested deeper than the limit of {MAX_DEPTH} levels",
        ),
        (
            ('[{"staffNumber": "9", "positions": ' + "[" * 40 + "]" * 40 + "}]").encode(),
            400,
            "[0].positions" + "[0]" * (MAX_DEPTH - 1),
            f"nested deeper than the limit of {MAX_DEPTH} levels",
        ),
        (
            ('[{"staffNumber": "9", "lastName": "' + "x" * (11 << 20) + '"}]').encode(),
            413,
            "body",
            "over the limit of 10 MB",
        ),
        (
            (
                '[{"staffNumber": "9", "firstName": "B", "lastName": "' + "x" * (3 << 20) + '"}]'
            ).encode(),
            400,
            "[0].lastName",
            "must be at most 100 characters",
        ),
        (
            '[{"staffNumber": "9", "lastName": "Adàms", "firstName": "B"}]'.encode("cp1252"),
            400,
            "body",
            "is not UTF-8: byte 0xe0 at byte offset 37",
        ),
    ],
    ids=["deep-top", "deep-positions", "deep-path", "oversize-body", "oversize-record", "cp1252"],
)
def test_R_SYNC_2_bad_transfer_bodies_are_400_or_413_with_field_and_limit(
    client, auth, ref_store, body, status, field, says
):
    assert client.post(BASE + "/staffMembers/sync/start", headers=auth).status_code == 200
    r = client.post(TRANSFER, headers={**auth, "content-type": "application/json"}, content=body)
    assert r.status_code == status, r.text
    doc = r.json()
    assert any(e["field"] == field and says in e["message"] for e in doc["errors"]), doc
    with ref_store.session() as s:
        info = sync.current(s)
    assert (info.state, info.transferred) == ("transferring", 0)  # nothing staged
    # The next step works: a good batch is staged.
    ok = client.post(
        TRANSFER, headers=auth, json=[{"staffNumber": "9", "lastName": "A", "firstName": "B"}]
    )
    assert ok.status_code == 200, ok.text


def test_R_SYNC_2_a_utf16_body_with_a_bom_is_read(client, auth):
    assert client.post(BASE + "/staffMembers/sync/start", headers=auth).status_code == 200
    body = '[{"staffNumber": "9", "lastName": "Adàms", "firstName": "B"}]'.encode("utf-16")
    r = client.post(TRANSFER, headers={**auth, "content-type": "application/json"}, content=body)
    assert r.status_code == 200 and r.json()["accepted"] == 1


def test_R_SYNC_2_the_api_report_types_a_files_repeated_staff_numbers(store, tmp_path):
    """hrDuplicateStaffNumbers and willNotCommit reach the API's typed report with every key."""
    import json

    from fastapi.testclient import TestClient

    from bo_tui.api import create_app
    from bo_tui.core import credentials as cred

    from ..unit.test_sync_fixture import SYNC, load_campus

    records = json.loads((SYNC / "hr.json").read_text())
    twice = tmp_path / "twice.json"
    twice.write_text(json.dumps([*records, {**records[1], "staffNumber": "1001"}]))
    load_campus(store)
    with store.transaction() as s:
        c = cred.get_credentials(s, reveal=True)
        sync.start(s, "t")
    sync.transfer_file(store, twice, workers=False)
    with store.transaction() as s:
        sync.end(s)
    with TestClient(create_app(store)) as http:
        r = http.post(
            "/campus/oauth2/token?appName=7634-MO",
            data={
                "grant_type": "client_credentials",
                "client_id": c.clientId,
                "client_secret": c.clientSecret,
            },
        )
        auth = {"Authorization": f"Bearer {r.json()['access_token']}"}
        r = http.post(BASE + "/staffMembers/sync/validate", headers=auth)
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["summary"]["hrDuplicateStaffNumbers"] == 1
    assert body["details"]["hrDuplicateStaffNumbers"] == [
        {
            "staffNumber": "1001",
            "file": "twice.json",
            "copies": 2,
            "lines": [1, 1],
            "keptLine": 1,
            "differ": True,
        }
    ]
    (refused,) = body["details"]["willNotCommit"]
    assert refused["field"] == "staffNumber" and "duplicated in Campus" in refused["reason"]


def test_R_SYNC_2_a_batch_says_how_many_records_a_later_copy_replaced(client, auth):
    assert client.post(BASE + "/staffMembers/sync/start", headers=auth).status_code == 200
    one = {"staffNumber": "9", "lastName": "A", "firstName": "B"}
    r = client.post(TRANSFER, headers=auth, json=[one, {**one, "lastName": "C"}, one])
    assert r.status_code == 200 and r.json() == {"accepted": 3, "rejected": [], "replaced": 2}
