"""What goes with better days (Trends and the report) and Today's "Your week", in a real
Chromium at 390x844 and 360x800, English and Spanish, light and dark. Screenshots are
copied to /work/shots/insights/ (and test-artifacts/screens/)."""

from __future__ import annotations

import datetime as dt
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import PASSWORD, Phone, _phone
from tests.support.live_server import LiveServer

pytestmark = pytest.mark.e2e

SHOTS = Path("/work/shots/insights")
BERLIN = ZoneInfo("Europe/Berlin")
NARROW = {"width": 360, "height": 800}


def today() -> dt.date:
    return dt.datetime.now(BERLIN).date()


@pytest.fixture
def narrow_es_dark_phone(browser: Any, server: LiveServer) -> Iterator[Phone]:
    yield from _phone(browser, server, viewport=NARROW, locale="es-ES", color_scheme="dark")


@pytest.fixture
def narrow_es_phone(browser: Any, server: LiveServer) -> Iterator[Phone]:
    yield from _phone(browser, server, viewport=NARROW, locale="es-ES")


def sign_up(phone: Phone) -> None:
    """An account made through the API, logged in on the Log in screen found by its inputs'
    types, in whatever language the phone speaks."""
    phone.register("Europe/Berlin")
    page = phone.page
    page.goto(f"{phone.url}/login")
    page.locator("main input[type=email]").fill(phone.email)
    page.locator("main input[type=password]").fill(PASSWORD)
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_url(re.compile(r"/today$"))
    page.wait_for_selector("main .screen h1")


def shot(phone: Phone, name: str, *, full_page: bool = False) -> None:
    path = phone.screenshot(name, full_page=full_page)
    SHOTS.mkdir(parents=True, exist_ok=True)
    shutil.copy(path, SHOTS / path.name)


def seed_factors(phone: Phone) -> dict[str, Any]:
    """Five weeks up to yesterday: pain 3 / mood 7 with "walk" (and "sun", always with it),
    pain 6 / mood 4 without; nausea on five of the days without; "yoga" on two days. Returns
    GET /insights as the server computed it."""
    api = phone.api()
    first = today() - dt.timedelta(days=35)
    for n in range(35):
        day = first + dt.timedelta(days=n)
        walk = n % 2 == 0
        body = {"pain": 3 if walk else 6 + (n % 3 == 0), "mood": 7 if walk else 4,
                "tags": (["walk", "sun"] if walk else []) + (["yoga"] if n in (3, 9) else []),
                "side_effects": ["nausea"] if not walk and n % 3 == 1 else []}
        response = api.put(f"{phone.url}/api/v1/entries/{day}", json=body, timeout=10)
        assert response.status_code == 201, response.text
    return api.get(f"{phone.url}/api/v1/insights", timeout=30).json()


def open_insights(phone: Phone, range_button: str) -> Any:
    page = phone.page
    phone.goto("/trends")
    page.get_by_role("button", name=range_button).click()
    section = page.locator("section.insights")
    section.locator(".insight").first.wait_for(timeout=30_000)
    return section


def test_trends_shows_what_goes_with_better_days(phone: Phone) -> None:
    phone.sign_up()
    body = seed_factors(phone)
    walk = next(f for f in body["factors"] if f["name"] == "walk")
    assert walk["strength"] == "clear" and walk["together_with"] == ["sun"]
    section = open_insights(phone, "90 days")
    page = phone.page
    expect(section.get_by_role("heading", name="What goes with better days")).to_be_visible()
    expect(section).to_contain_text("Association, not cause")
    card = section.locator("[data-factor='tag:walk']")
    diff = abs(walk["pain"]["diff"])
    expect(card).to_contain_text(f"Pain {diff:.1f} points lower on days with walk")
    expect(card).to_contain_text(f"{walk['days_with']} days with, {walk['days_without']} without")
    expect(card.locator(".strength")).to_have_text("clear")
    expect(card.locator("svg.interval-bar.better")).to_have_count(2)  # pain and mood
    together = section.locator(".together")
    expect(together).to_contain_text("Always together: sun and walk")
    expect(together.locator(".insight")).to_have_count(2)
    expect(section.locator(".insights-too-few summary")).to_be_visible()
    section.locator(".insights-too-few summary").click()
    expect(section.locator(".insights-too-few")).to_contain_text("yoga: you have 2 with")
    phone.check("insights-trends", also="section.insights .together")
    for part, name in (("section.insights h2", "insights-trends"),
                       ("section.insights .together", "insights-trends-together"),
                       ("section.insights .insights-too-few", "insights-trends-too-few")):
        page.locator(part).first.evaluate("el => el.scrollIntoView({block: 'start'})")
        page.evaluate("window.scrollBy(0, -60)")
        shot(phone, name)
    phone.assert_clean()


def test_spanish_at_360_in_dark_mode(narrow_es_dark_phone: Phone) -> None:
    phone = narrow_es_dark_phone
    sign_up(phone)
    seed_factors(phone)
    section = open_insights(phone, "90 días")
    expect(section.get_by_role("heading", name="Qué acompaña a los días mejores")).to_be_visible()
    expect(section).to_contain_text("Asociación, no causa")
    expect(section.locator("[data-factor='tag:walk']")).to_contain_text(
        re.compile(r"Dolor \d,\d puntos más bajo los días con walk"))
    expect(section.locator("[data-factor='side_effect:nausea']")).to_contain_text("Náuseas")
    # Nothing runs off a 360 px screen.
    overflow = phone.page.evaluate(
        "() => [...document.querySelectorAll('section.insights *')]"
        ".filter((el) => el.getBoundingClientRect().right > window.innerWidth + 1).length")
    assert overflow == 0
    phone.check("insights-trends-es-dark")
    phone.page.locator("section.insights h2").evaluate("el => el.scrollIntoView({block: 'start'})")
    phone.page.evaluate("window.scrollBy(0, -60)")
    shot(phone, "insights-trends-es-dark")
    phone.assert_clean()


def last_monday() -> dt.date:
    day = today()
    return day - dt.timedelta(days=day.weekday())


def seed_week(phone: Phone, monday: dt.date) -> None:
    api = phone.api()
    for k in range(1, 15):  # the two weeks before that Monday
        day = monday - dt.timedelta(days=k)
        if k in (2, 6, 9):
            continue
        scores = {"pain": 4, "mood": 6} if k <= 7 else {"pain": 6, "mood": 5}
        assert api.put(f"{phone.url}/api/v1/entries/{day}", json=scores, timeout=10
                       ).status_code == 201


@pytest.mark.parametrize("language", ["en", "es"])
def test_your_week_on_monday_then_dismissed(browser: Any, server: LiveServer,
                                            language: str) -> None:
    # At 390 px: Today's 0-10 chips are 43 px wide at 360 px, on any day (not this card's).
    locale = "en-GB" if language == "en" else "es-ES"
    scheme = "light" if language == "en" else "dark"
    for phone in _phone(browser, server, locale=locale, color_scheme=scheme):
        sign_up(phone)
        monday = last_monday()
        seed_week(phone, monday)
        page = phone.page
        # The phone's clock on that Monday morning, in the account's time zone.
        phone.context.clock.set_fixed_time(dt.datetime.combine(monday, dt.time(9), BERLIN))
        phone.goto("/today")
        card = page.locator(".week-card")
        card.wait_for()
        if language == "en":
            expect(card.get_by_role("heading", name="Your week")).to_be_visible()
            expect(card).to_contain_text("5 days logged")
            expect(card).to_contain_text("Pain 4.0 on average (week before: 6.0)")
            expect(card).to_contain_text("Mood 6.0 on average (week before: 5.0)")
            expect(card).to_contain_text("0 sessions")
            dismiss = card.get_by_role("button", name="Dismiss")
        else:
            expect(card.get_by_role("heading", name="Tu semana")).to_be_visible()
            expect(card).to_contain_text("5 días anotados")
            expect(card).to_contain_text("Dolor 4,0 de promedio (semana anterior: 6,0)")
            dismiss = card.get_by_role("button", name="Descartar")
        phone.check(f"week-card-{language}")
        card.evaluate("el => el.scrollIntoView({block: 'center'})")
        shot(phone, f"week-card-{language}-{scheme}")
        dismiss.click()
        expect(page.locator(".week-card")).to_have_count(0)
        page.reload()
        page.wait_for_selector("main .screen h1")
        page.wait_for_load_state("networkidle")
        expect(page.locator(".week-card")).to_have_count(0)
        # Not on another day of the week.
        phone.context.clock.set_fixed_time(
            dt.datetime.combine(monday + dt.timedelta(days=2), dt.time(9), BERLIN))
        phone.goto("/today")
        page.wait_for_load_state("networkidle")
        expect(page.locator(".week-card")).to_have_count(0)
        phone.assert_clean()


def test_the_tick_puts_insights_in_the_report_printed_too(phone: Phone, desktop: Phone) -> None:
    phone.sign_up()
    seed_factors(phone)
    page = phone.page
    phone.goto("/share-links")
    page.get_by_label("Label").fill("Dr. Rivera")
    tick = page.get_by_label("Include insights")
    expect(tick).not_to_be_checked()
    tick.check()
    tick.evaluate("el => el.scrollIntoView({block: 'center'})")
    shot(phone, "insights-share-form")
    page.get_by_label("Include my notes").check()
    page.get_by_role("button", name="Create link").click()
    link = page.locator(".once").get_by_label("Link").input_value()
    page.get_by_role("button", name="Done, hide it").click()
    item = page.locator(".share-item").first
    expect(item).to_contain_text("What goes with better days")
    phone.check("insights-share-tick")
    item.evaluate("el => el.scrollIntoView({block: 'center'})")
    shot(phone, "insights-share-tick")

    report = desktop.page
    report.goto(link)
    section = report.locator("section.insights")
    section.locator(".insight").first.wait_for()
    expect(section.get_by_role("heading", name="What goes with better days")).to_be_visible()
    expect(section).to_contain_text("The patient's pain and mood")
    expect(section.locator("[data-factor='tag:walk']")).to_contain_text("points lower")
    desktop.check("insights-report")
    section.evaluate("el => el.scrollIntoView({block: 'start'})")
    shot(desktop, "insights-report")
    report.emulate_media(media="print")
    expect(section).to_be_visible()
    # Printed, the folded parts show too: what is missing and how it is worked out.
    expect(section.locator(".insights-too-few li")).to_contain_text("yoga: you have 2 with")
    expect(section.locator(".insights-how li").first).to_be_visible()
    section.screenshot(path=str(SHOTS / "insights-report-print.png"))
    desktop.assert_clean()


def test_without_the_tick_the_report_has_no_insights(phone: Phone, provider_phone: Phone
                                                     ) -> None:
    phone.sign_up()
    seed_factors(phone)
    page = phone.page
    phone.goto("/share-links")
    page.get_by_label("Label").fill("Dr. Okafor")
    page.get_by_role("button", name="Create link").click()
    link = page.locator(".once").get_by_label("Link").input_value()
    report = provider_phone.page
    report.goto(link)
    report.locator(".report-series").wait_for()
    report.wait_for_load_state("networkidle")
    expect(report.locator("section.insights")).to_have_count(0)
    provider_phone.assert_clean()
