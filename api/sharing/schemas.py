"""Share bodies for the patient's Share screen and the provider's read-only report."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from api.fields import StrictBoolean, StrictDate, Text, not_blank
from api.insights.schemas import InsightsSchema
from api.medications.schemas import SharedMedicationSchema
from api.treatments.schemas import TreatmentSchema
from api.trends.schemas import DaySchema, TrendsSchema, doc
from api.vocabulary import ROUTES

STATUSES = ("active", "expired", "revoked")
INCLUDE_NOTES_DOC = (
    "Show the patient's own words: entry notes, tags and treatment notes. "
    "Default false: the provider sees scores and sessions only."
)
INCLUDE_INSIGHTS_DOC = (
    'Show "What goes with better days" (GET /insights, docs/insights.md) in the report. '
    "Default false."
)


class ShareCreateSchema(Schema):
    label = Text(required=True, validate=[validate.Length(min=1, max=80), not_blank],
                 metadata=doc('Who the link is for, e.g. "Dr. Rivera, March visit".'))
    expires_in_days = fields.Integer(strict=True, load_default=30,
                                     validate=validate.Range(1, 365), metadata=doc(
                                         "The link stops working this many days from now "
                                         "(1-365, default 30)."))
    range_from = StrictDate(data_key="from", allow_none=True, load_default=None, metadata=doc(
        "First local date the provider may see (1900-01-01 or later); null: no limit."))
    range_to = StrictDate(data_key="to", allow_none=True, load_default=None, metadata=doc(
        "Last local date the provider may see; null: no limit "
        "(new entries keep appearing until the link expires)."))
    include_notes = StrictBoolean(load_default=False, metadata=doc(INCLUDE_NOTES_DOC))
    include_insights = StrictBoolean(load_default=False, metadata=doc(INCLUDE_INSIGHTS_DOC))

    @validates_schema
    def range_in_order(self, data: dict[str, Any], **_: Any) -> None:
        start, end = data.get("range_from"), data.get("range_to")
        if start is not None and end is not None and start > end:
            raise ValidationError("Must not be after to.", "from")


class ShareSchema(Schema):
    id = fields.UUID()
    label = fields.String()
    created_at = fields.AwareDateTime()
    expires_at = fields.AwareDateTime()
    revoked_at = fields.AwareDateTime(allow_none=True)
    status = fields.String(metadata={"enum": list(STATUSES), "description":
                                     "active, expired or revoked (revoked wins)."})
    range_from = fields.Date(data_key="from", allow_none=True)
    range_to = fields.Date(data_key="to", allow_none=True)
    include_notes = fields.Boolean(metadata=doc(INCLUDE_NOTES_DOC))
    include_insights = fields.Boolean(metadata=doc(INCLUDE_INSIGHTS_DOC))
    view_count = fields.Integer(metadata=doc(
        "Viewing sessions: each time the link was opened (its token exchanged) counts once, "
        "however much that session then read; one line each in the access log."))
    last_viewed_at = fields.AwareDateTime(allow_none=True)


class ShareCreatedSchema(ShareSchema):
    token = fields.String(metadata=doc(
        "Shown once; only its SHA-256 is stored, so it cannot be shown again."))
    url = fields.String(metadata=doc(
        "The link to give the provider (also as a QR code): the token sits after #, "
        "so it never reaches a server log or a Referer header."))


class ShareListSchema(Schema):
    items = fields.List(fields.Nested(ShareSchema), metadata=doc("Newest first."))


KIND_DOC = ("page: the link was opened; trends: the report was loaded; fhir: the FHIR "
            "download; <kind>.csv: a record kind's CSV download (entries.csv, "
            "treatments.csv, ...: GET /shared/{kind}.csv).")


class ShareViewSchema(Schema):
    """One viewing session: the link opened once, and everything read until it ended."""

    viewed_at = fields.AwareDateTime(metadata=doc("When the link was opened."))
    kind = fields.String(metadata=doc("The last thing this session opened. " + KIND_DOC))
    opened = fields.List(fields.String(),
                         attribute="opened_kinds", metadata=doc(
                             "Everything this session opened, in the order first opened "
                             "(page first). " + KIND_DOC))
    last_viewed_at = fields.AwareDateTime(metadata=doc("This session's latest request."))
    browser = fields.String(metadata=doc(
        'A coarse description such as "Chrome on Windows"; no IP address is kept.'))


class ShareViewListSchema(Schema):
    items = fields.List(fields.Nested(ShareViewSchema), metadata=doc(
        "One line per viewing session, newest first."))


# --- Provider ---------------------------------------------------------------------------

class SharedSessionInSchema(Schema):
    token = fields.String(required=True, validate=validate.Length(min=1, max=256),
                          metadata=doc("The part of the link after #."))
    report = StrictBoolean(load_default=False, metadata=doc(
        "true: the answer carries the report too (`report`, as GET /shared/trends gives it, "
        "and in the access log as a view of it), one round trip instead of two."))


class SharedPatientSchema(Schema):
    display_name = fields.String(metadata=doc("The name the patient chose; may be empty."))


class SharedShareSchema(Schema):
    """The terms the provider reads under: a share link's, or a clinic connection's (label:
    the clinic's name; no expiry and no date limits, until the patient disconnects)."""

    label = fields.String()
    expires_at = fields.AwareDateTime(allow_none=True, metadata=doc(
        "Null for a clinic connection, which lasts until the patient disconnects."))
    range_from = fields.Date(data_key="from", allow_none=True)
    range_to = fields.Date(data_key="to", allow_none=True)
    include_notes = fields.Boolean()
    include_insights = fields.Boolean()


class SharedMarkerSchema(TreatmentSchema):
    """A session as the provider sees it: everything but bookkeeping; notes only when the
    share includes them."""

    class Meta:
        exclude = ("version", "created_at", "updated_at")


class LatestSchema(DaySchema):
    class Meta:
        exclude = ("pain_avg7", "mood_avg7")


class SharedNoteSchema(Schema):
    date = fields.Date()
    text = fields.String()
    tags = fields.List(fields.String())


class SharedTrendsSchema(TrendsSchema):
    treatments = fields.List(fields.Nested(SharedMarkerSchema), metadata=doc(
        "Sessions in the range, with route and dose. route is one of " + ", ".join(ROUTES)
        + "."))
    latest = fields.Nested(LatestSchema, allow_none=True, metadata=doc(
        "The most recent entry in the range, or null."))
    notes = fields.List(fields.Nested(SharedNoteSchema), metadata=doc(
        "Entry notes and tags in the range, by date; only when the share includes notes."))
    patient = fields.Nested(SharedPatientSchema)
    share = fields.Nested(SharedShareSchema)
    medication_list = fields.List(fields.Nested(SharedMedicationSchema), metadata=doc(
        "Medications taken at some time in the share's dates, with their dose changes in "
        "them; notes only when the share includes notes."))
    insights = fields.Nested(InsightsSchema, allow_none=True, metadata=doc(
        "GET /insights of the last 90 days in the report's dates; only when the patient "
        "ticked include insights (else absent), null when those dates hold no day."))


class SharedSessionSchema(Schema):
    patient = fields.Nested(SharedPatientSchema)
    share = fields.Nested(SharedShareSchema)
    session_expires_at = fields.AwareDateTime(metadata=doc(
        "The viewing cookie lasts until then; afterwards, exchange the token again."))
    report = fields.Nested(SharedTrendsSchema, metadata=doc(
        "GET /shared/trends' body; only when the request asked for it (report: true)."))


class SharedGoneSchema(Schema):
    type = fields.String()
    title = fields.String()
    status = fields.Integer()
    detail = fields.String(metadata=doc(
        '"This link was revoked by the patient." or "This link expired on YYYY-MM-DD." '
        "(the patient's local date)."))
    reason = fields.String(metadata={"enum": ["revoked", "expired"]})
    expired_at = fields.AwareDateTime(metadata=doc("When reason is expired."))
