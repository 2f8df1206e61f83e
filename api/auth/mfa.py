"""Two-step login: an authenticator app's codes (TOTP, RFC 6238) and single-use recovery
codes, the second step of a log-in, and the admin's reset for a lost factor.

Secrets are encrypted at rest with AES-GCM under a key derived from SECRET_KEY (HKDF), so
a copy of the database alone gives no codes; recovery codes are stored as argon2id hashes.
A TOTP code is accepted for the current 30-second step or the one either side, and only
once: the step of the last accepted code is kept, and no earlier or equal step counts.
"""

from __future__ import annotations

import base64
import hmac
import re
import secrets
from datetime import datetime
from typing import Any

import pyotp
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.hashes import SHA256
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from flask import current_app
from sqlalchemy import delete, func, select, update

from api.audit.service import record
from api.auth import passkeys, service
from api.auth.models import Account, MfaChallenge, RecoveryCode, TotpSecret, User
from api.db import db
from api.domain import AlreadyExists, LoginFailed, NotFound, WrongCode
from api.models import utcnow

ISSUER = "Relieflog"
RECOVERY_CODES = 10
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud or copied
WRONG_CODE = "That code is not right. Check the time on your phone and try the newest code."
WRONG_RECOVERY_CODE = "That recovery code is not right or was already used."
NOT_STARTED = "Start setting up two-step login first."
ALREADY_ON = "Two-step login is already on."
NOT_ON = "Two-step login is not on."


def _key(purpose: bytes) -> bytes:
    return HKDF(algorithm=SHA256(), length=32, salt=b"relieflog", info=purpose).derive(
        current_app.config["SECRET_KEY"].encode())


def _encrypt(secret: str) -> str:
    nonce = secrets.token_bytes(12)
    sealed = AESGCM(_key(b"totp-secret")).encrypt(nonce, secret.encode(), b"totp")
    return base64.urlsafe_b64encode(nonce + sealed).decode()


def _decrypt(stored: str) -> str:
    raw = base64.urlsafe_b64decode(stored.encode())
    return AESGCM(_key(b"totp-secret")).decrypt(raw[:12], raw[12:], b"totp").decode()


def _normalised(code: str) -> str:
    return re.sub(r"[\s-]", "", code).upper()


def _matching_recovery_code(user_id: int, code: str) -> int | None:
    """The id of the unused recovery code `code` is, if any. The codes have 60 bits, under
    ASVS 6.5.2's 112, so each is kept as a salted argon2id hash like a password; checking
    (up to ten hashes, ~25 ms each) runs outside any transaction."""
    with db.read():
        rows = db.session.execute(select(RecoveryCode.id, RecoveryCode.code_hash).where(
            RecoveryCode.user_id == user_id, RecoveryCode.used_at.is_(None))).all()
    typed = _normalised(code)
    if not re.fullmatch(f"[{CODE_ALPHABET}]{{12}}", typed):
        return None
    return next((row_id for row_id, stored in rows if service.verify_hash(stored, typed)), None)


def _spend_recovery_code(code_id: int | None) -> bool:
    """Mark it used (inside a write): False when another request used it first."""
    if code_id is None:
        return False
    spent: Any = db.session.execute(update(RecoveryCode).where(
        RecoveryCode.id == code_id, RecoveryCode.used_at.is_(None)).values(used_at=utcnow()))
    return bool(spent.rowcount)


def _new_recovery_codes(user_id: int) -> list[str]:
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user_id))
    codes = []
    for _ in range(RECOVERY_CODES):
        raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(12))
        db.session.add(RecoveryCode(user_id=user_id, code_hash=service.hash_password(raw)))
        codes.append(f"{raw[:4]}-{raw[4:8]}-{raw[8:]}")
    return codes


def _matching_step(secret: str, code: str, last_step: int | None, now: datetime) -> int | None:
    """The time step `code` belongs to (now, or one step either side) if not yet used."""
    code = re.sub(r"\s", "", code)
    if not re.fullmatch(r"\d{6}", code):
        return None
    totp = pyotp.TOTP(secret)
    current = totp.timecode(now)
    for step in (current - 1, current, current + 1):
        if (last_step is None or step > last_step) and hmac.compare_digest(
                totp.generate_otp(step), code):
            return step
    return None


def _use_totp(row: TotpSecret, code: str) -> bool:
    """Accept `code` once (call inside a write, the row locked)."""
    step = _matching_step(_decrypt(row.secret_encrypted), code, row.last_step, utcnow())
    if step is None:
        return False
    row.last_step = step
    return True


def _secret_row(user_id: int) -> TotpSecret | None:
    return db.session.scalar(select(TotpSecret).where(TotpSecret.user_id == user_id)
                             .with_for_update())


def codes_left(user_id: int) -> int:
    return db.session.scalar(select(func.count()).select_from(RecoveryCode).where(
        RecoveryCode.user_id == user_id, RecoveryCode.used_at.is_(None))) or 0


def status(user: Account) -> dict[str, Any]:
    """What GET /me says of two-step login."""
    with db.read():
        left = codes_left(user.id) if user.mfa_enabled else 0
        keys = passkeys.count(user.id) if user.mfa_enabled else 0
    return {"mfa": {"totp": user.mfa_enabled, "passkeys": keys, "recovery_codes_left": left}}


service.describing_account.connect(status)


def methods(user: Account) -> list[str]:
    """The second steps an account can use now (inside a read or write)."""
    if not user.mfa_enabled:
        return []
    return ["totp", "recovery_code"] + (["passkey"] if passkeys.count(user.id) else [])


def begin_totp(*, user_id: int, password: str) -> tuple[str, str]:
    """A new secret for the authenticator app, not in use until confirmed with a code:
    (secret, otpauth:// URI for the QR code)."""
    with db.read():
        user = service.account(user_id)
    service.check_password(user, password, "password", "The password is incorrect.")
    secret = pyotp.random_base32()
    with db.write():
        user = service.account(user_id)
        if user.mfa_enabled:
            raise AlreadyExists(ALREADY_ON)
        db.session.execute(delete(TotpSecret).where(TotpSecret.user_id == user_id))
        db.session.add(TotpSecret(user_id=user_id, secret_encrypted=_encrypt(secret)))
    uri = pyotp.TOTP(secret).provisioning_uri(name=user.email, issuer_name=ISSUER)
    return secret, uri


def confirm_totp(*, user_id: int, code: str, browser: str) -> list[str]:
    """Turn two-step login on with a first code: the ten recovery codes, shown once."""
    with db.write():
        user = service.account(user_id)
        row = _secret_row(user_id)
        if user.mfa_enabled:
            raise AlreadyExists(ALREADY_ON)
        if row is None:
            raise NotFound(NOT_STARTED)
        if not _use_totp(row, code):
            raise WrongCode(WRONG_CODE, field="code")
        row.confirmed_at = utcnow()
        user.mfa_enabled = True
        codes = _new_recovery_codes(user_id)
        record(user_id=user_id, event="mfa_enabled", browser=browser)
        service.notify(user, "mfa_enabled")
    return codes


def disable_totp(*, user_id: int, password: str, code: str, browser: str) -> None:
    """Turn two-step login off: the password and a current code (or a recovery code)."""
    with db.read():
        user = service.account(user_id)
    service.check_password(user, password, "password", "The password is incorrect.")
    recovery = _matching_recovery_code(user_id, code)
    with db.write():
        user = service.account(user_id)
        row = _secret_row(user_id)
        if not user.mfa_enabled or row is None:
            raise NotFound(NOT_ON)
        if not _use_totp(row, code) and not _spend_recovery_code(recovery):
            raise WrongCode(WRONG_CODE, field="code")
        _remove_factors(user)
        record(user_id=user_id, event="mfa_disabled", browser=browser)
        service.notify(user, "mfa_disabled")


def _remove_factors(user: User) -> None:
    for model in (TotpSecret, RecoveryCode, MfaChallenge):
        db.session.execute(delete(model).where(model.user_id == user.id))
    passkeys.remove_all(user.id)
    user.mfa_enabled = False


def second_step(*, mfa_token: str, code: str | None, recovery_code: str | None,
                previous_session: str | None, browser: str,
                passkey: dict[str, Any] | None = None) -> tuple[User, str]:
    """Finish a log-in with a code from the app, a recovery code or a passkey's answer to
    POST /auth/login/mfa/options: (user, session token). A wrong code leaves the
    mfa_token usable until it expires; a right one uses it up."""
    recovery = None
    if recovery_code is not None:
        with db.read():
            owner = service.mfa_token_owner(mfa_token)
        recovery = _matching_recovery_code(owner, recovery_code) if owner else None
    with db.write():
        challenge = service.live_mfa_challenge(mfa_token)
        user = service.account(challenge.user_id)
        if passkey is not None:
            ok = passkeys.use(challenge, passkey)
        elif recovery_code is not None:
            ok = _spend_recovery_code(recovery)
        else:
            row = _secret_row(user.id)
            ok = row is not None and _use_totp(row, code or "")
        if ok:
            challenge.used_at = utcnow()
            if recovery_code is not None:
                left = codes_left(user.id)
                record(user_id=user.id, event="recovery_code_used", browser=browser)
                service.notify(user, "recovery_code_used", left=left)
            return user, service.finish_login(user, previous_session, browser=browser)
    with db.write():
        # Kept: outside the refused write.
        record(user_id=user.id, event="login_failed", browser=browser)
    if passkey is not None:
        raise LoginFailed(passkeys.REFUSED, field="passkey")
    raise LoginFailed(WRONG_RECOVERY_CODE if recovery_code is not None else WRONG_CODE,
                      field="recovery_code" if recovery_code is not None else "code")


def reset(user: User) -> None:
    """`flask users reset-mfa`: every factor and session goes (call inside a write)."""
    _remove_factors(user)
    service.sign_out_everywhere(user)
    record(user_id=user.id, event="mfa_reset", detail="by the administrator")
    service.notify(user, "mfa_reset")
