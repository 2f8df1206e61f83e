"""Treatment session bodies."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, fields, validate

from api.fields import AwareDateTime, Score, StrictBoolean, StrictFloat, Text
from api.treatments.vitals import (
    MAX_READINGS,
    FlagSchema,
    ReadingInSchema,
    ReadingSchema,
    flags,
)
from api.vocabulary import CONCOMITANT, PHASES, ROUTES, SIDE_EFFECTS


class TreatmentInSchema(Schema):
    started_at = AwareDateTime(required=True, metadata={
        "description": "When the session started, ISO 8601 with UTC offset."})
    route = fields.String(required=True, validate=validate.OneOf(ROUTES))
    medication = Text(load_default="ketamine", validate=validate.Length(min=1, max=64),
                      metadata={"description": "ketamine (default), esketamine, …"})
    dose_mg = StrictFloat(allow_none=True, validate=validate.Range(0, 10000, min_inclusive=False))
    dose_mg_per_kg = StrictFloat(allow_none=True,
                                 validate=validate.Range(0, 100, min_inclusive=False))
    duration_minutes = fields.Integer(strict=True, allow_none=True,
                                      validate=validate.Range(0, 24 * 60))
    with_psychotherapy = StrictBoolean(load_default=False, metadata={
        "description": "Ketamine-assisted psychotherapy (KAP)."})
    phase = fields.String(allow_none=True, load_default=None, validate=validate.OneOf(PHASES))
    clinic = Text(load_default="", validate=validate.Length(max=120))
    pain_before = Score(metadata={"description": "0 = no pain, 10 = worst pain imaginable."})
    pain_after = Score(metadata={"description": "0 = no pain, 10 = worst pain imaginable."})
    mood_before = Score(metadata={"description": "0 = worst mood, 10 = best mood."})
    mood_after = Score(metadata={"description": "0 = worst mood, 10 = best mood."})
    dissociation = Score(metadata={"description": "0 = none, 10 = complete."})
    side_effects = fields.List(fields.String(validate=validate.OneOf(SIDE_EFFECTS)),
                               load_default=list, validate=validate.Length(max=len(SIDE_EFFECTS)))
    notes = Text(load_default="", validate=validate.Length(max=2000))
    vitals = fields.List(fields.Nested(ReadingInSchema), load_default=list,
                         validate=validate.Length(max=MAX_READINGS), metadata={
                             "description": f"Up to {MAX_READINGS} blood pressure readings "
                                            "before, during and after the session."})
    observation_minutes = fields.Integer(strict=True, allow_none=True, load_default=None,
                                         validate=validate.Range(0, 720), metadata={
                                             "description": "Minutes observed after dosing, "
                                                            "0-720."})
    concomitant = fields.List(fields.String(validate=validate.OneOf(CONCOMITANT)),
                              load_default=list, validate=validate.Length(max=len(CONCOMITANT)),
                              metadata={"description": "Sedating medicines taken that day."})


class Flags(fields.List):
    """The flags of a session's readings, computed when the session is shown."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(fields.Nested(FlagSchema), dump_only=True, **kwargs)

    def get_value(self, obj: Any, attr: str, accessor: Any = None, default: Any = None
                  ) -> Any:
        return flags(obj["vitals"] if isinstance(obj, dict) else obj.vitals)


class TreatmentSchema(Schema):
    id = fields.UUID()
    started_at = fields.AwareDateTime()
    local_date = fields.Date(metadata={"description": "The patient's calendar date then."})
    route = fields.String()
    medication = fields.String()
    dose_mg = fields.Float(allow_none=True)
    dose_mg_per_kg = fields.Float(allow_none=True)
    duration_minutes = fields.Integer(allow_none=True)
    with_psychotherapy = fields.Boolean()
    phase = fields.String(allow_none=True)
    clinic = fields.String()
    pain_before = fields.Integer(allow_none=True)
    pain_after = fields.Integer(allow_none=True)
    mood_before = fields.Integer(allow_none=True)
    mood_after = fields.Integer(allow_none=True)
    dissociation = fields.Integer(allow_none=True)
    side_effects = fields.List(fields.String())
    notes = fields.String()
    vitals = fields.List(fields.Nested(ReadingSchema), metadata={
        "description": "Sorted by taken_at."})
    observation_minutes = fields.Integer(allow_none=True)
    concomitant = fields.List(fields.String())
    flags = Flags(metadata={"description": "Computed by the server from vitals (at most one "
                                          "of each code); they never block saving."})
    version = fields.Integer()
    created_at = fields.AwareDateTime()
    updated_at = fields.AwareDateTime()


class TreatmentListSchema(Schema):
    items = fields.List(fields.Nested(TreatmentSchema))
