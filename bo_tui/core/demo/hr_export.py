"""The demo district's HR export (SPEC section 9, ``bo-tui demo --hr-out``): the HR system's view
of the same staff as a JSON file, with the drift a real sync meets (R-SYNC-4's differences)."""

# Draws come from the generator's one Random, after the Campus rows, in record order: the same
# seed writes the same file, byte for byte.

from __future__ import annotations

import datetime as dt
import json
import random
from collections.abc import Iterator

from ..person_fields import PLAIN
from .campus import Gen
from .names import DIR_WORDS, LAST, ORDINAL_WORDS, TAG_WORDS


def write_hr_export(
    path: str, campus_staff: list[dict], new_hires: list[dict], g: Gen, today: dt.date
) -> int:
    """The HR system's view of the same district: most Campus staff with realistic drift
    (renames, new e-mails and phones, terminations, moves, address spellings), new hires,
    and none of the dirty Campus numbers or long-gone staff. Returns the records written."""
    count = 0
    with open(path, "w", encoding="utf-8") as out:
        out.write("[\n")
        for rec in _records(campus_staff, new_hires, g, today):
            out.write(("" if count == 0 else ",\n") + json.dumps(rec, separators=(",", ":")))
            count += 1
        out.write("\n]\n")
    return count


def _records(
    campus_staff: list[dict], new_hires: list[dict], g: Gen, today: dt.date
) -> Iterator[dict]:
    for s in campus_staff:
        num = s["number"]
        if not num or not num.isdigit() or len(num) != 5:
            continue  # dirty Campus numbers: HR knows these people by other numbers
        if g.r.random() < 0.05:
            continue  # left the district years ago: Campus staff NOT in HR
        yield _staff_record(s, g, today)
    for h in new_hires:
        yield _new_hire_record(h, g, today)


def _staff_record(s: dict, g: Gen, today: dt.date) -> dict:
    r = g.r
    row = s["row"]
    rec: dict = {"staffNumber": s["number"], "lastName": s["last"], "firstName": s["first"]}
    if s["middle"]:
        rec["middleName"] = s["middle"]
    rec["gender"] = s["gender"]
    rec["ssn"] = s["ssn"] or g.ssn()  # HR has every SSN; Campus misses some
    if s["birth"]:
        rec["birthDate"] = s["birth"].isoformat()
    for key, col in PLAIN.items():
        if key != "birthDate" and row[col]:
            rec[key] = row[col]
    roll = r.random()
    if roll < 0.03:
        rec["lastName"] = r.choice(LAST)  # married: renamed in HR
    elif roll < 0.08:
        rec["workEmail"] = f"{s['first'].lower()}.{s['last'].lower()}@colecounty.k12.mo.us"
    elif roll < 0.11:
        rec["cellPhone"] = g.phone()
    rec["employments"] = _employments(s, r, today)
    rec["positions"] = _positions(s, g, today)
    addr = g.address() if r.random() < 0.02 else s["addr"]  # 2 % moved
    a = _full_address(addr, r) if r.random() < 0.4 else _components_payload(addr, r)
    rec["household"] = {"householdLocations": [{"address": a, "mailing": True, "physical": True}]}
    return rec


def _employments(s: dict, r: random.Random, today: dt.date) -> list[dict]:
    employments = [
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
        employments[-1]["terminationDate"] = (
            today - dt.timedelta(days=r.randrange(1, 60))
        ).isoformat()
    return employments


def _positions(s: dict, g: Gen, today: dt.date) -> list[dict]:
    pos = []
    for school, p in s["pos"]:
        item = {"schoolNumber": school, "startDate": p["start_date"].isoformat()}
        if p["assignment_code"]:
            item["assignmentCode"] = p["assignment_code"]
        if p["title_code"]:
            item["titleCode"] = p["title_code"]
        pos.append(item)
    if g.r.random() < 0.02:
        pos.append(
            {
                "schoolNumber": g.r.choice(g.schools),
                "assignmentCode": "20",
                "titleCode": "B00C0DE1",
                "titleDescription": "Instructional Coach",
                "startDate": today.isoformat(),
            }
        )
    return pos


def _new_hire_record(h: dict, g: Gen, today: dt.date) -> dict:
    r = g.r
    return {
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
        "household": {"householdLocations": [{"address": _full_address(h["addr"], r)}]},
    }


def _full_address(a: dict, r: random.Random) -> dict:
    """An address as one street line in an HR spelling, with city, state and zip."""
    return {
        "fullStreetAddress": _variant_full(a, r),
        "city": a["city"].title(),
        "state": "MO",
        "zip": a["zip"],
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
