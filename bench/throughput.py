"""Authenticated entry PUT throughput against GET /healthz throughput on the same gunicorn
server (2 workers × 1 thread, as `make run`), measured with wrk on 127.0.0.1 in one run.

wrk shares the machine's cores with the server, so a single 5-second run swings by 10 %
or more: after a warm-up the two loads alternate for ROUNDS rounds and the median ratio
is reported."""

from __future__ import annotations

import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import PASSWORD, migrated_app  # noqa: E402
from tests.support.live_server import live_server  # noqa: E402

SECONDS = 5
ROUNDS = 3
# 840 PUTs built once, as wrk's own pipeline example does, so that the load generator,
# which shares the two cores with the server, spends as little as it can per request.
# They cycle over 84 days with new content each time (the notes name the wrk thread too):
# every PUT replaces a day's entry with different content, the most expensive save (a
# history row each time), never a no-op replay.
PUT_SCRIPT = """
threads = 0
setup = function(thread)
  threads = threads + 1
  thread:set("thread_id", threads)
end
requests = {}
init = function(args)
  for n = 1, 840 do
    local day = string.format("2025-%02d-%02d", (n % 12) + 1, (n % 28) + 1)
    local body = string.format('{"pain": %d, "mood": %d, "notes": "bench %d/%d"}',
                               n % 11, (n * 3) % 11, thread_id, n)
    requests[n] = wrk.format("PUT", "/api/v1/entries/" .. day, {
      ["Authorization"] = "Bearer TOKEN",
      ["Content-Type"] = "application/json"}, body)
  end
  counter = 0
end
request = function()
  counter = counter % 840 + 1
  return requests[counter]
end
"""


def wrk(url: str, script: Path | None = None, seconds: int = SECONDS) -> tuple[float, str]:
    command = ["wrk", "-t2", "-c8", f"-d{seconds}s", "--latency"]
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
    engine = ("PostgreSQL" if database_url.startswith("postgresql") else
              f"SQLite WAL, synchronous={os.environ.get('SQLITE_SYNCHRONOUS', 'NORMAL')}")
    migrated_app(database_url)
    with live_server(database_url, workers=2, threads=1,
                     env={"TOKEN_RATE_LIMIT": "1000 per minute",
                          # Counted as always, never reached: the PUTs of one account.
                          "WRITE_RATE_LIMIT": "1000000 per minute"}) as server:
        http = requests.Session()
        http.post(f"{server.url}/api/v1/auth/register",
                  json={"email": "bench@example.org", "password": PASSWORD})
        token = http.post(f"{server.url}/api/v1/tokens", json={"label": "bench"}).json()["token"]
        script = workdir / "put.lua"
        script.write_text(PUT_SCRIPT.replace("TOKEN", token))
        # Warm up both paths first (imports, caches, the first entries and the WAL file).
        wrk(f"{server.url}/healthz", seconds=2)
        wrk(f"{server.url}/api/v1/entries/2025-01-01", script, seconds=2)
        rounds = []
        for _ in range(ROUNDS):
            health = wrk(f"{server.url}/healthz")
            put = wrk(f"{server.url}/api/v1/entries/2025-01-01", script)
            rounds.append((health, put))
    print(f"throughput (wrk -t2 -c8 -d{SECONDS}s, gunicorn 2 workers x 1 thread, {engine})")
    for number, ((health, health_p99), (put, put_p99)) in enumerate(rounds, 1):
        print(f"  round {number}: GET /healthz {health:6.0f} req/s (p99 {health_p99}), "
              f"PUT /entries/{{day}} {put:6.0f} req/s (p99 {put_p99}): {put / health:.2f}")
    ratio = statistics.median(put / health for (health, _), (put, _) in rounds)
    print(f"  PUT / healthz, median of {ROUNDS} rounds: {ratio:.2f} "
          "(target >= 0.35 with the kept analysis's upkeep, issue 16)")


if __name__ == "__main__":
    main()
