"""The API's answers typed to their leaves for the OpenAPI contract of SPEC section 4 (R-DEMO-*,
R-POS-*, R-ADDR-6, R-SYNC-1..12): what an HR vendor's generated client reads back."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, Field

# Answers are built by FastAPI from these models: a key the core adds later is left out of
# the answer (never a 500), and every key a client reads is declared here with its type.


class School(BaseModel):
    schoolNumber: str
    name: str


class CodeName(BaseModel):
    code: str
    name: str


class IdentityOut(BaseModel):
    """One name of the staff member's history (R-DEMO-3); ``current`` marks today's."""

    lastName: str | None = None
    firstName: str | None = None
    middleName: str | None = None
    startDate: dt.date | None = None
    endDate: dt.date | None = None
    current: bool = False


class EmploymentOut(BaseModel):
    employmentId: int | None = None
    hireDate: dt.date | None = None
    terminationDate: dt.date | None = None


class PositionOut(BaseModel):
    """A district assignment; ``linked`` ones are kept by a complete-list update (R-POS-7)."""

    positionId: int | None = None
    schoolNumber: str | None = None
    assignmentCode: str | None = None
    titleCode: str | None = None
    titleDescription: str | None = None
    startDate: dt.date | None = None
    endDate: dt.date | None = None
    linked: bool = False


class AddressOut(BaseModel):
    """A Campus address in the payload's components (normalized, R-ADDR-3) with the
    ``addressId`` an HR system can reuse (R-ADDR-6)."""

    addressId: int
    postOfficeBox: bool = False
    number: str | None = None
    prefix: str | None = None
    street: str | None = None
    tag: str | None = None
    direction: str | None = None
    apt: str | None = None
    city: str | None = None
    state: str | None = None
    zip: str | None = None
    county: str | None = None
    locationCode: str | None = None
    tract: str | None = None
    block: str | None = None


class HouseholdLocationOut(BaseModel):
    address: AddressOut
    mailing: bool = False
    physical: bool = False
    startDate: dt.date | None = None
    endDate: dt.date | None = None


class HouseholdOut(BaseModel):
    """The staff member's current household; ``memberCount`` over 1 means a shared one, which
    the HR system's household data never changes (R-HH-3)."""

    householdId: int | None = None
    name: str | None = None
    staffHousehold: bool = False
    memberCount: int = 1
    householdLocations: list[HouseholdLocationOut] = []


class StaffMemberOut(BaseModel):
    """One staff member in the payload's shape plus ``identities``, ``linked`` on positions,
    ``memberCount`` on the household and ``addressId`` on addresses; the SSN masked."""

    staffNumber: str | None = None
    lastName: str | None = None
    firstName: str | None = None
    middleName: str | None = None
    gender: str | None = None
    ssn: str | None = Field(None, description="masked: ***-**-1234")
    birthDate: dt.date | None = None
    workPhone: str | None = None
    cellPhone: str | None = None
    otherPhone: str | None = None
    workEmail: str | None = None
    personalEmail: str | None = None
    hrManaged: bool = Field(False, description="synced from the HR system: read-only in Campus")
    employments: list[EmploymentOut] = []
    positions: list[PositionOut] = []
    household: HouseholdOut | None = None
    identities: list[IdentityOut] = []


class StaffSummary(BaseModel):
    """One row of a staff search (R-SRCH-1)."""

    staffNumber: str | None = None
    lastName: str | None = None
    firstName: str | None = None
    middleName: str | None = None
    gender: str | None = None
    birthDate: dt.date | None = None
    workEmail: str | None = None
    hrManaged: bool = False
    positionCount: int = 0


class StaffSearchOut(BaseModel):
    items: list[StaffSummary]
    offset: int
    limit: int
    total: int


class RuleWarningOut(BaseModel):
    """A warning the call carried out anyway (e.g. a linked position kept, R-POS-7)."""

    field: str
    message: str
    rule: str = ""


class StaffResultOut(BaseModel):
    """What a create or update did: areas changed and warnings (e.g. linked positions kept)."""

    staffNumber: str
    created: bool = False
    changes: list[str] = Field(
        [],
        description="areas changed: demographics, staffNumber, identity, employment, "
        "positions, household",
    )
    warnings: list[RuleWarningOut] = []
    titlesCreated: list[str] = Field([], description="unknown title codes created (R-POS-4)")


class UpdatedOut(BaseModel):
    updated: int = Field(description="how many positions matched and were updated (R-POS-5)")


# --- sync (SPEC section 6) -------------------------------------------------------------------


class SyncInfoOut(BaseModel):
    """The open (or last) sync: its state and counts."""

    syncId: int | None = None
    state: str = Field(
        description="none, transferring, transferred, validated, committing or committed"
    )
    startedBy: str | None = None
    startedAt: dt.datetime | None = None
    endedAt: dt.datetime | None = None
    validatedAt: dt.datetime | None = None
    committedAt: dt.datetime | None = None
    transferred: int = 0
    rejected: int = 0
    creates: int = 0
    changes: int = 0
    campusStaff: int = 0


class RecordErrorOut(BaseModel):
    """One error of a rejected record: its JSON path within the record, and why."""

    field: str = Field(description="JSON path within the record, e.g. positions[0].schoolNumber")
    message: str
    index: int | None = Field(None, description="the record's position in the batch")


class RejectedOut(BaseModel):
    """A rejected record with all of its format and rule errors at once."""

    staffNumber: str | None = None
    errors: list[RecordErrorOut]


class TransferOut(BaseModel):
    accepted: int
    rejected: list[RejectedOut]
    replaced: int = Field(
        0,
        description="accepted records replaced by a later copy of their staff number in the batch",
    )


class DemographicFieldCounts(BaseModel):
    ssn: int = 0
    staffNumber: int = 0
    name: int = 0
    gender: int = 0
    personalEmail: int = 0
    workEmail: int = 0
    cellPhone: int = 0
    otherPhone: int = 0
    workPhone: int = 0
    birthDate: int = 0


class DemographicCounts(BaseModel):
    total: int = Field(description="staff members with any demographic difference")
    fields: DemographicFieldCounts


class ReportSummary(BaseModel):
    """The counts of SPEC section 6, with exactly its keys."""

    demographicDifferences: DemographicCounts
    employmentDifferences: int = 0
    assignmentDifferences: int = 0
    addressDifferences: int = 0
    hrStaffNotInCampus: int = 0
    campusStaffNotInHr: int = 0
    campusDuplicateStaffNumbers: int = 0
    campusNoStaffNumber: int = 0
    willNotCommit: int | None = Field(
        None,
        description="HR records a commit would refuse (R-SYNC-12); null in a report made "
        "before this count existed",
    )
    hrDuplicateStaffNumbers: int | None = Field(
        None, description="staff numbers more than once in one HR file (the last copy staged)"
    )


class PersonSide(BaseModel):
    """A staff member as one side of a report row shows it (SSN masked)."""

    personId: int | None = Field(None, description="the Campus person (Campus side only)")
    staffNumber: str | None = None
    studentNumber: str | None = None
    lastName: str | None = None
    firstName: str | None = None
    middleName: str | None = None
    gender: str | None = None
    ssn: str | None = None
    birthDate: dt.date | None = None
    workPhone: str | None = None
    cellPhone: str | None = None
    otherPhone: str | None = None
    workEmail: str | None = None
    personalEmail: str | None = None


class EmploymentSide(BaseModel):
    hireDate: dt.date | None = None
    terminationDate: dt.date | None = None


class PositionSide(BaseModel):
    schoolNumber: str | None = None
    assignmentCode: str | None = None
    titleCode: str | None = None
    startDate: dt.date | None = None
    endDate: dt.date | None = None
    linked: bool | None = Field(None, description="Campus side only")


class AddressSide(BaseModel):
    address: str | None = Field(None, description="the HR address on one line")
    normalized: bool = False


class DemographicRow(BaseModel):
    staffNumber: str | None = None
    campus: PersonSide | None = None
    hr: PersonSide | None = None
    differences: list[str] = Field([], description="the differing fields, summary names")


class EmploymentRow(BaseModel):
    staffNumber: str | None = None
    lastName: str | None = None
    firstName: str | None = None
    campus: list[EmploymentSide] = []
    hr: list[EmploymentSide] = []


class AssignmentRow(BaseModel):
    staffNumber: str | None = None
    lastName: str | None = None
    firstName: str | None = None
    campus: list[PositionSide] = []
    hr: list[PositionSide] = []


class AddressRow(BaseModel):
    staffNumber: str | None = None
    lastName: str | None = None
    firstName: str | None = None
    hr: AddressSide | None = None


class StaffRow(BaseModel):
    """A row of the one-sided categories (HR staff not in Campus, Campus staff not in HR,
    duplicate and missing staff numbers) and of the possible duplicates (both sides)."""

    staffNumber: str | None = None
    campus: PersonSide | None = None
    hr: PersonSide | None = None
    match: str | None = Field(None, description="possible duplicates: what matched")


class WillNotCommitRow(BaseModel):
    staffNumber: str | None = None
    lastName: str | None = None
    firstName: str | None = None
    field: str | None = Field(None, description="the payload field the commit refuses")
    reason: str | None = None


class HrDuplicateRow(BaseModel):
    """A staff number more than once in one HR file (issue 18): the last copy was staged."""

    staffNumber: str | None = None
    file: str | None = None
    copies: int = 0
    lines: list[int | None] = Field([], description="the copies' lines (the first 20)")
    keptLine: int | None = Field(None, description="the line of the copy that was staged")
    differ: bool = Field(False, description="whether the copies' contents differ")


class ReportDetails(BaseModel):
    """Every row of every category (bo-tui shows all, never only the first 100)."""

    demographicDifferences: list[DemographicRow] = []
    employmentDifferences: list[EmploymentRow] = []
    assignmentDifferences: list[AssignmentRow] = []
    addressDifferences: list[AddressRow] = []
    hrStaffNotInCampus: list[StaffRow] = []
    campusStaffNotInHr: list[StaffRow] = []
    campusDuplicateStaffNumbers: list[StaffRow] = []
    campusNoStaffNumber: list[StaffRow] = []
    possibleDuplicates: list[StaffRow] = []
    willNotCommit: list[WillNotCommitRow] = []
    hrDuplicateStaffNumbers: list[HrDuplicateRow] = []


class ReportOut(BaseModel):
    """The validation report (R-SYNC-4): summary counts and, unless ``details=false``, rows."""

    syncId: int
    generatedAt: dt.datetime | None = None
    summary: ReportSummary
    details: ReportDetails | None = None


class FailureOut(BaseModel):
    staffNumber: str
    message: str


class CommitOut(BaseModel):
    """The commit's outcome: each staff member committed or failed (R-SYNC-5)."""

    jobId: int | None = None
    successes: list[str]
    failures: list[FailureOut]
    applied: int = 0
    skipped: int = Field(0, description="unchanged staff members, nothing to apply")
    held: list[str] = Field([], description="held back by the district's reviewer")


class JobIdOut(BaseModel):
    jobId: int


class JobStatusOut(BaseModel):
    jobId: int
    status: str = Field(description="pending, running, completed or failed")
    processed: int
    total: int
    failures: int
    startedAt: dt.datetime | None = None
    finishedAt: dt.datetime | None = None
    skipped: int = 0
    held: int = 0
    message: str | None = None


class SyncStatusOut(BaseModel):
    """``bo-tui sync status``: the sync and its last commit job."""

    sync: SyncInfoOut
    job: JobStatusOut | None = None
