"""GET /insights and GET /insights/week through HTTP: the patient's own, kept while their
data does not change, recomputed when it does, problem+json for bad dates."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from api.db import db
from api.summaries.models import KeptInsights

NOW = datetime(2026, 3, 30, 12, tzinfo=UTC)  # a Monday
D0 = date(2026, 3, 1)


@pytest.fixture(autouse=True)
def today_is_monday(monkeypatch):
    monkeypatch.setattr("api.calendar.utcnow", lambda: NOW)


def log(client, day: date, pain: int, mood: int, tags=(), side_effects=()):
    response = client.put(f"/api/v1/entries/{day}", json={
        "pain": pain, "mood": mood, "tags": list(tags), "side_effects": list(side_effects)})
    assert response.status_code in (200, 201), response.get_json()


def walk_history(client):
    """29 days in March: pain 3 / mood 7 with "walk" (every other day), 6 / 4 without."""
    for n in range(29):
        walk = n % 2 == 0
        log(client, D0 + timedelta(days=n), 3 if walk else 6, 7 if walk else 4,
            tags=("walk",) if walk else ("tired",) if n % 7 == 1 else ())


def test_a_factor_with_its_difference_interval_and_strength(alice):
    walk_history(alice)
    body = alice.get("/api/v1/insights?from=2026-03-01&to=2026-03-29").get_json()
    assert body["from"] == "2026-03-01" and body["min_days"] == 5
    walk = body["factors"][0]
    assert (walk["kind"], walk["name"], walk["days_with"], walk["days_without"]) == (
        "tag", "walk", 15, 14)
    assert walk["pain"] == {"with": 3.0, "without": 6.0, "diff": -3.0, "ci": [-3.0, -3.0],
                            "strength": "clear"}
    assert walk["mood"]["diff"] == 3.0 and walk["strength"] == "clear"
    assert walk["together_with"] == []
    assert body["too_few"] == [{"kind": "tag", "name": "tired", "days_with": 2,
                                "days_without": 27}]


def test_the_default_window_is_the_last_90_days(alice):
    log(alice, date(2025, 12, 30), 5, 5, tags=("old",))  # 91 days before today
    log(alice, date(2025, 12, 31), 5, 5, tags=("recent",))
    body = alice.get("/api/v1/insights").get_json()
    assert (body["from"], body["to"]) == ("2025-12-31", "2026-03-30")
    assert [row["name"] for row in body["too_few"]] == ["recent"]


def test_sessions_put_days_in_phases(alice):
    """Pain drops to 2 in the week after an infusion; "sunny" is logged on four relief
    days and on the ordinary days it is as painful as any: no credit, "none"."""
    for n in range(29):
        relief = 15 < n <= 22
        log(alice, D0 + timedelta(days=n), 2 if relief else 7, 8 if relief else 3,
            tags=("sunny",) if (relief and n % 2) or n in (2, 5, 8, 24, 27) else ())
    assert alice.put(f"/api/v1/treatments/{uuid.uuid4()}", json={
        "route": "iv_infusion", "dose_mg": 35, "started_at": "2026-03-16T10:00:00Z"}
    ).status_code == 201
    sunny = alice.get("/api/v1/insights?from=2026-03-01&to=2026-03-29").get_json()["factors"]
    assert sunny[0]["name"] == "sunny"
    assert sunny[0]["pain"]["diff"] == 0 and sunny[0]["strength"] == "none"


def test_kept_while_nothing_changes_and_recomputed_when_it_does(alice, app):
    walk_history(alice)
    url = "/api/v1/insights?from=2026-03-01&to=2026-03-29"
    first = alice.get(url).get_json()
    with app.app_context():
        kept = db.session.scalars(select(KeptInsights)).all()
        assert [(k.start_date, k.end_date) for k in kept] == [(D0, date(2026, 3, 29))]
    assert alice.get(url).get_json() == first
    log(alice, date(2026, 3, 2), 0, 10, tags=("walk",))  # a day without becomes one with
    second = alice.get(url).get_json()["factors"][0]
    assert (second["days_with"], second["days_without"]) == (16, 13)
    # A medication started in the range is a factor too, and its save makes it stale.
    assert alice.put(f"/api/v1/medications/{uuid.uuid4()}", json={
        "name": "sertraline", "class": "antidepressant", "started_on": "2026-03-15"}
    ).status_code == 201
    names = [row["name"] for row in alice.get(url).get_json()["factors"]]
    assert "sertraline" in names


def test_only_the_patients_own_days(alice, bob):
    walk_history(alice)
    assert bob.get("/api/v1/insights?from=2026-03-01&to=2026-03-29").get_json()["factors"] == []


@pytest.mark.parametrize("query, field", [
    ("from=2026-13-01", "from"), ("to=yesterday", "to"),
    ("from=2026-03-10&to=2026-03-01", "from")])
def test_bad_dates_are_a_problem_naming_the_field(alice, query, field):
    response = alice.get(f"/api/v1/insights?{query}")
    assert response.status_code == 422
    assert response.content_type == "application/problem+json"
    assert field in str(response.get_json())


def test_needs_a_login(client):
    assert client.get("/api/v1/insights").status_code == 401
    assert client.get("/api/v1/insights/week").status_code == 401


def test_your_week(alice):
    for n in range(16, 29):  # 03-17 .. 03-29: the week before from Tuesday, last week whole
        log(alice, D0 + timedelta(days=n), 6 if n < 22 else 4, 5)
    assert alice.put(f"/api/v1/treatments/{uuid.uuid4()}", json={
        "route": "iv_infusion", "dose_mg": 35, "started_at": "2026-03-25T10:00:00Z"}
    ).status_code == 201
    week = alice.get("/api/v1/insights/week").get_json()
    assert week == {"week_start": "2026-03-23", "week_end": "2026-03-29", "first_day": True,
                    "days_logged": 7, "sessions": 1, "checkins": 0,
                    "pain": {"average": 4.0, "previous": 6.0, "change": -2.0},
                    "mood": {"average": 5.0, "previous": 5.0, "change": 0.0}}


def test_your_week_of_the_phones_today(alice):
    """The phone asks for the week before its own today (a day ahead at most)."""
    log(alice, date(2026, 3, 18), 7, 3)
    week = alice.get("/api/v1/insights/week?date=2026-03-23").get_json()
    assert (week["week_start"], week["days_logged"], week["first_day"]) == (
        "2026-03-16", 1, True)
    assert alice.get("/api/v1/insights/week?date=2026-03-25").get_json()["first_day"] is False
    for bad in ("2026-04-01", "2026-02-30", "monday"):
        response = alice.get(f"/api/v1/insights/week?date={bad}")
        assert response.status_code == 422, bad
        assert response.content_type == "application/problem+json"
        assert "date" in str(response.get_json())
