"""Every screen at 390×844, light and dark: no console errors, no CSP violations, no axe
WCAG A/AA violations, and a screenshot in test-artifacts/screens/ to look at."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import Phone
from tests.e2e.seed import seed_patient

pytestmark = pytest.mark.e2e


def visit_every_screen(phone: Phone, suffix: str = "") -> None:
    page = phone.page
    phone.goto("/login")
    phone.check(f"login{suffix}")
    phone.goto("/register")
    phone.check(f"register{suffix}")

    phone.sign_up()
    phone.check(f"today-empty{suffix}")
    phone.goto("/trends")
    page.get_by_text("Nothing logged in this period yet").wait_for()
    phone.check(f"trends-empty{suffix}")
    phone.goto("/history")
    page.locator(".empty").wait_for()
    phone.check(f"history-empty{suffix}")

    seeded = seed_patient(phone.api(), phone.url)
    phone.goto("/today")
    page.locator(".status-line").wait_for()
    phone.check(f"today{suffix}")
    page.locator("details.more > summary").click()
    phone.check(f"today-more{suffix}", also="textarea")

    phone.goto("/history")
    page.locator(".list-item").first.wait_for()
    phone.check(f"history{suffix}")
    page.locator(".list-item").nth(1).click()
    page.get_by_role("button", name="Show earlier versions").wait_for()
    phone.check(f"history-day{suffix}")
    page.get_by_role("button", name="Show earlier versions").click()
    page.get_by_text("No earlier versions").wait_for()
    phone.screenshot(f"history-day-versions{suffix}")

    phone.goto("/treatments")
    phone.check(f"treatments{suffix}")
    page.get_by_role("link", name="Record a session").click()
    page.get_by_role("heading", name="Record a session").wait_for()
    phone.check(f"treatment-new{suffix}", also=".card:nth-of-type(2) .scale:nth-of-type(4)")
    phone.goto(f"/treatments/{seeded['treatments'][-1]['id']}")
    phone.check(f"treatment-edit{suffix}")

    phone.goto("/trends")
    page.locator(".chart canvas").wait_for()
    phone.check(f"trends{suffix}", also=".series-list")

    phone.goto("/settings")
    phone.check(f"settings{suffix}", also=".danger-zone")
    phone.goto("/share-links")
    page.get_by_text("No links yet").wait_for()
    phone.check(f"share-links{suffix}")
    page.goto(f"{phone.url}/reset")
    page.get_by_role("heading", name="This reset link does not work").wait_for()
    phone.check(f"reset-incomplete{suffix}")
    page.goto(f"{phone.url}/share")  # no token after #
    page.get_by_role("heading", name="This link is not valid").wait_for()
    phone.check(f"provider-invalid{suffix}")
    phone.assert_clean(expected=("401",))


@pytest.mark.slow
def test_every_screen_light(phone: Phone) -> None:
    visit_every_screen(phone)


@pytest.mark.slow
def test_every_screen_dark(dark_phone: Phone) -> None:
    visit_every_screen(dark_phone, "-dark")


def test_api_docs_page(phone: Phone) -> None:
    phone.page.goto(f"{phone.url}/api/docs")
    phone.page.get_by_text("Relieflog API").first.wait_for()
    phone.page.locator(".opblock").first.wait_for()
    phone.screenshot("api-docs")
    assert not any("127.0.0.1" not in r for r in phone.page.evaluate(
        "performance.getEntriesByType('resource').map(r => r.name)"))
    phone.assert_clean()
