"""Session analysis: from logged days and treatment sessions to the numbers a provider reads first.

This is DESIGN.md's "Session analysis" made precise, as plain functions over plain
data: no Flask, no database, only the standard library, so every number on the Trends
screen and on the provider page can be traced to one small function here and tested
without an app. docs/relief.md explains the same rules in plain language and cites
their sources (Farrar 2001; IMMPACT, Dworkin 2008).

Conventions shared by every rule:

- **Severity** of a day: pain -> ``pain``; mood -> ``10 - mood``. Lower is better for
  both, so one set of rules serves both metrics. Severity is how the rules *compute*; it
  is never what a person *reads*: every mood number leaves as mood as logged (higher is
  better, ``as_logged``), its percentage as the share of the way to 10 (``_change``).
- A day is **logged** for a metric when that metric has a value. Missing days are gaps,
  never zeros.
- **Calendar days are the patient's local dates.** The caller converts each session's
  start to the patient's local date; ``started_at`` only orders sessions on one date.
  The session day itself belongs to neither the baseline nor the after-period: its
  entry may have been written before or after the session.
- **Nothing dated after ``today`` is analysed.** The API accepts entries and sessions
  dated tomorrow (travel can put a patient a day ahead of the time zone in their
  settings). Until that day comes, such an entry is listed in the daily rows without a
  7-day average, and such a session is in no series and has no row of its own (GET
  /trends still shows it as a marker); no average, baseline, after-period, relief
  duration or hint uses either.
- **Arithmetic is exact** (integers and ``fractions.Fraction``) and rounded only for
  output, half away from zero as people round by hand, so a change of exactly -30 % is
  "moderate", never "minimal" because of floating-point noise.
- **One reading of a number.** A percentage is rounded once, to the 1 decimal shown,
  and its category and response are decided on that rounded value: "-30.0 %" always
  reads "moderate", even when it was -29.95.. before rounding.

Cost is O(n log n) for n days and sessions, the sorts dominating: every window is a
week or less, and a relief count stops at the next series or after 3 unlogged days, so
the relief loops together walk each calendar day at most once. Five years of daily
entries with 150 sessions take a few milliseconds.
"""

import datetime
import statistics
from collections import deque
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any, Literal

Metric = Literal["pain", "mood"]
METRICS: tuple[Metric, ...] = ("pain", "mood")

ONE_DAY = datetime.timedelta(days=1)
# One week is the window of the 7-day average, the baseline, the after-period and the
# longest pause between sessions of one series (DESIGN.md).
WEEK_DAYS = 7
AVERAGE_MIN_LOGGED = 4
BASELINE_MIN_LOGGED = 3
# A series' After is what its baseline is compared with, so it needs as many logged days.
# A single session's After may rest on fewer (the first of two sessions a day apart).
SERIES_AFTER_MIN_LOGGED = BASELINE_MIN_LOGGED
# Percentages are shown, and judged, to 1 decimal.
PERCENT_PLACES = 1
RELIEF_TRAILING_DAYS = 3
# Relief lasts while the trailing mean stays at or below 70 % of baseline, i.e. while at
# least a 30 % reduction holds: Farrar 2001's "much improved".
RELIEF_LIMIT = Fraction(7, 10)
# This many unlogged days in a row and we no longer know whether relief went on.
CENSORING_GAP_DAYS = 3
# IMMPACT (Dworkin 2008) reduction thresholds in percent, largest first.
CATEGORY_THRESHOLDS: tuple[tuple[int, str], ...] = (
    (50, "substantial"),
    (30, "moderate"),
    (10, "minimal"),
)
# Pain responders: >= 30 % lower (Farrar 2001). Depression trials call >= 50 % lower a
# response, applied here to mood severity.
RESPONSE_THRESHOLDS: Mapping[Metric, int] = {"pain": 30, "mood": 50}


@dataclass(frozen=True, slots=True)
class DayScores:
    """One logged day (one entry per local date), as the patient entered it."""

    date: datetime.date
    pain: int | None = None
    mood: int | None = None
    anxiety: int | None = None
    energy: int | None = None
    sleep_hours: float | None = None
    sleep_quality: int | None = None


@dataclass(frozen=True, slots=True)
class SessionMark:
    """One treatment session, already placed on the patient's local calendar."""

    id: str
    local_date: datetime.date  # already converted to the patient's local date by the caller
    started_at: datetime.datetime  # aware; used only to order sessions on the same local date


Relief = tuple[int | None, bool | None]
"""``(relief_days, censored)``; both None when relief cannot be measured."""

Usual = tuple[Metric, int | float]
"""``(metric, median relief days)``: what the booster hint says relief usually lasts."""


# --- The rules, one function each ----------------------------------------------------


def severity(day: DayScores, metric: Metric) -> int | None:
    """How bad the day was on a 0-10 scale where lower is better.

    Pain is already a severity (0 = no pain). Mood is inverted, ``10 - mood``
    (0 = best mood), so that "lower is better" and every percentage below means the
    same thing for both metrics. None when the metric was not logged that day.
    """
    if metric == "pain":
        return day.pain
    return None if day.mood is None else 10 - day.mood


def severities_by_date(
    days: Iterable[DayScores], metric: Metric, *, today: datetime.date
) -> dict[datetime.date, int]:
    """The metric's severity on every day it was logged, up to and including ``today``."""
    return {
        day.date: value
        for day in days
        if day.date <= today and (value := severity(day, metric)) is not None
    }


def seven_day_averages(
    daily_values: Sequence[tuple[datetime.date, int | None]],
) -> list[float | None]:
    """The 7-day average of each day, rounded to 2 decimals for the chart.

    The average of a day is the mean over that day and the 6 days before it, and None
    when fewer than 4 of those 7 days are logged: one or two scattered entries do not
    make a trend. ``daily_values`` is one ``(date, value)`` per row, ordered by date,
    with None where the value was not logged; the result has one average per row. The
    chart averages raw pain and raw mood (not mood severity).
    """
    averages: list[float | None] = []
    window: deque[tuple[datetime.date, int]] = deque()  # logged values of the last 7 days
    total = 0
    for day, value in daily_values:
        while window and (day - window[0][0]).days >= WEEK_DAYS:
            total -= window.popleft()[1]
        if value is not None:
            window.append((day, value))
            total += value
        averages.append(week_average(total, len(window)))
    return averages


def week_average(total: int, logged: int) -> float | None:
    """A 7-day average from the sum and number of the week's logged values: None when
    fewer than 4 are logged, else rounded to 2 decimals (``seven_day_averages``)."""
    return _rounded_ratio(total, logged, 2) if logged >= AVERAGE_MIN_LOGGED else None


def group_into_series(sessions: Iterable[SessionMark]) -> list[list[SessionMark]]:
    """Sessions in time order, split into series (courses of treatment).

    Sessions are ordered by (local date, started_at, id); started_at only breaks ties
    within a local date, so a session at 23:30 local time belongs to that date even when
    its UTC time is the next day. A session whose local date is more than 7 days after
    the previous session's starts a new series: an induction of six infusions over two
    weeks is one series, a booster a month later is the next.
    """
    series: list[list[SessionMark]] = []
    for session in sorted(sessions, key=lambda s: (s.local_date, s.started_at, s.id)):
        if series and (session.local_date - series[-1][-1].local_date).days <= WEEK_DAYS:
            series[-1].append(session)
        else:
            series.append([session])
    return series


def baseline(
    severities: Mapping[datetime.date, int], first_session: datetime.date
) -> Fraction | None:
    """Mean severity over the 7 calendar days strictly before a series' first session.

    Needs at least 3 logged days, else None ("not enough data"): a change measured
    against one or two days would mostly measure the noise of those days.
    """
    total, logged = _total_and_count(severities, *baseline_window(first_session))
    return Fraction(total, logged) if logged >= BASELINE_MIN_LOGGED else None


def baseline_window(first_session: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The first and last day of a series' baseline week: the 7 calendar days strictly
    before its first session (``baseline``; the insights' "baseline week" phase)."""
    return first_session - WEEK_DAYS * ONE_DAY, first_session - ONE_DAY


def after_window(session: datetime.date, next_session: datetime.date | None
                 ) -> tuple[datetime.date, datetime.date]:
    """The first and last day of a session's after-period (``after``; the insights' "7 days
    after a session" phase): up to 7 days after it, ending before the next session. The
    last day is before the first when the next session follows the next day or sooner."""
    last = session + WEEK_DAYS * ONE_DAY
    if next_session is not None:
        last = min(last, next_session - ONE_DAY)
    return session + ONE_DAY, last


def after(
    severities: Mapping[datetime.date, int],
    session: datetime.date,
    next_session: datetime.date | None,
    *,
    min_logged: int = 1,
) -> Fraction | None:
    """Mean severity over the days after a session, up to 7, ending before the next session.

    The window is the days strictly after the session's local date, at most 7 of them,
    and strictly before the next session's local date (of any series), so each day is
    credited to the latest session before it. None when fewer than ``min_logged`` days
    in that window are logged: the first of two sessions on one day, or of sessions on
    consecutive days, has no after-period. The After of a series is the After of its
    last session, with ``min_logged=SERIES_AFTER_MIN_LOGGED`` like its baseline.
    """
    total, logged = _total_and_count(severities, *after_window(session, next_session))
    return Fraction(total, logged) if logged >= min_logged else None


def percent_change(baseline: Fraction | None, after: Fraction | None) -> Fraction | None:
    """Signed change of After against baseline in percent: -75 means 75 % lower (better).

    Rounded exactly to the 1 decimal that is shown (half away from zero), because the
    category and the response are decided on this value: the number people read and the
    verdict beside it never disagree. None when either is missing, or when the baseline
    is 0: no pain (or best mood) has nothing to relieve.
    """
    if baseline is None or after is None or baseline == 0:
        return None
    change = 100 * (after - baseline) / baseline
    shown = _scaled(change.numerator, change.denominator, PERCENT_PLACES)
    return Fraction(shown, 10**PERCENT_PLACES)


def improvement_category(change_pct: Fraction | None) -> str | None:
    """IMMPACT category of a change (Dworkin 2008), from the reduction r = -change_pct.

    r < 10 % "none" (a worsening is "none" too), 10 to < 30 % "minimal", 30 to < 50 %
    "moderate", >= 50 % "substantial". The thresholds were validated for pain; mood uses
    the same thresholds on mood severity. None when the change cannot be computed.
    """
    if change_pct is None:
        return None
    for threshold, category in CATEGORY_THRESHOLDS:
        if change_pct <= -threshold:  # reduction >= threshold
            return category
    return "none"


def is_response(change_pct: Fraction | None, metric: Metric) -> bool | None:
    """Whether a change counts as a treatment response.

    Pain: at least 30 % lower, what patients call "much improved" (Farrar 2001). Mood:
    mood severity at least 50 % lower, the usual definition of response in depression
    trials. None when the change cannot be computed.
    """
    if change_pct is None:
        return None
    return change_pct <= -RESPONSE_THRESHOLDS[metric]  # reduction >= threshold


def relief_duration(
    severities: Mapping[datetime.date, int],
    *,
    last_session: datetime.date,
    baseline: Fraction | None,
    next_series_start: datetime.date | None,
    data_end: datetime.date | None,
) -> Relief:
    """How many days relief lasted after a series' last session: ``(relief_days, censored)``.

    Day 1 is the day after the last session. Relief is checked on logged days only: on
    such a day d, take the mean severity of the logged days among d, d-1 and d-2,
    counting only days after the last session. Relief ends on the first logged day that
    mean rises above 70 % of baseline. An unlogged day neither ends nor extends relief,
    so a later entry never changes the verdict for an earlier day. ``relief_days`` runs
    up to the last logged day on which relief held: ``relief_days = N`` means relief held
    on day N, and one or two unlogged days before it count as relieved; 0 means relief
    never held on a logged day.

    Relief is *censored* (``censored = True``, ``relief_days`` is a lower bound) when,
    before it ends, we stop knowing: the data ends (``data_end``, the last logged day of
    this metric, never after ``today``), 3 or more days in a row are unlogged, or the
    next series' first session arrives (from then on the next series is credited). A
    censored count too runs to the last logged day on which relief held (0 if there was
    none), so unlogged days at the end are never counted as relief.

    ``(None, None)`` when the baseline is missing, or 0 (nothing to relieve).
    """
    if baseline is None or baseline == 0:
        return None, None
    # "mean > 70 % of baseline", cross-multiplied so the daily check stays in integers.
    limit_numerator = RELIEF_LIMIT.numerator * baseline.numerator
    limit_denominator = RELIEF_LIMIT.denominator * baseline.denominator
    relieved = last_session  # the last logged day on which relief held; none yet
    day = last_session
    while True:
        day += ONE_DAY
        value = severities.get(day)
        stop_knowing = (
            data_end is None
            or day > data_end
            or (next_series_start is not None and day >= next_series_start)
            or (value is None and (day - relieved).days >= CENSORING_GAP_DAYS)
        )
        if stop_knowing:
            return (relieved - last_session).days, True
        if value is None:
            continue
        window_start = max(day - (RELIEF_TRAILING_DAYS - 1) * ONE_DAY, last_session + ONE_DAY)
        total, logged = _total_and_count(severities, window_start, day)
        if total * limit_denominator > limit_numerator * logged:
            return (relieved - last_session).days, False
        relieved = day


def usual_relief(earlier_reliefs: Mapping[Metric, Sequence[Relief]]) -> Usual | None:
    """How long relief has usually lasted: ``(metric, median relief days)``, or None.

    ``earlier_reliefs`` holds the reliefs of the series before the current (latest) one,
    which never counts itself. The median is taken over those whose relief ended on
    record after at least one day: censored durations are only lower bounds, and a
    relief of 0 days is no relief to wait for. Uses pain when at least two such series
    exist; otherwise mood under the same condition; otherwise None. It does not depend
    on today, so it can be kept (api/summaries) and joined to today by ``booster_hint``.
    """
    for metric in METRICS:
        ended = [
            days
            for days, censored in earlier_reliefs[metric]
            if censored is False and days is not None and days >= 1
        ]
        if len(ended) >= 2:
            return metric, as_number(statistics.median(ended))
    return None


def booster_hint(
    usual: Usual | None,
    *,
    current_last_session: datetime.date,
    today: datetime.date,
) -> dict[str, Any] | None:
    """The hint "relief has usually lasted N days (median); today is day M", or None.

    ``usual`` is ``usual_relief`` of the series before the current one. ``day`` counts
    like ``relief_days``: the day after the last session is day 1, so on day N + 1 the
    median relief of N days has run out. Shown only while the current series is under
    way, i.e. today is after its last session.
    """
    if usual is None or today <= current_last_session:
        return None
    metric, median = usual
    return {
        "metric": metric,
        "median_relief_days": median,
        "day": (today - current_last_session).days,
    }


# --- The response the Trends route sends ----------------------------------------------


def compute_trends(
    days: Iterable[DayScores], sessions: Iterable[SessionMark], *, today: datetime.date
) -> dict[str, Any]:
    """The daily series and the session analysis, as a JSON-ready dict.

    ``days`` holds at most one DayScores per date (else ValueError) and ``sessions`` the
    treatment sessions, both in any order; the result does not depend on that order.
    Pass everything that should be considered, including the week before the first
    session of interest (its baseline) and the days after the last one (its relief).
    ``today`` is the patient's local date. Returns::

        {"days": [{"date", "pain", "mood", "anxiety", "energy", "sleep_hours",
                   "sleep_quality", "pain_avg7", "mood_avg7"}, ...],   # by date
         "series": [{"index", "start_date", "end_date", "treatment_ids",
                     "pain": {"baseline", "after", "change_abs", "change_pct",
                              "category", "response", "relief_days", "censored"},
                     "mood": {"baseline", "after", "change_abs", "toward_best_pct",
                              "category", "response", "relief_days", "censored"}}, ...],
         "sessions": [{"treatment_id", "series_index",
                       "pain": {"after", "change_abs", "change_pct", "category",
                                "response"},
                       "mood": {"after", "change_abs", "toward_best_pct", "category",
                                "response"}}, ...],                   # in session order

    Mood's baseline, after and change_abs are mood as logged (higher is better; change_abs
    > 0 when mood rose); ``toward_best_pct`` is the share of the way from baseline to 10
    that After covered (= the mood severity's reduction; negative when mood fell).
         "booster_hint": None or {"metric", "median_relief_days", "day"}}

    Baseline, after, change_abs and the 7-day averages are rounded to 2 decimals,
    change_pct and toward_best_pct to 1; every value that cannot be computed is None, never
    0. A session's change compares its After with its series' baseline. Entries and
    sessions dated after ``today`` are not analysed (see the module docstring): such a
    day keeps its row in ``days`` with null averages, and such a session is left out of
    ``series`` and ``sessions``.
    """
    ordered = ordered_days(days)
    analysis = session_analysis(ordered, sessions, today=today)
    return {
        "days": daily_rows(ordered, today=today),
        "series": analysis["series"],
        "sessions": analysis["sessions"],
        "booster_hint": current_booster_hint(analysis, today=today),
    }


def ordered_days(days: Iterable[DayScores]) -> list[DayScores]:
    """The days in date order; ValueError when two share a date."""
    ordered = sorted(days, key=lambda day: day.date)
    for earlier, later in zip(ordered, ordered[1:], strict=False):
        if earlier.date == later.date:
            raise ValueError(f"two entries for {later.date.isoformat()}")
    return ordered


def current_booster_hint(analysis: Mapping[str, Any], *, today: datetime.date
                         ) -> dict[str, Any] | None:
    """``booster_hint`` for a ``session_analysis`` result (kept or fresh) on ``today``."""
    last = analysis["current_last_session"]
    if last is None:
        return None
    usual = analysis["usual_relief"]
    return booster_hint(None if usual is None else (usual[0], usual[1]),
                        current_last_session=last, today=today)


def session_analysis(
    days: Iterable[DayScores], sessions: Iterable[SessionMark], *, today: datetime.date
) -> dict[str, Any]:
    """The part of ``compute_trends`` that needs all of the patient's data: series and
    session rows (JSON-ready, as in ``compute_trends``), ``usual_relief`` (the booster
    hint's median from the series before the current one) and ``current_last_session``
    (the latest session's local date, None without sessions). None of it depends on
    ``today`` except through what is dated after it (not analysed), which is why it can be
    kept between requests (api/summaries); the 7-day averages and the hint's ``day`` need
    only recent days and today, and are computed when asked for.
    """
    days = list(days)
    series = group_into_series(session for session in sessions if session.local_date <= today)
    series_rows: list[dict[str, Any]] = [
        {
            "index": index,
            "start_date": group[0].local_date.isoformat(),
            "end_date": group[-1].local_date.isoformat(),
            "treatment_ids": [session.id for session in group],
        }
        for index, group in enumerate(series)
    ]
    session_rows: list[dict[str, Any]] = [
        {"treatment_id": session.id, "series_index": index}
        for index, group in enumerate(series)
        for session in group
    ]
    # A session's after-period ends before the next session, whichever series it opens.
    in_order = [session for group in series for session in group]
    next_session_dates: list[datetime.date | None] = [
        *(session.local_date for session in in_order[1:]),
        None,
    ]

    reliefs: dict[Metric, list[Relief]] = {}
    for metric in METRICS:
        severities = severities_by_date(days, metric, today=today)
        data_end = max(severities, default=None)
        reliefs[metric] = []
        position = 0  # index into the flat, ordered list of sessions
        for index, group in enumerate(series):
            series_baseline = baseline(severities, group[0].local_date)
            for session in group:
                session_after = after(severities, session.local_date, next_session_dates[position])
                session_rows[position][metric] = _change(series_baseline, session_after, metric)
                position += 1
            # A series' After is its last session's, resting on 3 logged days like its baseline.
            series_after = after(
                severities,
                group[-1].local_date,
                next_session_dates[position - 1],  # position - 1: the group's last session
                min_logged=SERIES_AFTER_MIN_LOGGED,
            )
            is_latest = index + 1 == len(series)
            relief = relief_duration(
                severities,
                last_session=group[-1].local_date,
                baseline=series_baseline,
                next_series_start=None if is_latest else series[index + 1][0].local_date,
                data_end=data_end,
            )
            reliefs[metric].append(relief)
            series_rows[index][metric] = {
                "baseline": _rounded(as_logged(series_baseline, metric), 2),
                **_change(series_baseline, series_after, metric),
                "relief_days": relief[0],
                "censored": relief[1],
            }

    return {
        "series": series_rows,
        "sessions": session_rows,
        "usual_relief": usual_relief({metric: reliefs[metric][:-1] for metric in METRICS}),
        "current_last_session": series[-1][-1].local_date if series else None,
    }


# --- Helpers ----------------------------------------------------------------------------


def daily_rows(ordered_days: Sequence[DayScores], *, today: datetime.date) -> list[dict[str, Any]]:
    """One chart row per logged day; the averages use raw pain and raw mood, as charted.

    Days after ``today`` are listed as logged but have no average: they are not analysed,
    and being last in date order they are in no earlier day's window either.
    """
    analysed = [day for day in ordered_days if day.date <= today]
    no_average: list[float | None] = [None] * (len(ordered_days) - len(analysed))
    pain_avg7 = seven_day_averages([(day.date, day.pain) for day in analysed]) + no_average
    mood_avg7 = seven_day_averages([(day.date, day.mood) for day in analysed]) + no_average
    return [
        {
            "date": day.date.isoformat(),
            "pain": day.pain,
            "mood": day.mood,
            "anxiety": day.anxiety,
            "energy": day.energy,
            "sleep_hours": day.sleep_hours,
            "sleep_quality": day.sleep_quality,
            "pain_avg7": pain_avg7[row],
            "mood_avg7": mood_avg7[row],
        }
        for row, day in enumerate(ordered_days)
    ]


def as_logged(value: Fraction | None, metric: Metric) -> Fraction | None:
    """A severity back on the scale the patient logged: pain as is, mood ``10 - s``.

    Severity is how the analysis computes; what a person reads is the score as logged
    (DESIGN.md "Session analysis"), so every mood number leaves through here.
    """
    if value is None or metric == "pain":
        return value
    return 10 - value


def _change(baseline: Fraction | None, after: Fraction | None, metric: Metric) -> dict[str, Any]:
    """After, its change against baseline, category and response, rounded for output.

    Computed on severity, shown as logged. Pain: ``change_pct`` is the signed percent
    change (-30.0 = 30 % lower, better). Mood: ``change_abs`` is the rise in mood points
    and ``toward_best_pct`` the share of the way from baseline to 10 that After covered:
    exactly the severity's reduction, so the verdicts are the same numbers read upright
    (69.2 % of the way to 10 is a 69.2 % lower severity: "substantial", a response).
    """
    change_pct = percent_change(baseline, after)
    shown_after, shown_baseline = as_logged(after, metric), as_logged(baseline, metric)
    change_abs = (None if shown_baseline is None or shown_after is None
                  else shown_after - shown_baseline)
    percent = (
        {"change_pct": _rounded(change_pct, PERCENT_PLACES)} if metric == "pain"
        else {"toward_best_pct": _rounded(None if change_pct is None else -change_pct,
                                          PERCENT_PLACES)})
    return {
        "after": _rounded(shown_after, 2),
        "change_abs": _rounded(change_abs, 2),
        **percent,
        "category": improvement_category(change_pct),
        "response": is_response(change_pct, metric),
    }


def _total_and_count(
    severities: Mapping[datetime.date, int], first: datetime.date, last: datetime.date
) -> tuple[int, int]:
    """Sum and number of the logged values from ``first`` to ``last`` inclusive.

    Windows here are a week at most, so walking the calendar is cheap and needs no index.
    """
    total = logged = 0
    day = first
    while day <= last:
        value = severities.get(day)
        if value is not None:
            total += value
            logged += 1
        day += ONE_DAY
    return total, logged


def rounded(value: Fraction | None, places: int) -> float | None:
    """``value`` rounded once for output, half away from zero; None stays None (the rule
    every shown number follows, api/summaries/insights.py too)."""
    return _rounded(value, places)


def _rounded(value: Fraction | None, places: int) -> float | None:
    """``value`` rounded for output (see ``_rounded_ratio``); None stays None."""
    if value is None:
        return None
    return _rounded_ratio(value.numerator, value.denominator, places)


def _rounded_ratio(numerator: int, denominator: int, places: int) -> float:
    """numerator / denominator rounded exactly, half away from zero (2.125 -> 2.13).

    Integer arithmetic, because float rounding is neither exact (round(2.675, 2) is
    2.67) nor half-up, and Fraction is too slow for every row of a five-year chart.
    """
    return _scaled(numerator, denominator, places) / 10**places


def _scaled(numerator: int, denominator: int, places: int) -> int:
    """numerator / denominator in units of 10**-places, rounded half away from zero."""
    scale = 10**places
    if denominator < 0:
        numerator, denominator = -numerator, -denominator
    whole = (2 * abs(numerator) * scale + denominator) // (2 * denominator)
    return -whole if numerator < 0 else whole


def as_number(value: float) -> int | float:
    """A median of whole days stays whole (5, not 5.0); a half day stays 5.5."""
    return int(value) if float(value).is_integer() else round(value, 2)
