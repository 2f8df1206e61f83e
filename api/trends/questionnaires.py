"""Questionnaire scores across treatment series (DESIGN.md, "Questionnaires"): pure
functions over plain data, beside the daily scores' analysis (api/trends/analysis.py),
whose series they share.

- A series' **baseline** is the latest response in the 14 days before its first session
  started; its **after** is the latest response from the day after its last session up to
  21 days later, and before the next series starts.
- **Change** is the percent change of after against baseline, one decimal; **response**
  is a drop of at least the instrument's threshold (50 % for PHQ-9 and GAD-7, 30 % for
  the PEG), decided on that displayed percentage; **remission** is an after below 5
  (PHQ-9, GAD-7). Null whenever what a rule needs is missing, never 0.
- Nothing dated after today counts, as for the daily scores.
"""

from __future__ import annotations

import bisect
import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from api.questionnaires.instruments import (
    INSTRUMENTS,
    SERIES_AFTER_DAYS,
    SERIES_BASELINE_DAYS,
    Instrument,
    change_pct,
)
from api.questionnaires.schemas import as_number
from api.trends.analysis import SessionMark, group_into_series

BASELINE_WINDOW = datetime.timedelta(days=SERIES_BASELINE_DAYS)


@dataclass(frozen=True, slots=True)
class Score:
    answered_at: datetime.datetime  # aware
    local_date: datetime.date
    total: float


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
        baseline = (known[before].total if before >= 0
                    and known[before].answered_at >= first.started_at - BASELINE_WINDOW
                    else None)
        # The latest score answered after the last session and before the next series
        # whose date is from the day after the last session up to 21 days later.
        end = len(known) if following is None else bisect.bisect_left(times, following.started_at)
        after = None
        for score in reversed(known[bisect.bisect_right(times, last.started_at):end]):
            if 0 < (score.local_date - last.local_date).days <= SERIES_AFTER_DAYS:
                after = score.total
                break
        change = change_pct(baseline, after)
        results.append({
            "series_index": index,
            "baseline": baseline,
            "after": after,
            "change_pct": change,
            "response": None if change is None else change <= -instrument.response_drop_pct,
            "remission": instrument.remission(after),
        })
    return results


def _number(value: float | None) -> int | float | None:
    return None if value is None else as_number(value)


def questionnaire_series(rows: Sequence[Any], sessions: Sequence[SessionMark], *,
                         today: datetime.date) -> dict[str, list[dict[str, Any]]]:
    """``series_scores`` of every instrument the patient answered, from all their rows:
    what the trends keep (api/summaries), as it does not depend on the window."""
    result = {}
    for name, instrument in INSTRUMENTS.items():
        scores = [Score(row.answered_at, row.local_date, row.total)
                  for row in rows if row.instrument == name]
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
