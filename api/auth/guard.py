"""Who is asking: the session cookie or a bearer token, checked before every API request."""

from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import timedelta
from typing import Any, TypeVar, cast
from urllib.parse import urlsplit

from flask import Response, current_app, g, request

from api.auth import service
from api.auth.models import SignedIn
from api.db import db
from api.errors import Problem

F = TypeVar("F", bound=Callable[..., Any])

UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def cookie_name() -> str:
    # The __Host- prefix (HTTPS only) pins the cookie to this host and path /.
    return "__Host-relieflog_session" if request.is_secure else "relieflog_session"


def policy() -> service.SessionPolicy:
    return service.SessionPolicy(
        idle=timedelta(days=current_app.config["SESSION_IDLE_DAYS"]),
        absolute=timedelta(days=current_app.config["SESSION_MAX_DAYS"]),
    )


def _same_origin(origin: str) -> bool:
    expected = urlsplit(request.host_url)
    got = urlsplit(origin)
    return (got.scheme, got.netloc) == (expected.scheme, expected.netloc)


def check_origin() -> None:
    """Refuse cookie-carrying writes from other sites (CSRF).

    Bodies must be JSON, which a cross-site form cannot send, and browsers send
    Origin and Sec-Fetch-Site on every unsafe fetch: either naming another site is 403.
    """
    if request.method not in UNSAFE_METHODS or not request.cookies:
        return
    origin = request.headers.get("Origin")
    if origin is not None and (origin == "null" or not _same_origin(origin)):
        raise Problem(403, "Cross-site request refused.")
    if request.headers.get("Sec-Fetch-Site") == "cross-site":
        raise Problem(403, "Cross-site request refused.")


def load_current_user() -> None:
    """Set g.user from a bearer token or the session cookie (None when neither is valid).

    The lookup is a short read on a connection of its own (db.peek()); the view then
    declares its own transaction. A due last-used time (once per TOUCH_EVERY) is saved
    in a short write of its own.
    """
    g.user = None
    g.login_session_id = None
    header = request.headers.get("Authorization", "")
    if header[:7].lower() == "bearer ":
        with db.peek() as connection:
            credential = service.resolve_api_token(connection, header[7:].strip())
        if credential is None:
            raise Problem(
                401, "The bearer token is invalid or was revoked.",
                headers={"WWW-Authenticate": 'Bearer realm="relieflog"'},
            )
        g.auth_method = "token"
    else:
        check_origin()
        raw = request.cookies.get(cookie_name())
        if not raw:
            return
        with db.peek() as connection:
            credential = service.resolve_session(connection, raw, policy())
        if credential is None:
            return
        g.auth_method = "cookie"
        g.login_session_id = credential.session_id
    g.user = credential.account
    if credential.touch is not None:
        with db.write():
            db.session.execute(credential.touch)


# Who may call what, by endpoint: the clinic blueprint is the providers'; the read-only
# share report and these account endpoints are anybody's; every other endpoint (including
# any added later) is the patients'. Checked on every API request, after who is asking.
PROVIDER_BLUEPRINTS = frozenset({"clinic"})
EITHER_ROLE_BLUEPRINTS = frozenset({"shared", "api-docs"})
EITHER_ROLE_ENDPOINTS = frozenset({
    "auth.register", "auth.login", "auth.logout", "auth.Me", "auth.change_password",
    "auth.reset_password", "auth.audit_log", "auth.login_mfa", "auth.forgot_password",
    "auth.Totp", "auth.confirm_totp", "auth.login_mfa_options", "auth.passkey_options",
    "auth.Passkeys", "auth.remove_passkey",
    "questionnaires.definitions",  # the instruments' wording, which reports show too
    "clinic.accept_invite",  # a patient who opens an invitation is told why it cannot be
})


def role_of(endpoint: str) -> str | None:
    """The role an endpoint is for: "patient", "provider", or None for either."""
    blueprint = endpoint.partition(".")[0]
    if blueprint in EITHER_ROLE_BLUEPRINTS or endpoint in EITHER_ROLE_ENDPOINTS:
        return None
    if blueprint in PROVIDER_BLUEPRINTS:
        return "provider"
    return "patient"


MFA_ENROLLMENT_REQUIRED = ("Turn on two-step login before opening the clinic: patients' "
                           "data needs more than a password.")


def check_role() -> None:
    """403 when the signed-in account's role may not call this endpoint, and for a provider
    without two-step login on every clinic endpoint (PROVIDER_MFA_REQUIRED)."""
    user = g.get("user")
    if user is None or request.endpoint is None:
        return  # nobody signed in: the view's login_required answers 401 where needed
    role = role_of(request.endpoint)
    if role is not None and user.role != role:
        raise Problem(403, "A clinic's provider account cannot do this; log in as a patient."
                      if user.role == "provider" else
                      "Only a clinic's provider accounts can do this.")
    if role == "provider" and not user.mfa_enabled \
            and current_app.config["PROVIDER_MFA_REQUIRED"]:
        raise Problem(403, MFA_ENROLLMENT_REQUIRED, code="mfa_enrollment_required")


def login_required(view: F) -> F:
    @functools.wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        if g.get("user") is None:
            raise Problem(401, "Please log in.")
        return view(*args, **kwargs)

    return cast(F, wrapped)


def current_user() -> SignedIn:
    user = g.get("user")
    if user is None:  # login_required runs first; this guards misuse
        raise Problem(401, "Please log in.")
    return cast(SignedIn, user)


def set_session_cookie(response: Response, token: str) -> None:
    response.set_cookie(
        cookie_name(),
        token,
        max_age=current_app.config["SESSION_MAX_DAYS"] * 86400,
        httponly=True,
        secure=request.is_secure,
        samesite="Lax",
        path="/",
    )


def clear_session_cookie(response: Response) -> None:
    response.delete_cookie(
        cookie_name(), path="/", httponly=True, secure=request.is_secure, samesite="Lax"
    )
