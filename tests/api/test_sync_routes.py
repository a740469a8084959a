"""The sync routes of SPEC section 4 over the sync engine (R-SYNC-1..6): states, batch limits,
rejected records, commit and commit jobs."""

from bo_tui.core import errorlog, sync

from .conftest import BASE, staff_payload

SYNC = BASE + "/staffMembers/sync"


def test_R_SYNC_1_wrong_state_is_409(client, auth):
    r = client.post(SYNC + "/end", headers=auth)
    assert r.status_code == 409 and set(r.json()) == {"message", "errors"}
    assert client.post(SYNC + "/start", headers=auth).status_code == 200
    assert client.post(SYNC + "/start", headers=auth).status_code == 409
    assert client.post(SYNC + "/end", headers=auth).status_code == 409  # R-SYNC-3: nothing yet
    assert client.get(SYNC + "/commitJobStatus", headers=auth).status_code == 404


def test_R_SYNC_2_transfer_limits_and_shapes(client, auth):
    client.post(SYNC + "/start", headers=auth)
    r = client.post(
        SYNC + "/transfer", json=[staff_payload(f"T{i}") for i in range(1001)], headers=auth
    )
    assert r.status_code == 413 and set(r.json()) == {"message", "errors"}
    r = client.post(SYNC + "/transfer", json={"staffNumber": "X"}, headers=auth)
    assert r.status_code == 400 and r.json()["errors"][0]["field"] == "body"
    r = client.post(
        SYNC + "/transfer", json=[staff_payload("T1"), staff_payload("T2")], headers=auth
    )
    assert r.status_code == 200 and r.json() == {"accepted": 2, "rejected": [], "replaced": 0}


def test_R_SYNC_2_rejected_records_are_400_valid_ones_staged(client, auth, ref_store):
    client.post(SYNC + "/start", headers=auth)
    bad = staff_payload(
        "T9",
        ssn="123-45-6789",
        positions=[{"schoolNumber": "999", "titleCode": "T", "startDate": "2024-01-01"}],
    )
    r = client.post(SYNC + "/transfer", json=[staff_payload("T1"), bad, 7], headers=auth)
    assert r.status_code == 400
    body = r.json()
    assert body["accepted"] == 1 and [x["staffNumber"] for x in body["rejected"]] == ["T9", None]
    fields = [e["field"] for e in body["errors"]]
    assert "[1].positions[0].schoolNumber" in fields and "[2]" in fields
    assert "123-45-6789" not in r.text
    with ref_store.session() as s:
        logged = errorlog.page(s, flt=errorlog.ErrorFilter(path="sync/transfer"))
    assert logged and all("123-45-6789" not in e.payload for e in logged)


def test_R_SYNC_5_full_flow_to_commit(client, auth, ref_store):
    assert client.post(SYNC + "/start", headers=auth).json()["state"] == "transferring"
    client.post(
        SYNC + "/transfer",
        json=[staff_payload("T1"), staff_payload("T2", lastName="Berg")],
        headers=auth,
    )
    assert client.post(SYNC + "/end", headers=auth).json()["state"] == "transferred"
    report = client.post(SYNC + "/validate", headers=auth).json()
    assert report["summary"]["hrStaffNotInCampus"] == 2
    r = client.post(SYNC + "/commit", headers=auth)
    assert r.status_code == 200, r.text
    assert sorted(r.json()["successes"]) == ["T1", "T2"] and r.json()["failures"] == []
    assert client.get(BASE + "/staffMembers/T2", headers=auth).json()["lastName"] == "Berg"
    status = client.get(SYNC + "/commitJobStatus", headers=auth).json()
    assert status["status"] == "completed" and status["processed"] == 2


def test_R_SYNC_6_submit_commit_job_202(client, auth):
    client.post(SYNC + "/start", headers=auth)
    client.post(SYNC + "/transfer", json=[staff_payload("T1")], headers=auth)
    client.post(SYNC + "/end", headers=auth)
    client.post(SYNC + "/validate", params={"details": "false"}, headers=auth)
    r = client.post(SYNC + "/submitCommitJob", headers=auth)
    assert r.status_code == 202
    job = r.json()["jobId"]
    assert sync.wait(job, timeout=30)
    status = client.get(SYNC + "/commitJobStatus", headers=auth).json()
    assert status["jobId"] == job and status["status"] == "completed"
