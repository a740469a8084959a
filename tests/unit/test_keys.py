"""Data key rotation (issue 9): every SSN and the client secret re-encrypted, hashes still
match, the old key gone from the key file, nothing lost."""

from __future__ import annotations

import base64
import os

import pytest
from sqlalchemy import select

from bo_tui.cli import main
from bo_tui.core import credentials, keys, staff
from bo_tui.core.demo import load_reference
from bo_tui.core.errors import CoreError
from bo_tui.core.schemas import parse_staff
from bo_tui.store import crypto
from bo_tui.store.models import Person


@pytest.fixture
def file_key(monkeypatch):
    monkeypatch.delenv("BO_TUI_KEY")
    crypto._vault_for.cache_clear()
    yield
    crypto._vault_for.cache_clear()


def _seed(store):
    with store.transaction() as s:
        load_reference(s, login="dtc")
        staff.create_staff(
            s,
            parse_staff(
                {"staffNumber": "A1", "lastName": "Lee", "firstName": "Ann", "ssn": "123-45-6789"}
            ),
        )
        staff.create_staff(
            s,
            parse_staff(
                {"staffNumber": "A2", "lastName": "Kim", "firstName": "Bo", "ssn": "987-65-4321"}
            ),
        )
    with store.transaction() as s:
        return credentials.get_credentials(s, reveal=True)


def test_rotate_reencrypts_every_ssn_and_drops_the_old_key(store, file_key):
    creds = _seed(store)
    old_keys = crypto.vault().keys
    with store.session() as s:
        before = {p.staff_number: (p.ssn_enc, p.ssn_hash) for p in s.scalars(select(Person))}
    result = keys.rotate(store)
    assert result.persons == 2 and result.clients == 1
    with store.session() as s:
        assert credentials.get_credentials(s, reveal=True).clientSecret == creds.clientSecret
        assert credentials.authenticate_client(s, creds.clientId, creds.clientSecret) is not None
    new = crypto.vault()
    assert new.keys[0] not in old_keys and len(new.keys) == 1
    assert crypto.key_path().stat().st_mode & 0o777 == 0o600
    with store.session() as s:
        after = {p.staff_number: p for p in s.scalars(select(Person))}
    assert new.decrypt(after["A1"].ssn_enc) == "123456789"
    assert after["A1"].ssn_enc != before["A1"][0] and after["A1"].ssn_hash != before["A1"][1]
    assert after["A2"].ssn_hash == new.hash("987654321")
    # the old key alone can no longer read anything
    with pytest.raises(crypto.KeyError_):
        crypto.Vault(old_keys[0]).decrypt(after["A1"].ssn_enc)


def test_an_interrupted_rotation_finishes_on_the_next_run(store, file_key, monkeypatch):
    _seed(store)
    boom = RuntimeError("disk full")

    def fail(*_a, **_k):
        raise boom

    with monkeypatch.context() as m:
        m.setattr(keys, "reencrypt_all", fail)
        with pytest.raises(RuntimeError):
            keys.rotate(store)
    assert len(crypto.vault().keys) == 2  # both keys kept: nothing is unreadable
    with store.session() as s:
        p = s.scalar(select(Person).where(Person.staff_number == "A1"))
        assert crypto.vault().decrypt(p.ssn_enc) == "123456789"
    keys.rotate(store)
    assert len(crypto.vault().keys) == 1


def test_rotate_with_env_key_asks_for_new_and_old(store, monkeypatch):
    crypto._vault_for.cache_clear()
    with pytest.raises(CoreError, match="NEW,OLD"):
        keys.rotate(store)
    _seed(store)
    old = os.environ["BO_TUI_KEY"]
    new = base64.urlsafe_b64encode(b"n" * 32).decode()
    monkeypatch.setenv("BO_TUI_KEY", f"{new},{old}")
    assert keys.rotate(store).persons == 2
    monkeypatch.setenv("BO_TUI_KEY", new)
    with store.session() as s:
        p = s.scalar(select(Person).where(Person.staff_number == "A2"))
        assert crypto.vault().decrypt(p.ssn_enc) == "987654321"
    crypto._vault_for.cache_clear()


def test_cli_key_rotate(tmp_path, file_key, capsys):
    db = f"sqlite:///{tmp_path / 'k.db'}"
    assert main(["--db", db, "demo", "--staff", "20"]) == 0
    capsys.readouterr()
    assert main(["--db", db, "key", "rotate"]) == 0
    out = capsys.readouterr().out
    assert "re-encrypted" in out and "6789" not in out
