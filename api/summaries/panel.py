"""The clinic panel's numbers for many patients at once (DESIGN.md "Clinics", "The panel").

Two queries for all the patients given, whatever their number: their kept rows (the
analysis' numbers, and their latest entry, PHQ-9, PEG, safety flag and blood-pressure
flag, all kept current by the same writes: api/summaries/models.py), and their last
week's sums per local date; plus the recomputation of the patients whose kept row is
stale (api/summaries/service.py). Each patient's "today" is
their own local date. Every rule is the one the patient's own trends use:

- `pain_avg7`, `mood_avg7`: the 7-day average of today (`week_average`, the rule of the
  chart's averages: today and the 6 days before, null with fewer than 4 logged), on the
  scales as logged; `pain_days7`, `mood_days7`: how many of those 7 days are logged, so
  a missing average can say why.
- `pain_baseline`, `mood_baseline`: the current (latest) series' baseline, both as logged
  (mood higher is better), as GET /trends gives them.
- `phq9`, `peg`: the latest response, the current series' `baseline` of that instrument
  and the latest's `change_pct` against it, from the exact scores (api/analysis/
  questionnaires.py `latest_change`); null without a baseline or while the latest is the
  baseline itself (no follow-up yet), never a 0 %.
- `safety_flag_on`: the latest date, in the last 14 days (today and the 13 before), of a
  response with a safety flag (PHQ-9 item 9 above 0), with that response's item-9 answer
  (`safety_answer`, 1-3); `bp_flag_on` the same of a session with a blood-pressure flag
  (`treatments.bp_flagged_on`, api/treatments/vitals.py), with that session's flags
  (`bp_flags`: reading and threshold reached, very high first).
- `booster`: the booster hint (`booster_hint`) without its metric.
- `last_session`: the latest session analysed (nothing dated after today is).

Dates are ISO strings, as in GET /trends.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from typing import Any

from sqlalchemy import BindParameter, bindparam, func, select

from api.analysis.sessions import WEEK_DAYS, booster_hint, week_average
from api.analysis.sessions import as_number as whole_or_decimal
from api.auth.models import User
from api.calendar import local_today
from api.db import db
from api.entries.models import Entry
from api.questionnaires.models import QuestionnaireResponse
from api.questionnaires.schemas import as_number
from api.summaries.service import TABLE, stale_rows

FLAG_DAYS = 14
_IDS: BindParameter[Any] = bindparam("ids", expanding=True)
_Q = QuestionnaireResponse


# One row per patient: their kept row, which holds everything the panel shows but the
# week's averages (api/summaries/models.py); a patient with no kept row yet gets nulls.
_PATIENTS = select(
    User.id, *(column for column in TABLE.c if column.name != "user_id"),
).select_from(User).outerjoin(TABLE, TABLE.c.user_id == User.id).where(User.id.in_(_IDS))
# The week's sums and counts for the patients whose today is `last`.
_WEEK = (select(Entry.user_id, func.sum(Entry.pain), func.count(Entry.pain),
                func.sum(Entry.mood), func.count(Entry.mood))
         .where(Entry.user_id.in_(_IDS), Entry.date >= bindparam("first"),
                Entry.date <= bindparam("last"))
         .group_by(Entry.user_id))


def panel_rows(patients: Sequence[Any]) -> dict[int, dict[str, Any]]:
    """user_id -> the panel's fields from `last_logged_on` to `booster` (DESIGN.md), for
    patients with `id` and `timezone`. Runs in the caller's transaction: a write, or a
    read declared `db.read(then_keep=True)`, as stale patients' analyses are kept."""
    if not patients:
        return {}
    connection = db.session.connection()
    zones = {zone: local_today(zone) for zone in {p.timezone for p in patients}}
    today = {p.id: zones[p.timezone] for p in patients}
    ids = list(today)
    found = {row.id: row for row in connection.execute(_PATIENTS, {"ids": ids})}
    kept: dict[int, Any] = dict(found)
    kept.update(stale_rows(connection, ((i, _kept_or_none(found[i]), today[i]) for i in ids)))
    week: dict[int, Any] = {}
    for day in set(today.values()):
        same_day = [user_id for user_id in ids if today[user_id] == day]
        week.update((row[0], row) for row in connection.execute(_WEEK, {
            "ids": same_day, "first": day - timedelta(days=WEEK_DAYS - 1), "last": day}))

    rows = {}
    for user_id in ids:
        day, row = today[user_id], kept[user_id]
        _, pain_total, pain_logged, mood_total, mood_logged = week.get(user_id, (0,) * 5)
        logged_on = row.last_logged_on
        session_on = row.last_session_on
        hint = (booster_hint((row.relief_metric, whole_or_decimal(row.relief_median)),
                             current_last_session=session_on, today=day)
                if session_on is not None and row.relief_metric is not None else None)
        rows[user_id] = {
            "last_logged_on": _iso(logged_on),
            "days_since_log": None if logged_on is None else max(0, (day - logged_on).days),
            "last_session": None if session_on is None else {
                "date": session_on.isoformat(),
                "route": row.last_session_route,
                "days_since": (day - session_on).days,
            },
            "pain_avg7": week_average(pain_total or 0, pain_logged),
            "pain_days7": pain_logged,
            "pain_baseline": row.pain_baseline,
            "mood_avg7": week_average(mood_total or 0, mood_logged),
            "mood_days7": mood_logged,
            "mood_baseline": row.mood_baseline,
            "phq9": _score("total", row.phq9_total, row.phq9_on, row.phq9_baseline,
                           row.phq9_change_pct),
            "safety_flag_on": (safety := _recent(row.safety_flag_on, day)),
            "safety_answer": None if safety is None else row.safety_answer,
            "peg": _score("score", row.peg_score, row.peg_on, row.peg_baseline,
                          row.peg_change_pct),
            "bp_flag_on": (bp := _recent(row.bp_flag_on, day)),
            "bp_flags": None if bp is None else row.bp_flags,
            "booster": None if hint is None else {
                "median_relief_days": hint["median_relief_days"], "day": hint["day"]},
        }
    return rows


def _kept_or_none(row: Any) -> Any:
    """The patient's kept row as read with the panel's other columns; None when there is
    none yet (the outer join found no kept row)."""
    return None if row.data_version is None else row


def _score(name: str, score: float | None, on: date | None, baseline: float | None,
           change: float | None) -> dict[str, Any] | None:
    if score is None or on is None:
        return None
    return {name: as_number(score), "date": on.isoformat(),
            "baseline": None if baseline is None else as_number(baseline),
            "change_pct": change}


def _recent(flagged_on: date | None, today: date) -> str | None:
    """A flag's date when it is within the last 14 days (today and the 13 before)."""
    if flagged_on is None or (today - flagged_on).days >= FLAG_DAYS:
        return None
    return flagged_on.isoformat()


def _iso(value: date | None) -> str | None:
    return None if value is None else value.isoformat()
