"""Offline first: log today and a treatment in airplane mode, reopen the app offline, come
back online and see each arrive exactly once; replaying the outbox 200 times changes nothing."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import OUTBOX, REPLAY, Phone

pytestmark = pytest.mark.e2e



def today() -> str:
    return dt.datetime.now(ZoneInfo("Europe/Berlin")).date().isoformat()


def badge(phone: Phone):  # noqa: ANN201 - a Playwright locator
    return phone.page.locator("#sync-badge")


@pytest.mark.slow
@pytest.mark.worker
def test_offline_log_reopen_sync_once_and_replay(phone: Phone) -> None:
    page = phone.page
    phone.sign_up()
    phone.wait_for_service_worker()

    phone.context.set_offline(True)
    phone.scale("Pain", 4).click()
    phone.scale("Mood", 6).click()
    page.get_by_role("button", name="Save").click()
    page.get_by_text("Saved on this phone").first.wait_for()

    page.get_by_role("link", name="Treatments").click()
    page.get_by_role("link", name="Record a session").click()
    page.get_by_label("Route").select_option("intranasal")
    page.get_by_label("Dose (mg)").fill("56")
    page.get_by_role("button", name="Save").click()
    page.get_by_text("Waiting to sync", exact=True).wait_for()
    expect(badge(phone)).to_have_text("2 waiting to sync")

    # Close and reopen while still offline: the service worker serves the shell.
    response = page.reload()
    assert response is not None and response.from_service_worker
    page.get_by_role("heading", name="Treatments").wait_for()
    page.get_by_text("Nasal spray").wait_for()
    expect(badge(phone)).to_have_text("2 waiting to sync")
    page.get_by_role("link", name="Today").click()
    page.get_by_text("Saved on this phone").first.wait_for()
    expect(phone.scale("Pain", 4)).to_be_checked()
    expect(phone.scale("Mood", 6)).to_be_checked()
    phone.screenshot("offline-today")
    queued = page.evaluate(OUTBOX)
    assert sorted(item["kind"] for item in queued) == ["entry", "treatment"]

    phone.context.set_offline(False)
    badge(phone).wait_for(state="hidden")

    api = phone.api()
    base = f"{phone.url}/api/v1"

    def server_state() -> tuple[list, list]:
        entries = api.get(f"{base}/entries", timeout=10).json()["items"]
        treatments = api.get(f"{base}/treatments", timeout=10).json()["items"]
        return entries, treatments

    entries, treatments = server_state()
    assert [(e["date"], e["pain"], e["mood"], e["version"]) for e in entries] == [
        (today(), 4, 6, 1)]
    assert [(t["route"], t["dose_mg"], t["version"]) for t in treatments] == [
        ("intranasal", 56.0, 1)]

    # The same outbox, delivered 200 more times (flaky networks resend): still one of each.
    assert page.evaluate(REPLAY, [queued, 200]) == 0
    assert server_state() == (entries, treatments)
    history = api.get(f"{base}/entries/{today()}/history", timeout=10).json()["items"]
    assert history == []
    phone.assert_clean(expected=("ERR_INTERNET_DISCONNECTED",))


@pytest.mark.worker
def test_logged_out_during_sync_keeps_the_queue(phone: Phone) -> None:
    page = phone.page
    phone.sign_up()
    # The app is installed before the phone goes offline: a worker still installing then
    # would race the test (its requests and its take-over fail offline).
    phone.wait_for_service_worker()
    phone.context.set_offline(True)
    phone.scale("Pain", 3).click()
    page.get_by_role("button", name="Save").click()
    page.get_by_text("Saved on this phone").first.wait_for()

    phone.context.clear_cookies()  # the session ended while the phone was offline
    phone.context.set_offline(False)
    page.get_by_text("Log in again to sync").wait_for()
    expect(badge(phone)).to_have_text("1 waiting to sync")
    assert len(page.evaluate(OUTBOX)) == 1

    page.get_by_role("link", name="Log in again to sync").click()
    page.get_by_label("Email").fill(phone.email)
    page.get_by_label("Password").fill("a calm and long password")
    page.get_by_role("button", name="Log in").click()
    badge(phone).wait_for(state="hidden")
    entry = phone.api().get(f"{phone.url}/api/v1/entries/{today()}", timeout=10).json()
    assert (entry["pain"], entry["mood"]) == (3, None)
    phone.assert_clean(expected=("401", "ERR_INTERNET_DISCONNECTED"))


@pytest.mark.worker
def test_stale_edit_shows_both_versions(phone: Phone) -> None:
    page = phone.page
    phone.sign_up()
    api = phone.api()
    url = f"{phone.url}/api/v1/entries/{today()}"
    assert api.put(url, json={"pain": 5, "mood": 5}, timeout=10).status_code == 201
    phone.goto("/today")
    page.get_by_text("Logged today").wait_for()

    # Meanwhile another device changes today.
    assert api.put(url, json={"pain": 8, "mood": 5, "notes": "from the tablet"},
                   timeout=10).status_code == 200
    phone.scale("Pain", 2).click()
    page.get_by_role("button", name="Save").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_text("Yours (this phone)").wait_for()
    dialog.get_by_text("from the tablet").wait_for()
    phone.screenshot("conflict")
    assert phone.axe() == []
    dialog.get_by_role("button", name="Keep mine").click()
    dialog.wait_for(state="hidden")
    entry = api.get(url, timeout=10).json()
    assert (entry["pain"], entry["notes"], entry["version"]) == (2, "", 3)
    phone.goto("/today")  # a fresh form, based on version 3
    expect(phone.scale("Pain", 2)).to_be_checked()

    # And once more, this time keeping the other device's version.
    assert api.put(url, json={"pain": 9, "mood": 4}, timeout=10).status_code == 200
    phone.scale("Pain", 1).click()
    page.get_by_role("button", name="Save").click()
    page.get_by_role("dialog").get_by_role("button", name="Keep the server's").click()
    page.get_by_role("dialog").wait_for(state="hidden")
    entry = api.get(url, timeout=10).json()
    assert (entry["pain"], entry["version"]) == (9, 4)
    page.get_by_text("Logged today").wait_for()
    expect(phone.scale("Pain", 9)).to_be_checked()
    phone.assert_clean(expected=("412",))


def test_a_screen_that_cannot_load_offline_says_so_and_the_tabs_still_work(
        spanish_phone: Phone) -> None:
    """Offline before the worker has kept the app (a browser without one, or the first
    minutes), a tab whose screen was never opened cannot fetch its code: the app shows why,
    in the phone's language, instead of keeping the screen left on show and taking no tap;
    back online, the same tab opens its screen."""
    phone = spanish_phone
    page = phone.page
    phone.sign_up(language="es")
    tabs = page.locator("#tabbar")

    phone.context.set_offline(True)
    tabs.get_by_role("link", name="Tendencias").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Algo salió mal")
    expect(page.locator("main")).to_contain_text("No tienes conexión y esta página la necesita.")
    assert page.locator("main").evaluate("(main) => main.inert") is False
    phone.screenshot("offline-screen-cannot-load-es")
    # The screen shown takes taps again: Today, whose code the phone has, opens.
    tabs.get_by_role("link", name="Hoy").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Hoy")

    phone.context.set_offline(False)
    tabs.get_by_role("link", name="Tendencias").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Tendencias")
    phone.assert_clean(expected=("ERR_INTERNET_DISCONNECTED",))
