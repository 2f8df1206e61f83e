"""How every download leaves the server: an attachment with a dated name, never cached.
The patient's exports and the provider's shared downloads both answer through here."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import Response, json

from api.formats.csv import rows_to_csv

CSV_DOC = {"200": {"description": "CSV file", "content": {"text/csv": {}}}}
FHIR_JSON = "application/fhir+json"
FHIR_DOC = {"200": {"description": "FHIR R4 Bundle of type collection: a Patient, one "
                    "Observation per score (pain: LOINC 72514-3), one "
                    "MedicationAdministration per treatment session with its readings as "
                    "vital-signs Observations (blood pressure panel LOINC 85354-9, heart "
                    "rate 8867-4, SpO2 59408-5) part of it, and one MedicationStatement per "
                    "medication",
                    "content": {FHIR_JSON: {"schema": {"type": "object"}}}}}


def download(body: str, mimetype: str, filename: str) -> Response:
    """A file to save, never kept in a cache (it is health data)."""
    return Response(body, mimetype=mimetype, headers={
        "Content-Disposition": f'attachment; filename="{filename}"', "Cache-Control": "no-store",
    })


def csv_download(kind: str, columns: tuple[str, ...], rows: list[Any], today: date) -> Response:
    response = download("".join(rows_to_csv(columns, rows)), "text/csv",
                        f"relieflog-{kind}-{today.isoformat()}.csv")
    response.headers["Content-Type"] = "text/csv; charset=utf-8; header=present"
    return response


def json_text(document: dict[str, Any]) -> str:
    return json.dumps(document, ensure_ascii=False, indent=1)


def fhir_download(document: dict[str, Any], today: date) -> Response:
    return download(json_text(document), FHIR_JSON, f"relieflog-fhir-{today.isoformat()}.json")
