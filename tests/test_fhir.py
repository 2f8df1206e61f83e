"""FHIR R4 export: the Bundle validates against HL7's R4 JSON Schema, carries the right
codes and units, has stable ids, and GET /export/fhir serves the patient's own."""

from __future__ import annotations

import copy
import csv
import io
import json
import uuid
from datetime import UTC, date, datetime
from types import SimpleNamespace

import jsonschema
import pytest

from api.formats import fhir
from tests.support.fhir_schema import SCHEMA_PATH, r4_validator

GENERATED = datetime(2026, 3, 31, 18, 30, tzinfo=UTC)


@pytest.fixture(scope="module")
def validate():
    return r4_validator()


def entry(day: date, **values) -> SimpleNamespace:
    row = {"pain": None, "mood": None, "anxiety": None, "energy": None, "sleep_hours": None,
           "sleep_quality": None, "notes": "", **values}
    return SimpleNamespace(date=day, **row)


def treatment(**values) -> SimpleNamespace:
    row = {"id": uuid.UUID(int=len(values) + 1), "started_at": datetime(2026, 3, 2, 9, 0,
                                                                        tzinfo=UTC),
           "route": "iv_infusion", "medication": "ketamine", "dose_mg": 35.0,
           "dose_mg_per_kg": 0.5, "duration_minutes": 40, "with_psychotherapy": False,
           "phase": "induction", "notes": "", **values}
    return SimpleNamespace(**row)


def of_rows(*made, include_notes: bool = False, key: str = "7"):
    """A Bundle's resources: each (make one row's resources, rows) in turn, as a record
    kind's declaration makes them (api/db/records.py Kind.fhir)."""
    def resources(subject: str):
        for made_by, rows in made:
            for row in rows:
                yield from made_by(row, key=key, subject=subject, include_notes=include_notes)
    return resources


def make(entries=(), treatments=(), *, include_notes=False, display_name="Ann") -> dict:
    return fhir.bundle(key="7", display_name=display_name, generated_at=GENERATED,
                       resources=of_rows((fhir.entry_observations, entries),
                                         (fhir.treatment_resources, treatments),
                                         include_notes=include_notes))


def resources(bundle: dict, kind: str) -> list[dict]:
    return [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == kind]


# --- pure functions -----------------------------------------------------------------------

def test_bundle_is_a_collection_with_a_minimal_patient(validate):
    bundle = make()
    validate(bundle)
    assert bundle["resourceType"] == "Bundle" and bundle["type"] == "collection"
    assert bundle["timestamp"] == "2026-03-31T18:30:00Z"
    [patient] = resources(bundle, "Patient")
    assert patient == {"resourceType": "Patient", "id": patient["id"], "name": [{"text": "Ann"}]}
    assert "name" not in resources(make(display_name="  "), "Patient")[0]


def test_one_observation_per_score_with_the_right_codes(validate):
    bundle = make([entry(date(2026, 3, 1), pain=0, mood=10, anxiety=3, energy=4,
                         sleep_hours=7.5, sleep_quality=6),
                   entry(date(2026, 3, 2), mood=5)])
    validate(bundle)
    observations = resources(bundle, "Observation")
    assert len(observations) == 7  # missing scores are gaps, not zeros
    patient_url = bundle["entry"][0]["fullUrl"]
    by_code = {o["code"]["coding"][0]["code"]: o for o in observations
               if o["effectiveDateTime"] == "2026-03-01"}
    pain = by_code["72514-3"]
    assert pain["code"]["coding"] == [{
        "system": "http://loinc.org", "code": "72514-3",
        "display": "Pain severity - 0-10 verbal numeric rating [Score] - Reported"}]
    assert pain["valueInteger"] == 0  # a zero is a score, not a missing value
    for o in observations:
        assert o["status"] == "final"
        assert o["category"] == [{"coding": [{
            "system": "http://terminology.hl7.org/CodeSystem/observation-category",
            "code": "survey", "display": "Survey"}]}]
        assert o["subject"] == {"reference": patient_url}
    for code in ("mood", "anxiety", "energy", "sleep_quality", "sleep_hours"):
        assert by_code[code]["code"]["coding"][0]["system"] == (
            "https://relieflog.org/fhir/CodeSystem/scores")
    assert by_code["mood"]["valueInteger"] == 10
    assert by_code["sleep_hours"]["valueQuantity"] == {
        "value": 7.5, "unit": "h", "system": "http://unitsofmeasure.org", "code": "h"}
    assert "valueInteger" not in by_code["sleep_hours"]


def test_medication_administration_codes_route_and_dose(validate):
    sessions = [
        treatment(id=uuid.uuid4(), route=route, medication=medication, duration_minutes=minutes,
                  dose_mg=dose)
        for route, medication, minutes, dose in [
            ("iv_infusion", "ketamine", 40, 35.0), ("intramuscular", "Ketamine", None, 50.0),
            ("intranasal", "esketamine", None, 56.0), ("sublingual", "ketamine", None, 100.0),
            ("oral", "ketamine", 0, None), ("other", "ketamine", None, 12.5)]
    ]
    bundle = make(treatments=sessions)
    validate(bundle)
    given = resources(bundle, "MedicationAdministration")
    assert [g["status"] for g in given] == ["completed"] * 6
    routes = [g["dosage"]["route"] for g in given]
    assert [r.get("coding", [{}])[0].get("code") for r in routes] == [
        "47625008", "78421000", "46713006", "37839007", "26643006", None]
    assert all(r.get("coding", [{}])[0].get("system", "http://snomed.info/sct")
               == "http://snomed.info/sct" for r in routes)
    assert [r["text"] for r in routes] == ["Intravenous infusion", "Intramuscular injection",
                                           "Nasal spray", "Sublingual", "Oral", "Other route"]
    rxnorm = {"system": "http://www.nlm.nih.gov/research/umls/rxnorm", "code": "6130",
              "display": "ketamine"}
    assert given[0]["medicationCodeableConcept"] == {"text": "ketamine", "coding": [rxnorm]}
    assert given[1]["medicationCodeableConcept"]["coding"] == [rxnorm]
    assert given[2]["medicationCodeableConcept"] == {"text": "esketamine"}  # no guessed code
    assert given[0]["effectivePeriod"] == {"start": "2026-03-02T09:00:00Z",
                                           "end": "2026-03-02T09:40:00Z"}
    assert given[1]["effectiveDateTime"] == "2026-03-02T09:00:00Z"
    assert given[4]["effectiveDateTime"] == "2026-03-02T09:00:00Z"  # 0 minutes: a moment
    assert given[0]["dosage"]["dose"] == {"value": 35, "unit": "mg",
                                          "system": "http://unitsofmeasure.org", "code": "mg"}
    assert given[5]["dosage"]["dose"]["value"] == 12.5
    assert "dose" not in given[4]["dosage"]
    assert given[0]["dosage"]["text"] == (
        "Intravenous infusion, 35 mg, 0.5 mg/kg, over 40 minutes, induction phase")


def test_the_spanish_forms_ketamina_is_coded_as_ketamine(validate):
    """The Spanish session form's default name (issue 21) keeps the RxNorm code."""
    bundle = make(treatments=[treatment(medication="ketamina")])
    validate(bundle)
    [given] = resources(bundle, "MedicationAdministration")
    assert given["medicationCodeableConcept"] == {"text": "ketamina", "coding": [
        {"system": "http://www.nlm.nih.gov/research/umls/rxnorm", "code": "6130",
         "display": "ketamine"}]}


def test_ids_are_stable_unique_and_full_urls_are_urns(validate):
    rows = [entry(date(2026, 3, day), pain=day, mood=day) for day in range(1, 6)]
    session = treatment(id=uuid.UUID("0b7e6a9e-3f54-4a4b-9a52-4f8a5d1c2e11"))
    first, second = make(rows, [session]), make(rows, [session])
    ids = [e["resource"]["id"] for e in first["entry"]]
    assert ids == [e["resource"]["id"] for e in second["entry"]]
    assert len(set(ids)) == len(ids) == 1 + 10 + 1
    for item in first["entry"]:
        assert item["fullUrl"] == f"urn:uuid:{item['resource']['id']}"
        uuid.UUID(item["resource"]["id"])
    # Another patient's diary on the same dates gets other ids.
    other = fhir.bundle(key="8", display_name="", generated_at=GENERATED,
                        resources=of_rows((fhir.entry_observations, rows), key="8"))
    assert not set(ids[1:11]) & {e["resource"]["id"] for e in other["entry"]}
    # An edited score keeps its id: the same observation, corrected.
    edited = make([entry(date(2026, 3, 1), pain=9, mood=1)], [])
    assert resources(edited, "Observation")[0]["id"] == resources(first, "Observation")[0]["id"]


def test_notes_only_when_included(validate):
    rows = [entry(date(2026, 3, 1), pain=4, notes="felt floaty")]
    sessions = [treatment(notes="good session")]
    without = make(rows, sessions)
    assert "felt floaty" not in json.dumps(without) and "good session" not in json.dumps(without)
    with_notes = make(rows, sessions, include_notes=True)
    validate(with_notes)
    note = [o for o in resources(with_notes, "Observation") if "valueString" in o]
    assert [n["valueString"] for n in note] == ["felt floaty"]
    assert note[0]["code"]["coding"][0]["code"] == "note"
    assert resources(with_notes, "MedicationAdministration")[0]["note"] == [
        {"text": "good session"}]


UCUM = "http://unitsofmeasure.org"


def test_readings_are_vital_signs_part_of_their_session(validate):
    session = treatment(id=uuid.uuid4(), vitals=[
        {"taken_at": "2026-03-02T08:50:00+00:00", "phase": "before", "systolic": 148,
         "diastolic": 92, "heart_rate": 71, "spo2": 98},
        {"taken_at": "2026-03-02T09:40:00+00:00", "phase": "after", "systolic": 132,
         "diastolic": 84, "heart_rate": None, "spo2": None},
    ])
    bundle = make(treatments=[session])
    validate(bundle)
    [given] = resources(bundle, "MedicationAdministration")
    vitals = resources(bundle, "Observation")
    assert [v["code"]["coding"][0]["code"] for v in vitals] == [
        "85354-9", "8867-4", "59408-5", "85354-9"]
    for vital in vitals:
        assert vital["partOf"] == [{"reference": f"urn:uuid:{given['id']}"}]
        assert vital["category"][0]["coding"][0]["code"] == "vital-signs"
        assert vital["code"]["coding"][0]["system"] == "http://loinc.org"
    panel = vitals[0]
    assert panel["effectiveDateTime"] == "2026-03-02T08:50:00Z"
    assert panel["note"] == [{"text": "Measured before dosing"}]
    assert [(c["code"]["coding"][0]["code"], c["valueQuantity"]) for c in panel["component"]] == [
        ("8480-6", {"value": 148, "unit": "mmHg", "system": UCUM, "code": "mm[Hg]"}),
        ("8462-4", {"value": 92, "unit": "mmHg", "system": UCUM, "code": "mm[Hg]"})]
    assert vitals[1]["valueQuantity"] == {"value": 71, "unit": "beats/minute", "system": UCUM,
                                          "code": "/min"}
    assert vitals[2]["valueQuantity"] == {"value": 98, "unit": "%", "system": UCUM, "code": "%"}
    assert len({v["id"] for v in vitals}) == 4
    assert make(treatments=[session])["entry"][2]["resource"]["id"] == vitals[0]["id"]


def test_medications_are_medication_statements(validate):
    taken = SimpleNamespace(id=uuid.uuid4(), name="Lorazepam", dose="1 mg at night",
                            drug_class="benzodiazepine", started_on=date(2026, 1, 5),
                            stopped_on=None, notes="for sleep")
    stopped = SimpleNamespace(id=uuid.uuid4(), name="Sertraline", dose="",
                              drug_class="antidepressant", started_on=date(2025, 6, 1),
                              stopped_on=date(2026, 2, 1), notes="")
    bundle = fhir.bundle(key="7", display_name="", generated_at=GENERATED,
                         resources=of_rows((fhir.medication_resources, [taken, stopped])))
    validate(bundle)
    first, second = resources(bundle, "MedicationStatement")
    assert first["status"] == "active" and second["status"] == "completed"
    assert first["medicationCodeableConcept"] == {"text": "Lorazepam"}
    assert first["effectivePeriod"] == {"start": "2026-01-05"}
    assert second["effectivePeriod"] == {"start": "2025-06-01", "end": "2026-02-01"}
    assert first["dosage"] == [{"text": "1 mg at night"}] and "dosage" not in second
    assert first["extension"][0]["valueCode"] == "benzodiazepine"
    assert "for sleep" not in json.dumps(bundle)
    with_notes = fhir.bundle(key="7", display_name="", generated_at=GENERATED,
                             resources=of_rows((fhir.medication_resources, [taken]),
                                               include_notes=True))
    validate(with_notes)
    assert resources(with_notes, "MedicationStatement")[0]["note"] == [{"text": "for sleep"}]


def test_the_schema_catches_what_it_should():
    """The validator is not a rubber stamp: broken resources fail."""
    schema = json.loads(SCHEMA_PATH.read_text())
    validator = jsonschema.validators.validator_for(schema)(schema)
    good = make([entry(date(2026, 3, 1), pain=4)], [treatment()])
    assert validator.is_valid(good)
    for path, value in [
        (("entry", 1, "resource", "valueInteger"), "4"),
        (("entry", 1, "resource", "effectiveDateTime"), "01.03.2026"),
        (("entry", 1, "resource", "status"), "done"),
        (("entry", 2, "resource", "dosage", "dose", "value"), "35 mg"),
        (("entry", 2, "resource", "medication"), "ketamine"),
        (("type",), "pile"),
    ]:
        broken = copy.deepcopy(good)
        target = broken
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value
        assert not validator.is_valid(broken), path


# --- through HTTP -------------------------------------------------------------------------

def test_patient_downloads_their_fhir_bundle(alice, validate):
    alice.patch("/api/v1/me", json={"display_name": "Alice"})
    alice.put("/api/v1/entries/2026-03-01", json={"pain": 6, "mood": 3, "sleep_hours": 6.5,
                                                  "notes": "my own note"})
    alice.put("/api/v1/entries/2026-03-09", json={"pain": 2})
    tid = str(uuid.uuid4())
    alice.put(f"/api/v1/treatments/{tid}", json={
        "started_at": "2026-03-02T10:00:00+01:00", "route": "intranasal",
        "medication": "esketamine", "dose_mg": 56, "notes": "my session note"})
    response = alice.get("/api/v1/export/fhir")
    assert response.status_code == 200
    assert response.mimetype == "application/fhir+json"
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith('attachment; filename="relieflog-fhir-')
    assert response.headers["Cache-Control"] == "no-store"
    bundle = response.get_json(force=True)
    validate(bundle)
    assert len(resources(bundle, "Observation")) == 5  # 3 scores + a note + 1 score
    [given] = resources(bundle, "MedicationAdministration")
    assert given["effectiveDateTime"] == "2026-03-02T09:00:00Z"
    assert given["note"] == [{"text": "my session note"}]  # the patient's own: notes included
    assert "@example.org" not in response.get_data(as_text=True)
    assert resources(bundle, "Patient")[0]["name"] == [{"text": "Alice"}]
    again = alice.get("/api/v1/export/fhir").get_json(force=True)
    assert [e["fullUrl"] for e in again["entry"]] == [e["fullUrl"] for e in bundle["entry"]]

    ranged = alice.get("/api/v1/export/fhir?from=2026-03-05&to=2026-03-31").get_json(force=True)
    validate(ranged)
    assert [o["effectiveDateTime"] for o in resources(ranged, "Observation")] == ["2026-03-09"]
    assert resources(ranged, "MedicationAdministration") == []
    assert alice.get("/api/v1/export/fhir?from=2026-03-05&to=2026-03-01").status_code == 422
    assert alice.get("/api/v1/export/fhir?since=2026-03-05").status_code == 422


def test_fhir_export_needs_a_login_and_shows_only_ones_own(client, alice, bob):
    assert client.get("/api/v1/export/fhir").status_code == 401
    alice.put("/api/v1/entries/2026-03-01", json={"pain": 6, "notes": "alice only"})
    bundle = bob.get("/api/v1/export/fhir").get_json(force=True)
    assert [e["resource"]["resourceType"] for e in bundle["entry"]] == ["Patient"]


def test_provider_fhir_validates(app, alice, validate):
    alice.put("/api/v1/entries/2026-03-01", json={"pain": 6, "mood": 3, "notes": "n"})
    alice.put(f"/api/v1/treatments/{uuid.uuid4()}", json={
        "started_at": "2026-03-02T10:00:00Z", "route": "iv_infusion", "dose_mg": 35,
        "duration_minutes": 40, "vitals": [
            {"taken_at": "2026-03-02T09:55:00Z", "phase": "before", "systolic": 150,
             "diastolic": 95, "heart_rate": 80, "spo2": 97}]})
    alice.put(f"/api/v1/medications/{uuid.uuid4()}", json={
        "name": "Lorazepam", "dose": "1 mg", "class": "benzodiazepine",
        "started_on": "2026-01-01", "notes": "at night"})
    created = alice.post("/api/v1/shares", json={"label": "Dr", "include_notes": True}).get_json()
    provider = app.test_client()
    provider.post("/api/v1/shared/session", json={"token": created["url"].split("#")[1]})
    response = provider.get("/api/v1/shared/fhir")
    assert response.status_code == 200 and response.mimetype == "application/fhir+json"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    bundle = response.get_json(force=True)
    validate(bundle)
    kinds = [e["resource"]["resourceType"] for e in bundle["entry"]]
    assert kinds.count("MedicationStatement") == 1
    assert {o["code"]["coding"][0]["code"] for o in resources(bundle, "Observation")} >= {
        "85354-9", "8867-4", "59408-5"}
    own = alice.get("/api/v1/export/fhir").get_json(force=True)
    # The same rows give the same resources, whoever downloads them; only the ids differ,
    # each scope having its own (issue 20, item 7).
    assert numbered_ids(bundle) == numbered_ids(own)
    assert not {e["resource"]["id"] for e in bundle["entry"]} & {
        e["resource"]["id"] for e in own["entry"]}


def numbered_ids(bundle: dict) -> list[dict]:
    """The bundle's resources with each id (and each reference to it) replaced by its
    place in the bundle."""
    text = json.dumps([e["resource"] for e in bundle["entry"]])
    for n, item in enumerate(bundle["entry"]):
        text = text.replace(item["resource"]["id"], f"resource-{n}")
    return json.loads(text)


def test_ids_are_random_per_scope_and_never_from_the_account(app, alice):
    """Issue 20, item 7: Patient.id was uuid5(namespace, "patient/<account id>"), the same
    in every share and clinic and reversible to the account. Now every id comes from a
    random key of the scope: stable from one download to the next through one share,
    connection or the patient's own export, unrelated between them."""
    from sqlalchemy import select

    from api.auth.models import User
    from api.db import db
    from tests.support.clinics import connect, create_clinic

    alice.put("/api/v1/entries/2026-03-01", json={"pain": 6})
    alice.put(f"/api/v1/treatments/{uuid.uuid4()}", json={
        "started_at": "2026-03-02T10:00:00Z", "route": "iv_infusion", "vitals": [
            {"taken_at": "2026-03-02T09:55:00Z", "phase": "before", "systolic": 120,
             "diastolic": 80}]})
    alice.put(f"/api/v1/medications/{uuid.uuid4()}", json={
        "name": "Lorazepam", "class": "benzodiazepine", "started_on": "2026-01-01"})
    alice.put(f"/api/v1/responses/{uuid.uuid4()}", json={
        "instrument": "phq9", "answered_at": "2026-03-03T12:00:00Z",
        "answers": {f"q{n}": 1 for n in range(1, 10)}})
    with app.app_context(), db.read():
        account = db.session.scalar(select(User.id).where(User.email == alice.user["email"]))

    def ids_of(client, path: str) -> list[str]:
        bundle = client.get(path).get_json(force=True)
        return [e["resource"]["id"] for e in bundle["entry"]]

    def provider() -> object:
        created = alice.post("/api/v1/shares", json={"label": "Dr"}).get_json()
        browser = app.test_client()
        browser.post("/api/v1/shared/session", json={"token": created["url"].split("#")[1]})
        return browser

    first, second = provider(), provider()
    clinic = create_clinic(app)
    patient_id = connect(alice, clinic)
    scopes = {
        "own": ids_of(alice, "/api/v1/export/fhir"),
        "share": ids_of(first, "/api/v1/shared/fhir"),
        "other share": ids_of(second, "/api/v1/shared/fhir"),
        "clinic": ids_of(clinic.admin, f"/api/v1/clinic/patients/{patient_id}/fhir"),
    }
    assert len(scopes["own"]) == 1 + 1 + 1 + 1 + 3 + 1  # patient, score, session, reading,
    # the check-in's response, total and item 9, the medication
    # Stable within a scope: the same ids on the next download.
    assert ids_of(alice, "/api/v1/export/fhir") == scopes["own"]
    assert ids_of(first, "/api/v1/shared/fhir") == scopes["share"]
    assert ids_of(clinic.admin, f"/api/v1/clinic/patients/{patient_id}/fhir") \
        == scopes["clinic"]
    # No id is shared between two scopes, and none is derived from the account's id.
    every = [i for ids in scopes.values() for i in ids]
    assert len(set(every)) == len(every)
    derived = {fhir.stable_id("patient", account), str(uuid.uuid5(
        fhir.ID_NAMESPACE, f"patient/{account}"))}
    assert not derived & set(every)


def test_bladder_answers_are_observations_through_every_download(alice, validate):
    """The kind moved last onto its declaration (issue 22): each answer is an Observation
    naming the symptoms, and its CSV has a column per symptom."""
    alice.put("/api/v1/bladder-checks/2026-03-01", json={"symptoms": ["blood_in_urine"]})
    alice.put("/api/v1/bladder-checks/2026-03-08", json={"symptoms": []})
    bundle = alice.get("/api/v1/export/fhir").get_json()
    validate(bundle)
    answers = [r for r in resources(bundle, "Observation") if r["code"]["coding"][0]["code"]
               == "bladder"]
    assert [(a["effectiveDateTime"], a["valueString"]) for a in answers] == [
        ("2026-03-01", "Blood in the urine"), ("2026-03-08", "None")]
    text = alice.get("/api/v1/export/bladder.csv").get_data(as_text=True).lstrip("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [list(row.values())[:4] for row in rows] == [
        ["2026-03-01", "false", "false", "true"], ["2026-03-08", "false", "false", "false"]]
    assert list(rows[0]) == ["date", "urinary_frequency", "painful_urination",
                             "blood_in_urine", "answered_at", "version"]
    assert all(row["answered_at"].startswith("20") and row["version"] == "1" for row in rows)
