"""Bearable's CSV export: `date,weekday,time of day,category,rating/amount,detail,notes`,
one row per data point. A rated row is a source named by its category (and detail, when
it has one: "Symptoms: Back pain"); an unrated row's detail is text of its category
(factors, activities), which may become tags; notes are notes."""

from __future__ import annotations

from datetime import date
from typing import Any

from api.imports.incoming import Incoming, default_scale
from api.imports.reading import day_of, number_of, rows

NAME = "bearable"
LABEL = "Bearable"
HEADER = ("date", "weekday", "time of day", "category", "rating/amount", "detail", "notes")
NOTES = "notes"


def detect(header: list[str]) -> bool:
    return [name.lower() for name in header[:len(HEADER)]] == list(HEADER)


def read(text: str, latest: date) -> Incoming:
    incoming = Incoming(NAME)
    for row in rows(text, required=("date", "category", "rating/amount"), lowercase=True):
        cells = row.cells
        on = day_of(cells["date"], row, "date", latest)
        incoming.rows += 1
        day = incoming.day(on, row.line)
        category, detail = cells["category"], cells.get("detail", "")
        amount = number_of(cells["rating/amount"], row, "rating/amount")
        if amount is not None:
            incoming.number(day, f"{category}: {detail}" if detail else category, amount,
                            row.line)
        elif detail:
            incoming.text(day, category, detail)
        incoming.text(day, NOTES, cells.get("notes", ""))
    return incoming


def _first(incoming: Incoming, word: str) -> str | None:
    return next((name for name, source in incoming.sources.items()
                 if source.numbers and word in name.lower()), None)


def default_mapping(incoming: Incoming) -> dict[str, Any]:
    return {
        "pain": _first(incoming, "pain"), "mood": _first(incoming, "mood"),
        "notes": [NOTES] if NOTES in incoming.sources else [],
        "tags": [name for name, source in incoming.sources.items()
                 if source.texts and not source.numbers and name != NOTES],
        "scales": {name: default_scale(source.highest)
                   for name, source in incoming.sources.items() if source.numbers},
        "labels": {},
    }
