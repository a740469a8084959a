"""Address parsing, normalization and matching (R-ADDR-1 … R-ADDR-6): every address is reduced
to USPS Publication 28 normal form and stored once, under the unique key ``address_key``.

Normal form (R-ADDR-3), per component, uppercase ASCII, periods/commas/apostrophes dropped:
- prefix/direction: Pub 28 directionals (North, N., "North West", N.W., Noroeste → N / NW).
- tag: Pub 28 C1, every listed variant → its abbreviation (Avenue, Av, Aven, Avn → AVE).
- street: ordinals as numerals (Fifth, 5th, "One Hundred Ninth" → 5TH, 109TH; "42th" → 42ND),
  highway names spelled out (Hwy 61, CR 42 → HIGHWAY 61, COUNTY ROAD 42), a leading St/Mt/Ft
  → SAINT/MOUNT/FORT. Directional words inside a street name are kept ("WEST END", "NORTH").
- apt: Pub 28 C2 designators (Suite → STE, Building → BLDG, Floor → FL). Decision: APT, UNIT,
  '#' and NO only say "a unit", so "Apt 12", "Unit 12", "#12" and "12" are one unit, stored
  as the bare "12" (Campus's apt field holds the number); STE 12, LOT 12, BLDG 2 stay distinct.
- city: as sent, St/Ste/Mt/Ft → SAINT/SAINTE/MOUNT/FORT (Pub 28 spells them out); state:
  names → two-letter codes; zip: ZIP5 (ZIP+4 is compared and stored on its first five digits;
  a ZIP that lost its leading zeros in a spreadsheet is padded back).
- PO boxes: "P.O. Box 125", "PO BOX 125", "Post Office Box 125", "POB 125" → postOfficeBox + 125.
Normalizing is idempotent and the identity on values already in this form.

Parsing (R-ADDR-5) uses usaddress after the same cleaning, so punctuation and case variants
parse alike; "North West" pairs are joined to NW first (usaddress misreads them). A plain
"…, CITY, STATE ZIP" tail is read here (usaddress often files the city under the unit), and
plain unambiguous lines (NUMBER DIR NAME SUFFIX DIR UNIT) skip the CRF (``_fast_tag``, tested
against usaddress). "Building 2 Apartment 5" is accepted; a real repetition ("Apt 4 Apt 5"),
an intersection or a street plus a PO box is a field error that never echoes the text.
A directional that is the only word besides the suffix is the name ("100 South St").

Matching (R-ADDR-4): the normalized components' key; else the parts are joined and re-parsed
and that key is tried (for text, also the reading with a spelled-out prefix as part of the
name: "100 West End Ave" matches a stored street WEST END); else a row is created (INSERT …
ON CONFLICT DO NOTHING, so two writers never make two rows; a SAVEPOINT on other databases).
The re-parsed parts are stored only when the components were visibly misplaced (a suffix or
unit inside ``street``, a non-directional prefix …); otherwise the sender's split is kept, so
a street named "West End" keeps its name ("North West End Ct" as text reads NW + END and
also matches a stored N + WEST END).

usaddress-scourgify (evaluated, not used at run time): it rejects PO boxes, leaves ordinal
words alone ("FIFTH ST"), keeps "# 12" apart from "APT 12", echoes the address in its errors
(PII) and pulls in PyYAML. Its C1 table was used to cross-check ``address_data`` (which adds
CMNS, XRDS, TRLR and drops its non-USPS extras such as CR → CRK); the rest is written here.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from functools import lru_cache
from operator import attrgetter
from typing import Any, NamedTuple

import usaddress
from sqlalchemy import bindparam, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, make_transient_to_detached

from bo_tui.store.models import Address

from . import address_data as data
from .errors import FieldError, RuleViolation

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

# ---------------------------------------------------------------------------- cleaning

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


def _highway(words: list[str]) -> list[str]:
    """A leading highway name followed by its number or letter → the spelled-out Pub 28 form."""
    for size in (4, 3, 2, 1):
        if len(words) > size:
            std = data.HIGHWAY_NAMES.get(" ".join(words[:size]))
            nxt = words[size]
            if std and (len(nxt) == 1 or any(c.isdigit() for c in nxt)):
                return [*std.split(), *words[size:]]
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


def address_key(norm: Mapping[str, str]) -> str:
    """The unique key of a normalized address: its key fields joined by ``|``."""
    return "|".join(norm.get(k) or "" for k in KEY_FIELDS)


def street_line(norm: Mapping[str, Any]) -> str:
    """One line for a screen: "4321 N LEXINGTON AVE NE APT 45" or "PO BOX 125"."""
    if norm.get("postOfficeBox") in (True, "Y"):
        return f"PO BOX {norm.get('number') or ''}".strip()
    apt = norm.get("apt") or ""
    if apt and apt.split()[0] not in data.UNIT_STANDARDS:
        apt = f"APT {apt}"
    parts = [norm.get(k) or "" for k in ("number", "prefix", "street", "tag", "direction")]
    return " ".join(p for p in (*parts, apt) if p)


# ---------------------------------------------------------------------------- parsing


class _Unparseable(Exception):
    """A fullStreetAddress usaddress cannot read as one street address or PO box."""


_PAIR = re.compile(r"\b([NS])\.\s*([EW])\b\.?")
_PAIR_WORDS = {
    ("NORTH", "EAST"): "NE",
    ("NORTH", "WEST"): "NW",
    ("SOUTH", "EAST"): "SE",
    ("SOUTH", "WEST"): "SW",
}


_TEXT_SEPARATORS = re.compile(r"[^A-Z0-9\s#/&,-]")


def _joined_pair(m: re.Match) -> str:
    """ "N. W." → NW: a function, as a template ("\\1\\2") is re-read by ``re`` on every call."""
    return m[1] + m[2]


def _prepare(full: str) -> str:
    """The text the parser sees: cleaned like the components (dotted pairs "N. W." joined)."""
    s = _ascii_upper(full)
    if "." in s:  # the pair, inner-period and dropped-character patterns all need a period …
        if "N." in s or "S." in s:
            s = _PAIR.sub(_joined_pair, s)
        s = _DROPPED.sub("", _INNER_PERIOD.sub(" ", s))
    elif "'" in s or "\u2019" in s or "`" in s:  # … but for apostrophes (dropped too)
        s = _DROPPED.sub("", s)
    s = _TEXT_SEPARATORS.sub(" ", s)
    if "&" in s and s.lstrip()[:1].isdigit():
        s = s.replace("&", " AND ")  # "100 Lewis & Clark Dr"; an intersection has no number
    # The text is ASCII here, where str.split's whitespace is exactly the regex's \s.
    return " ".join(s.split()).strip(" ,")


def _join_pairs(text: str) -> tuple[str, tuple[str, str] | None]:
    """ "North West" → NW (usaddress misreads the pair), and the pair when it was the prefix
    (right after the house number): "North West End Ct" may also be N + WEST END."""
    line, sep, rest = text.partition(",")
    words = line.split()
    leading = None
    # Every pair starts with NORTH or SOUTH: most lines have neither.
    i = 0 if "NORTH" in line or "SOUTH" in line else len(words)
    while i < len(words) - 1:
        a, _, b = words[i].partition("-")
        pair = (a, b) if b else (words[i], words[i + 1])
        code = _PAIR_WORDS.get(pair)
        width = 1 if b else 2
        # A pair is a directional only with a street on its other side; "100 South West St"
        # is a street named South West.
        if code and (len(words) - i - width >= 2 or i >= 2):
            words[i : i + width] = [code]
            leading = pair if i == 1 else leading
        i += 1
    return " ".join(words) + sep + rest, leading


_UNIT_LABELS = frozenset(
    {"SubaddressType", "SubaddressIdentifier", "OccupancyType", "OccupancyIdentifier"}
)
_REPEATED = (
    "cannot be parsed: a part of it (such as a unit number) appears twice; "
    "send the address as components"
)


def _repeated_units(words: list[str]) -> bool:
    """Two units of one kind ("Apt 4 Apt 5", "Unit 4 #5"): which one is meant is unknown."""
    kinds = [data.UNIT_DESIGNATORS_C2[w] for w in words if w in data.UNIT_DESIGNATORS_C2]
    kinds = ["APT" if k in data.UNIT_GENERIC else k for k in kinds]
    return len(kinds) != len(set(kinds))


# usaddress's tokens (its ``tokenize`` pattern, with positions).
_USADDRESS_TOKEN = re.compile(r"\(*\b[^\s,;#&()]+[.,;)\n]*|[#&]")


def _crf_tag(text: str) -> tuple[dict[str, str], str]:
    """``usaddress.tag``, memoized up to the value of its all-digit tokens. usaddress's features
    of such a token are only its length and trailing zeros (``tokenFeatures``), so the labels of
    "6640 CHURCH AVE" and "1234 CHURCH AVE" are the same: the CRF runs once per shape, on a
    stand-in per number (same length and zeros, a distinct digit each), mapped back here."""
    if "&#38;" in text or "&amp;" in text:
        return usaddress.tag(text)
    pieces: list[str] = []
    back: dict[str, str] = {}
    last = 0
    for m in _USADDRESS_TOKEN.finditer(text):
        token = m.group()
        if not token.isdigit():
            if token.strip("(.,;)\n").isdigit():
                return usaddress.tag(text)  # "12," may end a component as "12": no stand-ins
            continue
        if token.isascii():
            zeros = len(token) - len(token.rstrip("0"))
            if zeros == len(token):
                continue  # all zeros: its own stand-in
            if len(back) == 9:
                return usaddress.tag(text)
            stand_in = str(len(back) + 1) * (len(token) - zeros) + "0" * zeros
            back[stand_in] = token
            pieces += (text[last : m.start()], stand_in)
            last = m.end()
    if not back:
        return usaddress.tag(text)
    tagged, kind = _crf_tag_cached("".join(pieces) + text[last:])
    return {k: " ".join(back.get(w, w) for w in v.split(" ")) for k, v in tagged.items()}, kind


@lru_cache(maxsize=CACHE_SIZE)
def _crf_tag_cached(text: str) -> tuple[dict[str, str], str]:
    return usaddress.tag(text)


def _tag(text: str) -> tuple[dict[str, str], str]:
    try:
        return _crf_tag(text)
    except usaddress.RepeatedLabelError as exc:
        return _tag_units(text, exc)
    except Exception as exc:  # usaddress/crfsuite raise assorted errors on odd input
        raise _Unparseable("cannot be parsed as a street address or PO box") from exc


def _tag_units(text: str, exc: Exception) -> tuple[dict[str, str], str]:
    """usaddress refuses "Building 2 Apartment 5" (two unit labels); accept nested units of
    different kinds, refuse a real repetition ("Apt 4 Apt 5", two house numbers)."""
    tagged: dict[str, str] = {}
    units: list[str] = []
    last = None
    try:
        tokens = usaddress.parse(text)
    except Exception as err:
        raise _Unparseable(_REPEATED) from err
    for token, label in tokens:
        token = token.strip(" ,;")
        if label in _UNIT_LABELS:
            units.append(token)
        elif label == last:
            tagged[label] += f" {token}"
        elif label in tagged:
            raise _Unparseable(_REPEATED) from exc
        else:
            tagged[label] = token
        last = label
    if not units or _repeated_units(units):
        raise _Unparseable(_REPEATED) from exc
    tagged["OccupancyIdentifier"] = " ".join(units)
    return tagged, "Street Address"


def _join(tagged: Mapping[str, str], *labels: str) -> str:
    return " ".join(filter(None, map(tagged.get, labels)))


_STREET_LABELS = frozenset({"StreetName", "StreetNamePreType", "StreetNamePostType"})
_PARSED_KEYS = ("postOfficeBox", *STREET_FIELDS)  # then city, state, zip when the text has them


def _from_tagged(tagged: Mapping[str, str], kind: str) -> dict[str, str]:
    """usaddress labels → component keys (raw text; normalized by the caller)."""
    labels = tagged.keys()
    if kind == "Intersection" or "IntersectionSeparator" in labels:
        raise _Unparseable("is an intersection, not an address")
    out = dict.fromkeys(_PARSED_KEYS, "")
    if tagged.get("USPSBoxGroupType") or tagged.get("USPSBoxGroupID"):
        if "AddressNumber" in labels or not tagged.get("USPSBoxGroupID"):
            raise _Unparseable("mixes a street address with a rural route; send components")
        # Rural route / highway contract: "RR 2 BOX 5" → street RR 2, number 5.
        out["street"] = _join(tagged, "USPSBoxGroupType", "USPSBoxGroupID")
        out["number"] = tagged.get("USPSBoxID", "")
    elif tagged.get("USPSBoxType") or tagged.get("USPSBoxID"):
        if not labels.isdisjoint(_STREET_LABELS) or "AddressNumber" in labels:
            raise _Unparseable("holds both a street address and a PO box; send one of them")
        if not tagged.get("USPSBoxID"):
            raise _Unparseable("is a PO box without its box number")
        out["postOfficeBox"] = "Y"
        out["number"] = tagged["USPSBoxID"]
    else:
        if not tagged.get("StreetName") and tagged.get("StreetNamePostType"):
            # "100 South St": a directional that is the only word besides the suffix is the
            # street's name (Pub 28), though usaddress labels it a directional.
            tagged = dict(tagged)
            for label in ("StreetNamePostDirectional", "StreetNamePreDirectional"):
                if tagged.get(label):
                    tagged["StreetName"] = tagged.pop(label)
                    break
        out["street"] = _join(
            tagged,
            "StreetNamePreModifier",
            "StreetNamePreType",
            "StreetName",
            "StreetNamePostModifier",
        )
        if not out["street"] or "NotAddress" in labels:
            raise _Unparseable(
                "has no recognizable street; send number, street, tag … as components"
            )
        out["number"] = _join(tagged, "AddressNumberPrefix", "AddressNumber", "AddressNumberSuffix")
        out["prefix"] = tagged.get("StreetNamePreDirectional", "")
        out["tag"] = tagged.get("StreetNamePostType", "")
        out["direction"] = tagged.get("StreetNamePostDirectional", "")
        out["apt"] = _join(
            tagged, "SubaddressType", "SubaddressIdentifier", "OccupancyType", "OccupancyIdentifier"
        )
    for label, key in (("PlaceName", "city"), ("StateName", "state"), ("ZipCode", "zip")):
        if tagged.get(label):
            out[key] = tagged[label]
    return out


_FAST_DIRS = frozenset(
    "N S E W NE NW SE SW NORTH SOUTH EAST WEST NORTHEAST NORTHWEST SOUTHEAST SOUTHWEST".split()
)
_FAST_UNITS = frozenset(k for k in data.UNIT_DESIGNATORS_C2 if k not in data.UNIT_STANDALONE)
_FAST_STANDALONE = frozenset(
    k for k, v in data.UNIT_DESIGNATORS_C2.items() if v in data.UNIT_STANDALONE
)
_FAST_NUMBER = re.compile(r"^[1-9]\d{0,5}(?:-\d{1,5})?[A-Z]?$")
_FAST_ID = re.compile(r"^[0-9]{1,5}[A-Z]?$|^[A-Z]$")
# Words that make a line ambiguous: leave those lines to usaddress.
_FAST_STOP = (
    data.DIRECTIONALS.keys()
    | data.STREET_SUFFIX_C1.keys()
    | data.UNIT_DESIGNATORS_C2.keys()
    | data.HIGHWAY_NAMES.keys()
    | {k.split()[0] for k in data.HIGHWAY_NAMES}  # "COUNTY ROAD 42" is no name + suffix + unit
    | {
        "BOX",
        "PO",
        "POB",
        "AND",
        "OF",
        "THE",
        "AT",
        "CORNER",
        "DE",
        "DEL",
        "LA",
        "EL",
        "LOS",
        "LAS",
    }
)


def _fast_tag(line: str) -> dict[str, str] | None:
    """usaddress's labels for the plain shape "NUMBER [DIR] NAME [NAME] SUFFIX [DIR] [UNIT ID]"
    whose words are unambiguous, without running the CRF (4x slower); None for anything else.
    A test checks that it agrees with usaddress on such lines."""
    if "," in line or "&" in line or "/" in line:
        return None
    words = line.replace("#", " # ").split()
    if len(words) < 3 or not _FAST_NUMBER.match(words[0]) or "-" in line[len(words[0]) :]:
        return None
    tagged = {"AddressNumber": words[0]}
    rest = words[1:]
    units: list[str] = []
    bare = len(rest) >= 3 and rest[-1][0].isdigit() and _FAST_ID.match(rest[-1])
    if bare and (rest[-2] in data.STREET_SUFFIX_C1 or rest[-2] in _FAST_DIRS):
        units = [rest.pop()]  # "MAIN ST 2": a bare unit number
    for _ in range(0 if units else 2):  # "APT 4", "# 4", "REAR", "BLDG 2 APT 5"
        if len(rest) >= 3 and rest[-1] in _FAST_STANDALONE:
            units[:0] = rest[-1:]
            rest = rest[:-1]
        elif len(rest) >= 4 and rest[-2] in _FAST_UNITS and _FAST_ID.match(rest[-1]):
            units[:0] = rest[-2:]
            rest = rest[:-2]
    if units:
        if _repeated_units(units):
            return None
        tagged["OccupancyIdentifier"] = " ".join(units)
    if len(rest) >= 3 and rest[-1] in _FAST_DIRS:
        tagged["StreetNamePostDirectional"] = rest.pop()
    if len(rest) < 2 or rest[-1] not in data.STREET_SUFFIX_C1:
        return None
    tagged["StreetNamePostType"] = rest.pop()
    if len(rest) >= 2 and rest[0] in _FAST_DIRS:
        tagged["StreetNamePreDirectional"] = rest.pop(0)
    if not 1 <= len(rest) <= 2:
        return None
    for w in rest:
        if w in _FAST_STOP or not (w.isalpha() and len(w) > 1 or _ORDINAL_NUMERAL.match(w)):
            return None
    tagged["StreetName"] = " ".join(rest)
    return tagged


_FAST_ZIP = re.compile(r"^\d{5}(?:-\d{4})?$")


def _fast_place(place: str) -> dict[str, str] | None:
    """ "CITY[,] [STATE] [ZIP]" after the street line's comma, or None if it is anything else."""
    words = place.replace(",", " , ").split()
    tagged: dict[str, str] = {}
    if words and _FAST_ZIP.match(words[-1]):
        tagged["ZipCode"] = words.pop()
    for size in (3, 2, 1):
        tail = [w for w in words[-size:] if w != ","]
        city = [w for w in words[:-size] if w != ","]
        if len(words) > size and city and len(tail) == size and " ".join(tail) in data.STATES:
            tagged["StateName"] = " ".join(tail)
            words = words[:-size]
            break
    city = " ".join(w for w in words if w != ",")
    if (
        not city
        or not all(w.isalpha() for w in city.split())
        or words.count(",") > 0
        and words[-1] != ","
    ):
        return None
    tagged["PlaceName"] = city
    return tagged


_PLACE_LABELS = frozenset({"PlaceName", "StateName", "ZipCode"})


def _tag_line(text: str) -> tuple[dict[str, str], str]:
    """Labels for a prepared text. A plain "…, CITY, STATE ZIP" tail is read here and only the
    street line goes to usaddress, which otherwise often files the city under the unit."""
    line, comma, place = text.partition(",")
    place_tags = _fast_place(place) if comma else {}
    if place_tags is None:
        return _tag(text)
    fast = _fast_tag(line)
    tagged, kind = (fast, "Street Address") if fast else _tag(line)
    if not tagged.keys().isdisjoint(_PLACE_LABELS):
        return _tag(text)
    return {**tagged, **place_tags}, kind


_DIRECTIONAL_OR_EMPTY = data.DIRECTIONAL_STANDARDS | {""}
_norm_street_cached = _CACHED_NORMALIZERS["street"]


class _Parsed(NamedTuple):
    """A normalized parse: ``items`` as ``parse_full`` answers them (city, state and zip only
    when the text held them), the alternative (prefix, street) reading, and ``values``: the
    same in KEY_FIELDS order with '' for what the text lacked, read by position when planning."""

    items: tuple[tuple[str, str], ...]
    alt: tuple[str, str] | None
    values: tuple[str, ...]


@lru_cache(maxsize=CACHE_SIZE)
def _parse_cached(text: str) -> _Parsed | str:
    """Normalized parse of a prepared text with its alternative (prefix, street) reading, or
    the error message (both cached)."""
    if not text:
        return "is empty"
    text, pair = _join_pairs(text)
    try:
        tagged, kind = _tag_line(text)
        raw = _from_tagged(tagged, kind)
    except _Unparseable as exc:
        return str(exc)
    po = raw["postOfficeBox"] == "Y"
    norm: dict[str, str] = {}
    for k, v in raw.items():
        if k == "postOfficeBox" or not v:
            norm[k] = v  # 'Y' or ''; every normalizer maps an empty part to ''
        elif k == "number":
            # A plain house number is its own normal form (``norm_number``'s first test).
            norm[k] = v if v.isdigit() and v.isascii() else _norm_number_cached(v, po_box=po)
        else:
            norm[k] = _CACHED_NORMALIZERS[k](v)
    if norm["prefix"] not in _DIRECTIONAL_OR_EMPTY or (
        norm["direction"] not in _DIRECTIONAL_OR_EMPTY
    ):
        return "cannot be parsed as a street address or PO box"
    words = norm["street"].split()
    if not norm["prefix"] and len(words) > 1 and words[0] in data.DIRECTIONAL_STANDARDS:
        # usaddress files "E" of "1055 E West End Ter" under the name; an abbreviation is
        # never the start of a name.
        norm["prefix"], norm["street"] = words[0], " ".join(words[1:])
    # "100 West End Ave": usaddress reads West as a prefix; a street *named* West End reads
    # the same, so that reading is also tried when matching (never used to create).
    # Both readings repeat across a district ("NORTH PINE"): the memoized normalizer serves.
    alt = None
    if norm["prefix"]:
        word = _clean(raw["prefix"])
        if len(word) > 2:
            alt = ("", _norm_street_cached(f"{word} {raw['street']}"))
        elif pair and norm["prefix"] == _PAIR_WORDS[pair]:
            alt = (pair[0][0], _norm_street_cached(f"{pair[1]} {raw['street']}"))
    items = tuple(norm.items())
    if len(items) == len(_PARSED_KEYS):  # the text held no city, state or zip (the common case)
        values = (*norm.values(), "", "", "")
    else:
        values = tuple([norm.get(k, "") for k in KEY_FIELDS])
    return _Parsed(items, alt, values)


def parse_full(full: str, *, field: str = "fullStreetAddress") -> dict[str, str]:
    """Parse a street line with usaddress into normalized components (R-ADDR-5): number,
    prefix, street, tag, direction, apt, postOfficeBox ('Y' or ''), and city/state/zip when
    the text holds them. Unparseable → RuleViolation on ``field``; never echoes the input."""
    result = _parse_cached(_prepare(full or ""))
    if isinstance(result, str):
        raise RuleViolation([FieldError(field, f"fullStreetAddress {result}", "R-ADDR-5")])
    return dict(result.items)


# ---------------------------------------------------------------------------- validation


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


# ---------------------------------------------------------------------------- planning


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
    return "|".join(values[: len(KEY_FIELDS)])


_NO_STREET = (None,) * len(STREET_FIELDS)


def _street_sent(raw_items: tuple) -> bool:
    """Whether any street component (number … apt) was sent."""
    street = raw_items[1:7]
    return street != _NO_STREET and any(map(_sent, street))


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
        parsed = _parse_cached(_prepare(full))
        if isinstance(parsed, str):
            return (("fullStreetAddress", f"fullStreetAddress {parsed}", "R-ADDR-5"),)
        alt = parsed.alt
        parsed = parsed.values
        if values[0] and not parsed[0]:
            return (
                (
                    "postOfficeBox",
                    "postOfficeBox is true but fullStreetAddress is a street address",
                    "R-ADDR-2",
                ),
            )
        sent = values
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
        alt_key = _alt_key(values, alt)
        return _Plan(values, key, values, key, None, alt_key)
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


# ---------------------------------------------------------------------------- store


# Built once: statement construction is most of an ORM query's cost on this hot path.
_BY_KEY = select(Address).where(Address.norm_key == bindparam("key")).limit(1)
_INSERTS: dict[str, Any] = {}


def _by_key(session: Session, key: str) -> Address | None:
    return session.scalars(_BY_KEY, {"key": key}).first()


def _insert_ignoring_duplicates(dialect: str):
    stmt = _INSERTS.get(dialect)
    if stmt is None:
        if dialect == "sqlite":
            from sqlalchemy.dialects.sqlite import insert
        else:
            from sqlalchemy.dialects.postgresql import insert
        stmt = insert(Address.__table__).on_conflict_do_nothing(index_elements=["norm_key"])
        _INSERTS[dialect] = stmt
    return stmt


def _row_values(values: tuple[str, ...], raw: Mapping[str, Any], key: str) -> dict[str, Any]:
    norm = dict(zip(NORM_FIELDS, values, strict=True))
    row: dict[str, Any] = {"post_office_box": norm["postOfficeBox"] == "Y", "norm_key": key}
    for k in NORM_FIELDS[1:]:
        row[COLUMNS[k]] = norm[k] or None
    for k in ("locationCode", "tract", "block"):
        v = raw.get(k)
        row[COLUMNS[k]] = str(v).strip()[:40] or None if _sent(v) else None
    return row


def _create(session: Session, values: dict[str, Any]) -> Address:
    """Insert once per key, safe against a concurrent writer creating the same address."""
    dialect = session.get_bind().dialect
    if dialect.name in ("sqlite", "postgresql"):
        stmt = _insert_ignoring_duplicates(dialect.name)
        if dialect.insert_returning:
            new_id = (
                session.connection()
                .execute(stmt.returning(Address.__table__.c.id), values)
                .scalar()
            )
            if new_id is not None:
                # The row is exactly ``values``: attach it without reading it back.
                row = Address(id=new_id, **values)
                make_transient_to_detached(row)
                session.add(row)
                return row
        else:
            session.connection().execute(stmt, values)
    else:
        session.flush()
        try:
            with session.begin_nested():
                session.add(Address(**values))
        except IntegrityError:
            pass
    row = _by_key(session, values["norm_key"])
    if row is None:  # pragma: no cover - the insert or the other writer made it
        raise RuntimeError("address row vanished after insert")
    return row


def resolve(session: Session, addr, path: str) -> Address:
    """Validate, match (R-ADDR-4: normalized components, then the re-parsed line) or create
    the one Address row for ``addr``. Raises RuleViolation with fields under ``path``."""
    plan = _plan(addr, path)
    row = _by_key(session, plan.first_key)
    if row is not None:
        return row
    for key in _later_keys(plan):
        row = _by_key(session, key)
        if row is not None:
            return row
    return _create(session, _row_values(plan.canon, _raw_of(addr), plan.canon_key))


def to_payload(row: Address) -> dict[str, Any]:
    """An Address row in the payload's camelCase, with ``addressId`` (R-ADDR-6)."""
    out: dict[str, Any] = {"addressId": row.id}
    for key, column in COLUMNS.items():
        value = getattr(row, column)
        out[key] = bool(value) if key == "postOfficeBox" else value
    return out


def search(
    session: Session,
    *,
    number: str | None = None,
    prefix: str | None = None,
    street: str | None = None,
    tag: str | None = None,
    direction: str | None = None,
    apt: str | None = None,
    city: str | None = None,
    state: str | None = None,
    zip: str | None = None,  # noqa: A002 - the payload's name
    fullStreetAddress: str | None = None,  # noqa: N803 - the payload's name
    limit: int = 100,
    offset: int = 0,
) -> list[dict[str, Any]]:
    """Addresses whose normalized components equal the given ones (R-ADDR-6), by addressId.
    ``fullStreetAddress`` is parsed and must match the whole street line."""
    given = {
        "number": number,
        "prefix": prefix,
        "street": street,
        "tag": tag,
        "direction": direction,
        "apt": apt,
        "city": city,
        "state": state,
        "zip": zip,
    }
    filters: dict[str, str | None] = {}
    stmt = select(Address)
    if _sent(fullStreetAddress):
        components = [k for k in STREET_FIELDS if _sent(given[k])]
        if components:
            raise RuleViolation(
                [
                    FieldError(
                        "fullStreetAddress",
                        "send either fullStreetAddress or the street "
                        f"components, not both (also sent: {', '.join(components)})",
                        "R-ADDR-1",
                    )
                ]
            )
        parsed = parse_full(fullStreetAddress)
        stmt = stmt.where(Address.post_office_box.is_(parsed["postOfficeBox"] == "Y"))
        for k in STREET_FIELDS:
            filters[k] = parsed[k] or None
        for k in ("city", "state", "zip"):
            if parsed.get(k) and not _sent(given[k]):
                filters[k] = norm_zip(parsed[k]) if k == "zip" else parsed[k]
    for k, v in given.items():
        if _sent(v):
            filters[k] = _FIELD_NORMALIZERS[k](v)
    for k, v in filters.items():
        col = getattr(Address, COLUMNS[k])
        stmt = stmt.where(col == v if v else or_(col.is_(None), col == ""))
    limit = max(0, min(int(limit), MAX_SEARCH))
    stmt = stmt.order_by(Address.id).limit(limit).offset(max(0, int(offset)))
    return [to_payload(r) for r in session.scalars(stmt)]
