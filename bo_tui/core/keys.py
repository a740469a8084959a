"""Rotation of the data key that encrypts SSNs (and the API client secret): every encrypted
value is re-encrypted and every keyed hash recomputed under the new key, in one transaction."""

from __future__ import annotations

import json
import os

from pydantic import BaseModel
from sqlalchemy import select, update

from ..store.crypto import KEY_ENV, Vault, key_source, vault, write_key_file
from ..store.models import Person
from ..store.models.integration import ApiClient
from ..store.models.sync import SyncStaged
from .errors import CoreError


class RotationResult(BaseModel):
    persons: int
    staged: int
    clients: int
    keySource: str


_BATCH = 2000


def reencrypt_all(session, old: Vault, new: Vault) -> RotationResult:
    """Re-encrypt and re-hash every sensitive value from ``old`` to ``new`` keys (bulk)."""
    p = Person.__table__
    persons = 0
    rows = session.execute(select(p.c.id, p.c.ssn_enc).where(p.c.ssn_enc.is_not(None))).all()
    for start in range(0, len(rows), _BATCH):
        batch = []
        for pid, enc in rows[start : start + _BATCH]:
            plain = old.decrypt(enc)
            batch.append({"pid": pid, "enc": new.encrypt(plain), "h": new.hash(plain)})
        session.connection().execute(
            update(p)
            .where(p.c.id == _bind("pid"))
            .values(ssn_enc=_bind("enc"), ssn_hash=_bind("h")),
            batch,
        )
        persons += len(batch)
    s = SyncStaged.__table__
    staged = 0
    for sync_id, number, payload in session.execute(
        select(s.c.sync_id, s.c.staff_number, s.c.payload).where(s.c.ssn_hash.is_not(None))
    ):
        doc = json.loads(payload)
        if not doc.get("ssn"):
            continue
        plain = old.decrypt(doc["ssn"])
        doc["ssn"] = new.encrypt(plain)
        session.execute(
            update(s)
            .where(s.c.sync_id == sync_id, s.c.staff_number == number)
            .values(payload=json.dumps(doc, separators=(",", ":")), ssn_hash=new.hash(plain))
        )
        staged += 1
    clients = 0
    for client in session.scalars(select(ApiClient)):
        client.secret_enc = new.encrypt(old.decrypt(client.secret_enc))
        clients += 1
    session.flush()
    return RotationResult(persons=persons, staged=staged, clients=clients, keySource=key_source())


def _bind(name: str):
    from sqlalchemy import bindparam

    return bindparam(name)


def rotate(store) -> RotationResult:
    """``bo-tui key rotate``. With the key file: a new key is put first in the file (the old
    one kept for decrypting), everything is re-encrypted in one transaction, then the old key
    is dropped. A crash in between leaves both keys in the file: running rotate again finishes.
    With ``BO_TUI_KEY``: set it to ``NEW,OLD`` first; rotate re-encrypts to NEW."""
    current = vault()
    if os.environ.get(KEY_ENV):
        if len(current.keys) < 2:
            raise CoreError(
                f"the data key comes from {KEY_ENV}: set it to 'NEW,OLD' (a new key first, "
                "comma, the current key) and run rotate again; then set it to NEW alone"
            )
        with store.transaction() as session:
            return reencrypt_all(session, current, Vault(current.keys[0]))
    new_master = os.urandom(32)
    write_key_file((new_master, *current.keys))
    new = Vault(new_master)
    with store.transaction() as session:
        result = reencrypt_all(session, current, new)
    write_key_file((new_master,))
    return result
