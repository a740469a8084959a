"""Reading request bodies ourselves (never FastAPI's 422, which echoes input): JSON decoded
with errors naming the field, strings checked for what no database can store."""

from __future__ import annotations

import json
import re
from typing import Any

from fastapi import Request

from ..core.errors import FieldError, json_path
from ..core.sync.batch_sizes import TRANSFER_MAX
from .errors import ApiError, field_error

MAX_BODY = 10 * 1024 * 1024  # SPEC section 4: a body over 10 MB is 413
MAX_BATCH = TRANSFER_MAX  # SPEC section 4: a transfer batch over 1,000 records is 413
# NUL and lone surrogates: valid JSON, but no store (PostgreSQL, SQLite's UTF-8) takes them.
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def _find_unstorable(value: Any, loc: tuple = (), depth: int = 0) -> tuple | None:
    if depth > 64:
        return loc
    if isinstance(value, str):
        return loc if _UNSTORABLE.search(value) else None
    if isinstance(value, dict):
        for k, v in value.items():
            if _UNSTORABLE.search(k):
                return loc
            hit = _find_unstorable(v, (*loc, k), depth + 1)
            if hit is not None:
                return hit
    elif isinstance(value, list):
        for i, v in enumerate(value):
            hit = _find_unstorable(v, (*loc, i), depth + 1)
            if hit is not None:
                return hit
    return None


def check_text(name: str, value: str | None) -> None:
    """A query or path string with NUL or a lone surrogate: 400 naming the parameter."""
    if value is not None and _UNSTORABLE.search(value):
        raise field_error(
            400, name, "contains a character that is not allowed (NUL or a lone surrogate)"
        )


async def read_json(request: Request) -> Any:
    """The decoded JSON body; 400 naming ``body`` when it is empty or not JSON. The size limit
    is enforced by the boundary middleware while the bytes stream in."""
    raw = await request.body()
    if not raw.strip():
        raise field_error(400, "body", "the request body is empty: send a JSON document")
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise field_error(
            400, "body", f"is not valid JSON ({exc.msg} at line {exc.lineno}, column {exc.colno})"
        ) from None
    except UnicodeDecodeError:
        raise field_error(400, "body", "is not valid UTF-8 JSON") from None
    except (ValueError, RecursionError):
        raise field_error(
            400, "body", "is not valid JSON (too deeply nested or a number too long)"
        ) from None
    hit = _find_unstorable(data)
    if hit is not None:
        path = json_path(hit) or "body"
        raise ApiError(
            400,
            f"{path}: contains a character that is not allowed (NUL or a lone surrogate)",
            [
                FieldError(
                    path, "contains a character that is not allowed (NUL or a lone surrogate)"
                )
            ],
        )
    return data


def require_object(data: Any) -> dict:
    if not isinstance(data, dict):
        raise field_error(400, "body", "must be a JSON object")
    return data
