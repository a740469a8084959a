"""The OpenAPI contract of SPEC section 4 as HR vendors' tools read it: a valid document typed to
its leaves (R-DEMO-1, R-POS-3, R-DEMO-5 forms, dates, batch bound, examples, operationIds), and
a client generated from it at test time running a whole sync (R-SYNC-1..6) with typed results."""

from __future__ import annotations

import datetime as dt
import importlib
import json
import subprocess
import sys

import pytest

from bo_tui.core.schemas import EMAIL_PATTERN, PHONE_PATTERN

from .conftest import BASE, TestClient

OPERATIONS = {
    "token",
    "listSchools",
    "listGenders",
    "listAssignmentCodes",
    "listTitles",
    "searchStaffMembers",
    "createStaffMember",
    "getStaffMember",
    "updateStaffMember",
    "addPosition",
    "updatePositions",
    "searchAddresses",
    "startSync",
    "transferStaffMembers",
    "endSync",
    "validateSync",
    "commitSync",
    "submitCommitJob",
    "getCommitJobStatus",
    "getSyncStatus",
}


@pytest.fixture
def doc(client) -> dict:
    r = client.get(BASE + "/openapi.json")
    assert r.status_code == 200
    return r.json()


def _operations(doc: dict):
    for path, ops in doc["paths"].items():
        for method, op in ops.items():
            yield path, method, op


def _resolve(doc: dict, schema: dict) -> dict:
    while "$ref" in schema:
        schema = doc["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    return schema


def test_openapi_document_passes_openapi_spec_validator(doc):
    validator = pytest.importorskip("openapi_spec_validator")
    validator.validate(doc)  # raises on any error of the OpenAPI 3.1 document


def test_operation_ids_are_short_stable_names_with_tags(doc):
    ops = list(_operations(doc))
    assert {op["operationId"] for _p, _m, op in ops} == OPERATIONS
    assert all(op.get("tags") for _p, _m, op in ops)
    assert {t["name"] for t in doc["tags"]} == {"OAuth2", "Reference", "Staff", "Addresses", "Sync"}


def test_every_body_has_an_example_and_every_error_answer_is_documented(doc):
    bodies = 0
    for path, method, op in _operations(doc):
        if "requestBody" in op:
            content = op["requestBody"]["content"]
            media = content.get("application/json") or content.get(
                "application/x-www-form-urlencoded"
            )
            assert "example" in media or "examples" in media, (method, path)
            bodies += 1
        codes = set(op["responses"])
        assert "401" in codes or op["operationId"] == "token", (method, path)
        for code, answer in op["responses"].items():
            if code.startswith("4"):
                ref = answer["content"]["application/json"]["schema"]["$ref"]
                assert ref.rsplit("/", 1)[1] in ("ErrorBody", "OAuthError", "TransferRejectedOut")
    assert bodies == 6  # token, create, update, add position, update positions, transfer


def _walk(node, path=()):
    if isinstance(node, dict):
        yield path, node
        for k, v in node.items():
            yield from _walk(v, (*path, k))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from _walk(v, (*path, i))


def test_every_schema_is_typed_to_its_leaves_no_bare_objects(doc):
    """No `{}` schema, no object without properties, no open additionalProperties."""
    for path, node in _walk(doc["components"]["schemas"]):
        if path and path[-1] in ("properties", "example", "examples"):
            continue
        if node.get("type") == "object" and "allOf" not in node:
            assert node.get("properties"), path
        assert node.get("additionalProperties") not in ({}, True), path
        if (path and path[-1] == "items") or (len(path) >= 2 and path[-2] == "properties"):
            assert node, f"bare schema at {path}"


def test_R_DEMO_1_R_POS_3_required_fields_and_separate_create_and_update_schemas(doc):
    schemas = doc["components"]["schemas"]
    create, update, position = (
        schemas["StaffMemberCreate"],
        schemas["StaffMemberUpdate"],
        schemas["Position"],
    )
    assert set(create["required"]) == {"staffNumber", "lastName", "firstName"}
    assert "required" not in update
    # Update: names cannot be cleared (not nullable); create: neither.
    for s in (create, update):
        assert s["properties"]["lastName"]["type"] == "string"
    assert set(position["required"]) == {"schoolNumber", "startDate"}
    codes = position["allOf"][0]["anyOf"]
    assert [c["required"] for c in codes] == [["titleCode"], ["assignmentCode"]]
    assert create["properties"]["positions"]["anyOf"][0]["items"]["$ref"].endswith("/Position")


def test_R_DEMO_5_phone_and_email_patterns_are_in_the_document(doc):
    props = doc["components"]["schemas"]["StaffMemberCreate"]["properties"]
    for name in ("workPhone", "cellPhone", "otherPhone"):
        assert props[name]["anyOf"][0]["pattern"] == PHONE_PATTERN
    for name in ("workEmail", "personalEmail"):
        assert props[name]["anyOf"][0]["pattern"] == EMAIL_PATTERN


def test_dates_have_format_date_and_the_transfer_batch_max_items(doc):
    schemas = doc["components"]["schemas"]
    assert schemas["StaffMemberOut"]["properties"]["birthDate"]["anyOf"][0]["format"] == "date"
    assert schemas["PositionOut"]["properties"]["startDate"]["anyOf"][0]["format"] == "date"
    assert schemas["StaffMemberCreate"]["properties"]["birthDate"]["anyOf"][0]["format"] == "date"
    assert schemas["Position"]["properties"]["startDate"]["format"] == "date"
    op = doc["paths"][BASE + "/staffMembers/sync/transfer"]["post"]
    batch = op["requestBody"]["content"]["application/json"]["schema"]
    assert batch["maxItems"] == 1000 and batch["items"]["$ref"].endswith("/StaffMemberCreate")
    summary = _resolve(doc, schemas["ReportOut"]["properties"]["summary"])
    assert {
        "demographicDifferences",
        "employmentDifferences",
        "assignmentDifferences",
        "addressDifferences",
        "hrStaffNotInCampus",
        "campusStaffNotInHr",
        "campusDuplicateStaffNumbers",
        "campusNoStaffNumber",
        "willNotCommit",
        "hrDuplicateStaffNumbers",
    } == set(summary["properties"])


# --- a client generated from the document, as a vendor would -----------------------------------


@pytest.fixture
def generated(tmp_path, doc):
    """openapi-python-client's client of the served document, generated into ``tmp_path``."""
    pytest.importorskip("openapi_python_client")
    spec = tmp_path / "openapi.json"
    spec.write_text(json.dumps(doc))
    config = tmp_path / "config.json"
    config.write_text(json.dumps({"post_hooks": []}))  # no formatter needed to import it
    out = tmp_path / "boi_client"
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "openapi_python_client",
            "generate",
            "--path",
            str(spec),
            "--meta",
            "none",
            "--output-path",
            str(out),
            "--config",
            str(config),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    if run.returncode != 0:
        pytest.skip(f"openapi-python-client could not run: {run.stderr[-300:]}")
    assert "Warning" not in run.stdout + run.stderr, run.stdout + run.stderr
    sys.path.insert(0, str(tmp_path))
    try:
        importlib.invalidate_caches()
        yield importlib.import_module("boi_client")
    finally:
        sys.path.remove(str(tmp_path))
        for name in [m for m in sys.modules if m == "boi_client" or m.startswith("boi_client.")]:
            del sys.modules[name]


def _op(pkg, tag: str, name: str):
    return importlib.import_module(f"{pkg.__name__}.api.{tag}.{name}")


def test_R_SYNC_5_a_generated_client_runs_a_whole_sync_with_typed_results(generated, app, creds):
    pkg = generated
    m = importlib.import_module(f"{pkg.__name__}.models")
    with TestClient(app, base_url="http://testserver") as http:
        client = pkg.Client(base_url="http://testserver").set_httpx_client(http)
        token = _op(pkg, "o_auth_2", "token").sync(
            client=client,
            app_name="7634-MO",
            body=m.TokenBody(
                grant_type=m.TokenBodyGrantType.CLIENT_CREDENTIALS,
                client_id=creds.clientId,
                client_secret=creds.clientSecret,
            ),
        )
        assert isinstance(token, m.TokenOut)
        http.headers["Authorization"] = f"Bearer {token.access_token}"
        sync = "sync"
        started = _op(pkg, sync, "start_sync").sync(client=client)
        assert isinstance(started, m.SyncInfoOut) and started.state == "transferring"
        records = [
            m.StaffMemberCreate(
                staff_number="G1",
                last_name="Okafor",
                first_name="Ada",
                birth_date=dt.date(1980, 4, 2),
                work_phone="(573) 555-0142 x6033",
                household=m.HouseholdIn(
                    household_locations=[
                        m.HouseholdLocationIn(
                            address=m.AddressIn(
                                full_street_address="4321 North Lexington Avenue",
                                city="Jefferson City",
                                state="MO",
                                zip_="65101",
                            ),
                            mailing=True,
                            physical=True,
                        )
                    ]
                ),
                positions=[
                    m.Position(
                        school_number="010",
                        start_date=dt.date(2024, 8, 1),
                        title_code="035E4EAB",
                        assignment_code="20",
                    )
                ],
            ),
            m.StaffMemberCreate(staff_number="G2", last_name="Berg", first_name="Lena"),
        ]
        transferred = _op(pkg, sync, "transfer_staff_members").sync(client=client, body=records)
        assert isinstance(transferred, m.TransferOut) and transferred.accepted == 2
        ended = _op(pkg, sync, "end_sync").sync(client=client)
        assert isinstance(ended, m.SyncInfoOut) and ended.state == "transferred"
        report = _op(pkg, sync, "validate_sync").sync(client=client)
        assert isinstance(report, m.ReportOut)
        assert isinstance(report.summary, m.ReportSummary)
        assert report.summary.hr_staff_not_in_campus == 2
        assert isinstance(report.summary.demographic_differences, m.DemographicCounts)
        rows = report.details.hr_staff_not_in_campus
        assert [type(r) for r in rows] == [m.StaffRow, m.StaffRow]
        assert isinstance(rows[0].hr, m.PersonSide) and rows[0].hr.last_name == "Okafor"
        committed = _op(pkg, sync, "commit_sync").sync(client=client)
        assert isinstance(committed, m.CommitOut)
        assert sorted(committed.successes) == ["G1", "G2"] and committed.failures == []
        status = _op(pkg, sync, "get_sync_status").sync(client=client)
        assert isinstance(status, m.SyncStatusOut) and status.sync.state == "committed"
        assert isinstance(status.job, m.JobStatusOut) and status.job.status == "completed"
        job = _op(pkg, sync, "get_commit_job_status").sync(client=client)
        assert isinstance(job, m.JobStatusOut) and job.processed == 2

        one = _op(pkg, "staff", "get_staff_member").sync(client=client, staff_number="G1")
        assert isinstance(one, m.StaffMemberOut) and one.birth_date == dt.date(1980, 4, 2)
        assert one.work_phone == "(573) 555-0142 x6033"  # stored as sent (R-DEMO-5)
        assert isinstance(one.positions[0], m.PositionOut)
        assert one.positions[0].start_date == dt.date(2024, 8, 1)
        assert isinstance(one.identities[0], m.IdentityOut)
        location = one.household.household_locations[0]
        assert isinstance(one.household, m.HouseholdOut) and one.household.member_count == 1
        assert isinstance(location, m.HouseholdLocationOut)
        assert isinstance(location.address, m.AddressOut) and location.address.zip_ == "65101"
        found = _op(pkg, "addresses", "search_addresses").sync(
            client=client, full_street_address="4321 N Lexington Ave", city="Jefferson City"
        )
        assert [a.address_id for a in found] == [location.address.address_id]
        assert all(isinstance(a, m.AddressOut) for a in found)
        people = _op(pkg, "staff", "search_staff_members").sync(client=client, last_name="berg")
        assert isinstance(people, m.StaffSearchOut) and people.total == 1
        assert isinstance(people.items[0], m.StaffSummary)


def test_generated_client_has_readable_method_names(generated):
    pkg = generated
    names = {
        "staff": {
            "create_staff_member",
            "get_staff_member",
            "update_staff_member",
            "search_staff_members",
            "add_position",
            "update_positions",
        },
        "sync": {
            "start_sync",
            "transfer_staff_members",
            "end_sync",
            "validate_sync",
            "commit_sync",
            "submit_commit_job",
            "get_commit_job_status",
            "get_sync_status",
        },
        "reference": {"list_schools", "list_genders", "list_assignment_codes", "list_titles"},
        "addresses": {"search_addresses"},
    }
    for tag, modules in names.items():
        for name in modules:
            assert hasattr(_op(pkg, tag, name), "sync"), (tag, name)


def test_R_SYNC_4_every_report_category_answers_typed_rows_with_every_key(store):
    """The fixture district's report (every category has rows) through the typed ReportOut:
    nothing the core reports is dropped by the document's models."""
    from bo_tui.api import create_app
    from bo_tui.core import credentials as cred
    from bo_tui.core import sync

    from ..unit.test_sync_fixture import SYNC, expected, load_campus

    load_campus(store)
    with store.transaction() as s:
        c = cred.get_credentials(s, reveal=True)
        sync.start(s, "t")
    sync.transfer_file(store, SYNC / "hr.json", workers=False)
    with store.transaction() as s:
        sync.end(s)
    with TestClient(create_app(store)) as http:
        r = http.post(
            "/campus/oauth2/token?appName=7634-MO",
            data={
                "grant_type": "client_credentials",
                "client_id": c.clientId,
                "client_secret": c.clientSecret,
            },
        )
        auth = {"Authorization": f"Bearer {r.json()['access_token']}"}
        r = http.post(BASE + "/staffMembers/sync/validate", headers=auth)
    assert r.status_code == 200, r.text
    body = r.json()
    exp = expected()
    assert body["summary"] == exp["summary"]
    with store.session() as s:
        core = sync.report(s).as_dict()
    for category, rows in core["details"].items():
        assert category in body["details"], category
        assert len(body["details"][category]) == len(rows), category
        for sent, got in zip(rows, body["details"][category], strict=True):
            for key, value in sent.items():
                if key.startswith("_"):
                    continue  # the core's own search text
                assert key in got, (category, key)
                if isinstance(value, dict):
                    assert set(value) <= set(got[key]), (category, key, set(value) - set(got[key]))
