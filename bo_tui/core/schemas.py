"""Pydantic models of the staff member payload of SPEC section 4 (field names exactly as
there) and ``parse_staff``, which turns a bad payload into errors per JSON path."""

from __future__ import annotations

import datetime as dt
import re
import types
import typing
from collections.abc import Mapping
from typing import Annotated, Any

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    Strict,
    TypeAdapter,
    ValidationError,
    with_config,
)
from typing_extensions import TypedDict

from .errors import FieldError, RuleViolation, json_path

_ISO_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
_DIGITS = re.compile(r"[0-9]+")  # ASCII digits only (str.isdigit also takes "²" and "٣")


def _iso_date(value: Any) -> Any:
    # Only ISO YYYY-MM-DD strings (or dates from Python callers): no epoch numbers, no
    # "12/26/1979", which lax pydantic would half-accept or misread.
    if value is None or isinstance(value, dt.date):
        return value
    if not isinstance(value, str) or not _ISO_DATE.match(value):
        raise ValueError("must be a date in the form YYYY-MM-DD")
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise ValueError("is not a real calendar date (YYYY-MM-DD)") from None


def _ssn(value: Any) -> Any:
    if value is None:
        return None
    if not isinstance(value, str):
        raise ValueError("must be a string of 9 digits (ddd-dd-dddd)")
    digits = value.replace("-", "").replace(" ", "")
    if len(digits) != 9 or not _DIGITS.fullmatch(digits):
        raise ValueError("must be 9 digits (ddd-dd-dddd)")
    return digits


def _staff_number(value: Any) -> Any:
    if isinstance(value, str):
        value = value.strip()
        if not value:
            raise ValueError("must not be empty")
        if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9\-_.]*", value):
            raise ValueError("must be alphanumeric (letters, digits, - _ .)")
    return value


IsoDate = Annotated[dt.date | None, BeforeValidator(_iso_date)]
Ssn = Annotated[str | None, BeforeValidator(_ssn)]
StaffNumber = Annotated[str, BeforeValidator(_staff_number), Field(max_length=40)]
Name = Annotated[str, Field(min_length=1, max_length=100)]
Text40 = Annotated[str | None, Field(max_length=40)]
Text100 = Annotated[str | None, Field(max_length=100)]
Text254 = Annotated[str | None, Field(max_length=254)]


class _Payload(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    def sent(self, name: str) -> bool:
        """Was ``name`` present in the payload (absent = leave as is; null = clear)?"""
        return name in self.model_fields_set


class AddressIn(_Payload):
    postOfficeBox: bool | None = None
    number: Text40 = None
    prefix: Text40 = None
    street: Text100 = None
    tag: Text40 = None
    direction: Text40 = None
    apt: Text40 = None
    city: Annotated[str | None, Field(max_length=60)] = None
    state: Annotated[str | None, Field(max_length=40)] = None
    zip: Annotated[str | None, Field(max_length=10)] = None
    county: Annotated[str | None, Field(max_length=60)] = None
    locationCode: Text40 = None
    tract: Text40 = None
    block: Text40 = None
    fullStreetAddress: Annotated[str | None, Field(max_length=200)] = None


class HouseholdLocationIn(_Payload):
    address: AddressIn | None = None
    mailing: bool | None = None
    physical: bool | None = None
    startDate: IsoDate = None


class HouseholdIn(_Payload):
    name: Annotated[str | None, Field(max_length=120)] = None
    householdLocations: Annotated[list[HouseholdLocationIn], Field(max_length=20)] = []


class EmploymentIn(_Payload):
    hireDate: IsoDate = None
    terminationDate: IsoDate = None


class PositionIn(_Payload):
    schoolNumber: Annotated[str | None, Field(max_length=20)] = None
    assignmentCode: Annotated[str | None, Field(max_length=20)] = None
    titleCode: Annotated[str | None, Field(max_length=40)] = None
    titleDescription: Annotated[str | None, Field(max_length=200)] = None
    startDate: IsoDate = None
    endDate: IsoDate = None


class StaffMemberIn(_Payload):
    """A staff member as the HR system sends it (create, update, sync transfer)."""

    staffNumber: StaffNumber | None = None
    lastName: Name | None = None
    firstName: Name | None = None
    middleName: Text100 = None
    gender: Annotated[str | None, Field(max_length=4)] = None
    ssn: Ssn = None
    birthDate: IsoDate = None
    workPhone: Text40 = None
    cellPhone: Text40 = None
    otherPhone: Text40 = None
    workEmail: Text254 = None
    personalEmail: Text254 = None
    employments: Annotated[list[EmploymentIn] | None, Field(max_length=100)] = None
    positions: Annotated[list[PositionIn] | None, Field(max_length=200)] = None
    household: HouseholdIn | None = None


_MESSAGES = {
    "missing": "is required",
    "extra_forbidden": "is not a field of this payload",
    "string_type": "must be a string",
    "bool_type": "must be true or false",
    "bool_parsing": "must be true or false",
    "list_type": "must be a JSON array",
    "model_type": "must be a JSON object",
    "model_attributes_type": "must be a JSON object",
    "dict_type": "must be a JSON object",
    "string_too_short": "must not be empty",
}


def _message(err: dict) -> str:
    kind = err["type"]
    if kind == "value_error":
        return str(err["ctx"]["error"])
    if kind in ("date_type", "date_parsing"):  # the JSON text schema's dates: as _iso_date says
        if "range" in str((err.get("ctx") or {}).get("error", "")):
            return "is not a real calendar date (YYYY-MM-DD)"
        return "must be a date in the form YYYY-MM-DD"
    if kind == "string_too_long":
        return f"must be at most {err['ctx']['max_length']} characters"
    if kind == "too_long":
        return f"must have at most {err['ctx']['max_length']} items"
    # pydantic's own text never contains the input value, but our fixed table reads better.
    return _MESSAGES.get(kind, err["msg"])


def validation_errors(exc: ValidationError, prefix: tuple = ()) -> list[FieldError]:
    """pydantic errors → FieldErrors with JSON paths; never the input value."""
    out = []
    for err in exc.errors(include_input=False, include_url=False):
        loc = prefix + tuple(err["loc"])
        out.append(FieldError(json_path(loc) or "body", _message(err), "schema"))
    return out


def parse_staff(data: Any, *, prefix: tuple = ()) -> StaffMemberIn:
    """Validate one staff member payload; RuleViolation with JSON paths on any error."""
    if not isinstance(data, dict):
        raise RuleViolation(
            [FieldError(json_path(prefix) or "body", "must be a JSON object", "schema")]
        )
    try:
        return StaffMemberIn.model_validate(data)
    except ValidationError as exc:
        raise RuleViolation(validation_errors(exc, prefix)) from None


# --- the same schema into plain dicts (a sync transfer's hot path) ---------------------------
#
# A pydantic model instance costs about as much to build as to validate; a whole district's
# transfer (R-SYNC-2) needs neither. Each payload model above is mirrored by a TypedDict with
# the same fields, constraints, validators and config (derived here, never written twice), so
# a record validates straight from its JSON text into dicts that hold exactly the keys that
# were sent: the same errors as ``parse_staff``, in about half the time.


def fields_of(payload: Any) -> Mapping[str, Any]:
    """The fields of a payload model or of its plain-dict form, read alike with ``.get``
    (a model's absent fields read as their defaults, a dict's as None)."""
    return payload if isinstance(payload, dict) else payload.__dict__


def _plain(tp: Any, text: bool) -> Any:
    if isinstance(tp, type) and issubclass(tp, BaseModel):
        return _typed_dict(tp, text)
    args = typing.get_args(tp)
    if not args:
        return tp
    inner = tuple(_plain(a, text) for a in args)
    origin = typing.get_origin(tp)
    if origin is typing.Union or origin is types.UnionType:
        return typing.Union[inner]  # noqa: UP007 - built from a tuple of types
    return origin[inner if len(inner) > 1 else inner[0]]


# From JSON text a date can only be a string or another JSON value, so pydantic's own strict
# date parsing (in Rust) does what ``_iso_date`` does, with the same messages (``_message``).
_TEXT_DATE = Annotated[dt.date | None, Strict()]
_TYPED: dict[tuple[type, bool], Any] = {}


def _typed_dict(model: type[BaseModel], text: bool = False) -> Any:
    """The TypedDict mirror of ``model``; ``text``: for validating JSON text."""
    if (model, text) not in _TYPED:
        fields = {}
        for name, f in model.model_fields.items():
            if text and any(getattr(m, "func", None) is _iso_date for m in f.metadata):
                fields[name] = _TEXT_DATE
            elif f.metadata:
                fields[name] = Annotated[(_plain(f.annotation, text), *f.metadata)]
            else:
                fields[name] = _plain(f.annotation, text)
        td = TypedDict(f"{model.__name__}Dict", fields, total=False)  # type: ignore[operator]
        _TYPED[model, text] = with_config(model.model_config)(td)
    return _TYPED[model, text]


_STAFF_RECORD = TypeAdapter(_typed_dict(StaffMemberIn))
_STAFF_TEXT = TypeAdapter(_typed_dict(StaffMemberIn, text=True))


class NotJson(ValueError):
    """A record text that is not valid JSON; ``line`` and ``column`` within the text."""

    def __init__(self, message: str, line: int, column: int):
        super().__init__(message)
        self.line, self.column = line, column


_AT = re.compile(r"(.*) at line (\d+) column (\d+)$")


def parse_staff_record(data: Any) -> dict[str, Any]:
    """``parse_staff`` into plain dicts that hold only the sent keys; ``data`` is a decoded
    payload or its UTF-8 JSON text (bytes). RuleViolation with the same errors; NotJson for a broken text."""
    try:
        if isinstance(data, bytes):
            return _STAFF_TEXT.validate_json(data)
        if not isinstance(data, dict):
            raise RuleViolation([FieldError("body", "must be a JSON object", "schema")])
        return _STAFF_RECORD.validate_python(data)
    except ValidationError as exc:
        first = exc.errors(include_input=False, include_url=False)[0]
        if first["type"] == "json_invalid":
            m = _AT.match(str(first["ctx"]["error"]))
            if m:
                raise NotJson(m.group(1), int(m.group(2)), int(m.group(3))) from None
            raise NotJson(str(first["ctx"]["error"]), 1, 1) from None
        if first["type"] == "dict_type" and not first["loc"]:
            raise RuleViolation([FieldError("body", "must be a JSON object", "schema")]) from None
        raise RuleViolation(validation_errors(exc)) from None


def parse_position(data: Any) -> PositionIn:
    if not isinstance(data, dict):
        raise RuleViolation([FieldError("body", "must be a JSON object", "schema")])
    try:
        return PositionIn.model_validate(data)
    except ValidationError as exc:
        raise RuleViolation(validation_errors(exc)) from None
