"""Forgot password: POST /auth/forgot answers the same whether or not the address has an
account, mails a one-hour link only to an account, and is limited per address and per
client."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from api.auth.models import PasswordReset
from api.db import db
from tests.conftest import PASSWORD, other_app, send_mail
from tests.support.smtp import Mailbox, body

NEW_PASSWORD = "a brand new passphrase for spring"


def _register(app, email: str, language: str = "en") -> None:
    assert app.test_client().post("/api/v1/auth/register", json={
        "email": email, "password": PASSWORD, "language": language}).status_code == 201


def _link_token(text: str) -> str:
    line = next(word for word in text.split() if "/reset#" in word)
    assert line.startswith("http://localhost/reset#")
    return line.split("#", 1)[1]


def test_the_same_answer_with_or_without_an_account(mail_app, mailbox: Mailbox):
    _register(mail_app, "known@example.org")
    client = mail_app.test_client()
    known = client.post("/api/v1/auth/forgot", json={"email": "Known@Example.org"})
    unknown = client.post("/api/v1/auth/forgot", json={"email": "nobody@example.org"})
    assert known.status_code == unknown.status_code == 202
    assert known.get_data() == unknown.get_data()
    assert known.get_json()["detail"].startswith("If an account uses this address")
    send_mail(mail_app)
    assert mailbox.to("nobody@example.org") == []
    [message] = mailbox.to("known@example.org")
    assert message["Subject"] == "Choose a new Relieflog password"


def test_the_mailed_link_sets_a_new_password_once_within_an_hour(mail_app, mailbox: Mailbox):
    _register(mail_app, "rosa@example.org", language="es")
    client = mail_app.test_client()
    assert client.post("/api/v1/auth/forgot",
                       json={"email": "rosa@example.org"}).status_code == 202
    send_mail(mail_app)
    [message] = mailbox.to("rosa@example.org")
    assert message["Subject"] == "Elige una nueva contraseña de Relieflog"
    token = _link_token(body(message))
    with mail_app.app_context(), db.read():
        reset = db.session.scalars(select(PasswordReset)).one()
    assert abs(reset.expires_at - reset.created_at - timedelta(hours=1)) < timedelta(seconds=5)
    assert client.post("/api/v1/auth/reset", json={
        "token": token, "new_password": NEW_PASSWORD}).status_code == 204
    assert client.post("/api/v1/auth/reset", json={
        "token": token, "new_password": NEW_PASSWORD + "!"}).status_code == 410
    assert client.post("/api/v1/auth/login", json={
        "email": "rosa@example.org", "password": NEW_PASSWORD}).status_code == 200
    send_mail(mail_app)
    notices = [m["Subject"] for m in mailbox.to("rosa@example.org")]
    assert notices[1:] == ["Se restableció tu contraseña de Relieflog"]


def test_a_bad_address_is_named(client):
    response = client.post("/api/v1/auth/forgot", json={"email": "not an address"})
    assert response.status_code == 422
    assert "email" in response.get_json()["errors"]


def test_limited_per_address(app, database_url):
    with other_app(database_url, RATELIMIT_ENABLED=True) as limited:
        client = limited.test_client()
        answers = [client.post("/api/v1/auth/forgot", json={"email": "rosa@example.org"},
                               environ_base={"REMOTE_ADDR": f"10.0.0.{n}"}).status_code
                   for n in range(4)]
        assert answers == [202, 202, 202, 429]  # from any client: 3 an hour for one address
        other = client.post("/api/v1/auth/forgot", json={"email": "ana@example.org"},
                            environ_base={"REMOTE_ADDR": "10.0.0.9"})
        assert other.status_code == 202


def test_limited_per_client(app, database_url):
    with other_app(database_url, FORGOT_RATE_LIMIT="5 per hour") as limited:
        client = limited.test_client()
        answers = [client.post("/api/v1/auth/forgot",
                               json={"email": f"person{n}@example.org"}).status_code
                   for n in range(6)]
        assert answers == [202] * 5 + [429]
