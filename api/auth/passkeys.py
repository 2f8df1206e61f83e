"""Passkeys (WebAuthn, the `webauthn` library by Duo Labs) as a second step beside the
authenticator app: this phone's fingerprint or face, or a security key.

A passkey is added only while two-step login is on (its recovery codes cover a lost
phone), and goes when it is turned off. Every challenge is kept server-side, lives 5
minutes and is used once, whether the answer to it was right or not. The relying party is
PUBLIC_URL's host; browsers refuse an IP address there, so a laptop install on
http://127.0.0.1:PORT offers passkeys at http://localhost:PORT.
"""

from __future__ import annotations

import json
import secrets
import uuid
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

from flask import current_app
from sqlalchemy import delete, select
from webauthn import (
    generate_authentication_options,
    generate_registration_options,
    options_to_json,
    verify_authentication_response,
    verify_registration_response,
)
from webauthn.helpers import base64url_to_bytes, bytes_to_base64url
from webauthn.helpers.exceptions import WebAuthnException
from webauthn.helpers.structs import (
    AuthenticatorSelectionCriteria,
    PublicKeyCredentialDescriptor,
    ResidentKeyRequirement,
    UserVerificationRequirement,
)

from api.audit.service import record
from api.auth import service
from api.auth.models import Account, MfaChallenge, Passkey
from api.db import db
from api.domain import Forbidden, Invalid, NotFound
from api.models import utcnow

RP_NAME = "Relieflog"
CHALLENGE_MINUTES = 5
LOOPBACK_IPS = ("127.0.0.1", "::1")
NEEDS_TOTP = "Turn on two-step login with an authenticator app first; then add a passkey."
NO_CHALLENGE = "Start adding the passkey again: this attempt took too long or was finished."
REFUSED = "This passkey could not be checked. Try again, or use a code from your app."
NOT_FOUND = "No such passkey."


def relying_party() -> tuple[str, str]:
    """(RP id, the origin the browser reports): PUBLIC_URL's, with localhost for a
    loopback address."""
    parts = urlsplit(current_app.config["PUBLIC_URL"])
    host = parts.hostname or "localhost"
    if host in LOOPBACK_IPS:
        host = "localhost"
    port = f":{parts.port}" if parts.port else ""
    return host, f"{parts.scheme}://{host}{port}"


def _of(user_id: int) -> list[Passkey]:
    return list(db.session.scalars(select(Passkey).where(Passkey.user_id == user_id)
                                   .order_by(Passkey.created_at)))


def count(user_id: int) -> int:
    return len(_of(user_id))


def listed(*, user: Account) -> list[Passkey]:
    return _of(user.id)


def _challenge(user_id: int, purpose: str, challenge: bytes) -> None:
    db.session.add(MfaChallenge(
        user_id=user_id, purpose=purpose, token_hash=service.sha256(secrets.token_urlsafe(32)),
        webauthn_challenge=bytes_to_base64url(challenge),
        expires_at=utcnow() + timedelta(minutes=CHALLENGE_MINUTES)))


def registration_options(*, user_id: int) -> dict[str, Any]:
    rp_id, _origin = relying_party()
    with db.write():
        user = service.account(user_id)
        if not user.mfa_enabled:
            raise Forbidden(NEEDS_TOTP)
        options = generate_registration_options(
            rp_id=rp_id, rp_name=RP_NAME, user_name=user.email,
            user_id=str(user.id).encode(), user_display_name=user.display_name or user.email,
            authenticator_selection=AuthenticatorSelectionCriteria(
                resident_key=ResidentKeyRequirement.PREFERRED,
                user_verification=UserVerificationRequirement.PREFERRED),
            exclude_credentials=[PublicKeyCredentialDescriptor(id=p.credential_id)
                                 for p in _of(user_id)])
        _challenge(user_id, "passkey_add", options.challenge)
    return {"publicKey": json.loads(options_to_json(options))}


def add(*, user_id: int, credential: dict[str, Any], label: str, browser: str) -> Passkey:
    """Check the browser's answer to the newest challenge (used up either way) and keep
    the passkey."""
    rp_id, origin = relying_party()
    with db.write():
        row = db.session.scalar(
            select(MfaChallenge).where(MfaChallenge.user_id == user_id,
                                       MfaChallenge.purpose == "passkey_add",
                                       MfaChallenge.used_at.is_(None),
                                       MfaChallenge.expires_at > utcnow())
            .order_by(MfaChallenge.id.desc()).limit(1).with_for_update())
        if row is None or row.webauthn_challenge is None:
            raise Invalid("credential", NO_CHALLENGE)
        row.used_at = utcnow()
        expected = base64url_to_bytes(row.webauthn_challenge)
    try:
        verified = verify_registration_response(
            credential=credential, expected_challenge=expected, expected_rp_id=rp_id,
            expected_origin=origin)
    except (WebAuthnException, ValueError, KeyError, TypeError, AttributeError):
        raise Invalid("credential", REFUSED) from None
    with db.write():
        user = service.account(user_id)
        if not user.mfa_enabled:
            raise Forbidden(NEEDS_TOTP)
        passkey = Passkey(user_id=user_id, credential_id=verified.credential_id,
                          public_key=verified.credential_public_key,
                          sign_count=verified.sign_count, label=label.strip())
        db.session.add(passkey)
        db.session.flush()
        record(user_id=user_id, event="passkey_added", detail=passkey.label, browser=browser)
        service.notify(user, "passkey_added", label=passkey.label)
    return passkey


def remove(*, user: Account, passkey_id: str, browser: str) -> None:
    """Remove one of the caller's passkeys; a malformed id or another's is 404 alike."""
    try:
        key = uuid.UUID(passkey_id)
    except ValueError:
        raise NotFound(NOT_FOUND) from None
    row = db.session.scalar(select(Passkey).where(Passkey.id == key,
                                                  Passkey.user_id == user.id))
    if row is None:
        raise NotFound(NOT_FOUND)
    db.session.delete(row)
    record(user_id=user.id, event="passkey_removed", detail=row.label, browser=browser)


def remove_all(user_id: int) -> None:
    db.session.execute(delete(Passkey).where(Passkey.user_id == user_id))


def login_options(*, mfa_token: str) -> dict[str, Any]:
    """A challenge for the log-in that `mfa_token` continues, kept on its row."""
    rp_id, _origin = relying_party()
    with db.write():
        challenge = service.live_mfa_challenge(mfa_token)
        keys = _of(challenge.user_id)
        if not keys:
            raise NotFound("This account has no passkey.")
        options = generate_authentication_options(
            rp_id=rp_id, user_verification=UserVerificationRequirement.PREFERRED,
            allow_credentials=[PublicKeyCredentialDescriptor(id=p.credential_id) for p in keys])
        challenge.webauthn_challenge = bytes_to_base64url(options.challenge)
    return {"publicKey": json.loads(options_to_json(options))}


def use(challenge: MfaChallenge, credential: dict[str, Any]) -> bool:
    """Whether `credential` answers the log-in's challenge with one of the account's
    passkeys (inside the caller's write; the challenge is used up either way)."""
    rp_id, origin = relying_party()
    expected = challenge.webauthn_challenge
    challenge.webauthn_challenge = None
    raw_id = credential.get("rawId") or credential.get("id")
    if expected is None or not isinstance(raw_id, str):
        return False
    try:
        credential_id = base64url_to_bytes(raw_id)
    except ValueError:
        return False
    passkey = db.session.scalar(select(Passkey).where(
        Passkey.user_id == challenge.user_id, Passkey.credential_id == credential_id))
    if passkey is None:
        return False
    try:
        verified = verify_authentication_response(
            credential=credential, expected_challenge=base64url_to_bytes(expected),
            expected_rp_id=rp_id, expected_origin=origin,
            credential_public_key=passkey.public_key,
            credential_current_sign_count=passkey.sign_count)
    except (WebAuthnException, ValueError, KeyError, TypeError, AttributeError):
        return False
    passkey.sign_count = verified.new_sign_count
    passkey.last_used_at = utcnow()
    return True
