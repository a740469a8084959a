"""Reading request bodies ourselves (never FastAPI's 422, which echoes input): JSON decoded
with errors naming the field, strings checked for what no database can store."""

from __future__ import annotations

import json
import re
from typing import Any

from fastapi import Request

from ..core.errors import FieldError, json_path
from ..core.sync.batch_sizes import TRANSFER_MAX
from ..core.sync.hr_json import MAX_DEPTH
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


def _too_deep(value: Any, loc: tuple = (), depth: int = 0) -> tuple | None:
    """Where a decoded body nests deeper than MAX_DEPTH levels below its top (a staff member
    nests 5): the path of the first value too deep, or None."""
    if depth > MAX_DEPTH:
        return loc
    if isinstance(value, dict | list):
        items = value.items() if isinstance(value, dict) else enumerate(value)
        for k, v in items:
            if isinstance(v, dict | list):
                hit = _too_deep(v, (*loc, k), depth + 1)
                if hit is not None:
                    return hit
    return None


_BRACKETS = re.compile(rb'"(?:[^"\\]++|\\.)*+"|[\[\]{},]')


def _deep_element(raw: bytes) -> str:
    """The top-level element of a body too deep for the decoder (``[i]``), from its bytes."""
    depth, index = 0, 0
    for tok in _BRACKETS.finditer(raw):
        c = tok.group()
        if c in (b"[", b"{"):
            depth += 1
            if depth > MAX_DEPTH + 1:
                return f"[{index}]"
        elif c in (b"]", b"}"):
            depth -= 1
        elif c == b"," and depth == 1:
            index += 1
    return "body"


def _deep_error(path: str) -> ApiError:
    message = f"is nested deeper than the limit of {MAX_DEPTH} levels"
    return ApiError(400, f"{path}: {message}", [FieldError(path, message)])


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
    except UnicodeDecodeError as exc:
        raise field_error(
            400,
            "body",
            f"is not UTF-8: byte 0x{exc.object[exc.start]:02x} at byte offset {exc.start:,} "
            "cannot be read (send UTF-8 JSON, or UTF-16 with a byte order mark)",
        ) from None
    except RecursionError:
        raise _deep_error(_deep_element(raw)) from None
    except ValueError:
        raise field_error(400, "body", "is not valid JSON (a number too long)") from None
    deep = _too_deep(data)
    if deep is not None:
        raise _deep_error(json_path(deep) or "body")
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
