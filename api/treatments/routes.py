"""Treatment sessions: PUT by client UUID (idempotent), POST, list by range, history,
delete."""

from __future__ import annotations

import uuid
from typing import Any

from flask import request
from flask.views import MethodView

from api.auth.guard import current_user, login_required
from api.calendar import MAX_RANGE_DAYS, resolve_range
from api.db import reads, writes
from api.errors import STALE_DOC
from api.extensions import Blueprint
from api.fields import RangeQuerySchema, parse_uuid
from api.limits import WRITE_LIMITED_DOC, write_limit
from api.treatments import service
from api.treatments.schemas import (
    TreatmentHistorySchema,
    TreatmentInSchema,
    TreatmentListSchema,
    TreatmentSchema,
)
from api.versioning import answer, parse_if_match

blp = Blueprint("treatments", __name__, url_prefix="/api/v1/treatments",
                description="Treatment sessions (infusions, injections, nasal, sublingual, KAP)")


@blp.route("")
class Treatments(MethodView):
    decorators = [login_required]

    @blp.arguments(RangeQuerySchema, location="query")
    @blp.response(200, TreatmentListSchema)
    @reads
    def get(self, query: dict[str, Any]) -> Any:
        """Sessions whose local date is in from..to, ordered by start time"""
        user = current_user()
        start, end = resolve_range(query.get("start"), query.get("end"), user.timezone,
                                   default_days=MAX_RANGE_DAYS)
        return {"items": service.list_treatments(user=user, start=start, end=end)}

    @write_limit
    @blp.alt_response(429, **WRITE_LIMITED_DOC)
    @blp.arguments(TreatmentInSchema)
    @blp.response(201, TreatmentSchema)
    @writes
    def post(self, data: dict[str, Any]) -> Any:
        """Record a session with a server-chosen id"""
        row, _ = service.save_treatment(user=current_user(), treatment_id=uuid.uuid4(),
                                       data=data)
        return answer(row, created=True)


@blp.route("/<treatment_id>")
class TreatmentById(MethodView):
    decorators = [login_required]

    @blp.response(200, TreatmentSchema)
    @reads
    def get(self, treatment_id: str) -> Any:
        """One session"""
        row = service.find_treatment(user=current_user(), treatment_id=parse_uuid(treatment_id))
        return answer(row)

    @write_limit
    @blp.alt_response(429, **WRITE_LIMITED_DOC)
    @blp.arguments(TreatmentInSchema)
    @blp.response(200, TreatmentSchema, description="Replaced (or unchanged when identical)")
    @blp.alt_response(201, schema=TreatmentSchema, description="Created")
    @blp.alt_response(412, **STALE_DOC)
    @writes
    def put(self, data: dict[str, Any], treatment_id: str) -> Any:
        """Create or replace a session by its client-generated UUID"""
        row, created = service.save_treatment(
            user=current_user(), treatment_id=parse_uuid(treatment_id), data=data,
            if_match=parse_if_match(request.headers.get("If-Match")))
        return answer(row, created=created)

    @write_limit
    @blp.alt_response(429, **WRITE_LIMITED_DOC)
    @blp.response(204)
    @blp.alt_response(412, **STALE_DOC)
    @writes
    def delete(self, treatment_id: str) -> None:
        """Delete a session (its content stays in history)"""
        service.delete_treatment(user=current_user(), treatment_id=parse_uuid(treatment_id),
                                 if_match=parse_if_match(request.headers.get("If-Match")))


@blp.route("/<treatment_id>/history")
@login_required
@blp.response(200, TreatmentHistorySchema)
@reads
def history(treatment_id: str) -> Any:
    """Earlier versions of a session, newest first (a deleted one's too)"""
    return {"items": service.treatment_history(user=current_user(),
                                               treatment_id=parse_uuid(treatment_id))}
