"""Authenticated entry PUT throughput against GET /healthz throughput on the same gunicorn
server (2 workers × 1 thread, as `make run`), measured with wrk on 127.0.0.1 in one run."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import PASSWORD, migrated_app  # noqa: E402
from tests.support.live_server import live_server  # noqa: E402

SECONDS = 5
PUT_SCRIPT = """
counter = 0
request = function()
  counter = counter + 1
  local day = string.format("2025-%02d-%02d", (counter % 12) + 1, (counter % 28) + 1)
  local body = string.format('{"pain": %d, "mood": %d, "notes": "bench %d"}',
                             counter % 11, (counter * 3) % 11, counter)
  return wrk.format("PUT", "/api/v1/entries/" .. day, {
    ["Authorization"] = "Bearer TOKEN",
    ["Content-Type"] = "application/json"}, body)
end
"""


def wrk(url: str, script: Path | None = None) -> tuple[float, str]:
    command = ["wrk", "-t2", "-c8", f"-d{SECONDS}s", "--latency"]
    if script:
        command += ["-s", str(script)]
    output = subprocess.run([*command, url], capture_output=True, text=True,
                            check=True).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))  # type: ignore[union-attr]
    p99 = re.search(r"^\s+99%\s+(\S+)", output, re.MULTILINE)
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    if errors:
        raise SystemExit(f"{url}: {errors.group(1)} non-2xx responses")
    return rate, p99.group(1) if p99 else "?"


def main() -> None:
    if shutil.which("wrk") is None:
        raise SystemExit("wrk not found: apt-get install wrk")
    with tempfile.TemporaryDirectory(prefix="relieflog-bench-") as tmp:
        run(Path(tmp))


def run(workdir: Path) -> None:
    # An empty PostgreSQL database when given (scripts/with-postgres.sh sets it), else SQLite.
    database_url = os.environ.get("TEST_DATABASE_URL") or f"sqlite:///{workdir}/bench.db"
    engine = "PostgreSQL" if database_url.startswith("postgresql") else "SQLite WAL"
    migrated_app(database_url)
    with live_server(database_url, workers=2, threads=1,
                     env={"TOKEN_RATE_LIMIT": "1000 per minute"}) as server:
        http = requests.Session()
        http.post(f"{server.url}/api/v1/auth/register",
                  json={"email": "bench@example.org", "password": PASSWORD})
        token = http.post(f"{server.url}/api/v1/tokens", json={"label": "bench"}).json()["token"]
        script = workdir / "put.lua"
        script.write_text(PUT_SCRIPT.replace("TOKEN", token))
        health, health_p99 = wrk(f"{server.url}/healthz")
        put, put_p99 = wrk(f"{server.url}/api/v1/entries/2025-01-01", script)
    print(f"throughput (wrk -t2 -c8 -d{SECONDS}s, gunicorn 2 workers x 1 thread, {engine})")
    print(f"  GET /healthz         {health:9.0f} req/s   p99 {health_p99}")
    print(f"  PUT /entries/{{day}}   {put:9.0f} req/s   p99 {put_p99}"
          f"   ratio {put / health:.2f} of healthz (target >= 0.5)")


if __name__ == "__main__":
    main()
