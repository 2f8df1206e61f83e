"""Clinics: the provider's clinic page (/clinic, provider accounts only) and the patient's
connections to clinics (/clinic-connections, patient accounts only).

Which role may call which blueprint is decided in one place, api/auth/guard.py
(`role_of`): a patient gets 403 from every /clinic endpoint, a provider 403 from every
patient endpoint.
"""

from __future__ import annotations

from typing import Any

from flask import Response, current_app, g, request
from flask.views import MethodView

from api.auth.guard import current_user, login_required
from api.clinics import service
from api.clinics.schemas import (
    AcceptSchema,
    ClinicSchema,
    ClinicViewListSchema,
    CodeSchema,
    ConnectionListSchema,
    ConnectionSchema,
    ConnectSchema,
    InvitedSchema,
    InviteSchema,
    NewCodeSchema,
    PanelQuerySchema,
    PanelSchema,
    PreviewSchema,
)
from api.db import db, reads, writes
from api.db.records import Kind
from api.errors import PROBLEM_JSON, ProblemSchema
from api.extensions import Blueprint, limiter
from api.formats.downloads import CSV_DOC, FHIR_DOC
from api.formats.reports import report_json
from api.models import utcnow
from api.sharing import outputs
from api.sharing import service as sharing
from api.sharing.schemas import SharedTrendsSchema

CLINIC_PATH = "/api/v1/clinic"

connections = Blueprint(
    "connections", __name__, url_prefix="/api/v1",
    description="The patient's connections to clinics: enter the clinic's code, check its "
    "name, connect (with or without notes), disconnect at any moment. The patient is told "
    "that the clinic does not watch in real time: it reads the diary when it looks.")
clinic = Blueprint(
    "clinic", __name__, url_prefix=CLINIC_PATH,
    description="The clinic page, for provider accounts: the panel of connected patients "
    "(flagged first), each patient's report and downloads, and the clinic's providers and "
    "code. Patients are told that the clinic does not watch in real time: a flag is seen "
    "when a provider opens the panel, not when it is raised. Every read of a patient is in "
    "that patient's access log, with the provider's name. 404 for a patient who "
    "disconnected.")


def problem_doc(description: str) -> dict[str, Any]:
    return {"schema": ProblemSchema, "content_type": PROBLEM_JSON, "description": description}


def _connection_body(connection: Any, clinic_row: Any) -> dict[str, Any]:
    return {"id": connection.id, "clinic": {"id": clinic_row.id, "name": clinic_row.name},
            "include_notes": connection.include_notes,
            "include_insights": connection.include_insights,
            "connected_at": connection.connected_at}


# --- The patient's side ---------------------------------------------------------------------

code_limit = limiter.limit(lambda: current_app.config["LOGIN_RATE_LIMIT"])
NO_CODE_DOC = problem_doc("No clinic has this code (`errors.code`).")
NO_CONNECTION_DOC = problem_doc("No such connection among this patient's.")


@connections.route("/clinic-connections/preview", methods=["POST"])
@login_required
@code_limit
@connections.arguments(CodeSchema)
@connections.response(200, PreviewSchema)
@connections.alt_response(404, **NO_CODE_DOC)
@reads
def preview(data: dict[str, Any]) -> Any:
    """The clinic a code belongs to, to show its name before connecting"""
    return {"clinic": service.find_clinic(code=data["code"])}


@connections.route("/clinic-connections")
class Connections(MethodView):
    decorators = [login_required]

    @connections.response(200, ConnectionListSchema)
    @reads
    def get(self) -> Any:
        """The clinics this patient is connected to"""
        return {"items": [_connection_body(*row)
                          for row in service.list_connections(user=current_user())]}

    @code_limit
    @connections.arguments(ConnectSchema)
    @connections.response(201, ConnectionSchema)
    @connections.alt_response(200, schema=ConnectionSchema,
                              description="Already connected: include_notes and "
                              "include_insights were updated.")
    @connections.alt_response(404, **NO_CODE_DOC)
    @writes
    def post(self, data: dict[str, Any]) -> Any:
        """Connect to a clinic with its code; its providers can then see this diary"""
        connection, clinic_row, created = service.connect(user=current_user(), **data)
        return _connection_body(connection, clinic_row), 201 if created else 200


@connections.route("/clinic-connections/<connection_id>", methods=["DELETE"])
@login_required
@connections.response(204)
@connections.alt_response(404, **NO_CONNECTION_DOC)
@writes
def disconnect(connection_id: str) -> None:
    """Disconnect: the clinic's next request for this patient is refused"""
    service.disconnect(user=current_user(), connection_id=connection_id)


@connections.route("/clinic-connections/<connection_id>/views")
@login_required
@connections.response(200, ClinicViewListSchema)
@connections.alt_response(404, **NO_CONNECTION_DOC)
@reads
def views(connection_id: str) -> Any:
    """Who at the clinic looked: one line per provider per login session, newest first
    (kept after disconnecting)"""
    return {"items": service.connection_views(user=current_user(),
                                              connection_id=connection_id)}


# --- The provider's side --------------------------------------------------------------------

@clinic.after_app_request
def clinic_headers(response: Response) -> Response:
    if request.path == CLINIC_PATH or request.path.startswith(CLINIC_PATH + "/"):
        response.headers["Cache-Control"] = "no-store"
        response.headers["Referrer-Policy"] = "no-referrer"
    return response


ADMIN_DOC = problem_doc("Only the clinic's admins can do this.")
NO_PATIENT_DOC = problem_doc("No such patient connected to this clinic (or they "
                             "disconnected).")


def _membership() -> service.Membership:
    return service.membership(provider=current_user())


@clinic.route("")
@login_required
@clinic.response(200, ClinicSchema)
@reads
def get_clinic() -> Any:
    """The clinic: its name, code and providers"""
    return service.clinic_body(_membership())


@clinic.route("/code", methods=["POST"])
@login_required
@clinic.response(200, NewCodeSchema)
@clinic.alt_response(403, **ADMIN_DOC)
@writes
def rotate_code() -> Any:
    """A new code for patients to connect with; the old one stops working at once
    (patients already connected stay connected)"""
    return {"code": service.rotate_code(membership=_membership())}


def _per_provider() -> str:
    return f"account:{current_user().id}"


# Per provider account (after login_required): an admin's invitations, and every read of a
# connected patient's data (the panel, reports and downloads, together).
invite_limit = limiter.limit(lambda: current_app.config["INVITE_RATE_LIMIT"],
                             key_func=_per_provider)
patient_read_limit = limiter.shared_limit(
    lambda: current_app.config["CLINIC_READ_RATE_LIMIT"], scope="clinic-read",
    key_func=_per_provider)
LIMITED_DOC = problem_doc("Too many requests from this provider; wait (Retry-After).")


@clinic.route("/invites", methods=["POST"])
@login_required
@invite_limit
@clinic.arguments(InviteSchema)
@clinic.response(201, InvitedSchema)
@clinic.alt_response(403, **ADMIN_DOC)
@clinic.alt_response(409, **problem_doc("The email is already one of this clinic's "
                                        "providers."))
@clinic.alt_response(429, **LIMITED_DOC)
@writes
def invite(data: dict[str, Any]) -> Any:
    """Invite a provider: a one-time link (7 days). The answer is the same whether or not
    the email has an account; an existing account is never changed and accepts by logging
    in (POST /clinic/invites/accept)"""
    url, expires_at = service.invite(membership=_membership(),
                                     public_url=current_app.config["PUBLIC_URL"], **data)
    return {"url": url, "expires_at": expires_at}


@clinic.route("/invites/accept", methods=["POST"])
@login_required
@code_limit
@clinic.arguments(AcceptSchema)
@clinic.response(200, ClinicSchema)
@clinic.alt_response(403, **problem_doc("The invitation was sent to another account."))
@clinic.alt_response(409, **problem_doc(
    "A patient account (`reason`: patient_account) or a provider of another clinic "
    "(other_clinic) cannot join: a provider needs an account of its own."))
@clinic.alt_response(410, **problem_doc("The invitation was used, replaced or expired."))
@writes
def accept_invite(data: dict[str, Any]) -> Any:
    """Accept an invitation with the account it was sent to (logged in with its own
    password); the account joins the clinic. Patients may call it: they are told why not"""
    return service.clinic_body(service.accept_invite(user=current_user(), token=data["token"]))


@clinic.route("/providers/<id:provider_id>", methods=["DELETE"])
@login_required
@clinic.response(204)
@clinic.alt_response(403, **problem_doc("Only admins can remove providers, and not "
                                        "themselves."))
@clinic.alt_response(404, **problem_doc("No such provider in this clinic."))
@writes
def remove_provider(provider_id: int) -> None:
    """Remove a provider: their sessions end at once and they cannot log in"""
    service.remove_provider(membership=_membership(), provider_id=provider_id)


@clinic.route("/patients")
@login_required
@patient_read_limit
@clinic.arguments(PanelQuerySchema, location="query")
@clinic.response(200, PanelSchema)
def patients(query: dict[str, Any]) -> Any:
    """The panel: every connected patient, flagged first, then the longest since logging"""
    with db.read(then_keep=True):  # stale patients' kept analyses are stored once it ends
        items = service.panel(membership=_membership(), q=query.get("q"))
    # Plain dicts, JSON-ready: a marshmallow pass over a thousand rows would cost more
    # than building them. PanelSchema documents the body.
    return report_json({"items": items, "generated_at": utcnow().isoformat()})


def _open(patient_id: str, kind: str) -> service.ClinicViewer:
    """The connected patient, checked again right now, with this read in their access log
    (one write, so a disconnect committed before this request refuses it)."""
    with db.write():
        return service.open_patient(provider=current_user(), patient_id=patient_id,
                                    kind=kind, login_session_id=g.get("login_session_id"))


@clinic.route("/patients/<patient_id>/trends")
@login_required
@patient_read_limit
@clinic.alt_response(429, **LIMITED_DOC)
@clinic.response(200, SharedTrendsSchema)
@clinic.alt_response(404, **NO_PATIENT_DOC)
def patient_trends(patient_id: str) -> Any:
    """The patient's report: the same body a share link's /shared/trends gives (notes
    only if the patient chose so; `share.label` is the clinic's name)"""
    viewer = _open(patient_id, "trends")
    with db.read(then_keep=True):  # insights, when included, are kept once it ends
        body = sharing.shared_trends(viewer)
    return report_json(body)


@clinic.route("/patients/<patient_id>/<kind:kind>.csv")
@login_required
@patient_read_limit
@clinic.alt_response(429, **LIMITED_DOC)
@clinic.doc(responses=CSV_DOC)
@clinic.alt_response(404, **NO_PATIENT_DOC)
def patient_csv(patient_id: str, kind: Kind) -> Response:
    """One record kind of the patient's as CSV, as a share link gives it (notes and tags
    empty unless included), in their access log before it is streamed"""
    return outputs.csv_download(kind, _open(patient_id, f"{kind.name}.csv"))


@clinic.route("/patients/<patient_id>/fhir")
@login_required
@patient_read_limit
@clinic.alt_response(429, **LIMITED_DOC)
@clinic.doc(responses=FHIR_DOC)
@clinic.alt_response(404, **NO_PATIENT_DOC)
def patient_fhir(patient_id: str) -> Response:
    """The patient's data as a FHIR R4 Bundle (type collection)"""
    return outputs.fhir_download(_open(patient_id, "fhir"))
