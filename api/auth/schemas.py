"""Request and response bodies for accounts and tokens."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from api.auth import passwords
from api.fields import Text, validate_timezone
from api.vocabulary import QUESTIONNAIRES

EMAIL_DOC = "Email address; case does not matter."
LANGUAGE_DOC = ("The language of the account's email: en or es (es-MX is es; others en). "
                "Optional; the PWA sends its own.")
NEW_PASSWORD_DOC = (
    "At least 10 characters, and not easy to guess: zxcvbn must estimate at least 10^8 "
    "guesses (score 3 of 4), so common passwords, keyboard patterns, repeats, sequences, "
    "dates and the account's own email address or name are refused with a message that "
    "says why (422)."
)


class NewPassword(validate.Validator):
    """Every new password (register, change, reset): 10 to 1024 characters, and hard to
    guess (api/auth/passwords.py), with the account's own words as the first guesses.
    The PWA checks the same minimum length before sending (PASSWORD_MIN_LENGTH in
    web/js/vocabulary.js); only the server judges guessability."""

    length = validate.Length(min=10, max=1024)

    def __call__(self, value: str, *, account: Iterable[str] = ()) -> str:
        self.length(value)
        if (message := passwords.weakness(value, user_inputs=account)) is not None:
            raise ValidationError(message)
        return value


NEW_PASSWORD = NewPassword()


class SetsNewPassword(Schema):
    """A body that sets a new password: NEW_PASSWORD judges it once every field is valid,
    with what this body tells about the account (`account_words`). A schema knows nothing
    else: for an account that exists, the service judges again with the account's own
    words (auth.service.judge_with_account_words)."""

    new_password_field = "new_password"

    def account_words(self, data: dict[str, Any]) -> list[str]:
        return []

    @validates_schema(skip_on_field_errors=True)
    def hard_to_guess(self, data: dict[str, Any], **_: Any) -> None:
        try:
            NEW_PASSWORD(data[self.new_password_field], account=self.account_words(data))
        except ValidationError as error:
            raise ValidationError(error.messages, self.new_password_field) from None


class RegisterSchema(SetsNewPassword):
    new_password_field = "password"

    email = fields.Email(required=True, validate=validate.Length(max=254),
                         metadata={"description": EMAIL_DOC})
    password = fields.String(required=True, load_only=True, validate=NEW_PASSWORD.length,
                             metadata={"description": NEW_PASSWORD_DOC})
    timezone = fields.String(load_default="UTC", validate=validate_timezone,
                             metadata={"description": "IANA time zone, e.g. Europe/Berlin."})
    display_name = Text(load_default="", validate=validate.Length(max=80))
    language = Text(load_default="en", validate=validate.Length(max=35),
                    metadata={"description": LANGUAGE_DOC})

    def account_words(self, data: dict[str, Any]) -> list[str]:
        return passwords.account_words(data["email"], data["display_name"])


class LoginSchema(Schema):
    email = Text(required=True, validate=validate.Length(max=254))
    password = fields.String(required=True, load_only=True, validate=validate.Length(max=1024))
    language = Text(validate=validate.Length(max=35), metadata={"description": LANGUAGE_DOC})


class ForgotSchema(Schema):
    email = fields.Email(required=True, validate=validate.Length(max=254),
                         metadata={"description": EMAIL_DOC})


class AcceptedSchema(Schema):
    detail = fields.String()


class MfaLoginSchema(Schema):
    mfa_token = Text(required=True, validate=validate.Length(min=20, max=200),
                              metadata={"description": "From POST /auth/login (5 minutes)."})
    code = Text(validate=validate.Length(max=20), metadata={
        "description": "The 6-digit code of the authenticator app."})
    recovery_code = Text(validate=validate.Length(max=40), metadata={
        "description": "One of the ten recovery codes (each works once)."})
    passkey = fields.Dict(metadata={
        "description": "A passkey's answer (PublicKeyCredential as JSON) to the challenge "
                       "of POST /auth/login/mfa/options."})

    @validates_schema
    def one_way(self, data: dict[str, Any], **_: Any) -> None:
        if sum(name in data for name in ("code", "recovery_code", "passkey")) != 1:
            raise ValidationError("Give one of code, recovery_code or passkey.", "code")


class MfaTokenSchema(Schema):
    mfa_token = Text(required=True, validate=validate.Length(min=20, max=200))


class WebAuthnOptionsSchema(Schema):
    publicKey = fields.Dict(metadata={  # noqa: N815 - the WebAuthn API's own name
        "description": "For navigator.credentials.create() or .get(), binary members as "
                       "base64url."})


class PasskeyCreateSchema(Schema):
    credential = fields.Dict(required=True, metadata={
        "description": "The PublicKeyCredential from navigator.credentials.create(), as JSON "
                       "with base64url binary members."})
    label = Text(load_default="", validate=validate.Length(max=80))


class PasskeySchema(Schema):
    id = fields.UUID()
    label = fields.String()
    created_at = fields.AwareDateTime()
    last_used_at = fields.AwareDateTime(allow_none=True)


class PasskeyListSchema(Schema):
    items = fields.List(fields.Nested(PasskeySchema))


class MfaStatusSchema(Schema):
    totp = fields.Boolean(metadata={"description": "Two-step login with an app is on."})
    passkeys = fields.Integer()
    recovery_codes_left = fields.Integer()


class TotpBeganSchema(Schema):
    secret = fields.String(metadata={"description": "Base32, for typing into the app."})
    otpauth_uri = fields.String(metadata={"description": "The same, for a QR code."})


class TotpCodeSchema(Schema):
    code = Text(required=True, validate=validate.Length(min=1, max=40))


class RecoveryCodesSchema(Schema):
    recovery_codes = fields.List(fields.String(), metadata={
        "description": "Ten single-use codes, shown once (only their hashes are kept)."})


class TotpDisableSchema(Schema):
    password = fields.String(required=True, load_only=True, validate=validate.Length(max=1024))
    code = Text(required=True, validate=validate.Length(min=1, max=40), metadata={
        "description": "A current code of the app, or a recovery code."})


class AccountClinicSchema(Schema):
    id = fields.Integer()
    name = fields.String()
    is_admin = fields.Boolean(metadata={"description": "May invite and remove providers and "
                                        "rotate the clinic's code."})


class UserSchema(Schema):
    email = fields.String()
    display_name = fields.String()
    timezone = fields.String(metadata={"description": "IANA time zone; days are counted in it."})
    created_at = fields.AwareDateTime()
    questionnaires = fields.List(fields.String(), metadata={
        "description": "The check-ins turned on (phq9, gad7, peg); default phq9 and peg."})
    role = fields.String(metadata={"enum": ["patient", "provider"], "description":
                                   "A provider account belongs to a clinic and may call only "
                                   "the /clinic endpoints (and its own account's); a patient "
                                   "account may not call those."})
    clinic = fields.Nested(AccountClinicSchema, allow_none=True, metadata={
        "description": "A provider's clinic; absent for a patient."})
    language = fields.String(metadata={"description": "The language of the account's email."})
    mfa = fields.Nested(MfaStatusSchema)


class LoginResultSchema(UserSchema):
    """The account, logged in; or, for an account with two-step login, only these three."""

    mfa_required = fields.Boolean()
    mfa_token = fields.String(metadata={"description": "For POST /auth/login/mfa, 5 minutes."})
    methods = fields.List(fields.String(), metadata={
        "description": "The second steps this account can use: totp, recovery_code, "
                       "passkey."})


class UserUpdateSchema(Schema):
    display_name = Text(validate=validate.Length(max=80))
    timezone = fields.String(validate=validate_timezone)
    questionnaires = fields.List(
        fields.String(validate=validate.OneOf(QUESTIONNAIRES)),
        validate=validate.Length(max=len(QUESTIONNAIRES)),
        metadata={"description": "Which check-ins are on: any of phq9, gad7, peg; [] for none."})
    language = Text(validate=validate.Length(max=35), metadata={"description": LANGUAGE_DOC})


class LogoutSchema(Schema):
    endpoint = Text(validate=validate.Length(max=1024), metadata={
        "description": "This device's push subscription endpoint: deleted with the session "
                       "(optional; the body may be left out)."})


class PasswordConfirmSchema(Schema):
    password = fields.String(required=True, load_only=True, validate=validate.Length(max=1024))


class PasswordChangeSchema(SetsNewPassword):
    """change_password() judges the new password again with the signed-in account's
    words."""

    current_password = fields.String(required=True, validate=validate.Length(max=1024))
    new_password = fields.String(required=True, validate=NEW_PASSWORD.length,
                                 metadata={"description": NEW_PASSWORD_DOC})


class TokenCreateSchema(Schema):
    label = Text(required=True, validate=validate.Length(min=1, max=80))


class TokenSchema(Schema):
    id = fields.UUID()
    label = fields.String()
    created_at = fields.AwareDateTime()
    last_used_at = fields.AwareDateTime(allow_none=True)


class TokenCreatedSchema(TokenSchema):
    token = fields.String(metadata={"description": "Shown once; only its hash is stored."})


class TokenListSchema(Schema):
    items = fields.List(fields.Nested(TokenSchema))


class PasswordResetSchema(SetsNewPassword):
    """Whose account the link is for is known only once the service has checked the token:
    reset_password() then judges the password again with that account's words."""

    token = fields.String(required=True, validate=validate.Length(min=20, max=200),
                          metadata={"description": "From the admin's one-time reset link."})
    new_password = fields.String(required=True, validate=NEW_PASSWORD.length,
                                 metadata={"description": NEW_PASSWORD_DOC})
