"""Field labels: how people read each staff field of the API payloads, in one table that the
screens, the report's exports and PDFs all use (R-SYNC-4's report, SPEC section 4's fields)."""

from __future__ import annotations

LABELS = {
    "staffNumber": "Staff Number",
    "name": "Name",
    "lastName": "Last Name",
    "firstName": "First Name",
    "middleName": "Middle Name",
    "gender": "Gender",
    "ssn": "SSN",
    "birthDate": "Birth Date",
    "workEmail": "Work Email",
    "personalEmail": "Personal Email",
    "workPhone": "Work Phone",
    "cellPhone": "Cell Phone",
    "otherPhone": "Other Phone",
    "studentNumber": "Student Number",
    "personId": "Campus person ID",
    "hireDate": "Hire/Start Date",
    "terminationDate": "Termination/End Date",
    "schoolNumber": "School Number",
    "assignmentCode": "Assignment",
    "titleCode": "Title Code",
    "startDate": "Start Date",
    "endDate": "End Date",
    "linked": "Linked",
    "address": "Address",
    "match": "Matched on",
    "system": "System",
    "differences": "Differences",
}
# Where a column is narrow (an 80-column terminal, a PDF cell), the same field in fewer letters.
SHORT_LABELS = {
    "middleName": "Middle",
    "gender": "G",
    "schoolNumber": "School",
    "studentNumber": "Student #",
    "personId": "Person ID",
}


def label(key: str) -> str:
    """The field's label (its key when it has none)."""
    return LABELS.get(key, key)


def short_label(key: str) -> str:
    return SHORT_LABELS.get(key) or label(key)
