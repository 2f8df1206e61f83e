"""Loads a patient's rows and hands them to the pure analysis, then cuts out a window."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, timedelta
from typing import Any

from sqlalchemy import select

from api.analysis.questionnaires import questionnaire_series, questionnaire_trends
from api.analysis.sessions import (
    WEEK_DAYS,
    DayScores,
    SessionMark,
    compute_trends,
    current_booster_hint,
    daily_rows,
    ordered_days,
)
from api.auth.models import Account
from api.calendar import local_today
from api.db import db
from api.entries.models import Entry
from api.medications.service import add_medications
from api.questionnaires.service import score_rows
from api.summaries import kept_analysis
from api.treatments.models import Treatment

# A day's 7-day average reaches back over the 6 days before it.
AVERAGE_SPAN = timedelta(days=WEEK_DAYS - 1)


def analyse(days: Iterable[Any], treatments: Iterable[Any], *, today: date) -> dict[str, Any]:
    """Run the pure analysis over entry rows (date and scores) and session rows (id,
    local_date, started_at): a shared report's analysis (the patient's own trends keep
    theirs, api/summaries)."""
    return compute_trends(day_scores(days), session_marks(treatments), today=today)


def day_scores(days: Iterable[Any]) -> list[DayScores]:
    return [DayScores(d.date, d.pain, d.mood, d.anxiety, d.energy, d.sleep_hours,
                      d.sleep_quality) for d in days]


def session_marks(treatments: Iterable[Any]) -> list[SessionMark]:
    return [SessionMark(id=str(t.id), local_date=t.local_date, started_at=t.started_at)
            for t in treatments]


def add_questionnaires(body: dict[str, Any], rows: Sequence[Any], treatments: Sequence[Any],
                       *, today: date, start: date, end: date) -> dict[str, Any]:
    """Questionnaire scores beside the daily ones: their points in start..end, and their
    baseline and after for each treatment series the body shows."""
    body["questionnaires"] = questionnaire_trends(
        rows, questionnaire_series(rows, session_marks(treatments), today=today),
        start=start, end=end, series_shown={series["index"] for series in body["series"]})
    return body


def trends(*, user: Account, start: date, end: date) -> dict[str, Any]:
    """The patient's trends for start..end. The session analysis is the kept one, over all
    of the patient's data (api/summaries), so a series' numbers never depend on the window
    asked for; the daily rows need only the window and the 6 days before it (their 7-day
    averages); then only the sessions and series that touch start..end."""
    today = local_today(user.timezone)
    kept = kept_analysis(user, today=today, start=start, end=end)
    days = db.session.execute(
        select(Entry.date, Entry.pain, Entry.mood, Entry.anxiety, Entry.energy,
               Entry.sleep_hours, Entry.sleep_quality)
        .where(Entry.user_id == user.id, Entry.date >= start - AVERAGE_SPAN,
               Entry.date <= end)
    ).all()
    treatments = db.session.execute(
        select(Treatment.id, Treatment.started_at, Treatment.local_date, Treatment.route,
               Treatment.medication, Treatment.dose_mg)
        .where(Treatment.user_id == user.id, Treatment.local_date >= start,
               Treatment.local_date <= end)
    ).all()
    result = {
        "days": daily_rows(ordered_days(day_scores(days)), today=today),
        "series": kept["series"],
        "sessions": kept["sessions"],
        "booster_hint": current_booster_hint(kept, today=today),
    }
    body = window(result, treatments, start, end)
    body["questionnaires"] = questionnaire_trends(
        score_rows(user=user, start=start, end=end), kept["questionnaires"],
        start=start, end=end, series_shown={series["index"] for series in body["series"]})
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
