"""OAuth2 client credentials (RFC 6749 §4.4, errors per §5.2) at ``POST /campus/oauth2/token``
and the bearer check (RFC 6750) every other route depends on (R-CRED-1..3)."""

from __future__ import annotations

import base64
import binascii
import json
import math
from urllib.parse import parse_qsl, unquote_plus

import anyio
from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from ..core import credentials as cred
from .errors import ApiError, ErrorBody

router = APIRouter()
MAX_TOKEN_BODY = 16 * 1024


class TokenOut(BaseModel):
    access_token: str
    token_type: str = "Bearer"
    expires_in: int


class OAuthError(ErrorBody):
    """RFC 6749 §5.2 fields, plus the SPEC's ``message``/``errors``."""

    error: str
    error_description: str


_NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}


def oauth_error(status: int, error: str, description: str, headers: dict | None = None) -> ApiError:
    body = {"error": error, "error_description": description, "message": description, "errors": []}
    return ApiError(status, description, headers={**_NO_STORE, **(headers or {})}, body=body)


def _params(raw: bytes, content_type: str) -> dict[str, str]:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise oauth_error(400, "invalid_request", "the request body is not UTF-8") from None
    if "json" in content_type:
        try:
            doc = json.loads(text) if text.strip() else {}
        except (ValueError, RecursionError):
            raise oauth_error(
                400, "invalid_request", "the request body is not valid JSON"
            ) from None
        if not isinstance(doc, dict) or not all(isinstance(v, str) for v in doc.values()):
            raise oauth_error(400, "invalid_request", "send the parameters as form fields")
        return doc
    pairs = parse_qsl(text, keep_blank_values=True)
    params: dict[str, str] = {}
    for key, value in pairs:
        if key in params:
            raise oauth_error(400, "invalid_request", f"the parameter {key} is sent more than once")
        params[key] = value
    return params


def _basic(header: str) -> tuple[str, str]:
    try:
        decoded = base64.b64decode(header.strip(), validate=True).decode("utf-8")
    except (binascii.Error, ValueError):
        raise _invalid_client(basic=True) from None
    if ":" not in decoded:
        raise _invalid_client(basic=True)
    client_id, secret = decoded.split(":", 1)
    # RFC 6749 §2.3.1: both are form-urlencoded before they are joined.
    return unquote_plus(client_id), unquote_plus(secret)


def _invalid_client(basic: bool = False) -> ApiError:
    # One answer for an unknown client and a wrong secret: nothing tells them apart.
    headers = {"WWW-Authenticate": 'Basic realm="businessOfficeIntegration"'} if basic else None
    return oauth_error(401, "invalid_client", "client authentication failed", headers)


TOKEN_OPENAPI = {
    "parameters": [
        {
            "name": "appName",
            "in": "query",
            "required": True,
            "description": "the district's application name, e.g. 7634-MO",
            "schema": {"type": "string", "maxLength": 80},
        }
    ],
    "requestBody": {
        "required": True,
        "content": {
            "application/x-www-form-urlencoded": {
                "schema": {
                    "type": "object",
                    "required": ["grant_type"],
                    "properties": {
                        "grant_type": {"type": "string", "enum": ["client_credentials"]},
                        "client_id": {"type": "string", "maxLength": 200},
                        "client_secret": {"type": "string", "maxLength": 200},
                    },
                },
                "example": {
                    "grant_type": "client_credentials",
                    "client_id": "the Client ID of bo-tui credentials",
                    "client_secret": "the secret of bo-tui credentials --reveal",
                },
            }
        },
    },
}


def _credentials(
    params: dict, auth: str | None
) -> tuple[tuple[str, str] | None, str | None, str | None]:
    """(Basic pair or None, client id, secret): from HTTP Basic or the form, never both."""
    basic = None
    if auth:
        scheme, _, rest = auth.partition(" ")
        if scheme.lower() != "basic":
            raise oauth_error(
                400, "invalid_request", "use HTTP Basic or form fields for the client credentials"
            )
        basic = _basic(rest)
    if basic and ("client_id" in params or "client_secret" in params):
        raise oauth_error(
            400, "invalid_request", "send the client credentials one way only (Basic or form)"
        )
    client_id, secret = basic or (params.get("client_id"), params.get("client_secret"))
    return basic, client_id, secret


@router.post(
    cred.TOKEN_PATH,
    operation_id="token",
    response_model=TokenOut,
    tags=["OAuth2"],
    summary="Get an access token (client credentials)",
    responses={
        400: {"model": OAuthError, "description": "invalid_request, unsupported_grant_type"},
        401: {"model": OAuthError, "description": "invalid_client"},
        413: {"model": ErrorBody, "description": "request body too large"},
        429: {
            "model": OAuthError,
            "description": "too many failed attempts: wait Retry-After seconds",
            "headers": {"Retry-After": {"schema": {"type": "integer"}}},
        },
    },
    openapi_extra=TOKEN_OPENAPI,
)
async def token(request: Request):
    """RFC 6749 §4.4: ``grant_type=client_credentials`` with the client id and secret in the
    form body or in HTTP Basic; an opaque bearer token valid for ``expires_in`` seconds."""
    store = request.app.state.store
    throttle: cred.FailureThrottle = request.app.state.throttle
    raw = bytearray()
    async for chunk in request.stream():
        raw.extend(chunk)
        if len(raw) > MAX_TOKEN_BODY:
            raise oauth_error(
                400, "invalid_request", "the request body is too long for a token request"
            )
    params = _params(bytes(raw), request.headers.get("content-type", ""))
    basic, client_id, secret = _credentials(params, request.headers.get("authorization"))

    address = request.client.host if request.client else "?"
    # A hash keeps the throttle's memory small whatever length of client id is sent.
    keys = [f"addr:{address}"] + (
        [f"client:{cred.sha256_hex(client_id)[:32]}"] if client_id else []
    )
    wait = throttle.retry_after(*keys)
    if wait > 0:
        raise oauth_error(
            429,
            "too_many_requests",
            f"too many failed attempts; try again in {math.ceil(wait)} seconds",
            {"Retry-After": str(math.ceil(wait))},
        )

    grant = params.get("grant_type")
    if not grant:
        raise oauth_error(400, "invalid_request", "grant_type is required (client_credentials)")
    if grant != "client_credentials":
        raise oauth_error(
            400, "unsupported_grant_type", "only grant_type=client_credentials is supported"
        )
    app_name = request.query_params.get("appName")
    if not app_name:
        raise oauth_error(
            400, "invalid_request", "appName is required in the query, e.g. ?appName=7634-MO"
        )
    if not client_id or secret is None:
        throttle.failed(*keys)
        raise _invalid_client(basic=basic is not None)

    def issue():
        with store.transaction() as session:
            expected = cred.app_name(session)
            if expected is None or app_name.casefold() != expected.casefold():
                return "app"
            client = cred.authenticate_client(session, client_id, secret)
            if client is None:
                return None
            return cred.issue_token(session, client)

    issued = await anyio.to_thread.run_sync(issue)
    if issued == "app":
        raise oauth_error(400, "invalid_request", "appName is not this district's application name")
    if issued is None:
        throttle.failed(*keys)
        raise _invalid_client(basic=basic is not None)
    throttle.succeeded(*keys)
    return JSONResponse(issued.model_dump(), headers=_NO_STORE)


async def require_token(request: Request) -> None:
    """RFC 6750: 401 with ``WWW-Authenticate: Bearer`` when no token is sent, and with
    ``error="invalid_token"`` when it is malformed, unknown, expired or of a rotated secret."""
    auth = request.headers.get("authorization")
    if not auth:
        raise ApiError(
            401,
            "an access token is required in the Authorization header (Bearer scheme); get one at the token URL",
            headers={"WWW-Authenticate": "Bearer"},
        )
    scheme, _, token = auth.partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token:
        ok = False
    else:
        store = request.app.state.store

        def check() -> bool:
            with store.session() as session:
                return cred.check_token(session, token)

        ok = await anyio.to_thread.run_sync(check)
    if not ok:
        raise ApiError(
            401,
            "the access token is invalid, expired or was revoked by a new client secret",
            headers={"WWW-Authenticate": 'Bearer error="invalid_token"'},
        )
