"""``bo-tui serve`` for real: uvicorn on a free loopback port, the heartbeat that tells
``credentials`` where it listens and that it runs (R-CRED-1), a token over HTTP, a clean stop."""

import os
import signal
import socket
import subprocess
import sys
import time

import httpx

from bo_tui.core import credentials as cred


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_R_CRED_1_serve_listens_and_credentials_follow_it(ref_store, tmp_path):
    port = _free_port()
    env = {**os.environ, "XDG_DATA_HOME": str(tmp_path), "XDG_CONFIG_HOME": str(tmp_path)}
    cmd = [sys.executable, "-m", "bo_tui.cli", "--db", ref_store.url, "serve", "--port", str(port)]
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        for _ in range(400):  # wait for the port, not for a time budget
            with socket.socket() as s:
                if s.connect_ex(("127.0.0.1", port)) == 0:
                    break
            if proc.poll() is not None:
                raise AssertionError(proc.stderr.read())
            time.sleep(0.05)
        with ref_store.transaction() as s:
            c = cred.get_credentials(s, reveal=True)
        assert c.tokenUrl == f"http://127.0.0.1:{port}/campus/oauth2/token?appName=7634-MO"
        assert c.server.running and c.server.pid == proc.pid
        r = httpx.post(
            c.tokenUrl, auth=(c.clientId, c.clientSecret), data={"grant_type": "client_credentials"}
        )
        assert r.status_code == 200 and r.headers["cache-control"] == "no-store"
        docs = httpx.get(c.documentationUrl)
        assert (
            docs.status_code == 200 and "swagger-ui" in docs.text and "cdn" not in docs.text.lower()
        )
    finally:
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=20)
    assert proc.returncode == 0, err
    with ref_store.transaction() as s:
        assert not cred.server_info(s).running
