"""Issue 20, item 7: the smaller findings of the review. Path integers are ASCII digits in
the database's range (else 404); the bladder answer honours If-Match; clinic reads of
patient data are rate limited per provider; turning notes on or off for a clinic is in
the patient's security log, and a burst of code changes is one event; tags are refused,
not trimmed, with spaces around them; query integers are ASCII digits."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import update

from api.audit.models import AuditEvent
from api.db import db
from api.models import utcnow
from tests.conftest import other_app
from tests.support.clinics import connect, create_clinic, invite


@pytest.fixture
def lakeside(app):
    return create_clinic(app)


def events(client, *names: str) -> list[dict]:
    query = "&".join(f"event={name}" for name in names)
    return client.get(f"/api/v1/me/audit?{query}").get_json()["items"]


# --- Path integers --------------------------------------------------------------------------

@pytest.mark.parametrize("provider_id", [
    "²", "%C2%B2", "٥", "%D9%A5", "2147483648", "99999999999999999999", "-1", "01", "0",
    "+2", "2.0", "abc"])
def test_a_provider_id_that_is_no_database_integer_is_404(app, lakeside, provider_id):
    ben = invite(app, lakeside)
    response = lakeside.admin.delete(f"/api/v1/clinic/providers/{provider_id}")
    assert response.status_code == 404
    assert response.content_type == "application/problem+json"
    # Ben is still a provider of the clinic.
    assert ben.get("/api/v1/clinic").status_code == 200


def test_the_largest_id_is_a_plain_404_and_a_real_one_works(app, lakeside):
    ben = invite(app, lakeside)
    assert lakeside.admin.delete("/api/v1/clinic/providers/2147483647").status_code == 404
    assert lakeside.admin.delete(f"/api/v1/clinic/providers/{ben.user_id}").status_code == 204


# --- If-Match on the bladder answer ---------------------------------------------------------

def test_the_bladder_answer_honours_if_match(alice):
    url = "/api/v1/bladder-checks/2026-03-01"
    first = alice.put(url, json={"symptoms": ["urinary_frequency"]})
    assert first.status_code == 201 and first.headers["ETag"] == '"1"'
    assert alice.put(url, json={"symptoms": ["painful_urination"]}, headers={"If-Match": '"1"'}
                     ).status_code == 200
    # Another device still holding version 1: refused, the newer answer kept.
    stale = alice.put(url, json={"symptoms": []}, headers={"If-Match": '"1"'})
    assert stale.status_code == 412
    assert stale.get_json()["current"]["symptoms"] == ["painful_urination"]
    assert stale.headers["ETag"] == '"2"'
    listed = alice.get("/api/v1/bladder-checks?from=2026-03-01&to=2026-03-01").get_json()
    assert [item["symptoms"] for item in listed["items"]] == [["painful_urination"]]
    malformed = alice.put(url, json={"symptoms": []}, headers={"If-Match": "2"})
    assert malformed.status_code == 400 and "If-Match" in malformed.get_json()["errors"]


# --- Clinic reads are rate limited per provider ---------------------------------------------

def test_clinic_reads_of_patient_data_are_limited_per_provider(app, database_url, lakeside,
                                                               alice):
    patient_id = connect(alice, lakeside)
    ben = invite(app, lakeside)
    paths = ["/api/v1/clinic/patients", f"/api/v1/clinic/patients/{patient_id}/trends",
             f"/api/v1/clinic/patients/{patient_id}/entries.csv",
             f"/api/v1/clinic/patients/{patient_id}/fhir"]
    with other_app(database_url, CLINIC_READ_RATE_LIMIT="3 per minute") as strict:
        admin, other = strict.test_client(), strict.test_client()
        for client, signed_in in ((admin, lakeside.admin), (other, ben)):
            cookie = signed_in.get_cookie("relieflog_session")
            client.set_cookie(cookie.key, cookie.value)
        # One limit for every read of patient data, not one per endpoint.
        codes = [admin.get(path).status_code for path in paths]
        refused = admin.get(f"/api/v1/clinic/patients/{patient_id}/trends")
        # Another provider of the same clinic, from the same address, has their own.
        elsewhere = other.get(f"/api/v1/clinic/patients/{patient_id}/trends")
    assert codes == [200, 200, 200, 429]
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) > 0
    assert refused.content_type == "application/problem+json"
    assert elsewhere.status_code == 200
    # A refused read opened nothing: Alice's access log has what was read, no fhir.
    opened = {kind for view in alice.get(
        f"/api/v1/clinic-connections/{patient_id}/views").get_json()["items"]
        for kind in view["opened"]}
    assert opened == {"trends", "entries.csv"}


# --- Security-log events --------------------------------------------------------------------

def test_turning_notes_on_and_off_is_in_the_patients_log(lakeside, alice):
    connect(alice, lakeside, include_notes=False)
    connect(alice, lakeside, include_notes=True)
    connect(alice, lakeside, include_notes=True)  # no change: no event
    connect(alice, lakeside, include_notes=False)
    said = [(e["event"], e["detail"]) for e in events(
        alice, "clinic_connected", "clinic_notes_on", "clinic_notes_off")]
    assert said == [("clinic_notes_off", lakeside.name), ("clinic_notes_on", lakeside.name),
                    (("clinic_connected", f"{lakeside.name} (without notes)"))]


def test_a_burst_of_code_changes_is_one_event_per_admin_and_hour(app, lakeside):
    ben = invite(app, lakeside)
    for _ in range(60):
        assert lakeside.admin.post("/api/v1/clinic/code").status_code == 200
    assert [e["detail"] for e in events(ben, "clinic_code_changed")] == ["by Dr Ada Lee"]
    assert len(events(lakeside.admin, "clinic_code_changed")) == 1
    # An hour after the one logged, the next change is logged again.
    with app.app_context():
        db.session.execute(update(AuditEvent).where(AuditEvent.event == "clinic_code_changed")
                           .values(created_at=utcnow() - timedelta(minutes=61)))
        db.session.commit()
    lakeside.admin.post("/api/v1/clinic/code")
    lakeside.admin.post("/api/v1/clinic/code")
    assert len(events(ben, "clinic_code_changed")) == 2


# --- Tags and query integers ----------------------------------------------------------------

@pytest.mark.parametrize("tag", [" ketamine", "ketamine ", "\tketamine", "ketamine\u00a0"])
def test_a_tag_with_spaces_around_it_is_refused_not_trimmed(alice, tag):
    response = alice.put("/api/v1/entries/2026-03-01", json={"pain": 3, "tags": ["ok", tag]})
    assert response.status_code == 422
    assert "tags.1" in response.get_json()["errors"]
    assert alice.get("/api/v1/entries/2026-03-01").status_code == 404


def test_a_tag_with_inner_spaces_is_kept_as_typed(alice):
    response = alice.put("/api/v1/entries/2026-03-01",
                         json={"pain": 3, "tags": ["long walk", "long walk"]})
    assert response.status_code == 201 and response.get_json()["tags"] == ["long walk"]


ARABIC_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")
# Each of these is a number to int(), so each was taken before: 5, 50, 5, 5, 5, 5.
NOT_ASCII_DIGITS = [lambda n: n.translate(ARABIC_INDIC), lambda n: f"{n[0]}_{n[1:]}" if
                    len(n) > 1 else f"0_{n}", lambda n: f"+{n}", lambda n: f" {n}",
                    lambda n: f"{n} ", lambda n: n.translate(FULL_WIDTH)]


@pytest.mark.parametrize("spell", NOT_ASCII_DIGITS)
def test_query_integers_are_ascii_digits(alice, spell):
    alice.post("/api/v1/tokens", json={"label": "script"})  # an event `before` can name
    newest = events(alice)[0]["id"]
    for name, value in (("limit", "5"), ("before", str(newest))):
        response = alice.get("/api/v1/me/audit", query_string={name: spell(value)})
        assert response.status_code == 422, (name, spell(value))
        assert name in response.get_json()["errors"]


def test_a_plain_query_integer_still_works(alice):
    assert alice.get("/api/v1/me/audit?limit=5").status_code == 200
    assert alice.get("/api/v1/me/audit?limit=0").status_code == 422
