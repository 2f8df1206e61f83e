"""Clinics, end to end (issue 16): a provider made with `flask clinics create` logs in and
lands on the clinic's panel, flagged patient first; opens a patient's report, downloads
a CSV; the patient disconnects and the provider's next click is refused in plain words.
A patient connects on Share with the code typed sloppily, seeing the clinic's name before
agreeing. The clinic page in Spanish, with an admin's code, invitation and roles kept apart."""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import re
import time
import uuid
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import pyotp
import pytest
import requests
from playwright.sync_api import expect

from tests.e2e.conftest import PASSWORD, Phone, admin_command, assert_all_text_translated

pytestmark = pytest.mark.e2e

CLINIC = "Lakeside Infusion Center"
PROVIDER = "Dr Ada Lee"
BERLIN = ZoneInfo("Europe/Berlin")
DESK = {"width": 1280, "height": 900}
TABLET = {"width": 768, "height": 1024}


@dataclass
class Clinic:
    email: str
    code: str
    api: requests.Session
    secret: str  # the admin's authenticator app (two-step login, required of providers)
    last_step: int = 0  # the newest 30-second step whose code the server has taken


def server_step(room: float) -> int:
    """The server's TOTP step now, once at least `room` seconds of it are left: a code of the
    step before it is then still one step behind, not two, when the request using it arrives
    (a step ending between the two made make_clinic's confirmation a 422 in a full run)."""
    while time.time() % 30 > 30 - room:
        time.sleep(0.1)
    return int(time.time()) // 30


def next_code(clinic: Clinic) -> str:
    """The authenticator app's next code the server will take: each step's code works
    once, and the server takes the step either side of its own, so a second log-in within
    the same minute waits for the app's next code, as a person would."""
    step = max(server_step(room=10) - 1, clinic.last_step + 1)  # typed in within 10 s
    while step > int(time.time()) // 30 + 1:
        time.sleep(1)
    clinic.last_step = step
    return pyotp.TOTP(clinic.secret).at(step * 30)


def today() -> dt.date:
    return dt.datetime.now(BERLIN).date()


def make_clinic(base: str, database_url: str) -> Clinic:
    """A clinic and its admin, as an operator makes them: the CLI prints a one-time link,
    the provider chooses a password with it. (The command runs in this process; the
    operator's own steps on the command line are in test_mfa and test_truthful_screens.)"""
    email = f"ada{uuid.uuid4().hex[:8]}-{os.getpid()}@clinic.example"
    printed = admin_command(database_url, base, "clinics", "create", CLINIC, "--admin", email,
                            "--name", PROVIDER)
    link = re.search(rf"{re.escape(base)}/reset\?setup#(\S+)", printed)
    assert link, printed
    api = requests.Session()
    done = api.post(f"{base}/api/v1/auth/reset",
                    json={"token": link.group(1), "new_password": PASSWORD}, timeout=10)
    assert done.status_code in (200, 204), done.text
    logged = api.post(f"{base}/api/v1/auth/login", json={"email": email, "password": PASSWORD},
                      timeout=10)
    assert logged.status_code == 200, logged.text
    secret = api.post(f"{base}/api/v1/me/mfa/totp", json={"password": PASSWORD},
                      timeout=10).json()["secret"]
    # Confirmed with the code of the step before the server's (which it takes, as it takes
    # a phone's clock half a minute behind), so the provider's next two log-ins need no wait
    # for a new code: next_code hands out this step's and the next one's.
    enrolled = server_step(room=3) - 1
    assert api.post(f"{base}/api/v1/me/mfa/totp/confirm",
                    json={"code": pyotp.TOTP(secret).at(enrolled * 30)},
                    timeout=10).status_code == 200
    code = api.get(f"{base}/api/v1/clinic", timeout=10).json()["code"]
    assert re.fullmatch(r"[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}", code), code
    return Clinic(email, code, api, secret, last_step=enrolled)


def patient(base: str, name: str, last_logged: int, *, clinic: Clinic | None = None,
            item9: int | None = None, peg: int | None = None) -> tuple[requests.Session, dict]:
    """A patient with a week of entries up to `last_logged` days ago, connected to `clinic`;
    `item9`: a PHQ-9 answered two days ago with that answer to item 9; `peg`: a PEG answered
    yesterday with that answer to each item."""
    api = requests.Session()
    email = f"{name.split()[0].lower()}{uuid.uuid4().hex[:8]}@example.org"
    made = api.post(f"{base}/api/v1/auth/register", json={
        "email": email, "password": PASSWORD, "timezone": "Europe/Berlin", "display_name": name,
    }, timeout=10)
    assert made.status_code == 201, made.text
    for back in range(last_logged, last_logged + 7):
        day = today() - dt.timedelta(days=back)
        put = api.put(f"{base}/api/v1/entries/{day}", json={"pain": 3 + back % 3, "mood": 6},
                      timeout=10)
        assert put.status_code == 201, put.text
    if item9 is not None:
        answered = dt.datetime.combine(today() - dt.timedelta(days=2), dt.time(9), BERLIN)
        answers = {f"q{n}": 1 for n in range(1, 9)} | {"q9": item9}
        put = api.put(f"{base}/api/v1/responses/{uuid.uuid4()}", json={
            "instrument": "phq9", "answered_at": answered.isoformat(), "answers": answers,
            "difficulty": None}, timeout=10)
        assert put.status_code == 201, put.text
    if peg is not None:
        answered = dt.datetime.combine(today() - dt.timedelta(days=1), dt.time(9), BERLIN)
        put = api.put(f"{base}/api/v1/responses/{uuid.uuid4()}", json={
            "instrument": "peg", "answered_at": answered.isoformat(),
            "answers": {"q1": peg, "q2": peg, "q3": peg}}, timeout=10)
        assert put.status_code == 201, put.text
    connection: dict = {}
    if clinic:
        done = api.post(f"{base}/api/v1/clinic-connections",
                        json={"code": clinic.code, "include_notes": False}, timeout=10)
        assert done.status_code == 201, done.text
        connection = done.json()
    return api, connection


def provider_logs_in(phone: Phone, clinic: Clinic) -> None:
    """The password, then the authenticator app's next code."""
    page = phone.page
    page.goto(f"{phone.url}/login")
    page.locator("input[name=email]").fill(clinic.email)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("form button[type=submit]").click()
    page.locator("input[name=code]").fill(next_code(clinic))
    page.locator("form button[type=submit]").click()
    page.wait_for_url(f"{phone.url}/clinic")
    page.locator(".panel-table tbody tr").first.wait_for()


def names(phone: Phone) -> list[str]:
    return phone.page.locator(".panel-table tbody .patient-link").all_text_contents()


@pytest.mark.slow
def test_provider_panel_report_and_a_patient_who_disconnects(desktop: Phone,
                                                              database_url: str) -> None:
    page = desktop.page
    page.set_viewport_size(DESK)
    clinic = make_clinic(desktop.url, database_url)
    omar, _ = patient(desktop.url, "Omar Haddad", 0, clinic=clinic, peg=6)
    maya, maya_link = patient(desktop.url, "Maya Chen", 1, clinic=clinic, item9=1)
    patient(desktop.url, "Lena Park", 5, clinic=clinic)

    provider_logs_in(desktop, clinic)
    expect(page.get_by_role("heading", level=1)).to_have_text(CLINIC)
    expect(page.get_by_text(
        "Patients are told that the clinic does not watch their diary in real time.")
    ).to_be_visible()
    expect(page.locator("#tabbar")).to_be_hidden()
    # The server's order: the flagged patient first, marked in words, then who logged least lately.
    assert names(desktop) == ["Maya Chen", "Lena Park", "Omar Haddad"]
    first = page.locator(".panel-table tbody tr").first
    expect(first).to_contain_text("Flagged")
    expect(first.locator("td").nth(6)).to_contain_text("Flagged")  # the flags column
    expect(page.locator(".panel-table tbody tr.flagged")).to_have_count(1)
    expect(page.locator(".panel-table tbody tr").nth(1)).to_contain_text("5 days ago")
    # Omar's PEG (the mean of his three answers), in its own column after the PHQ-9.
    expect(page.locator(".panel-table tbody tr").nth(2).locator("td").nth(5)).to_contain_text("6")
    expect(page.get_by_role("button", name="PEG", exact=True)).to_be_visible()
    desktop.check("clinic-panel")

    # Sorting is this page's: by name, then the other way; the server's rows unchanged.
    patient_header = page.get_by_role("button", name="Patient", exact=True)
    patient_header.click()
    assert names(desktop) == ["Lena Park", "Maya Chen", "Omar Haddad"]
    expect(page.locator("th[data-col=patient]")).to_have_attribute("aria-sort", "ascending")
    patient_header.click()
    assert names(desktop) == ["Omar Haddad", "Maya Chen", "Lena Park"]
    page.get_by_label("Search patients by name").fill("ma")
    expect(page.locator(".panel-table tbody tr")).to_have_count(2)
    expect(page.get_by_role("status").filter(has_text="2 patients")).to_be_visible()
    page.get_by_label("Search patients by name").fill("")
    expect(page.locator(".panel-table tbody tr")).to_have_count(3)
    page.set_viewport_size(TABLET)
    desktop.screenshot("clinic-panel-tablet")
    page.set_viewport_size(DESK)

    # A row opens the patient's report: the same report a share link shows.
    page.get_by_role("link", name="Maya Chen").click()
    page.wait_for_url(re.compile(r"/clinic/patients/[0-9a-f-]{36}$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Maya Chen")
    expect(page.locator(".report-tag")).to_have_text("Report of a patient connected to your clinic")
    expect(page.get_by_text("Safety question answered above 0")).to_be_visible()
    with page.expect_download() as download:
        page.get_by_role("button", name="Download daily entries (CSV)").click()
    rows = list(csv.DictReader(io.StringIO(
        download.value.path().read_text(encoding="utf-8-sig"))))
    assert [r["date"] for r in rows] == [
        str(today() - dt.timedelta(days=b)) for b in range(7, 0, -1)]
    assert [r["pain"] for r in rows] == [str(3 + b % 3) for b in range(7, 0, -1)]
    desktop.check("clinic-report")

    # The patient sees who opened what, then disconnects: the provider's next click is refused.
    log = maya.get(f"{desktop.url}/api/v1/clinic-connections/{maya_link['id']}/views", timeout=10)
    assert log.status_code == 200, log.text
    [line] = log.json()["items"]
    assert line["provider_name"] == PROVIDER and {"trends", "entries.csv"} <= set(line["opened"])
    gone = maya.delete(f"{desktop.url}/api/v1/clinic-connections/{maya_link['id']}", timeout=10)
    assert gone.status_code == 204
    page.get_by_role("button", name="Download sessions (CSV)").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "This patient is no longer connected to your clinic.")
    desktop.screenshot("clinic-report-disconnected")
    page.get_by_role("link", name="Back to your patients").click()
    page.wait_for_url(f"{desktop.url}/clinic")
    expect(page.locator(".panel-table tbody tr")).to_have_count(2)
    assert names(desktop) == ["Lena Park", "Omar Haddad"]
    assert omar.get(f"{desktop.url}/api/v1/clinic-connections", timeout=10).json()["items"]
    desktop.assert_clean(expected=("404",))


def test_patient_connects_with_a_sloppy_code(phone: Phone, server, database_url: str) -> None:
    page = phone.page
    clinic = make_clinic(phone.url, database_url)
    phone.sign_up()
    phone.goto("/clinic")  # not for patients: Today instead
    expect(page.get_by_role("heading", name="Today")).to_be_visible()
    phone.goto("/share-links")
    code = page.get_by_label("Clinic code")
    code.fill("abcd")
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_text("A clinic code has 12 letters and numbers")).to_be_visible()
    expect(code).to_have_attribute("aria-invalid", "true")

    code.fill(clinic.code.lower().replace("-", ""))
    page.get_by_role("button", name="Continue").click()
    card = page.locator(".connect-card")
    expect(card.get_by_role("heading", name=CLINIC)).to_be_visible()
    expect(card).to_contain_text(f"{CLINIC} will see your scores, sessions and check-ins while "
                                 "you stay connected. They do not watch in real time.")
    api = phone.api()
    assert api.get(f"{phone.url}/api/v1/clinic-connections", timeout=10).json()["items"] == []
    switch = card.get_by_role("switch", name="Include my notes")
    expect(switch).not_to_be_checked()
    phone.check("share-clinic-preview", also=".connect-card .agree")
    switch.check()
    card.get_by_role("button", name="Connect", exact=True).click()

    item = page.locator(".clinic-item")
    expect(item).to_contain_text(CLINIC)
    expect(item).to_contain_text("Connected since")
    [connection] = api.get(f"{phone.url}/api/v1/clinic-connections", timeout=10).json()["items"]
    assert connection["clinic"]["name"] == CLINIC and connection["include_notes"] is True
    item.get_by_role("button", name="Access log").click()
    expect(item).to_contain_text("Nobody at this clinic has opened your diary yet.")
    panel = clinic.api.get(f"{phone.url}/api/v1/clinic/patients", timeout=10).json()["items"]
    assert [p["include_notes"] for p in panel] == [True]
    phone.check("share-clinic-connected", also=".clinic-item")

    item.get_by_role("button", name="Disconnect").click()
    page.locator("#dialog").get_by_role("button", name="Disconnect").click()
    expect(page.get_by_text("You are not connected to a clinic.")).to_be_visible()
    assert clinic.api.get(f"{phone.url}/api/v1/clinic/patients", timeout=10).json()["items"] == []
    phone.assert_clean(expected=("422",))


def test_clinic_page_in_spanish_for_an_admin(es_phone: Phone, database_url: str) -> None:
    page = es_phone.page
    page.set_viewport_size(DESK)
    clinic = make_clinic(es_phone.url, database_url)
    patient(es_phone.url, "Lucía Gómez", 2, clinic=clinic)
    provider_logs_in(es_phone, clinic)
    expect(page.get_by_role("heading", name="Pacientes conectados")).to_be_visible()
    expect(page.get_by_text("no vigila su diario en tiempo real")).to_be_visible()
    expect(page.locator(".panel-table tbody tr").first).to_contain_text("hace 2 días")
    expect(page.get_by_role("button", name="Paciente", exact=True)).to_be_visible()
    es_phone.goto("/today")  # patient screens are not a provider's: the panel instead
    page.wait_for_url(f"{es_phone.url}/clinic")

    # The admin: a new code (the old one stops working), an invitation shown once.
    old = clinic.code
    page.get_by_role("button", name="Código nuevo").click()
    page.locator("#dialog").get_by_role("button", name="Código nuevo").click()
    expect(page.get_by_text("El código nuevo está listo")).to_be_visible()
    new = clinic.api.get(f"{es_phone.url}/api/v1/clinic", timeout=10).json()["code"]
    assert new != old
    expect(page.locator(".clinic-code")).to_have_text(new)
    page.get_by_label("Correo electrónico").fill("bo@clinic.example")
    page.get_by_label("Nombre", exact=True).fill("Dr Bo Ruiz")
    page.get_by_role("button", name="Crear enlace de invitación").click()
    once = page.locator(".once")
    expect(once).to_contain_text("Este enlace solo se muestra una vez.")
    expect(once).to_contain_text("Funciona una sola vez, hasta el")
    assert re.fullmatch(rf"{re.escape(es_phone.url)}/reset\?setup#\S+",
                        once.get_by_label("Enlace de invitación").input_value())
    expect(page.locator(".providers")).to_contain_text("Dr Bo Ruiz")
    es_phone.check("clinic-es", full_page=True)
    page.get_by_role("button", name="Cerrar sesión").click()
    page.wait_for_url(f"{es_phone.url}/login")
    assert clinic.api.get(f"{es_phone.url}/api/v1/clinic", timeout=10).status_code == 200
    es_phone.goto("/clinic")  # logged out on this browser: the log-in screen
    page.wait_for_url(f"{es_phone.url}/login")
    es_phone.assert_clean()


def test_clinic_page_and_report_words_all_come_from_the_catalog(pseudo_phone: Phone,
                                                                database_url: str) -> None:
    page = pseudo_phone.page
    page.set_viewport_size(DESK)
    clinic = make_clinic(pseudo_phone.url, database_url)
    patient(pseudo_phone.url, "Maya Chen", 1, clinic=clinic, item9=1)
    provider_logs_in(pseudo_phone, clinic)
    user_data = [CLINIC, PROVIDER, clinic.email, clinic.code, "Maya Chen", "PHQ-9",
                 re.compile(r"[\d.,]+")]
    assert_all_text_translated(page, allow=user_data)
    page.locator(".patient-link").click()
    page.locator(".report-head h1").wait_for()
    pseudo_phone.settle()
    # The questionnaire's own wording comes from the server (GET /questionnaires), as on
    # every report.
    assert_all_text_translated(page, allow=[*user_data, "Several days",
                                            "Patient Health Questionnaire (PHQ-9)"])
    pseudo_phone.assert_clean()
