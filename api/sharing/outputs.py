"""What every audience reads, through one access scope: the one place where a date range
is applied, and where a download is read and written a chunk at a time.

A scope is whose data is read and how much of it: the patient themselves (`Own`), a share
link (`Viewer` in api/sharing/service.py) or a clinic connection (`ClinicViewer` in
api/clinics/service.py). It says which patient, which local dates (`bounds`), whether the
patient's free text is included, and the key FHIR resource ids are made from. Each record
kind declares once, in its own domain (api/db/records.py Kind), which of its rows lie
within a scope's dates, how a row is shown through a scope (a medication as it stood at
the range's end), its CSV columns and its FHIR resources; everything here iterates the
declared kinds and names none: `stream_csv` and `stream_fhir` are the one writer of each
format, `everything` the account export's lists, for every audience
(docs/architecture.md, "Sharing internals"; docs/adding-a-record-kind.md).
"""

from __future__ import annotations

import contextvars
from collections.abc import Callable, Generator, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, Protocol

from flask import Response, current_app
from sqlalchemy import select
from werkzeug.routing import BaseConverter, ValidationError

from api.auth.models import Account, User
from api.calendar import EARLIEST, local_today
from api.db import db, in_chunks
from api.db.records import Kind, declared, declared_named, every_kept
from api.formats import downloads, fhir
from api.formats.csv import rows_to_csv
from api.formats.downloads import json_chunks
from api.models import utcnow


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


class KindConverter(BaseConverter):
    """`<kind:kind>` in a URL: a declared record kind, by its name (any other name matches
    no route: 404). The one route per audience for every kind's CSV uses it."""

    regex = "[a-z_]+"

    def to_python(self, value: str) -> Kind:
        kind = declared_named(value)
        if kind is None:
            raise ValidationError
        return kind

    def to_url(self, value: Any) -> str:
        return value.name if isinstance(value, Kind) else str(value)


def kind_parameter(_converter: Any) -> dict[str, Any]:
    """The OpenAPI parameter of `<kind:kind>`: the declared kinds' names."""
    return {"type": "string", "enum": [kind.name for kind in declared()]}


def stored(kind: Kind, scope: Scope) -> Iterator[Any]:
    """The kind's rows within the scope's dates, as stored, read a chunk at a time (call
    inside a read)."""
    start, end = bounds(scope)
    return in_chunks(kind.within(user=scope.patient, start=start, end=end), kind.order)


def rows(kind: Kind, scope: Scope) -> Iterator[Any]:
    """The kind's rows within the scope's dates, as the scope shows them, read a chunk at a
    time (call inside a read)."""
    start, end = bounds(scope)
    for row in stored(kind, scope):
        yield kind.shown(row, start, end)


def csv_values(kind: Kind, row: Any, include_notes: bool) -> dict[str, Any]:
    """A CSV row with the same columns for every audience; the kind's free text is left
    empty unless the scope includes notes."""
    values = {column: row.get(column) if isinstance(row, dict) else getattr(row, column)
              for column in kind.columns}
    if not include_notes:
        values.update(dict.fromkeys(kind.private))
    return values


def stream_csv(kind: Kind, scope: Scope) -> Iterator[str]:
    """A kind's CSV download through a scope, written a chunk of rows at a time (call
    inside a read that stays open while it is consumed)."""
    return rows_to_csv(kind.columns, (
        csv_values(kind, kind.csv_row(row), scope.include_notes)
        for row in rows(kind, scope)))


def resources(scope: Scope, key: fhir.IdKey, subject: str) -> Iterator[dict[str, Any]]:
    """Every declared kind's FHIR resources for its rows within the scope, kind by kind."""
    for kind in declared():
        for row in rows(kind, scope):
            yield from kind.fhir(row, key=key, subject=subject,
                                 include_notes=scope.include_notes)


def stream_fhir(scope: Scope) -> Iterator[str]:
    """The FHIR R4 Bundle of what the scope may read, written a resource at a time (call
    inside a read that stays open while it is consumed)."""
    key = fhir.IdKey(scope.fhir_key())
    return json_chunks(
        fhir.bundle_shell(key=key, generated_at=utcnow()),
        entry=fhir.bundle_entries(key=key, display_name=scope.patient.display_name,
                                  resources=lambda subject: resources(scope, key, subject)))


def everything(scope: Own) -> dict[str, Iterator[Any]]:
    """Every declared kind's list in the account export (and its earlier contents' list
    when it keeps them): the rows as stored, each as the kind presents it, read in chunks."""
    lists: dict[str, Iterator[Any]] = {}
    for kind in declared():
        lists[kind.exported_as] = map(kind.present, stored(kind, scope))
        if kind.history is not None and kind.history_exported_as:
            lists[kind.history_exported_as] = every_kept(kind, scope.patient.id)
    return lists


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
