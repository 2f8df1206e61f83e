"""50 identical writes at once against a real gunicorn server leave exactly one row."""

from __future__ import annotations

import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
from sqlalchemy import func, select

from api.db import db
from api.entries.models import Entry, EntryVersion
from api.treatments.models import Treatment
from tests.conftest import PASSWORD
from tests.support.live_server import live_server

pytestmark = pytest.mark.live


@pytest.fixture(scope="module")
def server(app, database_url):
    """Started once for the module: each test makes an account of its own."""
    with live_server(database_url, workers=3, threads=8) as running:
        yield running


def logged_in(server) -> requests.Session:
    session = requests.Session()
    response = session.post(f"{server.url}/api/v1/auth/register", json={
        "email": f"{uuid.uuid4().hex}@example.org", "password": PASSWORD})
    assert response.status_code == 201
    return session


def hammer(session: requests.Session, method: str, url: str, body: dict, times: int = 50):
    with ThreadPoolExecutor(max_workers=25) as pool:
        futures = [pool.submit(session.request, method, url, json=body, timeout=60)
                   for _ in range(times)]
        return [f.result() for f in futures]


def test_fifty_identical_entry_puts(app, server):
    session = logged_in(server)
    url = f"{server.url}/api/v1/entries/2026-03-01"
    responses = hammer(session, "PUT", url, {"pain": 4, "mood": 6, "notes": "once"})
    codes = sorted(r.status_code for r in responses)
    assert all(code in (200, 201) for code in codes), codes
    assert codes.count(201) == 1
    assert {r.json()["version"] for r in responses} == {1}
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Entry)) == 1
        assert db.session.scalar(select(func.count()).select_from(EntryVersion)) == 0


def test_fifty_different_entry_puts_keep_every_version(app, server):
    session = logged_in(server)
    url = f"{server.url}/api/v1/entries/2026-03-02"
    with ThreadPoolExecutor(max_workers=25) as pool:
        responses = list(pool.map(
            lambda n: session.put(url, json={"pain": n % 11, "notes": f"write {n}"}, timeout=60),
            range(50)))
    assert all(r.status_code in (200, 201) for r in responses), [r.status_code for r in responses]
    with app.app_context():
        entry = db.session.scalars(select(Entry)).one()
        versions = db.session.scalars(select(EntryVersion.version)).all()
    # Every write either became the current entry or is in history: nothing was lost.
    assert entry.version == 50 and sorted(versions) == list(range(1, 50))


def test_fifty_identical_treatment_puts(app, server):
    session = logged_in(server)
    url = f"{server.url}/api/v1/treatments/{uuid.uuid4()}"
    body = {"started_at": "2026-03-01T10:00:00Z", "route": "iv_infusion", "dose_mg": 35}
    responses = hammer(session, "PUT", url, body)
    codes = [r.status_code for r in responses]
    assert all(code in (200, 201) for code in codes) and codes.count(201) == 1, codes
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Treatment)) == 1
