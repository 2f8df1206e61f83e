"""The one-time links that admin commands print (a password reset, a clinic admin's
set-up): the address people open, and what to do when it is only a guess."""

from __future__ import annotations

import os

import click
from flask import current_app


def one_time_link(path: str, token: str) -> None:
    """Print a one-time link (`PUBLIC_URL` + path + `#token`) as its last line. Without
    PUBLIC_URL in the environment the address is only guessed from HOST and PORT (default
    http://127.0.0.1:8000), which this command cannot check against the running server:
    say so first, and how to fix it."""
    base = current_app.config["PUBLIC_URL"]
    if not os.environ.get("PUBLIC_URL"):
        click.echo(f"Note: PUBLIC_URL is not set, so this link assumes the server answers at "
                   f"{base}. If it runs elsewhere (another port, a proxy), open the link with "
                   f"the server's address in place of {base}, and set PUBLIC_URL to the "
                   f"address people open (e.g. PUBLIC_URL=http://127.0.0.1:8080 "
                   f".venv/bin/flask --app api ...) so that links are right.")
    click.echo(f"{base}{path}#{token}")
