"""Flaredown's CSV export: `Date`, then one column per condition, symptom and treatment
(rated 0–4), then `Tags`, `Foods` and weather columns. The patient picks the column that
is pain (and mood, if one is) and the scale; tags become tags."""

from __future__ import annotations

from datetime import date
from typing import Any

from api.imports.incoming import Incoming
from api.imports.reading import day_of, number_of, rows

NAME = "flaredown"
LABEL = "Flaredown"
TEXT_COLUMNS = ("Tags", "Foods")
WEATHER = ("Icon", "Temperature (min)", "Temperature (max)", "Precipitation intensity",
           "Pressure", "Humidity")
FLAREDOWN_SCALE = 4  # Flaredown's ratings are 0–4


def detect(header: list[str]) -> bool:
    return bool(header) and header[0] == "Date" and any(name in header for name in TEXT_COLUMNS)


def read(text: str, latest: date) -> Incoming:
    incoming = Incoming(NAME)
    for row in rows(text, required=("Date",)):
        on = day_of(row.cells["Date"], row, "Date", latest)
        incoming.rows += 1
        day = incoming.day(on, row.line)
        for column, value in row.cells.items():
            if column == "Date" or column in WEATHER or not value:
                continue
            if column in TEXT_COLUMNS:
                incoming.text(day, column, value)
            elif (number := number_of(value, row, column)) is not None:
                incoming.number(day, column, number, row.line)
    return incoming


def default_mapping(incoming: Incoming) -> dict[str, Any]:
    rated = [name for name, source in incoming.sources.items() if source.numbers]
    return {
        "pain": next((name for name in rated if "pain" in name.lower()), None),
        "mood": next((name for name in rated if "mood" in name.lower()), None),
        "notes": [], "tags": ["Tags"] if "Tags" in incoming.sources else [],
        "scales": dict.fromkeys(rated, FLAREDOWN_SCALE), "labels": {},
    }
