"""Two-step login for tests: codes computed from the secret, as an authenticator app does."""

from __future__ import annotations

import time

import pyotp
from flask.testing import FlaskClient


def code(secret: str, *, steps_ahead: int = 0) -> str:
    """The app's code now, or `steps_ahead` 30-second steps later (the server accepts the
    step either side of its own, each once)."""
    return pyotp.TOTP(secret).at(time.time() + 30 * steps_ahead)


def enrol(client: FlaskClient, password: str) -> tuple[str, list[str]]:
    """Turn on two-step login for the client's account: (secret, recovery codes)."""
    began = client.post("/api/v1/me/mfa/totp", json={"password": password})
    assert began.status_code == 200, began.get_json()
    secret = began.get_json()["secret"]
    confirmed = client.post("/api/v1/me/mfa/totp/confirm", json={"code": code(secret)})
    assert confirmed.status_code == 200, confirmed.get_json()
    return secret, confirmed.get_json()["recovery_codes"]
