"""Response models of the API for its OpenAPI document (request bodies are the core's
``StaffMemberIn``/``PositionIn``, read and validated by the adapter itself)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict


class School(BaseModel):
    schoolNumber: str
    name: str


class CodeName(BaseModel):
    code: str
    name: str


class _Open(BaseModel):
    model_config = ConfigDict(extra="allow")


class Identity(_Open):
    lastName: str | None = None
    firstName: str | None = None
    middleName: str | None = None
    startDate: str | None = None
    endDate: str | None = None
    current: bool = False


class StaffMemberOut(_Open):
    """One staff member in the payload's shape plus ``identities``, ``linked`` on positions,
    ``memberCount`` on the household and ``addressId`` on addresses; the SSN masked."""

    staffNumber: str | None = None
    lastName: str | None = None
    firstName: str | None = None
    middleName: str | None = None
    gender: str | None = None
    ssn: str | None = None
    birthDate: str | None = None
    employments: list[dict[str, Any]] = []
    positions: list[dict[str, Any]] = []
    household: dict[str, Any] | None = None
    identities: list[Identity] = []


class StaffSummary(_Open):
    staffNumber: str | None = None
    lastName: str | None = None
    firstName: str | None = None
    birthDate: str | None = None


class StaffSearchOut(BaseModel):
    items: list[StaffSummary]
    offset: int
    limit: int
    total: int


class Warning(BaseModel):
    field: str
    message: str
    rule: str = ""


class StaffResultOut(_Open):
    """What a create or update did: areas changed and warnings (e.g. linked positions kept)."""

    staffNumber: str
    created: bool = False
    changes: list[str] = []
    warnings: list[Warning] = []
    titlesCreated: list[str] = []


class UpdatedOut(BaseModel):
    updated: int


class AddressOut(_Open):
    addressId: int
