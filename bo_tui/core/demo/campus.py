"""The demo district's Campus staff (SPEC section 9): a deterministic generator, one Random per
seed, of staff with dirty data (R-SYNC-8 numbers, R-SYNC-10 possible duplicates, shared homes)."""

# Every choice comes from one random.Random in a fixed order: the same seed gives the same
# district and the same HR export, so the order of the draws below is part of the contract.

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from .. import addresses
from .names import CITIES, FIRST_F, FIRST_M, LAST, ORDINAL_WORDS, STREETS, TAGS


class Gen:
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


_EMPTY_PERSON = {
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


class Campus:
    """The rows of the demo district, built in memory for bulk inserts, and what the HR export
    is built from (``campus_staff``, ``new_hires``)."""

    def __init__(self, g: Gen, school_ids: dict[str, int], vault, staff: int):
        self.g, self.r, self.v = g, g.r, vault
        self.school_ids = school_ids
        self.school_numbers = {sid: number for number, sid in school_ids.items()}
        self.staff = staff
        self.n_dup = max(2, staff // 400) if staff else 0
        self.n_none = max(2, staff // 80) if staff else 0
        self.persons: list[dict] = []
        self.identities: list[dict] = []
        self.employments: list[dict] = []
        self.positions: list[dict] = []
        self.households: list[dict] = []
        self.members: list[dict] = []
        self.locations: list[dict] = []
        self.address_rows: dict[str, dict] = {}
        self.campus_staff: list[dict] = []
        self.new_hires: list[dict] = []
        self.dirty = {
            "duplicateStaffNumbers": 0,
            "noStaffNumber": 0,
            "sharedHouseholds": 0,
            "possibleDuplicates": 0,
            "historicIdentities": 0,
        }

    # --- rows ----------------------------------------------------------------------------------

    def add_address(self, a: dict) -> int:
        key = addresses.address_key(addresses.normalize_components(a))
        row = self.address_rows.get(key)
        if row is None:
            row = {"id": len(self.address_rows) + 1, "norm_key": key, "post_office_box": False, **a}
            self.address_rows[key] = row
        return row["id"]

    def new_household(self, name: str, staff_hh: bool, address_id: int) -> int:
        hid = len(self.households) + 1
        self.households.append({"id": hid, "name": name, "staff_household": staff_hh})
        self.locations.append(
            {
                "household_id": hid,
                "address_id": address_id,
                "mailing": True,
                "physical": True,
                "start_date": self.g.date(2005, 2024),
            }
        )
        return hid

    def new_person(self, **cols: Any) -> int:
        pid = len(self.persons) + 1
        self.persons.append({"id": pid, **_EMPTY_PERSON, **cols})
        return pid

    def identity(
        self,
        pid: int,
        last: str,
        first: str,
        middle: str | None,
        start: dt.date | None,
        end: dt.date | None = None,
    ) -> None:
        self.identities.append(
            {
                "person_id": pid,
                "last_name": last,
                "first_name": first,
                "middle_name": middle,
                "start_date": start,
                "end_date": end,
                "is_current": end is None,
            }
        )

    # --- one staff member ----------------------------------------------------------------------

    def add_staff(self, i: int) -> None:
        """Staff member ``i``: person, identities, employments, positions and home."""
        r, g = self.r, self.g
        gender = r.choice(("F", "M")) if r.random() < 0.98 else "X"
        first = r.choice(
            FIRST_F if gender == "F" else FIRST_M if gender == "M" else FIRST_F + FIRST_M
        )
        last = r.choice(LAST)
        middle = r.choice(FIRST_F + FIRST_M)[0] if r.random() < 0.4 else None
        number = self._staff_number(i)
        birth = g.date(1955, 2002) if r.random() < 0.95 else None
        ssn = g.ssn() if r.random() < 0.9 else None
        pid = self._staff_person(i, number, first, last, gender, birth, ssn)
        hire = g.date(1995, 2025)
        self._identities(pid, last, first, middle, hire)
        emps = self._employments(pid, hire)
        pos = self._positions(pid, hire)
        addr = g.address()
        self._home(pid, last, hire, self.add_address(addr))
        self.campus_staff.append(
            {
                "pid": pid,
                "number": number,
                "last": last,
                "first": first,
                "middle": middle,
                "gender": gender,
                "ssn": ssn,
                "birth": birth,
                "row": self.persons[pid - 1],
                "emps": emps,
                "pos": [(self.school_numbers[p["school_id"]], p) for p in pos],
                "addr": addr,
            }
        )

    def _staff_number(self, i: int) -> str | None:
        """Clean numbers, then the dirty ones first (R-SYNC-8): PENDING placeholders, spouses
        sharing one number, and staff with no number at all."""
        r = self.r
        if i < self.n_dup:
            self.dirty["duplicateStaffNumbers"] += 1
            return r.choice(("PENDING", "PENDING", "pending", " Pending"))
        if i < self.n_dup + 4 and self.staff >= 20:
            self.dirty["duplicateStaffNumbers"] += 1
            return "0295382" if i % 2 == 0 else "0287909"  # spouses sharing one number
        if i < self.n_dup + 4 + self.n_none:
            self.dirty["noStaffNumber"] += 1
            return None if r.random() < 0.7 else ""
        return str(10000 + i)

    def _staff_person(
        self,
        i: int,
        number: str | None,
        first: str,
        last: str,
        gender: str,
        birth: dt.date | None,
        ssn: str | None,
    ) -> int:
        r, g, v = self.r, self.g, self.v
        email = f"{first[0].lower()}{last.lower()}{i % 97}@colecounty.k12.mo.us"
        return self.new_person(
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

    def _identities(
        self, pid: int, last: str, first: str, middle: str | None, hire: dt.date
    ) -> None:
        r = self.r
        if r.random() < 0.08:  # maiden name: a historic identity ended when the name changed
            changed = hire + dt.timedelta(days=r.randrange(30, 2000))
            self.identity(pid, r.choice(LAST), first, middle, hire, changed)
            self.identity(pid, last, first, middle, changed)
            self.dirty["historicIdentities"] += 1
        else:
            self.identity(pid, last, first, middle, hire)

    def _employments(self, pid: int, hire: dt.date) -> list[dict]:
        r, g = self.r, self.g
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
        self.employments.extend(emps)
        return emps

    def _positions(self, pid: int, hire: dt.date) -> list[dict]:
        r, g = self.r, self.g
        school = r.choice(g.schools)
        pos = [
            {
                "person_id": pid,
                "school_id": self.school_ids[school],
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
                    "school_id": self.school_ids[r.choice(g.schools)],
                    "assignment_code": "90",
                    "title_code": "4A61E262",
                    "start_date": g.date(2018, 2025),
                    "end_date": None,
                    "linked": False,
                }
            )
        self.positions.extend(pos)
        return pos

    def _home(self, pid: int, last: str, hire: dt.date, address_id: int) -> None:
        r, g = self.r, self.g
        if r.random() >= 0.05:
            hid = self.new_household(last, True, address_id)
            self.members.append(
                {"household_id": hid, "person_id": pid, "start_date": hire, "end_date": None}
            )
            return
        # A staff member living with students: a shared household.
        hid = self.new_household(last, False, address_id)
        self.members.append(
            {"household_id": hid, "person_id": pid, "start_date": hire, "end_date": None}
        )
        for _ in range(r.randint(1, 2)):
            sid = self.new_person(
                student_number=f"S{200000 + len(self.persons)}",
                birth_date=g.date(2008, 2020),
                gender=r.choice(("F", "M")),
            )
            self.identity(sid, last, r.choice(FIRST_F + FIRST_M), None, None)
            self.members.append(
                {"household_id": hid, "person_id": sid, "start_date": None, "end_date": None}
            )
        self.dirty["sharedHouseholds"] += 1

    # --- the HR system's new hires -------------------------------------------------------------

    def add_new_hires(self) -> None:
        """Staff the HR system has and Campus has not; every third is already a Campus student
        or parent with the same name and birth date (R-SYNC-10 possible duplicates), living in
        their own, non-staff household."""
        r, g = self.r, self.g
        n_new = max(1, self.staff // 100) if self.staff else 0
        for k in range(n_new):
            gender = r.choice(("F", "M"))
            first = r.choice(FIRST_F if gender == "F" else FIRST_M)
            last = r.choice(LAST)
            birth = g.date(1970, 2004)
            hire = {
                "number": str(10000 + self.staff + k),
                "first": first,
                "last": last,
                "gender": gender,
                "birth": birth,
                "ssn": g.ssn(),
                "addr": g.address(),
            }
            if k % 3 == 0:
                pid = self.new_person(
                    student_number=f"S{300000 + k}" if birth.year > 2000 else None,
                    birth_date=birth,
                    gender=gender,
                )
                self.identity(pid, last, first, None, None)
                hid = self.new_household(last, False, self.add_address(g.address()))
                self.members.append(
                    {"household_id": hid, "person_id": pid, "start_date": None, "end_date": None}
                )
                self.dirty["possibleDuplicates"] += 1
            self.new_hires.append(hire)
