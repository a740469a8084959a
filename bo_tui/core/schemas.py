"""Pydantic models of the staff member payload of SPEC section 4 (field names exactly as
there, R-DEMO-5 phone and e-mail forms) and ``parse_staff``: every format error per JSON path."""

from __future__ import annotations

import copy
import datetime as dt
import json
import re
import types
import typing
from collections.abc import Callable, Mapping
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

from .errors import CoreError, FieldError, RuleViolation, json_path

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
    digits = value.strip().replace("-", "").replace(" ", "")
    if len(digits) != 9 or not _DIGITS.fullmatch(digits):
        raise ValueError("must be 9 digits (ddd-dd-dddd)")
    return digits


def _staff_number(value: Any) -> Any:
    if isinstance(value, str):
        if len(value) > 40:  # as sent: the document's maxLength counts every character
            raise ValueError("must be at most 40 characters")
        value = value.strip()
        if not value:
            raise ValueError("must not be empty")
        if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9\-_.]*", value):
            raise ValueError("must be alphanumeric (letters, digits, - _ .)")
    return value


# R-DEMO-5: a North American number, 10 digits with an optional leading 1, in the usual
# spellings (573-555-0142, (573) 555-0142, 573.555.0142, +1 573 555 0142), an optional extension
# (x6033, ext. 6033); an e-mail local@domain.tld without spaces. Plain regular expressions, so
# pydantic (Rust), the OpenAPI document (ECMA) and test generators (Python) read them alike:
# no \s, which each of them reads differently, but the whitespace that the payload's trimming
# drops, spelled out (pydantic trims Unicode White_Space; str.strip also \x1c-\x1f).
WS = r"\t\n\x0b\f\r \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
PY_WS = WS + r"\x1c-\x1f"
PHONE_PATTERN = (
    r"^(?:\+?1[-. ]?)?(?:\([0-9]{3}\)|[0-9]{3})[-. ]?[0-9]{3}[-. ]?[0-9]{4}"
    r"(?: ?(?:[xX]|[eE][xX][tT]\.?) ?[0-9]{1,6})?$"
)
EMAIL_PATTERN = rf"^[^@{WS}]+@[^@{WS}.]+(?:\.[^@{WS}.]+)+$"
PHONE_FORM = (
    "must be a North American phone number: 10 digits, an optional leading 1, "
    "e.g. 573-555-0142, (573) 555-0142 or +1 573 555 0142, optionally with x6033 or ext. 6033"
)
EMAIL_FORM = "must be an e-mail address local@domain.tld, without spaces"
_PATTERN_FORMS = {PHONE_PATTERN: PHONE_FORM, EMAIL_PATTERN: EMAIL_FORM}

IsoDate = Annotated[dt.date | None, BeforeValidator(_iso_date)]
# The SSN's form as _ssn reads it (nine digits; dashes and spaces anywhere are dropped).
SSN_FORM = rf"^[{PY_WS}]*[- ]*(?:[0-9][- ]*){{9}}[{PY_WS}]*$"
Ssn = Annotated[
    str | None,
    BeforeValidator(_ssn),
    Field(description="9 digits, ddd-dd-dddd", json_schema_extra={"pattern": SSN_FORM}),
]
StaffNumber = Annotated[str, BeforeValidator(_staff_number), Field(max_length=40)]
Name = Annotated[str, Field(min_length=1, max_length=100)]
Text40 = Annotated[str | None, Field(max_length=40)]
Text100 = Annotated[str | None, Field(max_length=100)]
Text254 = Annotated[str | None, Field(max_length=254)]
Phone = Annotated[
    str | None, Field(max_length=40, pattern=PHONE_PATTERN, description="R-DEMO-5: " + PHONE_FORM)
]
Email = Annotated[
    str | None, Field(max_length=254, pattern=EMAIL_PATTERN, description="R-DEMO-5: " + EMAIL_FORM)
]


# --- the contract's forms (the OpenAPI document) ---------------------------------------------
#
# Validation reads every payload with the models below (absent = leave as is), and the rules
# say what a create needs (R-DEMO-1, R-POS-3, R-HH-1, R-ADDR-1/2). The document says the same
# to a generated client: these edits of the models' JSON schemas mark what is required, what
# cannot be null and which shapes an address takes; they change no validation.

_NON_BLANK = {"pattern": f"[^{WS}]"}  # values are trimmed: blank is empty
# Trimmed as _staff_number does (str.strip).
STAFF_NUMBER_FORM = rf"^[{PY_WS}]*[A-Za-z0-9][A-Za-z0-9\-_.]*[{PY_WS}]*$"


def _non_null(prop: dict) -> dict:
    prop = dict(prop)
    prop.pop("default", None)
    kinds = [k for k in prop.pop("anyOf", []) if k.get("type") != "null"]
    if len(kinds) == 1:
        prop = {**kinds[0], **prop}
    elif kinds:
        prop["anyOf"] = kinds
    return prop


def _form(required: tuple = (), not_null: tuple = (), more: dict | None = None, **extra):
    def edit(schema: dict, _cls: Any) -> None:
        props = schema["properties"]
        for name in (*required, *not_null):
            props[name] = _non_null(props[name])
        for name, keys in (more or {}).items():
            props[name].update(keys)
        if required:
            schema["required"] = list(required)
        schema.update(extra)

    return edit


def _code(name: str) -> dict:
    return {"required": [name], "properties": {name: {"type": "string", **_NON_BLANK}}}


class _Payload(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    def sent(self, name: str) -> bool:
        """Was ``name`` present in the payload (absent = leave as is; null = clear)?"""
        return name in self.model_fields_set


# An address value counts as sent when str.strip leaves something (addresses' _sent).
_NOT_SENT = {"anyOf": [{"type": "null"}, {"type": "string", "pattern": f"^[{PY_WS}]*$"}]}
_SENT = {"type": "string", "pattern": f"[^{PY_WS}]"}
_STREET = ("number", "prefix", "street", "tag", "direction", "apt")
# R-ADDR-1/2: a fullStreetAddress and no street components; or components with a street; or a
# PO box with city, state and zip, and its number (or a fullStreetAddress such as "P.O. Box
# 125") and no other street component. Inside allOf, so generated clients keep one Address
# class with every field.
_NOT_PO = {"postOfficeBox": {"enum": [False, None]}}
_PO_PLACE = {k: _SENT for k in ("city", "state", "zip")}
ADDRESS_SHAPES = [
    {
        "title": "full street address",
        "required": ["fullStreetAddress"],
        "properties": {"fullStreetAddress": _SENT, **_NOT_PO, **{k: _NOT_SENT for k in _STREET}},
    },
    {
        "title": "street components",
        "required": ["street"],
        "properties": {"street": _SENT, "fullStreetAddress": _NOT_SENT, **_NOT_PO},
    },
    {
        "title": "PO box",
        "required": ["postOfficeBox", "number", "city", "state", "zip"],
        "properties": {
            "postOfficeBox": {"const": True},
            "number": _SENT,
            "fullStreetAddress": _NOT_SENT,
            **_PO_PLACE,
            **{k: _NOT_SENT for k in _STREET if k != "number"},
        },
    },
    {
        "title": "PO box as one line",
        "required": ["postOfficeBox", "fullStreetAddress", "city", "state", "zip"],
        "properties": {
            "postOfficeBox": {"const": True},
            "fullStreetAddress": _SENT,
            **_PO_PLACE,
            **{k: _NOT_SENT for k in _STREET},
        },
    },
]


class AddressIn(_Payload):
    """An address: a fullStreetAddress, or street components, or a PO box (R-ADDR-1/2)."""

    model_config = ConfigDict(json_schema_extra=_form(allOf=[{"oneOf": ADDRESS_SHAPES}]))

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
    model_config = ConfigDict(json_schema_extra=_form(("address",)))  # R-HH-1

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
    workPhone: Phone = None
    cellPhone: Phone = None
    otherPhone: Phone = None
    workEmail: Email = None
    personalEmail: Email = None
    employments: Annotated[list[EmploymentIn] | None, Field(max_length=100)] = None
    positions: Annotated[list[PositionIn] | None, Field(max_length=200)] = None
    household: HouseholdIn | None = None


# --- the contract's create and update forms -------------------------------------------------


class Position(PositionIn):
    """A position to add, to send in a staff member's list, or to match for an update
    (R-POS-3, R-POS-5): schoolNumber, startDate, and titleCode or assignmentCode."""

    model_config = ConfigDict(
        json_schema_extra=_form(
            ("schoolNumber", "startDate"),
            more={"schoolNumber": _NON_BLANK},
            # Inside allOf, so generated clients keep one Position class with its fields.
            allOf=[{"anyOf": [_code("titleCode"), _code("assignmentCode")]}],
        )
    )


_NAMES = {
    "staffNumber": {"pattern": STAFF_NUMBER_FORM},
    "lastName": _NON_BLANK,
    "firstName": _NON_BLANK,
}


class StaffMemberCreate(StaffMemberIn):
    """A staff member to create (R-DEMO-1: staffNumber, lastName and firstName required), also
    each record of a sync transfer (R-SYNC-2)."""

    model_config = ConfigDict(
        json_schema_extra=_form(("staffNumber", "lastName", "firstName"), more=_NAMES)
    )
    positions: Annotated[list[Position] | None, Field(max_length=200)] = None


class StaffMemberUpdate(StaffMemberIn):
    """An update: an absent key leaves a value as it is, null clears it; staffNumber, lastName
    and firstName cannot be cleared, and staffNumber, when sent, is the path's (any case)."""

    model_config = ConfigDict(
        json_schema_extra=_form(not_null=("staffNumber", "lastName", "firstName"), more=_NAMES)
    )
    positions: Annotated[list[Position] | None, Field(max_length=200)] = None


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
    if kind == "string_pattern_mismatch":
        return _PATTERN_FORMS.get(str((err.get("ctx") or {}).get("pattern")), "has a wrong form")
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


class FormatErrors(RuleViolation):
    """Every format error of a payload, and ``partial``: the payload validated without the
    values in error (None when nothing is left), so that the rules still check the rest and
    one answer carries all of a record's errors (SPEC section 4)."""

    def __init__(self, errors: list[FieldError], partial: Any = None):
        super().__init__(errors)
        self.partial = partial


def _pruned(data: Any, exc: ValidationError) -> Any:
    """A copy of ``data`` without the values pydantic refused; a list item in error becomes
    an empty object, so the items after it keep their JSON paths."""
    out = copy.deepcopy(data)
    for err in exc.errors(include_input=False, include_url=False):
        loc = err["loc"]
        if not loc:
            return None
        parent = out
        for part in loc[:-1]:
            try:
                parent = parent[part]
            except (KeyError, IndexError, TypeError):
                parent = None
                break
        last = loc[-1]
        if isinstance(parent, dict):
            parent.pop(last, None)
        elif isinstance(parent, list) and isinstance(last, int) and 0 <= last < len(parent):
            parent[last] = {}
    return out


def _format_errors(
    exc: ValidationError, data: Any, validate: Any, prefix: tuple = ()
) -> FormatErrors:
    partial = None
    pruned = _pruned(data, exc)
    if pruned is not None:
        try:
            partial = validate(pruned)
        except ValidationError:
            partial = None
    return FormatErrors(validation_errors(exc, prefix), partial)


def merge_errors(
    format_errors: list[FieldError], rule_errors: list[FieldError]
) -> list[FieldError]:
    """The format errors, then the rule errors of the fields without one: a value in error
    was left out of the rule check, which would only add that it is missing."""
    paths = [e.field for e in format_errors]

    def covered(field: str) -> bool:
        return any(
            field == p or field.startswith(p + ".") or field.startswith(p + "[") for p in paths
        )

    return [*format_errors, *(e for e in rule_errors if not covered(e.field))]


def partial_payload(parse: Callable[[Any], Any], data: Any) -> tuple[Any, list[FieldError]]:
    """The payload and its format errors; when it has some, the payload without the values
    in error, which the service's rules still check (FormatErrors when nothing is left)."""
    try:
        return parse(data), []
    except FormatErrors as exc:
        if exc.partial is None:
            raise
        return exc.partial, exc.errors


def with_format_errors(
    fn: Callable[..., Any], format_errors: list[FieldError]
) -> Callable[..., Any]:
    """``fn`` (a service that checks all its rules before it writes) with the payload's format
    errors joined to its rule errors: one answer with every error of the payload (SPEC section
    4). A payload with format errors is never applied: raising rolls the transaction back."""

    def work(session, *args):
        try:
            result = fn(session, *args)
        except RuleViolation as exc:
            if not format_errors:
                raise
            raise RuleViolation(merge_errors(format_errors, exc.errors)) from None
        except CoreError:
            if not format_errors:
                raise
            raise RuleViolation(format_errors) from None  # the payload's errors come first
        if format_errors:
            raise RuleViolation(format_errors)
        return result

    return work


def parse_staff(data: Any, *, prefix: tuple = ()) -> StaffMemberIn:
    """Validate one staff member payload; FormatErrors (a RuleViolation) with JSON paths and
    the partial payload on any error."""
    if not isinstance(data, dict):
        raise FormatErrors(
            [FieldError(json_path(prefix) or "body", "must be a JSON object", "schema")]
        )
    try:
        return StaffMemberIn.model_validate(data)
    except ValidationError as exc:
        raise _format_errors(exc, data, StaffMemberIn.model_validate, prefix) from None


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
            raise FormatErrors([FieldError("body", "must be a JSON object", "schema")])
        return _STAFF_RECORD.validate_python(data)
    except ValidationError as exc:
        first = exc.errors(include_input=False, include_url=False)[0]
        if first["type"] == "json_invalid":
            m = _AT.match(str(first["ctx"]["error"]))
            if m:
                raise NotJson(m.group(1), int(m.group(2)), int(m.group(3))) from None
            raise NotJson(str(first["ctx"]["error"]), 1, 1) from None
        if first["type"] == "dict_type" and not first["loc"]:
            raise FormatErrors([FieldError("body", "must be a JSON object", "schema")]) from None
        # Only a rejected record pays for this: its values in error left out, the rest kept
        # for the rule check (one answer with every error of the record).
        decoded = json.loads(data) if isinstance(data, bytes) else data
        raise _format_errors(exc, decoded, _STAFF_RECORD.validate_python) from None


def parse_position(data: Any) -> PositionIn:
    if not isinstance(data, dict):
        raise FormatErrors([FieldError("body", "must be a JSON object", "schema")])
    try:
        return PositionIn.model_validate(data)
    except ValidationError as exc:
        raise _format_errors(exc, data, PositionIn.model_validate) from None
