"""HR-Staff notifications through the API (R-NOTE-1): the staff services tell the recipients
themselves, so a create, an update and the position calls from the HR system each leave one
message, and an update that changes nothing leaves none."""

from __future__ import annotations

from bo_tui.core import notifications as notes

from .conftest import BASE, staff_payload


def _subjects(store) -> list[str]:
    with store.transaction() as s:
        return sorted(m.subject for m in notes.page_messages(s, "hrclerk"))


def test_R_NOTE_1_staff_create_and_update_through_the_api_notify(ref_store, client, auth):
    with ref_store.transaction() as s:
        notes.save_notification(s, notes.HR_STAFF, ["hrclerk"])
    assert (
        client.post(BASE + "/staffMembers", json=staff_payload(), headers=auth).status_code == 201
    )
    assert _subjects(ref_store) == ["HR system: staff member S100 created"]
    change = {"workEmail": "ada.okafor@k12.mo.us"}
    assert client.put(BASE + "/staffMembers/S100", json=change, headers=auth).status_code == 200
    assert client.put(BASE + "/staffMembers/S100", json=change, headers=auth).status_code == 200
    assert _subjects(ref_store) == [
        "HR system: staff member S100 created",
        "HR system: staff member S100 updated",  # once: the second PUT changed nothing
    ]
    pos = {
        "schoolNumber": "010",
        "assignmentCode": "20",
        "titleCode": "035E4EAB",
        "startDate": "2024-08-01",
    }
    assert (
        client.post(BASE + "/staffMembers/S100/position", json=pos, headers=auth).status_code == 201
    )
    with ref_store.transaction() as s:
        newest = notes.page_messages(s, "hrclerk", limit=1)[0]
    assert newest.subject == "HR system: staff member S100 district assignment added"
    assert "Changed: positions" in newest.body
