"""Account endpoints: register, log in and out, the account, its security log, and
personal API tokens.

Every password check (log in, change password, delete the account) is limited per
address, and its failures count per account and address and per account alone, whatever
cookie or token the request carries (PASSWORD_FAILURE_LIMIT, ACCOUNT_FAILURE_LIMIT).
Known and unknown emails are counted alike, so the answers say nothing about who has an
account, and a stranger on another address cannot lock a patient out.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable
from datetime import timedelta
from typing import Any, TypeVar, cast

from flask import Response, after_this_request, current_app, g, request
from flask.views import MethodView

from api.audit import service as audit
from api.audit.schemas import AuditListSchema, AuditQuerySchema
from api.auth import mfa, passkeys, service
from api.auth.guard import (
    clear_session_cookie,
    cookie_name,
    current_user,
    login_required,
    set_session_cookie,
)
from api.auth.schemas import (
    AcceptedSchema,
    ForgotSchema,
    LoginResultSchema,
    LoginSchema,
    LogoutSchema,
    MfaLoginSchema,
    MfaTokenSchema,
    PasskeyCreateSchema,
    PasskeyListSchema,
    PasskeySchema,
    PasswordChangeSchema,
    PasswordConfirmSchema,
    PasswordResetSchema,
    RecoveryCodesSchema,
    RegisterSchema,
    TokenCreatedSchema,
    TokenCreateSchema,
    TokenListSchema,
    TotpBeganSchema,
    TotpCodeSchema,
    TotpDisableSchema,
    UserSchema,
    UserUpdateSchema,
    WebAuthnOptionsSchema,
)
from api.browsers import request_browser
from api.db import db, reads, writes
from api.extensions import Blueprint, limiter

blp = Blueprint("auth", __name__, url_prefix="/api/v1", description="Accounts and tokens")

F = TypeVar("F", bound=Callable[..., Any])


def setting(name: str) -> Callable[[], str]:
    return lambda: current_app.config[name]


def _address() -> str:
    return request.remote_addr or "unknown"


def _account_key(email: str) -> str:
    """A stable, non-reversible name for an email in the rate-limit store (keyed, so the
    store never holds a list of who has an account)."""
    key = current_app.config["SECRET_KEY"].encode()
    # Read before the body is validated: a lone surrogate must still make a key (the
    # schema then refuses it with a 422), never a 500.
    email_bytes = service.normalize_email(email).encode("utf-8", "surrogatepass")
    return hmac.new(key, email_bytes, hashlib.sha256).hexdigest()


def _email_in_body() -> str:
    body = request.get_json(silent=True)
    email = body.get("email") if isinstance(body, dict) else None
    return email if isinstance(email, str) else ""


def _mfa_tokens_email() -> str:
    """Whose log-in the body's mfa_token continues: its attempts count as theirs."""
    body = request.get_json(silent=True)
    token = body.get("mfa_token") if isinstance(body, dict) else None
    if not isinstance(token, str) or not token:
        return ""
    with db.peek() as connection:
        return service.mfa_token_email(token, connection)


def _callers_email() -> str:
    user = g.get("user")
    return user.email if user is not None else ""


def _failed(response: Response) -> bool:
    return response.status_code in (401, 403)


def password_check(email_of: Callable[[], str]) -> Callable[[F], F]:
    """The limits of a view that checks a password for the account `email_of()` names."""

    def decorate(view: F) -> F:
        limited: Callable[..., Any] = view
        for limit in (
            limiter.limit(setting("LOGIN_RATE_LIMIT")),  # every attempt, per address
            limiter.shared_limit(
                setting("PASSWORD_FAILURE_LIMIT"), scope="password-failures",
                key_func=lambda: f"{_account_key(email_of())}@{_address()}",
                deduct_when=_failed),
            limiter.shared_limit(
                setting("ACCOUNT_FAILURE_LIMIT"), scope="account-failures",
                key_func=lambda: _account_key(email_of()), deduct_when=_failed),
        ):
            limited = limit(limited)
        return cast(F, limited)

    return decorate


def _set_cookie(token: str) -> None:
    @after_this_request
    def _cookie(response: Response) -> Response:
        set_session_cookie(response, token)
        return response


def _clear_cookie() -> None:
    @after_this_request
    def _clear(response: Response) -> Response:
        clear_session_cookie(response)
        return response


@blp.route("/auth/register", methods=["POST"])
@limiter.limit(setting("REGISTER_RATE_LIMIT"))
@blp.arguments(RegisterSchema)
@blp.response(201, UserSchema)
def register(data: dict[str, Any]) -> Any:
    """Create an account and log in"""
    user, token = service.register(**data)
    _set_cookie(token)
    return user


@blp.route("/auth/login", methods=["POST"])
@password_check(_email_in_body)
@blp.arguments(LoginSchema)
@blp.response(200, LoginResultSchema)
def login(data: dict[str, Any]) -> Any:
    """Log in with email and password (with two-step login on: then POST /auth/login/mfa)"""
    result = service.log_in(email=data["email"], password=data["password"],
                            previous_session=request.cookies.get(cookie_name()),
                            browser=request_browser(), language=data.get("language"))
    if result.mfa_token is not None:
        with db.read():
            methods = mfa.methods(result.user)
        return {"mfa_required": True, "mfa_token": result.mfa_token, "methods": methods}
    assert result.session_token is not None
    _set_cookie(result.session_token)
    return service.describe(result.user)


@blp.route("/auth/login/mfa", methods=["POST"])
@password_check(_mfa_tokens_email)
@blp.arguments(MfaLoginSchema)
@blp.response(200, UserSchema)
def login_mfa(data: dict[str, Any]) -> Any:
    """The second step of a log-in: a code of the authenticator app, a recovery code, or a
    passkey's answer"""
    user, token = mfa.second_step(
        mfa_token=data["mfa_token"], code=data.get("code"),
        recovery_code=data.get("recovery_code"), passkey=data.get("passkey"),
        previous_session=request.cookies.get(cookie_name()), browser=request_browser())
    _set_cookie(token)
    return service.describe(user)


@blp.route("/auth/login/mfa/options", methods=["POST"])
@limiter.limit(setting("LOGIN_RATE_LIMIT"))
@blp.arguments(MfaTokenSchema)
@blp.response(200, WebAuthnOptionsSchema)
def login_mfa_options(data: dict[str, Any]) -> Any:
    """A passkey challenge for the second step of this log-in (5 minutes, used once)"""
    return passkeys.login_options(mfa_token=data["mfa_token"])


@blp.route("/me/passkeys/options", methods=["POST"])
@login_required
@blp.response(200, WebAuthnOptionsSchema)
def passkey_options() -> Any:
    """Options for adding a passkey (two-step login must be on); the challenge is kept
    server-side for 5 minutes"""
    return passkeys.registration_options(user_id=current_user().id)


@blp.route("/me/passkeys")
class Passkeys(MethodView):
    decorators = [login_required]

    @blp.response(200, PasskeyListSchema)
    @reads
    def get(self) -> Any:
        """The account's passkeys (labels and dates; no key material)"""
        return {"items": passkeys.listed(user=current_user())}

    @blp.arguments(PasskeyCreateSchema)
    @blp.response(201, PasskeySchema)
    def post(self, data: dict[str, Any]) -> Any:
        """Add a passkey: the browser's answer to POST /me/passkeys/options"""
        return passkeys.add(user_id=current_user().id, credential=data["credential"],
                            label=data["label"], browser=request_browser())


@blp.route("/me/passkeys/<passkey_id>", methods=["DELETE"])
@login_required
@blp.response(204)
@writes
def remove_passkey(passkey_id: str) -> None:
    """Remove a passkey"""
    passkeys.remove(user=current_user(), passkey_id=passkey_id, browser=request_browser())


def _forgetful_address() -> str:
    return f"forgot:{_account_key(_email_in_body())}"


@blp.route("/auth/forgot", methods=["POST"])
@limiter.limit(setting("FORGOT_RATE_LIMIT"))
@limiter.limit(setting("FORGOT_ADDRESS_LIMIT"), key_func=_forgetful_address)
@blp.arguments(ForgotSchema)
@blp.response(202, AcceptedSchema)
def forgot_password(data: dict[str, Any]) -> Any:
    """Mail a one-hour reset link if the address has an account (the same answer either
    way)"""
    config = current_app.config
    service.forgot_password(email=data["email"],
                            valid_for=timedelta(minutes=config["FORGOT_RESET_MINUTES"]),
                            public_url=config["PUBLIC_URL"], browser=request_browser())
    return {"detail": service.FORGOT_ACCEPTED}


@blp.route("/me/mfa/totp")
class Totp(MethodView):
    decorators = [login_required]

    @password_check(_callers_email)
    @blp.arguments(PasswordConfirmSchema)
    @blp.response(200, TotpBeganSchema)
    def post(self, data: dict[str, Any]) -> Any:
        """Start two-step login with an authenticator app: its secret, as text and as an
        otpauth:// URI for a QR code (not in use until confirmed with a code)"""
        secret, uri = mfa.begin_totp(user_id=current_user().id, password=data["password"])
        return {"secret": secret, "otpauth_uri": uri}

    @password_check(_callers_email)
    @blp.arguments(TotpDisableSchema)
    @blp.response(204)
    def delete(self, data: dict[str, Any]) -> None:
        """Turn two-step login off (the password and a current or recovery code)"""
        mfa.disable_totp(user_id=current_user().id, password=data["password"],
                         code=data["code"], browser=request_browser())


@blp.route("/me/mfa/totp/confirm", methods=["POST"])
@login_required
@password_check(_callers_email)
@blp.arguments(TotpCodeSchema)
@blp.response(200, RecoveryCodesSchema)
def confirm_totp(data: dict[str, Any]) -> Any:
    """Turn two-step login on with the app's first code: ten recovery codes, shown once"""
    return {"recovery_codes": mfa.confirm_totp(user_id=current_user().id, code=data["code"],
                                               browser=request_browser())}


@blp.route("/auth/logout", methods=["POST"])
@blp.arguments(LogoutSchema, required=False)
@blp.response(204)
def logout(data: dict[str, Any] | None) -> None:
    """End this login session (and, given its endpoint, this device's push subscription)"""
    if raw := request.cookies.get(cookie_name()):
        user = g.get("user")
        service.log_out(token=raw, user_id=user.id if user is not None else None,
                        browser=request_browser(), endpoint=(data or {}).get("endpoint"))
    _clear_cookie()


@blp.route("/me")
class Me(MethodView):
    decorators = [login_required]

    @blp.response(200, UserSchema)
    def get(self) -> Any:
        """The account: its role, and a provider's clinic"""
        return service.describe(current_user())

    @blp.arguments(UserUpdateSchema)
    @blp.response(200, UserSchema)
    def patch(self, data: dict[str, Any]) -> Any:
        """Change display name or time zone"""
        return service.describe(service.update_account(user_id=current_user().id,
                                                       changes=data))

    @password_check(_callers_email)
    @blp.arguments(PasswordConfirmSchema)
    @blp.response(204)
    def delete(self, data: dict[str, Any]) -> None:
        """Delete the account and every row of its data"""
        service.delete_account(user_id=current_user().id, password=data["password"])
        _clear_cookie()


@blp.route("/me/password", methods=["POST"])
@login_required
@password_check(_callers_email)
@blp.arguments(PasswordChangeSchema)
@blp.response(204)
def change_password(data: dict[str, Any]) -> None:
    """Change the password; every login session ends and every API token is revoked
    (a browser that changed it stays logged in with a new session)"""
    token = service.change_password(
        user_id=current_user().id, current_password=data["current_password"],
        new_password=data["new_password"], stay_logged_in=g.get("auth_method") == "cookie",
        browser=request_browser())
    if token is not None:
        _set_cookie(token)


@blp.route("/auth/reset", methods=["POST"])
@limiter.limit(setting("LOGIN_RATE_LIMIT"))
@blp.arguments(PasswordResetSchema)
@blp.response(204)
@blp.alt_response(410, description="The link is unknown, used or expired.")
@blp.alt_response(409, description="A clinic's invitation for an account that exists "
                  "(`reason`: log_in_to_accept): it sets no password; log in with the "
                  "account's own and POST /clinic/invites/accept.")
def reset_password(data: dict[str, Any]) -> None:
    """Set a new password with a one-time link from the admin; every session ends and
    every API token is revoked"""
    service.reset_password(token=data["token"], new_password=data["new_password"],
                           browser=request_browser())


@blp.route("/me/audit")
@login_required
@blp.arguments(AuditQuerySchema, location="query")
@blp.response(200, AuditListSchema)
@reads
def audit_log(query: dict[str, Any]) -> Any:
    """Security events of this account, newest first, a page at a time"""
    items, next_before = audit.page(user_id=current_user().id, limit=query["limit"],
                                    before=query.get("before"), events=query.get("event", ()))
    return {"items": items, "next_before": next_before}


def _tokens_per_account() -> str:
    return f"account:{current_user().id}"


@blp.route("/tokens")
class Tokens(MethodView):
    decorators = [login_required]

    @blp.response(200, TokenListSchema)
    @reads
    def get(self) -> Any:
        """Personal API tokens (without the tokens themselves)"""
        return {"items": service.list_api_tokens(user=current_user())}

    @limiter.limit(setting("TOKEN_RATE_LIMIT"))
    @limiter.limit(setting("TOKEN_RATE_LIMIT"), key_func=_tokens_per_account)
    @blp.arguments(TokenCreateSchema)
    @blp.response(201, TokenCreatedSchema)
    @writes
    def post(self, data: dict[str, Any]) -> Any:
        """Create a token for scripts; it is shown once"""
        row, token = service.create_api_token(user=current_user(), label=data["label"],
                                              browser=request_browser())
        return {"id": row.id, "label": row.label, "created_at": row.created_at,
                "last_used_at": None, "token": token}


@blp.route("/tokens/<token_id>", methods=["DELETE"])
@login_required
@blp.response(204)
@writes
def revoke_token(token_id: str) -> None:
    """Revoke a token"""
    service.revoke_api_token(user=current_user(), token_id=token_id, browser=request_browser())
