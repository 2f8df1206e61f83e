"""A PHQ-9 answer with item 9 above 0 is never lost (issue 20, item 1), in the browser against
the real API: the answers are queued in the outbox the moment they form a score, before the
crisis screen shows, so whichever way the patient leaves that screen — a crisis link (the
phone's dialer or messages take over and the app may be closed), a tab, the back button, a
reload, closing the app, or a connection that was down and comes back — the response reaches
GET /responses exactly once, the provider's report shows its flag and the clinic's panel
says `safety_flag_on`. Answers given before the set is complete are kept on the phone as a
draft the check-in resumes; changes after the save update the same response."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from typing import Any

import pytest
import requests
from playwright.sync_api import expect

from tests.e2e.conftest import OUTBOX, Phone
from tests.e2e.test_clinics import Clinic, make_clinic
from tests.e2e.test_questionnaires import (
    BERLIN,
    ITEM_9,
    PHQ9_OPTIONS,
    choose,
    long_day,
    open_report_flag,
    progress,
    responses,
)
from tests.support.live_server import LiveServer

pytestmark = pytest.mark.e2e

CRISIS_TITLE = "Help is available now"
CALL_988 = "Call or text 988 — Suicide & Crisis Lifeline (US)"
TABS = ("Today", "History", "Treatments", "Trends", "Share", "Settings")


@pytest.fixture(scope="module")
def clinic(server: LiveServer, database_url: str) -> Clinic:
    """One clinic for the module; each test's patient connects to it."""
    return make_clinic(server.url, database_url)


def connected_patient(phone: Phone, clinic: Clinic) -> tuple[requests.Session, str]:
    """A new patient logged in on `phone` and connected to `clinic`: their API session and
    the connection's id (the row of the clinic's panel)."""
    phone.sign_up()
    api = phone.api()
    done = api.post(f"{phone.url}/api/v1/clinic-connections",
                    json={"code": clinic.code, "include_notes": False}, timeout=10)
    assert done.status_code == 201, done.text
    return api, done.json()["id"]


def answer_until_the_crisis_screen(phone: Phone) -> None:
    """From Today, the PHQ-9 one question at a time: items 1–8 "Several days", then item 9
    "Several days" (1), which completes the score (9) and brings the crisis screen."""
    page = phone.page
    page.get_by_role("link", name="PHQ-9 due — 2 minutes").click()
    for n in range(1, 9):
        expect(progress(phone)).to_have_text(f"Question {n} of 10")
        choose(phone, PHQ9_OPTIONS[1])
    expect(page.locator("legend.question-text")).to_have_text(ITEM_9)
    choose(phone, PHQ9_OPTIONS[1])
    expect(page.get_by_role("heading", level=1)).to_have_text(CRISIS_TITLE)


def arrived(api: requests.Session, base: str) -> list[dict[str, Any]]:
    """The patient's responses once the server has one (waiting up to 10 s for the sync)."""
    deadline = time.monotonic() + 10
    while not (found := responses(api, base)) and time.monotonic() < deadline:
        time.sleep(0.1)
    return found


def outbox_empty(page: Any) -> None:
    """Until this phone's outbox has sent everything."""
    deadline = time.monotonic() + 10
    while page.evaluate(OUTBOX):
        assert time.monotonic() < deadline, page.evaluate(OUTBOX)
        page.wait_for_timeout(100)


def assert_flagged_once(api: requests.Session, base: str, clinic: Clinic,
                        connection: str) -> dict[str, Any]:
    """Exactly one PHQ-9 response, flagged; the provider's report (a share link) and the
    clinic's panel both carry the flag, dated today."""
    found = arrived(api, base)
    assert len(found) == 1, found
    [response] = found
    assert response["instrument"] == "phq9" and response["answers"]["q9"] == 1
    assert response["total"] == 9 and response["safety_flag"] is True
    today = dt.datetime.now(BERLIN).date().isoformat()

    share = api.post(f"{base}/api/v1/shares", json={"label": "Dr. Okafor"}, timeout=10)
    assert share.status_code == 201, share.text
    provider = requests.Session()
    opened = provider.post(f"{base}/api/v1/shared/session",
                           json={"token": share.json()["url"].split("#", 1)[1]}, timeout=10)
    assert opened.status_code == 200, opened.text
    report = provider.get(f"{base}/api/v1/shared/trends", timeout=10).json()
    points = report["questionnaires"]["phq9"]["points"]
    assert [(p["local_date"], p["safety_flag"]) for p in points] == [(today, True)]

    panel = clinic.api.get(f"{base}/api/v1/clinic/patients", timeout=10).json()["items"]
    [row] = [item for item in panel if item["patient_id"] == connection]
    assert row["safety_flag_on"] == today and row["flagged"] is True
    return response


# ---- Every way out of the crisis screen ----


def crisis_link(name: str, href: str) -> Callable[[Phone], None]:
    """Tap a crisis resource as a phone would: the page asks the browser to open `href`
    (the dialer or messages take over), and the system, short of memory, closes the app
    in the background; later the patient opens it again."""
    def leave(phone: Phone) -> None:
        page = phone.page
        link = page.get_by_role("link", name=name, exact=True)
        expect(link).to_have_attribute("href", href)
        with page.expect_request(href):
            link.click()
        page.close()
        phone.page = phone.context.new_page()
        phone.goto("/today")
    return leave


def tab(name: str) -> Callable[[Phone], None]:
    def leave(phone: Phone) -> None:
        tabbar = phone.page.locator("#tabbar")
        tabbar.get_by_role("link", name=name, exact=True).click()
        expect(tabbar.locator("a[aria-current=page]")).to_have_text(name)
        expect(phone.page.get_by_role("heading", level=1)).not_to_have_text(CRISIS_TITLE)
    return leave


def back(phone: Phone) -> None:
    phone.page.go_back()
    expect(phone.page.get_by_role("heading", level=1)).to_have_text("Today")


def reload(phone: Phone) -> None:
    phone.page.reload()
    phone.page.wait_for_selector("main .screen h1")


def close(phone: Phone) -> None:
    """Close the tab at once; open the app again in a new one."""
    phone.page.close()
    phone.page = phone.context.new_page()
    phone.goto("/today")


WAYS_OUT: dict[str, Callable[[Phone], None]] = {
    "call-988": crisis_link(CALL_988, "tel:988"),
    "text-988": crisis_link("Text 988", "sms:988"),
    "call-911": crisis_link("Emergencies: call 911 (US)", "tel:911"),
    **{f"tab-{name.lower()}": tab(name) for name in TABS},
    "back": back,
    "reload": reload,
    "close": close,
}


@pytest.mark.parametrize("way_out", list(WAYS_OUT))
def test_every_way_out_of_the_crisis_screen_keeps_the_answer(
        way_out: str, phone: Phone, clinic: Clinic, request: pytest.FixtureRequest) -> None:
    api, connection = connected_patient(phone, clinic)
    answer_until_the_crisis_screen(phone)
    # Queued before the crisis screen showed (IndexedDB done), or already sent.
    WAYS_OUT[way_out](phone)
    response = assert_flagged_once(api, phone.url, clinic, connection)
    outbox_empty(phone.page)
    assert len(responses(api, phone.url)) == 1
    if way_out == "call-988":
        # Once through the provider's own report page, in a fresh browser.
        desktop = request.getfixturevalue("desktop")
        flag = open_report_flag(api, phone.url, "Dr. Ada Lee", desktop.page)
        today = dt.datetime.now(BERLIN).date()
        expect(flag.locator(".flag-list li")).to_have_text([f"{long_day(today)} — Several days"])
        desktop.screenshot("crisis-answer-report-flag")
        desktop.assert_clean()
    assert response["difficulty"] is None
    phone.assert_clean()


@pytest.mark.worker
def test_offline_answer_syncs_when_the_connection_comes_back(phone: Phone,
                                                            clinic: Clinic) -> None:
    api, connection = connected_patient(phone, clinic)
    phone.wait_for_service_worker()
    phone.context.set_offline(True)
    answer_until_the_crisis_screen(phone)
    queued = phone.page.evaluate(OUTBOX)
    assert [(i["kind"], i["status"], i["body"]["answers"]["q9"]) for i in queued] == [
        ("response", "pending", 1)]
    expect(phone.page.locator("#sync-badge")).to_have_text("1 waiting to sync")
    assert responses(api, phone.url) == []
    phone.check("crisis-answer-offline")
    phone.context.set_offline(False)  # the crisis screen still showing
    expect(phone.page.locator("#sync-badge")).to_be_hidden()
    response = assert_flagged_once(api, phone.url, clinic, connection)
    assert response["id"] == queued[0]["id"]
    expect(phone.page.get_by_role("heading", level=1)).to_have_text(CRISIS_TITLE)
    phone.assert_clean(expected=("ERR_INTERNET_DISCONNECTED",))


# ---- After the save: the same response ----


def test_the_difficulty_and_a_changed_answer_update_the_same_response(
        phone: Phone, clinic: Clinic) -> None:
    page = phone.page
    api, connection = connected_patient(phone, clinic)
    answer_until_the_crisis_screen(phone)
    first = assert_flagged_once(api, phone.url, clinic, connection)
    page.get_by_role("button", name="Continue the check-in").click()
    expect(progress(phone)).to_have_text("Question 10 of 10")
    # Back to item 3, changed to "Nearly every day": the saved response changes with it.
    for n in (9, 8, 7, 6, 5, 4, 3):
        page.get_by_role("button", name="Back").click()
        expect(progress(phone)).to_have_text(f"Question {n} of 10")
    page.get_by_role("radio", name=PHQ9_OPTIONS[3], exact=True).click()  # a tap moves on
    deadline = time.monotonic() + 10
    while responses(api, phone.url)[0]["total"] != 11:
        assert time.monotonic() < deadline, responses(api, phone.url)
        time.sleep(0.1)
    for n in range(4, 10):
        expect(progress(phone)).to_have_text(f"Question {n} of 10")
        page.get_by_role("button", name="Next").click()
    expect(progress(phone)).to_have_text("Question 10 of 10")
    choose(phone, "Somewhat difficult")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".result-score")).to_have_text("Score: 11 out of 27")
    expect(page.get_by_role("heading", name="If you need help now")).to_be_visible()
    [response] = responses(api, phone.url)
    assert response["id"] == first["id"]
    assert (response["total"], response["answers"]["q3"], response["difficulty"]) == (11, 3, 1)
    assert response["safety_flag"] is True and response["version"] > first["version"]
    phone.assert_clean()


# ---- Item 9 before the set is complete (the one-page form) ----


def test_item_9_first_on_the_form_is_kept_and_resumed_after_a_reload(
        phone: Phone, clinic: Clinic) -> None:
    page = phone.page
    api, connection = connected_patient(phone, clinic)
    phone.goto("/checkin/phq9")
    page.get_by_role("button", name="Show all questions on one page").click()

    def answer(key: str, value: int) -> None:
        page.locator(f"fieldset[data-key={key}]").get_by_role(
            "radio", name=PHQ9_OPTIONS[value], exact=True).click()

    answer("q1", 1)
    answer("q9", 1)
    expect(page.get_by_role("heading", level=1)).to_have_text(CRISIS_TITLE)
    expect(page.get_by_text("Your answers so far are kept on this phone")).to_be_visible()
    phone.check("crisis-answer-draft")
    # Kept on this phone (incomplete, so not sent: the server takes only whole answers).
    [draft] = page.evaluate(OUTBOX)
    assert draft["status"] == "draft" and draft["body"]["answers"]["q9"] == 1
    assert draft["body"]["answers"]["q1"] == 1 and draft["body"]["answers"]["q2"] is None
    assert responses(api, phone.url) == []
    expect(page.locator("#sync-badge")).to_be_hidden()

    # The patient reloads (or leaves and comes back): the check-in goes on where it was,
    # the crisis screen first again.
    page.reload()
    expect(page.get_by_role("heading", level=1)).to_have_text(CRISIS_TITLE)
    page.get_by_role("button", name="Continue the check-in").click()
    expect(page.get_by_text("You are carrying on where you left off")).to_be_visible()
    phone.check("crisis-answer-resumed")
    expect(page.locator("fieldset[data-key=q9]").get_by_role(
        "radio", name=PHQ9_OPTIONS[1], exact=True)).to_be_checked()
    for n in range(2, 9):
        answer(f"q{n}", 1)
    # The last item answered makes the score: sent at once, before Save.
    response = assert_flagged_once(api, phone.url, clinic, connection)
    assert response["id"] == draft["id"]
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".result-score")).to_have_text("Score: 9 out of 27")
    assert [r["id"] for r in responses(api, phone.url)] == [draft["id"]]
    phone.assert_clean()
