"""Daily entries through the HTTP API: upsert, versions, history, ranges and bad input."""

from __future__ import annotations

import json
from datetime import date, timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from api.calendar import local_today
from api.db import db
from api.entries.models import Entry, EntryVersion

DAY = "2026-03-01"
URL = f"/api/v1/entries/{DAY}"


def count_entries(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Entry))


def write_one(client, day: str, text: str) -> tuple[str, dict[str, Any]]:
    """One entry on `day`, `text` in its notes and tags, through its PUT route: its path
    and the body sent (tests/support/kinds.py: every declared kind's sweep writes so)."""
    path, body = f"/api/v1/entries/{day}", {"pain": 4, "mood": 6, "notes": text, "tags": [text]}
    response = client.put(path, json=body)
    assert response.status_code == 201, response.get_json()
    return path, body


def test_put_creates_then_replaces_with_versions_and_etag(alice):
    created = alice.put(URL, json={"pain": 6, "mood": 4, "tags": ["infusion day"]})
    assert created.status_code == 201
    assert created.headers["ETag"] == '"1"'
    body = created.get_json()
    assert (body["date"], body["pain"], body["mood"], body["version"]) == (DAY, 6, 4, 1)
    assert body["anxiety"] is None and body["side_effects"] == []

    replaced = alice.put(URL, json={"pain": 3, "mood": 7})
    assert replaced.status_code == 200
    assert replaced.get_json()["version"] == 2
    assert replaced.headers["ETag"] == '"2"'
    assert alice.get(URL).get_json()["pain"] == 3


def test_identical_replay_changes_nothing(app, alice):
    body = {"pain": 5, "mood": 5, "notes": "same"}
    assert alice.put(URL, json=body).status_code == 201
    for _ in range(5):
        again = alice.put(URL, json=body)
        assert again.status_code == 200
        assert again.get_json()["version"] == 1
    assert alice.get(f"{URL}/history").get_json() == {"items": []}
    assert count_entries(app) == 1


def test_stale_if_match_is_refused_with_current_entry(alice):
    alice.put(URL, json={"pain": 5})
    alice.put(URL, json={"pain": 4}, headers={"If-Match": '"1"'})
    stale = alice.put(URL, json={"pain": 9}, headers={"If-Match": '"1"'})
    assert stale.status_code == 412
    assert stale.content_type == "application/problem+json"
    assert stale.get_json()["current"]["pain"] == 4
    assert stale.headers["ETag"] == '"2"'
    assert alice.get(URL).get_json()["pain"] == 4


def test_if_match_on_missing_entry_is_412_with_null_current(alice):
    response = alice.put(URL, json={"pain": 2}, headers={"If-Match": '"3"'})
    assert response.status_code == 412
    assert response.get_json()["current"] is None
    assert alice.get(URL).status_code == 404


def test_history_keeps_every_replaced_and_deleted_version_newest_first(alice):
    alice.put(URL, json={"pain": 8, "notes": "first"})
    alice.put(URL, json={"pain": 6, "notes": "second"})
    assert alice.delete(URL).status_code == 204
    history = alice.get(f"{URL}/history").get_json()["items"]
    assert [(v["version"], v["change"], v["notes"]) for v in history] == [
        (2, "deleted", "second"),
        (1, "replaced", "first"),
    ]
    # A new entry on the same day continues the numbering: an old ETag never matches it.
    recreated = alice.put(URL, json={"pain": 1})
    assert recreated.status_code == 201
    assert recreated.get_json()["version"] == 3
    assert alice.put(URL, json={"pain": 2}, headers={"If-Match": '"2"'}).status_code == 412


def test_delete_is_safe_to_replay(alice):
    alice.put(URL, json={"pain": 3})
    assert alice.delete(URL).status_code == 204
    assert alice.delete(URL).status_code == 204
    assert alice.get(URL).status_code == 404


def test_delete_with_stale_if_match_keeps_entry(alice):
    alice.put(URL, json={"pain": 3})
    alice.put(URL, json={"pain": 4})
    assert alice.delete(URL, headers={"If-Match": '"1"'}).status_code == 412
    assert alice.get(URL).get_json()["pain"] == 4


def test_list_is_ordered_and_ranged(alice):
    for day, pain in (("2026-03-03", 3), ("2026-03-01", 1), ("2026-03-02", 2)):
        alice.put(f"/api/v1/entries/{day}", json={"pain": pain})
    items = alice.get("/api/v1/entries?from=2026-03-01&to=2026-03-02").get_json()["items"]
    assert [(i["date"], i["pain"]) for i in items] == [("2026-03-01", 1), ("2026-03-02", 2)]


def test_default_range_is_last_90_days(alice):
    today = local_today("UTC")
    for offset in (0, 89, 90):
        alice.put(f"/api/v1/entries/{today - timedelta(days=offset)}", json={"mood": 5})
    dates = [i["date"] for i in alice.get("/api/v1/entries").get_json()["items"]]
    assert dates == [str(today - timedelta(days=89)), str(today)]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("from=2026-03-05&to=2026-03-01", "from"),
        ("from=2000-01-01&to=2026-03-01", "from"),
        ("from=2026-02-30", "from"),
        ("to=yesterday", "to"),
        ("frm=2026-01-01", "frm"),
    ],
)
def test_bad_ranges_are_422_naming_the_field(alice, query, field):
    response = alice.get(f"/api/v1/entries?{query}")
    assert response.status_code == 422
    assert field in response.get_json()["errors"]


def test_tomorrow_is_allowed_in_the_patients_time_zone(patient):
    # Pacific/Kiritimati is UTC+14: its "tomorrow" is two UTC days ahead at times.
    kiribati = patient(timezone="Pacific/Kiritimati")
    tomorrow = local_today("Pacific/Kiritimati") + timedelta(days=1)
    assert kiribati.put(f"/api/v1/entries/{tomorrow}", json={"pain": 1}).status_code == 201
    too_far = tomorrow + timedelta(days=1)
    response = kiribati.put(f"/api/v1/entries/{too_far}", json={"pain": 1})
    assert response.status_code == 422 and "date" in response.get_json()["errors"]


BAD_BODIES = [
    ({"pain": 11}, "pain"),
    ({"pain": -1}, "pain"),
    ({"pain": 5.5}, "pain"),
    ({"pain": 5.0}, "pain"),
    ({"pain": "5"}, "pain"),
    ({"pain": True}, "pain"),
    ({"pain": None}, "pain"),
    ({}, "pain"),
    ({"pain": 2, "painn": 3}, "painn"),
    ({"pain": 2, "notes": "x" * 10_001}, "notes"),
    ({"pain": 2, "notes": "x" * 2001}, "notes"),
    ({"pain": 2, "tags": [f"t{i}" for i in range(21)]}, "tags"),
    ({"pain": 2, "tags": ["x" * 33]}, "tags.0"),
    ({"pain": 2, "tags": [""]}, "tags.0"),
    ({"pain": 2, "side_effects": ["hiccups"]}, "side_effects.0"),
    ({"sleep_hours": 25}, "sleep_hours"),
    ({"sleep_hours": 7.25}, "sleep_hours"),
    ({"sleep_hours": "7"}, "sleep_hours"),
    ({"mood": 3, "notes": "nul\x00byte"}, "notes"),
    ({"mood": 3, "notes": "lone \ud800 surrogate"}, "notes"),
    ({"mood": 3, "version": 7}, "version"),
]


@pytest.mark.parametrize(("body", "field"), BAD_BODIES)
def test_bad_bodies_are_422_naming_the_field_and_store_nothing(app, alice, body, field):
    alice.put(URL, json={"pain": 4, "mood": 6, "notes": "keep me"})
    response = alice.put(URL, data=json.dumps(body), content_type="application/json")
    assert response.status_code == 422, response.get_json()
    problem = response.get_json()
    assert response.content_type == "application/problem+json"
    assert field in problem["errors"], problem
    assert field.split(".")[0] in problem["detail"]
    kept = alice.get(URL).get_json()
    assert (kept["pain"], kept["mood"], kept["notes"], kept["version"]) == (4, 6, "keep me", 1)


@pytest.mark.parametrize("day", ["2023-02-30", "1899-12-31", "today", "2026-3-1", "20260301"])
def test_bad_dates_are_422(alice, day):
    response = alice.put(f"/api/v1/entries/{day}", json={"pain": 1})
    assert response.status_code == 422
    assert "date" in response.get_json()["errors"]


def test_two_days_after_today_is_422(alice):
    day = local_today("UTC") + timedelta(days=2)
    response = alice.put(f"/api/v1/entries/{day}", json={"pain": 1})
    assert response.status_code == 422
    assert "tomorrow" in response.get_json()["errors"]["date"][0]


def test_emoji_and_long_notes_round_trip(alice):
    notes = ("Felt 🌈 after the infusion — ça va. " * 60)[:2000]
    body = {"mood": 8, "notes": notes, "tags": ["😌 calm", "KAP"]}
    assert alice.put(URL, json=body).status_code == 201
    got = alice.get(URL).get_json()
    assert got["notes"] == notes and got["tags"] == ["😌 calm", "KAP"]


def test_zero_scores_are_kept_as_zero(alice):
    alice.put(URL, json={"pain": 0, "mood": 0, "sleep_hours": 0})
    got = alice.get(URL).get_json()
    assert (got["pain"], got["mood"], got["sleep_hours"]) == (0, 0, 0.0)


def test_duplicate_tags_and_side_effects_are_folded(alice):
    body = {"pain": 3, "tags": ["a", "a", "b"], "side_effects": ["nausea", "nausea"]}
    got = alice.put(URL, json=body).get_json()
    assert got["tags"] == ["a", "b"] and got["side_effects"] == ["nausea"]


scores = st.one_of(st.none(), st.integers(-5, 15), st.floats(-2, 12, allow_nan=False),
                   st.text(max_size=3), st.booleans())


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(pain=scores, mood=scores)
def test_any_score_is_stored_exactly_or_refused(app, alice, pain, mood):
    response = alice.put(URL, json={"pain": pain, "mood": mood})

    def valid(value):
        return value is None or (type(value) is int and 0 <= value <= 10)

    if valid(pain) and valid(mood) and (pain is not None or mood is not None):
        assert response.status_code in (200, 201)
        got = alice.get(URL).get_json()
        assert (got["pain"], got["mood"]) == (pain, mood)
    else:
        assert response.status_code == 422
        assert set(response.get_json()["errors"]) <= {"pain", "mood"}
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Entry)) <= 1


def test_replaced_content_is_in_the_versions_table(app, alice):
    alice.put(URL, json={"pain": 7, "notes": "what I typed"})
    alice.put(URL, json={"pain": 2})
    with app.app_context():
        row = db.session.scalars(select(EntryVersion)).one()
        assert row.content["notes"] == "what I typed" and row.date == date(2026, 3, 1)
