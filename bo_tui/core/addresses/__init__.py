"""The address engine (R-ADDR-1 … R-ADDR-7): every address, however written, is reduced to USPS
Publication 28 normal form and stored once (forms, parse, normalize, keys, match, rekey)."""

from __future__ import annotations

from .keys import (
    _plan_cached,
    candidate_keys,
    check_payload,
    key_location,
    normalized_key,
    normalized_key_of,
    staging_keys,
)
from .match import resolve, search, to_payload
from .normalize import (
    _CACHED_NORMALIZERS,
    CACHE_SIZE,
    COLUMNS,
    KEY_FIELDS,
    MAX_SEARCH,
    NORM_FIELDS,
    STREET_FIELDS,
    _norm_number_cached,
    _normalize_rest,
    _normalize_tuple,
    address_key,
    norm_apt,
    norm_city,
    norm_county,
    norm_directional,
    norm_number,
    norm_state,
    norm_street,
    norm_tag,
    norm_zip,
    normalize_components,
    street_line,
)
from .parse import _crf_tag_cached, _parse_cached, parse_full
from .rekey import Rekeyed, rekey

__all__ = [
    "CACHE_SIZE",
    "COLUMNS",
    "KEY_FIELDS",
    "MAX_SEARCH",
    "NORM_FIELDS",
    "Rekeyed",
    "STREET_FIELDS",
    "address_key",
    "cache_clear",
    "candidate_keys",
    "check_payload",
    "key_location",
    "norm_apt",
    "norm_city",
    "norm_county",
    "norm_directional",
    "norm_number",
    "norm_state",
    "norm_street",
    "norm_tag",
    "norm_zip",
    "normalize_components",
    "normalized_key",
    "normalized_key_of",
    "parse_full",
    "rekey",
    "resolve",
    "search",
    "staging_keys",
    "street_line",
    "to_payload",
]


def cache_clear() -> None:
    """Forget every cached normalization and parse (tests, benchmarks)."""
    _normalize_tuple.cache_clear()
    _normalize_rest.cache_clear()
    _norm_number_cached.cache_clear()
    for fn in _CACHED_NORMALIZERS.values():
        fn.cache_clear()
    _parse_cached.cache_clear()
    _crf_tag_cached.cache_clear()
    _plan_cached.cache_clear()
