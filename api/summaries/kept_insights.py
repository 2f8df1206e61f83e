"""The patient's insights for a window, kept beside their kept analysis (service.py) and
recomputed when their data changes; and their week (api/summaries/insights.py).

**When it is current.** A kept body holds while the patient's `data_version` (the kept
analysis' row, bumped by every write that changes entries, sessions, medications or the
time zone) is still the `analysed_version` it was computed at, and it is still the local
date it was computed on (`analysed_for`: the phases and "nothing after today" move with
today). The body is read with the version in one statement; a fresh one is stored only
when, inside its write transaction with the version's row locked, the version is still
the one read before the data: a write that commits meanwhile has bumped it, so a stale
body is never kept. Without a kept analysis row yet (no write since it existed), the
body is computed and not kept. Stale bodies of the patient are dropped on each store.
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import partial
from typing import Any

from sqlalchemy import and_, bindparam, delete, insert, or_, select
from sqlalchemy.engine import Connection

from api.analysis.sessions import SessionMark
from api.db import db
from api.entries.models import Entry
from api.medications.models import Medication
from api.questionnaires.models import QuestionnaireResponse
from api.summaries.insights import (
    FactorDay,
    MedicationSpan,
    compute_insights,
    week_start,
    your_week,
)
from api.summaries.models import KeptAnalysis, KeptInsights
from api.treatments.models import Treatment

ANALYSIS = KeptAnalysis.__table__
KEPT = KeptInsights.__table__

_READ = (select(KEPT.c.body)
         .join(ANALYSIS, and_(ANALYSIS.c.user_id == KEPT.c.user_id,
                              ANALYSIS.c.data_version == KEPT.c.analysed_version))
         .where(KEPT.c.user_id == bindparam("user_id"),
                KEPT.c.start_date == bindparam("start"), KEPT.c.end_date == bindparam("end"),
                KEPT.c.analysed_for == bindparam("today")))
_VERSION = select(ANALYSIS.c.data_version).where(ANALYSIS.c.user_id == bindparam("user_id"))
_DROP = delete(KEPT).where(KEPT.c.user_id == bindparam("user_id"), or_(
    KEPT.c.analysed_version != bindparam("version"),
    KEPT.c.analysed_for != bindparam("today"),
    and_(KEPT.c.start_date == bindparam("start"), KEPT.c.end_date == bindparam("end"))))


def kept_insights(*, user_id: int, start: date, end: date, today: date) -> dict[str, Any]:
    """GET /insights' body for start..end on `today` (the patient's local date)."""
    window = {"user_id": user_id, "start": start, "end": end, "today": today}
    connection = db.session.connection()
    body = connection.execute(_READ, window).scalar()
    if body is not None:
        return body
    version = connection.execute(_VERSION, {"user_id": user_id}).scalar()
    body = insights(user_id=user_id, start=start, end=end, today=today)
    if version is not None:  # once the read has ended (the route declares then_keep)
        db.keep(partial(_store, window, version, body))
    return body


def insights(*, user_id: int, start: date, end: date, today: date) -> dict[str, Any]:
    """The insights computed from the patient's data as the session sees it now."""
    session = db.session
    days = [FactorDay(row.date, row.pain, row.mood, row.tags or (), row.side_effects or ())
            for row in session.execute(
                select(Entry.date, Entry.pain, Entry.mood, Entry.tags, Entry.side_effects)
                .where(Entry.user_id == user_id, Entry.date >= start,
                       Entry.date <= min(end, today)))]
    sessions = [SessionMark(id=str(row.id), local_date=row.local_date,
                            started_at=row.started_at)
                for row in session.execute(
                    select(Treatment.id, Treatment.local_date, Treatment.started_at)
                    .where(Treatment.user_id == user_id, Treatment.local_date <= today))]
    medications = [MedicationSpan(row.name, row.started_on, row.stopped_on)
                   for row in session.execute(
                       select(Medication.name, Medication.started_on, Medication.stopped_on)
                       .where(Medication.user_id == user_id))]
    return compute_insights(days, sessions, medications, start=start, end=end, today=today)


def week(*, user_id: int, today: date) -> dict[str, Any]:
    """The "Your week" card's numbers: last week against the week before (few rows: read
    fresh every time)."""
    first = week_start(today)
    since = first - timedelta(days=14)
    session = db.session
    days = [FactorDay(row.date, row.pain, row.mood) for row in session.execute(
        select(Entry.date, Entry.pain, Entry.mood)
        .where(Entry.user_id == user_id, Entry.date >= since, Entry.date < first))]
    sessions = session.scalars(select(Treatment.local_date).where(
        Treatment.user_id == user_id, Treatment.local_date >= since,
        Treatment.local_date < first)).all()
    checkins = session.scalars(select(QuestionnaireResponse.local_date).where(
        QuestionnaireResponse.user_id == user_id, QuestionnaireResponse.local_date >= since,
        QuestionnaireResponse.local_date < first)).all()
    return your_week(days, sessions, checkins, today=today)


def _store(window: dict[str, Any], version: int, body: dict[str, Any],
           connection: Connection) -> None:
    """Keep `body` if the patient's data is still at `version` (see the module docstring).
    A patient deleted meanwhile, or another request that kept it first, is an IntegrityError
    that db.keep leaves out."""
    now = connection.execute(_VERSION.with_for_update(), window).scalar()
    if now != version:
        return
    connection.execute(_DROP, {**window, "version": version})
    connection.execute(insert(KEPT).values(
        user_id=window["user_id"], start_date=window["start"], end_date=window["end"],
        analysed_version=version, analysed_for=window["today"], body=body))
