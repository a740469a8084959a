"""The demo district (SPEC section 9, ``bo-tui demo``): reference data from
fixtures/reference.json, Campus staff with dirty data (``campus``) and its HR export (``hr_export``)."""

from __future__ import annotations

import datetime as dt
import json
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from importlib import resources
from pathlib import Path

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from ...store.models import AssignmentCode, District, Gender, School, Title, User, UserRight
from .. import rights
from ..errors import Conflict
from ..users import os_login
from .campus import Campus, Gen
from .hr_export import write_hr_export

_FIXTURES = Path(__file__).resolve().parents[3] / "fixtures"


def reference_data() -> dict:
    """The reference lists of the demo district (shipped inside the package too)."""
    path = _FIXTURES / "reference.json"
    if path.exists():
        return json.loads(path.read_text())
    return json.loads(resources.files("bo_tui").joinpath("data/reference.json").read_text())


def load_reference(session: Session, *, login: str | None = None) -> None:
    """District, schools, genders, assignment codes, titles and users; the OS login gets
    every tool right (SPEC section 9). Idempotent: rows already there are left alone."""
    ref = reference_data()
    if session.scalar(select(District.id)) is None:
        d = ref["district"]
        session.add(
            District(
                name=d["name"],
                state=d["state"],
                app_name=d["appName"],
                cloud_choice=d["cloudChoice"],
            )
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
        users.insert(
            0,
            {"username": login, "name": "District Technical Contact", "rights": sorted(rights.ALL)},
        )
    have = set(session.scalars(select(User.username)))
    for u in users:
        if u["username"] in have:
            continue
        user = User(username=u["username"], name=u["name"])
        user.rights = [UserRight(right=r) for r in u["rights"]]
        session.add(user)
    session.flush()


@dataclass
class DemoResult:
    staff: int
    persons: int
    students: int
    addresses: int
    households: int
    hr_records: int
    hr_out: str | None
    seconds: float
    dirty: dict[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict:
        return asdict(self)

    def summary(self) -> str:
        lines = [
            f"Demo district loaded in {self.seconds:.1f} s: {self.staff:,} Campus staff, "
            f"{self.students:,} students and guardians, {self.households:,} households, "
            f"{self.addresses:,} addresses."
        ]
        if self.dirty:
            lines.append(
                "Dirty data: " + ", ".join(f"{k} {v}" for k, v in self.dirty.items()) + "."
            )
        if self.hr_out:
            lines.append(f"HR export: {self.hr_records:,} staff members written to {self.hr_out}")
        return "\n".join(lines)


def build_demo(
    store,
    *,
    staff: int = 3000,
    seed: int = 1,
    hr_out: str | None = None,
    progress: Callable[[int, int], None] | None = None,
    login: str | None = None,
    today: dt.date | None = None,
    now: dt.datetime | None = None,
) -> DemoResult:
    """Build the demo district into ``store`` (which must hold no people yet) and write the
    matching HR export. Campus rows go in by bulk inserts: 50,000 staff in seconds."""
    from ...store.crypto import vault

    t0 = time.perf_counter()
    today = today or dt.date(2026, 8, 15)
    progress = progress or (lambda done, total: None)
    ref = reference_data()
    school_ids = _start(store, login, now)
    g = Gen(seed, ref)
    campus = Campus(g, school_ids, vault(), staff)
    total_steps = staff + 1
    for i in range(staff):
        campus.add_staff(i)
        if i % 1000 == 0:
            progress(i, total_steps)
    campus.add_new_hires()
    _insert(store, campus)
    progress(staff, total_steps)
    hr_records = 0
    if hr_out:
        hr_records = write_hr_export(hr_out, campus.campus_staff, campus.new_hires, g, today)
    progress(total_steps, total_steps)
    return DemoResult(
        staff=staff,
        persons=len(campus.persons),
        students=len(campus.persons) - staff,
        addresses=len(campus.address_rows),
        households=len(campus.households),
        hr_records=hr_records,
        hr_out=str(hr_out) if hr_out else None,
        seconds=time.perf_counter() - t0,
        dirty=campus.dirty if staff else {},
    )


def _start(store, login: str | None, now: dt.datetime | None) -> dict[str, int]:
    """Reference data and the support seed in an empty store; the school ids by number."""
    from ...store.models import Person
    from .. import support

    with store.transaction() as session:
        if session.scalar(select(func.count()).select_from(Person)):
            raise Conflict(
                "the store already holds people; use an empty store (--db) for the demo district"
            )
        load_reference(session, login=login)
        # The OS login becomes the district's authorized technical contact (SPEC section 9).
        support.seed_demo(
            session, login or os_login(), now or dt.datetime.now(dt.UTC).replace(tzinfo=None)
        )
        return dict(session.execute(select(School.school_number, School.id)).all())


def _insert(store, campus: Campus) -> None:
    """Every row in one transaction, by bulk inserts of 5,000 rows."""
    from ...store.models import (
        Address,
        Employment,
        Household,
        HouseholdLocation,
        HouseholdMember,
        Identity,
        Person,
        Position,
    )

    with store.transaction() as session:
        for model, rows in (
            (Address, list(campus.address_rows.values())),
            (Person, campus.persons),
            (Identity, campus.identities),
            (Employment, campus.employments),
            (Position, campus.positions),
            (Household, campus.households),
            (HouseholdMember, campus.members),
            (HouseholdLocation, campus.locations),
        ):
            for start in range(0, len(rows), 5000):
                session.execute(insert(model), rows[start : start + 5000])
            _advance_sequence(session, model.__tablename__)


def _advance_sequence(session, table: str) -> None:
    """Rows inserted with their ids leave a PostgreSQL id sequence behind: without this, the
    first staff member created after the demo collides with a demo row (UniqueViolation)."""
    if session.get_bind().dialect.name != "postgresql":
        return
    from sqlalchemy import text

    session.execute(
        text(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
            f"COALESCE((SELECT MAX(id) FROM {table}), 0) + 1, false)"
        )
    )


__all__ = ["DemoResult", "build_demo", "load_reference", "reference_data"]
