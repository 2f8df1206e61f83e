"""A real gunicorn server on 127.0.0.1 for tests that need HTTP over a socket."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class LiveServer:
    url: str
    process: subprocess.Popen[bytes]
    log_path: Path

    final_log: str | None = None

    def log(self) -> str:
        """What gunicorn printed (kept after the server stopped and its files are gone)."""
        if self.final_log is not None:
            return self.final_log
        return self.log_path.read_text(errors="replace")

    def kill(self) -> None:
        """SIGKILL the master and every worker at once, as a crash or OOM kill would."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()


@contextmanager
def live_server(
    database_url: str,
    *,
    workers: int = 2,
    threads: int = 4,
    env: dict[str, str] | None = None,
    port: int | None = None,
    python: str = sys.executable,
    cwd: Path = ROOT,
) -> Iterator[LiveServer]:
    """Start gunicorn serving create_app() against an already-migrated database (by default
    this checkout's app; `python` and `cwd` run another installation of it)."""
    port = port or free_port()
    instance = tempfile.mkdtemp(prefix="relieflog-instance-")
    log_path = Path(instance) / "server.log"
    server_env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "SECRET_KEY": "live-test-secret",
        "INSTANCE_PATH": instance,
        # Links the server hands out point at it; the Host check then admits 127.0.0.1 and
        # localhost (TRUSTED_HOSTS' default for a local PUBLIC_URL).
        "PUBLIC_URL": f"http://127.0.0.1:{port}",
        "REGISTER_RATE_LIMIT": "1000 per minute",
        "LOGIN_RATE_LIMIT": "1000 per minute",
        # Load, crash and backup tests write far faster than a person: the per-account limit
        # on diary writes has its own tests (tests/test_write_limits.py).
        "WRITE_RATE_LIMIT": "100000 per minute",
        **(env or {}),
    }
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            [
                python, "-m", "gunicorn",
                "--bind", f"127.0.0.1:{port}",
                "--workers", str(workers), "--threads", str(threads),
                # An idle connection is kept a minute, not gunicorn's 2 s: a test's requests
                # session reuses its connection after a pause, and unlike a browser it does
                # not send the request again when the server closed that connection just
                # then ("Connection reset by peer" on a loaded machine).
                "--keep-alive", "60", "--preload",
                # gunicorn 25+ opens a control socket at one path in the home folder, which
                # the many servers of a test run would take from each other.
                "--no-control-socket",
                "--access-logfile", "-", "--error-logfile", "-",
                "api:create_app()",
            ],
            cwd=cwd, env=server_env, stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group, so kill() reaches every worker
        )
    server = LiveServer(f"http://127.0.0.1:{port}", process, log_path)
    try:
        deadline = time.monotonic() + 30
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"gunicorn exited early:\n{server.log()}")
            try:
                if requests.get(f"{server.url}/healthz", timeout=5).status_code == 200:
                    break
            except (requests.ConnectionError, requests.Timeout):
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"gunicorn did not become healthy:\n{server.log()}")
            time.sleep(0.1)
        yield server
    finally:
        if process.poll() is None:
            # The test is over and no request is in flight: end the master and its workers
            # at once. Stopping (SIGTERM, or SIGINT's quick shutdown) waits for each worker's
            # interpreter to exit and the master to reap it: 1.2-1.5 s a server here, about
            # 25 servers a run. Nothing is lost: SQLite and PostgreSQL keep every committed
            # write through a kill (tests/test_crash.py), and the log is written line by
            # line. Tests of stopping itself signal the server themselves.
            server.kill()
        server.final_log = server.log()
        shutil.rmtree(instance, ignore_errors=True)
