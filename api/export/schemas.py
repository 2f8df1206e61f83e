"""What the patient can download: the list Settings shows its links from."""

from __future__ import annotations

from marshmallow import Schema, fields


class DownloadSchema(Schema):
    kind = fields.String(required=True, metadata={"description": (
        'A record kind\'s name (its CSV), or "fhir" (the FHIR R4 Bundle of every kind).')})
    href = fields.String(required=True, metadata={"description": "Where to download it (GET)."})


class DownloadListSchema(Schema):
    items = fields.List(fields.Nested(DownloadSchema), required=True, metadata={
        "description": "Each declared record kind's CSV, by name, then FHIR."})
