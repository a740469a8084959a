"""R-DEMO-5 phone and e-mail forms over every path a payload takes (API create and update, a sync
transfer, JSON and CSV files), and one answer per record with all of its format and rule
errors (SPEC section 4): a bad birthDate never hides an unknown schoolNumber."""

from __future__ import annotations

import json

from bo_tui.core import errorlog, sync
from bo_tui.core.schemas import EMAIL_FORM, PHONE_FORM

from .conftest import BASE, staff_payload

SYNC = BASE + "/staffMembers/sync"
GOOD_PHONES = [
    "573-555-0142",
    "(573) 555-0142",
    "573.555.0142",
    "+1 573 555 0142",
    "1-573-555-0142",
    "5735550142",
    "573-555-0142 x6033",
    "573-555-0142 ext. 6033",
]
BAD_PHONES = ["555-0199", "573-555-01421", "cell", "573 555 0199 call me", "+44 20 7946 0958"]
BAD_EMAILS = ["ada", "ada@example", "ada okafor@example.org", "@example.org", "ada@@example.org"]


def _fields(body: dict) -> dict[str, str]:
    return {e["field"]: e["message"] for e in body["errors"]}


def test_R_DEMO_5_usual_phone_spellings_are_accepted_and_stored_as_sent(client, auth):
    for i, phone in enumerate(GOOD_PHONES):
        body = staff_payload(f"P{i}", cellPhone=phone, workEmail=f"p{i}.x@mail.example.org")
        r = client.post(BASE + "/staffMembers", json=body, headers=auth)
        assert r.status_code == 201, (phone, r.text)
        got = client.get(BASE + f"/staffMembers/P{i}", headers=auth).json()
        assert (got["cellPhone"], got["workEmail"]) == (phone, body["workEmail"])


def test_R_DEMO_5_create_with_a_bad_phone_is_400_naming_the_field_and_form(client, auth):
    for phone in BAD_PHONES:
        body = staff_payload("P1", workPhone=phone)
        r = client.post(BASE + "/staffMembers", json=body, headers=auth)
        assert r.status_code == 400, phone
        assert _fields(r.json()) == {"workPhone": PHONE_FORM}
        assert phone not in r.text  # never echoes the value


def test_R_DEMO_5_update_with_a_bad_email_is_400_naming_the_field_and_form(client, auth):
    assert client.post(BASE + "/staffMembers", json=staff_payload("P1"), headers=auth).is_success
    for email in BAD_EMAILS:
        r = client.put(BASE + "/staffMembers/P1", json={"personalEmail": email}, headers=auth)
        assert r.status_code == 400 and _fields(r.json()) == {"personalEmail": EMAIL_FORM}, email
    assert client.get(BASE + "/staffMembers/P1", headers=auth).json()["personalEmail"] is None


def test_R_DEMO_5_a_transfer_record_with_a_bad_phone_is_rejected(client, auth):
    client.post(SYNC + "/start", headers=auth)
    r = client.post(
        SYNC + "/transfer",
        json=[staff_payload("T1", workEmail="t1@example.org"), staff_payload("T2", otherPhone="1")],
        headers=auth,
    )
    assert r.status_code == 400
    body = r.json()
    assert body["accepted"] == 1
    assert body["rejected"] == [
        {
            "staffNumber": "T2",
            "errors": [{"field": "otherPhone", "message": PHONE_FORM, "index": 1}],
        }
    ]


def test_R_DEMO_5_json_and_csv_file_records_are_rejected_with_their_line(ref_store, tmp_path):
    with ref_store.transaction() as s:
        sync.start(s, "t")
    records = [staff_payload("J1"), staff_payload("J2", workPhone="555-0100")]
    hr_json = tmp_path / "hr.json"
    hr_json.write_text("[\n" + ",\n".join(json.dumps(r) for r in records) + "\n]\n")
    r = sync.transfer_file(ref_store, hr_json, workers=False)
    assert (r.accepted, r.rejectedCount) == (1, 1)
    assert r.rejected[0].errors == [{"field": "workPhone", "message": PHONE_FORM}]
    hr_csv = tmp_path / "hr.csv"
    hr_csv.write_text(
        "staffNumber,lastName,firstName,personalEmail\n"
        "C1,Okafor,Ada,ada@example.org\n"
        "C2,Berg,Lena,lena at example dot org\n"
    )
    r = sync.transfer_file(ref_store, hr_csv, workers=False)
    assert (r.accepted, r.rejectedCount) == (1, 1)
    assert r.rejected[0].errors == [
        {"field": "personalEmail", "message": EMAIL_FORM, "line": 3, "column": 4}
    ]
    with ref_store.session() as s:
        paths = [e.path for e in errorlog.page(s, flt=errorlog.ErrorFilter(path="hr."))]
    assert any(p.endswith("hr.json record 2 (line 3)") for p in paths)
    assert any(p.endswith("hr.csv line 3") for p in paths)


# --- one answer with every error (SPEC section 4) ------------------------------------------------

BAD_DATE_AND_SCHOOL = {
    "birthDate": "1980-02-30",
    "workPhone": "555",
    "gender": "Q",
    "positions": [{"schoolNumber": "999", "titleCode": "T", "startDate": "2024-01-01"}],
}


def test_create_answers_format_and_rule_errors_together(client, auth):
    r = client.post(
        BASE + "/staffMembers", json=staff_payload("P1", **BAD_DATE_AND_SCHOOL), headers=auth
    )
    assert r.status_code == 400
    assert set(_fields(r.json())) == {
        "birthDate",
        "workPhone",
        "gender",
        "positions[0].schoolNumber",
    }
    assert client.get(BASE + "/staffMembers/P1", headers=auth).status_code == 404


def test_create_missing_names_and_a_bad_ssn_are_one_answer_without_duplicates(client, auth):
    r = client.post(
        BASE + "/staffMembers", json={"staffNumber": "P1", "ssn": "12-34"}, headers=auth
    )
    assert r.status_code == 400
    assert [e["field"] for e in r.json()["errors"]] == ["ssn", "lastName", "firstName"]


def test_update_answers_format_and_rule_errors_together_and_writes_nothing(client, auth):
    assert client.post(BASE + "/staffMembers", json=staff_payload("P1"), headers=auth).is_success
    r = client.put(
        BASE + "/staffMembers/P1",
        json={"lastName": "Renamed", "firstName": None, **BAD_DATE_AND_SCHOOL},
        headers=auth,
    )
    assert r.status_code == 400
    assert set(_fields(r.json())) == {
        "birthDate",
        "workPhone",
        "gender",
        "firstName",
        "positions[0].schoolNumber",
    }
    got = client.get(BASE + "/staffMembers/P1", headers=auth).json()
    assert got["lastName"] == "Okafor" and got["birthDate"] == "1980-04-02"


def test_update_with_only_format_errors_writes_nothing(client, auth):
    """The rules pass on what was well formed, and still nothing is applied."""
    assert client.post(BASE + "/staffMembers", json=staff_payload("P1"), headers=auth).is_success
    r = client.put(
        BASE + "/staffMembers/P1", json={"lastName": "Renamed", "cellPhone": "1"}, headers=auth
    )
    assert r.status_code == 400 and set(_fields(r.json())) == {"cellPhone"}
    assert client.get(BASE + "/staffMembers/P1", headers=auth).json()["lastName"] == "Okafor"


def test_add_position_answers_a_bad_date_and_an_unknown_school_together(client, auth):
    assert client.post(BASE + "/staffMembers", json=staff_payload("P1"), headers=auth).is_success
    r = client.post(
        BASE + "/staffMembers/P1/position",
        json={"schoolNumber": "999", "assignmentCode": "20", "startDate": "2024-13-01"},
        headers=auth,
    )
    assert r.status_code == 400 and set(_fields(r.json())) == {"startDate", "schoolNumber"}


def test_R_SYNC_2_a_transfer_record_answers_all_its_format_and_rule_errors(client, auth):
    client.post(SYNC + "/start", headers=auth)
    r = client.post(
        SYNC + "/transfer", json=[staff_payload("T1", **BAD_DATE_AND_SCHOOL)], headers=auth
    )
    assert r.status_code == 400
    errors = r.json()["rejected"][0]["errors"]
    assert {e["field"] for e in errors} == {
        "birthDate",
        "workPhone",
        "gender",
        "positions[0].schoolNumber",
    }
    assert {e["field"] for e in r.json()["errors"]} == {
        "[0].birthDate",
        "[0].workPhone",
        "[0].gender",
        "[0].positions[0].schoolNumber",
    }
