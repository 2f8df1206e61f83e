"""Downloads of ten years of daily data and 500 sessions (issue 20, item 6): the serving
worker's memory growth and the time to the first byte of each, against GET /healthz's
time to first byte in the same run (targets: under 50 MB growth, first byte under 1 s).

Measured on a live gunicorn server (one worker, one thread) over HTTP, reading the
worker's resident memory from /proc: that is what grew to 1 GB and was killed, and it
counts everything a download holds (rows, Python objects, the driver's buffers, the body)
where tracemalloc would see Python's allocations only. The growth is the worker's peak
resident size (VmHWM) after each download minus its resident size before the first, after
a warm-up download of a small diary (imports, caches and pools loaded)."""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import logged_in, migrated_app, seed_patient  # noqa: E402
from tests.support.live_server import live_server  # noqa: E402

DOWNLOADS = ("/api/v1/export/entries.csv", "/api/v1/export/treatments.csv",
             "/api/v1/export/fhir", "/api/v1/me/export", "/api/v1/shared/fhir")


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="relieflog-bench-") as workdir:
        run(os.environ.get("TEST_DATABASE_URL") or f"sqlite:///{workdir}/bench.db")


def memory_kb(pid: int, field: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1])
    raise LookupError(field)


def worker_of(master: int) -> int:
    [worker] = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    return int(worker)


def first_byte(http: requests.Session, url: str) -> tuple[float, float, int]:
    """(ms to the first byte of the body, ms to the last, bytes)."""
    start = time.perf_counter()
    with http.get(url, stream=True) as response:
        assert response.status_code == 200, response.text[:300]
        chunks = response.iter_content(chunk_size=65536)
        size = len(next(chunks))
        first = time.perf_counter()
        size += sum(len(chunk) for chunk in chunks)
    return (first - start) * 1000, (time.perf_counter() - start) * 1000, size


def median_first_byte(http: requests.Session, url: str, repeat: int) -> float:
    samples = sorted(first_byte(http, url)[0] for _ in range(repeat))
    return samples[len(samples) // 2]


def run(database_url: str) -> None:
    app = migrated_app(database_url)
    seed_patient(app, "ten-years@example.org", days=10 * 365, sessions=500, phq9_every=14)
    seed_patient(app, "warm-up@example.org", days=30, sessions=3)
    with live_server(database_url, workers=1, threads=1) as server:
        worker = worker_of(server.process.pid)
        warm, http = logged_in(server.url, "warm-up"), logged_in(server.url, "ten-years")
        link = http.post(f"{server.url}/api/v1/shares",
                         json={"label": "Dr", "include_notes": True}).json()["url"]
        shared = requests.Session()
        shared.post(f"{server.url}/api/v1/shared/session", json={"token": link.split("#")[1]})
        for path in DOWNLOADS:  # warm-up: the small diary's own downloads
            if not path.startswith("/api/v1/shared"):
                first_byte(warm, f"{server.url}{path}")
        health = median_first_byte(http, f"{server.url}/healthz", 200)
        before = memory_kb(worker, "VmRSS")
        print("export: ten years of daily entries, 500 sessions, a PHQ-9 every two weeks "
              f"({database_url.split(':')[0]}, gunicorn 1 worker x 1 thread)")
        print(f"  GET /healthz first byte {health:8.2f} ms (median of 200); worker "
              f"{before / 1024:.0f} MB resident before the downloads")
        for path in DOWNLOADS:
            client = shared if path.startswith("/api/v1/shared") else http
            ttfb, total, size = first_byte(client, f"{server.url}{path}")
            growth = memory_kb(worker, "VmHWM") - before
            print(f"  GET {path:30} {size / 1e6:7.1f} MB in {total:7.0f} ms; first byte "
                  f"{ttfb:7.1f} ms ({ttfb / health:5.1f}x healthz, target < 1 s); worker "
                  f"peak +{growth / 1024:5.1f} MB (target < 50 MB)")



if __name__ == "__main__":
    main()
