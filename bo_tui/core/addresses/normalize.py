"""USPS Publication 28 normal form of each address component, and the key of an address
(R-ADDR-3, R-ADDR-7): the part of the address engine that needs neither a parser nor a store."""

# Normal form (R-ADDR-3), per component, uppercase ASCII, periods/commas/apostrophes dropped:
# - prefix/direction: Pub 28 directionals (North, N., "North West", N.W., Noroeste → N / NW).
# - tag: Pub 28 C1, every listed variant → its abbreviation (Avenue, Av, Aven, Avn → AVE).
# - street: ordinals as numerals (Fifth, 5th, "One Hundred Ninth" → 5TH, 109TH; "42th" → 42ND),
#   highway names spelled out (Hwy 61, CR 42 → HIGHWAY 61, COUNTY ROAD 42), a leading
#   St/Mt/Ft → SAINT/MOUNT/FORT. Directional words inside a street name are kept ("WEST END").
# - apt: Pub 28 C2 designators (Suite → STE, Building → BLDG, Floor → FL); APT, UNIT, '#' and NO
#   only say "a unit", so "Apt 12", "Unit 12", "#12" and "12" are stored as the bare "12".
#   In the key a unit is its number alone (R-ADDR-7: the unit number decides), so "# 4",
#   "Ste 4" and "Apt 4" are one address while the stored apt keeps the designator sent.
# - city: as sent, St/Ste/Mt/Ft → SAINT/SAINTE/MOUNT/FORT (Pub 28 spells them out); state:
#   names → two-letter codes; zip: ZIP5 (ZIP+4 is compared and stored on its first five
#   digits; a ZIP that lost its leading zeros in a spreadsheet is padded back).
# - PO boxes: "P.O. Box 125", "PO BOX 125", "Post Office Box 125", "POB 125" → box + 125.
# Normalizing is idempotent and the identity on values already in this form.
# usaddress-scourgify was evaluated and not used: it rejects PO boxes, leaves ordinal words
# alone, keeps "# 12" apart from "APT 12", echoes the address in its errors (PII) and pulls
# in PyYAML. Its C1 table was used to cross-check ``address_data``.

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from functools import lru_cache
from typing import Any

from bo_tui.core import address_data as data

KEY_FIELDS = (
    "postOfficeBox",
    "number",
    "prefix",
    "street",
    "tag",
    "direction",
    "apt",
    "city",
    "state",
    "zip",
)
STREET_FIELDS = ("number", "prefix", "street", "tag", "direction", "apt")
NORM_FIELDS = (*KEY_FIELDS, "county")
# Payload keys → Address columns, for storing and reading back.
COLUMNS = {
    "postOfficeBox": "post_office_box",
    "number": "number",
    "prefix": "prefix",
    "street": "street",
    "tag": "tag",
    "direction": "direction",
    "apt": "apt",
    "city": "city",
    "state": "state",
    "zip": "zip",
    "county": "county",
    "locationCode": "location_code",
    "tract": "tract",
    "block": "block",
}
# Column widths of the Address table: a normalized value longer than this is refused, not cut.
_WIDTH = {
    "number": 20,
    "prefix": 10,
    "street": 100,
    "tag": 10,
    "direction": 10,
    "apt": 30,
    "city": 60,
    "state": 2,
    "zip": 10,
    "county": 60,
}
_RAW_FIELDS = (*NORM_FIELDS, "fullStreetAddress")
# Per-process LRU caches keyed by the raw input (about 1 KB an entry): a repeated address costs
# a dict lookup. They hold normalized text only, never a row id, so any store may follow.
CACHE_SIZE = 50_000
MAX_SEARCH = 1000


_INNER_PERIOD = re.compile(r"(?<=[A-Z0-9]{2})\.(?=[A-Z0-9])")  # "ST.CHARLES" → "ST CHARLES"
_DROPPED = re.compile(r"['`\u2019.]")  # "O'Fallon" → OFALLON, "N.W." → NW, "P.O." → PO
_SEPARATORS = re.compile(r"[^A-Z0-9\s#/&-]")
_SPACES = re.compile(r"\s+")
_DASH = re.compile(r"\s*-\s*")
_DIGIT_LETTER_DASH = re.compile(r"(?<=\d)-(?=[A-Z])|(?<=[A-Z])-(?=\d)")
_NUMBER_LETTER = re.compile(r"^(\d+) ([A-Z])$")  # "4321 A" → 4321A
_ORDINAL_NUMERAL = re.compile(r"^(\d+)(ST|ND|RD|TH)$")
_PO_BOX_WORDS = re.compile(r"^(?:(?:POST OFFICE|P O|PO|POB|BOX|#)\s*)+")
_ZIP = re.compile(r"^(\d{3,5})(?:\s*-?\s*\d{4})?[\s-]*$")
_TRUE = frozenset({"Y", "YES", "T", "TRUE", "1", "ON", "X"})
_GLUED_UNIT = re.compile(
    r"^("
    + "|".join(
        sorted(
            (re.escape(k) for k in data.UNIT_DESIGNATORS_C2 if k.isalpha()), key=len, reverse=True
        )
    )
    + r")(?=\d)"
)


def _ascii_upper(value: Any) -> str:
    if value is None or value is False:
        return ""
    s = str(value)
    if not s.isascii():
        s = unicodedata.normalize("NFKD", s).encode("ascii", "ignore").decode()
    return s.upper()


def _clean(value: Any) -> str:
    """Uppercase ASCII words: periods and apostrophes vanish, other punctuation separates."""
    s = _ascii_upper(value)
    if not s:
        return ""
    if "." in s:
        s = _DROPPED.sub("", _INNER_PERIOD.sub(" ", s))
    elif "'" in s or "\u2019" in s or "`" in s:
        s = _DROPPED.sub("", s)
    s = _SEPARATORS.sub(" ", s)
    if "#" in s:
        s = s.replace("#", " # ")
    return _SPACES.sub(" ", s).strip()


def _truthy(value: Any) -> bool:
    if isinstance(value, str):
        return value.strip().upper() in _TRUE
    return bool(value)


def _ordinals(words: list[str]) -> list[str]:
    """Spelled-out and mis-suffixed ordinals → numeral + suffix (Pub 28: 5TH, 109TH, 42ND)."""
    out: list[str] = []
    i, n = 0, len(words)
    while i < n:
        w = words[i]
        if w in data.ORDINAL_VOCABULARY:
            for size in range(min(data.ORDINAL_MAX_WORDS, n - i), 0, -1):
                std = data.ORDINAL_WORDS.get(" ".join(words[i : i + size]))
                if std:
                    out.append(std)
                    i += size
                    break
            else:
                out.append(w)
                i += 1
            continue
        m = _ORDINAL_NUMERAL.match(w)
        if m:
            num = int(m.group(1))
            w = f"{num}{data.ordinal_suffix(num)}"
        out.append(w)
        i += 1
    return out


# Words before a highway's name that leave it a highway ("Old Hwy 50", "MO Hwy 179").
_ROUTE_MODIFIERS = frozenset({"OLD", "NEW", "BUSINESS", "BUS", "ALT"}) | data.STATE_CODES


def _highway(words: list[str]) -> list[str]:
    """A leading highway name followed by its number or letter → the spelled-out Pub 28 form
    (also after a modifier: "Old Hwy 50" → OLD HIGHWAY 50)."""
    starts = (0, 1) if len(words) > 2 and words[0] in _ROUTE_MODIFIERS else (0,)
    for start in starts:  # "CO RD 42" is County Road 42 before it is Colorado's RD 42
        for size in (4, 3, 2, 1):
            if len(words) > start + size:
                std = data.HIGHWAY_NAMES.get(" ".join(words[start : start + size]))
                nxt = words[start + size]
                if std and (len(nxt) <= 2 or any(c.isdigit() for c in nxt)):
                    return [*words[:start], *std.split(), *words[start + size :]]
    return words


def _name_text(value: Any) -> list[str]:
    s = _clean(value)
    if "-" in s or "&" in s:
        s = s.replace("-", " ").replace("&", " AND ")
    return s.split()


# ---------------------------------------------------------------------------- per field


def _dashless(s: str) -> str:
    return " ".join(s.replace("-", " ").split()) if "-" in s else s


def norm_number(value: Any, *, po_box: bool = False) -> str:
    if type(value) is str and value.isdigit() and value.isascii():
        return value  # the common house number: every step below leaves it as it is
    s = _clean(value)
    if not s:
        return ""
    if po_box:
        s = _PO_BOX_WORDS.sub("", s)
    s = s.replace("#", " ")
    if "-" in s:
        s = _DIGIT_LETTER_DASH.sub("", _DASH.sub("-", s))
    s = _SPACES.sub(" ", s).strip()
    return _NUMBER_LETTER.sub(r"\1\2", s)


def norm_directional(value: Any) -> str:
    s = _dashless(_clean(value))
    return data.DIRECTIONALS.get(s, s)


def norm_street(value: Any) -> str:
    words = _name_text(value)
    if not words:
        return ""
    words = _highway(_ordinals(words))
    if len(words) > 1 and words[0] in data.NAME_WORDS and words[1].isalpha():
        words[0] = data.NAME_WORDS[words[0]]  # "ST CHARLES", not "STE 200" (a misplaced unit)
    elif len(words) > 1 and data.STREET_SUFFIX_C1.get(words[0]) == "AVE":
        words[0] = "AVENUE"  # "Ave of the Americas", "Ave A": a name spelled out, as Pub 28 does
    return " ".join(words)


def norm_tag(value: Any) -> str:
    s = _dashless(_clean(value))
    return data.STREET_SUFFIX_C1.get(s, s)


def norm_apt(value: Any) -> str:
    s = _clean(value)
    if not s:
        return ""
    if "-" in s:
        s = _DIGIT_LETTER_DASH.sub("", _DASH.sub("-", s))
    words: list[str] = []
    for w in s.split():
        m = _GLUED_UNIT.match(w) if w not in data.UNIT_DESIGNATORS_C2 else None
        if m:
            words += [m.group(1), w[m.end() :]]
        else:
            words.append(w)
    words = _ordinals([data.UNIT_DESIGNATORS_C2.get(w, w) for w in words])
    # '#' after a designator is only decoration ("STE # 200").
    words = [
        w
        for i, w in enumerate(words)
        if not (w == "#" and i and words[i - 1] in data.UNIT_STANDARDS)
    ]
    while words and words[0] in data.UNIT_GENERIC:
        words.pop(0)
    if len(words) == 2 and "FL" in words:  # "2ND FLOOR", "FLOOR 2ND" → FL 2 (Pub 28 form)
        m = _ORDINAL_NUMERAL.match(words[1 - words.index("FL")])
        if m:
            words = ["FL", m.group(1)]
    return " ".join(words)


def norm_city(value: Any) -> str:
    words = _name_text(value)
    for i in range(len(words) - 1):
        words[i] = data.NAME_WORDS.get(words[i], words[i])
    return " ".join(words)


def norm_state(value: Any) -> str:
    s = _dashless(_clean(value))
    return data.STATES.get(s, s)


def norm_zip(value: Any) -> str:
    if value is None:
        return ""
    s = _clean(value)
    m = _ZIP.match(s)
    if m:
        return m.group(1).zfill(5)
    if len(s) == 9 and s.isdigit():
        return s[:5]
    return s


def norm_county(value: Any) -> str:
    return " ".join(_name_text(value))


_FIELD_NORMALIZERS = {
    "number": norm_number,
    "prefix": norm_directional,
    "street": norm_street,
    "tag": norm_tag,
    "direction": norm_directional,
    "apt": norm_apt,
    "city": norm_city,
    "state": norm_state,
    "zip": norm_zip,
    "county": norm_county,
}


# Per-component memos: a district's addresses share a few cities, zips, streets and suffixes,
# so each distinct component text is normalized once (the functions are pure; ``typed`` keeps
# 1 and True and "1" apart). Bounded like the other caches.
_CACHED_NORMALIZERS = {
    name: lru_cache(maxsize=CACHE_SIZE, typed=True)(fn) for name, fn in _FIELD_NORMALIZERS.items()
}
_norm_number_cached = lru_cache(maxsize=CACHE_SIZE, typed=True)(norm_number)
_NORM_TAIL = tuple(
    None if name == "number" else _CACHED_NORMALIZERS[name] for name in NORM_FIELDS[1:]
)


@lru_cache(maxsize=CACHE_SIZE)
def _normalize_tuple(raw: tuple) -> tuple[str, ...]:
    po = _truthy(raw[0])
    number = raw[1]
    if number is None:
        number = ""
    elif not (type(number) is str and number.isdigit() and number.isascii()):
        # (a plain house number is its own normal form: ``norm_number``'s first answer)
        try:
            number = _norm_number_cached(number, po_box=po)
        except TypeError:
            number = norm_number(number, po_box=po)
    try:
        rest = _normalize_rest(*raw[2:])
    except TypeError:  # an unhashable value
        rest = _normalize_rest.__wrapped__(*raw[2:])
    return ("Y" if po else "", number, *rest)


@lru_cache(maxsize=CACHE_SIZE, typed=True)
def _normalize_rest(*rest: Any) -> tuple[str, ...]:
    """Prefix … county normalized: the addresses of a district differ mostly by their number,
    so one cache lookup serves what would be eight (``typed`` keeps 1 and True apart)."""
    out = []
    for fn, value in zip(_NORM_TAIL[1:], rest, strict=True):
        if value is None:
            out.append("")  # every normalizer maps None to ""
        else:
            try:
                out.append(fn(value))
            except TypeError:  # an unhashable value: the uncached normalizer reads its text
                out.append(fn.__wrapped__(value))
    return tuple(out)


def normalize_components(parts: Mapping) -> dict[str, str]:
    """The Pub 28 normal form of each component (R-ADDR-3), '' for empty; keys of NORM_FIELDS."""
    raw = tuple(map(parts.get, NORM_FIELDS))
    try:
        values = _normalize_tuple(raw)
    except TypeError:  # an unhashable value (a list …): normalize its text
        values = _normalize_tuple(tuple(map(_hashable, raw)))
    return dict(zip(NORM_FIELDS, values, strict=True))


def _hashable(value: Any) -> Any:
    return value if value is None or isinstance(value, (str, bool, int)) else str(value)


@lru_cache(maxsize=CACHE_SIZE)
def unit_key(apt: str) -> str:
    """A normalized unit as the key holds it (R-ADDR-7). One unit is its identifier alone, as
    the unit number decides ("STE 4", "# 4", "4" → 4); a designator with no identifier is the
    unit itself ("REAR"). Nested units keep their designators, APT/UNIT/# as '#', in a fixed
    order, so "BLDG 2 APT 5" and "APT 5 BLDG 2" are one unit and "BLDG 5 APT 2" another."""
    words = apt.split()
    pairs: list[tuple[str, str]] = []
    i = 0
    while i < len(words):
        w = words[i]
        if w not in data.UNIT_STANDARDS:
            pairs.append(("#", w))
        elif i + 1 < len(words) and words[i + 1] not in data.UNIT_STANDARDS:
            pairs.append(("#" if w in data.UNIT_GENERIC else w, words[i + 1]))
            i += 1
        else:
            pairs.append((w, ""))
        i += 1
    if len(pairs) == 1:
        return pairs[0][1] or pairs[0][0]
    return " ".join(f"{d} {v}".strip() for d, v in sorted(pairs))


def address_key(norm: Mapping[str, str]) -> str:
    """The unique key of a normalized address: its key fields joined by ``|``, the unit by its
    number alone (``unit_key``)."""
    apt = norm.get("apt") or ""
    return "|".join(
        (unit_key(apt) if " " in apt else apt) if k == "apt" else norm.get(k) or ""
        for k in KEY_FIELDS
    )


def street_line(norm: Mapping[str, Any]) -> str:
    """One line for a screen: "4321 N LEXINGTON AVE NE APT 45" or "PO BOX 125"."""
    if norm.get("postOfficeBox") in (True, "Y"):
        return f"PO BOX {norm.get('number') or ''}".strip()
    apt = norm.get("apt") or ""
    if apt and apt.split()[0] not in data.UNIT_STANDARDS:
        apt = f"APT {apt}"
    parts = [norm.get(k) or "" for k in ("number", "prefix", "street", "tag", "direction")]
    return " ".join(p for p in (*parts, apt) if p)
