"""History (change, restore an earlier version, delete, log a missed day) and Settings
(profile, log out, delete the account) through the screens a patient uses."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import PASSWORD, Phone
from tests.test_i18n_dynamic_keys import catalog

pytestmark = pytest.mark.e2e


def day(offset: int) -> str:
    today = dt.datetime.now(ZoneInfo("Europe/Berlin")).date()
    return (today + dt.timedelta(days=offset)).isoformat()


def test_history_change_restore_delete_and_log_a_missed_day(phone: Phone) -> None:
    page = phone.page
    phone.sign_up()
    api = phone.api()
    entries = f"{phone.url}/api/v1/entries"
    yesterday = f"{entries}/{day(-1)}"
    assert api.put(yesterday, json={"pain": 5, "mood": 5}, timeout=10).status_code == 201
    assert api.put(yesterday, json={"pain": 6, "mood": 5}, timeout=10).status_code == 200

    phone.goto("/history")
    page.locator(f"a[href='/history/{day(-1)}']").click()
    expect(phone.scale("Pain", 6)).to_be_checked()
    page.get_by_role("button", name="Show earlier versions").click()
    page.get_by_text("Version 1").wait_for()
    page.get_by_role("button", name="Restore this version").click()
    expect(phone.scale("Pain", 5)).to_be_checked()
    restored = api.get(f"{entries}/{day(-1)}", timeout=10).json()
    assert (restored["pain"], restored["version"]) == (5, 3)

    page.get_by_role("button", name="Delete this day").click()
    page.get_by_role("dialog").get_by_role("button", name="Delete").click()
    page.get_by_role("heading", name="History").wait_for()
    expect(page.locator(f"a[href='/history/{day(-1)}']")).to_have_count(0)
    assert api.get(f"{entries}?from={day(-1)}&to={day(-1)}", timeout=10).json()["items"] == []

    page.get_by_label("Log or change a day").fill(day(-3))
    page.get_by_role("button", name="Open day").click()
    phone.scale("Pain", 7).click()
    page.get_by_role("button", name="Save").click()
    page.locator(f"a[href='/history/{day(-3)}']").wait_for()
    assert api.get(f"{entries}/{day(-3)}", timeout=10).json()["pain"] == 7
    phone.assert_clean()


def test_settings_profile_log_out_and_delete_account(phone: Phone) -> None:
    page = phone.page
    phone.sign_up()
    phone.goto("/settings")
    # This browser runs no service worker (the test is not marked `worker`): the reminders
    # card says at once that they are off here, not after waiting 5 s for a worker.
    waited = page.evaluate("""() => import("/js/push.js").then(async (push) => {
        const start = performance.now();
        return [await push.current(), performance.now() - start]; })""")
    assert waited[0] is None and waited[1] < 2500, waited
    expect(page.get_by_role("button", name="Turn on reminders")).to_be_visible()
    page.get_by_label("Display name").fill("Sam")
    page.get_by_label("Time zone").select_option("America/Chicago")
    page.get_by_role("button", name="Save changes").click()
    page.get_by_role("status").get_by_text("Saved").wait_for()
    me = phone.api().get(f"{phone.url}/api/v1/me", timeout=10).json()
    assert (me["display_name"], me["timezone"]) == ("Sam", "America/Chicago")
    for name in ("Download daily entries (CSV)", "Download treatment sessions (CSV)",
                 "Download all my data (JSON)"):
        href = page.get_by_role("link", name=name).get_attribute("href")
        assert href is not None
        assert phone.context.request.get(phone.url + href).status == 200

    page.get_by_role("button", name="Log out").click()
    page.get_by_role("heading", name="Log in").wait_for()
    left = page.evaluate("import('/js/db.js').then(async (db) =>"
                         " (await db.getAll('entries')).length + (await db.getAll('meta')).length)")
    assert left == 0

    phone.log_in()
    phone.goto("/settings")
    page.locator(".danger-zone").get_by_label("Password").fill("not my password")
    page.get_by_role("button", name="Delete my account").click()
    page.get_by_role("dialog").get_by_role("button", name="Delete everything").click()
    page.get_by_text("The password is incorrect.").wait_for()
    page.locator(".danger-zone").get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Delete my account").click()
    page.get_by_role("dialog").get_by_role("button", name="Delete everything").click()
    page.get_by_role("heading", name="Log in").wait_for()
    gone = phone.context.request.post(f"{phone.url}/api/v1/auth/login",
                                      data={"email": phone.email, "password": PASSWORD})
    assert gone.status == 401
    phone.assert_clean(expected=("403",))


def test_treatment_record_edit_and_delete(phone: Phone) -> None:
    page = phone.page
    phone.sign_up()
    phone.goto("/treatments")
    page.get_by_role("link", name="Record a session").click()
    page.get_by_label("Date and time").fill(f"{day(-2)}T09:15")
    page.get_by_label("Route").select_option("intramuscular")
    page.get_by_label("Dose (mg)").fill("50")
    page.get_by_label("Phase").select_option("booster")
    page.get_by_text("With psychotherapy (KAP)").click()
    phone.scale("Pain before", 7).click()
    phone.scale("Pain after", 3).click()
    page.get_by_text("Nausea").click()
    page.get_by_role("button", name="Save").click()
    page.get_by_role("heading", name="Treatments").wait_for()

    api = phone.api()
    [session] = api.get(f"{phone.url}/api/v1/treatments", timeout=10).json()["items"]
    assert session["started_at"].startswith(f"{day(-2)}T")
    assert session["local_date"] == day(-2)
    assert (session["route"], session["dose_mg"], session["phase"], session["with_psychotherapy"],
            session["pain_before"], session["pain_after"], session["side_effects"]) == (
        "intramuscular", 50.0, "booster", True, 7, 3, ["nausea"])

    page.get_by_text("Intramuscular injection").click()
    page.get_by_label("Dose (mg)").fill("60")
    page.get_by_role("button", name="Save").click()
    page.get_by_role("heading", name="Treatments").wait_for()
    changed = api.get(f"{phone.url}/api/v1/treatments/{session['id']}", timeout=10).json()
    assert (changed["dose_mg"], changed["version"]) == (60.0, 2)

    page.get_by_text("Intramuscular injection").click()
    page.get_by_role("button", name="Delete session").click()
    page.get_by_role("dialog").get_by_role("button", name="Delete").click()
    page.get_by_text("No sessions recorded yet.").wait_for()
    assert api.get(f"{phone.url}/api/v1/treatments", timeout=10).json()["items"] == []
    phone.assert_clean()


@pytest.mark.worker
@pytest.mark.parametrize("which", ["phone", "spanish_phone"])
def test_settings_links_every_download_the_server_lists_and_says_offline_it_needs_a_connection(
        request: pytest.FixtureRequest, which: str) -> None:
    """Issue 22: Settings' download links are the server's list (GET /export: each declared
    record kind's CSV, then FHIR), each named in the reader's language; offline, the screen
    still shows and says the downloads need a connection."""
    phone: Phone = request.getfixturevalue(which)
    language = "es" if which == "spanish_phone" else "en"
    words, page = catalog(language), phone.page
    # Through the Log in screen, in the phone's language: the worker comes then.
    phone.sign_up("UTC", language=None)
    phone.wait_for_service_worker()
    phone.goto("/settings")
    listed = phone.api().get(f"{phone.url}/api/v1/export", timeout=10).json()["items"]
    links = page.locator("[data-download] a")
    expect(links).to_have_count(len(listed))
    assert links.all_inner_texts() == [words[f"settings.download.{item['kind']}"]
                                       for item in listed]
    for item, link in zip(listed, links.all(), strict=True):
        assert link.get_attribute("href") == item["href"]
        assert phone.context.request.get(phone.url + item["href"]).status == 200
    page.locator("#data-title").scroll_into_view_if_needed()
    phone.screenshot(f"settings-downloads-{language}")

    phone.context.set_offline(True)
    page.reload()
    page.wait_for_selector("main .screen h1")
    section = page.locator("section", has=page.locator("#data-title"))
    expect(section).to_contain_text(words["settings.needs_connection"])
    expect(section.get_by_role("link", name=words["settings.download_all"])).to_be_visible()
    expect(links).to_have_count(0)
    section.scroll_into_view_if_needed()
    phone.screenshot(f"settings-downloads-offline-{language}")
    phone.context.set_offline(False)
    phone.assert_clean(expected=("ERR_INTERNET_DISCONNECTED",))
