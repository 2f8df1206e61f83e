"""Spanish (issue 12) on the screens that show the analysis: a patient whose phone is in
English shares a link, and a provider whose browser is in Spanish reads the report (and its
print view) in Spanish, with Spanish dates and decimal commas; a patient whose phone is in
Mexican Spanish sees Trends in Spanish. Screenshots go to /tmp/i18n-shots/ for a human look."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import (
    PHONE,
    Phone,
    assert_all_text_translated,
    point_at_first_session,
    shown,
)
from tests.e2e.seed import seed_patient, seed_zero_baseline
from tests.e2e.test_sharing import REPORTS, create_link, pdf_text

pytestmark = pytest.mark.e2e

SHOTS = Path("/tmp/i18n-shots")
NBSP = "\u00a0"
MONTHS = ("enero|febrero|marzo|abril|mayo|junio|julio|agosto|septiembre|octubre|noviembre"
          "|diciembre")
LONG_DATE = re.compile(rf"\b\d{{1,2}} de ({MONTHS}) de \d{{4}}\b")
CATEGORY = {"none": "ninguno", "minimal": "mínimo", "moderate": "moderado",
            "substantial": "sustancial"}


def es_number(value: float | None) -> str:
    """A number as Intl writes it in Spain: a decimal comma."""
    return shown(value).replace(".", ",")


def es_signed_pct(value: float | None) -> str:
    if value is None:
        return "—"
    sign = "+" if value > 0 else "−" if value < 0 else ""
    return f"{sign}{es_number(abs(value))}{NBSP}%"


def es_mood_share(value: float | None) -> str:
    """Mood's change as the Spanish report words it: the share of the way to 10."""
    if value is None:
        return "—"
    sign = "+" if value > 0 else "−" if value < 0 else ""
    return f"{sign}{es_number(abs(value))}{NBSP}% del camino hasta 10"


def es_relief(m: dict[str, Any]) -> str:
    if m.get("relief_days") is None:
        return "—"
    days = f"{m['relief_days']} {'día' if m['relief_days'] == 1 else 'días'}"
    return f"al menos {days}" if m["censored"] else days


def es_series_rows(trends: dict[str, Any]) -> list[list[str]]:
    rows = []
    for series in reversed(trends["series"]):
        for metric in ("pain", "mood"):
            m = series[metric]
            rows.append([
                "datos insuficientes" if m["baseline"] is None else es_number(m["baseline"]),
                "—" if m["after"] is None else es_number(m["after"]),
                (es_signed_pct(m["change_pct"]) if metric == "pain"
                 else es_mood_share(m["toward_best_pct"])),
                "—" if m["category"] is None else CATEGORY[m["category"]],
                "—" if m["response"] is None else ("Sí" if m["response"] else "No"),
                es_relief(m),
            ])
    return rows


def shot(phone: Phone, name: str, locator: str | None = None) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    if locator:
        phone.page.locator(locator).first.scroll_into_view_if_needed()
        phone.page.locator(locator).first.screenshot(path=str(SHOTS / f"{name}.png"))
    else:
        phone.page.screenshot(path=str(SHOTS / f"{name}.png"))


def no_sideways_scroll(page: Any) -> None:
    """Nothing makes the page wider than the phone (its wide tables are read line by line)."""
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_a_spanish_provider_reads_an_english_patients_report_in_spanish(
        phone: Phone, es_phone: Phone) -> None:
    phone.sign_up()
    api = phone.api()
    assert api.patch(f"{phone.url}/api/v1/me", json={"display_name": "Sam Rivera"},
                     timeout=10).status_code == 200
    seed_patient(api, phone.url)
    link = create_link(phone, "Dra. García, consulta de marzo")  # the patient's screen: English
    expect(phone.page.locator("html")).to_have_attribute("lang", "en")

    report = es_phone.page
    report.goto(link)
    report.get_by_role("heading", name="Sam Rivera").wait_for()
    report.locator(".chart-screen canvas").wait_for()
    expect(report.locator("main")).not_to_have_attribute("aria-busy", "true")  # filled in
    trends = es_phone.context.request.get(f"{es_phone.url}/api/v1/shared/trends").json()
    expect(report.locator("html")).to_have_attribute("lang", "es")
    assert report.title() == "Sam Rivera: informe de dolor y estado de ánimo · Relieflog"

    # Headings, facts, buttons and the page's own markup.
    for heading in ("Puntuaciones más recientes", "Dolor y estado de ánimo", "Series de sesiones",
                    "Sesiones", "Cómo se calculan estos números"):
        expect(report.get_by_role("heading", name=heading, exact=True)).to_be_visible()
    for button in ("Imprimir", "Descargar registros diarios (CSV)", "Descargar sesiones (CSV)",
                   "Descargar FHIR"):
        expect(report.get_by_role("button", name=button)).to_be_visible()
    head = report.locator(".report-head")
    expect(head).to_contain_text("Informe de dolor y estado de ánimo")
    expect(head).to_contain_text("Compartido por el paciente como «Dra. García, consulta de marzo»")
    expect(head).to_contain_text("Caducidad del enlace")
    assert LONG_DATE.search(head.inner_text()), head.inner_text()
    expect(report.locator(".report-tag")).to_have_text(
        "Informe de solo lectura compartido por un paciente")
    expect(report.locator(".report-footer")).to_contain_text("Esta página es de solo lectura")
    latest = report.locator("main section.card").first
    assert LONG_DATE.search(latest.inner_text()), latest.inner_text()
    expect(report.locator(".latest-scores")).to_contain_text(f"Dolor {trends['latest']['pain']}/10")
    expect(report.locator(".latest-scores")).to_contain_text(
        f"Sueño {es_number(trends['latest']['sleep_hours'])}{NBSP}h")
    expect(report.locator("#report-summary")).to_contain_text(
        f"el paciente registró {len(trends['days'])} días y anotó 8 sesiones de tratamiento")

    # The series table: Spanish headers, decimal commas, Spanish words for the server's values.
    headers = report.locator(".series-report thead th").all_inner_texts()
    assert headers == ["Serie", "Medida", "Línea base", "Después", "Cambio", "Categoría",
                       "Respuesta", "Alivio"], headers
    rows = report.locator(".series-report tbody tr").evaluate_all(
        "rows => rows.map(r => [...r.querySelectorAll('td')].map(td => td.textContent))")
    assert rows == es_series_rows(trends)
    metrics = report.locator(".series-report tbody th[scope=row]").all_inner_texts()
    assert set(metrics) == {"Dolor", "Estado de ánimo"}
    expect(report.locator(".series-report .series-name").first).to_have_text(
        f"Serie {len(trends['series'])}")
    assert re.search(r"\d,\d", report.locator(".series-report").inner_text()), "no decimal comma"
    expect(report.locator(".sessions-report tbody tr").first).to_contain_text(
        f"35{NBSP}mg (0,5{NBSP}mg/kg)")
    expect(report.locator(".sessions-report tbody tr").first).to_contain_text("Refuerzo")

    # The explanations: the provider's wording, about the patient.
    explain = report.locator(".report-explain")
    expect(explain).to_contain_text("Promedio del paciente durante los 7 días anteriores")
    expect(explain).to_contain_text("la parte del camino hasta 10 que subió")
    expect(explain.locator("dt")).to_have_count(10)
    assert "Tu " not in explain.inner_text() and " tu " not in explain.inner_text()

    # Nothing English left in the report itself.
    text = report.locator("main").inner_text()
    for english in ("Treatment series", "Baseline", "Latest scores", "Download", "Print",
                    "not enough data", "days", "Pain", "Mood", "Sessions"):
        assert english not in text, f"{english!r} on the Spanish report"

    no_sideways_scroll(report)
    # At 390 px the tables are read line by line: no sentence says to scroll them sideways.
    hints = report.locator(".scroll-hint")
    expect(hints.first).to_be_attached()
    assert hints.evaluate_all("els => els.filter((el) => el.checkVisibility()).length") == 0
    shot(es_phone, "report-top")
    shot(es_phone, "series-table", ".report-series")
    shot(es_phone, "explanations", ".report-explain")
    report.evaluate("window.scrollTo(0, 0)")
    es_phone.check("provider-report-es")

    # The print view: Spanish too, footer included.
    report.emulate_media(media="print")
    expect(report.locator(".report-actions")).to_be_hidden()
    expect(report.locator(".chart-print canvas")).to_be_visible()
    footer = report.evaluate(
        "getComputedStyle(document.documentElement).getPropertyValue('--print-footer')")
    assert "Impreso el" in footer and "Este enlace caduca el" in footer, footer
    assert LONG_DATE.search(footer), footer
    SHOTS.mkdir(parents=True, exist_ok=True)
    report.screenshot(path=str(SHOTS / "report-print.png"), full_page=True)
    report.emulate_media(media="null")
    REPORTS.mkdir(parents=True, exist_ok=True)
    pdf = REPORTS / "provider-report-es-a4.pdf"
    pdf.write_bytes(report.pdf(format="A4", print_background=True))
    printed = pdf_text(pdf)
    if printed is not None:
        for words in ("Sam Rivera", "Series de sesiones", "Línea base", "Cómo se calculan",
                      "Impreso el", "Este enlace caduca el", "Promedio del paciente"):
            assert words in printed, f"{words!r} missing from the Spanish PDF"
        for english in ("Treatment series", "Printed", "This link expires", "Download"):
            assert english not in printed, f"{english!r} in the Spanish PDF"
    es_phone.assert_clean()
    phone.assert_clean()


def test_trends_in_mexican_spanish(mx_phone: Phone) -> None:
    page = mx_phone.page
    mx_phone.register(timezone="Europe/Berlin")  # the browser has the login cookie
    # The app asks the server who this is only when the device remembers someone; remember
    # this patient without going through the Log in screen (another module, other words).
    page.goto(f"{mx_phone.url}/login")
    page.evaluate("(email) => import('/js/db.js').then((db) => db.setMeta('user', {email}))",
                  mx_phone.email)
    api = mx_phone.api()
    seed_patient(api, mx_phone.url)
    today = dt.datetime.now(ZoneInfo("Europe/Berlin")).date()
    start = today - dt.timedelta(days=3699)
    trends = api.get(f"{mx_phone.url}/api/v1/trends?from={start}&to={today}", timeout=10).json()

    mx_phone.load("/trends")  # the app reads the patient it now remembers
    expect(page.locator("html")).to_have_attribute("lang", "es")
    expect(page.get_by_role("heading", name="Tendencias", exact=True)).to_be_visible()
    ranges = page.get_by_role("group", name="Período").get_by_role("button")
    expect(ranges).to_have_text(["30 días", "90 días", "1 año", "Todo"])
    page.get_by_role("button", name="Todo").click()
    expect(page.get_by_role("button", name="Todo")).to_have_attribute("aria-pressed", "true")
    page.locator(".chart canvas").wait_for()
    expect(page.locator(".legend")).to_contain_text("Dolor, promedio de 7 días")
    page.get_by_role("button", name="Más capas").click()  # a phone draws fewer at first
    expect(page.locator(".legend")).to_contain_text("Semana de línea base")
    expect(page.locator(".legend")).to_contain_text("Alivio del dolor")
    expect(page.locator("#trends-summary")).to_contain_text(  # once "Todo" has loaded
        f"registraste {len(trends['days'])} días y anotaste 8 sesiones")
    summary = page.locator("#trends-summary").inner_text()
    assert summary.startswith("Del "), summary
    assert "tus promedios de 7 días más recientes son: dolor " in summary, summary
    assert page.locator(".chart").get_attribute("aria-label").startswith(
        "Gráfico de dolor y estado de ánimo. Del ")
    expect(page.get_by_role("heading", name="Series de sesiones")).to_be_visible()
    card = page.locator(".series").first
    expect(card).to_contain_text("Línea base")
    expect(card).to_contain_text("El estado de ánimo, tal como se registró: más alto es mejor")
    page.get_by_text("Qué significan estos números").click()
    expect(page.locator(".explain")).to_contain_text("Tu promedio durante los 7 días anteriores")
    page.get_by_text("Ver los números en una tabla").click()
    expect(page.locator(".days-table caption")).to_have_text("Puntuaciones diarias")

    # Tapping a session day: the readout is Spanish too.
    point_at_first_session(page)
    expect(page.locator(".chart-readout")).to_contain_text(". Sesión: ")

    no_sideways_scroll(page)
    page.evaluate("window.scrollTo(0, 0)")
    shot(mx_phone, "trends")
    shot(mx_phone, "trends-series", ".series-list")
    shot(mx_phone, "trends-explanations", ".explain")
    mx_phone.assert_clean()


def test_a_baseline_of_zero_is_explained_in_spanish(mx_phone: Phone, es_phone: Phone) -> None:
    """On Trends to the patient (tú), on the report about the patient."""
    page = mx_phone.page
    mx_phone.register(timezone="Europe/Berlin")
    page.goto(f"{mx_phone.url}/login")  # remembered without the Log in screen, as above
    page.evaluate("(email) => import('/js/db.js').then((db) => db.setMeta('user', {email}))",
                  mx_phone.email)
    api = mx_phone.api()
    seed_zero_baseline(api, mx_phone.url)
    mx_phone.load("/trends")  # the app reads the patient it now remembers
    expect(page.locator(".series .zero-baseline")).to_have_text(
        "Dolor: tu línea base fue 0, así que no había nada que aliviar: no hay porcentaje, "
        "categoría, respuesta ni alivio.")

    created = api.post(f"{mx_phone.url}/api/v1/shares", json={"label": "Dra. García"},
                       timeout=10)
    assert created.status_code == 201, created.text
    report = es_phone.page
    report.goto(created.json()["url"])
    expect(report.locator(".report-series .zero-baseline")).to_have_text(
        "Serie 1 (Dolor): la línea base del paciente fue 0, así que no había nada que aliviar: "
        "no hay porcentaje, categoría, respuesta ni alivio.")
    mx_phone.assert_clean()
    es_phone.assert_clean()


# Words on the report that are data, not interface: the patient's, the server's (routes and
# side effects come from js/vocabulary.js), Intl's dates and unit symbols.
# What the report shows as the patient wrote or entered it: never translated.
PATIENT_DATA = ["Sam Rivera", "Dr. Okafor", "Riverside Clinic", re.compile(r"^[\d.,:/ %−+-]+$")]



def test_every_word_of_the_report_comes_from_the_catalog(phone: Phone, desktop: Phone) -> None:
    """The pseudo-language wraps every catalog string in ⟦…⟧: any other word on the report
    (besides the patient's data) was not translated."""
    phone.sign_up()
    api = phone.api()
    assert api.patch(f"{phone.url}/api/v1/me", json={"display_name": "Sam Rivera"},
                     timeout=10).status_code == 200
    seed_patient(api, phone.url)
    created = api.post(f"{phone.url}/api/v1/shares",
                       json={"label": "Dr. Okafor", "include_notes": True}, timeout=10)
    assert created.status_code == 201, created.text
    report = desktop.page
    desktop.context.add_init_script("localStorage.setItem('relieflog.language', 'qps')")
    report.goto(created.json()["url"])
    report.get_by_role("heading", name="Sam Rivera").wait_for()
    report.locator(".chart-screen canvas").wait_for()
    expect(report.locator("main")).not_to_have_attribute("aria-busy", "true")  # filled in
    expect(report.get_by_role("heading", name="⟦Treatment series⟧")).to_be_visible()
    report.locator(".days-details summary").click()
    assert_all_text_translated(report, allow=PATIENT_DATA)
    assert re.fullmatch(r"⟦.*⟧", report.title())
    report.emulate_media(media="print")  # the printed report, footer included
    assert_all_text_translated(report, allow=PATIENT_DATA)
    desktop.assert_clean()


def test_every_word_of_trends_comes_from_the_catalog(phone: Phone) -> None:
    """Trends in the pseudo-language (the shell around it belongs to other modules)."""
    phone.context.add_init_script("localStorage.setItem('relieflog.language', 'qps')")
    phone.sign_up()
    seed_patient(phone.api(), phone.url)
    phone.goto("/trends")
    page = phone.page
    page.get_by_role("button", name="⟦All⟧").click()
    expect(page.locator("#trends-summary")).to_contain_text("8 sessions")
    page.locator(".chart canvas").wait_for()
    page.locator(".more summary").first.click()
    page.locator(".days-details summary").click()
    assert_all_text_translated(page, allow=PATIENT_DATA, root="main .screen")
    phone.assert_clean()


def test_the_pages_for_a_link_that_does_not_work_are_in_spanish(es_phone: Phone) -> None:
    page = es_phone.page
    page.goto(f"{es_phone.url}/share#abc%")
    page.get_by_role("heading", name="Este enlace no es válido").wait_for()
    expect(page.locator("main")).to_contain_text("Compruebe que ha abierto el enlace completo")
    assert page.title() == "Este enlace no es válido · Relieflog"
    expect(page.locator(".skip-link")).to_have_text("Saltar al contenido")

    gone = {"type": "about:blank", "title": "Gone", "status": 410, "reason": "expired",
            "detail": "This link expired on 2026-03-01.", "expired_at": "2026-03-01T10:00:00Z"}
    page.route("**/api/v1/shared/session", lambda route: route.fulfill(
        status=410, content_type="application/problem+json", body=json.dumps(gone)))
    page.goto("about:blank")
    page.goto(f"{es_phone.url}/share#an-expired-token")
    page.get_by_role("heading", name="Este enlace caducó el 1 de marzo de 2026").wait_for()
    expect(page.locator("main")).to_contain_text("pídale uno nuevo")
    shot(es_phone, "expired")

    revoked = {**gone, "reason": "revoked", "detail": "This link was revoked."}
    page.unroute("**/api/v1/shared/session")
    page.route("**/api/v1/shared/session", lambda route: route.fulfill(
        status=410, content_type="application/problem+json", body=json.dumps(revoked)))
    page.goto("about:blank")
    page.goto(f"{es_phone.url}/share#a-revoked-token")
    page.get_by_role("heading", name="El paciente ha revocado este enlace").wait_for()

    page.unroute("**/api/v1/shared/session")
    page.route("**/api/v1/shared/session", lambda route: route.fulfill(
        status=429, content_type="application/problem+json",
        body=json.dumps({"title": "Too Many Requests", "status": 429})))
    page.goto("about:blank")
    page.goto(f"{es_phone.url}/share#a-token")
    page.get_by_role("heading", name="Demasiados intentos").wait_for()
    expect(page.get_by_role("button", name="Volver a intentarlo")).to_be_visible()
    no_sideways_scroll(page)
    es_phone.assert_clean(expected=("410", "429"))
