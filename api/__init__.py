"""Relieflog: a self-hostable pain and mood diary for people in treatment."""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask, current_app, jsonify, request
from sqlalchemy import text
from werkzeug.middleware.proxy_fix import ProxyFix

from api import web
from api.config import MIGRATIONS, Config
from api.db import db
from api.errors import Problem, ProblemApi, register_error_handlers
from api.extensions import limiter, migrate

BODY_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def create_app(config: Any = None) -> Flask:
    app = Flask(__name__, static_folder=None)
    app.config.from_object(config or Config())
    from api.json_body import strict_json_provider  # request.get_json() reads as webargs
    app.json = strict_json_provider(app)
    app.json.sort_keys = False  # type: ignore[attr-defined]
    if proxies := app.config["TRUSTED_PROXIES"]:
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies
        )

    db.init_app(app)
    migrate.init_app(app, db, directory=str(MIGRATIONS), render_as_batch=True,
                     compare_type=True)
    limiter.init_app(app)
    api = ProblemApi(app, spec_kwargs={"components": {"securitySchemes": SECURITY_SCHEMES}})
    register_converters(app, api)
    register_blueprints(api)
    register_error_handlers(app)
    app.before_request(check_api_request)
    web.init_app(app)
    register_cli(app)
    if not app.config["SMTP_HOST"] and not app.testing:
        logging.getLogger("relieflog.mail").warning(
            "SMTP_HOST is not set: email (password-reset links, notices) is written to this "
            "log instead of sent")

    @app.get("/healthz")
    def healthz() -> Any:
        try:
            with db.read():
                db.session.execute(text("SELECT 1"))
        except Exception:  # noqa: BLE001 - any database failure means unhealthy
            return jsonify(status="unavailable"), 503
        return jsonify(status="ok")

    return app


SECURITY_SCHEMES = {
    "cookieAuth": {"type": "apiKey", "in": "cookie", "name": "relieflog_session"},
    "bearerAuth": {"type": "http", "scheme": "bearer"},
}


def register_converters(app: Flask, api: ProblemApi) -> None:
    """`<id:name>`, the one converter for integer ids in paths (api/fields.py), and
    `<kind:name>`, a declared record kind's name (api/sharing/outputs.py)."""
    from api.fields import MAX_ID, IdConverter
    from api.sharing.outputs import KindConverter, kind_parameter

    app.url_map.converters["id"] = IdConverter
    api.register_converter(IdConverter, lambda _converter: {
        "type": "integer", "minimum": 1, "maximum": MAX_ID})
    app.url_map.converters["kind"] = KindConverter
    api.register_converter(KindConverter, kind_parameter)


def register_blueprints(api: ProblemApi) -> None:
    from api.auth.routes import blp as auth
    from api.bladder.routes import blp as bladder
    from api.clinics.routes import clinic
    from api.clinics.routes import connections as clinic_connections
    from api.entries.routes import blp as entries
    from api.export.routes import blp as export
    from api.imports.routes import blp as imports
    from api.insights.routes import blp as insights
    from api.medications.routes import blp as medications
    from api.questionnaires.routes import blp as questionnaires
    from api.reminders.routes import blp as reminders
    from api.sharing.routes import blp as shares
    from api.sharing.routes import provider as shared
    from api.treatments.routes import blp as treatments
    from api.trends.routes import blp as trends

    for blueprint in (auth, entries, treatments, medications, bladder, questionnaires, reminders,
                      trends, insights, export, imports, shares, shared, clinic_connections,
                      clinic):
        api.register_blueprint(blueprint)


def check_api_request() -> None:
    """Before every /api request: who is asking, and is the body JSON."""
    if not request.path.startswith("/api/") or request.routing_exception is not None:
        return  # not the API, or Flask is about to answer 404/405 anyway
    from api.auth.guard import check_role, load_current_user
    from api.json_body import body_too_large, read_unsized_body

    load_current_user()
    check_role()
    chunked = "chunked" in request.headers.get("Transfer-Encoding", "").lower()
    has_body = bool(request.content_length) or chunked
    # A view that takes a file (api/imports) takes any type, up to its own limit.
    upload_limit = getattr(current_app.view_functions.get(request.endpoint or ""),
                           "upload_limit", None)
    if upload_limit is not None:
        request.max_content_length = current_app.config[upload_limit]
    elif request.method in BODY_METHODS and has_body and not request.is_json:
        raise Problem(415, "Send the body as application/json.")
    limit = request.max_content_length
    if limit is not None and (request.content_length or 0) > limit:
        raise body_too_large(limit)
    if request.method in BODY_METHODS and chunked:
        read_unsized_body(request, limit)  # chunked or not, a body over the limit is 413
    if request.method in ("PUT", "PATCH") and not has_body:
        raise Problem(400, "A JSON body is required.", errors={"body": ["Missing."]})
    if request.method == "OPTIONS" and request.url_rule is not None:
        # Same-origin app, no CORS: OPTIONS only tells what the resource allows.
        allowed = sorted((request.url_rule.methods or set()) - {"OPTIONS", "HEAD"})
        raise Problem(405, "OPTIONS is not supported here.", headers={"Allow": ", ".join(allowed)})


def register_cli(app: Flask) -> None:
    from api.cli import register

    register(app)
