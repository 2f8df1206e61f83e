"""Importing ten years of history (issue 24): the preview and the commit of a Daylio file of
3,650 daily rows and of a Bearable file of 200,000 rows (55 data points a day for ten
years), against the preview of a 30-row file measured in the same run; and the peak of
Python's allocations (tracemalloc) during each, against the size of the file, for a
Bearable file of 20,000 and of 200,000 rows: memory grows with the days and the file's
bytes, not with the rows (they are read one at a time into per-day sums).

In-process, through the Flask test client on SQLite (or TEST_DATABASE_URL), so tracemalloc
sees the parsing. Targets: a 10-year preview under 2 s; the peak over the file's size about
the same for 20,000 and 200,000 rows."""

from __future__ import annotations

import os
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from api.calendar import local_today  # noqa: E402
from bench.common import migrated_app  # noqa: E402
from tests.conftest import register  # noqa: E402

MOODS = ("awful", "bad", "meh", "good", "rad")


def daylio(days: int) -> bytes:
    today = local_today("UTC")
    lines = ["full_date,date,weekday,time,mood,activities,note_title,note"]
    for n in range(days):
        day = today - timedelta(days=n)
        lines.append(f"{day.isoformat()},x,x,20:00,{MOODS[n % 5]},walk | work,,"
                     f"\"a note, day {n}\"")
    return ("\n".join(lines) + "\n").encode()


def bearable(rows: int, days: int = 3650) -> bytes:
    today = local_today("UTC")
    per_day = max(1, rows // days)
    lines = ["date,weekday,time of day,category,rating/amount,detail,notes"]
    for n in range(rows):
        day = today - timedelta(days=n // per_day)
        kind = n % 4
        lines.append(f"{day.isoformat()},x,pm," + (
            f"Mood,{n % 5 + 1},," if kind == 0 else f"Symptoms,{n % 5},Back pain," if kind == 1
            else "Factors,,Coffee|Walk," if kind == 2 else "Notes,,,slept badly"))
    return ("\n".join(lines) + "\n").encode()


def timed(call: Callable[[], object]) -> float:
    start = time.perf_counter()
    call()
    return time.perf_counter() - start


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="relieflog-bench-") as workdir:
        url = os.environ.get("TEST_DATABASE_URL") or f"sqlite:///{workdir}/bench.db"
        app = migrated_app(url)
        app.config["IMPORT_MAX_BYTES"] = 10 * 1024 * 1024
        app.config["WRITE_RATE_LIMIT"] = "10000 per minute"
        run(app)


def preview(client, body: bytes) -> int:
    response = client.post("/api/v1/imports", data=body, content_type="text/csv")
    assert response.status_code == 201, response.get_json()
    return int(response.get_json()["id"])


def commit(client, preview_id: int) -> None:
    response = client.post(f"/api/v1/imports/{preview_id}/commit", json={})
    assert response.status_code == 200, response.get_json()


def run(app) -> None:
    fresh = lambda: register_client(app)  # noqa: E731 - each import into an empty account
    small = daylio(30)
    client = fresh()
    for _ in range(3):  # warm-up: imports, caches, pools
        preview(client, small)
    baseline = min(timed(lambda: preview(client, small)) for _ in range(5))
    print(f"baseline: preview of a 30-row Daylio file  {baseline * 1000:8.1f} ms")
    print()
    print(f"{'file':<30} {'bytes':>10} {'preview':>9} {'× base':>7} {'commit':>9} {'× base':>7}")
    for name, body in (("Daylio, 3,650 daily rows", daylio(3650)),
                       ("Bearable, 200,000 rows", bearable(200_000))):
        client = fresh()
        ids: list[int] = []
        took_preview = timed(lambda: ids.append(preview(client, body)))  # noqa: B023
        took_commit = timed(lambda: commit(client, ids[0]))  # noqa: B023
        print(f"{name:<30} {len(body):>10,} {took_preview:>8.2f}s {took_preview / baseline:>7.0f}"
              f" {took_commit:>8.2f}s {took_commit / baseline:>7.0f}")
    print()
    print(f"{'peak memory (tracemalloc)':<30} {'bytes':>10} {'preview':>11} {'÷ file':>7}"
          f" {'commit':>11} {'÷ file':>7}")
    for name, body in (("Bearable, 20,000 rows", bearable(20_000)),
                       ("Bearable, 200,000 rows", bearable(200_000)),
                       ("Daylio, 3,650 daily rows", daylio(3650))):
        client = fresh()
        tracemalloc.start()
        preview_id = preview(client, body)
        _now, peak_preview = tracemalloc.get_traced_memory()
        tracemalloc.reset_peak()
        commit(client, preview_id)
        _now, peak_commit = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        print(f"{name:<30} {len(body):>10,} {peak_preview / 1e6:>9.1f}MB"
              f" {peak_preview / len(body):>7.1f} {peak_commit / 1e6:>9.1f}MB"
              f" {peak_commit / len(body):>7.1f}")


def register_client(app):
    client = app.test_client()
    register(client)
    return client


if __name__ == "__main__":
    main()
