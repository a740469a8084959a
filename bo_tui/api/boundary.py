"""The outermost guard of the API (pure ASGI): body limit by Content-Length and by counted
bytes (413), the error log entry of every failed call (R-LOG-1, payload redacted) and a
500 without any detail for a true bug, never a traceback or input in the answer."""

from __future__ import annotations

import json
import logging
import time
import traceback

import anyio

from ..core import errorlog
from ..core.redact import redact_text
from ..store import is_busy
from .body import MAX_BODY

log = logging.getLogger("bo_tui.api")
_CAPTURE = 1024 * 1024  # bytes of a failed request's body kept for its (redacted) log entry


class BodyTooLarge(Exception):
    pass


def _json_response(
    status: int, message: str, headers: list | None = None, field: str | None = None
) -> tuple[dict, dict]:
    errors = [{"field": field, "message": message}] if field else []
    body = json.dumps({"message": message, "errors": errors}).encode()
    start = {
        "type": "http.response.start",
        "status": status,
        "headers": [
            (b"content-type", b"application/json"),
            (b"content-length", str(len(body)).encode()),
        ]
        + (headers or []),
    }
    return start, {"type": "http.response.body", "body": body}


# Failures anyone can cause without a token: their log entries are capped per address, so a
# scanner or a flood cannot grow the error log without bound (in memory, per process).
_CAPPED = {401, 404, 405, 413, 429}
_CAP_PER_WINDOW, _WINDOW = 120, 60.0


class _LogCap:
    def __init__(self) -> None:
        self.windows: dict[str, tuple[float, int]] = {}

    def allow(self, address: str) -> bool:
        now = time.monotonic()
        start, n = self.windows.get(address, (now, 0))
        if now - start > _WINDOW:
            start, n = now, 0
        self.windows[address] = (start, n + 1)
        if len(self.windows) > 10_000:
            self.windows = {k: v for k, v in self.windows.items() if now - v[0] <= _WINDOW}
        if n + 1 == _CAP_PER_WINDOW + 1:
            log.warning("error log: further failures from %s not stored for a minute", address)
        return n + 1 <= _CAP_PER_WINDOW


def _failure_answer(scope, exc: BaseException) -> tuple[int, str, list]:
    """The answer to an exception no route handled: 503 when another writer held the store
    past the busy timeout (not the caller's fault; a retry succeeds), else 500 without detail,
    logged redacted (a true bug)."""
    where = (scope.get("method"), redact_text(scope.get("path", "")))
    if is_busy(exc):
        log.warning("store busy on %s %s", *where)
        return 503, "the store is busy; retry in a moment", [(b"retry-after", b"1")]
    log.error(
        "unhandled %s on %s %s\n%s",
        type(exc).__name__,
        *where,
        redact_text("".join(traceback.format_exception(exc))),
    )
    return 500, "internal error: the request was not applied", []


class Boundary:
    def __init__(self, app, store, max_body: int = MAX_BODY):
        self.app = app
        self.store = store
        self.max_body = max_body
        self.cap = _LogCap()

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        st = {"status": None, "started": False, "read": 0, "too_large": False}
        req_body = bytearray()
        resp_body = bytearray()

        async def send_wrapped(message):
            if message["type"] == "http.response.start":
                st["status"] = message["status"]
                st["started"] = True
            elif (
                message["type"] == "http.response.body"
                and (st["status"] or 0) >= 400
                and len(resp_body) < 65536
            ):
                resp_body.extend(message.get("body", b""))
            await send(message)

        async def receive_wrapped():
            message = await receive()
            if message["type"] == "http.request":
                chunk = message.get("body", b"")
                st["read"] += len(chunk)
                if st["read"] > self.max_body:
                    st["too_large"] = True
                    raise BodyTooLarge
                if len(req_body) < _CAPTURE:
                    req_body.extend(chunk[: _CAPTURE - len(req_body)])
            return message

        declared = self._content_length(scope)
        too_big_msg = f"the request body is over the limit of {self.max_body // (1024 * 1024)} MB"
        if declared is not None and declared > self.max_body:
            st["too_large"] = True
            start, body = _json_response(413, too_big_msg, [(b"connection", b"close")], "body")
            await send_wrapped(start)
            await send_wrapped(body)
        else:
            try:
                await self.app(scope, receive_wrapped, send_wrapped)
            except BodyTooLarge:
                if not st["started"]:
                    start, body = _json_response(
                        413, too_big_msg, [(b"connection", b"close")], "body"
                    )
                    await send_wrapped(start)
                    await send_wrapped(body)
            except Exception as exc:
                status, message, extra = _failure_answer(scope, exc)
                if not st["started"]:
                    start, body = _json_response(status, message, extra)
                    await send_wrapped(start)
                    await send_wrapped(body)
                st["status"] = status
        status = st["status"] or 500
        client = scope.get("client") or ("?", 0)
        if status >= 400 and (status not in _CAPPED or self.cap.allow(str(client[0]))):
            payload = (
                "(body over the size limit, not stored)" if st["too_large"] else bytes(req_body)
            )
            await anyio.to_thread.run_sync(
                self._log,
                scope.get("method", "?"),
                scope.get("path", ""),
                status,
                bytes(resp_body),
                payload,
            )

    @staticmethod
    def _content_length(scope) -> int | None:
        for name, value in scope.get("headers", ()):
            if name == b"content-length":
                try:
                    return int(value)
                except ValueError:
                    return None
        return None

    def _log(self, method: str, path: str, status: int, resp: bytes, payload) -> None:
        message = f"HTTP {status}"
        try:
            doc = json.loads(resp) if resp else {}
            if isinstance(doc, dict):
                message = str(doc.get("message") or doc.get("error_description") or message)
                details = [
                    f"{e.get('field')}: {e.get('message')}"
                    for e in doc.get("errors") or []
                    if isinstance(e, dict)
                ]
                if len(details) > 1:
                    message += " — " + "; ".join(details[:20])
        except ValueError:
            pass
        try:
            with self.store.transaction() as session:
                errorlog.log_error(
                    session,
                    action=method,
                    path=path,
                    message=f"{status} {message}",
                    payload=payload,
                    status=status,
                )
        except Exception as exc:  # the log must never turn an answer into a crash
            log.warning("could not write the error log entry: %s", type(exc).__name__)
