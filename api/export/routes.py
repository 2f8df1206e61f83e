"""The patient's downloads: each record kind as CSV (one route for every kind), a FHIR R4
Bundle, and everything as JSON. Each is logged in the security log, then streamed
from one read transaction through the patient's own scope (api/sharing/outputs.py), by
the same writers as a share link's and a clinic's downloads."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from flask import Response, url_for
from sqlalchemy import select

from api.audit.schemas import AuditEventSchema
from api.audit.service import recent as audit_recent
from api.audit.service import record_now
from api.auth.guard import current_user, login_required
from api.auth.schemas import TokenSchema, UserSchema
from api.auth.service import list_api_tokens
from api.calendar import local_today, resolve_range
from api.clinics import service as clinics
from api.db import db
from api.db.records import Kind, declared
from api.export.schemas import DownloadListSchema
from api.extensions import Blueprint
from api.fields import RangeQuerySchema
from api.formats.downloads import CSV_DOC, FHIR_DOC, download, json_chunks
from api.reminders import service as reminders
from api.sharing import outputs
from api.sharing.models import ShareView
from api.sharing.outputs import Own
from api.sharing.schemas import ShareSchema
from api.sharing.service import list_shares

blp = Blueprint("export", __name__, url_prefix="/api/v1", description="Downloads")


def own_scope(query: dict[str, Any]) -> Own:
    """The patient's own data in the requested range, or all of it when neither end is
    given."""
    user = current_user()
    if query.get("start") is None and query.get("end") is None:
        return Own(user)
    start, end = resolve_range(query.get("start"), query.get("end"), user.timezone)
    return Own(user, range_from=start, range_to=end)


@blp.route("/export")
@login_required
@blp.response(200, DownloadListSchema)
def downloads() -> dict[str, Any]:
    """The patient's downloads: each declared record kind's CSV, then the FHIR Bundle (the
    app's Settings shows a link for each, so a kind declared later appears there too)"""
    items = [{"kind": kind.name, "href": url_for("export.csv_export", kind=kind)}
             for kind in declared()]
    return {"items": [*items, {"kind": "fhir", "href": url_for("export.fhir_export")}]}


@blp.route("/export/<kind:kind>.csv")
@login_required
@blp.arguments(RangeQuerySchema, location="query")
@blp.doc(responses=CSV_DOC)
def csv_export(query: dict[str, Any], kind: Kind) -> Response:
    """One record kind as CSV (entries, treatments, questionnaires, medications, ...): all
    of it unless from/to are given; medications are those taken at some time in from..to,
    as they stood at its end. Logged in the security log, then streamed by the writer
    every audience's downloads share (api/sharing/outputs.py)"""
    scope = own_scope(query)
    record_now(user_id=scope.patient.id, event="exported", detail=f"{kind.name}.csv")
    return outputs.csv_download(kind, scope)


@blp.route("/export/fhir")
@login_required
@blp.arguments(RangeQuerySchema, location="query")
@blp.doc(responses=FHIR_DOC)
def fhir_export(query: dict[str, Any]) -> Response:
    """Entries, treatment sessions and questionnaire responses as a FHIR R4 Bundle (all
    unless from/to are given)"""
    scope = own_scope(query)
    record_now(user_id=scope.patient.id, event="exported", detail="FHIR bundle")
    return outputs.fhir_download(scope)


@blp.route("/me/export")
@login_required
@blp.doc(responses={"200": {"description": "Everything stored for this account, as JSON"}})
def export_everything() -> Response:
    """Everything stored for this account, as one JSON document"""
    scope = Own(current_user())
    record_now(user_id=scope.patient.id, event="exported", detail="all data (JSON)")
    return download(outputs.reading(lambda: _everything(scope)), "application/json",
                    f"relieflog-export-{local_today(scope.patient.timezone).isoformat()}.json")


def _everything(scope: Own) -> Iterator[str]:
    """The account export, written a list item at a time: the long lists (every record
    kind's, their earlier versions, the security log) are read in chunks."""
    user = scope.patient
    lists = outputs.everything(scope)
    document: dict[str, Any] = {
        "format": "relieflog-export/1",
        "account": UserSchema().dump(user),
        **{name: [] for name in lists},
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
    return json_chunks(document, **lists)
