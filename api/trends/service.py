"""Loads a patient's rows and hands them to the pure analysis, then cuts out a window."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, timedelta
from typing import Any

from sqlalchemy import select

from api.auth.models import Account
from api.calendar import local_today
from api.db import db
from api.entries.models import Entry
from api.fields import EARLIEST
from api.medications.service import add_medications
from api.questionnaires.service import score_rows
from api.treatments.models import Treatment
from api.trends.analysis import DayScores, SessionMark, compute_trends
from api.trends.questionnaires import questionnaire_trends


def analyse(days: Iterable[Any], treatments: Iterable[Any], *, today: date) -> dict[str, Any]:
    """Run the pure analysis over entry rows (date and scores) and session rows (id,
    local_date, started_at): the patient's own trends and a shared report both use it."""
    return compute_trends(
        [DayScores(d.date, d.pain, d.mood, d.anxiety, d.energy, d.sleep_hours,
                   d.sleep_quality) for d in days],
        session_marks(treatments),
        today=today,
    )


def session_marks(treatments: Iterable[Any]) -> list[SessionMark]:
    return [SessionMark(id=str(t.id), local_date=t.local_date, started_at=t.started_at)
            for t in treatments]


def add_questionnaires(body: dict[str, Any], rows: Sequence[Any], treatments: Sequence[Any],
                       *, today: date, start: date, end: date) -> dict[str, Any]:
    """Questionnaire scores beside the daily ones: their points in start..end, and their
    baseline and after for each treatment series the body shows."""
    body["questionnaires"] = questionnaire_trends(
        rows, session_marks(treatments), today=today, start=start, end=end,
        series_shown={series["index"] for series in body["series"]})
    return body


def trends(*, user: Account, start: date, end: date) -> dict[str, Any]:
    """Analysis over all of the patient's data, so a series' numbers never depend on the
    window asked for; then only days, sessions and series that touch start..end."""
    days = db.session.execute(
        select(Entry.date, Entry.pain, Entry.mood, Entry.anxiety, Entry.energy,
               Entry.sleep_hours, Entry.sleep_quality).where(Entry.user_id == user.id)
    ).all()
    treatments = db.session.execute(
        select(Treatment.id, Treatment.started_at, Treatment.local_date, Treatment.route,
               Treatment.medication, Treatment.dose_mg).where(Treatment.user_id == user.id)
    ).all()
    today = local_today(user.timezone)
    result = analyse(days, treatments, today=today)
    responses = score_rows(user=user, start=EARLIEST, end=today + timedelta(days=1))
    body = add_questionnaires(window(result, treatments, start, end), responses, treatments,
                              today=today, start=start, end=end)
    return add_medications(body, user=user, start=start, end=end)


def window(result: dict[str, Any], treatments: Sequence[Any], start: date, end: date
           ) -> dict[str, Any]:
    lo, hi = start.isoformat(), end.isoformat()
    series = result["series"]
    # A series stays in view until the next one starts: its relief may reach into the window.
    shown_series = [
        s for i, s in enumerate(series)
        if s["start_date"] <= hi
        and (i + 1 == len(series) or series[i + 1]["start_date"] > lo)
    ]
    in_window = sorted((t for t in treatments if start <= t.local_date <= end),
                       key=lambda t: (t.started_at, str(t.id)))
    shown_ids = {str(t.id) for t in in_window}
    return {
        "from": lo,
        "to": hi,
        "days": [d for d in result["days"] if lo <= d["date"] <= hi],
        "treatments": [
            {"id": str(t.id), "started_at": t.started_at.isoformat(),
             "local_date": t.local_date.isoformat(),
             "route": t.route, "medication": t.medication, "dose_mg": t.dose_mg}
            for t in in_window
        ],
        "series": shown_series,
        "sessions": [s for s in result["sessions"] if s["treatment_id"] in shown_ids],
        "booster_hint": result["booster_hint"],
    }
