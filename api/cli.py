"""Admin commands for a self-hosted install: `flask --app api …`. Each domain keeps its
commands beside its service (api/auth/cli.py: users, api/clinics/cli.py, api/mail/cli.py,
api/reminders/cli.py; backup and restore in api/backup.py; seed-demo in api/demo.py); this
is the one place they are registered."""

from __future__ import annotations

import click
from flask import Flask
from sqlalchemy import func, select

from api.auth.cli import users
from api.auth.models import User
from api.backup import backup_command, restore_command
from api.clinics.cli import clinics
from api.db import db
from api.demo import seed_demo
from api.entries.models import Entry
from api.mail.cli import mail
from api.reminders.cli import reminders


# Here rather than in api/auth/cli.py: it counts each account's entries, and auth is below
# entries (entries imports auth, never the other way round).
@users.command("list")
def list_users() -> None:
    """Every account: email, created, entries, whether disabled."""
    with db.read():
        counts = dict(db.session.execute(
            select(Entry.user_id, func.count()).group_by(Entry.user_id)).all())
        accounts = list(db.session.scalars(select(User).order_by(User.created_at)))
    for user in accounts:
        state = "disabled" if user.disabled else "active"
        click.echo(f"{user.email}\t{user.created_at:%Y-%m-%d}\t"
                   f"{counts.get(user.id, 0)} entries\t{state}")


def register(app: Flask) -> None:
    for command in (backup_command, restore_command, users, mail, clinics, seed_demo,
                    reminders):
        app.cli.add_command(command)
