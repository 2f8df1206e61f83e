"""Bring your history: upload a file for a preview, commit it with a mapping, or drop it."""

from __future__ import annotations

from typing import Any

from flask import current_app, request
from flask.views import MethodView

from api.auth.guard import current_user, login_required
from api.db import reads, writes
from api.errors import Problem
from api.extensions import Blueprint
from api.imports import service
from api.imports.schemas import (
    BAD_FILE_DOC,
    CommitResultSchema,
    CommitSchema,
    ImportPreviewSchema,
    ImportQuerySchema,
    RemapSchema,
)
from api.limits import WRITE_LIMITED_DOC, write_limit

blp = Blueprint("imports", __name__, url_prefix="/api/v1/imports",
                description="Bring your history from Relieflog, Daylio, Bearable, Flaredown "
                            "or any CSV")

FILE_BODY = {"content": {
    "text/csv": {"schema": {"type": "string"}},
    "application/json": {"schema": {"type": "object"}},
    "application/octet-stream": {"schema": {"type": "string", "format": "binary"}},
}, "required": True, "description": "The file as it is (at most IMPORT_MAX_BYTES)."}


def takes_a_file(view: Any) -> Any:
    """Marks a view whose body is a file of any type, up to IMPORT_MAX_BYTES
    (check_api_request in api/__init__.py reads the mark)."""
    view.upload_limit = "IMPORT_MAX_BYTES"
    return view


@blp.route("", methods=["POST"])
@login_required
@write_limit
@blp.alt_response(429, **WRITE_LIMITED_DOC)
@blp.arguments(ImportQuerySchema, location="query")
@blp.doc(requestBody=FILE_BODY)
@blp.response(201, ImportPreviewSchema)
@blp.alt_response(422, **BAD_FILE_DOC)
@writes
@takes_a_file
def preview(query: dict[str, Any]) -> Any:
    """Read a file into a preview, kept an hour; nothing is imported yet"""
    body = request.get_data(cache=False)
    if not body:
        raise Problem(422, "The file is empty.", errors={"file": ["The file is empty."]})
    if len(body) > current_app.config["IMPORT_MAX_BYTES"]:  # a chunked body, read whole
        raise Problem(413, "The file is too large.")
    return service.create_preview(user=current_user(), body=body, format=query.get("format"))


@blp.route("/<id:preview_id>")
class Preview(MethodView):
    decorators = [login_required]

    @blp.arguments(RemapSchema)
    @blp.response(200, ImportPreviewSchema)
    @blp.alt_response(422, **BAD_FILE_DOC)
    @reads
    def post(self, data: dict[str, Any], preview_id: int) -> Any:
        """The preview again under another mapping"""
        user = current_user()
        return service.summary(user=user, preview=service.find_preview(
            user=user, preview_id=preview_id), mapping=data["mapping"])

    @write_limit
    @blp.alt_response(429, **WRITE_LIMITED_DOC)
    @blp.response(204)
    @writes
    def delete(self, preview_id: int) -> None:
        """Drop a preview without importing it"""
        service.drop_preview(user=current_user(), preview_id=preview_id)


@blp.route("/<id:preview_id>/commit", methods=["POST"])
@login_required
@write_limit
@blp.alt_response(429, **WRITE_LIMITED_DOC)
@blp.arguments(CommitSchema)
@blp.response(200, CommitResultSchema)
@blp.alt_response(422, **BAD_FILE_DOC)
@writes
def commit(data: dict[str, Any], preview_id: int) -> Any:
    """Import the previewed file with this mapping, in one transaction"""
    return service.commit(user=current_user(), preview_id=preview_id,
                          mapping=data["mapping"], on_conflict=data["on_conflict"])
