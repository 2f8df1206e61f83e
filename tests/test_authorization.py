"""Object-level authorization: every API route that takes an id or a date, every method.

Patient B asking for patient A's objects gets 404 (never 403: existence is not revealed),
nobody logged out gets past 401, and A's data is byte-for-byte unchanged afterwards.
"""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from api.auth.guard import role_of
from api.db.records import declared
from tests.support.clinics import connect, create_clinic
from tests.support.kinds import write_one_of

# Alice's rows of every record kind: on this day, with this in each free-text field.
DAY, PRIVATE = "2026-03-01", "private"


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


def prefix_of(path: str) -> str:
    """A record's path less its key: where its kind's own routes are."""
    return path.rsplit("/", 1)[0] + "/"


def record_of(rule: str, records: dict[str, tuple[str, dict]]) -> str | None:
    """The record kind whose own routes `rule` is one of: under the path its row was
    written to, with the key as the first part after it (`<day>`, `<treatment_id>`)."""
    for name, (path, _body) in records.items():
        if rule.startswith(prefix_of(path)) and rule[len(prefix_of(path)):].startswith("<"):
            return name
    return None


def test_the_list_of_object_routes_is_known(app, alices_records):
    """A new route with an id must be added to the checks below. A record kind's own routes
    are not listed: the checks below send each of them for every declared kind, at the
    path its row was written to (`write_one`, tests/support/kinds.py)."""
    routes = object_routes(app)
    assert [route for route in routes if record_of(route[0], alices_records) is None] == [
        ("/api/v1/clinic-connections/<connection_id>", ["DELETE"]),
        ("/api/v1/clinic-connections/<connection_id>/views", ["GET"]),
        ("/api/v1/clinic/patients/<patient_id>/<kind:kind>.csv", ["GET"]),
        ("/api/v1/clinic/patients/<patient_id>/fhir", ["GET"]),
        ("/api/v1/clinic/patients/<patient_id>/trends", ["GET"]),
        ("/api/v1/clinic/providers/<id:provider_id>", ["DELETE"]),
        ("/api/v1/imports/<id:preview_id>", ["DELETE", "POST"]),
        ("/api/v1/imports/<id:preview_id>/commit", ["POST"]),
        ("/api/v1/me/passkeys/<passkey_id>", ["DELETE"]),
        ("/api/v1/shares/<share_id>", ["DELETE"]),
        ("/api/v1/shares/<share_id>/views", ["GET"]),
        ("/api/v1/tokens/<token_id>", ["DELETE"]),
    ]
    # Every kind's row was written through a PUT route of its own, swept below.
    for name in alices_records:
        assert any(record_of(rule, alices_records) == name and "PUT" in methods
                   for rule, methods in routes), name


@pytest.fixture
def alices_records(alice):
    """One row of every declared record kind, each kind's own way: {name: (path, body)}."""
    return {kind.name: write_one_of(kind)(alice, DAY, PRIVATE) for kind in declared()}


@pytest.fixture
def lakeside(app):
    return create_clinic(app)


@pytest.fixture
def alices_things(app, alice, lakeside, alices_records):
    token_id = alice.post("/api/v1/tokens", json={"label": "a"}).get_json()["id"]
    share_id = alice.post("/api/v1/shares", json={"label": "Dr. A"}).get_json()["id"]
    connection_id = connect(alice, lakeside, include_notes=True)
    provider_id = str(lakeside.admin.get("/api/v1/clinic").get_json()["providers"][0]["id"])
    passkey_id = _passkey_of(app, alice.user["email"])
    preview = alice.post("/api/v1/imports", data=b"date,pain\n2026-03-02,4\n",
                         content_type="text/csv")
    assert preview.status_code == 201
    return {"passkey_id": passkey_id, "preview_id": str(preview.get_json()["id"]),
            "token_id": token_id, "share_id": share_id,
            "connection_id": connection_id, "patient_id": connection_id,
            "provider_id": provider_id, "kind": "entries", "records": alices_records}


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


def fill(rule: str, things: dict) -> str:
    """`rule` as a path: a record kind's own route at the key of Alice's row of that kind,
    any other with `things`."""
    records = things["records"]
    name = record_of(rule, records)
    if name is not None:
        path = records[name][0]
        key = path.rsplit("/", 1)[1]
        return prefix_of(path) + re.sub(r"^<[^>]+>", key, rule[len(prefix_of(path)):])
    for name, value in things.items():
        if isinstance(value, str):
            rule = re.sub(rf"<(?:[a-z]+:)?{name}>", value, rule)  # <id:provider_id> too
    return rule


def every_object_request(app, client, things):
    """Send every method of every object route, filled with `things`, as `client`: which
    (a record kind's name, or the route's first part), the method, the path, the response.
    A PUT of a record kind's route sends the body Alice's row was written with."""
    records = things["records"]
    for rule, methods in object_routes(app):
        path = fill(rule, things)
        record = record_of(rule, records)
        for method in methods:
            body = records[record][1] if record is not None and method == "PUT" else None
            yield record or rule.split("/")[3], method, path, client.open(
                path, method=method, json=body)


def test_other_patients_get_404_and_change_nothing(app, alice, bob, alices_things):
    records = alices_things["records"]
    before = snapshot(alice)
    for kind, method, path, response in every_object_request(app, bob, alices_things):
        if kind == "clinic":  # a patient account is not a provider's
            assert response.status_code == 403, (method, path)
        elif kind in records:
            # A record's key (a date, the UUID the phone chose) is per patient: B reaches only
            # B's own (empty) day or session, and a PUT there creates B's own.
            expected = {"GET": (404, 200), "PUT": (201,), "DELETE": (204, 404)}[method]
            assert response.status_code in expected, (method, path)
            if method == "GET" and response.status_code == 200:
                assert response.get_json() == {"items": []}
        else:
            assert response.status_code == 404, (method, path, response.get_json())
            assert response.content_type == "application/problem+json"
    assert snapshot(alice) == before
    # What B wrote at each of A's keys landed in B's own records, as B's first version.
    bobs = bob.get("/api/v1/me/export").get_json()
    for kind in declared():
        path, _body = records[kind.name]
        mine = bobs[kind.exported_as]
        assert len(mine) == 1, kind.name
        assert [mine[0][name] for name in kind.key if name != "user_id"] == [
            path.rsplit("/", 1)[1]], kind.name
        assert mine[0].get("version", 1) == 1, kind.name


def test_logged_out_gets_401_everywhere(app, client, alices_things, alice):
    before = snapshot(alice)
    for _kind, method, path, response in every_object_request(app, client, alices_things):
        assert response.status_code == 401, (method, path)
    for path in ("/api/v1/entries", "/api/v1/treatments", "/api/v1/me", "/api/v1/tokens",
                 "/api/v1/export",
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
    assert bob.get("/api/v1/medications").get_json()["items"] == []
    export = bob.get("/api/v1/me/export").get_json()
    assert export["api_tokens"] == []
    for kind in declared():
        assert PRIVATE not in bob.get(f"/api/v1/export/{kind.name}.csv").get_data(as_text=True)
        assert export[kind.exported_as] == [], kind.name
        if kind.history_exported_as:
            assert export[kind.history_exported_as] == [], kind.name


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
