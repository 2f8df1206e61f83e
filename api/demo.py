"""A realistic demo patient for `make demo`: 120 days, an induction course and two boosters,
a PHQ-9 every two weeks and a PEG every week.

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


@dataclass(frozen=True)
class DemoResponse:
    id: uuid.UUID
    instrument: str
    answered_at: datetime
    answers: dict[str, int]


def _spread(total: int, items: int, highest: int, rng: random.Random) -> list[int]:
    """`items` answers of 0..highest adding up to `total` (clamped to what is possible)."""
    left, answers = max(0, min(total, items * highest)), [0] * items
    while left:
        n = rng.randrange(items)
        if answers[n] < highest:
            answers[n] += 1
            left -= 1
    return answers


def demo_responses(days: list[DemoDay], *, seed: int = 7) -> list[DemoResponse]:
    """Check-ins that follow the diary: PHQ-9 every 14 days (about twice mood severity;
    item 9 answered "Several days" once, before treatment), PEG every 7 (about pain)."""
    rng = random.Random(seed)
    zone = ZoneInfo(DEMO_TIMEZONE)
    found: list[DemoResponse] = []
    next_phq9, next_peg = 5, 5  # day numbers; a missed day moves it to the next logged one
    for day in days:
        n = (day.day - days[0].day).days
        moment = datetime.combine(day.day, time(20, 0), zone).astimezone(UTC)
        if n >= next_phq9:
            answers = _spread(round(2 * (10 - day.mood) + rng.gauss(0, 1.5)), 8, 3, rng)
            answers.append(1 if not found else 0)
            found.append(DemoResponse(uuid.UUID(int=rng.getrandbits(128), version=4), "phq9",
                                      moment, {f"q{i}": a for i, a in enumerate(answers, 1)}))
            next_phq9 = n + 14
        if n >= next_peg:
            next_peg = n + 7
            answers = [max(0, min(10, day.pain + rng.choice((-1, 0, 1)))) for _ in range(3)]
            found.append(DemoResponse(uuid.UUID(int=rng.getrandbits(128), version=4), "peg",
                                      moment, {f"q{i}": a for i, a in enumerate(answers, 1)}))
    return found


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
