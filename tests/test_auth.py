"""Accounts, login sessions, bearer tokens, CSRF and login throttling through HTTP."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from api.auth.models import LoginSession, User
from api.db import db
from api.models import utcnow
from tests.conftest import PASSWORD, other_app, register


def login(client, email, password=PASSWORD):
    return client.post("/api/v1/auth/login", json={"email": email, "password": password})


def test_register_logs_in_with_a_safe_cookie(client):
    response = client.post("/api/v1/auth/register", json={
        "email": "Ana@Example.org", "password": PASSWORD, "timezone": "America/Chicago",
        "display_name": "Ana"})
    assert response.status_code == 201
    assert response.get_json()["email"] == "ana@example.org"
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Path=/" in cookie
    assert client.get("/api/v1/me").get_json()["timezone"] == "America/Chicago"


def test_cookie_is_secure_with_host_prefix_over_https(app):
    client = app.test_client()
    response = client.post("/api/v1/auth/register", base_url="https://localhost",
                           json={"email": "s@example.org", "password": PASSWORD})
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith("__Host-relieflog_session=") and "Secure" in cookie
    assert "Strict-Transport-Security" in response.headers


def test_session_token_is_stored_hashed(app, client):
    response = client.post("/api/v1/auth/register",
                           json={"email": "h@example.org", "password": PASSWORD})
    token = response.headers["Set-Cookie"].split(";")[0].split("=", 1)[1]
    with app.app_context():
        stored = db.session.scalars(select(LoginSession.token_hash)).one()
    assert token not in stored and len(stored) == 64


def test_email_is_unique_case_insensitively(client):
    register(client, email="dup@example.org")
    again = client.post("/api/v1/auth/register",
                        json={"email": "DUP@example.org", "password": PASSWORD})
    assert again.status_code == 409 and "email" in again.get_json()["errors"]


def test_register_validation(client):
    cases = [
        ({"email": "x@example.org", "password": "short"}, "password"),
        ({"email": "not-an-email", "password": PASSWORD}, "email"),
        ({"email": "x@example.org", "password": PASSWORD, "timezone": "Mars/Olympus"},
         "timezone"),
        ({"email": "x@example.org", "password": PASSWORD, "admin": True}, "admin"),
    ]
    for body, field in cases:
        response = client.post("/api/v1/auth/register", json=body)
        assert response.status_code == 422 and field in response.get_json()["errors"], body


def test_login_failure_says_the_same_for_unknown_email_and_wrong_password(app):
    client = app.test_client()
    register(client, email="known@example.org")
    wrong = login(app.test_client(), "known@example.org", "wrong password!")
    unknown = login(app.test_client(), "nobody@example.org", "wrong password!")
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.get_json()["detail"] == unknown.get_json()["detail"]
    assert login(app.test_client(), "KNOWN@example.org").status_code == 200


def test_logout_ends_the_session(alice):
    assert alice.post("/api/v1/auth/logout").status_code == 204
    assert alice.get("/api/v1/me").status_code == 401


def test_logged_out_requests_are_401_problems(client):
    response = client.get("/api/v1/entries")
    assert response.status_code == 401
    assert response.content_type == "application/problem+json"


def test_login_is_rate_limited_per_ip(app, database_url):
    with other_app(database_url, LOGIN_RATE_LIMIT="3 per minute") as strict:
        client = strict.test_client()
        codes = [login(client, "x@example.org").status_code for _ in range(4)]
    assert codes == [401, 401, 401, 429]


def test_idle_session_expires(app, alice):
    with app.app_context():
        db.session.execute(update(LoginSession).values(last_seen_at=utcnow() - timedelta(days=15)))
        db.session.commit()
    assert alice.get("/api/v1/me").status_code == 401


def test_absolute_session_lifetime(app, alice):
    with app.app_context():
        db.session.execute(update(LoginSession).values(created_at=utcnow() - timedelta(days=91)))
        db.session.commit()
    assert alice.get("/api/v1/me").status_code == 401


def test_patch_me(alice):
    response = alice.patch("/api/v1/me", json={"display_name": " Ana ", "timezone": "Asia/Tokyo"})
    assert response.get_json()["display_name"] == "Ana"
    assert alice.get("/api/v1/me").get_json()["timezone"] == "Asia/Tokyo"
    assert alice.patch("/api/v1/me", json={"timezone": "Mars/Olympus"}).status_code == 422


def test_password_change_ends_other_sessions(app, alice):
    email = alice.user["email"]
    other_device = app.test_client()
    assert login(other_device, email).status_code == 200
    wrong = alice.post("/api/v1/me/password",
                       json={"current_password": "nope nope nope",
                             "new_password": "a new long password"})
    assert wrong.status_code == 403
    ok = alice.post("/api/v1/me/password",
                    json={"current_password": PASSWORD, "new_password": "a new long password"})
    assert ok.status_code == 204
    assert other_device.get("/api/v1/me").status_code == 401
    assert alice.get("/api/v1/me").status_code == 200  # this device got a fresh session
    assert login(app.test_client(), email, "a new long password").status_code == 200


def test_bearer_tokens(app, alice):
    created = alice.post("/api/v1/tokens", json={"label": "my script"})
    assert created.status_code == 201
    token = created.get_json()["token"]
    assert token.startswith("rl_")
    listed = alice.get("/api/v1/tokens").get_json()["items"]
    assert listed[0]["label"] == "my script" and "token" not in listed[0]

    script = app.test_client()
    headers = {"Authorization": f"Bearer {token}"}
    put = script.put("/api/v1/entries/2026-03-01", json={"pain": 2}, headers=headers)
    assert put.status_code == 201
    assert alice.get("/api/v1/entries/2026-03-01").get_json()["pain"] == 2

    assert alice.delete(f"/api/v1/tokens/{listed[0]['id']}").status_code == 204
    refused = script.get("/api/v1/me", headers=headers)
    assert refused.status_code == 401 and "WWW-Authenticate" in refused.headers


def test_cross_site_cookie_writes_are_refused(alice):
    evil = {"Origin": "https://evil.example"}
    response = alice.put("/api/v1/entries/2026-03-01", json={"pain": 9}, headers=evil)
    assert response.status_code == 403
    assert alice.get("/api/v1/entries/2026-03-01").status_code == 404
    same = {"Origin": "http://localhost"}
    assert alice.put("/api/v1/entries/2026-03-01", json={"pain": 1},
                     headers=same).status_code == 201
    cross = {"Sec-Fetch-Site": "cross-site"}
    assert alice.delete("/api/v1/entries/2026-03-01", headers=cross).status_code == 403


def test_delete_account_removes_every_row_and_leaves_others(app, alice, bob):
    import uuid

    for client in (alice, bob):
        client.put("/api/v1/entries/2026-03-01", json={"pain": 3})
        client.put("/api/v1/entries/2026-03-01", json={"pain": 4})
        session = f"/api/v1/treatments/{uuid.uuid4()}"
        client.put(session, json={"started_at": "2026-03-01T10:00:00Z", "route": "oral"})
        client.put(session, json={"started_at": "2026-03-01T10:00:00Z", "route": "iv_infusion"})
        client.post("/api/v1/tokens", json={"label": "t"})
        client.put(f"/api/v1/medications/{uuid.uuid4()}",
                   json={"name": "Lorazepam", "class": "benzodiazepine",
                         "started_on": "2026-02-01"})
        client.put("/api/v1/bladder-checks/2026-03-01", json={"symptoms": []})
    wrong = alice.delete("/api/v1/me", json={"password": "not my password"})
    assert wrong.status_code == 403
    assert alice.delete("/api/v1/me", json={"password": PASSWORD}).status_code == 204
    assert alice.get("/api/v1/me").status_code == 401
    with app.app_context():
        bob_id = db.session.scalars(select(User.id)).one()  # the only account left
        for table in db.metadata.sorted_tables:
            if "user_id" in table.c:
                owners = set(db.session.execute(select(table.c.user_id)).scalars())
                assert owners <= {bob_id}, f"{table.name} still holds the deleted user's rows"
        for name in ("entries", "entry_versions", "treatments", "treatment_versions",
                     "api_tokens", "medications", "bladder_checks"):
            table = db.metadata.tables[name]
            assert db.session.execute(select(func.count()).select_from(table)).scalar(), name
    assert bob.get("/api/v1/entries/2026-03-01").get_json()["pain"] == 4


@pytest.mark.parametrize("text", [
    "rosa\x00@example.org", "\udb4e\ude31)\x00", "\udb4e@example.org"])
def test_log_in_refuses_text_no_database_can_store(client, text):
    """A NUL byte or a lone surrogate in the email (or the second step's fields) is a 422
    naming the field, not a 500 from PostgreSQL (found by Schemathesis)."""
    response = client.post("/api/v1/auth/login", json={"email": text, "password": "x" * 12})
    assert response.status_code == 422
    assert "email" in response.get_json()["errors"]
    second = client.post("/api/v1/auth/login/mfa", json={"mfa_token": "t" * 30 + text,
                                                         "code": "123456"})
    assert second.status_code == 422
    assert "mfa_token" in second.get_json()["errors"]
