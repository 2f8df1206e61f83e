"""Trends: a canvas chart, a dashed marker per session, series cards and a data table that
shows exactly what GET /api/v1/trends returned."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import Phone, point_at_first_session, shown
from tests.e2e.seed import seed_patient, seed_zero_baseline

pytestmark = pytest.mark.e2e



def test_trends_chart_table_and_markers_match_the_api(phone: Phone) -> None:
    page = phone.page
    phone.sign_up()
    api = phone.api()
    seeded = seed_patient(api, phone.url)
    today = dt.datetime.now(ZoneInfo("Europe/Berlin")).date()
    start = today - dt.timedelta(days=3699)
    trends = api.get(f"{phone.url}/api/v1/trends?from={start}&to={today}", timeout=10).json()
    assert len(trends["treatments"]) == len(seeded["treatments"]) == 8

    phone.goto("/trends")
    page.get_by_role("button", name="All").click()
    expect(page.get_by_role("button", name="All")).to_have_attribute("aria-pressed", "true")
    page.locator(".chart canvas").wait_for()
    expect(page.locator(".chart .marker")).to_have_count(len(trends["treatments"]))
    markers = page.locator(".chart .marker").evaluate_all("els => els.map(e => e.dataset.date)")
    assert sorted(markers) == sorted(t["local_date"] for t in trends["treatments"])

    page.get_by_text("Show the numbers as a table").click()
    rows = page.locator(".days-table tbody tr").evaluate_all(
        "rows => rows.map(r => [r.dataset.date,"
        " ...[...r.querySelectorAll('td')].map(td => td.textContent)])")
    expected = [[d["date"], shown(d["pain"]), shown(d["mood"]), shown(d["pain_avg7"]),
                 shown(d["mood_avg7"])] for d in trends["days"]]
    assert rows == expected
    summary = page.locator("#trends-summary").inner_text()
    assert f"you logged {len(trends['days'])} days and recorded 8 sessions" in summary

    cards = page.locator(".series")
    expect(cards).to_have_count(len(trends["series"]))
    latest = trends["series"][-1]
    card = page.locator(f".series[data-series='{latest['index']}']")
    relief = latest["pain"]["relief_days"]
    if relief is not None:
        words = f"{relief} {'day' if relief == 1 else 'days'}"
        expect(card).to_contain_text(f"at least {words}" if latest["pain"]["censored"] else words)

    # Tapping the chart on a session day names the session's route.
    point_at_first_session(page)
    expect(page.locator(".chart-readout")).to_contain_text("Session: IV infusion")
    phone.assert_clean()


def test_a_baseline_of_zero_is_explained_on_its_series_card(phone: Phone) -> None:
    phone.sign_up()
    seed_zero_baseline(phone.api(), phone.url)
    phone.goto("/trends")
    card = phone.page.locator(".series").first
    note = card.locator(".zero-baseline")
    expect(note).to_have_count(1)  # pain only: the mood baseline is 6, not the best (10)
    expect(note).to_have_text("Pain: your baseline was 0, so there was nothing to relieve: "
                              "no percentage, category, response or relief.")
    assert note.get_attribute("data-metric") == "pain"
    phone.assert_clean()
