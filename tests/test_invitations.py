"""Issue 20, item 5: an invitation never takes over an account (DESIGN.md "Accounts" →
"Invitations"). The admin's answer is the same whether or not the email has an account;
an existing account keeps its password and its enabled state, and joins only by logging
in with its own password and accepting (POST /clinic/invites/accept)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, update

from api.audit.models import AuditEvent
from api.db import db
from api.models import utcnow
from tests.conftest import PASSWORD
from tests.support.clinics import (
    PROVIDER_PASSWORD,
    connect,
    create_clinic,
    invite,
    provider_client,
)

NEW_PASSWORD = "a takeover passphrase of clinic b"


@pytest.fixture
def lakeside(app):
    return create_clinic(app)


@pytest.fixture
def hillside(app):
    return create_clinic(app, name="Hillside Pain Clinic", admin_name="Dr Hal Moss")


def invite_url(clinic, email: str, name: str = "Dr Ben Ortiz"):
    return clinic.admin.post("/api/v1/clinic/invites",
                             json={"email": email, "display_name": name})


def token_of(response) -> str:
    return response.get_json()["url"].split("#", 1)[1]


def logs_in(app, email: str, password: str):
    client = app.test_client()
    return client, client.post("/api/v1/auth/login", json={"email": email, "password": password})


def shape(response) -> tuple[int, tuple[str, ...], str]:
    body = response.get_json()
    return response.status_code, tuple(sorted(body)), body["url"].split("#")[0]


def test_removed_provider_invited_elsewhere_stays_out_and_their_log_stays_private(
        app, lakeside, hillside, alice):
    """The reported takeover: clinic A removes Ben; clinic B invites his email. Before,
    the account was enabled at once (old password working again) and B's admin set a new
    password with the link and read A's events in Ben's log."""
    ben = invite(app, lakeside)
    connect(alice, lakeside)
    email = ben.get("/api/v1/me").get_json()["email"]
    assert lakeside.admin.delete(f"/api/v1/clinic/providers/{ben.user_id}").status_code == 204

    answer = invite_url(hillside, email)
    assert answer.status_code == 201
    # The old password does not come back.
    _, old = logs_in(app, email, PROVIDER_PASSWORD)
    assert old.status_code == 401
    # The link sets no password on an existing account: B's admin cannot log in as Ben.
    reset = app.test_client().post("/api/v1/auth/reset", json={
        "token": token_of(answer), "new_password": NEW_PASSWORD})
    assert reset.status_code == 409 and reset.get_json()["reason"] == "log_in_to_accept"
    _, taken = logs_in(app, email, NEW_PASSWORD)
    assert taken.status_code == 401
    # Hillside lists Ben as invited, with no account id and nothing of his account.
    listed = hillside.admin.get("/api/v1/clinic").get_json()["providers"]
    assert [(p["email"], p["status"], p["id"]) for p in listed][1:] == [
        (email, "invited", None)]


def test_the_answer_is_the_same_whether_or_not_the_email_has_an_account(
        app, lakeside, hillside, alice):
    other_admin = hillside.admin.get("/api/v1/me").get_json()["email"]
    removed = invite(app, lakeside, display_name="Dr Removed")
    removed_email = removed.get("/api/v1/me").get_json()["email"]
    lakeside.admin.delete(f"/api/v1/clinic/providers/{removed.user_id}")
    answers = [invite_url(lakeside, email, "Dr X") for email in (
        "nobody-yet@clinic.example", alice.user["email"].upper(), other_admin, removed_email)]
    assert {shape(answer) for answer in answers} == {
        (201, ("expires_at", "url"), f"{app.config['PUBLIC_URL']}/reset?setup")}
    # Nothing about any of those accounts changed: Alice is a patient who logs in as before.
    assert alice.get("/api/v1/me").get_json()["role"] == "patient"
    assert logs_in(app, alice.user["email"], PASSWORD)[1].status_code == 200
    assert hillside.admin.get("/api/v1/me").get_json()["clinic"]["name"] == hillside.name


def test_an_existing_provider_accepts_by_logging_in(app, lakeside, hillside):
    """A provider whose clinic closed (or who was never in one) keeps their password and
    joins by logging in and accepting; the token is single use and for them only."""
    with app.app_context():
        from api.auth.models import User
        from api.auth.service import hash_password
        db.session.add(User(email="cy@clinic.example", role="provider",
                            password_hash=hash_password(PROVIDER_PASSWORD),
                            display_name="Dr Cy Park"))
        db.session.commit()
    token = token_of(invite_url(lakeside, "cy@clinic.example", "Dr Cy Park"))
    cy, login = logs_in(app, "cy@clinic.example", PROVIDER_PASSWORD)
    assert login.status_code == 200

    # Someone else logged in with the token: refused, and it still works for Cy.
    other = hillside.admin.post("/api/v1/clinic/invites/accept", json={"token": token})
    assert other.status_code == 403
    accepted = cy.post("/api/v1/clinic/invites/accept", json={"token": token})
    assert accepted.status_code == 200
    assert accepted.get_json()["name"] == lakeside.name
    assert cy.get("/api/v1/me").get_json()["clinic"]["name"] == lakeside.name
    listed = lakeside.admin.get("/api/v1/clinic").get_json()["providers"]
    assert [(p["display_name"], p["status"]) for p in listed] == [
        ("Dr Ada Lee", "active"), ("Dr Cy Park", "active")]
    assert cy.post("/api/v1/clinic/invites/accept", json={"token": token}).status_code == 410
    # The clinic's log says who joined.
    joined = lakeside.admin.get("/api/v1/me/audit?event=clinic_provider_joined").get_json()
    assert [e["detail"] for e in joined["items"]] == ["Dr Cy Park"]


def test_a_patient_opening_an_invitation_is_told_to_use_another_email(app, lakeside, alice):
    token = token_of(invite_url(lakeside, alice.user["email"]))
    refused = alice.post("/api/v1/clinic/invites/accept", json={"token": token})
    assert refused.status_code == 409
    assert refused.get_json()["reason"] == "patient_account"
    assert "another email" in refused.get_json()["detail"]
    # Alice is still a patient with her diary; the admin still sees only "invited".
    assert alice.get("/api/v1/me").get_json()["role"] == "patient"
    assert alice.put("/api/v1/entries/2026-03-01", json={"pain": 3}).status_code == 201
    listed = lakeside.admin.get("/api/v1/clinic").get_json()["providers"]
    assert [p["status"] for p in listed] == ["active", "invited"]


def test_a_provider_of_another_clinic_cannot_be_poached(app, lakeside, hillside):
    hal = hillside.admin.get("/api/v1/me").get_json()["email"]
    token = token_of(invite_url(lakeside, hal, "Poached"))
    refused = hillside.admin.post("/api/v1/clinic/invites/accept", json={"token": token})
    assert refused.status_code == 409 and refused.get_json()["reason"] == "other_clinic"
    assert hillside.admin.get("/api/v1/me").get_json()["clinic"]["name"] == hillside.name


def test_a_new_provider_is_invited_until_the_link_sets_a_password(app, lakeside):
    answer = invite_url(lakeside, "Dee@Clinic.example", "Dr Dee Vance")
    listed = lakeside.admin.get("/api/v1/clinic").get_json()["providers"]
    assert [(p["email"], p["display_name"], p["status"], p["joined_at"]) for p in listed][1:] \
        == [("dee@clinic.example", "Dr Dee Vance", "invited", None)]
    # Nobody can log in to the new account before its link is used.
    assert logs_in(app, "dee@clinic.example", NEW_PASSWORD)[1].status_code == 401
    dee = provider_client(app, token_of(answer), "dee@clinic.example")
    assert dee.get("/api/v1/me").get_json()["clinic"]["name"] == lakeside.name
    listed = lakeside.admin.get("/api/v1/clinic").get_json()["providers"]
    assert [(p["display_name"], p["status"]) for p in listed] == [
        ("Dr Ada Lee", "active"), ("Dr Dee Vance", "active")]


def test_invitations_are_stored_hashed_single_and_expire_after_7_days(app, lakeside):
    from api.clinics.models import ClinicInvite

    first = token_of(invite_url(lakeside, "eve@clinic.example"))
    second = token_of(invite_url(lakeside, "eve@clinic.example"))  # replaces the first
    with app.app_context():
        stored = db.session.scalars(select(ClinicInvite.token_hash)).all()
        assert len(stored) == 1 and second not in stored[0] and len(stored[0]) == 64
    assert app.test_client().post("/api/v1/auth/reset", json={
        "token": first, "new_password": PROVIDER_PASSWORD}).status_code == 410
    with app.app_context():
        db.session.execute(update(ClinicInvite).values(expires_at=utcnow() - timedelta(
            seconds=1)))
        db.session.commit()
    # An expired invitation is no longer listed.
    assert len(lakeside.admin.get("/api/v1/clinic").get_json()["providers"]) == 1


def test_invitations_are_rate_limited_per_admin(app, database_url, lakeside):
    from tests.conftest import other_app

    with other_app(database_url, INVITE_RATE_LIMIT="2 per hour") as strict:
        admin = strict.test_client()
        admin.set_cookie(*_session_cookie(lakeside.admin))
        codes = [admin.post("/api/v1/clinic/invites", json={
            "email": f"p{n}@clinic.example", "display_name": "Dr P"}).status_code
            for n in range(3)]
        refused = admin.post("/api/v1/clinic/invites", json={
            "email": "q@clinic.example", "display_name": "Dr Q"})
    assert codes == [201, 201, 429]
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) > 0
    assert refused.content_type == "application/problem+json"
    with app.app_context():
        assert db.session.scalar(select(AuditEvent.id).where(
            AuditEvent.detail.startswith("q@clinic.example"))) is None


def _session_cookie(client) -> tuple[str, str]:
    cookie = client.get_cookie("relieflog_session")
    assert cookie is not None
    return cookie.key, cookie.value
