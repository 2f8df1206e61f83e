"""The crisis resources the crisis screen shows: the install's own (CRISIS_RESOURCES) or
the US defaults, in the patient's language. Checked when the app starts, so a mistyped
setting stops the server instead of showing a broken screen to someone in crisis."""

from __future__ import annotations

import json
from typing import Any

Resources = list[dict[str, str | None]]

DEFAULTS: dict[str, Resources] = {
    "en": [
        {"label": "Call or text 988 — Suicide & Crisis Lifeline (US)", "href": "tel:988"},
        {"label": "Text 988", "href": "sms:988"},
        {"label": "Emergencies: call 911 (US)", "href": "tel:911"},
        {"label": "Outside the US: call your local emergency number", "href": None},
    ],
    "es": [
        {"label": "Llama o envía un mensaje al 988 — Línea de Prevención del Suicidio y "
                  "Crisis (EE. UU.), con atención en español", "href": "tel:988"},
        {"label": "Envía un mensaje de texto al 988", "href": "sms:988"},
        {"label": "Emergencias: llama al 911 (EE. UU.)", "href": "tel:911"},
        {"label": "Fuera de EE. UU.: llama al número de emergencias de tu país", "href": None},
    ],
}
SCHEMES = ("tel:", "sms:", "https:")


def _checked(resources: Any, where: str) -> Resources:
    if not isinstance(resources, list) or not resources:
        raise ValueError(f"CRISIS_RESOURCES{where} must be a non-empty list")
    for resource in resources:
        if not isinstance(resource, dict) or set(resource) - {"label", "href"} \
                or not isinstance(resource.get("label"), str) or not resource["label"].strip():
            raise ValueError(f"CRISIS_RESOURCES{where}: each entry is {{\"label\", \"href\"}} "
                             "with a non-empty label")
        href = resource.get("href")
        if href is not None and not (isinstance(href, str) and href.startswith(SCHEMES)):
            raise ValueError(f"CRISIS_RESOURCES{where}: href must start with "
                             f"{', '.join(SCHEMES)} or be null, not {href!r}")
    return [{"label": r["label"], "href": r.get("href")} for r in resources]


def parse(setting: str) -> dict[str, Resources]:
    """CRISIS_RESOURCES as resources by language; "*" is every other language."""
    if not setting.strip():
        return DEFAULTS
    try:
        value = json.loads(setting)
    except ValueError as error:
        raise ValueError(f"CRISIS_RESOURCES is not valid JSON: {error}") from None
    if isinstance(value, dict):
        return {lang: _checked(resources, f"[{lang!r}]") for lang, resources in value.items()}
    return {"*": _checked(value, "")}


def for_language(resources: dict[str, Resources], lang: str) -> Resources:
    return resources.get(lang) or resources.get("*") or resources.get("en") \
        or next(iter(resources.values()))
