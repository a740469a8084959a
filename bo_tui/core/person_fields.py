"""A staff member's person fields as the HR payload names them (SPEC section 4, R-DEMO-1..3):
one list, with each plain field's column in ``persons``, for the staff rules, edits and sync."""

from __future__ import annotations

# The names: kept on the person's identity (R-DEMO-3), as these columns of ``identities``.
NAMES: dict[str, str] = {
    "lastName": "last_name",
    "firstName": "first_name",
    "middleName": "middle_name",
}
# The plain fields: stored as sent, each in its own ``persons`` column (no rule maps them).
PLAIN: dict[str, str] = {
    "birthDate": "birth_date",
    "workPhone": "work_phone",
    "cellPhone": "cell_phone",
    "otherPhone": "other_phone",
    "workEmail": "work_email",
    "personalEmail": "personal_email",
}
# The Staff Demographics area (R-PREF-1): the gender (a Campus code), the SSN (kept encrypted
# with its hash) and the plain fields.
DEMOGRAPHICS: tuple[str, ...] = ("gender", "ssn", *PLAIN)
# Every person field of the payload, in the payload's (and the HR CSV header's) order.
PERSON_KEYS: tuple[str, ...] = ("staffNumber", *NAMES, *DEMOGRAPHICS)
