"""Treatment sessions: idempotent PUT by client UUID, local dates, ownership, bad input."""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest
from sqlalchemy import func, select

from api.db import db
from api.treatments.models import Treatment

SESSION = {
    "started_at": "2026-03-02T09:30:00-06:00",
    "route": "iv_infusion",
    "dose_mg": 35.5,
    "dose_mg_per_kg": 0.5,
    "duration_minutes": 40,
    "phase": "induction",
    "clinic": "Lakeside Infusion Center",
    "pain_before": 7,
    "pain_after": 4,
    "mood_before": 3,
    "mood_after": 6,
    "dissociation": 5,
    "side_effects": ["nausea", "dissociation"],
    "notes": "Felt floaty for 20 minutes.",
}


def url(treatment_id: uuid.UUID | str) -> str:
    return f"/api/v1/treatments/{treatment_id}"


def write_one(client, day: str, text: str) -> tuple[str, dict[str, Any]]:
    """One session on `day` with a reading, `text` in its notes, through its PUT route: its
    path and the body sent (tests/support/kinds.py: every declared kind's sweep writes so)."""
    path = url(uuid.uuid4())
    body = {"started_at": f"{day}T10:00:00Z", "route": "iv_infusion", "dose_mg": 35,
            "notes": text, "vitals": [{"taken_at": f"{day}T09:55:00Z", "phase": "before",
                                       "systolic": 120, "diastolic": 80}]}
    response = client.put(path, json=body)
    assert response.status_code == 201, response.get_json()
    return path, body


def count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Treatment))


def test_put_creates_replays_and_replaces(app, alice):
    tid = uuid.uuid4()
    created = alice.put(url(tid), json=SESSION)
    assert created.status_code == 201
    body = created.get_json()
    assert body["id"] == str(tid) and body["medication"] == "ketamine"
    assert body["local_date"] == "2026-03-02" and body["version"] == 1
    assert alice.put(url(tid), json=SESSION).status_code == 200
    assert alice.get(url(tid)).get_json()["version"] == 1
    changed = alice.put(url(tid), json={**SESSION, "dose_mg": 40})
    assert changed.status_code == 200 and changed.get_json()["version"] == 2
    assert count(app) == 1


def test_local_date_uses_the_patients_time_zone(patient):
    chicago = patient(timezone="America/Chicago")
    # 23:30 in Chicago is already the next day in UTC; the session belongs to the local day.
    late = {**SESSION, "started_at": "2026-03-02T23:30:00-06:00"}
    body = chicago.put(url(uuid.uuid4()), json=late)
    assert body.get_json()["local_date"] == "2026-03-02"
    assert body.get_json()["started_at"] == "2026-03-03T05:30:00+00:00"


def test_post_assigns_an_id(alice):
    response = alice.post("/api/v1/treatments", json={"started_at": "2026-03-01T10:00:00Z",
                                                      "route": "intranasal",
                                                      "medication": "esketamine"})
    assert response.status_code == 201
    uuid.UUID(response.get_json()["id"])
    assert response.get_json()["with_psychotherapy"] is False


def test_list_ordered_by_start_and_ranged(alice):
    for started in ("2026-03-05T10:00:00Z", "2026-03-01T10:00:00Z", "2026-03-03T10:00:00Z"):
        alice.put(url(uuid.uuid4()), json={**SESSION, "started_at": started})
    items = alice.get("/api/v1/treatments?from=2026-03-01&to=2026-03-04").get_json()["items"]
    assert [i["local_date"] for i in items] == ["2026-03-01", "2026-03-03"]
    assert len(alice.get("/api/v1/treatments").get_json()["items"]) == 3


def test_uuids_are_per_patient_and_reveal_nothing(app, alice, bob):
    """Security review: a PUT to another patient's UUID answered 404 where a fresh UUID
    answered 201, so anyone could test whether a UUID was in use. The key is now
    (patient, UUID): bob's PUT with alice's UUID is bob's own new session, exactly as
    with a UUID no one has, and alice's session is untouched."""
    tid = uuid.uuid4()
    alice.put(url(tid), json=SESSION)
    for method in ("get", "delete"):
        assert getattr(bob, method)(url(tid)).status_code == 404
    taken = bob.put(url(tid), json={**SESSION, "notes": "mine"})
    fresh = bob.put(url(uuid.uuid4()), json={**SESSION, "notes": "mine"})
    assert taken.status_code == fresh.status_code == 201
    assert taken.get_json()["version"] == fresh.get_json()["version"] == 1
    assert alice.get(url(tid)).get_json()["notes"] == SESSION["notes"]
    assert bob.get(url(tid)).get_json()["notes"] == "mine"
    # Each patient deletes only their own; the other's stays.
    assert bob.delete(url(tid)).status_code == 204
    assert alice.get(url(tid)).status_code == 200
    assert [i["id"] for i in alice.get("/api/v1/treatments").get_json()["items"]] == [str(tid)]
    assert count(app) == 2


def test_delete(alice):
    tid = uuid.uuid4()
    alice.put(url(tid), json=SESSION)
    assert alice.delete(url(tid)).status_code == 204
    assert alice.get(url(tid)).status_code == 404
    assert alice.delete(url(tid)).status_code == 404


def test_stale_if_match(alice):
    tid = uuid.uuid4()
    alice.put(url(tid), json=SESSION)
    alice.put(url(tid), json={**SESSION, "dose_mg": 50})
    stale = alice.put(url(tid), json={**SESSION, "dose_mg": 60}, headers={"If-Match": '"1"'})
    assert stale.status_code == 412 and stale.get_json()["current"]["dose_mg"] == 50


BAD = [
    ({**SESSION, "route": "teleport"}, "route"),
    ({**SESSION, "dose_mg": -5}, "dose_mg"),
    ({**SESSION, "dose_mg": 0}, "dose_mg"),
    ({**SESSION, "dose_mg": "35"}, "dose_mg"),
    ({**SESSION, "started_at": "2026-03-02T09:30:00"}, "started_at"),
    ({**SESSION, "started_at": "yesterday"}, "started_at"),
    ({**SESSION, "started_at": "1899-12-31T10:00:00Z"}, "started_at"),
    ({**SESSION, "started_at": "2999-01-01T10:00:00Z"}, "started_at"),
    ({**SESSION, "pain_after": 11}, "pain_after"),
    ({**SESSION, "dissociation": 2.5}, "dissociation"),
    ({**SESSION, "with_psychotherapy": "yes"}, "with_psychotherapy"),
    ({**SESSION, "phase": "forever"}, "phase"),
    ({**SESSION, "side_effects": ["hiccups"]}, "side_effects.0"),
    ({**SESSION, "duration_minutes": 2000}, "duration_minutes"),
    ({**SESSION, "notes": "n" * 2001}, "notes"),
    ({**SESSION, "medication": ""}, "medication"),
    ({**SESSION, "user_id": 1}, "user_id"),
    ({k: v for k, v in SESSION.items() if k != "route"}, "route"),
]


@pytest.mark.parametrize(("body", "field"), BAD)
def test_bad_sessions_are_422_naming_the_field(app, alice, body, field):
    tid = uuid.uuid4()
    alice.put(url(tid), json=SESSION)
    response = alice.put(url(tid), data=json.dumps(body), content_type="application/json")
    assert response.status_code == 422, response.get_json()
    assert field in response.get_json()["errors"]
    assert alice.get(url(tid)).get_json()["version"] == 1


@pytest.mark.parametrize("bad_id", ["abc", "12345", "not-a-uuid-at-all-0000000000000000"])
def test_non_uuid_id_is_422_naming_id(alice, bad_id):
    response = alice.put(url(bad_id), json=SESSION)
    assert response.status_code == 422
    assert response.get_json()["errors"] == {"id": ["Not a valid UUID."]}
