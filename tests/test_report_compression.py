"""A provider's report goes out gzipped to a browser that accepts it (api/formats/reports.py):
the same JSON, about a seventh of the bytes, and never to a client that did not ask."""

from __future__ import annotations

import gzip
import json
import uuid
from datetime import date, timedelta

import pytest

from tests.support.clinics import connect, create_clinic
from tests.test_sharing import provider_for, share

GZIP = {"Accept-Encoding": "gzip, deflate, br"}


@pytest.fixture
def hundred_days(alice):
    """A patient with 100 days of scores and notes, and a session every ten days."""
    start = date.today() - timedelta(days=99)
    for n in range(100):
        day = start + timedelta(days=n)
        assert alice.put(f"/api/v1/entries/{day}", json={
            "pain": 2 + n % 7, "mood": 8 - n % 5, "notes": f"day {n}: walked, slept 7 h"},
        ).status_code == 201
        if n % 10 == 0:
            assert alice.put(f"/api/v1/treatments/{uuid.uuid4()}", json={
                "started_at": f"{day}T09:30:00Z", "route": "iv_infusion", "dose_mg": 35,
            }).status_code == 201
    return alice


def content(body: bytes) -> dict:
    """A report's JSON without the moment it was made (the panel's `generated_at`)."""
    found = json.loads(body)
    found.pop("generated_at", None)
    return found


def readers(app, alice):
    """(name, client, path, compressed) of each report: a link's and a clinic's patient's
    (over 1 KB: gzipped), and the clinic's panel of this one patient (under: sent as it is)."""
    link = provider_for(app, share(alice, include_notes=True))
    clinic = create_clinic(app)
    patient_id = connect(alice, clinic)
    return [("link", link, "/api/v1/shared/trends", True),
            ("clinic report", clinic.admin, f"/api/v1/clinic/patients/{patient_id}/trends", True),
            ("panel", clinic.admin, "/api/v1/clinic/patients", False)]


def test_reports_are_gzipped_for_a_browser_that_accepts_it(app, hundred_days):
    for name, client, path, compressed in readers(app, hundred_days):
        plain = client.get(path)
        packed = client.get(path, headers=GZIP)
        assert plain.status_code == packed.status_code == 200, name
        assert "Content-Encoding" not in plain.headers, name
        assert "Accept-Encoding" in plain.headers["Vary"], name
        assert "Accept-Encoding" in packed.headers["Vary"], name
        assert (len(plain.data) > 1024) is compressed, (name, len(plain.data))
        if not compressed:  # the panel of one patient: not worth it
            assert "Content-Encoding" not in packed.headers, name
            assert content(packed.data) == content(plain.data), name
            continue
        assert packed.headers["Content-Encoding"] == "gzip", name
        assert packed.headers["Content-Type"] == "application/json", name
        assert int(packed.headers["Content-Length"]) == len(packed.data), name
        assert content(gzip.decompress(packed.data)) == content(plain.data), name
        # The same report either way, only smaller: 100 days with notes, under a fifth.
        assert len(packed.data) * 5 < len(plain.data), (name, len(packed.data), len(plain.data))


def test_a_refusal_is_never_compressed(app, alice):
    """Problems (401 without the viewing cookie) stay plain problem+json."""
    response = app.test_client().get("/api/v1/shared/trends", headers=GZIP)
    assert response.status_code == 401
    assert "Content-Encoding" not in response.headers
    assert response.get_json()["status"] == 401
