"""Keys built at run time (vocab.route.<key>, conflicts.field.<field>, …) exist in every
catalog: they are built here from vocabulary.js's and outbox.js's lists, which the generic
catalog checks (tests/test_i18n_catalogs.py) cannot see."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

WEB = Path(__file__).resolve().parent.parent / "web"
JS = WEB / "js"
MODULES = ["screens/today.js", "screens/history.js", "screens/day.js", "entry-form.js",
           "screens/treatments.js", "screens/treatment.js", "conflicts.js", "controls.js",
           "vocabulary.js"]
PREFIXES = ("today.", "history.", "day.", "entry.", "treatments.", "conflicts.", "controls.",
            "vocab.", "sync.")
LITERAL = re.compile(r"""\bt\(\s*["']([\w.]+)["']""")
TEMPLATE = re.compile(r"""\bt\(\s*`([\w.]+)\$\{""")
PLACEHOLDER = re.compile(r"\{(\w+)\}")


def catalog(language: str) -> dict[str, Any]:
    return json.loads((WEB / "i18n" / f"{language}.json").read_text())


def vocabulary_pairs(name: str, module: str = "vocabulary.js") -> list[tuple[str, str]]:
    source = (JS / module).read_text()
    found = re.search(rf"export const {name} = \[(.*?)\n\];", source, re.S)
    assert found, name
    return re.findall(r'\[\s*"([^"]+)"\s*,\s*"([^"]+)"\s*\]', found.group(1))


def used_keys() -> set[str]:
    keys: set[str] = set()
    for module in MODULES:
        keys.update(LITERAL.findall((JS / module).read_text()))
    for name, module in (("SIDE_EFFECTS", "vocabulary.js"), ("ROUTES", "vocabulary.js"),
                         ("PHASES", "vocabulary.js"), ("MED_CLASSES", "safety-words.js"),
                         ("CONCOMITANT", "safety-words.js"), ("BP_PHASES", "safety-words.js")):
        for key, message in vocabulary_pairs(name, module):
            assert message.endswith(f".{key}"), (name, key, message)
            keys.add(message)
    for key, message in vocabulary_pairs("SEVERITIES", "questionnaires.js"):
        assert message == f"vocab.severity.{key}", key
        keys.add(message)
    for scale in ("pain", "mood", "anxiety", "energy", "sleep_quality", "dissociation"):
        keys.update(f"vocab.scale.{scale}.{part}" for part in ("label", "low", "high"))
    keys.add("vocab.scale.pain.meaning")
    fields = re.findall(r'"(\w+)"', " ".join(re.findall(
        r"_FIELDS = \[(.*?)\];", (JS / "outbox.js").read_text(), re.S)))
    keys.update(f"conflicts.field.{field}" for field in fields)
    keys.update(f"history.score.{k}" for k in ("pain", "mood", "anxiety", "energy",
                                               "sleep_quality"))
    keys.update(f"day.score.{k}" for k in ("pain", "mood", "anxiety", "energy", "sleep_hours",
                                           "sleep_quality"))
    keys.update(f"today.hint_detail.{k}" for k in ("pain", "mood"))
    return keys


def test_every_template_key_is_listed_here() -> None:
    """A t(`prefix.${x}`) in a module needs its keys spelled out in used_keys() above."""
    prefixes = {p for m in MODULES for p in TEMPLATE.findall((JS / m).read_text())}
    assert prefixes <= {"vocab.scale.", "history.score.", "day.score.", "conflicts.field.",
                        "today.hint_detail."}, prefixes


@pytest.mark.parametrize("language", ["en", "es"])
def test_every_dynamic_key_is_in_the_catalog(language: str) -> None:
    missing = sorted(used_keys() - set(catalog(language)))
    assert missing == []


def test_every_security_event_the_server_records_has_words_in_settings():
    """The Settings security log names each event in the account's words: every event the
    API can write (api/audit/models.py EVENTS) is in settings.js's list and in every
    catalog."""
    from api.audit.models import EVENTS

    listed = set(re.findall(r'"(\w+)"', re.search(
        r"const EVENTS = new Set\(\[(.*?)\]\);", (JS / "screens/settings.js").read_text(),
        re.S).group(1)))
    assert set(EVENTS) <= listed, set(EVENTS) - listed
    for language in ("en", "es"):
        words = catalog(language)
        assert {f"settings.event.{event}" for event in listed} <= set(words), language
