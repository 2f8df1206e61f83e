"""`flask --app api reminders …`: the sender of Web Push reminders, once or every minute."""

from __future__ import annotations

import logging

import click
from flask.cli import AppGroup

from api.reminders.sender import run_forever, send_due

reminders = AppGroup("reminders", help="Send due reminders by Web Push.")


@reminders.command("send")
def send_reminders() -> None:
    """One pass: send what is due now (for cron, every minute)."""
    report = send_due()
    if not report.leased:
        click.echo("another sender holds the lease; nothing sent")
        return
    click.echo(f"{report.sent} sent, {report.failed} failed, {report.removed} "
               f"subscriptions removed")


@reminders.command("run")
def run_reminders() -> None:
    """Send due reminders every minute until stopped (beside gunicorn)."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s [reminders] %(message)s")
    click.echo("reminders: sending due reminders every minute (Ctrl-C stops)")
    try:
        run_forever()
    except KeyboardInterrupt:
        click.echo("reminders: stopped")
