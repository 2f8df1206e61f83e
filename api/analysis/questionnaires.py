"""Questionnaire scores across treatment series (DESIGN.md, "Questionnaires"): pure
functions over plain data, beside the daily scores' analysis (api/analysis/sessions.py),
whose series they share.

- A series' **baseline** is the latest response in the 14 days before its first session
  started; its **after** is the latest response from the day after its last session up to
  21 days later, and before the next series starts.
- **Change** is the percent change of after against baseline, computed from the exact
  scores (a PEG's mean as a fraction, 20/3, not the 6.7 shown) and rounded once to one
  decimal, halves away from zero (``percent_change``, the daily scores' rule); **response**
  is a drop of at least the instrument's threshold (50 % for PHQ-9 and GAD-7, 30 % for
  the PEG), decided on that displayed percentage: PEG (7,7,6) -> (5,5,4) is -30.0 %, a
  response; **remission** is an after below 5
  (PHQ-9, GAD-7). Null whenever what a rule needs is missing, never 0.
- Nothing dated after today counts, as for the daily scores.
"""

from __future__ import annotations

import bisect
import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from api.analysis.sessions import SessionMark, group_into_series, percent_change
from api.questionnaires.instruments import (
    INSTRUMENTS,
    SERIES_AFTER_DAYS,
    SERIES_BASELINE_DAYS,
    Instrument,
)
from api.questionnaires.schemas import as_number

BASELINE_WINDOW = datetime.timedelta(days=SERIES_BASELINE_DAYS)


@dataclass(frozen=True, slots=True)
class Score:
    answered_at: datetime.datetime  # aware
    local_date: datetime.date
    total: float  # as shown (a PEG's mean to one decimal)
    exact: Fraction  # what changes are computed from (a PEG's mean as a fraction)


def change_pct(baseline: Score | None, after: Score | None) -> float | None:
    """Signed percent change of ``after`` against ``baseline``, from their exact scores,
    rounded once to the one decimal shown; None without both, or from a baseline of 0."""
    if baseline is None or after is None:
        return None
    shown = percent_change(baseline.exact, after.exact)
    return None if shown is None else float(shown)


def is_response(instrument: Instrument, change: float | None) -> bool | None:
    """At least the instrument's drop, read from the percentage shown."""
    return None if change is None else change <= -instrument.response_drop_pct


def scores_of(rows: Iterable[Any], name: str) -> list[Score]:
    """The scores of one instrument's response rows (answered_at, local_date, total,
    answers), exact from their answers."""
    instrument = INSTRUMENTS[name]
    return [Score(row.answered_at, row.local_date, row.total,
                  instrument.exact_total(row.answers))
            for row in rows if row.instrument == name]


def series_scores(instrument: Instrument, scores: Sequence[Score],
                  sessions: Iterable[SessionMark], *, today: datetime.date
                  ) -> list[dict[str, Any]]:
    """Baseline, after, change, response and remission of every treatment series.

    Scores are searched by time (bisect), so each series costs O(log n) plus the scores
    answered between its last session and the next series: O(n log n) in all."""
    known = sorted((score for score in scores if score.local_date <= today),
                   key=lambda score: score.answered_at)
    times = [score.answered_at for score in known]
    series = group_into_series(s for s in sessions if s.local_date <= today)
    results = []
    for index, course in enumerate(series):
        first, last = course[0], course[-1]
        following = series[index + 1][0] if index + 1 < len(series) else None
        # The latest score before the first session, if it is within the 14 days.
        before = bisect.bisect_left(times, first.started_at) - 1
        baseline = (known[before] if before >= 0
                    and known[before].answered_at >= first.started_at - BASELINE_WINDOW
                    else None)
        # The latest score answered after the last session and before the next series
        # whose date is from the day after the last session up to 21 days later.
        end = len(known) if following is None else bisect.bisect_left(times, following.started_at)
        after = None
        for score in reversed(known[bisect.bisect_right(times, last.started_at):end]):
            if 0 < (score.local_date - last.local_date).days <= SERIES_AFTER_DAYS:
                after = score
                break
        change = change_pct(baseline, after)
        results.append({
            "series_index": index,
            "baseline": None if baseline is None else baseline.total,
            "after": None if after is None else after.total,
            "change_pct": change,
            "response": is_response(instrument, change),
            "remission": instrument.remission(None if after is None else after.total),
        })
    return results


def latest_change(scores: Sequence[Score], sessions: Iterable[SessionMark], *,
                  today: datetime.date) -> dict[str, Any] | None:
    """The clinic panel's view of one instrument: the latest score, the current (latest)
    series' baseline (the rule of ``series_scores``) and the change of the latest against
    it. The change is None while the latest score is not a follow-up, i.e. was answered
    before the current series' first session: with only a baseline there is no change to
    show yet ("no follow-up yet"), never a 0 %. None without any score."""
    known = sorted((score for score in scores if score.local_date <= today),
                   key=lambda score: score.answered_at)
    if not known:
        return None
    latest = known[-1]
    series = group_into_series(s for s in sessions if s.local_date <= today)
    baseline = None
    follow_up = False
    if series:
        first = series[-1][0]
        before = [s for s in known if s.answered_at < first.started_at]
        if before and before[-1].answered_at >= first.started_at - BASELINE_WINDOW:
            baseline = before[-1]
        follow_up = latest.answered_at > first.started_at
    return {"score": latest.total, "date": latest.local_date,
            "baseline": None if baseline is None else baseline.total,
            "change_pct": change_pct(baseline, latest) if follow_up else None}


def _number(value: float | None) -> int | float | None:
    return None if value is None else as_number(value)


def questionnaire_series(rows: Sequence[Any], sessions: Sequence[SessionMark], *,
                         today: datetime.date) -> dict[str, list[dict[str, Any]]]:
    """``series_scores`` of every instrument the patient answered, from all their rows:
    what the trends keep (api/summaries), as it does not depend on the window."""
    result = {}
    for name, instrument in INSTRUMENTS.items():
        scores = scores_of(rows, name)
        if scores:
            result[name] = series_scores(instrument, scores, sessions, today=today)
    return result


def questionnaire_trends(rows: Sequence[Any], series: dict[str, list[dict[str, Any]]], *,
                         start: datetime.date, end: datetime.date,
                         series_shown: set[int]) -> dict[str, Any]:
    """The "questionnaires" part of a trends response: each instrument answered in
    start..end, with its points there (from ``rows``, which must hold at least those) and
    its score across the series shown (``series``, from ``questionnaire_series``)."""
    result: dict[str, Any] = {}
    for name, instrument in INSTRUMENTS.items():
        points = [row for row in rows if row.instrument == name and start <= row.local_date <= end]
        if not points:
            continue
        result[name] = {
            "points": [{
                "id": str(row.id), "answered_at": row.answered_at.isoformat(),
                "local_date": row.local_date.isoformat(), "total": as_number(row.total),
                "severity": row.severity, "safety_flag": row.safety_flag,
                "safety_answer": (row.answers[instrument.safety_item]
                                  if instrument.safety_item else None),
            } for row in points],
            "series": [{**s, "baseline": _number(s["baseline"]), "after": _number(s["after"])}
                       for s in series.get(name, []) if s["series_index"] in series_shown],
        }
    return result
