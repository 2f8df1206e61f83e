"""Clinics: the admin's CLI, provider accounts, the clinic's code, patients connecting and
leaving, what a provider reads of a connected patient, and the patient's access log."""

from __future__ import annotations

import csv
import io
import uuid
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select, update

from api.audit.models import AuditEvent
from api.auth.models import PasswordReset
from api.clinics.models import Clinic
from api.db import db
from api.models import utcnow
from tests.support.clinics import (
    PROVIDER_PASSWORD,
    connect,
    create_clinic,
    invite,
    log_in_again,
    provider_client,
    setup_link_token,
)


@pytest.fixture
def lakeside(app):
    return create_clinic(app)


def events(client, *names) -> list[dict]:
    query = "&".join(f"event={name}" for name in names)
    return client.get(f"/api/v1/me/audit?{query}").get_json()["items"]


def set_code(app, clinic_id: int, code: str) -> None:
    with app.app_context():
        db.session.execute(update(Clinic).where(Clinic.id == clinic_id).values(code=code))
        db.session.commit()


def csv_rows(response) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))


# --- Accounts -------------------------------------------------------------------------------

def test_cli_creates_a_clinic_whose_setup_link_works_once(app):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["clinics", "create", "Lakeside Infusion Center",
                                 "--admin", "Ada@Clinic.example", "--name", "Dr Ada Lee"])
    assert result.exit_code == 0, result.output
    assert "for 7 days" in result.output
    token = setup_link_token(result.output)
    assert result.output.strip().splitlines()[-1] == \
        f"{app.config['PUBLIC_URL']}/reset?setup#{token}"

    admin = provider_client(app, token, "ada@clinic.example")
    me = admin.get("/api/v1/me").get_json()
    assert me["role"] == "provider" and me["display_name"] == "Dr Ada Lee"
    assert me["clinic"]["name"] == "Lakeside Infusion Center" and me["clinic"]["is_admin"]
    again = app.test_client().post("/api/v1/auth/reset", json={
        "token": token, "new_password": "another long passphrase here"})
    assert again.status_code == 410

    clinic = admin.get("/api/v1/clinic").get_json()
    assert clinic["name"] == "Lakeside Infusion Center" and clinic["is_admin"] is True
    assert len(clinic["code"]) == 14 and clinic["code"][4] == clinic["code"][9] == "-"
    assert [(p["email"], p["is_admin"]) for p in clinic["providers"]] == [
        ("ada@clinic.example", True)]

    listed = runner.invoke(args=["clinics", "list"]).output
    assert f"{clinic['id']}\tLakeside Infusion Center\t1 providers\t0 patients" in listed


def test_cli_says_when_its_link_only_guesses_the_servers_address(app, monkeypatch):
    """README steps that misled a new admin: with the server on another port, the link
    pointed at port 8000 without a word. Without PUBLIC_URL the command says the address is
    a guess and how to fix it; with it, the link is the one people open."""
    monkeypatch.delenv("PUBLIC_URL", raising=False)
    guessed = app.test_cli_runner().invoke(args=["clinics", "create", "Lakeside",
                                                 "--admin", "ada@clinic.example"])
    assert guessed.exit_code == 0, guessed.output
    assert "PUBLIC_URL is not set" in guessed.output
    assert f"assumes the server answers at {app.config['PUBLIC_URL']}" in guessed.output
    monkeypatch.setenv("PUBLIC_URL", app.config["PUBLIC_URL"])
    told = app.test_cli_runner().invoke(args=["users", "reset-password", "ada@clinic.example"])
    assert "PUBLIC_URL is not set" not in told.output
    assert told.output.strip().splitlines()[-1].startswith(f"{app.config['PUBLIC_URL']}/reset#")


def test_cli_refuses_a_patients_email_and_a_blank_name(app, alice):
    runner = app.test_cli_runner()
    taken = runner.invoke(args=["clinics", "create", "X", "--admin", alice.user["email"]])
    assert taken.exit_code != 0 and "another account" in taken.output
    blank = runner.invoke(args=["clinics", "create", "  ", "--admin", "new@clinic.example"])
    assert blank.exit_code != 0
    # Alice is still a patient who can log in and write.
    assert alice.get("/api/v1/me").get_json()["role"] == "patient"
    assert alice.get("/api/v1/me").get_json().get("clinic") is None


def test_patients_have_the_patient_role(alice):
    assert alice.get("/api/v1/me").get_json()["role"] == "patient"


def test_invite_link_works_once_and_expires_after_7_days(app, lakeside):
    first = lakeside.admin.post("/api/v1/clinic/invites", json={
        "email": "ben@clinic.example", "display_name": "Dr Ben Ortiz"})
    assert first.status_code == 201
    body = first.get_json()
    assert body["url"].startswith(f"{app.config['PUBLIC_URL']}/reset?setup#")
    expires = body["expires_at"]
    assert timedelta(days=6, hours=23) < datetime.fromisoformat(expires) - utcnow() <= timedelta(
        days=7)
    ben = provider_client(app, body["url"].split("#")[1], "ben@clinic.example")
    assert ben.get("/api/v1/me").get_json()["clinic"] == {
        "id": lakeside.id, "name": lakeside.name, "is_admin": False}
    assert app.test_client().post("/api/v1/auth/reset", json={
        "token": body["url"].split("#")[1], "new_password": "yet another passphrase"
    }).status_code == 410

    # A second invitation, left for more than 7 days, no longer works.
    late = lakeside.admin.post("/api/v1/clinic/invites", json={
        "email": "cho@clinic.example", "display_name": "Dr Cho"}).get_json()
    with app.app_context():
        db.session.execute(update(PasswordReset).where(PasswordReset.used_at.is_(None))
                           .values(expires_at=utcnow() - timedelta(seconds=1)))
        db.session.commit()
    assert app.test_client().post("/api/v1/auth/reset", json={
        "token": late["url"].split("#")[1], "new_password": PROVIDER_PASSWORD
    }).status_code == 410


@pytest.mark.parametrize(("body", "field"), [
    ({"email": "not an email", "display_name": "Dr X"}, "email"),
    ({"email": "x@clinic.example", "display_name": " "}, "display_name"),
    ({"email": "x@clinic.example"}, "display_name"),
    ({"email": "x@clinic.example", "display_name": "Dr X", "is_admin": True}, "is_admin"),
])
def test_invite_validation(lakeside, body, field):
    response = lakeside.admin.post("/api/v1/clinic/invites", json=body)
    assert response.status_code == 422
    assert field in response.get_json()["errors"]
    assert len(lakeside.admin.get("/api/v1/clinic").get_json()["providers"]) == 1


# What an invitation does to an account that exists: tests/test_invitations.py.


def test_admin_only_actions_are_403_for_other_providers(app, lakeside):
    ben = invite(app, lakeside)
    code = lakeside.admin.get("/api/v1/clinic").get_json()["code"]
    assert ben.post("/api/v1/clinic/code").status_code == 403
    refused = ben.post("/api/v1/clinic/invites", json={
        "email": "z@clinic.example", "display_name": "Dr Z"})
    assert refused.status_code == 403
    admin_id = lakeside.admin.get("/api/v1/clinic").get_json()["providers"][0]["id"]
    assert ben.delete(f"/api/v1/clinic/providers/{admin_id}").status_code == 403
    # Nothing changed, and Ben still sees the clinic.
    clinic = ben.get("/api/v1/clinic").get_json()
    assert clinic["code"] == code and clinic["is_admin"] is False
    assert [p["display_name"] for p in clinic["providers"]] == ["Dr Ada Lee", "Dr Ben Ortiz"]


def test_removing_a_provider_ends_their_session_at_once(app, lakeside, alice):
    ben = invite(app, lakeside)
    patient_id = connect(alice, lakeside)
    assert ben.get(f"/api/v1/clinic/patients/{patient_id}/trends").status_code == 200
    assert lakeside.admin.delete(f"/api/v1/clinic/providers/{ben.user_id}").status_code == 204
    assert ben.get(f"/api/v1/clinic/patients/{patient_id}/trends").status_code == 401
    assert ben.get("/api/v1/clinic").status_code == 401
    assert ben.get("/api/v1/me").status_code == 401
    assert [p["display_name"] for p in lakeside.admin.get("/api/v1/clinic").get_json()[
        "providers"]] == ["Dr Ada Lee"]
    # Removing again, or someone unknown: 404; the admin cannot remove themselves.
    assert lakeside.admin.delete(f"/api/v1/clinic/providers/{ben.user_id}").status_code == 404
    assert lakeside.admin.delete("/api/v1/clinic/providers/abc").status_code == 404
    admin_id = lakeside.admin.get("/api/v1/clinic").get_json()["providers"][0]["id"]
    assert lakeside.admin.delete(f"/api/v1/clinic/providers/{admin_id}").status_code == 403
    # Alice's access log still names Ben.
    views = alice.get(f"/api/v1/clinic-connections/{patient_id}/views").get_json()["items"]
    assert [v["provider_name"] for v in views] == ["Dr Ben Ortiz"]
    # The clinic's audit: the admin's security log, and Ben's own, say who removed whom.
    events = lakeside.admin.get("/api/v1/me/audit").get_json()["items"]
    said = [(e["event"], e["detail"]) for e in events if e["event"].startswith("clinic_")]
    assert ("clinic_provider_removed", "Dr Ben Ortiz, by Dr Ada Lee") in said
    assert any(event == "clinic_provider_invited"
               and detail.endswith("@clinic.example, by Dr Ada Lee") for event, detail in said)
    with app.app_context():
        bens = db.session.scalars(select(AuditEvent.event).where(
            AuditEvent.user_id == int(ben.user_id))).all()
    assert "clinic_provider_removed" in bens


# --- The code -------------------------------------------------------------------------------

@pytest.mark.parametrize("typed", ["abcd efgh jkmn", "ABCDEFGHJKMN", "abcd-efgh-jkmn",
                                   " AbCd-EfGh JkMn "])
def test_the_code_forgives_case_spaces_and_dashes(app, lakeside, alice, typed):
    set_code(app, lakeside.id, "ABCDEFGHJKMN")
    preview = alice.post("/api/v1/clinic-connections/preview", json={"code": typed})
    assert preview.status_code == 200
    assert preview.get_json() == {"clinic": {"name": "Lakeside Infusion Center"}}
    assert alice.post("/api/v1/clinic-connections", json={"code": typed}).status_code == 201
    assert lakeside.admin.get("/api/v1/clinic").get_json()["code"] == "ABCD-EFGH-JKMN"


@pytest.mark.parametrize("typed", ["ABCD-EFGH-JKO0", "ABCD-EFGH-JKI1", "ABCD-EFGH-JKM",
                                   "ABCD-EFGH-JKMNP", "", "ABCD_EFGH_JKMN"])
def test_malformed_codes_are_422_naming_code(app, lakeside, alice, typed):
    for path in ("/api/v1/clinic-connections/preview", "/api/v1/clinic-connections"):
        response = alice.post(path, json={"code": typed})
        assert response.status_code == 422, (path, typed)
        assert "code" in response.get_json()["errors"]
    assert alice.get("/api/v1/clinic-connections").get_json()["items"] == []


@pytest.mark.parametrize("body", [{}, {"code": 123456789012}, {"code": "ABCD-EFGH-JKMN",
                                  "include_notes": "yes"}, {"code": "ABCD-EFGH-JKMN", "x": 1}])
def test_connect_body_is_strict(alice, lakeside, body):
    response = alice.post("/api/v1/clinic-connections", json=body)
    assert response.status_code == 422
    assert response.content_type == "application/problem+json"


def test_code_lookups_are_rate_limited_like_login(database_url, app, lakeside):
    from tests.conftest import other_app, register

    with other_app(database_url, LOGIN_RATE_LIMIT="3 per minute") as limited:
        client = limited.test_client()
        register(client)
        codes = [client.post("/api/v1/clinic-connections/preview",
                             json={"code": f"2345-6789-ABC{n}"}).status_code
                 for n in range(2, 6)]
    assert codes == [404, 404, 404, 429]


def test_unknown_and_rotated_codes_are_404(app, lakeside, alice, bob):
    unknown = alice.post("/api/v1/clinic-connections/preview", json={"code": "2345-6789-ABCD"})
    assert unknown.status_code == 404 and "code" in unknown.get_json()["errors"]
    connected = connect(alice, lakeside)
    old = lakeside.code
    new = lakeside.admin.post("/api/v1/clinic/code").get_json()["code"]
    assert new != old and lakeside.admin.get("/api/v1/clinic").get_json()["code"] == new
    assert bob.post("/api/v1/clinic-connections/preview", json={"code": old}).status_code == 404
    assert bob.post("/api/v1/clinic-connections", json={"code": old}).status_code == 404
    assert bob.post("/api/v1/clinic-connections", json={"code": new}).status_code == 201
    # Who was connected stays connected.
    assert lakeside.admin.get(f"/api/v1/clinic/patients/{connected}/trends").status_code == 200
    # The clinic's providers are told in their security log who changed the code.
    events = lakeside.admin.get("/api/v1/me/audit").get_json()["items"]
    assert ("clinic_code_changed", "by Dr Ada Lee") in [(e["event"], e["detail"]) for e in events]


# --- Connecting -----------------------------------------------------------------------------

def test_connect_list_reconnect_and_disconnect(app, lakeside, alice):
    created = alice.post("/api/v1/clinic-connections", json={"code": lakeside.code})
    assert created.status_code == 201
    body = created.get_json()
    assert body["clinic"] == {"id": lakeside.id, "name": "Lakeside Infusion Center"}
    assert body["include_notes"] is False
    assert alice.get("/api/v1/clinic-connections").get_json() == {"items": [body]}

    again = alice.post("/api/v1/clinic-connections",
                       json={"code": lakeside.code.lower(), "include_notes": True})
    assert again.status_code == 200
    assert again.get_json() == {**body, "include_notes": True}
    assert alice.get("/api/v1/clinic-connections").get_json()["items"][0]["include_notes"]

    assert alice.delete(f"/api/v1/clinic-connections/{body['id']}").status_code == 204
    assert alice.delete(f"/api/v1/clinic-connections/{body['id']}").status_code == 204
    assert alice.get("/api/v1/clinic-connections").get_json() == {"items": []}
    assert lakeside.admin.get(f"/api/v1/clinic/patients/{body['id']}/trends").status_code == 404
    logged = [(e["event"], e["detail"]) for e in events(
        alice, "clinic_connected", "clinic_disconnected")]
    assert logged == [("clinic_disconnected", "Lakeside Infusion Center"),
                      ("clinic_connected", "Lakeside Infusion Center (without notes)")]

    # Connecting again later is a new connection with a new id.
    new = alice.post("/api/v1/clinic-connections", json={"code": lakeside.code})
    assert new.status_code == 201 and new.get_json()["id"] != body["id"]
    assert lakeside.admin.get(f"/api/v1/clinic/patients/{body['id']}/trends").status_code == 404
    assert lakeside.admin.get(
        f"/api/v1/clinic/patients/{new.get_json()['id']}/trends").status_code == 200


def test_unknown_connection_ids_are_404(alice, bob, lakeside):
    mine = connect(alice, lakeside)
    for connection_id in ("nope", str(uuid.uuid4()), mine):
        assert bob.delete(f"/api/v1/clinic-connections/{connection_id}").status_code == 404
        assert bob.get(f"/api/v1/clinic-connections/{connection_id}/views").status_code == 404
    assert len(alice.get("/api/v1/clinic-connections").get_json()["items"]) == 1


# --- What the provider reads ----------------------------------------------------------------

@pytest.fixture
def diary(alice):
    alice.put("/api/v1/entries/2026-03-01", json={"pain": 6, "mood": 4, "notes": "rough day",
                                                  "tags": ["flare"]})
    alice.put("/api/v1/entries/2026-03-02", json={"pain": 3, "mood": 6})
    session_id = str(uuid.uuid4())
    alice.put(f"/api/v1/treatments/{session_id}", json={
        "started_at": "2026-03-01T15:00:00Z", "route": "iv_infusion", "dose_mg": 35,
        "notes": "felt floaty"})
    assert alice.put(f"/api/v1/medications/{uuid.uuid4()}", json={
        "name": "Lorazepam", "dose": "1 mg", "class": "benzodiazepine",
        "started_on": "2026-02-01", "notes": "only at night"}).status_code == 201
    return session_id


def test_provider_reads_hide_notes_unless_included(app, lakeside, alice, diary):
    patient_id = connect(alice, lakeside)
    base = f"/api/v1/clinic/patients/{patient_id}"
    trends = lakeside.admin.get(f"{base}/trends")
    assert trends.status_code == 200
    assert trends.headers["Cache-Control"] == "no-store"
    body = trends.get_json()
    assert "notes" not in body
    assert [d["pain"] for d in body["days"]][:2] == [6, 3]
    assert body["treatments"][0]["dose_mg"] == 35 and "notes" not in body["treatments"][0]
    assert body["share"] == {"label": "Lakeside Infusion Center", "expires_at": None,
                             "from": None, "to": None, "include_notes": False,
                             "include_insights": False}
    assert body["latest"]["pain"] == 3
    text = "".join(lakeside.admin.get(f"{base}/{kind}").get_data(as_text=True)
                   for kind in ("entries.csv", "treatments.csv", "medications.csv", "fhir"))
    assert "Lorazepam" in text
    for private in ("rough day", "flare", "floaty", "only at night"):
        assert private not in text
    entries = csv_rows(lakeside.admin.get(f"{base}/entries.csv"))
    assert [(r["date"], r["pain"], r["notes"]) for r in entries] == [
        ("2026-03-01", "6", ""), ("2026-03-02", "3", "")]
    fhir = lakeside.admin.get(f"{base}/fhir")
    assert fhir.get_json()["resourceType"] == "Bundle"
    assert "attachment" in fhir.headers["Content-Disposition"]

    connect(alice, lakeside, include_notes=True)
    body = lakeside.admin.get(f"{base}/trends").get_json()
    assert body["notes"] == [{"date": "2026-03-01", "text": "rough day", "tags": ["flare"]}]
    assert body["treatments"][0]["notes"] == "felt floaty"
    assert csv_rows(lakeside.admin.get(f"{base}/entries.csv"))[0]["notes"] == "rough day"
    medications = csv_rows(lakeside.admin.get(f"{base}/medications.csv"))
    assert [(m["name"], m["dose"], m["notes"]) for m in medications] == [
        ("Lorazepam", "1 mg", "only at night")]
    questionnaires = lakeside.admin.get(f"{base}/questionnaires.csv")
    assert questionnaires.status_code == 200
    assert questionnaires.headers["Content-Type"].startswith("text/csv")


def test_access_log_names_each_provider_once_per_login_session(app, lakeside, alice, diary):
    patient_id = connect(alice, lakeside)
    ben = invite(app, lakeside, display_name="Dr Ben Ortiz")
    base = f"/api/v1/clinic/patients/{patient_id}"
    for path in ("trends", "entries.csv", "trends", "fhir"):
        assert lakeside.admin.get(f"{base}/{path}").status_code == 200
    assert ben.get(f"{base}/treatments.csv").status_code == 200
    views = alice.get(f"/api/v1/clinic-connections/{patient_id}/views").get_json()["items"]
    assert [(v["provider_name"], v["opened"]) for v in views] == [
        ("Dr Ben Ortiz", ["treatments.csv"]),
        ("Dr Ada Lee", ["trends", "entries.csv", "fhir"])]
    assert views[1]["last_viewed_at"] >= views[1]["viewed_at"]
    viewed = [e["detail"] for e in events(alice, "clinic_viewed")]
    assert viewed == ["Lakeside Infusion Center: Dr Ben Ortiz, treatments.csv",
                      "Lakeside Infusion Center: Dr Ada Lee, trends"]

    # A new login is a new line; the log outlives the connection.
    email = lakeside.admin.get("/api/v1/me").get_json()["email"]
    lakeside.admin.post("/api/v1/auth/logout")
    log_in_again(lakeside.admin, email)
    lakeside.admin.get(f"{base}/trends")
    alice.delete(f"/api/v1/clinic-connections/{patient_id}")
    views = alice.get(f"/api/v1/clinic-connections/{patient_id}/views").get_json()["items"]
    assert [v["provider_name"] for v in views] == ["Dr Ada Lee", "Dr Ben Ortiz", "Dr Ada Lee"]
    # The patient's export holds the connection, ended, and its access log.
    export = alice.get("/api/v1/me/export").get_json()
    [connection] = export["clinic_connections"]
    assert connection["clinic"] == "Lakeside Infusion Center" and connection["ended_at"]
    assert [v["provider_name"] for v in export["clinic_views"]] == [
        "Dr Ada Lee", "Dr Ben Ortiz", "Dr Ada Lee"]


def test_providers_see_only_their_own_clinics_patients(app, lakeside, alice, bob):
    other = create_clinic(app, name="Hillside")
    alices = connect(alice, lakeside)
    bobs = connect(bob, other)
    assert lakeside.admin.get(f"/api/v1/clinic/patients/{bobs}/trends").status_code == 404
    assert other.admin.get(f"/api/v1/clinic/patients/{alices}/trends").status_code == 404
    assert other.admin.get("/api/v1/clinic/patients/not-a-uuid/fhir").status_code == 404
    assert alice.get(f"/api/v1/clinic-connections/{alices}/views").get_json()["items"] == []


def test_the_roles_refuse_each_others_endpoints(lakeside, alice):
    refused = alice.get("/api/v1/clinic")
    assert refused.status_code == 403
    assert "provider" in refused.get_json()["detail"]
    assert alice.get("/api/v1/clinic/patients").status_code == 403
    for path in ("/api/v1/entries", "/api/v1/trends", "/api/v1/clinic-connections",
                 "/api/v1/shares", "/api/v1/me/export"):
        assert lakeside.admin.get(path).status_code == 403, path
    assert lakeside.admin.put("/api/v1/entries/2026-03-01", json={"pain": 3}).status_code == 403
    # Both may read and change their own account and read their security log.
    assert lakeside.admin.patch("/api/v1/me", json={"display_name": "Dr Ada Lee, MD"}
                                ).get_json()["clinic"]["name"] == "Lakeside Infusion Center"
    assert lakeside.admin.get("/api/v1/me/audit").status_code == 200


def test_deleting_a_clinic_ends_every_connection_and_says_so(app, lakeside, alice, bob):
    alices = connect(alice, lakeside)
    connect(bob, lakeside)
    ben = invite(app, lakeside)
    assert lakeside.admin.get(f"/api/v1/clinic/patients/{alices}/trends").status_code == 200
    runner = app.test_cli_runner()
    result = runner.invoke(args=["clinics", "delete", str(lakeside.id), "--yes"])
    assert result.exit_code == 0, result.output
    assert lakeside.admin.get(f"/api/v1/clinic/patients/{alices}/trends").status_code == 401
    assert ben.get("/api/v1/clinic").status_code == 401
    for patient in (alice, bob):
        assert patient.get("/api/v1/clinic-connections").get_json() == {"items": []}
        assert [e["detail"] for e in events(patient, "clinic_deleted")] == [
            "Lakeside Infusion Center"]
    assert "clinic_viewed" in [e["event"] for e in events(alice, "clinic_viewed")]
    assert runner.invoke(args=["clinics", "delete", str(lakeside.id), "--yes"]).exit_code != 0
    with app.app_context():
        assert db.session.scalar(select(Clinic)) is None


def test_a_patient_who_deletes_their_account_leaves_the_clinic(app, lakeside, alice):
    from tests.conftest import PASSWORD

    patient_id = connect(alice, lakeside)
    assert alice.delete("/api/v1/me", json={"password": PASSWORD}).status_code == 204
    assert lakeside.admin.get(f"/api/v1/clinic/patients/{patient_id}/trends").status_code == 404


# --- The panel ------------------------------------------------------------------------------

PANEL_FIELDS = {"patient_id", "display_name", "connected_at", "include_notes", "flagged",
                "last_logged_on", "days_since_log", "last_session", "pain_avg7",
                "pain_days7", "pain_baseline", "mood_avg7", "mood_days7", "mood_baseline",
                "phq9", "safety_flag_on", "safety_answer", "peg", "bp_flag_on", "bp_flags",
                "booster"}


def phq9(client, day: date, answers: list[int]) -> None:
    response = client.put(f"/api/v1/responses/{uuid.uuid4()}", json={
        "instrument": "phq9", "answered_at": f"{day.isoformat()}T12:00:00Z",
        "answers": {f"q{n}": value for n, value in enumerate(answers, start=1)}})
    assert response.status_code == 201, response.get_json()


def log_days(client, days: dict[date, tuple[int, int]]) -> None:
    for day, (pain, mood) in days.items():
        assert client.put(f"/api/v1/entries/{day.isoformat()}",
                          json={"pain": pain, "mood": mood}).status_code == 201


def seed_carol(patient) -> tuple:
    """Seven days of pain 8 / mood 3, an infusion five days ago, then better days; a PHQ-9
    of 18 (item 9 answered 2) before the infusion and one of 8 yesterday."""
    carol = patient(display_name="Carol Reyes")
    today = datetime.now(UTC).date()  # the patients' today: their time zone is UTC
    day = lambda n: today - timedelta(days=n)  # noqa: E731
    log_days(carol, {day(n): (8, 3) for n in range(12, 5, -1)})
    log_days(carol, dict(zip([day(n) for n in range(4, -1, -1)],
                             [(4, 6), (4, 6), (3, 7), (3, 7), (2, 8)], strict=True)))
    assert carol.put(f"/api/v1/treatments/{uuid.uuid4()}", json={
        "started_at": f"{day(5).isoformat()}T10:00:00Z", "route": "iv_infusion",
        "dose_mg": 35}).status_code == 201
    phq9(carol, day(8), [2] * 9)
    phq9(carol, day(1), [1] * 8 + [0])
    return carol, day


def test_panel_fields_for_a_patient_with_a_diary(app, lakeside, patient):
    carol, day = seed_carol(patient)
    patient_id = connect(carol, lakeside, include_notes=True)
    response = lakeside.admin.get("/api/v1/clinic/patients")
    assert response.status_code == 200
    body = response.get_json()
    assert body["generated_at"]
    [item] = body["items"]
    assert set(item) == PANEL_FIELDS
    assert item["patient_id"] == patient_id and item["display_name"] == "Carol Reyes"
    assert item["include_notes"] is True
    assert item["last_logged_on"] == day(0).isoformat() and item["days_since_log"] == 0
    assert item["last_session"] == {"date": day(5).isoformat(), "route": "iv_infusion",
                                    "days_since": 5}
    # Today's 7 days: day 6 (pain 8, mood 3) and days 4..0: (8+4+4+3+3+2)/6, (3+6+6+7+7+8)/6.
    assert item["pain_avg7"] == 4 and item["mood_avg7"] == 6.17
    # The week before the infusion: pain 8 and mood 3 every day.
    assert item["pain_baseline"] == 8 and item["mood_baseline"] == 3
    # 8 against the series' baseline of 18: -55.6 %; item 9 above 0 eight days ago.
    assert item["phq9"] == {"total": 8, "date": day(1).isoformat(), "baseline": 18,
                            "change_pct": -55.6}
    assert item["safety_flag_on"] == day(8).isoformat() and item["flagged"] is True
    assert item["safety_answer"] == 2 and (item["pain_days7"], item["mood_days7"]) == (6, 6)
    assert item["peg"] is None and item["booster"] is None and item["bp_flag_on"] is None
    assert response.headers["Cache-Control"] == "no-store"


def test_panel_order_and_search(app, lakeside, patient):
    carol, day = seed_carol(patient)  # flagged, logged today
    eve = patient(display_name="Eve Nakamura")  # never logged
    finn = patient(display_name="Finn O'Brien")
    log_days(finn, {day(10): (5, 5)})
    gus = patient(display_name="gus Varga")
    log_days(gus, {day(2): (5, 5)})
    hana = patient(display_name="Hana Sato")  # blood pressure 150/95 before a session
    log_days(hana, {day(1): (4, 6)})
    assert hana.put(f"/api/v1/treatments/{uuid.uuid4()}", json={
        "started_at": f"{day(3).isoformat()}T10:00:00Z", "route": "intranasal",
        "vitals": [{"taken_at": f"{day(3).isoformat()}T09:50:00Z", "phase": "before",
                    "systolic": 150, "diastolic": 95}]}).status_code == 201
    for who in (gus, finn, eve, carol, hana):
        connect(who, lakeside)
    items = lakeside.admin.get("/api/v1/clinic/patients").get_json()["items"]
    # Flagged first (the longest since logging first among them), then never logged, then
    # the longest since logging.
    assert [(i["display_name"], i["flagged"], i["days_since_log"]) for i in items] == [
        ("Hana Sato", True, 1), ("Carol Reyes", True, 0), ("Eve Nakamura", False, None),
        ("Finn O'Brien", False, 10), ("gus Varga", False, 2)]
    assert items[0]["bp_flag_on"] == day(3).isoformat() and items[0]["safety_flag_on"] is None
    search = lambda q: [i["display_name"] for i in lakeside.admin.get(  # noqa: E731
        "/api/v1/clinic/patients", query_string={"q": q}).get_json()["items"]]
    assert search("GUS") == ["gus Varga"]
    assert search("a") == ["Hana Sato", "Carol Reyes", "Eve Nakamura", "gus Varga"]
    assert search("zz") == []
    # Someone who disconnects leaves the panel at once.
    connection = eve.get("/api/v1/clinic-connections").get_json()["items"][0]["id"]
    eve.delete(f"/api/v1/clinic-connections/{connection}")
    assert "Eve Nakamura" not in search("")
    assert lakeside.admin.get("/api/v1/clinic/patients?unknown=1").status_code == 422
