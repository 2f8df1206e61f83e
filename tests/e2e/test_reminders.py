"""Reminders in the PWA (issue 14): Today links an unlogged yesterday (for phones without
push), the service worker shows a pushed reminder as the server worded it (nothing more, and
nothing cached) and a tap opens the screen it names; Settings keeps the choices (with the
reminders API)."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
import time
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import Phone

pytestmark = pytest.mark.e2e

# UTC+14: its "yesterday" is often not Berlin's (the browser's), so the test shows the
# prompt follows the account's time zone.
KIRITIMATI = "Pacific/Kiritimati"
# The notifications the app's worker shows now, as the page can read them.
NOTIFICATIONS = """() => navigator.serviceWorker.ready
  .then((r) => r.getNotifications())
  .then((ns) => ns.map((n) => ({title: n.title, body: n.body, data: n.data, tag: n.tag,
    actions: n.actions.map((a) => ({action: a.action, title: a.title}))})))"""
# Every URL in the worker's caches.
CACHED = """() => caches.keys()
  .then((names) => Promise.all(names.map((n) => caches.open(n).then((c) => c.keys()))))
  .then((all) => all.flat().map((r) => r.url))"""


def local_day(zone: str, offset: int = 0) -> str:
    return (dt.datetime.now(ZoneInfo(zone)).date() + dt.timedelta(days=offset)).isoformat()


def account_made_days_ago(database_url: str, email: str, days: int) -> None:
    """As if the patient had signed up `days` days ago (there was a yesterday to log)."""
    path = database_url.removeprefix("sqlite:///")
    with sqlite3.connect(path) as db:
        db.execute("UPDATE users SET created_at = datetime(created_at, ?) WHERE email = ?",
                   (f"-{days} days", email))


def missing_link(phone: Phone):  # noqa: ANN201 - a Playwright locator
    return phone.page.locator("a.missing-day")


# ---- Today without push ----


def test_today_links_an_unlogged_yesterday_until_it_is_logged(phone: Phone,
                                                               database_url: str) -> None:
    page = phone.page
    phone.sign_up(timezone=KIRITIMATI)
    # A new account has no yesterday to log.
    expect(page.get_by_role("heading", name="Today")).to_be_visible()
    expect(missing_link(phone)).to_have_count(0)

    account_made_days_ago(database_url, phone.email, 3)
    phone.goto("/today")
    yesterday = local_day(KIRITIMATI, -1)
    link = page.get_by_role("link", name="Yesterday isn't logged — add it")
    expect(link).to_be_visible()
    expect(link).to_have_attribute("href", f"/history/{yesterday}")
    phone.check("reminders-today-missing-yesterday")

    link.click()
    page.wait_for_url(f"**/history/{yesterday}")
    # The day screen: log yesterday there.
    phone.scale("Pain", 4).click()
    phone.scale("Mood", 6).click()
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".toast, [role=status]").first).to_be_visible()
    entry = phone.api().get(f"{phone.url}/api/v1/entries/{yesterday}", timeout=10)
    assert entry.status_code == 200, entry.text

    phone.goto("/today")
    expect(page.locator(".status-line").first).to_be_visible()
    expect(missing_link(phone)).to_have_count(0)
    phone.assert_clean()


def test_spanish_today_says_yesterday_is_missing(es_phone: Phone, database_url: str) -> None:
    phone = es_phone
    phone.register(timezone="Europe/Madrid")
    account_made_days_ago(database_url, phone.email, 2)
    phone.log_in("es")
    link = phone.page.get_by_role("link", name="Ayer está sin registrar — añádelo")
    expect(link).to_be_visible()
    expect(link).to_have_attribute("href", f"/history/{local_day('Europe/Madrid', -1)}")
    phone.check("reminders-today-missing-yesterday-es")
    phone.assert_clean()


# ---- The service worker ----


def registration_id(phone: Phone, cdp: Any) -> str:
    """The service worker registration of the app, as DevTools names it."""
    found: list[dict[str, Any]] = []
    cdp.on("ServiceWorker.workerRegistrationUpdated",
           lambda event: found.extend(event["registrations"]))
    cdp.send("ServiceWorker.enable")
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        for registration in found:
            if registration["scopeURL"] == f"{phone.url}/" and not registration.get("isDeleted"):
                return str(registration["registrationId"])
        phone.page.wait_for_timeout(100)
    raise AssertionError(f"no registration for {phone.url}/: {found}")


class Pusher:
    """Delivers push messages to the app's worker as the push service would (DevTools'
    Push button: CDP ServiceWorker.deliverPushMessage)."""

    def __init__(self, phone: Phone) -> None:
        self.phone = phone
        self.cdp = phone.context.new_cdp_session(phone.page)
        self.registration = registration_id(phone, self.cdp)  # reported once, on enable

    def deliver(self, payload: dict[str, Any] | str) -> None:
        data = payload if isinstance(payload, str) else json.dumps(payload)
        self.cdp.send("ServiceWorker.deliverPushMessage", {
            "origin": self.phone.url, "registrationId": self.registration, "data": data})


def notifications(phone: Phone, count: int = 1) -> list[dict[str, Any]]:
    deadline = time.monotonic() + 10
    shown: list[dict[str, Any]] = []
    while time.monotonic() < deadline:
        shown = phone.page.evaluate(NOTIFICATIONS)
        if len(shown) >= count:
            return shown
        phone.page.wait_for_timeout(100)
    raise AssertionError(f"expected {count} notification(s), got {shown}")


@pytest.fixture
def push_phone(phone: Phone) -> Phone:
    """A patient logged in, the service worker in control, notifications allowed."""
    phone.sign_up()
    phone.wait_for_service_worker()
    phone.context.grant_permissions(["notifications"], origin=phone.url)
    return phone


@pytest.mark.worker
def test_a_pushed_reminder_shows_the_servers_words_and_nothing_is_cached(push_phone: Phone) -> None:
    phone = push_phone
    push = Pusher(phone)
    before = phone.page.evaluate(CACHED)
    push.deliver({"kind": "daily", "title": "Relieflog", "body": "Time for today's check-in",
                         "url": "/today"})
    [shown] = notifications(phone)
    assert shown == {
        "title": "Relieflog", "body": "Time for today's check-in", "tag": "relieflog-daily",
        "data": {"kind": "daily", "url": "/today"},
        "actions": [{"action": "snooze", "title": "Remind me in an hour"}],
    }
    after = phone.page.evaluate(CACHED)
    assert sorted(after) == sorted(before)
    assert not any("/api/" in url for url in after)

    # Another daily reminder replaces it; a check-in's stands beside it. An address that is
    # not this app's opens Today instead.
    push.deliver({"kind": "questionnaire", "title": "Relieflog", "body": "A check-in is due",
                         "url": "https://elsewhere.example/phish"})
    push.deliver({"kind": "daily", "title": "Relieflog", "body": "Time for today's check-in",
                         "url": "//elsewhere.example/today"})
    both = notifications(phone, 2)
    assert sorted((n["tag"], n["data"]["url"]) for n in both) == [
        ("relieflog-daily", "/today"), ("relieflog-questionnaire", "/today")]
    phone.assert_clean()


@pytest.mark.worker
def test_a_push_that_is_not_json_still_shows_the_apps_name(push_phone: Phone) -> None:
    phone = push_phone
    push = Pusher(phone)
    push.deliver("not json")
    [shown] = notifications(phone)
    assert (shown["title"], shown["body"], shown["data"]) == (
        "Relieflog", "", {"kind": "reminder", "url": "/today"})


@pytest.mark.worker
def test_tapping_a_reminder_opens_the_screen_it_names(push_phone: Phone) -> None:
    phone = push_phone
    push = Pusher(phone)
    phone.goto("/trends")
    push.deliver({"kind": "questionnaire", "title": "Relieflog", "body": "A check-in is due",
                         "url": "/checkin/phq9"})
    notifications(phone)
    # A tap runs the worker's notificationclick handler; DevTools cannot tap a notification,
    # so the handler's own function runs in the worker with the notification shown.
    [worker] = phone.context.service_workers
    worker.evaluate(
        "self.registration.getNotifications().then(([n]) => openFromNotification(n, ''))")
    phone.page.wait_for_url("**/checkin/phq9")
    expect(phone.page.locator(".screen-checkin h1")).to_be_visible()
    assert phone.page.evaluate(NOTIFICATIONS) == []  # closed
    phone.assert_clean()


@pytest.mark.worker
def test_spanish_reminders_have_a_spanish_snooze(es_phone: Phone) -> None:
    phone = es_phone
    phone.sign_up("Europe/Madrid", "es")
    phone.wait_for_service_worker()
    phone.page.reload()  # the worker now controls the page and keeps es.json
    phone.page.get_by_role("heading", name="Hoy").wait_for()
    phone.context.grant_permissions(["notifications"], origin=phone.url)
    push = Pusher(phone)
    push.deliver({"kind": "daily", "title": "Relieflog", "body": "Es hora del registro de hoy",
                         "url": "/today"})
    [shown] = notifications(phone)
    assert shown["actions"] == [{"action": "snooze", "title": "Recuérdamelo en una hora"}]
    assert shown["body"] == "Es hora del registro de hoy"


# ---- Settings (needs the reminders API: GET/PUT /me/reminders, /push/*) ----

# Headless Chromium has no push service (PushManager.subscribe() is refused), so the page's
# PushManager is replaced by a stand-in that behaves like one: a subscription with an
# endpoint on a known push host and real P-256 / auth keys, kept across reloads.
FAKE_PUSH = """
(() => {
  const KEY = "test.push-subscription";
  const b64url = (bytes) => btoa(String.fromCharCode(...new Uint8Array(bytes)))
    .replace(/\\+/g, "-").replace(/\\//g, "_").replace(/=+$/, "");
  const make = (saved) => ({
    endpoint: saved.endpoint,
    toJSON: () => ({ endpoint: saved.endpoint, expirationTime: null, keys: saved.keys }),
    unsubscribe: async () => { localStorage.removeItem(KEY); return true; },
  });
  PushManager.prototype.getSubscription = async function () {
    const saved = localStorage.getItem(KEY);
    return saved ? make(JSON.parse(saved)) : null;
  };
  PushManager.prototype.subscribe = async function (options) {
    if (!options || !options.applicationServerKey || options.applicationServerKey.length !== 65) {
      throw new DOMException("bad key", "InvalidAccessError");
    }
    const pair = await crypto.subtle.generateKey({ name: "ECDH", namedCurve: "P-256" }, true,
      ["deriveBits"]);
    const raw = await crypto.subtle.exportKey("raw", pair.publicKey);
    const saved = {
      endpoint: `https://fcm.googleapis.com/fcm/send/test-${crypto.randomUUID()}`,
      keys: { p256dh: b64url(raw), auth: b64url(crypto.getRandomValues(new Uint8Array(16))) },
    };
    localStorage.setItem(KEY, JSON.stringify(saved));
    return make(saved);
  };
})();
"""
IPHONE_SAFARI = """
Object.defineProperty(Navigator.prototype, "userAgent", { get: () =>
  "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
  + "(KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1" });
"""


def reminders_card(phone: Phone):  # noqa: ANN201 - a Playwright locator
    return phone.page.get_by_role("region", name="Reminders")


@pytest.mark.worker
def test_settings_turns_reminders_on_saves_them_and_stops_them(phone: Phone) -> None:
    page = phone.page
    phone.context.add_init_script(FAKE_PUSH)
    phone.context.grant_permissions(["notifications"], origin=phone.url)
    phone.sign_up()
    api = phone.api()
    phone.wait_for_service_worker()
    phone.goto("/settings")
    card = reminders_card(phone)
    daily = card.get_by_label("Every day, when the day isn't logged yet")
    expect(daily).not_to_be_checked()
    expect(card.get_by_label("Time", exact=True)).to_be_disabled()
    turn_on = card.get_by_role("button", name="Turn on reminders")
    expect(turn_on).to_be_visible()
    turn_on.click()
    expect(card.get_by_role("alert")).to_have_text("Choose at least one reminder first.")

    daily.check()
    card.get_by_label("Time", exact=True).fill("07:30")
    card.get_by_label("When a check-in is due").check()
    phone.check("reminders-settings-off", also="#reminders-title")
    turn_on.click()
    expect(card.get_by_text("Reminders come to this phone.")).to_be_visible()
    assert api.get(f"{phone.url}/api/v1/me/reminders", timeout=10).json() == {
        "daily": {"enabled": True, "time": "07:30"}, "after_session": False, "questionnaires": True}

    page.reload()
    card = reminders_card(phone)
    expect(card.get_by_text("Reminders come to this phone.")).to_be_visible()
    expect(card.get_by_label("Every day, when the day isn't logged yet")).to_be_checked()
    expect(card.get_by_label("Time", exact=True)).to_have_value("07:30")
    expect(card.get_by_label("The day after each session")).not_to_be_checked()
    expect(card.get_by_label("When a check-in is due")).to_be_checked()
    card.scroll_into_view_if_needed()
    phone.check("reminders-settings-on")

    card.get_by_label("The day after each session").check()
    card.get_by_role("button", name="Save reminders").click()
    expect(page.get_by_text("Saved", exact=True)).to_be_visible()
    assert api.get(f"{phone.url}/api/v1/me/reminders", timeout=10).json()["after_session"] is True

    card.get_by_role("button", name="Stop reminders on this phone").click()
    expect(card.get_by_role("button", name="Turn on reminders")).to_be_visible()
    assert page.evaluate("localStorage.getItem('test.push-subscription')") is None
    phone.assert_clean()


def subscribed(phone: Phone, reminder: str) -> str:
    """A new patient who turned on `reminder` in Settings with the push stand-in: this
    phone's endpoint."""
    phone.context.add_init_script(FAKE_PUSH)
    phone.context.grant_permissions(["notifications"], origin=phone.url)
    phone.sign_up()
    phone.wait_for_service_worker()
    phone.goto("/settings")
    card = reminders_card(phone)
    card.get_by_label(reminder).check()
    card.get_by_role("button", name="Turn on reminders").click()
    expect(card.get_by_text("Reminders come to this phone.")).to_be_visible()
    return phone.page.evaluate(
        "JSON.parse(localStorage.getItem('test.push-subscription')).endpoint")


@pytest.mark.worker
def test_logging_out_deletes_this_phones_subscription_first(phone: Phone) -> None:
    page = phone.page
    endpoint = subscribed(phone, "The day after each session")

    sent: list[tuple[str, str, str | None]] = []
    page.on("request",
            lambda r: sent.append((r.method, r.url.removeprefix(phone.url), r.post_data)))
    page.get_by_role("button", name="Log out").click()
    page.get_by_role("heading", name="Log in").wait_for()
    calls = [(method, path) for method, path, _ in sent if path.startswith("/api/")]
    forget = ("DELETE", "/api/v1/push/subscriptions")
    assert calls.index(forget) < calls.index(("POST", "/api/v1/auth/logout"))
    [body] = [data for method, path, data in sent if (method, path) == forget]
    assert json.loads(body or "{}") == {"endpoint": endpoint}
    phone.assert_clean()


@pytest.mark.worker
def test_on_an_iphone_outside_the_home_screen_settings_says_how_not_a_button(phone: Phone) -> None:
    phone.context.add_init_script(IPHONE_SAFARI)
    phone.sign_up()
    phone.goto("/settings")
    card = reminders_card(phone)
    expect(card.get_by_text("On iPhone and iPad, reminders work only in the app on your "
                            "Home Screen", exact=False)).to_be_visible()
    expect(card.get_by_role("button", name="Turn on reminders")).to_have_count(0)
    card.get_by_label("The day after each session").check()
    card.get_by_role("button", name="Save reminders").click()
    expect(phone.page.get_by_text("Saved", exact=True)).to_be_visible()
    card.scroll_into_view_if_needed()
    phone.check("reminders-settings-iphone")
    phone.assert_clean()


@pytest.mark.worker
def test_spanish_settings_reminders(es_phone: Phone) -> None:
    phone = es_phone
    phone.sign_up("Europe/Madrid", "es")
    phone.goto("/settings")
    card = phone.page.get_by_role("region", name="Recordatorios")
    expect(card.get_by_label("Cada día, si aún no has registrado el día")).to_be_visible()
    expect(card.get_by_label("Cuando haya un cuestionario pendiente")).to_be_visible()
    expect(card.get_by_role("button", name="Activar recordatorios")).to_be_visible()
    card.scroll_into_view_if_needed()
    phone.check("reminders-settings-es")
    phone.assert_clean()


@pytest.mark.worker
def test_remind_me_in_an_hour_snoozes_on_the_server_and_opens_nothing(phone: Phone,
                                                                      database_url: str) -> None:
    page = phone.page
    endpoint = subscribed(phone, "Every day, when the day isn't logged yet")

    push = Pusher(phone)
    push.deliver({"kind": "daily", "title": "Relieflog", "body": "Time for today's check-in",
                  "url": "/today"})
    notifications(phone)
    [worker] = phone.context.service_workers
    # The worker's own PushManager has the stand-in's subscription too, as a real one would.
    worker.evaluate("(endpoint) => { self.registration.pushManager.getSubscription = "
                    "async () => ({ endpoint }); }", endpoint)
    worker.evaluate(
        "self.registration.getNotifications().then(([n]) => openFromNotification(n, 'snooze'))")
    path = database_url.removeprefix("sqlite:///")
    with sqlite3.connect(path) as db:
        rows = db.execute("SELECT s.kind, s.remind_at FROM reminder_snoozes s "
                          "JOIN users u ON u.id = s.user_id WHERE u.email = ?",
                          (phone.email,)).fetchall()
    assert [kind for kind, _ in rows] == ["daily"], rows
    assert page.url.endswith("/settings")  # nothing opened
    assert page.evaluate(NOTIFICATIONS) == []
    phone.assert_clean()
