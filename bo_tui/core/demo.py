"""The demo district (SPEC section 9, ``bo-tui demo``): reference data from
fixtures/reference.json, and a deterministic generator of Campus staff with dirty data."""

from __future__ import annotations

import datetime as dt
import json
import random
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from importlib import resources
from pathlib import Path

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from ..store.models import AssignmentCode, District, Gender, School, Title, User, UserRight
from . import rights
from .errors import Conflict
from .users import os_login

_FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"


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


# --- the generator ------------------------------------------------------------------------

LAST = (
    "Smith Johnson Williams Brown Jones Miller Davis Garcia Rodriguez Wilson Martinez Anderson "
    "Taylor Thomas Hernandez Moore Martin Jackson Thompson White Lopez Lee Gonzalez Harris Clark "
    "Lewis Robinson Walker Perez Hall Young Allen Sanchez Wright King Scott Green Baker Adams "
    "Nelson Hill Ramirez Campbell Mitchell Roberts Carter Phillips Evans Turner Torres Parker "
    "Collins Edwards Stewart Flores Morris Nguyen Murphy Rivera Cook Rogers Morgan Peterson "
    "Cooper Reed Bailey Bell Gomez Kelly Howard Ward Cox Diaz Richardson Wood Watson Brooks "
    "Bennett Gray James Reyes Cruz Hughes Price Myers Long Foster Sanders Ross Morales Powell "
    "Sullivan Russell Ortiz Jenkins Gutierrez Perry Butler Barnes Fisher Henderson Coleman "
    "Simmons Patterson Jordan Reynolds Hamilton Graham Kim Gonzales Alexander Ramos Wallace "
    "Griffin West Cole Hayes Chavez Gibson Bryant Ellis Stevens Murray Ford Marshall Owens "
    "McDonald Harrison Ruiz Kennedy Wells Alvarez Woods Mendoza Castillo Olson Webb Washington "
    "Tucker Freeman Burns Henry Vasquez Snyder Simpson Crawford Jimenez Porter Mason Shaw Gordon "
    "Wagner Hunter Romero Hicks Dixon Hunt Palmer Robertson Black Holmes Stone Meyer Boyd Mills "
    "Warren Fox Rose Rice Moreno Schmidt Patel Ferguson Nichols Herrera Medina Ryan Fernandez "
    "Weaver Daniels Stephens Gardner Payne Kelley Dunn Pierce Arnold Tran Spencer Peters Hawkins "
    "Grant Hansen Castro Hoffman Hart Elliott Cunningham Knight Bradley Sawatzky Doughty Billham "
    "Pye Dallas Fessey Hurley Vovchenko Gagnon Doyamo Beuning Bonquet Saunders Postma Lind"
).split()
FIRST_F = (
    "Mary Patricia Jennifer Linda Elizabeth Barbara Susan Jessica Sarah Karen Lisa Nancy Betty "
    "Sandra Margaret Ashley Kimberly Emily Donna Michelle Carol Amanda Melissa Deborah Stephanie "
    "Rebecca Sharon Laura Cynthia Amy Kathleen Angela Shirley Brenda Emma Anna Pamela Nicole "
    "Samantha Katherine Christine Helen Debra Rachel Carolyn Janet Maria Catherine Heather Diane "
    "Olivia Julie Joyce Victoria Ruth Virginia Lauren Kelly Christina Joan Evelyn Judith Andrea "
    "Hannah Megan Cheryl Jacqueline Martha Madison Teresa Gloria Sara Janice Ann Kathryn Abigail "
    "Sophia Frances Jean Alice Judy Isabella Julia Grace Amber Denise Danielle Marilyn Beverly "
    "Charlotte Natalie Theresa Diana Brittany Doris Kayla Alexis Lori Marie Allison Alma Ariadne "
    "Amatis Marissa Nadia Megan Lynnette Alicia Linda Lanita Elaine Cathy Margie June"
).split()
FIRST_M = (
    "James Robert John Michael David William Richard Joseph Thomas Christopher Charles Daniel "
    "Matthew Anthony Mark Donald Steven Andrew Paul Joshua Kenneth Kevin Brian George Timothy "
    "Ronald Jason Edward Jeffrey Ryan Jacob Gary Nicholas Eric Jonathan Stephen Larry Justin "
    "Scott Brandon Benjamin Samuel Gregory Alexander Patrick Frank Raymond Jack Dennis Jerry "
    "Tyler Aaron Jose Adam Nathan Henry Zachary Douglas Peter Kyle Noah Ethan Jeremy Walter "
    "Christian Keith Roger Terry Austin Sean Gerald Carl Harold Dylan Arthur Lawrence Jordan "
    "Jesse Bryan Billy Bruce Gabriel Joe Logan Alan Juan Albert Willie Elijah Wayne Randy Vincent "
    "Mason Roy Ralph Bobby Russell Bradley Philip Eugene Allan Cole Mesay Tom Pat"
).split()
STREETS = (
    "LEXINGTON OAK MAPLE CEDAR PINE ELM WALNUT HICKORY CHESTNUT SPRUCE WILLOW BIRCH ASH "
    "MADISON JEFFERSON WASHINGTON LINCOLN JACKSON MONROE ADAMS HIGH MAIN MARKET CHURCH SCHOOL "
    "PARK LAKE RIVER HILLCREST RIDGE MEADOW FOREST SUNSET VALLEY SPRING PRAIRIE CAPITOL "
    "BROADWAY ELLIS STADIUM BOONVILLE MISSOURI MCCARTY DUNKLIN ATCHISON CLARK ASHLEY EDGEWOOD"
).split()
TAGS = ("AVE", "ST", "DR", "LN", "RD", "CT", "BLVD", "PL", "CIR", "TER", "WAY", "PKWY")
TAG_WORDS = {
    "AVE": "Avenue",
    "ST": "Street",
    "DR": "Drive",
    "LN": "Lane",
    "RD": "Road",
    "CT": "Court",
    "BLVD": "Boulevard",
    "PL": "Place",
    "CIR": "Circle",
    "TER": "Terrace",
    "WAY": "Way",
    "PKWY": "Parkway",
}
DIR_WORDS = {
    "N": "North",
    "S": "South",
    "E": "East",
    "W": "West",
    "NE": "Northeast",
    "NW": "Northwest",
    "SE": "Southeast",
    "SW": "Southwest",
}
ORDINAL_WORDS = {
    "1ST": "First",
    "2ND": "Second",
    "3RD": "Third",
    "4TH": "Fourth",
    "5TH": "Fifth",
    "6TH": "Sixth",
    "7TH": "Seventh",
    "8TH": "Eighth",
    "9TH": "Ninth",
    "10TH": "Tenth",
    "11TH": "Eleventh",
    "12TH": "Twelfth",
}
CITIES = (
    ("JEFFERSON CITY", "65101", "Cole"),
    ("JEFFERSON CITY", "65109", "Cole"),
    ("HOLTS SUMMIT", "65043", "Callaway"),
    ("TAOS", "65101", "Cole"),
    ("RUSSELLVILLE", "65074", "Cole"),
    ("WARDSVILLE", "65101", "Cole"),
    ("LOHMAN", "65053", "Cole"),
    ("CENTERTOWN", "65023", "Cole"),
)


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


class _Gen:
    """Deterministic per seed: every choice comes from one random.Random."""

    def __init__(self, seed: int, ref: dict):
        self.r = random.Random(seed)
        self.schools = [s["schoolNumber"] for s in ref["schools"]]
        self.codes = [a["code"] for a in ref["assignmentCodes"]]
        self.titles = [t["code"] for t in ref["titles"]]
        self.used_ssn: set[str] = set()

    def ssn(self) -> str:
        while True:
            s = f"{self.r.randint(100, 899):03d}{self.r.randint(10, 99):02d}{self.r.randint(1000, 9999):04d}"
            if s not in self.used_ssn:
                self.used_ssn.add(s)
                return s

    def date(self, y0: int, y1: int) -> dt.date:
        return dt.date(y0, 1, 1) + dt.timedelta(days=self.r.randrange((y1 - y0) * 365))

    def phone(self) -> str:
        return f"573-555-{self.r.randint(0, 9999):04d}"

    def address(self) -> dict[str, str | None]:
        r = self.r
        street = r.choice(STREETS) if r.random() < 0.8 else r.choice(list(ORDINAL_WORDS))
        city, zip5, county = r.choice(CITIES)
        return {
            "number": str(r.randint(100, 12999)),
            "prefix": r.choice(("N", "S", "E", "W")) if r.random() < 0.3 else None,
            "street": street,
            "tag": r.choice(TAGS),
            "direction": r.choice(("NE", "NW", "SE", "SW")) if r.random() < 0.1 else None,
            "apt": str(r.randint(1, 240)) if r.random() < 0.12 else None,
            "city": city,
            "state": "MO",
            "zip": zip5,
            "county": county,
        }


def _variant_full(a: dict, r: random.Random) -> str:
    """An HR spelling of a Campus address: "N … AVE" written "North … Avenue." etc."""
    parts = [a["number"]]
    if a["prefix"]:
        parts.append(DIR_WORDS[a["prefix"]] if r.random() < 0.6 else a["prefix"] + ".")
    street = a["street"]
    parts.append(ORDINAL_WORDS.get(street, street.title()) if r.random() < 0.5 else street.title())
    parts.append(TAG_WORDS[a["tag"]] if r.random() < 0.6 else a["tag"].title() + ".")
    if a["direction"]:
        parts.append(DIR_WORDS[a["direction"]] if r.random() < 0.5 else a["direction"])
    if a["apt"]:
        parts.append(r.choice(("Apt", "Apartment", "Apt.")) + " " + a["apt"])
    return " ".join(parts)


def _components_payload(a: dict, r: random.Random) -> dict:
    """HR components in mixed case, as HR systems send them."""
    out = {
        k: (v.title() if isinstance(v, str) and k in ("street", "tag", "city") else v)
        for k, v in a.items()
    }
    return {k: v for k, v in out.items() if v is not None}


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
    from ..store.crypto import vault
    from ..store.models import (
        Address,
        Employment,
        Household,
        HouseholdLocation,
        HouseholdMember,
        Identity,
        Person,
        Position,
    )
    from . import addresses, support

    t0 = time.perf_counter()
    today = today or dt.date(2026, 8, 15)
    progress = progress or (lambda done, total: None)
    ref = reference_data()
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
        school_ids = dict(session.execute(select(School.school_number, School.id)).all())
    school_numbers = {sid: number for number, sid in school_ids.items()}
    g = _Gen(seed, ref)
    r = g.r
    v = vault()

    persons: list[dict] = []
    identities: list[dict] = []
    employments: list[dict] = []
    positions: list[dict] = []
    households: list[dict] = []
    members: list[dict] = []
    locations: list[dict] = []
    address_rows: dict[str, dict] = {}
    campus_staff: list[dict] = []  # what the HR export is built from
    dirty = {
        "duplicateStaffNumbers": 0,
        "noStaffNumber": 0,
        "sharedHouseholds": 0,
        "possibleDuplicates": 0,
        "historicIdentities": 0,
    }

    def add_address(a: dict) -> int:
        key = addresses.address_key(addresses.normalize_components(a))
        row = address_rows.get(key)
        if row is None:
            row = {"id": len(address_rows) + 1, "norm_key": key, "post_office_box": False, **a}
            address_rows[key] = row
        return row["id"]

    def new_household(name: str, staff_hh: bool, address_id: int) -> int:
        hid = len(households) + 1
        households.append({"id": hid, "name": name, "staff_household": staff_hh})
        locations.append(
            {
                "household_id": hid,
                "address_id": address_id,
                "mailing": True,
                "physical": True,
                "start_date": g.date(2005, 2024),
            }
        )
        return hid

    def new_person(**cols) -> int:
        pid = len(persons) + 1
        base = {
            "id": pid,
            "staff_number": None,
            "student_number": None,
            "ssn_enc": None,
            "ssn_hash": None,
            "birth_date": None,
            "gender": None,
            "work_phone": None,
            "cell_phone": None,
            "other_phone": None,
            "work_email": None,
            "personal_email": None,
            "hr_managed": False,
        }
        base.update(cols)
        persons.append(base)
        return pid

    n_dup = max(2, staff // 400) if staff else 0
    n_none = max(2, staff // 80) if staff else 0
    total_steps = staff + 1
    for i in range(staff):
        gender = r.choice(("F", "M")) if r.random() < 0.98 else "X"
        first = r.choice(
            FIRST_F if gender == "F" else FIRST_M if gender == "M" else FIRST_F + FIRST_M
        )
        last = r.choice(LAST)
        middle = r.choice(FIRST_F + FIRST_M)[0] if r.random() < 0.4 else None
        number = str(10000 + i)
        if i < n_dup:
            number = r.choice(("PENDING", "PENDING", "pending", " Pending"))
            dirty["duplicateStaffNumbers"] += 1
        elif i < n_dup + 4 and staff >= 20:
            number = "0295382" if i % 2 == 0 else "0287909"  # spouses sharing one number
            dirty["duplicateStaffNumbers"] += 1
        elif i < n_dup + 4 + n_none:
            number = None if r.random() < 0.7 else ""
            dirty["noStaffNumber"] += 1
        birth = g.date(1955, 2002) if r.random() < 0.95 else None
        ssn = g.ssn() if r.random() < 0.9 else None
        email = f"{first[0].lower()}{last.lower()}{i % 97}@colecounty.k12.mo.us"
        pid = new_person(
            staff_number=number,
            birth_date=birth,
            gender=gender,
            ssn_enc=v.encrypt(ssn) if ssn else None,
            ssn_hash=v.hash(ssn) if ssn else None,
            work_phone=g.phone() if r.random() < 0.5 else None,
            cell_phone=g.phone() if r.random() < 0.6 else None,
            work_email=email if r.random() < 0.9 else None,
            personal_email=f"{first.lower()}.{last.lower()}{i % 89}@mail.example.com"
            if r.random() < 0.4
            else None,
        )
        hire = g.date(1995, 2025)
        if r.random() < 0.08:  # maiden name: a historic identity ended when the name changed
            changed = hire + dt.timedelta(days=r.randrange(30, 2000))
            identities.append(
                {
                    "person_id": pid,
                    "last_name": r.choice(LAST),
                    "first_name": first,
                    "middle_name": middle,
                    "start_date": hire,
                    "end_date": changed,
                    "is_current": False,
                }
            )
            identities.append(
                {
                    "person_id": pid,
                    "last_name": last,
                    "first_name": first,
                    "middle_name": middle,
                    "start_date": changed,
                    "end_date": None,
                    "is_current": True,
                }
            )
            dirty["historicIdentities"] += 1
        else:
            identities.append(
                {
                    "person_id": pid,
                    "last_name": last,
                    "first_name": first,
                    "middle_name": middle,
                    "start_date": hire,
                    "end_date": None,
                    "is_current": True,
                }
            )
        emps = [{"person_id": pid, "hire_date": hire, "termination_date": None}]
        if r.random() < 0.05:  # a rehire: an earlier, terminated employment
            old = g.date(1985, 1994)
            emps.insert(
                0,
                {
                    "person_id": pid,
                    "hire_date": old,
                    "termination_date": old + dt.timedelta(days=r.randrange(200, 2000)),
                },
            )
        employments.extend(emps)
        school = r.choice(g.schools)
        pos = [
            {
                "person_id": pid,
                "school_id": school_ids[school],
                "assignment_code": r.choice(g.codes),
                "title_code": r.choice(g.titles) if r.random() < 0.9 else None,
                "start_date": hire,
                "end_date": None,
                "linked": r.random() < 0.3,
            }
        ]
        if r.random() < 0.15:
            pos.append(
                {
                    "person_id": pid,
                    "school_id": school_ids[r.choice(g.schools)],
                    "assignment_code": "90",
                    "title_code": "4A61E262",
                    "start_date": g.date(2018, 2025),
                    "end_date": None,
                    "linked": False,
                }
            )
        positions.extend(pos)
        addr = g.address()
        address_id = add_address(addr)
        if r.random() < 0.05:  # a staff member living with students: a shared household
            hid = new_household(last, False, address_id)
            members.append(
                {"household_id": hid, "person_id": pid, "start_date": hire, "end_date": None}
            )
            for _ in range(r.randint(1, 2)):
                sid = new_person(
                    student_number=f"S{200000 + len(persons)}",
                    birth_date=g.date(2008, 2020),
                    gender=r.choice(("F", "M")),
                )
                identities.append(
                    {
                        "person_id": sid,
                        "last_name": last,
                        "first_name": r.choice(FIRST_F + FIRST_M),
                        "middle_name": None,
                        "start_date": None,
                        "end_date": None,
                        "is_current": True,
                    }
                )
                members.append(
                    {"household_id": hid, "person_id": sid, "start_date": None, "end_date": None}
                )
            dirty["sharedHouseholds"] += 1
        else:
            hid = new_household(last, True, address_id)
            members.append(
                {"household_id": hid, "person_id": pid, "start_date": hire, "end_date": None}
            )
        campus_staff.append(
            {
                "pid": pid,
                "number": number,
                "last": last,
                "first": first,
                "middle": middle,
                "gender": gender,
                "ssn": ssn,
                "birth": birth,
                "row": persons[pid - 1],
                "emps": emps,
                "pos": [(school_numbers[p["school_id"]], p) for p in pos],
                "addr": addr,
            }
        )
        if i % 1000 == 0:
            progress(i, total_steps)

    # Students and parents who will be hired: same name and birth date as an HR new hire
    # (R-SYNC-10 possible duplicates). They live in their own, non-staff households.
    new_hires: list[dict] = []
    n_new = max(1, staff // 100) if staff else 0
    for k in range(n_new):
        gender = r.choice(("F", "M"))
        first = r.choice(FIRST_F if gender == "F" else FIRST_M)
        last = r.choice(LAST)
        birth = g.date(1970, 2004)
        hire = {
            "number": str(10000 + staff + k),
            "first": first,
            "last": last,
            "gender": gender,
            "birth": birth,
            "ssn": g.ssn(),
            "addr": g.address(),
        }
        if k % 3 == 0:
            pid = new_person(
                student_number=f"S{300000 + k}" if birth.year > 2000 else None,
                birth_date=birth,
                gender=gender,
            )
            identities.append(
                {
                    "person_id": pid,
                    "last_name": last,
                    "first_name": first,
                    "middle_name": None,
                    "start_date": None,
                    "end_date": None,
                    "is_current": True,
                }
            )
            hid = new_household(last, False, add_address(g.address()))
            members.append(
                {"household_id": hid, "person_id": pid, "start_date": None, "end_date": None}
            )
            dirty["possibleDuplicates"] += 1
        new_hires.append(hire)

    with store.transaction() as session:
        for model, rows in (
            (Address, list(address_rows.values())),
            (Person, persons),
            (Identity, identities),
            (Employment, employments),
            (Position, positions),
            (Household, households),
            (HouseholdMember, members),
            (HouseholdLocation, locations),
        ):
            for start in range(0, len(rows), 5000):
                session.execute(insert(model), rows[start : start + 5000])
    progress(staff, total_steps)

    hr_records = 0
    if hr_out:
        hr_records = _write_hr_export(hr_out, campus_staff, new_hires, g, today)
    progress(total_steps, total_steps)
    return DemoResult(
        staff=staff,
        persons=len(persons),
        students=len(persons) - staff,
        addresses=len(address_rows),
        households=len(households),
        hr_records=hr_records,
        hr_out=str(hr_out) if hr_out else None,
        seconds=time.perf_counter() - t0,
        dirty=dirty if staff else {},
    )


def _write_hr_export(
    path: str, campus_staff: list[dict], new_hires: list[dict], g: _Gen, today: dt.date
) -> int:
    """The HR system's view of the same district: most Campus staff with realistic drift
    (renames, new e-mails and phones, terminations, moves, address spellings), new hires,
    and none of the dirty Campus numbers or long-gone staff."""
    r = g.r
    count = 0
    with open(path, "w", encoding="utf-8") as out:
        out.write("[\n")
        first_rec = True

        def emit(rec: dict) -> None:
            nonlocal first_rec, count
            out.write(("" if first_rec else ",\n") + json.dumps(rec, separators=(",", ":")))
            first_rec = False
            count += 1

        for s in campus_staff:
            num = s["number"]
            if not num or not num.isdigit() or len(num) != 5:
                continue  # dirty Campus numbers: HR knows these people by other numbers
            if r.random() < 0.05:
                continue  # left the district years ago: Campus staff NOT in HR
            row = s["row"]
            rec: dict = {"staffNumber": num, "lastName": s["last"], "firstName": s["first"]}
            if s["middle"]:
                rec["middleName"] = s["middle"]
            rec["gender"] = s["gender"]
            rec["ssn"] = s["ssn"] or g.ssn()  # HR has every SSN; Campus misses some
            if s["birth"]:
                rec["birthDate"] = s["birth"].isoformat()
            for col, key in (
                ("work_phone", "workPhone"),
                ("cell_phone", "cellPhone"),
                ("work_email", "workEmail"),
                ("personal_email", "personalEmail"),
            ):
                if row[col]:
                    rec[key] = row[col]
            roll = r.random()
            if roll < 0.03:
                rec["lastName"] = r.choice(LAST)  # married: renamed in HR
            elif roll < 0.08:
                rec["workEmail"] = f"{s['first'].lower()}.{s['last'].lower()}@colecounty.k12.mo.us"
            elif roll < 0.11:
                rec["cellPhone"] = g.phone()
            rec["employments"] = [
                {
                    "hireDate": e["hire_date"].isoformat(),
                    **(
                        {"terminationDate": e["termination_date"].isoformat()}
                        if e["termination_date"]
                        else {}
                    ),
                }
                for e in s["emps"]
            ]
            if r.random() < 0.02:
                rec["employments"][-1]["terminationDate"] = (
                    today - dt.timedelta(days=r.randrange(1, 60))
                ).isoformat()
            pos = []
            for school, p in s["pos"]:
                item = {"schoolNumber": school, "startDate": p["start_date"].isoformat()}
                if p["assignment_code"]:
                    item["assignmentCode"] = p["assignment_code"]
                if p["title_code"]:
                    item["titleCode"] = p["title_code"]
                pos.append(item)
            if r.random() < 0.02:
                pos.append(
                    {
                        "schoolNumber": r.choice(g.schools),
                        "assignmentCode": "20",
                        "titleCode": "B00C0DE1",
                        "titleDescription": "Instructional Coach",
                        "startDate": today.isoformat(),
                    }
                )
            rec["positions"] = pos
            addr = g.address() if r.random() < 0.02 else s["addr"]  # 2 % moved
            rr = r.random()
            if rr < 0.4:
                a = {
                    "fullStreetAddress": _variant_full(addr, r),
                    "city": addr["city"].title(),
                    "state": "MO",
                    "zip": addr["zip"],
                }
            else:
                a = _components_payload(addr, r)
            rec["household"] = {
                "householdLocations": [{"address": a, "mailing": True, "physical": True}]
            }
            emit(rec)
        for h in new_hires:
            addr = h["addr"]
            emit(
                {
                    "staffNumber": h["number"],
                    "lastName": h["last"].upper(),
                    "firstName": h["first"].upper(),
                    "gender": h["gender"],
                    "ssn": h["ssn"],
                    "birthDate": h["birth"].isoformat(),
                    "workEmail": f"{h['first'][0].lower()}{h['last'].lower()}@colecounty.k12.mo.us",
                    "employments": [{"hireDate": today.isoformat()}],
                    "positions": [
                        {
                            "schoolNumber": r.choice(g.schools),
                            "assignmentCode": "20",
                            "titleCode": "035E4EAB",
                            "startDate": today.isoformat(),
                        }
                    ],
                    "household": {
                        "householdLocations": [
                            {
                                "address": {
                                    "fullStreetAddress": _variant_full(addr, r),
                                    "city": addr["city"].title(),
                                    "state": "MO",
                                    "zip": addr["zip"],
                                }
                            }
                        ]
                    },
                }
            )
        out.write("\n]\n")
    return count
