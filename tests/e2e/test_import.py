"""Settings → Import through the screens, at 390×844 in English and in Spanish (dark, and at
360 px): choose a Daylio file, see the preview, score the renamed mood, see the conflict
with both values, replace it, import; the same file again is "nothing new"."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import ARTIFACTS, Phone, _phone
from tests.support.live_server import LiveServer

pytestmark = pytest.mark.e2e

DAYLIO = Path(__file__).resolve().parent.parent / "data" / "imports" / "daylio.csv"
SHOTS = Path("/work/shots/imports")


def keep_shot(name: str, shots: Path = SHOTS) -> None:
    """The screenshot `check` took, also where the team looks at them."""
    if shots.parent.is_dir():
        shots.mkdir(exist_ok=True)
        shutil.copy(ARTIFACTS / f"{name}.png", shots / f"{name}.png")


@pytest.fixture
def dark_spanish_phone(browser: Any, server: LiveServer):
    yield from _phone(browser, server, color_scheme="dark", locale="es-ES")


@pytest.fixture
def narrow_spanish_phone(browser: Any, server: LiveServer):
    yield from _phone(browser, server, color_scheme="dark", locale="es-ES",
                      viewport={"width": 360, "height": 780})


WORDS = {
    "en": {"link": "Import your history", "title": "Import your history", "pick": "Choose a file…",
           "preview": "Preview: Daylio", "update": "Update the preview",
           "conflicts": "1 day differs from what you logged", "replace": "Use the file's",
           "import": "Import", "done": "Imported", "nothing": "Nothing new",
           "labels_needed": "1 label needs a score."},
    "es": {"link": "Importar tu historial", "title": "Importar tu historial",
           "pick": "Elegir un archivo…", "preview": "Vista previa: Daylio",
           "update": "Actualizar la vista previa",
           "conflicts": "1 día es distinto de lo que registraste",
           "replace": "Usar los del archivo", "import": "Importar", "done": "Importado",
           "nothing": "Nada nuevo", "labels_needed": "1 etiqueta necesita una puntuación."},
}


def import_daylio(phone: Phone, language: str, name: str) -> None:
    words = WORDS[language]
    page = phone.page
    phone.sign_up("UTC", language=None)
    api = phone.api()
    assert api.put(f"{phone.url}/api/v1/entries/2026-03-03", json={"mood": 2, "notes": "mine"},
                   timeout=10).status_code == 201

    phone.goto("/settings")
    page.get_by_role("link", name=words["link"]).click()
    page.get_by_role("heading", name=words["title"], level=1).wait_for()
    phone.check(f"{name}-choose")
    keep_shot(f"{name}-choose")

    page.get_by_label(words["pick"]).set_input_files(str(DAYLIO))
    page.get_by_role("heading", name=words["preview"]).wait_for()
    expect(page.get_by_text(words["labels_needed"])).to_be_visible()
    page.get_by_role("spinbutton", name="meh-ish").fill("4")
    page.get_by_role("button", name=words["update"]).click()
    page.get_by_role("heading", name=words["conflicts"]).wait_for()
    expect(page.get_by_text(words["labels_needed"])).to_have_count(0)
    conflict = page.locator(".import-table").last
    expect(conflict).to_contain_text("mine")  # both values shown: the patient's …
    expect(conflict).to_contain_text("walk, friends")  # … and the file's
    phone.check(f"{name}-preview", full_page=True)
    keep_shot(f"{name}-preview")

    page.get_by_label(words["replace"]).check()
    page.get_by_role("button", name=words["import"], exact=True).click()
    page.get_by_role("heading", name=words["done"]).wait_for()
    phone.check(f"{name}-done")
    keep_shot(f"{name}-done")
    entries = api.get(f"{phone.url}/api/v1/entries?from=2026-02-01&to=2026-03-31",
                      timeout=10).json()["items"]
    assert {e["date"]: e["mood"] for e in entries} == {
        "2026-02-28": 3, "2026-03-01": 1, "2026-03-02": 6, "2026-03-03": 9}

    page.get_by_label(words["pick"]).set_input_files(str(DAYLIO))
    page.get_by_role("heading", name=words["preview"]).wait_for()
    page.get_by_role("spinbutton", name="meh-ish").fill("4")
    page.get_by_role("button", name=words["import"], exact=True).click()
    page.get_by_role("heading", name=words["nothing"]).wait_for()
    phone.check(f"{name}-nothing-new")
    keep_shot(f"{name}-nothing-new")
    phone.assert_clean()


def test_import_a_daylio_file_in_english(phone: Phone) -> None:
    import_daylio(phone, "en", "import-en")


def test_import_a_daylio_file_in_spanish_dark(dark_spanish_phone: Phone) -> None:
    import_daylio(dark_spanish_phone, "es", "import-es-dark")


def test_import_a_bad_file_names_the_line_at_360px(narrow_spanish_phone: Phone) -> None:
    phone = narrow_spanish_phone
    page = phone.page
    phone.sign_up("UTC", language=None)
    phone.goto("/imports")
    page.get_by_label(WORDS["es"]["pick"]).set_input_files(files=[{
        "name": "dolor.csv", "mimeType": "text/csv",
        "buffer": b"date,pain\n2026-01-01,3\n2026-01-02,12\n"}])
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("Línea 3, columna «pain»")
    phone.check("import-es-360-bad-file")
    keep_shot("import-es-360-bad-file")
    phone.assert_clean(expected=("422",))
