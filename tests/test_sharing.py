"""Sharing with a provider through HTTP: links, revocation, expiry, scope, the access log,
the provider's read-only session and its headers, and the token kept out of server logs."""

from __future__ import annotations

import csv
import gzip
import hashlib
import io
import json
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import pytest
import requests
from sqlalchemy import select, text, update

from api.db import db
from api.models import utcnow
from api.sharing.models import Share, ShareSession, ShareView
from api.sharing.service import browser_of
from tests.conftest import PASSWORD, other_app
from tests.support.live_server import live_server

FIREFOX_WINDOWS = ("Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 "
                   "Firefox/128.0")
PROVIDER_PATHS = ("/api/v1/shared/trends", "/api/v1/shared/entries.csv",
                  "/api/v1/shared/treatments.csv", "/api/v1/shared/fhir")
PROVIDER_KINDS = ("trends", "entries.csv", "treatments.csv", "fhir")
SHARE_FIELDS = {"id", "label", "created_at", "expires_at", "revoked_at", "status", "from", "to",
                "include_notes", "include_insights", "view_count", "last_viewed_at"}


# --- helpers ------------------------------------------------------------------------------

def share(client, **body) -> dict:
    response = client.post("/api/v1/shares", json={"label": "Dr. Rivera", **body})
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def token_of(created: dict) -> str:
    return created["url"].split("#", 1)[1]


def provider_for(app, created: dict, **headers):
    """A fresh browser that opened the link: it POSTs the fragment's token."""
    browser = app.test_client()
    response = browser.post("/api/v1/shared/session", json={"token": token_of(created)},
                            headers=headers)
    assert response.status_code == 200, response.get_json()
    return browser


def put_entry(client, day: str, **scores) -> None:
    assert client.put(f"/api/v1/entries/{day}", json=scores).status_code in (200, 201)


def put_treatment(client, when: str, **fields) -> str:
    tid = str(uuid.uuid4())
    body = {"started_at": when, "route": "iv_infusion", "dose_mg": 35, **fields}
    assert client.put(f"/api/v1/treatments/{tid}", json=body).status_code == 201
    return tid


def csv_rows(response) -> list[dict[str, str]]:
    assert response.status_code == 200
    return list(csv.DictReader(io.StringIO(response.get_data().decode("utf-8-sig"),
                                           newline="")))


def set_share(app, share_id: str, **values) -> None:
    with app.app_context():
        db.session.execute(update(Share).where(Share.id == uuid.UUID(share_id)).values(**values))
        db.session.commit()


def views_of(client, share_id: str) -> list[dict]:
    response = client.get(f"/api/v1/shares/{share_id}/views")
    assert response.status_code == 200
    return response.get_json()["items"]


def listed(client, share_id: str) -> dict:
    return next(s for s in client.get("/api/v1/shares").get_json()["items"]
                if s["id"] == share_id)


# --- the patient's links ------------------------------------------------------------------

def test_create_returns_the_link_once_and_stores_only_its_hash(app, alice):
    created = share(alice, label="  Dr. Rivera, March visit ")
    token = token_of(created)
    assert created["url"] == f"http://localhost/share#{token}"
    assert created["token"] == token and len(token) >= 43  # 32 random bytes, base64url
    assert created["label"] == "Dr. Rivera, March visit"
    assert created["status"] == "active" and created["view_count"] == 0
    assert created["include_notes"] is False and created["from"] is None
    assert created["to"] is None and created["revoked_at"] is None
    lifetime = (datetime.fromisoformat(created["expires_at"])
                - datetime.fromisoformat(created["created_at"]))
    assert lifetime == timedelta(days=30)

    items = alice.get("/api/v1/shares").get_json()["items"]
    assert set(items[0]) == SHARE_FIELDS  # no token, no url: they are shown once
    with app.app_context():
        row = db.session.scalar(select(Share))
        assert row.token_hash == hashlib.sha256(token.encode()).hexdigest()
        dump = json.dumps([list(r) for r in db.session.execute(text("SELECT * FROM shares"))],
                          default=str)
    assert token not in dump


def test_create_with_range_notes_and_expiry(alice):
    created = share(alice, expires_in_days=1, **{"from": "2026-03-01", "to": "2026-03-31"},
                    include_notes=True)
    assert (created["from"], created["to"], created["include_notes"]) == (
        "2026-03-01", "2026-03-31", True)
    lifetime = (datetime.fromisoformat(created["expires_at"])
                - datetime.fromisoformat(created["created_at"]))
    assert lifetime == timedelta(days=1)
    assert share(alice, expires_in_days=365)["status"] == "active"
    two_tokens = {token_of(share(alice)), token_of(share(alice))}
    assert len(two_tokens) == 2


@pytest.mark.parametrize("body, field", [
    ({}, "label"),
    ({"label": ""}, "label"),
    ({"label": "   "}, "label"),
    ({"label": "x" * 81}, "label"),
    ({"label": 5}, "label"),
    ({"label": "a", "expires_in_days": 0}, "expires_in_days"),
    ({"label": "a", "expires_in_days": 366}, "expires_in_days"),
    ({"label": "a", "expires_in_days": "30"}, "expires_in_days"),
    ({"label": "a", "expires_in_days": 1.5}, "expires_in_days"),
    ({"label": "a", "from": "2026-03-10", "to": "2026-03-01"}, "from"),
    ({"label": "a", "from": "2026-02-30"}, "from"),
    ({"label": "a", "to": "yesterday"}, "to"),
    ({"label": "a", "from": "1899-12-31"}, "from"),
    ({"label": "a", "include_notes": "yes"}, "include_notes"),
    ({"label": "a", "include_notes": 0}, "include_notes"),
    ({"label": "a", "include_notes": 1}, "include_notes"),
    ({"label": "a", "token": "mine"}, "token"),
])
def test_create_validation(alice, body, field):
    response = alice.post("/api/v1/shares", json=body)
    assert response.status_code == 422, response.get_json()
    assert response.content_type == "application/problem+json"
    assert field in response.get_json()["errors"]
    assert alice.get("/api/v1/shares").get_json()["items"] == []


def test_create_needs_json_and_a_login(client, alice):
    assert client.post("/api/v1/shares", json={"label": "a"}).status_code == 401
    assert client.get("/api/v1/shares").status_code == 401
    response = alice.post("/api/v1/shares", data="label=a",
                          content_type="application/x-www-form-urlencoded")
    assert response.status_code == 415
    cross_site = alice.post("/api/v1/shares", json={"label": "a"},
                            headers={"Origin": "https://evil.example"})
    assert cross_site.status_code == 403


def test_list_is_newest_first_with_status(app, alice):
    first = share(alice, label="first")
    second = share(alice, label="second")
    third = share(alice, label="third")
    with app.app_context():  # created_at to the microsecond may tie; make the order certain
        for offset, created in enumerate((first, second, third)):
            db.session.execute(update(Share).where(Share.id == uuid.UUID(created["id"]))
                               .values(created_at=utcnow() - timedelta(hours=3 - offset)))
        db.session.commit()
    set_share(app, second["id"], expires_at=utcnow() - timedelta(seconds=1))
    assert alice.delete(f"/api/v1/shares/{third['id']}").status_code == 204
    items = alice.get("/api/v1/shares").get_json()["items"]
    assert [(s["label"], s["status"]) for s in items] == [
        ("third", "revoked"), ("second", "expired"), ("first", "active")]


def test_revoke_is_immediate_keeps_the_log_and_is_safe_to_replay(app, alice):
    created = share(alice)
    provider_for(app, created)
    assert alice.delete(f"/api/v1/shares/{created['id']}").status_code == 204
    revoked_at = listed(alice, created["id"])["revoked_at"]
    assert revoked_at is not None
    assert alice.delete(f"/api/v1/shares/{created['id']}").status_code == 204
    again = listed(alice, created["id"])
    assert again["revoked_at"] == revoked_at and again["status"] == "revoked"
    assert [v["kind"] for v in views_of(alice, created["id"])] == ["page"]


@pytest.mark.parametrize("share_id", ["not-a-uuid", "5b0e7c3a-9d21-4f68-b4a7-1e3c8d2f6a90"])
def test_unknown_share_ids_are_404(alice, share_id):
    for response in (alice.delete(f"/api/v1/shares/{share_id}"),
                     alice.get(f"/api/v1/shares/{share_id}/views")):
        assert response.status_code == 404
        assert response.content_type == "application/problem+json"


def test_another_patients_share_is_404_and_stays_usable(app, alice, bob):
    created = share(alice)
    assert bob.delete(f"/api/v1/shares/{created['id']}").status_code == 404
    assert bob.get(f"/api/v1/shares/{created['id']}/views").status_code == 404
    assert bob.get("/api/v1/shares").get_json()["items"] == []
    assert listed(alice, created["id"])["status"] == "active"
    assert provider_for(app, created).get("/api/v1/shared/trends").status_code == 200


def test_share_creation_is_rate_limited(database_url, app):
    with other_app(database_url, SHARE_RATE_LIMIT="2 per hour") as strict:
        client = strict.test_client()
        client.post("/api/v1/auth/register", json={"email": "rl@example.org",
                                                   "password": PASSWORD})
        codes = [client.post("/api/v1/shares", json={"label": "a"}).status_code
                 for _ in range(3)]
    assert codes == [201, 201, 429]


# --- the provider's session ---------------------------------------------------------------

def test_provider_session_cookie_and_body(app, patient):
    alice = patient(display_name="Alice A.", timezone="Europe/Berlin")
    created = share(alice, label="Dr. Rivera", **{"from": "2026-03-01", "to": "2026-03-31"})
    browser = app.test_client()
    response = browser.post("/api/v1/shared/session", json={"token": token_of(created)})
    assert response.status_code == 200
    body = response.get_json()
    assert body["patient"] == {"display_name": "Alice A."}
    assert body["share"] == {"label": "Dr. Rivera", "expires_at": created["expires_at"],
                             "from": "2026-03-01", "to": "2026-03-31", "include_notes": False,
                             "include_insights": False}
    assert "email" not in json.dumps(body) and "@example.org" not in json.dumps(body)
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith("relieflog_share=")
    for attribute in ("HttpOnly", "SameSite=Strict", "Path=/api/v1/shared", "Max-Age=7200"):
        assert attribute in cookie, cookie
    session_token = cookie.split(";")[0].split("=", 1)[1]
    assert session_token != token_of(created)
    with app.app_context():
        row = db.session.scalar(select(ShareSession))
        assert row.token_hash == hashlib.sha256(session_token.encode()).hexdigest()
    session_expires = datetime.fromisoformat(body["session_expires_at"])
    assert timedelta(minutes=119) < session_expires - utcnow() <= timedelta(minutes=120)
    # The cookie is sent only to /api/v1/shared: the patient's API never sees it.
    assert browser.get_cookie("relieflog_share", path="/api/v1/shared") is not None
    assert browser.get("/api/v1/entries").status_code == 401
    assert browser.get("/api/v1/me").status_code == 401
    bearer = browser.get("/api/v1/me", headers={"Authorization": f"Bearer {session_token}"})
    assert bearer.status_code == 401


def test_secure_cookie_over_https(app, alice):
    created = share(alice)
    response = app.test_client().post(
        "/api/v1/shared/session", json={"token": token_of(created)},
        base_url="https://localhost")
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith("__Secure-relieflog_share=") and "Secure" in cookie


def test_session_length_is_configurable_and_never_outlives_the_share(app, database_url, alice):
    created = share(alice)
    with other_app(database_url, SHARE_SESSION_MINUTES=5) as short:
        response = short.test_client().post("/api/v1/shared/session",
                                            json={"token": token_of(created)})
    assert "Max-Age=300" in response.headers["Set-Cookie"]
    set_share(app, created["id"], expires_at=utcnow() + timedelta(seconds=90))
    response = app.test_client().post("/api/v1/shared/session", json={"token": token_of(created)})
    max_age = int(response.headers["Set-Cookie"].split("Max-Age=")[1].split(";")[0])
    assert 0 < max_age <= 90


def test_ended_viewing_session_is_401_and_the_link_opens_again(app, alice):
    created = share(alice)
    browser = provider_for(app, created)
    with app.app_context():
        db.session.execute(update(ShareSession).values(expires_at=utcnow() - timedelta(seconds=1)))
        db.session.commit()
    response = browser.get("/api/v1/shared/trends")
    assert response.status_code == 401
    assert "Open the link again" in response.get_json()["detail"]
    assert browser.post("/api/v1/shared/session",
                        json={"token": token_of(created)}).status_code == 200
    assert browser.get("/api/v1/shared/trends").status_code == 200
    with app.app_context():  # the ended session was cleared when the new one began
        assert db.session.scalar(select(ShareSession.id).where(
            ShareSession.expires_at < utcnow())) is None


def test_the_session_can_bring_the_report_in_the_same_answer(app, alice):
    """The provider's page asks for the report with the session (one round trip, not two):
    the same report GET /shared/trends gives, the same access-log line, gzipped for a
    browser that accepts it; without `report` the answer is the session alone."""
    for day in ("2026-03-01", "2026-03-02"):
        put_entry(alice, day, pain=4, mood=7, notes="walked 🚶")
    put_treatment(alice, "2026-03-01T15:00:00Z")
    created = share(alice, include_notes=True, **{"from": "2026-03-01", "to": "2026-03-31"})
    browser = app.test_client()
    opened = browser.post("/api/v1/shared/session", json={"token": token_of(created),
                                                          "report": True})
    assert opened.status_code == 200
    body = opened.get_json()
    assert body["report"] == browser.get("/api/v1/shared/trends").get_json()
    assert [day["pain"] for day in body["report"]["days"] if day["pain"] is not None] == [4, 4]
    assert [note["text"] for note in body["report"]["notes"]] == ["walked 🚶"] * 2
    assert len(body["report"]["treatments"]) == 1
    assert {"patient", "share", "session_expires_at"} <= set(body)
    assert opened.headers["Set-Cookie"].startswith("relieflog_share=")
    # One viewing session: the page, then the report (its own GET added nothing new).
    assert [v["opened"] for v in views_of(alice, created["id"])] == [["page", "trends"]]
    assert listed(alice, created["id"])["view_count"] == 1

    packed = app.test_client().post("/api/v1/shared/session", json={
        "token": token_of(created), "report": True}, headers={"Accept-Encoding": "gzip"})
    assert packed.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in packed.headers["Vary"]
    assert json.loads(gzip.decompress(packed.data))["report"] == body["report"]
    alone = app.test_client().post("/api/v1/shared/session", json={
        "token": token_of(created), "report": False}, headers={"Accept-Encoding": "gzip"})
    assert "report" not in alone.get_json() and "Content-Encoding" not in alone.headers
    assert [v["opened"] for v in views_of(alice, created["id"])][0] == ["page"]


@pytest.mark.parametrize("report", ["yes", 1.5, None, [True]])
def test_the_report_flag_is_a_boolean(client, alice, report):
    created = share(alice)
    response = client.post("/api/v1/shared/session",
                           json={"token": token_of(created), "report": report})
    assert response.status_code == 422
    assert "report" in response.get_json()["errors"]
    assert "Set-Cookie" not in response.headers


def test_a_refused_session_brings_no_report(app, alice):
    put_entry(alice, "2026-03-01", pain=4)
    created = share(alice)
    assert alice.delete(f"/api/v1/shares/{created['id']}").status_code == 204
    refused = app.test_client().post("/api/v1/shared/session",
                                     json={"token": token_of(created), "report": True})
    assert refused.status_code == 410 and "report" not in refused.get_json()
    assert views_of(alice, created["id"]) == []


@pytest.mark.parametrize("path", PROVIDER_PATHS)
def test_provider_endpoints_need_the_cookie(client, path):
    response = client.get(path)
    assert response.status_code == 401
    assert response.content_type == "application/problem+json"
    client.set_cookie("relieflog_share", "forged", path="/api/v1/shared")
    assert client.get(path).status_code == 401


@pytest.mark.parametrize("body, status", [
    ({"token": "no-such-token-" + "x" * 30}, 404),
    ({"token": ""}, 422),
    ({}, 422),
    ({"token": 12345}, 422),
    ({"token": "x" * 257}, 422),
    ({"token": "a", "share_id": "b"}, 422),
])
def test_session_exchange_refuses_bad_tokens(client, alice, body, status):
    share(alice)
    response = client.post("/api/v1/shared/session", json=body)
    assert response.status_code == status
    assert response.content_type == "application/problem+json"
    assert "Set-Cookie" not in response.headers


def test_a_patients_login_token_is_not_a_link(client, alice):
    token = alice.post("/api/v1/tokens", json={"label": "t"}).get_json()["token"]
    assert client.post("/api/v1/shared/session", json={"token": token}).status_code == 404


def test_session_exchange_is_rate_limited(app, database_url, alice):
    created = share(alice)
    with other_app(database_url, SHARE_SESSION_RATE_LIMIT="3 per minute") as strict:
        browser = strict.test_client()
        codes = [browser.post("/api/v1/shared/session", json={"token": f"guess-{n}"}).status_code
                 for n in range(3)]
        refused = browser.post("/api/v1/shared/session", json={"token": token_of(created)})
    assert codes == [404, 404, 404]
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) > 0
    assert refused.content_type == "application/problem+json"
    assert refused.headers["X-Robots-Tag"].startswith("noindex")
    assert "Set-Cookie" not in refused.headers


# --- revoked and expired ------------------------------------------------------------------

def test_revocation_refuses_the_very_next_request(app, alice):
    put_entry(alice, "2026-03-01", pain=4)
    created = share(alice)
    browser = provider_for(app, created)
    assert browser.get("/api/v1/shared/trends").status_code == 200
    assert alice.delete(f"/api/v1/shares/{created['id']}").status_code == 204
    for path in PROVIDER_PATHS:
        response = browser.get(path)
        assert response.status_code == 410, path
        assert response.content_type == "application/problem+json"
        body = response.get_json()
        assert body["detail"] == "This link was revoked by the patient."
        assert body["reason"] == "revoked"
    again = app.test_client().post("/api/v1/shared/session", json={"token": token_of(created)})
    assert again.status_code == 410 and again.get_json()["reason"] == "revoked"
    assert "Set-Cookie" not in again.headers
    # Refused requests are not views: one viewing session, which read the report.
    assert [v["opened"] for v in views_of(alice, created["id"])] == [["page", "trends"]]
    assert listed(alice, created["id"])["view_count"] == 1


def test_expiry_refuses_the_next_request_with_the_date(app, patient):
    alice = patient(timezone="Pacific/Auckland")
    created = share(alice)
    browser = provider_for(app, created)
    # Time travel: the link ended at 12:00 UTC, which is already the 2nd in Auckland.
    set_share(app, created["id"], expires_at=datetime(2026, 3, 1, 12, 0, tzinfo=UTC))
    for path in PROVIDER_PATHS:
        response = browser.get(path)
        assert response.status_code == 410, path
        body = response.get_json()
        assert body["detail"] == "This link expired on 2026-03-02."
        assert body["reason"] == "expired"
        assert datetime.fromisoformat(body["expired_at"]) == datetime(2026, 3, 1, 12, tzinfo=UTC)
    again = app.test_client().post("/api/v1/shared/session", json={"token": token_of(created)})
    assert again.status_code == 410
    assert again.get_json()["detail"] == "This link expired on 2026-03-02."
    assert listed(alice, created["id"])["status"] == "expired"


def test_expiry_is_exact_to_the_second(app, alice):
    created = share(alice)
    browser = provider_for(app, created)
    set_share(app, created["id"], expires_at=utcnow() + timedelta(minutes=1))
    assert browser.get("/api/v1/shared/trends").status_code == 200
    set_share(app, created["id"], expires_at=utcnow())
    assert browser.get("/api/v1/shared/trends").status_code == 410


def test_a_revoked_and_expired_link_says_revoked(app, alice):
    created = share(alice)
    alice.delete(f"/api/v1/shares/{created['id']}")
    set_share(app, created["id"], expires_at=utcnow() - timedelta(days=1))
    response = app.test_client().post("/api/v1/shared/session",
                                      json={"token": token_of(created)})
    assert response.get_json()["detail"] == "This link was revoked by the patient."


# --- headers and read-only ----------------------------------------------------------------

def assert_provider_headers(response) -> None:
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["X-Robots-Tag"].startswith("noindex")


def test_every_provider_response_carries_the_privacy_headers(app, alice):
    created = share(alice)
    browser = app.test_client()
    responses = [
        browser.get("/api/v1/shared/trends"),  # 401
        browser.post("/api/v1/shared/session", json={"token": "unknown"}),  # 404
        browser.post("/api/v1/shared/session", json={}),  # 422
        browser.post("/api/v1/shared/session", data="x", content_type="text/plain"),  # 415
        browser.delete("/api/v1/shared/trends"),  # 405
        browser.get("/api/v1/shared/nothing-here"),  # 404
        browser.post("/api/v1/shared/session", json={"token": token_of(created)}),  # 200
    ]
    responses += [browser.get(path) for path in PROVIDER_PATHS]
    alice.delete(f"/api/v1/shares/{created['id']}")
    responses.append(browser.get("/api/v1/shared/trends"))  # 410
    assert sorted({r.status_code for r in responses}) == [200, 401, 404, 405, 410, 415, 422]
    for response in responses:
        assert_provider_headers(response)


def what_was_logged(client) -> dict:
    """What the patient logged (the export also holds shares and the security log)."""
    everything = client.get("/api/v1/me/export").get_json()
    return {k: everything[k] for k in ("account", "entries", "entry_versions", "treatments")}


@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE"])
def test_provider_endpoints_refuse_writes(app, alice, method):
    put_entry(alice, "2026-03-01", pain=4, notes="mine")
    before = what_was_logged(alice)
    created = share(alice)
    browser = provider_for(app, created)
    for path in PROVIDER_PATHS:
        response = browser.open(path, method=method, json={"pain": 0})
        assert response.status_code == 405, (method, path)
        assert response.content_type == "application/problem+json"
        assert response.headers["Allow"] == "GET"
    if method != "POST":
        response = browser.open("/api/v1/shared/session", method=method,
                                json={"token": token_of(created)})
        assert response.status_code == 405 and response.headers["Allow"] == "POST"
    # Patient endpoints are not reachable with the provider's cookie either.
    assert browser.put("/api/v1/entries/2026-03-01", json={"pain": 0}).status_code == 401
    assert what_was_logged(alice) == before
    assert [v["kind"] for v in views_of(alice, created["id"])] == ["page"]


# --- scope: dates, notes, other patients --------------------------------------------------

@pytest.fixture
def diary(alice, bob):
    """Alice: a week before the range, days and sessions in it, and after it. Bob: his own."""
    for day in range(22, 29):  # 2026-02-22..28, outside: pain 9, a baseline for 03-02
        put_entry(alice, f"2026-02-{day}", pain=9, mood=1, notes=f"outside {day}")
    put_entry(alice, "2026-03-01", pain=8, mood=2, notes="inside first")
    put_entry(alice, "2026-03-05", pain=3, mood=7, tags=["flare"], notes="")
    put_entry(alice, "2026-03-10", pain=2, mood=8, sleep_hours=7.5, notes="inside last")
    put_entry(alice, "2026-03-11", pain=7, mood=3, notes="outside after")
    ids = {
        "before": put_treatment(alice, "2026-02-27T10:00:00Z", notes="outside session"),
        "inside": put_treatment(alice, "2026-03-02T10:00:00Z", notes="inside session",
                                duration_minutes=40, dose_mg_per_kg=0.5, phase="induction"),
        "after": put_treatment(alice, "2026-03-12T10:00:00Z", route="intranasal"),
    }
    put_entry(bob, "2026-03-03", pain=1, notes="bob's secret")
    ids["bob"] = put_treatment(bob, "2026-03-03T10:00:00Z", notes="bob's session")
    return ids


RANGE = {"from": "2026-03-01", "to": "2026-03-10"}


def everything(browser) -> dict:
    return {path: browser.get(path) for path in PROVIDER_PATHS}


def test_date_range_limits_every_view(app, alice, diary):
    created = share(alice, **RANGE)
    browser = provider_for(app, created)
    responses = everything(browser)
    trends = responses["/api/v1/shared/trends"].get_json()
    assert (trends["from"], trends["to"]) == ("2026-03-01", "2026-03-10")
    assert [d["date"] for d in trends["days"]] == ["2026-03-01", "2026-03-05", "2026-03-10"]
    assert [t["id"] for t in trends["treatments"]] == [diary["inside"]]
    assert [s["treatment_id"] for s in trends["sessions"]] == [diary["inside"]]
    assert [s["treatment_ids"] for s in trends["series"]] == [[diary["inside"]]]
    assert trends["latest"] == {"date": "2026-03-10", "pain": 2, "mood": 8, "anxiety": None,
                                "energy": None, "sleep_hours": 7.5, "sleep_quality": None}
    # The patient's own trends use the week before 03-02 as baseline; the share cannot.
    own = alice.get("/api/v1/trends?from=2026-03-01&to=2026-03-10").get_json()
    own_series = next(s for s in own["series"] if diary["inside"] in s["treatment_ids"])
    assert own_series["pain"]["baseline"] is not None
    assert trends["series"][0]["pain"]["baseline"] is None

    entries = csv_rows(responses["/api/v1/shared/entries.csv"])
    assert [r["date"] for r in entries] == ["2026-03-01", "2026-03-05", "2026-03-10"]
    treatments = csv_rows(responses["/api/v1/shared/treatments.csv"])
    assert [r["id"] for r in treatments] == [diary["inside"]]
    bundle = responses["/api/v1/shared/fhir"].get_json()
    dates = {e["resource"].get("effectiveDateTime", "")[:10] for e in bundle["entry"]
             if e["resource"]["resourceType"] == "Observation"}
    assert dates == {"2026-03-01", "2026-03-05", "2026-03-10"}
    administrations = [e["resource"] for e in bundle["entry"]
                       if e["resource"]["resourceType"] == "MedicationAdministration"]
    assert [a["effectivePeriod"]["start"] for a in administrations] == ["2026-03-02T10:00:00Z"]
    text_of_all = "".join(r.get_data(as_text=True) for r in responses.values())
    for outside in ("2026-02-2", "2026-03-11", "2026-03-12", diary["before"], diary["after"]):
        assert outside not in text_of_all


def test_open_ended_range_and_no_range(app, alice, diary):
    browser = provider_for(app, share(alice, **{"from": "2026-03-05"}))
    trends = browser.get("/api/v1/shared/trends").get_json()
    assert trends["from"] == "2026-03-05"
    assert [d["date"] for d in trends["days"]] == ["2026-03-05", "2026-03-10", "2026-03-11"]
    assert [t["id"] for t in trends["treatments"]] == [diary["after"]]

    browser = provider_for(app, share(alice, to="2026-02-28"))
    trends = browser.get("/api/v1/shared/trends").get_json()
    assert (trends["from"], trends["to"]) == ("2026-02-22", "2026-02-28")
    assert [t["id"] for t in trends["treatments"]] == [diary["before"]]
    assert trends["booster_hint"] is None
    assert all(r["date"] <= "2026-02-28"
               for r in csv_rows(browser.get("/api/v1/shared/entries.csv")))

    browser = provider_for(app, share(alice))
    trends = browser.get("/api/v1/shared/trends").get_json()
    assert trends["from"] == "2026-02-22" and len(trends["days"]) == 11
    assert len(trends["treatments"]) == 3


def test_a_range_with_nothing_in_it(app, alice, diary):
    browser = provider_for(app, share(alice, **{"from": "2025-01-01", "to": "2025-01-31"}))
    trends = browser.get("/api/v1/shared/trends").get_json()
    assert (trends["days"], trends["treatments"], trends["series"]) == ([], [], [])
    assert trends["latest"] is None
    assert csv_rows(browser.get("/api/v1/shared/entries.csv")) == []
    bundle = browser.get("/api/v1/shared/fhir").get_json()
    assert [e["resource"]["resourceType"] for e in bundle["entry"]] == ["Patient"]


def test_notes_are_left_out_by_default(app, alice, diary):
    browser = provider_for(app, share(alice, **RANGE))
    responses = everything(browser)
    trends = responses["/api/v1/shared/trends"].get_json()
    assert "notes" not in trends
    assert all("notes" not in t for t in trends["treatments"])
    assert trends["treatments"][0]["duration_minutes"] == 40  # the details are there
    assert trends["treatments"][0]["phase"] == "induction"
    for row in csv_rows(responses["/api/v1/shared/entries.csv"]):
        assert row["notes"] == "" and row["tags"] == ""
    for row in csv_rows(responses["/api/v1/shared/treatments.csv"]):
        assert row["notes"] == ""
    bundle = responses["/api/v1/shared/fhir"].get_json()
    assert all("note" not in e["resource"] for e in bundle["entry"])
    assert all(e["resource"].get("code", {}).get("text") != "Diary note" for e in bundle["entry"])
    text_of_all = "".join(r.get_data(as_text=True) for r in responses.values())
    for private in ("inside first", "inside last", "inside session", "flare"):
        assert private not in text_of_all


def test_notes_are_shown_when_included(app, alice, diary):
    browser = provider_for(app, share(alice, **RANGE, include_notes=True))
    responses = everything(browser)
    trends = responses["/api/v1/shared/trends"].get_json()
    assert trends["notes"] == [
        {"date": "2026-03-01", "text": "inside first", "tags": []},
        {"date": "2026-03-05", "text": "", "tags": ["flare"]},
        {"date": "2026-03-10", "text": "inside last", "tags": []},
    ]
    assert trends["treatments"][0]["notes"] == "inside session"
    entries = csv_rows(responses["/api/v1/shared/entries.csv"])
    assert [r["notes"] for r in entries] == ["inside first", "", "inside last"]
    assert entries[1]["tags"] == "flare"
    assert csv_rows(responses["/api/v1/shared/treatments.csv"])[0]["notes"] == "inside session"
    bundle = responses["/api/v1/shared/fhir"].get_json()
    notes = [e["resource"]["valueString"] for e in bundle["entry"]
             if "valueString" in e["resource"]]
    assert notes == ["inside first", "inside last"]
    administration = next(e["resource"] for e in bundle["entry"]
                          if e["resource"]["resourceType"] == "MedicationAdministration")
    assert administration["note"] == [{"text": "inside session"}]
    # Notes from outside the range stay out even so.
    text_of_all = "".join(r.get_data(as_text=True) for r in responses.values())
    assert "outside" not in text_of_all


def test_a_share_never_reaches_another_patients_data(app, alice, bob, diary):
    created = share(alice, include_notes=True)
    # Bob, logged in, opens Alice's link in the same browser: he sees Alice's data only,
    # and his own API still shows only his.
    bob.post("/api/v1/shared/session", json={"token": token_of(created)})
    responses = everything(bob)
    text_of_all = "".join(r.get_data(as_text=True) for r in responses.values())
    assert "bob's" not in text_of_all and diary["bob"] not in text_of_all
    assert "inside first" in text_of_all
    assert [e["date"] for e in bob.get(
        "/api/v1/entries?from=2026-01-01&to=2026-12-31").get_json()["items"]] == ["2026-03-03"]
    # Bob's own share shows Bob's data, not Alice's.
    browser = provider_for(app, share(bob, include_notes=True))
    trends = browser.get("/api/v1/shared/trends").get_json()
    assert [t["id"] for t in trends["treatments"]] == [diary["bob"]]
    assert [d["date"] for d in trends["days"]] == ["2026-03-03"]


def test_provider_report_shape(app, patient):
    alice = patient(display_name="Alice")
    for day in range(1, 8):
        put_entry(alice, f"2026-03-0{day}", pain=8, mood=2)
    tid = put_treatment(alice, "2026-03-08T10:00:00Z", dose_mg=35.5)
    for day in range(9, 16):
        put_entry(alice, f"2026-03-{day:02d}", pain=4, mood=6)
    created = share(alice, **{"from": "2026-03-01", "to": "2026-03-31"})
    trends = provider_for(app, created).get("/api/v1/shared/trends").get_json()
    own = alice.get("/api/v1/trends?from=2026-03-01&to=2026-03-31").get_json()
    # Same shape and, with the baseline week inside the range, the same numbers.
    for key in ("from", "to", "days", "series", "sessions", "booster_hint"):
        assert trends[key] == own[key], key
    marker = trends["treatments"][0]
    assert {k: marker[k] for k in own["treatments"][0]} == own["treatments"][0]
    assert marker["id"] == tid and marker["route"] == "iv_infusion" and marker["dose_mg"] == 35.5
    assert trends["series"][0]["pain"]["category"] == "substantial"
    assert trends["patient"] == {"display_name": "Alice"}
    assert trends["share"] == {"label": "Dr. Rivera", "expires_at": created["expires_at"],
                               "from": "2026-03-01", "to": "2026-03-31",
                               "include_notes": False, "include_insights": False}
    assert trends["latest"]["date"] == "2026-03-15"


# --- the access log -----------------------------------------------------------------------

def audit_events(client, event: str) -> list[dict]:
    return [e for e in client.get("/api/v1/me/audit").get_json()["items"]
            if e["event"] == event]


def test_a_viewing_session_is_one_line_of_the_logs_whatever_it_opens(app, alice):
    created = share(alice)
    browser = provider_for(app, created, **{"User-Agent": FIREFOX_WINDOWS})
    opened = views_of(alice, created["id"])
    assert len(opened) == 1 and opened[0]["opened"] == ["page"]
    for path in PROVIDER_PATHS:
        assert browser.get(path, headers={"User-Agent": FIREFOX_WINDOWS}).status_code == 200
    browser.get("/api/v1/shared/trends", headers={"User-Agent": "curl/8.5.0"})
    views = views_of(alice, created["id"])
    assert len(views) == 1
    line = views[0]
    assert set(line) == {"viewed_at", "kind", "opened", "last_viewed_at", "browser"}
    # What the session opened, in order; the browser that opened the link.
    assert line["opened"] == ["page", "trends", "entries.csv", "treatments.csv", "fhir"]
    assert line["kind"] == "trends"  # the last thing it opened
    assert line["browser"] == "Firefox on Windows"
    assert line["viewed_at"] == opened[0]["viewed_at"]
    assert line["last_viewed_at"] > line["viewed_at"]
    row = listed(alice, created["id"])
    assert row["view_count"] == 1
    assert row["last_viewed_at"] == line["last_viewed_at"]
    viewed = audit_events(alice, "share_viewed")
    assert [e["detail"] for e in viewed] == ["Dr. Rivera: page, Firefox on Windows"]
    with app.app_context():  # the raw User-Agent is nowhere
        stored = json.dumps([list(r) for r in db.session.execute(
            text("SELECT * FROM share_views"))], default=str)
    assert "Gecko" not in stored and "rv:128" not in stored and "8.5.0" not in stored


def test_a_flood_of_downloads_adds_no_line_but_a_new_session_does(app, alice):
    """A link holder cannot push the patient's logins out of the security log by
    downloading over and over: only exchanging the token again (itself rate-limited)
    starts a new line."""
    alice.post("/api/v1/auth/login", json={"email": alice.user["email"],
                                           "password": PASSWORD})
    created = share(alice)
    browser = provider_for(app, created)
    for _ in range(40):
        assert browser.get("/api/v1/shared/fhir").status_code == 200
    assert len(views_of(alice, created["id"])) == 1
    assert len(audit_events(alice, "share_viewed")) == 1
    assert len(audit_events(alice, "login_succeeded")) == 1
    provider_for(app, created).get("/api/v1/shared/entries.csv")
    views = views_of(alice, created["id"])
    assert [v["opened"] for v in views] == [["page", "entries.csv"], ["page", "fhir"]]
    assert listed(alice, created["id"])["view_count"] == 2
    assert len(audit_events(alice, "share_viewed")) == 2


def test_views_of_one_share_stay_with_it(app, alice):
    first, second = share(alice, label="one"), share(alice, label="two")
    provider_for(app, first).get("/api/v1/shared/trends")
    assert len(views_of(alice, first["id"])) == 1
    assert views_of(alice, second["id"]) == []
    assert listed(alice, second["id"])["view_count"] == 0


def test_provider_reads_are_limited_per_address(app, database_url, alice):
    created = share(alice)
    with other_app(database_url, SHARE_READ_RATE_LIMIT="3 per minute") as strict:
        browser = strict.test_client()
        assert browser.post("/api/v1/shared/session",
                            json={"token": token_of(created)}).status_code == 200
        # One limit for every provider read, not one per endpoint.
        codes = [browser.get(path).status_code for path in PROVIDER_PATHS]
        refused = browser.get("/api/v1/shared/trends")
        elsewhere = browser.get("/api/v1/shared/trends",
                                environ_base={"REMOTE_ADDR": "198.51.100.7"})
    assert codes == [200, 200, 200, 429]
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) > 0
    assert refused.content_type == "application/problem+json"
    assert refused.headers["X-Robots-Tag"].startswith("noindex")
    assert elsewhere.status_code == 200
    # A refused read opened nothing.
    assert views_of(alice, created["id"])[0]["opened"] == [
        "page", "trends", "entries.csv", "treatments.csv"]


@pytest.mark.slow
@pytest.mark.live
def test_concurrent_provider_reads_are_limited_across_workers(app, database_url):
    """Reads from one address at once, over two workers: exactly the limit succeeds, the
    rest are 429s, and none fails on the database (SQLite's single writer included)."""
    limits = {"SHARE_READ_RATE_LIMIT": "12 per minute", "SHARE_RATE_LIMIT": "100 per hour"}
    with live_server(database_url, workers=2, threads=4, env=limits) as server:
        patient = requests.Session()
        assert patient.post(f"{server.url}/api/v1/auth/register", json={
            "email": "busy@example.org", "password": PASSWORD}, timeout=10).status_code == 201
        created = patient.post(f"{server.url}/api/v1/shares", json={"label": "Dr. Busy"},
                               timeout=10).json()
        provider = requests.Session()
        assert provider.post(f"{server.url}/api/v1/shared/session",
                             json={"token": token_of(created)}, timeout=10).status_code == 200
        cookies = provider.cookies.get_dict()

        def read(n: int) -> int:
            path = PROVIDER_PATHS[n % len(PROVIDER_PATHS)]
            if n % 5 == 0:  # the patient writes meanwhile
                patient.put(f"{server.url}/api/v1/entries/2026-03-{n % 28 + 1:02d}",
                            json={"pain": n % 11}, timeout=30)
            return requests.get(f"{server.url}{path}", cookies=cookies, timeout=30).status_code

        with ThreadPoolExecutor(max_workers=8) as pool:
            codes = list(pool.map(read, range(30)))
        views = patient.get(f"{server.url}/api/v1/shares/{created['id']}/views",
                            timeout=10).json()["items"]
    assert sorted(set(codes)) == [200, 429], codes
    assert codes.count(200) == 12
    assert len(views) == 1 and views[0]["opened"][0] == "page"
    assert set(views[0]["opened"]) <= {"page", *PROVIDER_KINDS}


@pytest.mark.parametrize("user_agent, expected", [
    (FIREFOX_WINDOWS, "Firefox on Windows"),
    ("Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) "
     "Version/17.4 Safari/605.1.15", "Safari on macOS"),
    ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
     "Chrome/124.0.0.0 Safari/537.36", "Chrome on Windows"),
    ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
     "Chrome/124.0.0.0 Safari/537.36 Edg/124.0.2478.51", "Edge on Windows"),
    ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like "
     "Gecko) Version/17.4 Mobile/15E148 Safari/604.1", "Safari on iPhone"),
    ("Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
     "Chrome/124.0.0.0 Mobile Safari/537.36", "Chrome on Android"),
    ("Mozilla/5.0 (X11; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0",
     "Firefox on Linux"),
    ("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
     "HeadlessChrome/124.0.0.0 Safari/537.36", "Chrome on Linux"),
    ("python-requests/2.32.3", "a script"),
    ("", "Unknown browser"),
    ("<script>alert(1)</script>", "Unknown browser"),
    ("Mozilla/5.0 (Windows NT 10.0) SomethingNew/1.0", "A browser on Windows"),
])
def test_browser_descriptions_come_from_a_fixed_list(user_agent, expected):
    assert browser_of(user_agent) == expected


# --- account deletion ---------------------------------------------------------------------

def test_deleting_the_account_removes_shares_sessions_and_views(app, alice, bob):
    alices = share(alice)
    browser = provider_for(app, alices)
    browser.get("/api/v1/shared/trends")
    provider_for(app, share(bob)).get("/api/v1/shared/trends")
    assert alice.delete("/api/v1/me", json={"password": PASSWORD}).status_code == 204
    with app.app_context():
        for model in (Share, ShareSession, ShareView):
            owners = set(db.session.scalars(select(model.user_id)))
            assert len(owners) == 1, model.__tablename__  # only Bob's rows are left
    assert browser.get("/api/v1/shared/trends").status_code == 401
    assert app.test_client().post("/api/v1/shared/session",
                                  json={"token": token_of(alices)}).status_code == 404
    assert len(bob.get("/api/v1/shares").get_json()["items"]) == 1


# --- the token never reaches a log --------------------------------------------------------

@pytest.mark.live
def test_the_token_never_appears_in_the_server_log(app, database_url):
    with live_server(database_url, workers=1, threads=2) as server:
        patient = requests.Session()
        assert patient.post(f"{server.url}/api/v1/auth/register", json={
            "email": "log@example.org", "password": PASSWORD}, timeout=10).status_code == 201
        put = patient.put(f"{server.url}/api/v1/entries/2026-03-01", json={"pain": 3},
                          timeout=10)
        assert put.status_code == 201
        created = patient.post(f"{server.url}/api/v1/shares", json={"label": "Dr. Log"},
                               timeout=10).json()
        token = token_of(created)
        assert created["url"] == f"{server.url}/share#{token}"

        # The provider's browser: it loads /share (the fragment stays in the browser), then
        # its script POSTs the token and reads with the cookie. Referer never has a fragment.
        provider = requests.Session()
        provider.headers.update({"User-Agent": FIREFOX_WINDOWS,
                                 "Referer": f"{server.url}/share"})
        assert provider.get(f"{server.url}/share", timeout=10).status_code == 200
        opened = provider.post(f"{server.url}/api/v1/shared/session", json={"token": token},
                               timeout=10)
        assert opened.status_code == 200
        session_cookie = provider.cookies.get("relieflog_share")
        assert session_cookie
        for path in PROVIDER_PATHS:
            assert provider.get(f"{server.url}{path}", timeout=10).status_code == 200
        wrong = provider.post(f"{server.url}/api/v1/shared/session",
                              json={"token": token[:-4] + "AAAA"}, timeout=10)
        assert wrong.status_code == 404
        assert patient.delete(f"{server.url}/api/v1/shares/{created['id']}",
                              timeout=10).status_code == 204
        assert provider.get(f"{server.url}/api/v1/shared/trends", timeout=10).status_code == 410
    log = server.log()
    assert "/api/v1/shared/session" in log and "/api/v1/shared/trends" in log  # it did log
    for secret in (token, token[:16], token[-16:], session_cookie,
                   hashlib.sha256(token.encode()).hexdigest()):
        assert secret not in log
