"""The patient's screens on a phone (issue 21): a session keeps its time in the account's time
zone, each reading gets its own time, the forms start on safe defaults, every table fits a
360 px phone, the chart explains every mark it draws, Today's Save is in reach, and no text is
smaller than 12 px."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterator
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import requests
from playwright.sync_api import expect

from tests.e2e.conftest import Phone, _phone
from tests.e2e.seed import seed_patient
from tests.support.live_server import LiveServer

pytestmark = pytest.mark.e2e

BERLIN = ZoneInfo("Europe/Berlin")
CHICAGO = ZoneInfo("America/Chicago")
SMALL_PHONE = {"width": 360, "height": 740}


@pytest.fixture
def new_york_phone(browser: Any, server: LiveServer) -> Iterator[Phone]:
    """A phone whose clock is in New York (its owner travelling, say)."""
    yield from _phone(browser, server, timezone="America/New_York")


@pytest.fixture
def small_phone(browser: Any, server: LiveServer) -> Iterator[Phone]:
    """A 360 × 740 phone, the narrowest the app is made for."""
    yield from _phone(browser, server, viewport=SMALL_PHONE)


@pytest.fixture
def small_es_phone(browser: Any, server: LiveServer) -> Iterator[Phone]:
    """A 360 × 740 phone in Spanish."""
    yield from _phone(browser, server, viewport=SMALL_PHONE, locale="es-ES", language="es",
                      timezone="Europe/Madrid")


def put(api: requests.Session, phone: Phone, path: str, body: dict[str, Any]) -> dict[str, Any]:
    response = api.put(f"{phone.url}/api/v1{path}", json=body, timeout=10)
    assert response.status_code in (200, 201), response.text
    return dict(response.json())


def berlin_today() -> dt.date:
    return dt.datetime.now(BERLIN).date()


# ---- 4. A session keeps its time ----


def test_a_session_shows_and_keeps_the_accounts_time(new_york_phone: Phone) -> None:
    phone, page = new_york_phone, new_york_phone.page
    phone.register(timezone="America/Chicago")
    phone.log_in()
    api = phone.api()
    day = dt.datetime.now(CHICAGO).date() - dt.timedelta(days=3)
    started = dt.datetime.combine(day, dt.time(10, 30), CHICAGO)
    session_id = str(uuid.uuid4())
    put(api, phone, f"/treatments/{session_id}", {
        "started_at": started.isoformat(), "route": "iv_infusion", "dose_mg": 35.0,
        "vitals": [{"taken_at": (started + dt.timedelta(minutes=15)).isoformat(),
                    "phase": "before", "systolic": 128, "diastolic": 82}]})

    phone.goto("/treatments")
    expect(page.locator(".list-item .meta").first).to_contain_text("10:30")
    page.locator(".list-item").first.click()
    page.get_by_role("heading", name="Change session").wait_for()
    when = page.get_by_label("Date and time")
    expect(when).to_have_value(f"{day.isoformat()}T10:30")
    expect(page.locator(".bp-row input[type=datetime-local]")).to_have_value(
        f"{day.isoformat()}T10:45")
    # The phone's clocks say 11:30: the form says whose clocks it shows.
    expect(page.locator(".field", has=when)).to_contain_text("Times in Chicago time")
    phone.screenshot("layout-session-zone")

    page.get_by_role("button", name="Save").click()
    page.get_by_role("heading", name="Treatments").wait_for()
    saved = api.get(f"{phone.url}/api/v1/treatments/{session_id}", timeout=10).json()
    assert dt.datetime.fromisoformat(saved["started_at"]) == started
    assert dt.datetime.fromisoformat(saved["vitals"][0]["taken_at"]) == started + dt.timedelta(
        minutes=15)
    expect(page.locator(".list-item .meta").first).to_contain_text("10:30")

    # A wall-clock time across Chicago's changes of clocks reads with the offset then.
    converted = page.evaluate("""() => import('/js/zone-input.js').then((d) => [
        '2026-03-07T10:30', '2026-03-08T01:30', '2026-03-08T03:30', '2026-03-08T02:30',
        '2026-11-01T01:30', '2026-11-01T02:30', '2026-07-01T23:45',
      ].map((local) => d.fromZoneInput(local, 'America/Chicago')))""")
    assert converted == ["2026-03-07T10:30:00-06:00", "2026-03-08T01:30:00-06:00",
                         "2026-03-08T03:30:00-05:00", "2026-03-08T02:30:00-06:00",
                         "2026-11-01T01:30:00-05:00", "2026-11-01T02:30:00-06:00",
                         "2026-07-01T23:45:00-05:00"]
    back = page.evaluate("""() => import('/js/zone-input.js').then((d) => [
        d.toZoneInput('2026-03-08T08:30:00Z', 'America/Chicago'),
        d.toZoneInput('2026-11-01T07:30:00Z', 'America/Chicago')])""")
    assert back == ["2026-03-08T03:30", "2026-11-01T01:30"]
    phone.assert_clean()


def test_the_form_names_no_zone_when_the_phone_keeps_the_accounts_time(phone: Phone) -> None:
    page = phone.page
    phone.sign_up(timezone="Europe/Berlin")  # the phone's zone too
    phone.goto("/treatments/new")
    expect(page.locator(".field", has=page.get_by_label("Date and time"))).not_to_contain_text(
        "Times in")


# ---- 5. Readings get their own time ----


def test_each_new_reading_gets_its_own_time_and_chart_labels_never_overlap(
        phone: Phone, desktop: Phone) -> None:
    page = phone.page
    phone.sign_up(timezone="Europe/Berlin")
    api = phone.api()
    day = berlin_today() - dt.timedelta(days=2)
    session_id = str(uuid.uuid4())
    put(api, phone, f"/treatments/{session_id}", {
        "started_at": dt.datetime.combine(day, dt.time(10, 30), BERLIN).isoformat(),
        "route": "iv_infusion"})
    phone.goto(f"/treatments/{session_id}")
    page.locator("[data-add-phase=before]").click()
    page.locator("[data-add-phase=after]").click()
    times = page.locator(".bp-row input[type=datetime-local]")
    expect(times).to_have_count(2)
    before, after = times.evaluate_all("els => els.map((e) => e.value)")
    assert before == f"{day.isoformat()}T10:30"
    assert after == f"{day.isoformat()}T11:30", "the reading after dosing, an hour later"

    # Readings taken at one time (as the old default saved them): labels never overlap.
    same = dt.datetime.combine(day, dt.time(10, 30), BERLIN).isoformat()
    put(api, phone, f"/treatments/{session_id}", {
        "started_at": same, "route": "iv_infusion", "vitals": [
            {"taken_at": same, "phase": "before", "systolic": 150, "diastolic": 95},
            {"taken_at": same, "phase": "after", "systolic": 132, "diastolic": 84},
            {"taken_at": same, "phase": "after", "systolic": 128, "diastolic": 80}]})
    share = api.post(f"{phone.url}/api/v1/shares", json={"label": "Dr Lee"}, timeout=10).json()
    viewer = desktop.page
    viewer.goto(share["url"])
    chart = viewer.locator(".sessions-report svg.bp-chart").first
    chart.wait_for()
    boxes = chart.locator("text").evaluate_all("""els => els.map((e) => {
        const r = e.getBoundingClientRect();
        return [e.textContent, r.left, r.top, r.right, r.bottom];
      })""")
    svg = chart.bounding_box()
    assert svg is not None
    for i, (text, left, top, right, bottom) in enumerate(boxes):
        assert left >= svg["x"] - 0.5 and right <= svg["x"] + svg["width"] + 0.5, (text, boxes)
        for other, o_left, o_top, o_right, o_bottom in boxes[i + 1:]:
            apart = right <= o_left or o_right <= left or bottom <= o_top or o_bottom <= top
            assert apart, f"{text!r} is drawn over {other!r}: {boxes}"
    desktop.screenshot("layout-readings-chart")
    phone.assert_clean()
    desktop.assert_clean()


# ---- 6. Safe defaults ----


def test_a_medication_has_no_class_until_one_is_chosen(phone: Phone) -> None:
    page = phone.page
    phone.sign_up()
    phone.goto("/medications/new")
    kind = page.get_by_label("Kind of medicine")
    expect(kind).to_have_value("")
    expect(kind.locator("option").first).to_have_text("Choose…")
    page.get_by_label("Name").fill("Lorazepam")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".field", has=kind)).to_contain_text("Choose the kind of medicine.")
    api = phone.api()
    assert api.get(f"{phone.url}/api/v1/medications", timeout=10).json()["items"] == []
    kind.select_option("benzodiazepine")
    page.get_by_role("button", name="Save").click()
    page.get_by_role("heading", name="Medications").wait_for()
    [saved] = api.get(f"{phone.url}/api/v1/medications", timeout=10).json()["items"]
    assert (saved["name"], saved["class"]) == ("Lorazepam", "benzodiazepine")
    phone.assert_clean()


def test_the_spanish_session_form_starts_on_the_spanish_word(es_phone: Phone) -> None:
    page = es_phone.page
    es_phone.sign_up("Europe/Madrid", "es")
    es_phone.goto("/treatments/new")
    expect(page.get_by_label("Medicamento", exact=True)).to_have_value("ketamina")
    page.get_by_role("button", name="Guardar").click()
    page.get_by_role("heading", name="Tratamientos").wait_for()
    [saved] = es_phone.api().get(f"{es_phone.url}/api/v1/treatments", timeout=10).json()["items"]
    assert saved["medication"] == "ketamina"
    es_phone.assert_clean()


# ---- 9, 12. Every table fits a 360 px phone; no text under 12 px ----


def seed_everything(phone: Phone, api: requests.Session) -> dict[str, Any]:
    """The seeded patient with check-ins, medications (a dose change and a stop), a session
    with readings, and a share link that has been opened; returns the report's path and the
    session with readings."""
    seed_patient(api, phone.url)
    today = berlin_today()
    for offset, answers in ((-85, 18), (-60, 8), (-20, 14), (-7, 4)):
        left, phq = answers, {}
        for n in range(1, 9):
            phq[f"q{n}"] = min(3, left)
            left -= phq[f"q{n}"]
        phq["q9"] = 0
        put(api, phone, f"/responses/{uuid.uuid4()}", {
            "instrument": "phq9", "answers": phq, "difficulty": 1,
            "answered_at": dt.datetime.combine(today + dt.timedelta(days=offset),
                                               dt.time(9, 0), BERLIN).isoformat()})
    sertraline = f"/medications/{uuid.uuid4()}"
    body = {"name": "Sertraline", "dose": "50 mg", "class": "antidepressant",
            "started_on": (today - dt.timedelta(days=30)).isoformat()}
    put(api, phone, sertraline, body)
    put(api, phone, sertraline, {**body, "dose": "100 mg"})
    put(api, phone, f"/medications/{uuid.uuid4()}", {
        "name": "Lorazepam", "dose": "0.5 mg", "class": "benzodiazepine",
        "started_on": (today - dt.timedelta(days=20)).isoformat(),
        "stopped_on": (today - dt.timedelta(days=5)).isoformat()})
    day = today - dt.timedelta(days=3)
    at = lambda h, m=0: dt.datetime.combine(day, dt.time(h, m), BERLIN).isoformat()  # noqa: E731
    session = put(api, phone, f"/treatments/{uuid.uuid4()}", {
        "started_at": at(10), "route": "iv_infusion", "dose_mg": 35.0, "observation_minutes": 90,
        "concomitant": ["benzodiazepine"], "vitals": [
            {"taken_at": at(9, 50), "phase": "before", "systolic": 148, "diastolic": 92,
             "heart_rate": 80},
            {"taken_at": at(10, 20), "phase": "during", "systolic": 182, "diastolic": 104},
            {"taken_at": at(11), "phase": "after", "systolic": 134, "diastolic": 86, "spo2": 97}]})
    put(api, phone, f"/bladder-checks/{today.isoformat()}", {"symptoms": ["blood_in_urine"]})
    share = api.post(f"{phone.url}/api/v1/shares", json={"label": "Dr Lee"}, timeout=10).json()
    assert requests.get(share["url"].replace("/share#", "/share?t="), timeout=10) is not None
    return {"report": share["url"].removeprefix(phone.url), "session": session["id"]}


# Every visible table cell: inside the viewport, its text inside the cell, no two pieces of
# text in it run together on one line; no table that scrolls sideways; and every term and
# value of a list of facts (<dl>) inside the viewport and inside its list.
TABLE_PROBLEMS = r"""() => {
  const width = document.documentElement.clientWidth;
  const found = [];
  if (document.documentElement.scrollWidth > width + 1) found.push(`the page scrolls sideways`);
  // Shown, and not clipped away for screen readers only (a visually hidden heading row).
  const clipped = (el) => {
    for (let a = el; a; a = a.parentElement) if (getComputedStyle(a).clip !== "auto") return true;
    return false;
  };
  const shown = (el) => el.getClientRects().length > 0 && !clipped(el);
  for (const table of document.querySelectorAll("table")) {
    if (!shown(table)) continue;
    const name = table.className;
    for (let box = table.parentElement; box && box !== document.body; box = box.parentElement) {
      if (box.scrollWidth > box.clientWidth + 1 && getComputedStyle(box).overflowX !== "visible") {
        found.push(`${name}: scrolls sideways (${box.scrollWidth} > ${box.clientWidth})`);
        break;
      }
    }
    for (const cell of table.querySelectorAll("th, td, caption")) {
      const text = cell.textContent.trim();
      if (!text || !shown(cell)) continue;
      const r = cell.getBoundingClientRect();
      if (r.left < -0.5 || r.right > width + 0.5) {
        found.push(`${name}: "${text}" off-screen (${Math.round(r.left)}–${Math.round(r.right)})`);
      }
      if (cell.scrollWidth > cell.clientWidth + 1) found.push(`${name}: "${text}" wider than it`);
      const parts = [...cell.querySelectorAll("*")]
        .filter((el) => !el.children.length && el.textContent.trim() && shown(el));
      for (let i = 1; i < parts.length; i += 1) {
        const a = parts[i - 1].getBoundingClientRect();
        const b = parts[i].getBoundingClientRect();
        const oneLine = a.top < b.bottom - 2 && b.top < a.bottom - 2;
        if (oneLine && b.left >= a.left && b.left - a.right < 3) {
          found.push(`${name}: "${parts[i - 1].textContent}" runs into "${parts[i].textContent}"`);
        }
      }
    }
  }
  for (const item of document.querySelectorAll("dt, dd")) {
    const text = item.textContent.trim();
    const list = item.closest("dl");
    if (!text || !list || !shown(item)) continue;
    const r = item.getBoundingClientRect();
    const box = list.getBoundingClientRect();
    const name = `dl.${list.className}`;
    if (r.left < -0.5 || r.right > width + 0.5) {
      found.push(`${name}: "${text}" off-screen (${Math.round(r.left)}–${Math.round(r.right)})`);
    } else if (r.left < box.left - 0.5 || r.right > box.right + 0.5
               || item.scrollWidth > item.clientWidth + 1) {
      found.push(`${name}: "${text}" runs past its list `
                 + `(${Math.round(r.right)} > ${Math.round(box.right)})`);
    }
  }
  return found;
}"""

# Every visible piece of text (and SVG text) whose font is under 12 px.
SMALL_TEXT = r"""() => {
  const found = new Set();
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const el = node.parentElement;
    if (!el || !node.data.trim()) continue;
    if (el.closest("script, style, .visually-hidden, [hidden]")) continue;
    const range = document.createRange();
    range.selectNodeContents(node);
    const rects = [...range.getClientRects()].filter((r) => r.width > 0 && r.height > 0);
    if (!rects.length || getComputedStyle(el).visibility === "hidden") continue;
    // An SVG's text is drawn at its font size times the drawing's scale.
    let size = parseFloat(getComputedStyle(el).fontSize);
    const svg = el.closest("svg");
    if (svg && svg.viewBox.baseVal && svg.viewBox.baseVal.width) {
      size *= svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
    }
    const what = `${el.tagName.toLowerCase()}.${el.getAttribute("class") || ""}`;
    if (size < 11.95) found.add(`${what}: "${node.data.trim().slice(0, 30)}" ${size.toFixed(1)}px`);
  }
  return [...found];
}"""


def open_everything(page: Any) -> None:
    """Opens every "more" part, so the tables in it show."""
    page.evaluate("() => document.querySelectorAll('main details')"
                  ".forEach((d) => { d.open = true; })")


def walk_screens(phone: Phone, seeded: dict[str, Any], check: Any, lang: str) -> None:
    """Every screen of the seeded patient (and the provider's report), `check(name)` on each."""
    page = phone.page
    ready = {"/today": ".status-line", "/history": ".list-item", "/treatments": ".list-item",
             f"/treatments/{seeded['session']}": ".bp-row", "/medications": ".list-item",
             "/medications/new": "form", "/trends": ".chart canvas", "/settings": "form",
             "/share-links": ".share-item"}
    for path, selector in ready.items():
        phone.goto(path)
        page.locator(f"main {selector}").first.wait_for()
        if path == "/trends":
            page.locator(".checkin-trend").first.wait_for()
        phone.settle()
        open_everything(page)
        check(f"{lang}{path}")
    page.goto(phone.url + seeded["report"])
    page.locator(".chart-screen canvas").first.wait_for()
    expect(page.locator("main")).not_to_have_attribute("aria-busy", "true")  # filled in
    page.locator(".bladder-table").wait_for()
    open_everything(page)
    check(f"{lang} report")


@pytest.mark.slow
@pytest.mark.parametrize("fixture", ["small_phone", "small_es_phone"])
def test_every_screen_fits_a_360_px_phone(fixture: str, request: pytest.FixtureRequest) -> None:
    """On every screen at 360 px, in English and in Spanish (its words are longer): no
    table or list of facts runs text together, past its box or off-screen, nothing
    scrolls sideways, and no text is under 12 px."""
    phone: Phone = request.getfixturevalue(fixture)
    page = phone.page
    lang = "es" if fixture == "small_es_phone" else "en"
    if lang == "es":
        phone.sign_up("Europe/Madrid", "es")
    else:
        phone.sign_up()
    seeded = seed_everything(phone, phone.api())
    problems: list[str] = []
    seen: list[str] = []

    def check(name: str) -> None:
        count = page.evaluate("() => [...document.querySelectorAll('table')]"
                              ".filter((t) => t.getClientRects().length).length")
        seen.append(f"{name}: {count}")
        problems.extend(f"{name}: {p}" for p in page.evaluate(TABLE_PROBLEMS))
        problems.extend(f"{name}: {p}" for p in page.evaluate(SMALL_TEXT))

    walk_screens(phone, seeded, check, lang)
    assert problems == [], "\n".join(problems)
    assert f"{lang}/trends: 0" not in seen and f"{lang} report: 0" not in seen, seen
    # And the tab bar's six words fit the 360 px screen, each tab a thumb wide.
    phone.goto("/today")
    tabs = page.locator("#tabbar a").evaluate_all(
        "els => els.map((a) => [a.textContent, a.getBoundingClientRect().left,"
        " a.getBoundingClientRect().right])")
    assert len(tabs) == 6
    for text, left, right in tabs:
        assert left >= 0 and right <= SMALL_PHONE["width"] and right - left >= 44, (text, tabs)
    phone.assert_clean()


# ---- 10. The chart explains itself ----

# Pixels of a relief strip (its metric's colour at 60 % opacity, on the transparent canvas),
# pain and mood: {inside: in the plot's top 12 px, above: above the plot}.
RELIEF_PIXELS = r"""() => {
  const canvas = document.querySelector(".chart canvas");
  const over = document.querySelector(".chart .u-over").getBoundingClientRect();
  const box = canvas.getBoundingClientRect();
  const ratio = canvas.width / box.width;
  const css = getComputedStyle(document.documentElement);
  const hex = (c) => [1, 3, 5].map((i) => parseInt(c.slice(i, i + 2), 16));
  const colours = ["--pain", "--mood"].map((name) => hex(css.getPropertyValue(name).trim()));
  const ctx = canvas.getContext("2d");
  const count = (from, to) => {
    const y0 = Math.round((from - box.top) * ratio);
    const rows = Math.max(1, Math.round((to - from) * ratio));
    const x0 = Math.round((over.left - box.left) * ratio);
    const data = ctx.getImageData(x0, y0, Math.round(over.width * ratio), rows).data;
    return colours.map((c) => {
      let n = 0;
      for (let i = 0; i < data.length; i += 4) {
        const rgb = Math.abs(data[i] - c[0]) + Math.abs(data[i + 1] - c[1])
          + Math.abs(data[i + 2] - c[2]);
        if (rgb < 12 && Math.abs(data[i + 3] - 153) <= 3) n += 1;
      }
      return n;
    });
  };
  return { inside: count(over.top, over.top + 12), above: count(box.top, over.top) };
}"""

# What the chart draws, read from the page: the layers it says it drew, and the markers.
DRAWN = r"""() => {
  const chart = document.querySelector(".chart");
  const drawn = new Set(chart.dataset.layers.split(" ").filter(Boolean));
  const markers = [...chart.querySelectorAll(".marker")];
  return {
    drawn: [...drawn].sort(),
    session: markers.some((m) => !m.classList.contains("med-marker")),
    medication: markers.some((m) => m.classList.contains("med-marker")
      && m.dataset.kind !== "stopped"),
    medication_stopped: markers.some((m) => m.dataset.kind === "stopped"),
    legend: [...document.querySelectorAll(".chart-card .legend [data-layer]")]
      .map((li) => li.dataset.layer).sort(),
    dotTops: markers.filter((m) => !m.classList.contains("med-marker")).map((m) => {
      const dot = getComputedStyle(m, "::before");
      return parseFloat(dot.top) + parseFloat(dot.height);
    }),
  };
}"""


def chart_state(page: Any) -> dict[str, Any]:
    page.locator(".chart canvas").wait_for()
    page.wait_for_function("() => document.querySelector('.chart .marker')")
    # Read in one go, once the frame the chart was drawn in is painted (a resize is drawn
    # on the next frame: chart.js plotFollowing).
    state: dict[str, Any] = page.evaluate(f"""() => new Promise((done) => requestAnimationFrame(
        () => requestAnimationFrame(
            () => done({{...({DRAWN})(), pixels: ({RELIEF_PIXELS})()}}))))""")
    # Every mark drawn has its entry, and every entry its mark.
    assert state["legend"] == state["drawn"], state
    for marker in ("session", "medication", "medication_stopped"):
        assert state[marker] == (marker in state["legend"]), (marker, state)
    # Session dots sit above the plot, off the scale; relief strips too.
    assert all(bottom <= 0 for bottom in state["dotTops"]), state["dotTops"]
    assert state["pixels"]["inside"] == [0, 0], state["pixels"]
    return state


PHONE_LAYERS = ["mood_avg7", "mood_day", "pain_avg7", "pain_day", "session"]
ALL_LAYERS = sorted([*PHONE_LAYERS, "baseline", "relief_pain", "relief_mood", "medication",
                     "medication_stopped"])


def test_the_chart_legend_names_every_mark_and_a_phone_shows_fewer_layers(
        small_phone: Phone) -> None:
    phone, page = small_phone, small_phone.page
    phone.sign_up()
    seed_everything(phone, phone.api())
    phone.goto("/trends")
    state = chart_state(page)
    assert state["legend"] == PHONE_LAYERS
    assert state["pixels"]["above"] == [0, 0]
    phone.screenshot("layout-trends-phone")

    page.get_by_role("button", name="More layers").click()
    state = chart_state(page)
    assert state["legend"] == ALL_LAYERS
    assert all(n > 20 for n in state["pixels"]["above"]), state["pixels"]  # relief, off the scale
    page.reload()
    page.get_by_role("button", name="Fewer layers").wait_for()  # remembered
    assert chart_state(page)["legend"] == ALL_LAYERS
    phone.screenshot("layout-trends-phone-all")
    page.get_by_role("button", name="Fewer layers").click()
    assert chart_state(page)["legend"] == PHONE_LAYERS

    page.set_viewport_size({"width": 1280, "height": 900})
    page.reload()
    assert chart_state(page)["legend"] == ALL_LAYERS  # room for every layer
    expect(page.get_by_role("button", name="More layers")).to_have_count(0)
    phone.assert_clean()


# ---- 11. Save is in reach ----


@pytest.fixture(params=["en", "es"])
def tall_phone(browser: Any, server: LiveServer, request: pytest.FixtureRequest) -> Iterator[Phone]:
    """A 390 × 844 phone (an iPhone 12 to 15), in English and in Spanish."""
    yield from _phone(browser, server, viewport={"width": 390, "height": 844},
                      locale="es-ES" if request.param == "es" else "en-GB", language=request.param)


def test_pain_mood_and_save_fit_the_first_screen_with_two_check_ins_due(
        tall_phone: Phone, request: pytest.FixtureRequest) -> None:
    phone, page = tall_phone, tall_phone.page
    lang = request.node.callspec.params["tall_phone"]
    if lang == "es":
        phone.sign_up("Europe/Madrid", "es")
    else:
        phone.sign_up()
    words = {"en": ("Pain", "Mood", "Save"), "es": ("Dolor", "Estado de ánimo", "Guardar")}[lang]
    expect(page.locator(".due-card")).to_have_count(2)
    phone.settle()
    tabbar = page.locator("#tabbar").bounding_box()
    assert tabbar is not None
    for control in (page.get_by_role("radiogroup", name=words[0], exact=True),
                    page.get_by_role("radiogroup", name=words[1], exact=True),
                    page.get_by_role("button", name=words[2], exact=True)):
        box = control.bounding_box()
        assert box is not None
        assert box["y"] >= 0 and box["y"] + box["height"] <= tabbar["y"], (control, box, tabbar)
    phone.check(f"layout-today-new-{lang}")
    phone.assert_clean()
