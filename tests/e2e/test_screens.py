"""Every screen at 390×844, light and dark: no console errors, no CSP violations, no axe
WCAG A/AA violations, and a screenshot in test-artifacts/screens/ to look at. Each screen is
checked in the light theme, then in the dark one the phone switches to (as its setting does
at sunset): the app follows the switch, its charts included."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tests.e2e.conftest import Phone
from tests.e2e.seed import seed_patient

pytestmark = pytest.mark.e2e


def visit_every_screen(phone: Phone) -> None:
    page = phone.page

    def light_then_dark(shoot: Callable[..., object], name: str, **options: str) -> None:
        shoot(name, **options)
        page.emulate_media(color_scheme="dark")
        shoot(f"{name}-dark", **options)
        page.emulate_media(color_scheme="light")

    def check(name: str, **options: str) -> None:
        light_then_dark(phone.check, name, **options)

    phone.goto("/login")
    check("login")
    phone.goto("/register")
    check("register")

    phone.sign_up()
    check("today-empty")
    phone.goto("/trends")
    page.get_by_text("Nothing logged in this period yet").wait_for()
    check("trends-empty")
    phone.goto("/history")
    page.locator(".empty").wait_for()
    check("history-empty")

    seeded = seed_patient(phone.api(), phone.url)
    phone.goto("/today")
    page.locator(".status-line").wait_for()
    check("today")
    page.locator("details.more > summary").click()
    check("today-more", also="textarea")

    phone.goto("/history")
    page.locator(".list-item").first.wait_for()
    check("history")
    page.locator(".list-item").nth(1).click()
    page.get_by_role("button", name="Show earlier versions").wait_for()
    check("history-day")
    page.get_by_role("button", name="Show earlier versions").click()
    page.get_by_text("No earlier versions").wait_for()
    light_then_dark(phone.screenshot, "history-day-versions")

    phone.goto("/treatments")
    check("treatments")
    page.get_by_role("link", name="Record a session").click()
    page.get_by_role("heading", name="Record a session").wait_for()
    check("treatment-new", also=".card:nth-of-type(2) .scale:nth-of-type(4)")
    phone.goto(f"/treatments/{seeded['treatments'][-1]['id']}")
    check("treatment-edit")

    phone.goto("/trends")
    page.locator(".chart canvas").wait_for()
    check("trends", also=".series-list")

    phone.goto("/settings")
    check("settings", also=".danger-zone")
    phone.goto("/share-links")
    page.get_by_text("No links yet").wait_for()
    check("share-links")
    page.goto(f"{phone.url}/reset")
    page.get_by_role("heading", name="This reset link does not work").wait_for()
    check("reset-incomplete")
    page.goto(f"{phone.url}/share")  # no token after #
    page.get_by_role("heading", name="This link is not valid").wait_for()
    check("provider-invalid")
    phone.assert_clean(expected=("401",))


@pytest.mark.slow
def test_every_screen_light_and_dark(phone: Phone) -> None:
    visit_every_screen(phone)


def test_api_docs_page(phone: Phone) -> None:
    phone.page.goto(f"{phone.url}/api/docs")
    phone.page.get_by_text("Relieflog API").first.wait_for()
    phone.page.locator(".opblock").first.wait_for()
    phone.screenshot("api-docs")
    assert not any("127.0.0.1" not in r for r in phone.page.evaluate(
        "performance.getEntriesByType('resource').map(r => r.name)"))
    phone.assert_clean()
