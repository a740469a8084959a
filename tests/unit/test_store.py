"""Store round trips (SPEC section 3), foreign keys, and the SSN never in clear text."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from bo_tui.store import Store, StoreError
from bo_tui.store.crypto import mask_ssn, vault
from bo_tui.store.models import Identity, Person, Position, School


def test_person_with_identity_and_position_round_trips(any_store):
    with any_store.transaction() as s:
        school = School(school_number="010", name="Lakeside")
        p = Person(staff_number="10058", birth_date=dt.date(1979, 12, 26))
        p.identities.append(Identity(last_name="Brown", first_name="Allison", is_current=True))
        s.add_all([school, p])
        s.flush()
        p.positions.append(Position(school_id=school.id, start_date=dt.date(2023, 10, 1)))
    with any_store.session() as s:
        got = s.scalar(select(Person).where(Person.staff_number == "10058"))
        assert got.birth_date == dt.date(1979, 12, 26)
        assert [i.last_name for i in got.identities] == ["Brown"]
        assert got.positions[0].school.school_number == "010"


def test_R_DEMO_3_only_one_current_identity_per_person(any_store):
    with pytest.raises(IntegrityError), any_store.transaction() as s:
        p = Person(staff_number="1")
        p.identities.append(Identity(last_name="A", first_name="B", is_current=True))
        p.identities.append(Identity(last_name="C", first_name="D", is_current=True))
        s.add(p)


def test_foreign_keys_are_enforced(store):
    with pytest.raises(IntegrityError), store.transaction() as s:
        s.add(Position(person_id=999, school_id=999))


def test_ssn_is_encrypted_and_hashed_never_stored_in_clear(tmp_path):
    path = tmp_path / "pii.db"
    st = Store(f"sqlite:///{path}")
    v = vault()
    with st.transaction() as s:
        s.add(
            Person(staff_number="1", ssn_enc=v.encrypt("123456789"), ssn_hash=v.hash("123456789"))
        )
    st.dispose()
    raw = path.read_bytes()
    assert b"123456789" not in raw and b"123-45-6789" not in raw
    st = Store(f"sqlite:///{path}")
    with st.session() as s:
        p = s.scalar(select(Person))
        assert v.decrypt(p.ssn_enc) == "123456789"
        assert p.ssn_hash == v.hash("123456789") != v.hash("123456780")
    assert mask_ssn("123456789") == "***-**-6789"


def test_key_file_is_created_0600_outside_the_database_dir(monkeypatch, tmp_path):
    from bo_tui.store import crypto

    monkeypatch.delenv("BO_TUI_KEY")
    crypto._vault_for.cache_clear()
    v = crypto.vault()
    path = crypto.key_path()
    assert path.stat().st_mode & 0o777 == 0o600
    assert v.decrypt(crypto.vault().encrypt("x")) == "x"


def test_bad_db_url_is_a_store_error_not_a_traceback():
    with pytest.raises(StoreError, match="--db"):
        Store("not a url at all")


def test_default_store_lives_under_the_user_data_dir(monkeypatch, tmp_path):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    st = Store()
    assert st.location.startswith(str(tmp_path))
    assert (tmp_path / "bo-tui" / "bo-tui.db").exists()
