"""API test harness: an app over a store with the reference data, an in-process client, the
district's credentials and a bearer token."""

from __future__ import annotations

import warnings

import pytest

with warnings.catch_warnings():
    warnings.simplefilter("ignore")  # starlette: "install httpx2"
    from fastapi.testclient import TestClient  # noqa: F401  (re-exported to the tests)

from bo_tui.api import create_app
from bo_tui.core import credentials as cred

BASE = "/campus/api/businessOfficeIntegration"
TOKEN_URL = "/campus/oauth2/token?appName=7634-MO"


@pytest.fixture
def app(ref_store):
    return create_app(ref_store)


@pytest.fixture
def client(app):
    with TestClient(app, raise_server_exceptions=False) as c:
        yield c


@pytest.fixture
def creds(ref_store):
    with ref_store.transaction() as session:
        return cred.get_credentials(session, reveal=True)


def get_token(client, creds) -> str:
    r = client.post(
        TOKEN_URL,
        data={
            "grant_type": "client_credentials",
            "client_id": creds.clientId,
            "client_secret": creds.clientSecret,
        },
    )
    assert r.status_code == 200, r.text
    return r.json()["access_token"]


@pytest.fixture
def auth(client, creds) -> dict[str, str]:
    return {"Authorization": f"Bearer {get_token(client, creds)}"}


def staff_payload(number: str = "S100", **extra) -> dict:
    body = {
        "staffNumber": number,
        "lastName": "Okafor",
        "firstName": "Ada",
        "gender": "F",
        "birthDate": "1980-04-02",
        "employments": [{"hireDate": "2020-08-01"}],
        "positions": [
            {
                "schoolNumber": "010",
                "assignmentCode": "20",
                "titleCode": "035E4EAB",
                "startDate": "2020-08-01",
            }
        ],
    }
    body.update(extra)
    return body
