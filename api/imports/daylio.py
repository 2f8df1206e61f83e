"""Daylio's CSV export: `full_date,date,weekday,time,mood,activities,note_title,note`, or
the older `year,date,weekday,time,mood,activities,note`. One row per mood logged (several
a day); moods are labels the user may have renamed; activities are " | "-separated."""

from __future__ import annotations

from datetime import date
from typing import Any

from api.imports.incoming import Incoming
from api.imports.reading import BadFile, checked_day, day_of, parse_clock_date, rows

NAME = "daylio"
LABEL = "Daylio"
HEADER = ("full_date", "date", "weekday", "time", "mood", "activities", "note_title", "note")
OLD_HEADER = ("year", "date", "weekday", "time", "mood", "activities", "note")
# Daylio's five moods, as it names them until the user renames them.
DEFAULT_MOODS = {"awful": 1, "bad": 3, "meh": 5, "good": 7, "rad": 9}
MOOD = "mood"


def detect(header: list[str]) -> bool:
    names = [name.lower() for name in header]
    return names[:len(HEADER)] == list(HEADER) or names[:len(OLD_HEADER)] == list(OLD_HEADER)


def read(text: str, latest: date) -> Incoming:
    incoming = Incoming(NAME)
    old = None
    for row in rows(text, required=("date", "mood")):
        if old is None:
            old = "full_date" not in row.cells
        if old:
            written = f"{row.cells.get('year', '')} {row.cells['date']}"
            try:
                on = parse_clock_date(row.cells.get("year", ""), row.cells["date"])
            except ValueError:
                raise BadFile(f"{written!r} is not a date (year, then e.g. \"March 5\").",
                              line=row.line, column="date") from None
            on = checked_day(on, row.line, "date", latest)
        else:
            on = day_of(row.cells.get("full_date", ""), row, "full_date", latest)
        incoming.rows += 1
        day = incoming.day(on, row.line)
        if mood := row.cells.get("mood", ""):
            incoming.label(day, MOOD, mood)
        incoming.text(day, "activities", row.cells.get("activities", ""))
        incoming.text(day, "note_title", row.cells.get("note_title", ""))
        incoming.text(day, "note", row.cells.get("note", ""))
    return incoming


def default_mapping(incoming: Incoming) -> dict[str, Any]:
    labels = incoming.sources[MOOD].labels if MOOD in incoming.sources else {}
    return {"pain": None, "mood": MOOD, "notes": ["note_title", "note"], "tags": ["activities"],
            "scales": {}, "labels": {label: DEFAULT_MOODS.get(label.strip().lower())
                                     for label in labels}}
