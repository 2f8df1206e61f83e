"""CSV that opens cleanly in a spreadsheet and cannot run formulas there."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable, Iterator, Sequence
from datetime import date, datetime
from typing import Any

# A cell starting with one of these is read as a formula by Excel, LibreOffice and Sheets.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")

# Where a spreadsheet may start a new cell inside our text: at its start, after ";" (the
# list separator of German, French or Dutch Excel, which splits our rows there, and the
# one we join lists with) and after a line break, past any spaces (LibreOffice can trim
# them on import). A quote there is defused as well: it would open a quoted cell for a
# ";" reader, and what follows the closing quote would begin that cell.
_CELL_START = re.compile(
    r"(?:^|(?<=[;\r\n]))( *)(?=[" + re.escape("".join(FORMULA_TRIGGERS) + '"') + "])"
)

ENTRY_COLUMNS = (
    "date", "pain", "mood", "anxiety", "energy", "sleep_hours", "sleep_quality",
    "side_effects", "tags", "notes", "version", "updated_at",
)
TREATMENT_COLUMNS = (
    "id", "started_at", "local_date", "route", "medication", "dose_mg", "dose_mg_per_kg",
    "duration_minutes", "with_psychotherapy", "phase", "clinic", "pain_before", "pain_after",
    "mood_before", "mood_after", "dissociation", "side_effects", "notes", "version",
    # Issue 15: the first reading of each phase (all readings are in the JSON and FHIR).
    *(f"{phase}_{value}" for phase in ("before", "during", "after")
      for value in ("systolic", "diastolic", "heart_rate", "spo2", "taken_at")),
    "observation_minutes", "concomitant", "flags",
)
MEDICATION_COLUMNS = (
    "id", "name", "dose", "class", "started_on", "stopped_on", "dose_changes", "notes",
    "version",
)

QUESTIONNAIRE_COLUMNS = (
    "id", "instrument", "answered_at", "local_date", *(f"q{n}" for n in range(1, 10)),
    "difficulty", "total", "severity", "safety_flag", "version",
)


def defuse(text: str) -> str:
    """A leading apostrophe wherever a cell could start with a formula trigger, so that
    spreadsheets show the text as typed instead of evaluating it."""
    return _CELL_START.sub(r"\1'", text)


def _is_text(value: Any) -> bool:
    return not (value is None or isinstance(value, bool | int | float | date | uuid.UUID))


def cell(value: Any) -> str:
    """One CSV cell: missing is empty, 0 is "0", lists are ";"-joined, text is defused."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return repr(value + 0.0)  # no "-0.0"
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, list | tuple):
        value = ";".join(str(item) for item in value)
    return defuse(str(value))


def field(value: Any) -> str:
    """One RFC 4180 field: text in quotes (quote marks doubled) so that a reader honours
    its commas and line breaks; numbers, dates, ids and missing values bare."""
    text = cell(value)
    if text and _is_text(value):
        return '"' + text.replace('"', '""') + '"'
    return text


def rows_to_csv(columns: Sequence[str], rows: Iterable[Any]) -> Iterator[str]:
    """Yield the CSV in chunks: a UTF-8 BOM (so Excel reads UTF-8) and the header at once,
    then the rows, each ended by CRLF (RFC 4180), 500 at a time."""
    yield "\ufeff" + ",".join(columns) + "\r\n"
    lines: list[str] = []
    for row in rows:
        values = (row.get(column) if isinstance(row, dict) else getattr(row, column)
                  for column in columns)
        lines.append(",".join(field(value) for value in values) + "\r\n")
        if len(lines) >= 500:
            yield "".join(lines)
            lines.clear()
    yield "".join(lines)
