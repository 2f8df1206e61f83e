"""A session's earlier versions (issue 15: "history kept when a session is replaced"):
every replaced or deleted content, readings included, newest first, like an entry's."""

from __future__ import annotations

import uuid

import pytest

# 09:30 in Chicago on 2 March; readings around it.
SESSION = {"started_at": "2026-03-02T09:30:00-06:00", "route": "intranasal",
           "medication": "esketamine", "observation_minutes": 120,
           "concomitant": ["benzodiazepine"]}


def before(systolic: int, diastolic: int) -> dict:
    return {"taken_at": "2026-03-02T09:20:00-06:00", "phase": "before",
            "systolic": systolic, "diastolic": diastolic}


@pytest.fixture
def chicago(patient):
    return patient(timezone="America/Chicago")


def url(tid) -> str:
    return f"/api/v1/treatments/{tid}"


def test_each_replacement_keeps_the_earlier_readings_newest_first(chicago):
    tid = uuid.uuid4()
    assert chicago.put(url(tid), json={**SESSION, "vitals": [before(148, 92)]}
                       ).status_code == 201
    assert chicago.put(url(tid), json={**SESSION, "vitals": [before(132, 84)],
                                       "observation_minutes": 90}).status_code == 200
    now = chicago.put(url(tid), json={**SESSION, "vitals": [before(126, 80)],
                                      "concomitant": []})
    assert now.get_json()["version"] == 3
    history = chicago.get(f"{url(tid)}/history")
    assert history.status_code == 200
    items = history.get_json()["items"]
    assert [(v["version"], v["change"], v["vitals"][0]["systolic"], v["observation_minutes"],
             v["concomitant"]) for v in items] == [
        (2, "replaced", 132, 90, ["benzodiazepine"]),
        (1, "replaced", 148, 120, ["benzodiazepine"]),
    ]
    oldest = items[-1]
    # Shown as the session was then: its id, start time and readings in UTC, its flags.
    assert oldest["id"] == str(tid)
    assert oldest["started_at"] == "2026-03-02T15:30:00+00:00"
    assert oldest["vitals"] == [{"taken_at": "2026-03-02T15:20:00+00:00", "phase": "before",
                                 "systolic": 148, "diastolic": 92, "heart_rate": None,
                                 "spo2": None}]
    assert [f["code"] for f in oldest["flags"]] == ["bp_before_high"]
    assert oldest["updated_at"] <= oldest["replaced_at"] <= items[0]["replaced_at"]
    # The session itself shows only the latest content.
    assert chicago.get(url(tid)).get_json()["vitals"][0]["systolic"] == 126


def test_an_identical_replay_adds_no_history(chicago):
    tid = uuid.uuid4()
    body = {**SESSION, "vitals": [before(128, 82)]}
    chicago.put(url(tid), json=body)
    for _ in range(3):
        assert chicago.put(url(tid), json=body).get_json()["version"] == 1
    assert chicago.get(f"{url(tid)}/history").get_json() == {"items": []}


def test_a_deleted_session_stays_in_history_and_numbering_goes_on(chicago):
    tid = uuid.uuid4()
    chicago.put(url(tid), json={**SESSION, "vitals": [before(150, 95)], "notes": "first"})
    chicago.put(url(tid), json={**SESSION, "vitals": [before(130, 85)], "notes": "second"})
    assert chicago.delete(url(tid)).status_code == 204
    assert chicago.get(url(tid)).status_code == 404
    assert str(tid) not in {t["id"] for t in chicago.get("/api/v1/treatments").get_json()["items"]}
    items = chicago.get(f"{url(tid)}/history").get_json()["items"]
    assert [(v["version"], v["change"], v["notes"], v["vitals"][0]["systolic"])
            for v in items] == [(2, "deleted", "second", 130), (1, "replaced", "first", 150)]
    # Recorded again under the same id, it continues the numbering: an old ETag never matches.
    again = chicago.put(url(tid), json=SESSION)
    assert (again.status_code, again.get_json()["version"]) == (201, 3)
    assert chicago.put(url(tid), json={**SESSION, "notes": "x"},
                       headers={"If-Match": '"2"'}).status_code == 412
    assert len(chicago.get(f"{url(tid)}/history").get_json()["items"]) == 2


def test_another_patients_session_history_is_404(alice, bob):
    tid = uuid.uuid4()
    alice.put(url(tid), json={**SESSION, "notes": "private"})
    alice.put(url(tid), json={**SESSION, "notes": "still private"})
    refused = bob.get(f"{url(tid)}/history")
    assert refused.status_code == 404
    assert refused.content_type == "application/problem+json"
    assert "private" not in refused.get_data(as_text=True)
    assert bob.get(f"{url(uuid.uuid4())}/history").status_code == 404
    assert len(alice.get(f"{url(tid)}/history").get_json()["items"]) == 1


def test_a_bad_id_is_422_naming_it(alice):
    refused = alice.get(f"{url('not-a-uuid')}/history")
    assert refused.status_code == 422
    assert "id" in refused.get_json()["errors"]


def test_the_account_export_has_the_session_history(alice):
    tid = uuid.uuid4()
    alice.put(url(tid), json={**SESSION, "vitals": [before(148, 92)]})
    alice.delete(url(tid))
    alice.put("/api/v1/entries/2026-03-01", json={"pain": 5})
    alice.put("/api/v1/entries/2026-03-01", json={"pain": 4})
    everything = alice.get("/api/v1/me/export").get_json()
    assert [(v["date"], v["version"], v["change"], v["content"]["pain"])
            for v in everything["entry_versions"]] == [("2026-03-01", 1, "replaced", 5)]
    [kept] = everything["treatment_versions"]
    assert (kept["treatment_id"], kept["version"], kept["change"]) == (str(tid), 1, "deleted")
    assert kept["content"]["started_at"] == "2026-03-02T15:30:00+00:00"
    assert kept["content"]["vitals"][0]["systolic"] == 148
    assert kept["content"]["observation_minutes"] == 120
    assert kept["content"]["concomitant"] == ["benzodiazepine"]
    assert everything["treatments"] == []
