"""What every audience downloads, read through one access scope: the one place where a
date range is applied and where a download is read and written a chunk at a time.

A scope is whose data is read and how much of it: the patient themselves (`Own`), a share
link (`Viewer` in api/sharing/service.py) or a clinic connection (`ClinicViewer` in
api/clinics/service.py). It says which patient, which local dates (`bounds`), whether the
patient's free text is included, and the key FHIR resource ids are made from. Each record
kind declares here, once, which of its rows lie within a scope's dates (its `within`
query, in its own service), how a row is shown through a scope (a medication as it stood
at the range's end) and its CSV columns; `stream_csv` and `stream_fhir` are the one
writer of each format, for every audience (docs/architecture.md, "Sharing internals").
"""

from __future__ import annotations

import contextvars
from collections.abc import Callable, Generator, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, Protocol

from flask import Response, current_app
from sqlalchemy import Select, select

from api.auth.models import Account, User
from api.bladder.service import CHECK_ORDER, checks_within
from api.calendar import EARLIEST, local_today
from api.db import db, in_chunks
from api.entries.service import ENTRY_ORDER, entries_within
from api.formats import downloads, fhir
from api.formats.csv import (
    ENTRY_COLUMNS,
    MEDICATION_COLUMNS,
    QUESTIONNAIRE_COLUMNS,
    TREATMENT_COLUMNS,
    rows_to_csv,
)
from api.formats.downloads import json_chunks
from api.medications.models import Medication
from api.medications.service import MEDICATION_ORDER, as_of, medications_within
from api.medications.service import csv_row as medication_csv_row
from api.models import utcnow
from api.questionnaires.instruments import FHIR_DESCRIPTIONS
from api.questionnaires.service import RESPONSE_ORDER, flat_row, responses_within
from api.treatments.service import TREATMENT_ORDER, treatments_within
from api.treatments.service import csv_row as treatment_csv_row


class Scope(Protocol):
    """Whose data one request reads and how much of it: which patient, which of their
    local dates (None: no limit on that side), whether their free text is included, and
    the key the FHIR resource ids of this scope are derived from."""

    @property
    def patient(self) -> Account: ...
    @property
    def range_from(self) -> date | None: ...
    @property
    def range_to(self) -> date | None: ...
    @property
    def include_notes(self) -> bool: ...
    def fhir_key(self) -> str: ...


@dataclass(frozen=True)
class Own:
    """The patient reading their own data (their exports): every date unless they chose a
    range, their own notes included."""

    patient: Account
    range_from: date | None = None
    range_to: date | None = None
    include_notes: bool = True

    def fhir_key(self) -> str:
        return db.session.scalar(select(User.fhir_key).where(User.id == self.patient.id)) or ""


def bounds(scope: Scope) -> tuple[date, date]:
    """First and last local date a scope may read: its range, else everything up to
    tomorrow (the latest day a patient can log). The one date-range rule of every output."""
    return (scope.range_from or EARLIEST,
            scope.range_to or local_today(scope.patient.timezone) + timedelta(days=1))


# The patient's own free text. Tags are typed freely too, so they go with the notes.
PRIVATE_TEXT = ("notes", "tags")


def _as_stored(row: Any, start: date, end: date) -> Any:
    return row


def _medication_then(row: Medication, start: date, end: date) -> Any:
    return as_of(row, start=start, end=end)


def _columns_of(row: Any) -> Any:
    return row


@dataclass(frozen=True)
class Kind:
    """A record kind as every output reads it."""

    name: str
    # The patient's rows dated within start..end (keyword-only user, start, end).
    within: Callable[..., Select[Any]]
    # Columns that order the rows and are unique per patient (read in chunks by them).
    order: tuple[Any, ...]
    # A row as a scope with dates start..end shows it.
    shown: Callable[[Any, date, date], Any]
    columns: tuple[str, ...] = ()
    # A shown row as a CSV row (attributes or a dict with the columns).
    csv_row: Callable[[Any], Any] = _columns_of


ENTRIES = Kind("entries", entries_within, ENTRY_ORDER, _as_stored, ENTRY_COLUMNS)
TREATMENTS = Kind("treatments", treatments_within, TREATMENT_ORDER, _as_stored,
                  TREATMENT_COLUMNS, treatment_csv_row)
QUESTIONNAIRES = Kind("questionnaires", responses_within, RESPONSE_ORDER, _as_stored,
                      QUESTIONNAIRE_COLUMNS, flat_row)
MEDICATIONS = Kind("medications", medications_within, MEDICATION_ORDER, _medication_then,
                   MEDICATION_COLUMNS, medication_csv_row)
BLADDER = Kind("bladder", checks_within, CHECK_ORDER, _as_stored)

# The CSV downloads, by name, for every audience.
CSV_KINDS = {kind.name: kind for kind in (ENTRIES, TREATMENTS, QUESTIONNAIRES, MEDICATIONS)}


def rows(kind: Kind, scope: Scope) -> Iterator[Any]:
    """The kind's rows within the scope's dates, as the scope shows them, read a chunk at a
    time (call inside a read)."""
    start, end = bounds(scope)
    for row in in_chunks(kind.within(user=scope.patient, start=start, end=end), kind.order):
        yield kind.shown(row, start, end)


def listed(kind: Kind, scope: Scope) -> list[Any]:
    """rows() as a list, for the report (whose analysis needs them all at once)."""
    return list(rows(kind, scope))


def csv_values(row: Any, columns: tuple[str, ...], include_notes: bool) -> dict[str, Any]:
    """A CSV row with the same columns for every audience; free text is left empty unless
    the scope includes notes."""
    values = {column: row.get(column) if isinstance(row, dict) else getattr(row, column)
              for column in columns}
    if not include_notes:
        for column in PRIVATE_TEXT:
            if column in values:
                values[column] = None
    return values


def stream_csv(kind: Kind, scope: Scope) -> Iterator[str]:
    """A kind's CSV download through a scope, written a chunk of rows at a time (call
    inside a read that stays open while it is consumed)."""
    return rows_to_csv(kind.columns, (
        csv_values(kind.csv_row(row), kind.columns, scope.include_notes)
        for row in rows(kind, scope)))


def stream_fhir(scope: Scope) -> Iterator[str]:
    """The FHIR R4 Bundle of what the scope may read, written a resource at a time (call
    inside a read that stays open while it is consumed)."""
    key = fhir.IdKey(scope.fhir_key())
    generated_at = utcnow()
    return json_chunks(
        fhir.bundle_shell(key=key, generated_at=generated_at),
        entry=fhir.bundle_entries(
            key=key, display_name=scope.patient.display_name,
            entries=rows(ENTRIES, scope), treatments=rows(TREATMENTS, scope),
            responses=rows(QUESTIONNAIRES, scope), medications=rows(MEDICATIONS, scope),
            instruments=FHIR_DESCRIPTIONS, include_notes=scope.include_notes))



def reading(write: Callable[[], Iterator[str]]) -> Iterator[str]:
    """A download's chunks, produced inside one read transaction that stays open while
    they are sent: one snapshot for every chunk, on SQLite (no write lock is taken) as on
    PostgreSQL. Finished, or ended early (the client went away and the server closes the
    response), the transaction ends with it.

    The chunks are produced after the view has returned, in an application context of
    their own (with its own database session), pushed in a context of its own
    (contextvars), so that between two chunks nothing of it is current for whatever else
    the thread serves; a response that is never read opens nothing."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]

    def chunks() -> Generator[str, None, None]:
        with app.app_context(), db.read(snapshot=True):
            yield from write()

    def each_in_its_own_context() -> Iterator[str]:
        context = contextvars.Context()
        produced = chunks()
        try:
            while True:
                try:
                    chunk = context.run(next, produced)
                except StopIteration:
                    return
                yield chunk
        finally:
            context.run(produced.close)

    return each_in_its_own_context()


def csv_download(kind: Kind, scope: Scope) -> Response:
    """The kind's CSV download through the scope, streamed (after any access-log write)."""
    return downloads.csv_download(kind.name, reading(lambda: stream_csv(kind, scope)),
                                  local_today(scope.patient.timezone))


def fhir_download(scope: Scope) -> Response:
    """The FHIR Bundle through the scope, streamed (after any access-log write)."""
    return downloads.fhir_download(reading(lambda: stream_fhir(scope)),
                                   local_today(scope.patient.timezone))
