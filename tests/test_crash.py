"""kill -9 the server in the middle of a write load: every acknowledged write survives
intact, and the database is consistent."""

from __future__ import annotations

import threading
import time
import uuid
from datetime import date, timedelta

import pytest
import requests
from sqlalchemy import text

from api.db import db
from tests.conftest import PASSWORD
from tests.support.live_server import live_server

pytestmark = pytest.mark.live


def writer(url: str, email: str, offset: int, acknowledged: list, stop: threading.Event):
    http = requests.Session()
    http.post(f"{url}/api/v1/auth/login", json={"email": email, "password": PASSWORD})
    n = 0
    while not stop.is_set():
        day = date(2020, 1, 1) + timedelta(days=offset * 1000 + n)
        body = {"pain": n % 11, "mood": (n * 7) % 11, "notes": f"writer {offset} write {n} ✓"}
        tid = str(uuid.uuid4())
        session_body = {"started_at": f"{day}T10:00:00Z", "route": "iv_infusion",
                        "dose_mg": float(n + 1)}
        try:
            if http.put(f"{url}/api/v1/entries/{day}", json=body, timeout=5).status_code in (
                    200, 201):
                acknowledged.append(("entry", str(day), body))
            if http.put(f"{url}/api/v1/treatments/{tid}", json=session_body,
                        timeout=5).status_code in (200, 201):
                acknowledged.append(("treatment", tid, session_body))
        except requests.RequestException:
            return  # the server died under us: what was acknowledged is what counts
        n += 1


@pytest.mark.slow
def test_acknowledged_writes_survive_kill_9(app, database_url):
    email = f"{uuid.uuid4().hex}@example.org"
    acknowledged: list = []
    stop = threading.Event()
    with live_server(database_url, workers=2, threads=4) as server:
        assert requests.post(f"{server.url}/api/v1/auth/register",
                             json={"email": email, "password": PASSWORD}).status_code == 201
        threads = [threading.Thread(target=writer, args=(server.url, email, i, acknowledged,
                                                         stop)) for i in range(6)]
        for thread in threads:
            thread.start()
        time.sleep(2.5)
        server.kill()  # mid-load, no warning, no clean shutdown
        stop.set()
        for thread in threads:
            thread.join(timeout=10)
    assert len(acknowledged) > 20, "the load never got going"

    with live_server(database_url, workers=1) as restarted:
        http = requests.Session()
        assert http.post(f"{restarted.url}/api/v1/auth/login",
                         json={"email": email, "password": PASSWORD}).status_code == 200
        for kind, key, body in acknowledged:
            if kind == "entry":
                got = http.get(f"{restarted.url}/api/v1/entries/{key}").json()
                assert (got["pain"], got["mood"], got["notes"]) == (
                    body["pain"], body["mood"], body["notes"])
            else:
                got = http.get(f"{restarted.url}/api/v1/treatments/{key}").json()
                assert got["dose_mg"] == body["dose_mg"]

    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            assert db.session.execute(text("PRAGMA integrity_check")).scalar() == "ok"
        else:
            # Every entry references a live user; no half-written rows exist.
            orphans = db.session.execute(text(
                "SELECT count(*) FROM entries e LEFT JOIN users u ON u.id = e.user_id "
                "WHERE u.id IS NULL")).scalar()
            assert orphans == 0
