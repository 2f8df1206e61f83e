"""Trends for five years of daily data and 150 sessions, against GET /healthz, on a live
gunicorn server over HTTP. Prints medians and their ratio, measured in the same run."""

from __future__ import annotations

import sys
import tempfile
from datetime import timedelta
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from api.calendar import local_today  # noqa: E402
from bench.common import PASSWORD, migrated_app, seed_patient, timed  # noqa: E402
from tests.support.live_server import live_server  # noqa: E402


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="relieflog-bench-") as workdir:
        run(f"sqlite:///{workdir}/bench.db")


def run(database_url: str) -> None:
    app = migrated_app(database_url)
    seed_patient(app, "five-years@example.org", days=5 * 365, sessions=150)
    today = local_today("UTC")
    with live_server(database_url, workers=1, threads=1) as server:
        http = requests.Session()
        assert http.post(f"{server.url}/api/v1/auth/login", json={
            "email": "five-years@example.org", "password": PASSWORD}).status_code == 200
        url = f"{server.url}/api/v1/trends?from={today - timedelta(days=5 * 365)}&to={today}"
        body = http.get(url).json()
        health = timed(lambda: http.get(f"{server.url}/healthz"), repeat=200)
        trends = timed(lambda: http.get(url), repeat=50)
        last90 = timed(lambda: http.get(f"{server.url}/api/v1/trends"), repeat=50)
    print(f"trends: {len(body['days'])} days, {len(body['treatments'])} sessions, "
          f"{len(body['series'])} series")
    print(f"  GET /healthz                 {health:8.2f} ms (median of 200)")
    print(f"  GET /trends (5 years)        {trends:8.2f} ms (median of 50)"
          f"   ratio {trends / health:6.1f}x healthz")
    print(f"  GET /trends (default 90 d)   {last90:8.2f} ms (median of 50)"
          f"   ratio {last90 / health:6.1f}x healthz")


if __name__ == "__main__":
    main()
