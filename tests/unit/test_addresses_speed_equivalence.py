"""The address engine's shortcuts (R-ADDR-1 … R-ADDR-5) answer exactly as the long way: the
quick structure and value checks of a plan, the period-free and pair-free ``_prepare``, and the
grouped component caches (which must keep 1 and True apart)."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from bo_tui.core import address_data as data
from bo_tui.core import addresses as A
from bo_tui.core.addresses import keys as K
from bo_tui.core.addresses import normalize as N
from bo_tui.core.addresses import parse as P

_PAIR = re.compile(r"\b([NS])\.\s*([EW])\b\.?")
_INNER_PERIOD = re.compile(r"(?<=[A-Z0-9]{2})\.(?=[A-Z0-9])")
_DROPPED = re.compile(r"['`\u2019.]")
_TEXT_SEPARATORS = re.compile(r"[^A-Z0-9\s#/&,-]")
_SPACES = re.compile(r"\s+")


def reference_prepare(full: str) -> str:
    """``_prepare`` as first written: every pattern on every line."""
    s = N._ascii_upper(full)
    s = _PAIR.sub(r"\1\2", s)
    s = _DROPPED.sub("", _INNER_PERIOD.sub(" ", s))
    s = _TEXT_SEPARATORS.sub(" ", s)
    if "&" in s and s.lstrip()[:1].isdigit():
        s = s.replace("&", " AND ")
    return _SPACES.sub(" ", s).strip(" ,")


LINE_PIECES = st.sampled_from(
    [
        "100",
        "4321",
        "N",
        "N.",
        "S.",
        "W",
        "E.",
        "n. w.",
        "S.E",
        "North",
        "West",
        "Main",
        "St.",
        "ST.CHARLES",
        "O'Fallon",
        "D`Arcy",
        "L\u2019Anse",
        "Ave",
        "Apt",
        "#",
        "12",
        "&",
        "Clark",
        ",",
        ", ",
        "-",
        "\t",
        "\x1c",
        "\u00a0",
        "\u00c9cole",
        "\u00bd",
        "  ",
        ".",
        "'",
        "St.Louis",
        "P.O.",
        "Box",
        "N.W.",
        "S. W.",
        "Jefferson City",
        "MO",
        "65101",
    ]
)


@settings(max_examples=600, deadline=None)
@given(st.lists(LINE_PIECES, max_size=10), st.sampled_from([" ", "", "  "]))
def test_prepare_matches_the_reference(pieces, sep):
    line = sep.join(pieces)
    assert P._prepare(line) == reference_prepare(line)


VALUES = st.sampled_from(
    ["", "N", "NW", "X", "NORTH", "MO", "ZZ", "MISSOURI", "65101", "6510", "651011234", "A"]
    + ["Y" * n for n in (2, 3, 10, 11, 20, 21, 30, 31, 60, 61, 100, 101)]
)


@settings(max_examples=800, deadline=None)
@given(st.tuples(*[VALUES] * len(A.NORM_FIELDS)))
def test_values_fine_exactly_when_there_is_no_value_problem(values):
    norm = dict(zip(A.NORM_FIELDS, values, strict=True))
    assert K._values_fine(values) == (K._value_problems(norm, K._SAME_FIELDS) == [])


RAW = st.sampled_from([None, "", " ", False, True, "Y", "x", "12", 0])


@settings(max_examples=800, deadline=None)
@given(st.tuples(*[RAW] * len(N._RAW_FIELDS)))
def test_plan_reports_every_structure_problem(raw_items):
    """The plan skips ``_structure_problems`` for shapes that have none; it never skips one."""
    problems = K._structure_problems(dict(zip(N._RAW_FIELDS, raw_items, strict=True)))
    if problems:
        assert K._plan_cached.__wrapped__(raw_items) == tuple(problems)


def test_grouped_component_caches_keep_types_apart():
    A.cache_clear()
    base = {"number": "12", "street": "Main", "tag": "St", "state": "MO", "zip": "65101"}
    for first, second in ((True, 1), (1, True)):
        A.cache_clear()
        one = A.normalized_key_of({**base, "city": first})
        two = A.normalized_key_of({**base, "number": "13", "city": second})
        assert one.split("|")[7] == ("TRUE" if first is True else "1")
        assert two.split("|")[7] == ("TRUE" if second is True else "1")


def test_parse_values_follow_the_items():
    """``_Parsed.values`` is ``items`` in KEY_FIELDS order, '' for what the text lacked."""
    A.cache_clear()
    for line in (
        "4321 N Lexington Ave NE Apt 45",
        "4321 N Lexington Ave, Jefferson City, MO 65101",
        "PO Box 125, Jefferson City MO",
        "100 West End Ave",
        "RR 2 Box 5",
    ):
        parsed = P._parse_cached(P._prepare(line))
        items = dict(parsed.items)
        assert parsed.values == tuple(items.get(k, "") for k in A.KEY_FIELDS)
        assert parsed.values[2] in data.DIRECTIONAL_STANDARDS | {""}
