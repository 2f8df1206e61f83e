"""Issue 24: moving a patient between installs. Everything /me/export writes comes back
whole when imported into a new account on another install (another app on another
database): every CSV and FHIR download and /trends are equal but for ids and created
times; and for random entries, export then import into an empty account gives the same
entries."""

from __future__ import annotations

import csv
import io
import re
import uuid
from collections.abc import Iterator
from datetime import date, timedelta

import pytest
from flask import Flask
from flask_migrate import upgrade
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from api.config import MIGRATIONS
from tests.conftest import other_app, register, wipe

PHQ9 = {f"q{n}": n % 4 for n in range(1, 10)}
CSV_DOWNLOADS = ("entries", "treatments", "questionnaires", "medications")
# What differs between two accounts holding the same record: when each row was written,
# and ids made from the account's own key (FHIR).
VOLATILE = {"created_at", "updated_at", "version"}
UUID_OR_HEX = re.compile(r"urn:uuid:[0-9a-f-]{36}|\b[0-9a-f]{32,64}\b")


@pytest.fixture
def second_install(empty_database_url: str) -> Iterator[Flask]:
    """Another Relieflog: its own app on its own, freshly migrated database."""
    with other_app(empty_database_url) as application:
        with application.app_context():
            upgrade(directory=str(MIGRATIONS))
        yield application


def fill(client) -> None:
    """A patient with something of every kind an export brings back."""
    for n in range(12):
        day = (date(2026, 2, 20) + timedelta(days=n)).isoformat()
        client.put(f"/api/v1/entries/{day}", json={
            "pain": 8 - n % 5, "mood": 2 + n % 6, "anxiety": n % 4, "sleep_hours": 6.5,
            "side_effects": ["nausea"] if n % 3 == 0 else [], "tags": ["walk", f"t{n % 2}"],
            "notes": "=1+1 typed by hand" if n == 4 else f"día {n}"})
    client.put("/api/v1/entries/2026-02-20", json={"pain": 9, "notes": "corrected"})
    for day, route in (("2026-02-25", "intranasal"), ("2026-02-28", "iv_infusion")):
        response = client.put(f"/api/v1/treatments/{uuid.uuid4()}", json={
            "started_at": f"{day}T10:00:00+01:00", "route": route, "dose_mg": 56,
            "pain_before": 7, "pain_after": 3, "side_effects": ["dizziness"],
            "observation_minutes": 120, "concomitant": ["benzodiazepine"],
            "vitals": [{"taken_at": f"{day}T08:50:00Z", "phase": "before", "systolic": 150,
                        "diastolic": 88, "heart_rate": 70},
                       {"taken_at": f"{day}T09:40:00Z", "phase": "during", "systolic": 182,
                        "diastolic": 104}]})
        assert response.status_code == 201, response.get_json()
    medication = str(uuid.uuid4())
    lorazepam = {"name": "Lorazepam", "dose": "1 mg", "class": "benzodiazepine",
                 "started_on": "2026-02-01", "notes": "at night"}
    client.put(f"/api/v1/medications/{medication}", json=lorazepam)
    client.put(f"/api/v1/medications/{medication}", json={
        **lorazepam, "dose": "2 mg", "dose_changed_on": "2026-02-15"})
    client.put(f"/api/v1/medications/{medication}", json={
        **lorazepam, "dose": "0.5 mg", "dose_changed_on": "2026-02-26",
        "stopped_on": "2026-03-01"})
    assert client.put(f"/api/v1/responses/{uuid.uuid4()}", json={
        "instrument": "phq9", "answered_at": "2026-02-21T12:00:00Z",
        "answers": PHQ9}).status_code == 201
    assert client.put(f"/api/v1/responses/{uuid.uuid4()}", json={
        "instrument": "phq9", "answered_at": "2026-03-02T12:00:00Z",
        "answers": {**PHQ9, "q9": 1}}).status_code == 201
    client.put("/api/v1/bladder-checks/2026-02-27", json={"symptoms": ["painful_urination"]})


def csv_rows(client, kind: str) -> list[dict[str, str]]:
    response = client.get(f"/api/v1/export/{kind}.csv")
    assert response.status_code == 200
    rows = csv.DictReader(io.StringIO(response.get_data().decode("utf-8-sig"), newline=""))
    return [{k: v for k, v in row.items() if k not in VOLATILE} for row in rows]


def without_ids(value):
    """A FHIR bundle with its account-derived ids and its generation time blanked."""
    if isinstance(value, dict):
        return {k: without_ids(v) for k, v in value.items()
                if k not in ("id", "timestamp", "lastUpdated", "fullUrl")}
    if isinstance(value, list):
        return [without_ids(v) for v in value]
    if isinstance(value, str):
        return UUID_OR_HEX.sub("<id>", value)
    return value


def downloads(client) -> dict:
    trends = client.get("/api/v1/trends?from=2026-01-15&to=2026-03-10").get_json()
    for check in trends["bladder_checks"]:
        check.pop("answered_at")  # when the answer was stored: its created time
    return {
        **{kind: csv_rows(client, kind) for kind in CSV_DOWNLOADS},
        "fhir": without_ids(client.get("/api/v1/export/fhir").get_json()),
        "trends": trends,
    }


def move(source, target) -> dict:
    exported = source.get("/api/v1/me/export")
    assert exported.status_code == 200
    preview = target.post("/api/v1/imports", data=exported.get_data(),
                          content_type="application/json")
    assert preview.status_code == 201, preview.get_json()
    result = target.post(f"/api/v1/imports/{preview.get_json()['id']}/commit", json={})
    assert result.status_code == 200, result.get_json()
    return {"preview": preview.get_json(), "result": result.get_json()}


def test_an_export_moves_whole_to_another_install(alice, second_install):
    fill(alice)
    newcomer = second_install.test_client()
    register(newcomer)
    moved = move(alice, newcomer)
    preview = moved["preview"]
    assert (preview["format"], preview["days"], preview["new"]) == ("relieflog", 12, 12)
    assert preview["records"] == {"treatments": 2, "medications": 1,
                                  "questionnaire_responses": 2, "bladder_checks": 1}
    assert moved["result"]["created"] == 12 + 2 + 1 + 2 + 1
    assert downloads(newcomer) == downloads(alice)

    again = move(alice, newcomer)  # the same file twice: nothing new
    assert again["result"]["nothing_new"] is True
    assert again["result"]["identical"] == 18
    assert downloads(newcomer) == downloads(alice)


ENTRY = st.fixed_dictionaries({
    "pain": st.none() | st.integers(0, 10), "mood": st.integers(0, 10),
    "anxiety": st.none() | st.integers(0, 10),
    "sleep_hours": st.none() | st.integers(0, 240).map(lambda n: n / 10),
    "side_effects": st.lists(st.sampled_from(["nausea", "dizziness", "headache"]),
                             unique=True, max_size=2),
    "tags": st.lists(st.text(st.characters(categories=["L", "N"], include_characters="|;,= "),
                             min_size=1, max_size=32).map(str.strip).filter(bool),
                     unique=True, max_size=4),
    "notes": st.text(max_size=200).filter(lambda s: "\x00" not in s),
})


@settings(max_examples=15, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(entries=st.dictionaries(st.integers(0, 800), ENTRY, min_size=1, max_size=8))
def test_random_entries_come_back_the_same(app, second_install, entries):
    wipe(app)
    wipe(second_install)
    source, target = app.test_client(), second_install.test_client()
    register(source)
    register(target)
    for offset, body in entries.items():
        day = (date(2024, 1, 1) + timedelta(days=offset)).isoformat()
        response = source.put(f"/api/v1/entries/{day}", json=body)
        assert response.status_code in (200, 201), response.get_json()
    move(source, target)

    def stored(client):
        items = client.get("/api/v1/entries?from=2024-01-01&to=2026-12-31").get_json()["items"]
        return [{k: v for k, v in item.items() if k not in VOLATILE} for item in items]

    assert stored(target) == stored(source)
