"""The security log as clients read it."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from api.audit.models import EVENTS
from api.fields import MAX_ID, QueryInteger


class AuditQuerySchema(Schema):
    limit = QueryInteger(load_default=100, validate=validate.Range(1, 500),
                           metadata={"description": "Events per page (1-500, default 100)."})
    before = QueryInteger(validate=validate.Range(1, MAX_ID), metadata={"description":
                            "Only events older than this one (an `id`): pass `next_before` "
                            "from the previous page to get the next one."})
    event = fields.List(fields.String(validate=validate.OneOf(EVENTS)), metadata={
        "description": "Only these kinds of event; repeat it for several "
                       "(event=login_succeeded&event=login_failed)."})


class AuditEventSchema(Schema):
    id = fields.Integer(metadata={"description": "For paging (`before`)."})
    event = fields.String(metadata={"enum": list(EVENTS), "description":
                                    "share_viewed is one line per viewing session (each "
                                    "time a provider opened the link); clinic_viewed one per "
                                    "clinic provider and login session (their first read), "
                                    "naming the clinic, the provider and what was opened."})
    detail = fields.String(metadata={"description": "A browser, a label or a file name."})
    created_at = fields.AwareDateTime()


class AuditListSchema(Schema):
    items = fields.List(fields.Nested(AuditEventSchema), metadata={"description":
                                                                   "Newest first."})
    next_before = fields.Integer(allow_none=True, metadata={"description":
                                 "There is more: repeat the request with before=this for the "
                                 "next (older) page. Null on the last page."})
