"""An admin without a mail server resets a patient's password with a one-time link."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import update

from api.auth.models import PasswordReset
from api.db import db
from api.models import utcnow
from tests.conftest import PASSWORD

ANOTHER = "yet another password"


def reset_link(app, email: str) -> str:
    result = app.test_cli_runner().invoke(args=["users", "reset-password", email])
    assert result.exit_code == 0, result.output
    link = result.output.strip().splitlines()[-1]
    assert "/reset#" in link
    return link.split("#", 1)[1]


def test_reset_link_sets_a_new_password_once(app, alice):
    email = alice.user["email"]
    token = reset_link(app, email)
    fresh = app.test_client()
    response = fresh.post("/api/v1/auth/reset",
                          json={"token": token, "new_password": "a brand new password"})
    assert response.status_code == 204
    assert alice.get("/api/v1/me").status_code == 401  # every session ended
    assert fresh.post("/api/v1/auth/login", json={"email": email, "password": PASSWORD}
                      ).status_code == 401
    assert fresh.post("/api/v1/auth/login", json={
        "email": email, "password": "a brand new password"}).status_code == 200
    again = fresh.post("/api/v1/auth/reset", json={"token": token, "new_password": ANOTHER})
    assert again.status_code == 410
    assert "password_reset" in [e["event"] for e in
                                fresh.get("/api/v1/me/audit").get_json()["items"]]


def test_expired_and_superseded_links_fail(app, alice):
    email = alice.user["email"]
    first = reset_link(app, email)
    second = reset_link(app, email)  # a newer link replaces the first
    client = app.test_client()
    assert client.post("/api/v1/auth/reset", json={"token": first, "new_password": ANOTHER}
                       ).status_code == 410
    with app.app_context():
        db.session.execute(update(PasswordReset).values(expires_at=utcnow() - timedelta(1)))
        db.session.commit()
    assert client.post("/api/v1/auth/reset", json={"token": second, "new_password": ANOTHER}
                       ).status_code == 410
    assert client.post("/api/v1/auth/reset", json={"token": "z" * 43, "new_password": "short"}
                       ).status_code == 422


def test_reset_for_unknown_email(app):
    result = app.test_cli_runner().invoke(args=["users", "reset-password", "no@example.org"])
    assert result.exit_code != 0
