"""Readings on a session (issue 15): what is stored, the flags the server raises at the
thresholds, the 422s that name the reading at fault, and the flags on every view of a
session (GET, list, the provider's report)."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import select

from api.db import db
from api.treatments.models import Treatment
from tests.test_sharing import provider_for, share

# 09:30 in Chicago on 2 March; readings around it.
SESSION = {"started_at": "2026-03-02T09:30:00-06:00", "route": "intranasal",
           "medication": "esketamine"}


def reading(systolic: int, diastolic: int, phase: str = "before",
            taken_at: str = "2026-03-02T09:20:00-06:00", **more) -> dict:
    return {"taken_at": taken_at, "phase": phase, "systolic": systolic,
            "diastolic": diastolic, **more}


def put(client, *readings, tid=None, **fields):
    tid = tid or uuid.uuid4()
    return client.put(f"/api/v1/treatments/{tid}",
                      json={**SESSION, "vitals": list(readings), **fields})


def codes(response) -> list[str]:
    assert response.status_code in (200, 201), response.get_json()
    return [flag["code"] for flag in response.get_json()["flags"]]


@pytest.fixture
def chicago(patient):
    return patient(timezone="America/Chicago")


def test_readings_are_stored_sorted_in_utc_with_the_other_session_fields(chicago):
    tid = uuid.uuid4()
    after = reading(128, 82, "after", "2026-03-02T11:15:00-06:00", heart_rate=72, spo2=98)
    before = reading(124, 80, "before", "2026-03-02T09:20:00-06:00")
    created = put(chicago, after, before, tid=tid, observation_minutes=120,
                  concomitant=["benzodiazepine", "opioid", "benzodiazepine"])
    assert created.status_code == 201
    body = chicago.get(f"/api/v1/treatments/{tid}").get_json()
    assert body["vitals"] == [
        {"taken_at": "2026-03-02T15:20:00+00:00", "phase": "before", "systolic": 124,
         "diastolic": 80, "heart_rate": None, "spo2": None},
        {"taken_at": "2026-03-02T17:15:00+00:00", "phase": "after", "systolic": 128,
         "diastolic": 82, "heart_rate": 72, "spo2": 98},
    ]
    assert body["observation_minutes"] == 120
    assert body["concomitant"] == ["benzodiazepine", "opioid"]
    assert body["flags"] == []
    # The same readings in the order first sent: a replay, nothing changes.
    replay = put(chicago, after, before, tid=tid, observation_minutes=120,
                 concomitant=["benzodiazepine", "opioid"])
    assert replay.status_code == 200 and replay.get_json()["version"] == 1


def test_a_session_without_readings_has_empty_defaults(alice):
    body = alice.put(f"/api/v1/treatments/{uuid.uuid4()}", json=SESSION).get_json()
    assert (body["vitals"], body["observation_minutes"], body["concomitant"],
            body["flags"]) == ([], None, [], [])


@pytest.mark.parametrize(("systolic", "diastolic", "expected"), [
    (139, 89, []),
    (140, 90, ["bp_before_high"]),
    (140, 89, ["bp_before_high"]),
    (139, 90, ["bp_before_high"]),
    (179, 109, ["bp_before_high"]),
    (180, 109, ["bp_before_high", "bp_very_high"]),
    (179, 110, ["bp_before_high", "bp_very_high"]),
    (180, 110, ["bp_before_high", "bp_very_high"]),
])
def test_thresholds_before_dosing(chicago, systolic, diastolic, expected):
    assert codes(put(chicago, reading(systolic, diastolic))) == expected


@pytest.mark.parametrize("phase", ["during", "after"])
def test_a_high_reading_during_or_after_is_not_before_dosing(chicago, phase):
    at = "2026-03-02T10:10:00-06:00"
    assert codes(put(chicago, reading(150, 95, phase, at))) == []
    assert codes(put(chicago, reading(179, 109, phase, at))) == []
    assert codes(put(chicago, reading(180, 100, phase, at))) == ["bp_very_high"]


def test_each_flag_names_the_first_reading_that_reached_it_and_its_threshold(app, chicago):
    tid = uuid.uuid4()
    response = put(
        chicago,
        reading(186, 100, "during", "2026-03-02T10:10:00-06:00"),
        reading(148, 92, "before", "2026-03-02T09:25:00-06:00"),
        reading(150, 96, "before", "2026-03-02T09:15:00-06:00"),
        reading(190, 115, "after", "2026-03-02T11:00:00-06:00"),
        tid=tid)
    assert response.status_code == 201  # flags inform; they never block saving
    assert response.get_json()["flags"] == [
        {"code": "bp_before_high", "systolic": 150, "diastolic": 96,
         "taken_at": "2026-03-02T15:15:00+00:00", "phase": "before",
         "threshold": {"systolic": 140, "diastolic": 90}},
        {"code": "bp_very_high", "systolic": 186, "diastolic": 100,
         "taken_at": "2026-03-02T16:10:00+00:00", "phase": "during",
         "threshold": {"systolic": 180, "diastolic": 110}},
    ]
    with app.app_context():
        stored = db.session.scalar(select(Treatment.bp_flagged_on).where(Treatment.id == tid))
    assert stored.isoformat() == "2026-03-02"
    # The readings corrected: the flag and the column go.
    assert codes(put(chicago, reading(130, 85), tid=tid)) == []
    with app.app_context():
        assert db.session.scalar(select(Treatment.bp_flagged_on)
                                 .where(Treatment.id == tid)) is None


def test_flags_in_the_list_and_on_the_provider_report(app, chicago):
    put(chicago, reading(150, 95), observation_minutes=45, concomitant=["opioid"])
    listed = chicago.get("/api/v1/treatments").get_json()["items"]
    assert [f["code"] for f in listed[0]["flags"]] == ["bp_before_high"]
    report = provider_for(app, share(chicago)).get("/api/v1/shared/trends").get_json()
    session = report["treatments"][0]
    assert [f["code"] for f in session["flags"]] == ["bp_before_high"]
    assert session["flags"][0]["threshold"] == {"systolic": 140, "diastolic": 90}
    assert session["vitals"][0]["systolic"] == 150
    assert session["observation_minutes"] == 45 and session["concomitant"] == ["opioid"]


def assert_422(response, field: str) -> None:
    assert response.status_code == 422, response.get_json()
    assert response.content_type == "application/problem+json"
    assert field in response.get_json()["errors"], response.get_json()


BAD_READINGS = [
    ({"diastolic": 120, "systolic": 120}, "vitals.0.diastolic"),
    ({"diastolic": 130, "systolic": 120}, "vitals.0.diastolic"),
    ({"systolic": 59}, "vitals.0.systolic"),
    ({"systolic": 261}, "vitals.0.systolic"),
    ({"diastolic": 29}, "vitals.0.diastolic"),
    ({"diastolic": 161, "systolic": 200}, "vitals.0.diastolic"),
    ({"heart_rate": 29}, "vitals.0.heart_rate"),
    ({"heart_rate": 221}, "vitals.0.heart_rate"),
    ({"spo2": 49}, "vitals.0.spo2"),
    ({"spo2": 101}, "vitals.0.spo2"),
    ({"systolic": 120.0}, "vitals.0.systolic"),
    ({"systolic": "120"}, "vitals.0.systolic"),
    ({"systolic": True}, "vitals.0.systolic"),
    ({"diastolic": 80.5}, "vitals.0.diastolic"),
    ({"heart_rate": "70"}, "vitals.0.heart_rate"),
    ({"spo2": False}, "vitals.0.spo2"),
    ({"phase": "later"}, "vitals.0.phase"),
    ({"taken_at": "2026-03-02T09:20:00"}, "vitals.0.taken_at"),
    ({"taken_at": "yesterday"}, "vitals.0.taken_at"),
    ({"mean": 95}, "vitals.0.mean"),
]


@pytest.mark.parametrize(("change", "field"), BAD_READINGS)
def test_bad_readings_are_422_naming_the_reading(chicago, change, field):
    tid = uuid.uuid4()
    good = reading(120, 80)
    assert_422(put(chicago, good, {**reading(120, 80), **change}, tid=tid),
               field.replace("vitals.0", "vitals.1"))
    assert chicago.get(f"/api/v1/treatments/{tid}").status_code == 404


def test_a_missing_reading_field_is_422(chicago):
    incomplete = reading(120, 80)
    del incomplete["diastolic"]
    assert_422(put(chicago, incomplete), "vitals.0.diastolic")


def test_at_most_twelve_readings(chicago):
    twelve = [reading(120, 80)] * 12
    assert put(chicago, *twelve).status_code == 201
    assert_422(put(chicago, *twelve, reading(120, 80)), "vitals")


@pytest.mark.parametrize(("taken_at", "ok"), [
    ("2026-03-01T00:00:00-06:00", True),   # the day before, local
    ("2026-03-03T23:59:59-06:00", True),   # the day after, local
    ("2026-02-28T23:59:59-06:00", False),  # two days before
    ("2026-03-04T00:00:00-06:00", False),  # two days after
    ("2026-03-04T03:00:00Z", True),        # 21:00 on the 3rd in Chicago
    ("2026-03-04T07:00:00Z", False),       # 01:00 on the 4th in Chicago
])
def test_taken_at_within_a_day_of_the_sessions_local_date(chicago, taken_at, ok):
    response = put(chicago, reading(120, 80), reading(120, 80, "after", taken_at))
    if ok:
        assert response.status_code == 201, response.get_json()
    else:
        assert_422(response, "vitals.1.taken_at")


@pytest.mark.parametrize(("fields", "field"), [
    ({"observation_minutes": 721}, "observation_minutes"),
    ({"observation_minutes": -1}, "observation_minutes"),
    ({"observation_minutes": 30.0}, "observation_minutes"),
    ({"observation_minutes": "30"}, "observation_minutes"),
    ({"concomitant": ["alcohol"]}, "concomitant.0"),
    ({"concomitant": "opioid"}, "concomitant"),
    ({"vitals": {"systolic": 120}}, "vitals"),
    ({"vitals": None}, "vitals"),
])
def test_bad_session_safety_fields_are_422(chicago, fields, field):
    assert_422(chicago.put(f"/api/v1/treatments/{uuid.uuid4()}", json={**SESSION, **fields}),
               field)


@pytest.mark.parametrize("side_effect", ["urinary_frequency", "painful_urination",
                                         "blood_in_urine"])
def test_bladder_side_effects_on_entries_and_sessions(alice, side_effect):
    entry = alice.put("/api/v1/entries/2026-03-02", json={"pain": 3,
                                                          "side_effects": [side_effect]})
    assert entry.status_code == 201 and entry.get_json()["side_effects"] == [side_effect]
    session = alice.put(f"/api/v1/treatments/{uuid.uuid4()}",
                        json={**SESSION, "side_effects": [side_effect]})
    assert session.status_code == 201 and session.get_json()["side_effects"] == [side_effect]
