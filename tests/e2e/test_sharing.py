"""Sharing with a provider, end to end: the patient makes a link on Share; a provider opens it
in a browser of their own (no cookies) and reads, prints and downloads the report; the
patient sees each view in the access log and revokes the link, and the provider's next
request is refused. Also: a link with notes and a date range, the pages for revoked,
expired, unknown and mangled links, and the Share screen offline."""

from __future__ import annotations

import base64
import csv
import datetime as dt
import io
import json
import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import requests
from playwright.sync_api import expect

from tests.e2e.conftest import ARTIFACTS, PHONE, Phone, shown
from tests.e2e.seed import seed_patient, seed_zero_baseline
from tests.test_i18n_dynamic_keys import catalog

pytestmark = pytest.mark.e2e

NOTE = "Slept badly, the infusion chair was cold"
REPORTS = ARTIFACTS.parent  # test-artifacts/


def signed(value: float | None, suffix: str = "") -> str:
    if value is None:
        return "—"
    sign = "+" if value > 0 else "−" if value < 0 else ""
    return f"{sign}{shown(abs(value))}{suffix}"


def mood_share(value: float | None) -> str:
    """Mood's change as the report words it: the share of the way to 10."""
    if value is None:
        return "—"
    return f"{signed(value)} % of the way to 10"


def relief(m: dict[str, Any]) -> str:
    if m.get("relief_days") is None:
        return "—"
    days = f"{m['relief_days']} {'day' if m['relief_days'] == 1 else 'days'}"
    return f"at least {days}" if m["censored"] else days


def series_rows(trends: dict[str, Any]) -> list[list[str]]:
    """The series table as the report should print it, newest series first."""
    rows = []
    for series in reversed(trends["series"]):
        for metric in ("pain", "mood"):
            m = series[metric]
            baseline = "not enough data" if m["baseline"] is None else shown(m["baseline"])
            response = "—" if m["response"] is None else ("Yes" if m["response"] else "No")
            change = (signed(m["change_pct"], " %") if metric == "pain"
                      else mood_share(m["toward_best_pct"]))
            rows.append([str(series["index"]), metric, baseline, shown(m["after"]),
                         change, shown(m["category"]), response, relief(m)])
    return rows


def today() -> dt.date:
    return dt.datetime.now(ZoneInfo("Europe/Berlin")).date()


def patient_with_history(phone: Phone) -> dict[str, list]:
    """A seeded patient called Sam Rivera, logged in on the phone, with a note on today."""
    phone.sign_up()
    api = phone.api()
    assert api.patch(f"{phone.url}/api/v1/me", json={"display_name": "Sam Rivera"},
                     timeout=10).status_code == 200
    seeded = seed_patient(api, phone.url)
    noted = api.put(f"{phone.url}/api/v1/entries/{today()}",
                    json={"pain": 3, "mood": 7, "notes": NOTE, "tags": ["cold"]}, timeout=10)
    assert noted.status_code == 200, noted.text
    phone.page.reload()  # the app learns the new display name
    return seeded


def create_link(phone: Phone, label: str, *, notes: bool = False, start: str = "",
                end: str = "") -> str:
    """Make a link on the Share screen and read it off the one-time panel."""
    page = phone.page
    phone.goto("/share-links")
    page.get_by_label("Label").fill(label)
    if start:
        page.get_by_label("From (optional)").fill(start)
    if end:
        page.get_by_label("To (optional)").fill(end)
    if notes:
        page.get_by_label("Include my notes").check()
    page.get_by_role("button", name="Create link").click()
    panel = page.locator(".once")
    expect(panel).to_contain_text("This link is shown once. Copy it now.")
    # Framed as the one thing to copy now by css/sharing.css, which the Share screen loads.
    expect(panel).to_have_css("border-top-width", "2px")
    link = panel.get_by_label("Link").input_value()
    assert re.fullmatch(rf"{re.escape(phone.url)}/share#[A-Za-z0-9_-]{{43,}}", link), link
    return link


def read_csv(path: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig"))))  # a BOM


def report_rows(page: Any) -> list[list[str]]:
    return page.locator(".series-report tbody tr").evaluate_all(
        "rows => rows.map(r => [r.dataset.series, r.dataset.metric,"
        " ...[...r.querySelectorAll('td')].map(td => td.textContent)])")


def decode_qr(data_url: str) -> str | None:
    """What a camera reads from the QR code (with zbarimg from Debian's zbar-tools, if
    installed; None without it)."""
    if not shutil.which("zbarimg"):
        assert os.environ.get("CI") != "true", "CI must install zbar-tools (.ci/run does)"
        return None
    image = base64.b64decode(data_url.split(",", 1)[1])
    done = subprocess.run(["zbarimg", "--quiet", "--raw", "-"], input=image,
                          capture_output=True, check=True)
    return done.stdout.decode().strip()


def pdf_text(path: Path) -> str | None:
    if not shutil.which("pdftotext"):
        assert os.environ.get("CI") != "true", "CI must install poppler-utils (.ci/run does)"
        return None
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True,
                          capture_output=True, text=True).stdout


def pdf_images(path: Path) -> list[tuple[int, int]] | None:
    """(width, height) of every image in the PDF: a canvas prints as one."""
    if not shutil.which("pdfimages"):
        return None
    out = subprocess.run(["pdfimages", "-list", str(path)], check=True, capture_output=True,
                         text=True).stdout
    return [(int(line.split()[3]), int(line.split()[4])) for line in out.splitlines()[2:]]


def pdf_pages(path: Path) -> int | None:
    if not shutil.which("pdfinfo"):
        return None
    out = subprocess.run(["pdfinfo", str(path)], check=True, capture_output=True, text=True)
    return int(re.search(r"^Pages:\s+(\d+)", out.stdout, re.M).group(1))  # type: ignore[union-attr]


def check_print(provider: Phone, trends: dict[str, Any]) -> None:
    """Print to A4 and Letter: chart and tables on the paper, buttons not."""
    page = provider.page
    page.emulate_media(media="print")
    for hidden in (".report-actions", ".chart-screen", ".app-header", ".days-details"):
        expect(page.locator(hidden).first).to_be_hidden()
    expect(page.locator(".chart-print canvas")).to_be_visible()
    assert page.locator(".chart-print canvas").bounding_box()["width"] <= 700  # type: ignore[index]
    expect(page.locator(".chart-print .marker")).to_have_count(len(trends["treatments"]))
    provider.screenshot("provider-report-print-media", full_page=True)
    page.emulate_media(media="null")  # back to no emulation: page.pdf() prints as print

    REPORTS.mkdir(parents=True, exist_ok=True)
    a4 = REPORTS / "provider-report-a4.pdf"
    letter = REPORTS / "provider-report-letter.pdf"
    a4.write_bytes(page.pdf(format="A4", print_background=True))
    letter.write_bytes(page.pdf(format="Letter", print_background=True))
    for pdf in (a4, letter):
        assert pdf.read_bytes().startswith(b"%PDF") and pdf.stat().st_size > 20_000
    text = pdf_text(a4)
    if text is None:
        # The print-media checks above still ran; the rest of the test goes on.
        print("pdftotext missing (apt-get install poppler-utils): PDF text and images unchecked")
        return
    for words in ("Sam Rivera", "Pain and mood", "Treatment series", "Baseline", "Relief",
                  "Sessions", "IV infusion", "35 mg (0.5 mg/kg)", "Printed", "This link expires",
                  "Page 1 of"):
        assert words in text, f"{words!r} missing from the PDF"
    for chrome in ("Download", "Skip to content", "Read-only report shared by a patient"):
        assert chrome not in text, f"{chrome!r} printed"
    latest = trends["series"][-1]
    assert relief(latest["pain"]) in text
    images = pdf_images(a4) or []
    assert any(w >= 600 and h >= 200 for w, h in images), f"no chart image in the PDF: {images}"
    assert (pdf_pages(a4) or 0) >= 2 and (pdf_pages(letter) or 0) >= 2
    subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "2", str(a4),
                    str(ARTIFACTS / "provider-print-a4")], check=True)


@pytest.mark.slow
def test_share_link_report_print_download_access_log_and_revoke(
        phone: Phone, desktop: Phone) -> None:
    page = phone.page
    seeded = patient_with_history(phone)
    phone.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=phone.url)
    link = create_link(phone, "Dr. Rivera, March visit")

    # The one-time panel: a QR code of the link, and Copy puts the link on the clipboard.
    qr = page.locator(".once img.qr")
    assert (qr.get_attribute("src") or "").startswith("data:image/gif;base64,")
    assert qr.evaluate("img => img.naturalWidth") >= 150
    assert decode_qr(qr.get_attribute("src") or "") in (None, link)
    page.get_by_role("button", name="Copy link").click()
    assert page.evaluate("navigator.clipboard.readText()") == link
    phone.check("share-created", also=".share-item")
    [listed] = phone.api().get(f"{phone.url}/api/v1/shares", timeout=10).json()["items"]
    assert (listed["label"], listed["status"], listed["view_count"]) == (
        "Dr. Rivera, March visit", "active", 0)

    # The provider: a browser of their own, at a desk.
    sessions: list[str] = []
    desktop.page.on("request", lambda r: sessions.append(r.method)
                    if r.url.endswith("/api/v1/shared/session") else None)
    report = desktop.page
    report.goto(link)
    report.get_by_role("heading", name="Sam Rivera").wait_for()
    assert "#" not in report.url and report.evaluate("location.hash") == ""
    stored = report.evaluate("JSON.stringify(localStorage) + JSON.stringify(sessionStorage)")
    assert stored == "{}{}"
    trends = desktop.context.request.get(f"{desktop.url}/api/v1/shared/trends").json()
    assert len(trends["treatments"]) == len(seeded["treatments"]) == 8
    expect(report.locator(".report-facts")).to_contain_text("Link expires")
    expect(report.locator(".report-head")).to_contain_text("Dr. Rivera, March visit")
    report.locator(".chart-screen canvas").wait_for()
    expect(report.locator("main")).not_to_have_attribute("aria-busy", "true")  # filled in
    expect(report.locator(".chart-screen .marker")).to_have_count(8)
    assert report_rows(report) == series_rows(trends)
    expect(report.locator(".sessions-report tbody tr")).to_have_count(8)
    expect(report.locator(".sessions-report tbody tr").first).to_contain_text("IV infusion")
    expect(report.locator(".sessions-report tbody tr").first).to_contain_text("35 mg (0.5 mg/kg)")
    latest = trends["latest"]
    assert latest["date"] == today().isoformat()
    expect(report.locator(".latest-scores")).to_contain_text(f"Pain {latest['pain']}/10")
    expect(report.locator(".report-notes")).to_have_count(0)
    assert NOTE not in report.content() and "notes" not in trends
    desktop.check("provider-report-desktop")
    desktop.screenshot("provider-report-desktop-full", full_page=True)

    check_print(desktop, trends)

    # Download CSV: the shared entries, notes left out.
    with report.expect_download() as download:
        report.get_by_role("button", name="Download daily entries (CSV)").click()
    assert download.value.suggested_filename.endswith(".csv")
    rows = read_csv(download.value.path())
    assert [r["date"] for r in rows] == [d["date"] for d in trends["days"]]
    assert {r["notes"] for r in rows} == {""} and {r["tags"] for r in rows} == {""}

    # The viewing cookie ends: the page exchanges the token it kept in memory, once.
    assert sessions == ["POST"]
    desktop.context.clear_cookies()
    with report.expect_download() as download:
        report.get_by_role("button", name="Download sessions (CSV)").click()
    treatments = read_csv(download.value.path())
    assert len(treatments) == 8 and {t["route"] for t in treatments} == {"iv_infusion"}
    assert sessions == ["POST", "POST"]
    # Reloaded, the page has no token any more, but its viewing cookie still works.
    report.reload()
    report.get_by_role("heading", name="Sam Rivera").wait_for()
    assert sessions == ["POST", "POST"]

    # The patient sees every view in the access log, then revokes the link.
    phone.goto("/share-links")
    item = page.locator(".share-item").first
    views = phone.api().get(f"{phone.url}/api/v1/shares/{listed['id']}/views", timeout=10).json()
    expect(item).to_contain_text(f"Views{len(views['items'])}")
    item.get_by_role("button", name="Access log").click()
    log = item.locator(".log-list li")
    expect(log).to_have_count(len(views["items"]))
    for words in ("Opened the link", "Viewed the report", "Downloaded daily entries (CSV)",
                  "Downloaded sessions (CSV)", "Chrome on Linux"):
        expect(item.locator(".log-list")).to_contain_text(words)
    phone.check("share-access-log", also=".log-list")
    item.get_by_role("button", name="Revoke").click()
    page.get_by_role("dialog").get_by_role("button", name="Revoke link").click()
    expect(item.locator(".pill")).to_have_text("Revoked")
    expect(item.get_by_role("button", name="Revoke")).to_have_count(0)
    assert phone.api().get(f"{phone.url}/api/v1/shares", timeout=10).json()["items"][0][
        "status"] == "revoked"

    # The provider's next request is refused, and the page says why.
    report.get_by_role("button", name="Download FHIR").click()
    report.get_by_role("heading", name="This link was revoked by the patient").wait_for()
    assert desktop.context.request.get(f"{desktop.url}/api/v1/shared/trends").status == 410
    desktop.check("provider-revoked-desktop")
    report.set_viewport_size(PHONE)
    desktop.check("provider-revoked")
    desktop.assert_clean(expected=("401", "410"))
    phone.assert_clean()


def test_link_with_notes_and_dates_on_a_phone(phone: Phone, provider_phone: Phone) -> None:
    seeded = patient_with_history(phone)
    start = today() - dt.timedelta(days=50)
    link = create_link(phone, "Dr. Okafor", notes=True, start=start.isoformat(),
                       end=today().isoformat())
    phone.page.get_by_role("button", name="Done, hide it").click()
    expect(phone.page.locator(".once")).to_have_count(0)
    expect(phone.page.locator(".share-item").first).to_contain_text("Included")

    # A provider on a phone this time, in a fresh browser context again.
    report = provider_phone.page
    report.goto(link)
    report.get_by_role("heading", name="Sam Rivera").wait_for()
    report.locator(".chart-screen canvas").wait_for()
    expect(report.locator("main")).not_to_have_attribute("aria-busy", "true")  # filled in
    in_range = [t for t in seeded["treatments"] if t["local_date"] >= start.isoformat()]
    expect(report.locator(".sessions-report tbody tr")).to_have_count(len(in_range))
    expect(report.locator(".report-facts")).to_contain_text("Included")
    notes = report.locator(".report-notes")
    expect(notes).to_contain_text(NOTE)
    expect(notes).to_contain_text("Tags: cold")
    provider_phone.check("provider-report", also=".report-sessions")
    provider_phone.screenshot("provider-report-full", full_page=True)
    provider_phone.assert_clean()


def test_expired_and_unknown_links(desktop: Phone) -> None:
    page = desktop.page
    page.goto(f"{desktop.url}/share#not-a-real-token")
    page.get_by_role("heading", name="This link is not valid").wait_for()
    assert page.evaluate("location.hash") == ""

    # Expiry is the server's to decide (tested against its clock in tests/test_sharing.py);
    # here the page is handed the server's 410 for an expired link.
    gone = {"type": "about:blank", "title": "Gone", "status": 410, "reason": "expired",
            "detail": "This link expired on 2026-03-01.", "expired_at": "2026-03-01T10:00:00Z"}
    page.route("**/api/v1/shared/session", lambda route: route.fulfill(
        status=410, content_type="application/problem+json", body=json.dumps(gone)))
    page.goto("about:blank")  # else only the fragment changes: no new page
    page.goto(f"{desktop.url}/share#an-expired-token")
    page.get_by_role("heading", name=re.compile(r"^This link expired on 1 March 2026$")).wait_for()
    desktop.check("provider-expired-desktop")
    page.set_viewport_size(PHONE)
    desktop.check("provider-expired")
    desktop.assert_clean(expected=("404", "410"))


@pytest.mark.parametrize("fragment", ["abc%", "%E0%A4%A", "%zz-token"])
def test_a_mangled_link_is_not_valid_and_leaves_the_address_bar(
        desktop: Phone, fragment: str) -> None:
    """A fragment that cannot be decoded (a link cut off or mangled in an email) must not
    throw and leave the page on "Opening the report…" with the token in the address bar."""
    page = desktop.page
    asked: list[str] = []
    page.on("request", lambda r: asked.append(r.url) if "/api/" in r.url else None)
    page.goto(f"{desktop.url}/share#{fragment}")
    page.get_by_role("heading", name="This link is not valid").wait_for()
    assert page.evaluate("location.hash") == "" and page.url == f"{desktop.url}/share"
    expect(page.get_by_text("Opening the report…")).to_have_count(0)
    assert asked == [], "a link that cannot be read is sent nowhere"
    if fragment == "abc%":
        desktop.check("provider-mangled-link")
    desktop.assert_clean()


@pytest.mark.worker
def test_share_screen_offline_makes_nothing(phone: Phone) -> None:
    page = phone.page
    phone.sign_up()
    phone.goto("/share-links")
    page.get_by_text("No links yet").wait_for()
    phone.context.set_offline(True)
    expect(page.get_by_role("status").filter(has_text="You are offline")).to_be_visible()
    page.get_by_label("Label").fill("Dr. Rivera")
    page.get_by_role("button", name="Create link").click()
    expect(page.get_by_role("alert")).to_contain_text("Nothing was created.")
    phone.screenshot("share-offline")
    queued = page.evaluate(
        "import('/js/db.js').then(async (db) => (await db.getAll('outbox')).length)")
    assert queued == 0
    phone.context.set_offline(False)
    expect(page.get_by_role("status").filter(has_text="You are offline")).to_be_hidden()
    assert phone.api().get(f"{phone.url}/api/v1/shares", timeout=10).json()["items"] == []
    phone.assert_clean()


def test_a_baseline_of_zero_is_explained_on_the_report(phone: Phone, desktop: Phone) -> None:
    phone.sign_up()
    api = phone.api()
    seed_zero_baseline(api, phone.url)
    created = api.post(f"{phone.url}/api/v1/shares", json={"label": "Dr. Okafor"}, timeout=10)
    assert created.status_code == 201, created.text
    report = desktop.page
    report.goto(created.json()["url"])
    report.locator(".series-report").wait_for()
    trends = desktop.context.request.get(f"{desktop.url}/api/v1/shared/trends").json()
    pain = trends["series"][0]["pain"]
    assert pain["baseline"] == 0 and pain["after"] == 3
    assert [pain[k] for k in ("change_pct", "category", "response", "relief_days")] == [None] * 4
    assert report_rows(report) == series_rows(trends)
    note = report.locator(".report-series .zero-baseline")
    expect(note).to_have_text("Series 1 (Pain): the patient's baseline was 0, so there was "
                              "nothing to relieve: no percentage, category, response or relief.")
    desktop.assert_clean()
    phone.assert_clean()


@pytest.mark.parametrize("which", ["phone", "spanish_phone"])
def test_the_access_log_names_every_kind_a_provider_downloaded(
        request: pytest.FixtureRequest, which: str) -> None:
    """Issue 22: the access log names what a provider opened by the API's words ("page",
    "trends", "fhir", "<kind>.csv" for every declared record kind), in the patient's
    language, with no list of kinds in the app to keep up."""

    phone: Phone = request.getfixturevalue(which)
    language = "es" if which == "spanish_phone" else "en"
    words = catalog(language)
    phone.sign_up("UTC", language=None)
    api = phone.api()
    created = api.post(f"{phone.url}/api/v1/shares", json={"label": "Dr. Okafor"},
                       timeout=10).json()
    provider = requests.Session()
    assert provider.post(f"{phone.url}/api/v1/shared/session",
                         json={"token": created["url"].split("#")[1]}, timeout=10).ok
    kinds = [item["kind"] for item in api.get(f"{phone.url}/api/v1/export", timeout=10).json()[
        "items"] if item["kind"] != "fhir"]
    opened = ["trends", *(f"{kind}.csv" for kind in kinds), "fhir"]
    for view in opened:
        assert provider.get(f"{phone.url}/api/v1/shared/{view}", timeout=10).ok, view

    phone.goto("/share-links")
    item = phone.page.locator(".share-item").first
    item.get_by_role("button", name=words["sharing.log"]).click()
    line = item.locator(".log-list li")
    expect(line).to_have_count(1)
    for view in ["page", *opened]:
        expect(line).to_contain_text(words[f"sharing.view.{view}"])
    line.scroll_into_view_if_needed()
    phone.screenshot(f"share-access-log-every-kind-{language}")
    phone.assert_clean()
