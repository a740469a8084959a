"""R-SYNC-2: a transfer batch whose items are not objects (null, numbers, strings) rejects
those items with a field error, never a server error (found by schemathesis)."""

from __future__ import annotations

from bo_tui.core import sync


def test_R_SYNC_2_null_and_scalar_records_are_rejected_not_crashed(ref_store):
    with ref_store.transaction() as s:
        sync.start(s, "dtc")
    with ref_store.transaction() as s:
        result = sync.transfer(
            s, [None, 5, "x", {"staffNumber": "A1", "lastName": "Lee", "firstName": "Ann"}]
        )
    assert result.accepted == 1
    assert [r.errors[0]["message"] for r in result.rejected] == ["must be a JSON object"] * 3
