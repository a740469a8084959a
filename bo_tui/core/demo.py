"""The demo district (SPEC section 9, ``bo-tui demo``): reference data from
fixtures/reference.json, and a deterministic generator of Campus staff with dirty data."""

from __future__ import annotations

import getpass
import json
from importlib import resources
from pathlib import Path

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from ..store.models import AssignmentCode, District, Gender, School, Title, User, UserRight
from . import rights

_FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"


def reference_data() -> dict:
    """The reference lists of the demo district (shipped inside the package too)."""
    path = _FIXTURES / "reference.json"
    if path.exists():
        return json.loads(path.read_text())
    return json.loads(resources.files("bo_tui").joinpath("data/reference.json").read_text())


def os_login() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no login name in a bare container
        return "admin"


def load_reference(session: Session, *, login: str | None = None) -> None:
    """District, schools, genders, assignment codes, titles and users; the OS login gets
    every tool right (SPEC section 9). Idempotent: rows already there are left alone."""
    ref = reference_data()
    if session.scalar(select(District.id)) is None:
        d = ref["district"]
        session.add(
            District(name=d["name"], state=d["state"], app_name=d["appName"], cloud_choice=d["cloudChoice"])
        )
    have = set(session.scalars(select(School.school_number)))
    rows = [{"school_number": s["schoolNumber"], "name": s["name"]} for s in ref["schools"]]
    if rows := [r for r in rows if r["school_number"] not in have]:
        session.execute(insert(School), rows)
    for model, key, items, cols in (
        (Gender, "code", ref["genders"], ("code", "name")),
        (AssignmentCode, "code", ref["assignmentCodes"], ("code", "name")),
        (Title, "code", ref["titles"], ("code", "description")),
    ):
        have = set(session.scalars(select(getattr(model, key))))
        new = [{c: it[c] for c in cols} for it in items if it[key] not in have]
        if new:
            session.execute(insert(model), new)
    users = list(ref["users"])
    login = login or os_login()
    if all(u["username"] != login for u in users):
        users.insert(0, {"username": login, "name": f"{login} (this login)", "rights": sorted(rights.ALL)})
    have = set(session.scalars(select(User.username)))
    for u in users:
        if u["username"] in have:
            continue
        user = User(username=u["username"], name=u["name"])
        user.rights = [UserRight(right=r) for r in u["rights"]]
        session.add(user)
    session.flush()
