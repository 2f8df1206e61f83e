"""A realistic demo patient for `make demo`: 120 days, an induction course and two boosters.

The scores come from a seeded random generator, so every demo tells the same story:
pain around 7 before treatment, relief after the six-infusion induction that fades over
about three weeks, and boosters a month apart whose relief lasts a similar time.
"""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

DEMO_EMAIL = "demo@relieflog.test"
DEMO_PASSWORD = "demo-password-123"
DEMO_TIMEZONE = "America/Chicago"

# Days (counted from the first logged day) with an infusion.
INDUCTION = (20, 22, 24, 27, 29, 31)
BOOSTERS = (62, 103)


@dataclass(frozen=True)
class DemoDay:
    day: date
    pain: int
    mood: int
    sleep_hours: float
    side_effects: tuple[str, ...]


@dataclass(frozen=True)
class DemoSession:
    id: uuid.UUID
    started_at: datetime
    phase: str
    dose_mg: float
    pain_before: int
    pain_after: int


def _relief(days_since_last: int) -> float:
    """Share of the full effect left: full for 12 days, gone by day 28."""
    if days_since_last <= 12:
        return 1.0
    return max(0.0, 1 - (days_since_last - 12) / 16)


def demo_patient(today: date, *, seed: int = 7) -> tuple[list[DemoDay], list[DemoSession]]:
    rng = random.Random(seed)
    first = today - timedelta(days=119)
    session_days = sorted(INDUCTION + BOOSTERS)
    days: list[DemoDay] = []
    for n in range(120):
        earlier = [s for s in session_days if s < n]
        if not earlier:
            effect = 0.0
        elif n <= INDUCTION[-1]:
            effect = 0.5 * len(earlier) / len(INDUCTION)  # building up during induction
        else:
            effect = _relief(n - earlier[-1])
        pain = round(7.2 - 4.2 * effect + rng.gauss(0, 0.8))
        mood = round(3.0 + 4.0 * effect + rng.gauss(0, 0.8))
        if n not in session_days and rng.random() < 0.07:
            continue  # a missed day
        side = ("nausea",) if n - 1 in session_days and rng.random() < 0.5 else ()
        days.append(DemoDay(first + timedelta(days=n), max(0, min(10, pain)),
                            max(0, min(10, mood)), round(rng.uniform(5, 8.5) * 2) / 2, side))
    zone = ZoneInfo(DEMO_TIMEZONE)
    sessions = [
        DemoSession(
            id=uuid.UUID(int=rng.getrandbits(128), version=4),
            started_at=datetime.combine(first + timedelta(days=n), time(10, 30), zone
                                        ).astimezone(UTC),
            phase="induction" if n in INDUCTION else "booster",
            dose_mg=round(0.5 * 78, 1),
            pain_before=7 if n in INDUCTION[:1] + BOOSTERS else 5,
            pain_after=3,
        )
        for n in session_days
    ]
    return days, sessions
