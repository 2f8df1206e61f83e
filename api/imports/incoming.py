"""What a file brings, before and after the patient's mapping: per local date, each
source's numbers, labels and text (a source is a column, a Bearable category, a Daylio
mood column); then, with a mapping, the day's pain, mood, notes and tags.

A day keeps sums and counts, not rows, so memory grows with the days and labels a file
holds, not with its rows."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from fractions import Fraction
from typing import Any

from api.imports.reading import BadFile, half_up

SCORES = ("pain", "mood")
TEXTS = ("notes", "tags")
MAX_TAGS = 20
MAX_TAG = 32
MAX_NOTES = 2000


@dataclass
class Cells:
    """One source's cells on one day."""

    total: Fraction = Fraction(0)
    count: int = 0
    highest: Fraction | None = None
    highest_line: int = 0
    labels: Counter[str] = field(default_factory=Counter)
    texts: list[str] = field(default_factory=list)

    def add_number(self, value: Fraction, line: int) -> None:
        self.total += value
        self.count += 1
        if self.highest is None or value > self.highest:
            self.highest, self.highest_line = value, line


@dataclass
class Day:
    line: int  # the first line that named this date
    rows: int = 0
    sources: dict[str, Cells] = field(default_factory=dict)

    def cells(self, source: str) -> Cells:
        found = self.sources.get(source)
        if found is None:
            found = self.sources[source] = Cells()
        return found


@dataclass
class Source:
    """A source across the whole file: what the preview shows to decide its mapping."""

    numbers: int = 0
    highest: Fraction = Fraction(0)
    labels: Counter[str] = field(default_factory=Counter)
    texts: int = 0


@dataclass
class Incoming:
    """Everything a file brings, as read (no mapping applied yet)."""

    format: str
    encoding: str = "utf-8"
    rows: int = 0
    days: dict[date, Day] = field(default_factory=dict)
    sources: dict[str, Source] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    # relieflog only: the other records, by kind, as the domains' PUT bodies
    records: dict[str, list[dict[str, Any]]] = field(default_factory=dict)

    def day(self, on: date, line: int) -> Day:
        found = self.days.get(on)
        if found is None:
            found = self.days[on] = Day(line)
        found.rows += 1
        return found

    def source(self, name: str) -> Source:
        found = self.sources.get(name)
        if found is None:
            found = self.sources[name] = Source()
        return found

    def number(self, day: Day, source: str, value: Fraction, line: int) -> None:
        if value < 0:
            raise BadFile(f"{float(value):g} is negative; scores start at 0.", line=line,
                          column=source)
        day.cells(source).add_number(value, line)
        seen = self.source(source)
        seen.numbers += 1
        seen.highest = max(seen.highest, value)

    def label(self, day: Day, source: str, label: str) -> None:
        day.cells(source).labels[label] += 1
        self.source(source).labels[label] += 1

    def text(self, day: Day, source: str, text: str) -> None:
        if text:
            day.cells(source).texts.append(text)
            self.source(source).texts += 1


def default_scale(highest: Fraction) -> int:
    """The top of a source's scale, guessed from its highest value: 0–4 (Flaredown,
    Bearable's symptoms), 0–5, else 0–10. The preview shows it; the patient may change it."""
    return 4 if highest <= 4 else 5 if highest <= 5 else 10


def split_tags(text: str) -> list[str]:
    """Activities and tags as written: " | " (Daylio), "|", ";" or "," between them."""
    for separator in (" | ", "|", ";", ","):
        if separator in text:
            return [part.strip() for part in text.split(separator) if part.strip()]
    return [text.strip()] if text.strip() else []


def _score(day: Day, source: str | None, mapping: dict[str, Any], column: str) -> int | None:
    """The day's mean of a source's cells on 0–10 (numbers scaled to the source's top,
    labels by the patient's mapping; unmapped labels left out), rounded once, half up."""
    if source is None or source not in day.sources:
        return None
    cells = day.sources[source]
    top = Fraction(mapping["scales"].get(source, 10))
    if cells.highest is not None and cells.highest * 10 / top > 10:
        raise BadFile(f"{float(cells.highest):g} is above the top of the scale chosen "
                      f"for it ({float(top):g}).", line=cells.highest_line, column=source)
    total = cells.total * 10 / top
    count = cells.count
    for label, times in cells.labels.items():
        score = mapping["labels"].get(label)
        if score is not None:
            total += score * times
            count += times
    return half_up(total / count) if count else None


def entry_of(day: Day, mapping: dict[str, Any], warnings: list[str], on: date
             ) -> dict[str, Any] | None:
    """The day's entry under `mapping` (pain, mood, notes, tags), None when it holds no
    score (an entry needs one). Long notes and tags are cut to what an entry holds, with
    a warning, rather than refusing the whole file."""
    pain = _score(day, mapping["pain"], mapping, "pain")
    mood = _score(day, mapping["mood"], mapping, "mood")
    if pain is None and mood is None:
        return None
    notes = "\n\n".join(text for source in mapping["notes"] if source in day.sources
                        for text in day.sources[source].texts)
    if len(notes) > MAX_NOTES:
        warnings.append(f"{on.isoformat()}: the notes were cut to {MAX_NOTES:,} characters.")
        notes = notes[:MAX_NOTES]
    tags: dict[str, None] = {}
    for source in mapping["tags"]:
        for text in day.sources[source].texts if source in day.sources else ():
            for tag in split_tags(text):
                tags[tag[:MAX_TAG].strip()] = None
    if len(tags) > MAX_TAGS:
        warnings.append(f"{on.isoformat()}: only the first {MAX_TAGS} tags were kept.")
    return {"pain": pain, "mood": mood, "notes": notes, "tags": list(tags)[:MAX_TAGS]}


def entries(incoming: Incoming, mapping: dict[str, Any]
            ) -> tuple[dict[date, dict[str, Any]], list[str]]:
    """Every day's entry under `mapping`, and what had to be cut."""
    warnings: list[str] = []
    result = {}
    for on in sorted(incoming.days):
        entry = entry_of(incoming.days[on], mapping, warnings, on)
        if entry is not None:
            result[on] = entry
    return result, warnings
