"""Pydantic models of the support area (SPEC section 8): case input and the rows, details,
contacts, requests and reports that the services return (R-SUP-1 … R-SUP-8)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from ..errors import FieldError, RuleViolation
from ..schemas import validation_errors

# R-SUP-5: the statuses of a case, in the order a case usually moves through them.
NEW = "New"
ASSIGNED = "Assigned"
ASSIST_REQUEST = "Assist Request"
PENDING_INPUT = "Pending Customer Input"
PENDING_VERIFICATION = "Pending Customer Verification"
SCHEDULED = "Scheduled"
ASSIGNED_TO_DEVELOPMENT = "Assigned to Development"
CLOSED = "Closed"
STATUSES = (
    NEW,
    ASSIGNED,
    ASSIST_REQUEST,
    PENDING_INPUT,
    PENDING_VERIFICATION,
    SCHEDULED,
    ASSIGNED_TO_DEVELOPMENT,
    CLOSED,
)

PRIORITIES = ("Low", "Medium", "High", "Critical")
PRODUCT_AREAS = (
    "Business Office Integration",
    "Human Resources",
    "Census",
    "Scheduling",
    "Attendance",
    "Grading",
    "Finance",
    "State Reporting",
    "Technical / Server",
    "Other",
)

ROLES = ("support", "technical")

# R-SUP-6 update requests.
SANDBOX_REFRESH = "sandbox_refresh"
VERSION_UPDATE = "version_update"
REQUEST_KINDS = {SANDBOX_REFRESH: "Sandbox refresh", VERSION_UPDATE: "Campus version update"}
REQUESTED, REQ_SCHEDULED, COMPLETED, CANCELLED = "Requested", "Scheduled", "Completed", "Cancelled"
REQUEST_STATUSES = (REQUESTED, REQ_SCHEDULED, COMPLETED, CANCELLED)

FILTER_FIELDS = ("number", "subject", "status")
FILTER_OPS = {
    "equals": "equals",
    "not_equals": "not equals",
    "starts_with": "starts with",
    "ends_with": "ends with",
    "contains": "contains",
    "not_contains": "does not contain",
}
SORTS = ("-modified", "modified", "-created", "created", "number", "-number", "status", "subject")


class _Out(BaseModel):
    model_config = ConfigDict(frozen=True)


class CaseIn(BaseModel):
    """The new case form (R-SUP-5)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    subject: Annotated[str, Field(min_length=1, max_length=200)]
    productArea: str = "Business Office Integration"
    priority: str = "Medium"
    description: Annotated[str, Field(min_length=1, max_length=20000)]
    replicationSteps: Annotated[str, Field(max_length=20000)] = ""
    emergency: bool = False

    @field_validator("productArea")
    @classmethod
    def _area(cls, v: str) -> str:
        if v not in PRODUCT_AREAS:
            raise ValueError("must be one of: " + ", ".join(PRODUCT_AREAS))
        return v

    @field_validator("priority")
    @classmethod
    def _priority(cls, v: str) -> str:
        if v not in PRIORITIES:
            raise ValueError("must be one of: " + ", ".join(PRIORITIES))
        return v


def parse_case(data: Any) -> CaseIn:
    """A CaseIn from a dict (or a CaseIn); RuleViolation with JSON paths on any error."""
    if isinstance(data, CaseIn):
        return data
    if not isinstance(data, dict):
        raise RuleViolation([FieldError("body", "must be a JSON object", "schema")])
    try:
        return CaseIn.model_validate(data)
    except ValidationError as exc:
        raise RuleViolation(validation_errors(exc)) from None


class Condition(BaseModel):
    """One filter condition of the case list: ``field op value`` (case-insensitive)."""

    model_config = ConfigDict(frozen=True)

    field: Literal["number", "subject", "status"]
    op: Literal["equals", "not_equals", "starts_with", "ends_with", "contains", "not_contains"]
    value: str


class CaseFilter(BaseModel):
    """Every condition must hold (AND); ``open_only`` leaves Closed cases out."""

    model_config = ConfigDict(frozen=True)

    conditions: tuple[Condition, ...] = ()
    open_only: bool = False

    def describe(self) -> str:
        parts = [f"{c.field} {FILTER_OPS[c.op]} {c.value!r}" for c in self.conditions]
        if self.open_only:
            parts.append("open only")
        return " and ".join(parts) or "all cases"


class ContactOut(_Out):
    username: str
    name: str
    role: str
    introToSupport: bool
    campusFundamentals: bool
    createdAt: dt.datetime
    lastLoginAt: dt.datetime | None
    lastActivityAt: dt.datetime
    inactiveDays: int
    flagged: bool  # R-SUP-4: no login or case activity for 180 consecutive days
    deactivated: bool
    warnings: tuple[str, ...] = ()


class AccessOut(_Out):
    """What a user may do in the support area, for the screens to offer the right actions."""

    username: str
    name: str
    isContact: bool
    role: str | None
    canAct: bool  # an active authorized contact (R-SUP-2, R-SUP-4)
    isTechnical: bool
    isSupportStaff: bool
    reason: str | None  # why not, listing the authorized contacts (R-SUP-2)
    isUserAdmin: bool = False  # manages the authorized contacts (R-SUP-1)
    contacts: tuple[str, ...]


class CaseRow(_Out):
    number: str
    subject: str
    status: str
    priority: str
    productArea: str
    contact: str | None
    emergency: bool
    exception: bool
    awaitingTransition: bool
    createdAt: dt.datetime
    modifiedAt: dt.datetime
    closedAt: dt.datetime | None


class MessageOut(_Out):
    author: str
    side: str  # district | support | system
    kind: str
    body: str
    createdAt: dt.datetime


class CaseDetail(_Out):
    row: CaseRow
    description: str
    replicationSteps: str
    openedBy: str | None
    followUpsSent: int
    pendingSince: dt.datetime | None
    reopenUntil: dt.datetime | None  # R-SUP-8: last moment a closed case can be reopened
    messages: tuple[MessageOut, ...]


class FollowUpResult(_Out):
    followUps: int  # follow-up notes written by this run
    closed: tuple[str, ...]  # case numbers closed for no reply


class RequestOut(_Out):
    id: int
    kind: str
    kindLabel: str
    status: str
    requestedBy: str
    details: str
    targetVersion: str | None
    preferredDate: dt.date | None
    scheduledFor: dt.datetime | None
    requestedAt: dt.datetime
    updatedAt: dt.datetime
    completedAt: dt.datetime | None
    cancelledAt: dt.datetime | None


class CountRow(_Out):
    label: str
    count: int
    open: int = 0


class SupportReport(_Out):
    """R-SUP-5 reports: cases by status, by age bucket (open cases), by contact."""

    asOf: dt.datetime
    total: int
    byStatus: tuple[CountRow, ...]
    byAge: tuple[CountRow, ...]
    byContact: tuple[CountRow, ...]
