"""The reminders' sender: 10,000 patients with a daily reminder due at the same minute,
each with one device on a push-service stand-in on 127.0.0.1; one sender pass. Prints
sends per second and the ratio against the same number of bare HTTP POSTs to the stand-in
with the same HTTP client (requests.Session), measured in the same run."""

from __future__ import annotations

import os
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import requests
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from api import create_app  # noqa: E402
from api.auth.models import User  # noqa: E402
from api.config import TestConfig  # noqa: E402
from api.db import db  # noqa: E402
from api.reminders.models import PushSubscription, ReminderSettings  # noqa: E402
from api.reminders.sender import send_due  # noqa: E402
from bench.common import migrated_app  # noqa: E402
from tests.support.push_service import b64url, push_service  # noqa: E402

PATIENTS = int(os.environ.get("BENCH_PATIENTS", "10000"))
DUE = datetime(2026, 6, 10, 20, 0, tzinfo=UTC)


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="relieflog-bench-") as workdir:
        run(os.environ.get("BENCH_DATABASE_URL", f"sqlite:///{workdir}/bench.db"))


def seed(app, service_url: str) -> None:
    # One device key for everyone: the sender still does one ECDH and one AES-GCM per push.
    device = ec.generate_private_key(ec.SECP256R1())
    p256dh = b64url(device.public_key().public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint))
    auth = b64url(os.urandom(16))
    with app.app_context(), db.write():
        db.session.bulk_insert_mappings(User, [  # type: ignore[arg-type]
            {"id": n, "email": f"p{n}@example.org", "password_hash": "x", "timezone": "UTC",
             "display_name": "", "questionnaires": [], "disabled": False}
            for n in range(1, PATIENTS + 1)])
        db.session.bulk_insert_mappings(ReminderSettings, [  # type: ignore[arg-type]
            {"user_id": n, "daily_enabled": True, "daily_time": "20:00",
             "after_session": False, "questionnaires": False}
            for n in range(1, PATIENTS + 1)])
        db.session.bulk_insert_mappings(PushSubscription, [  # type: ignore[arg-type]
            {"user_id": n, "endpoint": f"{service_url}/push/{n}", "p256dh": p256dh,
             "auth": auth, "language": "en"}
            for n in range(1, PATIENTS + 1)])


def run(database_url: str) -> None:
    migrated_app(database_url)
    pem = ec.generate_private_key(ec.SECP256R1()).private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption()).decode()
    config = TestConfig(database_url)
    config.PUSH_ALLOW_LOOPBACK_HTTP = True
    config.VAPID_PRIVATE_KEY = pem
    app = create_app(config)
    with push_service() as service:
        seed(app, service.url)
        body = b"x" * 230  # about the size of one encrypted reminder
        with requests.Session() as http:
            started = time.perf_counter()
            for n in range(PATIENTS):
                http.post(f"{service.url}/bare/{n}", data=body,
                          headers={"TTL": "43200", "Content-Encoding": "aes128gcm"})
            bare = time.perf_counter() - started
        with app.app_context():
            started = time.perf_counter()
            report = send_due(now=DUE)
            sender = time.perf_counter() - started
    assert report.sent == PATIENTS, report
    bare_rate, send_rate = PATIENTS / bare, PATIENTS / sender
    print(f"reminders: {PATIENTS} patients due at the same minute, one pass")
    print(f"  bare POSTs to the stand-in   {bare_rate:8.0f} /s")
    print(f"  sender pass (find, claim, encrypt, sign, post, record)"
          f" {send_rate:8.0f} sends/s  ({sender:.1f} s)"
          f"   ratio {bare_rate / send_rate:5.2f}x the bare POSTs' time")


if __name__ == "__main__":
    main()
