"""Issue 24 through the screens, at 390×844: Settings → Import with the four formats besides
Daylio (tests/e2e/test_import.py). A Bearable, Flaredown and any-CSV file each mapped in
the preview (which category or column is pain and mood, each scale's top, which columns are
notes and tags), imported, the days on the server, and the same file again "nothing new";
a Relieflog export of one account imported into a second one; and a 10 MB file whose
upload shows its progress while the page keeps running."""

from __future__ import annotations

import os
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
import requests
from playwright.sync_api import expect

from tests.e2e.conftest import PASSWORD, Phone
from tests.e2e.test_import import DAYLIO, keep_shot

pytestmark = pytest.mark.e2e

DATA = Path(__file__).resolve().parent.parent / "data" / "imports"
SHOTS = Path("/work/shots/imports2")
PICK = "Choose a file…"
PAIN_FROM = "Pain (0 = no pain, 10 = worst) comes from"
MOOD_FROM = "Mood (0 = worst, 10 = best) comes from"
UNDER = "xpath=//h3[normalize-space()='{}']/following-sibling::ul[1]"  # a heading's list


def choose(page: Any, name: str, body: bytes, format_name: str, *, timeout: float = 10_000
           ) -> None:
    """Choose the file on the Import screen and wait for its preview."""
    mime = "application/json" if name.endswith(".json") else "text/csv"
    page.get_by_label(PICK).set_input_files(files=[{"name": name, "mimeType": mime,
                                                    "buffer": body}])
    page.get_by_role("heading", name=f"Preview: {format_name}").wait_for(timeout=timeout)


def expect_counts(page: Any, counts: dict[str, str]) -> None:
    """The preview's counts as the patient reads them, label and number, in order."""
    expect(page.locator(".import-counts > div")).to_have_text(
        [f"{label}{number}" for label, number in counts.items()])


def update(page: Any) -> None:
    """Update the preview under the mapping chosen, and wait until it shows again."""
    shown = page.locator("#import-summary-title").element_handle()
    page.get_by_role("button", name="Update the preview").click()
    page.wait_for_function("(heading) => !heading.isConnected", arg=shown)


def import_it(page: Any, heading: str) -> None:
    page.get_by_role("button", name="Import", exact=True).click()
    page.get_by_role("heading", name=heading).wait_for()


def entries_of(api: requests.Session, url: str) -> dict[str, dict[str, Any]]:
    items = api.get(f"{url}/api/v1/entries?from=2020-01-01&to=2026-12-31",
                    timeout=10).json()["items"]
    return {item["date"]: {key: item[key] for key in ("pain", "mood", "notes", "tags")}
            for item in items}


def counts(rows: int, days: int, new: int, identical: int, *, without: int = 0
           ) -> dict[str, str]:
    shown = {"Rows": str(rows), "Dates": str(days), "New days": str(new),
             "Already here": str(identical), "Different from yours": "0"}
    if without:
        shown["No pain or mood"] = str(without)
    return shown


# ---------------------------------------------------------------- the mappings


def map_bearable(page: Any) -> None:
    """Back pain (a Symptoms detail) is pain, Mood is mood, and Mood was rated out of 10."""
    pain = page.get_by_label(PAIN_FROM)
    expect(pain.locator("option")).to_have_text(
        ["Nothing", "Mood", "Symptoms: Back pain", "Symptoms: Nausea"])
    pain.select_option("Symptoms: Back pain")
    page.get_by_label(MOOD_FROM).select_option("Mood")
    top = page.get_by_role("spinbutton", name="Top of the scale for Mood", exact=True)
    expect(top).to_have_value("5")  # guessed from the highest value in the file
    top.fill("10")
    update(page)
    expect(page.get_by_role("spinbutton", name="Top of the scale for Mood", exact=True)
           ).to_have_value("10")


def map_flaredown(page: Any) -> None:
    """The "Chronic pain" condition is pain, rated on Flaredown's 0–4; nothing is mood."""
    pain = page.get_by_label(PAIN_FROM)
    # the rated columns; Tags, Foods and the weather are not scores
    expect(pain.locator("option")).to_have_text(["Nothing", "Chronic pain", "Fatigue",
                                                 "Ketamine"])
    pain.select_option("Chronic pain")
    page.get_by_label(MOOD_FROM).select_option(label="Nothing")
    page.get_by_role("spinbutton", name="Top of the scale for Chronic pain").fill("4")
    update(page)
    expect(page.get_by_label(PAIN_FROM)).to_have_value("Chronic pain")


def map_csv(page: Any) -> None:
    """A spreadsheet whose headers say nothing Relieflog knows: every column by hand."""
    page.get_by_label(PAIN_FROM).select_option("back ache")
    page.get_by_label(MOOD_FROM).select_option("feeling")
    page.locator(UNDER.format("Notes come from")).get_by_label("journal").check()
    page.locator(UNDER.format("Tags come from")).get_by_label("labels").check()
    update(page)
    expect(page.get_by_label(MOOD_FROM)).to_have_value("feeling")


SPREADSHEET = (  # a comma-decimal spreadsheet: ";" between cells, "5,5"
    b'day;back ache;feeling;journal;labels\n'
    b'2026-04-01;6;4;"Hard day; better tomorrow";walk|friends\n'
    b'2026-04-02;5,5;5;;\n'
    b'2026-04-03;7;3;Rain;rest\n')


@dataclass(frozen=True)
class Case:
    name: str
    file: str
    body: bytes
    format_name: str
    defaults: dict[str, str]  # the counts before the patient maps anything
    map: Callable[[Any], None]
    mapped: dict[str, str]  # the counts once mapped
    shown: tuple[str, ...]  # what the mapped preview says the days become
    done: str
    again: dict[str, str]  # the counts when the same file comes again
    entries: dict[str, dict[str, Any]] = field(default_factory=dict)


CASES = [
    Case("bearable", "bearable.csv", (DATA / "bearable.csv").read_bytes(), "Bearable",
         counts(9, 2, 2, 0), map_bearable, counts(9, 2, 2, 0),
         # back pain 3 of 4 → 7.5 → 8; mood (4 + 2) / 2 of 10 → 3; the factor is a tag
         ("2 dates have several rows", "Pain 8 · Mood 3 · Coffee", "Flare after gardening",
          "Pain 5 · Mood 5 · Walk, Stretch"),
         "2 added, 0 replaced, 0 kept as they were.", counts(9, 2, 0, 2),
         {"2026-01-10": {"pain": 8, "mood": 3, "notes": "Flare after gardening",
                         "tags": ["Coffee"]},
          "2026-01-11": {"pain": 5, "mood": 5, "notes": "", "tags": ["Walk", "Stretch"]}}),
    Case("flaredown", "flaredown.csv", (DATA / "flaredown.csv").read_bytes(), "Flaredown",
         counts(3, 3, 2, 0, without=1), map_flaredown, counts(3, 3, 2, 0, without=1),
         (), "2 added, 0 replaced, 0 kept as they were.", counts(3, 3, 0, 2, without=1),
         {"2026-02-01": {"pain": 8, "mood": None, "notes": "", "tags": ["flare", "rain"]},
          "2026-02-02": {"pain": 3, "mood": None, "notes": "", "tags": []}}),  # 2.5 → 3
    Case("csv", "diary.csv", SPREADSHEET, "CSV",
         counts(3, 3, 0, 0, without=3), map_csv, counts(3, 3, 3, 0), (),
         "3 added, 0 replaced, 0 kept as they were.", counts(3, 3, 0, 3),
         {"2026-04-01": {"pain": 6, "mood": 4, "notes": "Hard day; better tomorrow",
                         "tags": ["walk", "friends"]},
          "2026-04-02": {"pain": 6, "mood": 5, "notes": "", "tags": []},  # 5.5 → 6
          "2026-04-03": {"pain": 7, "mood": 3, "notes": "Rain", "tags": ["rest"]}}),
]


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_import_a_file_mapped_in_the_preview(phone: Phone, case: Case) -> None:
    page = phone.page
    phone.sign_up("UTC", language=None)
    phone.goto("/imports")

    choose(page, case.file, case.body, case.format_name)
    expect_counts(page, case.defaults)
    case.map(page)
    expect_counts(page, case.mapped)
    for text in case.shown:
        expect(page.locator("main")).to_contain_text(text)
    expect(page.locator("main")).not_to_contain_text("null")  # a part the file lacks
    shot = f"import-{case.name}-preview"
    phone.check(shot, full_page=True)
    keep_shot(shot, SHOTS)

    import_it(page, "Imported")
    expect(page.get_by_text(case.done)).to_be_visible()
    api = phone.api()
    assert entries_of(api, phone.url) == case.entries

    choose(page, case.file, case.body, case.format_name)
    case.map(page)
    expect_counts(page, case.again)
    import_it(page, "Nothing new")
    assert entries_of(api, phone.url) == case.entries
    phone.assert_clean()


# ---------------------------------------------------------------- another Relieflog


def test_a_relieflog_export_imported_into_a_second_account(phone: Phone) -> None:
    """One account's `/me/export`, downloaded, then chosen on a second account's phone."""
    source = requests.Session()
    email = f"exporter-{os.getpid()}-{uuid.uuid4().hex[:8]}@example.org"
    response = source.post(f"{phone.url}/api/v1/auth/register", timeout=10,
                           json={"email": email, "password": PASSWORD, "timezone": "UTC"})
    assert response.status_code == 201, response.text
    logged = {"2026-05-01": {"pain": 7, "mood": 3, "notes": "Before the infusion",
                             "tags": ["flare"]},
              "2026-05-02": {"pain": 3, "mood": 7, "notes": "", "tags": []}}
    for day, body in logged.items():
        response = source.put(f"{phone.url}/api/v1/entries/{day}", json=body, timeout=10)
        assert response.status_code == 201, response.text
    session = {"started_at": "2026-05-01T10:30:00+00:00", "route": "iv_infusion",
               "dose_mg": 35.0, "duration_minutes": 40, "phase": "induction",
               "pain_before": 7, "pain_after": 2, "mood_before": 3, "mood_after": 7}
    response = source.put(f"{phone.url}/api/v1/treatments/{uuid.uuid4()}", json=session,
                          timeout=10)
    assert response.status_code == 201, response.text
    export = source.get(f"{phone.url}/api/v1/me/export", timeout=10)
    assert export.status_code == 200
    name = "relieflog-export.json"

    page = phone.page
    phone.sign_up("UTC", language=None)  # the second account, on the phone
    phone.goto("/imports")
    choose(page, name, export.content, "Relieflog")
    # 2 entries and 1 session; no mapping to decide for a Relieflog export
    expect_counts(page, {**counts(3, 2, 2, 0), "Sessions": "1"})
    expect(page.get_by_text("What becomes what")).to_have_count(0)
    phone.check("import-relieflog-preview", full_page=True)
    keep_shot("import-relieflog-preview", SHOTS)

    import_it(page, "Imported")
    expect(page.get_by_text("3 added, 0 replaced, 0 kept as they were.")).to_be_visible()
    phone.check("import-relieflog-done")
    keep_shot("import-relieflog-done", SHOTS)
    target = phone.api()
    assert entries_of(target, phone.url) == logged
    sessions = target.get(f"{phone.url}/api/v1/treatments?from=2026-05-01&to=2026-05-01",
                          timeout=10).json()["items"]
    assert [(s["started_at"][:16], s["dose_mg"], s["pain_after"]) for s in sessions] == [
        ("2026-05-01T10:30", 35.0, 2)]

    choose(page, name, export.content, "Relieflog")
    expect_counts(page, {**counts(3, 2, 0, 2), "Sessions": "1"})
    import_it(page, "Nothing new")
    assert entries_of(target, phone.url) == logged
    phone.assert_clean()


# ---------------------------------------------------------------- a 10 MB file

# Before the upload: a timer counting ticks (it stops if the page freezes), and every
# status line the screen shows, with the progress bar's value and the ticks so far.
WATCH = """() => {
  window.__ticks = 0;
  setInterval(() => { window.__ticks += 1; }, 20);
  window.__seen = [];
  const status = document.querySelector("[aria-labelledby=import-choose-title] [role=status]");
  const bar = document.querySelector("[aria-labelledby=import-choose-title] progress");
  new MutationObserver(() => window.__seen.push([status.textContent, bar.value, bar.hidden,
                                                 window.__ticks]))
    .observe(status, { childList: true, characterData: true, subtree: true });
}"""
UPLOADING = re.compile(r"Uploading… (\d+) %")
TEN_MB = 10 * 1024 * 1024  # IMPORT_MAX_BYTES
ROWS_A_DAY = 30


def big_bearable_file() -> tuple[bytes, int, int]:
    """A Bearable export just under 10 MiB: its rows and dates, 30 rows a day from 2016."""
    lines = ["date,weekday,time of day,category,rating/amount,detail,notes"]
    size = len(lines[0]) + 1
    row = 0
    while True:
        on = date(2016, 1, 1) + timedelta(days=row // ROWS_A_DAY)
        line = (f"{on.isoformat()},{on.strftime('%A')},pm,Symptoms,{row % 5},Back pain,"
                f"Walked to the market and stretched then slept badly {row:06d}")
        if size + len(line) + 1 > TEN_MB:
            break
        lines.append(line)
        size += len(line) + 1
        row += 1
    return ("\n".join(lines) + "\n").encode(), row, -(-row // ROWS_A_DAY)


@pytest.mark.slow
def test_a_10_mb_file_shows_its_upload_progress_and_the_page_keeps_running(phone: Phone
                                                                            ) -> None:
    body, rows, days = big_bearable_file()
    assert TEN_MB - 200 < len(body) <= TEN_MB
    page = phone.page
    phone.sign_up("UTC", language=None)
    phone.goto("/imports")
    # A phone's upload, not the loopback's: about 4 MB a second.
    cdp = phone.context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.emulateNetworkConditions", {
        "offline": False, "latency": 20, "downloadThroughput": -1,
        "uploadThroughput": 4 * 1024 * 1024})
    page.evaluate(WATCH)

    choose(page, "bearable-10-years.csv", body, "Bearable", timeout=120_000)
    expect_counts(page, {"Rows": f"{rows:,}", "Dates": f"{days:,}", "New days": f"{days:,}",
                         "Already here": "0", "Different from yours": "0"})
    seen: list[list[Any]] = page.evaluate("window.__seen")
    uploading = [(int(match[1]), value, hidden, ticks) for text, value, hidden, ticks in seen
                 if (match := UPLOADING.fullmatch(text))]
    percents = [percent for percent, *_ in uploading]
    # the patient sees the upload go: several steps between 0 and 100, never backwards,
    # the bar showing the same share
    assert len([p for p in percents if 0 < p < 100]) >= 2, seen
    assert percents == sorted(percents), seen
    assert all(value == percent and not hidden for percent, value, hidden, _ in uploading)
    assert "Reading the file…" in [text for text, *_ in seen], seen
    # … and the page keeps running meanwhile: the timer ticked during the upload, and
    # while the server read the file
    ticks = [tick for *_, tick in uploading]
    assert ticks[-1] > ticks[0], seen
    reading = next(tick for text, *_, tick in seen if text == "Reading the file…")
    assert page.evaluate("window.__ticks") > reading, seen
    expect(page.locator("[aria-labelledby=import-choose-title] progress")).to_be_hidden()
    phone.check("import-10mb-preview")
    keep_shot("import-10mb-preview", SHOTS)

    page.get_by_role("button", name="Cancel").click()
    expect(page.get_by_role("heading", name="Preview: Bearable")).to_have_count(0)
    phone.assert_clean()


# ---------------------------------------------------------------- shared to the app

# What a phone's share sheet does with the installed app (the manifest's share_target): a
# multipart POST of the file to the target's action, here sent from the app's own page.
SHARE = """([action, field, name, text]) => {
  const form = Object.assign(document.createElement("form"),
    { method: "post", action, enctype: "multipart/form-data" });
  const input = Object.assign(document.createElement("input"), { type: "file", name: field });
  const files = new DataTransfer();
  files.items.add(new File([text], name, { type: "text/csv" }));
  input.files = files.files;
  form.append(input);
  document.body.append(form);
  form.submit();
}"""
# Whether the worker still holds a shared file (it hands it over once).
HOLDS_A_FILE = """() => new Promise((resolve) => {
  const channel = new MessageChannel();
  channel.port1.onmessage = (event) => resolve(event.data.file !== null);
  navigator.serviceWorker.controller.postMessage({ type: "relieflog:shared-file" },
                                                 [channel.port2]);
})"""


@pytest.mark.worker
def test_a_file_shared_to_the_installed_app_opens_in_the_import_preview(phone: Phone) -> None:
    target = requests.get(f"{phone.url}/manifest.webmanifest", timeout=10).json()["share_target"]
    assert (target["method"], target["enctype"]) == ("POST", "multipart/form-data")
    field_name = target["params"]["files"][0]["name"]
    page = phone.page
    phone.sign_up("UTC", language=None)
    phone.wait_for_service_worker()

    page.evaluate(SHARE, [target["action"], field_name, "daylio.csv", DAYLIO.read_text()])
    page.get_by_role("heading", name="Preview: Daylio").wait_for()
    assert page.url == f"{phone.url}/imports"
    expect(page.locator(".import-chosen")).to_have_text("daylio.csv")
    expect(page.locator(".import-counts > div").first).to_have_text("Rows5")
    assert page.evaluate(HOLDS_A_FILE) is False  # handed over, then forgotten
    phone.check("import-shared-preview")
    keep_shot("import-shared-preview", SHOTS)
    phone.assert_clean()
