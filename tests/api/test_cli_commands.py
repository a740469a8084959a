"""The CLI side of the API issue: ``credentials [rotate] [--reveal] [--json]``, ``errors
[--json] [--pdf]``, ``preferences [--set NAME=VALUE] [--json]`` (SPEC section 9)."""

import json

import pytest

from bo_tui.cli import main
from bo_tui.core import errorlog


@pytest.fixture
def db(ref_store):
    return ["--db", ref_store.url]


def _json(capsys):
    return json.loads(capsys.readouterr().out)


def test_R_CRED_1_credentials_json_hides_the_secret_unless_revealed(db, capsys):
    assert main([*db, "credentials", "--json"]) == 0
    masked = _json(capsys)
    assert set(masked) >= {"clientId", "clientSecret", "tokenUrl", "baseUrl", "documentationUrl"}
    assert masked["clientSecret"] is None
    assert main([*db, "credentials", "--json", "--reveal"]) == 0
    shown = _json(capsys)
    assert shown["clientId"] == masked["clientId"] and len(shown["clientSecret"]) >= 43
    assert main([*db, "credentials"]) == 0
    text = capsys.readouterr().out
    assert shown["clientSecret"] not in text and shown["clientSecret"][:4] in text
    assert "never started" in text


def test_R_CRED_2_rotate_changes_the_secret(db, capsys):
    main([*db, "credentials", "--json", "--reveal"])
    before = _json(capsys)["clientSecret"]
    assert main([*db, "credentials", "rotate", "--yes", "--json", "--reveal"]) == 0
    after = _json(capsys)["clientSecret"]
    assert after != before


def test_credentials_without_a_district_is_one_line_exit_1(store, capsys):
    assert main(["--db", store.url, "credentials"]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "bo-tui demo --staff 0" in err


def test_R_LOG_1_errors_json_newest_first_and_pdf(db, ref_store, tmp_path, capsys):
    with ref_store.transaction() as s:
        errorlog.log_error(
            s, action="POST", path="/a", message="first", payload={"ssn": "123-45-6789"}
        )
        errorlog.log_error(s, action="PUT", path="/b", message="second")
    assert main([*db, "errors", "--json"]) == 0
    rows = _json(capsys)
    assert [r["message"] for r in rows] == ["second", "first"]
    assert set(rows[0]) == {"errorDate", "action", "path", "message", "payload"}
    assert "123-45-6789" not in json.dumps(rows)
    assert main([*db, "errors", "--json", "--action", "post"]) == 0
    assert [r["path"] for r in _json(capsys)] == ["/a"]
    pdf = tmp_path / "log.pdf"
    assert main([*db, "errors", "--pdf", str(pdf)]) == 0
    assert pdf.read_bytes().startswith(b"%PDF")
    assert main([*db, "errors", "--since", "2026-02-30"]) == 2
    assert main([*db, "errors", "--pdf", str(tmp_path / "nope" / "x.pdf")]) == 2


def test_R_PREF_1_preferences_show_and_set(db, capsys):
    assert main([*db, "preferences", "--json"]) == 0
    assert _json(capsys)["staffHousehold"] is True
    assert (
        main(
            [
                *db,
                "preferences",
                "--set",
                "staffHousehold=off",
                "--set",
                "massChangePercent=20",
                "--json",
            ]
        )
        == 0
    )
    prefs = _json(capsys)
    assert prefs["staffHousehold"] is False and prefs["massChangePercent"] == 20
    assert main([*db, "preferences"]) == 0
    assert "staffHousehold" in capsys.readouterr().out


@pytest.mark.parametrize(
    "arg", ["colour=on", "staffCreation=maybe", "massChangePercent=200", "noequals"]
)
def test_R_PREF_1_bad_name_or_value_is_one_line_listing_the_valid_ones(db, capsys, arg):
    assert main([*db, "preferences", "--set", arg]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and err.startswith("bo-tui: error:")
    if "=" not in arg or arg.startswith("colour"):
        assert "staffCreation" in err and "massChangeMinimum" in err


def test_serve_rejects_a_bad_port(db, capsys):
    assert main([*db, "serve", "--port", "70000"]) == 2
