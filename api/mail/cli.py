"""`flask --app api mail …`: the email the app queued."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from api.mail import deliver_due

mail = AppGroup("mail", help="Email queued by the app (password resets, notices).")


@mail.command("send")
def send_mail() -> None:
    """One pass: send every queued message that is due (the reminders' sender does
    this every minute)."""
    report = deliver_due()
    click.echo(f"{report.sent} sent, {report.failed} failed")
