"""R-SYNC-13: which sync actions are possible now, and why the others are not, come from the
core: for every state, with and without the right, and for the HR system through the API."""

from __future__ import annotations

import pytest

from bo_tui.core import rights
from bo_tui.core.errors import Conflict, Forbidden
from bo_tui.core.sync import states
from bo_tui.core.sync.states import SyncInfo, sync_actions
from bo_tui.core.users import UserInfo

ADMIN = UserInfo(id=1, username="mpostma", name="M P", active=True, rights=[rights.BOI_ADMIN])
READER = UserInfo(id=2, username="reader", name="R", active=True, rights=[])

# state -> the actions enabled for a user with the right (and the HR system)
ENABLED = {
    states.NONE: {"check", "start"},
    states.TRANSFERRING: {"check", "transfer", "end", "hold", "restart"},
    states.TRANSFERRED: {"check", "validate", "hold", "restart"},
    states.VALIDATED: {"check", "validate", "review", "hold", "commit", "submit_job", "restart"},
    states.COMMITTING: {"check", "review"},
    states.COMMITTED: {"check", "start", "review"},
}
READS = {"check", "review"}


def _info(state: str, **kw) -> SyncInfo:
    if state == states.NONE:
        return SyncInfo()
    base = {"syncId": 7, "state": state, "startedBy": "hr", "transferred": 12}
    if state in (states.VALIDATED, states.COMMITTING, states.COMMITTED):
        base["summary"] = {"hrStaffNotInCampus": 1}
    return SyncInfo(**(base | kw))


@pytest.mark.parametrize("state", list(ENABLED))
@pytest.mark.parametrize("who", ["admin", "api"])
def test_R_SYNC_13_actions_per_state_with_the_right(state, who):
    user = ADMIN if who == "admin" else None
    acts = sync_actions(_info(state), user=user)
    assert {a.id for a in acts if a.enabled} == ENABLED[state]
    for a in acts:
        assert a.key and a.label
        if not a.enabled:
            assert a.reason and not a.forbidden  # every refusal says why, in the state's words


@pytest.mark.parametrize("state", list(ENABLED))
def test_R_SYNC_13_without_the_right_only_reads_and_the_reason_names_the_right(state):
    acts = sync_actions(_info(state), user=READER)
    assert {a.id for a in acts if a.enabled} == ENABLED[state] & READS
    for a in acts:
        if a.id not in READS:
            assert not a.enabled and a.forbidden
            assert "Business Office Integration administration" in a.reason
            assert isinstance(a.refusal(), Forbidden)


def test_R_SYNC_13_a_login_that_is_no_campus_user_is_told_so():
    acts = sync_actions(_info(states.TRANSFERRING), login="ghost")
    end = next(a for a in acts if a.id == "end")
    assert not end.enabled and "ghost is not a Campus user" in end.reason


def test_R_SYNC_3_end_is_refused_until_a_record_arrived():
    end = states.action(_info(states.TRANSFERRING, transferred=0), "end", user=ADMIN)
    assert not end.enabled and "at least one" in end.reason
    refusal = end.refusal()
    assert isinstance(refusal, Conflict)
    assert refusal.message.startswith("cannot end the transfer: no staff member")


def test_R_SYNC_11_resume_only_for_a_stopped_job():
    info = _info(states.COMMITTING)
    assert not states.action(info, "resume", job_status="running").enabled
    for stopped in ("failed", "interrupted"):
        assert states.action(info, "resume", job_status=stopped).enabled


def test_R_SYNC_13_after_a_commit_a_transfer_names_the_committed_sync_and_the_next_step():
    act = states.action(_info(states.COMMITTED), "transfer")
    msg = act.refusal().message
    assert "the last sync (#7) is committed" in msg and "start a new sync" in msg
    assert "none" not in msg


def test_R_SYNC_13_review_needs_a_report():
    assert not states.action(_info(states.VALIDATED, summary=None), "review").enabled
