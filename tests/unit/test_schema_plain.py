"""The plain-dict schema a sync transfer validates with (``parse_staff_record``, R-SYNC-2:
"the same schema and rules as create") accepts, refuses and normalizes exactly like the
payload models of ``parse_staff``: from a decoded payload and from its JSON text."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bo_tui.core.errors import RuleViolation
from bo_tui.core.schemas import NotJson, StaffMemberIn, parse_staff, parse_staff_record

scalar = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-3, 3),
    st.sampled_from(
        [
            "",
            "  ",
            "x",
            " 1001 ",
            "2020-02-29",
            "2021-02-29",
            "12/26/1979",
            "1980-01-01T00:00:00",
            "２０２０-01-01",
            "2020-13-01",
            "0000-01-01",
            "20200101",
            "2020-1-1",
            " 2020-01-01",
            "2020-W01-1",
            "123-45-6789",
            "123 45 6789",
            "12345678",
            "１23456789",
            "true",
            "yes",
            "N",
            "A" * 45,
            "A" * 300,
            "4321 North Lexington Avenue",
            "MO",
            "65101",
        ]
    ),
)
address = st.dictionaries(
    st.sampled_from(
        [
            "fullStreetAddress",
            "number",
            "street",
            "tag",
            "city",
            "state",
            "zip",
            "postOfficeBox",
            "apt",
            "bogus",
        ]
    ),
    scalar,
    max_size=6,
)
location = st.dictionaries(
    st.sampled_from(["address", "mailing", "physical", "startDate", "extra"]),
    st.one_of(scalar, address),
    max_size=4,
)
staff = st.dictionaries(
    st.sampled_from([*StaffMemberIn.model_fields, "unknownField"]),
    st.one_of(
        scalar,
        st.lists(
            st.dictionaries(
                st.sampled_from(
                    [
                        "hireDate",
                        "terminationDate",
                        "schoolNumber",
                        "titleCode",
                        "startDate",
                        "assignmentCode",
                        "endDate",
                    ]
                ),
                scalar,
                max_size=3,
            )
            | scalar,
            max_size=2,
        ),
        st.fixed_dictionaries(
            {},
            optional={
                "name": scalar,
                "householdLocations": st.lists(location | scalar, max_size=2) | scalar,
            },
        ),
    ),
    max_size=8,
)


def _outcome(parse, data):
    try:
        return "ok", parse(data)
    except RuleViolation as exc:
        return "refused", sorted((e.field, e.message, e.rule) for e in exc.errors)


@settings(max_examples=600, deadline=None)
@given(staff)
def test_R_SYNC_2_transfer_schema_equals_create_schema(data):
    kind, model = _outcome(parse_staff, data)
    expected = model.model_dump(exclude_unset=True) if kind == "ok" else model
    assert _outcome(parse_staff_record, data) == (kind, expected)
    assert _outcome(parse_staff_record, json.dumps(data).encode()) == (kind, expected)


def test_R_SYNC_2_plain_records_keep_only_the_sent_keys():
    rec = parse_staff_record(
        b'{"staffNumber": " 77 ", "ssn": "123-45-6789", "employments": null, '
        b'"household": {"householdLocations": [{"address": {"street": "Main"}}]}}'
    )
    assert rec == {
        "staffNumber": "77",
        "ssn": "123456789",
        "employments": None,  # sent as null: kept (null = clear), unlike an absent key
        "household": {"householdLocations": [{"address": {"street": "Main"}}]},
    }


@pytest.mark.parametrize(
    ("text", "line", "column"),
    [(b'{"staffNumber": 2,,}', 1, 19), (b'{"a": 1,\n "b": tru}', 2, 10)],
)
def test_R_SYNC_2_a_broken_record_text_says_where(text, line, column):
    with pytest.raises(NotJson) as exc:
        parse_staff_record(text)
    assert (exc.value.line, exc.value.column) == (line, column)
