"""Redaction of SSNs, secrets and tokens from payloads and text before they are stored or
shown (R-LOG-1, R-CRED-3): sensitive JSON/form keys by name, SSN-shaped values anywhere."""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import parse_qsl

REDACTED = "[REDACTED]"

# Compared after lower-casing and dropping "_", "-" and spaces: clientSecret = client_secret.
_SENSITIVE_KEYS = {
    "ssn",
    "socialsecuritynumber",
    "socialsecurity",
    "secret",
    "clientsecret",
    "password",
    "passwd",
    "pwd",
    "token",
    "accesstoken",
    "refreshtoken",
    "idtoken",
    "authorization",
    "apikey",
    "privatekey",
}

# 123-45-6789, 123 45 6789, 123456789 — not part of a longer run of digits (phones, zip+4
# with dash are 10+ digits or differently grouped).
_SSN = re.compile(r"(?<![\d])\d{3}[- ]?\d{2}[- ]?\d{4}(?![\d])")
# A credential is long: "Bearer scheme" in a sentence is not one.
_BEARER = re.compile(r"(?i)\b(bearer|basic)\s+[A-Za-z0-9._~+/=-]{12,}")
# key=value / "key": "value" / key: value in free text, for the sensitive key names. A bare
# value counts when it has a digit or 8+ characters, so "ssn: must be 9 digits" stays readable.
_KEYED = re.compile(
    r"""(?ix)
    (["']?)(ssn|social[_ -]?security(?:[_ -]?number)?|client[_-]?secret|secret|password|passwd|
        access[_-]?token|refresh[_-]?token|id[_-]?token|token|authorization|api[_-]?key)\1
    (\s*[:=]\s*)
    ("[^"]*"|'[^']*'|(?=[^\s&,;}\]]*\d)[^\s&,;}\]]+|[^\s&,;}\]]{8,})
    """
)
_MAX_DEPTH = 200


def is_sensitive_key(key: str) -> bool:
    return re.sub(r"[\s_\-]", "", key).lower() in _SENSITIVE_KEYS


def redact_text(text: str) -> str:
    """Free text: SSN-shaped numbers, bearer/basic credentials, ``secret=…`` pairs."""
    if not text:
        return text
    text = _BEARER.sub(lambda m: f"{m.group(1)} {REDACTED}", text)
    text = _KEYED.sub(lambda m: f"{m.group(1)}{m.group(2)}{m.group(1)}{m.group(3)}{REDACTED}", text)
    return _SSN.sub(REDACTED, text)


def redact_value(value: Any, _depth: int = 0) -> Any:
    """A decoded JSON value with sensitive keys and SSN-shaped values replaced."""
    if _depth > _MAX_DEPTH:
        return REDACTED
    if isinstance(value, dict):
        return {
            redact_text(str(k)): (
                REDACTED
                if is_sensitive_key(str(k)) and v is not None
                else redact_value(v, _depth + 1)
            )
            for k, v in value.items()
        }
    if isinstance(value, list):
        return [redact_value(v, _depth + 1) for v in value]
    if isinstance(value, str):
        return redact_text(value)
    if isinstance(value, int) and not isinstance(value, bool):
        return REDACTED if _SSN.fullmatch(str(abs(value))) else value
    return value


def _looks_like_form(text: str) -> bool:
    return "=" in text and not text.lstrip().startswith(("{", "[")) and "\n" not in text.strip()


def redact_payload(body: bytes | str | None, *, limit: int = 64_000) -> str:
    """A request body as text fit for the error log: JSON and form bodies redacted by key and
    by value, anything else as redacted text; cut to ``limit`` characters after redaction."""
    if body is None:
        return ""
    text = body.decode("utf-8", errors="replace") if isinstance(body, bytes) else body
    if not text.strip():
        return ""
    try:
        out = json.dumps(redact_value(json.loads(text)), ensure_ascii=False)
    except (ValueError, RecursionError):
        if _looks_like_form(text):
            pairs = parse_qsl(text, keep_blank_values=True)
            if pairs:
                # Decoded pairs, so the district reads ``client_secret=[REDACTED]`` plainly.
                out = "&".join(
                    f"{redact_text(k)}={REDACTED if is_sensitive_key(k) else redact_text(v)}"
                    for k, v in pairs
                )
            else:
                out = redact_text(text)
        else:
            out = redact_text(text)
    if len(out) > limit:
        out = out[:limit] + f" … ({len(out) - limit:,} more characters not stored)"
    return out
