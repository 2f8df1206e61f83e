"""Issue 20, item 4: a share shows only what its dates allow, in every output and for every
record kind. One patient has something of every kind before, inside and after a share's
dates; every shared output (the report, each CSV, the FHIR Bundle), and the patient's own
downloads of the same dates, must show nothing dated outside them, and medications as they
stood at the range's end. A clinic connection (no dates) reads through the same code: it
sees what a share without dates sees."""

from __future__ import annotations

import csv
import io
import json
import uuid

import pytest

from tests.support.clinics import connect, create_clinic

RANGE = {"from": "2026-07-29", "to": "2026-08-28"}
PHQ9 = {f"q{n}": 1 for n in range(1, 10)}
# Dated outside the range: none of these may appear in a ranged output, in any field.
OUTSIDE_DATES = ("2026-05-01", "2026-07-01", "2026-07-09", "2026-07-10", "2026-07-15",
                 "2026-07-20", "2026-07-22", "2026-09-01", "2026-09-15", "2026-09-20",
                 "2026-09-22", "2026-09-25", "2026-11-26", "2026-12-01")
SHARED_OUTPUTS = ("trends", "entries.csv", "treatments.csv", "questionnaires.csv",
                  "medications.csv", "fhir")
OWN_OUTPUTS = ("entries.csv", "treatments.csv", "questionnaires.csv", "medications.csv",
               "fhir")


def ok(response) -> None:
    assert response.status_code in (200, 201), response.get_json()


def session(client, day: str, note: str) -> None:
    ok(client.put(f"/api/v1/treatments/{uuid.uuid4()}", json={
        "started_at": f"{day}T10:00:00Z", "route": "iv_infusion", "dose_mg": 35,
        "notes": note, "vitals": [{"taken_at": f"{day}T09:55:00Z", "phase": "before",
                                   "systolic": 120, "diastolic": 80}]}))


def medication(client, medication_id: str, **body) -> None:
    ok(client.put(f"/api/v1/medications/{medication_id}", json={"class": "other", **body}))


def seed(client) -> None:
    """Something of every kind before, inside and after RANGE; text naming where it is."""
    for day, where in (("2026-07-10", "OUTSIDE"), ("2026-08-01", "INSIDE"),
                       ("2026-09-15", "OUTSIDE")):
        ok(client.put(f"/api/v1/entries/{day}", json={
            "pain": 4, "mood": 5, "notes": f"{where} entry", "tags": [f"{where}-tag"]}))
    for day, where in (("2026-07-20", "OUTSIDE"), ("2026-08-05", "INSIDE"),
                       ("2026-09-20", "OUTSIDE")):
        session(client, day, f"{where} session")
    for day in ("2026-07-15", "2026-08-10", "2026-09-25"):
        ok(client.put(f"/api/v1/responses/{uuid.uuid4()}", json={
            "instrument": "phq9", "answered_at": f"{day}T12:00:00Z", "answers": PHQ9}))
    for day in ("2026-07-22", "2026-08-12", "2026-09-22"):
        ok(client.put(f"/api/v1/bladder-checks/{day}", json={"symptoms": ["urinary_frequency"]}))
    # Taken through the range: started before it (shown), its dose changed before (not a
    # change within it, but the dose of then), within and after it, stopped after it.
    taken = str(uuid.uuid4())
    medication(client, taken, name="Sertraline", dose="10 mg", started_on="2026-06-01")
    for day, dose in (("2026-07-09", "20 mg"), ("2026-08-15", "25 mg"),
                      ("2026-11-26", "OUTSIDE 40 mg")):
        medication(client, taken, name="Sertraline", dose=dose, started_on="2026-06-01",
                   dose_changed_on=day)
    medication(client, taken, name="Sertraline", dose="OUTSIDE 40 mg",
               started_on="2026-06-01", stopped_on="2026-12-01")
    medication(client, str(uuid.uuid4()), name="OUTSIDE later", started_on="2026-09-01")
    medication(client, str(uuid.uuid4()), name="OUTSIDE earlier", started_on="2026-05-01",
               stopped_on="2026-07-01")


def provider_for(app, created: dict):
    browser = app.test_client()
    ok(browser.post("/api/v1/shared/session", json={"token": created["url"].split("#")[1]}))
    return browser


def share(client, **body) -> dict:
    response = client.post("/api/v1/shares", json={"label": "Dr", "include_notes": True,
                                                   **body})
    ok(response)
    return response.get_json()


def body_of(response) -> str:
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    return response.get_data(as_text=True)


def assert_within(text: str, output: str) -> None:
    assert "OUTSIDE" not in text, output
    for day in OUTSIDE_DATES:
        assert day not in text, (output, day)
    assert "INSIDE" in text or output == "questionnaires.csv" or output == "medications.csv"


@pytest.fixture
def seeded(alice):
    seed(alice)
    return alice


@pytest.mark.parametrize("output", SHARED_OUTPUTS)
def test_a_shared_output_shows_nothing_dated_outside_the_share(app, seeded, output):
    browser = provider_for(app, share(seeded, **RANGE))
    assert_within(body_of(browser.get(f"/api/v1/shared/{output}")), output)


@pytest.mark.parametrize("output", OWN_OUTPUTS)
def test_the_patients_own_download_of_a_range_shows_nothing_outside_it(seeded, output):
    text = body_of(seeded.get(f"/api/v1/export/{output}?from={RANGE['from']}&to={RANGE['to']}"))
    assert_within(text, output)


def test_each_kind_inside_the_range_is_shown_and_medications_as_they_stood(app, seeded):
    browser = provider_for(app, share(seeded, **RANGE))
    report = browser.get("/api/v1/shared/trends").get_json()
    [taken] = report["medication_list"]
    assert (taken["name"], taken["dose"], taken["started_on"], taken["stopped_on"],
            taken["changes"]) == ("Sertraline", "25 mg", "2026-06-01", None,
                                  [{"date": "2026-08-15", "dose": "25 mg"}])
    assert [(m["date"], m["kind"], m["dose"]) for m in report["medications"]] == [
        ("2026-08-15", "changed", "25 mg")]
    assert [c["date"] for c in report["bladder_checks"]] == ["2026-08-12"]
    assert [t["local_date"] for t in report["treatments"]] == ["2026-08-05"]
    assert [n["date"] for n in report["notes"]] == ["2026-08-01"]

    [row] = list(csv.DictReader(io.StringIO(
        body_of(browser.get("/api/v1/shared/medications.csv")).lstrip("\ufeff"))))
    assert (row["dose"], row["stopped_on"], row["dose_changes"]) == (
        "25 mg", "", "2026-08-15 25 mg")
    [row] = list(csv.DictReader(io.StringIO(
        body_of(browser.get("/api/v1/shared/questionnaires.csv")).lstrip("\ufeff"))))
    assert row["local_date"] == "2026-08-10"

    bundle = json.loads(body_of(browser.get("/api/v1/shared/fhir")))
    [statement] = [e["resource"] for e in bundle["entry"]
                   if e["resource"]["resourceType"] == "MedicationStatement"]
    assert statement["status"] == "active"
    assert statement["effectivePeriod"] == {"start": "2026-06-01"}
    assert statement["dosage"] == [{"text": "25 mg"}]


def test_no_dates_is_everything_up_to_today(app, seeded):
    browser = provider_for(app, share(seeded))
    [row, *_] = list(csv.DictReader(io.StringIO(
        body_of(browser.get("/api/v1/shared/medications.csv")).lstrip("\ufeff"))))
    assert (row["name"], row["dose"], row["stopped_on"]) == (
        "OUTSIDE earlier", "", "2026-07-01")
    medications = browser.get("/api/v1/shared/trends").get_json()["medication_list"]
    sertraline = next(m for m in medications if m["name"] == "Sertraline")
    assert (sertraline["dose"], sertraline["stopped_on"], len(sertraline["changes"])) == (
        "OUTSIDE 40 mg", "2026-12-01", 3)


@pytest.mark.parametrize("output", SHARED_OUTPUTS)
def test_a_clinic_reads_through_the_same_scope_as_a_share_without_dates(app, seeded, output):
    """A connection has no dates: it sees exactly what a share without dates (and the same
    notes choice) sees, through the same code; only the FHIR ids and the report's terms
    differ."""
    browser = provider_for(app, share(seeded))
    clinic = create_clinic(app)
    patient_id = connect(seeded, clinic, include_notes=True)
    shared = body_of(browser.get(f"/api/v1/shared/{output}"))
    seen = body_of(clinic.admin.get(f"/api/v1/clinic/patients/{patient_id}/{output}"))
    if output == "fhir":
        shared_bundle, clinic_bundle = json.loads(shared), json.loads(seen)
        assert numbered_ids(shared_bundle) == numbered_ids(clinic_bundle)
    elif output == "trends":
        shared_report, clinic_report = json.loads(shared), json.loads(seen)
        del shared_report["share"], clinic_report["share"]
        assert shared_report == clinic_report
    else:
        assert shared == seen
    assert "OUTSIDE" in seen or output == "questionnaires.csv"


def numbered_ids(bundle: dict) -> list[dict]:
    text = json.dumps([e["resource"] for e in bundle["entry"]])
    for n, item in enumerate(bundle["entry"]):
        text = text.replace(item["resource"]["id"], f"resource-{n}")
    return json.loads(text)
