"""Redaction before anything reaches the error log or output (R-LOG-1, R-CRED-3)."""

import json

import pytest

from bo_tui.core.redact import REDACTED, redact_payload, redact_text, redact_value


@pytest.mark.parametrize("ssn", ["123-45-6789", "123456789", "123 45 6789"])
def test_R_LOG_1_ssn_shaped_values_redacted_anywhere_in_text(ssn):
    out = redact_text(f"record for {ssn} failed; call 573-555-0133")
    assert ssn not in out and REDACTED in out
    assert "573-555-0133" in out  # a phone number is not an SSN


def test_R_LOG_1_sensitive_json_keys_redacted_at_any_depth():
    body = {
        "staffNumber": "S1",
        "ssn": "111-22-3333",
        "nested": [{"client_secret": "abc", "Access_Token": "tok", "password": "pw"}],
        "middleName": "999887777",
        "count": 123456789,
        "ok": True,
    }
    out = json.loads(redact_payload(json.dumps(body)))
    assert out["ssn"] == REDACTED
    assert out["nested"][0] == {
        "client_secret": REDACTED,
        "Access_Token": REDACTED,
        "password": REDACTED,
    }
    assert out["middleName"] == REDACTED
    assert out["count"] == REDACTED
    assert out["staffNumber"] == "S1" and out["ok"] is True


def test_R_LOG_1_ssn_used_as_a_key_is_redacted():
    assert "123-45-6789" not in json.dumps(redact_value({"123-45-6789": 1}))


def test_R_CRED_3_form_body_secret_redacted():
    out = redact_payload(b"grant_type=client_credentials&client_id=boi-1&client_secret=s3cr3t")
    assert "s3cr3t" not in out
    assert "client_secret=[REDACTED]" in out and "client_id=boi-1" in out


@pytest.mark.parametrize(
    "text",
    [
        "Authorization: Bearer abcDEF123-_.xyz",
        '{"client_secret": "abcDEF123-_.xyz" truncated',
        "access_token=abcDEF123-_.xyz&x=1",
        "Basic abcDEF123-_.xyz",
    ],
)
def test_R_CRED_3_tokens_and_secrets_in_free_text(text):
    assert "abcDEF123-_.xyz" not in redact_payload(text)


def test_R_LOG_1_malformed_and_deep_json_never_crash():
    assert "123-45-6789" not in redact_payload(b'{"ssn": "123-45-6789",')
    deep = "[" * 5000 + "]" * 5000
    assert redact_payload(deep)  # RecursionError handled, text kept
    assert redact_payload(b"\xff\xfe 123456789").count("123456789") == 0


def test_R_LOG_1_payload_is_cut_after_redaction():
    out = redact_payload("x" * 100_000, limit=1000)
    assert len(out) < 1100 and "not stored" in out


def test_R_LOG_1_redaction_keeps_our_own_messages_readable():
    from bo_tui.core.redact import redact_text

    for text in (
        "an access token is required in the Authorization header (Bearer scheme)",
        "ssn: must be 9 digits (ddd-dd-dddd)",
        "password: is required",
    ):
        assert redact_text(text) == text
    assert "abcdefghijklmnop1234" not in redact_text("Authorization: Bearer abcdefghijklmnop1234")
    assert "6789" not in redact_text("ssn: 123-45-6789")
