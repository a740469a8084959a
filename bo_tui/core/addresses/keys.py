"""Validation, the plan of one sent address and its keys (R-ADDR-1 … R-ADDR-4, R-ADDR-7):
which key is tried first, which after a re-parse, and which a new row is created with."""

# Matching (R-ADDR-4): the normalized components' key; else the parts are joined and
# re-parsed and that key is tried (for text, also the reading with a spelled-out prefix as
# part of the name: "100 West End Ave" matches a stored street WEST END); else a row is
# created. The re-parsed parts are stored only when the components were visibly misplaced (a
# suffix or unit inside ``street``, a non-directional prefix …); otherwise the sender's split
# is kept, so a street named "West End" keeps its name.

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from operator import attrgetter
from typing import Any, NamedTuple

from bo_tui.core import address_data as data
from bo_tui.core.errors import FieldError, RuleViolation

from .normalize import (
    _ORDINAL_NUMERAL,
    _RAW_FIELDS,
    _WIDTH,
    CACHE_SIZE,
    KEY_FIELDS,
    NORM_FIELDS,
    STREET_FIELDS,
    _hashable,
    _normalize_tuple,
    _truthy,
    norm_apt,
    unit_key,
)
from .parse import _parse_cached, _prepare


def _sent(value: Any) -> bool:
    if value is None or value is False:
        return False
    return bool(value.strip()) if isinstance(value, str) else True


def _field(path: str, name: str) -> str:
    if not name:
        return path or "address"
    return f"{path}.{name}" if path else name


_Problem = tuple[str, str, str]  # (field name relative to the address, message, rule)


def _structure_problems(raw: Mapping[str, Any]) -> list[_Problem]:
    """R-ADDR-1 and R-ADDR-2 on what was sent (before any normalization)."""
    full = _sent(raw.get("fullStreetAddress"))
    components = [k for k in STREET_FIELDS if _sent(raw.get(k))]
    po = _truthy(raw.get("postOfficeBox"))
    problems: list[_Problem] = []
    if not (full or components or po):
        problems.append(
            (
                "",
                "an address needs fullStreetAddress, or number and street, or a PO box",
                "R-ADDR-1",
            )
        )
        return problems
    if full and components:
        problems.append(
            (
                "fullStreetAddress",
                "send either fullStreetAddress or the street components, not both "
                f"(also sent: {', '.join(components)})",
                "R-ADDR-1",
            )
        )
    if po:
        for k in ("prefix", "street", "tag", "direction", "apt"):
            if _sent(raw.get(k)):
                problems.append(
                    (
                        k,
                        f"a PO box (postOfficeBox true) cannot have {k}: it takes only "
                        "number, city, state, zip and county",
                        "R-ADDR-2",
                    )
                )
        if not full and not _sent(raw.get("number")):
            problems.append(("number", "a PO box needs its box number", "R-ADDR-2"))
        for k in ("city", "state", "zip"):
            if not _sent(raw.get(k)):
                problems.append((k, f"a PO box needs {k} (city, state and zip)", "R-ADDR-2"))
    elif not full and not _sent(raw.get("street")):
        problems.append(
            ("street", "a street address needs street (or send fullStreetAddress)", "R-ADDR-1")
        )
    return problems


def _value_problems(norm: Mapping[str, str], field_of: Mapping[str, str]) -> list[_Problem]:
    """Normalized values that cannot be a US address (R-ADDR-3), named by their sent field."""
    problems: list[_Problem] = []
    for k in ("prefix", "direction"):
        v = norm.get(k, "")
        if v and v not in data.DIRECTIONAL_STANDARDS:
            problems.append(
                (
                    field_of[k],
                    f"{k} must be a directional: N, S, E, W, NE, NW, SE or SW",
                    "R-ADDR-3",
                )
            )
    state = norm.get("state", "")
    if state and state not in data.STATE_CODES:
        problems.append(
            (field_of["state"], "state is not a US state, territory or two-letter code", "R-ADDR-3")
        )
    z = norm.get("zip", "")
    if z and not (len(z) == 5 and z.isdigit()):
        problems.append((field_of["zip"], "zip must be a 5-digit ZIP code or ZIP+4", "R-ADDR-3"))
    for k, width in _WIDTH.items():
        if len(norm.get(k, "")) > width:
            problems.append(
                (field_of[k], f"{k} is too long (at most {width} characters)", "R-ADDR-3")
            )
    # One problem per field is enough for the sender.
    seen: set[str] = set()
    return [p for p in problems if not (p[0] in seen or seen.add(p[0]))]


def _values_fine(values: tuple[str, ...]) -> bool:
    """True when ``_value_problems`` has nothing to say about these normalized values
    (NORM_FIELDS order): the quick test for the common, valid address. Directionals, the state
    code and a 5-digit zip are within their widths, so only the free-text fields are measured."""
    _, number, prefix, street, tag, direction, apt, city, state, z, county = values
    return (
        (not prefix or prefix in data.DIRECTIONAL_STANDARDS)
        and (not direction or direction in data.DIRECTIONAL_STANDARDS)
        and (not state or state in data.STATE_CODES)
        and (not z or len(z) == 5 and z.isdigit())
        and len(number) <= _WIDTH["number"]
        and len(street) <= _WIDTH["street"]
        and len(tag) <= _WIDTH["tag"]
        and len(apt) <= _WIDTH["apt"]
        and len(city) <= _WIDTH["city"]
        and len(county) <= _WIDTH["county"]
    )


def _raise(problems: list[_Problem], path: str) -> None:
    if problems:
        raise RuleViolation([FieldError(_field(path, f), m, r) for f, m, r in problems])


def check_payload(addr, path: str) -> None:
    """Every address rule that needs no store: R-ADDR-1, R-ADDR-2, an empty address, values that
    cannot be a US address (R-ADDR-3) and an unparseable fullStreetAddress (R-ADDR-5). Raises
    RuleViolation with JSON paths under ``path``; passes exactly when ``normalized_key_of``
    gives a key. The work is cached for the resolve that follows."""
    _plan(addr, path)


class _Plan(NamedTuple):
    """How one sent address resolves: the key tried first, the parts a new row gets, and the
    street line to re-parse on a miss (components only). A named tuple, not a frozen
    dataclass: one is built per uncached address and its construction is three times cheaper."""

    first: tuple[str, ...]
    first_key: str
    canon: tuple[str, ...]
    canon_key: str
    street_parts: tuple | None  # the sent number … apt, joined and re-parsed on a miss
    alt_key: str | None = None


def _raw_of(addr) -> dict[str, Any]:
    if isinstance(addr, Mapping):
        return {k: addr.get(k) for k in _RAW_FIELDS}
    return {k: getattr(addr, k, None) for k in _RAW_FIELDS}


def _suspicious(values: tuple[str, ...]) -> bool:
    """Components that look misplaced: the re-parse is more likely right than the sender.
    ``values`` are the normalized components in NORM_FIELDS order."""
    _, number, prefix, street, tag, direction, apt = values[:7]
    if prefix and prefix not in data.DIRECTIONAL_STANDARDS:
        return True
    if direction and direction not in data.DIRECTIONAL_STANDARDS:
        return True
    if tag and tag not in data.SUFFIX_STANDARDS:
        return True
    if number and (" " in number and "/" not in number or not any(c.isdigit() for c in number)):
        return True
    if " " not in street:  # one word (the common case): nothing inside it can be misplaced
        return False
    words = street.split()
    if len(words) < 2:
        return False
    if not tag and words[-1] in data.STREET_SUFFIX_C1:
        return True
    if not prefix and words[0] in data.DIRECTIONAL_STANDARDS:
        return True
    if not direction and words[-1] in data.DIRECTIONAL_STANDARDS:
        return True
    if not number and words[0][0].isdigit() and not _ORDINAL_NUMERAL.match(words[0]):
        return True
    return not apt and any(w in data.UNIT_DESIGNATORS_C2 for w in words[1:])


def _reparse_line(parts: tuple) -> str:
    """The sent street components (STREET_FIELDS order) joined as a human would write them."""
    *line, apt = parts
    if _sent(apt):
        napt = norm_apt(apt)
        if napt and napt.split()[0] not in data.UNIT_STANDARDS:
            apt = f"APT {napt}"
    return " ".join(str(p).strip() for p in (*line, apt) if _sent(p))


def _plausible(parsed: tuple[str, ...], number: str) -> bool:
    """Whether a re-parse (``_Parsed.values``) of the sent components can be trusted
    (``number`` as normalized)."""
    po, parsed_number, _, street = parsed[:4]
    if po or not street:
        return False
    if number:
        return parsed_number == number
    return not parsed_number or parsed_number.isdigit()


def _with_location(parsed: tuple[str, ...], values: tuple[str, ...]) -> tuple[str, ...]:
    """Street parts from ``parsed`` (``_Parsed.values``), location (city, state, zip, county)
    as sent (``values``, normalized, NORM_FIELDS order) or else as parsed."""
    return (
        *parsed[:7],
        values[7] or parsed[7],
        values[8] or parsed[8],
        values[9] or parsed[9],
        values[10],
    )


_SAME_FIELDS = {k: k for k in NORM_FIELDS}
_FULL_FIELDS = {k: "fullStreetAddress" for k in NORM_FIELDS}


def _key_of(values: tuple[str, ...]) -> str:
    apt = values[6]
    if " " in apt:  # a designator, or two units: the key holds the numbers (R-ADDR-7)
        return "|".join((*values[:6], unit_key(apt), *values[7 : len(KEY_FIELDS)]))
    return "|".join(values[: len(KEY_FIELDS)])


_NO_STREET = (None,) * len(STREET_FIELDS)


def _street_sent(raw_items: tuple) -> bool:
    """Whether any street component (number … apt) was sent."""
    street = raw_items[1:7]
    return street != _NO_STREET and any(map(_sent, street))


def _plan_text(full: str, sent: tuple[str, ...]) -> _Plan | tuple[_Problem, ...]:
    """The plan of a ``fullStreetAddress`` (``sent``: the normalized fields sent beside it)."""
    parsed = _parse_cached(_prepare(full))
    if isinstance(parsed, str):
        return (("fullStreetAddress", f"fullStreetAddress {parsed}", "R-ADDR-5"),)
    alt = parsed.alt
    parsed = parsed.values
    if sent[0] and not parsed[0]:
        return (
            (
                "postOfficeBox",
                "postOfficeBox is true but fullStreetAddress is a street address",
                "R-ADDR-2",
            ),
        )
    values = _with_location(parsed, sent)
    if parsed[0]:  # a PO box
        location = dict(zip(NORM_FIELDS, values, strict=True))
        missing = [k for k in ("city", "state", "zip") if not location[k]]
        if missing:
            return tuple(
                (k, f"a PO box needs {k} (city, state and zip)", "R-ADDR-2") for k in missing
            )
    if not _values_fine(values):
        fields = dict(_FULL_FIELDS)
        for k, v in zip(NORM_FIELDS[7:], sent[7:], strict=True):  # city, state, zip, county
            if v:
                fields[k] = k
        problems = _value_problems(dict(zip(NORM_FIELDS, values, strict=True)), fields)
        if problems:
            return tuple(problems)
    key = _key_of(values)
    return _Plan(values, key, values, key, None, _alt_key(values, alt))


@lru_cache(maxsize=CACHE_SIZE)
def _plan_cached(raw_items: tuple) -> _Plan | tuple[_Problem, ...]:
    # ``raw_items`` and the normalized ``values`` are in _RAW_FIELDS / NORM_FIELDS order, read
    # by position: building dicts of them was a good part of an uncached plan's cost.
    full = raw_items[11]
    sent_full = _sent(full)
    if _truthy(raw_items[0]) or (_street_sent(raw_items) if sent_full else not _sent(raw_items[3])):
        # Possibly a structural problem (the common shapes above have none): check in full.
        problems = _structure_problems(dict(zip(_RAW_FIELDS, raw_items, strict=True)))
        if problems:
            return tuple(problems)
    # The uncached normalizer: this plan is the cache entry, one per address is enough.
    values = _normalize_tuple.__wrapped__(raw_items[: len(NORM_FIELDS)])
    if sent_full:
        return _plan_text(full, values)
    first = values
    canon = first
    parts = None if values[0] else raw_items[1:7]  # the sent STREET_FIELDS
    if parts and _suspicious(values):
        parsed = _parse_cached(_prepare(_reparse_line(parts)))
        if not isinstance(parsed, str) and _plausible(parsed.values, values[1]):
            canon = _with_location(parsed.values, values)
    if not _values_fine(canon):
        problems = _value_problems(dict(zip(NORM_FIELDS, canon, strict=True)), _SAME_FIELDS)
        if problems:
            return tuple(problems)
    first_key = _key_of(first)
    canon_key = first_key if canon is first else _key_of(canon)
    return _Plan(first, first_key, canon, canon_key, parts)


_raw_attrs = attrgetter(*_RAW_FIELDS)


def _plan(addr, path: str) -> _Plan:
    if type(addr) is dict or isinstance(addr, Mapping):  # a plain dict: skip the ABC check
        raw = tuple(map(addr.get, _RAW_FIELDS))
    else:
        try:
            raw = _raw_attrs(addr)
        except AttributeError:  # an object without some of the fields
            raw = tuple(getattr(addr, k, None) for k in _RAW_FIELDS)
    try:
        plan = _plan_cached(raw)
    except TypeError:  # an unhashable value: use its text
        plan = _plan_cached(tuple(map(_hashable, raw)))
    if not isinstance(plan, _Plan):
        _raise(list(plan), path)
    return plan


def _later_keys(plan: _Plan) -> tuple[str, ...]:
    """R-ADDR-4 second step: the keys of the joined, re-parsed street line (and of its reading
    with a spelled-out prefix as part of the name), those that differ from the first key."""
    if plan.street_parts is None:  # a fullStreetAddress (parsed already) or a PO box
        return (plan.alt_key,) if plan.alt_key else ()
    line = _reparse_line(plan.street_parts)
    parsed = _parse_cached(_prepare(line)) if line else "is empty"
    if isinstance(parsed, str):
        return ()
    values = _with_location(parsed.values, plan.first)
    keys = (_key_of(values), _alt_key(values, parsed.alt))
    return tuple(dict.fromkeys(k for k in keys if k and k != plan.first_key))


def _alt_key(values: tuple[str, ...], alt: tuple[str, str] | None) -> str | None:
    """The key of the alternative reading of a parsed line (matched, never created)."""
    if not alt:
        return None
    prefix, street = alt
    return _key_of((*values[:2], prefix, street, *values[4:]))


def normalized_key(addr) -> str:
    """The key ``resolve`` matches first and creates with; raises RuleViolation if invalid."""
    return _plan(addr, "").canon_key


def normalized_key_of(addr) -> str | None:
    """The key an address resolves to without touching the store; None if it is invalid."""
    try:
        return _plan(addr, "").canon_key
    except RuleViolation:
        return None


def staging_keys(addr) -> tuple[str | None, str | None]:
    """The canonical key (what ``normalized_key_of`` gives) and the key ``resolve`` tries
    first (the components as sent), from one cached plan; (None, None) if invalid."""
    try:
        plan = _plan(addr, "")
    except RuleViolation:
        return None, None
    return plan.canon_key, plan.first_key


def key_location(key: str) -> tuple[str, ...]:
    """City, state and zip of a normalized key: every candidate key of an address has its
    sent location (``_with_location``), so no other Campus location can match it."""
    return tuple(key.rsplit("|", 3)[1:])


def candidate_keys(addr) -> tuple[str, ...]:
    """Every key ``resolve`` would accept for this address, in its matching order (R-ADDR-4)."""
    try:
        plan = _plan(addr, "")
    except RuleViolation:
        return ()
    return tuple(dict.fromkeys((plan.first_key, *_later_keys(plan), plan.canon_key)))
