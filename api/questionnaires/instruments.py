"""The three instruments' rules: items, answer ranges, scoring, bands, response and
remission thresholds, how often each is due, and their codes. The wording lives apart
(wording.py, word for word from the published versions); this module is everything the
server computes. Plain data and pure functions: no Flask, no database.

Sources and the meaning of every number: docs/questionnaires.md.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction
from typing import Any, Literal

from api.formats.fhir import LOINC
from api.questionnaires.wording import WORDING
from api.vocabulary import QUESTIONNAIRES


@dataclass(frozen=True)
class Band:
    low: int
    high: int
    severity: str


@dataclass(frozen=True)
class Instrument:
    id: str
    item_count: int
    highest_answer: int  # every item is answered 0..highest_answer
    scoring: Literal["sum", "mean"]
    bands: tuple[Band, ...]
    # Response: the score at least this many percent lower than the series' baseline.
    response_drop_pct: int
    # Remission: a score below this (None: the instrument defines none).
    remission_below: int | None
    # Due again when none has been answered in this many days.
    interval_days: int
    minutes: int  # what Today says it takes
    # The item whose answer above 0 shows the crisis screen (PHQ-9 item 9).
    safety_item: str | None
    # The optional "how difficult" item, answered 0..3.
    has_difficulty: bool
    loinc_panel: str
    # The LOINC code of the total (and of the items that have their own, loinc_items).
    total_coding: Mapping[str, str]
    loinc_items: Mapping[str, str]

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(f"q{n}" for n in range(1, self.item_count + 1))

    @property
    def highest_total(self) -> int:
        return self.highest_answer * (self.item_count if self.scoring == "sum" else 1)

    def exact_total(self, answers: Mapping[str, int]) -> Fraction:
        """The score exactly: the sum of the answers, or for the PEG their mean (20/3, not
        the 6.7 shown). Changes are computed from this (api/analysis/questionnaires.py)."""
        points = sum(answers[key] for key in self.keys)
        return Fraction(points, 1 if self.scoring == "sum" else self.item_count)

    def total(self, answers: Mapping[str, int]) -> int | float:
        """The score shown: the sum of the answers, or for the PEG their mean to one decimal."""
        exact = self.exact_total(answers)
        return exact.numerator if self.scoring == "sum" else rounded(exact, 1)

    def severity(self, total: float) -> str | None:
        return next((band.severity for band in self.bands if band.low <= total <= band.high),
                    None)

    def safety_flag(self, answers: Mapping[str, int]) -> bool:
        return self.safety_item is not None and answers[self.safety_item] > 0

    def remission(self, total: float | None) -> bool | None:
        if total is None or self.remission_below is None:
            return None
        return total < self.remission_below


# A series' baseline is the latest score this many days before its first session; its
# after, the latest from the day after its last session up to this many days later.
SERIES_BASELINE_DAYS = 14
SERIES_AFTER_DAYS = 21

FOUR_ANSWERS = 3  # "Not at all" (0) .. "Nearly every day" (3)

INSTRUMENTS: dict[str, Instrument] = {
    "phq9": Instrument(
        id="phq9", item_count=9, highest_answer=FOUR_ANSWERS, scoring="sum",
        bands=(Band(0, 4, "minimal"), Band(5, 9, "mild"), Band(10, 14, "moderate"),
               Band(15, 19, "moderately_severe"), Band(20, 27, "severe")),
        response_drop_pct=50, remission_below=5, interval_days=14, minutes=2,
        safety_item="q9", has_difficulty=True,
        loinc_panel="44249-1", loinc_items={"q9": "44260-8"},
        total_coding={"system": LOINC, "code": "44261-6",
                      "display": "Patient Health Questionnaire 9 item (PHQ-9) total score "
                                 "[Reported]"},
    ),
    "gad7": Instrument(
        id="gad7", item_count=7, highest_answer=FOUR_ANSWERS, scoring="sum",
        bands=(Band(0, 4, "minimal"), Band(5, 9, "mild"), Band(10, 14, "moderate"),
               Band(15, 21, "severe")),
        response_drop_pct=50, remission_below=5, interval_days=14, minutes=2,
        # The GAD-7 forms (English and Spanish for the USA) print no "how difficult"
        # question (docs/questionnaires.md), so none is asked.
        safety_item=None, has_difficulty=False,
        loinc_panel="69737-5", loinc_items={},
        total_coding={"system": LOINC, "code": "70274-6",
                      "display": "Generalized anxiety disorder 7 item (GAD-7) total score "
                                 "[Reported.PHQ]"},
    ),
    "peg": Instrument(
        id="peg", item_count=3, highest_answer=10, scoring="mean", bands=(),
        response_drop_pct=30, remission_below=None, interval_days=7, minutes=1,
        safety_item=None, has_difficulty=False,
        loinc_panel="91148-7",
        loinc_items={"q1": "75893-8", "q2": "91145-3", "q3": "91146-1"},
        # LOINC rounds this mean to a whole number "for clinical use"; DESIGN.md keeps one
        # decimal, so a 6.3 is exported as 6.3 (docs/questionnaires.md).
        total_coding={"system": LOINC, "code": "91147-9", "display": "Mean score [PEG]"},
    ),
}
assert tuple(INSTRUMENTS) == QUESTIONNAIRES
LANGUAGES = tuple(WORDING)


def rounded(value: Fraction, places: int) -> float:
    """Half away from zero, as people round by hand (6.25 -> 6.3)."""
    scaled = abs(value) * 10**places
    whole = int(scaled + Fraction(1, 2))
    return (whole if value >= 0 else -whole) / 10**places


def definition(instrument: Instrument, lang: str) -> dict[str, Any]:
    """What GET /questionnaires serves for one instrument, in one language."""
    words = WORDING[lang][instrument.id]
    anchors = words.get("anchors") or [[None, None]] * instrument.item_count
    if instrument.highest_answer == FOUR_ANSWERS:
        options = [{"value": value, "label": label} for value, label in enumerate(words["options"])]
    else:
        options = [{"value": value, "label": str(value)}
                   for value in range(instrument.highest_answer + 1)]
    difficulty = words.get("difficulty")
    return {
        "id": instrument.id,
        "title": words["title"],
        "name": words["name"],
        "recall": words["recall"],
        "minutes": instrument.minutes,
        "items": [{"key": key, "text": text, "low": low, "high": high}
                  for key, text, (low, high) in zip(instrument.keys, words["items"], anchors,
                                                     strict=True)],
        "options": options,
        "difficulty": None if difficulty is None else {
            "key": "difficulty", "text": difficulty["text"],
            "options": [{"value": value, "label": label}
                        for value, label in enumerate(difficulty["options"])],
        },
        "score": {"kind": instrument.scoring, "max": instrument.highest_total},
        "bands": [{"min": b.low, "max": b.high, "severity": b.severity}
                  for b in instrument.bands],
        "safety_item": instrument.safety_item,
        "interval_days": instrument.interval_days,
        # The numbers the series rules use (api/analysis/questionnaires.py), for the app's
        # one-sentence explanations: it shows them, it never applies them.
        "rules": {"baseline_days": SERIES_BASELINE_DAYS, "after_days": SERIES_AFTER_DAYS,
                  "response_drop_pct": instrument.response_drop_pct,
                  "remission_below": instrument.remission_below},
    }


def fhir_description(instrument: Instrument) -> dict[str, Any]:
    """The instrument as the FHIR export names it (api/formats/fhir.py), in English."""
    words = WORDING["en"][instrument.id]
    difficulty = words.get("difficulty")
    return {
        "questionnaire": f"http://loinc.org/q/{instrument.loinc_panel}",
        "title": words["title"],
        "items": [{"key": key, "text": text, "code": instrument.loinc_items.get(key)}
                  for key, text in zip(instrument.keys, words["items"], strict=True)],
        "difficulty": difficulty["text"] if difficulty else None,
        "total": dict(instrument.total_coding),
    }


FHIR_DESCRIPTIONS = {name: fhir_description(i) for name, i in INSTRUMENTS.items()}
