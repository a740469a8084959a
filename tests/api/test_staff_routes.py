"""The routes of SPEC section 4 over the core's staff rules: status codes, shapes, update
semantics as the HR system sees them."""

from .conftest import BASE, staff_payload


def test_R_REF_1_reference_lists(client, auth):
    schools = client.get(BASE + "/schools", headers=auth).json()
    assert {"schoolNumber": "010", "name": "Lakeside Elementary"} in schools
    for path in ("genders", "assignmentCodes", "titles"):
        rows = client.get(f"{BASE}/attributes/{path}", headers=auth).json()
        assert rows and set(rows[0]) == {"code", "name"}


def test_R_DEMO_1_create_201_then_409_for_an_existing_number(client, auth):
    r = client.post(BASE + "/staffMembers", json=staff_payload(), headers=auth)
    assert r.status_code == 201, r.text
    assert r.json()["staffNumber"] == "S100" and r.json()["created"] is True
    r = client.post(BASE + "/staffMembers", json=staff_payload(), headers=auth)
    assert r.status_code == 409
    assert r.json()["errors"][0]["field"] == "staffNumber"


def test_R_DEMO_1_create_needs_number_and_names(client, auth):
    r = client.post(BASE + "/staffMembers", json={"lastName": "X"}, headers=auth)
    assert r.status_code == 400
    assert {"staffNumber", "firstName"} <= {e["field"] for e in r.json()["errors"]}


def test_get_one_staff_member_with_identity_history(client, auth):
    client.post(BASE + "/staffMembers", json=staff_payload(ssn="123-45-6789"), headers=auth)
    r = client.put(BASE + "/staffMembers/S100", json={"lastName": "Okafor-Lee"}, headers=auth)
    assert r.status_code == 200 and "identity" in r.json()["changes"]
    body = client.get(BASE + "/staffMembers/S100", headers=auth).json()
    assert body["lastName"] == "Okafor-Lee" and body["ssn"] == "***-**-6789"
    assert sorted(i["current"] for i in body["identities"]) == [False, True]
    assert body["positions"][0]["linked"] is False


def test_unknown_staff_number_is_404(client, auth):
    assert client.get(BASE + "/staffMembers/NOPE1", headers=auth).status_code == 404
    r = client.put(BASE + "/staffMembers/NOPE1", json={"firstName": "A"}, headers=auth)
    assert r.status_code == 404 and set(r.json()) == {"message", "errors"}
    assert (
        client.post(
            BASE + "/staffMembers/NOPE1/position",
            json={"schoolNumber": "010", "titleCode": "T", "startDate": "2024-01-01"},
            headers=auth,
        ).status_code
        == 404
    )


def test_R_POS_1_unknown_school_names_the_field(client, auth):
    body = staff_payload(
        positions=[{"schoolNumber": "999", "titleCode": "T", "startDate": "2024-01-01"}]
    )
    r = client.post(BASE + "/staffMembers", json=body, headers=auth)
    assert r.status_code == 400
    assert r.json()["errors"][0]["field"] == "positions[0].schoolNumber"


def test_R_POS_5_position_add_201_and_update_every_match(client, auth):
    client.post(BASE + "/staffMembers", json=staff_payload(), headers=auth)
    pos = {
        "schoolNumber": "010",
        "assignmentCode": "20",
        "titleCode": "035E4EAB",
        "startDate": "2020-08-01",
    }
    assert (
        client.post(BASE + "/staffMembers/S100/position", json=pos, headers=auth).status_code == 201
    )
    r = client.put(
        BASE + "/staffMembers/S100/position", json={**pos, "endDate": "2025-06-30"}, headers=auth
    )
    assert r.status_code == 200 and r.json() == {"updated": 2}
    miss = {**pos, "startDate": "1999-01-01", "endDate": "1999-02-01"}
    assert (
        client.put(BASE + "/staffMembers/S100/position", json=miss, headers=auth).status_code == 404
    )


def test_R_SRCH_1_search_any_subset_with_limit_cap(client, auth):
    client.post(BASE + "/staffMembers", json=staff_payload("S1"), headers=auth)
    client.post(BASE + "/staffMembers", json=staff_payload("S2", lastName="Berg"), headers=auth)
    r = client.get(BASE + "/staffMembers", params={"lastName": "okafor"}, headers=auth)
    assert r.status_code == 200 and [i["staffNumber"] for i in r.json()["items"]] == ["S1"]
    assert r.json()["total"] == 1
    r = client.get(
        BASE + "/staffMembers", params={"birthDate": "1980-04-02", "limit": 1}, headers=auth
    )
    assert len(r.json()["items"]) == 1 and r.json()["total"] == 2
    for bad in (
        {"limit": 1001},
        {"limit": 0},
        {"offset": -1},
        {"limit": "x"},
        {"birthDate": "02/04/1980"},
    ):
        r = client.get(BASE + "/staffMembers", params=bad, headers=auth)
        assert r.status_code == 400, bad
        assert r.json()["errors"][0]["field"] == next(iter(bad))


def test_R_ADDR_6_address_search_returns_address_ids(client, auth):
    home = {
        "address": {
            "fullStreetAddress": "4321 North Lexington Avenue",
            "city": "Jefferson City",
            "state": "MO",
            "zip": "65101",
        },
        "mailing": True,
        "physical": True,
    }
    r = client.post(
        BASE + "/staffMembers",
        json=staff_payload(household={"householdLocations": [home]}),
        headers=auth,
    )
    assert r.status_code == 201, r.text
    r = client.get(
        BASE + "/addresses", params={"fullStreetAddress": "4321 N Lexington Ave."}, headers=auth
    )
    assert r.status_code == 200 and len(r.json()) == 1 and r.json()[0]["addressId"] > 0
    r = client.get(
        BASE + "/addresses",
        params={"number": "4321", "street": "lexington", "city": "jefferson city"},
        headers=auth,
    )
    assert [a["addressId"] for a in r.json()] == [1]
    r = client.get(
        BASE + "/addresses",
        params={"fullStreetAddress": "4321 N Lexington Ave", "number": "4321"},
        headers=auth,
    )
    assert r.status_code == 400 and r.json()["errors"][0]["field"] == "fullStreetAddress"
