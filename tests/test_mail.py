"""Email through a real SMTP conversation: queued in the request's transaction, sent after
it commits (in the account's language, with no health data), retried when the server
fails, and written to the log when no SMTP_HOST is set."""

from __future__ import annotations

import logging
from datetime import timedelta

from flask import Flask
from sqlalchemy import func, select

from api.db import db
from api.mail import deliver_due
from api.mail.models import QueuedMail
from api.models import utcnow
from tests.conftest import PASSWORD, other_app, register, send_mail
from tests.support.smtp import Mailbox, body

NEW_PASSWORD = "a brand new passphrase for spring"
NOTE = "felt dizzy after the ketamine infusion"


def _patient(app: Flask, language: str = "en", email: str = "rosa@example.org"):
    client = app.test_client()
    assert client.post("/api/v1/auth/register", json={
        "email": email, "password": PASSWORD, "language": language}).status_code == 201
    assert client.put("/api/v1/entries/2026-03-01",
                      json={"pain": 7, "mood": 2, "notes": NOTE}).status_code in (200, 201)
    return client


def _change_password(client) -> None:
    assert client.post("/api/v1/me/password", json={
        "current_password": PASSWORD, "new_password": NEW_PASSWORD}).status_code == 204


def _queued(app: Flask) -> int:
    with app.app_context(), db.read():
        return db.session.scalar(select(func.count()).select_from(QueuedMail)) or 0


def test_a_notice_arrives_in_spanish_after_the_change_commits(mail_app, mailbox: Mailbox):
    client = _patient(mail_app, "es-MX")
    _change_password(client)
    assert mailbox.received == []  # nothing is sent inside the request
    send_mail(mail_app)
    [message] = mailbox.to("rosa@example.org")
    assert message["Subject"] == "Se cambió tu contraseña de Relieflog"
    assert "Se cerró la sesión" in body(message)
    assert message["From"] == "Relieflog <no-reply@localhost>"
    text = body(message)
    assert "dizzy" not in text and "ketamine" not in text and " 7" not in text


def test_an_english_account_gets_english(mail_app, mailbox: Mailbox):
    _change_password(_patient(mail_app, "en-GB"))
    send_mail(mail_app)
    [message] = mailbox.to("rosa@example.org")
    assert message["Subject"] == "Your Relieflog password was changed"


def test_a_refused_change_queues_nothing(mail_app, mailbox: Mailbox):
    client = _patient(mail_app)
    wrong = client.post("/api/v1/me/password", json={
        "current_password": "not the password at all", "new_password": NEW_PASSWORD})
    assert wrong.status_code == 403
    assert _queued(mail_app) == 0
    send_mail(mail_app)
    assert mailbox.received == []


def test_deleting_the_account_mails_a_notice_that_outlives_it(mail_app, mailbox: Mailbox):
    client = _patient(mail_app, "es")
    assert client.delete("/api/v1/me", json={"password": PASSWORD}).status_code == 204
    send_mail(mail_app)
    [message] = mailbox.to("rosa@example.org")
    assert message["Subject"] == "Se eliminó tu cuenta de Relieflog"
    assert "dizzy" not in body(message)


def test_sent_after_commit_without_waiting_for_the_sender(app, database_url, mailbox: Mailbox):
    with other_app(database_url, SMTP_HOST="127.0.0.1", SMTP_PORT=mailbox.port,
                   SMTP_STARTTLS=False, MAIL_SEND_AFTER_COMMIT=True) as application:
        _change_password(_patient(application))
        [message] = mailbox.wait_for("rosa@example.org")
        assert message["Subject"] == "Your Relieflog password was changed"
        deadline = utcnow() + timedelta(seconds=10)
        while utcnow() < deadline:  # the thread marks it sent right after the server's 250
            with application.app_context(), db.read():
                row = db.session.scalars(select(QueuedMail)).one()
            if row.sent_at is not None:
                break
        assert row.sent_at is not None and row.body == ""  # a sent body is not kept
        with application.app_context():
            assert deliver_due().sent == 0  # sent once, not again by the sender


def test_a_server_that_is_down_is_tried_again_later(app, database_url, mailbox: Mailbox):
    with other_app(database_url, SMTP_HOST="127.0.0.1", SMTP_PORT=1,
                   SMTP_STARTTLS=False, SMTP_TIMEOUT_SECONDS=2) as down:
        _change_password(_patient(down))
        with down.app_context():
            assert deliver_due().failed == 1
            assert deliver_due().failed == 0  # waiting before the next try
            with db.read():
                row = db.session.scalars(select(QueuedMail)).one()
            assert row.attempts == 1 and row.sent_at is None
            assert row.next_attempt_at is not None and row.next_attempt_at > utcnow()
    with other_app(database_url, SMTP_HOST="127.0.0.1", SMTP_PORT=mailbox.port,
                   SMTP_STARTTLS=False) as up, up.app_context():
        report = deliver_due(now=utcnow() + timedelta(minutes=10))
        assert report.sent == 1
    [message] = mailbox.to("rosa@example.org")
    assert message["Subject"] == "Your Relieflog password was changed"


def test_without_smtp_host_the_message_is_written_to_the_log(app, caplog):
    _change_password(_patient(app))
    with caplog.at_level(logging.WARNING, logger="relieflog.mail"):
        send_mail(app)
    assert "SMTP_HOST is not set" in caplog.text
    assert "Your Relieflog password was changed" in caplog.text


def test_register_keeps_the_email_language(app):
    client = app.test_client()
    user = register(client)
    assert user["language"] == "en"
    patched = client.patch("/api/v1/me", json={"language": "es-AR"})
    assert patched.get_json()["language"] == "es"


def test_an_invitation_arrives_by_email_for_a_new_and_an_existing_account(
        mail_app, mailbox: Mailbox):
    from tests.support.clinics import create_clinic

    lakeside = create_clinic(mail_app)
    _patient(mail_app, "es", email="rosa@example.org")  # an existing account, in Spanish
    answers = {}
    for address in ("ben@clinic.example", "rosa@example.org"):
        response = lakeside.admin.post("/api/v1/clinic/invites", json={
            "email": address, "display_name": "Dr Ben Ortiz"})
        assert response.status_code == 201
        answers[address] = response.get_json()
    # The admin's answer has the same shape either way, and still carries the link.
    assert {tuple(sorted(a)) for a in answers.values()} == {("expires_at", "url")}
    send_mail(mail_app)
    [new] = mailbox.to("ben@clinic.example")
    assert new["Subject"] == "Dr Ada Lee invites you to Lakeside Infusion Center on Relieflog"
    assert answers["ben@clinic.example"]["url"] in body(new)
    [existing] = mailbox.to("rosa@example.org")  # in the account's own language
    assert existing["Subject"] == "Dr Ada Lee te invita a Lakeside Infusion Center en Relieflog"
    assert answers["rosa@example.org"]["url"] in body(existing)
    assert "dizzy" not in body(existing)
