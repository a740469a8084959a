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
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

KEY_ENV = "BO_TUI_KEY"
_PREFIX = "v1:"


class KeyError_(Exception):
    """The data key is missing, unreadable or malformed."""


def key_path() -> Path:
    return Path(platformdirs.user_config_dir("bo-tui")) / "data.key"


def _decode(text: str, where: str) -> bytes:
    text = text.strip()
    try:
        raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except ValueError as exc:
        raise KeyError_(f"{where} is not URL-safe base64") from exc
    if len(raw) != 32:
        raise KeyError_(f"{where} must hold 32-byte keys")
    return raw


def _source() -> tuple[str, str | int]:
    """What the keys come from and a token that changes when they do (for the cache)."""
    env = os.environ.get(KEY_ENV)
    if env:
        return "env", env
    path = key_path()
    try:
        return "file", path.stat().st_mtime_ns
    except FileNotFoundError:
        return "file", 0


def _load_keys(kind: str) -> tuple[bytes, ...]:
    """The data keys, current first. ``BO_TUI_KEY`` may list several, comma-separated; the key
    file one per line. Older keys only decrypt, during a rotation (``bo-tui key rotate``)."""
    if kind == "env":
        return tuple(_decode(k, KEY_ENV) for k in os.environ[KEY_ENV].split(",") if k.strip())
    path = key_path()
    if path.exists():
        keys = tuple(
            _decode(line, f"the key file {path}")
            for line in path.read_text().splitlines()
            if line.strip()
        )
        if not keys:
            raise KeyError_(f"the key file {path} is empty")
        return keys
    write_key_file((os.urandom(32),), create=True)
    return _load_keys(kind)


def write_key_file(keys: tuple[bytes, ...], *, create: bool = False) -> Path:
    """Write the key file (0600, atomically: a crash leaves the old file or the new one)."""
    path = key_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    text = "".join(base64.urlsafe_b64encode(k).decode() + "\n" for k in keys)
    if create:
        # O_EXCL + 0600: never readable by others, never clobbered by a racing process.
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, stat.S_IRUSR | stat.S_IWUSR)
        except FileExistsError:
            return path
    else:
        tmp = path.with_suffix(".tmp")
        tmp.unlink(missing_ok=True)
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, stat.S_IRUSR | stat.S_IWUSR)
    with os.fdopen(fd, "w") as fh:
        fh.write(text)
        fh.flush()
        os.fsync(fh.fileno())
    if not create:
        os.replace(tmp, path)
    return path


def key_source() -> str:
    return KEY_ENV if _source()[0] == "env" else str(key_path())


def new_key_text() -> str:
    """A fresh data key in the form ``BO_TUI_KEY`` takes."""
    return base64.urlsafe_b64encode(os.urandom(32)).decode()


def _derive(master: bytes, info: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=info).derive(master)


class Vault:
    """AES-GCM encryption and HMAC-SHA256 hashing with keys derived from the current master
    key; older master keys (during a rotation) still decrypt."""

    def __init__(self, master: bytes, *older: bytes):
        self.keys = (master, *older)
        self._aeads = [AESGCM(_derive(k, b"bo-tui ssn encryption")) for k in self.keys]
        self._mac = hmac.new(_derive(master, b"bo-tui ssn hash"), digestmod=hashlib.sha256)

    def encrypt(self, plain: str) -> str:
        nonce = os.urandom(12)
        sealed = self._aeads[0].encrypt(nonce, plain.encode(), None)
        return _PREFIX + base64.b64encode(nonce + sealed).decode()

    def decrypt(self, token: str) -> str:
        if not token.startswith(_PREFIX):
            raise ValueError("unknown ciphertext version")
        blob = base64.b64decode(token[len(_PREFIX) :])
        for aead in self._aeads:
            try:
                return aead.decrypt(blob[:12], blob[12:], None).decode()
            except InvalidTag:
                continue
        raise KeyError_("a value was encrypted with a data key that is not configured")

    def hash(self, plain: str) -> str:
        mac = self._mac.copy()  # the keyed state, without deriving the pads again
        mac.update(plain.encode())
        return mac.hexdigest()


@lru_cache(maxsize=8)
def _vault_for(kind: str, token: str | int) -> Vault:
    return Vault(*_load_keys(kind))


def vault() -> Vault:
    """The process's vault for the configured keys (``BO_TUI_KEY`` first, then the key file),
    re-read when the key file changes."""
    return _vault_for(*_source())


def normalize_ssn(ssn: str) -> str:
    """Digits only: ``123-45-6789`` and ``123456789`` are one SSN."""
    return "".join(ch for ch in ssn if ch.isdigit())


def mask_ssn(plain: str | None) -> str:
    """``***-**-1234``; never more of it."""
    if not plain:
        return ""
    digits = plain if plain.isdigit() else normalize_ssn(plain)
    return "***-**-" + digits[-4:] if len(digits) >= 4 else "***-**-****"
