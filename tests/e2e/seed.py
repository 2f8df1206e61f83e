"""A realistic patient for the browser tests: 100 days of noisy scores with a few missed
days, an induction course of six IV infusions and two boosters."""

from __future__ import annotations

import datetime as dt
import random
import uuid
from zoneinfo import ZoneInfo

import requests

TZ = ZoneInfo("Europe/Berlin")
INDUCTION = (-80, -78, -76, -73, -71, -69)
BOOSTERS = (-45, -14)


def _pain_on(offset: int, rng: random.Random) -> int:
    """High before treatment; low after each series, creeping back up over about 3 weeks."""
    sessions = [s for s in (*INDUCTION, *BOOSTERS) if s <= offset]
    if not sessions:
        base = 7.2
    else:
        since = offset - sessions[-1]
        base = 2.8 + min(since, 28) * 0.16
    return max(0, min(10, round(base + rng.uniform(-1.0, 1.0))))


def seed_patient(api: requests.Session, base_url: str, *, days: int = 100) -> dict[str, list]:
    rng = random.Random(20260301)
    today = dt.datetime.now(TZ).date()
    entries = []
    for offset in range(-days + 1, 1):
        if offset != 0 and rng.random() < 0.08:
            continue  # a missed day: a gap, never a zero
        pain = _pain_on(offset, rng)
        mood = max(0, min(10, 10 - pain + rng.choice((-1, 0, 0, 1))))
        day = today + dt.timedelta(days=offset)
        body = {"pain": pain, "mood": mood, "sleep_hours": round(rng.uniform(5, 8.5), 1)}
        response = api.put(f"{base_url}/api/v1/entries/{day.isoformat()}", json=body, timeout=10)
        assert response.status_code == 201, response.text
        entries.append(response.json())
    treatments = []
    for offset in (*INDUCTION, *BOOSTERS):
        day = today + dt.timedelta(days=offset)
        started = dt.datetime.combine(day, dt.time(10, 30), TZ).isoformat()
        phase = "induction" if offset in INDUCTION else "booster"
        body = {"started_at": started, "route": "iv_infusion", "dose_mg": 35.0,
                "dose_mg_per_kg": 0.5, "duration_minutes": 40, "phase": phase,
                "clinic": "Riverside Clinic", "pain_before": _pain_on(offset - 1, rng),
                "pain_after": 2, "mood_before": 4, "mood_after": 7, "dissociation": 5}
        response = api.put(f"{base_url}/api/v1/treatments/{uuid.uuid4()}", json=body, timeout=10)
        assert response.status_code == 201, response.text
        treatments.append(response.json())
    return {"entries": entries, "treatments": treatments}


def seed_zero_baseline(api: requests.Session, base_url: str) -> None:
    """A patient with no pain all week before a session (a pain baseline of 0: nothing to
    relieve), mood 6 throughout, pain 3 on the five days since."""
    today = dt.datetime.now(TZ).date()
    for offset in range(-12, 1):
        if offset == -5:
            continue  # the session day
        day = today + dt.timedelta(days=offset)
        body = {"pain": 0 if offset < -5 else 3, "mood": 6}
        response = api.put(f"{base_url}/api/v1/entries/{day.isoformat()}", json=body, timeout=10)
        assert response.status_code == 201, response.text
    started = dt.datetime.combine(today - dt.timedelta(days=5), dt.time(10, 30), TZ).isoformat()
    body = {"started_at": started, "route": "iv_infusion", "dose_mg": 35.0}
    response = api.put(f"{base_url}/api/v1/treatments/{uuid.uuid4()}", json=body, timeout=10)
    assert response.status_code == 201, response.text
