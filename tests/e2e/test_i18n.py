"""Translations (issue 12): in the pseudo-language every string the shell, Log in, Create
account, the reset page, Settings and Share show comes from the catalog; a Spanish browser
gets the app in Spanish, and Settings can change the language."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import requests
from playwright.sync_api import expect

from tests.e2e.conftest import PASSWORD, Phone, assert_all_text_translated
from tests.test_i18n_dynamic_keys import catalog

pytestmark = pytest.mark.e2e

TABS_ES = ["Hoy", "Historial", "Sesiones", "Tendencias", "Compartir", "Ajustes"]


def wrapped(text: str) -> re.Pattern[str]:
    return re.compile(re.escape(f"⟦{text}⟧"))


def test_the_public_screens_show_only_catalog_text(pseudo_phone: Phone) -> None:
    phone, page = pseudo_phone, pseudo_phone.page
    for path in ("/login", "/register"):
        phone.goto(path)
        expect(page.locator("html")).to_have_attribute("lang", "en")
        assert_all_text_translated(page)
    # The reset page: a link without its token, then one with it (the form).
    phone.goto("/reset")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        wrapped("This reset link does not work"))
    assert_all_text_translated(page)
    page.goto(f"{phone.url}/reset#a-token-from-an-admin")
    page.locator("main form").wait_for()
    assert_all_text_translated(page)
    # A message the page makes itself, and one for an API error (410 has its own screen).
    page.get_by_role("button", name=wrapped("Set new password")).click()
    expect(page.locator(".error-text").first).to_be_visible()
    assert_all_text_translated(page)
    phone.assert_clean()


def test_settings_and_share_show_only_catalog_text(pseudo_phone: Phone) -> None:
    phone, page = pseudo_phone, pseudo_phone.page
    phone.sign_up("UTC")
    api = phone.context.request
    assert api.post(f"{phone.url}/api/v1/tokens", data={"label": "nightly backup"}).ok
    assert api.post(f"{phone.url}/api/v1/shares", data={
        "label": "Dr. Okafor", "expires_in_days": 14, "from": "2026-01-01", "to": "2026-02-01",
    }).ok
    # Languages are named in their own language ("English", "Español"), never translated;
    # the questionnaires Settings offers are named by the server (GET /questionnaires).
    user_data = [phone.email, "nightly backup", "Dr. Okafor", "UTC", re.compile(r".+ on .+"),
                 "English", "Español",
                 # "Pain, Enjoyment of life and … (PEG)" is split at its comma
                 re.compile(r"PHQ-9|GAD-7|PEG|.+ \((PHQ-9|GAD-7|PEG)\)|Pain")]

    phone.goto("/settings")
    page.locator(".log-list li").first.wait_for()
    page.locator(".token-list li").first.wait_for()
    page.locator(".reminders form").wait_for()  # the reminders card, loaded
    expect(page.get_by_role("combobox", name=wrapped("Language"))).to_have_value("")
    assert_all_text_translated(page, allow=user_data)
    # The sync badge and the logged-out banner are the shell's.
    assert_all_text_translated(page, root="header")

    phone.goto("/share-links")
    page.locator(".share-item").first.wait_for()
    assert_all_text_translated(page, allow=user_data)
    page.get_by_role("button", name=wrapped("Access log")).click()
    page.locator(".log-box p, .log-box ol").first.wait_for()
    assert_all_text_translated(page, allow=user_data)
    # A new link, shown once with its QR code.
    page.get_by_label("⟦Label⟧", exact=True).fill("Dr. Okafor")
    page.get_by_role("button", name=wrapped("Create link")).click()
    page.locator(".once .qr").wait_for()
    assert_all_text_translated(page, allow=user_data)
    phone.assert_clean()


def test_a_spanish_browser_gets_the_app_in_spanish(spanish_phone: Phone) -> None:
    phone, page = spanish_phone, spanish_phone.page
    phone.goto("/login")
    expect(page.locator("html")).to_have_attribute("lang", "es")
    expect(page.get_by_role("heading", level=1)).to_have_text("Iniciar sesión")
    expect(page.locator('link[rel="manifest"]')).to_have_attribute(
        "href", "/manifest.es.webmanifest")
    phone.check("es-login")
    page.get_by_label("Correo electrónico").fill("nadie@example.org")
    page.get_by_label("Contraseña").fill(PASSWORD)
    page.get_by_role("button", name="Iniciar sesión").click()
    expect(page.get_by_role("alert")).to_have_text(
        "El correo electrónico o la contraseña no son correctos.")

    page.get_by_role("link", name="Crear cuenta").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Crea tu cuenta")
    phone.check("es-register")
    # Our own words for the API's refusals: a 409 for a taken email.
    taken = f"taken-{phone.url.rsplit(':', 1)[-1]}-{id(phone)}@example.org"
    assert requests.post(f"{phone.url}/api/v1/auth/register", timeout=10, json={
        "email": taken, "password": PASSWORD, "timezone": "Europe/Madrid"}).status_code == 201
    page.get_by_label("Correo electrónico").fill(taken)
    page.get_by_label("Contraseña").fill(PASSWORD)
    page.get_by_role("button", name="Crear cuenta").click()
    expect(page.locator(".error-text").first).to_have_text(
        "Ya existe una cuenta con este correo electrónico.")

    page.get_by_label("Correo electrónico").fill(f"nueva-{taken}")
    page.get_by_role("button", name="Crear cuenta").click()
    page.wait_for_url("**/today")
    tabs = page.get_by_role("navigation", name="Principal")
    expect(tabs.get_by_role("link")).to_have_text(TABS_ES)
    assert page.evaluate("(el) => el.scrollWidth <= el.clientWidth",
                         tabs.element_handle()), "the Spanish tab bar overflows"
    assert page.evaluate("document.documentElement.lang") == "es"

    tabs.get_by_role("link", name="Ajustes").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Ajustes")
    expect(page.get_by_role("heading", name="Tu cuenta")).to_be_visible()
    language = page.get_by_role("combobox", name="Idioma")
    expect(language.locator("option:checked")).to_have_text("Automático (navegador)")
    expect(page.locator("main .loading")).to_have_count(0)
    phone.check("es-settings", full_page=True)

    tabs.get_by_role("link", name="Compartir").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Comparte con tu profesional sanitario")
    phone.check("es-share", full_page=True)

    # English chosen in Settings wins over the browser, on this device, after a reload.
    tabs.get_by_role("link", name="Ajustes").click()
    page.get_by_role("combobox", name="Idioma").select_option("en")
    expect(page.get_by_role("heading", level=1)).to_have_text("Settings")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("combobox", name="Language")).to_have_value("en")
    page.get_by_role("combobox", name="Language").select_option("")
    expect(page.get_by_role("heading", level=1)).to_have_text("Ajustes")
    phone.assert_clean(expected=("401", "409"))


@pytest.mark.worker
def test_only_the_active_catalog_is_downloaded_and_it_works_offline(spanish_phone: Phone) -> None:
    phone, page = spanish_phone, spanish_phone.page
    catalogs: list[str] = []
    page.on("request", lambda r: catalogs.append(r.url.rsplit("/", 1)[-1])
            if "/i18n/" in r.url else None)
    phone.goto("/login")
    # The worker comes once someone has logged in (app.js), never during the first load.
    assert page.evaluate("navigator.serviceWorker.getRegistration()") is None
    phone.sign_up("UTC", language=None)
    phone.wait_for_service_worker()
    page.wait_for_load_state("networkidle")
    # Logged out, then offline: the log-in screen still opens, in Spanish.
    phone.goto("/settings")
    page.get_by_role("button", name="Cerrar sesión").click()
    page.locator("main form input[type=email]").wait_for()
    phone.context.set_offline(True)
    response = page.goto(f"{phone.url}/login")
    assert response is not None and response.from_service_worker
    expect(page.get_by_role("heading", level=1)).to_have_text("Iniciar sesión")
    assert catalogs and {name.split("?")[0] for name in catalogs} == {"es.json"}
    phone.assert_clean(expected=("ERR_INTERNET_DISCONNECTED",))


# Every screen, in English and in Spanish, shows words rather than a key: each screen's
# words come in its own catalog scope (api/web.py, APP_SCOPES), and a key left outside it
# would show raw ("trends.title") and warn "i18n: no message" (a console error here).
SCREENS = ["/today", "/history", "/history/{yesterday}", "/treatments", "/treatments/new",
           "/trends", "/settings", "/medications", "/medications/new", "/share-links",
           "/checkin/phq9"]


def raw_key_pattern() -> re.Pattern[str]:
    prefixes = sorted({key.split(".", 1)[0] for key in catalog("en")})
    return re.compile(rf"\b(?:{'|'.join(prefixes)})\.[a-z0-9_]+(?:\.[a-z0-9_]+)*\b")


@pytest.mark.slow
@pytest.mark.parametrize("fixture", ["phone", "spanish_phone"])
def test_every_screen_shows_words_not_keys(request: pytest.FixtureRequest, fixture: str) -> None:
    phone: Phone = request.getfixturevalue(fixture)
    page, raw = phone.page, raw_key_pattern()
    for path in ("/login", "/register"):
        phone.goto(path)
        assert raw.findall(page.locator("body").inner_text()) == [], path
    phone.sign_up("UTC", language=None)
    yesterday = (dt.date.today() - dt.timedelta(days=1)).isoformat()
    for path in SCREENS:
        phone.goto(path.format(yesterday=yesterday))
        phone.settle()
        expect(page.locator("main .loading")).to_have_count(0)
        assert raw.findall(page.locator("body").inner_text()) == [], path
    phone.goto("/today")
    phone.settle()
    phone.screenshot(f"today-{fixture}")
    phone.assert_clean()
