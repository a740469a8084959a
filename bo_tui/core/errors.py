"""The core's error types: one ``RuleViolation`` carrying ``[{field, message, rule}]`` with JSON
paths such as ``positions[0].schoolNumber``. Messages never echo the offending value (PII)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass


@dataclass(frozen=True, slots=True)
class FieldError:
    field: str
    message: str
    rule: str = ""

    def as_dict(self) -> dict[str, str]:
        return asdict(self)


class CoreError(Exception):
    """Base of every error the core raises on purpose; ``message`` is safe to show."""

    status = 400

    def __init__(self, message: str, errors: Sequence[FieldError] = ()):
        super().__init__(message)
        self.message = message
        self.errors: list[FieldError] = list(errors)

    def as_dict(self) -> dict:
        return {
            "message": self.message,
            "errors": [{"field": e.field, "message": e.message} for e in self.errors],
        }


class RuleViolation(CoreError):
    """Bad data or a broken integration rule (HTTP 400, CLI exit 1)."""

    status = 400

    def __init__(self, errors: Iterable[FieldError], message: str | None = None):
        errs = list(errors)
        if message is None:
            message = errs[0].message if len(errs) == 1 else f"{len(errs)} fields are invalid"
        super().__init__(message, errs)


class NotFound(CoreError):
    """An unknown staff number or record (HTTP 404)."""

    status = 404


class Conflict(CoreError):
    """A create of an existing staffNumber, a sync call in the wrong state (HTTP 409)."""

    status = 409


class Forbidden(CoreError):
    """The acting user lacks the tool right, or the area is locked (R-PREF-1)."""

    status = 403


def json_path(loc: Iterable[str | int]) -> str:
    """``("positions", 0, "schoolNumber")`` → ``positions[0].schoolNumber``."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out
