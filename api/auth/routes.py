"""Account endpoints: register, log in and out, the account itself, personal API tokens."""

from __future__ import annotations

import uuid
from typing import Any

from flask import Response, after_this_request, current_app, g, request
from flask.views import MethodView
from sqlalchemy import select

from api.audit.service import record
from api.auth import service
from api.auth.guard import (
    clear_session_cookie,
    cookie_name,
    current_account,
    current_user,
    login_required,
    set_session_cookie,
)
from api.auth.models import ApiToken
from api.auth.schemas import (
    LoginSchema,
    PasswordChangeSchema,
    PasswordConfirmSchema,
    PasswordResetSchema,
    RegisterSchema,
    TokenCreatedSchema,
    TokenCreateSchema,
    TokenListSchema,
    UserSchema,
    UserUpdateSchema,
)
from api.errors import Problem
from api.extensions import Blueprint, db, limiter

blp = Blueprint("auth", __name__, url_prefix="/api/v1", description="Accounts and tokens")


def _config_limit(name: str) -> Any:
    return lambda: current_app.config[name]


def _account_key() -> str:
    """Rate-limit key for logged-in actions: the account, whatever address it comes from."""
    user = g.get("user")
    return f"account:{user.id}" if user is not None else f"ip:{request.remote_addr}"


def _log_in(user: Any) -> None:
    token = service.start_session(user)

    @after_this_request
    def _cookie(response: Response) -> Response:
        set_session_cookie(response, token)
        return response


@blp.route("/auth/register", methods=["POST"])
@limiter.limit(_config_limit("REGISTER_RATE_LIMIT"))
@blp.arguments(RegisterSchema)
@blp.response(201, UserSchema)
def register(data: dict[str, Any]) -> Any:
    """Create an account and log in"""
    user = service.register(**data)
    _log_in(user)
    db.session.commit()
    return user


@blp.route("/auth/login", methods=["POST"])
@limiter.limit(_config_limit("LOGIN_RATE_LIMIT"))
@blp.arguments(LoginSchema)
@blp.response(200, UserSchema)
def login(data: dict[str, Any]) -> Any:
    """Log in with email and password"""
    try:
        user = service.authenticate(
            email=data["email"],
            password=data["password"],
            failures_allowed=current_app.config["LOGIN_FAILURES_BEFORE_DELAY"],
        )
    except Problem as problem:
        if problem.status == 401 and (known := service.find_user(data["email"])) is not None:
            record(user_id=known.id, event="login_failed")
        db.session.commit()  # keep the failed-attempt count and the log entry
        raise
    if raw := request.cookies.get(cookie_name()):
        service.end_session(raw)  # a new login never reuses an old session id
    _log_in(user)
    record(user_id=user.id, event="login_succeeded")
    db.session.commit()
    return user


@blp.route("/auth/logout", methods=["POST"])
@blp.response(204)
def logout() -> None:
    """End this login session"""
    if raw := request.cookies.get(cookie_name()):
        service.end_session(raw)
        if g.get("user") is not None:
            record(user_id=g.user.id, event="logged_out")
        db.session.commit()

    @after_this_request
    def _clear(response: Response) -> Response:
        clear_session_cookie(response)
        return response


@blp.route("/me")
class Me(MethodView):
    decorators = [login_required]

    @blp.response(200, UserSchema)
    def get(self) -> Any:
        """The account"""
        return current_user()

    @blp.arguments(UserUpdateSchema)
    @blp.response(200, UserSchema)
    def patch(self, data: dict[str, Any]) -> Any:
        """Change display name or time zone"""
        user = current_account()
        for field, value in data.items():
            setattr(user, field, value.strip() if field == "display_name" else value)
        db.session.commit()
        return user

    @blp.arguments(PasswordConfirmSchema)
    @blp.response(204)
    def delete(self, data: dict[str, Any]) -> None:
        """Delete the account and every row of its data"""
        user = current_account()
        if not service.password_matches(user, data["password"]):
            raise Problem(403, "The password is incorrect.",
                          errors={"password": ["The password is incorrect."]})
        service.delete_account(user)
        db.session.commit()

        @after_this_request
        def _clear(response: Response) -> Response:
            clear_session_cookie(response)
            return response


@blp.route("/me/password", methods=["POST"])
@limiter.limit(_config_limit("LOGIN_RATE_LIMIT"))
@login_required
@blp.arguments(PasswordChangeSchema)
@blp.response(204)
def change_password(data: dict[str, Any]) -> None:
    """Change the password; every other login session ends"""
    user = current_account()
    if not service.password_matches(user, data["current_password"]):
        raise Problem(403, "The current password is incorrect.",
                      errors={"current_password": ["The current password is incorrect."]})
    user.password_hash = service.hash_password(data["new_password"])
    service.end_all_sessions(user)
    if g.get("auth_method") == "cookie":
        _log_in(user)
    record(user_id=user.id, event="password_changed")
    db.session.commit()


@blp.route("/auth/reset", methods=["POST"])
@limiter.limit(_config_limit("LOGIN_RATE_LIMIT"))
@blp.arguments(PasswordResetSchema)
@blp.response(204)
@blp.alt_response(410, description="The link is unknown, used or expired.")
def reset_password(data: dict[str, Any]) -> None:
    """Set a new password with a one-time link from the admin; all sessions end"""
    user = service.reset_password(token=data["token"], new_password=data["new_password"])
    record(user_id=user.id, event="password_reset")
    db.session.commit()


@blp.route("/tokens")
class Tokens(MethodView):
    decorators = [login_required]

    @blp.response(200, TokenListSchema)
    def get(self) -> Any:
        """Personal API tokens (without the tokens themselves)"""
        rows = db.session.scalars(
            select(ApiToken).where(ApiToken.user_id == current_user().id)
            .order_by(ApiToken.created_at)
        )
        return {"items": list(rows)}

    @limiter.limit(_config_limit("TOKEN_RATE_LIMIT"))
    @limiter.limit(_config_limit("TOKEN_RATE_LIMIT"), key_func=_account_key)
    @blp.arguments(TokenCreateSchema)
    @blp.response(201, TokenCreatedSchema)
    def post(self, data: dict[str, Any]) -> Any:
        """Create a token for scripts; it is shown once"""
        row, token = service.create_api_token(user=current_user(), label=data["label"])
        record(user_id=row.user_id, event="token_created", detail=row.label)
        db.session.commit()
        return {"id": row.id, "label": row.label, "created_at": row.created_at,
                "last_used_at": None, "token": token}


@blp.route("/tokens/<token_id>", methods=["DELETE"])
@login_required
@blp.response(204)
def revoke_token(token_id: str) -> None:
    """Revoke a token"""
    try:
        key = uuid.UUID(token_id)
    except ValueError:
        raise Problem(404, "No such token.") from None
    row = db.session.scalar(
        select(ApiToken).where(ApiToken.id == key, ApiToken.user_id == current_user().id)
    )
    if row is None:
        raise Problem(404, "No such token.")
    db.session.delete(row)
    record(user_id=row.user_id, event="token_revoked", detail=row.label)
    db.session.commit()
