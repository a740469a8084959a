"""Reading a ``fullStreetAddress`` into components with usaddress (R-ADDR-5, R-ADDR-7): the
text is cleaned and cut into its forms (see ``forms``) before the tagger sees a street line."""

# The text is cleaned like the components, so punctuation and case variants parse alike;
# "North West" pairs are joined to NW first (usaddress misreads them). Plain unambiguous lines
# (NUMBER DIR NAME SUFFIX DIR UNIT) skip the CRF (``_fast_tag``, tested against usaddress).
# "Building 2 Apartment 5" is accepted; a real repetition ("Apt 4 Apt 5"), an intersection or
# a street plus a PO box is a field error that never echoes the text. A directional that is
# the only word besides the suffix is the name ("100 South St").

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import lru_cache
from typing import NamedTuple

import usaddress

from bo_tui.core import address_data as data
from bo_tui.core.errors import FieldError, RuleViolation

from . import forms
from .normalize import (
    _CACHED_NORMALIZERS,
    _DROPPED,
    _INNER_PERIOD,
    _ORDINAL_NUMERAL,
    CACHE_SIZE,
    KEY_FIELDS,
    STREET_FIELDS,
    _ascii_upper,
    _clean,
    _norm_number_cached,
)


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


_UNIT_WORDS = frozenset(data.UNIT_DESIGNATORS_C2) - {"#"}


def _repeated_units(words: list[str]) -> bool:
    """Two units of one kind ("Apt 4 Apt 5", "Unit 4 #5"): which one is meant is unknown."""
    kinds = [
        data.UNIT_DESIGNATORS_C2[w]
        for i, w in enumerate(words)
        # '#' beside a designator only decorates it ("Apt # 109", "# Apt 3")
        if w in data.UNIT_DESIGNATORS_C2
        and not (w == "#" and _UNIT_WORDS & set(words[max(0, i - 1) : i + 2]))
    ]
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


_FAST_DIRS = frozenset(k for k in data.DIRECTIONALS if " " not in k)  # also Pub 28's Spanish
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


_ROUTE_WORDS = frozenset(
    w for name in data.HIGHWAY_NAMES for w in name.split()
)  # "Hwy", "County", "Road" …


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
    bare = bare and rest[-2] not in _ROUTE_WORDS  # "Old Highway 94" is a route, not a unit
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


_SUFFIXES = data.STREET_SUFFIX_C1
_UNIT_LABEL_ORDER = (
    "SubaddressType",
    "SubaddressIdentifier",
    "OccupancyType",
    "OccupancyIdentifier",
)


def _route_tag(street: list[str]) -> dict[str, str] | None:
    """Labels of "NUMBER [DIR] ROUTE-NAME ID [DIR]" ("1234 Rt B", "2100 E Hwy 50 W", "10 US
    Highway 63 S"): usaddress reads some route names as a suffix and the id as a unit."""
    if len(street) < 3 or not street[0][:1].isdigit() or street[1] == "RR":
        return None
    tagged = {"AddressNumber": street[0]}
    rest = street[1:]
    if len(rest) >= 3 and rest[0] in _FAST_DIRS and rest[1] in _ROUTE_WORDS:
        tagged["StreetNamePreDirectional"] = rest.pop(0)
    if len(rest) >= 3 and rest[-1] in _FAST_DIRS:
        tagged["StreetNamePostDirectional"] = rest.pop()
    route_id = rest[-1]
    if not (len(route_id) <= 2 and route_id.isalpha() or route_id.isdigit()):
        return None  # "Rt B", "County Road MM", "Hwy 50"
    if " ".join(rest[:-1]) not in data.HIGHWAY_NAMES:
        return None
    tagged["StreetName"] = " ".join(rest)
    return tagged


def _tag_street(street: list[str]) -> tuple[dict[str, str], str]:
    """Labels of a street line without its unit: a plain line by the fast reader, any other by
    usaddress."""
    line = " ".join(street)
    fast = _fast_tag(line) or _route_tag(street)
    if fast:
        return fast, "Street Address"
    # "… King Jr Boulevard E": usaddress may read the directional as a unit; a name word
    # before the suffix makes it the post-directional ("100 N Avenue E" is Avenue E).
    dirs = data.DIRECTIONALS
    if (
        len(street) >= 4
        and street[-1] in dirs
        and street[-2] in _SUFFIXES
        and street[-3] not in dirs
    ):
        tagged, kind = _tag(" ".join(street[:-1]))
        if "StreetNamePostType" in tagged and "StreetNamePostDirectional" not in tagged:
            return {**tagged, "StreetNamePostDirectional": street[-1]}, kind
    return _tag(line)


def _with_unit(tagged: Mapping[str, str], unit: list[str]) -> dict[str, str]:
    """The labels with the unit read apart from the street joined to any the tagger found."""
    out = {k: v for k, v in tagged.items() if k not in _UNIT_LABEL_ORDER}
    words = " ".join([*(tagged[k] for k in _UNIT_LABEL_ORDER if k in tagged), *unit]).split()
    if _repeated_units(words):
        raise _Unparseable(_REPEATED)
    out["OccupancyIdentifier"] = " ".join(words)
    return out


def _tag_line(text: str) -> tuple[dict[str, str], str]:
    """Labels for a prepared text (R-ADDR-7): its forms read by ``forms.shape_of``, so only the
    street line goes to the tagger, whatever the commas, the unit and the state look like."""
    shape = forms.shape_of(text, _tag)
    if shape is None:
        return _tag(text)
    box = forms.box_number(shape.line)
    if box:
        tagged, kind, unit = {"USPSBoxType": "PO BOX", "USPSBoxID": box}, "PO Box", []
    else:
        street, unit = forms.split_unit(shape.line)
        tagged, kind = _tag_street(street)
    if unit or shape.unit:
        tagged = _with_unit(tagged, [*unit, *shape.unit])
    place = {
        label: value for label, value in zip(_PLACE_LABELS_ORDER, shape[2:], strict=True) if value
    }
    if place:
        tagged = {**tagged, **place}
    return tagged, kind


_PLACE_LABELS_ORDER = ("PlaceName", "StateName", "ZipCode")


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
