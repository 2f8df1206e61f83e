"""Object-level authorization: every API route that takes an id or a date, every method.

Patient B asking for patient A's objects gets 404 (never 403: existence is not revealed),
nobody logged out gets past 401, and A's data is byte-for-byte unchanged afterwards.
"""

from __future__ import annotations

import re
import uuid

import pytest
from sqlalchemy import select

from api.auth.guard import role_of
from api.db.records import declared
from tests.support.clinics import connect, create_clinic

TREATMENT = {"started_at": "2026-03-01T10:00:00Z", "route": "iv_infusion", "dose_mg": 30}
ENTRY = {"pain": 5, "mood": 5, "notes": "private"}
RESPONSE = {"instrument": "phq9", "answered_at": "2026-03-01T10:00:00Z",
            "answers": {f"q{n}": 2 for n in range(1, 10)}}
MEDICATION = {"name": "Lorazepam", "dose": "1 mg", "class": "benzodiazepine",
              "started_on": "2026-02-01", "notes": "private"}
BLADDER = {"symptoms": ["urinary_frequency"]}
BODIES = {"PUT": {"entries": ENTRY, "treatments": TREATMENT, "responses": RESPONSE,
                  "medications": MEDICATION, "bladder-checks": BLADDER}}
# Keyed per patient (a date, a UUID the phone chose): another patient reaches their own.
PER_PATIENT_KEYS = ("entries", "treatments", "responses", "medications", "bladder-checks")


def object_routes(app):
    """(rule, methods) for every /api/v1 route with a path variable other than a record
    kind's name (which names no object: /export/<kind>.csv is the asker's own, and
    tests/test_record_kinds.py sweeps every kind through every audience)."""
    found = []
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/v1/") and rule.arguments - {"kind"}:
            methods = sorted(rule.methods - {"HEAD", "OPTIONS"})
            found.append((rule.rule, methods))
    return sorted(found)


def test_the_list_of_object_routes_is_known(app):
    """A new route with an id must be added to the checks below."""
    assert object_routes(app) == [
        ("/api/v1/bladder-checks/<day>", ["PUT"]),
        ("/api/v1/clinic-connections/<connection_id>", ["DELETE"]),
        ("/api/v1/clinic-connections/<connection_id>/views", ["GET"]),
        ("/api/v1/clinic/patients/<patient_id>/<kind:kind>.csv", ["GET"]),
        ("/api/v1/clinic/patients/<patient_id>/fhir", ["GET"]),
        ("/api/v1/clinic/patients/<patient_id>/trends", ["GET"]),
        ("/api/v1/clinic/providers/<id:provider_id>", ["DELETE"]),
        ("/api/v1/entries/<day>", ["DELETE", "GET", "PUT"]),
        ("/api/v1/entries/<day>/history", ["GET"]),
        ("/api/v1/imports/<id:preview_id>", ["DELETE", "POST"]),
        ("/api/v1/imports/<id:preview_id>/commit", ["POST"]),
        ("/api/v1/me/passkeys/<passkey_id>", ["DELETE"]),
        ("/api/v1/medications/<medication_id>", ["DELETE", "GET", "PUT"]),
        ("/api/v1/responses/<response_id>", ["DELETE", "GET", "PUT"]),
        ("/api/v1/shares/<share_id>", ["DELETE"]),
        ("/api/v1/shares/<share_id>/views", ["GET"]),
        ("/api/v1/tokens/<token_id>", ["DELETE"]),
        ("/api/v1/treatments/<treatment_id>", ["DELETE", "GET", "PUT"]),
        ("/api/v1/treatments/<treatment_id>/history", ["GET"]),
    ]


@pytest.fixture
def lakeside(app):
    return create_clinic(app)


@pytest.fixture
def alices_things(app, alice, lakeside):
    treatment_id = str(uuid.uuid4())
    assert alice.put(f"/api/v1/treatments/{treatment_id}",
                     json={**TREATMENT, "dose_mg": 20}).status_code == 201
    assert alice.put(f"/api/v1/treatments/{treatment_id}", json=TREATMENT).status_code == 200
    alice.put("/api/v1/entries/2026-03-01", json={"pain": 9})
    assert alice.put("/api/v1/entries/2026-03-01", json=ENTRY).status_code == 200
    token_id = alice.post("/api/v1/tokens", json={"label": "a"}).get_json()["id"]
    share_id = alice.post("/api/v1/shares", json={"label": "Dr. A"}).get_json()["id"]
    response_id = str(uuid.uuid4())
    assert alice.put(f"/api/v1/responses/{response_id}", json=RESPONSE).status_code == 201
    medication_id = str(uuid.uuid4())
    assert alice.put(f"/api/v1/medications/{medication_id}", json=MEDICATION).status_code == 201
    assert alice.put("/api/v1/bladder-checks/2026-03-01", json=BLADDER).status_code == 201
    connection_id = connect(alice, lakeside, include_notes=True)
    provider_id = str(lakeside.admin.get("/api/v1/clinic").get_json()["providers"][0]["id"])
    passkey_id = _passkey_of(app, alice.user["email"])
    preview = alice.post("/api/v1/imports", data=b"date,pain\n2026-03-02,4\n",
                         content_type="text/csv")
    assert preview.status_code == 201
    return {"passkey_id": passkey_id, "preview_id": str(preview.get_json()["id"]),
            "day": "2026-03-01", "treatment_id": treatment_id,
            "token_id": token_id,
            "share_id": share_id, "response_id": response_id, "medication_id": medication_id,
            "connection_id": connection_id, "patient_id": connection_id,
            "provider_id": provider_id, "kind": "entries"}


def csv_kinds() -> list[str]:
    """Every declared record kind: each has a CSV download (one route serves them all)."""
    return [kind.name for kind in declared()]


def _passkey_of(app, email: str) -> str:
    """A passkey row for the patient (only a browser can make a real one: the e2e tests do;
    here its id is what matters)."""
    from api.auth.models import Passkey, User
    from api.db import db

    with app.app_context(), db.write():
        user = db.session.scalars(select(User).where(User.email == email)).one()
        row = Passkey(user_id=user.id, credential_id=b"alice-key", public_key=b"-",
                      sign_count=0, label="Alice's phone")
        db.session.add(row)
        db.session.flush()
        return str(row.id)


def snapshot(client):
    """Everything the patient has, less the security log (each export adds a line to it)."""
    everything = client.get("/api/v1/me/export").get_json()
    everything.pop("audit_events")
    return (everything, client.get("/api/v1/shares").get_json(),
            client.get("/api/v1/me/passkeys").get_json(),
            client.get("/api/v1/clinic-connections").get_json())


def fill(rule: str, values: dict[str, str]) -> str:
    for name, value in values.items():
        rule = re.sub(rf"<(?:[a-z]+:)?{name}>", value, rule)  # <id:provider_id> too
    return rule


def every_object_request(app, client, things):
    """Send every method of every object route, filled with `things`, as `client`."""
    for rule, methods in object_routes(app):
        path = fill(rule, things)
        kind = rule.split("/")[3]
        for method in methods:
            body = BODIES.get(method, {}).get(kind)
            yield kind, method, path, client.open(path, method=method, json=body)


def test_other_patients_get_404_and_change_nothing(app, alice, bob, alices_things):
    before = snapshot(alice)
    for kind, method, path, response in every_object_request(app, bob, alices_things):
        if kind == "clinic":  # a patient account is not a provider's
            assert response.status_code == 403, (method, path)
        elif kind in PER_PATIENT_KEYS:
            # Dates, session and response UUIDs are per patient: B reaches only B's own (empty) day
            # or session, and a PUT there creates B's own.
            expected = {"GET": (404, 200), "PUT": (201,), "DELETE": (204, 404)}[method]
            assert response.status_code in expected, (method, path)
            if method == "GET" and response.status_code == 200:
                assert response.get_json() == {"items": []}
        else:
            assert response.status_code == 404, (method, path, response.get_json())
            assert response.content_type == "application/problem+json"
    assert snapshot(alice) == before
    # What B wrote on "the same date" landed in B's own diary, as B's version 1.
    assert bob.get("/api/v1/entries/2026-03-01").get_json()["version"] == 1
    assert alice.get("/api/v1/entries/2026-03-01").get_json()["version"] == 2
    mine = bob.get("/api/v1/treatments").get_json()["items"]
    assert [t["id"] for t in mine] == [alices_things["treatment_id"]]
    answered = bob.get("/api/v1/responses").get_json()["items"]
    assert [r["id"] for r in answered] == [alices_things["response_id"]]
    listed = bob.get("/api/v1/medications").get_json()["items"]
    assert [m["id"] for m in listed] == [alices_things["medication_id"]]
    checks = bob.get("/api/v1/bladder-checks?from=2026-03-01&to=2026-03-01").get_json()["items"]
    assert [c["symptoms"] for c in checks] == [BLADDER["symptoms"]]


def test_logged_out_gets_401_everywhere(app, client, alices_things, alice):
    before = snapshot(alice)
    for _kind, method, path, response in every_object_request(app, client, alices_things):
        assert response.status_code == 401, (method, path)
    for path in ("/api/v1/entries", "/api/v1/treatments", "/api/v1/me", "/api/v1/tokens",
                 "/api/v1/export/entries.csv", "/api/v1/export/treatments.csv",
                 "/api/v1/export/fhir", "/api/v1/me/export", "/api/v1/shares",
                 "/api/v1/responses", "/api/v1/questionnaires/due",
                 "/api/v1/export/questionnaires.csv", "/api/v1/medications",
                 "/api/v1/bladder-checks", "/api/v1/bladder-checks/due",
                 "/api/v1/export/medications.csv"):
        assert client.get(path).status_code == 401, path
    assert snapshot(alice) == before


def test_lists_and_exports_show_only_ones_own_rows(alice, bob, alices_things):
    assert bob.get("/api/v1/entries?from=2026-01-01&to=2026-12-31").get_json()["items"] == []
    assert bob.get("/api/v1/treatments").get_json()["items"] == []
    assert bob.get("/api/v1/tokens").get_json()["items"] == []
    assert bob.get("/api/v1/shares").get_json()["items"] == []
    assert "private" not in bob.get("/api/v1/export/entries.csv").get_data(as_text=True)
    export = bob.get("/api/v1/me/export").get_json()
    assert export["entries"] == [] and export["treatments"] == [] and export["api_tokens"] == []
    assert export["medications"] == [] and export["bladder_checks"] == []
    assert export["entry_versions"] == [] and export["treatment_versions"] == []
    assert bob.get("/api/v1/medications").get_json()["items"] == []
    assert "private" not in bob.get("/api/v1/export/medications.csv").get_data(as_text=True)


def views_of(alice, connection_id):
    return alice.get(f"/api/v1/clinic-connections/{connection_id}/views").get_json()["items"]


def test_providers_of_another_clinic_get_404_and_change_nothing(app, alice, alices_things,
                                                                lakeside):
    other = create_clinic(app, name="Hillside Pain Clinic", admin_name="Dr Zoe Park")
    before = snapshot(alice)
    clinic_routes = [(rule, methods) for rule, methods in object_routes(app)
                     if rule.startswith("/api/v1/clinic/")]
    assert len(clinic_routes) == 4
    for rule, methods in clinic_routes:
        for kind in csv_kinds() if "<kind:kind>" in rule else ["-"]:
            for method in methods:
                response = other.admin.open(fill(rule, {**alices_things, "kind": kind}),
                                            method=method)
                assert response.status_code == 404, (method, rule, kind, response.get_json())
                assert response.content_type == "application/problem+json"
    assert snapshot(alice) == before
    assert views_of(alice, alices_things["connection_id"]) == []
    # Lakeside's admin, whom Hillside tried to remove, is still there and still sees Alice.
    assert lakeside.admin.get(
        f"/api/v1/clinic/patients/{alices_things['patient_id']}/trends").status_code == 200
    assert other.admin.get("/api/v1/clinic/patients").get_json()["items"] == []


def filled_routes(app, things, role):
    """Every method of every /api/v1 route for `role`, from the url_map (new routes are
    swept without editing this test)."""
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/v1/") and role_of(rule.endpoint) == role:
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                yield method, fill(rule.rule, things)


def test_patients_get_403_on_every_clinic_route(app, alice, alices_things):
    before = snapshot(alice)
    swept = list(filled_routes(app, alices_things, "provider"))
    assert ("GET", "/api/v1/clinic/patients") in swept
    assert ("POST", "/api/v1/clinic/code") in swept
    for method, path in swept:
        response = alice.open(path, method=method, json={})
        assert response.status_code == 403, (method, path)
        assert response.content_type == "application/problem+json"
    assert snapshot(alice) == before


def test_providers_get_403_on_every_patient_route(app, alice, alices_things, lakeside):
    before = snapshot(alice)
    code_before = lakeside.admin.get("/api/v1/clinic").get_json()["code"]
    swept = list(filled_routes(app, alices_things, "patient"))
    for expected in (("GET", "/api/v1/entries"), ("PUT", "/api/v1/entries/2026-03-01"),
                     ("GET", "/api/v1/trends"), ("POST", "/api/v1/clinic-connections"),
                     ("GET", "/api/v1/me/export"), ("POST", "/api/v1/tokens")):
        assert expected in swept
    for method, path in swept:
        response = lakeside.admin.open(path, method=method, json={})
        assert response.status_code == 403, (method, path)
        assert response.content_type == "application/problem+json"
    assert snapshot(alice) == before
    # Nothing of the provider's own came into being either.
    assert lakeside.admin.get("/api/v1/clinic").get_json()["code"] == code_before
    assert lakeside.admin.get("/api/v1/me").get_json()["role"] == "provider"
