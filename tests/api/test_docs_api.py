"""docs/api.md's worked sync (section 6: start, transfer, end, validate, commit, status, and a
create with every error in one answer) run as written against the API: each curl's body is
sent, and each answer the page shows is the answer the API gives (timestamps aside)."""

from __future__ import annotations

import json
import re
from pathlib import Path

from .conftest import BASE

DOC = Path(__file__).resolve().parents[2] / "docs" / "api.md"
BLOCK = re.compile(r"```(sh|json)\n(.*?)```", re.S)
CURL = re.compile(
    r'curl -s(?: -X (?P<method>[A-Z]+))? "\$(?P<var>SYNC|BASE)(?P<path>[^"]*)"(?P<rest>.*?)'
    r"(?=\ncurl |\Z)",
    re.S,
)


def _section(text: str, title: str) -> str:
    start = text.index(title)
    return text[start : text.index("\n## ", start + 1)]


def _steps(section: str):
    """(method, path, body, answer shown or None) for each curl, in page order."""
    steps: list[list] = []
    for kind, block in BLOCK.findall(section):
        if kind == "sh":
            for m in CURL.finditer(block):
                body = re.search(r"-d '(.*)'", m["rest"], re.S)
                prefix = "/staffMembers/sync" if m["var"] == "SYNC" else ""
                steps.append(
                    [
                        m["method"] or "GET",
                        BASE + prefix + m["path"],
                        json.loads(body[1]) if body else None,
                        None,
                    ]
                )
        elif steps:
            try:
                steps[-1][3] = json.loads(block)
            except json.JSONDecodeError:  # an answer shortened with "…": shown, not compared
                steps[-1][3] = None
    return steps


def _timeless(value):
    if isinstance(value, dict):
        return {k: _timeless(v) for k, v in value.items() if not k.endswith("At")}
    if isinstance(value, list):
        return [_timeless(v) for v in value]
    return value


def test_R_SYNC_5_the_worked_sync_of_docs_api_md_answers_as_shown(client, auth):
    steps = _steps(_section(DOC.read_text(encoding="utf-8"), "## 6. A whole sync with curl"))
    assert [(m, p.rsplit("/", 1)[-1]) for m, p, _b, _a in steps] == [
        ("POST", "start"),
        ("POST", "transfer"),
        ("POST", "end"),
        ("POST", "validate?details=false"),
        ("POST", "commit"),
        ("GET", "status"),
        ("POST", "staffMembers"),
    ]
    compared = 0
    for method, path, body, shown in steps:
        r = client.request(method, path, json=body, headers=auth)
        assert r.status_code < 500, (path, r.text)
        if shown is not None:
            assert _timeless(r.json()) == _timeless(shown), path
            compared += 1
    assert compared >= 4  # start, validate, commit and the create with every error
