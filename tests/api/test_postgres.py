"""The API over the PostgreSQL store (skipped where no server answers): the main paths and the
inputs SQLite forgives but PostgreSQL refuses (NUL characters), never a 5xx."""

import pytest

from bo_tui.api import create_app
from bo_tui.core import credentials as cred
from bo_tui.core import errorlog
from bo_tui.core.demo import load_reference

from .conftest import BASE, TOKEN_URL, TestClient, get_token, staff_payload

pytestmark = pytest.mark.postgres


@pytest.fixture
def pg_client(pg_store):
    with pg_store.transaction() as s:
        load_reference(s)
    with TestClient(create_app(pg_store), raise_server_exceptions=False) as c:
        yield c, pg_store


def test_api_main_paths_on_postgresql(pg_client):
    client, store = pg_client
    with store.transaction() as s:
        creds = cred.get_credentials(s, reveal=True)
    auth = {"Authorization": f"Bearer {get_token(client, creds)}"}
    assert (
        client.post(
            BASE + "/staffMembers", json=staff_payload(ssn="123-45-6789"), headers=auth
        ).status_code
        == 201
    )
    assert (
        client.post(BASE + "/staffMembers", json=staff_payload(), headers=auth).status_code == 409
    )
    assert client.get(BASE + "/staffMembers/S100", headers=auth).json()["ssn"] == "***-**-6789"
    assert (
        client.get(BASE + "/staffMembers", params={"lastName": "OKAFOR"}, headers=auth).json()[
            "total"
        ]
        == 1
    )
    r = client.post(
        BASE + "/staffMembers",
        content=b'{"staffNumber": "S\\u0000", "lastName": "A", "firstName": "B"}',
        headers={**auth, "Content-Type": "application/json"},
    )
    assert r.status_code == 400
    r = client.get(BASE + "/staffMembers/S%00", headers=auth)
    assert r.status_code == 400
    r = client.get(BASE + "/addresses", params={"city": "a\x00"}, headers=auth)
    assert r.status_code == 400
    sync = BASE + "/staffMembers/sync"
    client.post(sync + "/start", headers=auth)
    assert (
        client.post(sync + "/transfer", json=[staff_payload("P1")], headers=auth).status_code == 200
    )
    client.post(sync + "/end", headers=auth)
    client.post(sync + "/validate", headers=auth)
    assert client.post(sync + "/commit", headers=auth).json()["successes"] == ["P1"]
    with store.transaction() as s:
        cred.rotate_secret(s)
    assert client.get(BASE + "/schools", headers=auth).status_code == 401
    assert (
        client.post(
            TOKEN_URL,
            data={
                "grant_type": "client_credentials",
                "client_id": creds.clientId,
                "client_secret": creds.clientSecret,
            },
        ).status_code
        == 401
    )
    with store.session() as s:
        statuses = {e.status for e in errorlog.page(s)}
    assert statuses == {400, 401, 409}
