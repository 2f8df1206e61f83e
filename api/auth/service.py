"""Passwords, login sessions and API tokens: the rules, with no Flask request in sight.

Password hashing (argon2id, ~25 ms) runs outside any transaction, so a login never holds
SQLite's write lock while it hashes; each function declares its own short transactions.
"""

from __future__ import annotations

import hashlib
import secrets
import uuid
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from blinker import Namespace
from sqlalchemy import Executable, bindparam, delete, select, update
from sqlalchemy.engine import Connection

from api import mail
from api.audit.service import record
from api.auth.models import (
    Account,
    ApiToken,
    LoginSession,
    MfaChallenge,
    PasswordReset,
    SignedIn,
    User,
)
from api.auth.passwords import account_words, weakness
from api.db import db
from api.domain import (
    AlreadyExists,
    Invalid,
    LinkGone,
    LoginFailed,
    NotFound,
    SessionEnded,
    WrongPassword,
)
from api.models import utcnow
from api.vocabulary import QUESTIONNAIRES

# argon2id at OWASP's recommended minimum (19 MiB, 2 passes, 1 lane): ~25 ms here,
# slow enough to make offline guessing expensive, fast enough for a 2-core server.
password_hasher = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1)
# Verified against when the email is unknown, so both failures take the same time.
_DUMMY_HASH = password_hasher.hash(secrets.token_urlsafe(16))

TOKEN_PREFIX = "rl_"
LOGIN_FAILED = "Email or password is incorrect."
TOKEN_NOT_FOUND = "No such token."


def sha256(token: str) -> str:
    # A token from a client may hold a lone surrogate (valid JSON): it hashes to something
    # no stored token matches, never a 500.
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def normalize_email(email: str) -> str:
    return email.strip().lower()


def hash_password(password: str) -> str:
    return password_hasher.hash(password)


# The password hash of a provider account made for an invitation, until its person chooses
# a password through the setup link: argon2 reads no hash from it, so no password matches.
NO_PASSWORD_YET = "!"


def new_provider(*, email: str, display_name: str) -> User:
    """A provider account nobody can log in to until its setup link sets a password."""
    user = User(email=normalize_email(email), role="provider", password_hash=NO_PASSWORD_YET,
                display_name=display_name.strip())
    db.session.add(user)
    db.session.flush()
    return user


def never_set_up(user: User) -> bool:
    """Made for an invitation, and no password was ever chosen for it."""
    return user.password_hash == NO_PASSWORD_YET


def verify_hash(password_hash: str, password: str) -> bool:
    if password_hash == NO_PASSWORD_YET:
        verify_hash(_DUMMY_HASH, password)  # the same time as a wrong password
        return False
    try:
        password_hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False
    return True


def check_password(user: User, password: str, field: str, message: str) -> None:
    """Raise WrongPassword unless `password` is the user's (rehashing an old hash)."""
    if not verify_hash(user.password_hash, password):
        raise WrongPassword(message, field=field)
    if password_hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)  # saved by the caller's write


def find_user(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == normalize_email(email)))


def account(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None:  # deleted by a concurrent request since the caller was looked up
        raise NotFound("No such account.")
    return user


def register(*, email: str, password: str, timezone: str, display_name: str,
             language: str = "en") -> tuple[User, str]:
    """A new account, logged in: (user, session token)."""
    password_hash = hash_password(password)
    with db.write():
        if find_user(email) is not None:
            raise AlreadyExists("An account with this email already exists.", field="email")
        user = User(email=normalize_email(email), password_hash=password_hash,
                    timezone=timezone, display_name=display_name.strip(),
                    language=mail_language(language))
        db.session.add(user)
        db.session.flush()
        return user, start_session(user)


MFA_TOKEN_MINUTES = 5
MFA_TOKEN_GONE = "This log-in took too long or was already finished: log in again."


@dataclass(frozen=True)
class LoginResult:
    """A right password: a session token, or (two-step login) an mfa_token for the
    second step and no session yet."""

    user: User
    session_token: str | None = None
    mfa_token: str | None = None


def log_in(*, email: str, password: str, previous_session: str | None, browser: str,
           language: str | None = None) -> LoginResult:
    """The account with these credentials and a new session token (or, with two-step
    login, a token for the second step), or LoginFailed with one message for every
    failure. How often one may fail is counted by the caller's rate limits
    (api/auth/routes.py), per account and address."""
    with db.read():
        user = find_user(email)
    if user is None:
        verify_hash(_DUMMY_HASH, password)  # the same time as a wrong password
        raise LoginFailed(LOGIN_FAILED)
    try:
        check_password(user, password, "password", LOGIN_FAILED)
        if user.disabled:
            raise WrongPassword(LOGIN_FAILED)
    except WrongPassword:
        with db.write():
            record(user_id=user.id, event="login_failed", browser=browser)
        raise LoginFailed(LOGIN_FAILED) from None
    with db.write():
        user = account(user.id)
        if language:
            user.language = mail_language(language)
        if user.mfa_enabled:
            return LoginResult(user, mfa_token=_mfa_challenge(user))
        return LoginResult(user, session_token=finish_login(user, previous_session,
                                                            browser=browser))


def finish_login(user: User, previous_session: str | None, *, browser: str) -> str:
    """The session of a fully logged-in account (call inside a write); the security log
    names `browser`."""
    if previous_session:
        end_session(previous_session)  # a new login never reuses an old session id
    token = start_session(user)
    record(user_id=user.id, event="login_succeeded", browser=browser)
    return token


def _mfa_challenge(user: User) -> str:
    now = utcnow()
    db.session.execute(delete(MfaChallenge).where(MfaChallenge.user_id == user.id,
                                                  MfaChallenge.expires_at < now))
    token = secrets.token_urlsafe(32)
    db.session.add(MfaChallenge(user_id=user.id, token_hash=sha256(token),
                                expires_at=now + timedelta(minutes=MFA_TOKEN_MINUTES)))
    db.session.flush()
    return token


def live_mfa_challenge(token: str) -> MfaChallenge:
    """The unused, unexpired challenge for an mfa_token, locked (call inside a write)."""
    challenge = db.session.scalar(select(MfaChallenge).where(
        MfaChallenge.token_hash == sha256(token), MfaChallenge.purpose == "login")
        .with_for_update())
    if challenge is None or challenge.used_at is not None or challenge.expires_at <= utcnow():
        raise SessionEnded(MFA_TOKEN_GONE, field="mfa_token")
    return challenge


def mfa_token_owner(token: str) -> int | None:
    """The account a live mfa_token belongs to (inside a read), else None."""
    return db.session.scalar(select(MfaChallenge.user_id).where(
        MfaChallenge.token_hash == sha256(token), MfaChallenge.purpose == "login",
        MfaChallenge.used_at.is_(None),
        MfaChallenge.expires_at > utcnow()))


def mfa_token_email(token: str, connection: Connection) -> str:
    """Whose log-in an mfa_token continues ("" when unknown): its rate limits are theirs."""
    return connection.execute(
        select(User.email).join(MfaChallenge, MfaChallenge.user_id == User.id)
        .where(MfaChallenge.token_hash == sha256(token))).scalar() or ""


def mail_language(tag: str | None) -> str:
    return mail.language(tag)


def notify(user: User, template: str, **params: Any) -> None:
    """An email notice to the account, in its language (inside the caller's write)."""
    mail.send(to=user.email, template=template, lang=user.language, **params)


# Sent with the account when a login or GET /me describes it; receivers answer with what
# they add to the body (api/clinics names a provider's clinic).
describing_account = Namespace().signal("describing-account")
ACCOUNT_FIELDS = ("email", "display_name", "timezone", "created_at", "questionnaires", "role",
                  "language")


def describe(user: Account) -> dict[str, Any]:
    """The account as GET /me shows it."""
    body = {name: getattr(user, name) for name in ACCOUNT_FIELDS}
    for _receiver, extra in describing_account.send(user):
        body.update(extra)
    return body


# Sent inside update_account's write transaction with the account's id when its time zone
# changes: local dates move with it, so whatever was computed from them is stale
# (api/summaries marks the kept analysis so).
timezone_changing = Namespace().signal("timezone-changing")


def update_account(*, user_id: int, changes: dict[str, Any]) -> User:
    with db.write():
        user = account(user_id)
        for field, value in changes.items():
            if field == "display_name":
                value = value.strip()
            elif field == "questionnaires":  # in one order, each once
                value = [name for name in QUESTIONNAIRES if name in value]
            elif field == "language":
                value = mail_language(value)
            elif field == "timezone" and value != user.timezone:
                timezone_changing.send(user.id)
            setattr(user, field, value)
    return user


def judge_with_account_words(user: User, new_password: str) -> None:
    """The body's schema judged `new_password` without knowing whose it is (NewPassword in
    api/auth/schemas.py); judge it again with the account's own email and name as the
    first guesses: Invalid names the field new_password."""
    if message := weakness(new_password,
                           user_inputs=account_words(user.email, user.display_name)):
        raise Invalid("new_password", message)


def change_password(*, user_id: int, current_password: str, new_password: str,
                    stay_logged_in: bool, browser: str) -> str | None:
    """Set a new password. Every login session ends and every API token is revoked; the
    caller gets a fresh session token when `stay_logged_in` (a browser)."""
    with db.read():
        user = account(user_id)
    judge_with_account_words(user, new_password)
    check_password(user, current_password, "current_password",
                    "The current password is incorrect.")
    password_hash = hash_password(new_password)
    with db.write():
        user = account(user_id)
        user.password_hash = password_hash
        sign_out_everywhere(user)
        token = start_session(user) if stay_logged_in else None
        record(user_id=user.id, event="password_changed", browser=browser)
        notify(user, "password_changed")
    return token


def delete_account(*, user_id: int, password: str) -> None:
    """Remove every row that belongs to the user, then the user.

    Explicit deletes for every table with a user_id (children first), not only ON DELETE
    CASCADE: SQLite enforces that only with foreign_keys=ON, and a health app must not
    depend on a pragma to forget someone. New tables are covered without editing this.
    """
    with db.read():
        user = account(user_id)
    check_password(user, password, "password", "The password is incorrect.")
    with db.write():
        notify(user, "account_deleted")  # the outbox has no user_id: the notice stays
        for table in reversed(db.metadata.sorted_tables):
            if "user_id" in table.c:
                db.session.execute(delete(table).where(table.c.user_id == user_id))
        db.session.execute(delete(User).where(User.id == user_id))
    db.after_erasure()


def start_session(user: User) -> str:
    """Create a login session and return the cookie's token (never stored)."""
    token = secrets.token_urlsafe(32)
    db.session.add(LoginSession(user_id=user.id, token_hash=sha256(token)))
    db.session.flush()
    return token


def end_session(token: str) -> None:
    db.session.execute(delete(LoginSession).where(LoginSession.token_hash == sha256(token)))


# Sent inside log_out's write transaction with (user_id, endpoint=...): other domains
# end what belongs to the device (api/reminders forgets its push subscription).
logging_out = Namespace().signal("logging-out")


def log_out(*, token: str, user_id: int | None, browser: str,
            endpoint: str | None = None) -> None:
    with db.write():
        end_session(token)
        if user_id is not None:
            logging_out.send(user_id, endpoint=endpoint)
            record(user_id=user_id, event="logged_out", browser=browser)


def sign_out_everywhere(user: User) -> None:
    """End every login session and revoke every API token of the account (a password
    change or reset, an admin disabling it): whoever had a way in has none now."""
    db.session.execute(delete(LoginSession).where(LoginSession.user_id == user.id))
    db.session.execute(delete(ApiToken).where(ApiToken.user_id == user.id))


# Last-used times of sessions and tokens are kept to this precision: one write per 10 min.
TOUCH_EVERY = timedelta(minutes=10)


@dataclass(frozen=True)
class SessionPolicy:
    idle: timedelta
    absolute: timedelta
    touch_every: timedelta = TOUCH_EVERY


@dataclass(frozen=True)
class Credential:
    """A valid session cookie or API token: whose it is, and the UPDATE that records its
    use when the last-used time is older than TOUCH_EVERY."""

    account: SignedIn
    touch: Executable | None
    # The login session behind a cookie (None for a token): a provider's access log line is
    # one per login session.
    session_id: int | None = None


# Every API request runs one of these two lookups: Core statements built once (SQLAlchemy
# caches their compiled form), read into a plain SignedIn rather than ORM objects.
_USERS = User.__table__
_SESSIONS = LoginSession.__table__
_TOKENS = ApiToken.__table__
_ACCOUNT = (_USERS.c.id, _USERS.c.email, _USERS.c.display_name, _USERS.c.timezone,
            _USERS.c.created_at, _USERS.c.questionnaires, _USERS.c.role, _USERS.c.language,
            _USERS.c.mfa_enabled)
_SESSION_AND_ACCOUNT = (
    select(*_ACCOUNT, _SESSIONS.c.id.label("session_id"),
           _SESSIONS.c.created_at.label("session_created_at"), _SESSIONS.c.last_seen_at)
    .join(_SESSIONS, _SESSIONS.c.user_id == _USERS.c.id)
    .where(_SESSIONS.c.token_hash == bindparam("token_hash"), _USERS.c.disabled.is_(False))
)
_TOKEN_AND_ACCOUNT = (
    select(*_ACCOUNT, _TOKENS.c.id.label("token_id"), _TOKENS.c.last_used_at)
    .join(_TOKENS, _TOKENS.c.user_id == _USERS.c.id)
    .where(_TOKENS.c.token_hash == bindparam("token_hash"), _USERS.c.disabled.is_(False))
)


def _lookup(connection: Connection, query: Any, token: str) -> Any:
    return connection.execute(query, {"token_hash": sha256(token)}).mappings().first()


def _signed_in(row: Any) -> SignedIn:
    return SignedIn(id=row["id"], email=row["email"], display_name=row["display_name"],
                    timezone=row["timezone"], created_at=row["created_at"],
                    questionnaires=row["questionnaires"], role=row["role"],
                    language=row["language"], mfa_enabled=row["mfa_enabled"])


def resolve_session(connection: Connection, token: str, policy: SessionPolicy
                    ) -> Credential | None:
    """The live session for a cookie token: None when unknown, idle, too old or disabled."""
    row = _lookup(connection, _SESSION_AND_ACCOUNT, token)
    if row is None:
        return None
    now = utcnow()
    idle = now - row["last_seen_at"]
    if idle > policy.idle or now - row["session_created_at"] > policy.absolute:
        return None
    touch = (update(_SESSIONS).where(_SESSIONS.c.id == row["session_id"])
             .values(last_seen_at=now)) if idle > policy.touch_every else None
    return Credential(_signed_in(row), touch, row["session_id"])


def resolve_api_token(connection: Connection, token: str) -> Credential | None:
    """The account of a live API token: None when unknown, revoked or disabled."""
    row = _lookup(connection, _TOKEN_AND_ACCOUNT, token)
    if row is None:
        return None
    now = utcnow()
    stale = row["last_used_at"] is None or now - row["last_used_at"] > TOUCH_EVERY
    touch = (update(_TOKENS).where(_TOKENS.c.id == row["token_id"])
             .values(last_used_at=now)) if stale else None
    return Credential(_signed_in(row), touch)


def list_api_tokens(*, user: Account) -> list[ApiToken]:
    return list(db.session.scalars(
        select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.created_at)))


def create_api_token(*, user: Account, label: str, browser: str) -> tuple[ApiToken, str]:
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    row = ApiToken(user_id=user.id, label=label.strip(), token_hash=sha256(token))
    db.session.add(row)
    db.session.flush()
    record(user_id=user.id, event="token_created", detail=row.label, browser=browser)
    return row, token


def revoke_api_token(*, user: Account, token_id: str, browser: str) -> None:
    """Revoke one of the caller's tokens; a malformed id or another's token is 404 alike."""
    try:
        key = uuid.UUID(token_id)
    except ValueError:
        raise NotFound(TOKEN_NOT_FOUND) from None
    row = db.session.scalar(
        select(ApiToken).where(ApiToken.id == key, ApiToken.user_id == user.id))
    if row is None:
        raise NotFound(TOKEN_NOT_FOUND)
    db.session.delete(row)
    record(user_id=user.id, event="token_revoked", detail=row.label, browser=browser)


RESET_INVALID = "This reset link is invalid, was already used, or has expired."


def create_password_reset(user: User, *, valid_for: timedelta) -> str:
    """A one-time reset token (only its hash is stored); earlier unused ones stop working."""
    db.session.execute(delete(PasswordReset).where(PasswordReset.user_id == user.id,
                                                   PasswordReset.used_at.is_(None)))
    token = secrets.token_urlsafe(32)
    db.session.add(PasswordReset(user_id=user.id, token_hash=sha256(token),
                                 expires_at=utcnow() + valid_for))
    db.session.flush()
    return token


def _live_reset(token: str, *, lock: bool = False) -> PasswordReset:
    query = select(PasswordReset).where(PasswordReset.token_hash == sha256(token))
    reset = db.session.scalar(query.with_for_update() if lock else query)
    if reset is None or reset.used_at is not None or reset.expires_at <= utcnow():
        raise LinkGone(RESET_INVALID)
    return reset


# Sent inside reset_password's write with (user, token=...): a clinic invitation made with
# the same token joins the clinic (api/clinics), the new provider's first password chosen.
password_set_by_link = Namespace().signal("password-set-by-link")


# Sent with a token that is no live reset link: a receiver answers with a sentence when the
# token is a link of its own that an existing account uses by logging in instead (api/clinics:
# an invitation sent to an account that exists), else None.
checking_other_link = Namespace().signal("checking-other-link")


def reset_password(*, token: str, new_password: str, browser: str) -> User:
    """Set a new password from a reset token; every session and token of the account ends.
    An invitation for an existing account sets no password: AlreadyExists (409) with
    reason "log_in_to_accept"."""
    with db.read():
        try:
            user = account(_live_reset(token).user_id)
        except LinkGone:
            for _receiver, message in checking_other_link.send(token):
                if message:
                    raise AlreadyExists(message, reason="log_in_to_accept") from None
            raise
    judge_with_account_words(user, new_password)  # a refused password leaves the link usable
    password_hash = hash_password(new_password)
    with db.write():
        reset = _live_reset(token, lock=True)  # again, holding the lock: it works once
        user = account(reset.user_id)
        reset.used_at = utcnow()
        user.password_hash = password_hash
        sign_out_everywhere(user)
        record(user_id=user.id, event="password_reset", browser=browser)
        password_set_by_link.send(user, token=token)
        notify(user, "password_reset")
    return user


FORGOT_ACCEPTED = ("If an account uses this address, an email with a link to choose a new "
                   "password is on its way. The link works for one hour.")


def forgot_password(*, email: str, valid_for: timedelta, public_url: str,
                    browser: str) -> None:
    """Mail a one-time reset link if the address has an account; the same work and the
    same answer either way (the caller cannot tell whether it has). Expired links are
    cleared in both cases, so both take a write."""
    with db.write():
        db.session.execute(delete(PasswordReset).where(PasswordReset.expires_at < utcnow()))
        user = find_user(email)
        if user is None or user.disabled:
            return
        token = create_password_reset(user, valid_for=valid_for)
        notify(user, "password_reset_link", url=f"{public_url}/reset#{token}")
        record(user_id=user.id, event="password_reset_requested", browser=browser)


def disable(user: User) -> None:
    """Block an account (admin): its sessions end, its tokens are revoked, login refused."""
    user.disabled = True
    sign_out_everywhere(user)
