"""API credentials (R-CRED-1..3): one client, encrypted secret, hashed tokens, rotation,
the login throttle and the serve heartbeat."""

import datetime as dt

import pytest
from sqlalchemy import select

from bo_tui.core import credentials as cred
from bo_tui.core.errors import NotFound
from bo_tui.store.models.integration import ApiClient, ApiToken


def test_R_CRED_1_one_client_made_on_first_use(ref_store):
    with ref_store.transaction() as s:
        a = cred.get_credentials(s)
    with ref_store.transaction() as s:
        b = cred.get_credentials(s, reveal=True)
        assert len(s.scalars(select(ApiClient)).all()) == 1
    assert a.clientId == b.clientId
    assert a.clientSecret != b.clientSecret and b.clientSecret.startswith(a.clientSecret[:4])
    assert a.as_json()["clientSecret"] is None and b.as_json()["clientSecret"] == b.clientSecret
    assert a.tokenUrl == "http://127.0.0.1:8765/campus/oauth2/token?appName=7634-MO"
    assert a.baseUrl == "http://127.0.0.1:8765/campus"
    assert a.documentationUrl.endswith("/campus/api/businessOfficeIntegration/documentation")


def test_R_CRED_1_needs_a_district(store):
    with pytest.raises(NotFound), store.transaction() as s:
        cred.get_credentials(s)


def test_R_CRED_3_secret_never_stored_plain(ref_store):
    with ref_store.transaction() as s:
        secret = cred.get_credentials(s, reveal=True).clientSecret
    with ref_store.engine.connect() as conn:
        dump = "\n".join(
            str(r)
            for t in ("api_clients", "api_tokens")
            for r in conn.exec_driver_sql(f"select * from {t}")
        )
    assert secret not in dump and len(secret) >= 43


def test_R_CRED_3_tokens_hashed_and_checked(ref_store):
    with ref_store.transaction() as s:
        c = cred.get_credentials(s, reveal=True)
        client = cred.authenticate_client(s, c.clientId, c.clientSecret)
        tok = cred.issue_token(s, client)
    assert tok.expires_in <= 3600 and len(tok.access_token) >= 43
    with ref_store.session() as s:
        assert cred.check_token(s, tok.access_token)
        assert not cred.check_token(s, tok.access_token + "x")
        assert s.scalar(select(ApiToken.token_hash)) == cred.sha256_hex(tok.access_token)
        later = dt.datetime.now(dt.UTC).replace(tzinfo=None) + dt.timedelta(seconds=3601)
        assert not cred.check_token(s, tok.access_token, now=later)


def test_R_CRED_3_unknown_client_and_wrong_secret_both_fail(ref_store):
    with ref_store.transaction() as s:
        c = cred.get_credentials(s, reveal=True)
        assert cred.authenticate_client(s, c.clientId, "wrong") is None
        assert cred.authenticate_client(s, "nobody", c.clientSecret) is None
        assert cred.authenticate_client(s, c.clientId, c.clientSecret) is not None


def test_R_CRED_2_rotation_fails_old_secret_and_its_tokens_at_once(ref_store):
    with ref_store.transaction() as s:
        old = cred.get_credentials(s, reveal=True)
        tok = cred.issue_token(s, cred.authenticate_client(s, old.clientId, old.clientSecret))
    with ref_store.transaction() as s:
        new = cred.rotate_secret(s, reveal=True)
    assert new.clientId == old.clientId and new.clientSecret != old.clientSecret
    with ref_store.transaction() as s:
        assert not cred.check_token(s, tok.access_token)
        assert cred.authenticate_client(s, old.clientId, old.clientSecret) is None
        assert cred.authenticate_client(s, new.clientId, new.clientSecret) is not None


def test_R_CRED_1_urls_follow_the_serve_heartbeat(ref_store):
    with ref_store.transaction() as s:
        cred.record_server_start(s, "127.0.0.1", 9911)
    with ref_store.transaction() as s:
        c = cred.get_credentials(s)
        assert c.tokenUrl.startswith("http://127.0.0.1:9911/") and c.server.running
        cred.record_server_stop(s)
    with ref_store.transaction() as s:
        assert not cred.server_info(s).running
        cred.record_server_start(s, "0.0.0.0", 80, public_url="https://hr.example.org")
    with ref_store.transaction() as s:
        assert cred.get_credentials(s).baseUrl == "https://hr.example.org/campus"
        stale = dt.datetime.now(dt.UTC).replace(tzinfo=None) + dt.timedelta(minutes=5)
        assert not cred.server_info(s, now=stale).running


class _Clock:
    t = 1000.0

    def __call__(self):
        return self.t


def test_R_CRED_3_throttle_grows_and_never_locks_out_for_good():
    clock = _Clock()
    th = cred.FailureThrottle(free=3, base=1, cap=8, forget_after=60, clock=clock)
    for _ in range(3):
        th.failed("c:a", "ip:1")
    assert th.retry_after("c:a") == 0
    waits = []
    for _ in range(6):
        waits.append(th.failed("c:a", "ip:1"))
        clock.t += waits[-1]
    assert waits == [1, 2, 4, 8, 8, 8]  # doubling, capped
    th.failed("c:a", "ip:1")
    assert th.retry_after("c:b", "ip:1") > 0  # the address is blocked for another client too
    clock.t += 61
    assert th.retry_after("c:a", "ip:1") == 0
    assert th.failed("c:a") == 0  # forgotten after a quiet spell
    th.succeeded("c:a")
    assert th.retry_after("c:a") == 0
