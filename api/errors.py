"""One RFC 9457 problem+json shape for every error under /api; HTML errors elsewhere."""

from __future__ import annotations

import logging
from http import HTTPStatus
from typing import Any

import marshmallow as ma
from apispec import BasePlugin
from flask import Flask, Response, json, request
from flask_smorest import Api
from werkzeug.exceptions import HTTPException, InternalServerError

from api import domain
from api.versioning import etag_for

log = logging.getLogger(__name__)

PROBLEM_JSON = "application/problem+json"


class Problem(Exception):
    """An error a view or service raises to answer with problem+json.

    `errors` maps field names to messages; `extra` adds members to the body
    (a 412 carries the current entry this way).
    """

    def __init__(
        self,
        status: int,
        detail: str | None = None,
        *,
        errors: dict[str, list[str]] | None = None,
        headers: dict[str, str] | None = None,
        **extra: Any,
    ) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.errors = errors
        self.headers = headers or {}
        self.extra = extra


# Every refusal a service can raise, and what it is in HTTP.
DOMAIN_STATUS: dict[type[domain.DomainError], int] = {
    domain.Invalid: 422,
    domain.NotFound: 404,
    domain.AlreadyExists: 409,
    domain.WrongPassword: 403,
    domain.Forbidden: 403,
    domain.SessionEnded: 401,
    domain.LinkGone: 410,
    domain.StaleVersion: 412,
    domain.Malformed: 400,
    domain.LoginFailed: 401,
    domain.WrongCode: 422,
}


def problem_from(error: domain.DomainError) -> Problem:
    status = next(code for kind, code in DOMAIN_STATUS.items() if isinstance(error, kind))
    message = error.message if isinstance(error, domain.Invalid) else error.detail
    errors = {error.field: [message]} if error.field else None
    headers: dict[str, str] = {}
    extra = dict(error.extra)
    if isinstance(error, domain.StaleVersion):
        extra["current"] = error.current
        if error.version is not None:
            headers["ETag"] = etag_for(error.version)
    return Problem(status, error.detail, errors=errors, headers=headers, **extra)


def problem_response(
    status: int,
    detail: str | None = None,
    *,
    errors: dict[str, list[str]] | None = None,
    headers: dict[str, str] | None = None,
    **extra: Any,
) -> Response:
    title = HTTPStatus(status).phrase
    body: dict[str, Any] = {"type": "about:blank", "title": title, "status": status}
    body["detail"] = detail or title
    if errors:
        body["errors"] = errors
    body.update(extra)
    response = Response(json.dumps(body), status=status, mimetype=PROBLEM_JSON)
    response.headers.update(headers or {})
    return response


def flatten_messages(messages: Any, prefix: str = "") -> dict[str, list[str]]:
    """webargs nests errors by location and index ({"json": {"tags": {3: [...]}}});
    clients want one level keyed by field ("tags.3")."""
    flat: dict[str, list[str]] = {}
    if isinstance(messages, dict):
        for key, value in messages.items():
            if not prefix and key in ("json", "query", "path", "view_args", "headers"):
                name = ""
            elif key == "_schema":
                name = prefix or "_schema"
            else:
                name = f"{prefix}.{key}" if prefix else str(key)
            for field, msgs in flatten_messages(value, name).items():
                flat.setdefault(field, []).extend(msgs)
    elif isinstance(messages, list) and all(isinstance(m, str) for m in messages):
        flat[prefix or "_schema"] = list(messages)
    elif isinstance(messages, list):
        for item in messages:
            for field, msgs in flatten_messages(item, prefix).items():
                flat.setdefault(field, []).extend(msgs)
    else:
        flat[prefix or "_schema"] = [str(messages)]
    return flat


def _detail_from(errors: dict[str, list[str]]) -> str:
    return "; ".join(f"{field}: {' '.join(msgs)}" for field, msgs in errors.items())


def _is_api() -> bool:
    return request.path.startswith("/api/") or request.path == "/api"


def register_error_handlers(app: Flask) -> None:
    # Transactions end where they are declared (api/db): by the time an error reaches
    # these handlers its transaction has been rolled back and SQLite's lock released.
    @app.errorhandler(Problem)
    def _problem(error: Problem) -> Response:
        return problem_response(
            error.status, error.detail, errors=error.errors, headers=error.headers, **error.extra
        )

    @app.errorhandler(domain.DomainError)
    def _domain(error: domain.DomainError) -> Response:
        return _problem(problem_from(error))

    @app.errorhandler(HTTPException)
    def _http(error: HTTPException) -> Response | HTTPException:
        if not _is_api():
            return error
        data = getattr(error, "data", None) or {}
        errors = flatten_messages(data["messages"]) if "messages" in data else None
        detail = data.get("message") or (_detail_from(errors) if errors else error.description)
        if error.code == 400 and errors and "_schema" in errors:
            detail = "The request body is not valid JSON."
            errors = {"body": errors["_schema"]}
        headers = dict(data.get("headers") or {})
        if error.code == 405 and error.valid_methods:  # type: ignore[attr-defined]
            methods = set(error.valid_methods) - {"OPTIONS", "HEAD"}  # type: ignore[attr-defined]
            headers["Allow"] = ", ".join(sorted(methods))
        if error.code == 413:
            detail = f"The request body is larger than {app.config['MAX_CONTENT_LENGTH']} bytes."
        if error.code == 429:
            detail = "Too many requests. Please wait a moment and try again."
            headers.update({k: v for k, v in error.get_headers() if k == "Retry-After"})
        assert error.code is not None
        return problem_response(error.code, detail, errors=errors, headers=headers)

    @app.errorhandler(Exception)
    def _unexpected(error: Exception) -> Response | HTTPException:
        # Logged without request bodies; the engine hides SQL parameters (hide_parameters).
        log.error("unhandled error on %s %s", request.method, request.path, exc_info=error)
        if not _is_api():
            return InternalServerError()
        return problem_response(500, "Something went wrong on our side; nothing was saved.")


class ProblemSchema(ma.Schema):
    """RFC 9457 problem details, for the OpenAPI document (errors are built above)."""

    type = ma.fields.String(metadata={"description": "about:blank"})
    title = ma.fields.String()
    status = ma.fields.Integer()
    detail = ma.fields.String(metadata={"description": "What went wrong, naming the field."})
    errors = ma.fields.Dict(
        keys=ma.fields.String(), values=ma.fields.List(ma.fields.String()),
        metadata={"description": "Messages by field name (dotted for list items: tags.3)."},
    )
    current = ma.fields.Raw(
        allow_none=True,
        metadata={"description": "On 412: the version now stored, so the client can choose."},
    )


class ProblemResponses(BasePlugin):
    """An apispec plugin: the response components are flask-smorest's answer for each HTTP
    status and its DEFAULT_ERROR, which it writes as application/json with its
    ERROR_SCHEMA. Every one is an error, answered as application/problem+json."""

    def response_helper(self, response: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
        content = response.get("content") or {}
        if "application/json" in content:
            response["content"] = {PROBLEM_JSON: content["application/json"]}
        # flask-smorest describes DEFAULT_ERROR as "Default error response"; this API's
        # document has always named it for what it is.
        if response.get("description") == "Default error response":
            response["description"] = "Problem details"
        return response


class ProblemApi(Api):
    """flask-smorest's Api, documenting every error as application/problem+json through
    public hooks: its ERROR_SCHEMA, and an apispec plugin in `spec_kwargs`."""

    ERROR_SCHEMA = ProblemSchema

    def __init__(self, app: Flask, *, spec_kwargs: dict[str, Any]) -> None:
        plugins = [*spec_kwargs.get("extra_plugins", ()), ProblemResponses()]
        super().__init__(app, spec_kwargs={**spec_kwargs, "extra_plugins": plugins})


# OpenAPI for the 412 answer of a versioned write.
STALE_DOC: dict[str, Any] = {
    "schema": ProblemSchema,
    "content_type": PROBLEM_JSON,
    "description": "If-Match names an older version; `current` holds the stored one.",
}
