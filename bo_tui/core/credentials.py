"""API credentials (R-CRED-1..3): the district's one OAuth2 client, its secret (encrypted to
reveal, SHA-256 to check in constant time), hashed short-lived tokens, rotation, the login
throttle and where ``bo-tui serve`` listens (heartbeat)."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import os
import secrets
import socket
import threading
import time
from collections.abc import Callable

from pydantic import BaseModel
from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from ..store.crypto import vault
from ..store.models import District
from ..store.models.integration import ApiClient, ApiToken, ServerHeartbeat
from .errors import NotFound

TOKEN_TTL = 3600  # seconds; RFC 6749 access tokens here are short-lived (<= 1 hour)
DEFAULT_HOST, DEFAULT_PORT = "127.0.0.1", 8765
BASE_PATH = "/campus/api/businessOfficeIntegration"
TOKEN_PATH = "/campus/oauth2/token"
DOCS_PATH = BASE_PATH + "/documentation"
GUIDE_URL = "https://kb.infinitecampus.com/help/business-office-integration-user-guide"
HEARTBEAT_SECONDS = 15
_STALE = dt.timedelta(seconds=3 * HEARTBEAT_SECONDS)
# Compared against when the client id is unknown, so both failures take the same time.
_DUMMY_HASH = hashlib.sha256(b"bo-tui: no such client").hexdigest()


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def sha256_hex(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", errors="surrogatepass")).hexdigest()


def new_secret() -> str:
    return secrets.token_urlsafe(32)  # 256 bits


def mask_secret(secret: str) -> str:
    """The first four characters and a mask, as the Credentials screen shows it (R-CRED-1)."""
    return secret[:4] + "•" * 12 if secret else ""


# --- server heartbeat -----------------------------------------------------------------


class ServerInfo(BaseModel):
    host: str
    port: int
    publicUrl: str | None = None
    running: bool = False
    pid: int | None = None
    hostname: str | None = None
    startedAt: dt.datetime | None = None
    seenAt: dt.datetime | None = None


def _display_host(host: str) -> str:
    if host in ("", "0.0.0.0", "::"):
        return socket.gethostname()
    return f"[{host}]" if ":" in host and not host.startswith("[") else host


def listen_url(host: str, port: int) -> str:
    return f"http://{_display_host(host)}:{port}"


def record_server_start(
    session: Session, host: str, port: int, public_url: str | None = None
) -> None:
    """``serve`` says where it listens; ``credentials`` and the TUI show it (R-CRED-1)."""
    now = _now()
    values = dict(
        host=host,
        port=port,
        public_url=public_url,
        pid=os.getpid(),
        hostname=socket.gethostname(),
        started_at=now,
        seen_at=now,
        stopped_at=None,
    )
    row = session.get(ServerHeartbeat, 1)
    if row is None:
        session.add(ServerHeartbeat(id=1, **values))
    else:
        for k, v in values.items():
            setattr(row, k, v)
    session.flush()


def record_heartbeat(session: Session) -> None:
    session.execute(
        update(ServerHeartbeat)
        .where(ServerHeartbeat.id == 1, ServerHeartbeat.pid == os.getpid())
        .values(seen_at=_now())
    )


def record_server_stop(session: Session) -> None:
    session.execute(
        update(ServerHeartbeat)
        .where(ServerHeartbeat.id == 1, ServerHeartbeat.pid == os.getpid())
        .values(stopped_at=_now())
    )


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def server_info(session: Session, now: dt.datetime | None = None) -> ServerInfo | None:
    """Where ``serve`` last listened, and whether it still runs (fresh heartbeat, live pid)."""
    row = session.get(ServerHeartbeat, 1)
    if row is None:
        return None
    now = now or _now()
    running = row.stopped_at is None and now - row.seen_at <= _STALE
    if running and row.pid and row.hostname == socket.gethostname():
        running = _pid_alive(row.pid)
    return ServerInfo(
        host=row.host,
        port=row.port,
        publicUrl=row.public_url,
        running=running,
        pid=row.pid,
        hostname=row.hostname,
        startedAt=row.started_at,
        seenAt=row.seen_at,
    )


# --- the client and its secret -----------------------------------------------------------


class Credentials(BaseModel):
    """What the API Credentials screen and ``bo-tui credentials`` show (R-CRED-1)."""

    appName: str
    clientId: str
    clientSecret: str  # masked unless revealed
    revealed: bool = False
    tokenUrl: str
    baseUrl: str
    documentationUrl: str
    guideUrl: str = GUIDE_URL
    server: ServerInfo | None = None
    rotatedAt: dt.datetime | None = None

    def as_json(self) -> dict:
        """SPEC section 9: ``{clientId, clientSecret, tokenUrl, baseUrl, documentationUrl}``,
        the secret only when revealed (null otherwise)."""
        return {
            "clientId": self.clientId,
            "clientSecret": self.clientSecret if self.revealed else None,
            "tokenUrl": self.tokenUrl,
            "baseUrl": self.baseUrl,
            "documentationUrl": self.documentationUrl,
            "guideUrl": self.guideUrl,
            "appName": self.appName,
            "server": None
            if self.server is None
            else {
                "url": self.server.publicUrl or listen_url(self.server.host, self.server.port),
                "running": self.server.running,
                "pid": self.server.pid,
            },
        }


def district(session: Session) -> District:
    d = session.scalar(select(District).order_by(District.id).limit(1))
    if d is None:
        raise NotFound("the store has no district yet: load it with `bo-tui demo --staff 0`")
    return d


def ensure_client(session: Session) -> ApiClient:
    """The district's API client, made on first use (R-CRED-1)."""
    d = district(session)
    client = session.scalar(select(ApiClient).where(ApiClient.district_id == d.id))
    if client is None:
        secret = new_secret()
        client = ApiClient(
            district_id=d.id,
            client_id=f"boi-{d.app_name.lower()}-{secrets.token_hex(4)}",
            secret_enc=vault().encrypt(secret),
            secret_hash=sha256_hex(secret),
            generation=1,
            created_at=_now(),
        )
        session.add(client)
        session.flush()
    return client


def urls(app_name: str, base: str) -> dict[str, str]:
    base = base.rstrip("/")
    return {
        "tokenUrl": f"{base}{TOKEN_PATH}?appName={app_name}",
        "baseUrl": f"{base}/campus",
        "documentationUrl": f"{base}{DOCS_PATH}",
    }


def get_credentials(session: Session, *, reveal: bool = False) -> Credentials:
    """The credentials, URLs reflecting where ``serve`` listens (or would by default)."""
    client = ensure_client(session)
    d = district(session)
    info = server_info(session)
    if info is not None:
        base = info.publicUrl or listen_url(info.host, info.port)
    else:
        base = listen_url(DEFAULT_HOST, DEFAULT_PORT)
    secret = vault().decrypt(client.secret_enc)
    return Credentials(
        appName=d.app_name,
        clientId=client.client_id,
        clientSecret=secret if reveal else mask_secret(secret),
        revealed=reveal,
        server=info,
        rotatedAt=client.rotated_at,
        **urls(d.app_name, base),
    )


def rotate_secret(session: Session, *, reveal: bool = False) -> Credentials:
    """Generate New Secret (R-CRED-2): the old secret and every token issued with it fail at
    once — new hash, bumped generation and deleted tokens in the caller's one transaction."""
    client = ensure_client(session)
    secret = new_secret()
    client.secret_enc = vault().encrypt(secret)
    client.secret_hash = sha256_hex(secret)
    client.generation = (client.generation or 1) + 1
    client.rotated_at = _now()
    session.execute(delete(ApiToken).where(ApiToken.api_client_id == client.id))
    session.flush()
    return get_credentials(session, reveal=reveal)


# --- token endpoint ------------------------------------------------------------------------


class IssuedToken(BaseModel):
    access_token: str
    token_type: str = "Bearer"
    expires_in: int = TOKEN_TTL


def app_name(session: Session) -> str | None:
    return session.scalar(select(District.app_name).order_by(District.id).limit(1))


def authenticate_client(session: Session, client_id: str, secret: str) -> ApiClient | None:
    """The client when id and secret match; None otherwise, taking the same time for an
    unknown id as for a wrong secret (R-CRED-3: constant-time comparison of hashes)."""
    row = session.scalar(select(ApiClient).where(ApiClient.client_id == client_id))
    ok = hmac.compare_digest(sha256_hex(secret), row.secret_hash if row else _DUMMY_HASH)
    return row if row is not None and ok else None


def issue_token(session: Session, client: ApiClient, now: dt.datetime | None = None) -> IssuedToken:
    """A fresh opaque token of 256 bits; only its hash is stored (R-CRED-3)."""
    now = now or _now()
    token = secrets.token_urlsafe(32)
    # Expired tokens of this client go now, so the table stays small without a sweeper.
    session.execute(
        delete(ApiToken).where(ApiToken.api_client_id == client.id, ApiToken.expires_at <= now)
    )
    session.add(
        ApiToken(
            api_client_id=client.id,
            token_hash=sha256_hex(token),
            generation=client.generation,
            issued_at=now,
            expires_at=now + dt.timedelta(seconds=TOKEN_TTL),
        )
    )
    session.flush()
    return IssuedToken(access_token=token, expires_in=TOKEN_TTL)


def check_token(session: Session, token: str, now: dt.datetime | None = None) -> bool:
    """Is this bearer token valid now: issued, unexpired, of the client's current secret?"""
    if not token or len(token) > 512:
        return False
    now = now or _now()
    found = session.execute(
        select(ApiToken.id)
        .join(ApiClient, ApiClient.id == ApiToken.api_client_id)
        .where(
            ApiToken.token_hash == sha256_hex(token),
            ApiToken.expires_at > now,
            ApiToken.generation == ApiClient.generation,
        )
    ).first()
    return found is not None


class FailureThrottle:
    """Growing delays after repeated failed logins, per client id and per remote address.

    Kept in memory, per ``serve`` process (a restart forgets it; several workers each keep
    their own). The first ``free`` failures cost nothing; each further one blocks the key for
    ``base * 2**k`` seconds, at most ``cap``; after ``forget_after`` seconds without a failure
    the key starts afresh. Never a permanent lockout: the longest wait is ``cap``.
    """

    def __init__(
        self,
        *,
        free: int = 5,
        base: float = 1.0,
        cap: float = 900.0,
        forget_after: float = 3600.0,
        max_keys: int = 10_000,
        clock: Callable[[], float] = time.monotonic,
    ):
        self.free, self.base, self.cap, self.forget_after = free, base, cap, forget_after
        self.max_keys = max_keys
        self.clock = clock
        self._state: dict[
            str, tuple[int, float, float]
        ] = {}  # key -> failures, last, blocked until
        self._lock = threading.Lock()

    def retry_after(self, *keys: str) -> float:
        """Seconds until every key may try again; 0 when none is blocked."""
        now = self.clock()
        with self._lock:
            waits = [self._state[k][2] - now for k in keys if k in self._state]
        return max([0.0, *waits])

    def failed(self, *keys: str) -> float:
        """Count a failure; returns the block now in force (seconds)."""
        now = self.clock()
        longest = 0.0
        with self._lock:
            for key in keys:
                n, last, until = self._state.get(key, (0, now, now))
                if now - last > self.forget_after:
                    n = 0
                n += 1
                if n > self.free:
                    until = now + min(self.base * 2 ** (n - self.free - 1), self.cap)
                self._state[key] = (n, now, until)
                longest = max(longest, until - now)
            if len(self._state) > self.max_keys:
                # Forget the quietest keys first; memory stays bounded under a flood.
                for key, _ in sorted(self._state.items(), key=lambda kv: kv[1][1])[
                    : len(self._state) // 10
                ]:
                    del self._state[key]
        return longest

    def succeeded(self, *keys: str) -> None:
        with self._lock:
            for key in keys:
                self._state.pop(key, None)
