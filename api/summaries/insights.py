"""Insights: what goes with better days, and the patient's week, as plain functions.

DESIGN.md "Insights: what goes with better days" made precise, beside the session
analysis and to its standards (api/analysis/sessions.py): no Flask, no database, exact
arithmetic (integers and Fraction) rounded once for display, half away from zero, and the
verdict decided on the shown numbers; nothing dated after ``today``; deterministic (the
bootstrap uses a fixed seed). docs/insights.md explains every number in plain words.

- A **factor** is a tag or a side effect logged on an entry, or a medication (days on it
  against days off it, only when it started or stopped within the range).
- **Phases.** Each day belongs to one phase of treatment, from the session analysis'
  own windows: the session day, the 7 days after a session (``after_window``), the
  baseline week before a series' first session (``baseline_window``), or other days. A
  factor's days are compared only with days of the same phase, and the phases pooled, so
  a tag that falls only in relief windows is compared with other relief days and gets no
  credit for the relief.
- **Difference** of a metric: within each phase that has days with and without the
  factor, mean with minus mean without; pooled over the phases with the weights
  ``n_with * n_without / (n_with + n_without)`` (each phase counts as much as its two
  groups can tell). The "with" and "without" averages shown are pooled with the same
  weights, so with - without is the difference exactly.
- **Interval**: 95 % percentile bootstrap: the days are resampled with replacement within
  each phase and group, ``RESAMPLES`` times, from ``random.Random(SEED)``.
- **Strength** from the shown (rounded) numbers: "clear" when the interval excludes 0 and
  the difference is at least 1 point; "none" when the whole interval lies within 1 point
  of 0; else "unclear". A factor's strength is the stronger of pain's and mood's.
"""

from __future__ import annotations

import datetime
import math
import random
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from statistics import NormalDist
from typing import Any, Literal

from api.analysis.sessions import (
    METRICS,
    ONE_DAY,
    Metric,
    SessionMark,
    after_window,
    baseline_window,
    group_into_series,
    rounded,
)

Phase = Literal["session", "after", "baseline", "other"]
PHASES: tuple[Phase, ...] = ("session", "after", "baseline", "other")
Kind = Literal["tag", "side_effect", "medication"]

MIN_DAYS = 5  # logged days with and without a factor before it is compared
# Present together on at least this share of the days either is present: reported together.
TOGETHER_SHARE = Fraction(4, 5)
CLEAR_POINTS = 1  # "clear" needs a difference of at least 1 point
SEED = 20260101
RESAMPLES = 1000
# 95 % for pain and mood together: each metric's interval is 97.5 % (Bonferroni), so that a
# factor with no effect on either is called "clear" on one of them at most 5 % of the time.
CONFIDENCE = 1 - (1 - Fraction(95, 100)) / len(METRICS)
SHOWN_PLACES = 1  # differences, averages and intervals are shown to 1 decimal
STRENGTH_ORDER = {"clear": 0, "unclear": 1, "none": 2}


@dataclass(frozen=True, slots=True)
class FactorDay:
    """One logged day: its scores as entered and what it carried."""

    date: datetime.date
    pain: int | None
    mood: int | None
    tags: Sequence[str] = ()
    side_effects: Sequence[str] = ()


@dataclass(frozen=True, slots=True)
class MedicationSpan:
    """A medication taken from ``started_on`` to ``stopped_on`` (both included; None: still)."""

    name: str
    started_on: datetime.date
    stopped_on: datetime.date | None


Factor = tuple[Kind, str]


# --- Phases ---------------------------------------------------------------------------


def phases_by_date(sessions: Iterable[SessionMark], *, today: datetime.date
                   ) -> dict[datetime.date, Phase]:
    """The phase of every day that is not "other": session days, the days after a session
    (before the next one) and the baseline week before a series' first session. A day in
    two windows takes the first of session, after, baseline: a series' baseline week can
    overlap the previous series' after-period, and relief must never be counted as a
    baseline day. Sessions dated after ``today`` do not count."""
    series = group_into_series(s for s in sessions if s.local_date <= today)
    ordered = [session.local_date for group in series for session in group]
    phases: dict[datetime.date, Phase] = {}

    def mark(first: datetime.date, last: datetime.date, phase: Phase) -> None:
        day = first
        while day <= last:
            phases.setdefault(day, phase)
            day += ONE_DAY

    for day in ordered:
        phases[day] = "session"
    for position, day in enumerate(ordered):
        mark(*after_window(day, ordered[position + 1] if position + 1 < len(ordered) else None),
             "after")
    for group in series:
        mark(*baseline_window(group[0].local_date), "baseline")
    return phases


# --- Factors --------------------------------------------------------------------------


def factors_by_day(days: Sequence[FactorDay], medications: Iterable[MedicationSpan], *,
                   start: datetime.date, end: datetime.date) -> dict[datetime.date, set[Factor]]:
    """The factors present on each day: its tags and side effects, and the medications
    taken that day among those started or stopped within start..end (one taken throughout
    has no days off to compare with)."""
    spans = [m for m in medications
             if start <= m.started_on <= end
             or (m.stopped_on is not None and start <= m.stopped_on <= end)]
    present: dict[datetime.date, set[Factor]] = {}
    for day in days:
        factors: set[Factor] = {("tag", tag) for tag in day.tags}
        factors |= {("side_effect", effect) for effect in day.side_effects}
        factors |= {("medication", m.name) for m in spans
                    if m.started_on <= day.date
                    and (m.stopped_on is None or day.date <= m.stopped_on)}
        present[day.date] = factors
    return present


# --- The comparison -------------------------------------------------------------------


Groups = list[tuple[list[int], list[int]]]  # per phase: (values with, values without)


def metric_groups(days: Sequence[FactorDay], has: Callable[[FactorDay], bool],
                  phase_of: Callable[[datetime.date], Phase], metric: Metric) -> Groups:
    """Per phase with days both with and without the factor: the metric's logged values
    on those days, each list sorted (so the bootstrap depends only on the values)."""
    split: dict[Phase, tuple[list[int], list[int]]] = {phase: ([], []) for phase in PHASES}
    for day in days:
        value = getattr(day, metric)
        if value is not None:
            split[phase_of(day.date)][0 if has(day) else 1].append(value)
    return [(sorted(with_), sorted(without)) for with_, without in split.values()
            if with_ and without]


def pooled(groups: Groups) -> tuple[Fraction, Fraction, Fraction] | None:
    """(with, without, difference) pooled over the phases, exactly; None without a phase
    to compare. Weight of a phase: n_with * n_without / (n_with + n_without)."""
    if not groups:
        return None
    weights = [Fraction(len(w) * len(o), len(w) + len(o)) for w, o in groups]
    total = sum(weights, Fraction(0))
    with_ = sum((weight * Fraction(sum(w), len(w)) for weight, (w, _) in zip(
        weights, groups, strict=True)), Fraction(0)) / total
    without = sum((weight * Fraction(sum(o), len(o)) for weight, (_, o) in zip(
        weights, groups, strict=True)), Fraction(0)) / total
    return with_, without, with_ - without


def bootstrap_interval(groups: Groups, *, resamples: int = RESAMPLES, seed: int = SEED
                       ) -> tuple[Fraction, Fraction]:
    """The 95 % percentile bootstrap interval of the pooled difference, exactly.

    Each resample draws, within every phase, as many days with replacement from the days
    with the factor as there are, and likewise from the days without; the pooled
    difference of a resample is an integer combination of the group sums over one common
    denominator, so every resample is exact. The interval is the k-th smallest and the
    k-th largest of the resamples, k = ceil(2.5 % of them): symmetric, so swapping with
    and without mirrors it exactly. Within a phase the two groups are drawn in an order
    fixed by their values, not by which one is "with", for the same reason.
    """
    weights = [Fraction(len(w) * len(o), len(w) + len(o)) for w, o in groups]
    total = sum(weights, Fraction(0))
    # Coefficient of each group's sum in the difference, over one common denominator.
    coefficients = [(weight / (total * len(w)), -weight / (total * len(o)))
                    for weight, (w, o) in zip(weights, groups, strict=True)]
    denominator = math.lcm(*(c.denominator for pair in coefficients for c in pair))
    draws: list[tuple[list[int], int]] = []  # (values, integer coefficient) in drawing order
    for (w, o), (cw, co) in zip(groups, coefficients, strict=True):
        pair = [(w, int(cw * denominator)), (o, int(co * denominator))]
        pair.sort(key=lambda group: (len(group[0]), group[0]))
        draws.extend(pair)
    rng = random.Random(seed)
    choices = rng.choices
    results = sorted(
        sum(coefficient * sum(choices(values, k=len(values))) for values, coefficient in draws)
        for _ in range(resamples))
    smallest = min(sum(len(w) for w, _ in groups), sum(len(o) for _, o in groups))
    k = max(1, math.ceil(expanded_tail(smallest) * resamples))
    return Fraction(results[k - 1], denominator), Fraction(results[-k], denominator)


def expanded_tail(n: int) -> float:
    """The share of resamples to cut from each end for the interval, widened for small
    samples: the percentile bootstrap's intervals are too narrow for a few days (they use
    the spread of the days as if it were known), so the tail is Hesterberg's (2015)
    "expanded percentile" one, Phi(-sqrt(n / (n - 1)) * t(1 - tail, n - 1)), with n the
    smaller group's days. It only picks which resamples bound the interval; the bounds
    themselves stay exact. The t quantile by the Cornish-Fisher expansion (Abramowitz and
    Stegun 26.7.5), good to 3 decimals from 4 degrees of freedom on (n >= MIN_DAYS)."""
    tail = float((1 - CONFIDENCE) / 2)
    z = NormalDist().inv_cdf(1 - tail)
    v = n - 1
    t = (z + (z**3 + z) / (4 * v) + (5 * z**5 + 16 * z**3 + 3 * z) / (96 * v**2)
         + (3 * z**7 + 19 * z**5 + 17 * z**3 - 15 * z) / (384 * v**3)
         + (79 * z**9 + 776 * z**7 + 1482 * z**5 - 1920 * z**3 - 945 * z) / (92160 * v**4))
    return NormalDist().cdf(-math.sqrt(n / v) * t)


def strength(diff: float | None, ci: Sequence[float] | None) -> str | None:
    """The word for a shown difference and interval (see the module docstring)."""
    if diff is None or ci is None:
        return None
    lo, hi = ci
    if (lo > 0 or hi < 0) and abs(diff) >= CLEAR_POINTS:
        return "clear"
    if -CLEAR_POINTS < lo and hi < CLEAR_POINTS:
        return "none"
    return "unclear"


def compare(groups: Groups, *, resamples: int) -> dict[str, Any]:
    """One metric's {"with", "without", "diff", "ci", "strength"}, as shown; nulls when the
    metric has fewer than MIN_DAYS logged days with or without in comparable phases."""
    logged_with = sum(len(w) for w, _ in groups)
    logged_without = sum(len(o) for _, o in groups)
    result = pooled(groups)
    if result is None or logged_with < MIN_DAYS or logged_without < MIN_DAYS:
        return {"with": None, "without": None, "diff": None, "ci": None, "strength": None}
    with_, without, diff = result
    lo, hi = bootstrap_interval(groups, resamples=resamples)
    shown_diff = rounded(diff, SHOWN_PLACES)
    shown_ci = [rounded(lo, SHOWN_PLACES), rounded(hi, SHOWN_PLACES)]
    return {"with": rounded(with_, SHOWN_PLACES), "without": rounded(without, SHOWN_PLACES),
            "diff": shown_diff, "ci": shown_ci,
            "strength": strength(shown_diff, shown_ci)}  # type: ignore[arg-type]


def together_groups(present: Mapping[datetime.date, set[Factor]]) -> dict[Factor, set[Factor]]:
    """For each factor, the others it always comes with: two factors are together when the
    days with both are at least 80 % of the days with either; groups are joined through
    shared members (if A goes with B and B with C, all three are told apart from none)."""
    days_of: dict[Factor, set[datetime.date]] = {}
    for day, factors in present.items():
        for factor in factors:
            days_of.setdefault(factor, set()).add(day)
    names = sorted(days_of)
    group: dict[Factor, set[Factor]] = {factor: {factor} for factor in names}
    for i, a in enumerate(names):
        for b in names[i + 1:]:
            both = len(days_of[a] & days_of[b])
            if both and Fraction(both, len(days_of[a] | days_of[b])) >= TOGETHER_SHARE:
                joined = group[a] | group[b]
                for member in joined:
                    group[member] = joined
    return {factor: members - {factor} for factor, members in group.items()}


def compute_insights(days: Iterable[FactorDay], sessions: Iterable[SessionMark],
                     medications: Iterable[MedicationSpan], *, start: datetime.date,
                     end: datetime.date, today: datetime.date,
                     resamples: int = RESAMPLES) -> dict[str, Any]:
    """GET /insights' body for start..end (days after today are left out). Returns::

        {"from", "to", "min_days": 5,
         "factors": [{"kind", "name", "days_with", "days_without",
                      "pain": {"with", "without", "diff", "ci": [lo, hi], "strength"},
                      "mood": {...}, "strength", "together_with": [names]}],
         "too_few": [{"kind", "name", "days_with", "days_without"}]}

    ``days_with`` and ``days_without`` count the logged days (pain or mood) in the phases
    where the factor has days both with and without: the days compared. A factor is in
    ``factors`` when both are at least MIN_DAYS, else in ``too_few`` (what is missing).
    Factors are ordered clear, unclear, none, then by name; too_few by days with, most
    first.
    """
    last = min(end, today)
    in_range = [day for day in days if start <= day.date <= last
                and (day.pain is not None or day.mood is not None)]
    present = factors_by_day(in_range, medications, start=start, end=last)
    phases = phases_by_date(sessions, today=today)

    def phase_of(day: datetime.date) -> Phase:
        return phases.get(day, "other")

    together = together_groups(present)
    shown: list[dict[str, Any]] = []
    too_few: list[dict[str, Any]] = []
    for factor in sorted(together):
        def has(day: FactorDay, factor: Factor = factor) -> bool:
            return factor in present[day.date]

        counts = {phase: [0, 0] for phase in PHASES}
        for day in in_range:
            counts[phase_of(day.date)][0 if has(day) else 1] += 1
        days_with = sum(w for w, o in counts.values() if w and o)
        days_without = sum(o for w, o in counts.values() if w and o)
        kind, name = factor
        row: dict[str, Any] = {"kind": kind, "name": name, "days_with": days_with,
                               "days_without": days_without}
        if days_with < MIN_DAYS or days_without < MIN_DAYS:
            too_few.append(row)
            continue
        for metric in METRICS:
            row[metric] = compare(metric_groups(in_range, has, phase_of, metric),
                                  resamples=resamples)
        row["strength"] = min((row[m]["strength"] for m in METRICS if row[m]["strength"]),
                              key=STRENGTH_ORDER.__getitem__, default=None)
        row["together_with"] = sorted(other for _, other in together[factor])
        shown.append(row)
    shown.sort(key=lambda row: (STRENGTH_ORDER.get(row["strength"], 3), row["name"]))
    too_few.sort(key=lambda row: (-row["days_with"], row["name"]))
    return {"from": start.isoformat(), "to": end.isoformat(), "min_days": MIN_DAYS,
            "factors": shown, "too_few": too_few}


def without_tags(body: dict[str, Any]) -> dict[str, Any]:
    """A ``compute_insights`` body without its tags, for a report that leaves out the
    patient's own words: tag rows go, and so do tag names in ``together_with`` (every
    factor present has a row, in ``factors`` or ``too_few``)."""
    tags = {row["name"] for row in (*body["factors"], *body["too_few"]) if row["kind"] == "tag"}
    return {**body,
            "factors": [{**row, "together_with": [n for n in row["together_with"]
                                                  if n not in tags]}
                        for row in body["factors"] if row["kind"] != "tag"],
            "too_few": [row for row in body["too_few"] if row["kind"] != "tag"]}


# --- Your week ------------------------------------------------------------------------


def week_start(day: datetime.date) -> datetime.date:
    """The first day (Monday, ISO 8601) of the week ``day`` is in."""
    return day - day.weekday() * ONE_DAY


def your_week(days: Iterable[FactorDay], session_dates: Iterable[datetime.date],
              checkin_dates: Iterable[datetime.date], *, today: datetime.date
              ) -> dict[str, Any]:
    """Last week (Monday to Sunday before the week ``today`` is in) against the week
    before: {"week_start", "week_end", "first_day": whether today is the week's first day,
    "days_logged", "pain": {"average", "previous", "change"}, "mood": {...}, "sessions",
    "checkins"}. Averages are of the logged values, null without any; change is null
    unless both weeks have one (computed exactly, then rounded once)."""
    first = week_start(today) - 7 * ONE_DAY
    last = first + 6 * ONE_DAY
    before = first - 7 * ONE_DAY
    days = [day for day in days if before <= day.date <= last]
    this_week = [day for day in days if day.date >= first]
    week_before = [day for day in days if day.date < first]
    result: dict[str, Any] = {
        "week_start": first.isoformat(), "week_end": last.isoformat(),
        "first_day": today == week_start(today),
        "days_logged": len(this_week),
        "sessions": sum(1 for d in session_dates if first <= d <= last),
        "checkins": sum(1 for d in checkin_dates if first <= d <= last),
    }
    for metric in METRICS:
        now = _mean([getattr(day, metric) for day in this_week])
        then = _mean([getattr(day, metric) for day in week_before])
        result[metric] = {
            "average": rounded(now, SHOWN_PLACES), "previous": rounded(then, SHOWN_PLACES),
            "change": None if now is None or then is None else rounded(now - then,
                                                                       SHOWN_PLACES)}
    return result


def _mean(values: Sequence[int | None]) -> Fraction | None:
    logged = [value for value in values if value is not None]
    return Fraction(sum(logged), len(logged)) if logged else None
