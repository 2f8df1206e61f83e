"""Create an account and log today in the browser: the value survives a reload and is on
the server."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import expect

from tests.e2e.conftest import PASSWORD, Phone, _phone
from tests.e2e.test_insights import sign_up

pytestmark = pytest.mark.e2e


def berlin_today() -> str:
    return dt.datetime.now(ZoneInfo("Europe/Berlin")).date().isoformat()


def test_register_log_today_and_reload(phone: Phone) -> None:
    page = phone.page
    phone.goto("/register")
    phone.email = "new-patient@example.org"
    page.get_by_label("Email").fill(phone.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Create account").click()
    page.get_by_role("heading", name="Today").wait_for()

    # Three taps: a pain value, a mood value, Save.
    phone.scale("Pain", 6).click()
    phone.scale("Mood", 7).click()
    page.get_by_role("button", name="Save").click()
    page.get_by_text("Logged today").wait_for()

    page.reload()
    page.get_by_text("Logged today").wait_for()
    expect(phone.scale("Pain", 6)).to_be_checked()
    expect(phone.scale("Mood", 7)).to_be_checked()

    api = phone.api()
    me = api.get(f"{phone.url}/api/v1/me", timeout=10).json()
    assert me["timezone"] == "Europe/Berlin"  # taken from the browser
    entry = api.get(f"{phone.url}/api/v1/entries/{berlin_today()}", timeout=10)
    assert entry.status_code == 200
    assert (entry.json()["pain"], entry.json()["mood"]) == (6, 7)

    # Off to History on a slow line: until it shows, Today stays in view but takes no tap
    # (its form is already cleaned up, so a tap there would be lost).
    held: list = []
    page.route("**/api/v1/**", lambda route: held.append(route))
    page.get_by_role("link", name="History").click()
    page.wait_for_function("() => document.getElementById('main').inert")
    expect(page.get_by_role("heading", name="Today")).to_be_visible()
    with pytest.raises(PlaywrightTimeout):
        phone.scale("Pain", 2).click(timeout=1000)
    for route in held:
        route.continue_()
    page.unroute("**/api/v1/**")
    page.get_by_role("heading", name="History").wait_for()
    assert page.evaluate("document.getElementById('main').inert") is False
    assert api.get(f"{phone.url}/api/v1/entries/{berlin_today()}", timeout=10).json()["pain"] == 6
    phone.assert_clean()


@pytest.mark.parametrize("language", ["en", "es"])
def test_today_at_360_px_keeps_every_score_a_thumb_can_hit(browser, server, language) -> None:
    """At 360 px the 0-10 score buttons were 43 px wide, under the 44 px every control gets."""
    locale = "en-GB" if language == "en" else "es-ES"
    for phone in _phone(browser, server, viewport={"width": 360, "height": 800}, locale=locale):
        sign_up(phone)
        page = phone.page
        page.wait_for_selector(".chips .chip span")
        widths = page.eval_on_selector_all(
            ".scale.pain .chip, .scale.mood .chip",
            "chips => chips.map(c => c.getBoundingClientRect().width)")
        assert len(widths) == 22 and min(widths) >= 44, widths
        phone.check(f"today-360-{language}")  # axe, 44 px targets, no third-party request


# Moments at the edges of a day, where a zone's offset or its daylight saving decides which
# day it is: (zone, UTC moment).
DAY_EDGES = [
    ("America/Chicago", "2026-03-08T07:59:59Z"),  # 01:59 CST: still the 8th, before the switch
    ("America/Chicago", "2026-11-01T05:30:00Z"),  # 00:30 CDT on the morning the clocks go back
    ("America/Chicago", "2026-12-07T05:59:59Z"),  # 23:59:59 on the 6th
    ("Pacific/Kiritimati", "2026-12-06T10:00:00Z"),  # UTC+14: already the 7th
    ("Pacific/Pago_Pago", "2026-12-07T10:59:00Z"),  # UTC-11: still the 6th
    ("Asia/Kathmandu", "2026-12-06T18:15:00Z"),  # UTC+5:45: midnight, the 7th
    ("Australia/Lord_Howe", "2026-10-03T13:29:59Z"),  # half-hour daylight saving
    ("UTC", "2026-12-31T23:59:59Z"),
]


def test_the_patients_day_is_the_same_with_temporal_and_without(phone: Phone) -> None:
    """dates.js finds the patient's day with Temporal where the browser has it (Chromium
    does), so Today asks for its data before any Intl formatter is made, and with Intl
    where it has not: both give the day zoneinfo gives, at every edge of a day."""
    phone.goto("/login")
    expected = [dt.datetime.fromisoformat(moment).astimezone(ZoneInfo(zone)).date().isoformat()
                for zone, moment in DAY_EDGES]
    days = phone.page.evaluate("""async (edges) => {
        const { todayIn } = await import("/js/dates.js");
        const run = () => edges.map(([zone, moment]) => todayIn(zone, new Date(moment)));
        const hadTemporal = typeof Temporal === "object";
        const withTemporal = run();
        const saved = self.Temporal;
        delete self.Temporal;
        const withIntl = run();
        self.Temporal = saved;
        return { hadTemporal, withTemporal, withIntl };
    }""", DAY_EDGES)
    assert days["hadTemporal"], "this Chromium has Temporal, so the first path is the one checked"
    assert days["withTemporal"] == expected
    assert days["withIntl"] == expected
