"""``bo-tui serve``: uvicorn over the API, the heartbeat that tells ``credentials`` and the TUI
where it listens and that it runs (R-CRED-1), and access log lines without query strings."""

from __future__ import annotations

import logging
import signal
import threading

from ..core import credentials as cred
from ..store import Store
from .app import create_app

log = logging.getLogger("bo_tui.api")


class _NoQuery(logging.Filter):
    """Search query strings carry names and birth dates: the access log keeps only the path."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if isinstance(args, tuple) and len(args) >= 3 and isinstance(args[2], str):
            record.args = (*args[:2], args[2].split("?", 1)[0], *args[3:])
        return True


class Heartbeat(threading.Thread):
    def __init__(self, store: Store):
        super().__init__(name="bo-tui-heartbeat", daemon=True)
        self.store = store
        self.stopping = threading.Event()

    def run(self) -> None:
        while not self.stopping.wait(cred.HEARTBEAT_SECONDS):
            try:
                with self.store.transaction() as session:
                    cred.record_heartbeat(session)
            except Exception as exc:  # a busy store skips one beat, never stops the server
                log.warning("heartbeat skipped: %s", type(exc).__name__)


def serve(
    store: Store,
    host: str = cred.DEFAULT_HOST,
    port: int = cred.DEFAULT_PORT,
    *,
    public_url: str | None = None,
) -> bool:
    """Run the API until interrupted; the heartbeat row says where and that it runs."""
    import uvicorn

    app = create_app(store, public_url=public_url)
    config = uvicorn.Config(
        app, host=host, port=port, log_level="info", access_log=True, server_header=False
    )
    server = uvicorn.Server(config)
    beat = Heartbeat(store)
    logging.getLogger("uvicorn.access").addFilter(_NoQuery())
    with store.transaction() as session:
        cred.record_server_start(session, host, port, public_url)
    beat.start()
    # Ctrl+C and SIGTERM both end in a clean stop (uvicorn re-raises the signal it caught after
    # its shutdown; as KeyboardInterrupt it lands here and the heartbeat says "stopped").
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, signal.default_int_handler)
    try:
        server.run()
    except KeyboardInterrupt:
        pass
    finally:
        beat.stopping.set()
        try:
            with store.transaction() as session:
                cred.record_server_stop(session)
        except Exception:
            pass
    return bool(server.started)
