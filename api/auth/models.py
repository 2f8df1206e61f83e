"""Accounts, server-side login sessions and personal API tokens."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from sqlalchemy import JSON, BigInteger, ForeignKey, LargeBinary, String, false
from sqlalchemy.orm import Mapped, mapped_column

from api.db import db
from api.models import UTCDateTime, created_at_column, fhir_key_column
from api.vocabulary import DEFAULT_QUESTIONNAIRES


class User(db.Model):  # type: ignore[name-defined]
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Stored lower-cased, so the unique index makes emails case-insensitive.
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    display_name: Mapped[str] = mapped_column(String(80), default="")
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    disabled: Mapped[bool] = mapped_column(default=False)
    # "patient", or "provider" for a clinic's account (api/clinics): each role answers the
    # other's endpoints 403 (ROLE_OF in api/auth/guard.py).
    role: Mapped[str] = mapped_column(String(16), default="patient", server_default="patient")
    # The check-ins the patient has turned on (ids from api/questionnaires/instruments.py).
    questionnaires: Mapped[list[str]] = mapped_column(
        JSON, default=lambda: list(DEFAULT_QUESTIONNAIRES))
    # The language of the account's email ("en" or "es"): the PWA's, at register and log-in.
    language: Mapped[str] = mapped_column(String(8), default="en", server_default="en")
    # Two-step login is on (a confirmed TOTP secret, api/auth/mfa.py): kept here so the one
    # query that reads the caller on every request also says it.
    mfa_enabled: Mapped[bool] = mapped_column(default=False, server_default=false())
    created_at: Mapped[datetime] = created_at_column()
    # FHIR ids of the patient's own exports come from it (api/formats/fhir.py).
    fhir_key: Mapped[str] = fhir_key_column()


class Account(Protocol):
    """What services read of an account: a User row, or the SignedIn caller."""

    @property
    def id(self) -> int: ...
    @property
    def email(self) -> str: ...
    @property
    def display_name(self) -> str: ...
    @property
    def timezone(self) -> str: ...
    @property
    def created_at(self) -> datetime: ...
    @property
    def questionnaires(self) -> list[str]: ...
    @property
    def role(self) -> str: ...
    @property
    def language(self) -> str: ...
    @property
    def mfa_enabled(self) -> bool: ...


@dataclass(frozen=True, slots=True)
class SignedIn:
    """The caller's account, read with their token or session in one Core query on every
    API request (ORM objects for it cost more than the query). Read-only: a service that
    changes the account loads its User row."""

    id: int
    email: str
    display_name: str
    timezone: str
    created_at: datetime
    questionnaires: list[str]
    role: str
    language: str = "en"
    mfa_enabled: bool = False


class LoginSession(db.Model):  # type: ignore[name-defined]
    __tablename__ = "login_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    # SHA-256 of the cookie's random token: a copy of the table cannot be replayed.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = created_at_column()
    last_seen_at: Mapped[datetime] = created_at_column()


class ApiToken(db.Model):  # type: ignore[name-defined]
    __tablename__ = "api_tokens"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    label: Mapped[str] = mapped_column(String(80))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = created_at_column()
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class PasswordReset(db.Model):  # type: ignore[name-defined]
    """A one-time link an admin made with `flask users reset-password` (no mail server)."""

    __tablename__ = "password_resets"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = created_at_column()
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class TotpSecret(db.Model):  # type: ignore[name-defined]
    """An account's authenticator-app secret: encrypted (AES-GCM, api/auth/mfa.py), and in
    use once confirmed with a first code."""

    __tablename__ = "totp_secrets"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"),
                                         primary_key=True)
    secret_encrypted: Mapped[str] = mapped_column(String(200))
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The 30-second step of the last code accepted: each code works once.
    last_step: Mapped[int | None] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = created_at_column()


class RecoveryCode(db.Model):  # type: ignore[name-defined]
    __tablename__ = "recovery_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    # argon2id hash (salted, like a password) of the code without its dashes.
    code_hash: Mapped[str] = mapped_column(String(255))
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class MfaChallenge(db.Model):  # type: ignore[name-defined]
    """The `mfa_token` a right password earns when the account has two-step login: single
    use, 5 minutes, stored hashed."""

    __tablename__ = "mfa_challenges"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # "login" (an mfa_token), or "passkey_add" (a passkey being added; its token unused).
    purpose: Mapped[str] = mapped_column(String(16), default="login", server_default="login")
    # The WebAuthn challenge (base64url) a passkey must sign, kept server-side, used once.
    webauthn_challenge: Mapped[str | None] = mapped_column(String(128))
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class Passkey(db.Model):  # type: ignore[name-defined]
    """A WebAuthn credential (this phone's fingerprint or face, a security key): its public
    key only; the private key never leaves the device."""

    __tablename__ = "passkeys"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    credential_id: Mapped[bytes] = mapped_column(LargeBinary(1024), unique=True)
    public_key: Mapped[bytes] = mapped_column(LargeBinary(2048))
    sign_count: Mapped[int] = mapped_column(BigInteger, default=0)
    label: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[datetime] = created_at_column()
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
