"""What the first screens wait for (issue 21: Lighthouse 100 on /login, /today and /share).
The provider's report shows its first screen at once and fills in after it: the rest comes
part by part without waiting for the chart's library, the page says it is still busy until
the last part is in, the day table is built when it is opened, and a printout made at any
moment has the whole report. Today asks for its booster hint beside the diary, not after."""

from __future__ import annotations

import datetime as dt
import re
import time
import uuid
from typing import Any

import pytest
from playwright.sync_api import expect

from api.web import module_graph
from tests.e2e.conftest import Phone
from tests.e2e.seed import seed_patient
from tests.e2e.test_questionnaires import seeded_with_phq9
from tests.e2e.test_sharing import NOTE, REPORTS, patient_with_history, pdf_text

pytestmark = pytest.mark.e2e

UPLOT = "**/vendor/uplot/uPlot.iife.min.js"
# Printed parts of the report, as they read in a PDF.
PRINTED = ("Treatment series", "Sessions", "IV infusion", NOTE, "How these numbers are worked out")


def shared_report(phone: Phone) -> str:
    """Sam Rivera's link, with notes."""
    patient_with_history(phone)
    api = phone.api()
    created = api.post(f"{phone.url}/api/v1/shares",
                       json={"label": "Dr. Okafor", "include_notes": True}, timeout=10)
    assert created.status_code == 201, created.text
    return str(created.json()["url"])


def test_the_report_fills_in_without_waiting_for_the_chart(phone: Phone,
                                                           provider_phone: Phone) -> None:
    link = shared_report(phone)
    report = provider_phone.page
    held: list[Any] = []
    # The chart's library on a slow line: not here yet.
    report.route(UPLOT, lambda route: held.append(route))
    report.goto(link)
    report.get_by_role("heading", name="Sam Rivera").wait_for()
    main = report.locator("main")

    # Everything but the chart comes while the library is still on its way; the page says
    # it is not finished, and the chart keeps its place.
    expect(report.locator(".report-explain")).to_contain_text("How these numbers are worked out")
    expect(report.locator(".sessions-report tbody tr")).to_have_count(8)
    expect(report.locator(".report-notes")).to_contain_text(NOTE)
    expect(main).to_have_attribute("aria-busy", "true")
    expect(report.locator(".chart-screen canvas")).to_have_count(0)
    assert report.locator(".chart-screen").bounding_box()["height"] >= 260  # type: ignore[index]
    # The day table (not printed) is built only when the reader opens it.
    expect(report.locator(".days-table")).to_have_count(0)

    assert held, "the page asked for the chart's library"
    for route in held:
        route.continue_()
    report.locator(".chart-screen canvas").wait_for()
    expect(report.locator(".chart-screen .marker")).to_have_count(8)
    expect(report.locator(".chart-print canvas")).to_have_count(1)
    expect(main).not_to_have_attribute("aria-busy", "true")

    shared = provider_phone.context.request.get(f"{provider_phone.url}/api/v1/shared/trends")
    report.locator(".days-details summary").click()
    expect(report.locator(".days-table tbody tr")).to_have_count(len(shared.json()["days"]))
    provider_phone.assert_clean()


def wait_for_routes(page: Any, held: list[Any], count: int) -> None:
    """Waits up to 5 s for `count` held routes: a request the page made in the same task as
    one already seen reaches this process's route handler a moment after it."""
    deadline = time.monotonic() + 5
    while len(held) < count and time.monotonic() < deadline:
        page.wait_for_timeout(25)


def uplot_asked_for_while_chart_js_is_held(page: Any, open_page: Any) -> None:
    """Opens a page with chart.js held back; the chart's library was asked for meanwhile."""
    held: list[Any] = []
    page.route("**/js/chart.js", lambda route: held.append(route))
    with page.expect_request(lambda request: request.url.endswith(UPLOT.removeprefix("**"))):
        open_page()
    # chart.js was asked for in the same task: its route reaches this process a moment later.
    wait_for_routes(page, held, 1)
    assert held, "chart.js was asked for"
    for route in held:
        route.continue_()
    page.locator(".chart canvas").first.wait_for()


def test_the_chart_s_library_is_asked_for_beside_chart_js(phone: Phone,
                                                          provider_phone: Phone) -> None:
    """chart.js runs uPlot (a classic script): the report and Trends ask for both at once,
    not uPlot one round trip after chart.js has arrived."""
    link = shared_report(phone)
    report = provider_phone.page
    uplot_asked_for_while_chart_js_is_held(report, lambda: report.goto(link))
    expect(report.locator(".chart-screen .marker")).to_have_count(8)
    provider_phone.assert_clean()

    uplot_asked_for_while_chart_js_is_held(phone.page, lambda: phone.load("/trends"))  # a new page
    expect(phone.page.locator(".chart .marker").first).to_be_attached()
    phone.assert_clean()


def test_a_report_printed_before_it_has_filled_in_prints_whole(phone: Phone,
                                                               provider_phone: Phone) -> None:
    """A phone too busy to ever be idle: the first screen only, until printing builds the rest
    (the browser's Print, then the report's own Print button, which waits for the chart)."""
    link = shared_report(phone)
    report = provider_phone.page
    provider_phone.context.add_init_script("window.requestIdleCallback = () => 0;")
    report.goto(link)
    report.get_by_role("heading", name="Sam Rivera").wait_for()
    expect(report.locator(".latest-scores")).to_be_visible()
    expect(report.locator("main")).to_have_attribute("aria-busy", "true")
    expect(report.locator(".report-sessions")).to_have_count(0)

    pdf = REPORTS / "provider-report-before-filled-in.pdf"
    pdf.write_bytes(report.pdf(format="A4", print_background=True))  # fires "beforeprint"
    text = pdf_text(pdf)
    if text is not None:
        for words in PRINTED:
            assert words in text, f"{words!r} missing from the printout"
    expect(report.locator(".sessions-report tbody tr")).to_have_count(8)

    report.get_by_role("button", name="Print").click()
    expect(report.locator(".chart-print canvas")).to_have_count(1)
    expect(report.locator(".chart-print .marker")).to_have_count(8)
    provider_phone.assert_clean()


def test_today_asks_for_its_hint_beside_the_diary(phone: Phone) -> None:
    """The hint (the last text to appear, and Today's largest) is asked for while the day's
    entry is still on its way, so it shows with the form rather than a round trip later."""
    phone.sign_up()
    seed_patient(phone.api(), phone.url)  # due a booster hint
    page = phone.page
    held: list[Any] = []
    released = False

    def slow(route: Any) -> None:  # the day's entry on a slow line, until released
        if released:
            route.continue_()
        else:
            held.append(route)

    page.route("**/api/v1/entries?*", slow)
    with page.expect_request(lambda request: "/api/v1/entries?" in request.url), \
            page.expect_request(lambda request: "/api/v1/trends?" in request.url):
        page.goto(f"{phone.url}/today")
    expect(page.locator(".screen-today")).to_have_count(0)  # still waiting for the entry
    released = True
    for route in held:
        route.continue_()
    expect(page.locator(".hint")).to_contain_text("Relief has usually lasted")
    phone.assert_clean()


def test_the_report_is_asked_for_before_its_words_have_arrived(phone: Phone,
                                                              provider_phone: Phone) -> None:
    """The chain the report's first screen waits for is HTML → session with the report (one
    round trip, not a session and then a report): asked for while the catalog is still on
    its way, and the questionnaire part's module, words, definitions and styles all at once
    when the report is in (its item-9 flag is the page's largest first text)."""
    api, _ = seeded_with_phq9(phone)  # item 9 above 0 once
    created = api.post(f"{phone.url}/api/v1/shares", json={"label": "Dr. Okafor"}, timeout=10)
    assert created.status_code == 201, created.text
    report = provider_phone.page
    held: list[Any] = []
    started: list[str] = []
    report.on("request", lambda request: started.append(request.url.removeprefix(phone.url)))
    report.route("**/i18n/*.json?scope=report", lambda route: held.append(route))
    report.goto(created.json()["url"])
    with report.expect_response(lambda response: "/api/v1/shared/session" in response.url):
        pass
    assert held, "the catalog was asked for"
    expect(report.locator(".report-head")).to_have_count(0)  # no words yet, no report
    for route in held:
        route.continue_()
    expect(report.locator(".flag-answer")).to_have_text(["More than half the days"])
    assert [url for url in started if url.startswith("/api/v1/shared/")] == [
        "/api/v1/shared/session"], started
    # The questionnaire part's needs, each asked for before the part's module had arrived.
    part = started.index("/js/checkins-report.js")
    needs = ["/i18n/en.json?scope=questionnaires", "/css/checkins.css", "/js/questionnaires.js"]
    asked = [url for url in started if url.startswith("/api/v1/questionnaires?")]
    assert asked and all(url in started for url in needs), started
    assert started.index(asked[0]) < part + 4 and started.index(needs[0]) < part + 4, started
    provider_phone.assert_clean()


def test_a_parts_modules_are_asked_for_at_once(phone: Phone, provider_phone: Phone) -> None:
    """A part the report loads only when it has one (the questionnaires', the safety part's)
    asks at once for every module of it the page does not have, not one level of imports per
    round trip: while the part's own module is held back, the ones it imports are already on
    their way."""
    api, _ = seeded_with_phq9(phone)
    started = (dt.date.today() - dt.timedelta(days=30)).isoformat()
    put = api.put(f"{phone.url}/api/v1/medications/{uuid.uuid4()}", json={
        "name": "Sertraline", "dose": "50 mg", "class": "antidepressant", "started_on": started},
        timeout=10)
    assert put.status_code == 201, put.text
    created = api.post(f"{phone.url}/api/v1/shares", json={"label": "Dr. Okafor"}, timeout=10)
    assert created.status_code == 201, created.text
    report = provider_phone.page
    held: list[Any] = []
    parts = re.compile(r".*/js/(checkins|safety)-report\.js$")
    report.route(parts, lambda route: held.append(route))
    with report.expect_request(lambda r: r.url.endswith("/js/checkin-tables.js")), \
            report.expect_request(lambda r: r.url.endswith("/js/safety.js")), \
            report.expect_request(lambda r: r.url.endswith("/js/safety-words.js")):
        report.goto(created.json()["url"])
    # Both parts' own modules were asked for in the same task: their routes reach this
    # process a moment later (Playwright's events), not after any further request.
    wait_for_routes(report, held, 2)
    assert sorted(route.request.url.rsplit("/", 1)[1] for route in held) == [
        "checkins-report.js", "safety-report.js"]
    for route in held:
        route.continue_()
    expect(report.locator(".flag-answer")).to_have_text(["More than half the days"])
    expect(report.locator("main")).to_contain_text("Sertraline")
    provider_phone.assert_clean()


@pytest.mark.parametrize("path", ["/login", "/share"])
def test_the_page_names_its_modules_and_each_is_fetched_once(phone: Phone, path: str) -> None:
    """The HTML names the page's module graph (for a stranger at the app, with the log-in
    screen's) as modulepreload; each is a module the page runs, fetched once, and every
    module the page ran was named."""
    page = phone.page
    fetched: list[str] = []
    page.on("request", lambda request: fetched.append(request.url.removeprefix(phone.url)))
    page.goto(f"{phone.url}{path}")
    if path == "/login":
        page.locator("main form").wait_for()
    else:
        page.get_by_role("heading", name="This link is not valid").wait_for()
    page.wait_for_load_state("networkidle")
    named = page.evaluate("[...document.querySelectorAll('link[rel=modulepreload]')]"
                          ".map((link) => link.getAttribute('href'))")
    if path == "/login":
        assert {"/js/screens/login.js", "/js/controls.js", "/js/outbox.js"} <= set(named), named
    else:
        assert {"/js/report.js", "/js/tables.js", "/js/questionnaires.js"} <= set(named), named
    scripts = [url for url in fetched if url.endswith(".js")]
    assert all(scripts.count(url) == 1 for url in named), scripts
    assert set(named) <= set(scripts)
    ran = set(page.evaluate(
        "performance.getEntriesByType('resource').map((r) => new URL(r.name).pathname)"
        ".filter((p) => p.endsWith('.js'))"))
    entry = "/js/app.js" if path == "/login" else "/js/share.js"
    # The page's script is asked for first, before the modules it imports.
    assert scripts[0] == entry, scripts
    if path == "/share":  # its icon is inline: nothing but the page's own files
        assert not [url for url in fetched if "icon" in url], fetched
    worker = "/js/intl-warm.js"  # the thread i18n.js starts: not a module of the page
    assert worker in ran
    assert ran - {entry, worker} <= set(named), sorted(ran - set(named))
    phone.assert_clean(("401",))  # /share without a link: no viewing cookie


def test_today_asks_for_its_data_beside_who_is_logged_in(phone: Phone) -> None:
    """On a phone that remembers its patient, Today's data (the day's entry, the hint, the
    due check-ins) is asked for as the page opens, while GET /me is still on its way, and
    the screen then uses what was asked for: each request once."""
    phone.sign_up()
    seed_patient(phone.api(), phone.url)  # due a booster hint
    page = phone.page
    held: list[Any] = []
    released = False

    def slow(route: Any) -> None:  # who is logged in, on a slow line, until released
        if released:
            route.continue_()
        else:
            held.append(route)

    page.route("**/api/v1/me", slow)
    started: list[str] = []
    page.on("request", lambda request: started.append(request.url.removeprefix(phone.url)))
    with page.expect_request(lambda request: "/api/v1/trends?" in request.url), \
            page.expect_request(lambda request: "/api/v1/entries?" in request.url), \
            page.expect_request(lambda request: "/api/v1/questionnaires/due" in request.url):
        page.goto(f"{phone.url}/today")
    assert held, "GET /me was asked"
    expect(page.locator(".screen-today")).to_have_count(0)  # who is this? not known yet
    released = True
    for route in held:
        route.continue_()
    expect(page.locator(".hint")).to_contain_text("Relief has usually lasted")
    page.locator(".screen-today form .chip").first.wait_for()
    page.wait_for_load_state("networkidle")
    api = [url for url in started if url.startswith("/api/v1/")]
    for asked in ("/api/v1/trends?", "/api/v1/questionnaires/due", "/api/v1/bladder-checks/due"):
        assert len([url for url in api if url.startswith(asked)]) == 1, api
    phone.assert_clean()


def test_today_s_modules_are_asked_for_at_once_when_the_app_opens_on_it(phone: Phone) -> None:
    """A patient reopening the app on Today: every module of Today's graph is asked for
    beside the shell's (api/web.py names them at the end of the page), not found one level
    of imports per round trip as each module arrives. Held on a slow line, today.js has not
    arrived when vocabulary.js, three imports below it, is already asked for."""
    phone.sign_up()
    page = phone.page
    held: list[Any] = []
    page.route("**/js/screens/today.js", lambda route: held.append(route))
    fetched: list[str] = []
    page.on("request", lambda request: fetched.append(request.url.removeprefix(phone.url)))
    with page.expect_request("**/js/vocabulary.js", timeout=5_000):
        page.goto(f"{phone.url}/today")
    assert len(held) == 1, "today.js was asked for, and is still on its way"
    shell = module_graph("js/app.js")
    today = [f"/{m}" for m in module_graph("js/screens/today.js") if m not in shell]
    assert "/js/vocabulary.js" in today and len(today) >= 8, today
    held[0].continue_()
    page.locator(".screen-today form .chip").first.wait_for()
    assert all(fetched.count(module) == 1 for module in today), fetched
    phone.assert_clean()
