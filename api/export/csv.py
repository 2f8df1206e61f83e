"""CSV that opens cleanly in a spreadsheet and cannot run formulas there."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Sequence
from datetime import date, datetime
from typing import Any

# A cell starting with one of these is read as a formula by Excel, LibreOffice and Sheets.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")

ENTRY_COLUMNS = (
    "date", "pain", "mood", "anxiety", "energy", "sleep_hours", "sleep_quality",
    "side_effects", "tags", "notes", "version", "updated_at",
)
TREATMENT_COLUMNS = (
    "id", "started_at", "local_date", "route", "medication", "dose_mg", "dose_mg_per_kg",
    "duration_minutes", "with_psychotherapy", "phase", "clinic", "pain_before", "pain_after",
    "mood_before", "mood_after", "dissociation", "side_effects", "notes", "version",
)


def cell(value: Any) -> str:
    """One CSV cell: missing is empty, 0 is "0", lists are ";"-joined, text is defused."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value) if isinstance(value, float) else str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        value = ";".join(str(item) for item in value)
    text = str(value)
    if text.startswith(FORMULA_TRIGGERS):
        # A leading apostrophe makes spreadsheets show the text as typed, not evaluate it.
        return "'" + text
    return text


def rows_to_csv(columns: Sequence[str], rows: Iterable[Any]) -> Iterator[str]:
    """Yield the CSV in chunks: a UTF-8 BOM (so Excel reads UTF-8), the header, the rows."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")  # RFC 4180 line breaks
    buffer.write("\ufeff")
    writer.writerow(columns)
    for count, row in enumerate(rows, 1):
        writer.writerow(
            cell(row[column] if isinstance(row, dict) else getattr(row, column))
            for column in columns
        )
        if count % 500 == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()
