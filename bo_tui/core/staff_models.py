"""Result models of the staff services (R-DEMO-*, R-POS-*, R-HH-*): warnings that travel in the
result (R-POS-7 linked positions kept, R-HH-3/R-HH-4 household ignored) and change summaries."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field

# Areas of a staff member a call can change; the notification (R-NOTE-1) and sync code read them.
Area = Literal["demographics", "staffNumber", "identity", "employment", "positions", "household"]
AREAS: tuple[str, ...] = (
    "demographics",
    "staffNumber",
    "identity",
    "employment",
    "positions",
    "household",
)


class RuleWarning(BaseModel):
    field: str
    message: str
    rule: str = ""


class StaffResult(BaseModel):
    """What a create or update did: who, which areas changed, and the warnings."""

    staffNumber: str
    personId: int
    created: bool = False
    changes: list[Area] = Field(default_factory=list)
    warnings: list[RuleWarning] = Field(default_factory=list)
    titlesCreated: list[str] = Field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.changes) or self.created

    def mark(self, area: str) -> None:
        if area not in self.changes:
            self.changes.append(area)  # type: ignore[arg-type]

    def warn(self, field: str, message: str, rule: str) -> None:
        self.warnings.append(RuleWarning(field=field, message=message, rule=rule))


class StaffSummary(BaseModel):
    """One row of a staff search (R-SRCH-1)."""

    personId: int
    staffNumber: str | None
    lastName: str | None
    firstName: str | None
    middleName: str | None
    gender: str | None
    birthDate: str | None
    workEmail: str | None
    hrManaged: bool
    positionCount: int


class StaffPage(BaseModel):
    items: list[StaffSummary]
    offset: int
    limit: int


class CombinePreview(BaseModel):
    """What Combine Person would move from the other person to the base person."""

    basePersonId: int
    otherPersonId: int
    baseName: str
    otherName: str
    employments: int = 0
    positions: int = 0
    householdMemberships: int = 0
    users: int = 0
    identitiesDropped: int = 0
    fieldsFilled: list[str] = Field(default_factory=list)
    warnings: list[RuleWarning] = Field(default_factory=list)
    applied: bool = False

    def as_dict(self) -> dict[str, Any]:
        return self.model_dump()


__all__ = [
    "AREAS",
    "Area",
    "CombinePreview",
    "RuleWarning",
    "StaffPage",
    "StaffResult",
    "StaffSummary",
]
