"""OAuth2 client credentials (RFC 6749 §4.4/§5.2), bearer checks (RFC 6750), rotation and the
login throttle (R-CRED-1..3, SPEC section 4)."""

import base64
from urllib.parse import quote

from sqlalchemy import update

from bo_tui.core import credentials as cred
from bo_tui.store.models.integration import ApiToken

from .conftest import BASE, TOKEN_URL, get_token


def _form(creds, **kw):
    data = {
        "grant_type": "client_credentials",
        "client_id": creds.clientId,
        "client_secret": creds.clientSecret,
    }
    data.update(kw)
    return {k: v for k, v in data.items() if v is not None}


def test_token_by_form_body(client, creds):
    r = client.post(TOKEN_URL, data=_form(creds))
    assert r.status_code == 200
    body = r.json()
    assert body["token_type"] == "Bearer" and 0 < body["expires_in"] <= 3600
    assert len(body["access_token"]) >= 43  # 256 bits, URL-safe base64
    assert r.headers["cache-control"] == "no-store"


def test_token_by_http_basic(client, creds):
    basic = base64.b64encode(
        f"{quote(creds.clientId)}:{quote(creds.clientSecret)}".encode()
    ).decode()
    r = client.post(
        TOKEN_URL,
        data={"grant_type": "client_credentials"},
        headers={"Authorization": f"Basic {basic}"},
    )
    assert r.status_code == 200


def test_R_CRED_3_same_answer_for_unknown_client_and_wrong_secret(client, creds):
    wrong = client.post(TOKEN_URL, data=_form(creds, client_secret="not-it"))
    unknown = client.post(TOKEN_URL, data=_form(creds, client_id="nobody"))
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json() == unknown.json()
    assert wrong.json()["error"] == "invalid_client"
    assert set(wrong.json()) >= {"message", "errors", "error", "error_description"}


def test_token_request_errors(client, creds):
    r = client.post(TOKEN_URL, data=_form(creds, grant_type="password"))
    assert (r.status_code, r.json()["error"]) == (400, "unsupported_grant_type")
    r = client.post(TOKEN_URL, data=_form(creds, grant_type=None))
    assert (r.status_code, r.json()["error"]) == (400, "invalid_request")
    r = client.post("/campus/oauth2/token", data=_form(creds))
    assert (r.status_code, r.json()["error"]) == (400, "invalid_request")
    r = client.post("/campus/oauth2/token?appName=9999-XX", data=_form(creds))
    assert (r.status_code, r.json()["error"]) == (400, "invalid_request")
    r = client.post(
        TOKEN_URL,
        content=b"grant_type=client_credentials&grant_type=client_credentials",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert (r.status_code, r.json()["error"]) == (400, "invalid_request")
    basic = base64.b64encode(f"{creds.clientId}:{creds.clientSecret}".encode()).decode()
    r = client.post(TOKEN_URL, data=_form(creds), headers={"Authorization": f"Basic {basic}"})
    assert (r.status_code, r.json()["error"]) == (400, "invalid_request")  # two ways at once
    r = client.post(TOKEN_URL, data={"grant_type": "client_credentials"})
    assert (r.status_code, r.json()["error"]) == (401, "invalid_client")
    r = client.post(
        TOKEN_URL, data={"grant_type": "client_credentials"}, headers={"Authorization": "Basic !!!"}
    )
    assert r.status_code == 401 and r.headers["www-authenticate"].startswith("Basic")


def test_bearer_missing_and_invalid(client, auth):
    r = client.get(BASE + "/schools")
    assert r.status_code == 401 and r.headers["www-authenticate"] == "Bearer"
    assert set(r.json()) == {"message", "errors"}
    for header in ("Bearer nope", "Basic abc", "Bearer", "bearer " + "x" * 600):
        r = client.get(BASE + "/schools", headers={"Authorization": header})
        assert r.status_code == 401
        assert r.headers["www-authenticate"] == 'Bearer error="invalid_token"'
    assert client.get(BASE + "/schools", headers=auth).status_code == 200


def test_every_boi_route_needs_a_token(client, app):
    paths = app.openapi()["paths"]
    checked = 0
    for path, ops in paths.items():
        if not path.startswith(BASE):
            continue
        for method in ops:
            r = client.request(method.upper(), path.replace("{staffNumber}", "S1"), json={})
            assert r.status_code == 401, (method, path)
            assert r.headers["www-authenticate"] == "Bearer"
            checked += 1
    assert checked == 19  # every operation of SPEC section 4 but the token, plus sync status


def test_expired_token_fails(client, auth, ref_store):
    with ref_store.transaction() as s:
        s.execute(update(ApiToken).values(expires_at=ApiToken.issued_at))
    assert client.get(BASE + "/schools", headers=auth).status_code == 401


def test_R_CRED_2_rotation_mid_session(client, creds, auth, ref_store):
    assert client.get(BASE + "/schools", headers=auth).status_code == 200
    with ref_store.transaction() as s:
        new = cred.rotate_secret(s, reveal=True)
    r = client.get(BASE + "/schools", headers=auth)
    assert r.status_code == 401 and "invalid_token" in r.headers["www-authenticate"]
    assert client.post(TOKEN_URL, data=_form(creds)).status_code == 401  # the old secret
    fresh = get_token(client, new)
    assert (
        client.get(BASE + "/schools", headers={"Authorization": f"Bearer {fresh}"}).status_code
        == 200
    )


class _Clock:
    t = 0.0

    def __call__(self):
        return self.t


def test_R_CRED_3_repeated_failures_get_429_with_growing_retry_after(client, app, creds):
    clock = _Clock()
    app.state.throttle = cred.FailureThrottle(free=3, base=2, cap=60, clock=clock)
    for _ in range(3):
        assert client.post(TOKEN_URL, data=_form(creds, client_secret="bad")).status_code == 401
    waits = []
    for _ in range(3):
        assert client.post(TOKEN_URL, data=_form(creds, client_secret="bad")).status_code == 401
        r = client.post(TOKEN_URL, data=_form(creds))  # even the right secret waits
        assert r.status_code == 429
        waits.append(int(r.headers["retry-after"]))
        clock.t += waits[-1]
    assert waits == [2, 4, 8]
    # Never a permanent lockout: after the wait the right secret works and resets the count.
    assert client.post(TOKEN_URL, data=_form(creds)).status_code == 200
    assert client.post(TOKEN_URL, data=_form(creds, client_secret="bad")).status_code == 401
