"""Medications: PUT by client UUID (idempotent), GET, list, delete."""

from __future__ import annotations

from typing import Any

from flask import request
from flask.views import MethodView

from api.auth.guard import current_user, login_required
from api.db import reads, writes
from api.errors import STALE_DOC
from api.extensions import Blueprint
from api.fields import parse_uuid
from api.limits import WRITE_LIMITED_DOC, write_limit
from api.medications import service
from api.medications.schemas import MedicationInSchema, MedicationListSchema, MedicationSchema
from api.versioning import answer, parse_if_match

blp = Blueprint("medications", __name__, url_prefix="/api/v1/medications",
                description="The patient's medication list; starts, stops and dose changes "
                            "are markers on trends")


@blp.route("")
@login_required
@blp.response(200, MedicationListSchema)
@reads
def medications() -> Any:
    """Every medication, by started_on then name"""
    return {"items": service.list_medications(user=current_user())}


@blp.route("/<medication_id>")
class MedicationById(MethodView):
    decorators = [login_required]

    @blp.response(200, MedicationSchema)
    @reads
    def get(self, medication_id: str) -> Any:
        """One medication"""
        row = service.find_medication(user=current_user(),
                                      medication_id=parse_uuid(medication_id))
        return answer(row)

    @write_limit
    @blp.alt_response(429, **WRITE_LIMITED_DOC)
    @blp.arguments(MedicationInSchema)
    @blp.response(200, MedicationSchema, description="Replaced (or unchanged when identical)")
    @blp.alt_response(201, schema=MedicationSchema, description="Created")
    @blp.alt_response(412, **STALE_DOC)
    @writes
    def put(self, data: dict[str, Any], medication_id: str) -> Any:
        """Create or replace a medication by its client-generated UUID (a changed dose is
        recorded in `changes`)"""
        row, created = service.save_medication(
            user=current_user(), medication_id=parse_uuid(medication_id), data=data,
            if_match=parse_if_match(request.headers.get("If-Match")))
        return answer(row, created=created)

    @write_limit
    @blp.alt_response(429, **WRITE_LIMITED_DOC)
    @blp.response(204)
    @blp.alt_response(412, **STALE_DOC)
    @writes
    def delete(self, medication_id: str) -> None:
        """Delete a medication"""
        service.delete_medication(user=current_user(), medication_id=parse_uuid(medication_id),
                                  if_match=parse_if_match(request.headers.get("If-Match")))
