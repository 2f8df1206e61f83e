"""Bladder question bodies."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from api.vocabulary import BLADDER_SYMPTOMS


class BladderCheckInSchema(Schema):
    symptoms = fields.List(fields.String(validate=validate.OneOf(BLADDER_SYMPTOMS)),
                           required=True, validate=validate.Length(max=len(BLADDER_SYMPTOMS)),
                           metadata={"description": "What the patient noticed this week; "
                                                    "[] = none of them."})


class BladderCheckSchema(Schema):
    date = fields.Date()
    symptoms = fields.List(fields.String(metadata={"enum": list(BLADDER_SYMPTOMS)}))
    answered_at = fields.AwareDateTime(attribute="updated_at", metadata={
        "description": "When this answer was last given."})


class BladderCheckListSchema(Schema):
    items = fields.List(fields.Nested(BladderCheckSchema), metadata={
        "description": "By date."})


class BladderDueSchema(Schema):
    due = fields.Boolean(metadata={"description": (
        "At least 4 sessions with a local date in the 30 days up to today, and no answer "
        "dated in the 7 days up to today: Today asks the question.")})
    sessions_in_30_days = fields.Integer()
    last_answered_on = fields.Date(allow_none=True, metadata={
        "description": "The date of the latest answer, or null."})
