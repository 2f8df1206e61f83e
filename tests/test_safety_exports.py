"""Issue 15 in the downloads and the provider's report: treatments.csv with the first
reading of each phase, medications.csv (the patient's and the shared one, logged in the
access log), /me/export, and the report's medication list and markers."""

from __future__ import annotations

import uuid

from api.formats.csv import MEDICATION_COLUMNS, TREATMENT_COLUMNS
from tests.test_export import parse
from tests.test_sharing import provider_for, share, views_of

PHASE_COLUMNS = [f"{phase}_{value}" for phase in ("before", "during", "after")
                 for value in ("systolic", "diastolic", "heart_rate", "spo2", "taken_at")]
LORAZEPAM = {"name": "Lorazepam", "dose": "1 mg", "class": "benzodiazepine",
             "started_on": "2026-02-01", "notes": "=only at night"}


def reading(at: str, phase: str, systolic: int, diastolic: int, **more) -> dict:
    return {"taken_at": at, "phase": phase, "systolic": systolic, "diastolic": diastolic,
            **more}


def session_with_readings(client) -> str:
    tid = str(uuid.uuid4())
    response = client.put(f"/api/v1/treatments/{tid}", json={
        "started_at": "2026-03-02T10:00:00Z", "route": "intranasal", "observation_minutes": 90,
        "concomitant": ["benzodiazepine", "opioid"],
        "vitals": [reading("2026-03-02T09:50:00Z", "before", 150, 88, heart_rate=76, spo2=97),
                   reading("2026-03-02T09:55:00Z", "before", 138, 86),
                   reading("2026-03-02T10:40:00Z", "during", 182, 104),
                   reading("2026-03-02T11:30:00Z", "after", 130, 80, spo2=99)]})
    assert response.status_code == 201
    return tid


def test_treatments_csv_has_the_first_reading_of_each_phase(alice):
    session_with_readings(alice)
    alice.put(f"/api/v1/treatments/{uuid.uuid4()}", json={
        "started_at": "2026-03-05T10:00:00Z", "route": "oral"})
    rows = parse(alice.get("/api/v1/export/treatments.csv"))
    assert list(rows[0]) == list(TREATMENT_COLUMNS)
    assert list(TREATMENT_COLUMNS[-18:]) == [*PHASE_COLUMNS, "observation_minutes",
                                             "concomitant", "flags"]
    first, plain = rows
    assert {c: first[c] for c in PHASE_COLUMNS} == {
        "before_systolic": "150", "before_diastolic": "88", "before_heart_rate": "76",
        "before_spo2": "97", "before_taken_at": "2026-03-02T09:50:00+00:00",
        "during_systolic": "182", "during_diastolic": "104", "during_heart_rate": "",
        "during_spo2": "", "during_taken_at": "2026-03-02T10:40:00+00:00",
        "after_systolic": "130", "after_diastolic": "80", "after_heart_rate": "",
        "after_spo2": "99", "after_taken_at": "2026-03-02T11:30:00+00:00"}
    assert first["observation_minutes"] == "90"
    assert first["concomitant"] == "benzodiazepine;opioid"
    assert first["flags"] == "bp_before_high;bp_very_high"
    assert all(plain[c] == "" for c in [*PHASE_COLUMNS, "observation_minutes", "concomitant",
                                        "flags"])


def test_medications_csv(alice, bob):
    mid = str(uuid.uuid4())
    alice.put(f"/api/v1/medications/{mid}", json=LORAZEPAM)
    alice.put(f"/api/v1/medications/{mid}", json={**LORAZEPAM, "dose": "2 mg",
                                                  "dose_changed_on": "2026-02-20",
                                                  "stopped_on": "2026-03-10"})
    response = alice.get("/api/v1/export/medications.csv")
    assert response.headers["Content-Disposition"].startswith(
        'attachment; filename="relieflog-medications-')
    rows = parse(response)
    assert list(rows[0]) == list(MEDICATION_COLUMNS)
    assert rows == [{"id": mid, "name": "Lorazepam", "dose": "2 mg", "class": "benzodiazepine",
                     "started_on": "2026-02-01", "stopped_on": "2026-03-10",
                     "dose_changes": "2026-02-20 2 mg", "notes": "'=only at night",
                     "version": "2"}]
    assert parse(alice.get("/api/v1/export/medications.csv?from=2026-04-01&to=2026-04-30")) \
        == []
    assert parse(bob.get("/api/v1/export/medications.csv")) == []
    audit = alice.get("/api/v1/me/audit").get_json()["items"]
    assert any(e["event"] == "exported" and e["detail"] == "medications.csv" for e in audit)


def test_shared_downloads_and_report(app, alice):
    session_with_readings(alice)
    alice.put("/api/v1/entries/2026-01-20", json={"pain": 5})
    alice.put(f"/api/v1/medications/{uuid.uuid4()}", json=LORAZEPAM)
    alice.put(f"/api/v1/medications/{uuid.uuid4()}", json={
        "name": "Old", "class": "other", "started_on": "2020-01-01", "stopped_on": "2020-02-01"})
    created = share(alice, **{"from": "2026-01-01"})
    provider = provider_for(app, created)
    report = provider.get("/api/v1/shared/trends").get_json()
    # Only what was taken in the share's dates, notes left out.
    assert [m["name"] for m in report["medication_list"]] == ["Lorazepam"]
    assert "notes" not in report["medication_list"][0]
    assert report["medications"] == [{
        "date": "2026-02-01", "kind": "started", "medication_id":
            report["medication_list"][0]["id"], "name": "Lorazepam", "dose": "1 mg",
        "class": "benzodiazepine"}]
    [session] = report["treatments"]
    assert [f["code"] for f in session["flags"]] == ["bp_before_high", "bp_very_high"]
    treatments = parse(provider.get("/api/v1/shared/treatments.csv"))
    assert treatments[0]["before_systolic"] == "150" and treatments[0]["flags"]
    medications = parse(provider.get("/api/v1/shared/medications.csv"))
    assert [(m["name"], m["notes"]) for m in medications] == [("Lorazepam", "")]
    [line] = views_of(alice, created["id"])
    assert line["opened"] == ["page", "trends", "treatments.csv", "medications.csv"]

    with_notes = provider_for(app, share(alice, include_notes=True))
    listed = with_notes.get("/api/v1/shared/trends").get_json()["medication_list"]
    assert [m.get("notes") for m in listed] == ["", "=only at night"]
    noted = parse(with_notes.get("/api/v1/shared/medications.csv"))
    assert [m["notes"] for m in noted] == ["", "'=only at night"]


def test_everything_export_has_medications_and_bladder_answers(alice):
    mid = str(uuid.uuid4())
    alice.put(f"/api/v1/medications/{mid}", json=LORAZEPAM)
    alice.put("/api/v1/bladder-checks/2026-03-01", json={"symptoms": ["painful_urination"]})
    everything = alice.get("/api/v1/me/export").get_json()
    assert [(m["id"], m["notes"], m["changes"]) for m in everything["medications"]] == [
        (mid, "=only at night", [])]
    assert [(c["date"], c["symptoms"]) for c in everything["bladder_checks"]] == [
        ("2026-03-01", ["painful_urination"])]
