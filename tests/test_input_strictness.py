"""Client input is read exactly as documented or refused with a 4xx problem+json naming
the field: never a 500 (nothing logged at ERROR), never silently coerced, nothing stored.
(Outside security review, issue 11, findings 6 and 7.)"""

from __future__ import annotations

import http.client
import io
import json
import logging
import math
import uuid
from datetime import date, datetime, timedelta, timezone

import pytest
import requests
from flask import request
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from marshmallow import ValidationError
from werkzeug.exceptions import BadRequest

from api.fields import AwareDateTime, StrictDate
from tests.conftest import PASSWORD
from tests.support.live_server import live_server

SESSION = {"started_at": "2026-03-02T09:30:00-06:00", "route": "iv_infusion"}


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


def treatments_of(client) -> list:
    return client.get("/api/v1/treatments?from=1900-01-01&to=1909-01-01").get_json()["items"] \
        + client.get("/api/v1/treatments").get_json()["items"]


# --- finding 6: 500s from client input ----------------------------------------------------

EXTREME_STARTS = ["0001-01-01T00:00:00+01:00", "9999-12-31T23:59:59-01:00",
                  "0001-01-01T05:00:00Z", "9999-12-31T20:59:59Z", "0001-01-01T00:00:00Z"]


def assert_started_at_refused(client, started_at: str) -> None:
    """PUT and POST both answer 422 naming started_at, and nothing is stored."""
    tid = uuid.uuid4()
    assert_refused(client.put(f"/api/v1/treatments/{tid}",
                              json={**SESSION, "started_at": started_at}), 422, "started_at")
    assert_refused(client.post("/api/v1/treatments", json={**SESSION, "started_at": started_at}),
                   422, "started_at")
    assert client.get(f"/api/v1/treatments/{tid}").status_code == 404
    assert treatments_of(client) == []


@pytest.mark.parametrize("timezone_name", ["UTC", "Pacific/Kiritimati", "America/Chicago"])
@pytest.mark.parametrize("started_at", EXTREME_STARTS)
def test_started_at_at_the_ends_of_time_is_422(patient, timezone_name, started_at):
    assert_started_at_refused(patient(timezone=timezone_name), started_at)


RANGE_PATHS = ["/api/v1/entries", "/api/v1/treatments", "/api/v1/trends",
               "/api/v1/export/entries.csv", "/api/v1/export/treatments.csv",
               "/api/v1/export/fhir", "/api/v1/responses", "/api/v1/export/questionnaires.csv"]


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


DEEP = "[" * 20_000
WIDE_INT = "9" * 5_000
HOSTILE_BODIES = [
    (DEEP, "body"),
    ('{"pain": ' + DEEP, "body"),
    ("{" + '"a":{' * 12_000, "body"),
    ('{"pain": ' + WIDE_INT + "}", "pain"),
    ('{"pain": -' + WIDE_INT + "}", "pain"),
    ('{"tags": [1, ' + WIDE_INT + "]}", "tags.1"),
    ('{"email": "a@example.org", "password": ' + WIDE_INT + "}", "password"),
    (WIDE_INT, "body"),
    ("[" + WIDE_INT + "]", "body"),
]
# Fixed ids: every xdist worker must collect the same test ids.
SESSION_ID = "3f1c2a9e-5b7d-4e61-9a0c-2d8e4b6f7a13"
MEDICATION_ID = "7c2e9b14-0a6f-4d3b-8e51-9f4a2c6d1b08"
BODY_ENDPOINTS = [
    ("PUT", "/api/v1/entries/2026-03-01"), ("PUT", f"/api/v1/treatments/{SESSION_ID}"),
    ("POST", "/api/v1/treatments"), ("POST", "/api/v1/shares"), ("PATCH", "/api/v1/me"),
    ("POST", "/api/v1/tokens"), ("POST", "/api/v1/me/password"),
    ("PUT", f"/api/v1/medications/{MEDICATION_ID}"), ("PUT", "/api/v1/bladder-checks/2026-03-01"),
]
ANONYMOUS_ENDPOINTS = [("POST", "/api/v1/auth/login"), ("POST", "/api/v1/auth/register"),
                       ("POST", "/api/v1/auth/reset"), ("POST", "/api/v1/shared/session")]


@pytest.mark.parametrize(("raw", "field"), HOSTILE_BODIES,
                         ids=[f"{raw[:12]}…{len(raw)}" for raw, _ in HOSTILE_BODIES])
@pytest.mark.parametrize(("method", "path"), BODY_ENDPOINTS)
def test_hostile_json_is_400_for_a_patient(alice, method, path, raw, field):
    response = alice.open(path, method=method, data=raw, content_type="application/json")
    assert_refused(response, 400, field)
    assert alice.get("/api/v1/entries/2026-03-01").status_code == 404
    assert treatments_of(alice) == []


@pytest.mark.parametrize(("raw", "field"), HOSTILE_BODIES,
                         ids=[f"{raw[:12]}…{len(raw)}" for raw, _ in HOSTILE_BODIES])
@pytest.mark.parametrize(("method", "path"), ANONYMOUS_ENDPOINTS)
def test_hostile_json_is_400_without_an_account(client, method, path, raw, field):
    response = client.open(path, method=method, data=raw, content_type="application/json")
    assert_refused(response, 400, field)


@pytest.mark.parametrize("raw", [DEEP, WIDE_INT, '{"pain": ' + WIDE_INT + "}",
                                 '{"pain": 1, "pain": 2}', "\xff", '{"pain": 1'])
def test_flask_get_json_uses_the_same_strict_loader(app, raw):
    """Code that reads request.get_json() sees the body exactly as the schemas do."""
    with app.test_request_context("/api/v1/entries/2026-03-01", method="PUT",
                                  data=raw.encode("latin-1"), content_type="application/json"):
        assert request.get_json(silent=True) is None
        with pytest.raises(BadRequest):
            request.get_json()


# --- finding 7: silent coercion -------------------------------------------------------------

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


NOT_RFC_3339 = [
    "2026-03-01T09:30:00+00:00:30",  # seconds in the offset
    "20260301T093000Z",  # basic format
    "2026-03-01 09:30:00Z",  # space separator
    "2026-03-01T09:30:00.1234567Z",  # a 7th fraction digit (was truncated)
    "2026-03-01T09:30Z", "2026-03-01T09Z",  # no seconds
    "2026-03-01T09:30:00+0100", "2026-03-01T09:30:00+01",  # offset not ±HH:MM
    "2026-03-01T09:30:00,5Z", "2026-03-01T09:30:00.Z",  # decimal comma, empty fraction
    "2026-W09-7T09:30:00Z", "2026-060T09:30:00Z",  # week and ordinal dates
    "2026-03-01T24:00:00Z", "2026-03-01T09:60:00Z", "2026-03-01T09:30:60Z",
    "2026-03-01T09:30:00+24:00", "2026-03-01T09:30:00+05:60",
    " 2026-03-01T09:30:00Z", "2026-03-01T09:30:00Z ", "2026-03-01T09:30:00Z\n",
    "2026-03-01T09:30:00", "2026-03-01", "２０２６-03-01T09:30:00Z",
]


@pytest.mark.parametrize("started_at", NOT_RFC_3339)
def test_started_at_is_rfc_3339_and_nothing_else(alice, started_at):
    assert_started_at_refused(alice, started_at)


@pytest.mark.parametrize(("started_at", "stored"), [
    ("2026-03-01T09:30:00Z", "2026-03-01T09:30:00+00:00"),
    ("2026-03-01T09:30:00.5+01:00", "2026-03-01T08:30:00.500000+00:00"),
    ("2026-03-01T09:30:00.123456-05:30", "2026-03-01T15:00:00.123456+00:00"),
    ("2026-03-01T09:30:00-00:00", "2026-03-01T09:30:00+00:00"),
    # RFC 3339 section 5.6: "T" and "Z" may be written in lower case.
    ("2026-03-01t09:30:00z", "2026-03-01T09:30:00+00:00"),
])
def test_rfc_3339_started_at_is_stored_exactly(alice, started_at, stored):
    response = alice.post("/api/v1/treatments", json={**SESSION, "started_at": started_at})
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["started_at"] == stored


def test_duplicate_keys_are_400_naming_the_key(alice, client):
    response = alice.put("/api/v1/entries/2026-03-01", data='{"pain": 3, "pain": 4}',
                         content_type="application/json")
    assert_refused(response, 400, "pain")
    assert alice.get("/api/v1/entries/2026-03-01").status_code == 404
    response = alice.post("/api/v1/treatments", content_type="application/json",
                          data='{"started_at": "2026-03-01T09:30:00Z", "route": "oral", '
                               '"route": "iv_infusion"}')
    assert_refused(response, 400, "route")
    assert treatments_of(alice) == []
    response = client.post("/api/v1/auth/register", content_type="application/json", data=(
        f'{{"email": "one@example.org", "password": "{PASSWORD}", "email": "two@example.org"}}'))
    assert_refused(response, 400, "email")
    nested = alice.put("/api/v1/entries/2026-03-01", content_type="application/json",
                       data='{"pain": 3, "x": {"y": 1, "y": 2}}')
    assert_refused(nested, 400, "y")


@pytest.mark.parametrize("blank", [" ", "   ", "\t", " \n "])
def test_a_blank_tag_is_422(alice, blank):
    response = alice.put("/api/v1/entries/2026-03-01", json={"pain": 3, "tags": ["ok", blank]})
    assert_refused(response, 422, "tags.1")
    assert alice.get("/api/v1/entries/2026-03-01").status_code == 404


def test_negative_zero_sleep_is_stored_as_zero(alice):
    response = alice.put("/api/v1/entries/2026-03-01", data='{"sleep_hours": -0.0}',
                         content_type="application/json")
    assert response.status_code == 201
    for body in (response.get_json(), alice.get("/api/v1/entries/2026-03-01").get_json()):
        assert body["sleep_hours"] == 0 and math.copysign(1, body["sleep_hours"]) == 1
    assert '"sleep_hours":0.0' in alice.get("/api/v1/entries/2026-03-01").get_data(as_text=True)
    assert ",0.0," in alice.get("/api/v1/export/entries.csv").get_data(as_text=True)


# Bodies without Content-Length: a server that de-chunks the request (gunicorn, werkzeug's
# own) says so with wsgi.input_terminated; the test client does not, so we set it as they do.
TERMINATED = {"wsgi.input_terminated": True}
PADDED = b'{"pain": 1}' + b" " * (70 * 1024)  # valid JSON even when cut at 64 KiB


def send_chunked(client, path: str, body: bytes, *, environ=TERMINATED, method="PUT"):
    return client.open(path, method=method, input_stream=io.BytesIO(body),
                       headers={"Transfer-Encoding": "chunked",
                                "Content-Type": "application/json"},
                       environ_overrides=environ)


def test_chunked_body_over_the_limit_is_413(alice):
    assert_refused(send_chunked(alice, "/api/v1/entries/2026-03-01", PADDED), 413, "body")
    assert alice.get("/api/v1/entries/2026-03-01").status_code == 404
    limit = 64 * 1024
    exactly = b'{"pain": 2}'.ljust(limit)
    assert send_chunked(alice, "/api/v1/entries/2026-03-02", exactly).status_code == 201
    assert_refused(send_chunked(alice, "/api/v1/entries/2026-03-03", exactly + b" "), 413, "body")
    assert send_chunked(alice, "/api/v1/entries/2026-03-04",
                        b'{"mood": 7, "notes": "chunked"}').get_json()["notes"] == "chunked"


def test_sized_body_over_the_limit_is_413_naming_the_body(alice):
    assert_refused(alice.put("/api/v1/entries/2026-03-01", data=PADDED,
                             content_type="application/json"), 413, "body")
    assert alice.get("/api/v1/entries/2026-03-01").status_code == 404


def test_unsized_body_the_server_did_not_terminate_is_411(alice):
    response = send_chunked(alice, "/api/v1/entries/2026-03-01", b'{"pain": 1}', environ={})
    assert_refused(response, 411, "body")
    assert alice.get("/api/v1/entries/2026-03-01").status_code == 404


@pytest.mark.live
def test_chunked_body_over_the_limit_is_413_through_gunicorn(app, database_url):
    with live_server(database_url, workers=1, threads=2) as server:
        browser = requests.Session()
        assert browser.post(f"{server.url}/api/v1/auth/register", json={
            "email": f"{uuid.uuid4().hex}@example.org", "password": PASSWORD}).status_code == 201
        token = browser.post(f"{server.url}/api/v1/tokens", json={"label": "live"},
                          headers={"Origin": server.url}).json()["token"]

        def put_chunked(day: str, body: bytes) -> tuple[int, str, dict]:
            connection = http.client.HTTPConnection(server.url.removeprefix("http://"),
                                                    timeout=30)
            chunks = (body[i:i + 8192] for i in range(0, len(body), 8192))
            connection.request("PUT", f"/api/v1/entries/{day}", body=chunks, headers={
                "Content-Type": "application/json", "Authorization": f"Bearer {token}"},
                encode_chunked=True)
            response = connection.getresponse()
            result = response.status, response.getheader("Content-Type"), json.loads(
                response.read())
            connection.close()
            return result

        status, content_type, body = put_chunked("2026-03-01", PADDED)
        assert (status, content_type) == (413, "application/problem+json")
        assert "body" in body["errors"]
        status, _, body = put_chunked("2026-03-02", b'{"pain": 4, "notes": "small"}')
        assert status == 201 and body["notes"] == "small"
        auth = {"Authorization": f"Bearer {token}"}
        assert requests.get(f"{server.url}/api/v1/entries/2026-03-01",
                            headers=auth).status_code == 404
        status, _, body = put_chunked("2026-03-03", DEEP.encode())
        assert status == 400 and "body" in body["errors"]
    assert "Traceback" not in server.log() and "ERROR" not in server.log()


BAD_ZONES = ["localtime", "Factory", "posixrules", "posix/Europe/Berlin", "right/UTC",
             "right/Europe/Berlin", "Europe/../Europe/Berlin", "europe/berlin", "", "Mars/Olympus"]


@pytest.mark.parametrize("zone", BAD_ZONES)
def test_only_canonical_iana_time_zones(client, alice, zone):
    response = client.post("/api/v1/auth/register", json={
        "email": f"{uuid.uuid4().hex}@example.org", "password": PASSWORD, "timezone": zone})
    assert_refused(response, 422, "timezone")
    assert_refused(alice.patch("/api/v1/me", json={"timezone": zone}), 422, "timezone")
    assert alice.get("/api/v1/me").get_json()["timezone"] == "UTC"


@pytest.mark.parametrize("zone", ["UTC", "Europe/Berlin", "America/Argentina/Buenos_Aires",
                                  "Asia/Kolkata", "Etc/GMT+5", "US/Eastern"])
def test_iana_time_zones_are_accepted(alice, zone):
    assert alice.patch("/api/v1/me", json={"timezone": zone}).get_json()["timezone"] == zone


# --- valid input still works: properties over the strict readers ----------------------------

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


OFFSETS = st.integers(-23 * 60 - 59, 23 * 60 + 59).map(lambda m: timezone(timedelta(minutes=m)))


@given(moment=st.datetimes(min_value=datetime(1900, 1, 1), max_value=datetime(9998, 12, 31)),
       offset=OFFSETS)
def test_every_rfc_3339_datetime_is_read_exactly(moment, offset):
    aware = moment.replace(tzinfo=offset)
    text = aware.isoformat()
    parsed = AwareDateTime().deserialize(text)
    assert parsed == aware and parsed.utcoffset() == aware.utcoffset()
    assert parsed.microsecond == moment.microsecond
    assert AwareDateTime().deserialize(text.replace("+00:00", "Z")) == aware


SEPARATORS = ["T", "t", " ", "_", ""]
FRACTIONS = ["", ".", ".5", ".123456", ".1234567", ",5"]
OFFSET_TEXTS = ["Z", "z", "+01:00", "-05:30", "-00:00", "+0100", "+01", "+00:00:30", "+24:00",
                "+05:60", ""]


@given(day=st.dates(min_value=date(1900, 1, 1), max_value=date(9998, 12, 31)),
       separator=st.sampled_from(SEPARATORS), hour=st.integers(0, 25),
       seconds=st.sampled_from([":00", ":59", ":60", ""]),
       fraction=st.sampled_from(FRACTIONS), offset=st.sampled_from(OFFSET_TEXTS))
def test_a_datetime_is_read_only_when_it_is_rfc_3339(day, separator, hour, seconds, fraction,
                                                      offset):
    text = f"{day.isoformat()}{separator}{hour:02d}:30{seconds}{fraction}{offset}"
    rfc_3339 = (separator in ("T", "t") and hour < 24 and seconds in (":00", ":59")
                and fraction in ("", ".5", ".123456")
                and offset in ("Z", "z", "+01:00", "-05:30", "-00:00"))
    try:
        parsed = AwareDateTime().deserialize(text)
    except ValidationError:
        assert not rfc_3339, text
        return
    assert rfc_3339, text
    assert parsed.date() == day and parsed.hour == hour and parsed.tzinfo is not None


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers(-(10**30), 10**30)
    | st.floats(allow_nan=False, allow_infinity=False) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=5), inner,
                                                                 max_size=4),
    max_leaves=20,
)


@given(JSON_VALUES)
def test_the_strict_loader_reads_what_any_json_encoder_writes(value):
    from api.json_body import loads

    text = json.dumps(value)
    assert loads(text) == json.loads(text)
    assert loads(text.encode("utf-8")) == json.loads(text)


@settings(max_examples=30, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(pain=st.integers(0, 10), sleep=st.integers(0, 240).map(lambda n: n / 10),
       tags=st.lists(st.text(min_size=1, max_size=32).filter(
           lambda t: t.strip() == t != ""), max_size=3),
       day=st.dates(min_value=date(1900, 1, 1), max_value=date(2026, 1, 1)))
def test_valid_entries_are_still_stored(alice, pain, sleep, tags, day):
    tags = [t for t in tags if "\x00" not in t and not any(0xD800 <= ord(c) < 0xE000 for c in t)]
    response = alice.put(f"/api/v1/entries/{day.isoformat()}",
                         json={"pain": pain, "sleep_hours": sleep, "tags": tags})
    assert response.status_code in (200, 201), response.get_json()
    body = response.get_json()
    assert (body["date"], body["pain"], body["sleep_hours"]) == (day.isoformat(), pain, sleep)
