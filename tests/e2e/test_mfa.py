"""Two-step login in the browser: a provider is led through it on the clinic page before
any patient's data and then logs in with a code; a patient turns it on in Settings →
Security and, phone lost, logs in with a recovery code; Forgot password? from the log-in
screen. Screens at 390×844 in English and Spanish, light and dark, and the clinic page's
gate at 1280."""

from __future__ import annotations

import os
import re
import uuid
from pathlib import Path

import pytest
import requests

from tests.e2e.conftest import PASSWORD, Phone, flask_cli
from tests.support.mfa import code as totp

pytestmark = pytest.mark.e2e

WORDS = {
    "en": {"settings": "Settings", "turn_on": "Turn on two-step login", "password": "Your password",
           "continue": "Continue", "code": "6-digit code", "confirm": "Turn on",
           "saved": "I have saved these codes", "done": "Done", "logout": "Log out",
           "log_in": "Log in", "email": "Email", "login_password": "Password",
           "recovery": "Lost your phone? Use a recovery code", "recovery_code": "Recovery code",
           "today": "Today", "left": "10 recovery codes left.",
           "left_after": "9 codes left"},
    "es": {"settings": "Ajustes", "turn_on": "Activar el inicio de sesión en dos pasos",
           "password": "Tu contraseña", "continue": "Continuar", "code": "Código de 6 dígitos",
           "confirm": "Activar", "saved": "He guardado estos códigos", "done": "Listo",
           "logout": "Cerrar sesión", "log_in": "Iniciar sesión", "email": "Correo electrónico",
           "login_password": "Contraseña",
           "recovery": "¿Perdiste tu teléfono? Usa un código de recuperación",
           "recovery_code": "Código de recuperación", "today": "Hoy",
           "left": "Quedan 10 códigos de recuperación.", "left_after": "quedan 9 códigos"},
}


def _secret(phone: Phone) -> str:
    """The key the page shows under the QR code, as a person would type it into an app."""
    return phone.page.locator(".totp-secret").inner_text().replace(" ", "")


def _turn_on(phone: Phone, words: dict[str, str], shots: str) -> tuple[str, list[str]]:
    """From the password step to the saved codes; screenshots of each step."""
    page = phone.page
    page.get_by_label(words["password"], exact=True).fill(PASSWORD)
    page.get_by_role("button", name=words["continue"], exact=True).click()
    page.locator(".qr-box img.qr").wait_for()
    phone.check(f"{shots}-scan")
    secret = _secret(phone)
    assert re.fullmatch(r"[A-Z2-7]{32}", secret), secret
    page.get_by_label(words["code"], exact=True).fill(totp(secret))
    page.get_by_role("button", name=words["confirm"], exact=True).click()
    page.locator(".recovery-codes li").first.wait_for()
    codes = [c.strip() for c in page.locator(".recovery-codes li").all_inner_texts()]
    assert len(codes) == 10 and all(re.fullmatch(r"[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}", c)
                                    for c in codes), codes
    phone.check(f"{shots}-codes")
    with page.expect_download() as download:
        page.locator(".two-step-codes a[download]").click()
    saved = Path(download.value.path()).read_text(encoding="utf-8")
    assert all(c in saved for c in codes)
    done = page.get_by_role("button", name=words["done"], exact=True)
    assert done.is_disabled()  # not before the codes are saved
    page.get_by_label(words["saved"]).check()
    done.click()
    return secret, codes


@pytest.mark.parametrize("kind", ["phone", "dark_phone", "es_phone"])
def test_a_patient_turns_it_on_in_settings_and_uses_a_recovery_code(request, kind):
    phone: Phone = request.getfixturevalue(kind)
    words = WORDS["es" if kind == "es_phone" else "en"]
    phone.register()
    page = phone.page
    page.goto(f"{phone.url}/login")
    page.get_by_label(words["email"]).fill(phone.email)
    page.get_by_label(words["login_password"], exact=True).fill(PASSWORD)
    page.get_by_role("button", name=words["log_in"], exact=True).click()
    page.get_by_role("heading", name=words["today"]).wait_for()
    phone.goto("/settings")
    page.get_by_role("button", name=words["turn_on"], exact=True).click()
    _, codes = _turn_on(phone, words, f"mfa-settings-{kind}")
    page.get_by_text(words["left"]).wait_for()
    phone.check(f"mfa-settings-on-{kind}", also=".two-step")

    # Another phone (this one lost): the password, then a recovery code.
    first = requests.post(f"{phone.url}/api/v1/auth/login",
                          json={"email": phone.email, "password": PASSWORD}, timeout=10).json()
    assert first["mfa_required"] is True and "email" not in first
    phone.context.clear_cookies()
    page.evaluate("import('/js/session.js').then((s) => s.loggedOut())")
    page.goto(f"{phone.url}/login")
    page.get_by_label(words["email"]).fill(phone.email)
    page.get_by_label(words["login_password"], exact=True).fill(PASSWORD)
    page.get_by_role("button", name=words["log_in"], exact=True).click()
    page.get_by_label(words["code"], exact=True).wait_for()
    phone.check(f"mfa-login-code-{kind}")
    page.get_by_role("button", name=words["recovery"]).click()
    page.get_by_label(words["recovery_code"], exact=True).fill(codes[0].lower())
    phone.check(f"mfa-login-recovery-{kind}")
    page.locator("form button[type=submit]").click()
    page.get_by_role("heading", name=words["today"]).wait_for()
    assert words["left_after"] in page.locator("#toast").inner_text()
    phone.assert_clean()


def test_a_provider_is_led_through_it_before_any_patient_data(desktop: Phone, database_url):
    email = f"ada{uuid.uuid4().hex[:8]}-{os.getpid()}@clinic.example"
    printed = flask_cli(database_url, "clinics", "create", "Lakeside Infusion Center",
                        "--admin", email, "--name", "Dr Ada Lee", PUBLIC_URL=desktop.url)
    token = re.search(r"/reset\?setup#(\S+)", printed).group(1)  # type: ignore[union-attr]
    assert requests.post(f"{desktop.url}/api/v1/auth/reset", timeout=10, json={
        "token": token, "new_password": PASSWORD}).status_code == 204
    page = desktop.page
    page.goto(f"{desktop.url}/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Log in", exact=True).click()
    page.get_by_role("heading", name="Turn on two-step login").wait_for()
    assert page.locator(".panel-table").count() == 0  # no patient data before it
    desktop.check("mfa-clinic-gate-1280")
    secret, _ = _turn_on(desktop, WORDS["en"], "mfa-clinic-gate-1280")
    page.get_by_role("button", name="Add a passkey").wait_for()  # optional, offered once
    desktop.check("mfa-clinic-gate-1280-passkey")
    page.get_by_role("button", name="Continue to the clinic").click()
    page.locator(".panel-table").wait_for(state="attached")  # empty: no patient yet

    # The next log-in: the password, then the app's code.
    page.get_by_role("button", name="Log out").click()
    page.wait_for_url(f"{desktop.url}/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Log in", exact=True).click()
    page.get_by_label("6-digit code").fill("000000")
    page.get_by_role("button", name="Continue").click()
    page.get_by_text("That code is not right").wait_for()
    page.get_by_label("6-digit code").fill(totp(secret, steps_ahead=1))
    page.get_by_role("button", name="Continue").click()
    page.locator(".panel-table").wait_for(state="attached")  # empty: no patient yet
    desktop.assert_clean(expected=("401", "403"))  # a wrong code; the gate's 403


@pytest.mark.parametrize("kind", ["phone", "dark_phone", "es_phone"])
def test_forgot_password_from_the_log_in_screen(request, kind):
    phone: Phone = request.getfixturevalue(kind)
    spanish = kind == "es_phone"
    page = phone.page
    page.goto(f"{phone.url}/login")
    page.get_by_role("link", name="¿Olvidaste tu contraseña?" if spanish
                     else "Forgot password?").click()
    page.wait_for_url(f"{phone.url}/forgot")
    phone.check(f"forgot-{kind}")
    page.get_by_label("Correo electrónico" if spanish else "Email").fill("nobody@example.org")
    page.get_by_role("button", name="Enviar el enlace" if spanish else "Send the link").click()
    page.get_by_role("heading",
                     name="Revisa tu correo" if spanish else "Check your email").wait_for()
    phone.check(f"forgot-sent-{kind}")
    phone.assert_clean()


def _looked_at(phone: Phone, name: str) -> None:
    """Phone.check at localhost (whose requests it would count as another site's)."""
    phone.screenshot(name)
    assert phone.axe() == [], name


def test_a_passkey_is_added_used_to_log_in_and_removed(phone: Phone):
    """In Chromium with the DevTools protocol's virtual authenticator (this phone's
    fingerprint, user verified), at localhost: browsers take no IP address as a passkey's
    relying party."""
    local = phone.url.replace("127.0.0.1", "localhost")
    page = phone.page
    phone.email = f"passkey{uuid.uuid4().hex[:8]}@example.org"
    api = phone.context.request
    assert api.post(f"{local}/api/v1/auth/register", data={
        "email": phone.email, "password": PASSWORD}).status == 201
    secret = api.post(f"{local}/api/v1/me/mfa/totp", data={"password": PASSWORD}).json()["secret"]
    assert api.post(f"{local}/api/v1/me/mfa/totp/confirm",
                    data={"code": totp(secret)}).status == 200
    cdp = phone.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    authenticator = cdp.send("WebAuthn.addVirtualAuthenticator", {"options": {
        "protocol": "ctap2", "transport": "internal", "hasResidentKey": True,
        "hasUserVerification": True, "isUserVerified": True}})["authenticatorId"]

    page.goto(f"{local}/login")
    page.get_by_label("Email").fill(phone.email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Log in", exact=True).click()
    page.get_by_label("6-digit code").fill(totp(secret, steps_ahead=1))
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("heading", name="Today").wait_for()
    page.get_by_role("link", name="Settings").click()
    page.get_by_label("Name of the passkey").fill("Ada's phone")
    page.get_by_role("button", name="Add a passkey").click()
    page.locator(".passkey strong", has_text="Ada's phone").wait_for()
    [stored] = cdp.send("WebAuthn.getCredentials",
                        {"authenticatorId": authenticator})["credentials"]
    assert stored["isResidentCredential"] is True  # kept on the phone, as a passkey is
    page.locator(".passkey-box").scroll_into_view_if_needed()
    _looked_at(phone, "mfa-passkey-settings")

    # Log out, and in again with the password and the passkey.
    phone.context.clear_cookies()
    page.evaluate("import('/js/session.js').then((s) => s.loggedOut())")
    page.goto(f"{local}/login")
    page.get_by_label("Email").fill(phone.email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Log in", exact=True).click()
    page.get_by_role("button", name="Use a passkey").wait_for()
    _looked_at(phone, "mfa-login-passkey")
    page.get_by_role("button", name="Use a passkey").click()
    page.get_by_role("heading", name="Today").wait_for()
    me = api.get(f"{local}/api/v1/me").json()
    assert me["mfa"]["passkeys"] == 1

    # Remove it: the next log-in offers codes only.
    page.goto(f"{local}/settings")
    page.locator(".passkey").get_by_role("button", name="Remove").click()
    page.locator("#dialog").get_by_role("button", name="Remove").click()
    page.get_by_text("No passkey yet.").wait_for()
    assert api.get(f"{local}/api/v1/me").json()["mfa"]["passkeys"] == 0
    events = [e["event"] for e in api.get(f"{local}/api/v1/me/audit").json()["items"]]
    assert "passkey_added" in events and "passkey_removed" in events
    phone.assert_clean()
