"""Import bodies and answers: the preview, the mapping a patient chooses, the commit."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from api.errors import PROBLEM_JSON, ProblemSchema
from api.fields import Score, StrictFloat, Text

FORMAT_NAMES = ("relieflog", "daylio", "bearable", "flaredown", "csv")
SOURCE = Text(validate=validate.Length(min=1, max=200))


class ImportQuerySchema(Schema):
    format = fields.String(validate=validate.OneOf(FORMAT_NAMES), metadata={
        "description": "Left out: detected from the file's header."})


class MappingSchema(Schema):
    """Which of the file's sources (columns, categories, Daylio's mood) feed what."""

    pain = Text(allow_none=True, validate=validate.Length(min=1, max=200))
    mood = Text(allow_none=True, validate=validate.Length(min=1, max=200))
    notes = fields.List(Text(validate=validate.Length(min=1, max=200)),
                        validate=validate.Length(max=50))
    tags = fields.List(Text(validate=validate.Length(min=1, max=200)),
                       validate=validate.Length(max=50))
    scales = fields.Dict(keys=Text(validate=validate.Length(min=1, max=200)),
                         values=StrictFloat(validate=validate.Range(1, 100)),
                         validate=validate.Length(max=500), metadata={
                             "description": "Each numeric source's top: a value v becomes "
                                            "v × 10 / top (Flaredown's 0–4: 4)."})
    labels = fields.Dict(keys=Text(validate=validate.Length(min=1, max=200)),
                         values=Score(), validate=validate.Length(max=500), metadata={
                             "description": "A 0–10 score for each label (Daylio's moods); "
                                            "null leaves the label out."})


class CommitSchema(Schema):
    mapping = fields.Nested(MappingSchema, load_default=dict)
    on_conflict = fields.String(load_default="keep", validate=validate.OneOf(("keep", "replace")))


class RemapSchema(Schema):
    mapping = fields.Nested(MappingSchema, load_default=dict)


class ConflictSchema(Schema):
    date = fields.Date()
    current = fields.Dict(metadata={"description": "pain, mood, notes, tags as logged"})
    incoming = fields.Dict(metadata={"description": "as the import would store them"})


class MergedDaySchema(Schema):
    date = fields.Date()
    rows = fields.Integer(metadata={"description": "How many rows of the file name this date."})
    incoming = fields.Dict(allow_none=True)


class SourceSchema(Schema):
    name = fields.String()
    numbers = fields.Integer()
    highest = fields.Float()
    labels = fields.List(fields.String())
    texts = fields.Integer()


class ImportPreviewSchema(Schema):
    id = fields.Integer()
    format = fields.String(metadata={"enum": list(FORMAT_NAMES)})
    encoding = fields.String()
    rows = fields.Integer()
    days = fields.Integer()
    from_ = fields.Date(data_key="from", allow_none=True, attribute="from")
    to = fields.Date(allow_none=True)
    new = fields.Integer()
    identical = fields.Integer()
    without_score = fields.Integer(metadata={
        "description": "Days the mapping gives no pain or mood: not imported."})
    conflict_count = fields.Integer()
    conflicts = fields.List(fields.Nested(ConflictSchema), metadata={
        "description": "At most 500 listed; conflict_count counts them all."})
    merged_count = fields.Integer()
    merged = fields.List(fields.Nested(MergedDaySchema))
    records = fields.Dict(keys=fields.String(), values=fields.Integer(), metadata={
        "description": "Relieflog: sessions, medications, check-ins, bladder answers."})
    mapping = fields.Nested(MappingSchema)
    unmapped = fields.Dict(metadata={"description": "labels without a score, sources "
                                                    "nothing reads"})
    sources = fields.List(fields.Nested(SourceSchema))
    warnings = fields.List(fields.String())
    expires_at = fields.AwareDateTime()


class CommitResultSchema(Schema):
    created = fields.Integer()
    replaced = fields.Integer()
    kept = fields.Integer()
    identical = fields.Integer()
    days = fields.Integer()
    nothing_new = fields.Boolean()


class BadFileSchema(ProblemSchema):
    line = fields.Integer(allow_none=True, metadata={
        "description": "The file's line at fault (as a text editor counts them), if any."})
    column = fields.String(allow_none=True, metadata={
        "description": "The column's header (or an export's item, entries[3].pain), if any."})


BAD_FILE_DOC = {
    "schema": BadFileSchema, "content_type": PROBLEM_JSON,
    "description": "The file (or the mapping) cannot be imported; nothing was stored.",
}
