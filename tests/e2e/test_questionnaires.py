"""Check-ins (issue 13), in the browser against the real API: a PHQ-9 answered offline shows
the crisis screen first when item 9 is above 0, waits in the outbox and arrives exactly once;
an answer online shows the server's score and band at once; Settings chooses what Today says
is due; Trends draws each questionnaire with its series; the provider's report shows an item-9
answer with its date and exact words and offers questionnaires.csv; Spanish screens show the
Spanish wording the server serves."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import uuid
from collections.abc import Iterator
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import requests
from playwright.sync_api import expect

from tests.e2e.conftest import DESKTOP, OUTBOX, PASSWORD, REPLAY, Phone, _phone, shown
from tests.e2e.seed import seed_patient
from tests.support.live_server import LiveServer

pytestmark = pytest.mark.e2e

BERLIN = ZoneInfo("Europe/Berlin")
NOT_WATCHED = ("Relieflog is not watched in real time. Your clinic may not see this answer "
               "before your next visit.")
ITEM_9 = "Thoughts that you would be better off dead or of hurting yourself in some way"
PHQ9_OPTIONS = ["Not at all", "Several days", "More than half the days", "Nearly every day"]


def progress(phone: Phone):  # noqa: ANN201 - a Playwright locator
    return phone.page.locator(".screen-checkin .screen-head .sub")


def choose(phone: Phone, label: str) -> None:
    """Tap one answer of the question on screen (a tap moves on to the next question)."""
    phone.page.get_by_role("radio", name=label, exact=True).click()


def responses(api: requests.Session, base: str) -> list[dict[str, Any]]:
    response = api.get(f"{base}/api/v1/responses", timeout=10)
    assert response.status_code == 200, response.text
    return response.json()["items"]


def put_response(api: requests.Session, base: str, instrument: str, day: dt.date,
                 answers: dict[str, int], difficulty: int | None = None) -> dict[str, Any]:
    answered = dt.datetime.combine(day, dt.time(9, 0), BERLIN).isoformat()
    response = api.put(f"{base}/api/v1/responses/{uuid.uuid4()}", json={
        "instrument": instrument, "answered_at": answered, "answers": answers,
        "difficulty": difficulty}, timeout=10)
    assert response.status_code == 201, response.text
    return response.json()


def phq9(total_of_eight: int, item9: int = 0) -> dict[str, int]:
    """PHQ-9 answers whose first eight items add up to `total_of_eight`, then item 9."""
    answers = {}
    left = total_of_eight
    for n in range(1, 9):
        answers[f"q{n}"] = min(3, left)
        left -= answers[f"q{n}"]
    assert left == 0
    answers["q9"] = item9
    return answers


def today() -> dt.date:
    return dt.datetime.now(BERLIN).date()


def long_day(day: dt.date) -> str:
    return f"{day.day} {day.strftime('%B')} {day.year}"  # en-GB, as the report prints it


def seeded_with_phq9(phone: Phone) -> tuple[requests.Session, list[dict[str, Any]]]:
    """The seeded patient (an induction course and two boosters) with a PHQ-9 before and
    after each series, item 9 above 0 ("More than half the days") once, before the first
    booster; and a PEG now and then."""
    phone.sign_up()
    api = phone.api()
    seed_patient(api, phone.url)
    plan = [(-85, 18, 0), (-60, 8, 0), (-50, 12, 2), (-40, 6, 0), (-20, 14, 0), (-7, 4, 0)]
    saved = [put_response(api, phone.url, "phq9", today() + dt.timedelta(days=offset),
                          phq9(total, item9), difficulty=1) for offset, total, item9 in plan]
    for offset, answers in ((-84, (7, 6, 8)), (-62, (4, 3, 5)), (-8, (3, 3, 4))):
        put_response(api, phone.url, "peg", today() + dt.timedelta(days=offset),
                     dict(zip(("q1", "q2", "q3"), answers, strict=True)))
    return api, saved


# ---- The patient ----


@pytest.mark.worker
def test_phq9_offline_shows_the_crisis_screen_first_and_syncs_once(phone: Phone) -> None:
    page = phone.page
    phone.sign_up()
    phone.wait_for_service_worker()
    due = page.get_by_role("link", name="PHQ-9 due — 2 minutes")
    expect(due).to_be_visible()
    expect(page.get_by_role("link", name="PEG due — 1 minute")).to_be_visible()
    phone.screenshot("checkin-today-due")

    # In a basement: the definitions this phone already has are enough.
    phone.context.set_offline(True)
    due.click()
    expect(progress(phone)).to_have_text("Question 1 of 10")
    question = page.locator("legend.question-text")
    expect(question).to_have_text("Little interest or pleasure in doing things")
    phone.check("checkin-question-offline")
    # Items 1–5 "More than half the days" (2 each), 6–8 "Not at all": 10 so far.
    for n, label in enumerate([PHQ9_OPTIONS[2]] * 5 + [PHQ9_OPTIONS[0]] * 3, start=1):
        expect(progress(phone)).to_have_text(f"Question {n} of 10")
        choose(phone, label)
    expect(progress(phone)).to_have_text("Question 9 of 10")
    expect(question).to_have_text(ITEM_9)

    # Item 9 above 0: the crisis screen, at once and before anything else.
    choose(phone, "Several days")
    heading = page.get_by_role("heading", level=1)
    expect(heading).to_have_text("Help is available now")
    expect(page.get_by_text(NOT_WATCHED)).to_be_visible()
    call = page.get_by_role("link", name="Call or text 988 — Suicide & Crisis Lifeline (US)")
    expect(call).to_have_attribute("href", "tel:988")
    text = page.get_by_role("link", name="Text 988", exact=True)
    expect(text).to_have_attribute("href", "sms:988")
    expect(page.get_by_text("Outside the US: call your local emergency number")).to_be_visible()
    assert page.locator(".result-score, .screen-checkin fieldset").count() == 0
    # The answers were queued before it showed (offline: they wait); it sends nothing else.
    [kept] = page.evaluate(OUTBOX)
    assert (kept["kind"], kept["status"], kept["body"]["answers"]["q9"]) == (
        "response", "pending", 1)
    phone.check("checkin-crisis")

    page.get_by_role("button", name="Continue the check-in").click()
    expect(progress(phone)).to_have_text("Question 10 of 10")
    expect(page.get_by_text("(optional)")).to_be_visible()
    choose(phone, "Somewhat difficult")
    page.get_by_role("button", name="Save").click()
    expect(heading).to_have_text("PHQ-9 saved on this phone")
    expect(page.get_by_text("It will sync when you are online; your score appears here once "
                            "it has synced.")).to_be_visible()
    expect(page.get_by_role("heading", name="If you need help now")).to_be_visible()
    expect(page.locator("#sync-badge")).to_have_text("1 waiting to sync")
    queued = page.evaluate(OUTBOX)
    assert [(item["kind"], item["body"]["instrument"]) for item in queued] == [("response", "phq9")]
    phone.check("checkin-saved-offline")
    api = phone.api()
    assert responses(api, phone.url) == []

    # Offline, Today no longer offers the PHQ-9 it just answered.
    page.get_by_role("link", name="Done").click()
    page.get_by_role("link", name="PEG due — 1 minute").wait_for()
    expect(page.get_by_role("link", name="PHQ-9 due — 2 minutes")).to_have_count(0)
    page.go_back()
    expect(heading).to_have_text("PHQ-9")  # a fresh check-in, not the one just saved
    page.get_by_role("link", name="Today").click()
    page.get_by_role("heading", name="Today").wait_for()

    # Back online: it syncs once, with the server's score.
    phone.context.set_offline(False)
    expect(page.locator("#sync-badge")).to_be_hidden()
    saved = responses(api, phone.url)
    assert len(saved) == 1
    [response] = saved
    assert response["id"] == queued[0]["id"]
    assert response["total"] == 11 and response["severity"] == "moderate"
    assert response["safety_flag"] is True and response["answers"]["q9"] == 1
    assert response["difficulty"] == 1

    # The same item sent again and again (a flaky network, two tabs) changes nothing.
    left = page.evaluate(REPLAY, [queued, 30])
    assert left == 0
    again = responses(api, phone.url)
    assert len(again) == 1 and again[0]["version"] == response["version"]
    phone.assert_clean(expected=("ERR_INTERNET_DISCONNECTED",))


@pytest.mark.worker
def test_the_score_appears_when_the_answer_syncs_while_on_screen(phone: Phone) -> None:
    page = phone.page
    phone.sign_up()
    phone.wait_for_service_worker()
    phone.goto("/checkin/peg")  # the definitions, now on this phone
    phone.context.set_offline(True)
    for n, value in enumerate(("7", "6", "6"), start=1):
        expect(progress(phone)).to_have_text(f"Question {n} of 3")
        choose(phone, value)
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("PEG saved on this phone")
    phone.context.set_offline(False)
    expect(page.get_by_role("heading", level=1)).to_have_text("PEG saved")
    expect(page.locator(".result-score")).to_have_text("Score: 6.3 out of 10")
    expect(page.locator(".result-band")).to_have_count(0)  # the PEG has no bands
    [response] = responses(phone.api(), phone.url)
    assert response["total"] == 6.3
    phone.assert_clean(expected=("ERR_INTERNET_DISCONNECTED",))


def test_an_answer_online_shows_the_score_with_its_band(phone: Phone) -> None:
    page = phone.page
    phone.sign_up()
    phone.goto("/checkin/phq9")
    page.get_by_role("button", name="Show all questions on one page").click()
    expect(page.locator("fieldset.question")).to_have_count(10)
    phone.check("checkin-form", also="fieldset[data-key=q9]")

    # Every item is required; the optional one is not.
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".form-error")).to_have_text("Answer the 9 questions marked below to save.")
    expect(page.locator("fieldset[data-key=q1] .question-error")).to_have_text(
        "Choose an answer to go on.")
    answers = phq9(14, 0)

    def answer(key: str, value: int) -> None:
        page.locator(f"fieldset[data-key={key}]").get_by_role(
            "radio", name=PHQ9_OPTIONS[value], exact=True).click()

    for key, value in answers.items():
        if key != "q9":
            answer(key, value)
    # On the one-page form too, item 9 above 0 brings the crisis screen at once; the
    # form comes back as it was, at the next question.
    answer("q9", 3)
    expect(page.get_by_role("heading", level=1)).to_have_text("Help is available now")
    page.get_by_role("button", name="Continue the check-in").click()
    first = page.locator("fieldset[data-key=q1]")
    expect(first.get_by_role("radio", name=PHQ9_OPTIONS[3])).to_be_checked()
    expect(page.locator("fieldset[data-key=difficulty] legend")).to_be_focused()
    answer("q9", 0)  # changed back: the crisis screen does not come again, nor is it needed
    expect(page.get_by_role("heading", level=1)).to_have_text("PHQ-9")
    page.get_by_role("button", name="Save").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("PHQ-9 saved")
    expect(page.locator(".result-score")).to_have_text("Score: 14 out of 27")
    expect(page.locator(".result-band")).to_have_text("Severity: moderate")
    expect(page.get_by_role("heading", name="If you need help now")).to_have_count(0)
    phone.check("checkin-result")
    [response] = responses(phone.api(), phone.url)
    assert (response["total"], response["severity"]) == (14, "moderate")
    assert response["safety_flag"] is False
    assert response["answers"] == answers and response["difficulty"] is None

    # Today no longer says the PHQ-9 is due; the layout chosen is kept for the next one.
    page.get_by_role("link", name="Done").click()
    page.get_by_role("link", name="PEG due — 1 minute").wait_for()
    expect(page.get_by_role("link", name="PHQ-9 due — 2 minutes")).to_have_count(0)
    phone.goto("/checkin/gad7")
    expect(page.locator("fieldset.question")).to_have_count(7)  # no difficulty item
    phone.assert_clean()


def test_the_crisis_screen_in_the_dark_theme(dark_phone: Phone) -> None:
    phone, page = dark_phone, dark_phone.page
    phone.sign_up()
    phone.goto("/checkin/phq9")
    page.get_by_role("button", name="Show all questions on one page").click()
    page.locator("fieldset[data-key=q9]").get_by_role("radio", name="Several days").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Help is available now")
    phone.check("checkin-crisis-dark")
    page.get_by_role("button", name="Continue the check-in").click()
    phone.check("checkin-form-dark")
    phone.assert_clean()


def test_settings_choose_which_check_ins_today_offers(phone: Phone) -> None:
    page = phone.page
    phone.sign_up()
    due = page.locator(".due-card")
    expect(due).to_have_text(["PHQ-9 due — 2 minutes", "PEG due — 1 minute"])

    phone.goto("/settings")
    choices = page.locator(".checkin-choices")
    choices.wait_for()
    phq = page.get_by_role("checkbox", name=re.compile(r"^PHQ-9 "))
    gad = page.get_by_role("checkbox", name=re.compile(r"^GAD-7 "))
    peg = page.get_by_role("checkbox", name=re.compile(r"^PEG "))
    expect(phq).to_be_checked()
    expect(gad).not_to_be_checked()
    expect(peg).to_be_checked()
    gad.check()
    phq.uncheck()
    api = phone.api()
    enabled = lambda: api.get(f"{phone.url}/api/v1/me", timeout=10).json()["questionnaires"]  # noqa: E731
    for _ in range(50):  # the two taps are saved one after the other
        if enabled() == ["gad7", "peg"]:
            break
        page.wait_for_timeout(100)
    assert enabled() == ["gad7", "peg"]
    phone.check("settings-checkins", also=".checkin-choices")

    page.get_by_role("link", name="Today").click()
    expect(due).to_have_text(["GAD-7 due — 2 minutes", "PEG due — 1 minute"])
    page.reload()  # the choice is the server's, not this page's
    expect(due).to_have_text(["GAD-7 due — 2 minutes", "PEG due — 1 minute"])

    phone.goto("/settings")
    for box in (gad, peg):
        box.uncheck()
    page.get_by_role("link", name="Today").click()
    page.get_by_role("heading", name="Today").wait_for()
    phone.scale("Pain", 3).wait_for()
    expect(due).to_have_count(0)
    phone.assert_clean()


def test_trends_shows_each_questionnaire_with_its_series(phone: Phone) -> None:
    page = phone.page
    api, _ = seeded_with_phq9(phone)
    start = today() - dt.timedelta(days=89)
    trends = api.get(f"{phone.url}/api/v1/trends?from={start}&to={today()}", timeout=10).json()
    scores = trends["questionnaires"]["phq9"]
    assert len(scores["points"]) == 6 and len(scores["series"]) == 3

    phone.goto("/trends")
    card = page.locator(".checkin-trend[data-instrument=phq9]")
    card.locator(".score-chart canvas").wait_for()
    expect(card.get_by_role("heading", level=3)).to_contain_text("PHQ-9")
    expect(card.locator(".checkin-latest")).to_have_text(
        re.compile(rf"^Latest: 4 out of 27 \(minimal\) on {(today() - dt.timedelta(days=7)).day} "
                   r"\w+\.$"))
    expect(card.locator(".score-chart .marker")).to_have_count(len(trends["treatments"]))
    expect(page.locator(".checkin-trend[data-instrument=peg] .score-chart canvas")).to_have_count(1)

    # The series, newest first, exactly as the server computed them.
    tables = card.locator(".checkin-series-card")
    expect(tables).to_have_count(3)
    for table, row in zip(tables.all(), sorted(scores["series"], key=lambda s: -s["series_index"]),
                          strict=True):
        cells = table.locator("td").all_text_contents()
        change = row["change_pct"]
        assert cells == [
            "not enough data" if row["baseline"] is None else shown(row["baseline"]),
            shown(row["after"]),
            "—" if change is None else f"{'−' if change < 0 else '+'}{shown(abs(change))} %",
            "—" if row["response"] is None else ("Yes" if row["response"] else "No"),
            "—" if row["remission"] is None else ("Yes" if row["remission"] else "No"),
        ], (row, cells)
    # (The series' after is the latest score within three weeks: for the induction, the one
    # before the first booster.)
    assert [(r["baseline"], r["after"], r["response"], r["remission"]) for r in scores["series"]] \
        == [(18, 14, False, False), (14, 6, True, False), (14, 4, True, True)]

    # Every score as a table, and what each number means in one sentence.
    card.get_by_text("Show every score").click()
    rows = card.locator(".checkin-scores tbody tr")
    expect(rows).to_have_count(6)
    expect(rows.nth(0)).to_contain_text("4minimal")
    page.get_by_text("What the check-in numbers mean").click()
    expect(page.locator(".checkins .explain dt")).to_have_text(
        ["Baseline", "After", "Change", "Response", "Remission"])
    # With the numbers of the rules the server applies, for the questionnaires shown.
    expect(page.locator(".checkins .explain dd")).to_have_text([
        "Your latest score in the 14 days before the series' first session.",
        re.compile("up to 21 days later"), re.compile("compared with baseline"),
        re.compile(r"lower than the baseline, read from the percentage shown: PHQ-9 50 %; "
                   r"PEG 30 %\.$"),
        re.compile(r"below 5 \(PHQ-9\);"),
    ])

    # Tapping the chart on a point reads its score out.
    box = card.locator(".score-chart .u-over").bounding_box()
    assert box is not None
    page.locator(".checkin-trend[data-instrument=phq9] .score-chart").scroll_into_view_if_needed()
    box = card.locator(".score-chart .u-over").bounding_box()
    page.mouse.move(box["x"] + box["width"] - 2, box["y"] + box["height"] / 2, steps=3)
    expect(card.locator(".chart-readout")).to_contain_text("4 out of 27 · minimal")
    phone.check("trends-checkins", also=".checkins")
    phone.assert_clean()


# ---- The provider ----


def open_report_flag(api: Any, url: str, label: str, page: Any) -> Any:
    """Share the patient's log as `label`, open the link in `page`, and wait for the
    report's item-9 flag: its locator."""
    share = api.post(f"{url}/api/v1/shares", json={"label": label}, timeout=10)
    assert share.status_code == 201, share.text
    page.goto(share.json()["url"])
    flag = page.locator(".safety-flag")
    flag.wait_for()
    return flag


def test_the_report_shows_item_9_with_its_date_and_answer_and_offers_the_csv(
        phone: Phone, desktop: Phone) -> None:
    api, saved = seeded_with_phq9(phone)
    page = desktop.page
    flag = open_report_flag(api, phone.url, "Dr. Okafor", page)
    flagged_day = today() - dt.timedelta(days=50)
    expect(flag.get_by_role("heading", level=2)).to_have_text("Safety question answered above 0")
    expect(flag.get_by_role("heading", level=3)).to_have_text("PHQ-9, item 9")
    expect(flag.locator(".flag-text")).to_have_text(f"“{ITEM_9}”")
    expect(flag.locator(".flag-list li")).to_have_text(
        [f"{long_day(flagged_day)} — More than half the days"])
    # It comes first: before the downloads, the latest scores and the charts.
    assert page.evaluate("""() => {
      const flag = document.querySelector('.safety-flag');
      return [...document.querySelectorAll('.report-actions, .report-chart, .report-checkins')]
        .every((el) => flag.compareDocumentPosition(el) & Node.DOCUMENT_POSITION_FOLLOWING);
    }""")

    report = page.locator(".report-checkin[data-instrument=phq9]")
    report.locator(".score-chart.chart-screen canvas").wait_for()
    expect(report.locator(".checkin-series tbody tr")).to_have_count(3)
    expect(report.locator(".checkin-scores tbody tr")).to_have_count(6)
    flagged_row = report.locator(".checkin-scores tbody tr.flagged")
    expect(flagged_row).to_have_count(1)
    expect(flagged_row).to_contain_text("More than half the days")
    peg = page.locator(".report-checkin[data-instrument=peg]")
    expect(peg.locator(".checkin-scores tbody tr")).to_have_count(3)
    desktop.check("report-checkins", full_page=True)
    desktop.screenshot("report-checkins-flag")
    report.scroll_into_view_if_needed()
    desktop.screenshot("report-checkins-phq9")

    with page.expect_download() as download:
        page.get_by_role("button", name="Download check-ins (CSV)").click()
    assert download.value.suggested_filename.endswith(".csv")
    text = download.value.path().read_text(encoding="utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == len(saved) + 3
    flagged = [r for r in rows if r["instrument"] == "phq9" and r["q9"] not in ("", "0")]
    assert [(r["local_date"], r["q9"]) for r in flagged] == [(flagged_day.isoformat(), "2")]
    desktop.assert_clean()


# ---- In Spanish ----


@pytest.fixture
def es_desktop(browser: Any, server: LiveServer) -> Iterator[Phone]:
    """A provider whose browser speaks Spanish, at a desktop."""
    yield from _phone(browser, server, viewport=DESKTOP, locale="es-ES")


def test_spanish_check_in_shows_the_spanish_wording(es_phone: Phone, es_desktop: Phone) -> None:
    phone, page = es_phone, es_phone.page
    phone.register("Europe/Madrid")
    page.goto(f"{phone.url}/login")  # the Log in screen's words are not this module's
    page.locator("main input[type=email]").fill(phone.email)
    page.locator("main input[type=password]").fill(PASSWORD)
    page.locator("main form button[type=submit]").first.click()
    page.get_by_role("heading", name="Hoy", exact=True).wait_for()
    due = page.get_by_role("link", name="PHQ-9 pendiente — 2 minutos")
    due.click()
    expect(progress(phone)).to_have_text("Pregunta 1 de 10")
    expect(page.locator("legend.question-text")).to_have_text(
        "Poco interés o placer en hacer cosas")
    expect(page.get_by_role("radio", name="Ningún día", exact=True)).to_be_visible()
    phone.check("checkin-question-es")
    for n in range(1, 9):
        expect(progress(phone)).to_have_text(f"Pregunta {n} de 10")
        choose(phone, "Ningún día")
    expect(progress(phone)).to_have_text("Pregunta 9 de 10")
    choose(phone, "Varios días")
    expect(page.get_by_role("heading", level=1)).to_have_text("Hay ayuda disponible ahora")
    expect(page.get_by_text("Nadie vigila Relieflog en tiempo real. Es posible que tu clínica "
                            "no vea esta respuesta antes de tu próxima visita.")).to_be_visible()
    expect(page.get_by_role("link", name=re.compile(r"^Llama o envía un mensaje al 988"))) \
        .to_have_attribute("href", "tel:988")
    phone.check("checkin-crisis-es")
    page.get_by_role("button", name="Seguir con el cuestionario").click()
    expect(progress(phone)).to_have_text("Pregunta 10 de 10")
    page.get_by_role("button", name="Guardar").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("PHQ-9 guardado")
    expect(page.locator(".result-score")).to_have_text("Puntuación: 1 de 27")
    expect(page.locator(".result-band")).to_have_text("Gravedad: mínima")
    phone.check("checkin-result-es")
    phone.assert_clean()

    # The provider's report in Spanish (usted), with the answer in the form's own words.
    report = es_desktop.page
    flag = open_report_flag(phone.api(), phone.url, "Dra. Ruiz", report)
    expect(flag.get_by_role("heading", level=2)).to_have_text(
        "Pregunta de seguridad respondida por encima de 0")
    expect(flag.locator(".flag-list li")).to_contain_text("Varios días")
    expect(report.get_by_role("button", name="Descargar cuestionarios (CSV)")).to_be_visible()
    es_desktop.screenshot("report-checkins-es", full_page=True)
    es_desktop.assert_clean()
