"""GET /me/audit: the patient reads their own security log."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, fields, validate

from api.audit import service
from api.auth.guard import current_user, login_required
from api.extensions import Blueprint

blp = Blueprint("audit", __name__, url_prefix="/api/v1", description="Security log")


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


@blp.route("/me/audit")
@login_required
@blp.arguments(AuditQuerySchema, location="query")
@blp.response(200, AuditListSchema)
def audit(query: dict[str, Any]) -> Any:
    """Security events of this account, newest first"""
    return {"items": service.recent(user_id=current_user().id, limit=query["limit"])}
