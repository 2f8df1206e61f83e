"""The security log as clients read it."""

from __future__ import annotations

from marshmallow import Schema, fields, validate


class AuditQuerySchema(Schema):
    limit = fields.Integer(load_default=100, validate=validate.Range(1, 500))


class AuditEventSchema(Schema):
    event = fields.String(metadata={"description": "login_succeeded, login_failed, logged_out, "
                                    "password_changed, password_reset, token_created, "
                                    "token_revoked, share_created, share_revoked, "
                                    "share_viewed or exported."})
    detail = fields.String(metadata={"description": "A browser, a label or a file name."})
    created_at = fields.AwareDateTime()


class AuditListSchema(Schema):
    items = fields.List(fields.Nested(AuditEventSchema))
