"""Does one patient's experience depend on how many others share the server?

Trends and entry PUT latency for one patient, over HTTP on a live gunicorn, in a SQLite
database of 10 patients and in one of 10,000 patients × 365 days (3.65 million entries),
measured in the same run. Target: the large database costs at most 1.2× the small one.
"""

from __future__ import annotations

import os
import random
import sqlite3
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from api.auth.service import hash_password  # noqa: E402
from bench.common import PASSWORD, migrated_app, timed  # noqa: E402
from tests.support.live_server import live_server  # noqa: E402

DAYS = 365
PATIENTS_LARGE = int(os.environ.get("BENCH_PATIENTS", "10000"))


def seed(path: Path, patients: int) -> None:
    """Patients with a year of daily entries each, written straight into SQLite."""
    rng = random.Random(patients)
    start = date.today() - timedelta(days=DAYS - 1)
    password_hash = hash_password(PASSWORD)
    connection = sqlite3.connect(path)
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("PRAGMA synchronous=OFF")
    now = "2026-01-01 00:00:00.000000"
    connection.executemany(
        "INSERT INTO users (id, email, password_hash, display_name, timezone, disabled, fhir_key,"
        " created_at) VALUES (?, ?, ?, '', 'UTC', 0, lower(hex(randomblob(16))), ?)",
        [(n, f"patient{n}@example.org", password_hash, now) for n in range(1, patients + 1)])
    days = [(start + timedelta(days=d)).isoformat() for d in range(DAYS)]
    for first in range(1, patients + 1, 500):
        rows = [
            (user, day, rng.randint(0, 10), rng.randint(0, 10), now, now)
            for user in range(first, min(first + 500, patients + 1))
            for day in days
        ]
        connection.executemany(
            "INSERT INTO entries (user_id, date, pain, mood, side_effects, tags, notes, version,"
            " created_at, updated_at) VALUES (?, ?, ?, ?, '[]', '[]', '', 1, ?, ?)", rows)
        connection.commit()
    connection.execute("ANALYZE")
    connection.commit()
    connection.close()


def measure(database_url: str) -> tuple[float, float]:
    with live_server(database_url, workers=1, threads=1) as server:
        http = requests.Session()
        assert http.post(f"{server.url}/api/v1/auth/login", json={
            "email": "patient1@example.org", "password": PASSWORD}).status_code == 200
        trends = timed(lambda: http.get(f"{server.url}/api/v1/trends"), repeat=60)
        counter = iter(range(10**6))

        def put() -> None:
            n = next(counter)
            day = date.today() - timedelta(days=n % 300)
            http.put(f"{server.url}/api/v1/entries/{day}", json={"pain": n % 11, "mood": 5})

        writes = timed(put, repeat=200)
    return trends, writes


def main() -> None:
    results = {}
    for patients in (10, PATIENTS_LARGE):
        with tempfile.TemporaryDirectory(prefix="relieflog-scale-") as tmp:
            workdir = Path(tmp)
            url = f"sqlite:///{workdir}/scale.db"
            migrated_app(url)
            began = time.perf_counter()
            seed(workdir / "scale.db", patients)
            size = (workdir / "scale.db").stat().st_size / 1e6
            print(f"  seeded {patients:>6} patients × {DAYS} days in "
                  f"{time.perf_counter() - began:5.1f} s ({size:,.0f} MB)")
            results[patients] = measure(url)
    (small_trends, small_put), (large_trends, large_put) = results[10], results[PATIENTS_LARGE]
    print("scale (one patient's requests, median, gunicorn 1 worker, SQLite)")
    print(f"  GET /trends      {small_trends:6.2f} ms with 10 patients, "
          f"{large_trends:6.2f} ms with "
          f"{PATIENTS_LARGE:,}: ratio {large_trends / small_trends:.2f} (target <= 1.2)")
    print(f"  PUT /entries/d   {small_put:6.2f} ms with 10 patients, {large_put:6.2f} ms with "
          f"{PATIENTS_LARGE:,}: ratio {large_put / small_put:.2f} (target <= 1.2)")


if __name__ == "__main__":
    main()
