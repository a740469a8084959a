"""The API's error answers: every 4xx as ``{"message", "errors": [{"field", "message"}]}``
(SPEC section 4), never echoing the input; FastAPI's 422 replaced by a 400 naming the field."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException

from ..core.errors import CoreError, FieldError, RuleViolation, json_path

_REASONS = {
    400: "bad request",
    401: "unauthorized",
    403: "forbidden",
    404: "not found",
    405: "method not allowed",
    409: "conflict",
    413: "request body too large",
    415: "unsupported media type",
    429: "too many requests",
    500: "internal error",
}


class FieldErrorOut(BaseModel):
    field: str
    message: str


class ErrorBody(BaseModel):
    """The error body of every 4xx (and of the 500 no input should ever cause)."""

    message: str
    errors: list[FieldErrorOut] = []


class ApiError(Exception):
    """An answer other than 2xx decided by the adapter itself (auth, body, limits)."""

    def __init__(
        self,
        status: int,
        message: str,
        errors: Sequence[FieldError] = (),
        headers: Mapping[str, str] | None = None,
        body: dict | None = None,
    ):
        super().__init__(message)
        self.status = status
        self.message = message
        self.errors = list(errors)
        self.headers = dict(headers or {})
        self.body = body

    def response(self) -> JSONResponse:
        body = self.body or error_body(self.message, self.errors)
        return JSONResponse(body, status_code=self.status, headers=self.headers)


def field_error(status: int, field: str, message: str, **kw) -> ApiError:
    return ApiError(
        status,
        message if field == "body" else f"{field}: {message}",
        [FieldError(field, message)],
        **kw,
    )


def error_body(message: str, errors: Sequence[FieldError] = ()) -> dict:
    return {
        "message": message,
        "errors": [{"field": e.field, "message": e.message} for e in errors],
    }


def _core_message(exc: CoreError) -> str:
    # A field's rule names the field ("birthDate: …"); a refusal (409, 403) is a whole sentence.
    if (
        isinstance(exc, RuleViolation)
        and len(exc.errors) == 1
        and exc.errors[0].message == exc.message
        and exc.errors[0].field
    ):
        return f"{exc.errors[0].field}: {exc.message}"
    return exc.message


async def on_core_error(_request: Request, exc: CoreError) -> JSONResponse:
    return JSONResponse(error_body(_core_message(exc), exc.errors), status_code=exc.status)


async def on_api_error(_request: Request, exc: ApiError) -> JSONResponse:
    return exc.response()


def _param_message(err: dict) -> str:
    kind, ctx = err.get("type", ""), err.get("ctx") or {}
    fixed = {
        "missing": "is required",
        "int_parsing": "must be a whole number",
        "int_type": "must be a whole number",
        "int_from_float": "must be a whole number",
        "string_type": "must be a string",
        "string_pattern_mismatch": "has characters that are not allowed",
        "string_too_short": "must not be empty",
    }
    if kind in fixed:
        return fixed[kind]
    if kind == "value_error":
        return str(ctx.get("error") or "is invalid")
    if kind == "greater_than_equal":
        return f"must be at least {ctx.get('ge')}"
    if kind == "less_than_equal":
        return f"must be at most {ctx.get('le')}"
    if kind == "string_too_long":
        return f"must be at most {ctx.get('max_length')} characters"
    # pydantic's own messages never contain the input value.
    return str(err.get("msg") or "is invalid")


async def on_validation_error(_request: Request, exc: RequestValidationError) -> JSONResponse:
    """Query and path parameters: 400 naming the parameter, never its value."""
    errors = []
    for err in exc.errors():
        loc = tuple(err.get("loc", ()))
        if loc and loc[0] in ("query", "path", "header", "body", "cookie"):
            loc = loc[1:]
        errors.append(FieldError(json_path(loc) or "request", _param_message(err)))
    message = (
        f"{errors[0].field}: {errors[0].message}"
        if len(errors) == 1
        else f"{len(errors)} parameters are invalid"
    )
    return JSONResponse(error_body(message, errors), status_code=400)


async def on_http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
    status = exc.status_code
    message = _REASONS.get(status, "request failed")
    if status == 404:
        message = "no such path in the Business Office Integration API"
    headers = dict(exc.headers or {})
    if status == 405:
        message = "this method is not allowed on this path"
        # Starlette names the methods of the first route only; a path may have several routes,
        # so the answer lists what the OpenAPI document says the path supports.
        methods = documented_methods(request.app, request.url.path)
        if methods:
            headers["Allow"] = ", ".join(methods)
    return JSONResponse(error_body(message), status_code=status, headers=headers)


def documented_methods(app, path: str) -> list[str]:
    try:
        paths = app.openapi().get("paths", {})
    except Exception:
        return []
    out: set[str] = set()
    for template, ops in paths.items():
        if re.fullmatch(re.sub(r"\\{[^/]+?\\}", "[^/]+", re.escape(template)), path):
            out |= {m.upper() for m in ops if m in ("get", "put", "post", "delete", "patch")}
    return sorted(out)


def install(app) -> None:
    app.add_exception_handler(CoreError, on_core_error)
    app.add_exception_handler(ApiError, on_api_error)
    app.add_exception_handler(RequestValidationError, on_validation_error)
    app.add_exception_handler(StarletteHTTPException, on_http_error)


def documented(*statuses: int) -> dict:
    """``responses=`` for a route: the error body under each status it can answer."""
    return {s: {"model": ErrorBody, "description": _REASONS.get(s, "error")} for s in statuses}
