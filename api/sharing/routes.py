"""Sharing: the patient's links (/shares) and the provider's read-only report (/shared).

The provider never sends the link's token in a URL: the page reads it from the fragment
and POSTs it to /shared/session, which answers with a short-lived cookie scoped to
/api/v1/shared. Every /shared request re-checks the share (revoked, expired) and is
written to the patient's access log.
"""

from __future__ import annotations

import math
from datetime import datetime
from typing import Any

from flask import Response, after_this_request, current_app, request
from flask.views import MethodView

from api.auth.guard import current_user, login_required
from api.db import db, reads, writes
from api.db.records import Kind
from api.errors import PROBLEM_JSON, ProblemSchema
from api.extensions import Blueprint, limiter
from api.formats.downloads import CSV_DOC, FHIR_DOC
from api.formats.reports import report_json
from api.models import utcnow
from api.sharing import outputs, service
from api.sharing.models import Share
from api.sharing.schemas import (
    ShareCreatedSchema,
    ShareCreateSchema,
    SharedGoneSchema,
    SharedSessionInSchema,
    SharedSessionSchema,
    SharedTrendsSchema,
    ShareListSchema,
    ShareViewListSchema,
)

blp = Blueprint("shares", __name__, url_prefix="/api/v1",
                description="The patient's read-only links for a provider, and who opened them")
provider = Blueprint(
    "shared", __name__, url_prefix="/api/v1/shared",
    description="What a provider sees through a link: no account, read-only. Exchange the "
    "token from the link's fragment at POST /shared/session, then call the other endpoints "
    "with the cookie it sets. 401: the viewing session ended (exchange the token again); "
    "410: the patient revoked the link or it expired (`reason`). Every response carries "
    "Referrer-Policy: no-referrer, Cache-Control: no-store and X-Robots-Tag: noindex.",
)

PROVIDER_PATH = "/api/v1/shared"
GONE_DOC: dict[str, Any] = {
    "schema": SharedGoneSchema, "content_type": PROBLEM_JSON,
    "description": "The link was revoked or has expired; `reason` says which.",
}


def problem_doc(description: str) -> dict[str, Any]:
    return {"schema": ProblemSchema, "content_type": PROBLEM_JSON, "description": description}


NO_SESSION_DOC = problem_doc("No viewing cookie, or it ended: POST the token to "
                             "/shared/session again.")
READ_LIMITED_DOC = problem_doc("Too many reads from this address (SHARE_READ_RATE_LIMIT, all "
                               "/shared reads together); wait (Retry-After).")
NO_SHARE_DOC = problem_doc("No such share among this patient's.")


# --- The patient's side -------------------------------------------------------------------

def _share_body(share: Share, **extra: Any) -> dict[str, Any]:
    fields = ("id", "label", "created_at", "expires_at", "revoked_at", "status", "range_from",
              "range_to", "include_notes", "include_insights", "view_count", "last_viewed_at")
    return {**{name: getattr(share, name) for name in fields}, **extra}


@blp.route("/shares")
class Shares(MethodView):
    decorators = [login_required]

    @blp.response(200, ShareListSchema)
    @reads
    def get(self) -> Any:
        """Every share, newest first, with its status and how often it was viewed"""
        return {"items": service.list_shares(user=current_user())}

    @limiter.limit(lambda: current_app.config["SHARE_RATE_LIMIT"])
    @blp.arguments(ShareCreateSchema)
    @blp.response(201, ShareCreatedSchema)
    @writes
    def post(self, data: dict[str, Any]) -> Any:
        """Create a link for a provider; the token and url are shown this once"""
        share, token = service.create_share(user=current_user(), **data)
        # From PUBLIC_URL, never the request's Host: a link is only as good as its address.
        link = f"{current_app.config['PUBLIC_URL']}/share#{token}"
        return _share_body(share, token=token, url=link)


@blp.route("/shares/<share_id>", methods=["DELETE"])
@login_required
@blp.response(204)
@blp.alt_response(404, **NO_SHARE_DOC)
@writes
def revoke(share_id: str) -> None:
    """Revoke a link at once (its access log is kept; revoking again changes nothing)"""
    service.revoke_share(user=current_user(), share_id=share_id)


@blp.route("/shares/<share_id>/views")
@login_required
@blp.response(200, ShareViewListSchema)
@blp.alt_response(404, **NO_SHARE_DOC)
@reads
def views(share_id: str) -> Any:
    """The access log of a link: one line per viewing session, newest first"""
    share = service.find_share(user=current_user(), share_id=share_id)
    return {"items": service.share_views(share=share)}


# --- The provider's side ------------------------------------------------------------------

def cookie_name() -> str:
    return "__Secure-relieflog_share" if request.is_secure else "relieflog_share"


@provider.after_app_request
def provider_headers(response: Response) -> Response:
    """Also on errors and 405s, which no view of this blueprint handles."""
    if request.path == PROVIDER_PATH or request.path.startswith(PROVIDER_PATH + "/"):
        response.headers["Referrer-Policy"] = "no-referrer"
        response.headers["Cache-Control"] = "no-store"
        response.headers["X-Robots-Tag"] = "noindex, nofollow"
    return response


def _set_cookie(token: str, expires_at: datetime) -> None:
    @after_this_request
    def _cookie(response: Response) -> Response:
        response.set_cookie(
            cookie_name(), token,
            max_age=max(1, math.ceil((expires_at - utcnow()).total_seconds())),
            httponly=True, secure=request.is_secure, samesite="Strict", path=PROVIDER_PATH,
        )
        return response


def _user_agent() -> str:
    return request.headers.get("User-Agent", "")


def _view(kind: str) -> service.Viewer:
    """The share behind this request's cookie, after logging the view.

    The check and the log line are one write, so they see the same state: a revocation
    committed before this request refuses it. The data itself is then read in a read
    transaction of its own, without holding up writers.
    """
    with db.write():
        viewer = service.viewer(request.cookies.get(cookie_name()))
        service.log_view(viewer=viewer, kind=kind, user_agent=_user_agent())
    return viewer


# One limit per address for every provider read (429 past it), counted before the view's
# own transactions begin.
provider_read_limit = limiter.shared_limit(
    lambda: current_app.config["SHARE_READ_RATE_LIMIT"], scope="shared-read")


@provider.route("/session", methods=["POST"])
@limiter.limit(lambda: current_app.config["SHARE_SESSION_RATE_LIMIT"])
@provider.arguments(SharedSessionInSchema)
@provider.response(200, SharedSessionSchema)
@provider.alt_response(404, **problem_doc("No link has this token."))
@provider.alt_response(410, **GONE_DOC)
@provider.alt_response(429, **problem_doc("Too many attempts from this address; wait "
                                          "(Retry-After)."))
def open_session(data: dict[str, Any]) -> Any:
    """Exchange the link's token for a short-lived, read-only viewing cookie (and, asked
    for, the report: the provider's page opens with one round trip instead of two)"""
    minutes = current_app.config["SHARE_SESSION_MINUTES"]
    with db.write():
        viewer, token, expires_at = service.open_share(token=data["token"],
                                                       session_minutes=minutes)
        service.log_view(viewer=viewer, kind="page", user_agent=_user_agent())
        if data["report"]:
            service.log_view(viewer=viewer, kind="trends", user_agent=_user_agent())
    _set_cookie(token, expires_at)
    session = {"patient": viewer.patient, "share": viewer.share, "session_expires_at": expires_at}
    if not data["report"]:
        return session
    # Under SHARE_SESSION_RATE_LIMIT only, which is stricter than the reads' own limit.
    return report_json({**SharedSessionSchema().dump(session), "report": _report(viewer)})


def _report(viewer: service.Viewer) -> dict[str, Any]:
    """The report a viewer may read (JSON-ready), read after the view was logged."""
    with db.read(then_keep=True):  # insights, when included, are kept once it ends
        return service.shared_trends(viewer)


@provider.route("/trends")
@provider.response(200, SharedTrendsSchema)
@provider.alt_response(401, **NO_SESSION_DOC)
@provider.alt_response(410, **GONE_DOC)
@provider.alt_response(429, **READ_LIMITED_DOC)
@provider_read_limit
def trends() -> Any:
    """The report: chart, session analysis, sessions, latest scores (notes if included)"""
    # JSON-ready already, like /trends: the schema documents it.
    return report_json(_report(_view("trends")))


@provider.route("/<kind:kind>.csv")
@provider.doc(responses=CSV_DOC)
@provider.alt_response(401, **NO_SESSION_DOC)
@provider.alt_response(410, **GONE_DOC)
@provider.alt_response(429, **READ_LIMITED_DOC)
@provider_read_limit
def shared_csv(kind: Kind) -> Response:
    """One record kind of the shared dates as CSV (entries, treatments, questionnaires
    with every item, the total and its band, medications taken in the dates, ...; notes
    and tags empty unless included), in the patient's access log before it is streamed"""
    return outputs.csv_download(kind, _view(f"{kind.name}.csv"))


@provider.route("/fhir")
@provider.doc(responses=FHIR_DOC)
@provider.alt_response(401, **NO_SESSION_DOC)
@provider.alt_response(410, **GONE_DOC)
@provider.alt_response(429, **READ_LIMITED_DOC)
@provider_read_limit
def fhir() -> Response:
    """The shared data as a FHIR R4 Bundle (type collection)"""
    return outputs.fhir_download(_view("fhir"))
