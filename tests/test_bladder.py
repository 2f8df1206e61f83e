"""The weekly bladder question (issue 15): due while 4+ sessions in 30 days and nothing
answered in the last 7; answers replay-safe by date; shown on trends and the report."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from tests.test_sharing import provider_for, share


def today():
    return datetime.now(UTC).date()  # the patients here live in UTC


def sessions(client, *days_ago: int) -> None:
    for ago in days_ago:
        started = f"{(today() - timedelta(days=ago)).isoformat()}T09:00:00Z"
        body = {"started_at": started, "route": "intranasal"}
        assert client.put(f"/api/v1/treatments/{uuid.uuid4()}", json=body).status_code == 201


def answer(client, days_ago: int, symptoms=()):
    day = (today() - timedelta(days=days_ago)).isoformat()
    return client.put(f"/api/v1/bladder-checks/{day}", json={"symptoms": list(symptoms)})


def due(client) -> dict:
    response = client.get("/api/v1/bladder-checks/due")
    assert response.status_code == 200
    return response.get_json()


def write_one(client, day: str, text: str) -> tuple[str, dict[str, Any]]:
    """One bladder answer on `day` (no free text), through its PUT route: its path and the
    body sent (tests/support/kinds.py: every declared kind's sweep writes so)."""
    path, body = f"/api/v1/bladder-checks/{day}", {"symptoms": ["urinary_frequency"]}
    response = client.put(path, json=body)
    assert response.status_code == 201, response.get_json()
    return path, body


def test_not_due_with_three_sessions_in_30_days(alice):
    sessions(alice, 0, 10, 29, 30)  # 30 days ago is outside the window
    assert due(alice) == {"due": False, "sessions_in_30_days": 3, "last_answered_on": None}


def test_due_with_four_sessions_in_30_days(alice):
    sessions(alice, 0, 3, 10, 29)
    assert due(alice) == {"due": True, "sessions_in_30_days": 4, "last_answered_on": None}


@pytest.mark.parametrize(("days_ago", "is_due"), [(0, False), (6, False), (7, True)])
def test_an_answer_in_the_last_seven_days_stops_the_question(alice, days_ago, is_due):
    sessions(alice, 1, 2, 3, 4)
    assert answer(alice, days_ago).status_code == 201
    state = due(alice)
    assert state["due"] is is_due
    assert state["last_answered_on"] == (today() - timedelta(days=days_ago)).isoformat()


def test_answers_are_replay_safe_and_listed(alice):
    first = answer(alice, 0, ["blood_in_urine", "urinary_frequency", "urinary_frequency"])
    assert first.status_code == 201
    assert first.get_json()["symptoms"] == ["urinary_frequency", "blood_in_urine"]
    replay = answer(alice, 0, ["urinary_frequency", "blood_in_urine"])
    assert replay.status_code == 200 and replay.headers["ETag"] == '"1"'
    changed = answer(alice, 0, [])
    assert changed.status_code == 200 and changed.get_json()["symptoms"] == []
    listed = alice.get("/api/v1/bladder-checks").get_json()["items"]
    assert [(c["date"], c["symptoms"]) for c in listed] == [(today().isoformat(), [])]
    assert set(listed[0]) == {"date", "symptoms", "answered_at"}


def test_another_patients_answers_are_not_seen(alice, bob):
    answer(alice, 0, ["painful_urination"])
    assert bob.get("/api/v1/bladder-checks").get_json()["items"] == []
    assert due(bob)["last_answered_on"] is None


@pytest.mark.parametrize(("path_day", "body", "field"), [
    ("tomorrow+1", {"symptoms": []}, "date"),
    ("2026-02-30", {"symptoms": []}, "date"),
    ("today", {"symptoms": ["nausea"]}, "symptoms.0"),
    ("today", {"symptoms": "blood_in_urine"}, "symptoms"),
    ("today", {}, "symptoms"),
    ("today", {"symptoms": [], "note": "x"}, "note"),
])
def test_bad_answers_are_422(alice, path_day, body, field):
    day = {"today": today(), "tomorrow+1": today() + timedelta(days=2)}.get(path_day)
    response = alice.put(f"/api/v1/bladder-checks/{day or path_day}", json=body)
    assert response.status_code == 422, response.get_json()
    assert field in response.get_json()["errors"]
    assert alice.get("/api/v1/bladder-checks").get_json()["items"] == []


def test_answers_on_trends_and_on_the_report(app, alice):
    # The report's window starts at the first logged day (as its chart does).
    alice.put(f"/api/v1/entries/{today() - timedelta(days=3)}", json={"pain": 4})
    answer(alice, 2, ["urinary_frequency"])
    two_days_ago = (today() - timedelta(days=2)).isoformat()
    mine = alice.get("/api/v1/trends").get_json()["bladder_checks"]
    assert [(c["date"], c["symptoms"]) for c in mine] == [(two_days_ago, ["urinary_frequency"])]
    report = provider_for(app, share(alice)).get("/api/v1/shared/trends").get_json()
    assert [(c["date"], c["symptoms"]) for c in report["bladder_checks"]] == \
        [(two_days_ago, ["urinary_frequency"])]
