"""Passwords, login sessions and API tokens: the rules, with no Flask request in sight."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Executable, bindparam, delete, select, update

from api.auth.models import Account, ApiToken, LoginSession, PasswordReset, SignedIn, User
from api.auth.passwords import account_words, weakness
from api.errors import Problem, field_error
from api.extensions import db
from api.models import as_utc, utcnow
from api.prepared import Prepared

# argon2id at OWASP's recommended minimum (19 MiB, 2 passes, 1 lane): ~25 ms here,
# slow enough to make offline guessing expensive, fast enough for a 2-core server.
password_hasher = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1)
# Verified against when the email is unknown, so both failures take the same time.
_DUMMY_HASH = password_hasher.hash(secrets.token_urlsafe(16))

TOKEN_PREFIX = "rl_"
LOGIN_FAILED = "Email or password is incorrect."


def sha256(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def normalize_email(email: str) -> str:
    return email.strip().lower()


def hash_password(password: str) -> str:
    return password_hasher.hash(password)


def password_matches(user: User, password: str) -> bool:
    try:
        password_hasher.verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        return False
    if password_hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    return True


def find_user(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == normalize_email(email)))


def register(*, email: str, password: str, timezone: str, display_name: str) -> User:
    if find_user(email) is not None:
        raise Problem(
            409, "An account with this email already exists.",
            errors={"email": ["An account with this email already exists."]},
        )
    user = User(
        email=normalize_email(email),
        password_hash=hash_password(password),
        timezone=timezone,
        display_name=display_name.strip(),
    )
    db.session.add(user)
    db.session.flush()
    return user


def login_delay(user: User, *, failures_allowed: int, now: datetime) -> int:
    """Seconds this account must wait before the next attempt (0 = may try now).

    Stored in the database, so guessing stays slow however many workers serve it:
    after `failures_allowed` failures each attempt waits 30 s, doubling to 15 min.
    """
    extra = user.failed_logins - failures_allowed
    if extra < 0 or user.last_failed_login_at is None:
        return 0
    wait = timedelta(seconds=min(30 * 2**extra, 900))
    remaining = as_utc(user.last_failed_login_at) + wait - now
    return max(0, int(remaining.total_seconds()) + 1) if remaining.total_seconds() > 0 else 0


def authenticate(*, email: str, password: str, failures_allowed: int) -> User:
    """The user with these credentials, or a Problem with one message for every failure."""
    user = find_user(email)
    now = utcnow()
    if user is None:
        try:
            password_hasher.verify(_DUMMY_HASH, password)
        except VerificationError:
            pass
        raise Problem(401, LOGIN_FAILED)
    if wait := login_delay(user, failures_allowed=failures_allowed, now=now):
        raise Problem(
            429,
            "Too many failed attempts for this account. Please wait and try again.",
            headers={"Retry-After": str(wait)},
        )
    if not password_matches(user, password) or user.disabled:
        # One UPDATE, not read-modify-write: parallel guesses must all count.
        db.session.execute(
            update(User)
            .where(User.id == user.id)
            .values(failed_logins=User.failed_logins + 1, last_failed_login_at=now)
        )
        raise Problem(401, LOGIN_FAILED)
    user.failed_logins = 0
    user.last_failed_login_at = None
    return user


def start_session(user: User) -> str:
    """Create a login session and return the cookie's token (never stored)."""
    token = secrets.token_urlsafe(32)
    db.session.add(LoginSession(user_id=user.id, token_hash=sha256(token)))
    db.session.flush()
    return token


def end_session(token: str) -> None:
    db.session.execute(delete(LoginSession).where(LoginSession.token_hash == sha256(token)))


def end_all_sessions(user: User) -> None:
    db.session.execute(delete(LoginSession).where(LoginSession.user_id == user.id))


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


# Every API request runs one of these, so they are prepared statements (api/prepared.py):
# building a select(), ORM objects or even Core's result for it each cost more than the query.
_USERS = User.__table__
_SESSIONS = LoginSession.__table__
_TOKENS = ApiToken.__table__
_ACCOUNT = (_USERS.c.id, _USERS.c.email, _USERS.c.display_name, _USERS.c.timezone,
            _USERS.c.created_at)
_SESSION_AND_ACCOUNT = Prepared(
    select(*_ACCOUNT, _SESSIONS.c.id.label("session_id"),
           _SESSIONS.c.created_at.label("session_created_at"), _SESSIONS.c.last_seen_at)
    .join(_SESSIONS, _SESSIONS.c.user_id == _USERS.c.id)
    .where(_SESSIONS.c.token_hash == bindparam("token_hash"), _USERS.c.disabled.is_(False))
)
_TOKEN_AND_ACCOUNT = Prepared(
    select(*_ACCOUNT, _TOKENS.c.id.label("token_id"), _TOKENS.c.last_used_at)
    .join(_TOKENS, _TOKENS.c.user_id == _USERS.c.id)
    .where(_TOKENS.c.token_hash == bindparam("token_hash"), _USERS.c.disabled.is_(False))
)


def _lookup(query: Prepared, token: str) -> dict[str, Any] | None:
    # On the request transaction's connection: the Session's ORM layer would add nothing.
    return query.first(db.session.connection(), {"token_hash": sha256(token)})


def _signed_in(row: dict[str, Any]) -> SignedIn:
    return SignedIn(id=row["id"], email=row["email"], display_name=row["display_name"],
                    timezone=row["timezone"], created_at=row["created_at"])


def resolve_session(token: str, policy: SessionPolicy) -> Credential | None:
    """The live session for a cookie token: None when unknown, idle, too old or disabled."""
    row = _lookup(_SESSION_AND_ACCOUNT, token)
    if row is None:
        return None
    now = utcnow()
    idle = now - row["last_seen_at"]
    if idle > policy.idle or now - row["session_created_at"] > policy.absolute:
        return None
    touch = (update(_SESSIONS).where(_SESSIONS.c.id == row["session_id"])
             .values(last_seen_at=now)) if idle > policy.touch_every else None
    return Credential(_signed_in(row), touch)


def resolve_api_token(token: str) -> Credential | None:
    """The account of a live API token: None when unknown, revoked or disabled."""
    row = _lookup(_TOKEN_AND_ACCOUNT, token)
    if row is None:
        return None
    now = utcnow()
    stale = row["last_used_at"] is None or now - row["last_used_at"] > TOUCH_EVERY
    touch = (update(_TOKENS).where(_TOKENS.c.id == row["token_id"])
             .values(last_used_at=now)) if stale else None
    return Credential(_signed_in(row), touch)


def create_api_token(*, user: Account, label: str) -> tuple[ApiToken, str]:
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    row = ApiToken(user_id=user.id, label=label.strip(), token_hash=sha256(token))
    db.session.add(row)
    db.session.flush()
    return row, token


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


def reset_password(*, token: str, new_password: str) -> User:
    """Set a new password from a reset token; every session of the account ends."""
    reset = db.session.scalar(
        select(PasswordReset).where(PasswordReset.token_hash == sha256(token)).with_for_update()
    )
    if reset is None or reset.used_at is not None or reset.expires_at <= utcnow():
        raise Problem(410, RESET_INVALID)
    user = db.session.get(User, reset.user_id)
    assert user is not None
    # The schema judged the password before anyone knew whose it is; now the account's
    # own words count too. A refused password leaves the link usable.
    if message := weakness(new_password,
                           user_inputs=account_words(user.email, user.display_name)):
        raise field_error("new_password", message)
    reset.used_at = utcnow()
    user.password_hash = hash_password(new_password)
    user.failed_logins = 0
    end_all_sessions(user)
    return user


def delete_account(user: User) -> None:
    """Remove every row that belongs to the user, then the user.

    Explicit deletes for every table with a user_id (children first), not only ON DELETE
    CASCADE: SQLite enforces that only with foreign_keys=ON, and a health app must not
    depend on a pragma to forget someone. New tables are covered without editing this.
    """
    for table in reversed(db.metadata.sorted_tables):
        if "user_id" in table.c:
            db.session.execute(delete(table).where(table.c.user_id == user.id))
    db.session.delete(user)
