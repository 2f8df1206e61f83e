"""Issue 12, the logging screens in Spanish: a phone whose browser is in Spanish (es-ES, and
es-MX) gets Today, Treatments and History in Spanish from web/i18n/es.json — the scales'
anchors, the Spanish-named controls, the confirmation, a route's Spanish label, and dates
from Intl — with <html lang="es"> and nothing wider than the 390 px screen. Screenshots go
to /tmp/i18n-shots/ to be looked at."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import Phone

pytestmark = pytest.mark.e2e

SHOTS = Path("/tmp/i18n-shots")
MONTHS = ("enero|febrero|marzo|abril|mayo|junio|julio|agosto|septiembre|octubre|noviembre"
          "|diciembre")
# What overflows the screen sideways: the page itself, or any element wider than the viewport.
OVERFLOW = """() => {
  const width = document.documentElement.clientWidth;
  const wide = [...document.querySelectorAll("main *")]
    .filter((el) => el.getClientRects().length)
    .map((el) => [el, el.getBoundingClientRect()])
    .filter(([, r]) => r.right > width + 1 || r.left < -1)
    .map(([el, r]) => `${el.tagName}.${el.className} "${el.textContent.trim().slice(0, 30)}" `
      + `${Math.round(r.left)}..${Math.round(r.right)}`);
  return { scroll: document.documentElement.scrollWidth - width, wide };
}"""


def shoot_and_fit(phone: Phone, name: str) -> None:
    """A full-page screenshot, /tmp/i18n-shots/log-NAME.png, and nothing wider than the screen."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    phone.page.screenshot(path=str(SHOTS / f"log-{name}.png"), full_page=True)
    overflow = phone.page.evaluate(OVERFLOW)
    assert overflow == {"scroll": 0, "wide": []}, f"{name}: {overflow}"


def log_today_in_spanish(phone: Phone, shot: str) -> None:
    page = phone.page
    phone.log_in(language=None)
    page.get_by_role("heading", name="Hoy", exact=True).wait_for()
    assert page.evaluate("document.documentElement.lang") == "es"
    pain = page.locator('[data-scale="pain"]')
    expect(pain.locator(".scale-ends")).to_contain_text("0 = sin dolor")
    expect(pain.locator(".scale-ends")).to_contain_text("10 = el peor dolor imaginable")
    expect(pain.locator(".scale-meaning")).to_have_text("promedio, últimas 24 horas")
    expect(page.locator('[data-scale="mood"] .scale-ends')).to_contain_text("0 = el peor ánimo")
    expect(page.get_by_text("Todavía no has registrado nada hoy.")).to_be_visible()
    more = page.locator("details.more > summary")
    expect(more).to_have_text("Mássueño, efectos secundarios, nota…")
    more.click()
    expect(page.get_by_label("Horas de sueño")).to_be_visible()
    expect(page.get_by_role("checkbox", name="Náuseas")).to_be_visible()
    expect(page.get_by_role("checkbox", name="Somnolencia (sedación)")).to_be_visible()
    shoot_and_fit(phone, shot)
    phone.check(f"es-{shot}")

    phone.scale("Dolor", 6).click()
    expect(page.get_by_role("button", name="Borrar Dolor")).to_be_visible()
    phone.scale("Estado de ánimo", 7).click()
    page.get_by_label("Horas de sueño").fill("6.5")
    page.get_by_role("checkbox", name="Náuseas").check()
    page.get_by_role("button", name="Guardar", exact=True).click()
    expect(page.locator("#toast")).to_have_text("Guardado")
    page.get_by_text("Registrado hoy").wait_for()
    expect(phone.scale("Dolor", 6)).to_be_checked()
    today = dt.date.today()
    span = f"from={today - dt.timedelta(days=2)}&to={today + dt.timedelta(days=2)}"
    rows = phone.api().get(f"{phone.url}/api/v1/entries?{span}", timeout=10).json()["items"]
    assert [(r["pain"], r["mood"], r["sleep_hours"], r["side_effects"]) for r in rows] == [
        (6, 7, 6.5, ["nausea"])]


def test_logging_in_spanish_es_es(es_phone: Phone) -> None:
    phone = es_phone
    page = phone.page
    phone.register(timezone="Europe/Madrid")
    log_today_in_spanish(phone, "today")

    # A treatment session with a Spanish route label.
    phone.goto("/treatments/new")
    page.get_by_role("heading", name="Registrar una sesión").wait_for()
    route = page.get_by_label("Vía de administración")
    expect(route.locator("option")).to_have_text([
        "Infusión intravenosa", "Inyección intramuscular", "Espray nasal",
        "Sublingual (debajo de la lengua)", "Vía oral", "Otra"])
    route.select_option(label="Espray nasal")
    page.get_by_label("Dosis (mg)", exact=True).fill("56")
    page.get_by_label("Dosis (mg/kg)").fill("0.8")
    page.get_by_label("Fase").select_option(label="Inducción")
    page.get_by_label("Con psicoterapia asistida con ketamina (KAP)").check()
    phone.scale("Dolor antes", 7).click()
    phone.scale("Dolor después", 3).click()
    shoot_and_fit(phone, "treatment-form")
    phone.check("es-treatment-form")  # axe, 44 px targets, no third-party request, in Spanish
    page.get_by_role("button", name="Guardar", exact=True).click()
    page.get_by_role("heading", name="Tratamientos", exact=True).wait_for()
    expect(page.locator(".list .title")).to_have_text(["Espray nasal"])
    meta = page.locator(".list .meta").first
    expect(meta).to_contain_text("56 mg · 0,8 mg/kg")  # the decimal comma comes from Intl
    expect(page.locator(".list .scores")).to_contain_text("Inducción")
    expect(page.locator(".list .scores")).to_contain_text("Dolor 7→3")
    expect(page.get_by_role("heading", name="1 sesión")).to_be_visible()
    shoot_and_fit(phone, "treatments")
    items = phone.api().get(f"{phone.url}/api/v1/treatments", timeout=10).json()["items"]
    assert [(s["route"], s["phase"]) for s in items] == [("intranasal", "induction")]

    # History: Spanish headings, month names and weekdays from Intl.
    phone.goto("/history")
    page.get_by_role("heading", name="Historial", exact=True).wait_for()
    expect(page.get_by_text("Toca un día para cambiarlo o eliminarlo.")).to_be_visible()
    expect(page.locator("h2.month").first).to_have_text(re.compile(rf"^({MONTHS}) de \d{{4}}$"))
    title = page.locator(".list .title").first
    expect(title).to_have_text(re.compile(r"^(lun|mar|mié|jue|vie|sáb|dom)\.?,? \d{1,2} "
                                          r"(ene|feb|mar|abr|may|jun|jul|ago|sept?|oct|nov|dic)\.?$"))
    expect(page.locator(".list .scores").first).to_contain_text("Dolor 6")
    expect(page.locator(".list .meta").first).to_have_text("Náuseas")
    shoot_and_fit(phone, "history")
    phone.check("es-history")

    # A past day: its heading is a long Spanish date.
    page.locator(".list a").first.click()
    page.get_by_role("link", name="‹ Historial").wait_for()
    long_date = re.compile(rf"^\w+, \d{{1,2}} de ({MONTHS}) de \d{{4}}$")
    expect(page.locator("main h1")).to_have_text(long_date)
    expect(page.get_by_role("button", name="Eliminar este día")).to_be_visible()
    shoot_and_fit(phone, "day")
    phone.assert_clean()


def test_logging_in_spanish_es_mx(mx_phone: Phone) -> None:
    phone = mx_phone
    phone.register(timezone="America/Mexico_City")
    log_today_in_spanish(phone, "today-es-mx")
    phone.goto("/history")
    phone.page.get_by_role("heading", name="Historial", exact=True).wait_for()
    month = re.compile(rf"^({MONTHS}) de \d{{4}}$")
    expect(phone.page.locator("h2.month").first).to_have_text(month)
    shoot_and_fit(phone, "history-es-mx")
    phone.assert_clean()
