"""The security log a patient reads at /me/audit."""

from __future__ import annotations

from sqlalchemy import select

from api.audit.models import AuditEvent
from api.browsers import browser_of
from api.db import db
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
