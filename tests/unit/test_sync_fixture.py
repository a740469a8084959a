"""Loads fixtures/sync/campus.json (the hand-built Campus district of the sync tests)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from bo_tui.core.demo import load_reference
from bo_tui.core.schemas import parse_staff
from bo_tui.core.staff import create_staff
from bo_tui.store.crypto import vault
from bo_tui.store.models import Employment, Identity, Person, Position, School

SYNC = Path(__file__).resolve().parents[2] / "fixtures" / "sync"
TODAY = dt.date(2026, 8, 20)


def expected() -> dict:
    return json.loads((SYNC / "expected.json").read_text())


def load_campus(store) -> None:
    data = json.loads((SYNC / "campus.json").read_text())
    with store.transaction() as session:
        load_reference(session)
        for p in data["staff"]:
            create_staff(session, parse_staff(p), today=dt.date(2015, 1, 1))
        school = session.query(School).filter_by(school_number="010").one()
        for p in data["persons"]:
            ssn = p.get("ssn")
            person = Person(
                staff_number=p["staffNumber"],
                student_number=p.get("studentNumber"),
                birth_date=dt.date.fromisoformat(p["birthDate"]) if p.get("birthDate") else None,
                ssn_enc=vault().encrypt(ssn.replace("-", "")) if ssn else None,
                ssn_hash=vault().hash(ssn.replace("-", "")) if ssn else None,
            )
            person.identities = [
                Identity(last_name=p["lastName"], first_name=p["firstName"], is_current=True)
            ]
            if p.get("position"):
                person.positions = [
                    Position(
                        school_id=school.id, assignment_code="20", start_date=dt.date(2015, 8, 1)
                    )
                ]
            if p.get("employment"):
                person.employments = [Employment(hire_date=dt.date(2015, 8, 1))]
            session.add(person)
