"""The medication list (issue 15): replay-safe PUT by UUID with ETag/If-Match, dose changes
recorded once, ownership, bad input, and the markers on trends."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

SERTRALINE = {"name": "Sertraline", "dose": "50 mg", "class": "antidepressant",
              "started_on": "2026-01-10", "notes": "Morning."}


def url(medication_id) -> str:
    return f"/api/v1/medications/{medication_id}"


def write_one(client, day: str, text: str) -> tuple[str, dict[str, Any]]:
    """One medication taken on `day` only (within a range exactly when the day is), `text`
    in its notes, through its PUT route: its path and the body sent
    (tests/support/kinds.py: every declared kind's sweep writes so)."""
    path = url(uuid.uuid4())
    body = {"name": f"Med {day}", "dose": "5 mg", "class": "other", "started_on": day,
            "stopped_on": day, "notes": text}
    response = client.put(path, json=body)
    assert response.status_code == 201, response.get_json()
    return path, body


def test_put_creates_replays_replaces_and_deletes(alice):
    mid = uuid.uuid4()
    created = alice.put(url(mid), json=SERTRALINE)
    assert created.status_code == 201 and created.headers["ETag"] == '"1"'
    assert created.get_json() == {
        "id": str(mid), "name": "Sertraline", "dose": "50 mg", "class": "antidepressant",
        "started_on": "2026-01-10", "stopped_on": None, "notes": "Morning.", "changes": [],
        "initial_dose": "50 mg", "version": 1, "created_at": created.get_json()["created_at"],
        "updated_at": created.get_json()["updated_at"]}
    replay = alice.put(url(mid), json=SERTRALINE)
    assert replay.status_code == 200 and replay.get_json()["version"] == 1
    stopped = alice.put(url(mid), json={**SERTRALINE, "stopped_on": "2026-03-01"},
                        headers={"If-Match": '"1"'})
    assert stopped.status_code == 200 and stopped.get_json()["version"] == 2
    stale = alice.put(url(mid), json=SERTRALINE, headers={"If-Match": '"1"'})
    assert stale.status_code == 412
    assert stale.get_json()["current"]["stopped_on"] == "2026-03-01"
    assert alice.get(url(mid)).get_json()["stopped_on"] == "2026-03-01"
    assert alice.delete(url(mid), headers={"If-Match": '"1"'}).status_code == 412
    assert alice.delete(url(mid), headers={"If-Match": '"2"'}).status_code == 204
    assert alice.get(url(mid)).status_code == 404
    assert alice.delete(url(mid)).status_code == 404


def test_list_is_by_start_then_name(alice):
    for name, started in [("Zolpidem", "2026-02-01"), ("Lorazepam", "2026-02-01"),
                          ("Bupropion", "2025-12-01")]:
        body = {"name": name, "class": "other", "started_on": started}
        assert alice.put(url(uuid.uuid4()), json=body).status_code == 201
    items = alice.get("/api/v1/medications").get_json()["items"]
    assert [m["name"] for m in items] == ["Bupropion", "Lorazepam", "Zolpidem"]
    assert items[0]["dose"] == "" and items[0]["notes"] == ""


def test_a_dose_change_is_recorded_once_however_often_it_is_sent(alice):
    mid = uuid.uuid4()
    alice.put(url(mid), json=SERTRALINE)
    changed = {**SERTRALINE, "dose": "100 mg", "dose_changed_on": "2026-02-15"}
    first = alice.put(url(mid), json=changed)
    assert first.get_json()["changes"] == [{"date": "2026-02-15", "dose": "100 mg"}]
    for _ in range(2):
        again = alice.put(url(mid), json=changed)
        assert again.status_code == 200 and again.get_json()["version"] == 2
    # Notes changed, dose not: no dose change.
    noted = alice.put(url(mid), json={**changed, "notes": "Evening now."}).get_json()
    assert noted["changes"] == [{"date": "2026-02-15", "dose": "100 mg"}]
    # Without a date the change is dated the patient's today (alice lives in UTC).
    lower = alice.put(url(mid), json={**SERTRALINE, "dose": "75 mg"}).get_json()
    assert lower["changes"] == [{"date": "2026-02-15", "dose": "100 mg"},
                                {"date": datetime.now(UTC).date().isoformat(), "dose": "75 mg"}]


def test_another_patients_medication_is_404_and_a_put_makes_ones_own(alice, bob):
    mid = uuid.uuid4()
    alice.put(url(mid), json=SERTRALINE)
    assert bob.get(url(mid)).status_code == 404
    assert bob.delete(url(mid)).status_code == 404
    assert bob.put(url(mid), json={**SERTRALINE, "name": "Bob's"}).status_code == 201
    assert alice.get(url(mid)).get_json()["name"] == "Sertraline"
    assert bob.get("/api/v1/medications").get_json()["items"][0]["name"] == "Bob's"


@pytest.mark.parametrize(("change", "field"), [
    ({"stopped_on": "2026-01-09"}, "stopped_on"),
    ({"name": ""}, "name"),
    ({"name": "   "}, "name"),
    ({"name": "x" * 121}, "name"),
    ({"dose": "x" * 61}, "dose"),
    ({"class": "ssri"}, "class"),
    ({"started_on": "2026-1-10"}, "started_on"),
    ({"started_on": None}, "started_on"),
    ({"notes": "x" * 2001}, "notes"),
    ({"dose_changed_on": "2026-01-01", "dose": "75 mg"}, "dose_changed_on"),
    ({"color": "white"}, "color"),
])
def test_bad_medications_are_422_and_nothing_is_stored(alice, change, field):
    mid = uuid.uuid4()
    body = {**SERTRALINE, **change}
    if field == "dose_changed_on":
        alice.put(url(mid), json=SERTRALINE)
    response = alice.put(url(mid), json=body)
    assert response.status_code == 422, response.get_json()
    assert field in response.get_json()["errors"]
    stored = alice.get(url(mid))
    assert stored.status_code == 404 or stored.get_json()["version"] == 1


def test_started_on_and_dose_changed_on_not_after_tomorrow(alice):
    later = (date.today() + timedelta(days=3)).isoformat()
    response = alice.put(url(uuid.uuid4()), json={**SERTRALINE, "started_on": later})
    assert response.status_code == 422 and "started_on" in response.get_json()["errors"]
    mid = uuid.uuid4()
    alice.put(url(mid), json=SERTRALINE)
    response = alice.put(url(mid), json={**SERTRALINE, "dose": "1 mg",
                                         "dose_changed_on": later})
    assert response.status_code == 422 and "dose_changed_on" in response.get_json()["errors"]


def test_markers_within_the_trends_window(alice):
    mid = uuid.uuid4()
    alice.put(url(mid), json={**SERTRALINE, "started_on": "2026-01-10"})
    alice.put(url(mid), json={**SERTRALINE, "dose": "100 mg", "dose_changed_on": "2026-02-15"})
    alice.put(url(mid), json={**SERTRALINE, "dose": "100 mg", "stopped_on": "2026-03-20"})
    other = uuid.uuid4()
    alice.put(url(other), json={"name": "Lorazepam", "dose": "1 mg", "class": "benzodiazepine",
                                "started_on": "2026-02-15"})
    trends = alice.get("/api/v1/trends?from=2026-02-01&to=2026-03-31").get_json()
    assert trends["medications"] == [
        {"date": "2026-02-15", "kind": "started", "medication_id": str(other),
         "name": "Lorazepam", "dose": "1 mg", "class": "benzodiazepine"},
        {"date": "2026-02-15", "kind": "changed", "medication_id": str(mid),
         "name": "Sertraline", "dose": "100 mg", "class": "antidepressant"},
        {"date": "2026-03-20", "kind": "stopped", "medication_id": str(mid),
         "name": "Sertraline", "dose": "100 mg", "class": "antidepressant"},
    ]
    january = alice.get("/api/v1/trends?from=2026-01-01&to=2026-01-31").get_json()
    assert january["medications"] == [
        {"date": "2026-01-10", "kind": "started", "medication_id": str(mid),
         "name": "Sertraline", "dose": "50 mg", "class": "antidepressant"}]
    assert alice.get("/api/v1/trends?from=2026-04-01&to=2026-04-30"
                     ).get_json()["medications"] == []
