"""The questionnaire wording module (api/questionnaires/wording.py) against its own promises:
both languages carry the same three instruments in the same shape, nothing is empty, the
PHQ-9 keeps all nine items (never the PHQ-8), and the key sentences are the published ones,
character for character (docs/questionnaires.md says which copy of each form they match)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from api.questionnaires.wording import SOURCES, WORDING

LANGUAGES = ("en", "es")
INSTRUMENTS = ("phq9", "gad7", "peg")
ITEM_COUNTS = {"phq9": 9, "gad7": 7, "peg": 3}
COMMON_KEYS = {"title", "name", "recall", "items", "difficulty"}


def strings(value: Any) -> Iterator[str]:
    """Every string inside a nested dict/list structure."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for inner in value.values():
            yield from strings(inner)
    elif isinstance(value, list):
        for inner in value:
            yield from strings(inner)


def test_both_languages_carry_the_same_instruments() -> None:
    assert set(WORDING) == set(LANGUAGES)
    for language in LANGUAGES:
        assert set(WORDING[language]) == set(INSTRUMENTS), language
    assert set(SOURCES) == set(INSTRUMENTS)


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("instrument", INSTRUMENTS)
def test_shape(language: str, instrument: str) -> None:
    form = WORDING[language][instrument]
    scale_key = "anchors" if instrument == "peg" else "options"
    assert set(form) == COMMON_KEYS | {scale_key}
    assert len(form["items"]) == ITEM_COUNTS[instrument]
    assert form["title"] == WORDING["en"][instrument]["title"]
    if instrument == "peg":
        assert len(form["anchors"]) == 3
        assert all(len(pair) == 2 for pair in form["anchors"])
        assert form["difficulty"] is None
    else:
        assert len(form["options"]) == 4
    # A closing question in one language must be there in the other, with four answers.
    english = WORDING["en"][instrument]["difficulty"]
    if english is None:
        assert form["difficulty"] is None
    else:
        assert set(form["difficulty"]) == {"text", "options"}
        assert len(form["difficulty"]["options"]) == 4


def test_phq9_is_never_the_phq8() -> None:
    for language in LANGUAGES:
        items = WORDING[language]["phq9"]["items"]
        assert len(items) == 9, language
    assert WORDING["en"]["phq9"]["items"][8].startswith("Thoughts that you would be better off")
    assert WORDING["es"]["phq9"]["items"][8].startswith("Pensamientos de que estaría mejor")


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_empty_or_untidy_strings(language: str) -> None:
    for text in strings(WORDING[language]):
        assert text.strip(), f"empty string in {language}"
        assert text == text.strip(), repr(text)
        assert "  " not in text, repr(text)  # a lost or doubled space between joined pieces
        assert "\u2714" not in text and "\n" not in text, repr(text)


def test_sources_are_one_line_citations() -> None:
    for instrument, citation in SOURCES.items():
        assert citation.strip() and "\n" not in citation, instrument
    assert "Kroenke K, Spitzer RL, Williams JBW" in SOURCES["phq9"]
    assert "Arch Intern Med 2006" in SOURCES["gad7"]
    assert "Krebs EE" in SOURCES["peg"]
    # The Spanish PEG is Relieflog's own translation; the citation must keep saying so.
    assert "NOT validated" in SOURCES["peg"]


# The sentences below are the published text, copied from the forms (see the docs).
EXACT = {
    ("en", "phq9", "recall"): (
        "Over the last 2 weeks, how often have you been bothered by any of the following problems?"
    ),
    ("en", "phq9", 0): "Little interest or pleasure in doing things",
    ("en", "phq9", 8): (
        "Thoughts that you would be better off dead or of hurting yourself in some way"
    ),
    ("en", "gad7", "recall"): (
        "Over the last 2 weeks, how often have you been bothered by the following problems?"
    ),
    ("en", "gad7", 0): "Feeling nervous, anxious or on edge",
    ("en", "peg", 0): "What number best describes your pain on average in the past week?",
    ("es", "phq9", "recall"): (
        "Durante las últimas 2 semanas, ¿qué tan seguido ha tenido molestias debido a los "
        "siguientes problemas?"
    ),
    ("es", "phq9", 0): "Poco interés o placer en hacer cosas",
    ("es", "phq9", 8): (
        "Pensamientos de que estaría mejor muerto(a) o de lastimarse de alguna manera"
    ),
    ("es", "gad7", 0): "Se ha sentido nervioso(a), ansioso(a) o con los nervios de punta",
    ("es", "peg", 0): ("¿Qué número describe mejor su dolor en promedio durante la última semana?"),
}


@pytest.mark.parametrize("key", sorted(EXACT, key=str), ids=str)
def test_key_sentences_word_for_word(key: tuple[str, str, int | str]) -> None:
    language, instrument, where = key
    form = WORDING[language][instrument]
    actual = form["recall"] if where == "recall" else form["items"][where]
    assert actual == EXACT[key]


def test_item_9_has_no_comma_after_dead() -> None:
    """The PHQ Screeners form prints no comma; LOINC's display name for 44260-8 has one."""
    assert "dead, or" not in WORDING["en"]["phq9"]["items"][8]


def test_answer_options_word_for_word() -> None:
    frequency = {
        "en": ["Not at all", "Several days", "More than half the days", "Nearly every day"],
        "es": ["Ningún día", "Varios días", "Más de la mitad de los días", "Casi todos los días"],
    }
    for language, options in frequency.items():
        assert WORDING[language]["phq9"]["options"] == options
        assert WORDING[language]["gad7"]["options"] == options
    assert WORDING["en"]["phq9"]["difficulty"]["options"] == [
        "Not difficult at all",
        "Somewhat difficult",
        "Very difficult",
        "Extremely difficult",
    ]
    assert WORDING["es"]["phq9"]["difficulty"]["options"] == [
        "No ha sido difícil",
        "Un poco difícil",
        "Muy difícil",
        "Extremadamente difícil",
    ]
    assert WORDING["en"]["peg"]["anchors"] == [
        ["No pain", "Pain as bad as you can imagine"],
        ["Does not interfere", "Completely interferes"],
        ["Does not interfere", "Completely interferes"],
    ]
