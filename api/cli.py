"""Admin commands for a self-hosted install: `flask --app api …`."""

from __future__ import annotations

from flask import Flask


def register(app: Flask) -> None:
    """No commands yet beyond Flask-Migrate's `db` group."""
