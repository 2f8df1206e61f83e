"""Questionnaires: their definitions (public), what is due, and the patient's responses
(PUT by client UUID, idempotent like treatment sessions)."""

from __future__ import annotations

from typing import Any

from flask import current_app, request
from flask.blueprints import BlueprintSetupState
from flask.views import MethodView

from api.auth.guard import current_user, login_required
from api.calendar import MAX_RANGE_DAYS, resolve_range
from api.db import reads, writes
from api.errors import STALE_DOC
from api.extensions import Blueprint
from api.fields import parse_uuid
from api.limits import WRITE_LIMITED_DOC, write_limit
from api.questionnaires import crisis, service
from api.questionnaires.instruments import INSTRUMENTS, LANGUAGES, definition
from api.questionnaires.schemas import (
    DefinitionsQuerySchema,
    DefinitionsSchema,
    DueListSchema,
    ResponseInSchema,
    ResponseListSchema,
    ResponseQuerySchema,
    ResponseSchema,
)
from api.versioning import answer, parse_if_match

blp = Blueprint("questionnaires", __name__, url_prefix="/api/v1",
                description="PHQ-9, GAD-7 and PEG check-ins, scored by the server")

CRISIS = "relieflog.crisis_resources"


@blp.record_once
def _read_crisis_resources(state: BlueprintSetupState) -> None:
    """CRISIS_RESOURCES is checked when the app starts: a mistake stops it there."""
    state.app.extensions[CRISIS] = crisis.parse(state.app.config["CRISIS_RESOURCES"])


def language(tag: str) -> str:
    """"es", "es-MX" and "ES" are Spanish; a language without wording is English."""
    primary = tag.split("-")[0].lower()
    return primary if primary in LANGUAGES else "en"


@blp.route("/questionnaires")
@blp.arguments(DefinitionsQuerySchema, location="query")
@blp.response(200, DefinitionsSchema)
def definitions(query: dict[str, Any]) -> Any:
    """The instruments' wording, answers, scoring bands, and the crisis resources (public:
    the published instruments hold no one's data)"""
    lang = language(query["lang"])
    return {
        "lang": lang,
        "items": [definition(instrument, lang) for instrument in INSTRUMENTS.values()],
        "crisis": {"resources": crisis.for_language(current_app.extensions[CRISIS], lang)},
    }


@blp.route("/questionnaires/due")
@login_required
@blp.response(200, DueListSchema)
@reads
def due() -> Any:
    """The patient's enabled check-ins that are due: PHQ-9 and GAD-7 none in 14 days, PEG
    none in 7"""
    return {"items": service.due(user=current_user())}


@blp.route("/responses")
class Responses(MethodView):
    decorators = [login_required]

    @blp.arguments(ResponseQuerySchema, location="query")
    @blp.response(200, ResponseListSchema)
    @reads
    def get(self, query: dict[str, Any]) -> Any:
        """Responses whose local date is in from..to, by when they were answered"""
        user = current_user()
        start, end = resolve_range(query.get("start"), query.get("end"), user.timezone,
                                   default_days=MAX_RANGE_DAYS)
        return {"items": service.list_responses(user=user, start=start, end=end,
                                                instrument=query.get("instrument"))}


@blp.route("/responses/<response_id>")
class ResponseById(MethodView):
    decorators = [login_required]

    @blp.response(200, ResponseSchema)
    @reads
    def get(self, response_id: str) -> Any:
        """One response"""
        row = service.find_response(user=current_user(), response_id=parse_uuid(response_id))
        return answer(row)

    @write_limit
    @blp.alt_response(429, **WRITE_LIMITED_DOC)
    @blp.arguments(ResponseInSchema)
    @blp.response(200, ResponseSchema, description="Replaced (or unchanged when identical)")
    @blp.alt_response(201, schema=ResponseSchema, description="Created")
    @blp.alt_response(412, **STALE_DOC)
    @writes
    def put(self, data: dict[str, Any], response_id: str) -> Any:
        """Save a response by its client-generated UUID; the server scores it"""
        row, created = service.save_response(
            user=current_user(), response_id=parse_uuid(response_id), data=data,
            if_match=parse_if_match(request.headers.get("If-Match")))
        return answer(row, created=created)

    @write_limit
    @blp.alt_response(429, **WRITE_LIMITED_DOC)
    @blp.response(204)
    @blp.alt_response(412, **STALE_DOC)
    @writes
    def delete(self, response_id: str) -> None:
        """Delete a response"""
        service.delete_response(user=current_user(), response_id=parse_uuid(response_id),
                                if_match=parse_if_match(request.headers.get("If-Match")))
