"""Address parsing, normalization and matching (R-ADDR-1 … R-ADDR-6).

First cut: the normalized key every address row carries. The full engine replaces this body
and keeps ``normalize_components`` and ``address_key``.
"""

from __future__ import annotations

import re

KEY_FIELDS = ("postOfficeBox", "number", "prefix", "street", "tag", "direction", "apt", "city", "state", "zip")

_PUNCT = re.compile(r"[^\w\s#/-]")
_SPACE = re.compile(r"\s+")


def _clean(value: str | None) -> str:
    if not value:
        return ""
    return _SPACE.sub(" ", _PUNCT.sub("", value)).strip().upper()


def normalize_components(parts: dict) -> dict[str, str]:
    norm = {k: _clean(parts.get(k)) for k in KEY_FIELDS if k != "postOfficeBox"}
    norm["postOfficeBox"] = "Y" if parts.get("postOfficeBox") else ""
    norm["zip"] = norm["zip"][:5]
    return norm


def address_key(norm: dict[str, str]) -> str:
    """The unique key of a normalized address: its key fields joined by ``|``."""
    return "|".join(norm.get(k, "") for k in KEY_FIELDS)
