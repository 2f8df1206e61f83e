"""Invitations in the browser (issue 20, item 5): a new provider opens the admin's link,
chooses a password and lands on the clinic's page; a patient whose email was invited
opens the same kind of link, is told the email already has an account, logs in with
their own password and is told, in plain words, why a patient account cannot join. Their
password and diary are untouched."""

from __future__ import annotations

import time
import uuid
from pathlib import Path

import pyotp
import pytest
import requests
from playwright.sync_api import expect

from tests.e2e.conftest import PASSWORD, Phone
from tests.e2e.test_clinics import make_clinic

pytestmark = pytest.mark.e2e

SHOTS = Path("/work/shots/seams")
PHONE = {"width": 390, "height": 844}


def admin_of_a_clinic(base: str, database_url: str) -> requests.Session:
    """A clinic's admin, set up as an operator does, with two-step login on."""
    return make_clinic(base, database_url).api


def invite(admin: requests.Session, base: str, email: str, name: str) -> str:
    answer = admin.post(f"{base}/api/v1/clinic/invites",
                        json={"email": email, "display_name": name}, timeout=10)
    assert answer.status_code == 201, answer.text
    return answer.json()["url"]


def shoot(phone: Phone, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    phone.page.screenshot(path=str(SHOTS / f"{name}.png"))


def test_a_new_provider_sets_a_password_and_lands_on_the_clinic(phone: Phone,
                                                                database_url: str) -> None:
    page = phone.page
    page.set_viewport_size(PHONE)
    admin = admin_of_a_clinic(phone.url, database_url)
    email = f"bo{uuid.uuid4().hex[:8]}@clinic.example"
    page.goto(invite(admin, phone.url, email, "Dr Bo Ruiz"))
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Confirm password").fill(PASSWORD)
    page.get_by_role("button", name="Set password").click()
    page.wait_for_url(f"{phone.url}/login")
    page.locator("input[name=email]").fill(email)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("form button[type=submit]").click()
    page.wait_for_url(f"{phone.url}/clinic")
    providers = admin.get(f"{phone.url}/api/v1/clinic", timeout=10).json()["providers"]
    assert [(p["display_name"], p["status"]) for p in providers] == [
        ("Dr Ada Lee", "active"), ("Dr Bo Ruiz", "active")]
    phone.assert_clean()


def test_a_patient_invited_logs_in_and_is_told_to_use_another_email(phone: Phone,
                                                                    database_url: str) -> None:
    page = phone.page
    page.set_viewport_size(PHONE)
    admin = admin_of_a_clinic(phone.url, database_url)
    patient = phone.register()
    api = phone.api()
    assert api.put(f"{phone.url}/api/v1/entries/2026-03-01", json={"pain": 4},
                   timeout=10).status_code == 201
    phone.context.clear_cookies()  # the person opens the link logged out

    page.goto(invite(admin, phone.url, patient, "Dr Patient"))
    page.get_by_label("Password", exact=True).fill("a password to take it over")
    page.get_by_label("Confirm password").fill("a password to take it over")
    page.get_by_role("button", name="Set password").click()
    expect(page.get_by_role("heading", name="Accept the clinic's invitation")).to_be_visible()
    expect(page.get_by_text("does not change your password")).to_be_visible()
    phone.check("invite-existing-account")
    shoot(phone, "invite-existing-account")

    page.get_by_label("Email").fill(patient)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in and accept").click()
    expect(page.get_by_role("heading", name="This account cannot join the clinic")).to_be_visible()
    expect(page.get_by_role("alert")).to_contain_text("invite another email address")
    phone.check("invite-patient-refused")
    shoot(phone, "invite-patient-refused")

    # The patient's own password still works, the new one never did; the diary is there.
    fresh = requests.Session()
    assert fresh.post(f"{phone.url}/api/v1/auth/login", json={
        "email": patient, "password": "a password to take it over"}, timeout=10
    ).status_code == 401
    again = phone.api()
    assert again.get(f"{phone.url}/api/v1/me", timeout=10).json()["role"] == "patient"
    assert again.get(f"{phone.url}/api/v1/entries/2026-03-01", timeout=10).json()["pain"] == 4
    providers = admin.get(f"{phone.url}/api/v1/clinic", timeout=10).json()["providers"]
    assert [p["status"] for p in providers] == ["active", "invited"]
    phone.assert_clean(expected=("409",))


def test_an_invited_account_with_two_step_login_passes_its_second_step_first(
        phone: Phone, database_url: str) -> None:
    """The reset page's log-in took an mfa_required answer for a logged-in one: an account
    with two-step login could not get past it to accept (or be told why not)."""
    page = phone.page
    page.set_viewport_size(PHONE)
    admin = admin_of_a_clinic(phone.url, database_url)
    patient = phone.register()
    api = phone.api()
    began = api.post(f"{phone.url}/api/v1/me/mfa/totp", json={"password": PASSWORD}, timeout=10)
    secret = began.json()["secret"]
    step = int(time.time()) // 30
    assert api.post(f"{phone.url}/api/v1/me/mfa/totp/confirm",
                    json={"code": pyotp.TOTP(secret).at(step * 30)}, timeout=10).ok
    phone.context.clear_cookies()  # the person opens the link logged out

    page.goto(invite(admin, phone.url, patient, "Dr Two Step"))
    page.get_by_label("Password", exact=True).fill("a password to take it over")
    page.get_by_label("Confirm password").fill("a password to take it over")
    page.get_by_role("button", name="Set password").click()
    page.get_by_label("Email").fill(patient)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in and accept").click()
    # The authenticator's next code (each code works once; the one above was used).
    page.locator("input[name=code]").fill(pyotp.TOTP(secret).at((step + 1) * 30))
    page.locator("form button[type=submit]").click()
    expect(page.get_by_role("heading", name="This account cannot join the clinic")).to_be_visible()
    expect(page.get_by_role("alert")).to_contain_text("invite another email address")
    phone.check("invite-two-step-refused")
    shoot(phone, "invite-two-step-refused")
    providers = admin.get(f"{phone.url}/api/v1/clinic", timeout=10).json()["providers"]
    assert [p["status"] for p in providers] == ["active", "invited"]
