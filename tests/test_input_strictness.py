"""Client input is read exactly as documented or refused with a 4xx problem+json naming
the field: never a 500 (nothing logged at ERROR), never silently coerced, nothing stored.
(Outside security review, issue 11, findings 6 and 7.)"""

from __future__ import annotations

import logging
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from api.fields import StrictDate


def assert_refused(response, status: int, field: str) -> dict:
    assert response.status_code == status, response.get_data(as_text=True)[:500]
    assert response.content_type == "application/problem+json"
    body = response.get_json()
    assert {"type", "title", "status", "detail", "errors"} <= set(body)
    assert body["status"] == status and field in body["errors"], body
    assert all(isinstance(m, str) for m in body["errors"][field])
    return body


@pytest.fixture(autouse=True)
def nothing_logged_at_error(caplog):
    """A refused request is the client's mistake: no traceback in the server's log."""
    caplog.set_level(logging.WARNING)
    yield
    errors = [r for r in caplog.get_records("call") if r.levelno >= logging.ERROR]
    assert not errors, [r.getMessage() for r in errors]


RANGE_PATHS = ["/api/v1/entries", "/api/v1/treatments", "/api/v1/trends",
               "/api/v1/export/entries.csv", "/api/v1/export/treatments.csv",
               "/api/v1/export/fhir"]


@pytest.mark.parametrize("path", RANGE_PATHS)
@pytest.mark.parametrize(("query", "field"), [
    ("to=0001-01-01", "to"), ("from=0001-01-01", "from"), ("to=1899-12-31", "to"),
    ("from=0001-01-01&to=0001-01-02", "from"), ("from=1899-12-31&to=1900-01-31", "from"),
])
def test_dates_before_1900_in_a_range_are_422(alice, path, query, field):
    assert_refused(alice.get(f"{path}?{query}"), 422, field)


@pytest.mark.parametrize("path", RANGE_PATHS)
def test_a_range_ending_in_1900_starts_no_earlier(alice, path):
    # The default start (90 days before `to`) is not allowed to fall before 1900 either.
    assert alice.get(f"{path}?to=1900-01-01").status_code == 200
    if path == "/api/v1/trends":
        assert alice.get(f"{path}?to=1900-01-01").get_json()["from"] == "1900-01-01"


NOT_YYYY_MM_DD = ["2026-W01-1", "2026-W011", "2026-001", "20260101", "2026-1-01", "２０２６-01-01",
                  "2026-01-01T00:00", "+2026-01-01", "2026-02-30", "2026-13-01", " 2026-01-01",
                  "0001-01-01", "1899-12-31"]


@pytest.mark.parametrize("day", NOT_YYYY_MM_DD)
def test_a_path_date_is_yyyy_mm_dd_and_nothing_else(alice, day):
    assert_refused(alice.put(f"/api/v1/entries/{day}", json={"pain": 3}), 422, "date")
    assert_refused(alice.get(f"/api/v1/entries/{day}"), 422, "date")
    assert_refused(alice.delete(f"/api/v1/entries/{day}"), 422, "date")
    assert_refused(alice.get(f"/api/v1/entries/{day}/history"), 422, "date")
    stored = alice.get("/api/v1/entries?from=1900-01-01&to=1910-02-01").get_json()["items"]
    stored += alice.get("/api/v1/entries?from=2025-12-01&to=2026-03-01").get_json()["items"]
    assert stored == []


@pytest.mark.parametrize("day", NOT_YYYY_MM_DD)
@pytest.mark.parametrize("param", ["from", "to"])
def test_a_query_date_is_yyyy_mm_dd_and_nothing_else(alice, day, param):
    for path in RANGE_PATHS:
        assert_refused(alice.get(path, query_string={param: day}), 422, param)


@pytest.mark.parametrize("day", NOT_YYYY_MM_DD)
@pytest.mark.parametrize("param", ["from", "to"])
def test_a_share_range_is_yyyy_mm_dd_and_nothing_else(alice, day, param):
    assert_refused(alice.post("/api/v1/shares", json={"label": "Dr. R", param: day}), 422, param)
    assert alice.get("/api/v1/shares").get_json()["items"] == []


@given(st.dates(min_value=date(1900, 1, 1)))
def test_every_calendar_date_from_1900_is_read(day):
    from api.fields import iso_date

    assert iso_date(day.isoformat()) == day
    assert StrictDate().deserialize(day.isoformat()) == day


@given(st.text(max_size=12))
def test_a_date_is_read_only_when_it_is_yyyy_mm_dd(text):
    from api.fields import iso_date

    try:
        day = iso_date(text)
    except ValueError:
        return
    assert day.isoformat() == text and day >= date(1900, 1, 1)


