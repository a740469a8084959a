"""The address engine (R-ADDR-1 … R-ADDR-6): validation, Pub 28 normalization, usaddress
parsing, matching in the SPEC order against a real store, and search."""

from __future__ import annotations

import pytest
import usaddress
from sqlalchemy import func, select

from bo_tui.core import address_data as data
from bo_tui.core import addresses as A
from bo_tui.core.addresses import (
    address_key,
    check_payload,
    match,
    normalize_components,
    normalized_key_of,
    parse_full,
    resolve,
    search,
    to_payload,
)
from bo_tui.core.errors import RuleViolation
from bo_tui.core.schemas import AddressIn
from bo_tui.store.models import Address

PATH = "household.householdLocations[0].address"
STANDARD = {
    "number": "4321",
    "prefix": "N",
    "street": "LEXINGTON",
    "tag": "AVE",
    "direction": "NE",
    "apt": "45",
    "city": "JEFFERSON CITY",
    "state": "MO",
    "zip": "65101",
}
JC = {"city": "Jefferson City", "state": "MO", "zip": "65101"}


def errors_of(exc: pytest.ExceptionInfo) -> dict[str, tuple[str, str]]:
    return {e.field: (e.message, e.rule) for e in exc.value.errors}


def count(store) -> int:
    with store.transaction() as s:
        return s.scalar(select(func.count()).select_from(Address))


# ---------------------------------------------------------------- R-ADDR-1


def test_R_ADDR_1_full_street_address_with_components_is_an_error():
    addr = AddressIn(fullStreetAddress="4321 N Lexington Ave", street="Lexington", apt="4", **JC)
    with pytest.raises(RuleViolation) as exc:
        check_payload(addr, PATH)
    errs = errors_of(exc)
    assert list(errs) == [f"{PATH}.fullStreetAddress"]
    message, rule = errs[f"{PATH}.fullStreetAddress"]
    assert rule == "R-ADDR-1" and "street, apt" in message
    assert normalized_key_of(addr) is None


def test_R_ADDR_1_full_street_address_alone_or_components_alone_are_fine():
    check_payload(AddressIn(fullStreetAddress="4321 N Lexington Ave", **JC), PATH)
    check_payload(AddressIn(number="4321", street="Lexington", **JC), PATH)


def test_R_ADDR_1_an_empty_address_is_an_error(store):
    for addr in (
        AddressIn(),
        AddressIn(city="Jefferson City", state="MO"),
        AddressIn(fullStreetAddress="  "),
    ):
        with pytest.raises(RuleViolation) as exc:
            check_payload(addr, PATH)
        assert list(errors_of(exc)) == [PATH]
    with store.transaction() as s, pytest.raises(RuleViolation):
        resolve(s, AddressIn(), PATH)


def test_R_ADDR_1_components_need_a_street():
    with pytest.raises(RuleViolation) as exc:
        check_payload(AddressIn(number="4321", tag="Ave", **JC), PATH)
    assert list(errors_of(exc)) == [f"{PATH}.street"]


# ---------------------------------------------------------------- R-ADDR-2


def test_R_ADDR_2_po_box_needs_number_city_state_zip():
    with pytest.raises(RuleViolation) as exc:
        check_payload(AddressIn(postOfficeBox=True), PATH)
    errs = errors_of(exc)
    assert set(errs) == {f"{PATH}.{k}" for k in ("number", "city", "state", "zip")}
    assert {rule for _, rule in errs.values()} == {"R-ADDR-2"}


@pytest.mark.parametrize("field", ["prefix", "street", "tag", "direction", "apt"])
def test_R_ADDR_2_po_box_refuses_every_street_component(field):
    addr = AddressIn(postOfficeBox=True, number="125", **JC, **{field: "N"})
    with pytest.raises(RuleViolation) as exc:
        check_payload(addr, PATH)
    assert errors_of(exc) == {f"{PATH}.{field}": (errors_of(exc)[f"{PATH}.{field}"][0], "R-ADDR-2")}


def test_R_ADDR_2_po_box_with_county_is_accepted(store):
    addr = AddressIn(postOfficeBox=True, number="125", county="Cole", **JC)
    check_payload(addr, PATH)
    with store.transaction() as s:
        row = resolve(s, addr, PATH)
        assert (row.post_office_box, row.number, row.street, row.county) == (
            True,
            "125",
            None,
            "COLE",
        )


def test_R_ADDR_2_po_box_spellings_are_one_address(store):
    forms = [
        AddressIn(fullStreetAddress="P.O. Box 125", **JC),
        AddressIn(fullStreetAddress="PO BOX 125", **JC),
        AddressIn(fullStreetAddress="Post Office Box 125", **JC),
        AddressIn(fullStreetAddress="p o box #125", **JC),
        AddressIn(postOfficeBox=True, number="125", **JC),
        AddressIn(postOfficeBox=True, number="PO Box 125", **JC),
    ]
    with store.transaction() as s:
        ids = {resolve(s, f, PATH).id for f in forms}
    assert len(ids) == 1
    assert len({normalized_key_of(f) for f in forms}) == 1


def test_R_ADDR_2_po_box_flag_with_a_street_text_is_an_error():
    with pytest.raises(RuleViolation) as exc:
        A.normalized_key(
            AddressIn(postOfficeBox=True, fullStreetAddress="4321 N Lexington Ave", **JC)
        )
    assert errors_of(exc)["postOfficeBox"][1] == "R-ADDR-2"


# ---------------------------------------------------------------- R-ADDR-3


def test_R_ADDR_3_spec_example_is_one_address():
    a = AddressIn(fullStreetAddress="4321 North Lexington Avenue", **JC)
    b = AddressIn(fullStreetAddress="4321 N Lexington Ave.", **JC)
    c = AddressIn(number="4321", prefix="north", street="lexington", tag="Avenue.", **JC)
    assert normalized_key_of(a) == normalized_key_of(b) == normalized_key_of(c)


def test_R_ADDR_3_standard_form_is_the_identity():
    norm = normalize_components(STANDARD)
    assert {k: norm[k] for k in STANDARD} == STANDARD
    assert address_key(norm) == "|4321|N|LEXINGTON|AVE|NE|45|JEFFERSON CITY|MO|65101"
    assert normalized_key_of(AddressIn(**STANDARD)) == address_key(norm)


def test_R_ADDR_3_case_punctuation_whitespace():
    messy = {
        "number": " 4321 ",
        "prefix": "n.",
        "street": "  lexington ",
        "tag": "Ave.",
        "direction": "N.E.",
        "apt": "Apt. #45",
        "city": "jefferson   city,",
        "state": "Mo.",
        "zip": "65101-1234",
    }
    norm = normalize_components(messy)
    assert {k: norm[k] for k in STANDARD} == STANDARD


@pytest.mark.parametrize(
    ("text", "std"),
    [
        ("North", "N"),
        ("n", "N"),
        ("N.", "N"),
        ("South", "S"),
        ("East", "E"),
        ("west", "W"),
        ("Northwest", "NW"),
        ("North West", "NW"),
        ("north-west", "NW"),
        ("N.W.", "NW"),
        ("N W", "NW"),
        ("Southeast", "SE"),
        ("S.E.", "SE"),
        ("SW", "SW"),
        ("Noroeste", "NW"),
    ],
)
def test_R_ADDR_3_directionals(text, std):
    assert A.norm_directional(text) == std


def test_R_ADDR_3_every_C1_suffix_variant():
    assert len(data.STREET_SUFFIX_C1) > 500 and len(data.SUFFIX_STANDARDS) > 200
    for variant, std in data.STREET_SUFFIX_C1.items():
        assert A.norm_tag(variant.title() + ".") == std, variant
    for variant in ("AVENUE", "AV", "AVEN", "AVENU", "AVN", "AVNUE", "Ave."):
        assert A.norm_tag(variant) == "AVE"


@pytest.mark.parametrize(
    ("text", "std"),
    [
        ("Apartment 12", "12"),
        ("Apt. 12", "12"),
        ("APT12", "12"),
        ("#12", "12"),
        ("# 12", "12"),
        ("Unit 12", "12"),
        ("No. 12", "12"),
        ("12", "12"),
        ("Apt #12-B", "12B"),
        ("Suite 200", "STE 200"),
        ("Ste. #200", "STE 200"),
        ("STE200", "STE 200"),
        ("Building 2", "BLDG 2"),
        ("Room 5", "RM 5"),
        ("Lot 7", "LOT 7"),
        ("Trailer 3", "TRLR 3"),
        ("Space 4", "SPC 4"),
        ("Basement", "BSMT"),
        ("Rear", "REAR"),
        ("Penthouse", "PH"),
        ("2nd Floor", "FL 2"),
        ("Second Floor", "FL 2"),
        ("Floor 2", "FL 2"),
        ("Bldg 2 Apt 5", "BLDG 2 APT 5"),
        ("Apt", ""),
    ],
)
def test_R_ADDR_3_unit_designators(text, std):
    assert A.norm_apt(text) == std


def test_R_ADDR_3_apt_and_suite_are_different_units():
    assert A.norm_apt("Apt 12") != A.norm_apt("Suite 12")


@pytest.mark.parametrize(
    ("text", "std"),
    [
        ("Fifth", "5TH"),
        ("5th", "5TH"),
        ("first", "1ST"),
        ("Second", "2ND"),
        ("Third", "3RD"),
        ("Eleventh", "11TH"),
        ("Twelfth", "12TH"),
        ("Twenty-First", "21ST"),
        ("twenty second", "22ND"),
        ("Ninety-Ninth", "99TH"),
        ("Hundredth", "100TH"),
        ("One Hundred Ninth", "109TH"),
        ("One Hundred and Ninth", "109TH"),
        ("Two Hundred Twenty-Third", "223RD"),
        ("42th", "42ND"),
        ("11st", "11TH"),
        ("103rd", "103RD"),
        ("Fifth Street Market", "5TH STREET MARKET"),
        ("One", "ONE"),
        ("42", "42"),
    ],
)
def test_R_ADDR_3_ordinals(text, std):
    assert A.norm_street(text) == std


def test_R_ADDR_3_ordinal_table_covers_one_to_hundredth():
    words = {v for v in data.ORDINAL_WORDS.values()}
    assert {f"{n}{data.ordinal_suffix(n)}" for n in range(1, 101)} <= words


@pytest.mark.parametrize(
    ("text", "std"),
    [
        ("Missouri", "MO"),
        ("mo", "MO"),
        ("Mo.", "MO"),
        ("New York", "NY"),
        ("North Carolina", "NC"),
        ("District of Columbia", "DC"),
        ("Puerto Rico", "PR"),
        ("Kans.", "KS"),
    ],
)
def test_R_ADDR_3_states(text, std):
    assert A.norm_state(text) == std


@pytest.mark.parametrize(
    ("text", "std"),
    [
        ("65101", "65101"),
        ("65101-1234", "65101"),
        ("65101 1234", "65101"),
        ("651011234", "65101"),
        ("65101-", "65101"),
        ("2134", "02134"),
        ("02134-0001", "02134"),
    ],
)
def test_R_ADDR_3_zip_compares_on_zip5(text, std):
    assert A.norm_zip(text) == std


def test_R_ADDR_3_street_names_keep_directional_words():
    assert A.norm_street("West End") == "WEST END"
    assert A.norm_street("North") == "NORTH"
    assert parse_full("100 North St")["street"] == "NORTH"
    assert parse_full("100 South St")["street"] == "SOUTH"


def test_R_ADDR_3_values_that_cannot_be_an_address_are_errors():
    bad = AddressIn(number="1", street="Main", state="Zz", zip="6510A", city="X")
    with pytest.raises(RuleViolation) as exc:
        check_payload(bad, PATH)
    assert set(errors_of(exc)) == {f"{PATH}.state", f"{PATH}.zip"}
    assert {rule for _, rule in errors_of(exc).values()} == {"R-ADDR-3"}
    assert normalized_key_of(bad) is None


def test_R_ADDR_3_a_prefix_that_is_no_directional_joins_the_street_name(store):
    addr = AddressIn(number="1", prefix="Old", street="Mill", tag="Road", **JC)
    with store.transaction() as s:
        row = resolve(s, addr, PATH)
        assert (row.prefix, row.street, row.tag) == (None, "OLD MILL", "RD")


# ---------------------------------------------------------------- R-ADDR-4


def test_R_ADDR_4_text_and_components_resolve_to_one_row(store):
    with store.transaction() as s:
        a = resolve(s, AddressIn(fullStreetAddress="4321 North Lexington Avenue", **JC), PATH)
        b = resolve(
            s, AddressIn(number="4321", prefix="N", street="Lexington", tag="Ave.", **JC), PATH
        )
        assert a.id == b.id
        assert (a.number, a.prefix, a.street, a.tag, a.city, a.state, a.zip) == (
            "4321",
            "N",
            "LEXINGTON",
            "AVE",
            "JEFFERSON CITY",
            "MO",
            "65101",
        )
    with store.transaction() as s:  # a later unit of work finds the committed row
        c = resolve(s, AddressIn(fullStreetAddress="4321 n lexington ave", **JC), PATH)
        assert c.id == a.id
    assert count(store) == 1


def test_R_ADDR_4_exact_components_match_a_standard_row_first(store):
    norm = normalize_components(STANDARD)
    with store.transaction() as s:
        s.add(
            Address(
                number="4321",
                prefix="N",
                street="LEXINGTON",
                tag="AVE",
                direction="NE",
                apt="45",
                city="JEFFERSON CITY",
                state="MO",
                zip="65101",
                norm_key=address_key(norm),
            )
        )
    with store.transaction() as s:
        row = resolve(s, AddressIn(**STANDARD), PATH)
        again = resolve(
            s, AddressIn(fullStreetAddress="4321 N Lexington Ave NE Apt 45", **JC), PATH
        )
        assert row.id == again.id
    assert count(store) == 1


def test_R_ADDR_4_misplaced_components_are_re_parsed_and_stored_parsed(store):
    with store.transaction() as s:
        row = resolve(s, AddressIn(street="4321 North Lexington Ave Apt 45", **JC), PATH)
        assert (row.number, row.prefix, row.street, row.tag, row.apt) == (
            "4321",
            "N",
            "LEXINGTON",
            "AVE",
            "45",
        )
        same = resolve(
            s,
            AddressIn(number="4321", prefix="N", street="Lexington", tag="Ave", apt="45", **JC),
            PATH,
        )
        assert same.id == row.id


def test_R_ADDR_4_re_parse_matches_an_existing_row(store):
    with store.transaction() as s:
        row = resolve(s, AddressIn(fullStreetAddress="100 West End Avenue", **JC), PATH)
        # The sender's split is well formed, so its key misses; the re-parsed line matches.
        same = resolve(s, AddressIn(number="100", street="West End", tag="Ave", **JC), PATH)
        assert same.id == row.id
    assert count(store) == 1


def test_R_ADDR_4_a_street_named_west_end_keeps_its_name(store):
    with store.transaction() as s:
        row = resolve(s, AddressIn(number="100", street="West End", tag="Ave", **JC), PATH)
        assert (row.prefix, row.street) == (None, "WEST END")
        same = resolve(s, AddressIn(fullStreetAddress="100 West End Ave", **JC), PATH)
        assert same.id == row.id


def test_R_ADDR_4_normalized_key_of_agrees_with_resolve(store):
    inputs = [
        AddressIn(fullStreetAddress="4321 109th Ave Northwest", **JC),
        AddressIn(number="12", street="Fifth", tag="Avenue", apt="Suite 3", **JC),
        AddressIn(street="4321 W 109th Ave NW", **JC),
        AddressIn(postOfficeBox=True, number="9", **JC),
        AddressIn(**STANDARD),
    ]
    with store.transaction() as s:
        for addr in inputs:
            assert resolve(s, addr, PATH).norm_key == normalized_key_of(addr)


def test_R_ADDR_4_creation_is_safe_when_the_row_appeared_meanwhile(store, monkeypatch):
    addr = AddressIn(fullStreetAddress="77 Elm St", **JC)
    with store.transaction() as s:
        first = resolve(s, addr, PATH).id
    # Another writer made the row after this one looked: the insert must not fail or duplicate.
    real_by_key = match._by_key
    calls = []

    def by_key_missing_first(session, key):
        calls.append(key)
        return None if len(calls) == 1 else real_by_key(session, key)

    monkeypatch.setattr(match, "_by_key", by_key_missing_first)
    with store.transaction() as s:
        assert resolve(s, addr, PATH).id == first
    assert count(store) == 1


def test_R_ADDR_4_raw_input_cache_never_holds_rows(tmp_path):
    from bo_tui.store import Store

    addr = AddressIn(fullStreetAddress="5 Oak St", **JC)
    ids = []
    for name in ("one.db", "two.db"):
        st = Store(f"sqlite:///{tmp_path / name}")
        with st.transaction() as s:
            if name == "two.db":
                resolve(s, AddressIn(fullStreetAddress="1 Other Rd", **JC), PATH)
            ids.append(resolve(s, addr, PATH).id)
        st.dispose()
    assert ids == [1, 2]


# ---------------------------------------------------------------- R-ADDR-5


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "4321 109th Ave Northwest",
            {
                "number": "4321",
                "prefix": "",
                "street": "109TH",
                "tag": "AVE",
                "direction": "NW",
                "apt": "",
            },
        ),
        (
            "4321 W 109th Ave NW",
            {
                "number": "4321",
                "prefix": "W",
                "street": "109TH",
                "tag": "AVE",
                "direction": "NW",
                "apt": "",
            },
        ),
        ("P.O. Box 125", {"postOfficeBox": "Y", "number": "125", "street": "", "tag": ""}),
        (
            "12500 South 42nd Gardens Apt 123",
            {
                "number": "12500",
                "prefix": "S",
                "street": "42ND",
                "tag": "GDNS",
                "direction": "",
                "apt": "123",
            },
        ),
        (
            "4321 N. Lexington Ave. NE #45",
            {
                "number": "4321",
                "prefix": "N",
                "street": "LEXINGTON",
                "tag": "AVE",
                "direction": "NE",
                "apt": "45",
            },
        ),
        ("100 North West 5th St", {"prefix": "NW", "street": "5TH", "tag": "ST"}),
        ("100 5th Street North West", {"street": "5TH", "tag": "ST", "direction": "NW"}),
        ("100 Highway 61 N", {"street": "HIGHWAY 61", "direction": "N"}),
        ("RR 2 Box 5", {"postOfficeBox": "", "street": "RR 2", "number": "5"}),
        ("100 Main St Bldg 2 Apt 5", {"street": "MAIN", "apt": "BLDG 2 APT 5"}),
        (
            "123 Main St, Springfield, Illinois 62704-1234",
            {"street": "MAIN", "city": "SPRINGFIELD", "state": "IL", "zip": "62704"},
        ),
    ],
)
def test_R_ADDR_5_full_street_address_is_parsed(text, expected):
    parsed = parse_full(text)
    assert {k: parsed.get(k, "") for k in expected} == expected


@pytest.mark.parametrize(
    "text",
    [
        "100 Main St Apt 4 Apt 5",
        "100 Oak St Unit 4 Unit 5",
        "asdf qwerty",
        "Main St & 5th Ave",
        "PO Box",
        "123 Main St PO Box 5",
        "",
        "!!!",
    ],
)
def test_R_ADDR_5_unparseable_is_a_field_error_without_the_input(text):
    with pytest.raises(RuleViolation) as exc:
        parse_full(text, field=f"{PATH}.fullStreetAddress")
    (err,) = exc.value.errors
    assert (err.field, err.rule) == (f"{PATH}.fullStreetAddress", "R-ADDR-5")
    for word in ("Main", "asdf", "Oak"):
        assert word not in err.message


def test_R_ADDR_5_repeated_label_error_through_resolve(store):
    with store.transaction() as s, pytest.raises(RuleViolation) as exc:
        resolve(s, AddressIn(fullStreetAddress="100 Main St Apt 4 Apt 5", **JC), PATH)
    assert list(errors_of(exc)) == [f"{PATH}.fullStreetAddress"]
    assert "twice" in exc.value.errors[0].message


def test_R_ADDR_5_any_usaddress_failure_is_a_field_error(monkeypatch):
    def boom(_text):
        raise ValueError("crfsuite exploded")

    A.cache_clear()
    monkeypatch.setattr(usaddress, "tag", boom)
    try:
        with pytest.raises(RuleViolation) as exc:
            parse_full("9 Some-Odd Rd")
        assert exc.value.errors[0].rule == "R-ADDR-5"
    finally:
        A.cache_clear()


# ---------------------------------------------------------------- R-ADDR-6


@pytest.fixture
def three(store):
    with store.transaction() as s:
        resolve(s, AddressIn(fullStreetAddress="4321 N Lexington Ave", **JC), PATH)
        resolve(s, AddressIn(fullStreetAddress="4321 N Lexington Ave Apt 2", **JC), PATH)
        resolve(s, AddressIn(fullStreetAddress="10 S Lexington Ave", **JC), PATH)
    return store


def test_R_ADDR_6_search_compares_normalized_components(three):
    with three.transaction() as s:
        rows = search(s, street="lexington", prefix="North", state="Missouri", zip="65101-9999")
        assert [(r["number"], r["apt"]) for r in rows] == [("4321", None), ("4321", "2")]
        assert all(isinstance(r["addressId"], int) for r in rows)
        assert len(search(s, street="Lexington", tag="Avenue")) == 3
        assert search(s, apt="#2")[0]["apt"] == "2"
        assert search(s, city="Columbia") == []


def test_R_ADDR_6_search_by_full_street_address_matches_the_whole_line(three):
    with three.transaction() as s:
        rows = search(s, fullStreetAddress="4321 North Lexington Avenue")
        assert [r["apt"] for r in rows] == [None]
        with pytest.raises(RuleViolation) as exc:
            search(s, fullStreetAddress="4321 N Lexington Ave", number="4321")
        assert exc.value.errors[0].rule == "R-ADDR-1"


def test_R_ADDR_6_search_pages(three):
    with three.transaction() as s:
        ids = [r["addressId"] for r in search(s)]
        assert [r["addressId"] for r in search(s, limit=2)] == ids[:2]
        assert [r["addressId"] for r in search(s, limit=2, offset=2)] == ids[2:]


def test_R_ADDR_6_to_payload_is_camel_case(store):
    with store.transaction() as s:
        row = resolve(s, AddressIn(postOfficeBox=True, number="125", county="Cole", **JC), PATH)
        out = to_payload(row)
    assert out["addressId"] == row.id and out["postOfficeBox"] is True
    assert set(out) == {
        "addressId",
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
        "county",
        "locationCode",
        "tract",
        "block",
    }
    assert A.street_line(out) == "PO BOX 125"


def test_R_ADDR_3_full_street_address_location_values_are_checked():
    addr = AddressIn(fullStreetAddress="4321 N Lexington Ave", city="X", state="Atlantis", zip="1")
    with pytest.raises(RuleViolation) as exc:
        check_payload(addr, PATH)
    assert set(errors_of(exc)) == {f"{PATH}.state", f"{PATH}.zip"}


def test_R_ADDR_5_dotted_prefix_before_a_name_starting_with_w():
    assert parse_full("100 N. Washington Ave")["prefix"] == "N"
    assert parse_full("100 N. Washington Ave")["street"] == "WASHINGTON"
    assert parse_full("100 N. W. Elm St")["prefix"] == "NW"


def test_R_ADDR_2_a_po_box_as_text_also_needs_city_state_zip():
    with pytest.raises(RuleViolation) as exc:
        check_payload(AddressIn(fullStreetAddress="P.O. Box 125", city="Jefferson City"), PATH)
    assert set(errors_of(exc)) == {f"{PATH}.state", f"{PATH}.zip"}
    check_payload(AddressIn(fullStreetAddress="PO Box 125, Jefferson City, MO 65101"), PATH)
