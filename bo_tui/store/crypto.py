"""Encryption of sensitive columns (SSN) and keyed hashes for equality matching.

The data key is 32 random bytes, from ``BO_TUI_KEY`` (URL-safe base64) or a 0600 file under
the platformdirs config dir, created on first use; never next to the database file.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import stat
from functools import lru_cache
from pathlib import Path

import platformdirs
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

KEY_ENV = "BO_TUI_KEY"
_PREFIX = "v1:"


class KeyError_(Exception):
    """The data key is missing, unreadable or malformed."""


def key_path() -> Path:
    return Path(platformdirs.user_config_dir("bo-tui")) / "data.key"


def _load_or_create_key() -> bytes:
    env = os.environ.get(KEY_ENV)
    if env:
        try:
            raw = base64.urlsafe_b64decode(env.strip() + "=" * (-len(env.strip()) % 4))
        except ValueError as exc:
            raise KeyError_(f"{KEY_ENV} is not URL-safe base64") from exc
        if len(raw) != 32:
            raise KeyError_(f"{KEY_ENV} must decode to 32 bytes")
        return raw
    path = key_path()
    if path.exists():
        raw = base64.urlsafe_b64decode(path.read_text().strip())
        if len(raw) != 32:
            raise KeyError_(f"the key file {path} is malformed")
        return raw
    path.parent.mkdir(parents=True, exist_ok=True)
    raw = os.urandom(32)
    # O_EXCL + 0600: never readable by others, never clobbered by a racing process.
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, stat.S_IRUSR | stat.S_IWUSR)
    except FileExistsError:
        return _load_or_create_key()
    with os.fdopen(fd, "w") as fh:
        fh.write(base64.urlsafe_b64encode(raw).decode())
    return raw


def new_key_text() -> str:
    """A fresh data key in the form ``BO_TUI_KEY`` takes."""
    return base64.urlsafe_b64encode(os.urandom(32)).decode()


def _derive(master: bytes, info: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=info).derive(master)


class Vault:
    """AES-GCM encryption and HMAC-SHA256 hashing with keys derived from one master key."""

    def __init__(self, master: bytes):
        self._aead = AESGCM(_derive(master, b"bo-tui ssn encryption"))
        self._mac_key = _derive(master, b"bo-tui ssn hash")

    def encrypt(self, plain: str) -> str:
        nonce = os.urandom(12)
        sealed = self._aead.encrypt(nonce, plain.encode(), None)
        return _PREFIX + base64.b64encode(nonce + sealed).decode()

    def decrypt(self, token: str) -> str:
        if not token.startswith(_PREFIX):
            raise ValueError("unknown ciphertext version")
        blob = base64.b64decode(token[len(_PREFIX) :])
        return self._aead.decrypt(blob[:12], blob[12:], None).decode()

    def hash(self, plain: str) -> str:
        return hmac.new(self._mac_key, plain.encode(), hashlib.sha256).hexdigest()


@lru_cache(maxsize=4)
def _vault_for(master: bytes) -> Vault:
    return Vault(master)


def vault() -> Vault:
    """The process's vault for the configured key (env first, then the key file)."""
    return _vault_for(_load_or_create_key())


def normalize_ssn(ssn: str) -> str:
    """Digits only: ``123-45-6789`` and ``123456789`` are one SSN."""
    return "".join(ch for ch in ssn if ch.isdigit())


def mask_ssn(plain: str | None) -> str:
    """``***-**-1234``; never more of it."""
    if not plain:
        return ""
    digits = normalize_ssn(plain)
    return "***-**-" + digits[-4:] if len(digits) >= 4 else "***-**-****"
