"""GET /trends: the analysis through HTTP, owner-scoped and independent of the window."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta

INFUSION = {"route": "iv_infusion", "dose_mg": 35}


def log_days(client, start: date, scores: list[tuple[int | None, int | None]]):
    for offset, (pain, mood) in enumerate(scores):
        if pain is None and mood is None:
            continue
        day = start + timedelta(days=offset)
        assert client.put(f"/api/v1/entries/{day}", json={"pain": pain, "mood": mood}
                          ).status_code == 201


def session(client, when: str) -> str:
    tid = str(uuid.uuid4())
    assert client.put(f"/api/v1/treatments/{tid}", json={**INFUSION, "started_at": when}
                      ).status_code == 201
    return tid


def test_trends_series_and_markers(alice):
    # A week at pain 8 / mood 2, an infusion on 03-08, then a week at pain 4 / mood 6.
    log_days(alice, date(2026, 3, 1), [(8, 2)] * 7)
    tid = session(alice, "2026-03-08T10:00:00Z")
    log_days(alice, date(2026, 3, 9), [(4, 6)] * 7)
    body = alice.get("/api/v1/trends?from=2026-03-01&to=2026-03-20").get_json()
    assert body["from"] == "2026-03-01" and body["to"] == "2026-03-20"
    assert len(body["days"]) == 14 and body["days"][6]["pain_avg7"] == 8.0
    assert [t["id"] for t in body["treatments"]] == [tid]
    pain = body["series"][0]["pain"]
    # baseline 8, after 4: (4 - 8) / 8 = -50 % -> substantial, a response.
    assert (pain["baseline"], pain["after"], pain["change_pct"]) == (8.0, 4.0, -50.0)
    assert pain["category"] == "substantial" and pain["response"] is True
    mood = body["series"][0]["mood"]
    # Mood as logged, 2 before and 6 after: up 4 of the 8 points to 10, half-way (the
    # severity 10 - mood fell 8 -> 4, -50 %): a response.
    assert (mood["baseline"], mood["after"], mood["change_abs"], mood["toward_best_pct"]) == (
        2.0, 6.0, 4.0, 50.0)
    assert mood["category"] == "substantial" and mood["response"] is True
    assert body["sessions"][0]["treatment_id"] == tid


def test_mood_is_shown_as_logged_through_http(alice):
    """Issue 21, item 1: mood rose from 2.43 to 7.67 (worked in tests/test_analysis.py),
    so it reads "up 5.24 points, 69.2 % of the way to 10", not "7.57 -> 2.33, -69.2 %"."""
    log_days(alice, date(2026, 3, 1), [(None, m) for m in (2, 2, 3, 2, 3, 3, 2)])
    tid = session(alice, "2026-03-08T10:00:00Z")
    log_days(alice, date(2026, 3, 9), [(None, 8), (None, 8), (None, 7)])
    body = alice.get("/api/v1/trends?from=2026-03-01&to=2026-03-20").get_json()
    mood = body["series"][0]["mood"]
    assert {key: mood[key] for key in ("baseline", "after", "change_abs", "toward_best_pct",
                                       "category", "response")} == {
        "baseline": 2.43, "after": 7.67, "change_abs": 5.24, "toward_best_pct": 69.2,
        "category": "substantial", "response": True}
    assert "change_pct" not in mood
    assert body["sessions"][0] == {"treatment_id": tid, "series_index": 0, "pain": {
        "after": None, "change_abs": None, "change_pct": None, "category": None,
        "response": None}, "mood": {"after": 7.67, "change_abs": 5.24,
                                    "toward_best_pct": 69.2, "category": "substantial",
                                    "response": True}}


def test_numbers_do_not_depend_on_the_window(alice):
    log_days(alice, date(2026, 3, 1), [(8, 2)] * 7)
    session(alice, "2026-03-08T10:00:00Z")
    log_days(alice, date(2026, 3, 9), [(4, 6)] * 7)
    wide = alice.get("/api/v1/trends?from=2026-02-01&to=2026-03-31").get_json()
    narrow = alice.get("/api/v1/trends?from=2026-03-10&to=2026-03-12").get_json()
    assert narrow["series"] == wide["series"]
    assert [d["date"] for d in narrow["days"]] == ["2026-03-10", "2026-03-11", "2026-03-12"]
    assert narrow["treatments"] == []  # the session itself is outside the window


def test_session_late_in_the_evening_belongs_to_the_local_date(patient):
    chicago = patient(timezone="America/Chicago")
    session(chicago, "2026-02-08T23:30:00-06:00")  # 05:30 UTC on 02-09
    body = chicago.get("/api/v1/trends?from=2026-02-01&to=2026-02-20").get_json()
    assert body["treatments"][0]["local_date"] == "2026-02-08"
    assert body["series"][0]["start_date"] == "2026-02-08"


def test_missing_data_is_null_not_zero(alice):
    session(alice, "2026-03-08T10:00:00Z")
    body = alice.get("/api/v1/trends?from=2026-03-01&to=2026-03-20").get_json()
    pain = body["series"][0]["pain"]
    assert pain["baseline"] is None and pain["change_pct"] is None
    assert body["booster_hint"] is None and body["days"] == []


def test_trends_are_private(alice, bob, client):
    log_days(alice, date(2026, 3, 1), [(8, 2)] * 7)
    session(alice, "2026-03-08T10:00:00Z")
    body = bob.get("/api/v1/trends?from=2026-03-01&to=2026-03-20").get_json()
    assert body["days"] == [] and body["treatments"] == [] and body["series"] == []
    assert client.get("/api/v1/trends").status_code == 401


def test_trends_range_validation(alice):
    assert alice.get("/api/v1/trends?from=2026-03-10&to=2026-03-01").status_code == 422
    assert alice.get("/api/v1/trends?from=1990-01-01&to=2026-03-01").status_code == 422
    assert alice.get("/api/v1/trends?days=30").status_code == 422


def test_openapi_documents_each_rule(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    metric = spec["components"]["schemas"]["SeriesMetric"]["properties"]
    assert "70 %" in metric["relief_days"]["description"]
    assert "7 days before" in metric["baseline"]["description"]
    mood = spec["components"]["schemas"]["SeriesMood"]["properties"]
    assert "as logged" in mood["baseline"]["description"]
    assert "of the way from baseline to 10" in mood["toward_best_pct"]["description"]
    assert "/api/v1/trends" in spec["paths"]


def test_nothing_dated_after_today_is_analysed(alice, monkeypatch):
    # Today is 2026-03-20 for the patient; the API accepts tomorrow, 03-21.
    monkeypatch.setattr("api.calendar.utcnow", lambda: datetime(2026, 3, 20, 12, tzinfo=UTC))
    log_days(alice, date(2026, 3, 1), [(8, 2)] * 7)
    today_session = session(alice, "2026-03-08T10:00:00Z")
    log_days(alice, date(2026, 3, 9), [(4, 6)] * 13)  # 03-09 .. 03-21 (tomorrow)
    tomorrow_session = session(alice, "2026-03-21T09:00:00Z")
    body = alice.get("/api/v1/trends?from=2026-03-01&to=2026-03-21").get_json()
    # Tomorrow is shown as logged and as a session marker...
    assert [t["id"] for t in body["treatments"]] == [today_session, tomorrow_session]
    assert body["days"][-1]["date"] == "2026-03-21" and body["days"][-1]["pain"] == 4
    # ...but analysed nowhere: no 7-day average, no series, no session row.
    assert body["days"][-1]["pain_avg7"] is None and body["days"][-2]["pain_avg7"] == 4.0
    assert [s["treatment_ids"] for s in body["series"]] == [[today_session]]
    assert [s["treatment_id"] for s in body["sessions"]] == [today_session]
    pain = body["series"][0]["pain"]
    # Relief through today (day 12 after the session), still going: at least 12 days.
    assert (pain["relief_days"], pain["censored"]) == (12, True)
