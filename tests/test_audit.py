"""The security log a patient reads at /me/audit."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from api.audit.models import AuditEvent
from api.browsers import browser_of
from api.db import db
from api.models import utcnow
from tests.conftest import PASSWORD

ANDROID_CHROME = ("Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 "
                  "(KHTML, like Gecko) Chrome/130.0.0.0 Mobile Safari/537.36")


def events(client) -> list[str]:
    return [e["event"] for e in client.get("/api/v1/me/audit").get_json()["items"]]


def test_logins_tokens_and_password_changes_are_logged(app, alice):
    email = alice.user["email"]
    stranger = app.test_client()
    stranger.post("/api/v1/auth/login", json={"email": email, "password": "not it at all"})
    phone = app.test_client()
    phone.post("/api/v1/auth/login", json={"email": email, "password": PASSWORD},
               headers={"User-Agent": ANDROID_CHROME})
    token = alice.post("/api/v1/tokens", json={"label": "backup script"}).get_json()
    alice.delete(f"/api/v1/tokens/{token['id']}")
    alice.post("/api/v1/me/password", json={"current_password": PASSWORD,
                                            "new_password": "another long password"})
    items = alice.get("/api/v1/me/audit").get_json()["items"]
    assert [i["event"] for i in items] == [
        "password_changed", "token_revoked", "token_created", "login_succeeded",
        "login_failed"]
    assert items[1]["detail"] == "backup script"
    assert items[3]["detail"] == "Chrome on Android"
    # The raw token never reaches the log.
    assert all(token["token"] not in i["detail"] for i in items)


def test_log_is_private_and_read_only(app, alice, bob, client):
    alice.post("/api/v1/tokens", json={"label": "mine"})
    assert "token_created" not in events(bob)
    assert client.get("/api/v1/me/audit").status_code == 401
    for method in ("post", "put", "patch", "delete"):
        assert getattr(alice, method)("/api/v1/me/audit", json={}).status_code == 405
    assert alice.get("/api/v1/me/audit?limit=0").status_code == 422


def test_deleting_the_account_deletes_its_log(app, alice):
    alice.post("/api/v1/tokens", json={"label": "x"})
    alice.delete("/api/v1/me", json={"password": PASSWORD})
    with app.app_context():
        assert db.session.scalars(select(AuditEvent)).all() == []


def test_browser_descriptions_are_coarse():
    assert browser_of(ANDROID_CHROME) == "Chrome on Android"
    assert browser_of("curl/8.5.0") == "curl"
    assert browser_of("") == "Unknown browser"
    iphone = ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 "
              "(KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1")
    assert browser_of(iphone) == "Safari on iPhone"


def test_shares_and_exports_are_logged(app, alice):
    created = alice.post("/api/v1/shares", json={"label": "Dr. Rivera"}).get_json()
    provider = app.test_client()
    token = created["url"].split("#", 1)[1]
    provider.post("/api/v1/shared/session", json={"token": token},
                  headers={"User-Agent": ANDROID_CHROME})
    alice.get("/api/v1/export/entries.csv")
    everything = alice.get("/api/v1/me/export").get_json()
    alice.delete(f"/api/v1/shares/{created['id']}")
    alice.delete(f"/api/v1/shares/{created['id']}")  # a replay adds nothing
    items = alice.get("/api/v1/me/audit").get_json()["items"]
    assert [i["event"] for i in items[:5]] == [
        "share_revoked", "exported", "exported", "share_viewed", "share_created"]
    assert items[3]["detail"] == "Dr. Rivera: page, Chrome on Android"
    assert token not in str(items)
    # The JSON export holds the shares, their views and this log too.
    assert everything["shares"][0]["label"] == "Dr. Rivera"
    assert everything["share_views"][0]["kind"] == "page"
    assert {e["event"] for e in everything["audit_events"]} >= {"share_created", "exported"}


def test_the_log_pages_back_with_a_cursor(app, alice):
    for n in range(7):
        assert alice.post("/api/v1/tokens", json={"label": f"t{n}"}).status_code == 201
    first = alice.get("/api/v1/me/audit?limit=3").get_json()
    assert [i["detail"] for i in first["items"]] == ["t6", "t5", "t4"]
    assert first["next_before"] == first["items"][-1]["id"]
    second = alice.get(f"/api/v1/me/audit?limit=3&before={first['next_before']}").get_json()
    assert [i["detail"] for i in second["items"]] == ["t3", "t2", "t1"]
    last = alice.get(f"/api/v1/me/audit?limit=3&before={second['next_before']}").get_json()
    assert [i["detail"] for i in last["items"]] == ["t0"]
    assert last["next_before"] is None
    # Exactly a page left: still no next page.
    exact = alice.get(f"/api/v1/me/audit?limit=3&before={first['next_before']}").get_json()
    assert len(exact["items"]) == 3 and exact["next_before"] is not None


def test_logins_stay_findable_after_a_flood_of_other_events(app, alice):
    email = alice.user["email"]
    app.test_client().post("/api/v1/auth/login", json={"email": email, "password": "nope nope"})
    app.test_client().post("/api/v1/auth/login", json={"email": email, "password": PASSWORD})
    with app.app_context():  # 150 provider views later (one per viewing session)
        user_id = db.session.scalar(select(AuditEvent.user_id))
        later = utcnow() + timedelta(seconds=1)
        db.session.add_all([AuditEvent(user_id=user_id, event="share_viewed",
                                       detail=f"Dr. Flood: page, curl {n}",
                                       created_at=later + timedelta(milliseconds=n))
                            for n in range(150)])
        db.session.commit()
    recent = alice.get("/api/v1/me/audit").get_json()
    assert {i["event"] for i in recent["items"]} == {"share_viewed"}
    assert len(recent["items"]) == 100 and recent["next_before"] is not None
    # Filtered by kind of event...
    logins = alice.get("/api/v1/me/audit?event=login_succeeded&event=login_failed").get_json()
    assert [i["event"] for i in logins["items"]] == ["login_succeeded", "login_failed"]
    assert logins["next_before"] is None
    # ...or by following the cursor.
    older = alice.get(f"/api/v1/me/audit?before={recent['next_before']}").get_json()
    assert [i["event"] for i in older["items"]][-2:] == ["login_succeeded", "login_failed"]
    assert older["next_before"] is None


def test_the_cursor_and_filter_are_checked(alice, bob):
    bob.post("/api/v1/tokens", json={"label": "bob's"})
    bobs = bob.get("/api/v1/me/audit").get_json()["items"][0]["id"]
    for query, field in (("event=login_failed&event=nothing", "event.1"),
                         ("before=abc", "before"), ("before=0", "before"),
                         ("before=2147483648", "before"), ("limit=501", "limit")):
        response = alice.get(f"/api/v1/me/audit?{query}")
        assert response.status_code == 422, query
        assert list(response.get_json()["errors"]) == [field]
    # Another patient's event is not a cursor here: nothing is revealed about it.
    other = alice.get(f"/api/v1/me/audit?before={bobs}")
    assert other.status_code == 422 and "before" in other.get_json()["errors"]


def test_events_without_a_detail_name_the_browser_that_did_them(app, alice):
    """Each route passes its request's browser to the service that logs (services never
    read the request): a forgotten one would log an empty line."""
    phone = {"User-Agent": ANDROID_CHROME}
    assert alice.post("/api/v1/me/password", headers=phone, json={
        "current_password": PASSWORD, "new_password": "another long password"}
        ).status_code == 204
    blank = alice.post("/api/v1/tokens", json={"label": "  "}, headers=phone).get_json()
    alice.delete(f"/api/v1/tokens/{blank['id']}", headers={"User-Agent": "curl/8.5.0"})
    alice.post("/api/v1/auth/logout", headers=phone)
    again = app.test_client()
    again.post("/api/v1/auth/login", json={"email": alice.user["email"],
                                           "password": "another long password"})
    items = again.get("/api/v1/me/audit").get_json()["items"]
    assert [(i["event"], i["detail"]) for i in items[:5]] == [
        ("login_succeeded", "Unknown browser"), ("logged_out", "Chrome on Android"),
        ("token_revoked", "curl"), ("token_created", "Chrome on Android"),
        ("password_changed", "Chrome on Android")]
