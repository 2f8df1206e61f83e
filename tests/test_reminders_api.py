"""Reminders' API: settings, push subscriptions and their strict input, the push key."""

from __future__ import annotations

import base64
import os

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from sqlalchemy import func, select

from api.auth.models import User
from api.db import db
from api.reminders.models import PushSubscription
from tests.conftest import other_app, register

FCM = "https://fcm.googleapis.com/fcm/send/device-1:APA91b"


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def keys() -> dict:
    point = ec.generate_private_key(ec.SECP256R1()).public_key().public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
    return {"p256dh": b64url(point), "auth": b64url(os.urandom(16))}


def user_id(app, who) -> int:
    with app.app_context(), db.read():
        return db.session.scalar(select(User.id).where(User.email == who.user["email"]))


def subscriptions(app, **where) -> list[PushSubscription]:
    with app.app_context(), db.read():
        query = select(PushSubscription)
        for name, value in where.items():
            query = query.where(getattr(PushSubscription, name) == value)
        return list(db.session.scalars(query))


OFF = {"daily": {"enabled": False, "time": "20:00"}, "after_session": False,
       "questionnaires": False}


def test_reminders_are_off_until_turned_on(alice):
    assert alice.get("/api/v1/me/reminders").get_json() == OFF
    on = {"daily": {"enabled": True, "time": "07:30"}, "after_session": True,
          "questionnaires": False}
    response = alice.put("/api/v1/me/reminders", json=on)
    assert response.status_code == 200 and response.get_json() == on
    assert alice.get("/api/v1/me/reminders").get_json() == on


@pytest.mark.parametrize(("body", "field"), [
    ({**OFF, "daily": {"enabled": True, "time": "24:00"}}, "daily.time"),
    ({**OFF, "daily": {"enabled": True, "time": "7:30"}}, "daily.time"),
    ({**OFF, "daily": {"enabled": True, "time": "07:30:00"}}, "daily.time"),
    ({**OFF, "daily": {"enabled": 1, "time": "07:30"}}, "daily.enabled"),
    ({**OFF, "daily": {"enabled": True}}, "daily.time"),
    ({**OFF, "after_session": "true"}, "after_session"),
    ({**OFF, "questionnaires": 0}, "questionnaires"),
    ({"daily": OFF["daily"], "after_session": False}, "questionnaires"),
    ({**OFF, "weekly": True}, "weekly"),
    ({**OFF, "daily": None}, "daily"),
])
def test_settings_are_strict(alice, body, field):
    response = alice.put("/api/v1/me/reminders", json=body)
    assert response.status_code == 422
    assert response.content_type == "application/problem+json"
    assert field in response.get_json()["errors"]
    assert alice.get("/api/v1/me/reminders").get_json() == OFF


def test_reminders_need_a_login(client):
    assert client.get("/api/v1/me/reminders").status_code == 401
    assert client.post("/api/v1/push/subscriptions",
                       json={"endpoint": FCM, "keys": keys()}).status_code == 401


def test_the_push_key_is_made_once_into_the_instance_folder(database_url, tmp_path, app):
    key_file = tmp_path / "vapid_private_key.pem"
    with other_app(database_url, VAPID_KEY_FILE=key_file) as first:
        key = first.test_client().get("/api/v1/push/key").get_json()["public_key"]
    assert key_file.stat().st_mode & 0o777 == 0o600
    raw = base64.urlsafe_b64decode(key + "=" * (-len(key) % 4))
    assert len(raw) == 65 and raw[0] == 4
    with other_app(database_url, VAPID_KEY_FILE=key_file) as second:
        assert second.test_client().get("/api/v1/push/key").get_json() == {"public_key": key}


def test_vapid_private_key_setting_wins(database_url, tmp_path, app):
    private = ec.generate_private_key(ec.SECP256R1())
    pem = private.private_bytes(serialization.Encoding.PEM,
                                serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption()).decode()
    expected = b64url(private.public_key().public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint))
    with other_app(database_url, VAPID_PRIVATE_KEY=pem,
                   VAPID_KEY_FILE=tmp_path / "unused.pem") as configured:
        got = configured.test_client().get("/api/v1/push/key").get_json()
    assert got == {"public_key": expected}
    assert not (tmp_path / "unused.pem").exists()


def test_subscribing_twice_keeps_one_subscription(app, alice):
    body = {"endpoint": FCM, "keys": keys(), "language": "es-MX"}
    first = alice.post("/api/v1/push/subscriptions", json=body)
    assert first.status_code == 201
    assert first.get_json()["language"] == "es"
    again = alice.post("/api/v1/push/subscriptions", json=body)
    assert again.status_code == 200
    assert len(subscriptions(app)) == 1


def test_a_device_belongs_to_whoever_subscribed_it_last(app, alice, bob):
    body = {"endpoint": FCM, "keys": keys()}
    assert alice.post("/api/v1/push/subscriptions", json=body).status_code == 201
    assert bob.post("/api/v1/push/subscriptions", json=body).status_code == 201
    [row] = subscriptions(app)
    assert row.user_id == user_id(app, bob)


@pytest.mark.parametrize("endpoint", [
    "http://fcm.googleapis.com/fcm/send/x",
    "https://push.example.org/fcm/send/x",
    "https://fcm.googleapis.com.evil.example/x",
    "https://evilfcm.googleapis.com/x",
    "https://notify.windows.com.evil.example/x",
    "https://142.250.1.1/fcm/send/x",
    "https://[2001:db8::1]/x",
    "https://user:secret@fcm.googleapis.com/fcm/send/x",
    "https://user@fcm.googleapis.com/fcm/send/x",
    "https://fcm.googleapis.com:8443/fcm/send/x",
    "https://fcm.googleapis.com/" + "x" * 1100,
    "http://127.0.0.1:8000/push/x",  # the tests' stand-in is refused by default
    "https://fcm.googleapis.com/fcm/send/x\nHost: evil",
    "ftp://fcm.googleapis.com/x",
    "fcm.googleapis.com/x",
    "",
    "https://fcm.googleapis.com@evil.example/x",
    "https://fcm.googleapis.com%40evil.example/x",
    "https://fcm.googleapis.com\\@evil.example/x",
    "https://evil.example\uff0f@fcm.googleapis.com/x",
    "https://[::1]/x",
    "https://[::ffff:127.0.0.1]/x",
    "https://[fe80::1%25eth0]/x",
    "https://127.1/x",
    "https://2130706433/x",
    "https://0x7f.0.0.1/x",
    "https://fcm.googleapis.com../x",
    "https://\uff46cm.googleapis.com/fcm/send/x",  # fullwidth "f": not IDNA 2008
])
def test_endpoints_only_on_known_push_services(app, alice, endpoint):
    response = alice.post("/api/v1/push/subscriptions",
                          json={"endpoint": endpoint, "keys": keys()})
    assert response.status_code == 422, endpoint
    assert "endpoint" in response.get_json()["errors"]
    assert subscriptions(app) == []


@pytest.mark.parametrize("endpoint", [
    FCM,
    "https://updates.push.services.mozilla.com/wpush/v2/gAAAAAB",
    "https://web.push.apple.com/QGuQyavXutnMx",
    "https://wns2-par02p.notify.windows.com/w/?token=BQYAAA",
])
def test_the_big_push_services_are_allowed(alice, endpoint):
    response = alice.post("/api/v1/push/subscriptions",
                          json={"endpoint": endpoint, "keys": keys()})
    assert response.status_code == 201, response.get_json()


def _off_curve() -> str:
    return b64url(b"\x04" + b"\x01" * 64)


@pytest.mark.parametrize(("change", "field"), [
    ({"p256dh": "not base64!"}, "keys.p256dh"),
    ({"p256dh": b64url(os.urandom(33))}, "keys.p256dh"),
    ({"p256dh": b64url(b"\x02" + os.urandom(64))}, "keys.p256dh"),
    ({"p256dh": _off_curve()}, "keys.p256dh"),
    ({"p256dh": 7}, "keys.p256dh"),
    ({"auth": b64url(os.urandom(15))}, "keys.auth"),
    ({"auth": b64url(os.urandom(17))}, "keys.auth"),
    ({"auth": "é" * 22}, "keys.auth"),
    ({"extra": "x"}, "keys.extra"),
])
def test_bad_keys_are_refused(app, alice, change, field):
    body = {"endpoint": FCM, "keys": {**keys(), **change}}
    response = alice.post("/api/v1/push/subscriptions", json=body)
    assert response.status_code == 422
    assert field in response.get_json()["errors"], response.get_json()
    assert subscriptions(app) == []


def test_missing_keys_and_unknown_fields(alice):
    response = alice.post("/api/v1/push/subscriptions", json={"endpoint": FCM})
    assert response.status_code == 422 and "keys" in response.get_json()["errors"]
    response = alice.post("/api/v1/push/subscriptions",
                          json={"endpoint": FCM, "keys": keys(), "expirationTime": None})
    assert response.status_code == 422 and "expirationTime" in response.get_json()["errors"]


def test_another_patients_device_cannot_be_unsubscribed(app, alice, bob):
    assert alice.post("/api/v1/push/subscriptions",
                      json={"endpoint": FCM, "keys": keys()}).status_code == 201
    assert bob.delete("/api/v1/push/subscriptions", json={"endpoint": FCM}).status_code == 204
    assert bob.delete("/api/v1/push/subscriptions", json={"all": True}).status_code == 204
    assert len(subscriptions(app, user_id=user_id(app, alice))) == 1
    assert alice.delete("/api/v1/push/subscriptions", json={"endpoint": FCM}).status_code == 204
    assert subscriptions(app) == []


def test_turn_off_on_all_devices(app, alice, bob):
    for n in range(3):
        alice.post("/api/v1/push/subscriptions",
                   json={"endpoint": f"{FCM}{n}", "keys": keys()})
    bob.post("/api/v1/push/subscriptions", json={"endpoint": f"{FCM}bob", "keys": keys()})
    assert alice.delete("/api/v1/push/subscriptions", json={"all": True}).status_code == 204
    assert [s.endpoint for s in subscriptions(app)] == [f"{FCM}bob"]


@pytest.mark.parametrize("body", [{}, {"all": False}, {"all": True, "endpoint": FCM},
                                  {"all": "yes"}, {"endpoint": 5}])
def test_unsubscribe_needs_one_of_endpoint_or_all(alice, body):
    response = alice.delete("/api/v1/push/subscriptions", json=body)
    assert response.status_code == 422


def test_logging_out_with_the_endpoint_forgets_the_device(app, alice):
    alice.post("/api/v1/push/subscriptions", json={"endpoint": FCM, "keys": keys()})
    alice.post("/api/v1/push/subscriptions", json={"endpoint": FCM + "other", "keys": keys()})
    assert alice.post("/api/v1/auth/logout", json={"endpoint": FCM}).status_code == 204
    assert [s.endpoint for s in subscriptions(app)] == [FCM + "other"]
    assert alice.get("/api/v1/me").status_code == 401


def test_logging_out_without_a_body_still_works(alice):
    assert alice.post("/api/v1/auth/logout").status_code == 204
    assert alice.get("/api/v1/me").status_code == 401


def test_snooze_needs_one_of_the_callers_devices(app, alice, bob):
    alice.post("/api/v1/push/subscriptions", json={"endpoint": FCM, "keys": keys()})
    response = alice.post("/api/v1/push/snooze", json={"endpoint": FCM, "kind": "daily"})
    assert response.status_code == 200
    assert set(response.get_json()) == {"kind", "remind_at"}
    assert bob.post("/api/v1/push/snooze",
                    json={"endpoint": FCM, "kind": "daily"}).status_code == 404
    assert alice.post("/api/v1/push/snooze",
                      json={"endpoint": FCM, "kind": "weekly"}).status_code == 422


def test_deleting_the_account_deletes_its_subscriptions(app, alice):
    alice.post("/api/v1/push/subscriptions", json={"endpoint": FCM, "keys": keys()})
    alice.put("/api/v1/me/reminders", json=OFF)
    response = alice.delete("/api/v1/me", json={"password": "correct horse battery staple"})
    assert response.status_code == 204
    with app.app_context(), db.read():
        assert db.session.scalar(select(func.count()).select_from(PushSubscription)) == 0


def test_openapi_documents_the_reminder_routes(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    for path in ("/api/v1/me/reminders", "/api/v1/push/key", "/api/v1/push/subscriptions",
                 "/api/v1/push/snooze"):
        assert path in paths
    delete = paths["/api/v1/push/subscriptions"]["delete"]
    assert "all" in str(delete)


def test_the_export_has_the_reminders_but_not_the_devices_keys(alice):
    body = {"endpoint": FCM, "keys": keys()}
    alice.post("/api/v1/push/subscriptions", json=body)
    alice.put("/api/v1/me/reminders", json={**OFF, "after_session": True})
    document = alice.get("/api/v1/me/export").get_json()
    assert document["reminders"]["after_session"] is True
    assert [d["endpoint"] for d in document["push_subscriptions"]] == [FCM]
    assert body["keys"]["auth"] not in str(document)
    assert body["keys"]["p256dh"] not in str(document)
    assert document["reminder_sends"] == []


@pytest.mark.parametrize(("path", "method", "body", "field"), [
    ("/api/v1/push/subscriptions", "delete", {"endpoint": "a\u0000b"}, "endpoint"),
    ("/api/v1/push/subscriptions", "delete", {"endpoint": "\ud800"}, "endpoint"),
    ("/api/v1/push/snooze", "post", {"endpoint": "a\u0000b", "kind": "daily"}, "endpoint"),
    ("/api/v1/push/subscriptions", "post",
     {"endpoint": FCM, "keys": keys(), "language": "e\u0000s"}, "language"),
    ("/api/v1/auth/logout", "post", {"endpoint": "a\u0000b"}, "endpoint"),
])
def test_text_that_cannot_be_stored_is_refused(alice, path, method, body, field):
    response = getattr(alice, method)(path, json=body)
    assert response.status_code == 422
    assert field in response.get_json()["errors"]


def test_push_allowed_hosts_is_the_list(database_url, app):
    with other_app(database_url, PUSH_ALLOWED_HOSTS="push.example.org, .push.example.net"
                   ) as configured:
        client = configured.test_client()
        register(client)
        for endpoint, status in [("https://push.example.org/x", 201),
                                 ("https://eu.push.example.net/x", 201),
                                 ("https://push.example.net/x", 422),
                                 (FCM, 422)]:
            response = client.post("/api/v1/push/subscriptions",
                                   json={"endpoint": endpoint, "keys": keys()})
            assert response.status_code == status, endpoint


# --- Endpoints as the sender's HTTP library reads them (issue 20, item 2) ----------------

@pytest.mark.parametrize("endpoint", [
    # urlsplit keeps a backslash in the host; requests/urllib3 end the host at it and
    # would connect to 127.0.0.1.
    "https://127.0.0.1\\.notify.windows.com/x",
    "https://localhost\\.notify.windows.com/x",
    # Percent-escapes in the host: urllib3 decodes them ("%2e" is a dot).
    "https://evil%2eexample.notify.windows.com/x",
    "https://127.0.0.1%2f.notify.windows.com/x",
    "https://localhost%00.notify.windows.com/x",
    # Characters no host name has.
    "https://evil.example;.notify.windows.com/x",
    "https://under_score.notify.windows.com/x",
    "https://a!b.notify.windows.com/x",
    "https://a..notify.windows.com/x",
    "https://-wns.notify.windows.com/x",
    # IDNA: A-labels that are not valid IDNA.
    "https://xn--wns-.notify.windows.com/x",
    "https://xn--zz.notify.windows.com/x",
    # A fragment is not sent: what is posted to would not be what was stored.
    "https://fcm.googleapis.com/x#fragment",
])
def test_endpoints_the_sender_would_read_differently_are_refused(app, alice, endpoint):
    response = alice.post("/api/v1/push/subscriptions",
                          json={"endpoint": endpoint, "keys": keys()})
    assert response.status_code == 422, endpoint
    assert response.content_type == "application/problem+json"
    assert "endpoint" in response.get_json()["errors"]
    assert subscriptions(app) == []


@pytest.mark.parametrize(("given", "stored"), [
    ("https://FCM.GoogleAPIs.com/fcm/send/x", "https://fcm.googleapis.com/fcm/send/x"),
    ("https://fcm.googleapis.com./fcm/send/x", "https://fcm.googleapis.com/fcm/send/x"),
    ("https://fcm.googleapis.com:443/fcm/send/x", "https://fcm.googleapis.com/fcm/send/x"),
    ("HTTPS://wns2.Notify.Windows.com.:443/w/?token=A", "https://wns2.notify.windows.com/w/?token=A"),
    ("https://b\u00fccher.notify.windows.com/w/x",
     "https://xn--bcher-kva.notify.windows.com/w/x"),
])
def test_endpoints_are_stored_as_the_sender_will_post_to_them(app, alice, given, stored):
    """One device, however its endpoint is spelled: stored normalised, found by either
    spelling (replay, unsubscribe)."""
    body = {"endpoint": given, "keys": keys()}
    response = alice.post("/api/v1/push/subscriptions", json=body)
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["endpoint"] == stored
    again = alice.post("/api/v1/push/subscriptions", json={**body, "endpoint": stored})
    assert again.status_code == 200
    assert [s.endpoint for s in subscriptions(app)] == [stored]
    assert alice.post("/api/v1/push/snooze",
                      json={"endpoint": given, "kind": "daily"}).status_code == 200
    assert alice.delete("/api/v1/push/subscriptions", json={"endpoint": given}
                        ).status_code == 204
    assert subscriptions(app) == []


# --- At most ten devices per account (issue 20, item 3) ----------------------------------

def test_an_eleventh_device_replaces_the_one_subscribed_longest_ago(app, alice, bob):
    assert bob.post("/api/v1/push/subscriptions",
                    json={"endpoint": f"{FCM}bob", "keys": keys()}).status_code == 201
    for n in range(10):
        response = alice.post("/api/v1/push/subscriptions",
                              json={"endpoint": f"{FCM}{n}", "keys": keys()})
        assert response.status_code == 201
    # The same device again is not a new one: nothing is replaced.
    assert alice.post("/api/v1/push/subscriptions",
                      json={"endpoint": f"{FCM}0", "keys": keys()}).status_code == 200
    assert len(subscriptions(app, user_id=user_id(app, alice))) == 10
    assert alice.post("/api/v1/push/subscriptions",
                      json={"endpoint": f"{FCM}new", "keys": keys()}).status_code == 201
    assert sorted(s.endpoint for s in subscriptions(app, user_id=user_id(app, alice))) \
        == sorted([f"{FCM}{n}" for n in range(1, 10)] + [f"{FCM}new"])
    assert [s.endpoint for s in subscriptions(app, user_id=user_id(app, bob))] == [f"{FCM}bob"]


def test_0012_keeps_each_accounts_ten_newest_devices(empty_database_url):
    """An account that had registered more than ten devices before the limit keeps the
    ten subscribed last; other accounts keep theirs."""
    from datetime import timedelta

    import sqlalchemy as sa
    from flask_migrate import upgrade

    from api.config import ROOT
    from api.models import utcnow

    users = sa.table("users", *(sa.column(c) for c in (
        "id", "email", "password_hash", "display_name", "timezone", "disabled")),
        sa.column("questionnaires", sa.JSON()),
        sa.column("created_at", sa.DateTime(timezone=True)))
    devices = sa.table("push_subscriptions", *(sa.column(c) for c in (
        "id", "user_id", "endpoint", "p256dh", "auth", "language")),
        *(sa.column(c, sa.DateTime(timezone=True)) for c in ("created_at", "updated_at")))
    now = utcnow()
    with other_app(empty_database_url) as app, app.app_context():
        upgrade(directory=str(ROOT / "migrations"), revision="0010")
        db.session.execute(sa.insert(users), [
            {"id": n, "email": f"u{n}@example.org", "password_hash": "x",
             "display_name": "", "timezone": "UTC", "disabled": False,
             "questionnaires": [], "created_at": now} for n in (1, 2)])
        db.session.execute(sa.insert(devices), [
            {"id": n, "user_id": 1 if n <= 300 else 2, "endpoint": f"{FCM}{n}",
             "p256dh": "k", "auth": "a", "language": "en",
             # Subscribed in an order unlike their ids: the newest are 1..10.
             "created_at": now - timedelta(minutes=n), "updated_at": now}
            for n in range(1, 304)])
        db.session.commit()
        upgrade(directory=str(ROOT / "migrations"))
        kept = db.session.execute(sa.text(
            "SELECT user_id, id FROM push_subscriptions ORDER BY user_id, id")).all()
        db.session.commit()
    assert [tuple(row) for row in kept] == [(1, n) for n in range(1, 11)] + [
        (2, n) for n in (301, 302, 303)]
