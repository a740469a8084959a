"""The API's 409 answers are the core's actions (R-SYNC-13): after a commit a transfer is told
the true state (the last sync is committed) and the next step, never "the sync is none"."""

from .conftest import BASE, staff_payload

SYNC = BASE + "/staffMembers/sync"


def test_R_SYNC_13_after_a_commit_the_409_says_committed_and_what_to_do_next(client, auth):
    assert client.post(SYNC + "/start", headers=auth).status_code == 200
    assert (
        client.post(SYNC + "/transfer", json=[staff_payload("T1")], headers=auth).status_code == 200
    )
    assert client.post(SYNC + "/end", headers=auth).status_code == 200
    assert client.post(SYNC + "/validate", headers=auth).status_code == 200
    assert client.post(SYNC + "/commit", headers=auth).status_code == 200
    r = client.post(SYNC + "/transfer", json=[staff_payload("T2")], headers=auth)
    assert r.status_code == 409
    message = r.json()["message"]
    assert "is committed" in message and "start a new sync" in message
    assert "is none" not in message
    status = client.get(SYNC + "/status", headers=auth).json()
    assert status["sync"]["state"] == "committed"  # the same words as sync status


def test_R_SYNC_13_the_409_names_the_step_the_sync_is_at(client, auth):
    assert client.post(SYNC + "/start", headers=auth).status_code == 200
    r = client.post(SYNC + "/commit", headers=auth)
    assert r.status_code == 409
    assert r.json()["message"].startswith("cannot commit: sync #")
    assert "is transferring" in r.json()["message"]
