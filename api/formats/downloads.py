"""How every download leaves the server: an attachment with a dated name, never cached,
written a chunk at a time as it is read. The patient's exports, the share links' and the
clinics' downloads all answer through here."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date
from typing import Any

from flask import Response, json

CSV_DOC = {"200": {"description": "CSV file", "content": {"text/csv": {}}}}
FHIR_JSON = "application/fhir+json"
FHIR_DOC = {"200": {"description": "FHIR R4 Bundle of type collection: a Patient, one "
                    "Observation per score (pain: LOINC 72514-3), one "
                    "MedicationAdministration per treatment session with its readings as "
                    "vital-signs Observations (blood pressure panel LOINC 85354-9, heart "
                    "rate 8867-4, SpO2 59408-5) part of it, and one MedicationStatement per "
                    "medication",
                    "content": {FHIR_JSON: {"schema": {"type": "object"}}}}}


def download(body: str | Iterator[str], mimetype: str, filename: str) -> Response:
    """A file to save, never kept in a cache (it is health data). An iterator body is
    streamed as it is produced (no Content-Length)."""
    return Response(body, mimetype=mimetype, headers={
        "Content-Disposition": f'attachment; filename="{filename}"', "Cache-Control": "no-store",
    })


def csv_download(kind: str, chunks: Iterator[str], today: date) -> Response:
    response = download(chunks, "text/csv", f"relieflog-{kind}-{today.isoformat()}.csv")
    response.headers["Content-Type"] = "text/csv; charset=utf-8; header=present"
    return response


def json_text(document: dict[str, Any]) -> str:
    return json.dumps(document, ensure_ascii=False, indent=1)


# Stands in for a streamed list while the rest of the document is written (a JSON string
# no real value contains: NUL characters are escaped in every JSON text).
_PLACEHOLDER = "\x00relieflog-streamed-list\x00"


def json_chunks(document: dict[str, Any], **lists: Iterable[Any]) -> Iterator[str]:
    """`json_text` of `document` with each of `lists` (top-level keys) filled in, written
    one item at a time: the same text, character for character, without ever holding a
    whole list."""
    shell = json_text({**document, **{name: [_PLACEHOLDER] for name in lists}})
    pieces = shell.split(json.dumps(_PLACEHOLDER, ensure_ascii=False))
    ordered = [lists[name] for name in {**document, **lists} if name in lists]
    text = pieces[0]
    for items, after in zip(ordered, pieces[1:], strict=True):
        # `text` ends with the list's "[", a line break and its items' indentation.
        cut = text.rfind("\n")
        indent = text[cut:]
        yield text[:cut]
        first = True
        for item in items:
            yield ("" if first else ",") + indent + json_text(item).replace("\n", indent)
            first = False
        # `after` starts with a line break, the list's own indentation and "]"; an empty
        # list is "[]".
        text = after[after.index("]"):] if first else after
    yield text


def fhir_download(chunks: Iterator[str], today: date) -> Response:
    return download(chunks, FHIR_JSON, f"relieflog-fhir-{today.isoformat()}.json")
