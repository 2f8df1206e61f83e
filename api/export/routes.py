"""The patient's downloads: entries, treatments and questionnaires as CSV, a FHIR R4 Bundle, and
everything as JSON. Each is read in one transaction and logged in the security log."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from flask import Response
from sqlalchemy import select

from api.audit.schemas import AuditEventSchema
from api.audit.service import recent as audit_recent
from api.audit.service import record_now
from api.auth.guard import current_user, login_required
from api.auth.schemas import TokenSchema, UserSchema
from api.auth.service import list_api_tokens
from api.bladder import service as bladder
from api.calendar import EARLIEST, local_today, resolve_range
from api.clinics import service as clinics
from api.db import db, records
from api.entries.schemas import EntrySchema
from api.entries.service import ENTRIES, list_entries
from api.extensions import Blueprint
from api.fields import RangeQuerySchema
from api.formats import fhir
from api.formats.csv import (
    ENTRY_COLUMNS,
    MEDICATION_COLUMNS,
    QUESTIONNAIRE_COLUMNS,
    TREATMENT_COLUMNS,
)
from api.formats.downloads import (
    CSV_DOC,
    FHIR_DOC,
    csv_download,
    download,
    fhir_download,
    json_text,
)
from api.medications import service as medications
from api.medications.service import csv_rows as medication_csv_rows
from api.models import utcnow
from api.questionnaires.instruments import FHIR_DESCRIPTIONS
from api.questionnaires.schemas import ResponseSchema
from api.questionnaires.service import flat_rows, list_responses
from api.reminders import service as reminders
from api.sharing.models import ShareView
from api.sharing.schemas import ShareSchema
from api.sharing.service import list_shares
from api.treatments.schemas import TreatmentSchema
from api.treatments.service import TREATMENTS, list_treatments
from api.treatments.service import csv_rows as treatment_csv_rows

blp = Blueprint("export", __name__, url_prefix="/api/v1", description="Downloads")


def export_range(query: dict[str, Any], timezone: str) -> tuple[date, date]:
    """The requested range, or everything when neither end is given."""
    if query.get("start") is None and query.get("end") is None:
        return EARLIEST, local_today(timezone) + timedelta(days=1)
    return resolve_range(query.get("start"), query.get("end"), timezone)


def own_csv(kind: str, columns: tuple[str, ...], rows_of: Callable[..., list[Any]],
            query: dict[str, Any]) -> Response:
    """One of the patient's CSV downloads, logged in their security log."""
    user = current_user()
    start, end = export_range(query, user.timezone)
    with db.read():
        rows = rows_of(user=user, start=start, end=end)
    record_now(user_id=user.id, event="exported", detail=f"{kind}.csv")
    return csv_download(kind, columns, rows, local_today(user.timezone))


@blp.route("/export/entries.csv")
@login_required
@blp.arguments(RangeQuerySchema, location="query")
@blp.doc(responses=CSV_DOC)
def entries_csv(query: dict[str, Any]) -> Response:
    """Entries as CSV (all of them unless from/to are given)"""
    return own_csv("entries", ENTRY_COLUMNS, list_entries, query)


@blp.route("/export/treatments.csv")
@login_required
@blp.arguments(RangeQuerySchema, location="query")
@blp.doc(responses=CSV_DOC)
def treatments_csv(query: dict[str, Any]) -> Response:
    """Treatment sessions as CSV (all of them unless from/to are given)"""
    return own_csv("treatments", TREATMENT_COLUMNS, treatment_csv_rows, query)


@blp.route("/export/questionnaires.csv")
@login_required
@blp.arguments(RangeQuerySchema, location="query")
@blp.doc(responses=CSV_DOC)
def questionnaires_csv(query: dict[str, Any]) -> Response:
    """Questionnaire responses as CSV: every item, the total and its band (all of them
    unless from/to are given)"""
    return own_csv("questionnaires", QUESTIONNAIRE_COLUMNS, flat_rows, query)


@blp.route("/export/medications.csv")
@login_required
@blp.arguments(RangeQuerySchema, location="query")
@blp.doc(responses=CSV_DOC)
def medications_csv(query: dict[str, Any]) -> Response:
    """The medication list as CSV (those taken at some time in from..to, if given)"""
    return own_csv("medications", MEDICATION_COLUMNS, medication_csv_rows, query)


@blp.route("/export/fhir")
@login_required
@blp.arguments(RangeQuerySchema, location="query")
@blp.doc(responses=FHIR_DOC)
def fhir_export(query: dict[str, Any]) -> Response:
    """Entries, treatment sessions and questionnaire responses as a FHIR R4 Bundle (all
    unless from/to are given)"""
    user = current_user()
    start, end = export_range(query, user.timezone)
    with db.read():
        document = fhir.bundle(
            patient_key=str(user.id), display_name=user.display_name,
            entries=list_entries(user=user, start=start, end=end),
            treatments=list_treatments(user=user, start=start, end=end),
            responses=list_responses(user=user, start=start, end=end),
            medications=medications.list_medications(user=user, start=start, end=end),
            instruments=FHIR_DESCRIPTIONS, include_notes=True, generated_at=utcnow(),
        )
    record_now(user_id=user.id, event="exported", detail="FHIR bundle")
    return fhir_download(document, local_today(user.timezone))


@blp.route("/me/export")
@login_required
@blp.doc(responses={"200": {"description": "Everything stored for this account, as JSON"}})
def export_everything() -> Response:
    """Everything stored for this account, as one JSON document"""
    user = current_user()
    with db.read():
        document = _everything(user)
    record_now(user_id=user.id, event="exported", detail="all data (JSON)")
    return download(json_text(document), "application/json",
                    f"relieflog-export-{local_today(user.timezone).isoformat()}.json")


def _everything(user: Any) -> dict[str, Any]:
    everything = (EARLIEST, local_today(user.timezone) + timedelta(days=1))
    return {
        "format": "relieflog-export/1",
        "account": UserSchema().dump(user),
        "entries": EntrySchema(many=True).dump(
            list_entries(user=user, start=everything[0], end=everything[1])
        ),
        "entry_versions": records.every_kept(ENTRIES, user.id),
        "treatments": TreatmentSchema(many=True).dump(
            list_treatments(user=user, start=everything[0], end=everything[1])
        ),
        "treatment_versions": records.every_kept(TREATMENTS, user.id),
        "questionnaire_responses": ResponseSchema(many=True).dump(
            list_responses(user=user, start=everything[0], end=everything[1])
        ),
        "medications": medications.everything(user=user),
        "bladder_checks": bladder.everything(user=user),
        "api_tokens": TokenSchema(many=True).dump(list_api_tokens(user=user)),
        "shares": ShareSchema(many=True).dump(list_shares(user=user)),
        "share_views": [
            {"share_id": str(v.share_id), "viewed_at": v.viewed_at.isoformat(),
             "kind": v.kind, "opened": v.opened_kinds,
             "last_viewed_at": v.last_viewed_at.isoformat(), "browser": v.browser}
            for v in db.session.scalars(select(ShareView).where(ShareView.user_id == user.id)
                                        .order_by(ShareView.viewed_at))
        ],
        "audit_events": AuditEventSchema(many=True).dump(
            audit_recent(user_id=user.id, limit=1_000_000)),
        **reminders.everything(user_id=user.id),
        **clinics.everything(user_id=user.id),
    }
