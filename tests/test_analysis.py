"""Session analysis rules (api/analysis/sessions.py), checked by hand and by property.

Unless a test says otherwise, the scene is: day n is ``D0 + n`` days, the session is on
day 10, the 7 days before it (days 3..9) hold the baseline, and pain 8 there gives a
baseline of 8 and a relief limit of 70 % x 8 = 5.6.
"""

import datetime
import json
from datetime import UTC, date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from api.analysis.sessions import (
    DayScores,
    SessionMark,
    compute_trends,
    severity,
)

D0 = date(2026, 3, 1)
M_KEYS = [
    "baseline",
    "after",
    "change_abs",
    "change_pct",
    "category",
    "response",
    "relief_days",
    "censored",
]
SESSION_M_KEYS = ["after", "change_abs", "change_pct", "category", "response"]
NOTHING = dict.fromkeys(SESSION_M_KEYS)  # a change that cannot be computed
# Mood is read as logged: its percentage is the share of the way to 10 (DESIGN.md).
MOOD_KEYS = [("toward_best_pct" if key == "change_pct" else key) for key in M_KEYS]
SESSION_MOOD_KEYS = [("toward_best_pct" if key == "change_pct" else key)
                     for key in SESSION_M_KEYS]
MOOD_NOTHING = dict.fromkeys(SESSION_MOOD_KEYS)
PERCENT = {"pain": "change_pct", "mood": "toward_best_pct"}


def day(n: int) -> date:
    return D0 + timedelta(days=n)


def logged(
    pain: dict[int, int] | None = None, mood: dict[int, int] | None = None
) -> list[DayScores]:
    """Entries from {day number: score} maps; a day missing from both is not logged."""
    pain, mood = pain or {}, mood or {}
    return [DayScores(day(n), pain=pain.get(n), mood=mood.get(n)) for n in sorted({*pain, *mood})]


def same(value: int, first: int, last: int) -> dict[int, int]:
    """The same score on days first..last inclusive."""
    return dict.fromkeys(range(first, last + 1), value)


def session(n: int, id: str | None = None, hour: int = 10) -> SessionMark:
    started_at = datetime.datetime.combine(day(n), datetime.time(hour), tzinfo=UTC)
    return SessionMark(id=id or f"s{n}", local_date=day(n), started_at=started_at)


def trends(days: list[DayScores], sessions: list[SessionMark], today: int = 40) -> dict:
    return compute_trends(days, sessions, today=day(today))


def pain_of_series(result: dict, index: int = 0) -> dict:
    return result["series"][index]["pain"]


# --- Severity and the 7-day average -------------------------------------------------


def test_severity_is_pain_itself_and_ten_minus_mood() -> None:
    scores = DayScores(D0, pain=7, mood=3)
    assert severity(scores, "pain") == 7
    assert severity(scores, "mood") == 10 - 3
    assert severity(DayScores(D0, mood=10), "mood") == 0
    assert severity(DayScores(D0, mood=4), "pain") is None
    assert severity(DayScores(D0, pain=4), "mood") is None


def test_seven_day_average_needs_four_of_the_seven_days() -> None:
    days = logged(pain={0: 2, 1: 3, 2: 4, 4: 6, 8: 5, 10: 1})
    averages = [row["pain_avg7"] for row in trends(days, [])["days"]]
    assert averages == [
        None,  # day 0: [2]
        None,  # day 1: [2, 3]
        None,  # day 2: [2, 3, 4], only 3 logged
        3.75,  # day 4: days -2..4 hold 2, 3, 4, 6 -> 15 / 4
        None,  # day 8: days 2..8 hold 4, 6, 5 -> 3 logged
        None,  # day 10: days 4..10 hold 6, 5, 1
    ]


def test_seven_day_average_is_rounded_to_two_decimals() -> None:
    days = logged(pain={0: 1, 1: 1, 2: 1, 3: 2, 4: 2, 5: 2, 6: 3, 7: 3})
    averages = [row["pain_avg7"] for row in trends(days, [])["days"]]
    # day 3: 5/4 = 1.25; day 4: 7/5 = 1.4; day 5: 9/6 = 1.5; day 6: 12/7 = 1.714.. -> 1.71;
    # day 7: days 1..7 = 1+1+2+2+2+3+3 = 14/7 = 2 (day 0 has left the window)
    assert averages == [None, None, None, 1.25, 1.4, 1.5, 1.71, 2.0]


def test_mood_average_is_of_mood_itself_and_covers_days_without_that_metric() -> None:
    days = logged(pain={0: 4, 1: 4, 2: 4, 3: 4}, mood={0: 8, 1: 8, 2: 8, 3: 9, 4: 7})
    rows = trends(days, [])["days"]
    assert rows[3]["mood_avg7"] == 8.25  # (8 + 8 + 8 + 9) / 4, raw mood, not 10 - mood
    # day 4 has no pain, but 4 of its 7 days do: (4 + 4 + 4 + 4) / 4
    assert rows[4]["pain"] is None
    assert rows[4]["pain_avg7"] == 4.0
    assert rows[4]["mood_avg7"] == 8.0  # (8 + 8 + 8 + 9 + 7) / 5


def test_days_are_ordered_by_date_with_every_field() -> None:
    days = [
        DayScores(day(2), pain=3),
        DayScores(day(0), mood=5, anxiety=2, energy=6, sleep_hours=7.5, sleep_quality=8),
    ]
    rows = trends(days, [])["days"]
    assert rows == [
        {
            "date": "2026-03-01",
            "pain": None,
            "mood": 5,
            "anxiety": 2,
            "energy": 6,
            "sleep_hours": 7.5,
            "sleep_quality": 8,
            "pain_avg7": None,
            "mood_avg7": None,
        },
        {
            "date": "2026-03-03",
            "pain": 3,
            "mood": None,
            "anxiety": None,
            "energy": None,
            "sleep_hours": None,
            "sleep_quality": None,
            "pain_avg7": None,
            "mood_avg7": None,
        },
    ]


# --- Series -----------------------------------------------------------------------


def test_sessions_up_to_seven_days_apart_form_one_series() -> None:
    sessions = [session(0), session(7), session(14), session(22), session(29)]
    series = trends([], sessions)["series"]
    # 0 -> 7 -> 14: gaps of 7 days, one series; 14 -> 22 is 8 days: a new series
    assert [(s["index"], s["start_date"], s["end_date"], s["treatment_ids"]) for s in series] == [
        (0, "2026-03-01", "2026-03-15", ["s0", "s7", "s14"]),
        (1, "2026-03-23", "2026-03-30", ["s22", "s29"]),
    ]


def test_sessions_on_one_date_are_ordered_by_start_time_then_id() -> None:
    sessions = [session(10, "a", hour=14), session(10, "c", hour=9), session(10, "b", hour=9)]
    result = trends([], sessions)
    assert result["series"][0]["treatment_ids"] == ["b", "c", "a"]
    assert [(s["treatment_id"], s["series_index"]) for s in result["sessions"]] == [
        ("b", 0),
        ("c", 0),
        ("a", 0),
    ]


def test_local_date_orders_sessions_not_utc_time() -> None:
    # A patient travelling east: the first session is on local day 10 at 23:30 in
    # New York (UTC-4), which is 03:30 UTC on day 11; the second on local day 11 at
    # 01:00 in Tokyo (UTC+9), which is 16:00 UTC on day 10, *earlier* in UTC.
    new_york = datetime.timezone(timedelta(hours=-4))
    tokyo = datetime.timezone(timedelta(hours=9))
    evening = SessionMark(
        "evening",
        day(10),
        datetime.datetime.combine(day(10), datetime.time(23, 30), new_york).astimezone(UTC),
    )
    night = SessionMark(
        "night",
        day(11),
        datetime.datetime.combine(day(11), datetime.time(1, 0), tokyo).astimezone(UTC),
    )
    assert night.started_at < evening.started_at
    result = trends([], [night, evening])
    assert [s["treatment_id"] for s in result["sessions"]] == ["evening", "night"]
    assert result["series"][0]["start_date"] == "2026-03-11"  # day 10, local


def test_late_evening_session_keeps_its_local_date() -> None:
    # Session at 23:30 local (UTC-4) on day 10 = 03:30 UTC on day 11. Day 10 is the
    # session day (in neither window); day 11 is the first after-day.
    started_at = datetime.datetime.combine(
        day(10), datetime.time(23, 30), datetime.timezone(timedelta(hours=-4))
    ).astimezone(UTC)
    assert started_at.date() == day(11)
    late = SessionMark("late", day(10), started_at)
    days = logged(pain={**same(6, 3, 9), 10: 0, **same(3, 11, 13)})
    pain = pain_of_series(trends(days, [late], today=13))
    # baseline: days 3..9 = 6 (day 10's 0 not counted); after: days 11..13 = 3
    # change: 3 - 6 = -3, -3 / 6 = -50 %
    assert (pain["baseline"], pain["after"], pain["change_pct"]) == (6.0, 3.0, -50.0)
    assert pain["category"] == "substantial"


# --- Baseline ---------------------------------------------------------------------


def test_baseline_is_the_mean_of_the_seven_days_before_the_first_session() -> None:
    # day 2 is 8 days before, day 10 is the session day: neither counts.
    # baseline = (4 + 5 + 6) / 3 = 5; after = days 11..13 = 4; change 4 - 5 = -1 -> -20 %
    days = logged(pain={2: 10, 3: 4, 5: 5, 9: 6, 10: 0, **same(4, 11, 13)})
    pain = pain_of_series(trends(days, [session(10)], today=13))
    assert pain == {
        "baseline": 5.0,
        "after": 4.0,
        "change_abs": -1.0,
        "change_pct": -20.0,
        "category": "minimal",
        "response": False,
        "relief_days": 0,  # limit 70 % x 5 = 3.5; day 1 = 4 is already above it
        "censored": False,
    }


def test_baseline_needs_three_logged_days() -> None:
    # only days 5 and 9 before the session: "not enough data"
    days = logged(pain={5: 7, 9: 7, **same(2, 11, 13)})
    result = trends(days, [session(10)], today=13)
    assert pain_of_series(result) == {
        "baseline": None,
        "after": 2.0,  # After needs no baseline
        "change_abs": None,
        "change_pct": None,
        "category": None,
        "response": None,
        "relief_days": None,
        "censored": None,
    }
    assert result["sessions"][0]["pain"] == {**NOTHING, "after": 2.0}


def test_series_baseline_comes_before_its_first_session() -> None:
    # Sessions on days 10 and 13 form one series; its baseline is days 3..9 = 8 and both
    # sessions are compared with it, even though days 11..12 are low.
    days = logged(pain={**same(8, 3, 9), 11: 2, 12: 2, 14: 4})
    result = trends(days, [session(10), session(13)], today=14)
    assert pain_of_series(result)["baseline"] == 8.0
    # session 13: after = day 14 = 4 -> (4 - 8) / 8 = -50 %
    assert result["sessions"][1]["pain"]["change_pct"] == -50.0


# --- After ------------------------------------------------------------------------


def test_after_covers_at_most_seven_days() -> None:
    days = logged(pain={**same(8, 3, 9), **same(2, 11, 17), 18: 9})
    pain = pain_of_series(trends(days, [session(10)], today=18))
    assert pain["after"] == 2.0  # days 11..17; day 18 (8 days after) is not counted


def test_after_stops_before_the_next_session() -> None:
    days = logged(pain={**same(8, 3, 9), 11: 2, 12: 4, 13: 9, 14: 3, 15: 5, 16: 4})
    result = trends(days, [session(10), session(13)], today=16)
    first, second = (s["pain"] for s in result["sessions"])
    # session 10: days 11, 12 (day 13 is the next session's day) -> (2 + 4) / 2 = 3
    # change 3 - 8 = -5, -5 / 8 = -62.5 %
    assert first == {
        "after": 3.0,
        "change_abs": -5.0,
        "change_pct": -62.5,
        "category": "substantial",
        "response": True,
    }
    # session 13: days 14, 15, 16 -> (3 + 5 + 4) / 3 = 4; -4 / 8 = -50 %
    assert second == {
        "after": 4.0,
        "change_abs": -4.0,
        "change_pct": -50.0,
        "category": "substantial",
        "response": True,
    }
    # the After of the series is the After of its last session
    assert pain_of_series(result)["after"] == 4.0


def test_a_series_after_needs_three_logged_days() -> None:
    # after-days 11 and 12 only: the session's After is (2 + 2) / 2 = 2, but the series'
    # After, like its baseline, needs 3 logged days
    days = logged(pain={**same(8, 3, 9), 11: 2, 12: 2})
    result = trends(days, [session(10)], today=20)
    assert result["sessions"][0]["pain"] == {
        "after": 2.0,
        "change_abs": -6.0,
        "change_pct": -75.0,
        "category": "substantial",
        "response": True,
    }
    assert pain_of_series(result) == {
        "baseline": 8.0,
        **NOTHING,
        "relief_days": 2,  # relief needs only the baseline: seen on d1, d2, then 3 days missing
        "censored": True,
    }
    # a third after-day gives the series its After
    with_third = trends(logged(pain={**same(8, 3, 9), **same(2, 11, 13)}), [session(10)], today=20)
    assert pain_of_series(with_third)["after"] == 2.0


def test_first_of_two_sessions_on_one_day_has_no_after() -> None:
    days = logged(pain={**same(8, 3, 9), 11: 4})
    result = trends(days, [session(10, "pm", hour=15), session(10, "am", hour=9)], today=11)
    am, pm = result["sessions"]
    assert (am["treatment_id"], pm["treatment_id"]) == ("am", "pm")
    assert am["pain"] == NOTHING  # no day lies after "am" and before "pm"
    assert pm["pain"]["after"] == 4.0


def test_sessions_on_consecutive_days() -> None:
    days = logged(pain={**same(8, 3, 9), 11: 1, 12: 1, 13: 2, 14: 4})
    result = trends(days, [session(10), session(11), session(12)], today=14)
    # day 11 is session 11's own day and day 12 session 12's: sessions 10 and 11 have
    # no after-days. Session 12: days 13, 14 -> (2 + 4) / 2 = 3; -5 / 8 = -62.5 %
    assert [s["pain"]["after"] for s in result["sessions"]] == [None, None, 3.0]
    assert result["sessions"][2]["pain"]["change_pct"] == -62.5


def test_an_entry_on_the_session_day_counts_in_neither_window() -> None:
    without = logged(pain={**same(8, 3, 9), 11: 4})
    with_session_day = logged(pain={**same(8, 3, 9), 10: 0, 11: 4})
    assert (
        trends(without, [session(10)], today=11)["series"]
        == (trends(with_session_day, [session(10)], today=11)["series"])
    )


# --- Change, category, response ----------------------------------------------------


@pytest.mark.parametrize(
    ("baseline", "after", "change_pct", "category", "response"),
    [
        (10, 10, 0.0, "none", False),
        (10, 9, -10.0, "minimal", False),  # r = 10 %: the lower edge of "minimal"
        (10, 8, -20.0, "minimal", False),
        (10, 7, -30.0, "moderate", True),  # r = 30 %: moderate, and a pain response
        (10, 6, -40.0, "moderate", True),
        (10, 5, -50.0, "substantial", True),
        (10, 0, -100.0, "substantial", True),
        (5, 6, 20.0, "none", False),  # worse: a negative reduction is "none"
    ],
)
def test_pain_categories_follow_immpact(
    baseline: int, after: int, change_pct: float, category: str, response: bool
) -> None:
    days = logged(pain={**same(baseline, 3, 9), **same(after, 11, 13)})
    pain = pain_of_series(trends(days, [session(10)], today=13))
    assert pain["change_abs"] == after - baseline
    assert (pain["change_pct"], pain["category"], pain["response"]) == (
        change_pct,
        category,
        response,
    )


def test_exactly_thirty_percent_is_moderate_despite_floating_point() -> None:
    # baseline 6; after days 11..15 = 4, 4, 4, 4, 5 -> 21 / 5 = 4.2
    # 100 * (4.2 - 6) / 6 = -30 exactly; in floats it is -29.999999999999996 ("minimal")
    days = logged(pain={**same(6, 3, 9), 11: 4, 12: 4, 13: 4, 14: 4, 15: 5})
    pain = pain_of_series(trends(days, [session(10)], today=15))
    assert (pain["after"], pain["change_abs"], pain["change_pct"]) == (4.2, -1.8, -30.0)
    assert (pain["category"], pain["response"]) == ("moderate", True)


@pytest.mark.parametrize(
    ("baseline_days", "after_days", "change_pct", "category", "response"),
    [
        # baseline (8 + 8 + 8 + 7) / 4 = 7.75; after 38 / 7 = 5.428..;
        # 100 * (38/7 - 31/4) / (31/4) = -6500 / 217 = -29.95.. -> shown as -30.0
        ((8, 8, 8, 7), (5, 5, 5, 5, 6, 6, 6), -30.0, "moderate", True),
        # baseline 33 / 4 = 8.25; after 52 / 7; -2300 / 231 = -9.956.. -> shown as -10.0
        ((8, 8, 8, 9), (7, 7, 7, 7, 8, 8, 8), -10.0, "minimal", False),
    ],
)
def test_category_and_response_are_read_from_the_shown_percentage(
    baseline_days: tuple[int, ...],
    after_days: tuple[int, ...],
    change_pct: float,
    category: str,
    response: bool,
) -> None:
    before = dict(zip(range(6, 10), baseline_days, strict=True))  # days 6..9; 3..5 unlogged
    afterwards = dict(zip(range(11, 18), after_days, strict=True))
    result = trends(logged(pain={**before, **afterwards}), [session(10)], today=17)
    for change in (pain_of_series(result), result["sessions"][0]["pain"]):
        assert (change["change_pct"], change["category"], change["response"]) == (
            change_pct,
            category,
            response,
        )


def test_change_pct_rounds_half_away_from_zero() -> None:
    # baseline 4; after days 11..14 = 4, 4, 4, 3 -> 15 / 4 = 3.75
    # 100 * (3.75 - 4) / 4 = -6.25 -> -6.3 (half away from zero, as people round)
    days = logged(pain={**same(4, 3, 9), 11: 4, 12: 4, 13: 4, 14: 3})
    pain = pain_of_series(trends(days, [session(10)], today=14))
    assert (pain["change_abs"], pain["change_pct"], pain["category"]) == (-0.25, -6.3, "none")


def test_a_third_rounds_to_two_decimals_and_one_for_percent() -> None:
    # baseline 3; after days 11..13 = 2, 2, 3 -> 7 / 3 = 2.333..; change -2 / 3 = -0.666..
    # percent: 100 * (-2/3) / 3 = -22.22..
    days = logged(pain={**same(3, 3, 9), 11: 2, 12: 2, 13: 3})
    pain = pain_of_series(trends(days, [session(10)], today=13))
    assert (pain["after"], pain["change_abs"], pain["change_pct"]) == (2.33, -0.67, -22.2)


@pytest.mark.parametrize(
    ("mood_after", "toward_best_pct", "category", "response"),
    [
        (6, 33.3, "moderate", False),  # 4 -> 6: 2 of the 6 points to 10, not yet half-way
        (7, 50.0, "substantial", True),  # 4 -> 7: 3 of 6, half-way to 10
        (3, -16.7, "none", False),  # 4 -> 3: worse
    ],
)
def test_mood_is_read_as_logged_and_needs_half_way_to_10_for_a_response(
    mood_after: int, toward_best_pct: float, category: str, response: bool
) -> None:
    """Severity (10 - mood) is how the rules compute; the numbers are mood as logged."""
    days = logged(mood={**same(4, 3, 9), **same(mood_after, 11, 13)})  # mood 4 = severity 6
    result = trends(days, [session(10)], today=13)
    mood = result["series"][0]["mood"]
    assert (mood["baseline"], mood["after"], mood["change_abs"]) == (
        4.0, float(mood_after), float(mood_after - 4))
    assert (mood["toward_best_pct"], mood["category"], mood["response"]) == (
        toward_best_pct,
        category,
        response,
    )
    assert "change_pct" not in mood  # no second percentage pointing the other way
    # no pain was logged: every pain number is None, never 0
    assert pain_of_series(result) == dict.fromkeys(M_KEYS)


def test_mood_rising_from_2_4_to_7_7_reads_up_not_down() -> None:
    """Issue 21, item 1, worked by hand. Mood 2,2,3,2,3,3,2 the week before (17/7 = 2.43;
    severity 53/7 = 7.57), then 8,8,7 (23/3 = 7.67; severity 7/3 = 2.33). Up 110/21 =
    5.24 points; 100 * (53/7 - 7/3) / (53/7) = 100 * 110/159 = 69.18.. -> 69.2 % of the way
    to 10, which is the severity's reduction: substantial, a response. Before, the same
    person read "baseline 7.57, after 2.33, -69.2 %"."""
    baseline_week = dict(zip(range(3, 10), (2, 2, 3, 2, 3, 3, 2), strict=True))
    result = trends(logged(mood={**baseline_week, 11: 8, 12: 8, 13: 7}), [session(10)],
                    today=13)
    assert result["series"][0]["mood"] == {
        "baseline": 2.43, "after": 7.67, "change_abs": 5.24, "toward_best_pct": 69.2,
        "category": "substantial", "response": True, "relief_days": 3, "censored": True,
    }
    assert result["sessions"][0]["mood"] == {
        "after": 7.67, "change_abs": 5.24, "toward_best_pct": 69.2,
        "category": "substantial", "response": True,
    }


def test_zero_baseline_has_no_percentage_and_no_relief() -> None:
    days = logged(pain={**same(0, 3, 9), **same(2, 11, 13)})
    result = trends(days, [session(10)], today=13)
    assert result["sessions"][0]["pain"] == {**NOTHING, "after": 2.0, "change_abs": 2.0}
    pain = pain_of_series(result)
    assert pain == {
        "baseline": 0.0,
        "after": 2.0,
        "change_abs": 2.0,
        "change_pct": None,  # no pain cannot get a percentage lower
        "category": None,
        "response": None,
        "relief_days": None,  # nothing to relieve
        "censored": None,
    }


# --- Relief duration ----------------------------------------------------------------


def relief(pain_after: dict[int, int], today: int = 40, sessions: list | None = None) -> tuple:
    """(relief_days, censored) of the first series: baseline 8 on days 3..9, session day 10."""
    days = logged(pain={**same(8, 3, 9), **pain_after})
    pain = pain_of_series(trends(days, sessions or [session(10)], today=today))
    return pain["relief_days"], pain["censored"]


def test_relief_lasts_until_the_trailing_mean_rises_above_seventy_percent() -> None:
    # limit 5.6. Trailing 3-day means from day 1 (= day 11):
    # d1 [2] = 2; d2 [2, 2] = 2; d3 [2, 2, 3] = 2.33; d4 [2, 3, 6] = 3.67;
    # d5 [3, 6, 7] = 5.33; d6 [6, 7, 8] = 7 > 5.6 -> relief ends on d6: days 1..5 relieved
    assert relief({11: 2, 12: 2, 13: 3, 14: 6, 15: 7, 16: 8, 17: 8}) == (5, False)


def test_relief_is_zero_when_day_one_is_already_above_the_limit() -> None:
    assert relief({11: 6, 12: 2, 13: 2}) == (0, False)  # d1 [6] = 6 > 5.6


def test_exactly_seventy_percent_is_still_relief() -> None:
    # baseline 10 -> limit 7. d1..d3 = 7 (not above 7); d4 [7, 7, 8] = 7.33 > 7
    days = logged(pain={**same(10, 3, 9), 11: 7, 12: 7, 13: 7, 14: 8})
    pain = pain_of_series(trends(days, [session(10)], today=20))
    assert (pain["relief_days"], pain["censored"]) == (3, False)


def test_one_or_two_unlogged_days_between_relieved_days_count_as_relief() -> None:
    # days 12, 13 unlogged (a gap of 2 does not censor, and decides nothing)
    # d1 [2]; d4 [3] (window 12..14); d5 [3, 8] = 5.5; d6 [3, 8, 8] = 6.33 > 5.6
    # -> relief last held on d5: 5 days, the two unlogged ones included
    assert relief({11: 2, 14: 3, 15: 8, 16: 8}) == (5, False)


def test_an_unlogged_day_does_not_end_relief() -> None:
    # d1 [2] = 2; d2 [2, 7] = 4.5; d3 [2, 7, 7] = 5.33; d4 is unlogged: its window would
    # hold [7, 7] = 7 > 5.6, but only a logged day decides. d5 [7, 7] = 7 ends relief;
    # it last held on d3
    assert relief({11: 2, 12: 7, 13: 7, 15: 7}) == (3, False)


def test_a_later_entry_never_changes_an_earlier_verdict() -> None:
    # d1 [0] = 0; d2 [0, 6] = 3; then days 13, 14 unlogged and today is day 15.
    assert relief({11: 0, 12: 6}, today=15) == (2, True)  # at least 2 days, so far
    # Pain 0 on d5 does not end relief retroactively on the unlogged d4 (whose window
    # would hold [6] > 5.6): d5 [0] = 0 holds, so relief has lasted at least 5 days
    assert relief({11: 0, 12: 6, 15: 0}, today=15) == (5, True)


def test_relief_counts_up_to_the_last_logged_day_on_which_it_held() -> None:
    # d1, d2 = 2 hold; d3, d4 unlogged; d5 [9] = 9 ends relief. It last held on d2: the
    # unlogged d3 and d4 are not counted as relief
    assert relief({11: 2, 12: 2, 15: 9, 16: 9}) == (2, False)


def test_three_unlogged_days_censor_relief_at_the_last_logged_day() -> None:
    # days 13, 14, 15 unlogged: we no longer know. Relief was seen through day 12 (d2);
    # without this rule the high day 16 would have ended it at d6.
    assert relief({11: 2, 12: 2, 16: 9, 17: 9}) == (2, True)


def test_three_unlogged_days_right_after_the_session_censor_at_zero() -> None:
    assert relief({14: 2, 15: 2, 16: 9}) == (0, True)


def test_data_end_censors_relief() -> None:
    # last pain entry on day 14 (d4); mood goes on, but relief is measured on pain
    days = logged(pain={**same(8, 3, 9), **same(2, 11, 14)}, mood=same(5, 3, 30))
    pain = pain_of_series(trends(days, [session(10)], today=30))
    assert (pain["relief_days"], pain["censored"]) == (4, True)


def test_data_never_ends_after_today() -> None:
    # entries dated after today (the API accepts tomorrow) are not analysed:
    # after = days 11..13 only, relief seen through today (d3), still going
    days = logged(pain={**same(8, 3, 9), **same(2, 11, 13), **same(9, 14, 16)})
    result = trends(days, [session(10)], today=13)
    pain = pain_of_series(result)
    assert (pain["after"], pain["relief_days"], pain["censored"]) == (2.0, 3, True)
    assert len(result["days"]) == 7 + 6  # days 3..9 and 11..16: all still listed


def test_an_entry_dated_tomorrow_has_no_average_yet() -> None:
    # day 13 is today; day 14 (tomorrow) is listed, but no 7-day average uses it
    rows = trends(logged(pain={**same(4, 10, 13), 14: 9}), [], today=13)["days"]
    assert [(row["date"], row["pain"], row["pain_avg7"]) for row in rows[-2:]] == [
        ("2026-03-14", 4, 4.0),
        ("2026-03-15", 9, None),  # would be (4 * 4 + 9) / 5 = 5 once that day comes
    ]
    tomorrow_comes = trends(logged(pain={**same(4, 10, 13), 14: 9}), [], today=14)["days"]
    assert tomorrow_comes[-1]["pain_avg7"] == 5.0


def test_a_session_dated_tomorrow_changes_nothing_today() -> None:
    # session 15 is tomorrow and would join series 10 (5 days apart): until day 15 comes,
    # the series still ends on day 10, keeps its After and its relief through today
    days = logged(pain={**same(8, 3, 9), **same(2, 11, 14)})
    result = trends(days, [session(10), session(15)], today=14)
    assert result == trends(days, [session(10)], today=14)
    assert result["series"][0]["treatment_ids"] == ["s10"]
    pain = pain_of_series(result)
    assert (pain["after"], pain["relief_days"], pain["censored"]) == (2.0, 4, True)


def test_relief_on_the_day_of_the_session_is_zero_so_far() -> None:
    assert relief({}, today=10) == (0, True)


def test_next_series_censors_relief() -> None:
    # sessions on days 10 and 20 (10 days apart: two series). Relief of the first runs
    # through day 19 (d9) and is censored by the next session on day 20.
    sessions = [session(10), session(20)]
    assert relief({**same(2, 11, 19), 20: 2, **same(8, 21, 25)}, sessions=sessions) == (9, True)


def test_next_series_censors_relief_at_the_last_logged_day_before_it() -> None:
    # days 18, 19 unlogged (too short a gap to censor by itself); the next series starts
    # on day 20 -> relief counted through day 17 (d7), not through day 19
    sessions = [session(10), session(20)]
    assert relief(same(2, 11, 17), sessions=sessions) == (7, True)


# --- Booster hint ---------------------------------------------------------------------


def booster_scene(low_days: tuple[int, ...], today: int) -> tuple[dict[int, int], list]:
    """A series every 20 days from day 10 (10, 30, 50, ...), one more than ``low_days``,
    with pain 8 everywhere but low_days[i] days of 2 after series i's session and days of
    2 from the last (current) series' session to today.

    A block of k days of 2 followed by 8s relieves for k + 1 days: the trailing means are
    [.., 2, 2] = 2, then [2, 2, 8] = 4 <= 5.6, then [2, 8, 8] = 6 > 5.6.
    """
    starts = [10 + 20 * number for number in range(len(low_days) + 1)]
    pain = same(8, 0, today)
    for start, k in zip(starts, low_days, strict=False):
        pain.update(same(2, start + 1, start + k))
    pain.update(same(2, starts[-1] + 1, today))  # the current series: relief still going
    return pain, [session(start) for start in starts]


@pytest.mark.parametrize(("low_days", "median"), [((4, 6), 6), ((4, 5), 5.5)])
def test_booster_hint_shows_median_relief_and_todays_day(
    low_days: tuple[int, int], median: float
) -> None:
    pain, sessions = booster_scene(low_days, today=53)
    result = trends(logged(pain=pain), sessions, today=53)
    reliefs = [(s["pain"]["relief_days"], s["pain"]["censored"]) for s in result["series"]]
    # relief k + 1 for each finished series; the current one is censored at today (d3)
    assert reliefs == [(low_days[0] + 1, False), (low_days[1] + 1, False), (3, True)]
    # day 53 is the 3rd day after the session on day 50 (day 51 is day 1, as in relief_days)
    assert result["booster_hint"] == {"metric": "pain", "median_relief_days": median, "day": 3}
    assert isinstance(result["booster_hint"]["median_relief_days"], type(median))


def test_booster_hint_falls_back_to_mood() -> None:
    pain, sessions = booster_scene((4, 6), today=53)
    mood = {n: 10 - score for n, score in pain.items()}  # the same severities, as mood
    result = trends(logged(mood=mood), sessions, today=53)
    assert result["booster_hint"] == {"metric": "mood", "median_relief_days": 6, "day": 3}


def test_no_booster_hint_with_fewer_than_two_uncensored_reliefs() -> None:
    pain, sessions = booster_scene((4, 6), today=53)
    pain = {n: score for n, score in pain.items() if not 31 <= n <= 40}  # censors series 1
    result = trends(logged(pain=pain), sessions, today=53)
    assert pain_of_series(result, 1)["censored"] is True
    assert result["booster_hint"] is None


def test_no_booster_hint_until_the_day_after_the_last_session() -> None:
    pain, sessions = booster_scene((4, 6), today=50)
    assert trends(logged(pain=pain), sessions, today=50)["booster_hint"] is None


def test_a_session_dated_tomorrow_does_not_hide_the_booster_hint() -> None:
    # today is day 58 (d8 after the session on day 50); a session on day 59 would start a
    # new series, but not before day 59 comes
    pain, sessions = booster_scene((4, 6), today=58)
    result = trends(logged(pain=pain), [*sessions, session(59)], today=58)
    assert len(result["series"]) == 3
    assert result["booster_hint"] == {"metric": "pain", "median_relief_days": 6, "day": 8}


def test_booster_hint_never_counts_the_current_series() -> None:
    pain, sessions = booster_scene((4, 6), today=45)
    result = trends(logged(pain=pain), sessions[:2], today=45)
    # series 1 is the current one: its relief ended on d8 (7 days), but only series 0 is
    # earlier, and one earlier relief is not enough
    assert [(s["pain"]["relief_days"], s["pain"]["censored"]) for s in result["series"]] == [
        (5, False),
        (7, False),
    ]
    assert result["booster_hint"] is None


def test_booster_hint_leaves_out_reliefs_of_no_days() -> None:
    # series 10, 30 and 50 relieve for 5, 0 and 7 days (all ended); 70 is the current one.
    # A relief of 0 days is no relief to wait for: the median is of 5 and 7, not 5, 0, 7
    pain, sessions = booster_scene((4, 0, 6), today=73)
    result = trends(logged(pain=pain), sessions, today=73)
    reliefs = [(s["pain"]["relief_days"], s["pain"]["censored"]) for s in result["series"]]
    assert reliefs == [(5, False), (0, False), (7, False), (3, True)]
    assert result["booster_hint"] == {"metric": "pain", "median_relief_days": 6, "day": 3}


# --- The response as a whole ---------------------------------------------------------


def test_response_shape_is_json_ready() -> None:
    days = logged(pain={**same(8, 3, 9), 11: 2}, mood={**same(4, 3, 9), 11: 7})
    result = trends(days, [session(10, "t-1")], today=11)
    assert list(result) == ["days", "series", "sessions", "booster_hint"]
    assert list(result["series"][0]) == [
        "index",
        "start_date",
        "end_date",
        "treatment_ids",
        "pain",
        "mood",
    ]
    assert list(result["series"][0]["pain"]) == M_KEYS
    assert list(result["series"][0]["mood"]) == MOOD_KEYS
    assert list(result["sessions"][0]) == ["treatment_id", "series_index", "pain", "mood"]
    assert list(result["sessions"][0]["mood"]) == SESSION_MOOD_KEYS
    assert json.loads(json.dumps(result)) == result


def test_nothing_logged_nothing_scheduled() -> None:
    assert compute_trends([], [], today=D0) == {
        "days": [],
        "series": [],
        "sessions": [],
        "booster_hint": None,
    }


def test_two_entries_for_one_date_are_refused() -> None:
    with pytest.raises(ValueError, match="two entries for 2026-03-01"):
        compute_trends([DayScores(D0, pain=1), DayScores(D0, mood=2)], [], today=D0)


def test_sessions_after_today_are_not_analysed() -> None:
    days = logged(pain={**same(8, 3, 9), **same(2, 11, 20)})
    result = trends(days, [session(10), session(21)], today=20)
    assert [s["treatment_ids"] for s in result["series"]] == [["s10"]]
    assert [s["treatment_id"] for s in result["sessions"]] == ["s10"]
    assert pain_of_series(result)["relief_days"] == 10  # through today, censored


# --- A worked story ------------------------------------------------------------------


def test_a_worked_story_of_three_series() -> None:
    """Eight weeks of one patient, worked out by hand, touching each of DESIGN.md's rules.

    Today is day 53. Sessions on days 10 (series A), 30 (B), 50 (C) and 54, which is
    tomorrow. Pain (- = not logged):

        days  3..9   8 8 8 8 8 8 8      A's baseline 8, relief limit 5.6
        days 11..18  2 7 7 - 1 7 7 8    A's after-days (11..17), then relief ends
        days 19..22  8 8 8 8
        days 23..29  - - - 8 8 8 7      B's baseline 31/4 = 7.75, limit 5.425
        days 31..37  5 5 5 5 6 6 6      B's after-days
        days 38..49  8 ... 8            C's baseline (43..49) 8, limit 5.6
        days 51..52  2 10               C's after-days; day 53 (today) not logged yet
        day  54      9                  tomorrow

    Mood is 10 (severity 0) on days 3..9 and 8 (severity 2) on days 11..13, nowhere else.
    """
    pain = {
        **same(8, 3, 9),
        **{11: 2, 12: 7, 13: 7, 15: 1, 16: 7, 17: 7, 18: 8},
        **same(8, 19, 22),
        **{26: 8, 27: 8, 28: 8, 29: 7},
        **same(5, 31, 34),
        **same(6, 35, 37),
        **same(8, 38, 49),
        **{51: 2, 52: 10, 54: 9},
    }
    mood = {**same(10, 3, 9), **same(8, 11, 13)}
    sessions = [session(10), session(30), session(50), session(54)]
    result = trends(logged(pain=pain, mood=mood), sessions, today=53)

    # Rule 1, nothing after today: session 54 would join series C (4 days after 50) and
    # end it on day 54, and the entry on day 54 would have a 7-day average. Neither counts.
    assert [s["treatment_ids"] for s in result["series"]] == [["s10"], ["s30"], ["s50"]]
    assert [s["treatment_id"] for s in result["sessions"]] == ["s10", "s30", "s50"]
    rows = {row["date"]: row for row in result["days"]}
    assert rows[day(54).isoformat()]["pain_avg7"] is None
    # day 52: days 46..52 hold 8, 8, 8, 8, 2, 10 -> 44 / 6 = 7.33
    assert rows[day(52).isoformat()]["pain_avg7"] == 7.33

    a, b, c = (s["pain"] for s in result["series"])
    # Series A. After: days 11..17 = 2 + 7 + 7 + 1 + 7 + 7 = 31 over 6 logged = 5.17;
    # change 31/6 - 8 = -17/6 = -2.83 points, -35.4 %: moderate, a response.
    # Rule 2, relief ends only on a logged day: d1 [2] = 2, d2 [2, 7] = 4.5,
    # d3 [2, 7, 7] = 5.33; d4 (day 14) is unlogged and decides nothing (its window [7, 7]
    # would be 7 > 5.6); d5 [7, 1] = 4, d6 [1, 7] = 4, d7 [1, 7, 7] = 5 hold;
    # d8 [7, 7, 8] = 7.33 > 5.6 ends it: relief held through d7.
    assert a == {
        "baseline": 8.0,
        "after": 5.17,
        "change_abs": -2.83,
        "change_pct": -35.4,
        "category": "moderate",
        "response": True,
        "relief_days": 7,
        "censored": False,
    }
    # Series B. After: days 31..37 = 38 / 7 = 5.43; change 38/7 - 31/4 = -65/28 = -2.32.
    # Rule 5, one reading: 100 * (-65/28) / (31/4) = -29.954.. % is shown as -30.0 %, and
    # so reads "moderate" and a response, not "minimal".
    # Relief: d1..d4 [5..] = 5, d5 [5, 5, 6] = 5.33 hold; d6 [5, 6, 6] = 5.67 > 5.425.
    assert b == {
        "baseline": 7.75,
        "after": 5.43,
        "change_abs": -2.32,
        "change_pct": -30.0,
        "category": "moderate",
        "response": True,
        "relief_days": 5,
        "censored": False,
    }
    # Series C. Rule 4: its after-days 51 and 52 are only 2 logged days, so the series has
    # no After (the session itself does: (2 + 10) / 2 = 6, -25 %). Relief needs only the
    # baseline: d1 [2] holds, d2 [2, 10] = 6 > 5.6 ends it after 1 day.
    assert c == {"baseline": 8.0, **NOTHING, "relief_days": 1, "censored": False}
    assert result["sessions"][2]["pain"] == {
        "after": 6.0,
        "change_abs": -2.0,
        "change_pct": -25.0,
        "category": "minimal",
        "response": False,
    }

    # Rule 6: A's mood baseline is severity 0 (mood 10 all week): nothing to relieve. Its
    # After (mood 8, severity 2, on days 11..13) and the change in points remain, as logged.
    assert result["series"][0]["mood"] == {
        "baseline": 10.0,
        **MOOD_NOTHING,
        "after": 8.0,
        "change_abs": -2.0,
        "relief_days": None,
        "censored": None,
    }

    # Rule 3: the median is of the earlier series A (7 days) and B (5), never of the
    # current C (1 day, ended): 6. Today, day 53, is day 3 after C's session.
    assert result["booster_hint"] == {"metric": "pain", "median_relief_days": 6, "day": 3}


# --- Properties -------------------------------------------------------------------

SCORES = st.none() | st.integers(min_value=0, max_value=10)
# Mostly logged, sometimes not, so that baselines, reliefs and gaps all occur often.
USUAL_SCORES = st.integers(min_value=-2, max_value=10).map(lambda n: None if n < 0 else n)


@st.composite
def histories(draw: st.DrawFn) -> tuple[list[DayScores], list[SessionMark], date]:
    """Up to two months of entries with gaps, up to 6 sessions, and a today near them."""
    start = draw(st.dates(min_value=date(1990, 1, 1), max_value=date(2090, 1, 1)))
    span = draw(st.integers(min_value=0, max_value=60))
    logging_rate = draw(st.integers(min_value=0, max_value=10))  # days out of 10
    days = [
        DayScores(start + timedelta(days=n), pain=draw(USUAL_SCORES), mood=draw(USUAL_SCORES))
        for n in range(span + 1)
        if draw(st.integers(min_value=0, max_value=9)) < logging_rate
    ]
    sessions = []
    for number, offset in enumerate(draw(st.lists(st.integers(0, span), max_size=6))):
        local_date = start + timedelta(days=offset)
        hour = datetime.time(draw(st.integers(0, 23)))
        started_at = datetime.datetime.combine(local_date, hour, tzinfo=UTC)
        sessions.append(SessionMark(f"t{number}", local_date, started_at))
    today = start + timedelta(days=draw(st.integers(0, span + 10)))
    return days, sessions, today


def shifted_result(result: dict, shift: timedelta) -> dict:
    """The result with every date in it moved by ``shift``."""

    def move(value):
        if isinstance(value, dict):
            return {
                key: (date.fromisoformat(item) + shift).isoformat()
                if key in ("date", "start_date", "end_date")
                else move(item)
                for key, item in value.items()
            }
        if isinstance(value, list):
            return [move(item) for item in value]
        return value

    return move(result)


NINE = datetime.time(9)
PROPERTY = settings(max_examples=150, deadline=None)


@PROPERTY
@given(histories(), st.data())
def test_input_order_does_not_matter(history: tuple, data: st.DataObject) -> None:
    days, sessions, today = history
    shuffled_days = data.draw(st.permutations(days))
    shuffled_sessions = data.draw(st.permutations(sessions))
    assert compute_trends(shuffled_days, shuffled_sessions, today=today) == compute_trends(
        days, sessions, today=today
    )


@PROPERTY
@given(histories(), st.integers(min_value=800, max_value=5000), SCORES, SCORES)
def test_a_far_away_day_changes_no_analysis(
    history: tuple, years_before: int, pain: int | None, mood: int | None
) -> None:
    days, sessions, today = history
    first = min([d.date for d in days] + [s.local_date for s in sessions] + [today])
    far_away = DayScores(first - timedelta(days=years_before), pain=pain, mood=mood)
    before = compute_trends(days, sessions, today=today)
    after = compute_trends([*days, far_away], sessions, today=today)
    for key in ("series", "sessions", "booster_hint"):
        assert after[key] == before[key]
    assert after["days"][1:] == before["days"]


@PROPERTY
@given(histories(), st.integers(min_value=-3000, max_value=3000))
def test_moving_every_date_moves_the_results(history: tuple, shift_days: int) -> None:
    days, sessions, today = history
    shift = timedelta(days=shift_days)
    moved = compute_trends(
        [DayScores(d.date + shift, pain=d.pain, mood=d.mood) for d in days],
        [SessionMark(s.id, s.local_date + shift, s.started_at + shift) for s in sessions],
        today=today + shift,
    )
    assert moved == shifted_result(compute_trends(days, sessions, today=today), shift)


@PROPERTY
@given(
    st.dates(min_value=date(2000, 1, 1), max_value=date(2050, 1, 1)),
    st.integers(min_value=1, max_value=10),
    st.integers(min_value=0, max_value=9),
    st.integers(min_value=14, max_value=60),
    st.lists(st.integers(min_value=7, max_value=60), min_size=1, max_size=6),
)
def test_flat_scores_mean_no_change_and_no_relief(
    start: date, pain: int, mood: int, span: int, session_offsets: list[int]
) -> None:
    days = [DayScores(start + timedelta(days=n), pain=pain, mood=mood) for n in range(span + 1)]
    session_dates = [start + timedelta(days=min(offset, span)) for offset in session_offsets]
    sessions = [
        SessionMark(f"t{number}", local_date, datetime.datetime.combine(local_date, NINE, UTC))
        for number, local_date in enumerate(session_dates)
    ]
    result = compute_trends(days, sessions, today=start + timedelta(days=span))
    changes = [s[m] for s in result["series"] + result["sessions"] for m in ("pain", "mood")]
    for change in changes:
        if change["after"] is not None:
            assert change["change_abs"] == 0.0
            assert change.get("change_pct", change.get("toward_best_pct")) == 0.0
            assert change["category"] == "none"
            assert change["response"] is False
    for series in result["series"]:
        for metric in ("pain", "mood"):
            assert series[metric]["baseline"] is not None  # a full week before offset 7
            assert series[metric]["relief_days"] == 0  # day 1 is already at baseline


@PROPERTY
@given(histories())
def test_relief_never_outlasts_the_observed_data(history: tuple) -> None:
    days, sessions, today = history
    result = compute_trends(days, sessions, today=today)
    for metric in ("pain", "mood"):
        observed = [d.date for d in days if d.date <= today and getattr(d, metric) is not None]
        data_end = max(observed, default=None)
        for series in result["series"]:
            relief_days = series[metric]["relief_days"]
            if relief_days is None:
                assert series[metric]["censored"] is None
                continue
            last_session = date.fromisoformat(series["end_date"])
            observed_days = 0 if data_end is None else (data_end - last_session).days
            assert 0 <= relief_days <= max(0, observed_days)


def category_of(change_pct: float) -> str:
    """The IMMPACT category of a percentage as shown, read as a person would."""
    for limit, name in ((50, "substantial"), (30, "moderate"), (10, "minimal")):
        if -change_pct >= limit:
            return name
    return "none"


@PROPERTY
@given(histories())
def test_category_and_response_agree_with_the_shown_percentage(history: tuple) -> None:
    days, sessions, today = history
    result = compute_trends(days, sessions, today=today)
    for row in result["series"] + result["sessions"]:
        for metric, response_limit in (("pain", 30), ("mood", 50)):
            change = row[metric]
            shown = change[PERCENT[metric]]
            if shown is None:
                assert change["category"] is None and change["response"] is None
                continue
            # Pain's change is read downwards (-30.0 % lower), mood's share upwards (+50.0 %
            # of the way to 10): the same verdicts, each read the way its number points.
            reduction = -shown if metric == "pain" else shown
            assert shown == round(shown, 1)
            assert change["category"] == category_of(-reduction)
            assert change["response"] == (reduction >= response_limit)


def _tenth(value: float) -> Decimal:
    return Decimal(str(value))


@PROPERTY
@given(histories())
def test_shown_mood_is_ten_minus_the_severity_numbers(history: tuple) -> None:
    """The same history with pain set to each day's mood severity (10 - mood) gives the
    severity numbers as pain; mood's shown numbers are exactly 10 minus them (points
    negated, the share of the way to 10 the severity's reduction), with the same verdicts."""
    days, sessions, today = history
    result = compute_trends(days, sessions, today=today)
    as_pain = compute_trends(
        [DayScores(d.date, pain=None if d.mood is None else 10 - d.mood) for d in days],
        sessions, today=today)
    pairs = [(mine["mood"], theirs["pain"]) for mine, theirs in
             zip(result["series"] + result["sessions"],
                 as_pain["series"] + as_pain["sessions"], strict=True)]
    for mood, severity_row in pairs:
        for key in ("baseline", "after"):
            if key in severity_row:
                assert (mood[key] is None) == (severity_row[key] is None)
                if mood[key] is not None:
                    assert _tenth(mood[key]) == 10 - _tenth(severity_row[key])
        for mine, theirs in ((mood["change_abs"], severity_row["change_abs"]),
                             (mood["toward_best_pct"], severity_row["change_pct"])):
            assert mine == (None if theirs is None else -theirs)
        assert mood["category"] == severity_row["category"]
        assert mood.get("relief_days") == severity_row.get("relief_days")


@PROPERTY
@given(histories())
def test_relief_is_counted_to_a_logged_day(history: tuple) -> None:
    days, sessions, today = history
    result = compute_trends(days, sessions, today=today)
    for metric in ("pain", "mood"):
        logged_dates = {d.date for d in days if getattr(d, metric) is not None}
        for series in result["series"]:
            relief_days = series[metric]["relief_days"]
            if relief_days:
                last_relieved = date.fromisoformat(series["end_date"]) + timedelta(relief_days)
                assert last_relieved in logged_dates


@PROPERTY
@given(histories())
def test_a_series_reports_its_last_sessions_change_or_nothing(history: tuple) -> None:
    days, sessions, today = history
    result = compute_trends(days, sessions, today=today)
    for series in result["series"]:
        last = next(
            s for s in result["sessions"] if s["treatment_id"] == series["treatment_ids"][-1]
        )
        for metric, keys, nothing in (("pain", SESSION_M_KEYS, NOTHING),
                                      ("mood", SESSION_MOOD_KEYS, MOOD_NOTHING)):
            change = {key: series[metric][key] for key in keys}
            # the same After, unless it rests on fewer than 3 logged days
            assert change in (last[metric], nothing)
