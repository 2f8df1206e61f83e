"""Medication bodies, and the markers and lists the trends and report show."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from api.fields import StrictDate, Text, not_blank
from api.vocabulary import MEDICATION_CLASSES

MARKER_KINDS = ("started", "changed", "stopped")


class MedicationInSchema(Schema):
    name = Text(required=True, validate=[validate.Length(min=1, max=120), not_blank])
    dose = Text(load_default="", validate=validate.Length(max=60), metadata={
        "description": 'Free text, e.g. "20 mg at night"; at most 60 characters.'})
    drug_class = fields.String(data_key="class", required=True,
                               validate=validate.OneOf(MEDICATION_CLASSES))
    started_on = StrictDate(required=True, metadata={
        "description": "YYYY-MM-DD, not after tomorrow (the patient's time zone)."})
    stopped_on = StrictDate(allow_none=True, load_default=None, metadata={
        "description": "YYYY-MM-DD, not before started_on; null while taken."})
    notes = Text(load_default="", validate=validate.Length(max=2000))
    dose_changed_on = StrictDate(load_default=None, metadata={
        "description": "When a PUT changes dose: the day it changed (not after tomorrow, "
                       "not before started_on); default the patient's today. Not stored "
                       "otherwise."})

    @validates_schema
    def stopped_after_started(self, data: dict[str, Any], **_: Any) -> None:
        started, stopped = data.get("started_on"), data.get("stopped_on")
        if started is not None and stopped is not None and stopped < started:
            raise ValidationError("Must not be before started_on.", "stopped_on")


class DoseChangeSchema(Schema):
    date = fields.String(metadata={"format": "date"})
    dose = fields.String(metadata={"description": "The dose from that day on."})


class MedicationSchema(Schema):
    id = fields.UUID()
    name = fields.String()
    dose = fields.String()
    drug_class = fields.String(data_key="class", metadata={"enum": list(MEDICATION_CLASSES)})
    started_on = fields.Date()
    stopped_on = fields.Date(allow_none=True)
    notes = fields.String()
    changes = fields.List(fields.Nested(DoseChangeSchema), metadata={
        "description": "Every change of dose the server recorded, oldest first."})
    initial_dose = fields.String(metadata={
        "description": "The dose when first saved (before the first change)."})
    version = fields.Integer()
    created_at = fields.AwareDateTime()
    updated_at = fields.AwareDateTime()


class MedicationListSchema(Schema):
    items = fields.List(fields.Nested(MedicationSchema), metadata={
        "description": "Ordered by started_on, then name."})


class MedicationMarkerSchema(Schema):
    date = fields.Date()
    kind = fields.String(metadata={"enum": list(MARKER_KINDS)})
    medication_id = fields.UUID()
    name = fields.String()
    dose = fields.String(metadata={"description": "The dose from that day (stopped: the "
                                                  "last dose)."})
    drug_class = fields.String(data_key="class")


class SharedMedicationSchema(MedicationSchema):
    """A medication on the provider's report: notes only when the share includes them."""

    class Meta:
        exclude = ("version", "created_at", "updated_at", "initial_dose")
