"""The outbox: `send()` writes a row in the caller's write transaction; `deliver_due()`
sends what is due over SMTP (or to the log), each row claimed first so that two senders
never send one message twice, and retried with a doubling wait when the server fails."""

from __future__ import annotations

import logging
import smtplib
import ssl
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from typing import Any
from urllib.parse import urlsplit

from flask import Flask, current_app
from sqlalchemy import delete, select, update

from api.db import db
from api.mail.messages import render
from api.mail.models import QueuedMail
from api.models import utcnow

log = logging.getLogger("relieflog.mail")

BATCH = 50
# How long a sender holds a message it is trying (a crashed sender's claim runs out).
CLAIM = timedelta(minutes=5)
# Sent rows are kept this long (without their body) for the admin's troubleshooting.
KEEP_SENT = timedelta(days=7)


def send(*, to: str, template: str, lang: str, **params: Any) -> None:
    """Queue one message, rendered now in `lang`, inside the caller's write transaction:
    it is sent only if that transaction commits, and never before."""
    subject, body = render(template, lang, params)
    db.session.add(QueuedMail(to_address=to, subject=subject, body=body))
    db.after_commit(_send_soon)


def _send_soon() -> None:
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    if app.config["MAIL_SEND_AFTER_COMMIT"]:
        # A thread of its own: the response never waits for the mail server.
        threading.Thread(target=_deliver_in_background, args=(app,), daemon=True,
                         name="relieflog-mail").start()


def _deliver_in_background(app: Flask) -> None:
    try:
        with app.app_context():
            deliver_due()
    except Exception:  # noqa: BLE001 - the sender beside gunicorn tries again later
        log.exception("mail: sending after commit failed; the sender will retry")


@dataclass
class MailReport:
    sent: int = 0
    failed: int = 0


def deliver_due(*, now: datetime | None = None) -> MailReport:
    """Send every queued message that is due (`flask mail send`; the reminders' sender
    runs it every minute)."""
    now = now or utcnow()
    report = MailReport()
    with db.read():
        due = db.session.execute(
            select(QueuedMail.id, QueuedMail.attempts)
            .where(QueuedMail.sent_at.is_(None), QueuedMail.next_attempt_at <= now)
            .order_by(QueuedMail.id).limit(BATCH)).all()
    for mail_id, attempts in due:
        with db.write():
            claimed: Any = db.session.execute(
                update(QueuedMail)
                .where(QueuedMail.id == mail_id, QueuedMail.attempts == attempts,
                       QueuedMail.sent_at.is_(None))
                .values(attempts=attempts + 1, next_attempt_at=now + CLAIM))
            if not claimed.rowcount:
                continue  # another sender has it
            row = db.session.get(QueuedMail, mail_id)
            assert row is not None
            message = _message(row)
        try:
            _transport(message)
        except (smtplib.SMTPException, OSError) as error:
            report.failed += 1
            _failed(mail_id, attempts + 1, now, error)
        else:
            report.sent += 1
            with db.write():
                # The body may hold a reset link: it is not kept once delivered.
                db.session.execute(update(QueuedMail).where(QueuedMail.id == mail_id)
                                   .values(sent_at=utcnow(), body="", next_attempt_at=None))
    if due:
        with db.write():
            db.session.execute(delete(QueuedMail).where(QueuedMail.sent_at < now - KEEP_SENT))
    return report


def _failed(mail_id: int, attempts: int, now: datetime, error: Exception) -> None:
    config = current_app.config
    give_up = attempts >= config["MAIL_TRIES"]
    wait = timedelta(seconds=config["MAIL_RETRY_SECONDS"] * 2 ** (attempts - 1))
    with db.write():
        db.session.execute(update(QueuedMail).where(QueuedMail.id == mail_id).values(
            next_attempt_at=None if give_up else now + wait))
    # The error's type only: an SMTP reply may quote the address.
    log.warning("mail %d: try %d failed (%s)%s", mail_id, attempts, type(error).__name__,
                "; given up" if give_up else "")


def sender_address() -> str:
    config = current_app.config
    if config["MAIL_FROM"]:
        return str(config["MAIL_FROM"])
    return f"Relieflog <no-reply@{urlsplit(config['PUBLIC_URL']).hostname or 'localhost'}>"


def _message(row: QueuedMail) -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender_address()
    message["To"] = row.to_address
    message["Subject"] = row.subject
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain=sender_address().rpartition("@")[2].strip(">"))
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(row.body)
    return message


def _transport(message: EmailMessage) -> None:
    """Hand one message to the SMTP server; without SMTP_HOST, write it to the log (a
    laptop install: the admin reads reset links there, see SECURITY.md)."""
    config = current_app.config
    host = config["SMTP_HOST"]
    if not host:
        log.warning("mail (SMTP_HOST is not set, so it is written here instead of sent)\n"
                    "To: %s\nSubject: %s\n\n%s", message["To"], message["Subject"],
                    message.get_content())
        return
    timeout = config["SMTP_TIMEOUT_SECONDS"]
    smtp: smtplib.SMTP
    if config["SMTP_SSL"]:
        smtp = smtplib.SMTP_SSL(host, config["SMTP_PORT"], timeout=timeout,
                                context=ssl.create_default_context())
    else:
        smtp = smtplib.SMTP(host, config["SMTP_PORT"], timeout=timeout)
    with smtp:
        if config["SMTP_STARTTLS"] and not config["SMTP_SSL"]:
            smtp.starttls(context=ssl.create_default_context())
        if config["SMTP_USERNAME"]:
            smtp.login(config["SMTP_USERNAME"], config["SMTP_PASSWORD"])
        smtp.send_message(message)
