"""Shared pieces of the benchmarks: a seeded database, a live server, timers."""

from __future__ import annotations

import statistics
import sys
import time
import uuid
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock
from pathlib import Path
from typing import Any

import requests

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from api import create_app  # noqa: E402
from api.auth import service as accounts  # noqa: E402
from api.calendar import local_today  # noqa: E402
from api.config import TestConfig  # noqa: E402
from api.db import db  # noqa: E402
from api.entries.models import Entry  # noqa: E402
from api.questionnaires.instruments import INSTRUMENTS  # noqa: E402
from api.questionnaires.models import QuestionnaireResponse  # noqa: E402
from api.treatments.models import Treatment  # noqa: E402

PASSWORD = "benchmark-password"


def migrated_app(database_url: str):
    from flask_migrate import upgrade

    app = create_app(TestConfig(database_url))
    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"))
    return app


def seed_patient(app, email: str, *, days: int, sessions: int, seed: int = 1,
                 phq9_every: int | None = None, tags: Sequence[str] = ()) -> None:
    """A patient with `days` of daily entries up to today and `sessions` spread evenly,
    with `phq9_every`, a PHQ-9 answered every that many days, and each of `tags` on about
    a third of the days (drawn apart from the scores, which stay as without tags)."""
    import random

    rng = random.Random(seed)
    tag_rng = random.Random(seed + 1)
    with app.app_context():
        user, _session = accounts.register(email=email, password=PASSWORD, timezone="UTC",
                                           display_name="")
        today = local_today("UTC")
        first = today - timedelta(days=days - 1)
        step = max(1, days // max(1, sessions))
        with db.write():
            db.session.bulk_insert_mappings(Entry, [  # type: ignore[arg-type]
                {"user_id": user.id, "date": first + timedelta(days=n),
                 "pain": rng.randint(2, 8), "mood": rng.randint(2, 8), "side_effects": [],
                 "tags": [tag for tag in tags if tag_rng.random() < 1 / 3], "notes": "",
                 "version": 1}
                for n in range(days) if rng.random() > 0.05
            ])
            db.session.bulk_insert_mappings(Treatment, [  # type: ignore[arg-type]
                {"id": uuid.uuid4(), "user_id": user.id, "local_date": first + timedelta(days=n),
                 "started_at": datetime.combine(first + timedelta(days=n), clock(10), UTC),
                 "route": "iv_infusion", "medication": "ketamine", "dose_mg": 35.0,
                 "side_effects": [], "notes": "", "clinic": "", "version": 1,
                 "with_psychotherapy": False}
                for n in range(0, step * sessions, step)
            ])
            if phq9_every:
                db.session.bulk_insert_mappings(QuestionnaireResponse, [  # type: ignore[arg-type]
                    phq9_row(user.id, first + timedelta(days=n), rng)
                    for n in range(0, days, phq9_every)
                ])


def phq9_row(user_id: int, day: date, rng: Any) -> dict[str, Any]:
    phq9 = INSTRUMENTS["phq9"]
    answers = {key: rng.randint(0, 3) for key in phq9.keys}
    total = phq9.total(answers)
    return {"id": uuid.uuid4(), "user_id": user_id, "instrument": "phq9",
            "answered_at": datetime.combine(day, clock(20), UTC), "local_date": day,
            "answers": answers, "difficulty": None, "total": total,
            "severity": phq9.severity(total), "safety_flag": phq9.safety_flag(answers),
            "version": 1}


def timed(call: Callable[[], object], *, repeat: int, warmup: int = 5) -> float:
    """Median wall time of `call` in milliseconds."""
    for _ in range(warmup):
        call()
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        call()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples)


def logged_in(url: str, name: str) -> requests.Session:
    """A session logged in as NAME@example.org, a patient seed_patient made."""
    http = requests.Session()
    response = http.post(f"{url}/api/v1/auth/login",
                         json={"email": f"{name}@example.org", "password": PASSWORD})
    assert response.status_code == 200, response.text
    return http
