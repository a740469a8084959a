"""The forms people write an address in (R-ADDR-7): a prepared text is cut into its street line,
unit, city, state and ZIP, with or without commas, before the tagger sees the street line."""

# usaddress reads a whole address well when it is written as it was trained ("LINE, CITY, ST
# ZIP"), and differently for every other placement of commas, units and states. So the parts
# that can be read without it are read here, from the right: the ZIP, then the state (a code
# that is also a street word, such as CT or NE, only after a comma or when the ZIP's first
# digits say that state), then the comma-separated pieces (a lone directional is the street's
# post-directional, a piece that starts with a unit designator is the unit, the last other
# piece is the city). Only a city written without a comma before it is left to usaddress.
# Every spelling of one address thus hands the tagger the same street line.

from __future__ import annotations

import re
from collections.abc import Callable
from typing import NamedTuple

from bo_tui.core import address_data as data

_ZIP_TOKEN = re.compile(r"^\d{5}(?:-?\d{4})?$")
_DESIGNATORS = frozenset(data.UNIT_DESIGNATORS_C2) - {"NO", "NUMBER", "NUM"}
_WITH_ID = _DESIGNATORS - {
    k for k, v in data.UNIT_DESIGNATORS_C2.items() if v in data.UNIT_STANDALONE
}
_NAMED_UNITS = _WITH_ID - {"#"}
_STANDALONE = frozenset(k for k, v in data.UNIT_DESIGNATORS_C2.items() if v in data.UNIT_STANDALONE)
_UNIT_ID = re.compile(r"^(?:[0-9]+(?:-?[A-Z0-9]+)?|[A-Z](?:-?[0-9]+)?)$")
_GLUED = re.compile(r"^#([0-9]+(?:-?[A-Z0-9]+)?|[A-Z](?:-?[0-9]+)?)$")
# A designator written onto its number: "UNIT508", "APT4B", "STE200".
_GLUED_DESIGNATOR = re.compile(
    r"^("
    + "|".join(sorted((k for k in data.UNIT_DESIGNATORS_C2 if k.isalpha()), key=len, reverse=True))
    + r")([0-9]+[A-Z]?)$"
)
_ORDINAL = re.compile(r"^\d+(?:ST|ND|RD|TH)$")
_ROUTE_ID = re.compile(r"^(?:[0-9]+[A-Z]?|[A-Z]{1,2})$")  # "42", "61A", "B", "MM"
_FLOOR = frozenset(k for k, v in data.UNIT_DESIGNATORS_C2.items() if v == "FL")
# Words that are never a ZIP's left neighbour: "APT 65101", "BOX 12345" hold a number.
_NOT_BEFORE_ZIP = _WITH_ID | {"BOX", "POB", "#"}
# State codes that are also street, unit or name words ("100 Oak Ct", "Elm St NE", "Apt Fl").
_AMBIGUOUS_STATES = frozenset(
    code
    for code in data.STATE_CODES
    if code in data.STREET_SUFFIX_C1
    or code in data.DIRECTIONALS
    or code in data.UNIT_DESIGNATORS_C2
    or code in data.HIGHWAY_NAMES
    or code in data.NAME_WORDS
) | {"IN", "OR", "ME", "DE", "LA", "CO", "AS"}  # English, Spanish and County words
_SUFFIXES = data.STREET_SUFFIX_C1
# The suffixes that end most streets: after one of them, a rarer suffix word starts the city
# ("Forest Hill Avenue Cape Girardeau").
_COMMON_SUFFIXES = frozenset(
    k
    for k, v in _SUFFIXES.items()
    if v in {"ST", "AVE", "RD", "DR", "LN", "CT", "CIR", "BLVD", "PKWY", "PL", "TER", "WAY"}
)
_BOX_LINE = re.compile(
    r"^(?:POST OFFICE BOX|POST OFFICE|POST BOX|P O BOX|PO BOX|P O B|POB|BOX)"
    r" ?#? ?([0-9][A-Z0-9-]*|[A-Z])(?: (.+))?$"
)

# Words inside a name ("Avenue of the Americas", "Camino de la Paz"): never a street's last.
_JOINING_WORDS = frozenset({"OF", "THE", "AND", "DE", "DEL", "LA", "LAS", "LOS", "EL", "AT"})

Tagger = Callable[[str], tuple[dict[str, str], str]]


class Shape(NamedTuple):
    """A text cut into its parts: street tokens (number … post-directional, a unit written
    without a comma still at their end), unit tokens set off by a comma, and the location."""

    line: list[str]
    unit: list[str]
    city: str
    state: str
    zip: str


def _strip_commas(toks: list[str]) -> None:
    while toks and toks[-1] == ",":
        toks.pop()


def _zip_agrees(code: str, zip_: str) -> bool:
    return bool(zip_) and data.ZIP3_STATES.get(zip_[:3]) == code


_COUNTRIES = ("UNITED STATES OF AMERICA", "UNITED STATES", "U S A", "USA", "U S", "US")
_COUNTRY_ENDS = frozenset(name.split()[-1] for name in _COUNTRIES)


def _strip_country(toks: list[str]) -> None:
    """ "…, MO 65101, USA": the country ends some addresses (never after a route: "US 63")."""
    if not toks or toks[-1] not in _COUNTRY_ENDS:
        return  # the common case, found at once
    for name in _COUNTRIES:
        words = name.split()
        n = len(words)
        # After the ZIP or a comma: "Rt 66 US" keeps its words.
        if len(toks) > n + 2 and toks[-n:] == words and not toks[-n - 1].isalpha():
            del toks[-n:]
            _strip_commas(toks)
            return


def _zip_can_follow(toks: list[str], zip_: str) -> bool:
    """Whether a 5-digit number after ``word`` is a ZIP: not after "Apt" or "Box", but after
    FL when the ZIP is Florida's ("Jacksonville FL 32202") or FL ends the city's piece."""
    word = toks[-1]
    code = data.STATES.get(word, "")
    if word not in _NOT_BEFORE_ZIP or _zip_agrees(code, zip_):
        return True
    return code == word and _ends_later_piece(toks, 1)  # "…, Tampa FL 12345"


def _ends_later_piece(toks: list[str], size: int) -> bool:
    """Whether the last ``size`` tokens end a comma-separated piece after the first whose word
    before them is a plain word (a city), not a number or a unit designator."""
    before = toks[-size - 1]
    return "," in toks[: -size - 1] and before.isalpha() and before not in _DESIGNATORS


def _state_at_end(toks: list[str], zip_: str) -> tuple[str, int]:
    """The state written at the end of ``toks`` and its width in tokens, or ("", 0)."""
    found: list[tuple[str, int]] = []
    for size in (4, 3, 2, 1):
        if len(toks) < size + 2 or "," in toks[-size:]:
            continue
        name = " ".join(toks[-size:])
        code = data.STATES.get(name)
        if not code or size > 1 and toks[-1] == code:
            continue  # "Washington DC": the city, then the code
        # After a comma, or ending a later piece ("Hargrove Grade, Palm Coast FL").
        after_comma = toks[-size - 1] == "," or _ends_later_piece(toks, size)
        # "100 Oak Ct" is Court, "100 Elm St, NE" Northeast: such a code needs its ZIP.
        needs_zip = name == code and (
            code in data.DIRECTIONALS or not after_comma and code in _AMBIGUOUS_STATES
        )
        if needs_zip and not _zip_agrees(code, zip_):
            continue
        found.append((code, size))
    if not found:
        return "", 0
    # "Main St West Virginia 25301": the ZIP decides between WV and a post-directional + VA.
    for code, size in found:
        if _zip_agrees(code, zip_):
            return code, size
    return found[0]


def _segments(toks: list[str]) -> list[list[str]]:
    out: list[list[str]] = [[]]
    for t in toks:
        if t == ",":
            out.append([])
        else:
            out[-1].append(t)
    return [s for s in out if s]


def _one_leading_unit(seg: list[str]) -> int:
    """How many tokens of a piece's start are one unit ("APT 5", "#5", "STE # 5", "REAR",
    "9TH FLOOR", "UNIT508", "C-5"), or 0."""
    first = seg[0]
    if first in _STANDALONE and len(seg) == 1 or _GLUED.match(first):
        return 1
    if _GLUED_DESIGNATOR.match(first) or len(seg) == 1 and _UNIT_ID.match(first):
        return 1 if any(c.isdigit() for c in first) else 0
    if len(seg) >= 2 and _ORDINAL.match(first) and seg[1] in _FLOOR:
        return 2
    if first in _DESIGNATORS and len(seg) >= 2:
        if _UNIT_ID.match(seg[1]) or _GLUED.match(seg[1]):
            return 2
        if len(seg) >= 3 and seg[1] == "#" and _UNIT_ID.match(seg[2]):
            return 3
    return 0


def _leading_unit(seg: list[str]) -> tuple[list[str], list[str]]:
    """The units at the start of a comma-separated piece ("Apt 5", "9th Floor Room 905") and
    the words after them (a city written without its comma)."""
    unit: list[str] = []
    while seg:
        n = _one_leading_unit(seg)
        if not n:
            break
        unit, seg = unit + seg[:n], seg[n:]
    return unit, seg


def _leading_directional(seg: list[str]) -> bool:
    """Whether a piece right after the street line starts with its post-directional: alone,
    before a unit, or a two-letter one before the city ("Oak St, SW", "Oak St, E. Apt 4",
    "Bolton Rd, NW Atlanta"); "Oak St, N. Hollywood" is the city N Hollywood."""
    if seg[0] not in data.DIRECTIONALS:
        return False
    return len(seg) == 1 or len(seg[0]) == 2 or bool(_leading_unit(seg[1:])[0])


def _trailing_unit(street: list[str], after_unit: bool) -> int:
    """How many tokens at the end of a street line are one unit ("APT 5", "APT # 5", "#5",
    "2ND FL", "REAR"), or 0."""
    n = len(street)
    last = street[-1]
    if n >= 3 and _GLUED.match(last):
        return 2 if n >= 4 and street[-2] in _DESIGNATORS else 1
    if n >= 5 and "#" in street[-3:-1] and set(street[-3:-1]) & _NAMED_UNITS:
        return 3 if _UNIT_ID.match(last) else 0  # "APT # 109", "# APT 3"
    if n < 4:
        return 0
    if street[-2] in _DESIGNATORS and _UNIT_ID.match(last):
        return 2
    if last in _FLOOR and _ORDINAL.match(street[-2]):
        return 2
    ends_street = street[-2] in _SUFFIXES or street[-2] in data.DIRECTIONALS or after_unit
    return 1 if last in _STANDALONE and ends_street else 0


def split_unit(toks: list[str]) -> tuple[list[str], list[str]]:
    """The street tokens and the unit written at their end ("APT 5", "# 5", "#5", "STE # 5",
    "BLDG 2 APT 5", "REAR", "2ND FL", "UNIT508"), so that the tagger reads the street alone: a
    unit after a street without a suffix ("77 Broadway Apartment 5") is never in its name."""
    street, unit = list(toks), []
    for _ in range(3):
        glued = _GLUED_DESIGNATOR.match(street[-1])
        if glued and len(street) >= 3:
            street[-1:] = glued.groups()  # "UNIT508" → UNIT 508, then read as written apart
        take = _trailing_unit(street, bool(unit))
        if not take or len(street) - take < 2:
            break
        unit[:0] = street[-take:]
        street = street[:-take]
    return street, unit


def _street_ends(line: list[str]) -> bool:
    """Whether the line ends as a street does: a unit, a common suffix, or a directional after
    one ("Elm St", "Elm St N", "Elm St Apt 3"): then no city follows it."""
    if split_unit(line)[1]:
        return True
    last = line[-1]
    if last in data.DIRECTIONALS and len(line) >= 4:
        last = line[-2]
    return last in _COMMON_SUFFIXES


def _ends_street(words: list[str]) -> bool:
    """Whether the words end a street line: a common suffix, a route number or a
    post-directional after one ("Oak St", "County Road 42", "Oak St S"); "Meadow Glen" may go
    on ("Meadow Glen St Marion" is Meadow Glen St in Marion)."""
    if words[-1] in data.DIRECTIONALS and len(words) >= 4:
        words = words[:-1]
    if words[-1].isdigit():
        return True  # a route number ("County Road 42"); an ordinal ("42nd") is a name
    # A suffix needs a name before it ("1 N Court" is the street Court, no suffix).
    names = [w for w in words[1:-1] if w not in data.DIRECTIONALS]
    return words[-1] in _COMMON_SUFFIXES and bool(names)


# Units without a number that no city starts with (unlike Upper Darby, Front Royal).
_REAR = frozenset({"REAR", "BSMT", "BASEMENT"})


def _unit_ends_at(line: list[str], i: int) -> bool:
    """Whether a unit ends at token ``i`` ("APT 5", "APT # 5", "# LOT 9", "#5", "REAR")."""
    word = line[i]
    if _GLUED.match(word):
        return True
    if word in _REAR:
        return i >= 3 and _ends_street(line[:i])
    return bool(_UNIT_ID.match(word)) and (line[i - 1] in _WITH_ID or line[i - 1] == "#")


def _city_after_marker(line: list[str]) -> int:
    """Where a city starts after a unit ("# C Des Moines", "Apt # 109 Pembroke Pines", "St
    Rear Columbia") or after the suffix when it starts with Saint/Mount/Fort ("Ave Ste
    Genevieve"), or 0."""
    for i in range(len(line) - 2, 1, -1):
        rest = line[i + 1 :]
        if _unit_ends_at(line, i):
            return i + 1
        if not all(w.isalpha() for w in rest):
            return 0
        name_word = line[i] in data.NAME_WORDS and i >= 3 and _ends_street(line[:i])
        if name_word and not any(w in _SUFFIXES for w in rest):
            return i
    return 0


def _city_in_line(line: list[str], state: str, zip_: str, tag: Tagger) -> tuple[list[str], str]:
    """A city written after the street with no comma before it: after a PO box, a unit or
    the suffix when it starts with Saint/Mount/Fort read here, otherwise usaddress's
    PlaceName, corrected where it takes a street's suffix or directional for the city's."""
    m = _BOX_LINE.match(" ".join(line))
    if m:
        city = m.group(2) or ""
        if city and all(w.isalpha() for w in city.split()):
            return line[: len(line) - len(city.split())], city
        return line, ""
    if len(line) < 3 or _street_ends(line):
        return line, ""
    start = _city_after_marker(line)
    if start:
        return line[:start], " ".join(line[start:])
    end = _common_end(line)  # "Main St W Springfield": plain words after a common suffix
    if end < len(line) and line[end] not in _SUFFIXES:
        return line[:end], " ".join(line[end:])
    try:
        tagged, _ = tag(" ".join([*line, state, zip_]).strip())
    except Exception:  # usaddress refuses some lines (repeated labels)
        end = _common_end(line, deferred=True)
        return line[:end], " ".join(line[end:])
    words = (tagged.get("PlaceName") or "").split()
    if not words or line[-len(words) :] != words or len(line) - len(words) < 2:
        return line, ""
    if len(line) - len(words) < end < len(line):  # never cut a street before its common suffix
        words = line[end:]
    street = line[: -len(words)]
    if all(w in data.DIRECTIONALS for w in street[1:]) or street[-1] in _JOINING_WORDS:
        return line, ""  # "395 North Broadway, MO", "1 Avenue of the Americas MO": one street
    if len(words) > 1 and len(words[0]) <= 2 and words[0] in data.DIRECTIONALS:
        street.append(words.pop(0))  # "Lane St E Lake Ozark": an abbreviation is no city's
    end = _common_end(street, deferred=True)
    if end < len(street):  # "Forest Hill Ave | Cape Girardeau", "Main St W | Cape Girardeau"
        street, words = street[:end], [*street[end:], *words]
    return street, " ".join(words)


def _route_id_end(street: list[str], i: int) -> int:
    """After a route's name ending at ``i`` ("County Road", "FM", "Hwy"), the index after its
    id ("42", "MM", "B"), or 0."""
    if i + 1 >= len(street) or not _ROUTE_ID.match(street[i + 1]):
        return 0
    names = (" ".join(street[j : i + 1]) for j in range(max(1, i - 3), i + 1))
    return i + 2 if any(name in data.HIGHWAY_NAMES for name in names) else 0


def _common_end(street: list[str], *, deferred: bool = False) -> int:
    """Where the street ends when a common suffix or a route's id (and a post-directional) is
    followed by plain words, len(street) otherwise; ``deferred``: also when a directional
    and words follow the suffix, which only usaddress can tell apart ("15th Street West
    Dickinson" against "Spencer Dr West Palm Beach")."""
    for i in range(len(street) - 1, 1, -1):
        end = _route_id_end(street, i)
        if not end and street[i] not in _COMMON_SUFFIXES:
            continue
        if all(w in data.DIRECTIONALS for w in street[1:i]):
            break  # "1 N Avenue of the Americas": a suffix needs a name before it
        end = end or i + 1
        if end < len(street) and street[end] in data.DIRECTIONALS:
            if not deferred and end + 1 < len(street):
                break
            end += 1
        rest = street[end:]
        if rest and all(w.isalpha() and w not in _DESIGNATORS for w in rest):
            return end
        break
    return len(street)


def shape_of(text: str, tag: Tagger) -> Shape | None:
    """The parts of a prepared text (R-ADDR-7), or None when its pieces are not one street
    line, directional, unit and city (left to usaddress whole)."""
    toks = text.replace(",", " , ").split()
    _strip_commas(toks)
    _strip_country(toks)
    zip_ = state = ""
    if len(toks) >= 3 and _ZIP_TOKEN.match(toks[-1]) and _zip_can_follow(toks[:-1], toks[-1]):
        zip_ = toks.pop()[:5]
        _strip_commas(toks)
    state, size = _state_at_end(toks, zip_)
    if size:
        del toks[-size:]
        _strip_commas(toks)
    segs = _segments(toks)
    if not segs:
        return None
    line, unit, city = segs[0], [], ""
    for i, seg in enumerate(segs[1:], start=2):
        if i == 2 and _leading_directional(seg):
            line = [*line, seg[0]]  # "410 Oak Street, SW", "Elm St, E. Apt 5"
            seg = seg[1:]
            if not seg:
                continue
        found, seg = _leading_unit(seg)
        unit += found
        if not seg:
            continue
        if i != len(segs) or city:
            return None  # two cities, or a piece between the street and the city
        city = " ".join(seg)
    if not city and state and len(segs) == 1:
        line, city = _city_in_line(line, state, zip_, tag)
    elif not city and zip_ and len(segs) == 1 and len(line) >= 4:
        # "Blvd # 3I Ocean Isle Beach 28469", "Camrose Ct Cumming 30041": read here only.
        start = _city_after_marker(line) or _common_end(line, deferred=True)
        line, city = line[:start], " ".join(line[start:])
    return Shape(line, unit, city, state, zip_)


def box_number(street: list[str]) -> str | None:
    """The box number of a PO box line ("PO BOX 125", "POB 125", "BOX # 125"), or None."""
    m = _BOX_LINE.match(" ".join(street))
    return m.group(1) if m and not m.group(2) else None
