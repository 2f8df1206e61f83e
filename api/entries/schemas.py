"""Entry bodies. Every scale is documented where clients read it: the OpenAPI schema."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from api.fields import Score, StrictFloat, Text, no_surrounding_spaces, not_blank
from api.vocabulary import SCORE_FIELDS, SIDE_EFFECTS


def one_decimal(value: float) -> None:
    if abs(round(value, 1) - value) > 1e-9:
        raise ValidationError("Use at most one decimal, e.g. 7.5.")


class EntryInSchema(Schema):
    pain = Score(metadata={"description": "Average pain over the last 24 hours: "
                           "0 = no pain, 10 = worst pain imaginable."})
    mood = Score(metadata={"description": "0 = worst mood, 10 = best mood."})
    anxiety = Score(metadata={"description": "0 = none, 10 = worst."})
    energy = Score(metadata={"description": "0 = none, 10 = best."})
    sleep_hours = StrictFloat(
        allow_none=True, validate=[validate.Range(0, 24), one_decimal],
        metadata={"description": "Hours slept last night, 0–24, one decimal."},
    )
    sleep_quality = Score(metadata={"description": "0 = worst, 10 = best."})
    side_effects = fields.List(
        fields.String(validate=validate.OneOf(SIDE_EFFECTS)),
        load_default=list, validate=validate.Length(max=len(SIDE_EFFECTS)),
    )
    tags = fields.List(
        Text(validate=[validate.Length(min=1, max=32), not_blank, no_surrounding_spaces]),
        load_default=list, validate=validate.Length(max=20),
        metadata={"description": "At most 20 tags of at most 32 characters."},
    )
    notes = Text(load_default="", validate=validate.Length(max=2000),
                 metadata={"description": "At most 2,000 characters."})

    @validates_schema
    def needs_a_score(self, data: dict[str, Any], **_: Any) -> None:
        if all(data.get(field) is None for field in SCORE_FIELDS):
            raise ValidationError(
                "Give at least one score (pain, mood, anxiety, energy, sleep).", "pain"
            )


class EntrySchema(Schema):
    date = fields.Date()
    pain = fields.Integer(allow_none=True)
    mood = fields.Integer(allow_none=True)
    anxiety = fields.Integer(allow_none=True)
    energy = fields.Integer(allow_none=True)
    sleep_hours = fields.Float(allow_none=True)
    sleep_quality = fields.Integer(allow_none=True)
    side_effects = fields.List(fields.String())
    tags = fields.List(fields.String())
    notes = fields.String()
    version = fields.Integer(metadata={"description": "Increases by one on every change."})
    created_at = fields.AwareDateTime()
    updated_at = fields.AwareDateTime()


class EntryListSchema(Schema):
    items = fields.List(fields.Nested(EntrySchema))


class EntryVersionSchema(EntrySchema):
    change = fields.String(metadata={"description": "replaced or deleted"})
    replaced_at = fields.AwareDateTime()


class EntryHistorySchema(Schema):
    items = fields.List(fields.Nested(EntryVersionSchema))
