"""The reminders' sender: 10,000 patients with a daily reminder due at the same minute,
each with one device on a push-service stand-in on 127.0.0.1; one sender pass with every
device working (the baseline), then one the next day with 1 % of the devices failing:
half answer only after the sender's timeout, half answer 500 every time, then the
baseline again on the third day (the two baselines bracket the failing pass, so a
machine whose load drifts shows it). Prints the pass times and the ratio of the failing
pass to the baselines' mean, measured in the same run with the sender's default settings
(REMINDER_WORKERS, REMINDER_TIMEOUT_SECONDS, REMINDER_TRIES, REMINDER_RETRY_SECONDS)."""

from __future__ import annotations

import os
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from api import create_app  # noqa: E402
from api.auth.models import User  # noqa: E402
from api.config import TestConfig  # noqa: E402
from api.db import db  # noqa: E402
from api.reminders.models import PushSubscription, ReminderSettings  # noqa: E402
from api.reminders.sender import PassReport, send_due  # noqa: E402
from bench.common import migrated_app  # noqa: E402
from tests.support.push_service import b64url, push_service  # noqa: E402

PATIENTS = int(os.environ.get("BENCH_PATIENTS", "10000"))
FAILING_EVERY = 100  # 1 % of the devices
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
    config.PUSH_PRIVATE_NETWORKS_ALLOWED = "127.0.0.1/32"  # the stand-in
    config.VAPID_PRIVATE_KEY = pem
    app = create_app(config)
    timeout = app.config["REMINDER_TIMEOUT_SECONDS"]
    failing = range(FAILING_EVERY, PATIENTS + 1, FAILING_EVERY)
    with push_service() as service:
        seed(app, service.url)

        def one_pass(day: int) -> tuple[float, PassReport]:
            with app.app_context():
                started = time.perf_counter()
                report = send_due(now=DUE + timedelta(days=day))
                return time.perf_counter() - started, report

        first, baseline = one_pass(0)
        for number, n in enumerate(failing):
            if number % 2:
                service.status[f"/push/{n}"] = 500
            else:
                service.slow[f"/push/{n}"] = timeout + 5  # past the sender's timeout
        troubled_seconds, troubled = one_pass(1)
        service.status.clear()
        service.slow.clear()
        second, again = one_pass(2)
    assert baseline.sent == again.sent == PATIENTS, (baseline, again)
    assert troubled.sent == PATIENTS - len(failing), troubled
    baseline_seconds = (first + second) / 2
    print(f"reminders: {PATIENTS} patients due at the same minute, one device each;"
          f" {app.config['REMINDER_WORKERS']} workers, timeout {timeout:g} s,"
          f" {app.config['REMINDER_TRIES']} tries")
    print(f"  every device working           {first:6.1f} s and {second:6.1f} s"
          f"  ({PATIENTS / baseline_seconds:5.0f} sends/s)")
    print(f"  1 % failing ({len(failing)}: half slow past the timeout, half HTTP 500)"
          f" {troubled_seconds:6.1f} s  ({troubled.sent} sent, {troubled.failed} failed)"
          f"   ratio {troubled_seconds / baseline_seconds:5.2f}x the baselines' mean")

if __name__ == "__main__":
    main()
