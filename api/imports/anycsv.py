"""Any CSV with a date column (a spreadsheet kept by hand, Relieflog's own entries.csv):
the patient maps columns to pain, mood, notes and tags; columns named so are mapped by
default."""

from __future__ import annotations

from datetime import date
from typing import Any

from api.imports.incoming import Incoming
from api.imports.reading import BadFile, Row, day_of, header_of, number_of, rows

NAME = "csv"
LABEL = "CSV"
DATE_NAMES = ("date", "day", "fecha", "día", "dia", "full_date")
LABEL_LENGTH = 20
NAMES = {
    "pain": ("pain", "dolor"),
    "mood": ("mood", "ánimo", "animo", "estado de ánimo"),
    "notes": ("notes", "note", "notas", "nota"),
    "tags": ("tags", "etiquetas", "activities"),
}


def date_column(header: list[str]) -> str | None:
    lowered = {name.lower(): name for name in header}
    for candidate in DATE_NAMES:
        if candidate in lowered:
            return lowered[candidate]
    return next((name for name in header if "date" in name.lower()), None)


def detect(header: list[str]) -> bool:
    return date_column(header) is not None


def _cell(incoming: Incoming, day: Any, row: Row, column: str, value: str) -> None:
    if not value:
        return
    try:
        number = number_of(value, row, column)
    except BadFile:
        number = None
    if number is not None:
        incoming.number(day, column, number, row.line)
    else:
        incoming.text(day, column, value)
        if len(value) <= LABEL_LENGTH:  # a word a score column might hold ("high")
            incoming.label(day, column, value)


def read(text: str, latest: date) -> Incoming:
    incoming = Incoming(NAME)
    column = date_column(header_of(text)[0])
    if column is None:
        raise BadFile("No date column (a column named date).", line=1)
    for row in rows(text):
        on = day_of(row.cells.get(column, ""), row, column, latest)
        incoming.rows += 1
        day = incoming.day(on, row.line)
        for name, value in row.cells.items():
            if name != column:
                _cell(incoming, day, row, name, value)
    return incoming


def _named(incoming: Incoming, field: str) -> str | None:
    return next((name for name in incoming.sources if name.lower() in NAMES[field]), None)


def default_mapping(incoming: Incoming) -> dict[str, Any]:
    notes, tags = _named(incoming, "notes"), _named(incoming, "tags")
    return {
        "pain": _named(incoming, "pain"), "mood": _named(incoming, "mood"),
        "notes": [notes] if notes else [], "tags": [tags] if tags else [],
        "scales": {name: 10 for name, source in incoming.sources.items() if source.numbers},
        "labels": {},
    }
