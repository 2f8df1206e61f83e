"""The numbers people read say what they mean (issue 21): mood reads as logged everywhere
(item 1); no false "0 %" and a reason for a missing average (2); a flag says how serious it
is (3); the PEG's change is exact (7); every column of the clinic panel is in view at 1024
and 1280 px (8); a provider's setup page reads as setup (13). Each test fails on the code
before issue 21."""

from __future__ import annotations

import datetime as dt
import re
import uuid
from typing import Any

import pytest
import requests
from playwright.sync_api import expect

from tests.e2e.conftest import ARTIFACTS, PASSWORD, Phone, flask_cli
from tests.e2e.seed import seed_patient
from tests.e2e.test_clinics import BERLIN, Clinic, make_clinic, provider_logs_in, today

pytestmark = pytest.mark.e2e

WIDE = {"width": 1280, "height": 900}
DESK_1024 = {"width": 1024, "height": 768}


def account(base: str, name: str) -> requests.Session:
    api = requests.Session()
    made = api.post(f"{base}/api/v1/auth/register", json={
        "email": f"{name.split()[0].lower()}{uuid.uuid4().hex[:8]}@example.org",
        "password": PASSWORD, "timezone": "Europe/Berlin", "display_name": name}, timeout=10)
    assert made.status_code == 201, made.text
    return api


def day(back: int) -> dt.date:
    return today() - dt.timedelta(days=back)


def entry(api: requests.Session, base: str, back: int, pain: int | None, mood: int | None) -> None:
    put = api.put(f"{base}/api/v1/entries/{day(back)}", json={"pain": pain, "mood": mood},
                  timeout=10)
    assert put.status_code == 201, put.text


def session(api: requests.Session, base: str, back: int, vitals: list | None = None) -> None:
    started = dt.datetime.combine(day(back), dt.time(10), BERLIN)
    put = api.put(f"{base}/api/v1/treatments/{uuid.uuid4()}", json={
        "started_at": started.isoformat(), "route": "iv_infusion", "dose_mg": 35,
        "vitals": vitals or []}, timeout=10)
    assert put.status_code == 201, put.text


def reading(back: int, phase: str, systolic: int, diastolic: int, hour: int) -> dict[str, Any]:
    taken = dt.datetime.combine(day(back), dt.time(hour), BERLIN)
    return {"taken_at": taken.isoformat(), "phase": phase, "systolic": systolic,
            "diastolic": diastolic}


def answered(api: requests.Session, base: str, instrument: str, back: int,
             answers: dict[str, int]) -> None:
    at = dt.datetime.combine(day(back), dt.time(8), BERLIN)
    put = api.put(f"{base}/api/v1/responses/{uuid.uuid4()}", json={
        "instrument": instrument, "answered_at": at.isoformat(), "answers": answers},
        timeout=10)
    assert put.status_code == 201, put.text


def phq9(item9: int, each: int = 2) -> dict[str, int]:
    return {f"q{n}": each for n in range(1, 9)} | {"q9": item9}


def connect(api: requests.Session, base: str, clinic: Clinic) -> None:
    done = api.post(f"{base}/api/v1/clinic-connections",
                    json={"code": clinic.code, "include_notes": False}, timeout=10)
    assert done.status_code == 201, done.text


def row_of(phone: Phone, name: str) -> Any:
    return phone.page.locator(".panel-table tbody tr").filter(
        has=phone.page.get_by_role("link", name=name, exact=True))


def cell(row: Any, column: str) -> Any:
    """A panel row's cell by its column (the header's data-col)."""
    index = row.page.locator(".panel-table thead th").evaluate_all(
        f"ths => ths.findIndex(th => th.dataset.col === {column!r})")
    return row.locator("th, td").nth(index)


def shot(phone: Phone, name: str, locator: str | None = None) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    target = phone.page.locator(locator).first if locator else phone.page
    target.screenshot(path=str(ARTIFACTS / f"truth-{name}.png"))


# --- Item 1: mood points one way ---------------------------------------------------------------

def seed_mood_rising(api: requests.Session, base: str) -> None:
    """Mood 2,2,3,2,3,3,2 the week before a session (2.43), then 8,8,7 (7.67): up 5.24
    points, 69.2 % of the way to 10 (mood severity 7.57 -> 2.33, 69.2 % lower)."""
    for back, mood in zip(range(10, 3, -1), (2, 2, 3, 2, 3, 3, 2), strict=True):
        entry(api, base, back, 8, mood)
    session(api, base, 3)
    for back, mood in zip((2, 1, 0), (8, 8, 7), strict=True):
        entry(api, base, back, 4, mood)


def test_mood_reads_as_logged_on_trends_the_report_and_the_panel(
        phone: Phone, desktop: Phone, provider_phone: Phone, database_url: str) -> None:
    phone.sign_up()
    seed_mood_rising(phone.api(), phone.url)

    # Trends: the series card's mood column is mood as logged, rising, with its share of
    # the way to 10; never severity (7.57 -> 2.33, "-69.2 %").
    phone.goto("/trends")
    card = phone.page.locator(".series").first
    expect(card.locator("tbody tr")).to_have_count(7)
    mood = {row.locator("th").inner_text(): row.locator("td").nth(1).inner_text()
            for row in card.locator("tbody tr").all()}
    assert (mood["Baseline"], mood["After"]) == ("2.43", "7.67")
    assert mood["Change"] == "+69.2 % of the way to 10"
    assert mood["Change, points"] == "+5.24"
    assert (mood["Category"], mood["Response"]) == ("substantial", "Yes")
    expect(card).not_to_contain_text("7.57")
    expect(card).to_contain_text("Mood is as logged: higher is better.")
    expect(phone.page.locator("dl.explain")).not_to_contain_text("10 minus")
    shot(phone, "trends-mood-card", ".series")

    # The report a share link opens: the same numbers, the same way up.
    created = phone.api().post(f"{phone.url}/api/v1/shares", json={"label": "Dr. Okafor"},
                               timeout=10)
    assert created.status_code == 201, created.text
    desktop.page.goto(created.json()["url"])
    row = desktop.page.locator(".series-report tbody tr[data-metric=mood]").first
    expect(row).to_contain_text("2.43")
    expect(row).to_contain_text("7.67")
    expect(row).to_contain_text("+69.2 % of the way to 10")
    expect(row).not_to_contain_text("7.57")
    shot(desktop, "report-mood-row", ".series-report")

    # The clinic panel: the mood baseline as logged, as on Trends.
    clinic = make_clinic(provider_phone.url, database_url)
    connect(phone.api(), phone.url, clinic)
    provider_phone.page.set_viewport_size(WIDE)
    provider_logs_in(provider_phone, clinic)
    expect(provider_phone.page.locator(".panel-table tbody td").nth(3)).to_contain_text(
        "baseline 2.43")
    phone.assert_clean()
    desktop.assert_clean()
    provider_phone.assert_clean()


# --- Items 2, 3 and 7 on the clinic panel ------------------------------------------------------

def test_panel_says_no_follow_up_yet_and_why_an_average_is_missing(
        desktop: Phone, database_url: str) -> None:
    """Item 2: with only a baseline PHQ-9 and PEG the panel said "0 % vs. before
    treatment"; a patient who logged only today showed "—" for the 7-day average."""
    base = desktop.url
    clinic = make_clinic(base, database_url)
    ines = account(base, "Ines Moreau")
    answered(ines, base, "phq9", 3, phq9(0))
    answered(ines, base, "peg", 3, {"q1": 7, "q2": 7, "q3": 7})
    session(ines, base, 1)
    entry(ines, base, 0, 6, 4)
    connect(ines, base, clinic)

    desktop.page.set_viewport_size(WIDE)
    provider_logs_in(desktop, clinic)
    row = row_of(desktop, "Ines Moreau")
    for column in ("phq9", "peg"):
        expect(cell(row, column)).to_contain_text("no follow-up yet since treatment began")
        expect(cell(row, column)).not_to_contain_text("%")
    for column in ("pain", "mood"):
        expect(cell(row, column)).to_contain_text(
            "no average: 1 of the last 7 days logged, 4 needed")
    shot(desktop, "panel-no-follow-up", ".panel-table")
    desktop.assert_clean()


def test_panel_and_report_say_how_serious_a_flag_is(desktop: Phone, database_url: str) -> None:
    """Item 3: item 9 "More than half the days" with 184/112 looked like "Several days" with
    148/92 ("⚑ Flagged Dec 2"). The answer's words and each reading with the threshold it
    crossed, the very high one first, on the panel and in the report."""
    base = desktop.url
    clinic = make_clinic(base, database_url)
    jo = account(base, "Jo Serious")
    answered(jo, base, "phq9", 2, phq9(2))
    session(jo, base, 1, vitals=[reading(1, "before", 150, 95, 9),
                                 reading(1, "after", 184, 112, 11)])
    entry(jo, base, 0, 5, 5)
    connect(jo, base, clinic)
    kim = account(base, "Kim Mild")
    answered(kim, base, "phq9", 2, phq9(1))
    session(kim, base, 1, vitals=[reading(1, "before", 148, 92, 9)])
    connect(kim, base, clinic)

    desktop.page.set_viewport_size(WIDE)
    provider_logs_in(desktop, clinic)
    serious = cell(row_of(desktop, "Jo Serious"), "flags")
    expect(serious).to_contain_text("Item 9: “More than half the days”")
    lines = serious.locator(".flag-reading").all_inner_texts()
    assert [re.sub(r"^⚑\s*", "", line) for line in lines] == [
        "BP 184/112 ≥ 180/110, any time", "BP 150/95 before dosing ≥ 140/90"]
    mild = cell(row_of(desktop, "Kim Mild"), "flags")
    expect(mild).to_contain_text("Item 9: “Several days”")
    expect(mild).to_contain_text("BP 148/92 before dosing ≥ 140/90")
    expect(mild).not_to_contain_text("180/110")
    shot(desktop, "panel-flags", ".panel-table")

    # The report orders the very high reading first.
    desktop.page.get_by_role("link", name="Jo Serious").click()
    summary = desktop.page.locator(".bp-summary-list li").first
    expect(summary).to_contain_text("184/112")
    text = summary.inner_text()
    assert text.index("184/112") < text.index("150/95"), text
    expect(desktop.page.locator("main")).not_to_have_attribute("aria-busy", "true")  # filled in
    flags = desktop.page.locator(".safety-row .bp-flag").all_inner_texts()
    assert "184/112" in flags[0] and "150/95" in flags[1], flags
    desktop.assert_clean()


def test_peg_change_is_exact_on_trends_and_the_panel(
        phone: Phone, desktop: Phone, database_url: str) -> None:
    """Item 7: PEG (7,7,6) -> (5,5,4) is exactly 30 % lower, a response; the app showed
    -29.9 % (from the rounded 6.7 and 4.7) and no response."""
    phone.sign_up()
    api, base = phone.api(), phone.url
    answered(api, base, "peg", 5, {"q1": 7, "q2": 7, "q3": 6})
    session(api, base, 4)
    answered(api, base, "peg", 1, {"q1": 5, "q2": 5, "q3": 4})
    patch = api.patch(f"{base}/api/v1/me", json={"questionnaires": ["phq9", "peg"]}, timeout=10)
    assert patch.status_code == 200, patch.text
    phone.goto("/trends")
    table = phone.page.locator("table").filter(has_text="6.7").first
    expect(table).to_contain_text("−30 %")
    expect(table).not_to_contain_text("29.9")
    expect(table.locator("tr").filter(has_text="Response")).to_contain_text("Yes")
    table.screenshot(path=str(ARTIFACTS / "truth-trends-peg.png"))

    clinic = make_clinic(base, database_url)
    connect(api, base, clinic)
    desktop.page.set_viewport_size(WIDE)
    provider_logs_in(desktop, clinic)
    peg = desktop.page.locator(".panel-table tbody tr").first.locator("td").nth(5)
    expect(peg).to_contain_text("−30 % vs. before treatment (6.7)")
    phone.assert_clean()
    desktop.assert_clean()


# --- Item 8: the clinic panel fits -------------------------------------------------------------

def seed_long_row(base: str, clinic: Clinic, name: str) -> None:
    """A patient whose row has the longest values: a booster window, both flags with two
    readings, a PHQ-9 and a PEG with their changes, every average with its baseline."""
    api = account(base, name)
    seed_patient(api, base)  # an induction and two boosters: the booster window shows
    answered(api, base, "phq9", 20, phq9(1))
    answered(api, base, "phq9", 2, phq9(3, each=3))
    answered(api, base, "peg", 16, {"q1": 8, "q2": 8, "q3": 8})
    answered(api, base, "peg", 1, {"q1": 5, "q2": 6, "q3": 6})
    treatments = api.get(f"{base}/api/v1/treatments", timeout=10).json()["items"]
    last = treatments[-1]
    # Yesterday: the booster window counts from it ("today is day 1").
    readings = [reading(1, "before", 150, 95, 8), reading(1, "after", 184, 112, 9)]
    put = api.put(f"{base}/api/v1/treatments/{uuid.uuid4()}", json={
        "started_at": dt.datetime.combine(day(1), dt.time(8, 30), BERLIN).isoformat(),
        "route": "sublingual", "dose_mg": 35, "vitals": readings}, timeout=10)
    assert put.status_code == 201, put.text
    assert last["phase"] == "booster"
    connect(api, base, clinic)


def headers_in_view(phone: Phone, width: int) -> None:
    page = phone.page
    page.set_viewport_size({"width": width, "height": 800})
    page.locator(".panel-table thead th").first.wait_for()
    boxes = page.locator(".panel-table thead th").evaluate_all(
        "ths => ths.map(th => { const r = th.getBoundingClientRect();"
        " return [th.dataset.col, r.left, r.right, th.innerText]; })")
    for col, left, right, text in boxes:
        assert left >= 0 and right <= width, f"{width} px: {col} ({text!r}) at {left}..{right}"
    overflow = page.locator(".panel-scroll").evaluate("el => el.scrollWidth - el.clientWidth")
    assert overflow <= 0, f"{width} px: the table scrolls sideways by {overflow} px"
    assert page.evaluate("document.documentElement.scrollWidth") <= width


def test_every_panel_column_is_in_view_at_1024_and_1280(
        desktop: Phone, es_phone: Phone, database_url: str) -> None:
    base = desktop.url
    clinic = make_clinic(base, database_url)
    seed_long_row(base, clinic, "Maximiliana Fernández-Castellanos")
    desktop.page.set_viewport_size(WIDE)
    provider_logs_in(desktop, clinic)
    row = desktop.page.locator(".panel-table tbody tr").first
    expect(row).to_contain_text("Flagged")
    for width in (1280, 1024):
        headers_in_view(desktop, width)
        shot(desktop, f"panel-{width}-en")
    # The long values are there, in view: the booster window, both flags.
    expect(cell(row, "last_session")).to_contain_text("Relief usually")
    expect(cell(row, "flags")).to_contain_text("184/112")
    expect(cell(row, "flags")).to_contain_text("Item 9")

    es_phone.page.set_viewport_size(WIDE)
    provider_logs_in(es_phone, clinic)
    expect(cell(es_phone.page.locator(".panel-table tbody tr").first, "last_session")
           ).to_contain_text("El alivio suele durar")
    for width in (1024, 1280):
        headers_in_view(es_phone, width)
        shot(es_phone, f"panel-{width}-es")
    desktop.assert_clean()
    es_phone.assert_clean()


# --- Item 13: provider setup reads as setup ------------------------------------------------------

def test_a_providers_setup_link_reads_as_setup(phone: Phone, database_url: str) -> None:
    email = f"new{uuid.uuid4().hex[:8]}@clinic.example"
    printed = flask_cli(database_url, "clinics", "create", "Setup Clinic", "--admin", email,
                        PUBLIC_URL=phone.url)
    link = printed.strip().splitlines()[-1]
    page = phone.page
    page.goto(link)
    expect(page.get_by_role("heading", level=1)).to_have_text("Choose your password")
    expect(page.locator("main")).not_to_contain_text("logged out everywhere")
    expect(page.locator("main")).not_to_contain_text("new password")
    shot(phone, "setup-page")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Confirm password").fill(PASSWORD)
    page.get_by_role("button", name="Set password").click()
    page.wait_for_url(f"{phone.url}/login")
    expect(page.locator("main")).to_contain_text("Your password is set.")
    phone.assert_clean()
