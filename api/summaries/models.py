"""One row per patient: the kept part of their analysis and the versions that say whether
it is still current (api/summaries/service.py)."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import JSON, Date, Float, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from api.db import db


class KeptAnalysis(db.Model):  # type: ignore[name-defined]
    """What is expensive and does not depend on the window asked for.

    `data_version` counts the patient's changes (mark_changed, in each writer's
    transaction); the rest was computed from the data at `analysed_version`, on the
    patient's local date `analysed_for`; `data_through` is the latest date of anything it
    read (entries, sessions, questionnaire responses), None when there was nothing.
    The columns are what the clinic panel reads for every patient at once; the series
    themselves are in `kept_series`, one row each, so that GET /trends reads only those
    its window shows.
    """

    __tablename__ = "kept_analyses"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"),
                                         primary_key=True)
    data_version: Mapped[int] = mapped_column(Integer, default=0)
    analysed_version: Mapped[int | None] = mapped_column(Integer)
    analysed_for: Mapped[date | None] = mapped_column(Date)
    data_through: Mapped[date | None] = mapped_column(Date)
    # The current (latest) series, for the panel.
    last_session_on: Mapped[date | None] = mapped_column(Date)
    last_session_route: Mapped[str | None] = mapped_column(String(20))
    pain_baseline: Mapped[float | None] = mapped_column(Float)
    mood_baseline: Mapped[float | None] = mapped_column(Float)  # mood as logged, higher better
    # usual_relief of the series before the current one: the booster hint's median.
    relief_metric: Mapped[str | None] = mapped_column(String(8))
    relief_median: Mapped[float | None] = mapped_column(Float)
    # The latest of everything the panel shows besides the analysis, kept with it (the same
    # writes make both stale), so the panel reads one row per patient: the latest entry's
    # date; the latest PHQ-9 and PEG (by answer time) with their dates; the latest date of
    # a response with a safety flag and of a session with a blood-pressure flag.
    last_logged_on: Mapped[date | None] = mapped_column(Date)
    # The latest PHQ-9 and PEG (as shown), the current series' baseline of each, and the
    # change of the latest against it from the exact scores (api/analysis/questionnaires.py
    # `latest_change`: null while the latest is no follow-up).
    phq9_total: Mapped[float | None] = mapped_column(Float)
    phq9_on: Mapped[date | None] = mapped_column(Date)
    phq9_baseline: Mapped[float | None] = mapped_column(Float)
    phq9_change_pct: Mapped[float | None] = mapped_column(Float)
    peg_score: Mapped[float | None] = mapped_column(Float)
    peg_on: Mapped[date | None] = mapped_column(Date)
    peg_baseline: Mapped[float | None] = mapped_column(Float)
    peg_change_pct: Mapped[float | None] = mapped_column(Float)
    safety_flag_on: Mapped[date | None] = mapped_column(Date)
    safety_answer: Mapped[int | None] = mapped_column(Integer)  # that response's item 9, 1-3
    bp_flag_on: Mapped[date | None] = mapped_column(Date)
    # That session's flags, very high first: [{code, systolic, diastolic, phase, threshold}].
    bp_flags: Mapped[list[dict[str, Any]] | None] = mapped_column(JSON)


class KeptSeries(db.Model):  # type: ignore[name-defined]
    """One treatment series of a kept analysis: its row in GET /trends' "series", its
    sessions' rows and its questionnaire scores ({instrument: series_scores row}), in
    `body`; `next_start` is the next series' start date (None for the latest), so that a
    window finds the series it shows with one indexed range."""

    __tablename__ = "kept_series"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"),
                                         primary_key=True)
    position: Mapped[int] = mapped_column(Integer, primary_key=True)
    start_date: Mapped[date] = mapped_column(Date)
    next_start: Mapped[date | None] = mapped_column(Date)
    body: Mapped[dict[str, Any]] = mapped_column(JSON)


class KeptInsights(db.Model):  # type: ignore[name-defined]
    """GET /insights' body for one window (api/summaries/kept_insights.py), kept while the
    patient's data is at `analysed_version` (their kept analysis' data_version) and it is
    still `analysed_for` (the patient's local date it was computed on)."""

    __tablename__ = "kept_insights"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"),
                                         primary_key=True)
    start_date: Mapped[date] = mapped_column(Date, primary_key=True)
    end_date: Mapped[date] = mapped_column(Date, primary_key=True)
    analysed_version: Mapped[int] = mapped_column(Integer)
    analysed_for: Mapped[date] = mapped_column(Date)
    body: Mapped[dict[str, Any]] = mapped_column(JSON)
