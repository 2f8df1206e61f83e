"""Session safety on a phone and in the provider's report (issue 15): blood-pressure readings
recorded offline and synced once, with the server's flag shown after; the weekly bladder
question; a medication pre-filled as a sedating medicine and marked on Trends; the report's
readings, flags, chart, medication list and bladder answers on a phone, a desktop and paper,
and in Spanish."""

from __future__ import annotations

import datetime as dt
import uuid
from zoneinfo import ZoneInfo

import pytest
import requests
from playwright.sync_api import expect

from tests.e2e.conftest import OUTBOX, REPLAY, Phone

pytestmark = pytest.mark.e2e

TZ = ZoneInfo("Europe/Berlin")


def today() -> dt.date:
    return dt.datetime.now(TZ).date()


def at(day: dt.date, hour: int, minute: int = 0) -> str:
    return dt.datetime.combine(day, dt.time(hour, minute), TZ).isoformat()


def put(api: requests.Session, phone: Phone, path: str, body: dict) -> dict:
    response = api.put(f"{phone.url}/api/v1{path}", json=body, timeout=10)
    assert response.status_code in (200, 201), response.text
    return response.json()


@pytest.mark.worker
def test_readings_recorded_offline_sync_once_and_show_the_servers_flag(phone: Phone) -> None:
    page = phone.page
    phone.sign_up()
    phone.wait_for_service_worker()
    phone.context.set_offline(True)

    page.get_by_role("link", name="Treatments").click()
    page.get_by_role("link", name="Record a session").click()
    page.get_by_label("Dose (mg)").fill("35")
    page.get_by_role("button", name="Add: Before dosing").click()
    first = page.locator(".bp-row").nth(0)
    expect(first.get_by_label("When")).to_have_value("before")
    first.get_by_label("Systolic").fill("148")
    first.get_by_label("Diastolic").fill("92")
    first.get_by_label("Heart rate").fill("78")
    page.get_by_role("button", name="Add: After dosing").click()
    second = page.locator(".bp-row").nth(1)
    second.get_by_label("Systolic").fill("132")
    second.get_by_label("Diastolic").fill("84")
    second.get_by_label("SpO₂ %").fill("97")
    page.get_by_label("Observation after dosing (minutes)").fill("60")
    # The bladder symptoms are side effects like the others, in words.
    expect(page.get_by_label("Blood in urine")).to_be_visible()
    assert first.get_by_label("Systolic").get_attribute("inputmode") == "numeric"
    phone.check("safety-session-readings", also=".bp-row")

    page.get_by_role("button", name="Save").click()
    page.get_by_text("Blood-pressure flags will show when it syncs").wait_for()
    page.get_by_text("Waiting to sync", exact=True).wait_for()
    page.locator(".list-item").first.click()
    page.get_by_text("Any blood-pressure flags will show here once it syncs.").wait_for()
    queued = page.evaluate(OUTBOX)
    assert [item["kind"] for item in queued] == ["treatment"]

    phone.context.set_offline(False)
    page.locator("#sync-badge").wait_for(state="hidden")
    treatments = phone.api().get(f"{phone.url}/api/v1/treatments", timeout=10).json()["items"]
    assert len(treatments) == 1
    session = treatments[0]
    assert [(r["phase"], r["systolic"], r["diastolic"], r["heart_rate"], r["spo2"])
            for r in session["vitals"]] == [
                ("before", 148, 92, 78, None), ("after", 132, 84, None, 97)]
    assert session["observation_minutes"] == 60
    assert [f["code"] for f in session["flags"]] == ["bp_before_high"]
    # Sent again and again (a flaky network): still this one session, unchanged.
    assert page.evaluate(REPLAY, [queued, 5]) == 0
    again = phone.api().get(f"{phone.url}/api/v1/treatments", timeout=10).json()["items"]
    assert [(t["id"], t["version"], t["vitals"]) for t in again] == [
        (session["id"], session["version"], session["vitals"])]

    page.reload()
    flag = page.locator(".bp-alert")
    expect(flag).to_contain_text("Blood pressure before dosing was 148/92 — at or above 140/90")
    phone.check("safety-session-flag")
    page.get_by_role("link", name="‹ Treatments").click()
    expect(page.locator(".score-tag.bp-tag")).to_have_text("Blood pressure flag")
    phone.assert_clean(expected=("ERR_INTERNET_DISCONNECTED",))


def test_weekly_bladder_question_is_asked_once_a_week(phone: Phone) -> None:
    page = phone.page
    phone.sign_up()
    api = phone.api()
    for days_ago in (2, 5, 9, 13):  # 4 sessions in 30 days: the server says it is due
        put(api, phone, f"/treatments/{uuid.uuid4()}",
            {"started_at": at(today() - dt.timedelta(days=days_ago), 10), "route": "iv_infusion"})
    phone.goto("/today")
    card = page.locator(".bladder-card")
    expect(card.get_by_text("During the past week, have you had any of these?")).to_be_visible()
    phone.check("safety-today-bladder", also=".bladder-card")

    card.get_by_label("Pain when urinating").check()
    card.get_by_role("button", name="Save").click()
    expect(card).to_have_count(0)
    checks = api.get(f"{phone.url}/api/v1/bladder-checks", timeout=10).json()["items"]
    assert [(c["date"], c["symptoms"]) for c in checks] == [
        (today().isoformat(), ["painful_urination"])]

    page.reload()
    page.get_by_role("heading", name="Today").wait_for()
    phone.settle()
    expect(page.locator(".bladder-card")).to_have_count(0)
    assert api.get(f"{phone.url}/api/v1/bladder-checks/due", timeout=10).json()["due"] is False
    phone.assert_clean()


def test_a_medication_is_prefilled_on_a_session_and_marked_on_trends(phone: Phone) -> None:
    page = phone.page
    phone.sign_up()
    api = phone.api()
    put(api, phone, f"/entries/{today().isoformat()}", {"pain": 5, "mood": 5})
    started = (today() - dt.timedelta(days=6)).isoformat()

    page.get_by_role("link", name="Settings").click()
    page.get_by_role("link", name="Your medication list").click()
    page.get_by_role("link", name="Add a medication").click()
    page.get_by_label("Name").fill("Lorazepam")
    page.get_by_label("Dose").fill("1 mg at night")
    page.get_by_label("Kind of medicine").select_option("benzodiazepine")
    page.get_by_label("Started").fill(started)
    page.get_by_role("button", name="Save").click()
    page.get_by_role("heading", name="Medications").wait_for()
    expect(page.locator(".list-item")).to_contain_text("Lorazepam")
    phone.check("safety-medications")
    medications = api.get(f"{phone.url}/api/v1/medications", timeout=10).json()["items"]
    assert [(m["name"], m["class"], m["started_on"], m["stopped_on"]) for m in medications] == [
        ("Lorazepam", "benzodiazepine", started, None)]

    page.get_by_role("link", name="Treatments").click()
    page.get_by_role("link", name="Record a session").click()
    expect(page.get_by_role("checkbox", name="Benzodiazepine")).to_be_checked()
    expect(page.get_by_role("checkbox", name="Opioid")).not_to_be_checked()
    expect(page.locator(".prefill-note")).to_contain_text("Lorazepam")
    page.get_by_role("button", name="Save").click()
    page.get_by_role("heading", name="Treatments").wait_for()
    treatments = api.get(f"{phone.url}/api/v1/treatments", timeout=10).json()["items"]
    assert [t["concomitant"] for t in treatments] == [["benzodiazepine"]]

    page.get_by_role("link", name="Trends").click()
    page.get_by_role("button", name="More layers").click()  # a phone draws fewer at first
    marker = page.locator(".chart .med-marker[data-kind=started]")
    expect(marker).to_have_count(1)
    assert marker.get_attribute("data-date") == started
    changes = page.get_by_role("region", name="Medication changes")
    expect(changes.get_by_role("row").nth(1)).to_contain_text("Lorazepam")
    expect(changes.get_by_role("row").nth(1)).to_contain_text("Started")
    phone.check("safety-trends-medication", also=".med-changes-section")
    phone.assert_clean()


def seed_safety_report(phone: Phone) -> str:
    """A patient with a flagged session, a medication whose dose changed, and a bladder
    answer with a symptom; a share link to all of it."""
    phone.register(timezone="Europe/Berlin")
    api = phone.api()
    day = today() - dt.timedelta(days=3)
    for offset in range(-10, 1):
        put(api, phone, f"/entries/{(today() + dt.timedelta(days=offset)).isoformat()}",
            {"pain": 6 if offset < -3 else 3, "mood": 4 if offset < -3 else 7})
    put(api, phone, f"/treatments/{uuid.uuid4()}", {
        "started_at": at(day, 10), "route": "iv_infusion", "dose_mg": 35.0,
        "observation_minutes": 90, "concomitant": ["benzodiazepine"],
        "vitals": [
            {"taken_at": at(day, 9, 50), "phase": "before", "systolic": 148, "diastolic": 92,
             "heart_rate": 80},
            {"taken_at": at(day, 10, 20), "phase": "during", "systolic": 182, "diastolic": 104},
            {"taken_at": at(day, 11, 0), "phase": "after", "systolic": 134, "diastolic": 86,
             "spo2": 97},
        ]})
    medication = f"/medications/{uuid.uuid4()}"
    body = {"name": "Sertraline", "dose": "50 mg", "class": "antidepressant",
            "started_on": (today() - dt.timedelta(days=8)).isoformat()}
    put(api, phone, medication, body)
    put(api, phone, medication, {**body, "dose": "100 mg"})
    put(api, phone, f"/bladder-checks/{today().isoformat()}", {"symptoms": ["blood_in_urine"]})
    created = api.post(f"{phone.url}/api/v1/shares", json={"label": "Dr Lee"}, timeout=10)
    assert created.status_code == 201, created.text
    return created.json()["url"].removeprefix(phone.url)


def test_provider_report_shows_readings_flags_medications_and_bladder(
        phone: Phone, desktop: Phone) -> None:
    path = seed_safety_report(phone)
    for viewer, name in ((phone, "phone"), (desktop, "desktop")):
        page = viewer.page
        if viewer is desktop:
            page.set_viewport_size({"width": 1280, "height": 900})
        page.goto(viewer.url + path)
        page.locator(".chart-screen canvas").first.wait_for()
        # Flags first on the page, then in the session's row.
        expect(page.locator(".bp-summary")).to_contain_text(
            "Blood pressure before dosing was 148/92")
        sessions = page.locator(".sessions-report")
        expect(sessions.locator(".bp-flag")).to_have_count(2)
        expect(sessions).to_contain_text(
            "Blood pressure before dosing was 148/92 — at or above 140/90")
        expect(sessions).to_contain_text("Blood pressure of 182/104")
        expect(sessions).to_contain_text("at or above 180/110")
        expect(sessions.locator("svg.bp-chart circle")).to_have_count(6)
        # The session's safety details are in full view, not cut off at the table's edge.
        shown = page.locator(".table-scroll:has(.sessions-report)").bounding_box()
        for flag in sessions.locator(".bp-flag").all():
            box = flag.bounding_box()
            assert box["x"] + box["width"] <= shown["x"] + shown["width"] + 1, (name, box)
        expect(sessions).to_contain_text("Observed 90 min after dosing")
        expect(sessions).to_contain_text("Sedating medicines that day: Benzodiazepine")
        meds = page.get_by_role("region", name="Medication list")
        expect(meds.get_by_role("row").nth(1)).to_contain_text("Sertraline")
        expect(meds.get_by_role("row").nth(1)).to_contain_text("100 mg")
        expect(meds.get_by_role("row").nth(1)).to_contain_text("Ongoing")
        expect(page.locator(".chart-screen .med-marker")).to_have_count(2)  # started, changed
        expect(page.locator(".bladder-table tr.has-symptoms .symptoms")).to_have_text(
            "Blood in urine")
        viewer.check(f"safety-report-{name}", also=".report-sessions", full_page=viewer is desktop)

    page = desktop.page
    with page.expect_download() as download:
        page.get_by_role("button", name="Download medications (CSV)").click()
    assert "Sertraline" in download.value.path().read_text()

    page.emulate_media(media="print")
    expect(page.locator(".sessions-report svg.bp-chart")).to_be_visible()
    expect(page.locator(".report-medications")).to_be_visible()
    expect(page.locator(".chart-print .med-marker")).to_have_count(2)
    expect(page.get_by_role("button", name="Download medications (CSV)")).to_be_hidden()
    desktop.screenshot("safety-report-print", full_page=True)
    phone.assert_clean()
    desktop.assert_clean()


def test_spanish_report_and_bladder_words(es_phone: Phone, phone: Phone) -> None:
    path = seed_safety_report(phone)
    page = es_phone.page
    page.goto(es_phone.url + path)
    page.locator(".chart-screen canvas").first.wait_for()
    sessions = page.locator(".sessions-report")
    expect(sessions.locator(".safety-row .safety-label")).to_have_text(
        "Presión arterial y seguridad")
    expect(sessions).to_contain_text(
        "La presión arterial antes de la dosis fue 148/92: igual o superior a 140/90")
    expect(page.get_by_role("heading", name="Lista de medicamentos")).to_be_visible()
    expect(page.get_by_role("button", name="Descargar medicamentos (CSV)")).to_be_visible()
    expect(page.locator(".bladder-table .symptoms")).to_have_text("Sangre en la orina")
    expect(page.locator(".report-bladder")).to_contain_text("¿ha tenido alguno de estos?")  # usted
    es_phone.check("safety-report-es", also=".report-medications")
    es_phone.assert_clean()
