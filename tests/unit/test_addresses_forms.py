"""R-ADDR-7: one address written the ways people write it has one key (case, punctuation,
whitespace, comma placement, Pub 28 abbreviations, unit designators), and two house numbers never do."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bo_tui.core import addresses as A
from bo_tui.core.addresses import candidate_keys, normalized_key_of
from bo_tui.core.addresses.forms import split_unit
from bo_tui.core.schemas import AddressIn

# (street, suffix): plain names, ordinals, and names holding a PO-box, suffix or unit word.
STREETS = [
    ("MAIN", "ST"),
    ("LEXINGTON", "AVE"),
    ("DUNKLIN", "ST"),
    ("COUNTRY CLUB", "DR"),
    ("BOX ELDER", "DR"),
    ("STRONG BOX", "RD"),
    ("COURT", "ST"),
    ("PARK", "AVE"),
    ("LAKE SHORE", "DR"),
    ("CIRCLE", "DR"),
    ("MILL CREEK", "RD"),
    ("5TH", "AVE"),
    ("42ND", "ST"),
    ("BROADWAY", ""),
    ("AVENUE OF THE AMERICAS", ""),
]
# City, state, a ZIP of that state, the state's name.
PLACES = [
    ("JEFFERSON CITY", "MO", "65101", "Missouri"),
    ("SAINT LOUIS", "MO", "63101", "Missouri"),
    ("KANSAS CITY", "KS", "66101", "Kansas"),
    ("SALT LAKE CITY", "UT", "84101", "Utah"),
    ("CAPE GIRARDEAU", "MO", "63701", "Missouri"),
    ("HOLTS SUMMIT", "MO", "65043", "Missouri"),
    ("FORT WORTH", "TX", "76102", "Texas"),
    ("HARTFORD", "CT", "06103", "Connecticut"),
    ("OMAHA", "NE", "68102", "Nebraska"),
    ("CHARLESTON", "WV", "25301", "West Virginia"),
    ("RALEIGH", "NC", "27601", "North Carolina"),
]
SUFFIX_SPELLINGS = {
    "ST": ["St", "St.", "Street", "STR"],
    "AVE": ["Ave", "Ave.", "Avenue", "Av"],
    "DR": ["Dr", "Dr.", "Drive"],
    "RD": ["Rd", "Rd.", "Road"],
}
DIRECTION_SPELLINGS = {
    "N": ["N", "N.", "North"],
    "SE": ["SE", "S.E.", "Southeast"],
    "W": ["W", "W.", "West"],
    "NW": ["NW", "N.W.", "Northwest"],
}
UNIT_SPELLINGS = {
    "APT": ["Apt", "Apt.", "Apartment", "Unit", "#", "# ", "APT"],
    "STE": ["Ste", "Suite", "Ste.", "#", "# "],
    "LOT": ["Lot", "#"],
}

addresses = st.fixed_dictionaries(
    {
        "number": st.integers(1, 99999).map(str),
        "prefix": st.sampled_from(["", "", "N", "SE"]),
        "street": st.sampled_from(STREETS),
        "direction": st.sampled_from(["", "", "W", "NW"]),
        "unit": st.sampled_from([None, None, ("APT", "4"), ("STE", "200"), ("LOT", "B")]),
        "place": st.sampled_from(PLACES),
        "location": st.sampled_from(["full", "full", "state", "zip", "none"]),
    }
)


def components(a: dict) -> dict:
    """The address as standard components: what every spelling must key like."""
    street, tag = a["street"]
    city, state, z, _ = a["place"]
    out = {"number": a["number"], "prefix": a["prefix"], "street": street, "tag": tag}
    out["direction"] = a["direction"] if tag else ""
    if a["unit"]:
        out["apt"] = " ".join(a["unit"])
    keep = {"full": ("city", "state", "zip"), "state": ("state", "zip"), "zip": ("zip",)}
    location = {"city": city, "state": state, "zip": z}
    return out | {k: location[k] for k in keep.get(a["location"], ())}


@st.composite
def written(draw, a: dict) -> str:
    """One way a person writes the address: its words' spellings, case, periods, spaces and
    commas drawn independently. A comma is kept before the city after a spelled-out or
    comma-set-off post-directional or a street with no suffix: "Oak St West Raleigh" is as
    often the city West Raleigh, and "1 Broadway Cape Girardeau" the street Broadway Cape."""
    street, tag = a["street"]
    city, state, z, state_name = a["place"]
    words = [a["number"]]
    if a["prefix"]:
        words.append(draw(st.sampled_from(DIRECTION_SPELLINGS[a["prefix"]])))
    words.append(street.title() if not street[0].isdigit() else street.lower())
    if tag:
        words.append(draw(st.sampled_from(SUFFIX_SPELLINGS[tag])))
    comma = st.sampled_from(["", ","])
    spelled_direction = False
    if a["direction"] and tag:
        d = draw(st.sampled_from(DIRECTION_SPELLINGS[a["direction"]]))
        before = draw(comma)
        # A directional set off by a comma is followed by one ("Oak St, W, Jefferson City"):
        # "Oak St, W Jefferson City" is the city W Jefferson City.
        spelled_direction = len(d) > 3 or before == ","
        words.append(before + " " + d)
    if a["unit"]:
        kind, ident = a["unit"]
        designator = draw(st.sampled_from(UNIT_SPELLINGS[kind]))
        unit = designator + ident if designator.endswith("#") else f"{designator} {ident}"
        words.append(draw(comma) + " " + unit)
    if a["location"] in ("full", "state"):
        if a["location"] == "full":
            sep = "," if spelled_direction or not tag else draw(comma)
            words.append(sep + " " + city.title())
        words.append(draw(comma) + " " + draw(st.sampled_from([state, state_name])))
    if a["location"] != "none":
        words.append(draw(comma) + " " + z + draw(st.sampled_from(["", "-1234"])))
    text = " ".join(words).replace(" ,", ",")
    text = draw(st.sampled_from([text, text.upper(), text.lower()]))
    return text.replace(" ", draw(st.sampled_from([" ", "  "])))


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_R_ADDR_7_key_is_stable_under_case_punctuation_commas_and_abbreviation(d):
    a = d.draw(addresses)
    text = d.draw(written(a))
    expected = normalized_key_of(components(a))
    assert expected is not None
    assert normalized_key_of({"fullStreetAddress": text}) == expected, text
    # The same text sent beside its location fields, or the components as sent, meet it too.
    assert expected in candidate_keys(components(a) | {"fullStreetAddress": None})


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data(), st.integers(1, 99999).map(str))
def test_R_ADDR_7_two_house_numbers_never_share_a_key(d, other):
    a = d.draw(addresses)
    if other == a["number"]:
        other = str(int(other) + 1)
    b = a | {"number": other}
    text_a, text_b = d.draw(written(a)), d.draw(written(b))
    keys_a = set(candidate_keys({"fullStreetAddress": text_a})) | {normalized_key_of(components(a))}
    keys_b = set(candidate_keys({"fullStreetAddress": text_b})) | {normalized_key_of(components(b))}
    assert not keys_a & keys_b, (text_a, text_b)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data(), st.sampled_from(["unit", "zip", "street"]))
def test_R_ADDR_7_a_different_unit_zip_or_street_is_never_one_address(d, field):
    a = d.draw(addresses)
    if field == "unit":
        b = a | {"unit": ("APT", "5") if a["unit"] != ("APT", "5") else None}
    elif field == "zip":
        city, state, z, name = a["place"]
        b = a | {"place": (city, state, f"{int(z) + 1:05d}", name)}
        if a["location"] == "none":
            a = a | {"location": "zip"}
            b = b | {"location": "zip"}
    else:
        others = [s for s in STREETS if s[0] != a["street"][0]]
        b = a | {"street": d.draw(st.sampled_from(others))}
    key_a = normalized_key_of({"fullStreetAddress": d.draw(written(a))})
    key_b = normalized_key_of({"fullStreetAddress": d.draw(written(b))})
    assert key_a is None or key_a != key_b


# ---------------------------------------------------------------- each form of issue 19

JC = "Jefferson City, MO 65101"


def key(text: str | dict) -> str | None:
    return normalized_key_of(text if isinstance(text, dict) else {"fullStreetAddress": text})


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("1200 Main St, Springfield, IL, 62701", "1200 Main St, Springfield, IL 62701"),
        ("1200 Main St Springfield IL 62701", "1200 Main St, Springfield, IL 62701"),
        ("12 Elm St # 4", "12 Elm St Ste 4"),
        ("12 Elm St #4", "12 Elm St Apt 4"),
        ("12 Elm St 4", "12 Elm St Unit 4"),
        ("55 Kalakaua Ave, Unit B, Honolulu HI 96815", "55 Kalakaua Ave Unit B, Honolulu, HI 96815"),
        ("410 Oak Street, SW, Roanoke VA 24016", "410 Oak St SW, Roanoke, VA 24016"),
        ("100 Main St, MO 65101", {"number": "100", "street": "Main", "tag": "St", "state": "MO", "zip": "65101"}),
        ("100 Main St, Jefferson City, Missouri 65101", f"100 Main St, {JC}"),
        ("100 Main St Jefferson City Missouri 65101", f"100 Main St, {JC}"),
        ("77 Broadway Apartment 5", "77 Broadway Apt 5"),
        ("77 Broadway Apartment 5", {"number": "77", "street": "Broadway", "apt": "5"}),
        ("12 Elm St Apt 3 65101", {"number": "12", "street": "Elm", "tag": "St", "apt": "3", "zip": "65101"}),
        ("100 Box Elder Dr", {"number": "100", "street": "Box Elder", "tag": "Dr"}),
        ("100 Strong Box Rd", {"number": "100", "street": "Strong Box", "tag": "Rd"}),
        ("1200 Avenue of the Americas", {"number": "1200", "street": "Avenue of the Americas"}),
        ("100 Court St, Jefferson City, MO 65101", {"number": "100", "street": "Court", "tag": "St", "city": "Jefferson City", "state": "MO", "zip": "65101"}),
        ("PO Box 71 Fort Worth TX 76102", "P.O. Box 71, Fort Worth, Texas, 76102"),
        ("POB 20, St. Louis, MO 63101", "Post Office Box 20, Saint Louis, MO 63101"),
        ("100 Oak Ct, Hartford, CT 06103", "100 Oak Court Hartford CT 06103"),
        ("229 Forest Hill Ave Cape Girardeau MO 63701", "229 Forest Hill Avenue, Cape Girardeau, MO 63701"),
        ("881 42nd St Apt A Ste. Genevieve MO 63670", "881 42nd Street, Apt A, Sainte Genevieve, MO 63670"),
        ("84 King Blvd E, Space 238, Springfield, IL 62701", "84 King Boulevard, E., Spc 238 Springfield Illinois 62701"),
        ("1234 RT B, Columbia, MO 65203", "1234 Route B Columbia MO 65203"),
        ("2100 E Hwy 50 W, Jefferson City, MO 65101", "2100 East Highway 50 West Jefferson City MO 65101"),
        ("1234 ST RT 9, Columbia, MO 65203", "1234 State Route 9 Columbia MO 65203"),
        ("100 Main Street Rear Columbia MO 65201", "100 Main St, Rear, Columbia, MO 65201"),
        ("100 Main St Apt 4 Bldg 2", "100 Main St Bldg 2 # 4"),
        ("1 Main Street Jacksonville FL 32202", "1 Main St, Jacksonville, FL 32202"),
        ("1600 Pennsylvania Ave NW Washington DC 20500", "1600 Pennsylvania Avenue N.W., Washington, DC 20500"),
        ("1105 Bolton Rd, NW Atlanta, GA 30331", "1105 Bolton Road NW, Atlanta, GA 30331"),
        ("401 SW Water St, Unit508", "401 SW Water Street # 508"),
        ("13021 NW 1st St Apt # 109 Pembroke Pines FL, 33028", "13021 NW 1st Street #109, Pembroke Pines, Florida 33028"),
        ("84 Social Street Woonsocket, Rhode Island 02895 United States", "84 Social St, Woonsocket, RI 02895"),
        ("19 Hargrove Grade, Palm Coast FL", "19 Hargrove Grade, Palm Coast, Florida"),
        ("121 N LaSalle St, 9th Floor, Chicago IL 60602", "121 N LaSalle St Fl 9, Chicago, IL 60602"),
        ("4450 Camrose Ct Cumming 30041", "4450 Camrose Court, Cumming, 30041"),
        ("1234 Old Hwy 50 Jefferson City MO 65101", "1234 Old Highway 50, Jefferson City, MO 65101"),
        ("100 Co Rd 42, Holts Summit, MO 65043", "100 County Road 42 Holts Summit MO 65043"),
        ("7529 E County Road MM Janesville WI 53546", "7529 E Co Rd MM, Janesville, WI 53546"),
        ("110 Alexander St # Apt 3 Elizabethtown 28337", "110 Alexander St Apt 3, Elizabethtown, 28337"),
        ("44 Main St, Mountlake Terrace, WA 98043", "44 Main Street Mountlake Terrace WA 98043"),
    ],
)  # fmt: skip
def test_R_ADDR_7_each_form_of_one_address_has_one_key(one, other):
    assert key(one) is not None
    assert key(one) == key(other)


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("12 Elm St # 4", "12 Elm St Ste 5"),
        ("12 Elm St Apt 4", "12 Elm St"),
        ("100 Box Elder Dr, Jefferson City, MO 65101", "PO Box 100, Jefferson City, MO 65101"),
        ("100 Main St, MO 65101", "100 Main St, MO 65102"),
        ("100 Oak Ct 65101", "100 Oak, CT 06103"),
        ("100 Main St, NE", "100 Main St"),
        ("PO Box 20, St. Louis, MO 63101", "PO Box 21, St. Louis, MO 63101"),
        ("100 Main St Bldg 2 Apt 5", "100 Main St Bldg 5 Apt 2"),
        ("100 Main St Rear", "100 Main St"),
        ("1234 Route B", "1234 Route C"),
        (
            "6426 Bellingham Ave, N. Hollywood, CA 91606",
            "6426 Bellingham Ave N, Hollywood, CA 91606",
        ),
        ("2910 Meadow Glen St Marion IA 52302", "2910 Meadow Glen, Saint Marion, IA 52302"),
    ],
)
def test_R_ADDR_7_what_decides_keeps_two_addresses_apart(one, other):
    assert key(one) != key(other)


def test_R_ADDR_7_a_unit_after_a_street_without_suffix_is_no_part_of_its_name():
    assert split_unit("77 BROADWAY APARTMENT 5".split()) == (["77", "BROADWAY"], ["APARTMENT", "5"])
    assert split_unit("100 MAIN ST BLDG 2 APT 5".split())[1] == ["BLDG", "2", "APT", "5"]
    assert split_unit("100 PIER 39".split()) == (["100", "PIER", "39"], [])
    parsed = A.parse_full("77 Broadway Apartment 5")
    assert (parsed["street"], parsed["tag"], parsed["apt"]) == ("BROADWAY", "", "5")


def test_R_ADDR_7_a_state_alone_is_the_state_never_the_city():
    parsed = A.parse_full("100 Main St, MO 65101")
    assert (parsed.get("city"), parsed["state"], parsed["zip"]) == (None, "MO", "65101")


def test_R_ADDR_7_the_stored_unit_keeps_its_designator():
    assert key("12 Elm St Ste 4").split("|")[6] == "4"  # the key holds the number alone …
    assert A.parse_full("12 Elm St Ste 4")["apt"] == "STE 4"  # … the row its designator


def test_R_ADDR_7_components_and_their_full_street_address_meet():
    sent = AddressIn(number="4321", prefix="N", street="Lexington", tag="Ave", apt="#45", city="Jefferson City", state="MO", zip="65101")  # fmt: skip
    text = AddressIn(fullStreetAddress="4321 North Lexington Avenue Suite 45, Jefferson City, Missouri 65101")  # fmt: skip
    assert key(sent.model_dump()) == key(text.model_dump())
