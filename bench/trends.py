"""Trends for five years of daily data and 150 sessions, against GET /healthz, on a live
gunicorn server over HTTP; and the same five years with a PHQ-9 every two weeks, against
the same without questionnaires (target: at most 1.5x). Prints medians and their ratios,
measured in the same run."""

from __future__ import annotations

import sys
import tempfile
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from api.calendar import local_today  # noqa: E402
from bench.common import logged_in, migrated_app, seed_patient, timed  # noqa: E402
from tests.support.live_server import live_server  # noqa: E402


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="relieflog-bench-") as workdir:
        run(f"sqlite:///{workdir}/bench.db")


def run(database_url: str) -> None:
    app = migrated_app(database_url)
    seed_patient(app, "five-years@example.org", days=5 * 365, sessions=150)
    seed_patient(app, "with-phq9@example.org", days=5 * 365, sessions=150, phq9_every=14)
    today = local_today("UTC")
    with live_server(database_url, workers=1, threads=1) as server:
        http, with_phq9 = logged_in(server.url, "five-years"), logged_in(server.url, "with-phq9")
        url = f"{server.url}/api/v1/trends?from={today - timedelta(days=5 * 365)}&to={today}"
        body = http.get(url).json()
        answered = with_phq9.get(url).json()["questionnaires"]["phq9"]
        health = timed(lambda: http.get(f"{server.url}/healthz"), repeat=200)
        trends = timed(lambda: http.get(url), repeat=50)
        trends_phq9 = timed(lambda: with_phq9.get(url), repeat=50)
        last90 = timed(lambda: http.get(f"{server.url}/api/v1/trends"), repeat=50)
    print(f"trends: {len(body['days'])} days, {len(body['treatments'])} sessions, "
          f"{len(body['series'])} series")
    print(f"  GET /healthz                 {health:8.2f} ms (median of 200)")
    print(f"  GET /trends (5 years)        {trends:8.2f} ms (median of 50)"
          f"   ratio {trends / health:6.1f}x healthz")
    print(f"  GET /trends (default 90 d)   {last90:8.2f} ms (median of 50)"
          f"   ratio {last90 / health:6.1f}x healthz")
    print(f"  GET /trends (5 years, {len(answered['points'])} PHQ-9) {trends_phq9:8.2f} ms "
          f"(median of 50)   ratio {trends_phq9 / trends:6.2f}x without questionnaires "
          "(target <= 1.5)")



if __name__ == "__main__":
    main()
