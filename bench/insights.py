"""GET /insights for five years of daily data, 150 sessions and 8 tags, against GET
/healthz, on a live gunicorn server over HTTP (target: a warm read within 5x /healthz).
Prints medians and their ratios, measured in the same run, and the one-off cost of a
cold read (the first after a change: the insights are computed and kept)."""

from __future__ import annotations

import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from api.calendar import local_today  # noqa: E402
from bench.common import logged_in, migrated_app, seed_patient, timed  # noqa: E402
from tests.support.live_server import live_server  # noqa: E402

TAGS = ("walk", "yoga", "coffee", "rain", "work", "friends", "heat_pad", "late_night")


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="relieflog-bench-") as workdir:
        run(f"sqlite:///{workdir}/bench.db")


def once(call) -> float:
    start = time.perf_counter()
    call()
    return (time.perf_counter() - start) * 1000


def run(database_url: str) -> None:
    app = migrated_app(database_url)
    seed_patient(app, "five-years@example.org", days=5 * 365, sessions=150, tags=TAGS)
    today = local_today("UTC")
    with live_server(database_url, workers=1, threads=1) as server:
        http = logged_in(server.url, "five-years")
        # A first write makes the kept analysis row that versions the kept insights.
        http.put(f"{server.url}/api/v1/entries/{today}", json={"pain": 5, "mood": 5})
        default = f"{server.url}/api/v1/insights"
        years = f"{server.url}/api/v1/insights?from={today - timedelta(days=5 * 365)}&to={today}"
        cold_default, cold_years = once(lambda: http.get(default)), once(lambda: http.get(years))
        body = http.get(default).json()
        health = timed(lambda: http.get(f"{server.url}/healthz"), repeat=200)
        warm_default = timed(lambda: http.get(default), repeat=100)
        warm_years = timed(lambda: http.get(years), repeat=100)
    print(f"insights: {len(body['factors'])} factors over the last 90 days "
          f"({', '.join(f['name'] + ' ' + f['strength'] for f in body['factors'])})")
    print(f"  GET /healthz                        {health:8.2f} ms (median of 200)")
    print(f"  GET /insights (default 90 d, warm)  {warm_default:8.2f} ms (median of 100)"
          f"   ratio {warm_default / health:6.1f}x healthz (target <= 5)")
    print(f"  GET /insights (5 years, warm)       {warm_years:8.2f} ms (median of 100)"
          f"   ratio {warm_years / health:6.1f}x healthz (target <= 5)")
    print(f"  first read after a change: {cold_default:.0f} ms (90 days), "
          f"{cold_years:.0f} ms (5 years)")


if __name__ == "__main__":
    main()
