"""Who is asking: the session cookie or a bearer token, checked before every API request."""

from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import timedelta
from typing import Any, TypeVar, cast
from urllib.parse import urlsplit

from flask import Response, current_app, g, request

from api.auth import service
from api.auth.models import User
from api.errors import Problem
from api.extensions import begin_write, db, read_transaction
from api.models import utcnow

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

    The lookup runs in its own read transaction, ended before the view starts: on SQLite
    a write request then holds the write lock only for its own work, not for this.
    """
    g.user = None
    g.login_session = None
    with read_transaction():
        touch = _identify()
    if touch is not None:
        row, attribute = touch
        if request.method in UNSAFE_METHODS:
            setattr(row, attribute, utcnow())  # saved with the request's own commit
        else:
            begin_write()
            setattr(row, attribute, utcnow())
            db.session.commit()


def _identify() -> tuple[Any, str] | None:
    """Resolve the caller; returns a (row, attribute) whose last-used time is stale."""
    header = request.headers.get("Authorization", "")
    if header[:7].lower() == "bearer ":
        found = service.resolve_api_token(header[7:].strip())
        if found is None:
            raise Problem(
                401, "The bearer token is invalid or was revoked.",
                headers={"WWW-Authenticate": 'Bearer realm="relieflog"'},
            )
        token, g.user = found
        g.auth_method = "token"
        stale = token.last_used_at is None or utcnow() - token.last_used_at > service.TOUCH_EVERY
        return (token, "last_used_at") if stale else None
    check_origin()
    if raw := request.cookies.get(cookie_name()):
        session_policy = policy()
        found_session = service.resolve_session(raw, session_policy)
        if found_session is not None:
            g.login_session, g.user = found_session
            g.auth_method = "cookie"
            if service.session_needs_touch(g.login_session, session_policy):
                return g.login_session, "last_seen_at"
    return None


def login_required(view: F) -> F:
    @functools.wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        if g.get("user") is None:
            raise Problem(401, "Please log in.")
        return view(*args, **kwargs)

    return cast(F, wrapped)


def current_user() -> User:
    user = g.get("user")
    if user is None:  # login_required runs first; this guards misuse
        raise Problem(401, "Please log in.")
    return cast(User, user)


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
