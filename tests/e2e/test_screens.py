"""Every screen at 390×844, light and dark: no console errors, no CSP violations, no axe
WCAG A/AA violations, and a screenshot in test-artifacts/screens/ to look at."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import Phone
from tests.e2e.seed import seed_patient

pytestmark = pytest.mark.e2e


# Every control a thumb has to hit, at least 44 px tall (links inside running text aside).
SMALL_TARGETS = """() => [...document.querySelectorAll("button, a, select, textarea, summary, "
    + ".chip, .check, input:not([type=radio]):not([type=checkbox])")]
  .filter((el) => el.getClientRects().length && getComputedStyle(el).visibility !== "hidden")
  .filter((el) => !el.closest("p:not(.back), dd, .skip-link, .dialog[open] ~ *"))
  .filter((el) => !el.closest(".chart"))
  .map((el) => [el, el.getBoundingClientRect()])
  .filter(([, r]) => r.height < 44 || r.width < 44)
  .map(([el, r]) => `${el.tagName}.${el.className} "${el.textContent.trim().slice(0, 30)}" `
    + `${Math.round(r.width)}x${Math.round(r.height)}`)
"""


def check(phone: Phone, name: str, *, also: str | None = None) -> None:
    """Screenshot the screen as a phone shows it (and, with `also`, scrolled to that
    element), then run axe-core on the whole page."""
    phone.page.wait_for_load_state("networkidle")
    phone.screenshot(name)
    if also:
        phone.page.locator(also).first.scroll_into_view_if_needed()
        phone.screenshot(f"{name}-2")
        phone.page.evaluate("window.scrollTo(0, 0)")
    resources = phone.page.evaluate("performance.getEntriesByType('resource').map(r => r.name)")
    assert [r for r in resources if not r.startswith(phone.url)] == [], "third-party request"
    small = phone.page.evaluate(SMALL_TARGETS)
    assert small == [], f"{name}: touch targets under 44 px: {small}"
    violations = phone.axe()
    assert violations == [], f"{name}: {violations}"


def visit_every_screen(phone: Phone, suffix: str = "") -> None:
    page = phone.page
    phone.goto("/login")
    check(phone, f"login{suffix}")
    phone.goto("/register")
    check(phone, f"register{suffix}")

    phone.sign_up()
    check(phone, f"today-empty{suffix}")
    phone.goto("/trends")
    page.get_by_text("Nothing logged in this period yet").wait_for()
    check(phone, f"trends-empty{suffix}")
    phone.goto("/history")
    page.locator(".empty").wait_for()
    check(phone, f"history-empty{suffix}")

    seeded = seed_patient(phone.api(), phone.url)
    phone.goto("/today")
    page.locator(".status-line").wait_for()
    check(phone, f"today{suffix}")
    page.locator("details.more > summary").click()
    check(phone, f"today-more{suffix}", also="textarea")

    phone.goto("/history")
    page.locator(".list-item").first.wait_for()
    check(phone, f"history{suffix}")
    page.locator(".list-item").nth(1).click()
    page.get_by_role("button", name="Show earlier versions").wait_for()
    check(phone, f"history-day{suffix}")
    page.get_by_role("button", name="Show earlier versions").click()
    page.get_by_text("No earlier versions").wait_for()
    phone.screenshot(f"history-day-versions{suffix}")

    phone.goto("/treatments")
    check(phone, f"treatments{suffix}")
    page.get_by_role("link", name="Record a session").click()
    page.get_by_role("heading", name="Record a session").wait_for()
    check(phone, f"treatment-new{suffix}", also=".card:nth-of-type(2) .scale:nth-of-type(4)")
    phone.goto(f"/treatments/{seeded['treatments'][-1]['id']}")
    check(phone, f"treatment-edit{suffix}")

    phone.goto("/trends")
    page.locator(".chart canvas").wait_for()
    check(phone, f"trends{suffix}", also=".series-list")

    phone.goto("/settings")
    check(phone, f"settings{suffix}", also=".danger-zone")
    phone.goto("/share-links")
    check(phone, f"share-links{suffix}")
    page.goto(f"{phone.url}/share")
    page.get_by_role("heading", name="Provider report").wait_for()
    check(phone, f"provider{suffix}")
    phone.assert_clean()


def test_every_screen_light(phone: Phone) -> None:
    visit_every_screen(phone)


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
