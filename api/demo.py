"""A realistic demo patient for `make demo`: 120 days, an induction course and two boosters,
a PHQ-9 every two weeks and a PEG every week, blood pressure around every session, a
medication list and the weekly bladder question; `flask --app api seed-demo` (the command
at the end) saves it through the services, as the API would.

The scores come from a seeded random generator, so every demo tells the same story:
pain around 7 before treatment, relief after the six-infusion induction that fades over
about three weeks, and boosters a month apart whose relief lasts a similar time. Blood
pressure is normal before and after each session but before the last booster (148/92,
flagged). Sertraline 50 mg, taken since long before, goes up to 100 mg once; clonazepam
0.5 mg as needed is taken on session days (so sessions list a benzodiazepine) until it
is stopped a month ago. Two weekly bladder answers during induction, one with urinary
frequency.
"""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import click
from flask.cli import with_appcontext
from sqlalchemy import func, select

from api.auth import service as accounts
from api.auth.models import User
from api.bladder.service import save_check
from api.calendar import local_today
from api.db import db
from api.entries.service import save_entry
from api.medications.service import save_medication
from api.questionnaires.service import save_response
from api.treatments.service import save_treatment

DEMO_EMAIL = "demo@relieflog.test"
DEMO_PASSWORD = "demo-password-123"
DEMO_TIMEZONE = "America/Chicago"

# Days (counted from the first logged day) with an infusion.
INDUCTION = (20, 22, 24, 27, 29, 31)
BOOSTERS = (62, 103)
# The session whose reading before dosing is high (148/92): the last booster.
HIGH_BEFORE = BOOSTERS[-1]
# Clonazepam is stopped on this day (a month before the last day, 119).
CLONAZEPAM_STOPPED = 89
# Sertraline goes from 50 to 100 mg on this day.
SERTRALINE_CHANGED = 45
# Weekly bladder answers during induction: day number and symptoms.
BLADDER_ANSWERS = ((26, ("urinary_frequency",)), (33, ()))


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
    vitals: tuple[dict[str, Any], ...] = ()  # as a PUT body takes them
    observation_minutes: int = 60
    concomitant: tuple[str, ...] = ()


@dataclass(frozen=True)
class DemoMedication:
    id: uuid.UUID
    name: str
    dose: str
    drug_class: str
    started_on: date
    stopped_on: date | None = None
    notes: str = ""
    new_dose: str | None = None  # the one dose change, on changed_on
    changed_on: date | None = None


@dataclass(frozen=True)
class DemoBladderAnswer:
    day: date
    symptoms: tuple[str, ...]


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


def _readings(started: datetime, high_before: bool, rng: random.Random
              ) -> tuple[dict[str, Any], ...]:
    """A reading 15 minutes before dosing and one 75 minutes after: normal, a little higher
    after; or, when `high_before`, 148/92 before (the bp_before_high flag) and 136/86 after."""
    if high_before:
        (systolic, diastolic), (later_systolic, later_diastolic) = (148, 92), (136, 86)
    else:
        systolic, diastolic = rng.randint(114, 128), rng.randint(72, 82)
        later_systolic = systolic + rng.randint(4, 10)
        later_diastolic = diastolic + rng.randint(2, 6)
    before = {"taken_at": started - timedelta(minutes=15), "phase": "before",
              "systolic": systolic, "diastolic": diastolic,
              "heart_rate": rng.randint(64, 78), "spo2": rng.randint(97, 99)}
    after = {"taken_at": started + timedelta(minutes=75), "phase": "after",
             "systolic": later_systolic, "diastolic": later_diastolic,
             "heart_rate": rng.randint(68, 84), "spo2": rng.randint(96, 99)}
    return before, after


def demo_medications(first: date, *, seed: int = 7) -> list[DemoMedication]:
    """Sertraline since long before the first day, raised once; clonazepam as needed,
    stopped a month before the last day."""
    rng = random.Random(seed + 2)
    return [
        DemoMedication(uuid.UUID(int=rng.getrandbits(128), version=4), "Sertraline", "50 mg",
                       "antidepressant", first - timedelta(days=400), new_dose="100 mg",
                       changed_on=first + timedelta(days=SERTRALINE_CHANGED)),
        DemoMedication(uuid.UUID(int=rng.getrandbits(128), version=4), "Clonazepam", "0.5 mg",
                       "benzodiazepine", first - timedelta(days=200),
                       stopped_on=first + timedelta(days=CLONAZEPAM_STOPPED),
                       notes="As needed, usually the evening before a session."),
    ]


def demo_bladder_answers(first: date) -> list[DemoBladderAnswer]:
    return [DemoBladderAnswer(first + timedelta(days=n), symptoms)
            for n, symptoms in BLADDER_ANSWERS]


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
    vitals_rng = random.Random(seed + 1)  # apart, so the readings leave the story unchanged
    sessions = []
    for n in session_days:
        started = datetime.combine(first + timedelta(days=n), time(10, 30), zone)
        sessions.append(DemoSession(
            id=uuid.UUID(int=rng.getrandbits(128), version=4),
            started_at=started.astimezone(UTC),
            phase="induction" if n in INDUCTION else "booster",
            dose_mg=round(0.5 * 78, 1),
            pain_before=7 if n in INDUCTION[:1] + BOOSTERS else 5,
            pain_after=3,
            vitals=_readings(started, n == HIGH_BEFORE, vitals_rng),
            concomitant=("benzodiazepine",) if n < CLONAZEPAM_STOPPED else (),
        ))
    return days, sessions


@click.command("seed-demo")
@with_appcontext
def seed_demo() -> None:
    """Fill an EMPTY database with the demo patient (for `make demo` only)."""
    with db.read():
        if db.session.scalar(select(func.count()).select_from(User)):
            raise click.ClickException("refusing: this database already has accounts")
    user, _session = accounts.register(email=DEMO_EMAIL, password=DEMO_PASSWORD,
                                       timezone=DEMO_TIMEZONE, display_name="Demo Patient")
    days, sessions = demo_patient(local_today(DEMO_TIMEZONE))
    with db.write():
        for day in days:
            save_entry(user=user, day=day.day, data={
                "pain": day.pain, "mood": day.mood, "sleep_hours": day.sleep_hours,
                "side_effects": list(day.side_effects)})
        for s in sessions:
            save_treatment(user=user, treatment_id=s.id, data={
                "started_at": s.started_at, "route": "iv_infusion", "medication": "ketamine",
                "dose_mg": s.dose_mg, "dose_mg_per_kg": 0.5, "duration_minutes": 40,
                "phase": s.phase, "clinic": "Lakeside Infusion Center",
                "pain_before": s.pain_before, "pain_after": s.pain_after,
                "side_effects": ["dissociation"], "with_psychotherapy": False,
                "vitals": list(s.vitals), "observation_minutes": s.observation_minutes,
                "concomitant": list(s.concomitant)})
        responses = demo_responses(days)
        for r in responses:
            save_response(user=user, response_id=r.id, data={
                "instrument": r.instrument, "answered_at": r.answered_at,
                "answers": r.answers})
        first = days[0].day
        medications = demo_medications(first)
        for m in medications:
            medication = {"name": m.name, "dose": m.dose, "drug_class": m.drug_class,
                          "started_on": m.started_on, "stopped_on": m.stopped_on,
                          "notes": m.notes}
            save_medication(user=user, medication_id=m.id, data=medication)
            if m.new_dose is not None:
                save_medication(user=user, medication_id=m.id, data={
                    **medication, "dose": m.new_dose, "dose_changed_on": m.changed_on})
        answers = demo_bladder_answers(first)
        for a in answers:
            save_check(user=user, day=a.day, data={"symptoms": list(a.symptoms)})
    click.echo(f"seeded {len(days)} days, {len(sessions)} sessions, {len(responses)} "
               f"check-ins, {len(medications)} medications and {len(answers)} bladder "
               f"answers for {DEMO_EMAIL}")
