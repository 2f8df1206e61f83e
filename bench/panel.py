"""The clinic panel for 1,000 connected patients with a year of daily data each, against
one of those patients' GET /trends for the year (target: at most 10x), on a live gunicorn
server over HTTP. SQLite by default; PostgreSQL when TEST_DATABASE_URL names one
(scripts/with-postgres.sh sets it).

The first panel request after seeding analyses every patient (nothing is kept yet: the
seed writes rows directly); it is printed apart. The figures that count are the later
ones, when the kept summaries are current; on a live install a write makes only its own
patient's summary stale, and the next read recomputes that patient alone.
"""

from __future__ import annotations

import os
import random
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from datetime import time as clock
from pathlib import Path

import pyotp
import requests

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from api.auth import service as accounts  # noqa: E402
from api.auth.models import User  # noqa: E402
from api.calendar import local_today  # noqa: E402
from api.clinics import service as clinics  # noqa: E402
from api.clinics.models import ClinicConnection  # noqa: E402
from api.db import db  # noqa: E402
from api.entries.models import Entry  # noqa: E402
from api.questionnaires.models import QuestionnaireResponse  # noqa: E402
from api.treatments.models import Treatment  # noqa: E402
from bench.common import PASSWORD, migrated_app, phq9_row, timed  # noqa: E402
from tests.support.live_server import live_server  # noqa: E402

PATIENTS = int(os.environ.get("BENCH_PATIENTS", "1000"))
DAYS = 365
PROVIDER = "provider@clinic.example"


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="relieflog-bench-") as workdir:
        run(os.environ.get("TEST_DATABASE_URL") or f"sqlite:///{workdir}/bench.db")


def seed(app) -> None:
    """PATIENTS patients with a year of entries (95 % of days), a session every 12 days and
    a PHQ-9 every 14, all connected to one clinic; and its provider."""
    rng = random.Random(7)
    today = local_today("UTC")
    first = today - timedelta(days=DAYS - 1)
    password_hash = accounts.hash_password(PASSWORD)
    with app.app_context(), db.write():
        db.session.bulk_insert_mappings(User, [  # type: ignore[arg-type]
            {"email": f"patient{n}@example.org", "password_hash": password_hash,
             "display_name": f"Patient {n:04d}", "timezone": "UTC",
             "questionnaires": ["phq9", "peg"]} for n in range(PATIENTS)])
        ids = list(db.session.scalars(db.select(User.id).order_by(User.id)))
        clinic, _token = clinics.create_clinic(name="Lakeside Infusion Center",
                                               admin_email=PROVIDER, admin_name="Dr Ada Lee")
        provider = accounts.find_user(PROVIDER)
        provider.password_hash = password_hash
        for user_id in ids:
            db.session.bulk_insert_mappings(Entry, [  # type: ignore[arg-type]
                {"user_id": user_id, "date": first + timedelta(days=n),
                 "pain": rng.randint(2, 8), "mood": rng.randint(2, 8), "side_effects": [],
                 "tags": [], "notes": "", "version": 1}
                for n in range(DAYS) if rng.random() > 0.05])
            db.session.bulk_insert_mappings(Treatment, [  # type: ignore[arg-type]
                {"id": uuid.uuid4(), "user_id": user_id, "local_date": first + timedelta(days=n),
                 "started_at": datetime.combine(first + timedelta(days=n), clock(10), UTC),
                 "route": "iv_infusion", "medication": "ketamine", "dose_mg": 35.0,
                 "side_effects": [], "notes": "", "clinic": "", "version": 1,
                 "with_psychotherapy": False, "vitals": [], "concomitant": []}
                for n in range(rng.randint(0, 11), DAYS, 12)])
            db.session.bulk_insert_mappings(QuestionnaireResponse, [  # type: ignore[arg-type]
                phq9_row(user_id, first + timedelta(days=n), rng) for n in range(0, DAYS, 14)])
        db.session.bulk_insert_mappings(ClinicConnection, [  # type: ignore[arg-type]
            {"id": uuid.uuid4(), "user_id": user_id, "clinic_id": clinic.id,
             "include_notes": False} for user_id in ids])


def logged_in(url: str, email: str) -> requests.Session:
    http = requests.Session()
    response = http.post(f"{url}/api/v1/auth/login", json={"email": email, "password": PASSWORD})
    assert response.status_code == 200, response.text
    return http


def turn_on_two_step_login(http: requests.Session, url: str) -> None:
    """A clinic opens only to a provider with two-step login (PROVIDER_MFA_REQUIRED): enrol
    an authenticator as the provider would, with the code it shows."""
    began = http.post(f"{url}/api/v1/me/mfa/totp", json={"password": PASSWORD})
    assert began.status_code == 200, began.text
    code = pyotp.TOTP(began.json()["secret"]).now()
    confirmed = http.post(f"{url}/api/v1/me/mfa/totp/confirm", json={"code": code})
    assert confirmed.status_code == 200, confirmed.text


def run(database_url: str) -> None:
    engine = "PostgreSQL" if database_url.startswith("postgresql") else "SQLite"
    app = migrated_app(database_url)
    started = time.perf_counter()
    seed(app)
    print(f"panel ({engine}): seeded {PATIENTS} patients x {DAYS} days in "
          f"{time.perf_counter() - started:.0f} s")
    today = local_today("UTC")
    with live_server(database_url, workers=1, threads=1) as server:
        patient = logged_in(server.url, "patient0@example.org")
        provider = logged_in(server.url, PROVIDER)
        turn_on_two_step_login(provider, server.url)
        panel_url = f"{server.url}/api/v1/clinic/patients"
        started = time.perf_counter()
        items = provider.get(panel_url).json()["items"]
        cold = (time.perf_counter() - started) * 1000
        assert len(items) == PATIENTS
        year = f"{server.url}/api/v1/trends?from={today - timedelta(days=DAYS - 1)}&to={today}"
        trends = timed(lambda: patient.get(year), repeat=30)
        panel = timed(lambda: provider.get(panel_url), repeat=10, warmup=2)
        search = timed(lambda: provider.get(panel_url, params={"q": "00"}), repeat=10,
                       warmup=2)
    print(f"  GET /trends (1 patient, 1 year)     {trends:8.2f} ms (median of 30)")
    print(f"  GET /clinic/patients ({PATIENTS})     {panel:8.2f} ms (median of 10)"
          f"   ratio {panel / trends:5.1f}x trends (target <= 10)")
    print(f"  GET /clinic/patients?q=00          {search:8.2f} ms (median of 10)")
    print(f"  first panel after seeding (analyses all {PATIENTS}) {cold:8.0f} ms")


if __name__ == "__main__":
    main()
