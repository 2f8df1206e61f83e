"""`flask --app api users …`: the operator's commands for accounts (no mail server needed).
`users list` is registered in api/cli.py: it counts entries, which auth may not import."""

from __future__ import annotations

from datetime import timedelta

import click
from flask import current_app
from flask.cli import AppGroup

from api.auth import mfa
from api.auth import service as accounts
from api.auth.models import User
from api.db import db
from api.links import one_time_link

users = AppGroup("users", help="Accounts on this install (no mail server needed).")


def account(email: str) -> User:
    """The account with this email, or the command fails saying so."""
    user = accounts.find_user(email)
    if user is None:
        raise click.ClickException(f"no account {email}")
    return user


@users.command("disable")
@click.argument("email")
def disable_user(email: str) -> None:
    """Block an account: its sessions end, its tokens are revoked, login is refused."""
    with db.write():
        user = account(email)
        accounts.disable(user)
    click.echo(f"disabled {user.email}")


@users.command("enable")
@click.argument("email")
def enable_user(email: str) -> None:
    """Allow a disabled account to log in again."""
    with db.write():
        user = account(email)
        user.disabled = False
    click.echo(f"enabled {user.email}")


@users.command("reset-password")
@click.argument("email")
def reset_password(email: str) -> None:
    """Print a one-time link that lets EMAIL choose a new password (no mail needed)."""
    hours = current_app.config["PASSWORD_RESET_HOURS"]
    with db.write():
        user = account(email)
        token = accounts.create_password_reset(user, valid_for=timedelta(hours=hours))
    click.echo(f"Send this link to {user.email} by a channel you trust; it works once, "
               f"for {hours} hours:")
    one_time_link("/reset", token)


@users.command("reset-mfa")
@click.argument("email")
def reset_mfa(email: str) -> None:
    """Turn off EMAIL's two-step login (a lost phone, no recovery codes left): its
    sessions end, the security log says so and the account is told by email."""
    with db.write():
        user = account(email)
        if not user.mfa_enabled:
            raise click.ClickException(f"{user.email} has no two-step login")
        mfa.reset(user)
    click.echo(f"two-step login turned off for {user.email}; they log in with the "
               f"password and turn it on again")
