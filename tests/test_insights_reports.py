"""The "include insights" tick on share links and clinic connections: off by default, and
when ticked the report carries the patient's insights (tags only with the notes)."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta

import pytest

from tests.support.clinics import connect, create_clinic
from tests.test_sharing import provider_for, share

NOW = datetime(2026, 3, 30, 12, tzinfo=UTC)
D0 = date(2026, 3, 1)


@pytest.fixture(autouse=True)
def today(monkeypatch):
    monkeypatch.setattr("api.calendar.utcnow", lambda: NOW)


@pytest.fixture
def diary(alice):
    """Pain 3 with "walk" and nausea together, 6 without; sertraline from 03-15."""
    for n in range(29):
        walk = n % 2 == 0
        assert alice.put(f"/api/v1/entries/{D0 + timedelta(days=n)}", json={
            "pain": 3 if walk else 6, "mood": 7 if walk else 4,
            "tags": ["walk"] if walk else [], "side_effects": ["nausea"] if walk else []}
        ).status_code == 201
    assert alice.put(f"/api/v1/medications/{uuid.uuid4()}", json={
        "name": "sertraline", "class": "antidepressant", "started_on": "2026-03-15"}
    ).status_code == 201
    return alice


def names(insights):
    return {row["name"]: row["together_with"] for row in insights["factors"]}


def test_a_share_leaves_insights_out_unless_ticked(app, diary):
    plain = share(diary)
    assert plain["include_insights"] is False
    body = provider_for(app, plain).get("/api/v1/shared/trends").get_json()
    assert "insights" not in body and body["share"]["include_insights"] is False


def test_a_ticked_share_shows_the_insights_with_tags_only_with_notes(app, diary):
    ticked = share(diary, include_insights=True)
    assert ticked["include_insights"] is True
    listed = diary.get("/api/v1/shares").get_json()["items"][0]
    assert listed["include_insights"] is True
    body = provider_for(app, ticked).get("/api/v1/shared/trends").get_json()
    assert body["share"]["include_insights"] is True
    # Without notes the patient's own words (tags) stay out, even in together_with.
    assert names(body["insights"]) == {"nausea": [], "sertraline": []}
    assert body["insights"]["factors"][0]["pain"]["diff"] == -3.0
    with_notes = share(diary, include_insights=True, include_notes=True)
    body = provider_for(app, with_notes).get("/api/v1/shared/trends").get_json()
    assert names(body["insights"]) == {"nausea": ["walk"], "walk": ["nausea"], "sertraline": []}
    assert body["insights"] == diary.get("/api/v1/insights").get_json() | {
        "from": body["insights"]["from"]}


def test_a_share_range_limits_the_insights_to_its_dates(app, diary):
    ranged = share(diary, include_insights=True, include_notes=True, **{
        "from": "2026-03-01", "to": "2026-03-04"})
    body = provider_for(app, ranged).get("/api/v1/shared/trends").get_json()
    assert (body["insights"]["from"], body["insights"]["to"]) == ("2026-03-01", "2026-03-04")
    assert body["insights"]["factors"] == []  # 2 days with walk, 2 without: too few
    assert {row["name"] for row in body["insights"]["too_few"]} == {"walk", "nausea"}


def test_the_include_insights_body_is_strict(diary):
    response = diary.post("/api/v1/shares", json={"label": "x", "include_insights": "yes"})
    assert response.status_code == 422 and "include_insights" in str(response.get_json())


def test_a_clinic_sees_insights_only_when_the_connection_ticks_them(app, diary):
    lakeside = create_clinic(app)
    patient_id = connect(diary, lakeside)
    url = f"/api/v1/clinic/patients/{patient_id}/trends"
    body = lakeside.admin.get(url).get_json()
    assert "insights" not in body and body["share"]["include_insights"] is False
    response = diary.post("/api/v1/clinic-connections", json={
        "code": lakeside.code, "include_notes": False, "include_insights": True})
    assert response.status_code == 200 and response.get_json()["include_insights"] is True
    assert diary.get("/api/v1/clinic-connections").get_json()["items"][0]["include_insights"]
    body = lakeside.admin.get(url).get_json()
    assert body["share"]["include_insights"] is True
    assert names(body["insights"]) == {"nausea": [], "sertraline": []}
